"""Where executors find the `caption` binary and the model, and the command line they run.

Two ways (docs/spark.md): a shared filesystem path that every executor sees (the default: this
checkout's .build/release/caption), or the engine archive that scripts/caption-spark-archive
builds (bin/caption, its libraries, model/), shipped with Spark's `spark.archives` (what
spark-submit's --archives sets) and unpacked by Spark on each executor under ARCHIVE_NAME.
"""

import os

# The name Spark unpacks the engine archive under (the `#name` of `--archives FILE#name`).
ARCHIVE_NAME = "captionkit-engine"


class EngineError(RuntimeError):
    """The caption binary or the model is not where the job was told it is."""


class Engine:
    """The caption command line of one task; built on the driver, used on the executors."""

    def __init__(self, caption=None, model=None, archive=None, beam_size=None, max_length=None, threads=1,
                 precision=None):
        self.caption = caption
        self.model = model
        self.archive = archive
        self.beam_size = beam_size
        self.max_length = max_length
        self.threads = threads
        self.precision = precision

    def archive_setting(self):
        """The `spark.archives` value that ships the engine archive, None without one."""
        return f"{self.archive}#{ARCHIVE_NAME}" if self.archive else None

    def command(self):
        """The command line (without `--json -`); run on an executor. Raises EngineError."""
        if self.archive:
            from pyspark import SparkFiles
            root = SparkFiles.get(ARCHIVE_NAME)
            binary = os.path.join(root, "bin", "caption")
            model = self.model or os.path.join(root, "model")
            where = f"the engine archive unpacked at {root}"
        else:
            binary, model, where = self.caption, self.model, "the shared path"
        if not binary or not os.access(binary, os.X_OK):
            raise EngineError(f"{binary}: no executable caption command here ({where})")
        if model and not os.path.exists(model):
            raise EngineError(f"{model}: no model bundle here ({where})")
        command = [binary, "--threads", str(self.threads)]
        if model:
            command += ["--model", model]
        if self.beam_size is not None:
            command += ["--beam-size", str(self.beam_size)]
        if self.max_length is not None:
            command += ["--max-length", str(self.max_length)]
        if self.precision is not None:
            command += ["--precision", self.precision]
        return command
