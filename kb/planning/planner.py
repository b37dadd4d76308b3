"""A multi-program application plan: what to change, by how much, when, in which order.

For one entity or a group, and a set of target programs, the planner finds
the smallest set of changes to the profile that makes every reachable target
qualify at once (one change can serve several programs: satisfaction raised
to 0.90 serves the Beijing platform and the base alike), the dates only time
brings (years established, a look-back window or a ban running out, the year
a designation expires), an order of applications from the graph's preference
and prerequisite edges (kb/graph/__init__.py), and what cannot be done: targets no
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
discipline kb/reasoning/datalog.py keeps with pyDatalog (clingo is fed facts as text or
through its lower-level backend); (3) its unsat cores name the conditions that
make a target unreachable, which the plan cites. Dependency: ``z3-solver``.

Semantics follow kb/reasoning/rules.dl: a condition is met, failed, or neither (data
missing); composite nodes combine both sides three-valued; a known field
bounds a related unknown one (facts/measures.yaml). Data the profile lacks
is never changed: the plan says which fields to supply and what it assumed.
Qualitative conditions are evidence to prepare, never a change. Fields an
existing entity cannot change (its registration city, founding date, credit
history, legal-person status, what kind of organisation it is) are said so.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from kb.reasoning.check import FAILED
from kb.io.errors import InputError
from kb.law.model import PROGRAMS
from kb.planning import calls
from kb.planning.model import EntityModel
from kb.planning.limits import Limits
from kb.planning.readback import Readback
from kb.planning.result import DEFAULT_HORIZON, DEFAULT_TIMEOUT, Plan, held_designations
from kb.planning.time import add_years, all_path_nodes, is_time_leaf, pass_date, time_status

@dataclass
class Target:
    program: str
    entity: str
    day: date | None                 # when it can qualify (None: not within the horizon)
    waits: list[dict]
    blockers: list[dict]             # time conditions that never pass / not within the horizon
    calls: list[dict] = field(default_factory=list)   # why the application waits for a call


class Budget:
    """One time limit for every solver call of a plan: each call gets what is
    left, so the plan answers within the bound whatever the solver meets."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.hit: list[str] = []      # the stages the limit cut short

    def ms(self) -> int:
        return max(1, int((self.end - time.monotonic()) * 1000))

    def left(self) -> bool:
        return time.monotonic() < self.end

    def cut(self, stage: str) -> None:
        if stage not in self.hit:
            self.hit.append(stage)


def _number(value, name: str, low, high, kind=int):
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        raise InputError(name, None, f"expected a number from {low} to {high}, got {value!r}")
    return value


class Planner(Readback, Limits):
    def __init__(self, kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON,
                 timeout: float = DEFAULT_TIMEOUT, call_month: int = calls.CALL_MONTH,
                 processing_months: int = calls.PROCESSING_MONTHS):
        if not isinstance(horizon, int) or isinstance(horizon, bool) or not 0 <= horizon <= 50:
            raise InputError("--horizon", None, f"expected a whole number of years from 0 to 50, got {horizon!r}")
        self.timeout = _number(timeout, "--timeout", 0.1, 3600, (int, float))
        self.call_month = _number(call_month, "--call-month", 1, 12)
        self.processing_months = _number(processing_months, "--processing-months", 0, 60)
        self.kb = kb
        self.profile = profile
        self.targets = kb.program_ids(targets, "--target")
        self.horizon = horizon
        self.entities = list(getattr(profile, "entities", None) or [profile])
        self.group = hasattr(profile, "entities")
        self.as_of = profile.as_of
        self.horizon_end = add_years(self.as_of, horizon)
        # z3's global context is not safe to share between threads: a plan
        # builds every term and solver in its own
        self.ctx = z3.Context()
        # the probes ("can it at all?", one program at a time) share the joint
        # problem's terms: the joint problem holds only the programs an entity
        # can reach, and a field only an unreachable program reads stays as it is
        self.models = {e.id: EntityModel(kb, e, f"e{i}", ctx=self.ctx) for i, e in enumerate(self.entities)}
        self.probes = self.models
        self.checks = {e.id: {r.program: r for r in kb.check(e, self.targets).results} for e in self.entities}
        self.budget = Budget(self.timeout)

    # -- dates -------------------------------------------------------------------
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
        until that title can be granted. Applications are filed at calls."""
        from kb.graph import edges_of
        g = self._graph()
        relations = [e for e in edges_of(g, ("preference", "requires"))
                     if e.source in PROGRAMS and e.target in PROGRAMS]
        floors: dict[tuple, tuple] = {}
        for entity in self.entities:
            mine = [t for t in self.targets if assignment.get(t) == entity.id]
            if not mine:
                continue
            changes, supplies, _ = self._entity_changes(entity.id, solution)
            held = held_designations(entity)
            order = self._order(mine, dated, entity.id, relations)
            when: dict[str, date] = {}
            for t in order:
                day, why = dated[(t, entity.id)].day, []
                yearly = sorted({c["var"].name for c in changes if calls.is_yearly(c["var"].name)
                                 and any(p == t for p, _ in c["serves"])})
                if yearly:
                    call = calls.yearly_call(self.as_of, self.call_month)
                    why.append({"kind": "yearly", "fields": yearly, "year": calls.first_full_year(self.as_of),
                                "call": call})
                    day = max(day, call)
                # a year's count (近两年…持续增长) is known only once the year is over
                years = sorted({int(su["field"].rsplit(".", 1)[1]) for su in supplies
                                if calls.is_year_count(su["field"]) and any(p == t for p, _ in su["serves"])})
                if years and years[-1] >= calls.first_full_year(self.as_of):
                    call = calls.call_on_or_after(date(years[-1] + 1, 1, 1), self.call_month)
                    why.append({"kind": "year_count", "fields": [f"performance.smes_served_by_year.{y}" for y in years],
                                "year": years[-1], "call": call})
                    day = max(day, call)
                for e in relations:
                    if e.target == t and e.source in when and e.source not in held:
                        granted = calls.granted_by(when[e.source], self.processing_months)
                        call = calls.call_on_or_after(granted, self.call_month)
                        why.append({"kind": e.type, "source": e.source, "granted": granted, "call": call,
                                    "citation": e.citation, "quote": e.quote})
                        day = max(day, call)
                when[t] = day
                for w in why:
                    w["unaided"] = self.target(t, entity).day   # the date without any call to wait for
                if day > dated[(t, entity.id)].day or why:
                    floors[(t, entity.id)] = (day, why)
        return floors

    def _graph(self):
        """The program graph (kb/graph/__init__.py), built once per knowledge base: it
        reads the texts' edges from YAML, which costs more than a plan."""
        from kb.graph import build_graph
        cache = self.kb.__dict__
        if "_plan_graph" not in cache:
            cache["_plan_graph"] = build_graph(self.kb)
        return cache["_plan_graph"]

    # -- the whole plan ----------------------------------------------------------
    def run(self) -> "Plan":
        plan = Plan(org=self.profile.id, as_of=self.as_of, horizon=self.horizon, group=self.group,
                    timeout=self.timeout, call_month=self.call_month, processing_months=self.processing_months)
        started = time.perf_counter()
        # a title held now needs no application, unless the text sets a term to renew (reapplication)
        self.held = {}
        for e in self.entities:
            for t, until in held_designations(e).items():
                renewable = any(n.kind == "reapplication" for n in self.kb.programs[t].nodes())
                if t in self.targets and not renewable and t not in self.held:
                    self.held[t] = (e.id, until)
        exclusive = self._exclusive()
        floors: dict[tuple, tuple] = {}
        more = None
        # a later date can change what the solution needs (a growth window
        # moves), so solve again on the dates the calls give until they settle
        for _ in range(3):
            more = None
            dated = {(t, e.id): self.target(t, e, floors.get((t, e.id)))
                     for t in self.targets for e in self.entities}
            unreachable, feasible = self._reachable(dated)
            solution = self._solve(feasible, exclusive)
            self.dated = dated
            if solution["model"] is None or not self.budget.left():
                break
            more = self._call_floors(solution["assignment"], solution, dated)
            if all(k in floors and floors[k][0] >= v[0] for k, v in more.items()):
                break
            for k, v in more.items():
                if k not in floors or v[0] > floors[k][0]:
                    floors[k] = v
        assignment = solution["assignment"]
        if solution["model"] is not None:
            # say why each date is a call, from the solution finally chosen
            final = more if more is not None else self._call_floors(assignment, solution, dated)
            for k, tg in dated.items():
                tg.calls = final[k][1] if k in final else []
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
        plan.solver_ms = round((time.perf_counter() - started) * 1000, 1)
        plan.complete = not self.budget.hit
        plan.cut = list(self.budget.hit)
        plan.found = solution["model"] is not None or not any(
            t not in self.held and any(k[0] == t for k in feasible) for t in self.targets)
        if not plan.found:
            # the best partial plan: what time alone decides, per target and entity
            plan.partial = [{"program": t, "entity": eid, "status": self.checks[eid][t].status,
                             "earliest": dated[(t, eid)].day.isoformat(),
                             "waits": [self._wait_json(w, next(e for e in self.entities if e.id == eid))
                                       for w in dated[(t, eid)].waits]}
                            for (t, eid) in feasible]
        return plan

    def _reachable(self, dated: dict) -> tuple[dict, dict]:
        feasible: dict[tuple, Any] = {}
        unreachable: dict[tuple, list] = {}
        for (t, eid), tg in dated.items():
            if t in self.held:
                continue
            probe = self.probes[eid]
            day = tg.day or self.horizon_end   # a time bar that outlasts the horizon fails even then
            blocking = self._feasible(probe, t, day)
            if blocking:
                unreachable[(t, eid)] = [self._core_reason(cid, probe.profile, day) for cid in blocking]
            elif tg.day is None:
                unreachable[(t, eid)] = [self._late_reason(tg)]
            else:
                feasible[(t, eid)] = self.models[eid].program(self.kb.programs[t], tg.day)[0]
        return unreachable, feasible

    def _late_reason(self, tg: Target) -> dict:
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

    def _feasible(self, model: EntityModel, program: str, day: date) -> list[str]:
        """Can this entity qualify on ``day`` whatever it changes? If not, the
        top-level conditions that cannot hold together (an unsat core). Asked
        again when the dates move; the answer for an unmoved date is kept."""
        key = (model.tag, program, day)
        memo = self.__dict__.setdefault("_feasible_memo", {})
        if key not in memo:
            memo[key] = self._feasible_now(model, program, day)
        return memo[key]

    def _feasible_now(self, model: EntityModel, program: str, day: date) -> list[str]:
        prog = self.kb.programs[program]
        tracks = []
        solver = z3.Solver(ctx=self.ctx)
        for top in prog.conditions:
            met, _ = model.node(top, day)
            lit = z3.Bool(f"{model.tag}|track|{program}|{top.id}|{day}", self.ctx)
            solver.add(z3.Implies(lit, met))
            tracks.append((lit, top.id))
        model.finish()
        solver.add(model.constraints)
        found: list[str] = []
        while True:
            solver.set(timeout=self.budget.ms())
            status = solver.check([lit for lit, _ in tracks])
            if status == z3.unknown:
                self.budget.cut("reachability")
            if status != z3.unsat:
                break
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
            pairs = self._exclusive_pairs()
            if self.budget.left():    # never keep an answer the time limit cut short
                cache[key] = pairs
            return pairs
        return cache[key]

    def _exclusive_pairs(self) -> list[dict]:
        # A context of its own: terms built here must not change the plan's own
        # context, or a plan would differ by whether this answer was cached
        # (z3 breaks ties between equally small plans by its term order).
        ctx = z3.Context()
        blank = EntityModel(self.kb, None, "blank", blank=True, ctx=ctx)
        out = []
        for i, a in enumerate(self.targets):
            for b in self.targets[i + 1:]:
                solver = z3.Solver(ctx=ctx)
                solver.set(timeout=self.budget.ms())
                tracks = []
                for pid in (a, b):
                    for top in self.kb.programs[pid].conditions:
                        lit = z3.Bool(f"blank|{pid}|{top.id}", ctx)
                        solver.add(z3.Implies(lit, blank.node(top, self.as_of)[0]))
                        tracks.append((lit, top))
                blank.finish()
                solver.add(blank.constraints)
                status = solver.check([lit for lit, _ in tracks])
                if status == z3.unknown:
                    self.budget.cut("exclusive pairs")
                if status == z3.unsat:
                    core = {str(c) for c in solver.unsat_core()}
                    out.append({"programs": [a, b], "nodes": [top for lit, top in tracks if str(lit) in core]})
        return out

    def _solve(self, feasible: dict, exclusive: list[dict]) -> dict:
        """The joint minimum, in two stages: fewest changes then fewest figures
        to supply (lexicographic), then, with those choices fixed, the smallest
        amounts. The amounts stage is the slow one (a weighted sum over
        integers and reals); when the time limit cuts it short the first
        stage's plan stands, valid but with amounts not proven smallest."""
        ctx = self.ctx
        hard = []
        choose: dict[tuple, Any] = {}
        for (t, eid), met in feasible.items():
            x = z3.Bool(f"assign|{t}|{eid}", ctx)
            choose[(t, eid)] = x
            hard.append(z3.Implies(x, met))
        for t in self.targets:
            xs = [x for (tt, _), x in choose.items() if tt == t]
            if xs:
                hard.append(z3.PbEq([(x, 1) for x in xs], 1))
        for ex in exclusive:
            a, b = ex["programs"]
            for e in self.entities:
                if (a, e.id) in choose and (b, e.id) in choose:
                    hard.append(z3.Not(z3.And(choose[(a, e.id)], choose[(b, e.id)])))
        for model in self.models.values():
            model.finish()
            hard.extend(model.constraints)
        changes = [c for m in self.models.values() for c in m.change_count()]
        supplies = [c for m in self.models.values() for c in m.supply_count()]
        zero = z3.IntVal(0, ctx)
        opt = z3.Optimize(ctx=ctx)
        opt.set(priority="lex")
        opt.add(hard)
        opt.minimize(z3.Sum(changes) if changes else zero)
        opt.minimize(z3.Sum(supplies) if supplies else zero)
        dropped: list[str] = []
        model = None
        while True:
            opt.set(timeout=self.budget.ms())
            status = opt.check()
            if status == z3.sat:
                model = opt.model()
                break
            if status == z3.unknown:
                self.budget.cut("fewest changes")
                model = self._best_so_far(opt, hard)
                break
            # targets each reachable but not together: drop the last, say so
            remaining = [t for t in self.targets if t not in dropped and any(tt == t for tt, _ in choose)]
            if not remaining:
                break
            dropped.append(remaining[-1])
            opt.add(z3.And([z3.Not(x) for (tt, _), x in choose.items() if tt == remaining[-1]], ctx))
        if model is not None and self.budget.left():
            model = self._smallest_amounts(hard, choose, dropped, model) or model
        assignment = {}
        if model is not None:
            for (t, eid), x in choose.items():
                if z3.is_true(model.eval(x, model_completion=True)):
                    assignment[t] = eid
        return {"assignment": assignment, "model": model, "dropped": dropped, "choose": choose}

    @staticmethod
    def _best_so_far(opt, hard: list):
        """The best model the optimiser holds when the time limit stops it, or
        None: kept only if it meets every hard constraint (it may not be minimal)."""
        try:
            model = opt.model()
        except z3.Z3Exception:
            return None
        if not len(model):
            return None
        ok = all(z3.is_true(model.eval(c, model_completion=True)) for c in hard)
        return model if ok else None

    def _smallest_amounts(self, hard: list, choose: dict, dropped: list[str], first):
        ctx = self.ctx
        opt = z3.Optimize(ctx=ctx)
        opt.add(hard)
        for (t, _), x in choose.items():
            if t in dropped:
                opt.add(z3.Not(x))
        fixed = [x for x in choose.values()]
        for m in self.models.values():
            fixed += [v.changed for v in m.vars.values() if v.changed is not None]
            fixed += [v.supplied for v in m.vars.values() if v.supplied is not None]
            fixed += list(m.remedies.values()) + [a for a, *_ in m.time_supply.values()]
        for b in fixed:
            opt.add(b == first.eval(b, model_completion=True))
        size = [c for m in self.models.values() for c in m.magnitude()]
        if not size:
            return None
        opt.minimize(z3.Sum(size))
        opt.set(timeout=self.budget.ms())
        status = opt.check()
        if status == z3.sat:
            return opt.model()
        if status == z3.unknown:
            self.budget.cut("smallest amounts")
            return self._best_so_far(opt, hard)
        return None
