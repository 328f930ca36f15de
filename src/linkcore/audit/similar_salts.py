"""Salt groups rebuilt from similarity: a coarse salt's records share its tokens' bits.

A field salted with a coarse value (a date salted with its own year, a name with its initial)
puts every token of one salt value at the same keyed positions for all records of that value,
and at unrelated positions for every other value. Where the values of one salt group share
tokens (every date of one year holds the year's tokens), two filters of one group are far
more alike than two of different groups, so the attacker

1. measures, in his own encoding of the register (his key, the public schema, so salted the
   same way), the Dice of pairs from different salt values and of pairs with one salt value but
   different values; where the second's median clears the first's 1 - 10^-4 quantile, the file's
   groups can be told apart (otherwise the attack does not apply);
2. links the file's distinct filters at that threshold and clusters them greedily
   (:func:`~linkcore.audit.cluster_denoise.greedy_clusters`);
3. joins each equality-rebuilt group to the cluster that holds most of its records, so that the
   group attacks (frequency inside groups, group sizes named against the register) run on the
   coarser groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import kernels
from .cluster_denoise import greedy_clusters

FALSE_SAME_GROUP = 1e-4   # share of different-salt pairs the threshold may let through
SAMPLE_PAIRS = 50_000
#: Distinct filters clustered at most (the most frequent; the others keep their equality
#: groups): a date has at most some 40,000 distinct values, a name salted by year far more.
MAX_DISTINCT = 50_000


def _sample_pairs(codes: np.ndarray, rng: np.random.Generator, same: bool
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of rows with equal (``same``) or different codes."""
    if not same:
        a = rng.integers(0, len(codes), SAMPLE_PAIRS)
        b = rng.integers(0, len(codes), SAMPLE_PAIRS)
        keep = codes[a] != codes[b]
        return a[keep], b[keep]
    order = np.argsort(codes, kind="stable")
    sc = codes[order]
    starts = np.searchsorted(sc, sc, side="left")
    ends = np.searchsorted(sc, sc, side="right")
    pick = rng.integers(0, len(codes), SAMPLE_PAIRS)
    span = ends[pick] - starts[pick]
    ok = span >= 2
    mate = starts[pick[ok]] + rng.integers(0, np.maximum(span[ok], 1))
    a, b = order[pick[ok]], order[mate]
    keep = a != b
    return a[keep], b[keep]


def group_threshold(own_filters: np.ndarray, own_missing: np.ndarray, salts: np.ndarray,
                    values: np.ndarray, seed: int = 0) -> float | None:
    """Dice threshold telling one salt group's filters from others', or None where none does.

    Calibrated on the attacker's own encoding: the 1 - FALSE_SAME_GROUP quantile of pairs with
    different salts, kept only if pairs with one salt and different values have a median
    above it.
    """
    rng = np.random.default_rng(seed)
    present = ~np.asarray(own_missing, dtype=bool) & pd.notna(pd.Series(salts, dtype=object)
                                                              ).to_numpy()
    rows = np.flatnonzero(present)
    if len(rows) < 3:
        return None
    salt_codes = pd.factorize(pd.Series(salts[rows], dtype=object))[0]
    value_codes = pd.factorize(pd.Series(values[rows], dtype=object))[0]
    a, b = _sample_pairs(salt_codes, rng, same=False)
    sa, sb = _sample_pairs(salt_codes, rng, same=True)
    differ = value_codes[sa] != value_codes[sb]
    sa, sb = sa[differ], sb[differ]
    if len(a) < 100 or len(sa) < 100:
        return None
    other = kernels.dice_pairs(own_filters, own_filters, rows[a], rows[b])
    same = kernels.dice_pairs(own_filters, own_filters, rows[sa], rows[sb])
    t = float(np.quantile(other, 1.0 - FALSE_SAME_GROUP)) + 1e-6
    return t if float(np.median(same)) > t else None


def similarity_clusters(filters: np.ndarray, missing: np.ndarray, threshold: float
                        ) -> np.ndarray:
    """Cluster id per record (-1 where missing or not clustered), from its distinct filter.

    The MAX_DISTINCT most frequent distinct filters are clustered at ``threshold`` (every pair
    of them is compared); the others are left out.
    """
    out = np.full(len(filters), -1, dtype=np.int64)
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    if len(rows) == 0:
        return out
    distinct, inverse, counts = np.unique(filters[rows], axis=0, return_inverse=True,
                                          return_counts=True)
    inverse = inverse.reshape(-1)
    keep = np.argsort(-counts, kind="stable")[:MAX_DISTINCT]
    cluster_of = np.full(len(distinct), -1, dtype=np.int64)
    cluster_of[keep] = greedy_clusters(distinct[keep], threshold)
    out[rows] = cluster_of[inverse]
    return out


def join_groups(groups: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Each group joined to the cluster holding most of its clustered records (ties: lowest).

    Groups with no clustered record keep their own ids (after the clusters'); the result is
    renumbered 0..k-1. A group is never split, so the equality classes stay whole.
    """
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    target = np.full(n_groups, -1, dtype=np.int64)
    seen = clusters >= 0
    if seen.any():
        pairs = pd.DataFrame({"g": groups[seen], "c": clusters[seen]})
        counts = pairs.value_counts().reset_index(name="n")
        counts = counts.sort_values(["g", "n", "c"], ascending=[True, False, True])
        best = counts.drop_duplicates("g")
        target[best["g"].to_numpy()] = best["c"].to_numpy()
    n_clusters = int(clusters.max()) + 1 if seen.any() else 0
    alone = target < 0
    target[alone] = n_clusters + np.arange(int(alone.sum()))
    return pd.factorize(target[groups])[0].astype(np.int64)
