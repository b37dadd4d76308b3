"""Relations between the programs' conditions, derived, never tabulated.

For two conditions L and R (or two programs' conditions on one topic):

* ``dominates``    every organization meeting L meets R, not the reverse (L is stricter);
* ``equivalent``   each implies the other;
* ``conflicts``    no single organization meets both (witness: the field and
                   what each side requires of it);
* ``incomparable`` none of these: each admits organizations the other refuses.

Each question is put to the solver as formulas over one unknown organization
(kb/comparison/logic.py says why z3). The figures it reasons about come from
the encoded trees; the witnesses are worded from those trees
(kb/comparison/sides.py), not from solver models, so the output is the same on
every machine.

Strength (一般应, 原则上, 可适度放宽) is not part of the comparison: conditions
are compared as written, and each side carries its strength for the reader.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from kb.comparison.catalogue import Catalogue, Entry
from kb.comparison.figures import leaf_figure
# Logic and Side are the arguments of relate(); callers outside the package import them from here
from kb.comparison.logic import Logic
from kb.comparison.sides import Side, entry_json, leaves
from kb.law.model import PROGRAMS

RELATIONS = ("dominates", "equivalent", "conflicts", "incomparable")
SYMBOL = {"dominates": "≻", "equivalent": "≡", "conflicts": "✗", "incomparable": "∥"}


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
