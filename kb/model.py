"""The knowledge base's vocabulary: citations, condition nodes, programs.

One node type serves every kind of condition (its kind-specific figures sit in
``params``) because comparison, planning, revisions and screening all walk the
same trees; a class per kind would make each of them dispatch on type anyway.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROGRAMS = {
    "beijing.station": "北京市专精特新企业服务站",
    "beijing.platform": "北京市中小企业公共服务示范平台",
    "guiyang.platform": "贵阳市中小企业公共服务示范平台",
    "beijing.base": "北京市小型微型企业创业创新示范基地",
    "chengdu.platform": "成都市中小企业公共服务平台",
    "chengdu.base": "成都市小企业创业基地",
}

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
        from kb.texts import chinese_numeral
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
