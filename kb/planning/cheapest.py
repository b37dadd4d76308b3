"""The options a k-of-n list leaves: for each list a target fails now, every
member not met yet, by what it would take on its own (fewest changes, then
fewest figures to supply), so a plan can say which are cheapest (a mixin of
kb.planning.planner.Planner)."""
from __future__ import annotations

from datetime import date

import z3

from kb.law.model import Node
from kb.planning.model import EntityModel, _py
from kb.planning.records import Member, Option


class Cheapest:
    def _options(self, eid: str, t: str, day: date, solution: dict) -> list[Option]:
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
                for child in node.children:   # every term first: the solvers below see every field
                    em.node(child, day)
                em.finish()
                met_now = self._met_now(em, node.children, day)
                now = [c for c, met in zip(node.children, met_now) if met]
                need = node.params["k"] - len(now)
                if need <= 0:
                    continue
                rest = [c for c in node.children if c not in now]
                rows = []
                for child, cost in zip(rest, self._costs_alone(em, rest, day)):
                    if cost is None:
                        continue
                    chosen = zm is not None and z3.is_true(zm.eval(em.node(child, day)[0], model_completion=True))
                    rows.append(Member(child.params.get("function") or child.id.rsplit("/", 1)[-1],
                                       child.params.get("label"), child.id, cost[0], cost[1], chosen))
                rows.sort(key=lambda r: (r.changes, r.supply, not r.chosen))
                out.append(Option(node.id, node.citation, node.params["k"],
                                  [c.params.get("function") or c.id for c in now], need, rows))
        return out

    def _met_now(self, em: EntityModel, nodes: list[Node], day: date) -> list[bool]:
        """Which of ``nodes`` the entity meets as it is (nothing changed or supplied):
        one solver, each node asked under an assumption."""
        solver = z3.Solver(ctx=self.ctx)
        solver.add(em.constraints)
        for v in em.vars.values():
            if v.changed is not None:
                solver.add(z3.Not(v.changed))
            if v.supplied is not None:
                solver.add(z3.Not(v.supplied))
        for a, *_ in em.time_supply.values():
            solver.add(z3.Not(a))
        out = []
        for node in nodes:
            lit = z3.Bool(f"{em.tag}|now|{node.id}|{day}", self.ctx)
            solver.add(z3.Implies(lit, em.node(node, day)[0]))
            solver.set(timeout=self.budget.ms())
            status = solver.check(lit)
            if status == z3.unknown:
                self.budget.cut("cheapest functions")
            out.append(status == z3.sat)
        return out

    def _costs_alone(self, em: EntityModel, nodes: list[Node], day: date) -> list:
        """What each of ``nodes`` would take on its own (fewest changes, then fewest
        figures to supply), or None: one optimiser, each node in a scope of its own."""
        opt = z3.Optimize(ctx=self.ctx)
        opt.set(priority="lex")
        opt.add(em.constraints)
        ch, su = em.change_count(), em.supply_count()
        zero = z3.IntVal(0, self.ctx)
        out = []
        for node in nodes:
            opt.push()
            opt.add(em.node(node, day)[0])
            h1 = opt.minimize(z3.Sum(ch) if ch else zero)
            h2 = opt.minimize(z3.Sum(su) if su else zero)
            opt.set(timeout=self.budget.ms())
            status = opt.check()
            if status == z3.unknown:
                self.budget.cut("cheapest functions")
            out.append((_py(opt.lower(h1)), _py(opt.lower(h2))) if status == z3.sat else None)
            opt.pop()
        return out
