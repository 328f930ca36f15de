import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore.errors import ParameterError
from linkcore.linkage.blocking import (
    AllPairs,
    FieldAgreement,
    HammingLSH,
    KeyedBlocking,
    candidate_pairs,
    join_equal_keys,
    join_rows,
    key_order,
    lsh_bit_agreement,
    lsh_recall,
    plan_lsh,
    stable_argsort,
)


class FakeDataset:
    """Just what blocking reads: length, clk, fields, blocking keys."""

    def __init__(self, clk=None, keys=None, n=None, fields=None, missing=None):
        self.clk = clk
        self.blocking_keys = keys or {}
        self.fields = fields or {}
        self._n = n if n is not None else (
            len(clk) if clk is not None else
            len(next(iter(self.blocking_keys.values()))) if self.blocking_keys else
            len(next(iter(self.fields.values()))))
        self.missing = (missing if missing is not None
                        else np.zeros((self._n, len(self.fields)), dtype=bool))

    def __len__(self):
        return self._n


def brute_join(ka, kb):
    return {(i, j) for i in range(len(ka)) for j in range(len(kb)) if ka[i] == kb[j] and ka[i]}


keys_st = st.lists(st.integers(0, 5), min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(keys_st, keys_st)
def test_join_equal_keys_matches_brute_force(ka, kb):
    ka = np.array(ka, dtype=np.uint64)
    kb = np.array(kb, dtype=np.uint64)
    left, right, skipped, _ = join_equal_keys(ka, kb)
    assert skipped == 0
    got = list(zip(left.tolist(), right.tolist(), strict=True))
    assert len(got) == len(set(got))
    assert set(got) == brute_join(ka, kb)


def test_a_join_against_many_distinct_keys_searches_in_key_order_with_the_same_pairs(
        monkeypatch):
    """Over 65,536 distinct right keys the left keys are searched sorted: same pairs, same order."""
    from linkcore.linkage import blocking

    rng = np.random.default_rng(5)
    kb = rng.permutation(np.repeat(np.arange(1, 80_001, dtype=np.uint64), 2))
    ka = rng.integers(0, 100_000, 50_000).astype(np.uint64)  # some absent, some 0
    sorted_search = join_rows(ka, kb)
    monkeypatch.setattr(blocking, "_SORTED_SEARCH_ABOVE", 10**9)  # the search in row order
    row_order = join_rows(ka, kb)
    assert sorted_search[0].size > 40_000
    assert all(np.array_equal(x, y) for x, y in zip(sorted_search, row_order, strict=True))


@settings(max_examples=60, deadline=None)
@given(keys_st, keys_st, st.booleans(), st.lists(st.integers(0, 5), max_size=2, unique=True))
def test_a_join_from_kept_key_orders_makes_the_same_pairs_in_the_same_order(ka, kb, skip_zero,
                                                                            exclude):
    """Each side sorted once (``key_order``) and merged: the pairs and order of a fresh join."""
    ka, kb = np.array(ka, dtype=np.uint64), np.array(kb, dtype=np.uint64)
    exclude = np.sort(np.array(exclude, dtype=np.uint64))
    order_a, sorted_a = key_order(ka, skip_zero, exclude)
    rows = [i for i in range(ka.size) if (ka[i] or not skip_zero) and ka[i] not in exclude]
    assert order_a.tolist() == sorted(rows, key=lambda i: (int(ka[i]), i))
    assert np.array_equal(sorted_a, ka[order_a])
    orders = ((order_a, sorted_a, ka.size), (*key_order(kb, skip_zero, exclude), kb.size))
    fresh = join_rows(ka, kb, skip_zero=skip_zero, exclude=exclude, offset_a=2, offset_b=9)
    kept = join_rows(ka[:0], kb[:0], offset_a=2, offset_b=9, orders=orders)
    assert all(np.array_equal(x, y) for x, y in zip(fresh, kept, strict=True))


def test_join_skips_oversized_blocks():
    ka = np.array([1, 1, 1, 2, 0], dtype=np.uint64)
    kb = np.array([1, 1, 2, 0], dtype=np.uint64)
    left, right, blocks, pairs = join_equal_keys(ka, kb, max_block_pairs=4)
    assert (blocks, pairs) == (1, 6)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(3, 2)}


def test_join_can_include_zero_keys():
    ka = np.array([0, 3], dtype=np.uint64)
    kb = np.array([0], dtype=np.uint64)
    left, right, _, _ = join_equal_keys(ka, kb, skip_zero=False)
    assert left.tolist() == [0] and right.tolist() == [0]


def test_lsh_maths():
    # identical filters always agree; Dice s with popcount c on m bits: p = 1 - 2c(1-s)/m
    assert lsh_bit_agreement(1.0, 500, 1024) == 1.0
    assert lsh_bit_agreement(0.8, 512, 1024) == pytest.approx(0.8)
    assert lsh_recall(0.8, 512, 1024, bands=10, r=4) == pytest.approx(1 - (1 - 0.8**4) ** 10)
    plan = plan_lsh(10_000, 10_000, 1024, 512, 0.5, target_dice=0.8, target_recall=0.99,
                    pairs_per_record=1.0, max_bands=10_000)
    assert plan.expected_recall_at_target >= 0.99
    # r keeps random candidates per band at most the budget, and r - 1 would not
    assert 10_000**2 * 0.5**plan.bits_per_band <= 20_000
    assert 10_000**2 * 0.5 ** (plan.bits_per_band - 1) > 20_000
    capped = plan_lsh(10_000, 10_000, 1024, 512, 0.5, target_dice=0.8, target_recall=0.99,
                      pairs_per_record=1.0, max_bands=3)
    assert capped.bands == 3 and capped.expected_recall_at_target < 0.99


def noisy_copies(rng, n, words=16, flip=0.05):
    base = rng.integers(0, 2**63, size=(n, words), dtype=np.int64).astype(np.uint64)
    bits = np.unpackbits(base.view(np.uint8), axis=1)
    noise = rng.random(bits.shape) < flip
    copy = np.packbits(bits ^ noise, axis=1).view(np.uint64)
    return np.ascontiguousarray(base), np.ascontiguousarray(copy)


def test_lsh_finds_near_duplicates_and_is_deterministic():
    rng = np.random.default_rng(1)
    a, b = noisy_copies(rng, 2000)
    ds_a, ds_b = FakeDataset(clk=a), FakeDataset(clk=b)
    rule = HammingLSH(target_dice=0.85, target_recall=0.99)
    c1 = candidate_pairs(ds_a, ds_b, [rule])
    c2 = candidate_pairs(ds_a, ds_b, [rule])
    assert np.array_equal(c1.left, c2.left) and np.array_equal(c1.right, c2.right)
    found = set(zip(c1.left.tolist(), c1.right.tolist(), strict=True))
    recall = np.mean([(i, i) in found for i in range(2000)])
    assert recall >= 0.97
    assert len(c1) < 2000 * 2000 * 0.05
    details = c1.rules[0].details
    assert details["bands"] >= 1 and 1 <= details["bits_per_band"] <= 64


def test_rules_combine_by_union_with_per_rule_counts():
    rng = np.random.default_rng(2)
    ka = rng.integers(0, 30, size=300).astype(np.uint64)
    kb = rng.integers(0, 30, size=250).astype(np.uint64)
    kc = rng.integers(0, 50, size=300).astype(np.uint64)
    kd = rng.integers(0, 50, size=250).astype(np.uint64)
    a = FakeDataset(keys={"k1": ka, "k2": kc})
    b = FakeDataset(keys={"k1": kb, "k2": kd})
    c = candidate_pairs(a, b, [KeyedBlocking(keys=("k1",)), KeyedBlocking(keys=("k2",))])
    s1, s2 = brute_join(ka, kb), brute_join(kc, kd)
    got = list(zip(c.left.tolist(), c.right.tolist(), strict=True))
    assert got == sorted(s1 | s2)
    assert [r.pairs for r in c.rules] == [len(s1), len(s2)]
    assert c.stats()["union"] == len(s1 | s2)
    both = candidate_pairs(a, b, "keys")
    assert both.rules[0].details["per_key"] == {"k1": len(s1), "k2": len(s2)}
    assert len(both) == len(s1 | s2)


def test_all_pairs_auto_limit_and_quality():
    a = FakeDataset(clk=np.zeros((3, 1), np.uint64))
    b = FakeDataset(clk=np.zeros((4, 1), np.uint64))
    c = candidate_pairs(a, b, "auto")
    assert len(c) == 12 and c.rules[0].name == "all_pairs"
    assert c.reduction_ratio == 0.0
    ids_a = np.array(["a0", "a1", "a2"], dtype=object)
    ids_b = np.array(["b0", "b1", "b2", "b3"], dtype=object)
    q = c.quality(pd.DataFrame({"id_a": ["a1"], "id_b": ["b3"]}), ids_a, ids_b)
    assert q.pairs_completeness == 1.0
    with pytest.raises(ParameterError, match="all pairs"):
        candidate_pairs(a, b, [AllPairs(limit=5)])
    with pytest.raises(ParameterError, match="unknown blocking rule"):
        candidate_pairs(a, b, ["nope"])


def test_empty_inputs_give_no_pairs():
    a = FakeDataset(clk=np.zeros((0, 2), np.uint64))
    b = FakeDataset(clk=np.zeros((5, 2), np.uint64))
    c = candidate_pairs(a, b, [HammingLSH()])
    assert len(c) == 0 and c.left.dtype == np.int64


def field_table(values: np.ndarray) -> np.ndarray:
    """One 2-word filter per value (equal values, equal filters); value 0 stands for missing."""
    return np.stack([values.astype(np.uint64) * 7 + 1, values.astype(np.uint64)], axis=1)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_field_agreement_is_every_pair_equal_on_two_fields(data):
    n_a = data.draw(st.integers(1, 25))
    n_b = data.draw(st.integers(1, 25))
    cols = [st.lists(st.integers(0, 3), min_size=n, max_size=n) for n in (n_a, n_b)]
    va = np.array([data.draw(cols[0]) for _ in range(3)]).T
    vb = np.array([data.draw(cols[1]) for _ in range(3)]).T
    names = ("f", "g", "h")
    a = FakeDataset(fields={f: field_table(va[:, j]) for j, f in enumerate(names)},
                    missing=va == 0)
    b = FakeDataset(fields={f: field_table(vb[:, j]) for j, f in enumerate(names)},
                    missing=vb == 0)
    c = candidate_pairs(a, b, [FieldAgreement(fields=names)])
    expected = {(i, j) for i in range(n_a) for j in range(n_b)
                if ((va[i] == vb[j]) & (va[i] != 0)).sum() >= 2}
    got = list(zip(c.left.tolist(), c.right.tolist(), strict=True))
    assert got == sorted(expected)


def test_field_agreement_leaves_out_unspecific_fields():
    rng = np.random.default_rng(4)
    n = 3000
    person = rng.permutation(n) + 1
    sex_a, sex_b = rng.integers(1, 3, n), rng.integers(1, 3, n)
    fa = {"name": field_table(person), "dob": field_table(person * 3), "sex": field_table(sex_a)}
    # b: the same people, every second one with another date of birth
    dob_b = np.where(np.arange(n) % 2 == 0, person * 3, person * 3 + 1)
    fb = {"name": field_table(person), "dob": field_table(dob_b), "sex": field_table(sex_b)}
    a, b = FakeDataset(fields=fa), FakeDataset(fields=fb)
    c = candidate_pairs(a, b, "agree")
    details = c.rules[0].details
    assert details["fields"] == ["name", "dob"]  # sex agrees in half of random pairs
    assert details["u_exact"]["sex"] > 0.4
    assert set(zip(c.left.tolist(), c.right.tolist(), strict=True)) == {
        (i, i) for i in range(0, n, 2)}
    with pytest.raises(ParameterError, match="not in both"):
        candidate_pairs(a, b, [FieldAgreement(fields=("name", "nope"))])


def test_auto_uses_keys_and_field_agreement_and_lsh_only_without_keys():
    rng = np.random.default_rng(5)
    n = 1500
    clk = rng.integers(0, 2**63, size=(n, 16), dtype=np.int64).astype(np.uint64)
    fields = {"x": field_table(np.arange(n) + 1), "y": field_table(np.arange(n) + 1)}
    keys = {"k": rng.integers(1, 100, n).astype(np.uint64)}
    with_keys = FakeDataset(clk=clk, keys=keys, fields=fields)
    c = candidate_pairs(with_keys, with_keys, "auto")
    assert [r.name for r in c.rules] == ["keys", "agree"]
    clk_only = FakeDataset(clk=clk)
    assert [r.name for r in candidate_pairs(clk_only, clk_only, "auto").rules] == ["lsh"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=300), st.integers(0, 2**64 - 1),
       st.integers(0, 8))
def test_stable_argsort_is_numpys_stable_argsort(values, base, spread):
    """Keys that differ only in the low bits the rows take (and interleave) are ordered too."""
    keys = np.array(values, dtype=np.uint64)
    near = np.uint64(base & ~0x3FF) + np.arange(len(values), dtype=np.uint64) % np.uint64(
        spread + 1)
    for k in (keys, near[::-1].copy(), np.concatenate([near, keys])):
        assert np.array_equal(stable_argsort(k), np.argsort(k, kind="stable"))
