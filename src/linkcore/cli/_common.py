"""Shared CLI plumbing: error handling, exit codes, logging, progress switches."""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from ..errors import LinkcoreError
from . import paths

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print one line ``error: ...`` to stderr and exit with ``code``."""
    # a file name may hold a line break: shown escaped, the message stays one line
    one_line = message.replace("\r", "\\r").replace("\n", "\\n")
    click.echo(f"error: {one_line}", err=True)
    sys.exit(code)


#: Exit status of a run stopped by SIGTERM (128 + 15, as a shell reports it).
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is so that its staged outputs are removed as on Ctrl-C."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a command runs in the main thread, SIGTERM raises Terminated (then restored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: Any) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def guarded(func: F) -> F:
    """Run a command body: LinkcoreError -> exit 2 with one line; any other bug -> exit 1.

    The internal-error line names only the exception type: exception text from third-party
    code may quote a data value, so it is shown only with --verbose at DEBUG level in the log.
    Ctrl-C says which output files the run had committed (``paths.written``), if any.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        paths.begin_run()
        try:
            with _terminate_as_interrupt():
                return func(*args, **kwargs)
        except LinkcoreError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except KeyboardInterrupt as exc:
            word, code = ("terminated", EXIT_TERMINATED) if isinstance(exc, Terminated) \
                else ("interrupted", 130)
            done = paths.written()
            if done:
                fail(f"{word} after writing {', '.join(str(p) for p in done)}", code)
            fail(f"{word}; no output was written", code)
        except BrokenPipeError:
            # stdout was closed early (e.g. piped into `head`): stop quietly, as other tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_INTERNAL)
        except MemoryError:
            fail("out of memory; try a smaller --chunk-size or blocking", EXIT_INTERNAL)
        except (OSError, sqlite3.OperationalError) as exc:
            if not _out_of_space(exc):
                _internal_error(exc)
            done = paths.written()
            where = f"after writing {', '.join(str(p) for p in done)}" if done else \
                "no output was written"
            fail(f"no space left on the device (or over a file-size limit) while writing; "
                 f"{where}; free some space and run again", EXIT_BAD_INPUT)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            _internal_error(exc)

    return wrapper  # type: ignore[return-value]


def _internal_error(exc: BaseException) -> None:
    """Exit 1 naming only the exception's type (its text may quote a data value)."""
    logging.getLogger("linkcore").debug("internal error", exc_info=exc)
    fail(f"internal error ({type(exc).__name__}); please report it with the command you ran "
         "(not your data)", EXIT_INTERNAL)


#: errno values of a full disk, a full quota and a file-size limit (``ulimit -f``)
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _out_of_space(exc: BaseException) -> bool:
    """Whether an error (or one it was raised from) is a full disk, quota or file-size limit."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            return True
        if isinstance(exc, sqlite3.OperationalError) and str(exc) == "database or disk is full":
            return True
        if isinstance(exc, OSError) and "No space left on device" in str(exc):
            return True  # pyarrow's IOError carries the errno only in its text
        exc = exc.__cause__ or exc.__context__
    return False


def setup_logging(verbose: bool) -> None:
    """Send linkcore's logger to stderr: DEBUG with --verbose, else errors only.

    Commands print their own summaries, so library warnings would only repeat them.
    """
    logger = logging.getLogger("linkcore")
    if not any(getattr(h, "_linkcore_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._linkcore_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR)


def common_options(func: F) -> F:
    """Add --quiet and --verbose to a command."""
    func = click.option("--verbose", is_flag=True,
                        help="Log progress details (never values or keys).")(func)
    func = click.option("--quiet", "-q", is_flag=True, help="No progress bars or summaries.")(func)
    return func


def holder_options(func: F) -> F:
    """Add a data holder's --schema, --mapping, --key-file and --key-env (encode, audit)."""
    func = key_options(func)
    func = click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False),
                        help="This holder's column mapping (JSON). Default: columns named like "
                             "the fields, ids in column 'id'.")(func)
    func = click.option("--schema", "schema_path", required=True,
                        type=click.Path(dir_okay=False),
                        help="The shared linkage schema (JSON).")(func)
    return func


def force_option(func: F) -> F:
    """Add --force: without it, a command refuses to replace an existing output file."""
    return click.option("--force", is_flag=True,
                        help="Replace existing output files (never an input or the key).")(func)


def key_options(func: F) -> F:
    """Add --key-file and --key-env: the secret comes from a file or the environment, never argv."""
    from ..holder.keys import DEFAULT_ENV_VAR

    func = click.option("--key-env", default=None, metavar="VAR",
                        help=f"Read the key from this environment variable "
                             f"(default {DEFAULT_ENV_VAR}).")(func)
    func = click.option("--key-file", type=click.Path(dir_okay=False),
                        help=f"The shared secret key file. Default: the {DEFAULT_ENV_VAR} "
                             "environment variable.")(func)
    return func
