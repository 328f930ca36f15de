"""u of the ``exact`` level counted over all pairs of the two files, not sampled.

Random pairs estimate each level's u well where non-matches agree often (a postcode: one pair
in 2,000), but an identifier almost never agrees between two different people, so 500,000 random
pairs see no agreement and smoothing caps the weight of an exactly equal NI number at about 16
bits, no more than the prior against a random pair: a record whose names are missing (salted
with a missing year) and whose NI number agrees scored p = 0.29 on the 50,000-person pair.

Pairs with identical filters on a field can be counted exactly without making them (one sort
of 64-bit filter keys), so

    u_exact = (pairs agreeing exactly - expected matches among them)
              / (pairs with the field present on both sides - expected matches among those)

where the expected matches are the candidates' match probabilities summed (blocking keeps
nearly every match that agrees exactly on a specific field). At least one non-matching pair is
assumed to agree, so u never reaches 0. The other levels' u are rescaled to keep the sum 1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from linkcore.dataset import EncodedDataset
from linkcore.linkage.blocking import _value_counts, field_keys, join_equal_keys
from linkcore.linkage.levels import EXACT_LEVEL, MISSING_LEVEL
from linkcore.linkage.model import (
    FellegiSunterModel,
    PatternCounts,
    as_pattern_counts,
    weights_to_probabilities,
)


def equal_filter_pairs(key_a: np.ndarray, key_b: np.ndarray, cap: int,
                        rng: np.random.Generator, *, within: bool = False
                        ) -> tuple[np.ndarray, np.ndarray, float]:
    """Pairs with identical filters on one field, sub-sampled by left record beyond ``cap``.

    ``within``: both keys are one file's (deduplication): only pairs ``left < right`` are
    returned, never a record with itself. Returns (left, right, share of left records kept).
    """
    total = count_equal_pairs(key_a, key_b, within=within)
    share = 1.0
    if total > cap:
        share = cap / total
        keep = rng.random(key_a.size) < share
        key_a = np.where(keep, key_a, np.uint64(0))
    left, right, _, _ = join_equal_keys(key_a, key_b, max_block_pairs=None)
    if within:
        below = left < right
        left, right = left[below], right[below]
    return left, right, share


def count_equal_pairs(keys_a: np.ndarray, keys_b: np.ndarray, *, within: bool = False) -> int:
    """Return how many (a, b) pairs have equal non-zero keys, without making the pairs.

    ``within``: both keys are one file's; count the pairs i < j only (c(c-1)/2 per value).
    """
    return _count_and_live(keys_a[keys_a != 0], keys_b[keys_b != 0], within, False)[0]


#: Bits of the table that marks the keys equal rows share (``_count_and_live``): 2^24 bytes.
_LIVE_TABLE_BITS = 24


def _count_and_live(keys_a: np.ndarray, keys_b: np.ndarray, within: bool, want_live: bool
                    ) -> tuple[int, np.ndarray | None, np.ndarray | None]:
    """Equal pairs of two non-zero key columns, and (``want_live``) rows that may be in one.

    The rows are found through a table of the shared keys' low bits: every row in an equal pair
    is marked, and a few others whose key shares those bits (harmless: the rows only bound
    where a superset's pairs can be).
    """
    ua, ca = _value_counts(keys_a)
    if within:
        agree, shared = int((ca * (ca - 1) // 2).sum()), ua[ca > 1]
    else:
        ub, cb = _value_counts(keys_b)
        pos = np.minimum(np.searchsorted(ub, ua), max(ub.size - 1, 0))
        hit = ub[pos] == ua if ub.size else np.zeros(ua.size, bool)
        agree, shared = int((ca[hit] * cb[pos[hit]]).sum()), ua[hit]
    if not want_live:
        return agree, None, None
    low = np.uint64((1 << _LIVE_TABLE_BITS) - 1)
    table = np.zeros(1 << _LIVE_TABLE_BITS, bool)
    table[shared & low] = True
    return agree, table[keys_a & low], None if within else table[keys_b & low]


def agreeing_pair_counts(masks: list[int], keys_a: list[np.ndarray], keys_b: list[np.ndarray],
                         *, within: bool = False, threads: int | None = None
                         ) -> dict[int, tuple[int, int, int]]:
    """For each mask (a set of fields, bit i = field i): pairs equal on every field in it.

    Returns mask -> (pairs agreeing, rows of a, rows of b with every field present). Keys of 0
    (missing) never agree. Exactly ``count_equal_pairs`` of the fields' keys combined, faster:
    a set is counted only over the rows that agree with some row on a subset counted before it
    (the smaller sets first), and the sets of one size run on ``threads`` threads (numpy's
    sorts let go of the GIL). ``within``: one file (pairs i < j; ``keys_b`` is not read).
    """
    from concurrent.futures import ThreadPoolExecutor

    from linkcore.linkage.blocking import _combine_keys

    n_a = keys_a[0].size if keys_a else 0
    n_b = n_a if within else (keys_b[0].size if keys_b else 0)
    wanted = sorted({int(m) for m in masks})
    live: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    out: dict[int, tuple[int, int, int]] = {}

    def one(mask: int) -> tuple[int, tuple[int, int, int], tuple[np.ndarray, np.ndarray] | None]:
        members = [i for i in range(len(keys_a)) if mask >> i & 1]
        present_a = np.logical_and.reduce([keys_a[i] != 0 for i in members])
        present_b = present_a if within else np.logical_and.reduce(
            [keys_b[i] != 0 for i in members])
        below = [m for m in live if m & mask == m]  # counted subsets: rows that can agree
        if below:
            best = min(below, key=lambda m: live[m][0].size + live[m][1].size)
            rows_a, rows_b = live[best]
        else:
            rows_a, rows_b = np.arange(n_a), np.arange(n_b)
        rows_a = rows_a[present_a[rows_a]]
        rows_b = rows_a if within else rows_b[present_b[rows_b]]
        ka, kb = keys_a[members[0]][rows_a], (keys_a if within else keys_b)[members[0]][rows_b]
        for i in members[1:]:
            ka = _combine_keys(ka, keys_a[i][rows_a])
            kb = ka if within else _combine_keys(kb, keys_b[i][rows_b])
        above = any(m & mask == mask and m != mask for m in wanted)
        agree, live_a, live_b = _count_and_live(ka, kb, within, above)
        kept = None
        if above:
            kept = (rows_a[live_a], rows_a[live_a] if within else rows_b[live_b])
        return mask, (agree, int(present_a.sum()), int(present_b.sum())), kept

    by_size: dict[int, list[int]] = {}
    for mask in wanted:
        by_size.setdefault(int(mask).bit_count(), []).append(int(mask))
    with ThreadPoolExecutor(max_workers=max(1, threads or 1)) as pool:
        for size in sorted(by_size):
            # the whole size first: its tasks read ``live``, which grows only between sizes
            for mask, counts, kept in list(pool.map(one, by_size[size])):
                out[mask] = counts
                if kept is not None:
                    live[mask] = kept
    return out


def pairs_present(keys_a: np.ndarray, keys_b: np.ndarray, *, within: bool = False) -> float:
    """Return how many pairs have the key present on both sides (i < j only ``within``)."""
    na, nb = float(np.count_nonzero(keys_a)), float(np.count_nonzero(keys_b))
    return na * (na - 1.0) / 2.0 if within else na * nb


def exact_agreement_u(model: FellegiSunterModel, ds_a: EncodedDataset, ds_b: EncodedDataset,
                      levels: np.ndarray | PatternCounts, *, max_u_exact: float,
                      skip: tuple[str, ...] = (), within: bool = False) -> dict[str, Any]:
    """Replace each specific field's u[exact] by the count over all pairs; return what changed.

    ``levels``: the candidates' comparison levels or their PatternCounts (their probabilities
    under the current model give the expected matches). Fields whose exact level agrees in
    more than ``max_u_exact`` of random pairs (sex) keep the random-pair u: for them sampling is
    already precise. ``skip``:
    fields whose u is conditional (gated on a salt; see gated_u.py), not over all pairs.
    ``within``: ``ds_a`` and ``ds_b`` are one file (deduplication): pairs i < j are counted.
    """
    changed: dict[str, Any] = {}
    if not model.is_fitted or levels.shape[0] == 0:
        return changed
    counts = {}
    for name in model.fields:
        if name in ds_a.fields and name in ds_b.fields and name not in skip:
            ka, kb = field_keys(ds_a, name), field_keys(ds_b, name)
            counts[name] = (count_equal_pairs(ka, kb, within=within),
                            pairs_present(ka, kb, within=within))
    # the expected matches come from the model being corrected, so repeat until they settle:
    # matches that only an identifier links gain probability as its u falls
    random_u = {f: float(t[EXACT_LEVEL]) for f, t in (model.u or {}).items() if len(t) > 1}
    # candidates fall into few distinct level patterns: each round scores those, not every pair
    patterns, multiplicity = as_pattern_counts(levels, model.n_levels)
    for _ in range(EXACT_U_ROUNDS):
        step = _count_round(model, counts, patterns, multiplicity.astype(np.float64),
                            max_u_exact, random_u)
        if not step:  # nothing to count: every round would find the same nothing
            break
        # settled once a round moves no weight by 0.01 bit or more (never after the first)
        settled = bool(changed) and step.keys() == changed.keys() and all(
            abs(step[f]["weight_change_bits"] - changed[f]["weight_change_bits"]) < 0.01
            for f in step)
        changed = step
        if settled:
            break
    return changed


#: At most this many rounds of counting and re-scoring (two or three settle it).
EXACT_U_ROUNDS = 6


def _count_round(model: FellegiSunterModel, counts: dict[str, tuple[int, float]],
                 levels: np.ndarray, multiplicity: np.ndarray, max_u_exact: float,
                 random_u: dict[str, float]) -> dict[str, Any]:
    """One round: count, subtract the current model's expected matches, set u[exact].

    ``levels``: distinct level patterns of the candidates, each standing for ``multiplicity``
    candidate pairs.
    """
    m, u = model.m or {}, model.u or {}
    prob = weights_to_probabilities(model.match_weights(levels)) * multiplicity
    changed: dict[str, Any] = {}
    new_u = {f: np.asarray(u[f], dtype=np.float64)[1:].copy() for f in model.fields}
    for j, comp in enumerate(model.comparisons):
        name = comp.field
        if len(u[name]) < 2:
            continue
        if random_u.get(name, 1.0) > max_u_exact or name not in m or name not in counts:
            continue
        agree, both = counts[name]
        if both == 0:
            continue
        col = levels[:, j]
        matches_agree = float(prob[col == EXACT_LEVEL].sum())
        matches_present = float(prob[col != MISSING_LEVEL].sum())
        non_match_agree = max(agree - matches_agree, 1.0)
        estimate = non_match_agree / max(both - matches_present, 1.0)
        if estimate >= 1.0:  # no room left for the other levels: the count says nothing
            continue
        table = new_u[name]
        rest = table.sum() - table[0]
        if rest > 0:
            table[1:] *= (1.0 - estimate) / rest
        table[0] = estimate
        new_u[name] = table
        changed[name] = {"random_pairs": random_u[name], "counted": estimate,
                         "pairs_agreeing": agree,
                         "expected_matches_agreeing": round(matches_agree, 1),
                         "weight_change_bits": round(math.log2(random_u[name] / estimate), 3)}
    if changed:
        model.set_parameters(u={f: t.tolist() for f, t in new_u.items()})
        model.training.pop("set_parameters", None)
    return changed
