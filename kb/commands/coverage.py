"""regkb coverage [--json]"""
from __future__ import annotations

import json

HELP = "per document: articles by class, eligibility clauses encoded, interpretations, switches"


def add_arguments(p) -> None:
    pass


def run(args) -> str:
    from kb.cli import knowledge_base
    from kb.coverage import coverage, coverage_text
    data = coverage(knowledge_base(args))
    return json.dumps(data, ensure_ascii=False, indent=2) if args.json else coverage_text(data)
