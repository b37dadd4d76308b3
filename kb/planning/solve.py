"""The solver's questions, in z3 (why z3: kb/planning/planner.py): can an
entity reach a target at all (and if not, the unsat core that says why),
which targets the texts forbid one entity to hold together, and the joint
minimum (fewest changes, fewest figures to supply, then smallest amounts),
all within one time limit shared by every call of a plan (a mixin of
kb.planning.planner.Planner)."""
from __future__ import annotations

import time
from datetime import date
from typing import Any

import z3

from kb.planning.model import EntityModel


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



class Solve:
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
