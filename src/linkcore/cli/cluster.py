"""``--workers N`` / ``--scheduler ADDRESS``: the dask.distributed client a command runs on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from ..errors import ParameterError

#: Seconds to wait for a scheduler to answer before giving up (a wrong address fails fast).
CONNECT_TIMEOUT = 5


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
    if workers is not None and workers < 1:
        raise ParameterError("--workers must be at least 1")
    from distributed import Client, LocalCluster

    if workers is not None:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client
        return
    assert scheduler is not None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = "not a scheduler address" if isinstance(exc, ValueError) else "no answer"
        raise ParameterError(
            f"cannot reach a dask scheduler at {scheduler} within {CONNECT_TIMEOUT} s ({reason})"
        ) from None
    with client:
        yield client
