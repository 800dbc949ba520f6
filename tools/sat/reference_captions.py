"""Writes the reference model's captions of image files as a fixture the Swift tests read.

The file: {"model", "beam_size", "max_length", "captions": [{"image", [extra fields],
"tokens", "score" (its float32 decimal), "finished"}]}, one entry per image in order.
"""

from __future__ import annotations

from pathlib import Path

from .beam_search import caption_image_file
from .jsontext import dumps, float32_value


def write_reference_captions(model, config: dict, vocab: dict[str, int], model_name: str,
                             images: list[tuple[Path, dict]], out: Path, beam_size: int,
                             max_length: int) -> None:
    """Captions each (path, extra fields) of `images` with beam search and writes `out`."""
    captions = []
    for path, extra in images:
        result = caption_image_file(model, config, vocab, path, beam_size, max_length)
        captions.append({"image": path.name, **extra, "tokens": result["tokens"],
                         "score": float32_value(result["score"]), "finished": result["finished"]})
        print(f"{path.name}: {' '.join(result['tokens'])}")
    document = {"model": model_name, "beam_size": beam_size, "max_length": max_length,
                "captions": captions}
    out.write_text(dumps(document) + "\n", encoding="utf-8")
