"""`linkcore audit`: verdicts with rates only, never a value; bad input exits 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkcore.audit.report import render_html
from linkcore.audit.run import run_audit
from linkcore.cli import main
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema

# Unhardened on purpose (spelled out, whatever the kind defaults are): the attacks must succeed.
SCHEMA = {"linkcore_schema": 1, "fields": [
    {"name": "first_name", "kind": "name", "salt": None, "hardening": []},
    {"name": "last_name", "kind": "name", "salt": None, "hardening": []},
    {"name": "dob", "kind": "date", "hardening": []}]}
MAPPING = {"linkcore_mapping": 1, "id_column": "ref", "fields": {
    "first_name": {"column": "given"}, "last_name": {"column": "family"},
    "dob": {"column": "born"}}}
KEY = Secret(bytes(range(3, 35)))
# Values are built from letters that never sit six in a row in English text, so that finding one
# in the output can only mean the value leaked (not that a word happened to contain it).
ODD = "qxzjvk"


def table(n: int, seed: int) -> pd.DataFrame:
    pool_rng = np.random.default_rng(0)  # the same names for DATA and the reference
    pool = ["".join(pool_rng.choice(list(ODD), size=7)) for _ in range(40)]
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(pool) + 1)
    p /= p.sum()
    days = rng.integers(0, 20000, size=n)
    return pd.DataFrame({
        "ref": [f"id{i}" for i in range(n)],
        "given": np.array(pool, dtype=object)[rng.choice(len(pool), size=n, p=p)],
        "family": np.array(pool, dtype=object)[rng.choice(len(pool), size=n)],
        "born": (np.datetime64("1950-01-01") + days).astype(str),
    })


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"data": tmp_path / "data.csv", "ref": tmp_path / "ref.csv",
             "schema": tmp_path / "schema.json", "mapping": tmp_path / "mapping.json",
             "key": tmp_path / "k.key", "report": tmp_path / "audit.html"}
    table(300, 1).to_csv(paths["data"], index=False)
    table(300, 2).to_csv(paths["ref"], index=False)
    paths["schema"].write_text(json.dumps(SCHEMA))
    paths["mapping"].write_text(json.dumps(MAPPING))
    KEY.write(paths["key"])
    return paths


def args(p: dict[str, Path], **over: str) -> list[str]:
    base = {"data": str(p["data"]), "--schema": str(p["schema"]), "--mapping": str(p["mapping"]),
            "--key-file": str(p["key"]), "--reference": str(p["ref"])}
    base.update(over)
    out = ["audit", base.pop("data")]
    for k, v in base.items():
        out += [k, v]
    return out


def test_audit_prints_verdicts_and_writes_report(files):
    res = CliRunner().invoke(main, args(files) + ["--report", str(files["report"])])
    assert res.exit_code == 0, res.output
    assert "first_name: AT RISK" in res.output
    assert "re-identified" in res.output
    page = files["report"].read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in page and "https://" not in page


def test_audit_json_and_fail_on_risk(files):
    res = CliRunner().invoke(main, args(files) + ["--json", "--fail-on-risk"])
    assert res.exit_code == 3
    doc = json.loads(res.output)
    assert doc["at_risk"] is True
    assert {r["attack"] for r in doc["results"]} >= {"frequency", "pattern_mining",
                                                      "graph_matching", "double_hashing"}
    assert "clk" in {r["target"] for r in doc["results"]}  # the CLK is attacked too


def _one_error_line(res) -> str:
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert "Traceback" not in res.output
    return lines[0]


def test_missing_reference_file_exits_2(files):
    res = CliRunner().invoke(main, args(files, **{"--reference": str(files["ref"]) + ".nope"})
                             + ["--report", str(files["report"])])
    assert "reference file not found" in _one_error_line(res)
    assert not files["report"].exists()


def test_reference_without_mapped_columns_exits_2(files):
    pd.read_csv(files["ref"]).drop(columns=["family"]).to_csv(files["ref"], index=False)
    line = _one_error_line(CliRunner().invoke(main, args(files)))
    assert "'family'" in line and "reference" in line


def test_reference_mapping_is_used(files, tmp_path):
    ref = pd.read_csv(files["ref"]).rename(columns={"given": "fn", "family": "sn", "born": "d"})
    ref.drop(columns=["ref"]).to_csv(files["ref"], index=False)
    rm = tmp_path / "rm.json"
    rm.write_text(json.dumps({"linkcore_mapping": 1, "id_column": "row", "fields": {
        "first_name": {"column": "fn"}, "last_name": {"column": "sn"}, "dob": {"column": "d"}}}))
    res = CliRunner().invoke(main, args(files) + ["--reference-mapping", str(rm)])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("content", ["not a key at all!", "abcd", ""])
def test_wrong_or_unreadable_key_exits_2(files, content):
    files["key"].chmod(0o600)
    files["key"].write_text(content)
    line = _one_error_line(CliRunner().invoke(main, args(files)))
    assert "key" in line


def test_missing_key_file_exits_2(files):
    res = CliRunner().invoke(main, args(files, **{"--key-file": "/nonexistent/k"}))
    line = _one_error_line(res)
    assert "key file not found" in line


name_values = st.text(alphabet=ODD, min_size=6, max_size=12)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(name_values, min_size=4, max_size=40),
       surnames=st.lists(name_values, min_size=4, max_size=40), seed=st.integers(0, 10**6))
def test_output_never_contains_a_value_from_data(names, surnames, seed):
    rng = np.random.default_rng(seed)
    n = 120
    data = pd.DataFrame({
        "ref": [f"id{i}" for i in range(n)],
        "given": rng.choice(np.array(names, dtype=object), size=n),
        "family": rng.choice(np.array(surnames, dtype=object), size=n),
        "born": (np.datetime64("1950-01-01") + rng.integers(0, 20000, size=n)).astype(str),
    })
    # the attacker's register holds the same values, so that attacks do succeed
    ref = data.sample(frac=1.0, random_state=seed % 1000).reset_index(drop=True)
    schema = Schema.from_dict(SCHEMA)
    result = run_audit(data, schema, Mapping.from_dict(MAPPING), KEY, ref)
    outputs = [result.to_json(), "\n".join(result.summary_lines()), render_html(result)]
    secrets = set(names) | set(surnames) | set(data["born"])
    for text in outputs:
        low = text.lower()
        for value in secrets:
            assert value.lower() not in low


def test_cli_output_has_no_value(files):
    data = pd.read_csv(files["data"])
    res = CliRunner().invoke(main, args(files) + ["--report", str(files["report"])])
    texts = [res.output, files["report"].read_text()]
    values = set(data["given"]) | set(data["family"]) | set(data["born"])
    for text in texts:
        for v in values:
            assert v not in text


def test_a_field_the_reference_lacks_lists_only_its_own_attacks_and_the_table_aligns():
    from linkcore.audit.run import CLASSIC

    rng = np.random.default_rng(4)
    n = 150
    pool = np.array(["ann", "bob", "cyd", "dee", "eve", "fay", "gus"], dtype=object)
    data = pd.DataFrame({
        "ref": [f"id{i}" for i in range(n)],
        "given": rng.choice(pool, size=n), "family": rng.choice(pool, size=n),
        "born": (np.datetime64("1950-01-01") + rng.integers(0, 20000, size=n)).astype(str)})
    ref = data.assign(family=None)
    result = run_audit(data, Schema.from_dict(SCHEMA), Mapping.from_dict(MAPPING), KEY, ref)
    listed = [r.attack for r in result.results if r.target == "last_name"]
    assert listed and set(listed) <= set(CLASSIC)
    lines = result.summary_lines()
    table = lines[lines.index("") + 1:]
    scored = [ln for ln in table[1:] if " n/a " not in ln]
    assert scored and {len(ln) for ln in scored} == {len(table[0])}
