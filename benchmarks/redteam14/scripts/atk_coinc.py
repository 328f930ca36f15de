exec(open('load.py').read())
import collections
regp = [dict(first=r['first_name'], sur=r['surname'], yob=r['date_of_birth'][:4], dob=r['date_of_birth'], pc=r['postcode'], ini=r['first_name'][:1], id=r['id']) for r in reg]
REL = {'first_name': lambda r:(r['first'],r['dob']), 'last_name': lambda r:(r['sur'],r['dob']), 'dob': lambda r:r['dob'],
       'pc': lambda r:(r['pc'],r['ini']), 'pcdob': lambda r:(r['pc'],r['dob']), 'fnpc': lambda r:(r['first'],r['sur'],r['pc'])}
TG = ['first','sur','yob']
gmode = {t: collections.Counter(r[t] for r in regp).most_common(1)[0][0] for t in TG}
guesses = collections.defaultdict(dict)  # person -> target -> (value, conf, n_candidates, source)
for col, rel in REL.items():
    rg = collections.defaultdict(list)
    for r in regp: rg[rel(r)].append(r)
    cand = [g for g in rg.values() if len(g) >= 2]
    members = [r for g in cand for r in g]
    cls = collections.defaultdict(set)
    for x in R:
        if x[col].strip(b'\0'): cls[x[col]].add(x['person'])
    multi = [ps for ps in cls.values() if len(ps) >= 2]
    print(f'{col}: store classes with >=2 store persons: {len(multi)} ({sum(len(p) for p in multi)} persons); register groups >=2: {len(cand)} ({len(members)} people)')
    if not members: continue
    for t in TG:
        cnt = collections.Counter(r[t] for r in members)
        v, n = cnt.most_common(1)[0]; conf = n/len(members)
        for ps in multi:
            for p in ps:
                old = guesses[p].get(t)
                if old is None or conf > old[1]: guesses[p][t] = (v, conf, len(cand), col)
# score: each guess propagates to every record of the store person (cluster)
for t in TG:
    tot = len(R); g = [x for x in R if t in guesses[x['person']]]
    ok = [x for x in g if guesses[x['person']][t][0] == x['T_'+t]]
    ch = sum(1 for x in g if x['T_'+t] == gmode[t])
    conf = [x for x in g if guesses[x['person']][t][1] >= 0.3]
    okc = sum(1 for x in conf if guesses[x['person']][t][0] == x['T_'+t])
    print(f'coincidence {t}: guessed {len(g)} recs, right {len(ok)} = {len(ok)/tot*100:.2f}% of store; precision {len(ok)/max(1,len(g))*100:.1f}% vs global-mode on same records {ch/max(1,len(g))*100:.1f}%; conf>=0.3: n={len(conf)} prec={okc/max(1,len(conf))*100:.1f}%')
    bysrc = collections.defaultdict(lambda:[0,0,0])
    for x in g:
        s = guesses[x['person']][t]; bysrc[s[3]][0]+=1; bysrc[s[3]][1]+= s[0]==x['T_'+t]; bysrc[s[3]][2]+= x['T_'+t]==gmode[t]
    print('   by source col [n, right, right-if-global-mode]:', dict(bysrc), {k:guesses_v for k,guesses_v in []})
