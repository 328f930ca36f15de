"""The sixth held-out generator (benchmarks/heldout6): files, truth, determinism, a mapping."""

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

FOLDER = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout6"
FILES = ["agency_a.csv", "agency_b.csv", "register.csv", "truth.csv"]


def run(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FOLDER / "generator.py"), str(out), *args],
                          capture_output=True, text=True, timeout=120)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    out = tmp_path_factory.mktemp("h6") / "pair"
    proc = run(out, "--people", "400", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    return out


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def test_writes_four_files_with_a_consistent_truth(pair):
    assert sorted(p.name for p in pair.iterdir()) == FILES
    a, b, reg, truth = (read(pair, f) for f in FILES[:2] + FILES[2:])
    assert list(b.columns) == ["id", "SURNAME", "FORENAME", "DOB", "SEX", "POSTCODE", "GP_PRACTICE"]
    for df in (a, b, reg):
        assert df["id"].is_unique and (df["id"] != "").all()
    assert truth["id_a"].isin(a["id"]).all() and truth["id_b"].isin(b["id"]).all()
    assert truth["id_a"].is_unique and truth["id_b"].is_unique
    assert list(reg.columns) == list(a.columns)


def test_one_seed_gives_the_same_bytes(pair, tmp_path):
    assert run(tmp_path / "again", "--people", "400", "--seed", "3").returncode == 0
    assert digests(tmp_path / "again") == digests(pair)


def test_schema_suggest_maps_the_health_extract(pair, tmp_path):
    """linkcore reads B's columns and formats (YYYYMMDD dates, NHS sex codes) without help."""
    result = CliRunner().invoke(main, ["schema", "suggest", str(pair / "agency_b.csv"),
                                       "-o", str(tmp_path / "s.json"),
                                       "--mapping-out", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    fields = json.loads((tmp_path / "m.json").read_text())["fields"]
    assert fields["first_name"]["column"] == "FORENAME"
    assert fields["date_of_birth"]["date_format"] == "%Y%m%d"


def test_too_few_people_is_refused(tmp_path):
    proc = run(tmp_path / "tiny", "--people", "5", "--seed", "3")
    assert proc.returncode == 2 and "--people" in proc.stderr


def test_an_existing_output_is_refused_without_force(pair):
    before = digests(pair)
    proc = run(pair, "--people", "400", "--seed", "4")
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert digests(pair) == before
