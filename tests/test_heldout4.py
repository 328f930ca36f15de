"""Tests of the heldout4 generator (benchmarks/heldout4/generator.py).

Small runs only (1,500 people, 3 months); no timing assertions.  The generator
is run as a script, exactly as a user would run it.
"""
import csv
import filecmp
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "benchmarks", "heldout4", "generator.py")
SMALL = ["--people", "1500", "--months", "3", "--seed", "11"]


def run_gen(args, env_extra=None):
    env = dict(os.environ)
    if env_extra:
        env.update(env_extra)
    return subprocess.run([sys.executable, GEN] + args, capture_output=True, text=True,
                          env=env, timeout=300)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("h4") / "out")
    r = run_gen(SMALL + ["--out", d])
    assert r.returncode == 0, r.stderr
    return d


@pytest.fixture(scope="module")
def manifest(out):
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as fh:
        return json.load(fh)


def test_files_and_documented_columns(out, manifest):
    assert manifest["options"] == {"people": 1500, "months": 3, "agencies": 4, "seed": 11}
    assert len(manifest["agencies"]) == 4
    for n in ("events.csv", "register.csv", "register_truth.csv"):
        assert os.path.isfile(os.path.join(out, n))
    roles = {"first_name", "middle_name", "last_name", "full_name", "sex", "sex_coding",
             "date_of_birth", "date_format", "postcode", "ni_number", "nhs_number",
             "address_line_1", "address_line_2", "town"}
    for m in range(1, 4):
        mdir = os.path.join(out, f"month_{m:02d}")
        for k, ag in enumerate(manifest["agencies"], 1):
            assert ag["name"] == f"agency_{k}"
            header, rows = read_csv(os.path.join(mdir, f"agency_{k}.csv"))
            assert header == ag["header"]
            assert ag["id_column"] == header[0]
            assert set(ag["columns"]) <= roles
            for role, col in ag["columns"].items():
                if role not in ("sex_coding", "date_format"):
                    assert col in header, (role, col)
            assert "date_of_birth" in ag["columns"] and "date_format" in ag["columns"]
            assert rows, "empty extract"
            assert all(len(r) == len(header) for r in rows)
            # sex codes and dates follow the documented coding and format
            import datetime
            si = header.index(ag["columns"]["sex"])
            di = header.index(ag["columns"]["date_of_birth"])
            for r in rows:
                assert r[si] in ag["columns"]["sex_coding"], r[si]
                if r[di]:
                    datetime.datetime.strptime(r[di], ag["columns"]["date_format"])
        header, _ = read_csv(os.path.join(mdir, "truth_records.csv"))
        assert header == ["agency", "id", "person_id"]
    header, _ = read_csv(os.path.join(out, "events.csv"))
    assert header == ["month", "person_id", "agency", "event", "old_id", "new_id", "detail"]
    header, rows = read_csv(os.path.join(out, "register.csv"))
    assert header == ["first_name", "middle_name", "last_name", "sex", "date_of_birth",
                      "postcode"]
    assert 2700 <= len(rows) <= 3300


def load_month(out, m, k):
    recs = {}
    for a in range(1, k + 1):
        _, rows = read_csv(os.path.join(out, f"month_{m:02d}", f"agency_{a}.csv"))
        ids = [r[0] for r in rows]
        assert len(ids) == len(set(ids)), f"duplicate id within agency_{a} month {m}"
        recs[f"agency_{a}"] = set(ids)
    return recs


def load_truth(out, m):
    _, rows = read_csv(os.path.join(out, f"month_{m:02d}", "truth_records.csv"))
    return rows


def test_truth_covers_every_record_once_and_ids_unique(out):
    for m in range(1, 4):
        recs = load_month(out, m, 4)
        truth = load_truth(out, m)
        keys = [(a, i) for a, i, _ in truth]
        assert len(keys) == len(set(keys))
        assert set(keys) == {(a, i) for a, ids in recs.items() for i in ids}


def test_ids_keep_their_person_across_months(out):
    owner = {}
    for m in range(1, 4):
        for a, i, p in load_truth(out, m):
            assert owner.setdefault((a, i), p) == p


def test_reregistration_and_duplicates(out):
    _, events = read_csv(os.path.join(out, "events.csv"))
    rereg = [e for e in events if e[3] == "reregistered"]
    assert rereg, "expected some re-registrations in a small run"
    truth = {m: {(a, i): p for a, i, p in load_truth(out, m)} for m in range(1, 4)}
    for m, pid, ag, _ev, old, new, _ in rereg:
        t = truth[int(m)]
        assert (ag, old) not in t, "old id still present in its month"
        assert t[(ag, new)] == pid
        assert truth[int(m) - 1][(ag, old)] == pid
    for m, pid, ag, ev, old, new, _ in events:
        if ev == "duplicate_added":
            t = truth[int(m)]
            assert t[(ag, old)] == pid and t[(ag, new)] == pid
        if ev == "duplicate_withdrawn":
            assert (ag, old) not in truth[int(m)]
            assert truth[int(m)][(ag, new)] == pid


def test_determinism(tmp_path, out):
    d = str(tmp_path / "again")
    r = run_gen(SMALL + ["--out", d], env_extra={"PYTHONHASHSEED": "987"})
    assert r.returncode == 0, r.stderr
    names = ["manifest.json", "events.csv", "register.csv", "register_truth.csv"]
    for m in range(1, 4):
        for f in ["truth_records.csv"] + [f"agency_{k}.csv" for k in range(1, 5)]:
            names.append(os.path.join(f"month_{m:02d}", f))
    match, mismatch, errors = filecmp.cmpfiles(out, d, names, shallow=False)
    assert not mismatch and not errors


@pytest.mark.parametrize("args", [
    ["--people", "-5"],
    ["--months", "0"],
    ["--agencies", "1"],
    ["--people", "many"],
])
def test_bad_options(tmp_path, args):
    d = str(tmp_path / "bad")
    r = run_gen(["--out", d] + args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    assert not os.path.exists(d)


def test_existing_output_needs_force(tmp_path):
    d = str(tmp_path / "o")
    args = ["--people", "300", "--months", "1", "--agencies", "2", "--out", d]
    assert run_gen(args).returncode == 0
    before = sorted(os.listdir(d))
    r = run_gen(args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert sorted(os.listdir(d)) == before
    r = run_gen(args + ["--force"])
    assert r.returncode == 0, r.stderr
