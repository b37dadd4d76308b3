"""Who flips under a revision, organization by organization, through
``KnowledgeBase.check`` (the answers ``regkb check`` gives): ``Flip``,
``Impact`` and the conditions responsible for each flip. The screening-speed
path over a whole population is kb/revisions/impact.py, which reports in the
same types."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Flip:
    org: str
    entity: str | None
    program: str
    old: str
    new: str
    conditions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, "entity": self.entity, "program": self.program, "old": self.old,
                "new": self.new, "conditions": self.conditions}


@dataclass
class Impact:
    population: str
    organizations: int
    as_of: str | None
    programs: list[str]
    transitions: dict[str, Counter]          # program → Counter of "old→new"
    flips: list[Flip]
    discretion: list[Flip]                    # fails in both, but hard in one and discretionary in the other

    def to_json(self) -> dict[str, Any]:
        return {"population": self.population, "organizations": self.organizations, "as_of": self.as_of,
                "programs": {p: {"transitions": dict(sorted(self.transitions[p].items())),
                                 "flips": sum(n for k, n in self.transitions[p].items()
                                              if k.split("→")[0] != k.split("→")[1])}
                             for p in self.programs},
                "flips": [f.to_json() for f in self.flips],
                "discretion_changes": [f.to_json() for f in self.discretion]}


def _outcomes(result) -> dict[str, tuple[str, Any]]:
    out = {f.condition: ("failed", f) for f in result.failed}
    out.update({f.condition: ("unknown", f) for f in result.unknown})
    return out


def _hard(result) -> bool:
    return any(not f.discretion for f in result.failed)


def impact(old_kb, new_kb, profiles: list, programs: list[str], links: dict[str, str],
           population: str = "", as_of: date | None = None) -> Impact:
    """Check every profile under both versions (``KnowledgeBase.check``, so
    the answer is the one ``regkb check`` gives) and collect who flips."""
    present = {}
    for p in programs:
        new_ids = {n.id for n in new_kb.programs[p].conditions}
        present[p] = ({_to_new(n.id, links, new_ids) for n in old_kb.programs[p].conditions}, new_ids)
    partial, gaps = known_parts(old_kb, new_kb, programs)
    transitions = {p: Counter() for p in programs}
    flips, discretion = [], []
    for profile in profiles:
        before = old_kb.check(profile, programs, as_of)
        after = new_kb.check(profile, programs, as_of)
        for r_old, r_new in zip(before.results, after.results):
            transitions[r_old.program][f"{r_old.status}→{r_new.status}"] += 1
            why = lambda: responsible(r_old, r_new, links, *present[r_old.program], partial, gaps)
            if r_old.status != r_new.status:
                flips.append(Flip(before.org, r_old.entity, r_old.program, r_old.status, r_new.status, why()))
            elif r_old.status == "fails" and _hard(r_old) != _hard(r_new):
                discretion.append(Flip(before.org, r_old.entity, r_old.program, failure_kind(_hard(r_old), partial[0]),
                                       failure_kind(_hard(r_new), partial[1]), why()))
    return Impact(population, len(profiles), as_of.isoformat() if as_of else None, programs,
                  transitions, flips, discretion)


def known_parts(old_kb, new_kb, programs: list[str]) -> tuple[tuple[bool, bool], dict[str, str]]:
    """Whether the old and the new text of the programs' document are known only in part
    (kb/law/versions/), and the labels of the unknown parts (``unknown`` nodes) of either."""
    doc = old_kb.programs[programs[0]].document.id if programs else None
    partial = tuple(bool(kb.versions.get(doc) and kb.versions[doc].partial) for kb in (old_kb, new_kb))
    gaps = {n.id: n.params["label"] for kb in (old_kb, new_kb) for n in kb.nodes.values() if n.kind == "unknown"}
    return partial, gaps


def failure_kind(hard: bool, partial: bool) -> str:
    # an exception in a partial text's unknown part could still relax a failure
    return ("fails (hard as far as known)" if partial else "fails (hard)") if hard else "fails (discretion only)"


def _to_new(cid: str, links: dict[str, str], new_ids: set[str]) -> str:
    return cid if cid in new_ids else links.get(cid, cid)


def responsible(r_old, r_new, links: dict[str, str], old_ids: set[str], new_ids: set[str],
                partial: tuple[bool, bool] = (False, False), gaps: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The top-level conditions whose outcome differs between the versions;
    old ids under their new names where a link pairs them. A version without
    the condition says ``absent``, or ``not_known`` if its text is only partly
    known; ``gap`` marks the unknown text of a partial version itself."""
    old = {_to_new(cid, links, new_ids): v for cid, v in _outcomes(r_old).items()}
    new = _outcomes(r_new)
    out = []
    for cid in list(old) + [c for c in new if c not in old]:
        o, n = old.get(cid), new.get(cid)
        so = o[0] if o else ("met" if cid in old_ids else "not_known" if partial[0] else "absent")
        sn = n[0] if n else ("met" if cid in new_ids else "not_known" if partial[1] else "absent")
        if so == sn and (so != "failed" or o[1].discretion == n[1].discretion):
            continue
        finding = (n or o)[1]
        gap = (gaps or {}).get(cid)
        entry = {"condition": cid, "old": so, "new": sn, "citation": finding.citation.to_json(),
                 "label": gap or finding.citation.label(), "gap": gap is not None}
        if o and o[0] == "failed":
            entry["why_old"], entry["discretion_old"] = o[1].why, o[1].discretion
        if n and n[0] == "failed":
            entry["why"], entry["discretion"] = n[1].why, n[1].discretion
        if o and o[0] == "unknown":
            entry["missing_old"] = o[1].missing
        if n and n[0] == "unknown":
            entry["missing"] = n[1].missing
        out.append(entry)
    return out

