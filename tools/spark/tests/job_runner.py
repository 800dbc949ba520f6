"""Runs the Spark job (`python -m captionkit_spark`) as its own process, as scripts/caption-spark
does, bounded in time, and returns its exit status and standard error."""

import os
import subprocess
import sys

from scene_set import ROOT, caption_binary

JOB_TIMEOUT_SECONDS = 900


def run_job(arguments, cwd, extra_environment=None):
    """(exit status, standard error) of the job run with `arguments` in `cwd`."""
    environment = dict(os.environ, CAPTIONKIT_SPARK_CAPTION=caption_binary(), SPARK_LOCAL_IP="127.0.0.1",
                       PYTHONPATH=os.path.join(ROOT, "tools", "spark"), PYSPARK_PYTHON=sys.executable)
    environment.update(extra_environment or {})
    command = [sys.executable, "-m", "captionkit_spark", "--conf", "spark.ui.enabled=false"] + list(arguments)
    run = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True,
                         timeout=JOB_TIMEOUT_SECONDS, check=False)
    if os.environ.get("CAPTIONKIT_SPARK_TEST_LOG"):  # keep the job's own lines (timings) for the figures
        with open(os.environ["CAPTIONKIT_SPARK_TEST_LOG"], "a") as log:
            log.write("".join(f"{line}\n" for line in run.stderr.splitlines() if line.startswith("caption-spark:")))
    return run.returncode, run.stderr
