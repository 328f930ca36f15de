"""`linkcore keygen` and `linkcore encode`: bad input exits 2 with one line and writes nothing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from strategies import record_schema_doc

from linkcore.cli import main
from linkcore.dataset import EncodedDataset
from linkcore.holder.encode import encode
from linkcore.holder.keys import DEFAULT_ENV_VAR, Secret
from linkcore.schema import Mapping, Schema

ROWS = [
    {"ref": "A-001", "forename": "John", "surname": "Smith", "birth": "11/02/1975",
     "gender": "Male", "pc": "SW1A 1AA"},
    {"ref": "A-002", "forename": "Zoë", "surname": "O'Brien", "birth": "31/12/2001",
     "gender": "F", "pc": "sw1a1aa"},
    {"ref": "A-003", "forename": "Иван", "surname": "Petrov", "birth": "", "gender": "",
     "pc": "EC1A 1BB"},
]
MAPPING = {"linkcore_mapping": 1, "id_column": "ref", "fields": {
    "first_name": {"column": "forename"}, "last_name": {"column": "surname"},
    "dob": {"column": "birth", "date_format": "%d/%m/%Y"}, "sex": {"column": "gender"},
    "postcode": {"column": "pc"}}}
BAD_VALUES = ("30/02/1975", "NOTAPOSTCODE")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with a schema, a mapping, a key file and a clean CSV."""
    (tmp_path / "schema.json").write_text(json.dumps(record_schema_doc()), encoding="utf-8")
    (tmp_path / "mapping.json").write_text(json.dumps(MAPPING), encoding="utf-8")
    Secret(bytes(range(32))).write(tmp_path / "shared.key")
    pd.DataFrame(ROWS).to_csv(tmp_path / "in.csv", index=False)
    return tmp_path


def run(args: list[str], env: dict | None = None):
    return CliRunner(env=env).invoke(main, args, catch_exceptions=False)


def encode_args(d: Path, input_name: str = "in.csv", **over) -> list[str]:
    opts = {"--schema": d / "schema.json", "--mapping": d / "mapping.json",
            "--key-file": d / "shared.key", "-o": d / "out.parquet"}
    opts.update(over)
    args = ["encode", str(d / input_name)]
    for k, v in opts.items():
        if v is not None:
            args += [k, str(v)]
    return args


def assert_bad_input(result, d: Path, *expected: str) -> str:
    """Exit 2, exactly one line on stderr starting 'error:', no traceback, nothing written."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    assert not (d / "out.parquet").exists()
    assert not [p.name for p in d.iterdir() if p.name.endswith(".partial")]
    for part in expected:
        assert part in lines[0], (part, lines[0])
    return lines[0]


# --------------------------------------------------------------------------------------
# Success
# --------------------------------------------------------------------------------------
def test_encode_writes_a_file_that_reads_back(workdir):
    result = run(encode_args(workdir))
    assert result.exit_code == 0, result.output
    ds = EncodedDataset.read(workdir / "out.parquet")
    assert list(ds.record_ids) == ["A-001", "A-002", "A-003"]
    schema = Schema.load(workdir / "schema.json")
    assert ds.meta.schema_fingerprint == schema.fingerprint
    secret = Secret.from_file(workdir / "shared.key")
    assert ds.meta.key_check_value == secret.key_check_value()
    # identical to the Python API's encoding
    df = pd.read_csv(workdir / "in.csv", dtype=str, keep_default_na=False, na_values=[""])
    api = encode(df, schema, secret, Mapping.from_dict(MAPPING))
    for f in schema.field_names:
        assert np.array_equal(ds.fields[f], api.fields[f])
    assert np.array_equal(ds.clk, api.clk)
    # no date of birth: the names, salted with its year by default, are missing too
    assert ds.missing[2].tolist() == [True, True, True, True, False]
    assert str(workdir / "out.parquet") in result.stdout
    assert secret.key_check_value() in result.stdout
    # the summary never shows values
    for row in ROWS:
        for value in row.values():
            if len(value) >= 3:
                assert value not in result.output


def test_processes_write_the_same_file(workdir):
    rows = [dict(ROWS[i % 3], ref=f"R{i}") for i in range(40)]
    pd.DataFrame(rows).to_csv(workdir / "in.csv", index=False)
    assert run(encode_args(workdir, **{"-o": workdir / "one.parquet"})
               + ["--processes", "1"]).exit_code == 0
    result = run(encode_args(workdir, **{"-o": workdir / "three.parquet"})
                 + ["--processes", "3"])
    assert result.exit_code == 0, result.output
    assert (workdir / "three.parquet").read_bytes() == (workdir / "one.parquet").read_bytes()


@pytest.mark.parametrize("extra", [["--processes", "0"], ["--processes", "two"],
                                   ["--processes", "2", "--partitions", "2"]])
def test_bad_processes(workdir, extra):
    result = run(encode_args(workdir) + extra)
    assert_bad_input(result, workdir, "--processes")


def test_encode_parquet_input_and_key_from_env(workdir):
    pd.DataFrame(ROWS).to_parquet(workdir / "in.parquet")
    env = {DEFAULT_ENV_VAR: Secret(bytes(range(32))).to_text()}
    result = run(encode_args(workdir, "in.parquet", **{"--key-file": None}), env=env)
    assert result.exit_code == 0, result.output
    from_csv = run(encode_args(workdir, **{"-o": workdir / "csv.parquet"}))
    assert from_csv.exit_code == 0
    a = EncodedDataset.read(workdir / "out.parquet")
    b = EncodedDataset.read(workdir / "csv.parquet")
    for f in a.field_names:
        assert np.array_equal(a.fields[f], b.fields[f])


def test_key_env_option_names_a_variable(workdir):
    env = {"AGENCY_KEY": bytes(range(32)).hex(), DEFAULT_ENV_VAR: None}
    ok = run(encode_args(workdir, **{"--key-file": None, "--key-env": "AGENCY_KEY"}), env=env)
    assert ok.exit_code == 0, ok.output
    assert EncodedDataset.read(workdir / "out.parquet").meta.key_check_value == \
        Secret(bytes(range(32))).key_check_value()


def test_invalid_values_are_summarised_without_values(workdir):
    rows = [dict(ROWS[0]), dict(ROWS[1], birth=BAD_VALUES[0], pc=BAD_VALUES[1])]
    pd.DataFrame(rows).to_csv(workdir / "in.csv", index=False)
    result = run(encode_args(workdir))
    assert result.exit_code == 0
    assert "dob: 1 value(s) could not be read" in result.output
    assert "rows 2" in result.output
    for value in BAD_VALUES:
        assert value not in result.output
    assert EncodedDataset.read(workdir / "out.parquet").missing[1, 2]


def test_quiet_prints_nothing(workdir):
    result = run(encode_args(workdir) + ["--quiet"])
    assert result.exit_code == 0 and result.output == ""


def test_default_mapping_is_identity_with_id_column(workdir):
    df = pd.DataFrame({"id": ["1"], "first_name": ["Ann"], "last_name": ["Lee"],
                       "dob": ["1990-01-01"], "sex": ["F"], "postcode": ["M1 1AE"]})
    df.to_csv(workdir / "plain.csv", index=False)
    result = run(encode_args(workdir, "plain.csv", **{"--mapping": None}))
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------------------
# Whole-input problems: exit 2, one line, nothing written
# --------------------------------------------------------------------------------------
def test_missing_column(workdir):
    pd.DataFrame(ROWS).drop(columns=["surname"]).to_csv(workdir / "in.csv", index=False)
    assert_bad_input(run(encode_args(workdir)), workdir, "'surname'")


def test_non_utf8_file(workdir):
    (workdir / "in.csv").write_bytes("ref,forename\nA-1,Jos\u00e9\n".encode("latin-1"))
    assert_bad_input(run(encode_args(workdir)), workdir, "UTF-8")


def test_empty_file(workdir):
    (workdir / "in.csv").write_bytes(b"")
    assert_bad_input(run(encode_args(workdir)), workdir, "empty")


def test_missing_input_file(workdir):
    assert_bad_input(run(encode_args(workdir, "absent.csv")), workdir, "not found")


@pytest.mark.parametrize("content, expected", [
    (b"linkcore-secret-v1:" + __import__("base64").b64encode(b"x" * 8), "64 bits"),
    (b"00112233445566778899aabbccddee", "120 bits"),
    (b"", "empty"),
    (b"\xff\xfe garbage \x00\x01", "not a linkcore key"),
    (b"not a key at all!", "not a linkcore key"),
])
def test_bad_key_file(workdir, content, expected):
    (workdir / "shared.key").write_bytes(content)
    line = assert_bad_input(run(encode_args(workdir)), workdir, expected)
    if len(content) > 8:
        assert content.decode("latin-1") not in line


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_key_file_readable_by_others_is_refused(workdir):
    key = workdir / "shared.key"
    key.chmod(0o644)
    line = assert_bad_input(run(encode_args(workdir)), workdir, "chmod 600", str(key))
    assert key.read_text().split(":", 1)[1].strip() not in line
    key.chmod(0o600)
    assert run(encode_args(workdir) + ["-q"]).exit_code == 0


def test_missing_key(workdir):
    line = assert_bad_input(
        run(encode_args(workdir, **{"--key-file": None}), env={DEFAULT_ENV_VAR: None}),
        workdir, DEFAULT_ENV_VAR)
    assert "--key-file" in line
    assert_bad_input(run(encode_args(workdir, **{"--key-file": workdir / "absent.key"})),
                     workdir, "not found")


def test_the_key_cannot_be_given_on_the_command_line(workdir):
    from linkcore.cli.encode_cmd import encode as encode_command

    names = {opt for p in encode_command.params for opt in getattr(p, "opts", [])}
    assert not {"--key", "--secret", "-k"} & names
    result = run(encode_args(workdir) + ["--key", bytes(range(32)).hex()])
    assert result.exit_code == 2
    assert not (workdir / "out.parquet").exists()


def test_newer_schema_version(workdir):
    doc = record_schema_doc()
    doc["linkcore_schema"] = 99
    (workdir / "schema.json").write_text(json.dumps(doc))
    assert_bad_input(run(encode_args(workdir)), workdir, "version 99", "newer")


def test_invalid_schema(workdir):
    doc = record_schema_doc(first_name={"k": 0, "filter_bits": 100})
    (workdir / "schema.json").write_text(json.dumps(doc))
    assert_bad_input(run(encode_args(workdir)), workdir, "'first_name'", "k (hash",
                     "filter_bits")
    (workdir / "schema.json").write_text("{not json")
    assert_bad_input(run(encode_args(workdir)), workdir, "line 1")


def test_mapping_that_does_not_fit_the_schema(workdir):
    m = json.loads(json.dumps(MAPPING))
    del m["fields"]["postcode"]
    m["fields"]["shoe_size"] = {"column": "pc"}
    (workdir / "mapping.json").write_text(json.dumps(m))
    assert_bad_input(run(encode_args(workdir)), workdir, "'postcode'", "'shoe_size'")
    m = json.loads(json.dumps(MAPPING))
    m["fields"]["last_name"]["date_format"] = "%d/%m/%Y"
    (workdir / "mapping.json").write_text(json.dumps(m))
    assert_bad_input(run(encode_args(workdir)), workdir, "'last_name'", "date_format")


def test_duplicate_ids(workdir):
    pd.DataFrame([ROWS[0], ROWS[0]]).to_csv(workdir / "in.csv", index=False)
    line = assert_bad_input(run(encode_args(workdir)), workdir, "not unique", "rows 1, 2")
    assert "A-001" not in line


def test_strict_with_invalid_values(workdir):
    rows = [dict(ROWS[0]), dict(ROWS[1], birth=BAD_VALUES[0], pc=BAD_VALUES[1])]
    pd.DataFrame(rows).to_csv(workdir / "in.csv", index=False)
    line = assert_bad_input(run(encode_args(workdir) + ["--strict"]), workdir,
                            "strict", "dob", "postcode", "rows 2")
    for value in BAD_VALUES:
        assert value not in line


def test_strict_failure_on_a_large_input_prints_no_progress_bar(workdir):
    # Regression: from 50,000 records a progress bar was drawn on stderr and the strict error
    # line was printed after it ("encoding: 0%|...error: ...").
    n = 50_000
    pd.DataFrame({"ref": [str(i) for i in range(n)], "forename": ["Ann"] * n,
                  "surname": ["Lee"] * n, "birth": ["01/01/1990"] * (n - 1) + ["31/02/1990"],
                  "gender": ["F"] * n, "pc": ["M1 1AE"] * n}).to_csv(workdir / "in.csv",
                                                                    index=False)
    result = run(encode_args(workdir) + ["--strict"])
    line = assert_bad_input(result, workdir, "rows 50000")
    assert result.stderr == line + "\n"


def test_failed_encode_keeps_an_existing_output(workdir):
    assert run(encode_args(workdir)).exit_code == 0
    before = (workdir / "out.parquet").read_bytes()
    (workdir / "in.csv").write_bytes(b"")
    result = run(encode_args(workdir))
    assert result.exit_code == 2
    assert (workdir / "out.parquet").read_bytes() == before


def test_unwritable_output_is_bad_input(workdir):
    # Regression: an OSError on the output path ended as exit 1 "internal error".
    result = run(encode_args(workdir, **{"-o": workdir / "in.csv" / "out.parquet"}))
    assert_bad_input(result, workdir, "out.parquet")


def test_real_process_exit_code_and_stderr(workdir):
    """The installed entry point, in its own process: one line on stderr, no traceback."""
    (workdir / "in.csv").write_bytes(b"ref,forename\n1,Jos\xe9\n")
    proc = subprocess.run([sys.executable, "-m", "linkcore.cli", *encode_args(workdir)],
                          capture_output=True, text=True, timeout=120)
    if "No module named linkcore.cli.__main__" in proc.stderr:
        proc = subprocess.run(
            [sys.executable, "-c", "from linkcore.cli import main; main()",
             *encode_args(workdir)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert "Traceback" not in proc.stderr
    assert not (workdir / "out.parquet").exists()


# --------------------------------------------------------------------------------------
# keygen
# --------------------------------------------------------------------------------------
def test_keygen_writes_a_0600_256_bit_key(tmp_path):
    out = tmp_path / "new.key"
    result = run(["keygen", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    secret = Secret.from_file(out)
    assert "256 bits" in repr(secret)
    assert secret.key_check_value() in result.output
    text = out.read_text().strip().split(":", 1)[1]
    assert text not in result.output  # the key itself is never printed


def test_keygen_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "k.key"
    assert run(["keygen", "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    result = run(["keygen", "-o", str(out)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "already exists" in result.stderr
    assert out.read_bytes() == before
    assert run(["keygen", "-o", str(out), "--force", "-q"]).exit_code == 0
    assert out.read_bytes() != before
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_two_keygens_differ(tmp_path):
    run(["keygen", "-o", str(tmp_path / "a.key"), "-q"])
    run(["keygen", "-o", str(tmp_path / "b.key"), "-q"])
    assert (tmp_path / "a.key").read_bytes() != (tmp_path / "b.key").read_bytes()
