"""Comparison levels: how the probabilistic model sees one field of a candidate pair.

Each field's comparison is an ordered list of levels, first match wins (as in Splink):

    level 0        ``missing``     either side has no value; carries no evidence (weight 0)
    level 1        ``exact``       Dice == 1.0
    level 2..k+1   ``dice>=t_i``   Dice >= t_1 > t_2 > ... > t_k
    level k+2      ``else``        everything below t_k

A NaN Dice is read as ``missing`` (the comparison had nothing to compare), never as a level.
Levels travel as an ``int8`` matrix with one row per candidate pair and one column per field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from linkcore.errors import ParameterError

#: Default Dice thresholds for a field-level Bloom filter on bigrams (q = 2, padded).
#:
#: Measured on 3,000 Faker surnames encoded with keyed bigram filters (``/tmp`` experiment,
#: recorded here): with about 42 % of bits set (m=128, k=10), one random edit gives Dice
#: 0.76 / 0.84 / 0.91 (10th / 50th / 90th percentile), two edits 0.57 / 0.74 / 0.84, and two
#: unrelated names 0.33 / 0.45 / 0.55; with 24 % set (m=256, k=10), one edit 0.72 / 0.81 / 0.87,
#: two edits 0.51 / 0.67 / 0.80, unrelated 0.18 / 0.27 / 0.41. So 0.9 holds near-identical
#: values, 0.8 and 0.7 split typical one-edit typos, and 0.6 keeps 72-83 % of two-edit pairs while
#: admitting only 0.7-5 % of unrelated pairs; 0.5 would admit 24 % of unrelated pairs at the
#: half-full filters the encoder aims for, so it is not a default. EM learns each level's
#: weight, so a level that turns out uninformative costs little.
DEFAULT_THRESHOLDS: tuple[float, ...] = (0.9, 0.8, 0.7, 0.6)

#: Largest number of levels a field may have (levels are stored as int8).
MAX_LEVELS = 127

MISSING_LEVEL = 0
EXACT_LEVEL = 1


@dataclass(frozen=True)
class FieldComparison:
    """One field's comparison: Dice thresholds, in descending order, that cut it into levels."""

    field: str
    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS

    def __post_init__(self) -> None:
        if not isinstance(self.field, str) or not self.field:
            raise ParameterError("a field comparison needs a non-empty field name")
        try:
            thresholds = tuple(float(t) for t in self.thresholds)
        except (TypeError, ValueError):
            raise ParameterError(
                f"field {self.field!r}: thresholds must be a list of numbers"
            ) from None
        for t in thresholds:
            if not 0.0 < t < 1.0:
                raise ParameterError(
                    f"field {self.field!r}: every Dice threshold must lie strictly between 0 and 1 "
                    "(exact agreement, Dice = 1, is its own level)"
                )
        if any(a <= b for a, b in zip(thresholds, thresholds[1:], strict=False)):
            raise ParameterError(
                f"field {self.field!r}: thresholds must be strictly descending, "
                "e.g. (0.9, 0.8, 0.7)"
            )
        if len(thresholds) + 3 > MAX_LEVELS:
            raise ParameterError(
                f"field {self.field!r}: at most {MAX_LEVELS - 3} thresholds are supported"
            )
        object.__setattr__(self, "thresholds", thresholds)

    @property
    def n_levels(self) -> int:
        """Number of levels: missing, exact, one per threshold, else."""
        return len(self.thresholds) + 3

    @property
    def edges(self) -> np.ndarray:
        """Ascending float32 level edges ``t_k < ... < t_1 < 1.0``: level = top - #(edges <= d)."""
        return np.asarray((*self.thresholds[::-1], 1.0), dtype=np.float32)

    @property
    def level_names(self) -> list[str]:
        """Human-readable level names, indexed by level number."""
        return ["missing", "exact"] + [f"dice>={t:g}" for t in self.thresholds] + ["else"]

    def levels(self, dice: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
        """Map Dice values (and a missing mask) to level numbers, vectorised with searchsorted."""
        dice = np.asarray(dice)
        if dice.ndim != 1:
            raise ParameterError(f"field {self.field!r}: Dice values must be a 1-D array")
        # ascending edges t_k < ... < t_1 < 1.0; the number of edges <= d counts levels passed
        # thresholds in the Dice column's own precision, so a float32 Dice of exactly 0.9
        # lands in the >= 0.9 level rather than just below it
        dtype = dice.dtype if dice.dtype.kind == "f" else np.dtype(np.float64)
        edges = np.asarray((*self.thresholds[::-1], 1.0), dtype=dtype)
        passed = np.searchsorted(edges, dice, side="right")
        out = (self.n_levels - 1 - passed).astype(np.int8)
        absent = np.isnan(dice) if dice.dtype.kind == "f" else np.zeros(dice.shape, dtype=bool)
        if missing is not None:
            missing = np.asarray(missing, dtype=bool)
            if missing.shape != dice.shape:
                raise ParameterError(
                    f"field {self.field!r}: missing mask has {missing.size} rows "
                    f"but Dice has {dice.size}"
                )
            absent |= missing
        out[absent] = MISSING_LEVEL
        return out


def levels_matrix(
    comparisons: Sequence[FieldComparison],
    dice_columns: Mapping[str, np.ndarray],
    missing_columns: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Stack every field's levels into an ``int8[p, n_fields]`` matrix (one row per pair)."""
    missing_columns = missing_columns or {}
    if not comparisons:
        raise ParameterError("at least one field comparison is needed")
    columns = []
    for comparison in comparisons:
        if comparison.field not in dice_columns:
            raise ParameterError(
                f"no Dice column for field {comparison.field!r}; "
                "compare the pairs on every field the model uses"
            )
        columns.append(np.asarray(dice_columns[comparison.field]))
    n_rows = columns[0].shape[0] if columns[0].ndim == 1 else -1
    out = np.empty((max(n_rows, 0), len(comparisons)), dtype=np.int8)
    for j, (comparison, dice) in enumerate(zip(comparisons, columns, strict=True)):
        if dice.ndim != 1 or dice.shape[0] != n_rows:
            raise ParameterError(
                f"Dice column for field {comparison.field!r} has {dice.size} values "
                f"in {dice.ndim} dimension(s); expected a 1-D column of one value per pair"
            )
        out[:, j] = comparison.levels(dice, missing_columns.get(comparison.field))
    return out
