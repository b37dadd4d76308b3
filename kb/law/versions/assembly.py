"""The encoding data of a version: its own text, or its base's with its overlay
(``articles:`` and ``amend:``, format in kb/law/versions/__init__.py)."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from kb.io.errors import InputError

if TYPE_CHECKING:
    from kb.law.versions.records import Version
    from kb.law.versions.registry import Versions

SWITCH_KEYS = {"id", "kind", "switch", "cases", "quote", "gloss", "interpretation", "implied",
               "clause", "program", "continued_by", "continues"}

def raw_nodes(data: dict):
    """Every condition mapping in an encoding, with its id as the loader gives
    it, the container holding it and its key there."""
    for art in data.get("articles") or []:
        for cl in art.get("clauses") or []:
            yield from _walk_list(cl.get("conditions"), None)
        yield from _walk_list(art.get("conditions"), None)


def _walk_list(items, parent_id):
    for i, item in enumerate(items or []):
        if not isinstance(item, dict):
            continue
        nid = item.get("id")
        if not nid and parent_id:
            nid = (f"{parent_id}/{item['function']}" if item.get("kind") == "function" and item.get("function")
                   else f"{parent_id}/{i + 1}")
        yield item, nid, items, i
        yield from _walk_node(item, nid)


def _walk_node(node: dict, nid):
    for key in ("all", "any", "of", "requires"):
        yield from _walk_list(node.get(key), nid)
    for key in ("if", "then"):
        sub = node.get(key)
        if isinstance(sub, dict):
            sid = sub.get("id") or f"{nid}/{key}"
            yield sub, sid, node, key
            yield from _walk_node(sub, sid)
    for case in (node.get("cases") or {}).values():   # a case takes the switch's id
        if isinstance(case, dict):
            yield from _walk_node(case, nid)


def links_of(data: dict) -> dict[str, str]:
    """old id → new id, from ``continued_by`` (old side) and ``continues`` (new side)."""
    out = {}
    for node, nid, _, _ in raw_nodes(data):
        if node.get("continued_by"):
            out[nid] = str(node["continued_by"])
        if node.get("continues"):
            out[str(node["continues"])] = nid
    return out


class Assembler:
    """The encoding data of a version: its own text, or its base's with its overlay."""

    def __init__(self, versions: Versions):
        self.versions = versions

    def data(self, v: Version, seen: tuple[str, ...] = ()) -> dict:
        if v.current:
            data = copy.deepcopy(self.versions.raw_current())
        elif v.base:
            if v.base in seen:
                raise InputError(v.path, "version.base", f"versions overlay each other in a cycle: {' → '.join(seen)}")
            base = self.versions.get(v.base)
            data = self.data(base, seen + (v.id,))
            overlay(data, v)
            if base.partial and not v.partial:
                v.completeness, v.gaps = "partial", list(base.gaps)
        else:
            head = dict(self.versions.raw_current().get("document") or {})
            own = v.raw.get("document")
            if own is not None:
                if not isinstance(own, dict) or own.get("id") != v.document:
                    raise InputError(v.path, "document.id", f"expected {v.document}")
                head.update(own)
            data = {"document": head, "articles": copy.deepcopy(v.raw["articles"])}
        head = data["document"] = dict(data.get("document") or {})
        if not v.current:
            head["status"] = v.status
            if v.meta.get("title"):
                head["title"] = v.meta["title"]
            if v.legal_basis:
                head["legal_basis"] = list(v.legal_basis)
            head["version"] = v.id
        return data


def overlay(data: dict, v: Version) -> None:
    source = str(v.path)
    arts = {a.get("number"): a for a in data.get("articles") or []}
    for i, art in enumerate(v.raw.get("articles") or []):
        where = f"articles[{i}]"
        number = art.get("number") if isinstance(art, dict) else None
        if not isinstance(number, int):
            raise InputError(source, f"{where}.number", "expected the article number")
        if art.get("removed"):
            if arts.pop(number, None) is None:
                raise InputError(source, f"{where}.number", f"no article {number} in the base text")
            continue
        if number in arts:
            _merge_article(arts[number], art, source, where)
        else:
            arts[number] = copy.deepcopy({k: v_ for k, v_ in art.items()})
    data["articles"] = [arts[n] for n in sorted(arts)]
    for i, amendment in enumerate(v.raw.get("amend") or []):
        _amend(data, arts, amendment, source, f"amend[{i}]")


def _merge_article(base: dict, new: dict, source: str, where: str) -> None:
    for key, value in new.items():
        if key != "clauses":
            base[key] = copy.deepcopy(value)
            continue
        clauses = base.setdefault("clauses", [])
        for j, cl in enumerate(value or []):
            key_ = (cl.get("clause"), cl.get("part"))
            old = next((c for c in clauses if (c.get("clause"), c.get("part")) == key_), None)
            if cl.get("removed"):
                if old is None:
                    raise InputError(source, f"{where}.clauses[{j}]", f"no clause {key_[0]} in the base article")
                clauses.remove(old)
                continue
            if old is not None and "text" not in new and isinstance(cl.get("text"), str):
                # keep the article's text in step with a restated clause
                if old["text"].strip() not in base["text"]:
                    raise InputError(source, f"{where}.text", "restate the article's text as well")
                base["text"] = base["text"].replace(old["text"].strip(), cl["text"].strip())
            if old is None:
                clauses.append(copy.deepcopy(cl))
            else:
                clauses[clauses.index(old)] = copy.deepcopy(cl)


def _amend(data: dict, arts: dict, a: Any, source: str, where: str) -> None:
    if not isinstance(a, dict):
        raise InputError(source, where, "expected an amendment mapping")
    if "condition" in a:
        target = a["condition"]
        found = [(node, holder, key) for node, nid, holder, key in raw_nodes(data) if nid == target]
        if not found:
            raise InputError(source, f"{where}.condition", f"no condition {target!r} in the base text")
        node, holder, key = found[0]
        if a.get("remove"):
            if not isinstance(holder, list):
                raise InputError(source, where, "only a condition in a list can be removed")
            holder.pop(key)
        elif isinstance(a.get("set"), dict):
            _set(node, a["set"])
        else:
            raise InputError(source, where, "expected set: {…} or remove: true")
        return
    number = a.get("article")
    if number not in arts:
        raise InputError(source, f"{where}.article", f"expected an article number of the base text, got {number!r}")
    art = arts[number]
    clauses = [c for c in art.get("clauses") or []
               if ("clause" not in a or c.get("clause") == a["clause"]) and ("part" not in a or c.get("part") == a["part"])]
    if ("clause" in a or "part" in a) and not clauses:
        raise InputError(source, f"{where}.clause", f"no such clause in article {number}")
    if "replace" in a:
        old, new = a.get("replace"), a.get("with")
        if not isinstance(old, str) or not isinstance(new, str) or not old:
            raise InputError(source, where, "expected replace: OLD WORDS, with: NEW WORDS")
        if old not in art.get("text", ""):
            raise InputError(source, f"{where}.replace", f"words not found in article {number}: {old!r}")
        art["text"] = art["text"].replace(old, new)
        for c in clauses or art.get("clauses") or []:
            c["text"] = c["text"].replace(old, new)
        _replace_quotes(art, old, new)   # quotes are the clause's own words: they follow it
    elif isinstance(a.get("add"), dict):
        target = clauses[0] if clauses else art
        target.setdefault("conditions", []).append(copy.deepcopy(a["add"]))
    else:
        raise InputError(source, where, "expected replace/with, add, or condition")


def _set(node: dict, values: dict) -> None:
    if node.get("kind") != "switch":
        node.update(copy.deepcopy(values))
        return
    # on a switch, the rule's own fields (value, op, …) belong to every case
    for key, value in values.items():
        if key in SWITCH_KEYS:
            node[key] = copy.deepcopy(value)
        else:
            for case in (node.get("cases") or {}).values():
                if isinstance(case, dict) and key in case:
                    case[key] = copy.deepcopy(value)


def _replace_quotes(obj: Any, old: str, new: str) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "quote" and isinstance(value, str):
                obj[key] = value.replace(old, new)
            else:
                _replace_quotes(value, old, new)
    elif isinstance(obj, list):
        for item in obj:
            _replace_quotes(item, old, new)
