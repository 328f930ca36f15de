"""Blocking recall by capture-recapture: the matches that no blocking pass proposed, estimated.

A scored sample (linkage/blocking_recall.py) counts only the pairs outside the candidates that
the model scores as likely matches. The true pairs blocking misses are mostly pairs the model
cannot score high: with names salted by the date of birth, a pair with a missing or different
date of birth and a different postcode has almost no evidence left, so the sample never sees
it. This module estimates them from the candidates instead, as multiple-systems estimation
(capture-recapture; Fienberg 1972, "The multiple recapture census for closed populations")
treats several lists that each catch part of a population.

Each blocking pass is a *source*: one per keyed blocking key, one for the field-agreement
rule (identical filters on two specific fields, all its joins together), one per LSH rule;
sources that rest on a common field are merged first (``blocking.capture_sources``). A
candidate pair is caught by a subset of the sources, known from its blocking keys. Weighted by
its match probability, every candidate adds to the count of its capture pattern, so that
``n[c]`` estimates the matches caught by exactly the sources in ``c``. Under the assumption
that the sources catch a match independently (P(caught by s | match) = q_s, independent over
s), the counts follow a multinomial over the 2^K patterns with the all-zero pattern unseen; the
maximum-likelihood q (EM over the unseen cell) gives the share of matches no source catches,
``prod(1 - q_s)``, and blocking's recall ``1 - prod(1 - q_s)``. With two sources this is the
Lincoln-Petersen estimate: missed = n[10] n[01] / n[11].

Where the assumption breaks, and which way: sources that share a field (a key on the year of
birth and one on the whole date of birth; a field-agreement join on the date of birth) or that
fail together for one reason (a record typed carelessly everywhere; a move together with a
change of surname) miss matches together more often than independence says, and the estimate is
too high. Sources that fail in exclusive ways (a date of birth is missing *because* another
agency's system dropped it, so the postcode was checked more carefully) make it too low.
Counts are weighted by the model's probabilities, so a miscalibrated model moves them too: false
matches among pairs caught by one source only lower that source's partner's q. The interval is a
parametric bootstrap of the counts (Poisson sampling of the matches and the probabilities'
own Bernoulli variance); it does not cover a failure of independence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

#: More sources than this are merged into the last (2^K capture patterns are counted).
MAX_SOURCES = 12
#: Bootstrap replicates behind the interval.
BOOTSTRAP = 400
#: Fewer expected matches than this caught by two sources or more: nothing to estimate from.
MIN_OVERLAP = 1.0


@dataclass(frozen=True)
class CaptureRecapture:
    """Blocking recall from the candidates' capture patterns, with per-source capture shares."""

    recall: float
    low: float
    high: float
    sources: tuple[str, ...]
    capture: tuple[float, ...]
    seen_matches: float
    missed_matches: float

    @property
    def identified(self) -> bool:
        """Whether the counts determine an estimate (two sources or more that overlap)."""
        return math.isfinite(self.recall)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (rates and expected counts only)."""
        return {"recall": self.recall, "low": self.low, "high": self.high,
                "sources": {name: q if math.isfinite(q) else None
                            for name, q in zip(self.sources, self.capture, strict=True)},
                "seen_matches": self.seen_matches, "missed_matches": self.missed_matches}


def capture_sums(by_capture: Mapping[int, tuple[np.ndarray, np.ndarray]],
                 probability: Callable[[np.ndarray], np.ndarray], n_sources: int) -> np.ndarray:
    """Per capture pattern (bit s set: made by source s), the sum of p and of p(1 - p).

    ``by_capture[c]``: the (level patterns, counts) of the candidates with capture pattern c;
    ``probability``: match probabilities of level patterns. Returns shape (2, 2^n_sources).
    """
    out = np.zeros((2, 1 << n_sources))
    for code, (patterns, counts) in by_capture.items():
        if counts.size:
            p = np.asarray(probability(patterns), dtype=np.float64)
            out[0, code] = float((p * counts).sum())
            out[1, code] = float((p * (1.0 - p) * counts).sum())
    return out


def pair_sums(patterns: np.ndarray, prob: np.ndarray, n_sources: int) -> np.ndarray:
    """``capture_sums`` from each pair's capture pattern and probability (one process)."""
    size = 1 << n_sources
    p = np.asarray(prob, dtype=np.float64)
    return np.stack([np.bincount(patterns, weights=p, minlength=size),
                     np.bincount(patterns, weights=p * (1.0 - p), minlength=size)])


def _bits(n_sources: int) -> np.ndarray:
    return ((np.arange(1 << n_sources)[:, None] >> np.arange(n_sources)) & 1).astype(np.float64)


def fit_independent(counts: np.ndarray, n_sources: int) -> tuple[float, np.ndarray]:
    """Return (share missed by every source, q per source): the maximum-likelihood fit.

    ``counts[c]``: matches caught by exactly the sources in bit pattern ``c`` (``counts[0]``
    is ignored: nobody sees it). Under independence the MLE has q_s = c_s / N, where c_s counts
    the matches source s caught and N, the matches there are, solves
    ``N (1 - prod(1 - c_s / N)) = seen`` (expected seen = seen; Fienberg 1972). The left side
    grows with N from max c_s to sum c_s, so a root exists exactly when some match was caught
    twice. NaN when the counts cannot determine it (fewer than MIN_OVERLAP expected matches
    caught by two sources or more).
    """
    n = np.asarray(counts, dtype=np.float64).copy()
    n[0] = 0.0
    bits = _bits(n_sources)
    seen = float(n.sum())
    overlap = float(n[bits.sum(axis=1) >= 2].sum())
    per_source = bits.T @ n
    if seen <= 0 or overlap < MIN_OVERLAP:
        return math.nan, np.full(n_sources, math.nan)
    lo = float(per_source.max())
    if lo >= seen * (1 - 1e-12):  # one source caught every match seen: it misses none
        return 0.0, per_source / seen

    def excess(total: float) -> float:
        return total * (1.0 - float(np.prod(1.0 - per_source / total))) - seen

    hi = max(lo, seen) * 2.0
    while excess(hi) < 0:
        hi *= 2.0
        if hi > seen * 1e9:
            return math.nan, np.full(n_sources, math.nan)
    total = brentq(excess, lo, hi, xtol=1e-9 * seen, rtol=1e-12)
    return max(0.0, 1.0 - seen / total), per_source / total


def estimate_capture_recapture(sums: np.ndarray, sources: Sequence[str], *,
                               seed: int = 0, replicates: int = BOOTSTRAP) -> CaptureRecapture:
    """Blocking recall and its bootstrap 95 % interval from summed capture-pattern counts.

    ``sums``: ``capture_sums`` of the candidates (row 0 the expected matches per pattern,
    row 1 their variance from the probabilities).
    """
    k = len(sources)
    counts, var = np.asarray(sums[0], np.float64), np.asarray(sums[1], np.float64)
    seen = float(counts[1:].sum())
    missed_share, q = fit_independent(counts, k)
    if not math.isfinite(missed_share):
        return CaptureRecapture(math.nan, math.nan, math.nan, tuple(sources),
                                tuple(float(x) for x in q), seen, math.nan)
    recall = 1.0 - missed_share
    rng = np.random.default_rng([seed, 11])
    draws = []
    sd = np.sqrt(np.maximum(var, 0.0))
    for _ in range(replicates):
        boot = rng.poisson(np.maximum(counts, 0.0)) + rng.normal(0.0, 1.0, counts.size) * sd
        share, _ = fit_independent(np.maximum(boot, 0.0), k)
        if math.isfinite(share):
            draws.append(1.0 - share)
    low, high = (float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))) if draws \
        else (math.nan, math.nan)
    missed = seen * missed_share / recall if recall > 0 else math.inf
    return CaptureRecapture(recall, min(low, recall), max(high, recall), tuple(sources),
                            tuple(float(x) for x in q), seen, missed)
