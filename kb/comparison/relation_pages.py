"""The relations as Markdown pages (comparisons/relations.md, programs.md):
every pair of comparable conditions with its witness, and whole programs
compared topic by topic with which of them one entity could hold together.
"""
from __future__ import annotations

from typing import Any

from kb.comparison.relations import SYMBOL, Relation
from kb.comparison.sides import marks
from kb.comparison.thresholds import md_cell
from kb.law.model import SHORT


def _side_md(side, kb) -> str:
    if not side.entries:
        return f"{SHORT[side.program]}: no requirement"
    parts = []
    for e in side.entries:
        quote = f"「{e.quote or e.node.quote}」" if e.quote or e.node.quote else ""
        route = "（route）" if e.route else ""
        implied = "（implied）" if e.node.implied else ""
        parts.append(f"{SHORT[e.program]} {e.citation.label()}{route}{implied}{quote}{marks(e, kb)}")
    return "<br>".join(md_cell(p) for p in parts)


def _witness_md(w: dict[str, Any]) -> str:
    rows = w.get("fields") or [{"field": w["field"], "left": w["left"], "right": w["right"]}]
    out = [f"`{r['field']}`: {r['left'] or '—'} ⟷ {r['right'] or '—'}" for r in rows]
    out += [f"_{a}_" for a in w.get("axioms", [])]
    return "<br>".join(md_cell(x) for x in out)


def relations_markdown(rels: list[Relation], cat, switches: str, kb) -> str:
    counts = {k: sum(1 for r in rels if r.relation == k) for k in ("dominates", "equivalent", "conflicts", "incomparable")}
    out = ["# 条件之间的关系 Relations between conditions", "",
           "For every pair of comparable conditions of two programs (same measure, or measures an "
           "axiom of `facts/catalogue.yaml` relates), the relation the solver derives "
           "(`kb/comparison/relations.py`): **≻ dominates** — every organization meeting the left meets the "
           "right, the left is stricter; **≡ equivalent**; **✗ conflicts** — no single entity can "
           "meet both; **∥ incomparable** — each admits organizations the other refuses. Conditions "
           "are compared as written; † general rule (一般应 / 原则上), ‡ relaxable for public "
           "sponsors. Bans and reapplication rules are compared as rules about each program's own "
           f"title. Interpretation switches: {switches}.", "",
           "Counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".", ""]
    for topic in cat.topics:
        mine = [r for r in rels if r.topic == topic.id]
        if not mine:
            continue
        out += [f"## {topic.name} `{topic.id}`", "", "| left | relation | right | witness: what each requires |",
                "|---|---|---|---|"]
        for r in mine:
            out.append(f"| {_side_md(r.left, kb)} | {SYMBOL[r.relation]} {r.relation} | {_side_md(r.right, kb)} "
                       f"| {_witness_md(r.witness)} |")
        out.append("")
    return "\n".join(out)


def programs_markdown(prels: list[Relation], pairs: dict, cat, programs: list[str], switches: str) -> str:
    out = ["# 项目之间 Program-level summary", "",
           "Each topic of `facts/catalogue.yaml` lifted to whole programs: all of a program's "
           "conditions on the topic taken together (a program with none sets no requirement, which "
           "any condition dominates). Read a cell as *row* ⟨symbol⟩ *column*: ≻ the row's "
           "requirement is stricter, ≺ the column's is, ≡ equivalent, ✗ conflicting, ∥ "
           f"incomparable, · neither sets one. Interpretation switches: {switches}.", "",
           "## One entity for both? 能否由同一主体同时申报", "",
           "Whether any single legal entity could meet every condition of both programs "
           "(bans and reapplication read literally). ✔ yes; otherwise the field that makes it "
           "impossible.", ""]
    head = "| | " + " | ".join(SHORT[p] for p in programs) + " |"
    out += [head, "|" + "---|" * (len(programs) + 1)]
    for p in programs:
        cells = []
        for q in programs:
            if p == q:
                cells.append("—")
                continue
            c = pairs.get((p, q)) if (p, q) in pairs else pairs.get((q, p))
            if c is None:
                cells.append("✔")
            else:
                w = c.get("witness") or {}
                cites = " / ".join(f"{SHORT[x['program']]}{x['cite']}" for x in c["conditions"])
                cells.append(md_cell(f"✗ {w.get('field', '')}<br>{cites}"))
        out.append(f"| **{SHORT[p]}** | " + " | ".join(cells) + " |")
    out.append("")
    by_topic: dict[str, dict[tuple[str, str], Relation]] = {}
    for r in prels:
        by_topic.setdefault(r.topic, {})[(r.left.program, r.right.program)] = r
    out += ["## By topic 各主题", ""]
    for topic in cat.topics:
        rels = by_topic.get(topic.id)
        if not rels:
            continue
        out += [f"### {topic.name} `{topic.id}`", "", head, "|" + "---|" * (len(programs) + 1)]
        for p in programs:
            cells = []
            for q in programs:
                if p == q:
                    cells.append("—")
                elif (p, q) in rels:
                    cells.append(SYMBOL[rels[(p, q)].relation])
                elif (q, p) in rels:
                    k = rels[(q, p)].relation
                    cells.append("≺" if k == "dominates" else SYMBOL[k])
                else:
                    cells.append("·")
            out.append(f"| **{SHORT[p]}** | " + " | ".join(cells) + " |")
        stricter = [r for r in rels.values() if r.relation == "dominates" and r.right.entries]
        if stricter:
            out.append("")
            for r in stricter:
                rows = r.witness.get("fields") or [r.witness]
                why = "; ".join(f"`{x['field']}` {x['left'] or '—'} vs {x['right'] or '—'}" for x in rows)
                out.append(f"- {SHORT[r.left.program]}’s {topic.name} requirement dominates "
                           f"{SHORT[r.right.program]}’s: {md_cell(why)}.")
        out.append("")
    return "\n".join(out)
