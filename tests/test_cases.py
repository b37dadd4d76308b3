"""Hand-derived cases, one file per program (tests/cases/*.yaml), each named
after the article and clause it checks and written from the text."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import apply_changes, knowledge_base
from kb.profile import profile_from_dict

CASES = Path(__file__).parent / "cases"


def _load():
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec, case, id=f"{spec['program']}: {case['name']}")


@pytest.mark.parametrize("spec,case", list(_load()))
def test_case(spec, case):
    kb = knowledge_base(**(case.get("switches") or {}))
    data = apply_changes(spec["base"], case.get("set"), case.get("unset"))
    profile = profile_from_dict(data, source=f"{spec['program']} case")
    result = kb.check(profile, [spec["program"]]).results[0]
    expect = case["expect"]
    detail = {"failed": {f.condition: f.why for f in result.failed},
              "unknown": {f.condition: f.missing for f in result.unknown}}
    assert result.status == expect["status"], detail
    if "failed" in expect:
        assert {f.condition for f in result.failed} == set(expect["failed"]), detail
    if "unknown" in expect:
        assert {f.condition for f in result.unknown} == set(expect["unknown"]), detail
    for cid, discretion in (expect.get("discretion") or {}).items():
        assert {f.condition: f.discretion for f in result.failed}.get(cid) == discretion, detail


def test_every_program_has_cases():
    programs = {yaml.safe_load(p.read_text(encoding="utf-8"))["program"] for p in CASES.glob("*.yaml")}
    assert programs == set(knowledge_base().programs)


def test_every_interpretation_switch_has_a_case_showing_its_effect():
    used = set()
    for path in CASES.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            used |= set(case.get("switches") or {})
    assert set(knowledge_base().switch_defs) <= used
