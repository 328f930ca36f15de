"""Frequency alignment on every deterministic column and on combinations (equality classes):
rank the file's classes by size, rank register values (of the same transform) by count, pair
them in order; a record's guess is the value paired with its class. Also reports the largest
class sizes, so that a skewed distribution would show.
usage: freqalign.py ENCODED REGISTER TRUTH"""
import os
import sys, numpy as np
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_csv
from features import file_features
enc, regp, truthp = sys.argv[1:4]
F = file_features(enc); R = load_csv(regp); A = {r['id']: r for r in load_csv(truthp)}
ids = F['ids']; N = len(ids)
truth = [A[i] for i in ids]
def col(name):
    if name in F['raw']:
        v = F['valid'][name]; raw = F['raw'][name]
        return [raw[i].tobytes() if v[i] else None for i in range(N)]
    b = F['block'][name]; return [int(x) if x else None for x in b]
def tv(r, f):
    if f == 'first_initial': return r['first'][0] if r['first'] else None
    if f == 'pc+init': return (r['pc'], r['first'][0]) if r['pc'] and r['first'] else None
    if f == 'pc+dob': return (r['pc'], r['dob']) if r['pc'] and r['dob'] else None
    return r[f]
def align(keys, field, label):
    cls = Counter(k for k in keys if k is not None)
    reg = Counter(tv(r, field) for r in R if tv(r, field) is not None)
    rank_f = [k for k, _ in cls.most_common()]; rank_r = [k for k, _ in reg.most_common()]
    m = dict(zip(rank_f, rank_r))
    ok = n = 0; okc = nc = 0
    for i, k in enumerate(keys):
        t = tv(truth[i], field)
        if t is None: continue
        n += 1
        g = m.get(k) if k is not None else rank_r[0]
        ok += (g == t)
        if k is not None and cls[k] >= 5: nc += 1; okc += (g == t)
    top = rank_r[0]; ch = sum(tv(r, field) == top for r in truth if tv(r, field) is not None) / n
    print(f"{label:45s} classes {len(cls):6d} largest {cls.most_common(1)[0][1] if cls else 0:5d} reid {100*ok/n:6.2f}% chance {100*ch:5.2f}% | classes>=5: {nc} recs, prec {100*okc/max(nc,1):5.1f}%")
def combo(*names):
    cs = [col(n) for n in names]
    return [None if any(c[i] is None for c in cs) else tuple(c[i] for c in cs) for i in range(N)]
# deterministic columns of the file and the plaintext value each one's classes stand for
for name, field in [('date_of_birth', 'dob'), ('date_of_birth.value', 'dob'), ('ni_number', 'ni'), ('ni_number.value', 'ni'),
                    ('postcode', 'pc+init'), ('postcode.value-first_name.first_char', 'pc+init'), ('postcode_by_date_of_birth', 'pc+dob')]:
    if name not in F['raw'] and name not in F['block']: continue
    if all(tv(r, field) is None for r in truth): continue
    align(col(name), field, name)
for name, field in [('first_name', 'first'), ('last_name', 'last'), ('middle_name', 'middle'), ('sex', 'sex')]:
    salted = [f for f in F['schema']['fields'] if f['name'] == name][0]['salt']
    align(col(name), field, f"{name} (salt {salted['field'] if salted else None})")

# length-stratified alignment (only meaningful without padding): popcount of the unbalanced
# filter -> number of tokens; align class sizes with register counts within each token count
def est_tokens(pop, m=512, k=6):
    pop = np.minimum(pop, m - 1)
    return np.round(np.log(1 - pop / m) / np.log(1 - 1 / m) / k).astype(int)
from common import bigrams
for name, field in [('first_name', 'first'), ('last_name', 'last'), ('middle_name', 'middle')]:
    keys = col(name); U, v = F['U'][name]
    nt = est_tokens(U.sum(1))
    cls = Counter(k for k in keys if k is not None)
    strata_f = {}
    for i, k in enumerate(keys):
        if k is not None: strata_f.setdefault(nt[i], Counter())[k] = cls[k]
    reg = Counter(tv(r, field) for r in R if tv(r, field) is not None)
    strata_r = {}
    for val, c in reg.items(): strata_r.setdefault(len(bigrams(val)), Counter())[val] = c
    m = {}
    for s, cf in strata_f.items():
        rf = [k for k, _ in cf.most_common()]; rr = [k for k, _ in strata_r.get(s, Counter()).most_common()]
        m.update(zip(rf, rr))
    ok = n = 0; big = okb = 0
    for i, k in enumerate(keys):
        t = tv(truth[i], field)
        if t is None: continue
        n += 1; g = m.get(k); ok += g == t
        if k is not None and cls[k] >= 20: big += 1; okb += g == t
    print(f"{name:20s} length-stratified alignment: reid {100*ok/n:6.2f}% | classes>=20: {big} recs, prec {100*okb/max(big,1):5.1f}%")
