"""Relations between the programs' conditions, derived, never tabulated.

For two conditions L and R (or two programs' conditions on one topic):

* ``dominates``    every organization meeting L meets R, not the reverse (L is stricter);
* ``equivalent``   each implies the other;
* ``conflicts``    no single organization meets both (witness: the field and
                   what each side requires of it);
* ``incomparable`` none of these: each admits organizations the other refuses.

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
The figures it reasons about come from the encoded trees; the witnesses are
worded from those trees, not from solver models, so the output is the same
on every machine.

Strength (一般应, 原则上, 可适度放宽) is not part of the comparison: conditions
are compared as written, and each side carries its strength for the reader.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import z3

from kb.comparison.catalogue import OWN, Catalogue, Entry, describe, figures, is_function_list, leaf_figure
from kb.law.fields import enum_values
from kb.law.model import LEAF_KINDS, PROGRAMS, SHORT, Node

RELATIONS = ("dominates", "equivalent", "conflicts", "incomparable")
SYMBOL = {"dominates": "≻", "equivalent": "≡", "conflicts": "✗", "incomparable": "∥"}


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
        from kb.reasoning.compile import expand_axioms
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


# -- sides and relations ----------------------------------------------------------
def leaves(node: Node):
    return [n for n in node.walk() if n.kind in LEAF_KINDS]


def leaf_key(entry: Entry, leaf: Node) -> str:
    if entry.key:
        return entry.key
    fig = leaf_figure(leaf)
    return fig["measure"] if fig else f"services.{leaf.params['field'].split('.')[1]}"


@dataclass
class Side:
    """One program's conditions on a topic (one condition, or all of them)."""
    program: str
    entries: list[Entry]

    def formula(self, logic: Logic, keep_key: str | None = None):
        parts = []
        for e in self.entries:
            keep = None if keep_key is None else (lambda leaf, e=e: leaf_key(e, leaf) == keep_key)
            parts.append(logic.formula(e.node, e.route, keep))
        return conjunction(parts, logic.ctx)

    def keys(self) -> list[str]:
        """The measures this side requires something of; those that only say
        to whom a rule applies (a rule's guard) come last."""
        out: list[str] = []
        guards: list[str] = []
        for e in self.entries:
            guard_leaves = {leaf.id for n in e.node.walk() if n.kind == "when" for leaf in leaves(n.children[0])}
            for leaf in leaves(e.node):
                if leaf.kind == "boolean" and leaf.id.endswith("/offered") and not e.key:
                    continue
                k = leaf_key(e, leaf)
                bucket = guards if leaf.id in guard_leaves else out
                if k not in bucket:
                    bucket.append(k)
        return out + [k for k in guards if k not in out]

    def measures(self) -> list[str]:
        out: list[str] = []
        for e in self.entries:
            for m in e.measures():
                if m not in out:
                    out.append(m)
        return out

    def leaf_measures(self) -> list[str]:
        return list(dict.fromkeys(f["measure"] for e in self.entries for f in figures(e.node)
                                  if f["measure"] != "services")) or self.measures()

    def requires(self, key: str) -> str | None:
        texts = [t for e in self.entries if (t := requirement(e, key))]
        return "; ".join(texts) or None


def relaxable(entry: Entry, kb) -> bool:
    """Whether a stated exception lets the authority relax this condition (可适度放宽)."""
    node = entry.node
    return (entry.strength or node.strength) == "relaxable" or any(
        node.id in exc.applies_to for exc in (kb.programs[node.program].exceptions if kb else []))


def marks(entry: Entry, kb) -> str:
    """† a general rule (一般应 / 原则上); ‡ relaxable for some sponsors (可适度放宽)."""
    return ("†" if (entry.strength or entry.node.strength) == "general" else "") + ("‡" if relaxable(entry, kb) else "")


def entry_json(e: Entry, kb=None) -> dict[str, Any]:
    n = e.node
    out = {"program": n.program, "condition": n.id, "citation": n.citation.to_json(),
           "cite": n.citation.label(), "quote": e.quote or n.quote,
           "requires": "; ".join(describe(f, True) for f in figures(n)),
           "strength": e.strength or n.strength}
    if kb is not None and relaxable(e, kb):
        out["relaxable"] = True
    if e.route:
        out["route"] = True
    if n.implied:
        out["implied"] = True
    if n.switch:
        out["switch"] = {"name": n.switch[0], "value": n.switch[1]}
    return out


def requirement(entry: Entry, key: str) -> str | None:
    """What the entry requires of one measure, in words, with the other
    routes of an alternative spelled out."""
    kf = lambda leaf: leaf_key(entry, leaf)   # noqa: E731
    return _words(entry.node, key, kf, entry.route)


def _has(node: Node, key: str, kf) -> bool:
    return any(kf(leaf) == key for leaf in leaves(node))


def _full(node: Node) -> str:
    return "; ".join(describe(f, True) for f in figures(node)) or node.id.rsplit("/", 1)[-1]


def _words(node: Node, key: str, kf, route: bool = False) -> str | None:
    if not _has(node, key, kf):
        return None
    k = node.kind
    if k in LEAF_KINDS:
        fig = leaf_figure(node)
        if fig is None:
            return "offered"
        return describe(fig, with_measure=fig["measure"] != key)
    if is_function_list(node):
        return describe(figures(node)[0])
    parts = [w for c in node.children if (w := _words(c, key, kf))]
    if k == "function":
        return "; ".join(parts)
    if k == "all":
        return "; ".join(parts)
    if k == "any":   # an alternative is only read whole: every route, each with its measure
        return " or ".join(f"({t})" if ";" in (t := _full(c)) else t for c in node.children)
    if k == "k_of_n":
        return f"at least {node.params['k']} of: " + " | ".join(parts)
    if k == "when":
        guard, then = node.children
        head, body = _full(guard), _words(then, key, kf)
        if route:
            return f"{head} and {body}" if body else head
        return f"if {head}: {body}" if body else f"(applies if {head})"
    return "; ".join(parts)


@dataclass
class Relation:
    topic: str
    measure: str
    relation: str
    left: Side
    right: Side
    witness: dict[str, Any]
    level: str = "condition"

    def to_json(self, kb=None) -> dict[str, Any]:
        def side(s: Side):
            if self.level == "condition":
                return entry_json(s.entries[0], kb)
            return {"program": s.program, "conditions": [entry_json(e, kb) for e in s.entries]}
        return {"topic": self.topic, "measure": self.measure, "relation": self.relation,
                "left": side(self.left), "right": side(self.right), "witness": self.witness,
                "level": self.level}


def relate(logic: Logic, left: Side, right: Side, topic: str, level: str = "condition") -> Relation:
    fl, fr = left.formula(logic), right.formula(logic)
    l_to_r = not logic.sat(fl, z3.Not(fr))
    r_to_l = not logic.sat(fr, z3.Not(fl))
    if l_to_r and r_to_l:
        kind = "equivalent"
    elif l_to_r or r_to_l:
        kind = "dominates"
        if r_to_l:
            left, right = right, left
    elif not logic.sat(fl, fr):
        kind = "conflicts"
    else:
        kind = "incomparable"
    return Relation(topic, measure_of(left, right), kind, left, right,
                    witness(logic, kind, left, right), level)


def measure_of(left: Side, right: Side) -> str:
    lm, rm = left.measures(), right.measures()
    shared = [m for m in lm if m in rm]
    if shared:
        return ", ".join(shared)
    return f"{', '.join(lm) or '—'} vs {', '.join(rm) or '—'}"


def witness(logic: Logic, kind: str, left: Side, right: Side) -> dict[str, Any]:
    """The field and what each side requires of it. For a conflict, the first
    field on which the two requirements alone cannot both hold."""
    keys = left.keys() + [k for k in right.keys() if k not in left.keys()]
    rows, seen = [], (set(), set())
    for k in keys:
        lt, rt = left.requires(k), right.requires(k)
        if (lt is None or lt in seen[0]) and (rt is None or rt in seen[1]):
            continue          # one alternative read whole covers several measures
        seen[0].add(lt)
        seen[1].add(rt)
        rows.append({"field": k, "left": lt, "right": rt})
    main = None
    if kind == "conflicts":
        for k in keys:
            if not logic.sat(left.formula(logic, k), right.formula(logic, k)):
                main = k
                break
    if main is None:
        main = next((k for k in keys if k in left.keys() and k in right.keys()), keys[0] if keys else None)
    out: dict[str, Any] = {"field": main}
    row = next((r for r in rows if r["field"] == main), None)
    if row is None:
        row = {"left": left.requires(main), "right": right.requires(main)} if main else {"left": None, "right": None}
    out["left"], out["right"] = row["left"], row["right"]
    if len(rows) > 1:
        out["fields"] = rows
    axioms = logic.cat.linking(left.leaf_measures(), right.leaf_measures())
    if kind == "conflicts":
        axioms += [a for a in logic.cat.axioms if a.kind == "single_valued" and main in a.terms]
    if any(e.node.kind in ("ban", "reapplication") for s in (left, right) for e in s.entries) and logic.own:
        axioms += [a for a in logic.cat.axioms if a.kind == "own_program"]
    if axioms:
        out["axioms"] = [a.worded(_values(left, main), _values(right, main)) for a in axioms]
        # the same axioms without the pair's values: what groups the findings they decide
        out["rules"] = [a.rule for a in axioms]
    return out


def _values(side: Side, measure: str | None) -> str:
    """The values a side allows a single-valued field (注册地): "Beijing"."""
    vals = [v for e in side.entries for leaf in leaves(e.node)
            if (f := leaf_figure(leaf)) and f["measure"] == measure and f["op"] == "in" for v in f["value"]]
    return " or ".join(str(v).replace("_", " ").title() for v in dict.fromkeys(vals)) or "another place"


# -- the comparison of a set of programs -------------------------------------------
def components(measure: str) -> list[str]:
    """A measure and the persons it counts: a share of qualified staff speaks of the
    qualified persons (北京基地 第六条（八） 8 qualified persons is comparable with 北京平台
    第五条（六）'s 80% of the staff being qualified). Not its denominator: every staff
    figure bounds the staff, and pairing each with each would bury the findings."""
    if measure.startswith(("share(", "share_within(")):
        return [measure, measure[measure.index("(") + 1:-1].split(",")[0].strip()]
    return [measure]


def _related(cat: Catalogue, a: Entry, b: Entry) -> bool:
    ma = [c for m in a.measures() for c in components(m)]
    mb = [c for m in b.measures() for c in components(m)]
    return bool(set(ma) & set(mb)) or bool(cat.linking(ma, mb))


def _by_program(entry: Entry) -> int:
    return list(PROGRAMS).index(entry.program)


def condition_relations(logic: Logic, programs: list[str] | None = None,
                        topics: list[str] | None = None) -> list[Relation]:
    """Every pair of comparable conditions of two programs. Two conditions of one
    program are never paired: the branches of one condition (北京基地 第六条（五）'s
    general and 高精尖 rules, marked ``route``) apply to different bases, and two
    conditions of one text both apply, so neither is a finding about the cities."""
    programs = programs or list(PROGRAMS)
    out = []
    for topic in logic.cat.topics:
        if topics and topic.id not in topics:
            continue
        entries = sorted((e for e in topic.entries if e.program in programs), key=_by_program)
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                if a.program == b.program:
                    continue
                if not _related(logic.cat, a, b):
                    continue
                out.append(relate(logic, Side(a.program, [a]), Side(b.program, [b]), topic.id))
    return out


def program_relations(logic: Logic, programs: list[str] | None = None,
                      topics: list[str] | None = None) -> list[Relation]:
    """Each topic lifted to whole programs: all of a program's conditions on
    the topic together (no condition at all: no requirement). The per-function
    topics are left out: a function is one option of a program's list, not a
    requirement of the program."""
    programs = [p for p in PROGRAMS if p in (programs or PROGRAMS)]
    out = []
    for topic in logic.cat.topics:
        if topics and topic.id not in topics or topic.generated:
            continue
        sides = {p: Side(p, [e for e in topic.entries if e.program == p and not e.route]) for p in programs}
        for i, p in enumerate(programs):
            for q in programs[i + 1:]:
                if not sides[p].entries and not sides[q].entries:
                    continue
                out.append(relate(logic, sides[p], sides[q], topic.id, level="program"))
    return out
