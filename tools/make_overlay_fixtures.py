"""Writes Fixtures/overlay/upsample.json: attention-like maps and PyTorch's bilinear upsampling
of them (F.interpolate(mode="bilinear", align_corners=False)), the reference for
AttentionOverlay.upsample in Tests/CaptionKitTests/AttentionOverlayTests.swift.

Run from the repository root:
    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools   # optional: a shared environment
    PY=$(scripts/tools-venv) && "$PY" tools/make_overlay_fixtures.py

Deterministic: torch.manual_seed(5); each map is a softmax of seeded normal values (so it sums
to 1, like an attention map); values are written as the shortest decimal of their float32.
"""

import json
import pathlib
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from sat.jsontext import dumps, float32_value  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "overlay" / "upsample.json"

# (grid height, grid width, output height, output width): square SAT-like grids, odd and
# non-square ones, a single cell, and ratios that are not whole numbers.
CASES = [(14, 14, 56, 56), (8, 8, 32, 32), (3, 3, 7, 11), (2, 5, 9, 9), (1, 1, 4, 6), (5, 3, 17, 13), (7, 7, 16, 16)]


def main():
    torch.manual_seed(5)
    cases = []
    for height, width, out_height, out_width in CASES:
        scores = torch.randn(height * width) * 2
        attention = torch.softmax(scores, dim=0).reshape(1, 1, height, width)
        upsampled = F.interpolate(attention, size=(out_height, out_width), mode="bilinear", align_corners=False)
        cases.append({
            "height": height, "width": width, "output_height": out_height, "output_width": out_width,
            "map": [float32_value(v) for v in attention.flatten().tolist()],
            "upsampled": [float32_value(v) for v in upsampled.flatten().tolist()],
        })
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(dumps({"torch": torch.__version__.split("+")[0], "cases": cases}) + "\n")
    print(f"wrote {OUTPUT.relative_to(pathlib.Path.cwd())}: {len(cases)} cases")


if __name__ == "__main__":
    main()
