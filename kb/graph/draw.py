"""The program graph's four exports, written together: PNG (kb/graph/png.py),
offline HTML (kb/graph/page.py), GraphML and JSON (here).

``regkb graph --write DIR`` writes them; comparisons/ holds the checked-in set.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kb.io.errors import InputError
from kb.io.outputs import Staged, check_output
from kb.graph import Edge, node_link
from kb.graph.page import html_page
from kb.graph.png import draw_png

FILES = {"png": "program-graph.png", "html": "program-graph.html",
         "graphml": "program-graph.graphml", "json": "program-graph.json"}


# -- GraphML and JSON ----------------------------------------------------------

def graphml_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes (GraphML has no lists or maps):
    the citation becomes flat fields plus its JSON."""
    out = nx.MultiDiGraph(name=g.graph.get("name", ""))
    for node, d in g.nodes(data=True):
        out.add_node(node, **{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                              for k, v in d.items() if v is not None})
    for u, v, k, d in g.edges(keys=True, data=True):
        e: Edge = d["edge"]
        c = e.citation
        attrs: dict[str, Any] = {"type": e.type, "program": c.program, "document": c.document,
                                 "article": c.article, "article_label": e.label, "inferred": c.inferred,
                                 "text": c.text, "quote": e.quote, "gloss": e.gloss,
                                 "citation": json.dumps(c.to_json(), ensure_ascii=False)}
        if c.clause is not None:
            attrs["clause"] = c.clause
        if c.part:
            attrs["part"] = c.part
        if e.interpretation:
            attrs["interpretation"] = e.interpretation
        attrs.update({key: val for key, val in e.extra.items()})
        out.add_edge(u, v, key=k, **attrs)
    return out


def write_all(g: nx.MultiDiGraph, directory: str | Path) -> list[Path]:
    """Write the four files, every one or none (kb/io/outputs.py)."""
    directory = check_output(directory, "--write", directory=True)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(directory), None, f"expected a writable directory ({exc.strerror})") from None
    with Staged() as staged:
        temps = {kind: staged.path(directory / name) for kind, name in FILES.items()}
        try:
            draw_png(g, temps["png"])
            temps["html"].write_text(html_page(g), encoding="utf-8")
            nx.write_graphml(graphml_graph(g), temps["graphml"], encoding="utf-8")
            temps["json"].write_text(json.dumps(node_link(g), ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
        except OSError as exc:
            raise InputError(str(directory), None, f"expected a writable directory ({exc.strerror})") from None
    return [directory / FILES[kind] for kind in FILES]
