"""A child process of ``encode_procs``: encode one row range sent on standard input.

Reads a length-prefixed pickle (rows, schema, mapping, nonce, first row, strict, key) from
standard input and writes the range's report and arrays to standard output
(``encode_procs.write_message``). Anything else the process prints goes to its standard error,
which its parent discards, so it cannot corrupt the answer. A failure is sent back as whether
it was bad input (one of linkcore's errors: the parent then encodes the whole table itself, to
raise the one-process error) and the exception's class name, never its message.
"""

from __future__ import annotations

import os
import signal
import sys


def _end_with_parent() -> None:
    """Ask Linux to kill this process if its parent dies (a killed encode leaves no child)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the broken pipe ends it, later
        pass


def main() -> int:
    """Encode the range on stdin; answer on the stdout this process started with."""
    parent = os.getppid()
    _end_with_parent()
    if os.getppid() != parent:  # the parent died before the request took effect
        return 1
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr (discarded), not into the answer
    from ..errors import LinkcoreError
    from .encode import encode_rows
    from .encode_procs import part_arrays, read_header, write_message
    from .keys import Secret

    try:
        task = read_header(sys.stdin.buffer)
        secret = Secret(task.pop("key"))
        dataset, report = encode_rows(task["rows"], task["schema"], secret, task["mapping"],
                                      nonce=task["nonce"], first_row=task["first_row"],
                                      strict=task["strict"])
        del task, secret
    except LinkcoreError:
        write_message(answer, {"ok": False, "refused": True})
        return 0
    except Exception as exc:  # noqa: BLE001 (its class name only: a message may hold a value)
        write_message(answer, {"ok": False, "refused": False, "error": type(exc).__name__})
        return 0
    arrays = [] if dataset is None else part_arrays(dataset)
    write_message(answer, {"ok": True, "report": report, "arrays": [item for item, _ in arrays]},
                  [a for _, a in arrays])
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
