import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkcore.errors import ParameterError
from linkcore.linkage.levels import DEFAULT_THRESHOLDS, FieldComparison, levels_matrix


def reference_level(dice: float, missing: bool, thresholds: tuple[float, ...]) -> int:
    """Plain first-match-wins reading of the level list."""
    if missing or np.isnan(dice):
        return 0
    if dice >= 1.0:
        return 1
    for i, t in enumerate(thresholds):
        if dice >= t:
            return 2 + i
    return 2 + len(thresholds)


def test_level_names_and_count():
    c = FieldComparison("surname", (0.9, 0.7))
    assert c.n_levels == 5
    assert c.level_names == ["missing", "exact", "dice>=0.9", "dice>=0.7", "else"]
    assert FieldComparison("x").thresholds == DEFAULT_THRESHOLDS


def test_levels_on_hand_values_and_boundaries():
    c = FieldComparison("x", (0.9, 0.7))
    dice = np.array([1.0, 0.95, 0.9, 0.89, 0.7, 0.69, 0.0, np.nan, 1.0], dtype=np.float32)
    missing = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1], dtype=bool)
    out = c.levels(dice, missing)
    assert out.dtype == np.int8
    assert out.tolist() == [1, 2, 2, 3, 3, 4, 4, 0, 0]


def test_float32_dice_exactly_on_threshold_counts_as_reaching_it():
    c = FieldComparison("x", (0.9,))
    dice = np.array([2 * 9 / 20], dtype=np.float32)  # 0.9 computed in float32
    assert c.levels(dice).tolist() == [2]


@given(
    st.lists(st.floats(0, 1, allow_nan=False, width=32), min_size=0, max_size=50),
    st.lists(st.floats(0.01, 0.99), min_size=1, max_size=5, unique=True),
    st.data(),
)
def test_levels_equal_reference(dice, thresholds, data):
    thresholds = tuple(sorted(thresholds, reverse=True))
    if any(a - b < 1e-6 for a, b in zip(thresholds, thresholds[1:], strict=False)):
        return
    missing = data.draw(st.lists(st.booleans(), min_size=len(dice), max_size=len(dice)))
    c = FieldComparison("f", thresholds)
    d = np.asarray(dice, dtype=np.float64)
    got = c.levels(d, np.asarray(missing, dtype=bool))
    want = [reference_level(x, mi, thresholds) for x, mi in zip(d, missing, strict=True)]
    assert got.tolist() == want


@pytest.mark.parametrize(
    "thresholds",
    [(0.7, 0.9), (0.9, 0.9), (1.0, 0.5), (0.9, 0.0), (-0.1,), (1.5,), ("a",)],
)
def test_bad_thresholds_rejected(thresholds):
    with pytest.raises(ParameterError, match="'name'"):
        FieldComparison("name", thresholds)


def test_empty_field_name_rejected():
    with pytest.raises(ParameterError):
        FieldComparison("", (0.9,))


def test_levels_matrix_stacks_fields():
    comps = [FieldComparison("a", (0.8,)), FieldComparison("b", (0.9, 0.5))]
    dice = {"a": np.array([1.0, 0.85, 0.1]), "b": np.array([0.6, 0.95, 1.0]), "unused": np.zeros(3)}
    missing = {"b": np.array([False, False, True])}
    out = levels_matrix(comps, dice, missing)
    assert out.dtype == np.int8 and out.shape == (3, 2)
    assert out.tolist() == [[1, 3], [2, 2], [3, 0]]
    assert levels_matrix(comps, dice).tolist() == [[1, 3], [2, 2], [3, 1]]


def test_levels_matrix_empty_pairs():
    comps = [FieldComparison("a")]
    out = levels_matrix(comps, {"a": np.zeros(0, dtype=np.float32)})
    assert out.shape == (0, 1)


def test_levels_matrix_errors_name_the_field():
    comps = [FieldComparison("a"), FieldComparison("b")]
    with pytest.raises(ParameterError, match="'b'"):
        levels_matrix(comps, {"a": np.zeros(3)})
    with pytest.raises(ParameterError, match="'b'"):
        levels_matrix(comps, {"a": np.zeros(3), "b": np.zeros(4)})
    with pytest.raises(ParameterError, match="'a'"):
        levels_matrix(comps, {"a": np.zeros(3), "b": np.zeros(3)}, {"a": np.zeros(2, bool)})
    with pytest.raises(ParameterError):
        levels_matrix([], {})
