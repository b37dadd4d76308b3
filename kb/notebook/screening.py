"""The notebook views of a population: a screen (every organization × program,
counts, which conditions exclude whom, bar charts) and a revision's impact on
it. kb/notebook/api.py runs the screens and re-checks; these only show them.
"""
from __future__ import annotations

import pandas as pd

from kb.law.model import PROGRAMS, SHORT
from kb.notebook.tables import (STATUS_COLOUR, STATUSES, Picture, Table, block, clip, new_figure, picture_of,
                                short, table, words)
from kb.reasoning.base import KnowledgeBase


class Screening(pd.DataFrame):
    """One row per organization × program (kb.screening.screen's output): status, failed and
    unknown condition ids, missing fields, discretion."""
    _metadata = ["base", "summary"]

    def __init__(self, data=None, *args, base: KnowledgeBase | None = None, summary=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.base, self.summary = base, summary

    @property
    def _constructor(self):
        return Screening

    def _away(self, program: str) -> set[str]:
        """The program's registration-city conditions (an organization failing one is registered elsewhere)."""
        return {c.id for c in self.base.programs[program].conditions
                if c.kind == "locality" and c.params.get("field") == "registered_city"}

    def local(self, program: str) -> pd.DataFrame:
        """The rows of one program for organizations not failing its registration city."""
        part = self[self["program"] == program]
        away = self._away(program)
        return part[~part["failed"].map(lambda f: bool(away & set(f)))]

    def counts(self, local: bool = True) -> Table:
        """How many organizations qualify, stay undetermined, fail, per program;
        ``local``: among those registered in the program's city."""
        rows = []
        for pid in [p for p in PROGRAMS if p in set(self["program"])]:
            part = self.local(pid) if local else self[self["program"] == pid]
            got = part["status"].value_counts()
            rows.append({"program": pid, "简称": SHORT[pid], **{s: int(got.get(s, 0)) for s in STATUSES},
                         "organizations": len(part),
                         "qualify %": round(100 * got.get("qualifies", 0) / len(part), 1) if len(part) else 0.0})
        return table(rows, f"{self['org'].nunique()} organizations screened",
                     "Among organizations registered in each program's city." if local else None)

    def exclusions(self, program: str | None = None, local: bool = True, top: int | None = None) -> Table:
        """How many organizations each condition excludes (fails), and for how many it
        is the only failed condition. ``local`` leaves out organizations registered in
        another city (they fail the registration condition and say nothing of the rest)."""
        base = self.base
        rows = []
        for pid in [p for p in PROGRAMS if program in (None, p)]:
            part = self.local(pid) if local else self[self["program"] == pid]
            counts: dict[str, list[int]] = {}
            for failed in part["failed"]:
                for cid in failed:
                    counts.setdefault(cid, [0, 0])[0] += 1
                    counts[cid][1] += len(failed) == 1
            ranked = sorted(counts.items(), key=lambda kv: -kv[1][0])[:top]
            for cid, (n, alone) in ranked:
                node = base.nodes.get(cid)
                rows.append({"program": pid, "简称": SHORT[pid], "条款 cite": node.citation.label() if node else "",
                             "condition": short(cid), "fails": n, "only this fails": alone,
                             "of organizations": len(part), "原文": words(node)})
        return table(rows, "每项条件排除的机构数 How many organizations each condition excludes",
                     ("Among organizations registered in the program's city. " if local else "")
                     + "'only this fails': the organizations this condition alone keeps out.")

    def plot_counts(self, local: bool = True) -> Picture:
        """Stacked bars, in % of the organizations: qualifies / undetermined / fails per program."""
        c = self.counts(local)
        fig = new_figure(9.5, 3.8)
        ax = fig.subplots()
        left = [0.0] * len(c)
        names = [f"{s}\n({n} 家)" for s, n in zip(c["简称"], c["organizations"])]
        zh = {"qualifies": "符合", "undetermined": "待定（缺数据）", "fails": "不符合"}
        for s in STATUSES:
            share = [100 * v / n if n else 0 for v, n in zip(c[s], c["organizations"])]
            ax.barh(names, share, left=left, color=STATUS_COLOUR[s], label=f"{s} {zh[s]}")
            for y, (x0, w, v) in enumerate(zip(left, share, c[s])):
                if w >= 3:
                    ax.text(x0 + w / 2, y, str(v), ha="center", va="center", color="white", fontsize=9)
            left = [a + b for a, b in zip(left, share)]
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("占本地机构的百分比 % of the organizations registered in the program's city")
        ax.legend(ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
        ax.set_title(f"{self['org'].nunique()} 家合成机构的筛查结果 Screening a synthetic population", pad=30)
        return picture_of(fig)

    def plot_exclusions(self, top: int = 6, local: bool = True) -> Picture:
        """Per program, the conditions that exclude the most organizations."""
        ex = self.exclusions(local=local, top=top)
        progs = list(dict.fromkeys(ex["program"]))
        cols = 2
        rows = (len(progs) + cols - 1) // cols
        fig = new_figure(13, 2.9 * rows)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, pid in zip(axes, progs):
            part = ex[ex["program"] == pid]
            labels = [f"{c} {clip(q, 12)}" for c, q in zip(part["条款 cite"], part["原文"])]
            ax.barh(labels, part["fails"], color="#e39b5b", label="fails 不满足")
            ax.barh(labels, part["only this fails"], color="#b5302a", label="only this fails 唯一不满足")
            ax.invert_yaxis()
            ax.set_title(f"{SHORT[pid]} ({part['of organizations'].iloc[0]} 家本地机构)", fontsize=11)
            ax.tick_params(axis="y", labelsize=8.5)
        for ax in axes[len(progs):]:
            ax.axis("off")
        axes[0].legend(loc="lower right", fontsize=8.5)
        fig.suptitle("哪些条件排除的机构最多 Which conditions exclude the most organizations", fontsize=13)
        fig.tight_layout()
        return picture_of(fig)


class Impact:
    """A revision's effect on a population: ``.transitions`` (vectorized, every
    organization), ``.flips`` and ``.explained`` (Datalog, the conditions responsible)."""

    def __init__(self, title: str, programs: list[str], both: pd.DataFrame, flips: pd.DataFrame, checked,
                 picked: list[str]):
        self.title, self.programs, self.both, self.result = title, programs, both, checked
        self.checked = set(picked)
        t = both.groupby(["program", "status_old", "status_new"]).size().reset_index(name="organizations")
        t.insert(0, "简称", t["program"].map(SHORT))
        self.transitions = table(t.rename(columns={"status_old": "old", "status_new": "new"}),
                                 f"{both['org'].nunique()} organizations under both versions")
        self.flips = table(flips[["org", "program", "status_old", "status_new", "failed_old", "failed_new"]]
                           .rename(columns={"status_old": "old", "status_new": "new"}).reset_index(drop=True),
                           f"{len(flips)} flips (vectorized screen)")
        rows = []
        for f in checked.flips:
            for c in f.conditions:
                rows.append({"org": f.org, "program": f.program, "old → new": f"{f.old} → {f.new}",
                             "条款 cite": c["label"], "condition": short(c["condition"]),
                             "outcome": f"{c['old']} → {c['new']}",
                             "why (old)": c.get("why_old") or ", ".join(c.get("missing_old") or []),
                             "why (new)": c.get("why") or ", ".join(c.get("missing") or []) or c["new"]})
        self.explained = table(rows, f"{len({f.org for f in checked.flips})} flips re-checked with the Datalog rules: "
                                     "the conditions responsible")

    def agrees(self) -> bool:
        """Whether the Datalog re-check finds exactly the screen's flips for the
        organizations it re-checked."""
        mine = {(r.org, r.program, r.old, r.new) for r in self.flips.itertuples() if r.org in self.checked}
        theirs = {(f.org, f.program, f.old, f.new) for f in self.result.flips}
        return mine == theirs

    def plot(self) -> Picture:
        """Left: how many organizations qualify or stay undetermined, before and after,
        per program. Right: who changes status, by transition."""
        fig = new_figure(12, 2.0 + 1.0 * max(len(self.programs), 2))
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        names = [SHORT[p] for p in self.programs]
        y = range(len(self.programs))
        for k, (status, zh) in enumerate((("qualifies", "符合"), ("undetermined", "待定"))):
            for j, (when, col) in enumerate((("old", "#9aa5b1"), ("new", STATUS_COLOUR[status]))):
                vals = [int((self.both[self.both["program"] == p][f"status_{when}"] == status).sum())
                        for p in self.programs]
                pos = [i + (k * 2 + j - 1.5) * 0.2 for i in y]
                left.barh(pos, vals, 0.2, color=col, hatch="" if k == 0 else "//",
                          label=f"{status} {zh} ({'修订前 old' if when == 'old' else '修订后 new'})")
                for yy, v in zip(pos, vals):
                    left.text(v, yy, f" {v}", va="center", fontsize=8.5)
        left.margins(x=0.1)
        left.set_yticks(list(y), names)
        left.invert_yaxis()
        left.set_xlabel("机构数 organizations")
        left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False)
        left.set_title("符合与待定的机构数 Qualifying and undetermined, before and after", fontsize=10.5)
        moved = self.flips.groupby(["program", "old", "new"]).size().reset_index(name="n")
        if moved.empty:
            right.text(0.5, 0.5, "no organization changes status\n没有机构的结果发生变化", ha="center", va="center")
            right.axis("off")
        else:
            labels = [f"{SHORT[p]}\n{o} → {n}" for p, o, n in zip(moved["program"], moved["old"], moved["new"])]
            right.barh(labels, moved["n"], color=[STATUS_COLOUR[n] for n in moved["new"]])
            for i, v in enumerate(moved["n"]):
                right.text(v, i, f" {v}", va="center", fontsize=10)
            right.margins(x=0.1)
            right.invert_yaxis()
            right.set_xlabel("机构数 organizations")
            right.set_title("结果改变的机构 Organizations whose status changes", fontsize=10.5)
        fig.suptitle(f"修订的影响 Impact of the revision ({self.both['org'].nunique()} organizations): {self.title}",
                     fontsize=11.5)
        fig.tight_layout()
        return picture_of(fig)

    def __repr__(self) -> str:
        return f"{self.title}\n{self.transitions.to_string(index=False)}"

    def _repr_html_(self) -> str:
        return block(self.title, None, [self.transitions, self.flips, self.explained])
