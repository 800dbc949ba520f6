"""Corpus BLEU-4 (Papineni et al. 2002) against several references per candidate.

Clipped n-gram precisions for n = 1..4 are summed over the corpus, combined by a geometric
mean with equal weights, and multiplied by the brevity penalty exp(1 - r / c) when the
total candidate length c is below r, the sum over candidates of the reference length
closest to the candidate's (the shorter one on ties), as coco-caption's BLEU scorer does.
"""

from __future__ import annotations

import math
from collections import Counter


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(candidates: list[list[str]], references: list[list[list[str]]],
                max_order: int = 4) -> float:
    """Corpus BLEU-`max_order` of `candidates`, each scored against its references."""
    matches = [0] * max_order
    totals = [0] * max_order
    candidate_length = reference_length = 0
    for candidate, refs in zip(candidates, references, strict=True):
        candidate_length += len(candidate)
        reference_length += min((abs(len(r) - len(candidate)), len(r)) for r in refs)[1]
        for n in range(1, max_order + 1):
            counts = _ngrams(candidate, n)
            best: Counter = Counter()
            for r in refs:
                best |= _ngrams(r, n)
            matches[n - 1] += sum(min(c, best[g]) for g, c in counts.items())
            totals[n - 1] += max(len(candidate) - n + 1, 0)
    if min(matches) == 0 or candidate_length == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_order
    penalty = min(0.0, 1.0 - reference_length / candidate_length)
    return math.exp(log_precision + penalty)
