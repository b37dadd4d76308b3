"""Every known version of one document: finding it under facts/ and choosing by id or date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from kb.io.errors import InputError
from kb.io.yamlio import read_yaml
from kb.law.versions.records import CURRENT, Day, NotInForce, Version, parse_day, parse_version


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
