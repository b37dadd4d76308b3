"""Reading a solved plan back: each entity's changes, data to supply and
remedies with what they serve, and the steps (a mixin of
kb.planning.planner.Planner; the cheapest k-of-n options are
kb/planning/cheapest.py, what cannot be done kb/planning/limits.py)."""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import z3

from kb.law.wording import fmt, unit_suffix
from kb.law.model import PROGRAMS, Node
from kb.planning.model import Var, _py, fixed_reason
from kb.planning.records import (Call, Change, Clause, EntityStatus, Evidence, PlanTarget, Reliance, Step, Supply,
                                 Wait)
from kb.planning.result import _inputs, _not_guards, _unit, held_designations
from kb.planning.time import pass_date


class EntityWalk(NamedTuple):
    """One entity's share of a solution, as the steps and the calls read it."""
    entity: Any
    order: list[str]
    changes: list[dict]
    supplies: list[dict]
    remedies: list[dict]
    held: dict
    relations: list


class Readback:
    # -- reading the solution back -------------------------------------------------
    def _value(self, model, term):
        return _py(model.eval(term, model_completion=True))

    def _entity_changes(self, eid: str, solution: dict) -> tuple[list[dict], list[dict], list[dict]]:
        """(changes, supplies, remedies) of one entity in the solution, each with
        the top-level conditions it serves (reverting it breaks them)."""
        memo = solution.setdefault("_changes", {})   # read once per solution: substitution is slow
        if eid not in memo:
            memo[eid] = self._read_changes(eid, solution)
        return memo[eid]

    def _read_changes(self, eid: str, solution: dict) -> tuple[list[dict], list[dict], list[dict]]:
        zm = solution["model"]
        em = self.models[eid]
        if zm is None:
            return [], [], []
        mine = [t for t, e in solution["assignment"].items() if e == eid]
        dated = {t: self.dated[(t, eid)].day for t in mine}
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
                serves = broken([(v.supplied, z3.BoolVal(False, self.ctx))])
                supplies.append({"field": v.name, "assumed": self._decode(v, self._raw(zm, v)), "serves": serves})
        for a, name, value, node in em.time_supply.values():
            if z3.is_true(zm.eval(a, model_completion=True)):
                supplies.append({"field": name, "assumed": value, "serves": broken([(a, z3.BoolVal(False, self.ctx))]),
                                 "node": node})
        for key, r in em.remedies.items():
            if z3.is_true(zm.eval(r, model_completion=True)):
                remedies.append({"attest": key, "serves": broken([(r, z3.BoolVal(False, self.ctx))])})
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

    def _current(self, t: str) -> list[EntityStatus]:
        return [EntityStatus(e.id, self.checks[e.id][t].status) for e in self.entities]

    def _held_target(self, t: str, eid: str, until: date | None) -> PlanTarget:
        return PlanTarget(t, PROGRAMS[t], eid, True, self.checks[eid][t].status, None, held=True, held_until=until,
                          current=self._current(t) if self.group else None)

    def _target(self, t: str, eid: str | None, dated: dict) -> PlanTarget:
        current = self._current(t)
        status = self.checks[eid][t].status if eid else None if self.group else current[0].status
        return PlanTarget(t, PROGRAMS[t], eid, eid is not None, status, dated[(t, eid)].day if eid else None,
                          current=current if self.group else None)

    # -- steps -----------------------------------------------------------------------
    def _entity_walks(self, assignment: dict, dated: dict, solution: dict, kinds: tuple[str, ...]):
        """Each entity the solution assigns targets to, with what the steps and
        the calls both read: its targets in application order, its changes,
        supplies and remedies, the titles it holds, and the graph's edges of
        ``kinds`` between programs."""
        from kb.graph import edges_of
        relations = [e for e in edges_of(self._graph(), kinds) if e.source in PROGRAMS and e.target in PROGRAMS]
        for entity in self.entities:
            mine = [t for t in self.targets if assignment.get(t) == entity.id]
            if not mine:
                continue
            changes, supplies, remedies = self._entity_changes(entity.id, solution)
            yield EntityWalk(entity, self._order(mine, dated, entity.id, relations), changes, supplies, remedies,
                             held_designations(entity), relations)

    def _steps(self, assignment: dict, dated: dict, solution: dict) -> list[Step]:
        steps = []
        for walk in self._entity_walks(assignment, dated, solution, ("preference", "eligible_applicant", "requires")):
            entity, changes, supplies, remedies = walk.entity, walk.changes, walk.supplies, walk.remedies
            held, relations = walk.held, walk.relations
            done: list[str] = []
            for t in walk.order:
                tg = dated[(t, entity.id)]
                result = self.checks[entity.id][t]
                relies = [e for e in relations if e.target == t and (e.source in done or e.source in held)]
                steps.append(Step(
                    t, PROGRAMS[t], entity.id, result.status, tg.day,
                    changes=[self._change(c, t, result) for c in changes
                             if any(p == t for p, _ in c["serves"]) or self._keeps_for(c, t, changes)],
                    supply=[self._supply(s, entity) for s in supplies if any(p == t for p, _ in s["serves"])],
                    waits=[self._wait(w, entity) for w in tg.waits],
                    evidence=self._evidence(result, remedies, t),
                    options=self._options(entity.id, t, tg.day, solution),
                    relies_on=[self._edge_ref(e, held) for e in relies],
                    after=[e.source for e in relies if e.source in done and e.type in ("preference", "requires")],
                    calls=[self._call(c) for c in tg.calls],
                ))
                done.append(t)
        # the order above keeps preference and prerequisite edges; the dates
        # respect them too (a title is granted before it is leaned on), so
        # date order keeps them
        rank = {id(s): i for i, s in enumerate(steps)}
        return sorted(steps, key=lambda s: (s.earliest, rank[id(s)]))

    def _call(self, c: dict) -> Call:
        if c["kind"] == "year_count":
            why = (f"the {c['year']} count ({c['fields'][-1]}) is known only once {c['year']} is over, so "
                   f"the earliest call that can show it is the one of {c['call'].year} (assumed "
                   f"{c['call'].isoformat()}; 原则上每年一次, the date is set by that year's notice)")
            return Call(c["kind"], c["call"], why, fields=c["fields"], year=c["year"])
        if c["kind"] == "yearly":
            why = (f"{', '.join(c['fields'])} count a whole year (the last full year before the "
                   f"application): {c['year']} is the first year that can still reach the planned "
                   f"figure{'s' if len(c['fields']) > 1 else ''}, so the earliest call that can show "
                   f"{'them' if len(c['fields']) > 1 else 'it'} is the one of {c['call'].year} "
                   f"(assumed {c['call'].isoformat()}; 原则上每年一次, the date is set by that year's notice); "
                   f"if {c['year']} falls short, one year later")
            return Call(c["kind"], c["call"], why, fields=c["fields"], year=c["year"])
        why = (f"leans on {c['source']} ({c['kind']}, {c['citation'].program} "
               f"{c['citation'].label()}「{c['quote']}」), which can be granted by {c['granted']} "
               f"(assumed {self.processing_months} months after its application), so it is filed "
               f"at the next call, {c['call'].isoformat()}"
               + (f"; without the {c['kind']} it could be filed from {c['unaided']}"
                  if c.get("unaided") and c["unaided"] < c["call"] else ""))
        return Call(c["kind"], c["call"], why, source=c["source"], granted=c["granted"], citation=c["citation"],
                    quote=c["quote"])

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

    def _change(self, c: dict, t: str, result) -> Change:
        v = c["var"]
        serves = [cid for p, cid in c["serves"] if p == t]
        failing = {f.condition: f for f in result.failed} | {u.condition: u for u in result.unknown}
        out = Change(v.name, c["from"], c["to"], [cid for cid in serves if cid in failing],
                     [cid for cid in serves if cid not in failing], with_=c.get("with") or None)
        nodes = [self.kb.nodes[cid] for cid in out.for_ + out.keeps]
        out.citations = [n.citation for n in nodes] or None   # in the order of for + keeps
        out.unit = _unit(self.kb, v.name, nodes) or None
        leaves = [n for top in nodes for n in _not_guards(top) if not n.children and v.name in _inputs(n)]
        # the clause that sets the figure, more precise than its top-level condition
        out.where = [Clause(n.id, n.citation, n.quote) for n in {n.id: n for n in leaves}.values()] or None
        out.also_for = sorted({p for p, _ in c["serves"] if p != t}) or None
        disc = [f.discretion for f in result.failed if f.condition in serves and f.discretion]
        out.discretion = disc[0] if disc else None
        return out

    def _supply(self, s: dict, entity) -> Supply:
        tops = sorted({cid for _, cid in s["serves"]})
        return Supply(s["field"], s["assumed"], tops, self._needs(s, entity, [self.kb.nodes[cid] for cid in tops]))

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
            if year - 1 not in series:
                bounds.insert(0, f"> the {year - 1} count")
            return " and ".join(bounds)
        out = []
        for top in tops:
            for n in _not_guards(top):
                p = n.params
                if n.kind == "threshold" and name in p["measure"].args:
                    unit = unit_suffix(p.get("unit"), encoded=True)
                    what = "" if p["measure"].kind == "field" else f"{p['measure'].describe()} "
                    out.append(f"{what}{p['op']} {fmt(p['value'])}{unit} ({n.citation.label()})")
                elif n.kind == "boolean" and p["field"] == name:
                    out.append(f"{str(p['expect']).lower()} ({n.citation.label()})")
                elif n.kind in ("locality", "applicant_type") and p["field"] == name and not p["open"]:
                    out.append(f"one of {', '.join(p['values'])} ({n.citation.label()})")
        return "; ".join(dict.fromkeys(out)) or None

    def _wait(self, w: dict, entity) -> Wait:
        node = w["node"]
        return Wait(w["condition"], node.citation, w["until"], self._time_words(node, entity, w["until"]))

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

    def _evidence(self, result, remedies: list[dict], t: str) -> list[Evidence]:
        out = [Evidence(f.condition, f.citation, self.kb.nodes[f.condition].quote, "prepare evidence")
               for f in result.evidence]
        for r in remedies:
            for p, cid in r["serves"]:
                if p == t:
                    node = self.kb.nodes[cid]
                    out.append(Evidence(cid, node.citation, node.quote,
                                        "attested false: remedy it, then prepare evidence (not a figure to change)",
                                        attest=r["attest"]))
        return out

    def _edge_ref(self, e, held: set) -> Reliance:
        return Reliance(e.type, e.source, e.target, e.citation, e.quote, e.source in held)
