"""When each target can be applied for: after every time bar the texts set
(a ban or a look-back window running out, years established), and at a
yearly call (kb/planning/calls.py) a raised yearly figure, a year's count or
a title granted first waits for (a mixin of kb.planning.planner.Planner)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kb.reasoning.check import FAILED
from kb.planning.calls import call_on_or_after, first_full_year, granted_by, is_year_count, is_yearly, yearly_call
from kb.planning.time import all_path_nodes, is_time_leaf, pass_date, time_status


@dataclass
class Target:
    program: str
    entity: str
    day: date | None                 # when it can qualify (None: not within the horizon)
    waits: list[dict]
    blockers: list[dict]             # time conditions that never pass / not within the horizon
    calls: list[dict] = field(default_factory=list)   # why the application waits for a call


class Schedule:
    def target(self, program: str, entity, floor: tuple[date, list[dict]] | None = None) -> Target:
        """When ``program`` can be applied for: after every time bar, and after
        ``floor`` (a call a yearly figure or a granted title waits for)."""
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
        reasons = []
        if floor is not None and floor[0] > day:
            day, reasons = floor
        if day > self.horizon_end and not blockers:
            blockers.append({"condition": None, "node": None, "citation": None, "calls": reasons})
        return Target(program, entity.id, None if blockers else day, waits, blockers, reasons)

    def _call_floors(self, assignment: dict, solution: dict, dated: dict) -> dict:
        """The call each planned application must wait for: a raised yearly
        figure shows only after a whole year reaches it; an application that
        leans on another planned title (a preference, a prerequisite) waits
        until that title can be granted. Applications are filed at """
        floors: dict[tuple, tuple] = {}
        for walk in self._entity_walks(assignment, dated, solution, ("preference", "requires")):
            entity, changes, supplies, relations = walk.entity, walk.changes, walk.supplies, walk.relations
            when: dict[str, date] = {}
            for t in walk.order:
                day, why = dated[(t, entity.id)].day, []
                yearly = sorted({c["var"].name for c in changes if is_yearly(c["var"].name)
                                 and any(p == t for p, _ in c["serves"])})
                if yearly:
                    call = yearly_call(self.as_of, self.call_month)
                    why.append({"kind": "yearly", "fields": yearly, "year": first_full_year(self.as_of),
                                "call": call})
                    day = max(day, call)
                # a year's count (近两年…持续增长) is known only once the year is over
                years = sorted({int(su["field"].rsplit(".", 1)[1]) for su in supplies
                                if is_year_count(su["field"]) and any(p == t for p, _ in su["serves"])})
                if years and years[-1] >= first_full_year(self.as_of):
                    call = call_on_or_after(date(years[-1] + 1, 1, 1), self.call_month)
                    why.append({"kind": "year_count", "fields": [f"performance.smes_served_by_year.{y}" for y in years],
                                "year": years[-1], "call": call})
                    day = max(day, call)
                for e in relations:
                    if e.target == t and e.source in when and e.source not in walk.held:
                        granted = granted_by(when[e.source], self.processing_months)
                        call = call_on_or_after(granted, self.call_month)
                        why.append({"kind": e.type, "source": e.source, "granted": granted, "call": call,
                                    "citation": e.citation, "quote": e.quote})
                        day = max(day, call)
                when[t] = day
                for w in why:
                    w["unaided"] = self.target(t, entity).day   # the date without any call to wait for
                if day > dated[(t, entity.id)].day or why:
                    floors[(t, entity.id)] = (day, why)
        return floors

