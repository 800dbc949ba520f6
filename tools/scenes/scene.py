"""Scene graphs of the synthetic domain: what is in a 128 x 128 picture and where.

A scene holds 1 to 3 objects. Each object has a shape, a colour name, a size class and an
integer bounding box [x0, y0, x1, y1] in pixels with x1 = x0 + side and y1 = y0 + side
(the end is exclusive: the box covers the continuous square [x0, x1] x [y0, y1]). Boxes lie
inside the canvas and are at least GAP pixels apart. At most two objects share a colour and
a shape.

Spatial relations are decided by box centres ((x0 + x1) / 2, (y0 + y1) / 2), in image
coordinates (y grows downwards), as the scene domain defines them (docs/specification.md):
    A to the left of B   x_A < x_B and |dx| >= |dy|
    A to the right of B  x_A > x_B and |dx| >= |dy|
    A above B            y_A < y_B and |dy| >  |dx|
    A below B            y_A > y_B and |dy| >  |dx|
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CANVAS = 128
GAP = 3
SHAPES = ("circle", "square", "triangle", "diamond")
COLOURS = {
    "red": (220, 50, 47),
    "green": (60, 180, 75),
    "blue": (40, 90, 220),
    "yellow": (240, 210, 40),
    "purple": (150, 70, 200),
    "white": (240, 240, 240),
}
# Size class -> inclusive range of the bounding-box side in pixels.
SIZES = {"small": (14, 20), "large": (28, 38)}
RELATIONS = ("left", "right", "above", "below")
OPPOSITE = {"left": "right", "right": "left", "above": "below", "below": "above"}
MAX_OBJECTS = 3


@dataclass(frozen=True)
class SceneObject:
    """One shape on the canvas; `box` is [x0, y0, x1, y1] with exclusive ends."""

    shape: str
    colour: str
    size: str
    box: tuple[int, int, int, int]
    rgb: tuple[int, int, int]  # the jittered colour actually drawn

    @property
    def centre(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        return ((x0 + x1) / 2.0, (y0 + y1) / 2.0)

    @property
    def kind(self) -> tuple[str, str]:
        """(colour, shape): objects of the same kind may be described together as `two`."""
        return (self.colour, self.shape)

    def graph_entry(self) -> dict:
        """The object as stored in dataset.json (the key is spelled `color`)."""
        return {"shape": self.shape, "color": self.colour, "size": self.size,
                "box": list(self.box)}

    @staticmethod
    def from_graph_entry(entry: dict) -> "SceneObject":
        """The object of a dataset.json entry; `rgb` is its colour's base value (the jitter
        it was drawn with is not stored)."""
        colour = entry["color"]
        return SceneObject(entry["shape"], colour, entry["size"],
                           tuple(int(v) for v in entry["box"]), COLOURS[colour])


def relation(a: SceneObject, b: SceneObject) -> str:
    """The relation word that holds for `a` relative to `b` (exactly one always holds)."""
    (xa, ya), (xb, yb) = a.centre, b.centre
    dx, dy = xb - xa, yb - ya
    if abs(dx) >= abs(dy):
        return "left" if dx > 0 else "right"
    return "above" if dy > 0 else "below"


def clarity(a: SceneObject, b: SceneObject) -> float:
    """How far the pair is from the diagonal where the relation flips: 0 on the diagonal,
    1 when the centres are exactly side by side or one exactly above the other."""
    (xa, ya), (xb, yb) = a.centre, b.centre
    dx, dy = abs(xb - xa), abs(yb - ya)
    return abs(dx - dy) / math.hypot(dx, dy)


def _apart(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    u0, v0, u1, v1 = other
    return x1 + GAP <= u0 or u1 + GAP <= x0 or y1 + GAP <= v0 or v1 + GAP <= y0


def sample_scene(rng: np.random.Generator) -> list[SceneObject]:
    """Draws the objects of one scene: the count uniform in 1..3, shape, colour and size
    class uniform, side uniform in the class range, position uniform among the placements
    that keep the box inside the canvas and GAP pixels away from the boxes already placed."""
    count = int(rng.integers(1, MAX_OBJECTS + 1))
    while True:
        objects = _try_layout(rng, count)
        if objects is not None:
            return objects


def _try_layout(rng: np.random.Generator, count: int) -> list[SceneObject] | None:
    objects: list[SceneObject] = []
    for _ in range(count):
        shape = SHAPES[int(rng.integers(len(SHAPES)))]
        colour = list(COLOURS)[int(rng.integers(len(COLOURS)))]
        if sum(1 for o in objects if o.kind == (colour, shape)) >= 2:
            return None
        size = list(SIZES)[int(rng.integers(len(SIZES)))]
        low, high = SIZES[size]
        side = int(rng.integers(low, high + 1))
        jitter = rng.integers(-15, 16, size=3)
        rgb = tuple(int(np.clip(c + j, 0, 255)) for c, j in zip(COLOURS[colour], jitter))
        for _attempt in range(100):
            x0 = int(rng.integers(0, CANVAS - side + 1))
            y0 = int(rng.integers(0, CANVAS - side + 1))
            box = (x0, y0, x0 + side, y0 + side)
            if all(_apart(box, o.box) for o in objects):
                objects.append(SceneObject(shape, colour, size, box, rgb))
                break
        else:
            return None
    return objects
