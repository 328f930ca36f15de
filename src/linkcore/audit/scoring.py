"""Scoring an attack's guesses against the holder's own plaintext, and the chance baseline.

An attack outputs, per encoded record, a guessed plaintext value (or none) and whether the guess
is *confident* (each attack defines its own confidence rule). The audit compares the guesses with
the holder's normalised values, which only the holder has. Only rates and counts leave this module.

Measures (records whose field is missing are left out throughout):

- ``reidentified``: share of records whose guess equals their true value (top-1 accuracy).
- ``values_recovered``: share of the distinct true values for which at least one record was
  guessed correctly.
- ``confident_precision``: share of the confident guesses that are correct (None if there are none),
  with ``confident_share``, the share of records given a confident guess.
- ``chance``: the best an attacker scores *without* the encoded file, knowing only the reference:
  the larger of (a) guessing the reference's most frequent value for every record, and (b) guessing
  at random in proportion to the reference frequencies, whose expected accuracy is
  ``sum_v p_ref(v) * p_data(v)``. (a) is always at least (b) for skewed fields; both are reported.
  ``chance_values`` is the matching baseline for ``values_recovered``: one value out of the distinct
  true values, when that value occurs in the data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Chance:
    """What guessing from reference frequencies alone scores (rates only)."""

    most_frequent: float
    by_frequency: float
    values: float

    @property
    def records(self) -> float:
        """The chance level for records: the better of the two guessing strategies."""
        return max(self.most_frequent, self.by_frequency)


@dataclass(frozen=True)
class Score:
    """How well one attack re-identified one field (rates and counts; never a value)."""

    records: int
    reidentified: float
    values_recovered: float
    distinct_values: int
    confident_share: float
    confident_precision: float | None
    chance: float
    chance_most_frequent: float
    chance_by_frequency: float
    chance_values: float
    chance_given_trivial: float | None = None

    @property
    def baseline(self) -> float:
        """The chance level to beat: plain chance, or chance given the trivial reveal if higher."""
        return max(self.chance, self.chance_given_trivial or 0.0)

    def as_dict(self) -> dict[str, float | int | None]:
        """Plain JSON-ready form."""
        return asdict(self)


def chance_level(truth: np.ndarray, reference: np.ndarray) -> Chance:
    """Baselines of an attacker who ignores the encodings and guesses from the reference."""
    t = pd.Series(truth, dtype=object).dropna()
    r = pd.Series(reference, dtype=object).dropna()
    if t.empty or r.empty:
        return Chance(0.0, 0.0, 0.0)
    p_data = t.value_counts(normalize=True)
    p_ref = r.value_counts(normalize=True)
    top = p_ref.index[np.lexsort((p_ref.index.to_numpy(dtype=str), -p_ref.to_numpy()))[0]]
    most_frequent = float(p_data.get(top, 0.0))
    common = p_data.index.intersection(p_ref.index)
    by_frequency = float((p_data[common] * p_ref[common]).sum())
    values = (1.0 / len(p_data)) if top in p_data.index else 0.0
    return Chance(most_frequent, by_frequency, values)


def chance_given(truth: np.ndarray, reference: np.ndarray, truth_attr: np.ndarray,
                 reference_attr: np.ndarray) -> float:
    """Chance for an attacker who also knows each record's trivially revealed attribute (sex).

    Per attribute value a: guess the reference's most frequent value among its records with a
    (records whose attribute is unknown get the overall most frequent value); the share of
    DATA's present records guessed right.
    """
    t = pd.Series(truth, dtype=object)
    present = t.notna().to_numpy()
    if not present.any():
        return 0.0
    r = pd.DataFrame({"v": pd.Series(reference, dtype=object),
                      "a": pd.Series(reference_attr, dtype=object)}).dropna(subset=["v"])
    if r.empty:
        return 0.0
    overall = r["v"].value_counts().index[0]
    top = {a: g["v"].value_counts().index[0] for a, g in r.dropna(subset=["a"]).groupby("a")}
    attr = pd.Series(truth_attr, dtype=object).to_numpy()
    guess = np.array([top.get(a, overall) if a is not None and a == a else overall
                      for a in attr], dtype=object)
    hit = (guess[present] == t.to_numpy()[present])
    return float(hit.mean())


def score_guesses(guesses: np.ndarray, confident: np.ndarray, truth: np.ndarray,
                  chance: Chance, chance_trivial: float | None = None,
                  relabel: bool = False) -> Score:
    """Score per-record guesses (object array, None = no guess) against the true values.

    ``relabel``: the guesses are class labels; score them under the one-to-one labelling of
    classes with values that re-identifies most records (an attack that split a two-valued
    field right but named the halves the wrong way round has broken it all the same).
    """
    present = pd.notna(pd.Series(truth, dtype=object)).to_numpy()
    t = np.asarray(truth, dtype=object)[present]
    g = np.asarray(guesses, dtype=object)[present]
    if relabel:
        g = best_labelling(g, t)
    c = np.asarray(confident, dtype=bool)[present]
    n = int(present.sum())
    if n == 0:
        return Score(0, 0.0, 0.0, 0, 0.0, None, chance.records, chance.most_frequent,
                     chance.by_frequency, chance.values, chance_trivial)
    hit = np.fromiter((a is not None and a == b for a, b in zip(g, t, strict=True)),
                      dtype=bool, count=n)
    distinct = pd.unique(t)
    recovered = pd.unique(t[hit])
    n_conf = int(c.sum())
    precision = float(hit[c].mean()) if n_conf else None
    return Score(
        records=n,
        reidentified=float(hit.mean()),
        values_recovered=len(recovered) / len(distinct),
        distinct_values=len(distinct),
        confident_share=n_conf / n,
        confident_precision=precision,
        chance=chance.records,
        chance_most_frequent=chance.most_frequent,
        chance_by_frequency=chance.by_frequency,
        chance_values=chance.values,
        chance_given_trivial=chance_trivial,
    )


def best_labelling(guesses: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Rename guessed classes one to one with true values so as to get most records right."""
    have = np.fromiter((x is not None for x in guesses), dtype=bool, count=len(guesses))
    if not have.any():
        return guesses
    from scipy.optimize import linear_sum_assignment

    table = pd.crosstab(pd.Series(guesses[have], dtype=object).astype(str).to_numpy(),
                        pd.Series(truth[have], dtype=object).to_numpy())
    rows, cols = linear_sum_assignment(-table.to_numpy())
    rename = {table.index[r]: table.columns[c] for r, c in zip(rows, cols, strict=True)}
    out = np.full(len(guesses), None, dtype=object)
    out[have] = [rename.get(str(x)) for x in guesses[have]]
    return out


def distinct_rows(filters: np.ndarray, rows: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct filter rows among ``rows``: (distinct filters, code per row, count per distinct).

    Codes index the distinct filters; distinct filters are ordered by count, most frequent first.
    """
    f = filters if rows is None else filters[rows]
    if len(f) == 0:
        return f[:0], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    view = np.ascontiguousarray(f).view(np.dtype((np.void, f.dtype.itemsize * f.shape[1])))
    _, first, inverse, counts = np.unique(view.ravel(), return_index=True, return_inverse=True,
                                          return_counts=True)
    order = np.lexsort((first, -counts))  # most frequent first; ties by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return f[first[order]], rank[inverse.ravel()], counts[order]


@dataclass
class Guesses:
    """An attack's output on one target: a guessed value per record, its confidence, and notes.

    ``guesses`` holds plaintext and stays inside the audit; only its :class:`Score` is reported.
    ``details`` holds counts only (patterns found, nodes matched, ...).
    """

    guesses: np.ndarray
    confident: np.ndarray
    applicable: bool = True
    note: str = ""
    details: dict[str, float | int] | None = None
    #: the guesses name a few classes the file shows (identical encodings) by frequency alone;
    #: which class is which value, side information fixes (first names tell sex), so they are
    #: scored under their best labelling (``score_guesses``)
    relabel: bool = False

    @classmethod
    def none(cls, n: int, note: str, applicable: bool = False) -> Guesses:
        """No guesses at all (the attack does not apply, or found nothing to work with)."""
        return cls(np.full(n, None, dtype=object), np.zeros(n, dtype=bool), applicable, note, {})
