"""Encoding a large table on several processes of this machine, with one process's bytes.

The encoder is mostly Python-level work that holds the GIL (tokenising, factorising, the
HMACs of hashlib), so threads do not help and one process uses one core. Here the table's rows
are cut into ranges: this process encodes the first, and each other range goes to a child
process started for this call (``linkcore.holder._encode_child``, run in isolated mode with this
process's import path, this linkcore first: a ``linkcore`` folder in the current directory is
never run), which encodes it with ``encode_rows`` and sends its arrays back through a pipe.
Every encoded row depends only on its record, its table row (BLIP) and the run's nonce, so the
rows put together are the one-process encoding's, bit for bit (tests/test_encode_procs.py).

What crosses the pipes: to a child, its rows (the mapped columns only), the schema, the
mapping, the run's nonce and the key, on its standard input (never on its command line, in its
environment or in a file); back, counts and row numbers (the report) and the encoded arrays,
or whether it failed on bad input (then the whole table is encoded here, to raise the
one-process error) and its exception's class name. A child's own output streams go nowhere:
nothing it prints can reach a log.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .. import errors
from ..dataset import EncodedDataset
from ..engines import even_bounds, numba_threads
from ..schema import Mapping, Schema
from .keys import Secret, secret_bytes

log = logging.getLogger("linkcore")

#: This process encodes this many rows more than each child, which first starts Python and
#: loads the kernels (about 2 s on the project machine, where one core encodes 50,000-70,000
#: records a second with the suggested design).
HEAD_START_ROWS = 100_000
_LENGTH = struct.Struct("<Q")
#: The module whose ``main`` each child runs: a fixed one, never the caller's script.
CHILD_MODULE = "linkcore.holder._encode_child"


def machine_cores() -> int:
    """Return the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class _Layout:
    """One array a child sends back: what it is, its dtype and shape."""

    kind: str  # "field", "missing", "clk" or "key"
    name: str
    dtype: str
    shape: tuple[int, ...]


def part_arrays(dataset: EncodedDataset) -> list[tuple[_Layout, np.ndarray]]:
    """Return the arrays of an encoded range, in the order a child sends them."""
    out = [(_Layout("field", name, a.dtype.str, a.shape), a) for name, a in dataset.fields.items()]
    out.append((_Layout("missing", "", dataset.missing.dtype.str, dataset.missing.shape),
                dataset.missing))
    if dataset.clk is not None:
        out.append((_Layout("clk", "", dataset.clk.dtype.str, dataset.clk.shape), dataset.clk))
    out += [(_Layout("key", name, a.dtype.str, a.shape), a)
            for name, a in dataset.blocking_keys.items()]
    return out


def write_message(stream: BinaryIO, header: dict[str, Any],
                  arrays: Sequence[np.ndarray] = ()) -> None:
    """Write a length-prefixed pickled header, then each array's bytes."""
    data = pickle.dumps(header, protocol=5)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    for a in arrays:
        stream.write(memoryview(np.ascontiguousarray(a)).cast("B"))
    stream.flush()


def read_header(stream: BinaryIO) -> dict[str, Any]:
    """Read a length-prefixed pickle: what ``write_message`` wrote first, or a child's request."""
    (size,) = _LENGTH.unpack(_read_exact(stream, _LENGTH.size))
    return pickle.loads(_read_exact(stream, size))


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    buf = bytearray(size)
    _read_into(stream, memoryview(buf))
    return bytes(buf)


def _read_into(stream: BinaryIO, view: memoryview) -> None:
    got = 0
    while got < len(view):
        n = stream.readinto(view[got:])
        if not n:
            raise EOFError("the encoding process ended before it sent everything")
        got += n


#: Environment variables a child keeps (numba's and the native libraries' settings, locale,
#: temporary folders); every other one, a key variable such as LINKCORE_SECRET among them, is
#: left out.
_KEPT_ENV_PREFIXES = ("NUMBA_", "OMP_", "MKL_", "OPENBLAS_", "LC_", "LANG", "TMP", "TEMP",
                      "HOME", "PATH", "SYSTEMROOT", "LD_LIBRARY_PATH", "DYLD_", "CONDA_PREFIX",
                      "VIRTUAL_ENV")
#: The child's first statement: this process's import path, its linkcore's root first, so the
#: child runs the very linkcore and libraries this process runs (``-I``: no current folder,
#: no PYTHONPATH, no user site of its own).
_BOOT = ("import importlib, json, sys; sys.path[:] = json.loads(sys.argv[1]); "
         "sys.exit(importlib.import_module(sys.argv[2]).main())")


class _ChildFailed(Exception):
    """A child ended without its range: its rows are encoded in this process instead."""


class _ChildRefused(Exception):
    """A child's range holds bad input: the whole table is encoded here to say so exactly."""


def _child_command() -> list[str]:
    import linkcore

    root = os.path.dirname(os.path.dirname(os.path.abspath(linkcore.__file__)))
    paths = [root] + [os.path.abspath(p) if p else os.getcwd() for p in sys.path if p != root]
    return [sys.executable, "-I", "-c", _BOOT, json.dumps(paths), CHILD_MODULE]


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.startswith(_KEPT_ENV_PREFIXES)}
    env.update(NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return env


class _Child:
    """One child process encoding one row range; its rows are written on a thread."""

    def __init__(self, payload: bytes):
        self.proc = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed module)
            _child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=_child_env(), bufsize=0)
        self._writer = threading.Thread(target=self._send, args=(payload,), daemon=True)
        self._writer.start()

    def _send(self, payload: bytes) -> None:
        try:
            stdin = self.proc.stdin
            assert stdin is not None
            stdin.write(_LENGTH.pack(len(payload)))
            stdin.write(payload)
            stdin.close()
        except OSError:  # the child ended early (a broken pipe): receive() finds out
            pass

    def receive(self, out: dict[tuple[str, str], np.ndarray], n: int, start: int, stop: int
                ) -> Any:
        """Read the child's answer into rows start..stop of ``out``; return its report.

        ``out``'s arrays have ``n`` rows (made here when missing). Raises _ChildRefused when
        the range holds bad input, _ChildFailed when the child ended without its range.
        """
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            header = read_header(stdout)
            if not header["ok"]:
                if header["refused"]:
                    raise _ChildRefused
                raise _ChildFailed(f"its {header['error']}")
            for item in header["arrays"]:
                target = out.get((item.kind, item.name))
                if target is None:
                    target = np.empty((n,) + tuple(item.shape[1:]), dtype=np.dtype(item.dtype))
                    out[item.kind, item.name] = target
                if (item.shape[0] != stop - start or target.shape[1:] != tuple(item.shape[1:])
                        or target.dtype != np.dtype(item.dtype)):
                    raise _ChildFailed("arrays of another layout")
                _read_into(stdout, memoryview(target[start:stop]).cast("B"))
        except (EOFError, pickle.UnpicklingError, KeyError, AttributeError, ValueError):
            raise _ChildFailed(f"status {self.proc.wait()}") from None  # no whole answer
        if self.finish() != 0:
            raise _ChildFailed(f"status {self.proc.returncode}")
        return header["report"]

    def finish(self) -> int:
        """Wait for the child to end; return its exit status."""
        self._writer.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.wait()

    def kill(self) -> None:
        """Stop the child (this call failed or was interrupted)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.finish()


def _ranges(n: int, processes: int, head_start: int) -> list[tuple[int, int]]:
    """Return the row ranges: this process's first, the rest as even as can be.

    This process's is ``head_start`` rows longer than each child's, as far as they have rows.
    """
    k = max(1, min(processes, n))
    extra = min(head_start, n // k) if k > 1 else 0
    first = -(-(n + (k - 1) * extra) // k)
    if k == 1 or first >= n:
        return [(0, n)]
    bounds = [0, first] + [first + int(b) for b in even_bounds(n - first, k - 1)[1:]]
    return [(s, e) for s, e in zip(bounds[:-1], bounds[1:], strict=True) if e > s]


def encode_in_processes(df: pd.DataFrame, schema: Schema, secret: Secret, mapping: Mapping,
                        ids: np.ndarray, nonce: bytes, strict: bool, processes: int
                        ) -> tuple[EncodedDataset | None, Any]:
    """Encode ``df`` (its ids checked whole) in ``processes`` row ranges; (dataset, report).

    With ``strict`` and values that cannot be read, the dataset is None and the report (merged
    over the ranges, in table order) says where, as ``encode_rows`` does for one range. Bad
    input in any range (a cell that is not a single value, text that is not Unicode) is
    raised by encoding the whole table here, so the error is one process's, every row named.
    A child that ends without its range (killed, out of memory, a cell it cannot unpickle) has
    its rows encoded here, with a warning.
    """
    from .encode import EncodingReport, encode_rows

    n = len(df)
    ranges = _ranges(n, processes, HEAD_START_ROWS)
    rows = df[mapping.columns]

    def here() -> tuple[EncodedDataset | None, Any]:
        return encode_rows(rows, schema, secret, mapping, nonce=nonce, first_row=0,
                           strict=strict)

    try:
        payloads = [pickle.dumps({
            "schema": schema, "mapping": mapping, "key": secret_bytes(secret), "nonce": nonce,
            "first_row": s, "strict": strict, "rows": rows.iloc[s:e].reset_index(drop=True)},
            protocol=5) for s, e in ranges[1:]]
    except (pickle.PicklingError, TypeError, AttributeError):  # a cell Python cannot send
        log.info("the table cannot be sent to other processes: encoded in this one")
        return here()
    children: list[_Child] = []
    try:
        while payloads:
            children.append(_Child(payloads.pop(0)))
    except OSError:  # no process can be started here: this one does it all
        for child in children:
            child.kill()
        log.info("no encoding process could be started: encoded in this one")
        return here()
    out: dict[tuple[str, str], np.ndarray] = {}
    reports = []
    try:
        for i, (s, e) in enumerate(ranges):
            if i:
                try:
                    reports.append(children[i - 1].receive(out, n, s, e))
                    continue
                except _ChildFailed as why:
                    children[i - 1].kill()
                    log.warning("an encoding process ended without its rows (%s): rows "
                                "%d-%d encoded in this one", why, s + 1, e)
            with numba_threads(1 if i == 0 else None):
                part, report = encode_rows(rows.iloc[s:e].reset_index(drop=True), schema,
                                           secret, mapping, nonce=nonce, first_row=s,
                                           strict=strict)
            reports.append(report)
            for item, a in ([] if part is None else part_arrays(part)):
                target = out.get((item.kind, item.name))
                if target is None:
                    target = out[item.kind, item.name] = np.empty((n,) + a.shape[1:], a.dtype)
                target[s:e] = a
            del part
    except (errors.LinkcoreError, _ChildRefused):
        for child in children:
            child.kill()
        return here()  # raises the one-process error
    except BaseException:
        for child in children:
            child.kill()
        raise
    report = EncodingReport.merge(reports)
    if strict and report.summary_lines():
        return None, report
    fields = {name: a for (kind, name), a in out.items() if kind == "field"}
    keys = {name: a for (kind, name), a in out.items() if kind == "key"}
    dataset = EncodedDataset.from_arrays(
        schema, secret.key_check_value(), ids, fields, missing=out["missing", ""],
        clk=out.get(("clk", "")), blocking_keys=keys)
    return dataset, report
