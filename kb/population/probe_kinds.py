"""The probes of one node, per kind: a threshold at, below and above its figure
and through its bounds; dates around an anniversary; list values and aliases;
credit events, revocations and designations at a window's edges; growth series."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from kb.law.fields import FIELDS, enum_values, is_list_of_enum
from kb.law.measures import shift_years
from kb.population.encoded import CREDIT_KINDS, REASONS
from kb.profile import CITY_ALIASES


def _iso(d: date) -> str:
    return d.isoformat()


def _steps(kind: str) -> list[tuple[str, Fraction]]:
    if kind == "int>=0":
        return [("below", Fraction(-1)), ("above", Fraction(1))]
    return [("below", Fraction(-1, 100)), ("above", Fraction(1, 100)),
            ("just below", Fraction(-1, 10 ** 10)), ("just above", Fraction(1, 10 ** 10))]


class NodeProbes:
    """Per-kind probes, mixed into probing.Probes: they call its ``add`` (a probe
    named for the node, its surroundings set) and read its ``as_of``, ``sp``,
    ``lower`` / ``upper`` bounds and ``_others``."""

    def _blank_with_relatives(self, probe, name: str) -> None:
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
                for alias, city in CITY_ALIASES.items():
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

