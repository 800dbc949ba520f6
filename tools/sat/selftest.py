"""Self test of the reference tools against independent references.

Run from the repository root:
    PY=$(scripts/tools-venv) && PYTHONPATH=tools "$PY" -m sat.selftest
Writes nothing outside a temporary directory; exits non-zero on the first failure.

- The decoder (docs/specification.md steps 3-4) against a plain float64 NumPy transcription of the
  equations, on the committed Fixtures/models bundles and their reference files.
- Greedy and beam search against a list-based beam search over that NumPy decoder.
- The encoder against torchvision's VGG `features` and a NumPy adaptive average pool.
- tools/export_bundle.py on checkpoints built from torchvision vgg11 / vgg11_bn features
  plus a decoder, in three checkpoint layouts, and its error messages.
- Bundle loading errors, and the preprocessing edge cases (no resample at size, EXIF, 16-bit).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import torchvision
from PIL import Image

from .beam_search import beam_search
from .bundle import BundleError, load_bundle, save_bundle, state_arrays
from .config import make_config
from .model import ShowAttendTell
from .preprocess import load_image, to_rgb
from .vocab import END, START, vocab_from_words

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Fixtures" / "models"
BUNDLES = ("plain", "batchnorm-tanh", "pooled-odd")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def close(actual, expected, tolerance: float, what: str) -> None:
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    expect(actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}")
    difference = float(np.abs(actual - expected).max()) if actual.size else 0.0
    expect(difference <= tolerance, f"{what}: largest difference {difference:.3e} > {tolerance:.1e}")


class NumpyDecoder:
    """docs/specification.md steps 3 and 4 written out in float64 NumPy, straight from the bundle arrays."""

    def __init__(self, arrays: dict[str, np.ndarray], config: dict):
        self.p = {key: value.astype(np.float64) for key, value in arrays.items()}
        self.gate = config["decoder"]["gate"]
        self.activation = np.tanh if config["decoder"]["attention_activation"] == "tanh" else (
            lambda x: np.maximum(x, 0.0))

    def linear(self, name: str, x: np.ndarray) -> np.ndarray:
        return x @ self.p[f"decoder.{name}.weight"].T + self.p[f"decoder.{name}.bias"]

    def init_state(self, annotations: np.ndarray):
        mean = annotations.mean(axis=0)
        return self.linear("init_h", mean), self.linear("init_c", mean)

    def step(self, annotations: np.ndarray, word: int, h: np.ndarray, c: np.ndarray):
        sigmoid = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731
        e = self.linear("attention.full_att", self.activation(
            self.linear("attention.encoder_att", annotations) + self.linear("attention.decoder_att", h)))[:, 0]
        alpha = np.exp(e - e.max())
        alpha /= alpha.sum()
        z = alpha @ annotations
        if self.gate:
            z = sigmoid(self.linear("f_beta", h)) * z
        x = np.concatenate([self.p["decoder.embedding.weight"][word], z])
        gates = (self.p["decoder.decode_step.weight_ih"] @ x + self.p["decoder.decode_step.bias_ih"]
                 + self.p["decoder.decode_step.weight_hh"] @ h + self.p["decoder.decode_step.bias_hh"])
        i, f, g, o = np.split(gates, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        logits = self.linear("fc", h)
        log_probs = logits - (logits.max() + np.log(np.exp(logits - logits.max()).sum()))
        return log_probs, h, c, alpha


def list_beam_search(decoder: NumpyDecoder, annotations: np.ndarray, vocab: dict, beam_size: int,
                     max_length: int):
    """docs/specification.md step 5 over Python lists: returns (token ids, score, finished)."""
    h, c = decoder.init_state(annotations)
    live = [([], 0.0, vocab[START], h, c)]  # (ids, score, last word, h, c)
    finished = []
    width = beam_size  # continuations kept per step: the live beam count
    for _ in range(max_length):
        candidates = []
        for beam, (ids, score, word, h, c) in enumerate(live):
            log_probs, h2, c2, _ = decoder.step(annotations, word, h, c)
            for next_word, log_prob in enumerate(log_probs):
                candidates.append((-(score + log_prob), beam, next_word, h2, c2))
        candidates.sort(key=lambda item: item[:3])
        survivors = []
        for negative, beam, word, h2, c2 in candidates[:width]:
            if word == vocab[END]:
                finished.append((live[beam][0], -negative, True))
            else:
                survivors.append((live[beam][0] + [word], -negative, word, h2, c2))
        live, width = survivors, len(survivors)
        if not live:
            break
    finished += [(ids, score, False) for ids, score, *_ in live]
    return max(finished, key=lambda item: item[1])  # max keeps the first of equal scores


def check_decoder_and_search() -> None:
    for name in BUNDLES:
        model, config, vocab = load_bundle(FIXTURES / name)
        arrays = state_arrays(model, np.float64)
        decoder = NumpyDecoder(arrays, config)
        reference = FIXTURES / name / "reference"
        annotations = np.load(reference / "encoder_output.npy").astype(np.float64)
        h0, c0 = decoder.init_state(annotations)
        close(h0, np.load(reference / "h0.npy"), 1e-5, f"{name} h0")
        close(c0, np.load(reference / "c0.npy"), 1e-5, f"{name} c0")
        log_probs, h1, c1, alpha = decoder.step(annotations, vocab[START], h0, c0)
        close(alpha, np.load(reference / "step1_alpha.npy"), 1e-6, f"{name} step-1 alpha")
        close(log_probs, np.load(reference / "step1_log_probs.npy"), 1e-5, f"{name} step-1 log p")
        close(h1, np.load(reference / "step1_h.npy"), 1e-6, f"{name} step-1 h")
        close(c1, np.load(reference / "step1_c.npy"), 1e-6, f"{name} step-1 c")
        image = torch.from_numpy(annotations.astype(np.float32))
        with torch.no_grad():  # the PyTorch model itself, not only its committed outputs
            state = model.decoder.init_state(image[None])
            torch_step = model.decoder.step(image[None], model.decoder.project(image[None]),
                                            torch.tensor([vocab[START]]), *state)
        close(torch_step[0][0].numpy(), log_probs, 1e-5, f"{name} PyTorch step-1 log p")
        close(torch_step[3][0].numpy(), alpha, 1e-6, f"{name} PyTorch step-1 alpha")
        cases = json.loads((reference / "beam.json").read_text(encoding="utf-8"))["cases"]
        for case in cases:
            ids, score, finished = list_beam_search(decoder, annotations, vocab, case["beam_size"],
                                                    case["max_length"])
            what = f"{name} beam {case['beam_size']} max {case['max_length']}"
            expect(ids == case["token_ids"] and finished == case["finished"],
                   f"{what}: list search {ids} != reference {case['token_ids']}")
            close(score, case["score"], 1e-4, f"{what} score")
            live = beam_search(model, image, vocab, case["beam_size"], case["max_length"])
            expect(live["token_ids"] == ids and live["finished"] == finished,
                   f"{what}: beam_search {live['token_ids']} != list search {ids}")
            close(live["score"], score, 1e-4, f"{what} beam_search score")
            if "alphas" in case:  # re-run the answer word by word
                h, c = h0, c0
                rows = []
                for word in [vocab[START], *ids]:
                    _, h, c, alpha = decoder.step(annotations, word, h, c)
                    rows.append(alpha)
                close(np.array(rows[: case["steps"]]), case["alphas"], 1e-5, f"{what} alphas")
        print(f"ok decoder and beam search: {name}")


def check_ties() -> None:
    """Exactly tied scores (fc reads nothing, equal biases): lower flat index first, then finishing order."""
    model, config, vocab = load_bundle(FIXTURES / "plain")
    annotations = np.load(FIXTURES / "plain" / "reference" / "encoder_output.npy")
    image = torch.from_numpy(annotations)
    for end_bias, expected in ((-20.0, [3, 3, 3]), (0.0, [])):
        with torch.no_grad():
            model.decoder.fc.weight.zero_()
            model.decoder.fc.bias.fill_(0.0)
            model.decoder.fc.bias[vocab["<pad>"]] = -20.0
            model.decoder.fc.bias[vocab[START]] = -20.0
            model.decoder.fc.bias[vocab[END]] = end_bias
        decoder = NumpyDecoder(state_arrays(model, np.float64), config)
        for beam_size in (1, 3, 5):
            result = beam_search(model, image, vocab, beam_size, 3)
            ids, score, finished = list_beam_search(decoder, annotations.astype(np.float64), vocab, beam_size, 3)
            expect(result["token_ids"] == ids == expected and result["finished"] == finished,
                   f"ties (end bias {end_bias}, beam {beam_size}): beam_search {result['token_ids']}, "
                   f"list search {ids}, expected {expected}")
            close(result["score"], score, 1e-5, f"ties (end bias {end_bias}, beam {beam_size}) score")
    print("ok beam search ties: lower (beam, word) index ranks first, first-ranked answer wins among equals")


def check_encoder() -> None:
    torch.manual_seed(0)
    for batch_norm in (False, True):
        vgg = torchvision.models.vgg11_bn(weights=None) if batch_norm else torchvision.models.vgg11(weights=None)
        features = vgg.features[:-1].eval()  # SAT drops the last max pool
        for module in features:
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.normal_(0, 0.5)
                module.running_var.uniform_(0.5, 2.0)
        layers = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512]
        config = make_config(layers, 8, 8, 8, batch_norm=batch_norm, input_size=48, pool_size=None)
        model = ShowAttendTell(config, 10).eval()
        model.encoder.features.load_state_dict(features.state_dict())
        images = torch.randn(2, 3, 48, 48)
        with torch.no_grad():
            annotations, grid = model.encode(images)
            expected = features(images)
        expect(grid == (3, 3), f"vgg11 grid {grid}")
        close(annotations.numpy(), expected.permute(0, 2, 3, 1).reshape(2, 9, 512).numpy(), 1e-5,
              f"encoder vs torchvision vgg11 (batch_norm {batch_norm})")
    pooled = np.load(FIXTURES / "pooled-odd" / "reference" / "encoder_features.npy").astype(np.float64)
    channels, height, width = pooled.shape
    bins = [(i * height // 3, -(-(i + 1) * height // 3)) for i in range(3)]
    columns = [(j * width // 3, -(-(j + 1) * width // 3)) for j in range(3)]
    naive = np.array([[pooled[:, top:bottom, left:right].mean(axis=(1, 2)) for left, right in columns]
                      for top, bottom in bins]).reshape(9, channels)
    close(naive, np.load(FIXTURES / "pooled-odd" / "reference" / "encoder_output.npy"), 1e-6,
          "adaptive pool vs NumPy bins")
    print("ok encoder: torchvision vgg11 / vgg11_bn, adaptive pool")


def vgg_checkpoints(batch_norm: bool, vocab_size: int):
    """A vgg11 features + decoder model and its checkpoint in three layouts."""
    torch.manual_seed(1)
    vgg = torchvision.models.vgg11_bn(weights=None) if batch_norm else torchvision.models.vgg11(weights=None)
    layers = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512]
    config = make_config(layers, 24, 20, 28, batch_norm=batch_norm, input_size=64, pool_size=3,
                         attention_activation="tanh", gate=not batch_norm)
    model = ShowAttendTell(config, vocab_size).eval()
    model.encoder.features.load_state_dict(vgg.features[:-1].state_dict())
    decoder_state = model.decoder.state_dict()
    # torchvision's classifier keys, shrunk (the real ones are 470 MB and are skipped anyway)
    classifier = {f"classifier.{i}.{kind}": torch.zeros(4) for i in (0, 3, 6) for kind in ("weight", "bias")}
    layouts = {
        "nested, features keys '{i}.weight'": {"encoder": vgg.features.state_dict(), "decoder": decoder_state,
                                               "epoch": 3},
        "nested, full torchvision VGG": {"encoder": {**{f"features.{k}": v for k, v in vgg.features.state_dict().items()},
                                                     **classifier},
                                         "decoder": {f"decoder.{k}": v for k, v in decoder_state.items()}},
        "flat, DataParallel prefixes": {"state_dict": {f"module.{k}": v for k, v in model.state_dict().items()}},
    }
    return model, config, layouts


def check_export(directory: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import export_bundle  # noqa: E402 (tools/ script)

    vocab = vocab_from_words([f"w{i}" for i in range(16)])
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    images = torch.randn(1, 3, 64, 64)
    for batch_norm in (False, True):
        model, config, layouts = vgg_checkpoints(batch_norm, len(vocab))
        with torch.no_grad():
            expected, _ = model.encode(images)
        for number, (layout, checkpoint) in enumerate(layouts.items()):
            path = directory / f"checkpoint-{batch_norm}-{number}.pt"
            torch.save(checkpoint, path)
            out = directory / (f"bundle-{batch_norm}-{number}" + (".npz" if number == 1 else ""))
            status = export_bundle.main([str(path), "--vocab", str(directory / "vocab.json"), "--out", str(out),
                                         "--input-size", "64", "--pool-size", "3",
                                         "--attention-activation", "tanh"])
            expect(status == 0, f"export ({layout}, batch_norm {batch_norm}) failed")
            loaded, loaded_config, _ = load_bundle(out)
            expect(loaded_config == config, f"export ({layout}): config {loaded_config} != {config}")
            with torch.no_grad():
                annotations, _ = loaded.encode(images)
            close(annotations.numpy(), expected.numpy(), 1e-6, f"export ({layout}) encoder output")
            first = beam_search(model, expected[0], vocab, 3, 8)
            second = beam_search(loaded, annotations[0], vocab, 3, 8)
            expect(first["token_ids"] == second["token_ids"] and first["score"] == second["score"],
                   f"export ({layout}) beam search differs")
    print("ok export_bundle: vgg11 / vgg11_bn, nested / full VGG / flat DataParallel checkpoints")

    def failure(arguments: list[str], checkpoint) -> str:
        torch.save(checkpoint, directory / "bad.pt")
        options = export_bundle.parser().parse_args(
            [str(directory / "bad.pt"), "--vocab", str(directory / "vocab.json"), "--out", "unused"] + arguments)
        try:
            export_bundle.export(torch.load(directory / "bad.pt"), vocab, options)
        except (export_bundle.ExportError, BundleError) as error:
            return str(error)
        raise SystemExit(f"FAILED: export accepted a bad checkpoint ({arguments})")

    model, _, layouts = vgg_checkpoints(False, len(vocab))
    good = layouts["nested, features keys '{i}.weight'"]
    bad = {"encoder": good["encoder"], "decoder": dict(good["decoder"])}
    bad["decoder"]["fc.bias"] = torch.zeros(3)
    message = failure(["--input-size", "64", "--pool-size", "3"], bad)
    expect("decoder.fc.bias" in message and "[3]" in message and "[20]" in message, f"mis-shaped: {message}")
    expect("exceeds" in failure(["--input-size", "64"], good), "pool size larger than the grid accepted")
    small = {"encoder": good["encoder"], "decoder": {**good["decoder"],
                                                      "embedding.weight": torch.zeros(5, 24)}}
    expect("vocabulary" in failure(["--input-size", "64", "--pool-size", "3"], small), "vocab size mismatch accepted")
    print("ok export_bundle errors: mis-shaped tensor, pool size, vocabulary size")


def check_bundle_errors(directory: Path) -> None:
    model, config, vocab = load_bundle(FIXTURES / "plain")
    bundle = save_bundle(model, config, vocab, directory / "broken")
    (bundle / "decoder.fc.bias.npy").unlink()
    np.save(bundle / "decoder.init_h.weight.npy", np.zeros((3, 4), np.float32))
    np.save(bundle / "decoder.extra.npy", np.zeros(2, np.float32))
    np.save(bundle / "decoder.fc.weight.npy", np.zeros((34, 20), np.int32))
    try:
        load_bundle(bundle)
        raise SystemExit("FAILED: a broken bundle loaded")
    except BundleError as error:
        message = str(error)
    for part in ("missing tensor decoder.fc.bias (expected shape [34])",
                 "decoder.init_h.weight has shape [3, 4], expected [20, 16]",
                 "unexpected tensor decoder.extra", "decoder.fc.weight has dtype int32"):
        expect(part in message, f"bundle error lacks {part!r}: {message}")
    print("ok bundle errors: missing, mis-shaped, unexpected, wrong dtype")


def check_preprocess(directory: Path) -> None:
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(directory / "exact.png")
    mean, std = [0.5, 0.4, 0.3], [0.2, 0.25, 0.3]
    expected = (pixels.astype(np.float64) / 255 - mean) / std
    close(load_image(directory / "exact.png", 16, mean, std).permute(1, 2, 0).numpy(), expected, 1e-6,
          "image at input size is not resampled")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    Image.fromarray(pixels[:8]).save(directory / "rotated.jpg", exif=exif.tobytes(), quality=95)
    with Image.open(directory / "rotated.jpg") as image:
        expect(image.size == (16, 8), "stored JPEG size")
    with Image.open(directory / "rotated.jpg") as image:
        expect(to_rgb(image).size == (8, 16), "EXIF orientation not applied")
    grey = np.array([[0, 257 * 100, 65535, 0x12FF]], dtype=np.uint16)
    Image.fromarray(grey).save(directory / "grey16.png")
    with Image.open(directory / "grey16.png") as image:
        expect(image.mode == "I;16", f"16-bit PNG opens as {image.mode}")
        scaled = np.asarray(to_rgb(image))[0, :, 0]
    expect(scaled.tolist() == [0, 100, 255, 0x12], f"16-bit reduction gives {scaled.tolist()}")
    print("ok preprocess: no resample at size, EXIF orientation, 16-bit grey")


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        check_decoder_and_search()
        check_ties()
        check_encoder()
        check_export(directory)
        check_bundle_errors(directory)
        check_preprocess(directory)
    print("all reference tool checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
