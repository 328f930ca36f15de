"""The plaintext side of the audit: normalised values per field, as the encoder would see them.

Used twice: on the holder's DATA (the truth that scores the attacks; only the holder has it) and
on the attacker's public reference population (the attacker runs the same public normalisers,
tokenisers and schema, which are no secret). Values never leave the audit's memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputDataError, MappingError
from ..holder.normalize import INVALID, field_text, is_date_cell, normaliser_for, read_date_cell
from ..holder.tokens import tokens as value_tokens
from ..schema import FieldSpec, Mapping, Schema


def _raw_text(df: pd.DataFrame, columns: tuple[str, ...]) -> list[str | None]:
    """Each record's raw text for a field: one column, or several joined by a space."""
    parts = []
    for col in columns:
        s = df[col].astype(object).where(df[col].notna(), None)
        parts.append([None if v is None else field_text(v) for v in s])
    out: list[str | None] = []
    for cells in zip(*parts, strict=True):
        joined = " ".join(c for c in cells if c)
        out.append(joined or None)
    return out


def normalised_values(df: pd.DataFrame, spec: FieldSpec, mapping: Mapping) -> np.ndarray:
    """Normalised value of one field per record (object array; None = missing or invalid)."""
    source = mapping.fields[spec.name]
    if not source.columns:
        return np.full(len(df), None, dtype=object)
    raw = _raw_text(df, source.columns)
    codes, uniques = pd.factorize(pd.Series(raw, dtype=object), use_na_sentinel=True)
    normalise = normaliser_for(spec.kind, spec.normalise_options, source.date_format,
                               dict(source.values) or None)
    cleaned = [None if (v := normalise(u)) is INVALID else v for u in uniques]
    table = np.array(cleaned + [None], dtype=object)
    out = table[np.where(codes < 0, len(cleaned), codes)]
    if spec.kind == "date" and len(source.columns) == 1:  # date cells: their day, as encode
        cells = df[source.columns[0]].astype(object).to_numpy()  # reads them, whatever the format
        for i in (i for i, cell in enumerate(cells) if is_date_cell(cell)):
            day = read_date_cell(cells[i], normalise)
            out[i] = None if day is INVALID else day
    return out


def plaintext_table(df: pd.DataFrame, schema: Schema, mapping: Mapping) -> dict[str, np.ndarray]:
    """Normalised values of every schema field, keyed by field name (a view: its source's).

    A view of several fields holds their values joined by 0x1F, missing where any is (as the
    encoder makes it).
    """
    out = {spec.name: normalised_values(df, spec, mapping)
           for spec in schema.fields if spec.source is None}
    for spec in schema.fields:
        if spec.source is not None:
            out[spec.name] = _joined_values([out[name] for name in spec.sources])
    return out


def refuse_unreadable(values: dict[str, np.ndarray], what: str) -> None:
    """Refuse a table none of whose records has a value the schema can read in any field.

    An audit of such a table attacks nothing and would report no risk (as ``encode`` refuses
    to encode it).
    """
    if values and all(all(v is None for v in column) for column in values.values()):
        raise InputDataError(f"no record of {what} has a value the schema can read in any field "
                             "(every field is missing or unreadable): check its mapping, which "
                             "names the columns that hold each field")


def _joined_values(columns: list[np.ndarray]) -> np.ndarray:
    """Return the columns' values joined by 0x1F per row, None where any is missing."""
    if len(columns) == 1:
        return columns[0]
    out = np.empty(len(columns[0]), dtype=object)
    out[:] = ["\x1f".join(row) if all(v is not None for v in row) else None
              for row in zip(*columns, strict=True)]
    return out


def check_reference_columns(df: pd.DataFrame, mapping: Mapping) -> None:
    """Raise MappingError naming every mapped field column the reference table lacks."""
    present = set(df.columns)
    wanted = [c for _, s in mapping.sources for c in s.columns]
    missing = [c for c in dict.fromkeys(wanted) if c not in present]
    if missing:
        raise MappingError(
            "the reference population has no column " + ", ".join(repr(c) for c in missing)
            + " named in the mapping (give --reference-mapping if its columns are named "
            "differently)")


def value_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct non-missing values and their record counts, most frequent first (ties by value)."""
    s = pd.Series(values, dtype=object).dropna()
    if s.empty:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64)
    vc = s.value_counts(sort=False)
    order = np.lexsort((vc.index.to_numpy(dtype=str), -vc.to_numpy()))
    return vc.index.to_numpy(dtype=object)[order], vc.to_numpy(dtype=np.int64)[order]


def token_sets(values: np.ndarray, spec: FieldSpec) -> list[frozenset[str]]:
    """Return the token set of each value under the field's public token spec."""
    return [frozenset(value_tokens(v, spec.tokens)) for v in values]


def is_multi_token(spec: FieldSpec) -> bool:
    """Tell whether a value becomes several tokens (q-grams, date or postcode parts)."""
    return spec.tokens.type != "exact"
