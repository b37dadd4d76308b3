"""A profile file or mapping read into a Profile (one entity) or a Group.

The field walk follows the table in kb/law/fields.py; unknown names get a
"did you mean"; cross-field relations (dates not after as_of, ordered pairs)
are checked after every value is read.
"""
from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any

from kb.io.errors import InputError, InputErrors
from kb.io.inputs import read_text
from kb.io.yamlio import parse_text
from kb.law.fields import FIELDS, HISTORY_FIELDS, META_FIELDS, ORDERED_PAIRS, PAST_DATES
from kb.law.model import CITY_ZH
from kb.profile.records import Group, Profile
from kb.profile.values import ReadContext, _date, _show, convert_value


def load_profile(path: str | Path, as_of: date | None = None) -> Profile | Group:
    """Read a YAML or JSON profile file; ``as_of`` (CLI --as-of) overrides the file's."""
    source = str(path)
    return profile_from_dict(_parse(read_text(path, "YAML or JSON file"), source),
                             source=source, as_of=as_of)


def _parse(text: str, source: str) -> Any:
    # kb/io/inputs.py: the limits every reader shares (size, depth, aliases, duplicate keys, number size)
    return parse_text(text, source)


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
# The spec's three city names, however a person writes them; other cities stay as given.
CITIES = tuple(CITY_ZH)
CITY_ALIASES = {alias: city for city, zh in CITY_ZH.items() for alias in (zh, zh + "市")}


def _walk(ctx: ReadContext, data: dict, tree: dict, path: str, out: dict) -> None:
    for key, value in data.items():
        ctx.collect(_walk_one, ctx, key, value, tree, path, out)


def _walk_one(ctx: ReadContext, key: Any, value: Any, tree: dict, path: str, out: dict) -> None:
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
        got = convert_value(ctx, name, sub, value)
        if got is not None:
            out[name] = got


def _check_relations(ctx: ReadContext, values: dict, defaulted: set[str] = frozenset()) -> None:
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
    return _profile(data, ReadContext(source, "", as_of or date.today()), as_of, None, source)


def _own_as_of(ctx: ReadContext, data: dict, override: date | None, inherited: date | None) -> date:
    if override:
        return override
    if data.get("as_of") is not None:
        try:
            return _date(ctx, "as_of", data["as_of"])
        except InputError:
            return date.max   # reported by the field walk; no date is "after" it meanwhile
    return inherited or date.today()


def _profile(data: dict, ctx: ReadContext, override: date | None, inherited: date | None, source: str) -> Profile:
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
        values["registered_city"] = CITY_ALIASES.get(city, city.lower() if city.lower() in CITIES else city)
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
    ctx = ReadContext(source, "", override or date.today())
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
        convert_value(ctx, "group.name", "str", head["name"])
    if data.get("notes") is not None:
        convert_value(ctx, "notes", "str", data["notes"])
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
        profile = ctx.collect(_profile, entity, ReadContext(source, at + ".", override or as_of or date.today()),
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
