"""m held at a prior where training cannot identify it (linkage/m_prior.py)."""

import numpy as np
import pytest
from test_pipeline import SECRET, synthetic

from linkcore.errors import ParameterError
from linkcore.holder import suggest
from linkcore.holder.encode import encode
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.levels import FieldComparison
from linkcore.linkage.m_prior import PRIOR_EXACT, prior_m, unidentified_fields
from linkcore.linkage.model import FellegiSunterModel
from linkcore.linkage.pipeline import link
from linkcore.synth import generate_population, make_extracts

FIELDS = ["name", "dob", "postcode"]


def test_a_field_whose_disagreements_carry_no_other_level_is_unidentified():
    # dob differs on rows 2-3, where the name (gated on dob) is missing and postcode left out
    levels = np.array([[1, 1, 0], [2, 1, 0], [0, 2, 0], [0, 2, 0]], dtype=np.int8)
    assert unidentified_fields(levels, FIELDS, ["postcode"]) == ["dob"]
    # the postcode compared in the session: dob's disagreements have evidence
    levels[:, 2] = 1
    assert unidentified_fields(levels, FIELDS, []) == []


def test_a_field_that_never_differs_is_left_to_em():
    levels = np.array([[1, 1, 0], [2, 1, 0]], dtype=np.int8)
    assert unidentified_fields(levels, FIELDS, ["postcode"]) == []


def test_prior_puts_the_stated_share_at_exact_and_decays_below():
    assert prior_m(3) == [PRIOR_EXACT, pytest.approx(1 - PRIOR_EXACT)]
    four = prior_m(5)
    assert four[0] == PRIOR_EXACT and sum(four) == pytest.approx(1.0)
    assert four[1] > four[2] > four[3] > 0
    assert prior_m(2) == [1.0]


def _model():
    model = FellegiSunterModel([FieldComparison("a", ()), FieldComparison("b", ())])
    model.set_parameters(u={"a": [0.01, 0.99], "b": [0.02, 0.98]})
    return model


def test_fit_em_holds_a_fixed_m_and_fits_the_others():
    rng = np.random.default_rng(0)
    match = rng.random(4000) < 0.3
    draw = rng.random((4, 4000))
    a = np.where(match, np.where(draw[0] < 0.9, 1, 2), np.where(draw[1] < 0.01, 1, 2))
    b = np.where(match, np.where(draw[2] < 0.8, 1, 2), np.where(draw[3] < 0.02, 1, 2))
    model = _model()
    model.fit_em(np.column_stack([a, b]).astype(np.int8), fixed_m={"b": [0.6, 0.4]})
    assert model.m["b"][1:] == pytest.approx([0.6, 0.4])  # [0]: missing
    assert model.m["a"][1] == pytest.approx(0.9, abs=0.05)


@pytest.mark.parametrize("bad", [{"c": [0.5, 0.5]}, {"a": [0.5]}, {"a": [0.7, 0.7]},
                                 {"a": [1.0, 0.0]}])
def test_fit_em_refuses_a_fixed_m_that_is_not_a_distribution_of_a_field(bad):
    levels = np.array([[1, 1], [2, 2], [1, 2]], dtype=np.int8)
    with pytest.raises(ParameterError, match="fixed_m"):
        _model().fit_em(levels, fixed_m=bad)


def _model_of(a_df, b_df):
    schema, mapping, _ = suggest_schema(a_df)
    a = encode(a_df, schema, SECRET, mapping)
    b = encode(b_df, schema, SECRET, suggest_mapping(b_df, schema)[0])
    return link(a, b).model


def test_one_salt_family_holds_the_date_of_birth_at_the_prior(monkeypatch):
    """Every name gated on the date, no NI number and no full-name view: a pair whose dates
    differ has nothing else in the postcode session, so EM cannot fit m(date differs) there;
    with an NI number, the full-name view or two salt families it can."""
    extracts, _ = make_extracts(generate_population(1200, seed=5), agencies=2, seed=5)
    a_df, b_df = extracts[0].drop(columns="ni_number"), extracts[1].drop(columns="NINO")
    assert "m_prior" not in _model_of(a_df, b_df).training  # the full-name view identifies it
    monkeypatch.setattr(suggest, "FULL_NAME_VIEW", ())
    model = _model_of(a_df, b_df)
    assert model.training["m_prior"] == {"fields": ["date_of_birth"], "exact": PRIOR_EXACT}
    assert model.m["date_of_birth"][1:] == pytest.approx(prior_m(3))
    held = {s["field"]: s["m_held_at_prior"] for s in model.training["sessions"]}
    assert held["postcode"] == ["date_of_birth"]
    for two_salts in (False, True):  # with an NI number, or the names' postcode views
        (a, b), _, _, _ = synthetic(two_salts=two_salts)
        model = link(a, b).model
        assert "m_prior" not in model.training
        assert model.m["date_of_birth"][1] != pytest.approx(PRIOR_EXACT)
