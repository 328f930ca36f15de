#!/bin/bash
# A1+A4 (attack_freq) and A2 (attack_shadow) on every encoded file; run_rest.sh does the rest and scoring.
cd /work/redteam12
mkdir -p guesses scores
for P in popA popB; do
  for F in default.k1 default.k2 onesalt.k1 onesalt.k2 weak.k1; do
    E=enc/$P.$F.parquet
    venv/bin/python scripts/attack_freq.py $E data/$P/register.csv guesses/$P.$F.freq.csv > guesses/$P.$F.freq.log 2>&1
    venv/bin/python scripts/attack_shadow.py $E data/$P/register.csv keys_attacker/attacker.key work/$P.$F guesses/$P.$F.shadow.csv > guesses/$P.$F.shadow.log 2>&1
    echo done $P $F
  done
done
