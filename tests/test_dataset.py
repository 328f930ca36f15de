"""EncodedDataset: Parquet round trip, atomic writes, refusal of bad files, clkhash import."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkcore import dataset as dsmod
from linkcore.dataset import (
    META_KEYS,
    SPEC_VERSION,
    DatasetMeta,
    EncodedDataset,
    check_compatible,
    read_any,
)
from linkcore.errors import DatasetError, IncompatibleDatasetsError, ParameterError
from linkcore.schema import Schema

KCV = "0123456789abcdef0123456789abcdef"
ID_MARK = "SECRETID"  # every test id contains this; no error message may


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------
def make_schema(widths=(512, 128), clk_bits: int | None = 1024, n_blocks: int = 1,
                balance_first: bool = False) -> Schema:
    fields = []
    for i, w in enumerate(widths):
        # hardening given explicitly: the file layout below is about stored widths
        f = {"name": f"f{i}", "kind": "name", "filter_bits": w, "hardening": []}
        if balance_first and i == 0:
            f["hardening"] = [{"type": "balance"}]
        fields.append(f)
    doc = {
        "linkcore_schema": 1,
        "fields": fields,
        "clk": None if clk_bits is None else {"bits": clk_bits},
        "blocking_keys": [
            {"name": f"b{j}", "parts": [{"field": "f0", "transform": "soundex"}]}
            for j in range(n_blocks)
        ],
    }
    return Schema.from_dict(doc)


def make_dataset(schema: Schema, n: int, seed: int = 0, missing_rate: float = 0.2,
                 ids=None, kcv: str = KCV) -> EncodedDataset:
    rng = np.random.default_rng(seed)
    names = schema.field_names
    missing = rng.random((n, len(names))) < missing_rate
    fields = {}
    for j, name in enumerate(names):
        w = schema.stored_bits(name) // 64
        words = rng.integers(0, 2**64 - 1, (n, w), dtype=np.uint64, endpoint=True)
        words[missing[:, j]] = 0
        fields[name] = words
    clk_bits = schema.stored_clk_bits()
    clk = None
    if clk_bits is not None:
        clk = rng.integers(0, 2**64 - 1, (n, clk_bits // 64), dtype=np.uint64, endpoint=True)
    blocks = {}
    for bk in schema.blocking_keys:
        keys = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
        keys[rng.random(n) < 0.3] = 0
        blocks[bk.name] = keys
    if ids is None:
        ids = [f"{ID_MARK}-{i:05d}" for i in range(n)]
    return EncodedDataset.from_arrays(schema, kcv, ids, fields, missing, clk, blocks)


def assert_same(a: EncodedDataset, b: EncodedDataset) -> None:
    assert a.meta == b.meta
    assert list(a.record_ids) == list(b.record_ids)
    assert b.record_ids.dtype == object
    assert list(a.fields) == list(b.fields)
    for name in a.fields:
        assert b.fields[name].dtype == np.uint64
        np.testing.assert_array_equal(a.fields[name], b.fields[name])
    np.testing.assert_array_equal(a.missing, b.missing)
    assert b.missing.dtype == np.bool_
    if a.clk is None:
        assert b.clk is None
    else:
        assert b.clk.dtype == np.uint64
        np.testing.assert_array_equal(a.clk, b.clk)
    assert list(a.blocking_keys) == list(b.blocking_keys)
    for name in a.blocking_keys:
        np.testing.assert_array_equal(a.blocking_keys[name], b.blocking_keys[name])


def error_of(path, reader=EncodedDataset.read) -> str:
    with pytest.raises(DatasetError) as info:
        reader(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert ID_MARK not in msg
    return msg


def rewrite(path: Path, *, meta: dict | bytes | None = None, table=None, drop_meta=False) -> None:
    """Rewrite a linkcore file with altered metadata and/or table (to build bad files)."""
    old = pq.ParquetFile(path)
    raw = old.metadata.metadata[b"linkcore"]
    if table is None:
        table = old.read()
    old.close()
    doc = json.loads(raw)
    if isinstance(meta, dict):
        doc.update(meta)
        doc = {k: v for k, v in doc.items() if v is not DROP}
        raw = json.dumps(doc).encode()
    elif isinstance(meta, bytes):
        raw = meta
    table = table.replace_schema_metadata(None)
    writer = pq.ParquetWriter(path, table.schema, store_schema=False)
    writer.write_table(table)
    if not drop_meta:
        writer.add_key_value_metadata({"linkcore": raw})
    writer.close()


DROP = object()


@pytest.fixture
def good_file(tmp_path) -> Path:
    path = tmp_path / "a.linkcore.parquet"
    make_dataset(make_schema(), 30, seed=1).write(path, row_group_size=8)
    return path


# ------------------------------------------------------------------------------------------
# round trip
# ------------------------------------------------------------------------------------------
# ids hold no control character (refused: a CSV reader may cut an id at a NUL)
ids_strategy = st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                                max_size=12), unique=True, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widths=st.lists(st.sampled_from([64, 128, 256, 512]), min_size=1, max_size=3),
    clk_bits=st.sampled_from([None, 64, 1024]),
    n_blocks=st.integers(0, 2),
    balance=st.booleans(),
    ids=ids_strategy,
    missing_rate=st.sampled_from([0.0, 0.3, 1.0]),
    row_group_size=st.integers(1, 50),
    seed=st.integers(0, 2**16),
)
def test_round_trip(widths, clk_bits, n_blocks, balance, ids, missing_rate, row_group_size, seed):
    schema = make_schema(widths, clk_bits, n_blocks, balance_first=balance)
    ds = make_dataset(schema, len(ids), seed=seed, missing_rate=missing_rate, ids=ids)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.parquet"
        ds.write(path, row_group_size=row_group_size)
        back = EncodedDataset.read(path)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["x.parquet"]
    assert_same(ds, back)
    assert len(back) == len(ids)
    assert back.schema.fingerprint == schema.fingerprint
    assert back.field_names == schema.field_names
    # missing rows are all-zero, and missing <-> null in the file
    for j, name in enumerate(back.field_names):
        assert not back.fields[name][back.missing[:, j]].any()


@pytest.mark.parametrize("n", [0, 1])
def test_round_trip_empty_and_single(tmp_path, n):
    ds = make_dataset(make_schema(), n)
    path = tmp_path / "x.parquet"
    ds.write(path)
    back = EncodedDataset.read(path)
    assert_same(ds, back)
    assert len(back) == n
    assert back.fields["f0"].shape == (n, 8)
    assert back.clk.shape == (n, 16)


def test_bit_order_on_disk(tmp_path):
    """Bit i of a filter is bit i%64 of word i//64 in memory and bit i%8 of byte i//8 on disk."""
    schema = make_schema((128,), None, 0)
    words = np.zeros((1, 2), np.uint64)
    for i in (0, 9, 70, 127):
        words[0, i // 64] |= np.uint64(1) << np.uint64(i % 64)
    ds = EncodedDataset.from_arrays(schema, KCV, ["r"], {"f0": words})
    path = tmp_path / "x.parquet"
    ds.write(path)
    raw = pq.read_table(path).column("field:f0")[0].as_py()
    assert raw.hex(" ") == "01 02 00 00 00 00 00 00 40 00 00 00 00 00 00 80"  # docs/spec.md
    bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")
    assert list(np.flatnonzero(bits)) == [0, 9, 70, 127]


def test_file_layout_and_metadata(good_file):
    pf = pq.ParquetFile(good_file)
    assert pf.schema_arrow.names == ["record_id", "field:f0", "field:f1", "clk", "block:b0"]
    types = {f.name: f.type for f in pf.schema_arrow}
    assert types["record_id"] == pa.string()
    assert types["field:f0"] == pa.binary(64)
    assert types["field:f1"] == pa.binary(16)
    assert types["clk"] == pa.binary(128)
    assert types["block:b0"] == pa.uint64()
    assert set(pf.metadata.metadata) == {b"linkcore"}
    doc = json.loads(pf.metadata.metadata[b"linkcore"])
    assert set(doc) == set(META_KEYS)
    schema = make_schema()
    assert doc["schema"] == schema.to_dict()
    assert doc["schema_fingerprint"] == schema.fingerprint
    canonical = json.dumps(doc["schema"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == doc["schema_fingerprint"]
    assert doc["spec_version"] == SPEC_VERSION
    assert doc["record_count"] == 30
    assert doc["source"] == "linkcore"
    # missing values are nulls in the file, blocking key 0 is null too
    table = pq.read_table(good_file)
    back = EncodedDataset.read(good_file)
    assert table.column("field:f0").null_count == int(back.missing[:, 0].sum())
    assert table.column("block:b0").null_count == int((back.blocking_keys["b0"] == 0).sum())
    assert pf.metadata.num_row_groups == 4  # 30 rows, row_group_size=8


def test_no_plaintext_crosses(good_file, tmp_path):
    """The file holds ids, filters, blocking keys and public metadata only; extras are refused."""
    table = pq.read_table(good_file)
    allowed = {"record_id", "clk"}
    assert all(c in allowed or c.startswith(("field:", "block:")) for c in table.column_names)
    leaky = table.append_column("surname", pa.array([f"Smith{i}" for i in range(len(table))]))
    rewrite(good_file, table=leaky)
    assert "surname" in error_of(good_file)


def test_repr_shows_no_ids():
    ds = make_dataset(make_schema(), 3)
    assert ID_MARK not in repr(ds)
    assert "3 records" in repr(ds)


# ------------------------------------------------------------------------------------------
# atomic writes
# ------------------------------------------------------------------------------------------
class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch, exc):
    ds = make_dataset(make_schema(), 50)
    calls = []
    real = pq.ParquetWriter.write_batch

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise exc("disk on fire")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", failing)
    with pytest.raises(exc):
        ds.write(tmp_path / "out.parquet", row_group_size=10)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "out.parquet"
    make_dataset(make_schema(), 5).write(path)
    before = path.read_bytes()

    def failing(self, *args, **kwargs):
        raise Boom("disk on fire")

    monkeypatch.setattr(pq.ParquetWriter, "add_key_value_metadata", failing)
    with pytest.raises(Boom):
        make_dataset(make_schema(), 9, seed=3).write(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_write_to_a_directory_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="is a directory"):
        make_dataset(make_schema(), 2).write(tmp_path)


def test_from_arrays_orders_fields_and_blocking_keys():
    schema = make_schema(widths=(64, 64), clk_bits=None, n_blocks=2)
    z = np.zeros((2, 1), np.uint64)
    ds = EncodedDataset.from_arrays(schema, KCV, ["a", "b"], {"f1": z, "f0": z.copy()},
                                    blocking_keys={"b1": np.zeros(2, np.uint64),
                                                   "b0": np.ones(2, np.uint64)})
    assert ds.field_names == ("f0", "f1") and list(ds.blocking_keys) == ["b0", "b1"]
    assert ds.missing.shape == (2, 2) and not ds.missing.any()


def test_invalid_dataset_is_not_written(tmp_path):
    ds = make_dataset(make_schema(), 5)
    ds.record_ids[1] = ds.record_ids[0]
    with pytest.raises(DatasetError, match="not unique"):
        ds.write(tmp_path / "out.parquet")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------
# bad files
# ------------------------------------------------------------------------------------------
def test_missing_file(tmp_path):
    assert "not found" in error_of(tmp_path / "nope.parquet")


def test_directory(tmp_path):
    assert "directory" in error_of(tmp_path)


def test_empty_file(tmp_path):
    path = tmp_path / "e.parquet"
    path.write_bytes(b"")
    assert "is empty" in error_of(path)


def test_csv_file(tmp_path):
    path = tmp_path / "people.parquet"
    path.write_text(f"id,surname\n{ID_MARK}1,Smith\n")
    msg = error_of(path)
    assert "not a Parquet file" in msg and "linkcore encode" in msg


def test_truncated_file(good_file):
    data = good_file.read_bytes()
    good_file.write_bytes(data[: len(data) // 2])
    assert "truncated" in error_of(good_file)


def test_garbage_between_magic(tmp_path):
    path = tmp_path / "g.parquet"
    path.write_bytes(b"PAR1" + b"\x07" * 100 + b"PAR1")
    assert "corrupt" in error_of(path)


def test_corrupt_row_group(good_file):
    data = bytearray(good_file.read_bytes())
    pf = pq.ParquetFile(good_file)
    col = pf.metadata.row_group(0).column(0)
    start = col.data_page_offset
    pf.close()
    data[start:start + 40] = b"\xff" * 40  # smash the first page header
    good_file.write_bytes(bytes(data))
    msg = error_of(good_file)
    assert "corrupt" in msg or "row group" in msg


def test_foreign_parquet(tmp_path):
    path = tmp_path / "f.parquet"
    pd.DataFrame({"id": [f"{ID_MARK}1"], "surname": ["Smith"]}).to_parquet(path)
    msg = error_of(path)
    assert "not a linkcore encoded dataset" in msg and "no linkcore metadata" in msg


def test_metadata_not_json(good_file):
    rewrite(good_file, meta=b"{not json")
    assert "malformed linkcore metadata" in error_of(good_file)


def test_metadata_not_object(good_file):
    rewrite(good_file, meta=b"[1, 2]")
    assert "malformed linkcore metadata" in error_of(good_file)


@pytest.mark.parametrize("key", ["record_count", "schema", "key_check_value"])
def test_metadata_missing_key(good_file, key):
    rewrite(good_file, meta={key: DROP})
    assert f"lacks {key}" in error_of(good_file)


def test_metadata_unknown_key(good_file):
    rewrite(good_file, meta={"note": "x"})
    assert "unknown keys note" in error_of(good_file)


def test_metadata_wrong_type(good_file):
    rewrite(good_file, meta={"record_count": "30"})
    assert "record_count" in error_of(good_file)


def test_newer_spec_version(good_file):
    rewrite(good_file, meta={"spec_version": SPEC_VERSION + 1})
    msg = error_of(good_file)
    assert "newer linkcore" in msg and "upgrade" in msg


@pytest.mark.parametrize("version", [0, -3, 1])
def test_older_spec_version(good_file, version):
    """A file of an earlier spec (1: before views and whole-value salts) names both versions."""
    rewrite(good_file, meta={"spec_version": version})
    msg = error_of(good_file)
    assert f"spec version {version}" in msg and "cannot read" in msg and "re-encode" in msg
    assert f"spec version {SPEC_VERSION}" in msg


def test_newer_spec_version_reported_before_other_problems(good_file):
    rewrite(good_file, meta={"spec_version": SPEC_VERSION + 1, "record_count": DROP, "x": 1})
    assert "newer linkcore" in error_of(good_file)


def test_record_count_mismatch(good_file):
    rewrite(good_file, meta={"record_count": 31})
    msg = error_of(good_file)
    assert "metadata says 31 records but the file holds 30" in msg


def test_fingerprint_tampered(good_file):
    rewrite(good_file, meta={"schema_fingerprint": "0" * 64})
    assert "does not match the embedded schema" in error_of(good_file)


def test_schema_tampered(good_file):
    doc = json.loads(pq.ParquetFile(good_file).metadata.metadata[b"linkcore"])
    doc["schema"]["fields"][0]["k"] = 7  # fingerprint now stale
    rewrite(good_file, meta={"schema": doc["schema"]})
    assert "does not match the embedded schema" in error_of(good_file)


def test_schema_not_canonical(good_file):
    short = {"linkcore_schema": 1, "fields": [{"name": "f0", "kind": "name"}]}
    canon = json.dumps(short, sort_keys=True, separators=(",", ":"))
    fp = hashlib.sha256(canon.encode()).hexdigest()
    rewrite(good_file, meta={"schema": short, "schema_fingerprint": fp})
    assert "not in canonical form" in error_of(good_file)


def test_schema_invalid(good_file):
    bad = {"linkcore_schema": 1, "fields": []}
    fp = hashlib.sha256(json.dumps(bad, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    rewrite(good_file, meta={"schema": bad, "schema_fingerprint": fp})
    msg = error_of(good_file)
    assert "schema embedded in the dataset is not valid" in msg and str(good_file) in msg


def test_column_width_wrong(good_file):
    wider = make_schema(widths=(1024, 128))  # f0 should now be 1024 bits; the file has 512
    rewrite(good_file, meta={"schema": wider.to_dict(), "schema_fingerprint": wider.fingerprint})
    msg = error_of(good_file)
    assert "field:f0" in msg and "fixed_size_binary[128]" in msg and "1024 bits" in msg


def test_column_missing(good_file):
    table = pq.read_table(good_file).drop_columns(["block:b0"])
    rewrite(good_file, table=table)
    assert "lacks column(s) block:b0" in error_of(good_file)


def test_duplicate_ids(good_file):
    table = pq.read_table(good_file)
    ids = table.column("record_id").to_pylist()
    ids[7] = ids[2]
    table = table.set_column(0, pa.field("record_id", pa.string()), pa.array(ids))
    rewrite(good_file, table=table)
    msg = error_of(good_file)
    assert "not unique" in msg and "rows 3, 8" in msg


def test_null_and_empty_ids(good_file):
    table = pq.read_table(good_file)
    ids = table.column("record_id").to_pylist()
    ids[4] = None
    table = table.set_column(0, pa.field("record_id", pa.string()), pa.array(ids))
    rewrite(good_file, table=table)
    assert "1 record id is missing or not text (rows 5)" in error_of(good_file)
    ids[4] = ""
    table = table.set_column(0, pa.field("record_id", pa.string()), pa.array(ids))
    rewrite(good_file, table=table)
    assert "1 record id is empty (rows 5)" in error_of(good_file)


def test_null_clk(good_file):
    table = pq.read_table(good_file)
    clk = table.column("clk").to_pylist()
    clk[3] = None
    idx = table.column_names.index("clk")
    table = table.set_column(idx, pa.field("clk", pa.binary(128)), pa.array(clk, pa.binary(128)))
    rewrite(good_file, table=table)
    assert "'clk' has missing values" in error_of(good_file)


# ------------------------------------------------------------------------------------------
# compatibility
# ------------------------------------------------------------------------------------------
def test_compatible_datasets_pass():
    check_compatible(make_dataset(make_schema(), 4), make_dataset(make_schema(), 7, seed=2))


def test_incompatible_schema():
    a = make_dataset(make_schema(), 4)
    b = make_dataset(make_schema(widths=(256, 128)), 4)
    with pytest.raises(IncompatibleDatasetsError) as info:
        check_compatible(a, b, names=("A", "B"))
    msg = str(info.value)
    assert "different schemas" in msg
    assert a.meta.schema_fingerprint[:12] in msg and b.meta.schema_fingerprint[:12] in msg
    assert a.meta.schema_fingerprint[:13] not in msg


def test_incompatible_key():
    a = make_dataset(make_schema(), 4)
    b = make_dataset(make_schema(), 4, kcv="ffee")
    with pytest.raises(IncompatibleDatasetsError, match="different secret keys") as info:
        check_compatible(a, b)
    assert KCV[:16] in str(info.value) and "ffee" in str(info.value)


def test_incompatible_spec_version():
    a = make_dataset(make_schema(), 4)
    b = make_dataset(make_schema(), 4)
    b.meta = dataclasses.replace(b.meta, spec_version=SPEC_VERSION + 1)
    with pytest.raises(IncompatibleDatasetsError, match="different encoding spec versions"):
        check_compatible(a, b)


def test_incompatible_clk_only_vs_fielded(tmp_path):
    a = make_dataset(make_schema(), 4)
    b = EncodedDataset.from_clkhash_json(clkhash_file(tmp_path, np.zeros((3, 1024), bool)))
    with pytest.raises(IncompatibleDatasetsError, match="CLK-only") as info:
        check_compatible(a, b, names=("A", "B"))
    assert "(B," in str(info.value)


def test_incompatible_clk_lengths(tmp_path):
    a = EncodedDataset.from_clkhash_json(clkhash_file(tmp_path, np.zeros((3, 1024), bool), "a"))
    b = EncodedDataset.from_clkhash_json(clkhash_file(tmp_path, np.zeros((3, 512), bool), "b"))
    with pytest.raises(IncompatibleDatasetsError, match="1024 bits.*512 bits"):
        check_compatible(a, b)
    check_compatible(a, a)


def test_incompatible_is_a_dataset_error():
    assert issubclass(IncompatibleDatasetsError, DatasetError)


# ------------------------------------------------------------------------------------------
# clkhash import
# ------------------------------------------------------------------------------------------
def clkhash_file(tmp_path: Path, bits: np.ndarray, name: str = "clks") -> Path:
    """Write clkhash's format by hand: base64 of the bytes, bit 0 = MSB of byte 0 (big-endian)."""
    clks = [base64.b64encode(np.packbits(row, bitorder="big").tobytes()).decode() for row in bits]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"clks": clks}))
    return path


def our_bits(words: np.ndarray) -> np.ndarray:
    """Bits of our uint64 rows in our order: bit i is bit i%64 of word i//64."""
    return np.unpackbits(words.astype("<u8").view(np.uint8), axis=1, bitorder="little").astype(bool)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 12), words=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_clkhash_import_bit_order(n, words, seed):
    bits = np.random.default_rng(seed).random((n, words * 64)) < 0.5
    with tempfile.TemporaryDirectory() as tmp:
        ds = EncodedDataset.from_clkhash_json(clkhash_file(Path(tmp), bits))
    assert len(ds) == n
    assert list(ds.record_ids) == [str(i) for i in range(n)]
    assert ds.fields == {} and ds.missing.shape == (n, 0) and ds.blocking_keys == {}
    assert ds.meta.source == "clkhash" and ds.meta.key_check_value == ""
    assert ds.schema is None and ds.is_clk_only
    assert ds.clk.dtype == np.uint64 and ds.clk.shape == (n, words)
    np.testing.assert_array_equal(our_bits(ds.clk), bits)


def test_clkhash_single_bits(tmp_path):
    """bit i set by clkhash (MSB-first) must be our bit i (LSB-first in word i//64)."""
    for i in (0, 1, 7, 8, 63, 64, 100, 127):
        bits = np.zeros((1, 128), bool)
        bits[0, i] = True
        ds = EncodedDataset.from_clkhash_json(clkhash_file(tmp_path, bits))
        expected = np.zeros(2, np.uint64)
        expected[i // 64] = np.uint64(1) << np.uint64(i % 64)
        np.testing.assert_array_equal(ds.clk[0], expected)
    raw = base64.b64encode(bytes([0x80] + [0] * 7)).decode()  # clkhash bit 0 alone
    (tmp_path / "one.json").write_text(json.dumps({"clks": [raw]}))
    assert int(EncodedDataset.from_clkhash_json(tmp_path / "one.json").clk[0, 0]) == 1


def test_clkhash_round_trip_through_parquet(tmp_path):
    bits = np.random.default_rng(5).random((6, 256)) < 0.5
    ds = EncodedDataset.from_clkhash_json(clkhash_file(tmp_path, bits))
    ds.write(tmp_path / "c.parquet")
    back = EncodedDataset.read(tmp_path / "c.parquet")
    assert_same(ds, back)
    assert back.meta.source == "clkhash" and back.schema is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{not json", "not valid JSON"),
        ('{"clk": []}', 'no "clks" list'),
        ("[1, 2]", 'no "clks" list'),
        ('{"clks": "abc"}', "must be a list"),
        ('{"clks": ["AAAAAAAAAAA=", "not base64!!"]}', "CLK number 2 is not a base64"),
        ('{"clks": ["AAAAAAAAAAA=", 17]}', "CLK number 2 is not a base64"),
        ('{"clks": ["AAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAA=="]}', "different lengths"),
        ('{"clks": ["AAAAAAA="]}', "5 bytes long, not a positive multiple of 8"),
        ('{"clks": [""]}', "0 bytes long"),
        ('{"clks": []}', "holds no CLKs"),
    ],
)
def test_clkhash_bad_input(tmp_path, text, expected):
    path = tmp_path / "clks.json"
    path.write_text(text)
    assert expected in error_of(path, EncodedDataset.from_clkhash_json)


def test_clkhash_missing_and_empty_file(tmp_path):
    assert "not found" in error_of(tmp_path / "x.json", EncodedDataset.from_clkhash_json)
    (tmp_path / "e.json").write_text("")
    msg = error_of(tmp_path / "e.json", EncodedDataset.from_clkhash_json)
    assert "is empty" in msg and "clkhash" in msg


# ------------------------------------------------------------------------------------------
# read_any, subset, validate
# ------------------------------------------------------------------------------------------
def test_read_any_dispatches(tmp_path, good_file):
    assert read_any(good_file).meta.source == "linkcore"
    bits = np.zeros((2, 64), bool)
    assert read_any(clkhash_file(tmp_path, bits)).meta.source == "clkhash"
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n")
    assert "neither" in error_of(csv, read_any)
    (tmp_path / "e").write_bytes(b"")
    assert "empty" in error_of(tmp_path / "e", read_any)


def test_subset():
    ds = make_dataset(make_schema(), 20)
    for rows in (slice(5, 9), np.arange(20) % 3 == 0, [4, 1, 17]):
        sub = ds.subset(rows)
        sub.validate()
        assert len(sub) == sub.meta.record_count
        expected = ds.record_ids[rows if not isinstance(rows, list) else np.array(rows)]
        assert list(sub.record_ids) == list(expected)
        np.testing.assert_array_equal(sub.fields["f0"], ds.fields["f0"][rows])
        np.testing.assert_array_equal(sub.blocking_keys["b0"], ds.blocking_keys["b0"][rows])
        assert sub.meta.schema_fingerprint == ds.meta.schema_fingerprint
    assert len(ds.subset([])) == 0
    with pytest.raises(ParameterError, match="repeat"):
        ds.subset([1, 1])
    with pytest.raises(ParameterError, match="from 0 to 19"):
        ds.subset([20])
    with pytest.raises(ParameterError, match="one entry per record"):
        ds.subset(np.ones(3, bool))


def test_validate_catches_bad_arrays():
    schema = make_schema()
    ds = make_dataset(schema, 6, missing_rate=0.0)
    ds.missing[2, 0] = True
    with pytest.raises(DatasetError, match="marked missing but has bits set in rows 3"):
        ds.validate()
    ds = make_dataset(schema, 6)
    ds.fields["f1"] = ds.fields["f1"].astype(np.int64)
    with pytest.raises(DatasetError, match="field 'f1' must be a uint64 array of shape"):
        ds.validate()
    ds = make_dataset(schema, 6)
    ds.clk = ds.clk[:, :8]
    with pytest.raises(DatasetError, match="the CLK must be a uint64 array of shape \\(6, 16\\)"):
        ds.validate()
    ds = make_dataset(schema, 6)
    ds.blocking_keys = {}
    with pytest.raises(DatasetError, match="blocking keys"):
        ds.validate()
    ds = make_dataset(schema, 6)
    ds.meta = dataclasses.replace(ds.meta, record_count=7)
    with pytest.raises(DatasetError, match="metadata says 7"):
        ds.validate()
    with pytest.raises(DatasetError, match="fields"):
        EncodedDataset.from_arrays(schema, KCV, ["a"], {"f0": np.zeros((1, 8), np.uint64)})
    with pytest.raises(DatasetError, match="not unique") as info:
        make_dataset(schema, 3, ids=[f"{ID_MARK}a", f"{ID_MARK}b", f"{ID_MARK}a"])
    assert ID_MARK not in str(info.value)
    with pytest.raises(DatasetError, match="not text"):
        make_dataset(schema, 2, ids=[f"{ID_MARK}a", 5])


def test_meta_json_is_canonical():
    ds = make_dataset(make_schema(), 2)
    text = ds.meta.to_json()
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    assert isinstance(ds.meta, DatasetMeta)


def test_schema_parsed_lazily(good_file):
    ds = EncodedDataset.read(good_file)
    assert ds.schema.fingerprint == ds.meta.schema_fingerprint
    assert dsmod.SPEC_VERSION == 2


def test_reads_a_file_written_from_the_spec_alone(tmp_path):
    """A file written from docs/spec.md section 11 alone (zstd, Arrow metadata) is read."""
    schema = make_schema(widths=(128,), clk_bits=None, n_blocks=1)
    f0 = [bytes([1] + [0] * 15), None, bytes(range(16))]
    table = pa.table({
        "record_id": pa.array(["x", "y", "z"], pa.string()),
        "field:f0": pa.array(f0, pa.binary(16)),
        "block:b0": pa.array([7, None, 2**64 - 1], pa.uint64()),
    })
    meta = {
        "spec_version": 2, "schema_fingerprint": schema.fingerprint, "key_check_value": "abcd",
        "linkcore_version": "other-0.0", "record_count": 3, "schema": schema.to_dict(),
        "source": "linkcore",
    }
    table = table.replace_schema_metadata({"linkcore": json.dumps(meta, indent=1)})
    path = tmp_path / "other.parquet"
    pq.write_table(table, path, compression="zstd", row_group_size=2)  # stores ARROW:schema too
    ds = EncodedDataset.read(path)
    assert list(ds.record_ids) == ["x", "y", "z"]
    assert ds.missing[:, 0].tolist() == [False, True, False]
    assert ds.fields["f0"][0].tolist() == [1, 0] and ds.fields["f0"][1].tolist() == [0, 0]
    assert int(ds.fields["f0"][2, 0]) == int.from_bytes(bytes(range(8)), "little")
    assert ds.blocking_keys["b0"].tolist() == [7, 0, 2**64 - 1]
    assert ds.meta.linkcore_version == "other-0.0"


# ------------------------------------------------------------------------------------------
# end to end with the real encoder: no plaintext and no key material in the file
# ------------------------------------------------------------------------------------------
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèöüçñøåÆŁ'-"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    surnames=st.lists(st.text(NAME_CHARS, min_size=5, max_size=14), min_size=1, max_size=8),
    years=st.lists(st.integers(1920, 2015), min_size=8, max_size=8),
)
def test_encoded_file_holds_no_plaintext_or_key(surnames, years):
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret

    schema = Schema.from_dict({
        "linkcore_schema": 1,
        "fields": [{"name": "surname", "kind": "name"}, {"name": "dob", "kind": "date"}],
        "blocking_keys": [{"name": "sx", "parts": [{"field": "surname", "transform": "soundex"}]}],
    })
    n = len(surnames)
    dobs = [f"{y}-03-17" for y in years[:n]]
    df = pd.DataFrame({"id": [f"{ID_MARK}{i}" for i in range(n)], "surname": surnames, "dob": dobs})
    secret = Secret.generate()
    ds = encode(df, schema, secret)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enc.parquet"
        ds.write(path)
        raw = path.read_bytes()
        back = EncodedDataset.read(path)
    assert_same(ds, back)
    assert back.meta.key_check_value == secret.key_check_value()
    secret_text = secret.to_text().strip()
    assert secret_text.encode() not in raw
    assert secret._key not in raw
    public = schema.canonical_json()  # words like "qgram" legitimately appear in the schema
    for value in surnames + dobs:
        stripped = "".join(c for c in unicodedata.normalize("NFKD", value)
                           if not unicodedata.combining(c))
        for form in {value, value.lower(), value.upper(), value.casefold(), stripped.lower()}:
            if form.lower() in public.lower():
                continue
            assert form.encode("utf-8") not in raw, "a plaintext value reached the encoded file"
