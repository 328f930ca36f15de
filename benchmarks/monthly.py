"""A linked population month after month: the store's update beside a full re-link (and Splink).

Data: ``linkcore synth``'s functions make a population and four agency extracts in their own
styles with duplicates (``--duplicate``); each agency's extract is its universe of records.
Month 1 holds ``--start`` of each universe; every later month, per agency, withdraws
``--churn`` of the records held and adds as many from those not yet held, changes ``--change``
of the records held (a name change: the agency's surname-like column replaced by another
record's, re-encoded), and re-registers ``--reregister`` of them (the agency withdraws the
record and sends the same person's record under a fresh record id). Everything is encoded once
under one random key (the changed versions too), and each month's files are assembled from
those rows, so encoding is not timed.

Per month it prints: records, new or changed records (the store's added + changed, which
counts a re-registered record as added), the store's update time (``linkage.store.update``,
one transaction, model and blocking rules kept from month 1) and the time of a full re-link of
the same month's files (``link_and_dedupe``, fitted afresh, as without a store), in wall-clock
seconds and as a ratio, also of the process's CPU seconds (all threads; steadier than wall time
on a shared machine); pairwise F1 of
both against the truth; with ``--splink`` (and /work/venvs/splink4 present), plaintext Splink's
``link_and_dedupe`` on the same month's plaintext extracts (benchmarks/splink_multi.py, run in
that venv): its predicted pairs' F1 at p >= 0.5 and at its best threshold (chosen with the
truth), and the F1 of its clusters at p >= 0.5; and id stability: the share of the store's
people present in both months whose id changed although the history records no merge or split
for them, the share of true people present in both months with the same records whose store id
changed, and the share of those people who also had been held exactly right by the store (one
id for exactly their records) the month before; the share whose id changed without the
change bringing the store nearer the truth for them (a real merge or split leaves no more ids
over their records and no more other people's records under those ids, and one of the two
fewer): the issue's "changed id without a real merge or split"; the same share among the true
people none of whose records was sent again with other values (equal encodings, as the store's
digests tell);
and the share of re-registered records whose new record got the person id of the old one.

Usage:
    python benchmarks/monthly.py [--people 6000] [--months 6] [--seed 3] [--splink] [--two-salts]
        [--links kept|rescored]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from linkcore.dataset import EncodedDataset
from linkcore.evaluate import cluster_metrics
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import store
from linkcore.linkage.dedupe import link_and_dedupe
from linkcore.linkage.digests import row_digests
from linkcore.linkage.pseudonyms import ProjectKey
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts

AGENCIES = 4
SURNAME_LIKE = ("surname", "SURNAME", "last_name")
ID_LIKE = ("rec_id", "record_id", "id")
SPLINK_PYTHON = Path("/work/venvs/splink4/bin/python")
HERE = Path(__file__).resolve().parent


@dataclass
class Universe:
    """Every agency's records, encoded as first sent and as changed, and whom each belongs to."""

    names: list[str]
    frames: dict[str, pd.DataFrame]  # plaintext, first version
    altered: dict[str, pd.DataFrame]  # plaintext, the changed version
    base: dict[str, EncodedDataset]
    alt: dict[str, EncodedDataset]
    person: dict[str, np.ndarray]  # true person of each universe row
    id_column: dict[str, str]


def build(people: int, duplicate: float, seed: int, one_salt: bool = True) -> Universe:
    """Make the population, the four agencies' universes and their two encodings."""
    pop = generate_population(people, seed)
    profile = get_profile("moderate").with_rates(duplicate=duplicate)
    res = generate_extracts(pop, AGENCIES, 0.5, profile, seed)
    secret = Secret(os.urandom(32))
    schema, _, _ = suggest_schema(res.extracts[0], one_salt=one_salt)
    names = [f"agency_{i + 1}" for i in range(AGENCIES)]
    u = Universe(names, {}, {}, {}, {}, {}, {})
    for name, frame, keys in zip(names, res.extracts, res.keys, strict=True):
        frame = frame.reset_index(drop=True)
        mapping = suggest_mapping(frame, schema)[0]
        changed = frame.copy()
        col = next(c for c in SURNAME_LIKE if c in frame.columns)
        changed[col] = frame[col].sample(frac=1.0, random_state=seed).to_numpy()
        id_col = next(c for c in ID_LIKE if c in frame.columns)
        u.frames[name], u.altered[name], u.id_column[name] = frame, changed, id_col
        u.base[name] = encode(frame, schema, secret, mapping)
        u.alt[name] = encode(changed, schema, secret, mapping)
        truth = keys.set_index(keys["record_id"].astype(str))["person_id"]
        u.person[name] = truth.loc[frame[id_col].astype(str)].to_numpy()
    return u


def rows_of(base: EncodedDataset, alt: EncodedDataset, rows: np.ndarray,
            use_alt: np.ndarray, ids: np.ndarray) -> EncodedDataset:
    """The given rows under their current ids, each from ``alt`` where ``use_alt``."""
    b, a = base.subset(rows), alt.subset(rows)
    pick = use_alt[rows]
    fields = {f: np.where(pick[:, None], a.fields[f], b.fields[f]) for f in b.fields}
    missing = np.where(pick[:, None], a.missing, b.missing)
    clk = None if b.clk is None else np.where(pick[:, None], a.clk, b.clk)
    blocks = {k: np.where(pick, a.blocking_keys[k], b.blocking_keys[k]) for k in b.blocking_keys}
    return EncodedDataset(np.asarray(ids[rows], dtype=object), fields, missing, clk, blocks,
                          b.meta, schema=b.schema)


@dataclass
class Month:
    """One month's files, plaintext extracts, truth and the re-registrations made."""

    month: str
    files: dict[str, EncodedDataset]
    plain: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    reregistered: list[tuple[str, str, str]]  # agency, old id, new id


def months(u: Universe, n_months: int, start: float, churn: float, change: float,
           reregister: float, seed: int):
    """Yield each month's files and truth (the churn drawn with ``seed``)."""
    rng = np.random.default_rng(seed)
    held = {n: rng.random(len(u.base[n])) < start for n in u.names}
    use_alt = {n: np.zeros(len(u.base[n]), bool) for n in u.names}
    ids = {n: u.frames[n][u.id_column[n]].astype(str).to_numpy(dtype=object) for n in u.names}
    for m in range(n_months):
        month = f"2026-{m + 1:02d}" if m < 12 else f"{2026 + m // 12}-{m % 12 + 1:02d}"
        again: list[tuple[str, str, str]] = []
        if m:
            for n in u.names:
                h = held[n]
                before = h.copy()
                inside, outside = np.flatnonzero(h), np.flatnonzero(~h)
                k = int(round(churn * inside.size))
                h[rng.choice(inside, k, replace=False)] = False
                h[rng.choice(outside, min(k, outside.size), replace=False)] = True
                inside = np.flatnonzero(h)
                c = int(round(change * inside.size))
                changed = rng.choice(inside, c, replace=False)
                use_alt[n][changed] = True
                # re-registered: held last month too, not changed now (the same record, new id)
                stay = np.setdiff1d(np.flatnonzero(h & before), changed)
                r = int(round(reregister * inside.size))
                for row in rng.choice(stay, r, replace=False).tolist():
                    new = f"RR{m + 1:02d}-{row:07d}"  # never an original id
                    again.append((n, ids[n][row], new))
                    ids[n][row] = new
        files, plain, truth = {}, {}, []
        for n in u.names:
            rows = np.flatnonzero(held[n])
            files[n] = rows_of(u.base[n], u.alt[n], rows, use_alt[n], ids[n])
            frame = u.frames[n].iloc[rows].copy()
            alt_rows = use_alt[n][rows]
            frame.loc[alt_rows, :] = u.altered[n].iloc[rows[alt_rows]].to_numpy()
            frame[u.id_column[n]] = ids[n][rows]
            plain[n] = frame
            truth.append(pd.DataFrame({"agency": n, "id": ids[n][rows],
                                       "cluster": u.person[n][rows]}))
        yield Month(month, files, plain, pd.concat(truth, ignore_index=True), again)


def splink_f1(m: Month, workdir: Path, extra: tuple[str, ...] = ()
              ) -> tuple[float, float, float, float]:
    """Plaintext Splink link_and_dedupe on the month: F1 at 0.5, best F1, clusters' F1, secs."""
    folder = workdir / m.month
    folder.mkdir(parents=True, exist_ok=True)
    for n, frame in m.plain.items():
        frame.to_csv(folder / f"{n}.csv", index=False)
    m.truth.to_csv(folder / "truth_clusters.csv", index=False)
    out = folder / "splink_clusters.csv"
    run = subprocess.run([str(SPLINK_PYTHON), str(HERE / "splink_multi.py"), str(folder),
                          "--out", str(out), *extra], capture_output=True, text=True,
                         check=True)
    text = run.stdout
    f05 = float(re.search(r"p >= 0\.5:.* F1 ([0-9.]+)", text).group(1))
    best = float(re.search(r"best threshold.*F1 ([0-9.]+)", text).group(1))
    secs = float(re.search(r"; ([0-9.]+) s", text).group(1))
    clusters = pd.read_csv(out, dtype=str)
    cl = cluster_metrics(clusters, m.truth.astype({"cluster": str})).pairwise.f1
    return f05, best, cl, secs


def report_months(months_iter: Iterable[Month], names: list[str], splink: bool,
                  splink_args: tuple[str, ...] = (), links: str = "kept") -> None:
    """Apply each month to a fresh store beside a full re-link; print one table row a month.

    The store is created from the first month's first file; month 1 brings every agency.
    """
    key = ProjectKey(os.urandom(32))
    work = Path(tempfile.mkdtemp())
    path = work / "people.db"
    cols = ["month", "records", "new+changed", "update s", "full re-link s", "update / full",
            "update / full, CPU", "pairs scored", "F1 update", "F1 full re-link"]
    if splink:
        cols += ["Splink F1 p≥0.5", "Splink F1 best", "Splink clusters F1 p≥0.5"]
    cols += ["merges", "splits", "ids changed unexplained",
             "true people with same records, id changed",
             "held exactly right before, id changed",
             "id changed, not toward the truth",
             "same records and contents, id changed", "re-registered kept id"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    prev = None
    steps = []
    prev_records: dict[int, frozenset] = {}
    prev_groups: dict[str, frozenset] = {}
    prev_digest: dict[tuple[str, str], bytes] = {}
    for m in months_iter:
        if prev is None:
            store.create(path, next(iter(m.files.values())), key, links=links)
        c0 = time.process_time()
        report = store.update(path, m.month, m.files, key,
                              new_agencies=list(m.files) if prev is None else ())
        cpu_up = time.process_time() - c0
        people = store.people(path)
        hist = store.history(path)
        truth = m.truth
        f1_update = cluster_metrics(people.rename(columns={"person": "cluster"}),
                                    truth).pairwise.f1
        t0, c0 = time.perf_counter(), time.process_time()
        full = link_and_dedupe([m.files[n] for n in names if n in m.files],
                               names=[n for n in names if n in m.files],
                               blocking_recall_budget=0)
        t_full, cpu_full = time.perf_counter() - t0, time.process_time() - c0
        f1_full = cluster_metrics(full.clusters, truth).pairwise.f1
        cur = people.set_index(["agency", "id"])["person"]
        t = truth.assign(key=list(zip(truth["agency"], truth["id"], strict=True)))
        recs = t.groupby("cluster")["key"].apply(frozenset).to_dict()
        unexplained = same_changed = same_total = right_changed = away = 0
        groups = {p: frozenset(g) for p, g in people.groupby("person")[["agency", "id"]].apply(
            lambda g: list(zip(g["agency"], g["id"], strict=True))).items()}
        fixed_changed = fixed_total = 0
        digest = {(a, str(i)): d.tobytes() for a, ds in m.files.items()
                  for i, d in zip(ds.record_ids, row_digests(ds), strict=True)}
        kept_id = "-"
        if prev is not None:
            h = hist[hist["month"] == m.month]
            involved = set(h["person"]) | set(h["other"].dropna())
            both = prev.index.intersection(cur.index)
            moved = prev.loc[both] != cur.loc[both]
            old_ids = set(prev.loc[both])
            bad = set(prev.loc[both][moved]) - involved
            unexplained = len(bad) / max(len(old_ids), 1)
            for person, r in recs.items():
                if prev_records.get(person) == r:
                    same_total += 1
                    before = {prev.loc[k] for k in r}
                    moved = {cur.loc[k] for k in r} != before
                    same_changed += moved
                    # the store had held exactly this person's records under one id
                    right_changed += moved and len(before) == 1 and \
                        prev_groups[next(iter(before))] == r
                    # ... and the change did not bring the store nearer the truth for them
                    # (fewer ids over their records, or fewer others' records under those ids,
                    # and neither more): an id change that no real merge or split explains
                    after = {cur.loc[k] for k in r}
                    frag = (len(before), len(after))
                    mixed = (sum(len(prev_groups[i] - r) for i in before),
                             sum(len(groups[i] - r) for i in after))
                    nearer = frag[1] <= frag[0] and mixed[1] <= mixed[0] and \
                        (frag[1] < frag[0] or mixed[1] < mixed[0])
                    away += moved and not nearer
                    # ... and none of the records was sent again with other values
                    if all(digest[k] == prev_digest.get(k) for k in r):
                        fixed_total += 1
                        fixed_changed += moved
            again = [(a, old, new) for a, old, new in m.reregistered
                     if (a, old) in prev.index and (a, new) in cur.index]
            if again:
                same = sum(prev.loc[(a, old)] == cur.loc[(a, new)] for a, old, new in again)
                kept_id = f"{same / len(again):.2%} of {len(again)}"
        prev_records = recs
        prev_digest = digest
        prev_groups = groups
        delta = sum(report.added.values()) + sum(report.changed.values())
        stab = f"{same_changed / same_total:.4%}" if same_total else "-"
        right = f"{right_changed / same_total:.4%}" if same_total else "-"
        astray = f"{away / same_total:.4%}" if same_total else "-"
        fixed = f"{fixed_changed / fixed_total:.4%} of {fixed_total:,}" if fixed_total else "-"
        t_up = report.timings["total"]
        row = [m.month, f"{report.records:,}", f"{delta:,} ({delta / report.records:.1%})",
               f"{t_up:.2f}", f"{t_full:.2f}", f"{t_up / t_full:.1%}",
               f"{cpu_up / cpu_full:.1%} ({cpu_up:.2f} / {cpu_full:.2f})",
               f"{report.pairs_scored:,}", f"{f1_update:.4f}", f"{f1_full:.4f}"]
        if splink:
            f05, best, cl, secs = splink_f1(m, work / "splink", splink_args)
            row += [f"{f05:.4f}", f"{best:.4f}", f"{cl:.4f}"]
        row += [str(report.merges), str(report.splits), f"{unexplained:.4%}", stab, right,
                astray, fixed, kept_id]
        print("| " + " | ".join(row) + " |", flush=True)
        prev = cur
        steps.append((m.month, report.timings))
    for month, t in steps:
        print(f"{month} update steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()))
    print(f"store file: {path.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=6000)
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--duplicate", type=float, default=0.05)
    ap.add_argument("--start", type=float, default=0.85)
    ap.add_argument("--churn", type=float, default=0.02)
    ap.add_argument("--change", type=float, default=0.01)
    ap.add_argument("--reregister", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--two-salts", action="store_true",
                    help="the schema as `schema suggest --two-salts` makes it (the names' "
                         "postcode views too; the suggestion until 2026-12-06 evening)")
    ap.add_argument("--splink", action="store_true",
                    help=f"also run plaintext Splink each month (needs {SPLINK_PYTHON})")
    ap.add_argument("--links", choices=store.LINK_POLICIES, default="kept",
                    help="the store's policy for a record that comes back with other values")
    args = ap.parse_args()
    splink = args.splink and SPLINK_PYTHON.exists()
    if args.splink and not splink:
        print(f"# {SPLINK_PYTHON} not found: Splink left out", file=sys.stderr)
    print(f"# monthly.py on {platform.node()} ({os.cpu_count()} CPUs), load "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
    u = build(args.people, args.duplicate, args.seed, one_salt=not args.two_salts)
    print(f"people {args.people:,}, {AGENCIES} agencies, duplicate rate {args.duplicate}, "
          f"universe {sum(len(b) for b in u.base.values()):,} records; per month churn "
          f"{args.churn:.1%} out and in, {args.change:.1%} changed, {args.reregister:.1%} "
          "re-registered")
    report_months(months(u, args.months, args.start, args.churn, args.change,
                         args.reregister, args.seed), u.names, splink, links=args.links)


if __name__ == "__main__":
    main()
