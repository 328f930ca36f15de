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


def test_each_part_lets_go_of_its_sorted_join_keys_after_its_last_cell(monkeypatch):
    """Kept while the part's cells are made (sorted once, not once per cell), then let go."""
    from linkcore.engines import LocalEngine
    from linkcore.linkage import blocking
    from linkcore.linkage.partitions import PairStages

    (a, b), _, _, _ = synthetic(2000, 5)
    plan = plan_blocking(a, b, [blocking.KeyedBlocking(), blocking.FieldAgreement()])
    sorts = []
    real = blocking.key_order
    monkeypatch.setattr(blocking, "key_order", lambda *args: sorts.append(1) or real(*args))
    stages = PairStages.start(LocalEngine(), a, b, plan, comparisons_for(a), 3)
    held = []
    real_cell = blocking.cell_codes

    def watch(*args, **kwargs):
        held.append(sum(c.nbytes for c in kwargs["caches"]))
        return real_cell(*args, **kwargs)

    monkeypatch.setattr("linkcore.linkage.partitions.cell_codes", watch)
    stages.run_cells()
    # once per part and join (a key refined by identical names: once per name), where sorting
    # in every cell would take 9 cells x 2 sides x the joins
    per_part = sum(len(c.near) or 1 for r in plan.rules for c in r.columns)
    assert 0 < len(sorts) <= 6 * per_part < 18 * sum(len(r.columns) for r in plan.rules)
    assert held[1] > 0  # the first cell's orders kept for the next
    assert all(p.key_orders.nbytes == 0
               for p in [*stages.parts_a.values(), *stages.parts_b.values()])


def test_a_mapped_part_holds_the_rows_and_key_columns_a_shipped_part_holds(tmp_path):
    """Workers on this machine map each part's key columns from files written once per side,
    instead of receiving them in every part's task: the same columns, row for row."""
    from linkcore.linkage import blocking
    from linkcore.linkage.blocking import NEAR
    from linkcore.linkage.partitions import map_part, share_dataset, share_keys

    (a, b), _, _, _ = synthetic(900, 8)
    plan = plan_blocking(a, b, [blocking.KeyedBlocking(), blocking.FieldAgreement()])
    for side, ds in (("a", a), ("b", b)):
        source = share_dataset(ds, tmp_path, f"d{side}")
        keys = share_keys(plan, side, tmp_path)
        assert keys.columns and not any(k.startswith(NEAR) for k, _ in keys.columns)
        for s, e in Grid.even(len(ds), len(ds), 3).ranges("a"):
            mapped = map_part(source, keys, s, e, 0)
            shipped = Part(ds.subset(slice(s, e)), plan.part_keys(side, s, e), s, 0)
            assert mapped.keys.keys() == shipped.keys.keys()
            for k, column in shipped.keys.items():
                assert np.array_equal(mapped.keys[k], column), k
            for f, filters in shipped.ds.fields.items():
                assert np.array_equal(mapped.ds.fields[f], filters)
            # row numbers in place of the ids: the ids never reach a worker
            assert np.array_equal(mapped.ds.record_ids, np.arange(s, e))
