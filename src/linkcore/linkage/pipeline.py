"""The linkage pipeline: check → block → compare → model → resolve, for two or more datasets.

    link(a, b) -> LinkResult
        1. read both datasets (paths or EncodedDataset) and refuse incompatible ones
           (spec version, schema fingerprint, key check value: the error says which)
        2. candidate pairs by blocking (all pairs when small; else keyed blocking keys ∪ LSH)
        3. comparison levels per field for the candidates, in chunks (locally or on dask)
        4. Fellegi–Sunter: u from random pairs, m and λ by EM on the candidates (no labels)
        5. match weight and probability per candidate; threshold; one-to-one resolution
        6. model-based precision and recall estimates (no ground truth needed)

Everything is unsupervised by default: no threshold or parameter is tuned against a truth.
The result holds the accepted matches only; the table of every candidate's comparison levels is
kept only with ``return_candidates=True``, because it tells a reader how similar any two records
are. ``link_many`` links several datasets pairwise and groups the links into clusters.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkcore._io import write_table_atomic
from linkcore.dataset import EncodedDataset, check_compatible, read_any, same_records
from linkcore.engines import make_engine
from linkcore.errors import ModelError, OutputError, ParameterError, refuse_one_string
from linkcore.linkage import resolve as _resolve
from linkcore.linkage.blocking import (
    BlockingSpec,
    capture_sources,
    field_keys,
    pair_stats,
    plan_blocking,
    rule_stats,
)
from linkcore.linkage.blocking_recall import (
    DEFAULT_BUDGET,
    exact_recall,
    recall_from_counts,
    recall_sample,
)
from linkcore.linkage.capture_recapture import capture_sums, estimate_capture_recapture
from linkcore.linkage.compare import (
    DEFAULT_CHUNK_SIZE,
    Comparator,
    comparisons_for,
    fallback_views,
)
from linkcore.linkage.exact_u import (
    agreeing_pair_counts,
    equal_filter_pairs,
    exact_agreement_u,
)
from linkcore.linkage.gated_u import estimate_gated_u, gated_fields, prior_u
from linkcore.linkage.levels import MISSING_LEVEL, FieldComparison
from linkcore.linkage.m_prior import PRIOR_EXACT, prior_m, unidentified_fields
from linkcore.linkage.model import (
    EMResult,
    FellegiSunterModel,
    PatternCounts,
    as_pattern_counts,
    lambda_fixed_point,
    merge_pattern_counts,
    quality_from_sums,
    weights_to_probabilities,
)
from linkcore.linkage.monotone import monotone_m
from linkcore.linkage.partitions import (
    FileSource,
    PairStages,
    cluster_by_component,
    read_ahead,
    share_dataset,
)
from linkcore.linkage.salt import SaltDependence, salt_dependence
from linkcore.mapped import check_mapped_dir, release_datasets

logger = logging.getLogger("linkcore.linkage.pipeline")

#: Random pairs drawn to estimate u (each field's level frequencies among non-matches).
DEFAULT_U_PAIRS = 500_000

ENGINES = ("local", "dask")
MATCH_COLUMNS = ("id_a", "id_b", "probability", "match_weight")

DatasetLike = EncodedDataset | str | os.PathLike[str]


# --------------------------------------------------------------------------- result


@dataclass
class LinkResult:
    """Matches (id_a, id_b, probability, match_weight), the model, and what each stage did."""

    matches: pd.DataFrame
    model: FellegiSunterModel
    candidate_stats: dict[str, Any]
    timings: dict[str, float]
    quality: dict[str, float]
    threshold: float
    one_to_one: str
    n_a: int
    n_b: int
    candidates: pd.DataFrame | None = None
    histograms: dict[str, Any] = field(default_factory=dict)
    _comparator: Comparator | None = field(default=None, repr=False)
    _ids: tuple[np.ndarray, np.ndarray] = field(default=(np.empty(0, object), np.empty(0, object)),
                                               repr=False)
    _codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    dependence: ExactDependence | None = field(default=None, repr=False)
    salt: SaltDependence | None = field(default=None, repr=False)

    @property
    def em(self) -> EMResult | None:
        """The EM run (converged, iterations, λ), or None when the model was given."""
        return self.model.em_result

    def explain(self, id_a: str, id_b: str) -> dict[str, Any]:
        """Each field's level and weight for one pair, its probability, and whether it matched."""
        if self._comparator is None:
            raise ParameterError("this result cannot explain pairs (no comparator kept)")
        row_a = _row_of(self._ids[0], id_a, "first")
        row_b = _row_of(self._ids[1], id_b, "second")
        left, right = np.array([row_a]), np.array([row_b])
        levels = self._comparator.levels(left, right)
        out = self.explain_levels(levels[0])
        code = row_a * self.n_b + row_b
        pos = int(np.searchsorted(self._codes, code))
        out["candidate"] = bool(pos < self._codes.size and self._codes[pos] == code)
        hit = (self.matches["id_a"] == str(id_a)) & (self.matches["id_b"] == str(id_b))
        out["matched"] = bool(hit.any())
        return out

    def explain_levels(self, levels_row: np.ndarray) -> dict[str, Any]:
        """Each field's level and weight for one pattern of levels, with this run's corrections."""
        out = self.model.explain(levels_row).to_dict()
        corrections = (
            # salted fields and their salt scored as one group (SaltDependence)
            ("salt_correction", self.salt),
            # the fields that agree exactly together count for less (ExactDependence)
            ("dependence_correction", self.dependence),
        )
        for key, correction in corrections:
            if correction is None:
                continue
            corr = correction.for_row(np.asarray(levels_row), self.model.comparisons)
            if corr:
                out[key] = corr
                out["total_weight"] += corr
        out["probability"] = float(weights_to_probabilities(np.array([out["total_weight"]]))[0])
        return out

    def blocking_quality(self, truth: pd.DataFrame) -> Any:
        """Pairs completeness and reduction ratio of this run's candidates against a truth.

        Works on row numbers and the sorted candidate codes, so it costs one sort of the truth
        even at hundreds of millions of candidates (evaluate.blocking_quality builds string keys
        for every candidate). True pairs naming an id absent from the data count as missed.
        """
        from linkcore.evaluate import BlockingQuality

        missing = [c for c in ("id_a", "id_b") if c not in truth.columns]
        if missing:
            raise ParameterError(f"the truth needs columns id_a and id_b (missing {missing})")
        pairs = truth[["id_a", "id_b"]].astype(str).drop_duplicates()
        ra = pd.Index(self._ids[0]).get_indexer(pairs["id_a"])
        rb = pd.Index(self._ids[1]).get_indexer(pairs["id_b"])
        known = (ra >= 0) & (rb >= 0)
        codes = ra[known].astype(np.int64) * self.n_b + rb[known]
        found = 0
        if self._codes.size and codes.size:
            pos = np.minimum(np.searchsorted(self._codes, codes), self._codes.size - 1)
            found = int((self._codes[pos] == codes).sum())
        n_true = int(len(pairs))
        total = self.n_a * self.n_b
        n_cand = int(self._codes.size)
        return BlockingQuality(found / n_true if n_true else 1.0,
                               1.0 - n_cand / total if total else 1.0, n_cand, found, n_true,
                               total)

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the matches as CSV, atomically (no partial file on failure)."""
        _write_matches(self.matches, Path(path), "csv")

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the matches as Parquet, atomically."""
        _write_matches(self.matches, Path(path), "parquet")

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the matches as CSV or Parquet, chosen by the suffix (.csv, .parquet, .pq)."""
        path = Path(path)
        _write_matches(self.matches, path, output_format(path))

    def summary(self) -> dict[str, Any]:
        """Sizes, candidates per rule, EM, matches and estimated quality (JSON-ready)."""
        em = self.em
        return {
            "n_a": self.n_a,
            "n_b": self.n_b,
            "blocking": self.candidate_stats,
            "em": None if em is None else em.to_dict(),
            "threshold": self.threshold,
            "one_to_one": self.one_to_one,
            "matches": int(len(self.matches)),
            "estimated_quality": {k: _json_float(v) for k, v in self.quality.items()},
            "corrections": {
                "salt_groups": self.salt.to_dict()["groups"] if self.salt else [],
                "exact_dependence": (self.dependence.to_dict()["corrections"]
                                     if self.dependence else []),
            },
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }

    def report_data(self) -> dict[str, Any]:
        """Everything a linkage report shows: summary, model (m, u, weights) and histograms.

        It holds no record ids and no per-pair similarities, only aggregates and the model.
        """
        data = self.summary()
        data["model"] = self.model.to_dict()
        data["weights"] = {
            c.field: dict(zip(c.level_names, (float(w) for w in t), strict=True))
            for c, t in zip(self.model.comparisons, self._weight_tables(), strict=True)
        }
        data["histograms"] = self.histograms
        return data

    def _weight_tables(self) -> list[np.ndarray]:
        if not self.model.is_fitted:
            return [np.zeros(c.n_levels) for c in self.model.comparisons]
        return self.model.weight_tables()


def output_format(path: Path) -> str:
    """'csv' or 'parquet' from a file suffix; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    raise ParameterError(f"output {path.name}: use a .csv or .parquet suffix")


def _write_matches(df: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet" and path.suffix.lower() not in {".parquet", ".pq"}:
        raise ParameterError(f"output {path.name}: a Parquet file needs a .parquet suffix")
    if fmt == "csv" and path.suffix.lower() != ".csv":
        raise ParameterError(f"output {path.name}: a CSV file needs a .csv suffix")
    write_table_atomic(df, path)


def _row_of(ids: np.ndarray, value: str, which: str) -> int:
    idx = pd.Index(ids)
    try:
        pos = idx.get_loc(str(value))
    except KeyError:
        raise ParameterError(f"no record with that id in the {which} dataset") from None
    return int(pos)


def with_blocking_recall(quality: dict[str, Any], blocking: dict[str, Any],
                         capture: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fold blocking's estimated recall into the model-based estimates (recall and F1).

    ``blocking``: the scored sample's figures (BlockingRecall.to_dict); ``capture``: the
    capture-recapture estimate (CaptureRecapture.to_dict). The estimate used, in order: exact
    (all pairs compared); capture-recapture when it is defined, unless the sample's likely
    matches outside the candidates show more missed for sure (the sample's whole interval
    below it: ``sample``); else the sample counted by probability (``sample-expected``); else
    the sample's likely matches (``sample``). Every figure stays in the result.
    """
    out = dict(quality)
    out["recall_among_candidates"] = quality["recall"]
    sampled = {"recall": blocking["recall"], "low": blocking["low"], "high": blocking["high"]}
    expected = {"recall": blocking.get("expected", math.nan),
                "low": blocking.get("expected_low", math.nan),
                "high": blocking.get("expected_high", math.nan)}
    if blocking.get("exact"):
        chosen, method = sampled, "exact"
    elif capture is not None and math.isfinite(capture["recall"]):
        chosen, method = capture, "capture-recapture"
        if math.isfinite(sampled["high"]) and sampled["high"] < capture["recall"]:
            chosen, method = sampled, "sample"
    elif math.isfinite(expected["recall"]):
        chosen, method = expected, "sample-expected"
    else:
        chosen, method = sampled, "sample"
    if capture is not None:
        out["blocking_sources"] = capture["sources"]
        out["blocking_missed_matches"] = capture["missed_matches"]
    out["blocking_recall"] = chosen["recall"]
    out["blocking_recall_low"] = chosen["low"]
    out["blocking_recall_high"] = chosen["high"]
    out["blocking_recall_method"] = method
    out["blocking_recall_sampled"] = sampled["recall"]
    out["blocking_recall_sampled_low"] = sampled["low"]
    out["blocking_recall_sampled_high"] = sampled["high"]
    out["blocking_recall_expected"] = expected["recall"]
    out["blocking_recall_expected_low"] = expected["low"]
    out["blocking_recall_expected_high"] = expected["high"]
    out["blocking_sample_records"] = blocking["sample_records"]
    out["blocking_likely_outside"] = blocking["likely_outside"]
    out["blocking_expected_outside"] = blocking.get("expected_outside", math.nan)
    r_b = chosen["recall"]
    if math.isfinite(r_b) and math.isfinite(quality["recall"]):
        out["recall"] = quality["recall"] * r_b
        p, r = quality["precision"], out["recall"]
        out["f1"] = 2 * p * r / (p + r) if math.isfinite(p) and p + r > 0 else math.nan
    return out


def _json_float(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


# --------------------------------------------------------------------------- stages


def _load(ds: DatasetLike, which: str, mapped_dir: str | os.PathLike[str] | None = None
          ) -> tuple[EncodedDataset, str]:
    if isinstance(ds, EncodedDataset):
        return ds, which
    if isinstance(ds, str | os.PathLike):
        return read_any(ds, mapped_dir=mapped_dir), f"{which} ({Path(ds).name})"
    raise ParameterError(f"the {which} dataset must be an EncodedDataset or a file path")


def _file_source(given: DatasetLike, ds: EncodedDataset, engine: str,
                 mapped_dir: str | os.PathLike[str] | None = None) -> FileSource | None:
    """On dask, a linkcore file given by path is read by the workers themselves (their rows).

    With ``mapped_dir`` the workers keep the filter columns of those rows in scratch files
    there, as this process does (the folder must exist at that path on every worker).
    """
    if engine != "dask" or not isinstance(given, str | os.PathLike) or ds.meta.source != "linkcore":
        return None
    return FileSource.of(given, mapped_dir)


def _check_options(threshold: float, one_to_one: str, engine: str) -> float:
    if isinstance(threshold, bool | np.bool_):  # float(True) is 1.0: a flag is no probability
        raise ParameterError("threshold must be a number between 0 and 1, not True or False")
    if isinstance(threshold, str | bytes):  # float("0.9") reads, but a str is no number here
        raise ParameterError("threshold must be a number between 0 and 1, not text")
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ParameterError("threshold must be a number between 0 and 1") from None
    if not 0.0 <= t <= 1.0 or math.isnan(t):
        raise ParameterError(f"threshold must lie between 0 and 1 (a match probability), got {t:g}")
    if one_to_one not in _resolve.ONE_TO_ONE_MODES:
        raise ParameterError(
            f"unknown one-to-one mode {one_to_one!r}; choose one of "
            f"{', '.join(_resolve.ONE_TO_ONE_MODES)}"
        )
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return t


def _check_seed(seed: int) -> int:
    """Check a seed is a whole number of at least 0 (numpy's generators take nothing else)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be a whole number, not a {type(seed).__name__}")
    if seed < 0:
        raise ParameterError("seed must be at least 0")
    return int(seed)


#: The model's training record of the schema its encodings had (``link(model=...)`` checks it).
SCHEMA_FINGERPRINT = "schema_fingerprint"


def _model_comparisons(model: FellegiSunterModel | None, default: list[FieldComparison],
                       fingerprint: str = "") -> list[FieldComparison]:
    """Return the comparisons to score with: the model's, refused if it knew another schema."""
    if model is None:
        return default
    if not isinstance(model, FellegiSunterModel):
        raise ParameterError("model must be a FellegiSunterModel (load one with from_json)")
    trained_on = model.training.get(SCHEMA_FINGERPRINT)
    if fingerprint and isinstance(trained_on, str) and trained_on != fingerprint:
        raise ModelError(
            f"the model was trained on encodings of schema {trained_on[:12]}, these datasets are "
            f"of schema {fingerprint[:12]}: its weights would score other encodings; train a "
            "model on these datasets")
    have = {c.field for c in default}
    if any(c.field == "clk" for c in model.comparisons):
        have.add("clk")
    absent = [c.field for c in model.comparisons if c.field not in have]
    if absent:
        raise ModelError(
            f"the model compares field(s) {', '.join(absent)} that the datasets do not hold "
            f"(they hold {', '.join(sorted(have))}); train a model on these datasets"
        )
    return list(model.comparisons)


def random_pairs(n_a: int, n_b: int, k: int, seed: int, *, within: bool = False
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``k`` random pairs (all pairs when there are at most ``k``), for estimating u.

    ``within``: the two sides are one file of ``n_a`` records (deduplication): pairs
    ``left < right`` of distinct records, drawn from the n(n-1)/2 such pairs.
    """
    if within:
        return _random_pairs_within(n_a, k, seed)
    total = n_a * n_b
    if total <= k:
        codes = np.arange(total, dtype=np.int64)
        return codes // max(n_b, 1), codes % max(n_b, 1)
    rng = np.random.default_rng(seed)
    return (rng.integers(0, n_a, size=k, dtype=np.int64),
            rng.integers(0, n_b, size=k, dtype=np.int64))


def _random_pairs_within(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``k`` random pairs i < j of one file's records (all of them when there are at most k)."""
    if n * (n - 1) // 2 <= k:
        left, right = np.triu_indices(n, 1)
        return left.astype(np.int64), right.astype(np.int64)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, size=k, dtype=np.int64)
    b = rng.integers(0, n - 1, size=k, dtype=np.int64)
    b += b >= a  # uniform over the other n - 1 records: never a record with itself
    return np.minimum(a, b), np.maximum(a, b)


@dataclass(frozen=True)
class Scorer:
    """Match weight of each row of levels: the model's, then the salt and dependence corrections.

    Applied row by row, so a pattern gets the same weight as every pair that has it.
    """

    model: FellegiSunterModel
    salt: SaltDependence
    dependence: ExactDependence
    comparisons: tuple[FieldComparison, ...]

    def __call__(self, levels: np.ndarray) -> np.ndarray:
        """Weights of the rows."""
        w = self.model.match_weights(levels)
        w = self.salt.adjust(w, levels, self.comparisons)
        return self.dependence.adjust(w, levels, self.comparisons)


class _LazyComparator:
    """A one-process Comparator made on first use (``LinkResult.explain`` after the run)."""

    def __init__(self, ds_a: EncodedDataset, ds_b: EncodedDataset,
                 comparisons: Sequence[FieldComparison], chunk_size: int):
        self._args = (ds_a, ds_b, tuple(comparisons), chunk_size)
        self._made: Comparator | None = None
        self.comparisons = tuple(comparisons)

    def levels(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Comparison levels of the pairs."""
        if self._made is None:
            a, b, comps, chunk = self._args
            self._made = Comparator(a, b, comps, chunk_size=chunk)
        return self._made.levels(left, right)


def _quality(threshold: float, n_candidates: int, n_accepted: int, tp: float,
             total: float) -> dict[str, float]:
    """model.estimate_quality from sums: Σ p over the accepted and over all candidates."""
    return quality_from_sums(threshold, n_candidates, n_accepted, tp, max(total - tp, 0.0))


def _histograms(prob: np.ndarray, weights: np.ndarray,
                counts: np.ndarray | None = None) -> dict[str, Any]:
    """Histograms of probability and weight; ``counts``: how many pairs each entry stands for."""
    edges = np.linspace(0.0, 1.0, 21)
    hist, _ = np.histogram(prob, bins=edges, weights=counts)
    out: dict[str, Any] = {"probability": {"edges": edges.tolist(),
                                           "counts": hist.astype(np.int64).tolist()}}
    if weights.size:
        lo, hi = math.floor(float(weights.min())), math.ceil(float(weights.max()))
        w_edges = np.arange(lo, max(hi, lo + 1) + 1, dtype=np.float64)
        w_counts, _ = np.histogram(weights, bins=w_edges, weights=counts)
        out["match_weight"] = {"edges": w_edges.tolist(),
                               "counts": w_counts.astype(np.int64).tolist()}
    return out


# --------------------------------------------------------------------------- training

#: Pairs per training session (larger blocks are sub-sampled by record).
SESSION_PAIRS = 2_000_000

#: A field whose values agree exactly in more than this share of random pairs (sex, town) is
#: too unspecific to train on: its block would be mostly non-matches.
SESSION_MAX_U_EXACT = 0.02


@dataclass(frozen=True)
class Session:
    """One training session: EM on pairs that agree exactly on one field (left out of the fit)."""

    field: str
    pairs: int
    excluded: tuple[str, ...]
    lambda_: float
    converged: bool
    iterations: int
    used: bool
    reason: str = ""
    expected_matches: float = math.nan
    share: float = 1.0
    present: float = 1.0
    held: tuple[str, ...] = ()
    flat: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        out = {"field": self.field, "pairs": self.pairs, "excluded": list(self.excluded),
               "lambda": _json_float(self.lambda_), "converged": self.converged,
               "iterations": self.iterations, "used": self.used, "reason": self.reason,
               "expected_matches": _json_float(self.expected_matches),
               "sampled_share": self.share, "m_held_at_prior": list(self.held)}
        if self.flat:
            out["matches_agree_no_more_on"] = list(self.flat)
        return out


#: A session's match class must agree exactly on a field at least this many times as often as
#: its non-matches do, for every field compared in enough of its pairs.
IDENTITY_MIN_RATIO = 1.5
#: ... in at least this many of the session's pairs.
IDENTITY_MIN_PAIRS = 20


def _flat_fields(sub: FellegiSunterModel, levels: np.ndarray, skip: Sequence[str]) -> list[str]:
    """Fields on which a session's fitted match class agrees no more than its non-matches."""
    m, u = sub.m or {}, sub.u or {}
    out = []
    for j, f in enumerate(sub.fields):
        if f in skip:
            continue
        if int((levels[:, j] != MISSING_LEVEL).sum()) < IDENTITY_MIN_PAIRS:
            continue
        if float(m[f][1]) < IDENTITY_MIN_RATIO * float(u[f][1]):
            out.append(f)
    return out


def _max_lambda(cap: int, n_candidates: int) -> float | None:
    """Return the largest share of the candidates that can be matches (None: any share)."""
    return cap / n_candidates if 0 < cap < n_candidates else None


def train_unsupervised(
    model: FellegiSunterModel,
    comparator: Comparator,
    ds_a: EncodedDataset,
    ds_b: EncodedDataset,
    candidate_levels: np.ndarray | PatternCounts,
    *,
    all_pairs: bool,
    u_pairs: int = DEFAULT_U_PAIRS,
    seed: int = 0,
    em_max_iter: int = 200,
    session_pairs: int = SESSION_PAIRS,
    scoring_u: str = "random",
    within: bool = False,
    max_matches: int | None = None,
) -> EMResult:
    """Fit u, m and λ without labels (the defaults behind ``link``).

    1. u from the levels of random pairs, which are nearly all non-matches.
    2. m by EM in *training sessions*, as Splink trains on blocking rules: for each field f
       that is specific enough, take the pairs whose f filters are identical (all such pairs,
       sub-sampled by record beyond ``session_pairs``), leave f (and its salt field) out, and fit
       m and the block's λ with u fixed. Non-matches in such a block are random pairs as far as
       the other fields go, so the u from random pairs is right for them; on the candidate pairs
       of a blocking step it is not (they agree more than random pairs by construction), which
       drives EM to split candidates by area instead of by person. Each field's m is the
       average over the sessions that fitted it, weighted by expected matches times the block's
       match share λ_s (purer blocks give cleaner m). A session that finds more matches than
       the smaller side has records is discarded: it split its block by something else; so is
       one whose matches agree on a field no more than its non-matches (``_flat_fields``), and
       with none left m is held at the prior (``_fit_at_prior``).
    3. λ over all pairs (Splink's ``probability_two_random_records_match``): the number of
       matches over ``n_a n_b``. Each session found E_s matches in its block; a match lands in
       the block when f is present on both sides and agrees exactly, so E_s / (P(present) ·
       m_f[exact]) estimates all matches, with m_f from the *other* sessions. The median over
       sessions is used (capped at the smaller side's size).
    4. Scoring (``scoring_u``): by default with the random-pair u and the λ over all pairs,
       like Splink. ``"candidates"`` scores within the candidates instead: λ_c = matches /
       candidates and u re-estimated as the candidates' level frequencies less λ_c·m. That
       helped while blocking made millions of candidates sharing an area (keys ∪ LSH) and the
       schema compared street, town and postcode (household members scored as matches); with
       field-agreement blocking and the postcode alone it ranks worse. Measured on the
       synthetic 50,000-person moderate pair (F1 of pairs with p >= 0.5): random-pair u
       0.9809, candidate u 0.9763; FEBRL4 (greedy): 0.9999 and 0.9992.

    With a single comparison (CLK only) there is nothing to leave out: EM fits m, u and λ on
    the candidates, starting from the random-pair u (with u fixed it matched nothing on a
    CLK-only 20,000-person pair; free, F1 0.85). When no session is usable, plain EM (m and λ;
    u fixed from random pairs) runs on the candidates. (Plain EM on all pairs of small
    inputs was tried and split them by household: F1 0.57 on 800 x 800 synthetic records.)

    ``within``: ``ds_a`` and ``ds_b`` are one file (deduplication, linkage/dedupe.py): random
    pairs, training blocks and counts take the pairs i < j of distinct records, and λ is the
    matches over n(n-1)/2 pairs, not n². ``max_matches``: the most matches there can be
    (default: the smaller side's size; several files pooled hold more, see dedupe.py); a
    session that finds more is discarded, and the estimate is capped there.
    """
    if scoring_u not in ("random", "candidates"):
        raise ParameterError("scoring_u must be 'random' or 'candidates'")
    n_a, n_b = len(ds_a), len(ds_b)
    rl, rr = random_pairs(n_a, n_b, u_pairs, seed, within=within)
    model.estimate_u(comparator.levels(rl, rr))
    cap = min(n_a, n_b) if max_matches is None else max_matches
    if len(model.comparisons) < 2:
        return model.fit_em(candidate_levels, max_iter=em_max_iter, fix_u=False,
                            initial_lambda=_initial_lambda(n_a, n_b, len(candidate_levels)),
                            max_lambda=_max_lambda(cap, len(candidate_levels)))
    u = model.u or {}
    fields = model.fields
    schema = ds_a.schema
    rng = np.random.default_rng([seed, 1])
    sessions: list[Session] = []
    m_sum = {f: None for f in fields}
    m_weight = dict.fromkeys(fields, 0.0)
    blind: set[str] = set()  # fields some session could not identify (m_prior)
    gated = tuple(f for fs in gated_fields(model, ds_a).values() for f in fs)
    for name in fields:
        if name not in ds_a.fields:
            continue
        u_exact = float(u[name][1])
        if u_exact > SESSION_MAX_U_EXACT:
            sessions.append(Session(name, 0, (name,), math.nan, False, 0, False,
                                    f"agrees in {u_exact:.1%} of random pairs"))
            continue
        excluded = [name]
        if schema is not None:
            spec = schema.field(name)
            if spec.salt is not None and spec.salt.field in fields and spec.salt.field != name:
                excluded.append(spec.salt.field)
        ka, kb = field_keys(ds_a, name), field_keys(ds_b, name)
        left, right, share = equal_filter_pairs(ka, kb, session_pairs, rng, within=within)
        if left.size < 20:
            sessions.append(Session(name, int(left.size), tuple(excluded), math.nan, False, 0,
                                    False, "too few pairs"))
            continue
        levels = comparator.levels(left, right)
        for f in excluded:
            levels[:, fields.index(f)] = 0
        held = unidentified_fields(levels, fields, excluded)
        blind.update(held)
        free_u = salted_by(schema, fields, name)
        # the fields salted by this block's field start from the same-salt prior, not from the
        # random pairs' u, which counts this block's matches (see gated_u.py)
        sub = FellegiSunterModel(model.comparisons, u={
            **u, **{f: prior_u(model.n_levels[fields.index(f)]) for f in free_u}})
        res = sub.fit_em(levels, max_iter=em_max_iter, free_u=free_u,
                         initial_lambda=_initial_lambda(n_a, n_b, left.size),
                         fixed_m={f: prior_m(model.n_levels[fields.index(f)]) for f in held})
        expected = res.lambda_ * left.size
        # one match per record at most (a few duplicates aside): a session that finds more
        # has split its block by something other than identity (a shared address or area);
        # every record of the smaller side matched is no split (EM's λ lands a hair above it)
        bound = (cap + 0.5) * share
        flat = _flat_fields(sub, levels, [*excluded, *held, *(set(gated) - set(free_u))])
        used = bool(res.iterations > 0 and np.isfinite(expected) and expected >= 5
                    and expected <= bound and not res.message and not flat)
        if res.iterations == 0:
            reason = "EM skipped"
        elif flat:
            reason = (f"its matches agree on {', '.join(flat)} no more often than its "
                      f"non-matches: the block splits by something other than identity")
        elif expected > bound:
            most = (f"{cap} records of the smaller side" if max_matches is None
                    else f"{cap} there can be")
            reason = (f"found {expected / share:.0f} expected matches, more than the "
                      f"{most}: the block splits by something other than identity")
        else:
            reason = res.message
        present = float((ka != 0).mean() * (kb != 0).mean())
        sessions.append(Session(name, int(left.size), tuple(excluded), res.lambda_,
                                res.converged, res.iterations, used, reason, expected, share,
                                present, tuple(held), tuple(flat)))
        if not used:
            continue
        # weight: expected matches times the block's purity λ_s. In a block that is mostly
        # non-matches a few of them mistaken for matches (household members who share an
        # address) move m a lot; a block that is mostly matches (equal identifiers, equal dates
        # of birth) gives a clean m.
        weight = expected * res.lambda_
        sub_m = sub.m or {}
        for f in fields:
            if f in excluded or f in held:
                continue
            table = np.asarray(sub_m[f], dtype=np.float64)
            m_sum[f] = table * weight if m_sum[f] is None else m_sum[f] + table * weight
            m_weight[f] += weight
    model.training["sessions"] = [s.to_dict() for s in sessions]
    untrained = [f for f in fields if m_weight[f] == 0]
    if len(untrained) == len(fields):
        logger.warning("no training session was usable; falling back to EM on the candidates")
        if gated:  # their random-pair u counts the matches in the salt's blocks: a prior instead
            model.set_parameters(u={f: prior_u(model.n_levels[fields.index(f)]) for f in gated})
            model.training.pop("set_parameters", None)
            model.training.setdefault("u", {})["same_salt_at_prior"] = list(gated)
        if any(s.flat for s in sessions):  # EM on these pairs finds that split again
            return _fit_at_prior(model, candidate_levels, n_a, n_b, cap, within)
        # at least one pair per free parameter (m of every field, and λ), else the starting
        # point (m decaying from exact, u of random pairs) is kept
        return model.fit_em(candidate_levels, max_iter=em_max_iter,
                            initial_lambda=_initial_lambda(n_a, n_b, len(candidate_levels)),
                            max_lambda=_max_lambda(cap, len(candidate_levels)),
                            min_pairs=1 + sum(k - 2 for k in model.n_levels))
    initial = model._initial_m()  # noqa: SLF001 - the model's own starting point
    m = {}
    at_prior = [f for f in untrained if f in blind]
    for k, f in enumerate(fields):
        if f in at_prior:
            m[f] = prior_m(model.n_levels[k])
            continue
        table = m_sum[f] / m_weight[f] if m_weight[f] else initial[k]
        m[f] = (table[1:] / table[1:].sum()).tolist()
    if at_prior:
        logger.info("no training session can identify m of %s (where it differs, no other "
                    "field is compared); held at the prior: exact in %.0f%% of true pairs",
                    ", ".join(at_prior), 100 * PRIOR_EXACT)
        model.training["m_prior"] = {"fields": at_prior, "exact": PRIOR_EXACT}
    untrained = [f for f in untrained if f not in at_prior]
    if untrained:
        logger.warning("no training session fitted m for %s; it keeps its starting values",
                       ", ".join(untrained))
    model.set_parameters(m=m, lambda_=0.5)
    # λ: each session saw E_s matches among the pairs whose f filters are identical; a match
    # lands there with probability P(f present on both sides) * m_f[exact] * (sampled share),
    # so E_s / that estimates all the matches. m_f[exact] comes from the other sessions only.
    estimates = []
    fitted_m = model.m or {}
    for sess in sessions:
        if not sess.used or (m_weight[sess.field] == 0 and sess.field not in at_prior):
            continue
        reach = sess.present * float(fitted_m[sess.field][1]) * sess.share
        if reach > 0:
            estimates.append(sess.expected_matches / reach)
    patterns, counts = as_pattern_counts(candidate_levels, model.n_levels)
    n_cand = int(candidate_levels.shape[0])
    if estimates:
        matches = float(np.median(estimates))
        method = "median over training sessions of expected matches / P(block holds a match)"
    else:
        base = model.match_weights(patterns) - model.prior_weight if n_cand else np.zeros(0)
        lam_c = lambda_fixed_point(base, counts.astype(np.float64))[0] if n_cand else 0.0
        matches = lam_c * n_cand
        method = "expected matches among the candidate pairs"
    matches = float(np.clip(matches, 1.0, min(n_a, n_b) if max_matches is None
                            else max(max_matches, 1)))
    all_pairs_n = n_a * (n_a - 1) // 2 if within else n_a * n_b
    lam_global = float(np.clip(matches / max(all_pairs_n, 1), 1e-12, 0.5))
    model.set_parameters(lambda_=lam_global)
    u_scope = "random pairs"
    if scoring_u == "candidates" and n_cand > matches:
        # score candidates against the non-matches *among the candidates* (see step 4)
        lam_c = matches / n_cand
        model.set_parameters(u=_candidate_u(model, candidate_levels, lam_c), lambda_=lam_c)
        u_scope = "candidate pairs"
    model.training.pop("set_parameters", None)
    model.training["lambda"] = {
        "method": method,
        "estimated_matches": matches,
        "session_estimates": [round(e, 1) for e in estimates],
        "scope": "candidate pairs" if u_scope == "candidate pairs" else "all pairs",
    }
    model.training["u"] = {**model.training.get("u", {}), "scoring_u": u_scope}
    if u_scope == "random pairs":
        counted = exact_agreement_u(model, ds_a, ds_b, candidate_levels,
                                    max_u_exact=SESSION_MAX_U_EXACT, skip=gated, within=within)
        if counted:
            model.training["u"]["exact_counted_over_all_pairs"] = counted
        if gated:
            model.training["u"]["same_salt"] = estimate_gated_u(model, comparator, ds_a, ds_b,
                                                                seed=seed, within=within)
            if not estimates and n_cand:  # λ came from the candidates' weights, which the
                # gated fields' random-pair u had flattened (it counts their blocks' matches)
                base = model.match_weights(patterns) - model.prior_weight
                lam_c = lambda_fixed_point(base, counts.astype(np.float64))[0]
                matches = float(np.clip(lam_c * n_cand, 1.0, min(n_a, n_b) if max_matches is None
                                        else max(max_matches, 1)))
                lam_global = float(np.clip(matches / max(all_pairs_n, 1), 1e-12, 0.5))
                model.set_parameters(lambda_=lam_global)
                model.training.pop("set_parameters", None)
                model.training["lambda"]["estimated_matches"] = matches
                model.training["lambda"]["after"] = "the same-salt u"
    pooled = _hold_monotone(model, skip=at_prior)
    if pooled:
        model.training["monotone"] = {"fields_pooled": pooled}
    iterations, converged = len(sessions), True
    result = EMResult(converged, iterations, math.nan, float(model.lambda_ or lam_global), n_cand,
                      int(patterns.shape[0]), 0.0,
                      f"m from {sum(s.used for s in sessions)} training session(s); "
                      f"about {matches:.0f} matches expected; u and λ for scoring from the "
                      f"{u_scope}")
    model.em_result = result
    model.training["em"] = result.to_dict()
    return result


def _fit_at_prior(model: FellegiSunterModel, candidate_levels: np.ndarray | PatternCounts,
                  n_a: int, n_b: int, cap: int, within: bool) -> EMResult:
    """Hold every m at the prior and fit λ over all pairs: no session found a match class.

    Where every training session split its block by something other than identity (in a file
    with few or no duplicates, the pairs that share a postcode are housemates, and those that
    share a date of birth twins or strangers), EM on the candidates finds the same split. m is
    then the stated prior (m_prior.prior_m) and λ maximises the likelihood of all pairs, the
    pairs outside the candidates counted as non-matches: on a file of 2,000 people and no
    duplicates, EM on the candidates had matched 139 pairs at probability 0.999 (helper-68).
    """
    fields = model.fields
    model.set_parameters(m={f: prior_m(model.n_levels[k]) for k, f in enumerate(fields)},
                         lambda_=0.5)
    patterns, counts = as_pattern_counts(candidate_levels, model.n_levels)
    all_pairs_n = n_a * (n_a - 1) // 2 if within else n_a * n_b
    outside = max(all_pairs_n - int(counts.sum()), 0)
    base = model.match_weights(patterns) - model.prior_weight
    lam = lambda_fixed_point(np.append(base, -np.inf), np.append(counts, outside)
                             .astype(np.float64))[0]
    lam = float(np.clip(lam, 1e-12, min(0.5, max(cap, 1) / max(all_pairs_n, 1))))
    model.set_parameters(lambda_=lam)
    model.training.pop("set_parameters", None)
    logger.warning("no training session found pairs that agree as one person's records do (the "
                   "blocks split by household or by chance); m held at the prior for every "
                   "field: the files may hold few or no matches")
    model.training["m_prior"] = {"fields": list(fields), "exact": PRIOR_EXACT}
    model.training["lambda"] = {"method": "all pairs, m at the prior",
                                "estimated_matches": lam * all_pairs_n, "session_estimates": [],
                                "scope": "all pairs"}
    message = (f"m at the prior (no session found a match class); about "
               f"{lam * all_pairs_n:.0f} matches expected")
    result = EMResult(True, 0, math.nan, lam, int(counts.sum()), int(patterns.shape[0]), 0.0,
                      message)
    model.em_result = result
    model.training["em"] = result.to_dict()
    return result


def _hold_monotone(model: FellegiSunterModel, skip: Sequence[str]) -> list[str]:
    """Pool m where m/u rises with agreement against the u that scores; return those fields.

    The sessions' EM held m monotone against the random pairs' u, but u is replaced after it
    (counted exact agreement, same-salt blocks, within-file pairs, candidate pairs), which can
    break the order again. ``skip``: fields whose m is a stated prior.
    """
    m, u = model.m or {}, model.u or {}
    changed = {}
    for f in model.fields:
        if f in skip:
            continue
        table = monotone_m(np.asarray(m[f], dtype=np.float64), np.asarray(u[f], dtype=np.float64))
        if not np.allclose(table, m[f], rtol=0.0, atol=1e-15):
            changed[f] = (table[1:] / table[1:].sum()).tolist()
    if changed:
        model.set_parameters(m=changed)
        model.training.pop("set_parameters", None)
    return sorted(changed)


def salted_by(schema: Any, fields: Sequence[str], salt: str) -> tuple[str, ...]:
    """Return the fields salted by ``salt``, whose u its training block fits, not random pairs.

    A random pair shares a whole-value salt about as rarely as it is a true match, so the random
    pairs' u of a field salted by it is mostly the matches' own agreement: on the second held-out
    pair, 45 of 500,000 random pairs shared a date of birth, and their first names agreed in 42 %.
    """
    if schema is None:
        return ()
    specs = {spec.name: spec for spec in schema.fields}
    return tuple(f for f in fields
                 if f != salt and f in specs and specs[f].salt is not None
                 and specs[f].salt.field == salt)


def _candidate_u(model: FellegiSunterModel, levels: np.ndarray | PatternCounts, lam: float
                 ) -> dict[str, list[float]]:
    """Return u among candidate pairs: their level frequencies less the matches' share λ·m."""
    out = {}
    m, u = model.m or {}, model.u or {}
    patterns, counts = as_pattern_counts(levels, model.n_levels)
    for j, c in enumerate(model.comparisons):
        freq = np.bincount(patterns[:, j], weights=counts,
                           minlength=c.n_levels)[1:].astype(np.float64)
        if freq.sum() == 0:
            out[c.field] = [float(x) for x in u[c.field][1:]]
            continue
        freq /= freq.sum()
        est = np.maximum(freq - lam * np.asarray(m[c.field][1:]), 0.0) / (1.0 - lam)
        est = np.maximum(est, 1e-6)
        out[c.field] = (est / est.sum()).tolist()
    return out


def _initial_lambda(n_a: int, n_b: int, n_pairs: int) -> float:
    """Start EM at the most matches there can be: one per record of the smaller side."""
    if n_pairs == 0:
        return 0.01
    return float(np.clip(min(n_a, n_b) / n_pairs, 1e-4, 0.5))


# --------------------------------------------------------------------------- dependence

#: At most this many fields enter the joint exact-agreement correction (2^k subsets).
DEPENDENCE_MAX_FIELDS = 8
#: A set of fields is corrected only when non-matches make at least this share of all the pairs
#: that agree on it: where matches dominate (first name, surname and date of birth together),
#: the count less the expected matches is too uncertain to say anything about non-matches.
DEPENDENCE_MIN_NON_MATCH_SHARE = 0.5


@dataclass(frozen=True)
class ExactDependence:
    """Correction for fields that agree together among non-matches more than independence says.

    The Fellegi–Sunter weight takes fields as independent given match status. Among non-matches
    they are not: members of one household share surname and postcode, so the product of the
    two fields' u understates how often two different people agree on both (on the synthetic
    50,000-person pair by a factor of 48, 5.6 bits), and a household member with another first
    name and no date of birth scored p = 0.79. For each set S of specific fields (exact
    agreement in at most SESSION_MAX_U_EXACT of random pairs) on which some candidate pairs
    agree exactly, the pairs of the two files that agree on S are counted exactly (an equal-key
    count, no pairs made), the expected matches among them (the sum of the uncorrected match
    probabilities of the candidates agreeing on S) are taken off, and the pairs that
    agree exactly on S get ``log2(prod_f u_f / u_S)`` added to their weight, where u_S is that
    count over the pairs with S present on both sides. Only sets where non-matches make at
    least DEPENDENCE_MIN_NON_MATCH_SHARE of the count are corrected, and a correction only ever
    lowers a weight; m is left as it is.
    """

    fields: tuple[str, ...]
    corrections: dict[int, float]

    def subset_codes(self, levels: np.ndarray, comparisons: Sequence[FieldComparison]
                     ) -> np.ndarray:
        """Bit mask of the specific fields each pair agrees on exactly."""
        col = {c.field: j for j, c in enumerate(comparisons)}
        code = np.zeros(levels.shape[0], dtype=np.int64)
        for bit, f in enumerate(self.fields):
            code |= (levels[:, col[f]] == 1).astype(np.int64) << bit
        return code

    def adjust(self, weights: np.ndarray, levels: np.ndarray,
               comparisons: Sequence[FieldComparison]) -> np.ndarray:
        """Weights with each pair's correction added."""
        if not self.corrections or weights.size == 0:
            return weights
        table = np.zeros(1 << len(self.fields))
        for mask, c in self.corrections.items():
            table[mask] = c
        return weights + table[self.subset_codes(levels, comparisons)]

    def for_row(self, levels_row: np.ndarray, comparisons: Sequence[FieldComparison]) -> float:
        """Return the correction of one pair."""
        mask = int(self.subset_codes(levels_row.reshape(1, -1), comparisons)[0])
        return float(self.corrections.get(mask, 0.0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the fields and the correction (bits) of each agreeing set."""
        return {"fields": list(self.fields), "corrections": [
            {"agree": [f for b, f in enumerate(self.fields) if mask >> b & 1],
             "weight": round(c, 4)} for mask, c in sorted(self.corrections.items())]}


def exact_dependence(model: FellegiSunterModel, ds_a: EncodedDataset, ds_b: EncodedDataset,
                     levels: np.ndarray | PatternCounts, prob: np.ndarray, *,
                     within: bool = False) -> ExactDependence:
    """Measure the joint exact-agreement correction for the candidates' agreeing field sets.

    ``levels``: the candidates' levels, or their PatternCounts (then ``prob`` is one per
    pattern). ``prob``: match probabilities before the correction; the matches among the
    pairs agreeing on S are their sum over the candidates that agree on S (blocking keeps
    nearly every match, and any pair agreeing exactly on two specific fields is a candidate).
    ``within``: ``ds_a`` and ``ds_b`` are one file (deduplication): pairs i < j are counted.
    """
    m, u = model.m or {}, model.u or {}
    # a view compared only where its sources are not (compare.fallback_views): its identical
    # filters, counted over all pairs, include pairs whose level says missing
    fallback = {model.fields[j] for j, _ in fallback_views(ds_a, model.fields)}
    fields = tuple(
        c.field for c in model.comparisons
        if c.field in ds_a.fields and c.field in m and c.field in u and len(u[c.field]) > 1
        and float(u[c.field][1]) <= SESSION_MAX_U_EXACT and c.field not in fallback
    )[:DEPENDENCE_MAX_FIELDS]
    dep = ExactDependence(fields, {})
    if len(fields) < 2 or levels.shape[0] == 0 or not model.is_fitted:
        return dep
    if isinstance(levels, PatternCounts):
        prob = prob * levels.counts
        levels = levels.patterns
    masks = dep.subset_codes(levels, model.comparisons)
    space = 1 << len(fields)
    present = np.flatnonzero(np.bincount(masks, minlength=space))
    # expected matches per exact-agreement mask, one pass; a set S sums its supersets
    prob_by_mask = np.bincount(masks, weights=prob, minlength=space)
    all_masks = np.arange(space)
    wanted = [int(x) for x in present if int(x).bit_count() >= 2]
    if not wanted:
        return dep
    counted = agreeing_pair_counts(wanted, [field_keys(ds_a, f) for f in fields],
                                   [field_keys(ds_b, f) for f in fields], within=within,
                                   threads=min(os.cpu_count() or 1, 4))
    corrections: dict[int, float] = {}
    for mask in wanted:
        members = [f for b, f in enumerate(fields) if mask >> b & 1]
        agreeing, present_a, present_b = counted[mask]
        if present_a == 0 or present_b == 0:
            continue
        agree = float(agreeing)
        both = (float(present_a) * (present_a - 1) / 2.0 if within
                else float(present_a) * float(present_b))
        prod_u = math.prod(float(u[f][1]) for f in members)
        expected_matches = float(prob_by_mask[(all_masks & mask) == mask].sum())
        non_match_agree = agree - expected_matches
        if non_match_agree < DEPENDENCE_MIN_NON_MATCH_SHARE * agree or prod_u <= 0:
            continue  # mostly matches agree on S: what is left after them is noise
        u_joint = non_match_agree / max(both - expected_matches, 1.0)
        correction = math.log2(prod_u / u_joint)
        if correction < 0:
            corrections[mask] = correction
    return ExactDependence(fields, corrections)


# --------------------------------------------------------------------------- link


def link(
    a: DatasetLike,
    b: DatasetLike,
    *,
    threshold: float = 0.5,
    one_to_one: str = "greedy",
    blocking: BlockingSpec = "auto",
    model: FellegiSunterModel | None = None,
    engine: str = "local",
    progress: bool = False,
    include_clk: bool = False,
    u_pairs: int = DEFAULT_U_PAIRS,
    em_max_iter: int = 200,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    return_candidates: bool = False,
    client: Any = None,
    partitions: int | None = None,
    on_stage: Callable[[str, dict[str, Any]], None] | None = None,
    dependence_correction: bool = True,
    blocking_recall_budget: int = DEFAULT_BUDGET,
    mapped_dir: str | os.PathLike[str] | None = None,
) -> LinkResult:
    """Link two encoded datasets (EncodedDataset objects or file paths) without labels.

    ``model``: a trained FellegiSunterModel to apply as is (an untrained one is trained).
    The pair stages (candidate generation, comparison, pattern counts, scoring) run over a grid
    of ``partitions`` row ranges per side (linkage/partitions.py): in this process with
    ``engine="local"`` (one range by default), as tasks on ``client`` with ``engine="dask"``
    (an in-process dask.distributed cluster when None; by default as many ranges as the
    cluster has workers, at least MIN_DASK_PARTITIONS). The result is the same, bit for bit,
    whatever the engine and the partitions.
    ``on_stage(name, info)`` is called after each stage (the CLI prints from it).
    ``dependence_correction``: score salted fields and their salt field as one mixture over
    "same salt or not" (see linkage/salt.py), and lower the weight of pairs that agree exactly
    on a set of fields that non-matches share more often than independence says (a household's
    surname and postcode; see ExactDependence).
    ``blocking_recall_budget``: pairs compared outside blocking by the scored sample
    (linkage/blocking_recall.py). Blocking's recall is estimated without labels by
    capture-recapture over the blocking passes (linkage/capture_recapture.py), by the sample
    where that is not defined; the estimated recall includes it. 0 skips every estimate.
    ``mapped_dir``: a folder in which the filter columns of files given by path are kept in
    memory-mapped scratch files instead of in memory (linkcore/mapped.py; for files larger
    than memory, with ``partitions`` so that each cell touches a share of them), and each
    cell's candidate pairs and levels once made; on dask the workers keep there the filters of
    the rows they read and their cells' pairs (the folder must exist at that path on every
    worker), and with every worker on this machine it is also where datasets given as objects
    are written once for the workers to map (a private folder, removed when the link ends; the
    system's temporary folder when None).
    """
    threshold = _check_options(threshold, one_to_one, engine)
    seed = _check_seed(seed)
    if mapped_dir is not None:
        check_mapped_dir(mapped_dir, (a, b))
    if not isinstance(blocking_recall_budget, int) or blocking_recall_budget < 0:
        raise ParameterError("blocking_recall_budget must be a whole number, 0 or more")
    if not isinstance(u_pairs, int) or u_pairs < 1:
        raise ParameterError("u_pairs must be a positive whole number")
    timings: dict[str, float] = {}
    t_start = t0 = time.perf_counter()

    def lap(stage: str, info: dict[str, Any] | None = None, notify: bool = True) -> None:
        nonlocal t0
        release_datasets(ds_a, ds_b)  # mapped filters: a stage's pages are not kept past it
        now = time.perf_counter()
        timings[stage] = now - t0
        t0 = now
        if on_stage is not None and notify:
            on_stage(stage, info or {})

    if _same_input(a, b):
        raise ParameterError("the two datasets are one and the same; to find duplicates within "
                             "one file, use dedupe (linkcore dedupe FILE)")
    ds_a, name_a = _load(a, "first", mapped_dir)
    ds_b, name_b = _load(b, "second", mapped_dir)
    # tagged as read now: a worker that later finds another file there refuses it
    sources = (_file_source(a, ds_a, engine, mapped_dir),
               _file_source(b, ds_b, engine, mapped_dir))
    check_compatible(ds_a, ds_b, (name_a, name_b))
    refuse_same_records((ds_a, ds_b))
    n_a, n_b = len(ds_a), len(ds_b)
    lap("load", {"n_a": n_a, "n_b": n_b})

    comparisons = _model_comparisons(model, comparisons_for(ds_a, include_clk=include_clk),
                                     ds_a.meta.schema_fingerprint)
    n_levels = [c.n_levels for c in comparisons]
    with pair_engine(engine, client, partitions, sources, (ds_a, ds_b), mapped_dir) as (
            eng, partitions, shared):
        reading = read_ahead(eng, n_a, n_b, partitions, sources)  # the workers, meanwhile
        plan = plan_blocking(ds_a, ds_b, blocking)
        lap("blocking", notify=False)  # the plan; its pairs are counted in the cells
        stages = PairStages.start(eng, ds_a, ds_b, plan, comparisons, partitions, chunk_size,
                                  shared(), reading=reading, spill_dir=mapped_dir)
        del reading  # the parts hold the rows now
        return _link_stages(
            stages, ds_a, ds_b, comparisons, n_levels, lap, on_stage, timings, t_start,
            threshold=threshold, one_to_one=one_to_one, model=model, progress=progress,
            u_pairs=u_pairs, em_max_iter=em_max_iter, seed=seed, chunk_size=chunk_size,
            return_candidates=return_candidates, dependence_correction=dependence_correction,
            blocking_recall_budget=blocking_recall_budget)


def _same_input(a: DatasetLike, b: DatasetLike) -> bool:
    """Whether two inputs are one dataset object or one file (each record would match itself).

    One empty dataset given twice is not refused: it has no record to match.
    """
    if a is b:
        return not (isinstance(a, EncodedDataset) and len(a) == 0)
    if isinstance(a, str | os.PathLike) and isinstance(b, str | os.PathLike):
        try:
            return os.path.samefile(a, b)
        except OSError:  # one is missing: reading it says so
            return False
    return False


def refuse_same_records(datasets: Sequence[EncodedDataset]) -> None:
    """Refuse two loaded datasets that hold the same records (ParameterError)."""
    for i in range(len(datasets)):
        for j in range(i):
            if same_records(datasets[j], datasets[i]):
                raise ParameterError(
                    f"datasets {j + 1} and {i + 1} hold the same records (the same ids and "
                    "encodings): give each file once; to find duplicates within one file, use "
                    "dedupe (linkcore dedupe FILE)")


def refuse_repeated_inputs(datasets: Sequence[DatasetLike]) -> None:
    """Refuse one dataset object or one file given twice among several (ParameterError)."""
    for i in range(len(datasets)):
        if any(_same_input(datasets[i], datasets[j]) for j in range(i)):
            raise ParameterError(f"dataset {i + 1} is given twice; give each file once")


@contextlib.contextmanager
def pair_engine(engine: str, client: Any, partitions: int | None, sources: tuple[Any, ...],
                datasets: tuple[EncodedDataset, ...],
                mapped_dir: str | os.PathLike[str] | None = None, extra_partitions: int = 0
                ) -> Iterator[tuple[Any, int, Callable[[], tuple[Any, ...]]]]:
    """Yield the engine, the partitions and a call giving each dataset's source; clean up after.

    ``partitions`` None: 1 locally; on dask MIN_DASK_PARTITIONS or one per worker, plus
    ``extra_partitions``. On dask with every worker on this machine, the datasets without a source
    (no file) are written for the workers to map, in a private folder removed at the end (the key
    columns of every side go there too: ``PairStages.start``); the writing runs in a thread of its
    own while the caller plans the blocking (at 10^6 records a side, 1.8 GB that took 5 s, mostly
    waiting on the disk), and the call waits for it.
    """
    eng = make_engine(engine, client)
    shared_dir = None
    writing = None
    try:
        if partitions is None:
            partitions = 1 if eng.name == "local" else max(MIN_DASK_PARTITIONS,
                                                           len(eng.slots())) + extra_partitions
        if eng.name == "dask" and eng.workers_on_this_machine():
            shared_dir = tempfile.mkdtemp(prefix="linkcore-shared-", dir=mapped_dir)
            writing = concurrent.futures.ThreadPoolExecutor(1, "linkcore-share")
            pending = writing.submit(shared_sources, sources, datasets, shared_dir)
            yield eng, partitions, pending.result
        else:
            yield eng, partitions, lambda: sources
    finally:
        if writing is not None:  # the folder goes only once nothing writes into it
            writing.shutdown(wait=True, cancel_futures=True)
        eng.close()
        if shared_dir is not None:  # the workers' mapped rows: encodings, never kept
            shutil.rmtree(shared_dir, ignore_errors=True)


def shared_sources(sources: tuple[Any, ...], datasets: tuple[EncodedDataset, ...],
                   folder: str) -> tuple[Any, ...]:
    """Write the datasets that have no file for workers on this machine to map (one error).

    The files' sources get the folder for their key columns (``FileSource.keys_folder``).
    """
    try:
        return tuple(share_dataset(ds, folder, f"d{k}") if src is None
                     else dataclasses.replace(src, keys_folder=folder)
                     for k, (src, ds) in enumerate(zip(sources, datasets, strict=True)))
    except OSError as exc:
        raise OutputError(
            f"cannot write the encodings shared with the dask workers into {folder} "
            f"({exc.strerror or type(exc).__name__}); pass mapped_dir, a folder with room, "
            "or link the encoded files by path"
        ) from None


#: The fewest partitions per side (cells: its square) for the dask engine when none are given;
#: by default one per worker, so each worker gets one range of the first file against all of
#: the second. At 10^6 a side on 2 workers, 2 ranges linked in 48.9-50.0 s and 4 ranges in
#: 61.7-63.0 s (fewer cells sort and probe each part's keys fewer times; docs/scale.md).
MIN_DASK_PARTITIONS = 2


def _link_stages(stages: PairStages, ds_a: EncodedDataset, ds_b: EncodedDataset,
                 comparisons: list[FieldComparison], n_levels: list[int],
                 lap: Callable[..., None],
                 on_stage: Callable[[str, dict[str, Any]], None] | None,
                 timings: dict[str, float],
                 t_start: float, *, threshold: float, one_to_one: str,
                 model: FellegiSunterModel | None, progress: bool, u_pairs: int,
                 em_max_iter: int, seed: int, chunk_size: int, return_candidates: bool,
                 dependence_correction: bool, blocking_recall_budget: int) -> LinkResult:
    """Run the stages after blocking's plan: cells, training, scoring, resolution."""
    n_a, n_b = len(ds_a), len(ds_b)
    cells = run_pair_cells(stages, n_levels, progress)
    cand, n_cand = cells.candidates, cells.candidates.n_pairs
    stats = pair_stats(n_a, n_b, rule_stats(stages.plan, cells.rule_counts, cells.rule_seconds),
                       n_cand)
    if on_stage is not None:
        on_stage("blocking", stats)
    lap("compare", cells.info())
    fit = fit_and_score(stages, ds_a, ds_b, cand, comparisons, lap, model=model,
                        u_pairs=u_pairs, em_max_iter=em_max_iter, seed=seed,
                        dependence_correction=dependence_correction,
                        all_pairs=n_cand == n_a * n_b)
    fitted, scorer, salt, dependence = fit.model, fit.scorer, fit.salt, fit.dependence
    p_pat, w_pat = fit.p_patterns, fit.w_patterns

    if fitted.is_fitted:
        codes_t, prob_t, weights_t = stages.accepted(scorer, threshold)
    else:
        codes_t, prob_t, weights_t = np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    left_t, right_t = codes_t // max(n_b, 1), codes_t % max(n_b, 1)
    # ties broken by record id, so the links do not depend on the order of the rows
    accepted = stages.resolve(*_resolve.pairs_by_id(left_t, right_t, ds_a.record_ids,
                                                    ds_b.record_ids), prob_t, threshold,
                              one_to_one)
    tp = float(prob_t[accepted].sum())
    total = float((p_pat * cand.counts).sum()) if n_cand else 0.0
    quality = _quality(threshold, n_cand, int(accepted.sum()), tp, total)
    if fitted.is_fitted and blocking_recall_budget > 0:
        quality = with_blocking_recall(quality, *blocking_recall_of_stages(
            stages, scorer, ds_a.schema, all_pairs=n_cand == n_a * n_b,
            budget=blocking_recall_budget, threshold=threshold, seed=seed))
    ids_a, ids_b = ds_a.record_ids, ds_b.record_ids
    keep = np.flatnonzero(accepted)
    order = keep[np.lexsort((right_t[keep], left_t[keep], -prob_t[keep]))]
    matches = pd.DataFrame({
        "id_a": ids_a[left_t[order]].astype(object),
        "id_b": ids_b[right_t[order]].astype(object),
        "probability": prob_t[order],
        "match_weight": weights_t[order],
    })
    table = None
    if return_candidates:
        codes_c, levels_c, weights_c = stages.table(scorer)
        if not fitted.is_fitted:
            weights_c = np.zeros(0)
        left_c, right_c = codes_c // max(n_b, 1), codes_c % max(n_b, 1)
        table = pd.DataFrame({"id_a": ids_a[left_c], "id_b": ids_b[right_c]})
        for j, c in enumerate(comparisons):
            table[f"level_{c.field}"] = levels_c[:, j]
        table["probability"] = weights_to_probabilities(weights_c)
        table["match_weight"] = weights_c
        chosen = codes_t[accepted]
        pos = np.minimum(np.searchsorted(chosen, codes_c), max(chosen.size - 1, 0))
        table["accepted"] = (chosen[pos] == codes_c) if chosen.size else np.zeros(codes_c.size,
                                                                                    bool)
    all_codes = stages.take_codes()  # the cells' last use
    lap("resolve", {"matches": int(keep.size), "quality": quality})
    timings["total"] = time.perf_counter() - t_start
    return LinkResult(
        matches=matches,
        model=fitted,
        candidate_stats=stats,
        timings=timings,
        quality=quality,
        threshold=threshold,
        one_to_one=one_to_one,
        n_a=n_a,
        n_b=n_b,
        candidates=table,
        histograms=_histograms(p_pat, w_pat, cand.counts if w_pat.size else None),
        _comparator=_LazyComparator(ds_a, ds_b, comparisons, chunk_size),
        _ids=(ids_a, ids_b),
        _codes=all_codes,
        dependence=dependence,
        salt=salt,
    )


@dataclass
class CellCounts:
    """What the cells sent back: the candidates' pattern counts and each rule's pairs and time."""

    candidates: PatternCounts
    rule_counts: list[int]
    rule_seconds: list[float]
    join_seconds: float
    compare_seconds: float
    cells: int

    def info(self) -> dict[str, Any]:
        """Return the compare stage's figures (for ``on_stage``)."""
        return {"pairs": self.candidates.n_pairs, "cells": self.cells,
                "join_seconds": self.join_seconds, "compare_seconds": self.compare_seconds}


def run_pair_cells(stages: PairStages, n_levels: Sequence[int], progress: bool) -> CellCounts:
    """Blocking and comparison in every cell; the counts added up in the client."""
    summaries = _run_cells(stages, progress)
    cand = PatternCounts(*merge_pattern_counts([(c.patterns, c.counts) for c in summaries],
                                               n_levels))
    n_rules = len(stages.plan.rules)
    rule_counts = [sum(c.rule_counts[k] for c in summaries) for k in range(n_rules)]
    rule_seconds = [sum(c.rule_seconds[k] for c in summaries) for k in range(n_rules)]
    return CellCounts(cand, rule_counts, rule_seconds, sum(rule_seconds),
                      sum(c.compare_seconds for c in summaries), len(summaries))


@dataclass
class FittedScoring:
    """The model fitted on the cells' counts, its corrections, and every pattern's weight."""

    model: FellegiSunterModel
    scorer: Scorer
    salt: SaltDependence
    dependence: ExactDependence
    w_patterns: np.ndarray
    p_patterns: np.ndarray


def fit_and_score(stages: PairStages, ds_a: EncodedDataset, ds_b: EncodedDataset,
                  cand: PatternCounts, comparisons: Sequence[FieldComparison],
                  lap: Callable[..., None], *, model: FellegiSunterModel | None, u_pairs: int,
                  em_max_iter: int, seed: int, dependence_correction: bool, all_pairs: bool,
                  within: bool = False, max_matches: int | None = None) -> FittedScoring:
    """Train (unless ``model`` is fitted), measure the corrections, weigh every pattern.

    Pairs the client chooses (random pairs, training sessions, salt samples) are compared in
    the cells (``PairStages.comparator``). ``within``/``max_matches``: one file
    (deduplication; see ``train_unsupervised``).
    """
    cmp = stages.comparator()
    fitted = model if model is not None else FellegiSunterModel(list(comparisons))
    if not fitted.is_fitted:
        if len(ds_a) and len(ds_b) and (not within or len(ds_a) >= 2):
            em = train_unsupervised(
                fitted, cmp, ds_a, ds_b, cand, all_pairs=all_pairs, u_pairs=u_pairs, seed=seed,
                em_max_iter=em_max_iter, within=within, max_matches=max_matches)
            if ds_a.meta.schema_fingerprint:  # a later run with this model checks its data
                fitted.training[SCHEMA_FINGERPRINT] = ds_a.meta.schema_fingerprint
            lap("train", em.to_dict())
        else:
            lap("train", {})
    dependence = ExactDependence((), {})
    salt = SaltDependence()
    comps = tuple(comparisons)
    if fitted.is_fitted and dependence_correction:
        salt = salt_dependence(fitted, cmp, ds_a, ds_b, seed=seed, within=within)
        before = Scorer(fitted, salt, dependence, comps)(cand.patterns)
        dependence = exact_dependence(fitted, ds_a, ds_b, cand,
                                      weights_to_probabilities(before), within=within)
    scorer = Scorer(fitted, salt, dependence, comps)
    # nothing to train on (an empty input): no pair can be scored
    w_pat = scorer(cand.patterns) if fitted.is_fitted else np.zeros(0)
    lap("score", {"salt_groups": salt.to_dict()["groups"],
                  "dependence_corrections": dependence.to_dict()["corrections"]})
    return FittedScoring(fitted, scorer, salt, dependence, w_pat, weights_to_probabilities(w_pat))


def blocking_recall_of_stages(stages: PairStages, scorer: Scorer, schema: Any, *,
                              all_pairs: bool, budget: int, threshold: float, seed: int
                              ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Blocking's recall from the scored sample and by capture-recapture, counted in the cells.

    ``all_pairs``: every pair is a candidate, so blocking lost nothing (no capture estimate).
    """
    if all_pairs:
        return exact_recall(stages.plan.n_a).to_dict(), None
    n_a, n_b = stages.plan.n_a, stages.plan.n_b
    sample = recall_sample(n_a, n_b, budget, seed)
    inside, outside, sum_in, sum_out = stages.blocking_recall_counts(sample, scorer,
                                                                     max(threshold, 0.5))
    recall = recall_from_counts(inside, outside, sample.size, n_b, sum_in, sum_out, seed)
    return recall.to_dict(), capture_recapture(stages, scorer, schema, seed)


def capture_recapture(stages: PairStages, scorer: Scorer, schema: Any, seed: int
                       ) -> dict[str, Any] | None:
    """Capture-recapture estimate of blocking's recall over its passes (capture_recapture.py)."""
    sources = capture_sources(stages.plan, schema)
    if len(sources) < 2:
        return None
    sums = capture_sums(stages.capture_counts(sources),
                        lambda patterns: weights_to_probabilities(scorer(patterns)),
                        len(sources))
    return estimate_capture_recapture(sums, [name for name, _ in sources], seed=seed).to_dict()


def _run_cells(stages: PairStages, progress: bool) -> list[Any]:
    if not progress:
        return stages.run_cells()
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (logs, pipes, CI), as the encoder's
    with tqdm(total=len(stages.coordinates), desc="blocking and comparing", unit="cell",
              leave=False, disable=None) as bar:
        return stages.run_cells(progress=bar.update)


# --------------------------------------------------------------------------- many parties


@dataclass
class ManyLinkResult:
    """Clusters of records across several datasets, and the pairwise links behind them."""

    clusters: pd.DataFrame
    links: dict[tuple[int, int], LinkResult]

    @property
    def n_clusters(self) -> int:
        """Number of clusters (singletons included)."""
        return int(self.clusters["cluster"].nunique()) if len(self.clusters) else 0


def link_many(
    datasets: Sequence[DatasetLike],
    *,
    threshold: float = 0.5,
    one_per_party: bool = True,
    names: Sequence[str] | None = None,
    **options: Any,
) -> ManyLinkResult:
    """Link every pair of datasets and group the accepted links into clusters.

    Returns a table (party, id, cluster) with one row per record of every dataset (party is the
    dataset's position; records without links are clusters of their own); with ``names`` (one
    agency name per dataset) the table is (agency, id, cluster), as ``link_and_dedupe`` gives
    and ``with_person_ids`` takes. With ``one_per_party`` a cluster holds at most one record
    per dataset: links are joined most probable first, and a link that would put two records
    of one dataset together is refused.
    """
    if "one_to_one" in options:
        raise ParameterError("link_many resolves links into clusters; do not pass one_to_one")
    refuse_one_string(datasets, "datasets")
    datasets = list(datasets)
    if names is not None:
        from linkcore.linkage.dedupe import agency_names

        names = agency_names(datasets, names)
    mapped_dir = options.get("mapped_dir")
    if mapped_dir is not None:
        check_mapped_dir(mapped_dir, datasets)
    refuse_repeated_inputs(datasets)
    loaded = [_load(ds, f"dataset {i + 1}", mapped_dir) for i, ds in enumerate(datasets)]
    if len(loaded) < 2:
        raise ParameterError("link_many needs at least two datasets")
    for i in range(1, len(loaded)):
        check_compatible(loaded[0][0], loaded[i][0], (loaded[0][1], loaded[i][1]))
    refuse_same_records([ds for ds, _ in loaded])
    links: dict[tuple[int, int], LinkResult] = {}
    edges: list[tuple[np.ndarray, ...]] = []
    for i in range(len(loaded)):
        for j in range(i + 1, len(loaded)):
            res = link(loaded[i][0], loaded[j][0], threshold=threshold, one_to_one="none",
                       **options)
            links[(i, j)] = res
            ra = pd.Index(loaded[i][0].record_ids).get_indexer(res.matches["id_a"])
            rb = pd.Index(loaded[j][0].record_ids).get_indexer(res.matches["id_b"])
            edges.append((np.full(ra.size, i), ra, np.full(rb.size, j), rb,
                          res.matches["probability"].to_numpy()))
    # the records pooled (party by party), clustered per connected component of the links on
    # the engine's workers (partitions.cluster_by_component)
    sizes = np.array([len(ds) for ds, _ in loaded], np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pl, l_, pr, r_, p = (np.concatenate(col) for col in zip(*edges, strict=True))
    party = np.repeat(np.arange(len(loaded)), sizes)
    eng = make_engine(options.get("engine", "local"), options.get("client"))
    try:
        # ties broken by (agency, id), so the clusters do not depend on the order of files or rows
        groups = np.asarray(names, dtype=object)[party] if names is not None else \
            np.char.zfill(party.astype(str), 6).astype(object)
        left, right = offsets[pl] + l_, offsets[pr] + r_
        tie_rank = _resolve.tie_order(left, right,
                                      np.concatenate([ds.record_ids for ds, _ in loaded]), groups)
        label = cluster_by_component(eng, left, right, p, party,
                                     "one-per-agency" if one_per_party else "components",
                                     tie_rank)
    finally:
        eng.close()
    clusters = pd.DataFrame({
        "party": party,
        "id": np.concatenate([ds.record_ids for ds, _ in loaded]).astype(object),
        "cluster": label.astype(np.int64),
    })
    if names is not None:
        agency = np.asarray(names, dtype=object)[clusters["party"].to_numpy()]
        clusters = clusters.assign(agency=agency)[["agency", "id", "cluster"]]
    return ManyLinkResult(clusters, links)
