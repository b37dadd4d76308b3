"""The comparison of two texts, node by node: what changed and in which direction.

Conditions are matched by id (ids name what is required, not where), or by a
declared link (``continued_by`` / ``continues``) where a requirement moved to a
new measure and so to a new id. Each matched pair is compared node by node:
the figures of a threshold, window or count, the values of a list, strength,
children added or removed, exceptions. Articles are paired through the
conditions they hold, else by wording, so a renumbering reads as one move.

A partial version (kb/law/versions/) knows only part of its text: a condition
that is not in it is *unknown* there, never added or removed.
"""
from __future__ import annotations

from kb.law.model import Document, Node
from kb.law.versions import Text
from kb.law.wording import bound, describe
from kb.revisions.changes import CATEGORIES, STRENGTH_RANK, Change, article_citation, article_side, side
from kb.revisions.matching import LABEL_RE, edit_words, pair_articles, partial_articles, text_edits, top_nodes


def _bound(node: Node) -> str:
    """A threshold's requirement as the rule line words it (≥ 0.9, 8000 m2)."""
    p = node.params
    return bound(p["op"], p["value"], p.get("unit"), encoded=True)


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
            words.append(f"threshold {verb}: {_bound(old)} → {_bound(new)}")
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
                words.append(f"{_bound(old)} unchanged")
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
            a, b = LABEL_RE.sub("", art.text), LABEL_RE.sub("", new_arts[target].text)
            if a != b:
                edits = text_edits(a, b)
                labels = [article_citation(od, art.number).label(), article_citation(nd, target).label()]
                self.changes.append(Change(
                    "text_changed", " → ".join(labels) if target != art.number else labels[1],
                    "; ".join(edit_words(e) for e in edits), level="article",
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

