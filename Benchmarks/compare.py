#!/usr/bin/env python3
"""Benchmarks/run's comparisons: CaptionKit against Pillow and the PyTorch reference, alternately.

Usage (Benchmarks/run passes these; run it through the tools venv's Python):
    compare.py --bin SWIFT_BIN_DIR --bundle DIR --image JPEG --crops FOLDER [--photo JPEG]
               [--rounds R] [--runs N] [--image-runs N] [--threads 1,2] [--count 100]
               [--only image,encoder,decoder,process,throughput]

For each measurement and thread count, R rounds each run the Swift side (ImageBenchmark,
ModelBenchmark, the `caption` command) and then the reference (tools/image_benchmark.py,
tools/torch_benchmark.py) on the same input, so slow spells of a shared machine hit both sides
alike. Each round's process warms up once and times N runs; the table gives the median and range
over all rounds' runs, and four ratios (CaptionKit / reference): wall and CPU time, each from the
medians and from the minimums. Whole processes are timed from outside (wall time, CPU time and
peak resident memory of the child, from wait4).

Load guard: before each measurement the 1-minute load average must be at most 0.5 plus the
measurement's own threads (the benchmark's previous measurement counts in the average, so the
guard waits up to --settle seconds for it to decay). A row with a round that started above its
limit prints "machine busy" and the highest start load instead of ratios: a ratio is printed only
when every round of its row started on a quiet machine. The load at the start and end of every
measurement is recorded and printed with the row.

Throughput is CaptionKit's alone: Captioner.captions over --count in-memory crops, and
`caption --threads T` and `caption-eval run --threads T` over the crops folder (its
dataset.json). OpenBLAS sgemm GFLOP/s is measured in every encoder round too, as the yardstick
for the encoder's GFLOP/s. The encoder rounds also run CaptionKit's bf16 and int8 encoders where
the CPU has their instructions (`ModelBenchmark precisions`), each against the same round's
PyTorch float32 encoder. Prints the Markdown table and notes to standard output; never fails
on a slow result.
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
IMAGE = [sys.executable, str(ROOT / "tools" / "image_benchmark.py")]


def json_lines(command: list[str]) -> list[dict]:
    """Runs `command` and returns the JSON objects it printed, one per line."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def whole_process(command: list[str], json_output: bool = True) -> tuple[float, float, float, dict]:
    """Wall milliseconds, CPU milliseconds (user + system), peak resident MiB and the printed JSON
    (when `json_output`; else an empty dict) of one run of `command`."""
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
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss / 1024, printed


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


def ratio(table: Table, work: str, threads: int, key: str = "wall", pick=statistics.median) -> float | None:
    """CaptionKit / reference of `pick` (median or min) over every round's runs."""
    ours, theirs = table.get(work, threads, "swift", key), table.get(work, threads, "torch", key)
    if not ours or not theirs:
        return None
    return pick(ours) / pick(theirs)


def load_average() -> float:
    """The 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


class LoadGuard:
    """Waits for a quiet machine before each measurement and records the load around it."""

    def __init__(self, settle_seconds: float):
        self.settle_seconds = settle_seconds

    @staticmethod
    def limit(threads: int) -> float:
        """The highest 1-minute load at which a measurement using `threads` threads (0: the
        default, every core) may start."""
        return 0.5 + (threads or os.cpu_count())

    def start(self, threads: int) -> float:
        """The load once it is at most the limit, or after --settle seconds of waiting."""
        waited = 0.0
        while (load := load_average()) > self.limit(threads) and waited < self.settle_seconds:
            time.sleep(5)
            waited += 5
        return load

    def measured(self, table: Table, work: str, threads: int, body) -> None:
        """Runs `body` (which measures both sides), recording the load before and after."""
        before = self.start(threads)
        body()
        table.add(work, threads, "swift", load_start=before, load_end=load_average())


def verdict(table: Table, work: str, threads: int) -> str | None:
    """"machine busy ..." when a round of this row started above the load limit, else None."""
    starts = table.get(work, threads, "swift", "load_start")
    limit = LoadGuard.limit(threads)
    worst = max(starts, default=0.0)
    return f"machine busy (load {worst:.2f} > {limit:.1f} at a round's start)" if worst > limit else None


def load_range(table: Table, work: str, threads: int) -> str:
    """The loads around this row's measurements, lowest to highest."""
    loads = table.get(work, threads, "swift", "load_start") + table.get(work, threads, "swift", "load_end")
    return f"{min(loads):.2f}-{max(loads):.2f}" if loads else "-"


def encoder_work(precision: str) -> str:
    """The table row of the encoder in `precision` (always against PyTorch in float32)."""
    return "encoder" if precision == "fp32" else f"encoder {precision} (PyTorch fp32)"


def swift_command(arguments):
    """The command line start of one of the built Swift executables, by name."""
    return lambda name: [str(arguments.bin / name)]


def measure_round(arguments, table: Table, guard: LoadGuard, only: set[str], thread_counts: list[int]) -> None:
    """One round: every chosen measurement, Swift side first, each behind the load guard."""
    model, swift = ["--model", arguments.bundle], swift_command(arguments)
    runs = ["--runs", str(arguments.runs)]
    if "image" in only:
        def image():
            ours = next(line for line in json_lines(swift("ImageBenchmark") + [
                arguments.photo, "--size", "224", "--runs", str(arguments.image_runs)]) if line["step"] == "decode+resize")
            (theirs,) = json_lines(IMAGE + ["pillow", arguments.photo, "--size", "224", "--runs", str(arguments.image_runs)])
            table.add("12 MP JPEG decode + resize", 1, "swift", wall=ours["wall_ms"], cpu=ours["cpu_ms"])
            table.add("12 MP JPEG decode + resize", 1, "torch", wall=theirs["wall_ms"], cpu=theirs["cpu_ms"])
        guard.measured(table, "12 MP JPEG decode + resize", 1, image)
    for threads in thread_counts:
        threading = ["--threads", str(threads)]
        if "encoder" in only:
            def encoder():
                (gemm,) = json_lines(swift("ModelBenchmark") + ["sgemm"] + threading + runs)
                table.add("sgemm", threads, "swift", gflops=gemm["gflops_runs"])
                for precision in arguments.precisions:
                    (ours,) = json_lines(swift("ModelBenchmark") + ["encoder", *model, "--image", arguments.image,
                                                                    "--precision", precision] + threading + runs)
                    table.add(encoder_work(precision), threads, "swift", wall=ours["wall_ms"], cpu=ours["cpu_ms"],
                              gflop=ours["gflop"], peak=ours["peak_extra_mb"], anonymous=ours["anonymous_extra_mb"])
                (theirs,) = json_lines(TORCH + ["encoder", *model, "--image", arguments.image] + threading + runs)
                for precision in arguments.precisions:
                    table.add(encoder_work(precision), threads, "torch", wall=theirs["wall_ms"], cpu=theirs["cpu_ms"])
            guard.measured(table, "encoder", threads, encoder)
            for precision in arguments.precisions[1:]:
                # The reduced-precision rows share the round (and its loads) with the fp32 row.
                for key in ("load_start", "load_end"):
                    table.add(encoder_work(precision), threads, "swift", **{key: table.get("encoder", threads, "swift", key)[-1]})
        if "decoder" in only:
            for beam in (3, 5):
                work = f"decoder step, beam {beam}"

                def decoder():
                    beam_option = ["--beam", str(beam)]
                    (ours,) = json_lines(swift("ModelBenchmark") + ["decoder", *model, "--image", arguments.image]
                                         + beam_option + threading + runs)
                    (theirs,) = json_lines(TORCH + ["decoder", *model, "--image", arguments.image]
                                           + beam_option + threading + runs)
                    table.add(work, threads, "swift", wall=ours["wall_ms"], cpu=ours["cpu_ms"], steps=ours["steps"],
                              caption=ours["caption"])
                    table.add(work, threads, "torch", wall=theirs["wall_ms"], cpu=theirs["cpu_ms"],
                              steps=theirs["steps"], caption=theirs["caption"])
                guard.measured(table, work, threads, decoder)
    if "process" in only:
        def process():
            for side, command in (("swift", swift("caption") + ["--json"] + model + [arguments.image]),
                                  ("torch", TORCH + ["caption"] + model + [arguments.image])):
                wall, cpu, resident, printed = whole_process(command)
                table.add("whole process", 0, side, wall=wall, cpu=cpu, resident=resident, caption=printed["caption"])
        guard.measured(table, "whole process", 0, process)


def measure_throughput(arguments, table: Table, guard: LoadGuard, thread_counts: list[int]) -> None:
    """CaptionKit's images per second through the library, `caption` and `caption-eval run`."""
    model, swift = ["--model", arguments.bundle], swift_command(arguments)
    crops = sorted(arguments.crops.glob("*.jpg"))
    for threads in thread_counts:
        def throughput():
            (ours,) = json_lines(swift("ModelBenchmark") + ["throughput", *model, "--image", arguments.image,
                                 "--count", str(arguments.count), "--runs", "1", "--threads", str(threads)])
            table.add("throughput", threads, "swift", rate=ours["images_per_second"], wall=ours["wall_ms"],
                      cpu=ours["cpu_ms"])
            wall, _, _, _ = whole_process(swift("caption") + ["--json", "--threads", str(threads)] + model
                                          + [str(arguments.crops)])
            table.add("caption throughput", threads, "swift", rate=len(crops) * 1000 / wall, wall=wall)
            results = arguments.crops.parent / f"caption-eval-results-{threads}.json"
            wall, _, _, _ = whole_process(swift("caption-eval") + [
                "run", "--dataset", str(arguments.crops / "dataset.json"), "--images", str(arguments.crops),
                "--out", str(results), "--threads", str(threads)] + model, json_output=False)
            table.add("caption-eval run throughput", threads, "swift", rate=len(crops) * 1000 / wall, wall=wall)
        guard.measured(table, "throughput", threads, throughput)


def print_table(table: Table, thread_counts: list[int]) -> None:
    """The comparison rows: times, the four ratios (or "machine busy") and the load."""
    print("| work | threads | CaptionKit wall ms median (range) | reference wall ms median (range) | "
          "CaptionKit CPU ms median | reference CPU ms median | ratio wall median / min | "
          "ratio CPU median / min | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [("12 MP JPEG decode + resize", 1)]
    encoders = [encoder_work(precision) for precision in ("fp32", "bf16", "int8")]
    rows += [(work, threads) for work in (*encoders, "decoder step, beam 3", "decoder step, beam 5")
             for threads in thread_counts]
    rows += [("whole process", 0)]
    for work, threads in rows:
        if not table.get(work, threads, "swift", "wall"):
            continue
        busy = verdict(table, work, threads)
        if busy:
            ratios = [busy, "-"]
        else:
            ratios = [f"{ratio(table, work, threads, key):.2f} / {ratio(table, work, threads, key, min):.2f}"
                      for key in ("wall", "cpu")]
        cpu = [f"{statistics.median(table.get(work, threads, side, 'cpu')):.1f}" for side in ("swift", "torch")]
        print(f"| {work} | {threads or 'default'} | {summary(table.get(work, threads, 'swift', 'wall'))} | "
              f"{summary(table.get(work, threads, 'torch', 'wall'))} | {cpu[0]} | {cpu[1]} | {ratios[0]} | "
              f"{ratios[1]} | {load_range(table, work, threads)} |")
    if table.get("whole process", 0, "swift", "resident"):
        print(f"| whole process (peak RSS MiB) | default | {summary(table.get('whole process', 0, 'swift', 'resident'))} | "
              f"{summary(table.get('whole process', 0, 'torch', 'resident'))} | | | "
              f"{ratio(table, 'whole process', 0, 'resident'):.2f} | | |")


def notes(arguments, table: Table, thread_counts: list[int]) -> list[str]:
    """GFLOP/s, memory, throughput, caption agreement: the lines under the table."""
    lines = []
    for threads in thread_counts:
        gemm = table.get("sgemm", threads, "swift", "gflops")
        for precision in arguments.precisions:
            work = encoder_work(precision)
            encoder = table.get(work, threads, "swift", "wall")
            if not (encoder and gemm):
                continue
            gflop = table.get(work, threads, "swift", "gflop")[0]
            peak = max(table.get(work, threads, "swift", "peak"))
            anonymous = max(table.get(work, threads, "swift", "anonymous"))
            lines.append(f"encoder {precision}, {threads} thread(s): {gflop / statistics.median(encoder) * 1000:.1f} "
                         f"GFLOP/s ({gflop:.1f} GFLOP of 3x3 convolutions, counted as direct convolution) against "
                         f"OpenBLAS sgemm {statistics.median(gemm):.1f} GFLOP/s (2048^3, median) in the same run; "
                         f"memory of the first pass: {anonymous:.1f} MiB allocated (scratch, kept), resident peak "
                         f"+{peak:.1f} MiB (weight pages read for the first time included)")
        rate = table.get("throughput", threads, "swift", "rate")
        if rate:
            busy = verdict(table, "throughput", threads)
            lines.append(f"throughput, {threads} thread(s): {rate[0]:.2f} images/s over {arguments.count} images "
                         f"(Captioner.captions, CPU {statistics.median(table.get('throughput', threads, 'swift', 'cpu')) / 1000:.1f} s); "
                         f"`caption --threads {threads}` over the {len(list(arguments.crops.glob('*.jpg')))} crop files: "
                         f"{table.get('caption throughput', threads, 'swift', 'rate')[0]:.2f} images/s, "
                         f"`caption-eval run --threads {threads}` (caption and score): "
                         f"{table.get('caption-eval run throughput', threads, 'swift', 'rate')[0]:.2f} images/s "
                         f"(whole processes; load {load_range(table, 'throughput', threads)}"
                         + (f"; {busy}" if busy else "") + ")")
    for work in ("throughput", "caption throughput", "caption-eval run throughput"):
        one, two = table.get(work, 1, "swift", "rate"), table.get(work, 2, "swift", "rate")
        if one and two:
            lines.append(f"{work} 2 threads / 1 thread: {two[0] / one[0]:.2f}x")
    for work in ("decoder step, beam 3", "decoder step, beam 5", "whole process"):
        for threads in (0, *thread_counts):
            ours, theirs = table.get(work, threads, "swift", "caption"), table.get(work, threads, "torch", "caption")
            if ours and theirs:
                same = "same caption" if set(ours) == set(theirs) else f"CAPTIONS DIFFER: {set(ours)} vs {set(theirs)}"
                steps = table.get(work, threads, "swift", "steps")
                lines.append(f"{work}, threads {threads or 'default'}: {same} ({ours[0]!r}"
                             + (f", {steps[0]:.0f} steps" if steps else "") + ")")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, type=Path)
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--crops", required=True, type=Path)
    parser.add_argument("--photo", help="the 12 MP JPEG of the image benchmark")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--image-runs", type=int, default=5)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--settle", type=float, default=90, help="seconds to wait for the load to fall")
    parser.add_argument("--only", default="image,encoder,decoder,process,throughput")
    arguments = parser.parse_args()
    only = set(arguments.only.split(","))
    thread_counts = [int(t) for t in arguments.threads.split(",")]
    # fp32, then the reduced precisions this CPU runs; the int8 encoder needs the bundle's
    # calibration (made from the photo, once).
    swift = swift_command(arguments)
    (supported,) = json_lines(swift("ModelBenchmark") + ["precisions"])
    arguments.precisions = [p for p in ("fp32", "bf16", "int8") if p in supported["supported"]]
    if "int8" in arguments.precisions and "encoder" in only:
        subprocess.run(swift("ModelBenchmark") + ["calibrate", "--model", arguments.bundle, "--image", arguments.image],
                       check=True)
    table, guard, loads = Table(), LoadGuard(arguments.settle), [load_average()]

    for round_index in range(arguments.rounds):
        print(f"round {round_index + 1}/{arguments.rounds} (load {load_average():.2f})", file=sys.stderr)
        measure_round(arguments, table, guard, only, thread_counts)
        loads.append(load_average())
    if "throughput" in only:
        measure_throughput(arguments, table, guard, thread_counts)
        loads.append(load_average())

    print_table(table, thread_counts)
    print()
    for line in notes(arguments, table, thread_counts):
        print(f"- {line}")
    print(f"- load average (1 min) at the start, after each round and at the end: "
          f"{', '.join(f'{load:.2f}' for load in loads)} on {os.cpu_count()} cores; a ratio is printed only when "
          f"every round of its row started at a load of at most 0.5 + its threads")


if __name__ == "__main__":
    main()
