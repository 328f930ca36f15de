"""Tokenisers: the batch form (token_csr) gives exactly the per-value reference tokens()."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST_SETTINGS, any_name, birth_dates, postcodes

from linkcore.holder.normalize import normalise_categorical
from linkcore.holder.tokens import (
    date_part_tokens,
    postcode_part_tokens,
    qgrams,
    token_csr,
    tokens,
)
from linkcore.schema import TokenSpec


def csr_lists(values, spec):
    """token_csr's output as one token list per value."""
    indptr, ids, vocab = token_csr(values, spec)
    assert indptr.dtype == np.int64 and ids.dtype == np.int64
    assert indptr[0] == 0 and len(indptr) == len(values) + 1 and indptr[-1] == len(ids)
    assert np.all(np.diff(indptr) >= 0)
    assert len(vocab) == len(set(vocab)), "vocabulary entries must be distinct"
    if len(ids):
        assert ids.min() >= 0 and ids.max() < len(vocab)
    return [[vocab[t] for t in ids[indptr[i]:indptr[i + 1]]] for i in range(len(values))]


# --------------------------------------------------------------------------------------
# Reference definitions (docs/spec.md, "Tokens")
# --------------------------------------------------------------------------------------
def test_qgram_examples():
    assert qgrams("john") == ["_j", "jo", "oh", "hn", "n_"]
    assert qgrams("john", 2, False) == ["jo", "oh", "hn"]
    assert qgrams("jo", 3, True) == ["__j", "_jo", "jo_", "o__"]
    assert qgrams("ab", 3, False) == ["ab"]  # shorter than q: the value itself
    assert qgrams("abc", 1, True) == ["a", "b", "c"]
    assert qgrams("ab", 2, True, True) == ["0:_a", "1:ab", "2:b_"]
    assert qgrams("山田", 2) == ["_山", "山田", "田_"]


def test_date_and_postcode_part_examples():
    assert date_part_tokens("1975-02-11") == [
        "y:1975", "m:02", "d:11", "dm:02|11",
        "p0:1", "p1:9", "p2:7", "p3:5", "p4:0", "p5:2", "p6:1", "p7:1"]
    # day/month transposition keeps the pair token
    assert "dm:02|11" in date_part_tokens("1975-11-02")
    assert postcode_part_tokens("SW1A 1AA") == [
        "a:SW", "d:SW1A", "s:SW1A 1", "u:SW1A 1AA",
        "_S", "SW", "W1", "1A", "A1", "1A", "AA", "A_"]
    assert postcode_part_tokens("M1 1AE")[:4] == ["a:M", "d:M1", "s:M1 1", "u:M1 1AE"]


def test_tokens_dispatch_and_unknown_type():
    assert tokens("m", TokenSpec("exact")) == ["m"]
    with pytest.raises(ValueError):
        tokens("x", TokenSpec("soundex"))


# --------------------------------------------------------------------------------------
# token_csr == tokens(), value by value, in order
# --------------------------------------------------------------------------------------
# Normalised values are never empty; anything else goes, including NUL (numpy's fixed-width str
# drops trailing NULs), non-Latin scripts and astral-plane characters.
values_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=15)
value_lists = st.lists(st.one_of(values_text, any_name), min_size=0, max_size=25)


@FAST_SETTINGS
@given(value_lists, st.integers(1, 4), st.booleans(), st.booleans())
def test_qgram_csr_matches_reference(values, q, padded, positional):
    spec = TokenSpec("qgram", q, padded, positional)
    assert csr_lists(values, spec) == [tokens(v, spec) for v in values]


@FAST_SETTINGS
@given(st.lists(st.text("abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20), max_size=40),
       st.integers(1, 3), st.booleans())
def test_latin_qgram_csr_matches_reference(values, q, padded):
    # the presence-table fast path (small alphabets)
    spec = TokenSpec("qgram", q, padded, False)
    assert csr_lists(values, spec) == [tokens(v, spec) for v in values]


@FAST_SETTINGS
@given(st.lists(values_text, max_size=20))
def test_exact_csr_matches_reference(values):
    spec = TokenSpec("exact")
    assert csr_lists(values, spec) == [[v] for v in values]


@FAST_SETTINGS
@given(st.lists(birth_dates, max_size=30))
def test_date_parts_csr_matches_reference(dates):
    values = [d.isoformat() for d in dates]
    spec = TokenSpec("date_parts")
    assert csr_lists(values, spec) == [date_part_tokens(v) for v in values]


@FAST_SETTINGS
@given(st.lists(postcodes(), max_size=30))
def test_postcode_parts_csr_matches_reference(values):
    spec = TokenSpec("postcode_parts")
    assert csr_lists(values, spec) == [postcode_part_tokens(v) for v in values]


def test_mixed_lengths_short_values_and_empty_input():
    spec = TokenSpec("qgram", 3, False, False)
    values = ["ab", "abcdef", "x", "abc"]
    assert csr_lists(values, spec) == [tokens(v, spec) for v in values]
    for s in (spec, TokenSpec("qgram"), TokenSpec("exact"), TokenSpec("date_parts"),
              TokenSpec("postcode_parts")):
        indptr, ids, vocab = token_csr([], s)
        assert indptr.tolist() == [0] and len(ids) == 0 and vocab == []


@FAST_SETTINGS
@given(st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=10), st.integers(1, 3))
def test_categorical_qgrams_match_reference(raw, q):
    """Categorical values may be tokenised as q-grams; they keep every non-space character."""
    values = [v for v in (normalise_categorical(r) for r in raw) if isinstance(v, str)]
    spec = TokenSpec("qgram", q, False, False)
    assert csr_lists(values, spec) == [tokens(v, spec) for v in values]


def test_qgram_csr_memory_stays_small_for_any_script():
    # Regression: the presence table had 2**(q*bits) entries plus an int64 cumsum as long, so
    # two Georgian names (U+10D0.., 13 bits, q=2) allocated about 1.1 GB.
    spec = TokenSpec("qgram", 2, True, False)
    values = ["ნინო", "გიორგი"]
    tracemalloc.start()
    try:
        got = csr_lists(values, spec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == [tokens(v, spec) for v in values]
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MiB for two names"


def test_trailing_nul_in_a_categorical_value():
    # Regression: numpy's fixed-width str dropped the trailing NUL (and with it a q-gram).
    spec = TokenSpec("qgram", 2, False, False)
    values = [normalise_categorical("ab\x00"), "abc"]
    assert csr_lists(values, spec) == [tokens(v, spec) for v in values]


def test_qgram_csr_memory_is_not_driven_by_one_long_value():
    # Regression: every value was padded to the longest (memory n * max_len; ~120 MB here).
    spec = TokenSpec("qgram", 2, True, False)
    values = [f"{i} high street" for i in range(2000)] + ["x" * 5000]
    tracemalloc.start()
    try:
        got = csr_lists(values, spec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got[-1] == tokens(values[-1], spec) and got[0] == tokens(values[0], spec)
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_texts_that_differ_after_a_nul_stay_apart():
    """pandas' factorize merges "a\\x00b" and "a\\x00c"; the tokeniser and encoder must not."""
    from linkcore._factorize import factorize_text

    codes, uniques = factorize_text(["a\x00b", "a\x00c", None, "a\x00b"])
    assert list(codes) == [0, 1, -1, 0] and uniques == ["a\x00b", "a\x00c"]
    spec = TokenSpec("qgram", 2, False, False)
    assert csr_lists(["\x00\x000"], spec) == [tokens("\x00\x000", spec)]
