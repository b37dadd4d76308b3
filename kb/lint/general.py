"""General rules (一般应, 原则上) with no stated exception, and definitions that
state as absolute what a condition makes only a general rule.

Conditions come from the encoding (strength: general); duties and revocation
rules from the words, in articles that bind applicants or holders. Procedure
articles' 原则上 about the authority's own timetable (原则上每年进行一次) are
left out: no applicant's standing turns on them.
"""
from __future__ import annotations

import re

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject, sentences
from kb.law.model import Node

GENERAL_RE = re.compile(r"一般应|原则上")
EXCEPTION_RE = re.compile(r"除外|除[^。；]{1,30}外|放宽|特殊情况|另有规定|经[^。；]{1,20}同意")
CONSEQUENCE_RE = re.compile(r"视同|撤销|取消|不得")
BINDING = {"eligibility", "obligation", "revocation", "unknown"}
DEFINITION_RE = re.compile(r"所称|所指|是指")

WHY = ("A general rule leaves room for exceptions but the text names none and says not who "
       "grants them or on what grounds, so two equal applicants may be treated differently "
       "and neither can tell in advance which way the rule will bend.")
WHY_CONFLICT = ("The definition makes the requirement part of what the thing is, the condition "
                "makes it a rule with exceptions; an applicant admitted under the exception "
                "does not meet the definition.")


def _excepted(s: Subject, node: Node, ancestors: dict[str, list[str]]) -> bool:
    ids = {node.id, *ancestors.get(node.id, [])}
    if any(ids & set(e.applies_to) for e in s.doc.exceptions):
        return True
    art = s.article(node.citation.article)
    return bool(art and EXCEPTION_RE.search(art.text))


def _ancestors(s: Subject) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}

    def visit(node, path):
        out[node.id] = path
        for child in node.children:
            visit(child, path + [node.id])
    for art in s.doc.articles:
        for top in art.conditions:
            visit(top, [])
    return out


def general_nodes(s: Subject) -> dict[tuple, list[Node]]:
    """General-strength conditions grouped by the clause they cite (outermost only)."""
    groups: dict[tuple, list[Node]] = {}
    anc = _ancestors(s)
    nodes = {n.id: n for n in s.nodes()}
    for n in nodes.values():
        if n.strength != "general":
            continue
        if any(nodes[a].strength == "general" for a in anc.get(n.id, []) if a in nodes):
            continue
        c = n.citation
        groups.setdefault((c.article, c.clause, c.part), []).append(n)
    return groups


def general_statements(s: Subject, with_exceptions: bool = False):
    """(citation, words) of each general rule: encoded conditions first, then
    sentences of binding articles no encoded condition accounts for."""
    anc = _ancestors(s)
    groups = general_nodes(s)
    out = []
    for nodes in groups.values():
        if with_exceptions or not all(_excepted(s, n, anc) for n in nodes):
            out.append((nodes[0].citation, nodes[0].citation.text, nodes))
    seen = set(groups)
    for art in s.doc.articles:
        if art.cls not in BINDING or (not with_exceptions and EXCEPTION_RE.search(art.text)):
            continue
        for sent in sentences(art.text):
            if not GENERAL_RE.search(sent):
                continue
            cite = s.cite(art.number, sent)
            if (cite.article, cite.clause, cite.part) in seen:
                continue
            seen.add((cite.article, cite.clause, cite.part))
            out.append((cite, sent, []))
    return out


def general_rule(s: Subject) -> list[LintFinding]:
    out = []
    for cite, text, nodes in general_statements(s):
        words = _general_words(text)
        why = WHY
        if nodes:
            msg = (f"{'、'.join(f'「{w}」' for w in words)} makes this a general rule, and the text "
                   "states no exception to it.")
        else:
            msg = f"「{text}」 is a general rule, and the text states no exception to it."
            art = s.article(cite.article)
            after = [x for x in sentences(art.text) if x != text and CONSEQUENCE_RE.search(x)] if art else []
            if after:
                why += f" Yet the same article attaches a fixed consequence: 「{after[0]}」."
        out.append(LintFinding("general-rule", s.doc.id, cite, msg, why, excerpt="；".join(words)))
    return out


def _general_words(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"(?:一般应|原则上)[^，。；,;]{1,20}", text)]


def _key(text: str) -> str | None:
    """The thing a general rule requires: 一般应具有独立法人资格 → 独立法人资格."""
    m = re.search(r"(?:一般应|原则上应?)(?:具有|具备|是|为|由)?([^，。；,;]{3,20})", text or "")
    return m.group(1) if m else None


def definition_conflict(s: Subject) -> list[LintFinding]:
    out = []
    definitions = [a for a in s.doc.articles
                   if a.cls == "definition" or (a.cls == "unknown" and DEFINITION_RE.search(a.text))]
    for cite, text, _ in general_statements(s, with_exceptions=True):
        key = _key(text)
        if not key:
            continue
        for art in definitions:
            if art.number == cite.article:
                continue
            hit = next((x for x in sentences(art.text)
                        if key in x and not GENERAL_RE.search(x) and "一般" not in x), None)
            if hit is None:
                continue
            words = re.search(r"[^，,]*" + re.escape(key) + r"[^，,]*", hit).group(0)
            general = _general_words(text)[0]
            msg = (f"{cite.label()} makes 「{key}」 a general rule (「{general}」), but "
                   f"{s.cite(art.number).label()} defines the thing as 「{words}」, without "
                   "exception.")
            out.append(LintFinding("definition-conflict", s.doc.id, cite, msg, WHY_CONFLICT,
                                   excerpt=f"{general}；{words}", related=[s.cite(art.number, hit)]))
            break
    return out
