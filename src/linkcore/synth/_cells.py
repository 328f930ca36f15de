"""Missing text cells, one convention for the generator under pandas 2 and pandas 3.

pandas 3 stores text columns in its ``str`` dtype, whose missing value is NaN (a float), where
pandas 2 kept object columns holding None; a column read from a CSV holds NaN under both, and a
pandas ``string`` column holds ``pd.NA``. The generator works on object arrays in which missing
is always None, and hands back object columns built the same way, so a seed gives the same
tables (and the same CSV files) whichever pandas is installed.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def is_missing(value: object) -> bool:
    """Tell whether one cell is missing (None, NaN, pd.NA or NaT)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def present(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the cells that hold a value (not None, NaN, pd.NA or NaT)."""
    return np.asarray(pd.notna(pd.Series(np.asarray(values, dtype=object), dtype=object)))


def cells(values: Iterable[object] | pd.Series | np.ndarray) -> np.ndarray:
    """Copy column values into an object array with every missing cell as None."""
    out = np.empty(len(values), dtype=object)  # type: ignore[arg-type]
    out[:] = list(values.tolist() if hasattr(values, "tolist") else values)
    out[~present(out)] = None
    return out


def column(values: Iterable[object] | np.ndarray) -> pd.Series:
    """Build an object Series with missing as None (not pandas 3's ``str`` dtype with NaN)."""
    return pd.Series(cells(values), dtype=object)
