"""regkb lint [DOCUMENT] [--json]"""
from __future__ import annotations

import json

HELP = ("drafting checks: numbering, score bands, look-back windows, references, counting "
        "units, general rules; each finding cites its clause and says why it matters")


def add_arguments(p) -> None:
    p.add_argument("document", nargs="?",
                   help="a document id (e.g. chengdu.sme-platform-and-startup-base) or a path to "
                        "an encoding.yaml or source.txt; default: every document")


def run(args) -> str:
    from kb.cli import knowledge_base
    from kb.lint import lint, lint_text_report
    findings = lint(knowledge_base(args), args.document)
    if args.json:
        return json.dumps({"findings": [f.to_json() for f in findings]}, ensure_ascii=False, indent=2)
    return lint_text_report(findings)
