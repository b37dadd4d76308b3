"""Facts stated once (issue 11 item 2): the programs' names live in
facts/programs.yaml, the field-order relations in facts/measures.yaml, the
service functions in facts/functions.yaml; Python derives the rest.

The scanner reads the code's syntax tree, so comments and docstrings (prose that
may cite 北京平台第八条 as an example) do not count; string constants do,
f-string parts included, and so does a dict literal keyed by program ids.
"""
from __future__ import annotations

import ast
from pathlib import Path

import yaml

from kb.law import fields
from kb.law.model import CITY_ZH, PROGRAM_INFO, PROGRAMS, PROGRAMS_FILE, SHORT

ROOT = Path(__file__).resolve().parent.parent
LOADER = ROOT / "kb" / "law" / "model.py"


def _facts(name: str):
    return yaml.safe_load((ROOT / "facts" / name).read_text(encoding="utf-8"))


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def restatements(source: str, names: dict[str, str], program_ids) -> list[str]:
    """Each string constant holding one of ``names`` (what -> text), and each dict
    literal keyed by three or more program ids, as 'line N: ...'."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            for what, text in names.items():
                if text in node.value:
                    out.append(f"line {node.lineno}: {what} {text!r}")
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in program_ids]
            if len(keys) >= 3:
                out.append(f"line {node.lineno}: a dict keyed by program ids {keys}")
    return out


def _names() -> dict[str, str]:
    out = {}
    for pid, info in PROGRAM_INFO.items():
        out[f"{pid} Chinese name"] = info.zh
        out[f"{pid} short name"] = info.short
    return out


def test_programs_named_only_in_facts_programs_yaml():
    found = []
    for path in sorted((ROOT / "kb").rglob("*.py")):
        if path == LOADER:
            continue
        for hit in restatements(path.read_text(encoding="utf-8"), _names(), set(PROGRAMS)):
            found.append(f"{path.relative_to(ROOT)} {hit}")
    assert not found, "program facts restated outside facts/programs.yaml (use kb.model):\n" + "\n".join(found)


def test_the_scanner_finds_a_restatement_and_ignores_prose():
    # boundary pair: the same words as a docstring (prose) and as a value (a restatement)
    prose = '"""北京平台第八条 says so."""\nX = 1\n'
    value = 'X = {"a": "北京平台"}\n'
    keyed = 'POS = {"beijing.station": 1, "beijing.platform": 2, "beijing.base": 3}\n'
    two_keys = 'POS = {"beijing.station": 1, "beijing.platform": 2}\n'
    names = {"short": "北京平台"}
    assert restatements(prose, names, set(PROGRAMS)) == []
    assert restatements(value, names, set(PROGRAMS)) == ["line 1: short '北京平台'"]
    assert restatements('f"{x} 北京平台"\n', names, set(PROGRAMS)) == ["line 1: short '北京平台'"]
    assert len(restatements(keyed, {}, set(PROGRAMS))) == 1
    assert restatements(two_keys, {}, set(PROGRAMS)) == []


def test_programs_yaml_agrees_with_the_encodings():
    """Each program's document is an encoding that defines it in its own city
    (seeds README: 004 defines chengdu.platform and chengdu.base), and every
    program an encoding defines is listed in facts/programs.yaml."""
    raw = yaml.safe_load(PROGRAMS_FILE.read_text(encoding="utf-8"))
    assert [p["id"] for p in raw["programs"]] == list(PROGRAMS)
    defined = {}
    for path in sorted((ROOT / "facts").glob("*/*/encoding.yaml")):
        head = yaml.safe_load(path.read_text(encoding="utf-8"))["document"]
        for pid in head["programs"]:
            defined[pid] = (head["id"], head["city"])
    assert set(defined) == set(PROGRAMS)
    for pid, info in PROGRAM_INFO.items():
        assert defined[pid] == (info.document, info.city), pid
        assert info.city in CITY_ZH and info.zh.startswith(CITY_ZH[info.city]), pid
        assert info.short.startswith(CITY_ZH[info.city]), pid
    assert len(set(SHORT.values())) == len(SHORT), "two programs share a short name"


def _expected_pairs() -> set[tuple[str, str]]:
    functions = list(_facts("functions.yaml")["functions"])
    out = set()
    for axiom in _facts("measures.yaml")["axioms"]:
        a, b = axiom["le"]
        for fn in functions if "*" in a + b else [None]:
            out.add((a.replace("*", fn), b.replace("*", fn)) if fn else (a, b))
    return out


def _as_le(pairs) -> set[tuple[str, str]]:
    return {(a, b) if op == "<=" else (b, a) for a, op, b in pairs}


def test_ordered_pairs_are_the_measures_axioms():
    assert _as_le(fields.ORDERED_PAIRS) == _expected_pairs()
    # and the comparison can tell them apart: one pair reversed is a disagreement
    name, op, other = fields.ORDERED_PAIRS[0]
    flipped = ((name, "<=" if op == ">=" else ">=", other),) + fields.ORDERED_PAIRS[1:]
    assert _as_le(flipped) != _expected_pairs()


def test_ordered_pairs_blame_the_field_the_spec_bounds():
    # profile spec: college_or_mid_title is "never less than" bachelor_or_mid_title, and
    # firm_visits never less than firms_offline: the error names the larger field there
    assert ("staff.college_or_mid_title", ">=", "staff.bachelor_or_mid_title") in fields.ORDERED_PAIRS
    assert ("services.training.firm_visits", ">=", "services.training.firms_offline") in fields.ORDERED_PAIRS
    assert ("staff.fulltime_service", "<=", "staff.service") in fields.ORDERED_PAIRS


def test_service_functions_are_functions_yaml():
    assert fields.SERVICE_FUNCTIONS == tuple(_facts("functions.yaml")["functions"])


def test_field_types_read_by_kb_fields():
    assert fields.enum_values(fields.FIELDS["sponsor"]) == fields.SPONSORS
    assert fields.enum_values(fields.FIELDS["kinds"]) == fields.KINDS
    assert fields.is_list_of_enum(fields.FIELDS["kinds"]) and not fields.is_enum(fields.FIELDS["kinds"])
    assert fields.enum_values("int>=0") == () and fields.enum_values("program") == ()


def test_no_field_type_sliced_by_hand():
    """The type strings are parsed in kb/law/fields.py only (no kind[5:] / kind[10:-1])."""
    found = []
    for path in sorted((ROOT / "kb").rglob("*.py")):
        if path == ROOT / "kb" / "law" / "fields.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ('[5:].split("|")', '[10:-1]', '[5:-1]', '[len("list[enum:"):', 'startswith("enum:")',
                       'startswith("list[enum:")'):
            if needle in text:
                found.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not found, found


def test_catalogue_reads_the_measures_axioms_and_does_not_restate_them():
    from kb.reasoning.base import KnowledgeBase
    from kb.comparison.catalogue import load_catalogue
    measures = {tuple(a["le"]) for a in _facts("measures.yaml")["axioms"]}
    own = {tuple(a["le"]) for a in _facts("catalogue.yaml")["axioms"] if "le" in a}
    assert not measures & own, f"catalogue.yaml restates measures.yaml: {sorted(measures & own)}"
    loaded = {ax.terms for ax in load_catalogue(KnowledgeBase()).axioms if ax.kind == "le"}
    assert measures <= loaded and own <= loaded


WORDING = ROOT / "kb" / "law" / "wording.py"


def test_comparison_symbols_stated_once():
    """The ≥/≤ table and the failing comparison live in kb/law/wording.py (OP_SYMBOL, NEGATED_OP)."""
    found = []
    for path in sorted((ROOT / "kb").rglob("*.py")):
        if path == WORDING:
            continue
        text = path.read_text(encoding="utf-8").replace(" ", "")
        for needle in ('">=":"≥"', '"<=":"≤"', '">=":"<",">":"<="', '">=":"<",">":"≤"'):
            if needle in text:
                found.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not found, found


def _wording_copies(source: str) -> list[str]:
    """Each formatter of a kind kb/law/wording.py holds, restated in ``source``:
    a function named like one of its number, percent or unit formatters; an
    f-string that appends % to a figure (a percent formatter) or shows a figure
    as approximately (≈) another (a fraction formatter: fractions written as
    data, n/d for a solver or a CSV cell, are not wording); a table keyed by
    comparison operators whose values are words or symbols (an evaluator's table
    of functions is not wording)."""
    names = {"fmt", "pct", "percent", "rounded_percent", "fmt_value", "unit_text", "unit_of",
             "unit_suffix", "quantity", "describe_node", "failing_symbol"}
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            out.append(f"line {node.lineno}: def {node.name}")
        elif isinstance(node, ast.JoinedStr):
            parts = node.values
            last = parts[-1] if parts else None
            if (isinstance(last, ast.Constant) and str(last.value).startswith("%")
                    and len(parts) > 1 and isinstance(parts[-2], ast.FormattedValue)):
                out.append(f"line {node.lineno}: f-string ending in a figure and %")
            if any(isinstance(a, ast.Constant) and "≈" in str(a.value) for a in parts) \
                    and any(isinstance(a, ast.FormattedValue) for a in parts):
                out.append(f"line {node.lineno}: f-string approximating a fraction")
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            words = all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                        or isinstance(v, ast.Tuple) and all(isinstance(e, ast.Constant) for e in v.elts)
                        for v in node.values)
            if {">=", "<="} <= keys and words:
                out.append(f"line {node.lineno}: a table of comparison operators")
        elif (isinstance(node, ast.IfExp) and ast.JoinedStr in (type(node.body), type(node.orelse))
              and any(isinstance(c, ast.Constant) and c.value == "share" for c in ast.walk(node.test))):
            out.append(f"line {node.lineno}: a unit suffix by hand (wording.unit_suffix)")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace"
              and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in (">=", "<=")):
            out.append(f"line {node.lineno}: an operator symbol by replace()")
    return out


# Copies known and not yet replaced, in modules being rewritten by someone else
# at the time (the planner's typed records): a ratchet, not an exemption. A new
# copy anywhere fails; so does a listed one that is gone (then drop it here).
PENDING: dict[str, list[str]] = {}


def test_wording_primitives_stated_once():
    """Numbers, percents, units and comparators of a condition are worded by
    kb/law/wording.py alone (issue 11: one wording module for conditions): no
    other module holds a second formatter of the same kind."""
    found, pending = [], {}
    for path in sorted((ROOT / "kb").rglob("*.py")):
        if path == WORDING:
            continue
        name = str(path.relative_to(ROOT))
        for hit in _wording_copies(path.read_text(encoding="utf-8")):
            kinds = [k for k in PENDING.get(name, []) if k in hit]
            if kinds:
                pending.setdefault(name, set()).update(kinds)
            else:
                found.append(f"{name}: {hit}")
    assert not found, found
    assert pending == {k: set(v) for k, v in PENDING.items()}, f"fixed? drop from PENDING: {PENDING}"


def test_the_wording_scanner_finds_each_kind_of_copy():
    """The scanner above can fail: each kind of copy it looks for is found."""
    copies = {
        "def pct(x):\n    return x\n": "def pct",
        "s = f\"{float(p):g}%\"\n": "ending in a figure and %",
        "s = f\"{v.numerator}/{v.denominator} (≈{float(v):.4f})\"\n": "approximating a fraction",
        "OPS = {'>=': ('不少于', 'at least'), '<=': ('不超过', 'at most')}\n": "comparison operators",
        "s = op.replace('>=', '≥')\n": "by replace()",
        "u = f\" {unit}\" if unit and unit != 'share' else ''\n": "unit suffix by hand",
        "u = '' if not unit or unit == 'share' else f\" {unit}\"\n": "unit suffix by hand",
    }
    for source, kind in copies.items():
        hits = _wording_copies(source)
        assert len(hits) == 1 and kind in hits[0], (source, hits)
    import operator
    assert not _wording_copies("OPS = {'>=': operator.ge, '<=': operator.le}\nlabel = 'qualify %'\n"
                               "cell = f\"{v.numerator}/{v.denominator}\"\n")
    assert operator   # the evaluator's table above is code, not wording
