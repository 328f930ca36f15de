#!/usr/bin/env python3
"""Per-attack table for one file label (e.g. popA.weak.k1): recovered share (confident / precision)."""
import json, sys, os
lab = sys.argv[1]
flds = ["first_name", "last_name", "middle_name", "dob", "yob", "postcode"]
print(f"| attack on {lab} | " + " | ".join(flds) + " | full identity |")
print("|---|" + "---|" * (len(flds) + 1))
for a in ["freq", "shadow", "twins", "chain", "best"]:
    p = f"/work/redteam12/scores/{lab}.{a}.json"
    if not os.path.exists(p): print(f"| {a} | " + " | ".join(["not run"] * (len(flds) + 1)) + " |"); continue
    r = json.load(open(p))
    cells = []
    for f in flds:
        x = r[f]; pr = "–" if x["precision"] is None else f"{x['precision']:.2f}"
        cells.append(f"{100*x['recovered']:.2f}% ({x['confident']}/{pr})")
    fi = r["full_identity"]
    cells.append(f"{100*fi['recovered']:.3f}% ({fi['confident']} conf, {fi['confident_correct']} right)")
    print(f"| {a} | " + " | ".join(cells) + " |")
