"""The typed columns the vectorized evaluator works on, and their exact arithmetic.

A Table holds one chunk of organizations as numpy columns (kb/screening/reader.py
builds it from CSV cells). Numbers stay exact: a column is an integer numerator
over one common denominator (int64, or Python ints where int64 could
overflow), and ``a/b >= p/q`` is decided as ``a*q >= p*b``. Dates are integers
yyyymmdd, which order like the dates themselves.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

_SAFE = 2 ** 62   # products below this fit int64


# -- exact numbers -------------------------------------------------------------

def _maxabs(x) -> int:
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return 0
        if x.dtype == object:
            return max(abs(int(v)) for v in x)
        return int(np.abs(x).max())
    return abs(int(x))


def _as_object(x):
    if isinstance(x, np.ndarray) and x.dtype != object:
        out = np.empty(x.shape, dtype=object)
        out[:] = [int(v) for v in x.tolist()]
        return out
    return x


def mul(x, y):
    """x * y exactly: int64 while the product is known to fit, else Python ints."""
    if _maxabs(x) * _maxabs(y) < _SAFE:
        if isinstance(x, np.ndarray) and x.dtype == object:
            x = x.astype(np.int64)
        if isinstance(y, np.ndarray) and y.dtype == object:
            y = y.astype(np.int64)
        return x * y
    return _as_object(x) * _as_object(y)


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _wide(x) -> bool:
    return x.dtype == object if isinstance(x, np.ndarray) else abs(int(x)) >= _SAFE


def compare(num, den, op: str, t: Fraction) -> np.ndarray:
    """num/den OP t for den > 0, exactly (the caller masks unknown rows)."""
    lhs, rhs = mul(num, t.denominator), mul(den, t.numerator)
    if _wide(lhs) or _wide(rhs):
        lhs, rhs = _as_object(lhs), _as_object(rhs)
    return np.asarray(_OPS[op](lhs, rhs), dtype=bool)


@dataclass
class Num:
    """A numeric column: num / den where known."""
    num: np.ndarray
    den: int
    known: np.ndarray


# -- the table -----------------------------------------------------------------

@dataclass
class Cat:
    """A text or enum column, factorized: codes into labels, -1 where missing."""
    codes: np.ndarray
    labels: list

    @property
    def known(self) -> np.ndarray:
        return self.codes >= 0

    def isin(self, values) -> np.ndarray:
        hit = np.array([label in values for label in self.labels] + [False], dtype=bool)
        return hit[self.codes]   # code -1 picks the trailing False


@dataclass
class Records:
    """A history list in long form: one entry per record, ``row`` its organization."""
    row: np.ndarray
    cols: dict[str, np.ndarray]

    @staticmethod
    def empty(names) -> "Records":
        return Records(np.zeros(0, dtype=np.int64), {n: np.zeros(0, dtype=object) for n in names})


@dataclass
class Table:
    """Validated, typed columns for ``n`` organizations (see kb/screening/reader.py for
    how a CSV chunk or a list of profiles becomes one). Dates are integers
    yyyymmdd, which order like the dates themselves."""
    n: int
    ids: np.ndarray
    asof: np.ndarray                                  # yyyymmdd
    nums: dict[str, Num] = field(default_factory=dict)
    bools: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)   # value, known
    cats: dict[str, Cat] = field(default_factory=dict)   # str / enum / list fields (labels: tuples for lists)
    dates: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)   # yyyymmdd, known
    series: dict[str, tuple[np.ndarray, np.ndarray, Num]] = field(default_factory=dict)  # row, year, count
    events: Records | None = None        # kind, subject, date
    revocations: Records | None = None   # program, reason, date
    designations: Records | None = None  # program, granted_on, expires_on (0: none)
    attest: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def asof_year(self) -> np.ndarray:
        return self.asof // 10000

    def num(self, name: str) -> Num:
        got = self.nums.get(name)
        if got is None:
            return Num(np.zeros(self.n, dtype=np.int64), 1, np.zeros(self.n, dtype=bool))
        return got

    def flag(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self.bools.get(name)
        if got is None:
            return np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=bool)
        return got

    def cat(self, name: str) -> Cat:
        return self.cats.get(name) or Cat(np.full(self.n, -1, dtype=np.int64), [])

    def date(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self.dates.get(name)
        if got is None:
            return np.zeros(self.n, dtype=np.int64), np.zeros(self.n, dtype=bool)
        return got


def is_leap(year: np.ndarray) -> np.ndarray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def years_before(ymd: np.ndarray, years: int) -> np.ndarray:
    """kb.law.measures.shift_years, vectorized: the same day ``years`` earlier
    (29 Feb → 28 Feb in a common year, as kb.law.measures.add_years)."""
    y, md = ymd // 10000 - years, ymd % 10000
    md = np.where((md == 229) & ~is_leap(y), 228, md)
    return y * 10000 + md


def full_years(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """kb.law.measures.full_years, vectorized: the anniversary in end's year is
    start's month and day, 29 Feb becoming 28 Feb in a common year."""
    end_y = end // 10000
    md = start % 10000
    md = np.where((md == 229) & ~is_leap(end_y), 228, md)
    return end_y - start // 10000 - ((end % 10000) < md)

