"""Reading captions of the scene grammar (grammar.py) and checking them against a scene graph.

`parse(tokens)` turns a caption into mentioned entities (a colour, a shape, an optional size
and a count of 1 or 2) and the relations stated between them; `check(tokens, objects)` says
whether the caption is entirely true: there is a way to give each mentioned object its own
scene object with that colour, shape and size such that every stated relation holds.

The relation test here is written directly from the scene domain's definition (docs/specification.md) on box centres and is
kept apart from scene.relation, which the grammar uses to choose its words; the generator's
self-check compares the two.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .scene import COLOURS, SHAPES, SIZES, SceneObject

DETERMINERS = ("a", "one", "another", "the", "two")
RELATION_PHRASES = {
    ("to", "the", "left", "of"): "left",
    ("to", "the", "right", "of"): "right",
    ("above",): "above",
    ("below",): "below",
}
INTERNAL_PHRASES = {("side", "by", "side"): "horizontal",
                    ("one", "above", "the", "other"): "vertical"}


class CaptionSyntaxError(ValueError):
    """The caption is not a sentence of the scene grammar."""


@dataclass
class Entity:
    """One mention: `count` objects (1, or 2 for `two ...`) with these attributes."""

    colour: str
    shape: str
    size: str | None
    count: int


@dataclass
class Reading:
    """What a caption states: entities, relations (subject, word, object) between entity
    indices, and internal relations (entity index, "horizontal" | "vertical") of pairs."""

    entities: list[Entity] = field(default_factory=list)
    relations: list[tuple[int, str, int]] = field(default_factory=list)
    internal: list[tuple[int, str]] = field(default_factory=list)

    @property
    def object_count(self) -> int:
        return sum(e.count for e in self.entities)


@dataclass
class CaptionCheck:
    """The verdict on one caption."""

    grammatical: bool
    true: bool
    mentioned: int  # objects the caption mentions
    matched: int  # of those, how many match a distinct scene object by colour/shape/size
    complete: bool  # says what the grammar asks of a scene this size (see grammar.py)


def parse(tokens: list[str]) -> Reading:
    """The reading of a caption; raises CaptionSyntaxError when it is not grammatical."""
    reading = Reading()
    clause: list[str] = []
    for token in list(tokens) + ["and"]:
        if token != "and":
            clause.append(token)
            continue
        if not clause:
            raise CaptionSyntaxError("empty clause")
        _parse_clause(clause, reading)
        clause = []
    return reading


def _parse_clause(words: list[str], reading: Reading) -> None:
    position = 0
    if words[:1] == ["there"]:
        if len(words) < 2 or words[1] not in ("is", "are"):
            raise CaptionSyntaxError("`there` without `is`/`are`")
        position = 2
    subject, position = _parse_noun(words, position, reading)
    if position < len(words) and words[position] in ("is", "are"):
        position += 1
    if position == len(words):
        return
    rest = tuple(words[position:])
    for phrase, axis in INTERNAL_PHRASES.items():
        if rest == phrase:
            if reading.entities[subject].count != 2:
                raise CaptionSyntaxError(f"`{' '.join(phrase)}` needs a pair")
            reading.internal.append((subject, axis))
            return
    for phrase, word in RELATION_PHRASES.items():
        if rest[:len(phrase)] == phrase:
            target, end = _parse_noun(words, position + len(phrase), reading)
            if end != len(words):
                raise CaptionSyntaxError(f"unexpected {' '.join(words[end:])!r}")
            reading.relations.append((subject, word, target))
            return
    raise CaptionSyntaxError(f"unexpected {' '.join(rest)!r}")


def _parse_noun(words: list[str], position: int, reading: Reading) -> tuple[int, int]:
    """Reads `determiner [size] colour shape` at `position`; returns the entity index and
    the position after the phrase."""
    if position >= len(words) or words[position] not in DETERMINERS:
        raise CaptionSyntaxError(f"expected a determiner at word {position}")
    determiner = words[position]
    position += 1
    size = None
    if position < len(words) and words[position] in SIZES:
        size = words[position]
        position += 1
    if position >= len(words) - 1 or words[position] not in COLOURS:
        raise CaptionSyntaxError(f"expected a colour and a shape at word {position}")
    colour, noun = words[position], words[position + 1]
    plural = determiner == "two"
    shape = noun[:-1] if plural and noun.endswith("s") else noun
    if shape not in SHAPES or (plural and shape == noun):
        raise CaptionSyntaxError(f"expected a {'plural ' if plural else ''}shape, got {noun!r}")
    position += 2
    same_kind = [i for i, e in enumerate(reading.entities)
                 if (e.colour, e.shape) == (colour, shape)]
    if determiner == "the":
        if len(same_kind) != 1 or reading.entities[same_kind[0]].count != 1:
            raise CaptionSyntaxError(f"`the {colour} {shape}` names no single earlier object")
        entity = reading.entities[same_kind[0]]
        if size is not None and entity.size not in (None, size):
            raise CaptionSyntaxError(f"`the {size} {colour} {shape}` contradicts its mention")
        entity.size = entity.size or size
        return same_kind[0], position
    if determiner == "another" and not same_kind:
        raise CaptionSyntaxError(f"`another {colour} {shape}` with none before")
    reading.entities.append(Entity(colour, shape, size, 2 if plural else 1))
    return len(reading.entities) - 1, position


def holds(word: str, a: SceneObject, b: SceneObject) -> bool:
    """The scene domain's definition of `a <word> b` on box centres (image y grows downwards)."""
    ax, ay = (a.box[0] + a.box[2]) / 2.0, (a.box[1] + a.box[3]) / 2.0
    bx, by = (b.box[0] + b.box[2]) / 2.0, (b.box[1] + b.box[3]) / 2.0
    horizontal = abs(ax - bx) >= abs(ay - by)
    return {"left": ax < bx and horizontal, "right": ax > bx and horizontal,
            "above": ay < by and not horizontal, "below": ay > by and not horizontal}[word]


def _fits(entity: Entity, obj: SceneObject) -> bool:
    return (entity.colour, entity.shape) == (obj.colour, obj.shape) and \
        entity.size in (None, obj.size)


def _assignments(reading: Reading, objects: list[SceneObject]):
    """Every injective choice of scene objects for the mentioned objects that fits their
    attributes, as one list of object indices per entity."""
    slots = [i for i, e in enumerate(reading.entities) for _ in range(e.count)]
    for chosen in itertools.permutations(range(len(objects)), len(slots)):
        if all(_fits(reading.entities[e], objects[o]) for e, o in zip(slots, chosen)):
            members: list[list[int]] = [[] for _ in reading.entities]
            for e, o in zip(slots, chosen):
                members[e].append(o)
            yield members


def is_true(reading: Reading, objects: list[SceneObject]) -> bool:
    """Whether some assignment makes every mention and relation of `reading` true."""
    for members in _assignments(reading, objects):
        relations_hold = all(holds(word, objects[a], objects[b])
                             for s, word, t in reading.relations
                             for a in members[s] for b in members[t])
        internal_hold = all(
            holds("left", objects[a], objects[b]) or holds("right", objects[a], objects[b])
            if axis == "horizontal" else
            holds("above", objects[a], objects[b]) or holds("below", objects[a], objects[b])
            for e, axis in reading.internal for a, b in [members[e]])
        if relations_hold and internal_hold:
            return True
    return False


def matched_objects(mentions: list[Entity], objects: list[SceneObject]) -> int:
    """The largest number of mentioned objects that can be given distinct scene objects
    with their colour, shape and size (a maximum matching; scenes are tiny)."""
    slots = [e for e in mentions for _ in range(e.count)]
    best = 0
    for chosen in itertools.permutations(range(len(objects)), min(len(slots), len(objects))):
        for kept in itertools.permutations(slots, len(chosen)):
            best = max(best, sum(_fits(e, objects[o]) for e, o in zip(kept, chosen)))
    return best


def loose_mentions(tokens: list[str]) -> list[Entity]:
    """Objects an ungrammatical caption still names: every `[size] colour shape(s)` not
    preceded by `the`, counted twice after `two`."""
    mentions = []
    for i in range(len(tokens) - 1):
        colour, noun = tokens[i], tokens[i + 1]
        shape = noun[:-1] if noun.endswith("s") and noun[:-1] in SHAPES else noun
        if colour not in COLOURS or shape not in SHAPES:
            continue
        size = tokens[i - 1] if i >= 1 and tokens[i - 1] in SIZES else None
        before = tokens[i - 2] if size and i >= 2 else tokens[i - 1] if i >= 1 else ""
        if before == "the":
            continue
        mentions.append(Entity(colour, shape, size, 2 if before == "two" else 1))
    return mentions


def check(tokens: list[str], objects: list[SceneObject]) -> CaptionCheck:
    """The verdict on one caption about one scene."""
    try:
        reading = parse(tokens)
    except CaptionSyntaxError:
        mentions = loose_mentions(tokens)
        return CaptionCheck(False, False, sum(e.count for e in mentions),
                            matched_objects(mentions, objects), False)
    if len(objects) == 1:
        complete = reading.object_count == 1
    else:
        complete = reading.object_count >= 2 and bool(reading.relations or reading.internal)
    return CaptionCheck(True, is_true(reading, objects), reading.object_count,
                        matched_objects(reading.entities, objects), complete)
