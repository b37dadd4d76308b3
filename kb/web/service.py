"""What the web app asks of the knowledge base, and nothing else.

The HTTP API promises exactly the CLI's JSON, so each answer here is built by
the same calls the matching ``kb/commands/<name>.py`` makes; a test compares
the two on every sample. Differences from the CLI are deliberate and about
safety: a request names versions only by id or date (never a file path), and
it never chooses the facts directory.

pyDatalog keeps its state per thread, so each worker thread keeps its own
knowledge bases (one per set of switches and versions); z3 work in the
planner uses a context of its own per call.
"""
from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

from kb.io.errors import InputError

MAX_BODY = 1_000_000          # bytes: a profile is a few KB; a group of dozens well under this
PLAN_TIMEOUT = 60.0           # the most a request may let a plan search (the CLI allows 3600 s)


class Options:
    """The CLI's options, read from a query string (repeatable where the CLI's are)."""

    def __init__(self, query: list[tuple[str, str]]):
        self.items = query
        known = {"program", "as_of", "switch", "version", "target", "horizon", "timeout", "call_month",
                 "processing_months", "a", "b", "programs", "topic", "level"}
        for name, _ in query:
            if name not in known:
                raise InputError("query", name, f"unknown parameter; expected one of {', '.join(sorted(known))}")

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name]

    def one(self, name: str, default: str | None = None) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            raise InputError("query", name, "expected at most one value")
        return values[0] if values else default

    @property
    def as_of(self) -> date | None:
        from kb.io.options import parse_date
        return parse_date(self.one("as_of"), "as_of")

    @property
    def switches(self) -> dict[str, str]:
        from kb.io.options import parse_switches
        return parse_switches(self.all("switch"))

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        out = []
        for ref in self.all("version"):
            if "/" in ref or ref.endswith((".yaml", ".yml", ".json")):
                raise InputError("version", ref, "expected DOC@VERSION or @YYYY-MM-DD naming a shipped version, not a file")
            out.append(ref)
        seen: set[str] = set()
        for ref in out:
            doc = ref.partition("@")[0]
            if doc and doc in seen:
                raise InputError("version", ref, f"expected one version per document; {doc} is named twice")
            seen.add(doc)
        return tuple(out)


_local = threading.local()


def knowledge_base(options: Options):
    """This thread's knowledge base for the request's switches and versions."""
    from kb.reasoning.base import DEFAULT_FACTS, KnowledgeBase
    from kb.law.versions import version_options

    key = (tuple(sorted(options.switches.items())), options.versions)
    cache = getattr(_local, "kbs", None)
    if cache is None:
        cache = _local.kbs = {}
    if key not in cache:
        if len(cache) >= 8:                      # switches × versions is small; keep memory bounded
            cache.pop(next(iter(cache)))
        versions, as_of = version_options(list(options.versions), Path(DEFAULT_FACTS))
        cache[key] = KnowledgeBase(None, dict(key[0]), versions, as_of)
    return cache[key]


def parse_body(body: bytes, source: str = "request body") -> Any:
    """A JSON profile from a request, read with the same limits as a file."""
    if len(body) > MAX_BODY:
        raise InputError(source, None, f"expected at most {MAX_BODY} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(source, None, "expected UTF-8 JSON") from None
    return parse_text(text, source, json_only=True)


def parse_text(text: str, source: str, json_only: bool = False) -> Any:
    """A profile document (JSON, or YAML for uploads) from text, through the
    reader every command uses (kb/io/yamlio.py: the limits of kb/io/inputs.py)."""
    from kb.io.yamlio import parse_text as parse
    return parse(text, source, json_only=json_only)


# -- the answers, as the commands build them --------------------------------------

def load(data: Any, options: Options, source: str = "request body"):
    """The profile (or group) as ``regkb check FILE`` loads it, errors naming ``source``."""
    from kb.profile import profile_from_dict
    return profile_from_dict(data, source=source, as_of=options.as_of)


def checked(options: Options, profile: Any):
    """The check report itself (typed; its readings let a page explain without asking again)."""
    kb = knowledge_base(options)
    return kb.check(load(profile, options), kb.program_ids(options.all("program") or None), options.as_of)


def check(options: Options, profile: Any) -> dict:
    return checked(options, profile).to_json()


def explain(options: Options, profile: Any) -> Any:
    kb = knowledge_base(options)
    program = options.one("program")
    if program is None:
        raise InputError("query", "program", "expected the program to explain (program=ID)")
    kb.program_ids([program], "program")
    trees = kb.explain(load(profile, options), program, options.as_of)
    trees = trees if isinstance(trees, list) else [trees]
    data = [t.to_json() for t in trees]
    return data if len(data) > 1 else data[0]


def plan_options(options: Options) -> dict:
    """The planner's options, checked as the CLI checks them; the server caps the time limit."""
    from kb.planning.options import DEFAULTS, plan_options as checked
    opts = checked(**{name: options.one(name, default) for name, default in DEFAULTS.items()})
    if opts["timeout"] > PLAN_TIMEOUT:
        raise InputError("--timeout", None, f"expected at most {PLAN_TIMEOUT:g} seconds on this server")
    return opts


def targets(options: Options, kb) -> list[str] | None:
    chosen = options.all("target") or None
    if chosen:
        kb.program_ids(chosen, "--target")
    return chosen


def planned(options: Options, profile: Any):
    """The plan (kb.planning's typed Plan) for the pages, which draw from it."""
    from kb.planning import plan as make_plan
    opts = plan_options(options)
    kb = knowledge_base(options)
    return make_plan(kb, load(profile, options), targets(options, kb), as_of=options.as_of, **opts)


def plan(options: Options, profile: Any) -> dict:
    """The plan as the API returns it: its JSON, made here at the edge."""
    return planned(options, profile).to_json()


def report(options: Options, profile: Any, source: str = "form") -> str:
    """The printable report `regkb report` writes, as one self-contained page."""
    from kb.views.report_page import render
    opts = plan_options(options)
    kb = knowledge_base(options)
    return render(kb, load(profile, options, source), targets(options, kb), as_of=options.as_of, **opts)


def programs(options: Options) -> list[dict]:
    from kb.law.versions import Versions
    kb = knowledge_base(options)
    out = []
    for pid, prog in kb.programs.items():
        doc = prog.document
        status = Versions(kb.facts_dir, doc.id).current.status
        out.append({"id": pid, "name": prog.name, "city": doc.city, "document": doc.id, "status": status})
    return out


def graph(options: Options) -> dict:
    from kb.graph import build_graph, node_link
    return node_link(build_graph(knowledge_base(options)))


def on_z3_thread(fn):
    """``fn``, then a garbage collection on the same thread, so no object of
    z3's global context is freed later from another thread."""
    import functools
    import gc

    @functools.wraps(fn)
    def run(*args):
        try:
            return fn(*args)
        finally:
            gc.collect()
    return run


_compared: dict[tuple, dict] = {}      # filled on the z3 thread only; the texts never change while serving


def compare(options: Options) -> dict:
    key = (tuple(sorted(options.switches.items())), options.versions, tuple(options.all("programs")),
           tuple(options.all("topic")), options.one("level", "condition"))
    if key not in _compared:
        if len(_compared) >= 32:
            _compared.pop(next(iter(_compared)))
        _compared[key] = _compare(options)
    return _compared[key]


def _compare(options: Options) -> dict:
    from kb.comparison.catalogue import load_catalogue
    from kb.comparison.relations import Logic, condition_relations, program_relations
    kb = knowledge_base(options)
    programs = kb.program_ids(options.all("programs") or None, "programs")
    cat = load_catalogue(kb)
    topics = [t.id for t in cat.topics]
    for t in options.all("topic"):
        if t not in topics:
            raise InputError("topic", t, f"unknown topic; expected one of {', '.join(topics)}")
    level = options.one("level", "condition")
    if level not in ("condition", "program"):
        raise InputError("query", "level", "expected condition or program")
    derive = program_relations if level == "program" else condition_relations
    rels = derive(Logic(kb, cat), programs, options.all("topic") or None)
    return {"relations": [r.to_json(kb) for r in rels]}


def _diff(options: Options):
    from kb.reasoning.base import DEFAULT_FACTS
    from kb.revisions.diff import diff as make_diff
    from kb.law.versions import parse_ref
    a, b = options.one("a"), options.one("b")
    if not a or not b:
        raise InputError("query", "a" if not a else "b", "expected two versions, a=DOC@VERSION&b=DOC@VERSION")
    for ref in (a, b):
        if "/" in ref or ref.endswith((".yaml", ".yml")):
            raise InputError("query", ref, "expected DOC@VERSION naming a shipped version, not a file")
    facts = Path(DEFAULT_FACTS)
    old = parse_ref(a, facts)
    new = parse_ref(b, facts, default_doc=old[0])
    return make_diff(knowledge_base(options), old, new)


def diff(options: Options) -> dict:
    return _diff(options).to_json()


def redline(options: Options) -> str:
    """The redline `regkb diff A B --html` writes: both texts side by side, changes marked."""
    from kb.revisions.redline import render
    return render(_diff(options))


def error_line(exc: InputError) -> str:
    """The one line ``regkb`` prints on stderr for this error."""
    errors = getattr(exc, "errors", None)
    first = errors[0] if errors else exc
    return f"regkb: {getattr(first, 'message', str(first))}"
