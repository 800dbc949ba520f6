"""Reference beam search (docs/specification.md, "The computation", step 5). Greedy decoding is beam_size 1.

The rules, as the Swift engine implements them:

- Every hypothesis starts at <start> with score 0; a score is the sum of the log-probabilities
  of the words emitted (float32 arithmetic by default, as in the engine).
- One decoder step scores every (live beam, word) continuation: score(beam) + log p(word).
  The first step has a single live beam (all K beams would be identical copies of <start>, so
  "expand beam 0 only" is the same thing).
- The step keeps the K best continuations of all, K = number of live beams (beam_size at first,
  fewer when the first step has fewer than beam_size candidates, i.e. V < beam_size). Ranking
  is by score, descending; equal scores rank by the lower flat index beam * V + word. (A stable
  descending sort gives exactly that; torch.topk does not promise an order among ties.)
- A kept continuation that emits <end> is finished, its score includes log p(<end>), and it
  leaves the live set, so the live count shrinks by one. The others are the new live beams, in
  rank order.
- "max_length steps": at most max_length decoder steps run, i.e. every hypothesis emits at most
  max_length words counting its <end>. If live beams remain after step max_length, they count
  as finished at that point, in rank order, without an <end>.
- The answer is the finished hypothesis with the highest score; among equal scores, the one
  that finished first.
"""

from __future__ import annotations

import copy

import torch

from .preprocess import load_image
from .vocab import END, START, index_to_word


def _hypothesis(token_ids: list[int], alphas: list[list[float]], score: float, finished: bool,
                words: list[str]) -> dict:
    return {
        "tokens": [words[index] for index in token_ids],
        "token_ids": token_ids,
        "score": score,
        "alphas": alphas,
        "finished": finished,
    }


@torch.no_grad()
def beam_search(model, annotations: torch.Tensor, vocab: dict[str, int], beam_size: int,
                max_length: int = 50, dtype: torch.dtype = torch.float32,
                trace: list | None = None) -> dict:
    """Beam search over one image's annotations P x C (model: a ShowAttendTell).

    Returns dict(tokens=[str], token_ids=[int], score=float, alphas=[[float] * P per decoder step],
    finished=bool, steps=int, hypotheses=[...]):
    - tokens / token_ids: the answer's words, without <start> and <end>;
    - score: its summed log-probability (including <end> when finished);
    - alphas: the attention weights of every decoder step of the answer, one row per emitted
      word including <end> (so len(alphas) == len(tokens) + 1 when finished, else len(tokens));
    - finished: False when the answer was cut at max_length without <end>;
    - steps: len(alphas), the decoder steps the answer took;
    - hypotheses: every finished hypothesis (same fields) in the order they finished.
    The decoder's mode is left alone (its steps have no dropout); tensors follow the annotations'
    device. `dtype` torch.float64 runs a float64 copy of the decoder (diagnostics only). When
    `trace` is a list, each step appends (kept scores, best rejected score or None) to it, so a
    caller can see how close a ranking was.
    """
    if beam_size < 1:
        raise ValueError(f"beam_size must be at least 1, got {beam_size}")
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}")
    if annotations.dim() != 2:
        raise ValueError(f"annotations must be P x C, got shape {tuple(annotations.shape)}")
    decoder = model.decoder if dtype == torch.float32 else copy.deepcopy(model.decoder).to(dtype)
    words = index_to_word(vocab)
    end = vocab[END]

    image = annotations.to(dtype).unsqueeze(0)                 # 1 x P x C
    projected = decoder.project(image)                         # 1 x P x A
    hidden, cell = decoder.init_state(image)                   # 1 x D each
    device = annotations.device
    previous = torch.tensor([vocab[START]], device=device)     # live beams' last words
    scores = torch.zeros(1, dtype=dtype, device=device)        # live beams' scores
    live_ids: list[list[int]] = [[]]
    live_alphas: list[list[list[float]]] = [[]]
    live_count = beam_size
    finished: list[dict] = []

    for _ in range(max_length):
        beams = len(live_ids)
        log_probs, hidden, cell, alpha = decoder.step(
            image.expand(beams, -1, -1), projected.expand(beams, -1, -1), previous, hidden, cell)
        candidates = (scores.unsqueeze(1) + log_probs).reshape(-1)  # beams * V, index beam * V + word
        ranked_scores, ranked = torch.sort(candidates, descending=True, stable=True)
        if trace is not None:
            rejected = float(ranked_scores[live_count]) if live_count < len(ranked) else None
            trace.append((ranked_scores[:live_count].tolist(), rejected))
        ranked = ranked[:live_count]
        kept_beams, kept_words, kept_ids, kept_alphas = [], [], [], []
        for flat in ranked.tolist():
            beam, word = divmod(flat, decoder.vocab_size)
            token_ids = live_ids[beam] + [word]
            alphas = live_alphas[beam] + [alpha[beam].tolist()]
            if word == end:
                finished.append(_hypothesis(token_ids[:-1], alphas, float(candidates[flat]), True, words))
            else:
                kept_beams.append(beam)
                kept_words.append(word)
                kept_ids.append(token_ids)
                kept_alphas.append(alphas)
        live_ids, live_alphas = kept_ids, kept_alphas
        live_count = len(kept_beams)
        if live_count == 0:
            break
        index = torch.tensor(kept_beams, device=device)
        hidden, cell = hidden[index], cell[index]
        previous = torch.tensor(kept_words, device=device)
        scores = candidates[index * decoder.vocab_size + previous]

    for token_ids, alphas, score in zip(live_ids, live_alphas, scores.tolist()):
        finished.append(_hypothesis(token_ids, alphas, float(score), False, words))

    best = finished[0]
    for hypothesis in finished[1:]:
        if hypothesis["score"] > best["score"]:
            best = hypothesis
    return {**best, "steps": len(best["alphas"]), "hypotheses": finished}


@torch.no_grad()
def caption_image_file(model, config: dict, vocab: dict[str, int], path, beam_size: int,
                       max_length: int = 50) -> dict:
    """beam_search's answer for one image file, through the whole pipeline as `caption` runs
    it: preprocess.load_image with the bundle's encoder settings, the encoder, beam search."""
    encoder = config["encoder"]
    image = load_image(path, encoder["input_size"], encoder["mean"], encoder["std"])
    annotations, _ = model.encode(image.unsqueeze(0))
    return beam_search(model, annotations[0], vocab, beam_size, max_length)
