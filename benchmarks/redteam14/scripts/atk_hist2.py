exec(open('unbal.py').read())
import collections
unbalance('first_name',0); unbalance('last_name',1)
byrec = {x['rec']: x for x in R}
truth_ev = collections.defaultdict(set)
for r in csv.DictReader(open(DATA+'/events.csv')): truth_ev[r['pid']].add(r['event'])
def dice(a,b): return 2*(a*b).sum()/(a.sum()+b.sum())
sc = {}; mv = {}
for l in LINKS:
    a, b = byrec[l['a']], byrec[l['b']]
    if a['miss'][0] or b['miss'][0] or a['dob'] != b['dob']: continue
    changed = (a['changed'] != a['arrived']) or (b['changed'] != b['arrived'])
    if a['first_name'] == b['first_name'] and a['last_name'] != b['last_name'] and changed and l['m'] == 0:
        for x in (a, b): sc[x['person']] = x
    if a['first_name'] == b['first_name'] and a['pc'] != b['pc']:
        for x in (a, b): mv[x['person']] = x
def rep(name, d, ev):
    tp = sum(1 for x in d.values() if ev in truth_ev[x['T_pid']]); tot = len({x['T_pid'] for x in R if ev in truth_ev[x['T_pid']]})
    print(f'{name}: flagged {len(d)} persons, {tp} truly had event ({tp/max(1,len(d))*100:.0f}% precision), recall {tp}/{tot}')
rep('surname change (kept link m=0, last_name differs, a record changed)', sc, 'surname')
rep('move (link, pc differs)', mv, 'move')
recs = [x for x in R if x['person'] in sc]
fem = collections.Counter(r['first_name'] for r in reg if r['sex']=='F'); fmode = fem.most_common(1)[0][0]
allm = collections.Counter(r['first_name'] for r in reg).most_common(1)[0][0]
print('sex=F among flagged records:', sum(x['T_sex']=='F' for x in recs), '/', len(recs), ' baseline F share of store:', round(sum(x['T_sex']=='F' for x in R)/len(R)*100,1))
print(f'first name guess {fmode}: right {sum(x["T_first"]==fmode for x in recs)}/{len(recs)}; {allm} would give {sum(x["T_first"]==allm for x in recs)}')
# female names top-5 share
top5 = [n for n,_ in fem.most_common(5)]
print('female top-5 share among flagged', sum(x['T_first'] in top5 for x in recs)/len(recs))
