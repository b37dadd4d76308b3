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
LAYER = resources.files("kb").joinpath("layers.dl").read_text(encoding="utf-8")


def program_text(height: int) -> str:
    """The rules for trees up to ``height``: the leaves, then one copy of the
    layer block per level (only integers are substituted: no data)."""
    parts = [RULES, "met_le_0(O,C) <= met0(O,C)", "failed_le_0(O,C) <= failed0(O,C)"]
    for k in range(1, height + 1):
        parts.append(LAYER.replace("{k}", str(k)).replace("{j}", str(k - 1)))
    parts += [f"met(O,C) <= met_le_{height}(O,C)", f"failed(O,C) <= failed_le_{height}(O,C)"]
    return "\n".join(parts)
_lock = threading.Lock()


def _ask(query: str) -> set[tuple]:
    answer = pyDatalog.ask(query)
    return set(answer.answers) if answer else set()


class Engine:
    def __init__(self, static_facts: Iterable[tuple], height: int):
        with _lock:
            Logic()                        # reset: a fresh, empty logic for this thread
            self._logic = Logic(True)      # (Logic(True) only returns the current one)
            pyDatalog.load(program_text(int(height)))
            for fact in static_facts:
                pyDatalog.assert_fact(*fact)
        self._token = 0

    def _activate(self) -> None:
        # Logic(saved) installs a *copy* of the saved logic (sharing its
        # predicates); keep that copy so facts asserted later stay in ours.
        if getattr(Logic.tl, "logic", None) is not self._logic:
            self._logic = Logic(self._logic)

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
