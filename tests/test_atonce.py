"""Can one legal entity hold several programs at once (derived from the
texts), and which entity of a group could hold which program (the ordinary
check per entity, as in facts/organizations/expected.yaml)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import knowledge_base
from kb.comparison.atonce import at_once, feasible, literal_logic, split
from test_cli import regkb

ROOT = Path(__file__).resolve().parent.parent
ORGS = ROOT / "facts" / "organizations"
BEIJING = ["beijing.station", "beijing.platform", "beijing.base"]


@pytest.fixture(scope="module")
def logic():
    return literal_logic(knowledge_base())


def test_三个北京项目_第五条二_第五条一_第六条一_one_entity_can_hold_all(logic):
    assert feasible(logic, knowledge_base(), BEIJING)


def test_成都第四条与第六条_platform_and_base_one_entity_can_hold_both(logic):
    assert feasible(logic, knowledge_base(), ["chengdu.platform", "chengdu.base"])


def test_北京平台第五条一_and_贵阳第三条_no_entity_can_hold_both(kb):
    data = at_once(kb, ORGS / "bj-zhongguancun-platform.yaml", ["beijing.platform", "guiyang.platform"])
    assert data["possible"] is False
    (c,) = data["conflicts"]
    cited = {(x["program"], x["cite"]) for x in c["conditions"]}
    assert cited == {("beijing.platform", "第五条（一）"), ("guiyang.platform", "第三条")}
    assert all(x["citation"]["text"] for x in c["conditions"])
    assert c["witness"]["field"] == "registered_city"
    assert next(x for x in c["conditions"] if x["program"] == "guiyang.platform").get("implied") is True


def test_贵阳_no_locality_reading_makes_北京平台_and_贵阳_compatible():
    kb = knowledge_base(guiyang_locality="not_required")
    data = at_once(kb, ORGS / "bj-zhongguancun-platform.yaml", ["beijing.platform", "guiyang.platform"])
    assert data["possible"] is True and data["conflicts"] == []


def test_all_six_need_three_entities_one_per_city(logic):
    groups = split(logic, knowledge_base(), ["beijing.station", "beijing.platform", "guiyang.platform",
                                             "beijing.base", "chengdu.platform", "chengdu.base"])
    assert sorted(sorted(g) for g in groups) == [
        sorted(BEIJING), ["chengdu.base", "chengdu.platform"], ["guiyang.platform"]]


def test_group_assignment_follows_the_check_per_entity(kb):
    # expected.yaml: jingrong-cd qualifies for chengdu.platform; jingrong-bj holds a beijing.platform
    # title to 2025-12 and fails 第十三条 (may reapply only in the year it expires)
    data = at_once(kb, ORGS / "group-jingrong.yaml", ["beijing.platform", "chengdu.platform"])
    assert data["possible"] is False
    by_program = {a["program"]: a for a in data["assignment"]}
    assert by_program["chengdu.platform"]["entity"] == "jingrong-cd"
    assert by_program["chengdu.platform"]["status"] == "qualifies"
    assert by_program["chengdu.platform"]["qualifying"] == ["jingrong-cd"]
    bj = by_program["beijing.platform"]
    assert (bj["entity"], bj["status"]) == ("jingrong-bj", "fails")
    assert [f["condition"] for f in bj["failed"]] == ["beijing.platform/reapplication"]
    assert [g["requires"] for g in data["groups"]] == [{"registered_city": ["beijing"]},
                                                       {"registered_city": ["chengdu"]}]


def test_group_with_no_entity_in_贵阳_names_what_is_needed(kb):
    data = at_once(kb, ORGS / "group-jingrong.yaml", ["guiyang.platform"])
    (a,) = data["assignment"]
    assert a["status"] == "fails" and a["needs"] == {"registered_city": ["guiyang"]}


def test_cli_at_once_json_and_text():
    out = regkb("compare", "--at-once", str(ORGS / "group-jingrong.yaml"),
                "--programs", "beijing.platform", "chengdu.platform", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"org", "as_of", "programs", "possible", "conflicts", "groups", "entities", "assignment"}
    text = regkb("compare", "--at-once", str(ORGS / "group-jingrong.yaml"),
                 "--programs", "beijing.platform", "chengdu.platform")
    assert text.returncode == 0, text.stderr
    assert "No single entity can hold all of them" in text.stdout
    assert "chengdu.platform → jingrong-cd (qualifies)" in text.stdout


def test_cli_at_once_bad_input_exits_2_with_nothing_on_stdout(tmp_path):
    out = regkb("compare", "--at-once", str(tmp_path / "missing.yaml"))
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    out = regkb("compare", "--at-once", str(ORGS / "group-jingrong.yaml"), "--programs", "beijing.nothing")
    assert out.returncode == 2 and out.stdout == "" and "--programs" in out.stderr


def test_六个项目_注册地_conflict_stated_once_with_its_pairs_by_city(kb):
    # 北京服务站 第五条（二）注册在北京市, 北京平台 第五条（一）/北京基地 第六条（一）注册地在本市, 贵阳 第三条
    # (implied by 市级示范平台 and 本地区: switch guiyang_locality, default required), 成都 第四条（一）/
    # 第六条（一）在本市行政区域内登记: 3×1 + 3×2 + 1×2 =
    # eleven pairs of conditions, one reason (one entity, one place of registration), three pairs of cities
    data = at_once(kb, ORGS / "group-jingrong.yaml")
    (reason,) = data["reasons"]
    assert reason["field"] == "registered_city" and reason["count"] == 11 == len(data["conflicts"])
    cities = {(c["left"], c["right"]): len(c["pairs"]) for c in reason["cases"]}
    assert cities == {("= beijing", "= guiyang"): 3, ("= beijing", "= chengdu"): 6, ("= guiyang", "= chengdu"): 2}
    bj_cd = next(c for c in reason["cases"] if c["right"] == "= chengdu" and c["left"] == "= beijing")
    assert all("Beijing" in w and "Chengdu" in w and "Guiyang" not in w for w in bj_cd["why"])
    assert {(x["conditions"][0]["cite"], x["conditions"][1]["cite"]) for x in bj_cd["pairs"]} >= {
        ("第五条（一）", "第四条（一）"), ("第六条（一）", "第六条（一）")}


def test_cli_at_once_text_says_the_registration_reason_once():
    out = regkb("compare", "--at-once", str(ORGS / "group-jingrong.yaml"))
    assert out.returncode == 0, out.stderr
    head = out.stdout.split("fewest entities")[0]
    assert head.count("One legal entity has one place of registration") == 1
    bj_cd = head.split("= beijing  vs  = chengdu:")[1].split("  = ")[0].splitlines()[1]
    assert "Beijing and in Chengdu" in bj_cd and "Guiyang" not in bj_cd


def test_notebook_view_one_row_per_pair_of_cities():
    # the same grouping where a notebook shows it (kb.api KB.at_once): 北京–贵阳, 北京–成都, 贵阳–成都
    from kb.notebook.api import KB
    api = KB()
    rows = api.at_once(api.sample("group-jingrong")).conflicts
    assert list(rows["要求 requires"]) == ["= beijing | = guiyang", "= beijing | = chengdu", "= guiyang | = chengdu"]
    bj_cd = rows.iloc[1]
    assert "Chengdu" in bj_cd["why"] and "Guiyang" not in bj_cd["why"]
    assert len(bj_cd["条件对 pairs"].splitlines()) == 6
