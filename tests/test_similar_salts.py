"""Salt groups joined through similarity: equality groups are never split, only joined."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore.audit.similar_salts import join_groups, similarity_clusters


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-1, 3)), min_size=1, max_size=40))
def test_joined_groups_are_unions_of_the_equality_groups(rows):
    groups = pd.factorize(np.array([g for g, _ in rows]))[0]
    clusters = np.array([c for _, c in rows])
    joined = join_groups(groups, clusters)
    frame = pd.DataFrame({"g": groups, "j": joined})
    assert (frame.groupby("g")["j"].nunique() == 1).all()        # no group is split
    assert set(joined) == set(range(joined.max() + 1))           # ids 0..k-1
    # two groups share an id only when their majority clusters are the same cluster
    seen = clusters >= 0
    for g_id in np.unique(groups):
        if not seen[groups == g_id].any():
            assert (joined == joined[groups == g_id][0]).sum() == (groups == g_id).sum()


def test_similar_filters_cluster_and_missing_rows_do_not():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**63, size=(2, 8), dtype=np.int64).view(np.uint64)
    filters = np.repeat(base, 5, axis=0)
    filters[::2, 0] ^= np.uint64(1)          # near copies of two different filters
    missing = np.zeros(len(filters), bool)
    missing[-1] = True
    clusters = similarity_clusters(filters, missing, 0.9)
    assert clusters[-1] == -1
    assert len(set(clusters[:5])) == 1 and len(set(clusters[5:9])) == 1
    assert clusters[0] != clusters[5]
