"""Review sheets: each article and clause beside what the encoding requires.

``regkb review DOC`` is what a policy lawyer reads to sign off an encoding:
every article in order with its Chinese text, and for each clause the
conditions read from it in plain Chinese and English (field, comparison,
figure, unit, window, strength, open or closed list), the interpretation,
each switch with its default and what every reading requires, and what is
``not_encoded`` and why, with the clause's coverage status.

The sheet is built from the encoding's data (every switch case, not only the
reading in use) into a plain model; Jinja2 templates in kb/templates/ lay it
out as Markdown or as one self-contained HTML page. Templates rather than
string building: the HTML is escaped by default (the texts contain < and &
in places) and the layout can be changed without touching the wording.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kb.lint.coverage import _label, switches_of, units
from kb.law.agreement import is_open
from kb.law.rawtree import walk
from kb.law.wording import MEASURE_PHRASE, OP_WORDS as OPS, UNIT_NAMES as UNITS, listed, percent, set_of, within_years

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"   # kb/templates

STRENGTH = {"mandatory": ("必须", "mandatory"), "general": ("一般应（原则上）", "general rule (一般应 / 原则上)"),
            "relaxable": ("可适度放宽", "may be relaxed (可适度放宽)")}
STATUS = {"encoded": ("已编码", "encoded"), "partly": ("部分编码", "partly encoded"),
          "not encoded": ("未编码", "not encoded")}


def _field(name: str, function: str | None) -> tuple[str, str, str]:
    """(dotted name, 中文, English) of a field as a node names it."""
    from kb.law.fields import DOCS, FIELDS, doc_of
    if "." not in name and name not in FIELDS:
        name = f"services.{function or '*'}.{name}"
    try:
        zh, en, _ = doc_of(name)
    except KeyError:
        parts = name.split(".")
        zh, en, _ = DOCS.get(f"services.*.{parts[-1]}", (name, name, None))
    # the field's name only: its documentation's asides (defaults, accepted spellings) stay in the docs
    zh = re.sub(r"（[^）]*）|\([^)]*\)", "", zh).split("；")[0].strip()
    en = re.sub(r"\([^)]*\)", "", en).split(";")[0].strip()
    return name, zh, en


def _enum(values) -> tuple[str, str]:
    from kb.law.fields import ENUM_ZH
    values = list(values or [])
    return listed((ENUM_ZH.get(v, v) for v in values), "zh"), listed(values)


def _figure(value: Any, unit: str | None) -> tuple[str, str]:
    from fractions import Fraction
    text = str(value).strip()
    if unit == "share":
        try:
            shown = percent(Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text))
        except (ValueError, ZeroDivisionError):
            shown = text
        return shown, shown
    zh, en = UNITS.get(unit or "", (unit or "", unit or ""))
    return f"{text}{zh}", f"{text} {en}".strip()


def _window(years) -> tuple[str, str]:
    if years is None:
        return "不限期限（任何时候）", "no time limit (ever)"
    return f"评价日前 {years} 年内", f"{within_years(years)} before as_of"


def _function_names(node: dict, functions: dict[str, str]) -> tuple[str, str]:
    spec = node.get("function")
    if spec == "*":
        excluded = node.get("except") or []
        zh = "任一服务功能" + (f"（{'、'.join(str(functions.get(f, f)).split(' / ')[0] for f in excluded)}除外）"
                              if excluded else "")
        en = "any service function" + (f" except {', '.join(excluded)}" if excluded else "")
        return zh, en
    names = spec if isinstance(spec, list) else [spec]
    # functions.yaml gives a function's names in the texts as 融资服务 / 投融资服务: the first will do
    return "或".join(str(functions.get(f, f)).split(" / ")[0] for f in names), " or ".join(str(f) for f in names)


def describe(node: dict, function: str | None, functions: dict[str, str]) -> tuple[str, str, list[tuple[str, str]]]:
    """(中文, English, details) of what one node requires, its own figures only."""
    kind = node.get("kind")
    details: list[tuple[str, str]] = []
    if kind == "threshold":
        op_zh, op_en = OPS.get(node.get("op"), (node.get("op"), node.get("op")))
        fig_zh, fig_en = _figure(node.get("value"), "年" if "years_since" in node else node.get("unit"))
        if "years_since" in node:
            name, zh, en = _field(node["years_since"], function)
            what_zh, what_en = f"自{zh}起算的整年数", MEASURE_PHRASE["years_since"].format(en)
        elif "share" in node:
            of, inn = (_field(node["share"][k], function) for k in ("of", "in"))
            name = f"{of[0]} / {inn[0]}"
            what_zh, what_en = f"{of[1]}占{inn[1]}的比例", f"share of {of[2]} in {inn[2]}"
        elif "share_within" in node:
            of, among, within = (_field(node["share_within"][k], function) for k in ("of", "among", "within"))
            name = f"{of[0]} / {among[0]} (≤ {within[0]})"
            what_zh, what_en = f"{of[1]}在{among[1]}中的比例", MEASURE_PHRASE["share_within"].format(of[2], among[2])
        else:
            name, what_zh, what_en = _field(node.get("field", "?"), function)
        details += [("字段 field", name), ("比较 comparison", f"{op_zh} {node.get('op')}"),
                    ("数值 figure", fig_zh + ("" if fig_zh == fig_en else f" ({fig_en})"))]
        return f"{what_zh}{op_zh}{fig_zh}", f"{what_en} {op_en} {fig_en}", details
    if kind == "boolean":
        name, zh, en = _field(node.get("field", "?"), function)
        expect = node.get("expect", True)
        details.append(("字段 field", f"{name} = {str(expect).lower()}"))
        return (zh if expect else f"不{zh}"), (en if expect else f"not: {en}"), details
    if kind in ("locality", "applicant_type"):
        name, zh, en = _field(node.get("field") or ("registered_city" if kind == "locality" else "kinds"), function)
        vz, ve = _enum(node.get("values"))
        open_ = bool(node.get("open"))
        details += [("字段 field", f"{name} ∈ {set_of(node.get('values') or [])}"),
                    ("列举 list", "开放（等 / 包括但不限于）open: never fails on an unnamed value" if open_
                     else "封闭 closed: only the values named")]
        return f"{zh}为：{vz}" + ("等" if open_ else ""), f"{en}: {ve}" + (" or the like" if open_ else ""), details
    if kind == "qualitative":
        key = node.get("attest") or "(its id)"
        details.append(("声明键 attest key", f"attest.{key}"))
        return ("定性条件：由评审判断；申请人声明为否即不满足",
                "qualitative: for the evaluators; fails only if attested false", details)
    if kind == "lookback":
        kz, ke = _enum(node.get("kinds"))
        sz, se = _enum(node.get("subjects"))
        wz, we = _window(node.get("years"))
        details += [("事件 events", ke), ("主体 subjects", se), ("期限 window", we)]
        return f"{sz}{wz}无{kz}记录", f"no {ke} of {se}, {we}", details
    if kind == "ban":
        rz, re_ = _enum(node.get("reasons"))
        details += [("项目 programs", ", ".join(node.get("programs") or [])), ("原因 reasons", re_),
                    ("期限 window", f"{node.get('years')} 年 years")]
        return (f"因{rz}被撤销{'、'.join(node.get('programs') or [])}称号后 {node.get('years')} 年内不得申请",
                f"no application {within_years(node.get('years'))} of a revocation of "
                f"{', '.join(node.get('programs') or [])} for {re_}", details)
    if kind == "reapplication":
        progs = ", ".join(node.get("programs") or [])
        details.append(("项目 programs", progs))
        return (f"持有{progs}称号者，有效期满当年方可再次申报",
                f"a holder of {progs} may apply again only in the year its designation expires", details)
    if kind == "growth":
        name, zh, en = _field(node.get("field", "?"), function)
        details += [("字段 field", name), ("期限 window", f"{node.get('years')} 年 years (switch growth_reading)")]
        return f"{zh}近{node.get('years')}年逐年增长", f"{en} grew in each of the last {node.get('years')} years", details
    if kind == "all":
        return "以下全部满足", "all of the following", details
    if kind == "any":
        return "以下任一满足（或）", "any one of the following (或)", details
    if kind == "k_of_n":
        k, n = node.get("k"), len(node.get("of") or [])
        details.append(("列举 list", "开放 open: an unnamed item can count" if is_open(node)
                        else "封闭 closed: only the items named count"))
        return f"以下 {n} 项中至少 {k} 项", f"at least {k} of the {n} below", details
    if kind == "function":
        zh, en = _function_names(node, functions)
        label = node.get("label")
        if node.get("function") == "*":
            details.append(("列举 list", "开放 open: any other function counts"))
        return (f"提供{zh}" + (f"（{label}）" if label else "") + ("，并满足：" if node.get("requires") else ""),
                f"offers {en}" + (f" ({label})" if label else "") + (", and:" if node.get("requires") else ""), details)
    if kind == "when":
        return "如果……则……", "if … then …", details
    if kind == "switch":
        return f"取决于解释开关 {node.get('switch')}", f"depends on switch {node.get('switch')}", details
    return kind or "?", kind or "?", details


def _model(node: dict, nid: str, function: str | None, ctx: dict, fold: dict | None = None) -> dict[str, Any]:
    """The node as the sheet shows it. ``fold`` (article number, clause labels):
    at an article's own row, a child citing one of its clauses is shown by
    reference; its clause's row shows it in full."""
    if node.get("kind") == "function" and isinstance(node.get("function"), str) and node["function"] != "*":
        function = node["function"]
    zh, en, details = describe(node, function, ctx["functions"])
    if fold is not None and node.get("clause") in fold:
        return {"id": nid, "zh": zh, "en": en, "ref": fold[node["clause"]], "part_of": None}
    strength = node.get("strength", "mandatory")
    out: dict[str, Any] = {
        "id": nid, "kind": node.get("kind"), "zh": zh, "en": en, "details": details,
        "quote": node.get("quote"), "gloss": node.get("gloss"),
        "strength": STRENGTH.get(strength, (strength, strength)), "hedged": strength != "mandatory",
        "interpretation": " ".join((node.get("interpretation") or "").split()),
        "not_encoded": node.get("not_encoded") or [], "implied": bool(node.get("implied")),
        "children": [], "cases": [], "clause": node.get("clause"), "ref": None, "part_of": None,
    }
    kids = [c for key in ("all", "any", "of", "requires") for c in node.get(key) or [] if isinstance(c, dict)]
    for i, child in enumerate(kids, 1):
        fn = child.get("function")
        default = f"{nid}/{fn}" if child.get("kind") == "function" and isinstance(fn, str) and fn != "*" else f"{nid}/{i}"
        out["children"].append(_model(child, child.get("id") or default, function, ctx, fold))
    for key, word in (("if", ("如果", "if")), ("then", ("则", "then"))):
        if isinstance(node.get(key), dict):
            sub = _model(node[key], node[key].get("id") or f"{nid}/{key}", function, ctx, fold)
            sub["role"] = word
            out["children"].append(sub)
    if node.get("kind") == "switch":
        spec = ctx["switches"].get(node.get("switch"))
        default = spec.default if spec else None
        in_use = ctx["settings"].get(node.get("switch"), default)
        for value, case in (node.get("cases") or {}).items():
            out["cases"].append({
                "value": value, "default": value == default, "in_use": value == in_use,
                "reading": (spec.values.get(value) if spec else "") or "",
                "node": _model(case, case.get("id") or nid, function, ctx, fold) if isinstance(case, dict) else None})
        out["switch"] = {"name": node.get("switch"), "default": default, "in_use": in_use,
                         "why": " ".join((spec.why if spec else "").split())}
    return out


def sheet(data: dict, switches: dict, settings: dict[str, str] | None = None,
          functions: dict[str, str] | None = None, version: dict[str, Any] | None = None) -> dict[str, Any]:
    """The review model of one encoding's data: articles in order, each unit
    with its status, the conditions citing it and what they require."""
    head = data.get("document") or {}
    ctx = {"switches": switches, "settings": settings or {}, "functions": functions or {}}
    status = {(u.article, u.clause, u.part): u for u in units(data)}
    tops: dict[tuple, list[dict]] = {}
    top_id = None
    for node, nid, at, chain in walk(data):
        key = (at.article.get("number"), at.clause.get("clause") if at.clause else None,
               at.clause.get("part") if at.clause else None)
        if not chain:
            top_id = nid
            fold = None
            if at.clause is None:   # an article's own condition: its clause-citing parts go to their clauses
                fold = {c.get("clause"): _label(key[0], c.get("clause"), None)
                        for c in at.article.get("clauses") or [] if isinstance(c, dict) and not c.get("part")}
            tops.setdefault(key, []).append(_model(node, nid, None, ctx, fold))
        elif node.get("clause") is not None and at.clause is not None and \
                not any(c.get("clause") is not None for c in chain):
            model = _model(node, nid, None, ctx)
            model["part_of"] = top_id
            tops.setdefault(key, []).append(model)
    articles = []
    for art in data.get("articles") or []:
        number = art.get("number")
        rows = []
        whole_key = (number, None, None)
        clauses = [c for c in art.get("clauses") or [] if isinstance(c, dict)]
        rows.append(_row(art.get("text") if not clauses else _lead(art), whole_key, status, tops, art))
        for cl in clauses:
            rows.append(_row(cl.get("text"), (number, cl.get("clause"), cl.get("part")), status, tops, cl))
        exceptions = [{"id": e.get("id"), "kind": e.get("kind"), "applies_to": e.get("applies_to") or [],
                       "sponsors": _enum(e.get("sponsors"))[0], "quote": e.get("quote"),
                       "interpretation": " ".join((e.get("interpretation") or "").split())}
                      for e in art.get("exceptions") or [] if isinstance(e, dict)]
        articles.append({"number": number, "label": _label(number, None, None), "written": art.get("label"),
                         "class": art.get("class"), "gloss": " ".join((art.get("gloss") or "").split()),
                         "rows": [r for r in rows if r is not None], "exceptions": exceptions})
    return {"document": head, "version": version, "articles": articles,
            "switches": switches_of(data, switches, head.get("programs") or [], settings),
            "counts": _counts(status.values())}


def _lead(art: dict) -> str:
    """An article's own words around its list (the lead sentence, a closing proviso)."""
    body = art.get("text") or ""
    for cl in art.get("clauses") or []:
        if isinstance(cl, dict) and cl.get("text"):
            body = body.replace(cl["text"].strip(), "")
    return "\n".join(line for line in body.splitlines() if line.strip())


def _row(text, key, status, tops, raw) -> dict[str, Any] | None:
    u = status.get(key)
    conditions = tops.get(key, [])
    if not (text or "").strip() and not conditions:
        return None
    return {"label": _label(*key) if key[1] is not None or key[2] else None,
            "text": (text or "").strip(), "conditions": conditions,
            "status": STATUS.get(u.status) if u else None,
            "through": u.through if u else None,
            "validity": u.validity if u else {},
            "unquoted": u.unquoted if u else [],
            "not_encoded": [e for e in (u.not_encoded if u else raw.get("not_encoded") or [])
                            if not any(e in c["not_encoded"] for c in conditions)]}


def _counts(us) -> dict[str, int]:
    out = {"encoded": 0, "partly": 0, "not encoded": 0}
    for u in us:
        out[u.status] += 1
    return out


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html.j2"]), trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["md"] = lambda s: " ".join(str(s or "").split()).replace("|", "\\|")
    return env


def markdown(model: dict[str, Any]) -> str:
    return _env().get_template("review.md.j2").render(**model)


def html(model: dict[str, Any]) -> str:
    from kb.io.fonts import font_face_css
    page = _env().get_template("review.html.j2").render(font_css="", **model)
    # the CJK font cut to the page's own characters: renders with no system font
    return page.replace("/*FONT*/", font_face_css(page), 1)


# -- from the knowledge base ------------------------------------------------------

def review_model(kb, ref: str) -> dict[str, Any]:
    """The sheet for ``DOC``, a program id, ``DOC@VERSION`` or a version file."""
    from kb.law.versions import Versions, encoding_data, parse_ref
    from kb.io.yamlio import read_yaml
    source, data = encoding_data(ref, kb.facts_dir)[0]
    version = None
    if "@" in ref or ref.endswith((".yaml", ".yml")):
        doc, key = parse_ref(ref, kb.facts_dir)
        v = Versions(kb.facts_dir, doc).get(key)
        version = {"ref": v.ref, "status": v.status, "official": v.official,
                   "label": v.meta.get("label"), "partial": v.partial,
                   "gaps": [f"{g.label()}: {g.what}" for g in v.gaps]}
    functions = (read_yaml(kb.facts_dir / "functions.yaml") or {}).get("functions", {})
    return sheet(data, kb.switch_defs, kb.settings, functions, version)


def write_all(kb, out_dir: Path) -> list[Path]:
    """comparisons/review/<document>.md for every document (current texts)."""
    from kb.io.errors import InputError
    from kb.io.outputs import atomic_files, check_output
    out_dir = check_output(out_dir, "--write", directory=True)
    files = [(out_dir / f"{doc.id}.md", markdown(review_model(kb, doc.id)).encode("utf-8")) for doc in kb.documents]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(out_dir), None, f"cannot create the directory ({exc.strerror})") from None
    return atomic_files(files)   # every file or none
