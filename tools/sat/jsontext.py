"""JSON text for fixtures and bundles: indented objects, lists of plain values on one line."""

from __future__ import annotations

import json

import numpy as np


def float32_value(value: float) -> float:
    """The shortest decimal that reads back as the same float32 (keeps fixtures small and exact)."""
    return float(str(np.float32(value)))


def dumps(value, indent: int = 1, level: int = 0) -> str:
    """Like json.dumps(indent=...), except that a list holding no list or object stays on one line."""
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(key, ensure_ascii=False)}: {dumps(item, indent, level + 1)}"
                 for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        items = [inner + dumps(item, indent, level + 1) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)
