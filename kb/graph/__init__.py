"""How the programs depend on one another, as a networkx multi-digraph.

Nodes: the six programs and their source documents (from the encodings), and
the outside documents, designations, facilities and bodies the texts name
(facts/graph.yaml). Edges are typed (``EDGE_TYPES``) and each cites the
article it is read from, with the Chinese quoted; the quote is checked
against the encoded article here, so an edge cannot claim words the text
lacks. Cycles are found and reported, not hidden (the station and the base
name each other: 第十四条 preference one way, 第五条（一） applicants the other).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kb.io.errors import InputError
from kb.law.model import PROGRAMS, Citation
from kb.io.yamlio import read_yaml

EDGE_TYPES = ("preference", "eligible_applicant", "requires", "cooperates", "legal_basis",
              "repeals", "benefit", "defines")
OUTSIDE_KINDS = ("outside_document", "repealed_document", "designation", "facility", "body")
NODE_KINDS = ("program", "document", *OUTSIDE_KINDS)
# Edges that say one designation should come before another (kb/planning/__init__.py):
# a preference earned by holding the source, a condition that is the source.
PRECEDENCE = ("preference", "requires")
_EDGE_KEYS = {"source", "target", "type", "cite", "quote", "gloss", "interpretation", "mode",
              "transition", "amount", "unit"}
_NODE_KEYS = {"id", "kind", "label", "gloss", "number", "interpretation"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    type: str
    citation: Citation
    quote: str
    gloss: str = ""
    interpretation: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)   # mode, transition, amount, unit

    @property
    def label(self) -> str:
        return self.citation.label()

    def to_json(self) -> dict[str, Any]:
        out = {"source": self.source, "target": self.target, "type": self.type,
               "citation": self.citation.to_json(), "document": self.citation.document,
               "article_label": self.label, "quote": self.quote, "gloss": self.gloss}
        if self.interpretation:
            out["interpretation"] = self.interpretation
        out.update(self.extra)
        return out


def graph_file(facts_dir: str | Path) -> Path:
    return Path(facts_dir) / "graph.yaml"


def _cite(kb, raw: Any, where: str, source: str) -> Citation:
    if not isinstance(raw, dict) or set(raw) - {"program", "article", "clause", "part"}:
        raise InputError(source, f"{where}.cite", "expected {program, article, clause?, part?}")
    program = raw.get("program")
    if program not in PROGRAMS:
        raise InputError(source, f"{where}.cite.program", f"expected a program id, got {program!r}")
    doc = kb.programs[program].document
    article = next((a for a in doc.articles if a.number == raw.get("article")), None)
    if article is None:
        raise InputError(source, f"{where}.cite.article", f"no article {raw.get('article')!r} in {doc.id}")
    clause = None
    if raw.get("clause") is not None:
        clause = next((c for c in article.clauses
                       if c.clause == raw["clause"] and c.part == raw.get("part")), None)
        if clause is None:
            raise InputError(source, f"{where}.cite.clause",
                             f"no clause {raw['clause']} (part {raw.get('part')}) in article {article.number} of {doc.id}")
    return Citation(program=program, article=article.number,
                    clause=clause.clause if clause else None, part=clause.part if clause else None,
                    inferred=article.inferred or bool(clause and clause.inferred),
                    text=clause.text if clause else article.text, document=doc.id)


def load_edges(kb) -> tuple[list[dict], list[Edge]]:
    """facts/graph.yaml, validated: (outside nodes, edges)."""
    path = graph_file(kb.facts_dir)
    source = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) \
            or not isinstance(data.get("edges"), list):
        raise InputError(source, None, "expected a mapping with lists nodes and edges")
    known = set(PROGRAMS) | {d.id for d in kb.documents}
    nodes = []
    for i, raw in enumerate(data["nodes"]):
        where = f"nodes[{i}]"
        if not isinstance(raw, dict) or set(raw) - _NODE_KEYS:
            raise InputError(source, where, f"expected a mapping with keys among {sorted(_NODE_KEYS)}")
        for key in ("id", "kind", "label"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise InputError(source, f"{where}.{key}", "required text is missing")
        if raw["kind"] not in OUTSIDE_KINDS:
            raise InputError(source, f"{where}.kind", f"expected one of {', '.join(OUTSIDE_KINDS)}")
        if raw["id"] in known:
            raise InputError(source, f"{where}.id", f"id {raw['id']!r} is used twice")
        known.add(raw["id"])
        nodes.append(dict(raw))
    edges = []
    for i, raw in enumerate(data["edges"]):
        where = f"edges[{i}]"
        if not isinstance(raw, dict) or set(raw) - _EDGE_KEYS:
            raise InputError(source, where, f"expected a mapping with keys among {sorted(_EDGE_KEYS)}")
        for key in ("source", "target"):
            if raw.get(key) not in known:
                raise InputError(source, f"{where}.{key}", f"unknown node {raw.get(key)!r}")
        if raw.get("type") not in EDGE_TYPES:
            raise InputError(source, f"{where}.type", f"expected one of {', '.join(EDGE_TYPES)}")
        citation = _cite(kb, raw.get("cite"), where, source)
        quote = raw.get("quote")
        if not isinstance(quote, str) or quote not in citation.text:
            raise InputError(source, f"{where}.quote", "expected words of the cited article or clause; "
                                                       "quote not found in its encoded text")
        extra = {k: raw[k] for k in ("mode", "transition", "amount", "unit") if k in raw}
        if "transition" in extra and extra["transition"] not in citation.text:
            raise InputError(source, f"{where}.transition", "expected words of the cited article")
        edges.append(Edge(raw["source"], raw["target"], raw["type"], citation, quote,
                          raw.get("gloss") or "", raw.get("interpretation"), extra))
    return nodes, edges


def build_graph(kb) -> nx.MultiDiGraph:
    """The multi-digraph of programs, documents and outside nodes; every edge
    carries its type, its Edge (``edge``) and its citation."""
    outside, edges = load_edges(kb)
    g = nx.MultiDiGraph(name="regkb program graph")
    for doc in kb.documents:
        g.add_node(doc.id, kind="document", label=doc.title, city=doc.city,
                   status=doc.header.get("status"), programs=list(doc.programs))
    for pid, prog in kb.programs.items():
        g.add_node(pid, kind="program", label=PROGRAMS[pid], city=prog.document.city,
                   document=prog.document.id)
    for raw in outside:
        g.add_node(raw["id"], **{k: v for k, v in raw.items() if k != "id"},
                   city=raw["id"].split(".", 1)[0])
    for e in edges:
        g.add_edge(e.source, e.target, type=e.type, edge=e, citation=e.citation)
    return g


def edges_of(g: nx.MultiDiGraph, types: tuple[str, ...] | None = None) -> list[Edge]:
    return [d["edge"] for _, _, d in g.edges(data=True) if types is None or d["type"] in types]


def cycles(g: nx.MultiDiGraph) -> list[list[Edge]]:
    """Every simple cycle, as the edges that close it (one per step; where two
    edges join the same pair, the first in file order), starting with its
    strongest edge (EDGE_TYPES order: a preference reads first)."""
    out = []
    simple = nx.DiGraph(g)
    for nodes in sorted(nx.simple_cycles(simple), key=lambda c: (len(c), sorted(c))):
        steps = [next(iter(g.get_edge_data(a, b).values()))["edge"]
                 for a, b in zip(nodes, nodes[1:] + nodes[:1])]
        first = min(range(len(steps)), key=lambda i: (EDGE_TYPES.index(steps[i].type), steps[i].source))
        out.append(steps[first:] + steps[:first])
    return out


def node_json(g: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    return {"id": node, **{k: v for k, v in g.nodes[node].items()}}


def node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """``{"nodes": [...], "edges": [{"source", "target", "type", "citation", …}], "cycles": […]}``."""
    return {"nodes": [node_json(g, n) for n in g.nodes],
            "edges": [e.to_json() for e in edges_of(g)],
            "cycles": [cycle_json(c) for c in cycles(g)]}


def cycle_json(cycle: list[Edge]) -> dict[str, Any]:
    return {"nodes": [e.source for e in cycle], "edges": [e.to_json() for e in cycle]}


def cycle_text(cycle: list[Edge]) -> str:
    steps = " → ".join(f"{e.source} ({e.type}, {e.citation.program} {e.label})" for e in cycle)
    return f"{steps} → {cycle[0].source}"


def text(g: nx.MultiDiGraph) -> str:
    """The edges grouped by type, each with its citation and quote, then the cycles."""
    lines = [f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges"]
    for kind in EDGE_TYPES:
        es = edges_of(g, (kind,))
        if not es:
            continue
        lines.append(f"\n{kind} ({len(es)})")
        for e in es:
            lines.append(f"  {e.source} → {e.target}  {e.citation.program} {e.label}「{e.quote}」")
    cs = cycles(g)
    lines.append(f"\ncycles ({len(cs)})")
    lines.extend(f"  {cycle_text(c)}" for c in cs)
    return "\n".join(lines)
