"""The README is the map a new user reads first: every path it names exists,
every picture it shows is in the repository, and every subcommand is in it."""
from __future__ import annotations

import re
from pathlib import Path

from kb.cli import ORDER, commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def where_things_are() -> str:
    start = README.index("## Where things are")
    end = README.index("\n## ", start + 5)
    return README[start:end]


def test_every_path_in_where_things_are_exists():
    names = re.findall(r"`([^`]+)`", where_things_are())
    paths = [n for n in names if "/" in n and " " not in n and "<" not in n and not n.startswith("python")]
    assert len(paths) > 15
    missing = [p for p in paths if not (ROOT / p.split("#")[0]).exists()]
    assert not missing


def test_every_subcommand_is_documented():
    found = {name for name, _ in commands()}
    assert found == set(ORDER)                 # every command module is importable and registered
    undocumented = [name for name in ORDER if not re.search(rf"regkb {name}\b", README)]
    assert not undocumented


def test_every_picture_and_link_in_the_readme_is_in_the_repository():
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    local = [t for t in targets if not t.startswith(("http://", "https://", "../"))]
    assert local
    assert not [t for t in local if not (ROOT / t).exists()]


def test_every_python_import_the_docs_show_works():
    """The import lines a reader copies from the README, the notebooks' README and
    docs/ (and the knowledge base's docstring) name what kb really exports."""
    import importlib

    texts = [README] + [(ROOT / p).read_text(encoding="utf-8") for p in ("notebooks/README.md", "kb/reasoning/base.py")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")]
    lines = {m.group(0) for t in texts for m in re.finditer(r"from (kb[\w.]*) import ([\w, ]+)", t)}
    assert len(lines) >= 3
    for line in sorted(lines):
        module, names = re.match(r"from (kb[\w.]*) import ([\w, ]+)", line).groups()
        mod = importlib.import_module(module)
        missing = [n.strip() for n in names.split(",") if n.strip() and not hasattr(mod, n.strip())]
        assert not missing, f"{line}: {module} has no {missing}"
