"""The store audit beside one agency's file: what a copy of a linked population gives away.

Data as in ``benchmarks/monthly.py``: a ``linkcore synth`` population, four agency extracts in
their own styles with duplicates; month 1 holds ``--start`` of each agency's records, every later
month withdraws ``--churn``, adds as many, and changes ``--change`` of the records held (a name
change: the surname-like column replaced by another record's). The store is built month by month
with ``linkage.store.update``; the register is ``linkcore synth``'s (half the population's
adults, true values). Then, with one attacker key:

- ``run_store_audit`` on the whole store (every attack, the store attacks included);
- the same attacks on one agency's records alone (its current file, as one month sends it);
- a scan of the store file's bytes for the field filters of every encoding the store withdrew or
  replaced (what ``secure_delete`` should have overwritten).

``--names unsalted`` encodes names without salts (the attacks must break that); ``--names
year`` salts them with the year of birth only (the shape whose salt groups come back). Prints
per field the best attack and its rate against chance, for the store and for the one file.

Usage:
    python benchmarks/store_audit.py [--people 6000] [--months 6] [--seed 3]
        [--names default|unsalted|year] [--keep-store DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from linkcore.audit.store import run_store_audit
from linkcore.dataset import EncodedDataset
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import store
from linkcore.linkage.pseudonyms import ProjectKey
from linkcore.schema import KeyPart
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts
from linkcore.synth.register import make_register

AGENCIES = 4
SURNAME_LIKE = ("surname", "SURNAME", "last_name")


def names_salted(schema, how: str):  # noqa: ANN001, ANN201 - a benchmark helper
    """The schema with one view per name: unsalted, or salted with the year of birth."""
    salt = None if how == "unsalted" else KeyPart("date_of_birth", "year")
    fields = tuple(dataclasses.replace(f, salt=salt if f.kind == "name" else f.salt,
                                       key_with=None) for f in schema.fields
                   if f.source is None)
    return dataclasses.replace(schema, fields=fields)


def build(args: argparse.Namespace, folder: Path):  # noqa: ANN201
    """Build the store month by month; return its path, the last month's plaintexts, schema."""
    rng = np.random.default_rng(args.seed)
    pop = generate_population(args.people, args.seed)
    profile = get_profile("moderate").with_rates(duplicate=args.duplicate)
    res = generate_extracts(pop, AGENCIES, 0.5, profile, args.seed)
    schema = suggest_schema(res.extracts[0])[0]
    if args.names != "default":
        schema = names_salted(schema, args.names)
    secret = Secret(os.urandom(32))
    names = [f"agency_{i + 1}" for i in range(AGENCIES)]
    frames, alts, base, alt, maps = {}, {}, {}, {}, {}
    for name, frame in zip(names, res.extracts, strict=True):
        frame = frame.reset_index(drop=True)
        mapping = suggest_mapping(frame, schema)[0]
        changed = frame.copy()
        col = next(c for c in SURNAME_LIKE if c in frame.columns)
        changed[col] = frame[col].sample(frac=1.0, random_state=args.seed).to_numpy()
        frames[name], alts[name], maps[name] = frame, changed, mapping
        base[name] = encode(frame, schema, secret, mapping)
        alt[name] = encode(changed, schema, secret, mapping)
    held = {n: rng.random(len(base[n])) < args.start for n in names}
    use_alt = {n: np.zeros(len(base[n]), bool) for n in names}
    key = ProjectKey(os.urandom(32))
    path = folder / "people.db"
    store.create(path, base[names[0]], key)
    with sqlite3.connect(path) as conn:
        codec = store._Codec(dict(conn.execute("SELECT key, value FROM meta")))  # noqa: SLF001
    conn.close()
    gone: list[bytes] = []  # every record encoding (the store's BLOB) the store dropped
    prev: dict[str, dict[int, bytes]] = {n: {} for n in names}
    for m in range(args.months):
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
        files = {}
        for n in names:
            rows = np.flatnonzero(held[n])
            ds = base[n].subset(rows)
            a = alt[n].subset(rows)
            pick = use_alt[n][rows]
            fields = {f: np.where(pick[:, None], a.fields[f], ds.fields[f]) for f in ds.fields}
            blocks = {k: np.where(pick, a.blocking_keys[k], ds.blocking_keys[k])
                      for k in ds.blocking_keys}
            clk = None if ds.clk is None else np.where(pick[:, None], a.clk, ds.clk)
            files[n] = EncodedDataset(ds.record_ids, fields,
                                      np.where(pick[:, None], a.missing, ds.missing), clk,
                                      blocks, ds.meta, schema=ds.schema)
            now = dict(zip(rows.tolist(), codec.encode(files[n]), strict=True))
            gone += [b for r, b in prev[n].items() if now.get(r) != b]
            prev[n] = now
        store.update(path, f"2026-{m + 1:02d}", files, key,
                     new_agencies=names if m == 0 else ())
    plaintexts = {}
    for n in names:
        rows = np.flatnonzero(held[n])
        frame = frames[n].iloc[rows].copy()
        pick = use_alt[n][rows]
        frame.loc[frame.index[pick]] = alts[n].iloc[rows][pick].to_numpy()
        plaintexts[n] = (frame, maps[n])
    register = make_register(pop, args.seed)
    return path, plaintexts, register, schema, gone


def best_lines(result) -> dict[str, tuple[str, float, float, float | None]]:  # noqa: ANN001
    """Per target: (best attack, re-identified, baseline, confident precision)."""
    out = {}
    for v in result.verdicts:
        r = result.result(v.target, v.attack) if v.attack else None
        prec = None if r is None or r.score is None else r.score.confident_precision
        out[v.target] = (v.attack or "-", v.reidentified, v.chance, prec)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=6000)
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--duplicate", type=float, default=0.05)
    ap.add_argument("--start", type=float, default=0.85)
    ap.add_argument("--churn", type=float, default=0.02)
    ap.add_argument("--change", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--names", choices=("default", "unsalted", "year"), default="default",
                    help="names as suggested (salted with the date of birth, and again with "
                         "the postcode), or one view unsalted (weak), or salted with the year")
    ap.add_argument("--keep-store", type=Path, help="build the store in this folder and keep it")
    args = ap.parse_args()
    print(f"# store_audit.py on {platform.node()} ({os.cpu_count()} CPUs), load "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')} UTC; "
          f"people {args.people}, months {args.months}, names {args.names}")
    folder = args.keep_store or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    path, plaintexts, register, schema, gone = build(args, folder)
    print(f"built the store in {time.perf_counter() - t0:.0f} s: {path.stat().st_size / 1e6:.1f}"
          f" MB")
    raw = path.read_bytes()
    with sqlite3.connect(path) as conn:
        current = {b for b, in conn.execute("SELECT data FROM encodings")}
    conn.close()
    dropped = set(gone) - current
    found = sum(1 for b in dropped if b in raw)
    print(f"withdrawn or replaced record encodings: {len(dropped):,}; found in the store "
          f"file's bytes: {found:,}")
    reg_map = suggest_mapping(register, schema)[0]
    attacker = Secret(os.urandom(32))
    t0 = time.perf_counter()
    whole = run_store_audit(path, plaintexts, register, reg_map, attacker_key=attacker)
    t_whole = time.perf_counter() - t0
    t0 = time.perf_counter()
    one = run_store_audit(path, {"agency_1": plaintexts["agency_1"]}, register, reg_map,
                          attacker_key=attacker, agencies=["agency_1"])
    t_one = time.perf_counter() - t0
    print(f"store: {whole.store}")
    print(f"whole store audited in {t_whole:.0f} s ({whole.records:,} records); agency_1 alone "
          f"in {t_one:.0f} s ({one.records:,} records); register {len(register):,}")
    print("| target | one file: best attack | re-id | baseline | store: best attack | re-id | "
          "baseline | confident prec. |")
    print("|---|---|---|---|---|---|---|---|")
    a, b = best_lines(one), best_lines(whole)
    for target in b:
        x = a.get(target, ("-", 0.0, 0.0, None))
        y = b[target]
        prec = "-" if y[3] is None else f"{y[3]:.1%}"
        print(f"| {target} | {x[0]} | {x[1]:.1%} | {x[2]:.1%} | {y[0]} | {y[1]:.1%} | "
              f"{y[2]:.1%} | {prec} |")
    print("\nstore, every attack:")
    for line in whole.summary_lines():
        print(line)
    print("\none file, every attack:")
    for line in one.summary_lines():
        print(line)


if __name__ == "__main__":
    main()
