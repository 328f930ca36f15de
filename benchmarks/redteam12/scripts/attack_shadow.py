#!/usr/bin/env python3
"""A2 shadow-encoding attack. The attacker builds an agency-like extract from the register
(people whose date of birth the register gives), fitting the sampling and missingness rates to
what the attacked file shows, encodes it with linkcore under the attacked file's own public
schema and the ATTACKER'S OWN key, reads the same whole-file features from both files, and trains
a naive-Bayes model feature -> value on the shadow (whose plaintext the attacker knows). It then
guesses every field of every attacked record.
usage: attack_shadow.py ENCODED.parquet REGISTER.csv ATTACKER_KEY WORKDIR OUT_GUESSES.csv"""
import sys, os, json, subprocess, numpy as np, pandas as pd, random
sys.path.insert(0, sys.path[0]); import lcfile, common, features

enc, regp, akey, work, out = sys.argv[1:6]
os.makedirs(work, exist_ok=True)
LC = os.path.join(os.path.dirname(sys.executable), "linkcore")
t, md = lcfile.load(enc); n = t.num_rows
json.dump(md["schema"], open(f"{work}/schema.json", "w"))
reg = common.load_register(regp)
rr = pd.read_csv(regp, dtype=str, keep_default_na=False)
pool = rr[rr.dob != ""].reset_index(drop=True)
Fa = features.feats(t)
# fit: sampling rate to the file's share of records in postcode+initial classes of 2+ (plaintext
# classes of the shadow), NI-missing and middle-missing rates to the file's null shares
target_pi = (Fa["cls_postcode"] >= 2).mean()
rng = np.random.default_rng(12)
best = None
for r in np.arange(0.3, 1.01, 0.05):
    s = pool.sample(frac=r, random_state=1)
    key = s.postcode.map(common.norm_pc) + "|" + s.first_name.str[:1].str.lower()
    share = (key.map(key.value_counts()) >= 2).mean()
    if best is None or abs(share - target_pi) < best[1]: best = (r, abs(share - target_pi), share)
r = best[0]
s = pool.sample(frac=r, random_state=1).reset_index(drop=True)
age = 2026 - s.dob.str[:4].astype(int)
ni_null_file = Fa["ni_missing"].mean(); child = (age < 16).mean()
p_ni_drop = max(0.0, (ni_null_file - child) / max(1e-9, 1 - child))
mid_null_file = Fa["mid_missing"].mean(); has_mid = (s.middle_name != "").mean()
p_mid_keep = min(1.0, (1 - mid_null_file) / max(1e-9, has_mid))
print(f"shadow: rate {r:.2f} ({len(s)} records; PI>=2 share file {target_pi:.3f} shadow {best[2]:.3f}); NI drop {p_ni_drop:.3f}; middle keep {p_mid_keep:.3f}")
ni = np.where((age >= 16) & (rng.random(len(s)) >= p_ni_drop), [f"AB{i:06d}C" for i in range(len(s))], "")
mid = np.where(rng.random(len(s)) < p_mid_keep, s.middle_name, "")
sh = pd.DataFrame({"record_id": [f"S{i:06d}" for i in range(len(s))], "first_name": s.first_name,
                   "middle_name": mid, "surname": s.surname,
                   "date_of_birth": pd.to_datetime(s.dob).dt.strftime("%d/%m/%Y"),
                   "postcode": s.postcode, "ni_number": ni})
sh.to_csv(f"{work}/shadow.csv", index=False)
subprocess.run([LC, "schema", "suggest", f"{work}/shadow.csv", "--schema", f"{work}/schema.json",
                "-o", f"{work}/mapping.json", "--force", "-q"], check=True)
subprocess.run([LC, "encode", f"{work}/shadow.csv", "--schema", f"{work}/schema.json", "--mapping",
                f"{work}/mapping.json", "--key-file", akey, "-o", f"{work}/shadow.parquet", "--force", "-q"], check=True)
ts, _ = lcfile.load(f"{work}/shadow.parquet")
Fs = features.feats(ts)
names = sorted(set(Fa) & set(Fs))
print("features:", names)
Xs = np.stack([Fs[k] for k in names], 1); Xa = np.stack([Fa[k] for k in names], 1)
lab = pd.DataFrame({"first_name": sh.first_name.map(common.norm_name), "middle_name": pd.Series(mid).map(common.norm_name),
                    "last_name": sh.surname.map(common.norm_name), "dob": s.dob, "yob": s.dob.str[:4],
                    "postcode": sh.postcode.map(common.norm_pc)})
rid = np.asarray(t["record_id"].to_pylist())
rows = []

def nb_fit_predict(X, yi, K, Xq, beta):
    """naive Bayes; each conditional shrunk towards the feature's overall distribution (beta)."""
    prior = np.log(np.bincount(yi, minlength=K) + 0.5)
    logp = np.tile(prior, (len(Xq), 1)).astype(np.float64)
    for j in range(X.shape[1]):
        vals = np.unique(np.concatenate([X[:, j], Xq[:, j]]))
        vi = {v: i for i, v in enumerate(vals)}
        xj = np.array([vi[v] for v in X[:, j]]); qj = np.array([vi[v] for v in Xq[:, j]])
        glob = (np.bincount(xj, minlength=len(vals)) + 0.5) / (len(xj) + 0.5 * len(vals))
        cnt = np.zeros((K, len(vals)))
        np.add.at(cnt, (yi, xj), 1)
        cond = np.log((cnt + beta * glob) / (cnt.sum(1, keepdims=True) + beta))
        logp += cond[:, qj].T
    logp -= logp.max(1, keepdims=True); p = np.exp(logp); p /= p.sum(1, keepdims=True)
    return p

for fld in common.FIELDS:
    y = lab[fld].values
    ok = y != ""
    if fld == "middle_name":  # predict only where the file has a middle name
        ok &= Xs[:, names.index("mid_missing")] == 0
    classes, yi = np.unique(y[ok], return_inverse=True)
    X = Xs[ok]; K = len(classes)
    # choose beta (and hence how far to trust features) on a held-out half of the shadow
    half = np.random.default_rng(5).random(len(yi)) < 0.5
    best_b, best_acc = None, -1
    for beta in (2.0, 20.0, 200.0, 1e9):
        p = nb_fit_predict(X[half], yi[half], K, X[~half], beta)
        acc = (p.argmax(1) == yi[~half]).mean()
        if acc > best_acc: best_b, best_acc, pv = beta, acc, p
    # confidence threshold: lowest posterior at which held-out precision >= 0.8 (else none)
    pm = pv.max(1); corr = pv.argmax(1) == yi[~half]
    thr = 1.01
    for th in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        sel = pm >= th
        if sel.sum() >= 10 and corr[sel].mean() >= 0.8: thr = th; break
    print(f"{fld}: beta {best_b}, held-out accuracy {best_acc:.4f}, confident threshold {thr}")
    p = nb_fit_predict(X, yi, K, Xa, best_b)
    j = p.argmax(1); conf = p[np.arange(n), j]
    for i in range(n):
        if fld == "middle_name" and Xa[i, names.index("mid_missing")]: continue
        rows.append((rid[i], fld, classes[j[i]], conf[i], "A2-shadow", 0, conf[i] >= thr))
g = pd.DataFrame(rows, columns=["record_id", "field", "guess", "confidence", "source", "class_size", "confident"])
g.to_csv(out, index=False)
print("wrote", out, len(g), "confident:", g.groupby("field").confident.sum().to_dict())
