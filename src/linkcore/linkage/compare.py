"""Compare candidate pairs: per-field Dice of the packed filters, cut into comparison levels.

For each field the Dice coefficient of the two records' filters comes from
:func:`linkcore.kernels.dice_pairs` with popcounts computed once per dataset; a pair where
either side is missing is ``missing`` (level 0), never an empty-filter Dice. The CLK can be
compared like a field under the reserved name ``clk`` (for CLK-only datasets imported from
clkhash, it is the only comparison). Pairs are processed in chunks of ``chunk_size``, so memory
is the int8 level matrix plus one chunk of float32 similarities.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from linkcore import kernels
from linkcore.errors import ParameterError
from linkcore.linkage.levels import EXACT_LEVEL, MISSING_LEVEL, FieldComparison

if TYPE_CHECKING:
    from linkcore.dataset import EncodedDataset

#: Name under which the record-level CLK is compared.
CLK_FIELD = "clk"

#: Candidate pairs per chunk: 1M pairs keep one float32 column at 4 MB.
DEFAULT_CHUNK_SIZE = 1_000_000

#: Dice thresholds for a CLK comparison (CLK-only linkage). A CLK mixes every field, so two
#: records of one person score lower than on a single field and unrelated records higher
#: (about 0.45 on 1024-bit CLKs about 40 % full): the levels sit between those.
CLK_THRESHOLDS: tuple[float, ...] = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6)


def comparisons_for(ds: EncodedDataset, *, include_clk: bool = False) -> list[FieldComparison]:
    """Return the comparisons the schema prescribes: one per field (its thresholds), CLK optionally.

    A CLK-only dataset gets a single comparison on CLK Dice.
    """
    schema = ds.schema
    if schema is None:
        return [FieldComparison(CLK_FIELD, CLK_THRESHOLDS)]
    out = [FieldComparison(f.name, tuple(f.thresholds)) for f in schema.fields]
    if include_clk:
        if ds.clk is None:
            raise ParameterError("include_clk: the datasets hold no CLK")
        out.append(FieldComparison(CLK_FIELD, CLK_THRESHOLDS))
    return out


class Comparator:
    """Per-field Dice and comparison levels for pairs of rows of two datasets.

    Popcounts of every filter are computed once here, so chunks (and dask tasks) reuse them;
    ``popcounts_a``/``popcounts_b`` (field -> int32 per row) may pass them precomputed (the
    store keeps each record's), and ``b is a`` computes them once.
    """

    def __init__(self, a: EncodedDataset, b: EncodedDataset,
                 comparisons: Sequence[FieldComparison], *,
                 chunk_size: int = DEFAULT_CHUNK_SIZE,
                 popcounts_a: Mapping[str, np.ndarray] | None = None,
                 popcounts_b: Mapping[str, np.ndarray] | None = None):
        if chunk_size < 1:
            raise ParameterError("chunk_size must be at least 1")
        self.comparisons = tuple(comparisons)
        self.chunk_size = int(chunk_size)
        self.n_a, self.n_b = len(a), len(b)
        self._cols: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                               np.ndarray | None, np.ndarray | None]] = []
        for c in self.comparisons:
            fa, ma = _filters_of(a, c.field)
            fb, mb = _filters_of(b, c.field)
            if fa.shape[1] != fb.shape[1]:
                raise ParameterError(
                    f"field {c.field!r} has {fa.shape[1] * 64}-bit filters in one dataset and "
                    f"{fb.shape[1] * 64}-bit in the other"
                )
            pa = _popcounts(fa, popcounts_a, c.field)
            pb = pa if b is a and popcounts_b is None else _popcounts(fb, popcounts_b, c.field)
            self._cols.append((fa, fb, pa, pb, ma, mb))
        self._gates = salt_gates(a, self.fields)
        self._swaps = swap_pairs(a, self.comparisons)

    @property
    def fields(self) -> list[str]:
        """Compared field names, in level-matrix column order."""
        return [c.field for c in self.comparisons]

    def dice(self, left: np.ndarray, right: np.ndarray) -> dict[str, np.ndarray]:
        """Dice per field for the given pairs (float32; NaN where either side is missing)."""
        left, right = _check_pairs(left, right, self.n_a, self.n_b)
        out = {}
        for c, (fa, fb, pa, pb, ma, mb) in zip(self.comparisons, self._cols, strict=True):
            d = kernels.dice_pairs(fa, fb, left, right, pa, pb)
            miss = _missing(ma, mb, left, right)
            if miss is not None:
                d[miss] = np.nan
            out[c.field] = d
        return out

    def levels(self, left: np.ndarray, right: np.ndarray,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Comparison levels ``int8[p, n_fields]`` of the pairs, computed chunk by chunk."""
        left, right = _check_pairs(left, right, self.n_a, self.n_b)
        n = left.size
        out = np.empty((n, len(self.comparisons)), dtype=np.int8)
        for start in range(0, n, self.chunk_size):
            stop = min(n, start + self.chunk_size)
            out[start:stop] = self._levels_chunk(left[start:stop], right[start:stop])
            if progress is not None:
                progress(stop - start)
        return out

    def _levels_chunk(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        out = np.empty((left.size, len(self.comparisons)), dtype=np.int8)
        for j, (c, (fa, fb, pa, pb, ma, mb)) in enumerate(
            zip(self.comparisons, self._cols, strict=True)
        ):
            d = kernels.dice_pairs(fa, fb, left, right, pa, pb)
            out[:, j] = c.levels(d, _missing(ma, mb, left, right))
        for j1, j2 in self._swaps:
            self._swap(out, j1, j2, left, right)
        for salted, salt in self._gates:
            out[out[:, salt] != EXACT_LEVEL, salted] = MISSING_LEVEL
        return out


    def _swap(self, out: np.ndarray, j1: int, j2: int, left: np.ndarray,
              right: np.ndarray) -> None:
        """Read a pair whose two fields disagree both ways but agree crossed as crossed.

        Fields that share keys (``key_with``) can be compared with each other: a first name and a
        surname written the other way round disagree on both fields (level ``else``) and agree
        crossed. Such a pair takes the crossed levels (first name of A against surname of B, and
        the reverse); any other pair keeps its levels.
        """
        c1, c2 = self.comparisons[j1], self.comparisons[j2]
        else1, else2 = c1.n_levels - 1, c2.n_levels - 1
        candidates = (out[:, j1] == else1) & (out[:, j2] == else2)
        for salted, salt in self._gates:  # a gated name is missing anyway: do not cross it
            if salted in (j1, j2):
                candidates &= out[:, salt] == EXACT_LEVEL
        both = np.flatnonzero(candidates)
        if both.size == 0:
            return
        fa1, fb1, pa1, pb1, ma1, mb1 = self._cols[j1]
        fa2, fb2, pa2, pb2, ma2, mb2 = self._cols[j2]
        lft, rgt = left[both], right[both]
        cross1 = c1.levels(kernels.dice_pairs(fa1, fb2, lft, rgt, pa1, pb2),
                           _missing(ma1, mb2, lft, rgt))
        cross2 = c2.levels(kernels.dice_pairs(fa2, fb1, lft, rgt, pa2, pb1),
                           _missing(ma2, mb1, lft, rgt))
        take = ((cross1 != MISSING_LEVEL) & (cross1 < else1)
                & (cross2 != MISSING_LEVEL) & (cross2 < else2))
        out[both[take], j1] = cross1[take]
        out[both[take], j2] = cross2[take]


def swap_pairs(ds: EncodedDataset, comparisons: Sequence[FieldComparison]
               ) -> list[tuple[int, int]]:
    """(column, column) of compared fields that share keys (``key_with``), hence can be swapped."""
    schema = ds.schema
    if schema is None:
        return []
    owner = {f.name: f.key_owner for f in schema.fields}
    cols = [(j, c) for j, c in enumerate(comparisons) if c.field in owner]
    return [(j1, j2) for i, (j1, c1) in enumerate(cols) for (j2, c2) in cols[i + 1:]
            if owner[c1.field] == owner[c2.field] and c1.thresholds == c2.thresholds]


def salt_gates(ds: EncodedDataset, fields: Sequence[str]) -> list[tuple[int, int]]:
    """(salted column, salt column) for fields salted with the whole value of a compared field.

    Two filters salted with different values share no positions, so their Dice says nothing
    about the field: the pair is compared on it only where the salt field agrees exactly
    (identical filters: the same value, hence the same salt), and is ``missing`` elsewhere.
    """
    schema = ds.schema
    if schema is None:
        return []
    col = {name: j for j, name in enumerate(fields)}
    gates = []
    for name, j in col.items():
        if name not in schema.field_names:
            continue
        salt = schema.field(name).salt
        if salt is not None and salt.transform == "value" and salt.field in col:
            gates.append((j, col[salt.field]))
    return gates


def compare_pairs(a: EncodedDataset, b: EncodedDataset, left: np.ndarray, right: np.ndarray,
                  comparisons: Sequence[FieldComparison], *,
                  chunk_size: int = DEFAULT_CHUNK_SIZE) -> np.ndarray:
    """Comparison levels of candidate pairs (one row per pair, one int8 column per field)."""
    return Comparator(a, b, comparisons, chunk_size=chunk_size).levels(left, right)


def _popcounts(filters: np.ndarray, given: Mapping[str, np.ndarray] | None,
               name: str) -> np.ndarray:
    """Each row's popcount: the given one for ``name`` if any, else counted now."""
    if given is not None and name in given:
        pop = np.ascontiguousarray(given[name], dtype=np.int32)
        if pop.shape != (filters.shape[0],):
            raise ParameterError(f"popcounts for {name!r} must have one value per row")
        return pop
    return kernels.popcounts(filters)


def _filters_of(ds: EncodedDataset, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    if name == CLK_FIELD and name not in ds.fields:
        if ds.clk is None:
            raise ParameterError("a comparison on the CLK needs datasets that hold CLKs")
        return np.ascontiguousarray(ds.clk), None
    if name not in ds.fields:
        raise ParameterError(
            f"the model compares field {name!r}, which the datasets do not hold "
            f"(they hold {', '.join(ds.fields) or 'only a CLK'})"
        )
    j = list(ds.fields).index(name)
    miss = ds.missing[:, j]
    return np.ascontiguousarray(ds.fields[name]), (miss if miss.any() else None)


def _missing(ma: np.ndarray | None, mb: np.ndarray | None, left: np.ndarray,
             right: np.ndarray) -> np.ndarray | None:
    if ma is None and mb is None:
        return None
    out = np.zeros(left.size, dtype=bool)
    if ma is not None:
        out |= ma[left]
    if mb is not None:
        out |= mb[right]
    return out


def _check_pairs(left: np.ndarray, right: np.ndarray, n_a: int, n_b: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    left = np.ascontiguousarray(left, dtype=np.int64)
    right = np.ascontiguousarray(right, dtype=np.int64)
    if left.ndim != 1 or left.shape != right.shape:
        raise ParameterError("left and right must be 1-D arrays of one length")
    return left, right
