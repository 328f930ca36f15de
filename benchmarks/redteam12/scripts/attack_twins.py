#!/usr/bin/env python3
"""A6 household/twin attack through chained salt groups. In the file: two records with the same
postcode+DOB filter (postcode_by_date_of_birth) whose surname filters (salted with that same DOB)
are identical and first-name filters differ are twins (or a duplicate entry). Their first-name
filters share a salt, so their shared-bigram count can be read. In the register: every group of
2+ people with the same postcode, full DOB and surname, with the same shared-bigram count between
their first names. An agency twin pair with exactly one compatible register group gets that
group's surname, DOB, year and postcode (confident); first names are assigned by the initial
pattern when the twins' first-name initials differ is not readable, so first names are guessed
in register order (not confident). Same initial or not is read from the postcode filter
(salted with the initial): equal for the twins exactly when their initials agree.
usage: attack_twins.py ENCODED.parquet REGISTER.csv OUT_GUESSES.csv"""
import sys, collections, itertools, numpy as np, pandas as pd
sys.path.insert(0, sys.path[0]); import lcfile, common
t, md = lcfile.load(sys.argv[1]); reg = common.load_register(sys.argv[2])
rid = np.asarray(t["record_id"].to_pylist())
pd_ids = lcfile.classes(t, "field:postcode_by_date_of_birth")
pi_ids = lcfile.classes(t, "field:postcode")  # postcode salted with the first initial
U = {}
for f in ["first_name", "last_name"]:
    b, v = lcfile.bits(t, "field:" + f); u, m = lcfile.unbalance(b, v); U[f] = (u.astype(np.int32), v)
groups = collections.defaultdict(list)
for i, x in enumerate(pd_ids):
    if x >= 0: groups[x].append(i)
uf, vf = U["first_name"]; ul, vl = U["last_name"]
twins = []
for g in groups.values():
    for a, b in itertools.combinations(g, 2):
        if vl[a] and vl[b] and (ul[a] == ul[b]).all() and vf[a] and vf[b] and not (uf[a] == uf[b]).all():
            o = (uf[a] * uf[b]).sum() - uf[a].sum() * uf[b].sum() / uf.shape[1]
            twins.append((a, b, int(np.clip(round(o / 5.5), 0, 6)), pi_ids[a] == pi_ids[b] and pi_ids[a] >= 0))
# register twin groups
r = reg[(reg.dob != "") & (reg.postcode != "")]
rt = []
for (pc, dob, sn), g in r.groupby(["postcode", "dob", "last_name"]):
    if len(g) < 2: continue
    for (i, p), (j, q) in itertools.combinations(g.iterrows(), 2):
        if p.first_name == q.first_name: continue
        ov = len(common.bigrams(p.first_name) & common.bigrams(q.first_name))
        rt.append((pc, dob, sn, p.first_name, q.first_name, min(ov, 6), p.first_name[:1] == q.first_name[:1]))
print(f"agency twin pairs {len(twins)}, register twin pairs {len(rt)}")
rows = []
for a, b, o, si in twins:
    cand = [x for x in rt if abs(x[5] - o) <= 1 and x[6] == si]
    exact = [x for x in cand if x[5] == o]
    use = exact if len(exact) == 1 else cand
    conf = len(use) == 1
    if not use: continue
    pc, dob, sn, f1, f2, _, _ = use[0]
    for rec, fn in ((a, f1), (b, f2)):
        for fld, val in (("last_name", sn), ("dob", dob), ("yob", dob[:4]), ("postcode", pc), ("first_name", fn)):
            rows.append((rid[rec], fld, val, 1.0 if conf else 0.0, "A6-twins", len(use), conf and fld != "first_name"))
    print(f"pair: shared-bigram estimate {o}, compatible register pairs {len(cand)} (exact {len(exact)})")
g = pd.DataFrame(rows, columns=["record_id", "field", "guess", "confidence", "source", "class_size", "confident"])
g.to_csv(sys.argv[3], index=False); print("wrote", len(g))
