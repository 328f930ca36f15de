"""The seventh held-out generator (benchmarks/heldout7): files, truth, determinism, a mapping."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from linkcore.cli import main

FOLDER = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout7"


def run(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FOLDER / "generator.py"), str(out), *args],
                          capture_output=True, text=True, timeout=120)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    out = tmp_path_factory.mktemp("h7") / "pair"
    proc = run(out, "--people", "400", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    return out


def test_the_truth_names_records_of_both_files(pair):
    a, b, truth = read(pair, "agency_a.csv"), read(pair, "agency_b.csv"), read(pair, "truth.csv")
    for df in (a, b):
        assert df["id"].is_unique and (df["id"] != "").all()
    assert len(truth) > 0
    assert truth["id_a"].isin(a["id"]).all() and truth["id_b"].isin(b["id"]).all()
    records = read(pair, "truth_records.csv")
    assert set(records["id"]) == set(a["id"]) | set(b["id"])


def test_one_seed_gives_the_same_bytes(pair, tmp_path):
    assert run(tmp_path / "again", "--people", "400", "--seed", "3").returncode == 0
    assert digests(tmp_path / "again") == digests(pair)


def test_an_existing_output_is_refused_without_force(pair):
    before = digests(pair)
    proc = run(pair, "--people", "400", "--seed", "4")
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert digests(pair) == before


def test_schema_suggest_maps_the_council_index(pair, tmp_path):
    """Given names split into first and middle, dates of birth in two formats read as UK dates."""
    result = CliRunner().invoke(main, ["schema", "suggest", str(pair / "agency_b.csv"),
                                       "-o", str(tmp_path / "s.json"),
                                       "--mapping-out", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    fields = json.loads((tmp_path / "m.json").read_text())["fields"]
    assert fields["first_name"] == {"column": "given_names", "words": "first"}
    assert fields["last_name"]["column"] == "family_name"
    assert fields["date_of_birth"] == {"column": "dob", "date_format": "auto"}
