"""Similarity-graph matching attack (Vidanage, Christen, Ranbaduge & Schnell 2020).

Source: "A graph matching attack on privacy-preserving record linkage", CIKM 2020.

The attacker builds two similarity graphs: one over the distinct encodings in the file (edges
weighted by Dice similarity of the filters) and one over the values of the reference population.
Vidanage et al. compare the plaintext graph through q-gram similarities calibrated to Bloom-filter
similarities; here the attacker calibrates exactly by encoding the reference himself with the
public schema under a key of his own (positions differ, but the similarity structure and its
distribution are the same, hardening included). Every node gets features that do not depend on
the key -- its frequency, its number of set bits, the similarities of its nearest neighbours, and
its degree at several similarity thresholds (a similarity histogram) -- and the nodes of the two
graphs are matched one to one by the Hungarian algorithm on the distance between their
standardised features. A matched encoding is guessed to hold the value of its reference node.

Confidence: a match is confident when the two nodes are each other's nearest neighbour in
feature space (a mutual best match).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .. import kernels
from .scoring import Guesses, distinct_rows

THRESHOLDS = (0.9, 0.8, 0.7, 0.6)
NEIGHBOURS = 8


def node_features(filters: np.ndarray, counts: np.ndarray, total: int) -> np.ndarray:
    """Key-independent features of each node of an encoding similarity graph."""
    n = len(filters)
    m = filters.shape[1] * 64
    pop = kernels.popcounts(filters).astype(np.float64)
    left, right, score = kernels.dice_top_k(filters, filters, NEIGHBOURS + 1)
    nearest = np.zeros((n, NEIGHBOURS))
    other = left != right
    left, right, score = left[other], right[other], score[other]
    rank = np.arange(len(left)) - np.searchsorted(left, left)
    ok = rank < NEIGHBOURS
    nearest[left[ok], rank[ok]] = score[ok]
    a, b, s = kernels.dice_all_pairs(filters, filters, min(THRESHOLDS))
    keep = a != b
    a, b, s = a[keep], b[keep], s[keep]
    share = counts / float(total)
    degrees = []
    for t in THRESHOLDS:
        hit = s >= t
        degrees.append(np.log1p(np.bincount(a[hit], minlength=n)))
        degrees.append(np.log1p(1e4 * np.bincount(a[hit], weights=share[b[hit]], minlength=n)))
    return np.column_stack([np.log(share), pop / m, nearest, *degrees])


def _nodes(filters: np.ndarray, missing: np.ndarray, max_nodes: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows present, node code per present row, top node filters, top node counts)."""
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    distinct, codes, counts = distinct_rows(filters, rows)
    top = min(len(distinct), max_nodes)
    return rows, codes, distinct[:top], counts[:top]


def _node_values(codes: np.ndarray, values: np.ndarray, n_nodes: int) -> np.ndarray:
    """Return the most common value among each node's reference records (None if none)."""
    frame = pd.DataFrame({"node": codes, "value": values})
    frame = frame[(frame["node"] < n_nodes) & frame["value"].notna()]
    out = np.full(n_nodes, None, dtype=object)
    if frame.empty:
        return out
    sizes = frame.groupby(["node", "value"], sort=False).size().reset_index(name="n")
    sizes = sizes.sort_values(["node", "n"], ascending=[True, False], kind="stable")
    top = sizes.drop_duplicates("node")
    out[top["node"].to_numpy()] = top["value"].to_numpy(dtype=object)
    return out


def graph_matching_attack(filters: np.ndarray, missing: np.ndarray, ref_filters: np.ndarray,
                          ref_missing: np.ndarray, ref_values: np.ndarray, *,
                          max_nodes: int = 1000) -> Guesses:
    """Match the file's similarity graph to the reference's own-key graph; guess matched values.

    ``ref_filters`` is the attacker's encoding of the reference population (same schema, the
    attacker's key) and ``ref_values`` the reference's value per record.
    """
    n = len(filters)
    rows, codes, nodes, counts = _nodes(filters, missing, max_nodes)
    ref_rows, ref_codes, ref_nodes, ref_counts = _nodes(ref_filters, ref_missing, max_nodes)
    if len(nodes) < 2 or len(ref_nodes) < 2:
        return Guesses.none(n, "too few encodings to build a graph", True)
    node_value = _node_values(ref_codes, np.asarray(ref_values, dtype=object)[ref_rows],
                              len(ref_nodes))

    fa = node_features(nodes, counts, len(rows))
    fb = node_features(ref_nodes, ref_counts, len(ref_rows))
    both = np.vstack([fa, fb])
    scale = both.std(axis=0)
    scale[scale == 0] = 1.0
    za, zb = (fa - both.mean(axis=0)) / scale, (fb - both.mean(axis=0)) / scale
    cost = ((za[:, None, :] - zb[None, :, :]) ** 2).sum(axis=2)
    match_a, match_b = linear_sum_assignment(cost)
    guess_by_node = np.full(len(nodes), None, dtype=object)
    guess_by_node[match_a] = node_value[match_b]
    mutual = np.zeros(len(nodes), dtype=bool)
    mutual[match_a] = (cost.argmin(axis=1)[match_a] == match_b) & \
        (cost.argmin(axis=0)[match_b] == match_a)

    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    in_top = codes < len(nodes)
    guesses[rows[in_top]] = guess_by_node[codes[in_top]]
    confident[rows[in_top]] = mutual[codes[in_top]]
    details = {"nodes": int(len(nodes)), "reference_nodes": int(len(ref_nodes)),
               "matched": int(len(match_a)), "mutual_best": int(mutual.sum())}
    return Guesses(guesses, confident, True, "", details)
