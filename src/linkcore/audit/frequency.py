"""Frequency alignment attack (Kuzu, Kantarcioglu, Durham & Malin 2011, "A constraint
satisfaction cryptanalysis of Bloom filters in private record linkage", PETS 2011).

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

Confidence: a guess at rank i is confident when the reference predicts a count for rank i that is
separated from both neighbouring ranks by more than two Poisson standard deviations, so that
sampling noise is unlikely to swap it with a neighbour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .scoring import Guesses, distinct_rows


def frequency_attack(filters: np.ndarray, missing: np.ndarray, reference_units: np.ndarray,
                     reference_values: np.ndarray) -> Guesses:
    """Guess each record's value by aligning filter frequencies with reference frequencies.

    ``reference_units`` is the attacker's unit per reference record (the value, or value and
    salt; None when missing) and ``reference_values`` the value each unit stands for.
    """
    n = len(filters)
    present = ~np.asarray(missing, dtype=bool)
    rows = np.flatnonzero(present)
    if len(rows) == 0:
        return Guesses.none(n, "no encoded values", applicable=True)
    _, codes, counts = distinct_rows(filters, rows)
    units = pd.Series(reference_units, dtype=object)
    keep = units.notna().to_numpy()
    if not keep.any():
        return Guesses.none(n, "the reference has no values for this field")
    ref = pd.DataFrame({"unit": units[keep].to_numpy(),
                        "value": np.asarray(reference_values, dtype=object)[keep]})
    grouped = ref.groupby("unit", sort=False).agg(count=("value", "size"), value=("value", "first"))
    order = np.lexsort((grouped.index.to_numpy(dtype=str), -grouped["count"].to_numpy()))
    ref_counts = grouped["count"].to_numpy()[order].astype(float)
    ref_values = grouped["value"].to_numpy(dtype=object)[order]

    aligned = min(len(counts), len(ref_values))
    guess_by_rank = np.full(len(counts), None, dtype=object)
    guess_by_rank[:aligned] = ref_values[:aligned]
    expected = ref_counts * (len(rows) / ref_counts.sum())
    confident_by_rank = np.zeros(len(counts), dtype=bool)
    if aligned:
        e = expected[:aligned]
        upper = np.concatenate([[np.inf], expected[: aligned - 1]]) - e
        lower = e - np.append(expected[1:aligned], expected[aligned] if aligned < len(expected)
                              else 0.0)
        gap = np.minimum(upper, lower)
        confident_by_rank[:aligned] = (gap > 2.0 * np.sqrt(np.maximum(e, 1.0))) & (counts[:aligned]
                                                                                   >= 2)
    guesses = np.full(n, None, dtype=object)
    confident = np.zeros(n, dtype=bool)
    guesses[rows] = guess_by_rank[codes]
    confident[rows] = confident_by_rank[codes]
    details = {"distinct_encodings": int(len(counts)), "reference_units": int(len(ref_values)),
               "repeated_encodings": int((counts >= 2).sum())}
    return Guesses(guesses, confident, True, "", details)


def salted_units(values: np.ndarray, salts: np.ndarray | None) -> np.ndarray:
    """The attacker's alignment unit per reference record: the value, or value and salt."""
    if salts is None:
        return np.asarray(values, dtype=object)
    out = np.full(len(values), None, dtype=object)
    for i, (v, s) in enumerate(zip(values, salts, strict=True)):
        if v is not None:
            out[i] = f"{v}\x1f{'' if s is None else s}"
    return out
