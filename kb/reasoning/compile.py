"""Encoded conditions and profiles → Datalog facts (Python values, never text).

The static facts describe the condition trees once per knowledge base; the
organization facts describe one profile under an integer token and are
retracted after its query. Every fact is a tuple of plain values, asserted
through pyDatalog's API by kb/reasoning/datalog.py.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Iterator

from kb.law.measures import bounds, shift_years
from kb.law.model import Node, Program

COMPOSITE_AS = {"all": "all", "function": "all", "any": "any"}


def _truth(value: bool) -> str:
    return "true" if value else "false"


def node_facts(node: Node) -> Iterator[tuple]:
    c, p = node.id, node.params
    if node.strength == "general":
        yield ("general", c)
    kind = node.kind
    if kind == "threshold":
        m = p["measure"]
        yield ("thr", c, m.name, p["op"], p["value"])
        if m.kind == "share":
            yield ("share_of", m.name, m.args[0], m.args[1])
    elif kind == "boolean":
        yield ("eq", c, p["field"], _truth(p["expect"]))
    elif kind in ("locality", "applicant_type"):
        yield ("member", c, p["field"])
        for v in p["values"]:
            yield ("allowed", c, v)
        if p["open"]:
            yield ("open_list", c)
    elif kind == "qualitative":
        yield ("qual", c, p["attest"])
    elif kind == "lookback":
        yield ("look", c, p["years"] or 0)
        for k in p["kinds"]:
            yield ("look_kind", c, k)
        for s in p["subjects"]:
            yield ("look_subj", c, s)
    elif kind == "ban":
        yield ("ban", c, p["years"])
        for prog in p["programs"]:
            yield ("ban_prog", c, prog)
        for r in p["reasons"]:
            yield ("ban_reason", c, r)
    elif kind == "reapplication":
        for prog in p["programs"]:
            yield ("reapply", c, prog)
    elif kind == "growth":
        yield ("growth", c, p["field"])
        for i in range(1, p["pairs"] + 1):
            yield ("growth_pair", c, i)
    elif kind in COMPOSITE_AS:
        yield ("node", c, COMPOSITE_AS[kind])
        yield ("nchild", c, len(node.children))
    elif kind == "k_of_n":
        yield ("need", c, p["k"])
        yield ("nchild", c, len(node.children))
    elif kind == "when":
        yield ("guard", c, node.children[0].id)
        yield ("then", c, node.children[1].id)
    if kind in COMPOSITE_AS or kind == "k_of_n":
        for child in node.children:
            yield ("child", c, child.id)


def height(node: Node) -> int:
    return 1 + max(map(height, node.children)) if node.children else 0


def tree_height(programs: dict[str, Program]) -> int:
    """Height of the tallest program tree (the program is its root)."""
    return 1 + max(height(top) for prog in programs.values() for top in prog.conditions)


def static_facts(programs: dict[str, Program], le_pairs: list[tuple[str, str]]) -> list[tuple]:
    """The condition trees as facts. Each node gets the level at which
    kb/reasoning/layers.dl decides it: the program root at the tallest tree's height,
    every child one level below its parent."""
    top_level = tree_height(programs)
    facts: list[tuple] = [("le", a, b) for a, b in le_pairs]

    def place(node: Node, level: int) -> None:
        facts.append(("level", node.id, level))
        facts.extend(node_facts(node))
        for child in node.children:
            place(child, level - 1)

    validity: dict[str, int] = {}
    for prog in programs.values():
        for node in prog.nodes():
            validity.update(node.params.get("validity") or {})
    facts += [("valid_years", p, n) for p, n in sorted(validity.items())]
    for prog in programs.values():
        facts += [("node", prog.id, "all"), ("nchild", prog.id, len(prog.conditions)),
                  ("level", prog.id, top_level)]
        facts.extend(("child", prog.id, top.id) for top in prog.conditions)
        for top in prog.conditions:
            place(top, top_level - 1)
        for exc in prog.exceptions:
            if exc.kind == "relaxation":
                facts.extend(("relax", exc.id, cid) for cid in exc.applies_to)
                facts.extend(("relax_sponsor", exc.id, s) for s in exc.sponsors)
    return facts


def windows(programs: dict[str, Program]) -> set[int]:
    """Every look-back or ban length in years (0: no window)."""
    out = set()
    for prog in programs.values():
        for node in prog.nodes():
            if node.kind in ("lookback", "ban"):
                out.add(node.params["years"] or 0)
    return out


def derived_measures(programs: dict[str, Program]) -> dict[str, object]:
    out = {}
    for prog in programs.values():
        for node in prog.nodes():
            m = node.params.get("measure")
            if m is not None and m.kind not in ("field", "share"):   # shares: rules.dl
                out[m.name] = m
    return out


def _md(day) -> int:
    """Month and day as one integer (2 Mar → 302): with the year, orders dates."""
    return day.month * 100 + day.day


def _numeric(v) -> bool:
    return isinstance(v, (int, Fraction)) and not isinstance(v, bool)


def org_facts(profile, token: int, functions: Iterable[str], window_years: set[int],
              derived: dict) -> list[tuple]:
    t = token
    facts: list[tuple] = [("org", t), ("asof_year", t, profile.as_of.year),
                          ("asof_md", t, _md(profile.as_of))]
    for name, value in profile.values.items():
        if _numeric(value):
            facts += [("lo0", t, name, value), ("hi0", t, name, value)]
        elif isinstance(value, bool):
            facts += [("has", t, name, _truth(value)), ("known", t, name)]
        elif isinstance(value, str):
            facts += [("has", t, name, value), ("known", t, name)]
        elif isinstance(value, (tuple, list)):
            facts.append(("known", t, name))
            facts.extend(("has", t, name, v) for v in value)
        elif isinstance(value, dict):   # per-year series (smes_served_by_year)
            facts.extend(("served", t, name, int(y), n) for y, n in value.items())
    for measure in derived.values():
        b = bounds(measure, profile.values, profile.as_of)
        if b is not None:
            facts += [("lo0", t, measure.name, b[0]), ("hi0", t, measure.name, b[1])]
    for fn in functions:
        offered = f"services.{fn}.offered"
        if offered not in profile.values:   # the list is complete: absent means not offered
            facts += [("has", t, offered, "false"), ("known", t, offered)]
    for key, value in profile.attest.items():
        facts.append(("attest", t, key, _truth(value)))
    for ev in profile.credit_events:
        facts.append(("event", t, ev.kind, ev.subject, ev.date.toordinal()))
    for years in window_years:
        start = shift_years(profile.as_of, years).toordinal() if years else 0
        facts.append(("since", t, years, start))
    for rv in profile.revocations:
        facts.append(("revoked", t, rv.program, rv.reason, rv.date.toordinal()))
    for d in profile.designations:
        if d.granted_on and d.granted_on > profile.as_of:
            continue
        if d.expires_on is None:   # the rules apply the validity the text fixes, if any
            facts.append(("no_expiry", t, d.program, d.granted_on.year, _md(d.granted_on)))
        elif d.expires_on >= profile.as_of:
            facts.append(("holds", t, d.program, d.expires_on.year))
    return facts
