#!/usr/bin/env python3
"""A7 chained salt-group matching (rebuilt salt groups + household structure + chaining).

1. Rebuild the postcode+initial groups from the `postcode` column (salted with the first
   initial) and, inside each group of 2+ records, read from the `*_by_postcode` views (salted with
   that postcode and initial, so comparable inside the group): which records have identical
   surnames / first names and how many bigrams the others share (positions shared beyond chance
   / ~k). Match each group to the register's (postcode, initial) groups: every injective
   assignment of the group's records to register people whose equality pattern is identical and
   whose shared-bigram counts agree within 1.
2. Rebuild the DOB groups from the `date_of_birth` column and chain: records of one DOB group have
   one date, so the dates their postcode-group candidates allow are intersected; then every member
   keeps only candidates with an allowed date (a register person without a date stays allowed),
   and a member with no candidates yet gets the register people born on an allowed date whose
   names agree with the group's shared-bigram counts (`first_name`/`last_name` salted by DOB).
   This is repeated until nothing changes.
3. Guesses: per record and field the most common value among its candidates (candidate weight 1);
   confident when every candidate agrees on the value and there are at most 3 candidate people.
Candidate sets larger than 200 people are dropped (the record is then treated as unconstrained).
(ONE-SALT files have no `_by_postcode` views: step 1 then uses the equality of the postcode filter
only, i.e. group sizes, without name comparisons; step 2 works as above.)
usage: attack_chain.py ENCODED.parquet REGISTER.csv OUT_GUESSES.csv"""
import sys, collections, itertools, numpy as np, pandas as pd
sys.path.insert(0, sys.path[0]); import lcfile, common

t, md = lcfile.load(sys.argv[1]); reg = common.load_register(sys.argv[2]); out = sys.argv[3]
cols = set(t.column_names); n = t.num_rows
rid = np.asarray(t["record_id"].to_pylist())
kk = {f["name"]: f["k"] for f in md["schema"]["fields"]}
U = {}
for f in ["first_name", "last_name", "first_name_by_postcode", "last_name_by_postcode"]:
    if "field:" + f in cols:
        b, v = lcfile.bits(t, "field:" + f); u, m = lcfile.unbalance(b, v); U[f] = (u.astype(np.int32), v)

def rel(f, a, b):
    if f is None: return None
    """('eq', None) if identical filters, ('ov', shared-bigram estimate) otherwise, None if missing."""
    if f not in U: return None
    u, v = U[f]
    if not (v[a] and v[b]): return None
    if (u[a] == u[b]).all(): return ("eq", None)
    o = (u[a] * u[b]).sum() - u[a].sum() * u[b].sum() / u.shape[1]
    return ("ov", o / (0.92 * kk.get(f, 6)))

R = reg.reset_index(drop=True)
rfirst, rlast, rdob, rpc = R.first_name.values, R.last_name.values, R.dob.values, R.postcode.values
bg = [common.bigrams(x) if x else set() for x in rfirst]
bgl = [common.bigrams(x) if x else set() for x in rlast]

def ok_rel(r, x, y, which):
    if r is None: return True
    a, b = (rfirst, bg) if which == "first" else (rlast, bgl)
    if r[0] == "eq": return a[x] == a[y]
    if a[x] == a[y]: return False
    return abs(len(b[x] & b[y]) - r[1]) <= 1.2

# ---- step 1: match rebuilt groups to register groups through an index of register pairs
CAP = 200

def rgroup_index(keyfun):
    gr = collections.defaultdict(list)
    for j in range(len(R)):
        k = keyfun(j)
        if k: gr[k].append(j)
    return gr

def pair_key(x, y):
    fe = rfirst[x] == rfirst[y]; le = rlast[x] == rlast[y]
    return (fe, le, 0 if fe else len(bg[x] & bg[y]), 0 if le else len(bgl[x] & bgl[y]))

def match_groups(groups, rgroups, fF, fL, label):
    idx = collections.defaultdict(list)
    for gk, g in rgroups.items():
        if len(g) < 2 or len(g) > 40: continue
        for x, y in itertools.permutations(g, 2):
            idx[pair_key(x, y)].append((gk, x, y))
    out = {}
    ng = 0
    for mem in groups.values():
        s = len(mem)
        if s < 2 or s > 6: continue
        rels = {(a, b): (rel(fF, mem[a], mem[b]), rel(fL, mem[a], mem[b])) for a, b in itertools.combinations(range(s), 2)}
        rf, rl = rels[(0, 1)]
        if rf is None or rl is None: continue
        ng += 1
        keys = []
        for fe in ([True] if rf[0] == "eq" else [False]):
            for le in ([True] if rl[0] == "eq" else [False]):
                fo = [0] if fe else [o for o in range(0, 12) if abs(o - rf[1]) <= 1.2]
                lo = [0] if le else [o for o in range(0, 12) if abs(o - rl[1]) <= 1.2]
                keys += [(fe, le, a, b) for a in fo for b in lo]
        cs = [set() for _ in range(s)]
        for k in keys:
            for gk, x, y in idx.get(k, ()):
                g = rgroups[gk]
                def bt(kpos, assign):
                    if kpos == s:
                        for i, z in enumerate(assign): cs[i].add(z)
                        return
                    for z in g:
                        if z in assign: continue
                        if all(ok_rel(rels[(i, kpos)][0], assign[i], z, "first") and ok_rel(rels[(i, kpos)][1], assign[i], z, "last") for i in range(kpos)):
                            bt(kpos + 1, assign + [z])
                bt(2, [x, y])
        for i in range(s):
            # a set of more than CAP people constrains nothing useful: treat the record as free
            if cs[i] and len(cs[i]) <= CAP: out[mem[i]] = cs[i]
            elif not cs[i]: out.setdefault(mem[i], set())
    sizes = [len(c) for c in out.values()]
    print(f"{label}: {ng} groups of 2-6 records compared; {len(out)} records with at most {CAP} candidates "
          f"(empty {sum(1 for c in out.values() if not c)}); median candidates {np.median([x for x in sizes if x]) if any(sizes) else 0}")
    return out

pi = lcfile.classes(t, "field:postcode")
dob = lcfile.classes(t, "field:date_of_birth")
def grp(ids):
    d = collections.defaultdict(list)
    for i, x in enumerate(ids):
        if x >= 0: d[x].append(i)
    return d
pgroups, dgroups = grp(pi), grp(dob)
rpi = rgroup_index(lambda j: (rpc[j], rfirst[j][0]) if rpc[j] and rfirst[j] else None)
rdd = rgroup_index(lambda j: rdob[j] if rdob[j] else None)
cand = {}
c1 = match_groups(pgroups, rpi, "first_name_by_postcode", "last_name_by_postcode", "step 1a postcode+initial groups") if "first_name_by_postcode" in U else {}
c2 = match_groups(dgroups, rdd, "first_name", "last_name", "step 1b DOB groups")
for a in set(c1) | set(c2):
    if a in c1 and a in c2 and c1[a] and c2[a]:
        inter = c1[a] & c2[a]
        cand[a] = inter if inter else (c1[a] | c2[a])
    else:
        cand[a] = c1.get(a) or c2.get(a) or set()

# ---- step 2: chaining through both group families until nothing changes
attr = {"dob": (dgroups, lambda x: rdob[x], rdd, "first_name", "last_name"),
        "pi": (pgroups, lambda x: (rpc[x], rfirst[x][:1]), rpi, "first_name_by_postcode", "last_name_by_postcode")}
for it in range(4):
    changed = 0
    for name, (G, val, rg, fF, fL) in attr.items():
        if name == "pi" and fF not in U: fF = fL = None
        for mem in G.values():
            if len(mem) < 2: continue
            allowed = None
            for a in mem:
                c = cand.get(a)
                if not c: continue
                ds = {val(x) for x in c}
                if "" in ds: continue
                allowed = ds if allowed is None else allowed & ds
            if allowed is None: continue
            for a in mem:
                c = cand.get(a)
                if c:
                    newc = {x for x in c if val(x) == "" or val(x) in allowed}
                    if newc and len(newc) < len(c): cand[a] = newc; changed += 1
                elif len(allowed) <= 3:
                    newc = set()
                    for d in allowed:
                        for x in rg.get(d, ()):
                            good = True
                            for b in mem:
                                if b == a or not cand.get(b): continue
                                rf = rel(fF, a, b) if fF else None
                                rl = rel(fL, a, b) if fL else None
                                if not any(y != x and ok_rel(rf, x, y, "first") and ok_rel(rl, x, y, "last") for y in cand[b]):
                                    good = False; break
                            if good: newc.add(x)
                    if newc: cand[a] = newc; changed += 1
    print(f"step 2 iteration {it}: {changed} candidate sets changed")
    if not changed: break

# ---- step 3: guesses
rows = []
fv = {"first_name": rfirst, "last_name": rlast, "middle_name": R.middle_name.values, "dob": rdob,
      "yob": R.yob.values, "postcode": rpc}
sizes = []
for a, c in cand.items():
    if not c: continue
    sizes.append(len(c))
    for f, arr in fv.items():
        vals = [arr[x] for x in c if arr[x]]
        if not vals: continue
        cnt = collections.Counter(vals); v, k = cnt.most_common(1)[0]
        conf = (k == len(c)) and len(c) <= 3
        rows.append((rid[a], f, v, k / len(c), "A7-chain", len(c), conf))
sizes = np.array(sizes)
print(f"records with candidates {len(sizes)}; with 1 / 2-3 / 4-10 / 11+ candidates:",
      (sizes == 1).sum(), ((sizes >= 2) & (sizes <= 3)).sum(), ((sizes >= 4) & (sizes <= 10)).sum(), (sizes > 10).sum())
g = pd.DataFrame(rows, columns=["record_id", "field", "guess", "confidence", "source", "class_size", "confident"])
g.to_csv(out, index=False); print("wrote", out, len(g))
