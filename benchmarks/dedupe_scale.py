"""Link-and-dedupe at scale: several agencies' extracts pooled, on one process and on dask.

Generates a synthetic population and ``--agencies`` extracts with within-agency duplicates
(``linkcore synth``'s functions, moderate errors, ``--duplicate`` of the records sent twice),
about ``--records`` records in all, encodes them (not timed: the holders' work), then runs
``linkage.dedupe.link_and_dedupe`` at its defaults in each mode asked for:

- ``local``: the local engine, one range (every pair stage in this process);
- ``local:P``: the local engine over P row ranges of the pooled records (P (P + 1) / 2 cells);
- ``dask:P``: a local dask.distributed cluster of ``--workers`` processes (started before the
  timing), P ranges.

Each mode is given the files' paths, as ``linkcore link --dedupe`` gives them, so reading the
files is inside the timed call (its ``load`` stage; before 2026-12-05 noon the files were read
first and passed as datasets, which the process then held beside the pooled copy).

Per mode: wall time and the stages' times, this process's peak memory growth, each worker's
peak memory, and whether the clusters, pairs and model equal the first mode's (they must).
Then the first mode's pairwise precision, recall and F1 of the clusters against the truth.
Peak memory: the child process's own high-water mark (VmHWM; not ``ru_maxrss``, which Linux
carries from the parent that generated the data; the figures before 2026-12-05 noon were
``ru_maxrss``, so a child's peak below the parent's read as the parent's). Each mode runs in a
fresh child process.

Usage:
    python benchmarks/dedupe_scale.py [--records 200000] [--agencies 4] [--workers 2]
        [--modes local,dask:2] [--seed 5]
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from link_scale import load, worker_peak_kb  # benchmarks/ is the script's folder


def make_data(records: int, agencies: int, duplicate: float, seed: int, folder: Path) -> None:
    """Generate, encode and write the extracts and the truth into ``folder`` (not timed)."""
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret
    from linkcore.holder.suggest import suggest_mapping, suggest_schema
    from linkcore.synth import generate_population, get_profile
    from linkcore.synth.extracts import generate_extracts, truth_clusters

    people = int(records / (agencies * 0.5 * (1 + duplicate)))
    pop = generate_population(people, seed)
    profile = get_profile("moderate").with_rates(duplicate=duplicate)
    res = generate_extracts(pop, agencies, 0.5, profile, seed)
    schema, mapping, _ = suggest_schema(res.extracts[0])
    secret = Secret.generate()
    names = [f"agency_{i + 1}" for i in range(agencies)]
    for k, (name, extract) in enumerate(zip(names, res.extracts, strict=True)):
        m = mapping if k == 0 else suggest_mapping(extract, schema)[0]
        encode(extract, schema, secret, m).write(folder / f"{name}.linkcore.parquet")
    truth_clusters(res.keys, names).to_csv(folder / "truth.csv", index=False)


def run_mode(folder: Path, mode: str, workers: int, out: Path) -> None:
    """Run one mode in this process and pickle what it gave (a child process's job)."""
    from linkcore.linkage.dedupe import link_and_dedupe

    names = sorted(p.name.split(".")[0] for p in folder.glob("*.linkcore.parquet"))
    datasets = [folder / f"{n}.linkcore.parquet" for n in names]  # read as the CLI's are
    engine, _, parts = mode.partition(":")
    client = cluster = None
    if engine == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
    before = worker_peak_kb() / 1024**2  # VmHWM: ru_maxrss would carry the parent's
    t0 = time.perf_counter()
    res = link_and_dedupe(datasets, names=names, engine=engine, client=client,
                          partitions=int(parts) if parts else None)
    secs = time.perf_counter() - t0
    peaks = []
    if client is not None:
        peaks = [v / 1024**2 for v in client.run(worker_peak_kb).values()]
        client.close()
        cluster.close()
    with open(out, "wb") as fh:
        pickle.dump({"secs": secs, "timings": res.timings, "peak": worker_peak_kb() / 1024**2,
                     "before": before,
                     "workers": peaks, "clusters": res.clusters, "pairs": res.pairs,
                     "model": res.model.to_dict(), "union": res.candidate_stats["union"],
                     "quality": res.quality}, fh)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--agencies", type=int, default=4)
    ap.add_argument("--duplicate", type=float, default=0.05)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--modes", default="local,dask:2")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--run-mode", nargs=3, metavar=("FOLDER", "MODE", "OUT"),
                    help=argparse.SUPPRESS)  # a child process's job
    args = ap.parse_args()
    if args.run_mode:
        folder, mode, out = args.run_mode
        run_mode(Path(folder), mode, args.workers, Path(out))
        return
    print(f"# dedupe_scale.py on {platform.node()} ({os.cpu_count()} CPUs, "
          f"{platform.python_version()}), {time.strftime('%Y-%m-%d %H:%M')}, load {load()}")
    with tempfile.TemporaryDirectory(prefix="dedupe_scale_") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        make_data(args.records, args.agencies, args.duplicate, args.seed, folder)
        truth = pd.read_csv(folder / "truth.csv", dtype=str)
        print(f"{len(truth):,} records of {args.agencies} agencies generated and encoded in "
              f"{time.perf_counter() - t0:.1f} s (not timed)", flush=True)
        first = None
        for mode in args.modes.split(","):
            out = folder / f"{mode.replace(':', '_')}.pkl"
            subprocess.run([sys.executable, __file__, "--workers", str(args.workers),
                            "--run-mode", str(folder), mode, str(out)], check=True)
            with open(out, "rb") as fh:
                got = pickle.load(fh)
            same = ""
            if first is None:
                first = got
            else:
                equal = (got["clusters"].equals(first["clusters"])
                         and got["pairs"].equals(first["pairs"])
                         and got["model"] == first["model"])
                same = "; identical to the first mode" if equal else "; DIFFERS from the first"
            stages = ", ".join(f"{k} {v:.1f}" for k, v in got["timings"].items()
                               if k != "total")
            workers = ("; workers " + ", ".join(f"{w:.2f}" for w in got["workers"]) + " GB"
                       if got["workers"] else "")
            print(f"{mode}: {got['secs']:.1f} s [{stages}]; candidates {got['union']:,}; "
                  f"this process {got['before']:.2f} GB before, {got['peak']:.2f} GB peak"
                  f"{workers}{same}; load {load()}", flush=True)
        from linkcore.evaluate import cluster_metrics

        m = cluster_metrics(first["clusters"], truth).pairwise
        print(f"clusters against the truth (pairwise): precision {m.precision:.4f} recall "
              f"{m.recall:.4f} F1 {m.f1:.4f}; pairs accepted {len(first['pairs']):,}")


if __name__ == "__main__":
    main()
