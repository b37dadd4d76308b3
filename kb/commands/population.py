"""regkb population --size N [--seed S] [--city C ...] [--as-of DATE] --out FILE.csv|.parquet"""
from __future__ import annotations

from kb.law.model import CITY_ZH

HELP = "generate a synthetic population of organizations (CSV or Parquet) for screen, diff and sweep"

CITIES = tuple(CITY_ZH)
BLOCK = 20_000


def add_arguments(p) -> None:
    p.add_argument("--size", required=True, metavar="N", help="how many organizations (1 to 10,000,000)")
    p.add_argument("--seed", default="0", metavar="S", help="random seed (default 0): the same seed, the same population")
    p.add_argument("--city", action="append", choices=CITIES + ("other",),
                   help="keep only organizations registered in this city (repeatable; default all)")
    p.add_argument("--as-of", default="2024-06-30", help="evaluation date of the profiles (default 2024-06-30)")
    p.add_argument("--out", required=True, metavar="FILE", help="output: .csv, or .parquet (needs pyarrow)")


def frame(size: int, seed: int, as_of: str, cities: list[str] | None):
    """``size`` rows of the seeded population, keeping only the cities asked for."""
    import pandas as pd

    from kb.population import generate_frame
    if not cities:
        return generate_frame(size, seed, as_of)
    parts, have, start = [], 0, 0
    while have < size:
        block = generate_frame(BLOCK, seed, as_of, start=start)
        city = block["registered_city"]
        keep = city.isin(cities) | (("other" in cities) & ~city.isin(CITIES))
        block = block[keep]
        parts.append(block)
        have += len(block)
        start += BLOCK
        if start > 200 * max(size, BLOCK):       # a city the generator never produces
            break
    return pd.concat(parts, ignore_index=True).head(size) if parts else generate_frame(0, seed, as_of)


def run(args) -> str:
    from kb.io.options import parse_date, whole
    from kb.io.errors import InputError
    from kb.io.outputs import atomic_write, check_output
    size = whole(args.size, "--size", 1, 10_000_000)
    seed = whole(args.seed, "--seed", 0, 2 ** 32 - 1)
    as_of = parse_date(args.as_of).isoformat()
    out = check_output(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError("--out", str(args.out), "expected a file name ending in .csv or .parquet")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError("--out", str(args.out), "Parquet needs pyarrow (pip install -e '.[parquet]'); or write .csv") from None
    data = frame(size, seed, as_of, args.city)
    if len(data) < size:
        raise InputError("--city", ",".join(args.city), f"expected cities the generator produces; found only {len(data)}")

    if suffix == ".csv":
        atomic_write(out, lambda f: data.to_csv(f, index=False))
    else:
        import io
        buf = io.BytesIO()
        data.to_parquet(buf, index=False)
        atomic_write(out, buf.getvalue())
    return f"wrote {len(data):,} organizations to {out}"
