"""The data holder's encoder: table -> normalised values -> tokens -> keyed Bloom filters.

``encode(df, schema, secret, mapping)`` returns an :class:`~linkcore.dataset.EncodedDataset` that
holds no plaintext and no key material: per-field filters with a missing mask, a record-level CLK,
and keyed blocking keys. docs/spec.md defines every step exactly.

Speed comes from doing each piece of work once: each distinct raw value is normalised once, each
distinct value tokenised once (vectorised), each distinct (salt, token) hashed once per call, each
distinct value's filter built once (OR of its tokens' rows, a numba kernel), and records then
gather their rows. Caches live only for one call: no key material outlives it.
"""

from __future__ import annotations

import datetime as _dt
import logging
import numbers
import os
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._factorize import factorize_text
from .._sets import isin
from ..dataset import EncodedDataset
from ..errors import InputDataError, InvalidValueError, ParameterError, format_rows
from ..kernels import gather_or_rows, hmac_sha256_many, or_positions_csr
from ..schema import VALUE_WITH_SALT, ClkSpec, FieldSpec, HardeningStep, KeyPart, Mapping, Schema
from . import hardening as hard
from .key_parts import SALT_JOIN, apply_transform
from .keys import Secret
from .normalize import INVALID, cell_text, field_text, parse_date_auto
from .normalize_batch import normalise_many
from .positions import (
    AesScratch,
    aes_words,
    double_hash_positions,
    prf_positions,
    salt_tags,
    token_message,
    token_tags,
)
from .tokens import pad_csr, spread_csr, token_csr

log = logging.getLogger("linkcore.encode")




@dataclass
class EncodingReport:
    """What happened to the values: counts per field, and 1-based row numbers (never values)."""

    records: int
    missing_counts: dict[str, int] = field(default_factory=dict)
    #: per field, the 1-based row numbers of unreadable values (as messages give them: row 1 is
    #: the first data row, ``df.iloc[rows - 1]``)
    invalid_rows: dict[str, np.ndarray] = field(default_factory=dict)
    #: of a salted field's missing values, those with a value whose salt is missing
    unsalted_counts: dict[str, int] = field(default_factory=dict)

    @property
    def invalid_counts(self) -> dict[str, int]:
        """Return the number of unreadable values per field."""
        return {name: len(rows) for name, rows in self.invalid_rows.items()}

    @classmethod
    def merge(cls, reports: Sequence[EncodingReport]) -> EncodingReport:
        """One report for a table from its parts' reports (in table order)."""
        out = cls(records=sum(r.records for r in reports))
        for r in reports:
            for name, count in r.missing_counts.items():
                out.missing_counts[name] = out.missing_counts.get(name, 0) + count
            for name, count in r.unsalted_counts.items():
                out.unsalted_counts[name] = out.unsalted_counts.get(name, 0) + count
            for name, rows in r.invalid_rows.items():
                out.invalid_rows[name] = np.concatenate(
                    [out.invalid_rows.get(name, np.zeros(0, np.int64)), rows])
        return out

    def summary_lines(self, encoded_as_missing: bool = True) -> list[str]:
        """One line per field with invalid values: count and the first row numbers (1-based)."""
        outcome = " and were encoded as missing" if encoded_as_missing else ""
        lines = []
        for name, rows in self.invalid_rows.items():
            if len(rows):
                lines.append(f"{name}: {len(rows)} value(s) could not be read{outcome} "
                             f"(rows {format_rows(rows.tolist())})")
        return lines


@dataclass
class _Column:
    """One field's normalised values as codes into a list of distinct values (-1 = missing)."""

    codes: np.ndarray
    uniques: list[str]
    #: transforms made already (salts and blocking keys share them; views share the column)
    _transforms: dict[str, _Column] = field(default_factory=dict, repr=False, compare=False)

    def rows(self, start: int, stop: int) -> _Column:
        """Return records start..stop (the same distinct values)."""
        return _Column(self.codes[start:stop], self.uniques)

    def transformed(self, transform: str) -> _Column:
        """Return the column of every value put through ``transform`` (made once per column)."""
        made = self._transforms.get(transform)
        if made is None:
            if transform == "value" and all(self.uniques):  # distinct, none empty: itself
                made = self
            else:
                mapped = [apply_transform(transform, v) for v in self.uniques]
                made = _factorize_codes(self.codes, mapped)
            self._transforms[transform] = made
        return made


def _factorize_codes(codes: np.ndarray, values: Sequence[str | None]) -> _Column:
    """Re-code ``codes`` after mapping each distinct value (several may merge; None -> missing)."""
    new_codes, uniques = factorize_text(list(values))
    table = np.append(new_codes, -1)  # index -1 -> missing
    return _Column(table[codes], uniques)


# --------------------------------------------------------------------------------------
# Reading and normalising the table
# --------------------------------------------------------------------------------------
def _raw_codes(df: pd.DataFrame, columns: tuple[str, ...]
               ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Return the field's raw text per record as (codes, distinct texts, which were dates).

    Code -1 = missing. One column is factorised as it is; several are joined by a space (empty
    parts skipped). A distinct value held as a date object (date, datetime, Timestamp) is
    marked: its text is already the ISO day, whatever the mapping's ``date_format`` says.
    """
    if len(columns) == 1:
        try:
            codes, uniques = factorize_text(df[columns[0]])
        except (TypeError, NotImplementedError):  # a list or a dict in a cell (pandas: not
            # hashable; an Arrow list column: no kernel, ArrowNotImplementedError)
            raise _not_single_values(columns[0]) from None
        kind = pd.api.types.infer_dtype(df[columns[0]], skipna=True)
        _check_single_values(df[columns[0]], columns[0], kind, uniques)
        return codes, [field_text(u) for u in uniques], _dated(kind, uniques)
    for c in columns:
        _check_single_values(df[c], c, pd.api.types.infer_dtype(df[c], skipna=True))
    parts = [df[c].astype(object).where(df[c].notna(), None).to_numpy() for c in columns]
    joined = [" ".join(t for x in row if x is not None and (t := field_text(x)) != "")
              or None for row in zip(*parts, strict=True)]
    codes, uniques = factorize_text(joined)
    return codes, uniques, np.zeros(len(uniques), bool)


#: What a cell may hold: text, a number, a date (a day's Period too), bytes, a UUID (missing
#: values aside).
_SINGLE_VALUES = (str, bytes, numbers.Number, np.generic, _dt.date, pd.Period, uuid.UUID)


def _not_single_values(column: str) -> InputDataError:
    return InputDataError(f"column {column!r} holds values that are not single values (a list, "
                          "a tuple, a dict or another object in a cell); give one value per cell")


def _check_single_values(column: pd.Series, name: str, kind: str, uniques: list | None = None
                         ) -> None:
    """Refuse a cell that holds a container or another object: its text would be its repr.

    ``kind``: pandas' ``infer_dtype`` of the column (text is told at C speed, not by value);
    ``uniques``: its distinct values, when factorised already.
    """
    if kind in ("string", "empty"):
        return
    if uniques is None:
        try:
            uniques = factorize_text(column)[1]
        except (TypeError, NotImplementedError):  # not hashable: a list or a dict
            raise _not_single_values(name) from None
    if not all(isinstance(u, _SINGLE_VALUES) for u in uniques):
        raise _not_single_values(name)


def _dated(kind: str, uniques: list) -> np.ndarray:
    """Which distinct values are date objects, read by their day whatever the text format.

    ``kind``: the column's ``infer_dtype``. A pandas Period counts too: a day's Period reads as
    its ISO day (``cell_text``), a coarser one (a month) as text that is no day, so invalid.
    """
    if kind in ("string", "empty", "integer", "floating", "mixed-integer-float"):
        return np.zeros(len(uniques), bool)
    return np.fromiter((isinstance(u, _dt.date | pd.Period) for u in uniques), bool,
                       len(uniques))


def _check_utf8(texts: list[str], codes: np.ndarray, columns: tuple[str, ...],
                first_row: int) -> None:
    """Refuse text that cannot be written as UTF-8 (a lone surrogate), naming rows, not values."""
    try:
        "\x00".join(texts).encode("utf-8")
        return
    except UnicodeEncodeError:
        pass  # raised below, outside the handler: the encoder's error holds all the text
    bad = [i for i, t in enumerate(texts) if not _utf8(t)]
    rows = np.flatnonzero(isin(codes, bad)) + 1 + first_row
    raise InputDataError(
        f"column(s) {', '.join(map(repr, columns))} hold text that is not valid Unicode "
        f"(bytes that are not UTF-8, or a lone surrogate) in {len(rows)} row(s) (rows "
        f"{format_rows(rows.tolist())}); fix the text's encoding")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _normalise_field(df: pd.DataFrame, spec: FieldSpec, mapping: Mapping, first_row: int = 0
                     ) -> tuple[_Column, np.ndarray]:
    """Normalise one field: (column of codes, invalid-row mask). Each raw value normalised once."""
    n = len(df)
    source = mapping.fields[spec.name]
    if not source.columns:
        return _Column(np.full(n, -1, dtype=np.int64), []), np.zeros(n, dtype=bool)
    raw_codes, raw_uniques, dated = _raw_codes(df, source.columns)
    _check_utf8(raw_uniques, raw_codes, source.columns, first_row)
    normalised = normalise_many(spec.kind, raw_uniques, spec.normalise_options,
                                source.date_format, dict(source.values) or None)
    if spec.kind == "date" and dated.any():  # date objects: their ISO day, not the text format,
        for i in np.flatnonzero(dated):       # with the same checks (a year in 1850-2100)
            normalised[i] = parse_date_auto(raw_uniques[i])
    if source.words != "all":
        normalised = [_select_words(v, source.words) for v in normalised]
    # Re-code the records by normalised value (several raw values may merge; invalid -> missing).
    # The same as _factorize_codes, on an object array rather than a Series built from a list.
    cleaned = np.empty(len(normalised), dtype=object)
    cleaned[:] = normalised
    invalid_unique = np.zeros(len(normalised) + 1, dtype=bool)  # index -1: a missing raw value
    invalid_unique[:-1] = [v is INVALID for v in normalised]
    cleaned[invalid_unique[:-1]] = None
    new_codes, uniques = factorize_text(cleaned)
    table = np.append(new_codes, -1)
    return _Column(table[raw_codes], uniques), invalid_unique[raw_codes]


def _select_words(value, words: str):
    """Return the first word, the rest, the last or the middle words of a normalised value.

    Words are split at one space. "last" and "middle" read a column holding a whole name: a
    one-word value has no last name (its word is the first name), two words no middle name.
    """
    if not isinstance(value, str):
        return value
    if words == "first":
        return value.partition(" ")[0]
    parts = value.split(" ")
    if words == "rest":
        picked = parts[1:]
    elif words == "last":
        picked = parts[-1:] if len(parts) > 1 else []
    else:  # "middle"
        picked = parts[1:-1]
    return " ".join(picked) or None


def _record_ids(df: pd.DataFrame, id_column: str) -> np.ndarray:
    ids = df[id_column]
    # object cells are stripped as they are: astype(str) would make pandas 3 build its own string
    # array, which refuses text that is not valid Unicode before _check_utf8 can say so
    try:
        stripped = (ids if ids.dtype == object else ids.astype(str)).str.strip()
    except (AttributeError, TypeError):  # cells without text (numbers, dates, bytes): no Unicode
        stripped = ids.astype(str).str.strip()
    absent = ids.isna().to_numpy() | (stripped == "").to_numpy(dtype=bool, na_value=False)
    if absent.any():
        rows = np.flatnonzero(absent) + 1
        raise InputDataError(f"{len(rows)} record(s) have no id in column {id_column!r} "
                             f"(rows {format_rows(rows.tolist())})")
    kind = pd.api.types.infer_dtype(ids, skipna=False)
    if kind == "string":
        ids = ids.to_numpy(dtype=object)
    elif kind == "integer":
        ids = ids.astype(str).to_numpy(dtype=object)
    else:  # as every other cell is read: 7.0 as "7", a date as its ISO day, bytes as UTF-8
        cells = ids.tolist()
        if any(isinstance(c, list | tuple | dict | set | frozenset | np.ndarray) for c in cells):
            # its text would become the id, and a list's items may be a name or an NI number
            raise InputDataError(f"column {id_column!r} holds ids that are not single values "
                                 "(a list or a dict in a cell); give one id per cell")
        ids = np.array([cell_text(i) for i in cells], dtype=object)
    _check_utf8(list(ids), np.arange(ids.size), (id_column,), 0)
    dup = pd.Series(ids).duplicated(keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(dup) + 1
        raise InputDataError(f"record ids in column {id_column!r} are not unique: {len(rows)} rows "
                             f"share an id (rows {format_rows(rows.tolist())})")
    from linkcore.holder.suggest import ids_look_personal, rows_with_ni_numbers

    own_ids = ("give each record an id of your own (a row number, a reference that means "
               "nothing outside your service)")
    personal = ids_look_personal(ids)
    if personal:
        raise InputDataError(f"the record ids in column {id_column!r} are {personal}, and a "
                             f"record id travels in plain text in the encoded file; {own_ids}")
    ni_rows = rows_with_ni_numbers(ids)
    if ni_rows.size:  # a few are as many people's NI numbers in the file (helper-67)
        raise InputDataError(f"{ni_rows.size} record id(s) in column {id_column!r} hold an NI "
                             f"number (rows {format_rows((ni_rows + 1).tolist())}), and a record "
                             f"id travels in plain text in the encoded file; {own_ids}")
    return ids


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Hashing:
    """Which positions a filter uses: scheme, keys, k and length."""

    scheme: str
    keys: tuple[bytes, ...]
    k: int
    bits: int


class _PositionSource:
    """Positions of one field's (token, salt) pairs, for every chunk of one encoding call.

    ``aes`` tags each vocabulary token and each salt once per call (one HMAC each), however
    many chunks then ask for their pairs; ``prf`` and ``double`` hash each pair's message.
    """

    def __init__(self, hashing: _Hashing, vocabulary: Sequence[str], salts: Sequence[str | None],
                 scratch: AesScratch | None = None):
        self.hashing = hashing
        self.vocabulary = vocabulary
        self.salts = salts
        self.scratch = scratch
        self._tags: tuple[np.ndarray, np.ndarray] | None = None

    def positions(self, token_idx: np.ndarray, salt_idx: np.ndarray) -> np.ndarray:
        """Positions (n, k) of the n (token, salt) pairs (indices into the two lists).

        For ``aes`` the raw PRF words (n, 4 ceil(k / 4)) instead: the caller takes the first k
        of each row mod m (``or_positions_csr``), which skips a copy of every position.
        """
        h = self.hashing
        if h.scheme == "aes":  # PRF words: reduced mod m as the bits are set
            if self._tags is None:
                self._tags = (token_tags(h.keys[1], self.vocabulary),
                              salt_tags(h.keys[1], self.salts))
            return aes_words(h.keys[0], self._tags[0], self._tags[1], h.k, token_idx, salt_idx,
                             self.scratch)
        messages = [token_message(self.vocabulary[int(t)], self.salts[int(s)])
                    for t, s in zip(token_idx, salt_idx, strict=True)]
        if h.scheme == "prf":
            return prf_positions(h.keys[0], messages, h.k, h.bits)
        return double_hash_positions(h.keys[0], h.keys[1], messages, h.k, h.bits)


def _hashing(secret: Secret, field_name: str, purpose: str, scheme: str, k: int, bits: int
             ) -> _Hashing:
    if scheme == "prf":
        keys = (secret.field_key(field_name, purpose),)
    elif scheme == "aes":
        keys = (secret.field_key(field_name, f"{purpose}/aes"),
                secret.field_key(field_name, f"{purpose}/tag"))
    else:
        keys = (secret.field_key(field_name, f"{purpose}/h1"),
                secret.field_key(field_name, f"{purpose}/h2"))
    return _Hashing(scheme, keys, k, bits)


class _FieldTokens:
    """A field's distinct values tokenised once, shared by its filter and its CLK contribution."""

    def __init__(self, spec: FieldSpec, column: _Column):
        self.indptr, self.token_ids, self.vocabulary = token_csr(column.uniques, spec.tokens)
        self._derived: dict[tuple[str, int], _FieldTokens] = {}

    def spread(self, per_value: int) -> _FieldTokens:
        """Return the same values as ``per_value`` sub-tokens each (spec §5, "Spread")."""
        return self._derive("spread", per_value, spread_csr)

    def padded(self, pad_to: int) -> _FieldTokens:
        """Return the same values padded to a multiple of ``pad_to`` tokens (spec §5, "Padding")."""
        return self._derive("pad", pad_to, pad_csr)

    def _derive(self, how: str, size: int, transform) -> _FieldTokens:
        if (how, size) not in self._derived:
            out = object.__new__(_FieldTokens)
            out.indptr, out.token_ids, out.vocabulary = transform(
                self.indptr, self.token_ids, self.vocabulary, size)
            out._derived = {}
            self._derived[how, size] = out
        return self._derived[how, size]


def _unit_filters(tokens: _FieldTokens, value_idx: np.ndarray, salt_idx: np.ndarray,
                  source: _PositionSource, dedupe_messages: bool = True) -> np.ndarray:
    """Build filters (n_units, W) for units (value, salt): OR of their salted tokens' rows.

    Positions depend on the (token, salt) message alone, so hashing each distinct message once
    (``dedupe_messages``) or every entry gives the same filters; only the cost differs.
    """
    starts = tokens.indptr[value_idx]
    lengths = tokens.indptr[value_idx + 1] - starts
    unit_indptr = np.zeros(len(value_idx) + 1, dtype=np.int64)
    np.cumsum(lengths, out=unit_indptr[1:])
    offsets = np.arange(unit_indptr[-1], dtype=np.int64) - np.repeat(unit_indptr[:-1], lengths)
    entry_tokens = tokens.token_ids[np.repeat(starts, lengths) + offsets]
    entry_salts = np.repeat(salt_idx, lengths)
    hashing = source.hashing
    if dedupe_messages or hashing.scheme != "aes":
        n_vocab = max(len(tokens.vocabulary), 1)
        message_codes, distinct = pd.factorize(entry_salts * n_vocab + entry_tokens)
        distinct = np.asarray(distinct, dtype=np.int64)
        positions = source.positions(distinct % n_vocab, distinct // n_vocab)
    else:  # salted AES units: few repeats, and one AES block costs less than finding them
        message_codes = np.arange(len(entry_tokens), dtype=np.int64)
        positions = source.positions(entry_tokens, entry_salts)
    return or_positions_csr(positions, unit_indptr, message_codes.astype(np.int64),
                            len(value_idx), hashing.bits // 64, k=hashing.k,
                            modulus=hashing.bits)


def _salt_list(salt: _Column | None) -> list[str | None]:
    """Return the salts a field's units index: the salt field's values, and "" for none."""
    return [None] if salt is None else list(salt.uniques) + [""]


def _units(column: _Column, salt: _Column | None, n_salts: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find the distinct (value, salt) units of the non-missing records of a salted field.

    Returns (unit code per record, value index per unit, salt index per unit); salt index
    ``n_salts - 1`` is a missing salt (only a salted CLK meets one: salted fields are missing).
    """
    salt_codes = np.where(salt.codes < 0, n_salts - 1, salt.codes)
    present = column.codes >= 0
    pair = column.codes[present] * n_salts + salt_codes[present]
    unit_codes, distinct = pd.factorize(pair)
    codes = np.full(len(column.codes), -1, dtype=np.int64)
    codes[present] = unit_codes
    distinct = np.asarray(distinct, dtype=np.int64)
    return codes, distinct // n_salts, distinct % n_salts


def _gather(unit_filters: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per-record rows of the unit filters; missing records (code -1) get an all-zero row."""
    out = np.zeros((len(codes), unit_filters.shape[1]), dtype=np.uint64)
    return gather_or_rows(out, unit_filters, codes)


def _apply_hardening(filters: np.ndarray, steps: tuple[HardeningStep, ...], missing: np.ndarray,
                     key_for, nonce: bytes, first_row: int = 0) -> np.ndarray:
    """Apply hardening steps in order. ``key_for(purpose)`` gives the subkey for keyed steps.

    ``first_row``: the table row of ``filters[0]`` (BLIP's keystream position), 0 for units.
    """
    for step in steps:
        if step.type == "balance":
            filters = hard.balance(filters, key_for("balance"))
        elif step.type == "xor_fold":
            filters = hard.xor_fold(filters)
        elif step.type == "rule90":
            filters = hard.rule90(filters)
        elif step.type == "blip":
            filters = hard.blip(filters, missing, key_for("blip"), nonce, step.epsilon,
                                first_row)
        filters[missing] = 0
    return filters


def _split_at_blip(steps: tuple[HardeningStep, ...]
                   ) -> tuple[tuple[HardeningStep, ...], tuple[HardeningStep, ...]]:
    """Split hardening: steps before the first BLIP act on distinct values, the rest on records."""
    for i, step in enumerate(steps):
        if step.type == "blip":
            return steps[:i], steps[i:]
    return steps, ()


def _salt_column(part: KeyPart | None, columns: dict[str, _Column], schema: Schema,
                 made: dict[KeyPart, _Column] | None = None) -> _Column | None:
    """Each record's salt as a column (None: not salted); value_with_salt joins two columns.

    ``made``: salt columns built already for this table (fields that share a salt share it).
    """
    if part is None:
        return None
    made = {} if made is None else made
    if part not in made:
        if part.transform == VALUE_WITH_SALT:
            inner = _salt_column(schema.field(part.field).salt, columns, schema, made)
            assert inner is not None  # the schema checks the named field is salted
            made[part] = _joined(columns[part.field], inner)
        else:
            made[part] = columns[part.field].transformed(part.transform)
    return made[part]


def _joined(value: _Column, salt: _Column) -> _Column:
    """Return the column of ``value ‖ 0x1F ‖ salt`` per record, missing where either is."""
    both = (value.codes >= 0) & (salt.codes >= 0)
    n_salt = max(len(salt.uniques), 1)
    pair = np.where(both, value.codes.astype(np.int64) * n_salt + salt.codes, -1)
    distinct, codes = np.unique(pair[both], return_inverse=True)
    out = np.full(len(pair), -1, dtype=value.codes.dtype)
    out[both] = codes
    values = _as_objects(value.uniques)[distinct // n_salt]
    salts = _as_objects(salt.uniques)[distinct % n_salt]
    return _Column(out, (values + SALT_JOIN + salts).tolist())


def _as_objects(texts: list[str]) -> np.ndarray:
    """Return the texts as a 1-D object array (to index and join them elementwise)."""
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


def _unless_salt_missing(column: _Column, salt: _Column | None) -> _Column:
    """Mark a salted field missing where its salt is missing (docs/spec.md section 8).

    Its filter could not agree with the same value salted with the true salt, so it would only
    count as a disagreement; as missing it counts as no evidence, like any unknown value.
    """
    if salt is None:
        return column
    return _Column(np.where(salt.codes < 0, -1, column.codes), column.uniques)


class _UnitFilters:
    """One field's filters per (value, salt) unit, for the records of one chunk at a time.

    Unsalted units are the field's distinct values: their filters are built (and hardened up
    to BLIP) once for every chunk, as are salted units that repeat (a year salt). Units salted
    with a whole value are nearly one per record, so each chunk builds its own: the work and
    memory per chunk stay bounded, and the arrays stay in cache.
    """

    def __init__(self, tokens: _FieldTokens, column: _Column, salt: _Column | None,
                 hashing: _Hashing, steps: tuple[HardeningStep, ...] = (), key_for=None,
                 scratch: AesScratch | None = None):
        self.tokens, self.column, self.salt = tokens, column, salt
        self.n_salts = 1 if salt is None else len(salt.uniques) + 1
        self.source = _PositionSource(hashing, tokens.vocabulary, _salt_list(salt), scratch)
        self.steps, self.key_for = steps, key_for
        self.shared: np.ndarray | None = None
        self.codes = column.codes
        if salt is None:
            self.shared = self._build(np.arange(len(column.uniques), dtype=np.int64),
                                      np.zeros(len(column.uniques), dtype=np.int64), True)
        else:
            # the first chunk tells whether units repeat (a coarse salt such as a year)
            head = min(len(column.codes), CHUNK_ROWS)
            codes, value_idx, salt_idx = _units(column.rows(0, head), salt.rows(0, head),
                                                self.n_salts)
            present = int((codes >= 0).sum())
            repeat = present > 0 and len(value_idx) <= SHARED_UNITS_SHARE * present
            if head < len(column.codes) and repeat:
                codes, value_idx, salt_idx = _units(column, salt, self.n_salts)
            if head == len(column.codes) or repeat:  # one build serves every record
                self.codes, self.shared = codes, self._build(value_idx, salt_idx, repeat)

    def _build(self, value_idx: np.ndarray, salt_idx: np.ndarray, dedupe: bool) -> np.ndarray:
        filters = _unit_filters(self.tokens, value_idx, salt_idx, self.source,
                                dedupe_messages=dedupe)
        return _apply_hardening(filters, self.steps, np.zeros(len(filters), dtype=bool),
                                self.key_for, b"")

    def chunk(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (unit filters, unit code per record; -1 missing) for records start..stop."""
        if self.shared is not None:
            return self.shared, self.codes[start:stop]
        codes, value_idx, salt_idx = _units(self.column.rows(start, stop),
                                            self.salt.rows(start, stop), self.n_salts)
        return self._build(value_idx, salt_idx, False), codes


class _FieldEncoder:
    """A field's filters, chunk by chunk: units, hardening before BLIP per unit, BLIP per row."""

    def __init__(self, spec: FieldSpec, column: _Column, salt: _Column | None,
                 tokens: _FieldTokens, secret: Secret, nonce: bytes,
                 scratch: AesScratch | None = None):
        hashing = _hashing(secret, spec.key_owner, "bloom", spec.hashing, spec.k,
                           spec.filter_bits)
        per_value, self.per_record = _split_at_blip(spec.hardening)

        def key_for(purpose: str) -> bytes:
            # balancing follows the positions' owner, so fields that share keys stay
            # comparable; BLIP's randomness is the field's own
            return secret.field_key(spec.key_owner if purpose == "balance" else spec.name,
                                    purpose)

        self.key_for, self.nonce = key_for, nonce
        if spec.spread is not None:
            tokens = tokens.spread(spec.spread)
        if spec.pad is not None:
            tokens = tokens.padded(spec.pad)
        self.units = _UnitFilters(tokens, column, salt, hashing, per_value, key_for, scratch)

    def rows(self, start: int, stop: int, first_row: int) -> np.ndarray:
        """Return the filters of records start..stop (table row ``first_row`` is record 0)."""
        unit_filters, codes = self.units.chunk(start, stop)
        missing = codes < 0
        filters = _gather(unit_filters, codes)
        return _apply_hardening(filters, self.per_record, missing, self.key_for, self.nonce,
                                first_row + start)


class _ClkEncoder:
    """The record-level CLK, chunk by chunk: every field's contribution ORed, then hardened."""

    def __init__(self, clk: ClkSpec, schema: Schema, columns: dict[str, _Column],
                 tokens: dict[str, _FieldTokens], secret: Secret, nonce: bytes,
                 salts_made: dict[KeyPart, _Column] | None = None,
                 scratch: AesScratch | None = None):
        salt = _salt_column(clk.salt, columns, schema, salts_made)
        self.clk, self.nonce = clk, nonce
        self.contributions = [
            _UnitFilters(tokens[spec.name], columns[spec.name], salt,
                         _hashing(secret, spec.name, "clk", clk.hashing, spec.clk_k, clk.bits),
                         scratch=scratch)
            for spec in schema.fields if spec.clk_k]

        def key_for(purpose: str) -> bytes:
            return secret.derive(f"linkcore/v1/clk/{purpose}")

        self.key_for = key_for

    def rows(self, start: int, stop: int, first_row: int) -> np.ndarray:
        """Return the CLKs of records start..stop (table row ``first_row`` is record 0)."""
        out = np.zeros((stop - start, self.clk.bits // 64), dtype=np.uint64)
        for units in self.contributions:
            unit_filters, codes = units.chunk(start, stop)
            gather_or_rows(out, unit_filters, codes)
        empty = ~out.any(axis=1)
        return _apply_hardening(out, self.clk.hardening, empty, self.key_for, self.nonce,
                                first_row + start)


def _blocking_keys(schema: Schema, columns: dict[str, _Column], secret: Secret, n: int
                   ) -> dict[str, np.ndarray]:
    """Keyed blocking keys: LE-uint64 of HMAC-SHA256(subkey, UTF-8(parts joined by 0x1F))[:8].

    A record missing any part has key 0 (missing); a real key of 0 is replaced by 1.
    """
    out: dict[str, np.ndarray] = {}
    for bk in schema.blocking_keys:
        parts = [columns[p.field].transformed(p.transform) for p in bk.parts]
        missing = np.zeros(n, dtype=bool)
        for part in parts:
            missing |= part.codes < 0
        if len(parts) == 1:  # the part's distinct values are the key's
            codes = parts[0].codes[~missing]
            texts = _as_objects(parts[0].uniques)
        else:
            combined = np.zeros(n, dtype=np.int64)
            for part in parts:
                combined = pd.factorize(combined * (len(part.uniques) + 1) + (part.codes + 1))[0]
            codes, _ = pd.factorize(combined[~missing])
            first = np.flatnonzero(~missing)[np.unique(codes, return_index=True)[1]]
            texts = _as_objects(parts[0].uniques)[parts[0].codes[first]]
            for part in parts[1:]:
                texts = texts + "\x1f" + _as_objects(part.uniques)[part.codes[first]]
        key = secret.derive(f"linkcore/v1/blocking/{bk.name}")
        messages = [t.encode("utf-8") for t in texts.tolist()]
        macs = np.frombuffer(hmac_sha256_many(key, messages), np.uint8).reshape(-1, 32)
        values = np.ascontiguousarray(macs[:, :8]).view("<u8").ravel().astype(np.uint64)
        values[values == 0] = 1
        keys = np.zeros(n, dtype=np.uint64)
        keys[~missing] = values[codes]
        out[bk.name] = keys
    return out


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def _check_arguments(df: pd.DataFrame, schema: Schema, secret: Secret, mapping: Mapping | None,
                     blip_nonce: bytes | None) -> tuple[Mapping, bytes]:
    """Check the arguments every encoding takes; return the mapping and the run's BLIP nonce."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"the table must be a pandas DataFrame, not {type(df).__name__}")
    if not isinstance(schema, Schema):
        raise TypeError("schema must be a linkcore.Schema (use Schema.load(path))")
    if mapping is not None and not isinstance(mapping, Mapping):
        raise TypeError("mapping must be a linkcore.Mapping (use Mapping.load(path)) or None")
    if not isinstance(secret, Secret):
        raise TypeError("secret must be a linkcore.Secret (use Secret.from_file(path))")
    repeated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
    if repeated:
        raise InputDataError(f"the table repeats column name(s) {', '.join(map(repr, repeated))}; "
                             "give each column a name of its own")
    mapping = mapping or Mapping.identity(schema)
    mapping.check_schema(schema)
    mapping.check_columns(df.columns)
    nonce = blip_nonce if blip_nonce is not None else os.urandom(16)
    if not isinstance(nonce, bytes) or len(nonce) != 16:
        raise ParameterError("blip_nonce must be 16 bytes (bytes, e.g. os.urandom(16))")
    return mapping, nonce


def _normalise_columns(df: pd.DataFrame, schema: Schema, mapping: Mapping,
                       report: EncodingReport, first_row: int) -> dict[str, _Column]:
    """Normalise every field (views share their sources' values); fill the report's counts.

    Row numbers in the report are the table's (``first_row`` is the table row of ``df``'s first).
    """
    columns: dict[str, _Column] = {}
    for spec in schema.fields:
        if spec.source is not None:
            continue  # a view takes its source's normalised value (below)
        column, invalid = _normalise_field(df, spec, mapping, first_row)
        columns[spec.name] = column
        report.invalid_rows[spec.name] = np.flatnonzero(invalid) + 1 + first_row
        report.missing_counts[spec.name] = int((column.codes < 0).sum())
    for spec in schema.fields:
        if spec.source is not None:
            column = columns[spec.source]
            for other in spec.joined:  # a view of several fields: v1 ‖ 0x1F ‖ v2 ..., all held
                column = _joined(column, columns[other])
            columns[spec.name] = column
            report.missing_counts[spec.name] = int((column.codes < 0).sum())
    return columns


def _strict_error(report: EncodingReport) -> InvalidValueError:
    return InvalidValueError("strict mode: " + "; ".join(report.summary_lines(False))
                             + "; fix these rows or run without --strict (strict=False)")


#: Records per chunk of the filter stage: large enough that per-chunk overheads vanish, small
#: enough that a chunk's arrays (a few tens of MB for ten fields) stay in the process's heap
#: and cache rather than being mapped fresh for every field of a large table.
CHUNK_ROWS = 1 << 17
#: A salted field's units are built once for the whole table when the first chunk has at most
#: this many units per present record (they repeat: a year salt gives about 0.5 at 10^6 rows);
#: otherwise chunk by chunk (a whole date of birth as a name's salt gives about 0.97).
SHARED_UNITS_SHARE = 0.8


def _encode_columns(schema: Schema, secret: Secret, columns: dict[str, _Column], ids: np.ndarray,
                    report: EncodingReport, nonce: bytes, first_row: int, bar,
                    ) -> EncodedDataset:
    """Build the filters, CLK and blocking keys of normalised columns, chunk of rows by chunk.

    Every output row depends on its record alone (and BLIP on its table row), so the chunks
    give the same bytes as one pass over the table; what chunks share (tokens, tags, unsalted
    values' filters) is computed once.
    """
    n = len(ids)
    chunk_rows = CHUNK_ROWS
    tokens = {spec.name: _FieldTokens(spec, columns[spec.name]) for spec in schema.fields}
    salts_made: dict[KeyPart, _Column] = {}
    scratch = AesScratch()  # the AES buffers every field's chunks reuse, one after another
    salts = {spec.name: _salt_column(spec.salt, columns, schema, salts_made)
             for spec in schema.fields}
    encoded = {spec.name: _unless_salt_missing(columns[spec.name], salts[spec.name])
               for spec in schema.fields}
    encoders = {}
    for spec in schema.fields:
        report.missing_counts[spec.name] = int((encoded[spec.name].codes < 0).sum())
        if salts[spec.name] is not None:
            report.unsalted_counts[spec.name] = int(
                ((columns[spec.name].codes >= 0) & (salts[spec.name].codes < 0)).sum())
        encoders[spec.name] = _FieldEncoder(spec, encoded[spec.name], salts[spec.name],
                                            tokens[spec.name], secret, nonce, scratch)
    clk_encoder = None if schema.clk is None else \
        _ClkEncoder(schema.clk, schema, columns, tokens, secret, nonce, salts_made, scratch)
    fields: dict[str, np.ndarray] = {}
    clk = None
    for start in range(0, max(n, 1), chunk_rows):  # an empty table is one empty chunk
        stop = min(n, start + chunk_rows)
        for name, encoder in encoders.items():
            rows = encoder.rows(start, stop, first_row)
            if name not in fields:
                fields[name] = np.empty((n, rows.shape[1]), dtype=np.uint64)
            fields[name][start:stop] = rows
        if clk_encoder is not None:
            rows = clk_encoder.rows(start, stop, first_row)
            clk = np.empty((n, rows.shape[1]), dtype=np.uint64) if clk is None else clk
            clk[start:stop] = rows
        bar.update((stop - start) / max(n, 1) * len(schema.fields))
    missing = np.column_stack([encoded[f.name].codes < 0 for f in schema.fields]) if n else \
        np.zeros((0, len(schema.fields)), dtype=bool)
    blocking = _blocking_keys(schema, columns, secret, n)
    bar.update(1)
    return EncodedDataset.from_arrays(schema, secret.key_check_value(), ids, fields,
                                      missing=missing, clk=clk, blocking_keys=blocking)


def encode_with_report(df: pd.DataFrame, schema: Schema, secret: Secret,
                       mapping: Mapping | None = None, *, strict: bool = False,
                       blip_nonce: bytes | None = None, progress: bool = False,
                       processes: int = 1) -> tuple[EncodedDataset, EncodingReport]:
    """Encode a table; also return what could not be read (counts and row numbers only).

    ``blip_nonce`` fixes BLIP's randomness (16 bytes) for test vectors; by default it is fresh
    for every call, so encoding the same value twice gives different BLIP noise.
    ``processes``: encode row ranges side by side in that many processes of this machine, at
    most one per core (``encode_procs``; the same bytes). Each child costs about 2 s to start:
    it pays off on large tables with a costly schema (benchmarks/README.md).
    """
    mapping, nonce = _check_arguments(df, schema, secret, mapping, blip_nonce)
    n = len(df)
    ids = _record_ids(df, mapping.id_column)
    processes = _processes(processes, n)
    if processes > 1:
        return _encode_in_processes(df, schema, secret, mapping, ids, nonce, strict, processes,
                                    progress)
    report = EncodingReport(records=n)

    bar = _progress(progress, n, len(schema.fields) + 2)
    columns = _normalise_columns(df, schema, mapping, report, 0)
    bar.update(1)
    problems = report.summary_lines()
    if strict and problems:
        bar.close()  # clear the progress bar, or the error line is printed after it
        raise _strict_error(report)
    dataset = _encode_columns(schema, secret, columns, ids, report, nonce, 0, bar)
    bar.close()
    for line in problems:
        log.warning(line)
    return dataset, report


def encode_rows(df: pd.DataFrame, schema: Schema, secret: Secret, mapping: Mapping, *,
                nonce: bytes, first_row: int, strict: bool = False
                ) -> tuple[EncodedDataset | None, EncodingReport]:
    """Encode rows ``first_row`` onwards of a table whose ids were checked whole.

    The rows come out exactly as the whole table's encoding has them (BLIP draws from the
    table's keystream position, the report's row numbers are the table's). With ``strict``
    and values that cannot be read, nothing is encoded (None) and the report says why; the
    caller merges the parts' reports and raises. Nothing is logged here.
    """
    mapping, nonce = _check_arguments(df, schema, secret, mapping, nonce)
    ids = _record_ids(df, mapping.id_column)
    report = EncodingReport(records=len(df))
    columns = _normalise_columns(df, schema, mapping, report, first_row)
    if strict and report.summary_lines():
        return None, report
    return _encode_columns(schema, secret, columns, ids, report, nonce, first_row, _NoBar()), \
        report


def encode(df: pd.DataFrame, schema: Schema, secret: Secret, mapping: Mapping | None = None,
           *, strict: bool = False, blip_nonce: bytes | None = None,
           progress: bool = False, processes: int = 1) -> EncodedDataset:
    """Encode a table of identifiers into an EncodedDataset (no plaintext, no key material).

    ``df``: one row per record, ids in the mapping's id column (default ``id``). ``mapping``:
    which columns feed which schema field (default: columns named like the fields).
    ``strict``: raise InvalidValueError if any value cannot be read, instead of encoding it as
    missing. ``blip_nonce``: 16 bytes fixing BLIP's noise (test vectors only; fresh by
    default). ``progress``: a progress bar on stderr. ``processes``: encode row ranges on that
    many processes of this machine (the same bytes). The records keep ``df``'s row order
    (docs/spec.md §11): shuffle a table sorted by name first.

    A field of which at least ``WARN_UNREADABLE_SHARE`` of the values could not be read (a
    date format that does not fit, say) raises a UserWarning naming the field and the count:
    they are encoded as missing, and so is every field salted with it.
    ``encode_with_report`` returns the counts and row numbers instead.
    """
    dataset, report = encode_with_report(df, schema, secret, mapping, strict=strict,
                                         blip_nonce=blip_nonce, progress=progress,
                                         processes=processes)
    for line in unreadable_warnings(report, schema):
        warnings.warn(line, UserWarning, stacklevel=2)
    return dataset


#: ``encode`` warns about a field when at least this share of the table's values is unreadable.
WARN_UNREADABLE_SHARE = 0.1


def unreadable_warnings(report: EncodingReport, schema: Schema) -> list[str]:
    """Lines for the fields at least WARN_UNREADABLE_SHARE of whose values were unreadable."""
    lines = []
    for name, n in report.invalid_counts.items():
        if not report.records or n < WARN_UNREADABLE_SHARE * report.records:
            continue
        salted = [f.name for f in schema.fields if f.salt is not None and f.salt.field == name]
        also = f"; so are those records' {', '.join(salted)} (salted with it)" if salted else ""
        lines.append(f"{name}: {n:,} of {report.records:,} values could not be read and were "
                     f"encoded as missing{also} (check the mapping; encode_with_report gives "
                     "the row numbers)")
    return lines


def _processes(processes: int, n_rows: int) -> int:
    """Return the processes to encode ``n_rows`` on: as asked, at most one per row and core."""
    from .encode_procs import machine_cores

    if isinstance(processes, bool) or not isinstance(processes, int | np.integer) \
            or processes < 1:
        raise ParameterError(f"processes must be a whole number of at least 1, not {processes!r}")
    return max(1, min(int(processes), n_rows, machine_cores()))


def _encode_in_processes(df: pd.DataFrame, schema: Schema, secret: Secret, mapping: Mapping,
                         ids: np.ndarray, nonce: bytes, strict: bool, processes: int,
                         progress: bool) -> tuple[EncodedDataset, EncodingReport]:
    """``encode_with_report`` on several processes: the same result, errors and warnings."""
    from .encode_procs import encode_in_processes

    bar = _progress(progress, len(df), 1)
    try:
        dataset, report = encode_in_processes(df, schema, secret, mapping, ids, nonce, strict,
                                              processes)
        bar.update(1)
    finally:
        bar.close()
    if dataset is None:
        raise _strict_error(report)
    for line in report.summary_lines():
        log.warning(line)
    return dataset, report


class _NoBar:
    def update(self, _n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(enabled: bool, n_records: int, total: int):
    if not enabled or n_records < 50_000:
        return _NoBar()
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (logs, pipes, CI)
    return tqdm(total=total, desc="encoding", unit="step", leave=False, disable=None)
