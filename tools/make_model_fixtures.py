"""Writes small random show-attend-tell/1 model bundles and their PyTorch reference outputs.

Run from the repository root:
    PY=$(scripts/tools-venv) && "$PY" tools/make_model_fixtures.py           # write, then self-check
    PY=$(scripts/tools-venv) && "$PY" tools/make_model_fixtures.py --check   # only check what is there

Writes under Fixtures/models/ (Fixtures/models/README.md, written by hand, describes the files):
    plain/  batchnorm-tanh/  pooled-odd/     three bundles, each with reference/ outputs
    plain-float16/  plain-float64/           plain's tensors stored as float16 / float64
    plain.npz                                plain as one .npz archive (reference: plain/reference)
Deterministic: every model, image and vocabulary comes from fixed seeds. The self check reloads
every written bundle through sat.bundle.load_bundle and recomputes every reference from the
committed image, so the files on disk are what the references describe.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from sat.beam_search import beam_search
from sat.bundle import load_bundle, save_bundle
from sat.config import make_config
from sat.jsontext import dumps, float32_value
from sat.model import ShowAttendTell
from sat.preprocess import load_image
from sat.vocab import END, PAD, START, vocab_from_words

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Fixtures" / "models"
WORDS = ("a an the red green blue yellow white black circle square triangle ring cross small large "
         "on in of to left right above below next near top bottom corner center two three and with "
         "background shape").split()
BEAM_CASES = [(1, 50), (3, 50), (5, 50), (1, 3), (3, 3)]  # (beam size, max length)
ALPHA_CASE = (3, 50)
MIN_MARGIN = 1e-3  # smallest score gap allowed at a beam cut or between the best two answers

# name -> model recipe: config arguments, vocabulary size, image size, seed, <end> clock (rate, weight, bias).
MODELS = {
    "plain": dict(
        config=dict(layers=[8, "M", 16, 16], batch_norm=False, input_size=32, pool_size=None,
                    embed_dim=16, attention_dim=12, decoder_dim=20, attention_activation="relu", gate=True),
        words=30, image=(37, 29), seed=11, end_clock=(0.1, 12.0, -7.0)),
    "batchnorm-tanh": dict(
        config=dict(layers=[8, "M", 12, "M", 16], batch_norm=True, input_size=32, pool_size=None,
                    embed_dim=12, attention_dim=16, decoder_dim=16, attention_activation="tanh", gate=False),
        words=24, image=(64, 48), seed=22, end_clock=(0.2, 12.0, -7.0)),
    "pooled-odd": dict(
        config=dict(layers=[5, 7, "M", 9], batch_norm=False, input_size=35, pool_size=3,
                    embed_dim=13, attention_dim=11, decoder_dim=15, attention_activation="relu", gate=True),
        words=21, image=(37, 29), seed=33, end_clock=(0.12, 12.0, -7.0)),
}
STORAGE_VARIANTS = {"plain-float16": ("plain", np.float16), "plain-float64": ("plain", np.float64)}


def make_image(width: int, height: int, seed: int) -> Image.Image:
    """A small RGB scene: two-way colour gradient, a disc, a bar, and mild noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / max(width - 1, 1), y / max(height - 1, 1)
    pixels = np.stack([200 * u + 30, 160 * v + 40, 220 * (1 - u) * (1 - v) + 20], axis=-1)
    centre_x, centre_y, radius = width * rng.uniform(0.3, 0.7), height * rng.uniform(0.3, 0.7), height * 0.25
    disc = (x - centre_x) ** 2 + (y - centre_y) ** 2 < radius ** 2
    pixels[disc] = rng.uniform(0, 255, size=3)
    bar = (np.abs(x - y * width / height - width * 0.2) < 2.5)
    pixels[bar] = rng.uniform(0, 255, size=3)
    pixels += rng.normal(0, 8, size=pixels.shape)
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), mode="RGB")


def initialise(model: ShowAttendTell, vocab: dict[str, int], end_clock: tuple, seed: int) -> None:
    """Random weights that keep activations O(1) and make attention and word choice non-trivial."""
    generator = torch.Generator().manual_seed(seed)

    def normal(tensor: torch.Tensor, std: float) -> None:
        tensor.copy_(torch.randn(tensor.shape, generator=generator) * std)

    with torch.no_grad():
        for module in model.encoder.features:
            if isinstance(module, torch.nn.Conv2d):
                normal(module.weight, (2.0 / (module.in_channels * 9)) ** 0.5)  # He: keeps ReLU variance
                normal(module.bias, 0.1)
            elif isinstance(module, torch.nn.BatchNorm2d):
                normal(module.weight, 0.2)
                module.weight.add_(1.0)
                normal(module.bias, 0.2)
        decoder = model.decoder
        for parameter in decoder.parameters():  # weights N(0, 1/fan_in), biases N(0, 0.1^2)
            normal(parameter, parameter.shape[1] ** -0.5 if parameter.dim() == 2 else 0.1)
        normal(decoder.embedding.weight, 1.0)
        # Sharper than 1/fan_in so that attention and word choice are far from uniform.
        normal(decoder.attention.full_att.weight, 3.0 * decoder.attention.full_att.in_features ** -0.5)
        normal(decoder.fc.weight, 5.0 * decoder.fc.in_features ** -0.5)
        decoder.fc.bias[vocab[PAD]] = -8.0  # a trained model never says <pad> or <start>
        decoder.fc.bias[vocab[START]] = -8.0
        add_length_clock(decoder, vocab[END], *end_clock)


def add_length_clock(decoder, end: int, rate: float, weight: float, bias: float) -> None:
    """Makes <end> likelier as the sentence grows, as in a trained model (with a constant <end>
    probability, beam search without a length penalty prefers the empty caption).

    LSTM unit 0 becomes a clock: input, forget and output gates saturated open, candidate
    tanh(g) = rate, zero start state, so c_t ~ rate * t and h_t ~ tanh(rate * t); the <end>
    logit reads only that unit: weight * h_t + bias.
    """
    size = decoder.decode_step.hidden_size
    step = decoder.decode_step
    with torch.no_grad():
        for gate in range(4):  # PyTorch LSTMCell row blocks: i, f, g, o
            row = gate * size
            step.weight_ih[row].zero_()
            step.weight_hh[row].zero_()
            step.bias_hh[row] = 0.0
            step.bias_ih[row] = float(np.arctanh(rate)) if gate == 2 else 6.0
        for linear in (decoder.init_h, decoder.init_c):
            linear.weight[0].zero_()
            linear.bias[0] = 0.0
        decoder.fc.weight[end].zero_()
        decoder.fc.weight[end, 0] = weight
        decoder.fc.bias[end] = bias


def calibrate_batch_norm(model: ShowAttendTell, input_size: int, seed: int) -> None:
    """Running statistics measured on random images, then perturbed, so that they are non-trivial
    yet keep normalised activations O(1)."""
    batch_norms = [m for m in model.encoder.features if isinstance(m, torch.nn.BatchNorm2d)]
    if not batch_norms:
        return
    generator = torch.Generator().manual_seed(seed)
    for module in batch_norms:
        module.reset_running_stats()
        module.momentum = None  # cumulative average
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model.encode(torch.randn(8, 3, input_size, input_size, generator=generator))
        for module in batch_norms:
            module.momentum = 0.1
            module.running_mean.add_(torch.randn(module.running_mean.shape, generator=generator) * 0.1)
            module.running_var.mul_(torch.exp(torch.randn(module.running_var.shape, generator=generator) * 0.2))
    model.eval()


def build(name: str) -> tuple[ShowAttendTell, dict, dict[str, int]]:
    """The seeded model, config and vocabulary for MODELS[name]."""
    recipe = MODELS[name]
    config = make_config(**recipe["config"])
    vocab = vocab_from_words(list(WORDS[: recipe["words"]]))
    torch.manual_seed(recipe["seed"])
    model = ShowAttendTell(config, len(vocab))
    initialise(model, vocab, recipe["end_clock"], recipe["seed"])
    calibrate_batch_norm(model, config["encoder"]["input_size"], recipe["seed"] + 1)
    return model.eval(), config, vocab


def margins(model, annotations, vocab, beam_size, max_length) -> float:
    """The smallest score gap the answer depends on: at each beam cut and between the best two answers."""
    trace: list = []
    result = beam_search(model, annotations, vocab, beam_size, max_length, trace=trace)
    gaps = [kept[-1] - rejected for kept, rejected in trace if rejected is not None]
    scores = sorted((h["score"] for h in result["hypotheses"]), reverse=True)
    if len(scores) > 1:
        gaps.append(scores[0] - scores[1])
    return min(gaps) if gaps else float("inf")


def answer(hypothesis: dict) -> dict:
    """The fields of a beam search hypothesis that beam.json keeps (score as its float32 decimal)."""
    return {"tokens": hypothesis["tokens"], "token_ids": hypothesis["token_ids"],
            "score": float32_value(hypothesis["score"]), "finished": hypothesis["finished"]}


@torch.no_grad()
def references(model: ShowAttendTell, config: dict, vocab: dict[str, int], image_path: Path) -> dict:
    """Every reference output for one bundle and image: arrays by file name, plus beam.json."""
    encoder = config["encoder"]
    image = load_image(image_path, encoder["input_size"], encoder["mean"], encoder["std"])
    features = model.encoder.features(image.unsqueeze(0))[0]
    annotations, (height, width) = model.encode(image.unsqueeze(0))
    decoder = model.decoder
    h0, c0 = decoder.init_state(annotations)
    start = torch.tensor([vocab[START]])
    log_probs, h1, c1, alpha = decoder.step(annotations, decoder.project(annotations), start, h0, c0)
    cases = []
    for beam_size, max_length in BEAM_CASES:
        result = beam_search(model, annotations[0], vocab, beam_size, max_length)
        case = {"beam_size": beam_size, "max_length": max_length, **answer(result),
                "steps": result["steps"], "hypotheses": [answer(h) for h in result["hypotheses"]]}
        if (beam_size, max_length) == ALPHA_CASE:
            case["alphas"] = [[float32_value(a) for a in row] for row in result["alphas"]]
        cases.append(case)
    arrays = {
        "input.npy": image,
        "encoder_features.npy": features,
        "encoder_output.npy": annotations[0],
        "h0.npy": h0[0], "c0.npy": c0[0],
        "step1_alpha.npy": alpha[0], "step1_log_probs.npy": log_probs[0],
        "step1_h.npy": h1[0], "step1_c.npy": c1[0],
    }
    beam = {"image": image_path.name, "grid": [height, width], "cases": cases}
    return {"arrays": {name: tensor.numpy().astype(np.float32) for name, tensor in arrays.items()},
            "beam": beam}


def write_references(bundle: Path, image: Image.Image) -> dict:
    """Saves image.png and the references computed from the bundle as written (reloaded)."""
    reference = bundle / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    image.save(reference / "image.png")
    model, config, vocab = load_bundle(bundle)
    outputs = references(model, config, vocab, reference / "image.png")
    for name, array in outputs["arrays"].items():
        np.save(reference / name, array, allow_pickle=False)
    (reference / "beam.json").write_text(dumps(outputs["beam"]) + "\n", encoding="utf-8")
    return outputs


def summarise(name: str, model, config, vocab, outputs) -> None:
    """Prints the figures that show a fixture is not degenerate."""
    arrays, beam = outputs["arrays"], outputs["beam"]
    annotations = torch.from_numpy(arrays["encoder_output.npy"])
    alpha = arrays["step1_alpha.npy"]
    print(f"{name}: grid {beam['grid']}, P x C {list(annotations.shape)}, V {len(vocab)}, "
          f"annotations mean {annotations.mean():.3f} std {annotations.std():.3f}, "
          f"step-1 alpha max {alpha.max():.3f} (uniform {1 / alpha.size:.3f}), "
          f"step-1 log p max {arrays['step1_log_probs.npy'].max():.3f}")
    for case in beam["cases"]:
        gap = margins(model, annotations, vocab, case["beam_size"], case["max_length"])
        wide = beam_search(model, annotations, vocab, case["beam_size"], case["max_length"], dtype=torch.float64)
        if wide["token_ids"] != case["token_ids"] or abs(wide["score"] - case["score"]) > 1e-4:
            raise SystemExit(f"{name}: beam {case['beam_size']} float64 answer differs from float32")
        print(f"  beam {case['beam_size']} max {case['max_length']}: {' '.join(case['tokens'])!r} "
              f"score {case['score']:.4f} finished {case['finished']} margin {gap:.4f}")
        if gap < MIN_MARGIN:
            raise SystemExit(f"{name}: beam {case['beam_size']} depends on a score gap of {gap:.2e}; "
                             "change the recipe")


def check(bundle: Path, reference: Path) -> None:
    """Reloads `bundle` and recomputes every file in `reference`; exits on any difference."""
    model, config, vocab = load_bundle(bundle)
    outputs = references(model, config, vocab, reference / "image.png")
    for name, array in outputs["arrays"].items():
        stored = np.load(reference / name)
        difference = float(np.abs(stored - array).max()) if stored.shape == array.shape else float("inf")
        if difference > 1e-6:
            raise SystemExit(f"{bundle}: {name} differs from the reference by {difference:.3e}")
    stored_beam = json.loads((reference / "beam.json").read_text(encoding="utf-8"))
    for stored, computed in zip(stored_beam["cases"], outputs["beam"]["cases"], strict=True):
        same_words = all(stored[key] == computed[key] for key in ("token_ids", "tokens", "finished", "steps"))
        stored_alphas = np.array(stored.get("alphas", []))
        computed_alphas = np.array(computed.get("alphas", []))
        same_alphas = (stored_alphas.shape == computed_alphas.shape
                       and np.allclose(stored_alphas, computed_alphas, rtol=0, atol=1e-6))
        if not same_words or abs(stored["score"] - computed["score"]) > 1e-5 or not same_alphas:
            raise SystemExit(f"{bundle}: beam {stored['beam_size']} max {stored['max_length']} "
                             "differs from the reference")
    print(f"checked {bundle.relative_to(ROOT)} against {reference.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the committed fixtures")
    arguments = parser.parse_args()
    if not arguments.check:
        for name, recipe in MODELS.items():
            model, config, vocab = build(name)
            bundle = OUT / name
            shutil.rmtree(bundle, ignore_errors=True)
            save_bundle(model, config, vocab, bundle)
            image = make_image(*recipe["image"], seed=recipe["seed"])
            outputs = write_references(bundle, image)
            summarise(name, *load_bundle(bundle), outputs)
        for name, (source, dtype) in STORAGE_VARIANTS.items():
            model, config, vocab = load_bundle(OUT / source)
            bundle = OUT / name
            shutil.rmtree(bundle, ignore_errors=True)
            save_bundle(model, config, vocab, bundle, dtype=dtype)
            outputs = write_references(bundle, Image.open(OUT / source / "reference" / "image.png"))
            summarise(name, *load_bundle(bundle), outputs)
        model, config, vocab = load_bundle(OUT / "plain")
        save_bundle(model, config, vocab, OUT / "plain.npz")
    for name in [*MODELS, *STORAGE_VARIANTS]:
        check(OUT / name, OUT / name / "reference")
    check(OUT / "plain.npz", OUT / "plain" / "reference")


if __name__ == "__main__":
    sys.exit(main())
