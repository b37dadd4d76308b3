"""regkb check PROFILE [--program ID ...] [--as-of DATE] [--json]"""
from __future__ import annotations

import json

HELP = "qualifies / fails / undetermined for each program, with citations"


def add_arguments(p) -> None:
    p.add_argument("profile", help="profile YAML/JSON (single entity or group)")
    p.add_argument("--program", action="append", help="program id (repeatable; default all six)")
    p.add_argument("--version", action="append", metavar="DOC@VERSION|@YYYY-MM-DD",
                   help="the text to apply (repeatable; default: the current text of each document)")
    p.add_argument("--as-of", help="evaluation date YYYY-MM-DD (default: the profile's as_of)")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the words around the Chinese clauses (default en)")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    kb = knowledge_base(args)
    report = kb.check(args.profile, kb.program_ids(args.program), parse_date(args.as_of))
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) if args.json else report.text(args.lang)
