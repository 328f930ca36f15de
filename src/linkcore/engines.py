"""Where partitioned work runs: in this process (local engine) or on dask.distributed.

Neutral ground between the holder's encoder and the linkage unit's pair stages: both cut their
work into row ranges (:func:`even_bounds`) and hand each range to an engine. The local engine
runs a task at once, here; the dask engine submits it to a client. The same task functions run
on either, so the results cannot depend on the engine.
"""

from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from .errors import ClusterError, ParameterError


class LocalEngine:
    """Runs each task at once in this process (no scheduler); a handle is the result itself."""

    name = "local"

    def slots(self) -> list[Any]:
        """Where tasks can run: this process only."""
        return [None]

    def put(self, fn: Callable[..., Any], *args: Any, where: Any = None) -> Any:
        """Run ``fn(*args)`` now (``where`` is this process)."""
        return fn(*args)

    submit = put

    def gather(self, handles: Sequence[Any],
               progress: Callable[[int], None] | None = None) -> list[Any]:
        """Return the results (they are already here)."""
        if progress is not None:
            progress(len(handles))
        return list(handles)

    def close(self) -> None:
        """Nothing to release."""


def task_threads() -> int | None:
    """Numba threads a task on this dask worker may use (None: numba's own default).

    A dask worker runs ``nthreads`` tasks at once, and the nanny starts it with
    ``OMP_NUM_THREADS=1`` (dask's ``distributed.nanny.pre-spawn-environ``) so that native
    code does not start a thread per core in every worker process. Numba does not read that
    variable: left alone, each of two workers on two cores ran its kernels on two threads, and
    their barriers waited on each other (levels of 30,000 pairs 0.10 s instead of 0.008 s).
    So a task takes the smaller of ``OMP_NUM_THREADS`` and the host's cores over the worker's
    task threads.
    """
    caps = []
    omp = os.environ.get("OMP_NUM_THREADS", "")
    if omp.isdigit() and int(omp) > 0:
        caps.append(int(omp))
    try:
        from distributed import get_worker

        caps.append(max(1, (os.cpu_count() or 1) // max(get_worker().state.nthreads, 1)))
    except (ImportError, ValueError):  # not on a dask worker
        pass
    return min(caps) if caps else None


@contextmanager
def numba_threads(limit: int | None) -> Iterator[None]:
    """Run the numba kernels called inside on at most ``limit`` threads (None: as they are)."""
    if limit is None:
        yield
        return
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(min(limit, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def run_task(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` on a dask worker with numba's threads capped (``task_threads``)."""
    with numba_threads(task_threads()):
        return fn(*args)


def _key(fn: Callable[..., Any]) -> str:
    """Return a unique task key named after the function (dask keeps statistics per name)."""
    return f"{getattr(fn, '__name__', 'task')}-{uuid.uuid4().hex}"


#: Seconds between checks on a run's futures and on the cluster's workers.
POLL_SECONDS = 1.0
#: Seconds a run waits while the scheduler holds its tasks and every worker idles.
STALL_SECONDS = 30
#: Seconds a run waits on a cluster with no worker (an adaptive cluster may be scaling up).
NO_WORKERS_SECONDS = 600
#: How many of a run's waiting tasks are looked up on the scheduler to tell it holds them.
STUCK_SAMPLE = 64


class DaskEngine:
    """Submits each task to a dask.distributed client; a handle is a future.

    Partitions are made by tasks too (``put``), not scattered, so that a worker lost mid-run
    has its share recomputed by the scheduler from the task graph (scattered data would be
    lost with it). Every task runs through ``run_task`` (numba's threads capped per worker).
    """

    name = "dask"

    def __init__(self, client: Any, *, own: bool = False):
        self.client = client
        self._own = own

    def slots(self) -> list[Any]:
        """Return the workers' addresses, sorted ([None] if none has joined yet)."""
        workers = sorted(self.client.ncores())
        return workers or [None]

    def workers_on_this_machine(self) -> bool:
        """Tell whether every worker is a process of its own on this machine (a LocalCluster).

        Such workers can map the files this process writes in its temporary folder; workers in
        this process (``inproc://``) share its memory already.
        """
        workers = [w for w in self.slots() if w is not None]
        return bool(workers) and all(_host(w) in _LOCAL_HOSTS for w in workers)

    def put(self, fn: Callable[..., Any], *args: Any, where: Any = None) -> Any:
        """Make a partition on a worker from the arguments (kept in the graph for retries)."""
        with warnings.catch_warnings():  # the rows are meant to travel with the task
            warnings.filterwarnings("ignore", message="Sending large graph")
            return self.submit(fn, *args, where=where)

    def submit(self, fn: Callable[..., Any], *args: Any, where: Any = None) -> Any:
        """Run ``fn(*args)`` on a worker; arguments may be futures.

        ``where``: the worker to prefer (a slot); any other may run it if that one is gone,
        so a lost worker's tasks are recomputed elsewhere.
        """
        return self.client.submit(run_task, fn, *args, key=_key(fn),
                                  workers=None if where is None else [where],
                                  allow_other_workers=where is not None)

    def gather(self, handles: Sequence[Any],
               progress: Callable[[int], None] | None = None) -> list[Any]:
        """Wait for the futures and bring their (small) results here.

        ``progress(k)`` is called with the number of tasks finished since its last call (checked
        every ``POLL_SECONDS``), on whichever worker they ran.
        """
        handles = list(handles)
        self._wait(handles, progress)
        return list(self.client.gather(handles))

    def _wait(self, handles: list[Any], progress: Callable[[int], None] | None) -> None:
        """Wait until every future is done, refusing to wait on a cluster that runs nothing.

        A cluster can stop running a run's tasks for good: with every worker gone, the
        scheduler holds them until another joins; and when all the workers were lost and
        replaced at once, tasks meant for the lost ones can stay unassigned (seen with a
        LocalCluster whose workers were killed). When none of the run's tasks finished for
        ``STALL_SECONDS`` while every worker idled and the scheduler held the tasks
        (``_stuck``), or for ``NO_WORKERS_SECONDS`` with no worker, the run stops with a
        ClusterError.
        """
        from distributed import wait

        pending = handles
        stalled_since: float | None = None
        while pending:
            try:
                wait(pending, timeout=POLL_SECONDS)
                left = []
            except TimeoutError:
                left = [f for f in pending if not f.done()]
            moved = len(left) < len(pending)
            if progress is not None and moved:
                progress(len(pending) - len(left))
            pending = left
            if not pending:
                return
            workers = bool(self.client.ncores())
            if moved or (workers and not self._stuck(pending)):
                stalled_since = None
                continue
            if stalled_since is None:
                stalled_since = time.monotonic()
            limit = STALL_SECONDS if workers else NO_WORKERS_SECONDS
            if time.monotonic() - stalled_since > limit:
                why = "has had no workers" if not workers else \
                    "has idle workers but assigns them none of this run's tasks"
                raise ClusterError(f"the dask cluster {why} for {limit} s (workers lost, or all "
                                   "lost and replaced at once); restart the workers and run "
                                   "again")

    def _stuck(self, pending: list[Any]) -> bool:
        """Whether the scheduler holds the run's tasks while every worker is running and idle.

        Not stuck: a task the scheduler does not know yet (its graph still on the way, e.g.
        rows sent in the task), a paused or closing worker (it may resume: memory), or a
        cluster this cannot ask (then it waits on).
        """
        keys = [f.key for f in pending[:STUCK_SAMPLE]]

        def stuck(dask_scheduler: Any = None, keys: list[Any] = keys) -> bool:
            s = dask_scheduler
            return (all(k in s.tasks for k in keys) and len(s.running) == len(s.workers) > 0
                    and not any(ws.processing for ws in s.workers.values()))

        try:
            return bool(self.client.run_on_scheduler(stuck))
        except Exception:  # noqa: BLE001 - a scheduler that refuses to run it: keep waiting
            return False

    def close(self) -> None:
        """Close the client if this engine started it."""
        if self._own:
            self.client.close()


_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _host(address: str) -> str:
    """Return the host of a worker address such as ``tcp://127.0.0.1:40123`` ("" if inproc)."""
    if address.startswith("inproc://"):
        return ""
    rest = address.split("://", 1)[-1]
    return rest.rsplit(":", 1)[0]


def make_engine(engine: str, client: Any = None) -> LocalEngine | DaskEngine:
    """Return the engine by name; ``dask`` without a client starts an in-process cluster."""
    if engine == "local":
        return LocalEngine()
    if engine != "dask":
        raise ParameterError(f"engine must be 'local' or 'dask', not {engine!r}")
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise ParameterError(
            "engine='dask' needs dask.distributed: pip install 'linkcore[dask]'"
        ) from exc
    if client is not None:
        if not isinstance(client, Client):
            raise ParameterError(
                f"client must be a dask.distributed Client, not {type(client).__name__} (to "
                "use a scheduler's address: Client(address))")
        return DaskEngine(client)
    return DaskEngine(Client(processes=False, n_workers=1, threads_per_worker=2,
                             dashboard_address=None), own=True)


def even_bounds(n: int, parts: int) -> np.ndarray:
    """Return the bounds of ``parts`` row ranges of (nearly) equal size (fewer if n < parts)."""
    if not isinstance(parts, int) or isinstance(parts, bool) or parts < 1:
        raise ParameterError("partitions must be a positive whole number")
    k = max(1, min(parts, n))
    return np.linspace(0, n, k + 1).astype(np.int64)
