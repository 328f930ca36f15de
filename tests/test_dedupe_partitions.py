"""Deduplication over partitions: the same clusters in one piece, in cells and on a dask cluster."""

from __future__ import annotations

import os
import signal

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from keybytes import key_bytes
from test_dedupe import agencies

from linkcore.cli import main
from linkcore.engines import LocalEngine
from linkcore.holder.keys import Secret
from linkcore.linkage.blocking import KeyedBlocking, cell_codes, plan_blocking
from linkcore.linkage.compare import Comparator, comparisons_for
from linkcore.linkage.dedupe import link_and_dedupe, pool
from linkcore.linkage.partitions import Grid, PairStages

distributed = pytest.importorskip("distributed")

#: keys only (no all-pairs at this size), so the blocking-recall sample and capture-recapture
#: both run in the cells
BLOCKING = ["keys"]


@pytest.fixture(scope="module")
def encoded():
    return agencies()[0]


@pytest.fixture(scope="module")
def one_piece(encoded):
    return link_and_dedupe(encoded, blocking=BLOCKING)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cl, distributed.Client(cl) as client:
        yield cl, client


def same(x, y) -> None:
    pd.testing.assert_frame_equal(x.pairs, y.pairs, check_exact=True)
    pd.testing.assert_frame_equal(x.clusters, y.clusters, check_exact=True)
    assert x.model.to_dict() == y.model.to_dict()
    assert x.quality == y.quality
    rules = [{k: v for k, v in r.items() if k != "seconds"} for r in x.candidate_stats["rules"]]
    assert rules == [{k: v for k, v in r.items() if k != "seconds"}
                     for r in y.candidate_stats["rules"]]


def test_the_estimates_come_from_the_cells(one_piece):
    q = one_piece.quality
    assert q["blocking_recall_method"] == "capture-recapture"
    assert q["blocking_sample_records"] > 0 and 0.5 < q["blocking_recall_sampled"] <= 1.0


def test_cells_hold_each_pair_of_distinct_records_once(encoded):
    pooled, _ = pool(list(encoded))
    n = len(pooled)
    plan = plan_blocking(pooled, pooled, BLOCKING)
    whole, _, _ = cell_codes(plan, plan.keys_a, plan.keys_b, (0, n), (0, n))
    want = whole[whole // n < whole % n]
    grid = Grid.even(n, n, 3)
    got = []
    for p, q in grid.cells(within=True):
        (sa, ea), (sb, eb) = grid.ranges("a")[p], grid.ranges("b")[q]
        keys_a = {k: v[sa:ea] for k, v in plan.keys_a.items()}
        keys_b = {k: v[sb:eb] for k, v in plan.keys_b.items()}
        got.append(cell_codes(plan, keys_a, keys_b, (sa, ea), (sb, eb), within=True)[0])
    got = np.sort(np.concatenate(got))
    assert want.size and np.array_equal(got, want)


def test_pairs_asked_in_either_order_are_compared_smaller_row_first(encoded):
    pooled, _ = pool(list(encoded))
    n = len(pooled)
    comparisons = comparisons_for(pooled)
    plan = plan_blocking(pooled, pooled, BLOCKING)
    stages = PairStages.start(LocalEngine(), pooled, pooled, plan, comparisons, 3, within=True)
    rng = np.random.default_rng(5)
    left, right = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    got = stages.comparator().levels(left, right)
    want = Comparator(pooled, pooled, comparisons).levels(np.minimum(left, right),
                                                          np.maximum(left, right))
    assert np.array_equal(got, want)


@pytest.mark.parametrize("partitions", [2, 3])
def test_local_engine_any_partitions_is_identical(encoded, one_piece, partitions):
    same(one_piece, link_and_dedupe(encoded, blocking=BLOCKING, partitions=partitions))


@pytest.mark.parametrize("partitions", [2, 3])
def test_dask_cluster_with_processes_is_identical(encoded, one_piece, cluster, partitions):
    _, client = cluster
    same(one_piece, link_and_dedupe(encoded, blocking=BLOCKING, engine="dask", client=client,
                                    partitions=partitions))


def test_refined_keys_on_a_cluster_are_identical(encoded, cluster):
    _, client = cluster
    rules = [KeyedBlocking(refine_above=0.01)]
    here = link_and_dedupe(encoded, blocking=rules, partitions=2)
    assert "refined" in here.candidate_stats["rules"][0]
    same(here, link_and_dedupe(encoded, blocking=rules, engine="dask", client=client,
                               partitions=3))


def test_a_worker_killed_mid_run_changes_nothing(encoded, one_piece, cluster):
    """Kill a worker once the cells hold their pairs: dask recomputes what it held."""
    cl, client = cluster
    killed = []

    def on_stage(stage, info):
        if stage == "blocking" and not killed:
            held = client.has_what()
            victim = max(held, key=lambda w: len(held[w]))
            os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
            killed.append(victim)

    dist = link_and_dedupe(encoded, blocking=BLOCKING, engine="dask", client=client,
                           partitions=3, on_stage=on_stage)
    assert killed
    same(one_piece, dist)


@pytest.mark.parametrize("partitions", [0, -1, 1.5])
def test_bad_partitions_are_refused(encoded, partitions):
    from linkcore.errors import ParameterError

    with pytest.raises(ParameterError, match="partitions"):
        link_and_dedupe(encoded, partitions=partitions)


def test_cli_dedupe_on_workers_writes_the_same_clusters(encoded, tmp_path):
    for i, ds in enumerate(encoded):
        ds.write(tmp_path / f"agency_{i + 1}.linkcore.parquet")
    Secret(key_bytes("p")).write(tmp_path / "project.key")
    files = [str(tmp_path / f"agency_{i + 1}.linkcore.parquet") for i in range(len(encoded))]
    outs = {}
    for label, extra in (("here", []), ("cells", ["--partitions", "3"]),
                         ("workers", ["--workers", "2"])):
        out = tmp_path / f"{label}.csv"
        r = CliRunner().invoke(main, ["dedupe", *files, "-o", str(out), "--project-key-file",
                                      str(tmp_path / "project.key"), "--quiet", *extra])
        assert r.exit_code == 0, r.output
        outs[label] = pd.read_csv(out, dtype=str)
    assert outs["here"].equals(outs["cells"]) and outs["here"].equals(outs["workers"])
    many = []
    for extra in ([], ["--partitions", "2"]):  # three files, each pair linked on its own
        out = tmp_path / f"many{len(extra)}.csv"
        r = CliRunner().invoke(main, ["link", *files, "-o", str(out), "--project-key-file",
                                      str(tmp_path / "project.key"), "--quiet", *extra])
        assert r.exit_code == 0, r.output
        many.append(pd.read_csv(out, dtype=str))
    assert many[0].equals(many[1])
    r = CliRunner().invoke(main, ["link", *files, "--dedupe", "-o", str(tmp_path / "x.csv"),
                                  "--project-key-file", str(tmp_path / "project.key"),
                                  "--partitions", "0"])
    assert r.exit_code == 2 and not (tmp_path / "x.csv").exists()
    assert r.output.count("\n") == 1 and "--partitions must be from 1 to" in r.output
