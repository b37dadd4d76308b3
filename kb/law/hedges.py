"""Hedges: 一般应, 原则上 and 可适度放宽 reach the conditions they govern, and only those.

A clause saying 一般应 / 原则上 needs a general node, an article saying
可适度放宽 a relaxable node or a relaxation exception; and a general node needs
the hedge in its own phrase (北京基地 第六条（五）: 原则上 before 60家 does not
reach the concentration share after 且).
"""
from __future__ import annotations

import re

from kb.law.rawtree import At, Disagreement, quote_of, walk

HEDGES = {"一般应": "general", "原则上": "general", "可适度放宽": "relaxable"}

HEDGE_WORDS = {"general": ("一般应", "原则上", "一般", "原则"), "relaxable": ("放宽",)}


def _about_strength(node: dict) -> bool:
    """A switch whose readings differ in strength (yiban_scope: does 一般应 reach
    the whole clause?) documents the wider reading itself."""
    if node.get("kind") != "switch":
        return False
    strengths = {c.get("strength", "mandatory") for c in (node.get("cases") or {}).values() if isinstance(c, dict)}
    return len(strengths) > 1


def unhedged(node, nid, at, chain) -> list[Disagreement]:
    """Discretion only where the words give it: a general node's quote holds
    the hedge, or the hedge stands before it in the same phrase (原则上不少于60家,
    not the concentration share after 且); a relaxable node's article relaxes.
    A case of a switch about the hedge's reach is exempt: the switch documents it."""
    strength = node.get("strength", "mandatory")
    if strength not in HEDGE_WORDS or any(_about_strength(c) for c in chain):
        return []
    words = HEDGE_WORDS[strength]
    quote = quote_of(node, chain) or ""
    if strength == "relaxable":
        if any(w in (at.article.get("text") or "") for w in words):
            return []
    elif any(w in quote for w in words):
        return []
    else:
        for text in at.texts():
            i = text.find(quote) if quote else -1
            if i > 0:
                phrase = re.split(r"[，。；,;]", text[:i])[-1]
                if any(w in phrase for w in words):
                    return []
    return [Disagreement("hedge", nid, at.label(),
                         f"strength {strength}, but no {'/'.join(words[:2])} in its words governs it")]


def hedges(data: dict) -> list[Disagreement]:
    """Per clause (or article without a list): a hedge in its words needs a
    node of that strength among the conditions citing it."""
    strengths: dict[tuple, set[str]] = {}
    for node, nid, at, chain in walk(data):
        key_art = at.article.get("number")
        key = (key_art, id(at.clause) if at.clause is not None else None)
        strengths.setdefault(key, set()).add(node.get("strength", "mandatory"))
        strengths.setdefault((key_art, "*"), set()).add(node.get("strength", "mandatory"))
    out = []
    for art in data.get("articles") or []:
        number = art.get("number")
        relaxations = any(isinstance(e, dict) and e.get("kind") == "relaxation"
                          for e in art.get("exceptions") or [])
        has_nodes = (number, "*") in strengths
        if art.get("class") != "eligibility" and not has_nodes:
            continue
        units = [(cl, cl.get("text") or "") for cl in art.get("clauses") or [] if isinstance(cl, dict)]
        body = art.get("text") or ""
        for cl, text in units:
            body = body.replace(text.strip(), "")
        units.append((None, body))
        for cl, text in units:
            at = At(art, cl, {})
            for word, strength in HEDGES.items():
                if word not in text:
                    continue
                found = strengths.get((number, id(cl) if cl is not None else None), set())
                if cl is None:        # the article's own words govern its whole list
                    found = strengths.get((number, "*"), set())
                if strength in found or (strength == "relaxable" and relaxations):
                    continue
                need = "a relaxable node or a relaxation exception" if strength == "relaxable" \
                    else "a node with strength general"
                out.append(Disagreement("hedge", at.label(), at.label(),
                                        f"the text says 「{word}」 but no condition citing it has {need}"))
    return out
