"""How the API's answers show in Jupyter: tables with citations, pictures, and
small views over the modules' results (a check, a plan, a diff, a screen, an
impact). Display only: every figure and status comes from the module named in
each view; kb/notebook/api.py builds the views.
"""
from __future__ import annotations

import copy
import html
import io
import json
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from kb.law.model import CITY_LABEL, PROGRAMS, SHORT, Citation, Node

if TYPE_CHECKING:
    from kb.notebook.api import KB

CITY = CITY_LABEL
STATUSES = ("qualifies", "undetermined", "fails")
STATUS_COLOUR = {"qualifies": "#3a8f4b", "undetermined": "#c9a227", "fails": "#b5302a"}


# -- tables and pictures ------------------------------------------------------------------------------

_CSS = ("<style>.regkb td,.regkb th{text-align:left!important;vertical-align:top;"
        "white-space:pre-wrap;max-width:40em}</style>")


class Table(pd.DataFrame):
    """A DataFrame that shows as a captioned table, every cell in full."""
    _metadata = ["caption", "note"]

    @property
    def _constructor(self):
        return Table

    def _repr_html_(self) -> str:
        return _block(None, None, [self])


def table(rows: list[dict] | pd.DataFrame, caption: str | None = None, note: str | None = None,
          columns: list[str] | None = None) -> Table:
    out = Table(rows, columns=columns) if not isinstance(rows, pd.DataFrame) else Table(rows)
    out.caption, out.note = caption, note
    return out


def _frame_html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p><i>(none)</i></p>"
    named = df.index.name is not None or isinstance(df.index, pd.MultiIndex)   # a pivot's rows, not 0..n
    # pandas' own escaping shows a cell's line breaks as a literal "\n"; escape
    # each cell here and keep its lines as <br>.
    def cell(value):
        return html.escape(value).replace("\n", "<br>") if isinstance(value, str) else value
    shown = pd.DataFrame(df).map(cell)
    shown.columns = [cell(c) if isinstance(c, str) else c for c in shown.columns]
    if named and not isinstance(shown.index, pd.MultiIndex):
        shown.index = [cell(i) if isinstance(i, str) else i for i in shown.index]
        shown.index.name = cell(df.index.name) if isinstance(df.index.name, str) else df.index.name
    return shown.to_html(index=named, escape=False, na_rep="", border=0, classes="regkb")


def _block(title: str | None, note: str | None, frames: list, heading: str = "h4") -> str:
    out = [_CSS]
    if title:
        out.append(f"<{heading}>{html.escape(title)}</{heading}>")
    if note:
        out.append(f"<p>{html.escape(note)}</p>")
    for f in frames:
        if isinstance(f, str):
            out.append(f"<p>{html.escape(f)}</p>")
        elif isinstance(f, Table) and getattr(f, "caption", None):
            note = getattr(f, "note", None)
            out.append(f"<p><b>{html.escape(f.caption)}</b>"
                       + (f"<br>{html.escape(note)}" if note else "") + "</p>" + _frame_html(f))
        else:
            out.append(_frame_html(f))
    return "\n".join(out)


class Picture:
    """A PNG that shows itself in Jupyter; ``.png`` the bytes, ``.save(path)``."""

    def __init__(self, png: bytes):
        self.png = png

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: str | Path) -> Path:
        from kb.io.outputs import atomic_write   # all or nothing, the umask's permissions
        return atomic_write(path, self.png)


@contextmanager
def keep_backend():
    """The drawing modules select Agg for files; give Jupyter its own backend back."""
    import matplotlib
    import matplotlib.pyplot as plt
    before = matplotlib.get_backend()
    plt.switch_backend(before)   # load it now, so Jupyter's inline backend hooks in before Agg
    try:
        yield
    finally:
        if matplotlib.get_backend() != before:
            matplotlib.use(before)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    from kb.io.fonts import use_cjk_font
    use_cjk_font()
    return Figure(figsize=(width, height), dpi=110)


def _png(fig) -> Picture:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return Picture(buf.getvalue())


def cite(c: Citation | dict) -> str:
    """第五条（七） for a citation or its JSON."""
    return (c if isinstance(c, Citation) else Citation(**{k: c[k] for k in
            ("program", "article", "clause", "part", "inferred", "text")})).label()


def short(condition: str) -> str:
    return condition.split("/", 1)[-1]


def _words(node: Node | None) -> str:
    if node is None:
        return ""
    return node.quote or node.citation.text


# -- views ------------------------------------------------------------------------------------

class Standing:
    """A check: ``.table`` one row per program, ``.findings()`` one per failed or
    undetermined condition with the clause's Chinese text; ``.report`` the CheckReport."""

    def __init__(self, kb: KB, report):
        from kb.reasoning.check_display import failure_lines
        self.kb, self.report = kb, report
        rows = []
        for r in report.results:
            rows.append({**({"entity": r.entity} if r.entity else {}), "program": r.program,
                         "项目 name": PROGRAMS[r.program], "status": r.status,
                         # the clause's words, the figure against the threshold, what is missing
                         "不满足 failed": "\n".join(failure_lines(report, r)) if report.readings else "\n".join(
                             f"{f.citation.label()} {short(f.condition)}: {f.why}"
                             + (f" [{f.discretion}]" if f.discretion else "") for f in r.failed),
                         "缺数据 missing": ", ".join(m for f in r.unknown for m in f.missing or []),
                         "evidence to prepare": len(r.evidence)})
        self.table = table(rows, f"{report.org} as of {report.as_of}")

    def status(self, program: str, entity: str | None = None) -> str:
        return self.report.result(program, entity).status

    def findings(self) -> Table:
        rows = []
        for r in self.report.results:
            for kind, items in (("failed", r.failed), ("unknown", r.unknown)):
                for f in items:
                    rows.append({**({"entity": r.entity} if r.entity else {}), "program": r.program,
                                 "条款 cite": f.citation.label(), "condition": short(f.condition), "outcome": kind,
                                 "why": f.why if kind == "failed" else "missing " + ", ".join(f.missing or []),
                                 "discretion": f.discretion or "",
                                 "原文 text": _words(self.kb.base.nodes.get(f.condition)) or f.citation.text})
        return table(rows, f"Conditions not met by {self.report.org}, with their clauses")

    def picture(self) -> Picture:
        """The qualification matrix: one row per program, a square per condition
        (√ met, × failed, ? data missing, · evidence to prepare) — kb/views/pictures.py."""
        from kb.views.pictures import matrix_png
        with keep_backend():
            return Picture(matrix_png(self.kb.base, self.report))

    def to_json(self) -> dict:
        return self.report.to_json()

    def _repr_html_(self) -> str:
        return self.table._repr_html_()

    def __repr__(self) -> str:
        return self.report.text()


class AtOnce:
    def __init__(self, data: dict):
        self.result = data
        # one row per reason and pair of requirements (Beijing | Chengdu), its pairs of conditions listed
        self.conflicts = table([{"原因 reason": f"{r['field']}: {'; '.join(r['rule'])}",
                                 "要求 requires": f"{case['left'] or '—'} | {case['right'] or '—'}",
                                 "why": "\n".join(case["why"]),
                                 "条件对 pairs": "\n".join("  vs  ".join(f"{SHORT[x['program']]} {x['cite']}"
                                                                       for x in pair["conditions"])
                                                            for pair in case["pairs"])}
                                for r in data.get("reasons", []) for case in r["cases"]],
                               "Conditions no single entity can meet together, by reason")
        self.groups = table([{"programs": ", ".join(SHORT[p] for p in g["programs"]),
                              "requires": "; ".join(f"{k} ∈ {v}" for k, v in g["requires"].items())}
                             for g in data["groups"]], "Fewest entities that could hold them")
        self.assignment = table([{"program": a["program"], "entity": a["entity"], "status": a["status"],
                                  "also qualifying": ", ".join(e for e in a["qualifying"] if e != a["entity"]),
                                  "failed": "\n".join(f"{f['cite']} {short(f['condition'])}: {f['why']}"
                                                      for f in a["failed"])}
                                 for a in data["assignment"]], "Who could hold which program")

    def __repr__(self) -> str:
        from kb.comparison.atonce import at_once_text
        return at_once_text(self.result)

    def _repr_html_(self) -> str:
        verdict = ("One entity could hold all of them." if self.result["possible"]
                   else "No single entity can hold all of them.")
        return _block(f"{self.result['org']}: {', '.join(self.result['programs'])}", verdict,
                      [self.conflicts, self.groups, self.assignment])


class ProgramGraph(nx.MultiDiGraph):
    """The program graph (kb.graph.build_graph); shows as its edges with citations."""

    def edges_table(self, types: tuple[str, ...] | None = None) -> Table:
        from kb.graph import edges_of
        rows = [{"source": e.source, "type": e.type, "target": e.target, "条款 cite": f"{SHORT.get(e.citation.program, e.citation.program)} {e.label}",
                 "原文 quote": e.quote, "gloss": e.gloss} for e in edges_of(self, types)]
        return table(rows, f"{len(rows)} edges, each citing its article")

    def cycles_table(self) -> Table:
        from kb.graph import cycles
        rows = [{"cycle": " → ".join([*(e.source for e in c), c[0].source]),
                 "edges": "\n".join(f"{e.source} → {e.target} {e.type} ({e.citation.program} {e.label}「{e.quote}」)"
                                    for e in c)} for c in cycles(self)]
        return table(rows, "Cycles (reported, not hidden)")

    def nodes_table(self) -> Table:
        rows = [{"node": n, "kind": d.get("kind"), "label": d.get("label"), "city": d.get("city")}
                for n, d in self.nodes(data=True)]
        return table(rows, f"{len(rows)} nodes")

    def picture(self) -> Picture:
        from kb.graph.draw import draw_png
        with tempfile.TemporaryDirectory(prefix="regkb-") as tmp, keep_backend():
            draw_png(self, Path(tmp) / "graph.png")
            return Picture((Path(tmp) / "graph.png").read_bytes())

    def _repr_html_(self) -> str:
        return _block(f"Program graph: {self.number_of_nodes()} nodes, {self.number_of_edges()} edges", None,
                      [self.edges_table(), self.cycles_table()])


class PlanView:
    """A plan (kb.plan.Plan in ``.result``) as tables: targets, steps, changes and
    what each buys, waits, what cannot be done."""

    def __init__(self, kb: KB, profile, plan):
        self.kb, self.profile, self.result = kb, profile, plan
        p = plan.to_json()
        self.targets = table([{"program": t["program"], "项目 name": t["name"], "entity": t.get("entity") or "",
                               "now": t["status"] if "status" in t else ", ".join(
                                   f"{c['entity']} {c['status']}" for c in t.get("current", [])),
                               "reachable": t["reachable"], "earliest": t["earliest"] or ""}
                              for t in p["targets"]], "Targets")
        self.steps = table([{"order": i, "earliest": s["earliest"], "program": s["program"], "entity": s["entity"],
                             "now": s["status"], "changes": len(s["changes"]), "data to supply": len(s["supply"]),
                             "waits": "; ".join(f"until {w['until']}: {cite(w['citation'])} {w['why']}" for w in s["waits"]),
                             "relies on 依据": "\n".join(f"{'holds' if e['held'] else 'after'} {e['source']}: {e['type']} "
                                                       f"{cite(e['citation'])}「{e['quote']}」" for e in s["relies_on"])}
                            for i, s in enumerate(p["steps"], 1)], "Order of applications")
        from kb.planning import change_words
        rows = []
        for s in p["steps"]:
            for c in s["changes"]:
                rows.append({"program": s["program"], "entity": s["entity"], "change": change_words(c),
                             "field": c["field"], "from": c["from"], "to": c["to"],
                             "for 条款": "\n".join(f"{cite(ct)} {short(cid)}" for cid, ct in
                                                 zip(c["for"] + c["keeps"], c.get("citations", []))),
                             "also serves": ", ".join(c.get("also_for", [])),
                             "原文": "\n".join(_words(kb.base.nodes.get(cid)) for cid in c["for"])})
        self.changes = table(rows, "Changes, and the conditions each one serves")
        # missing data is unknown, never a value: the table says what it must be
        self.supply = table([{"program": s["program"], "field": x["field"], "must be 须满足": x.get("needs") or "—",
                              "for": ", ".join(short(f) for f in x["for"])}
                             for s in p["steps"] for x in s["supply"]],
                            "Data the profile does not give: what it must be to meet the text")
        self.impossible = table([{"kind": x["kind"], "programs": ", ".join(x["programs"]),
                                  "entity": x.get("entity") or "", "why": x["why"],
                                  "instead": x.get("instead") or "", "hint": x.get("hint") or ""}
                                 for x in p["impossible"]], "What cannot be done, and why")

    def timeline(self) -> Picture:
        """The applications on a calendar: each step's date, the waits before it, the
        assumed yearly calls, the title it leans on — kb/views/pictures.py."""
        from kb.views.pictures import timeline_png
        with keep_backend():
            return Picture(timeline_png(self.result.to_json()))

    def buys(self) -> Table:
        """Each distinct change alone, checked again (kb.plan.apply_step and the Datalog
        check): which programs it moves. A single entity's plan only."""
        if hasattr(self.profile, "entities"):
            raise ValueError("what each change buys is shown per entity: plan one entity of the group")
        from kb.planning import apply_step, change_words
        before = {r.program: r for r in self.kb.base.check(self.profile).results}
        rows, seen = [], set()
        for s in self.result.to_json()["steps"]:
            for c in s["changes"]:
                key = (c["field"], json.dumps(c["to"], default=str))
                if key in seen:
                    continue
                seen.add(key)
                step = {"earliest": self.profile.raw.get("as_of") or self.profile.as_of, "changes": [c],
                        "supply": [], "evidence": []}
                after = self.kb.base.check(apply_step(self.profile.raw, step))
                moved, met = [], []
                for r in after.results:
                    b = before[r.program]
                    if r.status != b.status:
                        moved.append(f"{SHORT[r.program]}: {b.status} → {r.status}")
                    now_failed = {f.condition for f in r.failed} | {f.condition for f in r.unknown}
                    met += [f"{SHORT[r.program]} {f.citation.label()} {short(f.condition)}"
                            for f in b.failed + b.unknown if f.condition not in now_failed]
                rows.append({"change": change_words(c), "conditions it meets 满足的条件": "\n".join(met) or "none alone",
                             "programs it moves": "\n".join(moved) or "none alone (others still fail)"})
        return table(rows, "What each change buys, taken alone",
                     "Each change applied by itself and the profile checked again with the Datalog rules.")

    def apply(self, step: int | None = None) -> dict:
        """The profile mapping with one step's (1-based) or every step's changes applied."""
        from kb.planning import apply_step
        steps = self.result.to_json()["steps"]
        data = copy.deepcopy(self.profile.raw)
        for s in steps if step is None else [steps[step - 1]]:
            data = apply_step(data, s)
        return data

    def text(self) -> str:
        return self.result.text()

    def __repr__(self) -> str:
        return self.result.text()

    def _repr_html_(self) -> str:
        return _block(f"Plan for {self.result.org} as of {self.result.as_of} (horizon {self.result.horizon} years)",
                      None, [self.targets, self.steps, self.changes, self.supply, self.impossible])


class DiffView:
    """A semantic diff (kb.diff.Diff in ``.result``): ``.changes`` one row per change."""

    def __init__(self, d):
        self.result = d
        from kb.revisions.diff import SUBSTANTIVE, TITLES
        rows = []
        for c in d.changes:
            j = c.to_json()
            old, new = j.get("old") or {}, j.get("new") or {}
            rows.append({"kind": TITLES[c.category], "substantive": c.category in SUBSTANTIVE, "subject": c.subject,
                         "summary": c.summary, "old 条款": old.get("label", ""), "new 条款": new.get("label", ""),
                         "old 原文": old.get("quote") or "", "new 原文": new.get("quote") or "",
                         "effect": c.effect or ""})
        self.changes = table(rows, f"{d.old.ref} → {d.new.ref}")

    def substantive(self) -> Table:
        out = self.changes[self.changes.substantive].drop(columns="substantive").reset_index(drop=True)
        return table(out, f"Substantive changes, {self.result.old.ref} → {self.result.new.ref}")

    def counts(self) -> dict[str, int]:
        return self.result.counts()

    def markdown(self) -> str:
        return self.result.markdown()

    def __repr__(self) -> str:
        return self.result.markdown()

    def _repr_html_(self) -> str:
        o, n = self.result.old, self.result.new
        notes = [f"{v.ref}: {'ILLUSTRATIVE — NOT AN OFFICIAL TEXT. ' if not v.official else ''}"
                 f"{v.status}, {v.completeness}" + (f", {len(v.gaps)} parts unknown" if v.gaps else "")
                 for v in (o, n)]
        return _block(f"{o.ref} → {n.ref}", "; ".join(notes), [self.changes])


class Screening(pd.DataFrame):
    """One row per organization × program (kb.screen's output): status, failed and
    unknown condition ids, missing fields, discretion."""
    _metadata = ["kb", "summary"]

    def __init__(self, data=None, *args, kb: KB | None = None, summary=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.kb, self.summary = kb, summary

    @property
    def _constructor(self):
        return Screening

    def _away(self, program: str) -> set[str]:
        """The program's registration-city conditions (an organization failing one is registered elsewhere)."""
        return {c.id for c in self.kb.base.programs[program].conditions
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
        base = self.kb.base
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
                             "of organizations": len(part), "原文": _words(node)})
        return table(rows, "每项条件排除的机构数 How many organizations each condition excludes",
                     ("Among organizations registered in the program's city. " if local else "")
                     + "'only this fails': the organizations this condition alone keeps out.")

    def plot_counts(self, local: bool = True) -> Picture:
        """Stacked bars, in % of the organizations: qualifies / undetermined / fails per program."""
        c = self.counts(local)
        fig = _figure(9.5, 3.8)
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
        return _png(fig)

    def plot_exclusions(self, top: int = 6, local: bool = True) -> Picture:
        """Per program, the conditions that exclude the most organizations."""
        ex = self.exclusions(local=local, top=top)
        progs = list(dict.fromkeys(ex["program"]))
        cols = 2
        rows = (len(progs) + cols - 1) // cols
        fig = _figure(13, 2.9 * rows)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, pid in zip(axes, progs):
            part = ex[ex["program"] == pid]
            labels = [f"{c} {_clip(q, 12)}" for c, q in zip(part["条款 cite"], part["原文"])]
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
        return _png(fig)


def cell_list(text: str) -> list[str]:
    """A list cell of kb.screen's output (ids joined by kb.vectorized.SEP)."""
    from kb.screening.vectorized import SEP
    return [x for x in text.split(SEP) if x] if text else []


def _clip(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n] + "…"


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
        fig = _figure(12, 2.0 + 1.0 * max(len(self.programs), 2))
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
        return _png(fig)

    def __repr__(self) -> str:
        return f"{self.title}\n{self.transitions.to_string(index=False)}"

    def _repr_html_(self) -> str:
        return _block(self.title, None, [self.transitions, self.flips, self.explained])

