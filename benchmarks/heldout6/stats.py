"""Diagnostics (not part of the deliverable's outputs): population shape and realised error rates."""
import collections, sys, io, contextlib
import generator as G

n, seed = int(sys.argv[1]), int(sys.argv[2])
with contextlib.redirect_stdout(io.StringIO()):
    pop, in_a, in_b, reg = G.generate("/tmp/h6stats", n, seed)
study = [p for p in pop.people if p["study"]]
ages = collections.Counter(min(G.age_of(p["dob"]) // 10, 9) for p in study)
print("age bands (study):", {f"{k*10}-{k*10+9}": f"{v/len(study):.1%}" for k, v in sorted(ages.items())})
print("female:", f"{sum(p['sex']=='F' for p in study)/len(study):.1%}")
grp = collections.Counter(p["group"] for p in study)
print("groups (people):", {k: f"{v/len(study):.1%}" for k, v in grp.most_common()})
print("middle name:", f"{sum(bool(p['middles']) for p in study)/len(study):.1%}")
print("twins:", sum(1 for p in study if 'twin_of' in p), "namesake heads:", sum(1 for p in study if 'namesake_of' in p))
print("households (study):", len({p['hh'] for p in study}), "mean size", f"{len(study)/len({p['hh'] for p in study}):.2f}")
print("top surnames:", collections.Counter(p['surname'] for p in study).most_common(12))
print("top first:", collections.Counter(p['first'] for p in study).most_common(12))
# collisions: same first+surname+dob among different study people
k = collections.Counter((p['first'], p['surname'], p['dob']) for p in study)
print("people sharing first+surname+dob with another:", sum(v for v in k.values() if v > 1))
k2 = collections.Counter((p['first'], p['surname']) for p in study)
print("people sharing first+surname with another:", sum(v for v in k2.values() if v > 1))
import csv
A = {r['id']: r for r in csv.DictReader(open('/tmp/h6stats/agency_a.csv', encoding='utf-8'))}
B = {r['id']: r for r in csv.DictReader(open('/tmp/h6stats/agency_b.csv', encoding='utf-8'))}
T = list(csv.DictReader(open('/tmp/h6stats/truth.csv')))
fold = lambda s: G.ascii_fold(s).upper()
agree = collections.Counter()
for t in T:
    a, b = A[t['id_a']], B[t['id_b']]
    agree['first'] += fold(a['forename']) == b['FORENAME']
    agree['surname'] += fold(a['surname']) == b['SURNAME']
    da = a['date_of_birth']; db = b['DOB']
    agree['dob'] += bool(da) and bool(db) and da[6:]+da[3:5]+da[:2] == db
    agree['dob_missing_either'] += (not da) or (not db)
    agree['postcode'] += a['postcode'].replace(' ', '').upper() == b['POSTCODE'] and b['POSTCODE'] != ''
    agree['all4'] += (fold(a['forename']) == b['FORENAME'] and fold(a['surname']) == b['SURNAME'] and bool(da) and da[6:]+da[3:5]+da[:2] == db and a['postcode'].replace(' ', '').upper() == b['POSTCODE'])
print("true pairs exact agreement:", {k: f"{v/len(T):.1%}" for k, v in agree.items()})
for f in ('forename','middle_names','surname','date_of_birth','sex','address_line_1','postcode'):
    print(f"A missing {f}: {sum(1 for r in A.values() if not r[f])/len(A):.1%}", end="; ")
print()
for f in ('SURNAME','FORENAME','DOB','POSTCODE'):
    print(f"B missing {f}: {sum(1 for r in B.values() if not r[f])/len(B):.1%}", end="; ")
print("B sex codes", collections.Counter(r['SEX'] for r in B.values()))
