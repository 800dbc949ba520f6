"""`caption-spark`: the command line of the Spark job (scripts/caption-spark runs it).

Exit status: 0 when the job wrote its output (images that could not be captioned are rows
with an error), 1 when the job failed, 64 for a usage error. Errors are one line on standard
error, `caption-spark: ...`.
"""

import argparse
import os
import re
import sys
import tempfile
import time

from .engine import Engine
from .faults import FaultPlan
from .job import SPARK_FORMATS, run, start_session

USAGE_ERROR = 64

# The values of `caption --precision`.
PRECISIONS = ["fp32", "bf16", "int8"]

# The file an int8 encoder reads from a model bundle folder (`caption-eval calibrate` writes it).
CALIBRATION_FILE = "int8-calibration.json"


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 64 (argparse's own is 2)."""

    def error(self, message):
        self.exit(USAGE_ERROR, f"caption-spark: {message}\n")


def parser():
    """The argument parser."""
    commands = _ArgumentParser(
        prog="caption-spark",
        description="Caption every image of a list or folder on Apache Spark: one row per image "
                    "(path, caption, tokens, score, finished, error), written exactly once.")
    commands.add_argument("--input", required=True, metavar="LIST_OR_DIR",
                          help="a text file of image paths (one per line; relative to the working directory), "
                               "a folder (every .jpg/.jpeg/.png below it), or a list's URI (hdfs://, s3a://)")
    commands.add_argument("--output", required=True, metavar="OUT", help="output folder (any Spark filesystem)")
    commands.add_argument("--format", choices=sorted(SPARK_FORMATS), default="parquet", help="default: parquet")
    commands.add_argument("--model", metavar="M", help="model bundle on a path every executor sees "
                          "(default: the engine archive's model, else the caption command's default)")
    commands.add_argument("--caption", metavar="PATH",
                          help="the caption binary on a path every executor sees (scripts/caption-spark: this "
                               "checkout's .build/release/caption, through $CAPTIONKIT_SPARK_CAPTION)")
    commands.add_argument("--archive", metavar="ENGINE.tar.gz",
                          help="engine archive from scripts/caption-spark-archive, shipped to every executor "
                               "(spark.archives); replaces --caption")
    commands.add_argument("--beam-size", type=int, metavar="K", help="beams kept (caption's default: 3)")
    commands.add_argument("--max-length", type=int, metavar="N", help="most words per caption (caption's default)")
    commands.add_argument("--precision", choices=PRECISIONS,
                          help="the encoder's arithmetic (caption --precision; default fp32): int8 needs the "
                               "bundle's int8-calibration.json; a precision an executor's CPU lacks runs fp32")
    commands.add_argument("--partitions", type=int, metavar="N",
                          help="partitions, one caption process each (default: the cores, or one per 10,000 images)")
    commands.add_argument("--master", default="local[2]", help="local[N] or spark://HOST:PORT (default: local[2])")
    commands.add_argument("--resume", action="store_true",
                          help="OUT may exist: caption only the images it does not hold yet, and append")
    commands.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting")
    commands.add_argument("--inject-fault", action="append", default=[], metavar="KIND:PARTITION:K",
                          help="testing: break the first attempt of task PARTITION at its K-th image; KIND caption "
                               "(the caption process dies) or executor (the executor JVM is killed; clusters only)")
    return commands


def validate(options):
    """The checks argparse cannot make; raises ValueError with the message."""
    if "://" not in options.input and not os.path.exists(options.input):
        raise ValueError(f"{options.input}: no such list file or folder")
    if "://" not in options.output and os.path.exists(options.output) and not options.resume:
        raise ValueError(f"{options.output}: already exists; add --resume to caption only the images it lacks, "
                         "or remove it")
    if options.archive and options.caption:
        raise ValueError("--archive and --caption cannot be used together")
    if not options.archive and not options.caption:
        options.caption = os.environ.get("CAPTIONKIT_SPARK_CAPTION")
        if not options.caption:
            raise ValueError("name the engine: --caption PATH (shared path) or --archive ENGINE.tar.gz")
    if options.archive and not os.path.isfile(options.archive):
        raise ValueError(f"{options.archive}: no such engine archive")
    if options.precision == "int8" and options.model and os.path.isdir(options.model):
        calibration = os.path.join(options.model, CALIBRATION_FILE)
        if not os.path.isfile(calibration):
            raise ValueError(f"{calibration}: missing; --precision int8 needs the bundle's calibration "
                             "(caption-eval calibrate writes it)")
    for name in ("beam_size", "max_length", "partitions"):
        value = getattr(options, name)
        if value is not None and value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    for setting in options.conf:
        if "=" not in setting:
            raise ValueError(f"--conf {setting}: expected KEY=VALUE")
    faults = [FaultPlan.parse(text) for text in options.inject_fault]
    if faults:
        marker_folder = tempfile.mkdtemp(prefix="captionkit-spark-faults-")
        for fault in faults:
            fault.marker_folder = marker_folder
    if any(fault.kind == "executor" for fault in faults) and options.master.startswith("local"):
        raise ValueError("--inject-fault executor:... needs a cluster master (in local mode the executor is the driver)")
    return faults


def engine_for(options, threads):
    """The Engine the options describe (paths made absolute for the executors)."""
    absolute = lambda path: os.path.abspath(path) if path else None  # noqa: E731
    return Engine(caption=absolute(options.caption), model=absolute(options.model),
                  archive=absolute(options.archive), beam_size=options.beam_size,
                  max_length=options.max_length, threads=threads, precision=options.precision)


def log(message):
    """One line on standard error."""
    print(f"caption-spark: {message}", file=sys.stderr, flush=True)


def failure_summary(error):
    """One line for a failed job: the Python error of the last task attempt when there is one."""
    text = str(error)
    found = re.findall(r"^(?:[\w.]+\.)?(\w+(?:Error|Exception)): (.+)$", text, flags=re.MULTILINE)
    python_errors = [f"{name}: {message}" for name, message in found if not name.startswith("Py4J")]
    if python_errors:
        return python_errors[-1]
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def main(arguments=None):
    """Runs the command; returns the exit status."""
    started = time.monotonic()
    options = parser().parse_args(arguments)
    try:
        faults = validate(options)
    except ValueError as error:
        log(str(error))
        return USAGE_ERROR
    settings = [tuple(setting.split("=", 1)) for setting in options.conf]
    task_threads = int(dict(settings).get("spark.task.cpus", "1"))
    engine = engine_for(options, task_threads)
    spark = None
    try:
        spark = start_session(options.master, engine, settings)
        log(f"Spark {spark.version} session on {options.master} ready in {time.monotonic() - started:.1f} s")
        run(spark, options, engine, faults, log)
    except Exception as error:  # noqa: BLE001 -- every failure becomes one line and status 1
        log(f"failed: {failure_summary(error)}")
        return 1
    finally:
        if spark is not None:
            spark.stop()
    log(f"done in {time.monotonic() - started:.1f} s")
    return 0
