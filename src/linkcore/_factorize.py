"""Factorise text exactly: pandas' hash table treats a NUL character as the end of a string."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def factorize_text(values: Any) -> tuple[np.ndarray, list[Any]]:
    """Return (int64 codes, uniques) like ``pd.factorize`` (missing -> -1), exact for NULs.

    ``pd.factorize`` gives two texts that differ only after a NUL one code (pandas 2.1-2.3); such
    values are factorised with a dict instead, so two different texts never merge.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if series.dtype == object and _has_nul(series):
        index: dict[Any, int] = {}
        codes = np.fromiter(
            (-1 if v is None or (not isinstance(v, str) and pd.isna(v))
             else index.setdefault(v, len(index)) for v in series),
            dtype=np.int64, count=len(series))
        return codes, list(index)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


def _has_nul(series: pd.Series) -> bool:
    """Return whether any text of an object column holds a NUL (through Arrow when all text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(series, from_pandas=True, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):  # value by value
        return bool(series.map(lambda v: isinstance(v, str) and "\x00" in v).any())
    return bool(pc.any(pc.match_substring(text, "\x00")).as_py())
