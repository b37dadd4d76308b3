"""Figures in Chinese legal text: 两年, 8千平方米, 3亿元, 百分之八十, 1.5万, 80%.

Texts mix Arabic and Chinese numerals, multipliers written as characters
(6 万平方米 is 60,000 m²) and spaces between a figure and its unit; the
checks that an encoding agrees with its own words (kb/lint/encoding.py) and
drafting tools that rewrite a figure need each figure as an exact number in
a comparable unit. Values are Fractions, never floats: 80% must equal "0.8".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL = {"十": 10, "百": 100, "千": 1000}
LARGE = {"万": 10_000, "亿": 100_000_000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

_CN = "零〇一二两三四五六七八九十百千万亿"
# a figure starts with a digit (or 十: 十五); multipliers and spaces may follow
NUMBER = rf"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十])(?:\s*(?:\d+(?:\.\d+)?|[{_CN}]|点\d+|点[零〇一二三四五六七八九]+))*"

# unit words as written → (kind, canonical unit, scale to the canonical unit)
UNITS: list[tuple[str, str, str, Fraction]] = [
    (r"个月", "years", "年", Fraction(1, 12)),
    (r"年(?!度|[0-9一二三四五六七八九十]+月)", "years", "年", Fraction(1)),
    (r"元", "money", "万元", Fraction(1, 10_000)),
    (r"(?:平方米|平米|㎡|m2|m²)", "area", "m2", Fraction(1)),
    (r"[%％]", "share", "share", Fraction(1, 100)),
    (r"家[（(]次[）)]", "count", "家（次）", Fraction(1)),
    (r"家次", "count", "家次", Fraction(1)),
    (r"家", "count", "家", Fraction(1)),
    (r"人[（(]次[）)]", "count", "人（次）", Fraction(1)),
    (r"人次", "count", "人次", Fraction(1)),
    (r"(?:人|名|位)", "count", "人", Fraction(1)),
    (r"(?:次|场|期)", "count", "次", Fraction(1)),
    (r"(?:项|种|类)", "items", "项", Fraction(1)),
]
_UNIT_RE = "|".join(f"(?P<u{i}>{rx})" for i, (rx, *_rest) in enumerate(UNITS))
FIGURE_RE = re.compile(rf"(?P<pct>百分之\s*)?(?P<num>{NUMBER})\s*(?:(?P<unit>{_UNIT_RE}))?")

# comparison words before a figure / after its unit (Civil Code art. 1259:
# 以上, 以下, 以内 include the figure; 超过, 不满 exclude it)
BEFORE = [("不少于", ">="), ("不低于", ">="), ("不小于", ">="), ("至少", ">="), ("达到", ">="),
          ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("不大于", "<="),
          ("超过", ">"), ("高于", ">"), ("多于", ">"), ("大于", ">"),
          ("不满", "<"), ("低于", "<"), ("少于", "<"), ("小于", "<")]
AFTER = [("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<=")]


@dataclass(frozen=True)
class Figure:
    value: Fraction      # in the canonical unit: 3亿元 → 30000 (万元), 80% → 4/5
    kind: str            # years | money | area | share | count | items
    unit: str            # canonical unit: 年, 万元, m2, share, 家, 家次, 家（次）, 人, 人次, 人（次）, 次, 项
    words: str           # the words as written, e.g. "6 万平方米"
    start: int
    end: int
    op: str | None = None   # the comparison the words state around it, if any


def parse_number(text: str) -> Fraction:
    """一千 → 1000, 1.5万 → 15000, 3千万 → 30000000, 十五 → 15, 两 → 2, 二〇一九 → 2019."""
    text = re.sub(r"\s+", "", text.translate(_FULLWIDTH))
    if not text:
        raise ValueError("empty number")
    result = Fraction(0)       # completed 亿/万 sections
    section = Fraction(0)      # below 万
    number: Fraction | None = None
    last_digit = False
    i = 0
    while i < len(text):
        ch = text[i]
        m = re.match(r"\d+(?:\.\d+)?", text[i:])
        if m:
            number = Fraction(m.group(0))
            i += len(m.group(0))
            last_digit = False
            continue
        if ch == "点":
            m = re.match(r"点(\d+|[零〇一二三四五六七八九]+)", text[i:])
            if not m or number is None:
                raise ValueError(f"bad decimal in {text!r}")
            digits = "".join(str(DIGITS.get(c, c)) for c in m.group(1))
            number = Fraction(f"{number}.{digits}")
            i += len(m.group(0))
            continue
        if ch in DIGITS:
            d = DIGITS[ch]
            # consecutive digits without units are positional (二〇一九)
            number = number * 10 + d if (last_digit and number is not None) else Fraction(d)
            last_digit = True
        elif ch in SMALL:
            section += (number if number is not None else 1) * SMALL[ch]
            number, last_digit = None, False
        elif ch in LARGE:
            chunk = section + (number or 0)
            if ch == "亿":
                result = (result + chunk) * LARGE[ch]
            else:
                result += (chunk or 1) * LARGE[ch]
            section, number, last_digit = Fraction(0), None, False
        else:
            raise ValueError(f"not a number: {text!r}")
        i += 1
    return result + section + (number or 0)


def _op_around(text: str, start: int, end: int) -> str | None:
    before = re.sub(r"(?:人民币|\s)+$", "", text[max(0, start - 8):start])
    for word, op in BEFORE:
        if before.endswith(word):
            return op
    after = text[end:end + 4].lstrip()
    for word, op in AFTER:
        if after.startswith(word):
            return op
    return None


def figures(text: str) -> list[Figure]:
    """Every figure with a unit in ``text``, in order. A bare number (第三条,
    ISO9001) has no unit and is not a figure; a calendar year (2019年) is a date."""
    out = []
    for m in FIGURE_RE.finditer(text or ""):
        unit_i = next((i for i in range(len(UNITS)) if m.group(f"u{i}")), None)
        if m.group("pct") and unit_i is None:
            kind, unit, scale = "share", "share", Fraction(1, 100)
        elif unit_i is None:
            continue
        else:
            _, kind, unit, scale = UNITS[unit_i]
        raw = m.group("num").strip()
        if kind == "years" and re.fullmatch(r"(1[89]|20)\d\d", raw):
            continue
        try:
            value = parse_number(raw)
        except ValueError:
            continue
        if m.group("pct"):
            kind, unit, scale = "share", "share", Fraction(1, 100)
        out.append(Figure(value * scale, kind, unit, m.group(0).strip(), m.start(), m.end(),
                          _op_around(text, m.start(), m.end())))
    return out


# encoded unit → the units of written figures that state it
MATCHES = {
    "年": {"年"}, "万元": {"万元"}, "m2": {"m2"}, "share": {"share"},
    "家": {"家", "家（次）"}, "家次": {"家次", "家（次）"}, "人": {"人", "人（次）"},
    "人次": {"人次", "人（次）"}, "次": {"次"}, "项": {"项"},
}


def in_unit(found: list[Figure], unit: str) -> list[Figure]:
    """The figures of ``found`` that state a quantity in the encoded ``unit``."""
    return [f for f in found if f.unit in MATCHES.get(unit, {unit})]
