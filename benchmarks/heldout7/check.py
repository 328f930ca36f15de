#!/usr/bin/env python3
"""Check a heldout-7 output folder and print a short summary.

Usage:  python check.py OUTDIR [--compare OTHER_OUTDIR]

Checks: every CSV parses with the csv module and has its expected header and
row width; record ids are unique per file; every truth pair names existing
records; truth_records.csv lists exactly the records of both extracts and
implies exactly the pairs in truth.csv; register ids are unique and
register_truth.csv covers them. With --compare, every output file must be
byte-identical to the other folder's (a second run with the same seed).
Exit status 0 when every check passes, 1 otherwise.
"""

import csv
import json
import os
import re
import sys
from datetime import date

FILES = ["agency_a.csv", "agency_b.csv", "truth.csv", "truth_records.csv", "register.csv",
         "register_truth.csv", "manifest.json"]
HEADERS = {
    "agency_a.csv": ["id", "nhs_number", "practice_code", "registration_date", "title", "surname", "forename",
                     "other_forenames", "sex", "date_of_birth", "address_1", "address_2", "address_3", "postcode"],
    "agency_b.csv": ["id", "service", "service_ref", "case_status", "record_created", "last_contact",
                     "family_name", "given_names", "known_as", "gender", "dob", "house", "street", "locality",
                     "town", "post_code"],
    "truth.csv": ["id_a", "id_b"],
    "truth_records.csv": ["agency", "id", "person_id"],
    "register.csv": ["id", "forenames", "surname", "date_of_birth", "year_of_birth", "address", "town", "postcode"],
    "register_truth.csv": ["id", "person_id", "in_study"],
}
problems = []


def fail(msg):
    problems.append(msg)


def read(folder, name):
    path = os.path.join(folder, name)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        fail(f"{name}: empty")
        return []
    if rows[0] != HEADERS[name]:
        fail(f"{name}: header {rows[0]} != {HEADERS[name]}")
    bad = [i + 2 for i, r in enumerate(rows[1:]) if len(r) != len(rows[0])]
    if bad:
        fail(f"{name}: {len(bad)} rows of the wrong width (first at line {bad[0]})")
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def parse_a_dob(s):
    try:
        return date.fromisoformat(s) if s else None
    except ValueError:
        return None


def parse_b_dob(s, created):
    """DD/MM/YYYY, or legacy DD/MM/YY: the century that puts the birth before the record's creation."""
    m = re.fullmatch(r"(\d\d)/(\d\d)/(\d{2}|\d{4})", s or "")
    if not m:
        return None
    d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
    if len(y) == 2:
        cy = int(created[-4:]) if created else 2025
        y = 2000 + int(y)
        if y > cy:
            y -= 100
    else:
        y = int(y)
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def norm_pc(s):
    return re.sub(r"[^A-Z0-9]", "", (s or "").upper())


def norm_name(s):
    import unicodedata
    s = unicodedata.normalize("NFKD", (s or "").replace("ł", "l").replace("Ł", "L"))
    return re.sub(r"[^a-z]", "", "".join(c for c in s if not unicodedata.combining(c)).lower())


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[2])
        return 2
    folder = argv[0]
    missing = [f for f in FILES if not os.path.exists(os.path.join(folder, f))]
    if missing:
        print(f"error: missing files in {folder}: {', '.join(missing)}", file=sys.stderr)
        return 1
    a = read(folder, "agency_a.csv")
    b = read(folder, "agency_b.csv")
    truth = read(folder, "truth.csv")
    trec = read(folder, "truth_records.csv")
    reg = read(folder, "register.csv")
    rtruth = read(folder, "register_truth.csv")
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)

    ida = {r["id"]: r for r in a}
    idb = {r["id"]: r for r in b}
    if len(ida) != len(a):
        fail(f"agency_a.csv: {len(a) - len(ida)} duplicate ids")
    if len(idb) != len(b):
        fail(f"agency_b.csv: {len(b) - len(idb)} duplicate ids")
    if any(not r["id"] for r in a + b):
        fail("empty record id")
    tpairs = {(r["id_a"], r["id_b"]) for r in truth}
    if len(tpairs) != len(truth):
        fail(f"truth.csv: {len(truth) - len(tpairs)} repeated pairs")
    na = sum(1 for x, _ in tpairs if x not in ida)
    nb = sum(1 for _, y in tpairs if y not in idb)
    if na or nb:
        fail(f"truth.csv: {na} id_a and {nb} id_b not found in the extracts")
    recs = {(r["agency"], r["id"]) for r in trec}
    if len(recs) != len(trec):
        fail("truth_records.csv: repeated records")
    expected = {("a", i) for i in ida} | {("b", i) for i in idb}
    if recs != expected:
        fail(f"truth_records.csv: {len(expected - recs)} records missing, {len(recs - expected)} unknown")
    person = {}
    for r in trec:
        person.setdefault(r["person_id"], ([], []))[0 if r["agency"] == "a" else 1].append(r["id"])
    implied = {(x, y) for xs, ys in person.values() for x in xs for y in ys}
    if implied != tpairs:
        fail(f"truth.csv differs from the pairs truth_records.csv implies "
             f"({len(implied - tpairs)} missing, {len(tpairs - implied)} extra)")
    rids = [r["id"] for r in reg]
    if len(set(rids)) != len(rids):
        fail("register.csv: duplicate ids")
    if [r["id"] for r in rtruth] != rids:
        fail("register_truth.csv: ids do not match register.csv")
    c = manifest.get("counts", {})
    for key, val in (("records_a", len(a)), ("records_b", len(b)), ("truth_pairs", len(tpairs)),
                     ("register_rows", len(reg))):
        if c.get(key) != val:
            fail(f"manifest.json: {key} = {c.get(key)}, files have {val}")
    if manifest.get("generator") != "heldout-7":
        fail("manifest.json: generator is not heldout-7")

    if len(argv) >= 3 and argv[1] == "--compare":
        other = argv[2]
        for f in FILES:
            with open(os.path.join(folder, f), "rb") as x, open(os.path.join(other, f), "rb") as y:
                if x.read() != y.read():
                    fail(f"{f}: differs from {other}")

    # agreement of truth pairs
    n = len(tpairs) or 1
    dob_eq = pc_eq = sur_eq = pc_n = sur_n = both_dob = 0
    for x, y in tpairs:
        ra, rb = ida.get(x), idb.get(y)
        if ra is None or rb is None:
            continue
        da, db = parse_a_dob(ra["date_of_birth"]), parse_b_dob(rb["dob"], rb["record_created"])
        dob_eq += da is not None and da == db
        both_dob += da is not None and db is not None
        pc_eq += ra["postcode"] == rb["post_code"]
        pc_n += norm_pc(ra["postcode"]) == norm_pc(rb["post_code"]) != ""
        sur_eq += ra["surname"] == rb["family_name"]
        sur_n += norm_name(ra["surname"]) == norm_name(rb["family_name"]) != ""
    people_a = len({p for p, (xs, ys) in person.items() if xs})
    people_b = len({p for p, (xs, ys) in person.items() if ys})
    people_ab = len({p for p, (xs, ys) in person.items() if xs and ys})
    print(f"heldout-7 check of {folder}: generator {manifest.get('generator')}, people {manifest.get('people')}, "
          f"seed {manifest.get('seed')}")
    print(f"  records: agency_a {len(a)} ({people_a} people), agency_b {len(b)} ({people_b} people), "
          f"register {len(reg)}")
    print(f"  people in both: {people_ab} ({100 * people_ab / max(1, min(people_a, people_b)):.1f}% of the smaller file's people)")
    print(f"  truth pairs: {len(tpairs)}")
    print(f"  truth pairs agreeing exactly on date of birth (as dates): {100 * dob_eq / n:.1f}%"
          f" (of pairs with both dates: {100 * dob_eq / max(1, both_dob):.1f}%)")
    print(f"  truth pairs agreeing on postcode as written: {100 * pc_eq / n:.1f}%"
          f" (upper case, spaces removed: {100 * pc_n / n:.1f}%)")
    print(f"  truth pairs agreeing on surname as written: {100 * sur_eq / n:.1f}%"
          f" (letters only, case and accents folded: {100 * sur_n / n:.1f}%)")
    if problems:
        for p in problems:
            print(f"  FAIL {p}")
        return 1
    print("  all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
