#!/usr/bin/env python3
"""Best attack per record and field. Order: confident guesses of frequency alignment / pattern
mining, then confident guesses of the twin and chain attacks, then the shadow model's confident
guesses, then the shadow model's other guesses (which fall back on the register's priors), then
anything else.  usage: combine.py OUT.csv FREQ.csv SHADOW.csv [OTHER.csv ...]"""
import sys, pandas as pd
out, freq, shadow, *others = sys.argv[1:]
parts = []
def rd(p, rc, rn):
    d = pd.read_csv(p, dtype=str, keep_default_na=False)
    d["rank"] = d.confident.map(lambda x: rc if x == "True" else rn); parts.append(d)
rd(freq, 0, 5); rd(shadow, 2, 3)
for o in others: rd(o, 1, 4)
g = pd.concat(parts).sort_values("rank", kind="stable").drop_duplicates(["record_id", "field"]).drop(columns="rank")
g.to_csv(out, index=False)
