"""docs/reference.md is the interface a clone carries (the CLI and the HTTP API):
generated from the parser and the app, current, and complete."""
from __future__ import annotations

import re

from kb.cli import ORDER
from kb.reference import DOC_PATH, markdown
from kb.web.app import create_app


def test_reference_is_current():
    assert DOC_PATH.read_text(encoding="utf-8") == markdown(), \
        "docs/reference.md is out of date: run `python -m kb.reference --write`"


def test_every_command_and_option_is_in_the_reference():
    from kb.cli import build_parser
    text = DOC_PATH.read_text(encoding="utf-8")
    parser = build_parser()
    subs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name in ORDER:
        assert f"### regkb {name}\n" in text
        section = text.split(f"### regkb {name}\n", 1)[1].split("\n### ", 1)[0]
        for action in subs[name]._actions:
            for flag in action.option_strings:
                assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", section), f"regkb {name}: {flag} undocumented"


def test_every_api_route_is_in_the_reference():
    text = DOC_PATH.read_text(encoding="utf-8")
    for path, methods in create_app().openapi()["paths"].items():
        for method in methods:
            assert f"| {method.upper()} | `{path}` |" in text
