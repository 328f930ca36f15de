"""The whole-file attacks can succeed: each re-identifies a large share of a deliberately weak file.

The weak file is the shape `schema suggest` proposes today: names salted with the year of birth
beside an unsalted CLK, an unsalted date filter and a date blocking key (the salt groups come back,
and the CLK bridges them); and, for cluster-and-denoise, names under BLIP at epsilon 3 with no salt.
People come from linkcore.synth, with names redrawn from a Zipf law so that frequencies speak.
Audit outputs carry no value of the data and no key material.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkcore.audit.equality import salt_groups, trivial_partition
from linkcore.audit.reference import plaintext_table
from linkcore.audit.report import render_html
from linkcore.audit.run import IDENTITY_TARGET, run_audit
from linkcore.audit.scoring import chance_given, chance_level, score_guesses
from linkcore.audit.view_join import view_join_attack
from linkcore.audit.wholefile import WholeFile, salt_value_attacks
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.schema import KeyPart, Mapping, Schema
from linkcore.synth import generate_population
from linkcore.synth.names import first_names

N = 3000
KEY = Secret(bytes(range(32)))
ATTACKER_KEY = Secret(bytes(range(100, 132)))  # fixed, so that every run is the same
SALTED = {"salt": {"field": "date_of_birth", "transform": "year"},
          "hardening": [{"type": "xor_fold"}]}
NOISY = {"salt": None, "hardening": [{"type": "blip", "epsilon": 3}]}


def people(n: int, seed: int) -> pd.DataFrame:
    """Synthetic people whose first names (per sex) and surnames follow a Zipf law."""
    pop = generate_population(n, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for sex in ("F", "M"):
        names = first_names(sex).values[:80]
        p = 1.0 / np.arange(1, len(names) + 1) ** 1.2
        m = (pop["sex"] == sex).to_numpy()
        pop.loc[m, "first_name"] = names[rng.choice(len(names), size=int(m.sum()),
                                                    p=p / p.sum())]
    surnames = pop["last_name"].value_counts().index.to_numpy()[:150]
    p = 1.0 / np.arange(1, len(surnames) + 1)
    pop["last_name"] = surnames[rng.choice(len(surnames), size=len(pop), p=p / p.sum())]
    return pop.rename(columns={"person_id": "id"})[
        ["id", "first_name", "last_name", "sex", "date_of_birth", "postcode"]]


def weak_schema(names: dict) -> Schema:
    """Today's suggested shape; the name fields' salt and hardening given by ``names``."""
    return Schema.from_dict({
        "linkcore_schema": 1,
        "clk": {"bits": 1024, "hashing": "prf", "salt": None, "hardening": []},
        "blocking_keys": [{"name": "dob", "parts": [{"field": "date_of_birth",
                                                     "transform": "value"}]}],
        "fields": [
            {"name": "first_name", "kind": "name", "k": 12, "clk_k": 10, **names},
            {"name": "last_name", "kind": "name", "k": 12, "clk_k": 10, **names},
            {"name": "sex", "kind": "sex", "filter_bits": 64, "k": 20, "clk_k": 4,
             "salt": None, "hardening": []},
            {"name": "date_of_birth", "kind": "date", "k": 8, "clk_k": 8, "salt": None,
             "hardening": [{"type": "xor_fold"}]},
            {"name": "postcode", "kind": "postcode", "k": 8, "clk_k": 8, "salt": None,
             "hardening": [{"type": "xor_fold"}]}]})


@pytest.fixture(scope="module")
def populations() -> tuple[pd.DataFrame, pd.DataFrame]:
    return people(N, 1), people(N, 2)


def audit(populations, names: dict, attacks: tuple[str, ...]):
    data, ref = populations
    schema = weak_schema(names)
    return run_audit(data, schema, Mapping.identity(schema), KEY, ref, attacks=attacks,
                     attacker_key=ATTACKER_KEY, blip_nonce=bytes(16))


def assert_breaks(result, target: str, attack: str) -> None:
    r = result.result(target, attack)
    assert r is not None and r.score is not None, (target, attack)
    s = r.score
    assert s.reidentified >= s.baseline + 0.10, (attack, s)
    if s.confident_precision is not None:        # reported whenever there are confident guesses
        assert s.confident_precision >= 0.5, (attack, s)
    assert next(v for v in result.verdicts if v.target == target).at_risk


def test_salt_groups_are_rebuilt_pure(populations):
    data, _ = populations
    schema = weak_schema(SALTED)
    ds = encode(data, schema, KEY, Mapping.identity(schema))
    groups, columns = salt_groups(schema, ds, KeyPart("date_of_birth", "year"))
    assert "field:date_of_birth" in columns and "block:dob" in columns
    years = data["date_of_birth"].str[:4].to_numpy()
    mixed = pd.DataFrame({"g": groups, "y": years}).groupby("g")["y"].nunique()
    assert (mixed == 1).all()                       # no group mixes two years...
    assert np.bincount(groups).max() >= 20          # ...and the groups are not singletons


def test_rebuilt_salt_groups_break_year_salted_names(populations):
    assert_breaks(audit(populations, SALTED, ("salt_groups",)), "first_name", "salt_groups")


def test_cross_view_bridge_breaks_year_salted_names_beside_an_unsalted_clk(populations):
    assert_breaks(audit(populations, SALTED, ("cross_view",)), "first_name", "cross_view")


def test_cluster_and_denoise_breaks_blip_names(populations):
    result = audit(populations, NOISY, ("frequency", "cluster_denoise"))
    assert_breaks(result, "first_name", "cluster_denoise")
    plain = result.result("first_name", "frequency").score
    assert plain.reidentified <= plain.baseline + 0.01  # the noise alone stops plain frequency


def test_joined_views_break_a_name_sent_twice_under_two_salts(populations):
    """A name salted with the year of birth and again with the postcode area: chains join."""
    data, ref = populations
    salts = {"first_name": {"field": "date_of_birth", "transform": "year"},
             "first_name_pc": {"field": "postcode", "transform": "postcode_area"}}
    schema = Schema.from_dict({"linkcore_schema": 1, "clk": None, "fields": [
        *({"name": n, "kind": "name", "salt": salt, "hardening": [{"type": "balance"}]}
          for n, salt in salts.items()),
        {"name": "sex", "kind": "sex", "salt": None, "hardening": []},
        {"name": "date_of_birth", "kind": "date", "salt": None, "hardening": []},
        {"name": "postcode", "kind": "postcode", "salt": None, "hardening": []}]})
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": {
        "first_name": {"column": "first_name"}, "first_name_pc": {"column": "first_name"},
        "sex": {"column": "sex"}, "date_of_birth": {"column": "date_of_birth"},
        "postcode": {"column": "postcode"}}})
    ds = encode(data, schema, KEY, mapping)
    truth = plaintext_table(data, schema, mapping)["first_name"]
    reg = plaintext_table(ref, schema, mapping)
    sex = trivial_partition(schema, ds)
    guesses = view_join_attack([(ds.fields[n], ds.missing[:, i]) for i, n in enumerate(salts)],
                               sex[1], reg["first_name"], reg["sex"])
    s = score_guesses(guesses.guesses, guesses.confident, truth,
                      chance_level(truth, reg["first_name"]),
                      chance_given(truth, reg["first_name"],
                                   plaintext_table(data, schema, mapping)["sex"], reg["sex"]))
    assert s.reidentified >= s.baseline + 0.10, s
    assert s.confident_precision is not None and s.confident_precision >= 0.5, s


def test_verdict_uses_chance_given_sex(populations):
    result = audit(populations, SALTED, ("frequency",))
    s = result.result("first_name", "frequency").score
    assert s.chance_given_trivial is not None and s.chance_given_trivial > s.chance
    assert s.baseline == s.chance_given_trivial
    assert result.result("sex", "frequency").score.chance_given_trivial is None


def test_combined_identity_is_reported(populations):
    result = audit(populations, SALTED, ("salt_groups", "cross_view", "combined"))
    r = result.result(IDENTITY_TARGET, "combined")
    assert r is not None and r.score is not None and r.score.records > 0
    assert any(v.target == IDENTITY_TARGET for v in result.verdicts)


ODD = "qxzjvk"


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_audit_outputs_carry_no_value_or_key(seed):
    rng = np.random.default_rng(seed)
    pool = ["".join(rng.choice(list(ODD), size=7)) for _ in range(30)]

    def table(n: int, s: int) -> pd.DataFrame:
        r = np.random.default_rng(s)
        p = 1.0 / np.arange(1, len(pool) + 1)
        df = people(n, s)
        df["first_name"] = np.array(pool, dtype=object)[r.choice(len(pool), size=n,
                                                                   p=p / p.sum())]
        df["last_name"] = np.array(pool, dtype=object)[r.choice(len(pool), size=n)]
        return df

    data, ref = table(400, seed), table(400, seed + 1)
    schema = weak_schema(SALTED)
    raw = rng.bytes(32)
    key = Secret(raw)
    result = run_audit(data, schema, Mapping.identity(schema), key, ref,
                       attacks=("frequency", "salt_groups", "cross_view", "combined"))
    outputs = [result.to_json(), render_html(result), "\n".join(result.summary_lines())]
    json.loads(outputs[0])
    secrets = [raw.hex(), key.key_check_value().lower()]
    for text in outputs:
        low = text.lower()
        for value in set(data["first_name"]) | set(data["last_name"]):
            assert value not in low
        for value in set(data["date_of_birth"]) | set(data["postcode"].dropna()):
            assert str(value).lower() not in low
        for s in secrets:
            assert s not in low


def _town(seed: int) -> pd.DataFrame:
    """Households in ten large buildings of distinct sizes and 500 small addresses."""
    rng = np.random.default_rng(seed)
    firsts = [f"{c}{v}name" for c in "abcdefghijkl" for v in "aeiou"]
    rows: list[dict] = []
    caps = [30 + 12 * i for i in range(10)] + [int(c) for c in rng.integers(2, 7, size=500)]
    for b, cap in enumerate(caps):
        pc = f"AB{b // 10 + 1} {b % 10}XY" if b < 10 else f"CD{b // 10} {b % 10}{chr(65 + b % 26)}Z"
        cap = int(cap * rng.uniform(0.92, 1.08)) if b < 10 else cap
        n = 0
        while n < cap:
            size, surname = min(int(rng.integers(1, 5)), cap - n), f"sur{rng.integers(0, 800)}"
            for _ in range(size):
                rows.append({"id": str(len(rows)), "first_name": firsts[rng.integers(0, 60)],
                             "last_name": surname, "postcode": pc,
                             "date_of_birth": f"{rng.integers(1930, 2010)}-0"
                                              f"{rng.integers(1, 10)}-1{rng.integers(0, 10)}"})
            n += size
    return pd.DataFrame(rows)


def _postcode_split_schema(view_salt: str) -> Schema:
    """The postcode salted with the first initial; the names' postcode views salted by it."""
    name = {"kind": "name", "hardening": [{"type": "balance"}]}
    dob = {"field": "date_of_birth", "transform": "value"}
    return Schema.from_dict({"linkcore_schema": 2, "clk": None, "fields": [
        {"name": "first_name", **name, "salt": dob},
        {"name": "last_name", **name, "salt": dob},
        {"name": "date_of_birth", "kind": "date"},
        {"name": "postcode", "kind": "postcode", "tokens": {"type": "exact"}, "filter_bits": 128,
         "k": 30, "comparison": {"thresholds": []},
         "salt": {"field": "first_name", "transform": "first_char"}},
        *({"name": f"{n}_by_postcode", **name, "source": n,
           "salt": {"field": "postcode", "transform": view_salt}}
          for n in ("first_name", "last_name"))],
        "blocking_keys": [{"name": "pc", "parts": [
            {"field": "postcode", "transform": "value"},
            {"field": "first_name", "transform": "first_char"}]}]})


def test_joined_views_rebuild_postcodes_that_views_salted_whole_bridge():
    """Views salted with the whole postcode join a building's initial classes through its
    households (one surname, several initials): the buildings' sizes name them. Salted with
    value_with_salt, no column joins two (postcode, initial) classes."""
    data, ref = _town(1), _town(2)
    rates = {}
    for view_salt in ("value", "value_with_salt"):
        schema = _postcode_split_schema(view_salt)
        result = run_audit(data, schema, Mapping.identity(schema), KEY, ref,
                           attacks=("view_join",), attacker_key=ATTACKER_KEY,
                           blip_nonce=bytes(16))
        rates[view_salt] = result.result("postcode", "view_join").score
    bridged, split = rates["value"], rates["value_with_salt"]
    assert bridged.reidentified >= bridged.baseline + 0.10
    assert split.reidentified <= split.baseline


def _dob_schema(tokens: dict) -> Schema:
    """Names salted with the whole date of birth; the date's own filter as ``tokens`` says."""
    return Schema.from_dict({"linkcore_schema": 2, "fields": [
        {"name": "first_name", "kind": "name",
         "salt": {"field": "date_of_birth", "transform": "value"}},
        {"name": "sex", "kind": "sex", "disclosed": True},
        {"name": "date_of_birth", "kind": "date", **tokens}]})


def _whole_file(populations, schema: Schema) -> WholeFile:
    data, ref = populations
    mapping = Mapping.identity(schema)
    ds = encode(data, schema, KEY, mapping)
    ref_table = ref.assign(id=np.arange(len(ref)).astype(str))
    own = encode(ref_table, schema, ATTACKER_KEY, mapping)
    return WholeFile(schema, ds, own, plaintext_table(ref, schema, mapping), ref_table, mapping,
                     ATTACKER_KEY)


def test_a_date_salted_with_its_own_year_gives_its_year_groups_away(populations):
    """Every date of one year holds the year's tokens at the same keyed bits: similarity alone
    (no column holds the year) rebuilds the year groups, and their sizes name years."""
    data, _ = populations
    schema = _dob_schema({"salt": {"field": "date_of_birth", "transform": "year"}})
    wf = _whole_file(populations, schema)
    year = KeyPart("date_of_birth", "year")
    groups, columns = wf.groups(year)
    assert "similar:date_of_birth" in columns
    years = data["date_of_birth"].str[:4].to_numpy()
    frame = pd.DataFrame({"g": groups, "y": years})
    purity = frame.groupby("g")["y"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(frame)
    assert purity >= 0.9                                     # one year per group, nearly...
    assert frame["g"].nunique() <= 2 * frame["y"].nunique()  # ...and whole years, not dates
    targets = {target for target, _, _ in salt_value_attacks(schema, wf)}
    assert targets == {"date_of_birth.value", "date_of_birth.year"}


def test_a_date_as_one_exact_token_has_no_groups_beyond_its_dates(populations):
    schema = _dob_schema({"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
                          "comparison": {"thresholds": []}})
    wf = _whole_file(populations, schema)
    groups, columns = wf.groups(KeyPart("date_of_birth", "value"))
    assert not any(c.startswith("similar:") for c in columns)
    dates = populations[0]["date_of_birth"].to_numpy()
    assert pd.DataFrame({"g": groups, "d": dates}).groupby("g")["d"].nunique().max() == 1


BALANCED = {"salt": {"field": "date_of_birth", "transform": "value"},
            "hardening": [{"type": "balance"}]}


def test_balancing_is_undone_from_the_file_and_lengths_name_values(populations):
    """One balancing permutation per field: its complementary columns pair over the file, and
    the unbalanced filters' set bits give each name's length (found by a red team, 12-06)."""
    result = audit(populations, BALANCED, ("unbalance", "unbalance+mate"))
    r = result.result("first_name", "unbalance")
    assert r is not None and r.score is not None
    assert r.score.reidentified >= r.score.baseline + 0.02, r.score
    assert next(v for v in result.verdicts if v.target == "first_name").at_risk


def test_balanced_columns_pair_back_to_the_filter():
    from linkcore.audit.unbalance import original_columns
    from linkcore.holder.hardening import balance, blip, to_bits

    rng = np.random.default_rng(5)
    bits = (rng.random((400, 512)) < rng.uniform(0.05, 0.3, (400, 1))).astype(np.uint8)
    from linkcore.holder.hardening import from_bits
    filters = from_bits(bits)
    balanced = balance(filters, b"k" * 32)
    missing = np.zeros(len(bits), dtype=bool)
    cols = original_columns(balanced, missing)
    assert cols is not None and len(cols) == 512
    got = to_bits(balanced)[:, cols].sum(axis=1)
    np.testing.assert_array_equal(got, bits.sum(axis=1))
    assert original_columns(filters, missing) is None  # not balanced: nothing pairs
    noisy = blip(balanced, np.zeros(len(bits), dtype=bool), b"k" * 32, bytes(16), 3.0)
    assert original_columns(noisy, missing) is None  # per-record noise breaks the pairs


YEAR_BALANCED = {"salt": {"field": "date_of_birth", "transform": "year"},
                 "hardening": [{"type": "balance"}]}


def audit_hidden_sex(populations, names: dict, attacks: tuple[str, ...]):
    """As :func:`audit`, with sex salted like the defaults (the file reveals no attribute)."""
    data, ref = populations
    doc = weak_schema(names).to_dict()
    for f in doc["fields"]:
        if f["name"] == "sex":
            f["salt"] = {"field": "date_of_birth", "transform": "value"}
    schema = Schema.from_dict(doc)
    return run_audit(data, schema, Mapping.identity(schema), KEY, ref, attacks=attacks,
                     attacker_key=ATTACKER_KEY, blip_nonce=bytes(16))


def test_overlaps_within_salt_groups_name_values(populations):
    """Two records that share a salt show, in their filters' overlap, how much their values
    share; with unpadded names (k bits a bigram) that and the lengths give names away (a red
    team's attack on the spread defaults, 12-06, generalised)."""
    result = audit_hidden_sex(populations, YEAR_BALANCED, ("group_overlap",))
    r = result.result("first_name", "group_overlap")
    assert r is not None and r.score is not None
    assert r.score.reidentified >= r.score.baseline + 0.02, r.score
    assert r.details and r.details["pairs"] > 0
    assert next(v for v in result.verdicts if v.target == "first_name").at_risk


def test_padded_names_overlap_only_by_what_they_share(populations):
    padded = {**YEAR_BALANCED, "k": 6, "pad": 16}
    result = audit_hidden_sex(populations, padded, ("group_overlap",))
    r = result.result("first_name", "group_overlap")
    assert r is not None and r.score is not None
    assert r.score.reidentified < r.score.baseline + 0.01, r.score
