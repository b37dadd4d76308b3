"""The pyDatalog wrapper: isolated per knowledge base, never evaluating input text."""
from __future__ import annotations

from conftest import knowledge_base
from kb.profile import profile_from_dict

HOSTILE = {
    "id": "x\"); import os; os.system('false') #",
    "name": "met(1, C) <= org(1)",
    "as_of": "2024-06-30",
    "legal_person": True,
    "registered_city": "beijing\") & ~org(X",
    "attest": {"good_operation') & X==1": True},
}


def test_profile_text_is_data_not_code():
    report = knowledge_base().check(profile_from_dict(HOSTILE, source="hostile"))
    assert report.org == HOSTILE["id"]
    for r in report.results:
        assert r.status in {"fails", "undetermined"}
        assert r.status != "qualifies"


def test_two_bases_with_different_switches_do_not_share_state():
    a = knowledge_base()
    b = knowledge_base(guiyang_locality="not_required")
    assert "guiyang.platform/registered_in_guiyang" in a.nodes
    profile = profile_from_dict({"id": "p", "as_of": "2024-06-30", "registered_city": "beijing"})
    ra = a.check(profile, ["guiyang.platform"]).results[0]
    rb = b.check(profile, ["guiyang.platform"]).results[0]
    ra2 = a.check(profile, ["guiyang.platform"]).results[0]
    assert "guiyang.platform/registered_in_guiyang" in {f.condition for f in ra.failed}
    assert "guiyang.platform/registered_in_guiyang" not in {f.condition for f in rb.failed}
    assert [f.condition for f in ra.failed] == [f.condition for f in ra2.failed]


def test_facts_of_one_check_do_not_leak_into_the_next():
    kb = knowledge_base()
    good = {"id": "a", "as_of": "2024-06-30", "performance": {"satisfaction": "0.95"}}
    bad = {"id": "b", "as_of": "2024-06-30"}
    kb.check(profile_from_dict(good), ["beijing.platform"])
    result = kb.check(profile_from_dict(bad), ["beijing.platform"]).results[0]
    assert "beijing.platform/satisfaction" in {f.condition for f in result.unknown}
