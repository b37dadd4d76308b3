"""Property tests (Hypothesis) for every input path, bounded so they stay quick.

Issue 10's contract, stated once and checked on inputs nobody wrote by hand:
a mutated profile through the loader and ``check`` ends in an answer that is
valid JSON or in one InputError of one line, within seconds; mutated CSV rows
through ``screen`` do the same, and every row ``screen`` answers gets exactly
the status ``check`` gives the same profile, while every row it refuses is
refused by the profile reader too.

The mutations start from the sample profiles and the generated population
and replace, delete, add or nest values, drawing from the values that broke
the readers before (huge numbers, 1e900000000, full-width and superscript
digits, calendar ends, empty and odd maps) as well as arbitrary ones.
Examples are derandomized so CI sees the same inputs on every run; set
HYPOTHESIS_PROFILE=thorough for a longer random search.
"""
from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, knowledge_base
from kb.io.errors import InputError
from kb.io.yamlio import parse_text, read_document
from kb.population import generate, to_frame
from kb.profile import profile_from_row
from kb.screening.screen import screen

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", max_examples=500, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SECONDS = 10   # per example: far above a normal check (< 1 s), far below a hang

SAMPLES = [p for p in sorted((ROOT / "facts" / "organizations").glob("*.yaml")) if p.name != "expected.yaml"]

# Python will not even print an int over 4,300 digits, so the serializers below
# write this marker and the digits replace it in the text.
HUGE = "__HUGE_INT__"
DIGITS = "9" * 4301


def _unmark(text: str) -> str:
    return text.replace(f"'{HUGE}'", DIGITS).replace(f'"{HUGE}"', DIGITS).replace(HUGE, DIGITS)


# The values that once broke a reader, then anything at all.
HOSTILE = st.sampled_from([
    "1e900000000", "9" * 4301, HUGE, "9" * 51, 10 ** 60, "1e-900", "-1", "nan", "inf", 1e308, -0.0,
    "２０２３", "²⁰²³", "١٢", "90%", "120%", "1/3", "1/0", "0x10", "1_000", "",
    "0003-01-01", "9999-12-31", "2023-02-30", "1899-12-31", "2101-01-01",
    {}, [], {"２０２３": 5}, {"²⁰²³": 5}, {"2023": 10 ** 60}, {"1800": 1}, [{}], [None], True, None,
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                    st.dates().map(str), st.fractions(max_denominator=10 ** 6).map(str))
VALUES = st.one_of(HOSTILE, SCALARS, st.lists(SCALARS, max_size=3),
                   st.dictionaries(st.text(max_size=6), SCALARS, max_size=3))


def _paths(data, prefix=()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, prefix + (i,))
    return out


def _mutate(data, path: tuple, op: str, value):
    if not path:
        return value if op == "set" else data
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if op == "set":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif op == "nest":
        parent[last] = {"x": parent[last]} if isinstance(last, str) else [parent[last]]
    elif op == "add" and isinstance(parent, dict):
        parent[f"{last}_"] = value
    return data


@st.composite
def mutated_profiles(draw) -> str:
    base = read_document(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(base)
        base = _mutate(base, draw(st.sampled_from(paths)), draw(st.sampled_from(["set", "delete", "nest", "add"])),
                       draw(VALUES))
    kind = draw(st.sampled_from(["yaml", "json", "yaml-damaged"]))
    if kind == "json":
        return _unmark(json.dumps(base, ensure_ascii=False, default=str) + "\n")
    text = yaml.safe_dump(base, allow_unicode=True, sort_keys=False) if isinstance(base, (dict, list)) \
        else f"{json.dumps(base, default=str)}\n"
    if kind == "yaml-damaged" and text:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["&a ", "*a", "!!python/object:os.system ", ":", "[", "\t", "- "])) + text[at:]
    return _unmark(text)


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def _one_line(error: InputError) -> None:
    for line in error.lines:
        assert line and "\n" not in line


@given(text=mutated_profiles(), suffix=st.sampled_from([".yaml", ".json"]))
def test_mutated_profiles_answer_or_fail_in_one_line(kb, tmp_path_factory, text, suffix):
    path = tmp_path_factory.mktemp("p") / f"profile{suffix}"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    try:
        report = kb.check(path)
    except InputError as error:
        _one_line(error)
    else:
        json.loads(json.dumps(report.to_json(), ensure_ascii=False))   # valid JSON, nothing unserializable
    assert time.monotonic() - started < SECONDS


@given(text=st.text(max_size=200))
def test_any_text_parses_or_fails_in_one_line(text):
    for source in ("x.yaml", "x.json"):
        try:
            parse_text(text, source)
        except InputError as error:
            _one_line(error)


# -- CSV rows through screen ---------------------------------------------------------

BASE_ROWS = to_frame(generate(40, seed=3)).to_dict("records")
COLUMNS = list(BASE_ROWS[0])
MUTABLE = [c for c in COLUMNS if c not in ("id", "attest")]
CELLS = st.one_of(HOSTILE.map(lambda v: _unmark(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))),
                  st.text(max_size=10), st.integers().map(str), st.fractions().map(str))


@st.composite
def mutated_rows(draw) -> tuple[list[str], list[list[str]]]:
    rows = []
    for i in range(draw(st.integers(1, 3))):
        row = dict(draw(st.sampled_from(BASE_ROWS)))
        row["id"] = f"row-{i}"
        for _ in range(draw(st.integers(0, 3))):
            row[draw(st.sampled_from(MUTABLE))] = draw(CELLS)
        cells = [str(row.get(c, "")) for c in COLUMNS]
        width = draw(st.sampled_from([0, 0, 0, 0, 1, -1]))   # now and then a cell too many or too few
        cells = cells + ["x"] if width > 0 else cells[:-1] if width < 0 else cells
        rows.append(cells)
    return COLUMNS, rows


@given(table=mutated_rows())
def test_mutated_csv_rows_screen_as_check_answers(kb, tmp_path_factory, table):
    header, rows = table
    folder = tmp_path_factory.mktemp("s")
    source, target = folder / "in.csv", folder / "out.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    source.write_text(buffer.getvalue(), encoding="utf-8")
    refused: list[str] = []
    started = time.monotonic()
    screen(kb, source, target, progress=False, report=refused.append)
    assert time.monotonic() - started < SECONDS
    with open(target, newline="", encoding="utf-8") as f:
        got = {(r["org"], r["program"]): r["status"] for r in csv.DictReader(f)}
    for number, cells in enumerate(rows, 2):
        org = cells[0]
        answered = any(key[0] == org for key in got)
        named = [m for m in refused if m.startswith(f"{source}:row {number}:")]
        assert answered != bool(named), (org, named)   # each row answered or refused, never both or neither
        if len(cells) != len(header):
            assert named and "cells as in the header row" in named[0]
            continue
        try:
            profile = kb.load(profile_from_row(dict(zip(header, cells)), str(source), number))
        except InputError as error:
            assert not answered, f"screen answered a row check refuses: {error.message}"
            continue
        assert answered, f"screen refused a row check reads: {named}"
        for result in kb.check(profile).results:
            assert got[(org, result.program)] == result.status, (org, result.program)
