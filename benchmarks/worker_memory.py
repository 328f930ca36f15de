"""What each dask worker holds while it links two encoded files by path, mapped folder or not.

Starts a LocalCluster of ``--workers`` processes (one thread each), links the two files given
by path (each worker reads its own rows), and samples every 100 ms, for each worker and for this
process, /proc/PID/status: the resident size (VmRSS), its anonymous part (RssAnon: what the
process allocated, which it cannot give back) and its mapped file pages (RssFile: scratch
files and files read, page cache the kernel reclaims under pressure). Prints each one's peaks
and the link's stage times, and how many tasks dask's work stealing moved to a worker other
than the one they were given to (such a task fetches its inputs, parts included). Linux only.

    python benchmarks/worker_memory.py A B [--partitions P] [--mapped-dir DIR] [--workers 2]
        [--no-stealing]

A and B: encoded files or partitioned datasets (e.g. the folders that ``link_large.py --keep``
writes).
"""

from __future__ import annotations

import argparse
import os
import threading
import time

FIELDS = ("VmRSS", "RssAnon", "RssFile")


def status(pid: int) -> dict[str, float]:
    """The process's resident, anonymous and file-backed memory, GB (empty if it is gone)."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in FIELDS:
                    out[key] = int(value.split()[0]) / 1024**2
    except OSError:
        pass
    return out


def main() -> None:
    import dask
    from distributed import Client, LocalCluster

    from linkcore.linkage.pipeline import link

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--mapped-dir", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-stealing", action="store_true",
                    help="start the cluster with dask's work stealing off (as `linkcore link "
                         "--workers N` does)")
    args = ap.parse_args()
    print(f"# worker_memory.py, {time.strftime('%Y-%m-%d %H:%M')}, load "
          f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    stealing = {"distributed.scheduler.work-stealing": not args.no_stealing}
    with dask.config.set(stealing), LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True,
            dashboard_address=None) as cluster, Client(cluster) as client:
        workers = sorted(client.run(os.getpid).values())
        peaks: dict[int, dict[str, float]] = {p: {} for p in [*workers, os.getpid()]}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid, peak in peaks.items():
                    for key, value in status(pid).items():
                        peak[key] = max(peak.get(key, 0.0), value)
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.perf_counter()
        result = link(args.a, args.b, engine="dask", client=client,
                      partitions=args.partitions, mapped_dir=args.mapped_dir)
        seconds = time.perf_counter() - t0
        done.set()
        sampler.join()
        moved = [msg[1][1] for msg in client.get_events("stealing")
                 if isinstance(msg[1], tuple | list) and msg[1] and msg[1][0] == "confirm"]
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items() if k != "total")
    print(f"linked in {seconds:.1f} s ({stages}); partitions {args.partitions or 'default'}, "
          f"mapped folder {'yes' if args.mapped_dir else 'no'}, work stealing "
          f"{'off' if args.no_stealing else 'on'}; {len(result.matches):,} matches")
    kinds = sorted({str(key).split("-")[0].strip("('") for key in moved})
    print(f"  tasks moved to another worker by dask's work stealing: {len(moved)}"
          + (f" ({', '.join(kinds)})" if kinds else ""))
    for pid, peak in peaks.items():
        who = "linking process" if pid == os.getpid() else f"worker {workers.index(pid) + 1}"
        print(f"  {who}: peak " + ", ".join(f"{k} {peak.get(k, 0):.2f} GB" for k in FIELDS))


if __name__ == "__main__":
    main()
