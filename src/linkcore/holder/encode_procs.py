"""Encoding a large table on several processes of this machine, with one process's bytes.

The encoder is mostly Python-level work that holds the GIL (tokenising, factorising, the
HMACs of hashlib), so threads do not help and one process uses one core. Here the table's rows
are cut into ranges: this process encodes the first, and each other range goes to a child
process (``python -m linkcore.holder._encode_child``) started for this call, which encodes it
with ``encode_rows`` and sends its arrays back through a pipe. Every encoded row depends only on
its record, its table row (BLIP) and the run's nonce, so the rows put together are the
one-process encoding's, bit for bit (tests/test_encode_procs.py).

What crosses the pipes: to a child, its rows (the mapped columns only), the schema, the
mapping, the run's nonce and the key, on its standard input (never on its command line or in
a file); back, counts and row numbers (the report) and the encoded arrays. A child's own
output streams go nowhere: nothing it prints can reach a log.
"""

from __future__ import annotations

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
#: What each child runs (``python -m``): a fixed module, never the caller's script.
CHILD_MODULE = "linkcore.holder._encode_child"


@dataclass(frozen=True)
class _Layout:
    """One array a child sends back: what it is, its dtype and shape."""

    kind: str  # "field", "missing", "clk" or "key"
    name: str
    dtype: str
    shape: tuple[int, ...]


def part_arrays(dataset: Any) -> list[tuple[_Layout, np.ndarray]]:
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
    """Read what ``write_message`` wrote first (the pickled header)."""
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


class _Child:
    """One child process encoding one row range; its rows are written on a thread."""

    def __init__(self, payload: bytes):
        env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed module)
            [sys.executable, "-m", CHILD_MODULE],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, bufsize=0)
        self._write_error: BaseException | None = None
        self._writer = threading.Thread(target=self._send, args=(payload,), daemon=True)
        self._writer.start()

    def _send(self, payload: bytes) -> None:
        try:
            stdin = self.proc.stdin
            assert stdin is not None
            stdin.write(_LENGTH.pack(len(payload)))
            stdin.write(payload)
            stdin.close()
        except (BrokenPipeError, OSError) as exc:  # the child ended early: read says why
            self._write_error = exc

    def receive(self, out: dict[tuple[str, str], np.ndarray], n: int, start: int, stop: int
                ) -> Any:
        """Read the child's answer into rows start..stop of ``out``; return its report.

        ``out``'s arrays have ``n`` rows (made here when missing). Raises the child's error, if
        it sent one.
        """
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            header = read_header(stdout)
            if not header["ok"]:
                raise _rebuild_error(header["error"])
            for item in header["arrays"]:
                target = out.get((item.kind, item.name))
                if target is None:
                    target = np.empty((n,) + tuple(item.shape[1:]), dtype=np.dtype(item.dtype))
                    out[item.kind, item.name] = target
                if (item.shape[0] != stop - start or target.shape[1:] != tuple(item.shape[1:])
                        or target.dtype != np.dtype(item.dtype)):
                    raise RuntimeError("an encoding process sent arrays of another layout")
                _read_into(stdout, memoryview(target[start:stop]).cast("B"))
        except EOFError:
            raise RuntimeError(f"an encoding process ended without its whole answer (status "
                               f"{self.proc.wait()}); encode with processes=1 to see why"
                               ) from None
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


def _rebuild_error(error: tuple[str, str]) -> Exception:
    """Return the child's error as this process's exception of the same linkcore class."""
    name, message = error
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, errors.LinkcoreError):
        return cls(message)
    return RuntimeError(f"an encoding process failed ({name}); encode with processes=1 to see "
                        "where")


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
    over the ranges, in table order) says where, as ``encode_rows`` does for one range.
    """
    from .encode import EncodingReport, encode_rows

    n = len(df)
    ranges = _ranges(n, processes, HEAD_START_ROWS)
    columns = list(dict.fromkeys(
        [mapping.id_column] + [c for _, s in mapping.sources for c in s.columns]))
    rows = df[columns]
    children: list[_Child] = []
    try:
        payloads = [pickle.dumps({
            "schema": schema, "mapping": mapping, "key": secret_bytes(secret), "nonce": nonce,
            "first_row": s, "strict": strict, "rows": rows.iloc[s:e].reset_index(drop=True)},
            protocol=5) for s, e in ranges[1:]]
    except (pickle.PicklingError, TypeError, AttributeError):  # a cell Python cannot send
        log.info("the table cannot be sent to other processes: encoded in this one")
        return encode_rows(rows, schema, secret, mapping, nonce=nonce, first_row=0,
                           strict=strict)
    try:
        while payloads:
            children.append(_Child(payloads.pop(0)))
    except OSError:  # no process can be started here: this one does it all
        for child in children:
            child.kill()
        log.info("no encoding process could be started: encoded in this one")
        return encode_rows(rows, schema, secret, mapping, nonce=nonce, first_row=0,
                           strict=strict)
    try:
        s0, e0 = ranges[0]
        with numba_threads(1):
            first, first_report = encode_rows(rows.iloc[s0:e0].reset_index(drop=True), schema,
                                              secret, mapping, nonce=nonce, first_row=s0,
                                              strict=strict)
        reports = [first_report]
        out: dict[tuple[str, str], np.ndarray] = {}
        if first is not None:
            for item, a in part_arrays(first):
                target = np.empty((n,) + a.shape[1:], dtype=a.dtype)
                target[s0:e0] = a
                out[item.kind, item.name] = target
            del first
        for child, (s, e) in zip(children, ranges[1:], strict=True):
            reports.append(child.receive(out, n, s, e))
            status = child.finish()
            if status != 0:
                raise RuntimeError(f"an encoding process ended with status {status}")
        children = []
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
