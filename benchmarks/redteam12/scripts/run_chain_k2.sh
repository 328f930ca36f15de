#!/bin/bash
# A7 on the key-2 DEFAULT files, then the best-of combination and scoring again for them.
cd /work/redteam12
for P in popA popB; do F=default.k2; E=enc/$P.$F.parquet
  venv/bin/python -u scripts/attack_chain.py $E data/$P/register.csv guesses/$P.$F.chain.csv > guesses/$P.$F.chain.log 2>&1
  venv/bin/python scripts/combine.py guesses/$P.$F.best.csv guesses/$P.$F.freq.csv guesses/$P.$F.shadow.csv guesses/$P.$F.twins.csv guesses/$P.$F.chain.csv
  for A in chain best; do venv/bin/python scripts/score.py data/$P/agency.csv data/$P/register.csv guesses/$P.$F.$A.csv $P.$F.$A $E > scores/$P.$F.$A.json; done
  echo done $P
done
