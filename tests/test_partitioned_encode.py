"""Encoding in partitions: the one-process encoder's records, bit for bit, as a partitioned dataset.

Also the partitioned dataset's reader: a missing, foreign or mixed part is one error line.
"""

from __future__ import annotations

import json
import os
import shutil
import socket

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from keybytes import key_bytes

from linkcore.cli import main
from linkcore.dataset import EncodedDataset, read_any
from linkcore.errors import DatasetError, InputDataError, InvalidValueError, ParameterError
from linkcore.holder.encode import encode, encode_with_report
from linkcore.holder.encode_parts import encode_partitioned
from linkcore.holder.hardening import blip
from linkcore.holder.keys import KeySource, Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.partitioned import MANIFEST_NAME, read_manifest
from linkcore.schema import Schema
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(bytes(range(32)))
NONCE = bytes(range(16, 32))


def hardened(schema: Schema) -> Schema:
    """The suggested schema (salts, views, balance, xor_fold) plus BLIP on fields and a CLK."""
    doc = json.loads(schema.canonical_json())
    for f in doc["fields"]:
        if f["name"] == "postcode":
            f["hardening"] = [{"type": "blip", "epsilon": 3.0}, {"type": "rule90"}]
        if f["name"] == "date_of_birth":
            f["hardening"] = [{"type": "balance"}, {"type": "blip", "epsilon": 4.0},
                              {"type": "xor_fold"}]
        if f["name"] in ("first_name", "last_name", "date_of_birth"):
            f["clk_k"] = 10
    doc["clk"] = {"bits": 1024, "hardening": [{"type": "blip", "epsilon": 5.0}]}
    return Schema.from_dict(doc)


@pytest.fixture(scope="module")
def table():
    pop = generate_population(1500, seed=3)
    extracts, _ = make_extracts(pop, agencies=2, seed=3)
    df = extracts[0]
    schema, mapping, _ = suggest_schema(df)
    return df, hardened(schema), mapping, extracts[1]


@pytest.fixture(scope="module")
def one_process(table, tmp_path_factory):
    df, schema, mapping, _ = table
    ds, report = encode_with_report(df, schema, SECRET, mapping, blip_nonce=NONCE)
    path = tmp_path_factory.mktemp("one") / "one.parquet"
    ds.write(path)
    return ds, report, path


def assert_same_records(folder, one_path, tmp_path):
    """Read back, the folder is the one-process file: written again, the same bytes."""
    back = EncodedDataset.read(folder)
    again = tmp_path / "again.parquet"
    back.write(again)
    assert again.read_bytes() == one_path.read_bytes()
    one = EncodedDataset.read(one_path)
    assert back.meta == one.meta
    assert np.array_equal(back.record_ids, one.record_ids)
    for name in one.fields:
        assert np.array_equal(back.fields[name], one.fields[name])
    assert np.array_equal(back.clk, one.clk) and np.array_equal(back.missing, one.missing)


def test_blip_from_any_row_draws_the_whole_tables_bits():
    rng = np.random.default_rng(1)
    filters = rng.integers(0, 2**63, size=(50, 4), dtype=np.uint64)
    skip = rng.random(50) < 0.2
    key = bytes(32)
    for nonce in (NONCE, b"\xff" * 16, b"\x00" * 8 + b"\xff" * 8):  # the counter wraps, carries
        whole = blip(filters, skip, key, nonce, 2.0)
        for start in (1, 7, 33):
            part = blip(filters[start:], skip[start:], key, nonce, 2.0, first_row=start)
            assert np.array_equal(part, whole[start:])


@pytest.mark.parametrize("partitions", [1, 2, 3, 7])
def test_any_partition_count_gives_the_one_process_records(table, one_process, partitions,
                                                           tmp_path):
    df, schema, mapping, _ = table
    _, one_report, one_path = one_process
    manifest, report = encode_partitioned(df, schema, SECRET, tmp_path / "out", mapping,
                                          partitions=partitions, blip_nonce=NONCE)
    assert len(manifest.parts) == partitions
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [MANIFEST_NAME] + [p.file for p in manifest.parts])
    assert_same_records(tmp_path / "out", one_path, tmp_path)
    assert report.records == one_report.records
    assert report.missing_counts == one_report.missing_counts
    assert report.invalid_counts == one_report.invalid_counts
    assert any(report.invalid_counts.values())  # the synthetic data has unreadable values
    for name, rows in one_report.invalid_rows.items():
        assert np.array_equal(report.invalid_rows[name], rows)


@pytest.mark.parametrize("shared_units", [0.0, 1.0])
@pytest.mark.parametrize("chunk_rows", [1, 7, 256, 1499])
def test_any_chunk_size_of_the_filter_stage_gives_the_same_records(table, one_process,
                                                                    chunk_rows, shared_units,
                                                                    monkeypatch, tmp_path):
    """The encoder builds filters chunk of rows by chunk: the bytes never depend on the size,
    nor on whether a salted field's units are built once for the table or per chunk.

    Chunks of one row are tried on the first 120 rows (a chunk costs about as much as 70 rows).
    """
    import linkcore.holder.encode as encoder

    df, schema, mapping, _ = table
    expected, expected_report = one_process[2], one_process[1]
    if chunk_rows == 1:
        df = df.head(120)
        whole, expected_report = encode_with_report(df, schema, SECRET, mapping,
                                                    blip_nonce=NONCE)
        expected = tmp_path / "whole.parquet"
        whole.write(expected)
    monkeypatch.setattr(encoder, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(encoder, "SHARED_UNITS_SHARE", shared_units)
    ds, report = encode_with_report(df, schema, SECRET, mapping, blip_nonce=NONCE)
    path = tmp_path / "chunked.parquet"
    ds.write(path)
    assert_same_records(path, expected, tmp_path)
    assert report.missing_counts == expected_report.missing_counts


def test_parts_without_the_shared_nonce_would_differ(table, one_process, tmp_path):
    """The test above is not vacuous: BLIP makes the CLK depend on the run's nonce."""
    df, schema, mapping, _ = table
    encode_partitioned(df, schema, SECRET, tmp_path / "out", mapping, partitions=2,
                       blip_nonce=bytes(16))
    assert not np.array_equal(EncodedDataset.read(tmp_path / "out").clk, one_process[0].clk)


def test_strict_fails_as_the_one_process_encoder_does_and_writes_nothing(table, tmp_path):
    df, schema, mapping, _ = table
    with pytest.raises(InvalidValueError) as whole:
        encode(df, schema, SECRET, mapping, strict=True)
    with pytest.raises(InvalidValueError) as parts:
        encode_partitioned(df, schema, SECRET, tmp_path / "out", mapping, partitions=3,
                           strict=True)
    assert str(parts.value) == str(whole.value)
    assert list(tmp_path.iterdir()) == []


def test_ids_are_checked_over_the_whole_table(table, tmp_path):
    df, schema, mapping, _ = table
    df = df.copy()
    df.loc[len(df) - 1, mapping.id_column] = df.loc[0, mapping.id_column]  # first and last part
    with pytest.raises(InputDataError) as whole:
        encode(df, schema, SECRET, mapping)
    with pytest.raises(InputDataError) as parts:
        encode_partitioned(df, schema, SECRET, tmp_path / "out", mapping, partitions=4)
    assert str(parts.value) == str(whole.value) and "not unique" in str(parts.value)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_output_is_never_replaced(table, tmp_path):
    df, schema, mapping, _ = table
    (tmp_path / "out").mkdir()
    with pytest.raises(Exception, match="already exists"):
        encode_partitioned(df.head(20), schema, SECRET, tmp_path / "out", mapping, partitions=2)
    assert list((tmp_path / "out").iterdir()) == []


# ------------------------------------------------------------------------------ dask

@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cl, distributed.Client(cl) as client:
        yield client


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "shared.key"
    SECRET.write(path)
    return path


@pytest.mark.parametrize("partitions", [2, 5])
def test_a_cluster_with_processes_gives_the_one_process_records(table, one_process, cluster,
                                                                key_file, partitions, tmp_path):
    df, schema, mapping, _ = table
    encode_partitioned(df, schema, KeySource(key_file=str(key_file)), tmp_path / "out", mapping,
                       partitions=partitions, engine="dask", client=cluster, blip_nonce=NONCE)
    assert_same_records(tmp_path / "out", one_process[2], tmp_path)


def test_a_secret_is_never_sent_to_workers(table, cluster, tmp_path):
    df, schema, mapping, _ = table
    with pytest.raises(ParameterError, match="KeySource"):
        encode_partitioned(df, schema, SECRET, tmp_path / "out", mapping, partitions=2,
                           engine="dask", client=cluster)
    assert list(tmp_path.iterdir()) == []


def test_workers_that_cannot_read_the_key_fail_and_write_nothing(table, cluster, tmp_path,
                                                                 monkeypatch):
    """The variable is set here, after the workers started: they cannot see it."""
    df, schema, mapping, _ = table
    monkeypatch.setenv("LINKCORE_TEST_LATE_KEY", SECRET.to_text())
    with pytest.raises(Exception, match="LINKCORE_TEST_LATE_KEY"):
        encode_partitioned(df, schema, KeySource(key_env="LINKCORE_TEST_LATE_KEY"),
                           tmp_path / "out", mapping, partitions=2, engine="dask",
                           client=cluster)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ the CLI

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error_line(r, needle):
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.output
    assert needle in lines[0], lines[0]
    assert "Traceback" not in r.output


@pytest.fixture(scope="module")
def files(table, key_file, tmp_path_factory):
    """Encoded files of both agencies: one-process and in parts; a foreign and a mixed part."""
    df, schema, mapping, df_b = table
    d = tmp_path_factory.mktemp("cli")
    df.to_csv(d / "a.csv", index=False)
    (d / "schema.json").write_text(schema.to_json(), encoding="utf-8")
    (d / "mapping.json").write_text(mapping.to_json(), encoding="utf-8")
    base = ["encode", d / "a.csv", "--schema", d / "schema.json", "--mapping",
            d / "mapping.json", "--key-file", key_file, "-q"]
    assert run(*base, "-o", d / "a.parquet").exit_code == 0
    r = run(*base, "-o", d / "a.parts", "--partitions", "3")
    assert r.exit_code == 0, r.output
    mapping_b = suggest_mapping(df_b, schema)[0]
    encode(df_b, schema, SECRET, mapping_b).write(d / "b.parquet")
    encode_partitioned(df_b, schema, SECRET, d / "b.parts", mapping_b, partitions=2)
    # another run over the same table: same schema and key, different parts (BLIP's nonce)
    encode_partitioned(df, schema, SECRET, d / "a.again", mapping, partitions=3)
    # the same rows under another key, and under another schema
    encode_partitioned(df, schema, Secret(key_bytes("q")), d / "a.otherkey", mapping, partitions=3)
    doc = json.loads(schema.canonical_json())
    doc["description"] = "another"
    encode_partitioned(df, Schema.from_dict(doc), SECRET, d / "a.otherschema", mapping,
                       partitions=3)
    Secret(key_bytes("p")).write(d / "project.key")  # the linkage unit's, for dedupe and link_many
    return d


def test_cli_encode_in_parts_is_the_one_file(files, tmp_path):
    """Without a fixed nonce BLIP differs per run: compare a schema-free part of the records."""
    a, parts = read_any(files / "a.parquet"), read_any(files / "a.parts")
    assert len(read_manifest(files / "a.parts").parts) == 3
    assert np.array_equal(a.record_ids, parts.record_ids)
    assert np.array_equal(a.fields["first_name"], parts.fields["first_name"])
    assert np.array_equal(a.missing, parts.missing)
    for k in a.blocking_keys:
        assert np.array_equal(a.blocking_keys[k], parts.blocking_keys[k])


def test_link_and_dedupe_read_partitioned_datasets(files, tmp_path):
    """A folder links as the one file holding its records does (the parts' BLIP is their own)."""
    for name in ("a", "b"):
        read_any(files / f"{name}.parts").write(tmp_path / f"{name}.parquet")
    pairs = [(("a.parts", "b.parts"), (tmp_path / "a.parquet", tmp_path / "b.parquet"))]
    for (fa, fb), (ga, gb) in pairs:
        r1 = run("link", files / fa, files / fb, "-o", tmp_path / "m1.csv", "-q")
        r2 = run("link", ga, gb, "-o", tmp_path / "m2.csv", "-q")
        assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
        assert (tmp_path / "m1.csv").read_bytes() == (tmp_path / "m2.csv").read_bytes()
    project = ["--project-key-file", files / "project.key"]
    r3 = run("dedupe", files / "b.parts", "-o", tmp_path / "d1.csv", "-q", *project)
    r4 = run("dedupe", tmp_path / "b.parquet", "-o", tmp_path / "d2.csv", "-q", *project)
    assert r3.exit_code == 0 and r4.exit_code == 0, r3.output + r4.output
    assert (tmp_path / "d1.csv").read_bytes() == (tmp_path / "d2.csv").read_bytes()
    r5 = run("link", files / "a.parts", files / "b.parts", files / "b.parquet", "-o",
             tmp_path / "many.csv", "-q", *project, "--agency-names", "x,y,z")
    r6 = run("link", tmp_path / "a.parquet", tmp_path / "b.parquet", files / "b.parquet", "-o",
             tmp_path / "many2.csv", "-q", *project, "--agency-names", "x,y,z")
    assert r5.exit_code == 0 and r6.exit_code == 0, r5.output + r6.output
    assert (tmp_path / "many.csv").read_bytes() == (tmp_path / "many2.csv").read_bytes()


def broken(files, tmp_path, how):
    """A copy of a.parts broken one way."""
    d = tmp_path / "broken"
    shutil.copytree(files / "a.parts", d)
    if how == "missing":
        (d / "part-00001.parquet").unlink()
    elif how == "foreign":
        shutil.copy(files / "a.again" / "part-00001.parquet", d / "part-00001.parquet")
    elif how == "other key":
        shutil.copy(files / "a.otherkey" / "part-00002.parquet", d / "part-00002.parquet")
    elif how == "other schema":
        shutil.copy(files / "a.otherschema" / "part-00000.parquet", d / "part-00000.parquet")
    elif how == "unlisted":
        shutil.copy(files / "b.parts" / "part-00001.parquet", d / "part-00003.parquet")
    elif how == "no manifest":
        (d / MANIFEST_NAME).unlink()
    elif how == "bad manifest":
        (d / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    elif how == "manifest mixed":  # a consistent manifest over parts of two keys
        shutil.copy(files / "a.otherkey" / "part-00002.parquet", d / "part-00002.parquet")
        doc = json.loads((d / MANIFEST_NAME).read_text())
        from linkcore.partitioned import file_sha256

        doc["parts"][2]["sha256"] = file_sha256(d / "part-00002.parquet")
        (d / MANIFEST_NAME).write_text(json.dumps(doc))
    return d


@pytest.mark.parametrize("how, needle", [
    ("missing", "part 2 of 3 (part-00001.parquet) is missing"),
    ("foreign", "SHA-256 differs"),
    ("other key", "different secret key"),
    ("other schema", "different schema"),
    ("unlisted", "does not list (part-00003.parquet)"),
    ("no manifest", "without manifest.json"),
    ("bad manifest", "not readable JSON"),
    ("manifest mixed", "different secret key"),
])
def test_a_broken_partitioned_dataset_is_one_error_line(files, tmp_path, how, needle):
    d = broken(files, tmp_path, how)
    with pytest.raises(DatasetError, match="."):
        EncodedDataset.read(d)
    out = tmp_path / "m.csv"
    one_error_line(run("link", d, files / "b.parquet", "-o", out), needle)
    assert not out.exists() and not list(tmp_path.glob(".m.csv.*"))
    one_error_line(run("dedupe", d, "-o", out, "--project-key-file", files / "project.key"),
                   needle)
    assert not out.exists()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("extra, needle", [
    (["--scheduler", "tcp://127.0.0.1:{port}"], "cannot reach a dask scheduler"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["--partitions", "0"], "--partitions"),
    (["--workers", "0"], "--workers"),
])
def test_cli_encode_bad_cluster_options(files, key_file, tmp_path, extra, needle):
    out = tmp_path / "out"
    extra = [e.format(port=_free_port()) for e in extra]
    r = run("encode", files / "a.csv", "--schema", files / "schema.json", "--mapping",
            files / "mapping.json", "--key-file", key_file, "-o", out, *extra)
    one_error_line(r, needle)
    assert list(tmp_path.iterdir()) == []


def test_cli_encode_never_replaces_a_partitioned_dataset(files, key_file, tmp_path):
    shutil.copytree(files / "a.parts", tmp_path / "out")
    before = sorted(os.listdir(tmp_path / "out"))
    r = run("encode", files / "a.csv", "--schema", files / "schema.json", "--mapping",
            files / "mapping.json", "--key-file", key_file, "-o", tmp_path / "out",
            "--partitions", "2", "--force")
    one_error_line(r, "never replaced")
    assert sorted(os.listdir(tmp_path / "out")) == before


def test_cli_encode_on_a_local_cluster(files, key_file, tmp_path):
    pytest.importorskip("distributed")
    r = run("encode", files / "a.csv", "--schema", files / "schema.json", "--mapping",
            files / "mapping.json", "--key-file", key_file, "-o", tmp_path / "out",
            "--workers", "2", "--partitions", "3")
    assert r.exit_code == 0, r.output
    assert "(3 parts)" in r.output
    a, parts = read_any(files / "a.parquet"), read_any(tmp_path / "out")
    assert np.array_equal(a.record_ids, parts.record_ids)
    assert np.array_equal(a.fields["last_name"], parts.fields["last_name"])
    assert pd.Index(sorted(os.listdir(tmp_path))).equals(pd.Index(["out"]))


@pytest.mark.parametrize("part_records", [10_000, 400, 300, 100])
def test_a_cluster_run_cuts_enough_parts_to_bound_a_workers_rows(table, files, parquet_table,
                                                                monkeypatch, part_records):
    """Without --partitions: 4 parts, or more so that none holds more than PART_RECORDS."""
    import linkcore.cli.encode_cmd as cmd

    monkeypatch.setattr(cmd, "PART_RECORDS", part_records)
    parts = max(4, -(-len(table[0]) // part_records))
    assert cmd._default_partitions(str(parquet_table)) == parts  # the rows counted
    assert abs(cmd._default_partitions(str(files / "a.csv")) - parts) <= 1  # estimated


# ------------------------------------------------------------------------------ workers read rows

def assert_same_rows(got, want):
    """Two encoded datasets hold the same records: metadata, ids, filters, missing, keys."""
    assert got.meta == want.meta and np.array_equal(got.record_ids, want.record_ids)
    for f in want.fields:
        assert np.array_equal(got.fields[f], want.fields[f])
    assert np.array_equal(got.missing, want.missing)
    for k in want.blocking_keys:
        assert np.array_equal(got.blocking_keys[k], want.blocking_keys[k])


@pytest.mark.parametrize("rows", [(0, 0), (0, 1), (5, 17), (100, 1400), (0, 1500)])
def test_read_rows_reads_only_what_is_asked_and_equals_the_slice(files, tmp_path, rows):
    from linkcore.dataset import read_rows

    whole = read_any(files / "a.parquet")
    n = len(whole)
    start, stop = min(rows[0], n), min(rows[1], n)
    small_groups = tmp_path / "groups.parquet"
    whole.write(small_groups, row_group_size=64)  # many row groups
    for source in (files / "a.parquet", small_groups, files / "a.parts"):
        base = whole if source != files / "a.parts" else read_any(files / "a.parts")
        got = read_rows(source, start, stop)
        want = base.subset(slice(start, stop))
        assert_same_rows(got, want)


def test_read_rows_of_parts_in_small_row_groups_decodes_only_those_groups(files, tmp_path,
                                                                         monkeypatch):
    """A worker's rows of a partitioned dataset: the row groups of each part holding them, not
    the whole parts (at 10^6 records in one part, 1.1 s for half the rows instead of 8.1 s)."""
    import dataclasses

    import pyarrow.parquet as pq

    from linkcore import partitioned
    from linkcore.dataset import read_rows

    folder = tmp_path / "groups.parts"
    shutil.copytree(files / "a.parts", folder)
    manifest = partitioned.read_manifest(folder)
    entries = []
    for i, entry in enumerate(manifest.parts):
        part = partitioned.read_part(folder, manifest, i)
        (folder / entry.file).unlink()
        part.write(folder / entry.file, row_group_size=64)
        entries.append(dataclasses.replace(entry,
                                           sha256=partitioned.file_sha256(folder / entry.file)))
    partitioned.write_manifest(folder, dataclasses.replace(manifest, parts=tuple(entries)))
    whole = read_any(files / "a.parts")
    decoded = []
    real = pq.ParquetFile.read_row_group
    monkeypatch.setattr(pq.ParquetFile, "read_row_group",
                        lambda self, i, *a, **k: decoded.append(i) or real(self, i, *a, **k))
    n = len(whole)
    for start, stop in [(0, 0), (3, 70), (130, 700), (n // 3 - 5, n // 3 + 5), (0, n), (n, n)]:
        decoded.clear()
        got = read_rows(folder, start, stop)
        want = whole.subset(slice(start, stop))
        assert_same_rows(got, want)
        starts = manifest.starts()
        touched = int(np.sum((starts[:-1] < stop) & (starts[1:] > start))) or 1
        assert len(decoded) <= -(-(stop - start) // 64) + 2 * touched


def test_a_worker_refuses_a_file_that_is_not_the_one_read(files, tmp_path):
    from linkcore.linkage.partitions import FileSource, load_part

    shutil.copy(files / "a.parquet", tmp_path / "x.parquet")
    source = FileSource.of(tmp_path / "x.parquet")
    assert load_part(source, {}, 3, 9, 0).ds.record_ids.size == 6
    shutil.copy(files / "b.parquet", tmp_path / "x.parquet")
    with pytest.raises(DatasetError, match="not the file the linking process read"):
        load_part(source, {}, 3, 9, 0)
    (tmp_path / "x.parquet").unlink()
    with pytest.raises(DatasetError, match="a worker cannot read its rows"):
        load_part(source, {}, 3, 9, 0)


@pytest.mark.parametrize("partitions", [1, 3])
def test_workers_reading_their_rows_give_the_local_result(files, cluster, partitions):
    from linkcore.linkage.pipeline import link

    local = link(files / "a.parts", files / "b.parquet")
    dist = link(files / "a.parts", files / "b.parquet", engine="dask", client=cluster,
                partitions=partitions)
    pd.testing.assert_frame_equal(local.matches, dist.matches, check_exact=True)
    assert local.model.to_dict() == dist.model.to_dict()


def test_workers_read_the_file_themselves(files, cluster, tmp_path):
    """Swap the file once the linking process has read it: the workers notice, exit 2."""
    from linkcore.linkage.pipeline import _file_source, link

    path = tmp_path / "x.parquet"
    shutil.copy(files / "a.parquet", path)
    assert _file_source(path, read_any(path), "dask") is not None
    assert _file_source(path, read_any(path), "local") is None
    assert _file_source(read_any(path), read_any(path), "dask") is None

    def swap(stage, info):
        if stage == "load":
            shutil.copy(files / "b.parquet", path)

    with pytest.raises(DatasetError, match="not the file the linking process read"):
        link(path, files / "b.parquet", engine="dask", client=cluster, partitions=2,
             on_stage=swap)


def test_a_worker_that_cannot_see_the_output_folder_writes_nowhere(table, tmp_path):
    from linkcore.errors import OutputError
    from linkcore.holder.encode_parts import encode_part

    df, schema, mapping, _ = table
    gone = tmp_path / "not-shared" / ".out.partial"
    with pytest.raises(OutputError, match="file system every worker shares"):
        encode_part(df.head(10), schema, mapping, SECRET, NONCE, 0, False, str(gone), 0)
    assert not (tmp_path / "not-shared").exists()


# ------------------------------------------------------------------------------ tasks read Parquet

@pytest.fixture(scope="module")
def parquet_table(table, tmp_path_factory):
    """The table as a Parquet file of small row groups, an integer column with nulls in it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = table[0]
    path = tmp_path_factory.mktemp("pq") / "a.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=97)
    return path


@pytest.mark.parametrize("partitions", [1, 4, 7])
def test_tasks_reading_their_rows_of_a_parquet_table_give_the_one_process_records(
        table, one_process, parquet_table, partitions, tmp_path):
    from linkcore.holder.encode_parts import ParquetTable

    _, schema, mapping, _ = table
    encode_partitioned(ParquetTable(str(parquet_table)), schema, SECRET, tmp_path / "out",
                       mapping, partitions=partitions, blip_nonce=NONCE)
    assert_same_records(tmp_path / "out", one_process[2], tmp_path)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_a_cluster_reading_the_table_file_gives_the_one_process_records(
        table, cluster, key_file, tmp_path, request, kind):
    """Each worker reads its own rows of the file: row groups of a Parquet table, bytes of a CSV."""
    from linkcore.holder.encode_parts import CsvTable, ParquetTable

    _, schema, mapping, _ = table
    path = request.getfixturevalue(f"{kind}_table")
    expected = request.getfixturevalue("one_process")[2] if kind == "parquet" else \
        request.getfixturevalue("csv_one_process")
    source = ParquetTable if kind == "parquet" else CsvTable
    encode_partitioned(source(str(path)), schema, KeySource(key_file=str(key_file)),
                       tmp_path / "out", mapping, partitions=3, engine="dask", client=cluster,
                       blip_nonce=NONCE)
    assert_same_records(tmp_path / "out", expected, tmp_path)


def test_a_parquet_table_is_checked_whole_before_any_task(table, parquet_table, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from linkcore.holder.encode_parts import ParquetTable

    df, schema, mapping, _ = table
    dup = df.copy()
    dup.loc[1400, mapping.id_column] = dup.loc[3, mapping.id_column]  # in another part
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_pandas(dup, preserve_index=False), path, row_group_size=97)
    with pytest.raises(InputDataError, match="not unique") as err:
        encode_partitioned(ParquetTable(str(path)), schema, SECRET, tmp_path / "out", mapping,
                           partitions=3)
    assert str(dup.loc[3, mapping.id_column]) not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_task_refuses_rows_that_are_not_the_ones_checked(table, parquet_table, tmp_path):
    from linkcore.holder.encode_parts import _ids_sha256, _read_rows, _Rows

    df, _, mapping, _ = table
    ids = df[mapping.id_column].astype(str).to_numpy(dtype=object)
    good = _Rows(str(parquet_table), 90, 300, _ids_sha256(ids[90:300]))
    assert len(_read_rows(good, mapping.id_column)) == 210
    shifted = _Rows(str(parquet_table), 90, 300, _ids_sha256(ids[91:301]))
    with pytest.raises(InputDataError, match="changed while it was encoded"):
        _read_rows(shifted, mapping.id_column)
    with pytest.raises(InputDataError, match="every worker shares"):
        _read_rows(_Rows(str(tmp_path / "nowhere.parquet"), 0, 5, ""), mapping.id_column)


def test_cli_encode_in_parts_reads_a_parquet_input_by_row_ranges(files, parquet_table, key_file,
                                                                 tmp_path, monkeypatch):
    """The parts are the one-process file's records; this process never reads the whole table."""
    import linkcore._io as io

    def whole(*args, **kwargs):
        raise AssertionError("the whole table was read")

    monkeypatch.setattr(io, "_read_parquet_table", whole)
    assert_cli_parts_are_the_one_file(files, parquet_table, key_file, tmp_path / "out")


def assert_cli_parts_are_the_one_file(files, table_path, key_file, out):
    """`linkcore encode TABLE --partitions 3` gives the one-process file's records."""
    r = run("encode", table_path, "--schema", files / "schema.json", "--mapping",
            files / "mapping.json", "--key-file", key_file, "-o", out, "--partitions", "3", "-q")
    assert r.exit_code == 0, r.output
    a, parts = read_any(files / "a.parquet"), read_any(out)
    assert np.array_equal(a.record_ids, parts.record_ids)
    assert np.array_equal(a.fields["last_name"], parts.fields["last_name"])


def test_an_integer_column_with_nulls_reads_as_the_csv_does(tmp_path):
    """As floats, 4857773456 would read "4857773456.0": another identifier than the CSV's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from linkcore._io import read_parquet_rows, read_table

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"],
                             "nhs": pa.array([4857773456, None, 9434765919], pa.int64())}),
                   path, row_group_size=2)
    assert read_table(path)["nhs"].tolist() == ["4857773456", None, "9434765919"]
    assert read_parquet_rows(path, 1, 3)["nhs"].tolist() == [None, "9434765919"]


# ---------------------------------------------------------------------------------- tasks read CSV

@pytest.fixture(scope="module")
def csv_table(table, tmp_path_factory):
    """The table as CSV text with what cutting by lines gets wrong: quoted line breaks, quotes
    doubled inside quoted values, blank lines, CRLF line ends and a byte-order mark."""
    df = table[0].copy()
    notes = np.where(np.arange(len(df)) % 7 == 0, 'line one\r\nline "two"\n\nthree', "")
    df.insert(3, "notes", notes)
    text = df.to_csv(index=False, lineterminator="\r\n")
    lines = text.split("\r\n")
    lines[400:400] = ["", ""]  # blank lines are skipped, as a whole read skips them
    path = tmp_path_factory.mktemp("csv") / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def csv_one_process(table, csv_table, tmp_path_factory):
    """The one-process encoding of the CSV as read_table reads it whole."""
    from linkcore._io import read_table

    _, schema, mapping, _ = table
    whole = read_table(csv_table)
    assert whole["notes"].str.contains("\n").sum() > 100
    path = tmp_path_factory.mktemp("csv-one") / "one.parquet"
    encode(whole, schema, SECRET, mapping, blip_nonce=NONCE).write(path)
    return path


@pytest.mark.parametrize("partitions", [1, 4, 9])
def test_tasks_reading_their_bytes_of_a_csv_table_give_the_one_process_records(
        table, csv_table, csv_one_process, partitions, tmp_path, monkeypatch):
    import linkcore._io as io
    from linkcore._csv_ranges import cut_csv
    from linkcore.holder.encode_parts import CsvTable

    _, schema, mapping, _ = table
    columns, ranges, ids = cut_csv(csv_table, partitions, mapping.id_column)
    assert len(ranges) == partitions and ranges[-1][3] == len(ids) == len(table[0])

    def whole(path, dtype_str, nrows=None):
        assert nrows is not None, "the whole table was read"
        return real(path, dtype_str, nrows)

    real = io._read_csv_table
    monkeypatch.setattr(io, "_read_csv_table", whole)
    encode_partitioned(CsvTable(str(csv_table)), schema, SECRET, tmp_path / "out", mapping,
                       partitions=partitions, blip_nonce=NONCE)
    assert_same_records(tmp_path / "out", csv_one_process, tmp_path)


def test_a_csv_whose_quotes_cannot_be_counted_is_read_whole(table, tmp_path):
    """A quote inside an unquoted value makes a quoted line break look like a record's end."""
    from linkcore._csv_ranges import cut_csv
    from linkcore._io import read_table
    from linkcore.holder.encode_parts import CsvTable

    df, schema, mapping, _ = table
    df = df.head(40).copy()
    df.insert(3, "notes", "")
    df.loc[20, "notes"] = "\n".join(["x"] * 3000)  # the middle of the file's bytes
    text = df.to_csv(index=False)
    path = tmp_path / "fine.csv"
    path.write_text(text, encoding="utf-8")
    assert cut_csv(path, 2, mapping.id_column) is not None
    stray = tmp_path / "stray.csv"
    lines = text.split("\n")
    lines[1] = lines[1].replace(",", ',O"Brien', 1)  # a quote inside an unquoted value
    stray.write_text("\n".join(lines), encoding="utf-8")
    assert read_table(stray).iloc[0].str.contains('O"Brien').any()
    assert cut_csv(stray, 2, mapping.id_column) is None
    encode_partitioned(CsvTable(str(stray)), schema, SECRET, tmp_path / "out", mapping,
                       partitions=2, blip_nonce=NONCE)
    one = encode(read_table(stray), schema, SECRET, mapping, blip_nonce=NONCE)
    one.write(tmp_path / "one.parquet")
    assert_same_records(tmp_path / "out", tmp_path / "one.parquet", tmp_path)


@pytest.mark.parametrize("lead", [b"\n", b"\r\n\r\n", b"  \n"])
def test_blank_lines_before_the_header_are_not_a_record(table, tmp_path, lead):
    from linkcore._io import read_table
    from linkcore.holder.encode_parts import CsvTable

    df, schema, mapping, _ = table
    path = tmp_path / "lead.csv"
    path.write_bytes(lead + df.head(50).to_csv(index=False).encode("utf-8"))
    whole = read_table(path)
    assert len(whole) == 50
    encode_partitioned(CsvTable(str(path)), schema, SECRET, tmp_path / "out", mapping,
                       partitions=3, blip_nonce=NONCE)
    encode(whole, schema, SECRET, mapping, blip_nonce=NONCE).write(tmp_path / "one.parquet")
    assert_same_records(tmp_path / "out", tmp_path / "one.parquet", tmp_path)


def test_a_csv_table_is_checked_whole_before_any_task(table, tmp_path):
    from linkcore.holder.encode_parts import CsvTable

    df, schema, mapping, _ = table
    dup = df.copy()
    dup.loc[1400, mapping.id_column] = dup.loc[3, mapping.id_column]  # in another part
    dup.to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(InputDataError, match="not unique") as err:
        encode_partitioned(CsvTable(str(tmp_path / "dup.csv")), schema, SECRET,
                           tmp_path / "out", mapping, partitions=3)
    assert str(dup.loc[3, mapping.id_column]) not in str(err.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("partitions", [0, -2, 1.5])
def test_a_csv_table_in_no_parts_is_refused(table, csv_table, tmp_path, partitions):
    from linkcore.holder.encode_parts import CsvTable

    _, schema, mapping, _ = table
    with pytest.raises(ParameterError, match="partitions must be a positive whole number"):
        encode_partitioned(CsvTable(str(csv_table)), schema, SECRET, tmp_path / "out", mapping,
                           partitions=partitions)
    assert not (tmp_path / "out").exists()


def test_a_task_refuses_csv_rows_that_are_not_the_ones_checked(table, csv_table, tmp_path):
    from linkcore._csv_ranges import CsvRange, cut_csv
    from linkcore.holder.encode_parts import _ids_sha256, _read_rows

    _, _, mapping, _ = table
    columns, ranges, ids = cut_csv(csv_table, 3, mapping.id_column)
    b0, b1, s, e = ranges[1]
    good = CsvRange(str(csv_table), columns, b0, b1, s, e, _ids_sha256(ids[s:e]))
    assert len(_read_rows(good, mapping.id_column)) == e - s
    shifted = CsvRange(str(csv_table), columns, b0, b1, s, e, _ids_sha256(ids[s + 1:e + 1]))
    with pytest.raises(InputDataError, match="changed while it was encoded"):
        _read_rows(shifted, mapping.id_column)
    gone = CsvRange(str(tmp_path / "nowhere.csv"), columns, b0, b1, s, e, "")
    with pytest.raises(InputDataError, match="every worker shares"):
        _read_rows(gone, mapping.id_column)


def test_a_task_refuses_csv_bytes_changed_under_the_same_ids(table, csv_table, tmp_path):
    """Regression (a review, 2026-12-07): a CSV replaced mid-run by one with the same ids and
    other values (a corrected extract) passed the ids' check and mixed the two versions."""
    import shutil

    from linkcore._csv_ranges import CsvRange, cut_csv, range_sha256
    from linkcore.holder.encode_parts import _ids_sha256, _read_rows

    _, _, mapping, _ = table
    path = tmp_path / "in.csv"
    shutil.copy(csv_table, path)
    columns, ranges, ids = cut_csv(path, 3, mapping.id_column)
    b0, b1, s, e = ranges[1]
    part = CsvRange(str(path), columns, b0, b1, s, e, _ids_sha256(ids[s:e]),
                    range_sha256(path, b0, b1))
    assert len(_read_rows(part, mapping.id_column)) == e - s
    data = bytearray(path.read_bytes())
    at = data.index(b"\n", b0 + (b1 - b0) // 2) - 1  # a cell's last character, ids untouched
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    with pytest.raises(InputDataError, match="changed while it was encoded"):
        _read_rows(part, mapping.id_column)


def test_cli_encode_in_parts_reads_a_csv_input_by_byte_ranges(files, key_file, tmp_path,
                                                             monkeypatch):
    """The parts are the one-process file's records; this process never reads the whole table."""
    import linkcore._io as io

    def whole(path, dtype_str, nrows=None):
        assert nrows is not None, "the whole table was read"
        return real(path, dtype_str, nrows)

    real = io._read_csv_table
    monkeypatch.setattr(io, "_read_csv_table", whole)
    assert_cli_parts_are_the_one_file(files, files / "a.csv", key_file, tmp_path / "out")


def test_read_head_gives_a_files_metadata_and_size_without_its_records(table, one_process,
                                                                       tmp_path):
    from linkcore.dataset import read_head

    df, schema, mapping, _ = table
    one, _, one_path = one_process
    encode_partitioned(df, schema, SECRET, tmp_path / "out", mapping, partitions=3,
                       blip_nonce=NONCE)
    for path in (one_path, tmp_path / "out"):
        head, count = read_head(path)
        assert count == len(one) and len(head) == 0
        assert head.meta.schema_fingerprint == one.meta.schema_fingerprint
        assert head.meta.key_check_value == one.meta.key_check_value
        assert {k: v.shape[1] for k, v in head.fields.items()} == {
            k: v.shape[1] for k, v in one.fields.items()}
        assert head.clk_bits == one.clk_bits
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(one_path.read_bytes()[:-100])
    with pytest.raises(DatasetError, match="truncated"):
        read_head(cut)


def test_cli_encode_refuses_partitions_out_of_range(files, key_file, tmp_path):
    out = tmp_path / "out.parts"
    r = CliRunner().invoke(main, [str(x) for x in [
        "encode", files / "a.csv", "--schema", files / "schema.json", "--mapping",
        files / "mapping.json", "--key-file", key_file, "-o", out, "--partitions", "10001"]])
    assert r.exit_code == 2 and "from 1 to 10,000" in r.output, r.output
    assert r.output.count("\n") == 1 and not out.exists()


def test_a_relative_output_reaches_workers_that_run_in_another_folder(table, one_process,
                                                                      key_file, tmp_path,
                                                                      monkeypatch):
    """Regression: `-o parts` sent the staging folder's relative path, which a worker started
    in another folder could not see (the same command with an absolute path worked)."""
    distributed = pytest.importorskip("distributed")
    df, schema, mapping, _ = table
    monkeypatch.chdir(tmp_path)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cl, distributed.Client(cl) as client:
        client.run(os.chdir, "/")  # as a worker started elsewhere
        encode_partitioned(df, schema, KeySource(key_file=str(key_file)), "out", mapping,
                           partitions=2, engine="dask", client=client, blip_nonce=NONCE)
    assert_same_records(tmp_path / "out", one_process[2], tmp_path)
