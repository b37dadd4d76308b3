"""Condition trees as z3 formulas about one unknown organization.

Why a solver, and why z3. "Does L imply R" is "is L ∧ ¬R unsatisfiable" over
one unknown organization: integer counts and exact shares, the catalogue's
axioms between fields (家 ≤ 家次, 专职 ≤ 人员, 本科 ≤ 大专, 登记 ≤ 成立), shares
as linear constraints on their counts (n ≥ 0.8·d), alternatives (或),
any-k-of-n lists of service functions, guarded rules (when), look-back
windows and bans over dated records. Datalog (kb/reasoning/datalog.py) decides one
known organization; it cannot quantify over all organizations without
enumerating them. Interval propagation over the trees is sound but not
complete once alternatives, k-of-n and several linked counts meet (80% of
at least 10 staff is at least 8 persons only when both conditions are taken
together), so its "not implied" could not be trusted, and making it complete
means case splitting and a model search: writing a solver. z3 (z3-solver)
decides these questions exactly, with exact rationals like the engine, in
milliseconds (all relations of the six programs in well under a second).

Every term is built in the ``Logic``'s one context (z3's global one unless the
caller passes its own); the relations (kb/comparison/relations.py) and the
at-once check (kb/comparison/atonce.py) ask their questions through it.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

import z3

from kb.comparison.catalogue import OWN, Catalogue
from kb.law.fields import enum_values
from kb.law.model import LEAF_KINDS, Node


def conjunction(xs, ctx=None):
    xs = list(xs)
    return z3.BoolVal(True, ctx) if not xs else xs[0] if len(xs) == 1 else z3.And(xs)


def disjunction(xs, ctx=None):
    xs = list(xs)
    return z3.BoolVal(False, ctx) if not xs else xs[0] if len(xs) == 1 else z3.Or(xs)


def _num(value, ctx=None):
    value = Fraction(value)
    return z3.IntVal(value.numerator, ctx) if value.denominator == 1 else z3.Q(value.numerator, value.denominator, ctx)


def _cmp(x, op, y):
    return {">=": x >= y, ">": x > y, "<=": x <= y, "<": x < y}[op]


class Logic:
    """Condition trees as z3 formulas about one unknown organization.

    ``own_program``: a ban or reapplication rule about the node's own program
    speaks of "own" (the catalogue's own_program axiom), so cities compare on
    the rule each sets for its own title; ``False`` reads them literally."""

    def __init__(self, kb, catalogue: Catalogue, own_program: bool = True, ctx: z3.Context | None = None):
        from kb.profile import FIELDS
        self.kb, self.cat, self.own = kb, catalogue, own_program
        self.types = FIELDS
        # a caller that may run beside others (the diff, the web service) passes its own
        # context: z3's global one is not thread-safe
        self.ctx = ctx or z3.main_ctx()
        self.solver = z3.Solver(ctx=self.ctx)
        self.vars: dict[str, Any] = {}
        self.codes: dict[str, dict[str, int]] = {}
        self._cache: dict[tuple, Any] = {}
        self._enums()
        for small, large, _ in catalogue.le_pairs(kb.functions) + self._measure_axioms():
            a, b = self.term(small), self.term(large)
            if a is not None and b is not None:
                self.solver.add(a <= b)

    def _measure_axioms(self):
        from kb.law.fields import expand_axioms
        return [(a, b, "") for a, b in expand_axioms(self.kb.axioms, self.kb.functions)]

    # -- variables -----------------------------------------------------------
    def _enums(self):
        seen: dict[str, list[str]] = {}
        for node in self.kb.nodes.values():
            if node.kind in ("locality", "applicant_type") and node.params["field"] != "kinds":
                seen.setdefault(node.params["field"], []).extend(node.params["values"])
        for name, values in seen.items():
            kind = self.types.get(name, "str")
            domain = list(enum_values(kind)) or sorted(set(values)) + ["(other)"]
            self.codes[name] = {v: i for i, v in enumerate(domain)}

    def _new(self, name: str, make, *domain):
        if name not in self.vars:
            # a domain added inside a check's scope would vanish with it
            assert self.solver.num_scopes() == 0, "formulas are compiled before a check"
            v = make(name, self.ctx)
            self.vars[name] = v
            for d in domain:
                self.solver.add(d(v))
        return self.vars[name]

    def field(self, name: str):
        kind = self.types.get(name)
        if kind == "int>=0":
            return self._new(name, z3.Int, lambda v: v >= 0)
        if kind in ("money", "m2"):
            return self._new(name, z3.Real, lambda v: v >= 0)
        if kind == "share":
            return self._new(name, z3.Real, lambda v: v >= 0, lambda v: v <= 1)
        if kind == "bool":
            return self._new(name, z3.Bool)
        raise ValueError(f"no arithmetic field {name!r} ({kind})")

    def years(self, date_field: str):
        return self._new(f"years_since({date_field})", z3.Int, lambda v: v >= 0)

    def term(self, measure: str):
        """A measure as an arithmetic term, where it is one; shares are not
        terms (they are linear constraints on their counts)."""
        if measure.startswith("years_since("):
            return self.years(measure[len("years_since("):-1])
        if measure.startswith(("share(", "share_within(")):
            return None
        return self.field(measure)

    def within(self, of: str, among: str, whole: str):
        """Qualified persons among a subset (成都: 专职人员中): unknown, bounded by
        the counts the profile has."""
        name = f"share_within({of}, {among}, {whole})#count"
        q, o, a, w = z3.Int(name, self.ctx), self.field(of), self.field(among), self.field(whole)
        return self._new(name, lambda *_: q, lambda v: v >= 0, lambda v: v <= o, lambda v: v <= a,
                         lambda v: v >= o - (w - a))

    def code(self, name: str):
        n = len(self.codes[name])
        return self._new(name, z3.Int, lambda v: v >= 0, lambda v: v < n)

    def flag(self, name: str):
        return self._new(name, z3.Bool)

    def age(self, name: str):
        return self._new(name, z3.Real, lambda v: v >= 0)

    # -- formulas ------------------------------------------------------------
    def leaf(self, node: Node):
        k, p = node.kind, node.params
        if k == "threshold":
            m, op, value = p["measure"], p["op"], _num(p["value"], self.ctx)
            if m.kind == "field":
                return _cmp(self.field(m.args[0]), op, value)
            if m.kind == "years_since":
                return _cmp(self.years(m.args[0]), op, value)
            if m.kind == "share":
                num, den = (self.field(a) for a in m.args)
                return z3.And(den > 0, _cmp(num, op, value * den))
            if m.kind == "share_within":
                q, among = self.within(*m.args), self.field(m.args[1])
                return z3.And(among > 0, _cmp(q, op, value * among))
            raise ValueError(m.kind)
        if k == "boolean":
            v = self.field(p["field"])
            return v if p["expect"] else z3.Not(v)
        if k == "locality" or (k == "applicant_type" and p["field"] != "kinds"):
            if k == "applicant_type" and p["open"]:
                return z3.BoolVal(True, self.ctx)
            codes, v = self.codes[p["field"]], self.code(p["field"])
            return disjunction((v == codes[x] for x in p["values"]), self.ctx)
        if k == "applicant_type":
            if p["open"]:
                return z3.BoolVal(True, self.ctx)
            return disjunction((self.flag(f"kinds∋{x}") for x in p["values"]), self.ctx)
        if k == "qualitative":
            return self.flag(f"attest:{p['attest']}")
        if k == "lookback":
            return conjunction((self._clear("credit", kind, subj, p["years"])
                                for kind in p["kinds"] for subj in p["subjects"]), self.ctx)
        if k == "ban":
            return conjunction((self._clear("revocation", self._program(prog, node), reason, p["years"])
                                for prog in p["programs"] for reason in p["reasons"]), self.ctx)
        if k == "reapplication":
            return conjunction((z3.Not(self.flag(f"running:{self._program(prog, node)}")) for prog in p["programs"]), self.ctx)
        if k == "growth":
            g = self._new(f"growth:{p['field']}", z3.Int, lambda v: v >= 0)
            return g >= p["pairs"]
        if k == "unknown":   # text a partial version does not hold: anything may stand there
            return self.flag(f"text:{node.id}")
        raise ValueError(k)

    def _program(self, prog: str, node: Node) -> str:
        return OWN if self.own and prog == node.program else prog

    def _clear(self, what: str, a: str, b: str, years):
        """No record (what, a, b) dated within ``years`` (None: ever) before as_of.
        A record is its existence and the age of the latest such record; one
        dated on the window's first day is inside it (三年内, kb/reasoning/rules.dl), so
        only an age above ``years`` clears it."""
        has = self.flag(f"{what}:{a}:{b}")
        if years is None:
            return z3.Not(has)
        return z3.Or(z3.Not(has), self.age(f"{what}-age:{a}:{b}") > years)

    def formula(self, node: Node, route: bool = False, keep: Callable[[Node], bool] | None = None,
                positive: bool = True):
        """The node as a formula. ``route``: a ``when`` read as the organizations
        its rule admits (guard and figures). ``keep``: leaves outside it are
        dropped, weakening the formula (its projection onto some measures)."""
        key = (node.id, route, positive) if keep is None else None
        if key is not None and key in self._cache:
            return self._cache[key]
        k, kids = node.kind, node.children
        if k in LEAF_KINDS or k == "unknown":
            out = self.leaf(node) if keep is None or keep(node) else z3.BoolVal(positive, self.ctx)
        elif k in ("all", "function"):
            out = conjunction((self.formula(c, False, keep, positive) for c in kids), self.ctx)
        elif k == "any":
            out = disjunction((self.formula(c, False, keep, positive) for c in kids), self.ctx)
        elif k == "k_of_n":
            out = z3.AtLeast(*[self.formula(c, False, keep, positive) for c in kids], node.params["k"])
        elif k == "when":
            guard, then = kids
            if route:
                out = z3.And(self.formula(guard, False, keep, positive), self.formula(then, False, keep, positive))
            else:
                out = z3.Or(z3.Not(self.formula(guard, False, keep, not positive)),
                            self.formula(then, False, keep, positive))
        else:
            raise ValueError(k)
        if key is not None:
            self._cache[key] = out
        return out

    def sat(self, *formulas) -> bool:
        self.solver.push()
        try:
            self.solver.add(*formulas)
            result = self.solver.check()
        finally:
            self.solver.pop()
        if result == z3.unknown:
            raise RuntimeError(f"solver gave no answer: {self.solver.reason_unknown()}")
        return result == z3.sat
