"""Attacker-side helpers: register loading and the spec's normalisation (docs/spec.md §4)."""
import re, pandas as pd, numpy as np

FIELDS = ["first_name", "middle_name", "last_name", "dob", "yob", "postcode"]
TITLES_PRE = set("capt captain dame dr father fr lady lord madam master miss mr mrs ms mx prof professor rev revd reverend sir".split())
TITLES_POST = set("cbe esq ii iii iv jnr jr junior mbe obe phd senior snr sr".split())

def norm_name(s):
    if not isinstance(s, str) or not s.strip(): return ""
    s = s.lower()
    s = re.sub("['’‘`´]", "", s)
    w = re.sub(r"[^a-z]+", " ", s).split()
    while len(w) > 1 and w[0] in TITLES_PRE: w = w[1:]
    while len(w) > 1 and w[-1] in TITLES_POST: w = w[:-1]
    return " ".join(w)

def norm_pc(s):
    if not isinstance(s, str): return ""
    s = re.sub(r"[^A-Za-z0-9]", "", s).upper()
    if not 5 <= len(s) <= 7: return ""
    return s[:-3] + " " + s[-3:]

def load_register(path):
    r = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = pd.DataFrame({
        "reg_id": r.reg_id,
        "first_name": r.first_name.map(norm_name),
        "middle_name": r.middle_name.map(norm_name),
        "last_name": r.surname.map(norm_name),
        "postcode": r.postcode.map(norm_pc),
        "dob": r.dob,
        "yob": r.yob,
    })
    out["initial"] = out.first_name.str[:1]
    return out

def bigrams(v):
    s = "_" + v + "_"
    return {s[i:i + 2] for i in range(len(s) - 1)}
