"""Corruption functions: each takes an array of values and returns a corrupted copy.

Each function changes every value it can (the caller picks which rows to corrupt, at the
profile's rate) and leaves a value unchanged when the corruption cannot apply to it (no OCR
look-alike in the name, no nickname for it, ...). A missing value (None, or NaN / pd.NA as
pandas 3 and CSV files give them) is never corrupted and comes back as None.

Random choices (which letter, which neighbour) are drawn as numpy arrays up front from the
caller's generator, so a seed always gives the same corruption; the per-value string edit is
then a short Python step.
"""

from __future__ import annotations

import re

import numpy as np

from ._cells import cells
from .nicknames import NICKNAMES

# --- keyboard ----------------------------------------------------------------------------

# QWERTY rows with each row's horizontal offset in key widths (staggered keyboard).
_KEY_ROWS = (("1234567890", 0.0), ("qwertyuiop", 0.5), ("asdfghjkl", 0.75), ("zxcvbnm", 1.25))


def _qwerty_neighbours() -> dict[str, str]:
    """Map each key on QWERTY to its adjacent keys (letters to letters, digits to digits)."""
    pos = {ch: (r, c + off) for r, (row, off) in enumerate(_KEY_ROWS) for c, ch in enumerate(row)}
    out: dict[str, str] = {}
    for ch, (r, x) in pos.items():
        near = []
        for other, (r2, x2) in pos.items():
            if other == ch or other.isdigit() != ch.isdigit():
                continue
            if (r2 == r and abs(x2 - x) == 1.0) or (abs(r2 - r) == 1 and abs(x2 - x) <= 0.75):
                near.append(other)
        out[ch] = "".join(sorted(near))
    return out


QWERTY_NEIGHBOURS: dict[str, str] = _qwerty_neighbours()

TYPO_KINDS = ("substitute", "delete", "insert", "transpose")


def _same_case(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new


def _typo_one(value: str, kind: int, u_pos: float, u_pick: float) -> str:
    """Apply one keyboard slip of the given kind to one value."""
    keys = [i for i, ch in enumerate(value) if ch.lower() in QWERTY_NEIGHBOURS]
    if not keys:
        return value
    i = keys[int(u_pos * len(keys))]
    ch = value[i]
    near = QWERTY_NEIGHBOURS[ch.lower()]
    sub = _same_case(near[int(u_pick * len(near))], ch)
    if kind == 1 and len(value) > 1:  # deletion
        return value[:i] + value[i + 1 :]
    if kind == 2:  # insertion: the finger also hits a neighbouring key
        return value[: i + 1] + sub.lower() + value[i + 1 :]
    if kind == 3:  # transposition with the next (or previous) different character
        for j in (i, i - 1):
            if 0 <= j < len(value) - 1 and value[j] != value[j + 1]:
                return value[:j] + value[j + 1] + value[j] + value[j + 2 :]
    return value[:i] + sub + value[i + 1 :]  # substitution (and the fallback)


def keyboard_typo(
    values: np.ndarray, rng: np.random.Generator, kind: str | None = None
) -> np.ndarray:
    """One keyboard slip per value: neighbour substitution, deletion, insertion or transposition.

    ``kind`` fixes the slip (one of ``TYPO_KINDS``); by default each value gets a random kind.
    """
    n = len(values)
    kinds = (
        rng.integers(0, len(TYPO_KINDS), size=n)
        if kind is None
        else np.full(n, TYPO_KINDS.index(kind))
    )
    u_pos, u_pick = rng.random(n), rng.random(n)
    return cells(
        [
            _typo_one(v, k, a, b) if isinstance(v, str) else v
            for v, k, a, b in zip(values, kinds, u_pos, u_pick, strict=True)
        ]
    )


# --- OCR ---------------------------------------------------------------------------------

# Look-alike confusions of optical character recognition, both directions.
OCR_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"),
    ("0", "O"), ("O", "0"), ("1", "l"), ("l", "1"), ("I", "l"), ("l", "I"),
    ("5", "S"), ("S", "5"), ("8", "B"), ("B", "8"), ("e", "c"), ("c", "e"),
    ("h", "b"), ("u", "v"), ("n", "h"), ("i", "l"), ("G", "6"), ("Z", "2"),
)  # fmt: skip


def _spots(value: str, rules: tuple[tuple[str, str], ...]) -> list[tuple[int, str, str]]:
    """Every (position, pattern, replacement) where a rule applies in ``value``."""
    spots = []
    for pattern, repl in rules:
        start = value.find(pattern)
        while start != -1:
            spots.append((start, pattern, repl))
            start = value.find(pattern, start + 1)
    return spots


def _apply_spot(value: str, spots: list[tuple[int, str, str]], u: float) -> str:
    if not spots:
        return value
    at, pattern, repl = spots[int(u * len(spots))]
    return value[:at] + repl + value[at + len(pattern) :]


def ocr_error(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One OCR look-alike confusion per value (rn->m, 0->O, l->1, 5->S, ...), where one applies."""
    u = rng.random(len(values))
    return cells(
        [
            _apply_spot(v, _spots(v, OCR_CONFUSIONS), x) if isinstance(v, str) else v
            for v, x in zip(values, u, strict=True)
        ]
    )


# --- phonetic ----------------------------------------------------------------------------

# Sound-alike spellings as (regex on the lower-cased value, replacement), both directions
# where English spelling allows it.
PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    (r"ph", "f"), (r"(?<=[aeiou])f", "ph"), (r"ck", "k"), (r"(?<=[aeiou])k(?![aeiou])", "ck"),
    (r"ie\b", "y"), (r"(?<=[^aeiouy])y\b", "ie"), (r"ey\b", "y"), (r"ee", "ea"), (r"ea", "ee"),
    (r"ou", "ow"), (r"ai", "ay"), (r"ay", "ai"), (r"th", "t"), (r"c(?=[aou])", "k"),
    (r"k(?=[aou])", "c"), (r"z", "s"), (r"(?<=[aeiou])s(?=[aeiou])", "z"), (r"ll", "l"),
    (r"tt", "t"), (r"nn", "n"), (r"mm", "m"), (r"ss", "s"), (r"son\b", "sen"),
    (r"sen\b", "son"), (r"wr", "r"), (r"kn", "n"), (r"ae", "a"), (r"oa", "o"), (r"x", "ks"),
    (r"qu", "kw"), (r"(?<=[aeiou])r\b", "re"), (r"re\b", "er"), (r"i(?=[^aeiou]e\b)", "y"),
)  # fmt: skip
_PHONETIC_COMPILED = tuple((re.compile(p), r) for p, r in PHONETIC_RULES)


def _phonetic_one(value: str, u: float) -> str:
    low = value.lower()
    spots = [(m.start(), m.end(), r) for rx, r in _PHONETIC_COMPILED for m in rx.finditer(low)]
    if not spots:
        return value
    start, end, repl = spots[int(u * len(spots))]
    if value[start:end][:1].isupper():
        repl = repl[:1].upper() + repl[1:]
    if value.isupper():
        repl = repl.upper()
    return value[:start] + repl + value[end:]


def phonetic_error(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One sound-alike misspelling per value (ph/f, ck/k, ie/y, ee/ea, ...), where one applies."""
    u = rng.random(len(values))
    return cells(
        [_phonetic_one(v, x) if isinstance(v, str) else v for v, x in zip(values, u, strict=True)]
    )


# --- nicknames ---------------------------------------------------------------------------


def has_nickname(values: np.ndarray) -> np.ndarray:
    """Boolean mask: which first names have a known short form."""
    return np.array([isinstance(v, str) and v.lower() in NICKNAMES for v in values], dtype=bool)


def nickname(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Replace each first name that has a short form with one of them (William -> Bill)."""
    u = rng.random(len(values))
    out = []
    for v, x in zip(values, u, strict=True):
        forms = NICKNAMES.get(v.lower()) if isinstance(v, str) else None
        if not forms:
            out.append(v)
            continue
        short = forms[int(x * len(forms))]
        out.append(short.upper() if v.isupper() else short)
    return cells(out)


# --- dates -------------------------------------------------------------------------------


def _missing_dates(iso: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dates with each missing one replaced by a placeholder, mask of the missing ones)."""
    dates = cells(iso)
    missing = np.equal(dates, None)
    dates[missing] = "2000-01-01"
    return dates, missing


def _split_iso(iso: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day arrays of ISO date strings (missing dates read as a placeholder)."""
    as_date = np.asarray(_missing_dates(iso)[0], dtype="datetime64[D]")
    months = as_date.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    y = years.astype(np.int64) + 1970
    m = (months - years).astype(np.int64) + 1
    d = (as_date - months).astype(np.int64) + 1
    return y, m, d


def days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Count the days in each (year, month)."""
    start = ((np.asarray(y) - 1970) * 12 + np.asarray(m) - 1).astype("datetime64[M]")
    return ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)


def _join_iso(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    months = ((y - 1970) * 12 + m - 1).astype("datetime64[M]")
    return (months.astype("datetime64[D]") + (d - 1)).astype(str).astype(object)


def can_transpose_dob(iso: np.ndarray) -> np.ndarray:
    """Boolean mask: dates whose day and month can be exchanged into a different valid date."""
    _, m, d = _split_iso(iso)
    return (d <= 12) & (d != m) & ~_missing_dates(iso)[1]


def dob_transpose(iso: np.ndarray) -> np.ndarray:
    """Exchange day and month (2 Nov -> 11 Feb) where that gives another valid date."""
    y, m, d = _split_iso(iso)
    ok = can_transpose_dob(iso)
    out = cells(iso)
    out[ok] = _join_iso(y[ok], d[ok], m[ok])
    return out


def dob_digit_off(iso: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move the day, month or year one up or down (a keying slip), always to a valid date."""
    y, m, d = _split_iso(iso)
    n = len(y)
    part = rng.integers(0, 3, size=n)
    step = np.where(rng.random(n) < 0.5, -1, 1)
    y2, m2, d2 = y.copy(), m.copy(), d.copy()
    # day: step, or the other way at the ends of the month
    nd = d + step
    nd = np.where((nd < 1) | (nd > days_in_month(y, m)), d - step, nd)
    d2 = np.where(part == 0, nd, d2)
    # month: step, or the other way at January and December
    nm = m + step
    nm = np.where((nm < 1) | (nm > 12), m - step, nm)
    m2 = np.where(part == 1, nm, m2)
    y2 = np.where(part == 2, y + step, y2)
    d2 = np.minimum(d2, days_in_month(y2, m2))  # 31 Mar -> Apr: 30 Apr; 29 Feb -> 28 Feb
    out = _join_iso(y2, m2, d2)
    out[_missing_dates(iso)[1]] = None
    return out
