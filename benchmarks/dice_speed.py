"""Dice kernel speed: comparisons per second, all-pairs with a threshold and a list of pairs.

Random 1024-bit filters with about half the bits set. When anonlink is importable (run with
/work/venv-bench/bin/python), its C++ kernel runs on the same filters in the same process and the
ratio is printed. Usage:

    python benchmarks/dice_speed.py [--n 6000] [--m 20000] [--threshold 0.8] [--pairs 10000000]
        [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time

import numba
import numpy as np

from linkcore.kernels import dice_all_pairs, dice_pairs, popcounts


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def anonlink_call(a: np.ndarray, b: np.ndarray, threshold: float):
    """Return a no-argument call running anonlink on the same filters, or None if missing."""
    try:
        from anonlink.similarities import dice_coefficient_accelerated
        from bitarray import bitarray
    except ImportError:
        return None

    def to_bitarrays(x: np.ndarray) -> list:
        # anonlink reads a bitarray's bytes; only the popcounts and ANDs matter, so the byte
        # view of our words is a faithful input (bit order inside a byte does not change Dice)
        out = []
        for row in x:
            ba = bitarray(endian="big")
            ba.frombytes(row.astype("<u8").tobytes())
            out.append(ba)
        return out

    fa, fb = to_bitarrays(a), to_bitarrays(b)
    result = {}

    def call():
        result["n"] = len(dice_coefficient_accelerated((fa, fb), threshold)[0])
        return result["n"]

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000, help="left filters")
    parser.add_argument("--m", type=int, default=20000, help="right filters")
    parser.add_argument("--bits", type=int, default=1024)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--pairs", type=int, default=10_000_000, help="candidate pairs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-anonlink", action="store_true")
    parser.add_argument("--threads", type=int, default=0, help="numba threads (0: all cores)")
    args = parser.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)  # a benchmark option; the library never does this

    rng = np.random.default_rng(12345)
    words = args.bits // 64
    a = rng.integers(0, 2**64, size=(args.n, words), dtype=np.uint64)
    b = rng.integers(0, 2**64, size=(args.m, words), dtype=np.uint64)
    # plant some true matches so the output is not empty: b row copies with ~5% bits flipped
    planted = min(args.n, args.m) // 10
    flip = rng.random((planted, args.bits)) < 0.05
    noise = np.packbits(flip, axis=1, bitorder="little").view("<u8").astype(np.uint64)
    b[:planted] = a[:planted] ^ noise
    pa, pb = popcounts(a), popcounts(b)

    load = os.getloadavg()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cpus, numba threads {numba.get_num_threads()}")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"filters: {args.n} x {args.m}, {args.bits} bits, mean popcount {pa.mean():.1f}")

    # warm-up compiles (or loads from cache)
    dice_all_pairs(a[:64], b[:64], args.threshold, pa[:64], pb[:64])
    dice_pairs(a, b, np.zeros(4, np.int64), np.zeros(4, np.int64), pa, pb)

    comparisons = args.n * args.m
    found = {}

    def all_pairs(threshold: float):
        def call():
            found["n"] = dice_all_pairs(a, b, threshold, pa, pb)[0].size

        return call

    # linkcore and anonlink alternate, best of each: the machine is shared, so load drifts
    anon = None if args.no_anonlink else anonlink_call(a, b, args.threshold)
    t_all = t_anon = float("inf")
    for _ in range(args.repeats):
        t_all = min(t_all, best_of(all_pairs(args.threshold), 1))
        if anon is not None:
            t_anon = min(t_anon, best_of(anon, 1))
    rate_all = comparisons / t_all
    print(
        f"linkcore dice_all_pairs t={args.threshold}: {t_all:.3f} s, "
        f"{rate_all / 1e6:.0f} M comparisons/s ({found['n']} pairs)"
    )
    # the same with a threshold no pair can be skipped for: pure popcount throughput
    t_raw = best_of(all_pairs(0.6), args.repeats)
    print(
        f"linkcore dice_all_pairs t=0.6 (no pruning possible on this data): {t_raw:.3f} s, "
        f"{comparisons / t_raw / 1e6:.0f} M comparisons/s ({found['n']} pairs)"
    )

    left = rng.integers(0, args.n, args.pairs)
    right = rng.integers(0, args.m, args.pairs)
    dice_pairs(a, b, left[:1000], right[:1000], pa, pb)
    t_pairs = best_of(lambda: dice_pairs(a, b, left, right, pa, pb), args.repeats)
    print(
        f"linkcore dice_pairs ({args.pairs} random pairs): {t_pairs:.3f} s, "
        f"{args.pairs / t_pairs / 1e6:.0f} M comparisons/s"
    )

    if args.no_anonlink:
        pass
    elif anon is None:
        print("anonlink: not installed (run with /work/venv-bench/bin/python to compare)")
    else:
        rate_anon = comparisons / t_anon
        print(
            f"anonlink dice_coefficient_accelerated t={args.threshold} (one thread): "
            f"{t_anon:.3f} s, {rate_anon / 1e6:.0f} M comparisons/s ({anon()} pairs)"
        )
        threads = numba.get_num_threads()
        print(
            f"ratio linkcore/anonlink: {rate_all / rate_anon:.2f}x with {threads} threads, "
            f"{rate_all / rate_anon / threads:.2f}x per thread; "
            f"without pruning {comparisons / t_raw / rate_anon:.2f}x"
        )
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
