exec(open('unbal.py').read())
import collections
unbalance('first_name',0); unbalance('last_name',1)
byrec = {x['rec']: x for x in R}
def dice(a,b): return 2*(a*b).sum()/(a.sum()+b.sum())
ev = collections.Counter(); flagged = {}
truth_ev = collections.defaultdict(set)
for r in csv.DictReader(open(DATA+'/events.csv')): truth_ev[r['pid']].add(r['event'])
for l in LINKS:
    a, b = byrec[l['a']], byrec[l['b']]
    if a['miss'][0] or b['miss'][0] or a['dob'] != b['dob']: ev['nodob-or-dobdiff'] += 1; continue
    fe = a['first_name'] == b['first_name']; le = a['last_name'] == b['last_name']; pe = a['pc'] == b['pc']
    ld = dice(a['last_name_orig'], b['last_name_orig'])
    key = (fe, le, pe, 'ld<0.5' if ld < 0.5 else 'ld>=0.5' if not le else '')
    ev[key] += 1
    if fe and not le and ld < 0.5:
        for x in (a, b): flagged[x['person']] = (l['m'], x)
print(ev)
# truth of flagged persons
tp = collections.Counter()
for p, (m, x) in flagged.items(): tp[(x['T_sex'], 'surname' in truth_ev[x['T_pid']])] += 1
print('flagged persons (sex, true surname change):', tp, 'true surname-change persons in store:', len({x['T_pid'] for x in R if 'surname' in truth_ev[x['T_pid']]}))
fem = collections.Counter(r['first_name'] for r in reg if r['sex']=='F'); fmode, fn = fem.most_common(1)[0]
allm = collections.Counter(r['first_name'] for r in reg).most_common(1)[0][0]
recs = [x for x in R if x['person'] in flagged]
ok = sum(1 for x in recs if x['T_first'] == fmode); okg = sum(1 for x in recs if x['T_first'] == allm)
print(f'surname-change->female->first={fmode}: {len(recs)} records, right {ok} ({ok/len(recs)*100:.1f}%), global mode {allm} would give {okg}; female share of register first names: {fn/sum(fem.values())*100:.1f}%')
# moves: links where pc differs but names & dob same
mv = {}
for l in LINKS:
    a, b = byrec[l['a']], byrec[l['b']]
    if a['first_name']==b['first_name'] and a['dob']==b['dob'] and not a['miss'][0] and a['pc']!=b['pc']:
        for x in (a,b): mv[x['person']] = x
print('persons with pc-disagreeing links (move detected):', len(mv), 'of which truly moved', sum(1 for x in mv.values() if 'move' in truth_ev[x['T_pid']]), 'true movers in store', len({x['T_pid'] for x in R if 'move' in truth_ev[x['T_pid']]}))
# history merges/splits
for h in c.execute('select month,event,person,other,probability from history where event!="end"'):
    rs = [x for x in R if x['person'] in (h[2], h[3])]
    print(h, [(x['ag'], x['T_pid'], x['T_first'], x['T_sur'], sorted(truth_ev[x['T_pid']])) for x in rs])
# records table arrived/changed
print(collections.Counter((x['arrived'], x['changed']) for x in R))
