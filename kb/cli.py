"""The ``regkb`` command (also ``python -m kb``); see ../shared/spec/interface.md.

Each subcommand lives in kb/commands/<name>.py. Bad input exits 2 with one
line on stderr naming the file, the field and what was expected, and prints
nothing on stdout.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from datetime import date

from kb.errors import InputError

ORDER = ("check", "explain", "coverage", "compare", "lint", "graph", "plan", "diff", "screen")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):   # one line, exit 2, like every other input error
        raise InputError("regkb", None, message)


def parse_date(text: str | None, source: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(source, None, f"expected a date YYYY-MM-DD, got {text!r}") from None


def parse_switches(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError("--switch", item, "expected NAME=VALUE")
        out[name] = value
    return out


def knowledge_base(args):
    """The knowledge base the command asked for: switches, and the version of
    each text (``--version DOC@VERSION`` or ``@YYYY-MM-DD``; default current)."""
    from pathlib import Path

    from kb.base import DEFAULT_FACTS, KnowledgeBase
    from kb.versions import version_options
    versions, as_of = version_options(getattr(args, "version", None), Path(args.facts or DEFAULT_FACTS))
    return KnowledgeBase(args.facts, parse_switches(args.switch), versions, as_of)


def commands():
    for name in ORDER:
        if importlib.util.find_spec(f"kb.commands.{name}") is not None:
            yield name, importlib.import_module(f"kb.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--switch", action="append", metavar="NAME=VALUE",
                        help="interpretation switch (see facts/switches.yaml)")
    common.add_argument("--facts", help="facts directory (default: the project's facts/)")
    common.add_argument("--json", action="store_true", help="print JSON")
    parser = _Parser(prog="regkb", description="Chinese municipal SME-service regulations as logic: qualify, compare, plan, diff.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module in commands():
        p = sub.add_parser(name, parents=[common], help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        out = args.run(args)
    except InputError as exc:
        print("\n".join(f"regkb: {line}" for line in exc.lines), file=sys.stderr)
        return 2
    if out:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0
