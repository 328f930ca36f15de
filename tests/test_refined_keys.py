"""Keyed blocking keys refined by identical (or near) names once their blocks grow with n."""

import pickle
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pipeline import synthetic

from linkcore import kernels
from linkcore.linkage.blocking import (
    FieldAgreement,
    KeyedBlocking,
    _block_pair_sample,
    capture_patterns,
    capture_sources,
    cell_codes,
    identical_join_rows,
    join_agrees,
    join_rows,
    near_join_rows,
    near_pairs,
    plan_blocking,
)
from linkcore.linkage.partitions import Grid, Part
from linkcore.linkage.pipeline import link

REFINED = [KeyedBlocking(refine_above=0.01), FieldAgreement()]
NEAR_REFINED = [KeyedBlocking(refine_above=0.01, refine_identical=False), FieldAgreement()]


@pytest.fixture(scope="module")
def pair():
    """Encoded with the names' postcode views (--two-salts), which refine the postcode key."""
    (a, b), truth, _, _ = synthetic(3000, 7, two_salts=True)
    return a, b, truth


@pytest.fixture(scope="module")
def pair_with_sex():
    """The pair encoded with sex salted by the date of birth, as a schema may still hold it."""
    from linkcore.holder import suggest

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(suggest, "SEX_FIELD", True)
        (a, b), truth, _, _ = synthetic.__wrapped__(3000, 7, two_salts=True)  # not cached
    assert "sex" in a.schema.field_names
    return a, b, truth


def whole(plan):
    return cell_codes(plan, plan.keys_a, plan.keys_b, (0, plan.n_a), (0, plan.n_b))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(1, 300),
       st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_near_join_is_the_join_filtered_by_nearness(seed, n_a, n_b, t, u):
    rng = np.random.default_rng(seed)
    ka = rng.integers(0, 6, n_a).astype(np.uint64)
    kb = rng.integers(0, 6, n_b).astype(np.uint64)
    fa = [rng.integers(0, 2**63, (n_a, 2), dtype=np.uint64) & rng.integers(0, 2**63, (n_a, 2),
                                                                            dtype=np.uint64),
          rng.integers(0, 2**63, (n_a, 16), dtype=np.uint64)]
    fb = [rng.integers(0, 2**63, (n_b, 2), dtype=np.uint64),
          rng.integers(0, 2**63, (n_b, 16), dtype=np.uint64)]
    fa[0][::7] = 0  # missing values: never near
    left, right = join_rows(ka, kb)
    keep = (kernels.dice_pairs(fa[0], fb[0], left, right) >= np.float32(t)) | \
        (kernels.dice_pairs(fa[1], fb[1], left, right) >= np.float32(u))
    got = near_join_rows(ka, kb, fa, fb, [t, u], offset_a=3, offset_b=5)
    assert np.array_equal(got[0], left[keep] + 3) and np.array_equal(got[1], right[keep] + 5)
    assert np.array_equal(near_pairs(fa, fb, [t, u], left, right), keep)
    one = near_pairs(fa[:1], fb[:1], [t], left, right)
    assert not one[fa[0][left].sum(axis=1) == 0].any()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(1, 300))
def test_identical_join_is_the_near_join_at_dice_one(seed, n_a, n_b):
    """Keys and filters drawn from few values, so identical filters are common: same pairs."""
    rng = np.random.default_rng(seed)
    ka = rng.integers(0, 6, n_a).astype(np.uint64)
    kb = rng.integers(0, 6, n_b).astype(np.uint64)
    values = [rng.integers(0, 2**63, (5, w), dtype=np.uint64) for w in (4, 16)]
    for v in values:
        v[0] = 0  # a missing value: all zero, never identical
    fa = [v[rng.integers(0, 5, n_a)] for v in values]
    fb = [v[rng.integers(0, 5, n_b)] for v in values]
    fb[1][::3, 0] ^= np.uint64(1)  # near but not identical
    exclude = np.array([2], np.uint64)
    left, right = join_rows(ka, kb, exclude=exclude)
    keep = (kernels.dice_pairs(fa[0], fb[0], left, right) >= np.float32(1)) | \
        (kernels.dice_pairs(fa[1], fb[1], left, right) >= np.float32(1))
    got = identical_join_rows(ka, kb, fa, fb, exclude=exclude, offset_a=3, offset_b=5)
    assert np.array_equal(got[0], left[keep] + 3) and np.array_equal(got[1], right[keep] + 5)
    scan = near_join_rows(ka, kb, fa, fb, [1.0, 1.0], exclude=exclude, skip_zero=True)
    assert np.array_equal(scan[0], left[keep]) and np.array_equal(scan[1], right[keep])


def test_block_pair_sample_pairs_different_rows_of_one_block():
    keys = np.array([0, 5, 5, 9, 7, 7, 7, 0, 3], np.uint64)
    left, right = _block_pair_sample(keys, 2000, np.random.default_rng(1))
    assert left.size == 2000
    assert (left != right).all() and (keys[left] == keys[right]).all() and (keys[left] != 0).all()
    # every pair equally likely: block 7 holds 6 of the 8 ordered pairs
    assert 0.70 < np.mean(keys[left] == 7) < 0.80
    assert _block_pair_sample(np.array([0, 1, 2], np.uint64), 10,
                              np.random.default_rng(1))[0].size == 0


@pytest.mark.parametrize("rules", [REFINED, NEAR_REFINED], ids=["identical", "near"])
def test_a_dense_key_is_refined_by_comparable_names_and_keeps_its_true_pairs(pair, rules):
    a, b, truth = pair
    plain = plan_blocking(a, b, [KeyedBlocking(refine_above=None), FieldAgreement()])
    refined = plan_blocking(a, b, rules)
    details = refined.rules[0].details["refined"]
    # names salted with the date of birth refine the date of birth; their postcode views the
    # postcode; a key's own field, sex, the postcode and the NI number (one token each, the NI
    # number since 2026-12-06) and fields salted by another field never do
    assert set(details["date_of_birth.value"]) == {"first_name", "middle_name", "last_name"}
    # (the date of birth, salted with its own year, is a salted field: it refines nothing)
    assert set(details["postcode.value-first_name.first_char"]) == {
        "first_name_by_postcode", "middle_name_by_postcode", "last_name_by_postcode"}
    if rules is REFINED:
        assert all(t == 1.0 for f in details.values() for t in f.values())
    else:
        assert all(0 < t < 1 for f in details.values() for t in f.values())
    codes_plain, codes_refined = whole(plain)[0], whole(refined)[0]
    assert codes_refined.size < codes_plain.size / 2
    index_a = {v: i for i, v in enumerate(a.record_ids)}
    index_b = {v: i for i, v in enumerate(b.record_ids)}
    true = np.array([index_a[x] * len(b) + index_b[y]
                     for x, y in zip(truth["id_a"], truth["id_b"], strict=True)
                     if x in index_a and y in index_b])
    found_plain = np.isin(true, codes_plain).mean()
    assert np.isin(true, codes_refined).mean() >= found_plain - 0.01


@pytest.mark.parametrize("rules", [REFINED, NEAR_REFINED], ids=["identical", "near"])
def test_refined_joins_agree_pair_by_pair_with_the_pairs_they_make(pair, rules):
    a, b, _ = pair
    plan = plan_blocking(a, b, rules)
    col = plan.rules[0].columns[0]
    assert col.near
    made = cell_codes(plan.__class__(plan.n_a, plan.n_b, (plan.rules[0].__class__(
        "keys", (col,)),), plan.keys_a, plan.keys_b), plan.keys_a, plan.keys_b,
        (0, len(a)), (0, len(b)))[0]
    left, right = join_rows(plan.keys_a[col.sources[0]], plan.keys_b[col.sources[0]])
    agrees = join_agrees(col, plan.keys_a, plan.keys_b, left, right)
    assert np.array_equal(np.sort(left[agrees] * len(b) + right[agrees]), made)
    sources = capture_sources(plan, a.schema)
    patterns = capture_patterns(sources, plan.keys_a, plan.keys_b, made // len(b),
                                made % len(b))
    assert (patterns & 1).all()  # every pair of the date-of-birth source is its capture


@pytest.mark.parametrize("rules", [REFINED, NEAR_REFINED], ids=["identical", "near"])
@pytest.mark.parametrize("parts", [2, 3, 5])
def test_cells_of_a_refined_plan_make_the_whole_join(pair, parts, rules):
    a, b, _ = pair
    plan = plan_blocking(a, b, rules)
    grid = Grid.even(len(a), len(b), parts)
    # a part ships its key columns without the near filters and adds its own rows' filters
    parts_a = [pickle.loads(pickle.dumps(Part(a.subset(slice(s, e)), plan.part_keys("a", s, e),
                                              s, p)))
               for p, (s, e) in enumerate(grid.ranges("a"))]
    parts_b = [Part(b.subset(slice(s, e)), plan.part_keys("b", s, e), s, q)
               for q, (s, e) in enumerate(grid.ranges("b"))]
    assert not any(k.startswith("near:") for k in plan.part_keys("a", 0, 1))
    got = []
    for p, q in grid.cells():
        part_a, part_b = parts_a[p], parts_b[q]
        rows = (part_a.start, part_a.stop), (part_b.start, part_b.stop)
        fresh = cell_codes(plan, part_a.keys, part_b.keys, *rows)
        # each part's sorted keys kept from its earlier cells: the same codes and counts
        kept = cell_codes(plan, part_a.keys, part_b.keys, *rows,
                          caches=(part_a.key_orders, part_b.key_orders))
        assert np.array_equal(fresh[0], kept[0]) and fresh[1] == kept[1]
        got.append(kept[0])
    assert np.array_equal(np.sort(np.concatenate(got)), whole(plan)[0])
    assert parts_a[0].key_orders.nbytes > 0
    assert sys.getsizeof(parts_a[0]) > sys.getsizeof(pickle.loads(pickle.dumps(parts_a[0])))


def test_link_with_refined_keys_is_the_same_in_one_piece_and_in_cells(pair):
    a, b, _ = pair
    one = link(a, b, blocking=REFINED)
    cells = link(a, b, blocking=REFINED, partitions=3)
    assert one.matches.equals(cells.matches)
    assert "refined" in one.candidate_stats["rules"][0]


def test_refinement_settings_are_checked():
    with pytest.raises(Exception, match="refine_above"):
        KeyedBlocking(refine_above=0)
    with pytest.raises(Exception, match="refine_quantile"):
        KeyedBlocking(refine_quantile=1.0)
    with pytest.raises(Exception, match="refine_pairs"):
        KeyedBlocking(refine_pairs=0)
    with pytest.raises(Exception, match="refine_identical"):
        KeyedBlocking(refine_identical=1)


def test_a_key_with_more_pairs_in_all_than_the_budget_is_refined_however_sparse(pair):
    a, b, _ = pair
    sparse = KeyedBlocking(refine_above=1e9)  # no key hands out a billion pairs per record
    assert "refined" not in plan_blocking(a, b, [sparse]).rules[0].details
    per_key = plan_blocking(a, b, [sparse]).rules[0].details["per_key"]
    budget = sorted(per_key.values())[-2]  # the two densest keys are over it, or at it
    capped = plan_blocking(a, b, [KeyedBlocking(refine_above=1e9, refine_pairs=budget - 1)])
    over = {k for k, v in per_key.items() if v > budget - 1}
    assert set(capped.rules[0].details["refined"]) == over - {"ni_number.value"}
    assert KeyedBlocking().to_dict()["refine_pairs"] == 50_000_000


def test_a_field_pair_as_dense_as_a_refined_key_and_inside_it_is_left_out(pair_with_sex):
    a, b, _ = pair_with_sex
    dense = plan_blocking(a, b, [KeyedBlocking(refine_above=0.01),
                                 FieldAgreement(refine_above=0.01)]).rules[1].details
    # sex is salted with the date of birth: agreeing on both is the date's block again
    assert dense["joins_inside_refined_keys"] >= 1
    assert "sex+date_of_birth" not in dense["per_field_pair"]
    assert "sex+postcode" in dense["per_field_pair"]  # across two keys: small blocks
    sparse = plan_blocking(a, b, REFINED).rules[1].details
    assert "sex+date_of_birth" in sparse["per_field_pair"]


def test_near_fields_that_imply_a_refined_key_need_no_join_of_their_own(pair):
    from linkcore.linkage.blocking import _combine_keys, field_keys

    a, b, _ = pair
    plan = plan_blocking(a, b, REFINED)
    agree = plan.rules[1].details
    assert "first_name+last_name" not in agree["per_field_pair"]
    assert agree["joins_covered_by_earlier_rules"] >= 1
    # equal first name and surname (salted with the date of birth): equal date, Dice 1 on names
    ka = _combine_keys(field_keys(a, "first_name"), field_keys(a, "last_name"))
    kb = _combine_keys(field_keys(b, "first_name"), field_keys(b, "last_name"))
    left, right = join_rows(ka, kb)
    assert left.size and np.isin(left * len(b) + right, whole(plan)[0]).all()
