"""A 128-bit digest of each record's encoding, to find the records a month changed.

The store keeps one digest per record and compares each incoming record's with it: equal
digests mean the same encoding, so the record is not re-linked. Every record of a month's full
extracts is hashed, so the digest is computed straight from the dataset's arrays (field words,
missing flags, CLK words, blocking keys), one compiled pass over each, without laying the records
out as rows first (format 3 built a row matrix and took SHA-256 of each row: 0.1-0.15 s of a
month at 42,813 records; this is about 0.01 s).

The hash is not cryptographic and needs no key: MurmurHash3 x64-128's block step with each
64-bit word fed to both lanes, and its finalizer. Each step is a bijection of a lane for a given
word, so two records that differ in one word always differ in their digest, and an accidental
equality of two different records has a chance of about 2^-128. A data holder could craft a
collision only for its own record, which would then simply not be updated (it can withhold an
update anyway). ``row_digests_reference`` computes the same values with numpy (the tests
compare the two).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from linkcore._numba import njit
from linkcore.dataset import EncodedDataset

_C1 = np.uint64(0x87C37B91114253D5)
_C2 = np.uint64(0x4CF5AD432745937F)
_M1 = np.uint64(0x52DCE729)
_M2 = np.uint64(0x38495AB5)
_F1 = np.uint64(0xFF51AFD7ED558CCD)
_F2 = np.uint64(0xC4CEB9FE1A85EC53)
_FIVE = np.uint64(5)
_SEED1 = np.uint64(0x6C696E6B636F7265)  # "linkcore"
_SEED2 = np.uint64(0x7265636F72647331)  # "records1"
_S27, _S37 = np.uint64(27), np.uint64(37)
_S31, _S33 = np.uint64(31), np.uint64(33)


@njit(cache=True)
def _absorb_nb(words, h1, h2):  # pragma: no cover - compiled
    """Feed each row's words (uint64 ``[n, w]``) into its two lanes, in place."""
    n, w = words.shape
    for i in range(n):
        a = h1[i]
        b = h2[i]
        for j in range(w):
            x = words[i, j]
            k1 = x * _C1
            k1 = ((k1 << _S31) | (k1 >> _S33)) * _C2
            a ^= k1
            a = ((a << _S27) | (a >> _S37)) + b
            a = a * _FIVE + _M1
            k2 = x * _C2
            k2 = ((k2 << _S33) | (k2 >> _S31)) * _C1
            b ^= k2
            b = ((b << _S31) | (b >> _S33)) + a
            b = b * _FIVE + _M2
        h1[i] = a
        h2[i] = b


def _fmix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, on every element."""
    h = h ^ (h >> np.uint64(33))
    h = h * _F1
    h = h ^ (h >> np.uint64(33))
    h = h * _F2
    return h ^ (h >> np.uint64(33))


def _parts(ds: EncodedDataset) -> list[np.ndarray]:
    """Return the arrays as uint64 ``[n, w]`` blocks, in the order of the store's record layout."""
    n = len(ds)
    schema = ds.schema
    names = schema.field_names if schema is not None else list(ds.fields)
    blocks = [b.name for b in schema.blocking_keys] if schema is not None else \
        list(ds.blocking_keys)
    parts = [np.ascontiguousarray(ds.fields[f], dtype=np.uint64) for f in names]
    missing = np.asarray(ds.missing, dtype=bool)
    flags = np.packbits(missing.reshape(n, -1) if n else missing.reshape(0, 0), axis=1)
    parts.append(np.ascontiguousarray(flags, dtype=np.uint64))
    if ds.clk is not None:
        parts.append(np.ascontiguousarray(ds.clk, dtype=np.uint64))
    parts += [np.ascontiguousarray(ds.blocking_keys[b], dtype=np.uint64).reshape(n, 1)
              for b in blocks]
    return parts


def _finish(h1: np.ndarray, h2: np.ndarray, words: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        length = np.uint64(8 * words)
        h1, h2 = h1 ^ length, h2 ^ length
        h1 = h1 + h2
        h2 = h2 + h1
        h1, h2 = _fmix(h1), _fmix(h2)
        h1 = h1 + h2
        h2 = h2 + h1
    return np.stack([h1, h2], axis=1)


def row_digests(ds: EncodedDataset) -> np.ndarray:
    """Return each record's 128-bit digest of its encoding (``uint64[n, 2]``)."""
    return _digest_parts(_parts(ds), len(ds), _absorb_nb)


def row_digests_reference(ds: EncodedDataset) -> np.ndarray:
    """Return the same digests, computed column by column with numpy (the tests' reference)."""
    return _digest_parts(_parts(ds), len(ds), _absorb_reference)


def _digest_parts(parts: Sequence[np.ndarray], n: int, absorb) -> np.ndarray:
    h1 = np.full(n, _SEED1, dtype=np.uint64)
    h2 = np.full(n, _SEED2, dtype=np.uint64)
    for p in parts:
        if p.shape[1]:
            absorb(p, h1, h2)
    return _finish(h1, h2, sum(p.shape[1] for p in parts))


def _absorb_reference(words: np.ndarray, h1: np.ndarray, h2: np.ndarray) -> None:
    with np.errstate(over="ignore"):
        a, b = h1.copy(), h2.copy()
        for j in range(words.shape[1]):
            x = words[:, j]
            k1 = x * _C1
            k1 = ((k1 << _S31) | (k1 >> _S33)) * _C2
            a = a ^ k1
            a = ((a << _S27) | (a >> _S37)) + b
            a = a * _FIVE + _M1
            k2 = x * _C2
            k2 = ((k2 << _S33) | (k2 >> _S31)) * _C1
            b = b ^ k2
            b = ((b << _S31) | (b >> _S33)) + a
            b = b * _FIVE + _M2
        h1[:] = a
        h2[:] = b
