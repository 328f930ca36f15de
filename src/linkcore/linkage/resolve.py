"""Resolution: from scored candidate pairs to accepted links, one-to-one links or clusters.

Pairs travel as parallel arrays (``left`` int64, ``right`` int64, ``prob`` float64), and every
function here returns a boolean mask over them, so callers keep their own columns. The greedy
solver and the constrained clustering are numba loops, compiled on first use and cached on disk
(``cache=True``); sorting is numpy's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from linkcore._numba import njit
from linkcore._sets import sorted_unique
from linkcore.errors import ParameterError

#: One-to-one modes accepted by :func:`resolve` (and the CLI's ``--one-to-one``).
ONE_TO_ONE_MODES = ("greedy", "optimal", "none")

#: Up to this many distinct probabilities, pair order comes from a hashed counting sort.
_COUNTING_SORT_MAX_DISTINCT = 1 << 20

#: Optimal assignment solves whole components in batches of about this many left records.
_OPTIMAL_BATCH_ROWS = 512


# --------------------------------------------------------------------------- validation


def _check_pairs(
    left: np.ndarray, right: np.ndarray, prob: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    left = np.asarray(left)
    right = np.asarray(right)
    if left.ndim != 1 or right.ndim != 1 or left.shape != right.shape:
        raise ParameterError(
            f"left and right must be 1-D arrays of equal length (got {left.size} and {right.size})"
        )
    if left.dtype.kind not in "iu" or right.dtype.kind not in "iu":
        raise ParameterError("left and right must hold integer record indices")
    left = left.astype(np.int64, copy=False)
    right = right.astype(np.int64, copy=False)
    if prob is not None:
        prob = np.asarray(prob, dtype=np.float64)
        if prob.shape != left.shape:
            raise ParameterError(
                f"prob has {prob.size} values for {left.size} pairs; give one per pair"
            )
        if prob.size and not np.isfinite(prob).all():
            raise ParameterError("prob must be finite numbers (no NaN or infinity)")
    return left, right, prob


def _check_threshold(threshold: float) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ParameterError("threshold must be a number between 0 and 1") from None
    if not 0.0 <= t <= 1.0:
        raise ParameterError("threshold must lie between 0 and 1 (a match probability)")
    return t


def _dense_ids(ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Map ids to 0..k-1; direct when they are already small non-negative integers."""
    if ids.size == 0:
        return ids.astype(np.int64), 0
    lo, hi = int(ids.min()), int(ids.max())
    if lo >= 0 and hi < 2 * ids.size + 1024:
        return ids, hi + 1
    uniq, inverse = np.unique(ids, return_inverse=True)
    return inverse.astype(np.int64), int(uniq.size)


def _compact(ids: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber ids to 0..k-1 (sorted order) and return k."""
    uniq, inverse = np.unique(ids, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(uniq.size)


def _pair_order(left: np.ndarray, right: np.ndarray) -> np.ndarray | None:
    """Permutation sorting pairs by (left, right), or None when they are already in that order."""
    dl = np.diff(left)
    if bool((dl >= 0).all()) and bool((np.diff(right)[dl == 0] >= 0).all()):
        return None  # blocking usually emits pairs in this order already
    lo = min(int(left.min()), int(right.min()))
    span_right = int(right.max()) - lo + 1
    if lo >= 0 and (int(left.max()) + 1) * span_right < 2**63:
        return np.argsort((left - lo) * span_right + (right - lo), kind="stable")
    return np.lexsort((right, left))


def _descending_order(left: np.ndarray, right: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Order pairs by descending prob, ties by ascending (left, right): a stable order.

    Model probabilities take few distinct values (one per comparison pattern), so the usual
    path ranks them through a small hash table and counting-sorts the pairs (numba, O(n)),
    several times faster than an argsort or a lexsort; many distinct values fall back to a
    stable argsort.
    """
    n = prob.size
    if n < 2:
        return np.arange(n)
    perm = _pair_order(left, right)
    # + 0.0 turns -0.0 into 0.0, so that equal values have equal bits for the hash table
    p = np.ascontiguousarray(prob if perm is None else prob[perm]) + 0.0
    distinct = sorted_unique(p)
    if distinct.size <= _COUNTING_SORT_MAX_DISTINCT:
        order = _rank_order_kernel(p.view(np.uint64), distinct.view(np.uint64))
    else:
        order = np.argsort(-p, kind="stable")
    return order if perm is None else perm[order]


@njit(cache=True)
def _rank_order_kernel(bits, distinct_bits):  # pragma: no cover - numba
    """Stable counting sort of positions by descending value (values given as float64 bits).

    ``distinct_bits`` are the distinct values in ascending order; each value's rank is found
    in an open-addressing hash table keyed on its bits (Fibonacci hashing).
    """
    n_distinct = distinct_bits.size
    log_size = 1
    while (1 << log_size) < 2 * n_distinct:
        log_size += 1
    size = 1 << log_size
    shift = np.uint64(64 - log_size)
    golden = np.uint64(0x9E3779B97F4A7C15)
    table_keys = np.zeros(size, dtype=np.uint64)
    table_rank = np.full(size, -1, dtype=np.int64)
    for r in range(n_distinct):
        slot = np.int64((distinct_bits[r] * golden) >> shift)
        while table_rank[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        table_keys[slot] = distinct_bits[r]
        table_rank[slot] = n_distinct - 1 - r  # descending: the largest value gets rank 0
    n = bits.size
    rank = np.empty(n, dtype=np.int64)
    starts = np.zeros(n_distinct + 1, dtype=np.int64)
    for i in range(n):
        b = bits[i]
        slot = np.int64((b * golden) >> shift)
        while table_keys[slot] != b or table_rank[slot] < 0:
            slot = (slot + 1) & (size - 1)
        rank[i] = table_rank[slot]
        starts[rank[i] + 1] += 1
    for r in range(n_distinct):
        starts[r + 1] += starts[r]
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        order[starts[rank[i]]] = i
        starts[rank[i]] += 1
    return order


# --------------------------------------------------------------------------- tie-breaks


def id_ranks(ids: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Each record's place when records are sorted by (group, id), as a permutation.

    Resolution breaks ties between equally probable pairs by record number; numbering records by
    this place instead makes the result independent of the order of rows and files (two exact
    duplicates in one file score alike against the same partner). ``groups``: e.g. each pooled
    record's agency name, so that (agency, id) is unique.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(ids)
    columns = {"id": pa.array(np.asarray(ids, dtype=object), pa.string())}
    keys = [("id", "ascending")]
    if groups is not None:
        columns["group"] = pa.array(np.asarray(groups, dtype=object), pa.string())
        keys.insert(0, ("group", "ascending"))
    order = pc.sort_indices(pa.table(columns), sort_keys=keys).to_numpy()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank


def _in_shared_pair(left: np.ndarray, right: np.ndarray, degree_left: np.ndarray,
                    degree_right: np.ndarray) -> np.ndarray:
    """Return the mask of the pairs that share a record with another pair.

    Their component has two pairs or more, so only their records' order can break a tie; a pair
    alone competes with nothing.
    """
    return (degree_left[left] > 1) | (degree_right[right] > 1)


def pairs_by_id(left: np.ndarray, right: np.ndarray, ids_left: np.ndarray,
                ids_right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber two-sided pairs' records so that ties break by id, not by row position.

    The records of pairs that share a record with another take their ids' order (0, 1, ...
    on each side); the records of a pair alone follow them in row order (their order breaks
    no tie), which keeps the sort to the few records that can tie.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    if left.size == 0:
        return left, right
    shared = _in_shared_pair(left, right, np.bincount(left), np.bincount(right))
    return (_ranked_first(left, shared, np.asarray(ids_left, dtype=object)),
            _ranked_first(right, shared, np.asarray(ids_right, dtype=object)))


def _ranked_first(rows: np.ndarray, shared: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rows of the shared pairs numbered by id (0 .. k-1), the others k + their row."""
    used = sorted_unique(rows[shared])
    out = rows + used.size  # a row of a pair alone is in no shared pair: no collision
    if used.size:
        rank = id_ranks(ids[used])
        out[shared] = rank[np.searchsorted(used, rows[shared])]
    return out


def tie_order(left: np.ndarray, right: np.ndarray, ids: np.ndarray,
              groups: np.ndarray | None = None) -> np.ndarray:
    """Return a permutation of one pool's records under which ties break by (group, id).

    For ``cluster_pairs`` and ``cluster_by_component`` (``tie_rank``): the records of pairs
    that share a record with another come first, in (group, id) order; every other record
    follows in row order (it ties with nothing).
    """
    n = len(ids)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    degree = np.bincount(np.concatenate([left, right]), minlength=n)
    shared = _in_shared_pair(left, right, degree, degree)
    nodes = sorted_unique(np.concatenate([left[shared], right[shared]]))
    order = np.empty(n, dtype=np.int64)
    if nodes.size:
        order[nodes] = id_ranks(np.asarray(ids, dtype=object)[nodes],
                                None if groups is None else np.asarray(groups, dtype=object)[nodes])
    rest = np.ones(n, dtype=bool)
    rest[nodes] = False
    order[rest] = nodes.size + np.arange(n - nodes.size, dtype=np.int64)
    return order


def relabel_from_ranked(ranked_labels: np.ndarray, tie_rank: np.ndarray) -> np.ndarray:
    """Labels of records numbered by ``tie_rank`` back in row order, numbered as they appear."""
    return _first_appearance_labels(np.asarray(ranked_labels)[tie_rank])


# --------------------------------------------------------------------------- threshold


def above_threshold(
    left: np.ndarray, right: np.ndarray, prob: np.ndarray, threshold: float
) -> np.ndarray:
    """Mask of the pairs whose probability is at least ``threshold`` (in [0, 1])."""
    threshold = _check_threshold(threshold)
    _, _, prob = _check_pairs(left, right, prob)
    return prob >= threshold


# --------------------------------------------------------------------------- greedy


@njit(cache=True)
def _greedy_kernel(order, left, right, n_left, n_right):  # pragma: no cover - numba
    used_left = np.zeros(n_left, dtype=np.bool_)
    used_right = np.zeros(n_right, dtype=np.bool_)
    mask = np.zeros(order.size, dtype=np.bool_)
    for k in range(order.size):
        i = order[k]
        a = left[i]
        b = right[i]
        if not used_left[a] and not used_right[b]:
            used_left[a] = True
            used_right[b] = True
            mask[i] = True
    return mask


def one_to_one_greedy(left: np.ndarray, right: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Accept pairs by descending probability, skipping any whose left or right is taken.

    Ties are broken by ascending (left, right), so the result does not depend on input order.
    Cost: one sort of the probabilities and one pass (numba) over the pairs.
    """
    left, right, prob = _check_pairs(left, right, prob)
    if left.size == 0:
        return np.zeros(0, dtype=bool)
    order = _descending_order(left, right, prob)
    dense_left, n_left = _dense_ids(left)
    dense_right, n_right = _dense_ids(right)
    return _greedy_kernel(order, dense_left, dense_right, n_left, n_right)


# --------------------------------------------------------------------------- optimal


def one_to_one_optimal(left: np.ndarray, right: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Accept the one-to-one set of pairs with the largest total probability.

    The objective is Σ p over accepted pairs, i.e. the expected number of true matches among
    them (linearity of expectation), the quantity the model's expected precision and recall are
    built from. Maximising the sum of match weights (log-odds) instead would maximise the odds
    that *every* accepted pair is right at once, letting one near-certain pair outvote several
    good ones. Pairs with p <= 0 add nothing and are never accepted; apply the threshold first.

    SciPy's sparse LAPJV (``min_weight_full_bipartite_matching``) needs a full matching, so each
    left record also gets a private dummy partner: cost C − p for a real pair and C for the
    dummy (C = 1 + max p keeps every cost non-zero, as SciPy requires), which makes "leave this
    record unmatched" worth 0. Components of the pair graph with a single pair are accepted
    without the solver; the others are packed whole into batches of a few hundred records and
    solved batch by batch, because the solver's time grows with the square of the problem
    (200,000 blocking-like pairs: 13 s in one problem, 0.2 s in batches). A single giant
    component is still solved in one piece. Duplicate (left, right) pairs count once, at their
    highest probability.
    """
    left, right, prob = _check_pairs(left, right, prob)
    mask = np.zeros(left.size, dtype=bool)
    useful = np.flatnonzero(prob > 0)
    if useful.size == 0:
        return mask
    # one edge per (left, right): keep the most probable copy (stable: first in descending order)
    order = useful[_descending_order(left[useful], right[useful], prob[useful])]
    dense_left, n_left = _dense_ids(left[order])
    dense_right, n_right = _dense_ids(right[order])
    key = dense_left * n_right + dense_right
    _, first = np.unique(key, return_index=True)
    edges = order[first]
    el, er = dense_left[first], dense_right[first]

    # connected components of the bipartite graph: single-edge components need no solver
    graph = sp.coo_array(
        (np.ones(edges.size, dtype=np.int8), (_node_ids(el), _node_ids(er + n_left))),
        shape=(n_left + n_right, n_left + n_right),
    )
    _, labels = connected_components(graph, directed=False)
    edges_per_component = np.bincount(labels[el])
    single = edges_per_component[labels[el]] == 1
    mask[edges[single]] = True
    rest = ~single
    if not rest.any():
        return mask

    edges, el, er, comp = edges[rest], el[rest], er[rest], labels[el[rest]]
    # LAPJVsp's cost grows with the square of the problem, so whole components are packed
    # into batches of about _OPTIMAL_BATCH_ROWS left records and each batch is solved alone
    by_component = np.argsort(comp, kind="stable")
    edges, el, er = edges[by_component], el[by_component], er[by_component]
    comp = comp[by_component]
    starts = np.flatnonzero(np.r_[True, comp[1:] != comp[:-1]])
    # distinct left nodes by a presence mask (el is dense): numpy 2.4's np.unique on int64
    # without return_* takes a hash path about 100x slower than sorting
    seen = np.zeros(n_left, dtype=bool)
    seen[el] = True
    left_nodes_per_component = np.bincount(labels[np.flatnonzero(seen)],
                                           minlength=labels.max() + 1)
    rows_per_component = left_nodes_per_component[comp[starts]]
    batch_of_component = np.cumsum(rows_per_component) // _OPTIMAL_BATCH_ROWS
    batch = np.repeat(batch_of_component, np.diff(np.r_[starts, comp.size]))
    bounds = np.flatnonzero(np.r_[True, batch[1:] != batch[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        chosen = _solve_assignment(el[lo:hi], er[lo:hi], prob[edges[lo:hi]])
        mask[edges[lo:hi][chosen]] = True
    return mask


def _node_ids(x: np.ndarray) -> np.ndarray:
    """Return graph node ids as int32, the index type of SciPy's csgraph routines."""
    # SciPy before 1.15 fails on int64 indices in connected_components (1.11) and in
    # min_weight_full_bipartite_matching (1.11-1.14) instead of converting them.
    if x.size and int(x.max()) >= 2**31:
        raise ParameterError("too many records for one graph (more than 2^31 nodes)")
    return x.astype(np.int32, copy=False)


def _solve_assignment(el: np.ndarray, er: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Mask of the edges in a maximum-total-p one-to-one matching (dummy partner per row)."""
    rows, n_rows = _compact(el)
    cols, n_cols = _compact(er)
    cost_scale = 1.0 + float(p.max())
    data = np.concatenate((cost_scale - p, np.full(n_rows, cost_scale)))
    row_idx = np.concatenate((rows, np.arange(n_rows)))
    col_idx = np.concatenate((cols, n_cols + np.arange(n_rows)))
    biadjacency = sp.csr_array((data, (_node_ids(row_idx), _node_ids(col_idx))),
                               shape=(n_rows, n_cols + n_rows))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(biadjacency)
    real = matched_cols < n_cols
    chosen = matched_rows[real].astype(np.int64) * n_cols + matched_cols[real]
    edge_keys = rows * n_cols + cols
    position = np.argsort(edge_keys)
    found = position[np.searchsorted(edge_keys, chosen, sorter=position)]
    out = np.zeros(p.size, dtype=bool)
    out[found] = True
    return out


# --------------------------------------------------------------------------- dispatch


def resolve(
    left: np.ndarray,
    right: np.ndarray,
    prob: np.ndarray,
    *,
    threshold: float = 0.5,
    one_to_one: str = "greedy",
) -> np.ndarray:
    """Mask of accepted pairs: threshold on probability, then one-to-one resolution by mode."""
    if one_to_one not in ONE_TO_ONE_MODES:
        raise ParameterError(
            f"unknown one-to-one mode {one_to_one!r}; choose one of {', '.join(ONE_TO_ONE_MODES)}"
        )
    left, right, prob = _check_pairs(left, right, prob)
    mask = above_threshold(left, right, prob, threshold)
    if one_to_one == "none":
        return mask
    kept = np.flatnonzero(mask)
    solver = one_to_one_greedy if one_to_one == "greedy" else one_to_one_optimal
    out = np.zeros(left.size, dtype=bool)
    out[kept[solver(left[kept], right[kept], prob[kept])]] = True
    return out


def component_groups(left: np.ndarray, right: np.ndarray, parts: int, *,
                     one_space: bool = False) -> list[np.ndarray]:
    """Split pair positions into at most ``parts`` groups, each a run of whole components.

    The components are those of the bipartite graph of the pairs (left records on one side,
    right records on the other), so a record's pairs are all in one group and greedy one-to-one
    resolution of each group alone accepts exactly what it accepts over all of them (its order,
    descending probability then (left, right), is a total order). ``one_space``: left and
    right number the same records (deduplication), so the graph has one node per record and
    clustering a group alone gives its records the clusters of the whole (``cluster_roots``).
    Components are taken in order of their first pair and cut where the running pair count
    passes each ``1/parts`` of the total; positions within a group keep their input order.
    """
    left, right = np.asarray(left, np.int64), np.asarray(right, np.int64)
    if not isinstance(parts, int) or parts < 1:
        raise ParameterError("parts must be a positive whole number")
    if left.size == 0 or parts == 1:
        return [np.arange(left.size)]
    if one_space:
        dense, n_nodes = _dense_ids(np.concatenate((left, right)))
        dense_left, dense_right, n_left = dense[:left.size], dense[left.size:], 0
    else:
        dense_left, n_left = _dense_ids(left)
        dense_right, n_right = _dense_ids(right)
        n_nodes = n_left + n_right
    graph = sp.coo_array(
        (np.ones(left.size, dtype=np.int8),
         (_node_ids(dense_left), _node_ids(dense_right + n_left))),
        shape=(n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    comp = labels[dense_left]
    # number the components by their first pair, so that groups follow the input order
    present, first = np.unique(comp, return_index=True)  # isolated nodes have no pair
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    comp = rank[np.searchsorted(present, comp)]
    sizes = np.bincount(comp, minlength=first.size)
    before = np.cumsum(sizes) - sizes  # pairs in the components ahead of each
    group_of = np.minimum(before * parts // left.size, parts - 1)[comp]
    order = np.argsort(group_of, kind="stable")
    bounds = np.flatnonzero(np.diff(group_of[order])) + 1
    return [g for g in np.split(order, bounds) if g.size]


# --------------------------------------------------------------------------- clusters


@dataclass(frozen=True)
class Clusters:
    """Cluster membership of every record that appears in an edge, and which edges it honours.

    ``party``, ``record`` and ``cluster`` are parallel arrays (one row per record, sorted by
    party then record; cluster ids 0..k-1 in order of first appearance); ``accepted`` marks the
    input edges whose two ends ended in the same cluster. A record whose every edge was refused
    (one-per-party variant) is a cluster of its own.
    """

    party: np.ndarray
    record: np.ndarray
    cluster: np.ndarray
    accepted: np.ndarray

    @property
    def n_clusters(self) -> int:
        """Number of clusters."""
        return int(self.cluster.max()) + 1 if self.cluster.size else 0


def _nodes(
    party_left: np.ndarray, left: np.ndarray, party_right: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dense node ids for (party, record) ends, and the party and record of each node."""
    parties = np.concatenate((party_left, party_right))
    records = np.concatenate((left, right))
    if parties.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    if parties.min() >= 0 and records.min() >= 0:
        base = int(records.max()) + 1
        if (int(parties.max()) + 1) * base < 2**62:
            keys, inverse = np.unique(parties * base + records, return_inverse=True)
            node_party, node_record = keys // base, keys % base
            n = left.size
            return inverse[:n], inverse[n:], node_party, node_record
    keys, inverse = np.unique(np.stack((parties, records), axis=1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = left.size
    return inverse[:n], inverse[n:], keys[:, 0], keys[:, 1]


def _check_edges(party_left, left, party_right, right, prob=None):
    party_left, left, _ = _check_pairs(party_left, left)
    party_right, right, prob = _check_pairs(party_right, right, prob)
    if left.shape != right.shape:
        raise ParameterError(
            f"the two ends of the edges differ in length ({left.size} and {right.size})"
        )
    return party_left, left, party_right, right, prob


def _first_appearance_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 in order of first appearance."""
    if labels.size == 0:
        return labels.astype(np.int64)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inverse.reshape(-1)]


def clusters(
    party_left: np.ndarray, left: np.ndarray, party_right: np.ndarray, right: np.ndarray
) -> Clusters:
    """Group records of several parties into the connected components of their links.

    Each edge joins record ``left[i]`` of party ``party_left[i]`` to record ``right[i]`` of party
    ``party_right[i]``. Records in no edge are left out (they are singletons).
    """
    party_left, left, party_right, right, _ = _check_edges(party_left, left, party_right, right)
    a, b, node_party, node_record = _nodes(party_left, left, party_right, right)
    n = node_party.size
    graph = sp.coo_array((np.ones(a.size, dtype=np.int8), (_node_ids(a), _node_ids(b))),
                         shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return Clusters(
        node_party, node_record, _first_appearance_labels(labels), np.ones(a.size, dtype=bool)
    )


@njit(cache=True)
def _find(parent, x):  # pragma: no cover - numba
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@njit(cache=True)
def _union(parent, size, ra, rb):  # pragma: no cover - numba
    """Join root ``rb``'s tree to ``ra``'s or the other way (the smaller under the larger)."""
    if size[ra] < size[rb]:
        ra, rb = rb, ra
    parent[rb] = ra
    size[ra] += size[rb]
    return ra, rb


@njit(cache=True)
def _roots(parent):  # pragma: no cover - numba
    roots = np.empty(parent.size, dtype=np.int64)
    for x in range(parent.size):
        roots[x] = _find(parent, x)
    return roots


@njit(cache=True)
def _party_union_kernel(order, a, b, party_bits):  # pragma: no cover - numba
    n_nodes, n_words = party_bits.shape
    parent = np.arange(n_nodes)
    size = np.ones(n_nodes, dtype=np.int64)
    bits = party_bits.copy()
    for k in range(order.size):
        i = order[k]
        ra = _find(parent, a[i])
        rb = _find(parent, b[i])
        if ra == rb:
            continue
        clash = False
        for w in range(n_words):
            if bits[ra, w] & bits[rb, w]:
                clash = True
                break
        if clash:
            continue
        ra, rb = _union(parent, size, ra, rb)
        for w in range(n_words):
            bits[ra, w] |= bits[rb, w]
    return _roots(parent)


@njit(cache=True)
def _checked_union_kernel(order, left, right, source, accepted, n):  # pragma: no cover - numba
    """Union pairs in ``order`` unless two records of one source would join without their pair.

    Their own pair must be among the sorted codes ``accepted`` (``min * n + max``); returns
    each record's root.
    """
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    following = np.full(n, -1, dtype=np.int64)  # a cluster's records: a list from its root
    last = np.arange(n)
    for k in range(order.size):
        i = order[k]
        ra = _find(parent, left[i])
        rb = _find(parent, right[i])
        if ra == rb:
            continue
        clash = False
        x = ra
        while x >= 0 and not clash:
            y = rb
            while y >= 0:
                if source[x] == source[y]:
                    code = min(x, y) * n + max(x, y)
                    at = np.searchsorted(accepted, code)
                    if at >= accepted.size or accepted[at] != code:
                        clash = True
                        break
                y = following[y]
            x = following[x]
        if clash:
            continue
        ra, rb = _union(parent, size, ra, rb)
        following[last[ra]] = rb
        last[ra] = last[rb]
    return _roots(parent)


def checked_roots(left: np.ndarray, right: np.ndarray, prob: np.ndarray, source: np.ndarray,
                  n: int) -> np.ndarray:
    """Return each of ``n`` records' cluster root, pairs joined most probable first.

    Ties by (left, right). Two clusters merge unless a record of one and a record of the other
    have the same ``source`` without their own pair among the given ones.
    """
    left = np.ascontiguousarray(left, dtype=np.int64)
    right = np.ascontiguousarray(right, dtype=np.int64)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    accepted = sorted_unique(np.minimum(left, right) * n + np.maximum(left, right))
    order = np.lexsort((right, left, -np.asarray(prob, dtype=np.float64)))
    return _checked_union_kernel(order, left, right,
                                 np.ascontiguousarray(source, dtype=np.int64), accepted, n)


#: How accepted pairs of one file's records become clusters (dedupe.CLUSTERINGS explains each).
CLUSTER_METHODS = ("checked", "components", "one-per-agency")


def cluster_roots(left: np.ndarray, right: np.ndarray, prob: np.ndarray, source: np.ndarray,
                  method: str) -> np.ndarray:
    """Each record's cluster root (a record of its cluster) from accepted pairs of records.

    Records are ``0 .. source.size - 1``, ``source`` their agency; only the partition the roots
    make is defined (``cluster_labels`` numbers it), not which record is a cluster's root.
    """
    n = int(source.size)
    if method not in CLUSTER_METHODS:
        raise ParameterError(f"unknown clustering {method!r}; choose one of "
                             f"{', '.join(CLUSTER_METHODS)}")
    if method == "checked":
        return checked_roots(left, right, prob, source, n)
    if method == "components":
        # int32 node ids: SciPy before 1.15 fails on int64 ones (_node_ids)
        graph = sp.coo_array((np.ones(left.size, np.int8), (_node_ids(left), _node_ids(right))),
                             shape=(n, n))
        return connected_components(graph, directed=False)[1]
    cl = clusters_one_per_party(source[left], left, source[right], right, prob)
    roots = np.arange(n)
    # records in no edge keep their own row as root; others share their cluster's first row
    first: dict[int, int] = {}
    for rec, c in zip(cl.record.tolist(), cl.cluster.tolist(), strict=True):
        first.setdefault(c, rec)
    roots[cl.record] = [first[c] for c in cl.cluster.tolist()]
    return roots


def group_roots(left: np.ndarray, right: np.ndarray, prob: np.ndarray, nodes: np.ndarray,
                node_source: np.ndarray, method: str) -> np.ndarray:
    """Cluster roots of ``nodes`` (sorted record numbers) from the pairs among them alone.

    ``left``/``right`` are record numbers of whole components (``component_groups`` with
    ``one_space``); renumbering the records in order keeps every tie-break, so the partition of
    ``nodes`` is the one ``cluster_roots`` makes over all pairs. Returns record numbers.
    """
    local_left, local_right = np.searchsorted(nodes, left), np.searchsorted(nodes, right)
    return nodes[cluster_roots(local_left, local_right, prob, node_source, method)]


def cluster_labels(roots: np.ndarray) -> np.ndarray:
    """Return cluster labels 0..k-1 of ``roots``, numbered in record order (record 0's is 0)."""
    _, labels = np.unique(roots, return_inverse=True)
    return _first_appearance_labels(labels.reshape(-1))


def clusters_one_per_party(
    party_left: np.ndarray,
    left: np.ndarray,
    party_right: np.ndarray,
    right: np.ndarray,
    prob: np.ndarray,
) -> Clusters:
    """Clusters holding at most one record per party: greedy union by descending probability.

    Each party holds each person once, so two records of one party in a cluster means a link is
    wrong. Edges are taken most probable first (ties by the node pair); an edge is used only if
    the two clusters it would join share no party. Edges not used are ``accepted = False``.
    """
    party_left, left, party_right, right, prob = _check_edges(
        party_left, left, party_right, right, prob
    )
    a, b, node_party, node_record = _nodes(party_left, left, party_right, right)
    n = node_party.size
    dense_party, n_parties = _dense_ids(node_party)
    n_words = max(1, (n_parties + 63) // 64)
    party_bits = np.zeros((n, n_words), dtype=np.uint64)
    party_bits[np.arange(n), dense_party // 64] = np.left_shift(
        np.uint64(1), (dense_party % 64).astype(np.uint64)
    )
    order = np.lexsort((b, a, -prob)) if a.size else np.zeros(0, dtype=np.int64)
    roots = _party_union_kernel(order, a, b, party_bits) if n else np.zeros(0, dtype=np.int64)
    labels = _first_appearance_labels(roots)
    accepted = labels[a] == labels[b] if a.size else np.zeros(0, dtype=bool)
    return Clusters(node_party, node_record, labels, accepted)
