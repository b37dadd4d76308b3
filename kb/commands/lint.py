"""regkb lint [DOCUMENT] [--json] · regkb lint --encoding [DOC|DOC@VERSION|FILE]"""
from __future__ import annotations

import json
import sys

HELP = ("drafting checks: numbering, score bands, look-back windows, references, counting "
        "units, general rules; each finding cites its clause and says why it matters. "
        "--encoding: does each encoding agree with its own words (figures, open lists, hedges)")


def add_arguments(p) -> None:
    p.add_argument("document", nargs="?",
                   help="what diff takes: a document or program id (e.g. chengdu.base), DOC@VERSION "
                        "(an id or current; a date picks the text in force that day), or a path to an "
                        "encoding.yaml copy, a version file (complete, partial or overlay, e.g. a draft "
                        "written by regkb draft) or a source.txt; default: every document")
    p.add_argument("--encoding", action="store_true",
                   help="check that every figure a node encodes is the figure its words state "
                        "(units converted: 3亿元 = 30000 万元, 80%% = 0.8, 两年 = 2), that lists ending "
                        "in 等 are open or say why not, and that 一般应/原则上/可适度放宽 reach a node; "
                        "exit status 1 when any disagree")


def run(args) -> str:
    from kb.commands import knowledge_base
    if args.encoding:
        return _encoding(args)
    from kb.lint import lint, lint_text_report
    findings = lint(knowledge_base(args), args.document)
    if args.json:
        return json.dumps({"findings": [f.to_json() for f in findings]}, ensure_ascii=False, indent=2)
    return lint_text_report(findings)


def _encoding(args) -> str:
    # reads the data without building a knowledge base: a draft that would
    # not load is still checked, and the check takes milliseconds
    from kb.reasoning.base import DEFAULT_FACTS
    from kb.law.agreement import disagreements, report_text
    from kb.law.versions import encoding_data
    found = [(source, disagreements(data)) for source, data in
             encoding_data(args.document, args.facts or DEFAULT_FACTS)]
    if args.json:
        out = json.dumps({"encodings": [{"source": s, "disagreements": [d.to_json() for d in items]}
                                        for s, items in found]}, ensure_ascii=False, indent=2)
    else:
        out = report_text(found)
    if any(items for _, items in found):
        # a report and a failure: a drafter's script or CI must see the disagreement
        sys.stdout.write(out + "\n")
        raise SystemExit(1)
    return out
