"""Relations between the programs' conditions, each derived by hand from the
texts (shared/seeds) and pinned here with the articles in the test's name:
what a careful reader concludes when setting two clauses side by side."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.comparison.catalogue import load_catalogue
from kb.io.errors import InputError
from kb.comparison.relations import RELATIONS, Logic, Side, condition_relations, program_relations, relate
from conftest import knowledge_base

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def logic():
    kb = knowledge_base()
    return Logic(kb, load_catalogue(kb))


def entry(logic, condition: str):
    for topic in logic.cat.topics:
        for e in topic.entries:
            if e.node.id == condition:
                return topic.id, e
    raise KeyError(condition)


def rel(logic, left: str, right: str):
    """The derived relation of two catalogued conditions, oriented as derived."""
    topic, a = entry(logic, left)
    _, b = entry(logic, right)
    return relate(logic, Side(a.program, [a]), Side(b.program, [b]), topic)


def assert_relation(logic, left, right, expected, stricter=None):
    r = rel(logic, left, right)
    assert r.relation == expected, (r.relation, r.witness)
    if expected == "dominates":
        assert r.left.entries[0].node.id == (stricter or left), r.witness
    return r


# -- dominance ------------------------------------------------------------------
def test_北京平台第五条七_满意度不低于90_dominates_贵阳第五条二_80以上(logic):
    r = assert_relation(logic, "beijing.platform/satisfaction", "guiyang.platform/satisfaction", "dominates")
    assert (r.witness["field"], r.witness["left"], r.witness["right"]) == \
        ("performance.satisfaction", "≥ 90%", "≥ 80%")


def test_北京平台第五条一_资产200万_dominates_贵阳第五条一_资产50万或投入100万(logic):
    # 200万 of assets meets the first alternative of 贵阳's 或; 100万 of investment alone meets 贵阳, not 北京
    assert_relation(logic, "beijing.platform/total_assets", "guiyang.platform/assets_or_investment", "dominates")


def test_北京平台第五条六_本科比例80_dominates_贵阳第五条五_大专比例80(logic):
    # 本科及以上 are among 大专及以上, over the same 从事为中小企业服务的人员
    assert_relation(logic, "beijing.platform/staff_qualification_share",
                    "guiyang.platform/staff_qualification_share", "dominates")


def test_成都第四条四_专职不少于10人_dominates_北京平台第五条六_服务人员不少于10人(logic):
    # 专职 are part of all service staff: 10 full-time are 10 service staff, not the reverse
    r = assert_relation(logic, "chengdu.platform/fulltime_staff", "beijing.platform/service_staff", "dominates")
    assert any("专职" in a for a in r.witness["axioms"])


def test_成都第四条一_登记3年以上_dominates_北京平台第五条一_成立两年以上(logic):
    # registration in Chengdu cannot precede founding: 3 years registered ⇒ founded ≥ 3 ≥ 2 years ago
    assert_relation(logic, "chengdu.platform/years_registered", "beijing.platform/years_established", "dominates")


def test_北京平台第五条二_京津冀100家_dominates_贵阳第五条二_60家以上(logic):
    assert_relation(logic, "beijing.platform/smes_served_jjj", "guiyang.platform/smes_served", "dominates")


def test_成都第四条六_近3年稳步增长_dominates_北京平台第五条二_近两年持续增长(logic):
    assert_relation(logic, "chengdu.platform/served_growth", "beijing.platform/served_growth", "dominates")


def test_成都第四条六_近3年_dominates_北京平台第五条二_近两年_under_either_growth_reading():
    kb = knowledge_base(growth_reading="data_points")
    lg = Logic(kb, load_catalogue(kb))
    assert_relation(lg, "chengdu.platform/served_growth", "beijing.platform/served_growth", "dominates")


def test_成都基地第七条_不少于4种_incomparable_北京基地第七条_至少三项(logic):
    # the two lists share 7 of their 8 functions, so any 4 of 成都's name 3 of 北京's; but each
    # 北京 clause also names a capability of its own (（一）专家辅导能力, （四）对入驻企业开展投资业务,
    # （五）为大学毕业生提供见习岗位 …), so a base meeting 成都's four may still lack 北京's three
    assert_relation(logic, "chengdu.base/functions", "beijing.base/functions", "incomparable")


def test_成都基地第七条_不少于4种_incomparable_北京平台第六条_至少三项(logic):
    # the lists share 7 functions, but 北京平台 第六条 asks capabilities of each that 成都基地 第七条
    # does not name: （四）创业服务 具有较强的创业辅导能力…开展工商、财税、人力等…代理服务, （五）培训
    # 具有培训资质或在中小企业主管部门备案、具有远程培训能力, （八）法律 具有…信息查询功能; a base with
    # four of 成都's functions (家次 and 次 met) may lack them all. 成都's 家次 figures are not in 北京.
    r = assert_relation(logic, "chengdu.base/functions", "beijing.platform/functions", "incomparable")
    assert r.witness["field"] == "services"


def test_贵阳第六条一_线下60家活动4次_dominates_成都基地第七条一_30家次活动3次(logic):
    # 家次 ≥ 家: 60 firms served offline are at least 60 firm-visits
    r = assert_relation(logic, "guiyang.platform/functions/information", "chengdu.base/functions/information",
                        "dominates")
    assert any("家次" in a for a in r.witness["axioms"])


def test_北京服务站第五条三_未受刑事及严重行政处罚_不限期_dominates_北京基地第六条二_两年内(logic):
    assert_relation(logic, "beijing.station/no_penalties", "beijing.base/no_penalties", "dominates")


def test_北京平台第五条三_集聚机构5家_dominates_成都第四条三_5家或10名专家(logic):
    assert_relation(logic, "beijing.platform/partner_institutions", "chengdu.platform/partners_or_experts",
                    "dominates")


def test_成都第二十二条_3年且含其它违法违规_dominates_北京平台第十四条_三年内(logic):
    # the same three years, and 成都 also bars after 其它违法违规 (reason other)
    assert_relation(logic, "chengdu.platform/ban_after_revocation", "beijing.platform/ban_after_revocation",
                    "dominates")


# -- equivalence ---------------------------------------------------------------------
def test_北京平台第五条七_不低于90_equivalent_成都第四条六_90以上(logic):
    r = assert_relation(logic, "beijing.platform/satisfaction", "chengdu.platform/satisfaction", "equivalent")
    assert r.witness["left"] == r.witness["right"] == "≥ 90%"


def test_北京平台第五条七_公益20_equivalent_贵阳第五条四_20以上(logic):
    assert_relation(logic, "beijing.platform/public_welfare_share", "guiyang.platform/public_welfare_share",
                    "equivalent")


def test_成都基地第六条二_无违法违纪无不良信用_不限期_dominates_北京平台第五条六_read_with_第八条三年(logic):
    # the same kinds of record of the unit and its legal representative; 成都基地 第六条（二） states no
    # window (ever: switch chengdu_base_record_window, default unbounded), 北京平台 第五条（六） is read
    # with 第八条's 三年内 (switch beijing_platform_credit_window, default three_years): a record four
    # years old bars only in 成都
    assert_relation(logic, "chengdu.base/clean_record", "beijing.platform/clean_credit", "dominates")


def test_成都基地第六条二_still_dominates_北京平台第五条六_when_both_read_without_window():
    # 无违法违纪行为、无不良信用记录 is read to include false materials (违纪), which 北京平台
    # 第五条（六）无不良信用记录 does not name (its encoding leaves them to 第十四条（一）): the window
    # alone is not the difference (成都 read unbounded too: chengdu_base_record_window's default)
    kb = knowledge_base(beijing_platform_credit_window="unbounded")
    lg = Logic(kb, load_catalogue(kb))
    r = assert_relation(lg, "chengdu.base/clean_record", "beijing.platform/clean_credit", "dominates")
    assert "false_materials" in r.witness["left"] and "false_materials" not in r.witness["right"]


def test_北京平台第十三条_equivalent_成都第十七条_有效期满当年可再次申报(logic):
    assert_relation(logic, "beijing.platform/reapplication", "chengdu.platform/reapplication", "equivalent")


# -- conflicts --------------------------------------------------------------------------
def test_北京平台第五条一_注册地在本市_conflicts_贵阳第三条_市级示范平台(logic):
    r = assert_relation(logic, "beijing.platform/registered_in_beijing", "guiyang.platform/registered_in_guiyang",
                        "conflicts")
    assert (r.witness["field"], r.witness["left"], r.witness["right"]) == ("registered_city", "= beijing", "= guiyang")


def test_成都第四条一_在本市登记_conflicts_北京基地第六条一_注册地在本市(logic):
    r = assert_relation(logic, "chengdu.platform/registered_in_chengdu", "beijing.base/registered_in_beijing",
                        "conflicts")
    assert r.witness["field"] == "registered_city"


def test_北京基地第六条五_一般规则与高精尖规则_never_compared_with_each_other(logic):
    # 第六条（五）原则上不少于60家 / 对聚集"高精尖"…的基地…原则上不少于40家: two branches of one
    # condition, each for other bases; no finding about the cities lies between them
    for r in condition_relations(logic):
        assert r.left.program != r.right.program, (r.left.entries[0].node.id, r.right.entries[0].node.id)


def test_北京基地第六条五_each_rule_compared_with_成都基地第六条三_30家_with_its_words_and_原则上(logic):
    rels = {r.left.entries[0].node.id: r for r in condition_relations(logic, ["beijing.base", "chengdu.base"],
                                                                       ["resident_firms"])
            if r.right.entries[0].node.id == "chengdu.base/resident_firms_now"}
    for rule, figure in (("general_rule", "不少于60家"), ("high_tech_rule", "不少于40家")):
        r = rels[f"beijing.base/resident_firms/{rule}"]
        assert r.relation == "dominates"          # 60 (or 40) resident firms now ⇒ 30 now
        side = r.to_json(logic.kb)["left"]
        assert figure in side["quote"] and side["strength"] == "general", side   # 原则上
        assert "目前入驻的小微企业30家以上" in r.to_json(logic.kb)["right"]["quote"]
    # the general rule is the rule for bases that are not 高精尖: its words are not the 高精尖 words
    assert "高精尖" not in rels["beijing.base/resident_firms/general_rule"].to_json(logic.kb)["left"]["quote"]
    assert "高精尖" in rels["beijing.base/resident_firms/high_tech_rule"].to_json(logic.kb)["left"]["quote"]


def test_北京基地第六条八_8名本科或中级职称_takes_part_at_condition_level(logic):
    # 第六条（八）为小微企业服务的人员中，本科及以上学历和中级及以上技术职称人员不少于8人 (read, as
    # its encoding says, as persons with either qualification, each counted once) counts the same persons
    # as 北京平台 第五条（六）'s 80% and 贵阳 第五条（五）'s 大专 80% (本科 ⊆ 大专); alone neither
    # implies the other: 8 qualified among 100 staff is 8%, and 1 of 1 is 100% but 1 person
    rels = condition_relations(logic, ["beijing.platform", "guiyang.platform", "beijing.base"], ["staff"])
    paired = {(r.left.entries[0].node.id, r.right.entries[0].node.id): r.relation for r in rels}
    base = "beijing.base/qualified_staff"
    found = {a if b == base else b: rel for (a, b), rel in paired.items() if base in (a, b)}
    assert found == {"beijing.platform/staff_qualification_share": "incomparable",
                     "guiyang.platform/staff_qualification_share": "incomparable"}


def test_北京服务站第六条_1000平方米服务空间_incomparable_北京基地第六条四_500平方米公共服务空间(logic):
    # 可供开展活动、举办宣讲会等的服务空间 vs 公共服务空间: different measures (the catalogue's axiom
    # says why); compared, each side quoted, and neither figure implies the other
    r = assert_relation(logic, "beijing.station/service_space", "beijing.base/public_service_space", "incomparable")
    j = r.to_json(logic.kb)
    sides = {j["left"]["program"]: j["left"], j["right"]["program"]: j["right"]}
    assert "不低于1000平方米的可供开展活动、举办宣讲会等的服务空间" in sides["beijing.station"]["quote"]
    assert "公共服务空间不少于500平方米" in sides["beijing.base"]["quote"]
    assert any("公共服务空间" in a and "not the same measure" in a for a in r.witness["axioms"])
    assert any(x.relation == "incomparable" and {x.left.program, x.right.program} == {"beijing.station", "beijing.base"}
               for x in condition_relations(logic, ["beijing.station", "beijing.base"], ["service_space"]))


def test_注册地_conflict_wording_names_only_the_two_cities_of_the_pair(logic):
    # 北京平台 第五条（一）注册地在本市 vs 成都 第四条（一）在本市行政区域内登记: Beijing and Chengdu, not Guiyang
    r = assert_relation(logic, "beijing.platform/registered_in_beijing", "chengdu.platform/registered_in_chengdu",
                        "conflicts")
    (why,) = [a for a in r.witness["axioms"] if "registration" in a]
    assert "Beijing" in why and "Chengdu" in why and "Guiyang" not in why


# -- incomparable -------------------------------------------------------------------------
def test_北京平台第五条一_资产总额200万_incomparable_成都第四条一_注册资金100万(logic):
    r = assert_relation(logic, "beijing.platform/total_assets", "chengdu.platform/registered_capital", "incomparable")
    assert any("资产总额 vs 注册资金" in a for a in r.witness["axioms"])


def test_北京平台第五条六_本科比例_incomparable_成都第四条四_专职人员中大专比例(logic):
    r = assert_relation(logic, "beijing.platform/staff_qualification_share",
                        "chengdu.platform/staff_qualification_share", "incomparable")
    assert any("专职 vs all service staff" in a for a in r.witness["axioms"])


def test_贵阳第五条一_运营一年以上_incomparable_北京平台第五条一_成立两年以上(logic):
    assert_relation(logic, "guiyang.platform/years_operating", "beijing.platform/years_established", "incomparable")


def test_北京平台第十五条_复评不合格一年_incomparable_北京基地第十五条_两年(logic):
    # different reasons: a failed review bars 北京平台 for a year; 北京基地 bars for other reasons only
    assert_relation(logic, "beijing.platform/ban_after_failed_review", "beijing.base/ban_after_revocation",
                    "incomparable")


def test_贵阳第五条五_主要负责人诚信守法_incomparable_北京平台第八条一_三年内(logic):
    # 贵阳: the legal representative only, no window; 北京: the unit too, within three years
    assert_relation(logic, "guiyang.platform/leader_integrity", "beijing.platform/no_penalties_3y", "incomparable")


# -- lifted to whole programs ----------------------------------------------------------------
def program_rel(logic, topic: str, p: str, q: str):
    for r in program_relations(logic, [p, q], [topic]):
        return r
    raise KeyError(topic)


def test_北京平台第五条六_staff_dominates_贵阳第五条五_staff(logic):
    r = program_rel(logic, "staff", "beijing.platform", "guiyang.platform")
    assert (r.relation, r.left.program) == ("dominates", "beijing.platform")


def test_北京平台第五条六_10人且80_dominates_北京基地第六条八_8人(logic):
    # 80% of at least 10 service staff is at least 8 persons: only the two conditions together imply 8
    r = program_rel(logic, "staff", "beijing.platform", "beijing.base")
    assert (r.relation, r.left.program) == ("dominates", "beijing.platform")
    alone = rel(logic, "beijing.platform/staff_qualification_share", "beijing.base/qualified_staff")
    assert alone.relation == "incomparable"


def test_贵阳第五条_sets_no_ban_北京平台第十四条_dominates(logic):
    r = program_rel(logic, "ban", "beijing.platform", "guiyang.platform")
    assert (r.relation, r.left.program, r.right.entries) == ("dominates", "beijing.platform", [])


def test_北京平台第五条一_locality_conflicts_成都第四条一_at_program_level(logic):
    r = program_rel(logic, "locality", "beijing.platform", "chengdu.platform")
    assert r.relation == "conflicts"


# -- every relation -------------------------------------------------------------------------
def test_every_relation_is_one_of_four_and_cites_both_sides(logic):
    rels = condition_relations(logic)
    assert {r.relation for r in rels} == set(RELATIONS)
    for r in rels:
        data = r.to_json(logic.kb)
        for side in (data["left"], data["right"]):
            c = side["citation"]
            assert isinstance(c["article"], int) and any("\u4e00" <= ch <= "\u9fff" for ch in c["text"])
            assert side["condition"].startswith(side["program"] + "/")
        assert data["witness"]["field"]
        if r.relation == "conflicts":
            assert data["witness"]["left"] and data["witness"]["right"]


def test_relations_pair_only_comparable_measures(logic):
    # 满意度 and 公益占比 share no measure and no axiom relates them
    rels = condition_relations(logic, ["beijing.platform", "guiyang.platform"])
    pairs = {(r.left.entries[0].node.id, r.right.entries[0].node.id) for r in rels}
    assert ("beijing.platform/satisfaction", "guiyang.platform/public_welfare_share") not in pairs
    assert ("guiyang.platform/public_welfare_share", "beijing.platform/satisfaction") not in pairs


# -- the catalogue is checked against the encodings --------------------------------------------
@pytest.fixture
def catalogue_copy(tmp_path):
    path = tmp_path / "catalogue.yaml"
    shutil.copy(ROOT / "facts" / "catalogue.yaml", path)
    return path


def test_catalogue_figure_that_disagrees_with_the_encoding_is_an_input_error(catalogue_copy):
    text = catalogue_copy.read_text(encoding="utf-8")
    catalogue_copy.write_text(text.replace(
        'cite: 第五条（七）, measure: performance.satisfaction, op: ">=", value: "0.9"',
        'cite: 第五条（七）, measure: performance.satisfaction, op: ">=", value: "0.85"', 1), encoding="utf-8")
    with pytest.raises(InputError, match="beijing.platform/satisfaction"):
        load_catalogue(knowledge_base(), catalogue_copy)


def test_catalogue_citation_that_disagrees_with_the_encoding_is_an_input_error(catalogue_copy):
    text = catalogue_copy.read_text(encoding="utf-8")
    catalogue_copy.write_text(text.replace("{condition: guiyang.platform/satisfaction, cite: 第五条（二）",
                                           "{condition: guiyang.platform/satisfaction, cite: 第五条（三）", 1),
                              encoding="utf-8")
    with pytest.raises(InputError, match="cite"):
        load_catalogue(knowledge_base(), catalogue_copy)


def test_catalogue_naming_an_unknown_condition_is_an_input_error(catalogue_copy):
    text = catalogue_copy.read_text(encoding="utf-8")
    catalogue_copy.write_text(text.replace("condition: chengdu.base/startup_mentors,",
                                           "condition: chengdu.base/startup_coaches,", 1), encoding="utf-8")
    with pytest.raises(InputError, match="no encoded condition"):
        load_catalogue(knowledge_base(), catalogue_copy)


def test_matrix_cell_北京基地第六条五_carries_its_words_and_原则上(logic):
    # compare --matrix: 北京基地 vs 成都基地 on resident firms; 第六条（五）入驻…原则上不少于60家 is a general rule
    from kb.comparison.matrix import build
    data = build(logic.kb, ["beijing.base", "chengdu.base"], ["resident_firms"]).to_json()
    (topic,) = data["topics"]
    cell = next(c for c in topic["cells"] if c["row"] == "beijing.base")
    firms = next(x for x in cell["row_conditions"] if x["condition"] == "beijing.base/resident_firms")
    assert firms["strength"] == "general" and "原则上不少于60家" in firms["quote"]
    assert all(x["strength"] == "mandatory" for x in cell["column_conditions"])   # 成都基地 第六条（三）30家以上


def test_合理的收费标准_北京平台第五条五_equivalent_成都第四条五_and_贵阳第五条四(logic):
    # the same words in three texts, one attested requirement: compared, never dropped for want of a figure
    topic = logic.cat.topic("attest.fee_standards")
    assert topic.generated and "收费标准" in topic.name
    rels = condition_relations(logic, ["beijing.platform", "guiyang.platform", "chengdu.platform"],
                               ["attest.fee_standards"])
    pairs = {frozenset((r.left.program, r.right.program)): r for r in rels}
    assert set(pairs) == {frozenset(p) for p in (("beijing.platform", "guiyang.platform"),
                                                 ("beijing.platform", "chengdu.platform"),
                                                 ("guiyang.platform", "chengdu.platform"))}
    for r in pairs.values():
        assert r.relation == "equivalent"
        j = r.to_json(logic.kb)
        assert j["left"]["quote"] == j["right"]["quote"] == "合理的收费标准"
    cites = {r.left.program: r.left.entries[0].citation.label() for r in pairs.values()}
    assert cites.get("beijing.platform") == "第五条（五）"


def test_attested_topics_leave_out_conditions_already_catalogued(logic):
    # 北京平台 第五条（三）固定的经营服务场所 is in `premises`; a generated topic never repeats a condition
    placed = [e.node.id for t in logic.cat.topics if not t.id.startswith("function.") for e in t.entries]
    assert len(placed) == len(set(placed))
