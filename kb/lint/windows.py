"""Look-back windows: a clause asking about past records with no period, where
a sibling clause (same text or another program) bounds the same records.

Works on the encoded look-back conditions, but decides "bounded" from the
words (近3年, 前三年内, 两年内 in the clause or its article's lead-in), so an
interpretation switch that lends a clause a window does not hide the defect.
"""
from __future__ import annotations

import re

from kb.lint.finding import LintFinding
from kb.lint.subject import Subject
from kb.law.model import Node

WINDOW_RE = re.compile(r"(?:近|前)\s*[\d一二三四五六七八九十两]+\s*年(?:内|以内)?|[\d一二三四五六七八九十两]+\s*年\s*(?:内|以内)")
# a look-back dates past events; a clause asking only for a quality (要诚信、守法)
# names no events and so has no window to bound
EVENT_RE = re.compile(r"记录|处罚|行为|情形|失信|违法|违规|违纪|名录")

WHY = ("An unbounded look-back excludes an applicant for a record of any age, so the same "
       "penalty bars it here forever and elsewhere only for a few years; applicants and "
       "reviewers cannot tell whether the difference is intended.")


def window_words(s: Subject, node: Node) -> str | None:
    m = WINDOW_RE.search(s.governing_text(node.citation))
    return re.sub(r"\s+", "", m.group(0)) if m else None


def unbounded_lookback(s: Subject) -> list[LintFinding]:
    base = [n for n in s.base_nodes() if n.kind == "lookback"]
    bounded = [n for n in base if n.params.get("years") is not None and window_words(s, n)]
    groups: dict[tuple, list[Node]] = {}
    for node in s.nodes():
        if node.kind != "lookback" or window_words(s, node):
            continue
        if not EVENT_RE.search(node.quote or node.citation.text):
            continue
        c = node.citation
        groups.setdefault((c.article, c.clause, c.part), []).append(node)
    out = []
    for nodes in groups.values():
        kinds = {k for n in nodes for k in n.params.get("kinds") or []}
        ids = {n.id for n in nodes}
        program = nodes[0].program
        peers = [n for n in bounded if kinds & set(n.params.get("kinds") or []) and n.id not in ids]
        if not peers:
            continue
        peers.sort(key=lambda n: (n.citation.document != s.doc.id, n.program != program,
                                  n.citation.document, n.citation.article, n.citation.clause or 0))
        unique: list[Node] = []
        for n in peers:
            if all((n.citation.document, n.citation.article, n.citation.clause) !=
                   (u.citation.document, u.citation.article, u.citation.clause) for u in unique):
                unique.append(n)
        by_article: dict[tuple, list[Node]] = {}
        for n in unique:
            by_article.setdefault((n.citation.document, n.program, n.citation.article), []).append(n)
        named = "; ".join(
            f"{'this text' if doc == s.doc.id else program} {_labels(ns)} ({window_words(s, ns[0])})"
            for (doc, program, _), ns in by_article.items())
        quotes = "、".join(f"「{q}」" for q in dict.fromkeys(n.quote or n.citation.text for n in nodes))
        verb = "states" if len(set(n.quote for n in nodes)) == 1 else "state"
        msg = f"{quotes} {verb} no period, while {named} bound the same kind of record."
        out.append(LintFinding("unbounded-lookback", s.doc.id, nodes[0].citation, msg, WHY,
                               excerpt="；".join(dict.fromkeys(n.quote or "" for n in nodes)),
                               related=[n.citation for n in unique]))
    return out


def _labels(nodes: list[Node]) -> str:
    """第八条（一）（二） for clauses of one article."""
    first = nodes[0].citation.label()
    rest = "".join(n.citation.label()[len(first.split("（")[0]):] for n in nodes[1:])
    return first + rest
