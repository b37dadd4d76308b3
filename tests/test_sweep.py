"""`regkb sweep`: how many qualify as one figure changes (issue 13), read
from the text's own boundary: 北京平台 第五条（一）资产总额不低于人民币200万元."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kb.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "facts" / "organizations" / "bj-zhongguancun-platform.yaml"


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    """The sample platform twice: assets 200 (just meets 不低于200万元) and 199.99 (just misses)."""
    from kb.population import write_csv
    from kb.profile import profile_from_dict
    base = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    profiles = []
    for org, assets in (("just-meets", 200), ("just-misses", 199.99)):
        profiles.append(profile_from_dict({**base, "id": org, "total_assets": assets}))
    path = tmp_path_factory.mktemp("sweep") / "pop.csv"
    write_csv(profiles, path)
    return path, profiles


def test_the_boundary_pair_moves_exactly_where_the_figure_says(population, capsys):
    path, profiles = population
    from kb.reasoning.base import KnowledgeBase
    report = KnowledgeBase().check(profiles[0], ["beijing.platform"])
    assert report.results[0].status == "qualifies"           # all else met: assets decide
    assert main(["sweep", "beijing.platform", "beijing.platform/total_assets", "--values", "150", "199.99",
                 "250", "--population", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["current"] == 200 and data["organizations"] == 2
    by_value = {p["value"]: p for p in data["points"]}
    assert set(by_value) == {150, 199.99, 200, 250}          # the text's own figure is always a point
    assert by_value[200]["counts"]["qualifies"] == 1         # 200 ≥ 200; 199.99 < 200
    assert by_value[199.99]["counts"]["qualifies"] == 2 and by_value[199.99]["gained_ids"] == ["just-misses"]
    assert by_value[150]["counts"]["qualifies"] == 2
    assert by_value[250]["counts"]["qualifies"] == 0 and by_value[250]["lost_ids"] == ["just-meets"]
    assert by_value[250]["by_city"]["beijing"]["fails"] == 2


def test_a_chart_is_drawn(population, tmp_path, capsys):
    path, _ = population
    chart = tmp_path / "sweep.png"
    assert main(["sweep", "beijing.platform", "beijing.platform/total_assets", "--values", "150",
                 "--population", str(path), "--chart", str(chart)]) == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "the text" in capsys.readouterr().out


@pytest.mark.parametrize("argv,field", [
    (["beijing.platform", "beijing.platform/totl_assets", "--values", "1"], "total_assets"),   # did you mean
    (["beijing.platform", "beijing.platform/total_assets", "--values", "lots"], "--values"),
    (["beijing.platform", "beijing.platform/total_assets", "--values", "-5"], "--values"),
    (["nowhere.platform", "beijing.platform/total_assets", "--values", "1"], "nowhere.platform"),
])
def test_bad_arguments_exit_2(population, capsys, argv, field):
    path, _ = population
    assert main(["sweep", *argv, "--population", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert field in err and "\n" not in err
