"""Double-hashing pattern attack (Niedermeyer et al. 2014; Kroll & Steinmetzer 2015).

Sources: Niedermeyer, Steinmetzer, Kroll & Schnell, "Cryptanalysis of basic Bloom filters used
for privacy preserving record linkage", Journal of Privacy and Confidentiality 6(2), 2014; Kroll &
Steinmetzer, "Automated cryptanalysis of Bloom filter encryptions of health records",
HEALTHINF 2015.

With double hashing the k positions of a token are ``g_i = (h1 + i * h2) mod m``: an arithmetic
progression modulo m. Only m * (m - 1) progressions exist, so the attacker enumerates all of them
and keeps those whose k positions are all set together in some filters -- each survivor is an
"atom", the footprint of one token. Which filters hold which atom is then read off exactly, and
the atoms are labelled with reference q-grams and the filters re-identified as in the pattern
mining attack (:mod:`linkcore.audit.reidentify`).

linkcore's default hashing is a keyed PRF whose positions follow no progression: there the search
finds no atoms and the attack recovers nothing, which is why double hashing is only an option.
The search is vectorised over all start positions at once on bit-packed filter columns, and a
progression is dropped as soon as no filter has its first positions all set.
"""

from __future__ import annotations

import math

import numpy as np

from ..holder.hardening import to_bits
from .pattern_mining import estimated_token_counts, guesses_from_membership
from .scoring import Guesses, distinct_rows


def find_atoms(bits: np.ndarray, weights: np.ndarray, k: int, *, min_support: float = 0.002,
               min_positions: int | None = None, max_atoms: int = 120) -> list[np.ndarray]:
    """Position sets of arithmetic progressions mod m whose k positions are all set together.

    ``bits`` are distinct filters (rows, m columns) and ``weights`` their record counts; an atom
    must be held by at least ``min_support`` of the records and have at least ``min_positions``
    distinct positions (progressions with a short period mod m are skipped: too few positions to
    tell a token from chance). The ``max_atoms`` best supported atoms are returned.
    """
    n_rows, m = bits.shape
    if n_rows == 0 or k < 2:
        return []
    if min_positions is None:
        min_positions = max(4, int(0.6 * min(k, m)))
    total = float(weights.sum())
    pad = (-n_rows) % 64
    columns = np.packbits(np.pad(bits, ((0, pad), (0, 0))).T.astype(np.uint8), axis=1)
    columns = np.ascontiguousarray(columns).view(np.uint64)  # (m, words): filters per column
    starts = np.arange(m)
    found: dict[tuple[int, ...], np.ndarray] = {}
    for d in range(1, m):
        period = m // math.gcd(d, m)
        if min(k, period) < min_positions:
            continue
        alive = starts
        acc = columns
        for i in range(1, min(k, period)):
            acc = acc & columns[(alive + i * d) % m]
            keep = acc.any(axis=1)
            if not keep.any():
                alive, acc = alive[:0], acc[:0]
                break
            alive, acc = alive[keep], acc[keep]
        for a, packed in zip(alive, acc, strict=True):
            positions = tuple(sorted({int((a + i * d) % m) for i in range(k)}))
            if positions in found:
                continue
            held = np.unpackbits(packed.view(np.uint8))[:n_rows].astype(bool)
            if float(weights[held].sum()) >= min_support * total:
                found[positions] = held
    ranked = sorted(found.items(), key=lambda kv: (-float(weights[kv[1]].sum()), kv[0]))
    atoms: list[np.ndarray] = []
    taken = np.zeros((0, m), dtype=bool)
    for positions, _ in ranked:
        # a shifted copy of a token's progression whose one extra position happens to be set
        # in part of its filters is not a new token: keep the best supported of overlapping atoms
        if len(taken) and (taken[:, positions].sum(axis=1) >= 0.5 * len(positions)).any():
            continue
        mask = np.zeros(m, dtype=bool)
        mask[list(positions)] = True
        taken = np.vstack([taken, mask])
        atoms.append(np.array(positions, dtype=np.int64))
        if len(atoms) >= max_atoms:
            break
    return atoms


def double_hashing_attack(filters: np.ndarray, missing: np.ndarray, ref_values: np.ndarray,
                          ref_counts: np.ndarray, ref_tokens: list[frozenset[str]], *, k: int,
                          applicable: bool = True) -> Guesses:
    """Find arithmetic-progression atoms, label them with reference q-grams, re-identify."""
    n = len(filters)
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    if len(rows) == 0 or len(ref_values) == 0:
        return Guesses.none(n, "nothing to attack (no encoded or reference values)", applicable)
    distinct, codes, counts = distinct_rows(filters, rows)
    bits = to_bits(distinct)
    atoms = find_atoms(bits, counts, k)
    note = "" if applicable else "the field uses keyed PRF positions, not double hashing"
    if not atoms:
        out = Guesses.none(n, note or "no arithmetic-progression atoms found", applicable)
        out.details = {"atoms": 0}
        return out
    member = np.column_stack([bits[:, a].all(axis=1) for a in atoms])
    guesses, confident, labelled = guesses_from_membership(
        member, counts, estimated_token_counts(bits, k), codes, rows, n, ref_values, ref_counts,
        ref_tokens)
    return Guesses(guesses, confident, applicable, note, {"atoms": len(atoms),
                                                          "labelled": labelled})
