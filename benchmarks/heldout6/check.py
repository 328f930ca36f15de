"""Checks run on the generator's output (needs pandas): python check.py N SEED"""
import hashlib, os, subprocess, sys, time
import pandas as pd

n, seed = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
files = ["agency_a.csv", "agency_b.csv", "truth.csv", "register.csv"]
digests = []
for run, hashseed in ((1, "1"), (2, "12345")):
    out = f"/tmp/h6check_{run}"
    t = time.time()
    subprocess.run([sys.executable, os.path.join(here, "generator.py"), out, "--people", n, "--seed", seed, "--force"],
                   check=True, env={**os.environ, "PYTHONHASHSEED": hashseed}, stdout=subprocess.DEVNULL)
    print(f"run {run} (PYTHONHASHSEED={hashseed}): {time.time() - t:.1f} s")
    digests.append({f: hashlib.sha256(open(os.path.join(out, f), "rb").read()).hexdigest() for f in files})
for f in files:
    print(f"determinism {f}: {'identical' if digests[0][f] == digests[1][f] else 'DIFFERENT'} sha256={digests[0][f][:16]}...")
assert digests[0] == digests[1]

d = {f: pd.read_csv(f"/tmp/h6check_1/{f}", dtype=str, keep_default_na=False) for f in files}
for f, df in d.items():
    print(f"loads {f}: {df.shape[0]} rows, columns {list(df.columns)}")
for f in ("agency_a.csv", "agency_b.csv", "register.csv"):
    assert d[f]["id"].is_unique and (d[f]["id"] != "").all(), f
    print(f"no duplicate or empty ids in {f}")
t = d["truth.csv"]
assert t["id_a"].isin(d["agency_a.csv"]["id"]).all() and t["id_b"].isin(d["agency_b.csv"]["id"]).all()
assert t["id_a"].is_unique and t["id_b"].is_unique and not t.duplicated().any()
print("every truth id exists in its extract; each person at most once per agency (id_a, id_b unique)")
ids = set(d["agency_a.csv"]["id"]) | set(d["agency_b.csv"]["id"]) | set(d["register.csv"]["id"])
assert len(ids) == sum(len(d[f]) for f in ("agency_a.csv", "agency_b.csv", "register.csv"))
print("ids are distinct across the three extracts")
for f in ("agency_a.csv", "agency_b.csv"):
    share = len(t) / len(d[f])
    assert 0.35 <= share <= 0.60, (f, share)
    print(f"{f}: {share:.1%} of records in truth pairs (target 35-60%)")
print("ALL CHECKS PASSED")
