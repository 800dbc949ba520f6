"""A small tqdm-like progress bar for the trainer.

On a terminal it redraws one line in place; into a file (a nohup log) it writes a full line
every `log_every` seconds and at the end, so the log stays readable.
"""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressBar:
    """Counts `total` steps; `update(**figures)` advances one step and shows the figures."""

    def __init__(self, total: int, label: str, stream=sys.stderr, width: int = 24,
                 log_every: float = 30.0):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream
        self.width = width
        self.log_every = log_every
        self.interactive = stream.isatty()
        self.count = 0
        self.start = time.monotonic()
        self.last_shown = self.start

    def update(self, **figures: float) -> None:
        self.count += 1
        now = time.monotonic()
        finished = self.count >= self.total
        interval = 0.2 if self.interactive else self.log_every
        if finished or now - self.last_shown >= interval:
            self.last_shown = now
            self._show(now, figures, finished)

    def _show(self, now: float, figures: dict[str, float], finished: bool) -> None:
        elapsed = now - self.start
        fraction = self.count / self.total
        remaining = elapsed / fraction - elapsed if self.count else 0.0
        filled = int(self.width * fraction)
        bar = "#" * filled + "." * (self.width - filled)
        shown = " ".join(f"{k}={v:.4g}" for k, v in figures.items())
        rate = self.count / elapsed if elapsed > 0 else 0.0
        line = (f"{self.label} [{bar}] {self.count}/{self.total} "
                f"{_clock(elapsed)}<{_clock(remaining)} {rate:.2f} it/s {shown}")
        if self.interactive:
            self.stream.write("\r" + line + ("\n" if finished else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
