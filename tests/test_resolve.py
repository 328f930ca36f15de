import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore.errors import ParameterError
from linkcore.linkage.resolve import (
    above_threshold,
    clusters,
    clusters_one_per_party,
    component_groups,
    one_to_one_greedy,
    one_to_one_optimal,
    resolve,
)


def greedy_reference(left, right, prob):
    """Plain Python: sort by (-p, left, right), take a pair when both ends are free."""
    order = sorted(range(len(prob)), key=lambda i: (-prob[i], left[i], right[i], i))
    used_l, used_r, mask = set(), set(), [False] * len(prob)
    for i in order:
        if left[i] not in used_l and right[i] not in used_r:
            used_l.add(left[i])
            used_r.add(right[i])
            mask[i] = True
    return mask


def brute_force_best(left, right, prob):
    """Largest total probability over every one-to-one subset of the pairs (tiny inputs)."""
    best = 0.0
    n = len(prob)
    for k in range(n + 1):
        for subset in itertools.combinations(range(n), k):
            ls = [left[i] for i in subset]
            rs = [right[i] for i in subset]
            if len(set(ls)) == k and len(set(rs)) == k:
                best = max(best, sum(prob[i] for i in subset))
    return best


@st.composite
def pair_arrays(draw, max_pairs=60, max_id=12, distinct_probs=True):
    n = draw(st.integers(0, max_pairs))
    ids = st.integers(0, max_id)
    left = draw(st.lists(ids, min_size=n, max_size=n))
    right = draw(st.lists(ids, min_size=n, max_size=n))
    probs = st.floats(0, 1) if distinct_probs else st.sampled_from([0.2, 0.5, 0.9, 1.0])
    prob = draw(st.lists(probs, min_size=n, max_size=n))
    return (
        np.array(left, dtype=np.int64),
        np.array(right, dtype=np.int64),
        np.array(prob, dtype=np.float64),
    )


def assert_one_to_one(left, right, mask):
    assert len(set(left[mask].tolist())) == mask.sum()
    assert len(set(right[mask].tolist())) == mask.sum()


@settings(max_examples=80, deadline=None)
@given(pair_arrays(distinct_probs=False))
def test_greedy_equals_python_reference_with_ties(pairs):
    left, right, prob = pairs
    mask = one_to_one_greedy(left, right, prob)
    assert mask.tolist() == greedy_reference(left.tolist(), right.tolist(), prob.tolist())
    assert_one_to_one(left, right, mask)


@settings(max_examples=100, deadline=None)
@given(pair_arrays(max_pairs=120, max_id=30, distinct_probs=False), st.integers(1, 6))
def test_greedy_per_component_group_equals_greedy_over_all_pairs(pairs, parts):
    # groups of whole components, resolved one by one (as the workers do), accept exactly
    # what one greedy pass over every pair accepts, ties included
    left, right, prob = pairs
    groups = component_groups(left, right, parts)
    assert len(groups) <= parts
    joined = np.sort(np.concatenate(groups)) if groups else np.zeros(0, np.int64)
    assert joined.tolist() == list(range(left.size))  # every pair in exactly one group
    owner = np.empty(left.size, np.int64)
    for k, g in enumerate(groups):
        owner[g] = k
        assert (np.diff(g) > 0).all()  # input order kept
    for ids in (left, right):  # a record's pairs are all in one group
        for x in np.unique(ids):
            assert np.unique(owner[ids == x]).size == 1
    mask = np.zeros(left.size, bool)
    for g in groups:
        mask[g] = one_to_one_greedy(left[g], right[g], prob[g])
    assert mask.tolist() == one_to_one_greedy(left, right, prob).tolist()


def test_component_groups_balance_pairs_and_refuse_bad_parts():
    # 100 components of 3 pairs each, in 4 groups: 75 pairs a group
    left = np.repeat(np.arange(100), 3)
    right = np.arange(300)
    sizes = [g.size for g in component_groups(left, right, 4)]
    assert sizes == [75, 75, 75, 75]
    with pytest.raises(ParameterError):
        component_groups(left, right, 0)


def test_component_groups_in_one_space_join_a_record_on_either_side():
    # records of one file: 0-1 and 1-2 are one component (1 is right, then left), 3-4 another;
    # as two sides (bipartite) the right 1 and the left 1 would be two nodes
    left, right = np.array([0, 1, 3]), np.array([1, 2, 4])
    assert [g.tolist() for g in component_groups(left, right, 2, one_space=True)] == [[0, 1],
                                                                                       [2]]
    assert [g.tolist() for g in component_groups(left, right, 3)] == [[0], [1], [2]]


@settings(max_examples=100, deadline=None)
@given(pair_arrays(max_pairs=200, max_id=40))
def test_greedy_equals_reference_on_presorted_and_large_ids(pairs):
    left, right, prob = pairs
    order = np.lexsort((right, left))
    left, right, prob = left[order], right[order], prob[order]
    want = greedy_reference(left.tolist(), right.tolist(), prob.tolist())
    assert one_to_one_greedy(left, right, prob).tolist() == want
    # ids far from 0..n (and negative) go through the renumbering path
    big = one_to_one_greedy(left * 10**12 - 7, right * 10**12 + 3, prob)
    assert big.tolist() == want


@pytest.mark.parametrize("max_distinct", [1 << 20, 4])
def test_pair_order_equals_lexsort_on_both_paths(monkeypatch, max_distinct):
    from linkcore.linkage import resolve as module

    monkeypatch.setattr(module, "_COUNTING_SORT_MAX_DISTINCT", max_distinct)
    rng = np.random.default_rng(0)
    n = 20_000
    left, right = rng.integers(0, 500, n), rng.integers(0, 500, n)
    for prob in (rng.random(n), rng.choice([0.0, -0.0, 0.25, 0.5, 1.0, 1e-300], n)):
        want = np.lexsort((right, left, -prob))
        np.testing.assert_array_equal(module._descending_order(left, right, prob), want)
        order = np.lexsort((right, left))  # presorted input takes the no-permutation path
        got = module._descending_order(left[order], right[order], prob[order])
        np.testing.assert_array_equal(got, np.lexsort((right[order], left[order], -prob[order])))
    mask = one_to_one_greedy(left, right, prob)
    assert mask.tolist() == greedy_reference(left.tolist(), right.tolist(), prob.tolist())


@settings(max_examples=100, deadline=None)
@given(pair_arrays(max_pairs=80, max_id=15))
def test_optimal_is_one_to_one_and_at_least_greedy(pairs):
    left, right, prob = pairs
    opt = one_to_one_optimal(left, right, prob)
    greedy = one_to_one_greedy(left, right, prob)
    assert_one_to_one(left, right, opt)
    assert prob[opt].sum() >= prob[greedy].sum() - 1e-9
    assert (prob[opt] > 0).all()


@settings(max_examples=100, deadline=None)
@given(pair_arrays(max_pairs=9, max_id=4))
def test_optimal_equals_brute_force_on_tiny_inputs(pairs):
    left, right, prob = pairs
    opt = one_to_one_optimal(left, right, prob)
    assert prob[opt].sum() == pytest.approx(
        brute_force_best(left.tolist(), right.tolist(), prob.tolist()), abs=1e-9
    )


def test_optimal_beats_greedy_where_greedy_is_known_to_lose():
    # greedy takes (0,0)=0.9 and is left with nothing; optimal takes 0.8 + 0.8
    left = np.array([0, 0, 1])
    right = np.array([0, 1, 0])
    prob = np.array([0.9, 0.8, 0.8])
    assert one_to_one_greedy(left, right, prob).tolist() == [True, False, False]
    assert one_to_one_optimal(left, right, prob).tolist() == [False, True, True]


def test_optimal_counts_duplicate_pairs_once():
    left = np.array([0, 0, 1])
    right = np.array([0, 0, 1])
    prob = np.array([0.4, 0.7, 0.5])
    assert one_to_one_optimal(left, right, prob).tolist() == [False, True, True]


def test_empty_inputs():
    e = np.zeros(0, dtype=np.int64)
    p = np.zeros(0)
    assert one_to_one_greedy(e, e, p).shape == (0,)
    assert one_to_one_optimal(e, e, p).shape == (0,)
    assert resolve(e, e, p).shape == (0,)
    c = clusters(e, e, e, e)
    assert c.n_clusters == 0 and c.record.size == 0
    assert clusters_one_per_party(e, e, e, e, p).n_clusters == 0


def test_threshold_and_modes():
    left = np.array([0, 0, 1, 2])
    right = np.array([0, 1, 1, 2])
    prob = np.array([0.9, 0.6, 0.7, 0.3])
    assert above_threshold(left, right, prob, 0.5).tolist() == [True, True, True, False]
    assert above_threshold(left, right, prob, 0.7).tolist() == [True, False, True, False]
    assert resolve(left, right, prob, threshold=0.5, one_to_one="none").tolist() == [
        True,
        True,
        True,
        False,
    ]
    assert resolve(left, right, prob, threshold=0.5).tolist() == [True, False, True, False]
    assert resolve(left, right, prob, threshold=0.2, one_to_one="optimal").tolist() == [
        True,
        False,
        True,
        True,
    ]


@pytest.mark.parametrize("threshold", [-0.1, 1.01, float("nan"), "high"])
def test_threshold_outside_unit_interval_is_refused(threshold):
    z = np.zeros(1, dtype=np.int64)
    with pytest.raises(ParameterError, match="threshold"):
        above_threshold(z, z, np.ones(1), threshold)
    with pytest.raises(ParameterError, match="threshold"):
        resolve(z, z, np.ones(1), threshold=threshold)


def test_unknown_mode_and_bad_arrays_are_refused():
    z = np.zeros(2, dtype=np.int64)
    with pytest.raises(ParameterError, match="greedy, optimal, none"):
        resolve(z, z, np.ones(2), one_to_one="best")
    with pytest.raises(ParameterError):
        one_to_one_greedy(z, z[:1], np.ones(2))
    with pytest.raises(ParameterError):
        one_to_one_greedy(z, z, np.array([0.5, np.nan]))
    with pytest.raises(ParameterError):
        one_to_one_greedy(z.astype(float), z, np.ones(2))


def test_clusters_are_connected_components():
    # parties 0,1,2: a chain 0:1-1:5-2:7, a pair 0:2-1:6, and 0:3-2:3
    pl = np.array([0, 1, 0, 0])
    left = np.array([1, 5, 2, 3])
    pr = np.array([1, 2, 1, 2])
    right = np.array([5, 7, 6, 3])
    c = clusters(pl, left, pr, right)
    nodes = list(zip(c.party.tolist(), c.record.tolist(), strict=True))
    assert nodes == [(0, 1), (0, 2), (0, 3), (1, 5), (1, 6), (2, 3), (2, 7)]
    assert c.cluster.tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert c.n_clusters == 3 and c.accepted.all()


def test_one_per_party_refuses_a_second_record_of_a_party():
    # A:1 - B:5 (0.9), A:2 - B:5 (0.8) would put A:1 and A:2 together; C:9 joins via B:5
    pl = np.array([0, 0, 1])
    left = np.array([1, 2, 5])
    pr = np.array([1, 1, 2])
    right = np.array([5, 5, 9])
    prob = np.array([0.9, 0.8, 0.7])
    plain = clusters(pl, left, pr, right)
    assert plain.n_clusters == 1
    c = clusters_one_per_party(pl, left, pr, right, prob)
    assert c.accepted.tolist() == [True, False, True]
    members = {}
    for party, record, k in zip(c.party, c.record, c.cluster, strict=True):
        members.setdefault(int(k), []).append((int(party), int(record)))
    assert sorted(members.values()) == [[(0, 1), (1, 5), (2, 9)], [(0, 2)]]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 150), st.data())
def test_one_per_party_never_puts_two_records_of_a_party_together(n_parties, data):
    n = data.draw(st.integers(1, 60))
    parties = st.integers(0, n_parties - 1)
    records = st.integers(0, 5)
    pl = np.array(data.draw(st.lists(parties, min_size=n, max_size=n)))
    pr = np.array(data.draw(st.lists(parties, min_size=n, max_size=n)))
    left = np.array(data.draw(st.lists(records, min_size=n, max_size=n)))
    right = np.array(data.draw(st.lists(records, min_size=n, max_size=n)))
    prob = np.array(data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    c = clusters_one_per_party(pl, left, pr, right, prob)
    for k in range(c.n_clusters):
        members = c.party[c.cluster == k]
        assert len(set(members.tolist())) == members.size
    # every cluster is a subset of a plain connected component
    plain = clusters(pl, left, pr, right)
    for k in range(c.n_clusters):
        assert len(set(plain.cluster[c.cluster == k].tolist())) == 1


def test_optimal_batches_components_without_changing_the_optimum(monkeypatch):
    from linkcore.linkage import resolve as module

    rng = np.random.default_rng(5)
    n_rec = 3000  # 600 blocks of 5 records: many components, several batches
    block = np.arange(n_rec) // 5
    conf = rng.integers(0, n_rec, 6000)
    left = np.concatenate((np.arange(n_rec), conf))
    right = np.concatenate((np.arange(n_rec), block[conf] * 5 + rng.integers(0, 5, conf.size)))
    prob = rng.random(left.size)
    batched = one_to_one_optimal(left, right, prob)
    monkeypatch.setattr(module, "_OPTIMAL_BATCH_ROWS", 10**9)
    whole = one_to_one_optimal(left, right, prob)
    assert_one_to_one(left, right, batched)
    assert prob[batched].sum() == pytest.approx(prob[whole].sum(), rel=1e-12)
    assert prob[batched].sum() >= prob[one_to_one_greedy(left, right, prob)].sum()
