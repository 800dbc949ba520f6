"""Writes the PyTorch reference's captions of photos by the default photo model.

Run from the repository root after training weights/default (tools/photo/train.py):
    PY=$(scripts/tools-venv) && "$PY" tools/make_photo_fixtures.py --flickr8k ../shared/datasets/flickr8k

Captions, with weights/default through the reference model (tools/sat: beam search at beam 3
and maximum length 50, the defaults of `caption`), the committed photos under Fixtures/photos
and the first 8 images of Flickr8k's development split (read from the dataset folder: those
photos may not be redistributed, so only their file names and the model's captions are
written). Writes Fixtures/photos/default-captions.json: per image its file name, where it
lives ("fixtures" or "flickr8k"), the tokens, the beam score (its float32 decimal) and whether
the beam ended. The Swift test PhotoModelTests checks that CaptionKit gives the same captions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from sat.bundle import load_bundle
from sat.reference_captions import write_reference_captions

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "Fixtures" / "photos"
COMMITTED = ["astronaut.png", "coffee.png"]
DEV_IMAGES = 8
BEAM_SIZE, MAX_LENGTH = 3, 50


@torch.no_grad()
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flickr8k", type=Path, required=True, help="the Flickr8k folder (images/, split lists)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model, config, vocab = load_bundle(ROOT / "weights" / "default")
    model.eval()
    dev = (args.flickr8k / "Flickr_8k.devImages.txt").read_text().split()[:DEV_IMAGES]
    images = [(PHOTOS / name, {"source": "fixtures"}) for name in COMMITTED]
    images += [(args.flickr8k / "images" / name, {"source": "flickr8k"}) for name in dev]
    write_reference_captions(model, config, vocab, "weights/default", images, PHOTOS / "default-captions.json",
                             BEAM_SIZE, MAX_LENGTH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
