"""What a third bad-input review (2026-12-07) found: a CSV without a header row, an audit of
nothing readable, sizes that cannot fit, pair options on a clustering, float ids in Parquet,
demo --force, JSON errors without a file name, a BOM, pipes, agency names that collide or hide
characters, and Ctrl-C after a finished run. Each now gets exit 2 and one line (or, for the last
two, works), and nothing is written.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_cli_bad_input_more import build_workspace
from test_cli_bad_input_sweep import one_line_error, run

from linkcore.cli import entry
from linkcore.cli.demo_cmd import demo_key_text
from linkcore.cli.paths import DEMO_KEY_MARK
from linkcore.errors import ParameterError
from linkcore.linkage.dedupe import agency_names


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """test_cli_bad_input_more's workspace, plus a register mapping, matches and clusters."""
    d = build_workspace(tmp_path_factory.mktemp("review3"))
    for step in [
        ("schema", "suggest", d / "data/register.csv", "--schema", d / "s.json",
         "-o", d / "mr.json"),
        ("link", d / "a.parquet", d / "b.parquet", "-o", d / "matches.csv"),
        ("link", d / "a.parquet", d / "b.parquet", "--dedupe", "-o", d / "clusters.csv",
         "--project-key-file", d / "project.key"),
    ]:
        res = run(*step, "-q")
        assert res.exit_code == 0, (step, res.output)
    return d


def test_a_csv_without_a_header_row_is_refused_before_any_value_is_printed(ws, tmp_path):
    # the first record becomes the header: its id (nine digits) and its NI number are values
    lines = (ws / "data/agency_1.csv").read_text().splitlines()
    first = lines[1].split(",")
    first[0] = "R11111111"
    headerless = tmp_path / "nohdr.csv"
    headerless.write_text("\n".join([",".join(first), *lines[2:]]) + "\n")
    for args in (("-o", tmp_path / "s.json", "--mapping-out", tmp_path / "m.json"),
                 ("--schema", ws / "s.json", "-o", tmp_path / "m.json")):
        res = run("schema", "suggest", headerless, *args)
        line = one_line_error(res, "give the file a header row")
        assert "R11111111" not in line
    assert list(tmp_path.iterdir()) == [headerless]


def test_a_headerless_csv_whose_first_record_lacks_dates_and_postcodes_is_refused(tmp_path):
    """Regression (a leak review, 2026-12-07): a first record with its date and postcode
    empty passed the check; its id and names were printed and the id became `id_column`."""
    rows = ["ID-CANARY-9999,Mr Zqxcanaryfirst,Prydderchquennell,,,,M"]
    rows += [f"ID-CANARY-{i:04d},Mr John,Jones,0{i % 9 + 1}/02/1980,CF10 3AT,AB{i:06d}C,F"
             for i in range(60)]
    line = _suggest_refused(tmp_path, rows, "give the file a header row")
    assert "CANARY" not in line.upper()


def _suggest_refused(tmp_path: Path, rows: list[str], needle: str) -> str:
    """Write ``rows`` as d.csv, check `schema suggest` refuses it in one line, writing nothing."""
    data = tmp_path / "d.csv"
    data.write_text("\n".join(rows) + "\n")
    res = run("schema", "suggest", data, "-o", tmp_path / "s.json", "--mapping-out",
              tmp_path / "m.json")
    line = one_line_error(res, needle)
    assert list(tmp_path.iterdir()) == [data]
    return line


def _blank(src: Path, dst: Path) -> Path:
    df = pd.read_csv(src, dtype=str)
    for column in df.columns[1:]:
        df[column] = ""
    df.to_csv(dst, index=False)
    return dst


def test_audit_refuses_data_or_a_reference_with_nothing_readable(ws, tmp_path):
    common = ("--schema", ws / "s.json", "--mapping", ws / "m1.json", "--key-file", ws / "k.key",
              "--reference-mapping", ws / "mr.json", "--fail-on-risk")
    blank = _blank(ws / "data/agency_1.csv", tmp_path / "blank.csv")
    res = run("audit", blank, "--reference", ws / "data/register.csv", *common)
    one_line_error(res, "no record of the data has a value the schema can read")
    blank_ref = _blank(ws / "data/register.csv", tmp_path / "blank_ref.csv")
    res = run("audit", ws / "data/agency_1.csv", "--reference", blank_ref, *common)
    one_line_error(res, "no record of the reference has a value the schema can read")


@pytest.mark.parametrize("args, needle", [
    (("synth", "--people", 10**20), "--people must be at most 10,000,000"),
    (("synth", "--people", 2**63 - 1), "--people must be at most"),
    (("synth", "--people", 100, "--agencies", 51), "--agencies must be from 2 to 50"),
    (("synth", "--people", 100, "--seed", 2**70), "--seed must be 0 or more and less than 2^63"),
    (("demo", "--people", 2_000_000), "--people must be from 100 to 1,000,000"),
    (("demo", "--people", 10**20), "--people must be from 100 to 1,000,000"),
    (("demo", "--seed", 2**64), "--seed must be 0 or more and less than 2^63"),
])
def test_sizes_that_cannot_fit_are_refused_at_once(tmp_path, args, needle):
    out = tmp_path / "out"
    res = run(*args, "--out" if args[0] == "demo" else "-o", out)
    one_line_error(res, needle)
    assert not out.exists()


def test_evaluate_refuses_pair_options_for_a_clustering(ws, tmp_path):
    curve = tmp_path / "curve.csv"
    for extra in (("--curve", curve), ("--threshold", "0.9"),
                  ("--extracts", ws / "data/agency_1.csv", ws / "data/agency_2.csv")):
        res = run("evaluate", ws / "clusters.csv", "--truth", ws / "data/truth_clusters.csv",
                  *extra)
        one_line_error(res, "applies to a table of pairs, not to a clustering")
    assert not curve.exists()


def test_evaluate_reads_float_ids_of_a_parquet_truth_as_numbers(ws, tmp_path):
    truth = pd.read_csv(ws / "data/truth.csv", dtype=str)
    assert truth["id_b"].str.fullmatch(r"[0-9]+").all()  # synth's second layout: numbers
    expected = json.loads(run("evaluate", ws / "matches.csv", "--truth", ws / "data/truth.csv",
                              "--json").output)
    truth["id_b"] = truth["id_b"].astype(float)  # 86971837.0 is the id 86971837
    truth.to_parquet(tmp_path / "truth.parquet")
    got = json.loads(run("evaluate", ws / "matches.csv", "--truth", tmp_path / "truth.parquet",
                         "--json").output)
    assert got["tp"] == expected["tp"] > 0


def test_demo_force_replaces_its_own_files_but_never_a_real_key(tmp_path):
    out = tmp_path / "d"
    assert run("demo", "--people", 200, "--out", out, "-q").exit_code == 0
    one_line_error(run("demo", "--people", 200, "--out", out, "-q"),
                   "already exist; use --force to replace them")
    assert run("demo", "--people", 200, "--out", out, "--force", "-q").exit_code == 0
    real = run("keygen", "-o", tmp_path / "real.key", "-q")
    assert real.exit_code == 0
    (out / "shared.key").write_bytes((tmp_path / "real.key").read_bytes())
    one_line_error(run("demo", "--people", 200, "--out", out, "--force", "-q"),
                   "is a key file; linkcore never writes over a key")
    assert (out / "shared.key").read_bytes() == (tmp_path / "real.key").read_bytes()


def test_the_demo_key_text_carries_the_mark_that_lets_the_demo_replace_it():
    assert demo_key_text(3).encode().startswith(DEMO_KEY_MARK)


def test_json_documents_name_their_file_read_past_a_bom_and_refuse_a_pipe(ws, tmp_path):
    broken = tmp_path / "p2.json"
    broken.write_text("{bad")
    res = run("schema", "merge", ws / "s.json", broken, "-o", tmp_path / "merged.json")
    one_line_error(res, f"schema file {broken} is not valid JSON (line 1, column 2)")
    res = run("audit", ws / "data/agency_1.csv", "--schema", ws / "s.json", "--mapping",
              ws / "m1.json", "--key-file", ws / "k.key", "--reference",
              ws / "data/register.csv", "--reference-mapping", broken)
    one_line_error(res, f"mapping file {broken} is not valid JSON")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (ws / "s.json").read_bytes())
    assert run("schema", "validate", bom).exit_code == 0
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "f.json"
        os.mkfifo(fifo)
        one_line_error(run("schema", "validate", fifo), "is not a regular file")
        fifo_db = tmp_path / "f.db"
        os.mkfifo(fifo_db)
        one_line_error(run("store", "history", fifo_db), "is not a linkcore store")
        fifo_pq = tmp_path / "f.parquet"
        os.mkfifo(fifo_pq)
        one_line_error(run("link", fifo_pq, ws / "b.parquet", "-o", tmp_path / "m.csv"),
                       "is not a regular file")


@pytest.mark.parametrize("names", [
    ["\ufeffa", "b"], ["a\u202eb", "c"], ["..", "b"], [".", "b"], ["a\u200bb", "c"],
    ["A", "a"], ["e\u0301", "\u00e9"], ["Straße", "STRASSE"],
    ["a\u2028b", "c"], ["a\u2029b", "c"],  # line and paragraph separators (a review)
])
def test_agency_names_that_are_invisible_or_collide_on_a_file_system_are_refused(names):
    with pytest.raises(ParameterError, match="agency name"):
        agency_names([1, 2], names)


def test_agency_names_plain_ones_pass():
    assert agency_names([1, 2, 3], ["housing", "Benefits-2", "école"]) == \
        ["housing", "Benefits-2", "école"]


def test_the_console_script_ignores_signals_once_its_command_has_finished(monkeypatch):
    """A Ctrl-C during shutdown cannot turn a finished run into status 130 without a line."""
    calls = []
    monkeypatch.setattr(signal, "signal", lambda sig, handler: calls.append((sig, handler)))
    monkeypatch.setattr(sys, "argv", ["linkcore", "--version"])
    with pytest.raises(SystemExit) as exc:
        entry()
    assert exc.value.code == 0
    assert (signal.SIGINT, signal.SIG_IGN) in calls and (signal.SIGTERM, signal.SIG_IGN) in calls


def test_ni_numbers_are_never_the_record_id(tmp_path):
    """Regression (a leak review, 2026-12-07): a column named client_id holding NI numbers was
    taken as the record id, and record ids travel in plain text in the encoded file."""
    letters = "ABCEGHJKLMNPRSTWXYZ"
    rows = ["forename,surname,dob,postcode,client_id"]
    rows += [f"{['John', 'Mary'][i % 2]},Jones,0{i % 9 + 1}/02/1980,CF10 3AT,"
             f"{letters[i % 19]}{letters[(i // 19) % 19]}{i:06d}{'ABCD'[i % 4]}"
             for i in range(120)]
    assert "client_id" in _suggest_refused(tmp_path, rows, "holds NI numbers")
    data = tmp_path / "d.csv"
    res = _encode_with_client_id(tmp_path, data)
    one_line_error(res, "are NI numbers")
    assert not (tmp_path / "e.parquet").exists()


@pytest.mark.parametrize("name", ["out.csv", "out.txt", "out"])
def test_encode_writes_only_a_parquet_name(ws, tmp_path, name):
    """Regression (a leak review, 2026-12-07): `-o out.csv` wrote Parquet bytes under that name,
    which `link` then read although a Parquet file named .csv is refused there."""
    res = run("encode", ws / "data/agency_1.csv", "--schema", ws / "s.json", "--mapping",
              ws / "m1.json", "--key-file", ws / "k.key", "-o", tmp_path / name)
    one_line_error(res, "must name a .parquet file")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("address", ["not a url", ""])
def test_a_scheduler_address_that_is_none_says_so(ws, tmp_path, address):
    """Regression (a dask review, 2026-12-07): an unparsable address was reported as 'within
    5 s (not a scheduler address)' after 1.5 s, and an empty one as 'at  within'."""
    res = run("link", ws / "a.parquet", ws / "b.parquet", "-o", tmp_path / "m.csv",
              "--scheduler", address)
    line = one_line_error(res, "not the address of one")
    assert "within" not in line and "at  " not in line
    assert list(tmp_path.iterdir()) == []


def test_a_worker_that_cannot_read_the_key_says_it_is_the_worker(monkeypatch):
    from linkcore.errors import SecretError
    from linkcore.holder.encode_parts import _worker_key
    from linkcore.holder.keys import KeySource

    monkeypatch.delenv("LINKCORE_TEST_ABSENT_KEY", raising=False)
    with pytest.raises(SecretError, match="a dask worker cannot read the key"):
        _worker_key(KeySource(None, "LINKCORE_TEST_ABSENT_KEY"))


@pytest.mark.parametrize("dedupe", [False, True])
def test_a_mapped_folder_inside_an_input_is_refused(ws, tmp_path, dedupe):
    """Regression (a dask review, 2026-12-07): --mapped-dir inside a partitioned input made the
    run's scratch folder inside that dataset (and left it there after a SIGKILL)."""
    before = sorted(p.name for p in (ws / "a.parts").iterdir())
    extra = ["--dedupe", "--project-key-file", ws / "project.key"] if dedupe else []
    res = run("link", ws / "a.parts", ws / "b.parquet", "-o", tmp_path / "o.csv",
              "--mapped-dir", ws / "a.parts", *extra)
    one_line_error(res, "is inside the input")
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in (ws / "a.parts").iterdir()) == before


@pytest.mark.parametrize("form", ["{ni}", "C-{ni}", "{spaced}"])
def test_record_ids_holding_some_ni_numbers_are_refused(tmp_path, form):
    """Regression (helper-67's leak review): ids that were the NI number for 30-50 % of records
    and a local reference for the rest, or every id `C-<NI number>`, were encoded as ids."""
    letters = "ABCEGHJKLMNPRSTWXYZ"
    rows = ["forename,client_id"]
    for i in range(200):
        ni = f"{letters[i % 19]}{letters[(i // 19) % 19]}{i:06d}{'ABCD'[i % 4]}"
        spaced = f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}"
        own = form.format(ni=ni, spaced=spaced) if i % 10 < 3 else f"REF{i:05d}"
        rows.append(f"{['John', 'Mary'][i % 2]},{own}")
    data = tmp_path / "d.csv"
    data.write_text("\n".join(rows) + "\n")
    res = _encode_with_client_id(tmp_path, data)
    one_line_error(res, "60 record id(s) in column 'client_id' hold an NI number (rows 1, 2, 3,")
    assert "AA000000A" not in res.output and "REF" not in res.output
    assert not (tmp_path / "e.parquet").exists()


def _encode_with_client_id(tmp_path, data):
    """Run encode on DATA (forename, client_id) with a one-field schema and client_id as the id."""
    assert run("keygen", "-o", tmp_path / "k.key", "-q").exit_code == 0
    (tmp_path / "s.json").write_text(json.dumps(
        {"linkcore_schema": 2, "fields": [{"name": "first_name", "kind": "name"}]}))
    (tmp_path / "m.json").write_text(json.dumps(
        {"linkcore_mapping": 1, "id_column": "client_id",
         "fields": {"first_name": {"column": "forename"}}}))
    return run("encode", data, "--schema", tmp_path / "s.json", "--mapping", tmp_path / "m.json",
               "--key-file", tmp_path / "k.key", "-o", tmp_path / "e.parquet")
