#!/usr/bin/env python3
"""A stand-in for `caption --json -` in the protocol tests: reads paths on standard input and
prints `{"image": PATH, "caption": "a NAME", ...}` per path, in order. A path whose name starts
with `bad` is reported on standard error as `caption: PATH: not an image`. FAKE_DIE_AT=K kills
the process on its K-th path; FAKE_HANG_AT=K makes it hang there; FAKE_GARBAGE_AT=K prints a
line that is not JSON there; FAKE_EXIT_STATUS=S exits with S at the end."""

import json
import os
import signal
import sys
import time

die_at = int(os.environ.get("FAKE_DIE_AT", "0"))
hang_at = int(os.environ.get("FAKE_HANG_AT", "0"))
garbage_at = int(os.environ.get("FAKE_GARBAGE_AT", "0"))
failed = 0
for number, line in enumerate(sys.stdin, start=1):
    path = line.rstrip("\n")
    if number == die_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if number == hang_at:
        time.sleep(600)
    if number == garbage_at:
        print("Segmentation fault?", flush=True)
        continue
    name = os.path.basename(path)
    if name.startswith("bad"):
        print(f"caption: {path}: not an image", file=sys.stderr, flush=True)
        failed += 1
        continue
    words = ["a", name]
    print(json.dumps({"image": path, "caption": " ".join(words), "tokens": words, "score": -1.5}), flush=True)
sys.exit(int(os.environ.get("FAKE_EXIT_STATUS", "1" if failed else "0")))
