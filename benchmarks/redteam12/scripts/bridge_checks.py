#!/usr/bin/env python3
"""A5 cross-view bridges and chaining (attacker side, file only): do two views of one value, or
two name fields of one record, share positions beyond chance?  How large do components get when
records are chained through every deterministic column (DOB, postcode+initial, postcode+DOB)?
What do twin-like DOB groups (same DOB, same postcode, same surname) show?
usage: bridge_checks.py ENCODED.parquet"""
import sys, numpy as np, collections
sys.path.insert(0, sys.path[0]); import lcfile
t, md = lcfile.load(sys.argv[1]); cols = set(t.column_names)
U = {}
for f in ["first_name", "middle_name", "last_name", "first_name_by_postcode", "last_name_by_postcode", "middle_name_by_postcode"]:
    if "field:" + f in cols:
        b, v = lcfile.bits(t, "field:" + f); u, m = lcfile.unbalance(b, v); U[f] = (u.astype(np.int32), v)
def ovl(a, b, rows):
    (ua, va), (ub, vb) = U[a], U[b]
    r = rows[va[rows] & vb[rows]]
    o = (ua[r] * ub[r]).sum(1); e = ua[r].sum(1) * ub[r].sum(1) / ua.shape[1]
    return (o - e).mean(), (o - e).std(), len(r)
allr = np.arange(t.num_rows)
print("same record, excess shared positions over chance (mean, sd, n):")
for a, b in [("first_name", "last_name"), ("first_name", "middle_name"), ("first_name", "first_name_by_postcode"),
             ("last_name", "last_name_by_postcode"), ("first_name_by_postcode", "last_name_by_postcode")]:
    if a in U and b in U: print(f"  {a} vs {b}: {ovl(a, b, allr)}")
ids = {c: lcfile.classes(t, "field:" + c) for c in ["date_of_birth", "postcode", "postcode_by_date_of_birth"] if "field:" + c in cols}
# pairs of records in one DOB class: do their names share positions? (same salt -> yes for shared bigrams)
def pairs(idv):
    d = collections.defaultdict(list)
    for i, x in enumerate(idv):
        if x >= 0: d[x].append(i)
    return [(g[0], g[1]) for g in d.values() if len(g) >= 2]
for gname in ids:
    P = pairs(ids[gname])
    print(f"{gname}: {len(P)} groups of 2+;", end=" ")
    for f in ["first_name", "last_name", "first_name_by_postcode", "last_name_by_postcode"]:
        if f not in U: continue
        u, v = U[f]
        ex = [((u[a] * u[b]).sum() - u[a].sum() * u[b].sum() / u.shape[1]) for a, b in P if v[a] and v[b]]
        eq = sum(1 for a, b in P if v[a] and v[b] and (u[a] == u[b]).all())
        print(f"{f}: identical {eq}, mean excess overlap {np.mean(ex):.1f}", end="; ")
    print()
# chaining graph
parent = list(range(t.num_rows))
def find(x):
    while parent[x] != x: parent[x] = parent[parent[x]]; x = parent[x]
    return x
for c, idv in ids.items():
    first = {}
    for i, x in enumerate(idv):
        if x < 0: continue
        if x in first: parent[find(i)] = find(first[x])
        else: first[x] = i
comp = collections.Counter(find(i) for i in range(t.num_rows))
sz = np.array(sorted(comp.values(), reverse=True))
print("chaining components over DOB, postcode+initial, postcode+DOB: largest", sz[:8].tolist(),
      "records in components of 1/2/3-5/6+:", (sz == 1).sum(), 2 * (sz == 2).sum(), sz[(sz >= 3) & (sz <= 5)].sum(), sz[sz >= 6].sum())
# twins / duplicates: same DOB and same postcode+DOB class
if "postcode_by_date_of_birth" in ids and "last_name" in U:
    P = pairs(ids["postcode_by_date_of_birth"])
    u, v = U["last_name"]; uf, vf = U["first_name"]
    same_sur = sum(1 for a, b in P if v[a] and v[b] and (u[a] == u[b]).all())
    same_first = sum(1 for a, b in P if vf[a] and vf[b] and (uf[a] == uf[b]).all())
    print(f"postcode+DOB pairs {len(P)}: same surname filter {same_sur}, same first-name filter {same_first}")
