"""The threshold matrix (comparisons/threshold-matrix.md and .csv): each
canonical measure against each program, the figure the text requires there in
Chinese terms, cited, with how strict it is for the picture
(kb/comparison/picture.py). Figures are read from the condition trees
(kb/comparison/figures.py); their numbers are worded by kb/law/wording.py.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kb.comparison.figures import describe, figures, is_function_list, leaf_figure
from kb.comparison.sides import marks
from kb.law.fields import CREDIT_KINDS, ENUM_ZH, REVOCATION_REASONS
from kb.law.model import CITY_ZH, LEAF_KINDS, SHORT, Node
from kb.law.wording import OP_SYMBOL, listed, quantity

# the Chinese names of credit kinds and revocation reasons are the profile's (the texts' words)
KIND_ZH = {k: ENUM_ZH[k] for k in CREDIT_KINDS}
REASON_ZH = {r: ENUM_ZH[r] for r in REVOCATION_REASONS}


@dataclass
class Cell:
    text: str              # for people: "≥ 90%"
    short: str             # for the picture: "≥90%"
    cite: str
    marks: str
    value: float | None    # how strict, before scaling within the row (inf: no time limit)


@dataclass
class Row:
    topic: str
    topic_name: str
    measure: str
    name: str
    cells: dict[str, list[Cell]] = field(default_factory=dict)
    generated: bool = False

    def score(self, program: str) -> float | None:
        vals = [c.value for c in self.cells.get(program, []) if c.value is not None]
        if not vals:
            return None
        finite = [v for r in self.cells.values() for c in r if c.value is not None
                  and c.value != float("inf") for v in [c.value]]
        v = vals[0]
        if v == float("inf"):
            return 1.0
        top = max(finite) if finite else v
        has_inf = any(c.value == float("inf") for r in self.cells.values() for c in r)
        top = top + 1 if has_inf else top
        return v / top if top else 1.0


def cell_words(fig: dict[str, Any], validity: int | None = None) -> tuple[str, str, float | None]:
    """(text, short text, strictness value) of one figure, in Chinese terms."""
    op, unit = fig["op"], fig.get("unit")
    if op in (">=", ">", "<=", "<"):
        v = fig["value"]
        shown = quantity(v, unit)
        sym = OP_SYMBOL[op]
        short = shown.replace(" ", "")
        if unit == "m2" and v >= 10000:
            short = f"{quantity(Fraction(v) / 10000)}万m²"
        return f"{sym} {shown}", f"{sym}{short}", float(v) if op in (">=", ">") else None
    if op == "in":
        names = listed((CITY_ZH.get(v, v) for v in fig["value"]), "zh")
        return names, names, None
    if op == "=" and fig["measure"].endswith(".offered"):
        return "提供即计入", "提供", None
    if op == "=":
        if isinstance(fig["value"], bool):
            return ("须具备", "须具备", None) if fig["value"] else ("否", "否", None)
        return f"认定：{fig['value']}", "认定", None
    if op in ("open", "includes"):
        return ("不限类型" if op == "open" else "限于所列类型"), "类型", None
    if op == "none" and fig["measure"] == "credit_events":
        kinds = "任何不良记录" if len(fig["kinds"]) == len(KIND_ZH) else listed((KIND_ZH[k] for k in fig["kinds"]), "zh")
        who = "单位及法人代表" if len(fig["subjects"]) == 2 else "法人代表" if fig["subjects"] == ["legal_representative"] else "单位"
        w = fig.get("window")
        when = "不限期" if w is None else f"{w}年内"
        return f"{when}无{kinds}（{who}）", when, float("inf") if w is None else float(w)
    if op == "none" and fig["measure"] == "revocations":
        reasons = listed((REASON_ZH[r] for r in fig["reasons"]), "zh")
        title = "本称号" if fig.get("own") else listed(fig["programs"], "zh")
        return f"{title}因{reasons}被撤销后{fig['window']}年内不得申请", f"{fig['window']}年", float(fig["window"])
    if op == "not_running":
        if validity:
            return f"有效期{validity}年，期满当年可再次申报", f"{validity}年", float(validity)
        return "有效期内不得再次申报", "有效期", None
    if op == "increasing":
        return f"近{fig['window']}年逐年增长", f"{fig['window']}年", float(fig["window"])
    if op == "at_least":
        return f"{len(fig['of'])}项中至少{fig['value']}项", f"{fig['value']}/{len(fig['of'])}", float(fig["value"])
    return describe(fig), describe(fig), None


def _matrix_figures(node: Node, with_offered: bool, guard: bool = False, alt: str = ""):
    """(figure, is a guard, context) for every figure of a tree: context 或
    for one of alternatives, 适用时 for a figure that applies only under a
    rule's guard. A guard (the `if` of a rule) says to whom a figure applies;
    it is not a requirement."""
    if is_function_list(node):
        yield figures(node)[0], guard, alt
        return
    if node.kind in LEAF_KINDS:
        fig = leaf_figure(node)
        if fig is None and with_offered:
            fig = {"measure": node.params["field"], "op": "=", "value": True}
        if fig is not None:
            yield fig, guard, alt
        return
    if node.kind == "when":
        g, t = node.children
        yield from _matrix_figures(g, with_offered, True, alt)
        yield from _matrix_figures(t, with_offered, guard, alt or "适用时")
        return
    for c in node.children:
        yield from _matrix_figures(c, with_offered, guard, alt or ("或" if node.kind == "any" else ""))


def matrix(kb, cat, programs: list[str]) -> list[Row]:
    rows: dict[tuple[str, str], Row] = {}
    for topic in cat.topics:
        for e in topic.entries:
            if e.route or e.program not in programs:
                continue
            for fig, guard, alt in _matrix_figures(e.node, topic.generated):
                if guard:
                    continue
                key = (topic.id, fig["measure"])
                if key not in rows:
                    rows[key] = Row(topic.id, topic.name, fig["measure"], cat.measure_name(fig["measure"]),
                                    generated=topic.generated)
                text, short, value = cell_words(fig, e.validity)
                if e.note and not topic.generated:
                    text += f"（{e.note}）"
                elif alt:
                    text += f"（{alt}）"
                rows[key].cells.setdefault(e.program, []).append(
                    Cell(text, short, e.citation.label(), marks(e, kb), value))
    return list(rows.values())


def _cell_md(cells: list[Cell]) -> str:
    if not cells:
        return "—"
    out = []
    for c in cells:
        out.append(f"{c.text}{c.marks} · {c.cite}")
    return "<br>".join(md_cell(x) for x in out)


def md_cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def matrix_markdown(rows: list[Row], programs: list[str], switches: str) -> str:
    head = ["# 门槛对照表 Threshold matrix", "",
            "Each canonical measure (the profile's field names, `facts/catalogue.yaml`) against "
            "each program: what the text requires and where (条款). `—`: the program sets no "
            "figure on that measure. † a general rule (一般应 / 原则上); ‡ may be relaxed for "
            "public sponsors (可适度放宽). Generated by `regkb compare --write comparisons/`; "
            f"interpretation switches: {switches}.", ""]
    cols = ["主题 topic", "指标 measure"] + [f"{SHORT[p]}<br>`{p}`" for p in programs]
    out = head + ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    last = None
    for r in rows:
        if r.generated and last != "functions-header":
            out += ["", "## 各服务功能的年度指标 Service-function figures", "",
                    "What makes each service function count toward a program's list (服务功能 above): "
                    "offered (提供即计入) and, where the text gives yearly figures, those figures met. "
                    "No single function is required by itself.", "",
                    "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            last = "functions-header"
        topic = md_cell(r.topic_name)
        out.append("| " + " | ".join([topic, f"{md_cell(r.name)}<br>`{r.measure}`"]
                                     + [_cell_md(r.cells.get(p, [])) for p in programs]) + " |")
    return "\n".join(out) + "\n"


def matrix_csv(rows: list[Row], programs: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["topic", "measure", "name"] + programs)
    for r in rows:
        w.writerow([r.topic, r.measure, r.name] + [
            " / ".join(f"{c.text}{c.marks} ({c.cite})" for c in r.cells.get(p, []))
            for p in programs])
    return buf.getvalue()
