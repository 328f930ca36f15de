"""The pair stages over partitions: identical results on one process and on a dask cluster."""

import os
import signal

import numpy as np
import pandas as pd
import pytest
from test_pipeline import synthetic

from linkcore.linkage.blocking import (
    FieldAgreement,
    HammingLSH,
    KeyedBlocking,
    candidate_pairs,
    cell_codes,
    plan_blocking,
)
from linkcore.linkage.model import merge_pattern_counts, pattern_counts
from linkcore.linkage.partitions import Grid
from linkcore.linkage.pipeline import link, link_many

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def pair():
    (a, b), _, _, _ = synthetic(3000, 7)
    return a, b


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cl, distributed.Client(cl) as client:
        yield cl, client


@pytest.fixture
def pinned_cluster():
    """A cluster whose scheduler never steals work, so tasks run where the engine put them."""
    import dask

    with dask.config.set({"distributed.scheduler.work-stealing": False}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cl, \
            distributed.Client(cl) as client:
        yield cl, client


@pytest.fixture(scope="module")
def local(pair):
    return link(*pair, return_candidates=True)


def same(x, y):
    pd.testing.assert_frame_equal(x.matches, y.matches, check_exact=True)
    assert x.model.to_dict() == y.model.to_dict()
    assert x.quality == y.quality or pd.Series(x.quality).equals(pd.Series(y.quality))
    assert x.histograms == y.histograms
    rules = [{k: v for k, v in r.items() if k != "seconds"} for r in x.candidate_stats["rules"]]
    assert rules == [{k: v for k, v in r.items() if k != "seconds"}
                     for r in y.candidate_stats["rules"]]
    assert np.array_equal(x._codes, y._codes)


def test_cells_of_any_grid_make_the_one_piece_candidates(pair):
    a, b = pair
    # small block limits so that oversized blocks are skipped, as the whole join skips them
    rules = [KeyedBlocking(max_block_pairs=40), FieldAgreement(max_block_pairs=2),
             HammingLSH(filter="last_name", max_bucket_pairs=30)]
    whole = candidate_pairs(a, b, rules)
    assert whole.rules[0].details.get("oversized_blocks_skipped")
    assert whole.rules[2].details.get("oversized_buckets_skipped")
    plan = plan_blocking(a, b, rules)
    for parts in (2, 5):
        grid = Grid.even(len(a), len(b), parts)
        codes, counts = [], np.zeros(len(plan.rules), np.int64)
        for p, q in grid.cells():
            (sa, ea), (sb, eb) = grid.ranges("a")[p], grid.ranges("b")[q]
            c, n, _ = cell_codes(plan, plan.part_keys("a", sa, ea), plan.part_keys("b", sb, eb),
                                 (sa, ea), (sb, eb))
            codes.append(c)
            counts += n
        merged = np.sort(np.concatenate(codes))
        assert np.array_equal(merged, whole.left * len(b) + whole.right)
        assert counts.tolist() == [r.pairs for r in whole.rules]


def test_merged_pattern_counts_equal_the_whole_table():
    rng = np.random.default_rng(0)
    levels = rng.integers(0, 4, size=(5000, 6)).astype(np.int8)
    whole = pattern_counts(levels, [4] * 6)
    parts = [pattern_counts(levels[s:s + 700], [4] * 6) for s in range(0, 5000, 700)]
    merged = merge_pattern_counts(parts, [4] * 6)
    assert np.array_equal(merged[0], whole[0]) and np.array_equal(merged[1], whole[1])


@pytest.mark.parametrize("partitions", [2, 3])
def test_local_engine_any_partitions_is_identical(pair, local, partitions):
    same(local, link(*pair, partitions=partitions))


@pytest.mark.parametrize("partitions", [1, 2, 4])
def test_dask_cluster_with_processes_is_identical(pair, local, cluster, partitions):
    _, client = cluster
    dist = link(*pair, engine="dask", client=client, partitions=partitions,
                return_candidates=True)
    same(local, dist)
    pd.testing.assert_frame_equal(local.candidates, dist.candidates, check_exact=True)


def test_refined_keys_on_a_cluster_are_identical(pair, cluster):
    """Keys refined by near names (their filter columns travel with the parts' keys)."""
    _, client = cluster
    rules = [KeyedBlocking(refine_above=0.01), FieldAgreement(refine_above=0.01)]
    here = link(*pair, blocking=rules, return_candidates=True)
    assert "refined" in here.candidate_stats["rules"][0]
    dist = link(*pair, blocking=rules, engine="dask", client=client, partitions=3,
                return_candidates=True)
    same(here, dist)
    pd.testing.assert_frame_equal(here.candidates, dist.candidates, check_exact=True)


@pytest.mark.parametrize("given", ["objects", "files"])
def test_a_worker_killed_mid_run_changes_nothing(pair, local, cluster, given, tmp_path):
    """Kill a worker process once the cells hold their pairs: dask recomputes what it held
    (files: its parts from the rows it read before the plan was made)."""
    cl, client = cluster
    killed = []
    inputs = pair
    if given == "files":
        inputs = (tmp_path / "a.linkcore.parquet", tmp_path / "b.linkcore.parquet")
        for ds, path in zip(pair, inputs, strict=True):
            ds.write(path)

    def on_stage(stage, info):
        if stage == "blocking" and not killed:  # cells done, their pairs live on the workers
            held = client.has_what()
            victim = max(held, key=lambda w: len(held[w]))  # the worker holding most
            pid = client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            killed.append(victim)

    dist = link(*inputs, engine="dask", client=client, partitions=3, on_stage=on_stage)
    assert killed
    same(local, dist)


def test_tasks_on_workers_run_numba_on_the_workers_thread_budget(cluster, monkeypatch):
    """A nanny starts workers with OMP_NUM_THREADS=1: numba in a task follows it, then resets."""
    import numba

    from linkcore.engines import run_task, task_threads

    _, client = cluster
    assert client.submit(run_task, numba.get_num_threads, pure=False).result() == 1
    default = numba.config.NUMBA_NUM_THREADS
    assert client.submit(numba.get_num_threads, pure=False).result() == default
    assert client.submit(task_threads, pure=False).result() == 1
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)  # LocalCluster set it here too
    assert task_threads() is None  # not a worker, no OMP_NUM_THREADS: numba left alone
    assert run_task(numba.get_num_threads) == numba.get_num_threads()


def test_pairs_compared_after_the_cells_move_no_rows_between_workers(pair, pinned_cluster):
    """Each worker holds the parts its cells pair: training's pairs move no rows to them.

    Work stealing is off: a busy machine may let the scheduler move a task (and its rows) to
    an idle worker, which is dask's choice, not a placement the engine made. The active memory
    manager stays on and is run first: once a part has been copied it may drop either replica.
    """
    from linkcore.engines import make_engine
    from linkcore.linkage.compare import Comparator, comparisons_for
    from linkcore.linkage.partitions import PairStages

    a, b = pair
    _, client = pinned_cluster
    comps = comparisons_for(a)
    stages = PairStages.start(make_engine("dask", client), a, b, plan_blocking(a, b, "auto"),
                              comps, 3)
    stages.run_cells()

    def parts_received(dask_worker):
        return sum(str(k).startswith(("make_part", "copy_part"))
                   for e in dask_worker.transfer_incoming_log for k in e.get("keys", {}))

    before = sum(client.run(parts_received).values())
    for _ in range(3):  # the memory manager drops extra replicas: no cell may need one again
        client.amm.run_once()
    rng = np.random.default_rng(3)
    left, right = rng.integers(0, len(a), 20_000), rng.integers(0, len(b), 20_000)
    for _ in range(3):
        got = stages.comparator().levels(left, right)
    assert np.array_equal(got, Comparator(a, b, comps).levels(left, right))
    assert sum(client.run(parts_received).values()) == before


def test_local_workers_map_datasets_given_as_objects_and_the_copy_goes(pair, local, cluster,
                                                                       tmp_path):
    """Workers on this machine map the rows from arrays written once (not sent through the
    scheduler); the folder is gone when the link ends, and the results are the same."""
    _, client = cluster
    with distributed.get_task_stream(client) as stream:
        dist = link(*pair, engine="dask", client=client, mapped_dir=tmp_path)
    same(local, dist)
    names = {str(t["key"]) for t in stream.data}
    assert any("map_part" in k for k in names)
    assert not any("make_part" in k or "copy_part" in k for k in names)
    assert list(tmp_path.iterdir()) == []


def test_workers_elsewhere_keep_the_rows_sent_them_in_the_mapped_folder(pair, local, cluster,
                                                                         tmp_path, monkeypatch):
    """Datasets given as objects to workers on other machines: the rows travel in the task
    (row numbers, not the ids), and with a mapped folder each worker keeps them there; the
    same results, the folder empty afterwards."""
    from linkcore.engines import DaskEngine

    monkeypatch.setattr(DaskEngine, "workers_on_this_machine", lambda self: False)
    _, client = cluster
    with distributed.get_task_stream(client) as stream:
        dist = link(*pair, engine="dask", client=client, mapped_dir=tmp_path)
    same(local, dist)
    names = {str(t["key"]) for t in stream.data}
    assert any("make_part" in k for k in names) and not any("map_part" in k for k in names)
    assert list(tmp_path.iterdir()) == []


def test_workers_on_this_machine_map_the_key_columns_of_files_too(pair, local, cluster,
                                                                   tmp_path, monkeypatch):
    """Files given by path: each worker reads its rows, and maps its key columns from the
    folder this process wrote them to once (not sent in every part's task); the same results."""
    from linkcore.linkage import partitions

    paths = [tmp_path / "a.linkcore.parquet", tmp_path / "b.linkcore.parquet"]
    for ds, path in zip(pair, paths, strict=True):
        ds.write(path)
    shared = []
    real = partitions.share_keys
    monkeypatch.setattr(partitions, "share_keys",
                        lambda plan, side, folder: shared.append(side) or real(plan, side, folder))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    _, client = cluster
    with distributed.get_task_stream(client) as stream:
        dist = link(*paths, engine="dask", client=client, mapped_dir=scratch)
    same(local, dist)
    assert sorted(shared) == ["a", "b"]
    assert any("read_source_rows" in str(t["key"]) for t in stream.data)
    assert list(scratch.iterdir()) == []


def test_only_worker_processes_on_this_machine_map_shared_rows(cluster):
    from linkcore.engines import DaskEngine

    _, client = cluster
    assert DaskEngine(client).workers_on_this_machine()
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=":0") as here:
        assert not DaskEngine(here).workers_on_this_machine()  # this process: nothing to map


@pytest.mark.parametrize("module, writer, what", [
    ("pipeline", "share_dataset", "encodings"), ("partitions", "share_keys", "blocking keys")])
def test_a_full_disk_while_sharing_is_one_error_and_leaves_nothing(pair, cluster, tmp_path,
                                                                   monkeypatch, module, writer,
                                                                   what):
    """The rows (written beside the plan) or the key columns (after it) find no room."""
    import errno
    import importlib

    from linkcore.errors import OutputError

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(importlib.import_module(f"linkcore.linkage.{module}"), writer, full)
    _, client = cluster
    with pytest.raises(OutputError, match=rf"{what} .*\(No space left on device\)"):
        link(*pair, engine="dask", client=client, mapped_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_link_many_clusters_on_a_cluster_are_the_local_ones(cluster):
    encoded, _, _, _ = synthetic(700, 13, agencies=3)
    local = link_many(encoded)
    on_dask = link_many(encoded, engine="dask", client=cluster[1])
    pd.testing.assert_frame_equal(local.clusters, on_dask.clusters, check_exact=True)


def test_a_run_on_a_cluster_left_with_no_workers_stops_with_one_error(monkeypatch):
    """Regression: with every worker gone mid-run, the scheduler held the tasks and `link`
    waited forever; now the wait stops once no worker has been there for a while."""
    from linkcore import engines
    from linkcore.errors import ClusterError

    monkeypatch.setattr(engines, "NO_WORKERS_SECONDS", 0.5)
    monkeypatch.setattr(engines, "POLL_SECONDS", 0.1)
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cl, \
            distributed.Client(cl) as client:
        engine = engines.DaskEngine(client)
        handles = [engine.submit(abs, -k) for k in range(3)]
        with pytest.raises(ClusterError, match="the dask cluster has had no workers for 0.5 s"):
            engine.gather(handles)


def test_gather_reports_every_task_done_once(cluster, monkeypatch):
    from linkcore import engines

    monkeypatch.setattr(engines, "POLL_SECONDS", 0.05)
    engine = engines.DaskEngine(cluster[1])
    done = []
    handles = [engine.submit(abs, -k) for k in range(20)]
    assert engine.gather(handles, done.append) == list(range(20))
    assert sum(done) == 20


def test_a_task_longer_than_the_stall_limit_is_not_stopped(cluster, monkeypatch):
    """A worker busy with one long task is progress: only a cluster that runs nothing stalls."""
    import time

    from linkcore import engines

    monkeypatch.setattr(engines, "STALL_SECONDS", 0.3)
    monkeypatch.setattr(engines, "POLL_SECONDS", 0.1)
    engine = engines.DaskEngine(cluster[1])
    assert engine.gather([engine.submit(time.sleep, 1.5)]) == [None]
