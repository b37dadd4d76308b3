"""The encoded conditions, evaluated for a whole table of organizations at once.

The Datalog rules (kb/reasoning/rules.dl, kb/reasoning/layers.dl) are the reference; this module
compiles the *same* condition trees (KnowledgeBase.programs) into numpy
operations over columns, so screening a million organizations takes seconds.
Every threshold, window, list and count comes from the nodes' params; nothing
is restated here. tests/test_differential.py holds the two paths to identical
answers.

Here: the Evaluator (a walk over each program's tree, the bounds of a measure
as kb/reasoning/rules.dl derives them) and the Outcome it fills. The columns
and their exact arithmetic are in kb/screening/columns.py, each node kind in
kb/screening/nodes.py, a result's columns in kb/screening/results.py.
"""
from __future__ import annotations

from math import lcm

import numpy as np

from kb.law.model import Node
from kb.screening.columns import Cat, Num, Table, full_years, mul
from kb.screening.nodes import COMPOSITES, LEAVES, all_of


# -- the evaluator -------------------------------------------------------------

class Outcome:
    """Every node's met / failed arrays for one table, and what they add up to."""

    def __init__(self, evaluator: "Evaluator", table: Table):
        self.ev, self.t = evaluator, table
        self.met: dict[str, np.ndarray] = {}
        self.failed: dict[str, np.ndarray] = {}
        self._items: dict[str, list] = {}

    def unknown(self, node_id: str) -> np.ndarray:
        return ~(self.met[node_id] | self.failed[node_id])

    def status(self, program: str) -> np.ndarray:
        """'qualifies' / 'fails' / 'undetermined' per organization."""
        return np.where(self.failed[program], "fails",
                        np.where(self.met[program], "qualifies", "undetermined")).astype(object)

    # -- the fields whose absence leaves a node undetermined (Reading.missing)
    def items(self, node: Node) -> list[tuple[object, np.ndarray]]:
        """(key, mask) pairs in order: the key is a field name, or
        ("year", field, k) for the year k years before as_of of a series."""
        if node.id in self._items:
            return self._items[node.id]
        unknown = self.unknown(node.id)
        p, t = node.params, self.t
        out: list[tuple[object, np.ndarray]] = []
        if node.kind == "unknown":
            out = [(p["what"], unknown)]
        elif node.kind == "threshold":
            # as Reading.missing: the inputs not known, or all of them where
            # every input is known and still nothing is decided (a share of 0)
            masks = [unknown & ~self.ev.known(t, name) for name in p["measure"].inputs]
            none = unknown & ~np.logical_or.reduce(masks)
            out = [(name, mask | none) for name, mask in zip(p["measure"].inputs, masks)]
        elif node.kind == "qualitative":
            out = [(f"attest.{p['attest']}", unknown)]
        elif node.kind in ("lookback", "ban"):
            out = [("credit_events" if node.kind == "lookback" else "revocations", unknown)]
        elif node.kind in ("boolean", "locality", "applicant_type"):
            out = [(p["field"], unknown)]
        elif node.kind == "growth":
            years = self.ev.series_years(t, p["field"], p["pairs"] + 1)
            out = [(("year", p["field"], k), unknown & ~years[k][1]) for k in range(p["pairs"] + 1, 0, -1)]
        elif node.kind == "reapplication":
            out = [("designations.expires_on", unknown)]
        else:
            merged: dict[object, np.ndarray] = {}
            for child in node.children:
                for key, mask in self.items(child):
                    merged[key] = merged[key] | mask if key in merged else mask
            out = [(key, mask & unknown) for key, mask in merged.items()]
        self._items[node.id] = out
        return out


class Evaluator:
    """Compiled once per knowledge base (its switch settings resolved the trees)."""

    def __init__(self, kb):
        self.kb = kb
        self.programs = kb.programs
        self.lower = {}   # field → fields never above it (lo sources, one step as in rules.dl)
        self.upper = {}
        for a, b in kb.le_pairs:
            self.lower.setdefault(b, []).append(a)
            self.upper.setdefault(a, []).append(b)
        self.relax: dict[str, set[str]] = {}
        for prog in self.programs.values():
            for exc in prog.exceptions:
                if exc.kind == "relaxation":
                    for cid in exc.applies_to:
                        self.relax.setdefault(cid, set()).update(exc.sponsors)
        for prog in self.programs.values():   # fail now, not mid-screen, on a kind we do not know
            for node in prog.nodes():
                if node.kind not in LEAVES and node.kind not in COMPOSITES:
                    raise NotImplementedError(f"kb/screening/nodes.py cannot evaluate kind {node.kind!r} ({node.id})")

    def evaluate(self, table: Table, programs: list[str] | None = None) -> Outcome:
        out = Outcome(self, table)
        for pid in programs or list(self.programs):
            prog = self.programs[pid]
            for top in prog.conditions:
                self._node(top, out)
            met, failed = all_of([out.met[c.id] for c in prog.conditions], [out.failed[c.id] for c in prog.conditions])
            out.met[pid], out.failed[pid] = met, failed
        return out

    def _node(self, node: Node, out: Outcome) -> None:
        if node.id in out.met:
            return
        for child in node.children:
            self._node(child, out)
        if node.kind in LEAVES:
            met, failed = LEAVES[node.kind](self, node, out.t)
        else:
            mets = [out.met[c.id] for c in node.children]
            fails = [out.failed[c.id] for c in node.children]
            met, failed = COMPOSITES[node.kind](node, mets, fails)
        out.met[node.id], out.failed[node.id] = met, failed

    # -- what a field is known to be ---------------------------------------
    def known(self, t: Table, name: str) -> np.ndarray:
        """Whether the profile holds a value for ``name`` (Profile.values)."""
        for group in (t.nums, t.bools, t.cats, t.dates):
            if name in group:
                got = group[name]
                return got.known if isinstance(got, (Num, Cat)) else got[1]
        if name in t.series:
            rows = t.series[name][0]
            out = np.zeros(t.n, dtype=bool)
            out[rows] = True
            return out
        return np.zeros(t.n, dtype=bool)

    def series_years(self, t: Table, name: str, back: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For k = 1..back, the count for the year k years before as_of's year (value, known)."""
        out = {}
        rows, years, counts = t.series.get(name) or (np.zeros(0, np.int64), np.zeros(0, np.int64),
                                                     Num(np.zeros(0, np.int64), 1, np.zeros(0, bool)))
        offset = t.asof_year[rows] - years
        for k in range(1, back + 1):
            pick = offset == k
            value = np.zeros(t.n, dtype=counts.num.dtype)
            known = np.zeros(t.n, dtype=bool)
            value[rows[pick]] = counts.num[pick]
            known[rows[pick]] = True
            out[k] = (value, known)
        return out

    def bounds(self, t: Table, m) -> tuple[list, list]:
        """Lower and upper bounds of a measure: lists of (num, den, known),
        mirroring lo/hi in kb/reasoning/rules.dl (a field, its one-step relatives from
        facts/measures.yaml, shares from their parts' bounds)."""
        if m.kind == "field":
            name = m.args[0]
            lo = [self._ratio(t.num(s)) for s in [name] + self.lower.get(name, [])]
            hi = [self._ratio(t.num(s)) for s in [name] + self.upper.get(name, [])]
            return lo, hi
        if m.kind == "years_since":
            start, known = t.date(m.args[0])
            value = full_years(start, t.asof)
            return [(value, 1, known)], [(value, 1, known)]
        if m.kind == "share":
            (n_lo, n_hi), (d_lo, d_hi) = (self.bounds(t, _field(a)) for a in m.args)
            return self._shares(n_lo, d_hi), self._shares(n_hi, d_lo)
        if m.kind == "share_within":
            nums = [t.num(a) for a in m.args]
            den = lcm(*(x.den for x in nums))
            q, s, w = (mul(x.num, den // x.den) for x in nums)
            known = nums[0].known & nums[1].known & nums[2].known & (s > 0)
            s_safe = np.where(known, s, 1)
            low = q - (w - s)
            low = np.where(low > 0, low, 0)
            high = np.where(q < s, q, s)
            return [(low, s_safe, known)], [(high, s_safe, known)]
        raise NotImplementedError(m.kind)

    @staticmethod
    def _ratio(x: Num):
        return x.num, x.den, x.known

    @staticmethod
    def _shares(nums: list, dens: list) -> list:
        out = []
        for an, ad, ak in nums:
            for bn, bd, bk in dens:
                known = ak & bk & (np.asarray(bn) > 0)
                out.append((mul(an, bd), np.where(known, mul(bn, ad), 1), known))
        return out


def _field(name: str):
    from kb.law.measures import Measure
    return Measure("field", (name,))
