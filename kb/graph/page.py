"""The program graph as one offline HTML page: click a node or an edge for its
citation, tick edge types on and off, drag to pan, wheel to zoom.

Python works out where everything goes (the same layout and curves as the PNG,
kb/graph/layout.py, turned into SVG coordinates); the markup, style and script
are a Jinja2 template (kb/templates/program-graph.html.j2) with autoescaping,
so a label from facts/graph.yaml can never become markup. The page carries its
own SVG, data, script and CJK glyphs (no network), so it opens offline.
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kb.graph import EDGE_TYPES, cycles, edges_of, node_link
from kb.graph.layout import (BAND, CITY_FILL, EDGE_STYLE, NODE_STYLE, POSITIONS, REGIONS, XLIM, YLIM, curve,
                             cycle_words, edge_bend, edge_indices, label_at, node_lines)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"   # kb/templates
SCALE_X, SCALE_Y = 13.0, 13.0
DASH = {"-": "", "--": "8,5", ":": "2,4", "-.": "9,4,2,4"}   # matplotlib line style → SVG dash array


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["f0"] = lambda x: f"{x:.0f}"
    env.filters["f1"] = lambda x: f"{x:.1f}"
    return env


def _svg_xy(x: float, y: float) -> tuple[float, float]:
    return 40 + x * SCALE_X, 40 + (BAND[1] - y) * SCALE_Y


def _text_width(line: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in line)


def _head(control, tip, width: float) -> str:
    """An arrowhead drawn as a polygon along the curve's end tangent (SVG
    markers are oriented inconsistently by some renderers)."""
    dx, dy = tip[0] - control[0], tip[1] - control[1]
    norm = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / norm, dy / norm
    length, half = 9 + 2.2 * width, 4 + 1.2 * width
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    pts = [tip, (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def _svg_box(box) -> tuple[float, float, float, float]:
    cx, cy, w, h = box
    return cx - w / 2 - 3, cy - h / 2 - 3, cx + w / 2 + 3, cy + h / 2 + 3


def _regions() -> list[dict]:
    out = []
    for name, x0, x1, colour in REGIONS:
        (ax0, _), (ax1, _) = _svg_xy(x0, 0), _svg_xy(x1, 0)
        out.append({"name": name, "fill": colour, "x": ax0, "width": ax1 - ax0, "cx": (ax0 + ax1) / 2,
                    "height": (BAND[1] - BAND[0]) * SCALE_Y + 20})
    return out


def _nodes(g: nx.MultiDiGraph) -> list[dict]:
    out = []
    for node in g.nodes:
        d = g.nodes[node]
        face, stroke, style, ls, _ = NODE_STYLE[d["kind"]]
        program = d["kind"] == "program"
        if program:
            face = CITY_FILL[d["city"]]
        lines = node_lines(g, node)
        size = 13 if program else 11
        w = max(_text_width(ln, size) for ln in lines) + 16
        h = len(lines) * size * 1.3 + 10
        cx, cy = _svg_xy(*POSITIONS[node])
        out.append({"id": node, "lines": lines, "size": size, "cx": cx, "cy": cy, "w": w, "h": h,
                    "x": cx - w / 2, "y": cy - h / 2, "top": cy - h / 2 + size + 2,
                    "rx": 10 if style.startswith("round") else 2, "face": face, "stroke": stroke,
                    "stroke_width": 2.2 if program else 1.2, "dashed": ls == "--",
                    "weight": "bold" if program else "normal"})
    return out


def _edges(g: nx.MultiDiGraph, boxes: dict[str, tuple]) -> list[dict]:
    out = []
    edges = edges_of(g)
    for e, idx in zip(edges, edge_indices(edges)):
        colour, ls, width, _ = EDGE_STYLE[e.type]
        # y points down in SVG, so arc3's bend turns the other way
        (x1, y1), (cx, cy), (x2, y2), (lx, ly) = curve(
            boxes[e.source][:2], boxes[e.target][:2], -edge_bend(e, idx), _svg_box(boxes[e.source]),
            _svg_box(boxes[e.target]), label_at(e, idx))
        lw = _text_width(e.label, 11) + 6
        out.append({"type": e.type, "label": e.label, "colour": colour, "width": width, "dash": DASH[ls],
                    "d": f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}",
                    "head": _head((cx, cy), (x2, y2), width),
                    "lx": lx, "ly": ly + 4, "box_x": lx - lw / 2, "box_y": ly - 8, "box_w": lw})
    return out


def html_page(g: nx.MultiDiGraph) -> str:
    """One self-contained page: SVG, data and script inline."""
    from kb.io.fonts import WEB_FAMILY, font_face_css
    nodes = _nodes(g)
    boxes = {n["id"]: (n["cx"], n["cy"], n["w"], n["h"]) for n in nodes}
    width, height = _svg_xy(XLIM[1], YLIM[0] + 6)
    ctx = {"regions": _regions(), "edges": _edges(g, boxes), "nodes": nodes, "width": width, "height": height,
           "toggles": [{"type": t, "colour": EDGE_STYLE[t][0], "name": EDGE_STYLE[t][3]} for t in EDGE_TYPES],
           # inside <script>, "</" would end the element early
           "data": json.dumps(node_link(g), ensure_ascii=False).replace("</", "<\\/"),
           "cycles": [cycle_words(g, c) for c in cycles(g)],
           "node_count": g.number_of_nodes(), "edge_count": g.number_of_edges(), "font_family": WEB_FAMILY}
    template = _env().get_template("program-graph.html.j2")
    # The page carries its own CJK glyphs (every character it can show, the
    # panel's citations included), so it renders on a machine without CJK fonts.
    draft = template.render(**ctx, font_css="")
    return template.render(**ctx, font_css=font_face_css(draft))
