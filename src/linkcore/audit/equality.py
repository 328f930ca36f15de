"""Equality classes of deterministic columns, and the salt groups they rebuild.

A column without per-record randomness (no BLIP) is a deterministic function of what it encodes,
so records with identical encodings share that plaintext: each such column splits the file into
*equality classes*. When the schema salts a field with, say, the year of birth, every column whose
equality implies an equal year -- the salted filters themselves (same value and same salt), an
unsalted date filter, a date blocking key, a CLK salted the same way -- links records of one salt
value; the connected components of all those links are the rebuilt *salt groups*. Everything here
reads only the encoded file and the public schema.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..dataset import EncodedDataset
from ..schema import HardeningStep, KeyPart, Schema
from .scoring import distinct_rows

TRIVIAL_KINDS = ("sex",)
TRIVIAL_MAX_CODES = 4


def deterministic(steps: tuple[HardeningStep, ...]) -> bool:
    """Tell whether an encoding has no per-record randomness (no BLIP step)."""
    return not any(s.type == "blip" for s in steps)


def class_codes(filters: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Equality-class code per record (identical rows share one; -1 where missing)."""
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    out = np.full(len(filters), -1, dtype=np.int64)
    if len(rows):
        _, codes, _ = distinct_rows(filters, rows)
        out[rows] = codes
    return out


def _key_codes(keys: np.ndarray) -> np.ndarray:
    """Class code per record of a keyed blocking key (0 = missing -> -1)."""
    out = np.full(len(keys), -1, dtype=np.int64)
    present = keys != 0
    out[present] = np.unique(keys[present], return_inverse=True)[1]
    return out


def _implies(part: KeyPart, salt: KeyPart) -> bool:
    """Tell whether equal values of ``part`` imply equal values of ``salt`` (same field)."""
    return part.field == salt.field and part.transform in (salt.transform, "value")


def salt_revealing_columns(schema: Schema, dataset: EncodedDataset, salt: KeyPart
                           ) -> dict[str, np.ndarray]:
    """Class codes of every deterministic column whose equality implies an equal salt value."""
    out: dict[str, np.ndarray] = {}
    for i, spec in enumerate(schema.fields):
        if not deterministic(spec.hardening):
            continue
        same_salt = spec.salt == salt
        is_source = spec.salt is None and _implies(KeyPart(spec.name, "value"), salt)
        if same_salt or is_source:
            out[f"field:{spec.name}"] = class_codes(dataset.fields[spec.name],
                                                    dataset.missing[:, i])
    for bk in schema.blocking_keys:
        if any(_implies(p, salt) for p in bk.parts):
            out[f"block:{bk.name}"] = _key_codes(dataset.blocking_keys[bk.name])
    clk = schema.clk
    if clk is not None and dataset.clk is not None and deterministic(clk.hardening):
        carries = any(f.clk_k > 0 and f.name == salt.field for f in schema.fields)
        if clk.salt == salt or (clk.salt is None and carries):
            out["clk"] = class_codes(dataset.clk, ~dataset.clk.any(axis=1))
    return out


def union_groups(codes: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Return the connected components of records linked by any shared class (group per record)."""
    if not codes:
        return np.arange(n, dtype=np.int64)
    rows, cols, offset = [], [], n
    for c in codes.values():
        present = np.flatnonzero(c >= 0)
        rows.append(present)
        cols.append(offset + c[present])
        offset += int(c.max()) + 1 if len(present) else 0
    r, col = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, col)), shape=(offset, offset))
    _, labels = connected_components(graph, directed=False)
    return np.unique(labels[:n], return_inverse=True)[1].astype(np.int64)


def salt_groups(schema: Schema, dataset: EncodedDataset, salt: KeyPart
                ) -> tuple[np.ndarray, list[str]]:
    """Rebuilt salt groups (group id per record) and the columns that rebuilt them."""
    codes = salt_revealing_columns(schema, dataset, salt)
    return union_groups(codes, len(dataset.missing)), sorted(codes)


def trivial_partition(schema: Schema, dataset: EncodedDataset
                      ) -> tuple[str, np.ndarray] | None:
    """(field, class code per record) of a field the file reveals trivially, such as sex.

    A deterministic field of a few values (kind ``sex``) splits the file into a handful of
    classes that anyone sees at a glance; chance is then computed given that attribute.
    """
    for i, spec in enumerate(schema.fields):
        if spec.kind in TRIVIAL_KINDS and deterministic(spec.hardening) and spec.salt is None:
            codes = class_codes(dataset.fields[spec.name], dataset.missing[:, i])
            if 0 < codes.max(initial=-1) + 1 <= TRIVIAL_MAX_CODES:
                return spec.name, codes
    return None
