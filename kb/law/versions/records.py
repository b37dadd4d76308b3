"""A version file's ``version:`` block read into a :class:`Version` (format: kb/law/versions/__init__.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kb.io.errors import InputError

STATUSES = ("in_force", "draft", "repealed", "trial")
CURRENT = "current"
HOW = ("current", "base", "completeness")
META = ("title", "number", "issuer", "label", "source", "note", "interpretation")


class NotInForce(InputError):
    """A date for which the document has no text in force (only a draft, or not yet published)."""


@dataclass(frozen=True)
class Day:
    """A date known to the day, or only to the year (lo .. hi)."""
    lo: date
    hi: date
    text: str


def parse_day(value: Any, source: str, where: str) -> Day | None:
    if value is None:
        return None
    if isinstance(value, date):
        return Day(value, value, value.isoformat())
    text = str(value).strip()
    if text.isdigit() and len(text) == 4:
        year = int(text)
        return Day(date(year, 1, 1), date(year, 12, 31), text)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(source, where, f"expected YYYY-MM-DD or a year YYYY, got {value!r}") from None
    return Day(day, day, text)


@dataclass
class Gap:
    """Text of a partial version that is not known."""
    article: int
    to_article: int | None
    clause: int | None
    part: str | None
    text: str          # the known words up to the break, if any
    what: str

    def label(self) -> str:
        from kb.law.texts import chinese_numeral
        out = f"第{chinese_numeral(self.article)}条"
        if self.to_article:
            out += f"至第{chinese_numeral(self.to_article)}条"
        if self.part:
            out += f"·{self.part}"
        if self.clause is not None:
            out += f"（{chinese_numeral(self.clause)}）"
        return out

    def to_json(self) -> dict[str, Any]:
        return {"article": self.article, "to_article": self.to_article, "clause": self.clause,
                "part": self.part, "text": self.text, "what": self.what, "label": self.label()}


@dataclass
class Version:
    document: str
    id: str
    status: str
    official: bool
    current: bool = False
    base: str | None = None
    completeness: str = "complete"
    path: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    legal_basis: list[str] = field(default_factory=list)
    published: Day | None = None
    in_force_from: Day | None = None
    in_force_until: Day | None = None
    repealed_by: str | None = None
    gaps: list[Gap] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.document}@{self.id}"

    @property
    def partial(self) -> bool:
        return self.completeness == "partial"

    def to_json(self) -> dict[str, Any]:
        day = lambda d: d.text if d else None
        return {"ref": self.ref, "document": self.document, "id": self.id, "status": self.status,
                "official": self.official, "current": self.current, "base": self.base,
                "completeness": self.completeness, "path": str(self.path) if self.path else None,
                **{k: self.meta.get(k) for k in META}, "legal_basis": self.legal_basis,
                "published": day(self.published), "in_force_from": day(self.in_force_from),
                "in_force_until": day(self.in_force_until), "repealed_by": self.repealed_by,
                "unknown": [g.to_json() for g in self.gaps]}


def parse_version(path: Path, data: Any, doc_id: str | None) -> Version:
    source = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("version"), dict):
        raise InputError(source, "version", "expected a version: mapping (see kb/law/versions/__init__.py)")
    head = data["version"]
    doc = head.get("document")
    if not isinstance(doc, str) or (doc_id is not None and doc != doc_id):
        raise InputError(source, "version.document", f"expected the document id {doc_id or ''}".rstrip())
    status = head.get("status")
    if status not in STATUSES:
        raise InputError(source, "version.status", f"expected one of {', '.join(STATUSES)}")
    if not isinstance(head.get("official"), bool):
        raise InputError(source, "version.official", "expected true or false (false: illustrative, not an official text)")
    how = [k for k in HOW if head.get(k) not in (None, False)]
    if len(how) != 1:
        raise InputError(source, "version", "expected exactly one of current: true, base: VERSION, "
                                            "completeness: complete|partial")
    completeness = head.get("completeness") or "complete"
    if completeness not in ("complete", "partial"):
        raise InputError(source, "version.completeness", "expected complete or partial")
    if how == ["completeness"] and not data.get("articles"):
        raise InputError(source, "articles", "a version with a text of its own needs its articles")
    gaps = [parse_gap(g, source, f"version.unknown[{i}]") for i, g in enumerate(head.get("unknown") or [])]
    if gaps and completeness != "partial":
        raise InputError(source, "version.unknown", "only a partial version has unknown text")
    basis = head.get("legal_basis") or []
    if not isinstance(basis, list) or not all(isinstance(b, str) for b in basis):
        raise InputError(source, "version.legal_basis", "expected a list of document numbers")
    vid = head.get("id", path.stem)
    return Version(document=doc, id=str(vid), status=status, official=head["official"],
                   current=bool(head.get("current")), base=str(head["base"]) if head.get("base") else None,
                   completeness=completeness, path=path.resolve(),
                   meta={k: head.get(k) for k in META if head.get(k) is not None},
                   legal_basis=list(basis),
                   published=parse_day(head.get("published"), source, "version.published"),
                   in_force_from=parse_day(head.get("in_force_from"), source, "version.in_force_from"),
                   in_force_until=parse_day(head.get("in_force_until"), source, "version.in_force_until"),
                   repealed_by=str(head["repealed_by"]) if head.get("repealed_by") else None,
                   gaps=gaps, raw=data)


def parse_gap(raw: Any, source: str, where: str) -> Gap:
    if not isinstance(raw, dict) or not isinstance(raw.get("article"), int):
        raise InputError(source, f"{where}.article", "expected the article number where the unknown text is")
    if not isinstance(raw.get("what"), str):
        raise InputError(source, f"{where}.what", "expected a description of what is unknown")
    return Gap(article=raw["article"], to_article=raw.get("to_article"), clause=raw.get("clause"),
               part=raw.get("part"), text=str(raw.get("text") or ""), what=raw["what"])
