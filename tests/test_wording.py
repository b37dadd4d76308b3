"""The one wording of conditions (kb/law/wording.py), checked against what the
texts say: 不低于90% is ≥ 90% and fails with less; 80％以上 of 14 staff reads
as a percent, never as a rounded-up figure that would hide a failure; every
kind of condition has a one-line rule of its own."""
from __future__ import annotations

from fractions import Fraction

from conftest import knowledge_base

from kb.law.model import COMPOSITE_KINDS, LEAF_KINDS
from kb.law.wording import (bound, describe, failing_symbol, fmt, percent, quantity, rounded_percent,
                            unit_suffix)


def test_a_texts_figure_reads_as_the_text_states_it():
    assert percent(Fraction("0.9")) == "90%"            # 满意度不低于90%
    assert percent(Fraction("0.855")) == "85.5%"
    assert quantity(8000, "m2") == "8000 m²"             # 8000平方米
    assert quantity(Fraction(500), "万元") == "500 万元"
    assert bound(">=", Fraction("0.8"), "share") == "≥ 80%"                 # 80％以上 (以上 includes)
    assert bound(">=", Fraction("0.8"), "share", encoded=True) == "≥ 0.8"
    assert bound("<=", 8000, "m2", encoded=True) == "≤ 8000 m2"
    assert fmt(Fraction(2, 3)) == "2/3 (≈0.6667)" and percent(Fraction(2, 3)) == "66.6667%"


def test_a_failing_figure_never_reads_as_meeting_the_threshold():
    # 0.8999 fails 不低于90%: shown rounded down it stays below 90%
    assert rounded_percent(Fraction("0.8999")) == "89.9%"
    assert rounded_percent(Fraction("0.9001"), "up") == "90.1%"   # fails 不超过90%
    # 北京平台 第五条（六）…比例占80％以上 among 14 service staff: 11 qualified is 78.57…% and fails,
    # 12 is 85.71…% and meets it; the failing share reads below 80%, never as 80%
    assert Fraction(11, 14) < Fraction(8, 10) <= Fraction(12, 14)
    assert rounded_percent(Fraction(11, 14)) == "78.5%" and rounded_percent(Fraction(12, 14)) == "85.7%"
    assert failing_symbol(">=") == "<" and failing_symbol(">") == "≤"
    assert failing_symbol("<=") == ">" and failing_symbol("<") == "≥"
    assert unit_suffix("share") == "" and unit_suffix(None) == ""


def test_every_kind_of_condition_has_its_own_rule_line():
    kb = knowledge_base()
    seen = set()
    for node in kb.nodes.values():
        line = describe(node)
        assert line and line != node.kind, (node.id, line)
        seen.add(node.kind)
    assert seen == LEAF_KINDS | COMPOSITE_KINDS, sorted((LEAF_KINDS | COMPOSITE_KINDS) ^ seen)
