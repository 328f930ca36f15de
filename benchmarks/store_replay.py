"""One month of the store replayed on copies: the update's steps beside a full re-link.

``monthly.py``'s data (four agencies of a synthetic population, churn 3 %, changes 1.5 %,
re-registrations 0.5 %): months 1 and 2 are applied to a fresh store, then month 3 is applied
``--repeats`` times, each time to a fresh copy of that store, and the month's four files are
linked afresh (``link_and_dedupe``) as often. Prints each run's process CPU seconds and the
update's steps (wall seconds); with ``--profile``, cProfile's top functions of one more update.
Steadier than ``monthly.py`` for comparing two versions of the code on one machine: the same
month, warm, several times.

Usage:
    python benchmarks/store_replay.py [--people 30000] [--repeats 3] [--two-salts] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import monthly  # noqa: E402  (the benchmark beside this one)

from linkcore.linkage import store  # noqa: E402
from linkcore.linkage.dedupe import link_and_dedupe  # noqa: E402
from linkcore.linkage.pseudonyms import ProjectKey  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=30000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--two-salts", action="store_true",
                    help="the schema of `schema suggest --two-salts` (names' postcode views)")
    ap.add_argument("--profile", action="store_true", help="also profile one more update")
    args = ap.parse_args()
    print(f"# store_replay.py, load {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
    u = monthly.build(args.people, 0.05, args.seed, one_salt=not args.two_salts)
    ms = list(monthly.months(u, 3, 0.85, 0.03, 0.015, 0.005, args.seed))
    key = ProjectKey(os.urandom(32))
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "people.db"
        store.create(path, next(iter(ms[0].files.values())), key)
        store.update(path, ms[0].month, ms[0].files, key, new_agencies=list(ms[0].files))
        store.update(path, ms[1].month, ms[1].files, key)
        month = ms[2]
        for k in range(args.repeats):
            copy = Path(work) / f"copy{k}.db"
            shutil.copy(path, copy)
            c0 = time.process_time()
            report = store.update(copy, month.month, month.files, key)
            steps = ", ".join(f"{s} {t:.3f}" for s, t in report.timings.items())
            print(f"update: {time.process_time() - c0:.3f} s CPU; steps (wall s): {steps}")
        for _ in range(args.repeats):
            c0 = time.process_time()
            link_and_dedupe([month.files[n] for n in u.names], names=u.names,
                            blocking_recall_budget=0)
            print(f"full re-link: {time.process_time() - c0:.3f} s CPU")
        if args.profile:
            copy = Path(work) / "profiled.db"
            shutil.copy(path, copy)
            profiler = cProfile.Profile()
            profiler.enable()
            store.update(copy, month.month, month.files, key)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
