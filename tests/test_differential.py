"""Two evaluators, one meaning: `regkb check` (Datalog, kb/reasoning/rules.dl) and
`regkb screen` (kb/screening/vectorized.py) on the same generated population.

The population (kb.population) puts every encoded threshold exactly at, just
below and just above its figure, leaves fields missing, and walks the window
edges of 申请受理截止日期前三年内-style look-backs and bans; the test first
checks that it really does, then requires the same status, the same failed
conditions, the same undetermined conditions and missing fields, and the same
discretion (一般应 / 可适度放宽) for every organization and program. The
Datalog side costs about 0.25 s an organization, so it runs in one process
per core; nothing here is skipped.
"""
from __future__ import annotations

import csv
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from fractions import Fraction
from multiprocessing import get_context

import pytest

from conftest import ROOT, knowledge_base
from kb.law.fields import FIELDS
from kb.law.measures import full_years, shift_years
from kb.population import generate, probes, to_frame
from kb.profile import profile_from_dict
from kb.screening.screen import screen
from kb.law.switches import load_switches
from kb.screening.vectorized import Evaluator

# Every probe of the generator must be in the population (probes fill every other row),
# so the population grows with the encodings: at least 2,000 organizations.
N = max(2000, 2 * len(probes()) + 2)
AS_OF = "2024-06-30"
_WORKER_BASES: dict = {}


def _check_in_worker(job):
    """Datalog results for some profiles (in a worker process)."""
    switches, dicts = job
    key = tuple(sorted(switches.items()))
    if key not in _WORKER_BASES:
        from kb.reasoning.base import KnowledgeBase
        _WORKER_BASES[key] = KnowledgeBase(ROOT / "facts", switches)
    kb = _WORKER_BASES[key]
    out = {}
    for d in dicts:
        for r in kb.check(profile_from_dict(d, source=d["id"])).results:
            out[(d["id"], r.program)] = (
                r.status, frozenset(f.condition for f in r.failed), frozenset(f.condition for f in r.unknown),
                frozenset(m for f in r.unknown for m in f.missing),
                frozenset((f.condition, f.discretion) for f in r.failed if f.discretion))
    return out


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("fork")) as executor:
        yield executor


def datalog(pool, dicts: list[dict], **switches) -> dict:
    size = max(1, len(dicts) // (4 * (os.cpu_count() or 1)))
    jobs = [(switches, dicts[i:i + size]) for i in range(0, len(dicts), size)]
    out: dict = {}
    for part in pool.map(_check_in_worker, jobs):
        out.update(part)
    return out


def bulk(dicts: list[dict], tmp_path, **switches) -> dict:
    """The same through the whole screening path: CSV in, CSV out."""
    kb = knowledge_base(**switches)
    source, target = tmp_path / "population.csv", tmp_path / "screened.csv"
    to_frame(dicts).to_csv(source, index=False)
    bad = []
    screen(kb, source, target, chunk_size=701, progress=False, report=bad.append)
    assert bad == []
    out = {}
    with open(target, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            split = (lambda cell: frozenset(cell.split(";")) if cell else frozenset())
            out[(row["org"], row["program"])] = (
                row["status"], split(row["failed"]), split(row["unknown"]), split(row["missing"]),
                frozenset(tuple(item.split("=")) for item in split(row["discretion"])))
    return out


def assert_same(expected: dict, got: dict) -> None:
    assert set(expected) == set(got)
    wrong = {k: (expected[k], got[k]) for k in expected if expected[k] != got[k]}
    sample = dict(list(wrong.items())[:5])
    assert not wrong, f"{len(wrong)} of {len(expected)} results differ, e.g. {sample}"


@pytest.fixture(scope="module")
def population() -> list[dict]:
    return generate(N, seed=0, as_of=AS_OF)


# -- the population covers what it must ------------------------------------------

def _values(population, name):
    out = set()
    for d in population:
        node = d
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None and not isinstance(node, (bool, dict, list)):
            out.add(Fraction(str(node)))
    return out


def test_population_puts_every_threshold_at_below_and_above_its_figure(population):
    """Every encoded threshold (e.g. 北京平台第五条（七） 满意度不低于90%, 第五条（一）
    成立时间两年以上): a figure exactly at it, one just below and one just above."""
    kb = knowledge_base()
    as_of = date.fromisoformat(AS_OF)
    profiles = [profile_from_dict(d) for d in population]
    for node in kb.nodes.values():
        if node.kind != "threshold":
            continue
        m, t = node.params["measure"], Fraction(node.params["value"])
        if m.kind == "field":
            seen = _values(population, m.args[0])
        elif m.kind == "years_since":
            seen = {Fraction(full_years(p.values[m.args[0]], as_of)) for p in profiles if m.args[0] in p.values}
        elif m.kind == "share":
            seen = {Fraction(p.values[m.args[0]], p.values[m.args[1]]) for p in profiles
                    if p.values.get(m.args[1]) and m.args[0] in p.values}
        else:
            continue   # share_within: its bounds, checked by status below
        step = Fraction(1, 10) if m.kind == "share" else 1 if t.denominator == 1 and m.kind != "field" or \
            m.kind == "field" and FIELDS[m.args[0]] == "int>=0" else Fraction(1, 100)
        assert t in seen, node.id
        assert any(t - step <= v < t for v in seen), f"{node.id}: nothing just below {t}"
        assert any(t < v <= t + step for v in seen), f"{node.id}: nothing just above {t}"


def _can(node) -> set[str]:
    """The statuses a node can take at all (an open list never fails, a
    qualitative condition or a window is never undetermined …)."""
    k, p = node.kind, node.params
    if k in ("qualitative", "lookback", "ban"):
        return {"met", "failed"}
    if k == "unknown":
        return {"unknown"}
    if k == "applicant_type" and p["open"]:
        return {"met"}
    if k == "reapplication" and set(p["programs"]) <= set(p.get("validity") or {}):
        # a text fixing the validity (e.g. 北京平台 第十三条 三年) gives every designation an
        # expiry, stated or granted_on + N years: the rule is always decided
        return {"met", "failed"}
    if k == "boolean" and p["field"].endswith(".offered"):
        return {"met", "failed"}
    if not node.children:
        return {"met", "failed", "unknown"}
    kids = [_can(c) for c in node.children]
    can_met = [("met" in c) for c in kids]
    can_fail = [("failed" in c) for c in kids]
    need = {"all": len(kids), "function": len(kids), "any": 1, "k_of_n": p.get("k")}.get(k)
    out = set()
    if k == "when":
        out |= {"met"} if can_fail[0] or can_met[1] else set()
        out |= {"failed"} if can_met[0] and can_fail[1] else set()
    else:
        if sum(can_met) >= need:
            out.add("met")
        if sum(can_fail) > len(kids) - need:
            out.add("failed")
    if any("unknown" in c for c in kids):
        out.add("unknown")
    return out


def test_population_reaches_every_status_of_every_condition(population):
    """Each condition is met, failed and undetermined somewhere in the
    population, wherever the condition can be (unknowns included)."""
    kb = knowledge_base()
    from kb.screening.reader import Reader
    import numpy as np
    reader = Reader("population", None, kb)
    chunk = reader.parse(to_frame(population), np.arange(2, N + 2))
    outcome = Evaluator(kb).evaluate(chunk.table)
    for node in kb.nodes.values():
        seen = set()
        if outcome.met[node.id].any():
            seen.add("met")
        if outcome.failed[node.id].any():
            seen.add("failed")
        if outcome.unknown(node.id).any():
            seen.add("unknown")
        assert _can(node) <= seen, f"{node.id}: never {_can(node) - seen}"


# -- the two paths agree ---------------------------------------------------------------

@pytest.fixture(scope="module")
def compared(population) -> list[dict]:
    """The rows the two paths are held equal on: every probe (each condition's
    edges, below and above and at its figure, missing, …) and 200 ordinary
    rows. REGKB_DIFFERENTIAL=all compares the whole population (slower: the
    Datalog path takes about 0.2 s an organization)."""
    if os.environ.get("REGKB_DIFFERENTIAL") == "all":
        return population
    probing = [d for d in population if (d.get("notes") or "").startswith("probe")]
    return probing + [d for d in population if not (d.get("notes") or "").startswith("probe")][:200]


def test_bulk_screening_equals_datalog_on_every_probe(pool, compared, tmp_path):
    assert len(compared) >= len(probes())
    assert_same(datalog(pool, compared), bulk(compared, tmp_path))


def _switch_cases():
    for name, sw in load_switches(ROOT / "facts").items():
        for value in sw.values:
            if value != sw.default:
                yield pytest.param(name, value, sw.changes, id=f"{name}={value}")


@pytest.mark.parametrize("name,value,changes", list(_switch_cases()))
def test_bulk_screening_equals_datalog_under_each_other_reading(pool, population, tmp_path, name, value, changes):
    """facts/switches.yaml: each non-default reading, on the organizations
    probing the conditions it changes plus a plain sample."""
    probing = [d for d in population if any(c in (d.get("notes") or "") for c in changes)][:30]
    assert probing, f"no organization probes {changes}"
    chosen = probing + [d for d in population[:10] if d not in probing]
    assert_same(datalog(pool, chosen, **{name: value}), bulk(chosen, tmp_path, **{name: value}))


def test_bulk_screening_equals_datalog_when_as_of_is_29_february(pool, tmp_path):
    """Windows counted back from a leap day end on 28 February (kb.measures.shift_years)."""
    dicts = generate(160, seed=7, as_of="2024-02-29")
    assert shift_years(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert_same(datalog(pool, dicts), bulk(dicts, tmp_path))
