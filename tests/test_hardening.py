"""Hardening: each transform does what docs/spec.md says, checked against naive bit loops."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST_SETTINGS

from linkcore.errors import ParameterError
from linkcore.holder import hardening as hard
from linkcore.holder.encode import encode
from linkcore.schema import Schema

KEY = bytes(range(32))


def bit_count(a: np.ndarray) -> np.ndarray:
    """Set bits of each uint64 word (np.bitwise_count is numpy 2 only)."""
    return np.unpackbits(np.ascontiguousarray(a).view(np.uint8).reshape(*a.shape, 8),
                         axis=-1).sum(axis=-1)


def random_filters(seed: int, n: int, words: int, density: float = 0.5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bits = (rng.random((n, words * 64)) < density).astype(np.uint8)
    return hard.from_bits(bits)


def bit_list(row: np.ndarray) -> list[int]:
    """Bits of one packed filter, by the documented order (bit i in word i//64 at i%64)."""
    return [(int(row[i // 64]) >> (i % 64)) & 1 for i in range(len(row) * 64)]


filter_sets = st.builds(random_filters, st.integers(0, 2**32 - 1), st.integers(0, 6),
                        st.integers(1, 4), st.floats(0.0, 1.0))


@FAST_SETTINGS
@given(filter_sets)
def test_to_bits_and_from_bits_follow_the_bit_order(f):
    bits = hard.to_bits(f)
    assert bits.shape == (f.shape[0], f.shape[1] * 64)
    for r in range(f.shape[0]):
        assert bits[r].tolist() == bit_list(f[r])
    assert np.array_equal(hard.from_bits(bits), f)


# --------------------------------------------------------------------------------------
# balance
# --------------------------------------------------------------------------------------
@FAST_SETTINGS
@given(filter_sets)
def test_balance_sets_exactly_half_and_doubles_length(f):
    out = hard.balance(f, KEY)
    assert out.shape == (f.shape[0], 2 * f.shape[1]) and out.dtype == np.uint64
    m = f.shape[1] * 64
    assert np.all(bit_count(out).sum(axis=1) == m)


@FAST_SETTINGS
@given(filter_sets)
def test_balance_is_the_keyed_permutation_of_bits_and_complement(f):
    out = hard.balance(f, KEY)
    perm = hard.balance_permutation(KEY, 2 * f.shape[1] * 64)
    for r in range(f.shape[0]):
        doubled = bit_list(f[r]) + [1 - b for b in bit_list(f[r])]
        assert bit_list(out[r]) == [doubled[perm[j]] for j in range(len(doubled))]


def test_balance_permutation_is_keyed_and_documented():
    import hmac

    perm = hard.balance_permutation(KEY, 128)
    assert sorted(perm.tolist()) == list(range(128))
    sort_keys = [int.from_bytes(hmac.digest(KEY, i.to_bytes(4, "big"), "sha256")[:8], "big")
                 for i in range(128)]
    assert perm.tolist() == sorted(range(128), key=lambda i: (sort_keys[i], i))
    assert not np.array_equal(perm, hard.balance_permutation(KEY[::-1], 128))
    assert not np.array_equal(perm, np.arange(128))


def test_balance_hides_value_length():
    sparse = random_filters(1, 5, 4, 0.05)
    dense = random_filters(2, 5, 4, 0.6)
    assert np.array_equal(bit_count(hard.balance(sparse, KEY)).sum(axis=1),
                          bit_count(hard.balance(dense, KEY)).sum(axis=1))


# --------------------------------------------------------------------------------------
# xor_fold and rule 90
# --------------------------------------------------------------------------------------
@FAST_SETTINGS
@given(st.builds(random_filters, st.integers(0, 2**32 - 1), st.integers(0, 6),
                 st.sampled_from([2, 4, 8]), st.floats(0.0, 1.0)))
def test_xor_fold_halves_and_xors_the_halves(f):
    out = hard.xor_fold(f)
    assert out.shape == (f.shape[0], f.shape[1] // 2)
    half = f.shape[1] * 32
    for r in range(f.shape[0]):
        bits = bit_list(f[r])
        assert bit_list(out[r]) == [bits[i] ^ bits[i + half] for i in range(half)]


@FAST_SETTINGS
@given(filter_sets)
def test_rule90_matches_a_naive_loop(f):
    out = hard.rule90(f)
    assert out.shape == f.shape
    for r in range(f.shape[0]):
        b = bit_list(f[r])
        m = len(b)
        assert bit_list(out[r]) == [b[(i - 1) % m] ^ b[(i + 1) % m] for i in range(m)]


def test_rule90_and_xor_fold_keep_zero_rows_zero():
    z = np.zeros((3, 4), dtype=np.uint64)
    assert not hard.rule90(z).any() and not hard.xor_fold(z).any()


# --------------------------------------------------------------------------------------
# BLIP
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("epsilon", [0.5, 1.0, 2.0, 4.0])
def test_blip_flip_rate_matches_epsilon(epsilon):
    f = random_filters(7, 300, 8)  # 153,600 bits
    skip = np.zeros(300, dtype=bool)
    out = hard.blip(f, skip, KEY, b"\x00" * 16, epsilon)
    rate = bit_count(out ^ f).sum() / (300 * 512)
    p = 1 / (1 + math.exp(epsilon))
    assert hard.blip_flip_probability(epsilon) == pytest.approx(p)
    sd = math.sqrt(p * (1 - p) / (300 * 512))
    assert abs(rate - p) < 6 * sd + 1 / hard.BLIP_RESOLUTION


def test_blip_flips_ones_and_zeros_alike():
    ones = np.full((200, 4), np.uint64(2**64 - 1))
    zeros = np.zeros((200, 4), dtype=np.uint64)
    skip = np.zeros(200, dtype=bool)
    p = hard.blip_flip_probability(1.0)
    for f in (ones, zeros):
        rate = bit_count(hard.blip(f, skip, KEY, b"\x01" * 16, 1.0) ^ f).sum() / (200 * 256)
        assert abs(rate - p) < 0.02


def test_blip_is_deterministic_for_a_nonce_and_differs_across_nonces_and_keys():
    f = random_filters(3, 50, 4)
    skip = np.zeros(50, dtype=bool)
    a = hard.blip(f, skip, KEY, b"\x05" * 16, 2.0)
    assert np.array_equal(a, hard.blip(f, skip, KEY, b"\x05" * 16, 2.0))
    assert not np.array_equal(a, hard.blip(f, skip, KEY, b"\x06" * 16, 2.0))
    assert not np.array_equal(a, hard.blip(f, skip, KEY[::-1], b"\x05" * 16, 2.0))
    assert np.array_equal(f, random_filters(3, 50, 4)), "input is not modified in place"


def test_blip_skipped_rows_stay_zero_and_use_their_share_of_the_stream():
    f = random_filters(4, 20, 2)
    f[[3, 11]] = 0
    skip = np.zeros(20, dtype=bool)
    skip[[3, 11]] = True
    out = hard.blip(f, skip, KEY, b"\x09" * 16, 0.5)
    assert not out[[3, 11]].any()
    # rows after a skipped row get the same noise as when nothing is skipped
    full = hard.blip(f, np.zeros(20, dtype=bool), KEY, b"\x09" * 16, 0.5)
    keep = ~skip
    assert np.array_equal(out[keep], full[keep])


def test_blip_stream_position_is_as_documented():
    """Record r, bit j uses the LE uint16 at byte 2*(r*m + j) of the AES-CTR keystream."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    n, w = 3, 2
    m = w * 64
    nonce = bytes(range(16))
    stream = Cipher(algorithms.AES(KEY), modes.CTR(nonce)).encryptor().update(bytes(2 * n * m))
    draws = np.frombuffer(stream, dtype="<u2").reshape(n, m)
    threshold = round(hard.blip_flip_probability(1.0) * hard.BLIP_RESOLUTION)
    zeros = np.zeros((n, w), dtype=np.uint64)
    out = hard.blip(zeros, np.zeros(n, dtype=bool), KEY, nonce, 1.0)
    assert hard.to_bits(out).tolist() == (draws < threshold).astype(np.uint8).tolist()


# --------------------------------------------------------------------------------------
# Hardening inside the encoder: missing rows stay all-zero; BLIP nonce behaviour
# --------------------------------------------------------------------------------------
STEPS = [
    [{"type": "balance"}],
    [{"type": "xor_fold"}],
    [{"type": "rule90"}],
    [{"type": "blip", "epsilon": 1.0}],
    [{"type": "balance"}, {"type": "blip", "epsilon": 2.0}, {"type": "xor_fold"}],
    [{"type": "blip", "epsilon": 2.0}, {"type": "balance"}, {"type": "rule90"}],
]


@pytest.mark.parametrize("steps", STEPS, ids=lambda s: "+".join(x["type"] for x in s))
def test_encoder_hardening_keeps_missing_rows_zero(steps, secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name", "filter_bits": 256, "hardening": steps}],
        "clk": {"bits": 256, "hardening": steps}})
    df = pd.DataFrame({"id": ["1", "2", "3", "4"], "sn": ["smith", None, "jones", ""]})
    ds = encode(df, schema, secret, blip_nonce=b"\x00" * 16)
    assert ds.missing[:, 0].tolist() == [False, True, False, True]
    assert not ds.fields["sn"][[1, 3]].any()
    assert ds.fields["sn"][[0, 2]].any(axis=1).all()
    assert not ds.clk[[1, 3]].any(), "a record with no values has an all-zero CLK"
    assert ds.fields["sn"].shape[1] * 64 == schema.stored_bits("sn")


def test_encoder_balance_gives_half_the_stored_bits(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name", "filter_bits": 256, "hardening": [{"type": "balance"}]}]})
    df = pd.DataFrame({"id": [str(i) for i in range(5)], "sn": ["al", "bob", "christopher",
                                                               "d", "ezekiel-smith"]})
    ds = encode(df, schema, secret)
    assert np.all(bit_count(ds.fields["sn"]).sum(axis=1) == 256)


def test_encoder_blip_nonce(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name", "hardening": [{"type": "blip", "epsilon": 1.0}]}]})
    df = pd.DataFrame({"id": ["1", "2"], "sn": ["smith", "smith"]})
    a = encode(df, schema, secret, blip_nonce=b"\x01" * 16).fields["sn"]
    b = encode(df, schema, secret, blip_nonce=b"\x01" * 16).fields["sn"]
    assert np.array_equal(a, b), "a fixed nonce reproduces the noise (test vectors)"
    assert not np.array_equal(a[0], a[1]), "two records with the same value get different noise"
    c = encode(df, schema, secret).fields["sn"]
    d = encode(df, schema, secret).fields["sn"]
    assert not np.array_equal(c, d), "by default every run draws fresh noise"
    for bad in (b"short", "a text of 16 char"[:16]):  # one clear ParameterError (api.md)
        with pytest.raises(ParameterError, match="blip_nonce must be 16 bytes"):
            encode(df, schema, secret, blip_nonce=bad)
