"""`regkb report`: one self-contained page, checked in a real headless Chromium
(Debian's chromium + chromedriver, installed by .ci/run): the qualification
matrix, a failed clause's Chinese words, the dated timeline, the evidence
checklist; no request leaves the page, and the Chinese is drawn with the
embedded font. Screenshots go to tests/screenshots/ (ignored by git) for a
person to look at. Missing Chromium is a failure, not a skip: CI installs it.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb.views.report_page import render, shorten

ROOT = Path(__file__).resolve().parent.parent
ORGS = ROOT / "facts" / "organizations"
SHOTS = ROOT / "tests" / "screenshots"
REVOKED = ORGS / "bj-shijingshan-base-revoked.yaml"


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """The report of a Beijing base operator whose base title was revoked
    (示范基地 第十五条: two years before it may apply again), through the CLI."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    proc = subprocess.run([sys.executable, "-m", "kb", "report", str(REVOKED), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote {out}"
    return out


@pytest.fixture(scope="module")
def browser():
    from conftest import chromium
    # no name resolves: a page that fetched anything from the network would show it
    driver = chromium("--host-resolver-rules=MAP * ~NOTFOUND", height=1800)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def test_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    # every src, href and url() is inline data: nothing to fetch when printed or mailed
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html) + re.findall(r"url\(([^)]*)\)", html)
    assert refs and all(r.strip("'\"").startswith("data:") for r in refs), [r[:40] for r in refs]
    assert "@font-face" in html and "data:font/woff;base64," in html
    assert html.count('src="data:image/png;base64,') == 2   # the matrix and the timeline


def test_report_in_chromium(page, browser):
    from selenium.webdriver.common.by import By

    browser.get(page.as_uri())
    matrix = browser.find_element(By.ID, "matrix")
    rows = matrix.find_elements(By.TAG_NAME, "tr")
    assert len(rows) == 1 + 6                      # a header and the six programs
    text = matrix.text
    assert "北京市小型微型企业创业创新示范基地" in text and "✘ 不符合 fails" in text
    assert "北京市中小企业公共服务示范平台" in text and "✔ 符合 qualifies" in text
    body = browser.find_element(By.TAG_NAME, "body").text
    # 示范基地 第十五条, in the text's own words: the failed clause is shown in Chinese
    assert "第十五条" in body and "两年内不得再次申请" in body
    # the timeline is a picture the browser decoded, and so is the matrix picture
    for element_id in ("timeline", "matrix-picture"):
        img = browser.find_element(By.ID, element_id)
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) > 300
    # the plan's dated steps: the base after the station it leans on (服务站 第十四条)
    steps = browser.find_element(By.ID, "steps").text
    assert steps.index("北京市专精特新企业服务站") < steps.index("北京市小型微型企业创业创新示范基地")
    # nothing was fetched but the page itself
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith("data:") for u in urls), urls
    # the Chinese is drawn with the embedded font, loaded from the page
    fonts = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done([...document.fonts].map(f => f.family + ':' + f.status)));")
    assert any("RegKB CJK" in f and f.endswith(":loaded") for f in fonts), fonts
    browser.save_screenshot(str(SHOTS / "report-bj-shijingshan-base-revoked.png"))
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "timeline"))
    browser.save_screenshot(str(SHOTS / "report-bj-shijingshan-base-revoked-plan.png"))


def test_evidence_checklist_cites_each_clause(kb):
    """Per program, the qualitative conditions the check assumes met, each with
    its clause: 示范平台 第五条（一）「信用良好」-style words, not condition ids."""
    html = render(kb, ORGS / "bj-wangjing-platform.yaml", ["beijing.platform"])
    checklist = html[html.index("材料清单"):]
    report = kb.check(ORGS / "bj-wangjing-platform.yaml", ["beijing.platform"]).results[0]
    assert report.evidence
    for e in report.evidence:
        node = kb.nodes[e.condition]
        assert f"{e.citation.label()}「{node.quote or node.gloss}」" in checklist


def test_profile_text_is_escaped(kb, tmp_path):
    """A name is data, never markup (Jinja2 autoescaping)."""
    data = yaml.safe_load(REVOKED.read_text(encoding="utf-8"))
    data["name"] = "<script>alert(1)</script>"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    html = render(kb, path, ["beijing.base"])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_report_bad_input_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kb", "report", str(REVOKED), "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--out" in proc.stderr


@pytest.mark.parametrize("clause, quote, expect", [
    ("（一）短条款。", "短条款", "（一）短条款。"),                      # short: whole
    ("甲" * 100 + "注册地在本市" + "乙" * 100, "注册地在本市", "注册地在本市"),   # long: around the quote
])
def test_shorten_keeps_the_quoted_words(clause, quote, expect):
    out = shorten(clause, quote, limit=60)
    assert expect in out and len(out) <= 62
    if len(clause) > 60:
        assert out.startswith("…") and out.endswith("…")


def test_report_says_when_the_time_limit_cut_the_plan(kb):
    html = render(kb, ORGS / "group-jingrong.yaml", timeout=0.1)
    assert "0.1 s" in html and ("No plan found within 0.1 s" in html or "cut short" in html)
    assert html.count('src="data:image/png;base64,') == 2
