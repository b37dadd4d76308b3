"""The checked-in reports (comparisons/) are current with facts/, and
`regkb compare` keeps its contract: JSON shape, tables, all-or-nothing writes."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import knowledge_base
from kb.comparison.comparisons import FILES, render
from kb.comparison.picture import PICTURE, PICTURE_KEY, png_text
from test_cli import PROGRAM_IDS, regkb

ROOT = Path(__file__).resolve().parent.parent
CHECKED_IN = ROOT / "comparisons"
STALE = "comparisons/ is out of date with facts/: run `regkb compare --write comparisons/`"


@pytest.fixture(scope="module")
def fresh():
    """The reports as the facts give them now (the picture as the hash of its data)."""
    return render(knowledge_base(), draw_picture=False)


@pytest.mark.parametrize("name", [f for f in FILES if f != PICTURE])
def test_checked_in_report_is_current(fresh, name):
    path = CHECKED_IN / name
    assert path.exists(), STALE
    assert path.read_bytes() == fresh[name], f"{name}: {STALE}"


def test_checked_in_picture_was_drawn_from_the_current_data(fresh):
    # pixels differ between matplotlib builds; the data the picture shows must not
    stored = png_text((CHECKED_IN / PICTURE).read_bytes()).get(PICTURE_KEY)
    assert stored == fresh[PICTURE].decode(), f"{PICTURE}: {STALE}"


def test_matrix_csv_has_every_program_and_cites_every_figure(fresh):
    rows = list(csv.reader(io.StringIO(fresh["threshold-matrix.csv"].decode())))
    assert rows[0] == ["topic", "measure", "name"] + PROGRAM_IDS
    by_measure = {r[1]: r for r in rows[1:]}
    # 第五条（七） 不低于90% / 第五条（二） 80%以上 / 第六条（九） / 第四条（六）; 成都基地 sets none
    sat = dict(zip(PROGRAM_IDS, by_measure["performance.satisfaction"][3:]))
    assert sat["beijing.platform"] == "≥ 90% (第五条（七）)"
    assert sat["guiyang.platform"] == "≥ 80% (第五条（二）)"
    assert sat["chengdu.base"] == "" and sat["beijing.station"] == ""
    for r in rows[1:]:
        for cell in r[3:]:
            assert not cell or "第" in cell, r


def test_compare_json_contract():
    out = regkb("compare", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"relations"}
    kinds = set()
    for r in data["relations"]:
        assert {"measure", "relation", "left", "right", "witness"} <= set(r)
        kinds.add(r["relation"])
        for side in (r["left"], r["right"]):
            assert {"program", "condition", "citation"} <= set(side)
            assert set(side["citation"]) == {"program", "article", "clause", "part", "inferred", "text"}
    assert kinds == {"dominates", "equivalent", "conflicts", "incomparable"}


def test_compare_table_program_level_and_filters():
    out = regkb("compare", "--level", "program", "--topic", "staff",
                "--programs", "beijing.platform", "guiyang.platform")
    assert out.returncode == 0, out.stderr
    assert "北京平台 第五条（六） service_staff + 北京平台 第五条（六） staff_qualification_share  ≻ dominates" in out.stdout
    bad = regkb("compare", "--topic", "no-such-topic")
    assert bad.returncode == 2 and bad.stdout == "" and "--topic" in bad.stderr


def test_write_regenerates_every_report(tmp_path):
    out = regkb("compare", "--write", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(FILES)
    png = (tmp_path / "out" / PICTURE).read_bytes()
    assert png.startswith(b"\x89PNG")
    assert png_text(png)[PICTURE_KEY] == png_text((CHECKED_IN / PICTURE).read_bytes())[PICTURE_KEY]
    for name in FILES:
        if name != PICTURE:
            assert (tmp_path / "out" / name).read_bytes() == (CHECKED_IN / name).read_bytes(), name


def test_write_is_all_or_nothing_on_bad_facts(tmp_path):
    facts = tmp_path / "facts"
    shutil.copytree(ROOT / "facts", facts)
    cat = facts / "catalogue.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace(
        "condition: chengdu.base/startup_mentors,", "condition: chengdu.base/no_such_condition,"), encoding="utf-8")
    target = tmp_path / "out"
    target.mkdir()
    (target / "relations.md").write_text("old", encoding="utf-8")
    out = regkb("compare", "--facts", str(facts), "--write", str(target))
    assert out.returncode == 2 and out.stdout == ""
    assert "catalogue.yaml" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert [p.name for p in target.iterdir()] == ["relations.md"]
    assert (target / "relations.md").read_text(encoding="utf-8") == "old"


def test_write_onto_a_file_is_an_input_error(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("keep", encoding="utf-8")
    out = regkb("compare", "--write", str(target))
    assert out.returncode == 2 and out.stdout == ""
    assert target.read_text(encoding="utf-8") == "keep"


def test_matrix_picture_colours_strictness_only_where_two_programs_share_a_measure():
    """A measure only one program sets (e.g. Chengdu 第六条 楼宇经济园 8千平方米) has
    nothing to be stricter than: it is shown, not coloured as the strictest."""
    from kb.reasoning.base import KnowledgeBase
    from kb.comparison.catalogue import load_catalogue
    from kb.comparison.picture import picture_data
    from kb.comparison.thresholds import matrix
    from kb.law.model import PROGRAMS
    kb = KnowledgeBase()
    ids = list(PROGRAMS)
    data = picture_data(matrix(kb, load_catalogue(kb), ids), ids)
    for row, scores, alone in zip(data["rows"], data["scores"], data["alone"]):
        set_by = sum(s is not None for s in scores) + sum(alone)
        if set_by == 1:
            assert all(s is None for s in scores) and sum(alone) == 1, row
        else:
            assert not any(alone), row
    assert any(sum(a) == 1 for a in data["alone"])        # such rows exist in the texts
