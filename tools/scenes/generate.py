"""Writes a scene dataset: PNG images and dataset.json (Karpathy split format + scene graphs).

Run (from the repository root, with the tools environment):
    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools; PY=$(scripts/tools-venv)
    $PY tools/scenes/generate.py --out DIR --count N --seed S [--split-name test]
    $PY tools/scenes/generate.py --out DIR --train N --val N --test N --seed S

Writes DIR/<split>_<index>.png (128 x 128 RGB) and DIR/dataset.json. Deterministic: image i
of split `name` depends only on (seed, name, i), drawn from three independent NumPy streams
(layout, drawing, captions), so the same seed gives the same pictures whatever the counts
of the other splits and whichever grammar revision wrote the captions.

Every caption is checked before it is written: it must parse (checker.py), be true of the
scene graph and say what the grammar promises (one object alone; otherwise at least two
objects and one relation); and the relation the grammar computed for every pair of objects
must agree with the checker's own reading of the scene domain's definition (docs/specification.md) on the box centres. A
failure stops the run.

The committed test fixture Fixtures/scenes/ is `--count 100 --seed 6 --split-name test`
followed by --example (see Fixtures/scenes/README.md).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import zlib
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes import checker  # noqa: E402
from scenes.dataset import image_entry, write_dataset  # noqa: E402
from scenes.grammar import captions_for  # noqa: E402
from scenes.render import render  # noqa: E402
from scenes.scene import SceneObject, relation, sample_scene  # noqa: E402


class SelfCheckError(RuntimeError):
    """A generated caption or relation disagrees with the scene graph."""


def scene_streams(seed: int, split: str, index: int) -> list[np.random.Generator]:
    """The (layout, drawing, captions) random streams of image `index` of `split`."""
    sequence = np.random.SeedSequence([seed, zlib.crc32(split.encode()), index])
    return [np.random.default_rng(s) for s in sequence.spawn(3)]


def make_scene(seed: int, split: str, index: int):
    """(objects, image, captions) of one scene, self-checked."""
    layout, drawing, wording = scene_streams(seed, split, index)
    objects = sample_scene(layout)
    image = render(objects, drawing)
    captions = captions_for(objects, wording)
    self_check(objects, captions)
    return objects, image, captions


def self_check(objects: list[SceneObject], captions: list[list[str]]) -> None:
    """Raises SelfCheckError unless every caption is grammatical, true and complete and the
    grammar's relation words agree with the box centres."""
    for a, b in itertools.permutations(objects, 2):
        word = relation(a, b)
        stated = [w for w in ("left", "right", "above", "below") if checker.holds(w, a, b)]
        if stated != [word]:
            raise SelfCheckError(f"relation {word!r} of {a} to {b}: centres say {stated}")
    for tokens in captions:
        verdict = checker.check(tokens, objects)
        if not (verdict.grammatical and verdict.true and verdict.complete):
            raise SelfCheckError(f"caption {' '.join(tokens)!r} is {verdict} for {objects}")


def _write_one(job: tuple[Path, int, str, int]) -> tuple[list[SceneObject], list[list[str]]]:
    out, seed, split, index = job
    objects, image, captions = make_scene(seed, split, index)
    image.save(out / f"{split}_{index:06d}.png", optimize=False)
    return objects, captions


def generate(out: Path, splits: list[tuple[str, int]], seed: int, workers: int) -> None:
    """Writes the images of every (split, count) and dataset.json into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(out, seed, split, i) for split, count in splits for i in range(count)]
    with Pool(workers) as pool:
        results = pool.map(_write_one, jobs, chunksize=64)
    images, sentid = [], 0
    for imgid, ((_, _, split, index), (objects, captions)) in enumerate(zip(jobs, results)):
        images.append(image_entry(f"{split}_{index:06d}.png", split, imgid, sentid,
                                  captions, objects))
        sentid += len(captions)
    write_dataset(out, images, {"tool": "tools/scenes/generate.py", "seed": seed,
                                "splits": dict(splits)})


def write_example(out: Path, seed: int) -> Path:
    """Writes out/example.png: the first scene of split `example` with two or three objects
    of different colours, with its captions beside it in example.txt."""
    index = 0
    while True:
        objects, image, captions = make_scene(seed, "example", index)
        if len(objects) >= 2 and len({o.colour for o in objects}) == len(objects):
            image.save(out / "example.png", optimize=False)
            lines = [" ".join(c) for c in captions]
            (out / "example.txt").write_text("\n".join(lines) + "\n")
            return out / "example.png"
        index += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, help="images in one split named --split-name")
    parser.add_argument("--split-name", default="test")
    parser.add_argument("--train", type=int, default=0)
    parser.add_argument("--val", type=int, default=0)
    parser.add_argument("--test", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--example", action="store_true",
                        help="also write example.png (+ example.txt) for the README")
    args = parser.parse_args(argv)
    if args.count is not None:
        splits = [(args.split_name, args.count)]
    else:
        splits = [(n, c) for n, c in (("train", args.train), ("val", args.val),
                                      ("test", args.test)) if c > 0]
    if not splits:
        parser.error("give --count or at least one of --train/--val/--test")
    generate(args.out, splits, args.seed, args.workers)
    if args.example:
        write_example(args.out, args.seed)
    total = sum(c for _, c in splits)
    print(f"wrote {total} images and dataset.json to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
