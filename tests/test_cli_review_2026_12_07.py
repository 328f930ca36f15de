"""Defects a bad-input review of the CLI found on 2026-12-07, each refused in one line, exit 2."""

from __future__ import annotations

import base64
import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli_bad_input_sweep import one_line_error, run

from linkcore.cli._common import _out_of_space

LINKCORE = Path(sys.executable).parent / "linkcore"


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """Data, a key, a project key, a schema and mappings, one encoded file."""
    d = tmp_path_factory.mktemp("review47")
    steps = [
        ("synth", "--people", 200, "--seed", 2, "-o", d / "data"),
        ("keygen", "-o", d / "k.key"),
        ("keygen", "-o", d / "project.key"),
        ("schema", "suggest", d / "data/agency_1.csv", "-o", d / "s.json",
         "--mapping-out", d / "m1.json"),
        ("encode", d / "data/agency_1.csv", "--schema", d / "s.json", "--mapping", d / "m1.json",
         "--key-file", d / "k.key", "-o", d / "a.parquet"),
    ]
    for step in steps:
        res = run(*step, "-q")
        assert res.exit_code == 0, (step, res.output)
    return d


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
