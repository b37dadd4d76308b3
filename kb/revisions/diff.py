"""What a revision changes: a semantic diff of two versions, and its impact.

``diff`` reads two versions of one document and compares them
(kb/revisions/differ.py, pairing by kb/revisions/matching.py); each change
(kb/revisions/changes.py) gets its reach (kb/revisions/reasons.py). The impact
on a population (kb/revisions/flips.py, or at screening speed
kb/revisions/impact.py) is attached by the caller. ``Diff`` stays typed until
the edge: ``to_json`` for --json and the web, ``markdown`` for a review.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kb.law.versions import Text, Version
from kb.revisions.changes import CATEGORIES, Change
from kb.revisions.differ import Differ
from kb.revisions.flips import Impact


@dataclass
class Diff:
    old: Version
    new: Version
    changes: list[Change]
    switches: dict[str, str]                  # the settings of the switches that touch this document
    links: dict[str, str] = field(default_factory=dict)
    impact: Impact | None = None
    texts: tuple = ()                         # the two Texts (documents), for the redline

    def substantive(self) -> list[Change]:
        return [c for c in self.changes if c.substantive]

    def counts(self) -> dict[str, int]:
        got = Counter(c.category for c in self.changes)
        return {c: got[c] for c in CATEGORIES if got[c]}

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old.to_json(), "new": self.new.to_json(), "switches": self.switches,
                "counts": self.counts(), "changes": [c.to_json() for c in self.changes],
                "impact": self.impact.to_json() if self.impact else None}

    def markdown(self, max_flips: int = 40) -> str:
        from kb.revisions.markdown import markdown
        return markdown(self, max_flips)


def diff_texts(old: Text, new: Text, le_pairs: list[tuple[str, str]], switches: dict[str, str]) -> Diff:
    differ = Differ(old, new, le_pairs)
    return Diff(old.version, new.version, differ.run(), switches, differ.links)


def diff(kb, old_ref: tuple[str, Any], new_ref: tuple[str, Any]) -> Diff:
    """The diff of two versions, ``(document id, version key)`` each, read with
    ``kb``'s switches, functions and measures."""
    from kb.reasoning.base import known_fields
    from kb.law.versions import Versions, load_text
    texts = []
    for doc_id, key in (old_ref, new_ref):
        registry = Versions(kb.facts_dir, doc_id)
        texts.append(load_text(registry, registry.get(key), kb.settings, known_fields(), set(kb.functions)))
    if texts[0].document.id != texts[1].document.id:
        from kb.io.errors import InputError
        raise InputError(f"{texts[1].version.ref}", None, f"expected a version of {texts[0].document.id}")
    programs = tuple(f"{p}/" for p in texts[0].document.programs)
    switches = {name: kb.settings[name] for name, sw in kb.switch_defs.items()
                if any(c.startswith(programs) for c in sw.changes)}
    out = diff_texts(texts[0], texts[1], kb.le_pairs, switches)
    out.texts = tuple(texts)
    from kb.revisions.reasons import reason
    reason(kb, texts[0].document, texts[1].document, out.changes)
    return out

