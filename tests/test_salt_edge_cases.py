"""Edge cases of the salt-group mixture (linkage/salt.py) and the counted u[exact] (exact_u.py)."""

import functools
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pipeline import SECRET, synthetic

from linkcore.holder.encode import encode
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import exact_u
from linkcore.linkage.compare import Comparator
from linkcore.linkage.exact_u import exact_agreement_u
from linkcore.linkage.levels import FieldComparison
from linkcore.linkage.model import FellegiSunterModel
from linkcore.linkage.pipeline import SESSION_MAX_U_EXACT, link, link_many, salted_by
from linkcore.linkage.salt import U_FLOOR, _mixture, salt_dependence
from linkcore.schema import Schema
from linkcore.synth import generate_population, make_extracts

SALTED = ("first_name", "middle_name", "last_name")


@functools.lru_cache(maxsize=2)
def salted_pair():
    """12,000 people with the default (salted) schema: enough for a salt group to be measured."""
    (a, b), truth, schema, _ = synthetic(12000, 5, year_salt=True)
    return a, b, truth, schema


@functools.lru_cache(maxsize=2)
def salted_result():
    a, b, _, _ = salted_pair()
    return link(a, b, return_candidates=True)


def candidate_levels(result):
    cols = [f"level_{f}" for f in result.model.fields]
    return result.candidates[cols].to_numpy(dtype=np.int8)


# --------------------------------------------------------------------------- the table's math


def true_group(draw_u, n_levels, share):
    """u(.|same), u(.|other) per field and their mixture u, as the module's docstring defines."""
    u_same, u_other, u_model = {}, {}, {}
    for f, (same, other) in draw_u.items():
        same = np.asarray(same, float) / np.sum(same)
        other = np.asarray(other, float)
        other[0] = 0.0  # exact never happens with different salts
        other = other / other.sum()
        u_same[f] = np.concatenate(([1.0], same))
        u_other[f] = np.concatenate(([1.0], other))
        u_model[f] = np.concatenate(([1.0], share * same + (1 - share) * other))
    return u_same, u_other, u_model


levels_st = st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3)


@given(st.floats(0.002, 0.2), st.lists(st.tuples(levels_st, levels_st), min_size=2,
                                         max_size=3))
@settings(max_examples=60, deadline=None)
def test_table_recovers_a_true_mixture_and_leaves_lone_fields_alone(share, per_field):
    """With exact inputs the table is log Π u − log mixture, and 0 where one field is present."""
    names = [f"f{i}" for i in range(len(per_field))]
    salt = names[-1]
    u_same, u_other, u_model = true_group(dict(zip(names, per_field, strict=True)), 4, share)
    comps = [FieldComparison(f, (0.7,)) for f in names]  # missing, exact, >=0.7, else
    col = {f: j for j, f in enumerate(names)}
    # the salt field: exact only within one salt (u_other[exact] = 0 by construction above)
    sums = {f: u_same[f] * 1e6 for f in names}
    for f in names:
        sums[f] = sums[f].copy()
        sums[f][0] = 0.0
    group = _mixture(salt, names[:-1], sums, u_model, comps, col)
    assert group is not None
    assert group.same_salt_share == pytest.approx(share, rel=1e-6)
    assert np.isfinite(group.table).all()
    grids = np.indices([4] * len(names)).reshape(len(names), -1).T
    for row in grids:
        present = [(f, lv) for f, lv in zip(names, row, strict=True) if lv]
        code = group.codes(row.reshape(1, -1), comps)[0]
        indep = sum(np.log2(u_model[f][lv]) for f, lv in present)
        mix = (share * np.prod([u_same[f][lv] for f, lv in present])
               + (1 - share) * np.prod([u_other[f][lv] for f, lv in present]))
        assert group.table[code] == pytest.approx(indep - np.log2(max(mix, 1e-300)), abs=1e-6)
        if len(present) <= 1:  # one field alone: its u is the model's, no correction
            assert group.table[code] == pytest.approx(0.0, abs=1e-6)
    for f in names:  # u(.|different salts) is a distribution over the non-missing levels
        assert group.u_other[f][1:].sum() == pytest.approx(1.0, abs=1e-6)


counts_st = st.lists(st.floats(0.0, 1e5, allow_subnormal=False), min_size=4, max_size=4)
u_st = st.lists(st.floats(1e-9, 1.0), min_size=3, max_size=3)


@given(counts_st, counts_st, counts_st, u_st, u_st, u_st)
@settings(max_examples=60, deadline=None)
def test_table_is_finite_and_u_other_a_distribution_for_any_estimates(c1, c2, c3, u1, u2, u3):
    """Noisy or inconsistent estimates: no inf or NaN, and u_other stays a distribution."""
    names = ["a", "b", "salt"]
    comps = [FieldComparison(f, (0.7,)) for f in names]  # missing, exact, >=0.7, else
    col = {f: j for j, f in enumerate(names)}
    sums = {f: np.asarray([0.0, *c[1:]], float) for f, c in zip(names, (c1, c2, c3), strict=True)}
    u_model = {f: np.concatenate(([1.0], np.asarray(u, float) / np.sum(u)))
               for f, u in zip(names, (u1, u2, u3), strict=True)}
    group = _mixture("salt", ["a", "b"], sums, u_model, comps, col)
    if group is None:
        return
    assert np.isfinite(group.table).all()
    assert U_FLOOR <= group.same_salt_share <= 1.0
    for f in group.fields:
        other = group.u_other[f]
        assert np.isfinite(other).all() and (other >= 0).all()
        assert other[1] == 0.0 and other[0] == 1.0
        assert other[1:].sum() == pytest.approx(1.0, abs=1e-9)


def test_chance_level_salted_field_gets_no_boost():
    """A salted field at a chance Dice and nothing else exact: the correction is near 0."""
    result = salted_result()
    (group,) = result.salt.groups
    comps = result.model.comparisons
    n = {c.field: c.n_levels for c in comps}
    # every salted field at 'else' (different salts look like this), the salt field at 'else'
    row = np.zeros((1, len(comps)), dtype=np.int64)
    for j, c in enumerate(comps):
        row[0, j] = n[c.field] - 1 if c.field in group.fields else 0
    assert abs(result.salt.for_row(row[0], comps)) < 0.05


# --------------------------------------------------------------------------- schemas


def reschema(schema: Schema, **changes) -> Schema:
    """The schema with some fields' salt changed (field name -> salt dict or None)."""
    doc = schema.to_dict()
    for f in doc["fields"]:
        if f["name"] in changes:
            f["salt"] = changes[f["name"]]
            f.pop("key_with", None)  # shared keys need equal salts
    return Schema.from_dict(doc)


@functools.lru_cache(maxsize=2)
def encoded_with(schema_json: str):
    _, _, _, (df_a, df_b) = synthetic(12000, 5, year_salt=True)
    schema = Schema.from_dict(json.loads(schema_json))
    return (encode(df_a, schema, SECRET, suggest_mapping(df_a, schema)[0]),
            encode(df_b, schema, SECRET, suggest_mapping(df_b, schema)[0]))


def test_only_one_salted_field_is_still_corrected():
    a, b, truth, schema = salted_pair()
    one = reschema(schema, middle_name=None, last_name=None)
    sa, sb = encoded_with(json.dumps(one.to_dict()))
    res = link(sa, sb, return_candidates=True)
    groups = res.salt.groups
    assert [g.salted for g in groups] == [("first_name",)]
    cands = res.candidates
    hit = ((cands["level_first_name"] == 1) & (cands["level_date_of_birth"] == 1)).to_numpy()
    codes = groups[0].codes(candidate_levels(res), res.model.comparisons)
    assert (groups[0].table[codes[hit]] < -3).all()


def test_salt_field_not_compared_leaves_scores_alone():
    a, b, _, _ = salted_pair()
    fitted = salted_result().model
    keep = [c for c in fitted.comparisons if c.field != "date_of_birth"]
    m, u = fitted.m, fitted.u
    model = FellegiSunterModel(keep, m={c.field: m[c.field] for c in keep},
                               u={c.field: u[c.field] for c in keep}, lambda_=fitted.lambda_)
    res = link(a, b, model=model, blocking=["keys", "agree"])
    assert res.salt.groups == ()
    assert res.summary()["corrections"]["salt_groups"] == []


def test_include_clk_on_salted_data():
    a, b, truth, _ = salted_pair()
    res = link(a, b, include_clk=True)
    assert "clk" in res.model.fields
    assert [g.salt_field for g in res.salt.groups] == ["date_of_birth"]
    assert "clk" not in res.salt.groups[0].fields
    json.dumps(res.report_data(), allow_nan=False)


# --------------------------------------------------------------------------- given models


def test_given_model_fitted_or_loaded_scores_alike_and_is_not_modified():
    a, b, _, _ = salted_pair()
    first = salted_result()
    before = first.model.to_json()
    loaded = FellegiSunterModel.from_json(before)
    again = link(a, b, model=first.model, return_candidates=True)
    from_json = link(a, b, model=loaded, return_candidates=True)
    assert first.model.to_json() == before and loaded.to_json() == before
    assert again.salt.groups and from_json.salt.groups
    pd.testing.assert_frame_equal(again.matches, first.matches)
    pd.testing.assert_frame_equal(from_json.matches, first.matches)
    for g, h in zip(first.salt.groups, from_json.salt.groups, strict=True):
        assert np.array_equal(g.table, h.table)


def test_dask_engine_equals_local_on_salted_data():
    pytest.importorskip("dask.distributed")
    a, b, _, _ = salted_pair()
    local = salted_result()
    dist = link(a, b, engine="dask", partitions=3, return_candidates=True)
    assert dist.salt.groups
    pd.testing.assert_frame_equal(local.matches, dist.matches)
    pd.testing.assert_frame_equal(local.candidates, dist.candidates)


def test_empty_and_one_record_inputs_with_salted_schema():
    a, b, _, schema = salted_pair()
    assert schema.field("first_name").salt is not None
    empty = a.subset(np.zeros(0, dtype=np.intp))
    for x, y in ((empty, b), (a, empty), (empty, empty), (a.subset([0]), b.subset([0])),
                 (a.subset([0]), b)):
        res = link(x, y)
        assert len(res.matches) <= 1
        assert res.summary()["corrections"]["salt_groups"] == []
        json.dumps(res.report_data(), allow_nan=False)


def test_dependence_correction_off_leaves_the_model_weights():
    a, b, _, _ = salted_pair()
    res = link(a, b, dependence_correction=False, return_candidates=True)
    assert res.salt.groups == () and not res.dependence.corrections
    expected = res.model.match_weights(candidate_levels(res))
    assert np.allclose(res.candidates["match_weight"].to_numpy(), expected)


def test_link_many_three_parties_salted():
    encoded, truth, schema, _ = synthetic(people=900, seed=7, agencies=3, year_salt=True)
    assert schema.field("first_name").salt is not None
    result = link_many(encoded)
    assert set(result.links) == {(0, 1), (0, 2), (1, 2)}
    for res in result.links.values():
        assert np.isfinite(res.matches["match_weight"]).all()
    assert not result.clusters.duplicated(["cluster", "party"]).any()


def test_same_seed_same_result_even_when_blocks_are_subsampled():
    a, b, _, _ = salted_pair()
    res = salted_result()
    comparator = Comparator(a, b, res.model.comparisons)
    one = salt_dependence(res.model, comparator, a, b, seed=3, block_pairs=3000)
    two = salt_dependence(res.model, comparator, a, b, seed=3, block_pairs=3000)
    assert len(one.groups) == len(two.groups)
    for g, h in zip(one.groups, two.groups, strict=True):
        assert np.array_equal(g.table, h.table)
    again = link(a, b, return_candidates=True)
    pd.testing.assert_frame_equal(again.candidates, res.candidates)


# --------------------------------------------------------------------------- exact_u


def random_pair_model(result):
    """A copy of a linked result's model with u[exact] set back to the random-pair values."""
    model = FellegiSunterModel.from_json(result.model.to_json())
    counted = model.training["u"]["exact_counted_over_all_pairs"]
    u = model.u
    new = {}
    for f, info in counted.items():
        table = np.asarray(u[f][1:], float)
        table[1:] *= (1.0 - info["random_pairs"]) / table[1:].sum()
        table[0] = info["random_pairs"]
        new[f] = table.tolist()
    model.set_parameters(u=new)
    return model


@functools.lru_cache(maxsize=1)
def identifier_result():
    (a, b), _, _, _ = synthetic(3000, 5, year_salt=True)
    return a, b, link(a, b, blocking=["keys", "agree"], return_candidates=True)


def test_exact_u_iterates_until_the_weights_settle(monkeypatch):
    a, b, res = identifier_result()
    model = random_pair_model(res)
    calls = []
    real = exact_u._count_round

    def counting(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(out)
        return out

    monkeypatch.setattr(exact_u, "_count_round", counting)
    levels = candidate_levels(res)
    changed = exact_agreement_u(model, a, b, levels, max_u_exact=SESSION_MAX_U_EXACT)
    assert changed and len(calls) >= 2
    if len(calls) < exact_u.EXACT_U_ROUNDS:
        last, before = calls[-1], calls[-2]
        assert all(abs(last[f]["weight_change_bits"] - before[f]["weight_change_bits"]) < 0.01
                   for f in last)
    # u stays a distribution over the non-missing levels, every entry > 0
    for f, table in model.u.items():
        assert (table > 0).all() and table[1:].sum() == pytest.approx(1.0, abs=1e-9), f


def test_exact_u_with_nothing_to_count_stops_at_once(monkeypatch):
    a, b, res = identifier_result()
    model = random_pair_model(res)
    calls = []
    real = exact_u._count_round
    monkeypatch.setattr(exact_u, "_count_round",
                        lambda *x, **k: calls.append(1) or real(*x, **k))
    before = model.to_json()
    # no field is specific enough at this bound: nothing counted, nothing changed
    assert exact_agreement_u(model, a, b, candidate_levels(res), max_u_exact=1e-12) == {}
    assert len(calls) == 1 and model.to_json() == before


def test_exact_u_field_missing_on_one_side_or_absent():
    a, b, res = identifier_result()
    model = random_pair_model(res)
    ni = list(b.fields).index("ni_number")
    missing = b.missing.copy()
    missing[:, ni] = True
    b_none = b.subset(np.arange(len(b)))
    b_none.missing[:] = missing  # every NI number missing on the right
    changed = exact_agreement_u(model, a, b_none, candidate_levels(res),
                                max_u_exact=SESSION_MAX_U_EXACT)
    assert "ni_number" not in changed
    assert model.u["ni_number"][1] == pytest.approx(
        res.model.training["u"]["exact_counted_over_all_pairs"]["ni_number"]["random_pairs"])
    for table in model.u.values():
        assert (table > 0).all() and table[1:].sum() == pytest.approx(1.0, abs=1e-9)


def test_summary_and_report_data_hold_no_record_ids_or_pair_values():
    a, b, _, _ = salted_pair()
    res = salted_result()
    text = json.dumps(res.report_data(), allow_nan=False)
    ids = set(map(str, a.record_ids)) | set(map(str, b.record_ids))
    tokens = set(re.findall(r'"([^"]+)"', text)) | set(re.findall(r"[A-Za-z0-9]+", text))
    assert not tokens & ids
    n_cand = len(res.candidates)

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            assert len(x) < min(n_cand, 500)  # aggregates: no per-pair column
            for v in x:
                walk(v)

    walk(res.report_data())


@functools.lru_cache(maxsize=1)
def whole_dob_salted_result():
    """The suggested design on files without an NI number: the date of birth's and the
    postcode's blocks are the only training sessions, as on the second held-out pair."""
    pop = generate_population(4000, seed=9)
    extracts, truth = make_extracts(pop, agencies=2, seed=9)
    extracts = [df.drop(columns=["ni_number"], errors="ignore") for df in extracts]
    schema, mapping, _ = suggest_schema(extracts[0])
    a = encode(extracts[0], schema, SECRET, mapping)
    b = encode(extracts[1], schema, SECRET, suggest_mapping(extracts[1], schema)[0])
    return link(a, b, return_candidates=True), truth, schema


def test_training_fits_m_of_the_salt_field_block_as_the_labels_give_it():
    """In the date of birth's block the names are compared; their u is fitted there, not taken
    from random pairs (mostly matches' agreement: random pairs share a birthday about as rarely
    as they match), so the postcode's m is the true pairs' own, not "every match agrees"
    (with the random pairs' u it came out 0.95 here against 0.85 from the labels)."""
    result, truth, schema = whole_dob_salted_result()
    assert "first_name" in salted_by(schema, result.model.fields + ["clk"], "date_of_birth")
    cand = result.candidates
    is_true = pd.MultiIndex.from_frame(cand[["id_a", "id_b"]]).isin(
        pd.MultiIndex.from_frame(truth[["id_a", "id_b"]]))
    labelled = FellegiSunterModel(result.model.comparisons)
    labelled.fit_labelled(candidate_levels(result), is_true)
    for field in ("postcode", "last_name"):
        assert result.model.m[field][1] == pytest.approx(labelled.m[field][1], abs=0.03), field
