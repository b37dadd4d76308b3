"""One profile value checked and converted by its type in kb/law/fields.py.

Numbers become :class:`fractions.Fraction` (0.9 must compare equal to 90%);
each mistake is an InputError naming the dotted field and what was expected,
collected in :class:`ReadContext` so a person sees them all at once.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kb.io.errors import InputError, InputErrors
from kb.io.inputs import FIRST_DAY, LAST_DAY, MAX_DIGITS, ascii_digits, bounded_number, parse_number
from kb.law.fields import (ENUM_ZH, PROGRAM_IDS, RECORDS, enum_value, enum_values, is_enum, is_list_of_enum,
                           item_kind)
from kb.profile.records import CreditEvent, Designation, Revocation

YEARS = range(FIRST_DAY.year, LAST_DAY.year + 1)   # a year map names the years a date may hold


@dataclass
class ReadContext:
    source: str
    prefix: str          # "entities[1]." inside a group, so errors point into the file
    as_of: date
    # Every mistake found so far: a person fixing a profile wants them all at
    # once. ``fail`` still raises, so each check stops at its own first
    # problem; the walkers catch per field and carry on with the next.
    errors: list[InputError] = field(default_factory=list)

    def fail(self, name: str, expected: str):
        raise InputError(self.source, self.prefix + name, expected)

    def collect(self, fn, *args):
        """fn(*args), or None after recording its InputError."""
        try:
            return fn(*args)
        except InputErrors as exc:
            self.errors.extend(exc.errors)
        except InputError as exc:
            self.errors.append(exc)
        return None

    def raise_all(self):
        # a misspelt key is also a missing one ('idd' for 'id'): say it once
        meant = " ".join(e.expected for e in self.errors if "did you mean" in e.expected)
        errors = [e for e in self.errors
                  if not (e.expected.startswith("required field is missing") and f"'{e.field}'" in meant)]
        if errors:
            raise InputErrors(errors) if len(errors) > 1 else errors[0]

    def unknown(self, name: str, value: Any, candidates: list[str]):
        _unknown(self.source, name, value, candidates, self.prefix)


def _unknown(source: str, name: str, value: Any, candidates: list[str], prefix: str = ""):
    # Show one level deeper when a misspelled section holds fields: 'staf.service'
    # finds 'staff.service' where 'staf' alone might match nothing useful.
    shown = f"{name}.{next(iter(value))}" if isinstance(value, dict) and value else name
    match = (difflib.get_close_matches(shown, candidates, 1, 0.6)
             or difflib.get_close_matches(name, candidates, 1, 0.6))
    hint = f"; did you mean '{prefix}{match[0]}'?" if match else ""
    raise InputError(source, prefix + shown, f"unknown field '{prefix}{shown}'{hint}")


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(ctx: ReadContext, name: str, value: Any, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, Decimal)):
        ctx.fail(name, f"expected {what}, got {_show(value)}")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            ctx.fail(name, f"expected {what}, got {value}")
        n = Fraction(str(value))   # the decimal the user wrote, not the binary float
    else:
        n = Fraction(value)
    if not bounded_number(n):
        ctx.fail(name, f"expected {what}, got a number of more than {MAX_DIGITS} digits")
    return n


def _date(ctx: ReadContext, name: str, value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            ctx.fail(name, f"expected an ISO date YYYY-MM-DD, got {_show(value)}")
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            ctx.fail(name, f"expected a real date YYYY-MM-DD; {value.strip()} does not exist")
    if not FIRST_DAY <= value <= LAST_DAY:   # windows and waits reach years past it; the calendar ends
        ctx.fail(name, f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {value}")
    return value


def _share(ctx: ReadContext, name: str, value: Any) -> Fraction:
    what = 'a share in [0, 1] such as 0.9 or "90%"'
    if isinstance(value, str):
        text = value.strip()
        try:
            share = parse_number(text[:-1]) / 100 if text.endswith("%") else parse_number(text)
        except (ValueError, ZeroDivisionError):
            ctx.fail(name, f"expected {what}, got {_show(value)}")
    else:
        share = _number(ctx, name, value, what)
    if not 0 <= share <= 1:
        ctx.fail(name, f"expected {what}, got {_show(value)}")
    return share


def _choice(ctx: ReadContext, name: str, value: Any, allowed: tuple[str, ...], what: str = "value") -> str:
    if not isinstance(value, str):
        ctx.fail(name, f"expected one of {', '.join(allowed)}, got {_show(value)}")
    known = enum_value(value, allowed)
    if known is not None:
        return known
    match = difflib.get_close_matches(value, allowed, 1, 0.6)
    hint = f"; did you mean '{match[0]}'?" if match else ""
    if not match:   # a near miss of a Chinese name (孵化基地 → 孵化器) names the value it meant
        by_zh = {ENUM_ZH[v]: v for v in allowed if v in ENUM_ZH}
        near = difflib.get_close_matches(value.strip(), list(by_zh), 1, 0.5)
        hint = f"; did you mean '{by_zh[near[0]]}' ({near[0]})?" if near else ""
    zh = [f"{v} ({ENUM_ZH[v]})" if v in ENUM_ZH else v for v in allowed]
    ctx.fail(name, f"unknown {what} {value!r}; expected one of {', '.join(zh)}{hint}")
    return value


def convert_value(ctx: ReadContext, name: str, kind: str, value: Any) -> Any:
    if kind == "str":
        if not isinstance(value, str):
            ctx.fail(name, f"expected text, got {_show(value)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            ctx.fail(name, f"expected true or false, got {_show(value)}")
        return value
    if kind == "date":
        return _date(ctx, name, value)
    if kind == "share":
        return _share(ctx, name, value)
    if kind in ("int>=0", "money", "m2"):
        what = {"int>=0": "a whole number >= 0", "money": "an amount >= 0 in 万元",
                "m2": "an area >= 0 in m²"}[kind]
        n = _number(ctx, name, value, what)
        if n < 0 or (kind == "int>=0" and n.denominator != 1):
            ctx.fail(name, f"expected {what}, got {_show(value)}")
        return n
    if is_enum(kind):
        return _choice(ctx, name, value, enum_values(kind))
    if kind == "program":
        return _choice(ctx, name, value, PROGRAM_IDS, "program id")
    if is_list_of_enum(kind):
        if not isinstance(value, (list, tuple)):
            ctx.fail(name, "expected a list")
        items = [convert_value(ctx, f"{name}[{i}]", item_kind(kind), v) for i, v in enumerate(value)]
        return tuple(dict.fromkeys(items))
    if kind == "map[year]int>=0":
        return _year_map(ctx, name, value)
    if kind == "map[str]bool":
        if not isinstance(value, dict):
            ctx.fail(name, "expected a map from condition key to true or false")
        out = {}
        for key, flag in value.items():
            if not isinstance(key, str):
                ctx.collect(ctx.fail, f"{name}.{key}", "expected a text key")
            elif flag is not None:
                got = ctx.collect(convert_value, ctx, f"{name}.{key}", "bool", flag)
                if got is not None:
                    out[key] = got
        return out
    if item_kind(kind) in RECORDS:
        return _records(ctx, name, item_kind(kind), value)
    raise AssertionError(f"unhandled field type {kind!r}")   # a bug in kb/law/fields.py


def _year_map(ctx: ReadContext, name: str, value: Any) -> dict[int, Fraction]:
    if not isinstance(value, dict):
        ctx.fail(name, "expected a map from year to count, such as {2023: 120}")
    out: dict[int, Fraction] = {}
    for key, count in value.items():
        year = key if isinstance(key, int) and not isinstance(key, bool) else \
            int(ascii_digits(key.strip())) if isinstance(key, str) and key.strip().isdecimal() \
            and len(key.strip()) == 4 else None
        if year not in YEARS:
            ctx.fail(f"{name}.{key}", f"expected a year such as 2023 as key, got {_show(key)}")
        if year in out:
            ctx.fail(f"{name}.{key}", f"year {year} is given twice")
        if count is not None:
            out[year] = convert_value(ctx, f"{name}.{year}", "int>=0", count)
    return out


_RECORD_CLASSES = {"credit_event": CreditEvent, "designation": Designation, "revocation": Revocation}
_NOT_AFTER_AS_OF = {"date", "granted_on"}


def _records(ctx: ReadContext, name: str, record: str, value: Any) -> tuple:
    schema = RECORDS[record]
    if not isinstance(value, (list, tuple)):
        ctx.fail(name, f"expected a list of {{{', '.join(schema)}}}")
    out = []
    for i, item in enumerate(value):
        record_item = ctx.collect(_record, ctx, f"{name}[{i}]", record, schema, item)
        if record_item is not None:
            out.append(record_item)
    return tuple(out)


def _record(ctx: ReadContext, at: str, record: str, schema: dict, item: Any):
    if not isinstance(item, dict):
        ctx.fail(at, f"expected a map with {', '.join(schema)}")
    before = len(ctx.errors)
    for key in item:
        if key not in schema:
            ctx.collect(ctx.unknown, f"{at}.{key}", None, [f"{at}.{k}" for k in schema])
    fields = {}
    for key, (kind, required) in schema.items():
        fields[key] = ctx.collect(_record_field, ctx, f"{at}.{key}", key, kind, required, item.get(key))
    if len(ctx.errors) > before:
        return None
    if fields.get("expires_on") and fields["expires_on"] < fields["granted_on"]:
        ctx.fail(f"{at}.expires_on", f"expected a date on or after granted_on {fields['granted_on']}")
    return _RECORD_CLASSES[record](**fields)


def _record_field(ctx: ReadContext, name: str, key: str, kind: str, required: bool, value: Any):
    if value is None:
        if required:
            ctx.fail(name, "required field is missing")
        return None
    got = convert_value(ctx, name, kind, value)
    if key in _NOT_AFTER_AS_OF and got > ctx.as_of:
        ctx.fail(name, f"expected a date on or before as_of {ctx.as_of}, got {got}")
    return got
