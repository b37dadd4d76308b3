"""Applying a plan's step to a profile mapping (round trips, what-if notebooks)."""
from __future__ import annotations

from fractions import Fraction

def apply_step(raw: dict, step: dict) -> dict:
    """The entity's profile mapping with a step's changes, supplied data and
    remedied attestations applied, evaluated on the step's earliest date."""
    import copy
    data = copy.deepcopy(raw)
    data["as_of"] = step["earliest"]
    for c in step["changes"]:
        _set(data, c["field"], c["to"])
    for s in step["supply"]:
        _set(data, s["field"], s["assumed"])
    for e in step["evidence"]:
        if e.get("attest"):
            data.setdefault("attest", {})[e["attest"]] = True
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
