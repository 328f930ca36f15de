import json, pandas as pd
rows = [json.loads(l) for l in open("/work/redteam13/results/attack.jsonl")]
df = pd.DataFrame(rows)
df = df[df.schema.isin(["default", "baseline"])]
piv = df.pivot_table(index=["attack", "field", "pop", "mode"], columns=["schema", "key"], values="reid")
piv.columns = [f"{s}_{k}" for s, k in piv.columns]
piv["diff_k1"] = piv["default_k1"] - piv["baseline_k1"]; piv["diff_k2"] = piv["default_k2"] - piv["baseline_k2"]
pd.set_option("display.width", 250); pd.set_option("display.max_rows", 500)
print(piv.round(3).to_string())
w = pd.DataFrame(rows); w = w[w.schema == "weak"]
print("\nWEAK control (names unsalted exact tokens), k1, single file:")
print(w[["pop", "attack", "field", "reid", "prec_conf"]].to_string(index=False))
c = df[df.attack.isin(["learned_structural", "learned_focused", "learned_trivial"])][["pop", "key", "schema", "mode", "attack", "field", "reid", "n_conf", "prec_conf", "top_conf_prec"]]
print("\nconfident guesses (learned):"); print(c.sort_values(["field","attack","pop","mode","schema","key"]).to_string(index=False))
