"""The third held-out generator (benchmarks/heldout3): files, truth, determinism, bad options."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout3"
FILES = ["agency_1.csv", "agency_2.csv", "manifest.json", "register.csv", "register_truth.csv",
         "truth.csv", "truth_all.csv"]


def run(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FOLDER / "generator.py"), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=120)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    out = tmp_path_factory.mktemp("h3") / "pair"
    proc = run(out, "--people", "600", "--seed", "2")
    assert proc.returncode == 0, proc.stderr
    return out


def test_writes_its_files_and_a_consistent_truth(pair):
    assert sorted(p.name for p in pair.iterdir()) == FILES
    check = subprocess.run([sys.executable, str(FOLDER / "check.py"), str(pair)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and check.stdout.startswith("ok:"), check.stdout + check.stderr


def test_one_seed_gives_the_same_bytes(pair, tmp_path):
    proc = run(tmp_path / "again", "--people", "600", "--seed", "2")
    assert proc.returncode == 0, proc.stderr
    assert digests(tmp_path / "again") == digests(pair)


def test_four_agencies_keep_the_first_two_and_agree_with_their_truth(pair, tmp_path):
    proc = run(tmp_path / "four", "--people", "600", "--seed", "2", "--agencies", "4")
    assert proc.returncode == 0, proc.stderr
    four = digests(tmp_path / "four")
    assert {k: four[k] for k in ("agency_1.csv", "agency_2.csv")} == {
        k: digests(pair)[k] for k in ("agency_1.csv", "agency_2.csv")}
    check = subprocess.run([sys.executable, str(FOLDER / "check.py"), str(tmp_path / "four")],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and check.stdout.startswith("ok: 4 agencies"), check.stdout


def test_bad_options_are_one_error_line_and_write_nothing(pair, tmp_path):
    proc = run(tmp_path / "tiny", "--people", "5", "--seed", "2")
    assert proc.returncode == 2 and proc.stderr.startswith("error:")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "tiny").exists() or not any((tmp_path / "tiny").iterdir())
    again = run(pair, "--people", "600", "--seed", "2")  # refuses to overwrite without --force
    assert again.returncode == 2 and again.stderr.startswith("error:")
