"""regkb plan PROFILE [--target ID ...] [--horizon YEARS] [--as-of DATE] [--timeout S]
[--call-month M] [--processing-months N] [--json]"""
from __future__ import annotations

import json

HELP = "which programs to seek, what to change and by how much, when, and in which order"


def add_arguments(p) -> None:
    from kb.planning.calls import CALL_MONTH, PROCESSING_MONTHS
    from kb.planning.result import DEFAULT_TIMEOUT

    p.add_argument("profile", help="profile YAML/JSON (single entity or group)")
    p.add_argument("--target", action="append", metavar="ID",
                   help="program id to plan for (repeatable; default all six)")
    p.add_argument("--horizon", default="3", metavar="YEARS",
                   help="how many years ahead waiting counts (default 3)")
    p.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: the profile's as_of)")
    p.add_argument("--timeout", default=str(DEFAULT_TIMEOUT), metavar="SECONDS",
                   help=f"time limit shared by the solver calls (default {DEFAULT_TIMEOUT:g}); past it the "
                        "plan says so and gives the best it has")
    p.add_argument("--call-month", default=str(CALL_MONTH), metavar="M",
                   help=f"month the yearly call is assumed to open (default {CALL_MONTH}; the texts say "
                        "原则上每年一次 and leave the date to each year's notice)")
    p.add_argument("--processing-months", default=str(PROCESSING_MONTHS), metavar="N",
                   help=f"assumed months from an application to the granted title (default {PROCESSING_MONTHS})")


def options(args) -> dict:
    """The planner's options from the command line (shared with ``regkb report``)."""
    from kb.planning.options import plan_options
    return plan_options(args.horizon, args.timeout, args.call_month, args.processing_months)


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.planning import plan

    opts = options(args)
    kb = knowledge_base(args)
    result = plan(kb, args.profile, args.target, as_of=parse_date(args.as_of), **opts)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else result.text()
