"""Hardening: transforms of finished Bloom filters that make them harder to attack.

Each works on packed filters (n, W) uint64 (bit i in word i//64, LSB first) and is specified in
docs/spec.md, "Hardening"; docs/parameters.md gives what each defends against and what it costs.

- balance (Schnell, Borgs & Encheva 2016): append the complement, permute with a keyed
  permutation: every filter then has exactly half its bits set, hiding value length and frequency
  of common bits.
- xor_fold (Schnell, Borgs & Encheva 2016): XOR the two halves; each stored bit mixes two positions.
- rule90 (Schnell & Borgs 2018): each bit becomes the XOR of its two neighbours (cyclic).
- blip (Alaggan, Gambs & Kermarrec 2012; Schnell & Borgs 2016): randomised response, each bit of
  each record flipped independently with probability p = 1 / (1 + e^epsilon) (per-bit epsilon).
"""

from __future__ import annotations

import hmac
import math

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..kernels import balance_bits

BLIP_RESOLUTION = 65536  # flip decisions compare a 16-bit keystream word with round(p * 65536)


def to_bits(filters: np.ndarray) -> np.ndarray:
    """Unpack (n, W) uint64 filters to (n, 64W) uint8 bits, column i = bit i."""
    f = np.ascontiguousarray(filters, dtype="<u8")
    return np.unpackbits(f.view(np.uint8).reshape(f.shape[0], f.shape[1] * 8), axis=1,
                         bitorder="little")


def from_bits(bits: np.ndarray) -> np.ndarray:
    """Pack (n, m) 0/1 bits (m a multiple of 64) into (n, m/64) uint64 filters."""
    packed = np.packbits(bits.astype(np.uint8, copy=False), axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def _chunks(n: int, rows_per_chunk: int):
    for start in range(0, n, rows_per_chunk):
        yield slice(start, min(n, start + rows_per_chunk))


def balance_permutation(key: bytes, length: int) -> np.ndarray:
    """Return the keyed permutation of ``length`` positions used by balancing.

    Position j of the output takes input position perm[j], where perm sorts 0..length-1 by
    BE-uint64 of the first 8 bytes of HMAC-SHA256(key, BE-uint32(i)) (ties by i).
    """
    sort_keys = [
        int.from_bytes(hmac.digest(key, i.to_bytes(4, "big"), "sha256")[:8], "big")
        for i in range(length)
    ]
    return np.asarray(sorted(range(length), key=lambda i: (sort_keys[i], i)), dtype=np.int64)


def balance(filters: np.ndarray, key: bytes) -> np.ndarray:
    """Balanced filters (n, 2W): bits ‖ complement, permuted by the keyed permutation."""
    perm = balance_permutation(key, 2 * filters.shape[1] * 64)
    return balance_bits(filters, perm)


def xor_fold(filters: np.ndarray) -> np.ndarray:
    """Fold (n, W) to (n, W/2): bit i of the result is bit i XOR bit i + m/2."""
    half = filters.shape[1] // 2
    return np.ascontiguousarray(filters[:, :half] ^ filters[:, half:])


def rule90(filters: np.ndarray) -> np.ndarray:
    """Elementary cellular automaton rule 90: b'_i = b_(i-1 mod m) XOR b_(i+1 mod m)."""
    out = np.empty_like(filters)
    for sl in _chunks(filters.shape[0], 65536):
        bits = to_bits(filters[sl])
        out[sl] = from_bits(np.roll(bits, 1, axis=1) ^ np.roll(bits, -1, axis=1))
    return out


def ctr_block(nonce: bytes, blocks: int) -> bytes:
    """Return the counter block ``blocks`` AES blocks after ``nonce`` (128-bit big-endian).

    Record r of m bits starts at byte 2*r*m of the keystream, which is block r*m/8 (m is a
    multiple of 64), so a partition starting at row r starts its stream here.
    """
    value = (int.from_bytes(nonce, "big") + blocks) % (1 << 128)
    return value.to_bytes(16, "big")


def blip_flip_probability(epsilon: float) -> float:
    """Per-bit flip probability of randomised response with privacy parameter epsilon."""
    return 1.0 / (1.0 + math.exp(epsilon))


def blip(filters: np.ndarray, skip_rows: np.ndarray, key: bytes, nonce: bytes,
         epsilon: float, first_row: int = 0) -> np.ndarray:
    """Flip each bit of each record with probability 1/(1+e^epsilon), from a keyed stream.

    Randomness: AES-256-CTR keystream under ``key`` with initial counter block ``nonce`` (16
    bytes, fresh per encoding run). Record r, bit j uses the LE uint16 at byte offset
    2*(r*m + j) and flips iff it is below round(p * 65536). Rows in ``skip_rows`` (missing
    values) consume their share of the stream but stay all-zero. ``first_row``: the table row
    of ``filters[0]``, so that a partition of the table draws exactly the whole table's bits.
    """
    n, w = filters.shape
    m = w * 64
    threshold = round(blip_flip_probability(epsilon) * BLIP_RESOLUTION)
    encryptor = Cipher(algorithms.AES(key), modes.CTR(ctr_block(nonce, first_row * m // 8))
                       ).encryptor()
    out = filters.copy()
    for sl in _chunks(n, max(1, (1 << 24) // m)):
        rows = sl.stop - sl.start
        stream = encryptor.update(bytes(2 * m * rows))
        draws = np.frombuffer(stream, dtype="<u2").reshape(rows, m)
        flips = from_bits((draws < threshold).view(np.uint8))
        flips[skip_rows[sl]] = 0
        out[sl] ^= flips
    return out
