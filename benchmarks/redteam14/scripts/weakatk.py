import sqlite3, csv, collections
c = sqlite3.connect('weak/people.db')
rows = c.execute('select r.agency, r.id, r.person, e.data from records r join encodings e using(rec)').fetchall()
plain = {}
for a in ['benefits','housing','counciltax']:
    for r in csv.DictReader(open(f'data2/m3_{a}.csv')): plain[(a, r['id'])] = r
reg = list(csv.DictReader(open('data2/register.csv')))
N = len(rows)
for fld, sl, tcol in [('first_name', slice(0,64), 'first_name'), ('last_name', slice(64,128), 'surname')]:
    regr = [v for v,_ in collections.Counter(r[tcol] for r in reg).most_common()]
    chance = sum(plain[(a,i)][tcol]==regr[0] for a,i,p,d in rows)/N
    for scope in ['pooled','person-dedup']:
        sub = rows if scope=='pooled' else list({p:(a,i,p,d) for a,i,p,d in rows}.values())
        cnt = collections.Counter(d[sl] for a,i,p,d in sub if any(d[sl]))
        g = {v: regr[k] for k,(v,_) in enumerate(cnt.most_common()) if k < len(regr)}
        ok = sum(g.get(d[sl]) == plain[(a,i)][tcol] for a,i,p,d in rows)
        top = [v for v,_ in cnt.most_common(10)]
        conf = [(a,i,d) for a,i,p,d in rows if d[sl] in top]
        okc = sum(g[d[sl]] == plain[(a,i)][tcol] for a,i,d in conf)
        print(f'WEAK control freq-align {fld} {scope}: re-identified {ok/N*100:.1f}% of store (chance {chance*100:.1f}%), top-10 classes: n={len(conf)} precision {okc/len(conf)*100:.1f}%')
