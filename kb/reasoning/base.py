"""The knowledge base: encoded documents, the Datalog engine, and queries.

This is the Python API the CLI and the notebooks use::

    from kb import KnowledgeBase
    kb = KnowledgeBase()                       # default interpretation switches
    report = kb.check("facts/organizations/….yaml")
    report.table()                             # pandas DataFrame, one row per program
    kb.explain(profile, "beijing.platform")    # derivation tree with citations
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from kb.reasoning.check import ExplainNode, ProgramResult, Reading, program_result
from kb.law.fields import expand_axioms
from kb.reasoning.compile import (derived_measures, org_facts, static_facts, tree_height,
                        windows)
from kb.reasoning.datalog import Engine
from kb.law.encoding import DEFAULT_FACTS, load_documents, programs_of
from kb.io.errors import InputError
from kb.law.model import PROGRAMS, Citation, Node
from kb.reasoning.report import CheckReport
from kb.law.switches import load_switches, resolve_settings
from kb.io.yamlio import read_yaml


def known_fields() -> set[str]:
    from kb.profile import FIELDS
    return set(FIELDS)


class KnowledgeBase:
    def __init__(self, facts_dir: str | Path | None = None, switches: dict[str, str] | None = None,
                 versions: dict[str, str | date | Path] | None = None, as_of: date | None = None):
        self.facts_dir = Path(facts_dir or DEFAULT_FACTS)
        self.switch_defs = load_switches(self.facts_dir)
        self.settings = resolve_settings(self.switch_defs, switches)
        self.functions = list((read_yaml(self.facts_dir / "functions.yaml") or {}).get("functions", {}))
        self.axioms = (read_yaml(self.facts_dir / "measures.yaml") or {}).get("axioms", [])
        self.le_pairs = expand_axioms(self.axioms, self.functions)
        self.documents = load_documents(self.facts_dir, self.settings, known_fields(), set(self.functions))
        self._current_documents = self.documents   # their attest keys stay valid under another version
        # another version of some texts (kb/law/versions/): by id, or the one in force on as_of
        self.version_request = (versions, as_of)
        self.versions: dict = {}
        if versions or as_of is not None:
            from kb.law.versions import choose
            self.documents, self.versions = choose(self, versions, as_of)
        self.programs = programs_of(self.documents)
        self.nodes: dict[str, Node] = {n.id: n for p in self.programs.values() for n in p.nodes()}
        self._windows = windows(self.programs)
        self._derived = derived_measures(self.programs)
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(static_facts(self.programs, self.le_pairs), tree_height(self.programs))
        return self._engine

    def with_switches(self, **switches: str) -> "KnowledgeBase":
        return KnowledgeBase(self.facts_dir, {**self.settings, **switches}, *self.version_request)

    # -- queries -------------------------------------------------------------
    def program_ids(self, programs: list[str] | None, source: str = "--program") -> list[str]:
        if not programs:
            return list(PROGRAMS)
        for pid in programs:
            if pid not in PROGRAMS:
                raise InputError(source, pid, f"unknown program id; expected one of {', '.join(PROGRAMS)}")
        return list(programs)

    def read(self, profile) -> Reading:
        engine = self.engine
        facts = org_facts(profile, engine.next_token(), self.functions, self._windows, self._derived)
        return Reading(profile, engine.evaluate(facts, facts[0][1]), self.le_pairs)

    def load(self, profile, as_of: date | None = None):
        from kb.profile import check_attest_keys, load_profile, profile_from_dict
        if isinstance(profile, (str, Path)):
            return check_attest_keys(load_profile(profile, as_of=as_of), self.attest_keys)
        if isinstance(profile, dict):
            return check_attest_keys(profile_from_dict(profile, as_of=as_of), self.attest_keys)
        return profile

    @property
    def attest_keys(self) -> set[str]:
        """Every key a profile's ``attest`` may name (any switch reading of the texts applied)."""
        from kb.law.encoding import attest_keys
        return attest_keys(self.documents) | attest_keys(self._current_documents)

    def check(self, profile, programs: list[str] | None = None, as_of: date | None = None) -> CheckReport:
        """Every program's status for a profile (or each entity of a group)."""
        profile = self.load(profile, as_of)
        ids = self.program_ids(programs)
        entities = getattr(profile, "entities", None)
        results: list[ProgramResult] = []
        readings = {}
        for entity in entities or [profile]:
            reading = readings[entity.id if entities else None] = self.read(entity)
            for pid in ids:
                results.append(program_result(reading, self.programs[pid],
                                              entity.id if entities else None))
        return CheckReport(org=profile.id, as_of=profile.as_of, results=results, kb=self, readings=readings)

    def program_citation(self, prog) -> Citation:
        """The article that opens the program's conditions (同时具备以下条件 …),
        cited by its lead sentence."""
        first = prog.conditions[0].citation
        article = next(a for a in prog.document.articles if a.number == first.article)
        return Citation(program=prog.id, article=article.number, clause=None, part=None,
                        inferred=article.inferred, text=article.text.splitlines()[0],
                        document=prog.document.id)

    def explain(self, profile, program: str, as_of: date | None = None) -> ExplainNode | list[ExplainNode]:
        """The derivation tree of one program: each node's status, figures and citation."""
        profile = self.load(profile, as_of)
        self.program_ids([program], "PROGRAM")
        prog = self.programs[program]
        entities = getattr(profile, "entities", None)
        trees = []
        for entity in entities or [profile]:
            trees.append(self.explain_reading(self.read(entity), program))
        return trees if entities else trees[0]

    def explain_reading(self, reading: Reading, program: str) -> ExplainNode:
        """The derivation tree of one program from conclusions already read
        (a check's reading), so a page showing every program's tree asks the
        engine once, not once more per program."""
        prog = self.programs[program]
        root = Node(id=prog.id, kind="all", program=prog.id, citation=self.program_citation(prog),
                    children=prog.conditions, gloss=prog.name)
        return reading.explain(root)
