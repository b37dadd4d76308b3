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

import importlib

# Loaded on first use: `regkb` builds every subcommand's parser, and the plan
# command's defaults (kb.planning.calls) must not pull z3 into `regkb screen`.
_EXPORTS = {
    "kb.planning.apply": ("apply_step", "apply_values"),
    "kb.planning.model": ("EntityModel", "Var", "field_type", "fixed_reason"),
    "kb.planning.planner": ("Planner", "plan"),
    "kb.planning.records": ("Call", "Change", "Clause", "Cycle", "Edge", "EntityStatus", "Evidence", "Limit",
                            "Member", "Option", "PartialTarget", "PlanTarget", "Reliance", "Step", "Supply", "Wait"),
    "kb.planning.result": ("DEFAULT_HORIZON", "Plan", "held_designations"),
    "kb.planning.schedule": ("Target",),
    "kb.planning.time": ("TIME_KINDS", "add_years", "all_path_nodes", "is_time_leaf", "pass_date", "time_status"),
    "kb.planning.words": ("change_words", "plan_text"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'kb.planning' has no attribute {name!r}")
