"""regkb explain PROFILE PROGRAM [--as-of DATE] [--json]"""
from __future__ import annotations

import json

HELP = "the derivation tree of one program: each clause, its Chinese text, the figures compared"


def add_arguments(p) -> None:
    p.add_argument("profile")
    p.add_argument("program")
    p.add_argument("--version", action="append", metavar="DOC@VERSION|@YYYY-MM-DD",
                   help="the text to apply (repeatable; default: the current text of each document)")
    p.add_argument("--as-of")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.reasoning.report import tree_text
    kb = knowledge_base(args)
    kb.program_ids([args.program], "PROGRAM")
    trees = kb.explain(args.profile, args.program, parse_date(args.as_of))
    trees = trees if isinstance(trees, list) else [trees]
    if args.json:
        data = [t.to_json() for t in trees]
        return json.dumps(data if len(data) > 1 else data[0], ensure_ascii=False, indent=2)
    return "\n\n".join(tree_text(t) for t in trees)
