"""The regkb command against ../shared/spec/interface.md: in-process (tests/cli_runner.py),
with real-process smoke tests of the entry point."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "facts" / "organizations").glob("*.yaml"))
SAMPLES = [p for p in SAMPLES if p.name != "expected.yaml"]
PROGRAM_IDS = ["beijing.station", "beijing.platform", "guiyang.platform",
               "beijing.base", "chengdu.platform", "chengdu.base"]


from cli_runner import regkb  # noqa: E402  (in-process; the smoke tests below start real processes)


def subprocess_regkb(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_smoke_python_m_kb_answers_and_bad_input_exits_2_in_a_real_process():
    """The entry point itself, as a user starts it: an answer on stdout, exit 0;
    bad input one line on stderr, exit 2, nothing on stdout."""
    ok = subprocess_regkb("check", str(SAMPLES[0]), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["results"]
    bad = subprocess_regkb("check", str(ROOT / "no-such-profile.yaml"))
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1


def test_check_json_matches_the_contract():
    out = regkb("check", str(SAMPLES[0]), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"org", "as_of", "results"}
    assert [r["program"] for r in data["results"]] == PROGRAM_IDS
    for r in data["results"]:
        assert r["status"] in {"qualifies", "fails", "undetermined"}
        assert set(r) >= {"program", "status", "failed", "unknown", "evidence"}
        for f in r["failed"]:
            assert set(f) >= {"condition", "citation", "why"}
            assert set(f["citation"]) == {"program", "article", "clause", "part", "inferred", "text"}
            assert isinstance(f["citation"]["article"], int)
            if "discretion" in f:
                assert f["discretion"] in {"general", "relaxable"}
        for u in r["unknown"]:
            assert isinstance(u["missing"], list) and u["missing"]
        assert (r["status"] == "fails") == bool(r["failed"])


def test_check_program_filter_and_as_of():
    out = regkb("check", str(SAMPLES[0]), "--program", "chengdu.base", "--as-of", "2024-06-30", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["as_of"] == "2024-06-30"
    assert [r["program"] for r in data["results"]] == ["chengdu.base"]


def test_check_table_for_people():
    out = regkb("check", str(SAMPLES[0]))
    assert out.returncode == 0, out.stderr
    for pid in PROGRAM_IDS:
        assert pid in out.stdout


def test_explain_prints_a_tree_with_citations():
    out = regkb("explain", str(SAMPLES[0]), "beijing.platform")
    assert out.returncode == 0, out.stderr
    assert "第五条（七）" in out.stdout and "不低于90%" in out.stdout
    data = json.loads(regkb("explain", str(SAMPLES[0]), "beijing.platform", "--json").stdout)
    assert data["condition"] == "beijing.platform" and data["children"]


def test_coverage_command():
    out = regkb("coverage", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    # no clause of an eligibility article is left unread (tests/test_coverage.py checks the rest)
    assert all(u["status"] != "not encoded" for row in rows for u in row["clauses"] if u["class"] == "eligibility")


@pytest.mark.parametrize("args,needle", [
    (("check", "no/such/file.yaml"), "no/such/file.yaml"),
    (("check", "SAMPLE", "--program", "beijing.platfrom"), "beijing.platfrom"),
    (("check", "SAMPLE", "--as-of", "2024-02-30"), "--as-of"),
    (("check", "SAMPLE", "--switch", "growth_reading=sometimes"), "growth_reading"),
    (("explain", "SAMPLE", "shanghai.platform"), "shanghai.platform"),
])
def test_bad_input_exits_2_with_one_line(args, needle):
    args = [str(SAMPLES[0]) if a == "SAMPLE" else a for a in args]
    out = regkb(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and needle in out.stderr
    assert "Traceback" not in out.stderr
