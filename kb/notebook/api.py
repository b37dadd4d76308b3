"""The Python API the notebooks use: one object, the project's questions, and
answers that display as tables with citations (or pictures) in Jupyter.

    from kb.notebook.api import KB
    kb = KB()                                   # default switches; KB(switches={...})
    profile = kb.sample("bj-wangjing-platform") # a mapping to edit; or a path, or a Profile
    kb.check(profile)                           # where it stands, program by program
    kb.explain(profile, "beijing.platform")     # the derivation tree, clause by clause
    kb.what_if(profile, {"performance.satisfaction": 0.9})
    kb.compare(level="program")                 # dominates / equivalent / conflicts / incomparable
    kb.matrix(); kb.matrix_picture()            # thresholds side by side; as a heatmap
    kb.relation_matrix(["staff"])               # who is stricter, programs x programs; .._picture()
    kb.sweep("beijing.platform", "beijing.platform/total_assets", [200, 150], kb.population(2000))
    kb.graph()                                  # networkx MultiDiGraph of the programs; .picture()
    kb.at_once(group); kb.plan(profile)         # who holds what; what to change, when, in which order
    kb.versions("beijing.platform"); kb.diff("beijing.platform@2017", "@2019")
    kb.screen(kb.population(2000))              # a whole population, vectorized
    kb.impact("chengdu.base", "@illustrative-building-area", kb.population(20000))
    kb.lint()                                   # drafting checks
    kb.draft_new("chengdu.base", "my-draft"); kb.draft_set("chengdu.base@my-draft", CONDITION, "20")

Tables are :class:`kb.notebook.tables.Table` (a pandas DataFrame with a caption); the
richer answers are small views (kb/notebook/views.py, kb/notebook/screening.py) holding
the module's own result (``.result``) beside their tables. Nothing is decided here:
every answer comes from the modules named in each method (kb.reasoning, kb.comparison,
kb.graph, kb.planning, kb.law.versions, kb.revisions, kb.population, kb.screening,
kb.lint). This file calls them and builds every view's data (a re-check with a
plan's changes applied included); the views only show it.
"""
from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from kb.reasoning.base import KnowledgeBase
from kb.law.model import PROGRAMS, SHORT
from kb.notebook import comparing
from kb.notebook.screening import Impact, Screening
from kb.notebook.tables import CITY, Picture, Table, cell_list, short, table
from kb.notebook.views import AtOnce, DiffView, PlanView, ProgramGraph, Standing

ROOT = Path(__file__).resolve().parents[2]          # the project, wherever it is checked out
FACTS = ROOT / "facts"
SAMPLES = FACTS / "organizations"


# -- the knowledge base ----------------------------------------------------------------------

class KB:
    """The knowledge base for notebooks. ``KB(switches={"growth_reading": "data_points"})``
    reads the texts another way; ``versions={"chengdu.sme-platform-and-startup-base":
    "illustrative-building-area"}`` reads another version of a text (kb/law/versions/)."""

    def __init__(self, switches: dict[str, str] | None = None, versions: dict | None = None,
                 as_of=None, facts: str | Path | None = None):
        self.base = KnowledgeBase(facts, switches, versions, as_of)
        self._catalogue = None

    @classmethod
    def of(cls, base: KnowledgeBase) -> "KB":
        out = cls.__new__(cls)
        out.base, out._catalogue = base, None
        return out

    def with_switches(self, **switches: str) -> "KB":
        return KB.of(self.base.with_switches(**switches))

    @property
    def catalogue(self):
        if self._catalogue is None:
            from kb.comparison.catalogue import load_catalogue
            self._catalogue = load_catalogue(self.base)
        return self._catalogue

    # -- what is encoded -------------------------------------------------------------
    def programs(self) -> Table:
        rows = []
        for pid in PROGRAMS:
            prog = self.base.programs[pid]
            lead = self.base.program_citation(prog)
            rows.append({"program": pid, "简称 short": SHORT[pid], "名称 name": prog.name,
                         "城市 city": CITY[prog.document.city], "文件 document": prog.document.title,
                         "conditions": len(prog.conditions), "条款 cite": lead.label(),
                         "原文 text": lead.text})
        return table(rows, "六个认定项目 The six programs")

    def switches(self) -> Table:
        rows = [{"switch": s.name, "value": self.base.settings[s.name], "default": s.default,
                 "reading": s.values[self.base.settings[s.name]], "why": s.why}
                for s in self.base.switch_defs.values()]
        return table(rows, "解释开关 Interpretation switches",
                     "Readings of ambiguous text; KB(switches={name: value}) chooses another.")

    def samples(self) -> Table:
        from kb.io.yamlio import read_yaml
        rows = []
        for path in sorted(SAMPLES.glob("*.yaml")):
            if path.name == "expected.yaml":
                continue
            raw = read_yaml(path) or {}
            head = raw.get("group") or raw
            rows.append({"sample": path.stem, "name": head.get("name"),
                         "city": raw.get("registered_city") or "group of "
                         + ", ".join(e.get("registered_city", "?") for e in raw.get("entities", [])),
                         "file": f"facts/organizations/{path.name}"})
        return table(rows, "样例机构 Sample organizations (facts/organizations)")

    def sample(self, name: str) -> dict:
        """A sample profile as a mapping, to read or edit and pass to check / plan."""
        from kb.io.yamlio import read_yaml
        return read_yaml(SAMPLES / f"{Path(name).stem}.yaml")

    def profile(self, profile) -> Table:
        """A profile's fields, one per row (its CSV form, kb.population.profile_row)."""
        from kb.population import profile_row
        loaded = self.base.load(profile)
        rows = []
        for entity in getattr(loaded, "entities", None) or [loaded]:
            for field, value in profile_row(entity).items():
                rows.append({"entity": entity.id, "field": field, "value": value})
        out = table(rows, f"{loaded.id} as of {loaded.as_of}")
        return out if hasattr(loaded, "entities") else out.drop(columns="entity")

    # -- one organization --------------------------------------------------------------
    def check(self, profile, programs: list[str] | None = None, as_of=None) -> Standing:
        """Every program's status (kb.reasoning.base.KnowledgeBase.check, the Datalog rules)."""
        return Standing(self.base, self.base.check(profile, programs, as_of))

    def explain(self, profile, program: str, as_of=None):
        """The derivation tree of one program (shows as a tree with citations)."""
        return self.base.explain(profile, program, as_of)

    def what_if(self, profile, changes: dict[str, Any], programs: list[str] | None = None) -> Table:
        """Status before and after setting some fields (kb.planning.apply_values), program by program."""
        loaded = self.base.load(profile)
        before = self.base.check(loaded, programs)
        after = self._check_changed(loaded, list(changes.items()), programs)
        rows = []
        for b, a in zip(before.results, after.results):
            rows.append({"program": b.program, "简称": SHORT[b.program], "before": b.status, "after": a.status,
                         "still failing 仍不满足": "\n".join(f"{f.citation.label()} {short(f.condition)}: {f.why}"
                                                        for f in a.failed),
                         "still missing 缺数据": ", ".join(m for f in a.unknown for m in f.missing or [])})
        what = ", ".join(f"{f} → {v}" for f, v in changes.items())
        return table(rows, f"What if {what}")

    def at_once(self, profile, programs: list[str] | None = None) -> AtOnce:
        """Whether one entity can hold these programs together; for a group, who holds which (kb.comparison.atonce)."""
        from kb.comparison.atonce import at_once
        return AtOnce(at_once(self.base, profile, programs, catalogue=self.catalogue))

    def plan(self, profile, targets: list[str] | None = None, horizon: int = 3) -> PlanView:
        """The joint minimal changes, dates and order of applications (kb.planning)."""
        from kb.planning import plan
        loaded = self.base.load(profile)
        result = plan(self.base, profile, targets, horizon)
        return PlanView(self.base, result, buys=lambda: self._buys(loaded, result),
                        apply=lambda step=None: _apply_plan(loaded.raw, result, step))

    def _check_changed(self, loaded, changes: list[tuple[str, Any]], programs: list[str] | None = None):
        """The check of ``loaded`` with ``changes`` (field, value) applied (kb.planning.apply_values)."""
        from kb.planning import apply_values
        return self.base.check(apply_values(loaded.raw, loaded.raw.get("as_of") or loaded.as_of, changes), programs)

    def _buys(self, loaded, plan) -> list[dict]:
        """Each distinct change of ``plan`` alone, checked again: the programs it moves
        and the conditions it meets (PlanView.buys)."""
        if hasattr(loaded, "entities"):
            raise ValueError("what each change buys is shown per entity: plan one entity of the group")
        from kb.planning import change_words
        from kb.planning.records import json_value
        before = {r.program: r for r in self.base.check(loaded).results}
        rows, seen = [], set()
        for s in plan.steps:
            for c in s.changes:
                # the value as a profile file writes it, as apply_step sets it
                to = json_value(c.new)
                key = (c.field, json.dumps(to, default=str))
                if key in seen:
                    continue
                seen.add(key)
                moved, met = [], []
                for r in self._check_changed(loaded, [(c.field, to)]).results:
                    b = before[r.program]
                    if r.status != b.status:
                        moved.append(f"{SHORT[r.program]}: {b.status} → {r.status}")
                    now_failed = {f.condition for f in r.failed} | {f.condition for f in r.unknown}
                    met += [f"{SHORT[r.program]} {f.citation.label()} {short(f.condition)}"
                            for f in b.failed + b.unknown if f.condition not in now_failed]
                rows.append({"change": change_words(c), "conditions it meets 满足的条件": "\n".join(met) or "none alone",
                             "programs it moves": "\n".join(moved) or "none alone (others still fail)"})
        return rows

    # -- the programs side by side ------------------------------------------------------
    def compare(self, programs: list[str] | None = None, topics: list[str] | None = None,
                level: str = "condition", relation: str | None = None) -> Table:
        """Relations between conditions (or whole programs, ``level="program"``), each
        side cited; ``relation`` keeps one kind (kb.comparison.relations)."""
        return comparing.compare(self.base, self.catalogue, programs, topics, level, relation)

    def relation_matrix(self, topics: list[str] | None = None, programs: list[str] | None = None) -> Table:
        """谁更严格: programs × programs over the topics, each cell row ⟨≻ ≺ ≡ ✗ ∥⟩ column
        counted over the topics (``regkb compare --matrix``)."""
        return comparing.relation_matrix(self.base, topics, programs)

    def relation_matrix_picture(self, topics: list[str] | None = None,
                                programs: list[str] | None = None) -> Picture:
        """The same as a heatmap (red: the row is stricter more often)."""
        return comparing.relation_matrix_picture(self.base, topics, programs)

    def matrix(self, programs: list[str] | None = None) -> Table:
        """门槛对照表: each canonical measure against each program, with the clause."""
        return comparing.matrix(self.base, self.catalogue, programs)

    def matrix_picture(self, programs: list[str] | None = None) -> Picture:
        """The threshold matrix as a heatmap (the picture in comparisons/)."""
        return comparing.matrix_picture(self.base, self.catalogue, programs)

    def graph(self) -> ProgramGraph:
        """The dependency graph of the programs (kb.graph), a networkx MultiDiGraph."""
        from kb.graph import build_graph
        return ProgramGraph(build_graph(self.base))

    # -- versions and revisions ------------------------------------------------------------
    def versions(self, document: str) -> Table:
        """Every known version of a document (id or program id), kb.law.versions."""
        from kb.law.versions import Versions, document_of_program
        reg = Versions(self.base.facts_dir, document_of_program(self.base.facts_dir, document))
        rows = []
        for v in reg.by_id.values():
            j = v.to_json()
            rows.append({"version": j["ref"], "status": v.status, "official": v.official,
                         "text": "current encoding" if v.current else f"overlay on {v.base}" if v.base
                         else v.completeness, "title": j.get("title") or "", "number": j.get("number") or "",
                         "in force from": j["in_force_from"] or "", "until": j["in_force_until"] or
                         (f"repealed by {v.repealed_by}" if v.repealed_by else ""),
                         "label": j.get("label") or ""})
        return table(rows, f"Versions of {reg.doc_id}")

    def _ref(self, text: str, default_doc: str | None = None):
        from kb.law.versions import parse_ref
        return parse_ref(str(text), self.base.facts_dir, default_doc)

    def at_version(self, ref: str) -> "KB":
        """The knowledge base reading one document at another version (``DOC@VERSION``)."""
        doc, key = self._ref(ref)
        return KB.of(KnowledgeBase(self.base.facts_dir, self.base.settings, versions={doc: key}))

    # ``regkb draft new|set|renumber`` on this knowledge base's facts directory (kb/revisions/drafting.py)
    def draft_new(self, doc: str, vid: str, label: str | None = None, base: str = "current") -> str:
        """A complete, marked (official: false, status: draft) copy of ``base`` as ``DOC@VID``."""
        from kb.revisions.drafting import new_draft
        path = new_draft(self.base.facts_dir, doc, vid, label, base)
        return f"wrote {path} (official: false, status: draft)"

    def draft_set(self, ref: str, condition: str, value: str) -> str:
        """Change a condition's figure in the draft ``ref`` and the words stating it together."""
        from kb.revisions import drafting
        return self._draft_edit(ref, lambda d: drafting.set_figure(d, condition, str(value)))

    def draft_renumber(self, ref: str, start: int, by: int, article: int | None = None) -> str:
        """Shift article (or, with ``article``, that article's clause) numbers and references."""
        from kb.revisions import drafting
        return self._draft_edit(ref, lambda d: drafting.renumber(d, start, by, article))

    def _draft_edit(self, ref: str, change) -> str:
        from kb.revisions.drafting import edit
        path, lines = edit(self.base.facts_dir, ref, change)
        return "\n".join([*lines, f"wrote {path}"])

    def diff(self, old: str, new: str) -> DiffView:
        """What a revision changes, matched by condition (kb.revisions.diff). OLD and NEW are
        ``DOC@VERSION`` (``@VERSION`` for the same document), or a version file."""
        from kb.revisions.diff import diff
        old_ref = self._ref(old)
        return DiffView(diff(self.base, old_ref, self._ref(new, old_ref[0])))

    # -- populations ---------------------------------------------------------------------
    def population(self, n: int = 300, seed: int = 0, as_of: str = "2024-06-30") -> pd.DataFrame:
        """``n`` synthetic organizations in CSV form (kb.population.generate_frame)."""
        from kb.population import generate_frame
        return generate_frame(n, seed, as_of, facts_dir=str(self.base.facts_dir))

    def member(self, population: pd.DataFrame, org: str):
        """One organization of a population, as a profile for check / explain / plan."""
        from kb.profile import profile_from_row
        rows = population[population["id"] == org]
        return profile_from_row(rows.iloc[0].to_dict(), "population", int(rows.index[0]) + 2)

    def screen(self, population: pd.DataFrame | str | Path, programs: list[str] | None = None) -> Screening:
        """Every organization × program, vectorized (kb.screening.screen, the same encoded conditions)."""
        from kb.screening.screen import screen
        with tempfile.TemporaryDirectory(prefix="regkb-") as tmp:
            source = Path(population) if not isinstance(population, pd.DataFrame) else Path(tmp) / "population.csv"
            if isinstance(population, pd.DataFrame):
                population.to_csv(source, index=False)
            out = Path(tmp) / "screened.csv"
            summary = screen(self.base, source, out, programs, progress=False, report=lambda message: None)
            frame = pd.read_csv(out, dtype=str, keep_default_na=False)
        for col in ("failed", "unknown", "missing", "discretion"):
            frame[col] = frame[col].map(cell_list)
        frame["discretion"] = frame["discretion"].map(lambda xs: dict(x.partition("=")[::2] for x in xs))
        return Screening(frame, base=self.base, summary=summary)

    def sweep(self, program: str, condition: str, values: list, population: pd.DataFrame | str | Path) -> Table:
        """敏感性分析: how many organizations qualify, fail or stay undetermined as one
        figure of a program takes each of ``values`` (kb.screening.sweep; vectorized, as screen)."""
        from kb.screening.sweep import sweep
        with tempfile.TemporaryDirectory(prefix="regkb-") as tmp:
            source = Path(population) if not isinstance(population, pd.DataFrame) else Path(tmp) / "population.csv"
            if isinstance(population, pd.DataFrame):
                population.to_csv(source, index=False)
            result = sweep(self.base, program, condition, [str(v) for v in values], source, progress=False)
        rows = [{"取值 value": p.to_json()["value"], "符合 qualifies": p.counts["qualifies"],
                 "不符合 fails": p.counts["fails"], "待定 undetermined": p.counts["undetermined"],
                 "新增符合 gained": len(p.gained), "不再符合 lost": len(p.lost),
                 "条文 the text": "✔" if p.value == result.current else ""} for p in result.points]
        return table(rows, f"{program} {result.label}「{result.quote or ''}」",
                     f"{result.organizations:,} organizations; the text's figure is {result.to_json()['current']}.")

    def impact(self, old: str, new: str, population: pd.DataFrame, explain: int = 6) -> Impact:
        """Who a revision flips: every organization screened under both versions
        (vectorized), and the first ``explain`` flips re-checked with the Datalog
        rules (kb.revisions.flips.impact), which name the conditions responsible."""
        from kb.revisions.diff import diff
        from kb.revisions.flips import impact
        from kb.profile import profile_from_row
        old_ref = self._ref(old)
        new_ref = self._ref(new, old_ref[0])
        kbs = [KnowledgeBase(self.base.facts_dir, self.base.settings, versions={r[0]: r[1]})
               for r in (old_ref, new_ref)]
        programs = [p for p, prog in kbs[1].programs.items() if prog.document.id == old_ref[0]]
        with tempfile.TemporaryDirectory(prefix="regkb-") as tmp:
            source = Path(tmp) / "population.csv"
            population.to_csv(source, index=False)
            before, after = (KB.of(k).screen(source, programs) for k in kbs)
        both = before.merge(after, on=["org", "program"], suffixes=("_old", "_new"))
        flips = both[both.status_old != both.status_new]
        picked = list(dict.fromkeys(flips.org))[:explain]
        rows = population[population["id"].isin(picked)]
        profiles = [profile_from_row(r, "population", i + 2) for i, r in zip(rows.index, rows.to_dict("records"))]
        d = diff(self.base, old_ref, new_ref)
        checked = impact(kbs[0], kbs[1], profiles, programs, d.links, "population")
        return Impact(f"{d.old.ref} → {d.new.id}", programs, both, flips, checked, picked)

    # -- drafting --------------------------------------------------------------------------
    def lint(self, document: str | None = None) -> Table:
        """Drafting checks (kb.lint) for one document (id or path) or all."""
        from kb.lint import lint
        rows = [{"document": f.document, "条款 cite": f.citation.label(), "rule": f.rule,
                 "原文 excerpt": " ".join(f.excerpt.split()), "finding": f.message, "why it matters": f.why,
                 "see": "; ".join(r.label() + (f" ({r.document})" if r.document != f.document else "")
                                  for r in f.related)}
                for f in lint(self.base, document)]
        return table(rows, f"起草检查 Drafting checks: {len(rows)} findings")


def _apply_plan(raw: dict, plan, step: int | None = None) -> dict:
    """The profile mapping with one step's (1-based) or every step's changes applied (PlanView.apply)."""
    from kb.planning import apply_step
    steps = plan.steps
    data = copy.deepcopy(raw)
    for s in steps if step is None else [steps[step - 1]]:
        data = apply_step(data, s)
    return data
