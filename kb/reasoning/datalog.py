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

RULES = resources.files("kb.reasoning").joinpath("rules.dl").read_text(encoding="utf-8")
LAYER = resources.files("kb.reasoning").joinpath("layers.dl").read_text(encoding="utf-8")


def program_text(height: int) -> str:
    """The rules for trees up to ``height``: the leaves, then one copy of the
    level block per level (only integers are substituted: no data)."""
    parts = [RULES]
    for k in range(1, height + 1):
        parts.append(LAYER.replace("{k}", str(k)).replace("{j}", str(k - 1)))
    parts += [f"met(O,C) <= met_{height}(O,C)", f"failed(O,C) <= failed_{height}(O,C)",
              # one query for both conclusions: they share every lower level
              "status(O,C,'met') <= met(O,C)", "status(O,C,'failed') <= failed(O,C)"]
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

    # what is read back about each organization: name → (query, arity after O)
    QUERIES = {
        "status": "status(O, C, S)",
        "discretion": "discretion(O, C, D)",
        "credit": "credit_hit_by(O, C, K, S, D)",
        "ban": "ban_hit_by(O, C, P, R, D)",
        "blocked": "blocked_by(O, C, P, E)",
        "no_inc": "no_inc(O, C, Y, N1, N0)",
    }

    def evaluate(self, org_facts: list[tuple], token: int) -> dict[str, set]:
        """Assert one organization's facts, read every conclusion about it,
        retract them. ``token`` is the integer the facts use for the org."""
        return self.evaluate_many([(org_facts, token)])[token]

    def evaluate_many(self, batch: list[tuple[list[tuple], int]]) -> dict[int, dict[str, set]]:
        """The same for several organizations at once: one set-at-a-time query
        per predicate instead of one per organization."""
        tokens = [token for _, token in batch]
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in tokens):
            raise TypeError("organization tokens must be ints")
        keys = [k for k in self.QUERIES if k != "status"] + ["met", "failed"]
        out: dict[int, dict[str, set]] = {t: {k: set() for k in keys} for t in tokens}
        single = len(tokens) == 1
        with _lock:
            self._activate()
            for facts, _ in batch:
                for fact in facts:
                    pyDatalog.assert_fact(*fact)
            try:
                for key, query in self.QUERIES.items():
                    if single:   # bind O: pyDatalog then only reasons about this one
                        rows = [(tokens[0], *r) for r in _ask(query.replace("O,", f"{tokens[0]},", 1))]
                    else:
                        rows = _ask(query)
                    for token, *rest in rows:
                        if key == "status":
                            out[token][rest[1]].add(rest[0])
                        else:
                            out[token][key].add(tuple(rest))
            finally:
                for facts, _ in batch:
                    for fact in facts:
                        pyDatalog.retract_fact(*fact)
        return out

    def next_token(self) -> int:
        self._token += 1
        return self._token
