"""Blocking recall estimated without labels: the likely matches that blocking never proposed.

Model-based precision and recall are computed over the candidate pairs, so a true pair that no
blocking rule proposed is invisible to them. This module makes it visible. It draws a random
sample of the first dataset's records, compares each of them with **every** record of the
second dataset, scores those pairs with the trained model (the same weights and corrections the
candidates get), and counts the likely matches (probability at least ``threshold``) that fall
inside and outside the candidate set. The share inside estimates blocking's recall; a Wilson
interval says how sure that is. The sample is sized so that at most ``budget`` pairs are
compared, whatever the sizes: at 10^6 x 10^6 that is only 20 sampled records, so the interval
widens as the files grow.

The same sampled pairs are also counted by their probabilities (``expected``): the share of the
sample's summed match probability that falls inside the candidates, with a bootstrap interval
over the sampled records. Low-scoring missed matches add their small probabilities there,
which the threshold throws away; so does every non-match's tiny probability, so it leans low
when the model's small probabilities are too large. It stands in for capture-recapture
(capture_recapture.py) when the blocking passes cannot be checked against each other. To
stay the same whatever the partitions, each pair's probability is summed in fixed point
(units of 2^-32).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: At most this many extra pairs are compared to estimate blocking recall.
DEFAULT_BUDGET = 20_000_000
#: Pairs compared at once (bounds the memory of the level matrix).
CHUNK_PAIRS = 1_000_000
#: Probabilities are summed in fixed point, in units of 1 / SCALE (exact integer sums).
SCALE = 2**32
#: Bootstrap replicates (over sampled records) behind the interval of the expected figure.
BOOTSTRAP = 400
#: z for the 95 % Wilson interval.
_Z = 1.959963984540054


@dataclass(frozen=True)
class BlockingRecall:
    """Likely matches of a sample inside and outside the candidates, and the recall they imply."""

    recall: float
    low: float
    high: float
    sample_records: int
    compared_pairs: int
    likely_inside: int
    likely_outside: int
    exact: bool = False
    expected: float = math.nan
    expected_low: float = math.nan
    expected_high: float = math.nan
    expected_outside: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (counts and rates only)."""
        return {"recall": self.recall, "low": self.low, "high": self.high,
                "sample_records": self.sample_records, "compared_pairs": self.compared_pairs,
                "likely_inside": self.likely_inside, "likely_outside": self.likely_outside,
                "exact": self.exact, "expected": self.expected,
                "expected_low": self.expected_low, "expected_high": self.expected_high,
                "expected_outside": self.expected_outside}


def _wilson(successes: int, n: int) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    denom = 1 + _Z * _Z / n
    centre = (p + _Z * _Z / (2 * n)) / denom
    half = _Z * math.sqrt(p * (1 - p) / n + _Z * _Z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def exact_recall(n_a: int) -> BlockingRecall:
    """Return the answer when the candidates are all pairs: blocking lost nothing."""
    return BlockingRecall(1.0, 1.0, 1.0, n_a, 0, 0, 0, exact=True, expected=1.0,
                          expected_low=1.0, expected_high=1.0, expected_outside=0.0)


def recall_sample(n_a: int, n_b: int, budget: int = DEFAULT_BUDGET, seed: int = 0
                  ) -> np.ndarray:
    """Sorted rows of the first dataset to score against every record of the second."""
    sample_size = int(min(n_a, max(1, budget // max(n_b, 1))))
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_a, size=sample_size, replace=False)).astype(np.int64)


def count_likely(candidate_codes: np.ndarray, rows: np.ndarray, right_rows: np.ndarray,
                 n_b: int, score: Callable[[np.ndarray, np.ndarray], np.ndarray],
                 threshold: float) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Likely matches among ``rows`` x ``right_rows``, inside and outside the candidates.

    ``candidate_codes``: sorted codes of the candidates (at least those of these pairs). The
    pairs are scored in chunks of about CHUNK_PAIRS; a grid of cells can count its share each.
    Returns the two counts and, per row of ``rows``, its pairs' summed probability inside and
    outside the candidates in units of 1 / SCALE (int64: exact sums in any order).
    """
    rows_per_chunk = max(1, CHUNK_PAIRS // max(right_rows.size, 1))
    inside = outside = 0
    sum_in = np.zeros(rows.size, np.int64)
    sum_out = np.zeros(rows.size, np.int64)
    width = right_rows.size
    for start in range(0, rows.size, rows_per_chunk):
        chunk = rows[start:start + rows_per_chunk]
        left = np.repeat(chunk, width)
        right = np.tile(right_rows, chunk.size)
        prob = score(left, right)
        hit = _hits(candidate_codes, chunk, right_rows, left, right, n_b)
        fixed = (np.asarray(prob, np.float64) * SCALE + 0.5).astype(np.int64)  # rounded
        row_all = fixed.reshape(chunk.size, width).sum(axis=1)
        row_in = (fixed * hit).reshape(chunk.size, width).sum(axis=1)
        sum_in[start:start + chunk.size] = row_in
        sum_out[start:start + chunk.size] = row_all - row_in
        likely = prob >= threshold
        inside += int((hit & likely).sum())
        outside += int((~hit & likely).sum())
    return inside, outside, sum_in, sum_out


def _hits(candidate_codes: np.ndarray, chunk: np.ndarray, right_rows: np.ndarray,
          left: np.ndarray, right: np.ndarray, n_b: int) -> np.ndarray:
    """Whether each pair of ``chunk`` x ``right_rows`` (as ``left``, ``right``) is a candidate.

    With contiguous ``right_rows`` only the candidates of the chunk's rows are looked at (a few
    per record) instead of searching every pair's code among all the candidates.
    """
    width = right_rows.size
    if candidate_codes.size == 0 or width == 0:
        return np.zeros(left.size, bool)
    r0 = int(right_rows[0])
    if int(right_rows[-1]) - r0 + 1 != width:  # not a range: search each pair
        codes = left * n_b + right
        pos = np.minimum(np.searchsorted(candidate_codes, codes), candidate_codes.size - 1)
        return candidate_codes[pos] == codes
    lo = np.searchsorted(candidate_codes, int(chunk[0]) * n_b + r0)
    hi = np.searchsorted(candidate_codes, int(chunk[-1]) * n_b + r0 + width - 1, side="right")
    cand = candidate_codes[lo:hi]
    cl, cr = cand // n_b, cand % n_b
    at = np.minimum(np.searchsorted(chunk, cl), chunk.size - 1)
    ok = (chunk[at] == cl) & (cr >= r0) & (cr < r0 + width)
    hit = np.zeros(left.size, bool)
    hit[at[ok] * width + (cr[ok] - r0)] = True
    return hit


def recall_from_counts(inside: int, outside: int, sample_records: int, n_b: int,
                       sum_in: np.ndarray | None = None, sum_out: np.ndarray | None = None,
                       seed: int = 0) -> BlockingRecall:
    """Return the recall estimate and its Wilson interval from the sample's counts.

    ``sum_in``/``sum_out``: per sampled record, its summed probability inside and outside the
    candidates (units of 1 / SCALE); they give the expected figure and its bootstrap interval.
    """
    n_likely = inside + outside
    recall = inside / n_likely if n_likely else math.nan
    low, high = _wilson(inside, n_likely)
    expected = e_low = e_high = e_out = math.nan
    if sum_in is not None and sum_out is not None and sum_in.size:
        s_in, s_out = sum_in.astype(np.float64) / SCALE, sum_out.astype(np.float64) / SCALE
        total = s_in.sum() + s_out.sum()
        e_out = float(s_out.sum())
        if total > 0:
            expected = float(s_in.sum() / total)
            rng = np.random.default_rng([seed, 12])
            pick = rng.integers(0, s_in.size, size=(BOOTSTRAP, s_in.size))
            b_in, b_out = s_in[pick].sum(axis=1), s_out[pick].sum(axis=1)
            ok = b_in + b_out > 0
            ratio = b_in[ok] / (b_in[ok] + b_out[ok])
            e_low = min(expected, float(np.quantile(ratio, 0.025)))
            e_high = max(expected, float(np.quantile(ratio, 0.975)))
    return BlockingRecall(recall, low, high, int(sample_records), int(sample_records) * n_b,
                          inside, outside, expected=expected, expected_low=e_low,
                          expected_high=e_high, expected_outside=e_out)


def estimate_blocking_recall(
    candidate_codes: np.ndarray,
    n_a: int,
    n_b: int,
    score: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    threshold: float = 0.5,
    budget: int = DEFAULT_BUDGET,
    seed: int = 0,
) -> BlockingRecall:
    """Estimate the share of likely matches that blocking proposed, from a scored sample.

    ``candidate_codes``: sorted ``left * n_b + right`` of the candidate pairs.
    ``score(left, right)``: match probabilities of arbitrary pairs under the trained model.
    When the candidates are all pairs, blocking lost nothing and the answer is exact.
    """
    total = n_a * n_b
    if total == 0 or candidate_codes.size == total:
        return exact_recall(n_a)
    sample = recall_sample(n_a, n_b, budget, seed)
    inside, outside, sum_in, sum_out = count_likely(
        candidate_codes, sample, np.arange(n_b, dtype=np.int64), n_b, score, threshold)
    return recall_from_counts(inside, outside, sample.size, n_b, sum_in, sum_out, seed)
