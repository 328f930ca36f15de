import sqlite3, csv, collections, numpy as np
import os; DB=os.environ.get('DB','people.db'); DATA=os.environ.get('DATA','data')
c = sqlite3.connect(DB)
recs = c.execute('select r.rec, r.agency, r.id, r.person, r.arrived, r.changed, e.data from records r join encodings e using(rec)').fetchall()
F = [('first_name',0,128),('last_name',128,256),('dob',256,264),('pc',264,272),('pcdob',272,280),('fnpc',280,288)]
R = []
for rec, ag, rid, person, arr, chg, d in recs:
    x = dict(rec=rec, ag=ag, id=rid, person=person, arrived=arr, changed=chg)
    for n,a,b in F: x[n] = d[a:b]
    x['miss'] = d[288:294]; x['bk_dob'] = d[294:302]; x['bk_pci'] = d[302:310]
    R.append(x)
# ground truth (for scoring only)
ppl = {r['pid']: r for r in csv.DictReader(open(DATA+'/truth_people.csv'))}
plain = {}
for a in ['benefits','housing','counciltax']:
    t = {r['id']: r['pid'] for r in csv.DictReader(open(f'{DATA}/m3_{a}_truth.csv'))}
    for r in csv.DictReader(open(f'{DATA}/m3_{a}.csv')):
        plain[(a, r['id'])] = dict(r, pid=t[r['id']])
reg = list(csv.DictReader(open(DATA+'/register.csv')))
for x in R:
    p = plain[(x['ag'], x['id'])]
    x['T_first'] = p['first_name']; x['T_sur'] = p['surname']; x['T_yob'] = p['date_of_birth'][:4] if p['date_of_birth'] else ''
    x['T_pid'] = p['pid']; x['T_sex'] = p['sex']
    x['T_true_first'] = ppl[p['pid']]['first']; x['T_true_sur']=ppl[p['pid']]['sur']; x['T_true_yob']=ppl[p['pid']]['dob'][:4]
_d = c.execute('select data from links').fetchone()[0]
LINKS = np.frombuffer(_d, dtype=np.dtype([('a','<i8'),('b','<i8'),('p','<f8'),('m','<i4')]))
