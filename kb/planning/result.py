"""The plan as data (Plan, to_json; its parts are kb/planning/records.py) and the
small helpers the planner's stages share."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kb.law.model import Node
from kb.planning.records import Cycle, Limit, PartialTarget, PlanTarget, Step

DEFAULT_HORIZON = 3
# Seconds every solver call of one plan shares; past it the plan says so and
# gives the best it has (``regkb plan --timeout``).
DEFAULT_TIMEOUT = 5.0


def _not_guards(node: Node):
    """The node and its descendants, leaving out the guards of conditional
    figures (a park type decides which figure applies; it is not required)."""
    yield node
    kids = node.children[1:] if node.kind == "when" else node.children
    for child in kids:
        yield from _not_guards(child)


def _inputs(node: Node) -> list[str]:
    p = node.params
    if "measure" in p:
        return list(p["measure"].args)
    if "field" in p:
        return [p["field"]]
    if node.kind in ("lookback",):
        return ["credit_events"]
    if node.kind in ("ban",):
        return ["revocations"]
    if node.kind == "reapplication":
        return ["designations"]
    return []


def _unit(kb, name: str, nodes: list[Node]) -> str | None:
    for top in nodes:
        for n in top.walk():
            m = n.params.get("measure")
            if m is not None and name in m.args and m.kind == "field":
                return n.params.get("unit")
    return None


def held_designations(entity) -> dict[str, date | None]:
    """Programs whose title the entity holds on as_of (granted, not expired,
    not revoked since), with the expiry where known."""
    out = {}
    for d in entity.designations:
        if d.granted_on > entity.as_of or (d.expires_on and d.expires_on < entity.as_of):
            continue
        if any(r.program == d.program and r.date >= d.granted_on for r in entity.revocations):
            continue
        out[d.program] = d.expires_on
    return out


# -- the result --------------------------------------------------------------------

@dataclass
class Plan:
    org: str
    as_of: date
    horizon: int
    group: bool
    targets: list[PlanTarget] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    impossible: list[Limit] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    solver_ms: float | None = None
    timeout: float | None = None
    call_month: int | None = None
    processing_months: int | None = None
    complete: bool = True             # every solver call answered within the time limit
    found: bool = True                # a joint solution was found (False: only the partial plan)
    cut: list[str] = field(default_factory=list)   # the stages the time limit cut short
    partial: list[PartialTarget] = field(default_factory=list)   # without a solution: what time alone decides

    def to_json(self) -> dict[str, Any]:
        """The plan as ``regkb plan --json`` prints it: the edge where the records become JSON."""
        def each(records):
            return [x.to_json() for x in records]
        return {"org": self.org, "as_of": self.as_of.isoformat(), "horizon": self.horizon,
                "targets": each(self.targets), "steps": each(self.steps), "impossible": each(self.impossible),
                "cycles": each(self.cycles), **({"partial": each(self.partial)} if not self.found else {}),
                "assumptions": {"call_month": self.call_month, "processing_months": self.processing_months},
                "solver": {"name": "z3", "ms": self.solver_ms, "timeout_s": self.timeout,
                           "complete": self.complete, "found": self.found, "cut_short": self.cut}}

    def text(self) -> str:
        from kb.planning.words import plan_text
        return plan_text(self)

