#!/usr/bin/env python3
"""Summary tables from scores/*.json: per population, per field, DEFAULT / ONE-SALT / WEAK side by side.
usage: table.py [ATTACK]   (ATTACK = best (default), freq, shadow, twins, chain)"""
import json, glob, sys, os
A = sys.argv[1] if len(sys.argv) > 1 else "best"
S = {}
for p in glob.glob("/work/redteam12/scores/*.json"):
    try: S[os.path.basename(p)[:-5]] = json.load(open(p))
    except Exception: pass
flds = ["first_name", "last_name", "middle_name", "dob", "yob", "postcode"]
def cell(r, f):
    if r is None: return "not run"
    x = r[f]
    pr = "–" if x["precision"] is None else f"{x['precision']:.2f}"
    return f"{100*x['recovered']:.2f}% ({x['confident']}/{pr})"
for pop in ("popA", "popB"):
    print(f"\n**{pop}, attack `{A}`** — recovered share of all 12,000 records (confident guesses / their precision)\n")
    print("| field | chance: register top / on file / trivial strata | DEFAULT k1 | DEFAULT k2 | ONE-SALT k1 | ONE-SALT k2 | WEAK k1 |")
    print("|---|---|---|---|---|---|---|")
    files = ["default.k1", "default.k2", "onesalt.k1", "onesalt.k2", "weak.k1"]
    rs = [S.get(f"{pop}.{f}.{A}") for f in files]
    ref = next((r for r in rs if r), None)
    if ref is None: continue
    for f in flds:
        c = ref[f]
        ch = f"{100*c['chance_register_top']:.2f}% / {100*c['chance_on_file']:.2f}% / {100*c['chance_trivial']:.2f}%"
        print(f"| {f} | {ch} | " + " | ".join(cell(r, f) for r in rs) + " |")
    fi = ref["full_identity"]
    ch = f"{100*fi['chance_register_top_triple']:.3f}% / {100*fi['chance_on_file_top_triple']:.3f}% / {100*fi['chance_trivial']:.3f}%"
    cells = []
    for r in rs:
        if r is None: cells.append("not run"); continue
        x = r["full_identity"]
        cells.append(f"{100*x['recovered']:.3f}% ({x['confident']} conf, {x['confident_correct']} right)")
    print(f"| full identity (first, surname, YOB) | {ch} | " + " | ".join(cells) + " |")
