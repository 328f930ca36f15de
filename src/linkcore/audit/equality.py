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
from ..schema import VALUE_WITH_SALT, HardeningStep, KeyPart, Schema
from .scoring import distinct_rows

TRIVIAL_KINDS = ("sex",)
TRIVIAL_MAX_CODES = 4
CORE_GROUP = 10       # groups this large: the AND of their CLKs holds no chance bits
MAX_SEED_GROUPS = 600
MIN_SHARED_BITS = 8


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


def _implies(schema: Schema, part: KeyPart, salt: KeyPart) -> bool:
    """Tell whether equal values of ``part`` imply equal values of ``salt``.

    A ``value_with_salt`` part carries its field's value and that field's own salt; a
    ``value_with_salt`` salt is implied only by what carries both.
    """
    if part == salt:
        return True
    if part.transform == VALUE_WITH_SALT:
        inner = schema.field(part.field).salt
        return _implies(schema, KeyPart(part.field, "value"), salt) or (
            inner is not None and _implies(schema, inner, salt))
    if salt.transform == VALUE_WITH_SALT:
        return False
    return part.field == salt.field and part.transform in (salt.transform, "value")


def _carries(schema: Schema, parts: list[KeyPart], salt: KeyPart) -> bool:
    """Tell whether equality on all of ``parts`` together implies an equal ``salt`` value."""
    if any(_implies(schema, p, salt) for p in parts):
        return True
    if salt.transform != VALUE_WITH_SALT:
        return False
    inner = schema.field(salt.field).salt
    return inner is not None and _carries(schema, parts, KeyPart(salt.field, "value")) \
        and _carries(schema, parts, inner)


def salt_revealing_columns(schema: Schema, dataset: EncodedDataset, salt: KeyPart
                           ) -> dict[str, np.ndarray]:
    """Class codes of every deterministic column whose equality implies an equal salt value.

    A field's filter is equal only where its value (its source's, for a view) and its salt
    are, so it reveals what either implies.
    """
    out: dict[str, np.ndarray] = {}
    for i, spec in enumerate(schema.fields):
        if not deterministic(spec.hardening):
            continue
        parts = [KeyPart(name, "value") for name in spec.sources or (spec.name,)]
        if spec.salt is not None:
            parts.append(spec.salt)
        if spec.name == salt.field and salt.transform == VALUE_WITH_SALT:
            parts.append(salt)  # the field itself: its value under its own salt
        if _carries(schema, parts, salt):
            out[f"field:{spec.name}"] = class_codes(dataset.fields[spec.name],
                                                    dataset.missing[:, i])
    for bk in schema.blocking_keys:
        if _carries(schema, list(bk.parts), salt):
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
    groups = union_groups(codes, len(dataset.missing))
    names = sorted(codes)
    clk = schema.clk
    carries = any(f.clk_k > 0 and f.name == salt.field for f in schema.fields)
    if clk is not None and dataset.clk is not None and deterministic(clk.hardening) \
            and clk.salt is None and carries:
        merged = merge_by_shared_bits(groups, dataset.clk)
        if merged is not None:
            groups = merged
            names.append("clk:shared-bits")
    return groups, names


def merge_by_shared_bits(groups: np.ndarray, clk: np.ndarray) -> np.ndarray | None:
    """Grow salt groups through the bits their records share in an unsalted CLK.

    Everyone in a group of one salt value (say one year of birth) holds that value's tokens in
    the CLK, so the AND of a large group's CLKs, less the bits most records hold anyway, is the
    salt value's bit set. Groups with identical sets are one salt value; every other record whose
    CLK holds a group's whole set (largest set first) joins it.
    """
    n = len(groups)
    sizes = np.bincount(groups)
    big = np.flatnonzero(sizes >= CORE_GROUP)
    big = big[np.argsort(-sizes[big], kind="stable")][:MAX_SEED_GROUPS]
    if len(big) == 0:
        return None
    bits = np.unpackbits(clk.view(np.uint8), axis=1, bitorder="little")
    background = bits.mean(axis=0) > 0.5
    order = np.argsort(groups, kind="stable")
    starts = np.searchsorted(groups[order], big)
    sets = np.vstack([np.bitwise_and.reduce(clk[order[a:a + sizes[g]]], axis=0)
                      for a, g in zip(starts, big, strict=True)])
    keep_bits = np.packbits(~background, bitorder="little").view(np.uint64)
    sets &= keep_bits[None, :]
    pops = np.unpackbits(sets.view(np.uint8), axis=1).sum(axis=1)
    ok = pops >= MIN_SHARED_BITS
    sets, big, pops = sets[ok], big[ok], pops[ok]
    if len(big) == 0:
        return None
    target = groups.copy()
    # identical sets: one salt value split into several groups
    _, first, inverse = np.unique(sets, axis=0, return_index=True, return_inverse=True)
    root = big[first[inverse.ravel()]]
    for g, r in zip(big, root, strict=True):
        target[groups == g] = r
    assigned = np.zeros(n, dtype=bool)
    for j in np.argsort(-pops, kind="stable"):
        s = sets[j]
        hold = ((clk & s[None, :]) == s[None, :]).all(axis=1) & ~assigned
        target[hold] = root[j]
        assigned |= hold
    return np.unique(target, return_inverse=True)[1].astype(np.int64)


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
