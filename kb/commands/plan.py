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


def _whole(text: str, option: str, low: int, high: int) -> int:
    from kb.io.errors import InputError
    text = str(text).strip()
    # a length bound first: int() of thousands of digits raises rather than answers
    if not text.isascii() or not text.isdigit() or len(text) > 4 or not low <= int(text) <= high:
        raise InputError(option, None, f"expected a whole number from {low} to {high}, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    from kb.io.errors import InputError
    try:
        value = float(str(text).strip())
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 3600:   # also rejects nan and inf
        raise InputError("--timeout", None, f"expected seconds from 0.1 to 3600, got {text!r}")
    return value


def options(args) -> dict:
    """The planner's options from the command line (shared with ``regkb report``)."""
    return {"horizon": _whole(args.horizon, "--horizon", 0, 50), "timeout": _seconds(args.timeout),
            "call_month": _whole(args.call_month, "--call-month", 1, 12),
            "processing_months": _whole(args.processing_months, "--processing-months", 0, 60)}


def run(args) -> str:
    from kb.cli import knowledge_base, parse_date
    from kb.planning import plan

    opts = options(args)
    kb = knowledge_base(args)
    result = plan(kb, args.profile, args.target, as_of=parse_date(args.as_of), **opts)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else result.text()
