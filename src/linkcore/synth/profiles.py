"""Error profiles: how often each kind of corruption happens in an agency's extract.

Every rate is a probability per record (``per field`` rates apply to each listed field of a
record independently). A rate only changes records where the corruption can apply: a
nickname needs a name that has one, a day/month transposition a day of 12 or less that
differs from the month, a dropped middle name a middle name. The realised share of changed
records is therefore at most the rate; ``make_extracts`` logs what it really changed.

=====================  ======  ========  =====  ==========================================
rate                   clean   moderate  heavy  what it does
=====================  ======  ========  =====  ==========================================
duplicate              0       0.02      0.05   a second record of the same person, corrupted
                                                independently (truth is then many-to-many)
moved                  0.02    0.10      0.25   new house number, street, town and postcode
surname_change_female  0.01    0.06      0.15   new surname (marriage), for women
surname_change_male    0.001   0.005     0.01   new surname, for men
nickname               0       0.05      0.12   first name -> a short form (William -> Bill)
name_swap              0       0.01      0.03   first and last name exchanged
middle_dropped         0.05    0.30      0.60   middle name left out
dob_transposed         0       0.01      0.03   day and month exchanged
dob_digit              0.002   0.02      0.05   day, month or year one off (a valid date)
typo                   0.005   0.03      0.08   per name/address field: one keyboard slip
ocr                    0       0.01      0.04   per name/address field: an OCR confusion
phonetic               0.002   0.02      0.05   per name field: a sound-alike spelling
missing                0.005   0.03      0.08   per field: value left empty
ni_missing             0.02    0.10      0.30   NI number not recorded by this agency
=====================  ======  ========  =====  ==========================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from ..errors import ParameterError


@dataclass(frozen=True)
class Profile:
    """Rates (probabilities in [0, 1]) of each corruption for one agency's extract."""

    duplicate: float = 0.0
    moved: float = 0.0
    surname_change_female: float = 0.0
    surname_change_male: float = 0.0
    nickname: float = 0.0
    name_swap: float = 0.0
    middle_dropped: float = 0.0
    dob_transposed: float = 0.0
    dob_digit: float = 0.0
    typo: float = 0.0
    ocr: float = 0.0
    phonetic: float = 0.0
    missing: float = 0.0
    ni_missing: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
                raise ParameterError(f"profile rate {f.name} must be a number in [0, 1]")

    def with_rates(self, **rates: float) -> Profile:
        """Return a copy with some rates changed (unknown names are an error)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(rates) - known)
        if unknown:
            raise ParameterError(
                f"unknown profile rate(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return replace(self, **rates)

    def as_dict(self) -> dict[str, float]:
        """Return the rates as a plain dict (for JSON and docs)."""
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "clean": Profile(
        moved=0.02,
        surname_change_female=0.01,
        surname_change_male=0.001,
        middle_dropped=0.05,
        dob_digit=0.002,
        typo=0.005,
        phonetic=0.002,
        missing=0.005,
        ni_missing=0.02,
    ),
    "moderate": Profile(
        duplicate=0.02,
        moved=0.10,
        surname_change_female=0.06,
        surname_change_male=0.005,
        nickname=0.05,
        name_swap=0.01,
        middle_dropped=0.30,
        dob_transposed=0.01,
        dob_digit=0.02,
        typo=0.03,
        ocr=0.01,
        phonetic=0.02,
        missing=0.03,
        ni_missing=0.10,
    ),
    "heavy": Profile(
        duplicate=0.05,
        moved=0.25,
        surname_change_female=0.15,
        surname_change_male=0.01,
        nickname=0.12,
        name_swap=0.03,
        middle_dropped=0.60,
        dob_transposed=0.03,
        dob_digit=0.05,
        typo=0.08,
        ocr=0.04,
        phonetic=0.05,
        missing=0.08,
        ni_missing=0.30,
    ),
}

NO_ERRORS = Profile()


def get_profile(profile: str | Profile) -> Profile:
    """Resolve a profile name (``clean``, ``moderate``, ``heavy``, ``none``) or pass one through."""
    if isinstance(profile, Profile):
        return profile
    if profile == "none":
        return NO_ERRORS
    try:
        return PROFILES[profile]
    except (KeyError, TypeError):
        raise ParameterError(
            f"unknown profile; choose one of: {', '.join([*PROFILES, 'none'])}"
        ) from None
