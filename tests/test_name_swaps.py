"""Fields that share keys (``key_with``) are compared crossed when both disagree: name swaps."""

import numpy as np
import pandas as pd
import pytest
from keybytes import key_bytes

from linkcore.errors import SchemaError
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.linkage.compare import Comparator, comparisons_for, swap_pairs
from linkcore.linkage.levels import EXACT_LEVEL
from linkcore.schema import Mapping, Schema

SECRET = Secret(key_bytes("s"))


def schema(shared: bool) -> Schema:
    last = {"name": "last_name", "kind": "name", "clk_k": 0}
    if shared:
        last["key_with"] = "first_name"
    return Schema.from_dict({"linkcore_schema": 2, "fields": [
        {"name": "first_name", "kind": "name", "clk_k": 0}, last,
        {"name": "date_of_birth", "kind": "date", "clk_k": 0}]})


def levels(shared: bool) -> np.ndarray:
    s = schema(shared)
    a = pd.DataFrame({"id": ["a1", "a2"], "first_name": ["John", "Mary"],
                      "last_name": ["Smith", "Jones"], "date_of_birth": ["1980-01-02"] * 2})
    b = pd.DataFrame({"id": ["b1", "b2"], "first_name": ["Smith", "Mary"],
                      "last_name": ["John", "Brown"], "date_of_birth": ["1980-01-02"] * 2})
    ea, eb = (encode(df, s, SECRET, Mapping.identity(s)) for df in (a, b))
    comparator = Comparator(ea, eb, comparisons_for(ea))
    return comparator.levels(np.array([0, 1]), np.array([0, 1]))


def test_swapped_names_agree_crossed_only_when_the_fields_share_keys():
    shared, separate = levels(True), levels(False)
    else_level = len(schema(True).field("first_name").thresholds) + 2
    # John Smith against Smith John: crossed, both names agree exactly
    assert list(shared[0, :2]) == [EXACT_LEVEL, EXACT_LEVEL]
    assert list(separate[0, :2]) == [else_level, else_level]
    # Mary Jones against Mary Brown: one name agrees, so nothing is crossed
    assert list(shared[1, :2]) == [EXACT_LEVEL, else_level]


def test_swap_pairs_come_from_the_schema():
    s = schema(True)
    ds = encode(pd.DataFrame({"id": ["x"], "first_name": ["Ann"], "last_name": ["Lee"],
                              "date_of_birth": ["1990-03-04"]}), s, SECRET)
    assert swap_pairs(ds, comparisons_for(ds)) == [(0, 1)]


@pytest.mark.parametrize(("last", "message"), [
    ({"key_with": "nobody"}, "must name another field"),
    ({"key_with": "last_name"}, "must name another field"),
    ({"key_with": "first_name", "k": 20}, "must have the same kind"),
    ({"key_with": "date_of_birth"}, "must have the same kind"),
])
def test_key_with_is_validated(last, message):
    doc = {"linkcore_schema": 2, "fields": [
        {"name": "first_name", "kind": "name"}, {"name": "last_name", "kind": "name", **last},
        {"name": "date_of_birth", "kind": "date"}]}
    with pytest.raises(SchemaError, match=message):
        Schema.from_dict(doc)


def test_key_with_owner_must_key_itself():
    doc = {"linkcore_schema": 2, "fields": [
        {"name": "first_name", "kind": "name", "key_with": "middle_name"},
        {"name": "middle_name", "kind": "name", "key_with": "first_name"}]}
    with pytest.raises(SchemaError, match="itself names another field"):
        Schema.from_dict(doc)
