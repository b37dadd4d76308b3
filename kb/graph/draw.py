"""Pictures and exports of the program graph: PNG, offline HTML, GraphML, JSON.

The layout is fixed by hand rather than computed: a reader finds Beijing on
the left, Guiyang in the middle, Chengdu on the right, and in each column the
laws a text rests on above it, the text, its programs, then the bodies and
facilities below; a force layout would move them on every run. The HTML page
carries its own SVG, data and script (no network), so it opens offline.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

from kb.io.errors import InputError
from kb.io.outputs import Staged, check_output
from kb.graph import EDGE_TYPES, Edge, cycles, edges_of, node_link
from kb.law.model import CITY_LABEL, PROGRAM_INFO

FILES = {"png": "program-graph.png", "html": "program-graph.html",
         "graphml": "program-graph.graphml", "json": "program-graph.json"}

# (x, y) on a 100 × 70 canvas; y grows upwards.
POSITIONS = {
    # national documents
    "national.miit-2017-156": (41, 64), "national.guofa-2015-32": (65, 64),
    "national.sme-promotion-law": (86, 64),
    # local bases the texts rest on
    "beijing.sme-promotion-regulation": (3, 51), "beijing.ten-actions-measures": (13, 51),
    "beijing.sme-development-regulation": (33, 52),
    "guiyang.zhufubanfa-2016-51": (56.5, 54), "guiyang.demo-city-plan-2016": (68.5, 46.5),
    # source documents and their repealed predecessors
    "beijing.srdi-service-station": (7, 36), "beijing.startup-innovation-base": (26, 36),
    "beijing.sme-service-platform": (42, 36), "guiyang.sme-service-platform": (62, 36),
    "chengdu.sme-platform-and-startup-base": (84, 36),
    "beijing.jjxwf-2019-52": (18.5, 44.5), "beijing.jjxwf-2017-24": (48.5, 44.5),
    "chengdu.cjxh-2018-348": (95.5, 46),
    # programs: facts/programs.yaml's layout
    **{pid: p.layout for pid, p in PROGRAM_INFO.items() if p.layout},
    # designations, facilities, bodies
    "beijing.srdi-specialty-park": (3, 6), "beijing.sme-authorities": (13, 6),
    "beijing.base-enterprise-service-station": (23.5, 6), "beijing.mbeit": (33, 6),
    "beijing.sme-platform-hub": (45, 6), "guiyang.industry-fund": (62, 6),
    "chengdu.cdsme-website": (76, 8), "chengdu.jxj": (85.5, 4), "chengdu.sme-service-center": (95, 8),
}
REGIONS = ((CITY_LABEL["beijing"], 0, 52.5, "#eef4fb"), (CITY_LABEL["guiyang"], 52.5, 72, "#eff7ec"),
           (CITY_LABEL["chengdu"], 72, 101, "#fdf7e6"))
XLIM, YLIM, BAND = (-3.5, 103), (-10, 72), (-1, 70)
ROWS = ((64, "上位文件 national"), (51, "依据 bases"), (36, "本办法 texts"), (22, "认定项目 programs"),
        (6, "机构与称号 bodies"))
EDGE_STYLE = {   # colour, line style, width, Chinese name
    "preference": ("#d62728", "-", 3.0, "倾斜 preference"),
    "eligible_applicant": ("#ff7f0e", "--", 2.6, "申报主体 eligible applicant"),
    "requires": ("#7b3fb5", "-", 2.6, "须具备 requires"),
    "cooperates": ("#1aa6b7", ":", 2.2, "配合/报送 cooperates"),
    "legal_basis": ("#3b6fb6", "-", 1.3, "依据 legal basis"),
    "repeals": ("#222222", "-.", 1.8, "废止 repeals"),
    "benefit": ("#2ca02c", "-", 2.2, "支持/补助 benefit"),
    "defines": ("#a0a0a0", "-", 1.3, "界定 defines"),
}
NODE_STYLE = {   # face, edge colour, box style, line style, name
    "program": ("#ffffff", "#1f3b73", "round,pad=0.5", "-", "认定项目 program"),
    "document": ("#ffffff", "#555555", "square,pad=0.45", "-", "本办法 source document"),
    "outside_document": ("#f1f1f1", "#888888", "square,pad=0.4", "-", "外部文件 outside document"),
    "repealed_document": ("#f1f1f1", "#888888", "square,pad=0.4", "--", "已废止 repealed / expired"),
    "designation": ("#fde2ef", "#b03a7a", "round4,pad=0.45", "-", "外部称号 outside designation"),
    "facility": ("#ece3f7", "#7b3fb5", "sawtooth,pad=0.45", "-", "设施 facility"),
    "body": ("#e0f4f6", "#1a7f8c", "round,pad=0.4", "-", "机构/网站/资金 body"),
}
CITY_FILL = {"beijing": "#cfe0f5", "guiyang": "#d5ecce", "chengdu": "#fbe7b5"}
# Bend (arc3 rad) per edge, where a straight line would cross a node or its twin.
BEND = {("beijing.station", "beijing.base", "preference"): -0.25,
        ("beijing.base", "beijing.station", "eligible_applicant"): -0.25,
        ("beijing.sme-authorities", "beijing.station", "benefit"): -0.12,
        ("beijing.base", "beijing.sme-platform-hub", "cooperates"): 0.1}
DEFAULT_BEND, TWIN_BEND = 0.0, 0.3
# Where on its curve an edge's article label sits (0 source … 1 target), where
# the middle would collide with another label or a crossing.
LABEL_T = {("chengdu.platform", "chengdu.sme-service-center", "cooperates", 0): 0.22,
           ("beijing.base", "beijing.sme-platform-hub", "cooperates", 0): 0.3,
           ("guiyang.sme-service-platform", "national.miit-2017-156", "legal_basis", 0): 0.7,
           ("chengdu.base", "chengdu.cdsme-website", "cooperates", 0): 0.22}


def label_of(g: nx.MultiDiGraph, node: str) -> str:
    d = g.nodes[node]
    text = d.get("label") or node
    if d["kind"] == "repealed_document":
        text = f"{text}（{d['number']}）" if d.get("number") else text
    elif d["kind"] == "outside_document" and d.get("number") and d["number"] not in text:
        text = f"{text}（{d['number']}）"
    return text


_TOKEN = re.compile(r"[（(][^（）()]*[〔\dA-Za-z][^（）()]*[）)]|〔[^〕]*〕\d*号?|[A-Za-z0-9.\-—:/]+|.")


def wrap(text: str, width: int) -> list[str]:
    """Break Chinese text into lines of about ``width`` characters; a document
    number（工信部企业〔2017〕156号）, a web address or a figure stays whole, and
    closing punctuation never starts a line."""
    lines, cur = [], ""
    for tok in _TOKEN.findall(text):
        limit = width + (5 if len(tok) > 1 else 0)   # a whole token may overhang a little
        if cur and len(cur) + len(tok) > limit and tok not in "）)》〕号，、。":
            lines.append(cur)
            cur = ""
        cur += tok
    if cur:
        lines.append(cur)
    return lines


def node_lines(g: nx.MultiDiGraph, node: str) -> list[str]:
    kind = g.nodes[node]["kind"]
    text = label_of(g, node)
    if kind == "program":
        return [*wrap(text, 9), node]
    if kind == "repealed_document":
        mode = "已到期废止" if node.startswith("chengdu.") else "已废止"
        return [*wrap(text, 12), f"（{mode}）"]
    return wrap(text, 10 if kind in ("document", "outside_document") else 9)


def _edge_bend(e: Edge, index: int) -> float:
    return BEND.get((e.source, e.target, e.type), DEFAULT_BEND) + TWIN_BEND * index


def _edge_indices(edges: list[Edge]) -> list[int]:
    seen: dict[tuple, int] = {}
    out = []
    for e in edges:
        pair = (e.source, e.target)
        out.append(seen.get(pair, 0))
        seen[pair] = seen.get(pair, 0) + 1
    return out


# -- curves ------------------------------------------------------------------

def bezier(p0, c, p2, t: float) -> tuple[float, float]:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * c[0] + t * t * p2[0],
            u * u * p0[1] + 2 * u * t * c[1] + t * t * p2[1])


def curve(p0, p2, rad: float, box_a, box_b, label_t: float = 0.5):
    """matplotlib's arc3 curve from centre p0 to centre p2 (y up), cut where it
    leaves box_a and enters box_b (each (x0, y0, x1, y1)): the three control
    points of the visible piece, and where its label goes."""
    mx, my = (p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2
    c = (mx + rad * (p2[1] - p0[1]), my - rad * (p2[0] - p0[0]))

    def inside(pt, box):
        return box[0] <= pt[0] <= box[2] and box[1] <= pt[1] <= box[3]

    steps = 400
    ts = [i / steps for i in range(steps + 1)]
    t0 = next((t for t in ts if not inside(bezier(p0, c, p2, t), box_a)), 0.0)
    t1 = next((t for t in reversed(ts) if not inside(bezier(p0, c, p2, t), box_b)), 1.0)
    if t1 <= t0:
        t0, t1 = 0.0, 1.0
    q0, q2 = bezier(p0, c, p2, t0), bezier(p0, c, p2, t1)
    d = ((1 - t0) * (c[0] - p0[0]) + t0 * (p2[0] - c[0]), (1 - t0) * (c[1] - p0[1]) + t0 * (p2[1] - c[1]))
    q1 = (q0[0] + (t1 - t0) * d[0], q0[1] + (t1 - t0) * d[1])
    return q0, q1, q2, bezier(p0, c, p2, t0 + (t1 - t0) * label_t)


# -- PNG ---------------------------------------------------------------------

def draw_png(g: nx.MultiDiGraph, path: str | Path) -> None:
    """A picture a person reads without help: city columns, node kinds and
    edge types told apart by colour and line, each edge marked with its article."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch, Rectangle
    from matplotlib.path import Path as MPath

    from kb.io.fonts import use_cjk_font

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(26, 17), dpi=110)
    ax.set_xlim(XLIM)
    ax.set_ylim(YLIM)
    ax.axis("off")
    for name, x0, x1, colour in REGIONS:
        ax.add_patch(Rectangle((x0, BAND[0]), x1 - x0, BAND[1] - BAND[0], facecolor=colour,
                               edgecolor="none", zorder=0))
        ax.text((x0 + x1) / 2, BAND[1] - 1.6, name, ha="center", va="center", fontsize=17,
                color="#555555", zorder=1)
    for y, name in ROWS:
        ax.text(XLIM[0] + 0.4, y, name, ha="left", va="center", fontsize=9, color="#777777", rotation=90)

    boxes = {}
    for node in g.nodes:
        d = g.nodes[node]
        face, edge, style, ls, _ = NODE_STYLE[d["kind"]]
        if d["kind"] == "program":
            face = CITY_FILL[d["city"]]
        x, y = POSITIONS[node]
        boxes[node] = ax.text(x, y, "\n".join(node_lines(g, node)), ha="center", va="center",
                              fontsize=11.5 if d["kind"] == "program" else 9.5, zorder=5, linespacing=1.25,
                              bbox=dict(boxstyle=style, facecolor=face, edgecolor=edge,
                                        linewidth=2.4 if d["kind"] == "program" else 1.3, linestyle=ls))
    fig.canvas.draw()   # lay the boxes out, so arrows can stop at their borders
    to_data = ax.transData.inverted()
    extents = {}
    for node, t in boxes.items():
        bb = t.get_bbox_patch().get_window_extent()
        (x0, y0), (x1, y1) = to_data.transform([(bb.x0, bb.y0), (bb.x1, bb.y1)])
        extents[node] = (x0 - 0.25, y0 - 0.35, x1 + 0.25, y1 + 0.35)

    edges = edges_of(g)
    in_cycle = {(e.source, e.target, e.type) for c in cycles(g) for e in c}
    for e, idx in zip(edges, _edge_indices(edges)):
        colour, ls, width, _ = EDGE_STYLE[e.type]
        if (e.source, e.target, e.type) in in_cycle:
            width += 1.2
        q0, q1, q2, at = curve(POSITIONS[e.source], POSITIONS[e.target], _edge_bend(e, idx),
                               extents[e.source], extents[e.target], LABEL_T.get((e.source, e.target, e.type, idx), 0.5))
        head = "-|>,head_length=0.9,head_width=0.45"
        ax.add_patch(FancyArrowPatch(path=MPath([q0, q1, q2], [MPath.MOVETO, MPath.CURVE3, MPath.CURVE3]),
                                     arrowstyle=head if ls == "-" else "-", mutation_scale=14,
                                     color=colour, linestyle=ls, linewidth=width, zorder=3))
        if ls != "-":   # a dashed head blurs: draw it solid on the last stretch
            ax.add_patch(FancyArrowPatch(bezier(q0, q1, q2, 0.93), q2, arrowstyle=head, mutation_scale=14,
                                         color=colour, linewidth=width, shrinkA=0, shrinkB=0, zorder=3))
        ax.text(at[0], at[1], e.label, fontsize=8.5, color=colour, ha="center", va="center", zorder=4,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor=colour,
                          linewidth=0.6, alpha=0.92))

    for k, c in enumerate(cycles(g)):
        ax.text(50, BAND[0] - 2.2 - 2.4 * k, _cycle_words(g, c, chinese=True), ha="center", va="center",
                fontsize=12.5, color="#b22222")
    ax.text(50, BAND[0] - 2.2 - 2.4 * len(cycles(g)),
            "每条箭头标注其所据条文（如 第十四条 = 该边所引文件的第十四条）；粗线为构成环的边。"
            "Each arrow is labelled with the article it is read from; thick lines close a cycle.",
            ha="center", va="center", fontsize=10, color="#555555")

    edge_handles = [Line2D([0], [0], color=c, linestyle=ls, linewidth=w + 0.6, label=name)
                    for c, ls, w, name in (EDGE_STYLE[t] for t in EDGE_TYPES)]
    node_handles = [Patch(facecolor=CITY_FILL["beijing"] if k == "program" else f, edgecolor=ec,
                          linestyle=ls, linewidth=1.5, label=name)
                    for k, (f, ec, _, ls, name) in NODE_STYLE.items()]
    first = ax.legend(handles=edge_handles, title="边 edge types", loc="upper left",
                      bbox_to_anchor=(0.0, 0.0), ncol=4, fontsize=11, title_fontsize=12, frameon=True)
    ax.add_artist(first)
    ax.legend(handles=node_handles, title="点 node kinds（认定项目按城市着色 programs coloured by city）",
              loc="upper right", bbox_to_anchor=(1.0, 0.0), ncol=4, fontsize=11, title_fontsize=12,
              frameon=True)
    ax.set_title("六项认定之间及其与外部文件、机构的关系（每条边注明条文）\n"
                 "How the six programs depend on one another and on outside documents and bodies",
                 fontsize=18, pad=12)
    fig.savefig(path, format="png", bbox_inches="tight")
    plt.close(fig)


# -- HTML --------------------------------------------------------------------

SCALE_X, SCALE_Y = 13.0, 13.0


def _svg_xy(x: float, y: float) -> tuple[float, float]:
    return 40 + x * SCALE_X, 40 + (BAND[1] - y) * SCALE_Y


def _text_width(line: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in line)


def html_page(g: nx.MultiDiGraph) -> str:
    """One self-contained page: SVG, data and script inline; click a node or an
    edge for its citation, tick edge types on and off, drag to pan, wheel to zoom."""
    data = node_link(g)
    edges = edges_of(g)
    boxes = {}
    parts = []
    for name, x0, x1, colour in REGIONS:
        (ax0, _), (ax1, _) = _svg_xy(x0, 0), _svg_xy(x1, 0)
        parts.append(f'<rect x="{ax0:.0f}" y="20" width="{ax1 - ax0:.0f}" height="{(BAND[1] - BAND[0]) * SCALE_Y + 20:.0f}" '
                     f'fill="{colour}"/><text x="{(ax0 + ax1) / 2:.0f}" y="44" class="region">{html.escape(name)}</text>')
    for node in g.nodes:
        d = g.nodes[node]
        lines = node_lines(g, node)
        size = 13 if d["kind"] == "program" else 11
        w = max(_text_width(ln, size) for ln in lines) + 16
        h = len(lines) * size * 1.3 + 10
        cx, cy = _svg_xy(*POSITIONS[node])
        boxes[node] = (cx, cy, w, h)
    for i, (e, idx) in enumerate(zip(edges, _edge_indices(edges))):
        colour, ls, width, _ = EDGE_STYLE[e.type]
        dash = {"-": "", "--": "8,5", ":": "2,4", "-.": "9,4,2,4"}[ls]
        # y points down in SVG, so arc3's bend turns the other way
        (x1, y1), (cx, cy), (x2, y2), (lx, ly) = curve(
            boxes[e.source][:2], boxes[e.target][:2], -_edge_bend(e, idx), _svg_box(boxes[e.source]),
            _svg_box(boxes[e.target]), LABEL_T.get((e.source, e.target, e.type, idx), 0.5))
        d = f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"
        lw = _text_width(e.label, 11) + 6
        parts.append(
            f'<g class="edge" data-i="{i}" data-type="{e.type}">'
            f'<path d="{d}" stroke="{colour}" stroke-width="{width:.1f}" fill="none" '
            f'stroke-dasharray="{dash}"/><polygon points="{_head((cx, cy), (x2, y2), width)}" fill="{colour}"/>'
            f'<path class="hit" d="{d}"/>'
            f'<rect x="{lx - lw / 2:.1f}" y="{ly - 8:.1f}" width="{lw:.1f}" height="16" rx="3" fill="#fff" '
            f'fill-opacity="0.9" stroke="{colour}" stroke-width="0.6"/>'
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" class="elabel" fill="{colour}">{html.escape(e.label)}</text></g>')
    for j, node in enumerate(g.nodes):
        d = g.nodes[node]
        face, edge, style, ls, _ = NODE_STYLE[d["kind"]]
        if d["kind"] == "program":
            face = CITY_FILL[d["city"]]
        cx, cy, w, h = boxes[node]
        size = 13 if d["kind"] == "program" else 11
        rx = 10 if style.startswith("round") else 2
        dash = ' stroke-dasharray="6,4"' if ls == "--" else ""
        lines = node_lines(g, node)
        tspans = "".join(f'<tspan x="{cx:.1f}" dy="{size * 1.3 if k else 0:.1f}">{html.escape(ln)}</tspan>'
                         for k, ln in enumerate(lines))
        top = cy - h / 2 + size + 2
        weight = "bold" if d["kind"] == "program" else "normal"
        parts.append(
            f'<g class="node" data-id="{html.escape(node)}" data-j="{j}">'
            f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" '
            f'fill="{face}" stroke="{edge}" stroke-width="{2.2 if d["kind"] == "program" else 1.2}"{dash}/>'
            f'<text x="{cx:.1f}" y="{top:.1f}" font-size="{size}" font-weight="{weight}">{tspans}</text></g>')
    width, height = _svg_xy(XLIM[1], YLIM[0] + 6)
    toggles = "".join(
        f'<label><input type="checkbox" checked data-t="{t}"> <span style="color:{EDGE_STYLE[t][0]}">'
        f'━</span> {html.escape(EDGE_STYLE[t][3])}</label>' for t in EDGE_TYPES)
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    cycle_lines = "".join(f"<li>{html.escape(_cycle_words(g, c))}</li>" for c in cycles(g))
    page = _PAGE.format(svg="".join(parts), w=f"{width:.0f}", h=f"{height:.0f}",
                        toggles=toggles, data=payload, cycles=cycle_lines,
                        nodes=g.number_of_nodes(), edges=g.number_of_edges())
    # The page carries its own CJK glyphs (every character it can show, the
    # panel's citations included), so it renders on a machine without CJK fonts.
    from kb.io.fonts import font_face_css
    return page.replace("<style>\n", "<style>\n" + font_face_css(page) + "\n", 1)


def _cycle_words(g: nx.MultiDiGraph, cycle: list[Edge], chinese: bool = False) -> str:
    """A cycle in words: 环 A —type 条文→ B —…→ A."""
    name = (lambda n: g.nodes[n]["label"]) if chinese else (lambda n: n)
    steps = "".join(f"{name(e.source)} —{EDGE_STYLE[e.type][3] if chinese else e.type}（{e.citation.program} {e.label}）→ "
                    for e in cycle)
    return ("环 cycle: " if chinese else "") + steps + name(cycle[0].source)


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


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>regkb — 六项认定关系图 program graph</title>
<style>
body {{ margin: 0; font-family: "RegKB CJK", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; display: flex; height: 100vh; }}
#left {{ flex: 1; display: flex; flex-direction: column; min-width: 0; }}
#bar {{ padding: 6px 10px; border-bottom: 1px solid #ccc; font-size: 13px; }}
#bar label {{ margin-right: 12px; white-space: nowrap; }}
svg {{ flex: 1; cursor: grab; background: #fff; }}
#panel {{ width: 380px; border-left: 1px solid #ccc; padding: 10px 14px; overflow-y: auto; font-size: 14px; }}
.region {{ font-size: 20px; fill: #666; text-anchor: middle; }}
.node text {{ text-anchor: middle; }}
.node, .edge {{ cursor: pointer; }}
.edge .hit {{ stroke: transparent; stroke-width: 12; fill: none; }}
.elabel {{ font-size: 11px; text-anchor: middle; }}
.dim {{ opacity: 0.12; }}
.hidden {{ display: none; }}
.sel rect, .sel path:first-child {{ stroke-width: 4 !important; }}
blockquote {{ margin: 6px 0; padding: 6px 8px; background: #f6f6f6; border-left: 3px solid #999; }}
code {{ font-size: 12px; }}
</style></head>
<body>
<div id="left">
<div id="bar">{toggles} <button id="reset">全部 / reset</button></div>
<svg id="svg" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">
<g id="view">{svg}</g>
</svg>
</div>
<div id="panel">
<h3>程序关系图 Program graph</h3>
<p>{nodes} nodes, {edges} edges. Click a node or an arrow to see the article it rests on and the Chinese it quotes. Tick edge types on or off above; drag to pan, scroll to zoom.</p>
<p><b>环 Cycles</b></p><ul>{cycles}</ul>
<div id="info"></div>
</div>
<script type="application/json" id="data">{data}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("data").textContent);
  var info = document.getElementById("info");
  function esc(s) {{ return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) {{
    return {{"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}}[c]; }}); }}
  function nodeLabel(id) {{ for (var k = 0; k < data.nodes.length; k++) if (data.nodes[k].id === id) return data.nodes[k].label || id; return id; }}
  function clearSel() {{ document.querySelectorAll(".sel, .dim").forEach(function (el) {{ el.classList.remove("sel", "dim"); }}); }}
  function showEdge(i) {{
    var e = data.edges[i], c = e.citation;
    info.innerHTML = "<h3>" + esc(e.type) + "</h3><p>" + esc(nodeLabel(e.source)) + " <code>" + esc(e.source) +
      "</code><br>→ " + esc(nodeLabel(e.target)) + " <code>" + esc(e.target) + "</code></p>" +
      "<p><b>" + esc(c.program) + " " + esc(e.article_label) + "</b> (<code>" + esc(e.document) + "</code>)</p>" +
      "<blockquote>「" + esc(e.quote) + "」</blockquote><p>" + esc(e.gloss) + "</p>" +
      (e.interpretation ? "<p><i>Interpretation:</i> " + esc(e.interpretation) + "</p>" : "") +
      (e.transition ? "<p><i>Transition:</i> " + esc(e.transition) + "</p>" : "") +
      (e.amount ? "<p><i>Amount:</i> " + esc(e.amount) + " " + esc(e.unit) + "</p>" : "") +
      "<details><summary>Article text</summary><blockquote>" + esc(c.text) + "</blockquote></details>";
  }}
  function showNode(id) {{
    var n = null; data.nodes.forEach(function (x) {{ if (x.id === id) n = x; }});
    var rows = data.edges.map(function (e, i) {{ return [e, i]; }}).filter(function (p) {{ return p[0].source === id || p[0].target === id; }});
    info.innerHTML = "<h3>" + esc(n.label) + "</h3><p><code>" + esc(id) + "</code> · " + esc(n.kind) +
      (n.number ? " · " + esc(n.number) : "") + "</p><p>" + esc(n.gloss || "") + "</p>" +
      (n.interpretation ? "<p><i>Interpretation:</i> " + esc(n.interpretation) + "</p>" : "") +
      "<ul>" + rows.map(function (p) {{ var e = p[0]; return "<li><a href='#' data-e='" + p[1] + "'>" + esc(e.type) + " " +
        (e.source === id ? "→ " + esc(nodeLabel(e.target)) : "← " + esc(nodeLabel(e.source))) + " (" + esc(e.article_label) + ")</a></li>"; }}).join("") + "</ul>";
    info.querySelectorAll("a[data-e]").forEach(function (a) {{ a.onclick = function (ev) {{ ev.preventDefault(); showEdge(+a.dataset.e); }}; }});
    document.querySelectorAll(".edge").forEach(function (el) {{
      var e = data.edges[+el.dataset.i]; if (e.source !== id && e.target !== id) el.classList.add("dim"); }});
  }}
  document.querySelectorAll(".edge").forEach(function (el) {{
    el.addEventListener("click", function (ev) {{ ev.stopPropagation(); clearSel(); el.classList.add("sel"); showEdge(+el.dataset.i); }}); }});
  document.querySelectorAll(".node").forEach(function (el) {{
    el.addEventListener("click", function (ev) {{ ev.stopPropagation(); clearSel(); el.classList.add("sel"); showNode(el.dataset.id); }}); }});
  document.querySelectorAll("#bar input").forEach(function (box) {{
    box.addEventListener("change", function () {{
      document.querySelectorAll('.edge[data-type="' + box.dataset.t + '"]').forEach(function (el) {{ el.classList.toggle("hidden", !box.checked); }}); }}); }});
  var svg = document.getElementById("svg"), vb = svg.viewBox.baseVal, drag = null;
  var home = [vb.x, vb.y, vb.width, vb.height];
  document.getElementById("reset").onclick = function () {{
    vb.x = home[0]; vb.y = home[1]; vb.width = home[2]; vb.height = home[3]; clearSel(); info.innerHTML = "";
    document.querySelectorAll("#bar input").forEach(function (b) {{ b.checked = true; }});
    document.querySelectorAll(".edge").forEach(function (el) {{ el.classList.remove("hidden"); }}); }};
  svg.addEventListener("click", function () {{ clearSel(); }});
  svg.addEventListener("mousedown", function (ev) {{ drag = [ev.clientX, ev.clientY, vb.x, vb.y]; }});
  window.addEventListener("mouseup", function () {{ drag = null; }});
  window.addEventListener("mousemove", function (ev) {{
    if (!drag) return; var k = vb.width / svg.clientWidth;
    vb.x = drag[2] - (ev.clientX - drag[0]) * k; vb.y = drag[3] - (ev.clientY - drag[1]) * k; }});
  svg.addEventListener("wheel", function (ev) {{
    ev.preventDefault(); var f = ev.deltaY > 0 ? 1.15 : 1 / 1.15, r = svg.getBoundingClientRect();
    var px = vb.x + (ev.clientX - r.left) / r.width * vb.width, py = vb.y + (ev.clientY - r.top) / r.height * vb.height;
    vb.width *= f; vb.height *= f; vb.x = px - (px - vb.x) * f; vb.y = py - (py - vb.y) * f; }}, {{passive: false}});
}})();
</script>
</body></html>
"""


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
