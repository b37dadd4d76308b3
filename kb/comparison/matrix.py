"""The comparison as a matrix people can read (issue 13): programs × programs
per topic, each cell a symbol traceable to its witness and clauses, and the
findings that repeat (one registration conflict between every two cities)
said once with a count.

Read a cell as *row* ⟨symbol⟩ *column*: ≻ the row's requirement is stricter,
≺ the column's, ≡ equivalent, ✗ no organization meets both, ∥ incomparable,
· neither program sets one. The relations themselves come from
kb/comparison/relations.py (derived with z3 over the encoded conditions).
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from kb.law.model import PROGRAMS, SHORT
from kb.comparison.relations import SYMBOL, Relation

SYMBOLS = ("≻", "≺", "≡", "✗", "∥")


@dataclass
class Cell:
    symbol: str
    relation: Relation | None
    flipped: bool = False            # the relation was stated column-first

    def sides(self):
        if self.relation is None:
            return None, None
        r = self.relation
        return (r.right, r.left) if self.flipped else (r.left, r.right)


def _cites(side) -> list[dict]:
    return [{"program": e.program, "condition": e.node.id, "cite": e.citation.label(), "quote": e.quote or e.node.quote,
             "strength": e.strength or e.node.strength}
            for e in side.entries] if side is not None else []


def _witness_text(r: Relation) -> str:
    rows = r.witness.get("fields") or [r.witness]
    text = "; ".join(f"{x.get('field', '')} {x.get('left') or '—'} vs {x.get('right') or '—'}" for x in rows)
    return text + "".join(f" ({why})" for why in r.witness.get("axioms", []))


class Matrix:
    def __init__(self, kb, relations: list[Relation], programs: list[str], topics: list):
        self.kb, self.programs, self.topics = kb, programs, topics
        self.cells: dict[str, dict[tuple[str, str], Cell]] = {}
        for r in relations:
            grid = self.cells.setdefault(r.topic, {})
            p, q = r.left.program, r.right.program
            grid[(p, q)] = Cell(SYMBOL[r.relation], r)
            back = "≺" if r.relation == "dominates" else SYMBOL[r.relation]
            grid[(q, p)] = Cell(back, r, flipped=True)

    def cell(self, topic: str, p: str, q: str) -> Cell:
        if p == q:
            return Cell("—", None)
        return self.cells.get(topic, {}).get((p, q), Cell("·", None))

    def shown_topics(self):
        return [t for t in self.topics if t.id in self.cells]

    def tally(self) -> dict[tuple[str, str], Counter]:
        """Row × column: how many topics show each symbol."""
        out = {}
        for p in self.programs:
            for q in self.programs:
                if p != q:
                    out[(p, q)] = Counter(self.cell(t.id, p, q).symbol for t in self.shown_topics())
        return out

    # -- words ---------------------------------------------------------------
    def markdown(self) -> str:
        head = "| | " + " | ".join(SHORT[p] for p in self.programs) + " |"
        rule = "|" + "---|" * (len(self.programs) + 1)
        out = ["# 城市对照矩阵 Comparison matrix", "",
               "Read a cell as *row* ⟨symbol⟩ *column*: ≻ the row's requirement is stricter, ≺ the "
               "column's, ≡ equivalent, ✗ no organization meets both, ∥ incomparable, · neither sets one.", "",
               "## All topics 全部主题", "",
               "Each cell counts the topics by symbol (row against column).", "", head, rule]
        tally = self.tally()
        for p in self.programs:
            cells = ["—" if p == q else " ".join(f"{s}{tally[(p, q)][s]}" for s in SYMBOLS if tally[(p, q)][s])
                     or "·" for q in self.programs]
            out.append(f"| **{SHORT[p]}** | " + " | ".join(cells) + " |")
        for topic in self.shown_topics():
            out += ["", f"## {topic.name} `{topic.id}`", "", head, rule]
            for p in self.programs:
                out.append(f"| **{SHORT[p]}** | " + " | ".join(self.cell(topic.id, p, q).symbol
                                                              for q in self.programs) + " |")
            groups = self.groups(topic.id)
            if groups:
                out.append("")
            for (symbol, why), pairs in groups:
                who = ", ".join(f"{SHORT[a]}–{SHORT[b]}" for a, b in pairs)
                count = f" ({len(pairs)} pairs)" if len(pairs) > 1 else ""
                out.append(f"- {symbol} {who}{count}: {why}")
        return "\n".join(out) + "\n"

    def groups(self, topic: str) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
        """The topic's relations (each pair once) grouped by symbol and witness."""
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for (p, q), c in self.cells.get(topic, {}).items():
            if c.flipped or c.relation is None:
                continue
            out.setdefault((c.symbol, _witness_text(c.relation)), []).append((p, q))
        return sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["topic", "row", "column", "symbol", "relation", "row_clauses", "column_clauses", "witness"])
        for topic, p, q, c in self.related():
            a, b = c.sides()
            w.writerow([topic.id, p, q, c.symbol, c.relation.relation,
                        "; ".join(x["cite"] + " " + x["condition"] for x in _cites(a)),
                        "; ".join(x["cite"] + " " + x["condition"] for x in _cites(b)),
                        _witness_text(c.relation)])
        return buf.getvalue()

    def related(self, topic_id: str | None = None):
        """(topic, row, column, cell) of every cell holding a relation, in order."""
        for topic in self.shown_topics():
            if topic_id is not None and topic.id != topic_id:
                continue
            for p in self.programs:
                for q in self.programs:
                    c = self.cell(topic.id, p, q)
                    if c.relation is not None:
                        yield topic, p, q, c

    def to_json(self) -> dict:
        topics = []
        for topic in self.shown_topics():
            cells = []
            for _, p, q, c in self.related(topic.id):
                a, b = c.sides()
                cells.append({"row": p, "column": q, "symbol": c.symbol, "relation": c.relation.relation,
                              "row_conditions": _cites(a), "column_conditions": _cites(b),
                              "witness": c.relation.witness})
            topics.append({"topic": topic.id, "name": topic.name, "cells": cells,
                           "groups": [{"symbol": s, "why": why, "pairs": [list(x) for x in pairs]}
                                      for (s, why), pairs in self.groups(topic.id)]})
        tally = {f"{p}|{q}": dict(c) for (p, q), c in self.tally().items()}
        return {"programs": self.programs, "symbols": list(SYMBOLS), "topics": topics, "tally": tally}

    def picture(self) -> bytes:
        """A heatmap of the whole-programs tally: colour = topics where the row
        is stricter minus those where the column is; each cell lists the counts."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np

        from kb.io.fonts import use_cjk_font
        # the relation symbols (≻ ≺ ✗ ∥) are not in the CJK font: fall back to DejaVu for them
        matplotlib.rcParams["font.family"] = [use_cjk_font(), "DejaVu Sans"]
        n = len(self.programs)
        tally = self.tally()
        score = np.full((n, n), np.nan)
        for i, p in enumerate(self.programs):
            for j, q in enumerate(self.programs):
                if p != q:
                    score[i, j] = tally[(p, q)]["≻"] - tally[(p, q)]["≺"]
        fig, ax = plt.subplots(figsize=(9, 7.2), dpi=110)
        lim = max(1, np.nanmax(np.abs(score)) if not np.all(np.isnan(score)) else 1)
        cmap = plt.get_cmap("RdBu_r").with_extremes(bad="#eeeeee")
        ax.imshow(np.ma.masked_invalid(score), cmap=cmap, vmin=-lim, vmax=lim)
        names = [SHORT[p] for p in self.programs]
        ax.set_xticks(range(n), names)
        ax.set_yticks(range(n), names)
        ax.xaxis.tick_top()
        for i, p in enumerate(self.programs):
            for j, q in enumerate(self.programs):
                if p == q:
                    continue
                t = tally[(p, q)]
                label = "\n".join(f"{s}{t[s]}" for s in SYMBOLS if t[s]) or "·"
                dark = abs(score[i, j]) > 0.55 * lim
                ax.text(j, i, label, ha="center", va="center", fontsize=8.5, color="white" if dark else "#222")
        ax.set_title("行 ⟨关系⟩ 列：各主题中行项目更严（≻）、列项目更严（≺）、等价（≡）、冲突（✗）、不可比（∥）的个数\n"
                     "row ⟨symbol⟩ column, counted over topics; red: the row is stricter more often",
                     fontsize=9.5, pad=12)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        return buf.getvalue()


def build(kb, programs: list[str] | None = None, topics: list[str] | None = None) -> Matrix:
    from kb.comparison.catalogue import load_catalogue
    from kb.comparison.relations import Logic, program_relations
    programs = [p for p in PROGRAMS if p in (programs or PROGRAMS)]
    cat = load_catalogue(kb)
    rels = program_relations(Logic(kb, cat), programs, topics)
    return Matrix(kb, rels, programs, [t for t in cat.topics if not topics or t.id in topics])


def _clique(group: list[Relation], side) -> bool:
    """Whether the pairs are every pair of their members from two programs (so naming the
    members says it all: two conditions of one program are never paired)."""
    members = {(s.program, side(s, True)) for r in group for s in (r.left, r.right)}
    pairs = {frozenset(((r.left.program, side(r.left, True)), (r.right.program, side(r.right, True))))
             for r in group}
    every = {frozenset((a, b)) for a in members for b in members if a[0] != b[0]}
    return len(members) > 2 and len(pairs) == len(group) and pairs == every


def grouped_text(rels: list[Relation]) -> str:
    """Condition pairs for a terminal, a repeated finding said once with its count."""
    lines, by_topic = [], {}
    for r in rels:
        by_topic.setdefault(r.topic, []).append(r)
    for topic, items in by_topic.items():
        lines.append(f"\n[{topic}]")
        groups: dict[tuple[str, str, str], list[Relation]] = {}
        for r in items:
            # a finding resting on an axiom (one entity, one place of registration) is one
            # finding however many pairs of cities show it
            axioms = r.witness.get("rules") or r.witness.get("axioms") or []
            why = ("; ".join(axioms) if axioms else _witness_text(r))
            groups.setdefault((r.measure, r.relation, why), []).append(r)
        for (measure, relation, why), group in groups.items():
            def side(s, named=False):
                return " + ".join(f"{SHORT[e.program]} {e.citation.label()}"
                                  + (f" {e.node.id.split('/', 1)[1]}" if named else "") for e in s.entries) or \
                    f"{SHORT[s.program]} (none)"
            if len(group) == 1:
                r = group[0]
                lines.append(f"  {side(r.left, True)}  {SYMBOL[relation]} {relation}  {side(r.right, True)}")
            elif relation == "equivalent" and _clique(group, side):
                # every two of them alike: name each once, not each pair
                members = list(dict.fromkeys(side(s) for r in group for s in (r.left, r.right)))
                named = list(dict.fromkeys(side(s, True) for r in group for s in (r.left, r.right)))
                members = named if len(named) > len(members) else members
                lines.append(f"  {SYMBOL[relation]} all {len(members)} equivalent ({len(group)} pairs): "
                             + "; ".join(members))
            else:
                pairs = [f"{side(r.left)} / {side(r.right)}" for r in group]
                if len(set(pairs)) < len(pairs):     # branches of one clause: name the conditions
                    pairs = [f"{side(r.left, True)} / {side(r.right, True)}" for r in group]
                lines.append(f"  {SYMBOL[relation]} {relation} × {len(group)}: " + "; ".join(pairs))
            lines.append(f"      {why}")
    return "\n".join(lines).lstrip("\n")
