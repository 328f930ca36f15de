"""Set operations on integer arrays by sorting and hashing, not numpy's slow integer paths.

numpy 2.3 and later find ``np.unique(x)``'s values of an integer array with a hash set, and
``np.isin`` tests integers of a wide range by sorting both sides through ``np.unique``; on
this project's machine they are many times slower than one sort (143,000 int64 values:
``np.unique`` 40 ms against 2.2 ms, ``np.isin`` of wide keys 31 ms against pandas' hash
table's 4.1 ms; 3 million: 2.0-2.8 s against 37-57 ms, and 1.7 s against 0.21 s;
``benchmarks/set_speed.py``). The results are numpy's, value for value.
"""

from __future__ import annotations

import numpy as np


def sorted_unique(values: np.ndarray, *, runs: bool = False) -> np.ndarray:
    """Return ``np.unique(values)`` (the distinct values, sorted, flattened) by one sort.

    ``runs``: the input is made of sorted runs (a join's codes, ascending by left row; sorted
    arrays concatenated), which the stable sort (timsort) merges in about linear time: 1.1 s
    against 4.4 s for quicksort on 52 million codes in two runs, but 2.5 times slower on random
    input.
    """
    array = np.asarray(values)
    if array.dtype.kind not in "iub":
        return np.unique(array)  # floats (NaNs merged), text and objects: numpy's own path
    flat = np.sort(array, axis=None, kind="stable" if runs else "quicksort")
    if flat.size < 2:
        return flat
    first = np.empty(flat.size, dtype=bool)
    first[0] = True
    np.not_equal(flat[1:], flat[:-1], out=first[1:])
    return flat[first]


def count_distinct(values: np.ndarray) -> int:
    """Return how many distinct values ``values`` holds (``np.unique(values).size``)."""
    return int(sorted_unique(values).size)


def isin(values: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Return ``np.isin(values, test)`` (a bool array of ``values``' shape) by a hash table."""
    array, other = np.asarray(values), np.asarray(test).ravel()  # numpy flattens ``test`` too
    if array.dtype.kind not in "iu" or other.dtype.kind not in "iu" or array.ndim != 1:
        return np.isin(array, other)
    if array.size == 0 or other.size == 0:
        return np.zeros(array.shape, dtype=bool)
    if array.dtype != other.dtype:  # e.g. int64 against uint64: numpy's promotion rules
        return np.isin(array, other)
    if int(other.max()) - int(other.min()) <= 6 * (array.size + other.size):
        return np.isin(array, other)  # a narrow range: numpy takes its lookup table
    import pandas as pd  # here, not at the top: `linkcore.dataset` imports this module

    return pd.Series(array, copy=False).isin(other).to_numpy(dtype=bool)
