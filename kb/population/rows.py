"""CSV rows <-> profiles: a profile (dict or kb.profile.Profile) as cell text, a
population as a frame of dotted columns (list and map fields as JSON cells), and
the generator's cell text back as a profile dict."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable

import pandas as pd

from kb.law.fields import FIELDS

JSON_COLUMNS = {name for name, kind in FIELDS.items() if kind.startswith(("list[", "map["))}


def decimal_text(value: Fraction | int) -> str:
    """Exact text of a number: 0.9, 12, or 1/3 where no decimal is exact."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    d, k = value.denominator, 0
    while d % 2 == 0 or d % 5 == 0:
        d //= 2 if d % 2 == 0 else 5
        k += 1
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    sign = "-" if value < 0 else ""
    text = f"{abs(value.numerator) * 10 ** k // value.denominator:0{k + 1}d}"   # the digits of |value|
    return f"{sign}{text[:-k]}.{text[-k:]}".rstrip("0").rstrip(".")


def _json_default(value):
    if isinstance(value, (date,)):
        return value.isoformat()
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(decimal_text(value))
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def cell_text(value: Any) -> str | None:
    """A value as CSV cell text (None: no cell)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Fraction)):
        return decimal_text(value)
    if isinstance(value, float):
        return repr(value)   # the reader takes a float through its decimal text too
    if isinstance(value, (Decimal, str)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps({str(k): v for k, v in value.items()}, ensure_ascii=False, default=_json_default)
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False, default=_json_default)
    raise TypeError(f"no CSV cell for {type(value).__name__}")


def _flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if prefix == "services." and (value is None or value == {}):
            out[f"{name}.offered"] = True   # a function listed with nothing under it is offered
        elif isinstance(value, dict) and name not in FIELDS:
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def profile_row(profile) -> dict[str, str]:
    """One profile (a dict as in profile.md, or a kb.profile.Profile) as CSV cells."""
    if isinstance(profile, dict):
        flat = _flatten(profile)
    else:
        flat = {"id": profile.id, "name": profile.name, "as_of": profile.as_of, "notes": profile.notes,
                **profile.values,
                "credit_events": [{"kind": e.kind, "date": e.date, "subject": e.subject}
                                  for e in profile.credit_events] or None,
                "designations": [{k: v for k, v in (("program", d.program), ("granted_on", d.granted_on),
                                                    ("expires_on", d.expires_on)) if v is not None}
                                 for d in profile.designations] or None,
                "revocations": [{"program": r.program, "date": r.date, "reason": r.reason}
                                for r in profile.revocations] or None,
                "attest": dict(profile.attest) or None}
    return {k: c for k, v in flat.items() if (c := cell_text(v)) is not None}


def _entities(profiles: Iterable) -> Iterable:
    for p in profiles:
        if isinstance(p, dict) and "entities" in p:
            as_of = p.get("as_of") or (p.get("group") or {}).get("as_of")
            for e in p["entities"]:
                yield {"as_of": as_of, **e} if as_of and "as_of" not in e else e
        elif hasattr(p, "entities"):
            yield from p.entities
        else:
            yield p


def to_frame(profiles: Iterable) -> pd.DataFrame:
    """The CSV form: one row per organization (a group gives one per entity),
    dotted columns in the spec's order, JSON cells for lists and maps, "" where
    the profile says nothing."""
    rows = [profile_row(p) for p in _entities(profiles)]
    names = [f for f in FIELDS if any(f in r for r in rows)]
    return pd.DataFrame({n: [r.get(n, "") for r in rows] for n in names}, dtype=object)


# -- the generator's cell text back as a profile ------------------------------------

def _value(kind: str, text: str):
    if kind == "bool":
        return text == "true"
    if kind in ("int>=0", "money", "m2", "share"):
        number = Fraction(text)
        if number.denominator == 1:
            return int(number)
        as_float = float(text)
        assert Fraction(repr(as_float)) == number, text   # the decimal survives a float
        return as_float
    if kind.startswith(("list[", "map[")):
        value = json.loads(text)
        if kind == "map[year]int>=0":
            return {int(k): v for k, v in value.items()}
        return value
    return text


def profile_dict(row: dict[str, str]) -> dict:
    """A row of cell text (dotted columns, "" empty) as a profile dict (profile.md)."""
    out: dict = {}
    for name, text in row.items():
        if not text:
            continue
        node = out
        *parents, leaf = name.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = _value(FIELDS[name], text)
    return out
