"""A child process of ``encode_procs``: encode one row range sent on standard input.

Reads a length-prefixed pickle (rows, schema, mapping, nonce, first row, strict, key) from
standard input and writes the range's report and arrays to standard output
(``encode_procs.write_message``). Anything else the process prints goes to its standard error,
which its parent discards, so it cannot corrupt the answer. An error is sent back by its class
name, and its message only when it is one of linkcore's (they never hold a value).
"""

from __future__ import annotations

import os
import pickle
import sys


def main() -> int:
    """Encode the range on stdin; answer on the stdout this process started with."""
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr (discarded), not into the answer
    from ..errors import LinkcoreError
    from .encode import encode_rows
    from .encode_procs import _LENGTH, _read_exact, part_arrays, write_message
    from .keys import Secret

    stdin = sys.stdin.buffer
    try:
        (size,) = _LENGTH.unpack(_read_exact(stdin, _LENGTH.size))
        task = pickle.loads(_read_exact(stdin, size))
        secret = Secret(task.pop("key"))
        dataset, report = encode_rows(task["rows"], task["schema"], secret, task["mapping"],
                                      nonce=task["nonce"], first_row=task["first_row"],
                                      strict=task["strict"])
        del task, secret
    except LinkcoreError as exc:
        write_message(answer, {"ok": False, "error": (type(exc).__name__, str(exc))})
        return 0
    except Exception as exc:  # noqa: BLE001 (its class name only: a message may hold a value)
        write_message(answer, {"ok": False, "error": (type(exc).__name__, "")})
        return 0
    arrays = [] if dataset is None else part_arrays(dataset)
    write_message(answer, {"ok": True, "report": report, "arrays": [item for item, _ in arrays]},
                  [a for _, a in arrays])
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
