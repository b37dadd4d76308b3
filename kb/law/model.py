"""The knowledge base's vocabulary: citations, condition nodes, programs.

One node type serves every kind of condition (its kind-specific figures sit in
``params``) because comparison, planning, revisions and screening all walk the
same trees; a class per kind would make each of them dispatch on type anyway.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The program vocabulary is data (facts/programs.yaml), read from the source tree
# rather than REGKB_FACTS: an encoding names its programs from this list, so the
# list belongs to the code's contract, not to one facts directory.
FACTS_SOURCE = Path(__file__).resolve().parents[2] / "facts"
PROGRAMS_FILE = FACTS_SOURCE / "programs.yaml"


@dataclass(frozen=True)
class ProgramInfo:
    id: str
    zh: str                  # the title the text confers
    en: str
    short: str               # 北京平台 …: tables, matrices, citations
    city: str
    kind: str                # platform | base | station
    document: str            # encoding id
    layout: tuple[float, float] | None = None   # position in the dependency graph picture


def _load_programs(path: Path = PROGRAMS_FILE):
    from kb.io.errors import InputError
    from kb.io.yamlio import read_yaml
    data = read_yaml(path) or {}
    cities, kinds = data.get("cities") or {}, data.get("kinds") or {}
    info: dict[str, ProgramInfo] = {}
    for i, raw in enumerate(data.get("programs") or []):
        where = f"programs[{i}]"
        missing = [k for k in ("id", "zh", "en", "short", "city", "kind", "document") if not raw.get(k)]
        if missing:
            raise InputError(str(path), f"{where}.{missing[0]}", "expected a non-empty string")
        if raw["city"] not in cities or raw["kind"] not in kinds:
            raise InputError(str(path), f"{where}.city", f"expected a city from {sorted(cities)} "
                                                         f"and a kind from {sorted(kinds)}")
        unknown = sorted(set(raw) - set(ProgramInfo.__dataclass_fields__))
        if unknown:
            raise InputError(str(path), f"{where}.{unknown[0]}", f"expected one of {sorted(ProgramInfo.__dataclass_fields__)}")
        layout = tuple(raw["layout"]) if raw.get("layout") else None
        info[raw["id"]] = ProgramInfo(**{**raw, "layout": layout})
    if not info:
        raise InputError(str(path), "programs", "expected a list of programs")
    return info, {c: (v["zh"], v["en"]) for c, v in cities.items()}, {k: (v["zh"], v["en"]) for k, v in kinds.items()}


PROGRAM_INFO, CITY_NAMES, KIND_NAMES = _load_programs()
PROGRAMS = {pid: p.zh for pid, p in PROGRAM_INFO.items()}       # id -> Chinese name
SHORT = {pid: p.short for pid, p in PROGRAM_INFO.items()}       # id -> 北京平台 …
CITY_ZH = {c: zh for c, (zh, _) in CITY_NAMES.items()}          # beijing -> 北京
CITY_LABEL = {c: f"{zh} {en}" for c, (zh, en) in CITY_NAMES.items()}   # beijing -> 北京 Beijing

LEAF_KINDS = {"threshold", "boolean", "locality", "applicant_type", "qualitative",
              "lookback", "ban", "reapplication", "growth"}
COMPOSITE_KINDS = {"all", "any", "k_of_n", "function", "when"}
ARTICLE_CLASSES = {"eligibility", "procedure", "obligation", "revocation", "benefit",
                   "definition", "general"}
STRENGTHS = {"mandatory", "general", "relaxable"}


@dataclass(frozen=True)
class Citation:
    program: str
    article: int
    clause: int | None
    part: str | None
    inferred: bool
    text: str
    document: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"program": self.program, "article": self.article, "clause": self.clause,
                "part": self.part, "inferred": self.inferred, "text": self.text}

    def label(self) -> str:
        """第五条（七） style, with the part and an inferred mark where they apply."""
        from kb.law.texts import chinese_numeral
        out = f"第{chinese_numeral(self.article)}条"
        if self.part:
            out += f"·{self.part}"
        if self.clause is not None:
            out += f"（{chinese_numeral(self.clause)}）"
        return out + ("*" if self.inferred else "")


@dataclass
class Node:
    id: str
    kind: str
    program: str
    citation: Citation
    params: dict[str, Any] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)
    quote: str | None = None
    gloss: str | None = None
    strength: str = "mandatory"
    qualitative: bool = False
    implied: bool = False
    interpretation: str | None = None
    switch: tuple[str, str] | None = None   # (name, value) that chose this node
    source: str = ""                        # facts file and path, for error messages
    not_encoded: list[dict[str, str]] = field(default_factory=list)   # {what, why}: text this node does not read

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Exception_:
    """A stated exception that changes how other conditions' failures count."""
    id: str
    kind: str
    applies_to: list[str]
    sponsors: list[str]
    citation: Citation
    quote: str | None = None
    interpretation: str | None = None


@dataclass
class Clause:
    clause: int | None
    inferred: bool
    part: str | None
    text: str
    not_encoded: list[dict[str, str]] = field(default_factory=list)   # {what, why}


@dataclass
class Article:
    number: int
    label: str | None
    cls: str
    gloss: str
    text: str
    inferred: bool
    clauses: list[Clause]
    conditions: list[Node]


@dataclass
class Document:
    id: str
    city: str
    title: str
    seed: str
    programs: list[str]
    path: str
    header: dict[str, Any]
    articles: list[Article]
    exceptions: list[Exception_]
    source_text: str
    attest_keys: set[str] = field(default_factory=set)   # every reading's, not only the chosen switches'


@dataclass
class Program:
    id: str
    document: Document
    conditions: list[Node]          # top-level, in article order
    exceptions: list[Exception_]

    @property
    def name(self) -> str:
        return PROGRAMS[self.id]

    def nodes(self):
        for top in self.conditions:
            yield from top.walk()
