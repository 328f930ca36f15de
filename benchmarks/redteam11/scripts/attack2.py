"""Group-coupled version of attack.py: file salt groups (date-of-birth classes and
(postcode, initial) classes) are matched as wholes to register groups. For record a and register
person p (register group C = C(p)):
  score(a,p) = U(a,p)
             + sum_g sum_{b in G_g(a)} log((1-rho) + rho * mean_{q in C\p} exp(V(a,b;p,q) + U(b,q)))
             + sum_g S_{-a}(G_g(a), C_g(p))
where U is the within-record evidence (first/surname overlap in both views, padding/length
buckets from popcounts, missingness), V the pair evidence (names under one salt, sex, postcode or
date equality), and S_{-a} the evidence of the other members' pairs that C is their group.
Token counts: with pad P, a value has P or 2P tokens; without pad, its distinct bigrams.
usage: attack2.py ENCODED REGISTER OUT.pkl"""
import os
import sys, pickle, time, numpy as np
from collections import Counter, defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_csv, bigrams
from features import file_features

enc, regpath, outp = sys.argv[1:4]
RHO = 0.7
t0 = time.time()
F = file_features(enc)
N = len(F['ids'])
R = load_csv(regpath); NR = len(R)
fields = {f['name']: f for f in F['schema']['fields']}
PAD = fields['first_name'].get('pad')
M = fields['first_name']['filter_bits']; K = fields['first_name']['k']
print('loaded', N, NR, 'pad', PAD, 'm', M, 'k', K, round(time.time() - t0, 1), flush=True)
rng = np.random.default_rng(7)
_T = {}
def ntok(v):
    n = len(bigrams(v))
    if PAD: return PAD * -(-n // PAD)
    return min(n, 24)
def T(Na, Nb, s, trials=6000):
    key = (Na, Nb, s)
    if key not in _T:
        A = rng.integers(0, M, size=(trials, Na * K)); B = rng.integers(0, M, size=(trials, Nb * K))
        B[:, :s * K] = A[:, :s * K]
        fa = np.zeros((trials, M), bool); fb = np.zeros((trials, M), bool)
        np.put_along_axis(fa, A, True, 1); np.put_along_axis(fb, B, True, 1)
        H = np.bincount((fa & fb).sum(1), minlength=M + 1)[:M + 1] + 0.02
        _T[key] = H / H.sum()
    return _T[key]
_POP = {}
def POP(Na, trials=6000):
    if Na not in _POP:
        A = rng.integers(0, M, size=(trials, Na * K)); fa = np.zeros((trials, M), bool)
        np.put_along_axis(fa, A, True, 1)
        H = np.bincount(fa.sum(1), minlength=M + 1)[:M + 1] + 0.02
        _POP[Na] = H / H.sum()
    return _POP[Na]
STATES = {('miss',): 0, ('eq',): 1}
def reg_state(x, y):
    if x is None or y is None: return 0
    if x == y: return 1
    Na, Nb = ntok(x), ntok(y); s = min(len(bigrams(x) & bigrams(y)), Na, Nb)
    return STATES.setdefault((Na, Nb, s), len(STATES))
OMISS, OEQ = M + 2, M + 1
def llr_table(state_sample):
    st = np.asarray(state_sample); st = st[st > 0]
    p0eq = max((st == 1).mean(), 1e-4)
    cnt = Counter(st[st > 1].tolist()); tot = sum(cnt.values())
    inv = {i: k for k, i in STATES.items()}
    null = sum(c * T(*inv[i]) for i, c in cnt.items()) / tot
    L = np.zeros((M + 3, len(STATES)))
    for i, key in inv.items():
        if len(key) == 3:
            L[:M + 1, i] = np.log(0.998 * T(*key)) - np.log((1 - p0eq) * null)
            L[OEQ, i] = np.log(0.002 / p0eq)
    n16 = PAD or 10
    L[:M + 1, 1] = np.log(0.1 * T(n16, n16, max(n16 - 4, 1))) - np.log((1 - p0eq) * null)
    L[OEQ, 1] = np.log(0.9 / p0eq)
    L[:, 0] = 0; L[OMISS, :] = 0
    return np.clip(L, -20, 20)
def bin_table(reg_obs, same_same, same_diff):
    o = np.asarray(reg_obs); o = o[o < 2]; p0 = o.mean()
    L = np.zeros((3, 3))
    L[1, 1] = np.log(same_same / p0); L[0, 1] = np.log((1 - same_same) / (1 - p0))
    L[1, 0] = np.log(same_diff / p0); L[0, 0] = np.log((1 - same_diff) / (1 - p0))
    return L

U = F['U']; raw = F['raw']; valid = F['valid']
IDF = 'ni_number' if 'ni_number' in valid else 'nhs_number'
def obs(fx, fy, a, b):
    if fx not in valid or fy not in valid: return OMISS  # a view the file does not have
    if not (valid[fx][a] and valid[fy][b]): return OMISS
    if raw[fx][a].tobytes() == raw[fy][b].tobytes(): return OEQ
    return int((U[fx][0][a] & U[fy][0][b]).sum())
def bobs(f, a, b):
    if not (valid[f][a] and valid[f][b]): return 2
    return int(raw[f][a].tobytes() == raw[f][b].tobytes())
blk = F['block']
dobcls = blk['date_of_birth.value'].astype(np.int64); pccls = blk['postcode.value-first_name.first_char'].astype(np.int64)
VIEWS = {'dob': ('first_name', 'last_name', 'middle_name'),
         'pc': ('first_name_by_postcode', 'last_name_by_postcode', 'middle_name_by_postcode')}
CH = [('ff', 0, 0), ('ll', 1, 1), ('fl', 0, 1), ('lf', 1, 0), ('mm', 2, 2)]
import os
keyed_together = {'dob': fields.get('last_name', {}).get('key_with') == 'first_name',
                  'pc': fields.get('last_name_by_postcode', {}).get('key_with') == 'first_name_by_postcode'}
if os.environ.get('ABL_NOKEYWITH'): keyed_together = {'dob': False, 'pc': False}  # ablation
GROUPINGS = os.environ.get('ABL_GROUPS', 'dob,pc').split(',')  # ablation
NOSEX = bool(os.environ.get('ABL_NOSEXPC'))  # ablation: ignore sex and postcode/date equality

rv = [(r['first'], r['last'], r['middle']) for r in R]
rgroups = {'dob': defaultdict(list), 'pc': defaultdict(list)}
for i, r in enumerate(R):
    if r['dob']: rgroups['dob'][r['dob']].append(i)
    if r['pc'] and r['first']: rgroups['pc'][(r['pc'], r['first'][0])].append(i)
RP = {}
for g in ('dob', 'pc'):
    gid = np.full(NR, -1); P, Q, PG = [], [], []
    for j, mem in enumerate(rgroups[g].values()):
        for p in mem:
            gid[p] = j
            for q in mem:
                if p != q: P.append(p); Q.append(q); PG.append(j)
    P = np.array(P); Q = np.array(Q); PG = np.array(PG)
    ng = len(rgroups[g])
    d = {'P': P, 'Q': Q, 'PG': PG, 'gid': gid, 'ng': ng, 'cnt': np.bincount(P, minlength=NR),
         'gsize': np.bincount(gid[gid >= 0], minlength=ng), 'gpairs': np.bincount(PG, minlength=ng)}
    chans = CH if keyed_together[g] else [c for c in CH if c[0] in ('ff', 'll', 'mm')]
    d['chans'] = chans
    for c, i, j in chans:
        d[c] = np.array([reg_state(rv[p][i], rv[q][j]) for p, q in zip(P, Q)], dtype=np.int32)
    for c, i, j in chans:
        d['L' + c] = llr_table(d[c])
    if g == 'dob':
        d['sex'] = np.array([2 if not (R[p]['sex'] and R[q]['sex']) else int(R[p]['sex'] == R[q]['sex']) for p, q in zip(P, Q)], dtype=np.int8)
        d['pcs'] = np.array([2 if not (R[p]['pc'] and R[q]['pc']) else int(R[p]['pc'] == R[q]['pc']) for p, q in zip(P, Q)], dtype=np.int8)
        d['Lsex'] = bin_table(d['sex'], 0.97, 0.02); d['Lpcs'] = bin_table(d['pcs'], 0.9, 0.002)
    else:
        d['dobs'] = np.array([2 if not (R[p]['dob'] and R[q]['dob']) else int(R[p]['dob'] == R[q]['dob']) for p, q in zip(P, Q)], dtype=np.int8)
        d['Ldobs'] = bin_table(d['dobs'], 0.9, 0.002)
    RP[g] = d
    print('register pairs', g, len(P), 'states', len(STATES), round(time.time() - t0, 1), flush=True)

# unary
ust = np.array([reg_state(f, l) for f, l, m in rv], dtype=np.int32)
Lfl = llr_table(ust)
def pres_table(fil_rate, p_given):
    L = np.zeros((2, 2)); a, b = p_given
    L[1, 1], L[1, 0] = np.log(a / fil_rate), np.log(b / fil_rate)
    L[0, 1], L[0, 0] = np.log((1 - a) / (1 - fil_rate)), np.log((1 - b) / (1 - fil_rate))
    return L
reg_mid = np.array([m is not None for f, l, m in rv]).astype(int); reg_ni = np.array([r['ni'] is not None for r in R]).astype(int)
Lmid = pres_table(valid['middle_name'].mean(), (0.7, 0.15)); Lni = pres_table(valid[IDF].mean(), (0.75, 0.3))
# popcount channel per name field: P(popcount | token count of the register value) / null
LEN = {}
for k, f, i in (('first', 'first_name', 0), ('last', 'last_name', 1), ('middle', 'middle_name', 2)):
    nt = np.array([ntok(v[i]) if v[i] else 0 for v in rv]); vals = sorted(set(nt[nt > 0].tolist()))
    null = sum((nt == n).sum() * POP(n) for n in vals) / (nt > 0).sum()
    tab = np.zeros((M + 1, max(vals) + 1))
    for n in vals: tab[:, n] = np.clip(np.log(0.97 * POP(n) + 0.03 * null) - np.log(null), -20, 20)
    LEN[f] = (tab, nt, U[f][0].sum(1))
def unary(a):
    sc = np.zeros(NR)
    for view in ('dob', 'pc'):
        fv, lv, mv = VIEWS[view]
        if keyed_together[view]:
            sc += Lfl[obs(fv, lv, a, a)][ust]
    sc += Lmid[int(valid['middle_name'][a])][reg_mid]
    sc += Lni[int(valid[IDF][a])][reg_ni]
    for f in ('first_name', 'last_name', 'middle_name'):
        if valid[f][a]:
            tab, nt, pop = LEN[f]
            sc += np.where(nt > 0, tab[pop[a]][nt], 0.0)
    return sc
def pairV(g, a, b):
    d = RP[g]; vw = VIEWS[g]
    v = np.zeros(len(d['P']))
    for c, i, j in d['chans']:
        v += d['L' + c][obs(vw[i], vw[j], a, b)][d[c]]
    if NOSEX: return v
    if g == 'dob':  # (a channel whose column the file does not have is skipped)
        if 'sex' in raw:
            v += d['Lsex'][bobs('sex', a, b)][d['sex']]
        if 'postcode_by_date_of_birth' in raw:
            v += d['Lpcs'][bobs('postcode_by_date_of_birth', a, b)][d['pcs']]
    else:
        v += d['Ldobs'][2 if not (dobcls[a] and dobcls[b]) else int(dobcls[a] == dobcls[b])][d['dobs']]
    return v

members = {'dob': defaultdict(list), 'pc': defaultdict(list)}
for a in range(N):
    if dobcls[a]: members['dob'][dobcls[a]].append(a)
    if pccls[a]: members['pc'][pccls[a]].append(a)
def getU(a):
    return unary(a).astype(np.float32)  # recomputed (cheap) rather than cached: memory
LOG1R = np.log(1 - RHO)
nctx = np.zeros(N, int)
ITERS = int(sys.argv[4]) if len(sys.argv) > 4 else 2
ingroup = {g: set(a for G in members[g].values() if len(G) >= 2 for a in G[:12]) for g in ('dob', 'pc')}
both = ingroup['dob'] & ingroup['pc']
print('records in dob groups', len(ingroup['dob']), 'pc groups', len(ingroup['pc']), 'both', len(both), flush=True)
def run_pass(mate_score, keep_all):
    """ctx[g][a]: the evidence of a's group in grouping g, as a vector over register persons
    (kept for every record on the last pass, else only for records that carry messages)."""
    ctx = {'dob': {}, 'pc': {}}
    done = 0
    for g in GROUPINGS:
        d = RP[g]
        for G in members[g].values():
            if len(G) < 2: continue
            G = G[:12]; k = len(G)
            Ug = {b: mate_score(g, b) for b in G}
            V = {}
            for x in range(k):
                for y in range(k):
                    if x != y: V[(G[x], G[y])] = pairV(g, G[x], G[y])
            gp = {}
            for x in range(k):
                for y in range(x + 1, k):
                    b, c = G[x], G[y]
                    e = np.exp(np.minimum(V[(b, c)], 40))
                    gsum = np.bincount(d['PG'], weights=e, minlength=d['ng'])
                    gp[(b, c)] = np.log((1 - RHO * RHO) + RHO * RHO * gsum / np.maximum(d['gpairs'], 1))
            for a in G:
                sc = np.zeros(NR)
                for b in G:
                    if b == a: continue
                    w = np.exp(np.minimum(V[(a, b)] + Ug[b][d['Q']], 40))
                    s = np.bincount(d['P'], weights=w, minlength=NR)
                    sc += np.where(d['cnt'] > 0, np.log((1 - RHO) + RHO * s / np.maximum(d['cnt'], 1)), LOG1R)
                Sg = np.zeros(d['ng'])
                for (b, c), v in gp.items():
                    if a not in (b, c): Sg += v
                sc += np.where(d['gid'] >= 0, Sg[np.maximum(d['gid'], 0)], 0.0)
                if keep_all or a in both: ctx[g][a] = sc.astype(np.float32)
            done += 1
            if done % 1000 == 0: print(g, done, round(time.time() - t0, 1), flush=True)
    return ctx
ctx = run_pass(lambda g, b: getU(b), ITERS == 1)
for it in range(1, ITERS):
    other = {'dob': 'pc', 'pc': 'dob'}
    prev = ctx
    def ms(g, b, prev=prev):
        u = getU(b)
        c = prev[other[g]].get(b)
        if c is None: return u
        # a mate's evidence from its other salt group (a message, without this group's own term)
        return np.minimum(u + c, 60).astype(np.float32)
    ctx = run_pass(ms, it == ITERS - 1)
    del prev
    print('iteration', it + 1, 'done', round(time.time() - t0, 1), flush=True)
score = {}
for g in ('dob', 'pc'):
    for a, c in ctx[g].items():
        score[a] = score.get(a, getU(a).astype(np.float64)) + c
for g in GROUPINGS:
    for G in members[g].values():
        if len(G) >= 2:
            for a in G[:12]: nctx[a] += min(len(G), 12) - 1
res = {}
for a in range(N):
    sc = getU(a).astype(np.float64)
    for g in GROUPINGS:
        c = ctx[g].pop(a, None)
        if c is not None: sc += c
    m = max(sc.max(), 0.0)
    w = np.exp(sc - m) * RHO / NR
    top = np.argsort(-w)[:200]
    res[a] = dict(top=top, w=w[top], wsum=w.sum(), wnull=(1 - RHO) * np.exp(-m), nctx=int(nctx[a]))
pickle.dump(dict(res=res, ids=F['ids']), open(outp, 'wb'))
print('done', round(time.time() - t0, 1))
