#!/bin/bash
# Encode each population's agency extract: DEFAULT and ONE-SALT schemas, two keys each, plus WEAK.
set -e
cd /work/redteam12
LC=venv/bin/linkcore
mkdir -p keys enc
for P in popA popB; do
  D=data/$P
  for K in 1 2; do [ -f keys/$P.k$K.key ] || $LC keygen -o keys/$P.k$K.key -q; done
  $LC schema suggest $D/agency.csv -o enc/$P.default.schema.json --mapping-out enc/$P.default.mapping.json --force > enc/$P.default.suggest.log 2>&1
  $LC schema suggest $D/agency.csv --one-salt -o enc/$P.onesalt.schema.json --mapping-out enc/$P.onesalt.mapping.json --force > enc/$P.onesalt.suggest.log 2>&1
  venv/bin/python scripts/make_weak_schema.py enc/$P.default.schema.json enc/$P.weak.schema.json
  cp enc/$P.default.mapping.json enc/$P.weak.mapping.json
  for S in default onesalt; do for K in 1 2; do
    $LC encode $D/agency.csv --schema enc/$P.$S.schema.json --mapping enc/$P.$S.mapping.json --key-file keys/$P.k$K.key -o enc/$P.$S.k$K.parquet --force -q
  done; done
  $LC encode $D/agency.csv --schema enc/$P.weak.schema.json --mapping enc/$P.weak.mapping.json --key-file keys/$P.k1.key -o enc/$P.weak.k1.parquet --force -q
done
ls -la enc
