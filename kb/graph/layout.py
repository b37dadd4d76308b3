"""Where the program graph's nodes and edges go, and how they look: the
layout, styles and curve geometry the PNG (kb/graph/png.py) and the HTML page
(kb/graph/page.py) share, so both pictures are the same drawing.

The layout is fixed by hand rather than computed: a reader finds Beijing on
the left, Guiyang in the middle, Chengdu on the right, and in each column the
laws a text rests on above it, the text, its programs, then the bodies and
facilities below; a force layout would move them on every run.
"""
from __future__ import annotations

import re

import networkx as nx

from kb.graph import Edge
from kb.law.model import CITY_LABEL, PROGRAM_INFO

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


def edge_bend(e: Edge, index: int) -> float:
    return BEND.get((e.source, e.target, e.type), DEFAULT_BEND) + TWIN_BEND * index


def label_at(e: Edge, index: int) -> float:
    return LABEL_T.get((e.source, e.target, e.type, index), 0.5)


def edge_indices(edges: list[Edge]) -> list[int]:
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


# -- words -------------------------------------------------------------------

def cycle_words(g: nx.MultiDiGraph, cycle: list[Edge], chinese: bool = False) -> str:
    """A cycle in words: 环 A —type 条文→ B —…→ A."""
    name = (lambda n: g.nodes[n]["label"]) if chinese else (lambda n: n)
    steps = "".join(f"{name(e.source)} —{EDGE_STYLE[e.type][3] if chinese else e.type}（{e.citation.program} {e.label}）→ "
                    for e in cycle)
    return ("环 cycle: " if chinese else "") + steps + name(cycle[0].source)
