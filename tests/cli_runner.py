"""`regkb …` run in this process: the same argv, exit status, stdout and stderr
as the console script, without starting Python again for every call (that
cost most of the suite's time). tests/test_cli.py keeps real subprocess smoke
tests of the installed entry points."""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str
    args: tuple = ()


def regkb(*args, cwd: Path = ROOT, **_ignored) -> Completed:
    from kb.cli import main
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:          # argparse's --help and the like
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(here)
    return Completed(code, out.getvalue(), err.getvalue(), tuple(args))
