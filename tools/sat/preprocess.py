"""Image preprocessing reference (DESIGN.md, "The computation", step 1), with Pillow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L")


def to_rgb(image: Image.Image) -> Image.Image:
    """EXIF orientation applied, then 8-bit RGB: grey and palette expanded, alpha dropped.

    16-bit greyscale (Pillow modes I;16*, as 16-bit PNGs open) is scaled to 8 bits as round(v / 257) first;
    Pillow's own convert("RGB") would clip it instead.
    """
    image = ImageOps.exif_transpose(image)
    if image.mode in SIXTEEN_BIT_MODES:
        values = np.asarray(image, dtype=np.float64)
        image = Image.fromarray(np.clip(np.rint(values / 257.0), 0, 255).astype(np.uint8), mode="L")
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
