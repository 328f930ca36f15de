"""Frequency alignment attack (Kuzu, Kantarcioglu, Durham & Malin 2011).

Source: "A constraint satisfaction cryptanalysis of Bloom filters in private record linkage",
PETS 2011.

A field-level Bloom filter without record-level randomness is a deterministic function of the
value, so identical values give identical filters. The attacker counts identical filters in the
file, ranks them by frequency, and lines them up with the values of a public reference population
ranked by *their* frequency: the most frequent filter is guessed to be the most frequent surname,
and so on. Kuzu et al. solve the alignment as a constraint-satisfaction problem; for the frequent
head of a skewed distribution the rank alignment used here is what that solver returns.

Salting is public (the schema says which field salts which), so when a field is salted the
attacker aligns filters with the reference's (value, salt) combinations instead: salting defeats
the attack by flattening those frequencies, not by hiding how it works. The same attack applies
to record-level CLKs, aligned with the reference's combinations of all CLK fields.

Kuzu et al. narrow the candidates of each filter by the length of the value, which the number of
set bits betrays; the attacker here encodes the reference under a key of his own with the public
schema, so that set-bit counts are comparable (hardening included), and matches filters to values
one to one on both frequency and set bits (Hungarian algorithm).

Confidence: a guess is confident when the reference predicts a count for its value that is
separated from both neighbouring frequency ranks by more than two Poisson standard deviations,
so that sampling noise is unlikely to swap it with a neighbour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..kernels import popcounts
from .scoring import Guesses, distinct_rows

#: At most this many distinct encodings: the field's classes are scored under their best
#: labelling (``Guesses.relabel``), since side information names them (sex from first names).
FEW_CLASSES = 8


def frequency_attack(filters: np.ndarray, missing: np.ndarray, reference_units: np.ndarray,
                     reference_values: np.ndarray, reference_filters: np.ndarray | None = None,
                     *, max_units: int = 1500) -> Guesses:
    """Guess each record's value by aligning filter frequencies with reference frequencies.

    ``reference_units`` is the attacker's unit per reference record (the value, or value and
    salt; None when missing) and ``reference_values`` the value each unit stands for. With
    ``reference_filters`` (the reference encoded by the attacker under a key of his own, same
    public schema) the alignment also uses the number of set bits, as Kuzu et al. constrain it
    by value length: the most frequent filters (those seen more than once, at most ``max_units``)
    and units are then matched one to one (Hungarian algorithm) on a frequency term plus a set-bits
    term; without it, by rank.
    """
    n = len(filters)
    present = ~np.asarray(missing, dtype=bool)
    rows = np.flatnonzero(present)
    if len(rows) == 0:
        return Guesses.none(n, "no encoded values", applicable=True)
    distinct, codes, counts = distinct_rows(filters, rows)
    units = pd.Series(reference_units, dtype=object)
    keep = units.notna().to_numpy()
    if not keep.any():
        return Guesses.none(n, "the reference has no values for this field")
    ref = pd.DataFrame({"unit": units[keep].to_numpy(),
                        "value": np.asarray(reference_values, dtype=object)[keep],
                        "row": np.flatnonzero(keep)})
    grouped = ref.groupby("unit", sort=False).agg(count=("value", "size"), value=("value", "first"),
                                                  row=("row", "first"))
    order = np.lexsort((grouped.index.to_numpy(dtype=str), -grouped["count"].to_numpy()))
    ref_counts = grouped["count"].to_numpy()[order].astype(float)
    ref_values = grouped["value"].to_numpy(dtype=object)[order]
    expected = ref_counts * (len(rows) / ref_counts.sum())

    guess_by_code = np.full(len(counts), None, dtype=object)
    confident_by_code = np.zeros(len(counts), dtype=bool)
    if reference_filters is None:
        aligned = min(len(counts), len(ref_values))
        match_d = np.arange(aligned)
        match_u = np.arange(aligned)
    else:
        # a filter seen once carries no frequency: align the repeated ones (and a few more)
        top_d = min(len(counts), max_units, max(int((counts >= 2).sum()), 50))
        top_u = min(len(ref_values), max_units, 2 * top_d)
        pop_d = popcounts(distinct[:top_d])
        ref_rows = grouped["row"].to_numpy()[order][:top_u]
        pop_u = popcounts(reference_filters[ref_rows])
        c = counts[:top_d].astype(float)[:, None]
        e = expected[:top_u][None, :]
        sigma2 = 2.0 * _bit_noise(pop_u, ref_values[:top_u]) + 1.0
        cost = (c - e) ** 2 / (c + e + 1.0) + (pop_d[:, None] - pop_u[None, :]) ** 2 / sigma2
        match_d, match_u = linear_sum_assignment(cost)
    guess_by_code[match_d] = ref_values[match_u]
    if len(match_u):
        e = expected[match_u]
        above = np.concatenate([[np.inf], expected])[match_u] - e
        below = e - np.append(expected, 0.0)[match_u + 1]
        gap = np.minimum(above, below)
        confident_by_code[match_d] = (gap > 2.0 * np.sqrt(np.maximum(e, 1.0))) & \
            (counts[match_d] >= 2)
    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    guesses[rows] = guess_by_code[codes]
    confident[rows] = confident_by_code[codes]
    details = {"distinct_encodings": int(len(counts)), "reference_units": int(len(ref_values)),
               "repeated_encodings": int((counts >= 2).sum()), "aligned": int(len(match_d))}
    # a few classes of near-equal size are named by frequency at a coin toss, but the split is
    # what leaks: names or any other column tell which class is which
    return Guesses(guesses, confident, True, "", details,
                   relabel=len(counts) <= FEW_CLASSES)


def _bit_noise(pop: np.ndarray, values: np.ndarray) -> float:
    """Variance of set bits between encodings of equally long values (hash collisions, noise)."""
    lengths = pd.Series([len(v) if isinstance(v, str) else 0 for v in values])
    var = pd.Series(pop.astype(float)).groupby(lengths.to_numpy()).var().dropna()
    return float(var.median()) if len(var) else 1.0


def salted_units(values: np.ndarray, salts: np.ndarray | None) -> np.ndarray:
    """Return the attacker's alignment unit per reference record: the value, or value and salt."""
    if salts is None:
        return np.asarray(values, dtype=object)
    out = np.full(len(values), None, dtype=object)
    for i, (v, s) in enumerate(zip(values, salts, strict=True)):
        if v is not None:
            out[i] = f"{v}\x1f{'' if s is None else s}"
    return out
