"""`regkb population`: a synthetic population from the command line (issue 13),
in the CSV form `screen` and `diff --population` read."""
from __future__ import annotations

import pandas as pd
import pytest

from kb.cli import main


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_size_seed_and_cities(tmp_path, capsys):
    out = tmp_path / "pop.csv"
    assert main(["population", "--size", "40", "--seed", "7", "--city", "guiyang", "--city", "chengdu",
                 "--out", str(out)]) == 0
    frame = read(out)
    assert len(frame) == 40
    assert set(frame["registered_city"]) <= {"guiyang", "chengdu"}
    again = tmp_path / "again.csv"
    assert main(["population", "--size", "40", "--seed", "7", "--city", "guiyang", "--city", "chengdu",
                 "--out", str(again)]) == 0
    assert out.read_bytes() == again.read_bytes()             # the same seed, the same population
    capsys.readouterr()


def test_the_generated_file_screens(tmp_path, capsys):
    out = tmp_path / "pop.csv"
    assert main(["population", "--size", "25", "--out", str(out)]) == 0
    capsys.readouterr()
    result = tmp_path / "screened.csv"
    assert main(["screen", str(out), "--out", str(result)]) == 0
    screened = read(result)
    assert len(screened) == 25 * 6                              # a row per organization and program
    assert "beijing.platform" in result.read_text(encoding="utf-8")


@pytest.mark.parametrize("argv,field", [
    (["--size", "0"], "--size"),
    (["--size", "ten"], "--size"),
    (["--size", "5", "--seed", "-1"], "--seed"),
    (["--size", "5", "--out-suffix"], None),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, argv, field):
    if field is None:
        argv = ["--size", "5"]
        out = tmp_path / "pop.txt"                 # neither .csv nor .parquet
        field = "--out"
    else:
        out = tmp_path / "pop.csv"
    assert main(["population", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("regkb") and field in err and "\n" not in err
    assert not out.exists()
