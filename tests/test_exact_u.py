"""u of the exact level counted over all pairs (linkage/exact_u.py)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pipeline import synthetic

from linkcore.linkage.exact_u import count_equal_pairs, equal_filter_pairs
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
