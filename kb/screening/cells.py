"""The cells of one CSV column of a chunk, parsed.

pandas factorizes each column, so only its distinct cells are parsed, with
the same rules as kb/profile/__init__.py's CSV reader. A cell they refuse
marks its rows bad; kb/screening/reader.py then asks
kb.profile.profile_from_row for the row's error. What involves other cells of
the row (dates against as_of, ordered fields) is checked per row in reader.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from kb.io.inputs import FIRST_DAY, LAST_DAY, ascii_digits, parse_json, parse_number
from kb.law.fields import FIELDS, RECORDS, enum_values, is_enum, is_list_of_enum, item_kind
# the profile reader's own tables, so a cell means here what it means there
from kb.profile import _CITIES, _CITY_ALIASES, _FALSE, _TRUE

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIRST, _LAST = (d.year * 10000 + d.month * 100 + d.day for d in (FIRST_DAY, LAST_DAY))
_YEARS = range(1900, 2101)


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
