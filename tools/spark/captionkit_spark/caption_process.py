"""One long-lived `caption --json -` process over a list of image paths.

The paths go in on standard input, one per line, from a writer thread; the command prints one
JSON object per captioned image, in input order, and reports an image it could not caption on
standard error as `caption: PATH: reason` (before any later image's line). So each output line
accounts for the paths written before it: those without a line of their own failed, and their
reason is on standard error. An image failure is a row with an error; a process that dies, hangs
or prints something unreadable is a CaptionProcessError, which fails the Spark task so that Spark
retries it.
"""

import collections
import json
import os
import queue
import subprocess
import threading

from .rows import caption_row, error_row

# How long to wait for a failed image's reason on standard error once a later image's result
# (or the end of the output) has shown that it failed; the command writes the reason first.
REASON_WAIT_SECONDS = 10.0
# How long the process may take to exit after closing its output.
EXIT_WAIT_SECONDS = 60.0


class CaptionProcessError(RuntimeError):
    """The caption process failed as a whole (died, hung, or printed something unreadable)."""


def unsendable_reason(path):
    """Why `path` cannot be given to `caption -` (None when it can): a line break would split
    it, and a folder would be expanded into its images."""
    if not path:
        return "empty path"
    if "\n" in path or "\r" in path:
        return "path contains a line break"
    if os.path.isdir(path):
        return "is a folder, not an image"
    return None


def caption_paths(command, paths, env=None, image_timeout=600.0, on_result=None):
    """Yields one row (see rows.py) per path in `paths`, in order.

    `command` is the caption command line without `--json -` (binary, model, beam size...).
    `image_timeout` bounds the wait for each next result. `on_result(count)` is called after
    each row with the number of rows so far (the executor-loss fault hook uses it).
    Raises CaptionProcessError when the process does not account for every path.
    """
    rows_so_far = 0
    to_send = []
    for path in paths:
        reason = unsendable_reason(path)
        if reason is None:
            to_send.append(path)
        else:
            rows_so_far += 1
            yield error_row(path, reason)
    if not to_send:
        return
    with _CaptionProcess(command, to_send, env) as process:
        pending = collections.deque(to_send)
        waiting = set(to_send)
        while pending:
            line = process.next_line(image_timeout)
            if line is None:
                break
            result = _parse(line)
            image = result["image"]
            if image not in waiting:
                raise CaptionProcessError(f"caption printed a result for {image!r}, which it was not waiting for")
            while pending[0] != image:
                failed = pending.popleft()
                waiting.discard(failed)
                rows_so_far += 1
                yield error_row(failed, process.reason_for(failed, wait=REASON_WAIT_SECONDS))
            waiting.discard(pending.popleft())
            rows_so_far += 1
            yield caption_row(image, result)
            if on_result is not None:
                on_result(rows_so_far)
        status = process.finish()
        if pending:
            reasons = [process.reason_for(path, wait=REASON_WAIT_SECONDS) for path in pending]
            if status not in (0, 1) or any(reason is None for reason in reasons):
                raise CaptionProcessError(
                    f"caption {_describe(status)} after {len(to_send) - len(pending)} of {len(to_send)} images"
                    f" (next: {pending[0]}){process.last_message_suffix()}")
            for path, reason in zip(pending, reasons):
                yield error_row(path, reason)
        elif status not in (0, 1):
            raise CaptionProcessError(f"caption {_describe(status)} after its last image{process.last_message_suffix()}")


def _parse(line):
    try:
        result = json.loads(line)
    except ValueError as error:
        raise CaptionProcessError(f"caption printed a line that is not JSON ({error}): {line[:200]!r}") from None
    if not isinstance(result, dict) or not isinstance(result.get("image"), str):
        raise CaptionProcessError(f"caption printed a JSON line without an image path: {line[:200]!r}")
    return result


def _describe(status):
    if status is None:
        return "did not exit"
    if status < 0:
        return f"was killed by signal {-status}"
    return f"exited with status {status}"


class _CaptionProcess:
    """The child process and the three threads that feed and drain it."""

    def __init__(self, command, paths, env):
        self._process = subprocess.Popen(
            list(command) + ["--json", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env)
        self._lines = queue.Queue()
        self._messages = []
        self._messages_done = False
        self._messages_changed = threading.Condition()
        self._threads = [
            threading.Thread(target=self._write, args=(paths,), daemon=True),
            threading.Thread(target=self._read_output, daemon=True),
            threading.Thread(target=self._read_messages, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=EXIT_WAIT_SECONDS)
        for thread in self._threads:
            thread.join(timeout=EXIT_WAIT_SECONDS)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            try:
                stream.close()
            except OSError:
                pass
        return False

    def _write(self, paths):
        try:
            for path in paths:
                self._process.stdin.write(os.fsencode(path) + b"\n")
            self._process.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the process is gone: its output tells what happened

    def _read_output(self):
        for line in self._process.stdout:
            self._lines.put(line.decode("utf-8", "replace"))
        self._lines.put(None)

    def _read_messages(self):
        for line in self._process.stderr:
            with self._messages_changed:
                self._messages.append(line.decode("utf-8", "replace").rstrip("\r\n"))
                self._messages_changed.notify_all()
        with self._messages_changed:
            self._messages_done = True
            self._messages_changed.notify_all()

    def next_line(self, timeout):
        """The next output line, None at the end; kills the process after `timeout` seconds."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            self._process.kill()
            raise CaptionProcessError(f"caption printed nothing for {timeout:g} s; killed it") from None

    def reason_for(self, path, wait):
        """The reason caption gave for `path` (`caption: PATH: reason`), None if it gave none."""
        prefix = f"caption: {path}: "
        with self._messages_changed:
            self._messages_changed.wait_for(
                lambda: self._messages_done or any(m.startswith(prefix) for m in self._messages), timeout=wait)
            for message in self._messages:
                if message.startswith(prefix):
                    return message[len(prefix):]
        return None

    def finish(self):
        """Waits for the process to exit; its status (negative: killed by that signal)."""
        try:
            return self._process.wait(timeout=EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return None

    def last_message_suffix(self):
        """`: LAST STANDARD ERROR LINE`, or nothing when there was none."""
        with self._messages_changed:
            return f": {self._messages[-1]}" if self._messages else ""
