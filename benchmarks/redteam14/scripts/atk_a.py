exec(open('load.py').read())
import collections
cols = ['first_name','last_name','dob','pc','pcdob','fnpc','bk_dob','bk_pci']
tg = {'first': lambda r: r['first_name'], 'sur': lambda r: r['surname'], 'yob': lambda r: r['date_of_birth'][:4]}
regfreq = {t: collections.Counter(f(r) for r in reg) for t,f in tg.items()}
chance = {t: regfreq[t].most_common(1)[0][1]/len(reg) for t in tg}
# chance as share of stored records carrying the register's most frequent value
chance_rec = {t: sum(1 for x in R if x['T_'+t]==regfreq[t].most_common(1)[0][0])/len(R) for t in tg}
print('chance (register share / stored-record share):', {t:(round(chance[t]*100,1), round(chance_rec[t]*100,1)) for t in tg})
ZERO = bytes(8)
def stats(col):
    vals = [x[col] for x in R if x[col].strip(b'\0')]
    cnt = collections.Counter(vals)
    sizes = collections.Counter(cnt.values())
    # distinct persons per class
    pers = collections.defaultdict(set)
    for x in R:
        if x[col].strip(b'\0'): pers[x[col]].add(x['T_pid'])
    multi = sum(1 for v in pers.values() if len(v)>1)
    return len(vals), len(cnt), sorted(sizes.items())[:8], max(cnt.values()), multi
for col in cols: print(col, stats(col))
def align(sub, col, t, label):
    vals = [x for x in sub if x[col].strip(b'\0')]
    cnt = collections.Counter(x[col] for x in vals)
    ranked = [v for v,_ in cnt.most_common()]
    regr = [v for v,_ in regfreq[t].most_common()]
    guess = {v: regr[i] for i,v in enumerate(ranked) if i < len(regr)}
    ok = sum(1 for x in vals if guess.get(x[col]) == x['T_'+t])
    # confident: classes among top-10 by size with size>=5
    conf = [x for x in vals if x[col] in ranked[:10] and cnt[x[col]]>=5]
    okc = sum(1 for x in conf if guess.get(x[col]) == x['T_'+t])
    return ok/len(sub), len(conf), (okc/len(conf) if conf else float('nan'))
for col in cols:
    for t in tg:
        for scope in ['pooled','benefits','housing','counciltax','person-dedup']:
            if scope=='pooled': sub=R
            elif scope=='person-dedup':
                seen=set(); sub=[]
                for x in R:
                    if x['person'] not in seen and x[col].strip(b'\0'): seen.add(x['person']); sub.append(x)
            else: sub=[x for x in R if x['ag']==scope]
            a,nc,pc_ = align(sub,col,t,scope)
            if scope in ('pooled','person-dedup') or a>0.02: print(f'A freq-align {col:10s} {t:5s} {scope:12s} reid={a*100:5.2f}% confident n={nc} prec={pc_}')
