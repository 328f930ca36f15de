"""Score an attack's posterior (res pickle) against the file's plaintext (evaluation only)."""
import os
import sys, pickle, numpy as np
from collections import Counter, defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_csv
resp, regpath, truthpath = sys.argv[1:4]
D = pickle.load(open(resp, 'rb')); res = D['res']; ids = D['ids']
R = load_csv(regpath); A = {r['id']: r for r in load_csv(truthpath)}
def val(r, f):
    if f == 'year': return r['dob'][:4] if r['dob'] else None
    if f == 'identity': return (r['first'], r['last'], r['dob'][:4] if r['dob'] else None) if r['first'] and r['last'] and r['dob'] else None
    return r[f]
FIELDS = ['first', 'middle', 'last', 'dob', 'year', 'pc', 'sex', 'ni', 'identity']
prior = {f: Counter(val(r, f) for r in R if val(r, f) is not None) for f in FIELDS}
for f in FIELDS:
    tot = sum(prior[f].values()); prior[f] = {k: v / tot for k, v in prior[f].items()}
FIELDS = [f for f in FIELDS if prior[f]]
top1 = {f: max(prior[f], key=prior[f].get) for f in FIELDS}
rows = []
out = {f: [] for f in FIELDS}
for a, rid in enumerate(ids):
    r = res[a]; tv = A[rid]
    tail = r['wsum'] - r['w'].sum(); rest = r['wnull'] + max(tail, 0)
    Z = r['wsum'] + r['wnull']
    for f in FIELDS:
        truth = val(tv, f)
        if truth is None: continue
        post = defaultdict(float)
        for p, w in zip(r['top'], r['w']):
            v = val(R[p], f)
            if v is not None: post[v] += w
        # values from the prior for the mass outside the top list
        best_prior = top1[f]
        cand = dict(post)
        for v in list(cand):
            cand[v] += rest * prior[f].get(v, 0)
        cand.setdefault(best_prior, 0.0); cand[best_prior] = post.get(best_prior, 0) + rest * prior[f][best_prior]
        g = max(cand, key=cand.get)
        out[f].append((g == truth, cand[g] / Z, truth == best_prior, r['nctx']))
print(f"{'field':9s} {'n':>6s} {'reid%':>7s} {'chance%':>8s} | conf>=0.5: n, prec | conf>=0.2: n, prec | top100 prec")
for f in FIELDS:
    o = np.array(out[f], dtype=float)
    if not len(o): continue
    n = len(o); ok = o[:, 0]; conf = o[:, 1]
    s = f"{f:9s} {n:6d} {100*ok.mean():7.2f} {100*o[:,2].mean():8.2f}"
    for th in (0.5, 0.2):
        m = conf >= th
        s += f" | {m.sum():5d} {100*ok[m].mean() if m.sum() else float('nan'):6.1f}"
    idx = np.argsort(-conf)[:100]
    s += f" | {100*ok[idx].mean():5.1f}"
    print(s)
print('by number of mates in salt groups (context pairs used):')
for f in ('first', 'last', 'dob', 'pc', 'identity'):
    if f not in out or not out[f]: continue
    o = np.array(out[f], dtype=float)
    s = f"  {f:9s}"
    for lo, hi in ((0, 0), (1, 1), (2, 3), (4, 99)):
        m = (o[:, 3] >= lo) & (o[:, 3] <= hi)
        s += f" | ctx {lo}-{hi}: n {m.sum():5d} reid {100*o[m,0].mean():5.2f}% chance {100*o[m,2].mean():5.2f}%"
    print(s)
# the single most probable register person's values (no marginalising, no prior fallback)
s = 'MAP person:'
for f in FIELDS:
    ok = n = 0
    for a, rid in enumerate(ids):
        t = val(A[rid], f)
        if t is None: continue
        n += 1; ok += val(R[res[a]['top'][0]], f) == t
    s += f" {f} {100*ok/n:.2f}%"
print(s)
