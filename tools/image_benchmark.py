#!/usr/bin/env python3
"""Helpers for Benchmarks/run's image benchmark (decode + resize of a 12-megapixel JPEG).

Run from the repository root:
    PY=$(scripts/tools-venv)
    "$PY" tools/image_benchmark.py make Benchmarks/.work/photo-4000x3000.jpg [--width W --height H]
        writes a 4000 x 3000 (or W x H, same content scaled) photo-like JPEG (quality 90, 4:2:0;
        seeded, so always the same file; a few MB, not committed);
    "$PY" tools/image_benchmark.py pillow Benchmarks/.work/photo-4000x3000.jpg --size 224 --runs 15
        times Pillow's Image.open + convert("RGB") + resize((224, 224), BILINEAR) and prints
        one JSON object: {"median_ms": ..., "min_ms": ..., "max_ms": ..., "cpu_median_ms": ...,
        "runs": ..., "wall_ms": [every run], "cpu_ms": [every run]} (wall-clock milliseconds,
        and process CPU time).
"""

import argparse
import json
import statistics
import time

import numpy as np
from PIL import Image


def upsampled_noise(rng, cells, channels, width, height):
    """Gaussian noise on a cells-wide grid, upsampled with Pillow's bicubic filter."""
    coarse = rng.normal(0, 1, (cells * 3 // 4, cells, channels)).astype(np.float32)
    planes = [np.asarray(Image.fromarray(coarse[..., c], "F").resize((width, height), Image.BICUBIC))
              for c in range(channels)]
    return np.stack(planes, axis=-1)


def make(path, width=4000, height=3000):
    rng = np.random.default_rng(12)
    # Like a photograph: structure and texture mostly in brightness (shared by the three
    # channels) at coarse, middle and fine scales; colour varying slowly; sensor grain.
    # Grid sizes are for 4000 pixels across and scale with the width (the default is unchanged).
    def scaled(cells):
        return max(4, cells * width // 4000)

    brightness = sum(amplitude * upsampled_noise(rng, scaled(cells), 1, width, height)
                     for cells, amplitude in ((6, 45.0), (60, 22.0), (600, 12.0), (2000, 6.0)))
    colour = (25.0 * upsampled_noise(rng, scaled(5), 3, width, height)
              + 8.0 * upsampled_noise(rng, scaled(80), 3, width, height))
    picture = np.array([125.0, 115.0, 100.0]) + brightness + colour + rng.normal(0, 2.5, (height, width, 3))
    # A few hard-edged objects.
    y, x = np.ogrid[0:height, 0:width]
    k = width / 4000
    for cx, cy, radius, tint in ((900, 700, 350, (200, 60, 40)), (2900, 1800, 600, (40, 90, 190))):
        disc = (x - cx * k) ** 2 + (y - cy * k) ** 2 < (radius * k) ** 2
        picture[disc] = 0.6 * picture[disc] + 0.4 * np.array(tint)
    rows, columns = slice(int(2200 * k), int(2600 * k)), slice(int(300 * k), int(1700 * k))
    picture[rows, columns] = 0.3 * picture[rows, columns] + 0.7 * np.array([235, 235, 225])
    Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)).save(path, "JPEG", quality=90)


def pillow(path, size, runs):
    def once():
        start, cpu_start = time.perf_counter(), time.process_time()
        with Image.open(path) as image:
            image.convert("RGB").resize((size, size), Image.BILINEAR)
        return (time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000

    once()  # warm-up: page cache, lazy imports
    times, cpu_times = zip(*(once() for _ in range(runs)))
    print(json.dumps({"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times),
                      "cpu_median_ms": statistics.median(cpu_times), "runs": runs,
                      "wall_ms": list(times), "cpu_ms": list(cpu_times)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("make")
    command.add_argument("path")
    command.add_argument("--width", type=int, default=4000)
    command.add_argument("--height", type=int, default=3000)
    command = commands.add_parser("pillow")
    command.add_argument("path")
    command.add_argument("--size", type=int, default=224)
    command.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    if arguments.command == "make":
        make(arguments.path, arguments.width, arguments.height)
    else:
        pillow(arguments.path, arguments.size, arguments.runs)


if __name__ == "__main__":
    main()
