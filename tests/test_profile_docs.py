"""The profile documented from the table the loader uses (issue 15, item 1):
docs/profile.md is current, agrees with the contract, and `regkb schema` and
`regkb init` come from the same table."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from kb.cli import main
from kb.law.fields import DOCS, ENUM_ZH, FIELDS, doc_of
from kb.law.model import PROGRAMS
from kb.profile import profile_from_dict
from kb.profile.docs import DOC_PATH, json_schema, markdown, readers
from kb.profile.template import template
from tests.conftest import ROOT

CONTRACT = ROOT.parent / "shared" / "spec" / "profile.md"
SAMPLES = sorted(p for p in (ROOT / "facts" / "organizations").glob("*.yaml") if p.name != "expected.yaml")


def test_every_field_has_a_meaning_and_every_meaning_a_field():
    for name in FIELDS:
        zh, en, _ = doc_of(name)
        assert zh and en, name
    generic = {n if not n.startswith("services.") else "services.*." + n.split(".")[2] for n in FIELDS}
    assert set(DOCS) == generic


def test_docs_profile_md_is_current(kb):
    assert DOC_PATH.exists(), "run: python -m kb.profile.docs --write"
    assert DOC_PATH.read_text(encoding="utf-8") == markdown(kb), "stale: run python -m kb.profile.docs --write"


def _contract_rows() -> list[tuple[str, str]]:
    """(dotted field, the row's text) for every field the contract's tables name."""
    section, rows = "", []
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            section = heading.strip("`") if heading.startswith("`") else ""
        m = re.match(r"\|\s*`([a-z_0-9]+)`(?:\s*/\s*`([a-z_0-9]+)`)?\s*\|(.*)", line)
        if m:
            for name in filter(None, m.groups()[:2]):
                rows.append((f"{section}.{name}" if section else name, m.group(3)))
    return rows


@pytest.mark.skipif(not CONTRACT.exists(), reason="the contract lives beside the repository (../shared/spec)")
def test_the_docs_name_every_contract_field_with_the_contract_unit():
    doc = DOC_PATH.read_text(encoding="utf-8")
    rows = _contract_rows()
    assert len(rows) > 60
    for name, text in rows:
        key = f"services.*.{name.split('.')[1]}" if name.startswith("services.") else name
        concrete = key.replace("*", "training")
        assert concrete in FIELDS, f"contract field {name} unknown to the loader"
        assert f"| `{key}` |" in doc, f"{key} missing from docs/profile.md"
        unit = doc_of(concrete)[2]
        kind = FIELDS[concrete]
        # the contract's units: money in 万元, areas in m², shares in [0, 1], counts in 家 / 家次 / 人次
        if kind == "money" or "万元" in text:
            assert unit == "万元", name
        if kind == "m2" or name.endswith("_m2"):
            assert unit == "m²", name
        if "share" in text and kind != "bool":
            assert kind == "share", name
        for count_unit in ("家次", "人次"):
            if f"({count_unit})" in text:
                assert unit == count_unit, name
        if "(家)" in text:
            assert unit == "家", name


def test_docs_say_which_clauses_read_a_field(kb):
    doc = DOC_PATH.read_text(encoding="utf-8")
    # 北京平台 第五条（七）企业用户满意度不低于90%; 成都基地 第六条（四）创业辅导师不少于2人
    sat = next(line for line in doc.splitlines() if line.startswith("| `performance.satisfaction` |"))
    assert "北京平台 第五条（七）" in sat
    mentors = next(line for line in doc.splitlines() if line.startswith("| `staff.startup_mentors` |"))
    assert "成都基地 第六条（四）" in mentors and "北京平台" not in mentors
    for value, zh in (("public_institution", "事业单位"), ("building_economy", "楼宇经济园"), ("maker_space", "众创空间")):
        assert f"| `{value}` | {zh} |" in doc


# -- regkb schema --------------------------------------------------------------------------------

def _raw(path: Path):
    """A sample as plain JSON data (dates as text, year keys as strings), as a tool would send it."""
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    return json.loads(json.dumps(yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)))  # noqa: S506


@pytest.fixture(scope="module")
def schema(kb):
    out = json_schema(kb)
    jsonschema.Draft202012Validator.check_schema(out)
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_profile_is_valid_against_the_schema(schema, sample):
    jsonschema.Draft202012Validator(schema).validate(_raw(sample))


@pytest.mark.parametrize("change, why", [
    ({"staff": {"servce": 10}}, "a misspelt field"),
    ({"performance": {"satisfaction": 1.5}}, "a share above 1"),
    ({"facilities": {"park_type": "campus"}}, "an unknown park type"),
    ({"attest": {"credit_standng": True}}, "an attest key the knowledge base does not define"),
    ({"total_assets": -1}, "a negative amount"),
])
def test_the_schema_rejects_what_the_loader_rejects(kb, schema, change, why):
    data = {"id": "x", "as_of": "2024-06-30", **change}
    assert not jsonschema.Draft202012Validator(schema).is_valid(data), why
    with pytest.raises(Exception):
        kb.load(data)


def test_the_schema_accepts_chinese_enum_names_as_the_loader_does(kb, schema):
    data = {"id": "x", "as_of": "2024-06-30", "sponsor": "事业单位", "kinds": ["孵化器", "众创空间"],
            "facilities": {"park_type": "楼宇经济园"}, "performance": {"satisfaction": "90%"}}
    jsonschema.Draft202012Validator(schema).validate(data)
    p = kb.load(data)
    assert p.values["sponsor"] == "public_institution" and p.values["kinds"] == ("incubator", "maker_space")
    assert p.values["facilities.park_type"] == "building_economy"


def test_regkb_schema_prints_draft_2020_12(capsys):
    assert main(["schema"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "entity" in out["$defs"] and "group" in out["$defs"]


# -- regkb init ------------------------------------------------------------------------------------

def _fill(node, path=""):
    """Every empty placeholder given a value of its field's type; functions offered."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            name = f"{path}{key}"
            if isinstance(value, dict):
                _fill(value, name + ".")
            elif value is None or (name.endswith(".offered") and value is False):
                node[key] = _example(name)
    return node


def _example(name: str):
    if name.startswith("attest."):
        return True
    kind = FIELDS.get(name, "bool")
    if kind.startswith("enum:"):
        return ENUM_ZH.get(kind[5:].split("|")[0], kind[5:].split("|")[0])
    if kind.startswith("list[enum:"):
        return [kind[10:-1].split("|")[0]]
    return {"str": "text", "bool": True, "date": "2020-01-01", "int>=0": 30, "money": 500, "m2": 2000,
            "share": "90%", "map[year]int>=0": {2021: 100, 2022: 120, 2023: 150}}[kind]


@pytest.mark.parametrize("programs", [[p] for p in PROGRAMS] + [None], ids=[*PROGRAMS, "all"])
def test_init_template_loads_as_written_and_filled(kb, programs):
    text = template(kb, programs, "zh")
    data = yaml.safe_load(text)
    kb.load({**data, "as_of": "2024-06-30"})                       # placeholders left empty: unknown
    kb.load(_fill({**data, "as_of": "2024-06-30"}))                 # placeholders filled


def test_init_template_holds_exactly_the_fields_the_program_reads(kb):
    text = template(kb, ["chengdu.base"], "en")
    read = readers(kb, ["chengdu.base"])
    # 成都基地 第六条（四）创业辅导师不少于2人: the field and its clause
    line = next(x for x in text.splitlines() if x.strip().startswith("startup_mentors:"))
    assert "成都基地 第六条（四）" in line
    assert "staff.startup_mentors" in read
    assert "smes_served_jjj" not in text          # 京津冀 is the Beijing platform's, not Chengdu's
    for name in read:
        if "." in name and not name.startswith(("services.", "attest")):
            assert f"  {name.split('.')[-1]}:" in text, name


def test_regkb_init_writes_a_new_file_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "me.yaml"
    assert main(["init", "--program", "beijing.platform", "--lang", "en", "--out", str(out)]) == 0
    assert "performance:" in out.read_text(encoding="utf-8")
    assert main(["init", "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
