"""The Spark job on a standalone cluster on loopback (master + two one-core workers), with the
engine shipped as an archive, a caption process killed in one task and an executor killed in
another: the output still holds every image exactly once, captioned as `caption --json` does."""

import os
import subprocess

import pytest

from job_runner import run_job
from output_check import check_rows, read_parquet
from scene_set import MODEL, ROOT, write_list
from standalone_cluster import standalone_cluster

pytestmark = pytest.mark.cluster


def test_standalone_cluster_job_survives_a_lost_executor(image_set, reference, reader, tmp_path):
    folder, listed = image_set
    write_list(os.path.join(folder, "all.txt"), listed)
    archive = str(tmp_path / "engine.tar.gz")
    build = subprocess.run([os.path.join(ROOT, "scripts", "caption-spark-archive"), "--model", MODEL, "--out", archive],
                           capture_output=True, text=True, timeout=900, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    output = str(tmp_path / "captions")
    with standalone_cluster(str(tmp_path / "cluster")) as master:
        status, log = run_job(["--input", "all.txt", "--output", output, "--archive", archive, "--master", master,
                               "--partitions", "4", "--inject-fault", "caption:0:30",
                               "--inject-fault", "executor:1:20", "--conf", "spark.executor.memory=512m",
                               "--conf", "spark.driver.host=127.0.0.1"], cwd=folder)
    assert status == 0, log[-4000:]
    assert "killed by signal 9 after 29 of" in log, "the injected caption crash did not happen:\n" + log[-4000:]
    assert "ExecutorLostFailure" in log or "Lost executor" in log, \
        "the injected executor loss did not happen:\n" + log[-4000:]
    check_rows(read_parquet(reader, output), [os.path.join(folder, path) for path in listed], reference)
