"""The cells of one CSV column of a chunk, parsed as the profile reader parses them.

pandas factorizes each column, so only its distinct cells are parsed, and each
by kb.profile's own per-value conversion (the cell typing of its CSV reader,
then the field type's validation): a cell means here exactly what it means to
`regkb check`, and there is no second set of rules to keep in step. A cell it
refuses marks its rows bad; kb/screening/reader.py then asks
kb.profile.profile_from_row for the row's error. What involves other cells of
the row (dates against as_of, ordered fields) is checked per row in reader.py.

Two fast paths skip the profile reader where it would give the same answer:
whole numbers written as plain digits, and year maps written as this project
writes them (one regex and one numpy pass for a whole column).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kb.io.errors import InputError
from kb.law.fields import FIELDS, RECORDS, item_kind
# the profile reader's per-value parsing (kb.profile exports these private names for this use)
from kb.profile import CITIES, CITY_ALIASES, YEARS, ReadContext, convert_value, read_cell



class _Bad(Exception):
    """A cell the profile reader will not accept; profile_from_row says why."""


def _ymd(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def _profile_value(kind: str):
    # as_of is unknown per distinct cell: records' dates are checked against it per row
    ctx = ReadContext("", "", date.max)

    def parse(text: str):
        ctx.errors.clear()
        try:
            value = convert_value(ctx, "", kind, read_cell("", "", kind, text))
        except InputError:
            raise _Bad from None
        if ctx.errors:   # maps and record lists collect their items' errors instead of raising
            raise _Bad
        return value
    return parse


def _number(kind: str):
    read = _profile_value(kind)

    def parse(text: str):
        if text.isascii() and text.isdigit() and len(text) <= 18:   # the common case, without a Fraction
            return int(text)
        return read(text)
    return parse


def _date(kind: str):
    read = _profile_value(kind)
    return lambda text: _ymd(read(text))


def _city(text: str) -> str:
    # kb.profile maps a city's other names after reading the field as text
    return CITY_ALIASES.get(text, text.lower() if text.lower() in CITIES else text)


def _year_map(kind: str):
    read = _profile_value(kind)
    return lambda text: {year: int(count) for year, count in read(text).items()}


def _records(kind: str):
    """A history list as tuples in the schema's order: dates yyyymmdd, an absent optional field 0."""
    read = _profile_value(kind)
    keys = tuple(RECORDS[item_kind(kind)])

    def parse(text: str) -> tuple:
        return tuple(tuple(_ymd(v) if isinstance(v, date) else 0 if v is None else v
                           for v in (getattr(record, k) for k in keys)) for record in read(text))
    return parse


def parser_for(kind: str):
    if kind == "str":
        return str
    if kind in ("int>=0", "money", "m2"):
        return _number(kind)
    if kind == "date":
        return _date(kind)
    if kind == "map[year]int>=0":
        return _year_map(kind)
    if item_kind(kind) in RECORDS:
        return _records(kind)
    return _profile_value(kind)   # bool, share, enums, lists of enums, attest


_PARSERS = {name: parser_for(kind) for name, kind in FIELDS.items()}
_PARSERS["registered_city"] = _city


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
_YEAR_MAP_SLOW = _year_map("map[year]int>=0")


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
            slow[i] = sorted(_YEAR_MAP_SLOW(texts[i]).items())
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
    # what the profile reader checks, for the fast cells: years in range, none twice
    bad_year = (entries[:, 0] < YEARS.start) | (entries[:, 0] >= YEARS.stop)
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
