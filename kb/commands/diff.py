"""regkb diff OLD NEW [--population FILE [--verify N]] [--as-of DATE] [--html OUT] [--json]

OLD and NEW name versions of one document: ``DOC@VERSION``, where DOC is a
document id (``beijing.sme-service-platform``) or one of its program ids
(``beijing.platform``) and VERSION a version id (``2017``), ``current`` (the
encoding.yaml text) or a date YYYY-MM-DD (the version in force that day).
``DOC`` alone is the current text; NEW may omit DOC (``@2019``). Either may
also be the path of a version file (a drafter's copy outside facts/).
"""
from __future__ import annotations

import json

HELP = "semantic diff of two versions of a regulation, and its impact on a population"


def add_arguments(p) -> None:
    p.add_argument("old", help="old version: DOC@VERSION (e.g. beijing.platform@2017), DOC, or a version file")
    p.add_argument("new", help="new version: DOC@VERSION, @VERSION (same document), DOC, or a version file")
    p.add_argument("--population", help="profiles to measure the impact on: a directory of YAML/JSON "
                                        "profiles or a CSV with dotted columns")
    p.add_argument("--as-of", help="evaluation date for the population (default: each profile's as_of)")
    p.add_argument("--flips", type=int, default=40, help="flips listed per program in Markdown (default 40)")
    p.add_argument("--verify", type=int, default=30, metavar="N",
                   help="with --population: re-check N random organizations through the Datalog path "
                        "(the answers of regkb check) and stop on any disagreement (default 30; 0: none)")
    p.add_argument("--seed", type=int, default=0, help="with --verify: the sample's random seed (default 0)")
    p.add_argument("--html", metavar="OUT", help="also write a redline: the two Chinese texts side by side, "
                                                 "changes highlighted and annotated (self-contained HTML)")


def run(args) -> str:
    from pathlib import Path

    from kb.reasoning.base import DEFAULT_FACTS, KnowledgeBase
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.revisions.diff import diff
    from kb.revisions.impact import population_impact
    from kb.law.versions import parse_ref
    as_of = parse_date(args.as_of)
    facts = Path(args.facts or DEFAULT_FACTS)
    old_ref = parse_ref(args.old, facts)     # bad names fail before anything is built
    new_ref = parse_ref(args.new, facts, default_doc=old_ref[0])
    kb = knowledge_base(args)
    result = diff(kb, old_ref, new_ref)
    if args.population:
        old_kb, new_kb = (KnowledgeBase(kb.facts_dir, kb.settings, versions={ref[0]: ref[1]})
                          for ref in (old_ref, new_ref))
        programs = [pid for pid, prog in new_kb.programs.items() if prog.document.id == old_ref[0]]
        result.impact = population_impact(old_kb, new_kb, args.population, programs, result.links, as_of,
                                          verify=args.verify, seed=args.seed)
    if args.html:
        from kb.revisions.redline import write_redline
        write_redline(result, args.html)
    if args.json:
        return json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    return result.markdown(args.flips)
