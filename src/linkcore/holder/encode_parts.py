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

Tasks run on an engine from :mod:`linkcore.engines`: in this process, or on dask.distributed.
On dask a task carries its rows and a :class:`~linkcore.holder.keys.KeySource` (where to read the
key), never the key; each worker reads the key and writes its part into the output's staging
folder, so workers must share the output's file system. The folder appears only when every part
is written and checked; on any failure nothing is left.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._io import atomic_dir
from ..dataset import SPEC_VERSION
from ..engines import even_bounds, make_engine
from ..errors import OutputError, ParameterError, SecretError
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
class PartResult:
    """What a part's task sends back: counts, a hash and the report, never a value."""

    index: int
    file: str
    records: int
    sha256: str
    size: int
    key_check_value: str
    report: EncodingReport


def encode_part(rows: pd.DataFrame, schema: Schema, mapping: Mapping, key: Secret | KeySource,
                nonce: bytes, first_row: int, strict: bool, folder: str, index: int
                ) -> PartResult:
    """Task: encode one row range and write it as part ``index`` into ``folder``."""
    _check_folder(folder)
    secret = key if isinstance(key, Secret) else key.load()
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


def encode_partitioned(df: pd.DataFrame, schema: Schema, key: Secret | KeySource,
                       output: str | os.PathLike[str], mapping: Mapping | None = None, *,
                       partitions: int, engine: str = "local", client: Any = None,
                       strict: bool = False, blip_nonce: bytes | None = None,
                       progress: bool = False) -> tuple[Manifest, EncodingReport]:
    """Encode a table in ``partitions`` row ranges into the partitioned dataset ``output``.

    Read back (``EncodedDataset.read(output)``), the records equal ``encode(df, ...)``'s with
    the same ``blip_nonce``. ``engine="dask"`` runs the parts on ``client`` and needs ``key``
    as a KeySource (workers read the key themselves). ``output`` must not exist yet.
    """
    secret = key if isinstance(key, Secret) else key.load()  # fails here, before any work
    mapping, nonce = _check_arguments(df, schema, secret, mapping, blip_nonce)
    _record_ids(df, mapping.id_column)  # present and unique over the whole table
    kcv = secret.key_check_value()
    bounds = even_bounds(len(df), partitions)
    eng = make_engine(engine, client)
    try:
        if eng.name == "dask" and isinstance(key, Secret):
            raise ParameterError("on dask, pass the key as KeySource(key_file=...) or "
                                 "KeySource(key_env=...): workers read it themselves, a Secret "
                                 "is never sent")
        task_key = secret if eng.name == "local" else key
        del secret
        with atomic_dir(output) as staging:
            bar = _progress(progress, len(df), len(bounds) - 1)
            handles = [eng.put(encode_part, df.iloc[int(s):int(e)], schema, mapping, task_key,
                               nonce, int(s), strict, str(staging), i)
                       for i, (s, e) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))]
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


def _check_parts(results: list[PartResult], staging: Path, schema: Schema, kcv: str) -> Manifest:
    """Check every part was written where this process sees it, under this key; the manifest."""
    for r in results:
        if r.key_check_value != kcv:
            raise SecretError(
                f"part {r.index + 1} was encoded by a worker that read a different key (key "
                f"check value {r.key_check_value}, here {kcv}); every worker must read the same "
                "key file or environment variable"
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
