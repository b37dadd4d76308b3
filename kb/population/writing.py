"""Writing a population as CSV: profiles through the frame, or the generator's
rows block by block (millions of rows without holding them)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np

from kb.io.outputs import atomic_write   # the one writer: all or nothing, the umask's permissions
from kb.population.generator import blocks
from kb.population.rows import JSON_COLUMNS, to_frame


def write_csv(profiles: Iterable, path: str | Path) -> None:
    """Profiles (dicts, Profiles or groups) as one CSV, in to_frame's form."""
    frame = to_frame(profiles)
    atomic_write(Path(path), lambda f: frame.to_csv(f, index=False))


def write_population_csv(path: str | Path, n: int, seed: int = 0, as_of: str = "2024-06-30", *,
                         facts_dir: str | None = None) -> None:
    """``generate(n, seed, as_of)`` in CSV form, written block by block (fast for millions)."""
    def write(f):
        header = None
        for cols in blocks(n, seed, as_of, facts_dir):
            if header is None:
                header = list(cols)
                f.write(",".join(header) + "\n")
            texts = []
            for name in header:
                v = cols[name]
                if name in JSON_COLUMNS or name in ("name", "notes"):
                    v = np.array([_quote(s) for s in v.tolist()], dtype=object)
                texts.append(v.tolist())
            f.write("".join(",".join(r) + "\n" for r in zip(*texts)))
    atomic_write(Path(path), write)


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text
