#!/usr/bin/env python3
"""Makes the image fixtures that Tests/CaptionKitTests/Image*Tests.swift read.

Run from the repository root:
    PY=$(scripts/tools-venv) && "$PY" tools/make_image_fixtures.py

Writes Fixtures/images/ (replacing what is there):
  - JPEG images written by Pillow: baseline 4:2:0 / 4:2:2 / 4:4:4 (odd sizes too),
    progressive, greyscale, CMYK (Adobe marker, inverted samples), YCCK (Pillow's CMYK file
    with the Adobe transform flag set to 2 and YCC samples), and EXIF orientations 1-8 in
    both TIFF byte orders (APP1 built here by hand);
  - PNG images written by this script's own small encoder so that every colour type x bit
    depth exists: grey 1/2/4/8/16, RGB 8/16, palette 1/2/4/8 (with and without tRNS),
    grey+alpha 8/16, RGBA 8/16, colour-key tRNS, and Adam7-interlaced variants;
  - for each image, `<name>.rgb`: the reference decode as raw uint8 height x width x 3
    (Pillow: Image.open, ImageOps.exif_transpose for JPEG, convert("RGB")). For 16-bit
    greyscale PNGs Pillow clips instead of scaling ("I;16" -> "RGB"), so their reference is
    the high byte of each sample, computed here (docs/specification.md: 16-bit is scaled);
  - resize references `resize_<source>_<W>x<H>.rgb`: Pillow's
    Image.resize((W, H), Image.BILINEAR) of the decoded sources, shrinking and growing by
    non-integer factors, one axis at a time and both;
  - `normalize_<W>x<H>.f32`: torchvision ToTensor + Normalize(ImageNet mean/std) of a
    resized image, raw little-endian float32, 3 x H x W;
  - malformed files (huge dimensions, CRC errors, bad Huffman data, bad zlib data, a text
    file named .jpg, an empty file);
  - manifest.json listing all of the above with shapes and what each test expects.

Deterministic: image content comes from a seeded NumPy generator and fixed formulas;
Pillow's and zlib's encoders are deterministic for fixed settings.
"""

import json
import os
import shutil
import struct
import sys
import warnings
import zlib

import numpy as np
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures", "images")
RNG = np.random.default_rng(20240603)

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def scene(width, height, noise=6.0):
    """Smooth colour waves plus hard-edged shapes and a little noise, uint8 H x W x 3."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 90 * np.sin(x / (0.15 * width) + y / (0.3 * height))
    g = 128 + 90 * np.cos(x / (0.27 * width) - y / (0.17 * height))
    b = 40 + 170 * (x + y) / (width + height)
    image = np.stack([r, g, b], axis=-1)
    image[height // 5 : height // 2, width // 6 : width // 2] = [250, 30, 20]
    disc = (x - 0.7 * width) ** 2 + (y - 0.6 * height) ** 2 < (0.22 * height) ** 2
    image[disc] = [20, 40, 230]
    image[(np.abs(x - y * width / height) < 0.8)] = [255, 255, 255]
    image += RNG.normal(0, noise, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def pillow_rgb(path, transpose):
    with Image.open(path) as image:
        image.load()
        if transpose:
            image = ImageOps.exif_transpose(image)
        return np.asarray(image.convert("RGB"))


class Manifest:
    def __init__(self):
        self.decode = []
        self.resize = []
        self.normalize = []
        self.malformed = []

    def write(self):
        document = {
            "decode": self.decode,
            "resize": self.resize,
            "normalize": self.normalize,
            "malformed": self.malformed,
        }
        with open(os.path.join(OUT, "manifest.json"), "w") as handle:
            json.dump(document, handle, indent=1, sort_keys=True)
            handle.write("\n")


def write_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as handle:
        handle.write(data)


def write_reference(name, array):
    assert array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3
    write_bytes(name, np.ascontiguousarray(array).tobytes())


def add_decode(manifest, name, kind, reference, note=None, orientation=None):
    stem = os.path.splitext(name)[0]
    write_reference(stem + ".rgb", reference)
    entry = {
        "file": name,
        "kind": kind,
        "reference": stem + ".rgb",
        "width": int(reference.shape[1]),
        "height": int(reference.shape[0]),
    }
    if note:
        entry["note"] = note
    if orientation:
        entry["orientation"] = orientation
    manifest.decode.append(entry)


# ----------------------------------------------------------------------------- JPEG

def exif_payload(orientation, byte_order):
    """APP1 payload: "Exif\\0\\0" + a TIFF header and IFD0 with Make, Orientation,
    XResolution (in that order, so the parser must walk entries and follow offsets)."""
    e = "<" if byte_order == b"II" else ">"
    make = b"CaptionKit\x00"
    entry_count = 3
    ifd_size = 2 + 12 * entry_count + 4
    data_offset = 8 + ifd_size
    make_offset = data_offset
    resolution_offset = make_offset + len(make)
    ifd = struct.pack(e + "H", entry_count)
    ifd += struct.pack(e + "HHII", 0x010F, 2, len(make), make_offset)
    ifd += struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", orientation, 0)
    ifd += struct.pack(e + "HHII", 0x011A, 5, 1, resolution_offset)
    ifd += struct.pack(e + "I", 0)
    tiff = byte_order + struct.pack(e + "HI", 42, 8) + ifd + make + struct.pack(e + "II", 72, 1)
    return b"Exif\x00\x00" + tiff


def adobe_transform_offset(data):
    """Offset of the transform byte in the Adobe APP14 segment."""
    start = data.find(b"\xff\xeeAdobe"[:2])
    while start >= 0:
        if data[start + 4 : start + 9] == b"Adobe":
            return start + 4 + 11
        start = data.find(b"\xff\xee", start + 2)
    raise ValueError("no Adobe APP14 segment")


def make_jpegs(manifest):
    base = scene(40, 30)
    odd = scene(41, 29)
    cases = [
        ("jpeg_baseline_420.jpg", Image.fromarray(base), {"quality": 90}),
        ("jpeg_baseline_422_odd.jpg", Image.fromarray(odd), {"quality": 90, "subsampling": 1}),
        ("jpeg_baseline_444_odd.jpg", Image.fromarray(odd), {"quality": 90, "subsampling": 0}),
        ("jpeg_progressive.jpg", Image.fromarray(scene(43, 31)), {"quality": 85, "progressive": True}),
        ("jpeg_grey.jpg", Image.fromarray(base).convert("L"), {"quality": 90}),
    ]
    for name, image, options in cases:
        image.save(os.path.join(OUT, name), "JPEG", **options)
        add_decode(manifest, name, "jpeg", pillow_rgb(os.path.join(OUT, name), True))

    # CMYK with varied K. Pillow writes the samples inverted with an Adobe APP14 segment
    # (transform 0) and reads every CMYK JPEG back as inverted ("CMYK;I").
    y, x = np.mgrid[0:30, 0:40]
    cmyk = np.stack(
        [base[..., 0] // 2, base[..., 1] // 3, base[..., 2] // 2, ((x * 6 + y * 3) % 256).astype(np.uint8)],
        axis=-1,
    ).astype(np.uint8)
    path = os.path.join(OUT, "jpeg_cmyk.jpg")
    Image.fromarray(cmyk, "CMYK").save(path, "JPEG", quality=92)
    data = open(path, "rb").read()
    assert data[adobe_transform_offset(data)] == 0, "expected Adobe transform 0 for CMYK"
    add_decode(manifest, "jpeg_cmyk.jpg", "jpeg", pillow_rgb(path, True))

    # YCCK: save samples that ARE the YCC values through Pillow's CMYK path (which stores
    # 255 - sample), then set the Adobe transform flag to 2 so decoders read YCCK.
    ycc = np.asarray(Image.fromarray(255 - cmyk[..., :3]).convert("YCbCr"))
    stored = np.concatenate([ycc, 255 - cmyk[..., 3:]], axis=-1)
    path = os.path.join(OUT, "jpeg_ycck.jpg")
    Image.fromarray((255 - stored).astype(np.uint8), "CMYK").save(path, "JPEG", quality=92)
    data = bytearray(open(path, "rb").read())
    data[adobe_transform_offset(bytes(data))] = 2
    write_bytes("jpeg_ycck.jpg", bytes(data))
    add_decode(manifest, "jpeg_ycck.jpg", "jpeg", pillow_rgb(path, True))

    for byte_order, label in ((b"II", "le"), (b"MM", "be")):
        for orientation in range(1, 9):
            name = f"jpeg_orientation_{orientation}_{label}.jpg"
            path = os.path.join(OUT, name)
            Image.fromarray(base).save(path, "JPEG", quality=90, exif=exif_payload(orientation, byte_order))
            with Image.open(path) as check:
                assert check.getexif().get(0x0112) == orientation, name
            add_decode(manifest, name, "jpeg", pillow_rgb(path, True), orientation=orientation)


# ----------------------------------------------------------------------------- PNG

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_chunk(kind, payload):
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def pack_rows(samples, bit_depth):
    """samples: H x W x C integers -> filtered scanlines (filter byte 0 on every row)."""
    height, width, channels = samples.shape
    out = bytearray()
    for row in samples:
        flat = row.reshape(-1).astype(np.uint32)
        if bit_depth == 16:
            packed = flat.astype(">u2").tobytes()
        elif bit_depth == 8:
            packed = flat.astype(np.uint8).tobytes()
        else:
            per_byte = 8 // bit_depth
            padded = np.zeros(-(-flat.size // per_byte) * per_byte, dtype=np.uint32)
            padded[: flat.size] = flat
            groups = padded.reshape(-1, per_byte)
            shifts = np.array([8 - bit_depth * (i + 1) for i in range(per_byte)], dtype=np.uint32)
            packed = (groups << shifts).sum(axis=1).astype(np.uint8).tobytes()
        out += b"\x00" + packed
    return bytes(out)


def encode_png(samples, color_type, bit_depth, palette=None, trns=None, interlace=False):
    height, width = samples.shape[:2]
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    if interlace:
        raw = b"".join(
            pack_rows(samples[y0::dy, x0::dx], bit_depth)
            for x0, y0, dx, dy in ADAM7
            if samples[y0::dy, x0::dx].size
        )
    else:
        raw = pack_rows(samples, bit_depth)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    if palette is not None:
        data += png_chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        data += png_chunk(b"tRNS", trns)
    return data + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")


def wide(channel8):
    """8-bit content -> 16-bit samples whose low byte varies (so scaling rules matter)."""
    return channel8.astype(np.uint32) * 256 + RNG.integers(0, 256, channel8.shape, dtype=np.uint32)


def make_pngs(manifest):
    width, height = 37, 27  # odd sizes: partial Adam7 blocks and partial sub-byte rows
    rgb = scene(width, height).astype(np.uint32)
    grey = (rgb @ np.array([299, 587, 114]) // 1000).astype(np.uint32)
    alpha = ((np.arange(width)[None, :] * 7 + np.arange(height)[:, None] * 5) % 256).astype(np.uint32)
    cases = []
    for depth in (1, 2, 4, 8, 16):
        samples = (grey >> (8 - depth))[..., None] if depth < 8 else (grey if depth == 8 else wide(grey))[..., None]
        cases.append((f"png_grey_{depth}", samples, 0, depth, {}))
    cases.append(("png_grey_8_trns", grey[..., None], 0, 8, {"trns": struct.pack(">H", int(grey[3, 3]))}))
    cases.append(("png_rgb_8", rgb, 2, 8, {}))
    cases.append(("png_rgb_16", wide(rgb), 2, 16, {}))
    cases.append(("png_rgb_8_trns", rgb, 2, 8, {"trns": struct.pack(">HHH", *map(int, rgb[5, 5]))}))
    for depth in (1, 2, 4, 8):
        colours = 1 << depth
        palette = RNG.integers(0, 256, (colours, 3))
        indices = ((grey * colours) >> 8)[..., None]
        cases.append((f"png_palette_{depth}", indices, 3, depth, {"palette": palette}))
        if depth >= 4:
            trns = bytes(RNG.integers(0, 256, colours // 2, dtype=np.uint8))
            cases.append((f"png_palette_{depth}_trns", indices, 3, depth, {"palette": palette, "trns": trns}))
    cases.append(("png_grey_alpha_8", np.stack([grey, alpha], -1), 4, 8, {}))
    cases.append(("png_grey_alpha_16", np.stack([wide(grey), wide(alpha)], -1), 4, 16, {}))
    cases.append(("png_rgba_8", np.concatenate([rgb, alpha[..., None]], -1), 6, 8, {}))
    cases.append(("png_rgba_16", np.concatenate([wide(rgb), wide(alpha)[..., None]], -1), 6, 16, {}))

    interlaced = {"png_grey_1", "png_grey_2", "png_grey_16", "png_rgb_8", "png_rgb_16", "png_palette_4_trns",
                  "png_grey_alpha_8", "png_rgba_8", "png_rgba_16"}
    for stem, samples, color_type, depth, options in cases:
        for interlace in (False, True):
            if interlace and stem not in interlaced:
                continue
            name = stem + ("_interlaced" if interlace else "") + ".png"
            path = os.path.join(OUT, name)
            write_bytes(name, encode_png(samples, color_type, depth, interlace=interlace, **options))
            expected = expected_png_rgb(samples, color_type, depth, options.get("palette"))
            decoded = pillow_rgb(path, False)
            if color_type == 0 and depth == 16:
                # Pillow reads this as "I;16" and clips on convert("RGB"); we scale (high byte).
                assert not np.array_equal(decoded, expected)
                add_decode(manifest, name, "png", expected, note="reference is the high byte; Pillow clips I;16")
            else:
                assert np.array_equal(decoded, expected), name
                add_decode(manifest, name, "png", decoded)


def expected_png_rgb(samples, color_type, depth, palette):
    """The RGB an 8-bit decoder must produce, computed from the samples (cross-checks Pillow)."""
    if color_type == 3:
        return palette[samples[..., 0]].astype(np.uint8)
    colour = samples[..., :1] if color_type in (0, 4) else samples[..., :3]
    if depth == 16:
        colour = colour >> 8
    elif depth < 8:
        colour = colour * (255 // ((1 << depth) - 1))
    colour = colour.astype(np.uint8)
    return np.repeat(colour, 3, axis=-1) if colour.shape[-1] == 1 else colour


# ----------------------------------------------------------------------------- resize / normalize

def make_resize(manifest):
    sources = {"small": scene(40, 30), "large": scene(160, 120, noise=3.0)}
    targets = {
        "small": [(17, 17), (61, 61), (23, 45), (40, 13), (97, 30), (7, 3), (1, 1), (224, 224)],
        "large": [(17, 17), (61, 61), (50, 50), (224, 224), (159, 121)],
    }
    for label, array in sources.items():
        name = f"resize_{label}.png"
        Image.fromarray(array).save(os.path.join(OUT, name), "PNG")
        source = pillow_rgb(os.path.join(OUT, name), False)
        assert np.array_equal(source, array)
        for width, height in targets[label]:
            reference = np.asarray(Image.fromarray(source).resize((width, height), Image.BILINEAR))
            output = f"resize_{label}_{width}x{height}.rgb"
            write_reference(output, reference)
            manifest.resize.append({
                "source": name, "sourceWidth": int(source.shape[1]), "sourceHeight": int(source.shape[0]),
                "width": width, "height": height, "reference": output,
            })

    # The whole pipeline from a JPEG (decode + resize), compared within the JPEG tolerance.
    for width, height in ((17, 17), (61, 61)):
        decoded = pillow_rgb(os.path.join(OUT, "jpeg_baseline_420.jpg"), True)
        reference = np.asarray(Image.fromarray(decoded).resize((width, height), Image.BILINEAR))
        output = f"pipeline_jpeg_baseline_420_{width}x{height}.rgb"
        write_reference(output, reference)
        manifest.resize.append({
            "source": "jpeg_baseline_420.jpg", "sourceWidth": 40, "sourceHeight": 30,
            "width": width, "height": height, "reference": output,
        })


def make_normalize(manifest):
    import torch
    from torchvision import transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
    for width, height in ((17, 17), (61, 61)):
        resized = f"resize_small_{width}x{height}.rgb"
        pixels = np.fromfile(os.path.join(OUT, resized), dtype=np.uint8).reshape(height, width, 3)
        tensor = transform(Image.fromarray(pixels))
        assert tensor.dtype == torch.float32 and tuple(tensor.shape) == (3, height, width)
        output = f"normalize_{width}x{height}.f32"
        write_bytes(output, tensor.numpy().astype("<f4").tobytes())
        manifest.normalize.append({
            "pixels": resized, "width": width, "height": height, "reference": output,
            "mean": IMAGENET_MEAN, "std": IMAGENET_STD,
        })


# ----------------------------------------------------------------------------- malformed

def png_chunks(data):
    """(offset, kind, length) for each chunk of a PNG."""
    offset, chunks = 8, []
    while offset < len(data):
        length = struct.unpack(">I", data[offset : offset + 4])[0]
        chunks.append((offset, data[offset + 4 : offset + 8], length))
        offset += 12 + length
    return chunks


def make_malformed(manifest):
    def add(name, data, error, reason=None, **extra):
        write_bytes(name, data)
        entry = {"file": name, "error": error}
        if reason:
            entry["reason"] = reason
        entry.update(extra)
        manifest.malformed.append(entry)

    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    huge = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    huge += png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b"")
    add("malformed_huge.png", huge, "imageTooLarge", width=100000, height=100000)

    jpeg = bytearray(open(os.path.join(OUT, "jpeg_baseline_420.jpg"), "rb").read())
    sof = jpeg.find(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 50000, 60000)  # height, width
    add("malformed_huge.jpg", bytes(jpeg), "imageTooLarge", width=60000, height=50000)

    jpeg = bytearray(open(os.path.join(OUT, "jpeg_baseline_444_odd.jpg"), "rb").read())
    scan = jpeg.find(b"\xff\xda")
    scan_start = scan + 2 + struct.unpack(">H", jpeg[scan + 2 : scan + 4])[0]
    middle = (scan_start + len(jpeg) - 2) // 2
    jpeg[middle : middle + 24] = b"\xff\x00" * 12  # 96 one-bits: no Huffman code is that long
    add("malformed_bad_huffman.jpg", bytes(jpeg), "invalidImage", reason="Huffman")

    png = open(os.path.join(OUT, "png_rgb_8.png"), "rb").read()
    for kind in (b"IHDR", b"IDAT"):
        offset, _, length = next(chunk for chunk in png_chunks(png) if chunk[1] == kind)
        broken = bytearray(png)
        broken[offset + 8 + length] ^= 0x55  # first CRC byte
        add(f"malformed_crc_{kind.decode().lower()}.png", bytes(broken), "invalidImage", reason="CRC")

    offset, _, length = next(chunk for chunk in png_chunks(png) if chunk[1] == b"IDAT")
    payload = bytearray(png[offset + 8 : offset + 8 + length])
    payload[2 : 2 + 16] = b"\xff" * 16  # not a valid deflate block any more
    broken = png[:offset] + png_chunk(b"IDAT", bytes(payload)) + png[offset + 12 + length :]
    add("malformed_zlib.png", broken, "invalidImage")

    add("malformed_text.jpg", b"This is a text file with a .jpg name, not an image.\n", "invalidImage",
        reason="not a JPEG or PNG")
    add("malformed_empty.png", b"", "invalidImage", reason="empty")


def main():
    # Pillow suggests RGBA for palette images with tRNS; the fixtures want convert("RGB").
    warnings.filterwarnings("ignore", message="Palette images with Transparency")
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    manifest = Manifest()
    make_jpegs(manifest)
    make_pngs(manifest)
    make_resize(manifest)
    make_normalize(manifest)
    make_malformed(manifest)
    manifest.write()
    total = sum(os.path.getsize(os.path.join(OUT, name)) for name in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total / 1024:.0f} KiB, to {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
