"""The shipped sample organizations give the results written down by hand in
facts/organizations/expected.yaml (each with its reason from the text)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import knowledge_base

ORGS = Path(__file__).resolve().parent.parent / "facts" / "organizations"
EXPECTED = yaml.safe_load((ORGS / "expected.yaml").read_text(encoding="utf-8"))


def _cases():
    for key, programs in EXPECTED.items():
        stem, _, entity = key.partition("#")
        for program, expect in programs.items():
            yield pytest.param(stem, entity or None, program, expect, id=f"{key} {program}")


def test_at_least_eight_samples_and_one_qualifier_per_program():
    samples = [p for p in ORGS.glob("*.yaml") if p.name != "expected.yaml"]
    assert len(samples) >= 8
    qualifiers = {prog for progs in EXPECTED.values() for prog, e in progs.items() if e["status"] == "qualifies"}
    assert qualifiers == set(knowledge_base().programs)


@pytest.mark.parametrize("stem,entity,program,expect", list(_cases()))
def test_sample(stem, entity, program, expect):
    report = knowledge_base().check(ORGS / f"{stem}.yaml", [program])
    result = report.result(program, entity)
    detail = {f.condition: f.why for f in result.failed} | {f.condition: f.missing for f in result.unknown}
    assert result.status == expect["status"], detail
    assert {f.condition for f in result.failed} == set(expect.get("failed") or []), detail
    assert {f.condition for f in result.unknown} == set(expect.get("unknown") or []), detail
