"""The notebook views of one organization and of the texts: a check
(Standing), holding programs together (AtOnce), the program graph, a plan, a
diff. Each holds the module's own result (``.result`` or ``.report``) beside
the tables it shows; kb/notebook/api.py builds them.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

import networkx as nx

from kb.law.model import PROGRAMS, SHORT
from kb.notebook.tables import Picture, Table, block, cite, keep_backend, short, table, words
from kb.reasoning.base import KnowledgeBase


class Standing:
    """A check: ``.table`` one row per program, ``.findings()`` one per failed or
    undetermined condition with the clause's Chinese text; ``.report`` the CheckReport."""

    def __init__(self, base: KnowledgeBase, report):
        from kb.reasoning.check_display import failure_lines
        self.base, self.report = base, report
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
                                 "原文 text": words(self.base.nodes.get(f.condition)) or f.citation.text})
        return table(rows, f"Conditions not met by {self.report.org}, with their clauses")

    def picture(self) -> Picture:
        """The qualification matrix: one row per program, a square per condition
        (√ met, × failed, ? data missing, · evidence to prepare) — kb/views/pictures.py."""
        from kb.views.pictures import matrix_png
        with keep_backend():
            return Picture(matrix_png(self.base, self.report))

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
        return block(f"{self.result['org']}: {', '.join(self.result['programs'])}", verdict,
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
        from kb.graph.png import draw_png
        with tempfile.TemporaryDirectory(prefix="regkb-") as tmp, keep_backend():
            draw_png(self, Path(tmp) / "graph.png")
            return Picture((Path(tmp) / "graph.png").read_bytes())

    def _repr_html_(self) -> str:
        return block(f"Program graph: {self.number_of_nodes()} nodes, {self.number_of_edges()} edges", None,
                      [self.edges_table(), self.cycles_table()])


class PlanView:
    """A plan (kb.planning's Plan in ``.result``) as tables: targets, steps, changes
    and what each buys, waits, what cannot be done. What needs the profile checked
    again or changed (``buys``, ``apply``) the facade computes (kb/notebook/api.py)
    and hands in."""

    def __init__(self, base: KnowledgeBase, plan, buys: Callable[[], list[dict]],
                 apply: Callable[[int | None], dict]):
        self.result, self._buys, self._apply = plan, buys, apply
        self.targets = table([{"program": t.program, "项目 name": t.name, "entity": t.entity or "",
                               "now": t.status, "reachable": t.reachable,
                               "earliest": t.earliest.isoformat() if t.earliest else ""}
                              for t in plan.targets], "Targets")
        self.steps = table([{"order": i, "earliest": s.earliest.isoformat(), "program": s.program, "entity": s.entity,
                             "now": s.status, "changes": len(s.changes), "data to supply": len(s.supply),
                             "waits": "; ".join(f"until {w.until}: {cite(w.citation)} {w.why}" for w in s.waits),
                             "relies on 依据": "\n".join(f"{'holds' if e.held else 'after'} {e.source}: {e.type} "
                                                       f"{cite(e.citation)}「{e.quote}」" for e in s.relies_on)}
                            for i, s in enumerate(plan.steps, 1)], "Order of applications")
        from kb.planning import change_words
        from kb.planning.records import json_value
        rows = []
        for s in plan.steps:
            for c in s.changes:
                # from and to as the plan's JSON gives them (0.9, not Fraction(9, 10))
                rows.append({"program": s.program, "entity": s.entity, "change": change_words(c),
                             "field": c.field, "from": json_value(c.old), "to": json_value(c.new),
                             "for 条款": "\n".join(f"{cite(ct)} {short(cid)}" for cid, ct in
                                                 zip(c.for_ + c.keeps, c.citations or [])),
                             "also serves": ", ".join(c.also_for or []),
                             "原文": "\n".join(words(base.nodes.get(cid)) for cid in c.for_)})
        self.changes = table(rows, "Changes, and the conditions each one serves")
        # missing data is unknown, never a value: the table says what it must be
        self.supply = table([{"program": s.program, "field": x.field, "must be 须满足": x.needs or "—",
                              "for": ", ".join(short(f) for f in x.for_)}
                             for s in plan.steps for x in s.supply],
                            "Data the profile does not give: what it must be to meet the text")
        self.impossible = table([{"kind": x.kind, "programs": ", ".join(x.programs),
                                  "entity": x.entity or "", "why": x.why,
                                  "instead": x.instead or "", "hint": x.hint or ""}
                                 for x in plan.impossible], "What cannot be done, and why")

    def timeline(self) -> Picture:
        """The applications on a calendar: each step's date, the waits before it, the
        assumed yearly calls, the title it leans on — kb/views/pictures.py."""
        from kb.views.pictures import timeline_png
        with keep_backend():
            return Picture(timeline_png(self.result))

    def buys(self) -> Table:
        """Each distinct change alone, checked again with the Datalog rules: which
        programs it moves. A single entity's plan only."""
        return table(self._buys(), "What each change buys, taken alone",
                     "Each change applied by itself and the profile checked again with the Datalog rules.")

    def apply(self, step: int | None = None) -> dict:
        """The profile mapping with one step's (1-based) or every step's changes applied."""
        return self._apply(step)

    def text(self) -> str:
        return self.result.text()

    def __repr__(self) -> str:
        return self.result.text()

    def _repr_html_(self) -> str:
        return block(f"Plan for {self.result.org} as of {self.result.as_of} (horizon {self.result.horizon} years)",
                      None, [self.targets, self.steps, self.changes, self.supply, self.impossible])


class DiffView:
    """A semantic diff (kb.revisions.diff.Diff in ``.result``): ``.changes`` one row per change."""

    def __init__(self, d):
        self.result = d
        from kb.revisions.changes import SUBSTANTIVE, TITLES
        rows = []
        for c in d.changes:
            old, new = c.old or {}, c.new or {}
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
        return block(f"{o.ref} → {n.ref}", "; ".join(notes), [self.changes])
