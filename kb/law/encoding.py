"""Loading facts/: documents, articles, clauses (their condition trees: kb/law/nodes.py).

Every field is checked here, so the rest of the code can trust the model; an
error names the facts file, the path inside it and what was expected. Switch
nodes are resolved against the settings the knowledge base is built with.
:func:`load_law` gives the texts and programs without the Datalog engine, for
readers below the reasoning layer (docs/profile.md, the profile's JSON Schema).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.io.errors import InputError
from kb.io.yamlio import read_yaml
from kb.law.fields import FIELDS
from kb.law.model import ARTICLE_CLASSES, FACTS_SOURCE, PROGRAMS, Article, Clause, Document, Exception_, Program
# exact and _Ctx are part of this module's interface: the catalogue reads
# numbers as the loader does, and tests build a node context directly
from kb.law.nodes import NodeReader, _Ctx, exact
from kb.law.switches import load_switches, resolve_settings

__all__ = ["Loader", "load_documents", "validity_years", "programs_of", "facts_dir_of", "attest_keys", "exact",
           "_Ctx", "DEFAULT_FACTS", "Law", "load_law"]

# facts/ unless REGKB_FACTS names another directory
DEFAULT_FACTS = Path(os.environ.get("REGKB_FACTS", FACTS_SOURCE))


class Loader(NodeReader):
    """One encoding.yaml (or a version's assembled data) as a Document."""

    def validity(self, head: dict) -> dict[str, int]:
        """``document.validity_years``: program → years a designation under this
        text runs (有效期三年), its expiry where the profile states none."""
        raw = head.get("validity_years")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise InputError(self.source, "document.validity_years", "expected a mapping program id → years")
        out = {}
        for pid, years in raw.items():
            if pid not in (head.get("programs") or []):
                raise InputError(self.source, f"document.validity_years.{pid}", "expected a program of this document")
            if isinstance(years, dict):   # {years: 3, …} with a citation beside it
                years = years.get("years")
            if not isinstance(years, int) or isinstance(years, bool) or years < 1:
                raise InputError(self.source, f"document.validity_years.{pid}", "expected a whole number of years")
            out[pid] = years
        return out

    # -- documents -----------------------------------------------------------
    def document(self, data: Any = None, source_text: str | None = None) -> Document:
        # a version of the text (kb/law/versions/) passes its assembled data and source
        data = read_yaml(self.path) if data is None else data
        if not isinstance(data, dict):
            raise InputError(self.source, None, "expected a mapping with document and articles")
        head = data.get("document")
        if not isinstance(head, dict):
            raise InputError(self.source, "document", "required mapping is missing")
        for key in ("id", "city", "title", "seed", "programs"):
            self.need(head, key, "document")
        programs = head["programs"]
        if not isinstance(programs, list) or any(p not in PROGRAMS for p in programs):
            raise InputError(self.source, "document.programs", f"expected program ids from {sorted(PROGRAMS)}")
        self.validity(head)
        articles_raw = data.get("articles")
        if not isinstance(articles_raw, list) or not articles_raw:
            raise InputError(self.source, "articles", "expected the list of articles")
        if source_text is None:
            source_text = (self.path.parent / "source.txt").read_text(encoding="utf-8")
        default_program = programs[0] if len(programs) == 1 else None
        articles, exceptions = [], []
        for i, art in enumerate(articles_raw):
            path = f"articles[{i}]"
            number = self.need(art, "number", path, int)
            cls = art.get("class")
            if cls not in ARTICLE_CLASSES:
                raise InputError(self.source, f"{path}.class", f"expected one of {sorted(ARTICLE_CLASSES)}")
            text = self.need(art, "text", path, str).strip()
            gloss = self.need(art, "gloss", path, str)
            clauses, nodes = [], []
            by_no: dict[int, Clause] = {}
            for j, cl in enumerate(art.get("clauses") or []):
                cpath = f"{path}.clauses[{j}]"
                clause = Clause(clause=cl.get("clause"), inferred=bool(cl.get("inferred")),
                                part=cl.get("part"), text=self.need(cl, "text", cpath, str).strip(),
                                not_encoded=self.not_encoded(cl, cpath))
                clauses.append(clause)
                if clause.part is None and clause.clause is not None:
                    by_no.setdefault(clause.clause, clause)
            article_stub = {"number": number, "text": text, "inferred": art.get("inferred")}
            for j, cl in enumerate(art.get("clauses") or []):
                cpath = f"{path}.clauses[{j}]"
                ctx = _Ctx(self, head, article_stub, clauses[j], cpath, by_no)
                for k, raw in enumerate(cl.get("conditions") or []):
                    nodes.append(self.node(raw, ctx, f"{cpath}.conditions[{k}]", None, default_program))
                nodes = [n for n in nodes if n is not None]
            ctx = _Ctx(self, head, article_stub, None, path, by_no)
            for k, raw in enumerate(art.get("conditions") or []):
                nodes.append(self.node(raw, ctx, f"{path}.conditions[{k}]", None, default_program))
            nodes = [n for n in nodes if n is not None]
            for k, raw in enumerate(art.get("exceptions") or []):
                epath = f"{path}.exceptions[{k}]"
                exceptions.append(Exception_(
                    id=self.need(raw, "id", epath, str), kind=self.need(raw, "kind", epath, str),
                    applies_to=self.str_list(raw, "applies_to", epath),
                    sponsors=self.str_list(raw, "sponsors", epath),
                    citation=ctx.citation(raw.get("program") or default_program),
                    quote=raw.get("quote"), interpretation=raw.get("interpretation")))
            articles.append(Article(number=number, label=art.get("label"), cls=cls, gloss=gloss,
                                    text=text, inferred=bool(art.get("inferred")), clauses=clauses,
                                    conditions=nodes))
        return Document(id=head["id"], city=head["city"], title=head["title"], seed=head["seed"],
                        programs=programs, path=self.source, header=head, articles=articles,
                        exceptions=exceptions, source_text=source_text,
                        attest_keys=set(self.attest_keys))


def load_documents(facts_dir: Path, settings: dict[str, str], known_fields: set[str] | None,
                   functions: set[str]) -> list[Document]:
    paths = sorted(facts_dir.glob("*/*/encoding.yaml"))
    if not paths:
        raise InputError(facts_dir, None, "expected encodings at <city>/<document>/encoding.yaml")
    return [Loader(p, settings, known_fields, functions).document() for p in paths]


def validity_years(documents: list[Document]) -> dict[str, int]:
    """Program → the years its text fixes for a designation (document.validity_years)."""
    out: dict[str, int] = {}
    for doc in documents:
        for pid, years in (doc.header.get("validity_years") or {}).items():
            out[pid] = years.get("years") if isinstance(years, dict) else years
    return out


def programs_of(documents: list[Document], require_all: bool = True) -> dict[str, Program]:
    """Each program's top-level conditions in article order, with the
    exceptions that name them. Ids must be unique across the whole base.
    A re-application rule learns the validity of the programs it names, so
    every evaluator derives the same default expiry."""
    programs: dict[str, Program] = {}
    seen: dict[str, str] = {}
    for doc in documents:
        for pid in doc.programs:
            programs[pid] = Program(id=pid, document=doc, conditions=[], exceptions=[])
        for art in doc.articles:
            for node in art.conditions:
                for n in node.walk():
                    if n.id in seen:
                        raise InputError(doc.path, n.id, f"duplicate condition id (also at {seen[n.id]})")
                    seen[n.id] = n.source
                if node.program not in programs:
                    raise InputError(doc.path, node.id, f"program {node.program} is not defined by this document")
                programs[node.program].conditions.append(node)
        for exc in doc.exceptions:
            for cid in exc.applies_to:
                if cid not in seen:
                    raise InputError(doc.path, exc.id, f"applies_to names unknown condition {cid!r}")
            programs[exc.citation.program].exceptions.append(exc)
    validity = validity_years(documents)
    for prog in programs.values():
        for node in prog.nodes():
            if node.kind == "reapplication":
                node.params["validity"] = {p: validity[p] for p in node.params["programs"] if p in validity}
    missing = set(PROGRAMS) - set(programs)
    if missing and require_all:
        raise InputError(facts_dir_of(documents), None, f"no encoding defines {sorted(missing)}")
    return programs


def facts_dir_of(documents: list[Document]) -> str:
    return str(Path(documents[0].path).parent.parent.parent) if documents else "facts"


def attest_keys(documents: list[Document]) -> set[str]:
    """Every attest key the encodings define, under any switch setting: the
    profile's ``attest`` may name only these (a misspelt key would otherwise
    attest nothing, silently)."""
    return set().union(*(doc.attest_keys for doc in documents))


@dataclass(frozen=True)
class Law:
    """The encoded texts under one reading of the switches, with the attributes
    of a KnowledgeBase that describing them needs (facts_dir, documents, programs)."""
    facts_dir: Path
    settings: dict[str, str]
    functions: list[str]
    documents: list[Document]
    programs: dict[str, Program]


def load_law(facts_dir: str | Path | None = None, switches: dict[str, str] | None = None) -> Law:
    """The texts as a KnowledgeBase built with the same arguments reads them."""
    facts_dir = Path(facts_dir or DEFAULT_FACTS)
    settings = resolve_settings(load_switches(facts_dir), switches)
    functions = list((read_yaml(facts_dir / "functions.yaml") or {}).get("functions", {}))
    documents = load_documents(facts_dir, settings, set(FIELDS), set(functions))
    return Law(facts_dir, settings, functions, documents, programs_of(documents))
