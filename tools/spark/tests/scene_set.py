"""The test input: the 100 scene fixture images listed 10 times over through symbolic links
(1,000 distinct paths), plus one corrupt file and one missing path; and the reference captions
that `caption --json` alone gives the originals."""

import glob
import json
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCENES = os.path.join(ROOT, "Fixtures", "scenes")
MODEL = os.path.join(ROOT, "weights", "scenes")
COPIES = 10
BAD_PATHS = ("bad/broken.png", "bad/missing.png")


def caption_binary():
    """The release caption binary the tests use (scripts/test-spark builds it)."""
    binary = os.environ.get("CAPTIONKIT_SPARK_CAPTION", os.path.join(ROOT, ".build", "release", "caption"))
    assert os.access(binary, os.X_OK), f"{binary}: no caption binary (run the tests through scripts/test-spark)"
    return binary


def caption_eval_binary():
    """The release caption-eval binary beside the caption binary (scripts/test-spark builds both)."""
    binary = os.path.join(os.path.dirname(caption_binary()), "caption-eval")
    assert os.access(binary, os.X_OK), f"{binary}: no caption-eval binary (run the tests through scripts/test-spark)"
    return binary


def originals():
    """The 100 scene fixture images."""
    images = sorted(glob.glob(os.path.join(SCENES, "test_*.png")))
    assert len(images) == 100, f"{SCENES}: expected 100 test_*.png images, found {len(images)}"
    return images


def make_image_set(folder):
    """Writes folder/copyN/NAME.png links and folder/bad/; returns the relative paths listed
    (good ones first, the two bad ones last)."""
    listed = []
    for copy in range(COPIES):
        os.makedirs(os.path.join(folder, f"copy{copy}"))
        for image in originals():
            relative = os.path.join(f"copy{copy}", os.path.basename(image))
            os.symlink(image, os.path.join(folder, relative))
            listed.append(relative)
    os.makedirs(os.path.join(folder, "bad"))
    with open(os.path.join(folder, BAD_PATHS[0]), "wb") as broken:
        broken.write(b"\x89PNG\r\n\x1a\n but not really")
    return listed + list(BAD_PATHS)


def write_list(path, lines):
    """A list file with one path per line."""
    with open(path, "w") as listing:
        listing.write("".join(line + "\n" for line in lines))
    return path


def reference_captions(images=None, model=MODEL, options=()):
    """{image name: caption --json object} for `images` (default: the originals), from
    `caption` alone with `model` and `options`."""
    run = subprocess.run([caption_binary(), "--model", model, "--json", "--threads", "2", *options] + (images or originals()),
                         capture_output=True, text=True, timeout=1200, check=False)
    assert run.returncode == 0, f"caption --json failed ({run.returncode}): {run.stderr[-2000:]}"
    results = [json.loads(line) for line in run.stdout.splitlines()]
    return {os.path.basename(result["image"]): result for result in results}
