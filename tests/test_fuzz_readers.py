"""Fuzz every reader with generated and damaged files: a clean error or a correct result, always.

A tiny linkage is built once (two synthetic extracts with a marker planted in their values, the
suggested schema and mappings, a key, both encoded files, clkhash CLK JSON, matches, truth and
saved models). Hypothesis then damages one input at a time -- bytes flipped, cut, inserted or
repeated; JSON values swapped for other types, huge numbers, NaN or odd unicode, keys dropped,
added or written twice; CSV columns dropped, renamed or repeated, cells changed, rows removed --
and drives it through the command that reads it and through the Python reader.

Every outcome must be either exit 0 with a sane result, or exit 2 with exactly one line
``error: ...`` on stderr, no traceback and no output file; never exit 1 (an internal error),
and in the API never an exception other than a LinkcoreError. No output ever holds the planted
marker or key material. Budgets are fixed (derandomized, bounded examples) so CI is deterministic;
``LINKCORE_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_readers.py`` hunts longer, with random seeds.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import (
    MARKER,
    generated_rows,
    json_text,
    mutated_bytes,
    mutated_rows,
    odd_arrow_column,
    rows_to_csv,
)

from linkcore._io import read_table
from linkcore.cli import main
from linkcore.dataset import _REVERSE_BITS, EncodedDataset, read_any
from linkcore.errors import LinkcoreError
from linkcore.holder.keys import Secret
from linkcore.linkage.model import FellegiSunterModel
from linkcore.schema import Mapping, Schema

# CI runs a fixed, derandomized budget; LINKCORE_FUZZ_EXAMPLES=N runs a longer random hunt.
HUNT = int(os.environ.get("LINKCORE_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=HUNT or 60,
    deadline=None,
    derandomize=not HUNT,
    database=None,
    # each example makes its own folder inside the function-scoped ``scratch``
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
FEW = settings(FUZZ, max_examples=HUNT or 50)


# --------------------------------------------------------------------------------------
# The valid linkage every mutation starts from
# --------------------------------------------------------------------------------------
class World:
    """Paths and contents of the valid files (built once per module)."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def bytes(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def rows(self, name: str) -> list[list[str]]:
        df = pd.read_csv(self.path(name), dtype=str, keep_default_na=False)
        return [list(df.columns)] + df.to_numpy().tolist()


def _plant_marker(root: Path) -> None:
    """Put the marker into ids and names of both extracts, and into the truth's ids."""
    a = pd.read_csv(root / "agency_1.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(root / "agency_2.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(root / "truth.csv", dtype=str, keep_default_na=False)
    id_a, id_b = a.columns[0], b.columns[0]
    pair = truth.iloc[0]
    ra = int(np.flatnonzero(a[id_a] == pair["id_a"])[0])
    rb = int(np.flatnonzero(b[id_b] == pair["id_b"])[0])
    a.loc[ra, id_a] = truth.loc[0, "id_a"] = MARKER + "A"
    b.loc[rb, id_b] = truth.loc[0, "id_b"] = MARKER + "B"
    a.loc[(ra + 1) % len(a), a.columns[1]] = MARKER + "name"
    b.loc[(rb + 1) % len(b), b.columns[1]] = MARKER + "name"
    a.to_csv(root / "agency_1.csv", index=False)
    b.to_csv(root / "agency_2.csv", index=False)
    truth.to_csv(root / "truth.csv", index=False)


def _write_clkhash(ds: EncodedDataset, path: Path) -> None:
    raw = ds.clk.astype("<u8").view(np.uint8).reshape(len(ds), -1)
    clks = [base64.b64encode(row.tobytes()).decode() for row in _REVERSE_BITS[raw]]
    path.write_text(json.dumps({"clks": clks}), encoding="utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("fuzz-world")
    ok = _invoke(["synth", "-n", "120", "--seed", "3", "-o", root, "-q"])
    assert ok.exit_code == 0, ok.output
    _plant_marker(root)
    steps = [
        ["keygen", "-o", root / "k.key", "-q"],
        ["schema", "suggest", root / "agency_1.csv", "-o", root / "schema.json",
         "--mapping-out", root / "m1.json", "-q"],
        ["schema", "suggest", root / "agency_2.csv", "--schema", root / "schema.json",
         "-o", root / "m2.json", "-q"],
        ["encode", root / "agency_1.csv", "--schema", root / "schema.json", "--mapping",
         root / "m1.json", "--key-file", root / "k.key", "-o", root / "a.parquet", "-q"],
        ["encode", root / "agency_2.csv", "--schema", root / "schema.json", "--mapping",
         root / "m2.json", "--key-file", root / "k.key", "-o", root / "b.parquet", "-q"],
        ["link", root / "a.parquet", root / "b.parquet", "-o", root / "matches.csv",
         "--model-out", root / "model.json", "-q"],
    ]
    for args in steps:
        res = _invoke(args)
        assert res.exit_code == 0, (args, res.output)
    # clkhash CLKs: the suggested schema has no CLK, so encode once more with one
    doc = json.loads((root / "schema.json").read_text(encoding="utf-8"))
    doc["clk"] = {"bits": 1024}
    (root / "schema_clk.json").write_text(json.dumps(doc), encoding="utf-8")
    for name, n in (("a", 1), ("b", 2)):
        res = _invoke(["encode", root / f"agency_{n}.csv", "--schema", root / "schema_clk.json",
                       "--mapping", root / f"m{n}.json", "--key-file", root / "k.key",
                       "-o", root / f"clk_{name}.parquet", "-q"])
        assert res.exit_code == 0, res.output
        _write_clkhash(EncodedDataset.read(root / f"clk_{name}.parquet"), root / f"clk_{name}.json")
    res = _invoke(["link", root / "clk_a.json", root / "clk_b.json", "-o", root / "clk.csv",
                   "--model-out", root / "clk_model.json", "-q"])
    assert res.exit_code == 0, res.output
    pd.read_csv(root / "agency_1.csv", dtype=str, keep_default_na=False).to_parquet(
        root / "agency_1.parquet", index=False)
    return World(root)


@pytest.fixture
def scratch(world: World):
    """A fresh folder per test function; each example makes its own subfolder in it."""
    d = Path(tempfile.mkdtemp(dir=world.root))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _fresh(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


# --------------------------------------------------------------------------------------
# Outcome checks
# --------------------------------------------------------------------------------------
def _invoke(args: list[Any]):
    return CliRunner().invoke(main, [str(a) for a in args])


def _debug_log(args: list[Any]) -> str:
    """Run again with --verbose, capturing the logged traceback of an internal error."""
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    logger = logging.getLogger("linkcore")
    logger.addHandler(handler)
    try:
        _invoke([*args, "--verbose"])
    finally:
        logger.removeHandler(handler)
    return buf.getvalue()[-3000:]


def run_cli(args: list[Any], *, secrets: tuple[str, ...] = (), writes: tuple[Path, ...] = (),
            many_lines: bool = False, also_ok: tuple[int, ...] = ()):
    """Invoke the CLI; assert exit 0, or exit 2 with one ``error:`` line and nothing written."""
    res = _invoke(args)
    if res.exit_code not in (0, 2, *also_ok):
        detail = _debug_log(args) if res.exit_code == 1 else repr(res.exception)
        raise AssertionError(f"exit {res.exit_code} for {args}:\n{res.output}\n{detail}")
    assert "Traceback" not in res.output, res.output
    for secret in (MARKER, *secrets):
        assert secret not in res.output, (secret, res.output)
    if res.exit_code == 2:
        lines = res.stderr.splitlines()
        if many_lines:  # schema validate lists each problem, then one error line
            assert lines and lines[-1].startswith("error: "), res.stderr
            assert all(x.startswith(("problem: ", "note: ")) for x in lines[:-1]), res.stderr
        else:
            assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        for out in writes:
            assert not out.exists(), f"{out} written by a failed run"
        parent_dirs = {out.parent for out in writes}
        for d in parent_dirs:
            assert not [p for p in d.iterdir() if p.name.endswith(".partial")]
    return res


def api(fn: Callable[..., Any], *args: Any, secrets: tuple[str, ...] = ()) -> Any:
    """Call a reader: its value, or None after a one-line LinkcoreError without the marker."""
    try:
        return fn(*args)
    except LinkcoreError as exc:
        text = str(exc)
        assert "\n" not in text and "\r" not in text, text
        for secret in (MARKER, *secrets):
            assert secret not in text, (secret, text)
        return None


def _key_secrets(world: World) -> tuple[str, ...]:
    body = world.text("k.key").split(":", 1)[1].strip()
    raw = base64.b64decode(body)
    return (body, body[:16], raw.hex(), raw.hex()[:16])


def _check_table(df: pd.DataFrame) -> None:
    """Text cells, missing ones, or days (a Parquet date or timestamp column, spec section 3)."""
    import datetime as dt

    assert isinstance(df, pd.DataFrame) and len(df.columns) > 0
    for col in df.columns:
        assert all(v is None or isinstance(v, str | dt.date) or (
            isinstance(v, float) and math.isnan(v)) for v in df[col].tolist())


def _encode_args(world: World, data: Path, out: Path, **over: Path) -> list[Any]:
    opts = {"schema": world.path("schema.json"), "mapping": world.path("m1.json"),
            "key-file": world.path("k.key")}
    opts.update({k.replace("_", "-"): v for k, v in over.items()})
    args: list[Any] = ["encode", data]
    for k, v in opts.items():
        args += [f"--{k}", v]
    return [*args, "-o", out, "-q"]


def _check_encoded(out: Path, records: int | None = None) -> None:
    ds = EncodedDataset.read(out)
    if records is not None:
        assert len(ds) == records


# --------------------------------------------------------------------------------------
# Data tables: CSV and Parquet (read_table), through encode and schema suggest
# --------------------------------------------------------------------------------------
def _data_table_checks(world: World, data: Path, d: Path) -> None:
    table = api(read_table, data)
    if table is not None:
        _check_table(table)
    out = d / "out.parquet"
    res = run_cli(_encode_args(world, data, out), writes=(out,))
    if res.exit_code == 0:
        _check_encoded(out, len(table))
    schema_out, mapping_out = d / "s.json", d / "m.json"
    res = run_cli(["schema", "suggest", data, "-o", schema_out, "--mapping-out", mapping_out,
                   "-q"], writes=(schema_out, mapping_out))
    if res.exit_code == 0:
        Schema.load(schema_out)
        Mapping.load(mapping_out)


@FUZZ
@given(data=st.data())
def test_fuzz_csv_tables(world, scratch, data):
    d = _fresh(scratch)
    how = data.draw(st.sampled_from(["bytes", "rows", "rows", "generated"]), label="how")
    if how == "bytes":
        raw = data.draw(mutated_bytes(world.bytes("agency_1.csv")), label="csv bytes")
    elif how == "rows":
        raw = rows_to_csv(data.draw(mutated_rows(world.rows("agency_1.csv")), label="rows"))
    else:
        raw = rows_to_csv(data.draw(generated_rows, label="generated"))
    path = d / "data.csv"
    path.write_bytes(raw)
    _data_table_checks(world, path, d)


@FEW
@given(data=st.data())
def test_fuzz_parquet_tables(world, scratch, data):
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = _fresh(scratch)
    path = d / "data.parquet"
    how = data.draw(st.sampled_from(["bytes", "rows", "columns"]), label="how")
    if how == "bytes":
        raw = data.draw(mutated_bytes(world.bytes("agency_1.parquet"), tail=600), label="bytes")
        path.write_bytes(raw)
    elif how == "rows":
        rows = data.draw(mutated_rows(world.rows("agency_1.csv")), label="rows")
        width = len(rows[0])
        body = [r[:width] + [None] * (width - len(r)) for r in rows[1:]]
        columns = [pa.array([r[i] for r in body], type=pa.string()) for i in range(width)]
        pq.write_table(pa.Table.from_arrays(columns, names=rows[0]), path)
    else:
        table = pq.read_table(world.path("agency_1.parquet"))
        n = table.num_rows
        names = list(table.column_names)
        cols = [table.column(i) for i in range(len(names))]
        for _ in range(data.draw(st.integers(1, 3), label="columns changed")):
            i = data.draw(st.integers(0, len(names) - 1), label="column")
            cols[i] = data.draw(odd_arrow_column(n), label="new column")
        if data.draw(st.booleans(), label="repeat a name"):
            names[data.draw(st.integers(1, len(names) - 1))] = names[0]
        pq.write_table(pa.Table.from_arrays(cols, names=names), path)
    _data_table_checks(world, path, d)


@pytest.mark.skipif(not HUNT, reason="an audit takes seconds: fuzzed only in the long hunt")
@settings(FUZZ, max_examples=max(1, HUNT // 20))
@given(data=st.data())
def test_fuzz_audit_tables(world, scratch, data):
    d = _fresh(scratch)
    paths = []
    for name in ("data.csv", "reference.csv"):
        path = d / name
        rows = data.draw(mutated_rows(world.rows("agency_1.csv")), label=name)
        path.write_bytes(rows_to_csv(rows))
        paths.append(path)
    report = d / "audit.html"
    res = run_cli(["audit", paths[0], "--schema", world.path("schema.json"), "--mapping",
                   world.path("m1.json"), "--key-file", world.path("k.key"), "--reference",
                   paths[1], "--report", report, "--fail-on-risk", "--json"],
                  writes=(report,), also_ok=(3,))  # 3: a field at risk, the audit's verdict
    if res.exit_code != 2:
        assert report.exists() and json.loads(res.stdout)["records"] > 0


# --------------------------------------------------------------------------------------
# Schema and mapping JSON
# --------------------------------------------------------------------------------------
@FUZZ
@given(data=st.data())
def test_fuzz_schema_json(world, scratch, data):
    d = _fresh(scratch)
    path = d / "schema.json"
    if data.draw(st.integers(0, 4), label="byte edits") == 0:
        path.write_bytes(data.draw(mutated_bytes(world.bytes("schema.json")), label="bytes"))
    else:
        path.write_text(data.draw(json_text(json.loads(world.text("schema.json")))),
                        encoding="utf-8")
    schema = api(Schema.load, path)
    if schema is not None:
        assert Schema.from_json(schema.to_json()).fingerprint == schema.fingerprint
    run_cli(["schema", "validate", path, "--mapping", world.path("m1.json"), "--data",
             world.path("agency_1.csv")], many_lines=True)
    out = d / "out.parquet"
    res = run_cli(_encode_args(world, world.path("agency_1.csv"), out, schema=path),
                  writes=(out,))
    if res.exit_code == 0:
        _check_encoded(out)


@FUZZ
@given(data=st.data())
def test_fuzz_mapping_json(world, scratch, data):
    d = _fresh(scratch)
    path = d / "mapping.json"
    if data.draw(st.integers(0, 4), label="byte edits") == 0:
        path.write_bytes(data.draw(mutated_bytes(world.bytes("m1.json")), label="bytes"))
    else:
        path.write_text(data.draw(json_text(json.loads(world.text("m1.json")))),
                        encoding="utf-8")
    mapping = api(Mapping.load, path)
    if mapping is not None:
        assert Mapping.from_json(mapping.to_json()) == mapping
    run_cli(["schema", "validate", world.path("schema.json"), "--mapping", path, "--data",
             world.path("agency_1.csv")], many_lines=True)
    out = d / "out.parquet"
    res = run_cli(_encode_args(world, world.path("agency_1.csv"), out, mapping=path),
                  writes=(out,))
    if res.exit_code == 0:
        _check_encoded(out)


# --------------------------------------------------------------------------------------
# Key files
# --------------------------------------------------------------------------------------
@FUZZ
@given(data=st.data())
def test_fuzz_key_files(world, scratch, data):
    d = _fresh(scratch)
    path = d / "k.key"
    good = world.bytes("k.key")
    how = data.draw(st.sampled_from(["bytes", "bytes", "text", "mode"]), label="how")
    if how == "bytes":
        raw = data.draw(mutated_bytes(good), label="key bytes")
    elif how == "text":
        raw = data.draw(st.sampled_from([
            b"", b"\n", b"linkcore-secret-v1:", b"linkcore-secret-v1:" + b"A" * 10000,
            b"\xef\xbb\xbf" + good, good * 2, good.upper(), good.replace(b":", b"="),
            b"00" * 16, b"00" * 15, b"zz" * 16, bytes(range(256)), good.rstrip() + b"\x00",
            "linkcore-secret-v1:é".encode(), b"\r\n".join([good, good]),
        ]), label="key text")
    else:
        raw = good
    path.write_bytes(raw)
    mode = data.draw(st.sampled_from([0o600, 0o400, 0o644, 0o640, 0o604, 0o000, 0o700]),
                     label="mode") if how == "mode" else 0o600
    path.chmod(mode)
    secrets = _key_secrets(world)
    body = raw.decode("latin-1").strip()
    leaks = (*secrets, body) if len(body) >= 12 else secrets
    secret = api(Secret.from_file, path, secrets=leaks)
    if secret is not None:
        assert mode & 0o077 == 0
        assert len(secret.derive("test")) == 32
    out = d / "out.parquet"
    res = run_cli(_encode_args(world, world.path("agency_1.csv"), out, key_file=path),
                  secrets=leaks, writes=(out,))
    assert res.exit_code == (0 if secret is not None else 2)


# --------------------------------------------------------------------------------------
# Encoded files: linkcore Parquet and clkhash CLK JSON, through link --model
# --------------------------------------------------------------------------------------
def _check_link(world: World, a: Path, b: Path, model: str, d: Path,
                secrets: tuple[str, ...] = ()) -> None:
    out = d / "matches.csv"
    res = run_cli(["link", a, b, "-o", out, "--model", world.path(model), "-q"],
                  secrets=secrets, writes=(out,))
    if res.exit_code == 0:
        matches = pd.read_csv(out, dtype={"id_a": str, "id_b": str})
        p = matches["probability"].to_numpy(dtype=float)
        assert np.all((p >= 0) & (p <= 1))


def _rewrite_parquet(data, world: World, path: Path) -> None:
    """Rewrite a.parquet with its metadata JSON, a column or the column set changed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(world.path("a.parquet"))
    meta = json.loads(table.schema.metadata[b"linkcore"])
    what = data.draw(st.sampled_from(["metadata", "drop", "repeat", "retype", "nulls"]),
                     label="rewrite")
    names = list(table.column_names)
    if what == "metadata":
        text = data.draw(json_text(meta), label="metadata")
        table = table.replace_schema_metadata({b"linkcore": text.encode("utf-8")})
    elif what == "drop":
        table = table.drop_columns([data.draw(st.sampled_from(names), label="dropped")])
    elif what == "repeat":
        i = data.draw(st.integers(0, len(names) - 1), label="repeated")
        table = table.append_column(names[i], table.column(i))
    elif what == "retype":
        i = data.draw(st.integers(0, len(names) - 1), label="retyped")
        col = data.draw(odd_arrow_column(table.num_rows), label="new column")
        table = table.set_column(i, names[i], col)
    else:
        i = data.draw(st.integers(0, len(names) - 1), label="nulls in")
        mask = pa.array(data.draw(st.lists(st.booleans(), min_size=table.num_rows,
                                           max_size=table.num_rows)))
        col = table.column(i).combine_chunks()
        field = table.schema.field(i).with_nullable(True)
        table = table.set_column(i, field, pa.compute.if_else(mask, pa.nulls(len(col), col.type),
                                                              col))
    pq.write_table(table, path, compression="none")


@FUZZ
@given(data=st.data())
def test_fuzz_encoded_parquet(world, scratch, data):
    d = _fresh(scratch)
    path = d / "a.parquet"
    if data.draw(st.booleans(), label="byte edits"):
        path.write_bytes(data.draw(mutated_bytes(world.bytes("a.parquet"), tail=4000)))
    else:
        _rewrite_parquet(data, world, path)
    for reader in (EncodedDataset.read, read_any):
        ds = api(reader, path)
        if ds is not None:
            ds.validate()
    _check_link(world, path, world.path("b.parquet"), "model.json", d)


@FUZZ
@given(data=st.data())
def test_fuzz_clkhash_json(world, scratch, data):
    d = _fresh(scratch)
    path = d / "clk_a.json"
    doc = json.loads(world.text("clk_a.json"))
    doc["clks"] = doc["clks"][:12]
    how = data.draw(st.sampled_from(["json", "json", "bytes", "clk"]), label="how")
    if how == "json":
        path.write_text(data.draw(json_text(doc)), encoding="utf-8")
    elif how == "bytes":
        path.write_bytes(data.draw(mutated_bytes(json.dumps(doc).encode())))
    else:
        i = data.draw(st.integers(0, len(doc["clks"]) - 1), label="clk")
        raw = base64.b64decode(doc["clks"][i])
        doc["clks"][i] = data.draw(st.sampled_from([
            base64.b64encode(raw[:-1]).decode(), base64.b64encode(raw + b"\0" * 8).decode(),
            base64.urlsafe_b64encode(raw).decode(), doc["clks"][i] + "\n", "", "====",
            base64.b64encode(b"\xff" * len(raw)).decode(), base64.b64encode(b"").decode(),
        ]), label="new clk")
        path.write_text(json.dumps(doc), encoding="utf-8")
    clks = tuple(c for c in json.loads(world.text("clk_a.json"))["clks"][:12])
    for reader in (EncodedDataset.from_clkhash_json, read_any):
        ds = api(reader, path, secrets=clks)
        if ds is not None:
            ds.validate()
            assert ds.is_clk_only
    _check_link(world, path, world.path("clk_b.json"), "clk_model.json", d, secrets=clks)


# --------------------------------------------------------------------------------------
# Model JSON (link --model)
# --------------------------------------------------------------------------------------
@FUZZ
@given(data=st.data())
def test_fuzz_model_json(world, scratch, data):
    d = _fresh(scratch)
    path = d / "model.json"
    if data.draw(st.integers(0, 4), label="byte edits") == 0:
        path.write_bytes(data.draw(mutated_bytes(world.bytes("model.json")), label="bytes"))
    else:
        path.write_text(data.draw(json_text(json.loads(world.text("model.json")))),
                        encoding="utf-8")
    api(FellegiSunterModel.from_json, path.read_bytes())
    out = d / "matches.csv"
    res = run_cli(["link", world.path("a.parquet"), world.path("b.parquet"), "-o", out,
                   "--model", path, "-q"], writes=(out,))
    if res.exit_code == 0:
        p = pd.read_csv(out)["probability"].to_numpy(dtype=float)
        assert np.all((p >= 0) & (p <= 1))


# --------------------------------------------------------------------------------------
# Matches and truth files (evaluate)
# --------------------------------------------------------------------------------------
def _check_figures(stdout: str) -> None:
    out = json.loads(stdout)
    for k in ("precision", "recall", "f1"):
        assert 0.0 <= out[k] <= 1.0 and not math.isnan(out[k])
    for k in ("tp", "fp", "fn"):
        assert isinstance(out[k], int) and out[k] >= 0
    if out["tp"] + out["fp"]:
        assert out["precision"] == pytest.approx(out["tp"] / (out["tp"] + out["fp"]))


def _evaluate_checks(world: World, matches: Path, truth: Path, d: Path, data) -> None:
    extra = data.draw(st.sampled_from([[], ["--threshold", "0.5"],
                                       ["--extracts", world.path("agency_1.csv"),
                                        world.path("agency_2.csv")]]), label="options")
    curve = d / "curve.csv"
    res = run_cli(["evaluate", matches, "--truth", truth, "--json", "--curve", curve, *extra],
                  writes=(curve,))
    if res.exit_code == 0:
        _check_figures(res.stdout)
    res = run_cli(["evaluate", matches, "--truth", truth, *extra])


@FUZZ
@given(data=st.data())
def test_fuzz_matches_files(world, scratch, data):
    d = _fresh(scratch)
    path = d / "matches.csv"
    how = data.draw(st.sampled_from(["bytes", "rows", "rows", "generated"]), label="how")
    if how == "bytes":
        path.write_bytes(data.draw(mutated_bytes(world.bytes("matches.csv")), label="bytes"))
    elif how == "rows":
        path.write_bytes(rows_to_csv(data.draw(mutated_rows(world.rows("matches.csv")))))
    else:
        path.write_bytes(rows_to_csv(data.draw(generated_rows, label="generated")))
    _evaluate_checks(world, path, world.path("truth.csv"), d, data)


@FUZZ
@given(data=st.data())
def test_fuzz_truth_files(world, scratch, data):
    d = _fresh(scratch)
    path = d / "truth.csv"
    how = data.draw(st.sampled_from(["bytes", "rows", "rows", "generated"]), label="how")
    if how == "bytes":
        path.write_bytes(data.draw(mutated_bytes(world.bytes("truth.csv")), label="bytes"))
    elif how == "rows":
        path.write_bytes(rows_to_csv(data.draw(mutated_rows(world.rows("truth.csv")))))
    else:
        path.write_bytes(rows_to_csv(data.draw(generated_rows, label="generated")))
    _evaluate_checks(world, world.path("matches.csv"), path, d, data)


def test_the_world_is_valid(world):
    """The unmutated files pass every check (so the fuzzers start from correct inputs)."""
    assert os.stat(world.path("k.key")).st_mode & 0o077 == 0
    assert MARKER in world.text("agency_1.csv") and MARKER in world.text("truth.csv")
    assert MARKER + "A" in EncodedDataset.read(world.path("a.parquet")).record_ids
    res = run_cli(["evaluate", world.path("matches.csv"), "--truth", world.path("truth.csv"),
                   "--json"])
    assert res.exit_code == 0
    _check_figures(res.stdout)
