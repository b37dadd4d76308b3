"""The solver model of one entity: its profile fields as z3 terms and each
condition as a (met, failed) pair of z3 Booleans, three-valued as kb/reasoning/rules.dl.

Every z3 term is built in the model's own ``ctx`` (one z3 Context per plan),
never z3's global context, so plans can run in several threads at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import z3

from kb.reasoning.check import FAILED, MET
from kb.law.fields import FIELDS, enum_values, is_enum, is_list_of_enum
from kb.law.measures import shift_years
from kb.law.model import Node
from kb.planning.time import TIME_KINDS, _cmp, is_time_leaf, time_status

# What an existing entity cannot change, and why: the plan says so instead
# of proposing it ("services.*" stands for every service function).
FIXED = {
    "registered_city": "the registration city of an existing entity cannot change",
    "founded_on": "the founding date cannot change; only time passes",
    "registered_on": "the registration date cannot change; only time passes",
    "operating_since": "the date operations began cannot change; only time passes",
    "legal_person": "legal-person status belongs to the entity; another entity would have to apply",
    "sponsor": "who sponsors the entity is not a change the entity makes",
    "kinds": "what kind of organisation the entity is cannot be planned",
    "facilities.park_type": "the kind of park (manufacturing / building economy) is what the base is",
    "facilities.leased": "whether the base is leased is how its property is held",
    "performance.high_tech_manufacturing_focus": "the industries a base gathers are what the base is",
    "performance.smes_served_by_year": "past years' figures cannot change",
    "services.*.matchmaking_focus": "what a service mainly does is what it is",
}


def fixed_reason(name: str) -> str | None:
    parts = name.split(".")
    generic = f"services.*.{parts[2]}" if parts[0] == "services" and len(parts) == 3 else name
    return FIXED.get(name) or FIXED.get(generic)


def field_type(name: str) -> str:
    parts = name.split(".")
    if parts[0] == "services" and len(parts) == 3:
        return FIELDS.get(name) or FIELDS.get(f"services.information.{parts[2]}", "int>=0")
    return FIELDS.get(name, "int>=0")


def _val(v, ctx):
    if isinstance(v, bool):
        return z3.BoolVal(v, ctx)
    if isinstance(v, int):
        return z3.IntVal(v, ctx)
    return z3.RealVal(f"{Fraction(v).numerator}/{Fraction(v).denominator}", ctx)


def _py(value):
    if z3.is_true(value):
        return True
    if z3.is_false(value):
        return False
    if z3.is_int_value(value):
        return value.as_long()
    if z3.is_rational_value(value):
        f = Fraction(value.numerator_as_long(), value.denominator_as_long())
        return int(f) if f.denominator == 1 else f
    raise ValueError(f"not a value: {value}")


@dataclass
class Var:
    """One profile field of one entity, as the solver sees it."""
    name: str
    sort: str                       # int, real, bool, enum, set
    current: Any                    # None: unknown (the profile does not say)
    z: Any                          # z3 term; for set: {value: Bool}
    supplied: Any = None            # z3 Bool: the plan assumes a value for unknown data
    changed: Any = None             # z3 Bool: the plan changes a known, changeable value
    domain: list = field(default_factory=list)
    absent_service: bool = False    # a figure of a function the entity does not offer
    ctx: Any = None                 # the plan's z3 Context (never z3's global one)

    @property
    def avail(self):
        return self.supplied if self.current is None else z3.BoolVal(True, self.ctx)

    def const(self, value):
        """``value`` as a z3 constant of this field's sort."""
        if self.sort == "bool":
            return z3.BoolVal(bool(value), self.ctx)
        if self.sort == "enum":
            return z3.IntVal(self.domain.index(value), self.ctx)
        if self.sort == "int":
            return z3.IntVal(int(value), self.ctx)
        return _val(Fraction(value), self.ctx)


class EntityModel:
    """Solver terms for one entity's profile (or a blank one: every field
    unknown, for what the texts alone forbid)."""

    def __init__(self, kb, profile, tag: str, blank: bool = False, ctx: z3.Context | None = None):
        self.kb, self.profile, self.tag, self.blank = kb, profile, tag, blank
        # z3's global context is shared by every thread; a plan owns its own
        self.ctx = ctx if ctx is not None else z3.Context()
        self.vars: dict[str, Var] = {}
        self.remedies: dict[str, Any] = {}          # attest key → Bool
        self.time_supply: dict[str, tuple] = {}      # name → (Bool, value assumed)
        self.constraints: list = []
        self._memo: dict[tuple, tuple] = {}
        self._related: set[tuple] = set()

    # -- fields ----------------------------------------------------------------
    def current(self, name: str):
        if self.blank:
            return None
        v = self.profile.values
        if name in v:
            return v[name]
        parts = name.split(".")
        if parts[0] == "services" and len(parts) == 3:
            if parts[2] == "offered":
                return False          # the list of functions is complete
            if not v.get(f"services.{parts[1]}.offered"):
                kind = field_type(name)
                return False if kind == "bool" else 0   # nothing done in a function not offered
        return None

    def var(self, name: str) -> Var:
        if name in self.vars:
            return self.vars[name]
        kind, cur = field_type(name), self.current(name)
        fixed = fixed_reason(name) is not None and cur is not None
        zname = f"{self.tag}|{name}"
        absent = (cur is not None and not name.endswith(".offered")
                  and name not in (self.profile.values if not self.blank else {}))
        if kind == "bool":
            var = Var(name, "bool", cur, z3.BoolVal(cur, self.ctx) if fixed else z3.Bool(zname, self.ctx), ctx=self.ctx)
        elif is_enum(kind) or kind == "str":
            domain = self._domain(name, kind, cur)
            z = z3.IntVal(domain.index(cur), self.ctx) if fixed else z3.Int(zname, self.ctx)
            var = Var(name, "enum", cur, z, domain=domain, ctx=self.ctx)
            if not fixed:
                self.constraints.append(z3.And(z >= 0, z < len(domain)))
        elif is_list_of_enum(kind):
            values = list(enum_values(kind))
            z = {x: (z3.BoolVal(x in cur, self.ctx) if cur is not None else z3.Bool(f"{zname}={x}", self.ctx)) for x in values}
            var = Var(name, "set", cur, z, domain=values, ctx=self.ctx)
        else:
            sort = "int" if kind == "int>=0" else "real"
            if fixed:
                z = z3.IntVal(int(cur), self.ctx) if sort == "int" else _val(Fraction(cur), self.ctx)
            else:
                z = z3.Int(zname, self.ctx) if sort == "int" else z3.Real(zname, self.ctx)
                # every figure the texts set is a minimum, so a plan only raises
                # figures (it never proposes fewer staff); unknown data may be anything
                floor = Fraction(cur) if cur is not None and name not in self.kb_maxima() else 0
                self.constraints.append(z >= _val(floor, self.ctx))
                if kind == "share":
                    self.constraints.append(z <= 1)
            var = Var(name, sort, cur, z, ctx=self.ctx)
        var.absent_service = absent
        if cur is None:
            var.supplied = z3.Bool(f"{zname}?", self.ctx)
        elif not fixed:
            var.changed = var.z != var.const(cur)
        self.vars[name] = var
        return var

    def kb_maxima(self) -> set[str]:
        """Fields some condition caps from above (< or <=): those may also fall."""
        if not hasattr(self.kb, "_plan_maxima"):
            caps = set()
            for prog in self.kb.programs.values():
                for n in prog.nodes():
                    if n.kind == "threshold" and n.params["op"] in ("<", "<="):
                        caps.update(n.params["measure"].args)
            self.kb._plan_maxima = caps
        return self.kb._plan_maxima

    def _domain(self, name: str, kind: str, cur) -> list:
        values = list(enum_values(kind))
        for prog in self.kb.programs.values():
            for n in prog.nodes():
                if n.kind in ("locality", "applicant_type") and n.params["field"] == name:
                    values.extend(n.params["values"])
        if cur is not None:
            values.append(cur)
        if kind == "str":
            values.append("(other)")   # any value no text names, e.g. another city
        return list(dict.fromkeys(values))

    def finish(self) -> None:
        """Part-whole relations (facts/measures.yaml) between every pair of
        fields in play, pulling in the partner of a field the plan may change."""
        grew = True
        while grew:
            grew = False
            for a, b in self.kb.le_pairs:
                for one, other in ((a, b), (b, a)):
                    if one in self.vars and self.vars[one].changed is not None and other not in self.vars:
                        self.var(other)
                        grew = True
        for a, b in self.kb.le_pairs:
            if a in self.vars and b in self.vars and (a, b) not in self._related:
                self._related.add((a, b))
                va, vb = self.vars[a], self.vars[b]
                self.constraints.append(z3.Implies(z3.And(va.avail, vb.avail), va.z <= vb.z))

    # -- bounds, as kb/reasoning/rules.dl derives them -----------------------------------
    def lowers(self, name: str) -> list[tuple]:
        out = [(self.var(name).avail, self.var(name).z)]
        for s, m in self.kb.le_pairs:
            if m == name and self.current(s) is not None:
                out.append((self.var(s).avail, self.var(s).z))
        return out

    def uppers(self, name: str) -> list[tuple]:
        out = [(self.var(name).avail, self.var(name).z)]
        for m, s in self.kb.le_pairs:
            if m == name and self.current(s) is not None:
                out.append((self.var(s).avail, self.var(s).z))
        return out

    # -- conditions --------------------------------------------------------------
    def node(self, node: Node, day: date) -> tuple:
        """(met, failed) of a condition on ``day``, as z3 Booleans."""
        key = (node.id, day)
        if key not in self._memo:
            self._memo[key] = self._node(node, day)
        return self._memo[key]

    def program(self, program, day: date) -> tuple:
        tops = [self.node(top, day) for top in program.conditions]
        return z3.And([m for m, _ in tops], self.ctx), z3.Or([f for _, f in tops], self.ctx)

    def _node(self, node: Node, day: date) -> tuple:
        k, p = node.kind, node.params
        T, F = z3.BoolVal(True, self.ctx), z3.BoolVal(False, self.ctx)
        if is_time_leaf(node) and not self.blank:
            return self._time(node, day)
        if k == "threshold":
            m, op, t = p["measure"], p["op"], _val(p["value"], self.ctx)
            if m.kind == "years_since":   # blank entity: the date is data to supply
                a = self._time_supply(node, day)
                return a, F
            if m.kind == "field":
                up = op in (">=", ">")
                lo, hi = self.lowers(m.args[0]), self.uppers(m.args[0])
                met = z3.Or([z3.And(g, _cmp(op, e, t)) for g, e in (lo if up else hi)], self.ctx)
                failed = z3.Or([z3.And(g, z3.Not(_cmp(op, e, t))) for g, e in (hi if up else lo)], self.ctx)
                return met, failed
            if m.kind == "share":
                num, den = m.args
                up = op in (">=", ">")
                met = z3.Or([z3.And(gn, gd, ed > 0, _cmp(op, en, t * ed))
                             for gn, en in (self.lowers(num) if up else self.uppers(num))
                             for gd, ed in (self.uppers(den) if up else self.lowers(den))], self.ctx)
                failed = z3.Or([z3.And(gn, gd, ed > 0, z3.Not(_cmp(op, en, t * ed)))
                                for gn, en in (self.uppers(num) if up else self.lowers(num))
                                for gd, ed in (self.lowers(den) if up else self.uppers(den))], self.ctx)
                return met, failed
            if m.kind == "share_within":
                q, sub, whole = (self.var(a) for a in m.args)
                ok = z3.And(q.avail, sub.avail, whole.avail, sub.z > 0)
                low = z3.If(q.z - (whole.z - sub.z) > 0, q.z - (whole.z - sub.z), 0)
                high = z3.If(q.z < sub.z, q.z, sub.z)
                if op in (">=", ">"):
                    return z3.And(ok, _cmp(op, low, t * sub.z)), z3.And(ok, z3.Not(_cmp(op, high, t * sub.z)))
                return z3.And(ok, _cmp(op, high, t * sub.z)), z3.And(ok, z3.Not(_cmp(op, low, t * sub.z)))
            raise ValueError(m.kind)
        if k == "boolean":
            v = self.var(p["field"])
            same = v.z == z3.BoolVal(p["expect"], self.ctx)
            return z3.And(v.avail, same), z3.And(v.avail, z3.Not(same))
        if k in ("locality", "applicant_type"):
            if p["open"]:
                return T, F
            v = self.var(p["field"])
            if v.sort == "set":
                member = z3.Or([v.z[x] for x in p["values"] if x in v.z] or [F], self.ctx)
            else:
                member = z3.Or([v.z == v.domain.index(x) for x in p["values"] if x in v.domain] or [F], self.ctx)
            return z3.And(v.avail, member), z3.And(v.avail, z3.Not(member))
        if k == "qualitative":
            if not self.blank and self.profile.attest.get(p["attest"]) is False:
                r = self.remedies.setdefault(p["attest"], z3.Bool(f"{self.tag}|remedy|{p['attest']}", self.ctx))
                return r, z3.Not(r)
            return T, F
        if k in TIME_KINDS:   # blank entity: no history, so nothing bars it
            if k == "growth":
                return self._growth(node, day)
            return T, F
        if k == "unknown":   # text a partial version does not hold (kb/law/versions/): never decided
            return F, F
        kids = [self.node(c, day) for c in node.children]
        if k in ("all", "function"):
            return z3.And([m for m, _ in kids], self.ctx), z3.Or([f for _, f in kids], self.ctx)
        if k == "any":
            return z3.Or([m for m, _ in kids], self.ctx), z3.And([f for _, f in kids], self.ctx)
        if k == "k_of_n":
            n_met = z3.Sum([z3.If(m, 1, 0) for m, _ in kids])
            n_failed = z3.Sum([z3.If(f, 1, 0) for _, f in kids])
            return n_met >= p["k"], len(kids) - n_failed < p["k"]
        if k == "when":
            (gm, gf), (tm, tf) = kids
            return z3.Or(gf, tm), z3.And(gm, tf)
        raise ValueError(k)

    def _time(self, node: Node, day: date) -> tuple:
        T, F = z3.BoolVal(True, self.ctx), z3.BoolVal(False, self.ctx)
        if node.kind == "growth":
            return self._growth(node, day)
        status = time_status(node, self.profile, day)
        if status == MET:
            return T, F
        if status == FAILED:
            return F, T
        return self._time_supply(node, day), F

    def _time_supply(self, node: Node, day: date):
        """An assumption standing for a missing date (founded_on, a designation's expiry)."""
        p = node.params
        if node.kind == "threshold":
            name = p["measure"].args[0]
            value = shift_years(day, int(p["value"]) + (1 if p["op"] == ">" else 0))
        else:
            name, value = "designations.expires_on", date(day.year, 1, 1)
        key = f"{name}@{node.id}@{day}"
        if key not in self.time_supply:
            self.time_supply[key] = (z3.Bool(f"{self.tag}|{key}?", self.ctx), name, value, node)
        return self.time_supply[key][0]

    def _growth(self, node: Node, day: date) -> tuple:
        p = node.params
        series = {} if self.blank else self.profile.values.get(p["field"], {})
        inc, flat = [], []
        for i in range(1, p["pairs"] + 1):
            (g1, z1), (g0, z0) = self._year(p["field"], day.year - i, series), \
                self._year(p["field"], day.year - i - 1, series)
            inc.append(z3.And(g1, g0, z1 > z0))
            flat.append(z3.And(g1, g0, z1 <= z0))
        return z3.And(inc, self.ctx), z3.Or(flat, self.ctx)

    def _year(self, name: str, year: int, series: dict) -> tuple:
        if year in series:
            return z3.BoolVal(True, self.ctx), z3.IntVal(int(series[year]), self.ctx)
        v = self.vars.get(f"{name}.{year}")
        if v is None:
            z = z3.Int(f"{self.tag}|{name}.{year}", self.ctx)
            v = Var(f"{name}.{year}", "int", None, z, supplied=z3.Bool(f"{self.tag}|{name}.{year}?", self.ctx), ctx=self.ctx)
            self.vars[v.name] = v
            self.constraints.append(z >= 0)
        return v.supplied, v.z

    # -- costs -------------------------------------------------------------------
    def change_count(self):
        return [z3.If(v.changed, 1, 0) for v in self.vars.values() if v.changed is not None] + \
               [z3.If(r, 1, 0) for r in self.remedies.values()]

    def supply_count(self):
        return [z3.If(v.supplied, 1, 0) for v in self.vars.values() if v.supplied is not None] + \
               [z3.If(a, 1, 0) for a, *_ in self.time_supply.values()]

    def magnitude(self):
        """How far the figures move, relative to where they are (a tie-break
        among plans with as many changes: the smaller increase wins). Linear,
        as figures only rise; a supplied figure counts by its size."""
        out = []
        for v in self.vars.values():
            if v.sort not in ("int", "real"):
                continue
            z = z3.ToReal(v.z) if v.sort == "int" else v.z
            if v.changed is not None:
                c = z3.ToReal(v.const(v.current)) if v.sort == "int" else v.const(v.current)
                weight = _val(Fraction(1, max(abs(Fraction(v.current)), 1)), self.ctx)
                if v.name in self.kb_maxima():
                    out.append(z3.If(z >= c, z - c, c - z) * weight)
                else:
                    out.append((z - c) * weight)
            elif v.supplied is not None:
                out.append(z / 1000)
        return out
