"""The set helpers give numpy's own answers, value for value, on every dtype they accept."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from linkcore._sets import count_distinct, isin, sorted_unique

INT_DTYPES = st.sampled_from([np.int8, np.int32, np.int64, np.uint8, np.uint32, np.uint64])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_sorted_unique_is_numpys_unique(data):
    dtype = data.draw(INT_DTYPES)
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=30))
    values = data.draw(hnp.arrays(dtype, shape))
    got = sorted_unique(values)
    want = np.unique(values)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    assert count_distinct(values) == want.size


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(-(2**62), 2**62), max_size=60).map(sorted), max_size=4))
def test_sorted_unique_of_sorted_runs_is_numpys_unique(runs):
    x = np.array([v for run in runs for v in run], dtype=np.int64)
    np.testing.assert_array_equal(sorted_unique(x, runs=True), np.unique(x))


def test_sorted_unique_leaves_floats_text_and_bools_to_numpy():
    floats = np.array([2.0, np.nan, 1.0, np.nan, 2.0])
    np.testing.assert_array_equal(sorted_unique(floats), np.unique(floats))  # one NaN
    assert sorted_unique(floats).size == 3
    np.testing.assert_array_equal(sorted_unique(np.array(["b", "a", "b"], dtype=object)),
                                  ["a", "b"])
    np.testing.assert_array_equal(sorted_unique(np.array([True, False, True])), [False, True])
    assert sorted_unique([3, 1, 3]).tolist() == [1, 3]  # a list, as np.unique takes one


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_isin_is_numpys_isin(data):
    dtype = data.draw(INT_DTYPES)
    wide = data.draw(st.booleans())  # a wide range takes the hash table, a narrow one the table
    elements = hnp.from_dtype(np.dtype(dtype)) if wide else \
        st.integers(0, 40).map(lambda v: np.dtype(dtype).type(v))
    values = data.draw(hnp.arrays(dtype, st.integers(0, 60), elements=elements))
    pool = list(values) + list(data.draw(hnp.arrays(dtype, st.integers(0, 20),
                                                    elements=elements)))
    test = np.asarray(data.draw(st.lists(st.sampled_from(pool), max_size=30)) if pool else [],
                      dtype=dtype)
    got = isin(values, test)
    assert got.dtype == bool and got.shape == values.shape
    np.testing.assert_array_equal(got, np.isin(values, test))


def test_isin_across_dtypes_and_shapes_follows_numpy():
    a = np.array([1, 2, 2**63], dtype=np.uint64)
    b = np.array([1, -1], dtype=np.int64)
    try:
        want = np.isin(a, b)
    except IndexError:  # numpy 1.26 fails on uint64 against int64; the helper fails alike
        with pytest.raises(IndexError):
            isin(a, b)
    else:
        np.testing.assert_array_equal(isin(a, b), want)
    m = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(isin(m, [1, 4]), np.isin(m, [1, 4]))
    keys = np.array([10**15, 5, 10**17], dtype=np.int64)
    grid = np.array([[10**15, 7], [8, 9]], dtype=np.int64)  # a 2-D test set, flattened
    np.testing.assert_array_equal(isin(keys, grid), np.isin(keys, grid))
    assert isin(keys, np.array([10**17, 7], dtype=np.int64)).tolist() == [False, False, True]
    assert isin(np.array(["a", "b"], dtype=object), ["b"]).tolist() == [False, True]


def test_the_package_calls_numpys_set_functions_only_through_these_helpers():
    """A plain ``np.unique`` or ``np.isin`` of integers is the slow path; none is left."""
    import pathlib
    import re

    import linkcore

    root = pathlib.Path(linkcore.__file__).parent
    call = re.compile(r"np\.(unique|isin|in1d|setdiff1d|union1d|intersect1d|setxor1d)\(")
    found = []
    for path in root.rglob("*.py"):
        if path.name == "_sets.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            for match in call.finditer(code):
                if match.group(1) == "unique" and re.search(r"return_|axis=", code):
                    continue  # numpy sorts for these
                found.append(f"{path.relative_to(root)}:{number}")
    assert not found
