"""One program's side of a comparison: its conditions on a topic, the measures
they speak of, and what they require of each measure in words. The words are
the figures' (kb/comparison/figures.py ``describe``), arranged as the tree
arranges them (an alternative read whole, a rule's guard as its condition).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.comparison.catalogue import Entry
from kb.comparison.figures import describe, figures, is_function_list, leaf_figure
from kb.comparison.logic import Logic, conjunction
from kb.law.model import LEAF_KINDS, Node


def leaves(node: Node):
    return [n for n in node.walk() if n.kind in LEAF_KINDS]


def leaf_key(entry: Entry, leaf: Node) -> str:
    if entry.key:
        return entry.key
    fig = leaf_figure(leaf)
    return fig["measure"] if fig else f"services.{leaf.params['field'].split('.')[1]}"


@dataclass
class Side:
    """One program's conditions on a topic (one condition, or all of them)."""
    program: str
    entries: list[Entry]

    def formula(self, logic: Logic, keep_key: str | None = None):
        parts = []
        for e in self.entries:
            keep = None if keep_key is None else (lambda leaf, e=e: leaf_key(e, leaf) == keep_key)
            parts.append(logic.formula(e.node, e.route, keep))
        return conjunction(parts, logic.ctx)

    def keys(self) -> list[str]:
        """The measures this side requires something of; those that only say
        to whom a rule applies (a rule's guard) come last."""
        out: list[str] = []
        guards: list[str] = []
        for e in self.entries:
            guard_leaves = {leaf.id for n in e.node.walk() if n.kind == "when" for leaf in leaves(n.children[0])}
            for leaf in leaves(e.node):
                if leaf.kind == "boolean" and leaf.id.endswith("/offered") and not e.key:
                    continue
                k = leaf_key(e, leaf)
                bucket = guards if leaf.id in guard_leaves else out
                if k not in bucket:
                    bucket.append(k)
        return out + [k for k in guards if k not in out]

    def measures(self) -> list[str]:
        out: list[str] = []
        for e in self.entries:
            for m in e.measures():
                if m not in out:
                    out.append(m)
        return out

    def leaf_measures(self) -> list[str]:
        return list(dict.fromkeys(f["measure"] for e in self.entries for f in figures(e.node)
                                  if f["measure"] != "services")) or self.measures()

    def requires(self, key: str) -> str | None:
        texts = [t for e in self.entries if (t := requirement(e, key))]
        return "; ".join(texts) or None


def relaxable(entry: Entry, kb) -> bool:
    """Whether a stated exception lets the authority relax this condition (可适度放宽)."""
    node = entry.node
    return (entry.strength or node.strength) == "relaxable" or any(
        node.id in exc.applies_to for exc in (kb.programs[node.program].exceptions if kb else []))


def marks(entry: Entry, kb) -> str:
    """† a general rule (一般应 / 原则上); ‡ relaxable for some sponsors (可适度放宽)."""
    return ("†" if (entry.strength or entry.node.strength) == "general" else "") + ("‡" if relaxable(entry, kb) else "")


def entry_json(e: Entry, kb=None) -> dict[str, Any]:
    n = e.node
    out = {"program": n.program, "condition": n.id, "citation": n.citation.to_json(),
           "cite": n.citation.label(), "quote": e.quote or n.quote,
           "requires": "; ".join(describe(f, True) for f in figures(n)),
           "strength": e.strength or n.strength}
    if kb is not None and relaxable(e, kb):
        out["relaxable"] = True
    if e.route:
        out["route"] = True
    if n.implied:
        out["implied"] = True
    if n.switch:
        out["switch"] = {"name": n.switch[0], "value": n.switch[1]}
    return out


def requirement(entry: Entry, key: str) -> str | None:
    """What the entry requires of one measure, in words, with the other
    routes of an alternative spelled out."""
    kf = lambda leaf: leaf_key(entry, leaf)   # noqa: E731
    return _words(entry.node, key, kf, entry.route)


def _has(node: Node, key: str, kf) -> bool:
    return any(kf(leaf) == key for leaf in leaves(node))


def _full(node: Node) -> str:
    return "; ".join(describe(f, True) for f in figures(node)) or node.id.rsplit("/", 1)[-1]


def _words(node: Node, key: str, kf, route: bool = False) -> str | None:
    if not _has(node, key, kf):
        return None
    k = node.kind
    if k in LEAF_KINDS:
        fig = leaf_figure(node)
        if fig is None:
            return "offered"
        return describe(fig, with_measure=fig["measure"] != key)
    if is_function_list(node):
        return describe(figures(node)[0])
    parts = [w for c in node.children if (w := _words(c, key, kf))]
    if k == "function":
        return "; ".join(parts)
    if k == "all":
        return "; ".join(parts)
    if k == "any":   # an alternative is only read whole: every route, each with its measure
        return " or ".join(f"({t})" if ";" in (t := _full(c)) else t for c in node.children)
    if k == "k_of_n":
        return f"at least {node.params['k']} of: " + " | ".join(parts)
    if k == "when":
        guard, then = node.children
        head, body = _full(guard), _words(then, key, kf)
        if route:
            return f"{head} and {body}" if body else head
        return f"if {head}: {body}" if body else f"(applies if {head})"
    return "; ".join(parts)
