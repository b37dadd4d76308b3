"""regkb report PROFILE [--target ID ...] --out report.html [plan options]"""
from __future__ import annotations

HELP = "a printable, self-contained HTML report: matrix, failed clauses in Chinese, dated plan, evidence checklist"


def add_arguments(p) -> None:
    from kb.commands import plan

    plan.add_arguments(p)
    p.add_argument("--out", required=True, metavar="FILE", help="the HTML file to write (e.g. report.html)")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.commands.plan import options
    from kb.io.outputs import atomic_write, check_output
    from kb.views.report_page import render

    opts = options(args)
    out = check_output(args.out)
    kb = knowledge_base(args)
    page = render(kb, args.profile, args.target, as_of=parse_date(args.as_of), **opts)
    atomic_write(out, page)
    return f"wrote {out}"
