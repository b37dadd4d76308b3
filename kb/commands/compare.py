"""regkb compare [--programs ID ...] [--topic T ...] [--level condition|program] [--json]
regkb compare --write DIR [--programs ID ...]
regkb compare --at-once PROFILE [--programs ID ...] [--as-of DATE] [--json]"""
from __future__ import annotations

import json

HELP = ("how the programs set each requirement: which condition dominates, which are equivalent, "
        "which conflict (--json, --write DIR for the checked-in reports, --at-once PROFILE)")


def add_arguments(p) -> None:
    p.add_argument("--programs", nargs="+", metavar="ID", help="program ids to compare (default all six)")
    p.add_argument("--topic", action="append", metavar="TOPIC",
                   help="only this topic of facts/catalogue.yaml (repeatable), e.g. staff, satisfaction")
    p.add_argument("--level", choices=("condition", "program"), default="condition",
                   help="condition: pairs of conditions (default); program: each topic lifted to whole programs")
    p.add_argument("--write", metavar="DIR",
                   help="regenerate the reports (threshold matrix .md/.csv/.png, relations, program "
                        "summary, lint findings) into DIR, all or nothing")
    p.add_argument("--at-once", metavar="PROFILE",
                   help="can one entity of this profile hold all --programs at once; for a group, "
                        "which entity could hold which program")
    p.add_argument("--as-of", help="evaluation date YYYY-MM-DD for --at-once (default: the profile's as_of)")
    p.add_argument("--matrix", action="store_true",
                   help="programs x programs per topic (Markdown; --json, --csv, --picture OUT.png), "
                        "repeated findings said once with a count")
    p.add_argument("--csv", action="store_true", help="with --matrix: CSV, one row per cell")
    p.add_argument("--picture", metavar="OUT.png", help="with --matrix: also draw the heatmap")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.io.options import parse_date
    from kb.io.errors import InputError
    if args.at_once and args.write:
        raise InputError("--at-once", None, "expected either --at-once PROFILE or --write DIR, not both")
    if args.as_of and not args.at_once:
        raise InputError("--as-of", None, "expected only with --at-once PROFILE")
    kb = knowledge_base(args)
    programs = kb.program_ids(args.programs, "--programs")
    if args.at_once:
        from kb.comparison.atonce import at_once, at_once_text
        data = at_once(kb, args.at_once, programs, parse_date(args.as_of))
        return json.dumps(data, ensure_ascii=False, indent=2) if args.json else at_once_text(data)
    if args.write:
        from kb.comparison.comparisons import check_target, render, write
        check_target(args.write)
        written = write(render(kb, programs), args.write)
        return "\n".join(f"wrote {path}" for path in written)
    from kb.comparison.catalogue import load_catalogue
    from kb.comparison.matrix import grouped_text
    from kb.comparison.relations import Logic, condition_relations, program_relations
    cat = load_catalogue(kb)
    topics = [t.id for t in cat.topics]
    for t in args.topic or []:
        if t not in topics:
            raise InputError("--topic", t, f"unknown topic; expected one of {', '.join(topics)}")
    if (args.csv or args.picture) and not args.matrix:
        raise InputError("--csv" if args.csv else "--picture", None, "expected only with --matrix")
    if args.matrix:
        from kb.comparison.matrix import build
        from kb.io.outputs import atomic_write, check_output
        if args.picture:
            check_output(args.picture, "--picture")
        m = build(kb, programs, args.topic)
        if args.picture:
            atomic_write(args.picture, m.picture())
        if args.json:
            return json.dumps(m.to_json(), ensure_ascii=False, indent=2)
        return m.csv() if args.csv else m.markdown()
    logic = Logic(kb, cat)
    derive = program_relations if args.level == "program" else condition_relations
    rels = derive(logic, programs, args.topic)
    if args.json:
        return json.dumps({"relations": [r.to_json(kb) for r in rels]}, ensure_ascii=False, indent=2)
    return grouped_text(rels) or "no comparable conditions"
