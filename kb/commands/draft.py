"""regkb draft new DOC --id ID [--label TEXT] · draft set DOC@ID CONDITION VALUE ·
draft renumber DOC@ID --from N --by K [--article A]

Drafting a revision without hand edits (kb/revisions/drafting.py): each command writes
the draft in the document's versions/ only after it loads and its words agree
with its figures.
"""
from __future__ import annotations

import json

HELP = "draft a revision: copy a text as a marked draft, change a figure with its words, renumber"


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="{new,set,renumber}")
    new = sub.add_parser("new", help="write a complete, marked (official: false, status: draft) copy "
                                     "into the document's versions/")
    new.add_argument("doc", help="document or program id (e.g. chengdu.base)")
    new.add_argument("--id", required=True, dest="vid", help="the draft's version id (then DOC@ID)")
    new.add_argument("--label", help="one line shown in every report (default: working draft …)")
    new.add_argument("--from", dest="base", default="current", help="the version to copy (default current)")
    st = sub.add_parser("set", help="change a condition's figure and the words stating it together")
    st.add_argument("ref", help="the draft, DOC@ID")
    st.add_argument("condition", help="condition id (e.g. chengdu.base/building_area/building_economy/area)")
    st.add_argument("value", help="the new figure in the condition's unit: 6000, 2, 75%%, 两")
    rn = sub.add_parser("renumber", help="shift article (or, with --article, clause) numbers and references")
    rn.add_argument("ref", help="the draft, DOC@ID")
    rn.add_argument("--from", dest="start", type=int, required=True, help="first number to shift")
    rn.add_argument("--by", type=int, required=True, help="shift (negative: down)")
    rn.add_argument("--article", type=int, help="shift this article's clauses instead of articles")
    for q in (new, st, rn):   # the common options, after the action too
        q.add_argument("--facts", dest="facts_", help="facts directory (default: the project's facts/)")
        q.add_argument("--json", dest="json_", action="store_true", help="print JSON")


def run(args) -> str:
    from pathlib import Path

    from kb.revisions import drafting
    from kb.reasoning.base import DEFAULT_FACTS
    facts = Path(getattr(args, "facts_", None) or args.facts or DEFAULT_FACTS)
    as_json = args.json or getattr(args, "json_", False)
    if args.action == "new":
        path = drafting.new_draft(facts, args.doc, args.vid, args.label, args.base)
        lines = [f"wrote {path} (official: false, status: draft)"]
    elif args.action == "set":
        path, lines = drafting.edit(facts, args.ref, lambda d: drafting.set_figure(d, args.condition, args.value))
        lines.append(f"wrote {path}")
    else:
        path, lines = drafting.edit(facts, args.ref, lambda d: drafting.renumber(d, args.start, args.by, args.article))
        lines.append(f"wrote {path}")
    if as_json:
        return json.dumps({"path": str(path), "changes": lines[:-1] if args.action != "new" else []},
                          ensure_ascii=False, indent=2)
    return "\n".join(lines)
