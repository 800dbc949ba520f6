"""The caption grammar: five reference captions per scene, all true of the scene graph.

Words (34): a one two another the there is are and to of left right above below side by
other small large, the six colours, the four shapes and their plurals. Lower case, no
punctuation. The grammar, as the checker (checker.py) reads it:

    caption   := clause ("and" clause)*
    clause    := ["there" ("is"|"are")] np [("is"|"are")] [relation np | internal]
    np        := ("a"|"one"|"another"|"the") [size] colour shape
               | "two" [size] colour shape "s"
    relation  := "to the left of" | "to the right of" | "above" | "below"
    internal  := "side by side" | "one above the other"      (only after "two ...")

"a", "one", "another" and "two" introduce new objects ("another" repeats the colour and
shape of an object already mentioned); "the" refers back to the object mentioned earlier
in the caption with that colour and shape. A relation after "two ..." holds for both
objects of the pair. "side by side" says the pair is related left/right, "one above the
other" says above/below.

What the captions of a scene say:
  * one object: the object alone ("a red circle", "there is one small red circle", ...);
  * two or three objects: at least two objects and at least one true relation. Relations
    are taken from pairs that are clearly away from the diagonal (clarity >= CLEAR_PAIR,
    see scene.clarity) whenever the scene has such a pair; a two-object scene always
    describes its one pair.
Every choice (structure, order of mention, copula, "there is", size words) is random, so
the five captions of a scene differ.
"""

from __future__ import annotations

import itertools

import numpy as np

from .scene import COLOURS, SHAPES, SIZES, SceneObject, clarity, relation

CAPTIONS_PER_IMAGE = 5
CLEAR_PAIR = 0.15
SIZE_WORD_PROBABILITY = 0.4
RELATION_WORDS = {
    "left": ["to", "the", "left", "of"],
    "right": ["to", "the", "right", "of"],
    "above": ["above"],
    "below": ["below"],
}
INTERNAL_WORDS = {"horizontal": ["side", "by", "side"],
                  "vertical": ["one", "above", "the", "other"]}
# Every word a caption can use, in a fixed order (the trainer's vocabulary).
WORDS = sorted({"a", "one", "two", "another", "the", "there", "is", "are", "and"}
               | {w for words in RELATION_WORDS.values() for w in words}
               | {w for words in INTERNAL_WORDS.values() for w in words}
               | set(SIZES) | set(COLOURS) | set(SHAPES) | {s + "s" for s in SHAPES})


def captions_for(objects: list[SceneObject], rng: np.random.Generator,
                 count: int = CAPTIONS_PER_IMAGE) -> list[list[str]]:
    """`count` token lists describing `objects`, distinct whenever the grammar allows."""
    writer = _CaptionWriter(objects, rng)
    captions: list[list[str]] = []
    for _attempt in range(50 * count):
        caption = writer.caption()
        if caption not in captions:
            captions.append(caption)
        if len(captions) == count:
            return captions
    while len(captions) < count:  # a scene with fewer distinct captions than `count`
        captions.append(writer.caption())
    return captions


class _CaptionWriter:
    def __init__(self, objects: list[SceneObject], rng: np.random.Generator):
        self.objects = objects
        self.rng = rng
        pairs = list(itertools.permutations(range(len(objects)), 2))
        clear = [p for p in pairs if clarity(objects[p[0]], objects[p[1]]) >= CLEAR_PAIR]
        if not clear and pairs:
            best = max(clarity(objects[a], objects[b]) for a, b in pairs)
            clear = [p for p in pairs if clarity(objects[p[0]], objects[p[1]]) == best]
        self.pairs = clear  # ordered pairs whose relation captions may state

    # --- pieces -------------------------------------------------------------------------

    def _chance(self, probability: float) -> bool:
        return bool(self.rng.random() < probability)

    def _pick(self, options: list):
        return options[int(self.rng.integers(len(options)))]

    def _size(self, size: str) -> list[str]:
        return [size] if self._chance(SIZE_WORD_PROBABILITY) else []

    def _noun(self, index: int, seen: list[int], determiner: str = "a") -> list[str]:
        """A noun phrase for a newly mentioned object (`another` when an object of the same
        kind was mentioned before) or, with determiner `the`, for one mentioned before.
        Appends `index` to `seen`."""
        obj = self.objects[index]
        if determiner == "a" and any(self.objects[i].kind == obj.kind for i in seen):
            determiner = "another"
        seen.append(index)
        return [determiner] + self._size(obj.size) + [obj.colour, obj.shape]

    def _pair_noun(self, pair: tuple[int, int], seen: list[int]) -> list[str]:
        first, second = (self.objects[i] for i in pair)
        seen.extend(pair)
        size = self._size(first.size) if first.size == second.size else []
        return ["two"] + size + [first.colour, first.shape + "s"]

    def _relation_words(self, first: int, second: int) -> list[str]:
        return RELATION_WORDS[relation(self.objects[first], self.objects[second])]

    def _statement(self, subject: list[str], tail: list[str], plural: bool,
                   forms: tuple[str, ...] = ("plain", "copula", "there")) -> list[str]:
        """`subject tail`, `subject is tail` or `there is subject tail`."""
        form = self._pick(list(forms))
        if form == "copula":
            return subject + ["are" if plural else "is"] + tail
        if form == "there":
            return ["there", "are" if plural else "is"] + subject + tail
        return subject + tail

    def _existence(self, index: int, seen: list[int]) -> list[str]:
        if self._chance(0.5):
            return ["there", "is"] + self._noun(index, seen)
        return self._noun(index, seen)

    def _relation(self, first: int, second: int, seen: list[int],
                  forms: tuple[str, ...] = ("plain", "copula", "there")) -> list[str]:
        """A statement `first <relation> second`, both objects newly mentioned."""
        subject = self._noun(first, seen)
        tail = self._relation_words(first, second) + self._noun(second, seen)
        return self._statement(subject, tail, plural=False, forms=forms)

    # --- whole captions ------------------------------------------------------------------

    def caption(self) -> list[str]:
        if len(self.objects) == 1:
            if self._chance(0.5):
                return ["there", "is"] + self._noun(0, [], self._pick(["a", "one"]))
            return self._noun(0, [])
        return self._pick(self._structures())()

    def _structures(self) -> list:
        structures = [self._one_relation]
        if len(self.objects) == 3:
            structures.append(self._relation_and_third)
            if self._chained_pairs():
                structures.append(self._two_relations)
        for group in self._groups():
            if self._group_relations(group):
                structures.append(lambda g=group: self._group_relation(g))
            if len(self.objects) == 2 or clarity(*(self.objects[i] for i in group)) >= CLEAR_PAIR:
                structures.append(lambda g=group: self._group_internal(g))
        return structures

    def _groups(self) -> list[tuple[int, int]]:
        return [(a, b) for a, b in itertools.combinations(range(len(self.objects)), 2)
                if self.objects[a].kind == self.objects[b].kind]

    def _one_relation(self) -> list[str]:
        first, second = self._pick(self.pairs)
        return self._relation(first, second, [])

    def _unique_kind(self, index: int) -> bool:
        return sum(1 for o in self.objects if o.kind == self.objects[index].kind) == 1

    def _chained_pairs(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Two clear pairs sharing one object that `the` can name unambiguously."""
        chains = []
        for p, q in itertools.permutations(self.pairs, 2):
            shared = set(p) & set(q)
            if len(shared) == 1 and self._unique_kind(shared.pop()):
                chains.append((p, q))
        return chains

    def _two_relations(self) -> list[str]:
        (a, b), (c, d) = self._pick(self._chained_pairs())
        seen: list[int] = []
        first = self._relation(a, b, seen)
        # The second statement names the shared object with `the`.
        if c in (a, b):  # `there is the ...` would be odd
            subject = self._noun(c, seen, "the")
            tail = self._relation_words(c, d) + self._noun(d, seen)
            forms: tuple[str, ...] = ("plain", "copula")
        else:
            subject = self._noun(c, seen)
            tail = self._relation_words(c, d) + self._noun(d, seen, "the")
            forms = ("plain", "copula", "there")
        return first + ["and"] + self._statement(subject, tail, plural=False, forms=forms)

    def _relation_and_third(self) -> list[str]:
        first, second = self._pick(self.pairs)
        third = ({0, 1, 2} - {first, second}).pop()
        seen: list[int] = []
        # The relation takes a copula or `there is`, so that `and` cannot be read as
        # joining the third object to the relation's object.
        forms = ("copula", "there")
        if self._chance(0.5):
            related = self._relation(first, second, seen, forms)
            return related + ["and", "there", "is"] + self._noun(third, seen)
        mention = ["there", "is"] + self._noun(third, seen)
        return mention + ["and"] + self._relation(first, second, seen, forms)

    def _group_relations(self, group: tuple[int, int]) -> list[tuple[int, bool]]:
        """(other object, group first?) for which the relation is the same and clear for
        both members of `group`."""
        options = []
        for other in set(range(len(self.objects))) - set(group):
            for group_first in (True, False):
                ordered = [(m, other) if group_first else (other, m) for m in group]
                if all(p in self.pairs for p in ordered) and len(
                        {relation(self.objects[a], self.objects[b]) for a, b in ordered}) == 1:
                    options.append((other, group_first))
        return options

    def _group_relation(self, group: tuple[int, int]) -> list[str]:
        other, group_first = self._pick(self._group_relations(group))
        seen: list[int] = []
        if group_first:
            subject = self._pair_noun(group, seen)
            tail = self._relation_words(group[0], other) + self._noun(other, seen)
            return self._statement(subject, tail, plural=True)
        subject = self._noun(other, seen)
        tail = self._relation_words(other, group[0]) + self._pair_noun(group, seen)
        return self._statement(subject, tail, plural=False)

    def _group_internal(self, group: tuple[int, int]) -> list[str]:
        first, second = (self.objects[i] for i in group)
        axis = "horizontal" if relation(first, second) in ("left", "right") else "vertical"
        seen: list[int] = []
        statement = self._statement(self._pair_noun(group, seen), INTERNAL_WORDS[axis],
                                    plural=True)
        if len(self.objects) == 3 and self._chance(0.6):
            third = ({0, 1, 2} - set(group)).pop()
            return statement + ["and"] + self._existence(third, seen)
        return statement
