"""Sensitivity sweeps: how many organizations would qualify if one figure of
one program were different (issue 13: "what if Beijing lowered its platform
asset floor to 150万?").

The figure is changed in a copy of the program's compiled condition tree and
the population is evaluated by the same vectorized evaluator `screen` uses
(held equal to the Datalog rules by the differential test), once per value;
the texts themselves are never touched. For a drafted revision, use `regkb
diff --population` instead.
"""
from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from kb.io.errors import InputError
from kb.law.wording import unit_suffix

STATUSES = ("qualifies", "fails", "undetermined")
SWEEPABLE = {"threshold": "value", "lookback": "years", "ban": "years"}
MOVERS_SHOWN = 20


@dataclass
class Point:
    value: Fraction
    counts: dict[str, int]
    by_city: dict[str, dict[str, int]]
    gained: list[str] = field(default_factory=list)     # undetermined/fails → qualifies vs the text's figure
    lost: list[str] = field(default_factory=list)       # qualifies → not

    def to_json(self) -> dict:
        return {"value": _number(self.value), "counts": self.counts, "by_city": self.by_city,
                "gained": len(self.gained), "lost": len(self.lost),
                "gained_ids": self.gained[:1000], "lost_ids": self.lost[:1000]}


@dataclass
class Sweep:
    program: str
    condition: str
    citation: dict
    label: str
    quote: str | None
    unit: str | None
    current: Fraction
    population: str
    organizations: int
    points: list[Point]

    def to_json(self) -> dict:
        return {"program": self.program, "condition": self.condition, "citation": self.citation,
                "quote": self.quote, "unit": self.unit, "current": _number(self.current),
                "population": self.population, "organizations": self.organizations,
                "points": [p.to_json() for p in self.points]}

    def text(self) -> str:
        unit = unit_suffix(self.unit, encoded=True)
        head = [f"{self.program} {self.label} {self.condition}  「{self.quote or ''}」",
                f"the text's figure: {_number(self.current)}{unit}; {self.organizations:,} organizations "
                f"({self.population})", "",
                f"{'value':>12}  {'qualifies':>10}  {'fails':>8}  {'undetermined':>13}  {'gained':>7}  {'lost':>5}"]
        for p in self.points:
            mark = "  ← the text" if p.value == self.current else ""
            head.append(f"{_number(p.value):>12}  {p.counts['qualifies']:>10,}  {p.counts['fails']:>8,}  "
                        f"{p.counts['undetermined']:>13,}  {len(p.gained):>7,}  {len(p.lost):>5,}{mark}")
        cities = sorted({c for p in self.points for c in p.by_city})
        if cities:
            head += ["", "qualifying, by city: " + ", ".join(cities)]
            for p in self.points:
                head.append(f"{_number(p.value):>12}  " + "  ".join(
                    f"{p.by_city.get(c, {}).get('qualifies', 0):>8,}" for c in cities))
        for p in self.points:
            if p.gained:
                shown = ", ".join(p.gained[:MOVERS_SHOWN]) + (" …" if len(p.gained) > MOVERS_SHOWN else "")
                head.append(f"\nat {_number(p.value)}{unit}, {len(p.gained):,} more qualify: {shown}")
        return "\n".join(head)


def _number(value: Fraction) -> int | float | str:
    if value.denominator == 1:
        return int(value)
    as_float = float(value)
    return as_float if Fraction(repr(as_float)) == value else str(value)


def find_node(kb, program: str, condition: str):
    kb.program_ids([program], "PROGRAM")
    for node in kb.programs[program].nodes():
        if node.id == condition:
            if node.kind not in SWEEPABLE:
                raise InputError("CONDITION", condition,
                                 f"expected a condition with a figure ({', '.join(SWEEPABLE)}); it is a {node.kind}")
            if node.kind != "threshold" and not node.params.get("years"):
                raise InputError("CONDITION", condition, "expected a window in years; this one has none")
            return node
    ids = [n.id for n in kb.programs[program].nodes() if n.kind in SWEEPABLE]
    import difflib
    near = difflib.get_close_matches(condition, ids, 1, 0.6)
    hint = f"; did you mean {near[0]}?" if near else f"; expected one of {', '.join(ids[:8])} …"
    raise InputError("CONDITION", condition, f"not a condition of {program}{hint}")


def parse_values(node, texts: list[str]) -> list[Fraction]:
    from kb.io.inputs import NumberError, parse_number
    if not texts:
        raise InputError("--values", None, "expected at least one value")
    out = []
    for text in texts:
        t = str(text).strip()
        try:
            value = Fraction(parse_number(t[:-1]) / 100) if t.endswith("%") else Fraction(parse_number(t))
        except (InputError, NumberError, ValueError, ZeroDivisionError):
            raise InputError("--values", t, "expected a number (万元 for money, 0.8 or 80% for a share, years for a window)") from None
        if value < 0 or (node.kind != "threshold" and value.denominator != 1):
            raise InputError("--values", t, "expected a number >= 0 (whole years for a window)")
        out.append(value)
    return sorted(set(out))


def variant(kb, program: str, condition: str, value: Fraction):
    """The knowledge base with one figure changed (a copy; ``kb`` is untouched)."""
    other = copy.copy(kb)
    prog = copy.deepcopy(kb.programs[program])
    for node in prog.nodes():
        if node.id == condition:
            key = SWEEPABLE[node.kind]
            node.params[key] = value if key == "value" else int(value)
    other.programs = {**kb.programs, program: prog}
    return other


def sweep(kb, program: str, condition: str, values: list[str], source: str | Path,
          as_of=None, progress: bool | None = None) -> Sweep:
    from kb.screening.reader import Reader
    from kb.io.progress import Progress
    from kb.screening.sources import csv_chunks, directory_chunks, estimated_rows, profile_files
    from kb.screening.vectorized import Evaluator
    node = find_node(kb, program, condition)
    key = SWEEPABLE[node.kind]
    current = Fraction(node.params[key])
    points_at = parse_values(node, values)
    if current not in points_at:
        points_at = sorted(points_at + [current])
    source = Path(source)
    if not source.exists():
        raise InputError(source, None, "no such file or directory")
    evaluators = [Evaluator(variant(kb, program, condition, v)) for v in points_at]
    reader = Reader(str(source), as_of, kb)
    show = sys.stderr.isatty() if progress is None else progress
    if source.is_dir():
        bar = Progress(len(profile_files(source)), "files", "sweep") if show else None
        chunks = directory_chunks(source, 5000, as_of, bar)
    else:
        bar = Progress(estimated_rows(source), "rows", "sweep") if show else None
        chunks = csv_chunks(source, 20000, bar)
    points = [Point(v, dict.fromkeys(STATUSES, 0), {}) for v in points_at]
    base = points_at.index(current)
    total = 0
    try:
        for frame, rows, _skipped in chunks:
            chunk = reader.parse(frame, rows) if len(frame) else None
            if chunk is None or chunk.table.n == 0:
                continue
            t = chunk.table
            total += t.n
            city = t.cats.get("registered_city")
            cities = (np.array([city.labels[c] if c >= 0 else "?" for c in city.codes], dtype=object)
                      if city is not None else np.full(t.n, "?", dtype=object))
            statuses = [ev.evaluate(t, [program]).status(program) for ev in evaluators]
            for point, status in zip(points, statuses):
                for s in STATUSES:
                    point.counts[s] += int((status == s).sum())
                for c in set(cities.tolist()):
                    sub = status[cities == c]
                    entry = point.by_city.setdefault(str(c), dict.fromkeys(STATUSES, 0))
                    for s in STATUSES:
                        entry[s] += int((sub == s).sum())
                now_q, was_q = status == "qualifies", statuses[base] == "qualifies"
                point.gained += [str(i) for i in t.ids[now_q & ~was_q]]
                point.lost += [str(i) for i in t.ids[was_q & ~now_q]]
    finally:
        if bar:
            bar.close()
    cite = node.citation.to_json()
    return Sweep(program, condition, cite, node.citation.label(), node.quote, node.params.get("unit"), current, str(source), total, points)


def chart(result: Sweep) -> bytes:
    """A line chart: organizations qualifying, failing and undetermined per value."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kb.io.fonts import use_cjk_font
    use_cjk_font()
    xs = [float(p.value) for p in result.points]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    names = {"qualifies": "符合 qualifies", "fails": "不符合 fails", "undetermined": "待定 undetermined"}
    colours = {"qualifies": "#1f7a3a", "fails": "#b3261e", "undetermined": "#8a6d00"}
    for s in STATUSES:
        ax.plot(xs, [p.counts[s] for p in result.points], marker="o", label=names[s], color=colours[s])
    ax.axvline(float(result.current), color="#555", linestyle=":", label="条文现值 the text's figure")
    unit = unit_suffix(result.unit, encoded=True).strip()
    unit = f"（{unit}）" if unit else ""
    ax.set_xlabel(f"{result.condition} {unit}")
    ax.set_ylabel("机构数 organizations")
    ax.set_title(f"{result.program} {result.label}「{(result.quote or '')[:24]}」\n"
                 f"敏感性分析 sensitivity, {result.organizations:,} organizations", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
