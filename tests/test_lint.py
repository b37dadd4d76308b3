"""Drafting checks (regkb lint). Every rule has a small text or encoding that
trips it and one that does not; the five documents' findings are pinned to
the articles a careful reader finds by hand."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.lint import RULES, lint, lint_document, lint_markdown, lint_text
from kb.lint.subject import document_from_text
from kb.law.model import Article, Citation, Clause, Document, Exception_, Node

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "lint"
STATION = "beijing.srdi-service-station"            # 000
BJ_PLATFORM = "beijing.sme-service-platform"        # 001
GUIYANG = "guiyang.sme-service-platform"            # 002
BJ_BASE = "beijing.startup-innovation-base"         # 003
CHENGDU = "chengdu.sme-platform-and-startup-base"   # 004


def rule_hits(findings, rule):
    return [f for f in findings if f.rule == rule]


def text_findings(raw: str, rule: str, others=None):
    return rule_hits(lint_text(raw, "t", others), rule)


@pytest.fixture(scope="module")
def found(kb):
    """Findings of the whole base, by document id."""
    out = {d.id: [] for d in kb.documents}
    for f in lint(kb):
        out[f.document].append(f)
    return out


def at(findings, rule, article, clause=None, part=None):
    return [f for f in findings if f.rule == rule and f.citation.article == article
            and f.citation.clause == clause and f.citation.part == part]


# -- building small encodings -------------------------------------------------

def doc_with(doc_id, articles, programs=("p.x",), exceptions=()):
    text = "\n".join(a.text for a in articles)
    return Document(id=doc_id, city="", title=doc_id, seed="", programs=list(programs), path="",
                    header={}, articles=articles, exceptions=list(exceptions), source_text=text)


def article(number, text, cls="eligibility", clause_texts=(), nodes=()):
    clauses = [Clause(i + 1, False, None, t) for i, t in enumerate(clause_texts)]
    return Article(number=number, label=None, cls=cls, gloss="", text=text, inferred=False,
                   clauses=clauses, conditions=list(nodes))


def node(doc_id, program, article_no, clause_no, clause_text, node_id, kind, quote,
         strength="mandatory", **params):
    cite = Citation(program, article_no, clause_no, None, False, clause_text, document=doc_id)
    return Node(id=node_id, kind=kind, program=program, citation=cite, params=params,
                quote=quote, strength=strength)


# -- numbering ---------------------------------------------------------------

def test_rule_registry_lists_every_rule_once():
    assert len(RULES) == len(set(RULES)) == 15


def test_numbering_gap_article_skipped_trips_and_consecutive_does_not():
    trips = text_findings("第一条 甲。\n第二条 乙。\n第四条 丁。", "numbering-gap")
    assert [f.citation.article for f in trips] == [4] and "第三条" in trips[0].message
    assert text_findings("第一条 甲。\n第二条 乙。\n第三条 丙。", "numbering-gap") == []


def test_numbering_gap_item_skipped_after_a_lead_in():
    trips = text_findings("第一条 应具备下列条件：\n（一）甲。\n（三）丙。", "numbering-gap")
    assert len(trips) == 1 and trips[0].citation.clause == 3 and "（二）" in trips[0].message
    assert text_findings("第一条 应具备下列条件：\n（一）甲。\n（二）乙。", "numbering-gap") == []


def test_numbering_gap_chapter_skipped():
    trips = text_findings("第一章 总则\n第一条 甲。\n第三章 附则\n第二条 乙。", "numbering-gap")
    assert len(trips) == 1 and "第二章" in trips[0].message
    assert text_findings("第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。", "numbering-gap") == []


def test_number_inferred_items_before_first_label():
    # like 000 第六条: two unlabelled paragraphs, then （三）
    raw = "第一条 应当具备以下条件:\n具有场地。\n拥有团队。\n（三）有经验。"
    trips = text_findings(raw, "number-inferred")
    assert [(f.citation.clause, f.citation.inferred) for f in trips] == [(1, True), (2, True)]
    assert text_findings("第一条 应当具备以下条件:\n（一）具有场地。\n（二）拥有团队。\n（三）有经验。",
                         "number-inferred") == []


def test_number_inferred_unlabelled_article_declared_by_hint():
    # like 001 第七条: a paragraph with no 第…条 between 第六条 and 第八条
    raw = "第六条 甲。\n鼓励下列平台发展:\n（一）乙；\n第八条 丙。"
    doc = document_from_text(raw, "t", hints={"鼓励下列平台发展": 7})
    trips = rule_hits(lint_document(doc), "number-inferred")
    assert len(trips) == 1 and trips[0].citation.article == 7 and trips[0].citation.inferred
    labelled = document_from_text("第六条 甲。\n第七条 鼓励下列平台发展:\n（一）乙；\n第八条 丙。", "t")
    assert rule_hits(lint_document(labelled), "number-inferred") == []


def test_numbering_style_mixed_digits_in_articles():
    trips = text_findings("第1条 甲。\n第2条 乙。\n第三条 丙。", "numbering-style")
    assert len(trips) == 1 and trips[0].citation.article == 3
    assert text_findings("第一条 甲。\n第二条 乙。\n第三条 丙。", "numbering-style") == []
    assert text_findings("第1条 甲。\n第2条 乙。\n第3条 丙。", "numbering-style") == []


def test_numbering_style_chapters_unlike_articles():
    trips = text_findings("第1章 总则\n第一条 甲。\n第2章 附则\n第二条 乙。", "numbering-style")
    assert len(trips) == 1 and "Chapters" in trips[0].message
    assert text_findings("第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。", "numbering-style") == []


def test_numbering_style_mixed_brackets():
    trips = text_findings("第一条 条件：\n（一）甲；\n（二）乙；\n(三)丙。", "numbering-style")
    assert len(trips) == 1 and trips[0].citation.clause == 3
    assert text_findings("第一条 条件：\n（一）甲；\n（二）乙；\n（三）丙。", "numbering-style") == []


def test_clause_restart_second_list_in_one_article():
    # like 004 第六条: （一）…（五）, then 运营条件 （一）…（三）
    raw = "第六条 须满足以下基本条件：\n（一）甲。\n（二）乙。\n须满足以下运营条件：\n（一）丙。\n（二）丁。"
    trips = text_findings(raw, "clause-restart")
    assert len(trips) == 1 and trips[0].citation.clause == 1 and trips[0].citation.part == "2"
    assert "运营条件" in trips[0].excerpt and trips[0].related[0].part is None
    assert text_findings("第六条 须满足以下条件：\n（一）甲。\n（二）乙。\n（三）丙。", "clause-restart") == []


# -- score bands ----------------------------------------------------------------

GUIYANG_15 = ("第十五条 年度考核按评分评定为优秀、良好、合格、不合格等次。其中评分为90分及以上的为优秀;"
              "75分至90分的为良好;60分至75分的为合格;60分以下的为不合格。年度考核为不合格的,取消称号。")
CLEAN_BANDS = ("第十五条 其中评分为90分及以上的为优秀;75分以上不满90分的为良好;"
               "60分以上不满75分的为合格;不满60分的为不合格。")


def test_score_band_overlap_at_shared_bounds():
    trips = text_findings(GUIYANG_15, "score-band-overlap")
    assert sorted(m for f in trips for m in ("60", "75", "90") if f"exactly {m} " in f.message) == \
        ["60", "75", "90"]
    assert len(trips) == 3
    assert text_findings(CLEAN_BANDS, "score-band-overlap") == []


def test_score_band_overlap_boundary_pair_yixia_includes_buman_excludes():
    # 以下 includes the number (profile spec), 不满 excludes it
    assert len(text_findings("第一条 60分以上的为合格；60分以下的为不合格。", "score-band-overlap")) == 1
    assert text_findings("第一条 60分以上的为合格；不满60分的为不合格。", "score-band-overlap") == []


def test_score_band_overlap_names_the_consequence_of_the_grade():
    sixty = [f for f in text_findings(GUIYANG_15, "score-band-overlap") if "exactly 60" in f.message]
    assert "取消称号" in sixty[0].why


def test_score_band_gap_trips_and_clean_does_not():
    trips = text_findings("第一条 90分以上的为优秀；60分至80分的为合格；不满60分的为不合格。", "score-band-gap")
    assert len(trips) == 1 and "80" in trips[0].message and "90" in trips[0].message
    assert text_findings(CLEAN_BANDS, "score-band-gap") == []
    assert text_findings(GUIYANG_15, "score-band-gap") == []


def test_score_band_gap_boundary_pair_at_a_seam():
    # 不满75 then 超过75: exactly 75 is in no band; 不满75 then 75分以上: covered
    assert len(text_findings("第一条 超过75分的为良好；不满75分的为合格。", "score-band-gap")) == 1
    assert text_findings("第一条 75分以上的为良好；不满75分的为合格。", "score-band-gap") == []


# -- look-back windows ------------------------------------------------------------

def _lookback_docs(own_text: str, own_quote: str, sibling_text: str = "（七）单位近3年内没有失信等情形。"):
    own_clause = f"（三）{own_text}"
    own = doc_with("a", [article(5, "第五条 应具备以下条件：\n" + own_clause, clause_texts=("x", "y", own_clause),
                                 nodes=[node("a", "a.p", 5, 3, own_clause, "a.p/credit", "lookback", own_quote,
                                             kinds=["serious_dishonesty"], subjects=["entity"], years=None)])],
                   programs=["a.p"])
    sib_years = 3 if "3年" in sibling_text else None
    sib = doc_with("b", [article(4, "第四条 应具备以下条件：\n" + sibling_text, clause_texts=("x",) * 6 + (sibling_text,),
                                 nodes=[node("b", "b.p", 4, 7, sibling_text, "b.p/credit", "lookback", sibling_text[3:],
                                             kinds=["serious_dishonesty"], subjects=["entity"], years=sib_years)])],
                   programs=["b.p"])
    return own, sib


def test_unbounded_lookback_where_a_sibling_bounds_it():
    own, sib = _lookback_docs("单位无不良信用记录。", "无不良信用记录")
    trips = rule_hits(lint_document(own, [sib]), "unbounded-lookback")
    assert len(trips) == 1 and trips[0].citation.clause == 3
    assert trips[0].related[0].document == "b" and "近3年内" in trips[0].message


def test_unbounded_lookback_not_when_the_clause_states_a_window():
    own, sib = _lookback_docs("单位近两年内无不良信用记录。", "无不良信用记录")
    assert rule_hits(lint_document(own, [sib]), "unbounded-lookback") == []


def test_unbounded_lookback_not_when_no_sibling_bounds_the_record():
    own, sib = _lookback_docs("单位无不良信用记录。", "无不良信用记录", sibling_text="（七）单位没有失信等情形。")
    assert rule_hits(lint_document(own, [sib]), "unbounded-lookback") == []


def test_unbounded_lookback_not_for_a_quality_that_names_no_record():
    # like 002 第五条（五） 主要负责人要诚信、守法: no past events to date
    own, sib = _lookback_docs("主要负责人要诚信、守法。", "主要负责人要诚信、守法")
    assert rule_hits(lint_document(own, [sib]), "unbounded-lookback") == []


# -- references ----------------------------------------------------------------------

REPEALER = "第一条 为规范管理，制定本办法。\n第九条 本办法自发布之日起施行，《甲市平台管理办法》（甲经发〔2015〕7号）同时废止。"


def test_repealed_reference_citing_a_text_another_repeals():
    repealer = document_from_text(REPEALER, "repealer")
    citing = "第一条 根据《甲市平台管理办法》（甲经发〔2015〕7号），制定本办法。"
    trips = text_findings(citing, "repealed-reference", [repealer])
    assert len(trips) == 1 and trips[0].related[0].document == "repealer"
    assert trips[0].related[0].article == 9
    assert text_findings("第一条 根据《乙市平台管理办法》（乙经发〔2015〕7号），制定本办法。",
                         "repealed-reference", [repealer]) == []


def test_repealed_reference_not_for_the_repealing_clause_itself():
    assert text_findings(REPEALER, "repealed-reference") == []


def test_repealed_reference_to_a_text_called_already_lapsed():
    # like 004 第二十七条 …（成经信函〔2018〕348号）已到期废止
    raw = "第二十七条 本办法自印发之日起施行。《甲办法》（甲经函〔2018〕3号）已到期废止。已认定的基地，按新办法重新申报。"
    trips = text_findings(raw, "repealed-reference")
    assert len(trips) == 1 and "已到期废止" in trips[0].message
    assert "stand in the meantime" in trips[0].why


def test_lapsed_basis_plan_period_ends_while_text_runs_on():
    base = "发表于:2017-12-01\n第一条 根据《某市三年工作方案(2016—2018)》，制定本办法。\n第二条 本办法自公布之日起施行{}。"
    trips = text_findings(base.format(""), "lapsed-basis")
    assert len(trips) == 1 and "2019" in trips[0].message
    # boundary pair: valid 2 years from 2017 ends with the plan (2018); 3 years runs past it
    assert text_findings(base.format("，有效期2年"), "lapsed-basis") == []
    assert len(text_findings(base.format("，有效期3年"), "lapsed-basis")) == 1


def test_lapsed_basis_not_for_a_title_without_a_period():
    raw = "第一条 根据《某市促进中小企业发展条例》，制定本办法。\n第二条 本办法自公布之日起施行。"
    assert text_findings(raw, "lapsed-basis") == []


def test_retroactive_reach_before_the_texts_date():
    # like 002 第十六条 对2016年以来认定的市级示范平台 in a text dated 2017-12-01
    raw = "发表于:2017-12-01\n第十六条 对{}年以来认定的市级示范平台给予一次性补助20万元。"
    trips = text_findings(raw.format(2016), "retroactive-reach")
    assert len(trips) == 1 and trips[0].excerpt == "2016年以来"
    assert text_findings(raw.format(2017), "retroactive-reach") == []


# -- counting units ---------------------------------------------------------------------

def test_undefined_unit_jia_and_jiaci_side_by_side():
    # like 000 第六条（三） 50家次 … 300家
    raw = "第六条 条件：\n（三）上年度服务专精特新企业不少于50家次，或服务中小企业数量不少于300家。"
    trips = text_findings(raw, "undefined-unit")
    assert len(trips) == 1 and trips[0].citation.clause == 3
    only_jia = "第六条 条件：\n（三）上年度服务中小企业数量不少于300家。"
    assert text_findings(only_jia, "undefined-unit") == []


def test_undefined_unit_not_when_the_text_defines_the_count():
    # like 004 第二十六条 本办法中所述服务企业数量，包括：…
    raw = ("第五条 条件：\n（一）线上年服务企业数量300家以上。\n（二）年服务企业20家次以上。\n"
           "第二十六条 本办法中所述服务企业数量，包括：响应企业需求提供的针对性服务企业数量。")
    assert text_findings(raw, "undefined-unit") == []
    assert len(text_findings(raw.split("\n第二十六条")[0], "undefined-unit")) == 1


def test_undefined_unit_ren_ci_in_brackets():
    # like 004 第五条（三） 年培训500人（次）以上
    trips = text_findings("第五条 条件：\n（三）年培训500人（次）以上。", "undefined-unit")
    assert len(trips) == 1 and "人（次）" in trips[0].message
    assert text_findings("第五条 条件：\n（三）年培训500人次以上。", "undefined-unit") == []


# -- general rules -----------------------------------------------------------------------

def _general_doc(exceptions=(), extra=""):
    clause = "（一）一般应具有独立法人资格。"
    n = node("g", "g.p", 6, 1, clause, "g.p/legal_person", "boolean", "一般应具有独立法人资格",
             strength="general", field="legal_person", expect=True)
    arts = [article(2, "第二条 本办法所称基地是指经认定的载体。", cls="definition"),
            article(6, "第六条 基本条件：\n" + clause + extra, clause_texts=(clause,), nodes=[n])]
    return doc_with("g", arts, programs=["g.p"], exceptions=exceptions)


def test_general_rule_without_exception_trips():
    trips = rule_hits(lint_document(_general_doc()), "general-rule")
    assert len(trips) == 1 and trips[0].citation.clause == 1 and "一般应" in trips[0].message


def test_general_rule_with_stated_exception_does_not():
    cite = Citation("g.p", 6, None, None, False, "x", document="g")
    relax = Exception_("g.p/relax", "relaxation", ["g.p/legal_person"], ["government"], cite)
    assert rule_hits(lint_document(_general_doc([relax])), "general-rule") == []
    # the words alone also state one (like 001 第五条 上述（一）（六）项的条件可适度放宽)
    assert rule_hits(lint_document(_general_doc(extra="\n政府主办的，上述条件可适度放宽。")), "general-rule") == []


def test_general_rule_in_a_duty_from_the_words():
    # like 003 第十三条 原则上应每年参加…绩效评价; 未按要求参加的，视同为…不合格
    trips = text_findings("第十三条 基地原则上应每年参加绩效评价。未按要求参加的，视同为不合格。", "general-rule")
    assert len(trips) == 1 and "视同" in trips[0].why
    assert text_findings("第十三条 基地应每年参加绩效评价。未按要求参加的，视同为不合格。", "general-rule") == []
    assert text_findings("第十三条 基地原则上应每年参加绩效评价，因不可抗力未能参加的除外。", "general-rule") == []


def test_definition_conflict_absolute_definition_general_condition():
    # like 003: 第二条 由具备独立法人资格的企业运营管理 vs 第六条（一） 一般应具有独立法人资格
    head = "第二条 本办法所称基地是指{}运营管理的载体。\n第六条 基本条件：\n（一）一般应具有独立法人资格。"
    trips = text_findings(head.format("由具备独立法人资格的企业"), "definition-conflict")
    assert len(trips) == 1 and trips[0].citation.article == 6 and trips[0].related[0].article == 2
    assert text_findings(head.format("一般由具备独立法人资格的企业"), "definition-conflict") == []
    assert text_findings(head.format("由法人单位"), "definition-conflict") == []


# -- wording -----------------------------------------------------------------------------

def test_typo_yinggou_for_nenggou():
    assert len(text_findings("第五条 条件：\n（四）应够综合应用互联网等技术。", "typo")) == 1
    assert text_findings("第五条 条件：\n（四）能够综合应用互联网等技术。", "typo") == []
    assert text_findings("第五条 条件：\n（四）场地应够用。", "typo") == []


def test_list_punctuation_heading_colon_among_full_stops():
    # like 002 第六条（六） 市场开拓: where siblings write 信息服务。
    items = ["（一）信息服务。甲。", "（二）技术服务。乙。", "（三）创业服务。丙。", "（四）市场开拓{}丁。"]
    raw = "第六条 至少满足以下一项：\n" + "\n".join(items)
    trips = text_findings(raw.format(":"), "list-punctuation")
    assert len(trips) == 1 and trips[0].citation.clause == 4
    assert text_findings(raw.format("。"), "list-punctuation") == []


def test_list_punctuation_item_missing_its_full_stop():
    # like 002 第五条（三） …服务辐射带动能力 (no 。)
    raw = "第五条 条件：\n（一）甲。\n（二）乙。\n（三）丙{}\n（四）丁。"
    trips = text_findings(raw.format(""), "list-punctuation")
    assert len(trips) == 1 and trips[0].citation.clause == 3
    assert text_findings(raw.format("。"), "list-punctuation") == []


# -- the five documents --------------------------------------------------------------------

def test_001_unnumbered_article_seven(found):
    f = at(found[BJ_PLATFORM], "number-inferred", 7)
    assert len(f) == 1 and f[0].citation.inferred and "鼓励具备下列特征的平台发展" in f[0].excerpt


def test_000_article_six_items_one_and_two_unlabelled(found):
    assert at(found[STATION], "number-inferred", 6, 1) and at(found[STATION], "number-inferred", 6, 2)
    assert not at(found[STATION], "number-inferred", 6, 3)


def test_no_numbering_gap_in_any_text_read_with_its_hints(found):
    assert all(rule_hits(fs, "numbering-gap") == [] for fs in found.values())


def test_004_arabic_then_chinese_article_numbers(found):
    f = rule_hits(found[CHENGDU], "numbering-style")
    assert len(f) == 1 and f[0].citation.article == 4 and "第3条" in f[0].excerpt
    assert all(rule_hits(found[d], "numbering-style") == [] for d in (STATION, BJ_PLATFORM, GUIYANG, BJ_BASE))


def test_004_article_six_operating_conditions_restart(found):
    f = rule_hits(found[CHENGDU], "clause-restart")
    assert len(f) == 1 and (f[0].citation.article, f[0].citation.clause, f[0].citation.part) == (6, 1, "运营条件")
    assert f[0].citation.program == "chengdu.base"


def test_002_article_fifteen_bands_overlap_at_60_75_90(found):
    f = at(found[GUIYANG], "score-band-overlap", 15)
    assert len(f) == 3
    assert any("exactly 60" in x.message and "不合格" in x.message for x in f)
    assert rule_hits(found[GUIYANG], "score-band-gap") == []


def test_unbounded_lookbacks_000_001_004_but_not_bounded_or_quality_clauses(found):
    assert at(found[STATION], "unbounded-lookback", 5, 3)
    one = at(found[BJ_PLATFORM], "unbounded-lookback", 5, 6)
    assert one and any(r.document == BJ_PLATFORM and r.article == 8 for r in one[0].related)
    four = at(found[CHENGDU], "unbounded-lookback", 6, 2)
    assert four and four[0].citation.program == "chengdu.base"
    assert any(r.article == 4 and r.clause == 7 for r in four[0].related)
    assert not at(found[CHENGDU], "unbounded-lookback", 4, 7)     # 近 3 年内
    assert not rule_hits(found[BJ_BASE], "unbounded-lookback")     # 两年内
    assert not rule_hits(found[GUIYANG], "unbounded-lookback")     # 主要负责人要诚信、守法


def test_references_004_lapsed_002_basis_and_reach_001_clean(found):
    f = at(found[CHENGDU], "repealed-reference", 27)
    assert len(f) == 1 and "成经信函〔2018〕348号" in f[0].message
    assert rule_hits(found[BJ_PLATFORM], "repealed-reference") == []   # 第十九条 repeals; 156号 fine
    assert rule_hits(found[BJ_BASE], "repealed-reference") == []
    basis = at(found[GUIYANG], "lapsed-basis", 1)
    assert len(basis) == 1 and "2016—2018" in basis[0].message
    reach = at(found[GUIYANG], "retroactive-reach", 16)
    assert len(reach) == 1 and reach[0].excerpt == "2016年以来"


def test_units_000_jia_jiaci_004_renci_but_not_its_defined_firm_count(found):
    assert at(found[STATION], "undefined-unit", 6, 3)
    four = rule_hits(found[CHENGDU], "undefined-unit")
    assert [(f.citation.article, f.citation.clause) for f in four] == [(5, 3)]    # 人（次）
    assert rule_hits(found[GUIYANG], "undefined-unit") == []


def test_general_rules_000_003_but_not_001_relaxed(found):
    assert at(found[STATION], "general-rule", 5, 2)
    assert at(found[BJ_BASE], "general-rule", 6, 1) and at(found[BJ_BASE], "general-rule", 6, 5)
    assert at(found[BJ_BASE], "general-rule", 13)
    assert not rule_hits(found[BJ_PLATFORM], "general-rule")          # 第五条 可适度放宽
    assert not at(found[STATION], "general-rule", 7, 1)               # procedure: 原则上每年开展一次


def test_003_definition_conflicts_with_general_legal_person(found):
    f = rule_hits(found[BJ_BASE], "definition-conflict")
    assert len(f) == 1 and (f[0].citation.article, f[0].citation.clause) == (6, 1)
    assert f[0].related[0].article == 2 and "独立法人资格" in f[0].excerpt
    assert not rule_hits(found[BJ_PLATFORM], "definition-conflict")  # 第二条 一般是指由法人单位


def test_001_typo_and_002_list_punctuation(found):
    assert at(found[BJ_PLATFORM], "typo", 5, 4)
    assert at(found[GUIYANG], "list-punctuation", 6, 6) and at(found[GUIYANG], "list-punctuation", 5, 3)
    assert not rule_hits(found[BJ_PLATFORM], "list-punctuation")


def test_every_finding_cites_chinese_text_and_says_why(found):
    for fs in found.values():
        for f in fs:
            assert f.citation.text and any("\u4e00" <= ch <= "\u9fff" for ch in f.citation.text), f
            assert f.why and f.message and f.programs and f.citation.program in f.programs
            data = f.to_json()
            assert set(data["citation"]) == {"program", "article", "clause", "part", "inferred", "text"}
            assert data["label"] == f.citation.label()


def test_markdown_report_groups_by_document(found, kb):
    md = lint_markdown([f for fs in found.values() for f in fs])
    for doc in kb.documents:
        assert f"(`{doc.id}`)" in md and doc.title in md
    sections = {sec.split("\n", 1)[0]: sec for sec in md.split("\n## ")}
    guiyang = next(sec for head, sec in sections.items() if f"(`{GUIYANG}`)" in head)
    assert "第十五条" in guiyang and "60分以下的为不合格" in guiyang and "运营条件" not in guiyang
    assert "Rules" in sections
    assert "No drafting findings" in lint_markdown([])


def test_lint_one_document_by_id_and_by_path(kb):
    by_id = lint(kb, CHENGDU)
    assert by_id and {f.document for f in by_id} == {CHENGDU}
    path = ROOT / "facts" / "chengdu" / "sme-platform-and-startup-base" / "encoding.yaml"
    assert [f.to_json() for f in lint(kb, str(path))] == [f.to_json() for f in by_id]


# -- the command ------------------------------------------------------------------------------

from cli_runner import regkb  # noqa: E402  (in-process: the same argv, status and output)


def test_cli_lint_all_documents_for_people():
    out = regkb("lint")
    assert out.returncode == 0, out.stderr
    for doc in (STATION, BJ_PLATFORM, GUIYANG, BJ_BASE, CHENGDU):
        assert doc in out.stdout
    assert "第十五条" in out.stdout and "60分以下的为不合格" in out.stdout


def test_cli_lint_one_document_json():
    out = regkb("lint", CHENGDU, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"findings"} and data["findings"]
    assert {f["document"] for f in data["findings"]} == {CHENGDU}
    restart = [f for f in data["findings"] if f["rule"] == "clause-restart"]
    assert restart[0]["citation"]["part"] == "运营条件" and restart[0]["label"] == "第六条·运营条件（一）"


def test_cli_lint_bare_draft_text():
    out = regkb("lint", str(FIXTURES / "draft.txt"))
    assert out.returncode == 0, out.stderr
    for rule in ("numbering-gap", "score-band-overlap", "undefined-unit", "typo"):
        assert rule in out.stdout


@pytest.mark.parametrize("arg", ["shanghai.platform", "no/such/encoding.yaml"])
def test_cli_lint_unknown_document_exits_2_with_one_line(arg):
    out = regkb("lint", arg)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and arg in out.stderr
