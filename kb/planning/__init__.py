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
(the Plan), words.py (its text), apply.py (applying a step to a profile),
options.py (the planner's options as the CLI, the report and the web take them).
"""
from __future__ import annotations

from datetime import date

from kb.planning.apply import apply_step
from kb.planning.model import EntityModel, Var, field_type, fixed_reason
from kb.planning.planner import Planner
from kb.planning.result import DEFAULT_HORIZON, Plan, held_designations
from kb.planning.schedule import Target
from kb.planning.time import TIME_KINDS, add_years, all_path_nodes, is_time_leaf, pass_date, time_status
from kb.planning.words import change_words, plan_text


def plan(kb, profile, targets: list[str] | None = None, horizon: int = DEFAULT_HORIZON,
         as_of: date | None = None, **options) -> Plan:
    """The plan for a profile (path, mapping, Profile or Group)."""
    return Planner(kb, kb.load(profile, as_of), targets, horizon, **options).run()


__all__ = ["DEFAULT_HORIZON", "EntityModel", "Plan", "Planner", "TIME_KINDS", "Target", "Var", "add_years",
           "all_path_nodes", "apply_step", "change_words", "field_type", "fixed_reason", "held_designations",
           "is_time_leaf", "pass_date", "plan", "plan_text", "time_status"]
