"""Keyed hash positions: PRF positions match the documented construction; double hashing is an
arithmetic progression that never collapses; bits land where the bit order says."""

from __future__ import annotations

import hmac

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST_SETTINGS

from linkcore.holder.positions import (
    SALT_SEPARATOR,
    double_hash_positions,
    prf_positions,
    rows_from_positions,
    token_message,
)

keys = st.binary(min_size=16, max_size=96)
messages = st.lists(st.binary(max_size=40), max_size=12)
lengths = st.sampled_from([64, 128, 192, 512, 1024, 65536])


def reference_prf(key: bytes, msg: bytes, k: int, m: int) -> list[int]:
    """docs/spec.md "Positions", read literally: HMAC blocks over BE counters, LE uint32 words."""
    stream = b""
    block = 0
    while len(stream) < 4 * k:
        stream += hmac.new(key, block.to_bytes(4, "big") + msg, "sha256").digest()
        block += 1
    return [int.from_bytes(stream[4 * i:4 * i + 4], "little") % m for i in range(k)]


def reference_double(key1: bytes, key2: bytes, msg: bytes, k: int, m: int) -> list[int]:
    h1 = int.from_bytes(hmac.digest(key1, msg, "sha256")[:8], "little")
    h2 = 1 + int.from_bytes(hmac.digest(key2, msg, "sha256")[:8], "little") % (m - 1)
    return [(h1 + i * h2) % m for i in range(k)]


@FAST_SETTINGS
@given(st.binary(min_size=1, max_size=130), st.lists(st.binary(max_size=120), max_size=12))
def test_batched_hmac_equals_stdlib_hmac(key, msgs):
    """The batched HMAC equals hmac.digest, for keys and messages either side of one block."""
    from linkcore.kernels import hmac_sha256_many

    msgs = msgs + [b"", b"x" * 55, b"y" * 56]  # the one-block limit and just past it
    assert hmac_sha256_many(key, msgs) == b"".join(hmac.digest(key, x, "sha256") for x in msgs)


@FAST_SETTINGS
@given(keys, messages, st.integers(1, 70), lengths)
def test_prf_positions_match_the_spec(key, msgs, k, m):
    got = prf_positions(key, msgs, k, m)
    assert got.shape == (len(msgs), k) and got.dtype == np.int64
    assert got.tolist() == [reference_prf(key, msg, k, m) for msg in msgs]


@FAST_SETTINGS
@given(keys, keys, messages, st.integers(1, 70), lengths)
def test_double_hash_positions_match_the_spec(key1, key2, msgs, k, m):
    got = double_hash_positions(key1, key2, msgs, k, m)
    assert got.shape == (len(msgs), k) and got.dtype == np.int64
    assert got.tolist() == [reference_double(key1, key2, msg, k, m) for msg in msgs]


@FAST_SETTINGS
@given(keys, keys, st.binary(max_size=30), st.integers(2, 64), lengths)
def test_double_hash_is_a_progression_that_never_collapses(key1, key2, msg, k, m):
    row = double_hash_positions(key1, key2, [msg], k, m)[0]
    steps = np.diff(row) % m
    assert np.all(steps == steps[0]), "positions form an arithmetic progression mod m"
    assert steps[0] != 0, "non-singular fix: the step is never 0 mod m"
    assert len(set(row.tolist())) > 1
    assert row.min() >= 0 and row.max() < m


def test_double_hash_step_zero_is_fixed():
    # A raw h2 that is 0 mod m would put every position on h1; the fixed step
    # 1 + (h2 mod (m - 1)) takes every value 1..m-1 and never 0 (or m).
    m = 64
    assert {1 + (h2 % (m - 1)) for h2 in range(1000)} == set(range(1, m))


def test_positions_depend_on_key_and_message():
    k1, k2 = b"\x01" * 32, b"\x02" * 32
    a = prf_positions(k1, [b"jo"], 40, 512)
    assert not np.array_equal(a, prf_positions(k2, [b"jo"], 40, 512))
    assert not np.array_equal(a, prf_positions(k1, [b"oj"], 40, 512))
    assert np.array_equal(a, prf_positions(k1, [b"jo"], 40, 512))
    assert np.array_equal(prf_positions(k1, [b"jo"], 40, 512)[:, :10],
                          prf_positions(k1, [b"jo"], 10, 512))  # k is a prefix
    assert prf_positions(k1, [], 5, 64).shape == (0, 5)
    assert double_hash_positions(k1, k2, [], 5, 64).shape == (0, 5)


def test_prf_positions_are_roughly_uniform():
    pos = prf_positions(b"\x03" * 32, [str(i).encode() for i in range(2000)], 32, 64).ravel()
    counts = np.bincount(pos, minlength=64)
    expected = len(pos) / 64
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 150  # 63 degrees of freedom; p < 1e-8 above this


def test_token_message():
    assert token_message("jo", None) == b"jo"
    assert token_message("jo", "1975") == b"1975" + SALT_SEPARATOR + b"jo"
    assert token_message("jo", "") == SALT_SEPARATOR + b"jo"
    assert token_message("山", None) == "山".encode()
    # salted and unsalted messages never coincide for the same token
    assert token_message("jo", "") != token_message("jo", None)


@FAST_SETTINGS
@given(st.lists(st.lists(st.integers(0, 511), min_size=1, max_size=20), min_size=1,
                max_size=10).filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_rows_from_positions_sets_exactly_those_bits(rows):
    positions = np.asarray(rows, dtype=np.int64)
    filters = rows_from_positions(positions, 8)
    assert filters.shape == (len(rows), 8) and filters.dtype == np.uint64
    for r, row in enumerate(rows):
        bits = {w * 64 + b for w in range(8) for b in range(64)
                if (int(filters[r, w]) >> b) & 1}
        assert bits == set(row)


def test_bit_order_is_lsb_first_within_little_endian_words():
    f = rows_from_positions(np.array([[0, 9, 64, 511]]), 8)
    assert f[0, 0] == (1 << 0) | (1 << 9) and f[0, 1] == 1 and f[0, 7] == 1 << 63
    raw = f.astype("<u8").tobytes()
    assert raw[0] == 1 and raw[1] == 2 and raw[8] == 1 and raw[63] == 0x80
    assert rows_from_positions(np.zeros((0, 3), dtype=np.int64), 2).shape == (0, 2)


def test_aes_words_with_reused_buffers_equal_fresh_ones():
    """AesScratch's buffers, grown and reused across calls of other sizes, change no word."""
    from linkcore.holder.positions import AesScratch, aes_words

    rng = np.random.default_rng(5)
    key = bytes(range(32))
    token_tag = rng.integers(0, 256, (40, 7), dtype=np.uint8)
    salt_tag = rng.integers(0, 256, (25, 8), dtype=np.uint8)
    scratch = AesScratch()
    for n, k in [(0, 12), (300, 12), (1000, 30), (50, 20), (1000, 12)]:
        ti = rng.integers(0, 40, n)
        si = rng.integers(0, 25, n)
        fresh = aes_words(key, token_tag, salt_tag, k, ti, si)
        reused = aes_words(key, token_tag, salt_tag, k, ti, si, scratch)
        assert np.array_equal(fresh, reused)


def test_tagged_blocks_into_a_buffer_equal_a_fresh_array():
    import pytest

    from linkcore.errors import ParameterError
    from linkcore.kernels import tagged_blocks

    rng = np.random.default_rng(6)
    first = rng.integers(0, 256, (9, 7), dtype=np.uint8)
    second = rng.integers(0, 256, (4, 8), dtype=np.uint8)
    fi, si = rng.integers(0, 9, 100), rng.integers(0, 4, 100)
    buffer = np.zeros(100 * 48 + 7, np.uint8)
    assert np.array_equal(tagged_blocks(first, second, fi, si, 3, out=buffer),
                          tagged_blocks(first, second, fi, si, 3))
    with pytest.raises(ParameterError, match="large enough"):
        tagged_blocks(first, second, fi, si, 3, out=np.zeros(10, np.uint8))
