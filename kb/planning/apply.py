"""Applying a plan's step to a profile mapping (round trips, what-if notebooks)."""
from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any, Iterable

from kb.planning.records import Step, json_value


def apply_step(raw: dict, step: Step) -> dict:
    """The entity's profile mapping with a step's changes, supplied data and
    remedied attestations applied, evaluated on the step's earliest date.
    The mapping holds values as a profile file writes them (dates as
    YYYY-MM-DD, exact fractions as floats or "n/d"), the form ``--json`` gives."""
    values = [(c.field, json_value(c.new)) for c in step.changes] + \
             [(s.field, json_value(s.assumed)) for s in step.supply]
    return apply_values(raw, step.earliest.isoformat(), values, [e.attest for e in step.evidence if e.attest])


def apply_values(raw: dict, as_of, values: Iterable[tuple[str, Any]], attest: Iterable[str] = ()) -> dict:
    """The profile mapping with ``values`` (field name, value) set and the
    attestations ``attest`` given as true, evaluated on ``as_of``."""
    data = copy.deepcopy(raw)
    data["as_of"] = as_of
    for name, value in values:
        _set(data, name, value)
    for key in attest:
        data.setdefault("attest", {})[key] = True
    return data


def _set(data: dict, name: str, value) -> None:
    if name == "designations.expires_on":
        for d in data.get("designations") or []:
            if d.get("expires_on") is None:
                d["expires_on"] = value
        return
    if isinstance(value, float):
        value = Fraction(str(value))
    elif isinstance(value, str) and "/" in value:
        value = Fraction(value)
    parts = name.split(".")
    if parts[:2] == ["performance", "smes_served_by_year"] and len(parts) == 3:
        data.setdefault("performance", {}).setdefault("smes_served_by_year", {})[int(parts[2])] = value
        return
    cur = data
    for key in parts[:-1]:
        if cur.get(key) is None:
            cur[key] = {}
        cur = cur[key]
    cur[parts[-1]] = value
