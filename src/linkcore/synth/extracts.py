"""Agency extracts of a population: who each agency holds, its errors, its style, and the truth.

Overlap. With ``k`` agencies and overlap ``o``, every agency holds the same number ``m`` of
distinct people: a core of ``o * m`` people that every agency holds, and ``(1 - o) * m``
people that only this agency holds, so that ``o`` is exactly the share of agency A's people
who are also in agency B (for any two agencies), and every person of the population is in
at least one extract: ``m = n / (o + k * (1 - o))``. Two agencies, overlap 0.5, 30,000
people: 20,000 people each, 10,000 of them in both.

Truth. A separate table of the record pairs that belong to the same person, one row per
pair of records in different agencies: columns ``id_a, id_b`` for two agencies, or
``agency_a, id_a, agency_b, id_b`` (``agency_a < agency_b``) for more. Duplicate records
within an agency make it many-to-many (two records in A and one in B give two pairs); the
evaluation treats the truth as a set of pairs, so that is handled. The truth is never a
column of an extract, and record ids are random, not derived from person ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from . import corruption as C
from . import names as tables
from ._cells import cells
from ._cells import present as _present
from .population import POPULATION_COLUMNS, check_seed
from .profiles import Profile, get_profile
from .styles import style_for

NAME_FIELDS = ("first_name", "middle_name", "last_name")
TYPO_FIELDS = ("first_name", "middle_name", "last_name", "street")
OCR_FIELDS = ("first_name", "middle_name", "last_name", "street", "postcode")
PHONETIC_FIELDS = NAME_FIELDS
# "address" stands for house_number and street together.
MISSING_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "sex",
    "date_of_birth",
    "address",
    "town",
    "postcode",
    "ni_number",
)
ADDRESS_FIELDS = ("house_number", "street", "town", "postcode")


@dataclass(frozen=True)
class SyntheticExtracts:
    """Extracts, their truth, and (for tests and diagnostics only) what was done to each record.

    ``keys[i]`` maps agency ``i + 1``'s record ids to person ids, and ``log[i]`` has one
    boolean column per corruption that really changed a record. Neither is ever written
    beside the extracts.
    """

    extracts: list[pd.DataFrame]
    truth: pd.DataFrame
    keys: list[pd.DataFrame]
    log: list[pd.DataFrame]


def agency_sizes(n: int, agencies: int, overlap: float) -> tuple[int, int]:
    """(people per agency, people shared by all agencies) for ``n`` people."""
    per = n / (overlap + agencies * (1.0 - overlap)) if n else 0.0
    m = min(n, int(round(per)))
    shared = int(round(overlap * m))
    # rounding must never ask for more people than exist
    while shared + agencies * (m - shared) > n and m > 0:
        m -= 1
        shared = int(round(overlap * m))
    return m, shared


def _check(population: pd.DataFrame, agencies: int, overlap: float) -> None:
    if isinstance(agencies, bool) or not isinstance(agencies, int | np.integer) or agencies < 2:
        raise ParameterError("agencies must be a whole number >= 2")
    if not isinstance(overlap, int | float) or not 0.0 <= float(overlap) <= 1.0:
        raise ParameterError("overlap must be a number in [0, 1]")
    if not isinstance(population, pd.DataFrame):
        raise ParameterError("population must be a pandas DataFrame (generate_population's "
                             f"table), not {type(population).__name__}")
    missing = [c for c in POPULATION_COLUMNS if c not in population.columns]
    if missing:
        raise ParameterError(f"population lacks column(s): {', '.join(missing)}")


def _profiles(profile: str | Profile | Sequence[str | Profile], agencies: int) -> list[Profile]:
    if isinstance(profile, str | Profile):
        return [get_profile(profile)] * agencies
    chosen = [get_profile(p) for p in profile]
    if len(chosen) != agencies:
        raise ParameterError(f"got {len(chosen)} profiles for {agencies} agencies")
    return chosen


class _Corrupter:
    """Applies a profile's corruptions to one agency's canonical records and logs them."""

    def __init__(self, rec: dict[str, np.ndarray], rng: np.random.Generator):
        self.rec = rec
        self.rng = rng
        self.n = len(rec["person_id"])
        self.log: dict[str, np.ndarray] = {}

    def pick(self, rate: float, eligible: np.ndarray | None = None) -> np.ndarray:
        """Rows chosen at ``rate`` among the eligible ones (always consumes n draws)."""
        chosen = self.rng.random(self.n) < rate
        return chosen if eligible is None else chosen & eligible

    def present(self, field: str) -> np.ndarray:
        return _present(self.rec[field])

    def record(self, name: str, changed: np.ndarray) -> None:
        self.log[name] = self.log.get(name, np.zeros(self.n, dtype=bool)) | changed

    def apply(self, name: str, field: str, rows: np.ndarray, new: np.ndarray) -> None:
        """Write new values of one field on ``rows`` and log the rows that really changed."""
        old = self.rec[field][rows]
        changed = np.zeros(self.n, dtype=bool)
        changed[rows] = old != new
        self.rec[field] = self.rec[field].copy()
        self.rec[field][rows] = new
        self.record(name, changed)


def _corrupt(
    rec: dict[str, np.ndarray],
    profile: Profile,
    population: pd.DataFrame,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Apply every corruption of ``profile`` to the canonical records; return the log."""
    c = _Corrupter(rec, rng)
    n = c.n

    # moved house: another household's address (house number, street, town, postcode)
    rows = np.flatnonzero(c.pick(profile.moved))
    donors = rng.integers(0, len(population), size=len(rows))
    changed = np.zeros(n, dtype=bool)
    for field in ADDRESS_FIELDS:
        new = cells(population[field])[donors]
        changed[rows] |= rec[field][rows] != new
        rec[field][rows] = new
    c.record("moved", changed)

    # surname change, mostly women (marriage)
    female = rec["sex"] == "F"
    rate = np.where(female, profile.surname_change_female, profile.surname_change_male)
    rows = np.flatnonzero(rng.random(n) < rate)
    c.apply("surname_change", "last_name", rows, tables.surnames().draw(rng, len(rows)))

    rows = np.flatnonzero(c.pick(profile.nickname, C.has_nickname(rec["first_name"])))
    c.apply("nickname", "first_name", rows, C.nickname(rec["first_name"][rows], rng))

    rows = np.flatnonzero(c.pick(profile.name_swap, c.present("first_name")))
    first, last = rec["first_name"][rows].copy(), rec["last_name"][rows].copy()
    c.apply("name_swap", "first_name", rows, last)
    c.apply("name_swap", "last_name", rows, first)

    rows = np.flatnonzero(c.pick(profile.middle_dropped, c.present("middle_name")))
    c.apply("middle_dropped", "middle_name", rows, np.full(len(rows), None, dtype=object))

    dob = rec["date_of_birth"]
    rows = np.flatnonzero(c.pick(profile.dob_transposed, C.can_transpose_dob(dob)))
    c.apply("dob_transposed", "date_of_birth", rows, C.dob_transpose(dob[rows]))
    rows = np.flatnonzero(c.pick(profile.dob_digit, c.present("date_of_birth")))
    c.apply("dob_digit", "date_of_birth", rows, C.dob_digit_off(rec["date_of_birth"][rows], rng))

    for field in TYPO_FIELDS:
        rows = np.flatnonzero(c.pick(profile.typo, c.present(field)))
        c.apply(f"typo:{field}", field, rows, C.keyboard_typo(rec[field][rows], rng))
    for field in OCR_FIELDS:
        rows = np.flatnonzero(c.pick(profile.ocr, c.present(field)))
        c.apply(f"ocr:{field}", field, rows, C.ocr_error(rec[field][rows], rng))
    for field in PHONETIC_FIELDS:
        rows = np.flatnonzero(c.pick(profile.phonetic, c.present(field)))
        c.apply(f"phonetic:{field}", field, rows, C.phonetic_error(rec[field][rows], rng))

    for field in MISSING_FIELDS:
        targets = ("house_number", "street") if field == "address" else (field,)
        eligible = np.logical_or.reduce([c.present(t) for t in targets])
        rows = np.flatnonzero(c.pick(profile.missing, eligible))
        for t in targets:
            c.apply(f"missing:{field}", t, rows, np.full(len(rows), None, dtype=object))
    rows = np.flatnonzero(c.pick(profile.ni_missing, c.present("ni_number")))
    c.apply("ni_missing", "ni_number", rows, np.full(len(rows), None, dtype=object))
    return c.log


def _truth(keys: list[pd.DataFrame]) -> pd.DataFrame:
    """All pairs of records in different agencies that belong to the same person."""
    parts = []
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            pairs = keys[a].merge(keys[b], on="person_id", suffixes=("_a", "_b"))
            part = pd.DataFrame(
                {
                    "agency_a": a + 1,
                    "id_a": pairs["record_id_a"].astype(object),
                    "agency_b": b + 1,
                    "id_b": pairs["record_id_b"].astype(object),
                }
            )
            parts.append(part)
    truth = pd.concat(parts, ignore_index=True)
    truth = truth.sort_values(["agency_a", "agency_b", "id_a", "id_b"], ignore_index=True)
    if len(keys) == 2:
        truth = truth[["id_a", "id_b"]]
    return truth


def truth_clusters(keys: list[pd.DataFrame], names: list[str] | None = None) -> pd.DataFrame:
    """Every record (agency, id) with its true cluster: one label per person, duplicates included.

    ``names``: the agencies' names (default ``agency_1``, ``agency_2``, ..., the stems of the
    files ``linkcore synth`` writes). Labels are numbered 0, 1, ... in order of first appearance
    over the records sorted by agency and id: they are not the person ids.
    """
    names = names or [f"agency_{i + 1}" for i in range(len(keys))]
    table = pd.concat([pd.DataFrame({"agency": name, "id": k["record_id"].astype(str),
                                     "person": k["person_id"].to_numpy()})
                       for name, k in zip(names, keys, strict=True)], ignore_index=True)
    table = table.sort_values(["agency", "id"], ignore_index=True)
    labels = pd.factorize(table["person"])[0]
    return pd.DataFrame({"agency": table["agency"].astype(object),
                         "id": table["id"].astype(object), "cluster": labels})


def generate_extracts(
    population: pd.DataFrame,
    agencies: int = 2,
    overlap: float = 0.5,
    profile: str | Profile | Sequence[str | Profile] = "moderate",
    seed: int | None = 0,
) -> SyntheticExtracts:
    """Make agency extracts with their truth, keeping the record-to-person keys and error log.

    ``profile`` is one profile (name or :class:`Profile`) for every agency, or one per agency.
    """
    _check(population, agencies, overlap)
    check_seed(seed)
    agencies, overlap = int(agencies), float(overlap)
    profiles = _profiles(profile, agencies)
    streams = np.random.SeedSequence(seed).spawn(agencies + 1)
    member_rng = np.random.default_rng(streams[0])

    n = len(population)
    m, shared = agency_sizes(n, agencies, overlap)
    order = member_rng.permutation(n)
    core = order[:shared]
    exclusive = m - shared

    # Object arrays with missing as None, whether the population's text columns are object,
    # pandas 3's str (missing NaN) or string (missing pd.NA).
    canon = {c: cells(population[c]) for c in POPULATION_COLUMNS}
    extracts, keys, logs = [], [], []
    for i in range(agencies):
        rng = np.random.default_rng(streams[i + 1])
        start = shared + i * exclusive
        members = np.concatenate([core, order[start : start + exclusive]])
        dup = members[rng.random(len(members)) < profiles[i].duplicate]
        rows = np.concatenate([members, dup])
        rec = {c: canon[c][rows].copy() for c in POPULATION_COLUMNS}
        is_dup = np.zeros(len(rows), dtype=bool)
        is_dup[len(members) :] = True
        log = _corrupt(rec, profiles[i], population, rng)

        style = style_for(i + 1)
        rec["record_id"] = style.make_ids(rng, len(rows))
        shuffle = rng.permutation(len(rows))
        rec = {k: v[shuffle] for k, v in rec.items()}
        extracts.append(style.render(rec, rng))
        keys.append(pd.DataFrame({"record_id": rec["record_id"], "person_id": rec["person_id"]}))
        log_df = pd.DataFrame({"record_id": rec["record_id"], "duplicate": is_dup[shuffle]})
        for name, flags in log.items():
            log_df[name] = flags[shuffle]
        logs.append(log_df)
    return SyntheticExtracts(extracts, _truth(keys), keys, logs)


def make_extracts(
    population: pd.DataFrame,
    agencies: int = 2,
    overlap: float = 0.5,
    profile: str | Profile | Sequence[str | Profile] = "moderate",
    seed: int | None = 0,
) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """Make ``agencies`` extracts of ``population`` in their own styles, and the truth pairs.

    See the module docstring for what ``overlap`` means and the truth's columns.
    """
    result = generate_extracts(population, agencies, overlap, profile, seed)
    return result.extracts, result.truth
