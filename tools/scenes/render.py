"""Drawing a scene graph into a 128 x 128 RGB image.

Background: a grey level uniform in 40..120, plus a tint uniform in -10..10 per channel,
plus (half of the time) a linear gradient in a uniformly random direction whose total
change across the canvas is uniform in 0..20 levels. Objects are drawn with their jittered
colour and anti-aliased: each shape is rasterised at SUPERSAMPLE times the resolution into
a coverage mask, box-averaged down, and blended over the background. Last, Gaussian noise
(sigma 6) is added to every pixel and channel of the whole image, which is rounded and
clipped to 8 bits.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .scene import CANVAS, SceneObject

SUPERSAMPLE = 4
NOISE_SIGMA = 6.0


def render(objects: list[SceneObject], rng: np.random.Generator) -> Image.Image:
    """The image of `objects` over a random background (draws from `rng`)."""
    image = _background(rng)
    for obj in objects:
        coverage = _coverage(obj)[..., None]
        image = image * (1.0 - coverage) + np.asarray(obj.rgb, dtype=np.float64) * coverage
    image = image + rng.normal(0.0, NOISE_SIGMA, size=image.shape)
    return Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8), "RGB")


def _background(rng: np.random.Generator) -> np.ndarray:
    # -> CANVAS x CANVAS x 3 float64 levels
    grey = rng.uniform(40.0, 120.0)
    tint = rng.uniform(-10.0, 10.0, size=3)
    image = np.full((CANVAS, CANVAS, 3), grey) + tint
    if rng.random() < 0.5:
        amplitude = rng.uniform(0.0, 20.0)
        angle = rng.uniform(0.0, 2.0 * np.pi)
        ys, xs = np.mgrid[0:CANVAS, 0:CANVAS].astype(np.float64) + 0.5
        projection = xs * np.cos(angle) + ys * np.sin(angle)
        span = projection.max() - projection.min()
        ramp = (projection - projection.min()) / span - 0.5
        image += (amplitude * ramp)[..., None]
    return image


def _coverage(obj: SceneObject) -> np.ndarray:
    """Fraction of each pixel the shape covers, CANVAS x CANVAS in [0, 1]."""
    s = SUPERSAMPLE
    mask = Image.new("L", (CANVAS * s, CANVAS * s), 0)
    draw = ImageDraw.Draw(mask)
    x0, y0, x1, y1 = (v * s for v in obj.box)
    # Pillow fills both end pixels of a rectangle or ellipse: the last one is x1 - 1.
    if obj.shape == "square":
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=255)
    elif obj.shape == "circle":
        draw.ellipse((x0, y0, x1 - 1, y1 - 1), fill=255)
    elif obj.shape == "triangle":
        draw.polygon([((x0 + x1 - 1) / 2, y0), (x1 - 1, y1 - 1), (x0, y1 - 1)], fill=255)
    elif obj.shape == "diamond":
        cx, cy = (x0 + x1 - 1) / 2, (y0 + y1 - 1) / 2
        draw.polygon([(cx, y0), (x1 - 1, cy), (cx, y1 - 1), (x0, cy)], fill=255)
    else:
        raise ValueError(f"unknown shape {obj.shape!r}")
    small = mask.reduce(s)  # box average of each s x s block
    return np.asarray(small, dtype=np.float64) / 255.0
