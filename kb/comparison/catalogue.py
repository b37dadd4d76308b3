"""The catalogue of canonical measures (facts/catalogue.yaml): what each
program requires, mapped onto the profile's field names, and the axioms that
relate measures the cities count differently.

Each entry names an encoded condition and restates its figures (comparator,
threshold, unit, window) for the reader of facts/; the loader checks them
against the encoding, so the two cannot drift apart. The figures the
comparisons use are read from the condition trees themselves, so a switch
that changes a figure changes the comparison too (the restated figures are
checked only where the tree is in its default reading).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.law.encoding import exact
from kb.io.errors import InputError
from kb.comparison.figures import FIGURE_KEYS, _norm, describe, figures, is_function_list
from kb.law.model import PROGRAMS, Citation, Node
from kb.law.wording import OP_SYMBOL
from kb.io.yamlio import read_yaml

OWN = "own"            # stands for "the program's own title" in bans and reapplication


# -- the catalogue ------------------------------------------------------------
@dataclass
class Entry:
    topic: str
    node: Node
    route: bool = False            # compare a `when` as its route: guard and figures
    key: str | None = None         # one measure for the whole tree (service functions)
    note: str | None = None
    validity: int | None = None    # designation valid for (years), where the entry states it
    source: str = ""
    # a branch of a condition (北京基地 第六条（五）'s 高精尖 rule) carries no quote or hedge of
    # its own: the words are its leaves', the hedge (原则上) its condition's
    quote: str | None = None
    strength: str | None = None

    @property
    def program(self) -> str:
        return self.node.program

    @property
    def citation(self) -> Citation:
        return self.node.citation

    @property
    def figures(self) -> list[dict[str, Any]]:
        return figures(self.node)

    def measures(self) -> list[str]:
        if self.key:
            return [self.key]
        out: list[str] = []
        for f in self.figures:
            if f["measure"] not in out:
                out.append(f["measure"])
        return out


@dataclass
class Topic:
    id: str
    name: str
    gloss: str
    entries: list[Entry] = field(default_factory=list)
    generated: bool = False


@dataclass(frozen=True)
class Axiom:
    kind: str                      # le | incomparable | single_valued | own_program
    terms: tuple[str, ...]
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "terms": list(self.terms), "why": self.why}

    def worded(self, left: str = "", right: str = "") -> str:
        """The why for one pair: a single_valued axiom names the values each side
        requires ({left}, {right}), so a Beijing–Chengdu conflict names no third city."""
        return self.why.replace("{left}", left).replace("{right}", right)

    @property
    def rule(self) -> str:
        """The why without the pair: what every pair it decides has in common."""
        return self.why.split(": ")[0] if "{left}" in self.why else self.why


@dataclass
class Catalogue:
    path: str
    topics: list[Topic]
    axioms: list[Axiom]
    measure_names: dict[str, str]
    units: dict[str, str]

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)

    def le_pairs(self, functions: list[str]) -> list[tuple[str, str, str]]:
        """(smaller, larger, why) with ``services.*`` spelled out per function."""
        out = []
        for ax in self.axioms:
            if ax.kind != "le":
                continue
            a, b = ax.terms
            if "*" in a or "*" in b:
                out += [(a.replace("*", fn), b.replace("*", fn), ax.why) for fn in functions]
            else:
                out.append((a, b, ax.why))
        return out

    def linking(self, left: list[str], right: list[str]) -> list[Axiom]:
        """The axioms that relate a measure of one side to a measure of the other."""
        out = []
        for ax in self.axioms:
            if ax.kind not in ("le", "incomparable"):
                continue
            a, b = ax.terms
            for x in left:
                for y in right:
                    if x != y and (_matches(a, x) and _matches(b, y) or _matches(a, y) and _matches(b, x)):
                        if ax not in out:
                            out.append(ax)
        return out

    def measure_name(self, measure: str) -> str:
        if measure in self.measure_names:
            return self.measure_names[measure]
        parts = measure.split(".")
        if parts[0] == "services" and len(parts) == 3:
            fn = self.measure_names.get(f"services.{parts[1]}", parts[1])
            return f"{fn}：{self.measure_names.get(f'services.*.{parts[2]}', parts[2])}"
        return measure


def _matches(pattern: str, measure: str) -> bool:
    if "*" not in pattern:
        return pattern == measure
    head, _, tail = pattern.partition("*")
    return measure.startswith(head) and measure.endswith(tail) and "." not in measure[len(head):-len(tail) or None]


def path_to(node: Node, kb) -> list[Node]:
    """The nodes from the top-level condition down to ``node`` (inclusive)."""
    def find(n: Node, trail: list[Node]):
        if n is node:
            return trail + [n]
        for c in n.children:
            if (hit := find(c, trail + [n])) is not None:
                return hit
        return None
    for top in kb.programs[node.program].conditions:
        if (hit := find(top, [])) is not None:
            return hit
    return [node]


_HEDGE = {"mandatory": 0, "general": 1, "relaxable": 2}


def shown_words(node: Node, kb) -> tuple[str | None, str]:
    """(quote, strength) a reader should see for a condition or a branch of one: its own
    quote, else its leaves' quotes in text order; the weakest strength on its way down
    from the condition (a branch of a 原则上 condition is 原则上 too)."""
    quote = node.quote
    if not quote:
        # a negated guard quotes what the branch is not (the general rule quoting 高精尖)
        quotes = [n.quote for n in node.walk() if not n.children and n.quote
                  and not (n.kind == "boolean" and n.params.get("expect") is False)]
        quote = "；".join(dict.fromkeys(quotes)) or None
    strength = max((n.strength for n in path_to(node, kb)), key=_HEDGE.__getitem__)
    return quote, strength


def _default_reading(node: Node, kb) -> bool:
    """Whether no switch in the condition's whole top-level tree is off its default."""
    top = next((t for t in kb.programs[node.program].conditions
                if any(n is node for n in t.walk())), node)
    for n in top.walk():
        if n.switch and n.switch[0] in kb.switch_defs and kb.switch_defs[n.switch[0]].default != n.switch[1]:
            return False
    return True


class _Loader:
    def __init__(self, kb, path: Path):
        self.kb, self.path, self.source = kb, path, str(path)
        self.switched = any(kb.switch_defs[k].default != v for k, v in kb.settings.items())

    def fail(self, where: str, expected: str):
        raise InputError(self.source, where, expected)

    def figure(self, raw: Any, where: str) -> dict[str, Any]:
        if not isinstance(raw, dict) or "measure" not in raw or "op" not in raw:
            self.fail(where, "expected a figure with measure and op")
        unknown = set(raw) - set(FIGURE_KEYS) - {"note"}
        if unknown:
            self.fail(where, f"unknown keys {sorted(unknown)}; a figure has {', '.join(FIGURE_KEYS)}")
        fig = {k: raw[k] for k in FIGURE_KEYS if k in raw}
        if fig["op"] in OP_SYMBOL or fig["op"] == "at_least":
            fig["value"] = exact(fig.get("value"), self.source, f"{where}.value")
        return fig

    def entry(self, topic: str, raw: Any, where: str) -> Entry | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("condition"), str):
            self.fail(f"{where}.condition", "expected the id of an encoded condition")
        cid = raw["condition"]
        node = self.kb.nodes.get(cid)
        if node is None and self.switched:
            return None     # a reading that drops the condition (a switch case of null)
        if node is None:
            self.fail(f"{where}.condition", f"no encoded condition {cid!r}")
        cite = raw.get("cite")
        if cite != node.citation.label():
            self.fail(f"{where}.cite", f"expected {node.citation.label()} (where {cid} is encoded), got {cite!r}")
        if "figures" in raw:
            if not isinstance(raw["figures"], list) or not raw["figures"]:
                self.fail(f"{where}.figures", "expected a list of figures")
            stated = [self.figure(f, f"{where}.figures[{i}]") for i, f in enumerate(raw["figures"])]
        else:
            stated = [self.figure({k: v for k, v in raw.items() if k in FIGURE_KEYS}, where)]
        if _default_reading(node, self.kb):
            actual = figures(node)
            if sorted(map(_norm, stated)) != sorted(map(_norm, actual)):
                self.fail(where, f"figures do not match the encoding of {cid} (encoded: "
                                 + "; ".join(describe(f) for f in actual) + ")")
        validity = raw.get("validity")
        if validity is not None:
            from kb.law.texts import chinese_numeral
            if not isinstance(validity, int) or f"有效期为{chinese_numeral(validity)}年" not in node.citation.text \
                    and f"有效期为{validity}年" not in node.citation.text:
                self.fail(f"{where}.validity", "expected the validity in years the cited text states (有效期为…年)")
        quote, strength = shown_words(node, self.kb)
        return Entry(topic=topic, node=node, route=bool(raw.get("route")), note=raw.get("note"),
                     key="services" if is_function_list(node) else None, validity=validity,
                     source=f"{self.source}: {where}", quote=quote, strength=strength)

    def axiom(self, raw: Any, where: str) -> Axiom:
        if not isinstance(raw, dict) or not isinstance(raw.get("why"), str):
            self.fail(where, "expected an axiom with a why")
        kinds = [k for k in ("le", "incomparable", "single_valued", "own_program") if k in raw]
        if len(kinds) != 1:
            self.fail(where, "expected exactly one of le, incomparable, single_valued, own_program")
        kind = kinds[0]
        terms = raw[kind]
        terms = tuple(terms) if isinstance(terms, list) else (terms,)
        placeholders = set(re.findall(r"\{(\w*)\}", raw["why"]))
        if placeholders and (kind != "single_valued" or placeholders != {"left", "right"}):
            self.fail(f"{where}.why", "expected {left} and {right} only in a single_valued axiom's why")
        if kind in ("le", "incomparable") and len(terms) != 2:
            self.fail(f"{where}.{kind}", "expected two measures")
        if not all(isinstance(t, str) and t for t in terms):
            self.fail(f"{where}.{kind}", "expected measure names")
        return Axiom(kind, terms, raw["why"].strip())

    def load(self) -> Catalogue:
        data = read_yaml(self.path)
        if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
            self.fail("topics", "expected the list of topics")
        axioms = [self.axiom(a, f"axioms[{i}]") for i, a in enumerate(data.get("axioms") or [])]
        self.check_axioms(axioms)
        # facts/measures.yaml's relations between fields are the catalogue's first axioms,
        # not restated in catalogue.yaml
        axioms = [Axiom("le", tuple(a["le"]), str(a.get("why") or "").strip())
                  for a in getattr(self.kb, "axioms", [])] + axioms
        names = {str(k): str(v) for k, v in (data.get("measures") or {}).items()}
        units = {str(k): str(v) for k, v in (data.get("units") or {}).items()}
        topics, seen = [], set()
        for i, raw in enumerate(data["topics"]):
            where = f"topics[{i}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                self.fail(f"{where}.id", "expected a topic id")
            if raw["id"] in seen:
                self.fail(f"{where}.id", f"duplicate topic {raw['id']!r}")
            seen.add(raw["id"])
            topic = Topic(raw["id"], str(raw.get("name") or raw["id"]), str(raw.get("gloss") or ""))
            for j, e in enumerate(raw.get("entries") or []):
                entry = self.entry(topic.id, e, f"{where}.entries[{j}]")
                if entry is not None:
                    topic.entries.append(entry)
            topics.append(topic)
        if data.get("function_topics"):
            topics += self.function_topics(names)
        if data.get("attest_topics"):
            catalogued = {e.node.id for t in topics for e in t.entries}
            topics += self.attest_topics(catalogued)
        return Catalogue(self.source, topics, axioms, names, units)

    def function_topics(self, names: dict[str, str]) -> list[Topic]:
        """One topic per canonical service function, from every function node:
        the encodings already map each program's label onto the canonical name."""
        by_fn: dict[str, list[Node]] = {}
        for prog in self.kb.programs.values():
            for node in prog.nodes():
                if node.kind == "function":
                    by_fn.setdefault(node.params["function"], []).append(node)
        out = []
        for fn in self.kb.functions:
            nodes = by_fn.get(fn, [])
            if not nodes:
                continue
            topic = Topic(f"function.{fn}", f"服务功能：{names.get(f'services.{fn}', fn)}",
                          f"The {fn} function as each program defines it (offered, and its yearly figures).",
                          generated=True)
            rank = {p: i for i, p in enumerate(PROGRAMS)}
            topic.entries = [Entry(topic.id, n, key=f"services.{fn}", source="generated from the encodings",
                                   **dict(zip(("quote", "strength"), shown_words(n, self.kb))))
                             for n in sorted(nodes, key=lambda n: rank[n.program])]
            out.append(topic)
        return out

    def attest_topics(self, catalogued: set[str]) -> list[Topic]:
        """One topic per attested requirement two or more programs word alike (合理的收费标准 /
        收费标准 …: the encodings give the same words one attest key): each program's conditions
        holding it, compared whole. Conditions already in a topic stay there."""
        by_key: dict[str, list[Node]] = {}
        for pid in PROGRAMS:
            for cond in self.kb.programs[pid].conditions:
                if cond.id in catalogued:
                    continue
                for key in dict.fromkeys(n.params["attest"] for n in cond.walk() if n.kind == "qualitative"):
                    by_key.setdefault(key, []).append(cond)
        out = []
        for key, nodes in by_key.items():
            if len({n.program for n in nodes}) < 2:
                continue
            words = next(n.quote for c in nodes for n in c.walk()
                         if n.kind == "qualitative" and n.params["attest"] == key and n.quote)
            topic = Topic(f"attest.{key}", f"定性要求：{words}",
                          f"The attested requirement {key} as each program words it (evidence, not a figure).",
                          generated=True)
            topic.entries = [Entry(topic.id, n, key=f"attest:{key}", source="generated from the encodings",
                                   **dict(zip(("quote", "strength"), shown_words(n, self.kb)))) for n in nodes]
            out.append(topic)
        return out

    def check_axioms(self, axioms: list[Axiom]) -> None:
        from kb.profile import FIELDS
        for i, ax in enumerate(axioms):
            if ax.kind in ("own_program",):
                continue
            for t in ax.terms:
                base = t
                if t.startswith(("years_since(", "share(", "share_within(")):
                    base = t[t.index("(") + 1:-1].split(",")[0].strip()
                if base not in FIELDS and base.replace("*", "information") not in FIELDS:
                    self.fail(f"axioms[{i}]", f"unknown measure {t!r}; expected profile field names")


def load_catalogue(kb, path: str | Path | None = None) -> Catalogue:
    path = Path(path) if path else Path(kb.facts_dir) / "catalogue.yaml"
    return _Loader(kb, path).load()
