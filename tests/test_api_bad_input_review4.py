"""The Python API on a careless user's input: the fourth review (helper-53, stop 49).

Each case was a silently wrong result (an all-zero key accepted, a dataset linked with its own
file, a match on no evidence, a name read a letter at a time, a NUL inside an id, `N/A` read
as a name that every such record shares) or a raw internal exception. Each is now refused with
a linkcore error or a TypeError naming what was expected (never an identifier), or read as the
spec now says.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from test_api_bad_input import MAPPING, SCHEMA, SECRET  # the first review's schema

import linkcore
from linkcore import Secret
from linkcore.errors import DatasetError, ParameterError, SecretError
from linkcore.linkage import store
from linkcore.linkage.dedupe import dedupe, link_and_dedupe
from linkcore.linkage.pipeline import link_many
from linkcore.linkage.pseudonyms import ProjectKey, shared_counts

TABLE = pd.DataFrame({"ref": [str(i) for i in range(1, 9)],
                      "fn": ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"],
                      "sn": ["Smith", "Jones", "Brown", "Green", "White", "Black", "Grey", "Reed"],
                      "dob": ["02/03/1980", "31/12/1975", "01/01/1990", "05/06/1961",
                              "07/08/1972", "09/10/1983", "11/12/1994", "13/01/2001"]})


def encoded(df: pd.DataFrame = TABLE) -> linkcore.EncodedDataset:
    return linkcore.encode(df, SCHEMA, SECRET, MAPPING, blip_nonce=bytes(16))


@pytest.fixture()
def written(tmp_path):
    ds = encoded()
    path = tmp_path / "a.parquet"
    ds.write(path)
    shutil.copy(path, tmp_path / "copy.parquet")
    return ds, path, tmp_path / "copy.parquet"


def test_a_dataset_and_its_own_file_are_not_linked(written):
    """Regression: link(ds, its file) matched every record to itself at probability 1."""
    ds, path, copy = written
    for other in (path, copy, linkcore.EncodedDataset.read(path)):
        with pytest.raises(ParameterError, match="hold the same records"):
            linkcore.link(ds, other)


def test_several_datasets_holding_the_same_records_are_refused(written):
    ds, path, copy = written
    other = encoded(TABLE.assign(ref=[f"x{i}" for i in range(8)]))
    with pytest.raises(ParameterError, match="datasets 1 and 3 hold the same records"):
        link_many([ds, other, copy])
    with pytest.raises(ParameterError, match="datasets 1 and 2 hold the same records"):
        link_and_dedupe([ds, path])


def test_the_same_people_under_other_ids_are_still_linked(written):
    """Equal encodings under other ids are a real second file (nothing refused)."""
    ds, _, _ = written
    other = encoded(TABLE.assign(ref=[f"x{i}" for i in range(8)]))
    res = linkcore.link(ds, other)
    assert len(res.matches) == 8


def test_a_pair_with_no_evidence_at_all_is_not_a_match():
    """Regression: with every field missing in the only pair, the prior (0.5) made it a match."""
    a = TABLE.head(1).assign(fn=None, dob=None)
    b = TABLE.iloc[[1]].assign(sn=None, dob=None)
    res = linkcore.link(encoded(a), encoded(b))
    assert res.matches.empty
    assert "every field is missing" in res.em.message


@pytest.mark.parametrize("call", ["link_and_dedupe", "shared_counts", "run_audit", "link_many",
                                  "store.update"])
def test_one_string_where_a_list_belongs_is_refused(tmp_path, call):
    """Regression: a str was read a letter at a time ("ab" as agencies a and b)."""
    ds = encoded()
    with pytest.raises(ParameterError, match="must be a list, not one string"):
        if call == "link_and_dedupe":
            link_and_dedupe([ds, encoded(TABLE.assign(ref=list("abcdefgh")))], names="ab")
        elif call == "shared_counts":
            shared_counts(pd.DataFrame({"person": ["p"], "agency": ["a"]}), "ab")
        elif call == "run_audit":
            from linkcore.audit import run_audit

            run_audit(TABLE, SCHEMA, MAPPING, SECRET, TABLE, attacks="frequency")
        elif call == "link_many":
            link_many("ab")
        else:
            key = ProjectKey(bytes(range(32)))
            path = tmp_path / "s.db"
            store.create(path, ds, key)
            store.update(path, "2026-01", {"police": ds}, key, new_agencies="police")


def test_the_audit_checks_its_arguments():
    from linkcore.audit import run_audit

    with pytest.raises(TypeError, match="the reference must be a pandas DataFrame, not str"):
        run_audit(TABLE, SCHEMA, MAPPING, SECRET, "register.csv")
    with pytest.raises(TypeError, match="the data must be a pandas DataFrame, not list"):
        run_audit(TABLE.to_dict("records"), SCHEMA, MAPPING, SECRET, TABLE)
    with pytest.raises(TypeError, match="reference_mapping must be a linkcore.Mapping"):
        run_audit(TABLE, SCHEMA, MAPPING, SECRET, TABLE, reference_mapping={"a": 1})
    with pytest.raises(ParameterError, match="unknown attack"):
        run_audit(TABLE, SCHEMA, MAPPING, SECRET, TABLE, attacks=("freqency",))


def test_other_entry_points_name_the_wrong_type():
    from linkcore.synth import generate_extracts

    with pytest.raises(ParameterError, match="population must be a pandas DataFrame"):
        generate_extracts([{"first_name": "Ann"}])
    with pytest.raises(SecretError, match="the key text must be a str"):
        Secret.from_text(SECRET.to_text().encode())
    with pytest.raises(SecretError, match="the project key must be bytes"):
        ProjectKey("k" * 64)
    with pytest.raises(ParameterError, match="dataset 1 must be an EncodedDataset or a file "
                                             "path, not list"):
        dedupe([encoded()])


@pytest.mark.parametrize("bad", ["R1\x00X", "R1\tX", "R1\nX", "R1\x85X"])
def test_a_control_character_in_a_record_id_is_refused(bad):
    """Regression: a NUL inside an id came back from the matches CSV as another record's id."""
    df = TABLE.copy()
    df.loc[3, "ref"] = bad
    with pytest.raises(DatasetError, match=r"holding a control character .*rows 4\)") as err:
        encoded(df)
    assert "R1" not in str(err.value)


def test_ids_of_other_scripts_and_spaces_inside_are_kept():
    df = TABLE.copy()
    df["ref"] = ["Zoë 1", "李 2", "\U0001F600", "a\u00a0b", "x y", "6", "7", "8"]
    ds = encoded(df)
    assert list(ds.record_ids) == list(df["ref"])
    assert np.array_equal(ds.record_ids, df["ref"].to_numpy(dtype=object))


@pytest.mark.parametrize("fill", ["N/A", "NULL", "none", "nan", "#N/A", " <NA> "])
def test_text_written_for_a_missing_value_is_missing(fill):
    """Regression: df.astype(str) or fillna("N/A") made every missing name one shared value."""
    df = TABLE.copy()
    df.loc[[1, 4, 6], "fn"] = None
    df.loc[[2, 5], "dob"] = None
    plain = encoded(df)
    filled = encoded(df.fillna(fill))
    assert np.array_equal(plain.missing, filled.missing)
    for name in plain.fields:
        assert np.array_equal(plain.fields[name], filled.fields[name])


def test_as_str_gives_the_same_encoding():
    df = TABLE.copy()
    df.loc[[1, 4], "fn"] = None
    df.loc[[2], "dob"] = np.nan
    plain, as_text = encoded(df), encoded(df.astype(str))
    assert np.array_equal(plain.missing, as_text.missing)


@pytest.mark.parametrize("name", ["Nan", "Nat", "Na", "NA", "Nil"])
def test_names_that_look_like_markers_stay_names(name):
    df = TABLE.copy()
    df.loc[0, "fn"] = name
    assert not encoded(df).missing[0, 0]


def test_a_threshold_given_as_text_is_refused():
    """Regression: threshold="0.9" was read as 0.9 (the CLI reads text; Python takes numbers)."""
    a = encoded()
    b = encoded(TABLE.assign(ref=[f"x{i}" for i in range(8)]))
    with pytest.raises(ParameterError, match="not text"):
        linkcore.link(a, b, threshold="0.9")


def test_a_handful_of_pairs_keeps_the_starting_model_and_links_no_stranger():
    """Regression: on two records a side EM made a disagreeing date evidence for a match."""
    a = TABLE.head(2)
    b = TABLE.iloc[[2, 3]].assign(ref=["x1", "x2"], fn=None, sn=None)  # only dates compared
    res = linkcore.link(encoded(a), encoded(b))
    assert not res.em.converged and res.em.iterations == 0 and res.matches.empty
    same = linkcore.link(encoded(a), encoded(a.assign(ref=["y1", "y2"], fn=None)))
    assert sorted(same.matches["id_b"]) == ["y1", "y2"]  # agreeing dates still link


def test_no_pair_without_a_compared_field_is_a_match_whatever_the_threshold():
    a = TABLE.head(3).assign(fn=None, sn=None)
    b = TABLE.iloc[[4, 5, 6]].assign(ref=["x1", "x2", "x3"], dob=None)
    res = linkcore.link(encoded(a), encoded(b), threshold=0.0, one_to_one="none",
                        return_candidates=True)
    assert len(res.candidates) == 9 and res.matches.empty


def test_the_reviews_two_records_a_side_of_synth_data():
    """The review's case: the first two records a side of a synth pair, strangers to each other."""
    from linkcore.holder.suggest import suggest_mapping, suggest_schema
    from linkcore.synth import generate_extracts, generate_population

    xa, xb = generate_extracts(generate_population(500, seed=1), agencies=2, seed=1).extracts
    schema, ma, _ = suggest_schema(xa)
    mb, _ = suggest_mapping(xb, schema)
    a = linkcore.encode(xa.head(2), schema, SECRET, ma)
    b = linkcore.encode(xb.head(2), schema, SECRET, mb)
    res = linkcore.link(a, b)
    assert "too few to fit the model" in res.em.message
    assert res.matches.empty


def test_the_store_never_links_a_pair_with_no_field_compared():
    """The store's own scoring holds the rule of `link`: a prior alone is not a link."""
    from linkcore.linkage.levels import FieldComparison
    from linkcore.linkage.model import FellegiSunterModel
    from linkcore.linkage.pipeline import ExactDependence
    from linkcore.linkage.salt import SaltDependence

    comps = [FieldComparison("a", (0.8,)), FieldComparison("b", (0.8,))]
    model = FellegiSunterModel.from_parameters(
        comps, m={"a": [0.9, 0.05, 0.05], "b": [0.9, 0.05, 0.05]},
        u={"a": [0.01, 0.04, 0.95], "b": [0.01, 0.04, 0.95]}, lambda_=0.9)
    levels = np.array([[0, 0], [1, 0], [0, 3]], dtype=np.int8)
    prob = store._probabilities(levels, (model, SaltDependence(), ExactDependence((), {})))
    assert prob[0] == 0.0  # nothing compared: the prior (0.9) alone would have linked it
    assert prob[1] > 0.99 and 0.0 < prob[2] < 0.9


def test_an_id_column_that_is_also_a_fields_source_is_refused():
    """helper-70: the surname column given as the id column travelled in the clear as ids."""
    from linkcore.errors import MappingError
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret
    from linkcore.schema import Mapping, Schema

    schema = Schema.from_dict({"linkcore_schema": 3, "fields": [
        {"name": "first_name", "kind": "name"}, {"name": "last_name", "kind": "name"}]})
    df = pd.DataFrame({"first_name": ["ANNE", "BOB"], "last_name": ["SMITH", "JONES"]})
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "last_name", "fields": {
        "first_name": {"column": "first_name"}, "last_name": {"column": "last_name"}}})
    with pytest.raises(MappingError, match="id column 'last_name' is also a source") as info:
        encode(df, schema, Secret(bytes(range(32))), mapping)
    assert "SMITH" not in str(info.value)


def test_encode_warns_when_most_of_a_field_cannot_be_read():
    """helper-70: dates in another format than the mapping's were all encoded as missing, with
    every name salted with them, and nothing said so outside the logger."""
    import warnings

    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret
    from linkcore.schema import Mapping, Schema

    schema = Schema.from_dict({"linkcore_schema": 3, "fields": [
        {"name": "dob", "kind": "date"},
        {"name": "first_name", "kind": "name", "salt": {"field": "dob", "transform": "value"}}]})
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": {
        "dob": {"column": "dob", "date_format": "%Y-%m-%d"},
        "first_name": {"column": "first_name"}}})
    df = pd.DataFrame({"id": ["1", "2", "3"], "dob": ["02/03/1980", "04/05/1990", "06/07/2000"],
                       "first_name": ["ANNE", "BOB", "CAROL"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encode(df, schema, Secret(bytes(range(32))), mapping)
    lines = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(lines) == 1 and lines[0].startswith("dob: 3 of 3 values could not be read")
    assert "first_name" in lines[0] and "1980" not in lines[0]
    df["dob"] = ["1980-03-02", "1990-05-04", "2000-07-06"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        encode(df, schema, Secret(bytes(range(32))), mapping)


def test_evaluate_refuses_a_truth_whose_columns_are_swapped():
    """helper-70: from Python a swapped truth scored 0 where the command line refused it."""
    from linkcore.errors import InputDataError

    matches = pd.DataFrame({"id_a": ["a1", "a2", "a3"], "id_b": ["b1", "b2", "b9"],
                            "probability": [0.9, 0.8, 0.7]})
    truth = pd.DataFrame({"id_a": ["a1", "a2", "a4"], "id_b": ["b1", "b2", "b4"]})
    assert linkcore.evaluate(matches, truth).tp == 2
    swapped = truth.rename(columns={"id_a": "id_b", "id_b": "id_a"})
    with pytest.raises(InputDataError, match="the columns look swapped"):
        linkcore.evaluate(matches, swapped)
    # nothing right but nothing crossed either: a poor linkage scores 0, as before
    other = pd.DataFrame({"id_a": ["a7"], "id_b": ["b7"]})
    assert linkcore.evaluate(matches, other).f1 == 0
