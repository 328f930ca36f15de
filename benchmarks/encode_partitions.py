"""Encoding in partitions: one process against --partitions P here and on a 2-worker LocalCluster.

    python benchmarks/encode_partitions.py [--records 1000000] [--partitions 4] [--workers 2]
        [--input frame|csv|parquet]

The table is benchmarks/encode_speed.py's synthetic population encoded with the design
``schema suggest`` proposes for it. Each mode runs in a fresh spawned process (so generating the
data does not count) and writes its output to a temporary folder: the one-process encoder's
file (``encode`` + ``write``), ``encode_partitioned`` with P parts in that process, and the same
on a ``LocalCluster`` of N worker processes (started and warmed up with a 200-record encoding
first, not timed). Prints wall time and peak resident memory (the
client's, and on the cluster each worker's), checks that the records read back are equal (the
BLIP nonce is fixed, though the suggested design has no BLIP), and the load average.

``--input frame`` (the default) reads the table before the clock starts and hands each mode a
DataFrame; ``csv`` and ``parquet`` write the table as that file and time each mode from the
path: the one-process encoder reads it whole (``read_table``), the partitioned modes are given
a ``CsvTable`` or ``ParquetTable``, whose tasks read their own rows.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NONCE = bytes(range(16))


def _peak_rss_gb() -> float:
    """This process's peak resident memory (VmHWM), in GB.

    Not ru_maxrss: Linux carries that over from the parent into a spawned process (fork, then
    exec), so it would count the data generation, or the client's table in the workers.
    """
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def _run(mode: str, table: str, schema_doc: dict, mapping_doc: dict, out: str, partitions: int,
         workers: int, source: str, queue) -> None:
    from linkcore._io import read_table, read_table_head
    from linkcore.holder.encode import encode
    from linkcore.holder.encode_parts import CsvTable, ParquetTable, encode_partitioned
    from linkcore.holder.keys import KeySource, Secret
    from linkcore.schema import Mapping, Schema

    schema, mapping = Schema.from_dict(schema_doc), Mapping.from_dict(mapping_doc)
    key_file = str(Path(out).parent / "bench.key")
    secret = Secret.from_file(key_file)
    head = read_table_head(table)
    encode(head, schema, secret, mapping)  # compile the kernels (cached on disk anyway)
    df = read_table(table) if source == "frame" else \
        {"csv": CsvTable, "parquet": ParquetTable}[source](table)
    result: dict = {"mode": mode}
    if mode == "one":
        t0 = time.perf_counter()
        whole = df if source == "frame" else read_table(table)
        encode(whole, schema, secret, mapping, blip_nonce=NONCE).write(out)
        result["seconds"] = time.perf_counter() - t0
    elif mode == "parts":
        t0 = time.perf_counter()
        encode_partitioned(df, schema, secret, out, mapping, partitions=partitions,
                           blip_nonce=NONCE)
        result["seconds"] = time.perf_counter() - t0
    else:
        from distributed import Client, LocalCluster

        t_start = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            result["cluster_start_seconds"] = time.perf_counter() - t_start
            # warm the workers (imports, numba kernels from the cache), as the client was above
            encode_partitioned(read_table_head(table), schema, KeySource(key_file=key_file),
                               out + ".warm", mapping, partitions=1, engine="dask",
                               client=client)
            t0 = time.perf_counter()
            encode_partitioned(df, schema, KeySource(key_file=key_file), out, mapping,
                               partitions=partitions, engine="dask", client=client,
                               blip_nonce=NONCE)
            result["seconds"] = time.perf_counter() - t0
            result["worker_peak_rss_gb"] = sorted(client.run(_peak_rss_gb).values())
    result["client_peak_rss_gb"] = _peak_rss_gb()
    queue.put(result)


def _spawn(*args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--input", choices=("frame", "csv", "parquet"), default="frame",
                        help="what each mode is given: a DataFrame read before the clock "
                             "starts, or the table's path as CSV or Parquet")
    args = parser.parse_args(argv)

    from linkcore.dataset import EncodedDataset
    from linkcore.holder.keys import Secret
    from linkcore.holder.suggest import suggest_schema
    from linkcore.synth import generate_population

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores; commit {commit}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; input {args.input}")
    t0 = time.perf_counter()
    people = generate_population(args.records, seed=1).rename(columns={"person_id": "id"})
    people["id"] = people["id"].astype(str)
    schema, mapping, _ = suggest_schema(people)
    print(f"generated {len(people):,} people in {time.perf_counter() - t0:.1f} s; "
          f"fields {', '.join(schema.field_names)}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "table.csv" if args.input == "csv" else "table.parquet")
        if args.input == "csv":
            people.to_csv(table, index=False)
        else:
            people.to_parquet(table, index=False)
        del people
        Secret.generate().write(Path(tmp) / "bench.key")
        outs = {"one": os.path.join(tmp, "one.parquet"), "parts": os.path.join(tmp, "parts"),
                "dask": os.path.join(tmp, "dask")}
        for mode, out in outs.items():
            load = os.getloadavg()[0]
            r = _spawn(mode, table, schema.to_dict(), mapping.to_dict(), out, args.partitions,
                       args.workers, args.input)
            r["load_before"] = load
            results.append(r)
            extra = ""
            if mode == "dask":
                extra = (f", workers {' and '.join(f'{x:.2f}' for x in r['worker_peak_rss_gb'])}"
                         f" GB (cluster start {r['cluster_start_seconds']:.1f} s, not counted)")
            label = {"one": "one process", "parts": f"--partitions {args.partitions}, local",
                     "dask": f"--partitions {args.partitions}, {args.workers} workers"}[mode]
            print(f"{label}: {r['seconds']:.1f} s ({args.records / r['seconds']:,.0f} records/s),"
                  f" peak RSS client {r['client_peak_rss_gb']:.2f} GB{extra}; load before "
                  f"{load:.2f}")
        one = EncodedDataset.read(outs["one"])
        for mode in ("parts", "dask"):
            other = EncodedDataset.read(outs[mode])
            same = (other.meta == one.meta and (other.record_ids == one.record_ids).all()
                    and all((other.fields[f] == one.fields[f]).all() for f in one.fields)
                    and (other.missing == one.missing).all()
                    and all((other.blocking_keys[k] == one.blocking_keys[k]).all()
                            for k in one.blocking_keys))
            print(f"{mode}: records equal to the one-process file: {same}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    Path("benchmarks/out").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/out/encode_partitions.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
