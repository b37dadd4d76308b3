"""The threshold matrix at a glance (comparisons/threshold-matrix.png): a
heatmap of how strict each program is on each measure, within the row.

The picture carries a hash of the data it was drawn from, so a test can tell a
stale picture on any machine without comparing pixels.
"""
from __future__ import annotations

import hashlib
import io
import json
import struct
from typing import Any

from kb.comparison.thresholds import Row
from kb.law.model import SHORT

PICTURE = "threshold-matrix.png"
PICTURE_KEY = "regkb:data-sha256"
DRAWING = "heatmap-v2"      # bump when the drawing code changes: the picture must be redrawn


def _shared(row: Row, programs: list[str]) -> bool:
    return sum(row.score(p) is not None for p in programs) >= 2


def picture_data(rows: list[Row], programs: list[str]) -> dict[str, Any]:
    """What the picture shows, and nothing else: its hash says whether it is current."""
    shown = [r for r in rows if not r.generated and any(
        c.value is not None for cs in r.cells.values() for c in cs)]
    return {
        "drawing": DRAWING,
        "columns": [SHORT[p] for p in programs],
        "rows": [f"{r.name}" for r in shown],
        "labels": [[" / ".join(dict.fromkeys(c.short for c in r.cells.get(p, []))) or "—" for p in programs]
                   for r in shown],
        # Strictness is relative within a row: a measure only one program sets
        # has nothing to be stricter than, so it is shown but not coloured.
        "scores": [[None if r.score(p) is None or not _shared(r, programs) else round(r.score(p), 4)
                    for p in programs] for r in shown],
        "alone": [[r.score(p) is not None and not _shared(r, programs) for p in programs] for r in shown],
        "topics": [r.topic_name for r in shown],
    }


def data_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def draw(data: dict[str, Any]) -> bytes:
    """A heatmap: rows are measures, columns programs; the darker, the stricter
    within the row; grey, no requirement. Each cell says the figure."""
    from kb.io.fonts import use_cjk_font
    use_cjk_font()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap

    rows, cols = data["rows"], data["columns"]
    scores = np.array([[np.nan if s is None else s for s in r] for r in data["scores"]], dtype=float)
    cmap = LinearSegmentedColormap.from_list("strict", ["#fff4e0", "#f4a259", "#b5302a"]).with_extremes(bad="#e6e6e6")
    height = 1.6 + 0.36 * len(rows)
    fig, ax = plt.subplots(figsize=(10.5, height), dpi=110)
    im = ax.imshow(np.ma.masked_invalid(scores), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, fontsize=11)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), rows, fontsize=9.5)
    from matplotlib.patches import Rectangle
    for i, line in enumerate(data.get("alone", [])):
        for j, alone in enumerate(line):
            if alone:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color="#dbe7f3", zorder=1))
    for i, line in enumerate(data["labels"]):
        for j, label in enumerate(line):
            s = scores[i, j]
            color = "white" if not np.isnan(s) and s > 0.75 else "#333333"
            # a cell holds about 12 characters at 8.5 pt; a longer label (two figures) shrinks to fit
            size = 8.5 if len(label) <= 12 else 8.5 * 12 / len(label)
            ax.text(j, i, label, ha="center", va="center", fontsize=size, color=color)
    for i in range(1, len(rows)):
        if data["topics"][i] != data["topics"][i - 1]:
            ax.axhline(i - 0.5, color="white", linewidth=2.5)
    ax.set_xticks(np.arange(-0.5, len(cols)), minor=True)
    ax.grid(which="minor", axis="x", color="white", linewidth=2)
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("行内相对严格程度（最严 = 1）", fontsize=9)
    ax.set_title("六个项目的门槛对照：颜色越深越严格，灰色 = 未作要求，浅蓝 = 仅一个项目要求（不比较）\n"
                 "Thresholds of the six programs: darker is stricter within a row; grey: no requirement;\n"
                 "light blue: only one program sets it (nothing to compare)",
                 fontsize=11, pad=14)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None, PICTURE_KEY: data_hash(data)})
    plt.close(fig)
    return buf.getvalue()


def png_text(png: bytes) -> dict[str, str]:
    """The tEXt chunks of a PNG (where the picture's data hash is kept)."""
    out, pos = {}, 8
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"tEXt":
            key, _, value = png[pos + 8:pos + 8 + length].partition(b"\0")
            out[key.decode("latin-1")] = value.decode("latin-1")
        pos += 12 + length
    return out
