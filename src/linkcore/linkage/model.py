"""Fellegi–Sunter model over comparison levels: u from random pairs, m and the prior by EM.

For a candidate pair with level ``l_j`` on field ``j`` the model assumes the fields are
independent given the match status (Fellegi & Sunter 1969), so

    match weight  w = log2(λ / (1 − λ)) + Σ_j log2(m_j[l_j] / u_j[l_j])
    probability   p = 2^w / (1 + 2^w)

where ``m_j[l] = P(level l on field j | match)``, ``u_j[l] = P(level l | non-match)`` and
``λ = P(match)`` among candidate pairs. The ``missing`` level (level 0) carries no evidence:
m = u = 1 there, i.e. a missing comparison is left out of both likelihoods, and m and u are
distributions over the remaining levels of each field.

EM (Dempster, Laird & Rubin 1977; Winkler 1988 for record linkage) runs on the counts of
distinct comparison vectors: every row of the level matrix is packed into one integer key
(mixed radix) and counted, so a million pairs collapse to a few hundred patterns and training
costs next to nothing beside comparison. By default u stays fixed at the estimate from random
pairs (which are nearly all non-matches), as Splink does, and EM fits m and λ only.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit

from linkcore.errors import ModelError, ParameterError
from linkcore.linkage.levels import MAX_LEVELS, MISSING_LEVEL, FieldComparison
from linkcore.linkage.monotone import monotone_m

from .resolve import _check_threshold  # one rule for every threshold

logger = logging.getLogger("linkcore.linkage.model")

#: Version of the saved model document (key ``"linkcore_model"``).
MODEL_VERSION = 1

#: Smallest m or u EM may produce, so that no weight is infinite on pairs it did not see.
PROBABILITY_FLOOR = 1e-6

#: Additive (Laplace) smoothing, in pairs, when m or u are counted from labelled or random pairs.
COUNT_SMOOTHING = 1.0

#: Clamp for λ inside EM, so that log λ and log(1 − λ) stay finite.
_LAMBDA_CLAMP = 1e-12

#: Initial m over the non-missing levels decays geometrically by this ratio from ``exact``.
_INITIAL_M_RATIO = 0.35

#: Use np.bincount on pattern keys when the key space is at most this many times the pair count.
_BINCOUNT_SPACE = 4

#: Tolerance on Σ m = 1 and Σ u = 1 when parameters are set or loaded.
_SUM_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- patterns


def pattern_counts(levels: np.ndarray, n_levels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a level matrix and how often each occurs (rows sorted by packed key)."""
    n_levels = [int(n) for n in n_levels]
    n_rows, n_fields = levels.shape
    if n_rows == 0:
        return np.empty((0, n_fields), dtype=np.int8), np.empty(0, dtype=np.int64)
    space = math.prod(n_levels)
    if space >= 2**62:  # cannot pack into one int64: fall back to row-wise unique
        patterns, counts = np.unique(levels, axis=0, return_counts=True)
        return patterns.astype(np.int8), counts.astype(np.int64)
    key_dtype = np.int32 if space < 2**31 else np.int64
    radix = np.cumprod([1, *n_levels[:-1]]).astype(np.int64)
    key = levels[:, 0].astype(key_dtype)
    for j in range(1, n_fields):
        key += levels[:, j].astype(key_dtype) * key_dtype(radix[j])
    if space <= max(_BINCOUNT_SPACE * n_rows, 1 << 16):
        all_counts = np.bincount(key, minlength=space)
        keys = np.flatnonzero(all_counts)
        counts = all_counts[keys].astype(np.int64)
    else:
        keys, counts = np.unique(key, return_counts=True)
        keys = keys.astype(np.int64)
    patterns = np.empty((keys.size, n_fields), dtype=np.int8)
    rest = keys.astype(np.int64)
    for j, n in enumerate(n_levels):
        patterns[:, j] = rest % n
        rest //= n
    return patterns, counts.astype(np.int64)


def merge_pattern_counts(parts: Sequence[tuple[np.ndarray, np.ndarray]],
                         n_levels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Add up (patterns, counts) tables of parts of a level matrix: the whole matrix's table.

    The result is what ``pattern_counts`` gives for the parts' rows stacked, in the same order
    (integer counts, so however the rows were split the table is identical).
    """
    n_levels = [int(n) for n in n_levels]
    parts = [(p, c) for p, c in parts if c.size]
    if not parts:
        return np.empty((0, len(n_levels)), dtype=np.int8), np.empty(0, dtype=np.int64)
    patterns = np.concatenate([p for p, _ in parts]).astype(np.int8)
    counts = np.concatenate([c for _, c in parts]).astype(np.int64)
    if math.prod(n_levels) >= 2**62:
        uniq, inverse = np.unique(patterns, axis=0, return_inverse=True)
        out = np.zeros(uniq.shape[0], dtype=np.int64)
        np.add.at(out, inverse.reshape(-1), counts)
        return uniq.astype(np.int8), out
    radix = np.cumprod([1, *n_levels[:-1]]).astype(np.int64)
    key = patterns.astype(np.int64) @ radix
    keys, inverse = np.unique(key, return_inverse=True)
    out = np.zeros(keys.size, dtype=np.int64)
    np.add.at(out, inverse, counts)
    merged = np.empty((keys.size, len(n_levels)), dtype=np.int8)
    rest = keys.copy()
    for j, n in enumerate(n_levels):
        merged[:, j] = rest % n
        rest //= n
    return merged, out


@dataclass(frozen=True)
class PatternCounts:
    """The candidates' comparison levels as distinct patterns and how often each occurs.

    What the pair stages send back from each partition instead of the pairs: training, the
    u counts and the corrections need only this table.
    """

    patterns: np.ndarray
    counts: np.ndarray

    @property
    def n_pairs(self) -> int:
        """Number of pairs the table stands for."""
        return int(self.counts.sum())

    def __len__(self) -> int:
        return self.n_pairs

    @property
    def shape(self) -> tuple[int, int]:
        """(pairs, fields), as the level matrix it stands for."""
        return (self.n_pairs, int(self.patterns.shape[1]))

    @classmethod
    def of(cls, levels: np.ndarray, n_levels: Sequence[int]) -> PatternCounts:
        """Return the table of a level matrix."""
        return cls(*pattern_counts(levels, n_levels))


def as_pattern_counts(levels: np.ndarray | PatternCounts, n_levels: Sequence[int]
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(patterns, counts) of a level matrix or of a PatternCounts table."""
    if isinstance(levels, PatternCounts):
        return levels.patterns, levels.counts
    return pattern_counts(levels, n_levels)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class EMResult:
    """What an EM run did: whether it converged, in how many iterations, and where it ended."""

    converged: bool
    iterations: int
    log_likelihood: float
    lambda_: float
    n_pairs: int
    n_patterns: int
    max_change: float
    message: str = ""
    trace: tuple[dict[str, float], ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Summary as plain JSON-ready values (the per-iteration trace is left out)."""
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "log_likelihood": _finite_or_none(self.log_likelihood),
            "lambda": self.lambda_,
            "n_pairs": self.n_pairs,
            "n_patterns": self.n_patterns,
            "max_change": _finite_or_none(self.max_change),
            "message": self.message,
        }


@dataclass(frozen=True)
class FieldContribution:
    """One field's part in a pair's match weight."""

    field: str
    level: int
    level_name: str
    m: float
    u: float
    weight: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary for printing or JSON."""
        return {
            "field": self.field,
            "level": self.level,
            "level_name": self.level_name,
            "m": self.m,
            "u": self.u,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class Explanation:
    """Why a pair scored as it did: prior, each field's weight, total and probability."""

    fields: tuple[FieldContribution, ...]
    prior_weight: float
    total_weight: float
    probability: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary for printing or JSON."""
        return {
            "prior_weight": self.prior_weight,
            "fields": [f.to_dict() for f in self.fields],
            "total_weight": self.total_weight,
            "probability": self.probability,
        }


# --------------------------------------------------------------------------- model


class FellegiSunterModel:
    """Fellegi–Sunter model: per field m and u over comparison levels, and the prior λ."""

    def __init__(
        self,
        comparisons: Sequence[FieldComparison],
        *,
        m: Mapping[str, Sequence[float]] | None = None,
        u: Mapping[str, Sequence[float]] | None = None,
        lambda_: float | None = None,
    ):
        comparisons = tuple(comparisons)
        if not comparisons:
            raise ParameterError("a model needs at least one field comparison")
        for c in comparisons:
            if not isinstance(c, FieldComparison):
                raise ParameterError("comparisons must be FieldComparison values")
        names = [c.field for c in comparisons]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ParameterError(f"fields compared more than once: {', '.join(duplicated)}")
        self.comparisons: tuple[FieldComparison, ...] = comparisons
        self._m: list[np.ndarray] | None = None
        self._u: list[np.ndarray] | None = None
        self._lambda: float | None = None
        self.em_result: EMResult | None = None
        self.training: dict[str, Any] = {}
        if m is not None or u is not None or lambda_ is not None:
            self.set_parameters(m=m, u=u, lambda_=lambda_)

    # ------------------------------------------------------------------ accessors

    @property
    def fields(self) -> list[str]:
        """Field names in column order of the level matrix."""
        return [c.field for c in self.comparisons]

    @property
    def n_levels(self) -> list[int]:
        """Number of levels per field (including ``missing``)."""
        return [c.n_levels for c in self.comparisons]

    @property
    def m(self) -> dict[str, np.ndarray] | None:
        """P(level | match) per field, indexed by level; ``missing`` is 1 (no evidence)."""
        return None if self._m is None else dict(zip(self.fields, _copies(self._m), strict=True))

    @property
    def u(self) -> dict[str, np.ndarray] | None:
        """P(level | non-match) per field, indexed by level; the ``missing`` entry is 1."""
        return None if self._u is None else dict(zip(self.fields, _copies(self._u), strict=True))

    @property
    def lambda_(self) -> float | None:
        """Prior probability that a candidate pair is a match."""
        return self._lambda

    @property
    def em_trace(self) -> tuple[dict[str, float], ...]:
        """Per-iteration λ, log-likelihood and largest parameter change of the last EM run."""
        return () if self.em_result is None else self.em_result.trace

    @property
    def is_fitted(self) -> bool:
        """True once m, u and λ are all known, so weights can be computed."""
        return self._m is not None and self._u is not None and self._lambda is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FellegiSunterModel):
            return NotImplemented
        return (
            self.comparisons == other.comparisons
            and self._lambda == other._lambda
            and _same_tables(self._m, other._m)
            and _same_tables(self._u, other._u)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        state = "fitted" if self.is_fitted else "not fitted"
        return f"FellegiSunterModel(fields={self.fields}, lambda={self._lambda}, {state})"

    # ------------------------------------------------------------------ parameters

    @classmethod
    def from_parameters(
        cls,
        comparisons: Sequence[FieldComparison],
        m: Mapping[str, Sequence[float]],
        u: Mapping[str, Sequence[float]],
        lambda_: float,
    ) -> FellegiSunterModel:
        """Build a model with fixed, given parameters (no training)."""
        return cls(comparisons, m=m, u=u, lambda_=lambda_)

    def set_parameters(
        self,
        *,
        m: Mapping[str, Sequence[float]] | None = None,
        u: Mapping[str, Sequence[float]] | None = None,
        lambda_: float | None = None,
    ) -> None:
        """Fix m, u (per field, over the non-missing levels or over all levels) and/or λ."""
        if m is not None:
            self._m = self._tables_from_mapping(m, "m", self._m)
        if u is not None:
            self._u = self._tables_from_mapping(u, "u", self._u)
        if lambda_ is not None:
            self._lambda = _check_lambda(lambda_, ParameterError)
        self.training.setdefault("set_parameters", True)

    def _tables_from_mapping(
        self, values: Mapping[str, Sequence[float]], name: str, current: list[np.ndarray] | None
    ) -> list[np.ndarray]:
        unknown = sorted(set(values) - set(self.fields))
        if unknown:
            raise ParameterError(
                f"{name} given for fields the model does not have: {', '.join(map(repr, unknown))}"
            )
        missing = [f for f in self.fields if f not in values]
        if missing and current is None:
            raise ParameterError(
                f"{name} missing for fields: {', '.join(map(repr, missing))}; "
                "give every field the first time"
            )
        tables = _copies(current) if current is not None else [None] * len(self.comparisons)
        for j, c in enumerate(self.comparisons):
            if c.field not in values:
                continue
            arr = np.asarray(values[c.field], dtype=np.float64)
            if arr.ndim != 1 or arr.size not in (c.n_levels - 1, c.n_levels):
                raise ParameterError(
                    f"{name} for field {c.field!r} needs {c.n_levels - 1} values (levels "
                    f"{', '.join(c.level_names[1:])}), got {arr.size}"
                )
            if arr.size == c.n_levels:
                if arr[0] != 1.0:
                    raise ParameterError(
                        f"{name} for field {c.field!r}: the 'missing' entry must be 1 "
                        "(a missing comparison carries no evidence); or give the other levels only"
                    )
                arr = arr[1:]
            problem = _distribution_problem(arr)
            if problem:
                raise ParameterError(f"{name} for field {c.field!r}: {problem}")
            tables[j] = np.concatenate(([1.0], arr))
        return tables  # type: ignore[return-value]

    # ------------------------------------------------------------------ validation

    def _check_levels(self, levels: np.ndarray, what: str = "levels") -> np.ndarray:
        levels = np.asarray(levels)
        n_fields = len(self.comparisons)
        if levels.ndim != 2 or levels.shape[1] != n_fields:
            raise ModelError(
                f"{what} must be a matrix with one column per model field ({n_fields}: "
                f"{', '.join(self.fields)}); got shape {levels.shape}"
            )
        if levels.dtype.kind not in "iu":
            raise ModelError(f"{what} must hold integer level numbers; got dtype {levels.dtype}")
        # one broadcast comparison against each column's limit (column reductions are strided)
        limits = np.asarray(self.n_levels, dtype=levels.dtype)
        if levels.size and (levels.min() < 0 or bool((levels >= limits).any())):
            lows, highs = levels.min(axis=0), levels.max(axis=0)
            for j, c in enumerate(self.comparisons):
                if lows[j] < 0 or highs[j] >= c.n_levels:
                    raise ModelError(
                        f"{what}: column {j} (field {c.field!r}) has level numbers outside "
                        f"0..{c.n_levels - 1}; the levels were made with other thresholds"
                    )
        return levels

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            missing = [
                n
                for n, v in (("m", self._m), ("u", self._u), ("lambda", self._lambda))
                if v is None
            ]
            raise ModelError(
                f"the model has no {', '.join(missing)} yet: call estimate_u and fit_em "
                "(or fit_labelled / set_parameters) first"
            )

    # ------------------------------------------------------------------ training

    def estimate_u(self, random_levels: np.ndarray) -> None:
        """Estimate u from the levels of random pairs (nearly all non-matches), Laplace-smoothed."""
        random_levels = self._check_levels(random_levels, "random pair levels")
        if random_levels.shape[0] == 0:
            raise ParameterError("estimate_u needs at least one random pair")
        tables = []
        for j, c in enumerate(self.comparisons):
            counts = np.bincount(random_levels[:, j], minlength=c.n_levels)[1:].astype(np.float64)
            if counts.sum() == 0:
                # a view salted with a field that random pairs seldom share (the postcode under
                # the date of birth) is missing in all of them by design: not worth a warning
                logger.info(
                    "field %r is missing in every random pair; its u is uniform", c.field
                )
            tables.append(np.concatenate(([1.0], _smoothed(counts))))
        self._u = tables
        self.training["u"] = {"method": "random pairs", "n_pairs": int(random_levels.shape[0])}

    def fit_labelled(self, levels: np.ndarray, is_match: np.ndarray) -> None:
        """Count m, u and λ from labelled pairs (Laplace-smoothed); u is kept if no non-matches."""
        levels = self._check_levels(levels)
        is_match = np.asarray(is_match, dtype=bool)
        if is_match.shape != (levels.shape[0],):
            raise ParameterError(
                f"is_match has {is_match.size} labels for {levels.shape[0]} pairs; "
                "give one per pair"
            )
        n_match = int(is_match.sum())
        n_non = int(is_match.size - n_match)
        if n_match == 0:
            raise ParameterError("fit_labelled needs at least one pair labelled as a match")
        if n_non == 0 and self._u is None:
            raise ParameterError(
                "fit_labelled got no non-matching pairs, and u is not set: add non-matches "
                "or call estimate_u with random pairs first"
            )
        self._m = self._count_tables(levels[is_match])
        if n_non:
            self._u = self._count_tables(levels[~is_match])
            self._lambda = _check_lambda(n_match / is_match.size, ModelError)
        elif self._lambda is None:
            raise ParameterError(
                "fit_labelled got matches only, so λ is unknown: pass lambda_ to set_parameters"
            )
        self.training["labelled"] = {"n_matches": n_match, "n_non_matches": n_non}

    def _count_tables(self, levels: np.ndarray) -> list[np.ndarray]:
        out = []
        for j, c in enumerate(self.comparisons):
            counts = np.bincount(levels[:, j], minlength=c.n_levels)[1:].astype(np.float64)
            out.append(np.concatenate(([1.0], _smoothed(counts))))
        return out

    def fit_em(
        self,
        candidate_levels: np.ndarray | PatternCounts,
        *,
        max_iter: int = 100,
        tol: float = 1e-6,
        fix_u: bool = True,
        initial_lambda: float | None = None,
        free_u: Sequence[str] = (),
        max_lambda: float | None = None,
        fixed_m: Mapping[str, Sequence[float]] | None = None,
        min_pairs: int = 0,
        monotone: bool = True,
    ) -> EMResult:
        """Fit m and λ (and u unless ``fix_u``) by EM on pattern counts, without labels.

        ``free_u``: fields whose u is fitted even with ``fix_u`` (a training block whose pairs
        all share a salt: the random pairs' u of the fields salted by it is not theirs).
        ``max_lambda``: the largest share of the pairs that can be matches (the M-step's λ is
        held at or below it, its constrained maximum: the likelihood is concave in λ); on a
        handful of records EM otherwise may call every pair a match.
        ``fixed_m``: fields whose m is held at the given values (over the non-missing levels,
        ``exact`` first) instead of fitted: a field whose other levels carry no evidence besides
        their own in these pairs, whose m EM cannot tell from λ (pipeline.train_unsupervised).
        ``min_pairs``: fewer pairs with a compared field than this skip EM (a handful of pairs
        cannot fit the model's parameters: on two records a side EM made a disagreeing date of
        birth evidence for a match).
        ``monotone``: with u given (``fix_u``), each M-step fits m under the constraint that
        m/u does not rise from ``exact`` to ``else`` (monotone.py): more agreement is never less
        evidence for a match.

        ``converged`` is true only when the largest change of any parameter (λ, every m and u)
        between two iterations fell below ``tol``; stopping at ``max_iter`` is reported as not
        converged and logged as a warning. EM always starts from the same point (m decaying
        geometrically from ``exact``, λ from the share of pairs that start out more likely
        matches than not), not from the current m, so a refit depends on the data alone.
        Degenerate input (no pairs, every field missing, a single pattern) skips EM with a
        warning and leaves that starting point as the model.
        """
        if isinstance(candidate_levels, PatternCounts):
            self._check_levels(candidate_levels.patterns, "candidate levels")
        else:
            candidate_levels = self._check_levels(candidate_levels, "candidate levels")
        if not isinstance(max_iter, int) or max_iter < 1:
            raise ParameterError("max_iter must be a positive whole number")
        if not tol > 0:
            raise ParameterError("tol must be positive")
        if initial_lambda is not None:
            initial_lambda = _check_lambda(initial_lambda, ParameterError)
        top = 1 - _LAMBDA_CLAMP
        if max_lambda is not None:
            top = min(top, max(float(_check_lambda(max_lambda, ParameterError)), _LAMBDA_CLAMP))
            if initial_lambda is not None:
                initial_lambda = min(initial_lambda, top)
        unknown = sorted(set(free_u) - set(self.fields))
        if unknown:
            raise ParameterError(f"free_u names fields the model does not have: {unknown}")
        free = [self.fields.index(f) for f in free_u] if fix_u else []
        if fix_u and self._u is None:
            raise ModelError(
                "u is not set: call estimate_u with the levels of random pairs first, "
                "or fit_em(..., fix_u=False) to estimate u from the candidates too"
            )
        held = self._held_m(fixed_m or {})
        patterns, counts = as_pattern_counts(candidate_levels, self.n_levels)
        n_pairs = int(counts.sum())
        weights = counts.astype(np.float64)

        m = _copies(self._initial_m())
        for j, table in held.items():
            m[j] = table.copy()
        u = _copies(self._u) if self._u is not None else self._initial_u(patterns, weights)
        lam = min(
            initial_lambda
            if initial_lambda is not None
            else _initial_lambda(patterns, weights, m, u),
            top,
        )
        informative = (patterns != MISSING_LEVEL).any(axis=1)

        reason = ""
        if n_pairs == 0:
            reason = "no candidate pairs"
        elif not informative.any():
            reason = "every field is missing in every candidate pair"
        elif patterns.shape[0] < 2:
            reason = "every candidate pair has the same comparison pattern"
        elif weights[informative].sum() < min_pairs:
            reason = (f"{int(weights[informative].sum())} candidate pairs with a compared field, "
                      f"too few to fit the model (at least {min_pairs})")
        if reason:
            logger.warning("EM skipped (%s); the model keeps its initial m and lambda", reason)
            self._m, self._u, self._lambda = m, u, lam
            self.em_result = EMResult(
                False, 0, math.nan, lam, n_pairs, int(patterns.shape[0]), math.nan, reason
            )
            self.training["em"] = self.em_result.to_dict()
            return self.em_result

        trace: list[dict[str, float]] = []
        converged = False
        change = math.inf
        iteration = 0
        for iteration in range(1, max_iter + 1):  # noqa: B007 - the last value is reported
            posterior, loglik = _e_step(patterns, weights, m, u, lam)
            match_w = weights * posterior
            new_lam = float(np.clip(match_w.sum() / weights.sum(), _LAMBDA_CLAMP, top))
            new_m = _m_step(patterns, match_w, m)
            for j, table in held.items():
                new_m[j] = table.copy()
            new_u = u if fix_u and not free else _m_step(patterns, weights - match_w, u)
            if fix_u and free:
                new_u = [new_u[j] if j in free else u[j] for j in range(len(u))]
            if fix_u and monotone:
                new_m = [t if j in held else monotone_m(t, new_u[j])
                         for j, t in enumerate(new_m)]
            change = max(
                abs(new_lam - lam),
                max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)),
                max(float(np.abs(a - b).max()) for a, b in zip(new_u, u, strict=True)),
            )
            m, u, lam = new_m, new_u, new_lam
            trace.append(
                {
                    "iteration": iteration,
                    "lambda": lam,
                    "log_likelihood": loglik,
                    "max_change": change,
                }
            )
            if change < tol:
                converged = True
                break

        message = ""
        if not fix_u and _agreement(m, self.comparisons) < _agreement(u, self.comparisons):
            # EM's labels are arbitrary: the match class is the one that agrees more
            m, u, lam = u, m, 1.0 - lam
            message = "classes swapped so that the match class is the one with more agreement"
        elif fix_u and _agreement(m, self.comparisons) < _agreement(u, self.comparisons):
            message = (
                "the fitted match class agrees less than random pairs do: the candidate "
                "pairs may hold few true matches"
            )
            logger.warning("EM: %s", message)
        _, loglik = _e_step(patterns, weights, m, u, lam)
        if not converged:
            logger.warning(
                "EM did not converge in %d iterations (largest parameter change %.3g, tol %.3g)",
                max_iter,
                change,
                tol,
            )
        self._m, self._u, self._lambda = m, u, lam
        self.em_result = EMResult(
            converged,
            iteration,
            float(loglik),
            lam,
            n_pairs,
            int(patterns.shape[0]),
            float(change),
            message,
            tuple(trace),
        )
        self.training["em"] = self.em_result.to_dict()
        if not fix_u:
            self.training["u"] = {"method": "em", "n_pairs": n_pairs}
        return self.em_result

    def _held_m(self, fixed_m: Mapping[str, Sequence[float]]) -> dict[int, np.ndarray]:
        """Check ``fixed_m`` and return it by column, each table led by ``missing``'s 1."""
        held = {}
        for name, values in fixed_m.items():
            if name not in self.fields:
                raise ParameterError(f"fixed_m names a field the model does not have: {name!r}")
            j = self.fields.index(name)
            table = np.asarray(values, dtype=np.float64)
            if (table.shape != (self.n_levels[j] - 1,) or not np.isfinite(table).all()
                    or (table <= 0).any() or abs(table.sum() - 1) > 1e-9):
                raise ParameterError(f"fixed_m[{name!r}] must be {self.n_levels[j] - 1} "
                                     "positive probabilities summing to 1")
            held[j] = np.concatenate(([1.0], table))
        return held

    def _initial_m(self) -> list[np.ndarray]:
        """M favouring high agreement: geometric decay from ``exact`` down to ``else``."""
        out = []
        for c in self.comparisons:
            w = _INITIAL_M_RATIO ** np.arange(c.n_levels - 1, dtype=np.float64)
            out.append(np.concatenate(([1.0], w / w.sum())))
        return out

    def _initial_u(self, patterns: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
        """U from the candidates' own level frequencies, tilted towards low agreement."""
        out = []
        for j, c in enumerate(self.comparisons):
            freq = np.bincount(patterns[:, j], weights=weights, minlength=c.n_levels)[1:]
            freq = (
                freq / freq.sum()
                if freq.sum() > 0
                else np.full(c.n_levels - 1, 1 / (c.n_levels - 1))
            )
            tilt = (_INITIAL_M_RATIO ** np.arange(c.n_levels - 1, dtype=np.float64))[::-1]
            mixed = 0.5 * freq + 0.5 * tilt / tilt.sum()
            out.append(np.concatenate(([1.0], _floored(mixed))))
        return out

    # ------------------------------------------------------------------ scoring

    def weight_tables(self) -> list[np.ndarray]:
        """Per field, log2(m/u) indexed by level (0 for ``missing``)."""
        self._require_fitted()
        assert self._m is not None and self._u is not None  # for the type checker
        tables = []
        for m, u in zip(self._m, self._u, strict=True):
            t = np.log2(m / u)
            t[MISSING_LEVEL] = 0.0
            tables.append(t)
        return tables

    @property
    def prior_weight(self) -> float:
        """log2(λ / (1 − λ)): the weight of a pair about which nothing is known."""
        self._require_fitted()
        lam = float(self._lambda)  # type: ignore[arg-type]
        return math.log2(lam) - math.log2(1.0 - lam)

    def match_weights(self, levels: np.ndarray) -> np.ndarray:
        """Match weight of every pair: prior weight plus per-field log2(m/u), by table lookup."""
        levels = self._check_levels(levels)
        tables = self.weight_tables()
        out = np.full(levels.shape[0], self.prior_weight, dtype=np.float64)
        for j, table in enumerate(tables):
            out += table[levels[:, j]]
        return out

    def probabilities(self, levels: np.ndarray) -> np.ndarray:
        """Match probability of every pair, 2^w / (1 + 2^w) computed without overflow."""
        return weights_to_probabilities(self.match_weights(levels))

    def explain(self, levels_row: Sequence[int] | np.ndarray) -> Explanation:
        """Each field's level, m, u and weight for one pair, with the prior and the total."""
        row = np.asarray(levels_row)
        if row.ndim != 1:
            raise ModelError("explain takes the levels of one pair (a 1-D row)")
        self._check_levels(row.reshape(1, -1), "levels row")
        tables = self.weight_tables()
        assert self._m is not None and self._u is not None
        parts = []
        for j, c in enumerate(self.comparisons):
            level = int(row[j])
            parts.append(
                FieldContribution(
                    field=c.field,
                    level=level,
                    level_name=c.level_names[level],
                    m=float(self._m[j][level]),
                    u=float(self._u[j][level]),
                    weight=float(tables[j][level]),
                )
            )
        prior = self.prior_weight
        total = prior + sum(p.weight for p in parts)
        return Explanation(
            tuple(parts), prior, total, float(weights_to_probabilities(np.array([total]))[0])
        )

    # ------------------------------------------------------------------ quality

    @staticmethod
    def estimate_quality(
        probabilities: np.ndarray, threshold: float = 0.5, *, accepted: np.ndarray | None = None
    ) -> dict[str, float]:
        """Model-based precision, recall and F1 at a threshold (see module ``estimate_quality``)."""
        return estimate_quality(probabilities, threshold, accepted=accepted)

    @staticmethod
    def suggest_threshold(probabilities: np.ndarray) -> dict[str, float]:
        """Threshold maximising the expected F1 (see module ``suggest_threshold``)."""
        return suggest_threshold(probabilities)

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """Return the model as a versioned, JSON-ready document."""
        fields = []
        for j, c in enumerate(self.comparisons):
            fields.append(
                {
                    "field": c.field,
                    "thresholds": list(c.thresholds),
                    "levels": c.level_names[1:],
                    "m": None if self._m is None else [float(x) for x in self._m[j][1:]],
                    "u": None if self._u is None else [float(x) for x in self._u[j][1:]],
                }
            )
        return {
            "linkcore_model": MODEL_VERSION,
            "note": "m and u are listed for every level except 'missing', "
            "which carries no evidence (weight 0)",
            "lambda": self._lambda,
            "fields": fields,
            "training": self.training,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Serialise the model as a versioned JSON document (no pickle: safe to review and load)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> FellegiSunterModel:
        """Load and validate a model saved by ``to_json``; problems raise ModelError."""
        try:
            doc = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, TypeError, RecursionError) as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
            raise ModelError(
                f"the model file is not valid JSON{where}; save the model again with linkcore"
            ) from None
        return cls.from_dict(doc)

    @classmethod
    def from_dict(cls, doc: Any) -> FellegiSunterModel:
        """Build a model from a parsed model document, listing every problem found."""
        problems = _validate_document(doc)
        if problems:
            prefix = (
                "invalid model: "
                if len(problems) == 1
                else f"invalid model ({len(problems)} problems): "
            )
            raise ModelError(prefix + "; ".join(problems))
        comparisons = [FieldComparison(f["field"], tuple(f["thresholds"])) for f in doc["fields"]]
        model = cls(comparisons)
        if all(f["m"] is not None for f in doc["fields"]):
            model._m = [np.array([1.0, *f["m"]], dtype=np.float64) for f in doc["fields"]]
        if all(f["u"] is not None for f in doc["fields"]):
            model._u = [np.array([1.0, *f["u"]], dtype=np.float64) for f in doc["fields"]]
        if doc.get("lambda") is not None:
            model._lambda = float(doc["lambda"])
        model.training = dict(doc.get("training") or {})
        return model


# --------------------------------------------------------------------------- quality


def weights_to_probabilities(weights: np.ndarray) -> np.ndarray:
    """2^w / (1 + 2^w) for match weights w, stable for any w (logistic of w·ln 2)."""
    return expit(np.asarray(weights, dtype=np.float64) * math.log(2.0))


def _check_probabilities(probabilities: np.ndarray) -> np.ndarray:
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 1:
        raise ParameterError("probabilities must be a 1-D array, one per candidate pair")
    if p.size and not (np.all(p >= 0.0) and np.all(p <= 1.0)):
        raise ParameterError("probabilities must lie in [0, 1] (NaN is not allowed)")
    return p


def estimate_quality(
    probabilities: np.ndarray,
    threshold: float = 0.5,
    *,
    accepted: np.ndarray | None = None,
) -> dict[str, float]:
    """Model-based precision, recall and F1 at a threshold, without ground truth.

    With p the model's match probability of each candidate pair and A the accepted pairs
    (``p >= threshold``, or the ``accepted`` mask after one-to-one resolution):
    expected TP = Σ_A p, expected FP = Σ_A (1 − p), expected FN = Σ_{not A} p, and the
    expected number of matches among candidates = Σ p. Precision = TP / (TP + FP),
    recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN) (ratios of expectations). These are
    only as good as the model's calibration, and recall counts matches among the candidate
    pairs only: true matches that blocking never proposed are invisible here. Undefined ratios
    (nothing accepted, no expected matches) are NaN.
    """
    p = _check_probabilities(probabilities)
    threshold = _check_threshold(threshold)
    if accepted is None:
        mask = p >= threshold
    else:
        mask = np.asarray(accepted, dtype=bool)
        if mask.shape != p.shape:
            raise ParameterError(f"accepted has {mask.size} entries for {p.size} probabilities")
    tp = float(p[mask].sum())
    return quality_from_sums(threshold, p.size, int(mask.sum()), tp, float(p[~mask].sum()))


def quality_from_sums(threshold: float, n_candidates: int, n_accepted: int, tp: float,
                      fn: float) -> dict[str, float]:
    """estimate_quality's figures from Σ_A p (tp) and Σ_{not A} p (fn) over the candidates."""
    fp = float(n_accepted - tp)
    expected = tp + fn
    return {
        "threshold": threshold,
        "n_candidates": int(n_candidates),
        "n_accepted": int(n_accepted),
        "expected_matches": expected,
        "expected_true_positives": tp,
        "expected_false_positives": fp,
        "expected_false_negatives": fn,
        "precision": tp / (tp + fp) if tp + fp > 0 else math.nan,
        "recall": tp / expected if expected > 0 else math.nan,
        "f1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn > 0 else math.nan,
    }


def suggest_threshold(probabilities: np.ndarray) -> dict[str, float]:
    """Find the threshold that maximises the model's expected F1 over the candidate pairs.

    Accepting the k most probable pairs gives expected F1 = 2 S_k / (k + S), where S_k is the
    sum of their probabilities and S the sum over all candidates. For a calibrated model the
    F1-optimal threshold is half the optimal F1 (Lipton, Elkan & Naryanaswamy 2014), so when the
    model expects F1 near 1 this lands just below 0.5 — which is why 0.5 stays the default.
    """
    p = _check_probabilities(probabilities)
    if p.size == 0 or p.sum() == 0:
        return {"threshold": 0.5, "expected_f1": math.nan}
    ordered = np.sort(p)[::-1]
    top_sums = np.cumsum(ordered)
    k = np.arange(1, p.size + 1)
    f1 = 2 * top_sums / (k + top_sums[-1])
    # only cut between distinct values: p >= t must accept exactly the top k
    last_of_value = np.append(ordered[1:] != ordered[:-1], True)
    f1 = np.where(last_of_value, f1, -np.inf)
    best = int(np.argmax(f1))
    return {"threshold": float(ordered[best]), "expected_f1": float(f1[best])}


# --------------------------------------------------------------------------- helpers




def _check_lambda(value: Any, error: type[Exception]) -> float:
    try:
        lam = float(value)
    except (TypeError, ValueError):
        raise error("lambda (the prior match probability) must be a number") from None
    if not 0.0 < lam < 1.0:
        raise error("lambda (the prior match probability) must lie strictly between 0 and 1")
    return lam


def _copies(tables: list[np.ndarray] | None) -> list[np.ndarray]:
    return [] if tables is None else [t.copy() for t in tables]


def _same_tables(a: list[np.ndarray] | None, b: list[np.ndarray] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _floored(dist: np.ndarray) -> np.ndarray:
    """Raise every probability to at least PROBABILITY_FLOOR and renormalise."""
    out = np.maximum(dist, PROBABILITY_FLOOR)
    return out / out.sum()


def _smoothed(counts: np.ndarray) -> np.ndarray:
    """Laplace-smoothed distribution from level counts (never 0, uniform if there are none)."""
    out = counts + COUNT_SMOOTHING
    return out / out.sum()


def _distribution_problem(arr: np.ndarray) -> str:
    if not np.all(np.isfinite(arr)):
        return "values must be finite numbers"
    if np.any(arr <= 0) or np.any(arr > 1):
        return "every probability must lie in (0, 1] (a 0 would make a weight infinite)"
    if abs(arr.sum() - 1.0) > _SUM_TOLERANCE:
        return "the probabilities over the levels must sum to 1"
    return ""


def _log_likelihoods(patterns: np.ndarray, tables: list[np.ndarray]) -> np.ndarray:
    """Σ_j log P(pattern level on field j), with the missing level contributing log 1 = 0."""
    out = np.zeros(patterns.shape[0], dtype=np.float64)
    for j, t in enumerate(tables):
        out += np.log(t)[patterns[:, j]]
    return out


def _e_step(
    patterns: np.ndarray,
    weights: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
    lam: float,
) -> tuple[np.ndarray, float]:
    """Posterior P(match | pattern) and the observed-data log-likelihood."""
    a = math.log(lam) + _log_likelihoods(patterns, m)
    b = math.log1p(-lam) + _log_likelihoods(patterns, u)
    log_total = np.logaddexp(a, b)
    return np.exp(a - log_total), float((weights * log_total).sum())


def _m_step(
    patterns: np.ndarray, class_weights: np.ndarray, previous: list[np.ndarray]
) -> list[np.ndarray]:
    """Re-estimate one class's level frequencies per field, over the non-missing levels."""
    out = []
    for j, prev in enumerate(previous):
        counts = np.bincount(patterns[:, j], weights=class_weights, minlength=prev.size)[1:]
        total = counts.sum()
        if total <= 0:  # field missing everywhere (or class empty): nothing to learn
            out.append(prev.copy())
            continue
        out.append(np.concatenate(([1.0], _floored(counts / total))))
    return out


def _initial_lambda(
    patterns: np.ndarray, weights: np.ndarray, m: list[np.ndarray], u: list[np.ndarray]
) -> float:
    """Share of pairs the initial m and u call matches at even odds, kept within [0.001, 0.5]."""
    if weights.sum() == 0:
        return 0.01
    posterior, _ = _e_step(patterns, weights, m, u, 0.5)
    return float(np.clip((weights * posterior).sum() / weights.sum(), 1e-3, 0.5))


def _agreement(tables: list[np.ndarray], comparisons: Sequence[FieldComparison]) -> float:
    """Mean expected agreement score (exact = 1 ... else = 0) over fields, for one class."""
    scores = []
    for t, c in zip(tables, comparisons, strict=True):
        score = np.linspace(1.0, 0.0, c.n_levels - 1)
        scores.append(float((t[1:] * score).sum()))
    return float(np.mean(scores))


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in a model file")


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


_TOP_KEYS = {"linkcore_model", "note", "lambda", "fields", "training"}
_FIELD_KEYS = {"field", "thresholds", "levels", "m", "u"}


def _validate_document(doc: Any) -> list[str]:
    """Every problem in a model document, each naming where it is and what to do."""
    if not isinstance(doc, dict):
        return ["the document must be a JSON object with a 'linkcore_model' version key"]
    if "linkcore_model" not in doc:
        return ["'linkcore_model' (the version key) is missing: this is not a linkcore model file"]
    version = doc["linkcore_model"]
    if version != MODEL_VERSION or isinstance(version, bool):
        return [
            f"'linkcore_model' is {version!r}, but this linkcore reads version "
            f"{MODEL_VERSION}; use the linkcore version that saved it, or retrain"
            if _is_number(version)
            else "'linkcore_model' must be the whole number 1"
        ]
    problems = []
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        problems.append(
            f"unknown keys {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(_TOP_KEYS))}"
        )
    lam = doc.get("lambda")
    if lam is not None and not (_is_number(lam) and 0 < lam < 1):
        problems.append("'lambda' must be a number strictly between 0 and 1, or null")
    if "training" in doc and not isinstance(doc["training"], dict | type(None)):
        problems.append("'training' must be an object")
    fields = doc.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append("'fields' must be a non-empty list of field comparisons")
        return problems
    seen: set[str] = set()
    for i, f in enumerate(fields):
        problems.extend(_validate_field(i, f, seen))
    for key in ("m", "u"):
        given = [isinstance(f, dict) and f.get(key) is not None for f in fields]
        if any(given) and not all(given):
            problems.append(
                f"'{key}' is given for some fields but not others: give it for "
                "every field, or null for every field (an untrained model)"
            )
    return problems


def _validate_field(i: int, f: Any, seen: set[str]) -> list[str]:
    where = f"fields[{i}]"
    if not isinstance(f, dict):
        return [f"{where} must be an object with keys field, thresholds, levels, m, u"]
    name = f.get("field")
    if not isinstance(name, str) or not name:
        return [f"{where}.field must be a non-empty string"]
    where = f"{where} ({name!r})"
    problems = []
    if name in seen:
        problems.append(f"{where}: the field appears more than once")
    seen.add(name)
    unknown = sorted(set(f) - _FIELD_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(map(repr, unknown))}")
    missing = sorted(_FIELD_KEYS - set(f))
    if missing:
        problems.append(f"{where}: missing keys {', '.join(map(repr, missing))}")
        return problems
    thresholds = f["thresholds"]
    if not isinstance(thresholds, list) or not all(_is_number(t) for t in thresholds):
        problems.append(f"{where}.thresholds must be a list of numbers")
        return problems
    try:
        comparison = FieldComparison(name, tuple(thresholds))
    except ParameterError as exc:
        problems.append(f"{where}.thresholds: {exc}")
        return problems
    if comparison.n_levels > MAX_LEVELS:  # pragma: no cover - FieldComparison refuses first
        problems.append(f"{where}: too many levels")
    expected = comparison.level_names[1:]
    if f["levels"] != expected:
        problems.append(f"{where}.levels must be {expected} for these thresholds")
    for key in ("m", "u"):
        values = f[key]
        if values is None:
            continue
        if not isinstance(values, list) or not all(_is_number(v) for v in values):
            problems.append(f"{where}.{key} must be a list of numbers or null")
            continue
        if len(values) != len(expected):
            problems.append(
                f"{where}.{key} has {len(values)} values but the field has "
                f"{len(expected)} levels besides 'missing'"
            )
            continue
        problem = _distribution_problem(np.asarray(values, dtype=np.float64))
        if problem:
            problems.append(f"{where}.{key}: {problem}")
    return problems


def lambda_fixed_point(weights: np.ndarray, counts: np.ndarray, max_iter: int = 500,
                       tol: float = 1e-10) -> tuple[float, int, bool]:
    """λ maximising Σ log(λ 2^w m-part + (1 − λ)) with m and u fixed: a concave 1-D problem."""
    total = counts.sum()
    lam = 0.01
    for it in range(1, max_iter + 1):
        logit = math.log(lam) - math.log1p(-lam)
        post = expit(weights * math.log(2.0) + logit)
        new = float(np.clip((counts * post).sum() / total, 1e-12, 1 - 1e-12))
        if abs(new - lam) < tol * max(lam, 1e-12) + 1e-15:
            return new, it, True
        lam = new
    return lam, max_iter, False
