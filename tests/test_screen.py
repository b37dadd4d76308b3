"""`regkb screen`: a population in, one row per organization and program out.

Through a real subprocess (tests/test_cli.py's helper): the sample
organizations against their hand-derived results (facts/organizations/
expected.yaml), thresholds at their figures in the legal texts, bad rows
named by row and field, --strict, atomic output, the progress bar.
"""
from __future__ import annotations

import csv
import os
import pty
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import ROOT, knowledge_base
from kb.population import generate, to_frame
from kb.profile import load_profile, profile_from_row
from kb.screening.screen import screen
from test_cli import PROGRAM_IDS, regkb

SAMPLES = ROOT / "facts" / "organizations"
HEADER = ["org", "program", "status", "failed", "unknown", "missing", "discretion"]


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def results(path: Path) -> dict:
    return {(r["org"], r["program"]): r for r in read(path)}


def ids(cell: str) -> set[str]:
    return set(cell.split(";")) if cell else set()


def write_rows(path: Path, rows: list[dict]) -> Path:
    names = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, names)
        w.writeheader()
        w.writerows(rows)
    return path


def base(**cells) -> dict:
    return {"id": "x", "as_of": "2024-06-30", **cells}


# -- the sample organizations, as derived by hand ---------------------------------

def test_samples_directory_matches_the_hand_derived_results(tmp_path):
    """facts/organizations/expected.yaml, derived from the legal texts: status,
    failed and undetermined conditions and discretion, program by program."""
    folder = tmp_path / "samples"
    folder.mkdir()
    names = {}
    for path in SAMPLES.glob("*.yaml"):
        if path.name != "expected.yaml":
            (folder / path.name).write_bytes(path.read_bytes())
            loaded = load_profile(path)
            for entity in getattr(loaded, "entities", None) or [loaded]:
                org = f"{loaded.id}/{entity.id}" if getattr(loaded, "entities", None) else loaded.id
                names[org] = f"{path.stem}#{entity.id}" if getattr(loaded, "entities", None) else path.stem
    out = regkb("screen", str(folder), "--out", str(tmp_path / "samples.csv"))
    assert out.returncode == 0, out.stderr
    expected = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))
    got = results(tmp_path / "samples.csv")
    assert {org for org, _ in got} == set(names)
    for (org, program), row in got.items():
        want = expected[names[org]][program]
        assert row["status"] == want["status"], (org, program)
        assert ids(row["failed"]) == set(want["failed"]), (org, program)
        assert ids(row["unknown"]) == set(want["unknown"]), (org, program)
        assert dict(i.split("=") for i in ids(row["discretion"])) == (want.get("discretion") or {}), (org, program)


# -- thresholds at their figures ---------------------------------------------------

def test_thresholds_are_exact_at_their_figures(tmp_path):
    rows = [
        # 北京平台 第五条（七） 企业用户满意度不低于90%: 不低于 includes 90%, exactly
        base(id="sat-0.9", **{"performance.satisfaction": "0.9"}),
        base(id="sat-90%", **{"performance.satisfaction": "90%"}),
        base(id="sat-just-below", **{"performance.satisfaction": "0.8999999999"}),
        # 第五条（一） 成立时间两年以上: reached on the second anniversary, not the day before it
        base(id="two-years", founded_on="2022-06-30"),
        base(id="a-day-short", founded_on="2022-07-01"),
        # 第五条（一） 资产总额不低于人民币200万元 (万元)
        base(id="assets-200", total_assets="200"),
        base(id="assets-below", total_assets="199.99"),
        # 第八条（一） 三年内 受到刑事及严重行政处罚: the window's first day counts, the day before does not
        base(id="penalty-first-day", credit_events='[{"kind": "serious_admin_penalty", "date": "2021-06-30", "subject": "entity"}]'),
        base(id="penalty-day-before", credit_events='[{"kind": "serious_admin_penalty", "date": "2021-06-29", "subject": "entity"}]'),
    ]
    out = regkb("screen", str(write_rows(tmp_path / "in.csv", rows)), "--out", str(tmp_path / "out.csv"),
                "--program", "beijing.platform")
    assert out.returncode == 0, out.stderr
    got = {org: r for (org, _), r in results(tmp_path / "out.csv").items()}
    assert set(got) == {r["id"] for r in rows}
    sat = "beijing.platform/satisfaction"
    assert sat not in ids(got["sat-0.9"]["failed"]) | ids(got["sat-0.9"]["unknown"])
    assert sat not in ids(got["sat-90%"]["failed"]) | ids(got["sat-90%"]["unknown"])
    assert sat in ids(got["sat-just-below"]["failed"])
    assert sat in ids(got["two-years"]["unknown"]) and "performance.satisfaction" in ids(got["two-years"]["missing"])
    years = "beijing.platform/years_established"
    assert years not in ids(got["two-years"]["failed"]) | ids(got["two-years"]["unknown"])
    assert years in ids(got["a-day-short"]["failed"])
    assets = "beijing.platform/total_assets"
    assert assets not in ids(got["assets-200"]["failed"]) and assets in ids(got["assets-below"]["failed"])
    penalty = "beijing.platform/no_penalties_3y"
    assert penalty in ids(got["penalty-first-day"]["failed"])
    assert penalty not in ids(got["penalty-day-before"]["failed"])
    # 5(6) 无不良信用记录 read with 第八条's three years (switch beijing_platform_credit_window,
    # default three_years since issue 16): the same window edge as 第八条（一）
    assert "beijing.platform/clean_credit" in ids(got["penalty-first-day"]["failed"])
    assert "beijing.platform/clean_credit" not in ids(got["penalty-day-before"]["failed"])


def test_a_leased_base_needs_no_property_share(tmp_path):
    """成都 第六条 运营条件（一） 产权…70%以上（租赁基地除外）."""
    rows = [base(id="leased", **{"facilities.leased": "true", "facilities.operator_property_share": "0.5"}),
            base(id="owned", **{"facilities.leased": "false", "facilities.operator_property_share": "0.69"}),
            base(id="owned-70", **{"facilities.leased": "false", "facilities.operator_property_share": "70%"})]
    out = regkb("screen", str(write_rows(tmp_path / "in.csv", rows)), "--out", str(tmp_path / "out.csv"),
                "--program", "chengdu.base", "--json")
    assert out.returncode == 0, out.stderr
    got = {org: r for (org, _), r in results(tmp_path / "out.csv").items()}
    share = "chengdu.base/property_share"
    assert share not in ids(got["leased"]["failed"]) | ids(got["leased"]["unknown"])
    assert share in ids(got["owned"]["failed"])
    assert share not in ids(got["owned-70"]["failed"]) | ids(got["owned-70"]["unknown"])


# -- the whole file, its options and its output --------------------------------------

@pytest.fixture(scope="module")
def population_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pop") / "population.csv"
    to_frame(generate(300, seed=11)).to_csv(path, index=False)
    return path


def test_one_row_per_organization_and_program_as_check_says(population_csv, tmp_path):
    out = regkb("screen", str(population_csv), "--out", str(tmp_path / "out.csv"))
    assert out.returncode == 0, out.stderr
    assert "300 organizations screened" in out.stdout and all(p in out.stdout for p in PROGRAM_IDS)
    rows = read(tmp_path / "out.csv")
    assert list(rows[0]) == HEADER
    assert len(rows) == 300 * 6
    assert [r["program"] for r in rows[:6]] == PROGRAM_IDS
    kb = knowledge_base()
    with open(population_csv, newline="", encoding="utf-8") as f:
        sample = [profile_from_row(r, "pop", i) for i, r in enumerate(csv.DictReader(f), 2)][:12]
    got = results(tmp_path / "out.csv")
    for profile in sample:
        for r in kb.check(profile).results:
            row = got[(profile.id, r.program)]
            assert row["status"] == r.status
            assert ids(row["failed"]) == {f.condition for f in r.failed}
            assert ids(row["missing"]) == {m for f in r.unknown for m in f.missing}


def test_chunk_size_does_not_change_the_output(population_csv, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert regkb("screen", str(population_csv), "--out", str(a)).returncode == 0
    assert regkb("screen", str(population_csv), "--out", str(b), "--chunk-size", "7").returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_program_as_of_and_switch_options(population_csv, tmp_path):
    out = regkb("screen", str(population_csv), "--out", str(tmp_path / "g.csv"), "--program", "guiyang.platform",
                "--switch", "guiyang_locality=not_required", "--as-of", "2025-01-01", "--json")
    assert out.returncode == 0, out.stderr
    rows = read(tmp_path / "g.csv")
    assert {r["program"] for r in rows} == {"guiyang.platform"} and len(rows) == 300
    assert not any("guiyang.platform/registered_in_guiyang" in r["failed"] for r in rows)
    assert '"organizations": 300' in out.stdout


BAD_ROWS = [  # (cells, field the message must name); rows 3, 5, 7, … (good rows between)
    ({"staff.service": "lots"}, "staff.service"),
    ({"legal_person": "maybe"}, "legal_person"),
    ({"kinds": "[incubator"}, "kinds"),
    ({"staff.service": "-1"}, "staff.service"),
    ({"staff.service": "3", "staff.fulltime_service": "5"}, "staff.fulltime_service"),
    ({"founded_on": "2025-01-01"}, "founded_on"),
    ({"founded_on": "2023-02-30"}, "founded_on"),
    ({"performance.satisfaction": "1.2"}, "performance.satisfaction"),
    ({"sponsor": "charity"}, "sponsor"),
    ({"credit_events": '[{"kind": "violation", "date": "2030-01-01", "subject": "entity"}]'}, "credit_events[0].date"),
    ({"performance.smes_served_by_year": '{"2023": 5, "1800": 2}'}, "performance.smes_served_by_year.1800"),
    ({"id": ""}, "id"),
]


def bad_file(tmp_path: Path) -> Path:
    rows = []
    for i, (cells, _) in enumerate(BAD_ROWS):
        rows.append(base(id=f"good-{i}", **{"staff.service": "12"}))
        rows.append(base(**{"id": f"bad-{i}", **cells}))
    path = write_rows(tmp_path / "orgs.csv", rows)
    width = len(path.read_text(encoding="utf-8").splitlines()[0].split(","))
    with open(path, "a", encoding="utf-8") as f:   # one line with a cell too many
        f.write("extra" + "," * width + "\n")
    return path


def test_bad_rows_are_named_by_row_and_field_and_skipped(tmp_path):
    path = bad_file(tmp_path)
    out = regkb("screen", str(path), "--out", str(tmp_path / "out.csv"))
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == len(BAD_ROWS) + 1
    for (cells, field), line in zip(BAD_ROWS, lines):
        row = 2 * BAD_ROWS.index((cells, field)) + 3
        assert line.startswith(f"regkb: {path}:row {row}: {field}"), line
    assert lines[-1].startswith(f"regkb: {path}:row {2 * len(BAD_ROWS) + 2}: expected ")
    assert "cells as in the header row, got" in lines[-1]
    got = {org for org, _ in results(tmp_path / "out.csv")}
    assert got == {f"good-{i}" for i in range(len(BAD_ROWS))}
    assert f"{len(BAD_ROWS) + 1} bad rows skipped" in out.stdout


def test_strict_stops_at_the_first_bad_row_and_writes_nothing(tmp_path):
    path = bad_file(tmp_path)
    target = tmp_path / "out.csv"
    out = regkb("screen", str(path), "--out", str(target), "--strict")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == f"regkb: {path}:row 3: staff.service: expected a number, got 'lots'"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orgs.csv"]   # no output, no temporary file


@pytest.mark.parametrize("content,needle", [
    ("id,staf.service\nx,3\n", "staf.service"),
    ("id,staff.service,staff.service\nx,3,4\n", "staff.service"),
    ("name\nx\n", "id"),
    ('id,name\nx,"unclosed\n', "well-formed"),
])
def test_a_bad_file_is_one_line_and_exit_2(tmp_path, content, needle):
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    out = regkb("screen", str(path), "--out", str(tmp_path / "out.csv"))
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and needle in out.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("target,needle", [("out.txt", ".csv or .parquet"), ("no/such/dir/out.csv", "does not exist")])
def test_bad_output_names(population_csv, tmp_path, target, needle):
    out = regkb("screen", str(population_csv), "--out", str(tmp_path / target))
    assert out.returncode == 2 and needle in out.stderr


def test_parquet_output_or_a_clear_dependency_message(population_csv, tmp_path):
    target = tmp_path / "out.parquet"
    out = regkb("screen", str(population_csv), "--out", str(target))
    has_pyarrow = subprocess.run([sys.executable, "-c", "import pyarrow"], capture_output=True).returncode == 0
    if has_pyarrow:
        import pandas as pd
        assert out.returncode == 0, out.stderr
        frame = pd.read_parquet(target)
        assert list(frame.columns) == HEADER and len(frame) == 300 * 6
    else:
        assert out.returncode == 2 and "pyarrow" in out.stderr and not target.exists()


def test_progress_bar_on_a_terminal_only(population_csv, tmp_path):
    plain = regkb("screen", str(population_csv), "--out", str(tmp_path / "a.csv"))
    assert "screen [" not in plain.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kb", "screen", str(population_csv), "--out",
                             str(tmp_path / "b.csv")], cwd=ROOT, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        shown += data
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    assert b"screen [" in shown and b"300 organizations" in shown


# -- the fast row checks reject exactly what the profile reader rejects ------------------

CORRUPT = ["lots", "-3", "1.5", "1/0", "maybe", "2024-13-01", "2023-02-29", "2099-01-01", "[", "{}", "[]",
           '["incubator", 3]', '{"2023": -1}', '{"2023": true}', '{"x": 1}', '[{"kind": "violation"}]',
           "150%", "0.5%", " 12 ", "1e3", "１２", "TRUE", "是", "Beijing", "北京市", "other"]


def test_bulk_checks_reject_exactly_the_rows_the_profile_reader_rejects(tmp_path):
    """Random cells of random columns corrupted: a row is skipped by
    `screen` if and only if kb.profile.profile_from_row rejects it."""
    rng = random.Random(5)
    frame = to_frame(generate(400, seed=4))
    columns = [c for c in frame.columns if c not in ("id", "name", "notes")]
    for i in range(len(frame)):
        if i % 2:
            frame.at[i, rng.choice(columns)] = rng.choice(CORRUPT)
    source = tmp_path / "in.csv"
    frame.to_csv(source, index=False)
    rejected = set()
    with open(source, newline="", encoding="utf-8") as f:
        for number, row in enumerate(csv.DictReader(f), 2):
            try:
                profile_from_row(row, str(source), number)
            except Exception:
                rejected.add(number)
    reported = []
    screen(knowledge_base(), source, tmp_path / "out.csv", progress=False, report=reported.append)
    assert {int(m.split(":row ")[1].split(":")[0]) for m in reported} == rejected
    assert len(rejected) > 50
    kept = {org for org, _ in results(tmp_path / "out.csv")}
    assert kept == {frame.at[n - 2, "id"] for n in range(2, len(frame) + 2) if n not in rejected}
    assert np.all([m.count(": ") >= 2 for m in reported])


def test_a_row_only_the_profile_reader_understands_is_reread_in_canonical_form(tmp_path, monkeypatch):
    """If the fast checks are ever stricter than kb.profile (here made to refuse
    "90%"), the row is not lost: the profile reader's reading of it is screened."""
    import kb.screening.cells as bulk
    strict = bulk._PARSERS["performance.satisfaction"]

    def no_percent(text):
        if text.endswith("%"):
            raise bulk._Bad
        return strict(text)
    monkeypatch.setitem(bulk._PARSERS, "performance.satisfaction", no_percent)
    path = write_rows(tmp_path / "in.csv", [base(id="pct", **{"performance.satisfaction": "90%"}),
                                            base(id="dec", **{"performance.satisfaction": "0.89"})])
    reported = []
    screen(knowledge_base(), path, tmp_path / "out.csv", programs=["beijing.platform"], progress=False,
           report=reported.append)
    got = {org: r for (org, _), r in results(tmp_path / "out.csv").items()}
    assert reported == [] and list(got) == ["pct", "dec"]
    assert "beijing.platform/satisfaction" not in ids(got["pct"]["failed"]) | ids(got["pct"]["unknown"])
    assert "beijing.platform/satisfaction" in ids(got["dec"]["failed"])
