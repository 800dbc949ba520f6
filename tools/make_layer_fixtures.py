"""Writes Fixtures/layers/pytorch_layers.json: small inputs, parameters and PyTorch outputs for
every layer in Sources/CaptionKit/Layers and the softmax in Sources/CaptionKit/Tensor.

The Swift test LayersPyTorchTests reads it, so PyTorch's own semantics (gate order, adaptive
bins, floor-mode pooling, eval-mode batch norm, the Show-Attend-Tell attention) are checked,
not only the naive references written in the tests.

Run from the repository root:
    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools   # optional: a shared environment
    PY=$(scripts/tools-venv) && "$PY" tools/make_layer_fixtures.py

Deterministic: torch.manual_seed(2024); values are rounded to float32 and written with
9 significant digits, which float32 reads back exactly.
"""

import json
import pathlib

import torch
import torch.nn as nn

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "layers" / "pytorch_layers.json"


def tensor_entry(tensor):
    """A tensor as {"shape": [...], "values": [...]} (row-major float32)."""
    tensor = tensor.detach().to(torch.float32).contiguous()
    return {"shape": list(tensor.shape), "values": [float(f"{v:.9g}") for v in tensor.flatten().tolist()]}


def module_tensors(module):
    """The module's state_dict as fixture entries, floating-point tensors only."""
    return {key: tensor_entry(value) for key, value in module.state_dict().items() if value.is_floating_point()}


def randomize(module, scale=1.0):
    """Replaces every parameter with seeded uniform values in [-scale, scale)."""
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.uniform_(-scale, scale)
    return module


def convolutions():
    cases = []
    for name, (batch, channels, height, width), (out, kernel, stride, padding, bias), relu in [
        ("3x3 stride 2 padding 1, ReLU", (2, 3, 7, 5), (4, 3, 2, 1, True), True),
        ("3x5 stride (1, 2) padding (2, 0), no bias", (1, 5, 6, 9), (3, (3, 5), (1, 2), (2, 0), False), False),
        ("5x5 padding 2 on a 1x1 image", (1, 2, 1, 1), (3, 5, 1, 2, True), False),
    ]:
        layer = randomize(nn.Conv2d(channels, out, kernel, stride=stride, padding=padding, bias=bias), 0.5)
        x = torch.rand(batch, channels, height, width) * 2 - 1
        y = layer(x)
        if relu:
            y = torch.relu(y)
        pair = lambda v: list(v) if isinstance(v, tuple) else [v, v]
        cases.append({"name": name, "input": tensor_entry(x), "tensors": module_tensors(layer),
                      "stride": pair(stride), "padding": pair(padding), "relu": relu, "output": tensor_entry(y)})
    return cases


def max_pools():
    cases = []
    for shape, kernel, stride in [((1, 3, 7, 9), 3, 2), ((2, 2, 5, 4), 2, None)]:
        x = torch.rand(*shape) * 2 - 1
        y = nn.MaxPool2d(kernel, stride)(x)
        cases.append({"input": tensor_entry(x), "kernel": kernel, "stride": stride or kernel, "output": tensor_entry(y)})
    return cases


def adaptive_pools():
    cases = []
    for shape, size in [((1, 2, 5, 7), (3, 4)), ((2, 3, 3, 5), (9, 8)), ((1, 2, 14, 14), (14, 14)), ((1, 4, 13, 11), (7, 7))]:
        x = torch.rand(*shape) * 2 - 1
        cases.append({"input": tensor_entry(x), "size": list(size), "output": tensor_entry(nn.AdaptiveAvgPool2d(size)(x))})
    return cases


def batch_norm():
    layer = nn.BatchNorm2d(3, eps=1e-3)
    randomize(layer)
    with torch.no_grad():
        layer.running_mean.uniform_(-1, 1)
        layer.running_var.uniform_(0.05, 2)
    layer.eval()
    x = torch.rand(2, 3, 4, 5) * 4 - 2
    return {"input": tensor_entry(x), "tensors": module_tensors(layer), "eps": layer.eps, "output": tensor_entry(layer(x))}


def linear_and_embedding():
    linear = randomize(nn.Linear(7, 5))
    x = torch.rand(3, 7) * 2 - 1
    embedding = randomize(nn.Embedding(11, 4))
    indices = [3, 0, 10, 3]
    return (
        {"input": tensor_entry(x), "tensors": module_tensors(linear), "output": tensor_entry(linear(x))},
        {"indices": indices, "tensors": module_tensors(embedding),
         "output": tensor_entry(embedding(torch.tensor(indices)))},
    )


def lstm_cell():
    cell = randomize(nn.LSTMCell(6, 4), 0.8)
    x, h, c = torch.rand(3, 6) * 2 - 1, torch.rand(3, 4) * 2 - 1, torch.rand(3, 4) * 4 - 2
    new_h, new_c = cell(x, (h, c))
    return {"input": tensor_entry(x), "hidden": tensor_entry(h), "cell": tensor_entry(c),
            "tensors": module_tensors(cell), "newHidden": tensor_entry(new_h), "newCell": tensor_entry(new_c)}


class Attention(nn.Module):
    """The Show, Attend and Tell attention network as the reference PyTorch code writes it."""

    def __init__(self, encoder_dim, decoder_dim, attention_dim, activation):
        super().__init__()
        self.encoder_att = nn.Linear(encoder_dim, attention_dim)
        self.decoder_att = nn.Linear(decoder_dim, attention_dim)
        self.full_att = nn.Linear(attention_dim, 1)
        self.activation = nn.ReLU() if activation == "relu" else nn.Tanh()
        self.softmax = nn.Softmax(dim=1)

    def forward(self, encoder_out, decoder_hidden):
        att1 = self.encoder_att(encoder_out)  # (B, P, A)
        att2 = self.decoder_att(decoder_hidden)  # (B, A)
        att = self.full_att(self.activation(att1 + att2.unsqueeze(1))).squeeze(2)  # (B, P)
        alpha = self.softmax(att)
        context = (encoder_out * alpha.unsqueeze(2)).sum(dim=1)  # (B, C)
        return context, alpha


def attentions():
    cases = []
    for activation in ["relu", "tanh"]:
        module = randomize(Attention(5, 4, 7, activation), 1.0)
        annotations = torch.rand(6, 5) * 2 - 1
        hidden = torch.rand(3, 4) * 2 - 1
        context, alpha = module(annotations.unsqueeze(0).expand(3, -1, -1), hidden)
        cases.append({"activation": activation, "annotations": tensor_entry(annotations), "hidden": tensor_entry(hidden),
                      "tensors": module_tensors(module), "context": tensor_entry(context), "alpha": tensor_entry(alpha)})
    return cases


def softmaxes():
    x = torch.tensor([[1e4, 1e4 - 1, -1e4, 0.5, 3, 1e4 - 0.25], [-7, 2, 0, 0.001, -0.001, 40]])
    return {"input": tensor_entry(x), "softmax": tensor_entry(torch.softmax(x, dim=-1)),
            "logSoftmax": tensor_entry(torch.log_softmax(x, dim=-1))}


def main():
    torch.manual_seed(2024)
    linear, embedding = linear_and_embedding()
    fixture = {
        "generator": "tools/make_layer_fixtures.py",
        "torch": torch.__version__,
        "conv2d": convolutions(),
        "maxPool2d": max_pools(),
        "adaptiveAvgPool2d": adaptive_pools(),
        "batchNorm2d": batch_norm(),
        "linear": linear,
        "embedding": embedding,
        "lstmCell": lstm_cell(),
        "attention": attentions(),
        "softmax": softmaxes(),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
