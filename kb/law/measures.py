"""What a threshold compares: a profile field, or a figure derived from fields.

The derivations are few and fixed (full years since a date, a share of one
count in another, a share among a subset bounded from the whole), so they are
named kinds here, chosen by data in the encoding; nothing is evaluated from text.
Every figure is exact (int or Fraction): thresholds decide eligibility.
"""
from __future__ import annotations

from dataclasses import dataclass
from calendar import monthrange
from datetime import date
from fractions import Fraction
from typing import Any

from kb.law.wording import measure_words

KINDS = ("field", "years_since", "share", "share_within")


@dataclass(frozen=True)
class Measure:
    kind: str
    args: tuple[str, ...]

    @property
    def name(self) -> str:
        if self.kind == "field":
            return self.args[0]
        return f"{self.kind}({', '.join(self.args)})"

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.args

    def describe(self) -> str:
        return measure_words(self.kind, self.args)


def add_years(day: date, years: int) -> date:
    """The day a period of ``years`` years from ``day`` ends (Civil Code arts.
    200–204): the same month and day ``years`` later (earlier, for a negative
    count); where that month has no such day (29 Feb in a common year), the
    month's last day (28 Feb), never the next month's first. Every anniversary,
    window, ban, expiry and look-back in the knowledge base is computed here."""
    year = day.year + years
    try:
        return day.replace(year=year)
    except ValueError:   # only 29 Feb lacks a counterpart: the month ends on the 28th
        return date(year, day.month, monthrange(year, day.month)[1])


def full_years(start: date, end: date) -> int:
    """Completed years from start to end: 两年以上 holds once the second
    anniversary is reached (以上 includes the number), the anniversary as
    add_years gives it (founded 2020-02-29: two years on 2022-02-28)."""
    years = end.year - start.year
    return years - (add_years(start, years) > end)


def shift_years(day: date, years: int) -> date:
    """The same legal date ``years`` earlier (later, for a negative count):
    the start of a look-back window 三年内 before ``day``."""
    return add_years(day, -years)


def expiry(designation, validity: dict[str, int]) -> date | None:
    """When a designation runs out: its stated ``expires_on``, else the
    validity the text fixes for its program (北京平台第十三条 有效期三年:
    granted 2021-02-28 → 2024-02-28), else None (undetermined)."""
    if designation.expires_on is not None:
        return designation.expires_on
    years = validity.get(designation.program)
    if years is None or designation.granted_on is None:
        return None
    return add_years(designation.granted_on, years)


def bounds(measure: Measure, values: dict[str, Any], as_of: date,
           field_bounds=None) -> tuple[Any, Any] | None:
    """(lower, upper) bounds of a derived measure from known profile values, or
    None where an input is missing. The engine bounds plain fields and shares
    in Datalog (kb/reasoning/rules.dl); years and shares within a subset come from here.
    ``field_bounds`` (name → (lo, hi)) lets a share be worded from bounds."""
    if measure.kind == "share" and field_bounds is not None:
        (n_lo, n_hi), (d_lo, d_hi) = field_bounds(measure.args[0]), field_bounds(measure.args[1])
        lo = Fraction(n_lo) / Fraction(d_hi) if n_lo is not None and d_hi else None
        hi = Fraction(n_hi) / Fraction(d_lo) if n_hi is not None and d_lo else None
        return None if lo is None and hi is None else (lo, hi)
    args = [values.get(a) for a in measure.args]
    if any(a is None for a in args):
        return None
    if measure.kind == "field":
        return args[0], args[0]
    if measure.kind == "years_since":
        n = full_years(args[0], as_of)
        return n, n
    if measure.kind == "share":
        num, den = args
        if den == 0:
            return None
        share = Fraction(num) / Fraction(den)
        return share, share
    if measure.kind == "share_within":
        # qualified persons among the subset are at least those who cannot be
        # outside it, and at most the smaller of the two counts.
        qualified, subset, whole = (Fraction(a) for a in args)
        if subset == 0:
            return None
        low = max(Fraction(0), qualified - (whole - subset)) / subset
        high = min(qualified, subset) / subset
        return low, high
    raise ValueError(measure.kind)
