"""The synthetic population: rows start … start+n-1 drawn block by block, as a
frame of cell text or as profile dicts. Row i depends only on (seed, i) and as_of."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kb.population.block import BLOCK, Block
from kb.population.encoded import spec
from kb.population.rows import profile_dict


def blocks(n: int, seed: int, as_of: str, facts_dir: str | None, start: int = 0):
    """Rows start … start+n-1 as column arrays of cell text, one seeded block at a time."""
    sp = spec(facts_dir)
    day = date.fromisoformat(as_of)
    first, last = start // BLOCK, (start + n - 1) // BLOCK if n else -1
    for b in range(first, last + 1):
        cols = Block(sp, seed, b, day, facts_dir).frame()
        lo = max(start, b * BLOCK) - b * BLOCK
        hi = min(start + n, (b + 1) * BLOCK) - b * BLOCK
        yield {k: v[lo:hi] for k, v in cols.items()}


def generate_frame(n: int, seed: int = 0, as_of: str = "2024-06-30", *, facts_dir: str | None = None,
                   start: int = 0) -> pd.DataFrame:
    """Rows start … start+n-1 of the population, in CSV form (cell text, "" where empty)."""
    parts = list(blocks(n, seed, as_of, facts_dir, start))
    if not parts:
        return pd.DataFrame(columns=["id"])
    return pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]}, dtype=object)


def generate(n: int, seed: int = 0, as_of: str = "2024-06-30", *, facts_dir: str | None = None) -> list[dict]:
    """``n`` synthetic organization profiles (dicts for kb.profile.profile_from_dict)."""
    frame = generate_frame(n, seed, as_of, facts_dir=facts_dir)
    return [profile_dict(row) for row in frame.to_dict("records")]
