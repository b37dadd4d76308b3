"""The HTTP API answers exactly what the CLI's --json prints (interface.md,
"HTTP API"), refuses bad input with status 400 and the CLI's one line, and
stays correct when several clients ask at once."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import yaml

from kb.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "facts" / "organizations").glob("*.yaml") if p.name != "expected.yaml")


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from kb.web.app import create_app
    with TestClient(create_app()) as c:
        yield c


def cli_json(capsys, *argv: str):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def body_of(path: Path) -> bytes:
    return json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str,
                      ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_check_equals_the_cli_on_every_sample(client, capsys, sample):
    r = client.post("/api/check", content=body_of(sample))
    assert r.status_code == 200
    assert r.json() == cli_json(capsys, "check", str(sample))


def test_check_equals_the_cli_on_generated_profiles(client, capsys, tmp_path):
    """Synthetic organizations (kb.population: probes of every condition's edges)."""
    from kb.population import generate
    for data in generate(24, seed=11):
        path = tmp_path / f"{data['id']}.json"
        path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
        r = client.post("/api/check", content=path.read_bytes())
        assert r.status_code == 200, r.text
        assert r.json() == cli_json(capsys, "check", str(path)), data["id"]


def test_check_options_are_the_clis(client, capsys):
    sample = ROOT / "facts" / "organizations" / "cd-gaoxin-tech-platform.yaml"
    query = "program=chengdu.platform&program=beijing.platform&as_of=2025-06-30&switch=growth_reading=data_points"
    r = client.post(f"/api/check?{query}", content=body_of(sample))
    assert r.status_code == 200
    assert r.json() == cli_json(capsys, "check", str(sample), "--program", "chengdu.platform",
                                "--program", "beijing.platform", "--as-of", "2025-06-30",
                                "--switch", "growth_reading=data_points")


def test_check_under_an_earlier_version_equals_the_cli(client, capsys):
    sample = ROOT / "facts" / "organizations" / "bj-wangjing-platform.yaml"
    r = client.post("/api/check?version=beijing.platform@2017&program=beijing.platform", content=body_of(sample))
    assert r.status_code == 200
    assert r.json() == cli_json(capsys, "check", str(sample), "--version", "beijing.platform@2017",
                                "--program", "beijing.platform")


def test_explain_equals_the_cli(client, capsys):
    sample = ROOT / "facts" / "organizations" / "gy-guanshanhu-platform.yaml"
    r = client.post("/api/explain?program=guiyang.platform", content=body_of(sample))
    assert r.status_code == 200
    assert r.json() == cli_json(capsys, "explain", str(sample), "guiyang.platform")


def test_plan_equals_the_cli(client, capsys):
    sample = ROOT / "facts" / "organizations" / "gy-guanshanhu-platform.yaml"
    r = client.post("/api/plan?target=guiyang.platform", content=body_of(sample))
    assert r.status_code == 200
    api, cli = r.json(), cli_json(capsys, "plan", str(sample), "--target", "guiyang.platform")
    for data in (api, cli):                      # the solver's own timing differs run to run
        (data.get("solver") or {}).pop("ms", None)
    assert api == cli


def test_graph_compare_and_diff_equal_the_cli(client, capsys):
    assert client.get("/api/graph").json() == cli_json(capsys, "graph")
    assert client.get("/api/compare?level=program").json() == cli_json(capsys, "compare", "--level", "program")
    r = client.get("/api/diff?a=beijing.platform@2017&b=beijing.platform@current")
    assert r.status_code == 200
    assert r.json() == cli_json(capsys, "diff", "beijing.platform@2017", "beijing.platform@current")


def test_programs_lists_the_six_with_the_status_of_their_text(client):
    data = client.get("/api/programs").json()
    assert sorted(p["id"] for p in data) == sorted(
        ["beijing.station", "beijing.platform", "guiyang.platform", "beijing.base", "chengdu.platform", "chengdu.base"])
    chengdu = next(p for p in data if p["id"] == "chengdu.platform")
    assert chengdu["city"] == "chengdu" and chengdu["status"] == "draft"     # 征求意见稿


@pytest.mark.parametrize("path,body,field", [
    ("/api/check", b'{"id": "x", "staff": {"service": "lots"}}', "staff.service"),
    ("/api/check", b'{"id": "x", "id": "y"}', "id"),
    ("/api/check", b"not json", "request body"),
    ("/api/check?program=nope", b'{"id": "x"}', "nope"),
    ("/api/check?as_of=2024-13-01", b'{"id": "x"}', "as_of"),
    ("/api/check?switch=growth_reading", b'{"id": "x"}', "NAME=VALUE"),
    ("/api/check?version=/etc/passwd", b'{"id": "x"}', "not a file"),
    ("/api/check?bogus=1", b'{"id": "x"}', "bogus"),
    ("/api/explain", b'{"id": "x"}', "program"),
    ("/api/plan?horizon=99999", b'{"id": "x"}', "horizon"),
    ("/api/plan?timeout=3600", b'{"id": "x"}', "timeout"),
])
def test_bad_input_is_400_with_one_line(client, path, body, field):
    r = client.post(path, content=body)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith("regkb: ") and "\n" not in error and field in error
    assert "Traceback" not in r.text


def test_bad_profile_is_the_line_the_cli_prints(client, capsys, tmp_path):
    bad = tmp_path / "request body"
    bad.write_text('{"id": "x", "staff": {"service": -3}}', encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    line = capsys.readouterr().err.strip()
    r = client.post("/api/check", content=bad.read_bytes())
    assert r.json()["error"].replace("request body", str(bad), 1) == line


def test_too_large_a_body_is_refused(client):
    r = client.post("/api/check", content=b" " * 1_000_001)
    assert r.status_code == 400 and "bytes" in r.json()["error"]


def test_unknown_path_is_404_json(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json()["error"].startswith("regkb: ")


def test_openapi_is_served_and_docs_load_nothing_from_the_network(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/check", "/api/explain", "/api/plan", "/api/programs", "/api/graph",
            "/api/compare", "/api/diff"} <= set(spec["paths"])
    page = client.get("/api/docs").text
    assert "/api/check" in page and "cdn" not in page.lower() and "<script src=\"http" not in page


def test_concurrent_clients_get_the_answers_one_client_gets(client):
    """pyDatalog's state is per thread: eight clients at once over the samples
    must each get exactly the answer a single client gets."""
    expected = {s.name: client.post("/api/check", content=body_of(s)).json() for s in SAMPLES}
    wrong: list[str] = []

    def ask(offset: int):
        for i in range(len(SAMPLES)):
            s = SAMPLES[(i + offset) % len(SAMPLES)]
            if client.post("/api/check", content=body_of(s)).json() != expected[s.name]:
                wrong.append(s.name)

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong


def test_pages_serve_html_with_the_cjk_font_embedded(client):
    page = client.get("/").text
    assert "@font-face" in page and "data:font/woff;base64," in page
    assert "http://" not in page.replace("http://127.0.0.1", "") and "https://" not in page
    for path in ("/graph", "/compare", "/diff"):
        r = client.get(path)
        assert r.status_code == 200 and "@font-face" in r.text


def test_the_redline_is_served_beside_the_diff(client):
    page = client.get("/diff").text
    assert 'id="redline-link"' in page
    r = client.get("/redline?a=beijing.platform@2017&b=beijing.platform@current")
    assert r.status_code == 200 and "@font-face" in r.text
    assert "第五条" in r.text and "https://" not in r.text        # the Chinese texts themselves
    assert client.get("/redline?a=/etc/passwd&b=x").status_code == 400


def test_the_printable_report_is_served_for_a_plan(client):
    sample = ROOT / "facts" / "organizations" / "gy-guanshanhu-platform.yaml"
    form = {"profile_json": body_of(sample).decode("utf-8"), "target": "guiyang.platform"}
    r = client.post("/report", data=form)
    assert r.status_code == 200
    assert "申报评估报告" in r.text and "@font-face" in r.text and "https://" not in r.text


def test_the_form_builds_the_profile_the_loader_reads():
    """Blank inputs are missing (unknown), never zero or false."""
    from kb.profile import profile_from_dict
    from kb.web.form import profile_from_form
    data = profile_from_form([("id", "org-1"), ("legal_person", "true"), ("facilities.info_system", ""),
                              ("total_assets", "250.5"), ("staff.service", "12"), ("kinds", "incubator"),
                              ("performance.satisfaction", "90%"), ("performance.smes_served_by_year.2023", "120"),
                              ("credit_events.0.kind", "violation"), ("credit_events.0.date", "2023-01-05"),
                              ("credit_events.0.subject", "entity"), ("attest.good_operation", "false")])
    assert data["legal_person"] is True and "facilities" not in data
    assert data["staff"]["service"] == 12 and data["total_assets"] == 250.5
    assert data["credit_events"] == [{"kind": "violation", "date": "2023-01-05", "subject": "entity"}]
    profile = profile_from_dict(data)
    assert profile.id == "org-1"
