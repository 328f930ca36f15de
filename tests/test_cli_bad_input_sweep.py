"""Bad inputs a review of every command found accepted, or answered wrongly (2026-12-06).

Each is refused with exit 2 and one line that names the problem (never a value of the data),
and nothing is written or replaced.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from linkcore.cli import main


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def one_line_error(res, needle: str) -> str:
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """Data, a key, a schema and mappings, encoded files, a partitioned dataset."""
    d = tmp_path_factory.mktemp("sweep")
    steps = [
        ("synth", "--people", 200, "--seed", 1, "-o", d / "data"),
        ("keygen", "-o", d / "k.key"),
        ("schema", "suggest", d / "data/agency_1.csv", "-o", d / "s.json",
         "--mapping-out", d / "m1.json"),
        ("encode", d / "data/agency_1.csv", "--schema", d / "s.json", "--mapping", d / "m1.json",
         "--key-file", d / "k.key", "-o", d / "a.parquet"),
        ("encode", d / "data/agency_1.csv", "--schema", d / "s.json", "--mapping", d / "m1.json",
         "--key-file", d / "k.key", "-o", d / "a.parts", "--partitions", 2),
    ]
    for step in steps:
        res = run(*step, "-q")
        assert res.exit_code == 0, (step, res.output)
    return d


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize("target", ["s.json", "a.parquet", "data/agency_1.csv", "m1.json"])
def test_keygen_replaces_only_a_key(ws, target):
    before = _bytes(ws / target)
    one_line_error(run("keygen", "-o", ws / target, "--force"), "is not a key file")
    assert _bytes(ws / target) == before


def test_keygen_still_replaces_a_key_with_force(ws, tmp_path):
    key = tmp_path / "old.key"
    assert run("keygen", "-o", key, "-q").exit_code == 0
    before = _bytes(key)
    assert run("keygen", "-o", key, "--force", "-q").exit_code == 0
    assert _bytes(key) != before


def test_synth_never_replaces_a_partitioned_datasets_manifest(ws):
    before = _bytes(ws / "a.parts/manifest.json")
    one_line_error(run("synth", "--people", 50, "-o", ws / "a.parts", "--force"),
                   "manifest.json that linkcore synth did not write")
    assert _bytes(ws / "a.parts/manifest.json") == before
    assert not (ws / "a.parts/agency_1.csv").exists()


def test_synth_replaces_its_own_output_with_force(tmp_path):
    assert run("synth", "--people", 50, "-o", tmp_path / "d", "-q").exit_code == 0
    assert run("synth", "--people", 60, "-o", tmp_path / "d", "--force", "-q").exit_code == 0


@pytest.mark.parametrize("people", [0, 9])
def test_synth_refuses_too_few_people(tmp_path, people):
    one_line_error(run("synth", "--people", people, "-o", tmp_path / "z"), "--people")
    assert not (tmp_path / "z").exists()


def test_a_csv_header_repeating_a_name_is_refused(ws, tmp_path):
    lines = (ws / "data/agency_1.csv").read_text(encoding="utf-8").splitlines()[:20]
    header = lines[0].split(",")
    header[-1] = header[1]  # the last column named as the second
    dup = tmp_path / "dup.csv"
    dup.write_text("\n".join([",".join(header), *lines[1:]]) + "\n", encoding="utf-8")
    out = tmp_path / "dup.parquet"
    one_line_error(run("encode", dup, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
                       "--key-file", ws / "k.key", "-o", out), "two columns with the same name")
    assert not out.exists()
    one_line_error(run("schema", "suggest", dup, "-o", tmp_path / "s.json",
                       "--mapping-out", tmp_path / "m.json"), "two columns with the same name")


def test_a_csv_without_a_header_is_refused_by_suggest_without_echoing_it(ws, tmp_path):
    rows = (ws / "data/agency_1.csv").read_text(encoding="utf-8").splitlines()
    headless = tmp_path / "nohdr.csv"
    headless.write_text("\n".join(rows[1:]) + "\n", encoding="utf-8")
    first = rows[1].split(",")
    for args in (["-o", tmp_path / "s.json", "--mapping-out", tmp_path / "m.json"],
                 ["--schema", ws / "s.json", "-o", tmp_path / "m2.json"]):
        line = one_line_error(run("schema", "suggest", headless, *args), "header row")
        assert not any(v and v in line for v in first), line
    assert not list(tmp_path.glob("*.json"))


def test_nested_parquet_columns_are_refused(ws, tmp_path):
    df = pd.read_csv(ws / "data/agency_1.csv", dtype=str, keep_default_na=False).head(30)
    table = pa.Table.from_pandas(df, preserve_index=False)
    id_col = table.column_names[0]
    i = table.schema.get_field_index(id_col)
    nested = tmp_path / "nested.parquet"
    pq.write_table(table.set_column(i, id_col, pa.array([{"a": v} for v in df[id_col]])),
                   nested)
    out = tmp_path / "o.parquet"
    one_line_error(run("encode", nested, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
                       "--key-file", ws / "k.key", "-o", out), "lists or records")
    assert not out.exists()


def test_a_parquet_file_repeating_a_column_name_says_so(ws, tmp_path):
    df = pd.read_csv(ws / "data/agency_1.csv", dtype=str, keep_default_na=False).head(30)
    names = list(df.columns)
    names[-1] = names[1]
    dup = tmp_path / "dupcols.parquet"
    pq.write_table(pa.table([pa.array(df[c].tolist()) for c in df.columns], names=names), dup)
    one_line_error(run("encode", dup, "--schema", ws / "s.json", "--mapping", ws / "m1.json",
                       "--key-file", ws / "k.key", "-o", tmp_path / "o.parquet"),
                   "two columns with the same name")


def test_a_key_given_twice_is_refused(ws, tmp_path):
    env = {"OTHER_KEY": (ws / "k.key").read_text(encoding="ascii")}
    out = tmp_path / "o.parquet"
    one_line_error(run("encode", ws / "data/agency_1.csv", "--schema", ws / "s.json",
                       "--mapping", ws / "m1.json", "--key-file", ws / "k.key",
                       "--key-env", "OTHER_KEY", "-o", out, env=env), "not both")
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_key_file_that_is_not_a_regular_file_is_named_as_such(ws, tmp_path):
    fifo = tmp_path / "kf"
    os.mkfifo(fifo)
    one_line_error(run("encode", ws / "data/agency_1.csv", "--schema", ws / "s.json",
                       "--mapping", ws / "m1.json", "--key-file", fifo,
                       "-o", tmp_path / "o.parquet"), "not a regular file")


def test_evaluate_refuses_id_columns_without_extracts(ws, tmp_path):
    matches = tmp_path / "m.csv"
    pd.DataFrame({"id_a": ["x"], "id_b": ["y"]}).to_csv(matches, index=False)
    one_line_error(run("evaluate", matches, "--truth", ws / "data/truth.csv",
                       "--id-columns", "a", "b"), "--extracts")


def test_evaluate_names_a_clustering_without_its_header(ws, tmp_path):
    clusters = tmp_path / "c.csv"
    clusters.write_text("agency_1,R1,p1\nagency_2,R2,p1\n", encoding="utf-8")
    line = one_line_error(run("evaluate", clusters, "--truth", ws / "data/truth_clusters.csv"),
                          "header row")
    assert str(clusters) in line and "truth file" not in line


def _silent_listener() -> tuple[socket.socket, int]:
    """A TCP port that accepts connections and never says anything (not a scheduler)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    return s, s.getsockname()[1]


def test_a_scheduler_address_that_never_answers_is_refused(ws, tmp_path):
    pytest.importorskip("distributed")
    listener, port = _silent_listener()
    try:
        out = tmp_path / "e.parts"
        got: dict[str, object] = {}
        worker = threading.Thread(target=lambda: got.setdefault("r", run(
            "encode", ws / "data/agency_1.csv", "--schema", ws / "s.json", "--mapping",
            ws / "m1.json", "--key-file", ws / "k.key", "-o", out,
            "--scheduler", f"tcp://127.0.0.1:{port}")), daemon=True)
        worker.start()
        worker.join(120)
        assert not worker.is_alive(), "the link still waits for a scheduler that never answers"
        one_line_error(got["r"], "cannot reach a dask scheduler")
        assert not out.exists()
    finally:
        listener.close()


def test_a_scheduler_without_workers_is_refused(monkeypatch):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from linkcore.cli import cluster
    from linkcore.errors import ParameterError

    monkeypatch.setattr(cluster, "WORKERS_TIMEOUT", 1)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        with pytest.raises(ParameterError, match="has no workers"):
            with cluster.dask_client(None, empty.scheduler_address):
                pass



@pytest.mark.parametrize("sig, code, word", [("SIGTERM", 143, "terminated"),
                                             ("SIGINT", 130, "interrupted")])
def test_a_stopped_run_says_so_in_one_line_and_leaves_nothing(tmp_path, sig, code, word):
    """SIGTERM stops a run as Ctrl-C does: its staged outputs removed, one line."""
    import signal

    import click

    from linkcore.cli._common import guarded
    from linkcore.cli.paths import RunOutputs

    @click.command()
    @guarded
    def stops_itself() -> None:
        with RunOutputs({"-o": tmp_path / "out.csv"}) as outputs:
            outputs.path("-o").write_text("half", encoding="utf-8")
            # raise_signal, not os.kill: a signal sent to the process may reach another of its
            # threads a moment later, after the commit; raised, it reaches this thread at once
            signal.raise_signal(getattr(signal, sig))
            outputs.commit()  # never reached

    before = signal.getsignal(signal.SIGTERM)
    # Python's own Ctrl-C handler, as in a terminal: a shell starts a background job with
    # SIGINT ignored, and Python then leaves it ignored
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        res = CliRunner().invoke(stops_itself, [])
    finally:
        signal.signal(signal.SIGINT, interrupt)
    assert res.exit_code == code, res.output
    assert [ln for ln in res.output.splitlines() if ln.strip()] == [
        f"error: {word}; no output was written"]
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_file_name_with_a_line_break_keeps_the_error_on_one_line(ws, tmp_path):
    line = one_line_error(run("encode", tmp_path / "no\nsuch.csv", "--schema", ws / "s.json",
                              "--mapping", ws / "m1.json", "--key-file", ws / "k.key",
                              "-o", tmp_path / "z.parquet"), "not found")
    assert "no\\nsuch.csv" in line


def test_a_flipped_byte_in_an_encoded_file_is_refused(ws, tmp_path):
    """Encoded files carry page checksums: a damaged copy is refused, not linked."""
    raw = bytearray((ws / "a.parquet").read_bytes())
    middle = len(raw) // 2
    raw[middle:middle + 16] = bytes(b ^ 0xFF for b in raw[middle:middle + 16])
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(bytes(raw))
    out = tmp_path / "m.csv"
    one_line_error(run("link", ws / "a.parquet", damaged, "-o", out), "corrupt")
    assert not out.exists()


@pytest.mark.parametrize("sig, stopped", [("SIGTERM", "Terminated"),
                                          ("SIGINT", "KeyboardInterrupt")])
def test_a_signal_while_the_cluster_starts_is_raised_once_it_exists(sig, stopped):
    """Held while dask starts its threads and processes (raised there, it would leave them half
    made), then raised; a start that fails because the signal reached it too says the same."""
    import signal

    from linkcore.cli._common import Terminated
    from linkcore.cli.cluster import _stop_after_start

    kind = Terminated if stopped == "Terminated" else KeyboardInterrupt
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    reached = []
    with pytest.raises(kind):
        with _stop_after_start():
            signal.raise_signal(getattr(signal, sig))
            reached.append("after the signal")  # held: the start goes on
    assert reached == ["after the signal"]
    with pytest.raises(kind):
        with _stop_after_start():
            signal.raise_signal(getattr(signal, sig))
            raise RuntimeError("a worker failed to start")
    assert {s: signal.getsignal(s) for s in before} == before


def test_the_local_clusters_workers_leave_ctrl_c_to_the_command():
    pytest.importorskip("distributed")
    import signal

    from linkcore.cli.cluster import dask_client

    with dask_client(2, None) as client:
        got = client.run(lambda: signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
    assert len(got) == 2 and all(got.values())


@pytest.mark.parametrize("name", ["0123456789abcdef0123456789abcdef", "agency" * 11])
def test_agency_names_that_cannot_name_a_release_file_are_refused(name):
    from linkcore.errors import ParameterError
    from linkcore.linkage.dedupe import agency_names

    with pytest.raises(ParameterError, match="agency name 1 is longer") as got:
        agency_names(["a.parquet", "b.parquet"], [name, "housing"])
    assert name not in str(got.value)
    assert agency_names(["a", "b"], ["benefits", "Health Board 2"]) == ["benefits",
                                                                        "Health Board 2"]


def test_no_output_is_written_where_the_store_keeps_its_journal(tmp_path):
    from linkcore.cli.paths import RunOutputs, store_sidecars
    from linkcore.errors import ParameterError

    store = tmp_path / "people.db"
    store.write_bytes(b"")
    for sidecar in store_sidecars(store):
        with pytest.raises(ParameterError, match="would overwrite the input STORE journal"):
            RunOutputs({"--shared-counts": sidecar},
                       inputs={"STORE": store, "STORE journal": store_sidecars(store)})
        assert not sidecar.exists()
