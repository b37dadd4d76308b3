"""What cannot be done, and why: targets no entity can reach (with the clause
and what cannot change), targets the texts forbid one entity to hold
together, and the graph's cycles among an entity's targets (a mixin of
kb.planning.planner.Planner)."""
from __future__ import annotations

from datetime import date

from kb.law.wording import fmt
from kb.reasoning.check import FAILED
from kb.law.model import PROGRAMS
from kb.planning.model import fixed_reason
from kb.planning.records import Cycle, Edge, Limit
from kb.planning.result import _inputs
from kb.planning.time import all_path_nodes, is_time_leaf, time_status


class Limits:
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

    def _late_reason(self, tg) -> dict:
        """Why a target (a kb.planning.schedule.Target) cannot be dated within the horizon."""
        for b in tg.blockers:
            if b["node"] is not None:
                return {"condition": b["condition"], "citation": b["citation"],
                        "why": self._time_words(b["node"], next(e for e in self.entities if e.id == tg.entity),
                                                None)}
        calls_ = [c for b in tg.blockers for c in b.get("calls", [])]
        first = max((c["call"] for c in calls_), default=None)
        return {"condition": None, "citation": None,
                "why": (f"the first call it could be filed at{f' ({first})' if first else ''} lies after the "
                        f"{self.horizon}-year horizon (to {self.horizon_end})")}

    def _impossible(self, unreachable: dict, exclusive: list[dict], assignment: dict) -> list[Limit]:
        out = []
        for (t, eid), reasons in unreachable.items():
            instead = assignment.get(t)
            if instead == eid:
                continue
            # a call beyond the horizon has no condition of its own to cite
            why = "; ".join(f"{r['citation'].label()} {r['condition']}: {r['why']}"
                            if r["citation"] is not None else r["why"] for r in reasons)
            hint = self._new_entity_hint(t, reasons)
            out.append(Limit("unreachable", [t], why, [r["citation"] for r in reasons if r["citation"] is not None],
                             [r["condition"] for r in reasons if r["condition"] is not None], entity=eid,
                             instead=instead, hint=hint if hint and not instead else None))
        out.extend(self._exclusive_limits(exclusive, assignment))
        return out

    def _new_entity_hint(self, t: str, reasons: list[dict]) -> str | None:
        """For a registration city no entity has: a new entity there would need
        the years the text asks for."""
        cities = [self.kb.nodes[r["condition"]] for r in reasons if r["condition"] is not None]
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

    def _exclusive_limits(self, exclusive: list[dict], assignment: dict) -> list[Limit]:
        """Pairs forbidden by one field (a registration city) are merged into
        one entry listing which programs need which value."""
        merged: dict[str, Limit] = {}
        out = []
        for ex in exclusive:
            nodes = ex["nodes"]
            fields = {n.params.get("field") for n in nodes if n.kind in ("locality", "applicant_type")}
            if len(fields) == 1 and all(n.kind in ("locality", "applicant_type") for n in nodes):
                f = fields.pop()
                entry = merged.setdefault(f, Limit("exclusive", [], "", field=f, by_value={}))
                for n in nodes:
                    if n.id in entry.conditions:
                        continue
                    entry.conditions.append(n.id)
                    entry.citations.append(n.citation)
                    for val in n.params["values"]:
                        entry.by_value.setdefault(val, []).append(n.program)
                    if n.program not in entry.programs:
                        entry.programs.append(n.program)
                continue
            out.append(Limit("exclusive", ex["programs"],
                             "the conditions " + ", ".join(f"{n.citation.program} {n.citation.label()}「{n.quote}」"
                                                           for n in nodes) + " cannot all hold for one entity",
                             [n.citation for n in nodes], [n.id for n in nodes],
                             entities={p: assignment.get(p) for p in ex["programs"]}))
        for f, entry in merged.items():
            order = list(PROGRAMS)
            rows = sorted(zip(entry.citations, entry.conditions), key=lambda r: order.index(r[0].program))
            entry.citations, entry.conditions = [r[0] for r in rows], [r[1] for r in rows]
            entry.programs.sort(key=order.index)
            for ps in entry.by_value.values():
                ps.sort(key=order.index)
            quoted = "; ".join(f"{c.program} {c.label()}「{self.kb.nodes[cid].quote}」"
                               + (" (implied: the text states no locality)" if self.kb.nodes[cid].implied else "")
                               for c, cid in rows)
            groups = "; ".join(f"{val}: {', '.join(ps)}" for val, ps in entry.by_value.items())
            entry.why = (f"one entity has one {f}, and these texts each require their own ({groups}): {quoted}. "
                         "Different entities of a group must hold them.")
            entry.entities = {p: assignment.get(p) for p in entry.programs}
            out.append(entry)
        return out

    def _cycles(self, assignment: dict) -> list[Cycle]:
        """Graph cycles between programs that are both targets of one entity,
        and how the order resolves them."""
        from kb.graph import cycles
        out = []
        for cycle in cycles(self._graph()):
            progs = [e.source for e in cycle]
            if all(p in assignment for p in progs) and len({assignment[p] for p in progs}) == 1:
                out.append(Cycle(progs, [Edge(e.type, e.source, e.target, e.citation) for e in cycle],
                                 "preference and requires edges order the applications; "
                                 "eligible_applicant names an open list (包括但不限于) and gives no precedence"))
        return out

