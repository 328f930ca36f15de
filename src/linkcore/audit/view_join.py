"""Joined views: several deterministic encodings of one value, each under its own salt, chained.

When a schema sends one value more than once -- a name salted with the date of birth and the same
name salted with the postcode, say -- every view is an equality test on the value: two records
with an identical view-1 filter share the name (and date of birth), two with an identical view-2
filter share the name (and postcode). Chaining both kinds of link joins records of one name
across dates and postcodes, whatever the salts are: the connected components of all views'
equality classes hold one value each, and a frequent value forms a large component. The attacker
then aligns component sizes (and, when the file reveals sex trivially, each component's sex mix)
with the register's value frequencies, one to one (Hungarian assignment); both ways of naming
the two sex classes are tried and the cheaper kept. Components of fewer than three records carry
no frequency: they get the register's most frequent value for their sex class (chance).

Confidence: a component of two records or more whose label is its best choice and which is its
label's best choice (a mutual best).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .._sets import sorted_unique
from .equality import class_codes, union_groups
from .scoring import Guesses

MIX_WEIGHT = 4.0
MAX_COMPONENTS = 1500
MIN_ALIGNED = 3


def view_join_attack(views: list[tuple[np.ndarray, np.ndarray]], trivial: np.ndarray | None,
                     ref_values: np.ndarray, ref_trivial: np.ndarray | None,
                     extra: dict[str, np.ndarray] | None = None) -> Guesses:
    """Join the views' equality classes into components; label components by frequency.

    ``views`` holds (filters, missing) of every deterministic encoding of the value;
    ``trivial``/``ref_trivial`` as in :func:`linkcore.audit.salt_groups.salt_groups_attack`.
    ``extra``: more class codes per record (-1 = none) that also mean one value (the store
    audit's person links).
    """
    n = len(views[0][0])
    present = np.zeros(n, dtype=bool)
    codes = {}
    for j, (filters, missing) in enumerate(views):
        codes[f"view{j}"] = class_codes(filters, missing)
        present |= ~np.asarray(missing, dtype=bool)
    codes.update(extra or {})
    if not present.any():
        return Guesses.none(n, "no encoded values", applicable=True)
    comp = union_groups(codes, n)
    rows = np.flatnonzero(present)
    labels, inverse, sizes = np.unique(comp[rows], return_inverse=True, return_counts=True)
    order = np.argsort(-sizes, kind="stable")[:MAX_COMPONENTS]
    order = order[sizes[order] >= MIN_ALIGNED]
    vc = pd.Series(ref_values, dtype=object).dropna().value_counts()
    top_u = min(len(vc), max(2 * len(order), 50))
    if top_u == 0:
        return Guesses.none(n, "the register has no values", applicable=True)
    values = vc.index.to_numpy(dtype=object)[:top_u]
    expected = vc.to_numpy(dtype=float)[:top_u] / float(vc.sum()) * len(rows)
    c = sizes[order].astype(float)[:, None]
    base = (c - expected[None, :]) ** 2 / (c + expected[None, :] + 1.0)

    overall = values[0]
    options: list[tuple[np.ndarray, dict]] = [(np.zeros_like(base), {})]
    t = None if trivial is None else np.asarray(trivial)[rows]
    if t is not None and ref_trivial is not None:
        tcodes = sorted_unique(t[t >= 0])
        names = pd.Series(ref_trivial, dtype=object).dropna().value_counts().index[:2]
        if len(tcodes) >= 2 and len(names) >= 2:
            known = t >= 0
            hits = np.bincount(inverse[known], weights=(t[known] == tcodes[0]).astype(float),
                               minlength=len(labels))
            total = np.bincount(inverse[known], minlength=len(labels))
            mix = np.where(total > 0, hits / np.maximum(total, 1), 0.5)[order]
            frame = pd.DataFrame({"v": pd.Series(ref_values, dtype=object),
                                  "a": pd.Series(ref_trivial, dtype=object)}).dropna()
            options = []
            top = {a: g["v"].value_counts().index[0] for a, g in frame.groupby("a")}
            for name in names:
                share = (frame["a"] == name).groupby(frame["v"]).mean()
                vm = np.array([share.get(v, 0.5) for v in values], dtype=float)
                other = next(x for x in names if x != name)
                options.append((MIX_WEIGHT * (mix[:, None] - vm[None, :]) ** 2,
                                {int(tcodes[0]): top[name], int(tcodes[1]): top[other]}))
    best = None
    for extra, top_by_code in options:
        cost = base + extra
        d, u = linear_sum_assignment(cost)
        total_cost = float(cost[d, u].sum())
        if best is None or total_cost < best[0]:
            best = (total_cost, cost, d, u, top_by_code)
    assert best is not None
    _, cost, d, u, top_by_code = best
    # components too small to align: the register's most frequent value for their sex class
    guess_by_comp = np.full(len(labels), overall, dtype=object)
    if t is not None and top_by_code:
        first_code = np.full(len(labels), -1, dtype=np.int64)
        first_code[inverse[::-1]] = t[::-1]
        for code, value in top_by_code.items():
            guess_by_comp[first_code == code] = value
    conf_by_comp = np.zeros(len(labels), dtype=bool)
    guess_by_comp[order[d]] = values[u]
    if cost.size:  # nothing to align (a small file): no guess is confident
        mutual = (cost.argmin(axis=1)[d] == u) & (cost.argmin(axis=0)[u] == d)
    else:
        mutual = np.zeros(d.size, dtype=bool)
    conf_by_comp[order[d]] = mutual & (sizes[order[d]] >= 2)
    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    guesses[rows] = guess_by_comp[inverse]
    confident[rows] = conf_by_comp[inverse]
    details = {"views": len(views), "components": int(len(labels)),
               "largest_component": int(sizes.max()),
               "components_of_10_or_more": int((sizes >= 10).sum())}
    return Guesses(guesses, confident, True, "", details)
