import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore import kernels
from linkcore.errors import ParameterError
from linkcore.linkage.compare import CLK_FIELD, Comparator, comparisons_for
from linkcore.linkage.levels import MISSING_LEVEL, FieldComparison


class FakeDataset:
    def __init__(self, fields, missing, clk=None):
        self.fields = fields
        self.missing = missing
        self.clk = clk
        self.schema = None

    def __len__(self):
        return self.missing.shape[0]


def random_dataset(rng, n, words=(2, 1), p_missing=0.2):
    fields = {}
    missing = rng.random((n, len(words))) < p_missing
    for j, w in enumerate(words):
        f = rng.integers(0, 2**63, size=(n, w), dtype=np.int64).astype(np.uint64)
        f &= rng.integers(0, 2**63, size=(n, w), dtype=np.int64).astype(np.uint64)
        f[missing[:, j]] = 0
        fields[f"f{j}"] = np.ascontiguousarray(f)
    clk = rng.integers(0, 2**63, size=(n, 4), dtype=np.int64).astype(np.uint64)
    return FakeDataset(fields, missing, clk)


COMPS = [FieldComparison("f0", (0.9, 0.6)), FieldComparison("f1", (0.5,))]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 7))
def test_levels_equal_reference_in_any_chunking(seed, chunk):
    rng = np.random.default_rng(seed)
    a, b = random_dataset(rng, 13), random_dataset(rng, 11)
    left = rng.integers(0, 13, size=40)
    right = rng.integers(0, 11, size=40)
    got = Comparator(a, b, COMPS, chunk_size=chunk).levels(left, right)
    for j, c in enumerate(COMPS):
        name = c.field
        d = kernels.dice_pairs_reference(a.fields[name], b.fields[name], left, right)
        miss = a.missing[left, j] | b.missing[right, j]
        assert np.array_equal(got[:, j], c.levels(d, miss))
        assert (got[miss, j] == MISSING_LEVEL).all()


def test_dice_marks_missing_as_nan_and_clk_compares():
    rng = np.random.default_rng(3)
    a, b = random_dataset(rng, 6), random_dataset(rng, 5)
    comps = [*COMPS, FieldComparison(CLK_FIELD, (0.7,))]
    comp = Comparator(a, b, comps)
    left, right = np.arange(5), np.arange(5)
    d = comp.dice(left, right)
    miss = a.missing[:5, 0] | b.missing[:5, 0]
    assert np.isnan(d["f0"][miss]).all() and not np.isnan(d["f0"][~miss]).any()
    ref = kernels.dice_pairs_reference(a.clk, b.clk, left, right)
    assert np.array_equal(d[CLK_FIELD], ref)
    assert comp.levels(np.zeros(0, np.int64), np.zeros(0, np.int64)).shape == (0, 3)


def test_clk_only_dataset_gets_one_clk_comparison():
    rng = np.random.default_rng(4)
    ds = random_dataset(rng, 3)
    ds.fields = {}
    comps = comparisons_for(ds)
    assert [c.field for c in comps] == [CLK_FIELD]


def test_unknown_field_or_width_mismatch_refused():
    rng = np.random.default_rng(5)
    a, b = random_dataset(rng, 4), random_dataset(rng, 4, words=(1, 1))
    with pytest.raises(ParameterError, match="bit"):
        Comparator(a, b, COMPS)
    with pytest.raises(ParameterError, match="nope"):
        Comparator(a, a, [FieldComparison("nope")])


def test_precomputed_popcounts_give_the_same_levels_and_are_checked():
    # the store passes each record's stored popcounts instead of counting them again
    rng = np.random.default_rng(7)
    a, b = random_dataset(rng, 30), random_dataset(rng, 20)
    left, right = rng.integers(0, 30, 200), rng.integers(0, 20, 200)
    plain = Comparator(a, b, COMPS).levels(left, right)
    pops_a = {f: kernels.popcounts_reference(v) for f, v in a.fields.items()}
    pops_b = {f: kernels.popcounts_reference(v) for f, v in b.fields.items()}
    given_pops = Comparator(a, b, COMPS, popcounts_a=pops_a, popcounts_b=pops_b)
    np.testing.assert_array_equal(given_pops.levels(left, right), plain)
    same = Comparator(a, a, COMPS).levels(left % 20, right)
    np.testing.assert_array_equal(
        Comparator(a, a, COMPS, popcounts_a=pops_a, popcounts_b=pops_a).levels(left % 20, right),
        same)
    with pytest.raises(ParameterError, match="one value per row"):
        Comparator(a, b, COMPS, popcounts_a={"f0": pops_a["f0"][:5]})
