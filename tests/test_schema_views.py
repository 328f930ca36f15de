import pandas as pd
import pytest
from keybytes import key_bytes

from linkcore.errors import MappingError, SchemaError
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema


def doc(view: dict) -> dict:
    return {"linkcore_schema": 1, "clk": None, "fields": [
        {"name": "last_name", "kind": "name", "salt": {"field": "dob", "transform": "value"}},
        {"name": "dob", "kind": "date"},
        {"name": "postcode", "kind": "postcode"},
        {"name": "sex", "kind": "sex"},
        {"name": "last_name_by_postcode", "kind": "name", "source": "last_name",
         "salt": {"field": "postcode", "transform": "value"}, **view},
    ]}


def test_a_view_encodes_its_source_value_under_its_own_salt():
    schema = Schema.from_dict(doc({}))
    assert schema.field("last_name_by_postcode").source == "last_name"
    assert schema.to_dict()["fields"][4]["source"] == "last_name"
    assert "source" not in schema.to_dict()["fields"][0]
    df = pd.DataFrame({"id": ["1", "2", "3"], "last_name": ["Smith", "Smith", "Jones"],
                       "dob": ["1970-01-01", None, "1970-01-01"],
                       "postcode": ["SW1A 1AA", "SW1A 1AA", None], "sex": ["F", "F", "M"]})
    ds = encode(df, schema, Secret(key_bytes("v")), Mapping.identity(schema))
    fields = list(ds.fields)
    miss = ds.missing
    # salted with the date of birth: missing where the date is; by postcode: where the postcode is
    assert miss[:, fields.index("last_name")].tolist() == [False, True, False]
    assert miss[:, fields.index("last_name_by_postcode")].tolist() == [False, False, True]
    view = ds.fields["last_name_by_postcode"]
    assert (view[0] == view[1]).all()  # same surname, same postcode
    assert not (ds.fields["last_name"][0] == view[0]).all()  # other subkey, other salt


@pytest.mark.parametrize("view, message", [
    ({"source": "nobody"}, "'source' must name another field"),
    ({"source": "last_name_by_postcode"}, "'source' must name another field"),
    ({"salt": None}, "needs a salt of its own"),
    ({"salt": {"field": "dob", "transform": "value"}}, "salted differently"),
    ({"kind": "text"}, "kind and normalisation"),
])
def test_bad_views_are_refused(view, message):
    with pytest.raises(SchemaError, match=message):
        Schema.from_dict(doc(view))


def test_a_view_of_a_view_is_refused():
    d = doc({})
    d["fields"].append({"name": "again", "kind": "name", "source": "last_name_by_postcode",
                        "salt": {"field": "sex", "transform": "value"}})
    with pytest.raises(SchemaError, match="itself a view"):
        Schema.from_dict(d)


def test_a_mapping_must_not_map_a_view():
    schema = Schema.from_dict(doc({}))
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": {
        f: {"column": f} for f in ("last_name", "dob", "postcode", "sex",
                                   "last_name_by_postcode")}})
    with pytest.raises(MappingError, match="is a view of 'last_name'"):
        mapping.check_schema(schema)


def test_a_field_may_be_salted_with_a_coarser_part_of_itself():
    base = {"linkcore_schema": 1, "clk": None, "fields": [
        {"name": "postcode", "kind": "postcode",
         "salt": {"field": "postcode", "transform": "postcode_district"}}]}
    schema = Schema.from_dict(base)
    df = pd.DataFrame({"id": ["1", "2", "3"], "postcode": ["SW1A 1AA", "SW1A 2BB", "M1 1AE"]})
    ds = encode(df, schema, Secret(key_bytes("p")), Mapping.identity(schema))
    assert not ds.missing.any()
    base["fields"][0]["salt"]["transform"] = "value"
    with pytest.raises(SchemaError, match="its own whole value"):
        Schema.from_dict(base)
