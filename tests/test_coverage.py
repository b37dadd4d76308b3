"""regkb coverage tells the truth: per clause encoded, partly encoded (naming
what is not) or not encoded; eligibility-bearing words count wherever they
sit; every switch is listed, including one whose default imposes nothing."""
from __future__ import annotations

import copy
from pathlib import Path

from kb.lint.coverage import ENCODED, NOT_ENCODED, PARTLY, coverage, switches_of, units
from kb.law.switches import load_switches
from kb.law.versions import raw_nodes
from kb.io.yamlio import read_yaml

FACTS = Path(__file__).resolve().parent.parent / "facts"
BJ = FACTS / "beijing/sme-service-platform/encoding.yaml"
CD = FACTS / "chengdu/sme-platform-and-startup-base/encoding.yaml"


def data_of(path: Path) -> dict:
    return copy.deepcopy(read_yaml(path))


def unit(data: dict, label: str):
    found = [u for u in units(data) if u.label == label]
    return found[0] if found else None


def article(data: dict, number: int) -> dict:
    return next(a for a in data["articles"] if a["number"] == number)


def clause(data: dict, number: int, no: int) -> dict:
    return next(c for c in article(data, number)["clauses"] if c.get("clause") == no)


def test_every_eligibility_clause_is_read(kb):
    rows = coverage(kb)
    assert len(rows) == 5
    for row in rows:
        assert row["units"] > 0
        unread = [u["label"] for u in row["clauses"] if u["class"] == "eligibility" and u["status"] == NOT_ENCODED]
        assert unread == [], f"{row['document']} leaves out {unread}"


def test_every_article_is_classified(kb):
    for doc in kb.documents:
        for art in doc.articles:
            assert art.cls and art.gloss.strip(), f"{doc.id} 第{art.number}条"


def test_a_clause_without_conditions_is_not_encoded():
    # 北京平台 第五条（七）: 企业用户满意度不低于90%；…不少于总服务量的20%
    data = data_of(BJ)
    assert unit(data, "第五条（七）").status == ENCODED
    clause(data, 5, 7)["conditions"] = []
    assert unit(data, "第五条（七）").status == NOT_ENCODED


def test_words_a_node_does_not_read_make_the_clause_partly_encoded():
    # 北京平台 第五条（七）: say the public-welfare share were left out
    data = data_of(BJ)
    node = clause(data, 5, 7)["conditions"][0]
    node["not_encoded"] = [{"what": "平台提供的公益性服务或低收费服务不少于总服务量的20%", "why": "test"}]
    u = unit(data, "第五条（七）")
    assert u.status == PARTLY and u.not_encoded[0]["what"].startswith("平台提供的公益性服务")


def test_not_encoded_on_a_clause_counts_too():
    data = data_of(BJ)
    clause(data, 5, 7)["not_encoded"] = [{"what": "企业用户满意度", "why": "test"}]
    assert unit(data, "第五条（七）").status == PARTLY


def test_ban_in_a_revocation_article_counts():
    # 北京平台 第十四条 (class revocation): 有下列情况之一的，三年内不得再次申请
    data = data_of(BJ)
    assert article(data, 14)["class"] == "revocation"
    assert unit(data, "第十四条").status == ENCODED
    # its reasons (二)(三) are read through the article's ban
    assert unit(data, "第十四条（二）").status == ENCODED and unit(data, "第十四条（二）").through == "第十四条"
    article(data, 14)["conditions"] = []
    assert unit(data, "第十四条").status == NOT_ENCODED
    assert unit(data, "第十四条（二）").status == NOT_ENCODED


def test_validity_period_is_read_by_document_validity():
    # 北京平台 第十三条: 有效期为三年 — validity_years 3 reads it; 2 would not be the text's figure
    data = data_of(BJ)
    article(data, 13)["conditions"] = []
    data["document"]["validity_years"] = {"beijing.platform": 3}
    assert unit(data, "第十三条").status == ENCODED
    data["document"]["validity_years"] = {"beijing.platform": 2}
    assert unit(data, "第十三条").status == NOT_ENCODED


def test_reapplication_words_outside_eligibility_articles_are_units():
    # 成都 第二十七条 (general): 已认定的市级平台、基地，按新办法重新申报
    data = data_of(CD)
    u = unit(data, "第二十七条")
    assert u is not None and u.cls == "general"
    article(data, 27).pop("not_encoded", None)
    assert unit(data, "第二十七条").status == NOT_ENCODED
    # an article that bears on no one's eligibility is no unit: 第二十八条 本办法由市经信局负责解释
    assert unit(data, "第二十八条") is None


def test_every_switch_is_listed_with_a_default_imposing_nothing():
    # 成都 第六条 运营条件（一）: a park that is neither kind has no area figure by default
    defs = load_switches(FACTS)
    data = data_of(CD)
    rows = {s["switch"]: s for s in switches_of(data, defs, ["chengdu.platform", "chengdu.base"])}
    assert rows["chengdu_base_other_park_area"]["default_imposes_nothing"] is True
    assert "chengdu.base/building_area/other_parks" in rows["chengdu_base_other_park_area"]["conditions"]
    assert rows["growth_reading"]["default_imposes_nothing"] is False
    # every switch whose changes name a program of the document is there
    for name, spec in defs.items():
        if any(c.split("/")[0] in ("chengdu.platform", "chengdu.base") for c in spec.changes):
            assert name in rows


def test_switch_nodes_under_any_reading_read_their_clause():
    # 贵阳 第三条 (procedure) carries the implied locality; its not_required reading imposes nothing
    data = data_of(FACTS / "guiyang/sme-service-platform/encoding.yaml")
    ids = [n for n, i, _, _ in raw_nodes(data) if i == "guiyang.platform/registered_in_guiyang"]
    assert ids and unit(data, "第三条").status == ENCODED


def test_coverage_json_names_partly_encoded_words(kb):
    row = next(r for r in coverage(kb) if r["document"] == "chengdu.sme-platform-and-startup-base")
    u = next(u for u in row["clauses"] if u["label"] == "第二十七条")
    assert any("重新申报" in e["what"] for e in u["not_encoded"])
    assert set(row) >= {"units", "encoded", "partly", "not_encoded", "partly_encoded", "switches"}


def test_words_no_node_quotes_are_named():
    # 北京平台 第五条（七）: drop the satisfaction node and its words 企业用户满意度不低于90% are unquoted
    data = data_of(BJ)
    assert unit(data, "第五条（七）").unquoted == []
    conds = clause(data, 5, 7)["conditions"]
    clause(data, 5, 7)["conditions"] = [c for c in conds if c.get("id") != "beijing.platform/satisfaction"]
    assert unit(data, "第五条（七）").unquoted == ["企业用户满意度不低于90%"]
    # listed as not encoded, the words are accounted for
    clause(data, 5, 7)["not_encoded"] = [{"what": "企业用户满意度不低于90%", "why": "test"}]
    assert unit(data, "第五条（七）").unquoted == []
