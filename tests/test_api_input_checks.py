"""The Python API refuses wrong types with its own errors and reads numbers as a CSV would.

A name column of numbers is reported as unreadable (so ``strict`` fails), not silently missing;
an integer column that pandas holds as floats (because of missing values) encodes as the same
identifier as its text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkcore.errors import InvalidValueError, ParameterError
from linkcore.holder.encode import encode, encode_with_report
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link
from linkcore.schema import Mapping, Schema

SECRET = Secret(bytes(range(7, 39)))
SCHEMA = Schema.from_dict({"linkcore_schema": 1, "fields": [
    {"name": "first_name", "kind": "name", "salt": None, "hardening": []},
    {"name": "nhs", "kind": "identifier", "salt": None, "hardening": []}]})
MAPPING = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": {
    "first_name": {"column": "first"}, "nhs": {"column": "nhs"}}})


def table(nhs, first=("Ann", "Bob", "Cy")) -> pd.DataFrame:
    return pd.DataFrame({"id": ["a", "b", "c"], "first": list(first), "nhs": nhs})


def test_an_integer_column_held_as_floats_encodes_as_its_text():
    as_text = encode(table(["4857773456", None, "9434765919"]), SCHEMA, SECRET, MAPPING)
    as_float = encode(table([4857773456.0, np.nan, 9434765919.0]), SCHEMA, SECRET, MAPPING)
    as_int = encode(table(pd.array([4857773456, None, 9434765919], dtype="Int64")), SCHEMA,
                    SECRET, MAPPING)
    for other in (as_float, as_int):
        assert np.array_equal(other.fields["nhs"], as_text.fields["nhs"])
        assert np.array_equal(other.missing, as_text.missing)


def test_a_name_column_of_numbers_is_unreadable_not_missing():
    df = table(["1", "2", "3"], first=(12345, "007", "---"))
    _, report = encode_with_report(df, SCHEMA, SECRET, MAPPING)
    assert report.invalid_counts["first_name"] == 2  # the two numbers; "---" is missing
    assert report.missing_counts["first_name"] == 3
    with pytest.raises(InvalidValueError):
        encode(df, SCHEMA, SECRET, MAPPING, strict=True)


def test_wrong_types_are_refused_by_name():
    df = table(["1", "2", "3"])
    with pytest.raises(TypeError, match="DataFrame, not list"):
        encode(df.to_dict("records"), SCHEMA, SECRET, MAPPING)
    with pytest.raises(TypeError, match="mapping must be a linkcore.Mapping"):
        encode(df, SCHEMA, SECRET, MAPPING.to_dict())
    with pytest.raises(TypeError, match="schema must be a linkcore.Schema"):
        suggest_mapping(df, SCHEMA.to_dict())
    with pytest.raises(TypeError, match="DataFrame, not dict"):
        suggest_schema({"id": ["a"]})


def test_link_refuses_a_bad_seed_blocking_or_client():
    pop = pd.DataFrame({"id": [f"r{i}" for i in range(30)],
                        "first": ["Ann", "Bob", "Cy"] * 10, "nhs": [str(i) for i in range(30)]})
    a = encode(pop, SCHEMA, SECRET, MAPPING)
    b = encode(pop.assign(id=[f"s{i}" for i in range(30)]), SCHEMA, SECRET, MAPPING)
    with pytest.raises(ParameterError, match="seed must be a whole number, not a str"):
        link(a, b, seed="x")
    with pytest.raises(ParameterError, match="blocking must be"):
        link(a, b, blocking=None)
    with pytest.raises(ParameterError, match="one and the same; to find duplicates"):
        link(a, a)
    pytest.importorskip("distributed")
    with pytest.raises(ParameterError, match="client must be a dask.distributed Client"):
        link(a, b, engine="dask", client="tcp://127.0.0.1:1")
