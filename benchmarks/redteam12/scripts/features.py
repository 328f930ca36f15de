"""Per-record features an attacker reads from a whole encoded file (every column together):
missingness, long-value density, class sizes of every deterministic column, and, inside every
salt group rebuilt from the deterministic columns, equality and bigram-overlap with the group's
other records (first names, surnames, middle names; DOB groups and postcode+initial groups)."""
import numpy as np, lcfile

def _group_pairs(ids):
    order = np.argsort(ids, kind="stable"); s = ids[order]
    out = []
    start = 0
    for i in range(1, len(s) + 1):
        if i == len(s) or s[i] != s[start]:
            if s[start] >= 0 and i - start >= 2: out.append(order[start:i])
            start = i
    return out

def feats(t):
    cols = set(t.column_names); n = t.num_rows; F = {}
    def nul(c):
        return np.asarray(t[c].is_null().to_numpy(zero_copy_only=False)).astype(int) if c in cols else np.ones(n, int)
    F["ni_missing"] = nul("field:ni_number"); F["mid_missing"] = nul("field:middle_name")
    F["dob_missing"] = nul("field:date_of_birth"); F["pc_missing"] = nul("field:postcode")
    U = {}
    for f in ["first_name", "middle_name", "last_name", "first_name_by_postcode", "middle_name_by_postcode", "last_name_by_postcode"]:
        c = "field:" + f
        if c not in cols: continue
        b, v = lcfile.bits(t, c); u, m = lcfile.unbalance(b, v); U[f] = (u.astype(np.int32), v)
        if f in ("first_name", "middle_name", "last_name"):
            F["long_" + f] = (u.sum(1) > 1.4 * np.median(u[v].sum(1))).astype(int)
            # set bits in steps of ~one token (a length leak when a field is not padded)
            F["nbits_" + f] = np.round(u.sum(1) / 6.0).astype(int)
            # size of the column's own equality class (frequency of the class's plaintext tuple)
            cs = lcfile.class_sizes(lcfile.classes(t, c))
            F["cls_" + f] = np.where(cs > 0, np.round(np.log2(np.maximum(cs, 1)) * 3).astype(int), -1)
    ids = {}
    for c, cap in [("field:date_of_birth", 4), ("field:postcode", 6), ("field:postcode_by_date_of_birth", 3)]:
        if c in cols:
            ids[c] = lcfile.classes(t, c)
            F["cls_" + c.split(":")[1]] = np.minimum(lcfile.class_sizes(ids[c]), cap)
    def group_feats(gname, gid, fields):
        for f in fields:
            if f not in U: continue
            u, v = U[f]
            same = np.zeros(n, int); ovl = np.full(n, -1)
            for g in _group_pairs(gid):
                g = g[v[g]]
                if len(g) < 2: continue
                X = u[g]; O = X @ X.T
                d = X.sum(1)
                exp = np.outer(d, d) / X.shape[1]
                est = (O - exp) / 5.0
                for a in range(len(g)):
                    others = [b for b in range(len(g)) if b != a]
                    eq = sum(1 for b in others if O[a, b] == d[a] == d[b])
                    same[g[a]] = min(eq, 3)
                    ne = [est[a, b] for b in others if not (O[a, b] == d[a] == d[b])]
                    ovl[g[a]] = int(np.clip(np.round(max(ne)), 0, 5)) if ne else -1
            F[f"{gname}_{f}_same"] = same; F[f"{gname}_{f}_ovl"] = ovl
    if "field:date_of_birth" in ids:
        group_feats("dobg", ids["field:date_of_birth"], ["first_name", "middle_name", "last_name"])
    if "field:postcode" in ids:
        group_feats("pig", ids["field:postcode"], ["first_name_by_postcode", "middle_name_by_postcode", "last_name_by_postcode"])
    return F
