"""Interpretation switches: named readings of ambiguous text, with defaults.

A knowledge base is built with one value per switch; the encoding's
``kind: switch`` nodes pick their case from these settings at load time.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.io.errors import InputError
from kb.io.yamlio import read_yaml


@dataclass(frozen=True)
class Switch:
    name: str
    default: str
    values: dict[str, str]
    changes: tuple[str, ...]
    why: str


def load_switches(facts_dir: Path) -> dict[str, Switch]:
    path = facts_dir / "switches.yaml"
    data = read_yaml(path)
    out = {}
    for name, raw in (data.get("switches") or {}).items():
        if not isinstance(raw, dict) or raw.get("default") not in (raw.get("values") or {}):
            raise InputError(path, f"switches.{name}.default", "expected one of the switch's values")
        out[name] = Switch(name, raw["default"], dict(raw["values"]),
                           tuple(raw.get("changes") or ()), str(raw.get("why", "")))
    return out


def resolve_settings(switches: dict[str, Switch], chosen: dict[str, str] | None,
                     source: str = "--switch") -> dict[str, str]:
    """Defaults overlaid with the user's choices, each checked."""
    settings = {name: s.default for name, s in switches.items()}
    for name, value in (chosen or {}).items():
        if name not in switches:
            raise InputError(source, name, f"unknown switch; expected one of {', '.join(sorted(switches))}")
        if value not in switches[name].values:
            raise InputError(source, name, f"expected one of {', '.join(switches[name].values)}, got {value!r}")
        settings[name] = value
    return settings
