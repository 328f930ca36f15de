"""From token membership to values: label mined bit patterns with q-grams, then re-identify.

Shared by the pattern-mining attack (Christen, Ranbaduge, Vatsalan & Schnell 2018) and the
double-hashing attack (Niedermeyer et al. 2014; Kroll & Steinmetzer 2015). Both end with a
membership matrix: for each distinct encoding, which of P anonymous bit patterns ("this token's
positions") it contains. This module

1. labels each pattern with a reference token: an initial assignment on label-free node
   features (frequency, length of the values holding it, co-occurrence profile), refined by the
   co-occurrence structure -- the conditional probability that pattern p' is present given p
   must match that of their tokens in the reference -- a few rounds of seeded graph matching
   (each round a Hungarian assignment);
2. reconstructs each encoding's token set over the labelled tokens, and re-identifies it as the
   reference value whose tokens agree best (a token of the value missing from the encoding weighs
   three times a token present in the encoding but not in the value: Bloom filters have false
   positives, not false negatives); ties go to the more frequent reference value.

A guess is confident when the best value contradicts no labelled token and every other
reference value contradicts at least one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

MISSING_TOKEN_WEIGHT = 3.0
REFINE_ROUNDS = 12


def reference_token_matrix(token_sets: Sequence[frozenset[str]], counts: np.ndarray,
                           max_tokens: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return the reference's most frequent tokens, membership (V, G) bool and record share."""
    total = float(counts.sum()) or 1.0
    freq: dict[str, float] = {}
    for toks, c in zip(token_sets, counts, strict=True):
        for t in toks:
            freq[t] = freq.get(t, 0.0) + float(c)
    ranked = sorted(freq, key=lambda t: (-freq[t], t))[:max_tokens]
    index = {t: j for j, t in enumerate(ranked)}
    member = np.zeros((len(token_sets), len(ranked)), dtype=bool)
    for i, toks in enumerate(token_sets):
        for t in toks:
            j = index.get(t)
            if j is not None:
                member[i, j] = True
    share = np.array([freq[t] / total for t in ranked], dtype=float)
    return ranked, member, share


def _cooccurrence(member: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(support per column, P(column j | column i) matrix) under record weights."""
    m = member.astype(np.float64)
    w = weights.astype(np.float64)
    joint = (m * w[:, None]).T @ m / w.sum()
    support = np.diag(joint).copy()
    cond = joint / np.maximum(support[:, None], 1e-12)
    return support, cond


def _signatures(member: np.ndarray, weights: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Label-free features of each pattern/token: frequency, length profile, co-occurrence profile.

    Node features in the sense of Vidanage et al. (2020), on the token co-occurrence graph: log
    frequency; mean and spread of the token count of the values holding it; its eight strongest
    conditional co-occurrences P(other | this), sorted; and the share of others it never meets
    (a value has one start and one end q-gram, so those exclude each other).
    """
    w = weights.astype(np.float64)
    support, cond = _cooccurrence(member, w)
    held = member * w[:, None]
    mass = np.maximum(held.sum(axis=0), 1e-12)
    mean_len = (held * lengths[:, None]).sum(axis=0) / mass
    sq = (held * lengths[:, None] ** 2).sum(axis=0) / mass
    spread = np.sqrt(np.maximum(sq - mean_len**2, 0.0))
    off = cond.copy()
    np.fill_diagonal(off, 0.0)
    width = 8
    profile = np.zeros((len(support), width))
    top = -np.sort(-off, axis=1)[:, :width]
    profile[:, : top.shape[1]] = top
    exclusive = (off < 0.01).mean(axis=1) if off.shape[1] > 1 else np.zeros(len(support))
    return np.column_stack([2.0 * np.log(np.maximum(support, 1e-6)), mean_len, spread,
                            3.0 * profile, 3.0 * exclusive])


def _refine(label: np.ndarray, cond_a: np.ndarray, cond_b: np.ndarray, prior: np.ndarray
            ) -> np.ndarray:
    """Seeded graph matching: re-assign each pattern by co-occurrence with the others' labels."""
    for _ in range(REFINE_ROUNDS):
        b_out = cond_b[:, label]               # P(label(p') | g)
        b_in = cond_b[label, :].T              # P(g | label(p'))
        cost = (np.abs(cond_a[:, None, :] - b_out[None, :, :]).mean(axis=2)
                + np.abs(cond_a.T[:, None, :] - b_in[None, :, :]).mean(axis=2) + prior)
        rows, cols = linear_sum_assignment(cost)
        new = np.full(len(label), -1, dtype=np.int64)
        new[rows] = cols
        if np.array_equal(new, label):
            break
        label = new
    return label


def candidate_labels(member: np.ndarray, weights: np.ndarray, lengths: np.ndarray,
                     ref_member: np.ndarray, ref_counts: np.ndarray, ref_lengths: np.ndarray
                     ) -> list[np.ndarray]:
    """Labellings of the patterns (reference token index each), from several starting points.

    Each start is a Hungarian assignment on a distance between label-free signatures
    (:func:`_signatures`: all features; frequency and length only; frequency only), refined by
    seeded graph matching -- each round re-assigns every pattern to the token whose conditional
    co-occurrences with the current labels of all other patterns agree best with its own.
    """
    n_p, n_g = member.shape[1], ref_member.shape[1]
    if n_p == 0 or n_g == 0:
        return [np.full(n_p, -1, dtype=np.int64)]
    sig_a = _signatures(member, weights, lengths)
    sig_b = _signatures(ref_member, ref_counts, ref_lengths)
    _, cond_a = _cooccurrence(member, weights)
    _, cond_b = _cooccurrence(ref_member, ref_counts)
    out: list[np.ndarray] = []
    for columns in (slice(None), slice(0, 3), slice(0, 1)):
        cost = ((sig_a[:, None, columns] - sig_b[None, :, columns]) ** 2).sum(axis=2)
        rows, cols = linear_sum_assignment(cost)
        label = np.full(n_p, -1, dtype=np.int64)
        label[rows] = cols
        prior = 0.05 * cost / max(float(cost.std()), 1e-12)
        label = _refine(label, cond_a, cond_b, prior)
        if not any(np.array_equal(label, other) for other in out):
            out.append(label)
    return out


def best_labelling(member: np.ndarray, weights: np.ndarray, lengths: np.ndarray,
                   ref_member: np.ndarray, ref_counts: np.ndarray, ref_lengths: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pick the labelling under which most records' filters fit a reference value exactly.

    The attacker can score a labelling without any ground truth: a right labelling explains
    the filters of many records by some reference value with no contradiction. Returns
    (labels, best reference index per encoding, confident per encoding).
    """
    chosen = None
    for label in candidate_labels(member, weights, lengths, ref_member, ref_counts, ref_lengths):
        best, confident, consistent = reidentify(member, label, ref_member, ref_counts)
        fit = float(weights[consistent].sum())
        if chosen is None or fit > chosen[0]:
            chosen = (fit, label, best, confident)
    assert chosen is not None
    return chosen[1], chosen[2], chosen[3]


def reidentify(member: np.ndarray, label: np.ndarray, ref_member: np.ndarray,
               ref_counts: np.ndarray, chunk: int = 512
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best reference value per encoding: (index into reference, confident, no contradiction)."""
    n_d = member.shape[0]
    keep = label >= 0
    if n_d == 0 or not keep.any() or ref_member.shape[0] == 0:
        return np.full(n_d, -1, dtype=np.int64), np.zeros(n_d, dtype=bool), np.zeros(n_d, bool)
    enc = member[:, keep].astype(np.float32)
    ref = ref_member[:, label[keep]].astype(np.float32)
    ref_t = ref.T.copy()
    ref_sizes = ref.sum(axis=1)
    tie = (np.log(ref_counts.astype(np.float64)) / (np.log(ref_counts.max()) + 1.0) * 0.5)
    best = np.empty(n_d, dtype=np.int64)
    confident = np.empty(n_d, dtype=bool)
    consistent = np.empty(n_d, dtype=bool)
    for start in range(0, n_d, chunk):
        e = enc[start:start + chunk]
        both = e @ ref_t                                  # tokens in value and encoding
        value_only = ref_sizes[None, :] - both            # missing from encoding
        enc_only = e.sum(axis=1)[:, None] - both          # present but not in value
        contradictions = MISSING_TOKEN_WEIGHT * value_only + enc_only
        score = -contradictions + tie[None, :]
        b = np.argmax(score, axis=1)
        best[start:start + chunk] = b
        clean = contradictions == 0
        fits = clean[np.arange(len(b)), b]
        consistent[start:start + chunk] = fits
        confident[start:start + chunk] = fits & (clean.sum(axis=1) == 1)
    return best, confident, consistent
