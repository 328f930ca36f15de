"""A plaintext "public register" drawn from a synthetic population, for the privacy audit.

An attacker who receives an encoded file holds, besides the public schema, some plaintext list
of people from the same population: an open electoral register, say. ``make_register`` draws
one: a random half of the population's adults (18 and over on the population's reference date)
with their true values, as a register would hold them (no agency's errors, no NI number, which
no public register carries), rows shuffled, numbered ``register_id`` 1, 2, ... in that shuffled
order (never derived from the person id). It is drawn from its own random stream, so adding it
changes none of the extracts a seed gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._cells import column
from .population import REFERENCE_DATE

REGISTER_SHARE = 0.5  # share of the adults on the register
REGISTER_MIN_AGE = 18
REGISTER_COLUMNS = (
    "register_id", "first_name", "middle_name", "last_name", "sex", "date_of_birth",
    "house_number", "street", "town", "postcode",
)  # fmt: skip
_STREAM = 1_000_003  # spawn key of the register's random stream (extracts use 0, 1, ...)


def _adults(population: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the people aged at least REGISTER_MIN_AGE on the reference date."""
    year = int(str(REFERENCE_DATE)[:4]) - REGISTER_MIN_AGE
    born_by = f"{year:04d}{str(REFERENCE_DATE)[4:]}"  # ISO dates compare as text
    return np.asarray(population["date_of_birth"].astype(str) <= born_by)


def make_register(population: pd.DataFrame, seed: int | None = 0) -> pd.DataFrame:
    """Return a public register of ``population``: half its adults, true values, no NI number."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM,)))
    eligible = np.flatnonzero(_adults(population))
    chosen = eligible[rng.random(len(eligible)) < REGISTER_SHARE]
    rows = chosen[rng.permutation(len(chosen))]
    out = {"register_id": np.arange(1, len(rows) + 1, dtype=np.int64)}
    for col in REGISTER_COLUMNS[1:]:
        values = population[col].to_numpy()[rows]
        out[col] = values if col == "house_number" else column(values)
    return pd.DataFrame(out, columns=list(REGISTER_COLUMNS))
