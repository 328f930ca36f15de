"""numpy's ``np.unique`` and ``np.isin`` on integer arrays beside linkcore's ``_sets`` helpers.

numpy 2.3 and later find the distinct values of an integer array with a hash set and test
wide-ranged integers by sorting both sides through it; this prints, for arrays of the sizes a
monthly store update and an encode handle, the best of ``--repeats`` timings of each and
checks that the answers are equal.

Usage:
    python benchmarks/set_speed.py [--size 143000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from linkcore._sets import isin, sorted_unique


def best(call, repeats: int) -> float:
    """Best wall time of ``repeats`` calls, milliseconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return 1000 * min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=143_000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n = args.size
    print(f"# set_speed.py, numpy {np.__version__}, n = {n:,}, load "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
    cases = {
        "row numbers (int64, range 1.4 n)": rng.integers(0, 7 * n // 5, n),
        "pair codes (int64, wide)": rng.integers(0, 2**62, n),
        "key columns (uint64, wide)": rng.integers(0, 2**63, n, dtype=np.uint64),
    }
    for name, values in cases.items():
        assert np.array_equal(sorted_unique(values), np.unique(values))
        test = np.concatenate([values[: n // 2], rng.permutation(values)[: n // 20] + 1])
        assert np.array_equal(isin(values, test), np.isin(values, test))
        print(f"{name}: np.unique {best(lambda v=values: np.unique(v), args.repeats):.2f} ms, "
              f"sorted_unique {best(lambda v=values: sorted_unique(v), args.repeats):.2f} ms; "
              f"np.isin {best(lambda v=values, t=test: np.isin(v, t), args.repeats):.2f} ms, "
              f"isin {best(lambda v=values, t=test: isin(v, t), args.repeats):.2f} ms")


if __name__ == "__main__":
    main()
