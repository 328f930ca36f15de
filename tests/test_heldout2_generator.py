"""The independent held-out generator (benchmarks/heldout2): files, truth, determinism, rates."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout2" / "generator.py"


def run(out: Path, people: int, seed: int, agencies: int = 2, *extra: str):
    cmd = [sys.executable, str(SCRIPT), "--people", str(people), "--seed", str(seed),
           "--out", str(out), "--agencies", str(agencies), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("h2_small")
    proc = run(out, 500, 11)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    # large enough for the rates to be measured with some precision (a few seconds)
    out = tmp_path_factory.mktemp("h2_medium")
    proc = run(out, 4000, 5)
    assert proc.returncode == 0, proc.stderr
    return out


def test_files_and_columns(small):
    names = sorted(p.name for p in small.iterdir())
    assert names == ["agency_1.csv", "agency_2.csv", "manifest.json", "population.csv",
                     "records.csv", "register.csv", "truth.csv"]
    manifest = json.loads((small / "manifest.json").read_text())
    assert manifest["options"] == {"people": 500, "seed": 11, "agencies": 2}
    a1, a2 = read(small / "agency_1.csv"), read(small / "agency_2.csv")
    # each agency has its own layout: different column names, date and sex formats
    assert set(a1[0]) != set(a2[0])
    assert "ni_number" in a1[0] and not any("ni" in c.lower() for c in a2[0])
    assert any(r["date_of_birth"][2:3] == "/" for r in a1)  # dd/mm/yyyy
    assert any(r["DOB"][4:5] == "-" for r in a2)  # ISO
    assert {r["sex"] for r in a1} <= {"M", "F", "U", ""}
    assert {r["SEX"] for r in a2} <= {"1", "2", "0", "9", ""}
    assert all(v == v.upper() for r in a2 for v in r.values())
    register = read(small / "register.csv")
    assert list(register[0]) == ["register_id", "first_name", "middle_name", "last_name",
                                 "date_of_birth", "sex", "postcode"]
    assert len(register) == 1000
    assert len(read(small / "population.csv")) == 500


def test_truth_ids_exist_and_match_the_same_person(small):
    ids1 = {r["ref"] for r in read(small / "agency_1.csv")}
    ids2 = {r["PATIENT_ID"] for r in read(small / "agency_2.csv")}
    assert len(ids1) == len(read(small / "agency_1.csv"))  # record ids are unique
    truth = read(small / "truth.csv")
    assert list(truth[0]) == ["id_a", "id_b"]
    assert all(t["id_a"] in ids1 and t["id_b"] in ids2 for t in truth)
    person = {(r["agency"], r["record_id"]): r["person_id"] for r in read(small / "records.csv")}
    assert all(person[("agency_1", t["id_a"])] == person[("agency_2", t["id_b"])] for t in truth)
    # and every cross-agency pair of one person is in the truth
    by_person: dict[str, list[list[str]]] = {}
    for (agency, rid), pid in person.items():
        if agency in ("agency_1", "agency_2"):
            by_person.setdefault(pid, [[], []])[agency == "agency_2"].append(rid)
    expected = {(a, b) for a_ids, b_ids in by_person.values() for a in a_ids for b in b_ids}
    assert expected == {(t["id_a"], t["id_b"]) for t in truth}


def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    assert run(again, 500, 11).returncode == 0
    assert run(other, 500, 12).returncode == 0
    for p in small.iterdir():
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name
    assert (other / "agency_1.csv").read_bytes() != (small / "agency_1.csv").read_bytes()


def test_existing_files_are_not_replaced_without_force(small):
    before = (small / "truth.csv").read_bytes()
    proc = run(small, 500, 99)
    assert proc.returncode == 2 and proc.stderr.startswith("error:")
    assert (small / "truth.csv").read_bytes() == before


def test_more_agencies_truth_layout(tmp_path):
    assert run(tmp_path, 300, 3, 4).returncode == 0
    truth = read(tmp_path / "truth.csv")
    assert list(truth[0]) == ["agency_a", "id_a", "agency_b", "id_b"]
    ids = {}
    for k in range(1, 5):
        rows = read(tmp_path / f"agency_{k}.csv")
        ids[f"agency_{k}"] = {next(iter(r.values())) for r in rows}
    assert all(t["id_a"] in ids[t["agency_a"]] and t["id_b"] in ids[t["agency_b"]]
               for t in truth)
    assert {(t["agency_a"], t["agency_b"]) for t in truth} == {
        (f"agency_{i}", f"agency_{j}") for i in range(1, 5) for j in range(i + 1, 5)}


def within(observed: int, expected: float) -> bool:
    """Binomial-ish tolerance: four standard deviations and a little slack."""
    return abs(observed - expected) <= 4 * expected ** 0.5 + 3


def test_applied_rates_match_the_stated_rates(medium):
    manifest = json.loads((medium / "manifest.json").read_text())
    for agency in manifest["agencies"]:
        n, rates, counts = agency["records"], agency["nominal_rates"], agency["applied_counts"]
        for tag in ("first_name_typo", "last_name_typo", "dob_missing", "dob_wrong_year",
                    "sex_missing", "postcode_typo", "postcode_missing", "address_missing"):
            assert within(counts.get(tag, 0), n * rates[tag]), (agency["file"], tag)
        people = agency["people"]
        assert within(counts.get("duplicate", 0), people * rates["duplicate"]), agency["file"]
        eligible = agency["eligible_counts"]
        for tag, key in (("stale_address", "stale_address (of recent movers)"),
                         ("nickname", "nickname (of people with one)"),
                         ("maiden_name", "maiden_name (of women with a married name)")):
            assert within(counts.get(tag, 0), eligible[tag] * rates[key]), (agency["file"], tag)


def test_rates_seen_in_the_files(medium):
    """Measured from the files against the true identities, not from the generator's tags."""
    manifest = json.loads((medium / "manifest.json").read_text())
    pop = {r["person_id"]: r for r in read(medium / "population.csv")}
    person = {(r["agency"], r["record_id"]): r["person_id"] for r in read(medium / "records.csv")}
    a1 = read(medium / "agency_1.csv")
    rates = manifest["agencies"][0]["nominal_rates"]

    def iso(s: str) -> str:
        d, m, y = s.split("/")
        return date(int(y), int(m), int(d)).isoformat()

    def true_dob(r: dict) -> str:
        return pop[person[("agency_1", r["ref"])]]["date_of_birth"]

    wrong_dob = sum(1 for r in a1
                    if not r["date_of_birth"] or iso(r["date_of_birth"]) != true_dob(r))
    # the day/month swap applies only where the day is 12 or less (about 37 % of dates)
    expected = len(a1) * (rates["dob_missing"] + 0.37 * rates["dob_day_month_swap"]
                          + rates["dob_wrong_year"] + rates["dob_day_typo"]
                          + rates["dob_placeholder_0101"])
    assert within(wrong_dob, expected), (wrong_dob, expected)

    per_person = Counter(person[("agency_1", r["ref"])] for r in a1)
    dup_share = sum(c - 1 for c in per_person.values()) / len(per_person)
    assert 0.01 <= dup_share <= 0.03

    overlap = manifest["overlap"]["agency_1~agency_2"]["share_of_agency_1"]
    assert 0.5 <= overlap <= 0.65

    # postcodes: typos, missing values and stale addresses, and nothing else
    off = sum(1 for r in a1 if r["postcode"].upper() != pop[person[("agency_1", r["ref"])]][
        "postcode"])
    counts = manifest["agencies"][0]["applied_counts"]
    explained = counts["postcode_typo"] + counts["postcode_missing"] + counts["stale_address"]
    assert off <= explained and off >= 0.8 * explained

    # the population: shared postcodes, an ageing pyramid, twins, double-barrelled surnames
    postcodes = Counter(r["postcode"] for r in pop.values())
    assert 5 <= sorted(postcodes.values())[len(postcodes) // 2] <= 20
    bands = manifest["population"]["age_bands"]
    assert 0.12 <= bands["0-14"] <= 0.25 and 0.05 <= bands["75-+"] <= 0.13
    assert any(r["twin"] for r in pop.values())
    assert any("-" in r["last_name"] for r in pop.values())
    assert any("'" in r["last_name"] for r in pop.values())
