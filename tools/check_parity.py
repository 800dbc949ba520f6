"""Parity at full size the Swift engine against the PyTorch reference on the
random VGG-16-sized bundle (224 x 224, pool 14, 512-wide decoder, 9,490 words).

Run from the repository root:
    PY=$(scripts/tools-venv) && "$PY" tools/check_parity.py [--beams 1,3,5] [--image IMG]

Makes (or reuses) the bundle and photo with tools/make_benchmark_bundle.py under
Benchmarks/.work/, builds Benchmarks' CaptionProbe in release mode, then for each beam size
captions the image with both: CaptionProbe (through the public Captioner API; it writes the
encoder output as .npy with NPYWriter) and tools/sat (load_bundle, load_image, encode,
beam_search). Prints both captions and scores, the largest encoder difference (absolute, and
relative to max|reference|) and the score difference. Exits 1 when the tokens differ, the score
differs by more than 1e-3 or the encoder by more than 1e-4 of max|reference| (the limits of
Tests/CaptionKitTests/ModelParityTests.swift). Writes only under Benchmarks/.work/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from make_benchmark_bundle import ensure
from sat.beam_search import beam_search
from sat.bundle import load_bundle
from sat.preprocess import load_image

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "Benchmarks" / ".work"
ENCODER_LIMIT = 1e-4  # of max|reference|
SCORE_LIMIT = 1e-3


def probe_binary() -> Path:
    """Builds Benchmarks' CaptionProbe (release) and returns its path."""
    package = ["--package-path", str(ROOT / "Benchmarks"), "-c", "release"]
    # A stale build plan would miss source files added to CaptionKit (see Benchmarks/run).
    (ROOT / "Benchmarks" / ".build" / "release.yaml").unlink(missing_ok=True)
    subprocess.run(["swift", "build", *package, "--product", "CaptionProbe"], check=True, stdout=sys.stderr)
    bin_path = subprocess.run(["swift", "build", *package, "--show-bin-path"], check=True, capture_output=True, text=True)
    return Path(bin_path.stdout.strip()) / "CaptionProbe"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", default="1,3,5", help="beam sizes to compare (comma-separated)")
    parser.add_argument("--image", type=Path, help="image to caption (default: the benchmark photo)")
    arguments = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    bundle, photo = ensure(WORK)
    image_path = arguments.image or photo
    probe = probe_binary()

    model, config, vocab = load_bundle(bundle)
    encoder = config["encoder"]
    image = load_image(image_path, encoder["input_size"], encoder["mean"], encoder["std"]).unsqueeze(0)
    with torch.no_grad():
        reference = model.encode(image)[0][0]
    print(f"bundle {bundle.relative_to(ROOT)}: VGG-16 features at {encoder['input_size']}, pool {encoder['pool_size']}, "
          f"decoder {config['decoder']['decoder_dim']}, vocabulary {len(vocab)}; image {image_path}")

    failures = 0
    for beam in (int(b) for b in arguments.beams.split(",")):
        output = WORK / f"parity-encoder-beam{beam}.npy"
        result = subprocess.run([str(probe), "--model", str(bundle), str(image_path), "--beam", str(beam),
                                 "--encoder-output", str(output)], check=True, capture_output=True, text=True)
        ours = json.loads(result.stdout.splitlines()[-1])
        theirs = beam_search(model, reference, vocab, beam)
        encoded = np.load(output)
        expected = reference.numpy()
        absolute = float(np.abs(encoded - expected).max())
        relative = absolute / float(np.abs(expected).max())
        score_difference = abs(ours["score"] - theirs["score"])
        same_tokens = ours["token_ids"] == theirs["token_ids"]
        print(f"\nbeam {beam}")
        print(f"  Swift:   {ours['caption']!r} score {ours['score']:.6f} finished {ours['finished']}")
        print(f"  PyTorch: {' '.join(theirs['tokens'])!r} score {theirs['score']:.6f} finished {theirs['finished']}")
        print(f"  encoder output {list(encoded.shape)}: largest difference {absolute:.3e} "
              f"({relative:.3e} of max|ref| {float(np.abs(expected).max()):.3f}); "
              f"score difference {score_difference:.3e}; tokens {'equal' if same_tokens else 'DIFFER'}")
        if not same_tokens or score_difference > SCORE_LIMIT or relative > ENCODER_LIMIT or encoded.shape != expected.shape:
            failures += 1
            print(f"  FAILED (limits: same tokens, score within {SCORE_LIMIT}, encoder within {ENCODER_LIMIT} of max|ref|)")
    print("\nparity: " + ("all beam sizes within the limits" if failures == 0 else f"{failures} beam size(s) outside the limits"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
