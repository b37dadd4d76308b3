"""Per-organization latency of the Datalog path, warm: `check` (all six
programs) and `explain` (one program), as the median over sample and
generated organizations. Prints one JSON object.

    python bench/latency.py [N_GENERATED]
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.reasoning.base import KnowledgeBase  # noqa: E402
from kb.law.model import PROGRAMS  # noqa: E402
from kb.population import generate  # noqa: E402
from kb.profile import load_profile, profile_from_dict  # noqa: E402


def main(generated: int = 40) -> dict:
    kb = KnowledgeBase()
    samples = [load_profile(p) for p in sorted((ROOT / "facts" / "organizations").glob("*.yaml"))
               if p.name != "expected.yaml"]
    profiles = [p for p in samples if not hasattr(p, "entities")]
    profiles += [profile_from_dict(d, source=d["id"]) for d in generate(generated, seed=1)]
    kb.check(profiles[0])                          # warm: rules loaded, engine built
    kb.explain(profiles[0], "beijing.platform")
    checks, explains = [], []
    for p in profiles:
        t = time.perf_counter()
        kb.check(p)
        checks.append(time.perf_counter() - t)
    for p in profiles[:12]:
        for program in PROGRAMS:
            t = time.perf_counter()
            kb.explain(p, program)
            explains.append(time.perf_counter() - t)
    ms = lambda xs, q: 1000 * statistics.quantiles(xs, n=10)[q] if len(xs) > 1 else 1000 * xs[0]
    return {"organizations": len(profiles), "check_ms_median": 1000 * statistics.median(checks),
            "check_ms_p90": ms(checks, 8), "explain_ms_median": 1000 * statistics.median(explains),
            "explain_ms_p90": ms(explains, 8), "explains": len(explains)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)))
