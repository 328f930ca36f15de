"""m under a monotone likelihood ratio: evidence for a match never falls as similarity rises.

A field's levels are ordered (``exact``, then ``dice>=t`` for falling t, then ``else``), so a
pair that agrees more on a field should never be scored as less likely a match than one that
agrees less. EM does not know that order: on held-out pairs a first name's ``dice>=0.86`` level
got m 0.0011 against u 0.00014 (+2.96 bits) beside ``dice>=0.81`` at +3.48, and a middle name's
``dice>=0.81`` level -11.4 bits beside ``else`` at -3.0, where a handful of pairs sit in a level
and EM gives them all to the non-matches. Winkler's EMH algorithm (Census research report
RR93/12) held EM's estimates in a convex region of the parameters; m/u falling along a field's
levels is such a region (m_l u_{l+1} >= m_{l+1} u_l is linear in m).

With u given, the M-step's m maximises Σ c_l log m_l (c_l: the expected matches at level l) over
distributions whose ratio r_l = m_l / u_l does not rise along the levels. Writing m_l = r_l u_l,
that is the weighted isotonic regression of the unconstrained ratios m_l / u_l with weights u_l
(pool adjacent violators): a pooled run of levels gets the ratio Σ m / Σ u, so its m keeps its
sum and spreads it over the run in proportion to u. Nothing changes where the ratios already
fall, and the ``missing`` level (index 0, m = u = 1) is left out.
"""

from __future__ import annotations

import numpy as np


def monotone_m(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Return ``m`` pooled so that m/u does not rise from ``exact`` (index 1) to ``else``."""
    m = np.asarray(m, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    if m.shape != u.shape or m.ndim != 1:
        raise ValueError("m and u must be tables of one field's levels, of one length")
    if m.size <= 2 or (u[1:] <= 0).any():
        return m.copy()
    with np.errstate(over="ignore"):  # a subnormal u: an infinite ratio still orders
        ratio = m[1:] / u[1:]
    if (np.diff(ratio) <= 0).all():
        return m.copy()
    # runs of levels as [sum of m, sum of u, number of levels], merged while a run's ratio
    # exceeds the one before it
    runs: list[list[float]] = []
    for mass, weight in zip(m[1:], u[1:], strict=True):
        runs.append([float(mass), float(weight), 1])
        while len(runs) > 1 and runs[-1][0] * runs[-2][1] > runs[-2][0] * runs[-1][1]:
            mass2, weight2, n2 = runs.pop()
            runs[-1][0] += mass2
            runs[-1][1] += weight2
            runs[-1][2] += n2
    out = m.copy()
    start = 1
    for mass, weight, n in runs:
        stop = start + int(n)
        out[start:stop] = mass * (u[start:stop] / weight)  # u / Σu <= 1: no overflow
        start = stop
    return out
