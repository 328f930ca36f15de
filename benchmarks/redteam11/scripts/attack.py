"""Group-context likelihood attack (new): every record's file-visible relations to the
records that share its date-of-birth class (names under one salt, sex equality, postcode
equality via postcode_by_date_of_birth) and its (postcode, initial) class (names under one
salt, date equality), plus within-record first/surname overlaps (key_with) in both views,
padding-length buckets and missingness, scored against every register person's same
relations computed from plaintext. Posterior over register persons -> per-field guesses.
usage: attack.py ENCODED.parquet REGISTER.csv OUT.pkl [--truth agency_a.csv]"""
import os
import sys, pickle, time, numpy as np
from collections import Counter, defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_csv, bigrams
from features import file_features

enc, regpath, outp = sys.argv[1:4]
RHO = 0.7
T = pickle.load(open('simtab512.pkl', 'rb'))
t0 = time.time()
F = file_features(enc)
N = len(F['ids'])
R = load_csv(regpath); NR = len(R)
print('loaded', N, NR, round(time.time() - t0, 1), flush=True)

def ntok(v): return 16 if len(bigrams(v)) <= 16 else 32
# ---------- state coding ----------
STATES = {('miss',): 0, ('eq',): 1}
for Na in (16, 32):
    for Nb in (16, 32):
        for s in range(0, min(Na, Nb, 24) + 1):
            STATES[(Na, Nb, s)] = len(STATES)
NST = len(STATES)
def reg_state(x, y):
    if x is None or y is None: return 0
    if x == y: return 1
    s = len(bigrams(x) & bigrams(y)); Na, Nb = ntok(x), ntok(y)
    return STATES[(Na, Nb, min(s, Na, Nb, 24))]
OMISS, OEQ = 514, 513
def llr_table(state_sample):
    """state_sample: register states of this channel (null population). Returns (515, NST)."""
    st = np.asarray(state_sample); st = st[st > 0]
    p0eq = (st == 1).mean()
    cnt = Counter(st[st > 1].tolist()); tot = sum(cnt.values())
    P = np.zeros((NST, 513))
    for key, i in STATES.items():
        if len(key) == 3: P[i] = np.exp(T[key])
    null = sum(c * P[i] for i, c in cnt.items()) / tot
    L = np.zeros((515, NST))
    for key, i in STATES.items():
        if len(key) == 3:
            L[:513, i] = np.log(0.998 * P[i]) - np.log((1 - p0eq) * null)
            L[OEQ, i] = np.log(0.002 / max(p0eq, 1e-4))
    # reg equal but file differs: a recording error, overlap like a near-equal pair
    near = P[STATES[(16, 16, 12)]]
    L[:513, 1] = np.log(0.1 * near) - np.log((1 - p0eq) * null)
    L[OEQ, 1] = np.log(0.9 / max(p0eq, 1e-4))
    L[:, 0] = 0; L[OMISS, :] = 0
    return np.clip(L, -20, 20)
def bin_table(reg_obs, same_same=0.97, same_diff=0.01):
    o = np.asarray(reg_obs); o = o[o < 2]; p0 = o.mean()
    L = np.zeros((3, 3))
    L[1, 1] = np.log(same_same / p0); L[0, 1] = np.log((1 - same_same) / (1 - p0))
    L[1, 0] = np.log(same_diff / p0); L[0, 0] = np.log((1 - same_diff) / (1 - p0))
    return L

# ---------- file observations ----------
U = F['U']; raw = F['raw']; valid = F['valid']
def obs(fx, fy, a, b):
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

# ---------- register relations ----------
rv = [(r['first'], r['last'], r['middle']) for r in R]
rgroups = {'dob': defaultdict(list), 'pc': defaultdict(list)}
for i, r in enumerate(R):
    if r['dob']: rgroups['dob'][r['dob']].append(i)
    if r['pc'] and r['first']: rgroups['pc'][(r['pc'], r['first'][0])].append(i)
RP = {}
for g in ('dob', 'pc'):
    P, Q = [], []
    for mem in rgroups[g].values():
        for p in mem:
            for q in mem:
                if p != q: P.append(p); Q.append(q)
    P = np.array(P); Q = np.array(Q)
    d = {'P': P, 'Q': Q, 'cnt': np.bincount(P, minlength=NR)}
    for c, i, j in CH:
        d[c] = np.array([reg_state(rv[p][i], rv[q][j]) for p, q in zip(P, Q)], dtype=np.int16)
        d['L' + c] = llr_table(d[c])
    if g == 'dob':
        d['sex'] = np.array([2 if not (R[p]['sex'] and R[q]['sex']) else int(R[p]['sex'] == R[q]['sex']) for p, q in zip(P, Q)], dtype=np.int8)
        d['pcs'] = np.array([2 if not (R[p]['pc'] and R[q]['pc']) else int(R[p]['pc'] == R[q]['pc']) for p, q in zip(P, Q)], dtype=np.int8)
        d['Lsex'] = bin_table(d['sex'], 0.97, 0.02); d['Lpcs'] = bin_table(d['pcs'], 0.9, 0.002)
    else:
        d['dobs'] = np.array([2 if not (R[p]['dob'] and R[q]['dob']) else int(R[p]['dob'] == R[q]['dob']) for p, q in zip(P, Q)], dtype=np.int8)
        d['Ldobs'] = bin_table(d['dobs'], 0.9, 0.002)
    RP[g] = d
    print('register pairs', g, len(P), round(time.time() - t0, 1), flush=True)

# ---------- unary ----------
ust = np.array([reg_state(f, l) for f, l, m in rv], dtype=np.int16)
Lfl = llr_table(ust)
def bucket(x): return None if x is None else ntok(x)
def pres_table(reg, fil_rate, p_given):
    """reg: bool array register present; P(file present | reg present/absent)=p_given."""
    L = np.zeros((2, 2))  # [file obs, reg state]
    a, b = p_given
    L[1, 1], L[1, 0] = np.log(a / fil_rate), np.log(b / fil_rate)
    L[0, 1], L[0, 0] = np.log((1 - a) / (1 - fil_rate)), np.log((1 - b) / (1 - fil_rate))
    return L
reg_mid = np.array([m is not None for f, l, m in rv]); reg_ni = np.array([r['ni'] is not None for r in R])
file_mid_rate = valid['middle_name'].mean(); file_ni_rate = valid['ni_number'].mean()
Lmid = pres_table(reg_mid, file_mid_rate, (0.7, 0.15)); Lni = pres_table(reg_ni, file_ni_rate, (0.75, 0.3))
reg_len = {k: np.array([0 if v[i] is None else (1 if ntok(v[i]) == 32 else 0) for v in rv]) for i, k in enumerate(('first', 'last', 'middle'))}
Llen = np.log(np.array([[0.999, 0.05], [0.001, 0.95]]))  # [file long, reg long]
fpop = {k: U[f][0].sum(1) for k, f in (('first', 'first_name'), ('last', 'last_name'), ('middle', 'middle_name'))}

# ---------- per record ----------
dob_members = defaultdict(list); pc_members = defaultdict(list)
for a in range(N):
    if dobcls[a]: dob_members[dobcls[a]].append(a)
    if pccls[a]: pc_members[pccls[a]].append(a)
LOG1R = np.log(1 - RHO)
res = {}
for a in range(N):
    sc = np.zeros(NR)
    for view in ('dob', 'pc'):
        fv, lv, mv = VIEWS[view]
        o = obs(fv, lv, a, a)
        sc += Lfl[o][ust]
    sc += Lmid[int(valid['middle_name'][a])][reg_mid.astype(int)]
    sc += Lni[int(valid['ni_number'][a])][reg_ni.astype(int)]
    for k, f in (('first', 'first_name'), ('last', 'last_name'), ('middle', 'middle_name')):
        if valid[f][a]:
            sc += Llen[int(fpop[k][a] > 130)][reg_len[k]]
    nctx = 0
    for g, cls, mem in (('dob', dobcls, dob_members), ('pc', pccls, pc_members)):
        if not cls[a]: continue
        mates = [b for b in mem[cls[a]] if b != a]
        if not mates: continue
        d = RP[g]; vw = VIEWS[g]
        for b in mates[:12]:
            v = np.zeros(len(d['P']))
            for c, i, j in CH:
                v += d['L' + c][obs(vw[i], vw[j], a, b)][d[c]]
            if g == 'dob':
                v += d['Lsex'][bobs('sex', a, b)][d['sex']]
                v += d['Lpcs'][bobs('postcode_by_date_of_birth', a, b)][d['pcs']]
            else:
                v += d['Ldobs'][2 if not (dobcls[a] and dobcls[b]) else int(dobcls[a] == dobcls[b])][d['dobs']]
            s = np.bincount(d['P'], weights=np.exp(np.minimum(v, 40)), minlength=NR)
            cnt = d['cnt']
            mean = np.where(cnt > 0, s / np.maximum(cnt, 1), 0.0)
            sc += np.log((1 - RHO) + RHO * mean)
            nctx += 1
    # posterior over register persons (+ 'not in register' with score 0)
    m = max(sc.max(), 0.0)
    w = np.exp(sc - m) * RHO / NR
    wnull = (1 - RHO) * np.exp(-m)
    top = np.argsort(-w)[:200]
    res[a] = dict(top=top, w=w[top], wsum=w.sum(), wnull=wnull, nctx=nctx)
    if a % 2000 == 0: print(a, round(time.time() - t0, 1), flush=True)
pickle.dump(dict(res=res, ids=F['ids']), open(outp, 'wb'))
print('done', round(time.time() - t0, 1))
