"""Several agencies with duplicates: link-and-dedupe against link-only clusters.

The data is what ``linkcore synth --agencies 4 --rate duplicate=R`` writes (the same
functions): a population, four agency extracts in their own styles with duplicate records
within each agency, and every record's true person. Each extract is encoded with linkcore's
suggested schema (``suggest_schema`` on the first, ``suggest_mapping`` on the others) under a
fresh random key. Then, unsupervised and at the defaults (threshold 0.5):

- ``link_and_dedupe`` (linkage/dedupe.py): one model over every pair of distinct records,
  clustered three ways from the same pairs (checked, the default; connected components; at
  most one record per agency);
- optionally (``--link-many``) ``link_many``: each pair of files linked on its own, clusters
  with at most one record per agency (what ``linkcore link A B C D`` does without --dedupe).

Prints, against the truth: pairwise precision/recall/F1 over all pairs, within one agency and
across agencies; B-cubed; the share of people whose records form exactly one cluster; the
pairs at the threshold before clustering beside the model's own estimates; time per stage
and peak memory (the process's maximum resident set).

Usage:
    python benchmarks/multi_agency.py [--people 20000] [--duplicate 0.05] [--seed 11]
                                      [--link-many]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time

import numpy as np
import pandas as pd

from linkcore.evaluate import cluster_metrics
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.dedupe import cluster_pairs, link_and_dedupe
from linkcore.linkage.pipeline import link_many
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts, truth_clusters

AGENCIES = 4


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show(label: str, clusters: pd.DataFrame, truth: pd.DataFrame) -> None:
    m = cluster_metrics(clusters, truth)
    print(f"  {label}: {m.predicted_clusters:,} clusters for {m.people:,} people")
    for name, x in (("all pairs", m.pairwise), ("within agency", m.within),
                    ("across agencies", m.across)):
        print(f"    {name:16s} P {x.precision:.4f}  R {x.recall:.4f}  F1 {x.f1:.4f}  "
              f"(tp {x.tp:,}  fp {x.fp:,}  fn {x.fn:,})")
    print(f"    B-cubed          P {m.bcubed_precision:.4f}  R {m.bcubed_recall:.4f}  "
          f"F1 {m.bcubed_f1:.4f};  people in exactly one cluster {m.exact_share:.4f}")


def pair_truth(pairs: pd.DataFrame, truth: pd.DataFrame) -> tuple[int, int]:
    """(true pairs among the accepted pairs, all true pairs)."""
    person = dict(zip(truth["agency"] + "/" + truth["id"], truth["cluster"], strict=True))
    pa = (pairs["agency_a"] + "/" + pairs["id_a"]).map(person)
    pb = (pairs["agency_b"] + "/" + pairs["id_b"]).map(person)
    sizes = truth.groupby("cluster").size().to_numpy()
    return int((pa == pb).sum()), int((sizes * (sizes - 1) // 2).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--duplicate", type=float, default=0.05,
                        help="duplicate rate per agency (the profile's 'duplicate')")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--link-many", action="store_true",
                        help="also run link_many (each pair of files on its own)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python "
          f"{platform.python_version()} numpy {np.__version__}; "
          f"{time.strftime('%Y-%m-%d %H:%M')}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    t0 = time.perf_counter()
    pop = generate_population(args.people, args.seed)
    profile = get_profile("moderate").with_rates(duplicate=args.duplicate)
    synth = generate_extracts(pop, AGENCIES, 0.5, profile, args.seed)
    names = [str(i + 1) for i in range(AGENCIES)]
    truth = truth_clusters(synth.keys, names)
    schema, map_1, _ = suggest_schema(synth.extracts[0])
    secret = Secret.generate()
    encoded = [encode(synth.extracts[0], schema, secret, map_1)]
    for extract in synth.extracts[1:]:
        encoded.append(encode(extract, schema, secret, suggest_mapping(extract, schema)[0]))
    t_prep = time.perf_counter() - t0
    sizes = truth.groupby(["agency", "cluster"]).size().to_numpy()
    within_true = int((sizes * (sizes - 1) // 2).sum())
    print(f"data: {args.people:,} people, {AGENCIES} agencies (overlap 0.5, moderate, duplicate "
          f"{args.duplicate}), records {', '.join(f'{len(d):,}' for d in encoded)} "
          f"({len(truth):,} in all, {truth['cluster'].nunique():,} people); "
          f"{within_true:,} true pairs within one agency; fields "
          f"{', '.join(schema.field_names)}; generated and encoded in {t_prep:.1f} s")

    mem0 = peak_mb()
    t0 = time.perf_counter()
    res = link_and_dedupe(encoded, names=names)
    wall = time.perf_counter() - t0
    print(f"link_and_dedupe: {wall:.1f} s ("
          + ", ".join(f"{k} {v:.1f}" for k, v in res.timings.items() if k != "total")
          + f"); peak memory {peak_mb():,.0f} MB (before: {mem0:,.0f} MB)")
    print(f"  candidates {res.candidate_stats['union']:,} (each pair of distinct records once; "
          + ", ".join(f"{r['rule']} {r['pairs']:,}" for r in res.candidate_stats["rules"]) + ")")
    lam = res.model.training.get("lambda", {})
    print(f"  estimated matches (training) {lam.get('estimated_matches', float('nan')):,.0f}")
    tp, n_true = pair_truth(res.pairs, truth)
    n_acc = len(res.pairs)
    p_true = tp / n_acc if n_acc else 1.0
    r_true = tp / n_true if n_true else 1.0
    q = res.quality
    print(f"  pairs at p >= 0.5 before clustering: {n_acc:,}; against the truth P {p_true:.4f} "
          f"R {r_true:.4f} F1 {2 * p_true * r_true / (p_true + r_true):.4f}; model's estimate "
          f"P {q['precision']:.4f} R {q['recall']:.4f} F1 {q['f1']:.4f}")
    show("clustering 'checked' (default)", res.clusters, truth)
    # the other clusterings from the same accepted pairs
    pos = pd.Series(np.arange(len(res.clusters)),
                    index=res.clusters["agency"] + "/" + res.clusters["id"])
    left = pos.loc[res.pairs["agency_a"] + "/" + res.pairs["id_a"]].to_numpy()
    right = pos.loc[res.pairs["agency_b"] + "/" + res.pairs["id_b"]].to_numpy()
    source = res.clusters["agency"].map({n: i for i, n in enumerate(names)}).to_numpy()
    prob = res.pairs["probability"].to_numpy()
    for method in ("components", "one-per-agency"):
        t1 = time.perf_counter()
        labels = cluster_pairs(left, right, prob, source, method)
        show(f"clustering '{method}' ({time.perf_counter() - t1:.2f} s)",
             res.clusters.assign(cluster=labels), truth)

    if args.link_many:
        t0 = time.perf_counter()
        many = link_many(encoded)
        wall = time.perf_counter() - t0
        cl = many.clusters
        table = cl.assign(agency=np.asarray(names, dtype=object)[cl["party"].to_numpy()])
        print(f"link_many (6 pairwise links, one record per agency): {wall:.1f} s; "
              f"peak memory {peak_mb():,.0f} MB")
        show("link_many", table[["agency", "id", "cluster"]], truth)


if __name__ == "__main__":
    main()
