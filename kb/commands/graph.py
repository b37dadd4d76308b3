"""regkb graph [--write DIR] [--json]"""
from __future__ import annotations

import json

HELP = "the dependency graph of the programs: typed edges citing their articles, cycles, pictures"


def add_arguments(p) -> None:
    p.add_argument("--write", metavar="DIR",
                   help="write program-graph.png, .html, .graphml and .json into DIR (e.g. comparisons/)")


def run(args) -> str:
    from kb.commands import knowledge_base
    from kb.graph import build_graph, node_link, text
    from kb.graph.draw import write_all

    g = build_graph(knowledge_base(args))
    written = write_all(g, args.write) if args.write else []
    if args.json:
        return json.dumps(node_link(g), ensure_ascii=False, indent=2)
    out = text(g)
    if written:
        out += "\n\nwrote " + ", ".join(str(p) for p in written)
    return out
