"""Edge inputs of issue 12: each once crashed or answered wrongly; now a result or one error line.

- ``evaluate`` on a matches file with a header and no rows (it was "internal error").
- ``audit`` on a data file (or reference) with no records (it exited 0, even --fail-on-risk).
- An encoded linkcore file where a data table is expected (it said "re-save it as UTF-8"),
  and files whose content and name disagree (Parquet named .csv, text named .parquet).
- ``synth --seed -1`` and ``demo -o`` where no folder can be made (they were internal errors).

Key files that other users can read are refused in test_keys.py and test_cli_encode.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from strategies import record_schema_doc

from linkcore._io import read_table
from linkcore.cli import main
from linkcore.errors import InputDataError, ParameterError
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping
from linkcore.synth import generate_extracts, generate_population

KEY = Secret(bytes(range(7, 39)))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error_line(res, *expected: str) -> str:
    """Exit 2 with exactly one stderr line ``error: ...`` containing ``expected``."""
    assert res.exit_code == 2, (res.exit_code, res.output)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.output
    for part in expected:
        assert part in lines[0], (part, lines[0])
    return lines[0]


# --------------------------------------------------------------------------------------
# evaluate: a matches file with a header and no rows
# --------------------------------------------------------------------------------------
@pytest.fixture
def truth(tmp_path: Path) -> Path:
    path = tmp_path / "truth.csv"
    pd.DataFrame({"id_a": ["1", "2", "3"], "id_b": ["7", "8", "9"]}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("header", ["id_a,id_b,probability", "id_a,id_b"])
def test_evaluate_an_empty_matches_file_scores_nothing_found(tmp_path, truth, header):
    matches = tmp_path / "matches.csv"
    matches.write_text(header + "\n")
    res = run("evaluate", matches, "--truth", truth, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["precision"], out["recall"], out["f1"]) == (1.0, 0.0, 0.0)
    assert (out["tp"], out["fp"], out["fn"]) == (0, 0, 3)
    text = run("evaluate", matches, "--truth", truth)
    assert text.exit_code == 0, text.output
    assert "recall 0.0000" in text.stdout
    if "probability" in header:
        assert out["best_f1"]["threshold"] is None
        assert "no threshold to choose" in text.stdout
        curve = tmp_path / "curve.csv"
        res = run("evaluate", matches, "--truth", truth, "--curve", curve, "--threshold", "0.5")
        assert res.exit_code == 0, res.output
        assert pd.read_csv(curve).empty


# --------------------------------------------------------------------------------------
# audit: no records to audit, or no reference population
# --------------------------------------------------------------------------------------
@pytest.fixture
def audit_files(tmp_path: Path) -> dict[str, Path]:
    people = generate_population(300, seed=5)
    a = generate_extracts(people, 2, 0.5, "clean", seed=5).extracts[0]
    data = pd.DataFrame({"id": a["rec_id"], "first_name": a["given_name"],
                         "last_name": a["surname"], "dob": a["dob"], "sex": a["sex"],
                         "postcode": a["postcode"]})
    files = {"data": tmp_path / "data.csv", "ref": tmp_path / "ref.csv",
             "empty": tmp_path / "empty.csv", "schema": tmp_path / "schema.json",
             "key": tmp_path / "k.key"}
    data.to_csv(files["data"], index=False)
    data.to_csv(files["ref"], index=False)
    data.iloc[:0].to_csv(files["empty"], index=False)
    files["schema"].write_text(json.dumps(record_schema_doc()))
    KEY.write(files["key"])
    return files


@pytest.mark.parametrize("fail_on_risk", [False, True])
def test_audit_of_a_file_without_records_is_refused(audit_files, fail_on_risk):
    f = audit_files
    base = ["audit", "--schema", f["schema"], "--key-file", f["key"]]
    extra = ["--fail-on-risk"] if fail_on_risk else []
    res = run(*base, f["empty"], "--reference", f["ref"], *extra)
    one_error_line(res, "no records", str(f["empty"]), "nothing to audit")
    res = run(*base, f["data"], "--reference", f["empty"], *extra)
    one_error_line(res, "no records", "reference")


def test_run_audit_refuses_empty_tables(audit_files):
    from linkcore.audit.run import run_audit
    from linkcore.schema import Schema

    schema = Schema.load(audit_files["schema"])
    data = read_table(audit_files["data"])
    mapping = Mapping.identity(schema)
    with pytest.raises(InputDataError, match="no records"):
        run_audit(data.iloc[:0], schema, mapping, KEY, data)
    with pytest.raises(InputDataError, match="reference has no records"):
        run_audit(data, schema, mapping, KEY, data.iloc[:0])


# --------------------------------------------------------------------------------------
# data tables: encoded files, and files whose name and content disagree
# --------------------------------------------------------------------------------------
@pytest.fixture
def encoded(audit_files, tmp_path) -> Path:
    out = tmp_path / "a.linkcore.parquet"
    f = audit_files
    res = run("encode", f["data"], "--schema", f["schema"], "--key-file", f["key"], "-o", out,
              "-q")
    assert res.exit_code == 0, res.output
    return out


def _table_commands(f: dict[str, Path], data: Path, tmp: Path) -> list[list]:
    return [
        ["encode", data, "--schema", f["schema"], "--key-file", f["key"], "-o", tmp / "x.parquet"],
        ["audit", data, "--schema", f["schema"], "--key-file", f["key"], "--reference", f["ref"]],
        ["audit", f["data"], "--schema", f["schema"], "--key-file", f["key"], "--reference", data],
        ["schema", "suggest", data, "-o", tmp / "s.json", "--mapping-out", tmp / "m.json"],
        ["evaluate", data, "--truth", data],
    ]


@pytest.mark.parametrize("name", ["copy.parquet", "copy.csv"])
def test_an_encoded_file_is_not_a_data_table(audit_files, encoded, tmp_path, name):
    data = tmp_path / name
    data.write_bytes(encoded.read_bytes())
    for args in _table_commands(audit_files, data, tmp_path):
        line = one_error_line(run(*args), "encoded linkcore file, not a data table")
        assert "UTF-8" not in line
    assert not (tmp_path / "x.parquet").exists() and not (tmp_path / "s.json").exists()


def test_a_binary_file_is_still_not_utf8(audit_files, tmp_path):
    data = tmp_path / "data.csv"
    data.write_bytes(bytes(range(256)) * 4)
    for args in _table_commands(audit_files, data, tmp_path):
        one_error_line(run(*args), "not UTF-8")


def test_names_and_contents_that_disagree(tmp_path):
    text = tmp_path / "really_csv.parquet"
    text.write_text("id,name\n1,Ann\n")
    with pytest.raises(InputDataError, match="not a Parquet file"):
        read_table(text)
    parquet = tmp_path / "really_parquet.csv"
    pd.DataFrame({"id": ["1"]}).to_parquet(parquet, index=False)
    with pytest.raises(InputDataError, match="is a Parquet file, not CSV text; name it .parquet"):
        read_table(parquet)


def test_a_parquet_column_without_a_name_is_named_as_in_csv(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"": ["r1", "r2"], "name": ["Ann", "Bo"]}), path)
    assert list(read_table(path).columns) == ["Unnamed: 0", "name"]
    res = run("schema", "suggest", path, "-o", tmp_path / "s.json", "--mapping-out",
              tmp_path / "m.json", "-q")
    if res.exit_code == 0:  # whatever it suggests must load again
        Mapping.load(tmp_path / "m.json")
    else:
        one_error_line(res)


def test_a_parquet_column_of_non_text_bytes(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["1", "2"], "blob": pa.array([b"\xff\xfe", b"ok"])}), path)
    with pytest.raises(InputDataError, match="binary data that is not UTF-8"):
        read_table(path)


# --------------------------------------------------------------------------------------
# synth --seed -1, demo where no folder can be made
# --------------------------------------------------------------------------------------
def test_synth_refuses_a_negative_seed(tmp_path):
    out = tmp_path / "out"
    one_error_line(run("synth", "-n", 10, "--seed", -1, "-o", out), "--seed", "0 or more")
    assert not out.exists()
    for bad in (-1, 1.5, "7", True):
        with pytest.raises(ParameterError, match="seed"):
            generate_population(10, seed=bad)
    people = generate_population(10, seed=0)
    with pytest.raises(ParameterError, match="seed"):
        generate_extracts(people, 2, 0.5, "clean", seed=-3)
    assert len(generate_population(10, seed=np.int64(4))) == 10


def test_demo_into_a_path_that_cannot_be_a_folder(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    line = one_error_line(run("demo", "-n", 100, "-o", blocker / "demo", "-q"),
                          "cannot write", "is not a folder")
    assert "internal error" not in line
    assert blocker.read_text() == "x"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="POSIX permissions (root may write anywhere)")
def test_demo_into_a_read_only_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        one_error_line(run("demo", "-n", 100, "-o", locked / "demo", "-q"), "is not writable")
        one_error_line(run("demo", "-n", 100, "-o", locked, "-q"), "is not writable")
    finally:
        locked.chmod(0o755)
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("row", [1, 3])
def test_a_row_with_more_cells_than_the_header_is_refused_not_shifted(tmp_path, row):
    # pandas takes the first column as the index when the first row has a cell too many, so
    # every value would move one column left (a first name read as the record id)
    lines = ["rec_id,first_name,last_name", "r1,Julie,Smith", "r2,Jaan,Tamm", "r3,Ann,Lee"]
    lines[row] += ",EXTRA"
    path = tmp_path / "shifted.csv"
    path.write_text("\n".join(lines) + "\n")
    # the row and both counts, whichever row it is (the first one said only "a row", helper-65)
    with pytest.raises(InputDataError, match=f"data row {row} has 4 cells, the header 3"):
        read_table(path)
    schema = tmp_path / "schema.json"
    res = run("schema", "suggest", path, "-o", schema, "-q")
    assert res.exit_code == 2, res.output
    assert res.output.count("\n") == 1 and "Julie" not in res.output
    assert not schema.exists()


def test_evaluate_refuses_a_truth_file_with_a_header_only(tmp_path, truth):
    matches = tmp_path / "matches.csv"
    matches.write_text("id_a,id_b\n1,7\n")
    empty = tmp_path / "empty_truth.csv"
    empty.write_text("id_a,id_b\n")
    res = run("evaluate", matches, "--truth", empty)
    assert res.exit_code == 2 and res.output.count("\n") == 1, res.output
    assert "holds no rows" in res.output


@pytest.mark.parametrize("block", [1, 2, 5, 64, 1 << 23])
@pytest.mark.parametrize("where", [0, 9, 10, 11, 57])
def test_the_nul_search_finds_the_line_whatever_the_block(tmp_path, monkeypatch, block, where):
    """The NUL search reads a block at a time; the line it names does not depend on the blocks."""
    from linkcore import _io

    text = bytearray(b"id,name\n1,ann\n2,bo\n3,cy\n4,di\n5,ed\n6,flo\n7,gus\n8,hal\n9,ivy\n")
    text[where] = 0
    path = tmp_path / "t.csv"
    path.write_bytes(bytes(text))
    monkeypatch.setattr(_io, "_SCAN_BYTES", block)
    with pytest.raises(InputDataError, match=rf"NUL byte \(line {text[:where].count(10) + 1}\)"):
        _io._refuse_nul(path, len(text))
    path.write_bytes(bytes(text).replace(b"\x00", b"x"))
    _io._refuse_nul(path, len(text))  # no NUL: nothing raised


def test_a_file_cut_short_after_its_size_was_read_is_searched_as_it_is(tmp_path):
    """Regression: the search mapped the file, and a file cut short while mapped is a SIGBUS."""
    from linkcore import _io

    path = tmp_path / "t.csv"
    path.write_bytes(b"id,name\n1,ann\n")
    _io._refuse_nul(path, 10_000_000)  # the size given is larger than the file: no crash


def test_a_parquet_float_column_reads_whole_numbers_without_a_point(tmp_path):
    """Regression: an id or yyyymmdd date column saved as floats read '68548688.0'."""
    path = tmp_path / "t.parquet"
    pd.DataFrame({"id": [68548688.0, 11725018.0, np.nan, 2.5],
                  "dob": [19710219.0, np.nan, 20010101.0, 19991231.0]}).to_parquet(path)
    df = read_table(path)
    assert df["id"].tolist() == ["68548688", "11725018", None, "2.5"]
    assert df["dob"].tolist() == ["19710219", None, "20010101", "19991231"]


def test_a_parquet_date_column_reads_as_its_days_whatever_the_date_format(tmp_path):
    """Regression: date32 and timestamp columns were read as ISO text, so a mapping's
    ``%d/%m/%Y`` made them invalid (spec section 3: a date cell is its own day)."""
    import datetime as dt

    from linkcore.holder.encode import encode
    from linkcore.schema import Schema

    days = [dt.date(1980, 1, 2), None, dt.date(1849, 12, 31), dt.date(2000, 2, 29)]
    stamps = [dt.datetime(1980, 1, 2, 3, 0, tzinfo=dt.UTC), None,
              dt.datetime(1999, 6, 30, 23, 30, tzinfo=dt.UTC),
              dt.datetime(2000, 2, 29, 12, tzinfo=dt.UTC)]
    table = pa.table({
        "id": ["a", "b", "c", "d"],
        "d32": pa.array(days, pa.date32()),
        "stamp": pa.array(stamps, pa.timestamp("us", tz="America/New_York")),
        "text": ["1980-01-02", None, "1849-12-31", "2000-02-29"],
    })
    pq.write_table(table, tmp_path / "t.parquet")
    schema_doc = {"linkcore_schema": 3, "fields": [
        {"name": "dob", "kind": "date", "tokens": {"type": "exact"}, "filter_bits": 128},
        {"name": "seen", "kind": "date", "tokens": {"type": "exact"}, "filter_bits": 128}]}
    (tmp_path / "s.json").write_text(json.dumps(schema_doc))
    fmt = {"dob": {"column": "d32", "date_format": "%d/%m/%Y"},
           "seen": {"column": "stamp", "date_format": "%d/%m/%Y"}}
    as_text = {"dob": {"column": "text", "date_format": "%Y-%m-%d"},
               "seen": {"column": "stamp", "date_format": "excel"}}
    for name, fields in (("m1", fmt), ("m2", as_text)):
        (tmp_path / f"{name}.json").write_text(json.dumps(
            {"linkcore_mapping": 1, "id_column": "id", "fields": fields}))
    (tmp_path / "k.key").write_bytes(bytes(range(7, 39)).hex().encode())
    os.chmod(tmp_path / "k.key", 0o600)
    res = run("schema", "validate", tmp_path / "s.json", "--mapping", tmp_path / "m1.json",
              "--data", tmp_path / "t.parquet")
    assert res.exit_code == 0, res.output
    for name in ("m1", "m2"):
        res = run("encode", tmp_path / "t.parquet", "--schema", tmp_path / "s.json",
                  "--mapping", tmp_path / f"{name}.json", "--key-file", tmp_path / "k.key",
                  "-o", tmp_path / f"{name}.parquet", "-q")
        assert res.exit_code == 0, res.output
    one, two = (pq.read_table(tmp_path / f"{n}.parquet") for n in ("m1", "m2"))
    assert one.equals(two.replace_schema_metadata(one.schema.metadata))
    assert one["field:dob"].null_count == 2  # the missing day and the year 1849
    # the API reads the same table (pandas Timestamps) the same way: the day in New York
    api = encode(table.to_pandas(), Schema.from_dict(schema_doc), Secret(bytes(range(7, 39))),
                 Mapping.load(tmp_path / "m1.json"))
    assert [None if v is None else bytes(v) for v in one["field:seen"].to_pylist()] == [
        None if api.missing[i, 1] else api.fields["seen"][i].tobytes() for i in range(4)]


def test_the_audit_reads_a_date_cell_as_its_day_whatever_the_date_format():
    import datetime as dt

    from linkcore.audit.reference import normalised_values
    from linkcore.schema import Schema

    schema = Schema.from_dict({"linkcore_schema": 3, "fields": [{"name": "dob", "kind": "date"}]})
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": {
        "dob": {"column": "dob", "date_format": "%d/%m/%Y"}}})
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "dob": [
        dt.date(1980, 1, 2), "03/04/1990", pd.Timestamp("1849-01-01"), None]})
    assert normalised_values(df, schema.field("dob"), mapping).tolist() == [
        "1980-01-02", "1990-04-03", None, None]
