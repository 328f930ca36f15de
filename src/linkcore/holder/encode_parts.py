"""The encoder over partitions: a table cut into row ranges, each encoded by its own task.

``encode_partitioned`` gives the same records as :func:`~linkcore.holder.encode.encode`, bit for
bit, written as a partitioned dataset (:mod:`linkcore.partitioned`): a folder of one Parquet
part per range and a manifest. What depends on the whole table is done once, here, before the
tasks start: the arguments and the ids (present and unique over the whole table), and the BLIP
nonce, drawn once per run and shared by every part, each part drawing from its own position in
the keystream. What the parts return is merged in table order: the report's counts and row
numbers (already the table's), then ``--strict``'s verdict. Everything else the encoder does is
record by record (values, tokens, filters, hardening, blocking keys), so a row does not depend
on which part it is in.

The table is a DataFrame (each task is sent its rows), a :class:`ParquetTable` (each task reads
its own rows from the row groups that hold them) or a :class:`CsvTable` (each task reads its own
byte range, cut at record ends by :mod:`linkcore._csv_ranges`; a CSV that cannot be cut so is
read here whole and sent as a DataFrame). Tasks run on an engine from :mod:`linkcore.engines`:
in this process, or on dask.distributed. On dask a task carries its rows (or where to read
them) and a :class:`~linkcore.holder.keys.KeySource` (where to read the key), never the key;
each worker reads the key and writes its part into the output's staging folder, so workers
must share the output's file system. The folder appears only when every part is written and
checked; on any failure nothing is left.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._csv_ranges import CsvRange, csv_header, cut_csv, range_sha256, read_csv_range
from .._io import (
    atomic_dir,
    parquet_table_rows,
    read_parquet_column,
    read_parquet_rows,
    read_table,
)
from ..dataset import SPEC_VERSION
from ..engines import even_bounds, make_engine
from ..errors import InputDataError, OutputError, ParameterError, SecretError
from ..partitioned import Manifest, PartEntry, file_sha256, part_file_name, write_manifest
from ..schema import Mapping, Schema
from .encode import (
    EncodingReport,
    _check_arguments,
    _progress,
    _record_ids,
    _strict_error,
    encode_rows,
)
from .keys import KeySource, Secret

log = logging.getLogger("linkcore.encode")


@dataclass(frozen=True)
class ParquetTable:
    """A Parquet table by path: each task reads its own rows (every worker must see the path)."""

    path: str


@dataclass(frozen=True)
class CsvTable:
    """A CSV table by path: each task reads its own byte range (every worker must see the path)."""

    path: str


@dataclass(frozen=True)
class _Rows:
    """A task's rows of a ParquetTable: the range and the digest of the ids checked for it."""

    path: str
    start: int
    stop: int
    ids_sha256: str


def _ids_sha256(ids: np.ndarray) -> str:
    """Digest of a range's record ids (kept in this process and on the worker, never sent out)."""
    text = "".join(str(i) + "\x00" for i in ids.tolist())
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_rows(rows: _Rows | CsvRange, id_column: str) -> pd.DataFrame:
    """Task: read a row range of the input and check it holds the ids checked for it."""
    if isinstance(rows, CsvRange):
        df = read_csv_range(rows)
    elif not Path(rows.path).is_file():
        raise InputDataError(
            f"a worker cannot read the input table {rows.path}: it must be on a file system "
            "every worker shares, at the same path"
        )
    else:
        df = read_parquet_rows(rows.path, rows.start, rows.stop)
    ids = df[id_column].astype(str).to_numpy(dtype=object) if id_column in df.columns else None
    if ids is None or len(df) != rows.stop - rows.start or _ids_sha256(ids) != rows.ids_sha256:
        raise InputDataError(
            f"the input table {rows.path} changed while it was encoded (rows "
            f"{rows.start + 1}-{rows.stop} are not the ones read before); encode it again"
        )
    return df


@dataclass(frozen=True)
class PartResult:
    """What a part's task sends back: counts, a hash and the report, never a value."""

    index: int
    file: str
    records: int
    sha256: str
    size: int
    key_check_value: str
    report: EncodingReport


def _worker_key(key: KeySource) -> Secret:
    """Read the key on a worker, saying so when the worker cannot (the run's process could)."""
    try:
        return key.load()
    except SecretError as exc:
        raise SecretError(f"a dask worker cannot read the key: {exc} (on the worker; the key "
                          "file must be at the same path, or the variable set, on every "
                          "worker)") from None


def encode_part(rows: pd.DataFrame | _Rows | CsvRange, schema: Schema, mapping: Mapping,
                key: Secret | KeySource, nonce: bytes, first_row: int, strict: bool, folder: str,
                index: int) -> PartResult:
    """Task: encode one row range and write it as part ``index`` into ``folder``."""
    _check_folder(folder)
    if isinstance(rows, (_Rows, CsvRange)):
        rows = _read_rows(rows, mapping.id_column)
    secret = key if isinstance(key, Secret) else _worker_key(key)
    dataset, report = encode_rows(rows.reset_index(drop=True), schema, secret, mapping,
                                  nonce=nonce, first_row=first_row, strict=strict)
    kcv = secret.key_check_value()
    del secret
    if dataset is None:  # --strict and unreadable values: the caller says which
        return PartResult(index, "", 0, "", 0, kcv, report)
    path = Path(folder) / part_file_name(index)
    _check_folder(folder)  # never re-create a staging folder a failed run has removed
    dataset.write(path)
    return PartResult(index, path.name, len(dataset), file_sha256(path), path.stat().st_size,
                      kcv, report)


def _check_folder(folder: str) -> None:
    if not Path(folder).is_dir():
        raise OutputError(
            f"a worker cannot see the output's staging folder {folder}: the output's folder "
            "must be on a file system every worker shares, at the same path"
        )


def encode_partitioned(df: pd.DataFrame | ParquetTable | CsvTable, schema: Schema,
                       key: Secret | KeySource,
                       output: str | os.PathLike[str], mapping: Mapping | None = None, *,
                       partitions: int, engine: str = "local", client: Any = None,
                       strict: bool = False, blip_nonce: bytes | None = None,
                       progress: bool = False) -> tuple[Manifest, EncodingReport]:
    """Encode a table in ``partitions`` row ranges into the partitioned dataset ``output``.

    Read back (``EncodedDataset.read(output)``), the records equal ``encode(df, ...)``'s with
    the same ``blip_nonce``. ``engine="dask"`` runs the parts on ``client`` and needs ``key``
    as a KeySource (workers read the key themselves). ``output`` must not exist yet. ``df``
    may be a :class:`ParquetTable` or a :class:`CsvTable`: then each task reads its own rows of
    the file.
    """
    secret = key if isinstance(key, Secret) else key.load()  # fails here, before any work
    even_bounds(0, partitions)  # a positive whole number, whatever the table
    if isinstance(df, CsvTable):
        df = _cut_or_read(df, schema, secret, mapping, blip_nonce, partitions)
    if isinstance(df, _CsvCut):
        mapping, nonce = _check_arguments(df.header, schema, secret, mapping, blip_nonce)
        ids = _record_ids(pd.DataFrame({mapping.id_column: df.ids}), mapping.id_column)
        n_rows = len(ids)
        ranges = [(s, e) for _, _, s, e in df.ranges]
        parts: list[Any] = [CsvRange(df.path, df.columns, b0, b1, s, e, _ids_sha256(ids[s:e]),
                                     range_sha256(df.path, b0, b1))
                            for b0, b1, s, e in df.ranges]
    elif isinstance(df, ParquetTable):
        path = os.path.abspath(df.path)
        n_rows = parquet_table_rows(path)
        header = read_parquet_rows(path, 0, 0)
        mapping, nonce = _check_arguments(header, schema, secret, mapping, blip_nonce)
        ids = _record_ids(read_parquet_column(path, mapping.id_column), mapping.id_column)
        ranges = _even_ranges(n_rows, partitions)
        parts = [_Rows(path, s, e, _ids_sha256(ids[s:e])) for s, e in ranges]
    else:
        n_rows = len(df)
        mapping, nonce = _check_arguments(df, schema, secret, mapping, blip_nonce)
        _record_ids(df, mapping.id_column)  # present and unique over the whole table
        ranges = _even_ranges(n_rows, partitions)
        parts = [df.iloc[s:e] for s, e in ranges]
    kcv = secret.key_check_value()
    eng = make_engine(engine, client)
    try:
        if eng.name == "dask" and isinstance(key, Secret):
            raise ParameterError("on dask, pass the key as KeySource(key_file=...) or "
                                 "KeySource(key_env=...): workers read it themselves, a Secret "
                                 "is never sent")
        task_key = secret if eng.name == "local" else key
        del secret
        with atomic_dir(output) as staging:
            bar = _progress(progress, n_rows, len(ranges))
            # an absolute path: a worker elsewhere runs in a folder of its own
            handles = [eng.put(encode_part, rows, schema, mapping, task_key, nonce, s, strict,
                               os.path.abspath(staging), i)
                       for i, (rows, (s, _)) in enumerate(zip(parts, ranges, strict=True))]
            try:
                results: list[PartResult] = eng.gather(handles, bar.update)
            except BaseException:
                if eng.name == "dask":  # the parts still to run must not write any more
                    eng.client.cancel(handles)
                raise
            finally:
                bar.close()
            report = EncodingReport.merge([r.report for r in results])
            if strict and report.summary_lines():
                raise _strict_error(report)
            manifest = _check_parts(results, staging, schema, kcv)
            write_manifest(staging, manifest)
    finally:
        eng.close()
    for line in report.summary_lines():
        log.warning(line)
    return manifest, report


@dataclass(frozen=True)
class _CsvCut:
    """A CSV table cut into byte ranges of whole records: what the tasks are sent."""

    path: str
    header: pd.DataFrame
    columns: tuple[str, ...]
    ranges: list[tuple[int, int, int, int]]
    ids: np.ndarray


def _cut_or_read(table: CsvTable, schema: Schema, secret: Secret, mapping: Mapping | None,
                 blip_nonce: bytes | None, partitions: int) -> _CsvCut | pd.DataFrame:
    """Cut a CSV table into ranges its tasks read themselves, or read it whole if it cannot be."""
    path = os.path.abspath(table.path)
    header = csv_header(path)
    if header is not None:
        mapping, _ = _check_arguments(header, schema, secret, mapping, blip_nonce)
        cut = cut_csv(path, partitions, mapping.id_column, header)
        if cut is not None:
            return _CsvCut(path, header, *cut)
    log.info("the CSV input cannot be cut into ranges of whole records: read whole")
    return read_table(path)


def _even_ranges(n_rows: int, partitions: int) -> list[tuple[int, int]]:
    bounds = even_bounds(n_rows, partitions)
    return [(int(s), int(e)) for s, e in zip(bounds[:-1], bounds[1:], strict=True)]


def _check_parts(results: list[PartResult], staging: Path, schema: Schema, kcv: str) -> Manifest:
    """Check every part was written where this process sees it, under this key; the manifest."""
    for r in results:
        if r.key_check_value != kcv:
            raise SecretError(
                f"part {r.index + 1} was encoded by a worker that read a different key (key "
                f"check value {r.key_check_value[:16]}…, here {kcv[:16]}…); every worker must "
                "read the same key file or environment variable"
            )
        path = staging / r.file
        if not path.is_file() or path.stat().st_size != r.size:
            raise OutputError(
                f"part {r.index + 1} was written by a worker where this machine cannot see it; "
                f"the output's folder ({staging.parent}) must be on a file system every worker "
                "shares"
            )
    return Manifest(SPEC_VERSION, schema.fingerprint, kcv, sum(r.records for r in results),
                    tuple(PartEntry(r.file, r.records, r.sha256) for r in results))
