"""Boundary probes: named settings of cells built from the encoded nodes, each
putting one condition at its edge with the conditions around it set so that it
decides (the package docstring lists them). Every odd row of the population
carries one; the per-kind probes are in probe_kinds."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from kb.law.fields import FIELDS, HISTORY_FIELDS, enum_values, is_enum
from kb.law.measures import shift_years
from kb.law.model import CITY_ZH
from kb.population.encoded import OTHER_CITIES, Spec, spec
from kb.population.probe_kinds import NodeProbes
from kb.population.rows import cell_text


class Probe:
    """A named setting of some cells; ``pins`` are count columns repair must not move."""

    def __init__(self, name: str):
        self.name, self.cells, self.pins = name, {}, set()

    def set(self, column: str, value) -> "Probe":
        self.cells[column] = "" if value is None else (value if isinstance(value, str) else cell_text(value))
        if FIELDS.get(column) == "int>=0":
            self.pins.add(column)
        return self


class Probes(NodeProbes):
    """Every probe of a knowledge base's nodes on one as_of, duplicates dropped."""

    def __init__(self, sp: Spec, as_of: date):
        self.sp, self.as_of, self.out = sp, as_of, []
        self.lower = {}
        self.upper = {}
        for a, b in sp.le:
            self.lower.setdefault(b, []).append(a)
            self.upper.setdefault(a, []).append(b)

    def add(self, node, what: str) -> Probe:
        p = Probe(f"{node.id}: {what}")
        self._context(node, p)
        self.out.append(p)
        return p

    # -- the conditions around a node, set so that the node decides ----------
    def _context(self, node, probe: Probe) -> None:
        child = node
        parent = self.sp.parents.get(id(child))
        while parent is not None:
            if parent.kind in ("all", "function"):
                for sib in parent.children:
                    if sib is not child:
                        self._make(sib, probe, True)
            elif parent.kind == "any":
                for sib in parent.children:
                    if sib is not child:
                        self._make(sib, probe, False)
            elif parent.kind == "when" and child is parent.children[1]:
                self._make(parent.children[0], probe, True)
            child, parent = parent, self.sp.parents.get(id(parent))

    def _make(self, node, probe: Probe, met: bool) -> None:
        p = node.params
        if node.kind == "threshold" and p["measure"].kind == "field" and p["op"] in (">=", ">"):
            name, t = p["measure"].args[0], Fraction(p["value"])
            step = 1 if FIELDS[name] == "int>=0" else Fraction(1, 100)
            value = (t if p["op"] == ">=" else t + step) if met else (t - step if p["op"] == ">=" else t)
            if value >= 0 and not (FIELDS[name] == "share" and value > 1):
                probe.set(name, value)
        elif node.kind == "threshold" and p["measure"].kind == "years_since" and p["op"] == ">=":
            anniversary = shift_years(self.as_of, int(p["value"]))
            probe.set(p["measure"].args[0], (anniversary if met else anniversary + timedelta(1)).isoformat())
        elif node.kind == "boolean":
            probe.set(p["field"], p["expect"] if met else not p["expect"])
        elif node.kind == "locality" and p["values"] and not p["open"]:
            if met:
                probe.set(p["field"], p["values"][0])
            else:
                others = self._others(p["field"], p["values"])
                if others:
                    probe.set(p["field"], others[0])
        elif node.kind in ("all", "function") and met or node.kind == "any" and not met:
            for c in node.children:
                self._make(c, probe, met)
        elif node.kind == "any" and met or node.kind == "all" and not met:
            if node.children:
                self._make(node.children[0], probe, met)

    def _others(self, name: str, values: list[str]) -> list[str]:
        kind = FIELDS.get(name, "str")
        if is_enum(kind):
            return [v for v in enum_values(kind) if v not in values]
        if name == "registered_city":
            return [c for c in tuple(CITY_ZH) + OTHER_CITIES if c not in values]
        return ["other"]

    def build(self) -> list[Probe]:
        for node in self.sp.nodes:
            getattr(self, f"_{node.kind}", lambda n: None)(node)
        self._situations()
        seen = set()   # one probe per setting: conditions sharing a field and figure share it
        unique = []
        for p in self.out:
            key = tuple(sorted(p.cells.items()))
            if key not in seen:
                seen.add(key)
                unique.append(p)
        return unique

    # -- situations the switches and exceptions turn on ------------------------
    def _guarded(self, node) -> bool:
        """Whether a `when` or an alternative above the node makes its figure conditional."""
        parent = self.sp.parents.get(id(node))
        while parent is not None:
            if parent.kind in ("when", "any"):
                return True
            parent = self.sp.parents.get(id(parent))
        return False

    def _situations(self) -> None:
        sp = self.sp
        for node in sp.nodes:
            if node.kind == "threshold" and node.params["measure"].kind == "field" and self._guarded(node):
                name = node.params["measure"].args[0]
                t = Fraction(node.params["value"])
                if name == "performance.resident_firms" or name == "performance.leading_industry_concentration":
                    for focus in (True, False, None):
                        self.add(node, f"at the threshold, 高精尖 {focus}").set(name, t).set(
                            "performance.high_tech_manufacturing_focus", focus)
                if name == "facilities.building_m2":
                    for park in ("manufacturing", "building_economy", "other", None):
                        for label, value in (("at", t), ("below", t - 1)):
                            self.add(node, f"{label} the threshold, park {park}").set(name, value).set(
                                "facilities.park_type", park)
                if name == "facilities.operator_property_share":
                    for leased in (True, False, None):
                        self.add(node, f"below the threshold, leased {leased}").set(
                            name, t - Fraction(1, 100)).set("facilities.leased", leased)
                if name.endswith(".events_15plus"):
                    fn = name.split(".")[1]
                    for focus in (True, False, None):
                        for label, value in (("at", t), ("below", t - 1)):
                            self.add(node, f"{label} the threshold, matchmaking focus {focus}").set(
                                name, value).set(f"services.{fn}.matchmaking_focus", focus)
        relax = [(exc, cid) for kb in (sp.kb,) for prog in kb.programs.values()
                 for exc in prog.exceptions for cid in exc.applies_to]
        for exc, cid in relax:
            node = sp.kb.nodes[cid]
            for sponsor in ("enterprise",) + tuple(exc.sponsors):
                probe = Probe(f"{cid}: failed, sponsor {sponsor}")
                self._make(node, probe, False)
                if node.kind == "qualitative":
                    probe.set("attest", {node.params["attest"]: False})
                if node.kind == "lookback":
                    probe.set("credit_events", [{"kind": node.params["kinds"][0], "date": self.as_of.isoformat(),
                                                 "subject": node.params["subjects"][0]}])
                probe.set("sponsor", sponsor)
                self.out.append(probe)
        # An alternative of qualitative conditions (either capability suffices) fails
        # only when every one is attested false: one probe states them all.
        for node in sp.nodes:
            if node.kind in ("any", "k_of_n") and node.children and all(
                    c.kind == "qualitative" for c in node.children):
                probe = Probe(f"{node.id}: every alternative attested false")
                probe.set("attest", {c.params["attest"]: False for c in node.children})
                self.out.append(probe)
        empty = Probe("no services at all")
        for col in sp.order:
            if col.startswith("services."):
                empty.set(col, None)
        self.out.append(empty)
        blank = Probe("only an id")
        for col in sp.order:
            if col not in ("id", "as_of"):
                blank.set(col, None)
        for col in HISTORY_FIELDS:
            blank.set(col, None)
        self.out.append(blank)


@lru_cache(maxsize=32)
def probes(as_of: str = "2024-06-30", facts_dir: str | None = None) -> tuple[Probe, ...]:
    return tuple(Probes(spec(facts_dir), date.fromisoformat(as_of)).build())
