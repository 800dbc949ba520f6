"""PyTorch reference of the show-attend-tell/1 model (docs/specification.md, "The computation").

`ShowAttendTell(config, vocab_size)` builds the encoder and decoder from a config.json dict so
that `state_dict()` keys and shapes are exactly the bundle's tensor names:

    encoder.features.{i}.weight|bias (+ running_mean, running_var, num_batches_tracked)
    decoder.attention.{encoder_att,decoder_att,full_att}.{weight,bias}
    decoder.embedding.weight
    decoder.decode_step.{weight_ih,weight_hh,bias_ih,bias_hh}
    decoder.init_h|init_c|f_beta|fc.{weight,bias}          (f_beta only when gate is true)

Shapes: images N x 3 x S x S -> annotations N x P x C (P = H*W, row-major over H then W,
C = encoder_dim); decoder state B x decoder_dim; log-probabilities B x V.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import batch_norm_eps, check_config
from .vocab import END, PAD, SPECIAL_TOKENS, START, UNK, index_to_word, load_vocab, save_vocab

__all__ = [
    "ShowAttendTell", "VGGEncoder", "Attention", "AttentionDecoder", "make_layers",
    "load_vocab", "save_vocab", "index_to_word", "PAD", "START", "END", "UNK", "SPECIAL_TOKENS",
]


def make_layers(layers: list, batch_norm: bool, eps: float = 1e-5) -> nn.Sequential:
    """torchvision's VGG `make_layers`: Conv2d(3x3, padding 1) [+ BatchNorm2d] + ReLU; "M" = MaxPool2d(2, 2)."""
    modules: list[nn.Module] = []
    in_channels = 3
    for layer in layers:
        if layer == "M":
            modules.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        modules.append(nn.Conv2d(in_channels, layer, kernel_size=3, padding=1))
        if batch_norm:
            modules.append(nn.BatchNorm2d(layer, eps=eps))
        modules.append(nn.ReLU(inplace=True))
        in_channels = layer
    return nn.Sequential(*modules)


class VGGEncoder(nn.Module):
    """The `layers` stack (`features`), then the optional AdaptiveAvgPool2d(pool_size) (`pool`)."""

    def __init__(self, encoder_config: dict, eps: float):
        super().__init__()
        self.features = make_layers(encoder_config["layers"], encoder_config["batch_norm"], eps)
        pool_size = encoder_config.get("pool_size")
        self.pool = nn.AdaptiveAvgPool2d(pool_size) if pool_size is not None else None

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, tuple[int, int]]:
        """images N x 3 x S x S -> (annotations N x (H*W) x C, (H, W))."""
        features = self.features(images)
        if self.pool is not None:
            features = self.pool(features)
        batch, channels, height, width = features.shape
        annotations = features.permute(0, 2, 3, 1).reshape(batch, height * width, channels)
        return annotations, (height, width)


class Attention(nn.Module):
    """Soft attention: e = full_att(act(encoder_att(a) + decoder_att(h))), alpha = softmax(e) over P."""

    def __init__(self, encoder_dim: int, decoder_dim: int, attention_dim: int, activation: str):
        super().__init__()
        self.encoder_att = nn.Linear(encoder_dim, attention_dim)
        self.decoder_att = nn.Linear(decoder_dim, attention_dim)
        self.full_att = nn.Linear(attention_dim, 1)
        self.activation = torch.relu if activation == "relu" else torch.tanh

    def forward(self, annotations: torch.Tensor, projected: torch.Tensor,
                hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """annotations B x P x C, projected = encoder_att(annotations) B x P x A, hidden B x D
        -> (context B x C, alpha B x P)."""
        scores = self.full_att(self.activation(projected + self.decoder_att(hidden).unsqueeze(1))).squeeze(2)
        alpha = torch.softmax(scores, dim=1)
        context = (annotations * alpha.unsqueeze(2)).sum(dim=1)
        return context, alpha


class AttentionDecoder(nn.Module):
    """LSTM decoder with soft attention over the annotation vectors (docs/specification.md steps 3 and 4)."""

    def __init__(self, decoder_config: dict, vocab_size: int):
        super().__init__()
        encoder_dim = decoder_config["encoder_dim"]
        decoder_dim = decoder_config["decoder_dim"]
        embed_dim = decoder_config["embed_dim"]
        self.vocab_size = vocab_size
        self.attention = Attention(encoder_dim, decoder_dim, decoder_config["attention_dim"],
                                   decoder_config["attention_activation"])
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.decode_step = nn.LSTMCell(embed_dim + encoder_dim, decoder_dim)
        self.init_h = nn.Linear(encoder_dim, decoder_dim)
        self.init_c = nn.Linear(encoder_dim, decoder_dim)
        self.f_beta = nn.Linear(decoder_dim, encoder_dim) if decoder_config["gate"] else None
        self.fc = nn.Linear(decoder_dim, vocab_size)

    def init_state(self, annotations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """annotations B x P x C -> (h0, c0) B x D: init_h / init_c of the mean over P, no tanh."""
        mean = annotations.mean(dim=1)
        return self.init_h(mean), self.init_c(mean)

    def project(self, annotations: torch.Tensor) -> torch.Tensor:
        """encoder_att(annotations): B x P x C -> B x P x A, computed once per image."""
        return self.attention.encoder_att(annotations)

    def _advance(self, annotations, projected, previous_words, hidden, cell):
        context, alpha = self.attention(annotations, projected, hidden)
        if self.f_beta is not None:
            context = torch.sigmoid(self.f_beta(hidden)) * context
        inputs = torch.cat([self.embedding(previous_words), context], dim=1)
        hidden, cell = self.decode_step(inputs, (hidden, cell))
        return hidden, cell, alpha

    def step(self, annotations: torch.Tensor, projected: torch.Tensor, previous_words: torch.Tensor,
             hidden: torch.Tensor, cell: torch.Tensor):
        """One decoder step (docs/specification.md step 4).

        annotations B x P x C, projected B x P x A, previous_words B (int64), hidden/cell B x D
        -> (log_probs B x V, hidden B x D, cell B x D, alpha B x P).
        """
        hidden, cell, alpha = self._advance(annotations, projected, previous_words, hidden, cell)
        return torch.log_softmax(self.fc(hidden), dim=1), hidden, cell, alpha

    def forward_teacher(self, annotations: torch.Tensor, captions: torch.Tensor, dropout: float = 0.0):
        """Teacher forcing for training.

        annotations N x P x C, captions N x T (int64, `<start>` first) -> (logits N x (T-1) x V,
        alphas N x (T-1) x P): step t reads captions[:, t] and predicts captions[:, t + 1].
        `dropout` is applied to h before `fc` while the module is in training mode (as in SAT);
        lengths and masking are the caller's business.
        """
        hidden, cell = self.init_state(annotations)
        projected = self.project(annotations)
        logits, alphas = [], []
        for t in range(captions.shape[1] - 1):
            hidden, cell, alpha = self._advance(annotations, projected, captions[:, t], hidden, cell)
            logits.append(self.fc(F.dropout(hidden, p=dropout, training=self.training)))
            alphas.append(alpha)
        return torch.stack(logits, dim=1), torch.stack(alphas, dim=1)


class ShowAttendTell(nn.Module):
    """Show, Attend and Tell built from a config.json dict and a vocabulary size."""

    def __init__(self, config: dict, vocab_size: int):
        super().__init__()
        check_config(config)
        if vocab_size < len(SPECIAL_TOKENS):
            raise ValueError(f"vocabulary size {vocab_size} cannot hold the special tokens")
        self.config = config
        self.encoder = VGGEncoder(config["encoder"], batch_norm_eps(config))
        self.decoder = AttentionDecoder(config["decoder"], vocab_size)

    @property
    def vocab_size(self) -> int:
        """V, the number of words the decoder scores."""
        return self.decoder.vocab_size

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, tuple[int, int]]:
        """images N x 3 x S x S (normalised) -> (annotations N x P x C, (H, W))."""
        return self.encoder(images)
