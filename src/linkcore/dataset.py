"""EncodedDataset: the only thing that crosses from the data holders to the linkage unit.

An encoded dataset holds, per record, an opaque id, one packed Bloom filter per schema field
(with a mask of missing values), optionally a record-level CLK, and keyed blocking keys, plus
public metadata: the encoding spec version, the schema and its fingerprint, and the key check
value. It holds no plaintext and no key material. The Parquet layout is specified byte by byte
in docs/spec.md ("Encoded file format").

Bit order (fixed): a filter of m bits is W = m/64 uint64 words in memory, bit i in word i//64 at
bit i%64; on disk the words are little-endian, so bit i is in byte i//8 at bit i%8.
"""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
import json
import os
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._io import atomic_path
from ._sets import sorted_unique
from .errors import DatasetError, IncompatibleDatasetsError, ParameterError, format_rows

if TYPE_CHECKING:
    import pyarrow as pa

    from .schema import Schema

SPEC_VERSION = 2
"""The encoding spec version this linkcore writes and reads (docs/spec.md)."""

METADATA_KEY = "linkcore"
ID_COLUMN = "record_id"
CLK_COLUMN = "clk"
FIELD_PREFIX = "field:"
BLOCK_PREFIX = "block:"
SOURCES = ("linkcore", "clkhash")
META_KEYS = (
    "spec_version",
    "schema_fingerprint",
    "key_check_value",
    "linkcore_version",
    "record_count",
    "schema",
    "source",
)
DEFAULT_ROW_GROUP_SIZE = 65_536
_PARQUET_MAGIC = b"PAR1"
_HEX = frozenset(string.hexdigits)
_CLKHASH_SHAPE = 'clkhash output {"clks": [base64, ...]}'

# byte -> the same byte with its 8 bits reversed (MSB-first <-> LSB-first)
_REVERSE_BITS = np.packbits(
    np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="big"),
    axis=1,
    bitorder="little",
).ravel()


@dataclass(frozen=True)
class DatasetMeta:
    """Public metadata of an encoded dataset (stored in the Parquet key ``linkcore``)."""

    spec_version: int
    schema_fingerprint: str
    key_check_value: str
    linkcore_version: str
    record_count: int
    schema_json: str
    source: str = "linkcore"

    def to_json(self) -> str:
        """Render the metadata as the canonical JSON object written to the file."""
        schema = json.loads(self.schema_json) if self.schema_json else None
        return _canonical_json(
            {
                "spec_version": self.spec_version,
                "schema_fingerprint": self.schema_fingerprint,
                "key_check_value": self.key_check_value,
                "linkcore_version": self.linkcore_version,
                "record_count": self.record_count,
                "schema": schema,
                "source": self.source,
            }
        )


def _canonical_json(doc: Any) -> str:
    """Sorted keys, no whitespace, UTF-8: the same rule as the schema fingerprint."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _linkcore_version() -> str:
    from . import __version__

    return __version__


class EncodedDataset:
    """Encoded records: ids, packed per-field filters with a missing mask, CLK, blocking keys."""

    record_ids: np.ndarray
    fields: dict[str, np.ndarray]
    missing: np.ndarray
    clk: np.ndarray | None
    blocking_keys: dict[str, np.ndarray]
    meta: DatasetMeta

    def __init__(
        self,
        record_ids: np.ndarray,
        fields: dict[str, np.ndarray],
        missing: np.ndarray,
        clk: np.ndarray | None,
        blocking_keys: dict[str, np.ndarray],
        meta: DatasetMeta,
        *,
        schema: Schema | None = None,
    ):
        self.record_ids = record_ids
        self.fields = fields
        self.missing = missing
        self.clk = clk
        self.blocking_keys = blocking_keys
        self.meta = meta
        self._schema = schema

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_arrays(
        cls,
        schema: Schema,
        key_check_value: str,
        record_ids: Sequence[str] | np.ndarray,
        fields: dict[str, np.ndarray],
        missing: np.ndarray | None = None,
        clk: np.ndarray | None = None,
        blocking_keys: dict[str, np.ndarray] | None = None,
    ) -> EncodedDataset:
        """Assemble and validate a dataset from the encoder's arrays (metadata filled in)."""
        ids = np.asarray(record_ids, dtype=object).reshape(-1)
        n = len(ids)
        ordered = {name: fields[name] for name in schema.field_names if name in fields}
        ordered.update({k: v for k, v in fields.items() if k not in ordered})
        if missing is None:
            missing = np.zeros((n, len(schema.field_names)), dtype=bool)
        meta = DatasetMeta(
            spec_version=SPEC_VERSION,
            schema_fingerprint=schema.fingerprint,
            key_check_value=key_check_value,
            linkcore_version=_linkcore_version(),
            record_count=n,
            schema_json=schema.canonical_json(),
            source="linkcore",
        )
        blocks = dict(blocking_keys or {})
        names = [b.name for b in schema.blocking_keys]
        blocks = {**{k: blocks[k] for k in names if k in blocks}, **blocks}
        ds = cls(ids, ordered, missing, clk, blocks, meta, schema=schema)
        ds.validate()
        return ds

    # -- basic accessors ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.record_ids)

    def __repr__(self) -> str:
        kind = "CLK-only" if self.is_clk_only else f"fields={list(self.field_names)}"
        clk = f", clk={self.clk_bits} bits" if self.clk is not None else ""
        return (f"EncodedDataset({len(self)} records, {kind}{clk}, "
                f"schema {self.meta.schema_fingerprint[:12] or '-'}, source={self.meta.source})")

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names of the per-field filters, in schema order (empty for a CLK-only dataset)."""
        return tuple(self.fields)

    @property
    def is_clk_only(self) -> bool:
        """True for a dataset without a schema (CLKs imported from clkhash)."""
        return not self.meta.schema_json

    @property
    def clk_bits(self) -> int | None:
        """Stored length of the CLK in bits, or None when there is no CLK."""
        return None if self.clk is None else int(self.clk.shape[1]) * 64

    @property
    def schema(self) -> Schema | None:
        """The public linkage schema, parsed on first use; None for a CLK-only dataset."""
        if self._schema is None and self.meta.schema_json:
            self._schema = _parse_embedded_schema(self.meta.schema_json)
        return self._schema

    # -- validation -----------------------------------------------------------------------
    def validate(self) -> None:
        """Raise DatasetError unless arrays, metadata and schema agree (shapes, dtypes, ids)."""
        n = len(self.record_ids)
        ids = self.record_ids
        if not isinstance(ids, np.ndarray) or ids.ndim != 1 or ids.dtype != object:
            raise DatasetError("record_ids must be a 1-d numpy object array of strings")
        _check_ids(ids)
        _check_meta(self.meta)
        if self.meta.record_count != n:
            raise DatasetError(
                f"metadata says {self.meta.record_count} records but the dataset holds {n}"
            )
        schema = self.schema
        widths: dict[str, int] = {}
        expected_blocks: tuple[str, ...] = ()
        clk_words: int | None = None
        if schema is None:
            if self.clk is None or self.clk.ndim != 2 or self.clk.shape[1] < 1:
                raise DatasetError("a dataset without a schema must hold CLKs of at least 64 bits")
            clk_words = self.clk.shape[1]
        else:
            widths = {name: schema.stored_bits(name) // 64 for name in schema.field_names}
            expected_blocks = tuple(b.name for b in schema.blocking_keys)
            clk_bits = schema.stored_clk_bits()
            clk_words = None if clk_bits is None else clk_bits // 64
        if tuple(self.fields) != tuple(widths):
            raise DatasetError(
                f"the dataset's fields {list(self.fields)} do not match the schema's "
                f"fields {list(widths)} (same names, same order)"
            )
        for name, words in self.fields.items():
            _check_words(f"field {name!r}", words, n, widths[name])
        m = self.missing
        if not isinstance(m, np.ndarray) or m.dtype != np.bool_ or m.shape != (n, len(widths)):
            raise DatasetError(f"missing must be a bool array of shape ({n}, {len(widths)})")
        for j, (name, words) in enumerate(self.fields.items()):
            col = m[:, j]
            if col.any() and _any_bits_where(words, col):
                rows = np.flatnonzero(col & words.any(axis=1)) + 1
                raise DatasetError(
                    f"field {name!r} is marked missing but has bits set in rows "
                    f"{format_rows(rows)}; a missing value's filter must be all zero"
                )
        if clk_words is None and self.clk is not None:
            raise DatasetError("the dataset holds CLKs but the schema has no CLK (clk: null)")
        if clk_words is not None and self.clk is None:
            raise DatasetError("the schema has a CLK but the dataset holds none")
        if clk_words is not None:
            _check_words("the CLK", self.clk, n, clk_words)
        if tuple(self.blocking_keys) != expected_blocks:
            raise DatasetError(
                f"the dataset's blocking keys {list(self.blocking_keys)} do not match the "
                f"schema's {list(expected_blocks)}"
            )
        for name, keys in self.blocking_keys.items():
            if not isinstance(keys, np.ndarray) or keys.dtype != np.uint64 or keys.shape != (n,):
                raise DatasetError(f"blocking key {name!r} must be a uint64 array of shape ({n},)")

    # -- subsets --------------------------------------------------------------------------
    def subset(self, rows: slice | np.ndarray | Sequence[int]) -> EncodedDataset:
        """Return a new dataset of the given rows (a slice, a bool mask or distinct indices)."""
        if not isinstance(rows, slice):
            rows = np.asarray(rows)
            if rows.dtype == np.bool_:
                if rows.shape != (len(self),):
                    raise ParameterError(
                        f"a row mask must have one entry per record ({len(self)}), not {rows.shape}"
                    )
            elif rows.size and not np.issubdtype(rows.dtype, np.integer):
                raise ParameterError("rows must be a slice, a bool mask or integer row indices")
            else:
                rows = rows.astype(np.intp, copy=False).reshape(-1)
                if len(sorted_unique(rows)) != len(rows):
                    raise ParameterError("subset rows repeat a row; pass distinct row indices")
                if rows.size and (rows.min() < 0 or rows.max() >= len(self)):
                    raise ParameterError(f"subset rows must be from 0 to {len(self) - 1}")
        ids = self.record_ids[rows]
        meta = dataclasses.replace(self.meta, record_count=len(ids))
        return EncodedDataset(
            ids,
            {k: v[rows] for k, v in self.fields.items()},
            self.missing[rows],
            None if self.clk is None else self.clk[rows],
            {k: v[rows] for k, v in self.blocking_keys.items()},
            meta,
            schema=self._schema,
        )

    # -- Parquet --------------------------------------------------------------------------
    def write(self, path: str | os.PathLike[str], *,
              row_group_size: int = DEFAULT_ROW_GROUP_SIZE) -> None:
        """Write the dataset as linkcore Parquet, atomically (temp file, then rename)."""
        import pyarrow.parquet as pq

        if row_group_size < 1:
            raise ParameterError(f"row_group_size must be at least 1 (got {row_group_size})")
        if Path(path).is_dir():
            raise DatasetError(f"{path} is a directory; give the output file's name")
        self.validate()
        arrow_schema = self._arrow_schema()
        n = len(self)
        with atomic_path(path) as tmp:
            writer = pq.ParquetWriter(
                tmp,
                arrow_schema,
                compression="none",
                use_dictionary=False,
                write_statistics=False,
                store_schema=False,
                write_page_checksum=True,  # a flipped bit is caught on reading (CRC-32)
            )
            try:
                for start in range(0, n, row_group_size):
                    batch = self._record_batch(arrow_schema, start, min(n, start + row_group_size))
                    writer.write_batch(batch, row_group_size=row_group_size)
                writer.add_key_value_metadata({METADATA_KEY: self.meta.to_json()})
            finally:
                writer.close()

    def _arrow_schema(self) -> pa.Schema:
        import pyarrow as pa

        cols = [pa.field(ID_COLUMN, pa.string(), nullable=False)]
        for name, words in self.fields.items():
            cols.append(pa.field(FIELD_PREFIX + name, pa.binary(words.shape[1] * 8)))
        if self.clk is not None:
            cols.append(pa.field(CLK_COLUMN, pa.binary(self.clk.shape[1] * 8), nullable=False))
        for name in self.blocking_keys:
            cols.append(pa.field(BLOCK_PREFIX + name, pa.uint64()))
        return pa.schema(cols)

    def _record_batch(self, arrow_schema: pa.Schema, start: int, stop: int) -> pa.RecordBatch:
        import pyarrow as pa

        arrays = [pa.array(self.record_ids[start:stop], type=pa.string())]
        for j, words in enumerate(self.fields.values()):
            arrays.append(_words_to_arrow(words[start:stop], ~self.missing[start:stop, j]))
        if self.clk is not None:
            arrays.append(_words_to_arrow(self.clk[start:stop], None))
        for keys in self.blocking_keys.values():
            part = np.ascontiguousarray(keys[start:stop], dtype="<u8")
            valid = part != 0
            nulls = len(part) - int(np.count_nonzero(valid))
            validity = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
            arrays.append(pa.Array.from_buffers(pa.uint64(), len(part),
                                                [validity, pa.py_buffer(part)], nulls))
        return pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)

    @classmethod
    def read(cls, path: str | os.PathLike[str], *,
             mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
        """Read and verify a linkcore Parquet file or partitioned dataset (a folder).

        ``mapped_dir``: keep the filter columns in memory-mapped scratch files in that folder
        instead of in memory (linkcore/mapped.py), for files larger than memory.
        """
        path = Path(path)
        if path.is_dir():
            from .partitioned import read_partitioned

            return read_partitioned(path, mapped_dir=mapped_dir)
        return _read_parquet(path, mapped_dir=mapped_dir)

    # -- clkhash import -------------------------------------------------------------------
    @classmethod
    def from_clkhash_json(cls, path: str | os.PathLike[str]) -> EncodedDataset:
        """Read clkhash's ``{"clks": [base64, ...]}`` into a CLK-only dataset (ids "0".."n-1")."""
        path = Path(path)
        raw = _read_bytes(path)
        return _from_clkhash_bytes(raw, path)


# ------------------------------------------------------------------------------------------
# Compatibility and dispatch
# ------------------------------------------------------------------------------------------
def _short(kcv: str) -> str:
    """Return a key check value's first 16 hex digits for a message (the whole reads as a key)."""
    return "-" if not kcv else kcv if len(kcv) <= 16 else f"{kcv[:16]}…"


def check_compatible(a: EncodedDataset, b: EncodedDataset,
                     names: tuple[str, str] = ("first", "second")) -> None:
    """Raise IncompatibleDatasetsError naming what differs (spec, kind, schema, key, CLK size)."""
    na, nb = names
    ma, mb = a.meta, b.meta
    if ma.spec_version != mb.spec_version:
        raise IncompatibleDatasetsError(
            f"the datasets use different encoding spec versions ({na}: {ma.spec_version}, "
            f"{nb}: {mb.spec_version}); re-encode both with the same linkcore version"
        )
    if a.is_clk_only != b.is_clk_only:
        which = na if a.is_clk_only else nb
        raise IncompatibleDatasetsError(
            f"cannot link a CLK-only dataset ({which}, imported from clkhash) with a "
            "linkcore dataset with per-field filters; encode both sides the same way"
        )
    if ma.schema_fingerprint != mb.schema_fingerprint:
        raise IncompatibleDatasetsError(
            f"the datasets were encoded with different schemas (fingerprint {na}: "
            f"{ma.schema_fingerprint[:12]}, {nb}: {mb.schema_fingerprint[:12]}); "
            "both data holders must encode with the same schema file"
        )
    if ma.key_check_value != mb.key_check_value:
        raise IncompatibleDatasetsError(
            f"the data holders used different secret keys (key check value {na}: "
            f"{_short(ma.key_check_value)}, {nb}: {_short(mb.key_check_value)}); "
            "both must encode with the same secret key"
        )
    if a.clk_bits != b.clk_bits and len(a) and len(b):
        raise IncompatibleDatasetsError(
            f"the CLKs have different lengths ({na}: {a.clk_bits} bits, {nb}: {b.clk_bits} bits)"
        )


def read_any(path: str | os.PathLike[str], *,
             mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    """Read a linkcore Parquet file, a partitioned dataset (a folder) or clkhash CLK JSON.

    ``mapped_dir``: as for ``EncodedDataset.read`` (linkcore files only; clkhash JSON is read
    into memory).
    """
    path = Path(path)
    if path.is_dir():
        from .partitioned import read_partitioned

        return read_partitioned(path, mapped_dir=mapped_dir)
    _check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(_PARQUET_MAGIC):
        return _read_parquet(path, mapped_dir=mapped_dir)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return EncodedDataset.from_clkhash_json(path)
    raise DatasetError(
        f"{path} is neither a linkcore encoded dataset (Parquet) nor clkhash CLK JSON; "
        "pass the .parquet file written by `linkcore encode`"
    )


# ------------------------------------------------------------------------------------------
# numpy <-> Arrow (zero-copy buffers, no per-row loops)
# ------------------------------------------------------------------------------------------
def _words_to_arrow(words: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    """Wrap (n, W) uint64 words as fixed_size_binary(W*8) without copying; nulls where invalid."""
    import pyarrow as pa

    n, w = words.shape
    data = np.ascontiguousarray(words, dtype="<u8")
    validity, nulls = None, 0
    if valid is not None:
        nulls = n - int(np.count_nonzero(valid))
        if nulls:
            validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(w * 8), n, [validity, pa.py_buffer(data.reshape(-1))], nulls
    )


def _arrow_to_words(chunk: pa.Array, out: np.ndarray) -> np.ndarray | None:
    """Copy a fixed_size_binary chunk into ``out`` (n, W); zero null rows; return validity."""
    n, w = out.shape
    if n == 0:
        return None
    data = chunk.buffers()[1]
    view = np.frombuffer(data, dtype="<u8", count=n * w, offset=chunk.offset * w * 8)
    out[...] = view.reshape(n, w)
    if chunk.null_count == 0:
        return None
    valid = chunk.is_valid().to_numpy(zero_copy_only=False)
    out[~valid] = 0
    return valid


# ------------------------------------------------------------------------------------------
# Reading and verifying
# ------------------------------------------------------------------------------------------
def _check_file(path: Path, what: str = "encoded dataset",
                fix: str = "re-create it with `linkcore encode`") -> None:
    if not path.exists():
        raise DatasetError(f"{what} not found: {path}")
    if path.is_dir():
        raise DatasetError(f"{path} is a directory, not an {what} file")
    if not path.is_file():
        raise DatasetError(f"{path} is not a regular file (a pipe, a device or a socket); save "
                           f"the {what} to a file and give its path")
    if path.stat().st_size == 0:
        raise DatasetError(f"{path} is empty; {fix}")


def _read_bytes(path: Path) -> bytes:
    _check_file(path, "clkhash CLK file", "re-export the CLKs with clkhash")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {type(exc).__name__}") from None


def _check_meta(meta: DatasetMeta) -> None:
    """Check the metadata's own consistency (types, version, fingerprint of the schema)."""
    _check_spec_version(meta.spec_version, "the dataset")
    if meta.source not in SOURCES:
        raise DatasetError(f"unknown dataset source {meta.source!r} (expected linkcore or clkhash)")
    if any(c not in _HEX for c in meta.key_check_value):
        raise DatasetError("the key check value must be hexadecimal")
    if meta.schema_json:
        if _sha256_hex(meta.schema_json) != meta.schema_fingerprint:
            raise DatasetError(
                "the schema fingerprint does not match the embedded schema (the file was "
                "altered); re-create it with `linkcore encode`"
            )
        if not meta.key_check_value:
            raise DatasetError("the dataset has a schema but no key check value")
    elif meta.source != "clkhash" or meta.schema_fingerprint or meta.key_check_value:
        raise DatasetError(
            "only a CLK-only dataset imported from clkhash may lack a schema, and it then has "
            "no schema fingerprint or key check value"
        )


def _check_spec_version(version: Any, what: str) -> None:
    if not isinstance(version, int) or isinstance(version, bool):
        raise DatasetError(f"{what}: spec_version must be an integer")
    if version > SPEC_VERSION:
        raise DatasetError(
            f"{what} was made by a newer linkcore (encoding spec version {version}; this "
            f"linkcore reads version {SPEC_VERSION}); upgrade linkcore"
        )
    if version != SPEC_VERSION:
        raise DatasetError(
            f"{what} uses encoding spec version {version}, which this linkcore (spec version "
            f"{SPEC_VERSION}) cannot read; re-encode the data with this linkcore"
        )


def same_records(x: EncodedDataset, y: EncodedDataset) -> bool:
    """Whether two loaded datasets hold the same records: ids and every field's filters alike.

    One file given once as an object and once by path (or a copy of it) passes a test of object
    identity and path; linked with itself, each record would match itself at probability 1.
    """
    return (len(x) == len(y) > 0 and np.array_equal(x.record_ids, y.record_ids)
            and x.fields.keys() == y.fields.keys()
            and all(np.array_equal(x.fields[f], y.fields[f]) for f in x.fields))


def _check_ids(ids: np.ndarray) -> None:
    """Ids must be non-null, non-empty, unique strings; errors give row numbers, never ids."""
    import pandas as pd

    if len(ids) == 0:
        return
    if pd.api.types.infer_dtype(ids, skipna=False) != "string":
        is_str = np.fromiter((isinstance(x, str) for x in ids), dtype=bool, count=len(ids))
        rows = np.flatnonzero(~is_str) + 1
        if len(rows):
            raise DatasetError(
                f"{_count(len(rows), 'record id')} missing or not text "
                f"(rows {format_rows(rows)}); every record needs an id"
            )
    empty = ids == ""
    if empty.any():
        rows = np.flatnonzero(empty) + 1
        raise DatasetError(
            f"{_count(len(rows), 'record id')} empty (rows {format_rows(rows)}); "
            "every record needs an id"
        )
    control = _has_control(ids)
    if control.any():
        rows = np.flatnonzero(control) + 1
        raise DatasetError(
            f"{_count(len(rows), 'record id')} holding a control character (a NUL, tab, line "
            f"break, ...: rows {format_rows(rows)}), which a CSV reader may cut or split; give "
            "plain text ids"
        )
    dup = pd.Index(ids).duplicated(keep=False)
    if dup.any():
        rows = np.flatnonzero(dup) + 1
        raise DatasetError(
            f"record ids are not unique: {len(rows)} rows share an id with another row "
            f"(rows {format_rows(rows)}); give every record its own id"
        )


def _has_control(ids: np.ndarray) -> np.ndarray:
    """Which ids hold a C0 or C1 control character (NUL to US, DEL, U+0080 to U+009F)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if "".join(ids).isprintable():  # the usual case, at a C loop's speed: no control anywhere
        return np.zeros(len(ids), dtype=bool)
    found = pc.match_substring_regex(pa.array(ids, pa.string()), r"[\x00-\x1f\x7f-\x9f]")
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _count(k: int, noun: str) -> str:
    """Say '1 record id is' or '3 record ids are'."""
    return f"{k} {noun} is" if k == 1 else f"{k} {noun}s are"


def _any_bits_where(words: np.ndarray, rows: np.ndarray) -> bool:
    """Tell whether any of the given rows has a bit set, a block of rows at a time.

    Mapped filters (linkcore/mapped.py) let go of each block's pages: the check reads rows
    all over the file, and would otherwise keep most of it in the process.
    """
    from .mapped import release

    step = 1 << 20
    for start in range(0, len(words), step):
        block = rows[start:start + step]
        found = bool(block.any() and words[start:start + step][block].any())
        release(words)
        if found:
            return True
    return False


def _check_words(what: str, words: Any, n: int, w: int) -> None:
    if not isinstance(words, np.ndarray) or words.dtype != np.uint64 or words.shape != (n, w):
        shape = getattr(words, "shape", None)
        dtype = getattr(words, "dtype", type(words).__name__)
        raise DatasetError(
            f"{what} must be a uint64 array of shape ({n}, {w}) ({w * 64} bits), "
            f"not {dtype} of shape {shape}"
        )


def _parse_embedded_schema(schema_json: str) -> Schema:
    from .errors import SchemaError
    from .schema import Schema

    try:
        schema = Schema.from_json(schema_json)
    except SchemaError as exc:
        raise DatasetError(
            f"the schema embedded in the dataset is not valid ({exc}); "
            "re-create the file with `linkcore encode`"
        ) from None
    return schema


def _reject_constant(name: str) -> Any:
    """JSON's NaN and Infinity are not JSON: canonical metadata never holds them."""
    raise ValueError(f"{name} is not allowed")


def _parse_meta(raw: bytes, where: str) -> DatasetMeta:
    """Parse and check the ``linkcore`` key-value metadata; DatasetError on anything off."""
    fix = "re-create the file with `linkcore encode`"
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise DatasetError(f"{where} has malformed linkcore metadata (not JSON); {fix}") from None
    if not isinstance(doc, dict):
        raise DatasetError(f"{where} has malformed linkcore metadata (not a JSON object); {fix}")
    if "spec_version" in doc:
        _check_spec_version(doc["spec_version"], where)
    lacking = [k for k in META_KEYS if k not in doc]
    if lacking:
        raise DatasetError(f"{where}: linkcore metadata lacks {', '.join(lacking)}; {fix}")
    unknown = sorted(set(doc) - set(META_KEYS))
    if unknown:
        raise DatasetError(
            f"{where}: linkcore metadata has unknown keys {', '.join(unknown)}; {fix}"
        )
    for key in ("schema_fingerprint", "key_check_value", "linkcore_version", "source"):
        if not isinstance(doc[key], str):
            raise DatasetError(f"{where}: linkcore metadata {key} must be a string; {fix}")
    count = doc["record_count"]
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise DatasetError(f"{where}: linkcore metadata record_count must be a count; {fix}")
    schema = doc["schema"]
    if schema is not None and not isinstance(schema, dict):
        raise DatasetError(f"{where}: linkcore metadata schema must be an object or null; {fix}")
    meta = DatasetMeta(
        spec_version=doc["spec_version"],
        schema_fingerprint=doc["schema_fingerprint"],
        key_check_value=doc["key_check_value"],
        linkcore_version=doc["linkcore_version"],
        record_count=count,
        schema_json=_canonical_json(schema) if schema is not None else "",
        source=doc["source"],
    )
    try:
        _check_meta(meta)
    except DatasetError as exc:
        raise DatasetError(f"{where}: {exc}") from None
    return meta


def dataset_tag(path: str | os.PathLike[str]) -> str:
    """Return a short tag that tells one encoded file (or partitioned dataset) from another.

    SHA-256 of a folder's manifest (which holds every part's SHA-256), or of a file's size and
    Parquet footer (row group sizes and offsets, the metadata): cheap, without reading the rows.
    A worker compares it with the tag of the file the linking process read.
    """
    path = Path(path)
    try:
        if path.is_dir():
            from .partitioned import MANIFEST_NAME

            return hashlib.sha256((path / MANIFEST_NAME).read_bytes()).hexdigest()[:32]
        size = path.stat().st_size
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 8))
            tail = fh.read(8)
            footer = int.from_bytes(tail[:4], "little") if len(tail) == 8 else 0
            fh.seek(max(0, size - 8 - footer))
            blob = fh.read(footer + 8)
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    return hashlib.sha256(size.to_bytes(8, "little") + blob).hexdigest()[:32]


def read_rows(path: str | os.PathLike[str], start: int, stop: int, *,
              mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    """Read records ``start`` to ``stop`` of an encoded file or partitioned dataset, checked.

    Only the Parquet row groups (or the parts) that hold those rows are read: how a worker
    loads its share of a file without the whole of it crossing the network. ``mapped_dir``:
    as for ``EncodedDataset.read`` (the filter columns in mapped scratch files there).
    """
    path = Path(path)
    if path.is_dir():
        from .partitioned import read_partitioned_rows

        return read_partitioned_rows(path, start, stop, mapped_dir=mapped_dir)
    return _read_parquet(path, (start, stop), mapped_dir=mapped_dir)


def read_head(path: str | os.PathLike[str]) -> tuple[EncodedDataset, int]:
    """Return an encoded file's checked metadata and schema as a dataset of no rows, and its size.

    What a caller needs to check files against each other and to size arrays before reading
    any of them whole. A clkhash CLK JSON file (no row-wise reading) is read whole and returned
    as it is.
    """
    path = Path(path)
    if path.is_dir():
        from .partitioned import read_manifest

        return read_rows(path, 0, 0), int(read_manifest(path).starts()[-1])
    _check_file(path)
    with open(path, "rb") as fh:
        is_parquet = fh.read(4) == _PARQUET_MAGIC
    if not is_parquet:
        whole = read_any(path)
        return whole, len(whole)
    import pyarrow.parquet as pq

    head = _read_parquet(path, (0, 0))
    with pq.ParquetFile(path) as pf:  # _read_parquet checked the count against the metadata
        return head, int(pf.metadata.num_rows)


def _read_parquet(path: Path, rows: tuple[int, int] | None = None, *,
                  mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _check_file(path)
    fix = "re-create it with `linkcore encode`"
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(max(0, size - 4))
        tail = fh.read(4)
    if head != _PARQUET_MAGIC:
        raise DatasetError(
            f"{path} is not a linkcore encoded dataset (not a Parquet file); "
            "pass the .parquet file written by `linkcore encode`"
        )
    if size < 12 or tail != _PARQUET_MAGIC:
        raise DatasetError(
            f"{path} is truncated (its Parquet footer is missing); copy it again or {fix}"
        )
    try:
        # pages written with checksums (every file since 2026-12-06) are verified as read
        pf = pq.ParquetFile(path, page_checksum_verification=True)
    except (pa.ArrowException, OSError, ValueError) as exc:  # ValueError: a name not UTF-8
        raise DatasetError(f"{path} is corrupt Parquet ({type(exc).__name__}); {fix}") from None
    with pf:
        kv = pf.metadata.metadata or {}
        raw_meta = kv.get(METADATA_KEY.encode())
        if raw_meta is None:
            raise DatasetError(
                f"{path} is a Parquet file but not a linkcore encoded dataset (no linkcore "
                "metadata); encode the data with `linkcore encode`"
            )
        meta = _parse_meta(raw_meta, str(path))
        n = pf.metadata.num_rows
        if n != meta.record_count:
            raise DatasetError(
                f"{path}: metadata says {meta.record_count} records but the file holds {n} "
                f"(the file was altered or cut short); {fix}"
            )
        schema = None
        if meta.schema_json:
            try:
                schema = _parse_embedded_schema(meta.schema_json)
            except DatasetError as exc:
                raise DatasetError(f"{path}: {exc}") from None
        if schema is not None and schema.fingerprint != meta.schema_fingerprint:
            raise DatasetError(
                f"{path}: the embedded schema is not in canonical form, so its fingerprint "
                f"cannot be trusted (the file was altered); {fix}"
            )
        if rows is not None and not 0 <= rows[0] <= rows[1] <= n:
            raise DatasetError(f"{path} holds {n} records, not rows {rows[0]} to {rows[1]}")
        ds = _read_columns(pf, path, meta, schema, n, rows, mapped_dir)
    try:
        ds.validate()
    except DatasetError as exc:
        raise DatasetError(f"{path}: {exc}; {fix}") from None
    return ds


def _read_columns(pf: Any, path: Path, meta: DatasetMeta, schema: Schema | None,
                  n: int, rows: tuple[int, int] | None = None,
                  mapped_dir: str | os.PathLike[str] | None = None) -> EncodedDataset:
    """Read the columns (of the row groups holding ``rows`` only, if given) and check them."""
    import pyarrow as pa

    from .mapped import new_words, release

    fix = "re-create it with `linkcore encode`"
    arrow_schema = pf.schema_arrow
    names = list(arrow_schema.names)
    if len(set(names)) != len(names):
        raise DatasetError(f"{path} has duplicate column names; {fix}")
    # expected columns -> (arrow type, words per row or None)
    expected: dict[str, tuple[Any, int | None]] = {ID_COLUMN: (None, None)}
    if schema is not None:
        for name in schema.field_names:
            w = schema.stored_bits(name) // 64
            expected[FIELD_PREFIX + name] = (pa.binary(w * 8), w)
        clk_bits = schema.stored_clk_bits()
        if clk_bits is not None:
            expected[CLK_COLUMN] = (pa.binary(clk_bits // 8), clk_bits // 64)
        for bk in schema.blocking_keys:
            expected[BLOCK_PREFIX + bk.name] = (pa.uint64(), None)
    else:
        if CLK_COLUMN not in names:
            raise DatasetError(f"{path}: a CLK-only dataset lacks its {CLK_COLUMN!r} column; {fix}")
        t = arrow_schema.field(CLK_COLUMN).type
        if not pa.types.is_fixed_size_binary(t) or t.byte_width < 8 or t.byte_width % 8:
            raise DatasetError(
                f"{path}: column {CLK_COLUMN!r} must be fixed_size_binary of a positive multiple "
                f"of 8 bytes, not {t}; {fix}"
            )
        expected[CLK_COLUMN] = (t, t.byte_width // 8)
    absent = [c for c in expected if c not in names]
    if absent:
        raise DatasetError(
            f"{path} lacks column(s) {', '.join(absent)} that its schema requires; {fix}"
        )
    extra = [c for c in names if c not in expected]
    if extra:
        raise DatasetError(
            f"{path} has column(s) {', '.join(extra)} that an encoded dataset may not hold "
            f"(only ids, filters and blocking keys may cross to the linkage unit); {fix}"
        )
    id_type = arrow_schema.field(ID_COLUMN).type
    if not (pa.types.is_string(id_type) or pa.types.is_large_string(id_type)):
        raise DatasetError(
            f"{path}: column {ID_COLUMN!r} must be a string column, not {id_type}; {fix}"
        )
    for col, (typ, w) in expected.items():
        actual = arrow_schema.field(col).type
        if typ is not None and actual != typ:
            bits = f" ({w * 64} bits per the schema)" if w else ""
            raise DatasetError(
                f"{path}: column {col!r} should be {typ}{bits} but is {actual}; {fix}"
            )

    groups = None
    if rows is not None:  # the row groups that hold rows[0] .. rows[1] - 1, and their first row
        sizes = [pf.metadata.row_group(i).num_rows for i in range(pf.num_row_groups)]
        starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        first = int(np.searchsorted(starts, rows[0], "right")) - 1
        last = max(first + 1, int(np.searchsorted(starts, rows[1], "left")))
        groups = range(first, min(last, len(sizes)))
        offset = int(starts[first])
        n = int(starts[groups.stop] - offset) if len(groups) else 0
    field_names = schema.field_names if schema is not None else ()
    fields = {f: new_words(n, expected[FIELD_PREFIX + f][1], mapped_dir) for f in field_names}
    clk = (new_words(n, expected[CLK_COLUMN][1], mapped_dir) if CLK_COLUMN in expected
           else None)
    missing = np.zeros((n, len(field_names)), dtype=bool)
    block_names = [c[len(BLOCK_PREFIX):] for c in expected if c.startswith(BLOCK_PREFIX)]
    blocks = {b: np.zeros(n, np.uint64) for b in block_names}
    id_parts: list[np.ndarray] = []

    for group, (start, table) in enumerate(_row_groups(pf, path, groups)):
        stop = start + table.num_rows
        if stop > n:
            raise DatasetError(f"{path}: row groups hold more rows than the footer says; {fix}")
        if group % 16 == 15:  # mapped: the rows written so far need not stay in this process
            release(*fields.values(), clk)
        try:
            id_parts.append(table.column(ID_COLUMN).to_numpy(zero_copy_only=False))
        except (pa.ArrowException, ValueError) as exc:  # e.g. ids that are not UTF-8
            raise DatasetError(
                f"{path}: column {ID_COLUMN!r} cannot be read as text ({type(exc).__name__}); "
                f"{fix}"
            ) from None
        for j, f in enumerate(field_names):
            col = table.column(FIELD_PREFIX + f)
            _fill_words(col, fields[f][start:stop], missing[start:stop, j])
        if clk is not None:
            col = table.column(CLK_COLUMN)
            if col.null_count:
                raise DatasetError(f"{path}: column {CLK_COLUMN!r} has missing values; {fix}")
            _fill_words(col, clk[start:stop], None)
        for b in block_names:
            col = table.column(BLOCK_PREFIX + b)
            blocks[b][start:stop] = col.fill_null(0).to_numpy()
        start = stop
    ids = np.concatenate(id_parts) if id_parts else np.empty(0, dtype=object)
    if len(ids) != n:
        raise DatasetError(f"{path}: row groups hold {len(ids)} rows, the footer says {n}; {fix}")
    release(*fields.values(), clk)  # written: mapped pages go to the page cache
    ds = EncodedDataset(ids, fields, missing, clk, blocks, meta, schema=schema)
    if rows is None:
        return ds
    return ds.subset(slice(rows[0] - offset, rows[1] - offset))


def _row_groups(pf: Any, path: Path, groups: range | None = None
                ) -> Iterator[tuple[int, Any]]:
    """Yield (first row, table) of each row group (of ``groups`` only, rows counted from them)."""
    import pyarrow as pa

    start = 0
    for i in groups if groups is not None else range(pf.num_row_groups):
        try:
            table = pf.read_row_group(i)
        except (pa.ArrowException, OSError) as exc:
            raise DatasetError(
                f"{path} is corrupt: row group {i} cannot be decoded ({type(exc).__name__}); "
                "re-create it with `linkcore encode`"
            ) from None
        yield start, table
        start += table.num_rows


def _fill_words(col: Any, out: np.ndarray, missing_out: np.ndarray | None) -> None:
    """Copy a chunked fixed_size_binary column into ``out``; mark null rows in ``missing_out``."""
    pos = 0
    for chunk in col.chunks:
        k = len(chunk)
        valid = _arrow_to_words(chunk, out[pos:pos + k])
        if valid is not None and missing_out is not None:
            missing_out[pos:pos + k] = ~valid
        pos += k


# ------------------------------------------------------------------------------------------
# clkhash import
# ------------------------------------------------------------------------------------------
def _from_clkhash_bytes(raw: bytes, path: Path) -> EncodedDataset:
    what = f"{path} (clkhash CLK JSON)"
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):  # ValueError: also a number of 4,300+ digits
        raise DatasetError(f"{what} is not valid JSON; expected {_CLKHASH_SHAPE}") from None
    if not isinstance(doc, dict) or "clks" not in doc:
        raise DatasetError(f"{what} has no \"clks\" list; expected {_CLKHASH_SHAPE}")
    clks = doc["clks"]
    if not isinstance(clks, list):
        raise DatasetError(f"{what}: \"clks\" must be a list of base64 strings")
    n = len(clks)
    if n == 0:
        raise DatasetError(f"{what} holds no CLKs (\"clks\" is empty); nothing to link")
    try:
        decoded = [binascii.a2b_base64(s, strict_mode=True) for s in clks]
    except (binascii.Error, TypeError, ValueError):
        bad = _first_bad_base64(clks)
        raise DatasetError(
            f"{what}: CLK number {bad + 1} is not a base64 string; re-export the CLKs with clkhash"
        ) from None
    lengths = np.fromiter(map(len, decoded), dtype=np.int64, count=n)
    if (lengths != lengths[0]).any():
        other = int(np.flatnonzero(lengths != lengths[0])[0])
        raise DatasetError(
            f"{what}: CLKs have different lengths (CLK 1: {lengths[0]} bytes, CLK {other + 1}: "
            f"{lengths[other]} bytes); all CLKs must come from one schema"
        )
    nbytes = int(lengths[0])
    if nbytes == 0 or nbytes % 8:
        raise DatasetError(
            f"{what}: CLKs are {nbytes} bytes long, not a positive multiple of 8 bytes "
            "(linkcore needs filters of a multiple of 64 bits)"
        )
    flat = np.frombuffer(b"".join(decoded), dtype=np.uint8)
    # clkhash stores bit i as the most significant bit first; ours is least significant first.
    clk = _REVERSE_BITS[flat].view("<u8").reshape(n, nbytes // 8).astype(np.uint64, copy=False)
    ids = np.array([str(i) for i in range(n)], dtype=object)
    meta = DatasetMeta(
        spec_version=SPEC_VERSION,
        schema_fingerprint="",
        key_check_value="",
        linkcore_version=_linkcore_version(),
        record_count=n,
        schema_json="",
        source="clkhash",
    )
    ds = EncodedDataset(ids, {}, np.zeros((n, 0), dtype=bool), clk, {}, meta)
    ds.validate()
    return ds


def _first_bad_base64(clks: list[Any]) -> int:
    for i, s in enumerate(clks):
        try:
            binascii.a2b_base64(s, strict_mode=True)
        except (binascii.Error, TypeError, ValueError):
            return i
    return 0
