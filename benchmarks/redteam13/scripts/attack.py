"""Attacks on linkcore encoded files (no key): frequency alignment of every deterministic column,
and a learned structural attack (features of the file's equality classes, chained components,
trained on the attacker's own simulation from the public register under the attacker's own key).

usage: attack.py POP KEY SCHEMA MODE   MODE: single (agency a alone) | pooled (agency a + b, same key)
prints one JSON line per (attack, field)."""
import sys, json
import numpy as np, pandas as pd
sys.path.insert(0, "/work/redteam13/scripts")
from common import *

pop, key, schema, mode = sys.argv[1:5]
D = f"/work/redteam13/data/{pop}"
E = "/work/redteam13/enc"
rng = np.random.default_rng(7)

def target_paths():
    if mode == "single":
        return [f"{E}/{pop}_{key}_{schema}_a.parquet"], ["agency_a"]
    return [f"{E}/{pop}_{key}_{schema}_a.parquet", f"{E}/{pop}_{key}_{schema}_b.parquet"], ["agency_a", "agency_b"]

def sim_paths():
    if mode == "single":
        return [f"{E}/{pop}_att_{schema}_sim_a.parquet"], ["sim_a"]
    return [f"{E}/{pop}_att_{schema}_sim_a.parquet", f"{E}/{pop}_att_{schema}_sim_b.parquet"], ["sim_a", "sim_b"]

def load(paths, names):
    e = load_enc(paths)
    tr = pd.concat([load_truth(D, n) for n in names], ignore_index=True)
    e = e.merge(tr, left_on="record_id", right_on="id", how="left")
    e["first_l"] = e["first"].str.lower(); e["last_l"] = e["last"].str.lower()
    e["y"] = e["y"].astype(int)
    return e

T = load(*target_paths())
S = load(*sim_paths())
reg = pd.read_csv(f"{D}/register.csv", dtype=str, keep_default_na=False)
reg["first_l"] = reg["first"].str.lower(); reg["last_l"] = reg["last"].str.lower()
reg["init"] = reg["first_l"].str[0]; reg["y"] = reg["dob"].str[:4].astype(int)
reg["full"] = reg["dob"].str.len() == 10
has_fnp = "full_name_by_postcode" in T.columns
results = []

def emit(attack, field, correct, conf_mask, n, extra=None):
    r = dict(pop=pop, key=key, schema=schema, mode=mode, attack=attack, field=field, n=int(n),
             reid=round(float(correct.mean()) * 100, 3),
             n_conf=int(conf_mask.sum()),
             prec_conf=(round(float(correct[conf_mask].mean()) * 100, 1) if conf_mask.sum() else None))
    if extra: r.update(extra)
    print(json.dumps(r)); sys.stdout.flush()

# ---------------------------------------------------------------- chance
for fld, col in (("first", "first_l"), ("last", "last_l"), ("year", "y"), ("postcode", "pc_true")):
    top = reg[col if col != "pc_true" else "postcode"].value_counts().index[0]
    emit("chance_register_top", fld, (T[col] == top).values, np.zeros(len(T), bool), len(T))

# ---------------------------------------------------------------- attack 1: frequency alignment
def align(codes, reg_keys):
    """rank encoded classes by size and register values by count; pair them (random tie-break)."""
    s = pd.Series(codes); s = s[s >= 0]
    vc = s.value_counts()
    enc_order = sorted(vc.index, key=lambda c: (-vc[c], rng.random()))
    rvc = reg_keys.value_counts()
    reg_order = sorted(rvc.index, key=lambda v: (-rvc[v], rng.random()))
    m = {c: reg_order[i] for i, c in enumerate(enc_order) if i < len(reg_order)}
    return m, vc

reg_full = reg[reg.full]
col_keys = {
    "date_of_birth": (reg_full, lambda r: r["dob"], {"year": lambda v: int(v[:4])}),
    "postcode": (reg, lambda r: r["postcode"] + "|" + r["init"], {"postcode": lambda v: v.split("|")[0], "initial": lambda v: v.split("|")[1]}),
    "postcode_by_date_of_birth": (reg_full, lambda r: r["postcode"] + "|" + r["dob"], {"postcode": lambda v: v.split("|")[0], "year": lambda v: int(v.split("|")[1][:4])}),
    "first_name": (reg_full, lambda r: r["first_l"] + "|" + r["dob"], {"first": lambda v: v.split("|")[0], "year": lambda v: int(v.split("|")[1][:4])}),
    "last_name": (reg_full, lambda r: r["last_l"] + "|" + r["dob"], {"last": lambda v: v.split("|")[0], "year": lambda v: int(v.split("|")[1][:4])}),
} if schema != "weak" else {
    "first_name": (reg, lambda r: r["first_l"], {"first": lambda v: v}),
    "last_name": (reg, lambda r: r["last_l"], {"last": lambda v: v}),
}
col_keys.update({
    "full_name_by_postcode": (reg, lambda r: r["first_l"] + "|" + r["last_l"] + "|" + r["postcode"],
                              {"first": lambda v: v.split("|")[0], "last": lambda v: v.split("|")[1], "postcode": lambda v: v.split("|")[2]}),
})
truthcol = {"year": T["y"].values, "postcode": T["pc_true"].values, "first": T["first_l"].values,
            "last": T["last_l"].values, "initial": T["first_l"].str[0].values}
for col, (R, kf, parts) in col_keys.items():
    if col not in T.columns:
        continue
    m, vc = align(T[col].values, kf(R))
    guess = T[col].map(m)
    size = T[col].map(vc).fillna(0).values
    for fld, fn in parts.items():
        g = guess.map(lambda v: fn(v) if isinstance(v, str) else None).values
        correct = np.array([a is not None and a == b for a, b in zip(g, truthcol[fld])])
        emit(f"freqalign:{col}", fld, correct, size >= 3, len(T))

# ---------------------------------------------------------------- attack 2: learned structural attack
def features(e, use_fnp):
    F = {}
    cap = lambda x, c: np.minimum(x, c)
    F["dobm"] = (e["date_of_birth"] < 0).astype(int).values
    F["pcm"] = (e["postcode"] < 0).astype(int).values
    F["mid"] = (e["middle_name"] >= 0).astype(int).values
    F["ni"] = (e["ni_number"] >= 0).astype(int).values
    F["nisz"] = cap(class_sizes(e["ni_number"].values), 2)
    F["dobsz"] = cap(class_sizes(e["date_of_birth"].values), 5)
    F["pcsz"] = cap(class_sizes(e["postcode"].values), 8)
    F["pc_ndob"] = cap(nunique_within(e["postcode"].values, e["date_of_birth"].values), 6)
    F["pc_nfirst"] = cap(nunique_within(e["postcode"].values, e["first_name"].values), 6)
    F["pcdsz"] = cap(class_sizes(e["postcode_by_date_of_birth"].values), 3)
    F["lnsz"] = cap(class_sizes(e["last_name"].values), 3)
    F["fnsz"] = cap(class_sizes(e["first_name"].values), 3)
    # persons: chain NI classes, (first name + postcode-by-dob) classes, and with the new column its classes
    uf = UF(len(e))
    uf.link_classes(e["ni_number"].values)
    fp = np.where((e["first_name"] >= 0) & (e["postcode_by_date_of_birth"] >= 0),
                  e["first_name"].astype(np.int64) * 100003 + e["postcode_by_date_of_birth"], -1)
    uf.link_classes(fp)
    if use_fnp:
        uf.link_classes(e["full_name_by_postcode"].values)
        F["fnpsz"] = cap(class_sizes(e["full_name_by_postcode"].values), 4)
        F["fnp_ndob"] = cap(nunique_within(e["full_name_by_postcode"].values, e["date_of_birth"].values), 3)
        F["pc_nfull"] = cap(nunique_within(e["postcode"].values, e["full_name_by_postcode"].values), 6)
    comp = uf.labels()
    c = pd.DataFrame({"comp": comp, "dob": e["date_of_birth"].values, "dobsz": F["dobsz"], "mid": F["mid"], "ni": F["ni"]})
    c["hasdob"] = (c.dob >= 0).astype(int)
    g = c.groupby("comp")
    F["comp_sz"] = cap(g["comp"].transform("size").values, 4)
    F["comp_ndob"] = cap(c.assign(d=c.dob.where(c.dob >= 0)).groupby("comp")["d"].transform("nunique").values, 3)
    F["comp_hasdob"] = g["hasdob"].transform("max").values
    F["comp_dobsz"] = g["dobsz"].transform("max").values
    F["comp_mid"] = g["mid"].transform("max").values
    F["comp_ni"] = g["ni"].transform("max").values
    return F, comp

class NB:
    def __init__(self, feats, names, labels, alpha=0.5):
        self.names = names
        self.vals, y = np.unique(labels, return_inverse=True)
        self.K = len(self.vals)
        self.logprior = np.log(np.bincount(y, minlength=self.K) + alpha) 
        self.logprior -= np.log(self.logprior.size and np.exp(self.logprior).sum())
        self.tabs = {}
        for f in names:
            x = feats[f]; V = 16
            t = np.full((self.K, V), alpha)
            np.add.at(t, (y, x), 1)
            self.tabs[f] = np.log(t / t.sum(1, keepdims=True))

    def predict(self, feats, n):
        lp = np.tile(self.logprior, (n, 1))
        for f in self.names:
            lp += self.tabs[f][:, feats[f]].T
        lp -= lp.max(1, keepdims=True)
        p = np.exp(lp); p /= p.sum(1, keepdims=True)
        i = p.argmax(1)
        return self.vals[i], p[np.arange(n), i]

base_feats = ["dobm", "pcm", "mid", "ni", "nisz", "dobsz", "pcsz", "pc_ndob", "pc_nfirst", "pcdsz", "lnsz", "fnsz",
              "comp_sz", "comp_ndob", "comp_hasdob", "comp_dobsz", "comp_mid", "comp_ni"]
trivial = ["dobm", "ni", "mid", "pcm"]
FT, compT = features(T, has_fnp)
FS, _ = features(S, has_fnp)
full_feats = base_feats + (["fnpsz", "fnp_ndob", "pc_nfull"] if has_fnp else [])
labels = {"first": ("first_l", T["first_l"].values), "last": ("last_l", T["last_l"].values), "year": ("y", T["y"].values),
          "initial": (None, T["first_l"].str[0].values)}
guesses = {}
X = ["fnp_ndob", "fnpsz", "pc_nfull"] if has_fnp else []
focused = {"first": ["dobm", "ni", "comp_ndob", "comp_sz", "lnsz"] + (["fnp_ndob"] if has_fnp else []),
           "last": ["dobm", "ni", "lnsz", "pcsz", "comp_sz"] + (["fnpsz"] if has_fnp else []),
           "year": ["dobm", "ni", "mid", "dobsz", "comp_dobsz", "comp_ni", "comp_hasdob"],
           "initial": ["pcsz", "pc_ndob", "pc_nfirst"] + (["pc_nfull"] if has_fnp else [])}
for name, feats in (("learned_trivial", trivial), ("learned_structural", full_feats), ("learned_focused", None)):
    if schema == "weak" and name != "learned_trivial":
        continue
    for fld, (col, truth) in labels.items():
        if feats is None:
            fl = focused[fld]
        else:
            fl = feats
        ytr = S[col].values if col else S["first_l"].str[0].values
        nb = NB(FS, fl, ytr)
        g, conf = nb.predict(FT, len(T))
        guesses[(name, fld)] = (g, conf)
        correct = g == truth
        emit(name, fld, correct, conf >= 0.15, len(T), {"top_conf_prec": round(float(correct[np.argsort(-conf)[:100]].mean()) * 100, 1)})
    g1, c1 = guesses[(name, "first")]; g2, c2 = guesses[(name, "last")]; g3, c3 = guesses[(name, "year")]
    corr = (g1 == labels["first"][1]) & (g2 == labels["last"][1]) & (g3 == labels["year"][1])
    emit(name, "identity", corr, (c1 * c2 * c3) >= 0.01, len(T))

# ---------------------------------------------------------------- structure the new column reveals (counts, truth-scored)
if has_fnp:
    fnp = T["full_name_by_postcode"].values
    df = pd.DataFrame({"fnp": fnp, "dob": T["date_of_birth"].values, "pid": T["pid"].values, "file": T["file"].values})
    df = df[df.fnp >= 0]
    g = df.groupby("fnp")
    multi_dob = g["dob"].apply(lambda s: s[s >= 0].nunique())
    npid = g["pid"].nunique()
    cls = multi_dob[multi_dob >= 2].index
    print(json.dumps(dict(pop=pop, key=key, schema=schema, mode=mode, attack="fnp_structure",
                          classes_multi_record=int((g.size() > 1).sum()),
                          classes_two_plus_pids=int((npid > 1).sum()),
                          classes_two_plus_dob=int(len(cls)),
                          of_which_two_pids=int((npid[cls] > 1).sum()),
                          missing_dob_records_linked_to_dob=int(df[df.dob < 0].fnp.map(g["dob"].max()).ge(0).sum()),
                          missing_dob_records=int((df.dob < 0).sum()))))
