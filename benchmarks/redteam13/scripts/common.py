import numpy as np, pandas as pd, pyarrow.parquet as pq
from collections import defaultdict

FIELDS = ["first_name", "middle_name", "last_name", "date_of_birth", "postcode", "ni_number",
          "postcode_by_date_of_birth", "full_name_by_postcode"]


def load_enc(paths):
    """Encoded file(s) -> DataFrame with record_id, file index, and per field the raw bytes (None = missing).
    Several files (same key, same schema) are pooled: identical filters = same class across files."""
    dfs = []
    for i, p in enumerate(paths):
        t = pq.read_table(p).to_pandas()
        t["file"] = i
        dfs.append(t)
    d = pd.concat(dfs, ignore_index=True)
    out = pd.DataFrame({"record_id": d["record_id"], "file": d["file"]})
    for f in FIELDS:
        c = "field:" + f
        if c in d.columns:
            codes, _ = pd.factorize(d[c].map(lambda b: None if b is None else bytes(b)), use_na_sentinel=True)
            out[f] = codes  # -1 = missing
    return out


def load_truth(pop_dir, agency):
    tr = pd.read_csv(f"{pop_dir}/{agency}_truth.csv")
    if agency.startswith("sim"):
        reg = pd.read_csv(f"{pop_dir}/register.csv", dtype=str, keep_default_na=False)
        reg["pid"] = reg["pid"].astype(int)
        sim = pd.read_csv(f"{pop_dir}/{agency}.csv", dtype=str, keep_default_na=False)
        tr = tr.merge(reg[["pid", "first", "last", "postcode", "dob"]], on="pid", how="left")
        tr["y"] = tr["dob"].str[:4].astype(int)
        return tr.rename(columns={"postcode": "pc_true"})
    pop = pd.read_csv(f"{pop_dir}/population.csv")
    return tr.merge(pop, on="pid", how="left").rename(columns={"postcode": "pc_true"})


def class_sizes(codes):
    s = pd.Series(codes)
    vc = s[s >= 0].value_counts()
    return s.map(vc).fillna(0).astype(int).values


def nunique_within(group, other):
    """for each record: number of distinct non-missing `other` classes within its `group` class"""
    df = pd.DataFrame({"g": group, "o": other})
    m = df[(df.g >= 0) & (df.o >= 0)].groupby("g")["o"].nunique()
    return df["g"].map(m).fillna(0).astype(int).values


class UF:
    def __init__(self, n):
        self.p = np.arange(n)

    def find(self, x):
        p = self.p
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[rb] = ra

    def link_classes(self, codes, mask=None):
        first = {}
        for i, c in enumerate(codes):
            if c < 0 or (mask is not None and not mask[i]):
                continue
            if c in first:
                self.union(first[c], i)
            else:
                first[c] = i

    def labels(self):
        return np.array([self.find(i) for i in range(len(self.p))])
