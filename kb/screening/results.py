"""A screening result's columns for one program, factorized: status, failed,
unknown, missing and discretion — what `regkb check` reports, one cell per list.

Most organizations share a handful of combinations, so each column is a code
per row into the labels of the combinations that occur, and the labels are
written once per combination (kb/screening/output.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEP = ";"         # between ids in a result cell (no condition id or field name holds one)


def factorize(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One code per row for several integer columns (hashing, not sorting),
    and the first row holding each code."""
    codes = np.zeros(keys[0].size if keys else 0, dtype=np.int64)
    size = 1
    for key in keys:
        part, uniq = pd.factorize(key)
        codes, uniq = pd.factorize(codes * len(uniq) + part)
        size = len(uniq)
    first = np.full(size, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    return codes.astype(np.int64), first


def _codes(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize the rows of a boolean matrix: (code per row, one row per code)."""
    n, m = matrix.shape
    if m == 0 or n == 0:
        return np.zeros(n, dtype=np.int64), np.zeros((1, m), dtype=bool)
    words = [matrix[:, i:i + 62].astype(np.int64) @ (np.int64(1) << np.arange(min(62, m - i), dtype=np.int64))
             for i in range(0, m, 62)]
    codes, first = factorize(words)
    return codes, matrix[first]


@dataclass
class Column:
    """One output column of one program, factorized: labels[codes]."""
    codes: np.ndarray
    labels: list[str]

    def values(self) -> np.ndarray:
        return np.asarray(self.labels, dtype=object)[self.codes]


def program_columns(out, program: str) -> dict[str, Column]:
    """``out``: an Outcome (kb/screening/vectorized.py) holding ``program``.
    status; failed and unknown (top-level condition ids), missing (fields)
    and discretion (condition=general|relaxable), each joined by ";" — what
    `regkb check` reports, one cell per list."""
    prog = out.ev.programs[program]
    tops = prog.conditions
    n = out.t.n
    status = out.status(program)
    labels = ["qualifies", "fails", "undetermined"]
    cols = {"status": Column(np.select([status == "qualifies", status == "fails"], [0, 1], 2), labels)}
    failed = np.column_stack([out.failed[c.id] for c in tops]) if tops else np.zeros((n, 0), bool)
    unknown = np.column_stack([out.unknown(c.id) for c in tops]) if tops else np.zeros((n, 0), bool)
    for name, matrix in (("failed", failed), ("unknown", unknown)):
        codes, rows = _codes(matrix)
        cols[name] = Column(codes, [SEP.join(c.id for c, on in zip(tops, row) if on) for row in rows])
    # missing: the union over unknown top-level conditions, in tree order
    merged: dict[object, np.ndarray] = {}
    for top in tops:
        for key, mask in out.items(top):
            merged[key] = merged[key] | mask if key in merged else mask
    keys = list(merged)
    matrix = np.column_stack([merged[k] for k in keys]) if keys else np.zeros((n, 0), bool)
    codes, rows = _codes(matrix)
    years = np.zeros(n, dtype=np.int64)
    if any(isinstance(k, tuple) for k in keys):   # a series' years depend on each row's as_of
        years = out.t.asof_year.astype(np.int64)
    pair, first = factorize([codes, years])
    labels = []
    for code, year in zip(codes[first].tolist(), years[first].tolist()):
        names = [f"{k[1]}.{year - k[2]}" if isinstance(k, tuple) else k for k, on in zip(keys, rows[code]) if on]
        labels.append(SEP.join(dict.fromkeys(names)))
    cols["missing"] = Column(pair, labels)
    # discretion of failed conditions: relaxable (for the sponsors an exception names) beats general
    entries = discretion(out, tops)
    matrix = np.column_stack([m for _, _, m in entries]) if entries else np.zeros((n, 0), bool)
    codes, rows = _codes(matrix)
    labels = []
    for row in rows:
        found: dict[str, str] = {}
        for (cid, kind, _), on in zip(entries, row):
            if on and found.get(cid) != "relaxable":
                found[cid] = kind
        labels.append(SEP.join(f"{cid}={kind}" for cid, kind in found.items()))
    cols["discretion"] = Column(codes, labels)
    return cols


def discretion(out, tops) -> list[tuple[str, str, np.ndarray]]:
    """(condition id, "relaxable" or "general", where it failed but is left to the
    authority) for the top-level conditions ``tops``: relaxable for the sponsors a
    relaxation names, general (一般应) wherever it failed. The screen's discretion
    column and the population impact (kb/revisions/impact.py) both read this."""
    sponsor = out.t.cat("sponsor")
    entries = []
    for top in tops:
        if top.id in out.ev.relax:
            entries.append((top.id, "relaxable", out.failed[top.id] & sponsor.isin(out.ev.relax[top.id])))
        if top.strength == "general":
            entries.append((top.id, "general", out.failed[top.id]))
    return entries
