"""The pages in a real headless Chromium (Debian's chromium + chromedriver,
installed by .ci/run), as an applicant would use them: fill the form for a
sample organization, read the results, make a plan; upload a bad profile.

Screenshots go to tests/screenshots/ (ignored by git) for a person to look at.
Missing Chromium is a failure, not a skip: CI installs it.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
SAMPLES = ROOT / "facts" / "organizations"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from kb.web.app import create_app
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        assert time.time() < deadline, "the server did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from conftest import chromium
    driver = chromium()
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _wait(driver, element_id: str, seconds: int = 120):
    """The element once the page that holds it has loaded (a click returns before that)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, seconds).until(EC.presence_of_element_located((By.ID, element_id)))


def _font_loaded(driver, text: str, family: str = "RegKB CJK") -> bool:
    """Whether the page's own font face for ``family`` loaded and covers ``text``
    (document.fonts.load lists no face for a family the page does not define)."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.load(\"16px '\" + arguments[0] + \"'\", arguments[1])"
        ".then(f => done(f.length > 0 && f.every(x => x.status === 'loaded'))).catch(() => done(false));",
        family, text)


def _fill(driver, name: str, value) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    el = driver.find_element(By.NAME, name)
    if el.tag_name == "select":
        Select(el).select_by_value(str(value).lower() if isinstance(value, bool) else str(value))
    elif el.get_attribute("type") == "date":
        driver.execute_script("arguments[0].value = arguments[1]", el, str(value))
    else:
        el.clear()
        el.send_keys(str(value))


def _flat(data: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in data.items():
        if isinstance(v, dict) and k not in ("smes_served_by_year",):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def test_fill_the_form_for_a_sample_then_read_results_and_plan(server, browser):
    """北京中关村平台 (a sample) typed into the form field by field: the results
    show the city × program matrix, a failed clause's Chinese text, and the
    plan page a dated timeline."""
    from selenium.webdriver.common.by import By
    sample = yaml.safe_load((SAMPLES / "bj-zhongguancun-platform.yaml").read_text(encoding="utf-8"))
    browser.get(server + "/")
    assert "机构资料" in browser.page_source
    browser.save_screenshot(str(SHOTS / "form.png"))
    filled = 0
    for name, value in _flat(sample).items():
        if name in ("credit_events", "designations", "revocations", "attest", "notes", "kinds"):
            continue
        if isinstance(value, dict):        # a year map: one input per year shown on the form
            for year, n in value.items():
                found = browser.find_elements(By.NAME, f"{name}.{year}")
                if found:
                    found[0].send_keys(str(n))
            continue
        browser.execute_script(
            "var e = document.getElementsByName(arguments[0])[0];"
            "if (e) { var d = e.closest('details'); if (d) d.open = true; }", name)
        _fill(browser, name, value)
        filled += 1
    for kind in sample.get("kinds", []):
        browser.find_element(By.CSS_SELECTOR, f"input[name='kinds'][value='{kind}']").click()
    assert filled > 10
    browser.find_element(By.ID, "submit").click()
    matrix = _wait(browser, "matrix")
    assert "北京" in matrix.text and "成都" in matrix.text and "贵阳" in matrix.text
    # The sample is a Beijing platform: Chengdu's registration clause fails, in Chinese.
    failed = browser.find_elements(By.CSS_SELECTOR, "#chengdu\\.platform table.failed td.zh")
    assert failed and any("成都" in td.text or "本市" in td.text for td in failed), "a failed clause's Chinese text"
    browser.save_screenshot(str(SHOTS / "results.png"))
    browser.find_element(By.CSS_SELECTOR, "input[name='target'][value='beijing.platform']").click()
    browser.find_element(By.ID, "plan-submit").click()
    timeline = _wait(browser, "timeline")
    assert "beijing.platform" in timeline.text
    assert any(ch.isdigit() for ch in timeline.text)          # dated steps
    browser.save_screenshot(str(SHOTS / "plan.png"))
    browser.find_element(By.ID, "report-submit").click()
    _wait(browser, "texts")                                        # the printable report
    assert "申报评估报告" in browser.page_source
    browser.save_screenshot(str(SHOTS / "report-from-plan.png"))


def test_upload_a_bad_profile_shows_the_one_line_error(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nstaff:\n  service: lots\n", encoding="utf-8")
    browser.get(server + "/")
    browser.find_element(By.ID, "upload").send_keys(str(bad))
    browser.find_element(By.ID, "submit-upload").click()
    error = _wait(browser, "error")
    assert "bad.yaml" in error.text and "staff.service" in error.text
    browser.save_screenshot(str(SHOTS / "bad-upload.png"))


def test_researcher_and_drafter_pages_render_chinese(server, browser):
    from selenium.webdriver.common.by import By
    for path, element in (("/compare", "matrix-overall"), ("/graph", "edges"), ("/diff", "changes")):
        browser.get(server + path)
        table = _wait(browser, element)
        assert table.text.strip()
        browser.save_screenshot(str(SHOTS / f"{path.strip('/')}.png"))
    # The embedded font is what draws the Chinese: the page declares it and the browser loaded it.
    assert _font_loaded(browser, "北京")
    assert not _font_loaded(browser, "北京", "No Such Family")      # the probe can say no


def test_the_interactive_graph_page_draws_chinese_with_its_own_font(browser, tmp_path):
    """comparisons/program-graph.html carries the CJK glyphs it shows, so a
    machine without CJK fonts (CI installs none) renders 北京 rather than boxes."""
    from kb.reasoning.base import KnowledgeBase
    from kb.graph import build_graph
    from kb.graph.draw import html_page
    page = tmp_path / "program-graph.html"
    page.write_text(html_page(build_graph(KnowledgeBase())), encoding="utf-8")
    browser.get(page.as_uri())
    _wait(browser, "svg")
    assert _font_loaded(browser, "北京市专精特新企业服务站")
    browser.save_screenshot(str(SHOTS / "program-graph.png"))
