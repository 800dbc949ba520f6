"""config.json of a show-attend-tell/1 bundle: construction and checks (docs/specification.md, "The model bundle")."""

from __future__ import annotations

import json
from pathlib import Path

from .jsontext import dumps

FORMAT = "show-attend-tell/1"
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
DEFAULT_BATCH_NORM_EPS = 1e-5
ATTENTION_ACTIVATIONS = ("relu", "tanh")


def make_config(
    layers: list,
    embed_dim: int,
    attention_dim: int,
    decoder_dim: int,
    batch_norm: bool = False,
    input_size: int = 224,
    mean: list[float] | None = None,
    std: list[float] | None = None,
    pool_size: int | None = None,
    attention_activation: str = "relu",
    gate: bool = True,
    batch_norm_eps: float | None = None,
) -> dict:
    """A checked config dict; encoder_dim is the last convolution's channel count."""
    convolutions = [layer for layer in layers if layer != "M"]
    encoder = {
        "architecture": "vgg",
        "layers": list(layers),
        "batch_norm": batch_norm,
        "input_size": input_size,
        "mean": list(IMAGENET_MEAN if mean is None else mean),
        "std": list(IMAGENET_STD if std is None else std),
        "pool_size": pool_size,
    }
    if batch_norm_eps is not None:
        encoder["batch_norm_eps"] = batch_norm_eps
    config = {
        "format": FORMAT,
        "encoder": encoder,
        "decoder": {
            "embed_dim": embed_dim,
            "attention_dim": attention_dim,
            "decoder_dim": decoder_dim,
            "encoder_dim": convolutions[-1] if convolutions else 0,
            "attention_activation": attention_activation,
            "gate": gate,
        },
        "vocabulary": "vocab.json",
    }
    return check_config(config)


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"config.json: {name} must be a positive integer, got {value!r}")
    return value


def _triple(value, name: str, positive: bool) -> list[float]:
    if (not isinstance(value, list) or len(value) != 3
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"config.json: {name} must be a list of 3 numbers, got {value!r}")
    if positive and not all(v > 0 for v in value):
        raise ValueError(f"config.json: {name} must be positive, got {value!r}")
    return value


def check_config(config: dict) -> dict:
    """Raises ValueError naming the field unless `config` is a valid show-attend-tell/1 config."""
    if not isinstance(config, dict):
        raise ValueError("config.json: expected a JSON object")
    if config.get("format") != FORMAT:
        raise ValueError(f"config.json: format must be {FORMAT!r}, got {config.get('format')!r}")
    encoder, decoder = config.get("encoder"), config.get("decoder")
    if not isinstance(encoder, dict) or not isinstance(decoder, dict):
        raise ValueError("config.json: 'encoder' and 'decoder' objects are required")
    if encoder.get("architecture") != "vgg":
        raise ValueError(f"config.json: encoder.architecture must be 'vgg', got {encoder.get('architecture')!r}")
    layers = encoder.get("layers")
    if not isinstance(layers, list) or not layers:
        raise ValueError("config.json: encoder.layers must be a non-empty list")
    for layer in layers:
        if layer != "M":
            _positive_int(layer, f"encoder.layers entry {layer!r}")
    convolutions = [layer for layer in layers if layer != "M"]
    if not convolutions:
        raise ValueError("config.json: encoder.layers holds no convolution")
    if not isinstance(encoder.get("batch_norm"), bool):
        raise ValueError("config.json: encoder.batch_norm must be true or false")
    eps = encoder.get("batch_norm_eps", DEFAULT_BATCH_NORM_EPS)
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or eps <= 0:
        raise ValueError(f"config.json: encoder.batch_norm_eps must be a positive number, got {eps!r}")
    input_size = _positive_int(encoder.get("input_size"), "encoder.input_size")
    pools = layers.count("M")
    if input_size >> pools < 1:
        raise ValueError(f"config.json: encoder.input_size {input_size} is too small for {pools} max pools")
    _triple(encoder.get("mean"), "encoder.mean", positive=False)
    _triple(encoder.get("std"), "encoder.std", positive=True)
    if encoder.get("pool_size") is not None:
        _positive_int(encoder.get("pool_size"), "encoder.pool_size")
    for name in ("embed_dim", "attention_dim", "decoder_dim", "encoder_dim"):
        _positive_int(decoder.get(name), f"decoder.{name}")
    if decoder["encoder_dim"] != convolutions[-1]:
        raise ValueError(
            f"config.json: decoder.encoder_dim {decoder['encoder_dim']} must equal the last "
            f"convolution's channel count {convolutions[-1]}")
    if decoder.get("attention_activation") not in ATTENTION_ACTIVATIONS:
        raise ValueError(
            f"config.json: decoder.attention_activation must be 'relu' or 'tanh', "
            f"got {decoder.get('attention_activation')!r}")
    if not isinstance(decoder.get("gate"), bool):
        raise ValueError("config.json: decoder.gate must be true or false")
    if not isinstance(config.get("vocabulary", "vocab.json"), str):
        raise ValueError("config.json: vocabulary must be a file name")
    return config


def batch_norm_eps(config: dict) -> float:
    """The BatchNorm eps: encoder.batch_norm_eps when given, else PyTorch's 1e-5."""
    return float(config["encoder"].get("batch_norm_eps", DEFAULT_BATCH_NORM_EPS))


def config_json(config: dict) -> str:
    """The checked config.json text (2-space indent, key order kept, `layers` on one line)."""
    return dumps(check_config(config), indent=2) + "\n"


def load_config(path: str | Path) -> dict:
    """Reads and checks a config.json file."""
    with Path(path).open("r", encoding="utf-8") as file:
        return check_config(json.load(file))
