"""Shared Hypothesis strategies for the data holder's tests.

Names (plain, accented, hyphenated, with apostrophes, non-Latin), dates written in several UK and
ISO ways together with their canonical ISO form, UK postcodes with varied spacing and case together
with their canonical form, and whole records for the encoder.
"""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# One settings object for the slower (encoder-calling) property tests: no deadline (the first
# call compiles a numba kernel), few examples, so the whole suite stays fast.
ENCODER_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FAST_SETTINGS = settings(max_examples=60, deadline=None)

# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------
ASCII_NAMES = (
    "john", "smith", "mary", "jones", "oliver", "williams", "amelia", "taylor", "harry",
    "brown", "isla", "davies", "jack", "evans", "sophie", "wilson", "muhammad", "thomas",
    "priya", "patel", "chen", "wei", "kowalski", "anna", "macdonald", "fitzgerald",
)
SPECIAL_NAMES = (
    # accented / special Latin letters
    "José", "Zoë", "Renée", "Søren", "Ævar", "Łukasz", "Müller", "Björk", "François",
    "Nguyễn", "Siobhán", "Dvořák", "Çelik", "Þórunn", "Straße",
    # hyphens and apostrophes
    "Smith-Jones", "O'Brien", "D'Arcy", "O’Neill", "Mary-Jane", "Ní Bhriain", "St. John",
    # non-Latin
    "Иван", "Петрова", "Σωκράτης", "Ελένη", "محمد", "علي", "山田", "太郎", "김민준",
    "ნინო", "Дмитрий",
)
ACCENTS = {
    "a": "áàâäåã", "e": "éèêë", "i": "íìîï", "o": "óòôöõ", "u": "úùûü", "c": "ç", "n": "ñ",
    "y": "ýÿ", "s": "š", "z": "ž",
}

#: Text that spec section 3 reads as a missing cell, not a name (``none``, ``null``, ``nan``).
MISSING_MARKERS = ("null", "none", "n/a", "#n/a", "<na>", "nan", "nat")


def _not_marker(text: str) -> bool:
    return text.strip().lower() not in MISSING_MARKERS


ascii_name = st.sampled_from(ASCII_NAMES) | st.text(
    string.ascii_lowercase, min_size=2, max_size=12).filter(_not_marker)
special_name = st.sampled_from(SPECIAL_NAMES)


@st.composite
def accented(draw, base: str | None = None) -> tuple[str, str]:
    """(plain ASCII name, the same name with some letters accented)."""
    plain = base if base is not None else draw(ascii_name)
    out = []
    for ch in plain:
        if ch in ACCENTS and draw(st.booleans()):
            out.append(draw(st.sampled_from(ACCENTS[ch])))
        else:
            out.append(ch)
    return plain, "".join(out)


# Arbitrary letters from many scripts (what a name column may hold after a bad export).
unicode_letters = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Lo")), min_size=1, max_size=12
).filter(_not_marker)
any_name = st.one_of(ascii_name, special_name, unicode_letters)

TITLES = ("Mr", "MRS", "ms", "Dr.", "Prof", "Miss", "Rev")


@st.composite
def name_variants(draw) -> tuple[str, str]:
    """Two ways two agencies write the same person name: (form A, form B)."""
    plain, accent = draw(accented())
    second = draw(ascii_name)
    a = f"{plain} {second}"
    b_first = accent.upper() if draw(st.booleans()) else accent.title()
    b = f"{b_first}  {second.upper()}"
    if draw(st.booleans()):
        b = f"{draw(st.sampled_from(TITLES))} {b}"
    if draw(st.booleans()):
        b = f"  {b}\t"
    return a, b


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))

# Formats every agency-style writer in this suite uses; each parses back (UK day-first) to ISO.
DATE_FORMATS = (
    "%Y-%m-%d",      # ISO
    "%d/%m/%Y",      # UK
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",
    "%Y%m%d",        # compact
    "%Y/%m/%d",
    "%d %b %Y",      # 11 Feb 1975
    "%d %B %Y",      # 11 February 1975
    "%d-%b-%Y",      # 11-Feb-1975
    "%B %d, %Y",     # February 11, 1975
    "%Y-%m-%dT%H:%M:%S",
)


def write_date(d: dt.date, fmt: str, upper: bool = False) -> str:
    """Render a date with a strptime-style format, optionally in capitals."""
    text = d.strftime(fmt)
    return text.upper() if upper else text


@st.composite
def written_dates(draw) -> tuple[str, str, str]:
    """(canonical ISO date, the date written in some format, that format)."""
    d = draw(birth_dates)
    fmt = draw(st.sampled_from(DATE_FORMATS))
    return d.isoformat(), write_date(d, fmt, draw(st.booleans())), fmt


# --------------------------------------------------------------------------------------
# UK postcodes
# --------------------------------------------------------------------------------------
_LETTER = st.sampled_from(string.ascii_uppercase)
_DIGIT = st.sampled_from(string.digits)
_INWARD_LETTER = st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")


@st.composite
def postcodes(draw) -> str:
    """A canonical UK postcode ``OUTWARD INWARD`` (A9, A99, AA9, AA99, A9A, AA9A outward codes)."""
    pattern = draw(st.sampled_from(["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]))
    outward = "".join(draw(_LETTER) if c == "A" else draw(_DIGIT) for c in pattern)
    inward = draw(_DIGIT) + draw(_INWARD_LETTER) + draw(_INWARD_LETTER)
    return f"{outward} {inward}"


@st.composite
def written_postcodes(draw) -> tuple[str, str]:
    """(canonical postcode, the same postcode with varied spacing and case)."""
    canonical = draw(postcodes())
    compact = canonical.replace(" ", "")
    style = draw(st.sampled_from(["canonical", "compact", "spaced", "lower", "mixed"]))
    if style == "canonical":
        text = canonical
    elif style == "compact":
        text = compact
    elif style == "spaced":
        text = "  " + canonical.replace(" ", "   ") + " "
    elif style == "lower":
        text = draw(st.sampled_from([canonical, compact])).lower()
    else:
        text = "".join(c.lower() if draw(st.booleans()) else c for c in compact)
    return canonical, text


# --------------------------------------------------------------------------------------
# Sex codes
# --------------------------------------------------------------------------------------
SEX_FORMS = {
    "m": ("M", "m", "Male", "MALE", "male", " Male ", "1", "man"),
    "f": ("F", "f", "Female", "FEMALE", "female", "2", "woman"),
}


@st.composite
def written_sex(draw) -> tuple[str, str]:
    """(canonical sex code, one agency's way of writing it)."""
    code = draw(st.sampled_from(sorted(SEX_FORMS)))
    return code, draw(st.sampled_from(SEX_FORMS[code]))


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------
def maybe_missing(strategy, p_missing: bool = True):
    """A value, or None (missing) some of the time."""
    return st.one_of(st.none(), strategy) if p_missing else strategy


@st.composite
def records(draw, with_missing: bool = True) -> dict[str, str | None]:
    """One raw record with the columns of :func:`record_schema_doc` (id added by the caller)."""
    return {
        "first_name": draw(maybe_missing(any_name, with_missing)),
        "last_name": draw(maybe_missing(st.one_of(ascii_name, special_name), with_missing)),
        "dob": draw(maybe_missing(written_dates().map(lambda t: t[1]), with_missing)),
        "sex": draw(maybe_missing(written_sex().map(lambda t: t[1]), with_missing)),
        "postcode": draw(maybe_missing(written_postcodes().map(lambda t: t[1]), with_missing)),
    }


def record_lists(min_size: int = 1, max_size: int = 12, with_missing: bool = True):
    """Lists of raw records."""
    return st.lists(records(with_missing), min_size=min_size, max_size=max_size)


def record_schema_doc(**field_overrides) -> dict:
    """A typical five-field schema document matching :func:`records`' columns."""
    fields = [
        {"name": "first_name", "kind": "name"},
        {"name": "last_name", "kind": "name"},
        {"name": "dob", "kind": "date"},
        {"name": "sex", "kind": "sex"},
        {"name": "postcode", "kind": "postcode"},
    ]
    for f in fields:
        f.update(field_overrides.get(f["name"], {}))
    return {
        "linkcore_schema": 1,
        "fields": fields,
        "clk": {"bits": 1024},
        "blocking_keys": [
            {"name": "sdx_yob", "parts": [{"field": "last_name", "transform": "soundex"},
                                          {"field": "dob", "transform": "year"}]},
            {"name": "district", "parts": [{"field": "postcode",
                                            "transform": "postcode_district"}]},
        ],
    }


# 32-byte keys with enough distinct bytes that they cannot coincide with padding or zeros.
keys_32 = st.binary(min_size=32, max_size=32).filter(lambda b: len(set(b)) >= 20)
