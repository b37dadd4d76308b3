"""`make bench`: measure screening and the Datalog path in one run, write bench/results.md.

    python bench/run.py            # 10^4, 10^5, 10^6 organizations
    BENCH_SIZES=10000,100000 python bench/run.py    # a quicker run

Every figure comes from a separate process (wall clock, and peak resident
memory from the kernel's rusage), on the same machine in the same run:
generating the population, `regkb screen` on it, the hand-written pandas
baseline (bench/baseline.py) on the same file, warm `check` / `explain`
latency (bench/latency.py), and the cold start of `regkb check`. Targets
are those of issue 6.
"""
from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SAMPLE = ROOT / "facts" / "organizations" / "bj-zhongguancun-platform.yaml"
TARGETS = {"ratio": 2.0, "million_s": 60.0, "million_mb": 4096.0, "check_ms": 50.0, "explain_ms": 100.0,
           "cold_s": 2.0, "plan_median_s": 1.0}


def _peak_mb(usage) -> float:
    scale = 1 if sys.platform == "darwin" else 1024   # ru_maxrss: bytes on macOS, KiB on Linux
    return usage.ru_maxrss * scale / 2 ** 20


def run(cmd: list[str]) -> dict:
    """Wall seconds, peak resident memory (MB, from the kernel's rusage of
    this one child) and output of one process. Linux counts into a child's
    peak the memory of its parent at the fork, so this driver stays small:
    anything that loads data runs in a child of its own."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, error = out.read().decode(), err.read().decode()
    if proc.returncode:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}): {error.strip()[-500:]}")
    return {"s": wall, "mb": _peak_mb(usage), "out": text, "err": error}


def prefix(source: Path, target: Path, rows: int) -> None:
    with open(source, "rb") as f, open(target, "wb") as g:
        for i, line in enumerate(f):
            if i > rows:
                break
            g.write(line)


def agreement(screened: Path, baseline: Path) -> float:
    """Share of (organization, program) where the baseline's status equals
    the screen's (undetermined counted as fails, as the baseline cannot tell)."""
    def load(path):
        with open(path, newline="", encoding="utf-8") as f:
            return {(r["org"], r["program"]): r["status"].replace("undetermined", "fails") for r in csv.DictReader(f)}
    a, b = load(screened), load(baseline)
    return sum(a[k] == b.get(k) for k in a) / max(len(a), 1)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
    work = Path(tempfile.mkdtemp(prefix="regkb-bench-"))
    results: dict = {"sizes": sizes, "load_before": load_average(), "runs": []}
    try:
        largest = work / f"population-{max(sizes)}.csv"
        gen = run([PY, "-c", "import sys; sys.path.insert(0, '.'); from kb.population import write_population_csv;"
                   f"write_population_csv({str(largest)!r}, {max(sizes)})"])
        results["generate"] = {"n": max(sizes), "s": gen["s"], "mb": gen["mb"],
                               "bytes": largest.stat().st_size}
        print(f"bench: generated {max(sizes):,} organizations in {gen['s']:.1f}s", file=sys.stderr)
        one = work / "one.csv"
        prefix(largest, one, 1)
        results["startup"] = run([PY, "-m", "kb", "screen", one, "--out", work / "one-out.csv"])["s"]
        has_pyarrow = subprocess.run([PY, "-c", "import pyarrow"], capture_output=True).returncode == 0
        for n in sizes:
            source = largest if n == max(sizes) else work / f"population-{n}.csv"
            if n != max(sizes):
                prefix(largest, source, n)
            screened, base = work / f"screened-{n}.csv", work / f"baseline-{n}.csv"
            s = run([PY, "-m", "kb", "screen", str(source), "--out", str(screened), "--json"])
            b = run([PY, str(ROOT / "bench" / "baseline.py"), str(source), str(base)])
            row = {"n": n, "screen_s": s["s"], "screen_mb": s["mb"], "baseline_s": b["s"], "baseline_mb": b["mb"],
                   "ratio": s["s"] / b["s"], "summary": json.loads(s["out"]),
                   "out_bytes": screened.stat().st_size,
                   "agreement": float(run([PY, __file__, "--agreement", screened, base])["out"]) if n <= 100_000 else None}
            if has_pyarrow:
                p = run([PY, "-m", "kb", "screen", str(source), "--out", str(work / f"screened-{n}.parquet")])
                row["parquet_s"], row["parquet_mb"] = p["s"], p["mb"]
            results["runs"].append(row)
            print(f"bench: {n:,}: screen {s['s']:.1f}s {s['mb']:.0f} MB, baseline {b['s']:.1f}s {b['mb']:.0f} MB",
                  file=sys.stderr)
            for path in (screened, base):
                path.unlink()
        phase_n = min(sizes, key=lambda n: abs(n - 100_000))
        phase_src = largest if phase_n == max(sizes) else work / f"population-{phase_n}.csv"
        results["phases"] = json.loads(run([PY, str(ROOT / "bench" / "phases.py"), str(phase_src)])["out"])
        lat = run([PY, str(ROOT / "bench" / "latency.py")])
        results["latency"] = {**json.loads(lat["out"]), "mb": lat["mb"]}
        # plans: the samples, the two cases issue 15 reported, and generated near-misses (bench/plan.py)
        plans = run([PY, str(ROOT / "bench" / "plan.py"), os.environ.get("BENCH_PLAN_N", "200")])
        results["plan"] = {**json.loads(plans["out"]), "mb": plans["mb"]}
        colds = [run([PY, "-m", "kb", "check", str(SAMPLE)]) for _ in range(5)]
        results["cold"] = {"s": statistics.median(c["s"] for c in colds), "mb": max(c["mb"] for c in colds),
                           "runs": [c["s"] for c in colds]}
        results["load_after"] = load_average()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (ROOT / "bench" / "results.md").write_text(report(results), encoding="utf-8")
    print(f"bench: wrote {ROOT / 'bench' / 'results.md'}", file=sys.stderr)


def versions() -> str:
    import numpy
    import pandas
    try:
        from importlib.metadata import version
        datalog = version("pyDatalog")
    except Exception:
        datalog = "?"
    return (f"Python {platform.python_version()}, pandas {pandas.__version__}, numpy {numpy.__version__}, "
            f"pyDatalog {datalog}; {platform.system()} {platform.machine()}, {os.cpu_count()} cores")


def mark(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def report(r: dict) -> str:
    t = TARGETS
    lines = ["# Benchmark results", "",
             f"Written by `make bench` (bench/run.py) on {time.strftime('%Y-%m-%d %H:%M')}. {versions()}.",
             f"Load average before / after the run: {r['load_before']} → {r['load_after']} "
             "(other processes on the machine slow every figure alike; ratios are fairer than seconds).", "",
             f"Population: `kb.population.write_population_csv`, {r['generate']['n']:,} organizations "
             f"({r['generate']['bytes'] / 2 ** 20:.0f} MB of CSV) generated in {r['generate']['s']:.1f} s, "
             f"peak {r['generate']['mb']:.0f} MB; the smaller sizes are its first rows.", "",
             "## Screening", "",
             "| organizations | `regkb screen` | peak memory | baseline (bench/baseline.py) | peak memory | ratio screen / baseline | output |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for row in r["runs"]:
        lines.append(f"| {row['n']:,} | {row['screen_s']:.1f} s | {row['screen_mb']:.0f} MB | {row['baseline_s']:.1f} s "
                     f"| {row['baseline_mb']:.0f} MB | {row['ratio']:.2f} | {row['out_bytes'] / 2 ** 20:.0f} MB CSV |")
    if any("parquet_s" in row for row in r["runs"]):
        lines += ["", "Parquet output (pyarrow installed): " + ", ".join(
            f"{row['n']:,}: {row['parquet_s']:.1f} s, {row['parquet_mb']:.0f} MB" for row in r["runs"] if "parquet_s" in row)]
    agree = [f"{row['n']:,}: {row['agreement']:.1%}" for row in r["runs"] if row["agreement"] is not None]
    lines += ["", "Both read the same CSV and write one row per organization and program (status, failed ids). "
              "The baseline copies every figure by hand, compares floats, treats a missing figure as a failure, "
              "checks nothing and writes with `DataFrame.to_csv`; `regkb screen` validates every row as the "
              "profile reader does, compiles the figures from the encoded conditions, decides three-valued with "
              "exact fractions and bounds (家次 ≥ 家 …), and also writes undetermined conditions, missing fields "
              "and discretion. Status agreement of the baseline with `regkb screen` (undetermined counted as "
              f"fails): {', '.join(agree) or 'n/a'} — where they differ the baseline is the one that is wrong "
              "(a missing figure is not a failure; bounds decide some).", ""]
    ph = r["phases"]
    lines += ["### Where the time goes", "",
              f"CPU seconds per phase on the first {ph['screen']['rows']:,} rows, both in one process "
              "(bench/phases.py; CPU time is less disturbed by other load than wall time):", "",
              "| phase | `regkb screen` | baseline |", "|---|---:|---:|"]
    names = list(dict.fromkeys(list(ph["screen"]) + list(ph["baseline"])))
    for name in names:
        if name == "rows":
            continue
        a, b = ph["screen"].get(name), ph["baseline"].get(name)
        lines.append(f"| {name} | {'' if a is None else f'{a:.2f}'} | {'' if b is None else f'{b:.2f}'} |")
    tot = lambda d: sum(v for k, v in d.items() if k != "rows")
    core = lambda d: sum(v for k, v in d.items() if k not in ("rows", "read CSV", "write CSV"))
    lines += [f"| **total** | **{tot(ph['screen']):.2f}** | **{tot(ph['baseline']):.2f}** |", "",
              f"Between reading and writing (checking, evaluating, building the result cells), `regkb screen` "
              f"takes {core(ph['screen']):.2f} s against the baseline's {core(ph['baseline']):.2f} s "
              f"({core(ph['screen']) / core(ph['baseline']):.1f}×); it also checks every cell as the profile "
              "reader does, which the baseline does not.", ""]
    lines += ["## Datalog path (`check`, `explain`)", "",
              "| measure | figure | peak memory |", "|---|---:|---:|",
              f"| `check`, one organization, all six programs, warm, median of {r['latency']['organizations']} "
              f"| {r['latency']['check_ms_median']:.0f} ms (p90 {r['latency']['check_ms_p90']:.0f}) | {r['latency']['mb']:.0f} MB |",
              f"| `explain`, one organization and program, warm, median of {r['latency']['explains']} "
              f"| {r['latency']['explain_ms_median']:.0f} ms (p90 {r['latency']['explain_ms_p90']:.0f}) | |",
              f"| cold start of `regkb check {SAMPLE.relative_to(ROOT)}`, process start to answer, median of 5 "
              f"| {r['cold']['s']:.2f} s | {r['cold']['mb']:.0f} MB |", ""]
    million = next((row for row in r["runs"] if row["n"] == 1_000_000), None)
    worst = max(row["ratio"] for row in r["runs"])
    lines += ["## Targets (issue 6)", "", "| target | result | |", "|---|---|---|",
              f"| bulk screening within 2× of the hand-written baseline | worst ratio {worst:.2f} | {mark(worst <= t['ratio'])} |"]
    if million:
        lines.append(f"| 10^6 organizations in under a minute | {million['screen_s']:.1f} s | {mark(million['screen_s'] < t['million_s'])} |")
        lines.append(f"| … and under 4 GB | {million['screen_mb']:.0f} MB | {mark(million['screen_mb'] < t['million_mb'])} |")
    else:
        lines.append("| 10^6 organizations in under a minute and 4 GB | not run (BENCH_SIZES) | **not measured** |")
    lat = r["latency"]
    lines += [f"| `check` warm median under 50 ms | {lat['check_ms_median']:.0f} ms | {mark(lat['check_ms_median'] < t['check_ms'])} |",
              f"| `explain` warm median under 100 ms | {lat['explain_ms_median']:.0f} ms | {mark(lat['explain_ms_median'] < t['explain_ms'])} |",
              f"| cold start of `regkb check` under 2 s | {r['cold']['s']:.2f} s | {mark(r['cold']['s'] < t['cold_s'])} |", ""]
    if "plan" in r:
        pl = r["plan"]
        lines += ["## Plans (`regkb plan`, issue 15)", "",
                  f"Warm, all six programs, default time limit; {pl['samples']} samples and reported cases and "
                  f"{pl['near_misses']} generated near-misses (bench/plan.py): median {pl['median_s']:.2f} s "
                  f"(CPU {pl['median_cpu_s']:.2f} s), p90 {pl['p90_s']:.2f} s, slowest {pl['max_s']:.2f} s "
                  f"({pl['slowest']}); cut short by the time limit: {pl['incomplete']}. The reported cases: "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in pl["reported"].items()) + ".", "",
                  "| target | result | |", "|---|---|---|",
                  f"| median under 1 s per organization | {pl['median_s']:.2f} s | {mark(pl['median_s'] < t['plan_median_s'])} |",
                  f"| none over 10 s | {pl['over_10_s']} over, slowest {pl['max_s']:.2f} s | {mark(pl['over_10_s'] == 0)} |", ""]
    lines += ["## Why", ""] + why(r) + [""]
    return "\n".join(lines)


def why(r: dict) -> list[str]:
    t, out = TARGETS, []
    worst = max(row["ratio"] for row in r["runs"])
    smallest = min(r["runs"], key=lambda row: row["n"])
    out.append(f"- Screening vs the baseline: worst ratio {worst:.2f}. Both spend most of their time reading the CSV "
               "(pandas' C parser) and writing the result; `regkb screen` parses each distinct cell once "
               "(pandas.factorize) and writes its CSV lines itself, which pays for the validation, the exact "
               "arithmetic and the three-valued logic the baseline does not do. At "
               f"{smallest['n']:,} organizations the difference is mostly start-up: `regkb screen` on a single "
               f"organization takes {r['startup']:.2f} s (importing pandas and pyDatalog, loading and resolving "
               "the encodings), against the baseline's pandas import only.")
    lat = r["latency"]
    if lat["check_ms_median"] >= t["check_ms"] or lat["explain_ms_median"] >= t["explain_ms"]:
        out.append(f"- `check` ({lat['check_ms_median']:.0f} ms) and `explain` ({lat['explain_ms_median']:.0f} ms) "
                   "miss their targets: the time is pyDatalog deriving every rule of kb/reasoning/rules.dl and kb/reasoning/layers.dl "
                   "for the organization's facts (pure Python, one query per predicate), not this project's "
                   "Python around it; `explain` re-runs the same derivation, so it costs the same as `check`. "
                   "Making the Datalog path faster is work on kb/reasoning/datalog.py and the rules; "
                   "bulk screening does not depend on it.")
    else:
        out.append(f"- `check` ({lat['check_ms_median']:.0f} ms) and `explain` ({lat['explain_ms_median']:.0f} ms): "
                   "the engine is asked less per organization, every decision still in the rules. A composite "
                   "counts its children's votes; which outcome votes for which, and how many votes each node "
                   "needs, is derived once per knowledge base (kb/reasoning/layers.dl, first section); leaves are "
                   "decided once, not copied into every level; pyDatalog's aggregates run in the calling thread "
                   "instead of a new thread pool each; no cyclic garbage collection runs while the engine answers "
                   "(kb/reasoning/datalog.py). On a loaded machine the medians rise with the load.")
    if r["cold"]["s"] >= t["cold_s"]:
        out.append(f"- Cold start ({r['cold']['s']:.2f} s) misses 2 s: importing pandas and pyDatalog, loading "
                   "the encodings, building the rule engine, then one Datalog check.")
    else:
        out.append(f"- Cold start ({r['cold']['s']:.2f} s) includes importing pandas and pyDatalog, loading the "
                   "encodings, building the engine and one check.")
    million = next((row for row in r["runs"] if row["n"] == 1_000_000), None)
    if million:
        out.append(f"- 10^6 organizations: {million['screen_s']:.1f} s and {million['screen_mb']:.0f} MB peak — "
                   "memory stays at one chunk (100,000 rows by default, `--chunk-size`), whatever the file size. "
                   "DuckDB was not needed: pandas meets the time and memory targets, keeps the exact fractions "
                   "and the row-by-row error messages of the profile reader, and adds no dependency.")
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["--agreement"]:
        print(agreement(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        main()
