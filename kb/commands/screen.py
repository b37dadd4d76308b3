"""regkb screen INPUT --out OUTPUT [--program ID ...] [--as-of DATE] [--strict] [--chunk-size N] [--json]"""
from __future__ import annotations

import json

HELP = "every organization of a CSV or a directory of profiles, every program: status and failed conditions, fast"


def add_arguments(p) -> None:
    p.add_argument("input", help="CSV (profile fields as dotted columns, lists and maps as JSON cells) "
                                 "or a directory of profile files")
    p.add_argument("--out", required=True, help="result file: .csv, or .parquet (needs pyarrow)")
    p.add_argument("--program", action="append", help="program id (repeatable; default all six)")
    p.add_argument("--as-of", help="evaluation date YYYY-MM-DD for every row (default: each row's as_of)")
    p.add_argument("--strict", action="store_true", help="stop at the first bad row (exit 2, no output)")
    p.add_argument("--chunk-size", type=int, default=None, metavar="N",
                   help="rows held in memory at a time (default 100000)")
    p.add_argument("--summary", action="store_true",
                   help="also list, per program, the conditions that exclude the most organizations "
                        "(alone and together), with their clauses")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.screening.screen import DEFAULT_CHUNK, screen
    kb = knowledge_base(args)
    summary = screen(kb, args.input, args.out, programs=args.program, strict=args.strict,
                     chunk_size=args.chunk_size or DEFAULT_CHUNK, as_of=parse_date(args.as_of))
    why = None
    if getattr(args, "summary", False):
        from kb.screening import summary as screen_summary
        why = screen_summary.summarize(kb, args.out, kb.program_ids(args.program))
    if args.json:
        extra = {"why": screen_summary.to_json(why)} if why is not None else {}
        return json.dumps({"output": args.out, **summary.to_json(), **extra}, ensure_ascii=False, indent=2)
    return summary.text(args.out) + (screen_summary.text(why) if why is not None else "")
