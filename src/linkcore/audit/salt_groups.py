"""Rebuilt salt groups: frequency alignment within the groups that deterministic columns rebuild.

A record-level salt (say the year of birth) hides frequencies only while its groups are unknown.
The attacker rebuilds them from the file alone (:mod:`linkcore.audit.equality`: identical salted
filters, an unsalted date filter, a date blocking key all link records of one salt value), splits
each group by any attribute the file reveals trivially (a deterministic sex filter), and inside
each cell -- where the salt is constant, so identical filters again mean identical values -- aligns
filter frequencies and set-bit counts with the register's value frequencies for that attribute
(Hungarian assignment, as in :mod:`linkcore.audit.frequency`). Which sex code is which sex is not
in the file: the attacker tries each labelling and keeps the one whose alignment costs least.

The register's frequencies are pooled over all salt values (the attacker does not need to know
which year a group is; where names depend on the year a stronger attacker would also label groups
with years, as :func:`group_salt_guesses` does from group sizes).

Confidence: as in frequency alignment -- the aligned value's expected count is separated from its
neighbours' by more than two Poisson standard deviations, and the filter occurs at least twice.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .._sets import sorted_unique
from ..kernels import popcounts
from .frequency import _bit_noise
from .scoring import Guesses

MAX_CELL_UNITS = 300


class _RegisterStats:
    """Register values of one attribute class, most frequent first, with set-bit counts."""

    def __init__(self, values: np.ndarray, pops: np.ndarray) -> None:
        s = pd.DataFrame({"v": values, "p": pops}).dropna()
        g = s.groupby("v", sort=False).agg(n=("p", "size"), pop=("p", "mean"))
        order = np.lexsort((g.index.to_numpy(dtype=str), -g["n"].to_numpy()))
        self.values = g.index.to_numpy(dtype=object)[order]
        counts = g["n"].to_numpy(dtype=float)[order]
        self.share = counts / max(counts.sum(), 1.0)
        self.pop = g["pop"].to_numpy(dtype=float)[order]
        self.sigma2 = 2.0 * _bit_noise(s["p"].to_numpy(dtype=float), s["v"].to_numpy()) + 1.0


def _align_cell(counts: np.ndarray, pops: np.ndarray, reg: _RegisterStats
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """One cell: (filter index, register index, confident, total cost) of the alignment."""
    top_d = min(len(counts), MAX_CELL_UNITS)
    top_u = min(len(reg.values), max(2 * top_d, 50))
    if top_d == 0 or top_u == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool), 0.0
    expected = reg.share * counts.sum()
    c = counts[:top_d, None].astype(float)
    e = expected[None, :top_u]
    cost = (c - e) ** 2 / (c + e + 1.0) + (pops[:top_d, None] - reg.pop[None, :top_u]) ** 2 \
        / reg.sigma2
    d, u = linear_sum_assignment(cost)
    ex = expected[u]
    above = np.concatenate([[np.inf], expected])[u] - ex
    below = ex - np.append(expected, 0.0)[u + 1]
    confident = (np.minimum(above, below) > 2.0 * np.sqrt(np.maximum(ex, 1.0))) & \
        (counts[d] >= 2)
    return d, u, confident, float(cost[d, u].sum())


def _cells(filters: np.ndarray, rows: np.ndarray, cell: np.ndarray
           ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per cell: (rows, distinct-filter code per row, count per distinct, set bits per distinct)."""
    view = np.ascontiguousarray(filters[rows]).view(
        np.dtype((np.void, filters.dtype.itemsize * filters.shape[1]))).ravel()
    _, fcode = np.unique(view, return_inverse=True)
    pop = popcounts(filters[rows]).astype(float)
    frame = pd.DataFrame({"cell": cell, "f": fcode.ravel(), "i": np.arange(len(rows))})
    out = []
    for _, part in frame.groupby("cell", sort=False):
        local, inv, cnt = np.unique(part["f"].to_numpy(), return_inverse=True,
                                    return_counts=True)
        order = np.argsort(-cnt, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        idx = part["i"].to_numpy()
        first = np.zeros(len(local), dtype=np.int64)
        first[inv[::-1]] = idx[::-1]
        out.append((rows[idx], rank[inv], cnt[order], pop[first[order]]))
    return out


def _singles(singles: tuple[np.ndarray, np.ndarray], t: np.ndarray, labelling: dict,
             by_label: dict, pooled: _RegisterStats, guesses: np.ndarray) -> float:
    """Cells of one record, all at once: the best value for a count of one and its set bits.

    The same as aligning each such cell alone (one filter, one value), vectorised.
    """
    rows, pops = singles
    total = 0.0
    if len(rows) == 0:
        return total
    codes = t[rows]
    for code in sorted_unique(codes):
        reg = by_label.get(labelling.get(int(code)), pooled) if code >= 0 else pooled
        top_u = min(len(reg.values), 50)
        if top_u == 0:
            continue
        sel = codes == code
        upops, inv = np.unique(pops[sel], return_inverse=True)
        e = reg.share[:top_u][None, :]
        cost = (1.0 - e) ** 2 / (2.0 + e) + (upops[:, None] - reg.pop[None, :top_u]) ** 2 \
            / reg.sigma2
        best = cost.argmin(axis=1)
        guesses[rows[sel]] = reg.values[best][inv]
        total += float(cost[np.arange(len(upops)), best][inv].sum())
    return total


def salt_groups_attack(filters: np.ndarray, missing: np.ndarray, groups: np.ndarray,
                       trivial: np.ndarray | None, ref_values: np.ndarray,
                       ref_trivial: np.ndarray | None, ref_filters: np.ndarray) -> Guesses:
    """Align filter frequencies with register frequencies inside each rebuilt (group, sex) cell.

    ``groups`` is the rebuilt salt group per record, ``trivial`` the class code per record of a
    trivially revealed attribute (or None; -1 = unknown), ``ref_trivial`` the register's value of
    that attribute, ``ref_filters`` the register encoded by the attacker under his own key.
    """
    n = len(filters)
    rows = np.flatnonzero(~np.asarray(missing, dtype=bool))
    if len(rows) == 0:
        return Guesses.none(n, "no encoded values", applicable=True)
    ref_values = np.asarray(ref_values, dtype=object)
    ref_pop = popcounts(ref_filters).astype(float)
    present = pd.notna(pd.Series(ref_values, dtype=object)).to_numpy()
    pooled = _RegisterStats(ref_values[present], ref_pop[present])
    t = np.full(n, -1, dtype=np.int64) if trivial is None else np.asarray(trivial)
    labels: list[object] = []
    if ref_trivial is not None:
        labels = [v for v in pd.Series(ref_trivial, dtype=object).dropna().value_counts().index]
    by_label = {lab: _RegisterStats(ref_values[present & (ref_trivial == lab)],
                                    ref_pop[present & (ref_trivial == lab)]) for lab in labels}
    codes = sorted(int(c) for c in sorted_unique(t[rows]) if c >= 0)
    cell_key = groups[rows] * (len(codes) + 2) + (t[rows] + 1)
    cells = _cells(filters, rows, cell_key)
    multi = [c for c in cells if len(c[0]) > 1]
    one = [c for c in cells if len(c[0]) == 1]
    singles = (np.array([c[0][0] for c in one], dtype=np.int64),
               np.array([c[3][0] for c in one], dtype=float))

    labellings: list[dict[int, object]] = [{}]
    if codes and labels:
        k = min(len(codes), len(labels))
        labellings = [dict(zip(codes[:k], perm, strict=True))
                      for perm in itertools.permutations(labels, k)]
    best = None
    for labelling in labellings:
        guesses = np.full(n, None, dtype=object)
        confident = np.zeros(n, dtype=bool)
        total = 0.0
        total += _singles(singles, t, labelling, by_label, pooled, guesses)
        for cell_rows, fcode, cnt, pop in multi:
            code = int(t[cell_rows[0]])
            reg = by_label.get(labelling.get(code), pooled) if code >= 0 else pooled
            d, u, conf, cost = _align_cell(cnt, pop, reg)
            total += cost
            g = np.full(len(cnt), None, dtype=object)
            c = np.zeros(len(cnt), dtype=bool)
            g[d] = reg.values[u]
            c[d] = conf
            guesses[cell_rows] = g[fcode]
            confident[cell_rows] = c[fcode]
        if best is None or total < best[0]:
            best = (total, guesses, confident)
    assert best is not None
    sizes = np.bincount(groups[rows])
    sizes = sizes[sizes > 0]
    details = {"groups": int(len(sizes)), "largest_group": int(sizes.max()),
               "groups_of_10_or_more": int((sizes >= 10).sum()), "cells": len(cells),
               "trivial_classes": len(codes)}
    return Guesses(best[1], best[2], True, "", details)


def group_salt_guesses(groups: np.ndarray, ref_salts: np.ndarray, n_file: int) -> Guesses:
    """Guess each group's salt value (say its year) by aligning group sizes with register counts.

    The largest groups are matched one to one with the salt values whose register share,
    scaled to the file, is closest (Hungarian on ``(size - expected)^2 / (size + expected)``).
    Sizes of neighbouring years are too alike for this to be sure, so no guess is confident.
    """
    n = len(groups)
    s = pd.Series(ref_salts, dtype=object).dropna()
    if s.empty or n == 0:
        return Guesses.none(n, "no salt values in the register", applicable=True)
    vc = s.value_counts()
    values = vc.index.to_numpy(dtype=object)
    expected = vc.to_numpy(dtype=float) / vc.sum() * n_file
    sizes = np.bincount(groups)
    order = np.argsort(-sizes, kind="stable")[: len(values)]
    order = order[sizes[order] >= 2]
    if len(order) == 0:
        return Guesses.none(n, "no rebuilt group has two records", applicable=True)
    sz = sizes[order].astype(float)[:, None]
    cost = (sz - expected[None, :]) ** 2 / (sz + expected[None, :] + 1.0)
    gi, vi = linear_sum_assignment(cost)
    guess_by_group = np.full(len(sizes), None, dtype=object)
    conf_by_group = np.zeros(len(sizes), dtype=bool)
    guess_by_group[order[gi]] = values[vi]
    return Guesses(guess_by_group[groups], conf_by_group[groups], True, "",
                   {"groups_labelled": int(len(gi))})
