"""Encoding speed: FEBRL4 and a 1,000,000-record synthetic table; clkhash side by side if installed.

    python benchmarks/encode_speed.py [--records 1000000] [--skip-clkhash] [--suggested]
        [--processes 2]

Prints records per second and peak memory (resident set size of a fresh worker process, so data
generation does not count). The 1M table uses a 6-field schema (first name, last name, date of
birth, sex, postcode, town) with field-level filters and a 1024-bit CLK. When clkhash is importable
(it needs bitarray<3; see benchmarks/README.md), FEBRL4 is also encoded with clkhash under an
equivalent schema (same fields, bigrams and filter length) in the same run, and the ratio printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

SIX_FIELDS = {
    "linkcore_schema": 1,
    "description": "benchmark: six fields and a CLK",
    "fields": [
        {"name": "first_name", "kind": "name"},
        {"name": "last_name", "kind": "name"},
        {"name": "date_of_birth", "kind": "date"},
        {"name": "sex", "kind": "sex"},
        {"name": "postcode", "kind": "postcode"},
        {"name": "town", "kind": "text"},
    ],
    "clk": {"bits": 1024},
}
FEBRL_SCHEMA = {
    "linkcore_schema": 1,
    "description": "benchmark: FEBRL4 fields as bigram name/text fields",
    "fields": [
        {"name": "given_name", "kind": "name"},
        {"name": "surname", "kind": "name"},
        {"name": "street_number", "kind": "identifier"},
        {"name": "address_1", "kind": "text"},
        {"name": "address_2", "kind": "text"},
        {"name": "suburb", "kind": "text"},
        {"name": "postcode", "kind": "identifier"},
        {"name": "state", "kind": "categorical"},
        {"name": "date_of_birth", "kind": "date"},
        {"name": "soc_sec_id", "kind": "identifier"},
    ],
    "clk": {"bits": 1024},
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _encode_worker(table: str, schema_doc: dict, mapping_doc: dict | None, queue,
                   processes: int = 1) -> None:
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret
    from linkcore.schema import Mapping, Schema

    df = pd.read_parquet(table)
    schema = Schema.from_dict(schema_doc)
    mapping = Mapping.from_dict(mapping_doc) if mapping_doc else Mapping.identity(schema)
    secret = Secret(hashlib.sha256(b"benchmark key").digest())
    encode(df.head(50), schema, secret, mapping)  # compile the kernels (cached on disk anyway)
    base = _peak_rss_mb()
    before = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    ds = encode(df, schema, secret, mapping, processes=processes)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU in the kernel and minor page faults: on a VM that hands free pages back to the host,
    # the first touch of fresh memory is costly (benchmarks/README.md, "Filter stage in chunks")
    queue.put({"records": len(ds), "seconds": elapsed, "peak_rss_mb": _peak_rss_mb(),
               "rss_before_mb": base, "user_s": after.ru_utime - before.ru_utime,
               "sys_s": after.ru_stime - before.ru_stime,
               "minor_faults": after.ru_minflt - before.ru_minflt,
               "children_cpu_s": (children_after.ru_utime + children_after.ru_stime
                                  - children.ru_utime - children.ru_stime),
               "child_peak_rss_mb": children_after.ru_maxrss / 1024,
               "processes": processes})


def run_linkcore(df: pd.DataFrame, schema_doc: dict, mapping_doc: dict | None,
                 processes: int = 1) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "table.parquet")
        df.to_parquet(table, index=False)
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=_encode_worker,
                           args=(table, schema_doc, mapping_doc, queue, processes))
        proc.start()
        result = queue.get()
        proc.join()
    return result


def febrl4() -> pd.DataFrame:
    from linkcore.datasets import load_febrl4

    loaded = load_febrl4()
    a, b = loaded[0], loaded[1]
    return pd.concat([a, b], ignore_index=True)


def clkhash_schema_dict(columns: list[str], bits: int = 1024, bits_per_token: int = 30) -> dict:
    """clkhash (v3 schema) equivalent of FEBRL_SCHEMA's CLK: the same fields, padded bigrams."""
    return {
        "version": 3,
        "clkConfig": {"l": bits, "kdf": {"type": "HKDF", "hash": "SHA256",
                                          "salt": "bGlua2NvcmU=", "info": "", "keySize": 64}},
        "features": [
            {"identifier": c, "format": {"type": "string", "encoding": "utf-8"},
             "hashing": {"comparison": {"type": "ngram", "n": 2, "positional": False},
                         "strategy": {"bitsPerToken": bits_per_token},
                         "hash": {"type": "doubleHash"}}}
            for c in columns
        ],
    }


def run_clkhash(df: pd.DataFrame) -> dict | None:
    try:
        from clkhash import clk
        from clkhash.schema import from_json_dict
    except Exception as exc:  # noqa: BLE001
        print(f"clkhash not importable here ({type(exc).__name__}); run this script with an "
              "environment that has clkhash and bitarray<3 for the side-by-side figure")
        return None
    cols = [f["name"] for f in FEBRL_SCHEMA["fields"]]
    schema = from_json_dict(clkhash_schema_dict(cols))
    records = df[cols].fillna("").astype(str).values.tolist()
    t0 = time.perf_counter()
    clk.generate_clks(records, schema, "secret")
    elapsed = time.perf_counter() - t0
    return {"records": len(records), "seconds": elapsed}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--skip-clkhash", action="store_true")
    parser.add_argument("--processes", type=int, default=2,
                        help="with --suggested, also encode it on this many processes")
    parser.add_argument("--suggested", action="store_true",
                        help="also encode the synthetic table with what schema suggest proposes")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")

    df = febrl4()
    mapping = {"linkcore_mapping": 1, "id_column": "rec_id",
               "fields": {f["name"]: {"column": f["name"]} for f in FEBRL_SCHEMA["fields"]}}
    mapping["fields"]["date_of_birth"]["date_format"] = "%Y%m%d"
    df = df.reset_index() if "rec_id" not in df.columns else df
    lc = run_linkcore(df, FEBRL_SCHEMA, mapping)
    rate = lc["records"] / lc["seconds"]
    print(f"FEBRL4 ({lc['records']:,} records, 10 fields + CLK): linkcore {rate:,.0f} records/s "
          f"({lc['seconds']:.2f} s), peak RSS {lc['peak_rss_mb']:,.0f} MB")
    if not args.skip_clkhash:
        ch = run_clkhash(df)
        if ch:
            ch_rate = ch["records"] / ch["seconds"]
            print(f"FEBRL4: clkhash {ch_rate:,.0f} records/s ({ch['seconds']:.2f} s); "
                  f"linkcore / clkhash = {rate / ch_rate:.1f}x")

    from linkcore.synth import generate_population

    t0 = time.perf_counter()
    people = generate_population(args.records, seed=1)
    people = people.rename(columns={"person_id": "id"})
    people["id"] = people["id"].astype(str)
    print(f"generated {len(people):,} synthetic people in {time.perf_counter() - t0:.1f} s")
    lc = run_linkcore(people, SIX_FIELDS, None)
    rate = lc["records"] / lc["seconds"]
    print(f"synthetic ({lc['records']:,} records, 6 fields + 1024-bit CLK): linkcore "
          f"{rate:,.0f} records/s ({lc['seconds']:.2f} s), peak RSS {lc['peak_rss_mb']:,.0f} MB "
          f"(worker RSS before encoding {lc['rss_before_mb']:,.0f} MB)")
    out = {"synthetic": lc}
    if args.suggested:
        from linkcore.holder.suggest import suggest_schema

        schema, mapping, _ = suggest_schema(people)
        print(f"the suggested design: {', '.join(schema.field_names)}; blocking keys "
              f"{', '.join(b.name for b in schema.blocking_keys)}")
        for processes in dict.fromkeys((1, args.processes)):
            sg = run_linkcore(people, schema.to_dict(), mapping.to_dict(), processes)
            rate = sg["records"] / sg["seconds"]
            label = "one process" if processes == 1 else f"processes={processes}"
            print(f"synthetic, the suggested design, {label}: linkcore {rate:,.0f} records/s "
                  f"({sg['seconds']:.2f} s), peak RSS {sg['peak_rss_mb']:,.0f} MB; CPU user "
                  f"{sg['user_s']:.1f} s, system {sg['sys_s']:.1f} s, child processes "
                  f"{sg['children_cpu_s']:.1f} s (largest child peak RSS "
                  f"{sg['child_peak_rss_mb']:,.0f} MB); {sg['minor_faults']:,} minor page faults")
            out["suggested" if processes == 1 else f"suggested_{processes}_processes"] = sg
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    Path("benchmarks/out").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/out/encode_speed.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
