"""Score bands (评分 … 分 → 等次): every score should fall in exactly one band.

Bounds are read per ../shared/spec/profile.md: 以上 and 以下 include the
number, 不满 / 低于 / 超过 / 高于 exclude it; "X分至Y分" is read as including
both ends, its plain meaning (the text gives no other).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, sentences

NUM = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(NUM + r"分?\s*(?:至|到|—|－|-|~|～)\s*" + NUM + r"分")
_LOWER_IN = re.compile(r"(?:不低于|不少于)\s*" + NUM + r"分|" + NUM + r"分\s*(?:及以上|（含）以上|\(含\)以上|以上)")
_LOWER_EX = re.compile(r"(?:超过|高于|大于)\s*" + NUM + r"分")
_UPPER_IN = re.compile(r"(?:不高于|不超过)\s*" + NUM + r"分|" + NUM + r"分\s*(?:及以下|以下)(?![（(]不含)")
_UPPER_EX = re.compile(r"(?:不满|低于|小于|不足)\s*" + NUM + r"分|" + NUM + r"分\s*以下\s*[（(]不含[）)]")

WHY = ("The grade decides what follows, and the text gives the reviewer no rule for a score "
       "that falls in {what}.")


@dataclass
class Band:
    grade: str
    words: str
    lo: Fraction | None
    lo_in: bool
    hi: Fraction | None
    hi_in: bool


def _n(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else str(float(x))


def _num(m: re.Match) -> Fraction:
    return Fraction(next(g for g in m.groups() if g is not None))


def parse_band(sentence: str) -> Band | None:
    """One band from a sentence such as 评分为75分至90分的为良好, or None."""
    lo = hi = None
    lo_in = hi_in = False
    covered = []
    m = _RANGE.search(sentence)
    if m:
        lo, hi, lo_in, hi_in = Fraction(m.group(1)), Fraction(m.group(2)), True, True
        covered.append(m.span())
    for rx, side, inclusive in ((_LOWER_IN, "lo", True), (_LOWER_EX, "lo", False),
                                (_UPPER_IN, "hi", True), (_UPPER_EX, "hi", False)):
        for m in rx.finditer(sentence):
            if any(a <= m.start() < b for a, b in covered):
                continue
            covered.append(m.span())
            if side == "lo":
                lo, lo_in = _num(m), inclusive
            else:
                hi, hi_in = _num(m), inclusive
    if lo is None and hi is None:
        return None
    start = min(a for a, _ in covered)
    end = max(b for _, b in covered)
    tail = sentence[end:]
    grade_m = re.search(r"(?:的)?(?:为|评为|定为|属于)[“\"]?([^，,。；;“”\"]+)", tail)
    if not grade_m:
        return None
    grade = grade_m.group(1).strip().rstrip("的")
    words = sentence[start:end + grade_m.end()].lstrip("为")
    return Band(grade, words, lo, lo_in, hi, hi_in)


def bands_of(text: str) -> list[Band]:
    return [b for b in (parse_band(s) for s in sentences(text)) if b is not None]


def _higher_lo(a: Band, b: Band):
    if a.lo is None or (b.lo is not None and b.lo > a.lo):
        return b.lo, b.lo_in
    if b.lo is None or a.lo > b.lo:
        return a.lo, a.lo_in
    return a.lo, a.lo_in and b.lo_in


def _lower_hi(a: Band, b: Band):
    if a.hi is None or (b.hi is not None and b.hi < a.hi):
        return b.hi, b.hi_in
    if b.hi is None or a.hi < b.hi:
        return a.hi, a.hi_in
    return a.hi, a.hi_in and b.hi_in


def _overlap(a: Band, b: Band):
    """The scores two bands share as (lo, lo_in, hi, hi_in), or None."""
    lo, lo_in = _higher_lo(a, b)
    hi, hi_in = _lower_hi(a, b)
    if lo is not None and hi is not None and (lo > hi or (lo == hi and not (lo_in and hi_in))):
        return None
    return lo, lo_in, hi, hi_in


def _consequence(text: str, grade: str, grades: list[str]) -> str:
    """The sentence attaching a consequence to ``grade`` (合格 not found inside 不合格)."""
    longer = [g for g in grades if grade in g and g != grade]
    for s in sentences(text):
        bare = s
        for g in longer:
            bare = bare.replace(g, "")
        if grade in bare and re.search(r"取消|撤销|不予|不得|暂停", s) and not parse_band(s):
            return s
    return ""


def score_band_overlap(s: Subject) -> list[LintFinding]:
    out = []
    for art in s.doc.articles:
        bands = bands_of(art.text)
        if len(bands) < 2:
            continue
        for i, a in enumerate(bands):
            for b in bands[i + 1:]:
                shared = _overlap(a, b)
                if shared is None:
                    continue
                lo, lo_in, hi, hi_in = shared
                if lo is not None and lo == hi:
                    what = f"a score of exactly {_n(lo)}"
                else:
                    what = ("scores " + (f"from {_n(lo)} " if lo is not None else "") +
                            (f"up to {_n(hi)}" if hi is not None else "upwards"))
                msg = (f"{what[0].upper() + what[1:]} is both {a.grade} ({a.words}) and "
                       f"{b.grade} ({b.words}).")
                why = WHY.format(what=f"two bands ({what})")
                grades = [x.grade for x in bands]
                cons = _consequence(art.text, a.grade, grades) or _consequence(art.text, b.grade, grades)
                if cons:
                    why += f" Here the grade has a consequence: 「{cons}」."
                out.append(LintFinding("score-band-overlap", s.doc.id, s.cite(art.number),
                                       msg, why, excerpt=f"{a.words}；{b.words}"))
    return out


def score_band_gap(s: Subject) -> list[LintFinding]:
    out = []
    for art in s.doc.articles:
        bands = bands_of(art.text)
        if len(bands) < 2:
            continue
        order = sorted(bands, key=lambda b: (b.lo is not None, b.lo or 0, not b.lo_in))
        gaps = []
        first = order[0]
        if first.lo is not None and first.lo > 0:
            gaps.append((Fraction(0), True, first.lo, not first.lo_in, None, first))
        reach, reach_in, below = first.hi, first.hi_in, first
        for band in order[1:]:
            if reach is None:
                break
            lo = band.lo if band.lo is not None else None
            if lo is not None and (lo > reach or (lo == reach and not (band.lo_in or reach_in))):
                gaps.append((reach, not reach_in, lo, not band.lo_in, below, band))
            if band.hi is None or (reach is not None and (band.hi > reach or
                                                        (band.hi == reach and band.hi_in))):
                reach, reach_in, below = band.hi, band.hi_in, band
        for lo, lo_in, hi, hi_in, a, b in gaps:
            span = (f"exactly {_n(lo)}" if lo == hi else
                    f"{'from' if lo_in else 'above'} {_n(lo)} {'to' if hi_in else 'below'} {_n(hi)}")
            between = (f"between {a.grade} ({a.words}) and {b.grade} ({b.words})" if a else
                       f"below the lowest band, {b.grade} ({b.words})")
            msg = f"Scores {span} fall in no band: a gap {between}."
            out.append(LintFinding("score-band-gap", s.doc.id, s.cite(art.number), msg,
                                   WHY.format(what=f"no band (scores {span})"),
                                   excerpt="；".join(x.words for x in (a, b) if x)))
    return out
