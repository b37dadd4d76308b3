"""Progress of a long run (``regkb screen``, ``regkb diff --population``) on
stderr, drawn by tqdm. The chunk readers report ``(done, rows)``: how far into
the input they are (rows or files) and how many organizations the last chunk
held; tqdm wants increments, so this turns one into the other."""
from __future__ import annotations

import shutil
import sys

from tqdm import tqdm


class Progress:
    def __init__(self, total: int, unit: str, label: str, show: bool = True, stream=None):
        size = shutil.get_terminal_size((100, 24))
        # one line: "screen [#####     ]  50.0%  1,234 organizations  00:03"
        self._bar = tqdm(total=max(total, 1), unit=f" {unit}", file=stream or sys.stderr, disable=not show,
                         ascii=" #", mininterval=0.2,
                         # a terminal that reports no size (a fresh pty) would get an empty line
                         ncols=size.columns, nrows=size.lines,
                         bar_format=label + " [{bar:30}] {percentage:5.1f}%  {desc}  {elapsed}")
        self._done = 0
        self.rows = 0

    def update(self, done: int, rows: int) -> None:
        self.rows += rows
        if done > self._bar.total:    # the row count was an estimate from the first megabyte
            self._bar.total = done
        self._bar.set_description_str(f"{self.rows:,} organizations", refresh=False)
        self._bar.update(max(done - self._done, 0))
        self._done = max(done, self._done)

    def close(self) -> None:
        self._bar.close()
