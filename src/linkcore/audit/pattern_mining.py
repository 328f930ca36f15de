"""Bit-pattern mining attack (Christen, Ranbaduge, Vatsalan & Schnell 2018).

Source: "Precise and fast cryptanalysis for Bloom filter based privacy-preserving record
linkage", IEEE TKDE 31(11), 2019 (online 2018).

Every filter that holds a token has all of that token's bit positions set. So a token's positions
form a *frequent itemset* over the bit columns: the set of filters with all of them set is the set
of filters containing the token (plus rare false positives), and its support is the token's
frequency. The attack mines such itemsets greedily from the encoded file alone, Apriori style:

1. start from the most frequent bit column not yet explained (a seed), and narrow the supporting
   filters by adding the column that keeps the most record weight, until some column keeps at
   least ``1 - tol`` of it -- the supporting set has converged on the filters of one token;
2. grow the pattern with every column that keeps ``1 - tol`` of the support: the token's positions;
3. repeat from the next unexplained seed; drop patterns that duplicate one already found.

The anonymous patterns are then labelled with q-grams of the reference population by frequency and
co-occurrence, each filter's q-gram set is reconstructed, and the filter is re-identified as the
best-matching reference value (:mod:`linkcore.audit.reidentify`). Balancing, XOR-folding, rule 90
and BLIP all break the "every position set" property that step 1 relies on.
"""

from __future__ import annotations

import numpy as np

from ..holder.hardening import to_bits
from .reidentify import best_labelling, reference_token_matrix
from .scoring import Guesses, distinct_rows


def mine_patterns(bits: np.ndarray, weights: np.ndarray, *, max_patterns: int = 100,
                  min_support: float = 0.01, min_length: int = 4, tol: float = 0.02,
                  col_tol: float = 0.05, narrow_to: int = 16, rounds: int = 20,
                  max_failures: int = 40
                  ) -> list[np.ndarray]:
    """Frequent bit patterns (arrays of column indices), each the positions of one likely token.

    ``bits`` are distinct filters (rows) and ``weights`` their record counts. Seeds are the
    columns with the most *unexplained* record weight (set in records that no pattern found so
    far accounts for at that column), so that columns shared by several tokens -- with dozens of
    positions per token, most columns are -- yield each of their tokens in turn. A pattern is
    refined to a fixpoint over distinct filters (so that one very frequent false positive cannot
    hide a column): its columns are those set in at least ``1 - col_tol`` of its rows, and its
    rows those with at least ``1 - tol`` of its columns set. Patterns shorter than
    ``min_length`` or sharing half their columns with an earlier pattern are dropped.
    """
    n_rows, n_cols = bits.shape
    w = weights.astype(np.float32)
    total = float(w.sum())
    if n_rows == 0 or total == 0:
        return []
    floor = min_support * total
    fbits = bits.astype(np.float32)
    unexplained = fbits.copy()  # 1 where a row's bit is set and no pattern explains it yet
    tried = np.zeros(n_cols, dtype=bool)
    patterns: list[np.ndarray] = []
    taken = np.zeros((0, n_cols), dtype=bool)
    failures = 0
    while len(patterns) < max_patterns and failures < max_failures:
        residual = w @ unexplained
        residual[tried] = -1.0
        seed = int(np.argmax(residual))
        if residual[seed] < floor:
            break
        tried[seed] = True
        sel = unexplained[:, seed].copy()  # rows as a 0/1 vector: matrix-vector products below
        chosen = [seed]
        while len(chosen) < narrow_to and float(w @ sel) >= floor:
            support = sel @ unexplained  # explained columns must not pull back to old tokens
            support[chosen] = -1.0
            best = int(np.argmax(support))
            chosen.append(best)
            sel *= unexplained[:, best]
        cols = np.array(chosen, dtype=np.int64)
        for _ in range(rounds):
            if float(w @ sel) < floor:
                break
            cols = np.flatnonzero(sel @ fbits >= (1.0 - col_tol) * float(sel.sum()))
            if len(cols) < 2:
                break
            need = np.ceil((1.0 - tol) * len(cols) - 1e-9)
            new_sel = (fbits[:, cols].sum(axis=1) >= need).astype(np.float32)
            if np.array_equal(new_sel, sel):
                break
            sel = new_sel
        if len(cols) < min_length or float(w @ sel) < floor:
            failures += 1
            continue
        rows = np.flatnonzero(sel)
        unexplained[np.ix_(rows, cols)] = 0.0
        if len(taken) and (taken[:, cols].sum(axis=1) >= 0.5 * len(cols)).any():
            failures += 1
            continue
        failures = 0
        mask = np.zeros(n_cols, dtype=bool)
        mask[cols] = True
        patterns.append(cols)
        taken = np.vstack([taken, mask])
    return patterns


def expected_positions(k: int, m: int) -> float:
    """Return the expected number of distinct positions among k hash positions in m bits."""
    return m * (1.0 - (1.0 - 1.0 / m) ** k)


def pattern_membership(bits: np.ndarray, patterns: list[np.ndarray], tol: float = 0.0
                       ) -> np.ndarray:
    """(rows, patterns) bool: whether each row has (at least 1 - tol of) each pattern's bits set."""
    out = np.zeros((bits.shape[0], len(patterns)), dtype=bool)
    for j, cols in enumerate(patterns):
        have = bits[:, cols].sum(axis=1)
        out[:, j] = have >= np.ceil((1.0 - tol) * len(cols) - 1e-9)
    return out


def estimated_token_counts(bits: np.ndarray, k: int | None) -> np.ndarray:
    """Tokens per filter estimated from its set bits: n = -(m/k) ln(1 - X/m) (Swamidass & Baldi).

    Uses the public k. On a balanced filter (always m/2 set) it reads nothing here, but the
    unbalanced filter can be recovered from the file (unbalance.py); with ``spread`` every value
    sets as many positions, and the estimate is the same for every value.
    """
    m = bits.shape[1]
    x = np.minimum(bits.sum(axis=1, dtype=np.int64), m - 1).astype(np.float64)
    return -(m / float(k or 1)) * np.log1p(-x / m)


def guesses_from_membership(member: np.ndarray, counts: np.ndarray, lengths: np.ndarray,
                            codes: np.ndarray, rows: np.ndarray, n: int, ref_values: np.ndarray,
                            ref_counts: np.ndarray, ref_tokens: list[frozenset[str]]
                            ) -> tuple[np.ndarray, np.ndarray, int]:
    """Label patterns, re-identify distinct encodings, spread guesses to records."""
    _, ref_member, _ = reference_token_matrix(ref_tokens, ref_counts,
                                              max_tokens=max(2 * member.shape[1], 50))
    ref_lengths = np.array([len(t) for t in ref_tokens], dtype=np.float64)
    label, best, conf = best_labelling(member, counts, lengths, ref_member, ref_counts,
                                       ref_lengths)
    by_distinct = np.where(best >= 0, ref_values[np.maximum(best, 0)], None)
    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    guesses[rows] = by_distinct[codes]
    confident[rows] = conf[codes] & (best[codes] >= 0)
    return guesses, confident, int((label >= 0).sum())


def pattern_mining_attack(filters: np.ndarray, missing: np.ndarray, ref_values: np.ndarray,
                          ref_counts: np.ndarray, ref_tokens: list[frozenset[str]], *,
                          k: int | None = None, max_patterns: int = 100, tol: float = 0.02
                          ) -> Guesses:
    """Mine token bit patterns from the file, label them with reference q-grams, re-identify.

    ``k`` (positions per token, public in the schema) sets the shortest pattern accepted: 60% of
    the distinct positions a token is expected to have; without it, 4 columns.
    """
    n = len(filters)
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    if len(rows) == 0 or len(ref_values) == 0:
        return Guesses.none(n, "nothing to attack (no encoded or reference values)", True)
    distinct, codes, counts = distinct_rows(filters, rows)
    bits = to_bits(distinct)
    min_length = 4 if k is None else max(4, int(0.6 * expected_positions(k, bits.shape[1])))
    patterns = mine_patterns(bits, counts, max_patterns=max_patterns, tol=tol,
                             min_length=min_length)
    if not patterns:
        out = Guesses.none(n, "no frequent bit patterns found", applicable=True)
        out.details = {"patterns": 0}
        return out
    member = pattern_membership(bits, patterns, tol)
    guesses, confident, labelled = guesses_from_membership(
        member, counts, estimated_token_counts(bits, k), codes, rows, n, ref_values, ref_counts,
        ref_tokens)
    details = {"patterns": len(patterns), "labelled": labelled,
               "mean_pattern_length": float(np.mean([len(p) for p in patterns]))}
    return Guesses(guesses, confident, True, "", details)
