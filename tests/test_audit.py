"""The audit's attacks are real: well above chance on unhardened filters of a skewed population,
and the frequency attack falls to chance under record-level salting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkcore.audit.double_hashing import double_hashing_attack, find_atoms
from linkcore.audit.frequency import frequency_attack, salted_units
from linkcore.audit.graph_matching import graph_matching_attack
from linkcore.audit.pattern_mining import pattern_mining_attack
from linkcore.audit.reference import plaintext_table, token_sets, value_counts
from linkcore.audit.run import run_audit
from linkcore.audit.scoring import chance_level, distinct_rows, score_guesses
from linkcore.holder.encode import encode
from linkcore.holder.hardening import to_bits
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema
from linkcore.synth.names import first_names

N = 2000
KEY = Secret(bytes(range(7, 39)))
ATTACKER_KEY = Secret(bytes(range(100, 132)))


def skewed_people(n: int, seed: int) -> pd.DataFrame:
    """People whose first names follow a Zipf law over 300 names (a few names are very common)."""
    names = first_names("F").values[:300]
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(names) + 1)
    p /= p.sum()
    days = rng.integers(0, 365 * 70, size=n)
    dob = (np.datetime64("1940-01-01") + days).astype(str)
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)],
                         "first_name": names[rng.choice(len(names), size=n, p=p)],
                         "dob": dob})


def schema_for(hashing: str = "prf", salt: dict | None = None) -> Schema:
    """Unhardened unless asked: hardening, salt and k spelled out, whatever the defaults are.

    k=40 on 512 bits is the textbook half-full filter that the published attacks were made for.
    """
    return Schema.from_dict({"linkcore_schema": 1, "clk": None, "fields": [
        {"name": "first_name", "kind": "name", "hashing": hashing, "salt": salt,
         "hardening": [], "k": 40},
        {"name": "dob", "kind": "date", "hardening": []}]})


class Setup:
    def __init__(self, schema: Schema):
        self.schema = schema
        self.data, self.ref_df = skewed_people(N, 1), skewed_people(N, 2)
        mapping = Mapping.identity(schema)
        self.ds = encode(self.data, schema, KEY, mapping)
        self.own = encode(self.ref_df, schema, ATTACKER_KEY, mapping)
        self.truth = plaintext_table(self.data, schema, mapping)["first_name"]
        self.ref_table = plaintext_table(self.ref_df, schema, mapping)
        self.ref = self.ref_table["first_name"]
        self.values, self.counts = value_counts(self.ref)
        self.tokens = token_sets(self.values, schema.field("first_name"))
        self.filters = self.ds.fields["first_name"]
        self.missing = self.ds.missing[:, 0]
        self.chance = chance_level(self.truth, self.ref)

    def score(self, guesses):
        return score_guesses(guesses.guesses, guesses.confident, self.truth, self.chance)


@pytest.fixture(scope="module")
def plain() -> Setup:
    return Setup(schema_for())


@pytest.fixture(scope="module")
def double() -> Setup:
    return Setup(schema_for("double"))


def assert_well_above_chance(score, factor: float = 2.5, margin: float = 0.15) -> None:
    assert score.reidentified >= score.chance * factor
    assert score.reidentified >= score.chance + margin


def test_population_is_skewed(plain):
    # the most frequent name alone is over a tenth of the records: chance is not tiny
    assert 0.05 < plain.chance.records < 0.3


def test_frequency_alignment_beats_chance(plain):
    g = frequency_attack(plain.filters, plain.missing, plain.ref, plain.ref,
                         plain.own.fields["first_name"])
    s = plain.score(g)
    assert_well_above_chance(s)
    assert s.values_recovered > s.chance_values * 10


def test_frequency_alignment_by_rank_alone_beats_chance(plain):
    s = plain.score(frequency_attack(plain.filters, plain.missing, plain.ref, plain.ref))
    assert s.reidentified > s.chance + 0.05


def test_pattern_mining_beats_chance(plain):
    g = pattern_mining_attack(plain.filters, plain.missing, plain.values, plain.counts,
                              plain.tokens, k=plain.schema.field("first_name").k)
    assert g.details["patterns"] >= 20
    s = plain.score(g)
    assert_well_above_chance(s)
    assert s.confident_precision is not None and s.confident_precision > 0.6


def test_graph_matching_beats_chance(plain):
    g = graph_matching_attack(plain.filters, plain.missing, plain.own.fields["first_name"],
                              plain.own.missing[:, 0], plain.ref)
    assert_well_above_chance(plain.score(g))


def test_double_hashing_attack_recovers_double_hashed_filters(double):
    g = double_hashing_attack(double.filters, double.missing, double.values, double.counts,
                              double.tokens, k=double.schema.field("first_name").k)
    assert g.details["atoms"] >= 20
    s = double.score(g)
    assert_well_above_chance(s, margin=0.4)


def test_double_hashing_attack_finds_nothing_in_prf_filters(plain):
    g = double_hashing_attack(plain.filters, plain.missing, plain.values, plain.counts,
                              plain.tokens, k=plain.schema.field("first_name").k,
                              applicable=False)
    assert g.details["atoms"] == 0
    assert plain.score(g).reidentified == 0.0


def test_atoms_are_the_tokens_positions():
    # two tokens with known progressions mod 64, k = 5: rows hold one, the other, or both
    m, k = 64, 5
    t1 = [(3 + 7 * i) % m for i in range(k)]
    t2 = [(10 + 11 * i) % m for i in range(k)]
    bits = np.zeros((3, m), dtype=np.uint8)
    bits[0, t1] = 1
    bits[1, t2] = 1
    bits[2, t1 + t2] = 1
    atoms = find_atoms(bits, np.array([5.0, 3.0, 2.0]), k, min_positions=5)
    assert sorted(tuple(a) for a in atoms) == sorted([tuple(sorted(t1)), tuple(sorted(t2))])


def test_salting_brings_frequency_alignment_to_chance(plain):
    salted = Setup(schema_for(salt={"field": "dob", "transform": "value"}))
    units = salted_units(salted.ref, salted.ref_table["dob"])
    s_salted = salted.score(frequency_attack(salted.filters, salted.missing, units, salted.ref,
                                             salted.own.fields["first_name"]))
    s_plain = plain.score(frequency_attack(plain.filters, plain.missing, plain.ref, plain.ref,
                                           plain.own.fields["first_name"]))
    assert s_plain.reidentified > s_plain.chance + 0.15
    assert s_salted.reidentified <= s_salted.chance + 0.02
    assert s_salted.reidentified < s_plain.reidentified / 3


def test_run_audit_flags_unhardened_names_and_not_salted_ones():
    data, ref = skewed_people(1200, 3), skewed_people(1200, 4)
    plain = run_audit(data, schema_for(), Mapping.identity(schema_for()), KEY, ref)
    verdict = {v.target: v for v in plain.verdicts}
    assert verdict["first_name"].at_risk
    assert plain.result("first_name", "double_hashing").applicable is False
    salted_schema = schema_for(salt={"field": "dob", "transform": "value"})
    salted = run_audit(data, salted_schema, Mapping.identity(salted_schema), KEY, ref,
                       attacks=("frequency", "pattern_mining"))
    freq = salted.result("first_name", "frequency").score
    assert freq.reidentified <= freq.chance + 0.02
    assert salted.result("first_name", "pattern_mining").score.reidentified <= \
        salted.result("first_name", "pattern_mining").score.chance + 0.02


def test_chance_level_and_scores():
    truth = np.array(["a", "a", "b", "c", None], dtype=object)
    ref = np.array(["a", "b", "b", "b"], dtype=object)
    ch = chance_level(truth, ref)
    assert ch.most_frequent == pytest.approx(1 / 4)      # guess "b" for everyone
    assert ch.by_frequency == pytest.approx(0.5 * 0.25 + 0.25 * 0.75)
    assert ch.records == pytest.approx(max(0.25, 0.3125))
    guesses = np.array(["a", "b", "b", None, "x"], dtype=object)
    confident = np.array([True, True, False, False, True])
    s = score_guesses(guesses, confident, truth, ch)
    assert s.records == 4
    assert s.reidentified == pytest.approx(2 / 4)        # records 1 and 3
    assert s.values_recovered == pytest.approx(2 / 3)    # "a" and "b" of a, b, c
    assert s.confident_precision == pytest.approx(1 / 2)
    assert s.confident_share == pytest.approx(2 / 4)


def test_distinct_rows_orders_by_count():
    f = np.array([[1], [2], [2], [3], [2], [3]], dtype=np.uint64)
    distinct, codes, counts = distinct_rows(f)
    assert counts.tolist() == [3, 2, 1]
    assert distinct[codes].tolist() == f.tolist()


def test_hardening_defeats_pattern_mining():
    schema = Schema.from_dict({"linkcore_schema": 1, "clk": None, "fields": [
        {"name": "first_name", "kind": "name", "salt": None, "hardening": [{"type": "xor_fold"}]}]})
    data, ref = skewed_people(N, 1), skewed_people(N, 2)
    ds = encode(data, schema, KEY, Mapping.identity(schema))
    truth = plaintext_table(data, schema, Mapping.identity(schema))["first_name"]
    refv = plaintext_table(ref, schema, Mapping.identity(schema))["first_name"]
    values, counts = value_counts(refv)
    g = pattern_mining_attack(ds.fields["first_name"], ds.missing[:, 0], values, counts,
                              token_sets(values, schema.field("first_name")), k=40)
    s = score_guesses(g.guesses, g.confident, truth, chance_level(truth, refv))
    assert s.reidentified <= s.chance + 0.05
    assert to_bits(ds.fields["first_name"]).shape[1] == 256
