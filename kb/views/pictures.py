"""Two pictures for an applicant: where it stands (a qualification matrix)
and when to apply (a plan's dated timeline), as PNG bytes.

Both draw Chinese with the CJK font kb/io/fonts.py registers, so they render the
same on any machine; the printable report embeds them as data URIs and the
applicant notebook shows them.
"""
from __future__ import annotations

import io
from datetime import timedelta

from typing import TYPE_CHECKING

from kb.law.model import PROGRAMS

if TYPE_CHECKING:   # annotations only: the pictures draw what the planner made
    from kb.planning.records import Step
    from kb.planning.result import Plan

# status of a top-level condition → (mark, fill colour)
# (the CJK font has no ✔ ✘, so the pictures use √ ×)
CELL = {"met": ("√", "#4caf50"), "failed": ("×", "#e53935"), "unknown": ("?", "#9e9e9e"),
        "evidence": ("·", "#90caf9")}
STATUS_WORD = {"qualifies": "√ 符合 qualifies", "fails": "× 不符合 fails", "undetermined": "? 待定 undetermined"}


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _figure(width: float, height: float):
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from kb.io.fonts import use_cjk_font
    use_cjk_font()
    return plt.subplots(figsize=(width, height))


def condition_states(kb, result) -> list[tuple[str, str]]:
    """(condition id, met / failed / unknown / evidence) for each top-level
    condition of a program, in the order of the text."""
    failed = {f.condition for f in result.failed}
    unknown = {f.condition for f in result.unknown}
    evidence = {f.condition for f in result.evidence}
    out = []
    for top in kb.programs[result.program].conditions:
        state = ("failed" if top.id in failed else "unknown" if top.id in unknown
                 else "evidence" if top.id in evidence else "met")
        out.append((top.id, state))
    return out


def matrix_png(kb, report, title: str | None = None) -> bytes:
    """One row per program (and entity): a square per top-level condition,
    coloured by its state, and the program's status."""
    rows = [(r, condition_states(kb, r)) for r in report.results]
    width = max(len(states) for _, states in rows) if rows else 1
    fig, ax = _figure(2.6 + 0.36 * width + 2.2, 0.5 + 0.42 * len(rows))
    from matplotlib.patches import Rectangle
    for i, (r, states) in enumerate(rows):
        y = len(rows) - 1 - i
        who = f"[{r.entity}] " if r.entity else ""
        ax.text(-0.3, y + 0.4, f"{who}{PROGRAMS[r.program]}", ha="right", va="center", fontsize=9)
        for j, (_, state) in enumerate(states):
            mark, colour = CELL[state]
            ax.add_patch(Rectangle((j, y + 0.05), 0.9, 0.7, facecolor=colour, edgecolor="white"))
            ax.text(j + 0.45, y + 0.4, mark, ha="center", va="center", fontsize=8, color="white")
        ax.text(width + 0.4, y + 0.4, STATUS_WORD[r.status], ha="left", va="center", fontsize=9)
    ax.set_xlim(-0.2, width + 4.5)
    ax.set_ylim(-0.2, len(rows))
    ax.axis("off")
    legend = "   ".join(f"{mark} {word}" for mark, word in
                        (("√", "met 满足"), ("×", "failed 不满足"), ("?", "data missing 缺数据"),
                         ("·", "evidence to prepare 需准备材料")))
    ax.set_title((title or f"资格矩阵 Qualification matrix — {report.org}, {report.as_of}") + "\n" + legend,
                 fontsize=10, loc="left")
    return _png(fig)


def timeline_png(plan: Plan, steps: list[Step] | None = None, title: str | None = None) -> bytes:
    """The plan's applications on a calendar: each step's date, the waits
    before it (a time bar running out), the calls it waits for, and the
    preference or prerequisite it leans on (an arrow from the earlier step).
    ``steps``: the steps to draw, when not the plan's own (the report's partial plan)."""
    steps = plan.steps if steps is None else steps
    as_of = plan.as_of
    days = [s.earliest for s in steps] or [as_of]
    end = max(days + [as_of]) + timedelta(days=120)
    fig, ax = _figure(10, 1.2 + 0.55 * max(len(steps), 1))
    import matplotlib.dates as mdates
    ax.axvline(as_of, color="#555555", linestyle="-", linewidth=1)
    ax.text(as_of, len(steps) + 0.1, f" as of {as_of}", fontsize=8, color="#555555", va="bottom")
    calls = sorted({c.call for s in steps for c in s.calls})
    for c in calls:
        ax.axvline(c, color="#1e88e5", linestyle=":", linewidth=1)
    row = {}
    for i, s in enumerate(steps):
        y = len(steps) - 1 - i
        row[s.program, s.entity] = y
        day = s.earliest
        for w in s.waits:
            ax.plot([as_of, w.until], [y, y], color="#ffb74d", linewidth=6, solid_capstyle="butt", alpha=0.8)
        if day > as_of:
            ax.plot([as_of, day], [y, y], color="#bdbdbd", linewidth=1, linestyle="--")
        colour = "#43a047" if not s.changes and not s.supply else "#e53935"
        ax.plot([day], [y], marker="D", markersize=9, color=colour)
        # the entity is named when the steps are of more than one (the JSON this once read had no
        # "group" key, so a group's plan with one entity applying never named it either)
        who = f" [{s.entity}]" if len({x.entity for x in steps}) > 1 else ""
        n = len(s.changes)
        extra = f"; {n} change{'s' if n != 1 else ''}" if n else ""
        ax.text(day + timedelta(days=12), y + 0.12, f"{i + 1}. {s.name}{who}\n{day}{extra}",
                fontsize=8, va="center", zorder=4,
                # an arrow between two other steps may cross this label: it passes behind
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5})
    for s in steps:
        for source in s.after:
            a = (source, s.entity)
            if a in row:
                src = next(x for x in steps if (x.program, x.entity) == a)
                ax.annotate("", xy=(s.earliest, row[s.program, s.entity]), xytext=(src.earliest, row[a]),
                            arrowprops={"arrowstyle": "->", "color": "#6a1b9a", "lw": 1}, zorder=2)
    ax.set_ylim(-0.8, len(steps) + 0.6)
    ax.set_xlim(as_of - timedelta(days=30), end + timedelta(days=200))
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title((title or f"申报时间线 Application timeline — {plan.org}") +
                 "\n◆ apply (green: no change needed; red: after changes)   ■ waiting for a time bar   "
                 "┆ assumed yearly call   → leans on an earlier title", fontsize=9, loc="left")
    if not steps:
        ax.text(as_of, 0, "  no application can be planned within the horizon", fontsize=9, va="center")
    return _png(fig)
