"""Trains the default photo model's decoder on Flickr8k features and exports the bundle.

Run from the repository root (the recipe with its timings is in weights/default/README.md):
    D=../shared/datasets/flickr8k
    .build/release/caption-eval features --dataset $D/Flickr8k.token.txt --split train \
        --images $D/images --model weights/default --out data/features/train
    (the same with --split dev --out data/features/dev)
    PY=$(scripts/tools-venv tools/requirements-metrics.txt)
    $PY tools/photo/train.py --dataset $D --features data/features --run data/photo-run \
        --bundle weights/default

The encoder is ImageNet VGG-16 and stays frozen: training reads the conv5_3 annotation grids
(14 x 14 x 512) that the Swift engine computed. Vocabulary: the words of the training captions
seen at least 5 times (tools/photo/flickr8k.py tokenises them as the evaluation does).

Each batch holds B images with all five of their captions. encoder_att and the initial state
are computed once per image; the captions are sorted by length, so that step t runs only the
captions still going (no padding steps). Loss: cross-entropy of every word and <end>, plus the
doubly stochastic attention penalty lambda * mean over captions and positions of
(1 - sum_t alpha_tp)^2.
Dropout on h before fc, Adam, gradient-norm clipping, cosine learning-rate decay, and an
optional exponential moving average of the weights (--ema-decay, per batch; off by default): the average,
not the last step's weights, is what is scored on dev and exported. With --mirror, each training
photo of a batch is taken mirrored with probability 1/2 (features of FEATURES/train-mirrored,
written by `caption-eval features --mirror`), its captions with "left" and "right" swapped. The features
are multiplied by FEATURE_SCALE inside training (conv5_3 values reach 500); export folds that
factor into the weights that read features (encoder_att, init_h, init_c and the context
columns of the LSTM's weight_ih), so the bundle reads the raw features the engine computes.

After every epoch from --evaluate-from on: beam-3 captions of the dev split (tools/sat/beam_search.py, the reference
the engine is tested against), BLEU-4, METEOR and CIDEr-D from pycocoevalcap on pre-tokenised
text; RUN/checkpoint.pt (resumable with --resume) and RUN/best.pt when dev CIDEr-D improved,
then early stopping after --patience epochs without improvement. RUN/history.json has the
per-epoch figures and the wall time. Exports the best epoch: decoder tensors as float16,
vocab.json and config.json into --bundle (the encoder tensors there are left alone).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photo.flickr8k import build_vocab, read_captions, read_split, tokenize  # noqa: E402
from sat.beam_search import beam_search  # noqa: E402
from sat.bundle import config_json, vocab_json  # noqa: E402
from sat.model import END, PAD, START, AttentionDecoder  # noqa: E402
from sat.vocab import index_to_word  # noqa: E402

FEATURE_SCALE = 0.1
MAX_WORDS = 30  # longer training captions (4 of 30,000) are cut
MIRRORED_WORDS = {"left": "right", "right": "left"}


def load_features(folder: Path, names: list[str]) -> torch.Tensor:
    """N x P x C float16 features of `names`, in that order, from a `caption-eval features` folder."""
    shape = json.loads((folder / "shape.json").read_text())
    stored = (folder / "images.txt").read_text().split("\n")[:-1]
    values = np.fromfile(folder / "features.f16", dtype="<f2")
    values = values[:len(stored) * shape["positions"] * shape["channels"]]
    values = values.reshape(len(stored), shape["positions"], shape["channels"])
    row = {name: index for index, name in enumerate(stored)}
    missing = [name for name in names if name not in row]
    if missing:
        raise SystemExit(f"{folder}: no features for {len(missing)} images (first: {missing[0]}); "
                         "run caption-eval features to the end")
    return torch.from_numpy(values[[row[name] for name in names]])


def encode_captions(captions: list[list[str]], vocab: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids N x (MAX_WORDS + 2) padded with <pad>, lengths N counting <start> and <end>)."""
    ids = torch.full((len(captions), MAX_WORDS + 2), vocab[PAD], dtype=torch.int64)
    lengths = torch.zeros(len(captions), dtype=torch.int64)
    unknown = vocab["<unk>"]
    for row, words in enumerate(captions):
        tokens = [vocab[START]] + [vocab.get(word, unknown) for word in words[:MAX_WORDS]] + [vocab[END]]
        ids[row, :len(tokens)] = torch.tensor(tokens)
        lengths[row] = len(tokens)
    return ids, lengths


def mirrored_caption(words: list[str]) -> list[str]:
    """The caption of the photo mirrored left to right: "left" and "right" trade places."""
    return [MIRRORED_WORDS.get(word, word) for word in words]


def batch_loss(decoder: AttentionDecoder, features: torch.Tensor, ids: torch.Tensor, lengths: torch.Tensor,
               dropout: float, attention_penalty: float) -> tuple[torch.Tensor, int]:
    """Loss of B images' K captions each. features B x P x C (scaled), ids B*K x L, lengths B*K
    (caption k of image b at row b*K + k). Returns (loss, words predicted)."""
    images = features.shape[0]
    per_image = ids.shape[0] // images
    projected = decoder.project(features)                     # B x P x A
    hidden, cell = decoder.init_state(features)                # B x D
    order = torch.argsort(lengths, descending=True, stable=True)
    image_of = order // per_image
    annotations, projected = features[image_of], projected[image_of]
    hidden, cell = hidden[image_of], cell[image_of]
    ids, decode_lengths = ids[order], lengths[order] - 1
    steps = int(decode_lengths[0])
    total_loss = torch.zeros(())
    alpha_sums = torch.zeros(ids.shape[0], features.shape[1])
    words = 0
    for t in range(steps):
        live = int((decode_lengths > t).sum())
        hidden, cell, alpha = decoder._advance(annotations[:live], projected[:live], ids[:live, t],
                                               hidden[:live], cell[:live])
        logits = decoder.fc(F.dropout(hidden, p=dropout, training=True))
        total_loss = total_loss + F.cross_entropy(logits, ids[:live, t + 1], reduction="sum")
        alpha_sums = torch.cat([alpha_sums[:live] + alpha, alpha_sums[live:]])
        words += live
    penalty = ((1.0 - alpha_sums) ** 2).mean()
    return total_loss / words + attention_penalty * penalty, words


def dev_captions(decoder: AttentionDecoder, features: torch.Tensor, vocab: dict[str, int],
                 beam_size: int) -> list[str]:
    """Beam-search captions of every dev image (features N x P x C, scaled)."""
    decoder.eval()
    model = type("Reference", (), {"decoder": decoder})()
    captions = []
    with torch.no_grad():
        for annotations in features:
            answer = beam_search(model, annotations.float(), vocab, beam_size, max_length=50)
            captions.append(" ".join(answer["tokens"]))
    decoder.train()
    return captions


def dev_scores(candidates: list[str], references: list[list[str]], with_meteor: bool) -> dict[str, float]:
    """Corpus BLEU-4, CIDEr-D (and METEOR) from pycocoevalcap on pre-tokenised text."""
    from pycocoevalcap.bleu.bleu import Bleu
    from pycocoevalcap.cider.cider import Cider
    results = {index: [caption] for index, caption in enumerate(candidates)}
    truth = {index: refs for index, refs in enumerate(references)}
    bleu, _ = Bleu(4).compute_score(truth, results, verbose=0)
    cider, _ = Cider().compute_score(truth, results)
    scores = {"BLEU-4": bleu[3], "BLEU-1": bleu[0], "CIDEr-D": cider}
    if with_meteor:
        from pycocoevalcap.meteor.meteor import Meteor
        scores["METEOR"], _ = Meteor().compute_score(truth, results)
    return scores


class WeightAverage:
    """Exponential moving average of a module's weights, bias-corrected as in Adam: after step t,
    sum = decay * sum + (1 - decay) * weights and the average is sum / (1 - decay^t), a weighted
    mean of the weights after every step so far (the initial weights get no share)."""

    def __init__(self, module: torch.nn.Module, decay: float):
        self.decay = decay
        self.steps = 0
        self.sums = {key: torch.zeros_like(tensor) for key, tensor in module.state_dict().items()}

    @torch.no_grad()
    def update(self, module: torch.nn.Module) -> None:
        self.steps += 1
        for key, tensor in module.state_dict().items():
            self.sums[key].mul_(self.decay).add_(tensor, alpha=1 - self.decay)

    def module(self, like: torch.nn.Module) -> torch.nn.Module:
        """A copy of `like` holding the averaged weights."""
        averaged = copy.deepcopy(like)
        correction = 1 - self.decay ** self.steps
        averaged.load_state_dict({key: tensor / correction for key, tensor in self.sums.items()})
        return averaged

    def saved(self) -> dict:
        """What a checkpoint keeps (restore with `restore`)."""
        return {"steps": self.steps, "sums": self.sums}

    def restore(self, saved: dict) -> None:
        self.steps, self.sums = saved["steps"], saved["sums"]


def export(decoder: AttentionDecoder, config: dict, vocab: dict[str, int], bundle: Path) -> None:
    """Writes the decoder (float16, FEATURE_SCALE folded in), vocab.json and config.json."""
    state = {key: tensor.detach().clone() for key, tensor in decoder.state_dict().items()}
    embed = config["decoder"]["embed_dim"]
    for key in ("attention.encoder_att.weight", "init_h.weight", "init_c.weight"):
        state[key] *= FEATURE_SCALE
    state["decode_step.weight_ih"][:, embed:] *= FEATURE_SCALE
    bundle.mkdir(parents=True, exist_ok=True)
    for key, tensor in state.items():
        np.save(bundle / f"decoder.{key}.npy", tensor.numpy().astype(np.float16), allow_pickle=False)
    (bundle / "vocab.json").write_text(vocab_json(vocab), encoding="utf-8")
    (bundle / "config.json").write_text(config_json(config), encoding="utf-8")


def evaluated(decoder: AttentionDecoder, average: WeightAverage | None) -> AttentionDecoder:
    """The decoder that is scored and exported: the weight average when there is one."""
    return average.module(decoder) if average is not None else decoder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True, help="the Flickr8k folder (token file, split lists)")
    parser.add_argument("--features", type=Path, required=True, help="folder with train/ and dev/ feature folders")
    parser.add_argument("--run", type=Path, required=True, help="checkpoints and history go here")
    parser.add_argument("--bundle", type=Path, required=True, help="the model folder to export into")
    parser.add_argument("--config", type=Path, default=None, help="config.json to train for (default: BUNDLE/config.json)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--batch-images", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--attention-penalty", type=float, default=1.0)
    parser.add_argument("--clip", type=float, default=5.0)
    parser.add_argument("--ema-decay", type=float, default=0.0,
                        help="per-batch decay of the weight average that is scored and exported "
                             "(0, the default and the shipped model's recipe: no average; e.g. 0.999)")
    parser.add_argument("--mirror", action="store_true",
                        help="take each training photo mirrored half of the time (needs FEATURES/train-mirrored)")
    parser.add_argument("--min-word-count", type=int, default=5)
    parser.add_argument("--beam-size", type=int, default=3)
    parser.add_argument("--dev-images", type=int, default=1000, help="dev images captioned after each epoch")
    parser.add_argument("--evaluate-from", type=int, default=5,
                        help="first epoch whose dev scores are computed (earlier ones are never the best)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--export-only", action="store_true", help="export RUN/best.pt and stop")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    args.run.mkdir(parents=True, exist_ok=True)
    config = json.loads((args.config or args.bundle / "config.json").read_text())
    captions = read_captions(args.dataset / "Flickr8k.token.txt")
    train_names = read_split(args.dataset / "Flickr_8k.trainImages.txt")
    dev_names = read_split(args.dataset / "Flickr_8k.devImages.txt")[:args.dev_images]
    train_tokens = [[tokenize(caption) for caption in captions[name][:5]] for name in train_names]
    vocab = build_vocab([words for image in train_tokens for words in image], args.min_word_count)
    dev_references = [[" ".join(tokenize(caption)) for caption in captions[name]] for name in dev_names]

    decoder = AttentionDecoder(config["decoder"], len(vocab))
    optimizer = torch.optim.Adam(decoder.parameters(), lr=args.learning_rate)
    average = WeightAverage(decoder, args.ema_decay) if args.ema_decay > 0 else None
    history: list[dict] = []
    start_epoch, best_cider, elapsed_before = 0, -1.0, 0.0
    checkpoint_path, best_path = args.run / "checkpoint.pt", args.run / "best.pt"
    if args.resume or args.export_only:
        state = torch.load(best_path if args.export_only else checkpoint_path, weights_only=False)
        decoder.load_state_dict(state["decoder"])
        if average is not None:
            average.restore(state["average"])
        if args.export_only:
            export(evaluated(decoder, average), config, state["vocab"], args.bundle)
            print(f"exported epoch {state['epoch']} to {args.bundle}")
            return 0
        optimizer.load_state_dict(state["optimizer"])
        start_epoch, best_cider = state["epoch"], state["best_cider"]
        history, elapsed_before = state["history"], state["elapsed"]
        torch.set_rng_state(state["rng"])

    print(f"vocabulary {len(vocab)} words; loading features", flush=True)
    started = time.time()
    train_features = load_features(args.features / "train", train_names)
    dev_features = load_features(args.features / "dev", dev_names).float() * FEATURE_SCALE
    ids, lengths = encode_captions([words for image in train_tokens for words in image], vocab)
    if args.mirror:
        mirrored_features = load_features(args.features / "train-mirrored", train_names)
        mirrored_ids, _ = encode_captions([mirrored_caption(words) for image in train_tokens for words in image], vocab)
    per_image = 5
    batches_per_epoch = math.ceil(len(train_names) / args.batch_images)
    total_steps = args.epochs * batches_per_epoch

    for epoch in range(start_epoch, args.epochs):
        epoch_started = time.time()
        permutation = torch.randperm(len(train_names))
        running, seen = 0.0, 0
        for batch in range(batches_per_epoch):
            step = epoch * batches_per_epoch + batch
            for group in optimizer.param_groups:
                group["lr"] = args.learning_rate * 0.5 * (1 + math.cos(math.pi * step / total_steps))
            images = permutation[batch * args.batch_images:(batch + 1) * args.batch_images]
            rows = (images.unsqueeze(1) * per_image + torch.arange(per_image)).reshape(-1)
            features, batch_ids = train_features[images], ids[rows]
            if args.mirror:
                flip = torch.rand(len(images)) < 0.5
                features = torch.where(flip[:, None, None], mirrored_features[images], features)
                batch_ids = torch.where(flip.repeat_interleave(per_image)[:, None], mirrored_ids[rows], batch_ids)
            features = features.float() * FEATURE_SCALE
            loss, _ = batch_loss(decoder, features, batch_ids, lengths[rows], args.dropout, args.attention_penalty)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(decoder.parameters(), args.clip)
            optimizer.step()
            if average is not None:
                average.update(decoder)
            running, seen = running + loss.item(), seen + 1
            if batch % 20 == 0:
                print(f"epoch {epoch + 1} batch {batch}/{batches_per_epoch} loss {running / seen:.3f} "
                      f"({time.time() - epoch_started:.0f} s)", flush=True)
        train_seconds = time.time() - epoch_started
        record = {"epoch": epoch + 1, "loss": running / seen, "train_s": train_seconds}
        improved = False
        if epoch + 1 >= args.evaluate_from:
            candidates = dev_captions(evaluated(decoder, average), dev_features, vocab, args.beam_size)
            scores = dev_scores(candidates, dev_references, with_meteor=True)
            record.update(eval_s=time.time() - epoch_started - train_seconds, **scores, examples=candidates[:5])
            improved = scores["CIDEr-D"] > best_cider
            best_cider = max(best_cider, scores["CIDEr-D"])
        history.append(record)
        print(json.dumps(record), flush=True)
        elapsed = elapsed_before + time.time() - started
        state = {"decoder": decoder.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1,
                 "average": average.saved() if average is not None else None,
                 "best_cider": best_cider, "history": history, "elapsed": elapsed, "vocab": vocab,
                 "rng": torch.get_rng_state()}
        if improved:
            torch.save(state, best_path)
        torch.save(state, checkpoint_path)
        (args.run / "history.json").write_text(json.dumps({"epochs": history, "elapsed_s": elapsed}, indent=1))
        scored = [r for r in history if "CIDEr-D" in r]
        best_epoch = max(scored, key=lambda r: r["CIDEr-D"])["epoch"] if scored else epoch + 1
        if sum(r["epoch"] > best_epoch for r in scored) >= args.patience:
            print(f"no dev CIDEr-D gain in {args.patience} scored epochs: stopping", flush=True)
            break

    best = torch.load(best_path, weights_only=False)
    decoder.load_state_dict(best["decoder"])
    if average is not None:
        average.restore(best["average"])
    export(evaluated(decoder, average), config, vocab, args.bundle)
    print(f"exported epoch {best['epoch']} (dev CIDEr-D {best['best_cider']:.4f}) to {args.bundle}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
