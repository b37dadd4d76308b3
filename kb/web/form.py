"""The profile form, generated from the profile's field table, and back.

Every input is a field of ``kb/law/fields.py`` (so a field added there appears
here), labelled in Chinese and English with its unit and the clauses that read
it. Submitted values go back through the loader unchanged in meaning: a blank
input is *missing* (unknown), never zero or false, so booleans are a choice of
unknown / 是 / 否 rather than a checkbox.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kb.law import fields as F

SECTIONS = (
    ("", "基本情况", "The organization"),
    ("staff", "人员", "Staff"),
    ("facilities", "场地与设施", "Premises and facilities"),
    ("performance", "服务业绩", "Performance"),
    ("services", "服务功能（上年度）", "Service functions (last full year)"),
)
HISTORY_ROWS = {"credit_events": 3, "designations": 3, "revocations": 2}


@dataclass
class Input:
    name: str                      # the dotted profile name, also the form field's name
    kind: str                      # text, number, date, select, multi, years
    label_zh: str
    label_en: str
    unit: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)   # (value, label)
    clauses: list[str] = field(default_factory=list)
    step: str = "1"
    years: list[int] = field(default_factory=list)


def _labels(name: str) -> tuple[str, str, str]:
    """(中文, English, unit) as docs/profile.md gives them; shares are typed as percent here."""
    kind = F.FIELDS[name]
    try:
        zh, en, unit = F.doc_of(name)
    except KeyError:                             # a field added without its entry: still usable
        zh, en, unit = name, name.rsplit(".", 1)[-1].replace("_", " "), None
    return zh, en, "%" if kind == "share" else "" if kind == "date" else unit or ""


def _enum_options(values: tuple[str, ...]) -> list[tuple[str, str]]:
    zh = getattr(F, "ENUM_ZH", {}) or {}
    return [(v, f"{zh[v]} {v}" if v in zh else v) for v in values]


def field_clauses(kb) -> dict[str, list[str]]:
    """Profile field → the clauses that read it, as docs/profile.md cites them."""
    from kb.profile.docs import cited, readers
    return {name: [cited(pairs)] for name, pairs in readers(kb).items()}


def inputs(kb, today: date | None = None) -> list[tuple[str, str, str, list[Input]]]:
    """The form's sections: (key, Chinese title, English title, inputs)."""
    today = today or date.today()
    clauses = field_clauses(kb)
    by_section: dict[str, list[Input]] = {key: [] for key, _, _ in SECTIONS}
    for name, kind in F.FIELDS.items():
        if name in F.HISTORY_FIELDS or name == "notes":
            continue
        section = name.split(".", 1)[0] if "." in name else ""
        zh, en, unit = _labels(name)
        read_by = clauses.get(name, [])
        item = Input(name, "text", zh, en, unit, clauses=read_by)
        if kind == "bool":
            item.kind, item.options = "select", [("", "未知 unknown"), ("true", "是 yes"), ("false", "否 no")]
        elif kind == "date":
            item.kind = "date"
        elif kind in ("int>=0", "money", "m2"):
            item.kind, item.step = "number", "1" if kind == "int>=0" else "any"
        elif kind == "program":
            item.kind, item.options = "select", [("", "—")] + _enum_options(F.PROGRAM_IDS)
        elif F.is_enum(kind):
            item.kind, item.options = "select", [("", "未知 unknown")] + _enum_options(F.enum_values(kind))
        elif F.is_list_of_enum(kind):
            item.kind, item.options = "multi", _enum_options(F.enum_values(kind))
        elif kind.startswith("map[year]"):
            item.kind, item.years = "years", list(range(today.year - 6, today.year))
        by_section.setdefault(section, []).append(item)
    return [(key, zh, en, by_section.get(key, [])) for key, zh, en in SECTIONS]


def attest_keys(kb) -> list[tuple[str, str, str]]:
    """(key, the clauses, the Chinese words) of every qualitative condition, once per key."""
    from kb.law.model import SHORT
    from kb.profile.docs import attest_clauses
    out = []
    for key, uses in attest_clauses(kb).items():
        where = "；".join(f"{SHORT.get(pid, pid)} {label}" for pid, label, _ in uses)
        out.append((key, where, next((words for _, _, words in uses if words), key)))
    return out


def history_options() -> dict[str, dict[str, list[tuple[str, str]]]]:
    out = {}
    for name, record in (("credit_events", "credit_event"), ("designations", "designation"),
                         ("revocations", "revocation")):
        out[name] = {}
        for key, (kind, _required) in F.RECORDS[record].items():
            if F.is_enum(kind):
                out[name][key] = _enum_options(F.enum_values(kind))
            elif kind == "program":
                out[name][key] = _enum_options(F.PROGRAM_IDS)
            else:
                out[name][key] = []
    return out


# -- submitted form → profile ---------------------------------------------------

def _number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text                              # the loader names the field and what it expected
    return int(value) if value.is_integer() and "e" not in text.lower() and abs(value) < 1e15 else value


def _put(profile: dict, name: str, value: Any) -> None:
    parts = name.split(".")
    node = profile
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def profile_from_form(form: list[tuple[str, str]]) -> dict:
    """The profile a submitted form describes; blank means missing."""
    values: dict[str, list[str]] = {}
    for key, value in form:
        values.setdefault(key, []).append(value)
    profile: dict[str, Any] = {}
    for name, kind in F.FIELDS.items():
        if name in F.HISTORY_FIELDS:
            continue
        if F.is_list_of_enum(kind):
            chosen = [v for v in values.get(name, []) if v]
            if chosen:
                _put(profile, name, chosen)
            continue
        if kind.startswith("map[year]"):
            years = {}
            for key, vals in values.items():
                if key.startswith(name + ".") and vals[0].strip():
                    years[key[len(name) + 1:]] = _number(vals[0].strip())
            if years:
                _put(profile, name, years)
            continue
        text = (values.get(name) or [""])[0].strip()
        if not text:
            continue
        if kind == "bool":
            _put(profile, name, text == "true")
        elif kind in ("int>=0", "money", "m2"):
            _put(profile, name, _number(text))
        else:
            _put(profile, name, text)
    for name, rows in HISTORY_ROWS.items():
        record = {"credit_events": "credit_event", "designations": "designation",
                  "revocations": "revocation"}[name]
        items = []
        for i in range(rows):
            item = {k: (values.get(f"{name}.{i}.{k}") or [""])[0].strip() for k in F.RECORDS[record]}
            item = {k: v for k, v in item.items() if v}
            if item:
                items.append(item)
        if items:
            profile[name] = items
    attest = {}
    for key, vals in values.items():
        if key.startswith("attest.") and vals[0] in ("true", "false"):
            attest[key[7:]] = vals[0] == "true"
    if attest:
        profile["attest"] = attest
    return profile
