"""`regkb init`: a commented YAML profile holding exactly the fields the chosen
programs read, each with the clauses that need it.

Placeholders are empty values, which the loader reads as unknown, so the
template loads as written and a person fills in what they know. Service
functions start as ``offered: false``, which means what leaving a function out
means (not offered), so nothing is claimed until the person says so.
"""
from __future__ import annotations

from kb.law.fields import ENUM_ZH, FIELDS, SERVICE_FIELDS, doc_of, enum_values
from kb.law.model import PROGRAMS, SHORT
from kb.profile.docs import HISTORY, attest_clauses, cited, readers

_EXAMPLE = {"map[year]int>=0": "{2022: 120, 2023: 150}", "share": '0.9 or "90%"', "date": "2021-06-30",
            "list[credit_event]": "- {kind: violation, date: 2023-05-01, subject: entity}",
            "list[designation]": "- {program: beijing.platform, granted_on: 2021-12-01, expires_on: 2024-12-01}",
            "list[revocation]": "- {program: beijing.base, date: 2022-03-01, reason: failed_evaluation}"}
_WORDS = {
    "zh": {"head": "机构档案模板", "for": "适用项目", "fill": "填写已知的值；不知道的留空（视为未知，不视为零）。",
           "check": "检查：regkb check 本文件；字段说明：docs/profile.md", "read": "条款",
           "offered": "提供该服务则改为 true（下面的数字仅在提供时计入）", "values": "可选", "eg": "例", "id": "改为你的机构标识",
           "attest": "定性条件：留空＝视为满足并需准备材料；写 false＝不满足"},
    "en": {"head": "organization profile template", "for": "programs", "fill":
           "Fill in what you know; leave a value empty when you do not know it (unknown, never zero).",
           "check": "Check with: regkb check THIS_FILE; fields: docs/profile.md", "read": "read by",
           "offered": "set true if you offer it (the figures below count only then)", "values": "one of", "eg": "e.g.", "id": "your organization's identifier",
           "attest": "qualitative conditions: empty = assumed met, prepare evidence; false = not met"},
}


def _needed(kb, programs: list[str]) -> tuple[dict, list[str]]:
    read = readers(kb, programs)
    names = [n for n in FIELDS if n in read]
    if {"registered_on", "operating_since"} & set(names) and "founded_on" not in names:
        names.insert(0, "founded_on")   # both default to it
    return read, names


def _comment(name: str, lang: str, read: dict) -> str:
    zh, en, unit = doc_of(name)
    w = _WORDS[lang]
    kind = FIELDS[name]
    parts = [zh if lang == "zh" else en]
    if unit and kind not in ("date", "share"):   # the example says how to write those
        parts[0] += f" ({unit})"
    if values := enum_values(kind):
        parts.append(f"{w['values']}: " + ", ".join(ENUM_ZH.get(v, v) if lang == "zh" else v for v in values))
    elif kind in _EXAMPLE:
        parts.append(f"{w['eg']} {_EXAMPLE[kind]}")
    if read.get(name):
        parts.append(f"{w['read']}: {cited(read[name])}")
    return "  # " + " — ".join(parts)


def template(kb, programs: list[str] | None = None, lang: str = "zh") -> str:
    programs = list(dict.fromkeys(kb.program_ids(programs)))
    w = _WORDS[lang]
    read, names = _needed(kb, programs)
    out = [f"# regkb {w['head']} · {w['for']}: " + ", ".join(f"{p} {PROGRAMS[p]}" for p in programs),
           f"# {w['fill']}", f"# {w['check']}",
           f"id: my-organization  # {w['id']}", "name:", "as_of:" + _comment("as_of", lang, read)]
    sections: dict[str, list[str]] = {}
    for name in names:
        if name in HISTORY or name.startswith("services."):
            continue
        section, _, leaf = name.rpartition(".")
        line = f"{'  ' if section else ''}{leaf or name}:" + _comment(name, lang, read)
        sections.setdefault(section, []).append(line)
    out += sections.pop("", [])
    for section, lines in sections.items():
        out += [f"{section}:", *lines]
    functions = [fn for fn in dict.fromkeys(n.split(".")[1] for n in names if n.startswith("services."))]
    if functions:
        out.append("services:")
        for fn in functions:
            offered = f"services.{fn}.offered"
            out.append(f"  {fn}:")
            out.append(f"    offered: false  # {w['offered']}"
                       + (f" — {w['read']}: {cited(read[offered])}" if read.get(offered) else ""))
            for leaf in SERVICE_FIELDS:
                name = f"services.{fn}.{leaf}"
                if leaf != "offered" and name in names:
                    out.append(f"    {leaf}:" + _comment(name, lang, read))
    for name in ("credit_events", "designations", "revocations"):
        if name in names:
            zh, en, _ = doc_of(name)
            out += [f"{name}: []  # " + (zh if lang == "zh" else en) + f" — {w['eg']} {_EXAMPLE[FIELDS[name]]}"
                    + f" — {w['read']}: {cited(read[name])}"]
    keys = {k: v for k, v in attest_clauses(kb).items() if any(p in programs for p, _, _ in v)}
    if keys:
        out.append(f"attest:  # {w['attest']}")
        for key, items in keys.items():
            words = "；".join(f"{SHORT[p]} {label}「{_clip(quote)}」" for p, label, quote in items if p in programs)
            out.append(f"  {_key(key)}:  # {words}")
    return "\n".join(out) + "\n"


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _key(key: str) -> str:
    return key if key.replace("_", "").isalnum() else f'"{key}"'

