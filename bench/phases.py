"""Where the time goes: CPU seconds per phase, `regkb screen` and the baseline,
on the same CSV (its first chunk of up to 100,000 rows), in one process.
Prints one JSON object.

    python bench/phases.py POPULATION.csv
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402

import baseline  # noqa: E402
from kb.reasoning.base import KnowledgeBase  # noqa: E402
from kb.screening.output import CsvOutput  # noqa: E402
from kb.screening.reader import Reader  # noqa: E402
from kb.screening.results import program_columns  # noqa: E402
from kb.screening.sources import csv_chunks  # noqa: E402
from kb.screening.vectorized import Evaluator  # noqa: E402


class Clock:
    def __init__(self):
        self.phases, self.last = {}, time.process_time()

    def lap(self, name: str) -> None:
        now = time.process_time()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.last
        self.last = now


def screen_phases(source: Path, work: Path) -> dict:
    kb = KnowledgeBase()
    clock = Clock()
    frame, rows, _ = next(csv_chunks(source, 100_000))
    clock.lap("read CSV")
    chunk = Reader(str(source), None, kb).parse(frame, rows)
    clock.lap("parse and check every cell")
    outcome = Evaluator(kb).evaluate(chunk.table)
    clock.lap("evaluate the conditions")
    results = [(pid, program_columns(outcome, pid)) for pid in kb.program_ids(None)]
    clock.lap("result columns (failed, unknown, missing, discretion)")
    out = CsvOutput(work / "screen.csv")
    out.write(chunk.table.ids, results)
    out.commit()
    clock.lap("write CSV")
    return {"rows": chunk.table.n, **clock.phases}


def baseline_phases(source: Path, work: Path) -> dict:
    clock = Clock()
    df = next(pd.read_csv(source, chunksize=100_000, low_memory=False, true_values=["true"], false_values=["false"]))
    clock.lap("read CSV")
    conditions = baseline.evaluate(df)
    clock.lap("evaluate the conditions")
    parts = []
    for program, conds in conditions.items():
        failed = baseline.failed_lists(program, conds)
        parts.append(pd.DataFrame({"org": df["id"], "program": program, "status": "", "failed": failed}))
    result = pd.concat(parts).sort_index(kind="stable")
    clock.lap("result columns (failed)")
    result.to_csv(work / "baseline.csv", index=False)
    clock.lap("write CSV")
    return {"rows": len(df), **clock.phases}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(sys.argv[1])
        print(json.dumps({"screen": screen_phases(src, Path(tmp)), "baseline": baseline_phases(src, Path(tmp))}))
