"""A change of a semantic diff, and the words and figures that show a condition.

A ``Change`` keeps each side as JSON-ready values (``side``: the id, the
citation, the quote, the rule in one line and its figures) so the Markdown,
the redline and ``--json`` all read the same record.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.law.model import OP_SYMBOL as OPS, Citation, Document, Node
from kb.reasoning.check import fmt

SUBSTANTIVE = ("added", "removed", "tightened", "loosened", "changed", "strength_changed",
               "exception_added", "exception_removed", "exception_changed")
OTHER = ("renumbered", "text_changed", "article_added", "article_removed", "document",
         "unknown_in_old", "unknown_in_new")
CATEGORIES = SUBSTANTIVE + OTHER
TITLES = {
    "added": "Added", "removed": "Removed", "tightened": "Tightened", "loosened": "Loosened",
    "changed": "Changed (no clear direction)", "strength_changed": "Strength changed",
    "exception_added": "Exception added", "exception_removed": "Exception removed",
    "exception_changed": "Exception changed", "renumbered": "Renumbered",
    "text_changed": "Wording changed only", "article_added": "Article added",
    "article_removed": "Article removed", "document": "Document",
    "unknown_in_old": "Unknown in the old version (not compared)",
    "unknown_in_new": "Unknown in the new version (not compared)",
}
STRENGTH_RANK = {"general": 0, "relaxable": 1, "mandatory": 2}


@dataclass
class Change:
    category: str
    subject: str
    summary: str
    level: str = "condition"          # condition | exception | article | document
    program: str | None = None
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    effect: str | None = None         # tightened | loosened | None: no clear direction
    old_subject: str | None = None    # the old id of a linked condition
    note: str | None = None
    reach: dict[str, Any] | None = None   # can anyone gain / lose by it (kb/revisions/reasons.py)

    @property
    def substantive(self) -> bool:
        return self.category in SUBSTANTIVE

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "substantive": self.substantive, "level": self.level,
                "subject": self.subject, "old_subject": self.old_subject, "program": self.program,
                "summary": self.summary, "effect": self.effect, "note": self.note,
                "reach": self.reach, "old": self.old, "new": self.new}


# -- describing a node --------------------------------------------------------

def unit_text(node: Node) -> str:
    unit = node.params.get("unit")
    return f" {unit}" if unit and unit != "share" else ""


def describe(node: Node) -> str:
    """The rule a node states, in one line (for people; JSON keeps the figures)."""
    k, p = node.kind, node.params
    if k == "threshold":
        return f"{p['measure'].describe()} {OPS[p['op']]} {fmt(p['value'])}{unit_text(node)}"
    if k == "boolean":
        return f"{p['field']} = {str(p['expect']).lower()}"
    if k in ("locality", "applicant_type"):
        return f"{p['field']} ∈ {{{', '.join(p['values'])}}}" + (" or any other (open list)" if p["open"] else "")
    if k == "qualitative":
        return f"qualitative, attested as {p['attest']}"
    if k == "lookback":
        window = f"within {p['years']} years" if p["years"] else "at any time"
        return f"no {', '.join(p['kinds'])} of {', '.join(p['subjects'])} {window}"
    if k == "ban":
        return f"no revocation of {', '.join(p['programs'])} for {', '.join(p['reasons'])} within {p['years']} years"
    if k == "reapplication":
        return f"no running designation of {', '.join(p['programs'])} expiring after this year"
    if k == "growth":
        return f"{p['field']} growing over {p['years']} years ({p['pairs']} increases)"
    if k == "k_of_n":
        return f"at least {p['k']} of {len(node.children)}"
    if k == "function":
        return f"offers {p['function']} ({p.get('label') or p['function']})"
    if k == "all":
        return f"all of {len(node.children)}"
    if k == "any":
        return f"any of {len(node.children)}"
    if k == "when":
        return "if … then …"
    return k


def figures(node: Node) -> dict[str, Any]:
    """The node's threshold, window, count or list, as JSON values (exact
    numbers as decimal text)."""
    p = node.params
    if node.kind == "threshold":
        return {"measure": p["measure"].name, "op": p["op"], "value": fmt(p["value"]), "unit": p.get("unit")}
    if node.kind == "k_of_n":
        return {"k": p["k"], "n": len(node.children)}
    keep = {"boolean": ("field", "expect"), "locality": ("field", "values", "open"),
            "applicant_type": ("field", "values", "open"), "qualitative": ("attest",),
            "lookback": ("kinds", "subjects", "years"), "ban": ("programs", "reasons", "years"),
            "reapplication": ("programs",), "growth": ("field", "years", "pairs"),
            "function": ("function", "label")}.get(node.kind, ())
    return {k: p[k] for k in keep}


def side(node: Node) -> dict[str, Any]:
    return {"id": node.id, "label": node.citation.label(), "citation": node.citation.to_json(),
            "quote": node.quote, "kind": node.kind, "rule": describe(node), "figures": figures(node),
            "strength": node.strength,
            "switch": {"name": node.switch[0], "value": node.switch[1]} if node.switch else None}


def article_citation(doc: Document, number: int) -> Citation | None:
    art = next((a for a in doc.articles if a.number == number), None)
    if art is None:
        return None
    program = next((n.program for n in art.conditions), doc.programs[0])
    return Citation(program=program, article=number, clause=None, part=None, inferred=art.inferred,
                    text=art.text, document=doc.id)


def article_side(doc: Document, number: int) -> dict[str, Any] | None:
    cit = article_citation(doc, number)
    return {"label": cit.label(), "citation": cit.to_json()} if cit else None
