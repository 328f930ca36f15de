#!/usr/bin/env python3
"""A1 frequency alignment on EVERY deterministic column of the file (each field filter, each
blocking key), against the register's counts of the tuple that defines the column's equality
classes (read from the public schema in the file's metadata: the value plus its salt's parts).
A4 bit-pattern mining (for name columns whose classes align): positions of each bigram learnt
from the aligned seeds, then every filter decoded against the register's names.
usage: attack_freq.py ENCODED.parquet REGISTER.csv OUT_GUESSES.csv"""
import sys, collections, numpy as np, pandas as pd
sys.path.insert(0, sys.path[0])
import lcfile, common

enc, regpath, out = sys.argv[1:4]
t, md = lcfile.load(enc)
schema = md["schema"]; fields = {f["name"]: f for f in schema["fields"]}
reg = common.load_register(regpath)
ATTR = {"first_name": "first_name", "middle_name": "middle_name", "last_name": "last_name",
        "date_of_birth": "dob", "postcode": "postcode"}

def parts_of_field(fname):
    f = fields[fname]
    base = f.get("source") or fname
    parts = [(ATTR.get(base), "value")]
    s = f.get("salt")
    if s:
        if s["transform"] == "value_with_salt":
            parts += parts_of_field(s["field"])
        else:
            parts.append((ATTR.get(s["field"]), s["transform"]))
    return parts

def parts_of_block(bk):
    return [(ATTR.get(p["field"]), p["transform"]) for p in bk["parts"]]

def reg_key(parts):
    cols = []
    for attr, tr in parts:
        if attr is None: return None
        v = reg[attr]
        if tr == "value": pass
        elif tr == "first_char": v = v.str[:1]
        elif tr == "year": v = reg["yob"]
        else: return None
        cols.append(v)
    df = pd.concat(cols, axis=1); df.columns = range(len(cols))
    ok = (df != "").all(axis=1)
    return df[ok].apply(tuple, axis=1)

columns = [("field:" + f, parts_of_field(f)) for f in fields] + \
          [("block:" + b["name"], parts_of_block(b)) for b in schema["blocking_keys"]]
guesses = []  # record_id, field, guess, confidence, source
rid = np.asarray(t["record_id"].to_pylist())
seeds = {}
for col, parts in columns:
    if any(a is None for a, _ in parts):
        print(col, "no register counterpart (", parts, ")"); continue
    ids = lcfile.classes(t, col)
    cnt = np.bincount(ids[ids >= 0])
    order = np.argsort(-cnt, kind="stable")
    rk = reg_key(parts).value_counts()
    n = min(len(order), len(rk))
    sizes = cnt[order]
    # confidence: class clearly separated from its rank neighbours in the file and in the register
    rc = rk.values
    conf = np.zeros(n)
    for i in range(n):
        lo = sizes[i + 1] if i + 1 < len(sizes) else 0
        hi = sizes[i - 1] if i > 0 else 10**9
        rlo = rc[i + 1] if i + 1 < len(rc) else 0
        rhi = rc[i - 1] if i > 0 else 10**9
        conf[i] = 1.0 if (sizes[i] >= 8 and sizes[i] >= 1.15 * lo and hi >= 1.15 * sizes[i]
                          and rc[i] >= 1.15 * rlo and rhi >= 1.15 * rc[i]) else 0.0
    cls2 = {order[i]: (rk.index[i], conf[i], sizes[i]) for i in range(n)}
    nconf = int(conf.sum())
    print(f"{col}: {len(order)} classes, largest {sizes[:5].tolist()}, register top {rc[:5].tolist()}, confident ranks {nconf}")
    for r in np.where(ids >= 0)[0]:
        g = cls2.get(ids[r])
        if g is None: continue
        tup, c, sz = g
        for (attr, tr), val in zip(parts, tup):
            fld = {"dob": "dob"}.get(attr, attr)
            if tr == "first_char": continue
            if tr == "year": fld = "yob"
            guesses.append((rid[r], fld, val, c, col, sz))
            if fld == "dob": guesses.append((rid[r], "yob", val[:4], c, col, sz))
    if len(parts) == 1 and parts[0][0] in ("first_name", "middle_name", "last_name"):
        seeds[col] = (ids, [(order[i], rk.index[i][0]) for i in range(min(n, 300)) if sizes[i] >= 5])

# A4: bit-pattern mining on name columns with at least 30 seed classes of 15+ records
for col, (ids, sd) in seeds.items():
    attr = parts_of_field(col.split(":", 1)[1])[0][0]
    if len(sd) < 30:
        print(col, "A4: too few seeds", len(sd)); continue
    b, valid = lcfile.bits(t, col); u, m = lcfile.unbalance(b, valid)
    u = u.astype(np.float32)
    uniq = np.unique(ids[ids >= 0])
    first_row = {c: np.where(ids == c)[0] for c in uniq}
    regvals = [v for v in reg[attr].value_counts().index if v]
    prior = reg[attr].value_counts()
    for it in range(3):
        names = [nm for _, nm in sd]; M = np.stack([u[first_row[c][0]] for c, _ in sd])
        bg = collections.defaultdict(list)
        for i, n in enumerate(names):
            for gg in common.bigrams(n): bg[gg].append(i)
        P = {}
        for gg, idx in bg.items():
            if len(idx) < 2: continue
            w = M[idx].mean(0); wo = np.delete(M, idx, axis=0).mean(0)
            pos = np.where((w >= 0.6) & (wo <= 0.25))[0]
            if len(pos) >= 2: P[gg] = pos
        cand = [v for v in regvals if sum(gg in P for gg in common.bigrams(v)) >= 0.8 * len(common.bigrams(v))]
        if len(cand) < 2:
            print(col, "A4: no decodable names"); res = {}; break
        C = np.zeros((len(cand), u.shape[1]), np.float32)
        for i, v in enumerate(cand):
            for gg in common.bigrams(v):
                if gg in P: C[i, P[gg]] = 1
        lp = np.log(prior.reindex(cand).values.astype(float) + 1) * 0.01
        res = {}
        for c_id in uniq:
            f = u[first_row[c_id][0]]
            dice = 2 * (C @ f) / (C.sum(1) + f.sum()) + lp
            j = np.argsort(-dice)[:2]
            res[c_id] = (cand[j[0]], dice[j[0]], dice[j[0]] - dice[j[1]])
        # re-seed with the confident decodes of classes of 3+ records
        sd = [(c, r[0]) for c, r in res.items() if r[1] >= 0.85 and r[2] >= 0.03 and len(first_row[c]) >= 3]
        print(col, f"A4 iteration {it}: {len(P)} bigrams learnt, {len(cand)} decodable register names, {len(sd)} new seeds")
        if len(sd) < 30: break
    for c_id, (nm, best, gap) in res.items():
        c = 1.0 if best >= 0.85 and gap >= 0.03 else 0.0
        for r in first_row[c_id]:
            guesses.append((rid[r], attr, nm, c + 0.5 * best, col + "#A4", len(first_row[c_id])))

g = pd.DataFrame(guesses, columns=["record_id", "field", "guess", "confidence", "source", "class_size"])
# best guess per record and field: highest confidence, then largest class
g = g.sort_values(["confidence", "class_size"], ascending=False).drop_duplicates(["record_id", "field"])
g["confident"] = g.confidence >= 1.0
g.to_csv(out, index=False)
print("wrote", out, len(g))
