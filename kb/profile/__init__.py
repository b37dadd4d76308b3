"""Organization profiles: read, validate, normalize (contract: shared/spec/profile.md).

A profile is hand-written by people who will mistype field names, write 90
for 90%, or invent dates. Every query trusts what this module returns, so it
is strict: anything it cannot read exactly is an :class:`InputError` naming
the file, the dotted field and what was expected, never a silent guess. What
the profile leaves out stays out (absent key), because missing data is
*unknown*, not zero or false.

Numbers become :class:`fractions.Fraction` because thresholds decide
eligibility and 0.9 must compare equal to 90%.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from kb.io.errors import InputError, InputErrors
from kb.io.inputs import (FIRST_DAY, LAST_DAY, MAX_DIGITS, NumberError, ascii_digits, bounded_number, parse_json,
                       parse_number, parse_text, read_text)
from kb.law.fields import (FIELDS, HISTORY_FIELDS, META_FIELDS, ORDERED_PAIRS, PAST_DATES, PROGRAM_IDS, RECORDS,
                       ENUM_ZH, enum_value, enum_values, is_enum, is_list_of_enum, item_kind)
from kb.law.model import CITY_ZH

__all__ = ["load_profile", "profile_from_dict", "flatten_row", "profile_from_row", "Profile", "Group",
           "CreditEvent", "Designation", "Revocation", "FIELDS"]


@dataclass(frozen=True)
class CreditEvent:
    kind: str
    date: date
    subject: str


@dataclass(frozen=True)
class Designation:
    program: str
    granted_on: date
    expires_on: date | None


@dataclass(frozen=True)
class Revocation:
    program: str
    date: date
    reason: str


@dataclass(frozen=True, eq=False)   # hashable by identity: values is a dict
class Profile:
    """One legal entity as of one date; ``values`` is flat so queries look fields up by name."""
    id: str
    name: str | None
    as_of: date
    source: str
    values: dict[str, object]
    services_offered: frozenset[str] = frozenset()
    credit_events: tuple[CreditEvent, ...] = ()
    designations: tuple[Designation, ...] = ()
    revocations: tuple[Revocation, ...] = ()
    attest: dict[str, bool] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    # Fields filled from founded_on rather than given, so reports can say so.
    defaulted: frozenset[str] = frozenset()
    notes: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@dataclass(frozen=True, eq=False)   # hashable by identity: values is a dict
class Group:
    """A parent and its subsidiaries, so planning can assign programs per entity."""
    id: str
    name: str | None
    source: str
    as_of: date
    entities: tuple[Profile, ...]
    raw: dict = field(default_factory=dict)
    notes: str | None = None


# -- reading ---------------------------------------------------------------------

def load_profile(path: str | Path, as_of: date | None = None) -> Profile | Group:
    """Read a YAML or JSON profile file; ``as_of`` (CLI --as-of) overrides the file's."""
    source = str(path)
    return profile_from_dict(_parse(read_text(path, "YAML or JSON file"), source),
                             source=source, as_of=as_of)


def _parse(text: str, source: str) -> Any:
    # kb/io/inputs.py: the limits every reader shares (size, depth, aliases, duplicate keys, number size)
    return parse_text(text, source)


# -- validation ------------------------------------------------------------------

def _tree(names: dict[str, str]) -> dict:
    root: dict = {}
    for name, kind in names.items():
        node = root
        *parents, leaf = name.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = kind
    return root


_TREE = _tree(FIELDS)
# Every name a user could mean, sections included, for "did you mean".
_KNOWN = sorted(set(FIELDS) | {n.rsplit(".", i)[0] for n in FIELDS for i in (1, 2) if n.count(".") >= i})
_YEAR = range(1900, 2101)
# The spec's three city names, however a person writes them; other cities stay as given.
_CITIES = tuple(CITY_ZH)
_CITY_ALIASES = {alias: city for city, zh in CITY_ZH.items() for alias in (zh, zh + "市")}


@dataclass
class _Ctx:
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


def _number(ctx: _Ctx, name: str, value: Any, what: str) -> Fraction:
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


def _date(ctx: _Ctx, name: str, value: Any) -> date:
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


def _share(ctx: _Ctx, name: str, value: Any) -> Fraction:
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


def _choice(ctx: _Ctx, name: str, value: Any, allowed: tuple[str, ...], what: str = "value") -> str:
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


def _convert(ctx: _Ctx, name: str, kind: str, value: Any) -> Any:
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
        items = [_convert(ctx, f"{name}[{i}]", item_kind(kind), v) for i, v in enumerate(value)]
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
                got = ctx.collect(_convert, ctx, f"{name}.{key}", "bool", flag)
                if got is not None:
                    out[key] = got
        return out
    if item_kind(kind) in RECORDS:
        return _records(ctx, name, item_kind(kind), value)
    raise AssertionError(f"unhandled field type {kind!r}")   # a bug in kb/law/fields.py


def _year_map(ctx: _Ctx, name: str, value: Any) -> dict[int, Fraction]:
    if not isinstance(value, dict):
        ctx.fail(name, "expected a map from year to count, such as {2023: 120}")
    out: dict[int, Fraction] = {}
    for key, count in value.items():
        year = key if isinstance(key, int) and not isinstance(key, bool) else \
            int(ascii_digits(key.strip())) if isinstance(key, str) and key.strip().isdecimal() \
            and len(key.strip()) == 4 else None
        if year not in _YEAR:
            ctx.fail(f"{name}.{key}", f"expected a year such as 2023 as key, got {_show(key)}")
        if year in out:
            ctx.fail(f"{name}.{key}", f"year {year} is given twice")
        if count is not None:
            out[year] = _convert(ctx, f"{name}.{year}", "int>=0", count)
    return out


_RECORD_CLASSES = {"credit_event": CreditEvent, "designation": Designation, "revocation": Revocation}
_NOT_AFTER_AS_OF = {"date", "granted_on"}


def _records(ctx: _Ctx, name: str, record: str, value: Any) -> tuple:
    schema = RECORDS[record]
    if not isinstance(value, (list, tuple)):
        ctx.fail(name, f"expected a list of {{{', '.join(schema)}}}")
    out = []
    for i, item in enumerate(value):
        record_item = ctx.collect(_record, ctx, f"{name}[{i}]", record, schema, item)
        if record_item is not None:
            out.append(record_item)
    return tuple(out)


def _record(ctx: _Ctx, at: str, record: str, schema: dict, item: Any):
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


def _record_field(ctx: _Ctx, name: str, key: str, kind: str, required: bool, value: Any):
    if value is None:
        if required:
            ctx.fail(name, "required field is missing")
        return None
    got = _convert(ctx, name, kind, value)
    if key in _NOT_AFTER_AS_OF and got > ctx.as_of:
        ctx.fail(name, f"expected a date on or before as_of {ctx.as_of}, got {got}")
    return got


def _walk(ctx: _Ctx, data: dict, tree: dict, path: str, out: dict) -> None:
    for key, value in data.items():
        ctx.collect(_walk_one, ctx, key, value, tree, path, out)


def _walk_one(ctx: _Ctx, key: Any, value: Any, tree: dict, path: str, out: dict) -> None:
    name = f"{path}{key}"
    if not isinstance(key, str):
        ctx.fail(name, "expected a field name (text)")
    sub = tree.get(key)
    if sub is None:
        ctx.unknown(name, value, _KNOWN)
    if value is None and path == "services.":
        value = {}   # a function listed with nothing under it is offered
    if value is None:
        return       # an empty entry is unknown, like an absent one
    if isinstance(sub, dict):
        if not isinstance(value, dict):
            ctx.fail(name, f"expected a map of fields ({', '.join(sub)})")
        _walk(ctx, value, sub, name + ".", out)
    else:
        got = _convert(ctx, name, sub, value)
        if got is not None:
            out[name] = got


def _check_relations(ctx: _Ctx, values: dict, defaulted: set[str] = frozenset()) -> None:
    for name in PAST_DATES:
        if name in values and name not in defaulted and values[name] > ctx.as_of:
            ctx.collect(ctx.fail, name, f"expected a date on or before as_of {ctx.as_of}, got {values[name]}")
    for name, op, other in ORDERED_PAIRS:
        if name in values and other in values:
            a, b = values[name], values[other]
            if (a < b) if op == ">=" else (a > b):
                bound = "at least" if op == ">=" else "at most"
                ctx.collect(ctx.fail, name, f"expected {bound} {other} ({b}), got {a}")


def profile_from_dict(data: dict, source: str = "<profile>", as_of: date | None = None) -> Profile | Group:
    """Validate a loaded mapping; ``as_of`` overrides the mapping's own (and a group's entities')."""
    if not isinstance(data, dict):
        raise InputError(source, None, "expected a mapping of profile fields at the top level, "
                                       f"got {'nothing' if data is None else type(data).__name__}")
    if "group" in data or "entities" in data:
        return _group(data, source, as_of)
    return _profile(data, _Ctx(source, "", as_of or date.today()), as_of, None, source)


def _own_as_of(ctx: _Ctx, data: dict, override: date | None, inherited: date | None) -> date:
    if override:
        return override
    if data.get("as_of") is not None:
        try:
            return _date(ctx, "as_of", data["as_of"])
        except InputError:
            return date.max   # reported by the field walk; no date is "after" it meanwhile
    return inherited or date.today()


def _profile(data: dict, ctx: _Ctx, override: date | None, inherited: date | None, source: str) -> Profile:
    ctx.as_of = _own_as_of(ctx, data, override, inherited)
    values: dict[str, Any] = {}
    _walk(ctx, data, _TREE, "", values)   # first, so a misspelled 'idd' is named as such
    if data.get("id") is None:
        ctx.collect(ctx.fail, "id", "required field is missing (a stable identifier)")
    elif isinstance(data["id"], str) and not data["id"].strip():
        ctx.collect(ctx.fail, "id", "expected non-empty text")
    meta = {k: values.pop(k, None) for k in META_FIELDS}
    history = {k: values.pop(k, None) for k in HISTORY_FIELDS}
    if isinstance(values.get("registered_city"), str):
        city = values["registered_city"].strip()
        values["registered_city"] = _CITY_ALIASES.get(city, city.lower() if city.lower() in _CITIES else city)
    defaulted = set()
    if "founded_on" in values:
        for name in ("registered_on", "operating_since"):
            if name not in values:
                values[name] = values["founded_on"]
                defaulted.add(name)
    services = data["services"] if isinstance(data.get("services"), dict) else {}
    for fn in services:
        if fn in _TREE["services"]:
            values.setdefault(f"services.{fn}.offered", True)
    _check_relations(ctx, values, defaulted)
    ctx.raise_all()
    return Profile(
        id=data["id"], name=meta["name"], as_of=ctx.as_of, source=source, values=values,
        services_offered=frozenset(fn for fn in services if values.get(f"services.{fn}.offered")),
        credit_events=history["credit_events"] or (), designations=history["designations"] or (),
        revocations=history["revocations"] or (), attest=history["attest"] or {},
        raw=data, defaulted=frozenset(defaulted), notes=meta["notes"])


def _group(data: dict, source: str, override: date | None) -> Group:
    ctx = _Ctx(source, "", override or date.today())
    for key in data:
        if key not in ("group", "entities", "as_of", "notes"):
            ctx.fail(str(key), "unexpected field in a group profile; expected only group, entities, "
                               "as_of and notes (entity fields go under entities)")
    head = data.get("group")
    if not isinstance(head, dict):
        ctx.fail("group", "expected a map {id, name} (a group profile has group and entities)")
    for key in head:
        if key not in ("id", "name", "as_of"):
            ctx.unknown(f"group.{key}", head[key], ["group.id", "group.name", "group.as_of"])
    if "as_of" in head and "as_of" in data:
        ctx.fail("group.as_of", "as_of is given twice; keep the top-level one")
    if not isinstance(head.get("id"), str) or not head["id"].strip():
        ctx.fail("group.id", f"expected non-empty text, got {_show(head.get('id'))}")
    if head.get("name") is not None:
        _convert(ctx, "group.name", "str", head["name"])
    if data.get("notes") is not None:
        _convert(ctx, "notes", "str", data["notes"])
    as_of = override or (_date(ctx, "group.as_of", head["as_of"]) if head.get("as_of") is not None else None) \
        or (_date(ctx, "as_of", data["as_of"]) if data.get("as_of") is not None else None)
    entities = data.get("entities")
    if not isinstance(entities, list) or not entities:
        ctx.fail("entities", "expected a non-empty list of entity profiles")
    out, seen = [], set()
    for i, entity in enumerate(entities):
        at = f"entities[{i}]"
        if not isinstance(entity, dict):
            ctx.collect(ctx.fail, at, "expected a mapping of profile fields")
            continue
        profile = ctx.collect(_profile, entity, _Ctx(source, at + ".", override or as_of or date.today()),
                              override, as_of, f"{source}#{at}")
        if profile is None:
            continue
        if profile.id in seen:
            ctx.collect(ctx.fail, f"{at}.id", f"id {profile.id!r} is used by another entity")
        seen.add(profile.id)
        out.append(profile)
    ctx.raise_all()
    return Group(id=head["id"], name=head.get("name"), source=source, as_of=as_of or date.today(),
                 entities=tuple(out), raw=data, notes=data.get("notes"))


def check_attest_keys(loaded: Profile | Group, known: set[str]) -> Profile | Group:
    """``loaded``, or every attest key the knowledge base does not define, each
    with the nearest known key: a misspelt key would otherwise attest nothing
    and leave the condition it meant "assumed met"."""
    errors = []
    for i, entity in enumerate(getattr(loaded, "entities", None) or [loaded]):
        prefix = f"entities[{i}]." if isinstance(loaded, Group) else ""
        for key in entity.attest:
            if key not in known:
                match = difflib.get_close_matches(key, sorted(known), 1, 0.5)
                hint = f"; did you mean '{match[0]}'?" if match else "; see docs/profile.md for the keys"
                errors.append(InputError(loaded.source, f"{prefix}attest.{key}",
                                         f"unknown attest key {key!r}{hint}"))
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    return loaded


# -- bulk CSV --------------------------------------------------------------------

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
            value = _cell(where, column, kind, text)
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


def _cell(where: str, column: str, kind: str, text: str) -> Any:
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
