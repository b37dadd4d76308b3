"""Shared fixtures. Each KnowledgeBase owns its own pyDatalog logic (kb/datalog.py)
and re-activates it on every query, so tests share built bases safely; they are
cached per switch setting because building one compiles every encoded article."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from kb.base import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
_CACHE: dict[tuple, KnowledgeBase] = {}


def knowledge_base(**switches: str) -> KnowledgeBase:
    key = tuple(sorted(switches.items()))
    if key not in _CACHE:
        _CACHE[key] = KnowledgeBase(ROOT / "facts", switches)
    return _CACHE[key]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return knowledge_base()


def apply_changes(base: dict, set_: dict | None = None, unset: list | None = None) -> dict:
    """The base profile with dotted paths replaced or removed (lists and maps replace whole)."""
    data = copy.deepcopy(base)
    for path, value in (set_ or {}).items():
        *parents, leaf = path.split(".")
        cur = data
        for key in parents:
            cur = cur.setdefault(key, {})
        cur[leaf] = copy.deepcopy(value)
    for path in unset or []:
        *parents, leaf = path.split(".")
        cur = data
        for key in parents:
            cur = cur.get(key, {})
        if isinstance(cur, dict):
            cur.pop(leaf, None)
    return data
