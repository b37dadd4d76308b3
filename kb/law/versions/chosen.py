"""The Document of a version, and a knowledge base's documents with chosen versions in place."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kb.law.agreement import require_agreement
from kb.law.encoding import Loader
from kb.law.fields import FIELDS
from kb.law.model import Article, Citation, Document, Node
from kb.law.versions.assembly import Assembler, links_of
from kb.law.versions.records import NotInForce, Version
from kb.law.versions.registry import Versions, document_of_program

@dataclass
class Text:
    """A version with its loaded Document and its links to other ids."""
    version: Version
    document: Document
    links: dict[str, str]


def load_text(versions: Versions, v: Version, settings: dict[str, str], known_fields: set[str] | None,
              functions: set[str]) -> Text:
    data = Assembler(versions).data(v)
    path = v.path if (v.path and not v.current) else versions.encoding
    require_agreement(data, str(path))   # a figure its own words contradict is an error
    source_text = None if v.current else ""
    doc = Loader(Path(path), settings, known_fields, functions).document(data, source_text)
    if v.partial:
        add_gaps(doc, v)
    v.meta.setdefault("title", doc.title)
    return Text(v, doc, links_of(data))


def add_gaps(doc: Document, v: Version) -> None:
    """One undecidable condition per gap and program: a partial text can fail
    on what is known of it, never qualify."""
    for k, gap in enumerate(v.gaps, 1):
        art = _host(doc.articles, gap.article)
        clause = next((c for c in art.clauses if c.clause == gap.clause and c.part == gap.part), None) \
            if art.number == gap.article and gap.clause is not None else None
        text = gap.text or (clause.text if clause else art.text if art.number == gap.article else "")
        for program in doc.programs:
            what = f"{v.ref}: {gap.label()} not known ({gap.what})"
            art.conditions.append(Node(
                id=f"{program}/unknown-text-{k}", kind="unknown", program=program,
                citation=Citation(program=program, article=gap.article, clause=gap.clause, part=gap.part,
                                  inferred=False, text=text, document=doc.id),
                params={"what": what, "label": gap.label()}, gloss=what, source=f"{v.path}: version.unknown[{k - 1}]"))


def _host(articles: list[Article], number: int) -> Article:
    before = [a for a in articles if a.number <= number]
    return before[-1] if before else articles[0]


# -- a knowledge base for chosen versions -----------------------------------

def choose(kb, versions: dict[str, Any] | None, as_of: date | None) -> tuple[list[Document], dict[str, Version]]:
    """The knowledge base's documents with the chosen versions in place.
    ``versions`` maps a document (or program) id to a version id, ``current``,
    a date or a version file; ``as_of`` picks, for every other document that
    records dated versions, the one in force that day."""
    docs = list(kb.documents)
    index = {d.id: i for i, d in enumerate(docs)}
    wanted: dict[str, Any] = {}
    for name, key in (versions or {}).items():
        wanted[document_of_program(kb.facts_dir, name)] = Path(key) if isinstance(key, Path) else key
    named = set(wanted)   # the documents asked for by name, before as_of adds the rest
    if as_of is not None:
        for doc in docs:
            wanted.setdefault(doc.id, as_of)
    chosen: dict[str, Version] = {}
    for doc_id, key in wanted.items():
        registry = Versions(kb.facts_dir, doc_id)
        try:
            v = registry.get(key)
        except NotInForce:
            if doc_id in named:
                raise
            # one date for every document: a document with no text in force that day keeps
            # its current text, whose status (draft) every output states; naming it with a
            # date (DOC@DAY) is an error instead
            v = registry.current
        chosen[doc_id] = v
        if not v.current:
            text = load_text(registry, v, kb.settings, set(FIELDS), set(kb.functions))
            docs[index[doc_id]] = text.document
    return docs, chosen
