"""u of gated fields: a field compared only under an equal salt is measured among same-salt pairs.

A field salted with the whole value of another compared field (a name salted with the date of
birth) is compared only where that salt field agrees exactly (compare.salt_gates); elsewhere it
is ``missing``. Random pairs almost never share the salt, so the random-pair u of such a field
rests on a handful of pairs. What scoring needs is u(level | non-match, same salt): how often two
different people who share a date of birth (or a postcode) have similar names. Those pairs are
the ones with identical salt-field filters, and they are a mixture: in a block of equal dates of
birth many pairs are matches. Each pair is weighted by its non-match probability from the other
fields (the salt field and the fields gated on it left out, and the block's own match share found
by the λ fixed point), and u is counted with those weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from linkcore.dataset import EncodedDataset
from linkcore.linkage.blocking import field_keys
from linkcore.linkage.compare import salt_gates
from linkcore.linkage.exact_u import equal_filter_pairs
from linkcore.linkage.levels import MISSING_LEVEL
from linkcore.linkage.model import FellegiSunterModel, lambda_fixed_point

#: Pairs taken from each salt field's block of identical filters (sub-sampled beyond it).
BLOCK_PAIRS = 400_000
#: u is re-estimated only from at least this many non-matching pairs (weighted).
MIN_NON_MATCHES = 20.0
#: Laplace smoothing of the weighted counts, as the model smooths its own.
SMOOTHING = 0.5


def gated_fields(model: FellegiSunterModel, ds: EncodedDataset) -> dict[str, list[str]]:
    """Salt field -> the compared fields gated on it."""
    fields = model.fields
    out: dict[str, list[str]] = {}
    for salted, salt in salt_gates(ds, fields):
        out.setdefault(fields[salt], []).append(fields[salted])
    return out


def estimate_gated_u(model: FellegiSunterModel, comparator: Any, ds_a: EncodedDataset,
                     ds_b: EncodedDataset, *, seed: int = 0,
                     block_pairs: int = BLOCK_PAIRS) -> dict[str, Any]:
    """Set u of every gated field from its salt field's identical-filter block; say what changed.

    ``comparator``: computes the comparison levels of (left, right) row pairs (Comparator).
    """
    report: dict[str, Any] = {}
    if not model.is_fitted:
        return report
    fields = model.fields
    rng = np.random.default_rng([seed, 11])
    new_u: dict[str, Sequence[float]] = {}
    for salt, gated in gated_fields(model, ds_a).items():
        left, right, _ = equal_filter_pairs(field_keys(ds_a, salt), field_keys(ds_b, salt),
                                            block_pairs, rng)
        if left.size == 0:
            continue
        levels = comparator.levels(left, right)
        others = levels.copy()
        for name in (salt, *gated):
            others[:, fields.index(name)] = MISSING_LEVEL
        non_match = _non_match_probability(model, others)
        if non_match.sum() < MIN_NON_MATCHES:
            report[salt] = {"pairs": int(left.size), "non_matches": float(non_match.sum()),
                            "note": "too few non-matching pairs: u kept from random pairs"}
            continue
        for name in gated:
            j = fields.index(name)
            col = levels[:, j]
            n_levels = model.comparisons[j].n_levels
            counts = np.bincount(col, weights=non_match, minlength=n_levels)[1:]
            counts = counts + SMOOTHING
            new_u[name] = (counts / counts.sum()).tolist()
        report[salt] = {"pairs": int(left.size), "non_matches": round(float(non_match.sum()), 1),
                        "fields": list(gated)}
    if new_u:
        model.set_parameters(u=new_u)
        model.training.pop("set_parameters", None)
    return report


def _non_match_probability(model: FellegiSunterModel, levels: np.ndarray) -> np.ndarray:
    """1 − P(match) per pair, with the block's own match share from the λ fixed point."""
    bayes = model.match_weights(levels) - model.prior_weight
    lam, _, _ = lambda_fixed_point(bayes, np.ones(bayes.size))
    logit = bayes * np.log(2.0) + np.log(lam) - np.log1p(-lam)
    return 1.0 / (1.0 + np.exp(np.clip(logit, -700, 700)))
