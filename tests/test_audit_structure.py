"""An unsalted q-gram filter of near-unique values (an NI number as bigrams) is called at risk:
its tokens can be mined from the file and decoded against a reference (a red team, 2026-12-06)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkcore.audit.run import run_audit
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema

KEY = Secret(bytes(range(32)))


def table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
    ni = [f"{''.join(rng.choice(letters, 2))}{rng.integers(0, 10**6):06d}{rng.choice(list('ABCD'))}"
          for _ in range(n)]
    names = rng.choice(["anna", "ben", "cara", "dev", "ella", "finn"], n)
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)], "first_name": names,
                         "date_of_birth": "1990-01-01", "ni_number": ni})


def schema(ni: dict) -> Schema:
    return Schema.from_dict({"linkcore_schema": 2, "fields": [
        {"name": "first_name", "kind": "name"},
        {"name": "date_of_birth", "kind": "date", "tokens": {"type": "exact"},
         "filter_bits": 128, "k": 30, "comparison": {"thresholds": []}},
        {"name": "ni_number", "kind": "identifier", "salt": None, **ni}]})


def verdict(ni: dict):
    sch = schema(ni)
    result = run_audit(table(400, 1), sch, Mapping.identity(sch), KEY, table(800, 2),
                       attacks=("frequency",), attacker_key=Secret(bytes(range(1, 33))))
    return next(v for v in result.verdicts if v.target == "ni_number")


def test_bigrams_of_unique_values_unsalted_are_at_risk_by_structure():
    v = verdict({})
    assert v.at_risk and v.attack == "structure"
    assert "one exact token" in v.message and "AB" not in v.message


def test_one_exact_token_or_a_salt_is_not():
    assert not verdict({"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
                        "comparison": {"thresholds": []}}).at_risk
    salted = verdict({"salt": {"field": "date_of_birth", "transform": "value"}})
    assert salted.attack != "structure"
