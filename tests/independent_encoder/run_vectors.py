"""Run lcspec on every vector in tests/vectors and compare field by field, bit by bit.

usage: python tests/independent_encoder/run_vectors.py [-v] [OPT=VALUE ...] [filter-substring]
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lcspec  # noqa: E402
import canon  # noqa: E402

VEC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "vectors")


def bitdiff(a, b):
    if a is None or b is None:
        return "missing-vs-present"
    if len(a) != len(b):
        return f"length {len(a)*4} vs {len(b)*4} bits"
    x = int.from_bytes(bytes.fromhex(a), "little") ^ int.from_bytes(bytes.fromhex(b), "little")
    return f"{bin(x).count('1')} of {len(a)*4} bits differ"


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    filt = None
    for a in args:
        if "=" in a:
            k, v = a.split("=", 1)
            lcspec.OPT[k] = json.loads(v) if v not in ("py", "half_up") else v
        else:
            filt = a
    files = sorted(glob.glob(os.path.join(VEC, "*.json")))
    n_ok = 0
    bad = []
    for fn in files:
        base = os.path.basename(fn)
        if filt and filt not in base:
            continue
        vec = json.load(open(fn))
        try:
            got = lcspec.encode(vec)
        except Exception as e:  # noqa
            bad.append(base)
            print(f"{base}: EXCEPTION {type(e).__name__}: {e}")
            continue
        problems = []
        if got["key_check_value"] != vec["key_check_value"]:
            problems.append(f"key_check_value {got['key_check_value']} != {vec['key_check_value']}")
        if canon.fp(vec["schema"]) != vec["schema_fingerprint"]:
            problems.append("schema_fingerprint differs")
        for g, e in zip(got["records"], vec["expected"]):
            rid = e["id"]
            if g["id"] != rid:
                problems.append(f"{rid}: id {g['id']}")
            for k, ev in e.get("normalised", {}).items():
                gv = g["normalised"].get(k, "<absent>")
                if gv != ev:
                    problems.append(f"{rid}.normalised.{k}: got {gv!r} expected {ev!r}")
            for k, ev in e.get("tokens", {}).items():
                gv = g["tokens"].get(k, "<absent>")
                if (sorted(ev) if ev is not None else None) != gv:
                    problems.append(f"{rid}.tokens.{k}: got {gv!r} expected {ev!r}")
            for k, ev in e["fields"].items():
                gv = g["fields"].get(k, "<absent>")
                if gv != ev:
                    problems.append(f"{rid}.fields.{k}: {bitdiff(gv, ev)}")
            if "clk" in e:
                if g.get("clk") != e["clk"]:
                    problems.append(f"{rid}.clk: {bitdiff(g.get('clk'), e['clk'])}")
            for k, ev in e.get("blocking_keys", {}).items():
                gv = g["blocking_keys"].get(k, "<absent>")
                if gv != ev:
                    problems.append(f"{rid}.blocking_keys.{k}: got {gv} expected {ev}")
            extra = set(g["fields"]) - set(e["fields"])
            if extra:
                problems.append(f"{rid}: extra fields {extra}")
        if problems:
            bad.append(base)
            print(f"{base}: FAIL ({len(problems)})")
            for p in problems[: (100 if verbose else 6)]:
                print("   ", p)
        else:
            n_ok += 1
            print(f"{base}: OK")
    print(f"\n{n_ok} reproduce fully, {len(bad)} do not: {' '.join(bad)}")


if __name__ == "__main__":
    main(sys.argv[1:])
