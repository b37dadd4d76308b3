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

Here: the Planner, which validates the options and runs the plan's stages.
The stages are mixins of one concern each: schedule.py (when each target can
be applied for), solve.py (the solver's questions), readback.py (reading the
solution back into steps), cheapest.py (the cheapest k-of-n members),
limits.py (what cannot be done, and why).
"""
from __future__ import annotations

import time
from datetime import date
from typing import Any

import z3

from kb.io.errors import InputError
from kb.planning.calls import CALL_MONTH, PROCESSING_MONTHS
from kb.planning.limits import Limits
from kb.planning.model import EntityModel
from kb.planning.options import RANGES
from kb.planning.cheapest import Cheapest
from kb.planning.readback import Readback
from kb.planning.records import Limit, PartialTarget
from kb.planning.result import DEFAULT_HORIZON, DEFAULT_TIMEOUT, Plan, held_designations
from kb.planning.schedule import Schedule
from kb.planning.solve import Budget, Solve
from kb.planning.time import add_years


def _number(value, name: str, low, high, kind=int):
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        raise InputError(name, None, f"expected a number from {low} to {high}, got {value!r}")
    return value


class Planner(Schedule, Solve, Readback, Cheapest, Limits):
    def __init__(self, kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON,
                 timeout: float = DEFAULT_TIMEOUT, call_month: int = CALL_MONTH,
                 processing_months: int = PROCESSING_MONTHS):
        low, high = RANGES["horizon"]
        if not isinstance(horizon, int) or isinstance(horizon, bool) or not low <= horizon <= high:
            raise InputError("--horizon", None, f"expected a whole number of years from {low} to {high}, got {horizon!r}")
        self.timeout = _number(timeout, "--timeout", *RANGES["timeout"], (int, float))
        self.call_month = _number(call_month, "--call-month", *RANGES["call_month"])
        self.processing_months = _number(processing_months, "--processing-months", *RANGES["processing_months"])
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
            plan.targets.append(self._target(t, assignment.get(t), dated))
        for t, (eid, until) in self.held.items():
            plan.targets[self.targets.index(t)] = self._held_target(t, eid, until)
        plan.steps = self._steps(assignment, dated, solution)
        plan.impossible = self._impossible(unreachable, exclusive, assignment)
        for t in solution["dropped"]:
            plan.impossible.append(Limit("conflict", [t], "each entity able to reach it cannot reach it together "
                                                          "with the other targets assigned to it"))
        plan.cycles = self._cycles(assignment)
        plan.solver_ms = round((time.perf_counter() - started) * 1000, 1)
        plan.complete = not self.budget.hit
        plan.cut = list(self.budget.hit)
        plan.found = solution["model"] is not None or not any(
            t not in self.held and any(k[0] == t for k in feasible) for t in self.targets)
        if not plan.found:
            # the best partial plan: what time alone decides, per target and entity
            plan.partial = [PartialTarget(t, eid, self.checks[eid][t].status, dated[(t, eid)].day,
                                          [self._wait(w, next(e for e in self.entities if e.id == eid))
                                           for w in dated[(t, eid)].waits])
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


def plan(kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON,
         as_of: date | None = None, **options) -> Plan:
    """The plan for a profile (path, mapping, Profile or Group)."""
    return Planner(kb, kb.load(profile, as_of), targets, horizon, **options).run()
