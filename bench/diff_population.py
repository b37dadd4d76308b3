"""`regkb diff --population` at scale (issue 12): 100,000 generated organizations
under two versions of the Chengdu text (the current draft and the ILLUSTRATIVE
building-area revision), with the default 30-organization Datalog check.
Target: under 30 s and under 2 GB (peak resident memory of this process).
Generating the CSV is not timed.

    python bench/diff_population.py [N]      # default 100000; exit 1 when a target is missed
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.reasoning.base import DEFAULT_FACTS, KnowledgeBase  # noqa: E402
from kb.revisions.diff import diff  # noqa: E402
from kb.revisions.impact import population_impact  # noqa: E402
from kb.population import generate_frame  # noqa: E402

CD = "chengdu.sme-platform-and-startup-base"
SECONDS, MEGABYTES = 30.0, 2048


def main(n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "population.csv"
        parts, step = [], 20_000
        for start in range(0, n, step):   # in blocks: the generator's frame for 100k at once is large
            frame = generate_frame(min(step, n - start), seed=0, start=start)
            frame.to_csv(csv, mode="a" if start else "w", header=not start, index=False)
        kb = KnowledgeBase(DEFAULT_FACTS)
        old_ref, new_ref = (CD, "current"), (CD, "illustrative-building-area")
        started = time.monotonic()
        d = diff(kb, old_ref, new_ref)
        old_kb, new_kb = (KnowledgeBase(kb.facts_dir, kb.settings, versions={ref[0]: ref[1]})
                          for ref in (old_ref, new_ref))
        programs = [p for p, prog in new_kb.programs.items() if prog.document.id == CD]
        imp = population_impact(old_kb, new_kb, csv, programs, d.links, verify=30, progress=False)
        seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"organizations": imp.organizations, "verified": imp.verified, "flips": len(imp.flips),
              "seconds": round(seconds, 2), "peak_mb": round(peak_mb), "targets": {"seconds": SECONDS, "mb": MEGABYTES},
              "met": seconds < SECONDS and peak_mb < MEGABYTES}
    print(json.dumps(result))
    (ROOT / "bench" / "diff_population.md").write_text(
        f"# regkb diff --population\n\n{imp.organizations:,} organizations, {imp.verified} verified through "
        f"Datalog, {len(imp.flips):,} flips: {seconds:.1f} s (target < {SECONDS:.0f} s), peak "
        f"{peak_mb:,.0f} MB (target < {MEGABYTES} MB): {'met' if result['met'] else 'MISSED'}\n", encoding="utf-8")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
