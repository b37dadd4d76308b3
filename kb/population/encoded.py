"""What the knowledge base asks about: the encoded conditions' nodes under every
switch value, the fields they read and the figures they set (no threshold is
restated here)."""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from kb.law.fields import FIELDS

# Values the nodes need not list, drawn by the generator and used as "not listed" by the probes.
OTHER_CITIES = ("shanghai", "shenzhen")
CREDIT_KINDS = ("criminal_penalty", "serious_admin_penalty", "serious_dishonesty",
                "abnormal_operation_list", "violation", "false_materials")
REASONS = ("false_materials", "violation", "dishonesty", "failed_evaluation", "missed_reporting", "other")


@lru_cache(maxsize=8)
def _bases(facts_dir: str | None) -> tuple:
    """The knowledge base under its defaults and under every other switch value."""
    from kb.reasoning.base import KnowledgeBase
    kb = KnowledgeBase(facts_dir)
    out = [kb]
    for name, sw in kb.switch_defs.items():
        out += [KnowledgeBase(facts_dir, {name: v}) for v in sw.values if v != sw.default]
    return tuple(out)


class Spec:
    """Fields, figures and probes read off the encoded conditions."""

    def __init__(self, bases: tuple):
        self.kb = bases[0]
        self.nodes: list = []           # leaves and composites, every switch value, deduplicated
        self.parents: dict = {}         # id(node) → its parent node (None at the top)
        seen = set()
        for kb in bases:
            for prog in kb.programs.values():
                for top in prog.conditions:
                    self._walk(top, None, seen)
        self.le = [(a, b) for a, b in self.kb.le_pairs]
        self.thresholds: dict[str, dict[str, list]] = {}   # field → program → figures
        self.functions: dict[str, set[str]] = {}          # program → functions its lists name
        self.columns: set[str] = set()
        for node in self.nodes:
            p = node.params
            if node.kind == "threshold":
                m = p["measure"]
                self.columns.update(m.inputs)
                if m.kind == "field":
                    self.thresholds.setdefault(m.args[0], {}).setdefault(node.program, []).append(Fraction(p["value"]))
            elif node.kind in ("boolean", "locality", "applicant_type", "growth"):
                self.columns.add(p["field"])
            elif node.kind == "function":
                self.functions.setdefault(node.program, set()).add(p["function"])
        for a, b in self.le:
            if a in self.columns or b in self.columns:
                self.columns.update((a, b))
        self.columns.update(name for name in FIELDS if "." not in name or name.split(".")[0] in
                            ("staff", "facilities", "performance"))
        self.columns = {c for c in self.columns if c in FIELDS}
        self.order = [f for f in FIELDS if f in self.columns]
        self.attest_keys = sorted({n.params["attest"] for n in self.nodes if n.kind == "qualitative"})
        self.shares = [n for n in self.nodes if n.kind == "threshold" and n.params["measure"].kind == "share"]
        self.within = [n for n in self.nodes if n.kind == "threshold" and n.params["measure"].kind == "share_within"]

    def _walk(self, node, parent, seen) -> None:
        key = (node.id, node.kind, repr(sorted((k, repr(v)) for k, v in node.params.items())))
        if key not in seen:
            seen.add(key)
            self.nodes.append(node)
        self.parents[id(node)] = parent
        for child in node.children:
            self._walk(child, node, seen)

    def reference(self, name: str, program: str | None) -> Fraction:
        """The figure the field's distribution is centred on, for one target."""
        by_program = self.thresholds.get(name, {})
        if program in by_program:
            return max(by_program[program])
        figures = sorted(v for vs in by_program.values() for v in vs)
        if figures:
            return figures[len(figures) // 2]
        relatives = [b for a, b in self.le if a == name] + [a for a, b in self.le if b == name]
        for other in relatives:
            if other in self.thresholds:
                return self.reference(other, program)
        return Fraction(20)


@lru_cache(maxsize=8)
def spec(facts_dir: str | None = None) -> Spec:
    return Spec(_bases(facts_dir))
