"""Versions as data (kb/law/versions/): statuses, dates, overlays, partial texts.

The 2017 Beijing platform text is ../shared/revisions/beijing-platform-2017.md:
第六条 （一）具有独立法人资格 … （二）年服务中小企业不少于100家，用户满意度在90%以上；近两…
(the text breaks off). The Chengdu revision is ILLUSTRATIVE, not an official text.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import apply_changes, knowledge_base
from kb.reasoning.base import KnowledgeBase
from kb.io.errors import InputError
from kb.law.versions import Versions, parse_ref

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "facts"
BJ = "beijing.sme-service-platform"
CD = "chengdu.sme-platform-and-startup-base"
ZGC = yaml.safe_load((FACTS / "organizations" / "bj-zhongguancun-platform.yaml").read_text(encoding="utf-8"))
TIANFU = yaml.safe_load((FACTS / "organizations" / "cd-tianfu-startup-base.yaml").read_text(encoding="utf-8"))

_KB: dict[str, KnowledgeBase] = {}


def kb_2017() -> KnowledgeBase:
    if "2017" not in _KB:
        _KB["2017"] = KnowledgeBase(FACTS, versions={BJ: "2017"})
    return _KB["2017"]


def kb_illustrative() -> KnowledgeBase:
    if "cd" not in _KB:
        _KB["cd"] = KnowledgeBase(FACTS, versions={"chengdu.base": "illustrative-building-area"})
    return _KB["cd"]


def platform(kb, profile):
    return kb.check(profile, ["beijing.platform"]).result("beijing.platform")


# -- the record of versions -----------------------------------------------------

def test_beijing_versions_have_status_and_dates():
    versions = Versions(FACTS, BJ)
    old, new = versions.get("2017"), versions.get("2019")
    assert (old.status, old.partial, old.official) == ("repealed", True, True)
    assert old.published.text == "2017-05-12" and old.repealed_by == "2019"
    assert old.meta["number"] == "京经信委发〔2017〕24号"
    assert old.legal_basis == ["工信部企业〔2012〕197号"]
    # the seed is the current text; its 第十九条 repeals the 2017 one
    assert new.current and new.status == "in_force" and versions.get("current") is new
    assert new.legal_basis == ["工信部企业〔2017〕156号"]


@pytest.mark.parametrize("day,expected", [
    (date(2017, 5, 12), "2017"),      # published and, as read, in force that day
    (date(2018, 6, 30), "2017"),
    (date(2020, 1, 1), "2019"),
    (date(2024, 6, 30), "2019"),
])
def test_as_of_picks_the_version_in_force(day, expected):
    assert Versions(FACTS, BJ).in_force_on(day).id == expected


@pytest.mark.parametrize("day,words", [
    (date(2019, 6, 1), "cannot tell"),   # only the year of the 2019 text is known
    (date(2017, 5, 11), "no known version"),
])
def test_as_of_says_when_it_cannot_pick(day, words):
    with pytest.raises(InputError, match=words):
        Versions(FACTS, BJ).in_force_on(day)


def test_a_draft_is_never_chosen_by_a_date():
    # Chengdu: the current text is a draft for comment (征求意见稿, 成都 title), never in force; the
    # revision is illustrative. A date finds no text in force: an error naming why, not the draft.
    versions = Versions(FACTS, CD)
    assert versions.get("current").status == "draft"
    with pytest.raises(InputError, match="never in force.*named by its id"):
        versions.in_force_on(date(2024, 6, 30))
    assert versions.get("current") is versions.current      # by its id it is applied
    illustrative = versions.get("illustrative-building-area")
    assert illustrative.official is False and "ILLUSTRATIVE" in illustrative.meta["label"]


@pytest.mark.parametrize("day,ok", [
    (date(2017, 11, 30), False),   # 贵阳 (试行): published 2017-12-01, undated otherwise
    (date(2017, 12, 1), True),
])
def test_an_undated_trial_text_is_in_force_from_its_publication(day, ok):
    versions = Versions(FACTS, "guiyang.sme-service-platform")
    if ok:
        assert versions.in_force_on(day) is versions.current and versions.current.status == "trial"
    else:
        with pytest.raises(InputError, match="published 2017-12-01"):
            versions.in_force_on(day)


def test_cli_refuses_a_draft_named_by_date(capsys):
    from kb.cli import main
    org = str(FACTS / "organizations" / "cd-tianfu-startup-base.yaml")
    for argv in (["check", org, "--version", "chengdu.base@2024-06-30"],
                 ["diff", "chengdu.base@2024-06-30", "@illustrative-building-area"],
                 ["lint", "chengdu.base@2024-06-30"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "征求意见稿" in err and "never in force" in err and err.count("\n") == 1
    # by id the draft applies, and the output says so (table and JSON)
    assert main(["check", org, "--version", "chengdu.base@current"]) in (0, 1)
    assert "draft for comment (征求意见稿)" in capsys.readouterr().out
    main(["check", org, "--version", "chengdu.base@current", "--json"])
    import json
    results = json.loads(capsys.readouterr().out)["results"]
    assert {(r["version"], r["text_status"]) for r in results if r["program"].startswith("chengdu")} \
        == {(f"{CD}@current", "draft")}


def test_references():
    assert parse_ref("beijing.platform@2017", FACTS) == (BJ, "2017")
    assert parse_ref("@current", FACTS, default_doc=BJ) == (BJ, "current")
    assert parse_ref("chengdu.base", FACTS) == (CD, "current")
    assert parse_ref(f"{BJ}@2018-06-30", FACTS) == (BJ, date(2018, 6, 30))
    for bad in ("shanghai.platform@2017", f"{BJ}@2018-02-30", "@2017"):
        with pytest.raises(InputError):
            parse_ref(bad, FACTS)
    with pytest.raises(InputError, match="unknown version"):
        Versions(FACTS, BJ).get("2015")


# -- a knowledge base built for a version ------------------------------------------

def test_default_knowledge_base_is_the_current_text():
    kb = knowledge_base()
    assert kb.versions == {}
    assert kb.nodes["beijing.platform/legal_person"].strength == "general"


def test_as_of_builds_the_base_in_force_that_day():
    kb = KnowledgeBase(FACTS, as_of=date(2018, 6, 30))
    assert kb.versions[BJ].id == "2017"
    # one date for every document: Chengdu has no text in force; it keeps its draft, stated as a draft
    assert kb.versions[CD].current and kb.versions[CD].status == "draft"
    assert kb.nodes["beijing.platform/legal_person"].strength == "mandatory"
    assert kb.with_switches(yiban_scope="whole_clause").versions[BJ].id == "2017"


def test_2017_legal_person_is_a_hard_condition():
    # 2017 第六条（一）具有独立法人资格 (no 一般应); 2019 第五条（一）一般应具有独立法人资格
    profile = apply_changes(ZGC, {"legal_person": False})
    old = platform(kb_2017(), profile)
    new = platform(knowledge_base(), profile)
    assert old.status == "fails" and new.status == "fails"
    old_f = next(f for f in old.failed if f.condition == "beijing.platform/legal_person")
    new_f = next(f for f in new.failed if f.condition == "beijing.platform/legal_person")
    assert (old_f.citation.article, old_f.citation.clause, old_f.discretion) == (6, 1, None)
    assert (new_f.citation.article, new_f.citation.clause, new_f.discretion) == (5, 1, "general")


@pytest.mark.parametrize("served,jjj,fails_2017,fails_2019", [
    # 2017 第六条（二）年服务中小企业不少于100家: all SMEs; 2019 第五条（二）: 京津冀 only
    (100, 100, False, False),
    (99, 99, True, True),
    (150, 99, False, True),
    (150, 100, False, False),
])
def test_served_smes_measure(served, jjj, fails_2017, fails_2019):
    profile = apply_changes(ZGC, {"performance.smes_served": served, "performance.smes_served_jjj": jjj,
                                  "performance.smes_served_by_year": {2021: 50, 2022: 60, 2023: served}})
    old = {f.condition for f in platform(kb_2017(), profile).failed}
    new = {f.condition for f in platform(knowledge_base(), profile).failed}
    assert ("beijing.platform/smes_served" in old) == fails_2017
    assert ("beijing.platform/smes_served_jjj" in new) == fails_2019


@pytest.mark.parametrize("share,fails", [("0.9", False), ("0.89", True)])
def test_2017_satisfaction_90_percent_or_more(share, fails):
    # 2017 第六条（二）用户满意度在90%以上: 以上 includes 90%
    result = platform(kb_2017(), apply_changes(ZGC, {"performance.satisfaction": share}))
    assert ("beijing.platform/satisfaction" in {f.condition for f in result.failed}) == fails


def test_a_partial_version_never_qualifies_and_names_what_is_unknown():
    # ZGC meets every known 2017 condition; the rest of 第六条（二） onward is unknown
    result = platform(kb_2017(), ZGC)
    assert result.status == "undetermined" and not result.failed
    gap = next(f for f in result.unknown if f.citation.article == 6)
    assert gap.citation.clause == 2 and "近两" in gap.missing[0]
    assert platform(knowledge_base(), ZGC).status == "qualifies"
    # conditions of 2019 that 2017 may or may not have had are not applied to 2017
    assert "beijing.platform/served_growth" not in kb_2017().nodes


# -- overlays ---------------------------------------------------------------------

def test_illustrative_overlay_changes_only_the_building_area():
    kb = kb_illustrative()
    area = kb.nodes["chengdu.base/building_area/building_economy/area"]
    assert area.params["value"] == 5000 and "5 千平方米" in area.citation.text
    assert knowledge_base().nodes["chengdu.base/building_area/building_economy/area"].params["value"] == 8000
    assert set(kb.nodes) == set(knowledge_base().nodes)
    assert kb.nodes["chengdu.base/building_area/manufacturing/area"].params["value"] == 60000


@pytest.mark.parametrize("area,current,illustrative", [
    # 第六条 运营条件（一）楼宇经济园建筑总面积在 8 千平方米以上 (illustrative: 5 千)
    (8000, "qualifies", "qualifies"),
    (7999, "fails", "qualifies"),
    (5000, "fails", "qualifies"),
    (4999, "fails", "fails"),
])
def test_illustrative_area_boundaries(area, current, illustrative):
    profile = apply_changes(TIANFU, {"facilities.building_m2": area})
    assert knowledge_base().check(profile, ["chengdu.base"]).results[0].status == current
    assert kb_illustrative().check(profile, ["chengdu.base"]).results[0].status == illustrative


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _overlay(amend: list) -> dict:
    return {"version": {"document": CD, "id": "draft", "base": "current", "official": False,
                        "status": "draft"}, "amend": amend}


@pytest.mark.parametrize("amend,field", [
    ([{"condition": "chengdu.base/no_such", "set": {"value": 1}}], "amend[0].condition"),
    ([{"article": 6, "replace": "九千平方米", "with": "一万平方米"}], "amend[0].replace"),
    ([{"article": 99, "replace": "a", "with": "b"}], "amend[0].article"),
    # a figure changed in the quote but not in the text: the quote must be the text's words
    ([{"condition": "chengdu.base/building_area/building_economy/area",
       "set": {"quote": "楼宇经济园建筑总面积在 5 千平方米以上"}}], "quote"),
])
def test_bad_overlay_names_file_and_field(tmp_path, amend, field):
    path = _write(tmp_path, _overlay(amend))
    with pytest.raises(InputError) as err:
        KnowledgeBase(FACTS, versions={CD: path})
    assert str(path) in err.value.message and field in err.value.message


@pytest.mark.parametrize("head,field", [
    ({"status": "proposed"}, "version.status"),
    ({"official": None}, "version.official"),
    ({"base": None}, "version"),
    ({"published": "May 2017"}, "version.published"),
])
def test_bad_version_header(tmp_path, head, field):
    data = _overlay([])
    data["version"].update(head)
    data["version"] = {k: v for k, v in data["version"].items() if v is not None}
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as err:
        Versions(FACTS, CD).get(path)
    assert field in err.value.message


def test_version_options_for_queries():
    from kb.law.versions import version_options
    assert version_options(["beijing.platform@2017"], FACTS) == ({BJ: "2017"}, None)
    assert version_options(["@2018-06-30"], FACTS) == (None, date(2018, 6, 30))
    assert version_options(None, FACTS) == (None, None)
    with pytest.raises(InputError, match="--version"):
        version_options(["@2018-13-01"], FACTS)
