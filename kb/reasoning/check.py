"""From the engine's conclusions to answers: status, failures, figures, trees.

The Datalog rules decide; this module only reads their conclusions back onto
the condition trees and words them (which figure fell short, by how much,
which fields are missing), so ``check`` and ``explain`` say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kb.law.measures import add_years, bounds, shift_years
from kb.law.model import Citation, Node, Program
from kb.law.wording import fmt, listed, short_name, unit_suffix, within_years

MET, FAILED, UNKNOWN = "met", "failed", "unknown"


@dataclass
class Finding:
    condition: str
    citation: Citation
    why: str | None = None
    missing: list[str] | None = None
    discretion: str | None = None

    def to_json(self, section: str) -> dict[str, Any]:
        out: dict[str, Any] = {"condition": self.condition, "citation": self.citation.to_json()}
        if section == "failed":
            out["why"] = self.why
            if self.discretion:
                out["discretion"] = self.discretion
        elif section == "unknown":
            out["missing"] = self.missing or []
        return out


@dataclass
class ProgramResult:
    program: str
    status: str
    failed: list[Finding] = field(default_factory=list)
    unknown: list[Finding] = field(default_factory=list)
    evidence: list[Finding] = field(default_factory=list)
    entity: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"program": self.program, "status": self.status,
               "failed": [f.to_json("failed") for f in self.failed],
               "unknown": [f.to_json("unknown") for f in self.unknown],
               "evidence": [f.to_json("evidence") for f in self.evidence]}
        if self.entity is not None:
            out["entity"] = self.entity
        return out


@dataclass
class ExplainNode:
    node: Node
    status: str
    why: str
    children: list["ExplainNode"]
    discretion: str | None = None

    def to_json(self) -> dict[str, Any]:
        n = self.node
        return {"condition": n.id, "kind": n.kind, "status": self.status, "why": self.why,
                "citation": n.citation.to_json(), "quote": n.quote, "gloss": n.gloss,
                "strength": n.strength, "discretion": self.discretion,
                "interpretation": n.interpretation,
                "switch": {"name": n.switch[0], "value": n.switch[1]} if n.switch else None,
                "children": [c.to_json() for c in self.children]}


class Reading:
    """One organization's conclusions, readable node by node."""

    def __init__(self, profile, conclusions: dict[str, set], le_pairs: list[tuple[str, str]]):
        self.profile = profile
        self.c = conclusions
        self.le_pairs = le_pairs
        self.discretion = {cid: d for cid, d in conclusions["discretion"]}
        # relaxation is the stronger statement when both apply
        for cid, d in conclusions["discretion"]:
            if d == "relaxable":
                self.discretion[cid] = d

    def status(self, node: Node) -> str:
        if node.id in self.c["failed"]:
            return FAILED
        if node.id in self.c["met"]:
            return MET
        return UNKNOWN

    def relatives(self, name: str) -> tuple[list[str], list[str]]:
        """The known fields an unknown ``name`` is at least, and at most (its ≤ axioms)."""
        v = self.profile.values
        return ([s for s, m in self.le_pairs if m == name and s in v],
                [s for m, s in self.le_pairs if m == name and s in v])

    def field_bounds(self, name: str) -> tuple:
        """A field's value, or the bounds its relatives give (for wording only:
        the rules decide from the same axioms)."""
        v = self.profile.values
        if name in v:
            return v[name], v[name]
        los, his = self.relatives(name)
        return (max(v[s] for s in los) if los else None), (min(v[s] for s in his) if his else None)

    # -- words ---------------------------------------------------------------
    def figure(self, name: str) -> str | None:
        values = self.profile.values
        if name in values:
            return f"{name} {fmt(values[name])}"
        los, his = self.relatives(name)
        parts = [f"≥ {s} {fmt(values[s])}" for s in los] + [f"≤ {s} {fmt(values[s])}" for s in his]
        return f"{name} unknown, {' and '.join(parts)}" if parts else None

    def threshold_why(self, node: Node, status: str) -> str:
        m, op, t = node.params["measure"], node.params["op"], node.params["value"]
        unit = unit_suffix(node.params.get("unit"), encoded=True)
        values = self.profile.values
        hi = None   # the most the figure can be, when known
        if m.kind == "field":
            shown = self.figure(m.name)
            hi = self.field_bounds(m.name)[1]
        else:
            b = bounds(m, values, self.profile.as_of, self.field_bounds)
            shown = None
            if b is not None:
                hi = b[1]
                lo_s, hi_s = (fmt(x) if x is not None else "?" for x in b)
                shown = (f"{m.describe()} = {lo_s}" if b[0] == b[1]
                         else f"{m.describe()} between {lo_s} and {hi_s}")
        if shown is None:
            return f"{m.describe()} unknown (needs {op} {fmt(t)}{unit})"
        if m.kind == "years_since" and status == FAILED and op == ">=" and m.args[0] in values:
            since = values[m.args[0]]
            ready = add_years(since, int(t)) if int(t) == t else None
            # the date the rules themselves would first count as met: never one
            # on or before as_of beside a failure
            if ready is not None and ready <= self.profile.as_of:
                ready = None
            return f"{shown} < {fmt(t)}{unit}" + (f"; reached on {ready}" if ready else "")
        if status == FAILED and op in (">=", ">") and hi is not None:
            gap = t - hi
            more = f"; short by {fmt(gap)}{unit}" if gap > 0 else ""
            return f"{shown} < {fmt(t)}{unit}{more}" if op == ">=" else f"{shown} ≤ {fmt(t)}{unit}"
        if status == MET:
            return f"{shown} {op} {fmt(t)}{unit}"
        if status == FAILED:
            return f"{shown}, needs {op} {fmt(t)}{unit}"
        return f"{shown}: not decided against {op} {fmt(t)}{unit}"

    def why(self, node: Node, status: str, kids: list[ExplainNode]) -> str:
        k, p, v = node.kind, node.params, self.profile.values
        if k == "unknown":   # text a partial version does not know (kb/law/versions/)
            return p["what"]
        if k == "threshold":
            return self.threshold_why(node, status)
        if k == "boolean":
            f = p["field"]
            if f.endswith(".offered"):
                return {MET: "offered", FAILED: "not offered"}.get(status, "unknown whether offered")
            return f"{f} = {str(v[f]).lower()}" if f in v else f"{f} unknown"
        if k in ("locality", "applicant_type"):
            f = p["field"]
            got = v.get(f)
            if got is None:
                return f"{f} unknown" + ("; the list is open (包括但不限于/等)" if p["open"] else "")
            shown = listed(got) if isinstance(got, (list, tuple)) else got
            if status == MET and p["open"] and not set(got if isinstance(got, (list, tuple)) else [got]) & set(p["values"]):
                return f"{f} = {shown}: not a listed type, but the list is open"
            return f"{f} = {shown}" + ("" if status == MET else f", expected one of {listed(p['values'])}")
        if k == "qualitative":
            att = self.profile.attest.get(p["attest"])
            if att is None:
                return f"not attested: assumed met; prepare evidence (attest key {p['attest']!r})"
            return f"attested {str(att).lower()} ({p['attest']})"
        if k == "lookback":
            hits = sorted((kind, subj, date.fromordinal(d)) for c, kind, subj, d in self.c["credit"] if c == node.id)
            window = f"{within_years(p['years'])} before {self.profile.as_of}" if p["years"] else "no time limit"
            if hits:
                return "; ".join(f"{kind} ({subj}) on {d}" for kind, subj, d in hits) + f" ({window})"
            earlier = sorted(ev.date for ev in self.profile.credit_events
                             if ev.kind in p["kinds"] and ev.subject in p["subjects"])
            if earlier and p["years"] and status == MET:   # say why a record on file does not count
                opens = shift_years(self.profile.as_of, p["years"])
                return f"last {listed(p['kinds'])} on {earlier[-1]}, before the window opened on {opens} ({window})"
            return f"no {listed(p['kinds'])} recorded ({window})"
        if k == "ban":
            hits = sorted((prog, r, date.fromordinal(d)) for c, prog, r, d in self.c["ban"] if c == node.id)
            if hits:
                return "; ".join(f"{prog} revoked on {d} for {r}, barred for {p['years']} years" for prog, r, d in hits)
            return f"no revocation {within_years(p['years'])}"
        if k == "reapplication":
            hits = [(prog, e) for c, prog, e in self.c["blocked"] if c == node.id]
            if hits:
                return "; ".join(f"holds {prog} until {e}: may reapply in the year it expires" for prog, e in hits)
            return "designation held with unknown expiry" if status == UNKNOWN else "no running designation"
        if k == "growth":
            series = v.get(p["field"], {})
            years = [self.profile.as_of.year - i for i in range(p["pairs"] + 1)][1:] + [self.profile.as_of.year - p["pairs"] - 1]
            years = sorted(set(years))
            shown = listed(f"{y}: {fmt(series[y])}" if y in series else f"{y}: ?" for y in years)
            return f"needs strict growth over {years[0]}–{years[-1]} ({shown})"
        if k == "k_of_n":
            met = [c for c in kids if c.status == MET]
            unk = [c for c in kids if c.status == UNKNOWN]
            names = lambda xs: listed(short_name(c.node) for c in xs) or "none"
            return (f"{len(met)} of {len(kids)} met, {p['k']} required (met: {names(met)}"
                    + (f"; undetermined: {names(unk)}" if unk else "") + ")")
        if k == "any":
            if status == MET:
                return "met by: " + "; ".join(c.why for c in kids if c.status == MET)
            return ("no route met: " if status == FAILED else "no route decided: ") + " / ".join(c.why for c in kids)
        if k == "when":
            guard, then = kids
            if guard.status == FAILED:
                return f"does not apply ({guard.why})"
            return f"{guard.why} → {then.why}"
        # all / function: name what decided it
        label = p.get("label") or p.get("function")
        prefix = f"{label}: " if label else ""
        if status == MET and len(kids) > 3:
            return f"{prefix}all {len(kids)} conditions met"
        shown = kids if status == MET else [c for c in kids if c.status == status]
        return prefix + "; ".join(c.why for c in shown)

    def explain(self, node: Node) -> ExplainNode:
        kids = [self.explain(c) for c in node.children]
        status = self.status(node)
        return ExplainNode(node, status, self.why(node, status, kids), kids,
                           self.discretion.get(node.id) if status == FAILED else None)

    def missing(self, node: Node) -> list[str]:
        """Fields whose absence leaves this node undetermined."""
        if self.status(node) != UNKNOWN:
            return []
        v, p = self.profile.values, node.params
        if node.kind == "unknown":
            return [p["what"]]
        if node.kind == "threshold":
            # all inputs known yet undecided (a share of 0 staff): each one decides it
            return [f for f in p["measure"].inputs if f not in v] or list(p["measure"].inputs)
        if node.kind == "qualitative":
            return [f"attest.{p['attest']}"]
        if node.kind in ("boolean", "locality", "applicant_type", "growth"):
            if node.kind == "growth":
                series = v.get(p["field"], {})
                need = range(self.profile.as_of.year - p["pairs"] - 1, self.profile.as_of.year)
                return [f"{p['field']}.{y}" for y in need if y not in series]
            return [p["field"]]
        if node.kind == "reapplication":
            return ["designations.expires_on"]
        if node.kind == "lookback":
            return ["credit_events"]
        if node.kind == "ban":
            return ["revocations"]
        out: list[str] = []
        for child in node.children:
            for f in self.missing(child):
                if f not in out:
                    out.append(f)
        return out


def evidence_nodes(reading: Reading, node: Node) -> list[Node]:
    """The unattested qualitative conditions the answer rests on. An alternative
    not taken (a function not offered, a branch of 或 or of k-of-n not met)
    needs no evidence, so its subtree is skipped."""
    out: list[Node] = []

    def visit(n: Node, alternative: bool) -> None:
        status = reading.status(n)
        if (alternative or n.kind == "function") and status != MET:
            return
        if n.kind == "qualitative":
            if n.params["attest"] not in reading.profile.attest and status == MET:
                out.append(n)
            return
        for child in n.children:
            visit(child, n.kind in ("any", "k_of_n"))

    visit(node, False)
    return out


def program_result(reading: Reading, program: Program, entity: str | None = None) -> ProgramResult:
    result = ProgramResult(program=program.id, status="qualifies", entity=entity)
    seen: set[str] = set()
    for top in program.conditions:
        status = reading.status(top)
        if status == FAILED:
            ex = reading.explain(top)
            result.failed.append(Finding(top.id, top.citation, why=ex.why, discretion=ex.discretion))
        elif status == UNKNOWN:
            result.unknown.append(Finding(top.id, top.citation, missing=reading.missing(top)))
        for n in evidence_nodes(reading, top):
            if n.params["attest"] not in seen:            # one key, one piece of evidence
                seen.add(n.params["attest"])
                result.evidence.append(Finding(n.id, n.citation))
    # the program itself is an all-of node in Datalog: its conclusion is the status
    if program.id in reading.c["failed"]:
        result.status = "fails"
    elif program.id in reading.c["met"]:
        result.status = "qualifies"
    else:
        result.status = "undetermined"
    return result
