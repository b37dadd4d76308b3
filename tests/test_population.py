"""kb.population: the synthetic population and reading populations back.

The generator must give valid profiles (../shared/spec/profile.md), the same
ones for the same seed, take its figures from the encoded conditions rather
than from a copy of them, and round-trip through the CSV form.
"""
from __future__ import annotations

import shutil
from datetime import date
from fractions import Fraction

import pytest

from conftest import ROOT
from kb.io.errors import InputError
from kb.population import (decimal_text, generate, generate_frame, probes, read_population, to_frame,
                           write_csv, write_population_csv)
from kb.profile import load_profile, profile_from_dict

SAMPLES = ROOT / "facts" / "organizations"


@pytest.fixture(scope="module")
def population():
    return generate(1500, seed=3)


def test_every_generated_profile_is_valid(population):
    profiles = [profile_from_dict(d, source=d["id"]) for d in population]
    assert len({p.id for p in profiles}) == len(profiles)
    assert {p.values.get("registered_city") for p in profiles} >= {"beijing", "guiyang", "chengdu"}
    assert all(p.as_of == date(2024, 6, 30) for p in profiles)


def test_the_same_seed_gives_the_same_population_and_rows_do_not_depend_on_n():
    assert generate(40, seed=5) == generate(40, seed=5)
    assert generate(40, seed=5) == generate(9000, seed=5)[:40]      # across a block boundary too
    assert generate(40, seed=5) != generate(40, seed=6)


def test_the_fast_csv_writer_writes_the_same_rows(tmp_path):
    path = tmp_path / "pop.csv"
    write_population_csv(path, 300, seed=2)
    fast = [p for p in read_population(path)]
    slow = [profile_from_dict(d, source="x") for d in generate(300, seed=2)]
    assert [(p.id, p.values, p.credit_events, p.designations, p.revocations, p.attest) for p in fast] == \
           [(p.id, p.values, p.credit_events, p.designations, p.revocations, p.attest) for p in slow]
    assert generate_frame(300, seed=2).shape[0] == 300


def test_csv_round_trip_keeps_every_value(population, tmp_path):
    path = tmp_path / "pop.csv"
    write_csv(population[:400], path)
    back = read_population(path)
    for d, p in zip(population[:400], back):
        q = profile_from_dict(d, source="dict")
        assert (p.id, p.values, p.credit_events, p.designations, p.revocations, p.attest) == \
               (q.id, q.values, q.credit_events, q.designations, q.revocations, q.attest)


def test_to_frame_takes_profiles_too_and_groups_give_their_entities():
    group = load_profile(SAMPLES / "group-jingrong.yaml")
    frame = to_frame([group, load_profile(SAMPLES / "cd-tianfu-startup-base.yaml")])
    assert list(frame["id"])[-1] == "cd-tianfu-startup-base"
    assert len(frame) == len(group.entities) + 1
    assert frame["services.training.trainees"].iloc[-1] == "620"
    assert frame["performance.smes_served_by_year"].iloc[-1] == '{"2020": 150, "2021": 188, "2022": 231, "2023": 260}'


def test_read_population_directory_and_its_errors(tmp_path):
    for name in ("cd-tianfu-startup-base.yaml", "group-jingrong.yaml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    got = read_population(tmp_path)
    assert "cd-tianfu-startup-base" in [p.id for p in got] and len(got) >= 3
    (tmp_path / "zz-bad.yaml").write_text("id: x\nstaff: {service: lots}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_population(tmp_path)
    assert "zz-bad.yaml" in str(info.value) and "staff.service" in str(info.value)


def test_read_population_csv_errors_name_row_and_field(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("id,staff.service\na,3\nb,lots\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_population(path)
    assert str(info.value).startswith(f"{path}:row 3: staff.service: expected a number")


def test_figures_come_from_the_encoding_not_from_a_copy(tmp_path):
    """Change 北京平台第五条（七） 不低于90% to 85% in a copy of facts/: the
    population then probes 0.85, and no longer the old figure for that node."""
    facts = tmp_path / "facts"
    shutil.copytree(ROOT / "facts", facts)
    encoding = facts / "beijing" / "sme-service-platform" / "encoding.yaml"
    text = encoding.read_text(encoding="utf-8")
    old = 'field: performance.satisfaction\n            op: ">="\n            value: "0.9"'
    assert old in text
    encoding.write_text(text.replace(old, old.replace('"0.9"', '"0.85"')), encoding="utf-8")
    names = {p.name: p.cells for p in probes("2024-06-30", str(facts))}
    assert names["beijing.platform/satisfaction: at the threshold"] == {"performance.satisfaction": "0.85"}
    assert {"performance.satisfaction": "0.8499999999"} in names.values()


def test_probes_cover_window_edges_and_the_switch_situations():
    cells = [p.cells for p in probes()]
    start = "2021-06-30"   # 申请受理截止日期前三年内, from 2024-06-30
    assert any(start in c.get("credit_events", "") for c in cells)
    assert any("2021-06-29" in c.get("credit_events", "") for c in cells)
    assert any(c.get("facilities.leased") == "true" and "facilities.operator_property_share" in c for c in cells)
    assert any(c.get("performance.high_tech_manufacturing_focus") == "true" for c in cells)
    assert any(c.get("services.consulting.matchmaking_focus") == "true" for c in cells)
    assert {c.get("facilities.park_type") for c in cells} >= {"manufacturing", "building_economy", "other"}
    assert any('"expires_on": "2024-12-31"' in c.get("designations", "") for c in cells)


def test_decimal_text_is_exact():
    assert decimal_text(Fraction(9, 10)) == "0.9"
    assert decimal_text(Fraction(8999999999, 10 ** 10)) == "0.8999999999"
    assert decimal_text(Fraction(1, 3)) == "1/3"
    assert decimal_text(200) == "200"
