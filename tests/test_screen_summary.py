"""`regkb screen --summary`: which conditions exclude the most organizations,
alone and together, each with its clause (issue 13)."""
from __future__ import annotations

import json

from kb.reasoning.base import KnowledgeBase
from kb.cli import main
from kb.screening.summary import summarize


def test_counts_alone_and_together(tmp_path):
    out = tmp_path / "screened.csv"
    out.write_text(
        "org,program,status,failed,unknown,missing,discretion\n"
        "a,beijing.platform,fails,beijing.platform/total_assets,,,\n"
        "b,beijing.platform,fails,beijing.platform/total_assets;beijing.platform/satisfaction,,,\n"
        "c,beijing.platform,fails,beijing.platform/satisfaction;beijing.platform/total_assets,,,\n"
        "d,beijing.platform,qualifies,,,,\n"
        "a,guiyang.platform,fails,guiyang.platform/total_assets,,,\n", encoding="utf-8")
    s = summarize(KnowledgeBase(), out, ["beijing.platform"])["beijing.platform"]
    assert s["fails"] == 3
    top = s["blockers"][0]
    assert (top.condition, top.excludes, top.alone) == ("beijing.platform/total_assets", 3, 1)
    assert top.citation == "第五条（一）" and "200万元" in top.quote       # 资产总额不低于人民币200万元
    assert s["blockers"][1].alone == 0
    assert s["together"] == [("beijing.platform/satisfaction", "beijing.platform/total_assets", 2)]


def test_screen_prints_the_summary(tmp_path, capsys):
    pop, out = tmp_path / "pop.csv", tmp_path / "out.csv"
    assert main(["population", "--size", "60", "--out", str(pop)]) == 0
    capsys.readouterr()
    assert main(["screen", str(pop), "--out", str(out), "--summary", "--program", "chengdu.base", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    why = data["why"]["chengdu.base"]
    fails = next(p["fails"] for p in data["programs"] if p["program"] == "chengdu.base")
    assert why["fails"] == fails and fails > 0
    assert why["blockers"] and all(b["clause"].startswith("第") for b in why["blockers"])
    assert why["blockers"][0]["excludes"] >= why["blockers"][-1]["excludes"]
