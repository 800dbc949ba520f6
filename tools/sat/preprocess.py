"""Image preprocessing reference (docs/specification.md, "The computation", step 1), with Pillow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L")


def to_rgb(image: Image.Image) -> Image.Image:
    """EXIF orientation applied, then 8-bit RGB: grey and palette expanded, alpha dropped.

    16-bit samples keep their high byte (v >> 8, libpng's png_set_strip_16): Pillow already
    reads 16-bit RGB PNGs that way, but would clip 16-bit greyscale (modes I;16*), so that is
    reduced here first.
    """
    image = ImageOps.exif_transpose(image)
    if image.mode in SIXTEEN_BIT_MODES:
        values = np.asarray(image).astype(np.uint16)
        image = Image.fromarray((values >> 8).astype(np.uint8), mode="L")
    return image.convert("RGB")


def normalise(image: Image.Image, input_size: int, mean, std) -> torch.Tensor:
    """RGB image -> 3 x S x S float32: resized (BILINEAR, antialiased when shrinking) unless
    already S x S, scaled to [0, 1], minus mean, divided by std."""
    if image.size != (input_size, input_size):
        image = image.resize((input_size, input_size), Image.BILINEAR)
    pixels = torch.from_numpy(np.asarray(image, dtype=np.float32) / np.float32(255.0))  # S x S x 3
    mean = torch.tensor(mean, dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(std, dtype=torch.float32).view(3, 1, 1)
    return (pixels.permute(2, 0, 1) - mean) / std


def load_image(path: str | Path, input_size: int, mean, std) -> torch.Tensor:
    """Opens an image file and returns the normalised 3 x S x S float32 tensor the encoder reads."""
    with Image.open(path) as image:
        return normalise(to_rgb(image), input_size, mean, std).contiguous()
