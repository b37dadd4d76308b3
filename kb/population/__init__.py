"""Synthetic organization populations, and populations read from disk.

``generate(n, seed, as_of)`` returns profile dicts (../shared/spec/profile.md)
for the three cities; ``to_frame`` / ``write_csv`` give their CSV form (dotted
columns, list and map fields as JSON cells); ``read_population`` reads a CSV or
a directory of profile files back as validated Profiles. ``write_population_csv``
writes millions of rows straight to CSV, chunk by chunk.

Row i depends only on (seed, i) and as_of, so ``generate(2000)`` is a prefix of
``generate(10**6)``. Every figure is derived from the encoded conditions (the
knowledge base's nodes under every switch value); no threshold is restated.

The distributions, per organization:

- target: the program it looks like — beijing.station 12%, beijing.platform
  16%, beijing.base 12%, guiyang.platform 15%, chengdu.platform 18%,
  chengdu.base 15%, none 12%; registered in the target's city (93%, else one
  of the other two or shanghai / shenzhen); a latent strength z ~ N(0.25, 1)
  raises all its figures together.
- counts, money and areas: log-normal, median 1.6 × the threshold the
  target's program sets on the field (else the median threshold over all
  programs, else 20), times exp(0.35 z + 0.4 ε); rounded to whole units.
  Shares (satisfaction …): the threshold + 0.06 + 0.04 z + 0.04 ε, clipped to
  [0, 1], two decimals. Staff: qualified staff a share of the service staff
  of threshold + 0.08 + 0.05 z + 0.06 ε; full-time staff U(0.6, 1) of it.
  Every "never less than" pair of the spec holds (家次 ≥ 家 …).
- booleans: true with 85% (legal person 93%, leased base 40%, 高精尖 focus
  25%, service station 45%, matchmaking focus 30%, quality certified 50%).
- dates: founded 0.2 + Gamma(2, 3) years before as_of; registered elsewhere
  first (registered_on later) 20%; began operating later 30%.
- services: each function of the target's lists offered with probability
  sigmoid(1 + 0.8 z) (about 70%), other functions 15%; its figures as above.
- growth: served SMEs for the five years before as_of, growing by
  N(0.1 + 0.05 z, 0.07) a year (ties by rounding happen).
- history: credit events Poisson(0.08·e^(−z/2)) over the last 8 years (kind
  uniform, 70% the entity); a designation of the target program in 12% (granted
  within 5 years, three-year term, expiry unknown in 10%); a revocation in 3%;
  attestations in 15% (one or two qualitative keys, half of them false).
- unknowns: every scalar field left empty with probability 3%.

Boundary probes: every odd row (i = 2j + 1) also carries probe (j + seed) mod P of a
fixed list built from the nodes: each threshold exactly at, just below and just
above its figure (1 for counts; 0.01 and 1e-10 for shares, money, areas),
through its bounds (家次 ≥ 家 …) and missing; full years on, the day after and
the day before the anniversary; each list value, alias, non-listed value and
empty list; booleans true / false / missing; attestations true / false; each
credit-event kind and subject on, the day before and the day after a window's
start; revocations likewise; designations expiring in as_of's year, the next
year, the day before as_of, on as_of, or with unknown expiry; growth series
strictly rising, tied or falling at each pair, missing each year, empty;
park types; leased bases; 高精尖 bases; matchmaking-focused consulting. A
probe sets the conditions around it (a function's other figures, a guard, an
alternative) so the probed one decides. Its name is in the row's ``notes``.
So any n ≥ 2P covers every probe (P is len(probes())).
"""
from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from kb.io.errors import InputError
from kb.law.fields import FIELDS, HISTORY_FIELDS, enum_values, is_enum, is_list_of_enum
from kb.law.measures import shift_years
from kb.law.model import CITY_ZH, PROGRAM_INFO, PROGRAMS

BLOCK = 8192   # rows per seeded block
TARGETS = (("beijing.station", .12), ("beijing.platform", .16), ("beijing.base", .12),
           ("guiyang.platform", .15), ("chengdu.platform", .18), ("chengdu.base", .15), (None, .12))
OTHER_CITIES = ("shanghai", "shenzhen")
P_TRUE = {"legal_person": .93, "facilities.leased": .40, "performance.high_tech_manufacturing_focus": .25,
          "facilities.enterprise_service_station": .45, "matchmaking_focus": .30, "quality_certified": .50}
KIND_MIX = {   # applicant kinds by the target's family
    "platform": {"professional_service_institution": .5, "industry_organization": .2, "other": .13,
                 "guarantee_institution": .07, "research_institute": .05, "university": .05},
    "station": {"incubator": .2, "maker_space": .15, "university_science_park": .1,
                "professional_service_institution": .25, "industry_organization": .1, "university": .05,
                "research_institute": .05, "hard_tech_incubator": .05, "other": .05},
    "base": {"incubator": .3, "hard_tech_incubator": .1, "university_science_park": .12, "industrial_cluster": .1,
             "zgc_cluster": .05, "returnee_park": .05, "student_startup_park": .05,
             "leading_enterprise_space": .08, "maker_space": .05, "other": .1},
}
SPONSORS = {"enterprise": .72, "public_institution": .12, "government": .08, "social_organization": .06}
PARKS = {"manufacturing": .35, "building_economy": .5, "other": .15}
CREDIT_KINDS = ("criminal_penalty", "serious_admin_penalty", "serious_dishonesty",
                "abnormal_operation_list", "violation", "false_materials")
REASONS = ("false_materials", "violation", "dishonesty", "failed_evaluation", "missed_reporting", "other")
JSON_COLUMNS = {name for name, kind in FIELDS.items() if kind.startswith(("list[", "map["))}


# -- cells -------------------------------------------------------------------------

def decimal_text(value: Fraction | int) -> str:
    """Exact text of a number: 0.9, 12, or 1/3 where no decimal is exact."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    d, k = value.denominator, 0
    while d % 2 == 0 or d % 5 == 0:
        d //= 2 if d % 2 == 0 else 5
        k += 1
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    text = f"{value.numerator * 10 ** k // value.denominator:0{k + 1}d}"
    sign = "-" if value < 0 else ""
    text = text.lstrip("-")
    return f"{sign}{text[:-k]}.{text[-k:]}".rstrip("0").rstrip(".")


def _json_default(value):
    if isinstance(value, (date,)):
        return value.isoformat()
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(decimal_text(value))
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Fraction)):
        return decimal_text(value)
    if isinstance(value, float):
        return repr(value)   # the reader takes a float through its decimal text too
    if isinstance(value, (Decimal, str)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps({str(k): v for k, v in value.items()}, ensure_ascii=False, default=_json_default)
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False, default=_json_default)
    raise TypeError(f"no CSV cell for {type(value).__name__}")


def _flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if prefix == "services." and (value is None or value == {}):
            out[f"{name}.offered"] = True   # a function listed with nothing under it is offered
        elif isinstance(value, dict) and name not in FIELDS:
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def profile_row(profile) -> dict[str, str]:
    """One profile (a dict as in profile.md, or a kb.profile.Profile) as CSV cells."""
    if isinstance(profile, dict):
        flat = _flatten(profile)
    else:
        flat = {"id": profile.id, "name": profile.name, "as_of": profile.as_of, "notes": profile.notes,
                **profile.values,
                "credit_events": [{"kind": e.kind, "date": e.date, "subject": e.subject}
                                  for e in profile.credit_events] or None,
                "designations": [{k: v for k, v in (("program", d.program), ("granted_on", d.granted_on),
                                                    ("expires_on", d.expires_on)) if v is not None}
                                 for d in profile.designations] or None,
                "revocations": [{"program": r.program, "date": r.date, "reason": r.reason}
                                for r in profile.revocations] or None,
                "attest": dict(profile.attest) or None}
    return {k: c for k, v in flat.items() if (c := _cell(v)) is not None}


def _entities(profiles: Iterable) -> Iterable:
    for p in profiles:
        if isinstance(p, dict) and "entities" in p:
            as_of = p.get("as_of") or (p.get("group") or {}).get("as_of")
            for e in p["entities"]:
                yield {"as_of": as_of, **e} if as_of and "as_of" not in e else e
        elif hasattr(p, "entities"):
            yield from p.entities
        else:
            yield p


def to_frame(profiles: Iterable) -> pd.DataFrame:
    """The CSV form: one row per organization (a group gives one per entity),
    dotted columns in the spec's order, JSON cells for lists and maps, "" where
    the profile says nothing."""
    rows = [profile_row(p) for p in _entities(profiles)]
    names = [f for f in FIELDS if any(f in r for r in rows)]
    return pd.DataFrame({n: [r.get(n, "") for r in rows] for n in names}, dtype=object)


def _atomic_write(path: Path, write) -> None:
    from kb.io.outputs import atomic_write   # the one writer: all or nothing, the umask's permissions
    atomic_write(path, write)


def write_csv(profiles: Iterable, path: str | Path) -> None:
    frame = to_frame(profiles)
    _atomic_write(Path(path), lambda f: frame.to_csv(f, index=False))


def read_population(path: str | Path, as_of: date | None = None) -> list:
    """Profiles from a directory of YAML/JSON profile files (a group gives its
    entities) or from a CSV (header row 1, organizations from row 2). Raises
    kb.errors.InputError naming the file or row and the field."""
    from kb.profile import load_profile, profile_from_row
    path = Path(path)
    if path.is_dir():
        out = []
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")):
            loaded = load_profile(file, as_of=as_of)
            out.extend(getattr(loaded, "entities", None) or [loaded])
        return out
    from kb.io.inputs import check_regular
    check_regular(path, "CSV file or directory")   # a pipe would block, /dev/zero never end
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, None) or []
            out = []
            for i, cells in enumerate(reader, 2):
                if not cells:
                    continue
                if len(cells) != len(header):   # a padded or cut row would shift its cells silently
                    raise InputError(f"{path}:row {i}", None,
                                     f"expected {len(header)} cells as in the header row, got {len(cells)}")
                out.append(profile_from_row(dict(zip(header, cells)), str(path), i, as_of))
            return out
    except csv.Error as exc:
        raise InputError(path, None, f"expected a well-formed CSV ({exc})") from None
    except UnicodeDecodeError:
        raise InputError(path, None, "expected a UTF-8 CSV file") from None
    except OSError as exc:
        raise InputError(path, None, f"expected a readable CSV file or directory ({exc.strerror})") from None


# -- what the knowledge base asks about ----------------------------------------------

def _iso(d: date) -> str:
    return d.isoformat()


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


# -- probes ------------------------------------------------------------------------

class Probe:
    """A named setting of some cells; ``pins`` are count columns repair must not move."""

    def __init__(self, name: str):
        self.name, self.cells, self.pins = name, {}, set()

    def set(self, column: str, value) -> "Probe":
        self.cells[column] = "" if value is None else (value if isinstance(value, str) else _cell(value))
        if FIELDS.get(column) == "int>=0":
            self.pins.add(column)
        return self


def _steps(kind: str) -> list[tuple[str, Fraction]]:
    if kind == "int>=0":
        return [("below", Fraction(-1)), ("above", Fraction(1))]
    return [("below", Fraction(-1, 100)), ("above", Fraction(1, 100)),
            ("just below", Fraction(-1, 10 ** 10)), ("just above", Fraction(1, 10 ** 10))]


class Probes:
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
            probe.set(p["measure"].args[0], _iso(anniversary if met else anniversary + timedelta(1)))
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

    # -- per kind -------------------------------------------------------------
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

    def _blank_with_relatives(self, probe: Probe, name: str) -> None:
        probe.set(name, None)
        for other in self.lower.get(name, []) + self.upper.get(name, []):
            probe.set(other, None)

    def _threshold(self, node) -> None:
        p, m = node.params, node.params["measure"]
        t = Fraction(p["value"])
        if m.kind == "field":
            name = m.args[0]
            kind = FIELDS[name]
            self.add(node, "at the threshold").set(name, t)
            for label, step in _steps(kind):
                value = t + step
                if value >= 0 and not (kind == "share" and value > 1):
                    self.add(node, label).set(name, value)
            self._blank_with_relatives(self.add(node, "missing"), name)
            for other in self.lower.get(name, []):      # a lower bound decides, or cannot
                for label, value in (("bound at", t), ("bound below", t - 1)):
                    if value >= 0:
                        probe = self.add(node, f"missing, {other} {label}")
                        self._blank_with_relatives(probe, name)
                        probe.set(other, value)
            for other in self.upper.get(name, []):      # an upper bound decides, or cannot
                for label, value in (("bound below", t - 1), ("bound at", t)):
                    if value >= 0:
                        probe = self.add(node, f"missing, {other} {label}")
                        self._blank_with_relatives(probe, name)
                        probe.set(other, value)
            if name.startswith("services."):              # the function listed, the figure unknown
                fn = name.split(".")[1]
                self.add(node, "function offered, figure missing").set(name, None).set(f"services.{fn}.offered", True)
        elif m.kind == "years_since":
            self._years(node, m.args[0], int(t))
        elif m.kind == "share":
            self._share(node, *m.args, t)
        elif m.kind == "share_within":
            self._within(node, *m.args, t)

    def _years(self, node, name: str, years: int) -> None:
        anniversary = shift_years(self.as_of, years)
        dates = {"on the anniversary": anniversary, "the day after the anniversary": anniversary + timedelta(1),
                 "the day before the anniversary": anniversary - timedelta(1),
                 "a year more": shift_years(self.as_of, years + 1)}
        leap = next(date(y, 2, 29) for y in range(anniversary.year, 1900, -1) if y % 4 == 0 and (y % 100 or y % 400 == 0))
        dates["on 29 February"] = leap
        for label, d in dates.items():
            probe = self.add(node, label).set(name, _iso(d))
            if name != "founded_on":
                probe.set("founded_on", _iso(min(d, self.as_of)))
            if name == "founded_on":   # the defaulted dates follow
                probe.set("registered_on", None).set("operating_since", None)
            if name != "founded_on" and label == "on the anniversary":
                self.add(node, "not given, founded on the anniversary").set(name, None).set("founded_on", _iso(d))
                self.add(node, "not given, founded the day after").set(name, None).set("founded_on", _iso(d + timedelta(1)))
        self.add(node, "missing").set(name, None).set("founded_on", None)

    def _share(self, node, num: str, den: str, t: Fraction) -> None:
        m = -(-20 // t.denominator)
        d, at = t.denominator * m, t.numerator * m
        for label, n in (("at the threshold", at), ("below", at - 1), ("above", at + 1)):
            if 0 <= n <= d:
                self.add(node, label).set(den, d).set(num, n)
        self.add(node, "zero staff").set(den, 0).set(num, 0)
        self._blank_with_relatives(self.add(node, f"{num} missing"), num)
        self._blank_with_relatives(self.add(node, f"{den} missing"), den)
        for other in self.upper.get(num, []):       # the numerator bounded from above
            for label, value in (("bound below", at - 1), ("bound at", at)):
                probe = self.add(node, f"{num} missing, {other} {label}").set(num, None).set(den, d)
                probe.set(other, value)
        for other in self.lower.get(num, []):
            probe = self.add(node, f"{num} missing, {other} at").set(num, None).set(den, d).set(other, at)
        for other in self.lower.get(den, []):       # the denominator bounded from below
            for label, value in (("bound above", d + 1), ("bound at", d)):
                probe = self.add(node, f"{den} missing, {other} {label}").set(den, None).set(num, at)
                probe.set(other, value)

    def _within(self, node, qualified: str, subset: str, whole: str, t: Fraction) -> None:
        m = -(-20 // t.denominator)
        s, at = t.denominator * m, t.numerator * m
        for label, q in (("at the threshold", at), ("below", at - 1), ("above", at + 1)):
            self.add(node, f"{label}, all in the subset").set(subset, s).set(whole, s).set(qualified, q)
        for label, q in (("lower bound at", at + m), ("between the bounds", at + m - 1),
                         ("upper bound below", at - 1), ("upper bound at", at)):
            self.add(node, label).set(subset, s).set(whole, s + m).set(qualified, q)
        self.add(node, "empty subset").set(subset, 0).set(whole, s).set(qualified, at)
        for name in (qualified, subset, whole):
            self.add(node, f"{name} missing").set(subset, s).set(whole, s).set(qualified, at).set(name, None)

    def _boolean(self, node) -> None:
        p = node.params
        name = p["field"]
        if name.endswith(".offered"):
            fn = name.split(".")[1]
            self.add(node, "offered").set(name, True)
            self.add(node, "offered: false, with figures").set(name, False).set(f"services.{fn}.activities", 3)
            probe = self.add(node, "not listed")
            for col in self.sp.order:
                if col.startswith(f"services.{fn}."):
                    probe.set(col, None)
            return
        for label, value in (("true", True), ("false", False), ("missing", None)):
            self.add(node, label).set(name, value)

    def _locality(self, node) -> None:
        p = node.params
        name = p["field"]
        for v in p["values"]:
            self.add(node, f"{v}").set(name, v)
            if name == "registered_city":
                from kb.profile import _CITY_ALIASES
                for alias, city in _CITY_ALIASES.items():
                    if city == v:
                        self.add(node, f"written {alias}").set(name, alias)
                self.add(node, f"written {v.capitalize()}").set(name, v.capitalize())
        for v in self._others(name, p["values"])[:3]:
            self.add(node, f"{v}").set(name, v)
        self.add(node, "missing").set(name, None)

    def _applicant_type(self, node) -> None:
        p = node.params
        name = p["field"]
        kind = FIELDS[name]
        if is_list_of_enum(kind):
            allowed = enum_values(kind)
            outside = [k for k in allowed if k not in p["values"]]
            for v in p["values"]:
                self.add(node, f"[{v}]").set(name, [v])
            if outside:
                self.add(node, f"[{outside[0]}]").set(name, [outside[0]])
                if p["values"]:
                    self.add(node, f"[{outside[0]}, {p['values'][0]}]").set(name, [outside[0], p["values"][0]])
            self.add(node, "empty list").set(name, [])
        else:
            for v in enum_values(kind):
                self.add(node, v).set(name, v)
        self.add(node, "missing").set(name, None)

    def _qualitative(self, node) -> None:
        key = node.params["attest"]
        self.add(node, "attested true").set("attest", {key: True})
        self.add(node, "attested false").set("attest", {key: False})

    def _edges(self, years: int | None) -> dict[str, date]:
        if not years:
            return {"long ago": date(2001, 1, 1), "on as_of": self.as_of}
        start = shift_years(self.as_of, years)
        return {"on the window's first day": start, "the day before the window": start - timedelta(1),
                "the day after the window opens": start + timedelta(1), "on as_of": self.as_of}

    def _lookback(self, node) -> None:
        p = node.params
        kind, subject = p["kinds"][0], p["subjects"][0]
        for label, d in self._edges(p["years"]).items():   # the window's edges, for one kind
            self.add(node, f"{kind} of the {subject} {label}").set(
                "credit_events", [{"kind": kind, "date": _iso(d), "subject": subject}])
        for kind, subject in [(k, subject) for k in p["kinds"][1:]] + [(kind, s) for s in p["subjects"][1:]]:
            self.add(node, f"{kind} of the {subject} on as_of").set(   # every listed kind and subject counts
                "credit_events", [{"kind": kind, "date": _iso(self.as_of), "subject": subject}])
        others = [k for k in CREDIT_KINDS if k not in p["kinds"]]
        if others:
            self.add(node, f"only {others[0]}").set(
                "credit_events", [{"kind": others[0], "date": _iso(self.as_of), "subject": p["subjects"][0]}])
        if len(p["subjects"]) == 1:
            other = "entity" if p["subjects"][0] != "entity" else "legal_representative"
            self.add(node, f"{p['kinds'][0]} of the {other}").set(
                "credit_events", [{"kind": p["kinds"][0], "date": _iso(self.as_of), "subject": other}])

    def _ban(self, node) -> None:
        p = node.params
        for program in p["programs"]:
            for reason in p["reasons"]:
                edges = self._edges(p["years"]) if reason == p["reasons"][0] else {"on as_of": self.as_of}
                for label, d in edges.items():
                    self.add(node, f"{program} revoked for {reason} {label}").set(
                        "revocations", [{"program": program, "date": _iso(d), "reason": reason}])
            others = [r for r in REASONS if r not in p["reasons"]]
            if others:
                self.add(node, f"{program} revoked for {others[0]}").set(
                    "revocations", [{"program": program, "date": _iso(self.as_of), "reason": others[0]}])

    def _reapplication(self, node) -> None:
        a = self.as_of
        granted = _iso(shift_years(a, 3))
        for program in node.params["programs"]:
            for label, expires in (("expiring in as_of's year", date(a.year, 12, 31)),
                                   ("expiring next year", date(a.year + 1, 1, 1)),
                                   ("expired the day before", a - timedelta(1)), ("expiring on as_of", a),
                                   ("expiry unknown", None)):
                entry = {"program": program, "granted_on": granted}
                if expires:
                    entry["expires_on"] = _iso(expires)
                self.add(node, f"{program} {label}").set("designations", [entry])
            self.add(node, f"{program} expiry unknown and another running").set("designations", [
                {"program": program, "granted_on": granted},
                {"program": program, "granted_on": granted, "expires_on": _iso(date(a.year + 2, 1, 1))}])

    def _growth(self, node) -> None:
        name, a = node.params["field"], self.as_of.year
        span = range(a - 5, a)

        def series(values):
            return {str(y): v for y, v in zip(span, values) if v is not None}
        rising = [100, 120, 140, 160, 180]
        self.add(node, "rising every year").set(name, series(rising))
        for i in range(1, 5):   # pair i: year a-i against a-i-1
            j = 5 - i
            tied = list(rising)
            tied[j] = tied[j - 1]
            self.add(node, f"tied at pair {i}").set(name, series(tied))
            fell = list(rising)
            fell[j] = tied[j - 1] - 5
            self.add(node, f"falling at pair {i}").set(name, series(fell))
            gap = list(rising)
            gap[j] = None
            self.add(node, f"year {a - i} missing").set(name, series(gap))
        gap = list(rising)
        gap[0] = None
        self.add(node, f"year {a - 5} missing").set(name, series(gap))
        self.add(node, "empty series").set(name, {})
        self.add(node, "missing").set(name, None)
        self.add(node, "only older years").set(name, {str(a - 7): 10, str(a - 6): 20})

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
                    probe.set("credit_events", [{"kind": node.params["kinds"][0], "date": _iso(self.as_of),
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


# -- the generator --------------------------------------------------------------------

_NUMBERS = np.array([""] + [str(i) for i in range(1 << 17)], dtype=object)
_HUNDREDTHS = np.array([f"{i / 100:.2f}" for i in range(101)], dtype=object)


def _text(values: np.ndarray) -> np.ndarray:
    """Cell text of whole numbers (-1: empty), shared strings for the common ones."""
    small = values < (1 << 17)
    out = _NUMBERS[np.where(small, values + 1, 0)]
    if not small.all():
        out[~small] = [str(v) for v in values[~small].tolist()]
    return out


@lru_cache(maxsize=None)
def _kinds_cell(first: str, second: str | None) -> str:
    return json.dumps([first, second] if second else [first])


def _choice(rng, table: dict, size: int) -> np.ndarray:
    keys = list(table)
    p = np.array([table[k] for k in keys], dtype=float)
    idx = rng.choice(len(keys), size=size, p=p / p.sum())
    return np.asarray(keys, dtype=object)[idx]


def _dates(base: date, days: np.ndarray) -> np.ndarray:
    d = np.datetime64(base.isoformat()) - days.astype("timedelta64[D]")
    return np.datetime_as_string(d, unit="D").astype(object)


class _Block:
    """One seeded block of rows: count columns as integers (-1: empty) so the
    spec's part-whole relations can be kept; everything else as cell text."""

    def __init__(self, sp: Spec, seed: int, block: int, as_of: date, facts_dir: str | None):
        self.sp, self.as_of = sp, as_of
        rng = self.rng = np.random.default_rng([seed, block])
        n = self.n = BLOCK
        first = block * BLOCK
        self.index = np.arange(first, first + n)
        self.counts: dict[str, np.ndarray] = {}
        self.cells: dict[str, np.ndarray] = {}
        self.pins: dict[str, np.ndarray] = {}
        targets = _choice(rng, {str(t): w for t, w in TARGETS}, n)
        self.target = targets
        names = [str(t) for t, _ in TARGETS]
        self.tcode = np.searchsorted(np.array(sorted(names)), targets.astype(str))
        self.tnames = sorted(names)
        z = rng.normal(0.25, 1.0, n)
        self.z = z
        city_of = {p: PROGRAM_INFO[p].city for p, _ in TARGETS if p}
        home = np.array([city_of.get(t, "") for t in targets], dtype=object)
        stray = rng.random(n) < .07
        elsewhere = _choice(rng, {c: 1 for c in tuple(CITY_ZH) + OTHER_CITIES}, n)
        home = np.where((home == "") | stray, elsewhere, home)
        self.cells["id"] = np.array([f"syn-{seed}-{i:07d}" for i in self.index], dtype=object)
        self.cells["name"] = np.array([f"合成机构 {i:07d}" for i in self.index], dtype=object)
        self.cells["as_of"] = np.full(n, as_of.isoformat(), dtype=object)
        self.cells["notes"] = np.full(n, "synthetic", dtype=object)
        self.cells["registered_city"] = home
        self.cells["sponsor"] = _choice(rng, SPONSORS, n)
        # an organization aiming at no program looks like a platform applicant
        family = np.array([PROGRAM_INFO[t].kind if t in PROGRAM_INFO else "platform" for t in targets],
                          dtype=object)
        kinds = np.empty(n, dtype=object)
        for fam, mix in KIND_MIX.items():
            pick = family == fam
            first_kind = _choice(rng, mix, int(pick.sum()))
            second = _choice(rng, mix, int(pick.sum()))
            two = rng.random(int(pick.sum())) < .15
            kinds[pick] = [_kinds_cell(a, b if t and a != b else None) for a, b, t in zip(first_kind, second, two)]
        self.cells["kinds"] = kinds
        age = (0.2 + rng.gamma(2.0, 3.0, n)) * 365.25
        founded = _dates(as_of, age.astype(np.int64))
        self.cells["founded_on"] = founded
        moved = rng.random(n) < .2
        later = (age * rng.random(n)).astype(np.int64)
        self.cells["registered_on"] = np.where(moved, _dates(as_of, later), "")
        began = rng.random(n) < .3
        self.cells["operating_since"] = np.where(began, _dates(as_of, (age * rng.random(n)).astype(np.int64)), "")
        for name in sp.order:
            kind = FIELDS[name]
            if name in self.cells or name.startswith("services.") or name in HISTORY_FIELDS:
                continue
            if kind == "bool":
                p_true = P_TRUE.get(name, .85)
                self.cells[name] = np.where(rng.random(n) < p_true, "true", "false").astype(object)
            elif kind in ("int>=0", "money", "m2"):
                self._figure(name, None)
            elif kind == "share":
                ref = self._ref(name)
                value = np.clip(ref + .06 + .04 * z + .04 * rng.normal(size=n), 0, 1)
                self.cells[name] = _HUNDREDTHS[np.round(value * 100).astype(np.int64)]
            elif is_enum(kind) and name == "facilities.park_type":
                self.cells[name] = np.where(family == "base", _choice(rng, PARKS, n), "").astype(object)
        self._staff()
        self._services(family)
        self._growth()
        self._history()
        for name in list(self.cells) + list(self.counts):   # unknowns
            if name in ("id", "as_of", "name", "notes", "kinds") or name in JSON_COLUMNS:
                continue
            blank = rng.random(n) < .03
            if name in self.counts:
                self.counts[name] = np.where(blank, -1, self.counts[name])
            else:
                self.cells[name] = np.where(blank, "", self.cells[name]).astype(object)
        self._probe(seed, facts_dir)
        self._repair()

    def _ref(self, name: str) -> np.ndarray:
        """Per row, the figure the field is centred on for its target program."""
        return np.array([float(self.sp.reference(name, t)) for t in self.tnames])[self.tcode]

    def _figure(self, name: str, scale_of: np.ndarray | None) -> None:
        rng, n = self.rng, self.n
        ref = self._ref(name) if scale_of is None else scale_of
        value = np.round(1.6 * ref * np.exp(.35 * self.z + .4 * rng.normal(size=n)))
        value = np.maximum(value, 0).astype(np.int64)
        if FIELDS[name] == "int>=0":
            self.counts[name] = value
        else:
            self.cells[name] = _text(value)

    def _staff(self) -> None:
        rng, n = self.rng, self.n
        for node in self.sp.shares:
            num, den = node.params["measure"].args
            t = float(node.params["value"])
            if den in self.counts:
                ratio = np.clip(t + .08 + .05 * self.z + .06 * rng.normal(size=n), 0, 1)
                self.counts[num] = np.round(self.counts[den] * ratio).astype(np.int64)
        for node in self.sp.within:
            qualified, subset, whole = node.params["measure"].args
            t = float(node.params["value"])
            if whole in self.counts:
                self.counts[subset] = np.round(self.counts[whole] * rng.uniform(.6, 1, n)).astype(np.int64)
                ratio = np.clip(t + .08 + .05 * self.z + .06 * rng.normal(size=n), 0, 1)
                self.counts[qualified] = np.round(self.counts[whole] * ratio).astype(np.int64)
        derived = {n.params["measure"].args[0] for n in self.sp.shares + self.sp.within}
        for small, big in self.sp.le:   # two shares of the same staff: the narrower group is the smaller
            if small in derived and big in derived:
                a, b = self.counts[small], self.counts[big]
                self.counts[small], self.counts[big] = np.minimum(a, b), np.maximum(a, b)

    def _services(self, family) -> None:
        rng, n, sp = self.rng, self.n, self.sp
        cols: dict[str, list[str]] = {}
        for name in sp.order:
            if name.startswith("services."):
                cols.setdefault(name.split(".")[1], []).append(name)
        strong = 1 / (1 + np.exp(-(1 + .8 * self.z)))
        for fn, names in cols.items():
            mine = np.array([fn in sp.functions.get(t, ()) for t in self.tnames])[self.tcode]
            offered = rng.random(n) < np.where(mine, strong, .15)
            for name in names:
                field = name.split(".")[2]
                if field == "offered":
                    self.cells[name] = np.where(offered, "true", "").astype(object)
                elif FIELDS[name] == "bool":
                    p_true = P_TRUE.get(field, .85)
                    self.cells[name] = np.where(offered, np.where(rng.random(n) < p_true, "true", "false"), "").astype(object)
                else:
                    self._figure(name, None)
                    if name in self.counts:
                        self.counts[name] = np.where(offered, self.counts[name], -1)
                    else:
                        self.cells[name] = np.where(offered, self.cells[name], "").astype(object)

    def _growth(self) -> None:
        rng, n = self.rng, self.n
        year = self.as_of.year
        for name in [c for c in self.sp.order if FIELDS[c] == "map[year]int>=0"]:
            last = self.counts.get("performance.smes_served")
            last = np.full(n, 100) if last is None else np.where(last >= 0, last, 100)
            last = np.maximum(last, 1).astype(float)
            rate = .1 + .05 * self.z
            years = [last]
            for _ in range(4):
                years.append(years[-1] / (1 + rate + .07 * rng.normal(size=n)).clip(.5, None))
            values = np.round(np.column_stack(years[::-1])).astype(np.int64)
            gap = rng.random(n)
            text = np.empty(n, dtype=object)
            for i in range(n):
                row = values[i]
                parts = [f'"{year - 5 + k}": {row[k]}' for k in range(5) if not (gap[i] < .05 and k == 2)]
                text[i] = "{" + ", ".join(parts) + "}"
            self.cells[name] = np.where(gap > .97, "", text).astype(object)

    def _history(self) -> None:
        rng, n, a = self.rng, self.n, self.as_of
        events = np.full(n, "", dtype=object)
        count = rng.poisson(.08 * np.exp(-self.z / 2))
        for i in np.flatnonzero(count):
            days = rng.integers(0, 8 * 365, count[i])
            items = [{"kind": CREDIT_KINDS[rng.integers(6)], "date": (a - timedelta(int(d))).isoformat(),
                      "subject": "entity" if rng.random() < .7 else "legal_representative"} for d in days]
            events[i] = json.dumps(items)
        self.cells["credit_events"] = events
        designations = np.full(n, "", dtype=object)
        for i in np.flatnonzero(rng.random(n) < .12):
            program = self.target[i]
            if program == "None":
                continue
            granted = a - timedelta(int(rng.integers(0, 5 * 365)))
            entry = {"program": program, "granted_on": granted.isoformat()}
            if rng.random() > .1:
                entry["expires_on"] = shift_years(granted, -3).isoformat()
            designations[i] = json.dumps([entry])
        self.cells["designations"] = designations
        revocations = np.full(n, "", dtype=object)
        for i in np.flatnonzero(rng.random(n) < .03):
            revocations[i] = json.dumps([{"program": list(PROGRAMS)[rng.integers(6)],
                                          "date": (a - timedelta(int(rng.integers(0, 5 * 365)))).isoformat(),
                                          "reason": REASONS[rng.integers(6)]}])
        self.cells["revocations"] = revocations
        attest = np.full(n, "", dtype=object)
        keys = self.sp.attest_keys
        for i in np.flatnonzero(rng.random(n) < .15):
            chosen = rng.choice(len(keys), size=int(rng.integers(1, 3)), replace=False)
            attest[i] = json.dumps({keys[k]: bool(rng.random() < .5) for k in chosen})
        self.cells["attest"] = attest

    def _probe(self, seed: int, facts_dir: str | None) -> None:
        table = probes(self.as_of.isoformat(), facts_dir)
        rows = np.flatnonzero(self.index % 2 == 1)
        which = (self.index[rows] // 2 + seed) % len(table)
        for k in np.unique(which):
            probe = table[k]
            at = rows[which == k]
            self.cells["notes"][at] = f"probe: {probe.name}"
            for name, text in probe.cells.items():
                if name in self.counts or FIELDS.get(name) == "int>=0":
                    if name not in self.counts:
                        self.counts[name] = np.full(self.n, -1, dtype=np.int64)
                    self.counts[name][at] = int(text) if text else -1
                    if name in probe.pins:
                        self.pins.setdefault(name, np.zeros(self.n, dtype=bool))[at] = True
                else:
                    if name not in self.cells:
                        self.cells[name] = np.full(self.n, "", dtype=object)
                    self.cells[name][at] = text

    def _repair(self) -> None:
        """Keep every 'never less than' pair: move the side a probe did not pin."""
        none = np.zeros(self.n, dtype=bool)
        # only a probe's own figures are fixed; a figure held down by one pinned
        # bound (and so pinned against raising) may go lower still for another
        # (fulltime_qualified ≤ fulltime_service and ≤ college_or_mid_title)
        by_probe = {k: v.copy() for k, v in self.pins.items()}
        for _ in range(4):
            changed = False
            for small, big in self.sp.le:
                if small not in self.counts or big not in self.counts:
                    continue
                a, b = self.counts[small], self.counts[big]
                bad = (a >= 0) & (b >= 0) & (a > b)
                if not bad.any():
                    continue
                changed = True
                pin_a, pin_b = by_probe.get(small, none), self.pins.get(big, none)
                if (bad & pin_a & pin_b).any():
                    raise AssertionError(f"a probe pins both {small} and {big} inconsistently")
                raise_b = bad & ~pin_b
                lower_a = bad & pin_b & ~pin_a
                b[raise_b] = a[raise_b] + a[raise_b] // 3   # 家次 usually well above 家
                a[lower_a] = b[lower_a]
                if lower_a.any():   # held down by a pinned figure: now pinned itself
                    self.pins.setdefault(small, np.zeros(self.n, dtype=bool))[lower_a] = True
            if not changed:
                return

    def frame(self) -> dict[str, np.ndarray]:
        out = {}
        for name in [f for f in FIELDS if f in self.counts or f in self.cells]:
            if name in self.counts:
                v = self.counts[name]
                out[name] = _text(v)
            elif name in self.cells:
                out[name] = self.cells[name]
        order = [f for f in FIELDS if f in out]
        return {name: out[name] for name in order}


def _blocks(n: int, seed: int, as_of: str, facts_dir: str | None, start: int = 0):
    sp = spec(facts_dir)
    day = date.fromisoformat(as_of)
    first, last = start // BLOCK, (start + n - 1) // BLOCK if n else -1
    for b in range(first, last + 1):
        cols = _Block(sp, seed, b, day, facts_dir).frame()
        lo = max(start, b * BLOCK) - b * BLOCK
        hi = min(start + n, (b + 1) * BLOCK) - b * BLOCK
        yield {k: v[lo:hi] for k, v in cols.items()}


def generate_frame(n: int, seed: int = 0, as_of: str = "2024-06-30", *, facts_dir: str | None = None,
                   start: int = 0) -> pd.DataFrame:
    """Rows start … start+n-1 of the population, in CSV form (cell text, "" where empty)."""
    parts = list(_blocks(n, seed, as_of, facts_dir, start))
    if not parts:
        return pd.DataFrame(columns=["id"])
    return pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]}, dtype=object)


def generate(n: int, seed: int = 0, as_of: str = "2024-06-30", *, facts_dir: str | None = None) -> list[dict]:
    """``n`` synthetic organization profiles (dicts for kb.profile.profile_from_dict)."""
    frame = generate_frame(n, seed, as_of, facts_dir=facts_dir)
    return [_profile_dict(row) for row in frame.to_dict("records")]


def _value(kind: str, text: str):
    if kind == "bool":
        return text == "true"
    if kind in ("int>=0", "money", "m2", "share"):
        number = Fraction(text)
        if number.denominator == 1:
            return int(number)
        as_float = float(text)
        assert Fraction(repr(as_float)) == number, text   # the decimal survives a float
        return as_float
    if kind.startswith(("list[", "map[")):
        value = json.loads(text)
        if kind == "map[year]int>=0":
            return {int(k): v for k, v in value.items()}
        return value
    return text


def _profile_dict(row: dict[str, str]) -> dict:
    out: dict = {}
    for name, text in row.items():
        if not text:
            continue
        node = out
        *parents, leaf = name.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = _value(FIELDS[name], text)
    return out


def write_population_csv(path: str | Path, n: int, seed: int = 0, as_of: str = "2024-06-30", *,
                         facts_dir: str | None = None) -> None:
    """``generate(n, seed, as_of)`` in CSV form, written block by block (fast for millions)."""
    def write(f):
        header = None
        for cols in _blocks(n, seed, as_of, facts_dir):
            if header is None:
                header = list(cols)
                f.write(",".join(header) + "\n")
            texts = []
            for name in header:
                v = cols[name]
                if name in JSON_COLUMNS or name in ("name", "notes"):
                    v = np.array([_quote(s) for s in v.tolist()], dtype=object)
                texts.append(v.tolist())
            f.write("".join(",".join(r) + "\n" for r in zip(*texts)))
    _atomic_write(Path(path), write)


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text
