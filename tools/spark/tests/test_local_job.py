"""The Spark job in local mode (local[2]): output equal to `caption --json` for every image,
each exactly once, through a crashed caption process, a resume after an interrupted run, and
the engine archive."""

import glob
import os
import shutil
import subprocess

import pytest

from job_runner import run_job
from output_check import check_rows, read_jsonl
from scene_set import MODEL, ROOT, write_list


def absolute(folder, relative_paths):
    return [os.path.join(folder, path) for path in relative_paths]


def test_local_job_survives_a_crashed_caption_process(image_set, reference, tmp_path):
    folder, listed = image_set
    write_list(os.path.join(folder, "all.txt"), listed)
    output = str(tmp_path / "captions")
    status, log = run_job(["--input", "all.txt", "--output", output, "--format", "jsonl", "--model", MODEL,
                           "--master", "local[2]", "--partitions", "4", "--inject-fault", "caption:1:40"], cwd=folder)
    assert status == 0, log[-3000:]
    assert "CaptionProcessError: caption was killed by signal 9 after 39 of" in log, \
        "the injected crash did not happen:\n" + log[-3000:]
    assert os.path.exists(os.path.join(output, "_SUCCESS"))
    check_rows(read_jsonl(output), absolute(folder, listed), reference)


def test_resume_captions_only_what_the_output_lacks(image_set, reference, tmp_path):
    folder, listed = image_set
    output = str(tmp_path / "captions")
    first, everything = listed[:150], listed[:300] + listed[-2:]
    write_list(os.path.join(folder, "first.txt"), first)
    write_list(os.path.join(folder, "everything.txt"), everything)
    status, log = run_job(["--input", "first.txt", "--output", output, "--format", "jsonl", "--model", MODEL,
                           "--partitions", "3"], cwd=folder)
    assert status == 0, log[-3000:]
    check_rows(read_jsonl(output), absolute(folder, first), reference)
    # What a run killed after committing a task leaves: rows under _temporary that no job
    # committed. Resuming must not commit them along with its own.
    stale = os.path.join(output, "_temporary", "0", "task_stale")
    os.makedirs(stale)
    shutil.copy(sorted(glob.glob(os.path.join(output, "part-*")))[0], os.path.join(stale, "part-99999-stale.json"))
    status, log = run_job(["--input", "everything.txt", "--output", output, "--format", "jsonl", "--model", MODEL,
                           "--resume"], cwd=folder)
    assert status == 0, log[-3000:]
    assert "152 images in" in log and "removed" in log, log[-3000:]
    check_rows(read_jsonl(output), absolute(folder, everything), reference)
    status, log = run_job(["--input", "everything.txt", "--output", output, "--format", "jsonl", "--model", MODEL,
                           "--resume"], cwd=folder)
    assert status == 0 and "nothing to caption" in log, log[-3000:]


@pytest.mark.cluster  # slow (builds the archive); the cluster test ships the archive too
def test_engine_archive_shipped_with_spark(image_set, reference, tmp_path):
    folder, listed = image_set
    archive = str(tmp_path / "engine.tar.gz")
    build = subprocess.run([os.path.join(ROOT, "scripts", "caption-spark-archive"), "--model", MODEL, "--out", archive],
                           capture_output=True, text=True, timeout=900, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    output = str(tmp_path / "captions")
    status, log = run_job(["--input", os.path.join(folder, "copy3"), "--output", output, "--format", "jsonl",
                           "--archive", archive], cwd=str(tmp_path),
                          extra_environment={"CAPTIONKIT_SPARK_CAPTION": "/nonexistent/caption"})
    assert status == 0, log[-3000:]
    copy3 = [path for path in listed if path.startswith("copy3/")]
    check_rows(read_jsonl(output), absolute(folder, copy3), reference)


def test_usage_errors_are_one_line(tmp_path):
    status, log = run_job(["--input", "nowhere.txt", "--output", str(tmp_path / "out")], cwd=str(tmp_path))
    assert status == 64 and log.strip() == "caption-spark: nowhere.txt: no such list file or folder", log
    status, log = run_job(["--input", str(tmp_path), "--output", str(tmp_path / "out"), "--inject-fault", "disk:0:1"],
                          cwd=str(tmp_path))
    assert status == 64 and "expected KIND:PARTITION:K" in log, log
    status, log = run_job(["--input", str(tmp_path), "--output", str(tmp_path)], cwd=str(tmp_path))
    assert status == 64 and log.strip().endswith("already exists; add --resume to caption only the images it "
                                                 "lacks, or remove it"), log
