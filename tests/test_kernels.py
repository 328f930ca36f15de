"""The numba kernels equal their plain-numpy references, and their wrappers refuse bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkcore import kernels as K
from linkcore.errors import ParameterError

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make_filters(seed: int, n: int, words: int, density: float, zero_rows: int) -> np.ndarray:
    """Random filters with some all-zero rows and some duplicated rows."""
    rng = np.random.default_rng(seed)
    bits = rng.random((n, 64 * words)) < density
    out = np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)
    out = out.reshape(n, words)
    if n:
        out[rng.integers(0, n, min(zero_rows, n))] = 0
        if n > 2:
            out[-1] = out[0]  # duplicates give ties
    return np.ascontiguousarray(out)


@st.composite
def filter_pairs(draw, max_rows: int = 12):
    """Two filter sets of the same width: rows may be 0 or 1, W from 1 to 17 words."""
    words = draw(st.sampled_from([1, 2, 3, 4, 5, 8, 9, 16, 17]))
    n = draw(st.integers(0, max_rows))
    m = draw(st.integers(0, max_rows))
    density = draw(st.sampled_from([0.02, 0.3, 0.5, 0.9]))
    seed = draw(st.integers(0, 2**32 - 1))
    zeros = draw(st.integers(0, 3))
    a = make_filters(seed, n, words, density, zeros)
    b = make_filters(seed + 1, m, words, density, zeros)
    if n and m and draw(st.booleans()):
        b[0] = a[0]  # an exact match (score 1.0 unless all-zero)
    return a, b


def assert_triples_equal(got, want):
    assert len(got) == len(want) == 3
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


def thresholds_for(a: np.ndarray, b: np.ndarray, pick: int) -> list[float]:
    """0, 1, and a score that occurs in the data (the boundary case >=)."""
    out = [0.0, 1.0, 0.5]
    if a.shape[0] and b.shape[0]:
        scores = np.unique(K._dense_scores_reference(a, b))
        out.append(float(scores[pick % scores.size]))
    return out


# ------------------------------------------------------------------------------ equality


@SETTINGS
@given(filter_pairs())
def test_popcounts_equal_reference(pair):
    a, _ = pair
    got = K.popcounts(a)
    assert got.dtype == np.int32 and got.shape == (a.shape[0],)
    np.testing.assert_array_equal(got, K.popcounts_reference(a))


@SETTINGS
@given(filter_pairs(), st.integers(0, 300), st.integers(0, 2**32 - 1))
def test_dice_pairs_equal_reference(pair, n_pairs, seed):
    a, b = pair
    rng = np.random.default_rng(seed)
    if a.shape[0] == 0 or b.shape[0] == 0:
        n_pairs = 0
    left = rng.integers(0, max(a.shape[0], 1), n_pairs)
    right = rng.integers(0, max(b.shape[0], 1), n_pairs)
    got = K.dice_pairs(a, b, left, right)
    assert got.dtype == np.float32 and got.shape == (n_pairs,)
    np.testing.assert_array_equal(got, K.dice_pairs_reference(a, b, left, right))
    # precomputed popcounts give the same answer
    pa, pb = K.popcounts(a), K.popcounts(b)
    np.testing.assert_array_equal(K.dice_pairs(a, b, left, right, pa, pb), got)


@SETTINGS
@given(filter_pairs(), st.integers(0, 300), st.integers(0, 2**32 - 1), st.integers(0, 4),
       st.booleans())
def test_dice_levels_equal_reference(pair, n_pairs, seed, n_thresholds, masked):
    a, b = pair
    if not a.shape[0] or not b.shape[0]:
        n_pairs = 0
    rng = np.random.default_rng(seed)
    left = rng.integers(0, max(a.shape[0], 1), n_pairs)
    right = rng.integers(0, max(b.shape[0], 1), n_pairs)
    cuts = sorted({0.9, 0.8, 0.6, 0.5, 1 / 3}, reverse=True)[:n_thresholds]
    edges = np.asarray((*cuts[::-1], 1.0), np.float32)
    masks = {}
    if masked:
        masks = {"miss_a": rng.random(a.shape[0]) < 0.2, "miss_b": rng.random(b.shape[0]) < 0.2,
                 "gate": rng.random(n_pairs) < 0.7}
    top = len(cuts) + 2
    got = K.dice_levels(a, b, left, right, K.popcounts(a), K.popcounts(b), edges, top, 0,
                        **masks)
    want = K.dice_levels_reference(a, b, left, right, None, None, edges, top, 0, **masks)
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, want)


@SETTINGS
@given(filter_pairs(max_rows=40), st.integers(0, 1000), st.sampled_from([4, 5, 8, 1024]))
def test_dice_all_pairs_equals_brute_force(pair, pick, tile):
    a, b = pair
    for t in thresholds_for(a, b, pick):
        got = K.dice_all_pairs(a, b, t, tile=tile)
        assert_triples_equal(got, K.dice_all_pairs_reference(a, b, t))
        left, right, score = got
        assert np.all(score >= np.float32(t) - 1e-6)
        order = np.lexsort((right, left))
        np.testing.assert_array_equal(order, np.arange(left.size))


@SETTINGS
@given(
    filter_pairs(max_rows=40),
    st.integers(0, 1000),
    st.integers(0, 45),
    st.sampled_from([4, 7, 1024]),
)
def test_dice_top_k_equals_brute_force(pair, pick, k, tile):
    a, b = pair
    for t in thresholds_for(a, b, pick):
        got = K.dice_top_k(a, b, k, t, tile=tile)
        assert_triples_equal(got, K.dice_top_k_reference(a, b, k, t))
        left = got[0]
        if left.size:
            assert np.bincount(left).max() <= k


@SETTINGS
@given(
    st.integers(0, 20),
    st.integers(1, 20),
    st.integers(0, 400),
    st.integers(0, 2**32 - 1),
)
def test_set_bits_equals_reference(n_rows, n_words, count, seed):
    rng = np.random.default_rng(seed)
    if n_rows == 0:
        count = 0
    rows = rng.integers(0, max(n_rows, 1), count)
    positions = rng.integers(0, 64 * n_words, count)
    got = K.set_bits(n_rows, n_words, rows, positions)
    assert got.dtype == np.uint64 and got.shape == (n_rows, n_words)
    np.testing.assert_array_equal(got, K.set_bits_reference(n_rows, n_words, rows, positions))


@SETTINGS
@given(filter_pairs(), st.integers(0, 6), st.integers(0, 64), st.integers(0, 2**32 - 1))
def test_hamming_band_keys_equal_reference(pair, bands, r, seed):
    a, _ = pair
    rng = np.random.default_rng(seed)
    positions = rng.integers(0, 64 * a.shape[1], (bands, r))
    got = K.hamming_band_keys(a, positions)
    assert got.dtype == np.uint64 and got.shape == (a.shape[0], bands)
    np.testing.assert_array_equal(got, K.hamming_band_keys_reference(a, positions))


@SETTINGS
@given(filter_pairs(), st.integers(0, 15), st.integers(0, 2**32 - 1))
def test_or_reduce_csr_equals_reference(pair, n, seed):
    rows, _ = pair
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 5, n) if rows.shape[0] else np.zeros(n, np.int64)
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    ids = rng.integers(0, max(rows.shape[0], 1), int(indptr[-1]))
    got = K.or_reduce_csr(rows, indptr, ids, n)
    assert got.dtype == np.uint64 and got.shape == (n, rows.shape[1])
    np.testing.assert_array_equal(got, K.or_reduce_csr_reference(rows, indptr, ids, n))


@SETTINGS
@given(st.integers(0, 30), st.integers(0, 12), st.integers(1, 5), st.integers(0, 6),
       st.integers(0, 2**32 - 1))
def test_or_positions_csr_equals_reference(n, n_tokens, n_words, k, seed):
    rng = np.random.default_rng(seed)
    positions = rng.integers(0, 64 * n_words, size=(n_tokens, k))
    counts = rng.integers(0, 4, n) if n_tokens else np.zeros(n, np.int64)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    ids = rng.integers(0, max(n_tokens, 1), int(indptr[-1]))
    got = K.or_positions_csr(positions, indptr, ids, n, n_words)
    assert got.dtype == np.uint64 and got.shape == (n, n_words)
    want = K.or_positions_csr_reference(positions, indptr, ids, n, n_words)
    np.testing.assert_array_equal(got, want)
    as_u32 = K.or_positions_csr(positions.astype(np.uint32), indptr, ids, n, n_words)
    np.testing.assert_array_equal(as_u32, want)
    # raw PRF words: the first k columns, reduced mod the filter's bits
    words = rng.integers(0, 2**32, size=(n_tokens, k + 2), dtype=np.uint64).astype(np.uint32)
    modulus = 64 * n_words - (n_words > 1)
    got = K.or_positions_csr(words, indptr, ids, n, n_words, k=k, modulus=modulus)
    want = K.or_positions_csr_reference(words, indptr, ids, n, n_words, k=k, modulus=modulus)
    np.testing.assert_array_equal(got, want)


@SETTINGS
@given(st.integers(0, 8), st.integers(0, 30), st.integers(0, 5), st.integers(0, 2**32 - 1))
def test_tagged_blocks_equal_reference(n_tags, n, n_blocks, seed):
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 256, (max(n_tags, 1), 7), dtype=np.uint8)
    second = rng.integers(0, 256, (max(n_tags, 1), 8), dtype=np.uint8)
    fi = rng.integers(0, first.shape[0], n)
    si = rng.integers(0, second.shape[0], n)
    got = K.tagged_blocks(first, second, fi, si, n_blocks)
    assert got.dtype == np.uint8 and got.shape == (n, 16 * n_blocks)
    np.testing.assert_array_equal(got, K.tagged_blocks_reference(first, second, fi, si, n_blocks))


def test_kernels_table_lists_every_kernel_with_its_reference():
    assert set(K.KERNELS) == {
        "popcounts",
        "dice_pairs",
        "dice_levels",
        "dice_all_pairs",
        "dice_top_k",
        "set_bits",
        "balance_bits",
        "hamming_band_keys",
        "or_reduce_csr",
        "or_positions_csr",
        "tagged_blocks",
        "gather_or_rows",
        "hmac_sha256_many",
        "near_block_pairs",
        "filter_keys",
    }
    for name, (kernel, reference) in K.KERNELS.items():
        assert kernel.__name__ == name
        assert reference.__name__ == f"{name}_reference"
        assert "=" in kernel.__doc__ or "Dice" in kernel.__doc__ or "bit" in kernel.__doc__


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 3))
def test_near_block_pairs_equals_reference(seed, n, fields):
    rng = np.random.default_rng(seed)
    widths = rng.choice([1, 4, 16], fields)
    near_a = [rng.integers(0, 2**63, (n, w), dtype=np.uint64) for w in widths]
    near_b = [rng.integers(0, 2**63, (n + 3, w), dtype=np.uint64) for w in widths]
    near_a[0][::3] = 0
    counts = rng.integers(0, 4, n)
    first = rng.integers(0, n, n)  # blocks of up to 3 rows within the n + 3 right rows
    right_sorted = rng.permutation(n + 3)
    rows = np.sort(rng.choice(n, n, replace=False))
    limits = rng.uniform(0.3, 0.7, fields)
    got = K.near_block_pairs(rows, first, counts, right_sorted, near_a, near_b, limits)
    want = K.near_block_pairs_reference(rows, first, counts, right_sorted, near_a, near_b, limits)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


# ------------------------------------------------------------------------------ fixed cases


def test_dice_of_two_all_zero_filters_is_zero_and_identical_is_one():
    a = np.zeros((2, 16), np.uint64)
    a[1, 3] = 0b1011
    score = K.dice_pairs(a, a, [0, 1, 0], [0, 1, 1])
    np.testing.assert_array_equal(score, np.array([0.0, 1.0, 0.0], np.float32))
    left, right, score = K.dice_all_pairs(a, a, 0.0)
    assert left.size == 4  # threshold 0 keeps every pair, the all-zero pair at 0.0
    left, right, score = K.dice_all_pairs(a, a, 1.0)
    np.testing.assert_array_equal(left, [1])
    np.testing.assert_array_equal(right, [1])


def test_known_dice_value():
    a = K.set_bits(1, 2, [0, 0, 0, 0], [0, 1, 64, 127])
    b = K.set_bits(1, 2, [0, 0], [1, 127])
    # |a & b| = 2, |a| = 4, |b| = 2 -> 4 / 6
    assert K.dice_pairs(a, b, [0], [0])[0] == np.float32(4 / 6)
    assert a[0, 1] == np.uint64(1) | (np.uint64(1) << np.uint64(63))


def test_wide_filters_cross_the_byte_accumulator_limit():
    # 130 words = 32 full chunks + 2 words: exercises the accumulator flush and the scalar tail
    a = make_filters(7, 30, 130, 0.97, 1)
    b = make_filters(8, 25, 130, 0.97, 1)
    np.testing.assert_array_equal(K.popcounts(a), K.popcounts_reference(a))
    assert_triples_equal(K.dice_all_pairs(a, b, 0.9), K.dice_all_pairs_reference(a, b, 0.9))
    assert_triples_equal(K.dice_top_k(a, b, 3, 0.5), K.dice_top_k_reference(a, b, 3, 0.5))


def test_all_pairs_output_larger_than_initial_buffer_is_complete():
    # a left block of 32 rows x 300 right rows at threshold 0 exceeds the first buffer size
    a = make_filters(1, 70, 4, 0.5, 2)
    b = make_filters(2, 300, 4, 0.5, 2)
    got = K.dice_all_pairs(a, b, 0.0, tile=64)
    assert got[0].size == 70 * 300
    assert_triples_equal(got, K.dice_all_pairs_reference(a, b, 0.0))


def test_all_pairs_agrees_with_pairs_kernel_on_planted_matches():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**64, size=(200, 16), dtype=np.uint64)
    flips = np.packbits(rng.random((200, 1024)) < 0.03, axis=1, bitorder="little")
    b = a ^ flips.view("<u8").astype(np.uint64)
    left, right, score = K.dice_all_pairs(a, b, 0.9)
    np.testing.assert_array_equal(left, np.arange(200))
    np.testing.assert_array_equal(right, np.arange(200))
    np.testing.assert_array_equal(score, K.dice_pairs(a, b, left, right))
    top_left, top_right, _ = K.dice_top_k(a, b, 1)
    np.testing.assert_array_equal(top_right, np.arange(200))


def test_non_contiguous_input_is_accepted():
    a = make_filters(9, 20, 8, 0.5, 1)
    view = a[:, ::2]  # 4 words, strided
    np.testing.assert_array_equal(K.popcounts(view), K.popcounts_reference(view.copy()))


def test_import_compiles_nothing_and_leaves_numba_settings_alone():
    code = (
        "import numba, numba.core.config as c; before = dict(vars(c)); "
        "import linkcore.kernels as K; "
        "assert all(getattr(K, n).signatures == [] for n in dir(K) if n.endswith('_nb')); "
        "after = dict(vars(c)); "
        "assert {k for k in before if before[k] is not after.get(k)} <= set(), 'config changed'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------------------ bad input

A = make_filters(0, 5, 4, 0.5, 0)
B = make_filters(1, 6, 4, 0.5, 0)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: K.popcounts(A.astype(np.int64)), "dtype uint64"),
        (lambda: K.popcounts(A[0]), "2-D"),
        (lambda: K.popcounts([[1, 2]]), "numpy array"),
        (lambda: K.dice_pairs(A, B[:, :2], [0], [0]), "differ in length"),
        (lambda: K.dice_pairs(A, B, [5], [0]), "left has indices outside [0, 5)"),
        (lambda: K.dice_pairs(A, B, [0], [-1]), "right has indices outside"),
        (lambda: K.dice_pairs(A, B, [0, 1], [0]), "same length"),
        (lambda: K.dice_pairs(A, B, [0.5], [0]), "integers"),
        (lambda: K.dice_pairs(A, B, [[0]], [[0]]), "1-D"),
        (lambda: K.dice_pairs(A, B, [0], [0], pop_a=np.zeros(4, np.int32)), "pop_a"),
        (lambda: K.dice_pairs(A, B, [0], [0], pop_b=np.full(6, 999)), "pop_b"),
        (lambda: K.dice_all_pairs(A, B, -0.1), "threshold must be in [0, 1]"),
        (lambda: K.dice_all_pairs(A, B, 1.5), "threshold must be in [0, 1]"),
        (lambda: K.dice_all_pairs(A, B, float("nan")), "threshold must be in [0, 1]"),
        (lambda: K.dice_all_pairs(A, B, "high"), "threshold must be a number"),
        (lambda: K.dice_all_pairs(A, B, 0.5, tile=0), "tile must be an integer >= 4"),
        (lambda: K.dice_top_k(A, B, -1), "k must be an integer >= 0"),
        (lambda: K.dice_top_k(A, B, 2.5), "k must be an integer"),
        (lambda: K.set_bits(2, 1, [0], [64]), "positions has indices outside [0, 64)"),
        (lambda: K.set_bits(2, 1, [2], [0]), "rows has indices outside [0, 2)"),
        (lambda: K.set_bits(2, 0, [], []), "n_words must be an integer >= 1"),
        (lambda: K.set_bits(2, 1, [0, 1], [0]), "same length"),
        (lambda: K.hamming_band_keys(A, np.zeros((2, 65), np.int64)), "at most 64 bits"),
        (lambda: K.hamming_band_keys(A, np.full((2, 3), 256)), "must lie in [0, 256)"),
        (lambda: K.hamming_band_keys(A, np.zeros(3, np.int64)), "2-D"),
        (lambda: K.or_reduce_csr(A, [0, 1], [0], 2), "n + 1 = 3 entries"),
        (lambda: K.or_reduce_csr(A, [0, 2, 1], [0], 2), "never decrease"),
        (lambda: K.or_reduce_csr(A, [0, 1], [9], 1), "ids has indices outside [0, 5)"),
    ],
)
def test_bad_input_raises_parameter_error(call, fragment):
    with pytest.raises(ParameterError) as info:
        call()
    assert fragment in str(info.value)


def test_empty_inputs_give_empty_outputs_of_the_right_type():
    empty = np.zeros((0, 4), np.uint64)
    assert K.popcounts(empty).shape == (0,)
    assert K.dice_pairs(empty, B, [], []).dtype == np.float32
    for result in (K.dice_all_pairs(empty, B, 0.0), K.dice_top_k(A, empty, 3)):
        assert [x.dtype for x in result] == [np.int64, np.int64, np.float32]
        assert all(x.size == 0 for x in result)
    assert K.set_bits(0, 3, [], []).shape == (0, 3)
    assert K.hamming_band_keys(empty, np.zeros((2, 5), np.int64)).shape == (0, 2)
    assert K.filter_keys(empty).dtype == np.uint64 and K.filter_keys(empty).size == 0


@settings(deadline=None, max_examples=60)
@given(st.integers(0, 40), st.integers(0, 12), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_gather_or_rows_equals_reference(n, n_table, w, seed):
    from linkcore.kernels import gather_or_rows, gather_or_rows_reference

    rng = np.random.default_rng(seed)
    keep = rng.integers(0, 2, (n, 1)).astype(np.uint64)
    out = rng.integers(0, 2**63, size=(n, w), dtype=np.uint64) * keep
    table = rng.integers(0, 2**63, size=(n_table, w), dtype=np.uint64)
    codes = rng.integers(-1, max(n_table, 1), size=n) if n_table else np.full(n, -1)
    expected = gather_or_rows_reference(out, table, codes)
    assert np.array_equal(gather_or_rows(out.copy(), table, codes), expected)


@pytest.mark.parametrize("n_words", [1, 4, 8])
def test_balance_bits_equals_its_reference_and_sets_half_the_bits(n_words):
    rng = np.random.default_rng(n_words)
    filters = rng.integers(0, 2**63, size=(37, n_words), dtype=np.uint64)
    perm = rng.permutation(2 * 64 * n_words)
    got = K.balance_bits(filters, perm)
    np.testing.assert_array_equal(got, K.balance_bits_reference(filters, perm))
    assert (K.popcounts(got) == 64 * n_words).all()


def test_balance_bits_refuses_a_non_permutation():
    with pytest.raises(ParameterError):
        K.balance_bits(np.zeros((2, 1), np.uint64), np.zeros(128, np.int64))


@settings(deadline=None, max_examples=60)
@given(st.integers(0, 60), st.integers(1, 17), st.integers(0, 2**32 - 1), st.booleans(),
       st.data())
def test_filter_keys_equal_reference(n, w, seed, empty_missing, data):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, 2**63, (n, w), dtype=np.int64).astype(np.uint64)
    rows[::3] = rows[0] if n else rows[::3]  # equal rows: equal keys
    rows[1::5] = 0  # all-zero rows: 0 with empty_missing
    rows[2::7, 0] = 0
    words = data.draw(st.integers(0, w))
    got = K.filter_keys(rows, words, empty_missing)
    assert np.array_equal(got, K.filter_keys_reference(rows, words, empty_missing))
    if n > 3:
        assert got[0] == got[3]
    assert ((got == 0) == (empty_missing & ~rows.any(axis=1))).all()


def test_filter_keys_refuses_more_words_than_a_row_holds():
    with pytest.raises(ParameterError, match="words"):
        K.filter_keys(np.zeros((2, 4), np.uint64), 5)


@pytest.mark.parametrize("small_work", [0, 1 << 40], ids=["parallel", "serial"])
def test_serial_and_parallel_builds_equal_their_references(small_work, monkeypatch):
    """The wrappers pick a serial build for small inputs: both builds give the reference's."""
    monkeypatch.setattr(K, "_SMALL_WORK", small_work)
    rng = np.random.default_rng(7)
    a, b = make_filters(1, 300, 16, 0.3, 3), make_filters(2, 250, 16, 0.3, 3)
    left = rng.integers(0, 300, 5000)
    right = rng.integers(0, 250, 5000)
    np.testing.assert_array_equal(K.popcounts(a), K.popcounts_reference(a))
    for words, empty in ((16, False), (5, True)):
        np.testing.assert_array_equal(K.filter_keys(a, words, empty),
                                      K.filter_keys_reference(a, words, empty))
    np.testing.assert_array_equal(K.dice_pairs(a, b, left, right),
                                  K.dice_pairs_reference(a, b, left, right))
    pa, pb = K.popcounts(a), K.popcounts(b)
    edges = np.array([0.45, 0.62, 0.8], np.float32)
    miss_a, gate = rng.random(300) < 0.1, rng.random(5000) < 0.9
    got = K.dice_levels(a, b, left, right, pa, pb, edges, 3, 0, miss_a=miss_a, gate=gate)
    want = K.dice_levels_reference(a, b, left, right, pa, pb, edges, 3, 0, miss_a=miss_a,
                                   gate=gate)
    np.testing.assert_array_equal(got, want)


_TWIN_SCRIPT = r"""
import json, sys
import numpy as np
import linkcore.kernels as K

rng = np.random.default_rng(3)
a = rng.integers(0, 2**63, (40, 16), dtype=np.int64).astype(np.uint64)
left, right = rng.integers(0, 40, 100), rng.integers(0, 40, 100)
edges = np.array([0.5, 0.8], np.float32)
ptr, ids = np.array([0, 2, 3]), np.array([0, 1, 2])


def run_all():
    pa = K.popcounts(a)
    K.filter_keys(a, 16, True)
    K.dice_pairs(a, a, left, right)
    K.dice_levels(a, a, left, right, pa, pa, edges, 2, 0)
    K.or_reduce_csr(a, ptr, ids, 2)
    K.gather_or_rows(np.zeros((3, 16), np.uint64), a, np.array([0, -1, 5]))
    K.balance_bits(a[:, :2], rng.permutation(256))
    K.or_positions_csr(np.array([[1, 70], [3, 900], [5, 6]]), ptr, ids, 2, 16)


# serial builds first, then the parallel ones (the order in which a small call comes first)
K._SMALL_WORK, K._PARALLEL_WORDS = 1 << 40, 1 << 40
run_all()
K._SMALL_WORK, K._PARALLEL_WORDS = 0, 0
run_all()
twins = ["popcounts", "filter_keys", "dice_pairs", "dice_levels"]
builds = [f"_{t}_{kind}" for t in twins for kind in ("serial", "nb")]
builds += [f"_{t}_{kind}" for t in ("or_reduce_csr", "gather_or_rows", "balance_bits",
                                     "or_positions_csr") for kind in ("nb", "par")]
print(json.dumps({b: [sum(getattr(K, b).stats.cache_hits.values()),
                      sum(getattr(K, b).stats.cache_misses.values())] for b in builds}))
"""


def test_serial_and_parallel_builds_are_cached_apart(tmp_path):
    """Each build compiles its own code: numba's cache must not hand one build the other's."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}

    def counts() -> dict[str, list[int]]:
        out = subprocess.run([sys.executable, "-c", _TWIN_SCRIPT], env=env, check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    first = counts()
    assert len(first) == 16
    assert all(hits == 0 and misses == 1 for hits, misses in first.values()), first
    second = counts()  # a later process loads each build's own compiled code
    assert all(hits == 1 and misses == 0 for hits, misses in second.values()), second
