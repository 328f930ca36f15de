"""``--workers N`` / ``--scheduler ADDRESS``: the dask.distributed client a command runs on."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

import click

from ..errors import ParameterError

#: Seconds to wait for a scheduler to answer before giving up (a wrong address fails fast).
CONNECT_TIMEOUT = 5

#: The most row ranges --partitions may ask for: a link makes P x P cells, and each has a fixed
#: cost, so far more ranges than this only slow a run down (files of 10^7 records ran on 4).
MAX_PARTITIONS = 256
#: The most parts ``encode --partitions`` may write: parts are independent tasks (no P x P
#: cells), so the bound only keeps a typo from making a folder of millions of files.
MAX_ENCODE_PARTITIONS = 10_000

#: The most local worker processes --workers may start, per CPU of this machine.
MAX_WORKERS_PER_CPU = 4


def check_partitions(partitions: int | None, most: int = MAX_PARTITIONS) -> None:
    """Refuse a --partitions value outside 1 .. ``most`` (one error line)."""
    if partitions is not None and not 1 <= partitions <= most:
        raise ParameterError(f"--partitions must be from 1 to {most:,}")


def _check_workers(workers: int) -> None:
    cpus = os.cpu_count() or 1
    most = MAX_WORKERS_PER_CPU * cpus
    if not 1 <= workers <= most:
        raise ParameterError(f"--workers must be from 1 to {most} ({MAX_WORKERS_PER_CPU} per CPU "
                             f"of this machine's {cpus}); for more, start workers on other "
                             "machines and give --scheduler")


def cluster_options(func: Any = None, *, work: str = "the pair stages",
                    scheduler_note: str = "every worker must read the same files",
                    partitions_help: str = "Row ranges per file (P x P cells of work); "
                                           "default 1 locally, on dask one per worker "
                                           "(at least 2).") -> Any:
    """Add --partitions, --workers and --scheduler (the last two mutually exclusive)."""
    def add(f: Any) -> Any:
        f = click.option(
            "--scheduler", type=str, default=None, metavar="ADDRESS",
            help=f"Run {work} on a running dask.distributed scheduler "
                 f"(e.g. tcp://10.0.0.5:8786); {scheduler_note}.")(f)
        f = click.option(
            "--workers", type=int, default=None, metavar="N",
            help=f"Run {work} on a local dask cluster of N worker processes.")(f)
        return click.option("--partitions", type=int, default=None, metavar="P",
                            help=partitions_help)(f)

    return add if func is None else add(func)


@contextlib.contextmanager
def dask_client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """Yield a client for --workers or --scheduler, or None for the local engine."""
    if workers is not None and scheduler is not None:
        raise ParameterError("use --workers or --scheduler, not both")
    if workers is None and scheduler is None:
        yield None
        return
    if workers is not None:
        _check_workers(workers)
    from distributed import Client, LocalCluster

    if workers is not None:
        import dask

        # no work stealing: a cell or part moved to another worker copies its parts there
        # the workers' own logs would break the one-line rule (a lost worker reaches the
        # client as an exception, which the command reports)
        with dask.config.set({"distributed.scheduler.work-stealing": False}):
            cluster = None
            try:
                with _stop_after_start():
                    # each worker ignores Ctrl-C (_worker_signals): it is this process's
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=":0",
                                           silence_logs=logging.CRITICAL,
                                           preload=["linkcore.cli._worker_signals"])
            except KeyboardInterrupt:  # stopped while the workers started: close them quietly
                with _quiet_when_stopped():
                    if cluster is not None:
                        cluster.close()
                    raise
            with cluster, Client(cluster) as client, _quiet_when_stopped():
                yield client
        return
    assert scheduler is not None
    try:
        _probe(scheduler)
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        where = scheduler or "(an empty address)"
        if isinstance(exc, ValueError):
            raise ParameterError(f"no dask scheduler at {where}: not the address of one (give "
                                 "tcp://HOST:PORT of a running scheduler)") from None
        raise ParameterError(f"cannot reach a dask scheduler at {where}: no answer within "
                             f"{CONNECT_TIMEOUT} s") from None
    with client, _quiet_when_stopped():
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            raise ParameterError(f"the dask scheduler at {scheduler} has no workers (waited "
                                 f"{WORKERS_TIMEOUT} s); start workers that connect to it, "
                                 "then run again") from None
        yield client


@contextlib.contextmanager
def _stop_after_start() -> Iterator[None]:
    """While the local cluster starts, hold a Ctrl-C or SIGTERM and raise it once it exists.

    Raised in the middle of dask's start-up, either would leave its threads and processes
    half made, and their tracebacks on the screen; once the cluster exists it closes cleanly.
    """
    import signal
    import threading

    from ._common import Terminated

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, _frame: Any) -> None:
        held.append(signum)

    def stopped() -> BaseException:
        return Terminated() if signal.SIGTERM in held else KeyboardInterrupt()

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except Exception:
        if held:  # the group's signal reached a starting worker too, and the start failed
            raise stopped() from None
        raise
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if held:
        raise stopped()


@contextlib.contextmanager
def _quiet_when_stopped() -> Iterator[None]:
    """On Ctrl-C or SIGTERM, silence dask's and asyncio's logs before the client closes.

    Closing a client or cluster with tasks in flight logs their cancellation, tracebacks
    included; the command's own line says the run was stopped.
    """
    try:
        yield
    except KeyboardInterrupt:
        for name in ("distributed", "asyncio", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        raise


#: Seconds to wait for a scheduler without workers to get one before giving up.
WORKERS_TIMEOUT = 30


def _probe(address: str) -> None:
    """Ask ``address`` who it is within CONNECT_TIMEOUT; raise unless a dask scheduler answers."""
    # a listener that never answers the handshake holds a Client forever, whatever its timeout
    import asyncio

    from distributed.comm import connect

    async def identity() -> Any:
        comm = await connect(address, timeout=CONNECT_TIMEOUT)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            await comm.close()

    try:
        reply = asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT))
    except (OSError, TimeoutError, ValueError):
        raise  # no answer, or not an address
    except Exception as exc:  # noqa: BLE001 - anything else said back: not a scheduler
        raise ValueError(type(exc).__name__) from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise ValueError("not a scheduler")
