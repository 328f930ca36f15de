"""Memory of the link stages: resident set size sampled through one local link of n x n records.

Generates and encodes the same pair as link_scale.py (suggested design, seed 42), drops the
plaintext, then links with a thread reading /proc/self/statm every 20 ms and prints, at the end
of each stage, the peak since the previous stage ended and the resident size now. Linux only.

    python benchmarks/link_memory.py --records 1000000
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
import time

from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link
from linkcore.synth import generate_population, make_extracts

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_gb() -> float:
    """Resident set size of this process now, in GB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 1e9


class PeakSampler:
    """Highest resident size seen since the last reset, sampled by a daemon thread."""

    def __init__(self, every: float = 0.02):
        self.peak, self.every, self._stop = rss_gb(), every, False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, rss_gb())
            time.sleep(self.every)

    def reset(self) -> float:
        """Return the peak so far and start again from the size now."""
        peak, self.peak = max(self.peak, rss_gb()), rss_gb()
        return peak

    def stop(self) -> None:
        self._stop = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    pop = generate_population(int(args.records * 1.5 / 1.02), args.seed)
    (a, b), _ = make_extracts(pop, agencies=2, overlap=0.5, profile="moderate", seed=args.seed)
    schema, map_a, _ = suggest_schema(a)
    map_b, _ = suggest_mapping(b, schema)
    secret = Secret.generate()
    ea, eb = encode(a, schema, secret, map_a), encode(b, schema, secret, map_b)
    del a, b, pop
    gc.collect()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f}: "
          f"{len(ea):,} x {len(eb):,} records encoded; resident {rss_gb():.2f} GB before the link")
    sampler = PeakSampler()
    t0 = time.perf_counter()

    def on_stage(name: str, info: dict) -> None:
        pairs = info.get("union") or info.get("pairs") or info.get("matches") or ""
        print(f"{time.perf_counter() - t0:7.1f} s  {name:9s} peak {sampler.reset():.2f} GB, "
              f"now {rss_gb():.2f} GB  {f'({pairs:,})' if pairs else ''}", flush=True)

    result = link(ea, eb, on_stage=on_stage)
    sampler.stop()
    print(f"linked in {time.perf_counter() - t0:.1f} s: {len(result.matches):,} matches; "
          f"resident {rss_gb():.2f} GB after")


if __name__ == "__main__":
    main()
