"""Issue 16, class 4 (one predicate, one key), read across programs: the same
words of the texts are attested under the same key everywhere, so one
attestation reaches every program that asks for them. Written from the texts:
each phrase below occurs in more than one measure."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import knowledge_base
from kb.profile import profile_from_dict

ROOT = Path(__file__).resolve().parent.parent

# words of the texts → the one key every qualitative node quoting them uses
SAME_WORDS = {
    "健全的管理制度": "sound_management",             # 北京平台5(5), 北京基地6(7), 成都4(5), 贵阳5(4)
    "具有在线服务、线上线下联动功能": "online_offline_linkage",   # 北京平台6(1), 贵阳6(1), 成都5(1)/7(1)
    "精密仪器设备与中小企业共享": "instrument_sharing",     # 北京平台6(3), 贵阳6(2), 成都5(4)
    "专家库": "expert_pool",                         # 北京平台6(3), 贵阳6(2), 成都5(4)
    "具有培训资质或在中小企业主管部门备案": "training_qualification",  # 北京平台6(5), 贵阳6(4)
    "具有远程培训能力": "remote_training",             # 北京平台6(5), 贵阳6(4)
    "有健全的管理团队和人才队伍": "team",
    "具有良好的发展前景和可持续发展能力": "prospects",
}


def _qualitative(kb):
    for prog in kb.programs.values():
        for node in prog.nodes():
            if node.kind == "qualitative" and node.quote:
                yield prog.id, node


@pytest.mark.parametrize("words,key", SAME_WORDS.items())
def test_the_same_words_have_one_attest_key(kb, words, key):
    found = {(pid, n.id, n.params["attest"]) for pid, n in _qualitative(kb) if words in n.quote}
    assert len({pid for pid, _, _ in found}) >= 2, f"{words} should occur in two programs: {found}"
    assert {a for _, _, a in found} == {key}, found


def test_经营状况良好_attested_false_fails_the_platform_the_station_and_the_base():
    # 北京平台5(1) 经营和信用状况良好, 北京服务站5(3) 经营状况良好, 北京基地6(2) 经营状况良好
    kb = knowledge_base()
    data = yaml.safe_load((ROOT / "facts/organizations/bj-wangjing-platform.yaml").read_text(encoding="utf-8"))
    data["attest"] = {"good_operation": False}
    report = kb.check(profile_from_dict(data, source="test"), ["beijing.platform", "beijing.station", "beijing.base"])
    for result in report.results:
        failed = {f.condition for f in result.failed}
        assert result.status == "fails", (result.program, failed)
        assert any(kb.nodes[c].kind == "qualitative" and kb.nodes[c].params["attest"] == "good_operation"
                   for c in failed if c in kb.nodes), (result.program, failed)


def test_信用状况良好_is_its_own_condition_in_the_platform():
    # 北京平台5(1) 经营和信用状况良好 names two things; attesting only credit false fails only good_credit
    kb = knowledge_base()
    data = yaml.safe_load((ROOT / "facts/organizations/bj-wangjing-platform.yaml").read_text(encoding="utf-8"))
    data["attest"] = {"good_credit": False}
    result = kb.check(profile_from_dict(data, source="test"), ["beijing.platform"]).results[0]
    assert "beijing.platform/good_credit" in {f.condition for f in result.failed}
    assert "beijing.platform/good_operation" not in {f.condition for f in result.failed}
