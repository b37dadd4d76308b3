"""Can one legal entity hold these programs at once, and if not, who holds what.

Two questions, kept apart. Whether *any* single entity could meet every
condition of the programs together is a question about the texts: the solver
(kb/comparison/logic.py) decides it with bans and reapplication rules read
literally, and where it is impossible names the conflicting conditions with
their citations and the smallest split of the programs into groups one
entity each could hold. Whether *this* organization (or which entity of a
group) qualifies is the ordinary check (KnowledgeBase.check, per entity).
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

import z3

from kb.comparison.catalogue import Entry, load_catalogue
from kb.comparison.logic import Logic, conjunction
from kb.comparison.relations import witness
from kb.comparison.sides import Side
from kb.law.model import PROGRAMS, SHORT


def literal_logic(kb, catalogue=None) -> Logic:
    return Logic(kb, catalogue or load_catalogue(kb), own_program=False)


def _conditions(kb, program: str) -> list[Entry]:
    return [Entry("", node) for node in kb.programs[program].conditions]


def core(logic: Logic, entries: list[Entry]) -> list[Entry] | None:
    """A minimal set of the conditions that no entity can meet together, or
    None when all can be met."""
    tracks = {f"at-once#{i}": e for i, e in enumerate(entries)}
    compiled = {name: logic.formula(e.node) for name, e in tracks.items()}
    logic.solver.push()
    try:
        for name, f in compiled.items():
            logic.solver.add(z3.Implies(z3.Bool(name, logic.ctx), f))
        names = list(tracks)
        if logic.solver.check(*[z3.Bool(n, logic.ctx) for n in names]) != z3.unsat:
            return None
        names = [str(b) for b in logic.solver.unsat_core()]
        names.sort(key=lambda n: int(n.split("#")[1]))
        for n in list(names):   # drop every condition the conflict does without
            rest = [m for m in names if m != n]
            if logic.solver.check(*[z3.Bool(m, logic.ctx) for m in rest]) == z3.unsat:
                names = rest
    finally:
        logic.solver.pop()
    return [tracks[n] for n in names]


def feasible(logic: Logic, kb, programs: list[str]) -> bool:
    return logic.sat(conjunction(logic.formula(n) for p in programs for n in kb.programs[p].conditions))


def conflict(logic: Logic, kb, programs: list[str]) -> dict[str, Any] | None:
    """The conditions, with citations, that keep one entity from meeting all of
    ``programs``; None when one entity could."""
    found = core(logic, [e for p in programs for e in _conditions(kb, p)])
    if found is None:
        return None
    by_program: dict[str, list[Entry]] = {}
    for e in found:
        by_program.setdefault(e.program, []).append(e)
    sides = [Side(p, es) for p, es in by_program.items()]
    out: dict[str, Any] = {"programs": list(by_program), "conditions": [
        {"program": e.program, "condition": e.node.id, "cite": e.citation.label(),
         "citation": e.citation.to_json(), "quote": e.node.quote,
         **({"implied": True} if e.node.implied else {})} for e in found]}
    if len(sides) == 2:
        out["witness"] = witness(logic, "conflicts", sides[0], sides[1])
    return out


def pair_conflicts(logic: Logic, kb, programs: list[str]) -> dict[tuple[str, str], dict | None]:
    return {(p, q): conflict(logic, kb, [p, q]) for p, q in combinations(programs, 2)}


def allowed_values(logic: Logic, kb, programs: list[str]) -> dict[str, list[str]]:
    """For each single-valued field (注册地): the values an entity holding all
    of ``programs`` may have, where that is not every value."""
    out = {}
    fields = [t for ax in logic.cat.axioms if ax.kind == "single_valued" for t in ax.terms]
    base = conjunction(logic.formula(n) for p in programs for n in kb.programs[p].conditions)
    for name in fields:
        if name not in logic.codes:
            continue
        var = logic.code(name)
        ok = [v for v, c in logic.codes[name].items() if logic.sat(base, var == c)]
        if len(ok) < len(logic.codes[name]):
            out[name] = ok
    return out


def split(logic: Logic, kb, programs: list[str]) -> list[list[str]]:
    """The fewest groups of programs, each of which one entity could hold."""
    ok: dict[frozenset, bool] = {}

    def fine(block) -> bool:
        key = frozenset(block)
        if key not in ok:
            ok[key] = feasible(logic, kb, list(block))
        return ok[key]

    best: list[list[str]] | None = None

    def place(i: int, blocks: list[list[str]]):
        nonlocal best
        if best is not None and len(blocks) >= len(best):
            return
        if i == len(programs):
            best = [list(b) for b in blocks]
            return
        p = programs[i]
        for b in blocks:
            if fine(b + [p]):
                b.append(p)
                place(i + 1, blocks)
                b.pop()
        blocks.append([p])
        place(i + 1, blocks)
        blocks.pop()

    place(0, [])
    return best or []


def by_reason(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conflicts grouped by what makes them one (the field and the rule that
    decides it: one entity, one place of registration), each stated once; inside a
    reason, the pairs of conflicting conditions grouped by what each side requires
    (Beijing vs Chengdu), each with its own wording."""
    out: dict[tuple, dict[str, Any]] = {}
    for i, c in enumerate(conflicts):
        w = c.get("witness") or {}
        key = (w.get("field"), tuple(w.get("rules", [])))
        reason = out.setdefault(key, {"field": w.get("field"), "rule": list(key[1]), "cases": {}})
        sides = (w.get("left"), w.get("right"))
        conds = [{k: x[k] for k in ("program", "condition", "cite")} for x in c["conditions"]]
        if sides[::-1] in reason["cases"] and sides[0] != sides[1]:   # Guiyang–Beijing is Beijing–Guiyang
            sides, conds = sides[::-1], conds[::-1]
        case = reason["cases"].setdefault(sides, {
            "left": sides[0], "right": sides[1], "why": w.get("axioms", []), "pairs": []})
        case["pairs"].append({"index": i, "conditions": conds})
    return [dict(r, cases=list(r["cases"].values()),
                 count=sum(len(x["pairs"]) for x in r["cases"].values())) for r in out.values()]


# -- a profile ---------------------------------------------------------------------
def at_once(kb, profile, programs: list[str] | None = None, as_of=None, catalogue=None) -> dict[str, Any]:
    ids = kb.program_ids(programs, "--programs")
    ids = [p for p in PROGRAMS if p in ids]
    profile = kb.load(profile, as_of)
    logic = literal_logic(kb, catalogue)
    possible = feasible(logic, kb, ids)
    conflicts = []
    if not possible:
        for (p, q), c in pair_conflicts(logic, kb, ids).items():
            if c is not None:
                conflicts.append(c)
        if not conflicts:
            conflicts.append(conflict(logic, kb, ids))
    groups = [{"programs": g, "requires": allowed_values(logic, kb, g)} for g in split(logic, kb, ids)]
    reasons = by_reason(conflicts)
    report = kb.check(profile, ids)
    entities = [e.id for e in getattr(profile, "entities", None) or [profile]]
    is_group = hasattr(profile, "entities")
    results = {(r.entity if is_group else profile.id, r.program): r for r in report.results}
    def failed(r):
        return [dict(f.to_json("failed"), cite=f.citation.label()) for f in r.failed]

    rows = []
    for ent in entities:
        got = {p: results[(ent, p)] for p in ids}
        rows.append({
            "entity": ent,
            "holds_all": all(r.status == "qualifies" for r in got.values()),
            "results": [{"program": p, "status": r.status,
                         "failed": failed(r),
                         "unknown": [dict(f.to_json("unknown"), cite=f.citation.label()) for f in r.unknown]}
                        for p, r in got.items()],
        })
    rank = {"qualifies": 0, "undetermined": 1, "fails": 2}
    assignment = []
    for p in ids:
        cands = sorted(entities, key=lambda e: (rank[results[(e, p)].status], len(results[(e, p)].failed),
                                                entities.index(e)))
        best = results[(cands[0], p)]
        row = {"program": p, "entity": cands[0], "status": best.status,
               "qualifying": [e for e in entities if results[(e, p)].status == "qualifies"],
               "failed": failed(best)}
        if any(kb.nodes[f.condition].kind == "locality" for f in best.failed):
            row["needs"] = allowed_values(logic, kb, [p])
        assignment.append(row)
    return {"org": profile.id, "as_of": profile.as_of.isoformat(), "programs": ids,
            "possible": possible, "conflicts": conflicts, "reasons": reasons, "groups": groups,
            "entities": rows, "assignment": assignment}


def at_once_text(data: dict[str, Any]) -> str:
    names = lambda ps: ", ".join(f"{p} {SHORT[p]}" for p in ps)   # noqa: E731
    lines = [f"{data['org']} as of {data['as_of']}: {names(data['programs'])}"]
    if data["possible"]:
        lines.append("One entity could hold all of them: the texts set no conflicting conditions.")
    else:
        lines.append("No single entity can hold all of them:")
        for reason in data.get("reasons") or by_reason(data["conflicts"]):
            rule = "; ".join(reason["rule"])
            count = f" — {reason['count']} pairs of conditions" if reason["count"] > 1 else ""
            lines.append(f"  ✗ {reason['field'] or 'conditions'}" + (f": {rule}" if rule else "") + count)
            for case in reason["cases"]:
                if case["left"] or case["right"]:    # a conflict of three programs has no two sides
                    lines.append(f"    {case['left'] or '—'}  vs  {case['right'] or '—'}:")
                for why in case["why"]:
                    head, _, tail = why.partition(": ")
                    lines.append(f"      ({tail if tail and head in reason['rule'] else why})")
                for pair in case["pairs"]:
                    parts = [f"{SHORT[x['program']]} {x['cite']}" for x in pair["conditions"]]
                    lines.append("      " + "  vs  ".join(parts))
        split_text = " | ".join("{" + ", ".join(g["programs"]) + "}"
                                + "".join(f" {k} ∈ {v}" for k, v in g["requires"].items())
                                for g in data["groups"])
        lines.append(f"  fewest entities: {len(data['groups'])}: {split_text}")
    lines.append("")
    for row in data["entities"]:
        failing = [r["program"] for r in row["results"] if r["status"] == "fails"]
        open_ = [r["program"] for r in row["results"] if r["status"] == "undetermined"]
        verdict = ("qualifies for all of them now" if row["holds_all"] else
                   f"does not qualify for all now (fails {', '.join(failing)})" if failing else
                   f"may qualify for all; undetermined: {', '.join(open_)}")
        lines.append(f"{row['entity']}: {verdict}")
        for r in row["results"]:
            lines.append(f"  {r['program']}: {r['status']}")
            for f in r["failed"]:
                mark = f" [{f['discretion']}]" if f.get("discretion") else ""
                lines.append(f"    ✘ {f['cite']} {f['condition']}: {f['why']}{mark}")
            for f in r["unknown"]:
                lines.append(f"    ? {f['cite']} {f['condition']}: missing {', '.join(f['missing'])}")
    if len(data["entities"]) > 1:
        lines.append("")
        lines.append("Who could hold which program:")
        for a in data["assignment"]:
            others = [e for e in a["qualifying"] if e != a["entity"]]
            extra = f" (also: {', '.join(others)})" if others else ""
            needs = "".join(f"; needs an entity with {k} ∈ {v}" for k, v in a.get("needs", {}).items())
            lines.append(f"  {a['program']} → {a['entity']} ({a['status']}){extra}{needs}")
    return "\n".join(lines)
