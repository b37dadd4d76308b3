"""The encoding agrees with its own words (issue 16; issue 12 item 2).

Three checks on an encoding's data, every switch case included (the reading
not chosen today is still law someone may choose):

- figures: every figure a node encodes (threshold value, window years, growth
  years, k of n) is a figure its quote states in the same unit (3亿元 = 30000
  万元, 80% = 0.8, 两年 = 2 years), with the stated comparison (以上 is ≥);
  where the quote holds no figure in that unit, the clause's or article's
  text must (a 第八条 window sits in the article's lead sentence);
- open lists: a list ending in 等 or introduced by 包括但不限于 that a node
  tests membership of is open, or an interpretation says why not;
- hedges: a clause saying 一般应 / 原则上 has a general node, and an article
  saying 可适度放宽 a relaxable node or a relaxation; and the other way, a
  general node has the hedge in its own phrase (原则上 before 60家 does not
  reach the share after 且).

The checks read the raw data (``articles:`` as in encoding.yaml), so a
drafter's version file is checked before it is loaded: :func:`require_agreement`
raises the one-line InputError naming the node, :func:`disagreements` lists
every finding for ``regkb lint --encoding``.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from kb.io.errors import InputError
from kb.law.hedges import hedges, unhedged
from kb.law.rawtree import Disagreement, descendants, quote_of, walk
from kb.law.numerals import figures, in_unit
from kb.law.wording import fmt, percent

# kinds whose node decides membership of a list, so 等 can leave something out
MEMBERSHIP = {"k_of_n", "any", "switch", "applicant_type", "locality", "function", "ban", "lookback"}
OPEN_LIST = re.compile(r"包括但不限于|、[^，。；：、,;\s]{1,16}等(?![级同于额待])")
# an interpretation saying why a 等 list is read as closed
CLOSED_WORDS = re.compile(r"closed|exhaustive|not open|封闭|穷尽|only the (?:listed|named)", re.I)
# 第八条, or the short form interpretations use for a clause: 4（七）, 5(6)
ARTICLE_REF = re.compile(r"第([一二三四五六七八九十百\d]+)条|(?<![\d.])(\d{1,2})[（(][一二三四五六七八九十\d]+[）)]")
ALL_CREDIT = {"criminal_penalty", "serious_admin_penalty", "serious_dishonesty",
              "abnormal_operation_list", "violation", "false_materials"}


def _number(value: Any) -> Fraction | None:
    try:
        text = str(value).strip()
        return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def encoded_figure(node: dict) -> tuple[Fraction, str, str | None] | None:
    """(value, unit, op) the node encodes, or None where it encodes no figure."""
    kind = node.get("kind")
    if kind == "threshold":
        value = _number(node.get("value"))
        unit = "年" if "years_since" in node else node.get("unit")
        return (value, unit, node.get("op")) if value is not None and unit else None
    if kind in ("growth", "lookback", "ban") and isinstance(node.get("years"), int):
        return Fraction(node["years"]), "年", None
    if kind == "k_of_n" and isinstance(node.get("k"), int):
        return Fraction(node["k"]), "项", None
    return None


def _show(value: Fraction, unit: str) -> str:
    if unit == "share":
        return f"{fmt(value)} (= {percent(value)})"
    return f"{fmt(value)} {unit}"


def _figure(node, nid, at, chain, articles: dict[int, dict]) -> list[Disagreement]:
    where = at.label()
    if node.get("kind") == "lookback" and node.get("years") is None:
        stated = in_unit(figures(quote_of(node, chain) or ""), "年")
        if stated:
            return [Disagreement("figure", nid, where, f"the quote states a window 「{stated[0].words}」 "
                                                       "but the encoded look-back has none (years: null)")]
        return []
    enc = encoded_figure(node)
    if enc is None:
        return []
    value, unit, op = enc
    quote = quote_of(node, chain)
    stated = in_unit(figures(quote or ""), unit)
    source = f"the quote 「{quote}」"
    if not stated:
        for label, text in _fallbacks(node, at, chain, articles):
            stated = in_unit(figures(text), unit)
            if stated:
                source = f"{label}'s text"
                break
    if not stated:
        if unit == "项":      # 同时具备 / 至少满足以下… with no count: k is the list's length or one
            return []
        if any(c.get("kind") == "switch" for c in chain):
            # a reading of words that state no figure (a window the text leaves open):
            # nothing contradicts it, and the switch documents the choice
            return []
        return [Disagreement("figure", nid, where, f"encodes {_show(value, unit)} but neither its quote "
                                                   f"nor {where}'s text states a figure in {unit}")]
    same = [f for f in stated if f.value == value]
    if not same:
        written = "、".join(f"「{f.words}」" for f in stated)
        return [Disagreement("figure", nid, where, f"{source} states {written} but the node encodes "
                                                   f"{_show(value, unit)}")]
    if op and all(f.op and f.op != op for f in same):
        return [Disagreement("figure", nid, where, f"「{same[0].words}」 reads {same[0].op} "
                                                   f"(以上/以下 include the figure) but the node encodes op {op}")]
    return []


LEAVES = {"threshold", "boolean", "locality", "applicant_type", "qualitative", "lookback", "ban",
          "reapplication", "growth"}


def _field_states(node: dict, figure) -> bool:
    """Whether the node's field is defined by the figure (events_15plus counts
    活动 with 15 家以上 taking part): the figure is read, by the field."""
    from kb.law.fields import DOCS
    number = str(figure.value) if figure.value.denominator == 1 else None
    if number is None:
        return False
    for key in ("field", "years_since"):
        name = node.get(key)
        if isinstance(name, str):
            zh, en, _ = DOCS.get(name, DOCS.get(f"services.*.{name.split('.')[-1]}", ("", "", None)))
            if re.search(rf"(?<!\d){number}(?!\d)", f"{name} {zh} {en}"):
                return True
    return False


def _unread(node, nid, at, chain, validity: dict) -> list[Disagreement]:
    """A figure in a leaf's own quote that the leaf does not encode is dropped
    silently (a boolean quoting 至少配有100平方米) unless not_encoded says so."""
    if node.get("kind") not in LEAVES or not node.get("quote"):
        return []
    enc = encoded_figure(node)
    listed = " ".join(e.get("what", "") for e in node.get("not_encoded") or [] if isinstance(e, dict))
    out = []
    for f in figures(node["quote"]):
        if f.kind == "items":
            continue
        if enc and f.unit in in_unit_units(enc[1]):
            continue        # a figure in the node's own unit: _figure compares it
        if node.get("kind") == "reapplication" and f.kind == "years" and f.value in validity.values():
            continue        # 有效期为三年: document.validity_years reads it
        if f.words in listed or _field_states(node, f):
            continue
        out.append(Disagreement("figure", nid, at.label(),
                                f"the quote states 「{f.words}」 but the node encodes no such figure "
                                "(encode it, or list it under not_encoded with the reason)"))
    return out


def in_unit_units(unit: str) -> set[str]:
    from kb.law.numerals import MATCHES
    return MATCHES.get(unit, {unit})


def _fallbacks(node, at, chain, articles):
    """Where a figure the quote does not state may be written: the clause, the
    article's lead words, then the articles its interpretation reads it from
    (a window 第五条（六） takes from 第八条)."""
    from kb.law.texts import chinese_number, chinese_numeral
    where = at.label()
    for text in at.texts():
        yield where, text
    notes = " ".join(n.get("interpretation") or "" for n in [node] + chain)
    for m in ARTICLE_REF.finditer(notes):
        if re.search(r"北京|成都|贵阳|平台|基地|服务站", notes[max(0, m.start() - 6):m.start()]):
            continue        # another text's article (北京平台第八条), not this one's
        number = chinese_number(m.group(1) or m.group(2))
        if number in articles and number != at.article.get("number"):
            yield f"第{chinese_numeral(number)}条", articles[number].get("text") or ""


def is_open(node: dict) -> bool:
    """Whether an unnamed item can satisfy (or escape) the node."""
    kind = node.get("kind")
    if kind in ("applicant_type", "locality"):
        return bool(node.get("open"))
    if kind == "function":
        return node.get("function") == "*" or bool(node.get("open"))
    if kind == "ban":
        return "other" in (node.get("reasons") or [])
    if kind == "lookback":
        return ALL_CREDIT <= set(node.get("kinds") or [])
    children = [c for key in ("all", "any", "of") for c in node.get(key) or [] if isinstance(c, dict)]
    children += [c for c in (node.get("cases") or {}).values() if isinstance(c, dict)]
    return bool(node.get("open")) or any(is_open(c) for c in children)


def _open_list(node, nid, at, chain) -> list[Disagreement]:
    if node.get("kind") not in MEMBERSHIP or not node.get("quote"):
        return []
    m = OPEN_LIST.search(node["quote"])
    if not m or is_open(node):
        return []
    if any(m.group(0) in (d.get("quote") or "") for d in descendants(node)):
        return []           # a node further down encodes that list and answers for it
    notes = [n.get("interpretation") or "" for n in [node] + chain]
    if any(CLOSED_WORDS.search(text) for text in notes):
        return []
    return [Disagreement("open-list", nid, at.label(),
                         f"the quote's list 「…{m.group(0)}」 is open (等 / 包括但不限于) but the node "
                         "is closed and no interpretation says why")]


def disagreements(data: dict) -> list[Disagreement]:
    """Every place where the encoding's figures, lists or strengths differ from its words."""
    out: list[Disagreement] = []
    articles = {a.get("number"): a for a in data.get("articles") or [] if isinstance(a, dict)}
    head = data.get("document") or {}
    validity = {p: Fraction(y.get("years") if isinstance(y, dict) else y)
                for p, y in (head.get("validity_years") or {}).items()
                if isinstance(y.get("years") if isinstance(y, dict) else y, int)}
    for node, nid, at, chain in walk(data):
        out += _figure(node, nid, at, chain, articles)
        out += _unread(node, nid, at, chain, validity)
        out += unhedged(node, nid, at, chain)
        out += _open_list(node, nid, at, chain)
    return out + hedges(data)


def require_agreement(data: dict, source: str) -> None:
    """Raise the one-line InputError naming the first disagreement, if any."""
    found = disagreements(data)
    if found:
        first = found[0]
        more = f" (and {len(found) - 1} more: regkb lint --encoding lists them)" if len(found) > 1 else ""
        raise InputError(source, f"{first.node} ({first.where})",
                         f"text and encoding disagree: {first.message}{more}")


def report_text(found: list[tuple[str, list[Disagreement]]]) -> str:
    lines = []
    for source, items in found:
        lines.append(f"{source}: " + (f"{len(items)} disagreement{'s' if len(items) != 1 else ''}"
                                      if items else "text and encoding agree"))
        lines += [f"  {d.check:<9} {d.line()}" for d in items]
    return "\n".join(lines)
