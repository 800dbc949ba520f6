#!/usr/bin/env python3
"""Runs the Python scene truth checker (tools/scenes/checker.py) on reference and deliberately
wrong captions and writes its verdicts as the fixture the Swift scene checker is tested against.

Run (repository root, tools environment; NumPy only, no PyTorch):
    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools; PY=$(scripts/tools-venv)
    $PY tools/make_scene_truth_fixtures.py

Reads Fixtures/scenes/dataset.json (the committed 100-scene test split) and writes
Fixtures/scenes/truth/verdicts.json (deterministic: seeded, sorted, no time stamps):

    {"made_by": ..., "seed": ...,
     "scenes": [{"id": "test_000000", "objects": [{"shape", "color", "size", "box"}]}, ...],
     "captions": [{"scene": INDEX, "kind": "reference" | "wrong-colour" | ..., "caption": TEXT,
                   "grammatical", "true", "mentioned", "matched", "complete",     <- checker.check
                   "relations_stated", "relations_held"}, ...],                  <- this script
     "sets": {"all": SCORES, "references": SCORES, "one-per-scene": SCORES}}

The scenes are the dataset's 100 scenes plus a few made here for corner cases (a centre pair on
the diagonal |dx| == |dy|, four objects, no object, twins for `two ...`). The captions are each
scene's five references and variants made from them: a wrong colour, shape or size; a
relation turned to its opposite or to the other axis; an extra object; a `two` where the scene
has one; nonsense (a shuffled reference, random words of the grammar); partial captions (cut
after a random word, or only the first noun phrase); `the`/`another` without an antecedent;
plus hand-written edge cases.

The first five verdict fields are checker.check's. The relation counts are not the checker's
(it has none): for a grammatical caption, `relations_stated` is the number of relation
statements (`A <relation> B` and `two ... side by side` / `one above the other`), and
`relations_held` how many of them hold under the best consistent assignment: an injective,
possibly partial map from mentioned objects to scene objects with their colour, shape and size
that first matches as many mentioned objects as possible, then makes as many statements hold as
possible (a statement holds when every object it names is assigned and the scene domain's box-centre
rule holds for every pair it names). Both are 0 for an ungrammatical caption. This script finds
that assignment by brute force over every map and checks it against the checker: its matched
count must equal checker.matched_objects, and the caption must be entirely true exactly when
everything is matched and every statement holds.

SCORES, over a set of (caption, scene) pairs, as tools/scenes/scoring.py computes them:
    entirely_true      share of captions entirely true
    object_precision   sum(matched) / max(sum(mentioned), 1)
    object_recall      sum(matched) / sum(objects in the caption's scene)
    relation_accuracy  sum(relations_held) / max(sum(relations_stated), 1)
    grammatical, complete  shares of captions
"one-per-scene" (one caption drawn per dataset scene) is also scored with scoring.score itself
and the two must agree.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from scenes import checker, scoring  # noqa: E402
from scenes.dataset import SceneRecord, read_dataset  # noqa: E402
from scenes.scene import COLOURS, SHAPES, SIZES, SceneObject  # noqa: E402

SEED = 20260607
OUT = ROOT / "Fixtures" / "scenes" / "truth" / "verdicts.json"
GRAMMAR_WORDS = ["a", "one", "two", "another", "the", "there", "is", "are", "and", "to", "of",
                 "left", "right", "above", "below", "side", "by", "other", "small", "large",
                 *COLOURS, *SHAPES, *(s + "s" for s in SHAPES)]
OPPOSITE_PHRASES = [("to the left of", "to the right of"), ("above", "below"),
                    ("side by side", "one above the other")]
OTHER_AXIS = {"to the left of": "above", "to the right of": "below", "above": "to the left of",
              "below": "to the right of"}


def made_scenes() -> list[tuple[str, list[SceneObject], list[str]]]:
    """Hand-made scenes with hand-written captions for the corner cases."""
    def obj(shape, colour, size, box):
        return SceneObject(shape, colour, size, tuple(box), COLOURS[colour])
    diagonal = [obj("circle", "red", "small", [0, 0, 20, 20]),
                obj("square", "blue", "small", [30, 30, 50, 50])]
    twins = [obj("circle", "red", "small", [10, 10, 26, 26]),
             obj("circle", "red", "large", [10, 60, 40, 90]),
             obj("triangle", "green", "small", [90, 40, 106, 56])]
    four = [obj("circle", "red", "small", [4, 4, 20, 20]),
            obj("square", "red", "small", [40, 4, 56, 20]),
            obj("diamond", "white", "large", [4, 60, 34, 90]),
            obj("triangle", "purple", "large", [70, 70, 100, 100])]
    return [
        ("diagonal", diagonal, [
            "a red circle to the left of a blue square", "a red circle above a blue square",
            "a blue square to the right of a red circle", "a blue square below a red circle",
            "there is a small red circle to the left of a small blue square",
            "a red circle is to the left of a large blue square",
        ]),
        ("twins", twins, [
            "two red circles to the left of a green triangle",
            "a green triangle is to the right of two red circles",
            "two red circles one above the other", "two red circles side by side",
            "two small red circles one above the other",
            "a small red circle above another red circle",
            "a red circle above a red circle", "a red circle above the red circle",
            "a large red circle below another red circle and the green triangle is to the right of the large red circle",
            "two red circles are one above the other and there is a green triangle",
            "there are two red circles above a green triangle",
            "a red circle side by side", "two red circles", "two red circles and two red circles",
            "a red circle and another red circle and another red circle",
            "there is a green triangle and the small green triangle",
            "a red circle and the large red circle",
        ]),
        ("four", four, [
            "a red circle to the left of a red square and a white diamond below the red circle",
            "a purple triangle to the right of a white diamond and the white diamond below a red circle",
            "a red square above a purple triangle", "a red square to the right of a white diamond",
            "there is a red circle and there is a red square and there is a white diamond and there is a purple triangle",
            "red circle red square white diamond purple triangle",
        ]),
        ("empty", [], [
            "a red circle", "", "there is nothing", "and", "a red circle and",
        ]),
    ]


def relation_counts(reading: checker.Reading, objects: list[SceneObject]) -> tuple[int, int, int]:
    """(matched, stated, held) under the best consistent assignment, by brute force."""
    slots = [e for e, entity in enumerate(reading.entities) for _ in range(entity.count)]
    assert len(slots) <= 8, "brute force is meant for short captions"
    stated = len(reading.relations) + len(reading.internal)
    best = (0, 0)
    for choice in itertools.product([None, *range(len(objects))], repeat=len(slots)):
        used = [o for o in choice if o is not None]
        if len(used) != len(set(used)):
            continue
        if any(o is not None and not checker._fits(reading.entities[e], objects[o])
               for e, o in zip(slots, choice)):
            continue
        members: list[list[int]] = [[] for _ in reading.entities]
        for e, o in zip(slots, choice):
            if o is not None:
                members[e].append(o)
        whole = [len(members[e]) == entity.count for e, entity in enumerate(reading.entities)]
        held = sum(whole[s] and whole[t] and all(checker.holds(word, objects[a], objects[b])
                                                for a in members[s] for b in members[t])
                   for s, word, t in reading.relations)
        for e, axis in reading.internal:
            if whole[e]:
                a, b = (objects[i] for i in members[e])
                words = ("left", "right") if axis == "horizontal" else ("above", "below")
                held += any(checker.holds(w, a, b) for w in words)
        best = max(best, (len(used), held))
    return best[0], stated, best[1]


def verdict(scene: int, kind: str, text: str, objects: list[SceneObject]) -> dict:
    tokens = text.split()
    check = checker.check(tokens, objects)
    stated = held = 0
    if check.grammatical:
        reading = checker.parse(tokens)
        matched, stated, held = relation_counts(reading, objects)
        slots = reading.object_count
        assert matched == check.matched, (text, matched, check)
        assert check.true == (matched == slots and held == stated), (text, check, held, stated)
    return {"scene": scene, "kind": kind, "caption": text, "grammatical": check.grammatical,
            "true": check.true, "mentioned": check.mentioned, "matched": check.matched,
            "complete": check.complete, "relations_stated": stated, "relations_held": held}


def replace_one(tokens: list[str], choices, rng: random.Random, replace) -> list[str] | None:
    """`tokens` with one randomly chosen token from `choices` replaced by `replace(token)`."""
    positions = [i for i, t in enumerate(tokens) if t in choices]
    if not positions:
        return None
    i = rng.choice(positions)
    return tokens[:i] + [replace(tokens[i])] + tokens[i + 1:]


def swap_phrase(text: str, rng: random.Random, table: list[tuple[str, str]] | dict) -> str | None:
    pairs = list(table.items()) if isinstance(table, dict) else \
        [p for a, b in table for p in ((a, b), (b, a))]
    found = [(a, b) for a, b in pairs if f" {a} " in f" {text} "]
    if not found:
        return None
    a, b = rng.choice(found)
    return f" {text} ".replace(f" {a} ", f" {b} ", 1).strip()


def variants(references: list[str], objects: list[SceneObject], rng: random.Random):
    """(kind, caption) pairs of deliberately wrong or odd captions made from the references."""
    base = rng.choice(references)
    tokens = base.split()
    colours, shapes, plurals = list(COLOURS), list(SHAPES), [s + "s" for s in SHAPES]

    def other(options, word):
        return rng.choice([o for o in options if o != word])

    yield "wrong-colour", replace_one(tokens, colours, rng, lambda w: other(colours, w))
    yield "wrong-shape", replace_one(
        tokens, shapes + plurals, rng,
        lambda w: other(plurals, w) if w in plurals else other(shapes, w))
    sized = replace_one(tokens, SIZES, rng, lambda w: other(list(SIZES), w))
    if sized is None:
        sized = replace_one(tokens, colours, rng, lambda w: rng.choice(list(SIZES)) + " " + w)
    yield "wrong-size", sized
    yield "wrong-relation", swap_phrase(rng.choice(references), rng, OPPOSITE_PHRASES)
    yield "other-axis", swap_phrase(rng.choice(references), rng, OTHER_AXIS)
    extra = f"{rng.choice(['', 'small ', 'large '])}{rng.choice(colours)} {rng.choice(shapes)}"
    yield "extra-object", f"{base} and there is a {extra}"
    yield "extra-object", f"{rng.choice(references)} and {rng.choice(['a', 'one'])} {extra}"
    if objects:
        o = rng.choice(objects)
        yield "two-for-one", f"there are two {o.colour} {o.shape}s"
    shuffled = tokens[:]
    rng.shuffle(shuffled)
    yield "nonsense", " ".join(shuffled)
    yield "nonsense", " ".join(rng.choice(GRAMMAR_WORDS) for _ in range(rng.randint(1, 12)))
    yield "partial", " ".join(tokens[:rng.randint(1, len(tokens))])
    first_noun = next((i for i, t in enumerate(tokens) if t in SHAPES or t in plurals), None)
    if first_noun is not None:
        yield "partial", " ".join(tokens[:first_noun + 1])
    yield "antecedent", replace_one(tokens, ("a", "one"), rng, lambda w: rng.choice(["the", "another"]))


def scores(chosen: list[dict], scene_objects: list[list[SceneObject]]) -> dict:
    mentioned = sum(c["mentioned"] for c in chosen)
    matched = sum(c["matched"] for c in chosen)
    stated = sum(c["relations_stated"] for c in chosen)
    return {
        "captions": len(chosen),
        "entirely_true": sum(c["true"] for c in chosen) / len(chosen),
        "object_precision": matched / max(mentioned, 1),
        "object_recall": matched / sum(len(scene_objects[c["scene"]]) for c in chosen),
        "relation_accuracy": sum(c["relations_held"] for c in chosen) / max(stated, 1),
        "grammatical": sum(c["grammatical"] for c in chosen) / len(chosen),
        "complete": sum(c["complete"] for c in chosen) / len(chosen),
    }


def main() -> int:
    rng = random.Random(SEED)
    records = read_dataset(ROOT / "Fixtures" / "scenes")
    scenes = [(r.path.stem, r.objects, [" ".join(c) for c in r.captions]) for r in records]
    captions: list[dict] = []
    for index, (_, objects, references) in enumerate(scenes):
        for text in references:
            captions.append(verdict(index, "reference", text, objects))
        for kind, text in variants(references, objects, rng):
            if text is not None:
                text = " ".join(text) if isinstance(text, list) else text
                captions.append(verdict(index, kind, text, objects))
    for name, objects, texts in made_scenes():
        scenes.append((name, objects, []))
        for text in texts:
            captions.append(verdict(len(scenes) - 1, "hand-written", text, objects))
    scene_objects = [objects for _, objects, _ in scenes]

    by_scene = [[c for c in captions if c["scene"] == i] for i in range(len(records))]
    one_per_scene = [rng.choice(options) for options in by_scene]
    python_scores = scoring.score(
        [c["caption"].split() for c in one_per_scene],
        [SceneRecord(r.path, r.split, r.imgid, r.captions, r.objects) for r in records])
    ours = scores(one_per_scene, scene_objects)
    for key, theirs in (("entirely_true", "true"), ("object_precision", "object_precision"),
                        ("object_recall", "object_recall"), ("grammatical", "grammatical"),
                        ("complete", "complete")):
        assert abs(ours[key] - python_scores[theirs]) < 1e-12, (key, ours, python_scores)

    fixture = {
        "made_by": "tools/make_scene_truth_fixtures.py (verdicts of tools/scenes/checker.py)",
        "seed": SEED,
        "scenes": [{"id": name, "objects": [o.graph_entry() for o in objects]}
                   for name, objects, _ in scenes],
        "captions": captions,
        "sets": {
            "all": scores(captions, scene_objects),
            "references": scores([c for c in captions if c["kind"] == "reference"], scene_objects),
            "one-per-scene": dict(ours, members=[captions.index(c) for c in one_per_scene]),
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    lines = ["{"]
    lines.append(f' "made_by": {json.dumps(fixture["made_by"])},')
    lines.append(f' "seed": {SEED},')
    lines.append(' "scenes": [')
    lines.append(",\n".join("  " + json.dumps(s) for s in fixture["scenes"]))
    lines.append(' ],')
    lines.append(' "captions": [')
    lines.append(",\n".join("  " + json.dumps(c) for c in captions))
    lines.append(' ],')
    lines.append(' "sets": {')
    lines.append(",\n".join(f"  {json.dumps(name)}: {json.dumps(value)}"
                            for name, value in fixture["sets"].items()))
    lines.append(' }')
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n")
    kinds = sorted({c["kind"] for c in captions})
    summary = ", ".join(f"{k} {sum(c['kind'] == k for c in captions)}" for k in kinds)
    print(f"wrote {len(captions)} verdicts on {len(scenes)} scenes to {OUT.relative_to(ROOT)} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
