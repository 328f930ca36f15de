"""Deduplication and link-and-dedupe: pairs i < j only, within-file counts, clusters, estimates."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keybytes import key_bytes

from linkcore.errors import IncompatibleDatasetsError, ParameterError
from linkcore.evaluate import cluster_metrics
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.dedupe import cluster_pairs, dedupe, link_and_dedupe, pool
from linkcore.linkage.exact_u import count_equal_pairs, equal_filter_pairs
from linkcore.linkage.pipeline import random_pairs
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts, truth_clusters

SECRET = Secret(key_bytes("d"))


@functools.lru_cache(maxsize=2)
def agencies(people: int = 900, seed: int = 3, n: int = 3, secret: Secret = SECRET):
    """Encoded extracts of ``n`` agencies with many duplicates, and the true clusters."""
    pop = generate_population(people, seed)
    profile = get_profile("moderate").with_rates(duplicate=0.08)
    res = generate_extracts(pop, n, 0.5, profile, seed)
    schema, mapping, _ = suggest_schema(res.extracts[0])
    encoded = [encode(res.extracts[0], schema, secret, mapping)]
    for extract in res.extracts[1:]:
        encoded.append(encode(extract, schema, secret, suggest_mapping(extract, schema)[0]))
    names = [str(i + 1) for i in range(n)]
    return encoded, truth_clusters(res.keys, names), names


# --------------------------------------------------------------------------- pair counting


def test_random_pairs_within_never_pair_a_record_with_itself():
    left, right = random_pairs(500, 500, 10_000, 1, within=True)
    assert left.size == 10_000 and (left < right).all() and right.max() < 500
    # few records: every pair i < j exactly once
    left, right = random_pairs(6, 6, 10_000, 1, within=True)
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == list(
        itertools.combinations(range(6), 2))


def test_within_counts_are_pairs_i_less_than_j():
    keys = np.array([5, 5, 5, 0, 7, 7, 9], dtype=np.uint64)
    # value 5: 3 records -> 3 pairs; value 7: 1 pair; 0 is missing, 9 alone
    assert count_equal_pairs(keys, keys, within=True) == 4
    assert count_equal_pairs(keys, keys) == 9 + 4 + 1
    left, right, share = equal_filter_pairs(keys, keys, 100, np.random.default_rng(0),
                                            within=True)
    assert share == 1.0
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2),
                                                                      (4, 5)]


# --------------------------------------------------------------------------- clustering


def test_checked_clustering_needs_the_within_agency_pair_itself():
    source = np.array([0, 0, 1])  # records 0 and 1 of agency 0, record 2 of agency 1
    left, right, prob = np.array([0, 1]), np.array([2, 2]), np.array([0.9, 0.8])
    # each of agency 0's records resembles agency 1's record, but not each other
    assert cluster_pairs(left, right, prob, source, "checked").tolist() == [0, 1, 0]
    assert cluster_pairs(left, right, prob, source, "components").tolist() == [0, 0, 0]
    # with their own accepted pair, the duplicate joins
    left2, right2, prob2 = np.array([0, 1, 0]), np.array([2, 2, 1]), np.array([0.9, 0.8, 0.7])
    assert cluster_pairs(left2, right2, prob2, source, "checked").tolist() == [0, 0, 0]
    # one record per agency, whatever the evidence
    assert cluster_pairs(left2, right2, prob2, source, "one-per-agency").tolist() == [0, 1, 0]
    with pytest.raises(ParameterError, match="clustering"):
        cluster_pairs(left, right, prob, source, "magic")


# --------------------------------------------------------------------------- dedupe


def test_dedupe_one_file_scores_each_pair_once_and_finds_duplicates():
    encoded, truth, _ = agencies()
    ds = encoded[0]
    result = dedupe(ds, names=["1"])
    n = len(ds)
    pairs = result.pairs
    assert (pairs["id_a"] != pairs["id_b"]).all()  # never a record with itself
    key = pairs[["id_a", "id_b"]].apply(lambda r: tuple(sorted(r)), axis=1)
    assert not key.duplicated().any()  # never a pair twice
    assert result.candidate_stats["union"] <= n * (n - 1) // 2
    # λ is the matches over n(n-1)/2 pairs, not n²
    lam = result.model.lambda_
    matches = result.model.training["lambda"]["estimated_matches"]
    assert lam == pytest.approx(matches / (n * (n - 1) / 2), rel=1e-6)
    own = truth[truth["agency"] == "1"]
    m = cluster_metrics(result.clusters, own)
    assert m.within.tp > 0 and m.within.recall > 0.8 and m.within.precision > 0.9
    # the estimates count pairs of records once: about as many matches as true duplicates
    true_pairs = m.within.tp + m.within.fn
    assert result.quality["expected_matches"] == pytest.approx(true_pairs, rel=0.3)
    assert 0.8 < result.quality["precision"] <= 1 and 0.8 < result.quality["recall"] <= 1


def test_link_and_dedupe_keeps_within_agency_duplicates_together():
    encoded, truth, names = agencies()
    result = link_and_dedupe(encoded, names=names)
    cl = result.clusters
    assert list(cl.columns) == ["agency", "id", "cluster"]
    assert len(cl) == sum(len(d) for d in encoded)
    assert set(result.pairs["agency_a"]) <= set(names)
    m = cluster_metrics(cl, truth)
    assert m.pairwise.f1 > 0.95 and m.within.f1 > 0.9 and m.across.f1 > 0.95
    assert m.bcubed_f1 > 0.95 and m.exact_share > 0.9
    # several records of one agency in a cluster when the evidence says so
    assert cl.duplicated(["cluster", "agency"]).any()
    # one record per agency loses exactly those duplicates
    strict = link_and_dedupe(encoded, names=names, clustering="one-per-agency")
    assert not strict.clusters.duplicated(["cluster", "agency"]).any()
    assert cluster_metrics(strict.clusters, truth).within.recall == 0.0


def test_link_and_dedupe_refuses_bad_input():
    encoded, _, _ = agencies()
    with pytest.raises(ParameterError, match="twice"):
        link_and_dedupe([encoded[0], encoded[1], encoded[0]])
    with pytest.raises(ParameterError, match="agency name"):
        link_and_dedupe(encoded[:2], names=["x", "x"])
    with pytest.raises(ParameterError, match="one name per file"):
        link_and_dedupe(encoded[:2], names=["x"])
    other = agencies(secret=Secret(key_bytes("e")))[0]
    with pytest.raises(IncompatibleDatasetsError, match="keys"):
        link_and_dedupe([encoded[0], other[1]])


def test_pool_keeps_every_record_and_its_file():
    encoded, _, _ = agencies()
    pooled, source = pool(encoded)
    assert len(pooled) == sum(len(d) for d in encoded)
    assert np.bincount(source).tolist() == [len(d) for d in encoded]
    for f in encoded[1].fields:
        start = len(encoded[0])
        assert (pooled.fields[f][start:start + len(encoded[1])] == encoded[1].fields[f]).all()


def test_pool_files_reads_paths_one_at_a_time_into_the_same_pool(tmp_path, monkeypatch):
    import gc
    import weakref

    from linkcore.linkage import dedupe as dedupe_module

    encoded, _, _ = agencies()
    paths = []
    for i, ds in enumerate(encoded):
        paths.append(tmp_path / f"{i}.linkcore.parquet")
        ds.write(paths[-1])
    expected, expected_source = pool(encoded)
    read_whole = dedupe_module.read_any
    alive = []

    def read_one(path, **kwargs):  # no file read earlier may still be held
        gc.collect()
        assert all(ref() is None for ref in alive)
        ds = read_whole(path, **kwargs)
        alive.append(weakref.ref(ds))
        return ds

    monkeypatch.setattr(dedupe_module, "read_any", read_one)
    got = dedupe_module.pool_files([paths[0], encoded[1], paths[2]])
    assert len(alive) == 2  # the two paths, each read whole once
    assert got.sizes == [len(d) for d in encoded]
    assert (got.source == expected_source).all()
    assert (got.record_ids == np.concatenate([d.record_ids for d in encoded])).all()
    assert (got.dataset.record_ids == expected.record_ids).all()
    assert (got.dataset.missing == expected.missing).all()
    for f in expected.fields:
        assert (got.dataset.fields[f] == expected.fields[f]).all()
    for k in expected.blocking_keys:
        assert (got.dataset.blocking_keys[k] == expected.blocking_keys[k]).all()
    assert got.dataset.meta == expected.meta


def test_pool_files_refuses_a_file_that_changed_between_its_check_and_its_read(tmp_path,
                                                                             monkeypatch):
    from linkcore.errors import DatasetError
    from linkcore.linkage import dedupe as dedupe_module

    encoded, _, _ = agencies()
    paths = [tmp_path / f"{i}.linkcore.parquet" for i in range(2)]
    for ds, path in zip(encoded, paths, strict=False):
        ds.write(path)
    read_whole = dedupe_module.read_any
    monkeypatch.setattr(dedupe_module, "read_any",
                        lambda path, **kw: read_whole(path, **kw).subset(slice(0, 10)))
    with pytest.raises(DatasetError, match="changed while it was read"):
        dedupe_module.pool_files(paths)


def written(folder, encoded, names) -> list:
    """Write each agency's encoded file into ``folder``; return the paths, in order."""
    paths = [folder / f"{name}.linkcore.parquet" for name in names]
    for ds, path in zip(encoded, paths, strict=True):
        ds.write(path)
    return paths


def test_link_and_dedupe_gives_the_same_from_paths_as_from_datasets(tmp_path):
    encoded, _, names = agencies()
    paths = written(tmp_path, encoded, names)
    from_objects = link_and_dedupe(encoded, names=names, blocking_recall_budget=0)
    from_paths = link_and_dedupe(paths, blocking_recall_budget=0)
    assert from_paths.clusters.equals(from_objects.clusters)
    assert from_paths.pairs.equals(from_objects.pairs)
    assert from_paths.model.to_dict() == from_objects.model.to_dict()


def test_link_and_dedupe_with_mapped_filters_gives_the_same_result(tmp_path):
    from linkcore.linkage import dedupe as dedupe_module
    from linkcore.mapped import is_mapped

    encoded, _, names = agencies()
    paths = written(tmp_path, encoded, names)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    pooled = dedupe_module.pool_files([paths[0], encoded[1], paths[2]], mapped_dir=scratch)
    assert all(is_mapped(a) for a in pooled.dataset.fields.values())
    expected, _ = pool(encoded)
    for f in expected.fields:
        assert (pooled.dataset.fields[f] == expected.fields[f]).all()
    del pooled
    in_memory = link_and_dedupe(paths, blocking_recall_budget=0, partitions=2)
    mapped = link_and_dedupe(paths, blocking_recall_budget=0, partitions=2, mapped_dir=scratch)
    assert mapped.clusters.equals(in_memory.clusters)
    assert mapped.pairs.equals(in_memory.pairs)
    assert mapped.model.to_dict() == in_memory.model.to_dict()
    assert not list(scratch.iterdir())  # the scratch files have no names
    with pytest.raises(ParameterError, match="not a directory"):
        link_and_dedupe(paths, mapped_dir=tmp_path / "absent")


def test_truth_clusters_has_every_record_once():
    _, truth, names = agencies()
    assert not truth.duplicated(["agency", "id"]).any()
    assert set(truth["agency"]) == set(names)
    assert isinstance(truth, pd.DataFrame)


def test_pooled_files_may_hold_more_matches_than_records():
    # four agencies holding nearly the same people: about 6 pairs per person, more than records
    pop = generate_population(500, 4)
    res = generate_extracts(pop, 4, 0.9, "clean", 4)
    schema, mapping, _ = suggest_schema(res.extracts[0])
    encoded = [encode(x, schema, SECRET, mapping if i == 0 else suggest_mapping(x, schema)[0])
               for i, x in enumerate(res.extracts)]
    truth = truth_clusters(res.keys, ["1", "2", "3", "4"])
    sizes = truth.groupby("cluster").size().to_numpy()
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    assert true_pairs > len(truth)
    result = link_and_dedupe(encoded, names=["1", "2", "3", "4"], blocking_recall_budget=0)
    estimated = result.model.training["lambda"]["estimated_matches"]
    assert estimated > len(truth) and estimated == pytest.approx(true_pairs, rel=0.2)


def _checked_reference(left, right, prob, source, n):
    """The checked clustering in plain Python (the compiled one must give its partition)."""
    accepted = set((np.minimum(left, right) * n + np.maximum(left, right)).tolist())
    label = list(range(n))
    for k in np.lexsort((right, left, -prob)).tolist():
        a, b = label[int(left[k])], label[int(right[k])]
        if a == b:
            continue
        ma = [x for x in range(n) if label[x] == a]
        mb = [y for y in range(n) if label[y] == b]
        if any(source[x] == source[y] and min(x, y) * n + max(x, y) not in accepted
               for x in ma for y in mb):
            continue
        for y in mb:
            label[y] = a
    return np.unique(label, return_inverse=True)[1]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                       st.sampled_from([0.5, 0.6, 0.9, 0.99])), max_size=30),
    st.lists(st.integers(0, 2), min_size=n, max_size=n))))
def test_checked_clustering_equals_the_plain_reference(case):
    n, edges, source = case
    edges = [(a, b, p) for a, b, p in edges if a != b]
    left = np.array([e[0] for e in edges], np.int64)
    right = np.array([e[1] for e in edges], np.int64)
    prob = np.array([e[2] for e in edges], float)
    source = np.array(source, np.int64)
    got = cluster_pairs(left, right, prob, source, "checked")
    want = _checked_reference(left, right, prob, source, n)
    # the same partition: each label of one maps to one label of the other
    assert len(set(zip(got.tolist(), want.tolist(), strict=True))) == len(set(got.tolist())) \
        == len(set(want.tolist()))


class _Slots:
    """An engine with several slots that runs every task at once (as the local engine does)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def slots(self) -> list[int]:
        return list(range(self.n))

    def put(self, fn, *args, where=None):
        assert where in range(self.n)
        return fn(*args)

    def gather(self, handles):
        return list(handles)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 14).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                       st.sampled_from([0.5, 0.6, 0.9, 0.99])), max_size=30),
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.sampled_from(["checked", "components", "one-per-agency"]),
    st.integers(1, 5))))
def test_clusters_made_per_component_on_several_workers_are_the_same(case):
    """PairStages.cluster splits the pairs by component over the slots: the same labels."""
    from types import SimpleNamespace

    from linkcore.linkage.partitions import PairStages

    n, edges, source, method, workers = case
    edges = [(min(a, b), max(a, b), p) for a, b, p in edges if a != b]
    left = np.array([e[0] for e in edges], np.int64)
    right = np.array([e[1] for e in edges], np.int64)
    prob = np.array([e[2] for e in edges], float)
    source = np.array(source, np.int64)
    want = cluster_pairs(left, right, prob, source, method)
    stages = SimpleNamespace(engine=_Slots(workers))
    got = PairStages.cluster(stages, left, right, prob, source, method)
    assert got.tolist() == want.tolist()


def test_accepted_pairs_that_look_like_twins_are_counted_and_said():
    """Twins (same surname, date of birth and address, another first name) are accepted as one
    person: the result counts such pairs, and the command line says so in one line."""
    pop = generate_population(600, 5)
    extract = generate_extracts(pop, 2, 1.0, get_profile("clean"), 5).extracts[0]
    rng = np.random.default_rng(5)
    rows = rng.choice(len(extract), 40, replace=False)
    twins = extract.iloc[rows].copy()
    names = extract["given_name"].dropna().unique()
    twins["given_name"] = [next(n for n in rng.permutation(names) if n[0] != old[0])
                           for old in twins["given_name"].fillna("X")]
    twins["rec_id"] = [f"T{i:05d}" for i in range(len(twins))]
    twins[["middle_name", "ni_number"]] = None
    with_twins = pd.concat([extract, twins], ignore_index=True)
    schema, mapping, _ = suggest_schema(with_twins)
    result = dedupe(encode(with_twins, schema, SECRET, mapping), names=["1"])
    like = result.twin_like
    assert like.date_field == "date_of_birth" and like.name_field == "first_name"
    added = set(twins["rec_id"])
    twin_pairs = int((result.pairs["id_a"].isin(added) | result.pairs["id_b"].isin(added)).sum())
    assert twin_pairs >= 20  # the weakness itself: most are accepted as one person
    assert like.pairs >= 0.8 * twin_pairs  # a random other first name may share bigrams
    assert result.summary()["pairs_like_twins"]["pairs"] == like.pairs
    message = like.message()
    assert "\n" not in message and f"{like.pairs:,} accepted pair(s)" in message
