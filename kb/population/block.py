"""One seeded block of the synthetic population: the distributions of the
package docstring drawn with numpy, column by column, then the block's boundary
probes laid over its odd rows and the part-whole pairs repaired."""
from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from kb.law.fields import FIELDS, HISTORY_FIELDS, is_enum
from kb.law.measures import shift_years
from kb.law.model import CITY_ZH, PROGRAM_INFO, PROGRAMS
from kb.population.encoded import CREDIT_KINDS, OTHER_CITIES, REASONS, Spec
from kb.population.probing import probes
from kb.population.rows import JSON_COLUMNS

BLOCK = 8192   # rows per seeded block
TARGETS = (("beijing.station", .12), ("beijing.platform", .16), ("beijing.base", .12),
           ("guiyang.platform", .15), ("chengdu.platform", .18), ("chengdu.base", .15), (None, .12))
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


class Block:
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

