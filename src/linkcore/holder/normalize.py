"""Normalisers: bring two agencies' ways of writing the same value to one canonical string.

Each normaliser takes one raw cell (a string) and returns the canonical value, ``None`` when the
cell is empty (missing), or :data:`INVALID` when the cell holds something that is not a value of
that kind (an unparseable date, a string that is not a postcode). Invalid values are encoded as
missing and counted; they are never logged or echoed. docs/spec.md, "Normalisation", defines each
step exactly.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Final


class _Invalid:
    """Marker for a cell that is present but not a valid value of its kind."""

    _instance: _Invalid | None = None

    def __new__(cls) -> _Invalid:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()
Normalised = str | None | _Invalid
Normaliser = Callable[[str], Normalised]

# Letters that NFKD does not decompose into a base letter plus marks.
_SPECIAL_LETTERS = str.maketrans({
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ß": "ss",
})
#: Apostrophes a name or text drops (spec section 4), before folding and after.
APOSTROPHES: Final = "'’‘`´"
_APOSTROPHES = re.compile(f"[{APOSTROPHES}]")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_NON_ALNUM = re.compile(r"[\W_]+")

NAME_TITLES: Final = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord",
    "rev", "revd", "reverend", "fr", "father", "master", "madam", "capt", "captain",
})
NAME_SUFFIXES: Final = frozenset({"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv",
                                  "esq", "obe", "mbe", "cbe", "phd"})

ADDRESS_ABBREVIATIONS: Final = {
    "st": "street", "str": "street", "rd": "road", "ave": "avenue", "av": "avenue",
    "ln": "lane", "dr": "drive", "drv": "drive", "cl": "close", "ct": "court", "crt": "court",
    "cres": "crescent", "cresc": "crescent", "gdns": "gardens", "gdn": "garden", "gr": "grove",
    "gro": "grove", "pl": "place", "sq": "square", "ter": "terrace", "terr": "terrace",
    "tce": "terrace", "pk": "park", "hse": "house", "apt": "apartment", "flt": "flat",
    "bldg": "building", "blvd": "boulevard", "mt": "mount", "wy": "way", "hts": "heights",
}


_ACCENTED_SCRIPTS_END = 0x0530  # Latin, IPA, Greek and Cyrillic lie below U+0530


def fold_text(value: str) -> str:
    """NFKD, drop accents from Latin/Greek/Cyrillic letters, map special letters, case-fold.

    Combining marks are dropped only after a base character below U+0530: in those scripts they
    are accents that agencies write inconsistently (Zoë / Zoe). In other scripts (Devanagari,
    Tamil, Arabic, ...) marks are vowels and viramas, part of the name, and are kept.
    """
    if value.isascii():
        return value.lower()
    value = value.translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", value)
    kept = []
    accented_base = False
    for c in decomposed:
        if unicodedata.combining(c):
            if accented_base:
                continue
        else:
            accented_base = ord(c) < _ACCENTED_SCRIPTS_END
        kept.append(c)
    return "".join(kept).translate(_SPECIAL_LETTERS).casefold()


def _is_letter_or_mark(c: str) -> bool:
    return c.isalpha() or unicodedata.category(c)[0] == "M"


def _letters_only(s: str) -> str:
    """Every run of characters that are neither letters nor marks becomes one space."""
    if s.isascii():
        return _NON_LETTERS.sub(" ", s)
    return "".join(c if _is_letter_or_mark(c) else " " for c in s)


def _letters_and_digits(s: str) -> str:
    """Every run of characters that are not letters, marks or decimal digits becomes a space."""
    if s.isascii():
        return _NON_ALNUM.sub(" ", s)
    return "".join(c if (_is_letter_or_mark(c) or c.isdecimal()) else " " for c in s)


def cell_text(value) -> str:
    """Return a table cell as text: a whole number held as a float reads as that integer.

    pandas holds an integer column with missing values as floats, so an NHS number 4857773456
    arrives as 4857773456.0; as ``str`` gives it, it would normalise to another identifier.
    A date, datetime or Timestamp reads as its day (``YYYY-MM-DD``), bytes as UTF-8.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and (
            abs(value) < 2.0 ** 63):  # as a Parquet file's float column reads (spec section 3)
        return str(int(value))  # numpy's float64 is a float too
    if isinstance(value, _dt.date):  # a datetime or pandas Timestamp too: its day, in ISO form
        return (value.date() if isinstance(value, _dt.datetime) else value).isoformat()
    if isinstance(value, bytes | bytearray):  # not the text of its repr, b'...'; bytes that
        # are not UTF-8 keep lone surrogates, which encode refuses naming the rows
        return bytes(value).decode("utf-8", errors="surrogateescape")
    return str(value)


#: What exports and pandas write in a cell for a missing value (spec section 3), in any case;
#: read as a value, every record holding it would agree on it.
MISSING_MARKERS = frozenset({"null", "none", "n/a", "#n/a", "<na>"})
#: The same, in exactly these spellings only: ``Nan`` and ``Nat`` are names.
MISSING_MARKERS_EXACT = frozenset({"nan", "NaN", "NaT"})


def field_text(value) -> str:
    """Return a field's cell as text (``cell_text``), or "" for a missing-value marker (N/A)."""
    text = cell_text(value)
    stripped = text.strip()
    if len(stripped) <= 4 and stripped.isascii() and (
            stripped in MISSING_MARKERS_EXACT or stripped.lower() in MISSING_MARKERS):
        return ""
    return text


def normalise_name(value: str, remove_titles: bool = True) -> Normalised:
    """Person name: fold, drop apostrophes, other non-letters to spaces, drop titles/suffixes.

    A value with digits and no letter (a number in a name column) is invalid, not missing.
    """
    # apostrophes go before folding (which makes ´ a space and an accent) and after (＇ -> ')
    s = _APOSTROPHES.sub("", fold_text(_APOSTROPHES.sub("", value)))
    words = _letters_only(s).split()
    if not words and any(c.isdigit() for c in s):
        return INVALID
    if remove_titles:
        while len(words) > 1 and words[0] in NAME_TITLES:
            words.pop(0)
        while len(words) > 1 and words[-1] in NAME_SUFFIXES:
            words.pop()
    return " ".join(words) or None


def normalise_text(value: str, expand_abbreviations: bool = True) -> Normalised:
    """Free text (address, town): fold, punctuation to spaces, expand common abbreviations."""
    s = _APOSTROPHES.sub("", fold_text(_APOSTROPHES.sub("", value)))  # as normalise_name
    words = _letters_and_digits(s).split()
    if expand_abbreviations:
        words = [ADDRESS_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(words) or None


def normalise_identifier(value: str) -> Normalised:
    """Normalise an identifier (e.g. an NI number): fold, keep letters and digits, upper-case."""
    s = _NON_ALNUM.sub("", fold_text(value)).upper()
    return s or None


def normalise_categorical(value: str, codes: dict[str, str] | None = None) -> Normalised:
    """Categorical code: fold and collapse spaces, then apply the holder's code map if any.

    The map's value is folded too, so that ``WB`` mapped to ``White British`` equals another
    holder's ``white british``.
    """
    s = " ".join(fold_text(value).split())
    if not s:
        return None
    if codes and s in codes:
        s = " ".join(fold_text(codes[s]).split())
    return s or None


SEX_CODES: Final = {
    "m": "m", "male": "m", "man": "m", "boy": "m", "1": "m",
    "f": "f", "female": "f", "woman": "f", "girl": "f", "w": "f", "2": "f",
    "x": "x", "other": "x", "non binary": "x", "non-binary": "x", "nonbinary": "x",
    "indeterminate": "x", "i": "x", "9": "x",
    "u": None, "unknown": None, "not known": None, "nk": None, "n/k": None, "0": None,
    "not stated": None, "not specified": None, "prefer not to say": None, "ns": None,
}


def normalise_sex(value: str, codes: dict[str, str] | None = None) -> Normalised:
    """Sex/gender code to 'm', 'f' or 'x'; 'unknown'-style codes are missing (NHS codes 1/2/9/0)."""
    s = " ".join(fold_text(value).split())
    if not s:
        return None
    if codes and s in codes:
        mapped = codes[s]
        s = " ".join(fold_text(mapped).split())
        if not s:
            return None
    if s in SEX_CODES:
        return SEX_CODES[s]
    return INVALID


# --- dates ------------------------------------------------------------------------------
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTHS.update({"sept": 9, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6,
                "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
                "december": 12})
# Matched against fold_text() output, which is lower case: the ISO "T" and "Z" appear as "t", "z".
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
                  r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})"
                  r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{8})$")
_TEXT_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[-/. ]+([a-z]+)\.?[-/., ]+(\d{2}|\d{4})$")
_TEXT_MONTH_FIRST = re.compile(r"^([a-z]+)\.?[ -]+(\d{1,2})(?:st|nd|rd|th)?,?[ -]+(\d{4})$")
MIN_YEAR, MAX_YEAR = 1850, 2100


def _two_digit_year(yy: int, pivot: int | None = None) -> int:
    """Expand a two-digit year: after this year's two digits it is the 1900s (dates of birth)."""
    pivot = _dt.date.today().year % 100 if pivot is None else pivot
    return 2000 + yy if yy <= pivot else 1900 + yy


def _iso(year: int, month: int, day: int) -> Normalised:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return INVALID
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return INVALID


def parse_date_auto(value: str) -> Normalised:
    """Parse a date written in any common way, UK style first: ``11/02/1975`` is 11 February.

    Accepts ISO (``1975-02-11``, with an optional time), DD/MM/YYYY and DD-MM-YY with any of
    ``/ - . space``, YYYYMMDD, and ``11 Feb 1975`` / ``February 11, 1975``.
    """
    s = fold_text(value).strip()
    if not s:
        return None
    if m := _ISO.match(s):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(s):
        year = int(m[3])
        if len(m[3]) == 2:
            year = _two_digit_year(year)
        day, month = int(m[1]), int(m[2])
        if month > 12 >= day:  # unambiguously month-first (US style): 02/28/1975
            day, month = month, day
        return _iso(year, month, day)
    if m := _COMPACT.match(s):
        d = m[1]
        return _iso(int(d[:4]), int(d[4:6]), int(d[6:]))
    if m := _TEXT_MONTH.match(s):
        month = _MONTHS.get(m[2])
        if month is None:
            return INVALID
        year = int(m[3]) if len(m[3]) == 4 else _two_digit_year(int(m[3]))
        return _iso(year, month, int(m[1]))
    if m := _TEXT_MONTH_FIRST.match(s):
        month = _MONTHS.get(m[1])
        if month is None:
            return INVALID
        return _iso(int(m[3]), month, int(m[2]))
    return INVALID


#: The mapping's ``date_format`` for day numbers as spreadsheets count them (spec section 4).
EXCEL_DATE_FORMAT: Final = "excel"
_SERIAL = re.compile(r"([0-9]{1,5})(?:\.[0-9]+)?")
_EXCEL_DAY_ZERO = _dt.date(1899, 12, 30)  # serial 61 is 1900-03-01 in Excel's 1900 date system


def parse_excel_serial(value: str) -> Normalised:
    """Read a spreadsheet's day number (``27071`` is 1974-02-11), as a CSV exported from Excel has.

    Excel's 1900 date system counts 1900-01-01 as day 1 and has a 29 February 1900 (day 60) that
    never was: days 1-59 are one day later than day 61 onwards would say, and day 60 is invalid.
    A fraction (a time of day) is read and ignored.
    """
    s = value.strip()
    if not s:
        return None
    m = _SERIAL.fullmatch(s)
    if m is None:
        return INVALID
    serial = int(m[1])
    if serial < 1 or serial == 60:
        return INVALID
    day = _EXCEL_DAY_ZERO + _dt.timedelta(days=serial + (1 if serial < 60 else 0))
    return _iso(day.year, day.month, day.day)


def is_date_cell(value) -> bool:
    """Whether a cell holds a date rather than text (a date, datetime, Timestamp or Period).

    A date field reads such a cell as its own day whatever its ``date_format`` says (spec §4).
    """
    if isinstance(value, str):
        return False
    if isinstance(value, _dt.date):
        return True
    import pandas as pd

    return isinstance(value, pd.Period)


def read_date_cell(value, parse: Normaliser) -> Normalised:
    """Read a date field's cell: a date object as its ISO day (1850-2100), text with ``parse``."""
    if is_date_cell(value):
        return parse_date_auto(cell_text(value))
    return parse(field_text(value))


def make_date_parser(date_format: str | None) -> Normaliser:
    """Make a date normaliser for one holder's column: a strptime format, ``excel`` or ``auto``."""
    if date_format in (None, "auto"):
        return parse_date_auto
    if date_format == EXCEL_DATE_FORMAT:
        return parse_excel_serial
    fmt = date_format

    def parse(value: str) -> Normalised:
        s = value.strip()
        if not s:
            return None
        try:
            d = _dt.datetime.strptime(s, fmt)
        except ValueError:
            return INVALID
        if "%y" in fmt and "%Y" not in fmt:
            d = d.replace(year=_two_digit_year(d.year % 100))
        return _iso(d.year, d.month, d.day)

    return parse


# --- UK postcodes -----------------------------------------------------------------------
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_TO_DIGIT = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "Z": "2"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "2": "Z", "8": "B"})


#: The outward code of the NHS's pseudo-postcodes (``ZZ99 3VZ``: no fixed abode; ``ZZ99 3WZ``
#: and others: abroad or not known). They say where a person is not, and thousands share one, so
#: a pseudo-postcode is missing, not a value two records could agree on.
PSEUDO_OUTWARD = "ZZ99"


def normalise_postcode(value: str) -> Normalised:
    """UK postcode to canonical ``OUTWARD INWARD`` in capitals (``sw1a1aa`` -> ``SW1A 1AA``).

    The inward code is always digit-letter-letter, so a letter O/I/L/S/Z in its first place and a
    digit 0/1/5/2/8 in its last two places are read as the character the format requires.
    """
    s = _NON_ALNUM.sub("", fold_text(value)).upper()
    if not s:
        return None
    if s == "GIR0AA":
        return "GIR 0AA"
    if not 5 <= len(s) <= 7:
        return INVALID
    outward, inward = s[:-3], s[-3:]
    inward = inward[0].translate(_TO_DIGIT) + inward[1:].translate(_TO_LETTER)
    m = _POSTCODE.match(outward + inward)
    if not m:
        return INVALID
    if m[1] == PSEUDO_OUTWARD:  # NHS pseudo-postcodes: no fixed abode, abroad, not known
        return None
    return f"{m[1]} {m[2]}"


def normaliser_for(kind: str, options: dict | None = None, date_format: str | None = None,
                   codes: dict[str, str] | None = None) -> Normaliser:
    """Return the normaliser for a field kind, with the schema's options and holder's formats."""
    options = options or {}
    if codes:
        codes = {" ".join(fold_text(k).split()): v for k, v in codes.items()}
    if kind == "name":
        remove = bool(options.get("remove_titles", True))
        return lambda v: normalise_name(v, remove)
    if kind == "text":
        expand = bool(options.get("expand_abbreviations", True))
        return lambda v: normalise_text(v, expand)
    if kind == "date":
        return make_date_parser(date_format)
    if kind == "postcode":
        return normalise_postcode
    if kind == "sex":
        return lambda v: normalise_sex(v, codes)
    if kind == "categorical":
        return lambda v: normalise_categorical(v, codes)
    if kind == "identifier":
        return normalise_identifier
    raise ValueError(f"unknown field kind {kind!r}")
