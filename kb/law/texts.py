"""Reading the source texts: conversion debris out, articles and clauses found.

The seeds arrive as received (``[bookmark: …]``, footnote markers, full-width
spaces, mixed 第1条 / 第四条 numbering, an article with no number at all).
The encoding files carry each article's text; this module re-derives the
articles from the source so a test can prove the two agree, and so the
drafting checks can see the numbering exactly as the drafter wrote it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}

ARTICLE_RE = re.compile(r"^第([一二三四五六七八九十百零两\d]+)条")
CHAPTER_RE = re.compile(r"^第([一二三四五六七八九十\d]+)章")
CLAUSE_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")
_BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
_FOOTNOTE_REF_RE = re.compile(r"\[footnoteRef:\d+\]")
_FOOTNOTE_BODY_RE = re.compile(r"\s*\[\d+:[^\]]*\]\s*")


def chinese_number(text: str) -> int:
    """第十四条 → 14, 第1条 → 1 (the forms the five texts use)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


def clean_line(line: str) -> str:
    """Strip conversion debris and layout white space, keep the wording."""
    line = _BOOKMARK_RE.sub("", line)
    line = _FOOTNOTE_REF_RE.sub("", line)
    line = _FOOTNOTE_BODY_RE.sub("", line)
    return line.replace("\u3000", " ").strip()


def footnotes(raw: str) -> dict[str, str]:
    """Footnote bodies such as ``[1:  企业集聚度指…]``, keyed by their number."""
    return {m.group(1): m.group(2).strip()
            for m in re.finditer(r"\[(\d+):\s*([^\]]*)\]", raw)}


@dataclass
class SourceArticle:
    number: int                 # by the text's own label, or by position when unlabelled
    label: str | None           # "第五条", "第1条", or None when the text gives none
    lines: list[str] = field(default_factory=list)
    chapter: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def split_with_hints(raw: str, unlabelled: dict[str, int]) -> list[SourceArticle]:
    """Articles in order. An unlabelled paragraph that opens a new topic
    (001's 鼓励… paragraph) cannot be told from a continuation by its shape,
    so the encoding declares it: ``unlabelled`` maps the opening words of an
    unnumbered article to the number its position gives it."""
    articles: list[SourceArticle] = []
    chapter = None
    for raw_line in raw.splitlines():
        line = clean_line(raw_line)
        if not line:
            continue
        chap = CHAPTER_RE.match(line)
        if chap:
            chapter = chinese_number(chap.group(1))
            continue
        art = ARTICLE_RE.match(line)
        hint = next((n for words, n in unlabelled.items() if line.startswith(words)), None)
        if art:
            label = line[: art.end()]
            articles.append(SourceArticle(chinese_number(art.group(1)), label, [line], chapter))
        elif hint is not None:
            articles.append(SourceArticle(hint, None, [line], chapter))
        elif articles:
            articles[-1].lines.append(line)
    return articles


def chinese_numeral(n: int) -> str:
    """5 → 五, 14 → 十四, 20 → 二十 (for citation labels)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
