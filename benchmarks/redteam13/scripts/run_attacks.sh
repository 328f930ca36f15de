#!/bin/bash
cd /work/redteam13; mkdir -p results
for p in p1 p2; do for k in k1 k2; do for s in default baseline; do for m in single pooled; do
  venv/bin/python scripts/attack.py $p $k $s $m
done; done; done
venv/bin/python scripts/attack.py $p k1 weak single
done > results/attack.jsonl 2> results/attack.err
