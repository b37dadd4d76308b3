"""What of the texts is encoded, clause by clause, told truthfully.

A unit is a clause of an article (or the article, where it has no list) that
bears on eligibility: every clause of an eligibility article, and in any other
article the words that decide who may apply wherever they sit (a ban in a
revocation article, a validity period, re-application), or anything a
condition, exception or ``not_encoded`` entry cites. Each unit is

- ``encoded``: conditions read it and nothing of it is listed as not encoded;
- ``partly``: conditions read it, and ``not_encoded`` names words they do not;
- ``not encoded``: nothing reads it (its ``not_encoded`` entries say why).

The units are computed from the encoding's data, every switch case included,
so a clause read only under a non-default reading, or one whose default
reading imposes nothing, is still seen; every switch is listed with its
default and what that default does.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kb.law.rawtree import walk

# words that decide who may apply, outside an eligibility article
BEARING = re.compile(r"不得(?:再次)?(?:申请|申报)|不予(?:受理|推荐|认定)|有效期|重新申报|再次申报")
ENCODED, PARTLY, NOT_ENCODED = "encoded", "partly", "not encoded"


@dataclass
class Unit:
    article: int
    clause: int | None
    part: str | None
    label: str
    text: str
    cls: str                                          # the article's class
    nodes: list[tuple[str, dict]] = field(default_factory=list)    # (id, raw node) citing it
    exceptions: list[str] = field(default_factory=list)
    validity: dict[str, int] = field(default_factory=dict)        # program → years it reads
    not_encoded: list[dict[str, str]] = field(default_factory=list)
    switches: list[str] = field(default_factory=list)
    through: str | None = None        # read by the conditions of the article, not its own
    quoted: list[str] = field(default_factory=list)   # words of it some node or exception quotes
    unquoted: list[str] = field(default_factory=list)  # phrases no node quotes nor not_encoded lists

    @property
    def read(self) -> bool:
        return bool(self.nodes or self.exceptions or self.validity)

    @property
    def status(self) -> str:
        if not self.read:
            return NOT_ENCODED
        return PARTLY if self.not_encoded else ENCODED

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "article": self.article, "clause": self.clause, "part": self.part,
                "class": self.cls, "status": self.status,
                "conditions": [nid for nid, _ in self.nodes], "exceptions": self.exceptions,
                "validity_years": self.validity, "not_encoded": self.not_encoded,
                "switches": self.switches, "through": self.through, "unquoted": self.unquoted}


def _label(number: int, clause: int | None, part: str | None) -> str:
    from kb.law.texts import chinese_numeral
    out = f"第{chinese_numeral(number)}条"
    if part:
        out += f"·{part}"
    if clause is not None:
        out += f"（{chinese_numeral(clause)}）"
    return out


def _switch_names(node: dict, chain: list[dict]) -> list[str]:
    names = [n["switch"] for n in chain + [node] if n.get("kind") == "switch" and n.get("switch")]
    if node.get("kind") == "growth":
        names.append("growth_reading")     # the loader reads every growth node under this switch
    return names


def units(data: dict) -> list[Unit]:
    """Every unit of one encoding's data, in text order."""
    head = data.get("document") or {}
    raw_validity = head.get("validity_years") or {}
    validity = {p: (y.get("years") if isinstance(y, dict) else y) for p, y in raw_validity.items()}
    # {years: 3, articles: [13, 19]}: articles read by the period without stating its figure
    validity_articles = {p: set(y.get("articles") or []) for p, y in raw_validity.items() if isinstance(y, dict)}
    out: list[Unit] = []
    by_key: dict[tuple, Unit] = {}
    for art in data.get("articles") or []:
        number, cls = art.get("number"), art.get("class") or ""
        clauses = [c for c in art.get("clauses") or [] if isinstance(c, dict)]
        whole = Unit(number, None, None, _label(number, None, None), (art.get("text") or "").strip(), cls)
        by_key[(number, None, None)] = whole
        whole.not_encoded += list(art.get("not_encoded") or [])
        whole.exceptions += [e.get("id") for e in art.get("exceptions") or [] if isinstance(e, dict)]
        mine = []
        for cl in clauses:
            u = Unit(number, cl.get("clause"), cl.get("part"), _label(number, cl.get("clause"), cl.get("part")),
                     (cl.get("text") or "").strip(), cls)
            u.not_encoded += list(cl.get("not_encoded") or [])
            by_key[(number, id(cl))] = u
            mine.append(u)
        out.append(whole)
        out.extend(mine)
        if validity and "有效期" in whole.text:
            from kb.law.numerals import figures, in_unit
            # the period itself (有效期为三年), not another window in the same article
            stated = {f.value for m in re.finditer(r"有效期[为是]?", whole.text)
                      for f in in_unit(figures(whole.text[m.end():m.end() + 6]), "年")}
            whole.validity = {p: y for p, y in validity.items()
                              if y in stated or number in validity_articles.get(p, set())}
    for node, nid, at, chain in walk(data):
        key = (at.article.get("number"), id(at.clause)) if at.clause is not None else \
            (at.article.get("number"), None, None)
        u = by_key.get(key)
        if u is None:
            continue
        if node.get("quote"):
            u.quoted.append(node["quote"])
        # a top-level node, or a child citing a clause of its own (第六条's functions)
        if (not chain or node.get("clause") is not None) and not any(i == nid for i, _ in u.nodes):
            u.nodes.append((nid, node))
        for entry in node.get("not_encoded") or []:
            if entry not in u.not_encoded:
                u.not_encoded.append(entry)
        for name in _switch_names(node, chain):
            if name not in u.switches:
                u.switches.append(name)
    _through_the_article(out, data)
    for art in data.get("articles") or []:
        for e in art.get("exceptions") or []:
            u = by_key.get((art.get("number"), None, None))
            if u is not None and isinstance(e, dict) and e.get("quote"):
                u.quoted.append(e["quote"])
    for u in out:
        u.unquoted = _unquoted(u, data)
    keep = []
    for u in out:
        has_clauses = u.clause is None and any(v.article == u.article and v is not u and
                                               (v.clause is not None or v.part) for v in out)
        if has_clauses and u.cls == "eligibility" and not (u.read or u.not_encoded):
            continue        # the list's clauses are the units; the lead sentence only introduces them
        if u.cls == "eligibility" or u.read or u.not_encoded or BEARING.search(u.text):
            keep.append(u)
    return keep


PUNCT = re.compile(r"[，。；、：,;:.“”\"!?！？\s]+")
LABEL = re.compile(r"^(?:第[一二三四五六七八九十百\d]+条|[（(][一二三四五六七八九十]+[）)])\s*")


def _unquoted(u: Unit, data: dict) -> list[str]:
    """The phrases of a unit that no node quotes and no not_encoded entry names:
    words the encoding may have dropped, for the reviewer to look at (a
    definition of a function, a heading, or a requirement lost)."""
    if not u.read and not u.not_encoded:
        return []
    text = u.text
    if u.clause is None and u.part is None:       # an article's own words around its list
        art = next((a for a in data.get("articles") or [] if a.get("number") == u.article), {})
        for cl in art.get("clauses") or []:
            if isinstance(cl, dict) and cl.get("text"):
                text = text.replace(cl["text"].strip(), "")
    covered = u.quoted + [e.get("what", "") for e in u.not_encoded if isinstance(e, dict)]
    if u.through:
        return []
    for q in sorted((q for q in covered if q), key=len, reverse=True):
        text = text.replace(q, "，")
    out = []
    for line in text.splitlines():
        for phrase in PUNCT.split(LABEL.sub("", line.strip())):
            phrase = LABEL.sub("", phrase.strip("（）() "))
            if sum(1 for ch in phrase if "\u4e00" <= ch <= "\u9fff") >= 4:
                out.append(phrase)
    return out


def _through_the_article(out: list[Unit], data: dict) -> None:
    """A clause no node cites is read by its article's own conditions when
    none of them cites clauses one by one: a ban whose reasons are the list
    (有下列情况之一的，三年内不得再次申请) reads every item of it."""
    precise = {at.article.get("number") for node, _, at, chain in walk(data)
               if chain and node.get("clause") is not None}
    wholes = {u.article: u for u in out if u.clause is None and u.part is None}
    for u in out:
        whole = wholes.get(u.article)
        if u is whole or whole is None or u.article in precise or u.nodes or not whole.nodes:
            continue
        u.nodes = [(nid, node) for nid, node in whole.nodes]
        u.through = whole.label


def switches_of(data: dict, switch_defs: dict, programs: list[str],
                settings: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every switch bearing on the document: its default, the reading in use,
    the conditions it governs here, and whether the default imposes nothing."""
    found: dict[str, dict[str, Any]] = {}
    for node, nid, at, chain in walk(data):
        for name in _switch_names(node, chain):
            entry = found.setdefault(name, {"conditions": [], "default_imposes_nothing": False})
            if node.get("kind") in ("switch", "growth") and nid not in entry["conditions"]:
                entry["conditions"].append(nid)
            spec = switch_defs.get(name)
            if node.get("kind") == "switch" and spec is not None:
                if spec.default in (node.get("cases") or {}) and node["cases"][spec.default] is None:
                    entry["default_imposes_nothing"] = True
    for name, spec in switch_defs.items():
        mine = [c for c in spec.changes if str(c).split("/")[0] in programs]
        if mine:
            entry = found.setdefault(name, {"conditions": [], "default_imposes_nothing": False})
            entry["conditions"] += [c for c in mine if c not in entry["conditions"]]
    out = []
    for name in sorted(found):
        spec = switch_defs.get(name)
        default = spec.default if spec else None
        out.append({"switch": name, "default": default,
                    "in_use": (settings or {}).get(name, default),
                    "values": dict(spec.values) if spec else {},
                    "why": spec.why if spec else "", **found[name]})
    return out


def document_data(kb, doc) -> dict:
    """The encoding data of the text the knowledge base loaded for ``doc``
    (the current encoding, or the version chosen)."""
    from kb.io.yamlio import read_yaml
    v = (getattr(kb, "versions", None) or {}).get(doc.id)
    if v is not None and not v.current:
        from kb.law.versions import Assembler, Versions
        return Assembler(Versions(kb.facts_dir, doc.id)).data(v)
    return read_yaml(doc.path)


def coverage(kb) -> list[dict[str, Any]]:
    out = []
    for doc in kb.documents:
        data = document_data(kb, doc)
        us = units(data)
        count = Counter(u.status for u in us)
        nodes = [n for n in kb.nodes.values() if n.citation.document == doc.id]
        out.append({
            "document": doc.id, "title": doc.title, "programs": doc.programs,
            "articles": len(doc.articles),
            "by_class": dict(Counter(a.cls for a in doc.articles)),
            "units": len(us), "encoded": count[ENCODED], "partly": count[PARTLY],
            "not_encoded": [u.label for u in us if u.status == NOT_ENCODED],
            "partly_encoded": [u.label for u in us if u.status == PARTLY],
            "clauses": [u.to_json() for u in us],
            "conditions": sum(1 for p in doc.programs for _ in kb.programs[p].conditions),
            "nodes": len(nodes),
            "interpretations": sum(1 for n, _, _, _ in walk(data) if n.get("interpretation")),
            "switches": switches_of(data, kb.switch_defs, doc.programs, kb.settings),
        })
    return out


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def coverage_text(rows: list[dict[str, Any]]) -> str:
    """Per document: a table of the clauses bearing on eligibility, then the switches."""
    lines = []
    for r in rows:
        classes = ", ".join(f"{k} {v}" for k, v in sorted(r["by_class"].items()))
        lines.append(f"{r['document']}  {r['title']}")
        lines.append(f"  articles {r['articles']} ({classes}); top-level conditions {r['conditions']}, "
                     f"nodes {r['nodes']}, interpretations {r['interpretations']}")
        lines.append(f"  clauses bearing on eligibility {r['units']}: encoded {r['encoded']}, "
                     f"partly {r['partly']}, not encoded {len(r['not_encoded'])}")
        width = max([_width(u["label"]) for u in r["clauses"]] + [6]) + 2
        lines.append(f"  {_pad('clause', width)}{_pad('status', 13)}{_pad('read by', 44)}not encoded")
        short = len(r["programs"]) == 1     # one program: its prefix says nothing
        for u in r["clauses"]:
            read = ", ".join(c.split("/", 1)[-1] if short else c for c in u["conditions"]) or \
                ", ".join(u["exceptions"]) or ("validity_years" if u["validity_years"] else "-")
            if u["through"]:
                read = f"(via {u['through']}) {read}"
            missing = "; ".join(_short(e["what"], 28) for e in u["not_encoded"]) or "-"
            lines.append(f"  {_pad(u['label'], width)}{_pad(u['status'], 13)}{_pad(_short(read, 42), 44)}{missing}")
        lines.append("  switches (default; * = the default imposes nothing):")
        for sw in r["switches"]:
            nothing = "*" if sw["default_imposes_nothing"] else ""
            chosen = f", in use {sw['in_use']}" if sw["in_use"] != sw["default"] else ""
            lines.append(f"    {sw['switch']} = {sw['default']}{nothing}{chosen}: {', '.join(sw['conditions']) or '-'}")
        lines.append("")
    return "\n".join(lines).rstrip()
