"""The job's input: image paths from a list file or a folder, as a DataFrame with one `path`
column, less (with --resume) the paths the output already holds.

A local list file or folder is read by the driver: relative paths are taken from the driver's
working directory, as `caption -` takes them, and made absolute so that executors find them.
A list given as a URI (hdfs://..., s3a://..., file://...) is read by Spark itself, for lists
too large for the driver; its paths must then be absolute.
"""

import os

# File name extensions taken from folders (as the caption command takes them).
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


class InputError(RuntimeError):
    """The input cannot be read (one line naming it and why)."""


def list_folder(folder):
    """Every JPEG/PNG file under `folder`, recursively, sorted; hidden names and links to
    folders skipped (as `caption --recursive` does)."""
    found = []
    for directory, folders, files in os.walk(folder, onerror=_raise_input_error):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(IMAGE_EXTENSIONS):
                found.append(os.path.join(directory, name))
    return found


def _raise_input_error(error):
    raise InputError(f"{error.filename}: cannot read folder: {error.strerror}")


def read_list(list_file):
    """The paths in a list file, one per line (blank lines skipped), made absolute."""
    try:
        with open(list_file, encoding="utf-8", newline="\n") as lines:
            return [os.path.abspath(line.rstrip("\r\n")) for line in lines if line.strip("\r\n")]
    except OSError as error:
        raise InputError(f"{list_file}: cannot read the list: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{list_file}: the list is not UTF-8 text ({error.reason} at byte {error.start})") from None


def input_paths(spark, source):
    """(DataFrame of the paths `source` names, their count or None when Spark has to count
    them): `source` is a list file, a folder, or a list's URI."""
    if "://" in source:
        from pyspark.sql import functions

        lines = spark.read.text(source)
        path = functions.regexp_replace(functions.col("value"), "\r$", "")
        return lines.select(path.alias("path")).where(functions.col("path") != ""), None
    if os.path.isdir(source):
        paths = list_folder(os.path.abspath(source))
    elif os.path.exists(source):
        paths = read_list(source)
    else:
        raise InputError(f"{source}: no such list file or folder")
    return spark.createDataFrame([(path,) for path in paths], "path string"), len(paths)


def without_done(spark, paths, output, output_format):
    """`paths` less those that `output` (an earlier run's committed rows) already holds."""
    from pyspark.sql.utils import AnalysisException

    from .rows import SCHEMA

    try:
        done = spark.read.format(output_format).schema(SCHEMA).load(output).select("path")
    except AnalysisException as error:
        if "PATH_NOT_FOUND" in str(error) or "Path does not exist" in str(error):
            return paths
        raise
    return paths.join(done, "path", "left_anti")
