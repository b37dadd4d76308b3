"""A multi-program application plan: what to change, by how much, when, in which order.

For one entity or a group, and a set of target programs, the planner finds
the smallest set of changes to the profile that makes every reachable target
qualify at once (one change can serve several programs: satisfaction raised
to 0.90 serves the Beijing platform and the base alike), the dates only time
brings (years established, a look-back window or a ban running out, the year
a designation expires), an order of applications from the graph's preference
and prerequisite edges (kb/graph.py), and what cannot be done: targets no
entity can reach with what it cannot change, and targets the texts forbid one
entity to hold together (one registration city), with the entity of the group
that should apply instead.

Why a solver, and why z3. The joint minimum is an optimisation over the
encoded condition trees (thresholds, booleans, localities, any-of, k of n
functions, conditional figures), and a solver beats hand-written search at it.
clingo's ``#minimize`` and z3's ``Optimize`` both find it (about 2 ms and 8 ms
per organisation on a workload like ours; the CLI's cost is loading the
knowledge base either way). z3 is used because (1) it compares exact
rationals natively, so "本科及以上…比例占80％以上" is ``5·n ≥ 4·d`` and 0.9 is
9/10, as in the Datalog rules, where clingo needs integers and a candidate
domain for each figure computed beforehand; (2) conditions become solver
terms through its Python API, never through program text, the same
discipline kb/datalog.py keeps with pyDatalog (clingo is fed facts as text or
through its lower-level backend); (3) its unsat cores name the conditions that
make a target unreachable, which the plan cites. Dependency: ``z3-solver``.

Semantics follow kb/rules.dl: a condition is met, failed, or neither (data
missing); composite nodes combine both sides three-valued; a known field
bounds a related unknown one (facts/measures.yaml). Data the profile lacks
is never changed: the plan says which fields to supply and what it assumed.
Qualitative conditions are evidence to prepare, never a change. Fields an
existing entity cannot change (its registration city, founding date, credit
history, legal-person status, what kind of organisation it is) are said so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import z3

from kb.check import FAILED, MET, fmt
from kb.errors import InputError
from kb.fields import FIELDS
from kb.measures import full_years, shift_years
from kb.model import PROGRAMS, Citation, Node

DEFAULT_HORIZON = 3
TIME_KINDS = ("lookback", "ban", "reapplication", "growth")

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


def add_years(day: date, years: int) -> date:
    """The same month and day ``years`` later (29 Feb → 1 Mar)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


# -- time: conditions only the calendar changes --------------------------------

def is_time_leaf(node: Node) -> bool:
    return node.kind in TIME_KINDS or (node.kind == "threshold" and node.params["measure"].kind == "years_since")


def _cmp(op: str, a, b):
    """a op b, for numbers and for z3 terms alike."""
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


def time_status(node: Node, profile, day: date) -> str:
    """met / failed / unknown of a time condition evaluated on ``day`` (as kb/rules.dl would)."""
    p, v = node.params, profile.values
    if node.kind == "threshold":
        start = v.get(p["measure"].args[0])
        if start is None:
            return "unknown"
        return MET if _cmp(p["op"], full_years(start, day), p["value"]) else FAILED
    if node.kind == "lookback":
        since = shift_years(day, p["years"]) if p["years"] else date.min
        hit = any(ev.kind in p["kinds"] and ev.subject in p["subjects"] and ev.date >= since
                  for ev in profile.credit_events)
        return FAILED if hit else MET
    if node.kind == "ban":
        since = shift_years(day, p["years"])
        hit = any(rv.program in p["programs"] and rv.reason in p["reasons"] and rv.date >= since
                  for rv in profile.revocations)
        return FAILED if hit else MET
    if node.kind == "reapplication":
        held = [d for d in profile.designations if d.program in p["programs"]
                and not (d.granted_on and d.granted_on > profile.as_of)]
        if any(d.expires_on and d.expires_on >= day and d.expires_on.year > day.year for d in held):
            return FAILED
        return "unknown" if any(d.expires_on is None for d in held) else MET
    if node.kind == "growth":
        series = v.get(p["field"], {})
        pairs = [(day.year - i, day.year - i - 1) for i in range(1, p["pairs"] + 1)]
        if any(y1 in series and y0 in series and series[y1] <= series[y0] for y1, y0 in pairs):
            return FAILED
        known = all(y1 in series and y0 in series for y1, y0 in pairs)
        return MET if known else "unknown"
    raise ValueError(node.kind)


def pass_date(node: Node, profile, horizon_end: date) -> date | None:
    """The first day from ``as_of`` on which a time condition no longer fails
    (it may then still need data), or None if never within the horizon."""
    as_of = profile.as_of
    if time_status(node, profile, as_of) != FAILED:
        return as_of
    p, v = node.params, profile.values
    guess: date | None = None
    if node.kind == "threshold":
        guess = add_years(v[p["measure"].args[0]], int(p["value"]) + (1 if p["op"] == ">" else 0))
    elif node.kind == "lookback":
        if not p["years"]:
            return None   # no window: the record never leaves it
        days = [ev.date for ev in profile.credit_events if ev.kind in p["kinds"] and ev.subject in p["subjects"]]
        guess = add_years(max(days), p["years"]) + timedelta(days=1)
    elif node.kind == "ban":
        days = [rv.date for rv in profile.revocations if rv.program in p["programs"] and rv.reason in p["reasons"]]
        guess = add_years(max(days), p["years"]) + timedelta(days=1)
    elif node.kind == "reapplication":
        ends = [d.expires_on for d in profile.designations if d.program in p["programs"] and d.expires_on]
        guess = date(max(ends).year, 1, 1)
    elif node.kind == "growth":
        series = v.get(p["field"], {})
        bad = [y for y in series if y - 1 in series and series[y] <= series[y - 1]]
        guess = date(max(bad) + p["pairs"] + 1, 1, 1)
    if guess is None:
        return None
    # the guess is exact but for calendar edges (29 February): settle it by the rule itself
    while time_status(node, profile, guess) == FAILED and guess <= horizon_end:
        guess += timedelta(days=1)
    while guess > as_of and time_status(node, profile, guess - timedelta(days=1)) != FAILED:
        guess -= timedelta(days=1)
    return guess if guess <= horizon_end else None


def all_path_nodes(node: Node):
    """The node and every descendant reached through all-of nodes only: the
    conditions that must each hold for the node to hold."""
    yield node
    if node.kind in ("all", "function"):
        for child in node.children:
            yield from all_path_nodes(child)


# -- the solver model of one entity -------------------------------------------

def _val(v):
    if isinstance(v, bool):
        return z3.BoolVal(v)
    if isinstance(v, int):
        return z3.IntVal(v)
    return z3.RealVal(f"{Fraction(v).numerator}/{Fraction(v).denominator}")


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

    @property
    def avail(self):
        return self.supplied if self.current is None else z3.BoolVal(True)

    def const(self, value):
        """``value`` as a z3 constant of this field's sort."""
        if self.sort == "bool":
            return z3.BoolVal(bool(value))
        if self.sort == "enum":
            return z3.IntVal(self.domain.index(value))
        if self.sort == "int":
            return z3.IntVal(int(value))
        return _val(Fraction(value))


class EntityModel:
    """Solver terms for one entity's profile (or a blank one: every field
    unknown, for what the texts alone forbid)."""

    def __init__(self, kb, profile, tag: str, blank: bool = False):
        self.kb, self.profile, self.tag, self.blank = kb, profile, tag, blank
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
            var = Var(name, "bool", cur, z3.BoolVal(cur) if fixed else z3.Bool(zname))
        elif kind.startswith("enum:") or kind == "str":
            domain = self._domain(name, kind, cur)
            z = z3.IntVal(domain.index(cur)) if fixed else z3.Int(zname)
            var = Var(name, "enum", cur, z, domain=domain)
            if not fixed:
                self.constraints.append(z3.And(z >= 0, z < len(domain)))
        elif kind.startswith("list[enum:"):
            values = kind[len("list[enum:"):-1].split("|")
            z = {x: (z3.BoolVal(x in cur) if cur is not None else z3.Bool(f"{zname}={x}")) for x in values}
            var = Var(name, "set", cur, z, domain=values)
        else:
            sort = "int" if kind == "int>=0" else "real"
            if fixed:
                z = z3.IntVal(int(cur)) if sort == "int" else _val(Fraction(cur))
            else:
                z = z3.Int(zname) if sort == "int" else z3.Real(zname)
                # every figure the texts set is a minimum, so a plan only raises
                # figures (it never proposes fewer staff); unknown data may be anything
                floor = Fraction(cur) if cur is not None and name not in self.kb_maxima() else 0
                self.constraints.append(z >= _val(floor))
                if kind == "share":
                    self.constraints.append(z <= 1)
            var = Var(name, sort, cur, z)
        var.absent_service = absent
        if cur is None:
            var.supplied = z3.Bool(f"{zname}?")
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
        values = list(kind[5:].split("|")) if kind.startswith("enum:") else []
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

    # -- bounds, as kb/rules.dl derives them -----------------------------------
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
        return z3.And([m for m, _ in tops]), z3.Or([f for _, f in tops])

    def _node(self, node: Node, day: date) -> tuple:
        k, p = node.kind, node.params
        T, F = z3.BoolVal(True), z3.BoolVal(False)
        if is_time_leaf(node) and not self.blank:
            return self._time(node, day)
        if k == "threshold":
            m, op, t = p["measure"], p["op"], _val(p["value"])
            if m.kind == "years_since":   # blank entity: the date is data to supply
                a = self._time_supply(node, day)
                return a, F
            if m.kind == "field":
                up = op in (">=", ">")
                lo, hi = self.lowers(m.args[0]), self.uppers(m.args[0])
                met = z3.Or([z3.And(g, _cmp(op, e, t)) for g, e in (lo if up else hi)])
                failed = z3.Or([z3.And(g, z3.Not(_cmp(op, e, t))) for g, e in (hi if up else lo)])
                return met, failed
            if m.kind == "share":
                num, den = m.args
                up = op in (">=", ">")
                met = z3.Or([z3.And(gn, gd, ed > 0, _cmp(op, en, t * ed))
                             for gn, en in (self.lowers(num) if up else self.uppers(num))
                             for gd, ed in (self.uppers(den) if up else self.lowers(den))])
                failed = z3.Or([z3.And(gn, gd, ed > 0, z3.Not(_cmp(op, en, t * ed)))
                                for gn, en in (self.uppers(num) if up else self.lowers(num))
                                for gd, ed in (self.lowers(den) if up else self.uppers(den))])
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
            same = v.z == z3.BoolVal(p["expect"])
            return z3.And(v.avail, same), z3.And(v.avail, z3.Not(same))
        if k in ("locality", "applicant_type"):
            if p["open"]:
                return T, F
            v = self.var(p["field"])
            if v.sort == "set":
                member = z3.Or([v.z[x] for x in p["values"] if x in v.z] or [F])
            else:
                member = z3.Or([v.z == v.domain.index(x) for x in p["values"] if x in v.domain] or [F])
            return z3.And(v.avail, member), z3.And(v.avail, z3.Not(member))
        if k == "qualitative":
            if not self.blank and self.profile.attest.get(p["attest"]) is False:
                r = self.remedies.setdefault(p["attest"], z3.Bool(f"{self.tag}|remedy|{p['attest']}"))
                return r, z3.Not(r)
            return T, F
        if k in TIME_KINDS:   # blank entity: no history, so nothing bars it
            if k == "growth":
                return self._growth(node, day)
            return T, F
        kids = [self.node(c, day) for c in node.children]
        if k in ("all", "function"):
            return z3.And([m for m, _ in kids]), z3.Or([f for _, f in kids])
        if k == "any":
            return z3.Or([m for m, _ in kids]), z3.And([f for _, f in kids])
        if k == "k_of_n":
            n_met = z3.Sum([z3.If(m, 1, 0) for m, _ in kids])
            n_failed = z3.Sum([z3.If(f, 1, 0) for _, f in kids])
            return n_met >= p["k"], len(kids) - n_failed < p["k"]
        if k == "when":
            (gm, gf), (tm, tf) = kids
            return z3.Or(gf, tm), z3.And(gm, tf)
        raise ValueError(k)

    def _time(self, node: Node, day: date) -> tuple:
        T, F = z3.BoolVal(True), z3.BoolVal(False)
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
            self.time_supply[key] = (z3.Bool(f"{self.tag}|{key}?"), name, value, node)
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
        return z3.And(inc), z3.Or(flat)

    def _year(self, name: str, year: int, series: dict) -> tuple:
        if year in series:
            return z3.BoolVal(True), z3.IntVal(int(series[year]))
        v = self.vars.get(f"{name}.{year}")
        if v is None:
            z = z3.Int(f"{self.tag}|{name}.{year}")
            v = Var(f"{name}.{year}", "int", None, z, supplied=z3.Bool(f"{self.tag}|{name}.{year}?"))
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
                weight = _val(Fraction(1, max(abs(Fraction(v.current)), 1)))
                if v.name in self.kb_maxima():
                    out.append(z3.If(z >= c, z - c, c - z) * weight)
                else:
                    out.append((z - c) * weight)
            elif v.supplied is not None:
                out.append(z / 1000)
        return out


# -- planning ------------------------------------------------------------------

@dataclass
class Target:
    program: str
    entity: str
    day: date | None                 # when it can qualify (None: not within the horizon)
    waits: list[dict]
    blockers: list[dict]             # time conditions that never pass / not within the horizon


class Planner:
    def __init__(self, kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON):
        if not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 0:
            raise InputError("--horizon", None, f"expected a whole number of years >= 0, got {horizon!r}")
        self.kb = kb
        self.profile = profile
        self.targets = kb.program_ids(targets, "--target")
        self.horizon = horizon
        self.entities = list(getattr(profile, "entities", None) or [profile])
        self.group = hasattr(profile, "entities")
        self.as_of = profile.as_of
        self.horizon_end = add_years(self.as_of, horizon)
        # the joint problem holds only the programs an entity can reach; the
        # probes answer "can it at all?" one program at a time
        self.models = {e.id: EntityModel(kb, e, f"e{i}") for i, e in enumerate(self.entities)}
        self.probes = {e.id: EntityModel(kb, e, f"p{i}") for i, e in enumerate(self.entities)}
        self.checks = {e.id: {r.program: r for r in kb.check(e, self.targets).results} for e in self.entities}

    # -- dates -------------------------------------------------------------------
    def target(self, program: str, entity) -> Target:
        waits, blockers, day = [], [], entity.as_of
        prog = self.kb.programs[program]
        for top in prog.conditions:
            for node in all_path_nodes(top):
                if not is_time_leaf(node) or time_status(node, entity, entity.as_of) != FAILED:
                    continue
                when = pass_date(node, entity, self.horizon_end)
                if when is None:
                    blockers.append({"condition": top.id, "node": node, "citation": node.citation})
                else:
                    waits.append({"condition": top.id, "node": node, "citation": node.citation, "until": when})
                    day = max(day, when)
        return Target(program, entity.id, None if blockers else day, waits, blockers)

    # -- the whole plan ----------------------------------------------------------
    def run(self) -> "Plan":
        plan = Plan(org=self.profile.id, as_of=self.as_of, horizon=self.horizon, group=self.group)
        dated = {(t, e.id): self.target(t, e) for t in self.targets for e in self.entities}
        feasible: dict[tuple, tuple] = {}
        unreachable: dict[tuple, list] = {}
        # a title held now needs no application, unless the text sets a term to renew (reapplication)
        self.held = {}
        for e in self.entities:
            for t, until in held_designations(e).items():
                renewable = any(n.kind == "reapplication" for n in self.kb.programs[t].nodes())
                if t in self.targets and not renewable and t not in self.held:
                    self.held[t] = (e.id, until)
        for (t, eid), tg in dated.items():
            if t in self.held:
                continue
            probe = self.probes[eid]
            day = tg.day or self.horizon_end   # a time bar that outlasts the horizon fails even then
            blocking = self._feasible(probe, t, day)
            if blocking:
                unreachable[(t, eid)] = [self._core_reason(cid, probe.profile, day) for cid in blocking]
            else:
                feasible[(t, eid)] = self.models[eid].program(self.kb.programs[t], tg.day)[0]
        exclusive = self._exclusive()
        solution = self._solve(feasible, exclusive, dated)
        plan.solver_ms = solution.pop("ms", None)
        assignment = solution["assignment"]
        for t in self.targets:
            plan.targets.append(self._target_json(t, assignment.get(t), dated))
        for t, (eid, until) in self.held.items():
            plan.targets[self.targets.index(t)] = self._held_json(t, eid, until)
        plan.steps = self._steps(assignment, dated, solution)
        plan.impossible = self._impossible(unreachable, exclusive, assignment)
        for t in solution["dropped"]:
            plan.impossible.append({"kind": "conflict", "programs": [t], "citations": [], "conditions": [],
                                    "why": "each entity able to reach it cannot reach it together with "
                                           "the other targets assigned to it"})
        plan.cycles = self._cycles(assignment)
        return plan

    def _feasible(self, model: EntityModel, program: str, day: date) -> list[str]:
        """Can this entity qualify on ``day`` whatever it changes? If not, the
        top-level conditions that cannot hold together (an unsat core)."""
        prog = self.kb.programs[program]
        tracks = []
        solver = z3.Solver()
        for top in prog.conditions:
            met, _ = model.node(top, day)
            lit = z3.Bool(f"{model.tag}|track|{program}|{top.id}")
            solver.add(z3.Implies(lit, met))
            tracks.append((lit, top.id))
        model.finish()
        solver.add(model.constraints)
        found: list[str] = []
        while solver.check([lit for lit, _ in tracks]) == z3.unsat:
            # set each core aside and ask again, so every independent bar is named
            core = {str(c) for c in solver.unsat_core()}
            ids = [cid for lit, cid in tracks if str(lit) in core]
            if not ids:
                break
            found.extend(ids)
            tracks = [(lit, cid) for lit, cid in tracks if cid not in ids]
        return found

    def _exclusive(self) -> list[dict]:
        """Pairs of targets the texts forbid one entity to hold, whatever its
        data: found on a blank entity, explained by an unsat core. It depends
        on the texts only, so the knowledge base keeps it."""
        cache = self.kb.__dict__.setdefault("_plan_exclusive", {})
        key = tuple(self.targets)
        if key not in cache:
            cache[key] = self._exclusive_pairs()
        return cache[key]

    def _exclusive_pairs(self) -> list[dict]:
        blank = EntityModel(self.kb, None, "blank", blank=True)
        out = []
        for i, a in enumerate(self.targets):
            for b in self.targets[i + 1:]:
                solver = z3.Solver()
                tracks = []
                for pid in (a, b):
                    for top in self.kb.programs[pid].conditions:
                        lit = z3.Bool(f"blank|{pid}|{top.id}")
                        solver.add(z3.Implies(lit, blank.node(top, self.as_of)[0]))
                        tracks.append((lit, top))
                blank.finish()
                solver.add(blank.constraints)
                if solver.check([lit for lit, _ in tracks]) == z3.unsat:
                    core = {str(c) for c in solver.unsat_core()}
                    out.append({"programs": [a, b], "nodes": [top for lit, top in tracks if str(lit) in core]})
        return out

    def _solve(self, feasible: dict, exclusive: list[dict], dated: dict) -> dict:
        import time
        started = time.perf_counter()
        opt = z3.Optimize()
        opt.set(priority="lex")
        choose: dict[tuple, Any] = {}
        for (t, eid), met in feasible.items():
            x = z3.Bool(f"assign|{t}|{eid}")
            choose[(t, eid)] = x
            opt.add(z3.Implies(x, met))
        for t in self.targets:
            xs = [x for (tt, _), x in choose.items() if tt == t]
            if xs:
                opt.add(z3.PbEq([(x, 1) for x in xs], 1))
        for ex in exclusive:
            a, b = ex["programs"]
            for e in self.entities:
                if (a, e.id) in choose and (b, e.id) in choose:
                    opt.add(z3.Not(z3.And(choose[(a, e.id)], choose[(b, e.id)])))
        for model in self.models.values():
            model.finish()
            opt.add(model.constraints)
        changes = [c for m in self.models.values() for c in m.change_count()]
        supplies = [c for m in self.models.values() for c in m.supply_count()]
        size = [c for m in self.models.values() for c in m.magnitude()]
        opt.minimize(z3.Sum(changes) if changes else z3.IntVal(0))
        opt.minimize(z3.Sum(supplies) if supplies else z3.IntVal(0))
        opt.minimize(z3.Sum(size) if size else z3.RealVal(0))
        dropped: list[str] = []
        status = opt.check()
        while status != z3.sat:   # targets each reachable but not together: drop the last, say so
            remaining = [t for t in self.targets if t not in dropped and any(tt == t for tt, _ in choose)]
            if not remaining:
                break
            dropped.append(remaining[-1])
            opt.add(z3.And([z3.Not(x) for (tt, _), x in choose.items() if tt == remaining[-1]]))
            status = opt.check()
        model = opt.model() if status == z3.sat else None
        assignment = {}
        if model is not None:
            for (t, eid), x in choose.items():
                if z3.is_true(model.eval(x, model_completion=True)):
                    assignment[t] = eid
        return {"assignment": assignment, "model": model, "dropped": dropped, "choose": choose,
                "ms": round((time.perf_counter() - started) * 1000, 1)}

    # -- reading the solution back -------------------------------------------------
    def _value(self, model, term):
        return _py(model.eval(term, model_completion=True))

    def _entity_changes(self, eid: str, solution: dict) -> tuple[list[dict], list[dict], list[dict]]:
        """(changes, supplies, remedies) of one entity in the solution, each with
        the top-level conditions it serves (reverting it breaks them)."""
        zm = solution["model"]
        em = self.models[eid]
        if zm is None:
            return [], [], []
        mine = [t for t, e in solution["assignment"].items() if e == eid]
        dated = {t: self.target(t, next(x for x in self.entities if x.id == eid)).day for t in mine}
        tops = [(t, top) for t in mine for top in self.kb.programs[t].conditions]
        holds = {(t, top.id): em.node(top, dated[t])[0] for t, top in tops}

        def broken(subst) -> list[tuple]:
            out = []
            for (t, cid), met in holds.items():
                if not z3.is_true(zm.eval(z3.substitute(met, *subst), model_completion=True)):
                    out.append((t, cid))
            return out

        changes, supplies, remedies = [], [], []
        for v in em.vars.values():
            if v.changed is not None and z3.is_true(zm.eval(v.changed, model_completion=True)):
                to = self._decode(v, self._raw(zm, v))
                serves = broken([(v.z, v.const(v.current))])
                changes.append({"var": v, "from": None if v.absent_service else v.current, "to": to,
                                "serves": serves})
            elif v.supplied is not None and z3.is_true(zm.eval(v.supplied, model_completion=True)):
                serves = broken([(v.supplied, z3.BoolVal(False))])
                supplies.append({"field": v.name, "assumed": self._decode(v, self._raw(zm, v)), "serves": serves})
        for a, name, value, node in em.time_supply.values():
            if z3.is_true(zm.eval(a, model_completion=True)):
                supplies.append({"field": name, "assumed": value, "serves": broken([(a, z3.BoolVal(False))]),
                                 "node": node})
        for key, r in em.remedies.items():
            if z3.is_true(zm.eval(r, model_completion=True)):
                remedies.append({"attest": key, "serves": broken([(r, z3.BoolVal(False))])})
        # a change no condition needs by itself keeps a part-whole relation with another
        for ch in changes:
            if not ch["serves"]:
                partners = [o["var"].name for o in changes if o is not ch and
                            ((ch["var"].name, o["var"].name) in self.kb.le_pairs or
                             (o["var"].name, ch["var"].name) in self.kb.le_pairs)]
                ch["with"] = partners
        return changes, supplies, remedies

    def _raw(self, zm, v: Var):
        if v.sort == "set":
            return {x: z3.is_true(zm.eval(b, model_completion=True)) for x, b in v.z.items()}
        return self._value(zm, v.z)

    @staticmethod
    def _decode(v: Var, raw):
        if v.sort == "enum":
            return v.domain[raw]
        if v.sort == "set":
            return [x for x, on in raw.items() if on]
        return raw

    def _held_json(self, t: str, eid: str, until: date | None) -> dict:
        out = {"program": t, "name": PROGRAMS[t], "entity": eid, "reachable": True,
               "status": self.checks[eid][t].status, "earliest": None, "held": True,
               "held_until": until.isoformat() if until else None}
        if self.group:
            out["current"] = [{"entity": e.id, "status": self.checks[e.id][t].status} for e in self.entities]
        return out

    def _target_json(self, t: str, eid: str | None, dated: dict) -> dict:
        current = [{"entity": e.id, "status": self.checks[e.id][t].status} for e in self.entities]
        out = {"program": t, "name": PROGRAMS[t], "entity": eid, "reachable": eid is not None,
               "status": self.checks[eid][t].status if eid else None,
               "earliest": dated[(t, eid)].day.isoformat() if eid else None}
        if self.group:
            out["current"] = current
        elif eid is None:
            out["status"] = current[0]["status"]
        return out

    # -- steps -----------------------------------------------------------------------
    def _steps(self, assignment: dict, dated: dict, solution: dict) -> list[dict]:
        from kb.graph import build_graph, edges_of
        g = build_graph(self.kb)
        relations = [e for e in edges_of(g, ("preference", "eligible_applicant", "requires"))
                     if e.source in PROGRAMS and e.target in PROGRAMS]
        steps = []
        for entity in self.entities:
            mine = [t for t in self.targets if assignment.get(t) == entity.id]
            if not mine:
                continue
            changes, supplies, remedies = self._entity_changes(entity.id, solution)
            held = held_designations(entity)
            order = self._order(mine, dated, entity.id, relations)
            done: list[str] = []
            for t in order:
                tg = dated[(t, entity.id)]
                result = self.checks[entity.id][t]
                relies = [e for e in relations if e.target == t and (e.source in done or e.source in held)]
                steps.append({
                    "program": t, "name": PROGRAMS[t], "entity": entity.id, "status": result.status,
                    "earliest": tg.day.isoformat(),
                    "changes": [self._change_json(c, t, result) for c in changes
                                if any(p == t for p, _ in c["serves"]) or self._keeps_for(c, t, changes)],
                    "supply": [self._supply_json(s, entity) for s in supplies if any(p == t for p, _ in s["serves"])],
                    "waits": [self._wait_json(w, entity) for w in tg.waits],
                    "evidence": self._evidence(result, remedies, t),
                    "options": self._options(entity.id, t, tg.day, solution),
                    "relies_on": [self._edge_ref(e, held) for e in relies],
                    "after": [e.source for e in relies if e.source in done and e.type in ("preference", "requires")],
                })
                done.append(t)
        return steps

    def _keeps_for(self, change: dict, t: str, changes: list[dict]) -> bool:
        """A change made only to keep a part-whole relation belongs where its partner does."""
        partners = change.get("with") or []
        return any(o["var"].name in partners and any(p == t for p, _ in o["serves"]) for o in changes)

    def _order(self, mine: list[str], dated: dict, eid: str, relations) -> list[str]:
        """Preference and prerequisite edges first (a station before the base it
        gets preference for), then the earliest date, then the usual order."""
        import networkx as nx
        dag = nx.DiGraph()
        dag.add_nodes_from(mine)
        for e in relations:
            if e.type in ("preference", "requires") and e.source in mine and e.target in mine:
                dag.add_edge(e.source, e.target)
        rank = {t: (dated[(t, eid)].day, list(PROGRAMS).index(t)) for t in mine}
        try:
            return list(nx.lexicographical_topological_sort(dag, key=lambda t: rank[t]))
        except nx.NetworkXUnfeasible:   # a precedence cycle: fall back on the dates
            return sorted(mine, key=lambda t: rank[t])

    def _change_json(self, c: dict, t: str, result) -> dict:
        v = c["var"]
        serves = [cid for p, cid in c["serves"] if p == t]
        failing = {f.condition: f for f in result.failed} | {u.condition: u for u in result.unknown}
        out = {"field": v.name, "from": _json(c["from"]), "to": _json(c["to"]),
               "for": [cid for cid in serves if cid in failing],
               "keeps": [cid for cid in serves if cid not in failing]}
        if c.get("with"):
            out["with"] = c["with"]
        nodes = [self.kb.nodes[cid] for cid in out["for"] + out["keeps"]]
        if nodes:
            out["citations"] = [n.citation.to_json() for n in nodes]   # in the order of for + keeps
        unit = _unit(self.kb, v.name, nodes)
        if unit:
            out["unit"] = unit
        leaves = [n for top in nodes for n in _not_guards(top) if not n.children and v.name in _inputs(n)]
        if leaves:   # the clause that sets the figure, more precise than its top-level condition
            out["where"] = [{"condition": n.id, "citation": n.citation.to_json(), "quote": n.quote}
                            for n in {n.id: n for n in leaves}.values()]
        others = sorted({p for p, _ in c["serves"] if p != t})
        if others:
            out["also_for"] = others
        disc = [f.discretion for f in result.failed if f.condition in serves and f.discretion]
        if disc:
            out["discretion"] = disc[0]
        return out

    def _supply_json(self, s: dict, entity) -> dict:
        tops = sorted({cid for _, cid in s["serves"]})
        out = {"field": s["field"], "assumed": _json(s["assumed"]), "for": tops}
        needs = self._needs(s, entity, [self.kb.nodes[cid] for cid in tops])
        if needs:
            out["needs"] = needs
        return out

    def _needs(self, s: dict, entity, tops: list[Node]) -> str | None:
        """What the supplied figure must be for the plan to hold, in the texts' terms."""
        name = s["field"]
        if s.get("node") is not None:   # a date assumed for a time condition
            node = s["node"]
            if node.kind == "threshold":
                return f"on or before {s['assumed']} ({node.citation.label()}「{node.quote}」)"
            return f"expiring by {s['assumed']} ({node.citation.label()}「{node.quote}」)"
        parts = name.split(".")
        if parts[:2] == ["performance", "smes_served_by_year"] and len(parts) == 3:
            year, series = int(parts[2]), entity.values.get("performance.smes_served_by_year", {})
            bounds = []
            if year - 1 in series:
                bounds.append(f"> {fmt(series[year - 1])} ({year - 1})")
            if year + 1 in series:
                bounds.append(f"< {fmt(series[year + 1])} ({year + 1})")
            return " and ".join(bounds) or "growth year on year"
        out = []
        for top in tops:
            for n in _not_guards(top):
                p = n.params
                if n.kind == "threshold" and name in p["measure"].args:
                    unit = p.get("unit")
                    unit = f" {unit}" if unit and unit != "share" else ""
                    what = "" if p["measure"].kind == "field" else f"{p['measure'].describe()} "
                    out.append(f"{what}{p['op']} {fmt(p['value'])}{unit} ({n.citation.label()})")
                elif n.kind == "boolean" and p["field"] == name:
                    out.append(f"{str(p['expect']).lower()} ({n.citation.label()})")
                elif n.kind in ("locality", "applicant_type") and p["field"] == name and not p["open"]:
                    out.append(f"one of {', '.join(p['values'])} ({n.citation.label()})")
        return "; ".join(dict.fromkeys(out)) or None

    def _wait_json(self, w: dict, entity) -> dict:
        node = w["node"]
        return {"condition": w["condition"], "citation": node.citation.to_json(), "until": w["until"].isoformat(),
                "why": self._time_words(node, entity, w["until"])}

    def _time_words(self, node: Node, entity, until: date | None) -> str:
        p, v = node.params, entity.values
        if until:
            when = f"from {until}"
        else:
            later = pass_date(node, entity, date(9999, 1, 1))
            when = (f"only from {later}, after the {self.horizon}-year horizon (to {self.horizon_end})"
                    if later else "never")
        if node.kind == "threshold":
            name = p["measure"].args[0]
            return f"{name} {v.get(name)}: {p['op']} {fmt(p['value'])} full years {when} ({fixed_reason(name)})"
        if node.kind == "lookback":
            evs = [f"{ev.kind} ({ev.subject}) on {ev.date}" for ev in entity.credit_events
                   if ev.kind in p["kinds"] and ev.subject in p["subjects"]]
            if not p["years"]:
                return "; ".join(evs) + ": the text sets no time limit, so the record bars the entity for good " \
                                        "(past credit events cannot change)"
            return "; ".join(evs) + f": outside the {p['years']}-year window {when}"
        if node.kind == "ban":
            rvs = [f"{rv.program} revoked on {rv.date} for {rv.reason}" for rv in entity.revocations
                   if rv.program in p["programs"] and rv.reason in p["reasons"]]
            return "; ".join(rvs) + f": barred for {p['years']} years, may apply again {when}"
        if node.kind == "reapplication":
            ds = [f"{d.program} held until {d.expires_on}" for d in entity.designations
                  if d.program in p["programs"] and d.expires_on]
            return "; ".join(ds) + f": may apply again in the year it expires, {when}"
        if node.kind == "growth":
            return f"{p['field']}: growth is judged on later years {when}; supply those years' counts"
        return when

    def _evidence(self, result, remedies: list[dict], t: str) -> list[dict]:
        out = [{"condition": f.condition, "citation": f.citation.to_json(), "quote": self.kb.nodes[f.condition].quote,
                "action": "prepare evidence"} for f in result.evidence]
        for r in remedies:
            for p, cid in r["serves"]:
                if p == t:
                    node = self.kb.nodes[cid]
                    out.append({"condition": cid, "citation": node.citation.to_json(), "quote": node.quote,
                                "attest": r["attest"],
                                "action": "attested false: remedy it, then prepare evidence (not a figure to change)"})
        return out

    def _edge_ref(self, e, held: set) -> dict:
        return {"type": e.type, "source": e.source, "target": e.target, "citation": e.citation.to_json(),
                "quote": e.quote, "held": e.source in held}

    # -- options: which functions are cheapest ---------------------------------------
    def _options(self, eid: str, t: str, day: date, solution: dict) -> list[dict]:
        """For each k-of-n list the target fails now, every member not met yet,
        by what it would take on its own (fewest changes, then fewest figures
        to supply): the cheapest are the ones the entity nearly meets."""
        em = self.models[eid]
        zm = solution["model"]
        result = self.checks[eid][t]
        open_ids = {f.condition for f in result.failed} | {u.condition for u in result.unknown}
        out = []
        for top in self.kb.programs[t].conditions:
            if top.id not in open_ids:
                continue
            for node in top.walk():
                if node.kind != "k_of_n":
                    continue
                now = [c for c in node.children if self._met_now(em, c, day)]
                need = node.params["k"] - len(now)
                if need <= 0:
                    continue
                rows = []
                for child in node.children:
                    if child in now:
                        continue
                    cost = self._cost_alone(em, child, day)
                    if cost is None:
                        continue
                    chosen = zm is not None and z3.is_true(zm.eval(em.node(child, day)[0], model_completion=True))
                    rows.append({"member": child.params.get("function") or child.id.rsplit("/", 1)[-1],
                                 "label": child.params.get("label"), "condition": child.id,
                                 "changes": cost[0], "supply": cost[1], "chosen": chosen})
                rows.sort(key=lambda r: (r["changes"], r["supply"], not r["chosen"]))
                out.append({"condition": node.id, "citation": node.citation.to_json(), "k": node.params["k"],
                            "met": [c.params.get("function") or c.id for c in now], "more_needed": need,
                            "cheapest": rows})
        return out

    def _met_now(self, em: EntityModel, node: Node, day: date) -> bool:
        solver = z3.Solver()
        solver.add(em.constraints)
        for v in em.vars.values():
            if v.changed is not None:
                solver.add(z3.Not(v.changed))
            if v.supplied is not None:
                solver.add(z3.Not(v.supplied))
        for a, *_ in em.time_supply.values():
            solver.add(z3.Not(a))
        solver.add(em.node(node, day)[0])
        return solver.check() == z3.sat

    def _cost_alone(self, em: EntityModel, node: Node, day: date):
        opt = z3.Optimize()
        opt.set(priority="lex")
        met = em.node(node, day)[0]
        em.finish()
        opt.add(em.constraints)
        opt.add(met)
        ch, su = em.change_count(), em.supply_count()
        h1 = opt.minimize(z3.Sum(ch) if ch else z3.IntVal(0))
        h2 = opt.minimize(z3.Sum(su) if su else z3.IntVal(0))
        if opt.check() != z3.sat:
            return None
        return _py(opt.lower(h1)), _py(opt.lower(h2))

    # -- what cannot be done -------------------------------------------------------------
    def _core_reason(self, cid: str, entity, day: date) -> dict:
        node = self.kb.nodes[cid]
        for leaf in all_path_nodes(node):
            if is_time_leaf(leaf) and time_status(leaf, entity, day) == FAILED:
                return {"condition": cid, "citation": leaf.citation, "why": self._time_words(leaf, entity, None)}
        result = None
        for r in self.checks[entity.id].values():
            for f in r.failed:
                if f.condition == cid:
                    result = f
        fields = sorted({f for n in node.walk() for f in _inputs(n)})
        fixed = [f"{f}: {fixed_reason(f)}" for f in fields if fixed_reason(f)]
        why = result.why if result else (node.gloss or cid)
        if fixed:
            why += "; " + "; ".join(fixed)
        if result and result.discretion:
            why += f" ({result.discretion} rule: the authority may decide otherwise)"
        return {"condition": cid, "citation": node.citation, "why": why}

    def _impossible(self, unreachable: dict, exclusive: list[dict], assignment: dict) -> list[dict]:
        out = []
        for (t, eid), reasons in unreachable.items():
            instead = assignment.get(t)
            if instead == eid:
                continue
            entry = {"kind": "unreachable", "programs": [t], "entity": eid,
                     "citations": [r["citation"].to_json() for r in reasons],
                     "conditions": [r["condition"] for r in reasons],
                     "why": "; ".join(f"{r['citation'].label()} {r['condition']}: {r['why']}" for r in reasons),
                     "instead": instead}
            hint = self._new_entity_hint(t, reasons)
            if hint and not instead:
                entry["hint"] = hint
            out.append(entry)
        out.extend(self._exclusive_json(exclusive, assignment))
        return out

    def _new_entity_hint(self, t: str, reasons: list[dict]) -> str | None:
        """For a registration city no entity has: a new entity there would need
        the years the text asks for."""
        cities = [self.kb.nodes[r["condition"]] for r in reasons]
        localities = [n for n in cities if n.kind == "locality" and n.params["field"] == "registered_city"]
        if not localities:
            return None
        years = [n for top in self.kb.programs[t].conditions for n in all_path_nodes(top)
                 if n.kind == "threshold" and n.params["measure"].kind == "years_since"]
        text = f"an entity registered in {', '.join(localities[0].params['values'])} could apply"
        if years:
            y = years[0]
            text += (f" once its {y.params['measure'].args[0]} lies {fmt(y.params['value'])} full years back "
                     f"({y.citation.label()}「{y.quote}」)")
        return text

    def _exclusive_json(self, exclusive: list[dict], assignment: dict) -> list[dict]:
        """Pairs forbidden by one field (a registration city) are merged into
        one entry listing which programs need which value."""
        merged: dict[str, dict] = {}
        out = []
        for ex in exclusive:
            nodes = ex["nodes"]
            fields = {n.params.get("field") for n in nodes if n.kind in ("locality", "applicant_type")}
            if len(fields) == 1 and all(n.kind in ("locality", "applicant_type") for n in nodes):
                f = fields.pop()
                entry = merged.setdefault(f, {"kind": "exclusive", "field": f, "programs": [], "citations": [],
                                              "conditions": [], "by_value": {}})
                for n in nodes:
                    if n.id in entry["conditions"]:
                        continue
                    entry["conditions"].append(n.id)
                    entry["citations"].append(n.citation.to_json())
                    for val in n.params["values"]:
                        entry["by_value"].setdefault(val, []).append(n.program)
                    if n.program not in entry["programs"]:
                        entry["programs"].append(n.program)
                continue
            out.append({"kind": "exclusive", "programs": ex["programs"], "conditions": [n.id for n in nodes],
                        "citations": [n.citation.to_json() for n in nodes],
                        "why": "the conditions " + ", ".join(f"{n.citation.program} {n.citation.label()}「{n.quote}」"
                                                             for n in nodes) + " cannot all hold for one entity",
                        "entities": {p: assignment.get(p) for p in ex["programs"]}})
        for f, entry in merged.items():
            order = list(PROGRAMS)
            rows = sorted(zip(entry["citations"], entry["conditions"]), key=lambda r: order.index(r[0]["program"]))
            entry["citations"], entry["conditions"] = [r[0] for r in rows], [r[1] for r in rows]
            entry["programs"].sort(key=order.index)
            for ps in entry["by_value"].values():
                ps.sort(key=order.index)
            quoted = "; ".join(f"{c['program']} {Citation(**c).label()}「{self.kb.nodes[cid].quote}」"
                               + (" (implied: the text states no locality)" if self.kb.nodes[cid].implied else "")
                               for c, cid in rows)
            groups = "; ".join(f"{val}: {', '.join(ps)}" for val, ps in entry["by_value"].items())
            entry["why"] = (f"one entity has one {f}, and these texts each require their own ({groups}): {quoted}. "
                            "Different entities of a group must hold them.")
            entry["entities"] = {p: assignment.get(p) for p in entry["programs"]}
            out.append(entry)
        return out

    def _cycles(self, assignment: dict) -> list[dict]:
        """Graph cycles between programs that are both targets of one entity,
        and how the order resolves them."""
        from kb.graph import build_graph, cycles
        out = []
        for cycle in cycles(build_graph(self.kb)):
            progs = [e.source for e in cycle]
            if all(p in assignment for p in progs) and len({assignment[p] for p in progs}) == 1:
                out.append({"programs": progs,
                            "edges": [{"type": e.type, "source": e.source, "target": e.target,
                                       "citation": e.citation.to_json()} for e in cycle],
                            "resolved_by": "preference and requires edges order the applications; "
                                           "eligible_applicant names an open list (包括但不限于) and gives no precedence"})
        return out


def _not_guards(node: Node):
    """The node and its descendants, leaving out the guards of conditional
    figures (a park type decides which figure applies; it is not required)."""
    yield node
    kids = node.children[1:] if node.kind == "when" else node.children
    for child in kids:
        yield from _not_guards(child)


def _inputs(node: Node) -> list[str]:
    p = node.params
    if "measure" in p:
        return list(p["measure"].args)
    if "field" in p:
        return [p["field"]]
    if node.kind in ("lookback",):
        return ["credit_events"]
    if node.kind in ("ban",):
        return ["revocations"]
    if node.kind == "reapplication":
        return ["designations"]
    return []


def _unit(kb, name: str, nodes: list[Node]) -> str | None:
    for top in nodes:
        for n in top.walk():
            m = n.params.get("measure")
            if m is not None and name in m.args and m.kind == "field":
                return n.params.get("unit")
    return None


def _json(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return int(value)
        as_float = float(value)
        return as_float if Fraction(str(as_float)) == value else f"{value.numerator}/{value.denominator}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(x) for x in value]
    return str(value)


def held_designations(entity) -> dict[str, date | None]:
    """Programs whose title the entity holds on as_of (granted, not expired,
    not revoked since), with the expiry where known."""
    out = {}
    for d in entity.designations:
        if d.granted_on > entity.as_of or (d.expires_on and d.expires_on < entity.as_of):
            continue
        if any(r.program == d.program and r.date >= d.granted_on for r in entity.revocations):
            continue
        out[d.program] = d.expires_on
    return out


# -- the result --------------------------------------------------------------------

@dataclass
class Plan:
    org: str
    as_of: date
    horizon: int
    group: bool
    targets: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    impossible: list[dict] = field(default_factory=list)
    cycles: list[dict] = field(default_factory=list)
    solver_ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, "as_of": self.as_of.isoformat(), "horizon": self.horizon,
                "targets": self.targets, "steps": self.steps, "impossible": self.impossible,
                "cycles": self.cycles, "solver": {"name": "z3", "ms": self.solver_ms}}

    def text(self) -> str:
        return plan_text(self)


def plan(kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON,
         as_of: date | None = None) -> Plan:
    """The plan for a profile (path, mapping, Profile or Group)."""
    return Planner(kb, kb.load(profile, as_of), targets, horizon).run()


# -- words ------------------------------------------------------------------------------

def _show(value, unit: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = Fraction(str(value))
    if isinstance(value, str) and "/" in value and value.replace("/", "").isdigit():
        value = Fraction(value)
    shown = fmt(value) if isinstance(value, (int, Fraction)) else str(value)
    return shown


def change_words(c: dict) -> str:
    unit = c.get("unit")
    unit = "" if not unit or unit == "share" else f" {unit}"
    frm, to = c["from"], c["to"]
    text = f"{c['field']} {_show(frm)} → {_show(to)}"
    if isinstance(to, (int, float)) and not isinstance(to, bool) and isinstance(frm, (int, float)) \
            and not isinstance(frm, bool):
        diff = Fraction(str(to)) - Fraction(str(frm))
        text += f" ({'+' if diff >= 0 else ''}{fmt(diff)}{unit})"
    elif frm is None:
        text += " (new: the function is not offered now)"
    return text


def plan_text(p: Plan) -> str:
    lines = [f"Plan for {p.org} as of {p.as_of} (horizon {p.horizon} years)"]
    lines.append("\nTargets")
    for t in p.targets:
        if t.get("held"):
            who = f" by {t['entity']}" if p.group else ""
            until = f" until {t['held_until']}" if t["held_until"] else ""
            lines.append(f"  {t['program']}  {t['name']}: held{who}{until}; no application needed")
        elif t["reachable"]:
            who = f" by {t['entity']}" if p.group else ""
            lines.append(f"  {t['program']}  {t['name']}: now {t['status']}; can qualify{who} from {t['earliest']}")
        else:
            now = ", ".join(f"{c['entity']} {c['status']}" for c in t.get("current", [])) or t.get("status")
            lines.append(f"  {t['program']}  {t['name']}: now {now}; not reachable (see below)")
    if p.steps:
        lines.append("\nOrder of applications")
    for i, s in enumerate(p.steps, 1):
        who = f" [{s['entity']}]" if p.group else ""
        lines.append(f"  {i}. {s['earliest']}  {s['program']}  {s['name']}{who} (now {s['status']})")
        for e in s["relies_on"]:
            how = "holds" if e["held"] else "after"
            lines.append(f"       {how} {e['source']}: {e['type']}, {e['citation']['program']} "
                         f"{Citation(**e['citation']).label()}「{e['quote']}」")
        for c in s["changes"]:
            if c.get("where"):
                why = ", ".join(f"{Citation(**w['citation']).label()} {w['condition']}"
                                + (f"「{w['quote']}」" if w["quote"] else "") for w in c["where"])
            else:
                why = ", ".join(f"{Citation(**cit).label()} {cid}"
                                for cid, cit in zip(c["for"] + c["keeps"], c.get("citations", [])))
            extra = []
            if c.get("also_for"):
                extra.append("also serves " + ", ".join(c["also_for"]))
            if c.get("discretion"):
                extra.append(f"{c['discretion']} rule: the authority may decide otherwise")
            if c.get("with"):
                extra.append("keeps " + ", ".join(c["with"]) + " consistent (facts/measures.yaml)")
            if c["keeps"]:
                extra.append("keeps " + ", ".join(c["keeps"]) + " met after the other changes")
            lines.append(f"     change {change_words(c)}" + (f"  for {why}" if why else "")
                         + (f"  [{'; '.join(extra)}]" if extra else ""))
        for o in s["options"]:
            cheap = "; ".join(f"{r['member']}{'（' + r['label'] + '）' if r['label'] else ''}: "
                              f"{r['changes']} change{'s' if r['changes'] != 1 else ''}"
                              + (f" + {r['supply']} to supply" if r["supply"] else "")
                              + (" ← planned" if r["chosen"] else "")
                              for r in o["cheapest"][:o["more_needed"] + 2])
            lines.append(f"     {Citation(**o['citation']).label()} {o['condition']}: {o['more_needed']} more of "
                         f"{o['k']} needed (met: {', '.join(o['met']) or 'none'}); cheapest: {cheap}")
        for w in s["waits"]:
            lines.append(f"     wait until {w['until']}: {Citation(**w['citation']).label()} {w['condition']}: {w['why']}")
        for su in s["supply"]:
            needs = f"needs {su['needs']}; " if su.get("needs") else ""
            lines.append(f"     supply {su['field']} ({needs}the plan assumes {_show(su['assumed'])}) "
                         f"for {', '.join(su['for'])}")
        remedies = [e for e in s["evidence"] if e.get("attest")]
        for e in remedies:
            lines.append(f"     {Citation(**e['citation']).label()} {e['condition']}: {e['action']}")
        prepare = [e for e in s["evidence"] if not e.get("attest")]
        if prepare:
            lines.append(f"     prepare evidence for {len(prepare)} qualitative conditions: "
                         + ", ".join(f"{Citation(**e['citation']).label()} {e['condition'].rsplit('/', 1)[-1]}"
                                     for e in prepare))
        if not s["changes"] and not s["supply"] and not s["waits"] and not remedies:
            lines.append("     no change needed")
    for c in p.cycles:
        lines.append("\nCycle " + " ⇄ ".join(c["programs"]) + ": " + "; ".join(
            f"{e['source']} → {e['target']} {e['type']} ({e['citation']['program']} {Citation(**e['citation']).label()})"
            for e in c["edges"]) + f" — {c['resolved_by']}")
    unreach = [x for x in p.impossible if x["kind"] == "unreachable"]
    if unreach:
        lines.append("\nNot reachable")
        for x in unreach:
            who = f"[{x['entity']}] " if p.group else ""
            instead = f" → {x['instead']} applies instead" if x.get("instead") else ""
            lines.append(f"  {who}{', '.join(x['programs'])}: {x['why']}{instead}")
            if x.get("hint"):
                lines.append(f"    ({x['hint']})")
    excl = [x for x in p.impossible if x["kind"] == "exclusive"]
    if excl:
        lines.append("\nCannot be held by the same entity")
        for x in excl:
            lines.append(f"  {', '.join(x['programs'])}: {x['why']}")
            assigned = {k: v for k, v in x.get("entities", {}).items() if v}
            if assigned and p.group:
                lines.append("    assigned: " + ", ".join(f"{k} → {v}" for k, v in assigned.items()))
    return "\n".join(lines)


# -- applying a plan (round trips, what-if notebooks) -----------------------------------

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
