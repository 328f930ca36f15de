"""Attempt to reproduce schema_fingerprint from the spec's description of the canonical form."""
import glob, hashlib, json, os, sys, itertools
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lcspec

NORM_KEY = "normalise"
DESC_DEFAULT = ""

def norm_opts(kind, given):
    d = {"name": {"remove_titles": True}, "text": {"expand_abbreviations": True}}.get(kind, {})
    d = dict(d); d.update(given or {})
    return d

def canon_field(f):
    out = {k: f[k] for k in ("name", "kind", "filter_bits", "k", "hashing", "clk_k", "salt")}
    t = f["tokens"]
    out["tokens"] = {"type": t["type"]} if t["type"] != "qgram" else {"type": "qgram", "q": t["q"], "padded": t["padded"], "positional": t["positional"]}
    out["hardening"] = [{"type": s["type"], **({"epsilon": float(s["epsilon"])} if s["type"] == "blip" else {})} for s in f["hardening"]]
    out["comparison"] = {"thresholds": [float(x) for x in f["comparison"]["thresholds"]]}
    out[NORM_KEY] = norm_opts(f["kind"], f["normalisation"])
    for k in ("source", "key_with", "spread", "pad"):
        if f.get(k) is not None:
            out[k] = f[k]
    if f.get("disclosed"):
        out["disclosed"] = True
    return out

def canon(doc):
    s = lcspec.resolve_schema(doc)
    return {"linkcore_schema": 2, "description": doc.get("description", DESC_DEFAULT),
            "fields": [canon_field(f) for f in s["fields"]], "clk": s["clk"],
            "blocking_keys": s["blocking_keys"]}

def fp(doc):
    return hashlib.sha256(json.dumps(canon(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()).hexdigest()

if __name__ == "__main__":
    if len(sys.argv) > 1: NORM_KEY = sys.argv[1]
    ok = 0; bad = []
    for fn in sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "vectors", "*.json"))):
        v = json.load(open(fn))
        if fp(v["schema"]) == v["schema_fingerprint"]: ok += 1
        else: bad.append(os.path.basename(fn))
    print(NORM_KEY, ok, "fingerprints match;", "mismatch:", bad)
