"""Candidate generation (blocking): which record pairs are worth comparing at all.

Candidate pairs travel as a structure of arrays, ``left`` and ``right`` (int64 row numbers into
the two datasets), sorted by (left, right), never as per-pair objects or a pandas MultiIndex.
Three rules, combined by union (each pair is kept once: a pair is coded as ``left * n_b +
right`` in an int64 and the codes are de-duplicated by sorting):

``AllPairs``
    every pair, for small inputs (``n_a * n_b`` at most ``limit``).

``KeyedBlocking``
    pairs that share a keyed blocking key (an HMAC the data holders computed, e.g. of the
    surname's Soundex code and the year of birth). Key value 0 means "missing" and never joins.
    A block whose ``count_a * count_b`` exceeds ``max_block_pairs`` is skipped with a warning:
    one huge block (a default value, a common name) would otherwise swamp the comparison.
    A key whose blocks hand out more than ``refine_above`` pairs per record (a date of birth in
    a national file, a postcode in a council's), or more than ``refine_pairs`` pairs in all, is
    refined: of its blocks' pairs only those whose names (or another comparable field) are
    identical on at least one field are kept (``identical_join_rows``), so its cost grows with
    the pairs kept, not with the square of the block (or, with ``refine_identical=False``,
    those near on one, which reads every pair of the blocks: ``near_join_rows``).

``FieldAgreement``
    pairs whose filters are identical on at least two of the *specific* fields (those on which
    at most ``max_u_exact`` of random pairs agree exactly: names, date of birth, address,
    postcode, identifiers; not sex or town), one equal-key join per pair of fields. Equal
    filters mean equal values, so this is Splink's "same first name and surname" or "same
    surname and postcode" blocking done by the linkage unit on the encodings. It finds the true
    pairs whose keyed blocking keys all broke (a date-of-birth typo with a surname change and a
    move) at a few candidates per record.

``HammingLSH``
    locality-sensitive hashing on the CLK by bit sampling (Indyk & Motwani 1998): ``b`` bands,
    each the concatenation of ``r`` bits at random positions; two records become candidates
    when they agree on every sampled bit of at least one band.

The LSH maths. For filters of ``m`` bits with popcounts ``|a|`` and ``|b|`` and Dice
``s = 2|a & b| / (|a| + |b|)``, the Hamming distance is ``h = |a| + |b| - 2|a & b| =
(|a| + |b|)(1 - s)``, so one sampled bit agrees with probability

    p(s) = 1 - h / m = 1 - (|a| + |b|)(1 - s) / m,

a band of ``r`` bits with ``p^r`` and at least one of ``b`` bands with the S-curve

    P(candidate | s) = 1 - (1 - p(s)^r)^b.

The popcounts are the median of the two datasets' CLKs. ``r`` sets the selectivity: random pairs
agree on a bit with probability ``p0``, measured on a sample of random pairs (``1 - mean h / m``,
which accounts for bits that are set more often than others), so one band makes about
``n_a n_b p0^r`` random candidates; ``r`` is the smallest value that keeps this at most
``pairs_per_record * (n_a + n_b)``. ``b`` then follows from the target recall ``R`` at the target
Dice ``s*``: ``b = ceil(log(1 - R) / log(1 - p(s*)^r))``, capped at ``max_bands``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from linkcore import kernels
from linkcore._sets import sorted_unique
from linkcore.errors import ParameterError
from linkcore.mapped import release

if TYPE_CHECKING:
    import pandas as pd

    from linkcore.dataset import EncodedDataset
    from linkcore.evaluate import BlockingQuality
    from linkcore.schema import Schema

logger = logging.getLogger("linkcore.linkage.blocking")

#: ``blocking="auto"`` compares all pairs when ``n_a * n_b`` is at most this.
ALL_PAIRS_LIMIT = 1_000_000

#: A keyed block (or LSH bucket) with more pairs than this is skipped, with a warning.
MAX_BLOCK_PAIRS = 250_000
#: Prefix of the key columns that hold a refined key's filters (the field's own filters).
NEAR = "near:"
#: Pairs per record (``pairs / (n_a + n_b)``) above which a keyed blocking key is refined.
#: Below it the whole blocks cost little (10^6 x 10^6 links in about a minute) and refining
#: them would lose a few true pairs (docs/parameters.md, "Refined blocking keys").
REFINE_ABOVE = 16.0
#: A key with more pairs than this in all is refined too, whatever its pairs per record: kept
#: whole, its pairs would cost some 2 GB while they are built and 0.9 GB kept (a postcode at
#: 10^7 records a side made 1.9 x 10^8 of them; docs/scale.md).
REFINE_PAIRS = 50_000_000
#: Filters of at least this many 64-bit words can refine a key (names, a date; not sex).
NEAR_MIN_WORDS = 4
#: A refined key makes only the kept pairs of its blocks, so a block may be this many times larger.
REFINED_BLOCK_FACTOR = 64

#: De-duplicate accumulated pair codes whenever this many have piled up (bounds memory).
_MERGE_EVERY = 16_000_000


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RuleStats:
    """What one blocking rule did: its distinct candidate pairs, time, and details."""

    name: str
    pairs: int
    seconds: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        return {"rule": self.name, "pairs": self.pairs, "seconds": round(self.seconds, 4),
                **self.details}


@dataclass(frozen=True)
class CandidatePairs:
    """Candidate pairs as parallel int64 arrays sorted by (left, right), with per-rule counts."""

    left: np.ndarray
    right: np.ndarray
    n_a: int
    n_b: int
    rules: tuple[RuleStats, ...] = ()

    def __len__(self) -> int:
        return int(self.left.size)

    @property
    def reduction_ratio(self) -> float:
        """1 - candidates / (n_a n_b): the share of all pairs that blocking spared."""
        total = self.n_a * self.n_b
        return 1.0 - len(self) / total if total else 1.0

    def stats(self) -> dict[str, Any]:
        """Per-rule candidate counts, the union size and the reduction ratio."""
        return pair_stats(self.n_a, self.n_b, self.rules, len(self))

    def quality(self, truth: pd.DataFrame, ids_a: np.ndarray, ids_b: np.ndarray
                ) -> BlockingQuality:
        """Pairs completeness and reduction ratio against ground truth (id_a, id_b)."""
        from linkcore.evaluate import blocking_quality

        return blocking_quality(ids_a[self.left], ids_b[self.right], truth=truth,
                                n_a=self.n_a, n_b=self.n_b)


def pair_stats(n_a: int, n_b: int, rules: Sequence[RuleStats], union: int) -> dict[str, Any]:
    """Per-rule candidate counts, the union size and the reduction ratio (JSON-ready)."""
    total = n_a * n_b
    return {
        "n_a": n_a,
        "n_b": n_b,
        "rules": [r.to_dict() for r in rules],
        "union": int(union),
        "reduction_ratio": 1.0 - union / total if total else 1.0,
    }


# --------------------------------------------------------------------------- helpers


def _codes_to_pairs(codes: np.ndarray, n_b: int) -> tuple[np.ndarray, np.ndarray]:
    if n_b == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return codes // n_b, codes % n_b


class _CodeUnion:
    """Accumulate pair codes, de-duplicating in batches so memory stays near the union's size."""

    def __init__(self) -> None:
        self._done = np.zeros(0, np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    def add(self, codes: np.ndarray) -> None:
        if codes.size:
            self._pending.append(codes)
            self._pending_size += codes.size
            if self._pending_size >= max(_MERGE_EVERY, self._done.size):
                self._merge()

    def _merge(self) -> None:
        if self._pending:
            self._done = sorted_unique(np.concatenate([self._done, *self._pending]), runs=True)
            self._pending, self._pending_size = [], 0

    def result(self) -> np.ndarray:
        self._merge()
        return self._done


def join_equal_keys(
    keys_a: np.ndarray,
    keys_b: np.ndarray,
    *,
    skip_zero: bool = True,
    max_block_pairs: int | None = MAX_BLOCK_PAIRS,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Return every (i, j) with ``keys_a[i] == keys_b[j]``, by sorting and ``searchsorted``.

    With ``skip_zero``, key 0 (missing) never joins. Blocks with more than ``max_block_pairs``
    pairs are left out; returns ``(left, right, blocks_skipped, pairs_skipped)``.
    """
    keys_a = np.asarray(keys_a)
    keys_b = np.asarray(keys_b)
    big = oversized_blocks(keys_a, keys_b, skip_zero=skip_zero, max_block_pairs=max_block_pairs)
    left, right = join_rows(keys_a, keys_b, skip_zero=skip_zero, exclude=big.values)
    return left, right, big.blocks, big.pairs


@dataclass(frozen=True)
class OversizedBlocks:
    """The key values whose blocks are skipped, how many pairs they held, and the pairs kept."""

    values: np.ndarray
    blocks: int
    pairs: int
    kept_pairs: int


def _value_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and their counts, by sorting (see linkcore._sets)."""
    _, values, counts = _runs(np.sort(keys))
    return values, counts


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each run of equal keys starts in a sorted column, its key and its length."""
    if sorted_keys.size == 0:
        return np.zeros(0, np.int64), sorted_keys, np.zeros(0, np.int64)
    first = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return first, sorted_keys[first], np.diff(np.append(first, sorted_keys.size)).astype(np.int64)


def oversized_blocks(keys_a: np.ndarray, keys_b: np.ndarray, *, skip_zero: bool = True,
                     max_block_pairs: int | None = MAX_BLOCK_PAIRS) -> OversizedBlocks:
    """Find the blocks of an equal-key join with more than ``max_block_pairs`` pairs.

    Computed over the whole key columns (keys only, no pairs made), so that every partition of
    the join leaves out the same blocks as the one-piece join would.
    """
    ka, kb = np.asarray(keys_a), np.asarray(keys_b)
    if skip_zero:
        ka, kb = ka[ka != 0], kb[kb != 0]
    ua, ca = _value_counts(ka)
    ub, cb = _value_counts(kb)
    empty = np.zeros(0, dtype=ka.dtype)
    if ua.size == 0 or ub.size == 0:
        return OversizedBlocks(empty, 0, 0, 0)
    pos = np.minimum(np.searchsorted(ub, ua), ub.size - 1)
    hit = ub[pos] == ua
    values, pairs = ua[hit], ca[hit] * cb[pos[hit]]
    if max_block_pairs is None:
        return OversizedBlocks(empty, 0, 0, int(pairs.sum()))
    big = pairs > max_block_pairs
    return OversizedBlocks(values[big], int(big.sum()), int(pairs[big].sum()),
                           int(pairs[~big].sum()))


@dataclass(frozen=True)
class _Probe:
    """An equal-key join before its pairs are made: per joining left row, its run of right rows."""

    rows_a: np.ndarray  # left rows that join, ascending
    first: np.ndarray  # per joining left row, where its block starts in ``right_sorted``
    counts: np.ndarray  # per joining left row, the size of its block on the right
    right_sorted: np.ndarray  # right rows ordered by key

    def expand(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the pairs of joining left rows ``start`` to ``stop`` (in left-row order)."""
        counts = self.counts[start:stop]
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        left = np.repeat(self.rows_a[start:stop].astype(np.int64), counts)
        first = np.repeat(self.first[start:stop].astype(np.int64), counts)
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        return left, self.right_sorted[first + offsets].astype(np.int64)


#: Distinct right keys above which ``_probe`` searches the left keys in sorted order (a million
#: keys searched in row order cost 0.53 s, sorted first 0.26 s; 2026-12-05, a throw-away script).
_SORTED_SEARCH_ABOVE = 1 << 16


def _probe(keys_a: np.ndarray, keys_b: np.ndarray, skip_zero: bool,
           exclude: np.ndarray | None) -> _Probe | None:
    """Sort the right keys once and find each left row's block (None: nothing joins)."""
    keys_a = np.asarray(keys_a)
    keys_b = np.asarray(keys_b)
    ok_a = keys_a != 0 if skip_zero else np.ones(keys_a.size, bool)
    ok_b = keys_b != 0 if skip_zero else np.ones(keys_b.size, bool)
    if exclude is not None and exclude.size:
        ok_a &= ~_in_sorted(keys_a, exclude)
        ok_b &= ~_in_sorted(keys_b, exclude)
    rows_a, rows_b = np.flatnonzero(ok_a), np.flatnonzero(ok_b)
    if rows_a.size == 0 or rows_b.size == 0:
        return None
    kb = keys_b[rows_b]
    order_b = stable_argsort(kb)
    first_b, uniq_b, count_b = _runs(kb[order_b])
    ka = keys_a[rows_a]
    if uniq_b.size > _SORTED_SEARCH_ABOVE:  # searched in key order: the table stays in cache
        order_a = stable_argsort(ka)
        pos = np.empty(ka.size, np.intp)
        pos[order_a] = np.searchsorted(uniq_b, ka[order_a])
    else:
        pos = np.searchsorted(uniq_b, ka)
    pos = np.minimum(pos, uniq_b.size - 1)
    hit = uniq_b[pos] == ka
    pos = pos[hit]
    if pos.size == 0:
        return None
    return _Probe(rows_a[hit], first_b[pos], count_b[pos], rows_b[order_b])


def key_order(keys: np.ndarray, skip_zero: bool = True, exclude: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows that can join, ordered by key then row, and their keys in that order.

    A row can join if its key is not 0 (with ``skip_zero``) nor in ``exclude``. The rows are
    int32 when the column has fewer than 2^31 rows: a part keeps both for each of its joins
    (12 bytes a row) until its last cell is made.
    """
    keys = np.asarray(keys)
    ok = keys != 0 if skip_zero else np.ones(keys.size, bool)
    if exclude is not None and exclude.size:
        ok &= ~_in_sorted(keys, exclude)
    rows = np.flatnonzero(ok)
    order = rows[stable_argsort(keys[rows])]
    return (order.astype(np.int32) if keys.size < 2**31 else order), keys[order]


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of uint64 keys, by one sort of keys and rows packed.

    Each key's low bits are replaced by its row number and the words sorted (numpy's vectorised
    sort of plain integers, about twice as fast as an argsort); two keys that differ only in
    those bits and interleave are put right afterwards, group by group, so the order is exact.
    """
    keys = np.asarray(keys)
    n = keys.size
    shift = max(int(n - 1).bit_length(), 1)
    if n < 2 or keys.dtype != np.uint64 or shift > 40:
        return np.argsort(keys, kind="stable")
    low = np.uint64((1 << shift) - 1)
    packed = (keys & ~low) | np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & low).astype(np.intp)
    got = keys[order]
    descents = np.flatnonzero(got[1:] < got[:-1])
    if descents.size:
        high = packed & ~low
        for start in sorted_unique(high[descents]):
            lo, hi = np.searchsorted(high, start, "left"), np.searchsorted(high, start, "right")
            group = order[lo:hi]
            order[lo:hi] = group[np.lexsort((group, keys[group]))]
    return order


class KeyOrders:
    """A part's ``key_order`` per join, kept for every cell of the part.

    A part is in P cells; hashing and sorting its keys in each cell made the equal-key joins
    grow with n times P (docs/scale.md). Memoisation only: a lost cache is recomputed alike.
    """

    def __init__(self) -> None:
        self._orders: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, int]] = {}

    def get(self, name: tuple[Any, ...], keys: Callable[[], np.ndarray], skip_zero: bool,
            exclude: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, int]:
        """``key_order`` of the join ``name`` and the column's length (``keys()`` on first use)."""
        ex = b"" if exclude is None else np.asarray(exclude).tobytes()
        tag = (*name, skip_zero, ex)
        hit = self._orders.get(tag)
        if hit is None:
            column = keys()
            hit = self._orders[tag] = (*key_order(column, skip_zero, exclude), len(column))
        return hit

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return sum(int(o.nbytes + k.nbytes) for o, k, _ in self._orders.values())

    def clear(self) -> None:
        """Let go of every order (the cells are done)."""
        self._orders.clear()


def _probe_ordered(side_a: tuple[np.ndarray, np.ndarray, int],
                   side_b: tuple[np.ndarray, np.ndarray, int]) -> _Probe | None:
    """``_probe`` from both sides' ``KeyOrders`` entries: two sorted columns merged, no sort."""
    order_a, sorted_a, n_a = side_a
    order_b, sorted_b, _ = side_b
    if order_a.size == 0 or order_b.size == 0:
        return None
    first_b, uniq_b, count_b = _runs(sorted_b)
    pos = np.minimum(np.searchsorted(uniq_b, sorted_a), uniq_b.size - 1)
    hit = uniq_b[pos] == sorted_a
    if not hit.any():
        return None
    at = np.full(n_a, -1, np.int64)  # each joining left row's block, by row
    at[order_a[hit]] = pos[hit]
    rows_a = np.flatnonzero(at >= 0)
    pos = at[rows_a]
    return _Probe(rows_a, first_b[pos], count_b[pos], order_b)


def join_rows(keys_a: np.ndarray, keys_b: np.ndarray, *, skip_zero: bool = True,
              exclude: np.ndarray | None = None, offset_a: int = 0, offset_b: int = 0,
              orders: tuple[tuple[np.ndarray, np.ndarray, int], ...] | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with equal keys, leaving out key 0 (with ``skip_zero``) and ``exclude``.

    ``exclude``: sorted key values that never join (oversized blocks found over the whole
    columns). ``offset_a``/``offset_b`` are added to the row numbers (a partition's first row).
    ``orders``: both sides' ``KeyOrders`` entries under the same ``skip_zero`` and ``exclude``
    (``keys_a``/``keys_b`` are then not read): the same pairs, in the same order, unsorted.
    """
    probe = (_probe(keys_a, keys_b, skip_zero, exclude) if orders is None
             else _probe_ordered(*orders))
    if probe is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    left, right = probe.expand(0, probe.rows_a.size)
    return left + offset_a, right + offset_b


def near_pairs(near_a: Sequence[np.ndarray], near_b: Sequence[np.ndarray],
               min_dice: Sequence[float], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether each pair's filters are near (Dice >= the field's minimum) on at least one field.

    A missing value's filter is all zero and scores 0, so it is never near.
    """
    keep = np.zeros(left.size, bool)
    for fa, fb, t in zip(near_a, near_b, min_dice, strict=True):
        open_ = np.flatnonzero(~keep)
        if open_.size == 0:
            break
        dice = kernels.dice_pairs(fa, fb, left[open_], right[open_])
        keep[open_[dice >= np.float32(t)]] = True
    return keep


def near_join_rows(keys_a: np.ndarray, keys_b: np.ndarray, near_a: Sequence[np.ndarray],
                   near_b: Sequence[np.ndarray], min_dice: Sequence[float], *,
                   skip_zero: bool = True, exclude: np.ndarray | None = None,
                   offset_a: int = 0, offset_b: int = 0,
                   caches: tuple[KeyOrders, KeyOrders] | None = None,
                   name: tuple[Any, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of ``join_rows`` near on at least one filter column (``near_pairs``).

    The blocks' pairs are tested where they are found (``kernels.near_block_pairs``) and only
    the near ones are made, so memory follows the pairs kept, not the blocks' size.
    ``caches``: both parts' ``KeyOrders``, the join known to them as ``name``.
    """
    if skip_zero and min(min_dice, default=0.0) >= 1.0:
        return identical_join_rows(keys_a, keys_b, near_a, near_b, exclude=exclude,
                                   offset_a=offset_a, offset_b=offset_b, caches=caches,
                                   name=name)
    if caches is None:
        probe = _probe(keys_a, keys_b, skip_zero, exclude)
    else:
        probe = _probe_ordered(caches[0].get(name, lambda: keys_a, skip_zero, exclude),
                               caches[1].get(name, lambda: keys_b, skip_zero, exclude))
    if probe is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    left, right = kernels.near_block_pairs(probe.rows_a, probe.first, probe.counts,
                                           probe.right_sorted.astype(np.int64, copy=False),
                                           near_a, near_b, min_dice)
    return left + offset_a, right + offset_b


def identical_join_rows(keys_a: np.ndarray, keys_b: np.ndarray, near_a: Sequence[np.ndarray],
                        near_b: Sequence[np.ndarray], *, exclude: np.ndarray | None = None,
                        offset_a: int = 0, offset_b: int = 0,
                        caches: tuple[KeyOrders, KeyOrders] | None = None,
                        name: tuple[Any, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of ``join_rows`` whose filters are identical on at least one field.

    These are ``near_join_rows``'s pairs when every minimum Dice is 1 (a float32 Dice of 1 means
    identical filters; an all-zero filter scores 0), in the same order (left row, then right
    row), found by one equal-key join per field on the key with a hash of the filter's first
    words, each pair then checked word by word: the cost follows the pairs kept, not the square
    of the blocks. ``caches``/``name`` as for ``near_join_rows``.
    """
    keys_a, keys_b = np.asarray(keys_a), np.asarray(keys_b)
    n_b = keys_b.size
    union = _CodeUnion()
    excluded = b"" if exclude is None else np.asarray(exclude).tobytes()
    for k, (fa, fb) in enumerate(zip(near_a, near_b, strict=True)):
        def keys_left(fa: np.ndarray = fa) -> np.ndarray:
            ka = _combine_keys(keys_a, kernels.filter_keys(fa, _IDENTICAL_HASH_WORDS, True))
            if exclude is not None and exclude.size:
                ka[_in_sorted(keys_a, exclude)] = 0
            return ka

        def keys_right(fb: np.ndarray = fb) -> np.ndarray:
            return _combine_keys(keys_b, kernels.filter_keys(fb, _IDENTICAL_HASH_WORDS, True))

        if caches is None:
            ka, kb, orders = keys_left(), keys_right(), None
        else:
            field_name = (*name, "identical", k, excluded)
            ka = kb = np.zeros(0, np.uint64)  # not read: the orders carry the sorted keys
            orders = (caches[0].get(field_name, keys_left, True, None),
                      caches[1].get(field_name, keys_right, True, None))
        left, right = join_rows(ka, kb, orders=orders)
        keep = keys_a[left] == keys_b[right]  # a hash collision of two keys, however unlikely
        for s in range(0, left.size, _IDENTICAL_CHUNK):
            part = slice(s, s + _IDENTICAL_CHUNK)
            keep[part] &= (fa[left[part]] == fb[right[part]]).all(axis=1)
        union.add(sorted_unique(left[keep] * n_b + right[keep]))
    codes = union.result()
    return codes // max(n_b, 1) + offset_a, codes % max(n_b, 1) + offset_b


#: Words of a filter hashed for ``identical_join_rows`` (the pairs found are checked whole).
_IDENTICAL_HASH_WORDS = 4
#: Pairs whose filters ``identical_join_rows`` compares at once (bounds the temporary rows).
_IDENTICAL_CHUNK = 1 << 18


def _in_sorted(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    pos = np.minimum(np.searchsorted(values, x), values.size - 1)
    return values[pos] == x


# --------------------------------------------------------------------------- rules


class BlockingRule:
    """A candidate-generation rule, planned once over the whole key columns, joined per cell.

    ``plan`` adds the rule's key columns (one 64-bit key per record) to ``keys_a``/``keys_b``
    under names starting with ``prefix`` and returns its equal-key joins (JoinColumn) with the
    oversized blocks already found, so that a join run on any partition of the rows makes
    exactly the pairs the whole join would (see ``cell_codes``).
    """

    name = "rule"

    def plan(self, a: EncodedDataset, b: EncodedDataset, keys_a: dict[str, np.ndarray],
             keys_b: dict[str, np.ndarray], prefix: str,
             earlier: Sequence[RulePlan] = ()) -> RulePlan:
        """Return the rule's joins and details for the statistics."""
        raise NotImplementedError

    def codes(self, a: EncodedDataset, b: EncodedDataset) -> tuple[np.ndarray, dict[str, Any]]:
        """Return sorted distinct pair codes ``left * n_b + right`` and details (one piece)."""
        plan = plan_blocking(a, b, [self])
        codes, _, _ = cell_codes(plan, plan.keys_a, plan.keys_b, (0, len(a)), (0, len(b)))
        return codes, plan.rules[0].details

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's settings, JSON-ready."""
        return {"rule": self.name}


@dataclass(frozen=True)
class JoinColumn:
    """One equal-key join: the key column(s) that make its key, and the blocks it leaves out.

    Two source columns are combined row by row (``_combine_keys``: missing when either is).
    ``near``: filter columns (2-D, one filter a row) of which the pair must be near on at least
    one, Dice at or above the column's ``near_min_dice`` (a refined key, ``KeyedBlocking``).
    """

    sources: tuple[str, ...]
    skip_zero: bool = True
    exclude: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    near: tuple[str, ...] = ()
    near_min_dice: tuple[float, ...] = ()


@dataclass(frozen=True)
class RulePlan:
    """A rule's joins (or all pairs), the details for its statistics and the planning time."""

    name: str
    columns: tuple[JoinColumn, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    all_pairs: bool = False


def _join_column(name: str, keys_a: dict[str, np.ndarray], keys_b: dict[str, np.ndarray],
                 sources: tuple[str, ...], *, skip_zero: bool = True,
                 max_block_pairs: int | None = MAX_BLOCK_PAIRS
                 ) -> tuple[JoinColumn, OversizedBlocks]:
    """Plan one join over the whole columns: its oversized blocks and the pairs it keeps."""
    ka, kb = _column_keys(keys_a, sources), _column_keys(keys_b, sources)
    big = oversized_blocks(ka, kb, skip_zero=skip_zero, max_block_pairs=max_block_pairs)
    return JoinColumn(sources, skip_zero, big.values), big


def _column_keys(keys: dict[str, np.ndarray], sources: tuple[str, ...]) -> np.ndarray:
    if len(sources) == 1:
        return keys[sources[0]]
    return _combine_keys(keys[sources[0]], keys[sources[1]])


@dataclass(frozen=True)
class AllPairs(BlockingRule):
    """Every pair; refused above ``limit`` pairs so that nobody compares 10^12 pairs by mistake."""

    limit: int = 50_000_000
    name = "all_pairs"

    def plan(self, a: EncodedDataset, b: EncodedDataset, keys_a: dict[str, np.ndarray],
             keys_b: dict[str, np.ndarray], prefix: str,
             earlier: Sequence[RulePlan] = ()) -> RulePlan:
        """Every pair: refused above the limit."""
        total = len(a) * len(b)
        if total > self.limit:
            raise ParameterError(
                f"all pairs of {len(a)} x {len(b)} records is {total} comparisons, above the "
                f"limit of {self.limit}; use blocking (keyed blocking keys or LSH on the CLK)"
            )
        return RulePlan(self.name, all_pairs=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's settings."""
        return {"rule": self.name, "limit": self.limit}


@dataclass(frozen=True)
class KeyedBlocking(BlockingRule):
    """Pairs sharing a keyed blocking key, for each named key (all the schema's by default).

    A key whose blocks hold more than ``refine_above`` pairs per record (``pairs / (n_a +
    n_b)``: it grows with the files, since a date of birth is shared by more people in a larger
    population) is refined: of its blocks' pairs only those whose filters are identical on at
    least one field comparable within the block are kept (``identical_join_rows``: joins on
    the key and each field, whose cost follows the pairs kept). A field is comparable when it
    is not salted, or salted with the key's own fields. With ``refine_identical`` False the
    pairs near on such a field are kept instead, near being a Dice at or above the
    ``refine_quantile`` of the Dice of pairs of different records of the first file that share
    the key (mostly different people, measured here, no labels); that test reads every pair of
    the blocks (``near_join_rows``), so its cost grows with their square. A key with more than
    ``refine_pairs`` pairs in all is refined too (the memory its whole blocks would take).
    ``refine_above`` None: never refine.
    """

    keys: tuple[str, ...] | None = None
    max_block_pairs: int = MAX_BLOCK_PAIRS
    refine_above: float | None = REFINE_ABOVE
    refine_quantile: float = 0.99
    refine_sample: int = 20_000
    seed: int = 0
    refine_pairs: int = REFINE_PAIRS
    refine_identical: bool = True
    name = "keys"

    def __post_init__(self) -> None:
        if self.refine_above is not None and not self.refine_above > 0:
            raise ParameterError("keyed blocking refine_above must be positive (or None)")
        if not 0.0 < self.refine_quantile < 1.0:
            raise ParameterError("keyed blocking refine_quantile must lie in (0, 1)")
        if not isinstance(self.refine_pairs, int) or self.refine_pairs < 1:
            raise ParameterError("keyed blocking refine_pairs must be a positive whole number")
        if not isinstance(self.refine_identical, bool):
            raise ParameterError("keyed blocking refine_identical must be True or False")

    def plan(self, a: EncodedDataset, b: EncodedDataset, keys_a: dict[str, np.ndarray],
             keys_b: dict[str, np.ndarray], prefix: str,
             earlier: Sequence[RulePlan] = ()) -> RulePlan:
        """One equal-key join per blocking key (their union is the rule's pairs)."""
        names = tuple(a.blocking_keys) if self.keys is None else tuple(self.keys)
        absent = [k for k in names if k not in a.blocking_keys or k not in b.blocking_keys]
        if absent:
            raise ParameterError(
                f"blocking key(s) {', '.join(absent)} not in both datasets; they hold "
                f"{', '.join(a.blocking_keys) or 'none'}"
            )
        columns = []
        per_key: dict[str, int] = {}
        skipped: dict[str, int] = {}
        refined: dict[str, dict[str, float]] = {}
        for name in names:
            col = f"key:{name}"
            keys_a[col], keys_b[col] = a.blocking_keys[name], b.blocking_keys[name]
            join, big = _join_column(name, keys_a, keys_b, (col,),
                                     max_block_pairs=self.max_block_pairs)
            if self.refine_above is not None and (
                    big.kept_pairs > self.refine_above * (len(a) + len(b))
                    or big.kept_pairs > self.refine_pairs):
                near = self.near_fields(a, b, name)
                if near:
                    for f in near:
                        keys_a[f"{NEAR}{f}"], keys_b[f"{NEAR}{f}"] = a.fields[f], b.fields[f]
                    join, big = _join_column(
                        name, keys_a, keys_b, (col,),
                        max_block_pairs=self.max_block_pairs * REFINED_BLOCK_FACTOR)
                    join = dataclasses.replace(join, near=tuple(f"{NEAR}{f}" for f in near),
                                               near_min_dice=tuple(near.values()))
                    refined[name] = {f: round(t, 6) for f, t in near.items()}
            columns.append(join)
            per_key[name] = big.kept_pairs
            if big.blocks:
                skipped[name] = big.blocks
                logger.warning(
                    "blocking key %r: %d oversized block(s) with %d pairs skipped (over %d pairs "
                    "each)", name, big.blocks, big.pairs, self.max_block_pairs,
                )
        details: dict[str, Any] = {"per_key": per_key}
        if refined:
            details["refined"] = refined
        if skipped:
            details["oversized_blocks_skipped"] = skipped
        return RulePlan(self.name, tuple(columns), details)

    def near_fields(self, a: EncodedDataset, b: EncodedDataset, key: str) -> dict[str, float]:
        """Return the fields that refine ``key``, each with its minimum Dice (empty: none).

        Candidates: fields of at least 256 bits (names, a date, an NI number; not sex or a
        postcode) found in both files, not part of the key, unsalted or salted with the key's
        fields. With ``refine_identical`` every candidate, at Dice 1. Otherwise the reference
        pairs are drawn from the first file's own blocks (``_block_pair_sample``); a field
        needs 100 such pairs with both values present and unequal filters, and a minimum below 1.
        """
        candidates = _refining_fields(a, b, key)
        if not candidates or self.refine_identical:
            return dict.fromkeys(candidates, 1.0)
        left, right = _block_pair_sample(a.blocking_keys[key], self.refine_sample,
                                         np.random.default_rng([self.seed, len(a)]))
        # only the sampled rows are read (not every row's popcount: a whole file per field)
        rows = sorted_unique(np.concatenate([left, right]))
        left, right = np.searchsorted(rows, left), np.searchsorted(rows, right)
        out: dict[str, float] = {}
        for f in candidates:
            sampled = np.ascontiguousarray(a.fields[f][rows])
            dice = kernels.dice_pairs(sampled, sampled, left, right)
            dice = dice[(dice > 0) & (dice < 1)]
            if dice.size < 100:
                continue
            t = float(np.quantile(dice.astype(np.float64), self.refine_quantile))
            if t < 1.0:
                out[f] = float(np.float32(t))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's settings."""
        return {"rule": self.name, "keys": None if self.keys is None else list(self.keys),
                "max_block_pairs": self.max_block_pairs, "refine_above": self.refine_above,
                "refine_quantile": self.refine_quantile, "refine_pairs": self.refine_pairs,
                "refine_identical": self.refine_identical}


def _refining_fields(a: EncodedDataset, b: EncodedDataset, key: str) -> list[str]:
    """Fields that can refine ``key``: wide filters comparable within the key's blocks."""
    fields_a, fields_b = getattr(a, "fields", {}), getattr(b, "fields", {})
    wide = [f for f in fields_a if f in fields_b and fields_a[f].shape[1] >= NEAR_MIN_WORDS]
    schema = getattr(a, "schema", None)
    if schema is None:
        return wide
    specs = {f.name: f for f in schema.fields}
    parts = next((set(p.field for p in k.parts) for k in schema.blocking_keys if k.name == key),
                 set())
    out = []
    for f in wide:
        spec = specs.get(f)
        if spec is None or f in parts:
            continue
        if spec.salt is None or spec.salt.field in parts:
            out.append(f)
    return out


def _block_pair_sample(keys: np.ndarray, size: int, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray]:
    """``size`` random pairs of different rows sharing a non-zero key, each pair as likely.

    A row is drawn with weight its block's size less one, then a block-mate uniformly: no block
    is enumerated, so this costs a sort of the keys however large the blocks are.
    """
    rows = np.flatnonzero(keys != 0)
    empty = np.zeros(0, np.int64)
    if rows.size < 2:
        return empty, empty
    order = rows[np.argsort(keys[rows], kind="stable")]
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sizes = np.diff(np.append(starts, order.size))
    block = np.repeat(np.arange(starts.size), sizes)
    shared = np.flatnonzero(sizes[block] > 1)  # positions (in key order) with a block-mate
    if shared.size == 0:
        return empty, empty
    weight = np.cumsum(sizes[block[shared]] - 1, dtype=np.float64)  # each pair equally likely
    pick = shared[np.minimum(np.searchsorted(weight, rng.random(size) * weight[-1], "right"),
                             shared.size - 1)]
    start, n = starts[block[pick]], sizes[block[pick]]
    other = start + (pick - start + 1 + rng.integers(0, n - 1)) % n  # never the row itself
    return order[pick].astype(np.int64), order[other].astype(np.int64)


@dataclass(frozen=True)
class LshPlan:
    """Chosen LSH parameters and the S-curve figures behind them."""

    bands: int
    bits_per_band: int
    bit_agreement_random: float
    bit_agreement_target: float
    expected_recall_at_target: float
    expected_random_pairs: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def lsh_bit_agreement(dice: float, popcount: float, bits: int) -> float:
    """P(one sampled bit agrees) for two filters of ``popcount`` set bits at Dice ``dice``."""
    return max(0.0, min(1.0, 1.0 - 2.0 * popcount * (1.0 - dice) / bits))


def lsh_recall(dice: float, popcount: float, bits: int, bands: int, r: int) -> float:
    """S-curve: P(at least one of ``bands`` bands of ``r`` bits agrees) at Dice ``dice``."""
    p = lsh_bit_agreement(dice, popcount, bits)
    return 1.0 - (1.0 - p**r) ** bands


def plan_lsh(
    n_a: int, n_b: int, bits: int, popcount: float, p_random: float, *,
    target_dice: float, target_recall: float, pairs_per_record: float, max_bands: int,
) -> LshPlan:
    """Choose r (selectivity against random pairs) and b (recall at the target Dice)."""
    p_target = lsh_bit_agreement(target_dice, popcount, bits)
    p0 = min(max(p_random, 1e-6), 1 - 1e-9)
    budget = pairs_per_record * (n_a + n_b)
    total = max(n_a * n_b, 1)
    if budget >= total:
        r = 1
    else:
        r = math.ceil(math.log(budget / total) / math.log(p0))
    r = int(min(max(r, 1), 64))
    hit = p_target**r
    if hit >= 1.0:
        b = 1
    elif hit <= 0.0:
        b = max_bands
    else:
        b = math.ceil(math.log(1.0 - target_recall) / math.log1p(-hit))
    b = int(min(max(b, 1), max_bands))
    return LshPlan(
        bands=b,
        bits_per_band=r,
        bit_agreement_random=p0,
        bit_agreement_target=p_target,
        expected_recall_at_target=1.0 - (1.0 - hit) ** b,
        expected_random_pairs=float(b * total * p0**r),
    )


@dataclass(frozen=True)
class HammingLSH(BlockingRule):
    """Hamming-LSH (bit sampling) on the CLK, or on one field's filters (``filter=name``).

    ``bands`` and ``bits_per_band`` are chosen from ``target_dice`` and ``target_recall`` (see the
    module docstring) unless given. The bit positions depend only on ``seed`` and the filter
    length, so a run is reproducible.
    """

    target_dice: float = 0.8
    target_recall: float = 0.99
    pairs_per_record: float = 1.0
    bands: int | None = None
    bits_per_band: int | None = None
    max_bands: int = 200
    max_bucket_pairs: int = MAX_BLOCK_PAIRS
    filter: str = "clk"
    seed: int = 0
    sample_pairs: int = 20_000
    name = "lsh"

    def __post_init__(self) -> None:
        if not 0.0 < self.target_dice < 1.0:
            raise ParameterError("LSH target_dice must lie strictly between 0 and 1")
        if not 0.0 < self.target_recall < 1.0:
            raise ParameterError("LSH target_recall must lie strictly between 0 and 1")
        if self.bits_per_band is not None and not 1 <= self.bits_per_band <= 64:
            raise ParameterError("LSH bits_per_band must be from 1 to 64")
        if self.bands is not None and self.bands < 1:
            raise ParameterError("LSH bands must be at least 1")

    def _filters(self, ds: EncodedDataset) -> np.ndarray:
        if self.filter == "clk":
            if ds.clk is None:
                raise ParameterError("LSH blocking on the CLK needs datasets that hold CLKs")
            return ds.clk
        if self.filter not in ds.fields:
            raise ParameterError(f"LSH filter {self.filter!r} is not a field of the datasets")
        return ds.fields[self.filter]

    def plan_bands(self, fa: np.ndarray, fb: np.ndarray) -> LshPlan:
        """Measure popcounts and random-pair bit agreement, then choose bands and bits."""
        n_a, n_b = fa.shape[0], fb.shape[0]
        bits = 64 * fa.shape[1]
        rng = np.random.default_rng(self.seed)
        k = min(self.sample_pairs, n_a * n_b)
        ia = rng.integers(0, n_a, size=k)
        ib = rng.integers(0, n_b, size=k)
        pop_a, pop_b = kernels.popcounts(fa), kernels.popcounts(fb)
        popcount = float(np.median(np.concatenate([pop_a, pop_b])))
        dice = kernels.dice_pairs(fa, fb, ia, ib, pop_a, pop_b).astype(np.float64)
        hamming = (pop_a[ia] + pop_b[ib]) * (1.0 - dice)
        p_random = float(1.0 - hamming.mean() / bits) if k else 0.5
        plan = plan_lsh(n_a, n_b, bits, popcount, p_random, target_dice=self.target_dice,
                        target_recall=self.target_recall, pairs_per_record=self.pairs_per_record,
                        max_bands=self.max_bands)
        if self.bands is not None or self.bits_per_band is not None:
            b = self.bands or plan.bands
            r = self.bits_per_band or plan.bits_per_band
            hit = plan.bit_agreement_target**r
            p0 = plan.bit_agreement_random
            plan = LshPlan(b, r, p0, plan.bit_agreement_target, 1.0 - (1.0 - hit) ** b,
                           float(b * n_a * n_b * p0**r))
        return plan

    def plan(self, a: EncodedDataset, b: EncodedDataset, keys_a: dict[str, np.ndarray],
             keys_b: dict[str, np.ndarray], prefix: str,
             earlier: Sequence[RulePlan] = ()) -> RulePlan:
        """One join per band on the band's sampled bits (key 0 is a key like any other here)."""
        fa, fb = self._filters(a), self._filters(b)
        if fa.shape[0] == 0 or fb.shape[0] == 0:
            return RulePlan(self.name, (), {"bands": 0, "bits_per_band": 0})
        plan = self.plan_bands(fa, fb)
        bits = 64 * fa.shape[1]
        rng = np.random.default_rng([self.seed, bits])
        positions = np.stack([rng.choice(bits, size=plan.bits_per_band, replace=False)
                              for _ in range(plan.bands)])
        band_a = kernels.hamming_band_keys(fa, positions)
        band_b = kernels.hamming_band_keys(fb, positions)
        columns = []
        big_buckets = 0
        for band in range(plan.bands):
            col = f"{prefix}band:{band}"
            keys_a[col], keys_b[col] = band_a[:, band], band_b[:, band]
            join, big = _join_column(col, keys_a, keys_b, (col,), skip_zero=False,
                                     max_block_pairs=self.max_bucket_pairs)
            columns.append(join)
            big_buckets += big.blocks
        if big_buckets:
            logger.warning("LSH: %d oversized bucket(s) skipped (over %d pairs each)",
                           big_buckets, self.max_bucket_pairs)
        details = {"filter": self.filter, **plan.to_dict()}
        if big_buckets:
            details["oversized_buckets_skipped"] = big_buckets
        return RulePlan(self.name, tuple(columns), details)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's settings."""
        return {"rule": self.name, "filter": self.filter, "target_dice": self.target_dice,
                "target_recall": self.target_recall, "pairs_per_record": self.pairs_per_record,
                "bands": self.bands, "bits_per_band": self.bits_per_band, "seed": self.seed}


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def filter_hash(filters: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    """Return a 64-bit key per row, equal for identical filters (0 where the value is missing)."""
    key = kernels.filter_keys(filters)
    if missing is not None:
        key[missing] = 0
    return key


def _combine_keys(k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
    """One key per row for the pair of keys; 0 (missing) when either is 0."""
    with np.errstate(over="ignore"):
        out = (k1 * _MIX[0]) ^ ((k2 ^ (k2 >> np.uint64(29))) * _MIX[1])
    out[out == 0] = 1
    out[(k1 == 0) | (k2 == 0)] = 0
    return out


def field_keys(ds: EncodedDataset, name: str) -> np.ndarray:
    """One 64-bit key per record for a field's filter (0 where the value is missing).

    Blocking, training, the gated u and the dependence counts all ask for the same keys: they
    are kept on the dataset while its filter and missing arrays are the same objects (a
    dataset is not changed in place), and returned read-only.
    """
    filters, missing = ds.fields[name], ds.missing
    cache = ds.__dict__.setdefault("_field_keys_cache", {})
    hit = cache.get(name)
    if hit is not None and hit[0] is filters and hit[1] is missing:
        return hit[2]
    keys = filter_hash(filters, missing[:, list(ds.fields).index(name)])
    release(filters)  # mapped filters: a whole file read, none of it needed again soon
    keys.flags.writeable = False
    cache[name] = (filters, missing, keys)
    return keys


@dataclass(frozen=True)
class FieldAgreement(BlockingRule):
    """Pairs whose filters are identical on at least two of the specific fields.

    ``fields``: the fields to combine; by default every field on which at most ``max_u_exact``
    of ``sample_pairs`` random pairs agree exactly (measured here, so a field that is mostly one
    value, like sex or a town, is left out). Each pair of these fields is one equal-key join,
    unless an earlier rule's join already makes its pairs (``covered_sources``), or the join
    lies inside a refined key's blocks (``refined_sources``: a sex salted with the date of
    birth and the date of birth) and hands out more than ``refine_above`` pairs per record,
    as the key did before it was refined.
    """

    fields: tuple[str, ...] | None = None
    max_u_exact: float = 0.01
    max_block_pairs: int = MAX_BLOCK_PAIRS
    refine_above: float | None = REFINE_ABOVE
    seed: int = 0
    sample_pairs: int = 20_000
    name = "agree"

    def __post_init__(self) -> None:
        if not 0.0 < self.max_u_exact <= 1.0:
            raise ParameterError("field agreement max_u_exact must lie in (0, 1]")

    def select(self, a: EncodedDataset, b: EncodedDataset) -> tuple[
        list[str], dict[str, float], dict[str, np.ndarray], dict[str, np.ndarray]
    ]:
        """Choose the fields (specific enough) and return their per-row filter keys."""
        names = list(a.fields) if self.fields is None else list(self.fields)
        absent = [f for f in names if f not in a.fields or f not in b.fields]
        if absent:
            raise ParameterError(
                f"field agreement: field(s) {', '.join(absent)} not in both datasets"
            )
        rng = np.random.default_rng(self.seed)
        n_a, n_b = len(a), len(b)
        k = min(self.sample_pairs, n_a * n_b)
        ia = rng.integers(0, n_a, size=k)
        ib = rng.integers(0, n_b, size=k)
        keys_a: dict[str, np.ndarray] = {}
        keys_b: dict[str, np.ndarray] = {}
        u_exact: dict[str, float] = {}
        chosen = []
        for name in names:
            ka, kb = field_keys(a, name), field_keys(b, name)
            u = float(np.mean((ka[ia] == kb[ib]) & (ka[ia] != 0))) if k else 0.0
            u_exact[name] = u
            if self.fields is not None or u <= self.max_u_exact:
                chosen.append(name)
                keys_a[name], keys_b[name] = ka, kb
        return chosen, u_exact, keys_a, keys_b

    def plan(self, a: EncodedDataset, b: EncodedDataset, keys_a: dict[str, np.ndarray],
             keys_b: dict[str, np.ndarray], prefix: str,
             earlier: Sequence[RulePlan] = ()) -> RulePlan:
        """One join per pair of chosen fields, on the two filter keys combined."""
        chosen, u_exact, fk_a, fk_b = self.select(a, b)
        columns = []
        per_pair: dict[str, int] = {}
        skipped = 0
        for name in chosen:
            keys_a[f"field:{name}"], keys_b[f"field:{name}"] = fk_a[name], fk_b[name]
        covered = covered_sources(earlier, keys_a, keys_b)
        inside = refined_sources(earlier, keys_a, keys_b)
        n_covered = n_inside = 0
        for i, f in enumerate(chosen):
            for g in chosen[i + 1:]:
                if covered(f"field:{f}") or covered(f"field:{g}"):
                    n_covered += 1  # an earlier rule makes these pairs already
                    continue
                join, big = _join_column(f"{f}+{g}", keys_a, keys_b,
                                         (f"field:{f}", f"field:{g}"),
                                         max_block_pairs=self.max_block_pairs)
                if inside(f"field:{f}") & inside(f"field:{g}") and self.refine_above is not None \
                        and big.kept_pairs > self.refine_above * (len(a) + len(b)):
                    n_inside += 1  # as dense as a refined key's blocks, and inside them
                    continue
                columns.append(join)
                skipped += big.blocks
                per_pair[f"{f}+{g}"] = big.kept_pairs
        if skipped:
            logger.warning("field agreement: %d oversized block(s) skipped (over %d pairs each)",
                           skipped, self.max_block_pairs)
        details: dict[str, Any] = {
            "fields": chosen,
            "u_exact": {f: round(u, 6) for f, u in u_exact.items()},
            "per_field_pair": per_pair,
        }
        if n_covered:
            details["joins_covered_by_earlier_rules"] = n_covered
        if n_inside:
            details["joins_inside_refined_keys"] = n_inside
        if skipped:
            details["oversized_blocks_skipped"] = skipped
        return RulePlan(self.name, tuple(columns), details)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's settings."""
        return {"rule": self.name, "fields": None if self.fields is None else list(self.fields),
                "max_u_exact": self.max_u_exact, "max_block_pairs": self.max_block_pairs,
                "refine_above": self.refine_above}


# --------------------------------------------------------------------------- entry point

BlockingSpec = str | BlockingRule | Sequence[str | BlockingRule]


def default_rules(a: EncodedDataset, b: EncodedDataset,
                  all_pairs_limit: int = ALL_PAIRS_LIMIT) -> list[BlockingRule]:
    """``auto``: all pairs when small, else keyed blocking keys and field agreement.

    LSH on the CLK joins only when the datasets hold no blocking keys (CLK-only files from
    clkhash, or a schema without keys): the true pairs that the keys miss differ on several
    fields, and their CLK Dice (median 0.60 on the synthetic moderate pair) lies too close to
    that of random pairs (about 0.45) for LSH to find them without flooding the candidates
    (benchmarks/README.md, Linkage).
    """
    if len(a) * len(b) <= all_pairs_limit:
        return [AllPairs(limit=max(all_pairs_limit, 1))]
    rules: list[BlockingRule] = []
    if a.blocking_keys:
        rules.append(KeyedBlocking())
    if len(getattr(a, "fields", {})) >= 2:
        rules.append(FieldAgreement())
    if a.clk is not None and not a.blocking_keys:
        rules.append(HammingLSH())
    if not rules:
        raise ParameterError(
            f"{len(a)} x {len(b)} records is too many to compare all pairs, and the datasets "
            "hold neither blocking keys nor CLKs; add blocking_keys or a clk to the schema"
        )
    return rules


def _parse_rules(spec: BlockingSpec, a: EncodedDataset, b: EncodedDataset) -> list[BlockingRule]:
    if isinstance(spec, str) and spec == "auto":
        return default_rules(a, b)
    if not isinstance(spec, str | BlockingRule | list | tuple):
        raise ParameterError("blocking must be 'auto', a rule name ('keys', 'lsh', 'agree', "
                             f"'all'), a BlockingRule or a list of them, not "
                             f"{type(spec).__name__}")
    items = [spec] if isinstance(spec, str | BlockingRule) else list(spec)
    if not items:
        raise ParameterError("blocking needs at least one rule (or 'auto')")
    rules: list[BlockingRule] = []
    names = {"all": AllPairs, "all_pairs": AllPairs, "keys": KeyedBlocking, "lsh": HammingLSH,
             "agree": FieldAgreement}
    for item in items:
        if isinstance(item, BlockingRule):
            rules.append(item)
        elif isinstance(item, str) and item in names:
            rules.append(names[item]())
        else:
            raise ParameterError(
                f"unknown blocking rule {item!r}; use 'auto', 'all', 'keys', 'agree', 'lsh' or "
                "rule objects"
            )
    return rules


@dataclass
class BlockingPlan:
    """Every rule's joins, planned over the whole key columns; the pairs come from ``cell_codes``.

    ``keys_a``/``keys_b`` hold the key columns (8 bytes a record each); a partition of the work
    needs only its rows of them (``part_keys``), and the plan without them (``light``).
    """

    n_a: int
    n_b: int
    rules: tuple[RulePlan, ...]
    keys_a: dict[str, np.ndarray] = field(default_factory=dict)
    keys_b: dict[str, np.ndarray] = field(default_factory=dict)

    def light(self) -> BlockingPlan:
        """Return the plan without its key columns (what each cell task receives)."""
        return BlockingPlan(self.n_a, self.n_b, self.rules)

    def part_keys(self, side: str, start: int, stop: int) -> dict[str, np.ndarray]:
        """One side's key columns for rows ``start`` to ``stop`` (copies, to ship alone).

        The near columns (a refined key's filters) are left out: a part adds its own rows'
        filters (``partitions.Part``).
        """
        keys = self.keys_a if side == "a" else self.keys_b
        return {k: np.ascontiguousarray(v[start:stop]) for k, v in keys.items()
                if not k.startswith(NEAR)}


def plan_blocking(a: EncodedDataset, b: EncodedDataset, blocking: BlockingSpec = "auto"
                  ) -> BlockingPlan:
    """Plan the blocking rules over both datasets' key columns (no pairs are made here)."""
    rules = _parse_rules(blocking, a, b)
    keys_a: dict[str, np.ndarray] = {}
    keys_b: dict[str, np.ndarray] = {}
    plans = []
    for k, rule in enumerate(rules):
        t0 = time.perf_counter()
        if len(a) == 0 or len(b) == 0:
            plan = RulePlan(rule.name)
        else:
            plan = rule.plan(a, b, keys_a, keys_b, f"r{k}:", plans)
        plans.append(dataclasses.replace(plan, seconds=time.perf_counter() - t0))
    return BlockingPlan(len(a), len(b), tuple(plans), keys_a, keys_b)


def covered_sources(earlier: Sequence[RulePlan], keys_a: dict[str, np.ndarray],
                    keys_b: dict[str, np.ndarray]) -> Callable[[str], bool]:
    """Return a test of whether an earlier one-column join makes every pair agreeing on a column.

    Key column S is covered when equal S implies equal key K of an earlier join, on every record
    of both files, with K present and outside that join's oversized blocks: then each pair that
    agrees on S (and on anything else) shares K and is a candidate already. A name salted with
    the whole date of birth is covered by the date-of-birth blocking key. A refined key covers
    its own near fields that imply it: equal filters (present, so not all zero) have Dice 1, at
    or above any near minimum, so the refined key keeps their pairs.
    """
    singles = [c for p in earlier for c in p.columns if len(c.sources) == 1 and not c.near]
    refined = [c for p in earlier for c in p.columns if len(c.sources) == 1 and c.near]
    cache: dict[str, bool] = {}
    last: dict[str, Any] = {}

    def near_field_of(source: str, col: JoinColumn) -> bool:
        near = f"{NEAR}{source.removeprefix('field:')}"
        if not source.startswith("field:") or near not in col.near:
            return False
        return all(not bool(((keys[source] != 0) & ~keys[near].any(axis=1)).any())
                   for keys in (keys_a, keys_b))  # no present value with an empty filter

    def covered(source: str) -> bool:
        if source not in cache:
            cache[source] = any(_implies(keys_a, keys_b, source, c, last)
                                for c in singles) or any(
                near_field_of(source, c) and _implies(keys_a, keys_b, source, c, last)
                for c in refined)
        return cache[source]

    return covered


def refined_sources(earlier: Sequence[RulePlan], keys_a: dict[str, np.ndarray],
                    keys_b: dict[str, np.ndarray]) -> Callable[[str], frozenset[int]]:
    """Return, per key column, the earlier refined joins whose blocks hold its equal pairs.

    A join on two such columns of one refined key only makes pairs inside that key's blocks,
    of which the refined key keeps the near ones on purpose: equal names are near, and the
    rest (a date of birth and a sex salted with it) are the block again.
    """
    refined = [c for p in earlier for c in p.columns if len(c.sources) == 1 and c.near]
    cache: dict[str, frozenset[int]] = {}
    last: dict[str, Any] = {}

    def inside(source: str) -> frozenset[int]:
        if source not in cache:
            cache[source] = frozenset(k for k, c in enumerate(refined)
                                      if _implies(keys_a, keys_b, source, c, last))
        return cache[source]

    return inside


def _implies(keys_a: dict[str, np.ndarray], keys_b: dict[str, np.ndarray], source: str,
             join: JoinColumn, last: dict[str, Any] | None = None) -> bool:
    """Whether equal ``source`` keys imply equal, present, joined keys of ``join``.

    ``last``: keeps the sort of the last source asked about, for its next join (a source is
    tested against every earlier join in turn).
    """
    s = np.concatenate([keys_a[source], keys_b[source]])
    k = np.concatenate([keys_a[join.sources[0]], keys_b[join.sources[0]]])
    present = s != 0
    s, k = s[present], k[present]
    if s.size == 0:
        return True
    if s.size > 200_000 and not _implies_on(s[:100_000], k[:100_000], join):
        return False  # a sample refutes it: no need to sort everything
    if _joins_nothing_somewhere(k, join):
        return False
    if last is not None and last.get("source") == source:
        order = last["order"]
    else:
        order = stable_argsort(s)
        if last is not None:
            last.update(source=source, order=order)
    return _equal_runs_agree(s, k, order)


def _joins_nothing_somewhere(k: np.ndarray, join: JoinColumn) -> bool:
    """Whether some row's ``join`` key is missing (with skip_zero) or in an excluded block."""
    return (join.skip_zero and bool((k == 0).any())) or bool(
        join.exclude.size and _in_sorted(k, join.exclude).any())


def _equal_runs_agree(s: np.ndarray, k: np.ndarray, order: np.ndarray) -> bool:
    """Whether rows with equal ``s`` have equal ``k`` (``order`` sorts ``s``)."""
    s, k = s[order], k[order]
    same_s = s[1:] == s[:-1]  # in a run of equal s, any two adjacent k differ if any do
    return not bool((same_s & (k[1:] != k[:-1])).any())


def _implies_on(s: np.ndarray, k: np.ndarray, join: JoinColumn) -> bool:
    return not _joins_nothing_somewhere(k, join) and _equal_runs_agree(s, k, stable_argsort(s))


def join_agrees(col: JoinColumn, keys_a: dict[str, np.ndarray], keys_b: dict[str, np.ndarray],
                left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether the join ``col`` makes each pair (``left``, ``right``: rows of the key columns)."""
    ka = _column_keys(keys_a, col.sources)[left]
    kb = _column_keys(keys_b, col.sources)[right]
    out = ka == kb
    if col.skip_zero:
        out &= ka != 0
    if col.exclude.size:
        out &= ~_in_sorted(ka, col.exclude)
    if col.near:
        hit = np.flatnonzero(out)
        out[hit] = near_pairs([keys_a[f] for f in col.near], [keys_b[f] for f in col.near],
                              col.near_min_dice, left[hit], right[hit])
    return out


def capture_sources(plan: BlockingPlan, schema: Schema | None = None, max_sources: int = 12
                    ) -> list[tuple[str, tuple[JoinColumn, ...]]]:
    """Return the blocking passes as capture-recapture sources: (name, the joins that make them).

    One source per keyed blocking key, one per field-agreement rule (its joins together: each
    pair of fields shares a field with others), one per LSH rule (its bands together: they all
    sample one filter). With the ``schema``, sources that rest on a common field are merged
    into one (a field counts with its salt field and the field it is a view of: names salted
    with the date of birth fail whenever a date-of-birth key does), because independence
    cannot hold between them. Empty when a rule takes all pairs (nothing is missed). Sources
    beyond ``max_sources`` are merged into the last one (2^K capture patterns are counted).
    """
    out: list[tuple[str, tuple[JoinColumn, ...]]] = []
    rests: list[set[str]] = []
    for k, rule in enumerate(plan.rules):
        if rule.all_pairs:
            return []
        if rule.name == "keys":
            for col in rule.columns:
                name = col.sources[0].removeprefix("key:")
                out.append((name, (col,)))
                rests.append(_key_fields(schema, name))
        elif rule.columns:
            name = rule.name if all(n != rule.name for n, _ in out) else f"{rule.name}{k}"
            out.append((name, rule.columns))
            rests.append(_rule_fields(schema, rule))
    out = _merge_sharing(out, rests)
    if len(out) > max_sources:
        tail = out[max_sources - 1:]
        merged = tuple(c for _, cols in tail for c in cols)
        out = [*out[:max_sources - 1], ("+".join(n for n, _ in tail), merged)]
    return out


def _expand(schema: Schema | None, fields: set[str]) -> set[str]:
    """Return the fields with their salt fields and the fields they are views of."""
    if schema is None:
        return fields
    specs = {f.name: f for f in schema.fields}
    out = set(fields)
    for name in fields:
        spec = specs.get(name)
        if spec is not None:
            if spec.salt is not None:
                out.add(spec.salt.field)
            out.update(spec.sources)
    return out


def _key_fields(schema: Schema | None, key: str) -> set[str]:
    if schema is None:
        return {f"key:{key}"}  # unknown parts: a source of its own
    # a key is made from its parts' plaintext values, not their filters: it rests on those
    # fields alone (a view's on its source), whatever salts their filters carry
    sources = {f.name: f.source or f.name for f in schema.fields}
    for spec in schema.blocking_keys:
        if spec.name == key:
            return {sources.get(p.field, p.field) for p in spec.parts}
    return {f"key:{key}"}


def _rule_fields(schema: Schema | None, rule: RulePlan) -> set[str]:
    if rule.name == "lsh":
        target = rule.details.get("filter", "clk")
        if target == "clk":
            return {f.name for f in schema.fields} if schema is not None else {"clk"}
        return _expand(schema, {target})
    fields = {s.removeprefix("field:") for col in rule.columns for s in col.sources}
    return _expand(schema, fields)


def _merge_sharing(sources: list[tuple[str, tuple[JoinColumn, ...]]], rests: list[set[str]]
                   ) -> list[tuple[str, tuple[JoinColumn, ...]]]:
    """Merge sources whose field sets overlap (transitively), keeping the first one's place."""
    groups: list[tuple[list[int], set[str]]] = []
    for i, fields in enumerate(rests):
        joined = [g for g in groups if g[1] & fields]
        members, union = [i], set(fields)
        for g in joined:
            members += g[0]
            union |= g[1]
            groups.remove(g)
        groups.append((sorted(members), union))
    groups.sort(key=lambda g: g[0][0])
    return [("+".join(sources[i][0] for i in members),
             tuple(c for i in members for c in sources[i][1])) for members, _ in groups]


def capture_patterns(sources: Sequence[tuple[str, tuple[JoinColumn, ...]]],
                     keys_a: dict[str, np.ndarray], keys_b: dict[str, np.ndarray],
                     left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair, a bit pattern: bit s set when source s's joins make the pair."""
    out = np.zeros(left.size, np.int64)
    for s, (_, cols) in enumerate(sources):
        hit = np.zeros(left.size, bool)
        for col in cols:
            hit |= join_agrees(col, keys_a, keys_b, left, right)
        out |= hit.astype(np.int64) << s
    return out


def cell_codes(plan: BlockingPlan, keys_a: dict[str, np.ndarray], keys_b: dict[str, np.ndarray],
               rows_a: tuple[int, int], rows_b: tuple[int, int], *, within: bool = False,
               caches: tuple[KeyOrders, KeyOrders] | None = None
               ) -> tuple[np.ndarray, list[int], list[float]]:
    """Candidate codes of one cell: left rows in ``rows_a``, right rows in ``rows_b``.

    ``keys_a``/``keys_b``: the cells' rows of the plan's key columns. Returns the sorted distinct
    codes ``left * n_b + right`` (global row numbers) and, per rule, its distinct codes in the
    cell and the seconds spent. The cells of a grid partition the pairs, so the union over the
    cells is the union over the whole files and the per-rule counts add up. ``within``: both
    sides are one file (deduplication): only pairs left < right are kept, each rule's too.
    ``caches``: the two parts' ``KeyOrders``, so that a part's keys are sorted once per join
    for all its cells rather than once per cell (the same codes either way).
    """
    (sa, ea), (sb, eb) = rows_a, rows_b
    n_b = plan.n_b
    union = _CodeUnion()
    counts, seconds = [], []
    for rule in plan.rules:
        t0 = time.perf_counter()
        if rule.all_pairs:
            left = np.arange(sa, ea, dtype=np.int64)
            codes = (left[:, None] * n_b + np.arange(sb, eb, dtype=np.int64)[None, :]).ravel()
        else:
            per_rule = _CodeUnion()
            for col in rule.columns:
                name = (col.sources, col.near, col.near_min_dice)
                if col.near:
                    left, right = near_join_rows(
                        _column_keys(keys_a, col.sources), _column_keys(keys_b, col.sources),
                        [keys_a[f] for f in col.near], [keys_b[f] for f in col.near],
                        col.near_min_dice, skip_zero=col.skip_zero, exclude=col.exclude,
                        offset_a=sa, offset_b=sb, caches=caches, name=name)
                elif caches is not None:  # the parts' sorted keys: no key computed here
                    orders = tuple(
                        cache.get(name, lambda k=k, c=col: _column_keys(k, c.sources),
                                  col.skip_zero, col.exclude)
                        for cache, k in zip(caches, (keys_a, keys_b), strict=True))
                    left, right = join_rows(np.zeros(0, np.uint64), np.zeros(0, np.uint64),
                                            offset_a=sa, offset_b=sb, orders=orders)
                else:
                    left, right = join_rows(_column_keys(keys_a, col.sources),
                                            _column_keys(keys_b, col.sources),
                                            skip_zero=col.skip_zero, exclude=col.exclude,
                                            offset_a=sa, offset_b=sb)
                per_rule.add(sorted_unique(left * n_b + right, runs=True))
            codes = per_rule.result()
        if within:
            codes = codes[codes // max(n_b, 1) < codes % max(n_b, 1)]
        union.add(codes)
        counts.append(int(codes.size))
        seconds.append(time.perf_counter() - t0)
    return union.result(), counts, seconds


def candidate_pairs(a: EncodedDataset, b: EncodedDataset, blocking: BlockingSpec = "auto"
                    ) -> CandidatePairs:
    """Run the blocking rules and return the union of their candidate pairs, with statistics."""
    plan = plan_blocking(a, b, blocking)
    codes, counts, seconds = cell_codes(plan, plan.keys_a, plan.keys_b, (0, len(a)), (0, len(b)))
    left, right = _codes_to_pairs(codes, len(b))
    return CandidatePairs(left, right, len(a), len(b), rule_stats(plan, counts, seconds))


def rule_stats(plan: BlockingPlan, counts: Sequence[int], seconds: Sequence[float]
               ) -> tuple[RuleStats, ...]:
    """Per-rule statistics from the plan and the cells' summed counts and times."""
    out = []
    for rule, n, sec in zip(plan.rules, counts, seconds, strict=True):
        logger.info("blocking rule %s: %d candidate pairs", rule.name, n)
        out.append(RuleStats(rule.name, int(n), rule.seconds + sec, rule.details))
    return tuple(out)
