#!/usr/bin/env python3
"""Checks one heldout3 output folder: truth.csv equals the pairs implied by truth_all.csv, ids are unique,
and prints how often the two first agencies disagree on each field for true pairs (after light cleaning).

    python benchmarks/heldout3/check.py DIR
"""
import csv
import datetime as dt
import os
import sys
import unicodedata
from collections import defaultdict


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fold(s):
    s = s.replace("ł", "l").replace("Ł", "L")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return "".join(c for c in s.upper() if c.isalnum())


def date(s, fmt):
    try:
        return dt.datetime.strptime(s, fmt).date() if s else None
    except ValueError:
        return None


def main(d):
    ta = read(os.path.join(d, "truth_all.csv"))
    owner = {(r["agency"], r["record_id"]): r["person_id"] for r in ta}
    assert len(owner) == len(ta), "duplicate (agency, record_id) in truth_all"
    k = 1
    while os.path.exists(os.path.join(d, f"agency_{k}.csv")):
        rows = read(os.path.join(d, f"agency_{k}.csv"))
        idc = list(rows[0].keys())[0]
        ids = [r[idc] for r in rows]
        assert len(set(ids)) == len(ids), f"agency_{k}: ids not unique"
        assert set(ids) == {rid for (a, rid) in owner if a == f"agency_{k}"}, f"agency_{k}: truth_all mismatch"
        k += 1
    by = defaultdict(list)
    for (a, rid), p in owner.items():
        if a == "agency_2":
            by[p].append(rid)
    want = sorted((rid, b) for (a, rid), p in owner.items() if a == "agency_1" for b in by.get(p, []))
    got = sorted((r["id_a"], r["id_b"]) for r in read(os.path.join(d, "truth.csv")))
    assert want == got, "truth.csv differs from the pairs implied by truth_all.csv"
    print(f"ok: {k - 1} agencies, {len(ta)} records, {len(got)} true pairs agree with truth_all")

    a1 = {r["CouncilRef"]: r for r in read(os.path.join(d, "agency_1.csv"))}
    a2 = {r["PATIENT_ID"]: r for r in read(os.path.join(d, "agency_2.csv"))}
    diff = defaultdict(int)
    for x, y in got:
        r, s = a1[x], a2[y]
        f1 = r["Forenames"].split(" ")[0] if r["Forenames"] else ""
        diff["first name"] += fold(f1) != fold(s["FORENAME"])
        diff["surname"] += fold(r["Surname"]) != fold(s["SURNAME"])
        d1, d2 = date(r["DateOfBirth"], "%d/%m/%Y"), date(s["DOB"], "%Y-%m-%d")
        diff["date of birth (either missing)"] += d1 is None or d2 is None
        diff["date of birth (both present, differ)"] += d1 is not None and d2 is not None and d1 != d2
        diff["sex"] += {"M": "1", "F": "2"}.get(r["Gender"], "?") != s["SEX"]
        diff["postcode"] += fold(r["PostCode"]) != fold(s["POSTCODE"])
    for f, n in diff.items():
        print(f"  true pairs agency_1/agency_2 differing on {f}: {n / len(got):.1%}")


if __name__ == "__main__":
    main(sys.argv[1])
