"""What a revision changes: a semantic diff of two versions, and its impact.

Conditions are matched by id (ids name what is required, not where), or by a
declared link (``continued_by`` / ``continues``) where a requirement moved to a
new measure and so to a new id. Each matched pair is compared node by node:
the figures of a threshold, window or count, the values of a list, strength,
children added or removed, exceptions. Articles are paired through the
conditions they hold, else by wording, so a renumbering reads as one move.

A partial version (kb/law/versions.py) knows only part of its text: a condition
that is not in it is *unknown* there, never added or removed.

The impact runs ``KnowledgeBase.check`` on both versions for every
organization of a population and reports who flips, and which conditions
changed outcome for them.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kb.reasoning.check import fmt
from kb.law.model import OP_SYMBOL, Citation, Document, Node
from kb.law.versions import Text, Version

SUBSTANTIVE = ("added", "removed", "tightened", "loosened", "changed", "strength_changed",
               "exception_added", "exception_removed", "exception_changed")
OTHER = ("renumbered", "text_changed", "article_added", "article_removed", "document",
         "unknown_in_old", "unknown_in_new")
CATEGORIES = SUBSTANTIVE + OTHER
TITLES = {
    "added": "Added", "removed": "Removed", "tightened": "Tightened", "loosened": "Loosened",
    "changed": "Changed (no clear direction)", "strength_changed": "Strength changed",
    "exception_added": "Exception added", "exception_removed": "Exception removed",
    "exception_changed": "Exception changed", "renumbered": "Renumbered",
    "text_changed": "Wording changed only", "article_added": "Article added",
    "article_removed": "Article removed", "document": "Document",
    "unknown_in_old": "Unknown in the old version (not compared)",
    "unknown_in_new": "Unknown in the new version (not compared)",
}
STRENGTH_RANK = {"general": 0, "relaxable": 1, "mandatory": 2}
OPS = OP_SYMBOL
_LABEL_RE = re.compile(r"^\s*第[一二三四五六七八九十百零两\d]+条\s*")


@dataclass
class Change:
    category: str
    subject: str
    summary: str
    level: str = "condition"          # condition | exception | article | document
    program: str | None = None
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    effect: str | None = None         # tightened | loosened | None: no clear direction
    old_subject: str | None = None    # the old id of a linked condition
    note: str | None = None
    reach: dict[str, Any] | None = None   # can anyone gain / lose by it (kb/revisions/reasons.py)

    @property
    def substantive(self) -> bool:
        return self.category in SUBSTANTIVE

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "substantive": self.substantive, "level": self.level,
                "subject": self.subject, "old_subject": self.old_subject, "program": self.program,
                "summary": self.summary, "effect": self.effect, "note": self.note,
                "reach": self.reach, "old": self.old, "new": self.new}


# -- describing a node --------------------------------------------------------

def unit_text(node: Node) -> str:
    unit = node.params.get("unit")
    return f" {unit}" if unit and unit != "share" else ""


def describe(node: Node) -> str:
    """The rule a node states, in one line (for people; JSON keeps the figures)."""
    k, p = node.kind, node.params
    if k == "threshold":
        return f"{p['measure'].describe()} {OPS[p['op']]} {fmt(p['value'])}{unit_text(node)}"
    if k == "boolean":
        return f"{p['field']} = {str(p['expect']).lower()}"
    if k in ("locality", "applicant_type"):
        return f"{p['field']} ∈ {{{', '.join(p['values'])}}}" + (" or any other (open list)" if p["open"] else "")
    if k == "qualitative":
        return f"qualitative, attested as {p['attest']}"
    if k == "lookback":
        window = f"within {p['years']} years" if p["years"] else "at any time"
        return f"no {', '.join(p['kinds'])} of {', '.join(p['subjects'])} {window}"
    if k == "ban":
        return f"no revocation of {', '.join(p['programs'])} for {', '.join(p['reasons'])} within {p['years']} years"
    if k == "reapplication":
        return f"no running designation of {', '.join(p['programs'])} expiring after this year"
    if k == "growth":
        return f"{p['field']} growing over {p['years']} years ({p['pairs']} increases)"
    if k == "k_of_n":
        return f"at least {p['k']} of {len(node.children)}"
    if k == "function":
        return f"offers {p['function']} ({p.get('label') or p['function']})"
    if k == "all":
        return f"all of {len(node.children)}"
    if k == "any":
        return f"any of {len(node.children)}"
    if k == "when":
        return "if … then …"
    return k


def figures(node: Node) -> dict[str, Any]:
    """The node's threshold, window, count or list, as JSON values (exact
    numbers as decimal text)."""
    p = node.params
    if node.kind == "threshold":
        return {"measure": p["measure"].name, "op": p["op"], "value": fmt(p["value"]), "unit": p.get("unit")}
    if node.kind == "k_of_n":
        return {"k": p["k"], "n": len(node.children)}
    keep = {"boolean": ("field", "expect"), "locality": ("field", "values", "open"),
            "applicant_type": ("field", "values", "open"), "qualitative": ("attest",),
            "lookback": ("kinds", "subjects", "years"), "ban": ("programs", "reasons", "years"),
            "reapplication": ("programs",), "growth": ("field", "years", "pairs"),
            "function": ("function", "label")}.get(node.kind, ())
    return {k: p[k] for k in keep}


def side(node: Node) -> dict[str, Any]:
    return {"id": node.id, "label": node.citation.label(), "citation": node.citation.to_json(),
            "quote": node.quote, "kind": node.kind, "rule": describe(node), "figures": figures(node),
            "strength": node.strength,
            "switch": {"name": node.switch[0], "value": node.switch[1]} if node.switch else None}


def article_citation(doc: Document, number: int) -> Citation | None:
    art = next((a for a in doc.articles if a.number == number), None)
    if art is None:
        return None
    program = next((n.program for n in art.conditions), doc.programs[0])
    return Citation(program=program, article=number, clause=None, part=None, inferred=art.inferred,
                    text=art.text, document=doc.id)


def article_side(doc: Document, number: int) -> dict[str, Any] | None:
    cit = article_citation(doc, number)
    return {"label": cit.label(), "citation": cit.to_json()} if cit else None


# -- directions -----------------------------------------------------------------

def _set_dir(old, new, bigger: str) -> str | None:
    """Direction of a change of a set of values, where a bigger set means ``bigger``."""
    old, new = set(old), set(new)
    if old == new:
        return None
    if new > old:
        return bigger
    if new < old:
        return "loosened" if bigger == "tightened" else "tightened"
    return "changed"


def _num_dir(old, new, bigger: str) -> str | None:
    if old == new:
        return None
    if new > old:
        return bigger
    return "loosened" if bigger == "tightened" else "tightened"


def _combine(dirs: list[str | None]) -> str | None:
    dirs = [d for d in dirs if d]
    if not dirs:
        return None
    return dirs[0] if len(set(dirs)) == 1 else "changed"


def closure(pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    out = set(pairs)
    while True:
        more = {(a, d) for a, b in out for c, d in out if b == c} - out
        if not more:
            return out
        out |= more


class Differ:
    def __init__(self, old: Text, new: Text, le_pairs: list[tuple[str, str]]):
        self.old, self.new = old, new
        self.le = closure(le_pairs)
        # a link pairs two ids whichever way the diff runs (2019 → 2017 as well)
        declared = {**old.links, **new.links}
        self.links = {**{b: a for a, b in declared.items()}, **declared}
        self.amap: dict[int, int] = {}
        self.changes: list[Change] = []

    # -- entry point ----------------------------------------------------------
    def run(self) -> list[Change]:
        od, nd = self.old.document, self.new.document
        self.amap = pair_articles(od, nd, self.links, partial_articles(self.old.version),
                                  partial_articles(self.new.version))
        self.document_changes()
        self.article_changes()
        old_top, new_top = top_nodes(od), top_nodes(nd)
        matched_new = set()
        for oid, onode in old_top.items():
            nid = oid if oid in new_top else self.links.get(oid)
            if nid in new_top and (nid == oid or nid not in old_top):
                matched_new.add(nid)
                self.compare(onode, new_top[nid], None, None)
            elif self.new.version.partial:
                self.add("unknown_in_new", onode, None, f"not in the known part of {self.new.version.ref}")
            else:
                self.add("removed", onode, None, f"removed: {describe(onode)}", effect="loosened")
        for nid, nnode in new_top.items():
            if nid in matched_new:
                continue
            if self.old.version.partial:
                self.add("unknown_in_old", None, nnode, f"not in the known part of {self.old.version.ref}")
            else:
                self.add("added", None, nnode, f"added: {describe(nnode)}", effect="tightened")
        self.exception_changes()
        self.fold_wording()
        order = {c: i for i, c in enumerate(CATEGORIES)}
        return sorted(self.changes, key=lambda c: order[c.category])

    def fold_wording(self) -> None:
        """An article whose conditions changed in substance is not also "wording
        changed only": its edits go with those changes (``new["edits"]``)."""
        def arts(c: Change) -> set[tuple[str, int]]:
            return {(name, s["citation"]["article"]) for name, s in (("old", c.old), ("new", c.new))
                    if s and s.get("citation")}
        subst = [c for c in self.changes if c.substantive and c.level in ("condition", "exception")]
        keep = []
        for c in self.changes:
            if c.category == "text_changed" and c.level == "article":
                hits = [s for s in subst if arts(s) & arts(c)]
                if hits:
                    for s in hits:
                        if s.new is not None:
                            s.new.setdefault("edits", c.new.get("edits", []))
                    continue
            keep.append(c)
        self.changes = keep

    def add(self, category: str, old: Node | None, new: Node | None, summary: str, **kw) -> Change:
        node = new or old
        change = Change(category, subject=node.id, summary=summary, program=node.program,
                        old=side(old) if old else None, new=side(new) if new else None, **kw)
        if old and new and old.id != new.id:
            change.old_subject = old.id
        self.changes.append(change)
        return change

    # -- conditions -----------------------------------------------------------
    def compare(self, old: Node, new: Node, old_parent: Node | None, new_parent: Node | None) -> None:
        """Report what differs between two matched nodes and their children.
        A changed quote is reported only where nothing substantive changed
        (the new wording is then the change itself)."""
        before = len(self.changes)
        if old.kind != new.kind:
            self.add("changed", old, new, f"{old.kind} → {new.kind}: {describe(old)} → {describe(new)}")
        else:
            self.rule_change(old, new)
        if old.strength != new.strength:
            effect = _num_dir(STRENGTH_RANK[old.strength], STRENGTH_RANK[new.strength], "tightened")
            self.add("strength_changed", old, new, f"strength {old.strength} → {new.strength}", effect=effect,
                     note="a failure of a general (一般应/原则上) or relaxable (可适度放宽) condition is left "
                          "to the authority's discretion; it still counts as failed")
        if old.kind == new.kind and (old.children or new.children):
            self.children_changes(old, new)
        substantive = any(c.substantive for c in self.changes[before:])
        self.moved(old, new, old_parent, new_parent)
        if old.quote != new.quote and not substantive:
            self.add("text_changed", old, new, f"wording 「{old.quote}」 → 「{new.quote}」",
                     note="the encoded condition is the same: check that the new wording means the same")

    def children_changes(self, old: Node, new: Node) -> None:
        oc = {c.id: c for c in old.children}
        nc = {c.id: c for c in new.children}
        bigger_is_tighter = old.kind in ("all", "function")
        for cid, child in oc.items():
            if cid in nc:
                self.compare(child, nc[cid], old, new)
            elif old.kind == "when":
                self.add("changed", child, None, f"part of a conditional rule replaced: {describe(child)}")
            else:
                self.add("removed", child, None, f"removed from {old.id} ({describe(old)}): {describe(child)}",
                         effect="loosened" if bigger_is_tighter else "tightened")
        for cid, child in nc.items():
            if cid not in oc:
                if new.kind == "when":
                    self.add("changed", None, child, f"part of a conditional rule replaced: {describe(child)}")
                else:
                    self.add("added", None, child, f"added to {new.id} ({describe(new)}): {describe(child)}",
                             effect="tightened" if bigger_is_tighter else "loosened")

    def rule_change(self, old: Node, new: Node) -> None:
        k, po, pn = old.kind, old.params, new.params
        direction, what = None, ""
        if k == "threshold":
            direction, what = self.threshold_change(old, new)
        elif k == "boolean":
            if (po["field"], po["expect"]) != (pn["field"], pn["expect"]):
                direction = "changed"
        elif k in ("locality", "applicant_type"):
            direction = "changed" if po["field"] != pn["field"] else _combine([
                _set_dir(po["values"], pn["values"], "loosened"),
                _num_dir(po["open"], pn["open"], "loosened")])
        elif k == "qualitative":
            direction = "changed" if po["attest"] != pn["attest"] else None
        elif k == "lookback":
            inf = lambda y: float("inf") if y is None else y
            direction = _combine([_set_dir(po["kinds"], pn["kinds"], "tightened"),
                                  _set_dir(po["subjects"], pn["subjects"], "tightened"),
                                  _num_dir(inf(po["years"]), inf(pn["years"]), "tightened")])
        elif k == "ban":
            direction = _combine([_set_dir(po["programs"], pn["programs"], "tightened"),
                                  _set_dir(po["reasons"], pn["reasons"], "tightened"),
                                  _num_dir(po["years"], pn["years"], "tightened")])
        elif k == "reapplication":
            direction = _set_dir(po["programs"], pn["programs"], "tightened")
        elif k == "growth":
            direction = "changed" if po["field"] != pn["field"] else _num_dir(po["pairs"], pn["pairs"], "tightened")
        elif k == "k_of_n":
            direction = _num_dir(po["k"], pn["k"], "tightened")
            if direction:
                what = f"count {po['k']} → {pn['k']} of the listed items"
        elif k == "function":
            direction = "changed" if po["function"] != pn["function"] else None
        if direction:
            self.add(direction, old, new, what or f"{describe(old)} → {describe(new)}",
                     effect=direction if direction != "changed" else None)

    def threshold_change(self, old: Node, new: Node) -> tuple[str | None, str]:
        po, pn = old.params, new.params
        mo, mn = po["measure"], pn["measure"]
        lower_o, lower_n = po["op"] in (">=", ">"), pn["op"] in (">=", ">")
        if lower_o != lower_n:
            return "changed", f"bound reversed: {describe(old)} → {describe(new)}"
        dirs, words = [], []
        if (po["value"], po["op"]) != (pn["value"], pn["op"]):
            # a lower bound tightens as it rises (and > is tighter than ≥); an upper bound as it falls
            key = (lambda p: (p["value"], p["op"] == ">")) if lower_o else (lambda p: (-p["value"], p["op"] == "<"))
            d = _num_dir(key(po), key(pn), "tightened")
            dirs.append(d)
            verb = "raised" if pn["value"] > po["value"] else "lowered" if pn["value"] < po["value"] else "made strict" if pn["op"] in (">", "<") else "made inclusive"
            words.append(f"threshold {verb}: {OPS[po['op']]} {fmt(po['value'])}{unit_text(old)} → "
                         f"{OPS[pn['op']]} {fmt(pn['value'])}{unit_text(new)}")
        if mo != mn:
            if (mn.name, mo.name) in self.le:       # the new figure never exceeds the old one
                d, how = ("tightened" if lower_o else "loosened"), "narrowed"
                why = f"{mn.name} ≤ {mo.name}, facts/measures.yaml"
            elif (mo.name, mn.name) in self.le:
                d, how = ("loosened" if lower_o else "tightened"), "widened"
                why = f"{mo.name} ≤ {mn.name}, facts/measures.yaml"
            else:
                d, how, why = "changed", "changed", "the two figures are not related"
            dirs.append(d)
            words.append(f"measure {how}: {mo.describe()} → {mn.describe()} ({why})")
            if (po["value"], po["op"]) == (pn["value"], pn["op"]):
                words.append(f"{OPS[po['op']]} {fmt(po['value'])}{unit_text(old)} unchanged")
        return _combine(dirs), "; ".join(words)

    def moved(self, old: Node, new: Node, old_parent: Node | None, new_parent: Node | None) -> None:
        loc = lambda n: (n.citation.article, n.citation.part, n.citation.clause)
        if old_parent is not None and loc(old) == loc(old_parent) and loc(new) == loc(new_parent):
            return   # moves with its parent
        a, part, clause = loc(old)
        if (self.amap.get(a, a), part, clause) != loc(new):
            self.add("renumbered", old, new, f"{old.citation.label()} → {new.citation.label()}")

    # -- exceptions, articles, the document -----------------------------------------
    def exception_changes(self) -> None:
        oe = {e.id: e for e in self.old.document.exceptions}
        ne = {e.id: e for e in self.new.document.exceptions}

        def ex_side(e):
            return {"id": e.id, "label": e.citation.label(), "citation": e.citation.to_json(),
                    "quote": e.quote, "applies_to": e.applies_to, "sponsors": e.sponsors}

        def put(category, o, n, summary, effect=None):
            e = n or o
            self.changes.append(Change(category, e.id, summary, level="exception", program=e.citation.program,
                                       old=ex_side(o) if o else None, new=ex_side(n) if n else None, effect=effect))

        for eid, e in oe.items():
            if eid not in ne:
                if self.new.version.partial:
                    put("unknown_in_new", e, None, f"not in the known part of {self.new.version.ref}")
                else:
                    put("exception_removed", e, None, f"{e.kind} for {', '.join(e.sponsors)} removed", "tightened")
                continue
            n = ne[eid]
            known = {n.id for a in self.new.document.articles for top in a.conditions for n in top.walk()}
            mapped = [c if c in known else self.links.get(c, c) for c in e.applies_to]
            direction = _combine([_set_dir(mapped, n.applies_to, "loosened"),
                                  _set_dir(e.sponsors, n.sponsors, "loosened")])
            if direction:
                put("exception_changed", e, n, f"applies to {len(e.applies_to)} → {len(n.applies_to)} conditions; "
                    f"sponsors {', '.join(e.sponsors)} → {', '.join(n.sponsors)}",
                    direction if direction != "changed" else None)
            elif e.quote != n.quote:
                put("text_changed", e, n, f"wording 「{e.quote}」 → 「{n.quote}」")
        for eid, e in ne.items():
            if eid not in oe:
                if self.old.version.partial:
                    put("unknown_in_old", None, e, f"not in the known part of {self.old.version.ref}")
                else:
                    put("exception_added", None, e, f"{e.kind} for {', '.join(e.sponsors)} added", "loosened")

    def article_changes(self) -> None:
        od, nd = self.old.document, self.new.document
        o_part, n_part = partial_articles(self.old.version), partial_articles(self.new.version)
        new_arts = {a.number: a for a in nd.articles}
        for art in od.articles:
            target = self.amap.get(art.number)
            if target is None:
                if not self.new.version.partial and art.number not in o_part:
                    self.changes.append(Change("article_removed", article_citation(od, art.number).label(),
                                               f"{art.cls} article removed; " + self.where_went(art, nd),
                                               level="article", old=article_side(od, art.number)))
                continue
            if target != art.number:
                self.changes.append(Change(
                    "renumbered", f"{article_citation(od, art.number).label()} → {article_citation(nd, target).label()}",
                    f"{art.cls} article" + (f" with {known} condition(s)" if (known := sum(
                        n.kind != "unknown" for n in art.conditions)) else ""),
                    level="article", old=article_side(od, art.number), new=article_side(nd, target)))
            if art.number in o_part or target in n_part:
                continue
            a, b = _LABEL_RE.sub("", art.text), _LABEL_RE.sub("", new_arts[target].text)
            if a != b:
                edits = text_edits(a, b)
                labels = [article_citation(od, art.number).label(), article_citation(nd, target).label()]
                self.changes.append(Change(
                    "text_changed", " → ".join(labels) if target != art.number else labels[1],
                    "; ".join(_edit_words(e) for e in edits), level="article",
                    old=article_side(od, art.number), new={**article_side(nd, target), "edits": edits},
                    note=f"{art.cls} article" + ("" if art.conditions or new_arts[target].conditions
                                                 else ": holds no eligibility condition")))
        paired = set(self.amap.values())
        for art in nd.articles:
            if art.number not in paired and not self.old.version.partial:
                self.changes.append(Change("article_added", article_citation(nd, art.number).label(),
                                           f"{art.cls} article added; its conditions are listed as such",
                                           level="article", new=article_side(nd, art.number)))

    def where_went(self, art, nd: Document) -> str:
        """Where the conditions of a removed article are in the new text (moved, not removed)."""
        ids = [n.id for n in art.conditions if n.kind != "unknown"]
        if not ids:
            return "it held no condition of its own"
        where = {n.id: a for a in nd.articles for top in a.conditions for n in top.walk()}
        moved = {}
        for cid in ids:
            target = where.get(cid) or where.get(self.links.get(cid, ""))
            if target is not None:
                moved.setdefault(article_citation(nd, target.number).label(), []).append(cid)
        if not moved:
            return "its conditions are listed as removed"
        gone = len(ids) - sum(len(v) for v in moved.values())
        return ("its conditions moved: " + "; ".join(f"{', '.join(v)} → {k}" for k, v in moved.items())
                + (f"; {gone} listed as removed" if gone else ""))

    def document_changes(self) -> None:
        ov, nv = self.old.version, self.new.version
        oh, nh = self.old.document.header, self.new.document.header
        fields = {
            "legal_basis": (oh.get("legal_basis") or ov.legal_basis, nh.get("legal_basis") or nv.legal_basis),
            "title": (oh.get("title"), nh.get("title")),
            "issuer": (ov.meta.get("issuer"), nv.meta.get("issuer")),
            "status": (ov.status, nv.status),
        }
        for name, (a, b) in fields.items():
            if a is None or b is None or a == b or a == []:
                continue
            old, new = {"value": a}, {"value": b}
            if name == "legal_basis":   # cite where each text names its basis
                for doc, values, out in ((self.old.document, a, old), (self.new.document, b, new)):
                    art = next((x for x in doc.articles if any(v in x.text for v in values)), None)
                    if art is not None:
                        out.update(article_side(doc, art.number))
            show = lambda v: ", ".join(v) if isinstance(v, list) else str(v)
            self.changes.append(Change("document", name, f"{name}: {show(a)} → {show(b)}", level="document",
                                       old=old, new=new))


def top_nodes(doc: Document) -> dict[str, Node]:
    return {n.id: n for a in doc.articles for n in a.conditions if n.kind != "unknown"}


def partial_articles(v: Version) -> set[int]:
    """Articles a partial version knows only in part (or not at all)."""
    out: set[int] = set()
    for g in v.gaps:
        out.update(range(g.article, (g.to_article or g.article) + 1))
    return out


def pair_articles(od: Document, nd: Document, links: dict[str, str], o_part: set[int],
                  n_part: set[int]) -> dict[int, int]:
    """Old article number → new: through the conditions they share, then by wording."""
    where = {n.id: a.number for a in nd.articles for n in a.conditions}
    votes: Counter = Counter()
    for a in od.articles:
        for n in a.conditions:
            target = where.get(n.id, where.get(links.get(n.id)))
            if target is not None and n.kind != "unknown":
                votes[(a.number, target)] += 1
    pairs: dict[int, int] = {}
    for (o, n), _ in votes.most_common():
        if o not in pairs and n not in pairs.values():
            pairs[o] = n
    candidates = []
    for a in od.articles:
        if a.number in pairs or a.number in o_part:
            continue
        for b in nd.articles:
            if b.number in pairs.values() or b.number in n_part:
                continue
            ta, tb = _LABEL_RE.sub("", a.text), _LABEL_RE.sub("", b.text)
            m = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
            ratio = m.ratio()
            # a shortened article keeps much of its words under the same number (北京 2017 第四条)
            kept = sum(blk.size for blk in m.get_matching_blocks()) / max(1, min(len(ta), len(tb)))
            if ratio >= 0.5 or (a.number == b.number and kept >= 0.6):
                candidates.append((ratio, a.number == b.number, a.number, b.number))
    for _, _, o, n in sorted(candidates, reverse=True):
        if o not in pairs and n not in pairs.values():
            pairs[o] = n
    for a in od.articles:   # a partly known article keeps its number when nothing says otherwise
        if a.number not in pairs and a.number in o_part and a.number not in pairs.values() \
                and any(b.number == a.number for b in nd.articles):
            pairs[a.number] = a.number
    return pairs


_STOPS = "，。；：、（）\n"


def text_edits(a: str, b: str) -> list[dict[str, str]]:
    """The edits from a to b, each widened to the nearest punctuation on either
    side (so 「8」→「5」 reads as 「楼宇经济园建筑总面积在 8 千平方米以上」→「…5 千…」);
    edits within one phrase are merged."""
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        # one phrase, one edit: merge with the previous edit unless punctuation lies between
        if spans and not any(ch in _STOPS for ch in a[spans[-1][1]:i1]):
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in spans:
        left = 0
        while left < 20 and i1 - left > 0 and a[i1 - left - 1] not in _STOPS:
            left += 1
        right = 0
        while right < 20 and i2 + right < len(a) and a[i2 + right] not in _STOPS:
            right += 1
        out.append({"old": a[i1 - left:i2 + right], "new": b[j1 - left:j2 + right],
                    "removed": a[i1:i2], "added": b[j1:j2]})
    return out


def _edit_words(e: dict[str, str]) -> str:
    if not e["removed"]:
        return f"added 「{e['added']}」 (「{e['new']}」)"
    if not e["added"]:
        return f"removed 「{e['removed']}」"
    return f"「{e['old']}」 → 「{e['new']}」"


# -- the diff as a whole -------------------------------------------------------

@dataclass
class Diff:
    old: Version
    new: Version
    changes: list[Change]
    switches: dict[str, str]                  # the settings of the switches that touch this document
    links: dict[str, str] = field(default_factory=dict)
    impact: "Impact | None" = None
    texts: tuple = ()                         # the two Texts (documents), for the redline

    def substantive(self) -> list[Change]:
        return [c for c in self.changes if c.substantive]

    def counts(self) -> dict[str, int]:
        got = Counter(c.category for c in self.changes)
        return {c: got[c] for c in CATEGORIES if got[c]}

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old.to_json(), "new": self.new.to_json(), "switches": self.switches,
                "counts": self.counts(), "changes": [c.to_json() for c in self.changes],
                "impact": self.impact.to_json() if self.impact else None}

    def markdown(self) -> str:
        from kb.commands.diff import markdown
        return markdown(self)


def diff_texts(old: Text, new: Text, le_pairs: list[tuple[str, str]], switches: dict[str, str]) -> Diff:
    differ = Differ(old, new, le_pairs)
    return Diff(old.version, new.version, differ.run(), switches, differ.links)


def diff(kb, old_ref: tuple[str, Any], new_ref: tuple[str, Any]) -> Diff:
    """The diff of two versions, ``(document id, version key)`` each, read with
    ``kb``'s switches, functions and measures."""
    from kb.reasoning.base import known_fields
    from kb.law.versions import Versions, load_text
    texts = []
    for doc_id, key in (old_ref, new_ref):
        registry = Versions(kb.facts_dir, doc_id)
        texts.append(load_text(registry, registry.get(key), kb.settings, known_fields(), set(kb.functions)))
    if texts[0].document.id != texts[1].document.id:
        from kb.io.errors import InputError
        raise InputError(f"{texts[1].version.ref}", None, f"expected a version of {texts[0].document.id}")
    programs = tuple(f"{p}/" for p in texts[0].document.programs)
    switches = {name: kb.settings[name] for name, sw in kb.switch_defs.items()
                if any(c.startswith(programs) for c in sw.changes)}
    out = diff_texts(texts[0], texts[1], kb.le_pairs, switches)
    out.texts = tuple(texts)
    from kb.revisions.reasons import reason
    reason(kb, texts[0].document, texts[1].document, out.changes)
    return out


# -- impact on a population ------------------------------------------------------

@dataclass
class Flip:
    org: str
    entity: str | None
    program: str
    old: str
    new: str
    conditions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, "entity": self.entity, "program": self.program, "old": self.old,
                "new": self.new, "conditions": self.conditions}


@dataclass
class Impact:
    population: str
    organizations: int
    as_of: str | None
    programs: list[str]
    transitions: dict[str, Counter]          # program → Counter of "old→new"
    flips: list[Flip]
    discretion: list[Flip]                    # fails in both, but hard in one and discretionary in the other

    def to_json(self) -> dict[str, Any]:
        return {"population": self.population, "organizations": self.organizations, "as_of": self.as_of,
                "programs": {p: {"transitions": dict(sorted(self.transitions[p].items())),
                                 "flips": sum(n for k, n in self.transitions[p].items()
                                              if k.split("→")[0] != k.split("→")[1])}
                             for p in self.programs},
                "flips": [f.to_json() for f in self.flips],
                "discretion_changes": [f.to_json() for f in self.discretion]}


def _outcomes(result) -> dict[str, tuple[str, Any]]:
    out = {f.condition: ("failed", f) for f in result.failed}
    out.update({f.condition: ("unknown", f) for f in result.unknown})
    return out


def _hard(result) -> bool:
    return any(not f.discretion for f in result.failed)


def impact(old_kb, new_kb, profiles: list, programs: list[str], links: dict[str, str],
           population: str = "", as_of: date | None = None) -> Impact:
    """Check every profile under both versions (``KnowledgeBase.check``, so
    the answer is the one ``regkb check`` gives) and collect who flips."""
    present = {}
    for p in programs:
        new_ids = {n.id for n in new_kb.programs[p].conditions}
        present[p] = ({_to_new(n.id, links, new_ids) for n in old_kb.programs[p].conditions}, new_ids)
    doc = old_kb.programs[programs[0]].document.id if programs else None
    partial = tuple(bool(kb.versions.get(doc) and kb.versions[doc].partial) for kb in (old_kb, new_kb))
    gaps = {n.id: n.params["label"] for kb in (old_kb, new_kb) for n in kb.nodes.values() if n.kind == "unknown"}
    transitions = {p: Counter() for p in programs}
    flips, discretion = [], []
    for profile in profiles:
        before = old_kb.check(profile, programs, as_of)
        after = new_kb.check(profile, programs, as_of)
        for r_old, r_new in zip(before.results, after.results):
            transitions[r_old.program][f"{r_old.status}→{r_new.status}"] += 1
            why = lambda: responsible(r_old, r_new, links, *present[r_old.program], partial, gaps)
            if r_old.status != r_new.status:
                flips.append(Flip(before.org, r_old.entity, r_old.program, r_old.status, r_new.status, why()))
            elif r_old.status == "fails" and _hard(r_old) != _hard(r_new):
                discretion.append(Flip(before.org, r_old.entity, r_old.program,
                                       _fails(_hard(r_old), partial[0]), _fails(_hard(r_new), partial[1]), why()))
    return Impact(population, len(profiles), as_of.isoformat() if as_of else None, programs,
                  transitions, flips, discretion)


def _fails(hard: bool, partial: bool) -> str:
    # an exception in a partial text's unknown part could still relax a failure
    return ("fails (hard as far as known)" if partial else "fails (hard)") if hard else "fails (discretion only)"


def _to_new(cid: str, links: dict[str, str], new_ids: set[str]) -> str:
    return cid if cid in new_ids else links.get(cid, cid)


def responsible(r_old, r_new, links: dict[str, str], old_ids: set[str], new_ids: set[str],
                partial: tuple[bool, bool] = (False, False), gaps: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The top-level conditions whose outcome differs between the versions;
    old ids under their new names where a link pairs them. A version without
    the condition says ``absent``, or ``not_known`` if its text is only partly
    known; ``gap`` marks the unknown text of a partial version itself."""
    old = {_to_new(cid, links, new_ids): v for cid, v in _outcomes(r_old).items()}
    new = _outcomes(r_new)
    out = []
    for cid in list(old) + [c for c in new if c not in old]:
        o, n = old.get(cid), new.get(cid)
        so = o[0] if o else ("met" if cid in old_ids else "not_known" if partial[0] else "absent")
        sn = n[0] if n else ("met" if cid in new_ids else "not_known" if partial[1] else "absent")
        if so == sn and (so != "failed" or o[1].discretion == n[1].discretion):
            continue
        finding = (n or o)[1]
        gap = (gaps or {}).get(cid)
        entry = {"condition": cid, "old": so, "new": sn, "citation": finding.citation.to_json(),
                 "label": gap or finding.citation.label(), "gap": gap is not None}
        if o and o[0] == "failed":
            entry["why_old"], entry["discretion_old"] = o[1].why, o[1].discretion
        if n and n[0] == "failed":
            entry["why"], entry["discretion"] = n[1].why, n[1].discretion
        if o and o[0] == "unknown":
            entry["missing_old"] = o[1].missing
        if n and n[0] == "unknown":
            entry["missing"] = n[1].missing
        out.append(entry)
    return out


def read_population(path: str | Path, as_of: date | None = None) -> list:
    """Profiles from a directory of YAML/JSON files or a CSV in dotted columns
    (kb.population), dated ``as_of`` if given."""
    from kb.io.errors import InputError
    if not Path(path).exists():
        raise InputError(path, None, "population not found; expected a directory of profiles or a CSV")
    from kb.population import read_population as read
    return read(path, as_of)
