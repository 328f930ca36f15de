"""benchmarks/hmac_census.py counts an encode's HMACs per subkey and prints no value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from linkcore.cli import main

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "hmac_census.py"


def test_counts_messages_per_subkey_and_echoes_no_value(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["synth", "--people", "400", "--seed", "2", "-o",
                                str(tmp_path / "d"), "-q"]).exit_code == 0
    csv = tmp_path / "d" / "agency_1.csv"
    made = runner.invoke(main, ["schema", "suggest", str(csv), "-o", str(tmp_path / "s.json"),
                                "--mapping-out", str(tmp_path / "m.json")])
    assert made.exit_code == 0, made.output
    proc = subprocess.run([sys.executable, str(SCRIPT), str(csv), str(tmp_path / "s.json"),
                           str(tmp_path / "m.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert "HMAC messages" in first and "padding tokens" in first
    assert "field/first_name/bloom/tag" in proc.stdout and "of it)" in proc.stdout
    first_record = set(csv.read_text(encoding="utf-8").splitlines()[1].split(","))
    assert not any(len(v) > 3 and v in proc.stdout for v in first_record)
