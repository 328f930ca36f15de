"""Salted fields and their salt field, scored as one group: a mixture over "same salt or not".

Names salted with the year of birth (the default hardening) agree, exactly or nearly, only when
the two years agree, and the date of birth agrees exactly only then as well. Fellegi–Sunter
multiplies each field's u as if independent, so a non-matching pair with the same first name
and the same date of birth is charged the chance of the same year twice: each salted field's u
already holds P(same year), about 1/80, and so does the date's. With three salted names that
overstates the evidence by up to 3 × 6.3 bits; on the 50,000-person pair most of the false
matches at p ≥ 0.5 were pairs agreeing on a first name and a date of birth and nothing else.

For non-matches the group's levels are scored as the mixture the salt makes of them:

    P(levels | U) = s · Π u_x(L_x | same salt) + (1 − s) · Π u_x(L_x | different salts)

over the group's fields present on both sides, where s = P(same salt | U). Everything is
estimated from the data, without labels:

- u(· | same salt): in the pairs whose filters on a salted field g are identical (all of them
  share the salt), weighted by each pair's non-match probability from the fields that are
  neither g nor the field measured (nor the CLK, which holds both). Each salted field is
  measured in the blocks of the others; a lone salted field in the blocks of an identical salt
  field (the same value has the same salt).
- s = u_salt(exact) / u_salt(exact | same salt): the salt field agrees exactly only when the
  salts agree (the year is part of the date).
- u(· | different salts) = (u − s · u(· | same salt)) / (1 − s), 0 at ``exact`` (a filter salted
  differently, or a date with another year, is never identical), clipped at 0 and renormalised
  over the non-missing levels so that it stays a distribution.

Each pair's weight then gains ``log2(Π u_x) − log2(mixture)``, looked up by the group's level
pattern. m is left as it is. A salt field that is not a compared field, or a group whose
blocks hold too few non-matching pairs (fewer than MIN_SALT_EXACT agreeing exactly on the salt
field: small files), is left uncorrected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from linkcore.dataset import EncodedDataset
from linkcore.linkage.blocking import field_keys
from linkcore.linkage.compare import CLK_FIELD, GATED_TRANSFORMS
from linkcore.linkage.exact_u import equal_filter_pairs
from linkcore.linkage.levels import EXACT_LEVEL, MISSING_LEVEL, FieldComparison
from linkcore.linkage.model import FellegiSunterModel, lambda_fixed_point

#: Pairs taken from each salted field's block of identical filters (sub-sampled beyond it).
BLOCK_PAIRS = 400_000
#: A u(· | same salt) is estimated only from at least this many non-matching pairs (weighted).
MIN_NON_MATCHES = 200.0
#: s is estimated only when at least this many of those pairs (weighted) agree exactly on the
#: salt field: s is the ratio of two small rates, and below this the ratio is mostly noise.
MIN_SALT_EXACT = 20.0
#: Floor of a conditional u, as the model floors its own probabilities.
U_FLOOR = 1e-6


@dataclass(frozen=True)
class SaltGroup:
    """One salt field, the fields salted with it, and the non-match mixture of their levels."""

    salt_field: str
    salted: tuple[str, ...]
    same_salt_share: float
    u_same: dict[str, np.ndarray]
    u_other: dict[str, np.ndarray]
    table: np.ndarray
    non_matches: float

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields of the group in pattern order: the salted fields measured, then the salt."""
        return (*self.salted, self.salt_field)

    def codes(self, levels: np.ndarray, comparisons: Sequence[FieldComparison]) -> np.ndarray:
        """Pattern code (mixed radix over the group's levels) of every pair."""
        col = {c.field: j for j, c in enumerate(comparisons)}
        code = np.zeros(levels.shape[0], dtype=np.int64)
        for f in self.fields:
            j = col[f]
            code = code * comparisons[j].n_levels + levels[:, j].astype(np.int64)
        return code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: the share s and each field's u given the same salt."""
        return {"salt_field": self.salt_field, "salted": list(self.salted),
                "same_salt_share": round(self.same_salt_share, 6),
                "non_matching_pairs_measured": round(self.non_matches, 1),
                "u_same_salt": {f: [round(float(x), 8) for x in t[1:]]
                                for f, t in self.u_same.items()}}


@dataclass(frozen=True)
class SaltDependence:
    """Weight corrections for every salt group of a schema (empty when nothing is salted)."""

    groups: tuple[SaltGroup, ...] = ()

    def adjust(self, weights: np.ndarray, levels: np.ndarray,
               comparisons: Sequence[FieldComparison]) -> np.ndarray:
        """Weights with each pair's salt-group correction added."""
        if not self.groups or weights.size == 0:
            return weights
        out = weights.copy()
        for g in self.groups:
            out += g.table[g.codes(levels, comparisons)]
        return out

    def for_row(self, levels_row: np.ndarray, comparisons: Sequence[FieldComparison]) -> float:
        """Return the correction (bits) of one pair."""
        row = levels_row.reshape(1, -1)
        return float(sum(g.table[g.codes(row, comparisons)[0]] for g in self.groups))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: one entry per group."""
        return {"groups": [g.to_dict() for g in self.groups]}


def salt_groups(model: FellegiSunterModel, ds: EncodedDataset) -> list[tuple[str, list[str]]]:
    """(salt field, salted fields) for every compared field salted with another compared one."""
    schema = ds.schema
    if schema is None:
        return []
    fields = model.fields
    groups: dict[str, list[str]] = {}
    for name in fields:
        if name not in ds.fields:
            continue
        salt = schema.field(name).salt
        if salt is not None and (salt.transform in GATED_TRANSFORMS or salt.field == name):
            # gated in comparison (compare.salt_gates), or salted with a coarser part of
            # itself: there is no second field whose agreement the salt would double-count
            continue
        if salt is not None and salt.field in fields and salt.field in ds.fields:
            groups.setdefault(salt.field, []).append(name)
    return sorted(groups.items())


def salt_dependence(model: FellegiSunterModel, comparator: Any, ds_a: EncodedDataset,
                    ds_b: EncodedDataset, *, seed: int = 0,
                    block_pairs: int = BLOCK_PAIRS, within: bool = False) -> SaltDependence:
    """Estimate the mixture of every salt group from blocks of identical salted filters.

    ``comparator``: computes the comparison levels of (left, right) row pairs (Comparator).
    ``within``: ``ds_a`` and ``ds_b`` are one file (deduplication): pairs i < j only.
    """
    if not model.is_fitted or len(ds_a) == 0 or len(ds_b) == 0:
        return SaltDependence()
    rng = np.random.default_rng([seed, 7])
    comparisons = model.comparisons
    col = {c.field: j for j, c in enumerate(comparisons)}
    tables = model.weight_tables()
    u_model = model.u or {}
    out = []
    for salt_field, salted in salt_groups(model, ds_a):
        blocks = []
        # a lone salted field has no other salted block to be measured in: it is measured in
        # the blocks of an identical salt field (same value, so the same salt) instead
        sources = salted if len(salted) > 1 else [*salted, salt_field]
        for g in sources:
            left, right, _ = equal_filter_pairs(field_keys(ds_a, g), field_keys(ds_b, g),
                                                block_pairs, rng, within=within)
            if left.size:
                blocks.append((g, comparator.levels(left, right)))
        group = (*salted, salt_field)
        sums = {f: np.zeros(comparisons[col[f]].n_levels) for f in group}
        for g, levels in blocks:
            for target in group:
                if target == g:
                    continue
                # non-match probability of each pair from every field but g and the target;
                # the CLK is left out too, as it holds the tokens of both
                keep = [j for j, c in enumerate(comparisons)
                        if c.field not in (g, target, CLK_FIELD)]
                base = np.zeros(levels.shape[0])
                for j in keep:
                    base += tables[j][levels[:, j]]
                lam = lambda_fixed_point(base, np.ones_like(base))[0]
                logit = math.log(lam) - math.log1p(-lam)
                non_match = 1.0 - 1.0 / (1.0 + np.exp2(-(base + logit / math.log(2.0))))
                sums[target] += np.bincount(levels[:, col[target]], weights=non_match,
                                            minlength=sums[target].size)
        group_out = _mixture(salt_field, salted, sums, u_model, comparisons, col)
        if group_out is not None:
            out.append(group_out)
    return SaltDependence(tuple(out))


def _mixture(salt_field: str, salted: list[str], sums: dict[str, np.ndarray],
             u_model: dict[str, np.ndarray], comparisons: Sequence[FieldComparison],
             col: dict[str, int]) -> SaltGroup | None:
    """Build the group's correction table from the weighted level counts of non-matches."""
    def conditional(f: str) -> np.ndarray | None:
        counts = sums[f].copy()
        counts[MISSING_LEVEL] = 0.0
        total = counts.sum()
        if total < MIN_NON_MATCHES:
            return None
        dist = np.maximum(counts / total, U_FLOOR)
        dist[MISSING_LEVEL] = 1.0
        return dist

    salt_same = conditional(salt_field)
    if salt_same is None or sums[salt_field][EXACT_LEVEL] < MIN_SALT_EXACT:
        return None
    u_salt = np.asarray(u_model[salt_field], dtype=np.float64)
    share = float(np.clip(u_salt[EXACT_LEVEL] / salt_same[EXACT_LEVEL], U_FLOOR, 1.0))
    measured = [f for f in salted if conditional(f) is not None]
    if not measured:
        return None
    fields = (*measured, salt_field)
    u_same = {f: conditional(f) for f in fields}
    u_other = {}
    for f in fields:
        u = np.asarray(u_model[f], dtype=np.float64)
        other = np.maximum(u - share * u_same[f], 0.0)
        other[EXACT_LEVEL] = 0.0
        # a distribution over the non-missing levels: where the estimates disagree (the clip
        # at 0, or u[exact] not equal to s * u[exact | same salt]) it is renormalised
        total = other[EXACT_LEVEL + 1:].sum()
        if total > 0:
            other /= total
        else:  # the same-salt share explains every disagreement: spread it evenly
            other[EXACT_LEVEL + 1:] = 1.0 / (other.size - EXACT_LEVEL - 1)
        other[MISSING_LEVEL] = 1.0
        u_other[f] = other
    # one entry per pattern of the group's levels: log2 Π u − log2(mixture)
    sizes = [comparisons[col[f]].n_levels for f in fields]
    grids = np.indices(sizes).reshape(len(fields), -1)
    independent = np.zeros(grids.shape[1])
    same = np.full(grids.shape[1], share)
    other = np.full(grids.shape[1], 1.0 - share)
    for k, f in enumerate(fields):
        lv = grids[k]
        u = np.asarray(u_model[f], dtype=np.float64)
        independent += np.log2(np.where(lv == MISSING_LEVEL, 1.0, u[lv]))
        same *= u_same[f][lv]
        other *= u_other[f][lv]
    table = independent - np.log2(np.maximum(same + other, 1e-300))
    measured_non_matches = float(sums[salt_field][1:].sum())
    return SaltGroup(salt_field, tuple(measured), share, u_same, u_other, table,
                     measured_non_matches)
