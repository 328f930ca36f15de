"""Linkage beyond memory: n x n records encoded in chunks, linked from files with mapped filters.

The pair of link_scale.py, built so that no step holds both files' plaintext or filters in
memory: the population is generated and encoded ``--chunks`` pieces at a time (each piece its
own people, seeded from ``--seed`` and the piece's number, its record ids prefixed with it),
each piece written as one part of a partitioned dataset per side. Then ``linkcore.link``
reads both folders with their filter columns in memory-mapped scratch files
(``mapped_dir``, linkcore/mapped.py) and runs the pair stages over ``--partitions`` row
ranges per side, as ``linkcore link A B --mapped-dir DIR --partitions P`` does. Generating
the pieces is not timed (it stands for the holders' own files); encoding and the link are.

A thread samples /proc/self/status every 50 ms: the peak resident size (VmRSS), and of it the
anonymous memory (RssAnon: arrays the process allocated) and the file pages mapped
(RssFile: the scratch files' pages in the page cache, which the kernel drops under pressure
instead of failing), per stage; and the memory the whole machine could not give back
(MemTotal - MemAvailable in /proc/meminfo: every process's own memory, not the page cache).
Linux only.

Usage:
    python benchmarks/link_large.py --records 10000000 --chunks 10 --partitions 4
        [--seed 42] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from linkcore.evaluate import evaluate
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link
from linkcore.partitioned import Manifest, PartEntry, file_sha256, part_file_name, write_manifest
from linkcore.synth import generate_population, make_extracts

STATUS_KEYS = ("VmRSS", "RssAnon", "RssFile", "MemUsed")


def machine_used_gb() -> float:
    """Memory the whole machine cannot give back now (MemTotal - MemAvailable), in GB."""
    info = {}
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            key, value = line.split(":", 1)
            info[key] = int(value.split()[0])
    return (info["MemTotal"] - info["MemAvailable"]) * 1024 / 1e9


def status_gb() -> dict[str, float]:
    """This process's resident sizes now (VmRSS, RssAnon, RssFile) and the machine's, in GB."""
    out = dict.fromkeys(STATUS_KEYS, 0.0)
    out["MemUsed"] = machine_used_gb()
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key = line.split(":", 1)[0]
            if key in out:
                out[key] = int(line.split()[1]) * 1024 / 1e9
    return out


class Peaks:
    """The highest VmRSS, RssAnon and RssFile seen since the last reset (a daemon thread)."""

    def __init__(self, every: float = 0.05):
        self.every, self._stop = every, False
        self.peak = status_gb()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop:
            now = status_gb()
            self.peak = {k: max(self.peak[k], now[k]) for k in STATUS_KEYS}
            time.sleep(self.every)

    def reset(self) -> str:
        """Return the peaks so far as text and start again from the sizes now."""
        now = status_gb()
        peak = {k: max(self.peak[k], now[k]) for k in STATUS_KEYS}
        self.peak = now
        return (f"peak resident {peak['VmRSS']:.2f} GB (anonymous {peak['RssAnon']:.2f}, "
                f"mapped file pages {peak['RssFile']:.2f}); machine in use "
                f"{peak['MemUsed']:.2f} GB")

    def stop(self) -> None:
        self._stop = True


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def present_ids(df: pd.DataFrame, mapping, field: str) -> set[str]:
    """Ids of the records with a value in the columns feeding ``field``."""
    has = np.zeros(len(df), dtype=bool)
    for col in mapping.fields[field].columns:
        values = df[col]
        has |= (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()
    return set(df.loc[has, mapping.id_column].astype(str))


def encode_in_chunks(records: int, chunks: int, seed: int, work: Path
                     ) -> tuple[Path, Path, float, str]:
    """Generate, encode and write the pair piece by piece; return the folders and encode time."""
    people = int(records * 1.5 / 1.02) // chunks
    secret = Secret.generate()
    schema = map_a = map_b = None
    folders = (work / "a.parts", work / "b.parts")
    for f in folders:
        f.mkdir()
    entries: tuple[list[PartEntry], list[PartEntry]] = ([], [])
    truths, comparable = [], []
    t_encode = 0.0
    for c in range(chunks):
        pop = generate_population(people, seed * 1000 + c)
        (a, b), truth = make_extracts(pop, agencies=2, overlap=0.5, profile="moderate",
                                      seed=seed * 1000 + c)
        del pop
        if schema is None:
            schema, map_a, _ = suggest_schema(a)
            map_b, _ = suggest_mapping(b, schema)
        prefix = f"{c:04d}-"
        a[map_a.id_column] = prefix + a[map_a.id_column].astype(str)
        b[map_b.id_column] = prefix + b[map_b.id_column].astype(str)
        truth = (prefix + truth[["id_a", "id_b"]].astype(str))
        truths.append(truth)
        dob_a, dob_b = (present_ids(a, map_a, "date_of_birth"),
                        present_ids(b, map_b, "date_of_birth"))
        comparable.append(truth[truth["id_a"].isin(dob_a) & truth["id_b"].isin(dob_b)])
        for side, (table, mapping) in enumerate(((a, map_a), (b, map_b))):
            t = time.perf_counter()
            ds = encode(table, schema, secret, mapping)
            path = folders[side] / part_file_name(c)
            ds.write(path)
            t_encode += time.perf_counter() - t
            entries[side].append(PartEntry(path.name, len(ds), file_sha256(path)))
            meta = ds.meta
            del ds
        del a, b
        gc.collect()
        print(f"  piece {c + 1}/{chunks}: {entries[0][-1].records:,} x "
              f"{entries[1][-1].records:,} records; encoding so far {t_encode:.1f} s; "
              f"load {load()}", flush=True)
    for side, folder in enumerate(folders):
        write_manifest(folder, Manifest(meta.spec_version, meta.schema_fingerprint,
                                        meta.key_check_value,
                                        sum(e.records for e in entries[side]),
                                        tuple(entries[side])))
    pd.concat(truths, ignore_index=True).to_parquet(work / "truth.parquet")
    pd.concat(comparable, ignore_index=True).to_parquet(work / "truth_dob.parquet")
    keys = ", ".join(k.name for k in schema.blocking_keys)
    return folders[0], folders[1], t_encode, f"fields {', '.join(schema.field_names)}; keys {keys}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="folder for the encoded pieces and the mapped filters "
                             "(default: a temporary folder, removed at the end)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the encoded pieces and the truth into this new folder and "
                             "keep them (for --encoded)")
    parser.add_argument("--encoded", type=Path, default=None,
                        help="link the pieces a --keep run left in this folder instead of "
                             "generating and encoding them again (encoding is then not timed)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python "
          f"{platform.python_version()} numpy {np.__version__}; {time.strftime('%Y-%m-%d %H:%M')}"
          f"; load average {load()}", flush=True)
    tmp = tempfile.TemporaryDirectory(prefix="link_large_", dir=args.workdir)
    peaks = Peaks()
    t0 = time.perf_counter()
    if args.encoded is not None:
        work = args.encoded
        path_a, path_b, t_encode = work / "a.parts", work / "b.parts", 0.0
        print(f"linking the pieces kept in {work} (encoding not rerun, not timed)")
    else:
        work = Path(tmp.name) if args.keep is None else args.keep
        work.mkdir(exist_ok=True)
        path_a, path_b, t_encode, design = encode_in_chunks(args.records, args.chunks,
                                                            args.seed, work)
        print(f"encoded both in {t_encode:.1f} s ({design}); {peaks.reset()}; the pieces' "
              f"generation took {time.perf_counter() - t0 - t_encode:.1f} s more (not timed)",
              flush=True)
    mapped = Path(tmp.name) / "mapped"
    mapped.mkdir()
    t1 = time.perf_counter()

    def on_stage(name: str, info: dict) -> None:
        count = info.get("union") or info.get("pairs") or info.get("matches") or ""
        print(f"  {time.perf_counter() - t1:7.1f} s  {name:9s} {peaks.reset()}"
              f"{f'  ({count:,})' if count else ''}; load {load()}", flush=True)

    res = link(path_a, path_b, partitions=args.partitions, mapped_dir=mapped,
               on_stage=on_stage)
    t_link = time.perf_counter() - t1
    stages = ", ".join(f"{k} {v:.1f}" for k, v in res.timings.items() if k != "total")
    print(f"linked {args.partitions} x {args.partitions} cells in {t_link:.1f} s [{stages}]; "
          f"{peaks.reset()}")
    print(f"end to end (encode both + link): {t_encode + t_link:.1f} s; load {load()}")
    for r in res.candidate_stats["rules"]:
        print(f"  rule {r['rule']}: {r['pairs']:,} pairs in {r['seconds']:.1f} s")
        for what in ("per_key", "refined"):
            if what in r:
                print(f"    {what}: {r[what]}")
    print(f"  union: {res.candidate_stats['union']:,} candidate pairs")
    truth = pd.read_parquet(work / "truth.parquet")
    q = res.blocking_quality(truth)
    m = evaluate(res.matches, truth)
    print(f"  pairs completeness {q.pairs_completeness:.4f} ({q.true_pairs_found:,} of "
          f"{q.true_pairs:,} true pairs)")
    qc = res.blocking_quality(pd.read_parquet(work / "truth_dob.parquet"))
    print(f"  pairs completeness {qc.pairs_completeness:.4f} among the {qc.true_pairs:,} true "
          "pairs whose records both carry a date of birth")
    print(f"  matches {len(res.matches):,}: precision {m.precision:.4f} recall {m.recall:.4f} "
          f"F1 {m.f1:.4f} (one-to-one greedy; the truth holds duplicates, so recall < 1)")
    peaks.stop()
    del res
    tmp.cleanup()


if __name__ == "__main__":
    main()
