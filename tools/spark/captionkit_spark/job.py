"""The Spark job: input paths -> partitions -> one `caption --json -` process per partition ->
one row per image, written through Spark's file output commit protocol.

Exactly once: each task attempt writes its rows into the output's _temporary folder and only
the attempt Spark commits is moved into place (FileOutputCommitter, algorithm 1), so a task
whose caption process died, or whose executor was lost, and that Spark ran again, leaves its
rows once. The paths are hash-partitioned, so a retry sees the same paths, and a path listed
twice lands in one partition and is captioned once.
"""

import functools
import math
import os
import shutil
import sys
import tempfile
import time

from .caption_process import caption_paths
from .inputs import input_paths, without_done
from .rows import SCHEMA

# Default images per partition (one caption process and one output file each): large enough
# that the model load is noise, small enough that a retried task loses little.
IMAGES_PER_PARTITION = 10_000
# Spark's name of each --format.
SPARK_FORMATS = {"parquet": "parquet", "jsonl": "json"}


class OutputExistsError(RuntimeError):
    """The output exists and --resume was not given."""


def spark_master(master):
    """`local[N]` becomes `local[N,4]`: in local mode Spark retries a failed task only when the
    master names a failure count (spark.task.maxFailures does not apply)."""
    if master.startswith("local[") and "," not in master:
        return master[:-1] + ",4]"
    if master == "local":
        return "local[1,4]"
    return master


def start_session(master, engine, settings):
    """A SparkSession for the job; `settings` are extra `key=value` Spark settings."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("captionkit-caption").master(spark_master(master))
    builder = builder.config("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", "1")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.pyspark.python", os.environ.get("PYSPARK_PYTHON", sys.executable))
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    if engine.archive_setting():
        builder = builder.config("spark.archives", engine.archive_setting())
    for key, value in settings:
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    _ship_package(spark)
    return spark


def _ship_package(spark):
    """Sends this package to the executors' Python workers as a zip (sc.addPyFile)."""
    package = os.path.dirname(os.path.abspath(__file__))
    folder = tempfile.mkdtemp(prefix="captionkit-spark-")
    archive = shutil.make_archive(os.path.join(folder, "captionkit_spark"), "zip",
                                  os.path.dirname(package), os.path.basename(package))
    spark.sparkContext.addPyFile(archive)


def caption_partition(engine, faults, counters, rows):
    """Runs on an executor: the output rows of one partition's input rows."""
    from pyspark import TaskContext

    paths = list(dict.fromkeys(row.path for row in rows))
    context = TaskContext.get()
    environment = {key: value for key, value in os.environ.items() if key != "CAPTIONKIT_FAULT_EXIT_AFTER"}
    hook = None
    for fault in faults:
        environment = fault.caption_environment(context, environment)
        hook = hook or fault.result_hook(context)
    captioned, failed = counters
    for row in caption_paths(engine.command(), paths, env=environment, on_result=hook):
        if row[-1] is None:
            captioned.add(1)
        else:
            failed.add(1)
        yield row


def _hadoop_path(spark, path):
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path, hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def prepare_output(spark, output, resume, log):
    """Refuses an existing output without --resume; with it, removes the _temporary folder an
    interrupted run left (its half-committed tasks would otherwise be committed by this run)."""
    path, filesystem = _hadoop_path(spark, output)
    if not filesystem.exists(path):
        return
    if not resume:
        raise OutputExistsError(f"{output}: already exists; add --resume to caption only the images it lacks, "
                                "or remove it")
    temporary = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(path, "_temporary")
    if filesystem.exists(temporary):
        filesystem.delete(temporary, True)
        log(f"removed {output}/_temporary, left by an interrupted run")


def run(spark, options, engine, faults, log):
    """Captions the input into the output; returns (captioned, failed, partitions)."""
    started = time.monotonic()
    output_format = SPARK_FORMATS[options.format]
    prepare_output(spark, options.output, options.resume, log)
    paths, count = input_paths(spark, options.input)
    if options.resume:
        paths = without_done(spark, paths, options.output, output_format)
        count = None
    if count is None:
        count = paths.count()
    if count == 0:
        log("nothing to caption" + (": the output holds every input image" if options.resume else ""))
        return 0, 0, 0
    context = spark.sparkContext
    partitions = options.partitions or max(context.defaultParallelism, math.ceil(count / IMAGES_PER_PARTITION))
    log(f"{count} images in {partitions} partitions")
    counters = (context.accumulator(0), context.accumulator(0))
    work = functools.partial(caption_partition, engine, faults, counters)
    rows = paths.repartition(partitions, "path").rdd.mapPartitions(work)
    frame = spark.createDataFrame(rows, SCHEMA)
    writer = frame.write.mode("append" if options.resume else "errorifexists").format(output_format)
    if output_format == "json":
        writer = writer.option("ignoreNullFields", "false")  # every row has every field, null or not
    writer.save(options.output)
    log(f"{counters[0].value} captioned, {counters[1].value} failed (rows with an error), in "
        f"{time.monotonic() - started:.1f} s -> {options.output}")
    return counters[0].value, counters[1].value, partitions
