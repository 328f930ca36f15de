"""Blocking recall estimated without labels, against the true pairs completeness, several ways.

For a folder holding two agency extracts and ``truth.csv`` (id_a, id_b), as ``linkcore synth``
or the held-out generators write them, the script encodes both under the design ``schema
suggest`` proposes (or another design of benchmarks/design_frontier.py; a fresh key), links
them with ``linkcore.link`` at its defaults and prints:

- the true pairs completeness and how the true pairs fall over the blocking keys (which keys
  each true pair agrees on), with the share a product of independent keys would give;
- ``link``'s estimate (``quality["blocking_recall"]``, its interval and method) and the scored
  sample's figure (``blocking_recall_sampled``: likely matches, p >= 0.5, outside the
  candidates among sampled records scored against every record);
- the alternatives it was chosen over: (A) 1 - prod_k(1 - P(key k present on both sides) x
  m_k[exact]) from the fitted m and the files' missingness; (B) capture-recapture with the
  candidates counted by their truth instead of their probability (what independence alone
  costs); (C) the candidates' summed probability over the model's estimated number of matches;
  (D) the scored sample with each pair counted by its probability instead of a threshold, and a
  bootstrap over the sampled records (``link`` reports it too, as ``blocking_recall_expected``,
  and uses it where capture-recapture is not defined).

Usage:
    python benchmarks/blocking_recall_check.py DIR [--design suggested] [--alternatives]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from linkcore import Secret, encode
from linkcore._io import read_table
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.blocking_recall import recall_sample
from linkcore.linkage.capture_recapture import fit_independent
from linkcore.linkage.model import weights_to_probabilities
from linkcore.linkage.pipeline import Scorer, link

sys.path.insert(0, str(Path(__file__).parent))
from design_frontier import DESIGNS, fitted  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--design", default="suggested",
                        help="a design of benchmarks/design_frontier.py (default: suggested)")
    parser.add_argument("--alternatives", action="store_true",
                        help="also compute (A)-(D); (D) scores the sample again, in this process")
    args = parser.parse_args()
    files = sorted(p.name for p in args.folder.glob("agency_*.csv"))
    df_a, df_b = read_table(args.folder / files[0]), read_table(args.folder / files[1])
    truth = pd.read_csv(args.folder / "truth.csv", dtype=str)
    base, map_a, _ = suggest_schema(df_a)
    map_b, _ = suggest_mapping(df_b, base)
    schema = DESIGNS[args.design](base)
    map_a, map_b = fitted(map_a, schema), fitted(map_b, schema)
    secret = Secret.generate()
    ea, eb = encode(df_a, schema, secret, map_a), encode(df_b, schema, secret, map_b)
    t0 = time.perf_counter()
    res = link(ea, eb, return_candidates=True)
    seconds = time.perf_counter() - t0
    q = res.quality
    completeness = res.blocking_quality(truth).pairs_completeness
    rows_a = pd.Index(ea.record_ids)
    rows_b = pd.Index(eb.record_ids)
    t = truth[truth["id_a"].isin(rows_a) & truth["id_b"].isin(rows_b)]
    tl, tr = rows_a.get_indexer(t["id_a"]), rows_b.get_indexer(t["id_b"])
    keys = list(ea.blocking_keys)

    def agree(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.stack([(ea.blocking_keys[k][left] == eb.blocking_keys[k][right])
                         & (ea.blocking_keys[k][left] != 0) for k in keys], axis=1)

    true_agree = agree(tl, tr)
    share = true_agree.mean(axis=0)
    print(f"{args.folder} ({args.design}): {len(ea):,} x {len(eb):,} records, {len(t):,} true "
          f"pairs; {time.strftime('%Y-%m-%d %H:%M')}; link {seconds:.0f} s")
    print(f"true pairs completeness {completeness:.4f}; true pairs per key "
          + ", ".join(f"{k} {s:.4f}" for k, s in zip(keys, share, strict=True))
          + f"; independent keys would give {1 - np.prod(1 - share):.4f}")
    print(f"link's estimate {q['blocking_recall']:.4f} (95% {q['blocking_recall_low']:.4f}-"
          f"{q['blocking_recall_high']:.4f}, {q['blocking_recall_method']}); scored sample "
          f"{q['blocking_recall_sampled']:.4f} ({q['blocking_sample_records']:,} records, "
          f"{q['blocking_likely_outside']:,} likely matches outside); counted by probability "
          f"{q['blocking_recall_expected']:.4f} (95% {q['blocking_recall_expected_low']:.4f}-"
          f"{q['blocking_recall_expected_high']:.4f})")
    if not args.alternatives:
        return
    m = res.model.m or {}
    fields = [k.split(".")[0] for k in keys]
    present = [float((ea.blocking_keys[k] != 0).mean() * (eb.blocking_keys[k] != 0).mean())
               for k in keys]
    caught = [p * float(m[f][1]) for p, f in zip(present, fields, strict=True)]
    print(f"(A) m-based, independent keys: {1 - np.prod(1 - np.array(caught)):.4f}")
    cand = res.candidates
    cl, cr = rows_a.get_indexer(cand["id_a"]), rows_b.get_indexer(cand["id_b"])
    patterns = agree(cl, cr).astype(np.int64) @ (1 << np.arange(len(keys)))
    pairs = set(zip(t["id_a"], t["id_b"], strict=True))
    is_true = np.fromiter((p in pairs for p in zip(cand["id_a"], cand["id_b"], strict=True)),
                          bool, len(cand))
    missed, _ = fit_independent(np.bincount(patterns, weights=is_true.astype(float),
                                            minlength=1 << len(keys)), len(keys))
    print(f"(B) capture-recapture over the keys, candidates counted by truth: {1 - missed:.4f}")
    expected = res.model.training["lambda"]["estimated_matches"]
    prob = cand["probability"].to_numpy()
    print(f"(C) summed probability / estimated matches: {prob.sum() / expected:.4f}")
    scorer = Scorer(res.model, res.salt, res.dependence, tuple(res.model.comparisons))
    sample = recall_sample(len(ea), len(eb), seed=0)
    codes = np.sort(cl.astype(np.int64) * len(eb) + cr)
    inside, outside = np.zeros(sample.size), np.zeros(sample.size)
    right = np.arange(len(eb), dtype=np.int64)
    for i, row in enumerate(sample):
        left = np.full(right.size, row, dtype=np.int64)
        p = weights_to_probabilities(scorer(res._comparator.levels(left, right)))
        code = left * len(eb) + right
        pos = np.minimum(np.searchsorted(codes, code), codes.size - 1)
        hit = codes[pos] == code
        inside[i], outside[i] = p[hit].sum(), p[~hit].sum()
    boot = np.random.default_rng(1).integers(0, sample.size, (1000, sample.size))
    ratio = inside[boot].sum(1) / (inside[boot].sum(1) + outside[boot].sum(1))
    point = inside.sum() / (inside.sum() + outside.sum())
    print(f"(D) scored sample counted by probability: {point:.4f} (95% "
          f"{np.quantile(ratio, 0.025):.4f}-{np.quantile(ratio, 0.975):.4f})")


if __name__ == "__main__":
    main()
