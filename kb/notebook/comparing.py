"""The programs side by side, as notebook tables and pictures: relations
between conditions or programs (kb.comparison.relations), who is stricter
(kb.comparison.matrix) and the threshold matrix (kb.comparison.comparisons).
KB's methods of the same names (kb/notebook/api.py) call these.
"""
from __future__ import annotations

from kb.law.model import PROGRAMS, SHORT
from kb.notebook.tables import CITY, Picture, Table, keep_backend, table


def compare(base, catalogue, programs: list[str] | None = None, topics: list[str] | None = None,
            level: str = "condition", relation: str | None = None) -> Table:
    """Relations between conditions (or whole programs, ``level="program"``), each
    side cited; ``relation`` keeps one kind (kb.comparison.relations)."""
    from kb.comparison.relations import Logic, condition_relations, program_relations
    derive = program_relations if level == "program" else condition_relations
    rels = derive(Logic(base, catalogue), programs, topics)
    rows = []
    for r in rels:
        if relation and r.relation != relation:
            continue
        j = r.to_json(base)
        row = {"topic": r.topic, "measure": r.measure}
        for name, side in (("left", j["left"]), ("right", j["right"])):
            conds = side.get("conditions", [side]) if level == "program" else [side]
            row[name] = SHORT[side["program"]]
            row[f"{name} 条款"] = "\n".join(c["cite"] for c in conds) or "—"
            row[f"{name} requires"] = "\n".join(c["requires"] for c in conds) or "no requirement"
            row[f"{name} 原文"] = "\n".join(c["quote"] or "" for c in conds)
            if name == "left":
                row["relation"] = r.relation
        w = r.witness
        row["witness"] = (f"{w['field']}: {w['left'] or '—'} | {w['right'] or '—'}" if w.get("field") else "") + \
            "".join(f"\n({a})" for a in w.get("axioms", []))
        rows.append(row)
    what = {"dominates": "left is the stricter", "conflicts": "no entity meets both"}
    return table(rows, f"{'Programs' if level == 'program' else 'Conditions'} compared"
                 + (f": {relation} ({what.get(relation, '')})" if relation else ""),
                 "dominates: every organization meeting the left meets the right; "
                 "equivalent: each implies the other; conflicts: none meets both; incomparable: neither.")


def relation_matrix(base, topics: list[str] | None = None, programs: list[str] | None = None) -> Table:
    """谁更严格: programs × programs over the topics (``regkb compare --matrix``, kb.comparison.matrix),
    each cell row ⟨≻ ≺ ≡ ✗ ∥⟩ column counted over the topics; the rows that are stricter
    than the most others first."""
    from kb.comparison.matrix import SYMBOLS, build
    m = build(base, programs, topics)
    tally = m.tally()
    rows = []
    for p in m.programs:
        row = {"项目 program": SHORT[p], "城市 city": CITY[base.programs[p].document.city]}
        for q in m.programs:
            row[SHORT[q]] = "—" if p == q else " ".join(f"{s}{tally[(p, q)][s]}" for s in SYMBOLS
                                                         if tally[(p, q)][s]) or "·"
        row["更严于 stricter than"] = ", ".join(SHORT[q] for q in m.programs if q != p and tally[(p, q)]["≻"])
        row["更宽于 looser than"] = ", ".join(SHORT[q] for q in m.programs if q != p and tally[(p, q)]["≺"])
        rank = (-sum(tally[(p, q)]["≻"] for q in m.programs if q != p),
                sum(tally[(p, q)]["≺"] for q in m.programs if q != p))
        rows.append((rank, row))
    rows = [row for _, row in sorted(rows, key=lambda x: x[0])]
    named = ", ".join(t.name for t in m.shown_topics())
    return table(rows, f"谁更严格 Who is stricter: {named}",
                 "Row ⟨symbol⟩ column, counted over the topics: ≻ the row's requirement is stricter (every "
                 "organization meeting it meets the column's), ≺ the column's, ≡ equivalent, ✗ no organization "
                 "meets both, ∥ incomparable, · neither sets one.")


def relation_matrix_picture(base, topics: list[str] | None = None,
                            programs: list[str] | None = None) -> Picture:
    """The same as a heatmap (red: the row is stricter more often)."""
    from kb.comparison.matrix import build
    with keep_backend():
        return Picture(build(base, programs, topics).picture())


def matrix(base, catalogue, programs: list[str] | None = None) -> Table:
    """门槛对照表: each canonical measure against each program, with the clause (kb.comparison.comparisons)."""
    from kb.comparison.thresholds import matrix as threshold_rows
    ids = [p for p in PROGRAMS if p in (programs or PROGRAMS)]
    rows = []
    for r in threshold_rows(base, catalogue, ids):
        row = {"主题 topic": r.topic_name, "指标 measure": f"{r.name}\n{r.measure}"}
        for p in ids:
            row[SHORT[p]] = "\n".join(f"{c.text}{c.marks} · {c.cite}" for c in r.cells.get(p, [])) or "—"
        rows.append(row)
    return table(rows, "门槛对照表 Threshold matrix",
                 "† a general rule (一般应/原则上); ‡ may be relaxed for public sponsors (可适度放宽); — no requirement.")


def matrix_picture(base, catalogue, programs: list[str] | None = None) -> Picture:
    """The threshold matrix as a heatmap (the picture in comparisons/)."""
    from kb.comparison.picture import draw, picture_data
    from kb.comparison.thresholds import matrix as threshold_rows
    ids = [p for p in PROGRAMS if p in (programs or PROGRAMS)]
    with keep_backend():
        return Picture(draw(picture_data(threshold_rows(base, catalogue, ids), ids)))
