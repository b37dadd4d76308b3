"""The profile described for people and tools: docs/profile.md, its JSON Schema
and the `regkb init` template, all generated from kb/law/fields.py (the table the
loader validates against) and from the encodings (which clause reads which
field), so none of them can drift from what the loader accepts.

``python -m kb.profile.docs --write`` regenerates docs/profile.md;
tests/test_profile_docs.py fails when it is stale. Each function takes ``law``:
anything with the texts' ``programs``, ``documents`` and ``facts_dir``, a
kb.law.encoding.Law (load_law()) or a KnowledgeBase alike.
"""
from __future__ import annotations

import sys
from pathlib import Path

from kb.law.fields import (DOCS, ENUM_ZH, FIELDS, RECORD_DOCS, RECORDS, SERVICE_FIELDS, SERVICE_FUNCTIONS,
                       doc_of, enum_values, is_enum, is_list_of_enum, item_kind)
from kb.law.model import PROGRAMS, SHORT, Node

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "profile.md"
SECTIONS = (("", "Top level · 基本信息"), ("staff", "staff · 人员"), ("facilities", "facilities · 场所与设施"),
            ("performance", "performance · 服务业绩"))
HISTORY = ("credit_events", "designations", "revocations", "attest")


# -- which clauses read which field -----------------------------------------------------------

def node_fields(node: Node) -> list[str]:
    """The profile fields one node reads itself (not its children's)."""
    p = node.params
    if "measure" in p:
        return list(p["measure"].args)
    if "field" in p:
        return [p["field"]]
    return {"lookback": ["credit_events"], "ban": ["revocations"], "reapplication": ["designations"],
            "qualitative": ["attest"]}.get(node.kind, [])


def readers(law, programs: list[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """Field (services.<fn>.<leaf> spelled out) → [(program, 第五条（六）), …] in program order."""
    out: dict[str, list[tuple[str, str]]] = {}

    def add(name: str, program: str, label: str):
        seen = out.setdefault(name, [])
        if (program, label) not in seen:
            seen.append((program, label))

    for pid in programs or list(PROGRAMS):
        prog = law.programs[pid]
        for node in prog.nodes():
            for name in node_fields(node):
                add(name, pid, node.citation.label())
        for exc in prog.exceptions:
            if exc.sponsors:
                add("sponsor", pid, exc.citation.label())
    return out


def generic(name: str) -> str:
    parts = name.split(".")
    return f"services.*.{parts[2]}" if parts[0] == "services" and len(parts) == 3 else name


def cited(pairs: list[tuple[str, str]]) -> str:
    by_program: dict[str, list[str]] = {}
    for pid, label in pairs:
        by_program.setdefault(pid, []).append(label)
    return "; ".join(f"{SHORT[p]} {'、'.join(labels)}" for p, labels in by_program.items())


def attest_clauses(law) -> dict[str, list[tuple[str, str, str]]]:
    """attest key → [(program, clause label, the Chinese words), …]."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for pid, prog in law.programs.items():
        for node in prog.nodes():
            if node.kind == "qualitative":
                item = (pid, node.citation.label(), node.quote or "")
                if item not in out.setdefault(node.params["attest"], []):
                    out[node.params["attest"]].append(item)
    return dict(sorted(out.items()))


# -- docs/profile.md --------------------------------------------------------------------------

def type_words(kind: str) -> str:
    if is_enum(kind):
        return "one of the values below · 取下表之一"
    if is_list_of_enum(kind):
        return "list of the values below · 下表中的若干项"
    return {"str": "text", "bool": "true / false", "date": "date", "int>=0": "whole number ≥ 0",
            "money": "number ≥ 0", "m2": "number ≥ 0", "share": "share", "map[year]int>=0": "map year → count",
            "map[str]bool": "map key → true/false", "program": "program id"}.get(kind, kind.replace("|", " \\| "))


def _row(name: str, read: dict) -> str:
    concrete = name.replace("*", SERVICE_FUNCTIONS[0])   # service fields: one row per leaf
    zh, en, unit = doc_of(concrete)
    kind = FIELDS[concrete]
    if name.startswith("services.*."):
        leaf = name.split(".")[2]
        pairs = [(p, f"{lbl} {n.split('.')[1]}") for n, ps in read.items()
                 if n.startswith("services.") and n.split(".")[2] == leaf for p, lbl in ps]
    else:
        pairs = read.get(name, [])
    return f"| `{name}` | {type_words(kind)} | {unit or ''} | {zh} | {en} | {cited(pairs) or '—'} |"


def _enum_table(title: str, values: tuple[str, ...]) -> list[str]:
    return [f"**{title}**", "", "| value | 中文 |", "|---|---|",
            *(f"| `{v}` | {ENUM_ZH.get(v, '')} |" for v in values), ""]


def markdown(law) -> str:
    from kb.law.fields import CREDIT_KINDS, CREDIT_SUBJECTS, KINDS, PARK_TYPES, REVOCATION_REASONS, SPONSORS
    read = readers(law)
    head = ["| field 字段 | type 类型 | unit 单位 | 含义 | meaning | read by 引用条款 |", "|---|---|---|---|---|---|"]
    out = ["<!-- Generated by `python -m kb.profile.docs --write` from kb/law/fields.py and the encodings; "
           "do not edit by hand. -->", "",
           "# The organization profile · 机构档案", "",
           "A profile is a YAML (or JSON) file describing one legal entity as of an evaluation date "
           "(`as_of`). `regkb init` writes a commented template with the fields the chosen programs read; "
           "`regkb schema` prints this table as a JSON Schema. A profile with several mistakes is reported "
           "all at once, one line per mistake.",
           "",
           "档案用 YAML（或 JSON）描述一个法人主体在评价日期（`as_of`）的情况。`regkb init` 生成带注释的模板，"
           "只含所选项目需要的字段；`regkb schema` 输出 JSON Schema。",
           "",
           "## Units and rules · 单位与规则", "",
           "- Money in 万元 everywhere (3亿 = 30000); areas in m²; shares as fractions in [0, 1] "
           "(`0.9` or `\"90%\"`); dates `YYYY-MM-DD`; counts are for the last full year before `as_of` "
           "unless the field says otherwise. 金额一律以万元计，面积以平方米计，比例为 0–1 的小数或百分数。",
           "- Missing data is unknown, never zero or false: a condition whose data is missing is undetermined "
           "and names the fields to supply. 缺失的数据视为未知，不视为零。",
           "- `services`, `credit_events`, `designations`, `revocations` are complete as given: a function "
           "not listed is not offered, an absent list means none. 未列出的服务功能视为未提供。",
           "- Enum values may be written in English or Chinese (`sponsor: 事业单位`, `kinds: [孵化器]`). "
           "枚举值可写英文或中文。",
           "- A qualitative condition not attested is assumed met and listed as evidence to prepare; "
           "`attest: {key: false}` makes it fail. Only the keys listed below are accepted.",
           "- 以上、以下、以内、届满 include the number; 不满、超过、以外 exclude it (民法典第一千二百五十九条).",
           "- A group (parent and subsidiaries) is `group: {id, name}` plus `entities: [profile, …]`.",
           ""]
    for prefix, title in SECTIONS:
        names = [n for n in FIELDS if (n.split(".")[0] == prefix if prefix else "." not in n and n not in HISTORY)]
        out += [f"## {title}", "", *head, *(_row(n, read) for n in names), ""]
    out += ["## services · 服务功能", "",
            "A map from a canonical function to what the entity did in it last year, e.g. "
            "`services: {training: {trainees: 1200}}`. 服务功能名称如下（各项目自己的功能名称映射到这些名称，见各 encoding）：", "",
            "| function | 中文 |", "|---|---|"]
    names = _function_names(law)
    out += [f"| `{fn}` | {names.get(fn, '')} |" for fn in SERVICE_FUNCTIONS]
    out += ["", "Fields of each function (`read by` names the clause and the function):", "", *head,
            *(_row(f"services.*.{leaf}", read) for leaf in SERVICE_FIELDS), ""]
    out += ["## History · 信用、认定与声明", "", *head, *(_row(n, read) for n in HISTORY), "",
            "Items of the lists · 列表项字段:", "", "| list | field | required | 中文 | meaning |", "|---|---|---|---|---|"]
    for record, fields in RECORDS.items():
        for key, (kind, required) in fields.items():
            zh, en = RECORD_DOCS[key]
            out.append(f"| {record} | `{key}` | {'yes' if required else 'no'} | {zh} | {en} |")
    out += ["", "## Values · 取值", "",
            *_enum_table("sponsor", SPONSORS), *_enum_table("kinds", KINDS),
            *_enum_table("facilities.park_type", PARK_TYPES), *_enum_table("credit_events[].kind", CREDIT_KINDS),
            *_enum_table("credit_events[].subject", CREDIT_SUBJECTS),
            *_enum_table("revocations[].reason", REVOCATION_REASONS),
            "**program ids** (`designations[].program`, `revocations[].program`)", "", "| id | 项目 |", "|---|---|",
            *(f"| `{p}` | {name} |" for p, name in PROGRAMS.items()), ""]
    out += ["## attest keys · 定性条件声明键", "",
            "`attest: {key: true|false}`. Each key and the clause words it stands for:", "",
            "| key | clauses 条款 |", "|---|---|"]
    for key, items in attest_clauses(law).items():
        words = "；".join(f"{SHORT[p]} {label}「{quote}」" for p, label, quote in items)
        out.append(f"| `{key}` | {words} |")
    return "\n".join(out) + "\n"


def _function_names(law) -> dict[str, str]:
    from kb.io.yamlio import read_yaml
    return {k: str(v) for k, v in ((read_yaml(law.facts_dir / "functions.yaml") or {}).get("functions") or {}).items()}


# -- JSON Schema --------------------------------------------------------------------------------

def _leaf_schema(kind: str, name: str, program_ids) -> dict:
    zh, en, unit = doc_of(name) if name in FIELDS else ("", "", None)
    out: dict
    if is_enum(kind):
        values = list(enum_values(kind))
        out = {"enum": values + [ENUM_ZH[v] for v in values if v in ENUM_ZH]}
    elif is_list_of_enum(kind):
        values = list(enum_values(kind))
        out = {"type": "array", "items": {"enum": values + [ENUM_ZH[v] for v in values if v in ENUM_ZH]}}
    elif kind == "program":
        out = {"enum": list(program_ids)}
    else:
        out = {"str": {"type": "string"}, "bool": {"type": "boolean"},
               "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"},
               "int>=0": {"type": "integer", "minimum": 0}, "money": {"type": "number", "minimum": 0},
               "m2": {"type": "number", "minimum": 0},
               "share": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1},
                                   {"type": "string", "pattern": r"^\s*(0|1|0?\.\d+|1\.0*|\d{1,2}(\.\d+)?%|100(\.0+)?%)\s*$"}]},
               "map[year]int>=0": {"type": "object", "propertyNames": {"pattern": r"^\d{4}$"},
                                   "additionalProperties": {"type": ["integer", "null"], "minimum": 0}},
               }[kind]
    if zh:
        out["description"] = f"{zh} · {en}" + (f" ({unit})" if unit else "")
    return {"anyOf": [out, {"type": "null"}]} if "anyOf" not in out else {**out, "anyOf": out["anyOf"] + [{"type": "null"}]}


def json_schema(law) -> dict:
    """Draft 2020-12 schema of a profile (one entity or a group), from the same table the loader uses."""
    from kb.law.encoding import attest_keys
    entity: dict = {"type": "object", "required": ["id"], "additionalProperties": False, "properties": {}}
    for name, kind in FIELDS.items():
        if name in HISTORY or item_kind(kind) in RECORDS:
            continue
        node = entity
        *parents, leaf = name.split(".")
        for p in parents:
            node = node["properties"].setdefault(p, {"type": ["object", "null"], "additionalProperties": False,
                                                     "properties": {}})
        node["properties"][leaf] = _leaf_schema(kind, name, PROGRAMS)
    for record, fields in RECORDS.items():
        list_name = {"credit_event": "credit_events", "designation": "designations", "revocation": "revocations"}[record]
        entity["properties"][list_name] = {
            "type": ["array", "null"], "description": " · ".join(DOCS[list_name][:2]),
            "items": {"type": "object", "additionalProperties": False,
                      "required": [k for k, (_, req) in fields.items() if req],
                      "properties": {k: _leaf_schema(kind, k, PROGRAMS) for k, (kind, _) in fields.items()}}}
    entity["properties"]["attest"] = {"type": ["object", "null"], "description": " · ".join(DOCS["attest"][:2]),
                                      "propertyNames": {"enum": sorted(attest_keys(law.documents))},
                                      "additionalProperties": {"type": ["boolean", "null"]}}
    group = {"type": "object", "required": ["group", "entities"], "additionalProperties": False,
             "properties": {"group": {"type": "object", "required": ["id"], "additionalProperties": False,
                                      "properties": {"id": {"type": "string"}, "name": {"type": ["string", "null"]},
                                                     "as_of": entity["properties"]["as_of"]}},
                            "as_of": entity["properties"]["as_of"], "notes": {"type": ["string", "null"]},
                            "entities": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/entity"}}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://regkb.invalid/profile.schema.json",
            "title": "regkb organization profile · 机构档案",
            "description": "Generated from kb/law/fields.py; see docs/profile.md.",
            "$defs": {"entity": entity, "group": group},
            "oneOf": [{"$ref": "#/$defs/entity"}, {"$ref": "#/$defs/group"}]}


def main(argv: list[str]) -> int:
    from kb.law.encoding import load_law
    from kb.io.outputs import print_or_write
    return print_or_write(markdown(load_law()), DOC_PATH, argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
