"""Atomic file writes and table reading shared by every command that touches disk."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputDataError, OutputError


def _cannot_write(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot write {target}: {reason} (check the output path and permissions)")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

    An interrupted or failed write leaves no partial output file behind. A target that cannot
    be written (missing permissions, a parent that is a file, a directory in the way) raises
    OutputError naming the path.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                   dir=target.parent)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, target)
        except OSError as exc:
            raise _cannot_write(target, exc) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_text_atomic(target: str | os.PathLike[str], text: str, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically, optionally with file permissions ``mode``."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
        if mode is not None:
            os.chmod(tmp, mode)


def write_table_atomic(df, target: str | os.PathLike[str]) -> None:
    """Write a DataFrame as CSV or Parquet (chosen by the file suffix), atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        if target.suffix.lower() in {".parquet", ".pq"}:
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)


def read_table(path: str | os.PathLike[str], *, dtype_str: bool = True):
    """Read a CSV or Parquet table with every column as text; clear errors, no values echoed.

    CSV cells are kept as strings (no type guessing: leading zeros and codes survive) and
    empty cells become missing.
    """
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputDataError(f"input file not found: {path}")
    if path.is_dir():
        raise InputDataError(f"input path is a directory, not a file: {path}")
    if path.stat().st_size == 0:
        raise InputDataError(f"input file is empty: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            df = pd.read_parquet(path)
            if dtype_str:
                df = df.astype("string").astype(object).where(df.notna(), None)
        else:
            df = pd.read_csv(
                path,
                dtype=str if dtype_str else None,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8",
            )
    except UnicodeDecodeError:
        raise InputDataError(f"input file is not UTF-8 text: {path} (re-save it as UTF-8)") from None
    except pd.errors.EmptyDataError:
        raise InputDataError(f"input file has no columns: {path}") from None
    except pd.errors.ParserError as exc:
        # pandas' parser message names line numbers and counts, not values.
        first = str(exc).splitlines()[0][:200]
        raise InputDataError(f"cannot parse {path} as CSV: {first}") from None
    except (OSError, ValueError) as exc:
        raise InputDataError(f"cannot read {path}: {type(exc).__name__}") from None
    if len(df.columns) == 0:
        raise InputDataError(f"input file has no columns: {path}")
    return df
