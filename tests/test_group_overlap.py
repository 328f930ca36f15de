"""The group-overlap attack's parts: pairs within rebuilt groups, messages, labellings."""

from __future__ import annotations

import numpy as np

from linkcore.audit.group_overlap import (
    MAX_GROUP,
    Bits,
    Evidence,
    class_priors,
    expected_overlaps,
    group_overlap_attack,
    group_pairs,
    mate_evidence,
    mate_overlaps,
)
from linkcore.holder.hardening import from_bits


def test_pairs_stay_inside_groups_and_runs_of_max_group():
    groups = np.array([0, 0, 1, 2, 2, 2] + [3] * (MAX_GROUP + 3))
    missing = np.zeros(len(groups), dtype=bool)
    missing[4] = True
    pairs = group_pairs(groups, missing)
    assert (groups[pairs[:, 0]] == groups[pairs[:, 1]]).all()
    assert not missing[pairs].any()
    assert {tuple(p) for p in pairs[:2]} == {(0, 1), (3, 5)}
    partners = np.bincount(pairs.ravel(), minlength=len(groups))
    assert partners.max() == MAX_GROUP - 1  # a big group is cut into runs: nobody hears more
    assert partners[2] == 0  # alone in its group


def test_expected_overlaps_are_the_mean_over_keys_and_at_least_one_bit_wide():
    rng = np.random.default_rng(0)
    keys = [rng.random((5, 64)) < 0.3 for _ in range(3)]
    mean, sd = expected_overlaps(keys)
    direct = np.mean([k.astype(int) @ k.astype(int).T for k in keys], axis=0)
    np.testing.assert_allclose(mean, direct, rtol=1e-6)
    assert mean.shape == sd.shape == (5, 5) and (sd >= 1.0).all()


def test_a_pair_whose_overlap_only_two_values_explain_names_both():
    cands = np.array(["ann", "bob", "cy"], dtype=object)
    prior = np.array([[0.5, 0.3, 0.2]])
    expected = np.array([[10.0, 20, 20], [20, 10, 20], [20, 20, 40]], dtype=np.float32)
    spread = np.ones_like(expected)
    ev = Evidence(np.array([0, 1]), np.array([1, 0]), np.array([40, 40]), expected, spread)
    out = group_overlap_attack([ev], [], cands, [prior], None, 3)
    assert list(out.guesses) == ["cy", "cy", "ann"]  # the third record sees nothing: the prior
    assert out.confident[:2].all() and not out.confident[2]


def test_mates_are_read_against_the_reference_in_every_view_at_once():
    bits = np.zeros((2, 64), dtype=np.uint8)
    bits[0, :10] = 1
    bits[1, 5:12] = 1
    mine = Bits(from_bits(bits), np.zeros(2, dtype=bool), None)
    mate_bits = np.zeros((2, 64), dtype=np.uint8)
    mate_bits[:, :6] = 1
    theirs = Bits(from_bits(mate_bits), np.zeros(2, dtype=bool), None)
    common = mate_overlaps(mine, theirs)
    assert list(common) == [6, 1]
    # reference: "ann" records overlap their mates by about 6, "bob" records by about 1
    own = np.array([[6, 6, 1, 1], [6, 7, 1, 0]])
    ev = mate_evidence([common], [own], np.array(["ann", "ann", "bob", "bob"], dtype=object),
                       np.array(["ann", "bob"], dtype=object))
    assert ev is not None
    out = group_overlap_attack([], [ev], np.array(["ann", "bob"], dtype=object),
                               [np.array([[0.5, 0.5]])], None, 2)
    assert list(out.guesses) == ["ann", "bob"]


def test_each_labelling_of_a_revealed_attribute_is_a_prior_table():
    cands = np.array(["ann", "bob"], dtype=object)
    ref = np.array(["ann", "ann", "bob", "bob", "bob"], dtype=object)
    sex = np.array(["F", "F", "M", "M", "M"], dtype=object)
    tables = class_priors(cands, ref, sex, np.array([0, 1, 1, -1]))
    assert len(tables) == 2  # codes 0 and 1 named F, M or M, F
    for t in tables:
        assert t.shape == (3, 2)
        np.testing.assert_allclose(t.sum(axis=1), 1.0)
    assert {int(t[1].argmax()) for t in tables} == {0, 1}
    assert len(class_priors(cands, ref, None, None)) == 1


def test_chained_rounds_carry_one_family_s_evidence_to_the_other_s_mates():
    """Record 1 is named by its postcode-family pair; only chaining tells its date mate (0)."""
    cands = np.array(["ann", "bob", "cy"], dtype=object)
    prior = np.array([[0.3, 0.45, 0.25]])
    spread = np.ones((3, 3), dtype=np.float32)
    by_date = np.array([[15, 15, 15], [15, 15, 25], [15, 25, 40]], dtype=np.float32)
    by_postcode = np.array([[10, 10, 10], [10, 10, 10], [10, 10, 40]], dtype=np.float32)
    evidence = [Evidence(np.array([0, 1]), np.array([1, 0]), np.array([15, 15]), by_date,
                         spread, family="date"),
                Evidence(np.array([1, 2]), np.array([2, 1]), np.array([40, 40]), by_postcode,
                         spread, family="postcode")]
    one = group_overlap_attack(evidence, [], cands, [prior], None, 3)
    chained = group_overlap_attack(evidence, [], cands, [prior], None, 3, rounds=3)
    assert list(one.guesses[1:]) == ["cy", "cy"] and one.guesses[0] == "bob"
    assert list(chained.guesses) == ["ann", "cy", "cy"]
    assert chained.details["rounds"] == 3 and chained.details["families"] == 2
