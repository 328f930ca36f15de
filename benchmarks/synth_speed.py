"""Time synthetic population and extract generation (issue: 1,000,000 people in under a minute).

Usage: python benchmarks/synth_speed.py [--people 1000000] [--seed 0] [--no-extracts]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from linkcore.synth import generate_population, make_extracts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-extracts", action="store_true")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()} "
        f"python {platform.python_version()}"
    )
    generate_population(1_000, args.seed)  # load the name tables (Faker import) once
    t0 = time.perf_counter()
    pop = generate_population(args.people, args.seed)
    t1 = time.perf_counter()
    print(
        f"population: {len(pop):,} people in {t1 - t0:.2f} s ({len(pop) / (t1 - t0):,.0f} people/s)"
    )
    if not args.no_extracts:
        t0 = time.perf_counter()
        extracts, truth = make_extracts(
            pop, agencies=2, overlap=0.5, profile="moderate", seed=args.seed
        )
        t1 = time.perf_counter()
        records = sum(len(e) for e in extracts)
        print(
            f"extracts (2 agencies, overlap 0.5, moderate): {records:,} records, "
            f"{len(truth):,} true pairs in {t1 - t0:.2f} s ({records / (t1 - t0):,.0f} records/s)"
        )


if __name__ == "__main__":
    main()
