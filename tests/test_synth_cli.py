import json

import pandas as pd
import pytest
from click.testing import CliRunner

from linkcore.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_synth_writes_extracts_and_truth(tmp_path):
    out = tmp_path / "data"
    res = run(
        "synth",
        "--people",
        1500,
        "--agencies",
        2,
        "--overlap",
        0.5,
        "--profile",
        "moderate",
        "--seed",
        7,
        "-o",
        out,
    )
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["agency_1.csv", "agency_2.csv", "manifest.json", "truth.csv"]
    for name in ("agency_1.csv", "agency_2.csv", "truth.csv"):
        assert f"wrote {out / name}" in res.output
    a = pd.read_csv(out / "agency_1.csv", dtype=str)
    b = pd.read_csv(out / "agency_2.csv", dtype=str)
    truth = pd.read_csv(out / "truth.csv", dtype=str)
    assert list(truth.columns) == ["id_a", "id_b"]
    assert truth["id_a"].isin(a["rec_id"]).all() and truth["id_b"].isin(b["record_id"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"]["agency_2.csv"]["id_column"] == "record_id"
    assert manifest["truth"]["pairs"] == len(truth)
    # same seed, same bytes
    out2 = tmp_path / "again"
    run("synth", "--people", 1500, "--seed", 7, "-o", out2)
    for name in ("agency_1.csv", "agency_2.csv", "truth.csv"):
        assert (out / name).read_bytes() == (out2 / name).read_bytes()


def test_synth_three_agencies_profiles_and_rates(tmp_path):
    res = run(
        "synth",
        "--people",
        900,
        "--agencies",
        3,
        "--profile",
        "clean,moderate,heavy",
        "--rate",
        "typo=0.2",
        "-o",
        tmp_path,
        "-q",
    )
    assert res.exit_code == 0, res.output
    assert res.output == ""
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    assert list(truth.columns) == ["agency_a", "id_a", "agency_b", "id_b"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["files"]["agency_3.csv"]["rates"]["typo"] == 0.2


@pytest.mark.parametrize(
    "args",
    [
        ["--overlap", "1.5"],
        ["--overlap", "-0.1"],
        ["--people", "-5"],
        ["--agencies", "1"],
        ["--profile", "bogus"],
        ["--profile", "clean,heavy,moderate"],
        ["--rate", "typo=2"],
        ["--rate", "nosuch=0.1"],
        ["--rate", "typo"],
    ],
)
def test_synth_bad_input_exits_2_and_writes_nothing(tmp_path, args):
    out = tmp_path / "out"
    res = run("synth", "--people", 200, *args, "-o", out)
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_synth_output_that_is_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    res = run("synth", "--people", 10, "-o", target)
    assert res.exit_code == 2
    assert target.read_text() == "x"
