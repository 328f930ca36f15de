"""A synthetic UK-like population: households of people with names, dates of birth and addresses.

Everything is drawn with numpy from weighted tables (see :mod:`linkcore.synth.names`), so a
million people take seconds and the same seed always gives the same people. People live in
households (one address, usually one surname), which is what makes real linkage hard: the
same address and surname turn up for different people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from . import names as tables
from ._cells import column

# Dates of birth are ages counted back from this day, so a seed gives the same dates forever.
REFERENCE_DATE = np.datetime64("2025-01-01")

# Share of the UK population by five-year age band (0-4, 5-9, ..., 90-94, 95-99), rounded
# from ONS mid-year estimates; a plausible pyramid rather than an exact one.
AGE_BAND_SHARES = (
    5.4, 6.0, 6.0, 5.6, 6.0, 6.6, 6.9, 6.7, 6.3, 6.4,
    7.0, 6.9, 6.0, 5.1, 5.0, 3.6, 2.4, 1.5, 0.6, 0.2,
)  # fmt: skip

# Household sizes 1..6 and their shares (ONS households by size, rounded).
HOUSEHOLD_SIZE_SHARES = (0.30, 0.34, 0.15, 0.13, 0.05, 0.03)

MIDDLE_NAME_RATE = 0.6  # share of people with a middle name
HYPHENATED_SURNAME_RATE = 0.012  # share of households with a double-barrelled surname
OWN_SURNAME_RATE = 0.2  # share of non-first household members with a surname of their own
PARTNER_OPPOSITE_SEX_RATE = 0.9
NI_AGE = 16  # national insurance numbers are issued at 16
NI_UNRECORDED_RATE = 0.02  # adults whose number is not known at all
HOUSEHOLDS_PER_STREET = 30
HOUSES_PER_POSTCODE = 12

POPULATION_COLUMNS = (
    "person_id",
    "first_name",
    "middle_name",
    "last_name",
    "sex",
    "date_of_birth",
    "house_number",
    "street",
    "town",
    "postcode",
    "ni_number",
)

_NI_FIRST = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "DFIQUV"]
_NI_SECOND = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "DFIOQUV"]
_NI_BANNED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
NI_PREFIXES = np.array(
    [a + b for a in _NI_FIRST for b in _NI_SECOND if a + b not in _NI_BANNED], dtype=object
)


def _age_probs(min_age: int = 0, max_age: int = 99) -> np.ndarray:
    """Probability of each whole age 0..99, restricted to [min_age, max_age]."""
    per_year = np.repeat(np.asarray(AGE_BAND_SHARES, dtype=float) / 5.0, 5)
    ages = np.arange(len(per_year))
    per_year[(ages < min_age) | (ages > max_age)] = 0.0
    return per_year / per_year.sum()


def _draw_dates_of_birth(rng: np.random.Generator, role: np.ndarray) -> np.ndarray:
    """Dates of birth: the first two household members are adults, the rest mostly young."""
    n = len(role)
    years = np.empty(n, dtype=np.int64)
    adult = role < 2
    years[adult] = rng.choice(100, size=int(adult.sum()), p=_age_probs(18, 99))
    years[~adult] = rng.choice(100, size=int((~adult).sum()), p=_age_probs(0, 30))
    days = (years * 365.25 + rng.uniform(0, 365.25, size=n)).astype(np.int64)
    return REFERENCE_DATE - days.astype("timedelta64[D]")


def _households(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Household index and role (0 = first member) of each of ``n`` people."""
    sizes_p = np.asarray(HOUSEHOLD_SIZE_SHARES) / sum(HOUSEHOLD_SIZE_SHARES)
    mean = float(np.dot(np.arange(1, 7), sizes_p))
    sizes = rng.choice(np.arange(1, 7), size=int(n / mean * 1.2) + 10, p=sizes_p)
    while sizes.sum() < n:  # practically never: a second batch if the first fell short
        sizes = np.concatenate([sizes, rng.choice(np.arange(1, 7), size=n, p=sizes_p)])
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, n)) + 1
    sizes = sizes[:k].copy()
    sizes[-1] -= int(cum[k - 1] - n)
    household = np.repeat(np.arange(k), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    role = np.arange(n) - starts[household]
    return household, role


def _unique_names(rng: np.random.Generator, make, count: int) -> np.ndarray:
    """Draw candidate names with ``make(rng, size)`` until ``count`` distinct ones exist."""
    found: dict[str, None] = {}
    attempts = 0
    while len(found) < count and attempts < 20:
        for name in make(rng, count * 2):
            found.setdefault(name, None)
        attempts += 1
    out = list(found)[:count]
    i = 1
    while len(out) < count:  # tiny tables only: number the leftovers
        out.append(f"{out[i % len(out)]} {i}")
        i += 1
    return np.array(out, dtype=object)


def _town_names(rng: np.random.Generator, size: int) -> np.ndarray:
    """Invented town names in Faker en_GB's patterns ("Ashton", "North Hall", "Kingsbury")."""
    prefixes, suffixes, _ = tables.place_parts()
    base = tables.surnames().draw(rng, size)
    kind = rng.integers(0, 3, size=size)
    pre = np.array(prefixes, dtype=object)[rng.integers(0, len(prefixes), size=size)]
    suf = np.array(suffixes, dtype=object)[rng.integers(0, len(suffixes), size=size)]
    return np.where(kind == 0, pre + " " + base, base + suf)


def _street_names(rng: np.random.Generator, size: int) -> np.ndarray:
    """Street names: a surname or first name followed by a UK street type."""
    base = np.where(
        rng.random(size) < 0.75,
        tables.surnames().draw(rng, size),
        tables.first_names("M").draw(rng, size),
    )
    return base + " " + tables.street_types().draw(rng, size)


def _inward_codes() -> np.ndarray:
    """All 4000 inward codes of a UK postcode (digit + two letters from the allowed 20)."""
    letters = tables.POSTCODE_INWARD_LETTERS
    codes = [f"{d}{a}{b}" for d in range(10) for a in letters for b in letters]
    return np.array(codes, dtype=object)


def _addresses(rng: np.random.Generator, n_households: int):
    """House number, street, town and postcode for each household."""
    n_streets = max(1, -(-n_households // HOUSEHOLDS_PER_STREET))
    n_towns = int(np.clip(round(2 * np.sqrt(n_streets)), 1, 1500))
    towns = _unique_names(rng, _town_names, n_towns)
    town_w = 1.0 / (np.arange(n_towns) + 1.0)  # a few big towns, many small ones
    street_town = rng.choice(n_towns, size=n_streets, p=town_w / town_w.sum())
    street_names = _street_names(rng, n_streets)

    # Outward code per street: each town gets its own districts in one postcode area.
    _, _, areas = tables.place_parts()
    streets_per_town = np.bincount(street_town, minlength=n_towns)
    next_district: dict[str, int] = {}
    town_area = np.empty(n_towns, dtype=object)
    town_first = np.zeros(n_towns, dtype=np.int64)
    town_count = 1 + streets_per_town // 40
    area_pick = rng.integers(0, len(areas), size=n_towns)
    for t in range(n_towns):
        for step in range(len(areas)):
            area = areas[(area_pick[t] + step) % len(areas)]
            start = next_district.get(area, 1)
            if start + town_count[t] - 1 <= 99:
                break
        else:  # every area full (impossible below about 12,000 towns): share districts
            start, town_count[t] = 1, 1
        town_area[t] = area
        town_first[t] = start
        next_district[area] = start + int(town_count[t])
    order = np.argsort(street_town, kind="stable")
    rank_in_town = np.empty(n_streets, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(streets_per_town)[:-1]])
    rank_in_town[order] = np.arange(n_streets) - starts[street_town[order]]
    district = town_first[street_town] + rank_in_town % town_count[street_town]
    outward = town_area[street_town] + district.astype(str).astype(object)

    # Households on streets, numbered 1, 2, ... along each street; a postcode covers a run.
    hh_street = rng.integers(0, n_streets, size=n_households)
    order = np.argsort(hh_street, kind="stable")
    counts = np.bincount(hh_street, minlength=n_streets)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    house_number = np.empty(n_households, dtype=np.int64)
    house_number[order] = np.arange(n_households) - first[hh_street[order]] + 1
    inward_tab = _inward_codes()
    street_base = rng.integers(0, len(inward_tab), size=n_streets)
    block = (house_number - 1) // HOUSES_PER_POSTCODE
    inward = inward_tab[(street_base[hh_street] + block * 37) % len(inward_tab)]
    postcode = outward[hh_street] + " " + inward
    return house_number, street_names[hh_street], towns[street_town[hh_street]], postcode


def _ni_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` distinct NI-style numbers: two prefix letters, six digits, suffix A-D."""
    idx = rng.choice(len(NI_PREFIXES) * 1_000_000, size=count, replace=False)
    prefix = NI_PREFIXES[idx // 1_000_000]
    digits = (idx % 1_000_000).tolist()
    suffix = np.array(list("ABCD"), dtype=object)[rng.integers(0, 4, size=count)]
    return np.array(
        [f"{p}{d:06d}{s}" for p, d, s in zip(prefix, digits, suffix, strict=True)], dtype=object
    )


def check_seed(seed: object) -> None:
    """Refuse a seed numpy cannot use (negative, fractional, not a number) with ParameterError."""
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError("the seed must be a whole number >= 0 (or None for a random one)")


def generate_population(n: int, seed: int | None = 0) -> pd.DataFrame:
    """Generate ``n`` synthetic people (one row each), the same people for the same seed.

    Columns: person_id (1..n), first_name, middle_name (missing for some), last_name, sex
    ("F"/"M"), date_of_birth (ISO "YYYY-MM-DD"), house_number, street, town, postcode
    (valid UK format, "SW1A 1AA" style), ni_number (NI style "AB123456C"; missing for under-16s
    and a few adults). Text columns are object dtype with missing as None under pandas 2 and 3.
    """
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 0:
        raise ParameterError("population size must be a whole number >= 0")
    check_seed(seed)
    n = int(n)
    rng = np.random.default_rng(seed)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in POPULATION_COLUMNS}).astype(
            {"person_id": np.int64, "house_number": np.int64}
        )
    household, role = _households(rng, n)
    n_households = int(household[-1]) + 1

    # Sex: partners (role 1) mostly the opposite sex of the first member.
    female = rng.random(n) < 0.51
    first_idx = np.flatnonzero(role == 0)[household]
    partner = role == 1
    opposite = rng.random(n) < PARTNER_OPPOSITE_SEX_RATE
    female[partner] = np.where(opposite[partner], ~female[first_idx[partner]], female[partner])
    sex = np.where(female, "F", "M").astype(object)

    first = np.empty(n, dtype=object)
    middle = np.empty(n, dtype=object)
    for code, mask in (("F", female), ("M", ~female)):
        table = tables.first_names(code)
        first[mask] = table.draw(rng, int(mask.sum()))
        middle[mask] = table.draw(rng, int(mask.sum()))
    middle[(rng.random(n) >= MIDDLE_NAME_RATE) | (middle == first)] = None

    hh_surname = tables.surnames().draw(rng, n_households)
    hyphen = rng.random(n_households) < HYPHENATED_SURNAME_RATE
    hh_surname[hyphen] = hh_surname[hyphen] + "-" + tables.surnames().draw(rng, int(hyphen.sum()))
    last = hh_surname[household]
    own = (role > 0) & (rng.random(n) < OWN_SURNAME_RATE)
    last[own] = tables.surnames().draw(rng, int(own.sum()))

    dob = _draw_dates_of_birth(rng, role)
    house_number, street, town, postcode = _addresses(rng, n_households)

    ni = np.full(n, None, dtype=object)
    age_years = (REFERENCE_DATE - dob).astype(np.int64) / 365.25
    has_ni = (age_years >= NI_AGE) & (rng.random(n) >= NI_UNRECORDED_RATE)
    ni[has_ni] = _ni_numbers(rng, int(has_ni.sum()))

    return pd.DataFrame(
        {
            "person_id": np.arange(1, n + 1, dtype=np.int64),
            "first_name": column(first),
            "middle_name": column(middle),
            "last_name": column(last),
            "sex": column(sex),
            "date_of_birth": column(dob.astype(str)),
            "house_number": house_number[household],
            "street": column(street[household]),
            "town": column(town[household]),
            "postcode": column(postcode[household]),
            "ni_number": column(ni),
        },
        columns=list(POPULATION_COLUMNS),
    )
