"""The generic rules of kb/reasoning/rules.dl and kb/reasoning/layers.dl on small hand-made trees,
each with its negative case: three-valued all / any / k-of-n / when, bounds,
windows. Independent of the encoded documents."""
from __future__ import annotations

from fractions import Fraction

import pytest

from kb.reasoning.check import Reading
from kb.reasoning.compile import derived_measures, org_facts, static_facts, tree_height, windows
from kb.reasoning.datalog import Engine
from kb.law.measures import Measure
from kb.law.model import Citation, Document, Node, Program
from kb.profile import profile_from_dict

CIT = Citation("beijing.platform", 5, 1, None, False, "（一）……")
FUNCTIONS = ["information", "training"]


def leaf(name: str, field: str, value) -> Node:
    return Node(id=f"t/{name}", kind="threshold", program="beijing.platform", citation=CIT,
                params={"measure": Measure("field", (field,)), "op": ">=", "value": value, "unit": None})


def composite(name: str, kind: str, children: list[Node], **params) -> Node:
    return Node(id=f"t/{name}", kind=kind, program="beijing.platform", citation=CIT,
                children=children, params=params)


def decide(top: Node, data: dict, le_pairs=()) -> str:
    doc = Document("d", "beijing", "t", "s", ["beijing.platform"], "p", {}, [], [], "")
    programs = {"beijing.platform": Program("beijing.platform", doc, [top], [])}
    engine = Engine(static_facts(programs, list(le_pairs)), tree_height(programs))
    profile = profile_from_dict({"id": "x", "as_of": "2024-06-30", **data})
    facts = org_facts(profile, 1, FUNCTIONS, windows(programs), derived_measures(programs))
    reading = Reading(profile, engine.evaluate(facts, 1), list(le_pairs))
    return reading.status(top)


A = leaf("a", "staff.service", 10)                 # met with 10, failed with 9, unknown if missing
B = leaf("b", "performance.satisfaction", Fraction(9, 10))
C = leaf("c", "performance.smes_served", 100)

MET_A, FAIL_A = {"staff": {"service": 10}}, {"staff": {"service": 9}}
MET_B, FAIL_B = {"performance": {"satisfaction": "0.9"}}, {"performance": {"satisfaction": "0.8999"}}


def merge(*parts):
    out: dict = {}
    for part in parts:
        for key, value in part.items():
            out.setdefault(key, {}).update(value)
    return out


@pytest.mark.parametrize("data,expected", [
    (merge(MET_A, MET_B), "met"),
    (merge(MET_A), "unknown"),                     # one child unknown
    (merge(FAIL_A), "failed"),                     # a failure beats an unknown
    (merge(MET_A, FAIL_B), "failed"),
])
def test_all_of(data, expected):
    assert decide(composite("all", "all", [A, B]), data) == expected


@pytest.mark.parametrize("data,expected", [
    (merge(FAIL_A, MET_B), "met"),
    (merge(FAIL_A), "unknown"),                    # one route failed, the other undecided
    (merge(FAIL_A, FAIL_B), "failed"),             # fails only when every route failed
])
def test_alternatives(data, expected):
    assert decide(composite("any", "any", [A, B]), data) == expected


@pytest.mark.parametrize("data,expected", [
    (merge(MET_A, MET_B), "met"),                                  # 2 of 3 met
    (merge(MET_A, FAIL_B), "unknown"),                             # 1 met, 1 open: could still reach 2
    (merge(MET_A, FAIL_B, {"performance": {"smes_served": 99}}), "failed"),   # n − failed = 1 < 2
    (merge(FAIL_A, FAIL_B), "failed"),
])
def test_k_of_n_counts_known_outcomes(data, expected):
    assert decide(composite("k", "k_of_n", [A, B, C], k=2), data) == expected


@pytest.mark.parametrize("data,expected", [
    (merge(FAIL_A), "met"),                        # guard fails: does not apply
    (merge(MET_A, FAIL_B), "failed"),              # guard holds, requirement fails
    (merge(FAIL_B), "unknown"),                    # guard unknown, requirement fails
    (merge(MET_B), "met"),                         # requirement met whatever the guard
])
def test_when(data, expected):
    node = composite("w", "when", [A, B])
    assert decide(node, data) == expected


def test_lower_bound_decides_a_missing_field():
    # 家次 ≥ 家: firm_visits missing, firms_offline 30 → firm_visits ≥ 30
    node = leaf("v", "services.information.firm_visits", 30)
    pairs = [("services.information.firms_offline", "services.information.firm_visits")]
    assert decide(node, {"services": {"information": {"firms_offline": 30}}}, pairs) == "met"
    assert decide(node, {"services": {"information": {"firms_offline": 29}}}, pairs) == "unknown"


def test_upper_bound_decides_a_failure():
    node = leaf("j", "performance.smes_served_jjj", 100)
    pairs = [("performance.smes_served_jjj", "performance.smes_served")]
    assert decide(node, {"performance": {"smes_served": 99}}, pairs) == "failed"
    assert decide(node, {"performance": {"smes_served": 100}}, pairs) == "unknown"


def lookback(years):
    return Node(id="t/credit", kind="lookback", program="beijing.platform", citation=CIT,
                params={"kinds": ["criminal_penalty"], "subjects": ["entity"], "years": years})


@pytest.mark.parametrize("when,years,expected", [
    ("2021-06-30", 3, "failed"),                   # on the window's first day: inside (以内)
    ("2021-06-29", 3, "met"),                      # the day before: outside
    ("2001-01-01", None, "failed"),                # no window: any date
])
def test_lookback_window_edges(when, years, expected):
    data = {"credit_events": [{"kind": "criminal_penalty", "date": when, "subject": "entity"}]}
    assert decide(lookback(years), data) == expected


def test_lookback_ignores_other_kinds_and_subjects():
    data = {"credit_events": [{"kind": "violation", "date": "2024-01-01", "subject": "entity"},
                              {"kind": "criminal_penalty", "date": "2024-01-01",
                               "subject": "legal_representative"}]}
    assert decide(lookback(3), data) == "met"


def test_share_is_bounded_from_its_parts():
    share = Node(id="t/share", kind="threshold", program="beijing.platform", citation=CIT,
                 params={"measure": Measure("share", ("staff.bachelor_or_mid_title", "staff.service")),
                         "op": ">=", "value": Fraction(4, 5), "unit": None})
    assert decide(share, {"staff": {"service": 10, "bachelor_or_mid_title": 8}}) == "met"
    assert decide(share, {"staff": {"service": 10, "bachelor_or_mid_title": 7}}) == "failed"
    # bachelor count missing, but at most the college count (7 of 10): fails
    pairs = [("staff.bachelor_or_mid_title", "staff.college_or_mid_title")]
    assert decide(share, {"staff": {"service": 10, "college_or_mid_title": 7}}, pairs) == "failed"
    assert decide(share, {"staff": {"service": 10, "college_or_mid_title": 9}}, pairs) == "unknown"


# -- legal time (Civil Code arts. 200–204; 202: a period ending in a month
#    without the corresponding day ends on that month's last day) ----------------

def years_since(years: int) -> Node:
    return Node(id="t/age", kind="threshold", program="beijing.platform", citation=CIT,
                params={"measure": Measure("years_since", ("founded_on",)), "op": ">=",
                        "value": years, "unit": "year"})


@pytest.mark.parametrize("founded,as_of,expected", [
    ("2020-02-29", "2022-02-28", "met"),       # 29 Feb + 2 years: no 29 Feb 2022, so 28 Feb
    ("2020-02-29", "2022-02-27", "failed"),    # the day before
    ("2020-02-29", "2024-02-29", "met"),       # leap year: the corresponding day exists
    ("2020-02-29", "2024-02-28", "failed"),    # ... so 28 Feb 2024 is one day short
    ("2021-03-01", "2023-03-01", "met"),
    ("2021-03-01", "2023-02-28", "failed"),
])
def test_full_years_follow_the_civil_code(founded, as_of, expected):
    from datetime import date, timedelta
    from kb.law.measures import full_years
    node = years_since(2 if as_of < "2024" else 4)
    start, end = date.fromisoformat(founded), date.fromisoformat(as_of)
    assert (full_years(start, end) >= node.params["value"]) == (expected == "met")
    doc = Document("d", "beijing", "t", "s", ["beijing.platform"], "p", {}, [], [], "")
    programs = {"beijing.platform": Program("beijing.platform", doc, [node], [])}
    engine = Engine(static_facts(programs, []), tree_height(programs))
    profile = profile_from_dict({"id": "x", "as_of": as_of, "founded_on": founded})
    facts = org_facts(profile, 1, FUNCTIONS, windows(programs), derived_measures(programs))
    reading = Reading(profile, engine.evaluate(facts, 1), [])
    assert reading.status(node) == expected
    why = reading.explain(node).why
    if expected == "failed":   # the date it is reached lies after as_of, and is that anniversary
        reached = why.split("reached on ")[1]
        assert reached > as_of
        assert full_years(start, date.fromisoformat(reached)) == node.params["value"]
        assert full_years(start, date.fromisoformat(reached) - timedelta(days=1)) < node.params["value"]


@pytest.mark.parametrize("day,years,start", [
    ("2024-02-29", 3, "2021-02-28"),     # 三年内 before 29 Feb 2024 opens on 28 Feb 2021
    ("2024-03-01", 3, "2021-03-01"),
    ("2023-02-28", 3, "2020-02-28"),
])
def test_window_starts_follow_the_civil_code(day, years, start):
    from datetime import date
    from kb.law.measures import shift_years
    assert shift_years(date.fromisoformat(day), years) == date.fromisoformat(start)


def test_add_years_ends_on_the_months_last_day():
    from datetime import date
    from kb.law.measures import add_years
    assert add_years(date(2021, 2, 28), 3) == date(2024, 2, 28)
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)   # not 1 March
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


def test_lookback_wording_never_contradicts_its_status():
    """A record just before the window (申请受理截止日期前三年内) is named with the
    day the window opened, not reported as 'none recorded'."""
    from kb.reasoning.check import Reading
    node = lookback(3)
    doc = Document("d", "beijing", "t", "s", ["beijing.platform"], "p", {}, [], [], "")
    programs = {"beijing.platform": Program("beijing.platform", doc, [node], [])}
    engine = Engine(static_facts(programs, []), tree_height(programs))
    for when, status in (("2021-06-29", "met"), ("2021-06-30", "failed")):
        profile = profile_from_dict({"id": "x", "as_of": "2024-06-30", "credit_events": [
            {"kind": "criminal_penalty", "date": when, "subject": "entity"}]})
        facts = org_facts(profile, 1, FUNCTIONS, windows(programs), derived_measures(programs))
        reading = Reading(profile, engine.evaluate(facts, 1), [])
        assert reading.status(node) == status
        why = reading.explain(node).why
        assert when in why
        if status == "met":
            assert "before the window opened on 2021-06-30" in why
