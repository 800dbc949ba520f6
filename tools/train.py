"""Trains the bundled scene-captioning model (Show, Attend and Tell) and exports it as a bundle.

Run from the repository root (the full recipe, with its timings, is in weights/scenes/README.md):
    export CAPTIONKIT_TOOLS_VENV=/work/main/.venv-tools; PY=$(scripts/tools-venv)
    $PY tools/scenes/generate.py --out data/scenes --train 30000 --val 500 --seed 1
    $PY tools/train.py --data data/scenes --run data/run --bundle weights/scenes

Teacher forcing over every reference caption of each image (the image is encoded once for
its captions). Loss: cross-entropy over the real words (and <end>) plus the doubly
stochastic attention penalty lambda * sum_p (1 - sum_t alpha_tp)^2, averaged over captions,
summing alpha only over each caption's real steps. Adam, a warm-up then cosine learning
rate, gradient-norm clipping. Each image is mirrored left-right with probability 1/2, its
captions' `left` and `right` swapped (the relations stay true). After every epoch: greedy
decoding of the validation split, corpus BLEU-4 and the scene checker's scores; the
checkpoint (RUN/checkpoint.pt, resumable with --resume) and, when BLEU-4 improved,
RUN/best.pt. At the end the best model is written as a show-attend-tell/1 bundle through
tools/sat/bundle.py. Deterministic for a given seed and thread count (CPU); uses CUDA when
available. Writes RUN/history.json with the per-epoch figures and the wall time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sat.bundle import save_bundle  # noqa: E402
from sat.config import make_config  # noqa: E402
from sat.model import END, PAD, START, ShowAttendTell  # noqa: E402
from sat.vocab import index_to_word, vocab_from_words  # noqa: E402
from scenes.dataset import SceneRecord, read_dataset  # noqa: E402
from scenes.grammar import WORDS  # noqa: E402
from scenes.progress import ProgressBar  # noqa: E402
from scenes.scoring import score  # noqa: E402

# Four max pools to an 8 x 8 grid of 16 px cells, then four convolutions that see 174 px:
# every cell sees the whole canvas and its edges, so its vector can say where it is and what
# lies to each side, which "left of" and "above" need. (Three pools and a 16 x 16 grid, whose
# cells see 86 px, learnt colours and shapes as well but stayed at chance on which of two
# objects is on the left: 0.62 of held-out captions true after 46 minutes.)
DEFAULT_LAYERS = [16, "M", 32, "M", 64, "M", 128, "M", 128, 128, 128, 128]
# Input normalisation: no mean subtraction, so the convolutions' zero padding reads as black,
# darker than any background, and the canvas edge is visible from the first layer (a cue
# for absolute position, which the relations need); 0.25 brings pixels to about 0..4.
INPUT_MEAN = [0.0, 0.0, 0.0]
INPUT_STD = [0.25, 0.25, 0.25]


def load_split(records: list[SceneRecord], vocab: dict[str, int]):
    """(images N x 3 x 128 x 128 uint8, captions N x K x L int64 padded with <pad>)."""
    images = np.stack([np.asarray(Image.open(r.path).convert("RGB")) for r in records])
    per_image = max(len(r.captions) for r in records)
    length = max(len(c) for r in records for c in r.captions) + 2
    captions = np.full((len(records), per_image, length), vocab[PAD], dtype=np.int64)
    for i, record in enumerate(records):
        for k in range(per_image):
            tokens = record.captions[k % len(record.captions)]
            ids = [vocab[START]] + [vocab[w] for w in tokens] + [vocab[END]]
            captions[i, k, :len(ids)] = ids
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(captions)


def normalise(images: torch.Tensor, config: dict) -> torch.Tensor:
    """uint8 N x 3 x S x S -> float, scaled to [0, 1], minus mean, over std (as the engine)."""
    mean = torch.tensor(config["encoder"]["mean"], device=images.device).view(1, 3, 1, 1)
    std = torch.tensor(config["encoder"]["std"], device=images.device).view(1, 3, 1, 1)
    return (images.float() / 255.0 - mean) / std


def caption_loss(model: ShowAttendTell, images: torch.Tensor, captions: torch.Tensor,
                 pad: int, penalty: float) -> tuple[torch.Tensor, float]:
    """images B x 3 x S x S (normalised), captions B x K x L -> (loss, cross-entropy).

    Teacher forcing through the decoder's public `step` (docs/specification.md step 4). Each image is
    encoded, projected by encoder_att and turned into (h0, c0) once for its K captions. The
    B*K captions run longest first and step t only runs the captions still going at t (as
    SAT's trainer does), so no time goes into padding."""
    batch, per_image, _ = captions.shape
    captions = captions.reshape(batch * per_image, -1)
    lengths = (captions != pad).sum(dim=1)  # <start> ... <end>
    order = torch.argsort(lengths, descending=True)
    captions, lengths = captions[order], lengths[order]
    owner = torch.arange(batch, device=images.device).repeat_interleave(per_image)[order]
    decoder = model.decoder
    annotations, _ = model.encode(images)
    hidden, cell = decoder.init_state(annotations)
    annotations, projected = annotations[owner], decoder.project(annotations)[owner]
    hidden, cell = hidden[owner], cell[owner]
    cross_entropy = torch.zeros((), device=images.device)
    coverage = torch.zeros(captions.shape[0], annotations.shape[1], device=images.device)
    for t in range(int(lengths[0]) - 1):
        live = int((lengths > t + 1).sum())  # captions with a target at step t
        log_probs, hidden, cell, alpha = decoder.step(
            annotations[:live], projected[:live], captions[:live, t],
            hidden[:live], cell[:live])
        cross_entropy = cross_entropy - log_probs.gather(
            1, captions[:live, t + 1:t + 2]).sum()
        coverage = coverage + F.pad(alpha, (0, 0, 0, coverage.shape[0] - live))
    words = float((lengths - 1).sum())
    cross_entropy = cross_entropy / words
    attention = ((1.0 - coverage) ** 2).sum(dim=1).mean()
    return cross_entropy + penalty * attention, float(cross_entropy.detach())


@torch.no_grad()
def greedy_captions(model: ShowAttendTell, images: torch.Tensor, words: list[str],
                    max_length: int) -> list[list[str]]:
    """Batched greedy decoding (beam 1 of docs/specification.md step 5): images B x 3 x S x S normalised."""
    annotations, _ = model.encode(images)
    projected = model.decoder.project(annotations)
    hidden, cell = model.decoder.init_state(annotations)
    previous = torch.full((images.shape[0],), words.index(START), dtype=torch.long,
                          device=images.device)
    end = words.index(END)
    emitted, finished = [], torch.zeros_like(previous, dtype=torch.bool)
    for _ in range(max_length):
        log_probs, hidden, cell, _ = model.decoder.step(annotations, projected, previous,
                                                        hidden, cell)
        previous = log_probs.argmax(dim=1)
        emitted.append(previous)
        finished |= previous == end
        if bool(finished.all()):
            break
    captions = []
    for row in torch.stack(emitted, dim=1).tolist():
        tokens = []
        for index in row:
            if index == end:
                break
            tokens.append(words[index])
        captions.append(tokens)
    return captions


def validate(model, images, records, config, words, batch_size, device) -> dict:
    """Greedy captions of the validation split: BLEU-4 and the checker's scores."""
    model.eval()
    hypotheses = []
    for start in range(0, len(records), batch_size):
        batch = normalise(images[start:start + batch_size].to(device), config)
        hypotheses += greedy_captions(model, batch, words, max_length=50)
    model.train()
    scores = score(hypotheses, records)
    scores["example"] = " ".join(hypotheses[0])
    return scores


def learning_rate_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up, then cosine decay to 2% of the peak."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * progress))


def mirror(images: torch.Tensor, captions: torch.Tensor, flip: torch.Tensor,
           swap: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mirrors the images where `flip` (B bools) is set and maps their caption words
    through `swap` (the permutation exchanging `left` and `right`)."""
    images = torch.where(flip.view(-1, 1, 1, 1), images.flip(3), images)
    captions = torch.where(flip.view(-1, 1, 1), swap[captions], captions)
    return images, captions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="generate.py output (train + val)")
    parser.add_argument("--run", type=Path, required=True, help="checkpoints and logs go here")
    parser.add_argument("--bundle", type=Path, help="export the best model here at the end")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32, help="images per batch")
    parser.add_argument("--captions-per-image", type=int, default=5,
                        help="references per image and epoch (of the five)")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--warmup", type=int, default=200, help="warm-up steps")
    parser.add_argument("--clip", type=float, default=5.0, help="gradient norm limit")
    parser.add_argument("--attention-penalty", type=float, default=0.001, help="lambda")
    parser.add_argument("--layers", type=json.loads, default=DEFAULT_LAYERS)
    parser.add_argument("--embed-dim", type=int, default=96)
    parser.add_argument("--attention-dim", type=int, default=64)
    parser.add_argument("--decoder-dim", type=int, default=192)
    parser.add_argument("--train-images", type=int, help="use only the first N train images")
    parser.add_argument("--single-object-share", type=float, default=0.33,
                        help="keep this share of the one-object train scenes (drawn with the "
                             "seed): they are learned first, the relations need the rest")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="continue RUN/checkpoint.pt")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    args.run.mkdir(parents=True, exist_ok=True)

    train_records = read_dataset(args.data, "train")[:args.train_images]
    kept = np.random.default_rng([args.seed, 3]).random(len(train_records)) < args.single_object_share
    train_records = [r for r, keep in zip(train_records, kept) if keep or len(r.objects) > 1]
    val_records = read_dataset(args.data, "val")
    vocab = vocab_from_words(WORDS)
    index_words = index_to_word(vocab)
    config = make_config(args.layers, args.embed_dim, args.attention_dim, args.decoder_dim,
                         batch_norm=True, input_size=128, mean=INPUT_MEAN, std=INPUT_STD,
                         pool_size=None, attention_activation="relu", gate=True)
    model = ShowAttendTell(config, len(vocab)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = math.ceil(len(train_records) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: learning_rate_factor(s, total_steps, args.warmup))

    started = time.monotonic()
    print(f"loading {len(train_records)} train and {len(val_records)} val images", flush=True)
    train_images, train_captions = load_split(train_records, vocab)
    val_images, _ = load_split(val_records, vocab)
    swap = torch.arange(len(vocab))
    swap[vocab["left"]], swap[vocab["right"]] = vocab["right"], vocab["left"]

    history: list[dict] = []
    first_epoch, best_bleu, trained_seconds = 0, -1.0, 0.0
    checkpoint_path, best_path = args.run / "checkpoint.pt", args.run / "best.pt"
    if args.resume and checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        first_epoch, best_bleu = state["epoch"] + 1, state["best_bleu"]
        history, trained_seconds = state["history"], state["seconds"]
        print(f"resumed after epoch {state['epoch'] + 1}", flush=True)

    parameters = sum(p.numel() for p in model.parameters())
    print(f"model: {parameters} parameters, vocabulary {len(vocab)}, device {device}, "
          f"{steps_per_epoch} steps per epoch", flush=True)
    model.train()
    for epoch in range(first_epoch, args.epochs):
        epoch_start = time.monotonic()
        order = np.random.default_rng([args.seed, epoch]).permutation(len(train_records))
        flips = np.random.default_rng([args.seed, epoch, 1]).random(len(train_records)) < 0.5
        # Each epoch trains on `captions_per_image` of each image's references, drawn anew.
        picks = torch.from_numpy(np.random.default_rng([args.seed, epoch, 2]).permuted(
            np.tile(np.arange(train_captions.shape[1]), (len(train_records), 1)), axis=1)
            [:, :args.captions_per_image])
        bar = ProgressBar(steps_per_epoch, f"epoch {epoch + 1}/{args.epochs}")
        for step in range(steps_per_epoch):
            chosen = torch.from_numpy(order[step * args.batch_size:(step + 1) * args.batch_size])
            captions = train_captions[chosen.unsqueeze(1), picks[chosen]]  # B x K x L
            images, captions = mirror(train_images[chosen], captions,
                                      torch.from_numpy(flips[chosen.numpy()]), swap)
            images = normalise(images.to(device), config)
            loss, cross_entropy = caption_loss(model, images, captions.to(device), vocab[PAD],
                                               args.attention_penalty)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            scheduler.step()
            bar.update(loss=float(loss.detach()), ce=cross_entropy, lr=scheduler.get_last_lr()[0])
        trained_seconds += time.monotonic() - epoch_start
        scores = validate(model, val_images, val_records, config, index_words, 100, device)
        scores.update(epoch=epoch + 1, seconds=round(trained_seconds, 1))
        history.append(scores)
        print(json.dumps(scores), flush=True)
        if scores["bleu4"] > best_bleu:
            best_bleu = scores["bleu4"]
            torch.save({"model": model.state_dict(), "config": config, "vocab": vocab,
                        "epoch": epoch + 1, "scores": scores}, best_path)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "epoch": epoch,
                    "best_bleu": best_bleu, "history": history, "seconds": trained_seconds},
                   checkpoint_path)

    wall = time.monotonic() - started
    (args.run / "history.json").write_text(json.dumps(
        {"history": history, "train_seconds": trained_seconds, "wall_seconds_this_run": wall,
         "arguments": {k: str(v) for k, v in vars(args).items()}}, indent=1) + "\n")
    if args.bundle is not None:
        best = torch.load(best_path, map_location="cpu")
        model = ShowAttendTell(best["config"], len(best["vocab"]))
        model.load_state_dict(best["model"])
        model.eval()
        save_bundle(model, best["config"], best["vocab"], args.bundle)
        print(f"exported epoch {best['epoch']} (BLEU-4 {best['scores']['bleu4']:.4f}) "
              f"to {args.bundle}", flush=True)
    print(f"done in {wall / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
