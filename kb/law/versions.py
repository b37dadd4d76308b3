"""Versions of a regulation as data, and the text of each.

A document's current text is ``facts/<city>/<doc>/encoding.yaml``. Its other
versions sit beside it, one file each, in ``versions/<id>.yaml``::

    version:
      document: beijing.sme-service-platform   # required
      id: "2017"                                # default: the file name
      status: repealed                          # in_force | draft | repealed | trial
      official: true                            # false: illustrative or a private draft
      label: one line shown in every report     # optional; title, number, issuer too
      published: 2017-05-12                     # YYYY-MM-DD, or YYYY where only the year is known
      in_force_from: 2017-05-12
      in_force_until: null                      # default: in_force_from of repealed_by
      repealed_by: "2019"
      legal_basis: [工信部企业〔2012〕197号]
      # how the text is given, exactly one of:
      current: true              # the text is ../encoding.yaml (this file only adds dates)
      base: current              # an overlay: the base's text changed by articles/amend below
      completeness: partial      # a text of its own (articles below): complete | partial
      unknown: [ … ]             # partial: where the known text stops (see Gap)

A text of its own is an encoding.yaml copy (``document:`` may stay, with the
same id) plus the ``version:`` block. An overlay states only what differs:
``articles:`` entries replace an article's fields, clauses matched by
(clause, part); ``amend:`` edits text (``{article, part?, clause?, replace,
with}``: the article, its clauses and the quotes under it) and conditions
(``{condition: ID, set: {…}}``, ``{condition: ID, remove: true}``, ``{article,
part?, clause?, add: node}``). A condition kept under a new id is linked with
``continued_by: NEW`` on the old node or ``continues: OLD`` on the new one.

A partial version states what is known; every gap becomes a condition of kind
``unknown`` in each of its programs, which the rules leave undecided, so the
version can fail on a known condition but never qualify, and the diff reports
what lies in a gap as unknown, never as removed.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kb.law.encoding import Loader
from kb.io.errors import InputError
from kb.law.model import Article, Citation, Document, Node
from kb.io.yamlio import read_yaml

STATUSES = ("in_force", "draft", "repealed", "trial")
CURRENT = "current"
HOW = ("current", "base", "completeness")
META = ("title", "number", "issuer", "label", "source", "note", "interpretation")
SWITCH_KEYS = {"id", "kind", "switch", "cases", "quote", "gloss", "interpretation", "implied",
               "clause", "program", "continued_by", "continues"}


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


# -- finding documents -------------------------------------------------------

def document_dir(facts_dir: Path, doc_id: str) -> Path:
    city, _, name = doc_id.partition(".")
    path = Path(facts_dir) / city / name
    if not name or not (path / "encoding.yaml").is_file():
        known = sorted(f"{p.parent.parent.name}.{p.parent.name}" for p in Path(facts_dir).glob("*/*/encoding.yaml"))
        raise InputError(doc_id, None, f"unknown document; expected one of {', '.join(known)} "
                                       "(or a program id)")
    return path


def document_of_program(facts_dir: Path, name: str) -> str:
    """A document id from a document id or one of its program ids."""
    for path in sorted(Path(facts_dir).glob("*/*/encoding.yaml")):
        doc_id = f"{path.parent.parent.name}.{path.parent.name}"
        if name == doc_id:
            return doc_id
    for path in sorted(Path(facts_dir).glob("*/*/encoding.yaml")):
        head = (read_yaml(path) or {}).get("document") or {}
        if name in (head.get("programs") or []):
            return head.get("id", f"{path.parent.parent.name}.{path.parent.name}")
    document_dir(facts_dir, name)   # raises, listing the documents
    return name


class Versions:
    """Every known version of one document."""

    def __init__(self, facts_dir: str | Path, doc_id: str):
        self.facts_dir = Path(facts_dir)
        self.doc_id = doc_id
        self.dir = document_dir(self.facts_dir, doc_id)
        self.encoding = self.dir / "encoding.yaml"
        self._raw_current: dict | None = None
        self.by_id: dict[str, Version] = {}
        for path in sorted((self.dir / "versions").glob("*.yaml")):
            self.add(parse_version(path, read_yaml(path), doc_id))
        if not any(v.current for v in self.by_id.values()):
            head = self.raw_current().get("document") or {}
            self.add(Version(document=doc_id, id=CURRENT, status=head.get("status") or "in_force",
                             official=True, current=True, meta={"title": head.get("title")},
                             legal_basis=list(head.get("legal_basis") or []),
                             published=parse_day(head.get("published"), str(self.encoding), "document.published")))

    def add(self, version: Version) -> None:
        if version.id in self.by_id or (version.id == CURRENT and not version.current):
            raise InputError(version.path or self.dir, "version.id",
                             f"version id {version.id!r} is used twice (or reserved)")
        if version.current and any(v.current for v in self.by_id.values()):
            raise InputError(version.path or self.dir, "version.current",
                             "another version file already describes the current text")
        self.by_id[version.id] = version

    def raw_current(self) -> dict:
        if self._raw_current is None:
            self._raw_current = read_yaml(self.encoding) or {}
        return self._raw_current

    @property
    def current(self) -> Version:
        return next(v for v in self.by_id.values() if v.current)

    def get(self, key: str | date | Path) -> Version:
        """A version by id, ``current``, a date (the version in force that
        day) or a version file outside facts/."""
        if isinstance(key, date):
            return self.in_force_on(key)
        if isinstance(key, Path):
            known = next((v for v in self.by_id.values() if v.path == key.resolve()), None)
            if known is not None:
                return known
            version = parse_version(key, read_yaml(key), self.doc_id)
            if version.id in self.by_id:   # a copy that kept its original's id
                version.id = f"{version.id}({key.name})"
            return version
        if key == CURRENT:
            return self.current
        if key not in self.by_id:
            raise InputError(f"{self.doc_id}@{key}", None,
                             f"unknown version; expected current, a date or one of {', '.join(self.by_id)}")
        return self.by_id[key]

    def until(self, v: Version) -> Day | None:
        if v.in_force_until:
            return v.in_force_until
        if v.repealed_by and v.repealed_by in self.by_id:
            return self.by_id[v.repealed_by].in_force_from
        if v.status == "repealed":   # repealed on a day nobody recorded
            return Day(v.in_force_from.lo if v.in_force_from else date.min, date.max, "unknown")
        return None

    def in_force_on(self, day: date) -> Version:
        """The version in force on ``day``. A draft (or any text never in force)
        is never chosen by a date, only by its id: a date that finds no text in
        force is an error naming why (NotInForce), never a guess."""
        dated = [v for v in self.by_id.values() if v.status != "draft" and v.in_force_from]
        if not dated:   # nothing to choose by: the current text stands, if it was ever in force
            cur = self.current
            if cur.status == "draft":
                title = cur.meta.get("title") or ""
                kind = "a draft for comment (征求意见稿)" if "征求意见稿" in title else "a draft"
                raise NotInForce(f"{self.doc_id}@{day}", None,
                                 f"no text of this document was in force that day: its only text is {kind}, "
                                 f"never in force; a draft is applied only when named by its id "
                                 f"({self.doc_id}@{cur.id})")
            if cur.published and day < cur.published.lo:
                raise NotInForce(f"{self.doc_id}@{day}", None,
                                 f"no text of this document was in force that day: its only text "
                                 f"({cur.status}) was published {cur.published.text}")
            return cur
        sure, maybe = [], []
        for v in dated:
            start, end = v.in_force_from, self.until(v)
            if start.lo <= day and (end is None or day < end.hi):
                maybe.append(v)
                if start.hi <= day and (end is None or day < end.lo):
                    sure.append(v)
        known = "; ".join(f"{v.id} from {v.in_force_from.text}"
                          + (f" until {self.until(v).text}" if self.until(v) else "") for v in dated)
        if len(sure) == 1 and len(maybe) == 1:
            return sure[0]
        if not maybe:
            raise InputError(f"{self.doc_id}@{day}", None, f"no known version was in force that day ({known})")
        raise InputError(f"{self.doc_id}@{day}", None,
                         f"cannot tell which version was in force that day ({known})")


def parse_version(path: Path, data: Any, doc_id: str | None) -> Version:
    source = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("version"), dict):
        raise InputError(source, "version", "expected a version: mapping (see kb/law/versions.py)")
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


# -- references: DOC@VERSION --------------------------------------------------

def parse_ref(text: str, facts_dir: Path, default_doc: str | None = None) -> tuple[str, str | date | Path]:
    """``DOC@VERSION`` → (document id, version key). DOC is a document or
    program id (omitted: ``default_doc``); VERSION an id, ``current`` or a
    date YYYY-MM-DD (the version in force that day); no ``@``: the current
    text. A path to a version file names its own document."""
    path = Path(text)
    if text.endswith((".yaml", ".yml")):
        if not path.is_file():
            raise InputError(text, None, "version file not found")
        data = read_yaml(path)
        head = data.get("version") if isinstance(data, dict) else None
        doc = head.get("document") if isinstance(head, dict) else None
        if not isinstance(doc, str):
            raise InputError(text, "version.document", "expected the document id")
        document_dir(facts_dir, doc)
        return doc, path.resolve()
    doc, sep, key = text.partition("@")
    if not doc:
        if default_doc is None:
            raise InputError(text, None, "expected DOC@VERSION (DOC: a document or program id)")
        doc = default_doc
    doc = document_of_program(facts_dir, doc)
    if not sep:
        return doc, CURRENT
    if not key:
        raise InputError(text, None, "expected a version after @ (an id, current, or YYYY-MM-DD)")
    if len(key) == 10 and key[4] == "-":
        try:
            return doc, date.fromisoformat(key)
        except ValueError:
            raise InputError(text, None, f"expected a date YYYY-MM-DD, got {key!r}") from None
    return doc, key


def version_options(items: list[str] | None, facts_dir: Path) -> tuple[dict[str, Any] | None, date | None]:
    """``--version`` values for a query: ``DOC@VERSION`` (repeatable), or
    ``@YYYY-MM-DD`` for every document's version in force that day. Returns
    the ``versions`` and ``as_of`` arguments of KnowledgeBase."""
    versions: dict[str, Any] = {}
    as_of = None
    for item in items or []:
        if item.startswith("@"):
            try:
                day = date.fromisoformat(item[1:])
            except ValueError:
                raise InputError("--version", item, "expected DOC@VERSION or @YYYY-MM-DD") from None
            if as_of is not None and day != as_of:
                raise InputError("--version", item, f"a second date after @{as_of}; expected one @YYYY-MM-DD")
            as_of = day
        else:
            doc, key = parse_ref(item, facts_dir)
            if doc in versions and versions[doc] != key:   # keeping the last would be a silent guess
                raise InputError("--version", item, f"a second version of {doc}; expected one --version per document")
            versions[doc] = key
    return versions or None, as_of


# -- assembling a version's text ----------------------------------------------

def raw_nodes(data: dict):
    """Every condition mapping in an encoding, with its id as the loader gives
    it, the container holding it and its key there."""
    for art in data.get("articles") or []:
        for cl in art.get("clauses") or []:
            yield from _walk_list(cl.get("conditions"), None)
        yield from _walk_list(art.get("conditions"), None)


def _walk_list(items, parent_id):
    for i, item in enumerate(items or []):
        if not isinstance(item, dict):
            continue
        nid = item.get("id")
        if not nid and parent_id:
            nid = (f"{parent_id}/{item['function']}" if item.get("kind") == "function" and item.get("function")
                   else f"{parent_id}/{i + 1}")
        yield item, nid, items, i
        yield from _walk_node(item, nid)


def _walk_node(node: dict, nid):
    for key in ("all", "any", "of", "requires"):
        yield from _walk_list(node.get(key), nid)
    for key in ("if", "then"):
        sub = node.get(key)
        if isinstance(sub, dict):
            sid = sub.get("id") or f"{nid}/{key}"
            yield sub, sid, node, key
            yield from _walk_node(sub, sid)
    for case in (node.get("cases") or {}).values():   # a case takes the switch's id
        if isinstance(case, dict):
            yield from _walk_node(case, nid)


def links_of(data: dict) -> dict[str, str]:
    """old id → new id, from ``continued_by`` (old side) and ``continues`` (new side)."""
    out = {}
    for node, nid, _, _ in raw_nodes(data):
        if node.get("continued_by"):
            out[nid] = str(node["continued_by"])
        if node.get("continues"):
            out[str(node["continues"])] = nid
    return out


class Assembler:
    """The encoding data of a version: its own text, or its base's with its overlay."""

    def __init__(self, versions: Versions):
        self.versions = versions

    def data(self, v: Version, seen: tuple[str, ...] = ()) -> dict:
        if v.current:
            data = copy.deepcopy(self.versions.raw_current())
        elif v.base:
            if v.base in seen:
                raise InputError(v.path, "version.base", f"versions overlay each other in a cycle: {' → '.join(seen)}")
            base = self.versions.get(v.base)
            data = self.data(base, seen + (v.id,))
            overlay(data, v)
            if base.partial and not v.partial:
                v.completeness, v.gaps = "partial", list(base.gaps)
        else:
            head = dict(self.versions.raw_current().get("document") or {})
            own = v.raw.get("document")
            if own is not None:
                if not isinstance(own, dict) or own.get("id") != v.document:
                    raise InputError(v.path, "document.id", f"expected {v.document}")
                head.update(own)
            data = {"document": head, "articles": copy.deepcopy(v.raw["articles"])}
        head = data["document"] = dict(data.get("document") or {})
        if not v.current:
            head["status"] = v.status
            if v.meta.get("title"):
                head["title"] = v.meta["title"]
            if v.legal_basis:
                head["legal_basis"] = list(v.legal_basis)
            head["version"] = v.id
        return data


def overlay(data: dict, v: Version) -> None:
    source = str(v.path)
    arts = {a.get("number"): a for a in data.get("articles") or []}
    for i, art in enumerate(v.raw.get("articles") or []):
        where = f"articles[{i}]"
        number = art.get("number") if isinstance(art, dict) else None
        if not isinstance(number, int):
            raise InputError(source, f"{where}.number", "expected the article number")
        if art.get("removed"):
            if arts.pop(number, None) is None:
                raise InputError(source, f"{where}.number", f"no article {number} in the base text")
            continue
        if number in arts:
            _merge_article(arts[number], art, source, where)
        else:
            arts[number] = copy.deepcopy({k: v_ for k, v_ in art.items()})
    data["articles"] = [arts[n] for n in sorted(arts)]
    for i, amendment in enumerate(v.raw.get("amend") or []):
        _amend(data, arts, amendment, source, f"amend[{i}]")


def _merge_article(base: dict, new: dict, source: str, where: str) -> None:
    for key, value in new.items():
        if key != "clauses":
            base[key] = copy.deepcopy(value)
            continue
        clauses = base.setdefault("clauses", [])
        for j, cl in enumerate(value or []):
            key_ = (cl.get("clause"), cl.get("part"))
            old = next((c for c in clauses if (c.get("clause"), c.get("part")) == key_), None)
            if cl.get("removed"):
                if old is None:
                    raise InputError(source, f"{where}.clauses[{j}]", f"no clause {key_[0]} in the base article")
                clauses.remove(old)
                continue
            if old is not None and "text" not in new and isinstance(cl.get("text"), str):
                # keep the article's text in step with a restated clause
                if old["text"].strip() not in base["text"]:
                    raise InputError(source, f"{where}.text", "restate the article's text as well")
                base["text"] = base["text"].replace(old["text"].strip(), cl["text"].strip())
            if old is None:
                clauses.append(copy.deepcopy(cl))
            else:
                clauses[clauses.index(old)] = copy.deepcopy(cl)


def _amend(data: dict, arts: dict, a: Any, source: str, where: str) -> None:
    if not isinstance(a, dict):
        raise InputError(source, where, "expected an amendment mapping")
    if "condition" in a:
        target = a["condition"]
        found = [(node, holder, key) for node, nid, holder, key in raw_nodes(data) if nid == target]
        if not found:
            raise InputError(source, f"{where}.condition", f"no condition {target!r} in the base text")
        node, holder, key = found[0]
        if a.get("remove"):
            if not isinstance(holder, list):
                raise InputError(source, where, "only a condition in a list can be removed")
            holder.pop(key)
        elif isinstance(a.get("set"), dict):
            _set(node, a["set"])
        else:
            raise InputError(source, where, "expected set: {…} or remove: true")
        return
    number = a.get("article")
    if number not in arts:
        raise InputError(source, f"{where}.article", f"expected an article number of the base text, got {number!r}")
    art = arts[number]
    clauses = [c for c in art.get("clauses") or []
               if ("clause" not in a or c.get("clause") == a["clause"]) and ("part" not in a or c.get("part") == a["part"])]
    if ("clause" in a or "part" in a) and not clauses:
        raise InputError(source, f"{where}.clause", f"no such clause in article {number}")
    if "replace" in a:
        old, new = a.get("replace"), a.get("with")
        if not isinstance(old, str) or not isinstance(new, str) or not old:
            raise InputError(source, where, "expected replace: OLD WORDS, with: NEW WORDS")
        if old not in art.get("text", ""):
            raise InputError(source, f"{where}.replace", f"words not found in article {number}: {old!r}")
        art["text"] = art["text"].replace(old, new)
        for c in clauses or art.get("clauses") or []:
            c["text"] = c["text"].replace(old, new)
        _replace_quotes(art, old, new)   # quotes are the clause's own words: they follow it
    elif isinstance(a.get("add"), dict):
        target = clauses[0] if clauses else art
        target.setdefault("conditions", []).append(copy.deepcopy(a["add"]))
    else:
        raise InputError(source, where, "expected replace/with, add, or condition")


def _set(node: dict, values: dict) -> None:
    if node.get("kind") != "switch":
        node.update(copy.deepcopy(values))
        return
    # on a switch, the rule's own fields (value, op, …) belong to every case
    for key, value in values.items():
        if key in SWITCH_KEYS:
            node[key] = copy.deepcopy(value)
        else:
            for case in (node.get("cases") or {}).values():
                if isinstance(case, dict) and key in case:
                    case[key] = copy.deepcopy(value)


def _replace_quotes(obj: Any, old: str, new: str) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "quote" and isinstance(value, str):
                obj[key] = value.replace(old, new)
            else:
                _replace_quotes(value, old, new)
    elif isinstance(obj, list):
        for item in obj:
            _replace_quotes(item, old, new)


# -- the Document of a version ------------------------------------------------

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
    from kb.law.agreement import require_agreement   # a figure its own words contradict is an error
    require_agreement(data, str(path))
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
    from kb.reasoning.base import known_fields
    docs = list(kb.documents)
    index = {d.id: i for i, d in enumerate(docs)}
    wanted: dict[str, Any] = {}
    for name, key in (versions or {}).items():
        wanted[document_of_program(kb.facts_dir, name)] = Path(key) if isinstance(key, Path) else key
    if as_of is not None:
        for doc in docs:
            wanted.setdefault(doc.id, as_of)
    named = {document_of_program(kb.facts_dir, name) for name in versions or {}}
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
            text = load_text(registry, v, kb.settings, known_fields(), set(kb.functions))
            docs[index[doc_id]] = text.document
    return docs, chosen
