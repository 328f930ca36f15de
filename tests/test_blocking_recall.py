import math

import numpy as np
import pytest
from test_pipeline import encoded_pair

from linkcore.linkage.blocking_recall import estimate_blocking_recall
from linkcore.linkage.pipeline import link, with_blocking_recall


def _diagonal_score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs (i, i) are certain matches, everything else a certain non-match."""
    return (left == right).astype(float)


def test_counts_likely_matches_outside_the_candidates():
    n = 50
    kept = np.arange(0, n, 2)  # blocking proposed every other true pair
    codes = np.sort(kept * n + kept)
    est = estimate_blocking_recall(codes, n, n, _diagonal_score, budget=10**9)
    assert est.sample_records == n
    assert est.likely_inside == kept.size and est.likely_outside == n - kept.size
    assert est.recall == pytest.approx(0.5)
    assert est.low < 0.5 < est.high


def test_sample_respects_the_budget_and_is_seeded():
    n = 400
    codes = np.sort(np.arange(n) * n + np.arange(n))
    est = estimate_blocking_recall(codes, n, n, _diagonal_score, budget=40 * n, seed=3)
    assert est.sample_records == 40 and est.compared_pairs == 40 * n
    assert est.recall == 1.0 and est.likely_outside == 0
    again = estimate_blocking_recall(codes, n, n, _diagonal_score, budget=40 * n, seed=3)
    assert again == est


def test_all_pairs_is_exact_and_compares_nothing():
    n = 5
    codes = np.arange(n * n)
    est = estimate_blocking_recall(codes, n, n, _diagonal_score)
    assert est.exact and est.recall == 1.0 and est.compared_pairs == 0


def test_no_likely_match_gives_an_undefined_recall():
    codes = np.array([0, 7])
    est = estimate_blocking_recall(codes, 4, 4, lambda left, right: np.zeros(left.size), budget=100)
    assert math.isnan(est.recall) and est.likely_inside == 0


def test_folding_lowers_recall_and_f1_but_not_precision():
    q = {"precision": 0.9, "recall": 0.8, "f1": 2 * 0.9 * 0.8 / 1.7}
    b = {"recall": 0.5, "low": 0.4, "high": 0.6, "sample_records": 10, "likely_outside": 3}
    out = with_blocking_recall(q, b)
    assert out["precision"] == 0.9 and out["recall"] == pytest.approx(0.4)
    assert out["recall_among_candidates"] == 0.8 and out["blocking_recall"] == 0.5
    assert out["f1"] == pytest.approx(2 * 0.9 * 0.4 / 1.3)


def test_link_reports_the_blocking_recall():
    a, b, truth = encoded_pair()
    q = link(a, b, blocking=["keys"]).quality
    # small files: every pair is scored, so the likely matches blocking missed are counted
    assert q["blocking_sample_records"] == len(a)
    assert 0.5 <= q["blocking_recall"] <= 1.0
    assert q["blocking_recall_low"] <= q["blocking_recall"] <= q["blocking_recall_high"]
    assert q["recall"] == pytest.approx(q["recall_among_candidates"] * q["blocking_recall"])
    assert link(a, b).quality["blocking_recall"] == 1.0  # all pairs: exact
    skipped = link(a, b, blocking=["keys"], blocking_recall_budget=0)
    assert "blocking_recall" not in skipped.quality
    with pytest.raises(Exception, match="blocking_recall_budget"):
        link(a, b, blocking_recall_budget=-1)


def test_capture_recapture_is_chosen_unless_the_sample_sees_more_missed_for_sure():
    q = {"precision": 0.9, "recall": 0.8, "f1": 2 * 0.9 * 0.8 / 1.7}
    sample = {"recall": 1.0, "low": 0.99, "high": 1.0, "sample_records": 10, "likely_outside": 0}
    capture = {"recall": 0.95, "low": 0.94, "high": 0.96, "sources": {"dob": 0.9, "pc": 0.5},
               "seen_matches": 950.0, "missed_matches": 50.0}
    out = with_blocking_recall(q, sample, capture)
    assert out["blocking_recall_method"] == "capture-recapture"
    assert out["blocking_recall"] == 0.95 and out["blocking_recall_low"] == 0.94
    assert out["blocking_recall_sampled"] == 1.0 and out["blocking_missed_matches"] == 50.0
    assert out["recall"] == pytest.approx(0.8 * 0.95)
    sure = {**sample, "recall": 0.8, "low": 0.7, "high": 0.9}  # the sample sees more missed
    assert with_blocking_recall(q, sure, capture)["blocking_recall_method"] == "sample"
    undefined = {**capture, "recall": math.nan, "low": math.nan, "high": math.nan}
    out = with_blocking_recall(q, sample, undefined)
    assert out["blocking_recall_method"] == "sample" and out["blocking_recall"] == 1.0
    weighed = {**sample, "expected": 0.9, "expected_low": 0.85, "expected_high": 0.93,
               "expected_outside": 4.5}
    out = with_blocking_recall(q, weighed, undefined)
    assert out["blocking_recall_method"] == "sample-expected"
    assert (out["blocking_recall"], out["blocking_recall_low"]) == (0.9, 0.85)
    assert out["blocking_recall_sampled"] == 1.0 and out["blocking_expected_outside"] == 4.5


def test_the_summary_line_says_how_the_recall_was_estimated():
    from linkcore.cli.link_cmd import blocking_recall_line

    q = {"blocking_recall": 0.95, "blocking_recall_low": 0.94, "blocking_recall_high": 0.96,
         "blocking_recall_method": "capture-recapture", "blocking_sources": {"a": 0.9, "b": 0.5},
         "blocking_missed_matches": 50.0, "blocking_recall_sampled": 1.0,
         "blocking_sample_records": 10, "blocking_likely_outside": 0}
    line = blocking_recall_line(q)
    assert "0.9500 (95% 0.9400-0.9600; capture-recapture over 2 blocking passes" in line
    assert "about 50 matches" in line and "scored sample says 1.0000, blind to matches" in line
    line = blocking_recall_line({**q, "blocking_recall_method": "sample"})
    assert "10 sampled records" in line and "no capture-recapture estimate" in line
    line = blocking_recall_line({**q, "blocking_recall_method": "sample-expected",
                                 "blocking_expected_outside": 3.25})
    assert "each pair counted by its probability: about 3.2 expected matches outside" in line


def test_candidate_lookup_is_the_same_for_a_range_and_any_other_set_of_rows():
    from linkcore.linkage.blocking_recall import SCALE, count_likely

    n = 30
    rng = np.random.default_rng(5)
    codes = np.unique(rng.integers(0, n * n, size=200))
    rows = np.array([2, 3, 7, 19])

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return ((left * 7 + right * 3) % 10) / 10.0

    for right_rows in (np.arange(n), np.arange(0, n, 2)):  # a range, and rows with gaps
        got = count_likely(codes, rows, right_rows, n, score, 0.5)
        left = np.repeat(rows, right_rows.size)
        right = np.tile(right_rows, rows.size)
        inside = np.isin(left * n + right, codes)
        p = score(left, right)
        assert got[:2] == (int((inside & (p >= 0.5)).sum()), int((~inside & (p >= 0.5)).sum()))
        assert got[2].sum() == int(np.rint(p[inside] * SCALE).sum())
        assert got[3].sum() == int(np.rint(p[~inside] * SCALE).sum())
