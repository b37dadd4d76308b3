"""Time conditions: what only the calendar changes (years established, a
look-back window or a ban running out, the year a designation expires, growth
judged on later years), evaluated as kb/reasoning/rules.dl would on a given day."""
from __future__ import annotations

from datetime import date, timedelta

from kb.reasoning.check import FAILED, MET
from kb.law.measures import add_years, expiry, full_years, shift_years
from kb.law.model import Node

TIME_KINDS = ("lookback", "ban", "reapplication", "growth")


def is_time_leaf(node: Node) -> bool:
    return node.kind in TIME_KINDS or (node.kind == "threshold" and node.params["measure"].kind == "years_since")


def _cmp(op: str, a, b):
    """a op b, for numbers and for z3 terms alike."""
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


def time_status(node: Node, profile, day: date) -> str:
    """met / failed / unknown of a time condition evaluated on ``day`` (as kb/reasoning/rules.dl would)."""
    p, v = node.params, profile.values
    if node.kind == "threshold":
        start = v.get(p["measure"].args[0])
        if start is None:
            return "unknown"
        return MET if _cmp(p["op"], full_years(start, day), p["value"]) else FAILED
    if node.kind == "lookback":
        since = shift_years(day, p["years"]) if p["years"] else date.min
        hit = any(ev.kind in p["kinds"] and ev.subject in p["subjects"] and ev.date >= since
                  for ev in profile.credit_events)
        return FAILED if hit else MET
    if node.kind == "ban":
        since = shift_years(day, p["years"])
        hit = any(rv.program in p["programs"] and rv.reason in p["reasons"] and rv.date >= since
                  for rv in profile.revocations)
        return FAILED if hit else MET
    if node.kind == "reapplication":
        held = [d for d in profile.designations if d.program in p["programs"]
                and not (d.granted_on and d.granted_on > profile.as_of)]
        ends = [expiry(d, p.get("validity", {})) for d in held]
        if any(e and e >= day and e.year > day.year for e in ends):
            return FAILED
        return "unknown" if any(e is None for e in ends) else MET
    if node.kind == "growth":
        series = v.get(p["field"], {})
        pairs = [(day.year - i, day.year - i - 1) for i in range(1, p["pairs"] + 1)]
        if any(y1 in series and y0 in series and series[y1] <= series[y0] for y1, y0 in pairs):
            return FAILED
        known = all(y1 in series and y0 in series for y1, y0 in pairs)
        return MET if known else "unknown"
    raise ValueError(node.kind)


def pass_date(node: Node, profile, horizon_end: date) -> date | None:
    """The first day from ``as_of`` on which a time condition no longer fails
    (it may then still need data), or None if never within the horizon."""
    as_of = profile.as_of
    if time_status(node, profile, as_of) != FAILED:
        return as_of
    p, v = node.params, profile.values
    guess: date | None = None
    if node.kind == "threshold":
        guess = add_years(v[p["measure"].args[0]], int(p["value"]) + (1 if p["op"] == ">" else 0))
    elif node.kind == "lookback":
        if not p["years"]:
            return None   # no window: the record never leaves it
        days = [ev.date for ev in profile.credit_events if ev.kind in p["kinds"] and ev.subject in p["subjects"]]
        guess = add_years(max(days), p["years"]) + timedelta(days=1)
    elif node.kind == "ban":
        days = [rv.date for rv in profile.revocations if rv.program in p["programs"] and rv.reason in p["reasons"]]
        guess = add_years(max(days), p["years"]) + timedelta(days=1)
    elif node.kind == "reapplication":
        ends = [e for e in (expiry(d, p.get("validity", {})) for d in profile.designations
                            if d.program in p["programs"]) if e]
        guess = date(max(ends).year, 1, 1)
    elif node.kind == "growth":
        series = v.get(p["field"], {})
        bad = [y for y in series if y - 1 in series and series[y] <= series[y - 1]]
        guess = date(max(bad) + p["pairs"] + 1, 1, 1)
    if guess is None:
        return None
    # the guess is exact but for calendar edges (29 February): settle it by the rule itself
    while time_status(node, profile, guess) == FAILED and guess <= horizon_end:
        guess += timedelta(days=1)
    while guess > as_of and time_status(node, profile, guess - timedelta(days=1)) != FAILED:
        guess -= timedelta(days=1)
    return guess if guess <= horizon_end else None


def all_path_nodes(node: Node):
    """The node and every descendant reached through all-of nodes only: the
    conditions that must each hold for the node to hold."""
    yield node
    if node.kind in ("all", "function"):
        for child in node.children:
            yield from all_path_nodes(child)
