"""u of the exact level counted over all pairs (linkage/exact_u.py)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pipeline import synthetic

from linkcore.linkage.blocking import _combine_keys
from linkcore.linkage.exact_u import agreeing_pair_counts, count_equal_pairs, equal_filter_pairs
from linkcore.linkage.pipeline import DEFAULT_U_PAIRS, link

keys = st.lists(st.integers(0, 6), max_size=40).map(lambda x: np.array(x, dtype=np.uint64))


@given(keys, keys)
@settings(max_examples=200, deadline=None)
def test_count_equal_pairs_is_the_brute_force_count(ka, kb):
    brute = sum(int(x == y) for x in ka for y in kb if x != 0)
    assert count_equal_pairs(ka, kb) == brute
    left, right, share = equal_filter_pairs(ka, kb, cap=10**9, rng=np.random.default_rng(0))
    assert share == 1.0 and left.size == brute
    assert (ka[left] == kb[right]).all() and (ka[left] != 0).all()


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.integers(2, 4), st.integers(0, 2**32 - 1),
       st.booleans(), st.integers(1, 3))
def test_agreeing_pair_counts_are_the_counts_of_the_combined_keys(n_a, n_b, n_fields, seed,
                                                                  within, threads):
    """Each set counted over the rows its counted subsets leave: the plain count, every set."""
    rng = np.random.default_rng(seed)
    keys_a = [rng.integers(0, 3, n_a).astype(np.uint64) for _ in range(n_fields)]
    keys_b = keys_a if within else [rng.integers(0, 3, n_b).astype(np.uint64)
                                    for _ in range(n_fields)]
    masks = [m for m in range(1, 1 << n_fields) if rng.random() < 0.7]
    got = agreeing_pair_counts(masks, keys_a, keys_b, within=within, threads=threads)
    assert set(got) == set(masks)
    for mask in masks:
        members = [i for i in range(n_fields) if mask >> i & 1]
        ka, kb = keys_a[members[0]], keys_b[members[0]]
        for i in members[1:]:
            ka, kb = _combine_keys(ka, keys_a[i]), _combine_keys(kb, keys_b[i])
        ka, kb = ka[ka != 0], kb[kb != 0]
        assert got[mask] == (count_equal_pairs(ka, kb, within=within), ka.size, kb.size)


def test_identifier_u_falls_below_what_random_pairs_can_see():
    (a, b), truth, _, _ = synthetic(3000, 5)
    result = link(a, b, blocking=["keys", "agree"])
    counted = result.model.training["u"]["exact_counted_over_all_pairs"]
    ni = counted["ni_number"]
    # random pairs saw no agreement, so smoothing set u; all pairs say it is far smaller
    assert ni["random_pairs"] >= 1.0 / (DEFAULT_U_PAIRS + 10)
    assert ni["counted"] < ni["random_pairs"] / 10
    assert ni["weight_change_bits"] > 3
    u = result.model.u
    for name, table in u.items():
        assert abs(float(np.sum(table[1:])) - 1.0) < 1e-9, name
    assert float(u["ni_number"][1]) == ni["counted"]
    # sex agrees in half of all pairs: sampling is precise there and it is left alone
    assert "sex" not in counted
