"""Attacks the new column enables specifically (run on DEFAULT; BASELINE cannot form these groups).
(a) juniors: a full_name_by_postcode class holding >= 2 distinct date-of-birth classes is (mostly) a father and a
    son of one name at one address; guess the most common junior name from the register (or the male top name).
(b) DOB-missing records linked through the new column to a record with a DOB (same file, or across two files under
    one key): inherit that record's DOB class; guess the year by frequency alignment of the DOB column.
    Baseline: the same with NI-number links only.
usage: attack3.py POP KEY MODE"""
import sys, json
import numpy as np, pandas as pd
sys.path.insert(0, "/work/redteam13/scripts")
from common import *

pop, key, mode = sys.argv[1:4]
D = f"/work/redteam13/data/{pop}"; E = "/work/redteam13/enc"
rng = np.random.default_rng(11)
files = ["a"] if mode == "single" else ["a", "b"]
reg = pd.read_csv(f"{D}/register.csv", dtype=str, keep_default_na=False)
reg["first_l"] = reg["first"].str.lower(); reg["last_l"] = reg["last"].str.lower(); reg["y"] = reg["dob"].str[:4].astype(int)

def load(schema):
    e = load_enc([f"{E}/{pop}_{key}_{schema}_{f}.parquet" for f in files])
    tr = pd.concat([load_truth(D, f"agency_{f}") for f in files], ignore_index=True)
    e = e.merge(tr, left_on="record_id", right_on="id", how="left")
    e["first_l"] = e["first"].str.lower(); e["last_l"] = e["last"].str.lower()
    return e

out = []
def emit(**k):
    k.update(pop=pop, key=key, mode=mode); print(json.dumps(k)); sys.stdout.flush()

# ---------------- (a) juniors
T = load("default")
g = reg.groupby(["first_l", "last_l", "postcode"])
jr = g.filter(lambda x: len(x) >= 2 and (x.y.max() - x.y.min()) >= 14)
jr_names = jr["first_l"].value_counts()
top_jr = jr_names.index[0]
top_all = reg["first_l"].value_counts().index[0]
df = T[T.full_name_by_postcode >= 0]
nd = df.groupby("full_name_by_postcode")["date_of_birth"].apply(lambda s: s[s >= 0].nunique())
flag_cls = nd[nd >= 2].index
flag = T.full_name_by_postcode.isin(flag_cls).values
N = len(T)
corr_jr = (T.first_l.values == top_jr) & flag
corr_global = (T.first_l.values == top_all)
# attacker's guess for all records: top_jr on flagged, global top elsewhere (baseline can only do the latter)
combined = np.where(flag, T.first_l.values == top_jr, corr_global)
# better: guess per flagged class, the register junior names ranked, 1 guess per record
emit(attack="juniors", flagged_records=int(flag.sum()), flagged_classes=int(len(flag_cls)),
     flagged_truly_two_people=int(T[flag].groupby("full_name_by_postcode").pid.nunique().gt(1).sum()),
     guess=top_jr, prec_flagged=round(float(corr_jr[flag].mean() * 100), 1) if flag.any() else None,
     chance_flagged_global_top=round(float(corr_global[flag].mean() * 100), 1) if flag.any() else None,
     first_reid_all_default=round(float(combined.mean() * 100), 3), first_reid_all_baseline=round(float(corr_global.mean() * 100), 3),
     top5_register_junior_names=jr_names.head(5).to_dict())
# surname/identity for flagged: nothing beyond the first name; also: does the flag say "male"? share male among flagged
emit(attack="juniors_sex", male_share_flagged=round(float((T[flag].sex == "m").mean() * 100), 1) if flag.any() else None,
     male_share_all=round(float((T.sex == "m").mean() * 100), 1))

# ---------------- (b) missing-DOB records: inherit DOB class through links, then year by frequency alignment
def dob_align(e):
    s = pd.Series(e["date_of_birth"].values); s = s[s >= 0]; vc = s.value_counts()
    enc_order = sorted(vc.index, key=lambda c: (-vc[c], rng.random()))
    full = reg[reg.dob.str.len() == 10]["dob"].value_counts()
    reg_order = sorted(full.index, key=lambda v: (-full[v], rng.random()))
    return {c: int(reg_order[i][:4]) for i, c in enumerate(enc_order) if i < len(reg_order)}, vc

for schema in ("default", "baseline"):
    e = T if schema == "default" else load("baseline")
    m, vc = dob_align(e)
    uf = UF(len(e))
    uf.link_classes(e["ni_number"].values)
    if schema == "default":
        uf.link_classes(e["full_name_by_postcode"].values)
    lab = uf.labels()
    dob = e["date_of_birth"].values
    comp_dob = pd.Series(np.where(dob >= 0, dob, -1)).groupby(lab).max()
    inherited = pd.Series(lab).map(comp_dob).values
    miss = dob < 0
    got = miss & (inherited >= 0)
    guess_year = np.array([m.get(c, -1) if c >= 0 else -1 for c in inherited])
    corr = (guess_year == e["y"].values) & got
    # attacker's fallback for everyone else missing a DOB: the register's most frequent year
    topy = reg["y"].value_counts().index[0]
    fallback = np.where(got, guess_year, topy) == e["y"].values
    emit(attack="missing_dob_inherit", schema=schema, missing=int(miss.sum()), linked_to_dob=int(got.sum()),
         link_correct_person=int(((pd.Series(lab).map(pd.Series(e.pid.values).groupby(lab).nunique()) == 1).values & got).sum()),
         year_correct_linked=int(corr.sum()),
         year_reid_missing=round(float(fallback[miss].mean() * 100), 2),
         year_chance_missing=round(float((e["y"].values[miss] == topy).mean() * 100), 2))
