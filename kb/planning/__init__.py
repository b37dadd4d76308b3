"""A multi-program application plan: what to change, by how much, when, in
which order (see kb/planning/planner.py for the design and why z3).

Modules of one concern: time.py (conditions only the calendar changes),
model.py (one entity's profile and conditions as z3 terms), planner.py (the
Planner running a plan's stages, one z3 Context per plan), schedule.py (when
each target can be applied for), solve.py (the solver's questions under one
time limit: reachability, exclusive pairs, the joint minimum), readback.py
(reading a solution back: changes, steps), cheapest.py (the cheapest k-of-n
members), limits.py (what cannot be done), calls.py (when an application can
be filed: the yearly call, yearly figures, a title granted first), result.py
(the Plan), records.py (its parts as typed records; JSON only in to_json),
words.py (its text), apply.py (applying a step to a profile), options.py (the
planner's options as the CLI, the report and the web take them).
"""
from __future__ import annotations

from datetime import date

from kb.planning.apply import apply_step, apply_values
from kb.planning.model import EntityModel, Var, field_type, fixed_reason
from kb.planning.planner import Planner
from kb.planning.records import (Call, Change, Clause, Cycle, Edge, EntityStatus, Evidence, Limit, Member, Option,
                                 PartialTarget, PlanTarget, Reliance, Step, Supply, Wait)
from kb.planning.result import DEFAULT_HORIZON, Plan, held_designations
from kb.planning.schedule import Target
from kb.planning.time import TIME_KINDS, add_years, all_path_nodes, is_time_leaf, pass_date, time_status
from kb.planning.words import change_words, plan_text


def plan(kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON,
         as_of: date | None = None, **options) -> Plan:
    """The plan for a profile (path, mapping, Profile or Group)."""
    return Planner(kb, kb.load(profile, as_of), targets, horizon, **options).run()


__all__ = ["DEFAULT_HORIZON", "Call", "Change", "Clause", "Cycle", "Edge", "EntityModel", "EntityStatus",
           "Evidence", "Limit", "Member", "Option", "PartialTarget", "Plan", "PlanTarget", "Planner", "Reliance",
           "Step", "Supply", "TIME_KINDS", "Target", "Var", "Wait", "add_years", "all_path_nodes", "apply_step",
           "apply_values", "change_words", "field_type", "fixed_reason", "held_designations", "is_time_leaf",
           "pass_date", "plan", "plan_text", "time_status"]
