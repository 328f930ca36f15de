"""u of gated fields: a field compared only under an equal salt is measured among same-salt pairs.

A field salted with the whole value of another compared field (a name salted with the date of
birth) is compared only where that salt field agrees exactly (compare.salt_gates); elsewhere it
is ``missing``. Random pairs almost never share the salt, so the random-pair u of such a field
rests on a handful of pairs. What scoring needs is u(level | non-match, same salt): how often two
different people who share a date of birth (or a postcode) have similar names. Those pairs are
the ones with identical salt-field filters, and they are a mixture: in a block of equal dates of
birth many pairs are matches. So u is fitted by EM within the block: every field's m and the
other fields' u stay as trained (non-matches that share a salt are random pairs as far as the
other fields go), while the gated fields' u and the block's match share are free. Weighting pairs
by the other fields alone is not enough: in a block of equal dates of birth a true pair whose
holder moved has little other evidence, and it would be counted as a non-match that shares a name.

The block's EM still has to tell matches from non-matches, and where matches that changed
surname also moved more (or less) often than independence says, it moves them into u: on
held-out pairs it put u(first name exact) at 0.6 to 3 times the truth. So where each file holds
enough pairs of its own records that share the salt (MIN_WITHIN_PAIRS), a gated field's u is
taken from those instead: two records of one file born the same day are different people unless
the file holds someone twice, and pairs that disagree on every other field both hold are counted,
which leaves such duplicates out (``_within_file_u``). Deduplication has no such outside set.

The block's EM starts a gated field's u from a prior (``PRIOR_EXACT``: two different people who
share the salt rarely share the value), not from the random pairs' u: among random pairs a gated
field is compared only inside the salt blocks, so its random-pair u counts the block's matches
too (0.90 for first names on two files of names and dates of birth only, where most same-day
pairs are the same person), and EM started there stayed there (m = u: a name agreement weighed
nothing). Where the block holds fewer than MIN_NON_MATCHES non-matches, the EM's counts are
topped up with MIN_NON_MATCHES pairs of the prior instead of keeping the random pairs' u.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linkcore.dataset import EncodedDataset
from linkcore.linkage.blocking import field_keys
from linkcore.linkage.compare import Comparator, salt_gates
from linkcore.linkage.exact_u import equal_filter_pairs
from linkcore.linkage.levels import MISSING_LEVEL
from linkcore.linkage.model import FellegiSunterModel, pattern_counts

#: Pairs taken from each salt field's block of identical filters (sub-sampled beyond it).
BLOCK_PAIRS = 400_000
#: u is re-estimated only from at least this many non-matching pairs (weighted).
MIN_NON_MATCHES = 20.0
#: Laplace smoothing of the weighted counts, as the model smooths its own.
SMOOTHING = 0.5
#: EM iterations within a salt block (a handful of fields, a few patterns: it settles fast).
EM_ITERATIONS = 50
#: Passes over the salt blocks (see estimate_gated_u).
PASSES = 2
#: Prior u of a gated field (assumed, not fitted): two different people who share the salt hold
#: the same value in this share of pairs, and each level between exact and the lowest in half
#: as many; the rest are at the lowest level. Only where the data say little: the block EM's
#: start, and pseudo-counts where it finds fewer than MIN_NON_MATCHES non-matches.
PRIOR_EXACT = 0.02
#: Within-file same-salt pairs that must be left, per gated field, to set its u from them.
MIN_WITHIN_PAIRS = 500
#: Same-salt pairs taken from each file (sub-sampled by record beyond it): at a first-name
#: agreement of 0.5 %, 50,000 pairs hold about 250 agreements, and a file of 10^6 records
#: holds some 10^7 such pairs, whose records would otherwise be copied and compared.
WITHIN_PAIRS = 50_000


def gated_fields(model: FellegiSunterModel, ds: EncodedDataset) -> dict[str, list[str]]:
    """Salt field -> the compared fields gated on it."""
    fields = model.fields
    out: dict[str, list[str]] = {}
    for salted, salt in salt_gates(ds, fields):
        out.setdefault(fields[salt], []).append(fields[salted])
    return out


def estimate_gated_u(model: FellegiSunterModel, comparator: Any, ds_a: EncodedDataset,
                     ds_b: EncodedDataset, *, seed: int = 0,
                     block_pairs: int = BLOCK_PAIRS, within: bool = False) -> dict[str, Any]:
    """Set u of every gated field from its salt field's identical-filter block; say what changed.

    ``comparator``: computes the comparison levels of (left, right) row pairs (Comparator).
    ``within``: ``ds_a`` and ``ds_b`` are one file (deduplication): pairs i < j only.
    """
    report: dict[str, Any] = {}
    if not model.is_fitted:
        return report
    fields = model.fields
    rng = np.random.default_rng([seed, 11])
    blocks = []
    for salt, gated in gated_fields(model, ds_a).items():
        left, right, _ = equal_filter_pairs(field_keys(ds_a, salt), field_keys(ds_b, salt),
                                            block_pairs, rng, within=within)
        if left.size == 0:
            continue
        levels = comparator.levels(left, right)
        levels[:, fields.index(salt)] = MISSING_LEVEL  # every pair of the block agrees on it
        blocks.append((salt, gated, levels))
    # two passes: a block's EM scores the fields gated on *other* salts with their u, which the
    # first pass has only just estimated
    for _ in range(PASSES):
        for salt, gated, levels in blocks:
            cols = [fields.index(name) for name in gated]
            u_gated, lam, non_matches = _block_em(model, levels, cols)
            model.set_parameters(u={name: table[1:].tolist()
                                    for name, table in zip(gated, u_gated, strict=True)})
            model.training.pop("set_parameters", None)
            report[salt] = {"pairs": int(levels.shape[0]), "non_matches": round(non_matches, 1),
                            "match_share": round(lam, 4), "fields": list(gated)}
            if non_matches < MIN_NON_MATCHES:
                report[salt]["note"] = (f"few non-matching pairs: u from them and "
                                        f"{MIN_NON_MATCHES:g} pairs of the prior")
    if not within:
        for salt, gated, _ in blocks:
            within_u = _within_file_u(model, [ds_a, ds_b], salt, gated, WITHIN_PAIRS, rng)
            if within_u:
                model.set_parameters(u={name: table[1:].tolist()
                                        for name, (table, _) in within_u.items()})
                model.training.pop("set_parameters", None)
                report.setdefault(salt, {})["within_file"] = {
                    name: n for name, (_, n) in within_u.items()}
    return report


def _within_file_u(model: FellegiSunterModel, files: list[EncodedDataset], salt: str,
                   gated: list[str], cap: int, rng: np.random.Generator
                   ) -> dict[str, tuple[np.ndarray, int]]:
    """Return each gated field's u from pairs of one file's records that share only the salt.

    A pair counts where every other field both records hold (at least two) is at its lowest
    level: a duplicate agrees on more than the salt. Returns field -> (u table, pairs counted)
    for the fields with at least MIN_WITHIN_PAIRS such pairs holding them.
    """
    fields = model.fields
    salt_col = fields.index(salt)
    last = np.array([c.n_levels - 1 for c in model.comparisons])
    pooled = []
    for ds in files:
        keys = field_keys(ds, salt)
        left, right, _ = equal_filter_pairs(keys, keys, cap, rng, within=True)
        if left.size:
            rows, local = np.unique(np.concatenate([left, right]), return_inverse=True)
            part = ds.subset(rows)  # the sampled pairs' records only: at most 2 * cap
            pooled.append(Comparator(part, part, model.comparisons)
                          .levels(local[:left.size], local[left.size:]))
    if not pooled:
        return {}
    levels = np.concatenate(pooled)
    out: dict[str, tuple[np.ndarray, int]] = {}
    for name in gated:
        col = fields.index(name)
        others = [j for j in range(len(fields)) if j not in (salt_col, col)]
        sub = levels[:, others]
        present = sub != MISSING_LEVEL
        unlike = np.all(~present | (sub == last[others]), axis=1) & (present.sum(axis=1) >= 2)
        values = levels[unlike, col]
        values = values[values != MISSING_LEVEL]
        if values.size < MIN_WITHIN_PAIRS:
            continue
        counts = np.bincount(values, minlength=int(last[col]) + 1).astype(np.float64)
        out[name] = (_u_table(counts), int(values.size))
    return out


def prior_u(n_levels: int) -> list[float]:
    """Return a gated field's prior u over its levels from exact down (set_parameters' form)."""
    return _prior_table(n_levels)[1:].tolist()


def _prior_table(n_levels: int) -> np.ndarray:
    """Return the prior u table (index = level; the missing level 1.0), without smoothing."""
    table = _prior_counts(n_levels, 1.0)
    table[MISSING_LEVEL] = 1.0
    return table


def _prior_counts(n_levels: int, pairs: float) -> np.ndarray:
    """Return ``pairs`` non-matching pairs spread over the levels as the prior says."""
    counts = np.zeros(n_levels, dtype=np.float64)
    counts[1] = PRIOR_EXACT
    counts[2:n_levels - 1] = PRIOR_EXACT / 2
    counts[n_levels - 1] = 1.0 - counts[1:n_levels - 1].sum()
    return counts * pairs


def _u_table(counts: np.ndarray) -> np.ndarray:
    """Return a u table (index = level) from non-matching pairs counted per level, smoothed."""
    counts = counts.copy()
    counts[MISSING_LEVEL] = 0.0
    counts[1:] += SMOOTHING
    table = counts / counts[1:].sum()
    table[MISSING_LEVEL] = 1.0
    return table


def _block_em(model: FellegiSunterModel, levels: np.ndarray, cols: list[int],
              iterations: int = EM_ITERATIONS) -> tuple[list[np.ndarray], float, float]:
    """EM within a salt block: m (all fields) and u (ungated fields) fixed; gated u and λ free.

    Gated u starts at the prior and, while the block's non-matches number fewer than
    MIN_NON_MATCHES, takes the missing ones from the prior.

    Runs over the block's distinct level patterns weighted by their counts (a few thousand
    patterns stand for hundreds of thousands of pairs).

    Returns the gated fields' u tables (index = level), the block's match share and its
    expected number of non-matches.
    """
    patterns, weight = pattern_counts(levels, [c.n_levels for c in model.comparisons])
    weight = weight.astype(np.float64)
    total = float(weight.sum())
    m_tables = list((model.m or {}).values())
    u_tables = [np.asarray(t, dtype=np.float64).copy() for t in (model.u or {}).values()]
    fixed = [j for j in range(patterns.shape[1]) if j not in cols]
    llr_fixed = np.zeros(patterns.shape[0])
    for j in fixed:
        llr_fixed += np.log(m_tables[j][patterns[:, j]] / u_tables[j][patterns[:, j]])
    for j in cols:  # not the random pairs' u: for a gated field it counts the block's matches
        u_tables[j] = _prior_table(model.comparisons[j].n_levels)
    lam, non_match = 0.5, np.full(patterns.shape[0], 0.5)
    for _ in range(iterations):
        llr = llr_fixed.copy()
        for j in cols:
            llr += np.log(m_tables[j][patterns[:, j]] / u_tables[j][patterns[:, j]])
        logit = np.clip(llr + np.log(lam) - np.log1p(-lam), -700, 700)
        non_match = 1.0 / (1.0 + np.exp(logit))
        lam = float(np.clip(1.0 - (non_match * weight).sum() / total, 1e-6, 1 - 1e-6))
        top_up = max(0.0, MIN_NON_MATCHES - float((non_match * weight).sum()))
        for j in cols:
            n_levels = model.comparisons[j].n_levels
            counts = np.bincount(patterns[:, j], weights=non_match * weight, minlength=n_levels)
            u_tables[j] = _u_table(counts + _prior_counts(n_levels, top_up))
    return [u_tables[j] for j in cols], lam, float((non_match * weight).sum())
