"""A linked population month after month: the store's update beside a full re-link.

Data: ``linkcore synth``'s functions make a population and four agency extracts in their own
styles with duplicates (``--duplicate``); each agency's extract is its universe of records.
Month 1 holds ``--start`` of each universe; every later month withdraws ``--churn`` of the
records held, adds as many from those not yet held, and changes ``--change`` of the records
held (a name change: the agency's surname-like column replaced by another record's, re-encoded).
Everything is encoded once under one random key (the changed versions too), and each month's
files are assembled from those rows, so encoding is not timed.

Per month it prints: records, the store's update time (``linkage.store.update``, one
transaction, model kept from month 1) and the time of a full re-link of the same month's files
(``link_and_dedupe``, fitted afresh, as without a store); pairwise F1 of both against the truth;
the pairs the update scored; and id stability: the share of the store's people present in both
months whose id changed although the history records no merge or split for them (0 by
construction; measured here), and the share of true people present in both months with the same
records whose store id changed.

Usage:
    python benchmarks/monthly.py [--people 6000] [--months 6] [--seed 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from linkcore.dataset import EncodedDataset
from linkcore.evaluate import cluster_metrics
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import store
from linkcore.linkage.dedupe import link_and_dedupe
from linkcore.linkage.pseudonyms import ProjectKey
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts

AGENCIES = 4
SURNAME_LIKE = ("surname", "SURNAME", "last_name")


def rows_of(base: EncodedDataset, alt: EncodedDataset, rows: np.ndarray,
            use_alt: np.ndarray) -> EncodedDataset:
    """The given rows, each from ``alt`` where ``use_alt`` else from ``base``."""
    b, a = base.subset(rows), alt.subset(rows)
    pick = use_alt[rows]
    fields = {f: np.where(pick[:, None], a.fields[f], b.fields[f]) for f in b.fields}
    missing = np.where(pick[:, None], a.missing, b.missing)
    clk = None if b.clk is None else np.where(pick[:, None], a.clk, b.clk)
    blocks = {k: np.where(pick, a.blocking_keys[k], b.blocking_keys[k]) for k in b.blocking_keys}
    return EncodedDataset(b.record_ids, fields, missing, clk, blocks, b.meta, schema=b.schema)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=6000)
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--duplicate", type=float, default=0.05)
    ap.add_argument("--start", type=float, default=0.85)
    ap.add_argument("--churn", type=float, default=0.02)
    ap.add_argument("--change", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"# monthly.py on {platform.node()} ({os.cpu_count()} CPUs), load "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
    pop = generate_population(args.people, args.seed)
    profile = get_profile("moderate").with_rates(duplicate=args.duplicate)
    res = generate_extracts(pop, AGENCIES, 0.5, profile, args.seed)
    secret = Secret(os.urandom(32))
    schema, _, _ = suggest_schema(res.extracts[0])
    names = [f"agency_{i + 1}" for i in range(AGENCIES)]
    base, alt, truth_of = {}, {}, {}
    for name, frame, keys in zip(names, res.extracts, res.keys, strict=True):
        mapping = suggest_mapping(frame, schema)[0]
        changed = frame.copy()
        col = next(c for c in SURNAME_LIKE if c in frame.columns)
        changed[col] = frame[col].sample(frac=1.0, random_state=args.seed).to_numpy()
        base[name] = encode(frame, schema, secret, mapping)
        alt[name] = encode(changed, schema, secret, mapping)
        truth_of[name] = keys.set_index(keys["record_id"].astype(str))["person_id"]
    held = {n: rng.random(len(base[n])) < args.start for n in names}
    use_alt = {n: np.zeros(len(base[n]), bool) for n in names}
    key = ProjectKey(os.urandom(32))
    path = Path(tempfile.mkdtemp()) / "people.db"
    store.create(path, base[names[0]], key)
    print(f"people {args.people:,}, {AGENCIES} agencies, duplicate rate {args.duplicate}, "
          f"universe {sum(len(b) for b in base.values()):,} records; per month churn "
          f"{args.churn:.0%} out and in, {args.change:.0%} changed")
    print("| month | records | new+changed | update s | full re-link s | pairs scored | "
          "F1 update | F1 full re-link | merges | splits | ids changed unexplained | "
          "true people with same records, id changed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    prev = None
    steps = []
    prev_records: dict[int, frozenset] = {}
    for m in range(args.months):
        month = f"2026-{m + 1:02d}"
        if m:
            for n in names:
                h = held[n]
                inside, outside = np.flatnonzero(h), np.flatnonzero(~h)
                k = int(round(args.churn * inside.size))
                h[rng.choice(inside, k, replace=False)] = False
                h[rng.choice(outside, min(k, outside.size), replace=False)] = True
                inside = np.flatnonzero(h)
                c = int(round(args.change * inside.size))
                use_alt[n][rng.choice(inside, c, replace=False)] = True
        files = {n: rows_of(base[n], alt[n], np.flatnonzero(held[n]), use_alt[n]) for n in names}
        truth = pd.concat([pd.DataFrame({"agency": n, "id": ds.record_ids,
                                         "cluster": truth_of[n].loc[ds.record_ids].to_numpy()})
                           for n, ds in files.items()], ignore_index=True)
        report = store.update(path, month, files, key, new_agencies=names if m == 0 else ())
        people = store.people(path)
        hist = store.history(path)
        f1_update = cluster_metrics(people.rename(columns={"person": "cluster"}),
                                    truth).pairwise.f1
        t0 = time.perf_counter()
        full = link_and_dedupe(list(files.values()), names=names, blocking_recall_budget=0)
        t_full = time.perf_counter() - t0
        f1_full = cluster_metrics(full.clusters, truth).pairwise.f1
        cur = people.set_index(["agency", "id"])["person"]
        unexplained = same_changed = same_total = 0
        if prev is not None:
            h = hist[hist["month"] == month]
            involved = set(h["person"]) | set(h["other"].dropna())
            both = prev.index.intersection(cur.index)
            moved = prev.loc[both] != cur.loc[both]
            old_ids = set(prev.loc[both])
            bad = set(prev.loc[both][moved]) - involved
            unexplained = len(bad) / max(len(old_ids), 1)
            t = truth.assign(key=list(zip(truth["agency"], truth["id"], strict=True)))
            recs = t.groupby("cluster")["key"].apply(frozenset).to_dict()
            for person, r in recs.items():
                if prev_records.get(person) == r:
                    same_total += 1
                    ids_now = {cur.loc[k] for k in r}
                    ids_then = {prev.loc[k] for k in r}
                    same_changed += ids_now != ids_then
            prev_records = recs
        else:
            t = truth.assign(key=list(zip(truth["agency"], truth["id"], strict=True)))
            prev_records = t.groupby("cluster")["key"].apply(frozenset).to_dict()
        delta = sum(report.added.values()) + sum(report.changed.values())
        stab = f"{same_changed / same_total:.4%}" if same_total else "-"
        print(f"| {month} | {report.records:,} | {delta:,} | {report.timings['total']:.2f} | "
              f"{t_full:.2f} | {report.pairs_scored:,} | {f1_update:.4f} | {f1_full:.4f} | "
              f"{report.merges} | {report.splits} | {unexplained:.4%} | {stab} |", flush=True)
        prev = cur
        steps.append((month, report.timings))
    for month, t in steps:
        print(f"{month} update steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()))
    print(f"store file: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
