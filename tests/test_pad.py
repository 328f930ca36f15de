"""Padding (spec §5): every value padded to a multiple of P tokens, so that neither a filter's set
bits nor two filters' overlap tells a value's length."""

from __future__ import annotations

import itertools

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
from linkcore.holder.suggest import NAME_PAD
from linkcore.holder.tokens import pad_csr, qgrams, token_csr
from linkcore.schema import Mapping, Schema, TokenSpec

BIGRAMS = TokenSpec("qgram", 2, True, False)
KEY = Secret(bytes(range(32)))


def from_the_spec(tokens: set[str], p: int) -> list[str]:
    """A value's tokens then its padding tokens, written from spec §5 alone."""
    ordered = sorted(tokens)
    total = p * -(-len(ordered) // p)
    mark = "\x1e" + "\x1f".join(ordered) + "\x1e"
    return ordered + [f"{mark}{j}" for j in range(total - len(ordered))]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(alphabet="abcdeé '-", min_size=1, max_size=14), min_size=1,
                       max_size=20), p=st.integers(1, 20))
def test_padding_tokens_are_the_specs(values, p):
    indptr, ids, vocab = token_csr(values, BIGRAMS)
    pad_indptr, pad_ids, pad_vocab = pad_csr(indptr, ids, vocab, p)
    for v in range(len(values)):
        tokens = {vocab[t] for t in ids[indptr[v]:indptr[v + 1]]}
        got = [pad_vocab[t] for t in pad_ids[pad_indptr[v]:pad_indptr[v + 1]]]
        assert got == from_the_spec(tokens, p)
        assert len(got) % p == 0 and len(got) >= len(tokens)


def schema(how: dict) -> Schema:
    return Schema.from_dict({"linkcore_schema": 2, "clk": None, "fields": [
        {"name": "first_name", "kind": "name", "salt": None, **how},
        {"name": "date_of_birth", "kind": "date"}]})


def encoded_bits(names: list[str], how: dict) -> np.ndarray:
    """Encode the names; each record's filter as bits."""
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(names))], "first_name": names,
                       "date_of_birth": "1990-01-01"})
    sch = schema(how)
    return to_bits(encode(df, sch, KEY, Mapping.identity(sch)).fields["first_name"])


def unbalanced_bits(names: list[str], how: dict) -> np.ndarray:
    """Encode the names and recover their unbalanced filters as an attacker does (unbalance.py)."""
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(names))], "first_name": names,
                       "date_of_birth": "1990-01-01"})
    sch = schema(how)
    ds = encode(df, sch, KEY, Mapping.identity(sch))
    cols = original_columns(ds.fields["first_name"], ds.missing[:, 0])
    assert cols is not None  # balancing still pairs back: what it hid must not matter
    return to_bits(ds.fields["first_name"])[:, cols].astype(bool)


def random_names(lengths: list[int], per_length: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["".join(chr(97 + c) for c in rng.integers(0, 26, n))
            for n in lengths for _ in range(per_length)]


def test_set_bits_no_longer_tell_a_names_length():
    lengths = list(range(2, 15))
    names = random_names(lengths, 30)
    means = {}
    for label, how in [("plain", {"k": 6}), ("pad", {"k": 6, "pad": 16})]:
        bits = unbalanced_bits(names, how).sum(axis=1)
        means[label] = pd.Series(bits).groupby(np.repeat(lengths, 30)).mean()
    assert means["plain"].iloc[-1] - means["plain"].iloc[0] > 40  # 6 bits a bigram, collisions
    assert abs(means["pad"].iloc[-1] - means["pad"].iloc[0]) < 4  # collisions only


def test_two_names_overlap_by_their_shared_bigrams_not_by_their_lengths():
    # names that share only their initial's bigram: spread over 24 sub-tokens, the short pairs
    # overlap far more than the long ones (replicas are 24 over the length); padded, alike
    rng = np.random.default_rng(1)
    names = ["q" + "".join(chr(97 + c) for c in rng.integers(0, 16, n - 1))
             for n in (3, 12) for _ in range(40)]
    gap = {}
    for label, how in [("spread", {"k": 4, "spread": 24}), ("pad", {"k": 6, "pad": 16})]:
        bits = encoded_bits(names, {**how, "hardening": []}).astype(bool)  # as unbalance.py gets
        by_length: dict[int, list[int]] = {3: [], 12: []}
        for i, j in itertools.combinations(range(len(names)), 2):
            a, b = names[i], names[j]
            if len(a) != len(b) or set(qgrams(a, 2, True, False)) & set(
                    qgrams(b, 2, True, False)) != {"_q"}:
                continue
            by_length[len(a)].append(int((bits[i] & bits[j]).sum()))
        assert min(map(len, by_length.values())) >= 20
        gap[label] = np.mean(by_length[3]) - np.mean(by_length[12])
    assert gap["spread"] > 6
    assert abs(gap["pad"]) < 3


def test_equal_values_equal_filters_and_shared_tokens_shared_bits():
    sch = schema(NAME_PAD)
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "first_name": ["john", "john", "jon", "mary"],
                       "date_of_birth": "1990-01-01"})
    ds = encode(df, sch, KEY, Mapping.identity(sch))
    f = to_bits(ds.fields["first_name"]).astype(bool)
    assert (f[0] == f[1]).all()
    dice = [2 * (f[0] & f[k]).sum() / (f[0].sum() + f[k].sum()) for k in (2, 3)]
    assert dice[0] > dice[1] + 0.03  # john is nearer jon than mary, balanced and padded


@pytest.mark.parametrize(("how", "needle"), [
    ({"pad": 0}, "from 1 to"), ({"pad": 2000}, "from 1 to"), ({"pad": "8"}, "from 1 to"),
    ({"pad": True}, "from 1 to"), ({"pad": 8, "spread": 8}, "set one")])
def test_a_bad_pad_is_refused(how, needle):
    with pytest.raises(SchemaError, match=needle):
        Schema.from_dict({"linkcore_schema": 2, "fields": [
            {"name": "first_name", "kind": "name", **how}]})


def test_pad_needs_q_grams():
    with pytest.raises(SchemaError, match="q-gram"):
        Schema.from_dict({"linkcore_schema": 2, "fields": [
            {"name": "sex", "kind": "sex", "pad": 8}]})


def test_pad_is_in_the_fingerprint_only_when_set():
    assert "pad" not in schema({}).to_dict()["fields"][0]
    assert schema({"pad": 16}).to_dict()["fields"][0]["pad"] == 16
    assert schema({"pad": 16}).fingerprint != schema({"pad": 12}).fingerprint


def test_schema_suggest_pads_names():
    from linkcore.holder.suggest import suggested_fields
    docs = suggested_fields({"first_name": "name", "surname": "name", "dob": "date",
                             "postcode": "postcode"})
    names = [d for d in docs if d.get("kind") == "name"]
    assert names and all(d["pad"] == NAME_PAD["pad"] and d["k"] == NAME_PAD["k"] for d in names)


def v3(fields: list[dict]) -> Schema:
    return Schema.from_dict({"linkcore_schema": 3, "fields": fields})


def test_format_version_3_pads_names_and_takes_identifiers_whole_by_default():
    sch = v3([{"name": "first_name", "kind": "name"}, {"name": "dob", "kind": "date"},
              {"name": "ni_number", "kind": "identifier"}])
    name, _, ni = sch.fields
    assert (name.pad, name.k, name.thresholds) == (16, 6, (0.86, 0.81, 0.78))
    assert name.salt is not None and name.salt.field == "dob"  # version 2's salt kept
    assert (ni.tokens.type, ni.filter_bits, ni.k, ni.thresholds) == ("exact", 128, 30, ())
    # written out, every value is explicit: version 2 reads it to the same schema
    doc = sch.to_dict()
    assert doc["linkcore_schema"] == 2 and doc["fields"][0]["pad"] == 16
    assert Schema.from_dict(doc).fingerprint == sch.fingerprint
    v2 = Schema.from_dict({"linkcore_schema": 2, "fields": [
        {"name": "first_name", "kind": "name"}, {"name": "ni_number", "kind": "identifier"}]})
    assert v2.fields[0].pad is None and v2.fields[1].tokens.type == "qgram"  # meaning kept


def test_version_3_pads_only_where_padding_applies():
    sch = v3([{"name": "a", "kind": "name", "tokens": {"type": "exact"}},
              {"name": "b", "kind": "name", "spread": 24, "k": 4},
              {"name": "c", "kind": "name", "pad": 12}])
    assert [f.pad for f in sch.fields] == [None, None, 12]
    with pytest.raises(SchemaError, match="newer"):
        Schema.from_dict({"linkcore_schema": 4, "fields": [{"name": "a", "kind": "name"}]})


def test_version_3_pad_null_turns_padding_off():
    doc = {"linkcore_schema": 3, "fields": [
        {"name": "first_name", "kind": "name", "pad": None},
        {"name": "dob", "kind": "date"}]}
    assert Schema.from_dict(doc).field("first_name").pad is None
