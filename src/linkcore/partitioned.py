"""A partitioned encoded dataset: a folder of linkcore Parquet parts and a manifest.

A holder that encodes in partitions (``linkcore encode --partitions N``) writes one folder:

    <name>/manifest.json           what the parts are (docs/spec.md, "Partitioned datasets")
    <name>/part-00000.parquet      rows 0 .. n0-1, an ordinary linkcore encoded file
    <name>/part-00001.parquet      the next rows, and so on

Read back (:func:`read_partitioned`), the parts in order are the one-process encoder's file,
record for record and column for column. Every part is checked against the manifest before any
row is used: present, encoded with the manifest's schema and key, of the listed record count
and SHA-256 (a part from another dataset or another run does not pass), and no part file the
manifest does not list. Like every reader here, errors name files, counts and rows, never an
id or a filter.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .dataset import SPEC_VERSION, EncodedDataset, _canonical_json, _read_parquet
from .errors import DatasetError
from .mapped import new_words, release

MANIFEST_NAME = "manifest.json"
FORMAT = "linkcore-partitioned"
MANIFEST_VERSION = 1
_PART_NAME = re.compile(r"part-(\d{5,})\.parquet")
_FIX = "copy the whole folder written by `linkcore encode --partitions` again"
_MANIFEST_KEYS = ("format", "manifest_version", "spec_version", "schema_fingerprint",
                  "key_check_value", "record_count", "part_count", "parts")


def part_file_name(index: int) -> str:
    """File name of part ``index`` (0-based): ``part-00000.parquet``."""
    return f"part-{index:05d}.parquet"


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Lowercase hex SHA-256 of a file's bytes (read in blocks)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass(frozen=True)
class PartEntry:
    """One part as the manifest lists it."""

    file: str
    records: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a partitioned dataset holds: the parts in order, their counts and hashes."""

    spec_version: int
    schema_fingerprint: str
    key_check_value: str
    record_count: int
    parts: tuple[PartEntry, ...]

    def to_json(self) -> str:
        """Render the manifest as canonical JSON (sorted keys, no whitespace)."""
        return _canonical_json({
            "format": FORMAT,
            "manifest_version": MANIFEST_VERSION,
            "spec_version": self.spec_version,
            "schema_fingerprint": self.schema_fingerprint,
            "key_check_value": self.key_check_value,
            "record_count": self.record_count,
            "part_count": len(self.parts),
            "parts": [dataclasses.asdict(p) for p in self.parts],
        })

    def starts(self) -> np.ndarray:
        """First row of each part in the whole dataset, and the total at the end."""
        return np.concatenate([[0], np.cumsum([p.records for p in self.parts])]).astype(np.int64)


def is_partitioned(path: str | os.PathLike[str]) -> bool:
    """Tell whether ``path`` is a folder (a partitioned dataset, if it is anything)."""
    return Path(path).is_dir()


def write_manifest(folder: str | os.PathLike[str], manifest: Manifest) -> None:
    """Write ``manifest.json`` into the (staging) folder of a partitioned dataset."""
    path = Path(folder) / MANIFEST_NAME
    path.write_text(manifest.to_json() + "\n", encoding="utf-8")
    if os.name == "posix":
        os.chmod(path, 0o600)  # the owner's only, as the parts beside it, whatever the umask


def read_manifest(folder: str | os.PathLike[str]) -> Manifest:
    """Read and check a partitioned dataset's manifest; DatasetError says what is wrong."""
    folder = Path(folder)
    where = f"{folder} (a partitioned dataset)"
    path = folder / MANIFEST_NAME
    if not folder.exists():
        raise DatasetError(f"encoded dataset not found: {folder}")
    if not path.is_file():
        raise DatasetError(
            f"{folder} is a directory without {MANIFEST_NAME}, so not a partitioned linkcore "
            "dataset; pass the .parquet file written by `linkcore encode` or the folder written "
            "by `linkcore encode --partitions`"
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise DatasetError(f"{where}: {MANIFEST_NAME} is not readable JSON; {_FIX}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DatasetError(f"{where}: {MANIFEST_NAME} is not a linkcore manifest; {_FIX}")
    if doc.get("manifest_version") != MANIFEST_VERSION:
        raise DatasetError(
            f"{where}: manifest version {doc.get('manifest_version')!r} is not the one this "
            f"linkcore reads ({MANIFEST_VERSION}); re-encode with this linkcore"
        )
    lacking = [k for k in _MANIFEST_KEYS if k not in doc]
    unknown = sorted(set(doc) - set(_MANIFEST_KEYS))
    if lacking or unknown:
        what = (f"lacks {', '.join(lacking)}" if lacking
                else f"has unknown keys {', '.join(unknown)}")
        raise DatasetError(f"{where}: {MANIFEST_NAME} {what}; {_FIX}")
    version = doc["spec_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > SPEC_VERSION:
        raise DatasetError(
            f"{where} was made by a newer linkcore (encoding spec version {version}; this "
            f"linkcore reads version {SPEC_VERSION}); upgrade linkcore"
        )
    if version != SPEC_VERSION:
        raise DatasetError(
            f"{where} uses encoding spec version {doc['spec_version']!r}; this linkcore reads "
            f"version {SPEC_VERSION}; re-encode the data with this linkcore"
        )
    parts = doc["parts"]
    if not (_is_count(doc["record_count"]) and _is_count(doc["part_count"])
            and isinstance(parts, list) and len(parts) == doc["part_count"] and parts
            and isinstance(doc["schema_fingerprint"], str)
            and isinstance(doc["key_check_value"], str)):
        raise DatasetError(f"{where}: {MANIFEST_NAME} is malformed (counts or part list); {_FIX}")
    entries = []
    for i, p in enumerate(parts):
        if (not isinstance(p, dict) or set(p) != {"file", "records", "sha256"}
                or p["file"] != part_file_name(i) or not _is_count(p["records"])
                or not isinstance(p["sha256"], str) or len(p["sha256"]) != 64):
            raise DatasetError(f"{where}: {MANIFEST_NAME} lists part {i + 1} malformed "
                               f"(expected file {part_file_name(i)}, records, sha256); {_FIX}")
        entries.append(PartEntry(p["file"], p["records"], p["sha256"]))
    if sum(e.records for e in entries) != doc["record_count"]:
        raise DatasetError(f"{where}: the parts' record counts do not add up to the manifest's "
                           f"record_count; {_FIX}")
    return Manifest(doc["spec_version"], doc["schema_fingerprint"], doc["key_check_value"],
                    doc["record_count"], tuple(entries))


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def check_folder(folder: str | os.PathLike[str], manifest: Manifest) -> None:
    """Refuse a folder with a listed part missing or a part file the manifest does not list."""
    folder = Path(folder)
    listed = {p.file for p in manifest.parts}
    for i, p in enumerate(manifest.parts):
        if not (folder / p.file).is_file():
            raise DatasetError(
                f"{folder}: part {i + 1} of {len(manifest.parts)} ({p.file}) is missing; {_FIX}"
            )
    foreign = sorted(e.name for e in folder.iterdir()
                     if _PART_NAME.fullmatch(e.name) and e.name not in listed)
    if foreign:
        raise DatasetError(
            f"{folder} holds part file(s) its manifest does not list ({', '.join(foreign[:3])}): "
            f"parts of another dataset were copied in; {_FIX}"
        )


def read_part(folder: str | os.PathLike[str], manifest: Manifest, index: int,
              rows: tuple[int, int] | None = None,
              mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    """Read part ``index`` and check it against the manifest (schema, key, count, SHA-256).

    ``rows``: only the part's records ``rows[0]`` to ``rows[1]`` (the row groups holding them
    are decoded; the whole file is still hashed). ``mapped_dir``: its filter columns in mapped
    scratch files there, filled row group by row group.
    """
    entry = manifest.parts[index]
    path = Path(folder) / entry.file
    label = f"{Path(folder)}: part {index + 1} of {len(manifest.parts)} ({entry.file})"
    if rows is not None and not 0 <= rows[0] <= rows[1] <= entry.records:
        raise DatasetError(f"{label} holds {entry.records} records, not rows {rows[0]} to "
                           f"{rows[1]}; {_FIX}")
    part = _read_parquet(path, rows, mapped_dir=mapped_dir)
    meta = part.meta
    if meta.schema_fingerprint != manifest.schema_fingerprint:
        raise DatasetError(
            f"{label} was encoded with a different schema (fingerprint "
            f"{meta.schema_fingerprint[:12]}, the manifest's {manifest.schema_fingerprint[:12]}); "
            f"parts of different datasets were mixed; {_FIX}"
        )
    if meta.key_check_value != manifest.key_check_value:
        raise DatasetError(
            f"{label} was encoded with a different secret key (key check value "
            f"{meta.key_check_value[:16]}…, the manifest's {manifest.key_check_value[:16]}…); "
            f"parts of different datasets were mixed; {_FIX}"
        )
    if file_sha256(path) != entry.sha256:
        raise DatasetError(
            f"{label} is not the part the manifest lists (its SHA-256 differs): a part of "
            f"another dataset or encoding run, or an altered file; {_FIX}"
        )
    held = part.meta.record_count if rows is None else None
    if held is not None and held != entry.records:  # a forged manifest (the hash matched)
        raise DatasetError(f"{label} holds {held} records, the manifest says "
                           f"{entry.records}; {_FIX}")
    return part


def read_partitioned(folder: str | os.PathLike[str], *,
                     mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    """Read a partitioned dataset whole: the parts in order, checked, as one EncodedDataset.

    ``mapped_dir``: keep the filter columns in memory-mapped scratch files there (mapped.py).
    """
    return _read(Path(folder), None, mapped_dir)


def read_partitioned_rows(folder: str | os.PathLike[str], start: int, stop: int, *,
                          mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    """Read records ``start`` to ``stop`` of a partitioned dataset: only the parts holding them."""
    return _read(Path(folder), (start, stop), mapped_dir)


def _read(folder: Path, rows: tuple[int, int] | None,
          mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    manifest = read_manifest(folder)
    check_folder(folder, manifest)
    starts = manifest.starts()
    total = int(starts[-1])
    lo, hi = (0, total) if rows is None else rows
    if not 0 <= lo <= hi <= total:
        raise DatasetError(f"{folder} holds {total} records, not rows {lo} to {hi}")
    wanted = [i for i in range(len(manifest.parts))
              if starts[i] < hi and starts[i + 1] > lo] or [0]
    n = hi - lo

    def rows_of(i: int) -> tuple[int, int]:
        """Return the wanted rows of part ``i`` (its first and one past its last)."""
        s = min(max(lo, int(starts[i])), int(starts[i + 1]))
        return s, max(s, min(hi, int(starts[i + 1])))

    def read(i: int) -> EncodedDataset:
        """Read part ``i``: whole, or only the row groups holding the wanted rows."""
        s, e = rows_of(i)
        return read_part(folder, manifest, i,
                         None if rows is None else (s - int(starts[i]), e - int(starts[i])),
                         mapped_dir)

    first = read(wanted[0])
    if len(wanted) == 1:  # one part holds every row (mapped if asked): no copy
        return first
    ids = np.empty(n, dtype=object)
    fields = {k: new_words(n, v.shape[1], mapped_dir) for k, v in first.fields.items()}
    clk = None if first.clk is None else new_words(n, first.clk.shape[1], mapped_dir)
    missing = np.empty((n, first.missing.shape[1]), dtype=bool)
    blocks = {k: np.empty(n, np.uint64) for k in first.blocking_keys}
    for i in wanted:
        part = first if i == wanted[0] else read(i)
        if part.meta.schema_json != first.meta.schema_json:  # same fingerprint, so unreachable
            raise DatasetError(f"{folder}: parts {wanted[0] + 1} and {i + 1} embed different "
                               f"schemas; {_FIX}")
        s, e = rows_of(i)
        src = slice(s - int(starts[i]), e - int(starts[i])) if rows is None else slice(None)
        dst = slice(s - lo, e - lo)
        ids[dst] = part.record_ids[src]
        for k, v in part.fields.items():
            fields[k][dst] = v[src]
        missing[dst] = part.missing[src]
        if clk is not None:
            clk[dst] = part.clk[src]
        for k, v in part.blocking_keys.items():
            blocks[k][dst] = v[src]
        del part
        release(*fields.values(), clk)  # mapped: the rows written need not stay in the process
    meta = dataclasses.replace(first.meta, record_count=n)
    ds = EncodedDataset(ids, fields, missing, clk, blocks, meta, schema=first.schema)
    try:
        ds.validate()  # ids unique across the parts, among the rest
    except DatasetError as exc:
        raise DatasetError(f"{folder}: {exc}; {_FIX}") from None
    return ds
