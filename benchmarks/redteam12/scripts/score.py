#!/usr/bin/env python3
"""Scoring only (reads the agency plaintext): per field recovered share, chance, confident guesses
and their precision, full identity (first name, surname, year of birth).
usage: score.py AGENCY.csv REGISTER.csv GUESSES.csv [LABEL] [ENCODED.parquet]
With ENCODED, also "chance given what the file reveals trivially": the best constant guess inside
each stratum of (NI number missing, middle name missing) read from the file, fitted on the agency
truth itself (an upper bound on any guess that uses only those two facts)."""
import sys, json, pandas as pd, numpy as np
sys.path.insert(0, sys.path[0]); import common
ag, regp, gp = sys.argv[1:4]; label = sys.argv[4] if len(sys.argv) > 4 else gp
a = pd.read_csv(ag, dtype=str, keep_default_na=False)
def iso(d):
    try:
        dd, mm, yy = d.split("/"); return f"{yy}-{mm}-{dd}"
    except Exception: return ""
truth = pd.DataFrame({"record_id": a.record_id, "first_name": a.first_name.map(common.norm_name),
    "middle_name": a.middle_name.map(common.norm_name), "last_name": a.surname.map(common.norm_name),
    "dob": a.date_of_birth.map(iso), "postcode": a.postcode.map(common.norm_pc)})
truth["yob"] = truth.dob.str[:4]
reg = common.load_register(regp)
g = pd.read_csv(gp, dtype=str, keep_default_na=False)
g["confident"] = g.confident.map(lambda x: x == "True")
N = len(truth); res = {"label": label}
strata = None
if len(sys.argv) > 5:
    import pyarrow.parquet as pq
    et = pq.read_table(sys.argv[5], columns=["record_id", "field:ni_number", "field:middle_name"])
    sd = pd.DataFrame({"record_id": et["record_id"].to_pylist(),
                       "s": [f"{int(a is None)}{int(b is None)}" for a, b in zip(et["field:ni_number"].to_pylist(), et["field:middle_name"].to_pylist())]})
    strata = truth[["record_id"]].merge(sd, on="record_id", how="left").s.values
T = truth.set_index("record_id")
for f in common.FIELDS:
    gf = g[g.field == f].set_index("record_id")
    tv = T[f]
    has = tv != ""
    gv = gf.guess.reindex(T.index).fillna("")
    ok = (gv == tv) & has
    conf = gf.confident.reindex(T.index).fillna(False).astype(bool)
    rv = reg[f][reg[f] != ""]
    top = rv.value_counts()
    chance = top.iloc[0] / len(rv) if len(rv) else 0
    # chance as realised on the agency file: share of agency records holding the register's most frequent value
    chance_ag = (tv == top.index[0]).sum() / N if len(top) else 0
    res[f] = dict(recovered=round(ok.sum() / N, 4), recovered_of_present=round(ok.sum() / max(1, has.sum()), 4),
                  chance_register_top=round(chance, 4), chance_on_file=round(chance_ag, 4),
                  chance_trivial=(round(sum(pd.Series(tv.values[strata == k])[lambda x: x != ""].value_counts().iloc[0] if (pd.Series(tv.values[strata == k]) != "").any() else 0 for k in set(strata)) / N, 4) if strata is not None else None),
                  confident=int(conf.sum()), confident_correct=int((conf & ok).sum()),
                  precision=round((conf & ok).sum() / conf.sum(), 4) if conf.sum() else None)
# full identity
def col(f):
    return g[g.field == f].set_index("record_id").guess.reindex(T.index).fillna("")
def cf(f):
    return g[g.field == f].set_index("record_id").confident.reindex(T.index).fillna(False).astype(bool)
okid = (col("first_name") == T.first_name) & (col("last_name") == T.last_name) & (col("yob") == T.yob) & (T.yob != "")
confid = cf("first_name") & cf("last_name") & cf("yob")
trip = reg[(reg.yob != "")].groupby(["first_name", "last_name", "yob"]).size().sort_values(ascending=False)
tt = tuple(trip.index[0])
chance_id = trip.iloc[0] / (reg.yob != "").sum()
chance_id_file = ((T.first_name == tt[0]) & (T.last_name == tt[1]) & (T.yob == tt[2])).sum() / N
# chance of guessing each field's top value independently, as realised on the file
ind = ((T.first_name == reg.first_name.value_counts().index[0]) & (T.last_name == reg.last_name.value_counts().index[0])
       & (T.yob == reg.yob[reg.yob != ""].value_counts().index[0])).sum() / N
trip_tr = None
if strata is not None:
    key = T.first_name + "|" + T.last_name + "|" + T.yob
    trip_tr = round(sum(pd.Series(key.values[strata == k])[lambda x: ~x.str.endswith("|")].value_counts().iloc[0] for k in set(strata)) / N, 5)
res["full_identity"] = dict(recovered=round(okid.sum() / N, 4), chance_trivial=trip_tr, chance_register_top_triple=round(chance_id, 5),
    chance_on_file_top_triple=round(chance_id_file, 5), chance_on_file_independent_tops=round(ind, 5),
    confident=int(confid.sum()), confident_correct=int((confid & okid).sum()))
print(json.dumps(res))
