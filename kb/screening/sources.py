"""Where a screening reads organizations from: chunks of a CSV file (pandas,
held to what the csv module reads) or of a directory of profile files.

Each chunk is (frame of cell texts, row numbers, row errors). Rows are
numbered as a spreadsheet shows them: the header is row 1, the first
organization row 2 (the file's line number unless a quoted cell spans lines).
A directory's rows are numbered by file; a group gives one row per entity.
"""
from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kb.io.errors import InputError
from kb.io.inputs import check_regular
from kb.law.fields import FIELDS
from kb.population import profile_row
from kb.profile import load_profile


def _header(path: Path) -> list[str]:
    check_regular(path, "CSV file")
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError:
        raise InputError(path, None, "expected a UTF-8 CSV file") from None
    except OSError as exc:
        raise InputError(path, None, f"expected a readable CSV file ({exc.strerror or exc.__class__.__name__})") from None
    if not header:
        raise InputError(path, None, "expected a header row of profile field names")
    names = [h.strip() for h in header]
    seen = set()
    for name in names:
        if name not in FIELDS:
            match = difflib.get_close_matches(name, list(FIELDS), 1, 0.6)
            hint = f"; did you mean '{match[0]}'?" if match else ""
            raise InputError(f"{path}:row 1", name or "(empty column name)", f"unknown field '{name}'{hint}")
        if name in seen:
            raise InputError(f"{path}:row 1", name, "the column is given twice")
        seen.add(name)
    if "id" not in names:
        raise InputError(f"{path}:row 1", "id", "required column is missing (a stable identifier)")
    return names


_MAX_CELL = 1 << 20   # characters; a larger cell is not a profile field


def _records(path: Path):
    """(record number, cells) after the header, with the csv module (pandas'
    default dialect); the header is row 1. Lines pandas skips as blank (empty,
    or only spaces and tabs) give no cells."""
    record = 1
    limit = csv.field_size_limit()
    csv.field_size_limit(_MAX_CELL)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            next(reader, None)
            for cells in reader:
                record += 1
                if not cells or (len(cells) == 1 and cells[0] and not cells[0].strip(" \t")):
                    yield record, None
                else:
                    yield record, cells
    except UnicodeDecodeError:
        raise InputError(f"{path}:row {record + 1}", None, "expected a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise InputError(f"{path}:row {record + 1}", None, f"expected a well-formed CSV ({exc})") from None
    finally:
        csv.field_size_limit(limit)


@dataclass
class _Layout:
    """One pass of the csv module over a CSV whose rows all have the header's
    width: the blank records pandas skips, and the first cell of the records
    that open and close each chunk, to prove pandas reads the same records."""
    blank: np.ndarray
    cells: dict[int, tuple[int, str]]   # index among non-blank records -> (record number, first cell)
    records: int


def _layout(path: Path, width: int, chunk_size: int) -> _Layout | None:
    """None as soon as a row has the wrong number of cells."""
    blank, cells, seen, last = [], {}, 0, None
    for record, row in _records(path):
        if row is None:
            blank.append(record)
            continue
        if len(row) != width:
            return None
        if seen % chunk_size in (0, chunk_size - 1):
            cells[seen] = (record, row[0])
        last = (record, row[0])
        seen += 1
    if last is not None:
        cells[seen - 1] = last
    return _Layout(np.asarray(blank, dtype=np.int64), cells, seen)


def _next_rows(start: int, count: int, skipped: np.ndarray) -> np.ndarray:
    """The next ``count`` record numbers from ``start`` that are not skipped."""
    extra = 0
    while True:
        stop = start + count + extra
        within = int(np.searchsorted(skipped, stop) - np.searchsorted(skipped, start))
        if within == extra:
            break
        extra = within
    rows = np.arange(start, stop, dtype=np.int64)
    return rows[~np.isin(rows, skipped)] if extra else rows


def csv_chunks(path: Path, chunk_size: int, progress=None):
    """(frame of cell texts, row numbers, row errors) per chunk of a CSV.

    pandas' C parser reads cells fast but pads a short row, skips a long one,
    and takes an extra cell in the first data row for an index column, which
    shifts every column. So the csv module first checks every row's width: a
    file where all rows fit is read by pandas (each chunk checked to hold the
    records it should); one with a misfit row is read by the csv module, each
    misfit a row error naming its row."""
    names = _header(path)
    layout = _layout(path, len(names), chunk_size)
    if layout is None:
        yield from _csv_module_chunks(path, names, chunk_size, progress)
        return
    seen, next_record = 0, 2
    try:
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, chunksize=chunk_size,
                             encoding="utf-8", header=0, names=names, index_col=False, engine="c")
        while True:
            frame = next(reader, None)
            if frame is None:
                break
            rows = _next_rows(next_record, len(frame), layout.blank)
            for index in (seen, seen + len(frame) - 1):
                expected = layout.cells.get(index)
                if expected is not None and len(frame) and expected[1] != frame.iat[index - seen, 0]:
                    raise InputError(f"{path}:row {expected[0]}", None, "expected a well-formed CSV (pandas and "
                                     "the csv module read the rows around here differently; check the quoting)")
            seen += len(frame)
            next_record = int(rows[-1]) + 1 if rows.size else next_record
            if progress:
                progress.update(seen, len(frame))
            yield frame, rows, []
    except UnicodeDecodeError:
        raise InputError(path, None, "expected a UTF-8 CSV file") from None
    except pd.errors.ParserError as exc:
        raise InputError(path, None, f"expected a well-formed CSV ({str(exc).strip()})") from None
    if seen != layout.records:
        raise InputError(path, None, "expected a well-formed CSV (pandas and the csv module count "
                                     f"{seen} and {layout.records} rows; check the quoting)")


def _csv_module_chunks(path: Path, names: list[str], chunk_size: int, progress=None):
    """The same chunks, read by the csv module (slower; for files with misfit rows)."""
    width = len(names)
    rows, cells, errors, done = [], [], [], 0

    def chunk():
        columns = list(zip(*cells)) if cells else [()] * width
        frame = pd.DataFrame({n: np.asarray(c, dtype=object) for n, c in zip(names, columns)}, dtype=object)
        return frame, np.asarray(rows, dtype=np.int64), errors

    for record, row in _records(path):
        if row is None:
            continue
        done += 1
        if len(row) != width:
            errors.append((record, InputError(f"{path}:row {record}", None,
                                              f"expected {width} cells as in the header row, got {len(row)}")))
        else:
            rows.append(record)
            cells.append(row)
        if len(cells) >= chunk_size:
            if progress:
                progress.update(done, len(cells))
            yield chunk()
            rows, cells, errors = [], [], []
    if cells or errors:
        if progress:
            progress.update(done, len(cells))
        yield chunk()


def estimated_rows(path: Path) -> int:
    """Rows in a CSV, from its size and the lines of its first megabyte (for the progress bar)."""
    check_regular(path, "CSV file")   # before open(): a pipe would block
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    lines = max(head.count(b"\n"), 1)
    return max(int(size / (len(head) / lines)) - 1, 1)


def profile_files(path: Path) -> list[Path]:
    # not only regular files: a pipe or a device named like a profile is reported, not skipped
    return sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json") and not p.is_dir())


def directory_chunks(path: Path, chunk_size: int, as_of: date | None, progress=None):
    """The same chunks from a directory of profile files (groups: one row per entity)."""
    files = profile_files(path)
    rows, cells, errors = [], [], []
    for number, file in enumerate(files, 1):
        try:
            loaded = load_profile(file, as_of=as_of)
            found = []
            for entity in getattr(loaded, "entities", None) or [loaded]:
                row = profile_row(entity)
                if getattr(loaded, "entities", None):
                    row["id"] = f"{loaded.id}/{entity.id}"
                found.append(row)
        except InputError as exc:
            errors.append((number, exc))
            continue
        except Exception as exc:   # a reader's bug: still one file's error, not the whole run's
            errors.append((number, InputError(file, None, f"unreadable ({exc.__class__.__name__}: {str(exc)[:80]})")))
            continue
        cells.extend(found)
        rows.extend([number] * len(found))
        if len(cells) >= chunk_size or number == len(files):
            if progress:
                progress.update(number, len(cells))
            yield _frame(cells), np.asarray(rows, dtype=np.int64), errors
            rows, cells, errors = [], [], []
    if cells or errors:
        yield _frame(cells), np.asarray(rows, dtype=np.int64), errors


def _frame(rows: list[dict]) -> pd.DataFrame:
    names = [f for f in FIELDS if any(f in r for r in rows)] or ["id"]
    return pd.DataFrame({n: [r.get(n, "") for r in rows] for n in names}, dtype=object)
