#!/usr/bin/env python3
"""Condensed summary over populations and keys (best-of attack): DEFAULT and ONE-SALT side by side."""
import json, os
flds = ["first_name", "last_name", "middle_name", "dob", "yob", "postcode"]
def L(p, f): 
    q = f"/work/redteam12/scores/{p}.{f}.best.json"
    return json.load(open(q)) if os.path.exists(q) else None
print("| field | chance: register top (A / B) | chance given trivial reveal (A / B) | DEFAULT recovered (A k1, A k2, B k1, B k2) | DEFAULT confident: n, correct | ONE-SALT recovered (A k1, A k2, B k1, B k2) | ONE-SALT confident: n, correct | WEAK (capability) recovered (A, B) |")
print("|---|---|---|---|---|---|---|---|")
for f in flds + ["full_identity"]:
    rows = {}
    for enc in ("default", "onesalt"):
        rs = [L(p, f"{enc}.{k}") for p in ("popA", "popB") for k in ("k1", "k2")]
        rec = ", ".join(f"{100*r[f]['recovered']:.2f}" for r in rs)
        n = sum(r[f]["confident"] for r in rs)
        c = sum(r[f]["confident_correct"] for r in rs)
        rows[enc] = (rec, n, c)
    w = [L(p, "weak.k1") for p in ("popA", "popB")]
    a, b = L("popA", "default.k1"), L("popB", "default.k1")
    if f == "full_identity":
        ch = f"{100*a[f]['chance_register_top_triple']:.3f} / {100*b[f]['chance_register_top_triple']:.3f}"
    else:
        ch = f"{100*a[f]['chance_register_top']:.2f} / {100*b[f]['chance_register_top']:.2f}"
    tr = f"{100*a[f]['chance_trivial']:.2f} / {100*b[f]['chance_trivial']:.2f}" if f != "full_identity" else f"{100*a[f]['chance_trivial']:.3f} / {100*b[f]['chance_trivial']:.3f}"
    wk = ", ".join(f"{100*r[f]['recovered']:.2f}" for r in w)
    name = "full identity (first+surname+YOB)" if f == "full_identity" else f
    print(f"| {name} | {ch} % | {tr} % | {rows['default'][0]} % | {rows['default'][1]}, {rows['default'][2]} | {rows['onesalt'][0]} % | {rows['onesalt'][1]}, {rows['onesalt'][2]} | {wk} % |")
