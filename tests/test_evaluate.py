import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkcore
from linkcore.errors import InputDataError, ParameterError
from linkcore.evaluate import (
    best_threshold,
    blocking_quality,
    check_universe,
    evaluate,
    evaluate_clusters,
    metrics_from_counts,
    pr_curve,
    truth_clusters,
)


def pairs(*rows, prob=None):
    df = pd.DataFrame(rows, columns=["id_a", "id_b"])
    if prob is not None:
        df["probability"] = prob
    return df


TRUTH = pairs(("a1", "b1"), ("a2", "b2"), ("a3", "b3"), ("a4", "b4"))
MATCHES = pairs(
    ("a1", "b1"),
    ("a2", "b2"),
    ("a3", "b9"),
    ("a5", "b5"),
    ("a1", "b1"),
    prob=[0.95, 0.7, 0.6, 0.3, 0.2],
)


def test_hand_computed_metrics():
    m = evaluate(MATCHES, TRUTH)
    # distinct predicted pairs: (a1,b1) (a2,b2) (a3,b9) (a5,b5) -> tp 2, fp 2; fn: a3-b3, a4-b4
    assert (m.tp, m.fp, m.fn) == (2, 2, 2)
    assert m.precision == pytest.approx(0.5)
    assert m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(0.5)


def test_threshold_keeps_the_best_probability_of_a_repeated_pair():
    m = evaluate(MATCHES, TRUTH, threshold=0.65)
    assert (m.tp, m.fp, m.fn) == (2, 0, 2)
    assert m.precision == 1.0 and m.recall == 0.5 and m.f1 == pytest.approx(2 / 3)
    assert m.threshold == 0.65


def test_pr_curve_hand_computed():
    curve = pr_curve(MATCHES, TRUTH)
    assert curve["threshold"].tolist() == [0.3, 0.6, 0.7, 0.95]
    assert curve["tp"].tolist() == [2, 2, 2, 1]
    assert curve["fp"].tolist() == [2, 1, 0, 0]
    assert curve["fn"].tolist() == [2, 2, 2, 3]
    assert curve["precision"].tolist() == pytest.approx([0.5, 2 / 3, 1.0, 1.0])
    custom = pr_curve(MATCHES, TRUTH, thresholds=[0.0, 0.99])
    assert custom["tp"].tolist() == [2, 0] and custom["precision"].tolist() == [0.5, 1.0]
    best = best_threshold(MATCHES, TRUTH)
    assert best.threshold == 0.7 and best.f1 == pytest.approx(2 / 3)


def test_ids_compare_as_text():
    t = pd.DataFrame({"id_a": [1, 2], "id_b": [10, 20]})
    m = pd.DataFrame({"id_a": ["1", "2"], "id_b": ["10", "21"]})
    assert evaluate(m, t).tp == 1
    m_float = pd.DataFrame({"id_a": [1.0, 2.0], "id_b": [10.0, 20.0]})
    assert evaluate(m_float, t).tp == 2


def test_many_to_many_truth():
    truth = pairs(("a1", "b1"), ("a1", "b2"), ("a2", "b2"))  # b2 is a duplicate... both ways
    m = evaluate(pairs(("a1", "b1"), ("a2", "b2")), truth)
    assert (m.tp, m.fp, m.fn) == (2, 0, 1)


def test_agency_qualified_pairs_in_either_order():
    truth = pd.DataFrame(
        {
            "agency_a": [1, 1, 2],
            "id_a": ["x", "x", "y"],
            "agency_b": [2, 3, 3],
            "id_b": ["y", "z", "z"],
        }
    )
    matches = pd.DataFrame(
        {"agency_a": [3, 1], "id_a": ["z", "x"], "agency_b": [2, 3], "id_b": ["y", "w"]}
    )
    m = evaluate(matches, truth)
    assert (m.tp, m.fp, m.fn) == (1, 1, 2)
    with pytest.raises(InputDataError):
        evaluate(matches[["id_a", "id_b"]], truth)


def test_empty_cases():
    empty = pairs()
    assert evaluate(empty, empty).as_dict() == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "tp": 0,
        "fp": 0,
        "fn": 0,
        "threshold": None,
    }
    m = evaluate(empty, TRUTH)
    assert (m.precision, m.recall, m.f1) == (1.0, 0.0, 0.0)
    m = evaluate(MATCHES, empty)
    assert (m.precision, m.recall, m.f1) == (0.0, 1.0, 0.0)
    assert pr_curve(pairs(prob=[]), TRUTH).empty


def test_bad_inputs():
    with pytest.raises(InputDataError, match="id_b"):
        evaluate(MATCHES[["id_a"]], TRUTH)
    with pytest.raises(InputDataError, match="truth lacks"):
        evaluate(MATCHES, TRUTH.rename(columns={"id_a": "left"}))
    with pytest.raises(InputDataError, match="probability"):
        evaluate(MATCHES.drop(columns="probability"), TRUTH, threshold=0.5)
    with pytest.raises(InputDataError, match="rows 2"):
        evaluate(MATCHES.assign(probability=[0.5, 1.5, 0.1, 0.1, 0.1]), TRUTH, threshold=0.5)
    with pytest.raises(InputDataError, match="empty"):
        evaluate(pairs(("a1", None)), TRUTH)
    with pytest.raises(ParameterError):
        evaluate(MATCHES, TRUTH, threshold=1.5)
    with pytest.raises(ParameterError):
        pr_curve(MATCHES, TRUTH, thresholds=[-1])
    with pytest.raises(ParameterError):
        metrics_from_counts(-1, 0, 0)


def test_blocking_quality_hand_computed():
    cands = pairs(("a1", "b1"), ("a1", "b2"), ("a2", "b2"), ("a3", "b1"), ("a1", "b1"))
    q = blocking_quality(cands, truth=TRUTH, n_a=5, n_b=4)
    assert q.candidates == 4 and q.true_pairs_found == 2 and q.true_pairs == 4
    assert q.pairs_completeness == 0.5
    assert q.reduction_ratio == pytest.approx(1 - 4 / 20)
    q2 = blocking_quality(np.array(["a1", "a4"]), np.array(["b1", "b4"]), truth=TRUTH, n_a=4, n_b=4)
    assert q2.pairs_completeness == 0.5 and q2.reduction_ratio == pytest.approx(14 / 16)
    with pytest.raises(ParameterError):
        blocking_quality(cands, truth=TRUTH, n_a=1, n_b=1)
    with pytest.raises(InputDataError):
        blocking_quality(np.array(["a1"]), np.array(["b1", "b2"]), truth=TRUTH, n_a=4, n_b=4)


def test_clusters_hand_computed():
    truth = pairs(("a1", "b1"), ("a2", "b2"), ("a3", "b3"))
    pred = pd.DataFrame(
        {
            "agency": [1, 2, 1, 2, 1, 2],
            "id": ["a1", "b1", "a2", "b2", "a3", "b3"],
            "cluster": [0, 0, 1, 1, 1, 2],
        }
    )
    m = evaluate_clusters(pred, truth)
    # predicted cross-agency pairs: a1-b1, a2-b2, a3-b2; true: a1-b1, a2-b2, a3-b3
    assert (m.tp, m.fp, m.fn) == (2, 1, 1)
    # counting within-agency pairs too adds a2-a3 as a false positive
    m_all = evaluate_clusters(pred, truth, cross_agency_only=False)
    assert (m_all.tp, m_all.fp, m_all.fn) == (2, 2, 1)


def test_clusters_three_agencies_and_truth_clusters():
    truth = pd.DataFrame(
        {
            "agency_a": [1, 1, 2],
            "id_a": ["x", "x", "y"],
            "agency_b": [2, 3, 3],
            "id_b": ["y", "z", "z"],
        }
    )
    clusters = truth_clusters(truth)
    assert clusters["cluster"].nunique() == 1 and len(clusters) == 3
    perfect = clusters.assign(cluster=7)
    m = evaluate_clusters(perfect, truth)
    assert (m.precision, m.recall, m.tp) == (1.0, 1.0, 3)
    # predicting only x-y: one of three true pairs; z is a singleton
    partial = pd.DataFrame({"agency": [1, 2], "id": ["x", "y"], "cluster": [0, 0]})
    m = evaluate_clusters(partial, truth)
    assert (m.tp, m.fp, m.fn) == (1, 0, 2)
    with pytest.raises(InputDataError, match="twice"):
        evaluate_clusters(pd.concat([partial, partial]), truth)


def test_universe_checks():
    check_universe(MATCHES, TRUTH)
    check_universe(MATCHES.iloc[:2], TRUTH, ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"])
    with pytest.raises(InputDataError, match="not in the second extract"):
        check_universe(MATCHES, TRUTH, ["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3"])
    with pytest.raises(InputDataError, match="same linkage"):
        check_universe(pairs(("zz", "yy")), TRUTH)
    with pytest.raises(InputDataError, match="swapped"):
        check_universe(pairs(("b1", "a1")), TRUTH)
    numeric = pairs(("1", "2"))
    with pytest.raises(InputDataError, match="not numbers"):
        check_universe(pairs(("1", "x2")), numeric)


def test_top_level_evaluate_name():
    perfect = linkcore.evaluate(TRUTH, TRUTH)
    assert perfect.f1 == 1.0
    import linkcore.evaluate as module  # the module is callable too

    assert module(TRUTH, TRUTH).f1 == 1.0


# a link's pairs: id_a from one file, id_b from the other (a swapped table is refused)
pair_lists = st.lists(st.tuples(st.sampled_from([f"a{i}" for i in range(8)]),
                                st.sampled_from([f"b{i}" for i in range(8)])), max_size=20)


@settings(max_examples=60, deadline=None)
@given(pair_lists, pair_lists, st.lists(st.floats(0, 1), min_size=20, max_size=20))
def test_metrics_stay_in_range_and_perfect_scores_one(pred, true, probs):
    m_df = pairs(*pred, prob=probs[: len(pred)])
    t_df = pairs(*true)
    m = evaluate(m_df, t_df)
    for value in (m.precision, m.recall, m.f1):
        assert 0.0 <= value <= 1.0
    assert m.tp + m.fn == len(set(true)) and m.tp + m.fp == len(set(pred))
    perfect = evaluate(t_df, t_df)
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    curve = pr_curve(m_df, t_df)
    assert curve[["precision", "recall", "f1"]].stack().between(0, 1).all()
    assert curve["recall"].is_monotonic_decreasing
    clusters = truth_clusters(t_df)
    c = evaluate_clusters(clusters, t_df)
    assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0)


def test_cluster_metrics_hand_computed():
    from linkcore.evaluate import cluster_metrics

    # truth: person 0 = a1, a2 (a duplicate), b1; person 1 = b2; person 2 = c1
    truth = pd.DataFrame({"agency": ["a", "a", "b", "b", "c"], "id": ["1", "2", "1", "2", "1"],
                          "cluster": [0, 0, 0, 1, 2]})
    # predicted: a1, a2, b1 together (right); b2 and c1 wrongly together
    pred = pd.DataFrame({"party": ["a", "a", "b", "b", "c"], "id": ["1", "2", "1", "2", "1"],
                         "person": ["x", "x", "x", "y", "y"]})
    m = cluster_metrics(pred, truth)
    assert (m.pairwise.tp, m.pairwise.fp, m.pairwise.fn) == (3, 1, 0)
    assert (m.within.tp, m.within.fp, m.within.fn) == (1, 0, 0)
    assert (m.across.tp, m.across.fp, m.across.fn) == (2, 1, 0)
    # B-cubed precision: a1, a2, b1 1 each; b2 and c1 1/2 each -> 4/5; recall 1
    assert m.bcubed_precision == pytest.approx(0.8) and m.bcubed_recall == 1.0
    assert m.exact_share == pytest.approx(1 / 3)
    perfect = cluster_metrics(truth, truth)
    assert perfect.pairwise.f1 == perfect.bcubed_f1 == perfect.exact_share == 1.0
    assert m.truth_only_agencies == perfect.truth_only_agencies == ()
    # clusters of agency a alone against the three agencies' truth: the others are named
    only_a = cluster_metrics(pred[pred["party"] == "a"], truth)
    assert only_a.truth_only_agencies == ("b", "c")
    # a record withdrawn from the clusters (b1) and one the truth lacks (c9) are counted
    gone = cluster_metrics(pd.concat([pred.iloc[[0, 1, 3, 4]], pd.DataFrame(
        {"party": ["c"], "id": ["9"], "person": ["z"]})]), truth)
    assert (gone.truth_only_records, gone.predicted_only_records) == (1, 1)
    assert (perfect.truth_only_records, perfect.predicted_only_records) == (0, 0)
    with pytest.raises(InputDataError, match="no agency in common"):
        cluster_metrics(pred.assign(party=["v", "w", "x", "y", "z"]), truth)


def test_cluster_metrics_reads_link_many_party_positions():
    from linkcore.evaluate import cluster_metrics

    truth = pd.DataFrame({"agency": [1, 2, 3], "id": ["x", "y", "z"], "cluster": [0, 0, 1]})
    clusters = pd.DataFrame({"party": [0, 1, 2], "id": ["x", "y", "z"], "cluster": [5, 5, 6]})
    m = cluster_metrics(clusters, truth)
    assert m.pairwise.f1 == 1.0 and m.exact_share == 1.0


def test_repeated_column_names_are_refused_naming_the_column():
    m = pd.DataFrame({"id_a": ["a1", "a2"], "id_b": ["b1", "b2"], "probability": [0.9, 0.8]})
    t = pd.DataFrame({"id_a": ["a1", "a2"], "id_b": ["b1", "b2"]})
    with pytest.raises(InputDataError, match="truth repeats column name.*'id_b'"):
        linkcore.evaluate(m, t.assign(x="n").set_axis(["id_a", "id_b", "id_b"], axis=1))
    with pytest.raises(InputDataError, match="repeats column name.*'probability'"):
        linkcore.evaluate(m.assign(x=0.1).set_axis(["id_a", "id_b", "probability",
                                                    "probability"], axis=1), t, threshold=0.5)


def test_a_large_whole_float_id_reads_as_its_exact_integer_as_encode_reads_it():
    truth = pd.DataFrame({"id_a": [12345678901234567890.0, 7.0], "id_b": [1, 2]})
    matches = pd.DataFrame({"id_a": [str(int(12345678901234567890.0)), "7"], "id_b": ["1", "2"],
                            "probability": [0.9, 0.9]})
    got = linkcore.evaluate(matches, truth)
    assert (got.tp, got.fp, got.fn) == (2, 0, 0)


def test_calibration_bands_hand_computed():
    from linkcore.evaluate import calibration

    truth = pairs(("a1", "b1"), ("a2", "b2"), ("a3", "b3"))
    # 0.3 belongs to [0.3, 0.4) (0.3 * 10 is 2.9999999999999996 in floating point), 1.0 to the
    # last band; a pair listed twice counts once, at its higher probability
    matches = pairs(("a1", "b1"), ("a2", "b2"), ("a2", "b2"), ("a3", "b9"), ("a3", "b3"),
                    prob=[1.0, 0.3, 0.1, 0.35, 0.95])
    table = calibration(matches, truth)
    assert table["low"].tolist() == [0.3, 0.9]
    assert table["high"].tolist() == [0.4, 1.0]
    assert table["pairs"].tolist() == [2, 2]
    assert table["mean_probability"].tolist() == pytest.approx([0.325, 0.975])
    assert table["true_share"].tolist() == [0.5, 1.0]
    assert table["difference"].tolist() == pytest.approx([0.175, 0.025])
    spread = 2 * np.sqrt(0.3 * 0.7 + 0.35 * 0.65) / 2
    assert table["spread"].iloc[0] == pytest.approx(spread)
    assert table["spread"].iloc[1] == pytest.approx(2 * np.sqrt(0.95 * 0.05) / 2)


def test_calibration_of_calibrated_probabilities_stays_within_the_spread():
    from linkcore.evaluate import calibration

    rng = np.random.default_rng(5)
    prob = rng.uniform(size=20_000)
    true = rng.uniform(size=prob.size) < prob  # each pair true with its own probability
    ids = [f"r{i}" for i in range(prob.size)]
    matches = pd.DataFrame({"id_a": ids, "id_b": ids, "probability": prob})
    table = calibration(matches, matches.loc[true, ["id_a", "id_b"]])
    assert len(table) == 10 and table["pairs"].sum() == prob.size
    assert (table["difference"].abs() <= table["spread"]).sum() >= 9
    assert (table["difference"].abs() < 0.05).all()


def test_calibration_needs_probabilities_and_whole_bands():
    from linkcore.evaluate import calibration

    truth = pairs(("a1", "b1"))
    with pytest.raises(InputDataError, match="probability"):
        calibration(pairs(("a1", "b1")), truth)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ParameterError, match="bands"):
            calibration(pairs(("a1", "b1"), prob=[0.5]), truth, bands=bad)
    assert calibration(pairs(prob=[]), truth).empty
