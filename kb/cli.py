"""The ``regkb`` command (also ``python -m kb``); see ../shared/spec/interface.md.

Bad input exits 2 with one line on stderr naming the file, the field and what
was expected, and prints nothing on stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from kb.errors import InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):   # one line, exit 2, like every other input error
        raise InputError("regkb", None, message)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("--as-of", None, f"expected a date YYYY-MM-DD, got {text!r}") from None


def _switches(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError("--switch", item, "expected NAME=VALUE")
        out[name] = value
    return out


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--switch", action="append", metavar="NAME=VALUE",
                        help="interpretation switch (see facts/switches.yaml)")
    common.add_argument("--facts", help="facts directory (default: the project's facts/)")
    common.add_argument("--json", action="store_true", help="print JSON")
    parser = _Parser(prog="regkb", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("check", parents=[common], help="qualifies / fails / undetermined, per program")
    p.add_argument("profile")
    p.add_argument("--program", action="append")
    p.add_argument("--as-of", type=str)
    p = sub.add_parser("explain", parents=[common], help="the derivation tree of one program")
    p.add_argument("profile")
    p.add_argument("program")
    p.add_argument("--as-of", type=str)
    sub.add_parser("coverage", parents=[common], help="articles by class, eligibility clauses encoded")
    return parser


def run(args: argparse.Namespace) -> str:
    from kb.base import KnowledgeBase
    kb = KnowledgeBase(args.facts, _switches(args.switch))
    as_of = _date(args.as_of) if getattr(args, "as_of", None) else None
    if args.command == "check":
        programs = kb.program_ids(args.program)
        report = kb.check(args.profile, programs, as_of)
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) if args.json else report.text()
    if args.command == "explain":
        from kb.report import tree_text
        kb.program_ids([args.program], "PROGRAM")
        trees = kb.explain(args.profile, args.program, as_of)
        trees = trees if isinstance(trees, list) else [trees]
        if args.json:
            data = [t.to_json() for t in trees]
            return json.dumps(data if len(data) > 1 else data[0], ensure_ascii=False, indent=2)
        return "\n\n".join(tree_text(t) for t in trees)
    if args.command == "coverage":
        from kb.coverage import coverage, coverage_text
        data = coverage(kb)
        return json.dumps(data, ensure_ascii=False, indent=2) if args.json else coverage_text(data)
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        out = run(args)
    except InputError as exc:
        print(f"regkb: {exc.message}", file=sys.stderr)
        return 2
    sys.stdout.write(out + "\n")
    return 0
