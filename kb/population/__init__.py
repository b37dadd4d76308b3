"""Synthetic organization populations, and populations read from disk.

``generate(n, seed, as_of)`` returns profile dicts (../shared/spec/profile.md)
for the three cities; ``to_frame`` / ``write_csv`` give their CSV form (dotted
columns, list and map fields as JSON cells); ``read_population`` reads a CSV or
a directory of profile files back as validated Profiles. ``write_population_csv``
writes millions of rows straight to CSV, chunk by chunk.

Row i depends only on (seed, i) and as_of, so ``generate(2000)`` is a prefix of
``generate(10**6)``. Every figure is derived from the encoded conditions (the
knowledge base's nodes under every switch value); no threshold is restated.

The distributions, per organization:

- target: the program it looks like — beijing.station 12%, beijing.platform
  16%, beijing.base 12%, guiyang.platform 15%, chengdu.platform 18%,
  chengdu.base 15%, none 12%; registered in the target's city (93%, else one
  of the other two or shanghai / shenzhen); a latent strength z ~ N(0.25, 1)
  raises all its figures together.
- counts, money and areas: log-normal, median 1.6 × the threshold the
  target's program sets on the field (else the median threshold over all
  programs, else 20), times exp(0.35 z + 0.4 ε); rounded to whole units.
  Shares (satisfaction …): the threshold + 0.06 + 0.04 z + 0.04 ε, clipped to
  [0, 1], two decimals. Staff: qualified staff a share of the service staff
  of threshold + 0.08 + 0.05 z + 0.06 ε; full-time staff U(0.6, 1) of it.
  Every "never less than" pair of the spec holds (家次 ≥ 家 …).
- booleans: true with 85% (legal person 93%, leased base 40%, 高精尖 focus
  25%, service station 45%, matchmaking focus 30%, quality certified 50%).
- dates: founded 0.2 + Gamma(2, 3) years before as_of; registered elsewhere
  first (registered_on later) 20%; began operating later 30%.
- services: each function of the target's lists offered with probability
  sigmoid(1 + 0.8 z) (about 70%), other functions 15%; its figures as above.
- growth: served SMEs for the five years before as_of, growing by
  N(0.1 + 0.05 z, 0.07) a year (ties by rounding happen).
- history: credit events Poisson(0.08·e^(−z/2)) over the last 8 years (kind
  uniform, 70% the entity); a designation of the target program in 12% (granted
  within 5 years, three-year term, expiry unknown in 10%); a revocation in 3%;
  attestations in 15% (one or two qualitative keys, half of them false).
- unknowns: every scalar field left empty with probability 3%.

Boundary probes: every odd row (i = 2j + 1) also carries probe (j + seed) mod P of a
fixed list built from the nodes: each threshold exactly at, just below and just
above its figure (1 for counts; 0.01 and 1e-10 for shares, money, areas),
through its bounds (家次 ≥ 家 …) and missing; full years on, the day after and
the day before the anniversary; each list value, alias, non-listed value and
empty list; booleans true / false / missing; attestations true / false; each
credit-event kind and subject on, the day before and the day after a window's
start; revocations likewise; designations expiring in as_of's year, the next
year, the day before as_of, on as_of, or with unknown expiry; growth series
strictly rising, tied or falling at each pair, missing each year, empty;
park types; leased bases; 高精尖 bases; matchmaking-focused consulting. A
probe sets the conditions around it (a function's other figures, a guard, an
alternative) so the probed one decides. Its name is in the row's ``notes``.
So any n ≥ 2P covers every probe (P is len(probes())).
"""
from kb.population.generator import generate, generate_frame
from kb.population.probing import probes
from kb.population.reading import read_population
from kb.population.rows import decimal_text, profile_row, to_frame
from kb.population.writing import write_csv, write_population_csv

__all__ = ["decimal_text", "generate", "generate_frame", "probes", "profile_row", "read_population",
           "to_frame", "write_csv", "write_population_csv"]
