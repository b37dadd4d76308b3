"""`regkb compare --matrix` and the grouped default output (issue 13): programs
× programs per topic, each cell traceable to its clauses, a repeated finding
said once with its count."""
from __future__ import annotations

import csv
import io
import json

import pytest

from kb.cli import main


@pytest.fixture(scope="module")
def matrix_json():
    import contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["compare", "--matrix", "--json"]) == 0
    return json.loads(out.getvalue())


def cell(data, topic, row, column):
    t = next(t for t in data["topics"] if t["topic"] == topic)
    return next((c for c in t["cells"] if c["row"] == row and c["column"] == column), None)


def test_registration_in_different_cities_conflicts_and_reads_both_ways(matrix_json):
    """北京平台 第五条（一）注册地在本市 vs 成都平台 第四条（一）在本市登记注册: one entity, one
    place of registration — ✗ whichever program is the row."""
    a = cell(matrix_json, "locality", "beijing.platform", "chengdu.platform")
    b = cell(matrix_json, "locality", "chengdu.platform", "beijing.platform")
    assert a["symbol"] == b["symbol"] == "✗"
    assert a["row_conditions"][0]["cite"] == "第五条（一）" and a["column_conditions"][0]["cite"] == "第四条（一）"
    assert a["row_conditions"][0]["program"] == "beijing.platform"


def test_dominance_reads_as_its_mirror(matrix_json):
    for t in matrix_json["topics"]:
        for c in t["cells"]:
            back = cell(matrix_json, t["topic"], c["column"], c["row"])
            mirror = {"≻": "≺", "≺": "≻"}.get(c["symbol"], c["symbol"])
            assert back["symbol"] == mirror, (t["topic"], c["row"], c["column"])


def test_the_registration_conflict_is_one_group_of_eleven(matrix_json):
    groups = next(t for t in matrix_json["topics"] if t["topic"] == "locality")["groups"]
    conflicts = [g for g in groups if g["symbol"] == "✗"]
    # Beijing (3 programs) × Guiyang (1) + Beijing × Chengdu (2) + Guiyang × Chengdu = 3 + 6 + 2
    assert sum(len(g["pairs"]) for g in conflicts) == 11


def test_default_compare_says_the_conflict_once(capsys):
    assert main(["compare", "--topic", "locality"]) == 0
    text = capsys.readouterr().out
    assert text.count("One legal entity has one place of registration") == 1
    assert "× 11" in text


def test_csv_and_picture(tmp_path, capsys):
    picture = tmp_path / "m.png"
    assert main(["compare", "--matrix", "--csv", "--topic", "staff", "--picture", str(picture)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["topic"] for r in rows} == {"staff"}
    assert all(r["symbol"] in "≻≺≡✗∥" for r in rows)
    assert picture.read_bytes()[:4] == b"\x89PNG"


def test_csv_without_matrix_is_bad_input(capsys):
    assert main(["compare", "--csv"]) == 2
    assert "--matrix" in capsys.readouterr().err
