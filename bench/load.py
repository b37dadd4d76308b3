"""Load test of `regkb serve`: 8 concurrent clients, a few hundred requests of
check, explain and plan over the shipped samples, against a server on this
machine (127.0.0.1 only). Every answer must equal the CLI's JSON for the same
request; latency median and p95 per endpoint go to bench/load.md.

    python bench/load.py                 # 8 clients x 40 requests
    LOAD_CLIENTS=4 LOAD_REQUESTS=10 python bench/load.py
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLES = sorted(p for p in (ROOT / "facts" / "organizations").glob("*.yaml") if p.name != "expected.yaml")
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "8"))
REQUESTS = int(os.environ.get("LOAD_REQUESTS", "40"))      # per client
DEADLINE_S = 900                                              # the whole run stops by itself


def cli(*argv: str):
    from kb.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--json"]) == 0
    return json.loads(out.getvalue())


def comparable(data):
    if isinstance(data, dict):
        (data.get("solver") or {}).pop("ms", None)       # the solver's own timing
    return data


def requests_to_make():
    """(endpoint, query, body, expected) for each sample: check, explain of its
    first program, plan for the programs of its own city."""
    out = []
    for sample in SAMPLES:
        body = json.dumps(yaml.safe_load(sample.read_text(encoding="utf-8")), default=str).encode()
        check = cli("check", str(sample))
        out.append(("check", "", body, check))
        if "entities" not in yaml.safe_load(sample.read_text(encoding="utf-8")):
            program = check["results"][0]["program"]
            out.append(("explain", f"program={program}", body, cli("explain", str(sample), program)))
        city = sample.name.split("-")[0]
        targets = {"bj": ["beijing.platform", "beijing.base"], "gy": ["guiyang.platform"],
                   "cd": ["chengdu.platform", "chengdu.base"]}.get(city, ["beijing.platform"])
        query = "&".join(f"target={t}" for t in targets)
        out.append(("plan", query, body, comparable(cli("plan", str(sample), *sum((["--target", t] for t in targets), [])))))
    return out


def main() -> int:
    from kb.web.app import create_app
    work = requests_to_make()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    times: dict[str, list[float]] = {"check": [], "explain": [], "plan": []}
    errors: list[str] = []
    stop_at = time.time() + DEADLINE_S

    def client(k: int):
        with httpx.Client(base_url=base, timeout=120) as http:
            for i in range(REQUESTS):
                if time.time() > stop_at:
                    return
                endpoint, query, body, expected = work[(k * 7 + i) % len(work)]
                t = time.perf_counter()
                r = http.post(f"/api/{endpoint}?{query}", content=body)
                times[endpoint].append(time.perf_counter() - t)
                got = comparable(r.json()) if r.status_code == 200 else None
                if got != expected:
                    keys = sorted(k for k in (expected or {}) if (got or {}).get(k) != expected.get(k))
                    cut = (got or {}).get("cut") or (got or {}).get("timed_out")
                    errors.append(f"{endpoint}?{query}: status {r.status_code}; differs in {keys}"
                                  + (f" (the time limit cut: {cut})" if cut else ""))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.time() - start
    server.should_exit = True
    lines = ["# Load test of `regkb serve` (bench/load.py)", "",
             f"{CLIENTS} concurrent clients, {sum(len(v) for v in times.values())} requests in {wall:.1f} s "
             f"on {os.cpu_count()} cores; answers differing from the CLI's JSON: {len(errors)}.", "",
             "| endpoint | requests | median ms | p95 ms |", "|---|---|---|---|"]
    for name, values in times.items():
        if values:
            values.sort()
            p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
            lines.append(f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} | {p95 * 1000:.0f} |")
    lines += [""] + [f"- {e}" for e in errors[:20]]
    (ROOT / "bench" / "load.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
