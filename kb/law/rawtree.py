"""An encoding's condition trees as data: every node, every switch case, with
the id the loader gives it and where it sits.

The checks that an encoding agrees with its words (kb/law/agreement.py,
kb/law/hedges.py), coverage and the review sheets read the raw data rather
than the loaded model: the loader keeps only the switch reading in use, and a
draft should be checked before it loads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator


@dataclass
class Disagreement:
    check: str          # figure | open-list | hedge
    node: str           # node id (or the article/clause, for a hedge with no node)
    where: str          # 第五条（一）
    message: str

    def line(self) -> str:
        return f"{self.node} ({self.where}): {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "node": self.node, "where": self.where, "message": self.message}


@dataclass
class At:
    """Where a raw node sits: the texts that may state its figures."""
    article: dict
    clause: dict | None
    clauses: dict[int, dict]

    def label(self) -> str:
        from kb.law.texts import chinese_numeral
        out = f"第{chinese_numeral(self.article.get('number') or 0)}条"
        if self.clause is not None:
            if self.clause.get("part"):
                out += f"·{self.clause['part']}"
            if self.clause.get("clause") is not None:
                out += f"（{chinese_numeral(self.clause['clause'])}）"
        return out

    def texts(self) -> list[str]:
        """The clause's words, then the article's own words around its list
        (a lead sentence such as 前三年内有下列情形之一的 governs every item)."""
        body = self.article.get("text") or ""
        for cl in self.article.get("clauses") or []:
            if isinstance(cl, dict) and cl.get("text"):
                body = body.replace(cl["text"].strip(), "")
        return ([self.clause.get("text") or ""] if self.clause else []) + [body]


def walk(data: dict) -> Iterator[tuple[dict, str, "At", list[dict]]]:
    """Every condition mapping with the id the loader gives it, where it sits
    and its ancestors (nearest last); switch cases are walked as nodes."""
    for art in data.get("articles") or []:
        if not isinstance(art, dict):
            continue
        clauses = {c.get("clause"): c for c in art.get("clauses") or []
                   if isinstance(c, dict) and c.get("clause") is not None and not c.get("part")}
        for cl in art.get("clauses") or []:
            if isinstance(cl, dict):
                yield from _list(cl.get("conditions"), None, At(art, cl, clauses), [])
        yield from _list(art.get("conditions"), None, At(art, None, clauses), [])


def _list(items, parent_id, at, chain):
    for i, item in enumerate(items or [], 1):
        if isinstance(item, dict):
            fn = item.get("function")
            default = (f"{parent_id}/{fn}" if item.get("kind") == "function" and isinstance(fn, str)
                       and fn != "*" else f"{parent_id}/{i}")
            yield from _node(item, item.get("id") or default, at, chain)


def _node(node, nid, at, chain):
    if node.get("clause") is not None and node["clause"] in at.clauses:
        at = At(at.article, at.clauses[node["clause"]], at.clauses)
    yield node, nid, at, chain
    inner = chain + [node]
    for key in ("all", "any", "of", "requires"):
        yield from _list(node.get(key), nid, at, inner)
    for key in ("if", "then"):
        if isinstance(node.get(key), dict):
            yield from _node(node[key], node[key].get("id") or f"{nid}/{key}", at, inner)
    for case in (node.get("cases") or {}).values():
        if isinstance(case, dict):
            yield from _node(case, case.get("id") or nid, at, inner)


def quote_of(node: dict, chain: list[dict]) -> str | None:
    for n in [node] + chain[::-1]:
        if n.get("quote"):
            return n["quote"]
    return None


def descendants(node: dict):
    for key in ("all", "any", "of", "requires"):
        for c in node.get(key) or []:
            if isinstance(c, dict):
                yield c
                yield from descendants(c)
    for c in [node.get("if"), node.get("then"), *(node.get("cases") or {}).values()]:
        if isinstance(c, dict):
            yield c
            yield from descendants(c)
