"""References to versions: ``DOC@VERSION`` on the command line, and the raw data one names."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kb.io.errors import InputError
from kb.io.yamlio import read_yaml
from kb.law.versions.assembly import Assembler
from kb.law.versions.records import CURRENT
from kb.law.versions.registry import Versions, document_dir, document_of_program


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


def encoding_data(ref: str | None, facts_dir) -> list[tuple[str, dict]]:
    """(source, raw data) of what ``regkb lint --encoding`` checks: every
    current encoding, a document or program id, ``DOC@VERSION``, an
    encoding.yaml copy, or a version file (complete, partial or overlay)."""
    facts_dir = Path(facts_dir)
    if ref is None:
        return [(str(p), read_yaml(p)) for p in sorted(facts_dir.glob("*/*/encoding.yaml"))]
    path = Path(ref)
    if ref.endswith((".yaml", ".yml")) or path.is_dir():
        if path.is_dir():
            path = path / "encoding.yaml"
        if not path.is_file():
            raise InputError(ref, None, "no such file; expected an encoding.yaml or a version file")
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise InputError(ref, None, "expected a mapping with articles (and a version block)")
        if "version" not in data:
            if not isinstance(data.get("articles"), list):
                raise InputError(ref, "articles", "expected the list of articles")
            return [(str(path), data)]
    doc, key = parse_ref(ref, facts_dir)
    registry = Versions(facts_dir, doc)
    v = registry.get(key)
    source = str(v.path if (v.path and not v.current) else registry.encoding)
    return [(source, Assembler(registry).data(v))]
