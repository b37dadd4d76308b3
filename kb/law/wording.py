"""How a condition is worded: its numbers, shares, comparators, units, measures,
lists and windows, and the one-line rule a node states.

Every command that shows a condition (check, explain, diff, compare, the
catalogue, review, the encoding's self-check) words it with these primitives,
so a figure reads the same wherever it appears and a change of wording is made
once. The sentence forms built from them stay with their commands where they
differ on purpose (a failure's shortfall, a comparison cell in Chinese, a
review sheet's bilingual line). Needs nothing but the condition's data.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:   # only for annotations: nodes are read by their kind and params
    from kb.law.model import Node

# -- numbers -------------------------------------------------------------------------------

def fmt(value: Any) -> str:
    """Exact numbers for people: 9/10 → 0.9, 2/3 → 2/3 (≈0.6667)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        d = value.denominator
        for k in range(1, 9):
            if (10 ** k) % d == 0:
                return f"{float(value):.{k}f}"
        return f"{value.numerator}/{value.denominator} (≈{float(value):.4f})"
    return str(value)


def percent(share: Any) -> str:
    """A share as the text states it, exactly: 0.9 → 90%, 0.855 → 85.5%; one
    without a finite decimal (三分之二) to six digits: 66.6667%."""
    p = Fraction(share) * 100
    exact = fmt(p)
    return f"{exact if '/' not in exact else format(float(p), 'g')}%"


def rounded_percent(share: Any, direction: str = "down") -> str:
    """An observed share to a tenth of a percent, rounded away from the
    threshold side so a failing 0.8999 never shows as 90%."""
    p = Fraction(share) * 100
    if p.denominator == 1:
        return f"{p.numerator}%"
    r = (math.floor if direction == "down" else math.ceil)(p * 10) / 10
    return f"{r:g}%"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


# -- comparators ---------------------------------------------------------------------------
# A threshold's comparison as encoded, as people read it, and what a figure
# failing it does (≥ 90% fails with < 90%).
OP_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
NEGATED_OP = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
# the texts' own words for each comparison (不少于 / 超过 …), in Chinese and English
OP_WORDS = {">=": ("不少于", "at least"), ">": ("超过", "more than"),
            "<=": ("不超过", "at most"), "<": ("少于", "less than")}


def symbol(op: str) -> str:
    """≥ for >=; an operator without a symbol as it is."""
    return OP_SYMBOL.get(op, op)


def failing_symbol(op: str) -> str:
    """How a figure that fails ``op`` compares with the threshold (< for ≥)."""
    return OP_SYMBOL[NEGATED_OP[op]] if op in NEGATED_OP else "≠"


# -- units ---------------------------------------------------------------------------------
UNIT_SIGN = {"m2": "m²"}   # how a unit code reads; the others read as they are (万元, 人次)
# (中文, English) of each unit a figure can carry
UNIT_NAMES = {"家": ("家", "firms"), "家次": ("家次", "firm-visits"), "人": ("人", "persons"),
              "人次": ("人次", "person-times"), "次": ("次", "times"), "m2": ("平方米", "m²"),
              "年": ("年", "years"), "万元": ("万元", "× 10,000 yuan"), "share": ("", "")}


def unit_suffix(unit: str | None, encoded: bool = False) -> str:
    """' 万元' after a figure; nothing for a share or no unit. ``encoded``: the
    unit code as the encoding writes it (m2), else as it reads (m²)."""
    if not unit or unit == "share":
        return ""
    return f" {unit if encoded else UNIT_SIGN.get(unit, unit)}"


def quantity(value: Any, unit: str | None = None) -> str:
    """A figure as people read it: a share as a percent (90%), else the number
    and its unit (8000 m², 500 万元)."""
    if unit == "share" and _is_number(value):
        return percent(value)
    return fmt(value) + unit_suffix(unit)


def encoded_quantity(value: Any, unit: str | None = None) -> str:
    """A figure as the encoding states it: a share as a fraction (0.9), the unit code (m2)."""
    return fmt(value) + unit_suffix(unit, encoded=True)


def bound(op: str, value: Any, unit: str | None = None, encoded: bool = False) -> str:
    """'≥ 90%' (as read) or '≥ 0.9' (as encoded): what a threshold requires."""
    return f"{OP_SYMBOL[op]} {encoded_quantity(value, unit) if encoded else quantity(value, unit)}"


# -- measures, lists, windows --------------------------------------------------------------
# what a derived measure compares, with its arguments in place; a plain field is its name
MEASURE_PHRASE = {"years_since": "full years since {0}", "share": "{0} / {1}",
                  "share_within": "share of {0} among {1}"}


def measure_words(kind: str, args: Iterable[str]) -> str:
    args = list(args)
    return MEASURE_PHRASE[kind].format(*args) if kind in MEASURE_PHRASE else args[0]


def listed(values: Iterable[Any], lang: str = "en") -> str:
    """a, b, c (English) or a、b、c (Chinese)."""
    return ("、" if lang == "zh" else ", ").join(map(str, values))


def set_of(values: Iterable[Any]) -> str:
    return "{" + listed(values) + "}"


def within_years(years: Any) -> str:
    return f"within {years} year" if years == 1 else f"within {years} years"


def at_least(k: Any, n: Any) -> str:
    """'at least 2 of 5': a k-of-n list."""
    return f"at least {k} of {n}"


def short_name(node: "Node", label: bool = False) -> str:
    """A node in a list of alternatives: its (label or) function, else its id's last part."""
    p = node.params
    return (p.get("label") if label else None) or p.get("function") or node.id.rsplit("/", 1)[-1]


# -- the rule of a node in one line --------------------------------------------------------

def describe(node: "Node") -> str:
    """The rule a node states, in one line, with its figures as encoded (for
    people comparing versions; JSON keeps the figures)."""
    k, p = node.kind, node.params
    if k == "threshold":
        return f"{p['measure'].describe()} {bound(p['op'], p['value'], p.get('unit'), encoded=True)}"
    if k == "boolean":
        return f"{p['field']} = {str(p['expect']).lower()}"
    if k in ("locality", "applicant_type"):
        return f"{p['field']} ∈ {set_of(p['values'])}" + (" or any other (open list)" if p["open"] else "")
    if k == "qualitative":
        return f"qualitative, attested as {p['attest']}"
    if k == "lookback":
        window = within_years(p["years"]) if p["years"] else "at any time"
        return f"no {listed(p['kinds'])} of {listed(p['subjects'])} {window}"
    if k == "ban":
        return (f"no revocation of {listed(p['programs'])} for {listed(p['reasons'])} "
                f"{within_years(p['years'])}")
    if k == "reapplication":
        return f"no running designation of {listed(p['programs'])} expiring after this year"
    if k == "growth":
        return f"{p['field']} growing over {p['years']} years ({p['pairs']} increases)"
    if k == "k_of_n":
        return at_least(p["k"], len(node.children))
    if k == "function":
        return f"offers {p['function']} ({p.get('label') or p['function']})"
    if k == "all":
        return f"all of {len(node.children)}"
    if k == "any":
        return f"any of {len(node.children)}"
    if k == "when":
        return "if … then …"
    return k
