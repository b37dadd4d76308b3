"""Profiles: every kind of bad input is one precise InputError; good input is exact.

Users see these messages instead of a traceback, so each case pins the file,
the dotted field and the gist of what was expected.
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from kb.io.errors import InputError
from kb.profile import (FIELDS, CreditEvent, Designation, Group, Profile, Revocation, flatten_row,
                        load_profile, profile_from_dict, profile_from_row)

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good" / "minimal.yaml"

# file, dotted field named in the message (None: the file as a whole), words expected in it
CASES = [
    ("invalid_yaml.yaml", "line 2", "expected valid YAML"),
    ("not_mapping.yaml", None, "mapping of profile fields at the top level"),
    ("empty.yaml", None, "got nothing"),
    ("missing_id.yaml", "id", "required field is missing"),
    ("id_not_text.yaml", "id", "expected text, got 123"),
    ("unknown_top.yaml", "staf.service", "unknown field 'staf.service'; did you mean 'staff.service'?"),
    ("unknown_nested.yaml", "staff.servce", "did you mean 'staff.service'?"),
    ("unknown_service_function.yaml", "services.trainin.trainees",
     "did you mean 'services.training.trainees'?"),
    ("unknown_service_field.yaml", "services.training.trainess",
     "did you mean 'services.training.trainees'?"),
    ("unknown_kind.yaml", "kinds[0]", "unknown value 'incubatr'"),
    ("unknown_sponsor.yaml", "sponsor", "unknown value 'company'"),
    ("unknown_park_type.yaml", "facilities.park_type", "unknown value 'office'"),
    ("unknown_credit_kind.yaml", "credit_events[0].kind", "unknown value 'fraud'"),
    ("unknown_credit_subject.yaml", "credit_events[0].subject", "unknown value 'ceo'"),
    ("unknown_credit_field.yaml", "credit_events[0].knd", "did you mean 'credit_events[0].kind'?"),
    ("unknown_revocation_reason.yaml", "revocations[0].reason", "unknown value 'fraud'"),
    ("string_for_number.yaml", "staff.service", "expected a whole number >= 0, got 'ten'"),
    ("number_for_bool.yaml", "legal_person", "expected true or false, got 1"),
    ("bool_for_number.yaml", "total_assets", "expected an amount >= 0 in 万元, got true"),
    ("fractional_count.yaml", "staff.service", "expected a whole number"),
    ("section_not_map.yaml", "staff", "expected a map of fields"),
    ("share_over_one.yaml", "performance.satisfaction", "share in [0, 1]"),
    ("share_percent_over.yaml", "performance.satisfaction", "share in [0, 1]"),
    ("share_negative.yaml", "facilities.operator_property_share", "share in [0, 1]"),
    ("negative_count.yaml", "performance.smes_served", "expected a whole number >= 0, got -3"),
    ("negative_money.yaml", "registered_capital", "expected an amount >= 0"),
    ("impossible_date.yaml", "founded_on", "2023-02-30 does not exist"),
    ("non_iso_date.yaml", "founded_on", "expected an ISO date YYYY-MM-DD"),
    ("founded_after_as_of.yaml", "founded_on", "on or before as_of 2024-06-30"),
    ("registered_after_as_of.yaml", "registered_on", "on or before as_of 2024-06-30"),
    ("operating_after_as_of.yaml", "operating_since", "on or before as_of 2024-06-30"),
    ("credit_event_after_as_of.yaml", "credit_events[0].date", "on or before as_of 2024-06-30"),
    ("designation_after_as_of.yaml", "designations[0].granted_on", "on or before as_of 2024-06-30"),
    ("revocation_after_as_of.yaml", "revocations[0].date", "on or before as_of 2024-06-30"),
    ("college_below_bachelor.yaml", "staff.college_or_mid_title",
     "at least staff.bachelor_or_mid_title (8), got 5"),
    ("fulltime_above_service.yaml", "staff.fulltime_service", "at most staff.service (10), got 12"),
    ("visits_below_offline.yaml", "services.consulting.firm_visits",
     "at least services.consulting.firms_offline (40), got 30"),
    ("year_keys.yaml", "performance.smes_served_by_year.last_year", "expected a year"),
    ("designation_unknown_program.yaml", "designations[0].program",
     "unknown program id 'beijing.plattform'"),
    ("revocation_unknown_program.yaml", "revocations[0].program", "unknown program id 'shanghai.platform'"),
    ("python_tag.yaml", "name", "the YAML tag '!!python/object/apply:os.system' is not allowed"),
    ("attest_not_bool.yaml", "attest.sound_management", "expected true or false, got 'yes'"),
    ("group_entity_bad.yaml", "entities[1].staff.service", "expected a whole number >= 0, got 'many'"),
    ("group_no_entities.yaml", "entities", "non-empty list of entity profiles"),
    ("wrong_type.json", "staff.service", "got '12'"),
    ("invalid.json", "line 1", "expected valid JSON"),
]


def _error(path, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        load_profile(path, **kw)
    return info.value


def test_every_bad_fixture_is_covered():
    assert {p.name for p in BAD.iterdir()} == {case[0] for case in CASES}


@pytest.mark.parametrize("name, field, words", CASES, ids=[c[0] for c in CASES])
def test_bad_profile_names_file_field_and_expectation(name, field, words):
    path = BAD / name
    err = _error(path)
    message = str(err)
    assert "\n" not in message
    assert err.field == field
    prefix = f"{path}: {field}: " if field else f"{path}: "
    assert message.startswith(prefix), message
    assert words in message, message


@pytest.mark.parametrize("path", [BAD / "does_not_exist.yaml", BAD])
def test_unreadable_file(path):
    err = _error(path)
    assert err.field is None
    assert str(err).startswith(f"{path}: expected a readable YAML or JSON file")


def test_undecodable_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    assert "expected a UTF-8 text file" in str(_error(path))


def test_as_of_argument_overrides_and_is_checked():
    assert load_profile(GOOD, as_of=date(2025, 1, 1)).as_of == date(2025, 1, 1)
    err = _error(GOOD, as_of=date(2019, 1, 1))
    assert "on or before as_of 2019-01-01" in str(err)
    with pytest.raises(InputError, match="founded_on: expected a date on or before as_of 2019-01-01"):
        profile_from_dict({"id": "a", "as_of": "2024-01-01", "founded_on": "2019-03-15"},
                          as_of=date(2019, 1, 1))


def test_good_profile_is_normalized_exactly():
    p = load_profile(GOOD)
    assert isinstance(p, Profile)
    assert (p.id, p.name, p.as_of, p.source) == ("org-minimal", "示例服务平台", date(2024, 6, 30), str(GOOD))
    v = p.values
    assert v["total_assets"] == Fraction("1200.5")
    assert v["staff.service"] == 20 and isinstance(v["staff.service"], Fraction)
    assert v["performance.satisfaction"] == Fraction(92, 100)
    assert v["performance.public_welfare_share"] == Fraction(3, 10)
    assert v["performance.smes_served_by_year"] == {2022: 150, 2023: 180}
    assert v["kinds"] == ("professional_service_institution",)
    assert v["founded_on"] == v["registered_on"] == v["operating_since"] == date(2019, 3, 15)
    assert p.defaulted == {"registered_on", "operating_since"}
    assert v["services.training.offered"] is True and v["services.policy.offered"] is True
    assert v["services.legal.offered"] is False
    assert p.services_offered == {"training", "policy"}
    assert "services.information.offered" not in v          # absent, never False or 0
    assert "staff.startup_mentors" not in v and None not in v.values()
    assert p.credit_events == (CreditEvent("violation", date(2020, 5, 1), "legal_representative"),)
    assert p.designations == (Designation("beijing.platform", date(2021, 1, 1), date(2024, 12, 31)),)
    assert p.revocations == (Revocation("chengdu.base", date(2018, 7, 1), "other"),)
    assert p.attest == {"sound_management": True}
    assert p.notes.startswith("fixture") and p.raw["id"] == "org-minimal"


def test_as_of_defaults_to_today_and_shares_take_every_spelling():
    for share in ("90%", "0.9", 0.9, Fraction(9, 10)):
        p = profile_from_dict({"id": "a", "performance": {"satisfaction": share}})
        assert p.values["performance.satisfaction"] == Fraction(9, 10)
        assert p.as_of == date.today()


def test_json_profile_is_exact(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"id": "j", "as_of": "2024-01-01", "total_assets": 0.1, "staff": {"service": 3}}')
    p = load_profile(path)
    assert p.values["total_assets"] == Fraction(1, 10) and p.values["staff.service"] == 3


def test_bool_is_not_a_number_from_python_either():
    with pytest.raises(InputError, match="staff.service: expected a whole number >= 0, got true"):
        profile_from_dict({"id": "a", "staff": {"service": True}})


def test_group_entities_inherit_as_of_and_name_their_source():
    g = profile_from_dict({
        "group": {"id": "g", "name": "G"}, "as_of": "2024-06-30",
        "entities": [{"id": "p"}, {"id": "c", "as_of": "2023-12-31"}]}, source="g.yaml")
    assert isinstance(g, Group) and g.as_of == date(2024, 6, 30)
    assert [e.as_of for e in g.entities] == [date(2024, 6, 30), date(2023, 12, 31)]
    assert g.entities[1].source == "g.yaml#entities[1]"
    g2 = profile_from_dict(g.raw, source="g.yaml", as_of=date(2025, 1, 1))
    assert {e.as_of for e in g2.entities} == {date(2025, 1, 1)}


def test_group_entity_ids_are_unique():
    with pytest.raises(InputError, match=r"entities\[1\]\.id"):
        profile_from_dict({"group": {"id": "g"}, "entities": [{"id": "a"}, {"id": "a"}]})


def test_fields_table_names_every_contract_field():
    assert FIELDS["staff.service"] == "int>=0" and FIELDS["total_assets"] == "money"
    assert FIELDS["performance.satisfaction"] == "share" and FIELDS["founded_on"] == "date"
    assert FIELDS["facilities.park_type"] == "enum:manufacturing|building_economy|other"
    assert FIELDS["services.digital_transformation.quality_certified"] == "bool"
    assert "notes" in FIELDS


def test_csv_row_round_trip():
    row = {"id": "r1", "as_of": "2024-06-30", "staff.service": "12", "legal_person": "true",
           "performance.satisfaction": "95%", "services.training.trainees": "40",
           "kinds": '["incubator", "maker_space"]', "performance.smes_served_by_year": '{"2023": 7}',
           "total_assets": "", "facilities.leased": ""}
    nested = flatten_row(row, "orgs.csv", 3)
    assert nested["staff"] == {"service": 12} and "total_assets" not in nested
    p = profile_from_row(row, "orgs.csv", 3)
    assert p.values["performance.smes_served_by_year"] == {2023: 7}
    assert p.values["services.training.offered"] is True
    assert p.values["kinds"] == ("incubator", "maker_space")
    assert "facilities.leased" not in p.values


@pytest.mark.parametrize("row, message", [
    ({"id": "r", "staf.service": "3"}, "orgs.csv:row 4: staf.service: unknown field 'staf.service'; "
                                       "did you mean 'staff.service'?"),
    ({"id": "r", "staff.service": "lots"}, "orgs.csv:row 4: staff.service: expected a number, got 'lots'"),
    ({"id": "r", "legal_person": "maybe"}, "orgs.csv:row 4: legal_person: expected true or false"),
    ({"id": "r", "kinds": "[incubator"}, "orgs.csv:row 4: kinds: expected a JSON list"),
    ({"id": "r", "staff.service": "-1"}, "orgs.csv:row 4: staff.service: expected a whole number >= 0"),
    ({"id": "r", None: ["extra"]}, "orgs.csv:row 4: expected no more cells"),
])
def test_csv_row_errors_name_row_and_column(row, message):
    with pytest.raises(InputError) as info:
        profile_from_row(row, "orgs.csv", 4)
    assert str(info.value).startswith(message), str(info.value)


# -- several mistakes at once; Chinese enum names; attest keys (issue 15 item 1, issue 10) ------------

def test_several_mistakes_are_reported_together_one_line_each(tmp_path, capsys):
    from kb.cli import main
    path = tmp_path / "many.yaml"
    path.write_text("id: x\nas_of: 2024-06-30\nstaff: {servce: 10, fulltime_service: abc}\n"
                    "performance: {satisfaction: 1.5}\nfacilities: {office_m2: -3}\n"
                    "credit_events: [{kind: fraud, date: 2023-01-01, subject: entity}]\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith(f"regkb: {path}: ") for line in lines)
    for field in ("staff.servce", "staff.fulltime_service", "performance.satisfaction",
                  "facilities.office_m2", "credit_events[0].kind"):
        assert sum(f": {field}: " in line for line in lines) == 1, field


def test_a_misspelt_key_is_reported_once_not_also_as_missing():
    with pytest.raises(InputError) as exc:
        profile_from_dict({"idd": "x"}, "p.yaml")
    assert exc.value.lines == ["p.yaml: idd: unknown field 'idd'; did you mean 'id'?"]


def test_group_entities_report_their_mistakes_together():
    data = {"group": {"id": "g"}, "entities": [{"id": "a", "total_assets": -1},
                                               {"id": "b", "staff": {"service": "ten"}}]}
    with pytest.raises(InputError) as exc:
        profile_from_dict(data, "g.yaml", as_of=date(2024, 6, 30))
    assert [line.split(": ")[1] for line in exc.value.lines] == ["entities[0].total_assets",
                                                                 "entities[1].staff.service"]


@pytest.mark.parametrize("field, chinese, value", [
    ("sponsor", "企业", "enterprise"), ("sponsor", "机关", "government"),
    ("sponsor", "事业单位", "public_institution"), ("sponsor", "社团法人", "social_organization"),
    ("facilities.park_type", "楼宇经济园", "building_economy"),
])
def test_enum_values_accept_their_chinese_names(field, chinese, value):
    section, _, leaf = field.rpartition(".")
    data = {"id": "x", **({section: {leaf: chinese}} if section else {field: chinese})}
    assert profile_from_dict(data, as_of=date(2024, 6, 30)).values[field] == value


def test_kinds_accept_chinese_names_and_near_misses_name_the_value():
    p = profile_from_dict({"id": "x", "kinds": ["孵化器", "众创空间", "硬科技孵化器"]}, as_of=date(2024, 6, 30))
    assert p.values["kinds"] == ("incubator", "maker_space", "hard_tech_incubator")
    with pytest.raises(InputError) as exc:
        profile_from_dict({"id": "x", "kinds": ["孵化基地"]}, "p.yaml", as_of=date(2024, 6, 30))
    assert "did you mean 'incubator' (孵化器)?" in exc.value.message


def test_misspelt_attest_key_is_an_error_naming_the_nearest_key(kb):
    # 信用状况良好 is attested under good_credit; a typo would otherwise attest
    # nothing and leave the condition "assumed met"
    with pytest.raises(InputError) as exc:
        kb.load({"id": "x", "as_of": "2024-06-30", "attest": {"good_credt": False}})
    assert exc.value.field == "attest.good_credt"
    assert "did you mean 'good_credit'?" in exc.value.message
    readers = [pid for pid, prog in kb.programs.items()
               if any(n.kind == "qualitative" and n.params["attest"] == "good_credit" for n in prog.nodes())]
    assert readers
    report = kb.check({"id": "x", "as_of": "2024-06-30", "attest": {"good_credit": False}}, readers)
    assert all(r.status == "fails" for r in report.results)


def test_every_unknown_attest_key_is_named(kb):
    with pytest.raises(InputError) as exc:
        kb.load({"id": "x", "as_of": "2024-06-30", "attest": {"good_credt": True, "zzz_unheard_of": True}})
    assert [line.split(": ")[1] for line in exc.value.lines] == ["attest.good_credt", "attest.zzz_unheard_of"]


def test_a_csv_row_reports_every_bad_cell():
    with pytest.raises(InputError) as exc:
        flatten_row({"id": "x", "staff.service": "ten", "facilities.leased": "maybe"}, "p.csv", 3)
    assert [line.split(": ")[1] for line in exc.value.lines] == ["staff.service", "facilities.leased"]
    assert all(line.startswith("p.csv:row 3: ") for line in exc.value.lines)
