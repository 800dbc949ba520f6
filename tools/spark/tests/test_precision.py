"""`--precision`: the caption command line a task runs carries it, int8 without the bundle's
calibration is a usage error, and a job with an int8 model writes what `caption --precision
int8` prints."""

import os
import shutil
import subprocess
import sys

from captionkit_spark.engine import Engine
from job_runner import run_job
from output_check import check_rows, read_jsonl
from scene_set import MODEL, SCENES, caption_eval_binary, originals, reference_captions, write_list


def test_the_task_command_carries_every_option(tmp_path):
    model = str(tmp_path)
    engine = Engine(caption=sys.executable, model=model, beam_size=5, max_length=12, threads=2, precision="int8")
    assert engine.command() == [sys.executable, "--threads", "2", "--model", model, "--beam-size", "5",
                                "--max-length", "12", "--precision", "int8"]
    assert Engine(caption=sys.executable, model=model).command() == [sys.executable, "--threads", "1", "--model", model]


def test_int8_without_calibration_and_an_unknown_precision_are_usage_errors(tmp_path):
    status, log = run_job(["--input", SCENES, "--output", str(tmp_path / "out"), "--model", MODEL,
                           "--precision", "int8"], cwd=str(tmp_path))
    calibration = os.path.join(MODEL, "int8-calibration.json")
    assert status == 64 and log.strip() == (f"caption-spark: {calibration}: missing; --precision int8 needs the "
                                            "bundle's calibration (caption-eval calibrate writes it)"), log
    status, log = run_job(["--input", SCENES, "--output", str(tmp_path / "out"), "--precision", "fp16"],
                          cwd=str(tmp_path))
    assert status == 64 and log.strip().startswith("caption-spark: argument --precision: invalid choice: 'fp16'"), log
    assert not os.path.exists(tmp_path / "out")


def test_an_int8_job_writes_what_caption_int8_prints(tmp_path):
    model = str(tmp_path / "model")
    shutil.copytree(MODEL, model)
    calibrate = subprocess.run([caption_eval_binary(), "calibrate", "--dataset", os.path.join(SCENES, "dataset.json"),
                                "--images", SCENES, "--split", "test", "--count", "20", "--model", model],
                               capture_output=True, text=True, timeout=600, check=False)
    assert calibrate.returncode == 0, calibrate.stderr[-2000:]
    images = originals()[:40]
    reference = reference_captions(images, model=model, options=("--precision", "int8"))
    write_list(str(tmp_path / "list.txt"), images)
    output = str(tmp_path / "captions")
    status, log = run_job(["--input", "list.txt", "--output", output, "--format", "jsonl", "--model", model,
                           "--precision", "int8", "--partitions", "2"], cwd=str(tmp_path))
    assert status == 0, log[-3000:]
    check_rows(read_jsonl(output), images, reference)
