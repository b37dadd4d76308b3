"""The impact of a revision on a whole population, at screening speed (issue 12).

Both versions are evaluated with the vectorized evaluator ``regkb screen``
uses (kb/screening/vectorized.py, held equal to the Datalog rules by
tests/test_differential.py): 100,000 organizations take seconds where the
per-profile Datalog check takes about 0.15 s each. Because a difference
between the two paths would silently misreport who flips, a random sample of
organizations (``verify``) is re-checked through ``KnowledgeBase.check`` under
both versions, and any disagreement stops the run with the organization, the
program and the two answers.

The report: per program the old → new status counts, each organization that
flips with the top-level conditions whose outcome changed (old ids under their
new names where a link pairs them), and counts of flips by condition and by
city.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from kb.revisions.flips import Flip, Impact, failure_kind, known_parts
from kb.io.errors import InputError


class EvaluatorsDisagree(SystemExit):
    """The vectorized and the Datalog answers differ: the report would be wrong."""


@dataclass
class PopulationImpact(Impact):
    by_condition: dict[str, Counter] = field(default_factory=dict)   # program → condition → flips
    by_city: dict[str, Counter] = field(default_factory=dict)        # program → "city: old→new" → flips
    verified: int = 0
    seconds: float = 0.0
    bad_rows: int = 0

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        out["engine"] = "vectorized (kb/screening/vectorized.py), sample verified through Datalog"
        out["verified"] = self.verified
        out["bad_rows"] = self.bad_rows
        out["seconds"] = round(self.seconds, 3)
        for p in self.programs:
            out["programs"][p]["by_condition"] = {c: n for c, n in self.by_condition[p].most_common() if n}
            out["programs"][p]["by_city"] = dict(sorted(self.by_city[p].items()))
        return out


def _states(outcome, tops) -> dict[str, np.ndarray]:
    """condition id → 0 met, 1 failed, 2 unknown, per organization."""
    return {c.id: np.where(outcome.failed[c.id], 1, np.where(outcome.met[c.id], 0, 2)).astype(np.int8)
            for c in tops}


STATE = ("met", "failed", "unknown")


def _discretion(outcome, tops) -> dict[str, np.ndarray]:
    """condition id → failed but left to the authority's discretion (a general 一般应 condition,
    or one a relaxation covers for the organization's sponsor), as the screen's discretion column
    (kb/screening/results.py discretion)."""
    from kb.screening.results import discretion
    out = {top.id: np.zeros(outcome.t.n, bool) for top in tops}
    for cid, _, mask in discretion(outcome, tops):
        out[cid] = out[cid] | mask
    return out


def _hard(outcome, tops, disc: dict[str, np.ndarray]) -> np.ndarray:
    """Some condition failed outright (not left to discretion)."""
    hard = np.zeros(outcome.t.n, bool)
    for top in tops:
        hard |= outcome.failed[top.id] & ~disc[top.id]
    return hard


def population_impact(old_kb, new_kb, source: str | Path, programs: list[str], links: dict[str, str],
                      as_of: date | None = None, verify: int = 30, seed: int = 0, progress: bool | None = None,
                      chunk_size: int = 20_000, report=None) -> PopulationImpact:
    import sys

    from kb.screening.screen import Reader, csv_chunks, directory_chunks, estimated_rows, profile_files
    from kb.screening.vectorized import Evaluator
    source = Path(source)
    if not source.exists():
        raise InputError(source, None, "population not found; expected a directory of profiles or a CSV")
    if verify < 0:
        raise InputError("--verify", str(verify), "expected a number of organizations, 0 or more")
    report = report or (lambda message: print(f"regkb: {message}", file=sys.stderr))
    started = time.monotonic()
    ev_old, ev_new = Evaluator(old_kb), Evaluator(new_kb)
    reader = Reader(str(source), as_of, new_kb)
    show = sys.stderr.isatty() if progress is None else progress
    from kb.io.progress import Progress
    if source.is_dir():
        total, unit = len(profile_files(source)), "files"
    else:
        total, unit = estimated_rows(source), "rows"
    bar = Progress(total, unit, "diff --population", show)
    chunks = directory_chunks(source, chunk_size, as_of, bar) if source.is_dir() else \
        csv_chunks(source, chunk_size, bar)

    new_tops = {p: new_kb.programs[p].conditions for p in programs}
    old_tops = {p: old_kb.programs[p].conditions for p in programs}
    new_ids = {p: {c.id for c in new_tops[p]} for p in programs}
    to_new = lambda cid, p: cid if cid in new_ids[p] else links.get(cid, cid)
    labels = {c.id: c.citation for p in programs for kb_ in (old_kb, new_kb)
              for c in kb_.programs[p].conditions}
    partial, gaps = known_parts(old_kb, new_kb, programs)
    # a condition a partial text does not hold is not known there, not absent (kb/law/versions/)
    absent_word = tuple("not_known" if p else "absent" for p in partial)
    discretion: list[Flip] = []
    transitions = {p: Counter() for p in programs}
    by_condition = {p: Counter() for p in programs}
    by_city = {p: Counter() for p in programs}
    flips: list[Flip] = []
    rng = np.random.default_rng(seed)
    sample: list[tuple[float, dict, int, dict[str, tuple[str, str]]]] = []   # (priority, row, number, answers)
    organizations = bad_rows = 0
    try:
        for frame, rows, skipped in chunks:
            chunk = reader.parse(frame, rows) if len(frame) else None
            errors = skipped + (chunk.errors if chunk else [])
            for _, error in errors:
                report(error.message)
            bad_rows += len(errors)
            if chunk is None or chunk.table.n == 0:
                continue
            t = chunk.table
            o_out, n_out = ev_old.evaluate(t, programs), ev_new.evaluate(t, programs)
            ids = t.ids
            where = {str(x): i for i, x in enumerate(frame["id"].to_numpy())} if "id" in frame else {}
            cities = frame["registered_city"].to_numpy(dtype=object) if "registered_city" in frame else None
            pos = np.array([where.get(str(x), -1) for x in ids]) if where else np.arange(t.n)
            city = np.array([(cities[i] or "?") if cities is not None and i >= 0 else "?" for i in pos], dtype=object)
            answers = {}
            for p in programs:
                so, sn = o_out.status(p), n_out.status(p)
                answers[p] = (so, sn)
                keys, counts = np.unique(so.astype(str) + "→" + sn.astype(str), return_counts=True)
                for k, c in zip(keys.tolist(), counts.tolist()):
                    transitions[p][k] += c
                flipped = np.flatnonzero(so != sn)
                disc_o, disc_n = _discretion(o_out, old_tops[p]), _discretion(n_out, new_tops[p])
                hard_o, hard_n = _hard(o_out, old_tops[p], disc_o), _hard(n_out, new_tops[p], disc_n)
                moved = np.flatnonzero((so == "fails") & (sn == "fails") & (hard_o != hard_n))
                if not flipped.size and not moved.size:
                    continue
                st_o = {to_new(k, p): v for k, v in _states(o_out, old_tops[p]).items()}
                st_n = _states(n_out, new_tops[p])
                d_o = {to_new(k, p): v for k, v in disc_o.items()}
                cids = list(dict.fromkeys(list(st_o) + list(st_n)))
                absent_o = np.full(t.n, 3, np.int8)
                never = np.zeros(t.n, bool)
                # a condition takes part in a flip where its outcome differs and it failed or was
                # undecided in one version (met in one and absent in the other explains nothing),
                # or it failed in both, left to discretion in one only
                changed = {c: ((st_o.get(c, absent_o) != st_n.get(c, absent_o))
                               & (np.isin(st_o.get(c, absent_o), (1, 2)) | np.isin(st_n.get(c, absent_o), (1, 2))))
                           | ((st_o.get(c, absent_o) == 1) & (st_n.get(c, absent_o) == 1)
                              & (d_o.get(c, never) != disc_n.get(c, never)))
                           for c in cids}
                for c in cids:
                    by_condition[p][c] += int(changed[c][flipped].sum())
                ck, cc = np.unique(city[flipped].astype(str) + ": " + so[flipped].astype(str) + "→"
                                   + sn[flipped].astype(str), return_counts=True)
                for k, c in zip(ck.tolist(), cc.tolist()):
                    by_city[p][k] += c

                def conditions(i: int) -> list[dict[str, Any]]:
                    conds = []
                    for c in cids:
                        if changed[c][i]:
                            o = STATE[st_o[c][i]] if c in st_o else absent_word[0]
                            n = STATE[st_n[c][i]] if c in st_n else absent_word[1]
                            cit = labels.get(c)
                            entry = {"condition": c, "label": gaps.get(c) or (cit.label() if cit else c),
                                     "old": o, "new": n, "citation": cit.to_json() if cit else None,
                                     "gap": c in gaps}
                            if o == "failed":
                                entry["discretion_old"] = "discretion" if d_o.get(c, never)[i] else None
                            if n == "failed":
                                entry["discretion"] = "discretion" if disc_n.get(c, never)[i] else None
                            conds.append(entry)
                    return conds
                for i in flipped.tolist():
                    flips.append(Flip(str(ids[i]), None, p, so[i], sn[i], conditions(i)))
                for i in moved.tolist():
                    discretion.append(Flip(str(ids[i]), None, p, failure_kind(hard_o[i], partial[0]),
                                           failure_kind(hard_n[i], partial[1]), conditions(i)))
            if verify:
                prio = rng.random(t.n)
                for i in np.argsort(prio)[:verify].tolist():
                    if len(sample) < verify or prio[i] < sample[-1][0]:
                        j = int(pos[i]) if pos[i] >= 0 else i
                        raw = {k: (None if v is None or (isinstance(v, float) and v != v) else v)
                               for k, v in frame.iloc[j].items()}
                        sample.append((float(prio[i]), raw, int(chunk.rows[i]),
                                       {p: (answers[p][0][i], answers[p][1][i]) for p in programs}))
                        sample.sort(key=lambda s: s[0])
                        del sample[verify:]
            organizations += t.n
    finally:
        bar.close()
    _verify(old_kb, new_kb, sample, programs, str(source), as_of)
    return PopulationImpact(str(source), organizations, as_of.isoformat() if as_of else None, programs,
                            transitions, flips, discretion, by_condition=by_condition, by_city=by_city,
                            verified=len(sample), seconds=time.monotonic() - started, bad_rows=bad_rows)


def datalog_statuses(kb, profiles: list, programs: list[str]) -> list[dict[str, str]]:
    """``KnowledgeBase.check``'s statuses for many profiles, read from the Datalog
    engine in one batch (kb/reasoning/datalog.py evaluate_many: one set-at-a-time query per
    predicate instead of one per organization; the same rules and readings as
    KnowledgeBase.read)."""
    from kb.reasoning.check import Reading, program_result
    from kb.reasoning.compile import org_facts
    engine = kb.engine
    batch = [org_facts(p, engine.next_token(), kb.functions, kb._windows, kb._derived) for p in profiles]
    found = engine.evaluate_many([(facts, facts[0][1]) for facts in batch])
    out = []
    for profile, facts in zip(profiles, batch):
        reading = Reading(profile, found[facts[0][1]], kb.le_pairs)
        out.append({p: program_result(reading, kb.programs[p], None).status for p in programs})
    return out


def _verify(old_kb, new_kb, sample, programs: list[str], source: str, as_of: date | None) -> None:
    """Each sampled organization through the Datalog path: the same answer, or stop."""
    from kb.profile import profile_from_row
    profiles = [profile_from_row(raw, source, number, as_of) for _, raw, number, _ in sample]
    for side, kb_ in (("old", old_kb), ("new", new_kb)):
        statuses = datalog_statuses(kb_, profiles, programs) if profiles else []
        for (_, raw, number, answers), profile, got in zip(sample, profiles, statuses):
            for p in programs:
                fast = answers[p][0 if side == "old" else 1]
                if got[p] != fast:
                    raise EvaluatorsDisagree(
                        f"regkb: diff --population: the vectorized and Datalog evaluators disagree on "
                        f"{source}:row {number} ({profile.id}), {p}, {side} version: {fast} vs {got[p]}; "
                        "the impact report would be wrong, so none is given (a bug: please report it)")
