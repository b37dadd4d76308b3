"""The ``regkb`` command (also ``python -m kb``); see ../shared/spec/interface.md.

Each subcommand lives in kb/commands/<name>.py. Bad input exits 2 with one
line on stderr naming the file, the field and what was expected, and prints
nothing on stdout.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import signal
import sys
import threading
from contextlib import contextmanager

from kb.io.errors import InputError, Interrupted

ORDER = ("check", "explain", "coverage", "review", "compare", "lint", "graph", "plan", "report", "diff", "draft", "screen", "population", "sweep", "serve",
         "schema", "init")


class _UsageError(InputError):
    """argparse's complaint, already prefixed with the command ("regkb check: …")."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):   # one line, exit 2, like every other input error
        raise _UsageError(self.prog, None, message)


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


@contextmanager
def _sigterm_interrupts():
    """SIGTERM unwinds like Ctrl-C, so every writer's cleanup runs (no .part left behind)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Every run ends in an answer (0), bad input (2, one line each) or an interruption (130, one line)."""
    try:
        with _sigterm_interrupts():
            args = build_parser().parse_args(argv)
            out = args.run(args)
    except InputError as exc:
        prefix = "" if isinstance(exc, _UsageError) else "regkb: "
        print("\n".join(f"{prefix}{line}" for line in exc.lines), file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Interrupted) as exc:
        how = "SIGTERM" if isinstance(exc, Interrupted) else "Ctrl-C"
        print(f"regkb: interrupted ({how})", file=sys.stderr)
        return 130
    if out:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0
