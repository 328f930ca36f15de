"""Filter columns (and other per-row or per-pair arrays) in memory-mapped scratch files.

An encoded record of the suggested design holds about 850 bytes of filters, so two files of
10^7 records hold some 17 GB: more than a linkage machine may keep in memory beside the
candidate pairs. Read with a *mapped folder*, a dataset's filter columns live in files there,
mapped into the process: the operating system keeps the pages in use in its page cache and
drops the others, and a stage that reads a file's rows in order (the keys, the popcounts) or
one row range at a time (a grid cell) touches only those pages. A cell's candidate pairs and
levels, and on dask a worker's other per-row columns (missing flags, keys, popcounts), can live
there too (linkage/partitions.py), so that what a worker allocates does not grow with its rows.

Each scratch file is created private to the user (mode 0600), its whole size reserved on disk
up front (a full disk is an error here, not a crash later), mapped, and unlinked at once: it
has no name while it is used, and the disk space comes back when the arrays are gone, even if
the process is killed. The files hold what the encoded files hold, or numbers derived from it
(filters, flags, keys, row numbers, pair codes and levels; no plaintext, no key).
"""

from __future__ import annotations

import errno
import mmap
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ParameterError

PREFIX = "linkcore-filters-"


def check_mapped_dir(folder: str | os.PathLike[str], inputs: Sequence[Any] = ()) -> Path:
    """Return the folder as a Path; ParameterError when it is not a writable directory.

    ``inputs``: the run's datasets; a folder inside one given by path (a partitioned dataset)
    is refused, since the run's scratch files would appear inside that dataset.
    """
    path = Path(folder)
    for given in inputs:
        if isinstance(given, str | os.PathLike) and Path(given).is_dir():
            where = Path(given).resolve()
            if path.resolve() == where or where in path.resolve().parents:
                raise ParameterError(f"the mapped folder {path} is inside the input {given}; "
                                     "give a scratch folder outside every input")
    if os.name != "posix":
        raise ParameterError("a mapped folder needs a POSIX system (Linux, macOS)")
    if not path.is_dir():
        raise ParameterError(f"the mapped folder {path} is not a directory; create it first")
    if not os.access(path, os.W_OK | os.X_OK):
        raise ParameterError(f"the mapped folder {path} is not writable by this user")
    return path


def mapped_words(folder: str | os.PathLike[str], n: int, words: int) -> np.ndarray:
    """Return a zeroed (n, words) uint64 array backed by a nameless file in ``folder``."""
    return mapped_array(folder, (n, words), np.uint64, "filters")


def mapped_array(folder: str | os.PathLike[str], shape: tuple[int, ...], dtype: Any,
                 what: str = "candidate pairs", order: str = "C") -> np.ndarray:
    """Return a zeroed array of ``shape`` and ``dtype`` backed by a nameless file in ``folder``.

    ``order``: "C" (rows contiguous) or "F" (columns contiguous).
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size == 0:
        return np.zeros(shape, dtype, order=order)
    path = check_mapped_dir(folder)
    try:
        fd, name = tempfile.mkstemp(prefix=PREFIX, dir=path)
    except OSError as exc:
        raise ParameterError(
            f"cannot create a scratch file in the mapped folder {path} ({exc.strerror})"
        ) from None
    try:
        os.unlink(name)
        try:
            _reserve(fd, size)
        except OSError as exc:
            raise ParameterError(
                f"the mapped folder {path} has no room for {size / 1e9:.2f} GB of {what} "
                f"({exc.strerror}); free space there or choose another folder"
            ) from None
        buf = mmap.mmap(fd, size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(fd)
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order=order)


def to_mapped(a: np.ndarray, folder: str | os.PathLike[str], what: str = "candidate pairs",
              order: str = "C") -> np.ndarray:
    """Return a copy of ``a`` in a nameless scratch file in ``folder``, its pages let go."""
    out = mapped_array(folder, a.shape, a.dtype, what, order)
    out[...] = a
    release(out)
    return out


def _reserve(fd: int, size: int) -> None:
    """Give the file its size, reserved on disk where the system and file system can."""
    if hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
            return
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                raise
    os.ftruncate(fd, size)  # not reserved: a disk that fills later fails while writing


def new_words(n: int, words: int, folder: str | os.PathLike[str] | None) -> np.ndarray:
    """Return an (n, words) uint64 array to fill: in memory, or mapped in ``folder``."""
    return np.empty((n, words), np.uint64) if folder is None else mapped_words(folder, n, words)


def _mapping(a: np.ndarray) -> mmap.mmap | None:
    """Return the scratch file mapping behind an array (or a view of one), if any."""
    base = a
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return base if isinstance(base, mmap.mmap) else None


def is_mapped(a: np.ndarray) -> bool:
    """Tell whether an array's memory is a mapped scratch file (or a view of one)."""
    return _mapping(a) is not None


def release(*arrays: np.ndarray | None) -> None:
    """Let go of the mapped pages behind these arrays (their contents stay, in the files).

    The mappings are shared, so the pages stay in the page cache (or are written to the
    file) and come back on the next read: the process holds only the pages in use, and the
    kernel may reclaim the rest without waiting for the arrays to go. Arrays in memory are
    left alone.
    """
    seen: set[int] = set()
    for a in arrays:
        mm = None if a is None else _mapping(a)
        if mm is not None and id(mm) not in seen and not mm.closed \
                and hasattr(mmap, "MADV_DONTNEED"):
            seen.add(id(mm))
            mm.madvise(mmap.MADV_DONTNEED)


def release_datasets(*datasets: Any) -> None:
    """Let go of the mapped pages of these EncodedDatasets' filter columns (see ``release``)."""
    release(*(a for ds in datasets for a in (*ds.fields.values(), ds.clk)))
