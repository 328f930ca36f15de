"""The eighth held-out generator (benchmarks/heldout8): files, truth, determinism, a mapping."""

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

FOLDER = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout8"
FILES = ("agency_a.csv", "agency_b.csv", "truth.csv")


def run(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FOLDER / "generator.py"), str(out), *args],
                          capture_output=True, text=True, timeout=120)


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    out = tmp_path_factory.mktemp("h8") / "pair"
    proc = run(out, "--people", "400", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    return out


def test_the_truth_names_records_of_both_files(pair):
    a, b, truth = read(pair, "agency_a.csv"), read(pair, "agency_b.csv"), read(pair, "truth.csv")
    assert a["HousingRef"].is_unique and b["PERSON_REF"].is_unique
    assert len(truth) > 0
    assert truth["id_a"].isin(a["HousingRef"]).all() and truth["id_b"].isin(b["PERSON_REF"]).all()
    stats = json.loads((pair / "stats.json").read_text())
    assert stats["truth_pairs"] == len(truth) and stats["records_a"] == len(a)


def test_one_seed_gives_the_same_files(pair, tmp_path):
    assert run(tmp_path / "again", "--people", "400", "--seed", "3").returncode == 0
    for name in FILES:
        assert hashlib.sha256((tmp_path / "again" / name).read_bytes()).digest() == \
            hashlib.sha256((pair / name).read_bytes()).digest()


def test_schema_suggest_reads_the_benefits_layout(pair, tmp_path):
    """Surname first, Oracle-style dates (22-JUN-2021), forenames in two columns."""
    result = CliRunner().invoke(main, ["schema", "suggest", str(pair / "agency_b.csv"),
                                       "-o", str(tmp_path / "s.json"),
                                       "--mapping-out", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    mapping = json.loads((tmp_path / "m.json").read_text())
    assert mapping["id_column"] == "PERSON_REF"
    fields = mapping["fields"]
    assert fields["first_name"]["column"] == "FORENAME_1"
    assert fields["last_name"]["column"] == "SURNAME"
    assert fields["date_of_birth"] == {"column": "BIRTH_DATE", "date_format": "%d-%b-%Y"}
