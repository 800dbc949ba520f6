"""Writing and reading show-attend-tell/1 bundles (docs/specification.md, "The model bundle").

A bundle is a directory holding config.json, vocab.json (the name config.json gives) and one
`<state_dict key>.npy` per tensor, or one .npz (a zip archive, entries stored uncompressed)
holding the same entries under the same names. Floating tensors are float32 (float16 and
float64 are accepted and converted on load); BatchNorm `num_batches_tracked` is an int64
scalar, optional on load and ignored.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import torch

from .config import check_config, config_json
from .model import ShowAttendTell
from .vocab import check_vocab, vocab_json

FLOAT_DTYPES = (np.float16, np.float32, np.float64)
COUNTER_SUFFIX = "num_batches_tracked"


class BundleError(ValueError):
    """A bundle that cannot be read: the message names the file or tensor and the reason."""


def state_arrays(model: ShowAttendTell, dtype=np.float32) -> dict[str, np.ndarray]:
    """The model's state_dict as NumPy arrays: floats as `dtype`, num_batches_tracked as int64."""
    arrays = {}
    for key, tensor in model.state_dict().items():
        array = tensor.detach().cpu().numpy()
        arrays[key] = array.astype(np.int64 if key.endswith(COUNTER_SUFFIX) else dtype)
    return arrays


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array, order="C"), allow_pickle=False)
    return buffer.getvalue()


def save_bundle(model: ShowAttendTell, config: dict, vocab: dict[str, int], out: str | Path,
                dtype=np.float32) -> Path:
    """Writes `model` as a bundle: a directory, or one .npz file when `out` ends with .npz.

    `dtype` (np.float32, np.float16 or np.float64) is the storage type of the float tensors.
    Returns the path written.
    """
    check_config(config)
    check_vocab(vocab)
    if len(vocab) != model.vocab_size:
        raise BundleError(f"vocabulary has {len(vocab)} words, the model scores {model.vocab_size}")
    if np.dtype(dtype) not in [np.dtype(d) for d in FLOAT_DTYPES]:
        raise BundleError(f"storage dtype must be float16, float32 or float64, got {dtype}")
    expected = _expected_shapes(config, len(vocab))
    arrays = state_arrays(model, dtype)
    problems = _shape_problems(expected, {key: array.shape for key, array in arrays.items()}, "model")
    if problems:
        raise BundleError("model does not match config.json:\n  " + "\n  ".join(problems))
    vocabulary_name = config.get("vocabulary", "vocab.json")
    texts = {"config.json": config_json(config), vocabulary_name: vocab_json(vocab)}
    out = Path(out)
    if out.suffix == ".npz":
        out.parent.mkdir(parents=True, exist_ok=True)
        entries = {name: text.encode("utf-8") for name, text in texts.items()}
        entries.update({f"{key}.npy": _npy_bytes(array) for key, array in arrays.items()})
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, data in entries.items():
                # A fixed timestamp keeps the archive byte-for-byte reproducible.
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
    for key, array in arrays.items():
        np.save(out / f"{key}.npy", np.asarray(array, order="C"), allow_pickle=False)
    return out


def _expected_shapes(config: dict, vocab_size: int) -> dict[str, tuple[int, ...]]:
    model = ShowAttendTell(config, vocab_size)
    return {key: tuple(tensor.shape) for key, tensor in model.state_dict().items()}


def _shape_problems(expected: dict, actual: dict, source: str) -> list[str]:
    problems = []
    for key, shape in expected.items():
        if key not in actual:
            if not key.endswith(COUNTER_SUFFIX):
                problems.append(f"{source}: missing tensor {key} (expected shape {list(shape)})")
        elif tuple(actual[key]) != shape:
            problems.append(f"{source}: tensor {key} has shape {list(actual[key])}, expected {list(shape)}")
    for key in actual:
        if key not in expected:
            problems.append(f"{source}: unexpected tensor {key} (shape {list(actual[key])})")
    return problems


class _BundleReader:
    """Entries of a bundle directory or .npz archive, by entry name."""

    def __init__(self, path: Path):
        self.path = path
        self.archive = zipfile.ZipFile(path) if path.is_file() else None
        if self.archive is None and not path.is_dir():
            raise BundleError(f"{path}: no such bundle directory or .npz file")

    def names(self) -> list[str]:
        if self.archive is not None:
            return self.archive.namelist()
        return [entry.name for entry in self.path.iterdir() if entry.is_file()]

    def read(self, name: str) -> bytes:
        try:
            if self.archive is not None:
                return self.archive.read(name)
            return (self.path / name).read_bytes()
        except (KeyError, FileNotFoundError) as error:
            raise BundleError(f"{self.path}: missing {name}") from error

    def json(self, name: str):
        try:
            return json.loads(self.read(name).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BundleError(f"{self.path}/{name}: not valid UTF-8 JSON ({error})") from error

    def array(self, name: str) -> np.ndarray:
        try:
            return np.lib.format.read_array(io.BytesIO(self.read(name)), allow_pickle=False)
        except ValueError as error:
            raise BundleError(f"{self.path}/{name}: not a valid .npy file ({error})") from error


def load_bundle(path: str | Path) -> tuple[ShowAttendTell, dict, dict[str, int]]:
    """Reads a bundle directory or .npz and returns (model in eval mode, config, vocab).

    Raises BundleError naming every missing, unexpected or mis-shaped tensor with both shapes,
    and any tensor whose dtype is not float16/32/64 (num_batches_tracked: an integer scalar).
    """
    reader = _BundleReader(Path(path))
    try:
        config = check_config(reader.json("config.json"))
        vocabulary_name = config.get("vocabulary", "vocab.json")
        vocab = check_vocab(reader.json(vocabulary_name), f"{path}/{vocabulary_name}")
    except ValueError as error:
        raise BundleError(f"{path}: {error}") from error
    arrays = {name[: -len(".npy")]: reader.array(name) for name in reader.names() if name.endswith(".npy")}
    return model_from_arrays(config, len(vocab), arrays, str(path)), config, vocab


def model_from_arrays(config: dict, vocab_size: int, arrays: dict[str, np.ndarray],
                      source: str) -> ShowAttendTell:
    """A ShowAttendTell (eval mode) holding `arrays`, keyed by bundle tensor name.

    Raises BundleError, prefixed by `source`, naming every missing, unexpected or mis-shaped
    tensor with both shapes, and any tensor whose dtype is not float16/32/64
    (num_batches_tracked: an integer scalar, optional; kept, never used). Floats become float32.
    """
    model = ShowAttendTell(config, vocab_size)
    state = model.state_dict()
    expected = {key: tuple(tensor.shape) for key, tensor in state.items()}
    problems = _shape_problems(expected, {key: array.shape for key, array in arrays.items()}, source)
    for key, array in arrays.items():
        if key.endswith(COUNTER_SUFFIX):
            if not np.issubdtype(array.dtype, np.integer):
                problems.append(f"{source}: tensor {key} has dtype {array.dtype}, expected an integer")
        elif array.dtype not in [np.dtype(d) for d in FLOAT_DTYPES]:
            problems.append(f"{source}: tensor {key} has dtype {array.dtype}, expected float16, float32 or float64")
    if problems:
        raise BundleError("\n".join(problems))
    for key, array in arrays.items():
        dtype = np.int64 if key.endswith(COUNTER_SUFFIX) else np.float32  # counters kept for round trips
        state[key] = torch.from_numpy(np.asarray(array, dtype=dtype, order="C"))
    model.load_state_dict(state)
    return model.eval()
