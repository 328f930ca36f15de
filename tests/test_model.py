import json
import logging
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from linkcore.errors import ModelError, ParameterError
from linkcore.linkage.levels import FieldComparison
from linkcore.linkage.model import (
    FellegiSunterModel,
    estimate_quality,
    pattern_counts,
    suggest_threshold,
    weights_to_probabilities,
)

# A known Fellegi-Sunter model: 4 fields, levels exact, >=0.9, >=0.7, else (missing apart).
COMPS = [FieldComparison(f"f{j}", (0.9, 0.7)) for j in range(4)]
M_TRUE = [
    [0.85, 0.08, 0.04, 0.03],
    [0.70, 0.15, 0.10, 0.05],
    [0.90, 0.04, 0.03, 0.03],
    [0.60, 0.20, 0.10, 0.10],
]
U_TRUE = [
    [0.01, 0.02, 0.07, 0.90],
    [0.05, 0.05, 0.10, 0.80],
    [0.002, 0.008, 0.03, 0.96],
    [0.10, 0.10, 0.20, 0.60],
]


def simulate(n, lam, seed, missing_rate=0.1):
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < lam
    levels = np.empty((n, len(COMPS)), dtype=np.int8)
    for j in range(len(COMPS)):
        from_m = rng.choice(4, n, p=M_TRUE[j]) + 1
        from_u = rng.choice(4, n, p=U_TRUE[j]) + 1
        levels[:, j] = np.where(is_match, from_m, from_u)
        levels[rng.random(n) < missing_rate, j] = 0
    return levels, is_match


@pytest.fixture(scope="module")
def simulated():
    candidates, is_match = simulate(50_000, 0.03, seed=1)
    random_pairs, _ = simulate(100_000, 0.0, seed=2)
    return candidates, is_match, random_pairs


def test_em_recovers_known_m_and_lambda_with_u_from_random_pairs(simulated):
    candidates, is_match, random_pairs = simulated
    model = FellegiSunterModel(COMPS)
    model.estimate_u(random_pairs)
    result = model.fit_em(candidates)
    assert result.converged and result.iterations < 100
    assert result.n_pairs == 50_000 and result.n_patterns < 4**5
    # tolerance: 0.03 absolute on each m (about 1,500 matches), 10 % relative on lambda
    for j, c in enumerate(COMPS):
        np.testing.assert_allclose(model.m[c.field][1:], M_TRUE[j], atol=0.03)
        np.testing.assert_allclose(model.u[c.field][1:], U_TRUE[j], atol=0.01)
    assert model.lambda_ == pytest.approx(0.03, rel=0.1)
    assert model.lambda_ == pytest.approx(is_match.mean(), rel=0.1)


def test_em_recovers_m_u_and_lambda_without_random_pairs(simulated):
    candidates, _, _ = simulated
    model = FellegiSunterModel(COMPS)
    result = model.fit_em(candidates, fix_u=False)
    assert result.converged
    for j, c in enumerate(COMPS):
        np.testing.assert_allclose(model.m[c.field][1:], M_TRUE[j], atol=0.03)
        np.testing.assert_allclose(model.u[c.field][1:], U_TRUE[j], atol=0.01)
    assert model.lambda_ == pytest.approx(0.03, rel=0.1)


def test_free_u_refits_a_field_whose_random_pair_u_is_wrong(simulated):
    # a block where f2's random-pair u is mostly matches' agreement (a salted field: random
    # pairs share the salt about as often as they match); fixed, it drags m; freed, EM fits it
    candidates, _, random_pairs = simulated
    wrong = random_pairs.copy()
    wrong[: len(wrong) // 2, 2] = 1  # half of the "random" pairs agree exactly on f2
    fixed, freed = FellegiSunterModel(COMPS), FellegiSunterModel(COMPS)
    fixed.estimate_u(wrong)
    freed.estimate_u(wrong)
    fixed.fit_em(candidates)
    freed.fit_em(candidates, free_u=["f2"])
    np.testing.assert_allclose(freed.u["f2"][1:], U_TRUE[2], atol=0.01)
    np.testing.assert_allclose(freed.m["f2"][1:], M_TRUE[2], atol=0.03)
    np.testing.assert_array_equal(freed.u["f0"], fixed.u["f0"])  # the others stay fixed
    assert abs(fixed.m["f2"][1] - M_TRUE[2][0]) > abs(freed.m["f2"][1] - M_TRUE[2][0])
    with pytest.raises(ParameterError, match="free_u"):
        freed.fit_em(candidates, free_u=["nope"])


def test_max_lambda_bounds_the_fit_and_changes_nothing_when_not_reached(simulated):
    candidates, _, random_pairs = simulated
    free, loose, tight = (FellegiSunterModel(COMPS) for _ in range(3))
    for model in (free, loose, tight):
        model.estimate_u(random_pairs)
    free.fit_em(candidates)
    loose.fit_em(candidates, max_lambda=0.2)  # above the fitted 0.03: the same fit
    assert loose.lambda_ == free.lambda_
    for c in COMPS:
        np.testing.assert_array_equal(loose.m[c.field], free.m[c.field])
    tight.fit_em(candidates, max_lambda=0.01)  # below it: held there
    assert tight.lambda_ <= 0.01
    with pytest.raises(ParameterError, match="lambda"):
        tight.fit_em(candidates, max_lambda=1.5)


def test_em_lands_on_match_class_even_when_matches_are_the_majority():
    candidates, _ = simulate(20_000, 0.8, seed=3, missing_rate=0.0)
    model = FellegiSunterModel(COMPS)
    model.fit_em(candidates, fix_u=False, initial_lambda=0.2)
    assert model.lambda_ == pytest.approx(0.8, abs=0.03)
    for j, c in enumerate(COMPS):
        assert model.m[c.field][1] > model.u[c.field][1]
        np.testing.assert_allclose(model.m[c.field][1:], M_TRUE[j], atol=0.03)


def test_converged_only_when_change_fell_below_tol(simulated, caplog):
    candidates, _, random_pairs = simulated
    model = FellegiSunterModel(COMPS)
    model.estimate_u(random_pairs)
    with caplog.at_level(logging.WARNING, logger="linkcore"):
        result = model.fit_em(candidates, max_iter=2)
    assert not result.converged
    assert result.iterations == 2
    assert result.max_change >= 1e-6
    assert "did not converge" in caplog.text
    assert len(model.em_trace) == 2
    result = model.fit_em(candidates, tol=1e-8, max_iter=500)
    assert result.converged
    assert result.trace[-1]["max_change"] < 1e-8
    assert all(t["max_change"] >= 1e-8 for t in result.trace[:-1])
    # EM never lowers the likelihood
    lls = [t["log_likelihood"] for t in result.trace]
    assert all(b >= a - 1e-6 for a, b in zip(lls, lls[1:], strict=False))


@pytest.mark.parametrize(
    "levels, reason",
    [
        (np.zeros((0, 4), dtype=np.int8), "no candidate pairs"),
        (np.zeros((10, 4), dtype=np.int8), "missing"),
        (np.ones((10, 4), dtype=np.int8), "same comparison pattern"),
    ],
)
def test_degenerate_inputs_are_guarded(levels, reason, caplog):
    model = FellegiSunterModel(COMPS)
    model.estimate_u(simulate(1000, 0.0, seed=4)[0])
    with caplog.at_level(logging.WARNING, logger="linkcore"):
        result = model.fit_em(levels)
    assert not result.converged and result.iterations == 0
    assert reason in result.message
    assert model.is_fitted
    w = model.match_weights(np.array([[1, 1, 1, 1], [4, 4, 4, 4], [0, 0, 0, 0]]))
    assert np.isfinite(w).all() and w[0] > w[2] > w[1]


def test_fit_em_needs_u_when_fixed_and_checks_arguments():
    model = FellegiSunterModel(COMPS)
    levels = np.ones((3, 4), dtype=np.int8)
    with pytest.raises(ModelError, match="estimate_u"):
        model.fit_em(levels)
    with pytest.raises(ParameterError):
        model.fit_em(levels, fix_u=False, initial_lambda=1.5)
    with pytest.raises(ParameterError):
        model.fit_em(levels, fix_u=False, max_iter=0)


def test_levels_that_do_not_fit_the_model_are_refused():
    model = FellegiSunterModel(COMPS)
    with pytest.raises(ModelError, match="4"):
        model.estimate_u(np.ones((3, 3), dtype=np.int8))
    with pytest.raises(ModelError, match="'f2'"):
        model.estimate_u(np.array([[1, 1, 5, 1]], dtype=np.int8))
    with pytest.raises(ModelError, match="integer"):
        model.estimate_u(np.ones((3, 4)))


def test_estimate_u_is_smoothed_so_no_u_is_zero():
    model = FellegiSunterModel([FieldComparison("a", (0.9,))])
    random_levels = np.array([[3], [3], [3], [0]], dtype=np.int8)
    model.estimate_u(random_levels)
    # counts over exact, >=0.9, else = 0, 0, 3 plus one pseudo-count each
    np.testing.assert_allclose(model.u["a"], [1.0, 1 / 6, 1 / 6, 4 / 6])


def test_fit_labelled_counts_with_laplace_smoothing():
    comps = [FieldComparison("a", (0.9,)), FieldComparison("b", (0.5,))]
    model = FellegiSunterModel(comps)
    levels = np.array([[1, 1], [1, 2], [2, 0], [3, 3], [3, 3], [3, 1]], dtype=np.int8)
    is_match = np.array([1, 1, 1, 0, 0, 0], dtype=bool)
    model.fit_labelled(levels, is_match)
    np.testing.assert_allclose(model.m["a"], [1, 3 / 6, 2 / 6, 1 / 6])
    np.testing.assert_allclose(model.m["b"], [1, 2 / 5, 2 / 5, 1 / 5])
    np.testing.assert_allclose(model.u["a"], [1, 1 / 6, 1 / 6, 4 / 6])
    np.testing.assert_allclose(model.u["b"], [1, 2 / 6, 1 / 6, 3 / 6])
    assert model.lambda_ == 0.5
    with pytest.raises(ParameterError):
        model.fit_labelled(levels, np.zeros(6, dtype=bool))
    with pytest.raises(ParameterError):
        model.fit_labelled(levels, np.ones(5, dtype=bool))


def hand_model():
    comps = [FieldComparison("a", (0.8,)), FieldComparison("b", (0.9, 0.6))]
    return FellegiSunterModel.from_parameters(
        comps,
        m={"a": [0.9, 0.08, 0.02], "b": [0.7, 0.2, 0.05, 0.05]},
        u={"a": [0.01, 0.04, 0.95], "b": [0.1, 0.1, 0.2, 0.6]},
        lambda_=0.2,
    )


def test_weights_and_probabilities_equal_hand_computation():
    model = hand_model()
    levels = np.array([[1, 1], [3, 4], [0, 2], [2, 0], [0, 0]], dtype=np.int8)
    prior = math.log2(0.2 / 0.8)
    want = [
        prior + math.log2(0.9 / 0.01) + math.log2(0.7 / 0.1),
        prior + math.log2(0.02 / 0.95) + math.log2(0.05 / 0.6),
        prior + math.log2(0.2 / 0.1),
        prior + math.log2(0.08 / 0.04),
        prior,
    ]
    w = model.match_weights(levels)
    np.testing.assert_allclose(w, want, rtol=1e-12)
    p = model.probabilities(levels)
    np.testing.assert_allclose(p, [2**x / (1 + 2**x) for x in want], rtol=1e-12)
    assert p[4] == pytest.approx(0.2)  # nothing known: the prior


def test_probabilities_do_not_overflow():
    p = weights_to_probabilities(np.array([-5000.0, -60.0, 0.0, 60.0, 5000.0]))
    assert np.isfinite(p).all()
    assert p[0] == 0.0 and p[2] == 0.5 and p[4] == 1.0


def test_explain_adds_up_to_the_weight():
    model = hand_model()
    row = np.array([1, 0], dtype=np.int8)
    ex = model.explain(row)
    assert [f.field for f in ex.fields] == ["a", "b"]
    assert [f.level_name for f in ex.fields] == ["exact", "missing"]
    assert ex.fields[0].m == 0.9 and ex.fields[0].u == 0.01
    assert ex.fields[1].weight == 0.0
    assert ex.prior_weight == pytest.approx(math.log2(0.25))
    assert ex.total_weight == pytest.approx(model.match_weights(row[None, :])[0])
    assert ex.probability == pytest.approx(model.probabilities(row[None, :])[0])
    assert json.dumps(ex.to_dict())
    with pytest.raises(ModelError):
        model.explain(np.array([1, 0, 1]))


def test_unfitted_model_says_what_is_missing():
    model = FellegiSunterModel(COMPS)
    with pytest.raises(ModelError, match="estimate_u"):
        model.match_weights(np.ones((1, 4), dtype=np.int8))


def test_set_parameters_validates():
    model = hand_model()
    with pytest.raises(ParameterError, match="'a'"):
        model.set_parameters(m={"a": [0.5, 0.5]})
    with pytest.raises(ParameterError, match="'a'"):
        model.set_parameters(m={"a": [0.5, 0.6, -0.1]})
    with pytest.raises(ParameterError, match="'zz'"):
        model.set_parameters(u={"zz": [1.0]})
    with pytest.raises(ParameterError):
        model.set_parameters(lambda_=1.0)
    # the full-length form returned by .m is accepted back
    model.set_parameters(m=model.m)
    with pytest.raises(ParameterError, match="missing"):
        model.set_parameters(m={"a": [0.5, 0.5, 0.25, 0.25]})
    with pytest.raises(ParameterError, match="duplicate|more than once"):
        FellegiSunterModel([FieldComparison("a"), FieldComparison("a")])


def test_json_round_trip_is_exact(simulated):
    candidates, _, random_pairs = simulated
    model = FellegiSunterModel(COMPS)
    model.estimate_u(random_pairs)
    model.fit_em(candidates)
    text = model.to_json()
    doc = json.loads(text)
    assert doc["linkcore_model"] == 1
    assert doc["training"]["em"]["converged"] is True
    loaded = FellegiSunterModel.from_json(text)
    assert loaded == model
    assert loaded.to_json() == text
    np.testing.assert_array_equal(loaded.match_weights(candidates), model.match_weights(candidates))
    # an untrained model round-trips too
    empty = FellegiSunterModel(COMPS)
    assert FellegiSunterModel.from_json(empty.to_json()) == empty


def _doc():
    return json.loads(hand_model().to_json())


def _broken(edit):
    doc = _doc()
    edit(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json {", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"fields": []}', "linkcore_model"),
        (_broken(lambda d: d.update(linkcore_model=2)), "version 1"),
        (_broken(lambda d: d.update(linkcore_model="1")), "whole number"),
        (_broken(lambda d: d.update(extra=1)), "unknown keys 'extra'"),
        (_broken(lambda d: d.update(fields=[])), "'fields'"),
        (_broken(lambda d: d.update({"lambda": 1.5})), "'lambda'"),
        (_broken(lambda d: d["fields"][1].update(m=[0.5, 0.5])), "fields[1] ('b').m has 2 values"),
        (_broken(lambda d: d["fields"][0].update(u=[0.5, 0.6, 0.1])), "fields[0] ('a').u"),
        (_broken(lambda d: d["fields"][0].update(u=[0.5, 0.5, 0.0])), "(0, 1]"),
        (_broken(lambda d: d["fields"][0].update(thresholds=[0.5, 0.8])), "descending"),
        (_broken(lambda d: d["fields"][0].update(levels=["exact", "else"])), "levels must be"),
        (_broken(lambda d: d["fields"][0].pop("u")), "missing keys 'u'"),
        (_broken(lambda d: d["fields"][0].update(m=None)), "some fields but not others"),
        (_broken(lambda d: d["fields"].append(d["fields"][0])), "more than once"),
        (_doc_text_with_nan := json.dumps(_doc()).replace("0.9,", "NaN,", 1), "not valid JSON"),
    ],
)
def test_invalid_model_documents_are_refused(text, message):
    with pytest.raises(ModelError) as info:
        FellegiSunterModel.from_json(text)
    assert message in str(info.value)


def test_several_problems_are_listed_together():
    doc = _doc()
    doc["fields"][0]["m"] = [1.0]
    doc["fields"][1]["u"] = [0.1, 0.1, 0.1, 0.1]
    with pytest.raises(ModelError, match="2 problems"):
        FellegiSunterModel.from_json(json.dumps(doc))


def test_estimate_quality_hand_computed():
    p = np.array([0.9, 0.8, 0.6, 0.4, 0.1])
    q = estimate_quality(p, 0.5)
    assert q["n_accepted"] == 3
    assert q["expected_true_positives"] == pytest.approx(2.3)
    assert q["expected_false_positives"] == pytest.approx(0.7)
    assert q["expected_false_negatives"] == pytest.approx(0.5)
    assert q["expected_matches"] == pytest.approx(2.8)
    assert q["precision"] == pytest.approx(2.3 / 3)
    assert q["recall"] == pytest.approx(2.3 / 2.8)
    assert q["f1"] == pytest.approx(2 * 2.3 / (2 * 2.3 + 0.7 + 0.5))
    # after one-to-one resolution the accepted set is given explicitly
    q = estimate_quality(p, 0.5, accepted=np.array([1, 0, 1, 0, 0], dtype=bool))
    assert q["expected_true_positives"] == pytest.approx(1.5)
    assert q["expected_false_negatives"] == pytest.approx(1.3)
    q = estimate_quality(p, 1.0)
    assert q["n_accepted"] == 0 and math.isnan(q["precision"])
    with pytest.raises(ParameterError):
        estimate_quality(p, 1.5)
    with pytest.raises(ParameterError):
        estimate_quality(np.array([0.5, np.nan]), 0.5)
    assert FellegiSunterModel.estimate_quality(p, 0.5)["n_accepted"] == 3


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.integers(1, 30),
        elements=st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 0.95, 1.0]),
    )
)
def test_suggest_threshold_maximises_expected_f1(p):
    best = suggest_threshold(p)
    if p.sum() == 0:
        assert math.isnan(best["expected_f1"])
        return
    brute = max(estimate_quality(p, t)["f1"] for t in np.unique(p))
    assert best["expected_f1"] == pytest.approx(brute)
    assert estimate_quality(p, best["threshold"])["f1"] == pytest.approx(brute)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.int8, st.tuples(st.integers(0, 200), st.just(3)), elements=st.integers(0, 4)))
def test_pattern_counts_equal_numpy_unique(levels):
    patterns, counts = pattern_counts(levels, [5, 5, 5])
    if levels.shape[0] == 0:
        assert patterns.shape == (0, 3) and counts.size == 0
        return
    want_p, want_c = np.unique(levels, axis=0, return_counts=True)
    order = np.lexsort(patterns.T[::-1])
    np.testing.assert_array_equal(patterns[order], want_p)
    np.testing.assert_array_equal(counts[order], want_c)


def test_pattern_counts_large_key_space_uses_unique():
    rng = np.random.default_rng(0)
    levels = rng.integers(0, 100, size=(500, 6)).astype(np.int8)
    patterns, counts = pattern_counts(levels, [100] * 6)
    assert counts.sum() == 500
    want_p = np.unique(levels, axis=0)
    assert patterns.shape == want_p.shape


def test_pattern_counts_key_space_beyond_int64_falls_back_to_rows():
    rng = np.random.default_rng(1)
    levels = rng.integers(0, 3, size=(300, 10)).astype(np.int8)
    patterns, counts = pattern_counts(levels, [127] * 10)
    want_p, want_c = np.unique(levels, axis=0, return_counts=True)
    np.testing.assert_array_equal(patterns, want_p)
    np.testing.assert_array_equal(counts, want_c)
