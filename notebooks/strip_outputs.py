"""Strip outputs before committing: ``python notebooks/strip_outputs.py [NOTEBOOK ...]``.

Committed notebooks carry no outputs, execution counts, timings or machine
paths (tests/test_notebooks.py checks). Without arguments, every notebook in
this directory is stripped in place.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

KEEP_METADATA = ("kernelspec",)


def strip(path: Path) -> bool:
    """Strip one notebook in place; True if it changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata = {k: nb.metadata[k] for k in KEEP_METADATA if k in nb.metadata}
    nb.metadata["language_info"] = {"name": "python"}
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path(__file__).parent.glob("*.ipynb"))
    for p in paths:
        print(("stripped " if strip(p) else "clean    ") + str(p))
