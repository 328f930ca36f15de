"""Views of several fields: first name and surname as one exact token under the postcode."""

import numpy as np
import pandas as pd
import pytest
from keybytes import key_bytes

from linkcore.audit.reference import plaintext_table
from linkcore.errors import SchemaError
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.linkage.compare import Comparator, fallback_views
from linkcore.linkage.levels import EXACT_LEVEL, MISSING_LEVEL, FieldComparison
from linkcore.schema import Mapping, Schema

EXACT = {"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
         "comparison": {"thresholds": []}}


def doc(view: dict) -> dict:
    salted = {"salt": {"field": "dob", "transform": "value"}}
    return {"linkcore_schema": 2, "clk": None, "fields": [
        {"name": "first_name", "kind": "name", **salted},
        {"name": "last_name", "kind": "name", **salted},
        {"name": "dob", "kind": "date", **EXACT},
        {"name": "postcode", "kind": "postcode", **EXACT},
        {"name": "full_name_by_postcode", "kind": "name", **EXACT,
         "source": ["first_name", "last_name"],
         "salt": {"field": "postcode", "transform": "value"}, **view},
    ]}


TABLE = pd.DataFrame({
    "id": ["1", "2", "3", "4", "5"],
    "first_name": ["Ann", "Ann", "Ann", "Ann", None],
    "last_name": ["Lee", "Lee", "Leigh", "Lee", "Lee"],
    "dob": ["1970-01-01", None, "1970-01-01", "1980-02-02", "1970-01-01"],
    "postcode": ["SW1A 1AA", "SW1A 1AA", "SW1A 1AA", "LS1 4AP", "SW1A 1AA"]})


def encoded(schema: Schema):
    return encode(TABLE, schema, Secret(key_bytes("j")), Mapping.identity(schema))


def test_the_sources_values_are_joined_and_missing_where_any_is():
    schema = Schema.from_dict(doc({}))
    view = schema.field("full_name_by_postcode")
    assert view.source == "first_name" and view.sources == ("first_name", "last_name")
    assert schema.to_dict()["fields"][4]["source"] == ["first_name", "last_name"]
    assert Schema.from_dict(schema.to_dict()) == schema
    ds = encoded(schema)
    j = list(ds.fields).index("full_name_by_postcode")
    assert ds.missing[:, j].tolist() == [False, False, False, False, True]
    f = ds.fields["full_name_by_postcode"]
    assert (f[0] == f[1]).all()  # same names, same postcode, whatever the date of birth
    assert not (f[0] == f[2]).all()  # another surname
    assert not (f[0] == f[3]).all()  # another postcode
    plain = plaintext_table(TABLE, schema, Mapping.identity(schema))
    assert plain["full_name_by_postcode"][0] == "ann\x1flee"
    assert plain["full_name_by_postcode"][4] is None


def test_its_level_counts_only_where_a_source_is_not_compared():
    schema = Schema.from_dict(doc({}))
    ds = encoded(schema)
    fields = ["first_name", "last_name", "dob", "postcode", "full_name_by_postcode"]
    assert fallback_views(ds, fields) == [(4, (0, 1))]
    comparisons = [FieldComparison(f, () if f in ("dob", "postcode", "full_name_by_postcode")
                                   else (0.8,)) for f in fields]
    levels = Comparator(ds, ds, comparisons).levels(np.array([0, 0]), np.array([2, 1]))
    # row 0 against 2: same date, the names compared, so the view is not counted
    assert levels[0, 4] == MISSING_LEVEL and levels[0, 0] == EXACT_LEVEL
    # row 0 against 1: no date on one side, the names gated off: the view counts
    assert levels[1, 0] == MISSING_LEVEL and levels[1, 4] == EXACT_LEVEL


@pytest.mark.parametrize("view, message", [
    ({"source": ["first_name"]}, "a list of two or more other fields"),
    ({"source": ["first_name", "first_name"]}, "a list of two or more other fields"),
    ({"source": ["first_name", "nobody"]}, "a list of two or more other fields"),
    ({"source": ["first_name", "dob"]}, "kind and normalisation"),
    ({"tokens": {"type": "qgram", "q": 2}, "comparison": {"thresholds": [0.8]}},
     "must be one exact token"),
    ({"salt": {"field": "dob", "transform": "value"}}, "salted differently"),
])
def test_bad_joined_views_are_refused(view, message):
    with pytest.raises(SchemaError, match=message):
        Schema.from_dict(doc(view))
