"""Scores of one generated caption per scene (scenes held out from training):

    true              share of captions entirely true of their scene (checker.check)
    object_precision  mentioned objects that match a distinct scene object / mentioned
    object_recall     matched objects / objects in the scenes
    grammatical       share of captions the grammar parses
    complete          share saying what the grammar asks (one object alone; else >= 2
                      objects and a relation)
    bleu4             corpus BLEU-4 against the five references
    true_<n>_objects  `true` among the scenes with n objects
"""

from __future__ import annotations

from . import checker
from .bleu import corpus_bleu
from .dataset import SceneRecord


def score(hypotheses: list[list[str]], records: list[SceneRecord]) -> dict:
    """The scores of `hypotheses`, one caption per record, in the order of `records`."""
    checks = [checker.check(h, r.objects) for h, r in zip(hypotheses, records, strict=True)]
    mentioned = sum(c.mentioned for c in checks)
    matched = sum(c.matched for c in checks)
    scores = {
        "images": len(records),
        "true": sum(c.true for c in checks) / len(checks),
        "object_precision": matched / max(mentioned, 1),
        "object_recall": matched / sum(len(r.objects) for r in records),
        "grammatical": sum(c.grammatical for c in checks) / len(checks),
        "complete": sum(c.complete for c in checks) / len(checks),
        "bleu4": corpus_bleu(hypotheses, [r.captions for r in records]),
    }
    for count in sorted({len(r.objects) for r in records}):
        chosen = [c.true for c, r in zip(checks, records) if len(r.objects) == count]
        scores[f"true_{count}_objects"] = sum(chosen) / len(chosen)
    return scores
