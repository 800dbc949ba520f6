"""Writes the PyTorch reference's captions of the committed scene fixtures by the bundled model.

Run from the repository root after replacing weights/scenes:
    PY=$(scripts/tools-venv) && "$PY" tools/make_bundled_fixtures.py

Captions Fixtures/scenes/example.png (the README's first command) and the first 20 images of
the committed test split with weights/scenes through the reference model (tools/sat:
beam_search.caption_image_file at beam size 3 and maximum length 50, the defaults of
`caption`) and writes Fixtures/scenes/bundled-captions.json: for each image its file name, the
tokens, the beam score (its float32 decimal) and whether the beam ended. The Swift test
BundledModelTests checks that CaptionKit gives the same captions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from sat.bundle import load_bundle
from sat.reference_captions import write_reference_captions

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "Fixtures" / "scenes"
IMAGES = ["example.png"] + [f"test_{index:06d}.png" for index in range(20)]
BEAM_SIZE, MAX_LENGTH = 3, 50


@torch.no_grad()
def main() -> int:
    torch.set_num_threads(1)
    model, config, vocab = load_bundle(ROOT / "weights" / "scenes")
    model.eval()
    images = [(SCENES / name, {}) for name in IMAGES]
    write_reference_captions(model, config, vocab, "weights/scenes", images, SCENES / "bundled-captions.json",
                             BEAM_SIZE, MAX_LENGTH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
