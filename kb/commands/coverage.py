"""regkb coverage [--json]"""
from __future__ import annotations

import json

HELP = ("per document and clause: encoded, partly encoded (naming the words not read) or not "
        "encoded, wherever eligibility-bearing words sit; every switch with its default")


def add_arguments(p) -> None:
    pass


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.lint.coverage import coverage, coverage_text
    data = coverage(knowledge_base(args))
    return json.dumps(data, ensure_ascii=False, indent=2) if args.json else coverage_text(data)
