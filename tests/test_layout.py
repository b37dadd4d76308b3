"""The layout shows the flow (issue 11): kb/ is one package per stage, each stage
imports only from stages below it, no two modules import each other (directly or
round a circle, function-level imports counted), and no module is a catch-all."""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "kb"

# Lowest first. A module may import from its own package and from earlier rows.
STAGES = [
    ["kb.io"],                      # reading and writing files, errors, options, the CJK font
    ["kb.law"],                     # the texts, their versions and encodings, the profile's fields
    ["kb.profile"],                 # reading an organization's profile
    ["kb.reasoning"],               # facts → Datalog → each node's status and its words
    ["kb.graph", "kb.population"],  # the program graph; synthetic populations
    ["kb.screening"],               # many organizations at once
    ["kb.lint"],                    # drafting defects, coverage, the second-reading review
    ["kb.comparison"],              # conditions across cities
    ["kb.planning"],                # which changes, in which order
    ["kb.revisions"],               # what a revision changes, for whom
    ["kb.views"],                   # pictures and pages
    ["kb.notebook"],                # the notebook API and its views
    ["kb.web"],                     # the pages and the HTTP API
    ["kb.commands"],                # one module per subcommand
    ["kb.cli"],                     # regkb: finds the commands
    ["kb.reference"],               # docs/reference.md from the parser and the app
    ["kb.__main__"],                # python -m kb
]
RANK = {pkg: i for i, row in enumerate(STAGES) for pkg in row}
MAX_LINES = 400


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


MODULES = {module_name(p): p for p in KB.rglob("*.py")}


def stage(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(module: str) -> set[str]:
    """Every kb module this one imports, at the top or inside a function
    (``if TYPE_CHECKING:`` blocks are annotations, not imports)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            found.update(subs)
            if len(subs) < len(node.names):   # names from the module itself
                found.add(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    out = set()
    for name in found:
        while name not in MODULES and "." in name:
            name = name.rpartition(".")[0]
        if name in MODULES and name not in (module, "kb"):
            out.add(name)
    return out


GRAPH = nx.DiGraph([(m, t) for m in MODULES for t in imports(m)])


def test_every_package_of_kb_is_a_stage():
    packages = {stage(m) for m in MODULES if m != "kb"}
    assert packages <= set(RANK), f"a package in no stage: {sorted(packages - set(RANK))}"
    assert set(RANK) <= packages, f"a stage with no package: {sorted(set(RANK) - packages)}"


def test_no_import_circle():
    cycles = [c for c in nx.simple_cycles(GRAPH) if len(c) <= 12]
    assert not cycles, "modules import each other: " + "; ".join(" → ".join(c + c[:1]) for c in cycles[:10])


@pytest.mark.parametrize("row", range(len(STAGES)), ids=[row[0] for row in STAGES])
def test_a_stage_imports_only_from_stages_below(row):
    wrong = sorted(f"{a} → {b}" for a, b in GRAPH.edges
                   if RANK.get(stage(a)) == row and stage(a) != stage(b) and RANK[stage(b)] >= row)
    assert not wrong, "imports from a stage above (or beside): " + ", ".join(wrong)


def test_no_module_over_400_lines():
    big = sorted((n, m) for m, p in MODULES.items()
                 if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert not big, "modules over 400 lines: " + ", ".join(f"{m} ({n})" for n, m in big)


def test_the_readme_diagram_names_every_stage_in_order():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## How data flows")
    section = text[start: text.index("\n## ", start + 1)]
    positions = [section.find(pkg.replace(".", "/") + "/") for row in STAGES for pkg in row
                 if pkg not in ("kb.cli", "kb.reference", "kb.__main__")]
    assert -1 not in positions, "README 'How data flows' must name every stage (kb/<stage>/)"
    rows = [section.find(row[0].replace(".", "/") + "/") for row in STAGES if row[0] not in ("kb.cli", "kb.reference", "kb.__main__")]
    assert rows == sorted(rows), "README 'How data flows' lists the stages out of order"
