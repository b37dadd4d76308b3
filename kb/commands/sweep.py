"""regkb sweep PROGRAM CONDITION --values V1 V2 … --population FILE [--chart OUT.png] [--json]"""
from __future__ import annotations

import json

HELP = "how many organizations qualify, fail or stay undetermined as one figure of a program changes"


def add_arguments(p) -> None:
    p.add_argument("program", help="program id, e.g. beijing.platform")
    p.add_argument("condition", help="condition id with a figure, e.g. beijing.platform/total_assets")
    p.add_argument("--values", nargs="+", required=True, metavar="V",
                   help="figures to try, in the condition's unit (万元, m², persons; 0.8 or 80%% for shares; years)")
    p.add_argument("--population", required=True, metavar="FILE", help="CSV or directory of profiles (see regkb population)")
    p.add_argument("--as-of", help="evaluation date for every organization (default: each row's)")
    p.add_argument("--chart", metavar="OUT.png", help="also draw a line chart")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.io.errors import InputError
    from kb.io.outputs import atomic_write, check_output
    from kb.screening.sweep import chart, sweep
    if args.chart:
        check_output(args.chart, "--chart")
        if not str(args.chart).lower().endswith(".png"):
            raise InputError("--chart", args.chart, "expected a file name ending in .png")
    result = sweep(knowledge_base(args), args.program, args.condition, args.values, args.population,
                   parse_date(args.as_of))
    if args.chart:
        atomic_write(args.chart, chart(result))
    if args.json:
        return json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    return result.text() + (f"\n\nwrote {args.chart}" if args.chart else "")
