import functools

import numpy as np
from keybytes import key_bytes

from linkcore.evaluate import evaluate
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.compare import Comparator, comparisons_for, salt_gates
from linkcore.linkage.gated_u import gated_fields
from linkcore.linkage.levels import EXACT_LEVEL, MISSING_LEVEL
from linkcore.linkage.pipeline import link
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(key_bytes("g"))


@functools.lru_cache(maxsize=1)
def encoded():
    pop = generate_population(1500, seed=9)
    (a, b), truth = make_extracts(pop, agencies=2, seed=9)
    schema, map_a, _ = suggest_schema(a, one_salt=False)  # names salted by both
    map_b, _ = suggest_mapping(b, schema)
    return encode(a, schema, SECRET, map_a), encode(b, schema, SECRET, map_b), truth


def test_gated_fields_are_compared_only_under_an_equal_salt():
    ea, eb, _ = encoded()
    comps = comparisons_for(ea)
    fields = [c.field for c in comps]
    gates = salt_gates(ea, fields)
    assert {(fields[s], fields[t]) for s, t in gates} == {
        ("first_name", "date_of_birth"), ("last_name", "date_of_birth"),
        ("first_name_by_postcode", "postcode"), ("last_name_by_postcode", "postcode"),
        ("middle_name", "date_of_birth"), ("middle_name_by_postcode", "postcode"),
        ("postcode_by_date_of_birth", "date_of_birth")}
    rng = np.random.default_rng(0)
    left = rng.integers(0, len(ea), 5000)
    right = rng.integers(0, len(eb), 5000)
    levels = Comparator(ea, eb, comps).levels(left, right)
    for s, t in gates:
        off = levels[:, t] != EXACT_LEVEL
        assert (levels[off, s] == MISSING_LEVEL).all()


def test_the_date_of_birth_view_of_the_postcode_corrects_the_postcode_only():
    """Where the birthdays and postcodes agree the postcode reads exact, whatever the initial
    that salts it; the view itself is never counted as a field of its own."""
    ea, eb, truth = encoded()
    comps = comparisons_for(ea)
    fields = [c.field for c in comps]
    pc, view = fields.index("postcode"), fields.index("postcode_by_date_of_birth")
    rows_a = {r: i for i, r in enumerate(ea.record_ids)}
    rows_b = {r: i for i, r in enumerate(eb.record_ids)}
    true = [(rows_a[x], rows_b[y]) for x, y in zip(truth["id_a"], truth["id_b"], strict=True)]
    rng = np.random.default_rng(1)
    left = np.concatenate([[x for x, _ in true], rng.integers(0, len(ea), 5000)])
    right = np.concatenate([[y for _, y in true], rng.integers(0, len(eb), 5000)])
    comparator = Comparator(ea, eb, comps)
    levels = comparator.levels(left, right)
    assert (levels[:, view] == MISSING_LEVEL).all()
    raw = comparator.dice(left, right)
    view_equal = raw["postcode_by_date_of_birth"] == 1.0
    assert (levels[view_equal, pc] == EXACT_LEVEL).all()
    assert (view_equal & (raw["postcode"] < 1.0)).sum() > 0  # initials differ: corrected
    untouched = ~view_equal & ~np.isnan(raw["postcode"])
    assert ((levels[untouched, pc] == EXACT_LEVEL) == (raw["postcode"][untouched] == 1.0)).all()


def test_gated_u_is_measured_among_same_salt_pairs():
    ea, eb, truth = encoded()
    result = link(ea, eb, blocking=["keys", "agree"])
    u = result.model.u
    assert set(gated_fields(result.model, ea)) == {"date_of_birth", "postcode"}
    # two different people born on one day rarely share a first name: u[exact] is small,
    # where the random-pair estimate (almost every pair missing) would be near uniform
    assert u["first_name"][EXACT_LEVEL] < 0.2
    assert "same_salt" in result.model.training["u"]
    assert evaluate(result.matches, truth).f1 > 0.9


def test_levels_do_not_depend_on_the_order_pairs_are_visited_in():
    ea, eb, _ = encoded()
    comps = comparisons_for(ea)
    rng = np.random.default_rng(1)
    left = np.sort(rng.integers(0, len(ea), 6000))  # sorted by left, as candidates come
    right = rng.integers(0, len(eb), 6000)
    # a small chunk makes the comparator take left rows grouped by date of birth
    grouped = Comparator(ea, eb, comps, chunk_size=500).levels(left, right)
    in_order = Comparator(ea, eb, comps, chunk_size=10**7).levels(left, right)
    np.testing.assert_array_equal(grouped, in_order)
    assert Comparator(ea, eb, comps, chunk_size=500)._locality_order(left) is not None


def test_field_agreement_skips_joins_the_blocking_keys_already_make():
    from linkcore.linkage.blocking import candidate_pairs

    ea, eb, _ = encoded()
    both = candidate_pairs(ea, eb, ["keys", "agree"])
    agree = both.rules[1]
    assert agree.details["joins_covered_by_earlier_rules"] > 0
    keys_only = candidate_pairs(ea, eb, "keys")
    agree_alone = candidate_pairs(ea, eb, "agree")
    union = np.union1d(keys_only.left * len(eb) + keys_only.right,
                       agree_alone.left * len(eb) + agree_alone.right)
    np.testing.assert_array_equal(both.left * len(eb) + both.right, union)
