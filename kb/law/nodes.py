"""Reading one condition tree of an encoding into model Nodes.

Every field of a condition is checked here, so the evaluators can trust the
Node; an error names the facts file, the path inside it and what was
expected. Switch nodes take the case the settings choose; a function node
naming several functions (or "*") is desugared into any-of single functions.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from kb.io.errors import InputError
from kb.law.measures import Measure
from kb.law.model import COMPOSITE_KINDS, LEAF_KINDS, PROGRAMS, STRENGTHS, Citation, Clause, Node

OPS = (">=", ">", "<=", "<")
CREDIT_KINDS = {"criminal_penalty", "serious_admin_penalty", "serious_dishonesty",
                "abnormal_operation_list", "violation", "false_materials"}
SUBJECTS = {"entity", "legal_representative"}
REASONS = {"false_materials", "violation", "dishonesty", "failed_evaluation",
           "missed_reporting", "other"}


def exact(value: Any, source: str, path: str) -> Fraction | int:
    """An exact number from YAML: ints stay ints, "0.9" and "90%" become
    fractions, and a float is read through its decimal text (never binary)."""
    if isinstance(value, bool):
        raise InputError(source, path, "expected a number, got a boolean")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        if text.endswith("%"):
            return Fraction(text[:-1]) / 100
        number = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InputError(source, path, f"expected a number, got {value!r}") from None
    return int(number) if number.denominator == 1 else number


class _Ctx:
    """Where a node sits: for citations, defaults and error messages."""

    def __init__(self, loader: "NodeReader", doc: dict, article: dict, clause: Clause | None,
                 path: str, clauses: dict[int, Clause]):
        self.loader, self.doc, self.article, self.clause = loader, doc, article, clause
        self.path, self.clauses = path, clauses

    def citation(self, program: str, clause_no: int | None = None) -> Citation:
        clause = self.clauses.get(clause_no) if clause_no is not None else self.clause
        if clause_no is not None and clause is None:
            raise InputError(self.loader.source, f"{self.path}.clause",
                             f"no clause {clause_no} in article {self.article['number']}")
        inferred = bool(self.article.get("inferred")) or bool(clause and clause.inferred)
        return Citation(program=program, article=self.article["number"],
                        clause=clause.clause if clause else None,
                        part=clause.part if clause else None, inferred=inferred,
                        text=clause.text if clause else self.article["text"].strip(),
                        document=self.doc["id"])


class NodeReader:
    """Reads condition mappings of one encoding file (kb.law.encoding.Loader adds documents)."""

    def __init__(self, path: Path, settings: dict[str, str], known_fields: set[str] | None,
                 functions: set[str] | list[str]):
        self.path = path
        self.source = str(path)
        self.settings = settings
        self.known_fields = known_fields
        self.attest_keys: set[str] = set()
        # "*" expands in a stable order: facts/functions.yaml's, or sorted from a set
        self.functions = sorted(functions) if isinstance(functions, (set, frozenset)) else list(functions)

    # -- helpers -------------------------------------------------------------
    def need(self, raw: dict, key: str, path: str, kind: type | tuple = object) -> Any:
        if not isinstance(raw, dict) or key not in raw:
            raise InputError(self.source, f"{path}.{key}", "required field is missing")
        value = raw[key]
        if not isinstance(value, kind):
            raise InputError(self.source, f"{path}.{key}", f"expected {getattr(kind, '__name__', kind)}")
        return value

    def field_name(self, name: Any, path: str, function: str | None) -> str:
        if not isinstance(name, str) or not name:
            raise InputError(self.source, path, "expected a profile field name")
        # inside a function, bare names are that function's figures
        # (firms_offline → services.financing.firms_offline); profile-level
        # names such as kinds stay as they are
        if function and "." not in name and (self.known_fields is None or name not in self.known_fields):
            name = f"services.{function}.{name}"
        if self.known_fields is not None:
            generic = name
            parts = name.split(".")
            if parts[0] == "services" and len(parts) == 3:
                generic = f"services.*.{parts[2]}"
            if name not in self.known_fields and generic not in self.known_fields:
                raise InputError(self.source, path, f"unknown profile field {name!r}")
        return name

    def str_list(self, raw: dict, key: str, path: str, allowed: set[str] | None = None) -> list[str]:
        values = raw.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(self.source, f"{path}.{key}", "expected a list of strings")
        for v in values:
            if allowed is not None and v not in allowed:
                raise InputError(self.source, f"{path}.{key}", f"unknown value {v!r}; expected one of {sorted(allowed)}")
        return values

    # -- nodes ---------------------------------------------------------------
    def node(self, raw: Any, ctx: _Ctx, path: str, default_id: str | None,
             program: str | None, function: str | None = None) -> Node | None:
        """A condition node; None only where a switch case says the chosen
        reading imposes nothing."""
        if not isinstance(raw, dict):
            raise InputError(self.source, path, "expected a condition mapping")
        kind = self.need(raw, "kind", path, str)
        node_id = raw.get("id") or default_id
        if not node_id:
            raise InputError(self.source, f"{path}.id", "a top-level condition needs a stable id")
        program = raw.get("program") or program
        if program not in PROGRAMS:
            raise InputError(self.source, f"{path}.program", f"expected a program id of this document, got {program!r}")
        if kind == "switch":
            return self.switch(raw, ctx, path, node_id, program, function)
        strength = raw.get("strength", "mandatory")
        if strength not in STRENGTHS:
            raise InputError(self.source, f"{path}.strength", f"expected one of {sorted(STRENGTHS)}")
        clause_no = raw.get("clause")
        node = Node(id=node_id, kind=kind, program=program,
                    citation=ctx.citation(program, clause_no) if clause_no is not None else ctx.citation(program),
                    quote=raw.get("quote"), gloss=raw.get("gloss"), strength=strength,
                    qualitative=bool(raw.get("qualitative")) or kind == "qualitative",
                    implied=bool(raw.get("implied")), interpretation=raw.get("interpretation"),
                    source=f"{self.source}: {path}")
        node.not_encoded = self.not_encoded(raw, path)
        if node.quote and node.quote not in node.citation.text and node.quote not in ctx.article["text"]:
            raise InputError(self.source, f"{path}.quote", "expected words of the cited clause; quote not found in its text")
        sub_ctx = ctx if clause_no is None else _Ctx(self, ctx.doc, ctx.article, ctx.clauses[clause_no], ctx.path, ctx.clauses)
        p = node.params
        if kind == "threshold":
            p["measure"] = self.measure(raw, path, function)
            p["op"] = raw.get("op")
            if p["op"] not in OPS:
                raise InputError(self.source, f"{path}.op", f"expected one of {OPS}")
            p["value"] = exact(self.need(raw, "value", path), self.source, f"{path}.value")
            p["unit"] = raw.get("unit")
        elif kind == "boolean":
            p["field"] = self.field_name(self.need(raw, "field", path), f"{path}.field", function)
            p["expect"] = raw.get("expect", True)
            if not isinstance(p["expect"], bool):
                raise InputError(self.source, f"{path}.expect", "expected true or false")
        elif kind in ("locality", "applicant_type"):
            default_field = "registered_city" if kind == "locality" else "kinds"
            p["field"] = self.field_name(raw.get("field", default_field), f"{path}.field", function)
            p["values"] = self.str_list(raw, "values", path)
            p["open"] = bool(raw.get("open", False))
        elif kind == "qualitative":
            p["attest"] = str(raw.get("attest") or node_id)
            self.attest_keys.add(p["attest"])
        elif kind == "lookback":
            p["kinds"] = self.str_list(raw, "kinds", path, CREDIT_KINDS)
            p["subjects"] = self.str_list(raw, "subjects", path, SUBJECTS)
            p["years"] = self.years(raw, path, allow_none=True)
        elif kind == "ban":
            p["programs"] = self.str_list(raw, "programs", path, set(PROGRAMS))
            p["reasons"] = self.str_list(raw, "reasons", path, REASONS)
            p["years"] = self.years(raw, path, allow_none=False)
        elif kind == "reapplication":
            p["programs"] = self.str_list(raw, "programs", path, set(PROGRAMS))
        elif kind == "growth":
            p["field"] = self.field_name(self.need(raw, "field", path), f"{path}.field", function)
            p["years"] = self.years(raw, path, allow_none=False)
            reading = self.settings.get("growth_reading", "increases")
            # "近N年…增长": N year-on-year increases, or N years of data (N-1 increases)
            p["pairs"] = p["years"] if reading == "increases" else p["years"] - 1
            node.switch = ("growth_reading", reading)
        elif kind in ("all", "any"):
            node.children = self.children(raw, kind, sub_ctx, path, node_id, program, function)
        elif kind == "k_of_n":
            p["k"] = self.need(raw, "k", path, int)
            node.children = self.children(raw, "of", sub_ctx, path, node_id, program, function)
            if not 1 <= p["k"] <= len(node.children):
                raise InputError(self.source, f"{path}.k", "expected 1 ≤ k ≤ number of alternatives")
        elif kind == "function":
            names = self.function_names(raw, path)
            if len(names) > 1 or raw.get("function") == "*":
                # one clause covering several functions (专业咨询 includes 法律咨询),
                # or an open list (…等至少一项): met by any function it covers.
                # Desugared here into any-of single functions so every
                # evaluator reads it without knowing this form exists.
                node.kind = "any"
                p["functions"], p["label"] = names, raw.get("label")
                p["open"] = raw.get("function") == "*"
                node.children = [self.one_function(raw, sub_ctx, path, f"{node_id}/{fn}", program, fn)
                                 for fn in names]
                return node
            fn = names[0]
            p["function"], p["label"] = fn, raw.get("label")
            offered = Node(id=f"{node_id}/offered", kind="boolean", program=program,
                           citation=node.citation, params={"field": f"services.{fn}.offered", "expect": True},
                           gloss=f"offers {fn} ({p['label'] or fn})", source=node.source)
            node.children = [offered] + self.children(raw, "requires", sub_ctx, path, node_id, program, fn,
                                                      required=False)
        elif kind == "when":
            guard = self.node(raw.get("if"), sub_ctx, f"{path}.if", f"{node_id}/if", program, function)
            then = self.node(raw.get("then"), sub_ctx, f"{path}.then", f"{node_id}/then", program, function)
            if guard is None or then is None:
                raise InputError(self.source, path, "a when node needs both if and then")
            node.children = [guard, then]
        else:
            raise InputError(self.source, f"{path}.kind",
                             f"unknown kind {kind!r}; expected one of {sorted(LEAF_KINDS | COMPOSITE_KINDS | {'switch'})}")
        return node


    def not_encoded(self, raw: dict, path: str) -> list[dict[str, str]]:
        """Requirements of the text a node or clause does not read, each with
        the words (``what``) and the reason (``why``): coverage and the review
        sheets report them instead of calling the clause fully encoded."""
        items = raw.get("not_encoded")
        if items is None:
            return []
        if not isinstance(items, list) or not items:
            raise InputError(self.source, f"{path}.not_encoded", "expected a non-empty list of {what, why}")
        out = []
        for i, item in enumerate(items):
            where = f"{path}.not_encoded[{i}]"
            if not isinstance(item, dict) or set(item) != {"what", "why"}:
                raise InputError(self.source, where, "expected a mapping with exactly what and why")
            for key in ("what", "why"):
                if not isinstance(item[key], str) or not item[key].strip():
                    raise InputError(self.source, f"{where}.{key}", "expected non-empty text")
            out.append({"what": item["what"].strip(), "why": item["why"].strip()})
        return out

    def function_names(self, raw: dict, path: str) -> list[str]:
        """The canonical functions a function node covers: one name, a list,
        or "*" (every function in facts/functions.yaml) less ``except``."""
        spec = self.need(raw, "function", path)
        if spec == "*":
            excluded = self.str_list(raw, "except", path, set(self.functions))
            names = [f for f in self.functions if f not in excluded]
        else:
            if "except" in raw:
                raise InputError(self.source, f"{path}.except", 'only a function "*" may name exceptions')
            names = [spec] if isinstance(spec, str) else spec
            if not isinstance(names, list) or not names or not all(isinstance(f, str) for f in names):
                raise InputError(self.source, f"{path}.function",
                                 'expected a canonical function name, a non-empty list of them, or "*"')
            for fn in names:
                if fn not in self.functions:
                    raise InputError(self.source, f"{path}.function", f"unknown service function {fn!r}")
            if len(set(names)) != len(names):
                raise InputError(self.source, f"{path}.function", "a function is named twice")
        if not names:
            raise InputError(self.source, f"{path}.except", "every function is excluded")
        return names

    def one_function(self, raw: dict, ctx: _Ctx, path: str, node_id: str, program: str, fn: str) -> Node:
        """One branch of a several-function node: the same clause, read for ``fn``."""
        single = {k: v for k, v in raw.items() if k not in ("id", "function", "except", "not_encoded")}
        single["function"] = fn
        return self.node(single, ctx, path, node_id, program)

    def switch(self, raw, ctx, path, node_id, program, function) -> Node:
        name = self.need(raw, "switch", path, str)
        cases = self.need(raw, "cases", path, dict)
        if name not in self.settings:
            raise InputError(self.source, f"{path}.switch", f"unknown switch {name!r} (see facts/switches.yaml)")
        value = self.settings[name]
        if value not in cases:
            raise InputError(self.source, f"{path}.cases", f"no case for {name}={value}")
        for other, case in cases.items():
            # the other readings are validated too, and their attest keys stay
            # valid profile keys whichever reading the base is built with
            if other != value and case is not None:
                self.node(case, ctx, f"{path}.cases.{other}", node_id, program, function)
        if cases[value] is None:    # under this reading the text imposes nothing here
            return None
        chosen = self.node(cases[value], ctx, f"{path}.cases.{value}", node_id, program, function)
        chosen.switch = (name, value)
        if not chosen.not_encoded:
            chosen.not_encoded = self.not_encoded(raw, path)
        for key in ("quote", "gloss", "interpretation"):
            if getattr(chosen, key) is None and raw.get(key):
                setattr(chosen, key, raw[key])
        if raw.get("implied"):
            chosen.implied = True
        if raw.get("clause") is not None and "clause" not in cases[value]:
            chosen.citation = ctx.citation(program, raw["clause"])
        return chosen

    def children(self, raw, key, ctx, path, parent_id, program, function, required=True) -> list[Node]:
        items = raw.get(key)
        if items is None and not required:
            return []
        if not isinstance(items, list) or (required and not items):
            raise InputError(self.source, f"{path}.{key}", "expected a non-empty list of conditions")
        out = []
        for i, item in enumerate(items, 1):
            default = None
            if isinstance(item, dict) and item.get("kind") == "function" and not item.get("id"):
                fn = item.get("function")
                default = f"{parent_id}/" + ("other" if fn == "*" else
                                             "+".join(fn) if isinstance(fn, list) else str(fn))
            node = self.node(item, ctx, f"{path}.{key}[{i - 1}]", default or f"{parent_id}/{i}",
                             program, function)
            if node is not None:
                out.append(node)
        if required and not out:
            raise InputError(self.source, f"{path}.{key}", "every alternative was switched off")
        return out

    def measure(self, raw: dict, path: str, function: str | None) -> Measure:
        given = [k for k in ("field", "years_since", "share", "share_within") if k in raw]
        if len(given) != 1:
            raise InputError(self.source, path, "expected exactly one of field, years_since, share, share_within")
        kind = given[0]
        spec = raw[kind]
        if kind in ("field", "years_since"):
            return Measure(kind, (self.field_name(spec, f"{path}.{kind}", function),))
        keys = ("of", "in") if kind == "share" else ("of", "among", "within")
        if not isinstance(spec, dict) or set(spec) != set(keys):
            raise InputError(self.source, f"{path}.{kind}", f"expected keys {', '.join(keys)}")
        return Measure(kind, tuple(self.field_name(spec[k], f"{path}.{kind}.{k}", function) for k in keys))

    def years(self, raw, path, allow_none: bool):
        years = raw.get("years")
        if years is None and allow_none:
            return None
        if not isinstance(years, int) or isinstance(years, bool) or years < 1:
            raise InputError(self.source, f"{path}.years", "expected a whole number of years" +
                             (" or null (no window)" if allow_none else ""))
        return years
