"""The Python API on unusual or bad input: cells read as the CLI reads them, clear errors.

Cases from a red-team session that had not read the code (stop 31): each was a silently wrong
result, an overwritten key or input, an identifier inside an exception, or a raw traceback.
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import linkcore
from linkcore import Mapping, Schema, Secret
from linkcore.errors import (
    InputDataError,
    LinkcoreError,
    MappingError,
    ModelError,
    OutputError,
    ParameterError,
    SchemaError,
)
from linkcore.evaluate import evaluate, pr_curve
from linkcore.linkage import store
from linkcore.linkage.dedupe import link_and_dedupe
from linkcore.linkage.model import FellegiSunterModel
from linkcore.linkage.pseudonyms import ProjectKey, shared_counts, with_person_ids

SECRET = Secret(bytes(range(40, 72)))
SCHEMA = Schema.from_dict({"linkcore_schema": 2, "fields": [
    {"name": "fn", "kind": "name"}, {"name": "sn", "kind": "name"},
    {"name": "dob", "kind": "date"}]})
MAPPING = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "ref", "fields": {
    "fn": {"column": "fn"}, "sn": {"column": "sn"},
    "dob": {"column": "dob", "date_format": "%d/%m/%Y"}}})
TABLE = pd.DataFrame({"ref": ["1", "2", "3"], "fn": ["Ann", "Bob", "Cat"],
                      "sn": ["Smith", "Jones", "Brown"],
                      "dob": ["02/03/1980", "31/12/1975", "01/01/1990"]})


def encoded(df: pd.DataFrame = TABLE):
    return linkcore.encode(df, SCHEMA, SECRET, MAPPING, blip_nonce=bytes(16))


@pytest.mark.parametrize("fmt", ["%Y", "%Y-%m", "%d", "%H:%M", "%m/%Y", "%d/%m"])
def test_a_date_format_without_day_month_and_year_is_refused(fmt):
    doc = {"linkcore_mapping": 1, "id_column": "ref",
           "fields": {"dob": {"column": "c", "date_format": fmt}}}
    with pytest.raises(MappingError, match="does not give a day, a month and a year"):
        Mapping.from_dict(doc)


@pytest.mark.parametrize("fmt", ["%d/%m/%Y", "%Y%m%d", "%d %b %y", "%Y-%j", "%B %d, %Y"])
def test_whole_date_formats_are_accepted(fmt):
    Mapping.from_dict({"linkcore_mapping": 1, "id_column": "ref",
                       "fields": {"dob": {"column": "c", "date_format": fmt}}})


def test_float_record_ids_read_as_whole_numbers_as_evaluate_reads_them():
    ds = encoded(TABLE.assign(ref=[1.0, 2.0, 3.0]))
    assert list(ds.record_ids) == ["1", "2", "3"]
    result = linkcore.link(ds, encoded(TABLE.assign(ref=["b1", "b2", "b3"])))
    truth = pd.DataFrame({"id_a": [1.0, 2.0, 3.0], "id_b": ["b1", "b2", "b3"]})
    assert evaluate(result.matches, truth).recall == 1.0


@pytest.mark.parametrize("convert", [
    lambda s: pd.to_datetime(s, dayfirst=True),
    lambda s: pd.to_datetime(s, dayfirst=True).astype("datetime64[s]"),
    lambda s: pd.to_datetime(s, dayfirst=True).dt.tz_localize("Europe/London"),
    lambda s: pd.to_datetime(s, dayfirst=True).dt.date,
    lambda s: pd.to_datetime(s, dayfirst=True) + pd.Timedelta(hours=13),
], ids=["datetime64[ns]", "datetime64[s]", "tz-aware", "date objects", "with a time"])
def test_date_cells_read_as_their_day_whatever_the_text_format(convert):
    as_text = encoded()
    as_dates = encoded(TABLE.assign(dob=convert(TABLE["dob"])))
    assert not as_dates.missing.any()
    assert (as_dates.fields["dob"] == as_text.fields["dob"]).all()


def test_bytes_cells_read_as_utf8_text_not_their_repr():
    ds = encoded(TABLE.assign(sn=pd.Series([b"Smith", "Jones", b"Brown"],
                                           dtype=object)))
    assert (ds.fields["sn"] == encoded().fields["sn"]).all()


@pytest.mark.parametrize("column", ["sn", "ref"])
def test_text_that_is_not_unicode_is_refused_without_its_value(column):
    # object dtype: pandas 3's default string dtype cannot hold a lone surrogate at all
    bad = TABLE.assign(**{column: pd.Series(["Sm\ud800ith", "Jones", "Brown"], dtype=object)})
    with pytest.raises(InputDataError, match="not valid Unicode") as info:
        encoded(bad)
    assert "Sm" not in str(info.value) and all("Sm" not in str(a) for a in info.value.args)
    assert info.value.__cause__ is None and info.value.__context__ is None  # nothing kept


@pytest.mark.parametrize("cell", [["Mary Smith", "AB123456C"], {"nino": "AB123456C"},
                                  ("Mary", "Smith")], ids=["list", "dict", "tuple"])
def test_an_id_that_is_not_a_single_value_is_refused_without_its_text(cell):
    ids = pd.Series(["r1", None, "r3"], dtype=object)
    ids.at[1] = cell
    with pytest.raises(InputDataError, match="not single values") as info:
        encoded(TABLE.assign(ref=ids))
    assert "Smith" not in str(info.value) and "AB123456C" not in str(info.value)


def test_repeated_column_names_and_containers_in_cells_are_refused():
    with pytest.raises(InputDataError, match="repeats column name.*'sn'"):
        encoded(pd.concat([TABLE, TABLE[["sn"]]], axis=1))
    with pytest.raises(InputDataError, match="not single values"):
        encoded(TABLE.assign(sn=pd.Series([["Smith"], "Jones", "Brown"], dtype=object)))
    lists = pd.Series([["Smith"], ["Jones"], ["Brown"]], dtype=pd.ArrowDtype(pa.list_(pa.string())))
    with pytest.raises(InputDataError, match="not single values"):
        encoded(TABLE.assign(sn=lists))


@pytest.mark.parametrize("make", [lambda: ("Mary", "Smith"), lambda: frozenset({"Smith"}),
                                  lambda: (x for x in "Smith"), object],
                         ids=["tuple", "frozenset", "generator", "object"])
@pytest.mark.parametrize("columns", [1, 2])
def test_a_cell_holding_a_hashable_container_or_object_is_refused(make, columns):
    """Regression: a tuple in a name column was encoded as the text of its repr."""
    cells = pd.Series(["Smith", "Jones", "Brown"], dtype=object)
    cells.at[1] = make()
    table, mapping = TABLE.assign(sn=cells), MAPPING
    if columns == 2:  # the surname from two columns, joined
        doc = mapping.to_dict()
        doc["fields"]["sn"] = {"columns": ["sn", "sn2"]}
        table, mapping = table.assign(sn2=["A", "B", "C"]), Mapping.from_dict(doc)
    with pytest.raises(InputDataError, match="'sn' holds values that are not single") as info:
        linkcore.encode(table, SCHEMA, SECRET, mapping)
    assert "Smith" not in str(info.value) and "Mary" not in str(info.value)


def test_numbers_dates_bytes_uuids_and_periods_stay_single_values():
    cells = pd.Series([np.int64(7), uuid.UUID(int=5), pd.Timestamp("2020-01-02")], dtype=object)
    assert linkcore.encode(TABLE.assign(sn=cells), SCHEMA, SECRET, MAPPING).missing.shape == (3, 3)
    days = pd.Series([pd.Period("1980-03-02", freq="D"), "31/12/1975", "01/01/1990"],
                     dtype=object)
    assert len(encoded(TABLE.assign(dob=days))) == 3


@pytest.mark.parametrize("cell", [pd.Period("1980-03-02", freq="D"), pd.Timestamp("1980-03-02"),
                                  dt.date(1980, 3, 2)], ids=["period", "timestamp", "date"])
def test_a_date_object_is_read_by_its_day_under_an_explicit_text_format(cell):
    """Regression: a day's Period under ``date_format: %d/%m/%Y`` was read as ISO text: invalid."""
    days = pd.Series([cell, "31/12/1975", "01/01/1990"], dtype=object)
    ds = encoded(TABLE.assign(dob=days))
    assert ds.fields["dob"][0].tobytes() == encoded().fields["dob"][0].tobytes()
    assert not ds.missing[0].any()


def test_a_month_period_is_no_day():
    months = pd.Series([pd.Period("1980-03", freq="M"), "31/12/1975", "01/01/1990"], dtype=object)
    ds = encoded(TABLE.assign(dob=months))
    assert ds.missing[0, 2] and not ds.missing[1:, 2].any()


def test_one_dataset_or_one_file_given_twice_is_refused(tmp_path):
    ds = encoded()
    ds.write(tmp_path / "a.parquet")
    with pytest.raises(ParameterError, match="one and the same"):
        linkcore.link(ds, ds)
    with pytest.raises(ParameterError, match="one and the same"):
        linkcore.link(tmp_path / "a.parquet", str(tmp_path / "." / "a.parquet"))
    with pytest.raises(ParameterError, match="list of EncodedDatasets or file paths"):
        link_and_dedupe(str(tmp_path / "a.parquet"))
    with pytest.raises(ParameterError, match="list of EncodedDatasets or file paths"):
        link_and_dedupe(None)


def test_outputs_never_replace_a_key_file_or_an_encoded_input(tmp_path):
    key_path = tmp_path / "shared.key"
    SECRET.write(key_path)
    key_text = key_path.read_text()
    ds = encoded()
    with pytest.raises(OutputError, match="it is a linkcore key file"):
        ds.write(key_path)
    assert key_path.read_text() == key_text
    ds.write(tmp_path / "a.parquet")
    encoded(TABLE.assign(ref=["b1", "b2", "b3"])).write(tmp_path / "b.parquet")
    result = linkcore.link(tmp_path / "a.parquet", tmp_path / "b.parquet")
    for target in (tmp_path / "a.parquet", key_path.with_suffix(".csv")):
        if target.suffix == ".csv":
            target.write_text(key_text)  # a key under a table's name
        with pytest.raises(OutputError, match="key file|encoded linkcore file"):
            result.write(target)
    assert linkcore.EncodedDataset.read(tmp_path / "a.parquet").record_ids.size == 3
    SECRET.write(key_path, overwrite=True)  # a key may replace a key
    ds.write(tmp_path / "a.parquet")  # and an encoding an encoding


def test_person_ids_refuse_a_record_twice_or_an_empty_cell():
    key = ProjectKey(bytes(range(32)))
    twice = pd.DataFrame({"agency": ["x", "x", "x"], "id": ["r1", "r2", "r2"],
                          "cluster": [0, 0, 1]})
    with pytest.raises(ParameterError, match="more than once") as info:
        with_person_ids(twice, key)
    assert "r2" not in str(info.value)
    for column, value in (("agency", None), ("id", np.nan), ("id", " "), ("cluster", None)):
        table = pd.DataFrame({"agency": ["x", "y"], "id": ["r1", "r2"], "cluster": [0, 1]},
                             dtype=object)
        table.loc[1, column] = value
        with pytest.raises(ParameterError, match=f"with no {column}"):
            with_person_ids(table, key)
    with pytest.raises(TypeError, match="DataFrame"):
        with_person_ids([1, 2], key)
    with pytest.raises(TypeError, match="ProjectKey"):
        with_person_ids(twice.iloc[:2], "key")
    people = with_person_ids(twice.iloc[:2], key)
    with pytest.raises(ParameterError, match="not among the agencies given"):
        shared_counts(people, ["zz"])
    assert shared_counts(people, ["x", "zz"])["zz"].tolist() == [0]  # an agency with no records


@pytest.mark.parametrize("loader", [
    lambda p: Schema.load(p), lambda p: Mapping.load(p),
    lambda p: FellegiSunterModel.from_json(p.read_text())])
def test_deeply_nested_json_is_one_clear_error(tmp_path, loader):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises((SchemaError, MappingError, ModelError)):
        loader(path)


def test_wrong_argument_types_raise_type_errors_that_name_them(tmp_path):
    key = ProjectKey(bytes(range(32)))
    ds = encoded()
    with pytest.raises(TypeError, match="schema must be a linkcore.Schema"):
        MAPPING.check_schema("schema.json")
    with pytest.raises(TypeError, match="EncodedDataset"):
        store.create(tmp_path / "s.db", "a.parquet", key)
    with pytest.raises(TypeError, match="ProjectKey"):
        store.create(tmp_path / "s.db", ds, "k")
    store.create(tmp_path / "s.db", ds, key)
    with pytest.raises(TypeError, match="EncodedDataset"):
        store.update(tmp_path / "s.db", "2026-01", {"x": TABLE}, key, new_agencies=["x"])
    with pytest.raises(TypeError, match="map each agency"):
        store.update(tmp_path / "s.db", "2026-01", [ds], key, new_agencies=["x"])


def test_thresholds_that_are_not_numbers_are_refused():
    matches = pd.DataFrame({"id_a": ["1"], "id_b": ["1"], "probability": [0.9]})
    truth = pd.DataFrame({"id_a": ["1"], "id_b": ["1"]})
    with pytest.raises(ParameterError, match="not a str"):
        evaluate(matches, truth, threshold="0.5")
    with pytest.raises(ParameterError, match="thresholds must be numbers"):
        pr_curve(matches, truth, thresholds="abc")
    assert evaluate(matches, truth, threshold=np.float32(0.5)).recall == 1.0


def test_a_directory_given_as_a_file_is_named_as_such(tmp_path):
    with pytest.raises(LinkcoreError, match="is a directory"):
        Secret.from_file(tmp_path)
    with pytest.raises(SchemaError, match="is a directory"):
        Schema.load(tmp_path)


def test_column_names_that_are_not_text_are_named_as_the_problem():
    table = TABLE.copy()
    table.columns = range(len(table.columns))
    with pytest.raises(MappingError, match="column names are not all text"):
        encoded(table)


def test_date_objects_meet_the_same_year_range_as_text_dates():
    from linkcore.holder.encode import encode_with_report

    days = ["31/12/9999", "01/01/1800", "11/02/1975"]
    as_text = encode_with_report(TABLE.assign(dob=days), SCHEMA, SECRET, MAPPING)[1]
    objects = [dt.date(9999, 12, 31), dt.date(1800, 1, 1), dt.date(1975, 2, 11)]
    as_dates = encode_with_report(TABLE.assign(dob=pd.Series(objects, dtype=object)), SCHEMA,
                                  SECRET, MAPPING)[1]
    assert list(as_text.invalid_rows["dob"]) == list(as_dates.invalid_rows["dob"]) == [1, 2]


def test_bytes_that_are_not_utf8_are_refused_naming_rows_not_values():
    bad = TABLE.assign(sn=pd.Series([b"M\xfcller", "Jones", "Brown"], dtype=object))
    with pytest.raises(InputDataError, match="bytes that are not UTF-8") as info:
        encoded(bad)
    assert "ller" not in str(info.value)


def test_one_path_twice_among_several_files_is_refused(tmp_path):
    from linkcore.linkage.pipeline import link_many

    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    encoded().write(a)
    encoded(TABLE.assign(ref=["b1", "b2", "b3"])).write(b)
    for run in (lambda files: link_and_dedupe(files),
                lambda files: link_and_dedupe(files, names=["x", "y", "z"]),
                lambda files: link_many(files, names=["x", "y", "z"])):
        with pytest.raises(ParameterError, match="given twice"):
            run([a, b, tmp_path / "." / "a.parquet"])
    assert len(link_and_dedupe(iter([a, b])).clusters) == 6  # any iterable of files


def test_a_key_file_of_bare_hex_is_not_replaced_either(tmp_path):
    key_path = tmp_path / "hex.key"
    key_path.write_text(bytes(range(32)).hex() + "\n")
    with pytest.raises(OutputError, match="key file"):
        encoded().write(key_path)
    assert key_path.read_text().strip() == bytes(range(32)).hex()


def test_encode_partitions_are_bounded_apart_from_link_cells():
    from linkcore.cli.cluster import MAX_ENCODE_PARTITIONS, check_partitions

    check_partitions(400, MAX_ENCODE_PARTITIONS)
    with pytest.raises(ParameterError, match="from 1 to 256"):
        check_partitions(400)
    with pytest.raises(ParameterError, match="from 1 to 10,000"):
        check_partitions(MAX_ENCODE_PARTITIONS + 1, MAX_ENCODE_PARTITIONS)


def test_a_month_with_two_empty_files_withdraws_both_agencies(tmp_path):
    key = ProjectKey(bytes(range(32)))
    one = encoded()
    other = linkcore.encode(TABLE.assign(ref=["7", "8", "9"]), SCHEMA, SECRET, MAPPING)
    path = tmp_path / "s.db"
    store.create(path, one, key)
    store.update(path, "2026-01", {"a": one, "b": other}, key, new_agencies=["a", "b"])
    store.update(path, "2026-02", {"a": one.subset(slice(0, 0)),
                                   "b": other.subset(slice(0, 0))}, key)
    assert store.info(path)["records"] == 0


def test_a_key_given_as_a_path_never_reaches_an_error_message(tmp_path):
    import base64

    raw = bytes(range(40, 72))
    for text in (base64.b64encode(raw).decode(), raw.hex(), Secret(raw).to_text().strip()):
        with pytest.raises(LinkcoreError) as info:
            linkcore.EncodedDataset.read(text)
        assert text not in str(info.value) and "not shown" in str(info.value)
        with pytest.raises(OutputError, match="looks like a key"):
            encoded().write(tmp_path / text)
    assert not list(tmp_path.iterdir())
