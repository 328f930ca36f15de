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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (counts and rates only)."""
        return {"recall": self.recall, "low": self.low, "high": self.high,
                "sample_records": self.sample_records, "compared_pairs": self.compared_pairs,
                "likely_inside": self.likely_inside, "likely_outside": self.likely_outside,
                "exact": self.exact}


def _wilson(successes: int, n: int) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    denom = 1 + _Z * _Z / n
    centre = (p + _Z * _Z / (2 * n)) / denom
    half = _Z * math.sqrt(p * (1 - p) / n + _Z * _Z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def recall_sample(n_a: int, n_b: int, budget: int = DEFAULT_BUDGET, seed: int = 0
                  ) -> np.ndarray:
    """Sorted rows of the first dataset to score against every record of the second."""
    sample_size = int(min(n_a, max(1, budget // max(n_b, 1))))
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_a, size=sample_size, replace=False)).astype(np.int64)


def count_likely(candidate_codes: np.ndarray, rows: np.ndarray, right_rows: np.ndarray,
                 n_b: int, score: Callable[[np.ndarray, np.ndarray], np.ndarray],
                 threshold: float) -> tuple[int, int]:
    """Likely matches among ``rows`` x ``right_rows``, inside and outside the candidates.

    ``candidate_codes``: sorted codes of the candidates (at least those of these pairs). The
    pairs are scored in chunks of about CHUNK_PAIRS; a grid of cells can count its share each.
    """
    rows_per_chunk = max(1, CHUNK_PAIRS // max(right_rows.size, 1))
    inside = outside = 0
    for start in range(0, rows.size, rows_per_chunk):
        chunk = rows[start:start + rows_per_chunk]
        left = np.repeat(chunk, right_rows.size)
        right = np.tile(right_rows, chunk.size)
        prob = score(left, right)
        likely = prob >= threshold
        if not likely.any():
            continue
        codes = left[likely] * n_b + right[likely]
        pos = np.searchsorted(candidate_codes, codes)
        pos[pos >= candidate_codes.size] = 0
        hit = candidate_codes[pos] == codes if candidate_codes.size else np.zeros(codes.size, bool)
        inside += int(hit.sum())
        outside += int((~hit).sum())
    return inside, outside


def recall_from_counts(inside: int, outside: int, sample_records: int, n_b: int
                       ) -> BlockingRecall:
    """Return the recall estimate and its Wilson interval from the sample's counts."""
    n_likely = inside + outside
    recall = inside / n_likely if n_likely else math.nan
    low, high = _wilson(inside, n_likely)
    return BlockingRecall(recall, low, high, int(sample_records), int(sample_records) * n_b,
                          inside, outside)


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
        return BlockingRecall(1.0, 1.0, 1.0, n_a, 0, 0, 0, exact=True)
    sample = recall_sample(n_a, n_b, budget, seed)
    inside, outside = count_likely(candidate_codes, sample, np.arange(n_b, dtype=np.int64),
                                   n_b, score, threshold)
    return recall_from_counts(inside, outside, sample.size, n_b)
