"""Name and place frequency tables built from Faker's locale data, for weighted numpy draws.

Faker's ``en_GB`` surnames carry ONS-derived percentages (the top 500 cover about 39.5% of
people, Smith 1.15%); its ``en_GB`` first names are ONS lists in rank order without weights,
so they get Zipf weights by rank. The remaining mass is a long tail drawn from other Faker
locales (US census surnames with their weights, Irish, South Asian and European names), which
brings in apostrophes (O'Brien) and accents (Zoé, José) at a small, realistic rate. The tables
are fixed (independent of any seed): a seed only chooses who gets which name.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# (locale, share of all first names of one sex). en_GB holds the bulk; the rest is a tail.
FIRST_NAME_SOURCES: tuple[tuple[str, float], ...] = (
    ("en_GB", 0.80),
    ("en_US", 0.07),
    ("en_IE", 0.04),
    ("en_IN", 0.04),
    ("fr_FR", 0.012),
    ("es_ES", 0.010),
    ("pl_PL", 0.010),
    ("de_DE", 0.004),
    ("it_IT", 0.004),
)

# Surnames: en_GB's own weights are percentages of people (sum about 39.5%); the other
# sources share the rest in these proportions (names already in en_GB's list keep en_GB's
# published weight and are not drawn again from the tail).
SURNAME_TAIL_SOURCES: tuple[tuple[str, float], ...] = (
    ("en_US", 0.35),
    ("en_IE", 0.40),
    ("en_IN", 0.08),
    ("en_PK", 0.04),
    ("es_ES", 0.03),
    ("fr_FR", 0.03),
    ("it_IT", 0.03),
    ("de_DE", 0.02),
    ("pt_PT", 0.02),
)

# Zipf exponent and offset for rank-ordered lists without weights (ONS first-name ranks):
# weight(rank r, from 0) = 1 / (r + ZIPF_OFFSET) ** ZIPF_EXPONENT.
ZIPF_EXPONENT = 1.0
ZIPF_OFFSET = 8.0

# UK street types and how often each appears (a street-type mix, not personal data).
STREET_TYPES: tuple[tuple[str, float], ...] = (
    ("Road", 0.30),
    ("Street", 0.18),
    ("Lane", 0.09),
    ("Avenue", 0.08),
    ("Close", 0.08),
    ("Drive", 0.06),
    ("Way", 0.04),
    ("Gardens", 0.03),
    ("Crescent", 0.03),
    ("Place", 0.03),
    ("Court", 0.02),
    ("Grove", 0.02),
    ("Terrace", 0.02),
    ("Hill", 0.01),
    ("Walk", 0.01),
)

# Letters allowed in the inward code of a UK postcode (no C, I, K, M, O, V).
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class FrequencyTable:
    """Distinct values and their probabilities (summing to 1), ready for ``rng.choice``."""

    values: np.ndarray  # object array of str
    probs: np.ndarray  # float64, sums to 1

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values at the table's frequencies."""
        return self.values[rng.choice(len(self.values), size=size, p=self.probs)]

    def share(self, value: str) -> float:
        """Probability of one value (0 if absent); used by tests and docs."""
        hit = np.flatnonzero(self.values == value)
        return float(self.probs[hit].sum()) if len(hit) else 0.0


def _is_latin(name: str) -> bool:
    """Tell whether a name is in Latin script (accents, apostrophes and hyphens allowed)."""
    for ch in name:
        if ch in " '-":
            continue
        if not ch.isalpha():
            return False
        if not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return bool(name) and name[0].isupper()


def _provider_names(locale: str, attr: str) -> tuple[list[str], np.ndarray | None]:
    """Names of one Faker person provider attribute and their weights, if Faker has them."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    raw = provider.__dict__.get(attr)
    if raw is None:
        return [], None
    if hasattr(raw, "items"):
        names = list(raw.keys())
        weights = np.array([float(w) for w in raw.values()], dtype=float)
    else:
        names, weights = list(raw), None
    keep = [i for i, n in enumerate(names) if _is_latin(n)]
    names = [names[i] for i in keep]
    if weights is not None:
        weights = weights[keep]
    return names, weights


def _zipf(n: int) -> np.ndarray:
    """Rank weights for a list in popularity order."""
    return 1.0 / (np.arange(n) + ZIPF_OFFSET) ** ZIPF_EXPONENT


def _merge(parts: list[tuple[list[str], np.ndarray]]) -> FrequencyTable:
    """Sum the masses of the same name coming from several sources."""
    mass: dict[str, float] = {}
    for names, weights in parts:
        for name, w in zip(names, weights, strict=True):
            mass[name] = mass.get(name, 0.0) + float(w)
    values = np.array(list(mass.keys()), dtype=object)
    probs = np.array(list(mass.values()), dtype=float)
    return FrequencyTable(values, probs / probs.sum())


@lru_cache(maxsize=4)
def first_names(sex: str) -> FrequencyTable:
    """First-name frequencies for sex ``"F"`` or ``"M"``."""
    attr = {"F": "first_names_female", "M": "first_names_male"}[sex]
    parts = []
    for locale, share in FIRST_NAME_SOURCES:
        names, weights = _provider_names(locale, attr)
        if not names:
            continue
        if weights is None:
            # en_GB lists are ONS rank order; other locales' lists are alphabetical, so a
            # flat weight is the honest choice there.
            weights = _zipf(len(names)) if locale == "en_GB" else np.ones(len(names))
        parts.append((names, share * weights / weights.sum()))
    return _merge(parts)


@lru_cache(maxsize=1)
def surnames() -> FrequencyTable:
    """Surname frequencies: en_GB's published weights plus a long multi-origin tail."""
    gb_names, gb_weights = _provider_names("en_GB", "last_names")
    if gb_weights is None:  # older Faker without weights: fall back to rank order
        gb_weights = _zipf(len(gb_names)) * (39.5 / _zipf(len(gb_names)).sum())
    gb_mass = gb_weights / 100.0
    tail_mass = 1.0 - gb_mass.sum()
    parts = [(gb_names, gb_mass)]
    gb_set = set(gb_names)
    for locale, share in SURNAME_TAIL_SOURCES:
        names, weights = _provider_names(locale, "last_names")
        # US census weights rank names as the US has them, not the UK: a square root keeps
        # their order but flattens them into a tail.
        weights = np.ones(len(names)) if weights is None else np.sqrt(weights)
        keep = [i for i, n in enumerate(names) if n not in gb_set]
        names, weights = [names[i] for i in keep], weights[keep]
        parts.append((names, tail_mass * share * weights / weights.sum()))
    return _merge(parts)


@lru_cache(maxsize=1)
def street_types() -> FrequencyTable:
    """UK street-type suffixes and their frequencies."""
    values = np.array([s for s, _ in STREET_TYPES], dtype=object)
    probs = np.array([p for _, p in STREET_TYPES], dtype=float)
    return FrequencyTable(values, probs / probs.sum())


@lru_cache(maxsize=1)
def place_parts() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Faker en_GB town prefixes, town suffixes and postcode areas."""
    from faker.providers.address import en_GB

    provider = en_GB.Provider
    return (
        tuple(provider.city_prefixes),
        tuple(sorted(set(provider.city_suffixes))),
        tuple(provider.POSTAL_ZONES),
    )
