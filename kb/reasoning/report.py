"""Check results as JSON (the interface contract), tables and notebook displays."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from kb.reasoning.check import ExplainNode, ProgramResult
from kb.law.model import PROGRAMS

STATUS_MARK = {"qualifies": "✔ qualifies", "fails": "✘ fails", "undetermined": "? undetermined"}


@dataclass
class CheckReport:
    org: str
    as_of: date
    results: list[ProgramResult]
    kb: Any = field(default=None, repr=False)
    # entity id (None for a single profile) -> the engine's reading, so the
    # table can word failures in the text's terms (kb/reasoning/check_display.py)
    readings: dict = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = {"org": self.org, "as_of": self.as_of.isoformat(),
               "results": [r.to_json() for r in self.results]}
        if self.kb is not None:   # keys added inside each result only: the top level stays as the contract shows
            from kb.reasoning.check_display import texts_applied
            texts = texts_applied(self.kb, list(dict.fromkeys(r.program for r in self.results)))
            by_program = {p: t for t in texts for p in t["programs"]}
            for r, data in zip(self.results, out["results"]):
                t = by_program[r.program]
                data["version"] = t["version"]
                data["text_status"] = t["status"]
                data["text_title"] = t["title"]
                if self.readings:   # the table's wording of each failure, for pages and tools
                    from kb.reasoning.check_display import failure_detail
                    for f, item in zip(r.failed, data["failed"]):
                        item.update(failure_detail(self, r, f))
        return out

    def result(self, program: str, entity: str | None = None) -> ProgramResult:
        for r in self.results:
            if r.program == program and (entity is None or r.entity == entity):
                return r
        raise KeyError(program)

    def table(self) -> pd.DataFrame:
        """One row per program (and entity): status, the failed and missing
        conditions with their citations."""
        from kb.reasoning.check_display import failure_lines
        rows = []
        for r in self.results:
            rows.append({
                **({"entity": r.entity} if r.entity is not None else {}),
                "program": r.program, "name": PROGRAMS[r.program], "status": r.status,
                "failed": "; ".join(failure_lines(self, r)) if self.readings else
                          "; ".join(f"{f.citation.label()} {f.why}" + (f" [{f.discretion}]" if f.discretion else "")
                                    for f in r.failed),
                "missing": ", ".join(m for f in r.unknown for m in (f.missing or [])),
                "evidence_to_prepare": len(r.evidence),
            })
        return pd.DataFrame(rows)

    def text(self, lang: str = "en") -> str:
        if self.kb is not None and self.readings:
            from kb.reasoning.check_display import render
            return render(self, lang)
        lines = [f"{self.org} as of {self.as_of}"]
        for r in self.results:
            who = f"[{r.entity}] " if r.entity else ""
            lines.append(f"\n{who}{r.program}  {PROGRAMS[r.program]}: {STATUS_MARK[r.status]}")
            for f in r.failed:
                mark = f" [{f.discretion}: the authority may decide otherwise]" if f.discretion else ""
                lines.append(f"  ✘ {f.citation.label()} {f.condition}: {f.why}{mark}")
            for f in r.unknown:
                lines.append(f"  ? {f.citation.label()} {f.condition}: missing {', '.join(f.missing or [])}")
            if r.evidence:
                lines.append(f"  · {len(r.evidence)} qualitative conditions assumed met; prepare evidence")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False, escape=True)


def tree_text(node: ExplainNode, indent: str = "") -> str:
    mark = {"met": "✔", "failed": "✘", "unknown": "?"}[node.status]
    n = node.node
    head = f"{indent}{mark} {n.citation.label()} {n.id}"
    if n.quote:
        head += f"  「{n.quote}」"
    lines = [head]
    if n.gloss:
        lines.append(f"{indent}    {n.gloss}")
    lines.append(f"{indent}    → {node.why}" + (f"  [{node.discretion}]" if node.discretion else ""))
    if n.switch:
        lines.append(f"{indent}    switch {n.switch[0]}={n.switch[1]}")
    for child in node.children:
        lines.append(tree_text(child, indent + "  "))
    return "\n".join(lines)


def tree_html(node: ExplainNode) -> str:
    mark = {"met": "✔", "failed": "✘", "unknown": "?"}[node.status]
    n = node.node
    kids = "".join(f"<li>{tree_html(c)}</li>" for c in node.children)
    return (f"<b>{mark} {html.escape(n.citation.label())}</b> <code>{html.escape(n.id)}</code> "
            f"{html.escape(n.quote or '')}<br><i>{html.escape(node.why)}</i>"
            + (f"<ul>{kids}</ul>" if kids else ""))


ExplainNode._repr_html_ = lambda self: tree_html(self)  # rich display in notebooks
