"""Parts and cells of the local engine: what a part computes once for all its cells."""

from __future__ import annotations

import numpy as np
from test_pipeline import synthetic

from linkcore import kernels
from linkcore.linkage.blocking import plan_blocking
from linkcore.linkage.compare import comparisons_for
from linkcore.linkage.partitions import Grid, Part, pair_cell


def test_a_part_counts_its_popcounts_once_for_all_its_cells():
    (a, b), _, _, _ = synthetic(600, 3)
    plan = plan_blocking(a, b, "auto")
    comparisons = comparisons_for(a)
    grid = Grid.even(len(a), len(b), 2)
    parts_a = [Part(a.subset(slice(s, e)), plan.part_keys("a", s, e), s, p)
               for p, (s, e) in enumerate(grid.ranges("a"))]
    parts_b = [Part(b.subset(slice(s, e)), plan.part_keys("b", s, e), s, q)
               for q, (s, e) in enumerate(grid.ranges("b"))]
    for p, q in grid.cells():
        pair_cell(parts_a[p], parts_b[q], plan.light(), comparisons, 1000)
    first = parts_a[0].comparator(parts_b[0], comparisons, 1000)
    second = parts_a[0].comparator(parts_b[1], comparisons, 1000)
    for j, c in enumerate(comparisons):
        assert np.shares_memory(first._cols[j][2], second._cols[j][2])  # the part's, no copy
        assert np.array_equal(first._cols[j][2], kernels.popcounts(parts_a[0].ds.fields[c.field]))
