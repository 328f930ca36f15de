exec(open('unbal.py').read())
import collections, itertools
unbalance('first_name',0); unbalance('last_name',1)
def bg(s): s='^'+s+'$'; return set(s[i:i+2] for i in range(len(s)-1))
def pdice(a,b): A,B=bg(a),bg(b); return 2*len(A&B)/(len(A)+len(B))
def fdice(a,b): return 2*(a*b).sum()/(a.sum()+b.sum())
# store: DOB classes with >=2 store persons; one representative record per person
cls = collections.defaultdict(dict)
for x in R:
    if not x['miss'][2]: cls[x['dob']].setdefault(x['person'], x)
pairs = []
for d, ps in cls.items():
    if len(ps) == 2:
        a, b = ps.values()
        pairs.append((fdice(a['first_name_orig'], b['first_name_orig']), fdice(a['last_name_orig'], b['last_name_orig']), a, b))
xs = [(pdice(a['T_first'], b['T_first']), f) for f,l,a,b in pairs]; ys=[(pdice(a['T_sur'], b['T_sur']), l) for f,l,a,b in pairs]
print('store dob-pairs', len(pairs), 'corr first plain-vs-filter dice', np.corrcoef(np.array(xs).T)[0,1], 'last', np.corrcoef(np.array(ys).T)[0,1])
# calibrate linear map plain->filter dice (attacker could do this from the spec; here fit on data for an upper bound)
for f,l,a,b in sorted(pairs, key=lambda p:-p[0]-p[1])[:8]: print(round(f,2), round(l,2), a['T_first'], b['T_first'], a['T_sur'], b['T_sur'])
# register pairs
rg = collections.defaultdict(list)
for r in reg: rg[r['date_of_birth']].append(r)
rp = [(g[0], g[1]) for g in rg.values() if len(g)==2]
cf = np.polyfit([p for p,_ in xs],[f for _,f in xs],1); cl = np.polyfit([p for p,_ in ys],[f for _,f in ys],1)
def pred(r1, r2): return (np.polyval(cf, pdice(r1['first_name'], r2['first_name'])), np.polyval(cl, pdice(r1['surname'], r2['surname'])))
# match each store pair to nearest register pair signature (orientation-free); confident if distance small and signature atypical
right = conf = confok = 0; out=[]
for f,l,a,b in pairs:
    best = min(rp, key=lambda q: (pred(*q)[0]-f)**2 + (pred(*q)[1]-l)**2)
    d = (pred(*best)[0]-f)**2 + (pred(*best)[1]-l)**2
    names = {(best[0]['first_name'],best[0]['surname']),(best[1]['first_name'],best[1]['surname'])}
    ok = (a['T_first'],a['T_sur']) in names and (b['T_first'],b['T_sur']) in names
    right += ok
    atyp = max(f,l) > 0.5
    if atyp: conf += 1; confok += ok
print(f'dob-pair signature matching: {right}/{len(pairs)} pairs right (both identities); atypical-signature pairs {conf}, right {confok}; register pairs {len(rp)}')
