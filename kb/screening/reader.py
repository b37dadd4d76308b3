"""From a chunk's CSV cells to a validated, typed Table: which rows the profile
reader would reject, each with its error, and the columns of the others.

Cells are parsed per distinct value (kb/screening/cells.py); what involves
several cells of a row (dates against as_of, ordered fields, an id present,
attest keys the texts define) is checked here for the whole chunk at once. A
row the fast checks flag is handed to kb.profile.profile_from_row, whose error
(row and field) is reported; the rare row it accepts is re-read in its
canonical form (kb.population.profile_row).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from math import lcm

import numpy as np
import pandas as pd

from kb.io.errors import InputError
from kb.law.fields import FIELDS, ORDERED_PAIRS, PAST_DATES, RECORDS, is_enum, is_list_of_enum
from kb.population import profile_row
from kb.profile import check_attest_keys, profile_from_row
from kb.screening.cells import Column, parse_column
from kb.screening.columns import Cat, Num, Records, Table, mul

_HISTORY = (("credit_events", "credit_event"), ("designations", "designation"), ("revocations", "revocation"))
_NUMERIC = {name for name, kind in FIELDS.items() if kind in ("int>=0", "money", "m2", "share")}


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
    a denominator per row (kb/screening/columns.py compares num * q with den * p either
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
                                                        "reader does not (a bug in kb/screening/reader.py)")))
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
