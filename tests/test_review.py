"""regkb review: each article and clause beside what the encoding requires,
for a lawyer's sign-off; comparisons/review/ is current."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.lint.review import html, markdown, review_model, sheet
from kb.law.versions import raw_nodes
from kb.io.yamlio import read_yaml

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "comparisons" / "review"


@pytest.fixture(scope="module")
def sheets(kb):
    return {doc.id: markdown(review_model(kb, doc.id)) for doc in kb.documents}


def test_every_article_in_order_with_its_text(kb, sheets):
    for doc in kb.documents:
        md = sheets[doc.id]
        positions = []
        for art in doc.articles:
            first = art.text.splitlines()[0].strip()
            assert f"> {first}" in md, f"{doc.id} 第{art.number}条 text missing"
            positions.append(md.index(f"> {first}"))
        assert positions == sorted(positions), f"{doc.id}: articles out of order"


def test_every_condition_and_every_switch_reading_is_shown(kb, sheets):
    for doc in kb.documents:
        md = sheets[doc.id]
        data = read_yaml(doc.path)
        for node, nid, _, _ in raw_nodes(data):
            if node.get("id"):
                assert f"`{node['id']}`" in md, f"{doc.id}: {node['id']} not on the sheet"
            for value in (node.get("cases") or {}):
                assert f"reading `{value}`" in md, f"{doc.id}: {nid} reading {value} not on the sheet"


def test_figures_in_plain_words(sheets):
    gy = sheets["guiyang.sme-service-platform"]
    # 贵阳 第六条（五）: 帮助中小企业融资总额3亿元以上 → 30000 万元, ≥
    assert "30000万元 (30000 × 10,000 yuan)" in gy
    line = next(l for l in gy.splitlines() if "financing_raised`" in l)
    assert "不少于30000万元" in line and "at least 30000 × 10,000 yuan" in line
    # 北京平台 第五条（六）: 比例占80％以上 → a share shown as 80%
    bj = sheets["beijing.sme-service-platform"]
    line = next(l for l in bj.splitlines() if "staff_qualification_share`" in l)
    assert "80%" in line and "share of" in line


def test_strength_window_and_lists(sheets):
    base = sheets["beijing.startup-innovation-base"]
    # 北京基地 第六条（五）: 原则上不少于60家 — a general rule, said so
    line = next(l for l in base.splitlines() if "`beijing.base/resident_firms`" in l)
    assert "一般应（原则上） / general rule" in line
    # 北京基地 第三条: …等载体均可申报 — the open reading shown as open
    assert "开放（等 / 包括但不限于）open" in base
    # 北京平台 第八条: 前三年内 — the window in words
    bj = sheets["beijing.sme-service-platform"]
    assert "within 3 years before as_of" in bj


def test_not_encoded_words_and_status(sheets):
    cd = sheets["chengdu.sme-platform-and-startup-base"]
    # 成都 第二十七条: 已认定的市级平台、基地，按新办法重新申报 — not encoded, and why
    section = cd[cd.index("## 第二十七条"):]
    section = section[:section.index("\n## ", 3)]
    assert "未编码 not encoded" in section and "重新申报" in section
    # 成都 第六条 运营条件（一）: a park of neither kind — the default reading imposes nothing
    assert "**imposes nothing 不设条件**" in cd


def test_html_is_self_contained_and_escaped(kb):
    page = html(review_model(kb, "beijing.station"))
    assert "@font-face" in page and "data:font/woff;base64," in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    model = sheet({"document": {"id": "x", "title": "<script>alert(1)</script>", "programs": []},
                   "articles": [{"number": 1, "class": "general", "gloss": "g", "text": "第一条 a < b & c"}]},
                  kb.switch_defs)
    out = html(model)
    assert "<script>alert" not in out and "a &lt; b &amp; c" in out


def test_a_version_is_named_on_its_sheet():
    run = subprocess.run([sys.executable, "-m", "kb", "review", "chengdu.base@illustrative-building-area"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "illustrative-building-area" in run.stdout and "NOT OFFICIAL" in run.stdout
    assert "5 千平方米" in run.stdout


def test_review_files_are_current(kb, sheets):
    # regenerate with: regkb review --write comparisons/
    for doc in kb.documents:
        path = REVIEW / f"{doc.id}.md"
        assert path.is_file(), f"missing {path}; run regkb review --write comparisons/"
        assert path.read_text(encoding="utf-8") == sheets[doc.id], \
            f"{path} is stale; run regkb review --write comparisons/"
