"""The pair stages as work over partitions: a grid of cells, run in-process or on dask.distributed.

Both datasets are cut into row ranges (``Grid``); a *cell* is one range of the first dataset
against one range of the second, and the cells partition all pairs. Per cell, one task

    candidates (``blocking.cell_codes``: every rule's joins restricted to the cell's rows)
    -> comparison levels -> pattern counts

keeps the cell's pairs and levels where it ran and sends back only its pattern counts and
per-rule counts (``CellSummary``). Scoring then runs per cell and sends back the pairs at or
above the threshold. Comparisons of pairs chosen in the client (the random pairs behind u,
the training sessions, the salt and blocking-recall samples) go through
``PartitionedComparator``, which sends each cell's share of the pairs to a task on the
cell's two parts. Each worker holds its own copy of every part its cells pair (the cells are
dealt to workers before the parts are made), so no rows move between workers. A task
receives only the rows of its partitions (``Part``), never a whole dataset.

The local engine runs the same functions in this process, one after the other; the dask engine
submits them to a dask.distributed client. Whatever the engine and the grid, the counts are
integers and each pair's levels and weights are computed row by row, so the results are the
same bit for bit.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linkcore import kernels
from linkcore._sets import sorted_unique
from linkcore.dataset import EncodedDataset, dataset_tag, read_rows
from linkcore.engines import DaskEngine, LocalEngine, even_bounds
from linkcore.errors import DatasetError, OutputError, ParameterError
from linkcore.linkage.blocking import NEAR, BlockingPlan, KeyOrders, cell_codes
from linkcore.linkage.compare import DEFAULT_CHUNK_SIZE, Comparator, filters_of
from linkcore.linkage.levels import MISSING_LEVEL, FieldComparison
from linkcore.linkage.model import merge_pattern_counts, pattern_counts
from linkcore.mapped import is_mapped, release_datasets, to_mapped

# The engines (LocalEngine, DaskEngine, make_engine) live in linkcore.engines: the holder's
# partitioned encoder runs on them too.

# --------------------------------------------------------------------------- partitions


@dataclass(frozen=True)
class Grid:
    """Row ranges of the two datasets; cell (p, q) pairs range p of the first with range q."""

    bounds_a: np.ndarray
    bounds_b: np.ndarray

    @classmethod
    def even(cls, n_a: int, n_b: int, parts: int) -> Grid:
        """``parts`` ranges of (nearly) equal size per side (fewer for tiny inputs)."""
        return cls(even_bounds(n_a, parts), even_bounds(n_b, parts))

    def ranges(self, side: str) -> list[tuple[int, int]]:
        """(start, stop) of each range of one side."""
        b = self.bounds_a if side == "a" else self.bounds_b
        return [(int(s), int(e)) for s, e in zip(b[:-1], b[1:], strict=True)]

    def cells(self, within: bool = False) -> list[tuple[int, int]]:
        """Every (p, q), the first side's range varying slowest; ``within``: only p <= q."""
        return [(p, q) for p in range(self.bounds_a.size - 1)
                for q in range(self.bounds_b.size - 1) if not within or p <= q]


class Part:
    """One side's rows ``start`` to ``stop``: the dataset slice and its blocking key columns.

    The filter columns a refined key tests (``near:<field>``) are the part's own fields, added
    here rather than shipped twice.
    """

    def __init__(self, ds: EncodedDataset, keys: dict[str, np.ndarray], start: int, index: int,
                 spill_dir: str | None = None):
        self.ds = ds
        self.keys = keys
        self.start = start
        self.index = index
        #: where the part's per-row columns live in mapped scratch files (None: in memory)
        self.spill_dir = spill_dir
        self._comparators: dict[Any, Comparator] = {}
        self._popcounts: dict[str, np.ndarray] = {}
        self.key_orders = KeyOrders()
        self._settle()

    def _settle(self) -> None:
        """Move the rows and key columns into the spill folder (if any); add the near columns."""
        if self.spill_dir is not None:
            self.ds = spilled_rows(self.ds, self.spill_dir)
            self.keys = {k: _spilled(v, self.spill_dir) for k, v in self.keys.items()}
        self.keys = _with_near(self.keys, self.ds)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_comparators"] = {}  # caches: never shipped
        state["_popcounts"] = {}
        state["key_orders"] = KeyOrders()
        state["keys"] = {k: v for k, v in self.keys.items() if not k.startswith(NEAR)}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._settle()  # moved to another worker: into its own scratch files

    def __sizeof__(self) -> int:
        """Bytes of the rows and key columns the worker holds (what dask's memory manager counts).

        Columns in mapped files are page cache, not the worker's memory: they count nothing,
        so that dask never spills them to its own disk by pickling them into memory.
        """
        ds = self.ds
        arrays = [ds.record_ids, ds.missing, *ds.fields.values(), *ds.blocking_keys.values(),
                  *(v for k, v in self.keys.items() if not k.startswith(NEAR))]
        if ds.clk is not None:
            arrays.append(ds.clk)
        return (object.__sizeof__(self) + sum(_nbytes(a) for a in arrays)
                + self.key_orders.nbytes)

    @property
    def stop(self) -> int:
        """One past the last row."""
        return self.start + len(self.ds)

    def comparator(self, other: Part, comparisons: Sequence[FieldComparison],
                   chunk_size: int) -> Comparator:
        """Return a Comparator of this part against ``other`` (kept for the next call)."""
        key = (other.index, tuple(comparisons), chunk_size)
        if key not in self._comparators:
            self._comparators[key] = Comparator(
                self.ds, other.ds, comparisons, chunk_size=chunk_size,
                popcounts_a=self.popcounts(comparisons), popcounts_b=other.popcounts(comparisons))
        return self._comparators[key]

    def popcounts(self, comparisons: Sequence[FieldComparison]) -> dict[str, np.ndarray]:
        """Each compared field's popcount per row, counted once for every cell of the part.

        A part is in P cells; counting per cell would keep P copies (at 10^7 records a side and
        4 parts, some 3 GB).
        """
        for c in comparisons:
            if c.field not in self._popcounts:
                filters = filters_of(self.ds, c.field)[0]
                counts = kernels.popcounts(filters)
                self._popcounts[c.field] = (counts if self.spill_dir is None
                                            else _spilled(counts, self.spill_dir))
        return self._popcounts


def _spilled(a: np.ndarray, folder: str) -> np.ndarray:
    """Return the array as it is when mapped already, else a copy in a scratch file there."""
    return a if is_mapped(a) else to_mapped(a, folder, "a worker's rows")


def spilled_rows(ds: EncodedDataset, folder: str) -> EncodedDataset:
    """Return the rows with every per-row column in mapped scratch files in ``folder``.

    The missing flags column by column (each field's flags contiguous, as the comparison
    kernels take them, so no comparison copies them); record ids (strings, which only rows
    not yet ``numbered_rows`` carry) stay as they are.
    """
    missing = ds.missing
    if not is_mapped(missing) and missing.size:
        missing = to_mapped(missing, folder, "a worker's rows", order="F")
    ids = ds.record_ids
    return EncodedDataset(ids if ids.dtype == object else _spilled(ids, folder),
                          {f: _spilled(v, folder) for f, v in ds.fields.items()}, missing,
                          None if ds.clk is None else _spilled(ds.clk, folder),
                          {k: _spilled(v, folder) for k, v in ds.blocking_keys.items()},
                          ds.meta, schema=ds.schema)


def _with_near(keys: dict[str, np.ndarray], ds: EncodedDataset) -> dict[str, np.ndarray]:
    """Return the key columns with the part's filters as near columns (references, no copies)."""
    return {**keys, **{f"{NEAR}{f}": filters for f, filters in ds.fields.items()}}


def copy_part(part: Part) -> Part:
    """Task: a part, held under its own key by the worker that runs this (a lasting copy)."""
    return part


def _nbytes(a: np.ndarray) -> int:
    """Bytes of an array in memory (0 when mapped); an object array counts its strings roughly."""
    if is_mapped(a):
        return 0
    return int(a.nbytes) * (8 if a.dtype == object else 1)


def make_part(ds: EncodedDataset, keys: dict[str, np.ndarray] | SharedKeys, start: int,
              index: int, spill_dir: str | None = None) -> Part:
    """Task: wrap one side's rows as a Part (runs where the part will live).

    ``keys``: the rows' key columns, or every row's written once on this machine.
    ``spill_dir``: keep the part's per-row columns in mapped scratch files there.
    """
    if isinstance(keys, SharedKeys):
        keys = map_keys(keys, start, start + len(ds))
    return Part(ds, keys, start, index, spill_dir)


@dataclass(frozen=True)
class FileSource:
    """An encoded file or partitioned dataset that workers read their rows from themselves."""

    path: str
    tag: str
    #: with every worker on this machine: a private folder for the key columns (``SharedKeys``)
    keys_folder: str | None = None
    #: a folder (the same path on every worker) for the filter columns of the rows a worker
    #: reads, in mapped scratch files (mapped.py), so that they are page cache, not its memory
    mapped_dir: str | None = None

    @classmethod
    def of(cls, path: str | os.PathLike[str],
           mapped_dir: str | os.PathLike[str] | None = None) -> FileSource:
        """Tag the file at ``path`` as read here; the path made absolute (workers run elsewhere)."""
        return cls(os.path.abspath(path), dataset_tag(path),
                   mapped_dir=None if mapped_dir is None else os.path.abspath(mapped_dir))


def numbered_rows(ds: EncodedDataset, start: int) -> EncodedDataset:
    """Return the rows with their row numbers in place of the record ids (what a worker keeps).

    The pair stages name records by row number; the ids (some 70 bytes a record as Python
    strings) stay with the linking process, which writes the results.
    """
    return EncodedDataset(np.arange(start, start + len(ds), dtype=np.int64), ds.fields,
                          ds.missing, ds.clk, ds.blocking_keys, ds.meta, schema=ds.schema)


def read_source_rows(source: FileSource, start: int, stop: int) -> EncodedDataset:
    """Task: read rows ``start`` to ``stop`` from the file (its row groups or parts only).

    Checked as read (the ids too), then kept with row numbers in place of the ids.
    """
    try:
        if dataset_tag(source.path) != source.tag:
            raise DatasetError("it is not the file the linking process read")
        return numbered_rows(read_rows(source.path, start, stop, mapped_dir=source.mapped_dir),
                             start)
    except DatasetError as exc:
        raise DatasetError(
            f"a worker cannot read its rows of {source.path} ({exc}); every worker must see "
            "the same encoded files at the same path"
        ) from None
    except ParameterError as exc:  # the mapped folder, as mapped.check_mapped_dir words it
        if source.mapped_dir is None:
            raise
        raise ParameterError(
            f"a worker cannot keep its rows in the mapped folder ({exc}); every worker needs "
            "that folder, with room, at the same path"
        ) from None


def load_part(source: FileSource, keys: dict[str, np.ndarray] | SharedKeys, start: int,
              stop: int, index: int, spill_dir: str | None = None) -> Part:
    """Task: a part of rows ``start`` to ``stop`` read from the file, with its key columns.

    ``keys``: the range's key columns, or every row's written once on this machine.
    """
    return make_part(read_source_rows(source, start, stop), keys, start, index, spill_dir)


@dataclass(frozen=True)
class SharedSource:
    """A dataset given as an object, written once as raw arrays into a private folder.

    Workers on this machine map their rows from it instead of receiving them through the
    scheduler; the files hold what the encoded dataset holds (filters, keys; no ids).
    """

    missing: str
    fields: tuple[tuple[str, str], ...]
    clk: str | None
    blocking_keys: tuple[tuple[str, str], ...]
    meta: Any


def share_dataset(ds: EncodedDataset, folder: str | os.PathLike[str], name: str
                  ) -> SharedSource:
    """Write a dataset's arrays (not its record ids) as .npy files into ``folder``."""
    def save(label: str, a: np.ndarray) -> str:
        path = os.path.join(folder, f"{name}-{label}.npy")
        np.save(path, a if a.flags.f_contiguous and a.ndim == 2 else np.ascontiguousarray(a),
                allow_pickle=False)
        return path

    return SharedSource(
        save("missing", np.asfortranarray(ds.missing)),  # each field's flags contiguous
        tuple((f, save(f"field{i}", a)) for i, (f, a) in enumerate(ds.fields.items())),
        None if ds.clk is None else save("clk", ds.clk),
        tuple((k, save(f"key{i}", a)) for i, (k, a) in enumerate(ds.blocking_keys.items())),
        ds.meta)


@dataclass(frozen=True)
class SharedKeys:
    """One side's blocking key columns, written once beside a ``SharedSource`` for its workers.

    At 10^6 records a side the key columns of one row range weighed 56 MB; sent in each
    worker's part tasks, they went through the scheduler (in the linking process) before any
    cell could start.
    """

    columns: tuple[tuple[str, str], ...]


def share_keys(plan: BlockingPlan, side: str, folder: str | os.PathLike[str]) -> SharedKeys:
    """Write one side's key columns (not the near columns) as .npy files into ``folder``."""
    keys = plan.keys_a if side == "a" else plan.keys_b
    columns = []
    for name, column in keys.items():
        if name.startswith(NEAR):  # a part's own filters (Part adds them)
            continue
        handle, path = tempfile.mkstemp(prefix=f"keys-{side}-", suffix=".npy", dir=folder)
        with os.fdopen(handle, "wb") as out:
            np.save(out, np.ascontiguousarray(column), allow_pickle=False)
        columns.append((name, path))
    return SharedKeys(tuple(columns))


def map_keys(keys: SharedKeys, start: int, stop: int) -> dict[str, np.ndarray]:
    """Rows ``start`` to ``stop`` of shared key columns, mapped copy-on-write."""
    try:
        return {k: np.load(p, mmap_mode="c", allow_pickle=False)[start:stop]
                for k, p in keys.columns}
    except OSError as exc:
        raise DatasetError(
            f"a worker cannot map the key columns this process shared ({exc.strerror or exc}); "
            "workers reported on this machine must see its temporary folder"
        ) from None


def _share_keys(plan: BlockingPlan, side: str, source: FileSource | SharedSource | None
                ) -> SharedKeys | None:
    """``share_keys`` into the source's folder, if it has one; a failed write is one error."""
    if isinstance(source, SharedSource):
        folder = os.path.dirname(source.missing)
    elif isinstance(source, FileSource) and source.keys_folder is not None:
        folder = source.keys_folder
    else:
        return None
    try:
        return share_keys(plan, side, folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write the blocking keys shared with the dask workers into {folder} "
            f"({exc.strerror or type(exc).__name__}); pass mapped_dir, a folder with room, "
            "or link the encoded files by path"
        ) from None


def map_part(source: SharedSource, keys: SharedKeys, start: int, stop: int, index: int,
             spill_dir: str | None = None) -> Part:
    """Task: rows ``start`` to ``stop`` of a shared dataset and its keys, mapped copy-on-write.

    The files are never written; their pages are the page cache's, shared by the workers. The
    rows carry their row numbers in place of the record ids (``numbered_rows``).
    """
    ids = np.arange(start, stop, dtype=np.int64)

    def load(path: str) -> np.ndarray:
        return np.load(path, mmap_mode="c", allow_pickle=False)[start:stop]

    try:
        ds = EncodedDataset(ids, {f: load(p) for f, p in source.fields}, load(source.missing),
                            None if source.clk is None else load(source.clk),
                            {k: load(p) for k, p in source.blocking_keys},
                            dataclasses.replace(source.meta, record_count=stop - start))
    except OSError as exc:
        raise DatasetError(
            f"a worker cannot map the rows this process shared ({exc.strerror or exc}); "
            "workers reported on this machine must see its temporary folder"
        ) from None
    return Part(ds, map_keys(keys, start, stop), start, index, spill_dir)


# --------------------------------------------------------------------------- cells


@dataclass
class Cell:
    """One cell's candidate pairs (sorted codes ``left * n_b + right``) and their levels."""

    codes: np.ndarray
    levels: np.ndarray
    n_b: int
    rule_counts: list[int]
    rule_seconds: list[float]
    compare_seconds: float

    def __sizeof__(self) -> int:
        """Bytes of the pairs and levels in the worker's memory (0 for mapped ones, as parts)."""
        return object.__sizeof__(self) + _nbytes(self.codes) + _nbytes(self.levels)

    @property
    def left(self) -> np.ndarray:
        """Row numbers in the first dataset."""
        return self.codes // max(self.n_b, 1)

    @property
    def right(self) -> np.ndarray:
        """Row numbers in the second dataset."""
        return self.codes % max(self.n_b, 1)


@dataclass(frozen=True)
class CellSummary:
    """What a cell sends back after blocking and comparison: counts only."""

    patterns: np.ndarray
    counts: np.ndarray
    rule_counts: list[int]
    rule_seconds: list[float]
    compare_seconds: float


def pair_cell(part_a: Part, part_b: Part, plan: BlockingPlan,
              comparisons: Sequence[FieldComparison], chunk_size: int,
              within: bool = False, spill_dir: str | None = None) -> Cell:
    """Task: the cell's candidate pairs by every blocking rule, and their comparison levels.

    ``within``: both sides are one file (deduplication): pairs left < right only.
    ``spill_dir``: keep the pairs and levels in mapped scratch files there (mapped.py), so that
    a worker holds only the cell it is making, not every cell it has made.
    """
    codes, counts, seconds = cell_codes(plan, part_a.keys, part_b.keys,
                                        (part_a.start, part_a.stop), (part_b.start, part_b.stop),
                                        within=within, caches=(part_a.key_orders,
                                                               part_b.key_orders))
    t0 = time.perf_counter()
    n_b = max(plan.n_b, 1)
    comparator = part_a.comparator(part_b, comparisons, chunk_size)
    levels = comparator.levels(codes // n_b - part_a.start, codes % n_b - part_b.start)
    release_datasets(part_a.ds, part_b.ds)  # mapped filters: keep only the pages in use
    if spill_dir is not None:
        codes, levels = to_mapped(codes, spill_dir), to_mapped(levels, spill_dir)
    return Cell(codes, levels, plan.n_b, counts, seconds, time.perf_counter() - t0)


def forget_key_orders(part: Part, *after: Any) -> None:
    """Task: let go of the part's join orders once ``after`` (its last cell here) is made."""
    part.key_orders.clear()


def cell_summary(cell: Cell, n_levels: Sequence[int]) -> CellSummary:
    """Task: the cell's pattern counts and per-rule counts (what crosses the network)."""
    patterns, counts = pattern_counts(cell.levels, n_levels)
    return CellSummary(patterns, counts, cell.rule_counts, cell.rule_seconds,
                       cell.compare_seconds)


def resolve_group(left: np.ndarray, right: np.ndarray, prob: np.ndarray, threshold: float,
                  one_to_one: str) -> np.ndarray:
    """Return the accepted mask of one group of whole components (a task)."""
    from linkcore.linkage import resolve as _resolve

    return _resolve.resolve(left, right, prob, threshold=threshold, one_to_one=one_to_one)


def cluster_group(left: np.ndarray, right: np.ndarray, prob: np.ndarray, nodes: np.ndarray,
                  node_source: np.ndarray, method: str) -> np.ndarray:
    """Return the cluster roots of one group of whole components' records (a task)."""
    from linkcore.linkage import resolve as _resolve

    return _resolve.group_roots(left, right, prob, nodes, node_source, method)


def cluster_by_component(engine: LocalEngine | DaskEngine, left: np.ndarray, right: np.ndarray,
                         prob: np.ndarray, source: np.ndarray, method: str,
                         tie_rank: np.ndarray | None = None) -> np.ndarray:
    """Cluster labels of records ``0 .. source.size - 1`` from accepted pairs among them.

    As ``PairStages.resolve``: the pairs are split into runs of whole connected components, one
    per worker, and a task clusters each run's records (``resolve.group_roots``); a cluster
    never spans two components, so the labels are those of ``resolve.cluster_roots`` over all
    the pairs, whatever the workers. The client holds the pairs and one root per record.
    ``tie_rank`` (``resolve.tie_order``): break ties by it rather than by record number.
    """
    from linkcore.linkage import resolve as _resolve

    if tie_rank is not None:
        ranked_source = np.empty_like(source)
        ranked_source[tie_rank] = source
        ranked = cluster_by_component(engine, tie_rank[left], tie_rank[right], prob,
                                      ranked_source, method)
        return _resolve.relabel_from_ranked(ranked, tie_rank)
    slots = engine.slots()
    groups = _resolve.component_groups(left, right, len(slots), one_space=True)
    nodes = [sorted_unique(np.concatenate((left[g], right[g]))) for g in groups]
    handles = [engine.put(cluster_group, left[g], right[g], prob[g], nodes[k],
                          source[nodes[k]], method, where=slots[k % len(slots)])
               for k, g in enumerate(groups)]
    roots = np.arange(source.size)
    for k, got in enumerate(engine.gather(handles)):
        roots[nodes[k]] = got
    return _resolve.cluster_labels(roots)


def cell_accepted(cell: Cell, score: Callable[[np.ndarray], np.ndarray], threshold: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Task: codes, probabilities and weights of the cell's pairs at or above the threshold.

    A pair with no field compared (every level missing) is never one: its probability is the
    prior alone, which only a handful of records or a threshold near 0 puts at the threshold.
    """
    from linkcore.linkage.model import weights_to_probabilities

    codes, probs, kept_weights = [], [], []
    for chunk in _pair_chunks(cell):
        levels = cell.levels[chunk]
        weights = score(levels)
        prob = weights_to_probabilities(weights)
        keep = (prob >= threshold) & (levels != MISSING_LEVEL).any(axis=1)
        codes.append(cell.codes[chunk][keep])
        probs.append(prob[keep])
        kept_weights.append(weights[keep])
    return _joined(codes), _joined(probs), _joined(kept_weights)


#: Pairs of a cell scored or counted at once by the resolve tasks: their temporary arrays
#: (weights, probabilities, row numbers, capture bits) stay near 40 bytes a pair of this many,
#: not of every candidate in the cell.
PAIR_CHUNK = 1 << 22


def _pair_chunks(cell: Cell) -> list[slice]:
    """Slices of a cell's pairs, PAIR_CHUNK at a time (one empty slice for an empty cell)."""
    n = cell.codes.size
    return [slice(start, min(n, start + PAIR_CHUNK)) for start in range(0, n, PAIR_CHUNK)] \
        or [slice(0, 0)]


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    """Concatenate the chunks' results (one piece is returned as it is)."""
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def cell_codes_only(cell: Cell) -> np.ndarray:
    """Task: the cell's candidate codes (8 bytes a pair)."""
    return cell.codes


def cell_table(cell: Cell, score: Callable[[np.ndarray], np.ndarray]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Task: every candidate's code, levels and weight (for ``return_candidates`` only)."""
    return cell.codes, cell.levels, score(cell.levels)


def cell_recall(cell: Cell, part_a: Part, part_b: Part, comparisons: Sequence[FieldComparison],
                chunk_size: int, rows: np.ndarray, score: Callable[[np.ndarray], np.ndarray],
                threshold: float, rows_b: np.ndarray | None = None, within: bool = False
                ) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Task: the blocking-recall sample's likely matches in this cell, inside and outside it.

    ``rows``: the sampled rows of the first dataset that fall in this cell's range; each is
    scored against every row of the second dataset's range. Two counts come back, and each
    row's summed probability inside and outside (fixed point: see blocking_recall.count_likely).
    ``within`` (one file, cells p <= q holding pairs left < right): a record is not its own
    match, a pair counts as a candidate and is compared (smaller row first) in either order,
    and ``rows_b`` (sampled rows in the second range of a cell off the diagonal) are scored
    against the first range; their two sums come last (empty without them).
    """
    from linkcore.linkage.blocking_recall import count_likely
    from linkcore.linkage.model import weights_to_probabilities

    comparator = part_a.comparator(part_b, comparisons, chunk_size)

    def prob(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        if within:  # both in one range on the diagonal; off it left < right already
            left, right = np.minimum(left, right), np.maximum(left, right)
        levels = comparator.levels(left - part_a.start, right - part_b.start)
        p = weights_to_probabilities(score(levels))
        if within:
            p[left == right] = 0.0
        return p

    n_b = max(cell.n_b, 1)
    codes = cell.codes
    swapped = (codes % n_b) * n_b + codes // n_b  # the pairs as (right, left)
    if within and part_a.start == part_b.start:
        codes = np.sort(np.concatenate((codes, swapped)))
    inside, outside, sum_in, sum_out = count_likely(
        codes, rows, np.arange(part_b.start, part_b.stop, dtype=np.int64), cell.n_b, prob,
        threshold)
    in_b = out_b = np.zeros(0, np.int64)
    if within and rows_b is not None and rows_b.size:
        got = count_likely(np.sort(swapped), rows_b,
                           np.arange(part_a.start, part_a.stop, dtype=np.int64), cell.n_b,
                           lambda left, right: prob(right, left), threshold)
        inside, outside, in_b, out_b = inside + got[0], outside + got[1], got[2], got[3]
    release_datasets(part_a.ds, part_b.ds)
    return inside, outside, sum_in, sum_out, in_b, out_b


def cell_capture(cell: Cell, part_a: Part, part_b: Part,
                 sources: Sequence[tuple[str, tuple[Any, ...]]], n_levels: Sequence[int]
                 ) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Task: the cell's level-pattern counts per capture pattern (which sources made the pair).

    Integer counts only, so the client's sums are the same however the pairs are cut up.
    """
    from linkcore.linkage.blocking import capture_patterns

    by_code: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    n_b = max(cell.n_b, 1)
    for chunk in _pair_chunks(cell):
        codes = cell.codes[chunk]
        captured = capture_patterns(sources, part_a.keys, part_b.keys,
                                    codes // n_b - part_a.start, codes % n_b - part_b.start)
        levels = cell.levels[chunk]
        for code in sorted_unique(captured):
            by_code.setdefault(int(code), []).append(
                pattern_counts(levels[captured == code], n_levels))
    release_datasets(part_a.ds, part_b.ds)
    return [(code, *merge_pattern_counts(tables, n_levels))
            for code, tables in sorted(by_code.items())]


def levels_task(part_a: Part, part_b: Part, comparisons: Sequence[FieldComparison],
                chunk_size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Task: levels of given pairs of the two parts (row numbers local to the parts)."""
    levels = part_a.comparator(part_b, comparisons, chunk_size).levels(left, right)
    release_datasets(part_a.ds, part_b.ds)  # mapped filters: the pages read go back
    return levels


# --------------------------------------------------------------------------- the grid


def deal_cells(engine: LocalEngine | DaskEngine, n_a: int, n_b: int, partitions: int,
               within: bool = False) -> tuple[Grid, list[tuple[int, int]], list[Any]]:
    """Cut the grid and deal its cells to the engine's workers: (grid, cells, each cell's home).

    Runs of the grid's order of about equal pairs, so a worker gets whole row ranges of the
    first dataset where it can (a cell on the diagonal of one file holds half the pairs).
    """
    grid = Grid.even(n_a, n_b, partitions)
    cells = grid.cells(within)
    slots = engine.slots()[:len(cells)]
    weight = np.array([1 if within and p == q else 2 for p, q in cells], np.int64)
    before = np.cumsum(weight) - weight
    total = max(int(weight.sum()), 1)
    return grid, cells, [slots[int(b) * len(slots) // total] for b in before]


def read_ahead(engine: LocalEngine | DaskEngine, n_a: int, n_b: int, partitions: int,
               sources: tuple[Any, Any], within: bool = False
               ) -> dict[tuple[str, int, Any], Any]:
    """Start each worker reading the rows of the file sources its cells will pair.

    Called before the blocking is planned (the rows do not depend on it); ``PairStages.start``
    then makes the parts from them. Keyed by (side, range, worker); only ``FileSource`` sides.
    """
    grid, cells, homes = deal_cells(engine, n_a, n_b, partitions, within)
    out: dict[tuple[str, int, Any], Any] = {}
    for side, source in (("a", sources[0]), ("b", sources[1])):
        if not isinstance(source, FileSource):
            continue
        ranges = grid.ranges(side)
        for (p, q), home in zip(cells, homes, strict=True):
            k = p if side == "a" else q
            if (side, k, home) not in out:
                s, e = ranges[k]
                out[side, k, home] = engine.put(read_source_rows, source, s, e, where=home)
    return out


@dataclass
class PairStages:
    """Both datasets cut into parts on an engine, and the cells' pairs kept where they ran."""

    engine: LocalEngine | DaskEngine
    grid: Grid
    plan: BlockingPlan
    comparisons: tuple[FieldComparison, ...]
    chunk_size: int = DEFAULT_CHUNK_SIZE
    parts_a: dict[tuple[int, Any], Any] = field(default_factory=dict)
    parts_b: dict[tuple[int, Any], Any] = field(default_factory=dict)
    cells: list[Any] = field(default_factory=list)
    homes: list[Any] = field(default_factory=list)
    within: bool = False
    coordinates: list[tuple[int, int]] = field(default_factory=list)
    #: the folder (the same path on every worker) in which each cell keeps its pairs, and on
    #: dask each part its per-row columns
    spill_dir: str | None = None

    @classmethod
    def start(cls, engine: LocalEngine | DaskEngine, ds_a: EncodedDataset,
              ds_b: EncodedDataset, plan: BlockingPlan, comparisons: Sequence[FieldComparison],
              partitions: int, chunk_size: int = DEFAULT_CHUNK_SIZE,
              sources: tuple[FileSource | SharedSource | None,
                             FileSource | SharedSource | None] = (None, None),
              within: bool = False, reading: dict[tuple[str, int, Any], Any] | None = None,
              spill_dir: str | os.PathLike[str] | None = None) -> PairStages:
        """Give each worker the parts its cells need (rows and key columns) and no more.

        ``reading``: the rows of file sources being read already (``read_ahead``).
        ``spill_dir``: each cell keeps its candidate pairs and their levels in mapped scratch
        files there (``pair_cell``), and on dask each worker its parts' per-row columns too
        (``Part``): what a worker allocates is then its runtime and the cell or chunk at work,
        not its rows. The folder must exist at that path on every worker.

        ``within``: ``ds_a`` and ``ds_b`` are one file (deduplication): only the cells (p, q)
        with p <= q are made, and only their pairs left < right, so each pair of distinct
        records is in one cell once.

        The cells are dealt to the engine's workers in runs of the grid's order of about equal
        pairs (a worker gets whole row ranges of the first dataset where it can), and each
        worker gets its own copy of every part its cells pair, so that no cell waits for rows
        to move from another worker. A side with a ``FileSource`` has its parts read by the workers
        from the file itself (the row groups or parts holding their rows), each worker its own (with
        every worker on this machine, the key columns mapped from a private folder too,
        ``FileSource.keys_folder``); a side with a ``SharedSource`` (workers on this machine) has
        them mapped by each worker from the arrays this process wrote (rows and key columns,
        ``SharedKeys``), only the record ids travelling in the task; otherwise the rows travel in
        the task to the first worker that needs them, and every worker, that one too, holds the part
        under a key of its own (``copy_part``): dask's memory manager may drop either replica of the
        shared key once the copies exist, and no later task asks for it. Locally there is one
        worker, this process, and one copy.
        """
        grid, cells, homes = deal_cells(engine, len(ds_a), len(ds_b), partitions, within)
        out = cls(engine, grid, plan, tuple(comparisons), chunk_size, within=within,
                  spill_dir=None if spill_dir is None else os.path.abspath(spill_dir))
        out.coordinates, out.homes = cells, homes
        # a worker's parts in scratch files too (locally they are views of this process's rows)
        spill = out.spill_dir if engine.name == "dask" else None
        reading = reading or {}
        for side, ds, source, parts in (("a", ds_a, sources[0], out.parts_a),
                                        ("b", ds_b, sources[1], out.parts_b)):
            ranges = grid.ranges(side)
            first: dict[int, Any] = {}
            shared_keys = _share_keys(plan, side, source)
            for (p, q), home in zip(cells, out.homes, strict=True):
                k = p if side == "a" else q
                if (k, home) in parts:
                    continue
                s, e = ranges[k]
                if isinstance(source, SharedSource):
                    parts[k, home] = engine.put(map_part, source, shared_keys, s, e, k, spill,
                                                where=home)
                    continue
                if source is not None:
                    keys = shared_keys or plan.part_keys(side, s, e)
                    rows = reading.get((side, k, home))
                    parts[k, home] = (
                        engine.put(load_part, source, keys, s, e, k, spill, where=home)
                        if rows is None
                        else engine.put(make_part, rows, keys, s, k, spill, where=home))
                    continue
                if k not in first:
                    rows = ds.subset(slice(s, e))
                    first[k] = engine.put(make_part, rows if engine.name == "local"
                                          else numbered_rows(rows, s),
                                          plan.part_keys(side, s, e), s, k, spill, where=home)
                parts[k, home] = engine.submit(copy_part, first[k], where=home)
        return out

    def run_cells(self, progress: Callable[[int], None] | None = None) -> list[CellSummary]:
        """Blocking and comparison in every cell; returns the cells' counts."""
        light = self.plan.light()
        n_levels = [c.n_levels for c in self.comparisons]
        summaries, forgotten = [], []
        # a part's sorted join keys (Part.key_orders) go with its last cell on each worker
        last: dict[tuple[str, int, Any], int] = {}
        for i, ((p, q), home) in enumerate(zip(self.coordinates, self.homes, strict=True)):
            last["a", p, home] = last["b", q, home] = i
        for i, ((p, q), home) in enumerate(zip(self.coordinates, self.homes, strict=True)):
            part_a, part_b = self.parts_a[p, home], self.parts_b[q, home]
            cell = self.engine.submit(pair_cell, part_a, part_b, light, self.comparisons,
                                      self.chunk_size, self.within, self.spill_dir, where=home)
            self.cells.append(cell)
            summaries.append(self.engine.submit(cell_summary, cell, n_levels, where=home))
            for side, k, part in (("a", p, part_a), ("b", q, part_b)):
                if last[side, k, home] == i:
                    forgotten.append(self.engine.submit(forget_key_orders, part, cell,
                                                        where=home))
        done = self.engine.gather(summaries, progress)
        self.engine.gather(forgotten)
        return done

    def accepted(self, score: Callable[[np.ndarray], np.ndarray], threshold: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Codes, probabilities and weights of every candidate at or above the threshold.

        Sorted by code, the order the one-piece run had them in.
        """
        got = self.engine.gather([self.engine.submit(cell_accepted, c, score, threshold, where=h)
                                  for c, h in zip(self.cells, self.homes, strict=True)])
        return _sorted_by_code([g[0] for g in got], [g[1] for g in got], [g[2] for g in got])

    def resolve(self, left: np.ndarray, right: np.ndarray, prob: np.ndarray, threshold: float,
                one_to_one: str) -> np.ndarray:
        """Mask of accepted pairs, greedy one-to-one resolved per component on the workers.

        The pairs at or above the threshold are split into runs of whole connected components
        (``resolve.component_groups``), one per worker, and each run is resolved by a task
        there; greedy resolution of a component alone accepts what it accepts over all pairs,
        so the mask is the one-piece mask whatever the workers. Optimal resolution (whose
        solver may break ties differently in other batches) and none run as one task.
        """
        from linkcore.linkage import resolve as _resolve

        slots = self.engine.slots()
        above = np.flatnonzero(prob >= threshold)
        groups = _resolve.component_groups(left[above], right[above], len(slots)) \
            if one_to_one == "greedy" else [np.arange(above.size)]
        handles = [self.engine.put(resolve_group, left[above[g]], right[above[g]],
                                   prob[above[g]], threshold, one_to_one,
                                   where=slots[k % len(slots)])
                   for k, g in enumerate(groups)]
        out = np.zeros(left.size, bool)
        for g, mask in zip(groups, self.engine.gather(handles), strict=True):
            out[above[g]] = mask
        return out

    def cluster(self, left: np.ndarray, right: np.ndarray, prob: np.ndarray, source: np.ndarray,
                method: str, tie_rank: np.ndarray | None = None) -> np.ndarray:
        """Cluster labels of the pooled records from accepted pairs, clustered per component.

        See ``cluster_by_component``.
        """
        return cluster_by_component(self.engine, left, right, prob, source, method, tie_rank)

    def take_codes(self) -> np.ndarray:
        """Sorted codes of all candidates (8 bytes a pair cross the network); the cells go.

        The last use of the cells: their levels are let go before the codes are joined, and
        the join is sorted in place (no order array), so the peak is about twice the codes
        rather than the cells plus three times the codes.
        """
        got = self.engine.gather([self.engine.submit(cell_codes_only, c, where=h)
                                  for c, h in zip(self.cells, self.homes, strict=True)])
        self.cells.clear()
        if not got:
            return np.zeros(0, np.int64)
        codes = np.concatenate(got)
        del got
        codes.sort()  # distinct codes: any sort gives the one order
        return codes

    def table(self, score: Callable[[np.ndarray], np.ndarray]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Codes, levels and weights of every candidate, sorted by code."""
        got = self.engine.gather([self.engine.submit(cell_table, c, score, where=h)
                                  for c, h in zip(self.cells, self.homes, strict=True)])
        k = len(self.comparisons)
        if not got:
            return np.zeros(0, np.int64), np.zeros((0, k), np.int8), np.zeros(0)
        return _sorted_by_code([g[0] for g in got], [g[1] for g in got], [g[2] for g in got])

    def blocking_recall_counts(self, rows: np.ndarray, score: Callable[[np.ndarray], np.ndarray],
                               threshold: float) -> tuple[int, int, np.ndarray, np.ndarray]:
        """Count the sample's likely matches inside and outside the candidates, in the cells.

        Each sampled row is scored against every record; per cell two integers and, per row,
        two fixed-point sums of probability come back (added over the cells: integers).
        """
        def among(bounds: np.ndarray, k: int) -> np.ndarray:
            return np.flatnonzero((rows >= bounds[k]) & (rows < bounds[k + 1]))

        handles, where = [], []
        for k, (p, q) in enumerate(self.coordinates):
            mine = among(self.grid.bounds_a, p)
            # one file: a sampled row in the second range meets the first range only here
            theirs = among(self.grid.bounds_b, q) if self.within and p != q else mine[:0]
            if mine.size or theirs.size:
                home = self.homes[k]
                handles.append(self.engine.submit(
                    cell_recall, self.cells[k], self.parts_a[p, home], self.parts_b[q, home],
                    self.comparisons, self.chunk_size, rows[mine], score, threshold,
                    rows[theirs], self.within, where=home))
                where.append((mine, theirs))
        got = self.engine.gather(handles)
        sum_in = np.zeros(rows.size, np.int64)
        sum_out = np.zeros(rows.size, np.int64)
        for (mine, theirs), g in zip(where, got, strict=True):
            sum_in[mine] += g[2]
            sum_out[mine] += g[3]
            if theirs.size:
                sum_in[theirs] += g[4]
                sum_out[theirs] += g[5]
        return sum(g[0] for g in got), sum(g[1] for g in got), sum_in, sum_out

    def capture_counts(self, sources: Sequence[tuple[str, tuple[Any, ...]]]
                       ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Level-pattern counts of the candidates per capture pattern, added over the cells."""
        n_levels = [c.n_levels for c in self.comparisons]
        got = self.engine.gather([
            self.engine.submit(cell_capture, c, self.parts_a[p, h], self.parts_b[q, h],
                               sources, n_levels, where=h)
            for c, h, (p, q) in zip(self.cells, self.homes, self.coordinates, strict=True)])
        by_code: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        for cell in got:
            for code, patterns, counts in cell:
                by_code.setdefault(code, []).append((patterns, counts))
        return {code: merge_pattern_counts(parts, n_levels)
                for code, parts in sorted(by_code.items())}

    def comparator(self) -> PartitionedComparator:
        """Return a comparator of arbitrary pairs that runs in the cells."""
        return PartitionedComparator(self)


def _sorted_by_code(codes: list[np.ndarray], *columns: list[np.ndarray]) -> tuple[Any, ...]:
    all_codes = np.concatenate(codes) if codes else np.zeros(0, np.int64)
    order = np.argsort(all_codes, kind="stable")
    return (all_codes[order], *(np.concatenate(c)[order] for c in columns))


class PartitionedComparator:
    """``levels(left, right)`` for arbitrary pairs, each cell's share computed by its own task.

    Stands in for a Comparator wherever the client chooses pairs (random pairs for u, training
    sessions, salt and blocking-recall samples): the pairs go out, levels (a byte a field) come
    back, in the order asked. On one file (``within``) a pair is compared as (smaller row,
    larger row), the order in which the cells hold it (the cells p <= q are the only ones; and
    a comparison of swapped names is not symmetric), whichever order it is asked in.
    """

    def __init__(self, stages: PairStages):
        self._stages = stages
        self.comparisons = stages.comparisons
        self.n_a, self.n_b = stages.plan.n_a, stages.plan.n_b

    @property
    def fields(self) -> list[str]:
        """Compared field names, in level-matrix column order."""
        return [c.field for c in self.comparisons]

    def levels(self, left: np.ndarray, right: np.ndarray,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Comparison levels ``int8[p, n_fields]`` of the pairs, computed in the cells."""
        st = self._stages
        left = np.ascontiguousarray(left, dtype=np.int64)
        right = np.ascontiguousarray(right, dtype=np.int64)
        if left.ndim != 1 or left.shape != right.shape:
            raise ParameterError("left and right must be 1-D arrays of one length")
        out = np.empty((left.size, len(self.comparisons)), dtype=np.int8)
        if left.size == 0:
            return out
        if left.min() < 0 or left.max() >= self.n_a or right.min() < 0 or right.max() >= self.n_b:
            raise ParameterError("pair row numbers out of range")
        pa = np.searchsorted(st.grid.bounds_a, left, "right") - 1
        qb = np.searchsorted(st.grid.bounds_b, right, "right") - 1
        if st.within:
            left, right = np.minimum(left, right), np.maximum(left, right)
            pa, qb = np.minimum(pa, qb), np.maximum(pa, qb)
        n_q = st.grid.bounds_b.size - 1
        home_of = dict(zip(st.coordinates, st.homes, strict=True))
        cell = pa * n_q + qb
        order = np.argsort(cell, kind="stable")
        sorted_cell = cell[order]
        cuts = np.flatnonzero(np.diff(sorted_cell)) + 1
        groups = np.split(order, cuts)
        handles = []
        for idx in groups:
            p, q = divmod(int(cell[idx[0]]), n_q)
            sa, sb = int(st.grid.bounds_a[p]), int(st.grid.bounds_b[q])
            home = home_of[p, q]
            handles.append(st.engine.submit(levels_task, st.parts_a[p, home],
                                            st.parts_b[q, home], self.comparisons,
                                            st.chunk_size, left[idx] - sa, right[idx] - sb,
                                            where=home))
        for idx, lv in zip(groups, st.engine.gather(handles), strict=True):
            out[idx] = lv
            if progress is not None:
                progress(idx.size)
        return out
