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
    b, valid = lcfile.bits(t, col); u, m = lcfile.unbalance(b, valid)
    u = u.astype(np.float32)
    kk = fields[col.split(":", 1)[1]]["k"]
    uniq = np.unique(ids[ids >= 0])
    first_row = {c: np.where(ids == c)[0] for c in uniq}
    prior = reg[attr][reg[attr] != ""].value_counts()
    regvals = list(prior.index)
    # seeds: rank alignment inside bands of equal estimated token count (set bits / k)
    est = {c: int(round(-m * np.log(max(1e-9, 1 - u[first_row[c][0]].sum() / m)) / kk)) for c in uniq}
    rlen = {v: len(common.bigrams(v)) for v in regvals}
    sd = []
    for L in set(est.values()):
        cs = sorted([c for c in uniq if est[c] == L and len(first_row[c]) >= 3], key=lambda c: -len(first_row[c]))
        rs = [v for v in regvals if rlen[v] == L]
        sd += list(zip(cs[:40], rs[:40]))
    res = {}
    for it in range(6):
        names = [nm for _, nm in sd]; M = np.stack([u[first_row[c][0]] for c, _ in sd])
        bg = collections.defaultdict(list)
        for i, nm in enumerate(names):
            for gg in common.bigrams(nm): bg[gg].append(i)
        P = {}
        for gg, idx in bg.items():
            if len(idx) < 3: continue
            w = M[idx].mean(0); wo = np.delete(M, idx, axis=0).mean(0)
            d = w - wo
            top = np.argsort(-d)[:kk]
            top = top[d[top] >= 0.15]
            if len(top) >= max(2, kk // 2): P[gg] = top
        cand = [v for v in regvals if sum(gg in P for gg in common.bigrams(v)) >= 0.75 * len(common.bigrams(v))]
        if len(cand) < 2:
            print(col, f"A4 iteration {it}: {len(P)} bigrams learnt, no decodable names"); res = {}; break
        C = np.zeros((len(cand), u.shape[1]), np.float32)
        for i, v in enumerate(cand):
            for gg in common.bigrams(v):
                if gg in P: C[i, P[gg]] = 1
        lp = np.log(prior.reindex(cand).values.astype(float) + 1) * 0.005
        res = {}
        for c_id in uniq:
            f = u[first_row[c_id][0]]
            dice = 2 * (C @ f) / (C.sum(1) + f.sum()) + lp
            j = np.argsort(-dice)[:2]
            res[c_id] = (cand[j[0]], dice[j[0]], dice[j[0]] - dice[j[1]])
        sd = [(c, r[0]) for c, r in res.items() if r[1] >= 0.8 and r[2] >= 0.05]
        print(col, f"A4 iteration {it}: {len(P)} bigrams learnt, {len(cand)} decodable register names, {len(sd)} new seeds")
        if len(sd) < 30: break
    for c_id, (nm, best, gap) in res.items():
        c = 1.0 if best >= 0.8 and gap >= 0.05 else 0.0
        for r in first_row[c_id]:
            guesses.append((rid[r], attr, nm, c + 0.5 * best, col + "#A4", len(first_row[c_id])))

g = pd.DataFrame(guesses, columns=["record_id", "field", "guess", "confidence", "source", "class_size"])
# best guess per record and field: highest confidence, then largest class
g = g.sort_values(["confidence", "class_size"], ascending=False).drop_duplicates(["record_id", "field"])
g["confident"] = g.confidence >= 1.0
g.to_csv(out, index=False)
print("wrote", out, len(g))
