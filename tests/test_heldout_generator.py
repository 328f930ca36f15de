"""Checks of the held-out generator (benchmarks/heldout/generator.py): files, columns, truth
consistency and determinism.  It runs the script as a subprocess and never imports linkcore."""
import filecmp
import json
import os
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout" / "generator.py"
DATA_FILES = ["population.csv", "truth.csv", "truth_records.csv", "register.csv",
              "register_truth.csv", "manifest.json"]
COLS = {
    "a": ["client_ref", "forename", "middle_names", "surname", "dob", "sex", "address",
          "postcode"],
    "b": ["id", "full_name", "first_name", "last_name", "date_of_birth", "gender", "address",
          "post_code"],
    "c": ["person_ref", "given_names", "family_name", "birth_date", "sex_code",
          "address_line_1", "town", "postcode"],
}


def run(out, people=500, seed=11, agencies=2, style="uk"):
    cmd = [sys.executable, str(SCRIPT), "--people", str(people), "--seed", str(seed),
           "--out", str(out), "--agencies", str(agencies), "--style", style]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)
    return out


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    return run(tmp_path_factory.mktemp("two") / "out")


def test_files_and_columns(two):
    for f in DATA_FILES + ["agency_a.csv", "agency_b.csv"]:
        assert (two / f).is_file(), f
    for a in ("a", "b"):
        assert list(read(two / f"agency_{a}.csv").columns) == COLS[a]
    assert list(read(two / "truth.csv").columns) == ["id_a", "id_b"]
    assert list(read(two / "truth_records.csv").columns) == ["agency", "id", "person_id"]
    assert list(read(two / "register.csv").columns) == [
        "first_name", "middle_name", "last_name", "date_of_birth", "sex", "postcode"]
    pop = read(two / "population.csv")
    assert len(pop) == 500 and pop.person_id.is_unique
    assert pop.postcode.str.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}").all()


def test_formats(two):
    a, b = read(two / "agency_a.csv"), read(two / "agency_b.csv")
    dob_a = a.dob[a.dob != ""]
    assert dob_a.str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    dob_b = b.date_of_birth[b.date_of_birth != ""]
    assert dob_b.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(a.sex) <= {"M", "F", ""} and set(b.gender) <= {"Male", "Female", ""}
    assert not b.post_code.str.contains(" ").any()
    assert b.full_name.str.contains(", ").mean() > 0.9
    # some rows are missing a date of birth, but not many
    assert 0.005 < (a.dob == "").mean() < 0.15


def test_truth_consistency(two):
    recs = read(two / "truth_records.csv")
    for ag in ("a", "b"):
        df = read(two / f"agency_{ag}.csv")
        idcol = COLS[ag][0]
        assert df[idcol].is_unique
        assert sorted(df[idcol]) == sorted(recs.loc[recs.agency == ag, "id"])
    pid = {(r.agency, r.id): r.person_id for r in recs.itertuples()}
    truth = read(two / "truth.csv")
    assert len(truth) > 0 and not truth.duplicated().any()
    for r in truth.itertuples():
        assert pid[("a", r.id_a)] == pid[("b", r.id_b)]
    # every same-person cross-agency pair is in the truth
    ga = recs[recs.agency == "a"].groupby("person_id").size()
    gb = recs[recs.agency == "b"].groupby("person_id").size()
    assert len(truth) == int((ga * gb).dropna().sum())
    # about half of each agency's people are shared with the other
    shared = len(set(ga.index) & set(gb.index))
    assert 0.35 < shared / len(ga) < 0.75
    # within-agency duplicates exist at a low rate
    assert 0.0 < (ga > 1).mean() < 0.15
    # people in the register that belong to the population exist in it
    reg = read(two / "register_truth.csv")
    pop_ids = set(read(two / "population.csv").person_id)
    inside = reg.person_id[reg.person_id.str.startswith("P")]
    assert set(inside) <= pop_ids and len(inside) > 0


def test_deterministic(tmp_path, two):
    again = run(tmp_path / "again")
    for f in DATA_FILES + ["agency_a.csv", "agency_b.csv"]:
        assert filecmp.cmp(two / f, again / f, shallow=False), f
    other = run(tmp_path / "other", seed=12)
    assert not filecmp.cmp(two / "agency_a.csv", other / "agency_a.csv", shallow=False)


def test_three_agencies_mixed(tmp_path):
    out = run(tmp_path / "k3", people=500, seed=3, agencies=3, style="mixed")
    truth = read(out / "truth.csv")
    assert list(truth.columns) == ["agency_a", "id_a", "agency_b", "id_b"]
    recs = read(out / "truth_records.csv")
    pid = {(r.agency, r.id): r.person_id for r in recs.itertuples()}
    assert {tuple(x) for x in truth[["agency_a", "agency_b"]].drop_duplicates().values} == \
        set(combinations("abc", 2))
    for r in truth.itertuples():
        assert pid[(r.agency_a, r.id_a)] == pid[(r.agency_b, r.id_b)]
    assert list(read(out / "agency_c.csv").columns) == COLS["c"]
    m = json.loads((out / "manifest.json").read_text())
    assert m["agencies"] == 3 and m["style"] == "mixed"
    # mixed style: agency a writes some dates in a format other than dd/mm/yyyy
    dob = read(out / "agency_a.csv").dob
    dob = dob[dob != ""]
    assert 0.02 < (~dob.str.fullmatch(r"\d{2}/\d{2}/\d{4}")).mean() < 0.3


def test_bad_arguments(tmp_path):
    r = subprocess.run([sys.executable, str(SCRIPT), "--people", "5", "--out",
                        str(tmp_path / "x")], capture_output=True, text=True)
    assert r.returncode == 2 and not os.path.exists(tmp_path / "x")
