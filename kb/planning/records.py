"""The parts of a plan as typed records: a target, a step and what a step
holds (changes, data to supply, waits, calls, evidence, k-of-n options, the
titles it leans on), what cannot be done, the graph's cycles, the partial
plan. Consumers (the plan's words, the report, the pictures, the notebook,
the web pages) read attributes: dates are dates and citations Citations.
``to_json()`` is the one place each becomes the JSON ``regkb plan --json``
prints, with its keys in their order; keys that are there only sometimes
stay absent when their field is unset."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from kb.law.model import Citation


def json_value(value):
    """A profile value as the plan's JSON gives it: an exact float where one is exact, else "n/d"."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return int(value)
        as_float = float(value)
        return as_float if Fraction(str(as_float)) == value else f"{value.numerator}/{value.denominator}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(x) for x in value]
    return str(value)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class EntityStatus:
    """One entity's status for a program now (a group's target lists each)."""
    entity: str
    status: str

    def to_json(self) -> dict[str, Any]:
        return {"entity": self.entity, "status": self.status}


@dataclass
class PlanTarget:
    program: str
    name: str
    entity: str | None            # the entity that applies (None: no entity can)
    reachable: bool
    status: str | None
    earliest: date | None
    held: bool = False            # a title held now: no application needed
    held_until: date | None = None
    current: list[EntityStatus] | None = None   # a group's: every entity's status

    def to_json(self) -> dict[str, Any]:
        out = {"program": self.program, "name": self.name, "entity": self.entity, "reachable": self.reachable,
               "status": self.status, "earliest": _iso(self.earliest)}
        if self.held:
            out["held"] = True
            out["held_until"] = _iso(self.held_until)
        if self.current is not None:
            out["current"] = [c.to_json() for c in self.current]
        return out


@dataclass
class Clause:
    """The clause that sets a figure (more precise than its top-level condition)."""
    condition: str
    citation: Citation
    quote: str | None

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "citation": self.citation.to_json(), "quote": self.quote}


@dataclass
class Change:
    """A figure to change: from its value now (None: a service not offered now) to the planned one.
    ``old`` and ``new`` are the profile's values (Fraction, int, bool, str, date, list)."""
    field: str
    old: Any
    new: Any
    for_: list[str]               # failing conditions it meets
    keeps: list[str]              # met conditions it keeps met after the other changes
    with_: list[str] | None = None          # fields it keeps consistent (a part-whole relation)
    citations: list[Citation] | None = None  # in the order of for_ + keeps
    unit: str | None = None
    where: list[Clause] | None = None
    also_for: list[str] | None = None        # other programs it serves
    discretion: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"field": self.field, "from": json_value(self.old), "to": json_value(self.new), "for": self.for_,
               "keeps": self.keeps}
        if self.with_:
            out["with"] = self.with_
        if self.citations:
            out["citations"] = [c.to_json() for c in self.citations]
        if self.unit:
            out["unit"] = self.unit
        if self.where:
            out["where"] = [w.to_json() for w in self.where]
        if self.also_for:
            out["also_for"] = self.also_for
        if self.discretion:
            out["discretion"] = self.discretion
        return out


@dataclass
class Supply:
    """Data the profile lacks: what the solver assumed and what it must be."""
    field: str
    assumed: Any
    for_: list[str]
    needs: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"field": self.field, "assumed": json_value(self.assumed), "for": self.for_}
        if self.needs:
            out["needs"] = self.needs
        return out


@dataclass
class Wait:
    """A time condition that passes on ``until``."""
    condition: str
    citation: Citation
    until: date
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "citation": self.citation.to_json(), "until": self.until.isoformat(),
                "why": self.why}


@dataclass
class Evidence:
    """A qualitative condition to prepare evidence for, or (``attest`` set) an
    attestation given as false, to remedy first."""
    condition: str
    citation: Citation
    quote: str | None
    action: str
    attest: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"condition": self.condition, "citation": self.citation.to_json(), "quote": self.quote}
        if self.attest is not None:
            out["attest"] = self.attest
        out["action"] = self.action
        return out


@dataclass
class Member:
    """A k-of-n member not met yet, by what it would take on its own."""
    member: str
    label: str | None
    condition: str
    changes: int
    supply: int
    chosen: bool

    def to_json(self) -> dict[str, Any]:
        return {"member": self.member, "label": self.label, "condition": self.condition, "changes": self.changes,
                "supply": self.supply, "chosen": self.chosen}


@dataclass
class Option:
    """A k-of-n list the target fails now, with its cheapest members."""
    condition: str
    citation: Citation
    k: int
    met: list[str]
    more_needed: int
    cheapest: list[Member]

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "citation": self.citation.to_json(), "k": self.k, "met": self.met,
                "more_needed": self.more_needed, "cheapest": [m.to_json() for m in self.cheapest]}


@dataclass
class Reliance:
    """A graph edge into the step's program from a title held or granted earlier."""
    type: str
    source: str
    target: str
    citation: Citation
    quote: str | None
    held: bool

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "source": self.source, "target": self.target,
                "citation": self.citation.to_json(), "quote": self.quote, "held": self.held}


@dataclass
class Call:
    """Why the step's date is a yearly call: a yearly figure (``yearly``), one
    year's count (``year_count``), or a title granted first (a graph edge's
    type, with ``source``, ``granted``, ``citation``, ``quote``)."""
    kind: str
    call: date
    why: str
    fields: list[str] | None = None
    year: int | None = None
    source: str | None = None
    granted: date | None = None
    citation: Citation | None = None
    quote: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "call": self.call.isoformat()}
        if self.kind in ("year_count", "yearly"):
            out["fields"] = self.fields
            out["year"] = self.year
        else:
            out["source"] = self.source
            out["granted"] = self.granted.isoformat()
            out["citation"] = self.citation.to_json()
            out["quote"] = self.quote
        out["why"] = self.why
        return out


@dataclass
class Step:
    """One application: the program, the entity, the date, and what it takes."""
    program: str
    name: str
    entity: str
    status: str
    earliest: date
    changes: list[Change] = field(default_factory=list)
    supply: list[Supply] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    relies_on: list[Reliance] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    partial: bool = False         # from the partial plan: changes not computed (never in the JSON)

    def to_json(self) -> dict[str, Any]:
        return {"program": self.program, "name": self.name, "entity": self.entity, "status": self.status,
                "earliest": self.earliest.isoformat(), "changes": [c.to_json() for c in self.changes],
                "supply": [s.to_json() for s in self.supply], "waits": [w.to_json() for w in self.waits],
                "evidence": [e.to_json() for e in self.evidence], "options": [o.to_json() for o in self.options],
                "relies_on": [r.to_json() for r in self.relies_on], "after": self.after,
                "calls": [c.to_json() for c in self.calls]}


@dataclass
class PartialTarget:
    """Without a joint solution: the earliest date time alone allows a target."""
    program: str
    entity: str
    status: str
    earliest: date
    waits: list[Wait]

    def to_json(self) -> dict[str, Any]:
        return {"program": self.program, "entity": self.entity, "status": self.status,
                "earliest": self.earliest.isoformat(), "waits": [w.to_json() for w in self.waits]}


@dataclass
class Limit:
    """What cannot be done: a target an entity cannot reach (``unreachable``),
    one each entity able to reach it cannot reach with its other targets
    (``conflict``), or programs one entity cannot hold together
    (``exclusive``; with ``field`` set, pairs forbidden by one field merged,
    ``by_value`` saying which programs need which value)."""
    kind: str
    programs: list[str]
    why: str
    citations: list[Citation] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    entity: str | None = None          # unreachable: the entity that cannot
    instead: str | None = None         # unreachable: the entity of the group that applies instead
    hint: str | None = None
    field: str | None = None
    by_value: dict[str, list[str]] | None = None
    entities: dict[str, str | None] | None = None   # exclusive: who the plan assigns each program

    def to_json(self) -> dict[str, Any]:
        cites = [c.to_json() for c in self.citations]
        if self.kind == "unreachable":
            out = {"kind": self.kind, "programs": self.programs, "entity": self.entity, "citations": cites,
                   "conditions": self.conditions, "why": self.why, "instead": self.instead}
            if self.hint:
                out["hint"] = self.hint
            return out
        if self.kind == "conflict":
            return {"kind": self.kind, "programs": self.programs, "citations": cites, "conditions": self.conditions,
                    "why": self.why}
        if self.field is not None:
            return {"kind": self.kind, "field": self.field, "programs": self.programs, "citations": cites,
                    "conditions": self.conditions, "by_value": self.by_value, "why": self.why,
                    "entities": self.entities}
        return {"kind": self.kind, "programs": self.programs, "conditions": self.conditions, "citations": cites,
                "why": self.why, "entities": self.entities}


@dataclass
class Edge:
    """A graph edge between two programs (a cycle's)."""
    type: str
    source: str
    target: str
    citation: Citation

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "source": self.source, "target": self.target, "citation": self.citation.to_json()}


@dataclass
class Cycle:
    """A graph cycle among one entity's targets, and how the order resolves it."""
    programs: list[str]
    edges: list[Edge]
    resolved_by: str

    def to_json(self) -> dict[str, Any]:
        return {"programs": self.programs, "edges": [e.to_json() for e in self.edges],
                "resolved_by": self.resolved_by}
