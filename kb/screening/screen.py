"""Screening a population: read it in chunks, check every row, evaluate, write.

A CSV (profile fields as dotted columns, list and map fields as JSON cells) is
read in chunks with pandas; each column is factorized and only its distinct
cells are parsed, with the same rules as kb/profile/__init__.py's CSV reader, so a
million rows cost seconds and the memory of one chunk. A row the fast checks
flag is handed to kb.profile.profile_from_row, whose error (row and field) is
reported; the rare row it accepts is re-read in its canonical form. A
directory of profile files goes through the same path (kb.population.to_frame).

Rows are numbered as a spreadsheet shows them: the header is row 1, the
first organization row 2 (the file's line number unless a quoted cell spans
lines). Output is written to a temporary file renamed at the end, so an error
leaves no half-written file.
"""
from __future__ import annotations

import csv
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from math import lcm
from pathlib import Path

import numpy as np
import pandas as pd

from kb.io.errors import InputError
from kb.io.inputs import FIRST_DAY, LAST_DAY, ascii_digits, check_regular, parse_json, parse_number
from kb.io.outputs import Staged, check_output
from kb.law.fields import FIELDS, ORDERED_PAIRS, PAST_DATES, RECORDS, enum_values, is_enum, is_list_of_enum, item_kind
# the profile reader's own tables, so a cell means here what it means there
from kb.profile import _CITIES, _CITY_ALIASES, _FALSE, _TRUE, check_attest_keys, profile_from_row
from kb.screening.vectorized import Cat, Evaluator, Num, Records, Table, factorize, mul, program_columns

OUTPUT_COLUMNS = ("org", "program", "status", "failed", "unknown", "missing", "discretion")
DEFAULT_CHUNK = 100_000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIRST, _LAST = (d.year * 10000 + d.month * 100 + d.day for d in (FIRST_DAY, LAST_DAY))
_YEARS = range(1900, 2101)


# -- parsing one distinct cell -------------------------------------------------

class _Bad(Exception):
    """A cell the fast reader will not accept; the profile reader says why."""


def _number(kind: str):
    def parse(text: str) -> Fraction | int:
        if text.isascii() and text.isdigit() and len(text) <= 18:   # the common case, without a Fraction
            return int(text)
        try:
            n = parse_number(text)
        except (ValueError, ZeroDivisionError):
            raise _Bad from None
        if n < 0 or (kind == "int>=0" and n.denominator != 1):
            raise _Bad
        return n
    return parse


def _share(text: str) -> Fraction:
    try:
        n = parse_number(text[:-1]) / 100 if text.endswith("%") else parse_number(text)
    except (ValueError, ZeroDivisionError):
        raise _Bad from None
    if not 0 <= n <= 1:
        raise _Bad
    return n


def _bool(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise _Bad


def _date_value(text) -> int:
    if not isinstance(text, str) or not _DATE.fullmatch(text.strip()):
        raise _Bad
    try:
        d = date.fromisoformat(text.strip())
    except ValueError:
        raise _Bad from None
    value = d.year * 10000 + d.month * 100 + d.day
    if not _FIRST <= value <= _LAST:
        raise _Bad
    return value


def _enum(allowed: tuple[str, ...]):
    def parse(text) -> str:
        if not isinstance(text, str) or text not in allowed:
            raise _Bad
        return text
    return parse


def _city(text: str) -> str:
    return _CITY_ALIASES.get(text, text.lower() if text.lower() in _CITIES else text)


def _json(text: str):
    try:
        return parse_json(text)
    except ValueError:
        raise _Bad from None


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise _Bad
    if value < 0 or Fraction(value).denominator != 1:
        raise _Bad
    return int(value)


def _kinds(allowed):
    item = _enum(allowed)

    def parse(text: str) -> tuple:
        value = _json(text)
        if not isinstance(value, list):
            raise _Bad
        return tuple(dict.fromkeys(item(v) for v in value))
    return parse


def _year_map(text: str) -> dict[int, int]:
    value = _json(text)
    if not isinstance(value, dict):
        raise _Bad
    out: dict[int, int] = {}
    for key, count in value.items():
        # as kb/profile/__init__.py reads a year key: four decimal digits of any script
        year = int(ascii_digits(key.strip())) if key.strip().isdecimal() and len(key.strip()) == 4 else None
        if year not in _YEARS or year in out:
            raise _Bad
        if count is not None:
            out[year] = _count(count)
    return out


def _attest(text: str) -> dict[str, bool]:
    value = _json(text)
    if not isinstance(value, dict):
        raise _Bad
    out = {}
    for key, flag in value.items():
        if flag is None:
            continue
        if not isinstance(flag, bool):
            raise _Bad
        out[key] = flag
    return out


def _records(record: str):
    schema = RECORDS[record]
    parsers = {key: _date_value if kind == "date" else _enum(_choices(kind)) for key, (kind, _) in schema.items()}

    def parse(text: str) -> tuple:
        value = _json(text)
        if not isinstance(value, list):
            raise _Bad
        out = []
        for item in value:
            if not isinstance(item, dict) or set(item) - set(schema):
                raise _Bad
            entry = {}
            for key, (kind, required) in schema.items():
                if item.get(key) is None:
                    if required:
                        raise _Bad
                    entry[key] = 0
                else:
                    entry[key] = parsers[key](item[key])
            if entry.get("expires_on") and entry["expires_on"] < entry["granted_on"]:
                raise _Bad
            out.append(tuple(entry[k] for k in schema))
        return tuple(out)
    return parse


def _choices(kind: str) -> tuple[str, ...]:
    if kind == "program":
        from kb.law.fields import PROGRAM_IDS
        return PROGRAM_IDS
    return enum_values(kind)


def parser_for(kind: str):
    if kind == "str":
        return str
    if kind == "bool":
        return _bool
    if kind in ("int>=0", "money", "m2"):
        return _number(kind)
    if kind == "share":
        return _share
    if kind == "date":
        return _date_value
    if is_enum(kind):
        return _enum(_choices(kind))
    if is_list_of_enum(kind):
        return _kinds(_choices(kind))
    if kind == "map[year]int>=0":
        return _year_map
    if kind == "map[str]bool":
        return _attest
    if item_kind(kind) in RECORDS:
        return _records(item_kind(kind))
    raise AssertionError(f"no bulk parser for field type {kind!r}")


_PARSERS = {name: parser_for(kind) for name, kind in FIELDS.items()}
_PARSERS["registered_city"] = _city
_HISTORY = (("credit_events", "credit_event"), ("designations", "designation"), ("revocations", "revocation"))
_NUMERIC = {name for name, kind in FIELDS.items() if kind in ("int>=0", "money", "m2", "share")}


# -- parsing a chunk -----------------------------------------------------------

@dataclass
class Column:
    """One CSV column of a chunk: per row an index into the distinct parsed
    values (-1: empty cell), and whether each distinct cell parsed. A year map
    keeps its entries flat instead: per distinct cell a count, then years and
    counts one after another."""
    codes: np.ndarray
    values: list
    ok: np.ndarray
    flat: tuple | None = None

    def present(self) -> np.ndarray:
        return self.codes >= 0

    def bad(self) -> np.ndarray:
        return self.present() & ~np.append(self.ok, True)[self.codes]

    def take(self, keep: np.ndarray) -> "Column":
        return Column(self.codes[keep], self.values, self.ok, self.flat)


# a year map as this project writes it ({"2022": 5, "2023": 7}); anything else takes the slow path
_YEAR_MAP = re.compile(r'\{(?:"[0-9]{4}": [0-9]{1,15}(?:, (?=")|(?=\})))*\}')
_PUNCTUATION = str.maketrans('{}":,', "     ")


def _year_maps(texts: list[str]) -> tuple[list, np.ndarray, tuple]:
    fast = np.array([_YEAR_MAP.fullmatch(t) is not None for t in texts], dtype=bool)
    lengths = np.zeros(len(texts), dtype=np.int64)
    ok = np.ones(len(texts), dtype=bool)
    picked = [t for t, f in zip(texts, fast) if f]
    # the pattern leaves only digits between the punctuation: numpy reads them in one pass
    digits = " ".join(picked).translate(_PUNCTUATION)
    # only {} cells leave no digits, and numpy reads blank text as one stray number
    found = (np.fromstring(digits, dtype=np.int64, sep=" ") if digits.strip() else np.zeros(0, np.int64)).reshape(-1, 2)
    lengths[fast] = [t.count(":") for t in picked]
    slow = {}
    for i in np.flatnonzero(~fast):
        try:
            slow[i] = sorted(_year_map(texts[i]).items())
        except _Bad:
            ok[i] = False
        if any(c >= 2 ** 62 for _, c in slow.get(i, ())):   # beyond int64: left to the profile reader
            ok[i] = False
            del slow[i]
        lengths[i] = len(slow.get(i, ()))
    # entries in the order of the distinct cells: fast ones from the regex, slow ones parsed
    at = np.repeat(np.arange(len(texts)), lengths)
    entries = np.zeros((at.size, 2), dtype=np.int64)
    from_fast = fast[at]
    entries[from_fast] = found
    if slow:
        entries[~from_fast] = [pair for i in sorted(slow) for pair in slow[i]]
    # what _year_map checks, for the fast cells: years in range, none twice
    bad_year = (entries[:, 0] < _YEARS.start) | (entries[:, 0] >= _YEARS.stop)
    ok[np.unique(at[bad_year])] = False
    key = at * 10000 + entries[:, 0]
    dup = np.zeros(key.size, dtype=bool)
    order = np.argsort(key, kind="stable")
    dup[order[1:]] = key[order][1:] == key[order][:-1]
    ok[np.unique(at[dup])] = False
    return [None] * len(texts), ok, (lengths, entries[:, 0], entries[:, 1])


def parse_column(name: str, cells: np.ndarray) -> Column:
    if name in ("name", "notes"):   # any text will do, and nothing reads it
        return Column(np.zeros(cells.size, dtype=np.int64), [""], np.ones(1, dtype=bool))
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if FIELDS[name] == "map[year]int>=0":
        texts = [str(u).strip() for u in uniques]
        blank = [i for i, t in enumerate(texts) if not t]
        values, ok, flat = _year_maps([t or "{}" for t in texts])
        if blank:
            codes = np.where(np.isin(codes, blank), -1, codes)
        return Column(codes, values, ok, flat)
    parse = _PARSERS[name]
    values, ok, blank = [], [], []
    for i, cell in enumerate(uniques):
        text = str(cell).strip()
        if not text:
            blank.append(i)
            values.append(None)
            ok.append(True)
            continue
        try:
            values.append(parse(text))
            ok.append(True)
        except _Bad:
            values.append(None)
            ok.append(False)
    if blank:
        codes = np.where(np.isin(codes, blank), -1, codes)
    return Column(codes, values, np.asarray(ok, dtype=bool))


def _gather(col: Column, fill, dtype=object) -> tuple[np.ndarray, np.ndarray]:
    """Row values and known mask of a parsed column."""
    table = np.empty(len(col.values) + 1, dtype=dtype)
    table[:-1] = [fill if v is None else v for v in col.values] if col.values else []
    table[-1] = fill
    known = col.present() & np.append(col.ok, False)[col.codes]
    return table[col.codes], known


def _int_table(values: list[int]) -> np.ndarray:
    if max(abs(x) for x in values) < 2 ** 62:
        return np.asarray(values, dtype=np.int64)
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table


def _num(col: Column) -> Num:
    """Numerators over one common denominator while it stays small; past that,
    a denominator per row (kb.vectorized compares num * q with den * p either
    way). A common denominator of thousands of distinct fractions (1/p for
    every prime p) grows with their count, and memory with its square."""
    values = [v if ok and v is not None else 0 for v, ok in zip(col.values, col.ok)] + [0]
    known = col.present() & np.append(col.ok, False)[col.codes]
    den = 1
    for v in values:
        if v.denominator != 1:
            den = lcm(den, v.denominator)
            if den >= 2 ** 62:
                nums = _int_table([v.numerator for v in values])
                dens = _int_table([v.denominator for v in values])
                return Num(nums[col.codes], dens[col.codes], known)
    nums = [v.numerator if den == 1 else v.numerator * (den // v.denominator) for v in values]
    return Num(_int_table(nums)[col.codes], den, known)


def _records_long(col: Column, names: tuple[str, ...]) -> Records:
    lengths = np.array([len(v) if ok and v else 0 for v, ok in zip(col.values, col.ok)] + [0], dtype=np.int64)
    per_row = lengths[col.codes]
    rows = np.repeat(np.arange(col.codes.size), per_row)
    flat = [item for v, ok in zip(col.values, col.ok) if ok and v for item in v]
    starts = np.concatenate([[0], np.cumsum(lengths[:-1])])
    first = np.repeat(starts[col.codes], per_row)
    within = np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    idx = first + within
    cols = {}
    for j, name in enumerate(names):
        arr = np.empty(len(flat), dtype=object)
        arr[:] = [item[j] for item in flat]
        cols[name] = arr[idx].astype(np.int64) if name in ("date", "granted_on", "expires_on") else arr[idx]
    return Records(rows, cols)


@dataclass
class Chunk:
    """A parsed chunk: its table (good rows only), their row numbers, and the bad rows."""
    table: Table
    rows: np.ndarray
    errors: list = field(default_factory=list)   # (row number, message)


class Reader:
    """Turns chunks of CSV cells into validated Tables."""

    def __init__(self, source: str, as_of: date | None, kb, today: date | None = None):
        self.source = source
        self.as_of = as_of
        self.today = today or date.today()
        self.functions = list(kb.functions)
        # every key any reading of the texts defines: a misspelt key is the row's error, as in check
        self.known_attest = set(getattr(kb, "attest_keys", ()) or ()) or None
        self.attest_keys = sorted({n.params["attest"] for p in kb.programs.values() for n in p.nodes()
                                   if n.kind == "qualitative"})

    def parse(self, frame: pd.DataFrame, rows: np.ndarray) -> Chunk:
        cols = {name: parse_column(name, frame[name].to_numpy(dtype=object)) for name in frame.columns}
        bad = self._bad_rows(cols, len(frame))
        errors, replace = [], {}
        for i in np.flatnonzero(bad):
            raw = {k: (None if v is None or (isinstance(v, float) and v != v) else v)
                   for k, v in frame.iloc[i].items()}
            try:
                profile = profile_from_row(raw, self.source, int(rows[i]), self.as_of)
                if self.known_attest is not None:
                    check_attest_keys(profile, self.known_attest)
            except InputError as exc:
                errors.append((int(rows[i]), exc))
                continue
            except Exception as exc:   # the profile reader's own bug: still one row, not the run
                errors.append((int(rows[i]), InputError(f"{self.source}:row {rows[i]}", None,
                                                        f"unreadable ({exc.__class__.__name__}: {exc})")))
                continue
            replace[i] = profile
        keep = ~bad
        if replace:   # valid in a form the fast checks do not know: re-read in canonical form
            from kb.population import profile_row
            frame = frame.copy()
            for i, profile in replace.items():
                canon = profile_row(profile)
                for name in set(canon) - set(frame.columns):
                    frame[name] = ""
                frame.iloc[i] = [canon.get(name, "") for name in frame.columns]
                keep[i] = True
            frame, rows = frame[keep], rows[keep]
            cols = {name: parse_column(name, frame[name].to_numpy(dtype=object)) for name in frame.columns}
            still = self._bad_rows(cols, len(frame))
            for i in np.flatnonzero(still):
                errors.append((int(rows[i]), InputError(f"{self.source}:row {rows[i]}", None,
                                                        "the profile reader accepts this row but the bulk "
                                                        "reader does not (a bug in kb/screening/screen.py)")))
            keep = ~still
        else:
            rows = rows[keep]
        cols = {name: col.take(keep) for name, col in cols.items()}
        errors.sort(key=lambda e: e[0])
        return Chunk(self._table(cols, int(keep.sum())), rows, errors)

    # -- which rows the profile reader would reject -------------------------
    def _asof(self, cols: dict[str, Column], n: int) -> tuple[np.ndarray, np.ndarray]:
        if self.as_of is not None:
            d = self.as_of
            return np.full(n, d.year * 10000 + d.month * 100 + d.day, dtype=np.int64), np.zeros(n, bool)
        today = self.today.year * 10000 + self.today.month * 100 + self.today.day
        if "as_of" not in cols:
            return np.full(n, today, dtype=np.int64), np.zeros(n, bool)
        value, known = _gather(cols["as_of"], 0, np.int64)
        return np.where(known, value, today), cols["as_of"].bad()

    def _bad_rows(self, cols: dict[str, Column], n: int) -> np.ndarray:
        bad = np.zeros(n, dtype=bool)
        for col in cols.values():
            bad |= col.bad()
        if "attest" in cols and self.known_attest is not None:
            col = cols["attest"]
            unknown = [bool(ok and v and set(v) - self.known_attest) for v, ok in zip(col.values, col.ok)]
            bad |= np.asarray(unknown + [False], dtype=bool)[col.codes]
        bad |= ~cols["id"].present() if "id" in cols else np.ones(n, dtype=bool)
        asof, _ = self._asof(cols, n)
        for name in PAST_DATES:
            if name in cols:
                value, known = _gather(cols[name], 0, np.int64)
                bad |= known & (value > asof)
        for name, record in _HISTORY:
            if name in cols:
                keys = tuple(RECORDS[record])
                recs = _records_long(cols[name], keys)
                for key in ("date", "granted_on"):
                    if key in recs.cols:
                        late = recs.cols[key] > asof[recs.row]
                        bad[recs.row[late]] = True
        for name, op, other in ORDERED_PAIRS:
            if name in cols and other in cols:
                a, b = _num(cols[name]), _num(cols[other])
                both = a.known & b.known
                lhs, rhs = mul(a.num, b.den), mul(b.num, a.den)
                bad |= both & np.asarray((lhs < rhs) if op == ">=" else (lhs > rhs), dtype=bool)
        return bad

    # -- the typed table ----------------------------------------------------
    def _table(self, cols: dict[str, Column], n: int) -> Table:
        ids = _gather(cols["id"], "")[0] if "id" in cols else np.full(n, "", dtype=object)
        asof, _ = self._asof(cols, n)
        t = Table(n=n, ids=np.array([s.strip() for s in ids], dtype=object) if n else ids, asof=asof)
        for name, col in cols.items():
            kind = FIELDS[name]
            if name in _NUMERIC:
                t.nums[name] = _num(col)
            elif kind == "bool":
                value, known = _gather(col, False, bool)
                t.bools[name] = (value.astype(bool), known)
            elif kind == "date" and name != "as_of":
                value, known = _gather(col, 0, np.int64)
                t.dates[name] = (value.astype(np.int64), known)
            elif kind == "str" or is_enum(kind) or is_list_of_enum(kind):
                if name not in ("id", "name", "notes"):
                    codes = np.where(col.present() & np.append(col.ok, False)[col.codes], col.codes, -1)
                    t.cats[name] = Cat(codes, list(col.values))
            elif kind == "map[year]int>=0":
                lengths, years, counts = col.flat
                starts = np.concatenate([[0], np.cumsum(lengths)])
                per_row = np.append(lengths, 0)[col.codes]
                rows = np.repeat(np.arange(n), per_row)
                idx = np.repeat(starts[col.codes] - (np.cumsum(per_row) - per_row), per_row) + np.arange(rows.size)
                t.series[name] = (rows, years[idx], Num(counts[idx], 1, np.ones(rows.size, dtype=bool)))
            elif kind == "map[str]bool":
                for key in self.attest_keys:
                    table = np.array([-1 if v is None or key not in v else int(v[key]) for v in col.values] + [-1])
                    got = table[col.codes]
                    t.attest[key] = (got == 1, got >= 0)
        for name, record in _HISTORY:
            keys = tuple(RECORDS[record])
            recs = _records_long(cols[name], keys) if name in cols else Records.empty(keys)
            setattr(t, "events" if name == "credit_events" else name, recs)
        # registered_on and operating_since default to founded_on (profile.md)
        if "founded_on" in t.dates:
            founded, known = t.dates["founded_on"]
            for name in ("registered_on", "operating_since"):
                value, has = t.dates.get(name, (np.zeros(n, np.int64), np.zeros(n, bool)))
                t.dates[name] = (np.where(has, value, founded), has | known)
        # a function listed with any figure is offered unless it says otherwise;
        # one not listed is not offered (the list is complete)
        for fn in self.functions:
            listed = np.zeros(n, dtype=bool)
            for name, col in cols.items():
                if name.startswith(f"services.{fn}."):
                    listed |= col.present()
            given, known = t.bools.get(f"services.{fn}.offered", (np.zeros(n, bool), np.zeros(n, bool)))
            t.bools[f"services.{fn}.offered"] = (np.where(known, given, listed), np.ones(n, dtype=bool))
        return t


# -- reading the input ---------------------------------------------------------

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
            import difflib
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
    from kb.population import profile_row
    from kb.profile import load_profile
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


# -- writing -------------------------------------------------------------------

def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _quote_all(texts: list[str]) -> list[str]:
    if not any(c in "".join(texts) for c in ',"\n\r'):   # the usual case: nothing to quote
        return texts
    return [_quote(t) for t in texts]


def _combine(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One code per row for several factorized columns, and the tuple of codes behind each."""
    code, first = factorize(codes)
    return code, np.column_stack([c[first] for c in codes])


class CsvOutput:
    def __init__(self, path: Path):
        self.path = path
        self.staged = Staged()   # all or nothing, the umask's permissions (kb/io/outputs.py)
        self.tmp = self.staged.path(path)
        self.file = open(self.tmp, "wb")
        self.file.write((",".join(OUTPUT_COLUMNS) + "\n").encode())

    def write(self, ids: np.ndarray, results: list[tuple[str, dict]]) -> None:
        if ids.size == 0:
            return
        orgs = np.asarray(_quote_all(ids.tolist()), dtype=object) + ","
        lines = np.empty(ids.size * len(results), dtype=object)
        names = OUTPUT_COLUMNS[2:]
        for p, (pid, cols) in enumerate(results):
            code, combos = _combine([cols[c].codes for c in names])
            quoted = [_quote_all(cols[c].labels) for c in names]
            tails = [",".join([pid] + [q[i] for q, i in zip(quoted, combo)]) + "\n" for combo in combos.tolist()]
            lines[p::len(results)] = orgs + np.asarray(tails, dtype=object)[code]
        lines = lines.tolist()
        for i in range(0, len(lines), 1 << 15):   # a few megabytes at a time
            self.file.write("".join(lines[i:i + (1 << 15)]).encode("utf-8"))

    def commit(self) -> None:
        self.file.close()
        self.staged.commit()

    def abort(self) -> None:
        self.file.close()
        self.staged.abort()


class ParquetOutput(CsvOutput):
    def __init__(self, path: Path):
        import importlib.util
        if importlib.util.find_spec("pyarrow") is None:
            raise InputError(path, None, "Parquet output needs pyarrow (pip install pyarrow); "
                                         "or write a .csv") from None
        self.path = path
        self.staged = Staged()
        self.tmp = self.staged.path(path)
        self.writer = None

    def write(self, ids: np.ndarray, results: list[tuple[str, dict]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        k = len(results)
        n = ids.size
        arrays = {"org": pa.array(np.repeat(ids, k).tolist(), type=pa.string()),
                  "program": pa.DictionaryArray.from_arrays(pa.array(np.tile(np.arange(k), n), type=pa.int32()),
                                                            pa.array([pid for pid, _ in results]))}
        for name in OUTPUT_COLUMNS[2:]:
            labels, offsets, codes = [], 0, np.empty(n * k, dtype=np.int32)
            for p, (_, cols) in enumerate(results):
                codes[p::k] = cols[name].codes + offsets
                labels += cols[name].labels
                offsets += len(cols[name].labels)
            arrays[name] = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32()),
                                                          pa.array(labels, type=pa.string()))
        table = pa.table(arrays)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, table.schema)
        self.writer.write_table(table)

    def commit(self) -> None:
        if self.writer is None:
            import pyarrow as pa
            import pyarrow.parquet as pq
            pq.write_table(pa.table({c: pa.array([], type=pa.string()) for c in OUTPUT_COLUMNS}), self.tmp)
        else:
            self.writer.close()
        self.staged.commit()

    def abort(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            self.staged.abort()


def output_for(path: Path):
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvOutput
    if suffix in (".parquet", ".pq"):
        return ParquetOutput
    raise InputError("--out", str(path), "expected a .csv or .parquet file name")


# -- progress ------------------------------------------------------------------

class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int, unit: str, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.unit = max(total, 1), unit
        self.rows, self.start, self.shown = 0, time.monotonic(), 0.0

    def update(self, done: int, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if now - self.shown < 0.2 and done < self.total:
            return
        self.shown = now
        frac = min(done / self.total, 1.0)
        bar = "#" * int(frac * 30)
        self.stream.write(f"\rscreen [{bar:<30}] {frac:6.1%}  {self.rows:,} organizations  {now - self.start:5.1f}s")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


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
        bar = Progress(len(profile_files(source)), "files") if show else None
        chunks = directory_chunks(source, chunk_size, as_of, bar)
    else:
        bar = Progress(estimated_rows(source), "rows") if show else None
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

