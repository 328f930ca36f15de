"""m fitted under a monotone likelihood ratio: more agreement is never less evidence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_model import COMPS, simulate
from test_within_file_u import fitted

from linkcore.linkage.model import FellegiSunterModel
from linkcore.linkage.monotone import monotone_m

probabilities = st.lists(st.floats(1e-6, 1.0), min_size=2, max_size=8)


def _table(values):
    t = np.asarray(values, dtype=np.float64)
    return np.concatenate(([1.0], t / t.sum()))


def _rises(m, u) -> bool:
    ratio = m[1:] / u[1:]
    return bool((np.diff(ratio) > 1e-12 * ratio[:-1]).any())


@settings(max_examples=200, deadline=None)
@given(probabilities, st.data())
def test_pooled_m_falls_keeps_its_sum_and_is_the_constrained_maximum(m_values, data):
    u_values = data.draw(st.lists(st.floats(1e-6, 1.0), min_size=len(m_values),
                                  max_size=len(m_values)))
    m, u = _table(m_values), _table(u_values)
    out = monotone_m(m, u)
    assert out[0] == 1.0 and out[1:].sum() == pytest.approx(1.0)
    assert not _rises(out, u)
    if not _rises(m, u):  # within _rises' tolerance: a rise of an ulp may be pooled, to an ulp
        np.testing.assert_allclose(out, m, rtol=1e-12, atol=0)
    # no other table whose ratio falls fits EM's expected counts (m itself) better
    ratio = np.sort(data.draw(st.lists(st.floats(1e-3, 1e3), min_size=len(m_values),
                                       max_size=len(m_values))))[::-1]
    other = np.concatenate(([1.0], ratio * u[1:] / (ratio * u[1:]).sum()))
    assert not _rises(other, u)
    fit = float((m[1:] * np.log(out[1:])).sum())
    assert fit >= float((m[1:] * np.log(other[1:])).sum()) - 1e-9


def test_adjacent_violators_are_pooled_by_their_sums():
    m = np.array([1.0, 0.80, 0.001, 0.049, 0.15])
    u = np.array([1.0, 0.01, 0.001, 0.01, 0.979])
    out = monotone_m(m, u)
    # dice>=t1 (ratio 1) below dice>=t2 (ratio 4.9): one run at (0.001 + 0.049) / 0.011
    np.testing.assert_allclose(out[2:4], u[2:4] * 0.05 / 0.011)
    np.testing.assert_array_equal(out[[0, 1, 4]], m[[0, 1, 4]])


def test_em_with_u_given_fits_weights_that_fall_with_agreement():
    # matches whose second level is rarer than among non-matches: the data's own ratios rise
    candidates, _ = simulate(20_000, 0.05, seed=3)
    random_pairs, _ = simulate(50_000, 0.0, seed=4)
    col = candidates[:, 0]
    rng = np.random.default_rng(5)
    col[(col == 2) & (rng.random(col.size) < 0.9)] = 4  # most near agreements become else
    free = FellegiSunterModel(COMPS)
    free.estimate_u(random_pairs)
    free.fit_em(candidates, monotone=False)
    held = FellegiSunterModel(COMPS)
    held.estimate_u(random_pairs)
    held.fit_em(candidates)
    assert _rises(free.m["f0"], free.u["f0"])
    for c in COMPS:
        assert not _rises(held.m[c.field], held.u[c.field])


def test_a_trained_model_scores_more_agreement_as_more_evidence():
    model = fitted()
    for weights in model.weight_tables():
        assert (np.diff(weights[1:]) <= 1e-9).all()
    pooled = model.training.get("monotone", {}).get("fields_pooled", [])
    assert set(pooled) <= set(model.fields)


def test_a_subnormal_u_gives_finite_m():
    """Regression (a review): mass / Σu overflowed where a run's u was subnormal."""
    for tiny in (5e-324, 1e-310):
        out = monotone_m(np.array([1.0, 0.2, 0.4, 0.4]), np.array([1.0, tiny, 0.5, 0.5 - tiny]))
        assert np.isfinite(out).all() and out[1:].sum() == pytest.approx(1.0)
        out = monotone_m(np.array([1.0, 1e-300, 0.5, 0.5]), np.array([1.0, 0.5, tiny, 0.5]))
        assert np.isfinite(out).all() and out[1:].sum() == pytest.approx(1.0)
