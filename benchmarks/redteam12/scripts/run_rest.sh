#!/bin/bash
# After run_all.sh: twin and chain attacks, best-of combination, scoring with the trivial-chance strata.
cd /work/redteam12
for P in popA popB; do
  for F in default.k1 default.k2 onesalt.k1 onesalt.k2 weak.k1; do
    E=enc/$P.$F.parquet
    venv/bin/python scripts/attack_twins.py $E data/$P/register.csv guesses/$P.$F.twins.csv > guesses/$P.$F.twins.log 2>&1
    # A7 takes ~5 min a file: run on the k1 files only (DEFAULT, ONE-SALT, WEAK)
    case $F in *k1) [ -s guesses/$P.$F.chain.csv ] || timeout 1200 venv/bin/python -u scripts/attack_chain.py $E data/$P/register.csv guesses/$P.$F.chain.csv > guesses/$P.$F.chain.log 2>&1;; esac
    OTH="guesses/$P.$F.twins.csv"; [ -s guesses/$P.$F.chain.csv ] && OTH="$OTH guesses/$P.$F.chain.csv"
    venv/bin/python scripts/combine.py guesses/$P.$F.best.csv guesses/$P.$F.freq.csv guesses/$P.$F.shadow.csv $OTH
    for A in freq shadow twins chain best; do
      [ -s guesses/$P.$F.$A.csv ] && venv/bin/python scripts/score.py data/$P/agency.csv data/$P/register.csv guesses/$P.$F.$A.csv $P.$F.$A $E > scores/$P.$F.$A.json
    done
    echo done $P $F
  done
done
