"""A condition's figures in the catalogue's vocabulary (what each leaf requires:
measure, comparator, value, unit, window) and those figures in a few words.
Read from the condition trees, so a switch that changes a figure changes them
too; kb/comparison/catalogue.py checks the catalogue's restated figures against them."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from kb.law.model import Node
from kb.law.wording import OP_SYMBOL, at_least, bound, listed, within_years

FIGURE_KEYS = ("measure", "op", "value", "unit", "window", "kinds", "subjects", "programs",
               "reasons", "of")

# -- figures: one comparable statement per leaf ---------------------------------
def leaf_figure(node: Node) -> dict[str, Any] | None:
    """The figure a leaf requires, in the catalogue's vocabulary; None for a
    function's implicit ``offered`` leaf (the function figure carries it)."""
    k, p = node.kind, node.params
    if k == "threshold":
        return {"measure": p["measure"].name, "op": p["op"], "value": p["value"], "unit": p.get("unit")}
    if k == "boolean":
        if p["field"].endswith(".offered") and node.id.endswith("/offered"):
            return None
        return {"measure": p["field"], "op": "=", "value": p["expect"]}
    if k == "locality":
        return {"measure": p["field"], "op": "in", "value": list(p["values"])}
    if k == "applicant_type":
        return {"measure": p["field"], "op": "open" if p["open"] else "includes", "value": list(p["values"])}
    if k == "qualitative":
        return {"measure": "attest", "op": "=", "value": p["attest"]}
    if k == "lookback":
        return {"measure": "credit_events", "op": "none", "kinds": list(p["kinds"]),
                "subjects": list(p["subjects"]), "window": p["years"]}
    if k == "ban":
        return {"measure": "revocations", "op": "none", "programs": list(p["programs"]),
                "reasons": list(p["reasons"]), "window": p["years"], "own": p["programs"] == [node.program]}
    if k == "reapplication":
        return {"measure": "designations", "op": "not_running", "programs": list(p["programs"]),
                "own": p["programs"] == [node.program]}
    if k == "growth":
        return {"measure": p["field"], "op": "increasing", "window": p["years"]}
    raise ValueError(k)


def function_member(node: Node) -> str | None:
    """What a member of a function list names: one canonical function, or, for
    a clause covering several (kb/law/encoding.py reads ``function: [a, b]`` and
    ``"*"`` as an any of single functions), those functions joined by "|"
    ("*" less its exceptions: "*")."""
    if node.kind == "function":
        return node.params["function"]
    if node.kind == "any" and "functions" in node.params:
        return "*" if node.params.get("open") else "|".join(node.params["functions"])
    return None


def is_function_list(node: Node) -> bool:
    return node.kind == "k_of_n" and all(function_member(c) for c in node.children)


def figures(node: Node) -> list[dict[str, Any]]:
    """Every figure of a condition tree, in text order. A k-of-n list of
    service functions is one figure (how many of which functions); the
    functions' own figures belong to the per-function topics."""
    if is_function_list(node):
        return [{"measure": "services", "op": "at_least", "value": node.params["k"],
                 "of": [function_member(c) for c in node.children]}]
    if not node.children:
        fig = leaf_figure(node)
        return [fig] if fig else []
    return [f for c in node.children for f in figures(c)]


def _norm(fig: dict[str, Any]) -> tuple:
    out = []
    for key in FIGURE_KEYS:
        v = fig.get(key)
        if isinstance(v, list):
            v = tuple(sorted(map(str, v)))
        elif isinstance(v, (int, Fraction)) and not isinstance(v, bool):
            v = Fraction(v)
        out.append((key, v))
    return tuple(out)


# -- words ----------------------------------------------------------------------
def describe(fig: dict[str, Any], with_measure: bool = False) -> str:
    """A figure in a few words: ``≥ 90%``, ``none within 3 years: …``."""
    op, m = fig["op"], fig["measure"]
    prefix = f"{m} " if with_measure else ""
    if op in OP_SYMBOL:
        return f"{prefix}{bound(op, fig['value'], fig.get('unit'))}"
    if op == "in":
        vals = fig["value"]
        return f"{prefix}= {vals[0]}" if len(vals) == 1 else f"{prefix}one of {listed(vals)}"
    if op == "=":
        return f"{prefix}= {str(fig['value']).lower()}" if isinstance(fig["value"], bool) else f"attested {fig['value']}"
    if op == "open":
        return f"{prefix}any (open list)"
    if op == "includes":
        return f"{prefix}includes one of {listed(fig['value'])}"
    if op == "none" and m == "credit_events":
        w = within_years(fig["window"]) if fig.get("window") else "ever"
        return f"no {listed(fig['kinds'])} of {' or '.join(fig['subjects'])} {w}"
    if op == "none" and m == "revocations":
        title = "its own title" if fig.get("own") else listed(fig["programs"])
        years = "within 1 year" if fig["window"] == 1 else within_years(fig["window"])
        return f"no revocation of {title} for {listed(fig['reasons'])} {years}"
    if op == "not_running":
        title = "its own title" if fig.get("own") else listed(fig["programs"])
        return f"holds no running {title} that expires after this year"
    if op == "increasing":
        return f"{prefix}growing each year over the last {fig['window']} years"
    if op == "at_least":
        return f"{at_least(fig['value'], len(fig['of']))}: {listed(fig['of'])}"
    return f"{prefix}{op} {fig.get('value')}"
