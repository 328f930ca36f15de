"""A value encoded under two salts in one file is called at risk: the two families of equality
classes chain (a red team, 2026-12-06, heldout5 seeds 53 and 58)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkcore.audit.run import coupled_salts, run_audit
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema

KEY = Secret(bytes(range(32)))
EXACT = {"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
         "comparison": {"thresholds": []}}


def schema(view_salt: str | None, hardening: list | None = None,
           base_salt: dict | None = None) -> Schema:
    fields = [{"name": "first_name", "kind": "name",
               **({"salt": base_salt["salt"]} if base_salt is not None else {})},
              {"name": "last_name", "kind": "name"},
              {"name": "date_of_birth", "kind": "date", **EXACT},
              {"name": "postcode", "kind": "postcode", "salt": None}]
    if view_salt is not None:
        fields.append({"name": "first_name_by_pc", "kind": "name", "source": "first_name",
                       "salt": {"field": view_salt, "transform": "value"},
                       **({"hardening": hardening} if hardening is not None else {})})
    return Schema.from_dict({"linkcore_schema": 3, "fields": fields})


def test_a_name_and_its_view_under_another_salt_are_coupled():
    assert coupled_salts(schema("postcode")) == {
        "first_name": ("date_of_birth", "postcode"),
        "first_name_by_pc": ("date_of_birth", "postcode")}


def test_one_salt_or_noise_is_not_coupled():
    assert coupled_salts(schema(None)) == {}
    assert coupled_salts(schema("postcode", base_salt={"salt": None})) == {}
    assert coupled_salts(schema("postcode", [{"type": "blip", "epsilon": 3}])) == {}


def table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "first_name": rng.choice(["anna", "ben", "cara", "dev", "ella", "finn"], n),
        "last_name": rng.choice(["smith", "jones", "patel", "khan"], n),
        "date_of_birth": [f"19{rng.integers(50, 99)}-0{rng.integers(1, 9)}-1{rng.integers(0, 9)}"
                          for _ in range(n)],
        "postcode": rng.choice(["CV1 1AA", "CV2 2BB", "CV3 3CC"], n)})


def test_the_audit_reports_the_structure_without_a_value():
    sch = schema("postcode")
    result = run_audit(table(300, 1), sch, Mapping.identity(sch), KEY, table(600, 2),
                       attacks=("frequency",), attacker_key=Secret(bytes(range(1, 33))))
    verdicts = {v.target: v for v in result.verdicts}
    for name in ("first_name", "first_name_by_pc"):
        assert verdicts[name].at_risk and verdicts[name].attack == "structure"
        assert "one salt" in verdicts[name].message
        assert not any(v in verdicts[name].message for v in ("anna", "CV1", "1AA"))
    assert verdicts["last_name"].attack != "structure"


def test_the_chained_group_attack_runs_only_where_two_families_hold_the_value():
    attacks = ("group_overlap", "group_chain")
    two = run_audit(table(300, 1), schema("postcode"), Mapping.identity(schema("postcode")),
                    KEY, table(600, 2), attacks=attacks,
                    attacker_key=Secret(bytes(range(1, 33))))
    chained = two.result("first_name", "group_chain")
    assert chained is not None and chained.applicable
    assert chained.details["families"] == 2 and chained.details["rounds"] >= 2
    one = run_audit(table(300, 1), schema(None), Mapping.identity(schema(None)), KEY,
                    table(600, 2), attacks=attacks, attacker_key=Secret(bytes(range(1, 33))))
    skipped = one.result("first_name", "group_chain")
    assert skipped is not None and not skipped.applicable and "one family" in skipped.note
    assert one.result("first_name", "group_overlap").applicable
