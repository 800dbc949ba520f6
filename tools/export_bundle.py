"""Converts a PyTorch Show-Attend-Tell checkpoint into a show-attend-tell/1 bundle.

Run from the repository root:
    PY=$(scripts/tools-venv)
    "$PY" tools/export_bundle.py CHECKPOINT.pt --vocab WORDMAP.json --out weights/mine [options]
    "$PY" tools/export_bundle.py CHECKPOINT.pt --vocab WORDMAP.json --out mine.npz --pool-size none

Writes a bundle directory (config.json, vocab.json, one .npy per tensor) or, for an --out that
ends in .npz, one archive with the same entries. Options: --attention-activation, --input-size,
--pool-size, --mean, --std, --batch-norm-eps, --final-max-pool, --dtype, --trust-pickle (see --help).

The checkpoint holds an encoder and a decoder, as either
  {"encoder": <state_dict or module>, "decoder": <state_dict or module>, ...}, or
  one flat state_dict with "encoder." / "decoder." prefixed keys,
optionally wrapped in {"state_dict": ...} / {"model": ...} and with DataParallel "module."
prefixes. Encoder keys are torchvision VGG `features` keys ("{i}.weight", "features.{i}.weight",
"encoder.features.{i}.weight"; a full VGG's "classifier.*" keys are skipped); decoder keys are
docs/specification.md's names ("attention.encoder_att.weight", ..., "fc.bias"), optionally "decoder."-prefixed.

Inferred from the tensors: `layers` (convolution widths; a gap in the module indices is a max
pool), `batch_norm` (running_mean present), embed/attention/decoder/encoder dims, `gate`
(f_beta present), the vocabulary size. Checked, since tensors cannot tell: the activation, the
input size, the pool size and mean/std (options with SAT/ImageNet defaults). A trailing max pool
has no tensors: pass --final-max-pool if the encoder output is taken after one.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping

import numpy as np
import torch

from sat.bundle import BundleError, model_from_arrays, save_bundle
from sat.config import IMAGENET_MEAN, IMAGENET_STD, make_config
from sat.vocab import load_vocab

ENCODER_KEY = re.compile(r"^(\d+)\.(weight|bias|running_mean|running_var|num_batches_tracked)$")
DECODER_NAMES = {
    "attention.encoder_att", "attention.decoder_att", "attention.full_att", "embedding",
    "decode_step", "init_h", "init_c", "f_beta", "fc",
}
WRAPPERS = ("state_dict", "model_state_dict", "model")


class ExportError(ValueError):
    """A checkpoint that cannot become a bundle; the message names the key and the reason."""


def strip(key: str, *prefixes: str) -> str:
    """`key` without any leading `prefixes` (each removed at most once, in order)."""
    for prefix in prefixes:
        if key.startswith(prefix):
            key = key[len(prefix):]
    return key


def as_state(value, name: str) -> dict[str, torch.Tensor]:
    """A state_dict from a mapping of tensors or an nn.Module; "module." prefixes removed."""
    if isinstance(value, torch.nn.Module):
        value = value.state_dict()
    if not isinstance(value, Mapping):
        raise ExportError(f"checkpoint entry {name!r} is a {type(value).__name__}, not a state_dict or module")
    return {strip(key, "module."): tensor for key, tensor in value.items() if isinstance(tensor, torch.Tensor)}


def split_checkpoint(checkpoint) -> tuple[dict, dict]:
    """(encoder state, decoder state) with keys as the checkpoint has them, minus "module."."""
    while isinstance(checkpoint, Mapping) and not {"encoder", "decoder"} <= checkpoint.keys():
        wrapper = next((name for name in WRAPPERS if isinstance(checkpoint.get(name), Mapping)), None)
        if wrapper is None:
            break
        checkpoint = checkpoint[wrapper]
    if isinstance(checkpoint, Mapping) and {"encoder", "decoder"} <= checkpoint.keys():
        return as_state(checkpoint["encoder"], "encoder"), as_state(checkpoint["decoder"], "decoder")
    flat = as_state(checkpoint, "checkpoint")
    encoder = {strip(key, "encoder."): tensor for key, tensor in flat.items() if key.startswith("encoder.")}
    decoder = {strip(key, "decoder."): tensor for key, tensor in flat.items() if key.startswith("decoder.")}
    if not encoder or not decoder:
        raise ExportError("checkpoint holds neither 'encoder'/'decoder' entries nor "
                          "'encoder.'/'decoder.' prefixed keys")
    return encoder, decoder


def encoder_modules(state: dict[str, torch.Tensor]) -> dict[int, dict[str, torch.Tensor]]:
    """Encoder tensors grouped by torchvision `features` module index."""
    modules: dict[int, dict[str, torch.Tensor]] = {}
    skipped = [key for key in state if strip(key, "encoder.").startswith("classifier.")]
    if skipped:
        print(f"export: skipping {len(skipped)} VGG classifier tensors", file=sys.stderr)
    for key, tensor in state.items():
        short = strip(key, "encoder.")
        if key in skipped:
            continue
        match = ENCODER_KEY.match(strip(short, "features."))
        if match is None:
            raise ExportError(f"encoder tensor {key}: not a VGG features key ('{{i}}.weight' ...)")
        modules.setdefault(int(match.group(1)), {})[match.group(2)] = tensor
    if not modules:
        raise ExportError("the checkpoint's encoder holds no tensors")
    return dict(sorted(modules.items()))


def infer_layers(modules: dict[int, dict[str, torch.Tensor]]) -> tuple[list, bool]:
    """(layers, batch_norm) from convolution weights and the module-index gaps between them."""
    convolutions = [index for index, tensors in modules.items()
                    if "weight" in tensors and tensors["weight"].dim() == 4]
    norms = [index for index, tensors in modules.items() if "running_mean" in tensors]
    batch_norm = bool(norms)
    if batch_norm and norms != [index + 1 for index in convolutions]:
        raise ExportError(f"BatchNorm modules at {norms} do not follow each convolution at {convolutions}")
    known = set(convolutions) | set(norms)
    for index in modules:
        if index not in known:
            raise ExportError(f"encoder module {index} has tensors {sorted(modules[index])} "
                              "but is neither a 3x3 convolution nor a BatchNorm")
    block = 3 if batch_norm else 2  # Conv [+ BatchNorm] + ReLU
    layers: list = []
    position, channels = 0, 3
    for index in convolutions:
        weight = modules[index]["weight"]
        key = f"features.{index}.weight"
        if tuple(weight.shape[1:]) != (channels, 3, 3):
            raise ExportError(f"encoder tensor {key} has shape {list(weight.shape)}, "
                              f"expected [out, {channels}, 3, 3]")
        if index < position:
            raise ExportError(f"encoder module {index} overlaps the block before it")
        layers.extend(["M"] * (index - position))
        layers.append(int(weight.shape[0]))
        position, channels = index + block, int(weight.shape[0])
    return layers, batch_norm


def decoder_arrays(state: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """Decoder tensors under their bundle names ("decoder." + docs/specification.md name)."""
    arrays = {}
    for key, tensor in state.items():
        name = strip(key, "decoder.")
        if name.rsplit(".", 1)[0] not in DECODER_NAMES:
            raise ExportError(f"decoder tensor {key}: not one of docs/specification.md's decoder names")
        arrays[f"decoder.{name}"] = tensor.detach().cpu().numpy()
    return arrays


def decoder_dims(arrays: dict[str, np.ndarray]) -> dict:
    """embed/attention/decoder/encoder dims, gate and vocabulary size from decoder tensor shapes."""
    def shape(name: str) -> tuple[int, ...]:
        if name not in arrays:
            raise ExportError(f"decoder tensor {name} is missing")
        return arrays[name].shape

    vocab_size, embed_dim = shape("decoder.embedding.weight")
    attention_dim, encoder_dim = shape("decoder.attention.encoder_att.weight")
    decoder_dim = shape("decoder.attention.decoder_att.weight")[1]
    return {"embed_dim": embed_dim, "attention_dim": attention_dim, "decoder_dim": decoder_dim,
            "encoder_dim": encoder_dim, "gate": "decoder.f_beta.weight" in arrays, "vocab_size": vocab_size}


def feature_grid(layers: list, input_size: int) -> int:
    """Side of the feature grid the `layers` stack gives for an input_size image."""
    side = input_size
    for _ in range(layers.count("M")):
        side //= 2
    return side


def export(checkpoint, vocab: dict[str, int], options: argparse.Namespace):
    """(model, config) for a loaded checkpoint object, checked against `vocab` and the options."""
    encoder_state, decoder_state = split_checkpoint(checkpoint)
    modules = encoder_modules(encoder_state)
    layers, batch_norm = infer_layers(modules)
    if options.final_max_pool:
        layers.append("M")
    arrays = {f"encoder.features.{index}.{name}": tensor.detach().cpu().numpy()
              for index, tensors in modules.items() for name, tensor in tensors.items()}
    arrays.update(decoder_arrays(decoder_state))
    dims = decoder_dims(arrays)
    convolutions = [layer for layer in layers if layer != "M"]
    if dims["encoder_dim"] != convolutions[-1]:
        raise ExportError(f"decoder.attention.encoder_att.weight reads {dims['encoder_dim']} features, "
                          f"the encoder's last convolution gives {convolutions[-1]}")
    if dims["vocab_size"] != len(vocab):
        raise ExportError(f"decoder.embedding.weight has {dims['vocab_size']} rows, "
                          f"the vocabulary has {len(vocab)} words")
    if options.batch_norm_eps is not None and not batch_norm:
        raise ExportError("--batch-norm-eps given, but the encoder has no BatchNorm")
    grid = feature_grid(layers, options.input_size)
    if grid < 1:
        raise ExportError(f"--input-size {options.input_size} is too small for {layers.count('M')} max pools")
    if options.pool_size is not None and options.pool_size > grid:
        raise ExportError(f"--pool-size {options.pool_size} exceeds the {grid}x{grid} feature grid at "
                          f"--input-size {options.input_size}; pass a smaller size or 'none'")
    config = make_config(
        layers, dims["embed_dim"], dims["attention_dim"], dims["decoder_dim"], batch_norm=batch_norm,
        input_size=options.input_size, mean=options.mean, std=options.std, pool_size=options.pool_size,
        attention_activation=options.attention_activation, gate=dims["gate"],
        batch_norm_eps=options.batch_norm_eps)
    return model_from_arrays(config, len(vocab), arrays, "checkpoint"), config


def load_checkpoint(path: str, trust_pickle: bool):
    """torch.load on CPU; pickled modules need --trust-pickle (full unpickling runs code)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=not trust_pickle)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError, ... by content
        hint = "" if trust_pickle else " (a checkpoint of whole modules needs --trust-pickle)"
        raise ExportError(f"{path}: cannot load: {error}{hint}") from error


def parse_pool_size(text: str) -> int | None:
    """--pool-size: a positive integer or 'none'."""
    if text.lower() in ("none", "null"):
        return None
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("pool size must be positive or 'none'")
    return value


def parser() -> argparse.ArgumentParser:
    """The command line (also used by the self test)."""
    arguments = argparse.ArgumentParser(description="Convert a PyTorch SAT checkpoint into a bundle.")
    arguments.add_argument("checkpoint", help=".pt/.pth file holding the encoder and decoder")
    arguments.add_argument("--vocab", required=True, help="word map JSON {word: index}")
    arguments.add_argument("--out", required=True, help="bundle directory, or a file ending in .npz")
    arguments.add_argument("--attention-activation", choices=("relu", "tanh"), default="relu")
    arguments.add_argument("--input-size", type=int, default=224)
    arguments.add_argument("--pool-size", type=parse_pool_size, default=14, help="integer or 'none'")
    arguments.add_argument("--mean", type=float, nargs=3, default=IMAGENET_MEAN)
    arguments.add_argument("--std", type=float, nargs=3, default=IMAGENET_STD)
    arguments.add_argument("--batch-norm-eps", type=float, default=None, help="default PyTorch's 1e-5")
    arguments.add_argument("--final-max-pool", action="store_true",
                           help="the encoder output is taken after a trailing 2x2 max pool")
    arguments.add_argument("--dtype", choices=("float32", "float16"), default="float32",
                           help="storage type of the float tensors")
    arguments.add_argument("--trust-pickle", action="store_true",
                           help="allow full unpickling (checkpoints of whole nn.Modules)")
    return arguments


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    try:
        vocab = load_vocab(options.vocab)
        model, config = export(load_checkpoint(options.checkpoint, options.trust_pickle), vocab, options)
        out = save_bundle(model, config, vocab, options.out, dtype=np.dtype(options.dtype))
    except (ExportError, BundleError, ValueError, OSError) as error:
        print(f"export_bundle: {error}", file=sys.stderr)
        return 1
    print(f"wrote {out}: layers {config['encoder']['layers']}, batch_norm {config['encoder']['batch_norm']}, "
          f"dims {config['decoder']}, {len(vocab)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
