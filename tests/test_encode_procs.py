"""Encoding on several processes: the one-process bytes, errors and warnings; no key in sight."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from linkcore.errors import InputDataError, InvalidValueError, MappingError, ParameterError
from linkcore.holder import encode_procs
from linkcore.holder.encode import encode, encode_with_report
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_schema
from linkcore.schema import Schema
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(bytes(range(1, 33)))
NONCE = bytes(range(16))


def with_clk_and_blip(schema: Schema) -> Schema:
    """The suggested schema plus BLIP on the date of birth and a BLIP-hardened CLK."""
    doc = json.loads(schema.canonical_json())
    for f in doc["fields"]:
        if f["name"] == "date_of_birth":
            f["hardening"] = [{"type": "balance"}, {"type": "blip", "epsilon": 4.0}]
        if f["name"] in ("first_name", "last_name"):
            f["clk_k"] = 10
    doc["clk"] = {"bits": 1024, "hardening": [{"type": "blip", "epsilon": 5.0}]}
    return Schema.from_dict(doc)


@pytest.fixture(autouse=True)
def eight_cores(monkeypatch):
    """Pretend the machine has 8 cores: ``processes`` is capped at the cores."""
    monkeypatch.setattr(encode_procs, "machine_cores", lambda: 8)


@pytest.fixture(scope="module")
def table():
    pop = generate_population(1200, seed=11)
    extracts, _ = make_extracts(pop, agencies=2, seed=11)
    df = extracts[0]
    schema, mapping, _ = suggest_schema(df)
    return df, with_clk_and_blip(schema), mapping


def assert_same(a, b):
    assert list(a.record_ids) == list(b.record_ids)
    assert a.meta == b.meta
    assert list(a.fields) == list(b.fields)
    for name in a.fields:
        assert np.array_equal(a.fields[name], b.fields[name]), name
    assert np.array_equal(a.missing, b.missing)
    assert np.array_equal(a.clk, b.clk)
    assert list(a.blocking_keys) == list(b.blocking_keys)
    for name in a.blocking_keys:
        assert np.array_equal(a.blocking_keys[name], b.blocking_keys[name]), name


@pytest.mark.parametrize("processes", [2, 3])
def test_several_processes_give_the_one_process_bytes_and_report(table, processes):
    df, schema, mapping = table
    one, one_report = encode_with_report(df, schema, SECRET, mapping, blip_nonce=NONCE,
                                         processes=1)
    many, report = encode_with_report(df, schema, SECRET, mapping, blip_nonce=NONCE,
                                      processes=processes)
    assert_same(one, many)
    assert report.records == one_report.records
    assert report.missing_counts == one_report.missing_counts
    assert report.unsalted_counts == one_report.unsalted_counts
    assert any(one_report.invalid_counts.values())  # synthetic data has unreadable values
    for name, rows in one_report.invalid_rows.items():
        assert np.array_equal(report.invalid_rows[name], rows)


def test_row_ranges_cover_the_table_once_with_this_process_first():
    for n, processes, head_start in [(10, 3, 0), (10, 3, 2), (7, 2, 100), (1, 4, 0),
                                     (5, 8, 0), (1_000_000, 2, 100_000)]:
        ranges = encode_procs._ranges(n, processes, head_start)
        assert ranges[0][0] == 0 and ranges[-1][1] == n
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
        assert all(e > s for s, e in ranges) and len(ranges) <= min(n, processes)
        sizes = [e - s for s, e in ranges]
        assert all(sizes[0] >= size for size in sizes[1:])
    assert encode_procs._ranges(1_000_000, 2, 100_000) == [(0, 550_000), (550_000, 1_000_000)]


def test_strict_mode_names_the_rows_of_every_range(table, caplog):
    df, schema, mapping = table
    with pytest.raises(InvalidValueError) as one:
        encode(df, schema, SECRET, mapping, strict=True, processes=1)
    with pytest.raises(InvalidValueError) as many:
        encode(df, schema, SECRET, mapping, strict=True, processes=3)
    assert str(many.value) == str(one.value)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="linkcore"):
        encode(df, schema, SECRET, mapping, processes=3)
    lines = [r.getMessage() for r in caplog.records]
    assert lines and lines == encode_with_report(df, schema, SECRET, mapping,
                                                 processes=1)[1].summary_lines()


def test_a_childs_error_is_raised_here_with_its_class(table):
    df, schema, mapping = table
    bad = df.copy()
    bad[mapping.id_column] = bad[mapping.id_column].astype(object)
    # a cell the encoder refuses, in the last range only (a child's): a list in a name column
    name_column = mapping.sources[0][1].columns[0]
    bad[name_column] = bad[name_column].astype(object)
    bad.at[len(bad) - 1, name_column] = ["not", "a", "name"]
    with pytest.raises(Exception) as one:
        encode(bad, schema, SECRET, mapping, processes=1)
    with pytest.raises(type(one.value)) as many:
        encode(bad, schema, SECRET, mapping, processes=2)
    assert str(many.value) == str(one.value)


def test_the_key_goes_to_the_children_on_stdin_only(table, monkeypatch):
    df, schema, mapping = table
    started = []
    real = subprocess.Popen

    def spy(args, **kwargs):
        started.append((list(args), dict(kwargs.get("env") or {})))
        return real(args, **kwargs)

    monkeypatch.setattr(encode_procs.subprocess, "Popen", spy)
    monkeypatch.setenv("LINKCORE_SECRET", SECRET.to_text())
    monkeypatch.setenv("MY_KEY_VARIABLE", SECRET.to_text())
    encode(df, schema, SECRET, mapping, processes=3)
    assert len(started) == 2
    key = encode_procs.secret_bytes(SECRET)
    for args, env in started:
        assert args[1:3] == ["-I", "-c"] and args[-1] == encode_procs.CHILD_MODULE
        assert "LINKCORE_SECRET" not in env and "MY_KEY_VARIABLE" not in env
        text = " ".join(args + [f"{k}={v}" for k, v in env.items()])
        for form in (key.hex(), key.hex().upper(), SECRET.to_text().split(":", 1)[1].strip()):
            assert form not in text


def test_a_linkcore_in_the_current_folder_is_never_run(table, monkeypatch, tmp_path):
    """The child imports this process's linkcore, not one the current folder or path shadows."""
    df, schema, mapping = table
    fake = tmp_path / "linkcore" / "holder"
    fake.mkdir(parents=True)
    (tmp_path / "linkcore" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    marker = tmp_path / "stolen"
    (fake / "_encode_child.py").write_text(
        "import sys\ndef main():\n"
        f"    open({str(marker)!r}, 'wb').write(sys.stdin.buffer.read())\n    return 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path)] + sys.path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    one = encode(df, schema, SECRET, mapping, blip_nonce=NONCE, processes=1)
    assert_same(one, encode(df, schema, SECRET, mapping, blip_nonce=NONCE, processes=2))
    assert not marker.exists()


def test_a_child_that_dies_has_its_rows_encoded_here(table, monkeypatch, caplog):
    df, schema, mapping = table
    one = encode(df, schema, SECRET, mapping, blip_nonce=NONCE, processes=1)
    monkeypatch.setattr(encode_procs, "CHILD_MODULE", "linkcore.no_such_module")
    with caplog.at_level(logging.WARNING, logger="linkcore"):
        many = encode(df, schema, SECRET, mapping, blip_nonce=NONCE, processes=3)
    assert_same(one, many)
    assert sum("ended without its rows" in r.getMessage() for r in caplog.records) == 2


class _SentName(str):
    """A name cell that this process can pickle and a child cannot unpickle."""

    def __reduce__(self):
        return _rebuild_in_this_process_only, (str(self), os.getpid())


def _rebuild_in_this_process_only(text, pid):
    if os.getpid() != pid:
        raise RuntimeError("no such class here")
    return _SentName(text)


def test_a_cell_a_child_cannot_unpickle_is_encoded_here(table, caplog):
    df, schema, mapping = table
    odd = df.copy()
    name_column = mapping.sources[0][1].columns[0]
    odd[name_column] = odd[name_column].astype(object)
    last = len(odd) - 1
    odd.at[last, name_column] = _SentName(str(odd.at[last, name_column]))
    one = encode(odd, schema, SECRET, mapping, blip_nonce=NONCE, processes=1)
    with caplog.at_level(logging.WARNING, logger="linkcore"):
        assert_same(one, encode(odd, schema, SECRET, mapping, blip_nonce=NONCE, processes=2))
    assert any("ended without its rows" in r.getMessage() for r in caplog.records)


def test_bad_cells_in_several_ranges_give_the_one_process_error(table):
    df, schema, mapping = table
    bad = df.copy()
    name_column = mapping.sources[0][1].columns[0]
    bad[name_column] = bad[name_column].astype(object)
    bad.at[0, name_column] = "Sm\ud800ith"
    bad.at[len(bad) - 1, name_column] = "Jo\ud800nes"
    with pytest.raises(InputDataError) as one:
        encode(bad, schema, SECRET, mapping, processes=1)
    with pytest.raises(InputDataError) as many:
        encode(bad, schema, SECRET, mapping, processes=3)
    assert str(many.value) == str(one.value) and "2 row(s)" in str(one.value)


def test_processes_are_at_most_one_per_core(table, monkeypatch):
    df, schema, mapping = table
    monkeypatch.setattr(encode_procs, "machine_cores", lambda: 2)
    started = []
    real = subprocess.Popen
    monkeypatch.setattr(encode_procs.subprocess, "Popen",
                        lambda args, **kw: started.append(args) or real(args, **kw))
    encode(df, schema, SECRET, mapping, processes=500)
    assert len(started) == 1


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2", None])
def test_processes_must_be_a_whole_number_of_at_least_one(table, bad):
    df, schema, mapping = table
    with pytest.raises(ParameterError, match="processes"):
        encode(df.head(5), schema, SECRET, mapping, processes=bad)


def test_more_processes_than_rows_and_bad_tables_keep_the_one_process_checks(table):
    df, schema, mapping = table
    few = df.head(2)
    assert_same(encode(few, schema, SECRET, mapping, blip_nonce=NONCE, processes=1),
                encode(few, schema, SECRET, mapping, blip_nonce=NONCE, processes=5))
    missing_column = df.drop(columns=[mapping.sources[0][1].columns[0]])
    with pytest.raises(MappingError):
        encode(missing_column, schema, SECRET, mapping, processes=2)


def test_a_table_python_cannot_send_or_no_process_is_encoded_here(table, monkeypatch):
    df, schema, mapping = table
    one = encode(df, schema, SECRET, mapping, blip_nonce=NONCE, processes=1)
    monkeypatch.setattr(encode_procs.subprocess, "Popen",
                        lambda *a, **k: (_ for _ in ()).throw(OSError("no more processes")))
    assert_same(one, encode(df, schema, SECRET, mapping, blip_nonce=NONCE, processes=2))
    monkeypatch.undo()
    odd = df.copy()
    name_column = mapping.sources[0][1].columns[0]
    odd[name_column] = odd[name_column].astype(object)
    odd.at[0, name_column] = (x for x in "abc")  # a generator: it cannot be pickled
    with pytest.raises(Exception) as here:
        encode(odd, schema, SECRET, mapping, processes=1)
    with pytest.raises(type(here.value)) as there:
        encode(odd, schema, SECRET, mapping, processes=2)
    assert str(there.value) == str(here.value)
