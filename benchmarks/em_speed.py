"""EM and one-to-one resolution speed on simulated candidate pairs.

Simulates candidate-pair comparison levels from a known Fellegi-Sunter model (6 fields with
the default thresholds, 10 % missing, 2 % matches), then times: pattern counting, EM (u from
random pairs, fixed), match weights and probabilities, and greedy one-to-one resolution on
the same number of pairs (blocking-like pairs sorted by left record; plus a worst case with
unsorted pairs and continuous probabilities), and optimal resolution on smaller samples
(blocking-like small components, and a random graph with one giant component).

    python benchmarks/em_speed.py                 # 10 million pairs
    python benchmarks/em_speed.py --pairs 1000000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from linkcore.linkage.levels import FieldComparison
from linkcore.linkage.model import FellegiSunterModel, estimate_quality, pattern_counts
from linkcore.linkage.resolve import one_to_one_greedy, one_to_one_optimal


def simulate_levels(n, n_fields, lam, rng, m_true, u_true, missing_rate=0.1):
    is_match = rng.random(n) < lam
    levels = np.empty((n, n_fields), dtype=np.int8)
    for j in range(n_fields):
        draw = rng.random(n)
        lm = np.searchsorted(np.cumsum(m_true[j]), draw, side="right").clip(max=len(m_true[j]) - 1)
        lu = np.searchsorted(np.cumsum(u_true[j]), draw, side="right").clip(max=len(u_true[j]) - 1)
        levels[:, j] = np.where(is_match, lm, lu).astype(np.int8) + 1
        levels[rng.random(n) < missing_rate, j] = 0
    return levels, is_match


def timed(label, fn, results):
    """Run fn, print wall and CPU seconds (CPU is steadier on a shared machine)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    results.append((label, dt, dc))
    print(f"  {label:<66s} {dt:8.3f} s wall {dc:8.3f} s cpu", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000_000)
    parser.add_argument("--fields", type=int, default=6)
    parser.add_argument("--matches", type=float, default=0.02, help="share of matching pairs")
    parser.add_argument("--optimal-pairs", type=int, default=1_000_000)
    parser.add_argument("--optimal-random-pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    comps = [FieldComparison(f"field{j}") for j in range(args.fields)]
    n_non_missing = comps[0].n_levels - 1  # exact, 4 thresholds, else
    m_true = [np.array([0.80, 0.08, 0.05, 0.03, 0.02, 0.02])[:n_non_missing]] * args.fields
    u_true = [np.array([0.005, 0.01, 0.02, 0.04, 0.075, 0.85])[:n_non_missing]] * args.fields
    m_true = [m / m.sum() for m in m_true]
    u_true = [u / u.sum() for u in u_true]

    print(
        f"simulating {args.pairs:,} candidate pairs x {args.fields} fields "
        f"({args.matches:.0%} matches) and 1,000,000 random pairs ...",
        flush=True,
    )
    t0 = time.perf_counter()
    candidates, is_match = simulate_levels(
        args.pairs, args.fields, args.matches, rng, m_true, u_true
    )
    random_pairs, _ = simulate_levels(1_000_000, args.fields, 0.0, rng, m_true, u_true)
    print(f"  (simulation {time.perf_counter() - t0:.1f} s, not timed below)")

    results: list[tuple[str, float]] = []
    print("model:")
    patterns, _ = timed(
        "pattern counting (mixed-radix key + bincount)",
        lambda: pattern_counts(candidates, [c.n_levels for c in comps]),
        results,
    )
    model = FellegiSunterModel(comps)
    timed("estimate_u on 1,000,000 random pairs", lambda: model.estimate_u(random_pairs), results)
    em = timed("fit_em (counting + EM iterations)", lambda: model.fit_em(candidates), results)
    print(
        f"    {patterns.shape[0]:,} distinct patterns; converged={em.converged} in "
        f"{em.iterations} iterations; lambda={model.lambda_:.4f} (true {is_match.mean():.4f}); "
        f"largest |m - m_true| = "
        f"{max(np.abs(model.m[c.field][1:] - m_true[j]).max() for j, c in enumerate(comps)):.4f}"
    )
    prob = timed(
        "probabilities for every pair (table lookup)",
        lambda: model.probabilities(candidates),
        results,
    )
    q = estimate_quality(prob, 0.5)
    accepted = prob >= 0.5
    true_p = (accepted & is_match).sum() / max(accepted.sum(), 1)
    true_r = (accepted & is_match).sum() / max(is_match.sum(), 1)
    print(
        f"    at p >= 0.5: estimated precision {q['precision']:.4f} / recall {q['recall']:.4f}; "
        f"true {true_p:.4f} / {true_r:.4f}"
    )

    print("resolution:")
    n_records = max(args.pairs // 5, 10)
    left = np.sort(rng.integers(0, n_records, args.pairs))
    right = rng.integers(0, n_records, args.pairs)
    timed(
        "greedy: numba compile or cache load (tiny input)",
        lambda: one_to_one_greedy(left[:10], right[:10], prob[:10]),
        results,
    )
    mask = timed(
        f"greedy 1-1, {args.pairs:,} pairs sorted by left, model probabilities",
        lambda: one_to_one_greedy(left, right, prob),
        results,
    )
    print(f"    {mask.sum():,} pairs accepted")
    shuffle = rng.permutation(args.pairs)
    cont = rng.random(args.pairs)
    timed(
        f"greedy 1-1, {args.pairs:,} unsorted pairs, continuous probabilities",
        lambda: one_to_one_greedy(left[shuffle], right, cont),
        results,
    )
    # optimal: blocking-like structure (true pair plus confusers inside blocks of 5 records)
    k = min(args.optimal_pairs, args.pairs)
    n_rec = k // 3
    block = np.arange(n_rec) // 5
    true_l = np.arange(n_rec)
    conf_l = rng.integers(0, n_rec, k - n_rec)
    conf_r = block[conf_l] * 5 + rng.integers(0, 5, conf_l.size)
    conf_r = conf_r.clip(max=n_rec - 1)
    sub_left = np.concatenate((true_l, conf_l))
    sub_right = np.concatenate((true_l, conf_r))
    sub_p = np.concatenate((rng.uniform(0.5, 1.0, n_rec), rng.uniform(0.0, 0.8, conf_l.size)))
    opt = timed(
        f"optimal 1-1 (scipy LAPJVsp), {k:,} pairs in blocks of 5 records",
        lambda: one_to_one_optimal(sub_left, sub_right, sub_p),
        results,
    )
    greedy_total = sub_p[one_to_one_greedy(sub_left, sub_right, sub_p)].sum()
    print(f"    total probability: optimal {sub_p[opt].sum():.1f} vs greedy {greedy_total:.1f}")
    k = min(args.optimal_random_pairs, args.pairs)
    sub_left = rng.integers(0, k // 2, k)
    sub_right = rng.integers(0, k // 2, k)
    sub_p = rng.random(k)
    opt = timed(
        f"optimal 1-1, {k:,} random pairs (one giant component: worst case)",
        lambda: one_to_one_optimal(sub_left, sub_right, sub_p),
        results,
    )
    greedy_total = sub_p[one_to_one_greedy(sub_left, sub_right, sub_p)].sum()
    print(f"    total probability: optimal {sub_p[opt].sum():.1f} vs greedy {greedy_total:.1f}")


if __name__ == "__main__":
    main()
