"""The caption process protocol (caption_process.py) against a stand-in command: rows in
order, failures as rows with the reason, a dead, hung or garbled process as an error."""

import os
import sys

import pytest

from captionkit_spark.caption_process import CaptionProcessError, caption_paths

FAKE = [sys.executable, os.path.join(os.path.dirname(__file__), "fake_caption.py")]


def run(paths, **environment):
    env = dict(os.environ, **{key: str(value) for key, value in environment.items()})
    return list(caption_paths(FAKE, paths, env=env, image_timeout=20))


def test_every_path_gets_one_row_in_order():
    paths = [f"/images/{number}.png" for number in range(50)]
    rows = run(paths)
    assert [row[0] for row in rows] == paths
    assert rows[3] == ("/images/3.png", "a 3.png", ["a", "3.png"], -1.5, True, None)


def test_a_failed_image_is_a_row_with_its_reason():
    paths = ["/a/one.png", "/a/bad1.png", "/a/bad2.png", "/a/two.png", "/a/bad3.png"]
    rows = run(paths)
    assert [row[0] for row in rows] == paths
    assert [row[5] for row in rows] == [None, "not an image", "not an image", None, "not an image"]
    assert rows[1][1:5] == (None, None, None, None)


def test_paths_caption_cannot_take_are_rows_with_an_error(tmp_path):
    rows = run([str(tmp_path), "/a/line\nbreak.png", "/a/fine.png"])
    assert {row[0]: row[5] for row in rows} == {
        str(tmp_path): "is a folder, not an image", "/a/line\nbreak.png": "path contains a line break",
        "/a/fine.png": None}


def test_a_killed_process_fails_the_task():
    with pytest.raises(CaptionProcessError, match=r"killed by signal 9 after 6 of 10 images \(next: /i/6.png\)"):
        run([f"/i/{number}.png" for number in range(10)], FAKE_DIE_AT=7)


def test_a_process_killed_after_a_failed_image_fails_the_task():
    with pytest.raises(CaptionProcessError, match="killed by signal 9"):
        run(["/i/0.png", "/i/bad.png", "/i/2.png"], FAKE_DIE_AT=3)


def test_an_unexpected_exit_status_fails_the_task():
    with pytest.raises(CaptionProcessError, match="exited with status 3 after its last image"):
        run(["/i/0.png"], FAKE_EXIT_STATUS=3)


def test_a_hung_process_is_killed():
    env = dict(os.environ, FAKE_HANG_AT="2")
    with pytest.raises(CaptionProcessError, match="printed nothing for 1 s"):
        list(caption_paths(FAKE, ["/i/0.png", "/i/1.png"], env=env, image_timeout=1))


def test_output_that_is_not_json_fails_the_task():
    with pytest.raises(CaptionProcessError, match="not JSON"):
        run(["/i/0.png", "/i/1.png"], FAKE_GARBAGE_AT=2)


def test_the_result_hook_sees_the_row_count():
    counts = []
    list(caption_paths(FAKE, ["/i/0.png", "/i/1.png", "/i/2.png"], on_result=counts.append))
    assert counts == [1, 2, 3]
