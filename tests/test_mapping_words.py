"""A holder whose one column holds several names maps it to several fields with "words"."""

import pandas as pd
import pytest
from keybytes import key_bytes

from linkcore.errors import MappingError
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema

SCHEMA = Schema.from_dict({"linkcore_schema": 1, "clk": None, "fields": [
    {"name": "first_name", "kind": "name"}, {"name": "middle_name", "kind": "name"}]})
SECRET = Secret(key_bytes("\x07"))


def test_first_and_rest_words_match_separate_columns():
    a = pd.DataFrame({"id": ["1", "2"], "first_name": ["Mary", "John"],
                      "middle_name": ["Jane Ann", None]})
    b = pd.DataFrame({"rid": ["x", "y"], "FORENAME": ["MARY JANE ANN", "Mr John"]})
    mapping_b = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "rid", "fields": {
        "first_name": {"column": "FORENAME", "words": "first"},
        "middle_name": {"column": "FORENAME", "words": "rest"}}})
    ea = encode(a, SCHEMA, SECRET)
    eb = encode(b, SCHEMA, SECRET, mapping_b)
    assert (ea.fields["first_name"] == eb.fields["first_name"]).all()
    assert (ea.fields["middle_name"][0] == eb.fields["middle_name"][0]).all()
    assert eb.missing[1, 1] and ea.missing[1, 1]  # "Mr John": title dropped, no middle name


THREE = Schema.from_dict({"linkcore_schema": 1, "clk": None, "fields": [
    {"name": "first_name", "kind": "name"}, {"name": "middle_name", "kind": "name"},
    {"name": "last_name", "kind": "name"}]})


def test_a_whole_name_column_gives_first_middle_and_last_names():
    a = pd.DataFrame({"id": ["1", "2", "3", "4"], "first_name": ["Mary", "John", "Cher", None],
                      "middle_name": ["Jane Ann", None, None, None],
                      "last_name": ["Smith", "O'Neil", None, None]})
    b = pd.DataFrame({"rid": ["w", "x", "y", "z"],
                      "NAME": ["MARY JANE ANN SMITH", "Mr John O'Neil", "Cher", ""]})
    mapping_b = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "rid", "fields": {
        "first_name": {"column": "NAME", "words": "first"},
        "middle_name": {"column": "NAME", "words": "middle"},
        "last_name": {"column": "NAME", "words": "last"}}})
    ea = encode(a, THREE, SECRET)
    eb = encode(b, THREE, SECRET, mapping_b)
    assert (ea.missing == eb.missing).all()  # one word: a first name only; empty: all missing
    for name in THREE.field_names:
        assert (ea.fields[name] == eb.fields[name]).all(), name


def test_words_round_trips_and_is_validated():
    doc = {"linkcore_mapping": 1, "id_column": "rid",
           "fields": {"first_name": {"column": "F", "words": "first"},
                      "middle_name": {"column": "F", "words": "rest"}}}
    assert Mapping.from_dict(doc).to_dict()["fields"] == doc["fields"]
    doc["fields"]["first_name"]["words"] = "second"
    with pytest.raises(MappingError, match="'words' must be one of all, first, rest, last, middle"):
        Mapping.from_dict(doc)


def test_whitespace_only_ids_are_refused():
    from linkcore.errors import InputDataError

    df = pd.DataFrame({"id": ["1", "  "], "first_name": ["a", "b"], "middle_name": [None, None]})
    with pytest.raises(InputDataError, match=r"1 record\(s\) have no id .*rows 2"):
        encode(df, SCHEMA, SECRET)


def test_key_file_with_a_byte_order_mark_is_read(tmp_path):
    key_file = tmp_path / "k.key"
    key_file.write_bytes("\ufeff".encode() + SECRET.to_text().encode())
    key_file.chmod(0o600)
    assert Secret.from_file(key_file).key_check_value() == SECRET.key_check_value()
