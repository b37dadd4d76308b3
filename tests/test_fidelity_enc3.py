"""Chengdu 成都市中小企业公共服务平台和小企业创业基地认定管理办法（征求意见稿）, second reading
(issue 16): what an undetermined answer asks for, and the shared attest keys.

The case files (tests/cases/chengdu.*.yaml) check statuses and failed ids; these
check what the case format cannot: the fields an undetermined result names, and
that the same words carry the same attest key in both programs."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import apply_changes, knowledge_base
from kb.profile import profile_from_dict

CASES = Path(__file__).parent / "cases"


def _base(program: str) -> dict:
    return yaml.safe_load((CASES / f"{program}.yaml").read_text(encoding="utf-8"))["base"]


def _missing(program: str, set_=None, unset=None) -> dict[str, list[str]]:
    data = apply_changes(_base(program), set_, unset)
    result = knowledge_base().check(profile_from_dict(data, source="enc3"), [program]).results[0]
    assert result.status == "undetermined", {f.condition: f.why for f in result.failed}
    return {f.condition: list(f.missing) for f in result.unknown}


def test_4_4_undetermined_share_names_the_fulltime_qualified_field():
    # 第四条（四） 其中…比例占80%以上: 12 staff, 10 full-time, 9 qualified overall — between 70% and 90%
    missing = _missing("chengdu.platform",
                       {"staff": {"service": 12, "fulltime_service": 10, "bachelor_or_mid_title": 8,
                                  "college_or_mid_title": 9}})
    assert "staff.fulltime_qualified" in missing["chengdu.platform/staff_qualification_share"]


def test_5_1_policy_system_not_reported_names_info_system():
    # 第五条（一） 开放的政策服务系统
    missing = _missing("chengdu.platform", {"services": {"policy": {"firms_online": 350}}},
                       ["facilities.info_system"])
    assert "facilities.info_system" in missing["chengdu.platform/functions"]


def test_7_2_visits_without_online_figure_name_firm_visits_all():
    # 第七条（二） 年服务企业20家次 without 线下: 19 offline, online and offline together not given
    missing = _missing("chengdu.base", {"services.entrepreneurship.firm_visits": 19}, ["services.financing"])
    assert "services.entrepreneurship.firm_visits_all" in missing["chengdu.base/functions"]


def _attest_keys(program: str) -> dict[str, str]:
    """quote → attest key of every qualitative node of a program."""
    kb = knowledge_base()
    out = {}
    for top in kb.programs[program].conditions:
        for node in top.walk():
            if node.kind == "qualitative":
                out[node.quote] = node.params["attest"]
    return out


@pytest.mark.parametrize("platform_words,base_words,key", [
    ("有健全的管理制度", "基地具有健全的管理制度", "sound_management"),
    ("合理的收费标准", "收费标准", "fee_standards"),
    ("具有在线服务、线上线下联动功能", "具有在线服务、线上线下联动功能", "online_offline_linkage"),
    ("组织技术服务资源的能力", "组织技术服务资源的能力", "tech_resources"),
])
def test_same_words_same_attest_key_in_both_programs(platform_words, base_words, key):
    assert _attest_keys("chengdu.platform")[platform_words] == key
    assert _attest_keys("chengdu.base")[base_words] == key


def test_validity_years_of_article_17():
    # 第十七条 平台、基地认定有效期为三年
    path = Path(__file__).parent.parent / "facts/chengdu/sme-platform-and-startup-base/encoding.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))["document"]
    assert doc["validity_years"] == {"chengdu.platform": 3, "chengdu.base": 3}
