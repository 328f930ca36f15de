"""Salted fields scored with their salt as one mixture (linkage/salt.py)."""

import json

import numpy as np
import pandas as pd
import pytest
from test_pipeline import synthetic

from linkcore.evaluate import evaluate
from linkcore.linkage.levels import FieldComparison
from linkcore.linkage.pipeline import link
from linkcore.linkage.salt import _mixture


def _group():
    comps = [FieldComparison("name", (0.8, 0.6)), FieldComparison("dob", (0.7,))]
    col = {"name": 0, "dob": 1}
    # u over levels [missing, exact, >=0.8, >=0.6, else] and [missing, exact, >=0.7, else]
    u_model = {"name": np.array([1.0, 4e-5, 1e-5, 0.02, 0.97996]),
               "dob": np.array([1.0, 4e-5, 0.03, 0.96996])}
    # weighted non-match level counts measured in blocks that share the salt
    sums = {"name": np.array([0.0, 27.0, 10.0, 300.0, 9663.0]),
            "dob": np.array([0.0, 27.0, 1500.0, 8473.0])}
    return _mixture("dob", ["name"], sums, u_model, comps, col), u_model, comps


def test_table_is_log_independent_minus_log_mixture():
    group, u_model, comps = _group()
    s = group.same_salt_share
    assert s == pytest.approx(4e-5 / (27 / 10000))
    for lv_name in range(5):
        for lv_dob in range(4):
            present = [(f, lv) for f, lv in (("name", lv_name), ("dob", lv_dob)) if lv]
            indep = sum(np.log2(u_model[f][lv]) for f, lv in present)
            same = s * np.prod([group.u_same[f][lv] for f, lv in present])
            other = (1 - s) * np.prod([group.u_other[f][lv] for f, lv in present])
            code = group.codes(np.array([[lv_name, lv_dob]]), comps)[0]
            assert group.table[code] == pytest.approx(indep - np.log2(same + other), abs=1e-9)
    code = lambda n, d: group.codes(np.array([[n, d]]), comps)[0]  # noqa: E731
    assert group.table[code(0, 0)] == pytest.approx(0.0)  # nothing compared: no correction
    assert group.table[code(0, 1)] == pytest.approx(0.0)  # the salt field alone is unchanged
    # an exact name and an exact date share one chance of the same salt, not two
    assert group.table[code(1, 1)] == pytest.approx(np.log2(s), abs=0.05)
    assert group.u_other["name"][1] == 0.0 and group.u_other["dob"][1] == 0.0


def test_too_few_non_matches_give_no_group():
    comps = [FieldComparison("name", (0.8,)), FieldComparison("dob", (0.7,))]
    u = {"name": np.array([1.0, 1e-4, 1e-3, 0.9989]), "dob": np.array([1.0, 1e-4, 0.1, 0.8999])}
    sums = {"name": np.array([0.0, 1.0, 2.0, 50.0]), "dob": np.array([0.0, 1.0, 5.0, 40.0])}
    assert _mixture("dob", ["name"], sums, u, comps, {"name": 0, "dob": 1}) is None
    # plenty of non-matches, but too few agree exactly on the salt field to say what s is
    sums = {"name": np.array([0.0, 5.0, 20.0, 5000.0]), "dob": np.array([0.0, 5.0, 500.0, 4500.0])}
    assert _mixture("dob", ["name"], sums, u, comps, {"name": 0, "dob": 1}) is None


def test_salted_names_no_longer_count_the_year_twice():
    (a, b), truth, schema, _ = synthetic(12000, 5, year_salt=True)
    assert schema.field("first_name").salt.field == "date_of_birth"
    plain = link(a, b, dependence_correction=False, return_candidates=True)
    fixed = link(a, b, return_candidates=True)
    (group,) = fixed.salt.groups
    assert group.salt_field == "date_of_birth"
    assert set(group.salted) <= {"first_name", "middle_name", "last_name"}
    assert "first_name" in group.salted and "last_name" in group.salted
    assert 0.0 < group.same_salt_share < 0.1  # two people share a birth year about 1 in 80
    cands = fixed.candidates
    both_exact = ((cands["level_first_name"] == 1) & (cands["level_date_of_birth"] == 1)
                  & (cands["level_last_name"] != 1)).to_numpy()
    diff = cands["match_weight"].to_numpy() - plain.candidates["match_weight"].to_numpy()
    # always a penalty; its size depends on the other salted names' levels (with a key other
    # than this file's first, six pairs whose middle names half agree got -1.3)
    assert both_exact.any() and (diff[both_exact] < 0).all()
    assert np.median(diff[both_exact]) < -3
    # fewer false matches among the pairs above 0.5, no loss of F1
    def above(res):
        return res.candidates.loc[res.candidates["probability"] >= 0.5,
                                  ["id_a", "id_b", "probability"]]
    assert evaluate(above(fixed), truth).precision >= evaluate(above(plain), truth).precision
    assert evaluate(fixed.matches, truth).f1 >= evaluate(plain.matches, truth).f1 - 0.002
    # explain carries the correction and the corrected probability
    hit = cands[both_exact].iloc[0]
    info = fixed.explain(hit["id_a"], hit["id_b"])
    assert info["salt_correction"] < -3
    assert info["probability"] == pytest.approx(hit["probability"], abs=1e-9)
    assert isinstance(fixed.salt.to_dict()["groups"][0]["same_salt_share"], float)
    summary = json.loads(json.dumps(fixed.summary()))
    assert summary["corrections"]["salt_groups"][0]["salt_field"] == "date_of_birth"
    assert json.loads(json.dumps(plain.summary()))["corrections"]["salt_groups"] == []
    assert pd.Series(diff).abs().max() > 0
