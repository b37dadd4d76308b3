"""One semantics for every evaluator (issues 11 and 16).

tests/semantics.yaml holds small cases: a condition tree written as an
encoding writes it (facts/README.md), a profile (shared/spec/profile.md) and
the status each node must have: met, failed or unknown. The expected values
come from the definitions in facts/README.md and the profile contract, never
from running the code. Every case runs through each path that evaluates
conditions:

* ``datalog``    kb/reasoning/rules.dl + kb/reasoning/layers.dl (``regkb check`` / ``explain``);
* ``vectorized`` kb/screening/vectorized.py (``regkb screen``), from the CSV cells;
* ``planner``    the solver model of kb/planning (the entity as it stands:
                 nothing changed, nothing supplied);
* ``relations``  the comparison's formulas in kb/comparison/relations.py: two-valued
                 over one organization, so a node it cannot decide from the
                 profile reads as unknown.

The trees are loaded by kb/law/encoding.py's Loader, so a form the loader
desugars (a function node naming several functions, "*", except, a switch)
reaches every evaluator the same way. A node kind of the encoding schema with
no case here, or a case an evaluator cannot evaluate, fails.
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import z3

from kb.reasoning.base import known_fields
from kb.reasoning.check import Reading
from kb.reasoning.compile import derived_measures, org_facts, static_facts, tree_height, windows
from kb.reasoning.datalog import Engine
from kb.law.encoding import Loader, _Ctx, programs_of
from kb.law.measures import KINDS as MEASURE_KINDS, expiry, full_years, shift_years
from kb.law.model import COMPOSITE_KINDS, LEAF_KINDS, Article, Clause, Document, Program
from kb.profile import profile_from_dict
from kb.law.switches import load_switches, resolve_settings
from kb.io.yamlio import read_yaml

ROOT = Path(__file__).resolve().parent.parent
CASES_FILE = ROOT / "tests" / "semantics.yaml"
CASES = read_yaml(CASES_FILE)["cases"]
FUNCTIONS = list((read_yaml(ROOT / "facts" / "functions.yaml") or {})["functions"])
AXIOMS = (read_yaml(ROOT / "facts" / "measures.yaml") or {}).get("axioms", [])
PROGRAM = "beijing.platform"
DEFAULT_AS_OF = "2024-06-30"
STATUSES = ("met", "failed", "unknown")

# Every form the encoding schema offers (facts/README.md): the node kinds, the
# measures a threshold compares, and the forms of function and switch nodes.
SCHEMA_FORMS = (sorted(LEAF_KINDS | COMPOSITE_KINDS | {"switch"})
                + [f"threshold:{m}" for m in MEASURE_KINDS]
                + ["function:single", "function:list", "function:*", "function:except",
                   "switch:null", "applicant_type:open", "applicant_type:closed",
                   "reapplication:validity_years", "threshold:bounds"])


# -- loading a case --------------------------------------------------------------

class MiniKB:
    """What the evaluators read of a knowledge base, for one hand-made tree."""

    def __init__(self, programs: dict, le_pairs: list[tuple[str, str]]):
        self.programs = programs
        self.le_pairs = le_pairs
        self.functions = FUNCTIONS
        self.axioms = [{"le": list(pair)} for pair in le_pairs]
        self.nodes = {n.id: n for p in programs.values() for n in p.nodes()}
        self.documents = [p.document for p in programs.values()]


def load_case(case: dict):
    """The case's tree through the encoding loader, as a one-program base."""
    settings = resolve_settings(load_switches(ROOT / "facts"), case.get("switches"))
    loader = Loader(CASES_FILE, settings, known_fields(), FUNCTIONS)
    text = case.get("text", "（一）……")
    head = {"id": "semantics", "city": "beijing", "title": "semantics", "seed": "-",
            "programs": [PROGRAM]}
    if case.get("validity_years"):
        head["validity_years"] = case["validity_years"]
        loader.validity(head)
    article = {"number": 1, "text": text, "inferred": False}
    clause = Clause(clause=1, inferred=False, part=None, text=text)
    ctx = _Ctx(loader, head, article, clause, "tree", {1: clause})
    tree = dict(case["tree"])
    tree.setdefault("id", "t")
    root = loader.node(tree, ctx, "tree", None, PROGRAM)
    doc = Document("semantics", "beijing", "semantics", "-", [PROGRAM], str(CASES_FILE), head, [],
                   [], "", attest_keys=set(loader.attest_keys))
    doc.articles = [Article(1, "第一条", "eligibility", "-", text, False, [clause],
                            [root] if root is not None else [])]
    programs = programs_of([doc], require_all=False)
    le_pairs = [tuple(p) for p in case.get("le", [])]
    return MiniKB(programs, le_pairs), root


def profile_of(case: dict, data: dict):
    return profile_from_dict({"id": "case", "as_of": case.get("as_of", DEFAULT_AS_OF), **data})


def all_nodes(kb: MiniKB):
    return [n for p in kb.programs.values() for n in p.nodes()]


# -- the evaluators --------------------------------------------------------------

def by_datalog(kb: MiniKB, profile) -> dict[str, str]:
    engine = Engine(static_facts(kb.programs, kb.le_pairs), tree_height(kb.programs))
    facts = org_facts(profile, 1, FUNCTIONS, windows(kb.programs), derived_measures(kb.programs))
    reading = Reading(profile, engine.evaluate(facts, 1), kb.le_pairs)
    out = {n.id: reading.status(n) for n in all_nodes(kb)}
    # the program is an all-of node in Datalog: its conclusion is the program's status
    out[PROGRAM] = "met" if PROGRAM in reading.c["met"] else "failed" if PROGRAM in reading.c["failed"] else "unknown"
    return out


def by_vectorized(kb: MiniKB, profile) -> dict[str, str]:
    from kb.population import to_frame
    from kb.screening.reader import Reader
    from kb.screening.vectorized import Evaluator
    chunk = Reader("semantics", None, kb).parse(to_frame([profile]), np.array([1]))
    assert not chunk.errors, chunk.errors
    out = Evaluator(kb).evaluate(chunk.table)
    ids = [n.id for n in all_nodes(kb)] + [PROGRAM]
    return {i: "met" if out.met[i][0] else "failed" if out.failed[i][0] else "unknown" for i in ids}


def _decided(solver, term) -> bool:
    solver.push()
    solver.add(z3.Not(term))
    result = solver.check()
    solver.pop()
    assert result != z3.unknown
    return result == z3.unsat


def by_planner(kb: MiniKB, profile) -> dict[str, str]:
    from kb.planning.model import EntityModel
    model = EntityModel(kb, profile, "s")
    terms = {n.id: model.node(n, profile.as_of) for n in all_nodes(kb)}
    terms[PROGRAM] = model.program(kb.programs[PROGRAM], profile.as_of)
    model.finish()
    solver = z3.Solver(ctx=model.ctx)
    solver.add(*model.constraints)
    for v in model.vars.values():   # the entity as it stands: no change, nothing supplied
        for flag in (v.changed, v.supplied):
            if flag is not None:
                solver.add(z3.Not(flag))
    solver.add(*[z3.Not(r) for r in model.remedies.values()])
    solver.add(*[z3.Not(a) for a, *_ in model.time_supply.values()])
    assert solver.check() == z3.sat
    out = {}
    for nid, (met, failed) in terms.items():
        m, f = _decided(solver, met), _decided(solver, failed)
        assert not (m and f), nid
        out[nid] = "met" if m else "failed" if f else "unknown"
    return out


class _NoCatalogue:
    axioms: list = []

    @staticmethod
    def le_pairs(functions):
        return []


def _age(latest: date, as_of: date) -> Fraction:
    """kb/comparison/relations.py's age of a record in years, such that ``age > Y`` holds
    exactly when the record lies before the window 三年内 (Y years) opens."""
    n = full_years(latest, as_of)
    return Fraction(n) if shift_years(as_of, n) == latest else n + Fraction(1, 2)


def relations_world(logic, profile, kb: MiniKB) -> list:
    """The profile as constraints on the formulas' variables; a variable the
    profile does not fix stays free (so its node reads as unknown)."""
    v, out = profile.values, []
    validity = {}
    for n in all_nodes(kb):
        validity.update(n.params.get("validity") or {})
    growth = {n.params["field"]: n.params["pairs"] for n in all_nodes(kb) if n.kind == "growth"}
    for name, var in logic.vars.items():
        if name in logic.codes:   # an enumerated field (registered_city …)
            if name in v:
                codes = logic.codes[name]
                out.append(var == codes.get(v[name], codes.get("(other)", -1)))
        elif name.startswith("years_since("):
            f = name[len("years_since("):-1]
            if f in v:
                out.append(var == full_years(v[f], profile.as_of))
        elif name.startswith("kinds∋"):
            if "kinds" in v:
                out.append(var == (name[len("kinds∋"):] in v["kinds"]))
        elif name.startswith("attest:"):
            out.append(var == profile.attest.get(name[len("attest:"):], True))
        elif name.startswith(("credit:", "credit-age:", "revocation:", "revocation-age:")):
            what, a, b = name.split(":")
            if what.startswith("credit"):
                days = [e.date for e in profile.credit_events if e.kind == a and e.subject == b]
            else:
                days = [r.date for r in profile.revocations if r.program == a and r.reason == b]
            if what.endswith("-age"):
                if days:
                    out.append(var == z3.Q(*(lambda f: (f.numerator, f.denominator))(_age(max(days), profile.as_of))))
            else:
                out.append(var == bool(days))
        elif name.startswith("running:"):
            prog = name[len("running:"):]
            ends = [expiry(d, validity) for d in profile.designations
                    if d.program == prog and d.granted_on <= profile.as_of]
            if any(e and e >= profile.as_of and e.year > profile.as_of.year for e in ends):
                out.append(var)
            elif not any(e is None for e in ends):
                out.append(z3.Not(var))
        elif name.startswith("growth:"):
            f = name[len("growth:"):]
            series, year, count = v.get(f, {}), profile.as_of.year - 1, 0
            while count < growth[f] + 1:
                if year in series and year - 1 in series:
                    if series[year] > series[year - 1]:
                        count, year = count + 1, year - 1
                        continue
                    out.append(var == count)
                else:
                    out.append(var >= count)
                break
            else:
                out.append(var >= count)
        elif "#count" in name:
            continue   # qualified persons among a subset: bounded by the formulas' own axioms
        elif name.endswith(".offered") and name not in v:
            out.append(z3.Not(var))   # the list of service functions is complete (profile contract)
        elif name in v:
            value = v[name]
            out.append(var == (value if isinstance(value, bool) else
                               z3.Q(Fraction(value).numerator, Fraction(value).denominator)))
    return out


def by_relations(kb: MiniKB, profile) -> dict[str, str]:
    from kb.comparison.relations import Logic
    logic = Logic(kb, _NoCatalogue(), own_program=False)
    nodes = all_nodes(kb)
    formulas = {n.id: logic.formula(n) for n in nodes}
    formulas[PROGRAM] = z3.And([formulas[c.id] for c in kb.programs[PROGRAM].conditions] or [z3.BoolVal(True)])
    logic.solver.add(*relations_world(logic, profile, kb))
    out = {}
    for nid, f in formulas.items():
        m, failed = _decided(logic.solver, f), _decided(logic.solver, z3.Not(f))
        assert not (m and failed), f"{nid}: the profile is contradictory for relations"
        out[nid] = "met" if m else "failed" if failed else "unknown"
    return out


EVALUATORS = {"datalog": by_datalog, "vectorized": by_vectorized, "planner": by_planner,
              "relations": by_relations}

# Where an evaluator does not apply, and why (a case lists these under ``not_for``
# only with one of these reasons).
NOT_APPLICABLE = {
    "relations": "two-valued over one unknown organization: a node whose inputs the profile lacks "
                 "but which the rules still decide three-valued (met from a bound, failed by one "
                 "alternative) is not a question the comparison asks",
}


# -- the cases ---------------------------------------------------------------------

def _params():
    for i, case in enumerate(CASES):
        for j, check in enumerate(case["checks"]):
            for name in EVALUATORS:
                if name in case.get("not_for", []) or name in check.get("not_for", []):
                    continue
                yield pytest.param(case, check, name, id=f"{name}:{case['name']}#{j}")


@pytest.mark.parametrize("case,check,evaluator", list(_params()))
def test_semantics(case, check, evaluator):
    kb, root = load_case(case)
    profile = profile_of(case, check.get("profile") or {})
    got = EVALUATORS[evaluator](kb, profile)
    expected = {("t" if k == "root" else k): v for k, v in check["expect"].items()}
    assert set(expected.values()) <= set(STATUSES)
    if root is None:   # a switch case under which the text imposes nothing: the program is met
        assert expected == {PROGRAM: "met"}
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not wrong, f"{case['name']} ({case.get('cites')}): expected vs {evaluator}: {wrong}"


def _forms(case: dict) -> set[str]:
    out = set()

    def walk(raw):
        if not isinstance(raw, dict) or "kind" not in raw:
            return
        k = raw["kind"]
        out.add(k)
        if k == "threshold":
            for m in MEASURE_KINDS:
                if m in raw:
                    out.add(f"threshold:{m}")
            if case.get("le"):
                out.add("threshold:bounds")
        if k == "function":
            fn = raw.get("function")
            out.add("function:*" if fn == "*" else "function:list" if isinstance(fn, list) else "function:single")
            if raw.get("except"):
                out.add("function:except")
        if k == "applicant_type":
            out.add("applicant_type:open" if raw.get("open") else "applicant_type:closed")
        if k == "reapplication" and case.get("validity_years"):
            out.add("reapplication:validity_years")
        if k == "switch":
            settings = resolve_settings(load_switches(ROOT / "facts"), case.get("switches"))
            if raw["cases"].get(settings[raw["switch"]]) is None:
                out.add("switch:null")
            for sub in raw["cases"].values():
                walk(sub)
        for key in ("all", "any", "of", "requires"):
            for sub in raw.get(key) or []:
                walk(sub)
        for key in ("if", "then"):
            walk(raw.get(key))

    walk(case["tree"])
    return out


def test_every_form_of_the_schema_has_cases_on_every_evaluator():
    """A kind (or form) added to the schema without a case here fails; so does
    a case kept from an evaluator without a stated reason."""
    seen: dict[str, set[str]] = {}
    for case in CASES:
        skipped = set(case.get("not_for", []))
        assert skipped <= set(NOT_APPLICABLE), case["name"]
        for form in _forms(case):
            seen.setdefault(form, set()).update(set(EVALUATORS) - skipped)
    for form in SCHEMA_FORMS:
        assert form in seen, f"no semantics case uses {form}"
        lacking = set(EVALUATORS) - seen[form]
        assert not lacking or lacking <= set(NOT_APPLICABLE), f"{form}: no case runs on {lacking}"
    kinds = {f.split(":")[0] for f in SCHEMA_FORMS}
    assert kinds >= LEAF_KINDS | COMPOSITE_KINDS, "SCHEMA_FORMS lags kb.model's kinds"


def test_every_case_names_its_source_and_each_status_occurs():
    for case in CASES:
        assert case.get("cites"), case["name"]
    statuses = {s for case in CASES for c in case["checks"] for s in c["expect"].values()}
    assert statuses == set(STATUSES)


# -- undetermined always says what to supply (issue 16 class 9) ---------------------

def test_every_unknown_case_names_fields_to_supply():
    for case in CASES:
        kb, root = load_case(case)
        if root is None:
            continue
        engine = Engine(static_facts(kb.programs, kb.le_pairs), tree_height(kb.programs))
        for check in case["checks"]:
            profile = profile_of(case, check.get("profile") or {})
            facts = org_facts(profile, 1, FUNCTIONS, windows(kb.programs), derived_measures(kb.programs))
            reading = Reading(profile, engine.evaluate(facts, 1), kb.le_pairs)
            for node in all_nodes(kb):
                if reading.status(node) == "unknown":
                    assert reading.missing(node), f"{case['name']}: {node.id} undetermined, nothing named"


def test_missing_is_never_empty_on_samples_and_a_generated_population():
    """Every undetermined condition of every sample (facts/organizations) and
    of a generated population names the profile fields that would decide it,
    in `check` (Datalog) and in `screen` (vectorized) alike."""
    from conftest import knowledge_base
    from kb.population import generate, to_frame
    from kb.screening.reader import Reader
    from kb.screening.results import program_columns
    from kb.screening.vectorized import Evaluator
    kb = knowledge_base()
    samples = [p for p in sorted((ROOT / "facts" / "organizations").glob("*.yaml")) if p.name != "expected.yaml"]
    assert samples
    population = generate(40, seed=3, as_of=DEFAULT_AS_OF)
    profiles = [kb.load(p) for p in samples] + [profile_from_dict(d) for d in population]
    undetermined = 0
    for profile in profiles:
        for r in kb.check(profile).results:
            for f in r.unknown:
                undetermined += 1
                assert f.missing, f"{profile.id} {r.program}: {f.condition} undetermined, nothing named"
            if r.status == "undetermined":
                assert r.unknown, f"{profile.id} {r.program}"
    assert undetermined, "the population leaves nothing undetermined: the test would prove nothing"
    chunk = Reader("population", None, kb).parse(to_frame(population), np.arange(len(population)))
    assert not chunk.errors
    out = Evaluator(kb).evaluate(chunk.table)
    for program in kb.programs:
        cols = program_columns(out, program)
        status, missing = cols["status"].values(), cols["missing"].values()
        for s, m in zip(status, missing):
            assert s != "undetermined" or m, f"{program}: undetermined row with no missing field"


# -- the schema's new forms reject what they cannot mean ------------------------------

@pytest.mark.parametrize("tree,where,says", [
    ({"kind": "function", "function": ["legal", "nonsense"]}, "tree.function", "unknown service function"),
    ({"kind": "function", "function": []}, "tree.function", "non-empty list"),
    ({"kind": "function", "function": ["legal", "legal"]}, "tree.function", "named twice"),
    ({"kind": "function", "function": "legal", "except": ["tax"]}, "tree.except", 'only a function "*"'),
    ({"kind": "function", "function": "*", "except": ["nonsense"]}, "tree.except", "unknown value"),
    ({"kind": "qualitative", "not_encoded": [{"what": "专家库"}]}, "tree.not_encoded[0]", "exactly what and why"),
    ({"kind": "qualitative", "not_encoded": [{"what": "专家库", "why": " "}]}, "tree.not_encoded[0].why", "non-empty"),
    ({"kind": "qualitative", "not_encoded": []}, "tree.not_encoded", "non-empty list"),
])
def test_bad_schema_forms_are_named(tree, where, says):
    from kb.io.errors import InputError
    with pytest.raises(InputError) as err:
        load_case({"tree": tree})
    assert where in str(err.value) and says in str(err.value)


def test_function_star_covers_every_canonical_function_but_the_excepted():
    _, root = load_case({"tree": {"kind": "function", "function": "*", "except": ["legal"]}})
    assert root.kind == "any" and root.id == "t"
    assert [c.params["function"] for c in root.children] == [f for f in FUNCTIONS if f != "legal"]
    assert all(c.id == f"t/{c.params['function']}" for c in root.children)


def test_not_encoded_is_kept_on_the_node():
    _, root = load_case({"tree": {"kind": "qualitative", "attest": "team",
                                  "not_encoded": [{"what": "专家库", "why": "no profile field"}]}})
    assert root.not_encoded == [{"what": "专家库", "why": "no profile field"}]


@pytest.mark.parametrize("validity,says", [
    ({"beijing.station": 3}, "a program of this document"),
    ({"beijing.platform": 0}, "whole number of years"),
    ({"beijing.platform": "three"}, "whole number of years"),
])
def test_bad_validity_years_are_named(validity, says):
    from kb.io.errors import InputError
    with pytest.raises(InputError) as err:
        load_case({"tree": {"kind": "reapplication", "programs": [PROGRAM]}, "validity_years": validity})
    assert "document.validity_years" in str(err.value) and says in str(err.value)


def test_attest_keys_include_every_switch_reading():
    """A key only another reading uses is still a key the texts define (the
    profile loader rejects only keys no reading knows)."""
    from kb.law.encoding import attest_keys
    case = {"tree": {"kind": "switch", "switch": "growth_reading", "id": "t",
                     "cases": {"data_points": {"kind": "qualitative", "attest": "chosen"},
                               "increases": {"kind": "qualitative", "attest": "other_reading"}}}}
    kb, _ = load_case(case)
    assert attest_keys(kb.documents) == {"chosen", "other_reading"}


def test_text_a_partial_version_lacks_is_undetermined_on_every_evaluator():
    """kb/law/versions/ stands a node of kind ``unknown`` where a partial version
    of a text does not say what it requires: no evaluator may decide it, nor
    the all-of above it unless another part fails."""
    from kb.law.model import Citation, Node
    kb, root = load_case({"tree": {"kind": "all", "all": [
        {"kind": "threshold", "field": "staff.service", "op": ">=", "value": 10}]}})
    gap = Node(id="t/gap", kind="unknown", program=PROGRAM, params={"what": "第六条（二）", "label": "gap"},
               citation=Citation(PROGRAM, 1, None, None, False, "……"))
    root.children.append(gap)
    kb.nodes[gap.id] = gap
    for name, evaluate in EVALUATORS.items():
        met = evaluate(kb, profile_of({}, {"staff": {"service": 10}}))
        failed = evaluate(kb, profile_of({}, {"staff": {"service": 9}}))
        assert (met["t/gap"], met["t"]) == ("unknown", "unknown"), name
        assert (failed["t/gap"], failed["t"]) == ("unknown", "failed"), name
