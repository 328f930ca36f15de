"""Linkage at scale: n x n synthetic records, encode both files and link them end to end.

Generates a synthetic population whose two agency extracts hold about ``--records`` records
each (overlap 0.5, moderate errors), then times: encoding both extracts with linkcore's
suggested schema, and ``linkcore.link`` at its defaults (blocking: keyed blocking keys and LSH
on the encodings; see linkage/blocking.py). Generating the population is not timed (it stands
for the data holders' own files). Prints the time per stage, the candidate pairs per rule,
pairs completeness against the truth (from the run's own candidates), F1, the process's peak
memory (ru_maxrss) and the load average (the machine is shared).

With ``--engine dask --workers N`` the pair stages run on a local dask.distributed cluster
of N worker processes (started before the timing; ``--partitions`` row ranges per side), and
each worker's peak memory is printed too.

With ``--files`` both encodings are written as linkcore files first (not timed) and linked by
path, as ``linkcore link`` does: the link time then includes reading them, and on dask each
worker reads its own rows from the files instead of receiving them from this process.

With ``--splink`` (and /work/venvs/splink4 present: ``pip install "splink>=4,<5" pandas``
there), plaintext Splink runs on the same two extracts after linkcore (whose results are let go
first), in its own process with DuckDB's memory limit at ``--splink-memory``
(benchmarks/splink_baseline.py with the maps in splink_maps/ for these layouts, the national
insurance number compared when linkcore's schema has it), and its summary is printed below
linkcore's: the same pair, the same run.

With ``--processes N`` each file is encoded on N processes of this machine (``encode(...,
processes=N)``; the same bytes as one process).

Usage:
    python benchmarks/link_scale.py [--records 100000] [--seed 42]
        [--engine local|dask] [--workers 2] [--partitions P] [--files] [--splink]
        [--processes 1]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from linkcore.evaluate import evaluate
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link
from linkcore.synth import generate_population, make_extracts

HERE = Path(__file__).resolve().parent
SPLINK_PYTHON = Path("/work/venvs/splink4/bin/python")


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def worker_peak_kb() -> int:
    """A worker's own peak memory, VmHWM (run on each worker).

    Not ru_maxrss: Linux carries the parent's peak across fork and exec into it, so every
    worker would report the client's peak at the time the cluster started.
    """
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def truth_with_field(truth, a, b, map_a, map_b, field: str):
    """The true pairs whose two records both have a value in the columns feeding ``field``."""
    if field not in map_a.fields or field not in map_b.fields:
        return None
    def present(df, mapping):
        has = np.zeros(len(df), dtype=bool)
        for col in mapping.fields[field].columns:
            values = df[col]
            has |= (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()
        return set(df.loc[has, mapping.id_column].astype(str))

    ok_a, ok_b = present(a, map_a), present(b, map_b)
    keep = truth["id_a"].astype(str).isin(ok_a) & truth["id_b"].astype(str).isin(ok_b)
    return truth[keep]


def write_plaintext(a, b, truth, folder: Path) -> None:
    """Write the pair and its truth as CSV for the plaintext Splink baseline (not timed)."""
    a.to_csv(folder / "a.csv", index=False)
    b.to_csv(folder / "b.csv", index=False)
    truth[["id_a", "id_b"]].to_csv(folder / "truth.csv", index=False)


def run_splink(folder: Path, with_id: bool, memory: str) -> None:
    """Run plaintext Splink on the pair in its own venv and print its summary lines."""
    cmd = [str(SPLINK_PYTHON), str(HERE / "splink_baseline.py"), "--a", str(folder / "a.csv"),
           "--b", str(folder / "b.csv"), "--truth", str(folder / "truth.csv"),
           "--map-a", str(HERE / "splink_maps" / "map_d0_1.json"),
           "--map-b", str(HERE / "splink_maps" / "map_d0_2.json")] + \
        (["--with-id"] if with_id else [])
    env = dict(os.environ, SPLINK_DUCKDB_MEMORY=memory)
    run = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if run.returncode:
        print(f"plaintext Splink failed (exit {run.returncode}): "
              f"{run.stderr.strip().splitlines()[-1:]}")
        return
    print("plaintext Splink on the same pair (its own process, after linkcore):")
    for line in run.stdout.splitlines():
        if not line.startswith("JSON:"):
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--processes", type=int, default=1,
                        help="processes each file is encoded on (encode's processes)")
    parser.add_argument("--files", action="store_true",
                        help="write both encodings to files (not timed) and link the paths")
    parser.add_argument("--splink", action="store_true",
                        help="run plaintext Splink on the same pair afterwards")
    parser.add_argument("--splink-memory", default="10GB",
                        help="DuckDB's memory limit for Splink (it spills to disk beyond it)")
    args = parser.parse_args()
    if args.splink and not SPLINK_PYTHON.exists():
        parser.error(f"--splink needs {SPLINK_PYTHON}")
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python "
          f"{platform.python_version()} numpy {np.__version__}; {time.strftime('%Y-%m-%d %H:%M')}"
          f"; load average {load()}")
    t = time.perf_counter()
    people = int(args.records * 1.5 / 1.02)
    pop = generate_population(people, args.seed)
    (a, b), truth = make_extracts(pop, agencies=2, overlap=0.5, profile="moderate",
                                  seed=args.seed)
    print(f"generated {len(a):,} x {len(b):,} records ({len(truth):,} true pairs) in "
          f"{time.perf_counter() - t:.1f} s (not timed below)")
    plain = tempfile.TemporaryDirectory(prefix="link_scale_plain_") if args.splink else None
    if plain is not None:  # for Splink, written before any timing starts
        write_plaintext(a, b, truth, Path(plain.name))

    t0 = time.perf_counter()
    schema, map_a, _ = suggest_schema(a)
    map_b, _ = suggest_mapping(b, schema)
    secret = Secret.generate()
    ea = encode(a, schema, secret, map_a, processes=args.processes)
    eb = encode(b, schema, secret, map_b, processes=args.processes)
    t_encode = time.perf_counter() - t0
    print(f"encoded both in {t_encode:.1f} s on {args.processes} process(es) each "
          f"(fields {', '.join(schema.field_names)}; "
          f"blocking keys {', '.join(k.name for k in schema.blocking_keys)}); peak memory "
          f"{peak_gb():.2f} GB; load average {load()}", flush=True)
    comparable = truth_with_field(truth, a, b, map_a, map_b, "date_of_birth")
    del a, b, pop
    tmp = None
    inputs = (ea, eb)
    if args.files:
        tmp = tempfile.TemporaryDirectory(prefix="link_scale_")
        inputs = (os.path.join(tmp.name, "a.linkcore.parquet"),
                  os.path.join(tmp.name, "b.linkcore.parquet"))
        ea.write(inputs[0])
        eb.write(inputs[1])
        del ea, eb
        print(f"wrote both to {tmp.name} (not timed)", flush=True)
    client = cluster = None
    if args.engine == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
    t1 = time.perf_counter()
    res = link(*inputs, engine=args.engine, client=client, partitions=args.partitions)
    t_link = time.perf_counter() - t1
    print(f"engine {args.engine}" + (f", {args.workers} worker processes" if client else "")
          + f", partitions {args.partitions or 'default'}"
          + (", linked from files" if args.files else ""))
    if client is not None:
        peaks = client.run(worker_peak_kb)
        print("  worker peak memory: " + ", ".join(f"{v / 1024**2:.2f} GB"
                                                   for v in peaks.values()))
        client.close()
        cluster.close()
    # the two timed steps; not the truth's bookkeeping, file writing or the cluster's start
    t_total = t_encode + t_link
    stages = ", ".join(f"{k} {v:.1f}" for k, v in res.timings.items() if k != "total")
    print(f"end to end (encode both + link): {t_total:.1f} s  [encode {t_encode:.1f}, "
          f"link {t_link:.1f}: {stages}]")
    for r in res.candidate_stats["rules"]:
        extra = (f" ({r['bands']} bands x {r['bits_per_band']} bits)" if r["rule"] == "lsh"
                 else "")
        print(f"  rule {r['rule']}{extra}: {r['pairs']:,} pairs in {r['seconds']:.1f} s")
    print(f"  union: {res.candidate_stats['union']:,} candidate pairs")
    print(f"  peak memory (this process): {peak_gb():.2f} GB; load average {load()}")
    q = res.blocking_quality(truth)
    m = evaluate(res.matches, truth)
    print(f"  pairs completeness {q.pairs_completeness:.4f} ({q.true_pairs_found:,} of "
          f"{q.true_pairs:,} true pairs), reduction ratio {q.reduction_ratio:.8f}")
    if comparable is not None:
        qc = res.blocking_quality(comparable)
        print(f"  pairs completeness {qc.pairs_completeness:.4f} among the {qc.true_pairs:,} true "
              "pairs whose records both carry a date of birth (the salt of the name fields: "
              "without it a name cannot be compared)")
    print(f"  matches {len(res.matches):,}: precision {m.precision:.4f} recall {m.recall:.4f} "
          f"F1 {m.f1:.4f} (one-to-one greedy; the truth holds duplicates, so recall < 1)")
    if tmp is not None:
        tmp.cleanup()
    if plain is not None:
        res = q = m = truth = comparable = inputs = ea = eb = None  # let linkcore's memory go
        gc.collect()
        run_splink(Path(plain.name), any(f.kind == "identifier" for f in schema.fields),
                   args.splink_memory)
        plain.cleanup()


if __name__ == "__main__":
    main()
