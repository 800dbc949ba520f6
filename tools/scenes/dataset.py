"""Karpathy split JSON for scene datasets (the dataset_coco.json layout).

    {"dataset": "scenes", "generator": {...how it was made...},
     "images": [{"filepath": "", "filename": "test_000000.png", "split": "test",
                 "imgid": 0, "sentids": [0, 1, 2, 3, 4],
                 "sentences": [{"raw": "a red circle", "tokens": ["a", "red", "circle"],
                                "imgid": 0, "sentid": 0}, ...],
                 "objects": [{"shape": "circle", "color": "red", "size": "small",
                              "box": [x0, y0, x1, y1]}, ...]}, ...]}

Images lie next to dataset.json (filepath is empty). `objects` is the scene graph; its
colour key is spelled `color`, values are the colour names of scene.COLOURS.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .scene import SceneObject

DATASET_FILE = "dataset.json"


@dataclass
class SceneRecord:
    """One image of a dataset: where it is, its reference captions and its scene graph."""

    path: Path
    split: str
    imgid: int
    captions: list[list[str]]
    objects: list[SceneObject]


def image_entry(filename: str, split: str, imgid: int, first_sentid: int,
                captions: list[list[str]], objects: list[SceneObject]) -> dict:
    """One `images[]` entry."""
    sentids = list(range(first_sentid, first_sentid + len(captions)))
    return {
        "filepath": "",
        "filename": filename,
        "split": split,
        "imgid": imgid,
        "sentids": sentids,
        "sentences": [{"raw": " ".join(tokens), "tokens": tokens, "imgid": imgid,
                       "sentid": sentid} for tokens, sentid in zip(captions, sentids)],
        "objects": [o.graph_entry() for o in objects],
    }


def write_dataset(directory: Path, images: list[dict], generator: dict) -> None:
    """Writes directory/dataset.json atomically."""
    path = directory / DATASET_FILE
    temporary = path.with_suffix(".json.tmp")
    with open(temporary, "w") as f:
        json.dump({"dataset": "scenes", "generator": generator, "images": images}, f)
        f.write("\n")
    os.replace(temporary, path)


def read_dataset(directory: Path, split: str | None = None) -> list[SceneRecord]:
    """The records of directory/dataset.json, optionally only one split."""
    with open(directory / DATASET_FILE) as f:
        data = json.load(f)
    records = []
    for image in data["images"]:
        if split is not None and image["split"] != split:
            continue
        records.append(SceneRecord(
            path=directory / image["filepath"] / image["filename"],
            split=image["split"],
            imgid=image["imgid"],
            captions=[s["tokens"] for s in image["sentences"]],
            objects=[SceneObject.from_graph_entry(o) for o in image["objects"]],
        ))
    return records
