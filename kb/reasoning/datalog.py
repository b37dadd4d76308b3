"""The one place that touches pyDatalog.

pyDatalog keeps global, thread-local state; this wrapper owns one logic per
knowledge base, re-activates it before every call (so a notebook or a test
can hold several), loads the rules from ``rules.dl`` and ``layers.dl`` (our
own code, never data) and feeds facts as Python values, so no text from a
profile or a facts file is ever parsed as Datalog.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import threading
from importlib import resources
from typing import Iterable

from pyDatalog import Aggregate, Logic, pyDatalog, pyEngine, pyParser

RULES = resources.files("kb.reasoning").joinpath("rules.dl").read_text(encoding="utf-8")
LAYER = resources.files("kb.reasoning").joinpath("layers.dl").read_text(encoding="utf-8")


def _sections(text: str) -> list[str]:
    """layers.dl's three sections, split at its "# ==" lines."""
    parts, current = [], []
    for line in text.splitlines():
        if line.startswith("# =="):
            parts.append("\n".join(current))
            current = []
        current.append(line)
    parts.append("\n".join(current))
    return parts[1:]            # the file's opening comment is no section


STATIC, ONCE, LEVEL = _sections(LAYER)


def program_text(height: int) -> str:
    """The rules asked about each organization, for trees up to ``height``:
    the leaves, their votes, then one copy of the level block per level (only
    integers are substituted: no data)."""
    parts = [RULES, ONCE]
    for k in range(1, height + 1):
        block = LEVEL.replace("{k}", str(k)).replace("{j}", str(k - 1))
        if k == 1:    # level 0 holds no composite
            block = "\n".join(line for line in block.splitlines() if "out_0(" not in line)
        parts.append(block)
    return "\n".join(parts)


class _InThread:
    """pyDatalog 0.22 evaluates an aggregate's groups on a new
    ThreadPoolExecutor whenever there are several; under the GIL that only adds
    thread starts (about 0.15 ms a group: 20-40 ms of a 150 ms check with the
    earlier rules). The same groups and arithmetic, in the calling thread
    (under our lock). Written count_ and total_ in layers.dl."""

    def complete(self, base_subgoal, subgoal):
        groups = collections.defaultdict(list)
        for literal in base_subgoal.facts.values():
            row = tuple(literal.terms)
            groups[self.key(row)].append(row)
        for rows in groups.values():
            for row in self._evaluate_group(rows):
                self.fact_candidate(subgoal, row)


class _Count(_InThread, Aggregate.Len):
    pass


class _Total(_InThread, Aggregate.Sum):
    pass


AGGREGATES = {"count_": _Count, "total_": _Total}


def _load(text: str) -> None:
    pyParser.load(text, newglobals=dict(AGGREGATES))


def _literal(fact: tuple):
    """A ground literal straight from Python values (what pyDatalog.assert_fact
    builds through its parser, with its reading of 'True'/'False' kept)."""
    name, *args = fact
    terms = [pyEngine.Term_of(True if a == "True" else False if a == "False" else a)
             if isinstance(a, str) else pyEngine.Term_of(a) for a in args]
    return pyEngine.Clause(pyEngine.Literal(name, terms), [])


_lock = threading.Lock()


@contextlib.contextmanager
def _no_collection():
    """No cyclic garbage collection while the engine answers. A query keeps
    every subgoal it opens alive until it ends; a collection in between finds
    nothing to free and only promotes them to the oldest generation, where
    the whole heap is then traversed to free them (about 80 ms, every other
    check). Afterwards they are young garbage, freed by a cheap collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ask(query: str) -> set[tuple]:
    answer = pyDatalog.ask(query)
    return set(answer.answers) if answer else set()


# the vote table layers.dl derives once: predicate → its query
STATIC_QUERIES = {"leaf_met_votes": "leaf_met_votes(Ch,P,L,V,T)",
                  "leaf_failed_votes": "leaf_failed_votes(Ch,P,L,V,T)", "comp_vote": "comp_vote(Ch,S,P,V,T)"}


class Engine:
    def __init__(self, static_facts: Iterable[tuple], height: int):
        static_facts = list(static_facts)
        with _lock:
            Logic()                        # reset: a fresh, empty logic for this thread
            _load(STATIC)
            for fact in static_facts:
                pyEngine.assert_(_literal(fact))
            derived = [(name, *row) for name, q in STATIC_QUERIES.items() for row in _ask(q)]
            Logic()                        # the logic asked per organization: facts, no static rules
            self._logic = Logic(True)      # (Logic(True) only returns the current one)
            _load(program_text(int(height)))
            for fact in static_facts + derived:
                pyEngine.assert_(_literal(fact))
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
        with _lock, _no_collection():
            self._activate()     # before building literals: predicates belong to a logic
            clauses = [_literal(fact) for facts, _ in batch for fact in facts]
            for clause in clauses:
                pyEngine.assert_(clause)
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
                for clause in clauses:
                    pyEngine.retract(clause)
        return out

    def next_token(self) -> int:
        self._token += 1
        return self._token
