"""Compatibility name for kb.planning (the planner, split into modules of one
concern); ``from kb.plan import plan, apply_step`` keeps working."""
from kb.planning import *  # noqa: F401,F403
from kb.planning import __all__  # noqa: F401
