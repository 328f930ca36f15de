#!/bin/bash
# encode every extract: pop x key x schema x agency, plus the attacker's own simulation under the attacker's key
set -e
cd /work/redteam13; export PATH=/work/redteam13/venv/bin:$PATH
for p in p1 p2; do
  for k in k1 k2; do
    for s in default baseline; do
      for a in a b; do
        o=enc/${p}_${k}_${s}_${a}.parquet
        [ -f $o ] || linkcore encode data/$p/agency_$a.csv --schema enc/${p}_${s}_schema.json --mapping enc/${p}_mapping_a.json --key-file keys/$k.key -o $o -q
      done
    done
  done
  for a in a b; do
    o=enc/${p}_k1_weak_${a}.parquet
    [ -f $o ] || linkcore encode data/$p/agency_$a.csv --schema enc/${p}_weak_schema.json --mapping enc/${p}_mapping_a.json --key-file keys/k1.key -o $o -q
    for s in default baseline weak; do
      o=enc/${p}_att_${s}_sim_${a}.parquet
      [ -f $o ] || linkcore encode data/$p/sim_$a.csv --schema enc/${p}_${s}_schema.json --mapping enc/${p}_mapping_a.json --key-file keys/attacker.key -o $o -q
    done
  done
done
