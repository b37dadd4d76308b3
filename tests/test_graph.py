"""The dependency graph (kb/graph/__init__.py, facts/graph.yaml) against the texts.

Each edge below is what a careful reader takes from one article; the test
names the article and the words that say it, so a wrong or missing edge
fails by name. Then: nothing else is claimed, the station ↔ base cycle is
reported, and the exports (PNG, offline HTML, GraphML, JSON) hold the same.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest

from kb.io.errors import InputError
from kb.graph import EDGE_TYPES, build_graph, cycles, edges_of, load_edges, node_link

ROOT = Path(__file__).resolve().parent.parent


from cli_runner import regkb  # noqa: E402  (in-process: the same argv, status and output)

# (id, source, target, type, program cited, article, clause, words of that article)
EDGES = [
    ("station-14-preference-base", "beijing.station", "beijing.base", "preference",
     "beijing.station", 14, None, "对服务站申报小型微型企业创业创新示范基地"),
    ("station-14-preference-specialty-park", "beijing.station", "beijing.srdi-specialty-park", "preference",
     "beijing.station", 14, None, "专精特新特色园区等中小企业服务载体时予以倾斜"),
    ("station-5(1)-base-operators-named-applicants", "beijing.base", "beijing.station", "eligible_applicant",
     "beijing.station", 5, 1, "申报主体包括但不限于北京市小型微型企业创业创新示范基地"),
    ("base-6(10)-requires-enterprise-service-station", "beijing.base", "beijing.base-enterprise-service-station",
     "requires", "beijing.base", 6, 10, "建有企业服务站"),
    ("platform-1-legal-basis-miit-156", "beijing.sme-service-platform", "national.miit-2017-156", "legal_basis",
     "beijing.platform", 1, None, "工信部企业〔2017〕156号"),
    ("platform-1-legal-basis-beijing-regulation", "beijing.sme-service-platform",
     "beijing.sme-development-regulation", "legal_basis", "beijing.platform", 1, None, "《北京市促进中小企业发展条例》"),
    ("guiyang-1-legal-basis-guofa-32", "guiyang.sme-service-platform", "national.guofa-2015-32", "legal_basis",
     "guiyang.platform", 1, None, "国发〔2015〕32号"),
    ("guiyang-1-legal-basis-miit-156", "guiyang.sme-service-platform", "national.miit-2017-156", "legal_basis",
     "guiyang.platform", 1, None, "工信部企业〔2017〕156号"),
    ("guiyang-1-legal-basis-demo-city-plan", "guiyang.sme-service-platform", "guiyang.demo-city-plan-2016",
     "legal_basis", "guiyang.platform", 1, None, "贵阳市小微企业创业创新基地城市示范三年工作方案"),
    ("guiyang-1-legal-basis-zhufubanfa-51", "guiyang.sme-service-platform", "guiyang.zhufubanfa-2016-51",
     "legal_basis", "guiyang.platform", 1, None, "筑府办发〔2016〕51号"),
    ("base-1-legal-basis-beijing-regulation", "beijing.startup-innovation-base",
     "beijing.sme-development-regulation", "legal_basis", "beijing.base", 1, None, "为落实《北京市促进中小企业发展条例》要求"),
    ("station-1-legal-basis-promotion-regulation", "beijing.srdi-service-station",
     "beijing.sme-promotion-regulation", "legal_basis", "beijing.station", 1, None, "《北京市中小企业促进条例》"),
    ("station-1-legal-basis-ten-actions", "beijing.srdi-service-station", "beijing.ten-actions-measures",
     "legal_basis", "beijing.station", 1, None, "《关于实施十大强企行动激发专精特新企业活力的若干措施》"),
    ("chengdu-1-legal-basis-sme-promotion-law", "chengdu.sme-platform-and-startup-base",
     "national.sme-promotion-law", "legal_basis", "chengdu.platform", 1, None, "根据《中华人民共和国中小企业促进法》"),
    ("platform-19-repeals-jjxwf-2017-24", "beijing.sme-service-platform", "beijing.jjxwf-2017-24", "repeals",
     "beijing.platform", 19, None, "京经信委发〔2017〕24号)同时废止"),
    ("base-18-repeals-jjxwf-2019-52", "beijing.startup-innovation-base", "beijing.jjxwf-2019-52", "repeals",
     "beijing.base", 18, None, "京经信委发〔2019〕52号）同时废止"),
    ("chengdu-27-records-expiry-of-cjxh-2018-348", "chengdu.sme-platform-and-startup-base",
     "chengdu.cjxh-2018-348", "repeals", "chengdu.platform", 27, None, "成经信函〔2018〕348号）已到期废止"),
    ("platform-16-cooperates-network-hub", "beijing.platform", "beijing.sme-platform-hub", "cooperates",
     "beijing.platform", 16, None, "北京市中小企业公共服务平台网络市级枢纽平台的统筹协调"),
    ("base-16-cooperates-sme-public-service-platform", "beijing.base", "beijing.sme-platform-hub", "cooperates",
     "beijing.base", 16, None, "与北京市中小企业公共服务平台开展协同服务，接受其业务指导"),
    ("chengdu-20-platform-reports-on-cdsme", "chengdu.platform", "chengdu.cdsme-website", "cooperates",
     "chengdu.platform", 20, None, "每月登录“成都市银企校院对接服务平台网站”（www.cdsme.com）填报"),
    ("chengdu-20-base-reports-on-cdsme", "chengdu.base", "chengdu.cdsme-website", "cooperates",
     "chengdu.base", 20, None, "每月登录“成都市银企校院对接服务平台网站”（www.cdsme.com）填报"),
    ("chengdu-25-platform-service-centre-training", "chengdu.platform", "chengdu.sme-service-center",
     "cooperates", "chengdu.platform", 25, None, "建立平台、基地培训和交流机制"),
    ("chengdu-25-base-service-centre-training", "chengdu.base", "chengdu.sme-service-center",
     "cooperates", "chengdu.base", 25, None, "建立平台、基地培训和交流机制"),
    ("guiyang-16-subsidy-200k", "guiyang.industry-fund", "guiyang.platform", "benefit",
     "guiyang.platform", 16, None, "给予一次性补助20万元"),
    ("platform-18-priority-policy-support", "beijing.mbeit", "beijing.platform", "benefit",
     "beijing.platform", 18, None, "优先予以政策支持"),
    ("base-14-graded-funding-awards", "beijing.mbeit", "beijing.base", "benefit",
     "beijing.base", 14, None, "分级分档给予资金奖励"),
    ("chengdu-23-platform-key-support", "chengdu.jxj", "chengdu.platform", "benefit",
     "chengdu.platform", 23, None, "在财政资金、扶持政策等方面予以重点支持"),
    ("chengdu-23-base-key-support", "chengdu.jxj", "chengdu.base", "benefit",
     "chengdu.base", 23, None, "在财政资金、扶持政策等方面予以重点支持"),
    ("station-15-branded-events-first", "beijing.sme-authorities", "beijing.station", "benefit",
     "beijing.station", 15, None, "品牌活动,优先在具备条件的服务站举办"),
    ("station-16-district-funding", "beijing.sme-authorities", "beijing.station", "benefit",
     "beijing.station", 16, None, "给予资金或其他方面支持"),
    ("station-2-defines", "beijing.srdi-service-station", "beijing.station", "defines",
     "beijing.station", 2, None, "专精特新企业服务站(以下简称“服务站”)"),
    ("platform-2-defines", "beijing.sme-service-platform", "beijing.platform", "defines",
     "beijing.platform", 2, None, "北京市中小企业公共服务示范平台(以下简称“示范平台”)"),
    ("guiyang-2-defines", "guiyang.sme-service-platform", "guiyang.platform", "defines",
     "guiyang.platform", 2, None, "贵阳市中小企业公共服务示范平台(以下简称示范平台)"),
    ("base-2-defines", "beijing.startup-innovation-base", "beijing.base", "defines",
     "beijing.base", 2, None, "北京市小型微型企业创业创新示范基地（以下简称“示范基地”）"),
    ("chengdu-2-defines-platform", "chengdu.sme-platform-and-startup-base", "chengdu.platform", "defines",
     "chengdu.platform", 2, None, "成都市中小企业公共服务平台（以下简称平台）"),
    ("chengdu-3-defines-base", "chengdu.sme-platform-and-startup-base", "chengdu.base", "defines",
     "chengdu.base", 3, None, "成都市小企业创业基地（以下简称基地）"),
]


@pytest.fixture(scope="module")
def graph(kb):
    return build_graph(kb)


@pytest.mark.parametrize("eid, source, target, kind, program, article, clause, words", EDGES,
                         ids=[e[0] for e in EDGES])
def test_edge_read_from_its_article(graph, kb, eid, source, target, kind, program, article, clause, words):
    found = [e for e in edges_of(graph) if (e.source, e.target, e.type) == (source, target, kind)
             and e.citation.article == article]
    assert len(found) == 1, f"{eid}: expected one {kind} edge {source} → {target} citing article {article}"
    e = found[0]
    c = e.citation
    assert (c.program, c.article, c.clause) == (program, article, clause)
    assert words in c.text, "the cited article must say it"
    assert e.quote in c.text
    doc = kb.programs[program].document
    assert c.document == doc.id
    assert words in doc.source_text.replace("\u3000", " ").replace("\xa0", " ")


def test_no_edge_beyond_those_read_from_the_texts(graph):
    pinned = {(s, t, k, a) for _, s, t, k, _, a, _, _ in EDGES}
    drawn = {(e.source, e.target, e.type, e.citation.article) for e in edges_of(graph)}
    assert drawn == pinned
    assert {e.type for e in edges_of(graph)} <= set(EDGE_TYPES)


def test_nodes_are_the_programs_their_texts_and_what_the_texts_name(graph, kb):
    kinds = nx.get_node_attributes(graph, "kind")
    assert {n for n, k in kinds.items() if k == "program"} == set(kb.programs)
    assert {n for n, k in kinds.items() if k == "document"} == {d.id for d in kb.documents}
    labels = nx.get_node_attributes(graph, "label")
    for name in ("专精特新特色园区", "北京市中小企业公共服务平台网络市级枢纽平台",
                 "成都市银企校院对接服务平台网站（www.cdsme.com）"):
        assert name in labels.values()
    assert graph.nodes["national.miit-2017-156"]["number"] == "工信部企业〔2017〕156号"
    assert graph.nodes["beijing.jjxwf-2017-24"]["kind"] == "repealed_document"


def test_station_base_cycle_is_reported_with_both_articles(graph):
    """站 第十四条 gives a station preference for the base; 第五条（一） names base
    operators as station applicants: the two programs point at each other."""
    found = cycles(graph)
    assert len(found) == 1
    cycle = found[0]
    assert {e.source for e in cycle} == {"beijing.station", "beijing.base"}
    assert {(e.type, e.citation.article, e.citation.clause) for e in cycle} == \
        {("preference", 14, None), ("eligible_applicant", 5, 1)}
    assert node_link(graph)["cycles"][0]["nodes"] == [e.source for e in cycle]


def test_base_6_10_station_is_a_facility_not_the_srdi_designation(graph):
    """基地 第六条（十）「建有企业服务站」 asks for an on-site facility; the designation
    专精特新企业服务站 (站 第二条) is another thing, and the edge says why."""
    e = next(e for e in edges_of(graph, ("requires",)))
    assert e.target != "beijing.station"
    assert graph.nodes[e.target]["kind"] == "facility"
    assert "专精特新企业服务站" in e.interpretation and "not the designation" in e.interpretation


def test_chengdu_27_is_an_expiry_with_reapplication(graph):
    e = next(e for e in edges_of(graph, ("repeals",)) if e.target == "chengdu.cjxh-2018-348")
    assert e.extra["mode"] == "expired"
    assert e.extra["transition"] == "已认定的市级平台、基地，按新办法重新申报"


def test_guiyang_16_subsidy_amount(graph):
    e = next(e for e in edges_of(graph, ("benefit",)) if e.target == "guiyang.platform")
    assert (e.extra["amount"], e.extra["unit"]) == (20, "万元")


def test_legal_bases_agree_with_the_encoding_headers(graph, kb):
    """Each 文号 an encoding lists as legal basis or as repealed is an edge of that type."""
    for doc in kb.documents:
        numbers = {graph.nodes[e.target].get("number") for e in edges_of(graph)
                   if e.source == doc.id and e.type in ("legal_basis", "repeals")}
        for key in ("legal_basis", "repeals", "replaces"):
            for number in doc.header.get(key) or []:
                assert number in numbers, f"{doc.id}: {key} {number}"


@pytest.mark.parametrize("change, field", [
    (lambda d: d["edges"][0].update(quote="服务站不得申报示范基地"), "edges[0].quote"),
    (lambda d: d["edges"][0].update(type="prefers"), "edges[0].type"),
    (lambda d: d["edges"][0].update(target="beijing.nowhere"), "edges[0].target"),
    (lambda d: d["edges"][2]["cite"].update(clause=9), "edges[2].cite.clause"),
])
def test_graph_facts_are_checked(kb, tmp_path, change, field):
    import yaml
    data = yaml.safe_load((kb.facts_dir / "graph.yaml").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "graph.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    fake = SimpleNamespace(facts_dir=tmp_path, programs=kb.programs, documents=kb.documents)
    with pytest.raises(InputError) as err:
        load_edges(fake)
    assert err.value.field == field


def test_png_renders_chinese_without_missing_glyphs(graph, tmp_path):
    import matplotlib.image as mpimg

    from kb.graph.draw import draw_png
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # matplotlib warns on every glyph its font lacks
        draw_png(graph, tmp_path / "g.png")
    height, width = mpimg.imread(tmp_path / "g.png").shape[:2]
    assert width > 2000 and height > 1400


def test_cli_writes_the_four_exports(tmp_path, graph):
    out = regkb("graph", "--write", str(tmp_path), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"nodes", "edges"}
    for e in data["edges"]:
        assert set(e) >= {"source", "target", "type", "citation"}
        assert set(e["citation"]) == {"program", "article", "clause", "part", "inferred", "text"}
    assert len(data["edges"]) == graph.number_of_edges()
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"program-graph.png", "program-graph.html", "program-graph.graphml", "program-graph.json"}
    assert (tmp_path / "program-graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "program-graph.json").read_text(encoding="utf-8")) == data
    g = nx.read_graphml(tmp_path / "program-graph.graphml")
    assert g.number_of_edges() == graph.number_of_edges()
    station_base = [d for u, v, d in g.edges(data=True) if (u, v) == ("beijing.station", "beijing.base")]
    assert station_base[0]["type"] == "preference" and station_base[0]["article"] == 14
    page = (tmp_path / "program-graph.html").read_text(encoding="utf-8")
    assert "<svg" in page and "第十四条" in page and "专精特新特色园区" in page
    # offline: no script, style sheet or image fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_cli_text_lists_edges_and_cycle():
    out = regkb("graph")
    assert out.returncode == 0, out.stderr
    assert "cycles (1)" in out.stdout and "第十四条" in out.stdout and "第五条（一）" in out.stdout


def test_cli_write_into_a_file_fails_cleanly(tmp_path):
    target = tmp_path / "not-a-dir"
    target.write_text("x")
    out = regkb("graph", "--write", str(target))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("regkb: ") and len(out.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dir"]
