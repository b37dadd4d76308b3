"""The program graph as a PNG (matplotlib): the picture in comparisons/ and
the notebooks' ``graph().picture()``, laid out by kb/graph/layout.py."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from kb.graph import EDGE_TYPES, cycles, edges_of
from kb.graph.layout import (BAND, CITY_FILL, EDGE_STYLE, NODE_STYLE, POSITIONS, REGIONS, ROWS, XLIM, YLIM,
                             bezier, curve, cycle_words, edge_bend, edge_indices, label_at, node_lines)


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
    for e, idx in zip(edges, edge_indices(edges)):
        colour, ls, width, _ = EDGE_STYLE[e.type]
        if (e.source, e.target, e.type) in in_cycle:
            width += 1.2
        q0, q1, q2, at = curve(POSITIONS[e.source], POSITIONS[e.target], edge_bend(e, idx),
                               extents[e.source], extents[e.target], label_at(e, idx))
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
        ax.text(50, BAND[0] - 2.2 - 2.4 * k, cycle_words(g, c, chinese=True), ha="center", va="center",
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
