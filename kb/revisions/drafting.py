"""Drafting a revision without hand-editing ids or quotes (issue 12).

``regkb draft new`` writes a complete, marked copy of a text into the
document's ``versions/`` (official: false, status: draft); ``draft set``
changes one encoded figure together with the words that state it (the clause,
the article and every quote holding those words), Chinese numerals included
(三年 → 两年, 8 千平方米 → 6 千平方米, 百分之八十 → 百分之七十五);
``draft renumber`` shifts article (or clause) numbers and the references to
them. Each writes only after the result loads and its text agrees with its
figures (kb/law/agreement.py, the check ``diff`` and ``check --version``
apply), so a drafter never leaves a text that contradicts itself.

A figure is found where the agreement check looks for it: the node's quote,
else its clause or article's lead words, else an article its interpretation
names (北京平台 第五条（六） reads its window from 第八条). Other nodes that read
the same words and encoded the same figure follow the change (they would
otherwise contradict the new words), and the report names them.
"""
from __future__ import annotations

import copy
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from kb.io.errors import InputError
from kb.law.agreement import _fallbacks, disagreements, encoded_figure, require_agreement
from kb.law.rawtree import quote_of, walk
from kb.law.numerals import FIGURE_RE, Figure, figures, in_unit, parse_number
from kb.law.versions import Assembler, Versions, document_of_program, parse_version
from kb.io.yamlio import read_yaml

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CN_DIGITS = "零一二三四五六七八九"
_CN_NUM = "[一二三四五六七八九十百零两〇\\d]+"


# -- files ---------------------------------------------------------------------

def new_draft(facts_dir: Path, doc: str, vid: str, label: str | None = None, base: str = "current") -> Path:
    """Write ``versions/<vid>.yaml``: the whole text of ``base``, marked as an unofficial draft."""
    doc = document_of_program(facts_dir, doc)
    if not ID_RE.fullmatch(vid) or vid == "current":
        raise InputError("--id", vid, "expected a version id of letters, digits, '.', '_' or '-' (not 'current')")
    registry = Versions(facts_dir, doc)
    if vid in registry.by_id:
        raise InputError("--id", vid, f"version {doc}@{vid} exists already; choose another id")
    source = registry.get(base)
    data = Assembler(registry).data(source)
    head = data.get("document") or {}
    head.pop("version", None)
    block = {"document": doc, "id": vid, "completeness": "partial" if source.partial else "complete",
             "official": False, "status": "draft",
             "label": label or f"working draft based on {source.ref}, not an official text",
             "note": f"written by regkb draft new from {source.ref}"}
    if source.partial:
        block["unknown"] = [{k: v for k, v in g.to_json().items() if k != "label" and v not in (None, "")}
                            for g in source.gaps]
    out = {"version": block, **data}
    path = registry.dir / "versions" / f"{vid}.yaml"
    write_checked(facts_dir, doc, path, out)
    return path


def load_draft(facts_dir: Path, ref: str) -> tuple[str, Path, dict]:
    """A draft named ``DOC@ID``: a version file with a text of its own (not an overlay)."""
    doc, sep, vid = ref.partition("@")
    if not sep or not vid:
        raise InputError(ref, None, "expected DOC@ID, a draft written by regkb draft new")
    doc = document_of_program(facts_dir, doc)
    registry = Versions(facts_dir, doc)
    v = registry.get(vid)
    if v.current or v.path is None:
        raise InputError(ref, None, "the current text is not edited in place; start a draft with "
                                    f"regkb draft new {doc} --id ID")
    if v.base:
        raise InputError(v.path, "version.base", "an overlay states only differences; regkb draft edits a "
                                                 "complete text (regkb draft new writes one)")
    if v.official:
        raise InputError(v.path, "version.official", "an official text is not a draft; copy it with regkb draft new")
    data = read_yaml(v.path)   # kb/io/inputs.py's limits: a draft is user input like any other
    return doc, v.path, data


def write_checked(facts_dir: Path, doc: str, path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` only if it loads as a version and its text agrees with its figures."""
    from kb.reasoning.base import KnowledgeBase, known_fields
    from kb.law.versions import load_text
    require_agreement(data, str(path))
    part = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    part.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    try:
        kb = KnowledgeBase(facts_dir)
        registry = Versions(facts_dir, doc)
        version = parse_version(part, read_yaml(part), doc)
        version.id = f"{version.id}(check)"
        load_text(registry, version, kb.settings, known_fields(), set(kb.functions))
        part.replace(path)
    finally:
        if part.exists():
            part.unlink()


# -- figures in words --------------------------------------------------------------

def parse_value(text: str, unit: str) -> Fraction:
    """A value as the drafter types it, in the node's unit: 2, 6000, 75%, 0.75, 两."""
    raw = text.strip()
    try:
        if raw.endswith(("%", "％")):
            value = parse_number(raw[:-1]) / 100
        else:
            value = parse_number(raw)
    except ValueError:
        raise InputError("VALUE", text, f"expected a number (in {unit}: e.g. 2, 6000, 75%)") from None
    if value < 0:
        raise InputError("VALUE", text, "expected a number of 0 or more")
    return value


def chinese(n: int, two: bool = True) -> str:
    """1..99999 in Chinese numerals (两 for a lone 2 before a measure word: 两年)."""
    if n == 2 and two:
        return "两"
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for unit, size in (("万", 10_000), ("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        d, n = divmod(n, size)
        if d:
            if zero:
                out += "零"
            out += (chinese(d, False) if size == 10_000 else CN_DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _decimal(value: Fraction) -> str | None:
    """The exact decimal text of ``value`` (kb.population's decimal_text), or None where none is finite."""
    from kb.population.rows import decimal_text   # here: kb.population.rows loads pandas
    text = decimal_text(value)
    return None if "/" in text else text


def rewrite(fig: Figure, new_value: Fraction) -> str:
    """The figure's words stating ``new_value`` (in the figure's canonical unit), in the same style."""
    m = FIGURE_RE.fullmatch(fig.words)
    num = m.group("num")
    literal = parse_number(num)
    if literal == 0:
        raise InputError(fig.words, None, "cannot rewrite a figure of zero")
    scale = fig.value / literal
    new_literal = new_value / scale
    digits = re.search(r"\d+(?:\.\d+)?", num)
    if digits:
        multiplier = literal / Fraction(digits.group(0))
        shown = _decimal(new_literal / multiplier)
        if shown is None or multiplier != int(multiplier):
            shown, new_num = _decimal(new_literal), None
            if shown is None:
                raise InputError(fig.words, None, f"{new_value} cannot be written as a decimal")
            new_num = shown
        else:
            new_num = num[:digits.start()] + shown + num[digits.end():]
    else:
        if new_literal.denominator != 1 or not 0 < new_literal < 100_000:
            raise InputError(fig.words, None, f"{new_value} cannot be written in Chinese numerals here")
        new_num = chinese(int(new_literal), two=not m.group("pct"))
    start, end = m.start("num"), m.end("num")
    return fig.words[:start] + new_num + fig.words[end:]


def _strings(obj: Any, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in every string inside ``obj``; the number of strings changed."""
    count = 0
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in list(items):
        if isinstance(value, str):
            if old in value:
                obj[key] = value.replace(old, new)
                count += 1
        else:
            count += _strings(value, old, new)
    return count


def _phrase(text: str, fig: Figure) -> str:
    """The figure with a few characters of context, up to punctuation (unique enough to replace)."""
    stops = "，。；：、（）\n"
    a, b = fig.start, fig.end
    while a > 0 and fig.start - a < 12 and text[a - 1] not in stops:
        a -= 1
    while b < len(text) and b - fig.end < 6 and text[b] not in stops:
        b += 1
    return text[a:b]


FIELD = {"threshold": "value", "lookback": "years", "ban": "years", "growth": "years", "k_of_n": "k"}


def _yaml_number(value: Fraction):
    if value.denominator == 1:
        return int(value)
    shown = _decimal(value)
    if shown is None:
        raise InputError("VALUE", str(value), "expected a value with a finite decimal form")
    return float(shown)


def set_figure(data: dict, condition: str, text: str) -> list[str]:
    """Set ``condition``'s figure to ``text`` and the words stating it; what changed, one line each."""
    found = [(n, nid, at, chain) for n, nid, at, chain in walk(data) if nid == condition]
    if not found:
        raise InputError("CONDITION", condition, "no such condition id in the draft")
    targets = [(n, at, chain) for n, _, at, chain in found if encoded_figure(n) is not None]
    if not targets:
        raise InputError("CONDITION", condition, "the condition encodes no figure (threshold value, window "
                                                 "years, growth years or k of n)")
    articles = {a.get("number"): a for a in data.get("articles") or []}
    lines = []
    for node, at, chain in targets:
        old, unit, _ = encoded_figure(node)
        new = parse_value(text, unit)
        if new == old:
            continue
        where = None
        quote = quote_of(node, chain) or ""
        hits = [f for f in in_unit(figures(quote), unit) if f.value == old]
        if hits:   # the quote is the clause's own words: replace it whole wherever it stands
            where = (at.article, quote, hits[0], at.label())
        else:
            for label, body in _fallbacks(node, at, chain, articles):
                hits = [f for f in in_unit(figures(body), unit) if f.value == old]
                if hits:
                    art = next((a for a in articles.values() if body in (a.get("text") or "")
                                or any(body == c.get("text") for c in a.get("clauses") or [])), at.article)
                    where = (art, body, hits[0], label)
                    break
        if where is not None:
            art, body, fig, label = where
            phrase = body if body == quote else _phrase(body, fig)
            new_phrase = phrase.replace(fig.words, rewrite(fig, new), 1)
            _strings(art, phrase, new_phrase)
            lines.append(f"{label}: 「{phrase}」 → 「{new_phrase}」")
        key = FIELD[node["kind"]] if "years_since" not in node else "value"
        node[key] = _yaml_number(new)
        lines.append(f"{condition}: {key} {_show(old)} → {_show(new)}"
                     + (f" (reading {next((k for k, c in (chain[-1].get('cases') or {}).items() if c is node), '')})"
                        if chain and chain[-1].get("kind") == "switch" else ""))
        lines += _followers(data, condition, old, new, unit)
    if not lines:
        raise InputError("VALUE", text, f"{condition} already encodes that figure")
    return lines


def _followers(data: dict, condition: str, old: Fraction, new: Fraction, unit: str) -> list[str]:
    """Nodes that read the changed words and encoded the old figure: they now contradict the
    words, so they follow (北京平台 第五条（六）'s three-year reading reads 第八条's window)."""
    lines = []
    wrong = {d.node for d in disagreements(data) if d.check == "figure" and d.node != condition}
    for node, nid, at, chain in walk(data):
        if nid in wrong and encoded_figure(node) is not None:
            value, u, _ = encoded_figure(node)
            if value == old and u == unit:
                key = FIELD[node["kind"]] if "years_since" not in node else "value"
                node[key] = _yaml_number(new)
                lines.append(f"{nid}: {key} {_show(old)} → {_show(new)} (reads the same words, {at.label()})")
    return lines


def _show(value: Fraction) -> str:
    return _decimal(value) or str(value)


# -- renumbering --------------------------------------------------------------------

_OTHER_TEXT = re.compile(r"(》|法|条例|办法|规定|北京|成都|贵阳|平台|基地|服务站)\s*$")


def renumber(data: dict, start: int, by: int, article: int | None = None) -> list[str]:
    """Shift articles numbered ``start`` and above by ``by`` (or, with ``article``, that
    article's clauses), and every reference to them in the text, quotes and notes."""
    from kb.law.texts import chinese_number
    if by == 0:
        raise InputError("--by", "0", "expected a shift other than 0")
    arts = data.get("articles") or []
    if article is not None:
        return _renumber_clauses(data, article, start, by)
    numbers = [a.get("number") for a in arts]
    moved = {n: n + by for n in numbers if isinstance(n, int) and n >= start}
    if not moved:
        raise InputError("--from", str(start), f"no article numbered {start} or above")
    kept = set(numbers) - set(moved)
    if any(n in kept or n < 1 for n in moved.values()):
        raise InputError("--by", str(by), "the shifted numbers would collide with articles kept in place")

    def ref(m: re.Match) -> str:
        try:
            n = chinese_number(m.group(1))
        except (ValueError, KeyError):
            return m.group(0)
        if n not in moved or _OTHER_TEXT.search(m.string[max(0, m.start() - 8):m.start()]):
            return m.group(0)
        return f"第{chinese(moved[n], two=False) if not m.group(1).isdigit() else moved[n]}条"

    def walk_strings(obj):
        items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
        for key, value in list(items):
            if isinstance(value, str):
                obj[key] = re.sub(rf"第({_CN_NUM})条", ref, value)
            else:
                walk_strings(value)
    walk_strings(arts)
    for a in arts:
        if a.get("number") in moved:
            a["number"] = moved[a["number"]]
    return [f"第{chinese(o, two=False)}条 → 第{chinese(n, two=False)}条" for o, n in sorted(moved.items())]


def _renumber_clauses(data: dict, number: int, start: int, by: int) -> list[str]:
    art = next((a for a in data.get("articles") or [] if a.get("number") == number), None)
    if art is None:
        raise InputError("--article", str(number), "no such article in the draft")
    clauses = art.get("clauses") or []
    moved = {c["clause"]: c["clause"] + by for c in clauses if isinstance(c.get("clause"), int) and c["clause"] >= start}
    if not moved:
        raise InputError("--from", str(start), f"no clause numbered {start} or above in article {number}")
    kept = {c.get("clause") for c in clauses} - set(moved)
    if any(n in kept or n < 1 for n in moved.values()):
        raise InputError("--by", str(by), "the shifted numbers would collide with clauses kept in place")
    # highest first, so （三）→（四） does not meet the （四） about to move
    for old in sorted(moved, reverse=by > 0):
        a, b = f"（{chinese(old, two=False)}）", f"（{chinese(moved[old], two=False)}）"
        for c in clauses:
            if c.get("clause") == old:
                c["text"] = c["text"].replace(a, b, 1)
                c["clause"] = moved[old]
        art["text"] = art["text"].replace(a, b, 1)
    return [f"（{chinese(o, two=False)}）→（{chinese(n, two=False)}）" for o, n in sorted(moved.items())]


def edit(facts_dir: Path, ref: str, change) -> tuple[Path, list[str]]:
    """Load the draft, apply ``change(data)`` (returning report lines), check and write it."""
    doc, path, data = load_draft(facts_dir, ref)
    work = copy.deepcopy(data)
    lines = change(work)
    write_checked(facts_dir, doc, path, work)
    return path, lines
