exec(open('unbal.py').read())
import collections
for x in R: x['T_ini'] = x['T_first'][:1]
regp = [dict(first=r['first_name'], sur=r['surname'], yob=r['date_of_birth'][:4], dob=r['date_of_birth'], pc=r['postcode'], ini=r['first_name'][:1], sex=r['sex']) for r in reg]
TG = ['first','sur','yob','ini']
gm = {t: collections.Counter(r[t] for r in regp).most_common(1)[0][0] for t in TG}
chance = {t: sum(x['T_'+t]==gm[t] for x in R)/len(R) for t in TG}
N = len(R); nodob = {x['rec'] for x in R if x['miss'][2]}
print('N', N, 'chance (global register mode, share of stored records):', {t: f'{gm[t]} {chance[t]*100:.1f}%' for t in TG})
REL = {'first_name': lambda r:(r['first'],r['dob']), 'dob': lambda r:r['dob'], 'pc': lambda r:(r['pc'],r['ini']), 'fnpc': lambda r:(r['first'],r['sur'],r['pc'])}
def score(name, persons, guess):  # guess: t -> value
    recs = [x for x in R if x['person'] in persons]
    for t, v in guess.items():
        ok = sum(x['T_'+t]==v for x in recs)
        print(f'{name:45s} {t:5s} recs={len(recs):4d} (noDOB {sum(x["rec"] in nodob for x in recs):3d}) right={ok:4d} = {ok/N*100:5.2f}% of store; precision {ok/max(1,len(recs))*100:5.1f}% vs chance {chance[t]*100:4.1f}% (guess {v})')
for col, rel in REL.items():
    rg = collections.defaultdict(list)
    for r in regp: rg[rel(r)].append(r)
    mem = [r for g in rg.values() if len(g)>=2 for r in g]
    cls = collections.defaultdict(set)
    for x in R:
        if x[col].strip(b'\0'): cls[x[col]].add(x['person'])
    ps = set(p for s in cls.values() if len(s)>=2 for p in s)
    if not mem: continue
    g = {t: collections.Counter(r[t] for r in mem).most_common(1)[0][0] for t in TG}
    score(f'coincidence[{col}] (reg groups={sum(1 for g_ in rg.values() if len(g_)>=2)})', ps, g)
# surname change -> sex F -> female register mode
byrec = {x['rec']: x for x in R}
sc = set()
for l in LINKS:
    a, b = byrec[l['a']], byrec[l['b']]
    if a['miss'][0] or b['miss'][0] or a['dob'] != b['dob']: continue
    if a['first_name']==b['first_name'] and a['last_name']!=b['last_name'] and l['m']==0 and ((a['changed']!=a['arrived']) or (b['changed']!=b['arrived'])):
        sc |= {a['person'], b['person']}
fr = [r for r in regp if r['sex']=='F']
g = {t: collections.Counter(r[t] for r in fr).most_common(1)[0][0] for t in TG}
score('history: surname change -> female', sc, g)
recs=[x for x in R if x['person'] in sc]; print('   sex F precision', sum(x['T_sex']=='F' for x in recs), '/', len(recs), 'vs store F share', round(sum(x['T_sex']=='F' for x in R)/N*100,1))
