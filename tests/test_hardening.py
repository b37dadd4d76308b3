"""Issue 10: no silent wrong answer, no hang, no traceback, whatever the input.

Each reproducer from the issue has a tiny file under tests/fixtures/hardening/
(or is built here when it is a pipe, a device or a file too large to keep) and
must end in an answer (exit 0), bad input (exit 2, one line naming the file,
the field and what was expected) or an interruption (exit 130, one line,
nothing written) within seconds. Limits are tested as boundary pairs: the
value just at the limit is read, the one just past it is refused.
"""
from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, knowledge_base
from kb.cli import main
from kb.io.errors import InputError, InputErrors
from kb.io.inputs import MAX_BYTES, MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, parse_json, parse_number
from kb.io.yamlio import parse_text, read_document
from kb.io.outputs import atomic_write, check_output
from kb.profile import load_profile
from kb.screening.cells import parse_column
from kb.screening.reader import _num
from kb.screening.screen import screen

HERE = Path(__file__).parent / "fixtures" / "hardening"
GOOD = Path(__file__).parent / "fixtures" / "good" / "minimal.yaml"


def one_error(path, **kwargs) -> InputError:
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        load_profile(path, **kwargs)
    assert time.monotonic() - started < 5, "an input error must come within seconds"
    message = info.value.message
    assert "\n" not in message and message.startswith(str(path)), message
    return info.value


# -- profiles: hangs and unbounded memory ---------------------------------------

@pytest.mark.parametrize("name,field,words", [
    ("alias_bomb.yaml", "line 4", "values once aliases are expanded"),
    ("alias_cycle.yaml", "line 4", "refers to a node that contains it"),
    ("huge_exponent.json", None, f"exponent between -{MAX_EXPONENT} and {MAX_EXPONENT}"),
    ("huge_exponent_share.yaml", "performance.satisfaction", "got '1e900000000'"),
    ("long_integer.yaml", "line 4", f"at most {MAX_DIGITS} digits"),
    ("deep_nesting.yaml", "line 3", f"at most {MAX_DEPTH} levels of nesting"),
    ("deep_nesting.json", None, f"at most {MAX_DEPTH} levels of nesting"),
    ("superscript_year.yaml", "performance.smes_served_by_year.²⁰²³", "expected a year such as 2023"),
    ("duplicate_key.yaml", "line 4", "'total_assets' is given twice"),
    ("duplicate_key.json", None, "'total_assets' is given twice"),
    ("as_of_year_3.yaml", "as_of", "expected a date from 1900-01-01 to 2100-12-31, got 0003-01-01"),
    ("as_of_year_9999.yaml", "as_of", "expected a date from 1900-01-01 to 2100-12-31, got 9999-12-31"),
])
def test_each_bad_profile_is_one_line_within_seconds(name, field, words):
    err = one_error(HERE / name)
    assert err.field == field
    assert words in err.message, err.message


def test_number_size_boundary_in_a_profile():
    """50 digits are read exactly; 51 are refused (long_integer.yaml) before any conversion."""
    profile = load_profile(HERE / "limit_integer.yaml")
    assert profile.values["total_assets"] == Fraction(10 ** MAX_DIGITS - 1)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_integers_over_pythons_4300_digit_limit(tmp_path, suffix):
    path = tmp_path / f"big{suffix}"
    digits = "9" * 4301
    path.write_text(f'{{"id": "x", "as_of": "2024-06-30", "total_assets": {digits}}}\n', encoding="utf-8")
    assert f"at most {MAX_DIGITS} digits" in one_error(path).message


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_three_thousand_levels_of_nesting(tmp_path, suffix):
    path = tmp_path / f"deep{suffix}"
    path.write_text('{"id": "x", "notes": ' + "[" * 3000 + "]" * 3000 + "}\n", encoding="utf-8")
    assert "levels of nesting" in one_error(path).message


def test_depth_boundary():
    at_limit = '{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert parse_text(at_limit, "x.json") == {"a": _nested(MAX_DEPTH - 2)}
    assert parse_text(at_limit.replace("{", "{ ", 1), "x.yaml") == {"a": _nested(MAX_DEPTH - 2)}
    over = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    for source in ("x.json", "x.yaml"):
        with pytest.raises(InputError, match="levels of nesting"):
            parse_text(over, source)


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_few_aliases_are_still_plain_yaml():
    data = parse_text("a: &x {id: 1}\nb: *x\n", "x.yaml")
    assert data == {"a": {"id": 1}, "b": {"id": 1}}


def test_fifo_and_device_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "profile.yaml"
    os.mkfifo(fifo)
    assert "got a pipe" in one_error(fifo).message
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    assert "got a device" in one_error(zero).message


def test_size_limit_boundary(tmp_path):
    at_limit, over = tmp_path / "at.yaml", tmp_path / "over.yaml"
    body = "id: x\nnotes: a\n"
    at_limit.write_text(body + "#" * (MAX_BYTES - len(body) - 1) + "\n", encoding="utf-8")
    assert load_profile(at_limit).id == "x"
    over.write_text(body + "#" * (MAX_BYTES - len(body)) + "\n", encoding="utf-8")
    assert "at most 8 MB" in one_error(over).message


# -- numbers -------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("9" * MAX_DIGITS, Fraction(10 ** MAX_DIGITS - 1)),
    (f"1e{MAX_EXPONENT}", Fraction(10 ** MAX_EXPONENT)),
    (f"1e-{MAX_EXPONENT}", Fraction(1, 10 ** MAX_EXPONENT)),
    ("１２０", Fraction(120)),          # full-width digits, as int() reads them
    ("1/3", Fraction(1, 3)),
    ("0.9", Fraction(9, 10)),
    ("1_000", Fraction(1000)),
])
def test_number_text_within_the_bounds_is_exact(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["9" * (MAX_DIGITS + 1), f"1e{MAX_EXPONENT + 1}", f"1e-{MAX_EXPONENT + 1}",
                                  "1e900000000", "9" * 5000, "²", "1e", "inf", "nan", "0x10", "1/0"])
def test_number_text_outside_the_bounds_is_refused_at_once(text):
    started = time.monotonic()
    with pytest.raises(ValueError):
        parse_number(text)
    assert time.monotonic() - started < 1


def test_json_numbers_are_bounded_and_keys_unique():
    assert parse_json('{"a": 0.1}') == {"a": Fraction(1, 10)}
    for text in ('{"a": 1e999999999}', '{"a": ' + "1" * 4400 + "}", '{"a": 1, "a": 2}'):
        with pytest.raises(ValueError):
            parse_json(text)


def test_fullwidth_year_is_the_year_2023_in_check():
    """A year of full-width digits means what the same year in ASCII means."""
    wide = load_profile(HERE / "fullwidth_year.yaml")
    assert wide.values["performance.smes_served_by_year"] == {2023: 5}


# -- the command line ------------------------------------------------------------

def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_argparse_errors_are_one_line_not_doubled(capsys):
    code, out, err = run(capsys, "check")
    assert code == 2 and out == ""
    assert err.strip() == "regkb check: the following arguments are required: profile"
    code, _, err = run(capsys, "no-such-command")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "regkb: regkb" not in err


@pytest.mark.parametrize("argv,words", [
    (["check", GOOD, "--as-of", "0001-01-01"], "--as-of: expected a date from 1900-01-01 to 2100-12-31"),
    (["check", HERE / "as_of_year_3.yaml"], "as_of: expected a date from 1900-01-01"),
    (["plan", GOOD, "--horizon", "99999"], "--horizon: expected a whole number"),
    (["plan", GOOD, "--horizon", "9" * 5000], "--horizon: expected a whole number"),
    (["plan", GOOD, "--horizon", "²"], "--horizon: expected a whole number"),
    # the same guard on every whole-number option, not only the planner's
    (["population", "--size", "9" * 5000, "--out", "never-written.csv"], "--size: expected a whole number"),
    (["population", "--seed", "²", "--size", "1", "--out", "never-written.csv"], "--seed: expected a whole number"),
    (["serve", "--port", "9" * 5000], "--port: expected a port number"),
    (["serve", "--port", "²"], "--port: expected a port number"),
    (["check", GOOD, "--version", HERE / "version_list.yaml"], "version.document: expected the document id"),
    (["check", GOOD, "--version", "beijing.platform@2017", "--version", "beijing.platform@2019"],
     "a second version of beijing.sme-service-platform"),
    (["check", GOOD, "--version", "@2018-01-01", "--version", "@2020-01-01"], "a second date"),
])
def test_bad_options_exit_2_with_one_line(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert len(err.strip().splitlines()) == 1 and words in err, err


def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    import kb.commands.check as check_command

    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(check_command, "run", interrupted)
    code, out, err = run(capsys, "check", GOOD)
    assert (code, out, err) == (130, "", "regkb: interrupted (Ctrl-C)\n")


# -- screen --------------------------------------------------------------------

@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


def screened(kb, source, tmp_path, **kwargs) -> tuple[dict, list[str]]:
    bad: list[str] = []
    target = tmp_path / "out.csv"
    screen(kb, source, target, progress=False, report=bad.append, **kwargs)
    with open(target, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {(r["org"], r["program"]): r for r in rows}, bad


def test_an_extra_cell_in_the_first_row_is_that_rows_error_not_a_shift(kb, tmp_path):
    """pandas took the first column for an index: every column moved one to the left."""
    rows, bad = screened(kb, HERE / "extra_cell_first_row.csv", tmp_path)
    assert bad == [f"{HERE / 'extra_cell_first_row.csv'}:row 2: expected 3 cells as in the header row, got 4"]
    assert {org for org, _ in rows} == {"org-2"}


def test_a_short_row_is_that_rows_error_not_missing_data(kb, tmp_path):
    rows, bad = screened(kb, HERE / "short_row.csv", tmp_path)
    assert bad == [f"{HERE / 'short_row.csv'}:row 2: expected 3 cells as in the header row, got 2"]
    assert {org for org, _ in rows} == {"org-2"}


def test_misfit_rows_keep_their_row_numbers_among_blank_lines_and_quoted_newlines(kb, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,total_assets\norg-a,1\n\norg-b,2,3\n"org\nc",4\norg-d\norg-e,5\n', encoding="utf-8")
    rows, bad = screened(kb, path, tmp_path, chunk_size=1)
    assert bad == [f"{path}:row 4: expected 2 cells as in the header row, got 3",
                   f"{path}:row 6: expected 2 cells as in the header row, got 1"]
    assert {org for org, _ in rows} == {"org-a", "org\nc", "org-e"}


@pytest.mark.parametrize("chunk_size", [1, 100])   # alone in its chunk, {} once broke the fast path
def test_year_map_cells_that_killed_the_screen(kb, tmp_path, chunk_size):
    """{} and full-width years are read as check reads them; a superscript year is that row's error."""
    source = HERE / "year_maps.csv"
    rows, bad = screened(kb, source, tmp_path, chunk_size=chunk_size)
    assert bad == [f"{source}:row 4: performance.smes_served_by_year.²⁰²³: "
                   "expected a year such as 2023 as key, got '²⁰²³'"]
    for org, year_map in (("org-empty", {}), ("org-fullwidth", {"2023": 5}), ("org-ascii", {"2023": 5})):
        report = kb.check({"id": org, "performance": {"smes_served_by_year": year_map}})
        for result in report.results:
            assert rows[(org, result.program)]["status"] == result.status, (org, result.program)


def test_number_cells_over_the_limits_are_row_errors(kb, tmp_path):
    source = HERE / "number_cells.csv"
    started = time.monotonic()
    rows, bad = screened(kb, source, tmp_path)
    assert time.monotonic() - started < 10
    assert [b.split(": ")[0:2] for b in bad] == [[f"{source}:row 2", "total_assets"],
                                                 [f"{source}:row 3", "total_assets"]]
    assert {org for org, _ in rows} == {"org-ok"}


def test_a_duplicate_key_in_a_json_cell_is_a_row_error(kb, tmp_path):
    rows, bad = screened(kb, HERE / "duplicate_key_cell.csv", tmp_path)
    assert rows == {} and len(bad) == 1 and "'2023' is given twice" in bad[0]


def test_distinct_fractions_do_not_share_one_denominator():
    """1/p for 2,000 primes: one common denominator would have ~7,000 digits per row."""
    primes = [p for p in range(2, 20000) if all(p % d for d in range(2, int(p ** 0.5) + 1))][:2000]
    cells = np.array([f"1/{p}" for p in primes], dtype=object)
    num = _num(parse_column("total_assets", cells))
    dens = np.asarray(num.den)
    assert dens.shape == (2000,) and int(dens.max()) == primes[-1]
    assert all(int(n) == 1 for n in num.num)


def test_screen_with_distinct_fractions_answers_as_check_does(kb, tmp_path):
    path = tmp_path / "fractions.csv"
    primes = [p for p in range(2, 4000) if all(p % d for d in range(2, int(p ** 0.5) + 1))][:400]
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,registered_city,total_assets\n")
        for p in primes:
            f.write(f"org-{p},beijing,{p * 1000 - 1}/{p}\n")
    rows, bad = screened(kb, path, tmp_path)
    assert bad == []
    for p in (2, primes[-1]):
        report = kb.check({"id": f"org-{p}", "registered_city": "beijing", "total_assets": Fraction(p * 1000 - 1, p)})
        for result in report.results:
            assert rows[(f"org-{p}", result.program)]["status"] == result.status


def test_one_bad_file_in_a_directory_is_that_files_error(kb, tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "a-good.yaml").write_text("id: good\nas_of: 2024-06-30\nregistered_city: beijing\n", encoding="utf-8")
    (folder / "b-deep.json").write_text('{"id": "deep", "notes": ' + "[" * 3000 + "]" * 3000 + "}",
                                        encoding="utf-8")
    os.mkfifo(folder / "c-pipe.yaml")
    (folder / "d-bomb.yaml").write_bytes((HERE / "alias_bomb.yaml").read_bytes())
    rows, bad = screened(kb, folder, tmp_path)
    assert {org for org, _ in rows} == {"good"}
    assert len(bad) == 3
    assert "levels of nesting" in bad[0] and "got a pipe" in bad[1] and "aliases are expanded" in bad[2]


@pytest.mark.parametrize("target,words", [
    ("/proc/regkb-out.csv", "not under /proc, /sys or /dev"),
    ("/sys/regkb-out.csv", "not under /proc, /sys or /dev"),
    ("/proc/self/regkb-out.csv", "not under /proc, /sys or /dev"),
])
def test_out_under_proc_or_sys_fails_before_the_run(capsys, target, words):
    code, out, err = run(capsys, "screen", HERE / "short_row.csv", "--out", target)
    assert (code, out) == (2, "") and words in err and len(err.strip().splitlines()) == 1


def test_out_naming_a_directory_fails_before_the_run(tmp_path, monkeypatch):
    import kb.screening.screen as screen_module
    (tmp_path / "existing.csv").mkdir()
    def never(*args, **kwargs):
        raise AssertionError("the run started")
    monkeypatch.setattr(screen_module, "Evaluator", never)
    with pytest.raises(InputError, match="expected a file name, got a directory"):
        screen(knowledge_base(), HERE / "short_row.csv", tmp_path / "existing.csv", progress=False)


def test_output_permissions_follow_the_umask_and_an_existing_file_keeps_its_own(tmp_path):
    old = os.umask(0o027)
    try:
        new = atomic_write(tmp_path / "new.csv", "a\n")
        assert stat.S_IMODE(new.stat().st_mode) == 0o640
        kept = tmp_path / "kept.csv"
        kept.write_text("old\n", encoding="utf-8")
        os.chmod(kept, 0o644)
        atomic_write(kept, "new\n")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o644 and kept.read_text(encoding="utf-8") == "new\n"
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv", "new.csv"]   # no temporary file


def test_check_output_refuses_what_cannot_be_written(tmp_path):
    with pytest.raises(InputError, match="the directory does not exist"):
        check_output(tmp_path / "missing" / "out.csv")
    with pytest.raises(InputError, match="expected a directory, got a file"):
        (tmp_path / "f").write_text("x", encoding="utf-8")
        check_output(tmp_path / "f", "--write", directory=True)
    assert check_output(tmp_path / "new-dir", "--write", directory=True) == tmp_path / "new-dir"


# -- interrupts: real signals need a real process ------------------------------------

@pytest.fixture(scope="module")
def population_csv(tmp_path_factory) -> Path:
    from kb.population import generate, write_csv
    path = tmp_path_factory.mktemp("pop") / "population.csv"
    write_csv(generate(3000, seed=10), path)
    return path


@pytest.mark.parametrize("signum,words", [(signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM")])
def test_a_signal_mid_screen_leaves_nothing_behind(tmp_path, population_csv, signum, words):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "kb", "screen", str(population_csv), "--out",
                             str(out_dir / "result.csv"), "--chunk-size", "50"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # a background shell starts children with SIGINT ignored; a terminal would not
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not any(out_dir.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)   # the temporary output exists: the run is writing
    assert proc.poll() is None, "screen finished before it could be interrupted"
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert out == "" and err.strip().splitlines()[-1] == f"regkb: interrupted ({words})"
    assert "Traceback" not in err
    assert list(out_dir.iterdir()) == []   # no output, no .part


def test_a_misspelt_attest_key_in_a_csv_is_that_rows_error(kb, tmp_path):
    """As in check: a misspelt key would attest nothing and leave its condition "assumed met"."""
    source = HERE / "attest_misspelt.csv"
    rows, bad = screened(kb, source, tmp_path)
    assert bad == [f"{source}:row 2: attest.sound_managment: unknown attest key 'sound_managment'; "
                   "did you mean 'sound_management'?"]
    assert {org for org, _ in rows} == {"org-2", "org-3"}
