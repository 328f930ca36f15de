"""Keyed hash positions: where a token's bits go in a Bloom filter (docs/spec.md, "Positions").

``prf``: the k positions are read from a keyed PRF (HMAC-SHA256) of the token, so no
arithmetic pattern links a token's positions (the pattern the Niedermeyer et al. 2014 and
Kroll & Steinmetzer 2015 attacks exploit in double hashing). Option ``double``: Schnell-style
double hashing ``(h1 + i*h2) mod m`` with the non-singular fix ``h2 = 1 + (h2 mod (m - 1))``,
offered for compatibility, not recommended. ``aes`` (format version 2's default): the same
kind of keyed PRF stream, from AES-256 on blocks that join a keyed tag of the token and a keyed
tag of the salt, so a batch of distinct (salt, token) pairs costs one HMAC per distinct token
and per distinct salt, and one AES call for the batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..kernels import hmac_sha256_many, set_bits, tagged_blocks

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


TOKEN_TAG_BYTES = 7
SALT_TAG_BYTES = 8
TOKEN_TAG_PREFIX = b"\x00"
SALT_TAG_PREFIX = b"\x01"
NO_SALT = b"\x02"


def token_tags(tag_key: bytes, tokens: Sequence[str]) -> np.ndarray:
    """Tags (len, 7) uint8: the first 7 bytes of HMAC-SHA256(tag_key, 0x00 || UTF-8(token))."""
    macs = hmac_sha256_many(tag_key, [TOKEN_TAG_PREFIX + t.encode("utf-8") for t in tokens])
    return np.frombuffer(macs, np.uint8).reshape(len(tokens), 32)[:, :TOKEN_TAG_BYTES]


def salt_tags(tag_key: bytes, salts: Sequence[str | None]) -> np.ndarray:
    """Tags (len, 8) uint8: HMAC-SHA256(tag_key, 0x01 || UTF-8(salt)), or of 0x02 if unsalted."""
    msgs = [NO_SALT if s is None else SALT_TAG_PREFIX + s.encode("utf-8") for s in salts]
    macs = hmac_sha256_many(tag_key, msgs)
    return np.frombuffer(macs, np.uint8).reshape(len(salts), 32)[:, :SALT_TAG_BYTES]


class AesScratch:
    """Two buffers that successive ``aes_words`` calls of one thread reuse (input, output).

    A fresh array of hundreds of MB costs a page fault per page on first touch (on VMs that
    hand free pages back to their host, more than the AES itself); reused buffers do not. The
    words a call returns are a view of the output buffer, valid until the next call.
    """

    def __init__(self) -> None:
        self._blocks = np.empty(0, np.uint8)
        self._words = np.empty(4, "<u4")

    def buffers(self, n_bytes: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (uint8 input of ``n_bytes``, uint32 output of ``n_bytes`` + one block)."""
        if self._blocks.size < n_bytes:
            size = -(-n_bytes * 5 // 64) * 16  # a quarter spare, so the next call fits
            self._blocks = np.empty(size, np.uint8)
            self._words = np.empty(size // 4 + 4, "<u4")
        return self._blocks, self._words


def aes_words(aes_key: bytes, token_tag: np.ndarray, salt_tag: np.ndarray, k: int,
              token_idx: np.ndarray | None = None, salt_idx: np.ndarray | None = None,
              scratch: AesScratch | None = None) -> np.ndarray:
    """Return the PRF words (n, 4 ceil(k / 4)) uint32 of ``aes`` positions, before mod m.

    Row r encrypts the blocks token_tag[token_idx[r]] (7) || salt_tag[salt_idx[r]] (8) || byte
    b, b = 0 .. ceil(k / 4) - 1, with AES-256 (ECB over the batch: each block is its own PRF
    input); its words are the little-endian uint32 of the ciphertext. Indices default to the
    rows themselves. ``scratch``: buffers to reuse (the result is then a view of one of them).
    """
    n_blocks = -(-k // 4)
    n = token_tag.shape[0] if token_idx is None else len(token_idx)
    token_idx = np.arange(n) if token_idx is None else token_idx
    salt_idx = np.arange(n) if salt_idx is None else salt_idx
    if scratch is None:
        blocks = tagged_blocks(token_tag, salt_tag, token_idx, salt_idx, n_blocks)
        words = np.empty(n * n_blocks * 4 + 4, dtype="<u4")  # update_into wants a block spare
    else:
        block_buffer, words = scratch.buffers(n * n_blocks * 16)
        blocks = tagged_blocks(token_tag, salt_tag, token_idx, salt_idx, n_blocks,
                               out=block_buffer)
    encryptor = Cipher(algorithms.AES(aes_key), modes.ECB()).encryptor()
    # a flat buffer: cryptography 42 reads only the first row of a 2-D array
    written = encryptor.update_into(blocks.reshape(-1), memoryview(words).cast("B"))
    if written != blocks.size or encryptor.finalize():
        raise RuntimeError("AES returned a stream of the wrong length")
    return words[:n * n_blocks * 4].reshape(n, n_blocks * 4)


def aes_positions(aes_key: bytes, token_tag: np.ndarray, salt_tag: np.ndarray, k: int,
                  m: int) -> np.ndarray:
    """Positions (n, k) for n (token tag, salt tag) rows: LE-uint32 words of AES blocks, mod m.

    Block b of a row is AES-256_aes_key(token tag (7) || salt tag (8) || byte b), b = 0, 1, ...,
    ceil(k / 4) - 1 (ECB over the batch: each block is its own PRF input); position i is the
    little-endian uint32 at bytes 4i..4i+3 of the concatenated blocks, reduced mod m.
    """
    words = aes_words(aes_key, token_tag, salt_tag, k)
    return (words[:, :k] % np.uint32(m)).astype(np.int64)


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
    return set_bits(n, n_words, np.repeat(np.arange(n), positions.shape[1]), positions.ravel())
