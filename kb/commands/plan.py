"""regkb plan PROFILE [--target ID ...] [--horizon YEARS] [--as-of DATE] [--json]"""
from __future__ import annotations

import json

MAX_HORIZON = 100
HELP = "which programs to seek, what to change and by how much, when, and in which order"


def add_arguments(p) -> None:
    p.add_argument("profile", help="profile YAML/JSON (single entity or group)")
    p.add_argument("--target", action="append", metavar="ID",
                   help="program id to plan for (repeatable; default all six)")
    p.add_argument("--horizon", default="3", metavar="YEARS",
                   help="how many years ahead waiting counts (default 3)")
    p.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: the profile's as_of)")


def run(args) -> str:
    from kb.cli import knowledge_base, parse_date
    from kb.errors import InputError
    from kb.plan import plan

    text = str(args.horizon).strip()
    # ASCII and short before int(): "²" passes isdigit() and 5,000 digits make int() raise;
    # a wait beyond MAX_HORIZON years would also run past the calendar's end (year 9999)
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or int(text) > MAX_HORIZON:
        raise InputError("--horizon", None, f"expected a whole number of years from 0 to {MAX_HORIZON}, "
                                            f"got {str(args.horizon)[:40]!r}")
    kb = knowledge_base(args)
    result = plan(kb, args.profile, args.target, int(text), parse_date(args.as_of))
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else result.text()
