"""`regkb check` as a person reads it (issue 15, item 2).

Each case cites the clause whose words decide it and comes in pairs where a
figure decides: the profile that just misses shows the figure against the
threshold in the text's own terms and what is missing; the one that just
meets shows no failure for that clause.
"""
from __future__ import annotations

import json
import re

import pytest

from kb.cli import main
from tests.conftest import ROOT

AS_OF = "2024-06-30"


def check_text(kb, data: dict, program: str, lang: str = "en") -> str:
    return kb.check({"id": "t", "as_of": AS_OF, **data}, [program]).text(lang)


def lines_of(text: str, label: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(("✘", "◆")) and label in line]


# -- 北京平台 第五条（七）企业用户满意度不低于90% ---------------------------------------------

def test_bj_platform_5_7_satisfaction_just_misses_shows_percent(kb):
    text = check_text(kb, {"performance": {"satisfaction": 0.89}}, "beijing.platform")
    (line,) = lines_of(text, "第五条（七）")
    assert "企业用户满意度不低于90%" in line          # the clause's own words
    assert "89% < 90%" in line                       # a share in percent, not 0.89 < 0.9
    assert "1 percentage point" in line


def test_bj_platform_5_7_satisfaction_just_meets(kb):
    text = check_text(kb, {"performance": {"satisfaction": "90%"}}, "beijing.platform")
    assert lines_of(text, "第五条（七）") == []


def test_a_failing_share_never_rounds_up_to_the_threshold(kb):
    # 0.8999 is below 不低于90%: showing "90% < 90%" would contradict the mark beside it
    text = check_text(kb, {"performance": {"satisfaction": 0.8999}}, "beijing.platform")
    (line,) = lines_of(text, "第五条（七）")
    assert "89.9% < 90%" in line


# -- 北京平台 第五条（六）本科及以上…专业人员的比例占80％以上 ------------------------------------

def test_bj_platform_5_6_staff_share_says_how_many_more_staff(kb):
    # 9 of 14 is 64.3%; 80% of 14 is 11.2, so 12 qualified are needed: 3 more
    text = check_text(kb, {"staff": {"service": 14, "bachelor_or_mid_title": 9}}, "beijing.platform")
    (line,) = [x for x in lines_of(text, "第五条（六）") if "80％以上" in x]
    assert "9/14 = 64.2% < 80%" in line
    assert "3 more of the 14 staff" in line and "12 of 14" in line


def test_bj_platform_5_6_staff_share_just_misses_and_just_meets(kb):
    miss = check_text(kb, {"staff": {"service": 14, "bachelor_or_mid_title": 11}}, "beijing.platform")
    assert any("1 more of the 14 staff" in x for x in lines_of(miss, "第五条（六）"))
    meet = check_text(kb, {"staff": {"service": 14, "bachelor_or_mid_title": 12}}, "beijing.platform")
    assert not [x for x in lines_of(meet, "第五条（六）") if "80％以上" in x]


# -- amounts in 万元 and m² ----------------------------------------------------------------

def test_bj_platform_5_1_total_assets_in_wanyuan(kb):
    # 资产总额不低于人民币200万元
    text = check_text(kb, {"total_assets": 199.5}, "beijing.platform")
    (line,) = [x for x in lines_of(text, "第五条（一）") if "资产总额" in x]
    assert "199.5 万元 < 200 万元" in line and "0.5 万元 more" in line
    assert not [x for x in lines_of(check_text(kb, {"total_assets": 200}, "beijing.platform"), "第五条（一）")
                if "资产总额" in x]


def test_bj_station_6_1_service_space_in_square_metres(kb):
    # 不低于1000平方米的可供开展活动、举办宣讲会等的服务空间
    text = check_text(kb, {"facilities": {"service_space_m2": 999}}, "beijing.station")
    (line,) = [x for x in lines_of(text, "第六条（一）") if "1000平方米" in x]
    assert "999 m² < 1000 m²" in line and "1 m² more" in line
    text = check_text(kb, {"facilities": {"service_space_m2": 1000}}, "beijing.station")
    assert not [x for x in lines_of(text, "第六条（一）") if "1000平方米" in x]


def test_bj_platform_5_1_two_years_established_says_when_they_are_reached(kb):
    # 成立时间两年以上: founded 2022-07-01 has one full year on 2024-06-30, two on 2024-07-01
    text = check_text(kb, {"founded_on": "2022-07-01"}, "beijing.platform")
    (line,) = [x for x in lines_of(text, "第五条（一）") if "成立时间两年以上" in x]
    assert "founded_on 2022-07-01: 1 full year(s) < 2" in line and "reached on 2024-07-01" in line
    text = check_text(kb, {"founded_on": "2022-06-30"}, "beijing.platform")
    assert not [x for x in lines_of(text, "第五条（一）") if "成立时间两年以上" in x]


# -- any k of n: the nearest alternatives --------------------------------------------------

def test_guiyang_6_training_short_of_1000_person_times_is_named_with_its_gap(kb):
    # 第六条 至少满足以下一项服务功能; （四）培训服务 年培训1000人次以上: 900 is 100 short
    text = check_text(kb, {"services": {"training": {"trainees": 900}}}, "guiyang.platform")
    (line,) = [x for x in lines_of(text, "第六条") if "至少满足以下一项服务功能" in x]
    assert re.search(r"0 of \d+ met, 1 required", line)      # 至少满足以下一项
    assert "nearest" in line and "900 人次 < 1000 人次" in line and "100 人次 more" in line
    text = check_text(kb, {"services": {"training": {"trainees": 1000}}}, "guiyang.platform")
    assert not [x for x in lines_of(text, "第六条") if "至少满足以下一项服务功能" in x]


def test_k_of_n_names_what_an_unoffered_function_would_take(kb):
    # 成都平台 第五条: each of its functions （一）–（四） comes with yearly figures, so the
    # nearest unoffered one is shown with the figures it would have to reach
    text = check_text(kb, {"services": {"policy": {"offered": False}}}, "chengdu.platform")
    (line,) = [x for x in lines_of(text, "第五条") if "至少一项服务功能" in x]
    assert re.search(r"not offered \(needs [a-z_]+ ≥ \d+", line)


# -- holders: 有效期满当年可再次申报 -------------------------------------------------------------

def test_bj_platform_13_holder_shows_holding_and_the_reapply_year(kb):
    held = {"designations": [{"program": "beijing.platform", "granted_on": "2022-12-01", "expires_on": "2025-12-01"}]}
    text = check_text(kb, held, "beijing.platform")
    (line,) = lines_of(text, "第十三条")
    assert line.strip().startswith("◆")
    assert "holds beijing.platform until 2025-12-01; may reapply in 2025" in line
    zh = check_text(kb, held, "beijing.platform", "zh")
    assert "持有 beijing.platform 至 2025-12-01；2025 年可重新申报" in zh


def test_bj_platform_13_expiring_this_year_may_reapply(kb):
    held = {"designations": [{"program": "beijing.platform", "granted_on": "2021-12-01", "expires_on": "2024-12-01"}]}
    assert lines_of(check_text(kb, held, "beijing.platform"), "第十三条") == []


# -- header: which text, in which status; legend; language -----------------------------------

def test_header_names_each_text_applied_and_its_status(kb):
    report = kb.check({"id": "t", "as_of": AS_OF})
    text = report.text()
    assert "成都市中小企业公共服务平台和小企业创业基地认定管理办法（征求意见稿）" in text
    assert "chengdu.sme-platform-and-startup-base@current, draft for comment" in text
    assert "guiyang.sme-service-platform@current, trial" in text     # （试行）
    assert "beijing.sme-service-platform@current, in force" in text
    assert "Legend:" in text and "✘ fails" in text and "* clause number inferred" in text
    zh = report.text("zh")
    assert "适用文本" in zh and "征求意见稿" in zh and "试行" in zh and "图例" in zh


def test_zh_words_around_the_citations(kb):
    text = check_text(kb, {"performance": {"satisfaction": 0.89}}, "beijing.platform", "zh")
    (line,) = lines_of(text, "第五条（七）")
    assert "89% < 90%" in line and "差 1 个百分点" in line
    assert "✘ 不符合" in text


def test_json_keeps_its_keys_and_adds_the_text_applied(capsys):
    sample = ROOT / "facts" / "organizations" / "bj-wangjing-platform.yaml"
    assert main(["check", str(sample), "--program", "chengdu.base", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"org", "as_of", "results"}
    (result,) = data["results"]
    assert {"program", "status", "failed", "unknown", "evidence"} <= set(result)
    # 成都 text: 认定管理办法（征求意见稿）, a draft for comment
    assert result["version"] == "chengdu.sme-platform-and-startup-base@current"
    assert result["text_status"] == "draft" and "征求意见稿" in result["text_title"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_lang_option(capsys, lang):
    sample = ROOT / "facts" / "organizations" / "bj-wangjing-platform.yaml"
    assert main(["check", str(sample), "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert ("Texts applied" if lang == "en" else "适用文本") in out
    assert "企业用户满意度不低于90%" in out


def test_cd_platform_4_7_credit_event_in_chinese(kb):
    # 第四条（七）单位和法人代表近 3 年内没有违法违规…: an entry in the 经营异常名录 a year before
    # as_of bars the platform; one five years before does not
    recent = {"credit_events": [{"kind": "经营异常名录", "date": "2023-06-30", "subject": "单位"}]}
    (line,) = lines_of(check_text(kb, recent, "chengdu.platform", "zh"), "第四条（七）")
    assert "2023-06-30 经营异常名录（单位）" in line and "前 3 年内" in line
    old = {"credit_events": [{"kind": "abnormal_operation_list", "date": "2019-06-30", "subject": "entity"}]}
    assert lines_of(check_text(kb, old, "chengdu.platform", "zh"), "第四条（七）") == []


def test_json_failed_items_carry_the_clause_words_and_the_shortfall(kb):
    # 北京平台 第五条（七）企业用户满意度不低于90%: the JSON adds, never replaces
    data = kb.check({"id": "t", "as_of": AS_OF, "performance": {"satisfaction": 0.89}},
                    ["beijing.platform"]).to_json()
    (item,) = [f for f in data["results"][0]["failed"] if f["condition"] == "beijing.platform/satisfaction"]
    assert {"condition", "citation", "why"} <= set(item)
    assert item["quote"] == "企业用户满意度不低于90%"
    assert item["shortfall"]["en"].startswith("89% < 90%") and "差 1 个百分点" in item["shortfall"]["zh"]
