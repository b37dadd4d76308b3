"""A change of a semantic diff, and the words and figures that show a condition.

A ``Change`` keeps each side as JSON-ready values (``side``: the id, the
citation, the quote, the rule in one line (kb/law/wording.py) and its figures) so the Markdown,
the redline and ``--json`` all read the same record.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.law.model import Citation, Document, Node
from kb.law.wording import describe, fmt

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


# -- a node's figures and its side of a change -----------------------------------

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
