"""A CSV table cut into byte ranges that hold whole records, so each task reads only its share.

A CSV file cannot be cut into row ranges without reading it: a quoted value may hold a line
break. :func:`cut_csv` reads it once in blocks (never whole): a line break ends a record when an
even number of quote characters comes before it (RFC 4180 quoting), and each cut is the first
such line end at or after an even share of the file's bytes. Each range is then parsed as
``read_table`` parses the whole file (every cell text, empty cells missing), keeping only the id
column. A line feed outside quotes ends a record for pandas' parser too, so the ranges' rows
are the whole file's; where the count is fooled (a quote inside an unquoted value), some cut
falls inside a quoted value, the range before it ends inside quotes and its parse fails. Then,
or where the file holds a carriage return without a line feed after it (pandas ends a record
there, and reads some such files oddly), there is no cut: the caller reads the table whole, as
before. Where pandas would take the first column as an index (a first row with more cells than
the header) there is no cut either, and the whole read refuses the file.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._io import CSV_OPTIONS, parse_error, refuse_short_rows
from .errors import InputDataError

_BLOCK = 1 << 24
_ROWS_PER_CHUNK = 1 << 18
_OPTIONS = {"dtype": str, **CSV_OPTIONS}


@dataclass(frozen=True)
class CsvRange:
    """A task's rows of a CSV table: their bytes, their row numbers and the ids' digest."""

    path: str
    columns: tuple[str, ...]
    byte_start: int
    byte_stop: int
    start: int
    stop: int
    ids_sha256: str
    #: SHA-256 of the range's bytes as cut: a task whose bytes differ (the file replaced by one
    #: with the same ids) fails rather than encode another version of its rows
    bytes_sha256: str = ""


class _ByteRange(io.RawIOBase):
    """A file read from ``start`` up to (not including) ``stop``."""

    def __init__(self, fh: io.BufferedReader, start: int, stop: int) -> None:
        fh.seek(start)
        self._fh, self._left = fh, stop - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = min(len(buffer), self._left)
        if n <= 0:
            return 0
        got = self._fh.readinto(memoryview(buffer)[:n]) or 0
        self._left -= got
        return got


def csv_header(path: str | os.PathLike[str]):
    """Read the columns as read_table names them (an empty frame), or None if it cannot be cut.

    None when the file's first column is an index (a data row with one more cell than the
    header): such a file is read whole.
    """
    import pandas as pd

    from ._io import read_table_head

    first = read_table_head(path)
    return first.iloc[:0] if isinstance(first.index, pd.RangeIndex) else None


def estimated_rows(path: str | os.PathLike[str]) -> int:
    """About how many records a CSV file holds: its size over the line length of its first MiB."""
    size = Path(path).stat().st_size
    with open(path, "rb") as fh:
        sample = fh.read(1 << 20)
    lines = sample.count(b"\n") or 1
    return max(1, round(size * lines / max(len(sample), 1)) - 1)


def _scan(path: str, targets: list[int]) -> tuple[list[int], bool]:
    """Read the file once: where records end after each target, and any bare carriage return.

    For each target offset (ascending), the offset just past the first record end at or after
    it (-1 where there is none); a record ends at a line feed preceded by an even number of
    quote characters. The flag says whether a carriage return ends a line without a line feed
    (pandas ends a record there).
    """
    out: list[int] = []
    quotes = pos = 0
    bare_cr, carried = False, b""
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            text = carried + block
            tail = 1 if text.endswith(b"\r") else 0  # its line feed may open the next block
            bare_cr |= text.count(b"\r") - tail != text.count(b"\r\n")
            carried = b"\r" if tail else b""
            a = np.frombuffer(block, dtype=np.uint8)
            at_quotes = np.flatnonzero(a == 34)
            if len(out) < len(targets) and targets[len(out)] < pos + len(a):  # a cut is here
                feeds = np.flatnonzero(a == 10)
                before = quotes + np.searchsorted(at_quotes, feeds)
                ends = pos + feeds[(before & 1) == 0] + 1
                while len(out) < len(targets):
                    k = int(np.searchsorted(ends, targets[len(out)]))
                    if k == len(ends):
                        break
                    out.append(int(ends[k]))
            quotes += len(at_quotes)
            pos += len(a)
    return out + [-1] * (len(targets) - len(out)), bare_cr or bool(carried)


def _range_ids(path: str, start: int, stop: int, position: int) -> np.ndarray:
    """Read the id column of the records in bytes [start, stop) as read_table reads it."""
    import pandas as pd

    with open(path, "rb") as fh:
        reader = io.BufferedReader(_ByteRange(fh, start, stop))
        chunks = [c.iloc[:, 0] for c in pd.read_csv(reader, header=None, usecols=[position],
                                                     chunksize=_ROWS_PER_CHUNK, **_OPTIONS)]
    if not chunks:
        return np.empty(0, dtype=object)
    return pd.concat(chunks).to_numpy(dtype=object)


def _is_header(path: str, stop: int, columns: tuple[str, ...]) -> bool:
    """Whether bytes [0, stop) are exactly the header read_table reads (no blank line first)."""
    import pandas as pd

    with open(path, "rb") as fh:
        head = fh.read(stop)
    try:
        parsed = pd.read_csv(io.BytesIO(head), **_OPTIONS)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return False
    return len(parsed) == 0 and tuple(str(c) for c in parsed.columns) == columns


def cut_csv(path: str | os.PathLike[str], parts: int, id_column: str, header=None
            ) -> tuple[tuple[str, ...], list[tuple[int, int, int, int]], np.ndarray] | None:
    """Cut a CSV file into at most ``parts`` ranges of whole records; None where it cannot be.

    Returns the columns, the ranges (first byte, byte after the last, first row, row after
    the last; no range without a record) and every record's id (as read_table reads the id
    column), or None: the caller then reads the table whole. ``header``: csv_header's frame,
    if the caller has read it.
    """
    import pandas as pd

    path = str(path)
    header = csv_header(path) if header is None else header
    if header is None or id_column not in header.columns:
        return None
    columns = tuple(str(c) for c in header.columns)
    position = columns.index(id_column)
    size = Path(path).stat().st_size
    ends, bare_cr = _scan(path, [size * k // parts for k in range(parts)])
    head_end = ends[0]
    if head_end == -1 or bare_cr or not _is_header(path, head_end, columns):
        return None
    bounds = sorted({size, *(max(c, head_end) if c != -1 else size for c in ends)})
    ranges: list[tuple[int, int, int, int]] = []
    all_ids: list[np.ndarray] = []
    rows = 0
    try:
        for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
            ids = _range_ids(path, b0, b1, position)
            if len(ids) == 0:  # only blank lines: its bytes join the range before
                if ranges:
                    ranges[-1] = (ranges[-1][0], b1, ranges[-1][2], ranges[-1][3])
                continue
            ranges.append((b0, b1, rows, rows + len(ids)))
            all_ids.append(ids)
            rows += len(ids)
        ids = np.concatenate(all_ids) if all_ids else np.empty(0, dtype=object)
        if not ranges:
            return None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return None  # read whole, the whole file's read says what is wrong with it
    first = ranges[0]
    ranges[0] = (head_end, first[1], first[2], first[3])
    return columns, ranges, ids


def range_sha256(path: str | os.PathLike[str], start: int, stop: int) -> str:
    """SHA-256 of a file's bytes [start, stop), read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        fh.seek(start)
        left = stop - start
        while left > 0 and (block := fh.read(min(_BLOCK, left))):
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def read_csv_range(rows: CsvRange):
    """Task: read a range's records as read_table reads them, with the table's column names."""
    import pandas as pd

    if not Path(rows.path).is_file():
        raise InputDataError(
            f"a worker cannot read the input table {rows.path}: it must be on a file system "
            "every worker shares, at the same path"
        )
    where = f"rows {rows.start + 1}-{rows.stop}"
    with open(rows.path, "rb") as fh:
        fh.seek(rows.byte_start)
        data = fh.read(rows.byte_stop - rows.byte_start)
    if rows.bytes_sha256 and hashlib.sha256(data).hexdigest() != rows.bytes_sha256:
        raise InputDataError(f"the input table {rows.path} changed while it was encoded "
                             f"({where} are not the ones read before); encode it again")
    try:
        df = pd.read_csv(io.BytesIO(data), header=None, names=list(rows.columns), **_OPTIONS)
    except pd.errors.ParserError as exc:
        raise parse_error(rows.path, exc, len(rows.columns), rows.byte_start, rows.byte_stop,
                          header=False, first_row=rows.start, where=f" ({where})") from None
    except UnicodeDecodeError:
        raise InputDataError(f"{rows.path} is not UTF-8 text ({where})") from None
    if not isinstance(df.index, pd.RangeIndex):
        raise InputDataError(f"cannot parse {rows.path} as CSV ({where}): a row has more cells "
                             "than the header")
    refuse_short_rows(rows.path, len(rows.columns), rows.byte_start, rows.byte_stop,
                      header=False, first_row=rows.start, where=f" ({where})")
    return df
