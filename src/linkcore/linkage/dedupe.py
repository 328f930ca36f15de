"""Deduplication and link-and-dedupe: one file, or several files pooled, pairs i < j only.

    dedupe(a) / link_and_dedupe([a, b, c, ...]) -> DedupeResult
        1. read the files and refuse incompatible ones (as ``link``); pool their records into
           one encoded set of N records (each remembers its file: its *agency*)
        2. candidate pairs by the same blocking rules, keeping only pairs i < j: a record is
           never paired with itself and a pair is never listed twice
        3. comparison levels, unsupervised training and scoring with the same machinery as
           ``link``, told that the two sides are one file (``within=True``): u from random
           pairs of distinct records, training blocks of pairs i < j, λ = matches / (N(N-1)/2)
        4. pairs at or above the threshold; clusters (see CLUSTERINGS)
        5. model-based precision and recall of the pairs at the threshold, each pair counted
           once (blocking recall included, estimated by scoring sampled records against all)

This is Splink's ``dedupe_only`` (one file) and ``link_and_dedupe`` (several): within-file and
cross-file pairs are scored by one model. ``link_many`` (several files, pairs across files only,
one record per file and person) stays as it was.
"""

from __future__ import annotations

import dataclasses
import os
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkcore.dataset import EncodedDataset, check_compatible, read_any, read_head
from linkcore.errors import (
    DatasetError,
    IncompatibleDatasetsError,
    ParameterError,
    looks_like_key,
    refuse_one_string,
)
from linkcore.linkage import resolve as _resolve
from linkcore.linkage.blocking import (
    BlockingSpec,
    RuleStats,
    _CodeUnion,
    _parse_rules,
    plan_blocking,
    rule_stats,
)
from linkcore.linkage.blocking_recall import (
    DEFAULT_BUDGET,
)
from linkcore.linkage.compare import DEFAULT_CHUNK_SIZE, comparisons_for
from linkcore.linkage.model import FellegiSunterModel
from linkcore.linkage.partitions import PairStages
from linkcore.linkage.pipeline import (
    DEFAULT_U_PAIRS,
    DatasetLike,
    ExactDependence,
    FittedScoring,
    _check_options,
    _check_seed,
    _json_float,
    _model_comparisons,
    _quality,
    blocking_recall_of_stages,
    fit_and_score,
    pair_engine,
    refuse_repeated_inputs,
    run_pair_cells,
    with_blocking_recall,
)
from linkcore.linkage.salt import SaltDependence
from linkcore.linkage.twins import TwinLikePairs, twin_like_pairs
from linkcore.mapped import check_mapped_dir, new_words, release, release_datasets

#: On dask, the pooled records are cut into one range more than ``link``'s default
#: (MIN_DASK_PARTITIONS or one per worker): the cells p <= q of P = W ranges cannot be dealt
#: evenly to W = 2 workers (3/4 of the pairs to one), P = W + 1 nearly can (5/9). 10^6 pooled
#: records on 2 workers: 72.1 s with 2 ranges, 61.2 s with 3, 69.4 s with 4, against 62.4 s
#: on the local engine (benchmarks/dedupe_scale.py, docs/scale.md).
DASK_EXTRA_PARTITIONS = 1

#: How accepted pairs become clusters (``clustering=``); "checked" is the default.
#: - checked: pairs joined most probable first; two records of one agency end in one cluster
#:   only if their own pair is accepted (a within-agency duplicate needs its own evidence).
#: - components: connected components of the accepted pairs (Splink's default).
#: - one-per-agency: at most one record per agency (``link_many``'s rule); no duplicates.
CLUSTERINGS = _resolve.CLUSTER_METHODS

PAIR_COLUMNS = ("agency_a", "id_a", "agency_b", "id_b", "probability", "match_weight")


@dataclass
class DedupeResult:
    """Clusters (agency, id, cluster), accepted pairs, the model and the estimates."""

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    model: FellegiSunterModel
    quality: dict[str, float]
    candidate_stats: dict[str, Any]
    timings: dict[str, float]
    threshold: float
    clustering: str
    agencies: tuple[str, ...]
    sizes: tuple[int, ...]
    dependence: ExactDependence | None = field(default=None, repr=False)
    salt: SaltDependence | None = field(default=None, repr=False)
    #: accepted pairs with the date of birth equal and the first name wholly different
    twin_like: TwinLikePairs | None = field(default=None, repr=False)

    @property
    def n_clusters(self) -> int:
        """Number of clusters (records without accepted pairs are clusters of their own)."""
        return int(self.clusters["cluster"].nunique()) if len(self.clusters) else 0

    def summary(self) -> dict[str, Any]:
        """Sizes, candidates, training, pairs, clusters and estimated quality (JSON-ready)."""
        em = self.model.em_result
        within = (self.pairs["agency_a"] == self.pairs["agency_b"]).to_numpy()
        return {
            "agencies": dict(zip(self.agencies, self.sizes, strict=True)),
            "blocking": self.candidate_stats,
            "em": None if em is None else em.to_dict(),
            "threshold": self.threshold,
            "clustering": self.clustering,
            "pairs": int(len(self.pairs)),
            "pairs_within_agency": int(within.sum()),
            "clusters": self.n_clusters,
            "estimated_quality": {k: _json_float(v) for k, v in self.quality.items()},
            "pairs_like_twins": None if self.twin_like is None else self.twin_like.to_dict(),
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }


# --------------------------------------------------------------------------- pooling


#: The longest agency name: it is part of a release file's name (``release_<name>.csv``).
MAX_AGENCY_NAME = 64


def folded_name(name: str) -> str:
    """Return an agency name with capitals, accents and character forms folded away.

    Two names equal here are one release file where case is ignored or accents normalised, or
    two names a reader could take for one: capitals, accents (composed or not, or left out:
    ``bénéfits`` and ``benefits``) and compatibility forms (a no-break space, a ligature) all
    fold alike.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare).casefold()


def _name_flaw(name: str) -> str:
    """Say what keeps ``name`` from naming a release file, or return "" if nothing does."""
    if not name:
        return "is empty"
    if name in (".", ".."):
        return "is '.' or '..'"
    if name != name.strip():
        return "has a space at either end"
    if any(c in name for c in "/\\"):
        return "holds a slash"
    if any(c in name for c in '<>:"|?*'):
        return ('holds one of < > : " | ? * (a file name on Windows or a network share cannot '
                "hold them)")
    if folded_name(name) == "people":
        return "is 'people', the name of the shared-counts table's count column"
    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")
           for c in name):
        return ("holds an invisible or control character (a tab, a line break, a byte-order "
                "mark, a direction mark)")
    return ""


def agency_names(datasets: Sequence[DatasetLike], names: Sequence[str] | None) -> list[str]:
    """Each file's agency name: ``names`` if given, else a path's name stem, else 1, 2, ..."""
    if names is not None:
        refuse_one_string(names, "names")
        out = [str(n) for n in names]
        if len(out) != len(datasets):
            raise ParameterError(f"{len(out)} agency name(s) for {len(datasets)} file(s); "
                                 "give one name per file")
    else:
        out = [_stem(ds) if isinstance(ds, str | os.PathLike) else str(i + 1)
               for i, ds in enumerate(datasets)]
        # a file name that cannot name an agency (too long, odd characters) was not chosen as
        # one: such a file goes by its position, as a dataset given as an object does
        out = [n if not (_name_flaw(n) or len(n) > MAX_AGENCY_NAME or looks_like_key(n))
               else str(i + 1) for i, n in enumerate(out)]
    for i, n in enumerate(out):
        flaw = _name_flaw(n)
        if flaw:
            raise ParameterError(f"agency name {i + 1} {flaw}; give plain names")
    # names become release files' names: a long one cannot be written, one like a key is not
    # a name linkcore writes a file under
    odd = [i + 1 for i, n in enumerate(out) if len(n) > MAX_AGENCY_NAME or looks_like_key(n)]
    if odd:
        raise ParameterError(f"agency name {odd[0]} is longer than {MAX_AGENCY_NAME} "
                             "characters or looks like key material (not shown); give plain "
                             "names (--agency-names; names= in Python)")
    if len(set(out)) != len(out):
        raise ParameterError("two files have the same agency name; name them with "
                             "--agency-names (names= in Python), one name per file")
    # release_<name>.csv must not collide on a file system that ignores case or normalises
    # accents (release_A.csv and release_a.csv are one file there)
    if len({folded_name(n) for n in out}) != len(out):
        raise ParameterError("two agency names differ only in capitals or accents, so their "
                             "release files could be one file or be taken for one; give names "
                             "that differ otherwise (--agency-names; names= in Python)")
    return out


def _stem(path: str | os.PathLike[str]) -> str:
    """File name without the encoded-file suffixes (a.linkcore.parquet -> a)."""
    name = Path(path).name
    for suffix in (".linkcore.parquet", ".parquet", ".pq", ".json"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return Path(path).stem


@dataclass
class Pooled:
    """Several files' records as one dataset (ids are row numbers), and where each row came from."""

    dataset: EncodedDataset
    source: np.ndarray  # each row's file index
    record_ids: np.ndarray  # each row's record id in its own file
    sizes: list[int]


@dataclass
class _Head:
    """A file checked before it is read whole: its rows (none yet if read by path), its size."""

    data: EncodedDataset
    count: int
    label: str
    path: str | os.PathLike[str] | None  # read again, whole, when the pool is filled


def _head(ds: DatasetLike, which: str) -> _Head:
    if isinstance(ds, EncodedDataset):
        return _Head(ds, len(ds), which, None)
    if isinstance(ds, str | os.PathLike):
        head, count = read_head(ds)
        return _Head(head, count, f"{which} ({Path(ds).name})", None if len(head) == count else ds)
    raise ParameterError(f"{which} must be an EncodedDataset or a file path, not "
                         f"{type(ds).__name__} (encode a table first; dedupe takes one dataset, "
                         "link_and_dedupe a list of them)")


def pool_files(datasets: Sequence[DatasetLike],
               mapped_dir: str | os.PathLike[str] | None = None,
               labels: Sequence[str] | None = None) -> Pooled:
    """Pool every file's records into one dataset, refusing incompatible files first.

    Files given by path are checked by their metadata, then read whole one at a time into the
    pooled arrays, so the process holds the pool and one file, never every file and the pool.
    ``mapped_dir``: the pool's filter columns (and those of each file while it is read) live in
    memory-mapped scratch files in that folder (linkcore/mapped.py), for pools larger than
    memory. ``labels``: how messages name the files (default: dataset 1, 2, ...).
    """
    datasets = list(datasets)
    refuse_repeated_inputs(datasets)
    labels = [f"dataset {i + 1}" for i in range(len(datasets))] if labels is None else \
        list(labels)
    heads = [_head(ds, labels[i]) for i, ds in enumerate(datasets)]
    for i in range(1, len(heads)):
        check_compatible(heads[0].data, heads[i].data, (heads[0].label, heads[i].label))
    first = heads[0].data
    sizes = [h.count for h in heads]
    n = sum(sizes)

    def like(a: np.ndarray) -> np.ndarray:
        return np.empty((n, *a.shape[1:]), a.dtype)

    def words_like(a: np.ndarray) -> np.ndarray:
        return new_words(n, a.shape[1], mapped_dir) if a.dtype == np.uint64 else like(a)

    fields = {k: words_like(v) for k, v in first.fields.items()}
    blocks = {k: like(v) for k, v in first.blocking_keys.items()}
    missing = like(first.missing)
    clk = None if first.clk is None else words_like(first.clk)
    record_ids = np.empty(n, dtype=object)
    start = 0
    for h in heads:
        ds = h.data if h.path is None else read_any(h.path, mapped_dir=mapped_dir)
        if len(ds) != h.count:
            raise DatasetError(f"{h.label} changed while it was read; give files that stay as "
                               "they are during the run")
        check_compatible(first, ds, (heads[0].label, h.label))
        targets = [*fields.values(), *blocks.values(), missing, clk, record_ids]
        _copy_rows(targets, ds, slice(start, start + len(ds)), (heads[0].label, h.label))
        start += len(ds)
        del ds
        release(*fields.values(), clk)  # mapped: the rows written need not stay in memory
    _refuse_copies(sizes, record_ids, fields, labels)
    ids = np.array([str(i) for i in range(n)], dtype=object)
    meta = dataclasses.replace(first.meta, record_count=n)
    pooled = EncodedDataset(ids, fields, missing, clk, blocks, meta, schema=first.schema)
    source = np.repeat(np.arange(len(heads)), sizes)
    return Pooled(pooled, source, record_ids, sizes)


def _refuse_copies(sizes: Sequence[int], record_ids: np.ndarray,
                   fields: dict[str, np.ndarray], labels: Sequence[str]) -> None:
    """Refuse two pooled files that hold the same records (one file given twice, two ways)."""
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    rows = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    for i in range(len(rows)):
        for j in range(i):
            if sizes[i] == sizes[j] > 0 \
                    and np.array_equal(record_ids[rows[i]], record_ids[rows[j]]) \
                    and all(np.array_equal(f[rows[i]], f[rows[j]]) for f in fields.values()):
                first, second = (x.removeprefix("dataset ") for x in
                                 sorted((labels[j], labels[i]), key=_label_order))
                raise ParameterError(
                    f"datasets {first} and {second} hold the same records (the same ids and "
                    "encodings): give each file once")


def _label_order(label: str) -> tuple[int, str]:
    """Sort key of a file's label: ``dataset 2`` before ``dataset 10``."""
    number = label.removeprefix("dataset ")
    return (int(number), label) if number.isdigit() else (0, label)


def _copy_rows(targets: list[np.ndarray | None], ds: EncodedDataset, rows: slice,
               labels: tuple[str, str]) -> None:
    """Copy a file's arrays into the pool's ``rows`` (targets in pool_files' order)."""
    given = [*ds.fields.values(), *ds.blocking_keys.values(), ds.missing, ds.clk, ds.record_ids]
    for target, part in zip(targets, given, strict=True):
        if target is None:
            continue
        if target.shape[1:] != part.shape[1:]:
            raise IncompatibleDatasetsError(f"{labels[0]} and {labels[1]} hold filters of "
                                            "different lengths; encode both the same way")
        target[rows] = part


def pool(datasets: Sequence[DatasetLike],
         mapped_dir: str | os.PathLike[str] | None = None) -> tuple[EncodedDataset, np.ndarray]:
    """One dataset of every file's records (ids are row numbers) and each row's file index."""
    pooled = pool_files(datasets, mapped_dir)
    return pooled.dataset, pooled.source


def max_matches(sizes: Sequence[int]) -> int:
    """Most matching pairs that pooled files can hold if each file holds a person about once.

    Across files i < j at most min(n_i, n_j) pairs each; within a file one duplicate pair per
    record is already generous (a duplicate rate of 100 %).
    """
    across = sum(min(a, b) for k, a in enumerate(sizes) for b in sizes[k + 1:])
    return int(across + sum(sizes))


# --------------------------------------------------------------------------- candidates


def within_candidates(ds: EncodedDataset, blocking: BlockingSpec = "auto"
                      ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Candidate pairs i < j of one (pooled) dataset by the blocking rules, with statistics.

    Each rule runs on the file against itself; its pairs with i >= j (a record with itself,
    or the second copy of a pair) are dropped before counting.
    """
    n = len(ds)
    rules = _parse_rules(blocking, ds, ds)
    stats: list[RuleStats] = []
    union = _CodeUnion()
    for rule in rules:
        t0 = time.perf_counter()
        codes, details = rule.codes(ds, ds) if n else (np.zeros(0, np.int64), {})
        codes = codes[codes // max(n, 1) < codes % max(n, 1)]
        union.add(codes)
        stats.append(RuleStats(rule.name, int(codes.size), time.perf_counter() - t0, details))
    codes = union.result()
    left, right = (codes // n, codes % n) if n else (codes, codes)
    total = n * (n - 1) // 2
    return left, right, {
        "n": n,
        "rules": [r.to_dict() for r in stats],
        "union": int(codes.size),
        "reduction_ratio": 1.0 - codes.size / total if total else 1.0,
    }


# --------------------------------------------------------------------------- clustering


def cluster_pairs(left: np.ndarray, right: np.ndarray, prob: np.ndarray, source: np.ndarray,
                  method: str = "checked", tie_rank: np.ndarray | None = None) -> np.ndarray:
    """Cluster label (0..k-1) of every record from accepted pairs ``(left, right, prob)``.

    ``source``: each record's agency (file index). Labels are numbered in record order (the
    cluster of record 0 is 0, the next new cluster 1, ...). See CLUSTERINGS for the methods;
    ``PairStages.cluster`` gives the same labels from whole components clustered apart.
    ``tie_rank`` (``resolve.tie_order``): break ties by it rather than by record number.
    """
    if tie_rank is not None:
        ranked_source = np.empty_like(source)
        ranked_source[tie_rank] = source
        ranked = cluster_pairs(tie_rank[left], tie_rank[right], prob, ranked_source, method)
        return _resolve.relabel_from_ranked(ranked, tie_rank)
    return _resolve.cluster_labels(_resolve.cluster_roots(left, right, prob, source, method))


# --------------------------------------------------------------------------- entry points


def dedupe(dataset: DatasetLike, **options: Any) -> DedupeResult:
    """Find the records of one encoded file that belong to the same person (no labels)."""
    return link_and_dedupe([dataset], **options)


def link_and_dedupe(
    datasets: Sequence[DatasetLike],
    *,
    names: Sequence[str] | None = None,
    threshold: float = 0.5,
    clustering: str = "checked",
    blocking: BlockingSpec = "auto",
    model: FellegiSunterModel | None = None,
    include_clk: bool = False,
    u_pairs: int = DEFAULT_U_PAIRS,
    em_max_iter: int = 200,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    dependence_correction: bool = True,
    blocking_recall_budget: int = DEFAULT_BUDGET,
    on_stage: Callable[[str, dict[str, Any]], None] | None = None,
    engine: str = "local",
    client: Any = None,
    partitions: int | None = None,
    progress: bool = False,
    mapped_dir: str | os.PathLike[str] | None = None,
) -> DedupeResult:
    """Link one or more encoded files and find duplicates within each, in one model.

    Every pair of distinct records is a possible match, within a file or across files (pairs
    i < j of the pooled records). ``names``: each file's agency name (default: a path's name
    stem, else 1, 2, ...). ``clustering``: see CLUSTERINGS. The pair stages run over a grid of
    ``partitions`` row ranges of the pooled records (the cells p <= q; by default 1 locally,
    see DASK_EXTRA_PARTITIONS on dask), in this process or on dask.distributed, as ``link``'s
    do, with the same result bit for bit whatever the engine and the partitions; the clusters
    are formed in this process. ``mapped_dir``: the pooled filter columns live in
    memory-mapped scratch files in that folder (see ``pool_files``), and each cell's candidate
    pairs and levels once made (on the workers too: the folder must exist at that path on
    every worker); on dask, also where the pool is written for workers on this machine. The
    other options are ``link``'s.
    """
    threshold = _check_options(threshold, "none", engine)
    seed = _check_seed(seed)
    if clustering not in CLUSTERINGS:
        raise ParameterError(f"unknown clustering {clustering!r}; choose one of "
                             f"{', '.join(CLUSTERINGS)}")
    if not isinstance(blocking_recall_budget, int) or blocking_recall_budget < 0:
        raise ParameterError("blocking_recall_budget must be a whole number, 0 or more")
    if not isinstance(u_pairs, int) or u_pairs < 1:
        raise ParameterError("u_pairs must be a positive whole number")
    if partitions is not None and (not isinstance(partitions, int) or partitions < 1):
        raise ParameterError("partitions must be a whole number, 1 or more")
    if mapped_dir is not None:
        check_mapped_dir(mapped_dir)
    if isinstance(datasets, str | bytes | os.PathLike | EncodedDataset) or not isinstance(
            datasets, Iterable):
        raise ParameterError("datasets must be a list of EncodedDatasets or file paths")
    datasets = list(datasets)
    if not datasets:
        raise ParameterError("link_and_dedupe needs at least one dataset")
    refuse_repeated_inputs(datasets)
    if mapped_dir is not None:
        check_mapped_dir(mapped_dir, datasets)
    agencies = agency_names(datasets, names)
    timings: dict[str, float] = {}
    t_start = t0 = time.perf_counter()

    def lap(stage: str, info: dict[str, Any] | None = None, notify: bool = True) -> None:
        nonlocal t0
        release_datasets(pooled)  # mapped filters: a stage's pages are not kept past it
        now = time.perf_counter()
        timings[stage] = now - t0
        t0 = now
        if on_stage is not None and notify:
            on_stage(stage, info or {})

    # the files pooled in the order of their agencies' names, so that neither the model (whose
    # samples follow the pooled rows) nor a tie depends on the order they were given in
    by_name = sorted(range(len(datasets)), key=agencies.__getitem__)
    agencies = [agencies[i] for i in by_name]
    pooled_files = pool_files([datasets[i] for i in by_name], mapped_dir,
                              [f"dataset {i + 1}" for i in by_name])
    pooled, source, sizes = pooled_files.dataset, pooled_files.source, pooled_files.sizes
    lap("load", {"agencies": dict(zip(agencies, sizes, strict=True))})

    comparisons = _model_comparisons(model, comparisons_for(pooled, include_clk=include_clk),
                                     pooled.meta.schema_fingerprint)
    with pair_engine(engine, client, partitions, (None,), (pooled,), mapped_dir,
                     extra_partitions=DASK_EXTRA_PARTITIONS) as (eng, partitions, shared):
        plan = plan_blocking(pooled, pooled, blocking)
        lap("blocking", notify=False)  # the plan; its pairs are counted in the cells
        stages = PairStages.start(eng, pooled, pooled, plan, comparisons, partitions,
                                  chunk_size, shared() * 2, within=True, spill_dir=mapped_dir)
        result = _dedupe_stages(
            stages, pooled, source, sizes, comparisons, lap, on_stage,
            threshold=threshold, clustering=clustering, model=model, u_pairs=u_pairs,
            em_max_iter=em_max_iter, seed=seed, dependence_correction=dependence_correction,
            blocking_recall_budget=blocking_recall_budget, progress=progress,
            tie_ids=(pooled_files.record_ids, np.array(agencies, dtype=object)[source]))
    names_arr = np.array(agencies, dtype=object)
    ids = pooled_files.record_ids
    clusters = pd.DataFrame({"agency": names_arr[source], "id": ids, "cluster": result.labels})
    left, right, prob = result.left, result.right, result.prob
    order = np.lexsort((right, left, -prob))
    pairs = pd.DataFrame({
        "agency_a": names_arr[source[left[order]]], "id_a": ids[left[order]],
        "agency_b": names_arr[source[right[order]]], "id_b": ids[right[order]],
        "probability": prob[order], "match_weight": result.weights[order],
    })
    timings["total"] = time.perf_counter() - t_start
    fit = result.fit
    return DedupeResult(clusters, pairs, fit.model, result.quality, result.stats, timings,
                        threshold, clustering, tuple(agencies), tuple(sizes),
                        fit.dependence, fit.salt, result.twin_like)


@dataclass
class _StagesRun:
    """What the pair stages of a deduplication gave: accepted pairs, clusters, estimates."""

    left: np.ndarray
    right: np.ndarray
    prob: np.ndarray
    weights: np.ndarray
    labels: np.ndarray
    quality: dict[str, Any]
    stats: dict[str, Any]
    fit: FittedScoring
    twin_like: TwinLikePairs | None


def _dedupe_stages(stages: PairStages, pooled: EncodedDataset, source: np.ndarray,
                   sizes: list[int], comparisons: list, lap: Callable[..., None],
                   on_stage: Callable[[str, dict[str, Any]], None] | None, *, threshold: float,
                   clustering: str, model: FellegiSunterModel | None, u_pairs: int,
                   em_max_iter: int, seed: int, dependence_correction: bool,
                   blocking_recall_budget: int, progress: bool,
                   tie_ids: tuple[np.ndarray, np.ndarray] | None = None) -> _StagesRun:
    """Cells, training, scoring, blocking's recall and the clusters, over the pooled records."""
    n = len(pooled)
    total = n * (n - 1) // 2
    cells = run_pair_cells(stages, [c.n_levels for c in comparisons], progress)
    cand, n_cand = cells.candidates, cells.candidates.n_pairs
    rules = rule_stats(stages.plan, cells.rule_counts, cells.rule_seconds)
    stats = {"n": n, "rules": [r.to_dict() for r in rules], "union": int(n_cand),
             "reduction_ratio": 1.0 - n_cand / total if total else 1.0}
    if on_stage is not None:
        on_stage("blocking", stats)
    lap("compare", cells.info())
    fit = fit_and_score(stages, pooled, pooled, cand, comparisons, lap, model=model,
                        u_pairs=u_pairs, em_max_iter=em_max_iter, seed=seed,
                        dependence_correction=dependence_correction,
                        all_pairs=n_cand == total, within=True, max_matches=max_matches(sizes))
    if fit.model.is_fitted:
        codes, prob, weights = stages.accepted(fit.scorer, threshold)
    else:
        codes, prob, weights = np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    left, right = codes // max(n, 1), codes % max(n, 1)
    twin_like = twin_like_pairs(pooled, left, right, comparisons)
    expected = float((fit.p_patterns * cand.counts).sum()) if fit.p_patterns.size else 0.0
    quality = _quality(threshold, n_cand, int(codes.size), float(prob.sum()), expected)
    if fit.model.is_fitted and blocking_recall_budget > 0 and n >= 2:
        quality = with_blocking_recall(quality, *blocking_recall_of_stages(
            stages, fit.scorer, pooled.schema, all_pairs=n_cand == total,
            budget=blocking_recall_budget, threshold=threshold, seed=seed))
        lap("blocking_recall", {})
    stages.cells.clear()  # the candidates and levels: let go before the clusters
    # ties broken by (agency, id), so the clusters do not depend on the order of files or rows
    tie_rank = None if tie_ids is None else _resolve.tie_order(left, right, *tie_ids)
    labels = stages.cluster(left, right, prob, source, clustering, tie_rank)
    lap("cluster", {"pairs": int(codes.size), "clusters": int(labels.max()) + 1 if n else 0,
                    "quality": quality})
    return _StagesRun(left, right, prob, weights, labels, quality, stats, fit, twin_like)
