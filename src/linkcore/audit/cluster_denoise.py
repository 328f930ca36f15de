"""Cluster and denoise: per-record noise (BLIP) undone by clustering, then graph-matched.

Randomised response flips each bit of a filter independently, so two noisy filters of one value
stay closer to each other than to filters of other values. The attacker

1. picks a Dice threshold for "same value" from his own encoding of the register under his own
   key with the public schema (noise included): the lowest threshold that at most one pair of
   different values in a thousand reaches, but no higher than the median Dice of equal values --
   the "same value" mode of the pairwise Dice histogram, calibrated;
2. links the file's filters at that threshold (linkcore's Dice kernel) and clusters them greedily:
   the filter with the most neighbours not yet clustered founds a cluster with those neighbours;
3. replaces every member by its cluster's bitwise majority vote -- a frequent value's hundreds of
   noisy copies vote back its noise-free filter;
4. runs similarity-graph matching (multi-token fields) or frequency alignment on the denoised
   filters against his own noise-free encoding of the register: a cluster counts as often as it
   has members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import kernels
from .frequency import frequency_attack
from .graph_matching import graph_matching_attack
from .scoring import Guesses

FALSE_SAME = 0.001
SAMPLE_PAIRS = 20_000


def same_value_threshold(filters: np.ndarray, units: np.ndarray, seed: int = 0) -> float:
    """Dice threshold separating equal-unit pairs from others in an encoding the attacker made."""
    rng = np.random.default_rng(seed)
    u = pd.Series(units, dtype=object)
    rows = np.flatnonzero(u.notna().to_numpy())
    if len(rows) < 3:
        return 1.0
    codes = pd.factorize(u.iloc[rows])[0]
    a = rng.choice(len(rows), SAMPLE_PAIRS)
    b = rng.choice(len(rows), SAMPLE_PAIRS)
    diff = codes[a] != codes[b]
    order = np.argsort(codes, kind="stable")
    sc = codes[order]
    starts = np.searchsorted(sc, sc)
    ends = np.searchsorted(sc, sc, side="right")
    pick = rng.choice(len(rows), SAMPLE_PAIRS)
    span = ends[pick] - starts[pick]
    ok = span >= 2
    mate = starts[pick[ok]] + rng.integers(0, np.maximum(span[ok], 1))
    left, right = rows[order[pick[ok]]], rows[order[mate]]
    distinct = left != right
    left, right = left[distinct], right[distinct]
    if len(left) == 0 or not diff.any():
        return 1.0
    same = kernels.dice_pairs(filters, filters, left, right)
    other = kernels.dice_pairs(filters, filters, rows[a[diff]], rows[b[diff]])
    t = float(np.quantile(other, 1.0 - FALSE_SAME))
    return min(t + 1e-9, float(np.median(same)))


def greedy_clusters(filters: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster id per row (0..k-1), greedily: most unclustered neighbours founds a cluster.

    Neighbours are rows at Dice >= threshold; the row with most of them not yet clustered founds
    a cluster with those neighbours, and so on.
    """
    n = len(filters)
    a, b, _ = kernels.dice_all_pairs(filters, filters, threshold)
    keep = a != b
    a, b = a[keep], b[keep]
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    indptr = np.searchsorted(a, np.arange(n + 1))
    degree = np.diff(indptr)
    cluster = np.full(n, -1, dtype=np.int64)
    n_clusters = 0
    for i in np.argsort(-degree, kind="stable"):
        if cluster[i] >= 0:
            continue
        nb = b[indptr[i]:indptr[i + 1]]
        cluster[i] = n_clusters
        cluster[nb[cluster[nb] < 0]] = n_clusters
        n_clusters += 1
    return cluster


def denoise(filters: np.ndarray, missing: np.ndarray, threshold: float
            ) -> tuple[np.ndarray, dict[str, int]]:
    """Replace each present filter by its Dice cluster's majority vote; counts in the details."""
    out = filters.copy()
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    if len(rows) < 2:
        return out, {"clusters": int(len(rows)), "largest_cluster": int(len(rows) > 0)}
    f = filters[rows]
    cluster = greedy_clusters(f, threshold)
    n_clusters = int(cluster.max()) + 1
    sizes = np.bincount(cluster)
    bits = np.unpackbits(f.view(np.uint8), axis=1, bitorder="little").astype(np.int32)
    votes = np.zeros((n_clusters, bits.shape[1]), dtype=np.int32)
    np.add.at(votes, cluster, bits)
    majority = (2 * votes > sizes[:, None]).astype(np.uint8)
    reps = np.packbits(majority, axis=1, bitorder="little").view(np.uint64)
    big = sizes[cluster] >= 3
    denoised = f.copy()
    denoised[big] = reps[cluster[big]]
    out[rows] = denoised
    return out, {"clusters": int(n_clusters), "largest_cluster": int(sizes.max()),
                 "clusters_of_3_or_more": int((sizes >= 3).sum())}


def cluster_denoise_attack(filters: np.ndarray, missing: np.ndarray, own_noisy: np.ndarray,
                           own_units: np.ndarray,
                           own_clean: list[tuple[np.ndarray, np.ndarray]],
                           ref_values: np.ndarray, ref_units: np.ndarray,
                           multi_token: bool) -> Guesses:
    """Cluster noisy filters, vote each cluster back to one filter, then match as usual.

    ``own_noisy`` is the register under the attacker's key with the public schema (noise
    included), ``own_units`` its alignment unit per record (value, or value and salt), and
    ``own_clean`` the same register encoded without the per-record noise step, under one or
    more keys of the attacker's (filters, missing): graph matching is run against each and the
    run with the most confident (mutual-best) matches is kept -- a choice the attacker can make
    without any ground truth.
    """
    threshold = same_value_threshold(own_noisy, own_units)
    denoised, details = denoise(filters, missing, threshold)
    best = None
    for clean, clean_missing in own_clean:
        if multi_token and ref_units is ref_values:
            out = graph_matching_attack(denoised, missing, clean, clean_missing, ref_values)
        else:
            out = frequency_attack(denoised, missing, ref_units, ref_values, clean)
        if best is None or int(out.confident.sum()) > int(best.confident.sum()):
            best = out
    assert best is not None
    best.details = {**(best.details or {}), **details, "threshold_x1000": int(1000 * threshold),
                    "attacker_keys": len(own_clean)}
    return best
