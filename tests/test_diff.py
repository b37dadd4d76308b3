"""The semantic diff (kb/revisions/, regkb diff) and the impact of a revision.

Known history (../shared/revisions/beijing-platform-2017.md): between the 2017
text (京经信委发〔2017〕24号) and the 2019 seed, the conditions moved from 第六条
to 第五条; 具有独立法人资格 became 一般应 (general); 年服务中小企业不少于100家
became 年服务京津冀中小企业不少于100家; 用户满意度 moved from （二） to （七）
with the same 90%; the legal basis went from 工信部企业〔2012〕197号 to
〔2017〕156号; 第四条 lost the districts' recommendation role. The 2017 text
breaks off at 第六条（二）「近两…」: nothing after it may be reported as changed.
"""
from __future__ import annotations

import copy
from collections import Counter
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import knowledge_base
from kb.revisions.changes import SUBSTANTIVE
from kb.revisions.diff import diff
from kb.law.versions import Assembler, Versions, raw_nodes
from test_cli import regkb

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "facts"
BJ = "beijing.sme-service-platform"
CD = "chengdu.sme-platform-and-startup-base"
KNOWN_2017 = {"legal_person", "registered_in_beijing", "years_established", "total_assets",
              "good_operation", "good_credit", "prospects", "smes_served", "satisfaction"}


def by(d, category):
    return {c.subject: c for c in d.changes if c.category == category}


@pytest.fixture(scope="module")
def history():
    return diff(knowledge_base(), (BJ, "2017"), (BJ, "2019"))


# -- 2017 → 2019: what is known, and nothing else ----------------------------------------

def test_substantive_changes_are_exactly_the_known_ones(history):
    assert {(c.category, c.subject) for c in history.substantive()} == {
        ("tightened", "beijing.platform/smes_served_jjj"),
        ("strength_changed", "beijing.platform/legal_person"),
    }


def test_legal_person_becomes_a_general_rule(history):
    # 2017 第六条（一）具有独立法人资格 → 2019 第五条（一）一般应具有独立法人资格
    c = by(history, "strength_changed")["beijing.platform/legal_person"]
    assert (c.old["strength"], c.new["strength"], c.effect) == ("mandatory", "general", "loosened")
    assert (c.old["citation"]["article"], c.old["citation"]["clause"]) == (6, 1)
    assert (c.new["citation"]["article"], c.new["citation"]["clause"]) == (5, 1)
    assert "一般应" in c.new["citation"]["text"] and "一般应" not in c.old["citation"]["text"]


def test_served_smes_narrowed_to_beijing_tianjin_hebei(history):
    # 年服务中小企业不少于100家 → 年服务京津冀中小企业不少于100家: same figure, narrower measure
    c = by(history, "tightened")["beijing.platform/smes_served_jjj"]
    assert c.old_subject == "beijing.platform/smes_served"
    assert c.old["rule"] == "performance.smes_served ≥ 100 家"
    assert c.new["rule"] == "performance.smes_served_jjj ≥ 100 家"
    assert "narrowed" in c.summary and c.old["quote"] == "年服务中小企业不少于100家"
    assert c.old["figures"] == {"measure": "performance.smes_served", "op": ">=", "value": "100", "unit": "家"}


def test_renumbering(history):
    moved = by(history, "renumbered")
    assert "第六条 → 第五条" in moved                       # the conditions' article
    sat = moved["beijing.platform/satisfaction"]            # （二） → （七）
    assert (sat.old["citation"]["article"], sat.old["citation"]["clause"]) == (6, 2)
    assert (sat.new["citation"]["article"], sat.new["citation"]["clause"]) == (5, 7)
    # the same threshold: 在90%以上 and 不低于90% both include 90%
    assert sat.old["rule"] == sat.new["rule"] == "performance.satisfaction ≥ 0.9"
    # other conditions move with their article, no entry of their own
    assert {s for s in moved if s.startswith("beijing.platform/")} == {"beijing.platform/satisfaction"}


def test_legal_basis_and_districts(history):
    basis = by(history, "document")["legal_basis"]
    assert basis.old["value"] == ["工信部企业〔2012〕197号"] and basis.new["value"] == ["工信部企业〔2017〕156号"]
    assert "197号" in basis.old["citation"]["text"] and "156号" in basis.new["citation"]["text"]
    art4 = by(history, "text_changed")["第四条"]
    assert any("各区中小企业工作主管部门负责示范平台的推荐工作" in e["removed"] for e in art4.new["edits"])


def test_nothing_after_the_break_is_reported_as_changed(history):
    unknown = by(history, "unknown_in_old")
    new_ids = {n.id for n in knowledge_base().programs["beijing.platform"].conditions}
    after_break = {i for i in new_ids if i.split("/", 1)[1] not in KNOWN_2017 | {"smes_served_jjj"}}
    assert after_break and after_break | {"beijing.platform/relaxation-for-public-sponsors"} == set(unknown)
    # 近两年服务企业数量持续增长 starts at the very break
    assert "beijing.platform/served_growth" in unknown
    reported = {c.subject for c in history.changes if c.category != "unknown_in_old"}
    assert not reported & set(unknown)
    assert not any(c.category in ("removed", "added", "unknown_in_new") for c in history.changes)


def test_the_reverse_diff_mirrors(history):
    back = diff(knowledge_base(), (BJ, "2019"), (BJ, "2017"))
    assert {(c.category, c.subject, c.effect) for c in back.substantive()} == {
        ("strength_changed", "beijing.platform/legal_person", "tightened"),
        ("loosened", "beijing.platform/smes_served", "loosened"),
    }
    assert set(by(back, "unknown_in_new")) == set(by(history, "unknown_in_old"))


def test_switch_whole_clause_makes_the_whole_clause_general():
    # yiban_scope=whole_clause reads 2019's 一般应 as governing all of 第五条（一）; 2017 has no 一般应
    kb = knowledge_base(yiban_scope="whole_clause")
    d = diff(kb, (BJ, "2017"), (BJ, "current"))
    assert set(by(d, "strength_changed")) == {f"beijing.platform/{n}" for n in
                                              ("legal_person", "registered_in_beijing", "years_established",
                                               "total_assets")}
    assert d.switches["yiban_scope"] == "whole_clause"


# -- an edited copy shows exactly its edits --------------------------------------------

VERSIONS = [(BJ, "2019"), (BJ, "2017"), (CD, "current"), (CD, "illustrative-building-area"),
            ("beijing.srdi-service-station", "current"), ("beijing.startup-innovation-base", "current"),
            ("guiyang.sme-service-platform", "current")]


def copy_of(doc: str, key: str) -> tuple[dict, object]:
    """A drafter's copy: the version's whole text with a version block."""
    registry = Versions(FACTS, doc)
    v = registry.get(key)
    data = copy.deepcopy(Assembler(registry).data(v))
    data["version"] = {"document": doc, "id": "edited", "official": False, "status": v.status,
                       "completeness": v.completeness, "legal_basis": list(v.legal_basis),
                       "unknown": [g.__dict__ for g in v.gaps]}
    data["version"] = {k: x for k, x in data["version"].items() if x}
    data["version"]["official"] = False
    return data, v


def in_exceptions(data: dict) -> set[str]:
    return {cid for art in data["articles"] for e in art.get("exceptions") or [] for cid in e["applies_to"]}


def _article_of(data: dict, target: dict) -> dict:
    return next(art for art in data["articles"]
                if any(n is target for n, _, _, _ in raw_nodes({"articles": [art]})))


def _own_quote(data: dict, node: dict) -> bool:
    """The node's quote is words no other node of its article quotes (so words and figure
    can change together without changing another node's words under it)."""
    q = node.get("quote")
    art = _article_of(data, node)
    return bool(q) and q in art["text"] and not any(
        q in (n.get("quote") or "") for n, _, _, _ in raw_nodes({"articles": [art]}) if n is not node)


def _reword(data: dict, node: dict, new_quote: str) -> None:
    """The drafter's edit of the node's words in its own article (text, clause, quotes), in place."""
    old = node["quote"]

    def walk(obj):
        items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
        for key, value in list(items):
            if isinstance(value, str):
                obj[key] = value.replace(old, new_quote)
            else:
                walk(value)
    walk(_article_of(data, node))


def edit(data: dict) -> dict[str, str]:
    """Raise one threshold, make one condition general, drop one, changing the words with each
    (a figure its words contradict is an error, issue 12): the expected substantive entries."""
    nodes = list(raw_nodes(data))
    tops = [(n, i) for n, i, holder, _ in nodes if isinstance(holder, list) and "/" in i and
            n.get("id") == i and n.get("kind") != "switch"]
    figure = lambda n: re.compile(rf"(?<!\d){n['value']}(?=\s*[家人次年万平%])")
    threshold = next((n, i) for n, i, _, _ in nodes if n.get("kind") == "threshold" and isinstance(n.get("value"), int)
                     and _own_quote(data, n) and figure(n).search(n["quote"]))
    n = threshold[0]
    _reword(data, n, figure(n).sub(str(n["value"] + 1), n["quote"], count=1))
    n["value"] += 1
    expected = {threshold[1]: "tightened"}
    strong = next((n, i) for n, i in tops if n.get("strength", "mandatory") == "mandatory" and i not in expected
                  and not i.startswith(threshold[1]) and not threshold[1].startswith(i + "/")
                  and _own_quote(data, n))
    strong[0]["strength"] = "general"
    _reword(data, strong[0], "原则上" + strong[0]["quote"])
    expected[strong[1]] = "strength_changed"
    blocked = in_exceptions(data)
    for n, i, holder, key in nodes:
        top = isinstance(holder, list) and n.get("id") == i and i not in blocked and i not in expected \
            and not any(e.startswith(i + "/") for e in expected) and not any(i.startswith(e + "/") for e in expected)
        if top and any(n in (cl.get("conditions") or []) for art in data["articles"]
                       for cl in (art.get("clauses") or []) + [art]):
            holder.pop(key)
            expected[i] = "removed"
            break
    return expected


@pytest.mark.parametrize("doc,key", VERSIONS)
def test_an_edited_copy_shows_exactly_the_edits(tmp_path, doc, key):
    data, v = copy_of(doc, key)
    expected = edit(data)
    if v.partial:   # a partial text that does not state a condition does not know it
        expected = {i: ("unknown_in_new" if c == "removed" else c) for i, c in expected.items()}
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    d = diff(knowledge_base(), (doc, key), (doc, path))
    got = {c.subject: c.category for c in d.changes if c.category != "text_changed"}
    assert got == expected
    # unedited, the copy is the same text
    data, _ = copy_of(doc, key)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert diff(knowledge_base(), (doc, key), (doc, path)).changes == []


def replace_words(obj, old: str, new: str):
    """The drafter's search-and-replace over the whole copy."""
    if isinstance(obj, str):
        return obj.replace(old, new)
    if isinstance(obj, list):
        return [replace_words(x, old, new) for x in obj]
    if isinstance(obj, dict):
        return {k: replace_words(x, old, new) for k, x in obj.items()}
    return obj


def test_a_drafter_edits_a_clause_and_its_figure(tmp_path):
    # 第六条 运营条件（一）: 楼宇经济园 8 千平方米 → 9 千平方米, words and figure
    data, _ = copy_of(CD, "current")
    old, new = "楼宇经济园建筑总面积在 8 千平方米以上", "楼宇经济园建筑总面积在 9 千平方米以上"
    data = replace_words(data, old, new)
    for n, i, _, _ in raw_nodes(data):
        # the reading chengdu_base_other_park_area=lowest quotes the same words: its figure follows them
        if i in ("chengdu.base/building_area/building_economy/area", "chengdu.base/building_area/other_parks/area"):
            n["value"] = 9000
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    d = diff(knowledge_base(), (CD, "current"), (CD, path))
    assert [(c.category, c.subject) for c in d.substantive()] == [
        ("tightened", "chengdu.base/building_area/building_economy/area")]
    c = d.substantive()[0]
    assert (c.old["rule"], c.new["rule"]) == ("facilities.building_m2 ≥ 8000 m2", "facilities.building_m2 ≥ 9000 m2")
    assert c.new["citation"]["part"] == "运营条件" and new in c.new["citation"]["text"]
    # issue 12: 第六条 changed in substance is not also "wording changed only"; its edits go with the change
    assert [(x.category, x.subject) for x in d.changes if x.category == "text_changed"] == []
    assert c.new["edits"][0]["old"] == old and c.new["edits"][0]["new"] == new
    # a 楼宇经济园 base of 8,000..9,000 m² meeting every other condition loses: the tightening is effective
    assert c.reach["possible"] is True and c.reach["binding"] == []


def test_a_wording_edit_without_its_figure_is_an_error(tmp_path):
    # issue 12: words 9 千平方米 with the figure left at 8000 is a text that contradicts itself
    from kb.io.errors import InputError
    data, _ = copy_of(CD, "current")
    old, new = "楼宇经济园建筑总面积在 8 千平方米以上", "楼宇经济园建筑总面积在 9 千平方米以上"
    data = replace_words(data, old, new)
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="chengdu.base/building_area/building_economy/area"):
        diff(knowledge_base(), (CD, "current"), (CD, path))


def test_versions_of_two_documents_are_not_compared():
    from kb.io.errors import InputError
    with pytest.raises(InputError, match=BJ):
        diff(knowledge_base(), (BJ, "2017"), (CD, "current"))


@pytest.mark.parametrize("amend,expected", [
    # 第十四条 三年内 → 五年内: a longer bar catches more; (一)'s look-back reads the same lead words
    ([{"article": 14, "replace": "三年内不得再次申请", "with": "五年内不得再次申请"},
      {"condition": "beijing.platform/ban_after_revocation", "set": {"years": 5}},
      {"condition": "beijing.platform/no_false_materials_3y", "set": {"years": 5}}],
     [("tightened", "beijing.platform/no_false_materials_3y", "tightened"),
      ("tightened", "beijing.platform/ban_after_revocation", "tightened")]),
    # 第六条 至少具备…三项 → 两项
    ([{"article": 6, "replace": "中的三项", "with": "中的两项"},
      {"condition": "beijing.platform/functions", "set": {"k": 2}}],
     [("loosened", "beijing.platform/functions", "loosened")]),
    # 第五条（七）不低于90% → 高于90%
    ([{"article": 5, "clause": 7, "replace": "不低于90%", "with": "高于90%"},
      {"condition": "beijing.platform/satisfaction", "set": {"op": ">"}}],
     [("tightened", "beijing.platform/satisfaction", "tightened")]),
    # 第十五条 一年内 → 两年内
    ([{"article": 15, "replace": "一年内不得再次申报", "with": "两年内不得再次申报"},
      {"condition": "beijing.platform/ban_after_failed_review", "set": {"years": 2}}],
     [("tightened", "beijing.platform/ban_after_failed_review", "tightened")]),
    # 第五条（一）注册地在本市 → 本市或天津 (a switch node: the figure goes to every reading)
    ([{"condition": "beijing.platform/registered_in_beijing", "set": {"values": ["beijing", "tianjin"]}}],
     [("loosened", "beijing.platform/registered_in_beijing", "loosened")]),
    # 第六条 without 法律服务: one alternative fewer
    ([{"condition": "beijing.platform/functions/legal", "remove": True}],
     [("removed", "beijing.platform/functions/legal", "tightened")]),
    # 第五条（六）的人员原则上不少于10人: a general rule, in its words
    ([{"article": 5, "clause": 6, "replace": "人员不少于10人", "with": "人员原则上不少于10人"},
      {"condition": "beijing.platform/service_staff", "set": {"strength": "general"}}],
     [("strength_changed", "beijing.platform/service_staff", "loosened")]),
])
def test_directions_of_single_edits(tmp_path, amend, expected):
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump({"version": {"document": BJ, "id": "draft", "base": "current",
                                                "official": False, "status": "draft"},
                                    "amend": amend}, allow_unicode=True), encoding="utf-8")
    d = diff(knowledge_base(), (BJ, "current"), (BJ, path))
    # the words change with the figures (a figure its words contradict is an error): beside them, wording
    assert [(c.category, c.subject, c.effect) for c in d.changes
            if c.level != "document" and c.category != "text_changed"] == expected
    assert [(c.subject, c.old["value"], c.new["value"]) for c in d.changes if c.level == "document"] == [
        ("status", "in_force", "draft")]


def test_an_exception_narrowed(tmp_path):
    # 第五条: 由机关事业单位、社团法人主办 … 可适度放宽 without 社团法人
    data, _ = copy_of(BJ, "current")
    exc = next(e for a in data["articles"] for e in a.get("exceptions") or [])
    exc["sponsors"].remove("social_organization")
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    d = diff(knowledge_base(), (BJ, "current"), (BJ, path))
    assert [(c.category, c.subject, c.effect) for c in d.changes] == [
        ("exception_changed", "beijing.platform/relaxation-for-public-sponsors", "tightened")]


def test_the_illustrative_chengdu_revision():
    d = diff(knowledge_base(), (CD, "current"), (CD, "illustrative-building-area"))
    assert [(c.category, c.subject) for c in d.substantive()] == [
        ("loosened", "chengdu.base/building_area/building_economy/area")]
    c = d.substantive()[0]
    assert (c.old["rule"], c.new["rule"]) == ("facilities.building_m2 ≥ 8000 m2", "facilities.building_m2 ≥ 5000 m2")
    assert d.new.official is False


# -- the command ---------------------------------------------------------------------------

def test_markdown_for_a_review(history):
    text = history.markdown()
    assert "## Tightened (1)" in text and "**第六条 → 第五条**" in text
    assert "年服务京津冀中小企业不少于100家" in text and "## Unknown in the old version" in text
    assert "第六条（二）: the text breaks off at 近两…" in text


def test_diff_command_markdown_and_json():
    data = json.loads(regkb("diff", "beijing.platform@2017", "@2019", "--json").stdout)
    assert data["old"]["completeness"] == "partial" and data["new"]["current"] is True
    for c in data["changes"]:
        assert c["category"] in SUBSTANTIVE or not c["substantive"]
        for s in (c["old"], c["new"]):
            if s and c["level"] in ("condition", "exception"):
                assert set(s["citation"]) == {"program", "article", "clause", "part", "inferred", "text"}
    md = regkb("diff", "chengdu.base", "@illustrative-building-area").stdout
    assert "> **NOT AN OFFICIAL TEXT.**" in md and "ILLUSTRATIVE" in md


@pytest.mark.parametrize("args,needle", [
    (("diff", "shanghai.platform@2017", "@current"), "shanghai.platform"),
    (("diff", "beijing.platform@2019-06-01", "@current"), "cannot tell"),
    (("diff", "beijing.platform@2017", "@2019", "--population", "no/such/dir"), "no/such/dir"),
])
def test_diff_bad_input_exits_2(args, needle):
    out = regkb(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and needle in out.stderr


# -- impact on a population ------------------------------------------------------------

TIANFU = yaml.safe_load((FACTS / "organizations" / "cd-tianfu-startup-base.yaml").read_text(encoding="utf-8"))
ZGC = yaml.safe_load((FACTS / "organizations" / "bj-zhongguancun-platform.yaml").read_text(encoding="utf-8"))


def crafted() -> list[dict]:
    from conftest import apply_changes
    return [
        # 第六条 运营条件（一）楼宇经济园: 5 千 in the illustrative revision, 8 千 in the draft
        apply_changes(TIANFU, {"id": "tianfu-5000", "facilities.building_m2": 5000}),
        apply_changes(TIANFU, {"id": "tianfu-4999", "facilities.building_m2": 4999}),
        # 2017 第六条（二）all SMEs served; 2019 第五条（二）京津冀 only
        apply_changes(ZGC, {"id": "zgc-jjj-80", "performance.smes_served_jjj": 80}),
        # 2017 第六条（一）hard; 2019 第五条（一）一般应
        apply_changes(ZGC, {"id": "zgc-no-legal-person", "legal_person": False}),
    ]


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    """12 generated organizations (kb.population, seed 5) and 4 boundary cases, as a CSV."""
    from kb.population import generate, write_csv
    path = tmp_path_factory.mktemp("population") / "population.csv"
    write_csv(generate(12, seed=5) + crafted(), path)
    return path


@pytest.fixture(scope="module")
def current_results(population):
    """regkb check's answers on the current texts, organization by organization."""
    from kb.population import read_population
    kb = knowledge_base()
    return {p.id: {r.program: r for r in kb.check(p).results} for p in read_population(population)}


def expected_impact(kb_old, kb_new, profiles, programs, current):
    answers = {}
    for p in profiles:
        old = current[p.id] if kb_old is None else {r.program: r for r in kb_old.check(p, programs).results}
        new = current[p.id] if kb_new is None else {r.program: r for r in kb_new.check(p, programs).results}
        for prog in programs:
            answers[(p.id, prog)] = (old[prog].status, new[prog].status)
    return answers


def test_impact_of_the_illustrative_revision_agrees_with_check(population, current_results):
    from kb.reasoning.base import KnowledgeBase
    from kb.population import read_population
    profiles = read_population(population)
    out = regkb("diff", "chengdu.base@current", "@illustrative-building-area", "--population", str(population), "--json")
    assert out.returncode == 0, out.stderr
    imp = json.loads(out.stdout)["impact"]
    assert imp["organizations"] == len(profiles) == 16
    new_kb = KnowledgeBase(FACTS, versions={CD: "illustrative-building-area"})
    answers = expected_impact(None, new_kb, profiles, ["chengdu.platform", "chengdu.base"], current_results)
    flips = {(f["org"], f["program"]): (f["old"], f["new"]) for f in imp["flips"]}
    assert flips == {k: v for k, v in answers.items() if v[0] != v[1]}
    for prog in ("chengdu.platform", "chengdu.base"):
        counts = {f"{a}→{b}": n for (a, b), n in Counter(v for k, v in answers.items() if k[1] == prog).items()}
        assert imp["programs"][prog]["transitions"] == counts
    # 5000 m² is enough only under the revision; 4999 m² under neither
    assert flips[("tianfu-5000", "chengdu.base")] == ("fails", "qualifies")
    assert ("tianfu-4999", "chengdu.base") not in flips
    tianfu = next(f for f in imp["flips"] if f["org"] == "tianfu-5000")
    assert [(c["condition"], c["old"], c["new"]) for c in tianfu["conditions"]] == [
        ("chengdu.base/building_area", "failed", "met")]
    assert tianfu["conditions"][0]["citation"]["part"] == "运营条件"


def test_impact_of_2017_to_2019_agrees_with_check(population, current_results):
    from kb.reasoning.base import KnowledgeBase
    from kb.population import read_population
    from kb.revisions.flips import impact
    profiles = read_population(population)
    old_kb = KnowledgeBase(FACTS, versions={BJ: "2017"})
    d = diff(knowledge_base(), (BJ, "2017"), (BJ, "2019"))
    imp = impact(old_kb, knowledge_base(), profiles, ["beijing.platform"], d.links)
    answers = expected_impact(old_kb, None, profiles, ["beijing.platform"], current_results)
    assert {(f.org, f.program): (f.old, f.new) for f in imp.flips} == {k: v for k, v in answers.items() if v[0] != v[1]}
    # a partial 2017 text never qualifies anybody
    assert not any(a == "qualifies" for a, _ in answers.values())
    jjj = next(f for f in imp.flips if f.org == "zgc-jjj-80")
    assert (jjj.old, jjj.new) == ("undetermined", "fails")
    cause = [c for c in jjj.conditions if not c["gap"]]
    assert [(c["condition"], c["old"], c["new"]) for c in cause] == [("beijing.platform/smes_served_jjj", "met", "failed")]
    # no legal person: a hard failure in 2017, one left to discretion (一般应) in 2019
    lp = next(f for f in imp.discretion if f.org == "zgc-no-legal-person")
    assert (lp.old, lp.new) == ("fails (hard as far as known)", "fails (discretion only)")
    md = diff(knowledge_base(), (BJ, "2017"), (BJ, "2019"))
    md.impact = imp
    text = md.markdown()
    assert "## Impact on" in text and "zgc-jjj-80" in text


# -- can anyone gain or lose (issue 12: diffs that reason) ---------------------------------------

def _bj_window_two_years(tmp_path) -> Path:
    """北京平台 第八条 申请受理截止日期前三年内 → 前两年内, the figures with the words. 第五条（六）'s
    three-year reading takes its window from 第八条's words, so its figure follows them."""
    data, _ = copy_of(BJ, "current")
    art8 = next(a for a in data["articles"] if a["number"] == 8)
    art8.update(replace_words({k: art8[k] for k in ("text", "clauses")}, "前三年内", "前两年内"))
    for n, i, _, _ in raw_nodes(data):
        if i in ("beijing.platform/no_penalties_3y", "beijing.platform/no_serious_dishonesty_3y"):
            n["years"] = 2
        if i == "beijing.platform/clean_credit":
            n["cases"]["three_years"]["years"] = 2
    path = tmp_path / "window.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_loosening_barred_by_an_unchanged_condition_is_ineffective(tmp_path):
    # 第五条（六） 无不良信用记录 read unbounded (switch beijing_platform_credit_window=unbounded) bars
    # every penalty and serious dishonesty at any age: 第八条 two years instead of three gains no one,
    # and the diff names 第五条（六） as the condition that still binds
    path = _bj_window_two_years(tmp_path)
    kb = knowledge_base().with_switches(beijing_platform_credit_window="unbounded")
    d = diff(kb, (BJ, "current"), (BJ, path))
    loosened = by(d, "loosened")
    assert set(loosened) == {"beijing.platform/no_penalties_3y", "beijing.platform/no_serious_dishonesty_3y"}
    for c in loosened.values():
        assert c.reach["possible"] is False
        assert [(b["id"], b["label"]) for b in c.reach["binding"]] == [("beijing.platform/clean_credit", "第五条（六）")]
    assert "第八条" not in {c.subject for c in d.changes if c.category == "text_changed"}


def test_the_same_loosening_is_effective_when_the_binding_window_moves_with_it(tmp_path):
    # default reading (three_years, read with 第八条): 第五条（六） shortens with 第八条, so a penalty
    # 2.5 years old no longer bars: every loosening can gain someone
    path = _bj_window_two_years(tmp_path)
    kb = knowledge_base()
    assert kb.settings["beijing_platform_credit_window"] == "three_years"
    d = diff(kb, (BJ, "current"), (BJ, path))
    loosened = list(by(d, "loosened").values())
    assert {c.subject for c in loosened} == {"beijing.platform/no_penalties_3y", "beijing.platform/no_serious_dishonesty_3y",
                                             "beijing.platform/clean_credit"}
    assert all(c.reach["possible"] for c in loosened)


def test_a_tightening_nobody_can_lose_by_names_what_already_refuses(tmp_path):
    # 北京平台 第八条（一） widened to 五年 while 第五条（六） stays unbounded: whoever has a penalty
    # 3..5 years old is already refused by 第五条（六）; nobody loses
    data, _ = copy_of(BJ, "current")
    art8 = next(a for a in data["articles"] if a["number"] == 8)
    art8.update(replace_words({k: art8[k] for k in ("text", "clauses")}, "前三年内", "前五年内"))
    for n, i, _, _ in raw_nodes(data):
        if i in ("beijing.platform/no_penalties_3y", "beijing.platform/no_serious_dishonesty_3y"):
            n["years"] = 5
        if i == "beijing.platform/clean_credit":
            n["cases"]["three_years"]["years"] = 5
    path = tmp_path / "five.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    kb = knowledge_base().with_switches(beijing_platform_credit_window="unbounded")
    d = diff(kb, (BJ, "current"), (BJ, path))
    tightened = list(by(d, "tightened").values())
    assert {c.subject for c in tightened} == {"beijing.platform/no_penalties_3y", "beijing.platform/no_serious_dishonesty_3y"}
    assert all(c.reach["possible"] is False and c.reach["binding"][0]["id"] == "beijing.platform/clean_credit"
               for c in tightened)
    md = d.markdown()
    assert "no organization can lose by it: 第五条（六）" in md


# -- impact at population scale (vectorized, sample verified through Datalog) ---------------------

def _area_population(tmp_path: Path) -> Path:
    """成都 第六条 运营条件（一）楼宇经济园建筑总面积在 8 千平方米以上 (illustrative: 5 千): the Tianfu
    base at both boundaries of both figures."""
    from conftest import apply_changes
    tianfu = yaml.safe_load((FACTS / "organizations" / "cd-tianfu-startup-base.yaml").read_text(encoding="utf-8"))
    folder = tmp_path / "pop"
    folder.mkdir()
    for area in (8000, 7999, 5000, 4999):
        profile = apply_changes(tianfu, {"facilities.building_m2": area, "id": f"tianfu-{area}"})
        (folder / f"tianfu-{area}.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return folder


def test_population_impact_names_who_flips_by_which_condition_and_city(tmp_path, capsys):
    from kb.cli import main
    folder = _area_population(tmp_path)
    assert main(["diff", "chengdu.base", "@illustrative-building-area", "--population", str(folder),
                 "--verify", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    imp = out["impact"]
    assert imp["organizations"] == 4 and imp["verified"] == 4
    base = imp["programs"]["chengdu.base"]
    # 7999 and 5000 m² gain the base title; 8000 qualified before, 4999 still falls short
    assert base["transitions"] == {"fails→qualifies": 2, "qualifies→qualifies": 1, "fails→fails": 1}
    assert {f["org"] for f in imp["flips"] if f["program"] == "chengdu.base"} == {"tianfu-7999", "tianfu-5000"}
    assert base["by_condition"] == {"chengdu.base/building_area": 2}
    assert base["by_city"] == {"chengdu: fails→qualifies": 2}
    flip = next(f for f in imp["flips"] if f["org"] == "tianfu-5000")
    assert [{k: c[k] for k in ("condition", "label", "old", "new")} for c in flip["conditions"]] == [
        {"condition": "chengdu.base/building_area", "label": "第六条·运营条件（一）", "old": "failed", "new": "met"}]
    assert main(["diff", "chengdu.base", "@illustrative-building-area", "--population", str(folder),
                 "--verify", "0"]) == 0
    md = capsys.readouterr().out
    assert "| `chengdu.base/building_area` | 2 |" in md and "| chengdu: fails→qualifies | 2 |" in md


def test_population_impact_stops_when_the_evaluators_disagree(tmp_path, monkeypatch):
    # a vectorized answer the Datalog check does not give must stop the run, not be reported
    from kb.screening import vectorized
    from kb.cli import main
    from kb.revisions.impact import EvaluatorsDisagree
    folder = _area_population(tmp_path)
    real = vectorized.Outcome.status
    monkeypatch.setattr(vectorized.Outcome, "status",
                        lambda self, program: np.where(real(self, program) == "fails", "qualifies",
                                                       real(self, program)).astype(object))
    with pytest.raises(EvaluatorsDisagree, match="disagree on .*tianfu-"):
        main(["diff", "chengdu.base", "@illustrative-building-area", "--population", str(folder), "--verify", "2"])


def test_redline_sets_the_texts_side_by_side_with_changes_and_impact(tmp_path, capsys):
    # 成都 第六条 运营条件（一）: 8 千 → 5 千平方米 (ILLUSTRATIVE); the Tianfu base at 7999 and 5000 m² flips
    from kb.cli import main
    folder = _area_population(tmp_path)
    out = tmp_path / "redline.html"
    assert main(["diff", "chengdu.base", "@illustrative-building-area", "--population", str(folder),
                 "--verify", "1", "--html", str(out)]) == 0
    capsys.readouterr()
    page = out.read_text(encoding="utf-8")
    assert "NOT AN OFFICIAL TEXT" in page and "@font-face" in page          # glyphs embedded, no system font
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)             # self-contained
    assert "楼宇经济园建筑总面积在 <del>8</del>" in page and "楼宇经济园建筑总面积在 <ins>5</ins>" in page
    row = page[page.index("楼宇经济园建筑总面积在 <ins>5</ins>"):]
    row = row[:row.index("</tr>")]
    assert "loosened" in row and AREA_ID in row and "some organization can gain from it" in row
    assert "chengdu.base: 2 organizations flip on it" in row
    assert page.count('<tr class="changed">') == 1                         # only 第六条 changed


AREA_ID = "chengdu.base/building_area/building_economy/area"


def test_an_article_whose_conditions_moved_says_where(tmp_path):
    # 北京平台 第八条's two bars moved into 第五条 as clauses （十）（十一）, 第八条 deleted: the article is
    # removed, but its conditions are not (issue 12: it read "removed (no condition of its own)")
    data, _ = copy_of(BJ, "current")
    arts = data["articles"]
    art8 = next(a for a in arts if a["number"] == 8)
    art5 = next(a for a in arts if a["number"] == 5)
    lead = "单位、企业或法人代表在申请受理截止日期前三年内不得"
    for k, cl in enumerate(art8["clauses"], 10):
        words = cl["text"].split("）", 1)[1]
        cl["text"] = f"（{ {10: '十', 11: '十一'}[k] }）{lead}{words}"
        cl["clause"] = k
        art5["clauses"].append(cl)
        art5["text"] += "\n" + cl["text"]
    arts.remove(art8)
    path = tmp_path / "moved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    d = diff(knowledge_base(), (BJ, "current"), (BJ, path))
    removed = [c for c in d.changes if c.category == "article_removed"]
    assert [c.subject for c in removed] == ["第八条"]
    assert removed[0].summary.endswith("its conditions moved: beijing.platform/no_penalties_3y, "
                                       "beijing.platform/no_serious_dishonesty_3y → 第五条")
    moved = {c.subject: c for c in d.changes if c.category == "renumbered" and c.level == "condition"}
    assert moved["beijing.platform/no_penalties_3y"].summary == "第八条（一） → 第五条（十）"
    assert not [c for c in d.changes if c.category == "removed"]


def test_a_change_of_strength_is_not_asked_who_gains(history):
    # 2019 第五条（一）一般应具有独立法人资格 (2017 第六条（一）具有独立法人资格): the same requirement, now
    # general; who can gain is not a question of the formula (a failure becomes discretionary)
    c = by(history, "strength_changed")["beijing.platform/legal_person"]
    assert c.reach is None
    # 第五条（二） 京津冀 only: an organization serving 100 SMEs, fewer of them in 京津冀, loses
    assert by(history, "tightened")["beijing.platform/smes_served_jjj"].reach["possible"] is True


def test_population_impact_equals_the_datalog_impact_on_a_partial_text(tmp_path):
    # 2017 (known only in part) → 2019 over the shipped samples (groups included): the vectorized
    # report names the same flips and responsible conditions as one `regkb check` per organization
    from kb.reasoning.base import KnowledgeBase
    from kb.population import read_population
    from kb.revisions.flips import impact
    from kb.revisions.impact import population_impact
    old_kb, new_kb = KnowledgeBase(FACTS, versions={BJ: "2017"}), knowledge_base()
    d = diff(new_kb, (BJ, "2017"), (BJ, "2019"))
    folder = tmp_path / "samples"
    folder.mkdir()
    for sample in (FACTS / "organizations").glob("*.yaml"):
        if sample.name != "expected.yaml":     # the samples' expected answers, not a profile
            (folder / sample.name).write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    ref = impact(old_kb, new_kb, read_population(folder), ["beijing.platform"], d.links)
    fast = population_impact(old_kb, new_kb, folder, ["beijing.platform"], d.links, verify=3, progress=False)

    def key(f):
        # read_population gives a group's entities as profiles; the vectorized path names them group/entity
        org = (f.entity or f.org).split("/")[-1]
        return org, f.program, f.old, f.new, sorted((c["condition"], c["old"], c["new"], c["gap"]) for c in f.conditions)
    assert ref.flips and sorted(map(key, fast.flips)) == sorted(map(key, ref.flips))
    assert sorted(map(key, fast.discretion)) == sorted(map(key, ref.discretion))
    assert fast.transitions == ref.transitions


def test_population_impact_names_the_same_discretion_changes_as_the_datalog_impact(tmp_path):
    # 2017 第六条（一）具有独立法人资格 → 2019 第五条（一）一般应…: an organization failing only there moves
    # from a hard failure to one left to discretion; both paths must find the same organizations
    from kb.reasoning.base import KnowledgeBase
    from kb.population import read_population
    from kb.revisions.flips import impact
    from kb.revisions.impact import population_impact
    from kb.population import generate, write_csv
    path = tmp_path / "pop.csv"
    write_csv(generate(40, seed=0), path)
    old_kb, new_kb = KnowledgeBase(FACTS, versions={BJ: "2017"}), knowledge_base()
    d = diff(new_kb, (BJ, "2017"), (BJ, "2019"))
    ref = impact(old_kb, new_kb, read_population(path), ["beijing.platform"], d.links)
    fast = population_impact(old_kb, new_kb, path, ["beijing.platform"], d.links, verify=0, progress=False)
    key = lambda f: (f.org, f.old, f.new, sorted((c["condition"], c["old"], c["new"]) for c in f.conditions))
    assert ref.discretion and sorted(map(key, fast.discretion)) == sorted(map(key, ref.discretion))
    assert {f.new for f in fast.discretion} == {"fails (discretion only)"}
