#!/usr/bin/env python3
"""The model half of Benchmarks/run: CaptionKit against the PyTorch reference, alternately.

Usage (Benchmarks/run passes these; run it through the tools venv's Python):
    compare.py --bin SWIFT_BIN_DIR --bundle DIR --image JPEG --crops FOLDER [--rounds R] [--runs N]
               [--threads 1,2] [--count 100] [--only encoder,decoder,process,throughput]

For each measurement and thread count, R rounds each run the Swift executable (ModelBenchmark,
the `caption` command) and then tools/torch_benchmark.py with the same bundle and image, so slow
spells of a shared machine hit both sides alike. Each round's process warms up once and times
N runs; the table gives the median and range over all rounds' runs, and the ratio of the
medians (CaptionKit / PyTorch). Whole processes are timed from outside (wall time and peak
resident memory of the child, from wait4). Throughput is CaptionKit's alone: Captioner.captions
over --count in-memory crops, and `caption --threads T` and `caption-eval run --threads T` over
the crops folder (its dataset.json). OpenBLAS sgemm GFLOP/s is measured in every
encoder round too, as the yardstick for the encoder's GFLOP/s. Prints the Markdown table
and notes to standard output; never fails on a slow result.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH = [sys.executable, str(ROOT / "tools" / "torch_benchmark.py")]


def json_lines(command: list[str]) -> list[dict]:
    """Runs `command` and returns the JSON objects it printed, one per line."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def whole_process(command: list[str], json_output: bool = True) -> tuple[float, float, dict]:
    """Wall milliseconds, peak resident MiB and the printed JSON (when `json_output`; else
    an empty dict) of one run of `command`."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    output = child.stdout.read()
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command)}\n{errors.decode()}")
    printed = json.loads(output.decode().splitlines()[-1]) if json_output else {}
    return elapsed, usage.ru_maxrss / 1024, printed


class Table:
    """Samples by (work, threads, side), where side is "swift" or "torch"."""

    def __init__(self):
        self.samples: dict[tuple[str, int, str], dict[str, list]] = {}

    def add(self, work: str, threads: int, side: str, **lists):
        entry = self.samples.setdefault((work, threads, side), {})
        for key, values in lists.items():
            entry.setdefault(key, []).extend(values if isinstance(values, list) else [values])

    def get(self, work: str, threads: int, side: str, key: str) -> list:
        return self.samples.get((work, threads, side), {}).get(key, [])


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def ratio(table: Table, work: str, threads: int, key: str = "wall") -> float | None:
    ours, theirs = table.get(work, threads, "swift", key), table.get(work, threads, "torch", key)
    if not ours or not theirs:
        return None
    return statistics.median(ours) / statistics.median(theirs)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, type=Path)
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--crops", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--only", default="encoder,decoder,process,throughput")
    arguments = parser.parse_args()
    only = set(arguments.only.split(","))
    thread_counts = [int(t) for t in arguments.threads.split(",")]
    model = ["--model", arguments.bundle]
    swift = lambda name: [str(arguments.bin / name)]  # noqa: E731
    runs = ["--runs", str(arguments.runs)]
    table, notes, loads = Table(), [], [load_average()]

    for round_index in range(arguments.rounds):
        print(f"round {round_index + 1}/{arguments.rounds} (load {load_average()})", file=sys.stderr)
        for threads in thread_counts:
            threading = ["--threads", str(threads)]
            if "encoder" in only:
                (gemm,) = json_lines(swift("ModelBenchmark") + ["sgemm"] + threading + runs)
                table.add("sgemm", threads, "swift", gflops=gemm["gflops_runs"])
                (ours,) = json_lines(swift("ModelBenchmark") + ["encoder", *model, "--image", arguments.image]
                                     + threading + runs)
                table.add("encoder", threads, "swift", wall=ours["wall_ms"], cpu=ours["cpu_ms"],
                          gflop=ours["gflop"], peak=ours["peak_extra_mb"], anonymous=ours["anonymous_extra_mb"])
                (theirs,) = json_lines(TORCH + ["encoder", *model, "--image", arguments.image] + threading + runs)
                table.add("encoder", threads, "torch", wall=theirs["wall_ms"], cpu=theirs["cpu_ms"])
            if "decoder" in only:
                for beam in (3, 5):
                    work = f"decoder step, beam {beam}"
                    beam_option = ["--beam", str(beam)]
                    (ours,) = json_lines(swift("ModelBenchmark") + ["decoder", *model, "--image", arguments.image]
                                         + beam_option + threading + runs)
                    (theirs,) = json_lines(TORCH + ["decoder", *model, "--image", arguments.image]
                                           + beam_option + threading + runs)
                    table.add(work, threads, "swift", wall=ours["wall_ms"], cpu=ours["cpu_ms"], steps=ours["steps"],
                              caption=ours["caption"])
                    table.add(work, threads, "torch", wall=theirs["wall_ms"], cpu=theirs["cpu_ms"],
                              steps=theirs["steps"], caption=theirs["caption"])
        if "process" in only:
            work = "whole process"
            for side, command in (("swift", swift("caption") + ["--json"] + model + [arguments.image]),
                                  ("torch", TORCH + ["caption"] + model + [arguments.image])):
                wall, resident, printed = whole_process(command)
                table.add(work, 0, side, wall=wall, resident=resident, caption=printed["caption"])
        loads.append(load_average())

    if "throughput" in only:
        for threads in thread_counts:
            (ours,) = json_lines(swift("ModelBenchmark") + ["throughput", *model, "--image", arguments.image,
                                 "--count", str(arguments.count), "--runs", "1", "--threads", str(threads)])
            table.add("throughput", threads, "swift", rate=ours["images_per_second"], wall=ours["wall_ms"],
                      cpu=ours["cpu_ms"])
            crops = sorted(arguments.crops.glob("*.jpg"))
            wall, _, _ = whole_process(swift("caption") + ["--json", "--threads", str(threads)] + model + [str(arguments.crops)])
            table.add("caption throughput", threads, "swift", rate=len(crops) * 1000 / wall, wall=wall)
            results = arguments.crops.parent / f"caption-eval-results-{threads}.json"
            wall, _, _ = whole_process(swift("caption-eval") + [
                "run", "--dataset", str(arguments.crops / "dataset.json"), "--images", str(arguments.crops),
                "--out", str(results), "--threads", str(threads)] + model, json_output=False)
            table.add("caption-eval run throughput", threads, "swift", rate=len(crops) * 1000 / wall, wall=wall)
        loads.append(load_average())

    print("| work | threads | CaptionKit ms median (range) | PyTorch ms median (range) | ratio (wall) | ratio (CPU) |")
    print("|---|---|---|---|---|---|")
    works = ["encoder", "decoder step, beam 3", "decoder step, beam 5"]
    for work in works:
        for threads in thread_counts:
            if not table.get(work, threads, "swift", "wall"):
                continue
            wall_ratio, cpu_ratio = ratio(table, work, threads), ratio(table, work, threads, "cpu")
            print(f"| {work} | {threads} | {summary(table.get(work, threads, 'swift', 'wall'))} | "
                  f"{summary(table.get(work, threads, 'torch', 'wall'))} | {wall_ratio:.2f} | {cpu_ratio:.2f} |")
    if table.get("whole process", 0, "swift", "wall"):
        wall_ratio = ratio(table, "whole process", 0)
        resident_ratio = ratio(table, "whole process", 0, "resident")
        print(f"| whole process (wall ms) | default | {summary(table.get('whole process', 0, 'swift', 'wall'))} | "
              f"{summary(table.get('whole process', 0, 'torch', 'wall'))} | {wall_ratio:.3f} | |")
        print(f"| whole process (peak RSS MiB) | default | {summary(table.get('whole process', 0, 'swift', 'resident'))} | "
              f"{summary(table.get('whole process', 0, 'torch', 'resident'))} | {resident_ratio:.2f} | |")

    print()
    for threads in thread_counts:
        encoder = table.get("encoder", threads, "swift", "wall")
        gemm = table.get("sgemm", threads, "swift", "gflops")
        if encoder and gemm:
            gflop = table.get("encoder", threads, "swift", "gflop")[0]
            peak = max(table.get("encoder", threads, "swift", "peak"))
            anonymous = max(table.get("encoder", threads, "swift", "anonymous"))
            notes.append(f"encoder, {threads} thread(s): {gflop / statistics.median(encoder) * 1000:.1f} GFLOP/s "
                         f"({gflop:.1f} GFLOP of 3x3 convolutions, counted as direct convolution) against OpenBLAS "
                         f"sgemm {statistics.median(gemm):.1f} GFLOP/s (2048^3, median) in the same run; "
                         f"memory of the first pass: {anonymous:.1f} MiB allocated (scratch, kept), resident peak "
                         f"+{peak:.1f} MiB (weight pages read for the first time included)")
        rate = table.get("throughput", threads, "swift", "rate")
        if rate:
            notes.append(f"throughput, {threads} thread(s): {rate[0]:.2f} images/s over {arguments.count} images "
                         f"(Captioner.captions, CPU {statistics.median(table.get('throughput', threads, 'swift', 'cpu')) / 1000:.1f} s); "
                         f"`caption --threads {threads}` over the {len(list(arguments.crops.glob('*.jpg')))} crop files: "
                         f"{table.get('caption throughput', threads, 'swift', 'rate')[0]:.2f} images/s, "
                         f"`caption-eval run --threads {threads}` (caption and score): "
                         f"{table.get('caption-eval run throughput', threads, 'swift', 'rate')[0]:.2f} images/s "
                         "(whole processes)")
    for work in ("throughput", "caption throughput", "caption-eval run throughput"):
        one, two = table.get(work, 1, "swift", "rate"), table.get(work, 2, "swift", "rate")
        if one and two:
            notes.append(f"{work} 2 threads / 1 thread: {two[0] / one[0]:.2f}x")
    for work in ("decoder step, beam 3", "decoder step, beam 5", "whole process"):
        for threads in (0, *thread_counts):
            ours, theirs = table.get(work, threads, "swift", "caption"), table.get(work, threads, "torch", "caption")
            if ours and theirs:
                same = "same caption" if set(ours) == set(theirs) else f"CAPTIONS DIFFER: {set(ours)} vs {set(theirs)}"
                steps = table.get(work, threads, "swift", "steps")
                notes.append(f"{work}, threads {threads or 'default'}: {same} ({ours[0]!r}"
                             + (f", {steps[0]:.0f} steps" if steps else "") + ")")
    notes.append(f"load average (1 min) at the start, after each round and at the end: {', '.join(loads)} "
                 f"on {os.cpu_count()} cores")
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
