"""Tokenisers: turn a normalised value into the set of tokens that its Bloom filter encodes.

Each tokeniser has a plain per-value form (the specification, docs/spec.md "Tokens") and the
encoder's batch form, :func:`token_csr`, which tokenises many distinct values at once, vectorised
with numpy for the common case (q-grams with q <= 3), and is tested to give the same token sets.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._factorize import factorize_text
from .._sets import sorted_unique
from ..schema import TokenSpec

PAD = "_"
_TABLE_BITS = 22  # largest key space (2**22 entries) for which a presence table beats a sort


def qgrams(value: str, q: int = 2, padded: bool = True, positional: bool = False) -> list[str]:
    """q-grams of ``value``: padded with q-1 ``_`` each side; positional ones are ``"<i>:<gram>"``.

    A value shorter than q (without padding) is one token, the value itself.
    """
    s = PAD * (q - 1) + value + PAD * (q - 1) if padded else value
    if len(s) < q:
        grams = [s]
    else:
        grams = [s[i:i + q] for i in range(len(s) - q + 1)]
    if positional:
        return [f"{i}:{g}" for i, g in enumerate(grams)]
    return grams


def date_part_tokens(iso: str) -> list[str]:
    """Tokens of an ISO date ``YYYY-MM-DD``: year, month, day, the unordered day-month pair, digits.

    ``y:1975 m:02 d:11 dm:02|11`` and positional digits ``p0:1 … p7:1`` of ``19750211``: one wrong
    digit keeps 10 of 12 tokens, and a day/month transposition keeps the pair token.
    """
    year, month, day = iso[0:4], iso[5:7], iso[8:10]
    lo, hi = sorted((month, day))
    digits = year + month + day
    return [f"y:{year}", f"m:{month}", f"d:{day}", f"dm:{lo}|{hi}"] + [
        f"p{i}:{c}" for i, c in enumerate(digits)
    ]


def postcode_part_tokens(postcode: str) -> list[str]:
    """Tokens of a canonical UK postcode ``SW1A 1AA``: area, district, sector, unit, and bigrams.

    ``a:SW d:SW1A s:SW1A 1 u:SW1A 1AA`` plus the padded bigrams of ``SW1A1AA``: nearby postcodes
    share the hierarchy, and a typo keeps most bigrams.
    """
    outward, _, inward = postcode.partition(" ")
    area = ""
    for c in outward:
        if not c.isalpha():
            break
        area += c
    parts = [f"a:{area}", f"d:{outward}", f"s:{outward} {inward[:1]}", f"u:{postcode}"]
    return parts + qgrams(outward + inward, 2, True, False)


def tokens(value: str, spec: TokenSpec) -> list[str]:
    """Return the tokens of one normalised value under a token spec (the reference)."""
    if spec.type == "qgram":
        return qgrams(value, spec.q, spec.padded, spec.positional)
    if spec.type == "exact":
        return [value]
    if spec.type == "date_parts":
        return date_part_tokens(value)
    if spec.type == "postcode_parts":
        return postcode_part_tokens(value)
    raise ValueError(f"unknown token type {spec.type!r}")


def token_csr(values: Sequence[str], spec: TokenSpec) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Tokenise many values: ``(indptr, token_ids, vocabulary)`` in compressed sparse row form.

    Value ``i`` has tokens ``vocabulary[token_ids[indptr[i]:indptr[i+1]]]`` (a token may repeat;
    a Bloom filter is a set, so repeats change nothing). Plain q-grams with q <= 3, dates and exact
    tokens are vectorised.
    """
    if spec.type == "qgram" and spec.q <= 3 and not spec.positional and len(values) > 0:
        return _qgram_csr_batched(values, spec.q, spec.padded)
    if spec.type == "date_parts" and len(values) > 0:
        return _date_parts_csr_vectorised(values)
    if spec.type == "exact" and len(values) > 0:
        return _exact_csr(values)
    return _csr_python(values, spec)


def _exact_csr(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each value its own one token: one factorisation, not a token list per value."""
    ids, vocabulary = factorize_text(np.asarray(values, dtype=object))
    return np.arange(len(values) + 1, dtype=np.int64), ids, [str(t) for t in vocabulary]


_DATE_TOKEN_BASE = 1_000_000  # token key = kind * base + value


def _date_token_text(key: int) -> str:
    kind, value = divmod(key, _DATE_TOKEN_BASE)
    if kind == 0:
        return f"y:{value:04d}"
    if kind == 1:
        return f"m:{value:02d}"
    if kind == 2:
        return f"d:{value:02d}"
    if kind == 3:
        lo, hi = divmod(value, 100)
        return f"dm:{lo:02d}|{hi:02d}"
    return f"p{kind - 4}:{value}"


def _date_parts_csr_vectorised(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """date_part_tokens for many ISO dates at once, as integer keys (same tokens, same order)."""
    codes = np.asarray(values, dtype="<U10").view(np.uint32).reshape(len(values), 10)
    digits = codes[:, [0, 1, 2, 3, 5, 6, 8, 9]].astype(np.int64) - ord("0")
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    pair = np.minimum(month, day) * 100 + np.maximum(month, day)
    keys = np.column_stack(
        [year, _DATE_TOKEN_BASE + month, 2 * _DATE_TOKEN_BASE + day, 3 * _DATE_TOKEN_BASE + pair]
        + [(4 + i) * _DATE_TOKEN_BASE + digits[:, i] for i in range(8)]
    )
    ids, vocab_keys = pd.factorize(keys.ravel())
    indptr = np.arange(0, keys.size + 1, keys.shape[1], dtype=np.int64)
    return indptr, ids.astype(np.int64), [_date_token_text(int(k)) for k in vocab_keys]


def _csr_python(values: Sequence[str], spec: TokenSpec) -> tuple[np.ndarray, np.ndarray, list[str]]:
    per_value = [tokens(v, spec) for v in values]
    indptr = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in per_value], out=indptr[1:])
    flat = list(itertools.chain.from_iterable(per_value))
    if not flat:
        return indptr, np.zeros(0, dtype=np.int64), []
    ids, vocabulary = factorize_text(flat)
    return indptr, ids, [str(t) for t in vocabulary]


_VECTOR_MAX_LEN = 64  # longer values take the per-value path (fixed-width arrays pad to the max)
_VECTOR_BATCH = 200_000  # values per vectorised batch, to bound memory


def _qgram_csr_batched(values: Sequence[str], q: int, padded: bool
                       ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Vectorised q-grams in bounded batches; long values go through the per-value path."""
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    short = np.flatnonzero(lengths <= _VECTOR_MAX_LEN)
    if len(short) == len(values) and len(values) <= _VECTOR_BATCH:
        return _qgram_csr_vectorised(values, q, padded)
    spec = TokenSpec("qgram", q, padded, False)
    parts = [(rows, _qgram_csr_vectorised([values[i] for i in rows], q, padded))
             for rows in np.array_split(short, -(-len(short) // _VECTOR_BATCH) or 1) if len(rows)]
    long_rows = np.flatnonzero(lengths > _VECTOR_MAX_LEN)
    if len(long_rows):
        parts.append((long_rows, _csr_python([values[i] for i in long_rows], spec)))
    return _merge_csr(parts, len(values))


def _merge_csr(parts: list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray, list[str]]]], n: int
               ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Combine CSRs of disjoint row subsets into one CSR over all n rows, with one vocabulary."""
    vocab_index: dict[str, int] = {}
    counts = np.zeros(n, dtype=np.int64)
    remapped = []
    for rows, (indptr, ids, vocab) in parts:
        table = np.array([vocab_index.setdefault(t, len(vocab_index)) for t in vocab],
                         dtype=np.int64)
        counts[rows] = np.diff(indptr)
        remapped.append((rows, indptr, table[ids] if len(ids) else ids))
    out_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=out_indptr[1:])
    out_ids = np.empty(out_indptr[-1], dtype=np.int64)
    for rows, indptr, ids in remapped:
        lengths = np.diff(indptr)
        starts = np.repeat(out_indptr[rows] - indptr[:-1], lengths)
        out_ids[np.arange(len(ids)) + starts] = ids
    return out_indptr, out_ids, list(vocab_index)


def _qgram_csr_vectorised(values: Sequence[str], q: int, padded: bool
                          ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    if any("\x00" in v for v in values):
        # numpy's fixed-width strings drop trailing NULs: keep such values exact.
        return _csr_python(values, TokenSpec("qgram", q, padded, False))
    pad = PAD * (q - 1) if padded else ""
    strings = np.asarray([pad + v + pad for v in values], dtype=str)
    n = len(strings)
    width = strings.dtype.itemsize // 4
    # Python lengths, not np.strings.str_len: that module is numpy 2 only (pyproject allows 1.26).
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n) + 2 * len(pad)
    if width < q or (lengths < q).any():
        return _csr_python(values, TokenSpec("qgram", q, padded, False))
    codes = strings.view(np.uint32).reshape(n, width)
    bits = max(int(codes.max()).bit_length(), 1)
    n_pos = width - q + 1
    key_dtype = np.uint32 if q * bits <= 32 else np.int64
    keys = np.zeros((n, n_pos), dtype=key_dtype)
    for t in range(q):
        keys |= codes[:, t:t + n_pos].astype(key_dtype) << key_dtype(bits * t)
    counts = lengths - q + 1
    valid = np.arange(n_pos)[None, :] < counts[:, None]
    flat_keys = keys[valid]  # row-major: each value's grams in order
    if q * bits <= _TABLE_BITS:
        # Small key space (e.g. Latin text): a presence table (at most 4 MB) instead of a sort.
        present = np.zeros(1 << (q * bits), dtype=bool)
        present[flat_keys] = True
        vocab_keys = np.flatnonzero(present)
        rank = np.cumsum(present, dtype=np.int32) - 1
        token_ids = rank[flat_keys]
    else:
        vocab_keys, token_ids = np.unique(flat_keys, return_inverse=True)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    mask = (1 << bits) - 1
    vocabulary = [
        "".join(chr((int(key) >> (bits * t)) & mask) for t in range(q)) for key in vocab_keys
    ]
    return indptr, token_ids.astype(np.int64).ravel(), vocabulary


#: Joins a token and its replica number in a sub-token (spec §5, "Spread").
SUB_TOKEN_SEPARATOR = "\x1f"


def spread_csr(indptr: np.ndarray, token_ids: np.ndarray, vocabulary: Sequence[str],
               per_value: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Replace each value's tokens by ``per_value`` sub-tokens, spread evenly over them.

    A value's distinct tokens, in code-point order, are t_0 .. t_(n-1); t_i gets
    ``per_value // n`` replicas, one more when ``i < per_value % n`` (at least one each), and
    replica j is the sub-token ``t_i + U+001F + str(j)``. Every value then sets
    ``per_value * k`` positions whatever its length (n <= per_value), so the set bits of its
    filter no longer tell its length; a shared token still gives shared bits.
    """
    n_values = len(indptr) - 1
    if n_values == 0 or len(token_ids) == 0:
        return np.zeros(n_values + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    n_vocab = len(vocabulary)
    rank = np.empty(n_vocab, dtype=np.int64)
    rank[np.argsort(np.asarray(vocabulary, dtype=object), kind="stable")] = np.arange(n_vocab)
    value = np.repeat(np.arange(n_values, dtype=np.int64), np.diff(indptr))
    pairs = sorted_unique(value * n_vocab + rank[np.asarray(token_ids, dtype=np.int64)])
    pair_value, pair_rank = np.divmod(pairs, n_vocab)
    n = np.bincount(pair_value, minlength=n_values)
    first = np.zeros(n_values + 1, dtype=np.int64)
    np.cumsum(n, out=first[1:])
    i = np.arange(len(pairs), dtype=np.int64) - first[pair_value]
    size = n[pair_value]
    replicas = np.maximum(1, per_value // size + (i < per_value % size))
    out_indptr = np.zeros(n_values + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_value, weights=replicas, minlength=n_values).astype(np.int64),
              out=out_indptr[1:])
    by_rank = np.argsort(rank)  # rank -> vocabulary id
    token = np.repeat(by_rank[pair_rank], replicas)
    starts = np.zeros(len(replicas) + 1, dtype=np.int64)
    np.cumsum(replicas, out=starts[1:])
    j = np.arange(starts[-1], dtype=np.int64) - np.repeat(starts[:-1], replicas)
    codes, keys = pd.factorize(token * (per_value + 1) + j)
    keys = np.asarray(keys, dtype=np.int64)
    sub_vocab = [f"{vocabulary[int(t)]}{SUB_TOKEN_SEPARATOR}{int(r)}"
                 for t, r in zip(keys // (per_value + 1), keys % (per_value + 1), strict=True)]
    return out_indptr, np.asarray(codes, dtype=np.int64), sub_vocab


PAD_MARK = "\x1e"


def pad_csr(indptr: np.ndarray, token_ids: np.ndarray, vocabulary: Sequence[str],
            pad_to: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Pad each value's tokens to a multiple of ``pad_to`` (spec §5, "Padding").

    A value's distinct tokens, in code-point order, are t_0 .. t_(n-1); with
    N = pad_to * ceil(n / pad_to) it gets N - n padding tokens
    ``U+001E + t_0 + U+001F + ... + U+001F + t_(n-1) + U+001E + str(j)``. Every value of up to
    ``pad_to`` tokens then sets ``pad_to * k`` positions, and two different values share only
    the positions of the tokens they share, whatever their lengths.
    """
    n_values = len(indptr) - 1
    if n_values == 0 or len(token_ids) == 0:
        return np.zeros(n_values + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    n_vocab = len(vocabulary)
    order = np.argsort(np.asarray(vocabulary, dtype=object), kind="stable")
    rank = np.empty(n_vocab, dtype=np.int64)
    rank[order] = np.arange(n_vocab)
    value = np.repeat(np.arange(n_values, dtype=np.int64), np.diff(indptr))
    pairs = sorted_unique(value * n_vocab + rank[np.asarray(token_ids, dtype=np.int64)])
    pair_value, pair_rank = np.divmod(pairs, n_vocab)
    real_ids = order[pair_rank]
    n = np.bincount(pair_value, minlength=n_values)
    n_pad = -(-n // pad_to) * pad_to - n
    starts = np.zeros(n_values + 1, dtype=np.int64)
    np.cumsum(n, out=starts[1:])
    pad_text = []
    for v in np.flatnonzero(n_pad):
        mark = PAD_MARK + SUB_TOKEN_SEPARATOR.join(
            vocabulary[int(t)] for t in real_ids[starts[v]:starts[v + 1]]) + PAD_MARK
        pad_text += [f"{mark}{j}" for j in range(n_pad[v])]
    pad_codes, pad_vocab = pd.factorize(np.asarray(pad_text, dtype=object))
    pad_value = np.repeat(np.arange(n_values, dtype=np.int64), n_pad)
    ids = np.concatenate([real_ids, n_vocab + pad_codes.astype(np.int64)])
    by_value = np.argsort(np.concatenate([pair_value, pad_value]), kind="stable")
    out_indptr = np.zeros(n_values + 1, dtype=np.int64)
    np.cumsum(n + n_pad, out=out_indptr[1:])
    return out_indptr, ids[by_value], list(vocabulary) + list(pad_vocab)
