"""benchmarks/monthly_heldout.py runs on benchmarks/heldout4's output: schema, months, truth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def held_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ho4") / "data"
    subprocess.run([sys.executable, str(BENCH / "heldout4" / "generator.py"), "--people", "1500",
                    "--months", "2", "--seed", "3", "--out", str(out), "--quiet"], check=True)
    return out


def test_the_benchmark_prints_a_row_a_month_on_held_out_extracts(held_out):
    run = subprocess.run([sys.executable, str(BENCH / "monthly_heldout.py"), str(held_out),
                          "--months", "2"], capture_output=True, text=True, check=True)
    rows = [line for line in run.stdout.splitlines() if line.startswith("| 20")]
    assert [r.split(" | ")[0] for r in rows] == ["| 2026-01", "| 2026-02"]
    # the merged schema holds the NI number that two agencies hold, and agency 1's NHS number
    # (an identifier: it tells that agency's duplicates apart), not council tax's title
    schema_line = next(line for line in run.stdout.splitlines()
                       if line.startswith("# schema merged"))
    assert "ni_number" in schema_line and "nhs_number" in schema_line
    assert "title" not in schema_line
    for row in rows:
        f1_update, f1_full = (float(x) for x in row.split(" | ")[8:10])
        assert 0.5 < f1_update <= 1 and 0.5 < f1_full <= 1
