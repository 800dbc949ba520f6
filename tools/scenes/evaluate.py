"""Python-side quality check of a scene-captioning bundle (the official checker is in Swift).

Run from the repository root:
    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools; PY=$(scripts/tools-venv)
    $PY tools/scenes/generate.py --out data/heldout --count 1000 --seed 9001 --split-name test
    $PY tools/scenes/evaluate.py --bundle weights/scenes --data data/heldout --beam-size 3

Captions every image of the split with the reference model (tools/sat:
beam_search.caption_image_file with the given beam size, max length 50) and prints the scores of
scoring.score as JSON (share of captions entirely true, object precision and recall,
BLEU-4, ...). --report also writes every caption.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sat.beam_search import caption_image_file  # noqa: E402
from sat.bundle import load_bundle  # noqa: E402
from scenes import checker  # noqa: E402
from scenes.dataset import SceneRecord, read_dataset  # noqa: E402
from scenes.scoring import score  # noqa: E402


@torch.no_grad()
def caption_records(bundle: Path, records: list[SceneRecord], beam_size: int,
                    threads: int) -> list[list[str]]:
    """The reference model's caption of every record's image."""
    torch.set_num_threads(threads)
    model, config, vocab = load_bundle(bundle)
    model.eval()
    return [caption_image_file(model, config, vocab, record.path, beam_size)["tokens"]
            for record in records]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True, help="a generate.py directory")
    parser.add_argument("--split", default="test")
    parser.add_argument("--beam-size", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--report", type=Path, help="also write scores and every caption")
    args = parser.parse_args(argv)
    records = read_dataset(args.data, args.split)
    if not records:
        parser.error(f"no images of split {args.split!r} in {args.data}")
    hypotheses = caption_records(args.bundle, records, args.beam_size, args.threads)
    scores = score(hypotheses, records)
    print(json.dumps(scores, indent=1))
    if args.report is not None:
        captions = [{"image": r.path.name, "caption": " ".join(h),
                     "true": checker.check(h, r.objects).true}
                    for h, r in zip(hypotheses, records)]
        args.report.write_text(json.dumps({"scores": scores, "captions": captions},
                                          indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
