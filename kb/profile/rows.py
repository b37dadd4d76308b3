"""Bulk CSV: one row of dotted columns (JSON cells for lists and maps) as a profile."""
from __future__ import annotations

from datetime import date
from typing import Any

from kb.io.errors import InputError, InputErrors
from kb.io.inputs import NumberError, parse_json, parse_number
from kb.law.fields import FIELDS
from kb.profile.reader import profile_from_dict
from kb.profile.records import Profile
from kb.profile.values import _show, _unknown

_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否"}


def flatten_row(row: dict[str, str], source: str, row_number: int) -> dict:
    """Nest one CSV row (dotted columns, JSON cells for lists and maps) for profile_from_dict.

    Cells are text, so scalars are typed here by the field table; range and
    cross-field checks stay in profile_from_dict, which should be given
    ``source=f"{source}:row {row_number}"`` (as :func:`profile_from_row` does).
    """
    where = f"{source}:row {row_number}"
    nested: dict = {}
    errors: list[InputError] = []   # every bad cell of the row, not only the first
    for column, cell in row.items():
        if column is None:
            raise InputError(where, None, "expected no more cells than the header has columns")
        column = column.strip()
        if cell is None or not str(cell).strip():
            continue   # an empty cell is missing data
        text = str(cell).strip()
        kind = FIELDS.get(column)
        try:
            if kind is None:
                _unknown(where, column, None, list(FIELDS))
            value = read_cell(where, column, kind, text)
        except InputError as exc:
            errors.append(exc)
            continue
        node = nested
        *parents, leaf = column.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    return nested


def read_cell(where: str, column: str, kind: str, text: str) -> Any:
    if kind == "bool":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise InputError(where, column, f"expected true or false, got {text!r}")
    if kind in ("int>=0", "money", "m2"):
        try:
            return parse_number(text)
        except (ValueError, ZeroDivisionError) as exc:
            limit = isinstance(exc, NumberError) and ("digit" in exc.msg or "exponent" in exc.msg)
            raise InputError(where, column, f"expected a number, got {_show(text)}"
                             + (f" ({exc.msg})" if limit else "")) from None
    if kind.startswith(("list[", "map[")):
        try:
            return parse_json(text)
        except ValueError as exc:
            raise InputError(where, column, f"expected a JSON {kind.split('[')[0]} in the cell ({exc.msg})") from None
    return text


def profile_from_row(row: dict[str, str], source: str, row_number: int,
                     as_of: date | None = None) -> Profile:
    """One CSV row as a Profile, with errors naming ``source:row N``."""
    return profile_from_dict(flatten_row(row, source, row_number), f"{source}:row {row_number}", as_of)
