"""Imported in each worker process of `--workers N` (a dask preload): Ctrl-C is the command's.

A terminal's Ctrl-C reaches every process of its group; the command stops the run and closes
the cluster, so a worker that took it too would only print its own traceback.
"""

from __future__ import annotations

import contextlib
import signal

with contextlib.suppress(ValueError):  # only a process's main thread may set a handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)
