"""Spread (spec §5): every value as S sub-tokens, so a filter's set bits do not tell its length."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore.audit.unbalance import original_columns
from linkcore.errors import SchemaError
from linkcore.holder.encode import encode
from linkcore.holder.hardening import to_bits
from linkcore.holder.keys import Secret
from linkcore.holder.tokens import spread_csr, token_csr
from linkcore.schema import Mapping, Schema, TokenSpec

BIGRAMS = TokenSpec("qgram", 2, True, False)


def from_the_spec(tokens: set[str], s: int) -> list[str]:
    """Sub-tokens written from spec §5 alone."""
    ordered = sorted(tokens)
    n = len(ordered)
    out = []
    for i, t in enumerate(ordered):
        r = max(1, s // n + (1 if i < s % n else 0))
        out += [f"{t}\x1f{j}" for j in range(r)]
    return out


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(alphabet="abcdeé '-", min_size=1, max_size=14), min_size=1,
                       max_size=20), s=st.integers(1, 40))
def test_sub_tokens_are_the_specs(values, s):
    indptr, ids, vocab = token_csr(values, BIGRAMS)
    sp_indptr, sp_ids, sp_vocab = spread_csr(indptr, ids, vocab, s)
    for v in range(len(values)):
        tokens = {vocab[t] for t in ids[indptr[v]:indptr[v + 1]]}
        got = [sp_vocab[t] for t in sp_ids[sp_indptr[v]:sp_indptr[v + 1]]]
        assert got == from_the_spec(tokens, s)
        assert len(got) == max(s, len(tokens))


def schema(spread: int | None) -> Schema:
    extra = {} if spread is None else {"spread": spread}
    return Schema.from_dict({"linkcore_schema": 2, "clk": None, "fields": [
        {"name": "first_name", "kind": "name", "k": 4 if spread else 12, **extra,
         "salt": None},
        {"name": "date_of_birth", "kind": "date"}]})


def test_set_bits_no_longer_tell_a_names_length():
    lengths = list(range(2, 15))
    rng = np.random.default_rng(0)
    names = ["".join(chr(97 + c) for c in rng.integers(0, 26, n))
             for n in lengths for _ in range(30)]
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(names))], "first_name": names,
                       "date_of_birth": "1990-01-01"})
    key = Secret(bytes(range(32)))
    by_length = {}
    for spread in (None, 24):
        sch = schema(spread)
        ds = encode(df, sch, key, Mapping.identity(sch))
        cols = original_columns(ds.fields["first_name"], ds.missing[:, 0])
        assert cols is not None  # balancing still pairs back: what it hid must not matter
        bits = to_bits(ds.fields["first_name"])[:, cols].sum(axis=1)
        means = pd.Series(bits).groupby(np.repeat(lengths, 30)).mean()
        by_length[spread] = means
    assert by_length[None].iloc[-1] - by_length[None].iloc[0] > 40  # 12 bits a bigram, collisions
    assert abs(by_length[24].iloc[-1] - by_length[24].iloc[0]) < 4  # collisions only


def test_equal_values_equal_filters_and_shared_tokens_shared_bits():
    sch = schema(24)
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "first_name": ["john", "john", "jon", "mary"],
                       "date_of_birth": "1990-01-01"})
    ds = encode(df, sch, Secret(bytes(range(32))), Mapping.identity(sch))
    f = to_bits(ds.fields["first_name"]).astype(bool)
    assert (f[0] == f[1]).all()
    dice = [2 * (f[0] & f[k]).sum() / (f[0].sum() + f[k].sum()) for k in (2, 3)]
    assert dice[0] > dice[1] + 0.1  # john is nearer jon than mary, balanced as they are


@pytest.mark.parametrize(("spread", "needle"), [(0, "from 1 to"), (2000, "from 1 to"),
                                                ("8", "from 1 to"), (True, "from 1 to")])
def test_a_spread_out_of_range_is_refused(spread, needle):
    with pytest.raises(SchemaError, match=needle):
        Schema.from_dict({"linkcore_schema": 2, "fields": [
            {"name": "first_name", "kind": "name", "spread": spread}]})


def test_spread_needs_q_grams():
    with pytest.raises(SchemaError, match="q-gram"):
        Schema.from_dict({"linkcore_schema": 2, "fields": [
            {"name": "sex", "kind": "sex", "spread": 8}]})


def test_spread_is_in_the_fingerprint_only_when_set():
    assert "spread" not in schema(None).to_dict()["fields"][0]
    assert schema(24).to_dict()["fields"][0]["spread"] == 24
    assert schema(24).fingerprint != schema(12).fingerprint
