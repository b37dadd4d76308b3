"""One drafting finding: which rule, where in the text, what is wrong, why it matters."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.law.model import Citation


@dataclass
class LintFinding:
    rule: str                   # rule id, e.g. "score-band-overlap"
    document: str               # document id, e.g. "guiyang.sme-service-platform"
    citation: Citation          # the clause the finding is about
    message: str                # what is wrong, naming the words at issue
    why: str                    # why it matters to the people who apply the text
    excerpt: str = ""           # the exact Chinese words at issue (shorter than the clause)
    related: list[Citation] = field(default_factory=list)   # other clauses the finding rests on
    title: str = ""             # the document's title, for reports
    programs: list[str] = field(default_factory=list)      # programs the cited words govern

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "document": self.document, "programs": self.programs,
                "citation": self.citation.to_json(), "label": self.citation.label(),
                "excerpt": self.excerpt, "message": self.message, "why": self.why,
                "related": [dict(c.to_json(), label=c.label(), document=c.document)
                            for c in self.related]}
