"""Whether a change of a revision can change anyone's outcome (issue 12).

A loosened condition helps nobody while an unchanged condition of the same
program still refuses every organization it would let through: shortening
北京平台 第八条's window from three years to two gains no one while 第五条（六）
无不良信用记录 still bars the same records. For each loosening (or removal)
the question is whether some organization meets the new condition, fails the
old one and meets every other condition of its program in the new text::

    SAT( new(T) ∧ ¬old(T) ∧ ⋀ new(R) )      T: the changed top-level condition, R: the rest

and for each tightening (or addition) whether some organization meets the old
condition, fails the new one and meets the rest of the old program. Where
the answer is no, the conditions that still bind are an unsat core of the
rest, shrunk to a minimal one, so the report names them.

The formulas are the comparison's (kb/comparison/relations.py Logic), over one unknown
organization; each call builds its terms in its own z3.Context (z3's global
context is shared by every thread). Strength (一般应) is not part of the
question: a general condition still counts as failed, as in ``check``.
Exceptions (sponsorship) are not modelled here; an organization an exception
would admit is not counted as a gain.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import z3

from kb.law.model import Document, Node

DIRECTIONS = {"loosened": "gain", "tightened": "lose"}
# the changes of what is required; a change of strength (一般应) leaves the formula as it was
# and moves a failure between hard and discretionary, which the impact report shows
REACH = ("tightened", "loosened", "removed", "added")


def _top_of(doc: Document) -> dict[str, Node]:
    """node id → its top-level condition, for every node of the document."""
    out = {}
    for art in doc.articles:
        for top in art.conditions:
            for n in top.walk():
                out.setdefault(n.id, top)
    return out


def _tops(doc: Document, program: str) -> list[Node]:
    return [n for a in doc.articles for n in a.conditions if n.program == program]


class Reasoner:
    def __init__(self, kb, old: Document, new: Document):
        self.ctx = z3.Context()
        from kb.comparison.relations import Logic
        shim = SimpleNamespace(nodes={**kb.nodes, **{n.id: n for d in (old, new) for a in d.articles
                                                     for t in a.conditions for n in t.walk()}},
                               functions=kb.functions, axioms=kb.axioms)
        cat = _catalogue(kb)
        # two Logic objects (their formula caches are keyed by node id, and both texts use
        # the same ids) over the same variables: one context, names shared
        self.logic = {side: Logic(shim, cat, ctx=self.ctx) for side in ("old", "new")}
        self.docs = {"old": old, "new": new}
        self.top = {side: _top_of(doc) for side, doc in self.docs.items()}

    def formula(self, side: str, node: Node | None):
        if node is None:
            return z3.BoolVal(True, self.ctx)
        return self.logic[side].formula(node)

    def question(self, change) -> dict[str, Any] | None:
        """{"question", "possible", "binding": [...]} for a tightened or loosened
        condition change; None where the question does not apply."""
        if change.level != "condition" or change.effect not in DIRECTIONS or change.category not in REACH:
            return None
        o_id = change.old["id"] if change.old else None
        n_id = change.new["id"] if change.new else None
        t_old = self.top["old"].get(o_id) if o_id else None
        t_new = self.top["new"].get(n_id) if n_id else None
        if t_old is None and o_id is None and t_new is not None:
            t_old = next((t for t in _tops(self.docs["old"], t_new.program) if t.id == t_new.id), None)
        if t_new is None and n_id is None and t_old is not None:
            t_new = next((t for t in _tops(self.docs["new"], t_old.program) if t.id == t_old.id), None)
        program = (t_new or t_old).program
        gain = change.effect == "loosened"
        side = "new" if gain else "old"
        f_old, f_new = self.formula("old", t_old), self.formula("new", t_new)
        target = z3.And(f_new, z3.Not(f_old)) if gain else z3.And(f_old, z3.Not(f_new))
        own = t_new if gain else t_old
        rest = [n for n in _tops(self.docs[side], program) if own is None or n.id != own.id]
        rest = [n for n in rest if n.kind != "unknown"]
        core = self._core(target, [(n, self.formula(side, n)) for n in rest])
        verb = DIRECTIONS[change.effect]
        out = {"question": f"can any organization {verb} from it in {program}, all other conditions of "
                           f"the {side} text considered?", "possible": core is None, "binding": []}
        if core is not None:
            out["binding"] = [{"id": n.id, "label": n.citation.label(), "quote": n.quote,
                               "changed": _changed(n, self.docs, side)} for n in core]
        return out

    def _core(self, target, rest: list[tuple[Node, Any]]) -> list[Node] | None:
        """None if target ∧ rest is satisfiable; else a minimal set of ``rest`` that refutes it."""
        s = z3.Solver(ctx=self.ctx)
        for logic in self.logic.values():
            s.add(*logic.solver.assertions())    # the variables' domains and the measures' axioms
        s.add(target)
        marks = [z3.Bool(f"rest#{i}", self.ctx) for i in range(len(rest))]
        for m, (_, f) in zip(marks, rest):
            s.add(z3.Implies(m, f))
        result = s.check(*marks)
        if result == z3.unknown:
            raise RuntimeError(f"solver gave no answer: {s.reason_unknown()}")
        if result == z3.sat:
            return None
        core = [m for m in marks if any(m.eq(c) for c in s.unsat_core())]
        for m in list(core):   # shrink: keep only what is needed
            trial = [c for c in core if not c.eq(m)]
            if s.check(*trial) == z3.unsat:
                core = trial
        index = {str(m): i for i, m in enumerate(marks)}
        return [rest[index[str(m)]][0] for m in core]


def _changed(node: Node, docs: dict[str, Document], side: str) -> bool:
    other = docs["new" if side == "old" else "old"]
    twin = next((n for a in other.articles for n in a.conditions if n.id == node.id), None)
    return twin is None or twin.params != node.params or [c.id for c in twin.walk()] != [c.id for c in node.walk()]


def _catalogue(kb):
    """The catalogue's axioms (家 ≤ 家次 …); an empty one if the catalogue does not load."""
    from kb.comparison.catalogue import load_catalogue
    from kb.io.errors import InputError
    try:
        return load_catalogue(kb)
    except InputError:
        return SimpleNamespace(le_pairs=lambda functions: [])


def reason(kb, old: Document, new: Document, changes: list) -> None:
    """Set ``change.reach`` on every tightened or loosened condition change."""
    reasoner = None
    for c in changes:
        if c.level == "condition" and c.effect in DIRECTIONS and c.category in REACH:
            reasoner = reasoner or Reasoner(kb, old, new)
            c.reach = reasoner.question(c)


def reach_words(reach: dict[str, Any], effect: str) -> str:
    """One line for the report."""
    if reach["possible"]:
        return ("some organization can gain from it" if effect == "loosened"
                else "some organization can lose by it")
    if not reach["binding"]:
        return "the old and the new condition admit exactly the same organizations"
    names = "; ".join(f"{b['label']}「{b['quote']}」 (`{b['id']}`)" + (" — itself changed" if b["changed"] else "")
                      for b in reach["binding"])
    if effect == "loosened":
        return f"no organization can gain from it: {names} still bars the same organizations"
    return f"no organization can lose by it: {names} already refuses every organization it would"
