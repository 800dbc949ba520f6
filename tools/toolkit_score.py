"""Scores a COCO results file against Flickr8k references with the COCO caption toolkit.

Run from the repository root:
    PY=$(scripts/tools-venv tools/requirements-metrics.txt)
    $PY tools/toolkit_score.py --results dev.json --references ../shared/datasets/flickr8k/Flickr8k.token.txt

The toolkit's own pipeline (pycocoevalcap: PTBTokenizer, then Bleu(4), METEOR 1.5, ROUGE_L,
CIDEr-D) over the images of the results file, each with its five references. Prints one
line per metric and, with --json, writes them. Needs `java`. This is how the default model's
METEOR was measured before caption-eval computed it natively.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pycocoevalcap.bleu.bleu import Bleu
from pycocoevalcap.cider.cider import Cider
from pycocoevalcap.meteor.meteor import Meteor
from pycocoevalcap.rouge.rouge import Rouge
from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from photo.flickr8k import read_captions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True, help='COCO results: [{"image_id", "caption"}]')
    parser.add_argument("--references", type=Path, required=True, help="Flickr8k.token.txt")
    parser.add_argument("--json", type=Path, help="also write the scores here")
    args = parser.parse_args()
    results = json.loads(args.results.read_text())
    references = read_captions(args.references)
    stems = {name.rsplit(".", 1)[0]: name for name in references}
    candidates, truth = {}, {}
    for entry in results:
        image = str(entry["image_id"])
        name = stems.get(image, image)
        if name not in references:
            raise SystemExit(f"{args.results}: image {image} has no reference captions")
        candidates[image] = [{"caption": entry["caption"]}]
        truth[image] = [{"caption": caption} for caption in references[name]]
    tokenizer = PTBTokenizer()
    candidates, truth = tokenizer.tokenize(candidates), tokenizer.tokenize(truth)
    scores = {}
    for scorer, names in [(Bleu(4), ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4"]), (Meteor(), ["METEOR"]),
                          (Rouge(), ["ROUGE_L"]), (Cider(), ["CIDEr"])]:
        value, _ = scorer.compute_score(truth, candidates)
        for name, number in zip(names, value if isinstance(value, list) else [value]):
            scores[name] = float(number)
    for name, number in scores.items():
        print(f"{name:8} {number:.4f}")
    if args.json:
        args.json.write_text(json.dumps({"images": len(candidates), **scores}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
