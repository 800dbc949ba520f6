"""Writes the random VGG-16-sized model bundle and the photo that Benchmarks/run and
tools/check_parity.py use (never committed: about 130 MB).

Run from the repository root:
    PY=$(scripts/tools-venv) && "$PY" tools/make_benchmark_bundle.py [--out Benchmarks/.work]

Writes under --out (default Benchmarks/.work/, ignored by git):
    vgg16-bundle/       show-attend-tell/1 bundle: VGG-16 conv1_1..conv5_3 (torchvision cfg "D"
                        without the last max pool), input 224, AdaptiveAvgPool2d(14),
                        512-wide decoder (embed, attention, decoder), 9,490 words, gate, relu
                        attention; float32 .npy files; recipe.json records how it was made
    photo-640x480.jpg   a photo-like JPEG (tools/image_benchmark.py's generator, quality 90)
    crops/              100 different 560 x 420 crops of it (JPEG, quality 90), for throughput,
                        with crops/dataset.json listing them as a Karpathy "test" split (one
                        made-up reference caption each) for `caption-eval run`
Deterministic (seeded). Files already there from the same recipe are kept, so repeated runs
cost nothing; a different recipe rewrites them.

The weights follow tools/make_model_fixtures.py: He-scaled convolutions, decoder weights
N(0, 1/fan_in), sharper attention and word logits, and LSTM unit 0 as a clock that makes
<end> likelier as the sentence grows, so that beam search gives a finished caption of ordinary
length instead of running to max_length. The clock is steeper than the fixtures' because
<end> competes with 9,490 words instead of 30.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
from pathlib import Path

import torch
from PIL import Image

from image_benchmark import make as make_photo
from make_model_fixtures import initialise
from sat.bundle import save_bundle
from sat.config import make_config
from sat.model import ShowAttendTell
from sat.vocab import vocab_from_words

ROOT = Path(__file__).resolve().parent.parent
VGG16_LAYERS = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512]
VOCABULARY_SIZE = 9490
RECIPE = {
    "layers": VGG16_LAYERS, "input_size": 224, "pool_size": 14, "embed_dim": 512, "attention_dim": 512,
    "decoder_dim": 512, "vocabulary_size": VOCABULARY_SIZE, "seed": 7,
    "end_clock": [0.06, 30.0, -10.0],  # (rate, weight, bias) of the <end> clock, see make_model_fixtures
    "photo": [640, 480],
}
CROPS = 100


def words(count: int) -> list[str]:
    """`count` distinct made-up words (consonant-vowel syllables), in a fixed order."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    made = []
    for length in itertools.count(2):
        for parts in itertools.product(syllables, repeat=length):
            made.append("".join(parts))
            if len(made) == count:
                return made
    return made


def build() -> tuple[ShowAttendTell, dict, dict[str, int]]:
    """The seeded model, its config and vocabulary."""
    config = make_config(RECIPE["layers"], RECIPE["embed_dim"], RECIPE["attention_dim"], RECIPE["decoder_dim"],
                         input_size=RECIPE["input_size"], pool_size=RECIPE["pool_size"])
    vocab = vocab_from_words(words(VOCABULARY_SIZE - 4))
    torch.manual_seed(RECIPE["seed"])
    model = ShowAttendTell(config, len(vocab))
    initialise(model, vocab, tuple(RECIPE["end_clock"]), RECIPE["seed"])
    return model.eval(), config, vocab


def write_crops(photo: Path, folder: Path) -> None:
    """CROPS crops of 7/8 of each side of `photo`, at offsets spread over a 10 x 10 grid."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(photo) as image:
        width, height = image.width * 7 // 8, image.height * 7 // 8
        for index in range(CROPS):
            x = (image.width - width) * (index % 10) // 9
            y = (image.height - height) * (index // 10 % 10) // 9
            image.crop((x, y, x + width, y + height)).save(folder / f"crop-{index:03d}.jpg", "JPEG", quality=90)
    reference = words(6)
    entries = [{"filepath": "", "filename": f"crop-{index:03d}.jpg", "imgid": index, "split": "test",
                "sentences": [{"raw": " ".join(reference), "tokens": reference}]} for index in range(CROPS)]
    (folder / "dataset.json").write_text(json.dumps({"images": entries}) + "\n")


def ensure(out: Path) -> tuple[Path, Path]:
    """Writes the bundle, the photo and its crops under `out` unless they are there from this
    recipe; returns the bundle's and the photo's paths."""
    bundle, photo = out / "vgg16-bundle", out / "photo-{}x{}.jpg".format(*RECIPE["photo"])
    stamp = bundle / "recipe.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != RECIPE:
        shutil.rmtree(bundle, ignore_errors=True)
        model, config, vocab = build()
        save_bundle(model, config, vocab, bundle)
        stamp.write_text(json.dumps(RECIPE) + "\n")
        print(f"wrote {bundle}")
    if not photo.exists():
        make_photo(photo, *RECIPE["photo"])
        print(f"wrote {photo}")
    crops = out / "crops"
    if len(list(crops.glob("crop-*.jpg"))) != CROPS or not (crops / "dataset.json").exists():
        write_crops(photo, crops)
        print(f"wrote {CROPS} crops in {crops}")
    return bundle, photo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "Benchmarks" / ".work")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    ensure(arguments.out)


if __name__ == "__main__":
    main()
