"""Why organizations do not qualify: per program, the conditions that exclude
the most of a screened population (issue 13), read from `screen`'s output.

- excludes: organizations failing the condition (whatever else they fail);
- alone: organizations for which it is the only failed condition, so that
  meeting it alone would leave them qualifying or undetermined;
- together: the pairs of conditions that are an organization's only two
  failures, so that only meeting both would help.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

TOP = 8


@dataclass
class Blocker:
    condition: str
    citation: str
    quote: str
    excludes: int
    alone: int

    def to_json(self) -> dict:
        return {"condition": self.condition, "clause": self.citation, "quote": self.quote,
                "excludes": self.excludes, "alone": self.alone}


def _read(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path, columns=["program", "status", "failed"])
        return frame.fillna("").astype(str)
    return pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["program", "status", "failed"])


def summarize(kb, results: str | Path, programs: list[str]) -> dict:
    """{program: {"fails": n, "blockers": [Blocker…], "together": [(a, b, n)…]}}"""
    nodes = {n.id: n for prog in kb.programs.values() for n in prog.nodes()}
    frame = _read(Path(results))
    out = {}
    for pid in programs:
        rows = frame.loc[(frame["program"] == pid) & (frame["status"] == "fails"), "failed"]
        sets = [tuple(sorted(filter(None, cell.split(";")))) for cell in rows]
        every = Counter(c for s in sets for c in s)
        alone = Counter(s[0] for s in sets if len(s) == 1)
        pairs = Counter(s for s in sets if len(s) == 2)
        blockers = []
        for cid, n in every.most_common(TOP):
            node = nodes.get(cid)
            blockers.append(Blocker(cid, node.citation.label() if node else "", (node.quote or "") if node else "",
                                    n, alone.get(cid, 0)))
        out[pid] = {"fails": len(sets), "blockers": blockers,
                    "together": [(a, b, n) for (a, b), n in pairs.most_common(3)]}
    return out


def to_json(summary: dict) -> dict:
    return {pid: {"fails": s["fails"], "blockers": [b.to_json() for b in s["blockers"]],
                  "together": [{"conditions": [a, b], "only_failures_of": n} for a, b, n in s["together"]]}
            for pid, s in summary.items()}


def text(summary: dict) -> str:
    lines = ["", "Why the others do not qualify (per program, the conditions failed most; "
                 "'alone': the only condition an organization fails)"]
    for pid, s in summary.items():
        lines.append(f"\n{pid}: {s['fails']:,} fail")
        for b in s["blockers"]:
            quote = f"「{b.quote[:30]}{'…' if len(b.quote) > 30 else ''}」" if b.quote else ""
            lines.append(f"  {b.excludes:>9,}  alone {b.alone:>7,}  {b.citation} {b.condition} {quote}")
        for a, b, n in s["together"]:
            lines.append(f"  {n:>9,}  fail only these two together: {a} + {b}")
    return "\n".join(lines)
