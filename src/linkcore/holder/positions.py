"""Keyed hash positions: where a token's bits go in a Bloom filter (docs/spec.md, "Positions").

Default ``prf``: the k positions are read from a keyed PRF (HMAC-SHA256) of the token, so no
arithmetic pattern links a token's positions (the pattern the Niedermeyer et al. 2014 and
Kroll & Steinmetzer 2015 attacks exploit in double hashing). Option ``double``: Schnell-style
double hashing ``(h1 + i*h2) mod m`` with the non-singular fix ``h2 = 1 + (h2 mod (m - 1))``,
offered for compatibility, not recommended.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..kernels import hmac_sha256_many

SALT_SEPARATOR = b"\x1f"


def token_message(token: str, salt: str | None) -> bytes:
    """Return the PRF input: UTF-8(token), or UTF-8(salt) 0x1F UTF-8(token) when salted."""
    if salt is None:
        return token.encode("utf-8")
    return salt.encode("utf-8") + SALT_SEPARATOR + token.encode("utf-8")


def prf_positions(key: bytes, messages: Sequence[bytes], k: int, m: int) -> np.ndarray:
    """Positions (len(messages), k): position i is LE-uint32 i of the PRF stream, mod m.

    The stream of a message is D_0 || D_1 || ... with D_b = HMAC-SHA256(key, BE-uint32(b) || msg);
    position i is the little-endian uint32 at bytes 4i..4i+3 of the stream, reduced mod m.
    """
    n_blocks = -(-k // 8)
    counters = [b.to_bytes(4, "big") for b in range(n_blocks)]
    stream = hmac_sha256_many(key, [c + msg for msg in messages for c in counters])
    words = np.frombuffer(stream, dtype="<u4").reshape(len(messages), n_blocks * 8)[:, :k]
    return (words % np.uint32(m)).astype(np.int64)


def double_hash_positions(key1: bytes, key2: bytes, messages: Sequence[bytes], k: int,
                          m: int) -> np.ndarray:
    """Positions (len(messages), k) by double hashing, with the non-singular fix.

    h1, h2 = LE-uint64 of the first 8 bytes of HMAC-SHA256(key1, msg), HMAC-SHA256(key2, msg);
    g_i = (h1 + i * (1 + (h2 mod (m - 1)))) mod m for i = 0..k-1 (m >= 64, so m - 1 >= 63).
    """
    out = np.empty((len(messages), k), dtype=np.int64)
    steps = np.arange(k, dtype=object)
    first = hmac_sha256_many(key1, messages)
    second = hmac_sha256_many(key2, messages)
    for row in range(len(messages)):
        h1 = int.from_bytes(first[32 * row:32 * row + 8], "little")
        h2 = 1 + int.from_bytes(second[32 * row:32 * row + 8], "little") % (m - 1)
        out[row] = ((h1 + steps * h2) % m).astype(np.int64)
    return out


def rows_from_positions(positions: np.ndarray, n_words: int) -> np.ndarray:
    """Build filters (n, n_words) uint64 with ``positions`` (n, k) set; bit i in word i // 64."""
    n = positions.shape[0]
    rows = np.zeros((n, n_words), dtype=np.uint64)
    if n == 0:
        return rows
    r = np.repeat(np.arange(n), positions.shape[1])
    p = positions.ravel()
    np.bitwise_or.at(rows, (r, p >> 6), np.left_shift(np.uint64(1), (p & 63).astype(np.uint64)))
    return rows
