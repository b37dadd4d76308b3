"""What each kind of condition node is, for a whole Table at once: met and failed arrays.

Three-valued like the rules: each node yields two boolean arrays, ``met`` and
``failed`` (neither: unknown). The leaves mirror kb/reasoning/rules.dl, the
composites kb/reasoning/layers.dl; every threshold, window, list and count
comes from the node's params. A leaf gets the evaluator for what the rules
derive once per field (bounds from related fields, a series' years); it is
the ``ev`` each leaf takes (kb/screening/vectorized.py, which imports this).
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from kb.law.model import Node
from kb.law.wording import NEGATED_OP
from kb.screening.columns import Records, Table, compare, years_before


# -- leaves --------------------------------------------------------------------

def _threshold(ev, node: Node, t: Table):
    p = node.params
    op, value = p["op"], Fraction(p["value"])
    lo, hi = ev.bounds(t, p["measure"])
    met_from, fail_from = (lo, hi) if op in (">=", ">") else (hi, lo)
    fail_op = NEGATED_OP[op]
    met = np.zeros(t.n, dtype=bool)
    failed = np.zeros(t.n, dtype=bool)
    for num, den, known in met_from:
        met |= known & compare(num, den, op, value)
    for num, den, known in fail_from:
        failed |= known & compare(num, den, fail_op, value)
    return met, failed


def _boolean(ev, node: Node, t: Table):
    value, known = t.flag(node.params["field"])
    expect = node.params["expect"]
    return known & (value == expect), known & (value != expect)


def _listed(ev, node: Node, t: Table):
    p = node.params
    col = t.cat(p["field"])
    if any(isinstance(label, tuple) for label in col.labels):   # a list field (kinds): any item listed
        hit = np.array([any(v in p["values"] for v in (items or ())) for items in col.labels] + [False], dtype=bool)
        inside = hit[col.codes]
    else:
        inside = col.isin(set(p["values"]))
    if p["open"]:
        return np.ones(t.n, dtype=bool), np.zeros(t.n, dtype=bool)
    return inside, col.known & ~inside


def _qualitative(ev, node: Node, t: Table):
    value, known = t.attest.get(node.params["attest"], (np.zeros(t.n, bool), np.zeros(t.n, bool)))
    failed = known & ~value
    return ~failed, failed


def _window_hits(t: Table, records: Records | None, years, tests: dict[str, list]) -> np.ndarray:
    hit = np.zeros(t.n, dtype=bool)
    if records is None or records.row.size == 0:
        return hit
    pick = np.ones(records.row.size, dtype=bool)
    for col, allowed in tests.items():
        pick &= np.isin(records.cols[col], np.array(allowed, dtype=object))
    if years:
        since = years_before(t.asof, years)
        pick &= records.cols["date"].astype(np.int64) >= since[records.row]
    hit[records.row[pick]] = True
    return hit


def _lookback(ev, node: Node, t: Table):
    p = node.params
    failed = _window_hits(t, t.events, p["years"], {"kind": p["kinds"], "subject": p["subjects"]})
    return ~failed, failed


def _ban(ev, node: Node, t: Table):
    p = node.params
    failed = _window_hits(t, t.revocations, p["years"], {"program": p["programs"], "reason": p["reasons"]})
    return ~failed, failed


def _reapplication(ev, node: Node, t: Table):
    blocked = np.zeros(t.n, dtype=bool)
    maybe = np.zeros(t.n, dtype=bool)
    d = t.designations
    if d is not None and d.row.size:
        granted = d.cols["granted_on"].astype(np.int64)
        expires = d.cols["expires_on"].astype(np.int64)
        asof = t.asof[d.row]
        programs = d.cols["program"]
        mine = np.isin(programs, np.array(node.params["programs"], dtype=object)) & (granted <= asof)
        # no stated expiry: the validity the program's text fixes (kb.law.measures.expiry)
        for prog, years in node.params.get("validity", {}).items():
            default = (programs == prog) & (expires == 0) & (granted > 0)
            expires = np.where(default, years_before(granted, -years), expires)
        holds = mine & (expires > 0) & (expires >= asof)
        blocked[d.row[holds & (expires // 10000 > asof // 10000)]] = True
        maybe[d.row[mine & (expires == 0)]] = True
    return ~blocked & ~maybe, blocked


def _growth(ev, node: Node, t: Table):
    p = node.params
    years = ev.series_years(t, p["field"], p["pairs"] + 1)
    met = np.ones(t.n, dtype=bool)
    failed = np.zeros(t.n, dtype=bool)
    for i in range(1, p["pairs"] + 1):
        (n1, k1), (n0, k0) = years[i], years[i + 1]
        both = k1 & k0
        up = np.asarray(n1 > n0, dtype=bool)
        met &= both & up
        failed |= both & ~up
    return met, failed


def _unknown(ev, node: Node, t: Table):
    return np.zeros(t.n, dtype=bool), np.zeros(t.n, dtype=bool)


LEAVES = {"threshold": _threshold, "boolean": _boolean, "locality": _listed,
           "applicant_type": _listed, "qualitative": _qualitative, "lookback": _lookback,
           "ban": _ban, "reapplication": _reapplication, "growth": _growth, "unknown": _unknown}


# -- composites (kb/reasoning/layers.dl) --------------------------------------

def _count(masks) -> np.ndarray:
    return np.sum(np.vstack(masks), axis=0) if masks else np.zeros(0, dtype=np.int64)


def all_of(mets, fails):
    return np.logical_and.reduce(mets), np.logical_or.reduce(fails)


def _any(mets, fails):
    return np.logical_or.reduce(mets), np.logical_and.reduce(fails)


def _k_of_n(node, mets, fails):
    k, n = node.params["k"], len(mets)
    return _count(mets) >= k, n - _count(fails) < k


def _when(node, mets, fails):
    (g_met, then_met), (g_failed, then_failed) = mets, fails
    return g_failed | then_met, then_failed & g_met


COMPOSITES = {"all": lambda node, m, f: all_of(m, f), "function": lambda node, m, f: all_of(m, f),
              "any": lambda node, m, f: _any(m, f), "k_of_n": _k_of_n, "when": _when}

