"""Atomic file writes and table reading shared by every command that touches disk.

A file is written under a temporary name beside its target,
``.<name>.<pid>@<host>.<random>.partial``, and renamed over the target only when complete. A run
killed mid-write (SIGKILL, power loss) leaves its partial behind; the next write of the same
target removes the partials of that target whose writing process is no longer alive on this
machine (:func:`clean_stale_partials`). Partials of a live process, of another machine (a shared
network folder) or without that name pattern are left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputDataError, LinkcoreError, OutputError, looks_like_key

PARTIAL_SUFFIX = ".partial"


def _host_tag() -> str:
    # A short, stable tag for this machine: partials name their writer as pid@host, so a run
    # never judges a process on another machine (same pid number, shared folder) to be dead.
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def partial_prefix(target: str | os.PathLike[str]) -> str:
    """Name prefix of this process's temporary files for ``target``: ``.<name>.<pid>@<host>.``."""
    return f".{Path(target).name}.{os.getpid()}@{_host_tag()}."


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # no safe liveness probe (os.kill(pid, 0) terminates on Windows)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, owned by someone else
        return True
    return True


def stale_partials(target: str | os.PathLike[str]) -> list[Path]:
    """List the partials of ``target`` (files or staging folders) a dead local process left."""
    target = Path(target)
    pattern = re.compile(re.escape(f".{target.name}.") + r"(\d+)@([0-9a-f]{8})\.[A-Za-z0-9_]+"
                         + re.escape(PARTIAL_SUFFIX))
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return []
    host = _host_tag()
    stale = []
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m and m.group(2) == host and not _pid_alive(int(m.group(1))):
            stale.append(entry)
    return stale


def clean_stale_partials(target: str | os.PathLike[str]) -> int:
    """Remove the stale partials of ``target`` (see :func:`stale_partials`); return how many."""
    removed = 0
    for entry in stale_partials(target):
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
        except OSError:
            pass  # another run removed it first, or it cannot be removed: leave it
    return removed


def _cannot_write(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot write {target}: {reason} (check the output path and permissions)")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, key: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

    An interrupted or failed write leaves no partial output file behind (and one left by a
    killed process is removed by the next write of the same target). A target that cannot
    be written (missing permissions, a parent that is a file, a directory in the way) raises
    OutputError naming the path. A key file is replaced only by a key (``key=True``): any
    other output written over one raises OutputError and leaves it as it is.
    """
    target = Path(target)
    refuse_key_like_name(target)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a directory")
    if not key and holds_key(target):
        raise OutputError(f"refusing to write over {target}: it is a linkcore key file; "
                          "choose another output name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_partials(target)
        fd, tmp = tempfile.mkstemp(prefix=partial_prefix(target), suffix=PARTIAL_SUFFIX,
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


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a new empty folder beside ``target``; rename it to ``target`` only on success.

    A folder output is never replaced: an existing ``target`` is an OutputError, before and
    after the work. A failed or interrupted write removes the folder and all it holds.
    """
    target = Path(target)
    refuse_key_like_name(target)
    if os.path.lexists(target):
        raise OutputError(f"cannot write {target}: it already exists (a folder output is never "
                          "replaced; remove it or choose another name)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_partials(target)
        tmp = Path(tempfile.mkdtemp(prefix=partial_prefix(target), suffix=PARTIAL_SUFFIX,
                                    dir=target.parent))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        yield tmp
        if os.path.lexists(target):
            raise OutputError(f"cannot write {target}: it appeared while this run was working; "
                              "nothing was written")
        try:
            os.rename(tmp, target)
        except OSError as exc:
            raise _cannot_write(target, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text_atomic(target: str | os.PathLike[str], text: str, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically, optionally with permissions ``mode``."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
        if mode is not None:
            os.chmod(tmp, mode)


def refuse_key_like_name(target: str | os.PathLike[str], label: str = "an output") -> None:
    """Refuse an output whose name looks like key material (a key typed where a name belongs).

    Written, the key would become a file name that directory listings and logs show.
    """
    if looks_like_key(os.fspath(target)):
        raise OutputError(f"{label}'s name looks like a key, not a file name (not shown); "
                          "give the output a name of its own")


#: A key file is short (keygen writes 70 bytes); a longer file is not read to tell.
_KEY_FILE_MOST_BYTES = 4096


def holds_key(path: Path) -> bool:
    """Whether an existing file is a key file: keygen's form, or any text a key file may hold."""
    from ._keyfile import KEY_FILE_HEADER, parse_key_text

    try:
        if not path.is_file() or path.stat().st_size > _KEY_FILE_MOST_BYTES:
            return False
        head = path.read_bytes()
    except OSError:  # unreadable: writing it says what is wrong
        return False
    if KEY_FILE_HEADER.encode("ascii") in head:
        return True
    try:
        parse_key_text(head.decode("ascii"), "")  # bare hex or base64, as read_key_file takes
    except (UnicodeDecodeError, LinkcoreError):
        return False
    return True


def write_table_atomic(df, target: str | os.PathLike[str]) -> None:
    """Write a DataFrame as CSV or Parquet (chosen by the file suffix), atomically.

    An encoded linkcore file is never replaced by a table (matches or clusters written over
    the input they came from).
    """
    target = Path(target)
    if target.is_file() and _is_encoded(target):
        raise OutputError(f"refusing to write a table over {target}: it is an encoded linkcore "
                          "file; choose another output name")
    with atomic_path(target) as tmp:
        if target.suffix.lower() in {".parquet", ".pq"}:
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)


PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 65_536  # the first bytes, read to tell Parquet, text and binary files apart


def read_table(path: str | os.PathLike[str], *, dtype_str: bool = True):
    """Read a CSV or Parquet table with every column as text; clear errors, no values echoed.

    CSV cells are kept as strings (no type guessing: leading zeros and codes survive) and
    empty cells become missing. A Parquet date or timestamp column reads as ``datetime.date``
    cells (spec section 3), which a date field takes as their day whatever its format. An
    encoded linkcore file, or a Parquet file under a CSV name, is refused with a line saying so
    (InputDataError).
    """
    path = Path(path)
    if table_kind(path) == "parquet":
        df = _read_parquet_table(path, dtype_str)
    else:
        df = _read_csv_table(path, dtype_str)
    if len(df.columns) == 0:
        raise InputDataError(f"input file has no columns: {path}")
    return df


def read_table_head(path: str | os.PathLike[str]):
    """Read a table's columns and first row (at most) as read_table reads them, same errors."""
    path = Path(path)
    if table_kind(path) == "parquet":
        df = read_parquet_rows(path, 0, 1)
    else:
        df = _read_csv_table(path, True, nrows=1)
    if len(df.columns) == 0:
        raise InputDataError(f"input file has no columns: {path}")
    return df


def table_kind(path: str | os.PathLike[str]) -> str:
    """Check an input table's path as read_table does and say how it is read: parquet or csv."""
    path = Path(path)
    if not path.exists():
        raise InputDataError(f"input file not found: {path}")
    if path.is_dir():
        raise InputDataError(f"input path is a directory, not a file: {path}")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputDataError(f"input is not a regular file (a pipe, a device or a socket): "
                                 f"{path}; save the table to a file and give its path")
        size = info.st_size
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputDataError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if size == 0:
        raise InputDataError(f"input file is empty: {path}")
    is_parquet = head[:4] == _PARQUET_MAGIC
    if is_parquet and _is_encoded(path):
        raise InputDataError(
            f"{path} is an encoded linkcore file, not a data table; give a plain CSV or "
            "Parquet table (encoded files are read by `linkcore link` only)"
        )
    if path.suffix.lower() in PARQUET_SUFFIXES:
        if not is_parquet:
            raise InputDataError(
                f"{path} is not a Parquet file, though its name ends in {path.suffix}; "
                "give a Parquet file, or a CSV file named .csv"
            )
        return "parquet"
    if is_parquet:
        raise InputDataError(
            f"{path} is a Parquet file, not CSV text; name it .parquet to read it as Parquet"
        )
    if head.count(b"\x00") * 8 > len(head) or \
            not _is_utf8_text(head.replace(b"\x00", b" "), complete=size <= len(head)):
        raise _not_utf8(path)  # binary, or UTF-16: not UTF-8 text at all
    _refuse_nul(path, size)
    return "csv"


#: Bytes read at a time when a CSV file is searched for a NUL byte.
_SCAN_BYTES = 1 << 23


def _refuse_nul(path: Path, size: int) -> None:
    """Refuse a CSV file holding a NUL byte anywhere (it would end up inside a record id).

    The whole file is searched, a block at a time into one reused buffer (read, not mapped: a
    file cut short by another process while it was mapped would kill this one with SIGBUS).
    """
    buf = bytearray(min(max(size, 1), _SCAN_BYTES))
    view = memoryview(buf)
    newlines = 0
    at = -1
    try:
        with open(path, "rb") as fh:
            while (got := fh.readinto(view)):
                at = buf.find(b"\x00", 0, got)
                if at >= 0:
                    newlines += buf.count(b"\n", 0, at)
                    break
                newlines += buf.count(b"\n", 0, got)
    except (OSError, ValueError) as exc:
        raise InputDataError(f"cannot read {path}: "
                             f"{getattr(exc, 'strerror', None) or type(exc).__name__}") from None
    if at >= 0:
        raise InputDataError(f"input file holds a NUL byte (line {newlines + 1}), which CSV text "
                             f"does not: {path}; remove it, or export the table again as UTF-8 CSV")


def _is_utf8_text(head: bytes, complete: bool) -> bool:
    """Tell whether a file's first bytes are UTF-8 text (no NUL; a cut final character is fine)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not complete and exc.start >= len(head) - 3
    return True


def _not_utf8(path: Path) -> InputDataError:
    return InputDataError(f"input file is not UTF-8 text: {path} (re-save it as UTF-8 CSV)")


def _is_encoded(path: Path) -> bool:
    """Tell whether a Parquet file carries linkcore's encoded-dataset metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path).metadata or {}
    except (pa.ArrowException, OSError, ValueError):
        return False  # not readable Parquet: reading it as a table says so
    return b"linkcore" in meta


def _read_parquet_table(path: Path, dtype_str: bool):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        _refuse_repeated_names(path)
        raise _unreadable_parquet(path, exc) from None
    return _parquet_frame(table, path, dtype_str)


def _refuse_repeated_names(path: Path) -> None:
    """Say so if a Parquet file that Arrow cannot read as a table repeats a column name."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception:  # noqa: BLE001 - unreadable: the caller's message says so
        return
    if len(set(names)) != len(names):
        raise InputDataError(f"{path} has two columns with the same name; rename one")


def _unreadable_parquet(path: Path, exc: BaseException) -> InputDataError:
    return InputDataError(
        f"cannot read {path} as Parquet ({type(exc).__name__}): the file is damaged or "
        "not a table linkcore can read"
    )


def _whole_floats_as_integers(column):
    """Return a float column's cells as text, whole numbers without ``.0`` (as a CSV has them).

    An id or a date saved as floats (pandas makes a column with gaps float) reads
    ``68548688`` and ``19710219``, as ``cell_text`` reads such a cell from a DataFrame.
    """
    import numpy as np

    values = column.to_numpy(dtype="float64", na_value=np.nan)
    whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 2.0 ** 63)
    text = column.astype("string").astype(object)
    text[whole] = values[whole].astype(np.int64).astype(str)
    return text.where(column.notna(), None)


def _days(column):
    """Return a date or timestamp column's cells as ``datetime.date`` (the day on its own clock).

    A time zone's timestamp reads as the day in that zone, as pandas shows it; a null is None.
    Kept as dates, not text, so that a date field reads them whatever its ``date_format`` says.
    """
    from pandas.api.types import is_datetime64_any_dtype

    days = column.dt.date if is_datetime64_any_dtype(column.dtype) else column
    return days.astype(object).where(column.notna(), None)


def _parquet_frame(table, path: Path, dtype_str: bool):
    """Turn an Arrow table into the frame read_table gives: named columns, text cells, and days.

    Integer columns with nulls stay integers (``integer_object_nulls``): as floats they would
    read "4857773456.0", another identifier than the CSV's "4857773456". Each cell's text
    depends on its own value only, so any row range of a file reads as that range of the whole.
    """
    import pyarrow as pa

    # a column without a name gets the name pandas gives one in a CSV header
    names = [name or f"Unnamed: {i}" for i, name in enumerate(table.column_names)]
    table = table.rename_columns(names)
    if len(set(names)) != len(names):
        raise InputDataError(f"{path} has two columns with the same name; rename one")
    for field in table.schema:
        if pa.types.is_nested(field.type) or pa.types.is_dictionary(field.type) and \
                pa.types.is_nested(field.type.value_type):
            raise InputDataError(f"{path}: column {field.name!r} holds lists or records, not "
                                 "single values; save one value per cell")
    try:
        df = table.to_pandas(integer_object_nulls=True)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise InputDataError(
            f"cannot read {path} as a table ({type(exc).__name__}); save it with plain "
            "text or number columns"
        ) from None
    if not dtype_str:
        return df
    from pandas.api.types import is_float_dtype

    dated = {f.name for f in table.schema
             if pa.types.is_date(f.type) or pa.types.is_timestamp(f.type)}
    for name in df.columns[[is_float_dtype(t) for t in df.dtypes]]:
        df[name] = _whole_floats_as_integers(df[name])
    try:
        text = [c for c in df.columns if c not in dated]
        out = df.copy()
        out[text] = df[text].astype("string").astype(object).where(df[text].notna(), None)
        for name in dated:  # its day, as encode reads a date cell whatever the text format
            out[name] = _days(df[name])
        return out
    except UnicodeDecodeError:
        raise InputDataError(
            f"{path} has a column of binary data that is not UTF-8 text; give a table of text "
            "columns"
        ) from None
    except (ValueError, TypeError) as exc:
        raise InputDataError(
            f"cannot read {path} as text columns ({type(exc).__name__}); save it with plain "
            "text or number columns"
        ) from None


def parquet_table_rows(path: str | os.PathLike[str]) -> int:
    """Return how many rows a Parquet table holds (from its footer, no data read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        return int(pq.read_metadata(path).num_rows)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable_parquet(path, exc) from None


def read_parquet_column(path: str | os.PathLike[str], name: str):
    """Read one column of a Parquet table (as read_table reads it) as a one-column frame."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        if name in pq.read_schema(path).names:
            table = pq.read_table(path, columns=[name])
        else:  # an unnamed column, or none: read_table's names and errors
            table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable_parquet(path, exc) from None
    return _parquet_frame(table, path, True)


def read_parquet_rows(path: str | os.PathLike[str], start: int, stop: int):
    """Read rows ``start`` to ``stop`` of a Parquet table as read_table reads the whole one.

    Only the row groups that hold the range are read, so a task given a row range of a large
    table reads its share of the file, not the file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        fh = pq.ParquetFile(path)
        meta = fh.metadata
        first, groups, at = None, [], 0
        for g in range(meta.num_row_groups):
            rows = meta.row_group(g).num_rows
            if at + rows > start and at < stop:
                first = at if first is None else first
                groups.append(g)
            at += rows
        if groups:
            table = fh.read_row_groups(groups).slice(start - first, stop - start)
        else:
            table = fh.schema_arrow.empty_table()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable_parquet(path, exc) from None
    return _parquet_frame(table, path, True)


#: How read_table parses CSV text (besides ``dtype=str``): the CSV cut of ``_csv_ranges`` parses
#: each range the same way, so that its rows are the whole read's.
CSV_OPTIONS = {"keep_default_na": False, "na_values": [""], "encoding": "utf-8"}


def _read_csv_table(path: Path, dtype_str: bool, nrows: int | None = None):
    import pandas as pd

    try:
        df = pd.read_csv(path, dtype=str if dtype_str else None, nrows=nrows, **CSV_OPTIONS)
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except pd.errors.EmptyDataError:
        raise InputDataError(f"input file has no columns: {path}") from None
    except pd.errors.ParserError as exc:
        raise parse_error(str(path), exc, len(_csv_header(path))) from None
    except (OSError, ValueError) as exc:
        raise InputDataError(f"cannot read {path}: {type(exc).__name__}") from None
    if not isinstance(df.index, pd.RangeIndex):
        # pandas reads a first row with more cells than the header by making the first column
        # the index: every value would move one column left (a name read as the record id)
        from ._csv_cells import first_odd_row

        cells = len(_csv_header(path))
        odd = first_odd_row(str(path), cells, 0, None, header=True)
        if odd is not None:
            raise _cell_count_error(str(path), "", odd.row, odd.cells, cells)
        raise InputDataError(f"cannot parse {path} as CSV: a row has more cells than the header; "
                             "check the file's delimiters and quotes")
    header = _csv_header(path)
    if len(header) != len(set(header)):
        # pandas renames a repeated name ("surname.1"): one of the two would be read silently
        raise InputDataError(f"{path} has two columns with the same name; rename one")
    if nrows is None:
        refuse_short_rows(str(path), len(df.columns))
    return df


def parse_error(path: str, exc: Exception, cells: int, start: int = 0,
                stop: int | None = None, *, header: bool = True, first_row: int = 0,
                where: str = "") -> InputDataError:
    """Say where a CSV parse failed: the data row with another cell count, else pandas' line.

    pandas' parser message names line numbers and counts, not values; its line numbers are
    the range's own in a partitioned read, so the row is found again from the table's start.
    """
    from ._csv_cells import first_odd_row

    odd = first_odd_row(path, cells, start, stop, header=header)
    if odd is not None:
        return _cell_count_error(path, where, first_row + odd.row, odd.cells, cells)
    first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return InputDataError(f"cannot parse {path} as CSV{where}: {first}")


def refuse_short_rows(path: str, cells: int, start: int = 0, stop: int | None = None, *,
                      header: bool = True, first_row: int = 0, where: str = "") -> None:
    """Refuse a CSV record with fewer cells than the header (pandas fills them as missing).

    ``first_row``: how many data rows come before byte ``start`` (for the message's number).
    """
    from ._csv_cells import first_short_row

    short = first_short_row(path, cells, start, stop, header=header)
    if short is not None:
        raise _cell_count_error(path, where, first_row + short.row, short.cells, cells)


def _cell_count_error(path: str, where: str, row: int, got: int, cells: int) -> InputDataError:
    """Name a CSV record whose cell count is not the header's: its data row and both counts."""
    return InputDataError(
        f"cannot parse {path} as CSV{where}: data row {row} has {got} "
        f"cell{'s' if got != 1 else ''}, the header {cells}; check the file's delimiters, "
        "quotes and line breaks")


def _csv_header(path: Path) -> list[str]:
    """Return the CSV file's header row as written (pandas renames repeated names)."""
    import csv

    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [name for name in next(csv.reader(fh), []) if name != ""]
