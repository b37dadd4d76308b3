"""The one place that touches pyDatalog.

pyDatalog keeps global, thread-local state; this wrapper owns one logic per
knowledge base, re-activates it before every call (so a notebook or a test
can hold several), loads the rules from ``rules.dl`` (our own code, never data)
and feeds facts through ``assert_fact`` with Python values, so no text from a
profile or a facts file is ever parsed as Datalog.
"""
from __future__ import annotations

import threading
from importlib import resources
from typing import Iterable

from pyDatalog import Logic, pyDatalog

RULES = resources.files("kb").joinpath("rules.dl").read_text(encoding="utf-8")
_lock = threading.Lock()


def _ask(query: str) -> set[tuple]:
    answer = pyDatalog.ask(query)
    return set(answer.answers) if answer else set()


class Engine:
    def __init__(self, static_facts: Iterable[tuple]):
        with _lock:
            Logic(True)                    # a fresh, empty logic for this thread
            self._logic = Logic.tl.logic   # keep it to re-activate later
            pyDatalog.load(RULES)
            for fact in static_facts:
                pyDatalog.assert_fact(*fact)
        self._token = 0

    def _activate(self) -> None:
        Logic(self._logic)

    def evaluate(self, org_facts: list[tuple], token: int) -> dict[str, set]:
        """Assert one organization's facts, read every conclusion about it,
        retract them. ``token`` is the integer the facts use for the org."""
        if not isinstance(token, int):
            raise TypeError("organization token must be an int")
        with _lock:
            self._activate()
            for fact in org_facts:
                pyDatalog.assert_fact(*fact)
            try:
                return {
                    "met": {c for (c,) in _ask(f"met({token}, C)")},
                    "failed": {c for (c,) in _ask(f"failed({token}, C)")},
                    "discretion": _ask(f"discretion({token}, C, D)"),
                    "credit": _ask(f"credit_hit_by({token}, C, K, S, D)"),
                    "ban": _ask(f"ban_hit_by({token}, C, P, R, D)"),
                    "blocked": _ask(f"blocked_by({token}, C, P, E)"),
                    "no_inc": _ask(f"no_inc({token}, C, Y, N1, N0)"),
                }
            finally:
                for fact in org_facts:
                    pyDatalog.retract_fact(*fact)

    def next_token(self) -> int:
        self._token += 1
        return self._token
