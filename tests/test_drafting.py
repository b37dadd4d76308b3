"""regkb draft (kb/revisions/drafting.py, issue 12): a revision drafted with commands only.

Texts: 成都 征求意见稿 第六条 运营条件（一）「楼宇经济园建筑总面积在 8 千平方米以上」; 北京平台 第八条
「单位、企业或法人代表在申请受理截止日期前三年内，不得存在下列情况」 and 第五条（六）「无不良信用记录」,
第五条（六）「本科及以上学历和中级及以上技术职称专业人员的比例占80％以上」. Every test writes into a
copy of facts/ (--facts), never into the repository's.
"""
from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from conftest import apply_changes
from kb.reasoning.base import KnowledgeBase
from kb.cli import main
from kb.law.numerals import figures

ROOT = Path(__file__).resolve().parent.parent
BJ = "beijing.sme-service-platform"
CD = "chengdu.sme-platform-and-startup-base"
AREA = "chengdu.base/building_area/building_economy/area"


@pytest.fixture(scope="module")
def facts(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("facts") / "facts"
    shutil.copytree(ROOT / "facts", root)
    return root


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def draft(facts: Path, doc_dir: str, vid: str) -> dict:
    return yaml.safe_load((facts / doc_dir / "versions" / f"{vid}.yaml").read_text(encoding="utf-8"))


def test_new_writes_a_complete_marked_draft(facts, capsys):
    code, out, _ = run(capsys, "draft", "new", "chengdu.base", "--id", "area-6000", "--label", "my draft", "--facts", str(facts))
    assert code == 0 and "official: false, status: draft" in out
    data = draft(facts, "chengdu/sme-platform-and-startup-base", "area-6000")
    expected = {"document": CD, "id": "area-6000", "official": False, "status": "draft",
                "completeness": "complete", "label": "my draft"}
    assert {k: data["version"].get(k) for k in expected} == expected
    assert len(data["articles"]) == len(yaml.safe_load(
        (ROOT / "facts/chengdu/sme-platform-and-startup-base/encoding.yaml").read_text(encoding="utf-8"))["articles"])
    # the repository's facts/ are untouched
    assert not (ROOT / "facts/chengdu/sme-platform-and-startup-base/versions/area-6000.yaml").exists()
    # the same id twice is refused, naming it
    code, _, err = run(capsys, "draft", "new", "chengdu.base", "--id", "area-6000", "--facts", str(facts))
    assert code == 2 and "area-6000" in err and "exists already" in err


@pytest.mark.parametrize("area,current,drafted", [
    # 8 千 → 6 千平方米以上 (以上 includes the figure)
    (8000, "qualifies", "qualifies"),
    (7999, "fails", "qualifies"),
    (6000, "fails", "qualifies"),
    (5999, "fails", "fails"),
])
def test_set_changes_the_figure_and_its_words_together(facts, capsys, area, current, drafted):
    data = draft(facts, "chengdu/sme-platform-and-startup-base", "area-6000") if area != 8000 else None
    if area == 8000:   # first case writes the change
        code, out, _ = run(capsys, "draft", "set", "chengdu.base@area-6000", AREA, "6千", "--facts", str(facts))
        assert code == 0 and "8 千平方米以上」 → 「" in out and "6 千平方米以上" in out
        data = draft(facts, "chengdu/sme-platform-and-startup-base", "area-6000")
    art6 = next(a for a in data["articles"] if a["number"] == 6)
    assert "楼宇经济园建筑总面积在 6 千平方米以上" in art6["text"] and "8 千平方米" not in art6["text"]
    tianfu = yaml.safe_load((ROOT / "facts/organizations/cd-tianfu-startup-base.yaml").read_text(encoding="utf-8"))
    profile = apply_changes(tianfu, {"facilities.building_m2": area})
    now = KnowledgeBase(facts).check(profile, ["chengdu.base"]).results[0].status
    new = KnowledgeBase(facts, versions={CD: "area-6000"}).check(profile, ["chengdu.base"]).results[0].status
    assert (now, new) == (current, drafted)


def test_the_diff_of_a_drafted_change_is_the_one_change(facts, capsys):
    code, out, _ = run(capsys, "diff", "chengdu.base", "@area-6000", "--json", "--facts", str(facts))
    d = json.loads(out)
    subst = [c for c in d["changes"] if c["substantive"]]
    assert [(c["category"], c["subject"]) for c in subst] == [("loosened", AREA)]
    assert (subst[0]["old"]["figures"]["value"], subst[0]["new"]["figures"]["value"]) == ("8000", "6000")
    assert subst[0]["reach"]["possible"] is True
    assert d["new"]["status"] == "draft" and d["new"]["official"] is False


def test_set_a_window_in_chinese_numerals_and_the_readings_that_share_its_words(facts, capsys):
    # 第八条 前三年内 → 前两年内; 第五条（六）'s three-year reading reads 第八条's window, so it follows
    assert run(capsys, "draft", "new", "beijing.platform", "--id", "two-years", "--facts", str(facts))[0] == 0
    code, out, _ = run(capsys, "draft", "set", "beijing.platform@two-years", "beijing.platform/no_penalties_3y", "2",
                       "--facts", str(facts))
    assert code == 0, out
    data = draft(facts, "beijing/sme-service-platform", "two-years")
    art8 = next(a for a in data["articles"] if a["number"] == 8)
    assert "申请受理截止日期前两年内" in art8["text"] and "三年" not in art8["text"]
    nodes = {c["id"]: c for a in data["articles"] for cl in a.get("clauses") or [] for c in cl.get("conditions") or []}
    assert nodes["beijing.platform/no_penalties_3y"]["years"] == 2
    assert nodes["beijing.platform/no_serious_dishonesty_3y"]["years"] == 2     # same lead-in words
    assert nodes["beijing.platform/clean_credit"]["cases"]["three_years"]["years"] == 2
    assert nodes["beijing.platform/clean_credit"]["cases"]["unbounded"]["years"] is None
    assert "beijing.platform/clean_credit" in out
    # read unbounded, 第五条（六） still bars every such record: the diff says no one gains
    code, out, _ = run(capsys, "diff", "beijing.platform", "@two-years", "--switch",
                       "beijing_platform_credit_window=unbounded", "--facts", str(facts))
    assert out.count("**ineffective:** no organization can gain from it: 第五条（六）") == 2


def test_set_a_percentage_keeps_its_writing(facts, capsys):
    # 第五条（六） 占80％以上 → 75%: the full-width ％ stays
    assert run(capsys, "draft", "new", "beijing.platform", "--id", "share-75", "--facts", str(facts))[0] == 0
    code, out, err = run(capsys, "draft", "set", "beijing.platform@share-75", "beijing.platform/staff_qualification_share",
                         "75%", "--facts", str(facts))
    assert code == 0, err
    data = draft(facts, "beijing/sme-service-platform", "share-75")
    text = next(a for a in data["articles"] if a["number"] == 5)["text"]
    assert "占75％以上" in text and "占80％以上" not in text


@pytest.mark.parametrize("words,value,expected", [
    ("三年", Fraction(2), "两年"),
    ("两年", Fraction(3), "三年"),
    ("8 千平方米", Fraction(6000), "6 千平方米"),
    ("百分之八十", Fraction(3, 4), "百分之七十五"),
    ("3亿元", Fraction(20000), "2亿元"),        # in 万元: 2亿元 = 20000 万元
    ("100家", Fraction(120), "120家"),
    ("1.5万平方米", Fraction(12000), "1.2万平方米"),
])
def test_rewrite_in_the_same_style(words, value, expected):
    from kb.revisions.drafting import rewrite
    fig = figures(words)[0]
    assert rewrite(fig, value) == expected
    assert figures(expected)[0].value == value


def test_renumber_shifts_articles_and_references(facts, capsys):
    assert run(capsys, "draft", "new", "beijing.platform", "--id", "renumbered", "--facts", str(facts))[0] == 0
    code, out, err = run(capsys, "draft", "renumber", "beijing.platform@renumbered", "--from", "8", "--by", "1",
                         "--facts", str(facts))
    assert code == 0, err
    assert "第八条 → 第九条" in out
    data = draft(facts, "beijing/sme-service-platform", "renumbered")
    arts = {a["number"]: a for a in data["articles"]}
    assert 8 not in arts and arts[9]["text"].startswith("第九条 单位、企业或法人代表在申请受理截止日期前三年内")
    nodes = {c["id"]: c for a in data["articles"] for cl in a.get("clauses") or [] for c in cl.get("conditions") or []}
    assert "第九条" in nodes["beijing.platform/clean_credit"]["interpretation"]   # 5(6) reads its window there
    code, out, _ = run(capsys, "diff", "beijing.platform", "@renumbered", "--json", "--facts", str(facts))
    d = json.loads(out)
    assert not [c for c in d["changes"] if c["substantive"]]
    assert any(c["category"] == "renumbered" and c["subject"] == "第八条 → 第九条" for c in d["changes"])


@pytest.mark.parametrize("argv,words", [
    (["draft", "set", "chengdu.base@area-6000", "chengdu.base/no_such", "1"], "no such condition"),
    (["draft", "set", "chengdu.base@illustrative-building-area", AREA, "6000"], "overlay"),
    (["draft", "set", "beijing.platform@2019", "beijing.platform/service_staff", "12"], "current text"),
    (["draft", "set", "chengdu.base@area-6000", AREA, "lots"], "expected a number"),
    (["draft", "renumber", "chengdu.base@area-6000", "--from", "99", "--by", "1"], "no article numbered 99"),
    (["draft", "new", "chengdu.base", "--id", "bad id"], "expected a version id"),
])
def test_bad_draft_commands_name_what_is_wrong(facts, capsys, argv, words):
    code, out, err = run(capsys, *argv, "--facts", str(facts))
    assert code == 2 and words in err and err.count("\n") == 1 and out == ""


def test_lint_takes_a_draft_by_id_and_by_file(facts, capsys):
    # issue 12: lint on a draft crashed looking for source.txt; DOC@VERSION was refused
    path = facts / "chengdu/sme-platform-and-startup-base/versions/area-6000.yaml"
    for ref in ("chengdu.base@area-6000", str(path)):
        code, out, err = run(capsys, "lint", ref, "--facts", str(facts))
        assert code == 0 and err == "" and "成都" in out, (ref, err)
    code, out, _ = run(capsys, "lint", "--encoding", "chengdu.base@area-6000", "--facts", str(facts))
    assert code == 0 and "text and encoding agree" in out
