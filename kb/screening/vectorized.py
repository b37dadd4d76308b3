"""The encoded conditions, evaluated for a whole table of organizations at once.

The Datalog rules (kb/reasoning/rules.dl, kb/reasoning/layers.dl) are the reference; this module
compiles the *same* condition trees (KnowledgeBase.programs) into numpy
operations over columns, so screening a million organizations takes seconds.
Every threshold, window, list and count comes from the nodes' params; nothing
is restated here. tests/test_differential.py holds the two paths to identical
answers.

Three-valued like the rules: each node yields two boolean arrays, ``met`` and
``failed`` (neither: unknown). Numbers stay exact: a column is an integer
numerator over one common denominator (int64, or Python ints where int64
could overflow), and ``a/b >= p/q`` is decided as ``a*q >= p*b``.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

import numpy as np

from kb.law.model import NEGATED_OP, Node

_SAFE = 2 ** 62   # products below this fit int64
SEP = ";"         # between ids in a result cell (no condition id or field name holds one)


# -- exact numbers -------------------------------------------------------------

def _maxabs(x) -> int:
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return 0
        if x.dtype == object:
            return max(abs(int(v)) for v in x)
        return int(np.abs(x).max())
    return abs(int(x))


def _as_object(x):
    if isinstance(x, np.ndarray) and x.dtype != object:
        out = np.empty(x.shape, dtype=object)
        out[:] = [int(v) for v in x.tolist()]
        return out
    return x


def mul(x, y):
    """x * y exactly: int64 while the product is known to fit, else Python ints."""
    if _maxabs(x) * _maxabs(y) < _SAFE:
        if isinstance(x, np.ndarray) and x.dtype == object:
            x = x.astype(np.int64)
        if isinstance(y, np.ndarray) and y.dtype == object:
            y = y.astype(np.int64)
        return x * y
    return _as_object(x) * _as_object(y)


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _wide(x) -> bool:
    return x.dtype == object if isinstance(x, np.ndarray) else abs(int(x)) >= _SAFE


def compare(num, den, op: str, t: Fraction) -> np.ndarray:
    """num/den OP t for den > 0, exactly (the caller masks unknown rows)."""
    lhs, rhs = mul(num, t.denominator), mul(den, t.numerator)
    if _wide(lhs) or _wide(rhs):
        lhs, rhs = _as_object(lhs), _as_object(rhs)
    return np.asarray(_OPS[op](lhs, rhs), dtype=bool)


@dataclass
class Num:
    """A numeric column: num / den where known."""
    num: np.ndarray
    den: int
    known: np.ndarray


# -- the table -----------------------------------------------------------------

@dataclass
class Cat:
    """A text or enum column, factorized: codes into labels, -1 where missing."""
    codes: np.ndarray
    labels: list

    @property
    def known(self) -> np.ndarray:
        return self.codes >= 0

    def isin(self, values) -> np.ndarray:
        hit = np.array([label in values for label in self.labels] + [False], dtype=bool)
        return hit[self.codes]   # code -1 picks the trailing False


@dataclass
class Records:
    """A history list in long form: one entry per record, ``row`` its organization."""
    row: np.ndarray
    cols: dict[str, np.ndarray]

    @staticmethod
    def empty(names) -> "Records":
        return Records(np.zeros(0, dtype=np.int64), {n: np.zeros(0, dtype=object) for n in names})


@dataclass
class Table:
    """Validated, typed columns for ``n`` organizations (see kb/screening/screen.py for
    how a CSV chunk or a list of profiles becomes one). Dates are integers
    yyyymmdd, which order like the dates themselves."""
    n: int
    ids: np.ndarray
    asof: np.ndarray                                  # yyyymmdd
    nums: dict[str, Num] = field(default_factory=dict)
    bools: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)   # value, known
    cats: dict[str, Cat] = field(default_factory=dict)   # str / enum / list fields (labels: tuples for lists)
    dates: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)   # yyyymmdd, known
    series: dict[str, tuple[np.ndarray, np.ndarray, Num]] = field(default_factory=dict)  # row, year, count
    events: Records | None = None        # kind, subject, date
    revocations: Records | None = None   # program, reason, date
    designations: Records | None = None  # program, granted_on, expires_on (0: none)
    attest: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def asof_year(self) -> np.ndarray:
        return self.asof // 10000

    def num(self, name: str) -> Num:
        got = self.nums.get(name)
        if got is None:
            return Num(np.zeros(self.n, dtype=np.int64), 1, np.zeros(self.n, dtype=bool))
        return got

    def flag(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self.bools.get(name)
        if got is None:
            return np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=bool)
        return got

    def cat(self, name: str) -> Cat:
        return self.cats.get(name) or Cat(np.full(self.n, -1, dtype=np.int64), [])

    def date(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self.dates.get(name)
        if got is None:
            return np.zeros(self.n, dtype=np.int64), np.zeros(self.n, dtype=bool)
        return got


def is_leap(year: np.ndarray) -> np.ndarray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def years_before(ymd: np.ndarray, years: int) -> np.ndarray:
    """kb.law.measures.shift_years, vectorized: the same day ``years`` earlier
    (29 Feb → 28 Feb in a common year, as kb.measures.add_years)."""
    y, md = ymd // 10000 - years, ymd % 10000
    md = np.where((md == 229) & ~is_leap(y), 228, md)
    return y * 10000 + md


def full_years(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """kb.law.measures.full_years, vectorized: the anniversary in end's year is
    start's month and day, 29 Feb becoming 28 Feb in a common year."""
    end_y = end // 10000
    md = start % 10000
    md = np.where((md == 229) & ~is_leap(end_y), 228, md)
    return end_y - start // 10000 - ((end % 10000) < md)


# -- the evaluator -------------------------------------------------------------

class Outcome:
    """Every node's met / failed arrays for one table, and what they add up to."""

    def __init__(self, evaluator: "Evaluator", table: Table):
        self.ev, self.t = evaluator, table
        self.met: dict[str, np.ndarray] = {}
        self.failed: dict[str, np.ndarray] = {}
        self._items: dict[str, list] = {}

    def unknown(self, node_id: str) -> np.ndarray:
        return ~(self.met[node_id] | self.failed[node_id])

    def status(self, program: str) -> np.ndarray:
        """'qualifies' / 'fails' / 'undetermined' per organization."""
        return np.where(self.failed[program], "fails",
                        np.where(self.met[program], "qualifies", "undetermined")).astype(object)

    # -- the fields whose absence leaves a node undetermined (Reading.missing)
    def items(self, node: Node) -> list[tuple[object, np.ndarray]]:
        """(key, mask) pairs in order: the key is a field name, or
        ("year", field, k) for the year k years before as_of of a series."""
        if node.id in self._items:
            return self._items[node.id]
        unknown = self.unknown(node.id)
        p, t = node.params, self.t
        out: list[tuple[object, np.ndarray]] = []
        if node.kind == "unknown":
            out = [(p["what"], unknown)]
        elif node.kind == "threshold":
            # as Reading.missing: the inputs not known, or all of them where
            # every input is known and still nothing is decided (a share of 0)
            masks = [unknown & ~self.ev.known(t, name) for name in p["measure"].inputs]
            none = unknown & ~np.logical_or.reduce(masks)
            out = [(name, mask | none) for name, mask in zip(p["measure"].inputs, masks)]
        elif node.kind == "qualitative":
            out = [(f"attest.{p['attest']}", unknown)]
        elif node.kind in ("lookback", "ban"):
            out = [("credit_events" if node.kind == "lookback" else "revocations", unknown)]
        elif node.kind in ("boolean", "locality", "applicant_type"):
            out = [(p["field"], unknown)]
        elif node.kind == "growth":
            years = self.ev.series_years(t, p["field"], p["pairs"] + 1)
            out = [(("year", p["field"], k), unknown & ~years[k][1]) for k in range(p["pairs"] + 1, 0, -1)]
        elif node.kind == "reapplication":
            out = [("designations.expires_on", unknown)]
        else:
            merged: dict[object, np.ndarray] = {}
            for child in node.children:
                for key, mask in self.items(child):
                    merged[key] = merged[key] | mask if key in merged else mask
            out = [(key, mask & unknown) for key, mask in merged.items()]
        self._items[node.id] = out
        return out


class Evaluator:
    """Compiled once per knowledge base (its switch settings resolved the trees)."""

    def __init__(self, kb):
        self.kb = kb
        self.programs = kb.programs
        self.lower = {}   # field → fields never above it (lo sources, one step as in rules.dl)
        self.upper = {}
        for a, b in kb.le_pairs:
            self.lower.setdefault(b, []).append(a)
            self.upper.setdefault(a, []).append(b)
        self.relax: dict[str, set[str]] = {}
        for prog in self.programs.values():
            for exc in prog.exceptions:
                if exc.kind == "relaxation":
                    for cid in exc.applies_to:
                        self.relax.setdefault(cid, set()).update(exc.sponsors)
        for prog in self.programs.values():   # fail now, not mid-screen, on a kind we do not know
            for node in prog.nodes():
                if node.kind not in _LEAVES and node.kind not in _COMPOSITES:
                    raise NotImplementedError(f"kb/screening/vectorized.py cannot evaluate kind {node.kind!r} ({node.id})")

    def evaluate(self, table: Table, programs: list[str] | None = None) -> Outcome:
        out = Outcome(self, table)
        for pid in programs or list(self.programs):
            prog = self.programs[pid]
            for top in prog.conditions:
                self._node(top, out)
            met, failed = _all([out.met[c.id] for c in prog.conditions], [out.failed[c.id] for c in prog.conditions])
            out.met[pid], out.failed[pid] = met, failed
        return out

    def _node(self, node: Node, out: Outcome) -> None:
        if node.id in out.met:
            return
        for child in node.children:
            self._node(child, out)
        if node.kind in _LEAVES:
            met, failed = _LEAVES[node.kind](self, node, out.t)
        else:
            mets = [out.met[c.id] for c in node.children]
            fails = [out.failed[c.id] for c in node.children]
            met, failed = _COMPOSITES[node.kind](node, mets, fails)
        out.met[node.id], out.failed[node.id] = met, failed

    # -- what a field is known to be ---------------------------------------
    def known(self, t: Table, name: str) -> np.ndarray:
        """Whether the profile holds a value for ``name`` (Profile.values)."""
        for group in (t.nums, t.bools, t.cats, t.dates):
            if name in group:
                got = group[name]
                return got.known if isinstance(got, (Num, Cat)) else got[1]
        if name in t.series:
            rows = t.series[name][0]
            out = np.zeros(t.n, dtype=bool)
            out[rows] = True
            return out
        return np.zeros(t.n, dtype=bool)

    def series_years(self, t: Table, name: str, back: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For k = 1..back, the count for the year k years before as_of's year (value, known)."""
        out = {}
        rows, years, counts = t.series.get(name) or (np.zeros(0, np.int64), np.zeros(0, np.int64),
                                                     Num(np.zeros(0, np.int64), 1, np.zeros(0, bool)))
        offset = t.asof_year[rows] - years
        for k in range(1, back + 1):
            pick = offset == k
            value = np.zeros(t.n, dtype=counts.num.dtype)
            known = np.zeros(t.n, dtype=bool)
            value[rows[pick]] = counts.num[pick]
            known[rows[pick]] = True
            out[k] = (value, known)
        return out

    def bounds(self, t: Table, m) -> tuple[list, list]:
        """Lower and upper bounds of a measure: lists of (num, den, known),
        mirroring lo/hi in kb/reasoning/rules.dl (a field, its one-step relatives from
        facts/measures.yaml, shares from their parts' bounds)."""
        if m.kind == "field":
            name = m.args[0]
            lo = [self._ratio(t.num(s)) for s in [name] + self.lower.get(name, [])]
            hi = [self._ratio(t.num(s)) for s in [name] + self.upper.get(name, [])]
            return lo, hi
        if m.kind == "years_since":
            start, known = t.date(m.args[0])
            value = full_years(start, t.asof)
            return [(value, 1, known)], [(value, 1, known)]
        if m.kind == "share":
            (n_lo, n_hi), (d_lo, d_hi) = (self.bounds(t, _field(a)) for a in m.args)
            return self._shares(n_lo, d_hi), self._shares(n_hi, d_lo)
        if m.kind == "share_within":
            nums = [t.num(a) for a in m.args]
            den = lcm(*(x.den for x in nums))
            q, s, w = (mul(x.num, den // x.den) for x in nums)
            known = nums[0].known & nums[1].known & nums[2].known & (s > 0)
            s_safe = np.where(known, s, 1)
            low = q - (w - s)
            low = np.where(low > 0, low, 0)
            high = np.where(q < s, q, s)
            return [(low, s_safe, known)], [(high, s_safe, known)]
        raise NotImplementedError(m.kind)

    @staticmethod
    def _ratio(x: Num):
        return x.num, x.den, x.known

    @staticmethod
    def _shares(nums: list, dens: list) -> list:
        out = []
        for an, ad, ak in nums:
            for bn, bd, bk in dens:
                known = ak & bk & (np.asarray(bn) > 0)
                out.append((mul(an, bd), np.where(known, mul(bn, ad), 1), known))
        return out


def _field(name: str):
    from kb.law.measures import Measure
    return Measure("field", (name,))


# -- leaves --------------------------------------------------------------------

def _threshold(ev: Evaluator, node: Node, t: Table):
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


def _boolean(ev: Evaluator, node: Node, t: Table):
    value, known = t.flag(node.params["field"])
    expect = node.params["expect"]
    return known & (value == expect), known & (value != expect)


def _listed(ev: Evaluator, node: Node, t: Table):
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


def _qualitative(ev: Evaluator, node: Node, t: Table):
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


def _lookback(ev: Evaluator, node: Node, t: Table):
    p = node.params
    failed = _window_hits(t, t.events, p["years"], {"kind": p["kinds"], "subject": p["subjects"]})
    return ~failed, failed


def _ban(ev: Evaluator, node: Node, t: Table):
    p = node.params
    failed = _window_hits(t, t.revocations, p["years"], {"program": p["programs"], "reason": p["reasons"]})
    return ~failed, failed


def _reapplication(ev: Evaluator, node: Node, t: Table):
    blocked = np.zeros(t.n, dtype=bool)
    maybe = np.zeros(t.n, dtype=bool)
    d = t.designations
    if d is not None and d.row.size:
        granted = d.cols["granted_on"].astype(np.int64)
        expires = d.cols["expires_on"].astype(np.int64)
        asof = t.asof[d.row]
        programs = d.cols["program"]
        mine = np.isin(programs, np.array(node.params["programs"], dtype=object)) & (granted <= asof)
        # no stated expiry: the validity the program's text fixes (kb.measures.expiry)
        for prog, years in node.params.get("validity", {}).items():
            default = (programs == prog) & (expires == 0) & (granted > 0)
            expires = np.where(default, years_before(granted, -years), expires)
        holds = mine & (expires > 0) & (expires >= asof)
        blocked[d.row[holds & (expires // 10000 > asof // 10000)]] = True
        maybe[d.row[mine & (expires == 0)]] = True
    return ~blocked & ~maybe, blocked


def _growth(ev: Evaluator, node: Node, t: Table):
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


def _unknown(ev: Evaluator, node: Node, t: Table):
    return np.zeros(t.n, dtype=bool), np.zeros(t.n, dtype=bool)


_LEAVES = {"threshold": _threshold, "boolean": _boolean, "locality": _listed,
           "applicant_type": _listed, "qualitative": _qualitative, "lookback": _lookback,
           "ban": _ban, "reapplication": _reapplication, "growth": _growth, "unknown": _unknown}


# -- composites (kb/reasoning/layers.dl) -------------------------------------------------

def _count(masks) -> np.ndarray:
    return np.sum(np.vstack(masks), axis=0) if masks else np.zeros(0, dtype=np.int64)


def _all(mets, fails):
    return np.logical_and.reduce(mets), np.logical_or.reduce(fails)


def _any(mets, fails):
    return np.logical_or.reduce(mets), np.logical_and.reduce(fails)


def _k_of_n(node, mets, fails):
    k, n = node.params["k"], len(mets)
    return _count(mets) >= k, n - _count(fails) < k


def _when(node, mets, fails):
    (g_met, then_met), (g_failed, then_failed) = mets, fails
    return g_failed | then_met, then_failed & g_met


_COMPOSITES = {"all": lambda node, m, f: _all(m, f), "function": lambda node, m, f: _all(m, f),
               "any": lambda node, m, f: _any(m, f), "k_of_n": _k_of_n, "when": _when}


# -- per program: the columns of a screening result ----------------------------

def factorize(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One code per row for several integer columns (hashing, not sorting),
    and the first row holding each code."""
    import pandas as pd
    codes = np.zeros(keys[0].size if keys else 0, dtype=np.int64)
    size = 1
    for key in keys:
        part, uniq = pd.factorize(key)
        codes, uniq = pd.factorize(codes * len(uniq) + part)
        size = len(uniq)
    first = np.full(size, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    return codes.astype(np.int64), first


def _codes(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize the rows of a boolean matrix: (code per row, one row per code)."""
    n, m = matrix.shape
    if m == 0 or n == 0:
        return np.zeros(n, dtype=np.int64), np.zeros((1, m), dtype=bool)
    words = [matrix[:, i:i + 62].astype(np.int64) @ (np.int64(1) << np.arange(min(62, m - i), dtype=np.int64))
             for i in range(0, m, 62)]
    codes, first = factorize(words)
    return codes, matrix[first]


@dataclass
class Column:
    """One output column of one program, factorized: labels[codes]."""
    codes: np.ndarray
    labels: list[str]

    def values(self) -> np.ndarray:
        return np.asarray(self.labels, dtype=object)[self.codes]


def program_columns(out: Outcome, program: str) -> dict[str, Column]:
    """status; failed and unknown (top-level condition ids), missing (fields)
    and discretion (condition=general|relaxable), each joined by ";" — what
    `regkb check` reports, one cell per list."""
    prog = out.ev.programs[program]
    tops = prog.conditions
    n = out.t.n
    status = out.status(program)
    labels = ["qualifies", "fails", "undetermined"]
    cols = {"status": Column(np.select([status == "qualifies", status == "fails"], [0, 1], 2), labels)}
    failed = np.column_stack([out.failed[c.id] for c in tops]) if tops else np.zeros((n, 0), bool)
    unknown = np.column_stack([out.unknown(c.id) for c in tops]) if tops else np.zeros((n, 0), bool)
    for name, matrix in (("failed", failed), ("unknown", unknown)):
        codes, rows = _codes(matrix)
        cols[name] = Column(codes, [SEP.join(c.id for c, on in zip(tops, row) if on) for row in rows])
    # missing: the union over unknown top-level conditions, in tree order
    merged: dict[object, np.ndarray] = {}
    for top in tops:
        for key, mask in out.items(top):
            merged[key] = merged[key] | mask if key in merged else mask
    keys = list(merged)
    matrix = np.column_stack([merged[k] for k in keys]) if keys else np.zeros((n, 0), bool)
    codes, rows = _codes(matrix)
    years = np.zeros(n, dtype=np.int64)
    if any(isinstance(k, tuple) for k in keys):   # a series' years depend on each row's as_of
        years = out.t.asof_year.astype(np.int64)
    pair, first = factorize([codes, years])
    labels = []
    for code, year in zip(codes[first].tolist(), years[first].tolist()):
        names = [f"{k[1]}.{year - k[2]}" if isinstance(k, tuple) else k for k, on in zip(keys, rows[code]) if on]
        labels.append(SEP.join(dict.fromkeys(names)))
    cols["missing"] = Column(pair, labels)
    # discretion of failed conditions: relaxable (for the sponsors an exception names) beats general
    sponsor = out.t.cat("sponsor")
    entries = []
    for top in tops:
        if top.id in out.ev.relax:
            entries.append((top.id, "relaxable", out.failed[top.id] & sponsor.isin(out.ev.relax[top.id])))
        if top.strength == "general":
            entries.append((top.id, "general", out.failed[top.id]))
    matrix = np.column_stack([m for _, _, m in entries]) if entries else np.zeros((n, 0), bool)
    codes, rows = _codes(matrix)
    labels = []
    for row in rows:
        found: dict[str, str] = {}
        for (cid, kind, _), on in zip(entries, row):
            if on and found.get(cid) != "relaxable":
                found[cid] = kind
        labels.append(SEP.join(f"{cid}={kind}" for cid, kind in found.items()))
    cols["discretion"] = Column(codes, labels)
    return cols
