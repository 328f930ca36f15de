import json

import pandas as pd
import pytest
from click.testing import CliRunner
from keybytes import key_bytes
from test_pipeline import synthetic

from linkcore.cli import main
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping
from linkcore.schema import Schema


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("link")
    (a, b), truth, schema, extracts = synthetic()
    a.write(d / "a.parquet")
    b.write(d / "b.parquet")
    small = extracts[1].head(40)
    encode(small, schema, Secret(key_bytes("q")), suggest_mapping(small, schema)[0]).write(
        d / "other_key.parquet")
    doc = schema.to_dict()
    doc["description"] = "another"
    other = Schema.from_dict(doc)
    encode(small, other, Secret(key_bytes("k")), suggest_mapping(small, other)[0]).write(
        d / "other_schema.parquet")
    (d / "plain.csv").write_text("id,name\n1,x\n")
    (d / "empty.parquet").write_bytes(b"")
    raw = (d / "a.parquet").read_bytes()
    (d / "truncated.parquet").write_bytes(raw[: len(raw) // 2])
    pd.DataFrame({"x": [1, 2]}).to_parquet(d / "foreign.parquet")
    return d


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_link_writes_matches_and_model(files):
    out, model = files / "m.csv", files / "model.json"
    r = run("link", files / "a.parquet", files / "b.parquet", "-o", out, "--model-out", model)
    assert r.exit_code == 0, r.output
    assert "candidate pairs" in r.output and "estimated precision" in r.output
    df = pd.read_csv(out)
    assert list(df.columns) == ["id_a", "id_b", "probability", "match_weight"]
    assert json.loads(model.read_text())["linkcore_model"] == 1
    out2 = files / "m.parquet"
    r = run("link", files / "a.parquet", files / "b.parquet", "-o", out2, "--model", model,
            "--quiet", "--one-to-one", "optimal", "--threshold", "0.9")
    assert r.exit_code == 0, r.output
    assert r.output == ""
    assert (pd.read_parquet(out2)["probability"] >= 0.9).all()


@pytest.mark.parametrize(
    ("a", "b", "extra", "needle"),
    [
        ("plain.csv", "b.parquet", [], "plain.csv"),
        ("a.parquet", "empty.parquet", [], "empty"),
        ("truncated.parquet", "b.parquet", [], "truncated"),
        ("foreign.parquet", "b.parquet", [], "not a linkcore"),
        ("a.parquet", "other_schema.parquet", [], "different schemas"),
        ("a.parquet", "other_key.parquet", [], "secret key"),
        ("a.parquet", "b.parquet", ["--threshold", "1.5"], "threshold"),
        ("a.parquet", "b.parquet", ["--threshold", "abc"], "threshold"),
        ("a.parquet", "b.parquet", ["--one-to-one", "best"], "one-to-one"),
        ("a.parquet", "missing.parquet", [], "not found"),
        ("a.parquet", "b.parquet", ["--model", "nomodel.json"], "model"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_output(files, a, b, extra, needle):
    out = files / "bad_out.csv"
    extra = [str(files / e) if e.endswith(".json") else e for e in extra]
    r = run("link", files / a, files / b, "-o", out, *extra)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.output
    assert needle in lines[0]
    assert "Traceback" not in r.output
    assert not out.exists()
    assert not list(files.glob(".bad_out.csv.*"))


def test_bad_output_suffix(files):
    r = run("link", files / "a.parquet", files / "b.parquet", "-o", files / "m.txt")
    assert r.exit_code == 2 and ".csv or .parquet" in r.output


def test_link_prints_the_salt_group_and_dependence_corrections(capsys):
    from linkcore.cli.link_cmd import _Printer
    from linkcore.linkage.pipeline import link

    (a, b), _, _, _ = synthetic(12000, 5, year_salt=True)
    stages = []
    link(a, b, on_stage=lambda stage, info: stages.append((stage, info)))
    printer = _Printer(quiet=False)
    for stage, info in stages:
        printer(stage, info)
    out = capsys.readouterr().out
    assert ("scored together: first_name, middle_name, last_name with their salt "
            "date_of_birth") in out
    quiet = _Printer(quiet=True)
    for stage, info in stages:
        quiet(stage, info)
    assert capsys.readouterr().out == ""


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("extra, needle", [
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["--workers", "0"], "--workers"),
    (["--partitions", "0"], "--partitions"),
    (["--scheduler", "tcp://127.0.0.1:{port}"], "cannot reach a dask scheduler"),
])
def test_cluster_options_bad_input(files, extra, needle):
    out = files / "cluster_out.csv"
    extra = [e.format(port=_free_port()) for e in extra]
    r = run("link", files / "a.parquet", files / "b.parquet", "-o", out, *extra)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], r.output
    assert not out.exists() and not list(files.glob(".cluster_out.csv.*"))


def test_the_cluster_of_workers_runs_without_work_stealing():
    """A cell or part that dask's work stealing moves to another worker copies its parts there
    (1.2 GB more on that worker at 10^6 records a side): the cluster ``--workers N`` starts
    has it off."""
    pytest.importorskip("distributed")
    from linkcore.cli.cluster import dask_client

    with dask_client(2, None) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert not client.run_on_scheduler(
            lambda dask_scheduler: "stealing" in dask_scheduler.extensions)


def test_link_on_a_local_cluster_writes_the_same_matches(files):
    pytest.importorskip("distributed")
    r1 = run("link", files / "a.parquet", files / "b.parquet", "-o", files / "m_local.csv")
    r2 = run("link", files / "a.parquet", files / "b.parquet", "-o", files / "m_dask.csv",
             "--workers", "2", "--partitions", "3")
    assert r1.exit_code == 0 and r2.exit_code == 0, r2.output
    assert (files / "m_local.csv").read_bytes() == (files / "m_dask.csv").read_bytes()
    assert "candidate pairs (union)" in r2.output
