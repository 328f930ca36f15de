"""Bad inputs reviews left accepted: short CSV rows, tables with nothing to link, copies; a full
disk, a NUL byte past the first 64 KiB, a pipe, a CLK file sent to a store, a store as an output.

Each is refused with exit 2 and one line that names the problem (never a value of the data),
and nothing is written.
"""

from __future__ import annotations

import base64
import io
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli_bad_input_sweep import one_line_error, run

from linkcore._csv_cells import first_short_row
from linkcore.cli._common import _out_of_space


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """Data, a key, a schema and mappings, two encoded files and a partitioned one."""
    return build_workspace(tmp_path_factory.mktemp("more"))


def build_workspace(d: Path) -> Path:
    """Make the workspace of ``ws`` in folder ``d`` (other review tests build on it)."""
    steps = [
        ("synth", "--people", 200, "--seed", 2, "-o", d / "data"),
        ("keygen", "-o", d / "k.key"),
        ("keygen", "-o", d / "project.key"),
        ("schema", "suggest", d / "data/agency_1.csv", "-o", d / "s.json",
         "--mapping-out", d / "m1.json"),
        ("schema", "suggest", d / "data/agency_2.csv", "--schema", d / "s.json",
         "-o", d / "m2.json"),
        ("encode", d / "data/agency_1.csv", "--schema", d / "s.json", "--mapping", d / "m1.json",
         "--key-file", d / "k.key", "-o", d / "a.parquet"),
        ("encode", d / "data/agency_2.csv", "--schema", d / "s.json", "--mapping", d / "m2.json",
         "--key-file", d / "k.key", "-o", d / "b.parquet"),
        ("encode", d / "data/agency_1.csv", "--schema", d / "s.json", "--mapping", d / "m1.json",
         "--key-file", d / "k.key", "-o", d / "a.parts", "--partitions", 2),
    ]
    for step in steps:
        res = run(*step, "-q")
        assert res.exit_code == 0, (step, res.output)
    return d


def _short_copy(ws: Path, tmp_path: Path, row: int) -> Path:
    """agency_1.csv with data row ``row`` (from 1) cut two cells short."""
    lines = (ws / "data/agency_1.csv").read_text().splitlines(keepends=True)
    cells = lines[row].rstrip("\n").split(",")
    lines[row] = ",".join(cells[:-2]) + "\n"
    path = tmp_path / "short.csv"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize("parts", [None, 3])
def test_a_csv_row_with_fewer_cells_than_the_header_is_refused(ws, tmp_path, parts):
    short = _short_copy(ws, tmp_path, 100)
    out = tmp_path / ("a.parts" if parts else "a.parquet")
    extra = ("--partitions", parts) if parts else ()
    line = one_line_error(run("encode", short, "--schema", ws / "s.json", "--mapping",
                              ws / "m1.json", "--key-file", ws / "k.key", "-o", out, *extra),
                          "data row 100 has")
    assert "the header" in line
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["short.csv"]


@pytest.mark.parametrize("parts", [None, 3])
def test_a_row_with_a_cell_too_many_is_named_by_its_row_in_the_table(ws, tmp_path, parts):
    lines = (ws / "data/agency_1.csv").read_text().splitlines(keepends=True)
    lines[90] = lines[90].rstrip("\n") + ",extra\n"
    wide = tmp_path / "wide.csv"
    wide.write_text("".join(lines))
    out = tmp_path / ("w.parts" if parts else "w.parquet")
    extra = ("--partitions", parts) if parts else ()
    one_line_error(run("encode", wide, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
                       "--key-file", ws / "k.key", "-o", out, *extra), "data row 90 has")
    assert not out.exists()


def test_schema_suggest_refuses_a_short_row_too(ws, tmp_path):
    short = _short_copy(ws, tmp_path, 7)
    one_line_error(run("schema", "suggest", short, "-o", tmp_path / "s.json",
                       "--mapping-out", tmp_path / "m.json"), "data row 7 has")
    assert not (tmp_path / "s.json").exists()


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])


@pytest.mark.parametrize(("text", "row"), [
    ("id,a,b\n1,x,y\n2,z\n", 2),
    ("id,a,b\r\n1,x,y\r\n\r\n2,z\r\n", 2),  # a blank line is no row
    ("id,a,b\n1,x,y\n \t\n2,z", 2),  # a line of spaces and tabs is no row; no final LF
    ("id,a,b\r1,x,y\r2,z\r", 2),  # carriage returns alone end lines, as pandas reads them
    ('id,a,b\n1,"x\ny",z\n2,"a,b"\n', 2),  # a line break and a comma inside quotes
    ('id,a,b\n1,x"q,y\n2,z\n', 2),  # a quote inside a cell is a character
])
def test_the_short_row_is_the_one_pandas_fills(tmp_path, text, row):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    found = first_short_row(str(path), 3)
    assert found is not None and found.row == row
    frame = _frame(text)
    assert frame.iloc[row - 1].isna().any()  # what pandas would have read silently


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.lists(st.text(alphabet='ab ,"\n', max_size=4), min_size=3,
                               max_size=3), min_size=1, max_size=12))
def test_a_table_pandas_writes_has_no_short_row(tmp_path_factory, cells):
    # (no carriage return: pandas writes one unquoted, and reads it back as a line end)
    frame = pd.DataFrame(cells, columns=["id", "x", "y"])
    path = tmp_path_factory.mktemp("w") / "t.csv"
    frame.to_csv(path, index=False)
    assert first_short_row(str(path), 3) is None


def test_a_range_counts_its_rows_from_its_first(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,a,b\n1,x,y\n2,x,y\n3,x\n")
    start = len(b"id,a,b\n1,x,y\n")
    found = first_short_row(str(path), 3, start, None, header=False)
    assert found is not None and (found.row, found.cells) == (2, 2)


@pytest.mark.parametrize("parts", [None, 2])
def test_a_table_with_no_value_in_any_field_is_refused(ws, tmp_path, parts):
    frame = pd.read_csv(ws / "data/agency_1.csv", dtype=str)
    for column in frame.columns[1:]:
        frame[column] = ""
    empty = tmp_path / "empty.csv"
    frame.to_csv(empty, index=False)
    out = tmp_path / ("e.parts" if parts else "e.parquet")
    extra = ("--partitions", parts) if parts else ()
    one_line_error(run("encode", empty, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
                       "--key-file", ws / "k.key", "-o", out, *extra),
                   "no record of")
    assert not out.exists()


@pytest.mark.parametrize("what", ["a.parquet", "a.parts"])
def test_a_copy_of_one_file_is_not_two_agencies(ws, tmp_path, what):
    copy = tmp_path / ("copy" + Path(what).suffix)
    if (ws / what).is_dir():
        shutil.copytree(ws / what, copy)
    else:
        shutil.copy(ws / what, copy)
    out = tmp_path / "m.csv"
    one_line_error(run("link", ws / what, copy, "-o", out), "hold the same bytes")
    one_line_error(run("link", ws / what, ws / "b.parquet", copy, "-o", out,
                       "--project-key-file", ws / "project.key"), "hold the same bytes")
    one_line_error(run("dedupe", ws / what, copy, "-o", out,
                       "--project-key-file", ws / "project.key"), "hold the same bytes")
    assert not out.exists()


def test_files_of_equal_size_but_other_bytes_still_link(ws, tmp_path):
    res = run("link", ws / "a.parquet", ws / "b.parquet", "-o", tmp_path / "m.csv", "-q")
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("option", ["--shared-counts", "--clusters"])
def test_store_release_tables_need_a_table_suffix(ws, tmp_path, option):
    db = tmp_path / "people.db"
    key = ("--project-key-file", ws / "project.key")
    assert run("store", "create", db, "--schema-from", ws / "a.parquet", *key, "-q").exit_code == 0
    res = run("store", "add-month", db, "--month", "2026-01", "--agency", "a", ws / "a.parquet",
              "--agency", "b", ws / "b.parquet", "--new-agency", "a", "--new-agency", "b", *key,
              "-q")
    assert res.exit_code == 0, res.output
    one_line_error(run("store", "release", db, "--release-dir", tmp_path / "rel", option,
                       tmp_path / "t.txt"), "use a .csv or .parquet suffix")
    assert not (tmp_path / "rel").exists() and not (tmp_path / "t.txt").exists()
    res = run("store", "release", db, "--release-dir", tmp_path / "rel", option,
              tmp_path / "t.parquet", "-q")
    assert res.exit_code == 0, res.output
    assert len(pd.read_parquet(tmp_path / "t.parquet")) > 0


def test_store_release_of_a_store_without_a_month_is_refused(ws, tmp_path):
    db = tmp_path / "people.db"
    key = ("--project-key-file", ws / "project.key")
    assert run("store", "create", db, "--schema-from", ws / "a.parquet", *key, "-q").exit_code == 0
    one_line_error(run("store", "release", db, "--release-dir", tmp_path / "rel"),
                   "holds no month yet")
    assert not (tmp_path / "rel").exists()


def test_link_shared_counts_follow_their_suffix(ws, tmp_path):
    key = ("--project-key-file", ws / "project.key")
    one_line_error(run("link", ws / "a.parquet", ws / "b.parquet", "-o", tmp_path / "m.csv",
                       *key, "--shared-counts", tmp_path / "c.txt"),
                   "use a .csv or .parquet suffix")
    assert list(tmp_path.iterdir()) == []
    res = run("link", ws / "a.parquet", ws / "b.parquet", "-o", tmp_path / "m.csv", *key,
              "--shared-counts", tmp_path / "c.parquet", "-q")
    assert res.exit_code == 0, res.output
    assert set(pd.read_parquet(tmp_path / "c.parquet").columns) >= {"people"}


def test_em_on_a_handful_of_records_cannot_call_every_pair_a_match(ws, tmp_path):
    """Five records a side, none the same person: EM alone called all 25 pairs matches at
    p ~ 1; bounded by the matches the files can hold (5), it may call a few at most, not with
    certainty. A model fitted on larger files of the schema matches none of them."""
    truth = pd.read_csv(ws / "data/truth.csv", dtype=str)
    small = []
    for k, (csv_name, mapping) in enumerate([("agency_1.csv", "m1.json"),
                                             ("agency_2.csv", "m2.json")]):
        frame = pd.read_csv(ws / "data" / csv_name, dtype=str)
        loners = frame[~frame.iloc[:, 0].isin(truth.iloc[:, k])].head(5)
        loners.to_csv(tmp_path / csv_name, index=False)
        out = tmp_path / f"{k}.parquet"
        res = run("encode", tmp_path / csv_name, "--schema", ws / "s.json", "--mapping",
                  ws / mapping, "--key-file", ws / "k.key", "-o", out, "-q")
        assert res.exit_code == 0, res.output
        small.append(out)
    out, fitted = tmp_path / "m.csv", tmp_path / "small_model.json"
    res = run("link", *small, "-o", out, "--model-out", fitted, "-q")
    assert res.exit_code == 0, res.output
    assert json.loads(fitted.read_text())["lambda"] <= 5 / 25 + 1e-12
    matches = pd.read_csv(out)
    assert len(matches) < 5 and (matches["probability"] < 0.99).all()
    model = tmp_path / "model.json"
    res = run("link", ws / "a.parquet", ws / "b.parquet", "-o", tmp_path / "big.csv",
              "--model-out", model, "-q")
    assert res.exit_code == 0, res.output
    res = run("link", *small, "-o", out, "--model", model, "-q", "--force")
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(out)) == 0


# ---- found by a bad-input review of the CLI on 2026-12-07

LINKCORE = Path(sys.executable).parent / "linkcore"


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


@pytest.mark.skipif(not LINKCORE.exists(), reason="the linkcore entry point is not installed")
def test_a_full_disk_is_one_line_and_exit_2_not_an_internal_error(ws, tmp_path):
    """A write past a file-size limit (as a full disk) was 'internal error (OSError)', exit 1."""
    out = tmp_path / "big.parquet"
    proc = subprocess.run(
        [str(LINKCORE), "encode", str(ws / "data/agency_1.csv"), "--schema", str(ws / "s.json"),
         "--mapping", str(ws / "m1.json"), "--key-file", str(ws / "k.key"), "-o", str(out), "-q"],
        capture_output=True, text=True, preexec_fn=_limit_file_size, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no space left on the device")
    assert "no output was written" in lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_what_counts_as_out_of_space():
    assert _out_of_space(OSError(28, "No space left on device"))
    assert _out_of_space(sqlite3.OperationalError("database or disk is full"))
    try:
        try:
            raise OSError(27, "File too large")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert _out_of_space(outer)
    assert not _out_of_space(OSError(13, "Permission denied"))
    assert not _out_of_space(sqlite3.OperationalError("database is locked"))



@pytest.mark.parametrize("line", [10, 3000])
@pytest.mark.parametrize("extra", [(), ("--partitions", 2), ("--processes", 2)],
                         ids=["one", "partitions", "processes"])
def test_a_nul_byte_is_refused_wherever_it_is(tmp_path, ws, line, extra):
    """Regression: only the first 64 KiB were searched; a later NUL went into a record id."""
    src = ws / "data/agency_1.csv"
    rows = src.read_bytes().split(b"\n")
    while len(rows) <= line + 1:  # make the file long enough (ids stay distinct)
        rows = rows + [r.replace(b",", b"9,", 1) for r in rows[1:] if r]
    rows[line] = rows[line][:3] + b"\x00" + rows[line][3:]
    bad = tmp_path / "nul.csv"
    bad.write_bytes(b"\n".join(rows))
    out = tmp_path / "out.parquet"
    res = run("encode", bad, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
              "--key-file", ws / "k.key", "-o", out, *extra)
    one_line_error(res, f"holds a NUL byte (line {line + 1})")
    assert not out.exists()


def test_a_pipe_is_not_called_an_empty_file(tmp_path, ws):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    res = run("encode", fifo, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
              "--key-file", ws / "k.key", "-o", tmp_path / "out.parquet")
    one_line_error(res, "is not a regular file (a pipe, a device or a socket)")


def test_a_clk_file_sent_to_a_store_is_named_as_such(tmp_path, ws):
    """Regression: the refusal showed an empty schema fingerprint."""
    store = tmp_path / "s.db"
    assert run("store", "create", store, "--schema-from", ws / "a.parquet",
               "--project-key-file", ws / "project.key", "-q").exit_code == 0
    clks = [base64.b64encode(bytes(range(k, k + 128))).decode() for k in range(50)]
    (tmp_path / "clk.json").write_text(json.dumps({"clks": clks}))
    before = store.read_bytes()
    res = run("store", "add-month", store, "--month", "2026-01", "--agency", "a",
              tmp_path / "clk.json", "--new-agency", "a", "--project-key-file",
              ws / "project.key")
    one_line_error(res, "agency a's file holds CLKs only")
    assert store.read_bytes() == before


def test_an_output_never_replaces_a_store_even_with_force(tmp_path, ws):
    """Regression: `encode -o people.db --force` replaced the linkage unit's whole store."""
    store = tmp_path / "people.db"
    assert run("store", "create", store, "--schema-from", ws / "a.parquet",
               "--project-key-file", ws / "project.key", "-q").exit_code == 0
    before = store.read_bytes()
    res = run("encode", ws / "data/agency_1.csv", "--schema", ws / "s.json", "--mapping",
              ws / "m1.json", "--key-file", ws / "k.key", "-o", store, "--force")
    one_line_error(res, "is a linkcore store; linkcore never writes over a store")
    res = run("schema", "suggest", ws / "data/agency_1.csv", "-o", store, "--mapping-out",
              tmp_path / "m.json", "--force")
    one_line_error(res, "is a linkcore store")
    assert store.read_bytes() == before


def test_a_utf16_file_is_not_utf8_not_a_nul_byte(tmp_path, ws):
    data = tmp_path / "u16.csv"
    data.write_bytes("id,name\n1,Ann\n".encode("utf-16-le"))
    res = run("encode", data, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
              "--key-file", ws / "k.key", "-o", tmp_path / "out.parquet")
    one_line_error(res, "not UTF-8 text")
