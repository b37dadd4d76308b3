"""Screening a population: read it in chunks, check every row, evaluate, write.

A CSV (profile fields as dotted columns, list and map fields as JSON cells) is
read in chunks with pandas (kb/screening/sources.py); each column is
factorized and only its distinct cells are parsed, by the profile reader's own
rules (kb/screening/cells.py), so a million rows cost seconds and the memory
of one chunk. Rows the profile reader would reject are reported with its
error and skipped (kb/screening/reader.py). A directory of profile files goes
through the same path. The conditions are evaluated by
kb/screening/vectorized.py and written by kb/screening/output.py, to a
temporary file renamed at the end, so an error leaves no half-written file.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from kb.io.errors import InputError
from kb.io.inputs import check_regular
from kb.io.outputs import check_output
from kb.io.progress import Progress
from kb.screening.output import output_for
from kb.screening.reader import Reader
from kb.screening.results import program_columns
from kb.screening.sources import csv_chunks, directory_chunks, estimated_rows, profile_files
from kb.screening.vectorized import Evaluator

DEFAULT_CHUNK = 100_000


# -- the whole run -------------------------------------------------------------

@dataclass
class Summary:
    programs: list[str]
    counts: dict[str, dict[str, int]]
    organizations: int = 0
    bad_rows: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"organizations": self.organizations, "bad_rows": self.bad_rows,
                "seconds": round(self.seconds, 3),
                "programs": [{"program": p, **self.counts[p]} for p in self.programs]}

    def text(self, out: Path) -> str:
        lines = [f"{self.organizations:,} organizations screened ({self.bad_rows:,} bad rows skipped) "
                 f"in {self.seconds:.1f}s → {out}",
                 f"{'program':<18}{'qualifies':>12}{'fails':>12}{'undetermined':>14}"]
        for p in self.programs:
            c = self.counts[p]
            lines.append(f"{p:<18}{c['qualifies']:>12,}{c['fails']:>12,}{c['undetermined']:>14,}")
        return "\n".join(lines)


def screen(kb, source: str | Path, out: str | Path, programs: list[str] | None = None, strict: bool = False,
           chunk_size: int = DEFAULT_CHUNK, as_of: date | None = None, progress: bool | None = None,
           report=None) -> Summary:
    """Screen every organization of ``source`` (CSV or directory) into ``out``
    (CSV or Parquet). Bad rows go to ``report`` (default: stderr) and are
    skipped; with ``strict`` the first one raises InputError."""
    source, out = Path(source), Path(out)
    report = report or (lambda message: print(f"regkb: {message}", file=sys.stderr))
    if chunk_size < 1:
        raise InputError("--chunk-size", str(chunk_size), "expected a positive number of rows")
    if not source.exists():
        raise InputError(source, None, "no such file or directory")
    ids = kb.program_ids(programs)
    writer_class = output_for(out)
    check_output(out)   # before the run, not after it
    if not source.is_dir():
        check_regular(source, "CSV file")   # a pipe would block, /dev/zero never end
    if out.exists() and out.resolve() == source.resolve():
        raise InputError("--out", str(out), "is the input file; expected another file name")
    started = time.monotonic()
    evaluator = Evaluator(kb)
    reader = Reader(str(source), as_of, kb)
    show = sys.stderr.isatty() if progress is None else progress
    if source.is_dir():
        bar = Progress(len(profile_files(source)), "files", "screen") if show else None
        chunks = directory_chunks(source, chunk_size, as_of, bar)
    else:
        bar = Progress(estimated_rows(source), "rows", "screen") if show else None
        chunks = csv_chunks(source, chunk_size, bar)
    summary = Summary(ids, {p: {"qualifies": 0, "fails": 0, "undetermined": 0} for p in ids})
    writer = writer_class(out)
    try:
        for frame, rows, skipped in chunks:
            chunk = reader.parse(frame, rows) if len(frame) else None
            errors = sorted(skipped + (chunk.errors if chunk else []), key=lambda e: e[0])
            for _, error in errors:
                if strict:
                    raise error
                report(error.message)
            summary.bad_rows += len(errors)
            if chunk is None or chunk.table.n == 0:
                continue
            outcome = evaluator.evaluate(chunk.table, ids)
            results = [(pid, program_columns(outcome, pid)) for pid in ids]
            for pid, cols in results:
                counts = np.bincount(cols["status"].codes, minlength=3)
                for label, count in zip(cols["status"].labels, counts):
                    summary.counts[pid][label] += int(count)
            writer.write(chunk.table.ids, results)
            summary.organizations += chunk.table.n
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        if bar:
            bar.close()
    summary.seconds = time.monotonic() - started
    return summary

