r"""Batch normalisation: a column's distinct raw values normalised together, vectorised.

:func:`normalise_many` returns exactly ``[normaliser(v) for v in values]`` for the scalar
normalisers in :mod:`linkcore.holder.normalize`, which remain the specification (docs/spec.md,
section 4). ASCII values, nearly all of a typical extract, go through vectorised string operations
(pyarrow compute: RE2 regular expressions, list splits and joins, numpy over fixed-width digit
buffers for dates and postcodes). A value with Latin letters whose fold is ASCII (``Zoë``,
``Łukasz``, ``Straße``) joins them as its fold, wherever the scalar normaliser starts by folding.
Other non-ASCII values, and any value the fast path is not sure to read as the scalar code would
(such as a date that does not fit an explicit format's fixed layout), are handed to the scalar
normaliser.

Why it is exact, kind by kind (``fold`` of an ASCII string is ``str.lower``; Python's ``\W``,
``\d`` and whitespace restricted to ASCII are ``[^A-Za-z0-9_]``, ``[0-9]`` and
``[\t\n\x0b\x0c\r\x1c-\x1f ]``):

- name: lower, delete ``'`` and `````, runs of ``[^a-z]`` to one space, trim; the words are then
  separated by single spaces, so deleting the longest prefix of ``title + space`` groups removes
  leading titles only while another word follows, and likewise ``space + suffix`` groups at the end.
  A value left empty that holds a digit goes to the scalar code (invalid there).
- text: the same with ``[^a-z0-9]``; abbreviations are looked up word by word in the split lists.
- identifier and postcode: upper, delete ``[^A-Z0-9]``; postcodes are then checked position by
  position in numpy, one group per length (5, 6, 7).
- sex and categorical: lower and collapse whitespace; the few distinct collapsed forms (the scalar
  normaliser gives the same answer for a value and its collapsed form) go to the scalar code.
- date, ``auto``: the scalar code's regular expressions, in its order, through RE2 (which reports
  the same groups for these patterns), then digit arithmetic and a vectorised calendar check.
- date, explicit ``%Y %y %m %d`` format with punctuation between: values of the format's fixed
  length whose month is 01-12 and day 01-31 are read at fixed positions (for these, strptime's
  first-choice alternatives consume exactly two digits, so its match is the same); the rest go to
  strptime.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .normalize import (
    _DMY,
    _ISO,
    _MONTHS,
    _TEXT_MONTH,
    _TEXT_MONTH_FIRST,
    ADDRESS_ABBREVIATIONS,
    APOSTROPHES,
    INVALID,
    MAX_YEAR,
    MIN_YEAR,
    NAME_SUFFIXES,
    NAME_TITLES,
    PSEUDO_OUTWARD,
    Normalised,
    fold_text,
    normaliser_for,
)

__all__ = ["normalise_many"]

# Below this many values the fixed cost of the vectorised calls outweighs the per-value savings.
MIN_BATCH = 256
# Values per vectorised pass: bounds the temporary arrays (several int64 per byte of text).
CHUNK = 200_000

# What Python's str.split() and str.strip() treat as whitespace within ASCII.
_WS_CHARS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
_WS_RUN = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_APOSTROPHES_ASCII = r"['`]"


def _alternation(words) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


_LEADING_TITLES = rf"^(?:(?:{_alternation(NAME_TITLES)}) )+"
_TRAILING_SUFFIXES = rf"(?: (?:{_alternation(NAME_SUFFIXES)}))+$"
_ANY_ABBREVIATION = rf"(?:^| )(?:{_alternation(ADDRESS_ABBREVIATIONS)})(?: |$)"
_ABBREVIATION_KEYS = pa.array(list(ADDRESS_ABBREVIATIONS), type=pa.string())
_ABBREVIATION_VALUES = pa.array(list(ADDRESS_ABBREVIATIONS.values()), type=pa.string())
_MONTH_KEYS = pa.array(list(_MONTHS), type=pa.string())
_MONTH_NUMBERS = pa.array(list(_MONTHS.values()), type=pa.int32())

# normalize._COMPACT with its eight digits read as year, month and day, as the scalar code does.
_COMPACT_NAMED = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"


def _named(pattern: re.Pattern, names: Sequence[str]) -> str:
    """Give a compiled pattern's numbered groups names, in order (for pyarrow's extract_regex)."""
    text = pattern.pattern
    out, i = [], 0
    for part in re.split(r"(?<!\\)(\((?!\?))", text):
        if part == "(":
            out.append(f"(?P<{names[i]}>")
            i += 1
        else:
            out.append(part)
    if i != len(names):
        raise ValueError("group count does not match")
    return "".join(out)


# The auto-date patterns of normalize.py with named groups (RE2 reads them the same way).
_ISO_NAMED = _named(_ISO, ("y", "m", "d"))
_DMY_NAMED = _named(_DMY, ("d", "m", "y"))
_TEXT_MONTH_NAMED = _named(_TEXT_MONTH, ("d", "mon", "y"))
_TEXT_MONTH_FIRST_NAMED = _named(_TEXT_MONTH_FIRST, ("mon", "d", "y"))

_DIGIT0 = ord("0")
_IS_DIGIT = np.zeros(256, dtype=bool)
_IS_DIGIT[ord("0"):ord("9") + 1] = True
_IS_UPPER = np.zeros(256, dtype=bool)
_IS_UPPER[ord("A"):ord("Z") + 1] = True
_IS_ALNUM = _IS_DIGIT | _IS_UPPER
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _byte_map(pairs: dict[str, str]) -> np.ndarray:
    table = np.arange(256, dtype=np.uint8)
    for a, b in pairs.items():
        table[ord(a)] = ord(b)
    return table


# The same corrections as normalize._TO_DIGIT / _TO_LETTER, as byte lookup tables.
_TO_DIGIT = _byte_map({"O": "0", "I": "1", "L": "1", "S": "5", "Z": "2"})
_TO_LETTER = _byte_map({"0": "O", "1": "I", "5": "S", "2": "Z", "8": "B"})


def _table(keep: str, delete: str, upper: bool = False, other: int = 0x20) -> np.ndarray:
    """Build a byte table: ``keep`` kept (letters case-mapped), ``delete`` to 0, others ``other``.

    0 means the byte is deleted; 0x20 that it becomes a space (runs collapse, ends are trimmed).
    """
    table = np.full(256, other, dtype=np.uint8)
    for c in keep:
        table[ord(c)] = ord(c.upper() if upper else c.lower())
        table[ord(c.swapcase())] = table[ord(c)]
    for c in delete:
        table[ord(c)] = 0
    return table


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
# name: apostrophes deleted, letters lower-cased, every other character a space.
_NAME_BYTES = _table(_LETTERS, "'`")
# text: the same, digits kept.
_TEXT_BYTES = _table(_LETTERS + _DIGITS, "'`")
# identifier and postcode: letters upper-cased, digits kept, everything else deleted.
_IDENT_BYTES = _table(_LETTERS + _DIGITS, "", upper=True, other=0)
# sex and categorical: lower-cased, whitespace to a space, everything else kept.
_COLLAPSE_BYTES = np.arange(256, dtype=np.uint8)
_COLLAPSE_BYTES[ord("A"):ord("Z") + 1] += 32
_COLLAPSE_BYTES[np.frombuffer(_WS_CHARS.encode(), dtype=np.uint8)] = 0x20
_COLLAPSE_BYTES[0] = 0x20  # never seen (values holding NUL go to the scalar code); kept apart


# --------------------------------------------------------------------------------------
# ASCII strings as one byte buffer with offsets, and as Arrow arrays
# --------------------------------------------------------------------------------------
def _arrow(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """Bytes and offsets (n + 1) as an Arrow string array (large_string beyond 2 GiB)."""
    n = len(offsets) - 1
    if len(data) < 2**31:
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)),
                                           pa.py_buffer(np.ascontiguousarray(data)))
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int64)),
                                            pa.py_buffer(np.ascontiguousarray(data)))


def _buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return a null-free Arrow string array's bytes and offsets (n + 1, starting at 0)."""
    n = len(arr)
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset:arr.offset + n + 1]
    offsets = offsets.astype(np.int64)
    data = arr.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return data[offsets[0]:offsets[-1]], offsets - offsets[0]


def _squeeze(data: np.ndarray, offsets: np.ndarray, table: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Map bytes through ``table``; drop 0 bytes; collapse space runs to one space and trim."""
    n = len(offsets) - 1
    sid = np.repeat(np.arange(n), np.diff(offsets))
    mapped = table[data]
    kept = mapped != 0
    if not kept.all():
        mapped, sid = mapped[kept], sid[kept]
    space = mapped == 0x20
    if space.any():
        word = ~space
        count = np.cumsum(word)
        lengths = np.bincount(sid, minlength=n)
        starts = np.cumsum(lengths) - lengths
        before_string = np.where(starts > 0, count[np.maximum(starts - 1, 0)], 0)
        words_before = count - word - before_string[sid]
        next_is_word = np.zeros(len(mapped), dtype=bool)
        next_is_word[:-1] = word[1:] & (sid[1:] == sid[:-1])
        kept = word | (next_is_word & (words_before > 0))
        mapped, sid = mapped[kept], sid[kept]
    new_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sid, minlength=n), out=new_offsets[1:])
    return mapped, new_offsets


def _squeezed(arr: pa.Array, table: np.ndarray) -> pa.Array:
    return _arrow(*_squeeze(*_buffers(arr), table))


def _sub(arr: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(arr, pattern=pattern, replacement=replacement)


def _sub_where_found(arr: pa.Array, pattern: str, replacement: str) -> pa.Array:
    """``_sub`` on the strings that match only (a regex match costs far less than a replace)."""
    found = pc.match_substring_regex(arr, pattern=pattern)
    if not pc.any(found).as_py():
        return arr
    return pc.replace_with_mask(arr, found, _sub(arr.filter(found), pattern, replacement))


def _to_objects(arr: pa.Array) -> np.ndarray:
    """Strings as a numpy object array; the empty string becomes None (missing)."""
    out = arr.to_numpy(zero_copy_only=False)
    empty = pc.equal(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False)
    out[empty] = None
    return out


def _fixed_width(arr: pa.Array, width: int) -> np.ndarray:
    """View a null-free string array of ``width``-byte strings as bytes (n, width)."""
    return _buffers(arr)[0].reshape(len(arr), width)


def _from_fixed_width(chars: np.ndarray) -> np.ndarray:
    """Rows of ASCII bytes (n, width) as a numpy object array of str."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return _arrow(chars.reshape(-1), offsets).to_numpy(zero_copy_only=False)


def _number(chars: np.ndarray) -> np.ndarray:
    """Decimal value of each row of ASCII digits (n, w)."""
    value = np.zeros(len(chars), dtype=np.int64)
    for j in range(chars.shape[1]):
        value = value * 10 + (chars[:, j].astype(np.int64) - _DIGIT0)
    return value


def _digits(value: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded ASCII digits (n, width) of non-negative integers."""
    out = np.empty((len(value), width), dtype=np.uint8)
    v = value.astype(np.int64)
    for j in range(width - 1, -1, -1):
        out[:, j] = v % 10 + _DIGIT0
        v = v // 10
    return out


# --------------------------------------------------------------------------------------
# Kinds. Each fast path takes an all-ASCII, null-free string array without NUL characters and
# returns (results as an object array, mask of values to hand to the scalar normaliser or None).
# --------------------------------------------------------------------------------------
FastResult = tuple[np.ndarray, np.ndarray | None]


def _names(arr: pa.Array, remove_titles: bool) -> FastResult:
    s = _squeezed(arr, _NAME_BYTES)
    if remove_titles:
        several = pc.match_substring(s, pattern=" ")  # one word: no title or suffix to drop
        if pc.any(several).as_py():
            words = s.filter(several)
            words = _sub_where_found(_sub_where_found(words, _LEADING_TITLES, ""),
                                     _TRAILING_SUFFIXES, "")
            s = pc.replace_with_mask(s, several, words)
    # no letter but a digit: invalid (a number in a name column); the scalar code says so.
    # Only the values left empty are searched for a digit (few, usually none).
    empty = pc.equal(pc.binary_length(s), 0)
    if not pc.any(empty).as_py():
        return _to_objects(s), None
    numbers = pc.and_(empty, pc.match_substring_regex(arr, pattern="[0-9]"))
    return _to_objects(s), numbers.to_numpy(zero_copy_only=False)


def _expand_abbreviations(s: pa.Array) -> pa.Array:
    words = pc.split_pattern(s, pattern=" ")
    flat = words.flatten()
    found = pc.index_in(flat, value_set=_ABBREVIATION_KEYS)
    expanded = pc.coalesce(pc.take(_ABBREVIATION_VALUES, found), flat)
    offsets = pc.subtract(words.offsets, words.offsets[0])
    return pc.binary_join(pa.ListArray.from_arrays(offsets, expanded), " ")


def _texts(arr: pa.Array, expand_abbreviations: bool) -> FastResult:
    s = _squeezed(arr, _TEXT_BYTES)
    if expand_abbreviations:
        found = pc.match_substring_regex(s, pattern=_ANY_ABBREVIATION)
        if pc.any(found).as_py():
            s = pc.replace_with_mask(s, found, _expand_abbreviations(s.filter(found)))
    return _to_objects(s), None


def _identifiers(arr: pa.Array) -> FastResult:
    return _to_objects(_squeezed(arr, _IDENT_BYTES)), None


def _postcodes(arr: pa.Array) -> FastResult:
    s = _squeezed(arr, _IDENT_BYTES)
    out = np.full(len(s), INVALID, dtype=object)
    lengths = pc.binary_length(s).to_numpy(zero_copy_only=False)
    out[lengths == 0] = None
    for length in (5, 6, 7):
        rows = np.flatnonzero(lengths == length)
        if not len(rows):
            continue
        chars = _fixed_width(s.take(pa.array(rows)), length).copy()
        inward = length - 3
        chars[:, inward] = _TO_DIGIT[chars[:, inward]]
        chars[:, inward + 1:] = _TO_LETTER[chars[:, inward + 1:]]
        up, dig, aln = _IS_UPPER[chars], _IS_DIGIT[chars], _IS_ALNUM[chars]
        ok = dig[:, inward] & up[:, inward + 1] & up[:, inward + 2]
        if inward == 2:    # A9
            ok &= up[:, 0] & dig[:, 1]
        elif inward == 3:  # AA9 or A9A / A99
            ok &= up[:, 0] & ((up[:, 1] & dig[:, 2]) | (dig[:, 1] & aln[:, 2]))
        else:              # AA9A / AA99
            ok &= up[:, 0] & up[:, 1] & dig[:, 2] & aln[:, 3]
        good = rows[ok]
        if len(good):
            space = np.full((len(good), 1), ord(" "), dtype=np.uint8)
            out[good] = _from_fixed_width(np.concatenate(
                [chars[ok, :inward], space, chars[ok, inward:]], axis=1))
    # GIR0AA is length 6 but not of the general shape; its special answer wins.
    out[(pc.equal(s, "GIR0AA")).to_numpy(zero_copy_only=False)] = "GIR 0AA"
    # the NHS's pseudo-postcodes (normalize.PSEUDO_OUTWARD) are missing
    pseudo = np.flatnonzero(pc.starts_with(s, PSEUDO_OUTWARD).to_numpy(zero_copy_only=False)
                            & (lengths == 7))
    out[[i for i in pseudo.tolist() if out[i] is not INVALID]] = None
    return out, None


def _collapsed_then_scalar(arr: pa.Array, scalar: Callable[[str], Normalised]) -> FastResult:
    """Lower-case and collapse whitespace, then the scalar code once per distinct collapsed form."""
    encoded = _squeezed(arr, _COLLAPSE_BYTES).dictionary_encode()
    answers = np.empty(len(encoded.dictionary), dtype=object)
    answers[:] = [scalar(v) for v in encoded.dictionary.to_pylist()]
    return answers[encoded.indices.to_numpy(zero_copy_only=False)], None


def _iso_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """ISO strings for valid dates in MIN_YEAR..MAX_YEAR, INVALID otherwise (as normalize._iso)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = np.where(month_ok, _DAYS_IN_MONTH[np.where(month_ok, month, 0)], 0) \
        + (leap & (month == 2))
    ok = (year >= MIN_YEAR) & (year <= MAX_YEAR) & month_ok & (day >= 1) & (day <= days)
    out = np.full(len(year), INVALID, dtype=object)
    if ok.any():
        dash = np.full((int(ok.sum()), 1), ord("-"), dtype=np.uint8)
        chars = np.concatenate([_digits(year[ok], 4), dash, _digits(month[ok], 2), dash,
                                _digits(day[ok], 2)], axis=1)
        out[ok] = _from_fixed_width(chars)
    return out


def _two_digit_years(yy: np.ndarray, pivot: int) -> np.ndarray:
    """As normalize._two_digit_year: up to this year's two digits is the 2000s, else the 1900s."""
    return np.where(yy <= pivot, 2000 + yy, 1900 + yy)


def _int_field(parts: pa.StructArray, name: str) -> np.ndarray:
    return pc.cast(parts.field(name), pa.int64()).to_numpy(zero_copy_only=False)


def _day_first(day: np.ndarray, month: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Read D-M-Y numbers as parse_date_auto does, then check the calendar.

    Month-first only when the second number is over 12 and the first is not (02/28/1975).
    """
    swap = (month > 12) & (day <= 12)
    return _iso_dates(year, np.where(swap, day, month), np.where(swap, month, day))


def _byte_set(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(chars.encode(), dtype=np.uint8)] = True
    return table


_ISO_SEPARATOR = _byte_set("-/.")
_DMY_SEPARATOR = _byte_set("-/. ")


def _fixed_shape_dates(s: pa.Array, lengths: np.ndarray, out: np.ndarray, pivot: int
                       ) -> np.ndarray:
    """Read the common fixed shapes without regular expressions; return the rows read.

    ``YYYY-MM-DD`` (ISO separators), ``DD-MM-YYYY`` and ``DD-MM-YY`` (D-M-Y separators), and
    ``YYYYMMDD``: for these strings the first of parse_date_auto's patterns that matches is the
    one named, with exactly these digit groups.
    """
    done = np.zeros(len(s), dtype=bool)
    for length in (8, 10):
        rows = np.flatnonzero(lengths == length)
        if not len(rows):
            continue
        chars = _fixed_width(s.take(pa.array(rows)), length)
        digit = _IS_DIGIT[chars]

        def number(a: int, b: int, ok: np.ndarray, c=chars) -> np.ndarray:
            return _number(c[ok, a:b])

        if length == 10:
            iso = digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) \
                & _ISO_SEPARATOR[chars[:, 4]] & _ISO_SEPARATOR[chars[:, 7]]
            out[rows[iso]] = _iso_dates(number(0, 4, iso), number(5, 7, iso), number(8, 10, iso))
            dmy = digit[:, [0, 1, 3, 4, 6, 7, 8, 9]].all(axis=1) \
                & _DMY_SEPARATOR[chars[:, 2]] & _DMY_SEPARATOR[chars[:, 5]]
            out[rows[dmy]] = _day_first(number(0, 2, dmy), number(3, 5, dmy), number(6, 10, dmy))
            done[rows[iso | dmy]] = True
        else:
            compact = digit.all(axis=1)
            out[rows[compact]] = _iso_dates(number(0, 4, compact), number(4, 6, compact),
                                            number(6, 8, compact))
            dmy = digit[:, [0, 1, 3, 4, 6, 7]].all(axis=1) \
                & _DMY_SEPARATOR[chars[:, 2]] & _DMY_SEPARATOR[chars[:, 5]]
            out[rows[dmy]] = _day_first(number(0, 2, dmy), number(3, 5, dmy),
                                        _two_digit_years(number(6, 8, dmy), pivot))
            done[rows[compact | dmy]] = True
    return done


def _dates_auto(arr: pa.Array) -> FastResult:
    s = pc.ascii_trim(pc.ascii_lower(arr), characters=_WS_CHARS)
    n = len(s)
    out = np.full(n, INVALID, dtype=object)
    lengths = pc.binary_length(s).to_numpy(zero_copy_only=False)
    out[lengths == 0] = None
    pivot = _dt.date.today().year % 100
    done = _fixed_shape_dates(s, lengths, out, pivot)
    rest = np.flatnonzero((lengths > 0) & ~done)
    for pattern in (_ISO_NAMED, _DMY_NAMED, _COMPACT_NAMED, _TEXT_MONTH_NAMED,
                    _TEXT_MONTH_FIRST_NAMED):
        if not len(rest):
            break
        parts = pc.extract_regex(s.take(pa.array(rest)), pattern=pattern)
        hit = parts.is_valid().to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        parts = parts.filter(pa.array(hit))
        day = _int_field(parts, "d")
        year = _int_field(parts, "y")
        if parts.type.get_field_index("mon") >= 0:  # pyarrow 17 has no StructType.names
            found = pc.index_in(parts.field("mon"), value_set=_MONTH_KEYS)
            month = pc.fill_null(pc.take(_MONTH_NUMBERS, found), 0)
            month = month.to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            month = _int_field(parts, "m")
        if pattern in (_DMY_NAMED, _TEXT_MONTH_NAMED):
            two = pc.equal(pc.binary_length(parts.field("y")), 2).to_numpy(zero_copy_only=False)
            year = np.where(two, _two_digit_years(year, pivot), year)
        if pattern == _DMY_NAMED:
            out[rest[hit]] = _day_first(day, month, year)
        else:
            out[rest[hit]] = _iso_dates(year, month, day)
        rest = rest[~hit]
    return out, None


_FORMAT_PART = re.compile(r"%[Ymdy]|[!-$&-/:-@\[-`{-~]")  # a directive or one punctuation mark


def _fixed_layout(date_format: str) -> list[str] | None:
    """Split an explicit format into fixed-width parts; None if the fast path cannot read it.

    Parts are ``%Y`` ``%y`` ``%m`` ``%d`` or one punctuation character; other directives, letters
    and spaces leave the format to strptime.
    """
    parts = _FORMAT_PART.findall(date_format)
    if "".join(parts) != date_format:
        return None
    directives = sorted(p for p in parts if p.startswith("%"))
    if directives not in (["%Y", "%d", "%m"], ["%d", "%m", "%y"]):
        return None
    return parts


def _dates_with_format(arr: pa.Array, layout: list[str]) -> FastResult:
    s = pc.ascii_trim(arr, characters=_WS_CHARS)
    n = len(s)
    out = np.full(n, INVALID, dtype=object)
    unsure = np.ones(n, dtype=bool)
    lengths = pc.binary_length(s).to_numpy(zero_copy_only=False)
    out[lengths == 0] = None
    unsure[lengths == 0] = False
    width = sum(4 if p == "%Y" else 2 if p.startswith("%") else 1 for p in layout)
    rows = np.flatnonzero(lengths == width)
    if not len(rows):
        return out, unsure
    chars = _fixed_width(s.take(pa.array(rows)), width)
    ok = np.ones(len(rows), dtype=bool)
    fields: dict[str, np.ndarray] = {}
    at = 0
    for part in layout:
        if part.startswith("%"):
            w = 4 if part == "%Y" else 2
            ok &= _IS_DIGIT[chars[:, at:at + w]].all(axis=1)
            fields[part[1]] = _number(chars[:, at:at + w])
            at += w
        else:
            ok &= chars[:, at] == ord(part)
            at += 1
    month, day = fields["m"], fields["d"]
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    year = fields["Y"] if "Y" in fields else \
        _two_digit_years(fields["y"], _dt.date.today().year % 100)
    sure = rows[ok]
    out[sure] = _iso_dates(year[ok], month[ok], day[ok])
    unsure[sure] = False
    return out, unsure


# --------------------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------------------
def _fast_path(kind: str, options: dict, date_format: str | None,
               scalar: Callable[[str], Normalised]) -> Callable[[pa.Array], FastResult] | None:
    if kind == "name":
        remove = bool(options.get("remove_titles", True))
        return lambda a: _names(a, remove)
    if kind == "text":
        expand = bool(options.get("expand_abbreviations", True))
        return lambda a: _texts(a, expand)
    if kind == "identifier":
        return _identifiers
    if kind == "postcode":
        return _postcodes
    if kind in ("sex", "categorical"):
        return lambda a: _collapsed_then_scalar(a, scalar)
    if kind == "date":
        if date_format in (None, "auto"):
            return _dates_auto
        layout = _fixed_layout(date_format)
        return None if layout is None else (lambda a: _dates_with_format(a, layout))
    return None


def normalise_many(kind: str, values: Sequence[str], options: dict | None = None,
                   date_format: str | None = None, codes: dict[str, str] | None = None
                   ) -> list[Normalised]:
    """Normalise many raw values of one field kind at once; equal to the scalar normaliser's list.

    Arguments are those of :func:`linkcore.holder.normalize.normaliser_for`. Each result is the
    canonical string, None (missing) or INVALID, in the order of ``values``.
    """
    scalar = normaliser_for(kind, options, date_format, codes)
    fast = _fast_path(kind, options or {}, date_format, scalar)
    folds = not (kind == "date" and date_format not in (None, "auto"))
    if fast is None or not values or len(values) < MIN_BATCH:
        return [scalar(v) for v in values]
    if len(values) <= CHUNK:
        return _vectorised(values, fast, scalar, folds)
    out: list[Normalised] = []
    for start in range(0, len(values), CHUNK):
        out.extend(_vectorised(values[start:start + CHUNK], fast, scalar, folds))
    return out


def _ascii_array(values: Sequence[str]) -> tuple[pa.Array, np.ndarray]:
    """Gather the ASCII values without NUL characters in one Arrow array; return it and their rows.

    Built from one joined, encoded string whose NUL separators mark the boundaries: this costs far
    less than converting the values one by one.
    """
    n = len(values)
    if n == 0:
        return pa.array([], type=pa.string()), np.zeros(0, dtype=np.int64)
    buf = np.frombuffer("\x00".join(values).encode("utf-8"), dtype=np.uint8)
    is_separator = buf == 0
    if int(is_separator.sum()) != n - 1:  # some value holds a NUL: the scalar code reads it
        rows = np.flatnonzero(np.fromiter(("\x00" not in v for v in values), dtype=bool, count=n))
        arr, sub_rows = _ascii_array([values[i] for i in rows])
        return arr, rows[sub_rows]
    separators = np.flatnonzero(is_separator)
    starts = np.concatenate([[0], separators + 1])
    ends = np.concatenate([separators, [len(buf)]])
    rows = np.arange(n)
    high = np.flatnonzero(buf >= 0x80)
    if len(high):  # drop the strings that hold a non-ASCII byte
        ascii_row = np.ones(n, dtype=bool)
        ascii_row[np.searchsorted(separators, high)] = False
        rows, starts, ends = rows[ascii_row], starts[ascii_row], ends[ascii_row]
    lengths = ends - starts
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if len(rows) == n:
        data = buf[~is_separator] if len(separators) else buf
    else:  # the kept strings' bytes, in order
        data = buf[np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])]
    return _arrow(data, offsets), rows


def _vectorised(values: Sequence[str], fast: Callable[[pa.Array], FastResult],
                scalar: Callable[[str], Normalised], folds: bool) -> list[Normalised]:
    """Run the fast path on the ASCII values, the scalar normaliser on the rest and the unsure.

    When the normaliser starts by folding (every kind but a date with an explicit format), a
    value whose fold is ASCII is given to the fast path as its fold: the scalar normaliser gives a
    value and its fold the same answer, since folding an ASCII fold changes nothing.
    """
    work = values
    if folds and not "".join(values).isascii():
        table = _fold_table()
        work = list(values)
        for i, v in enumerate(values):
            if not v.isascii():
                folded = v.translate(table)
                if folded.isascii():
                    work[i] = folded
    try:
        arr, rows = _ascii_array(work)
    except UnicodeError:  # e.g. lone surrogates: leave every value to the scalar code
        return [scalar(v) for v in values]
    out = np.empty(len(values), dtype=object)
    if len(rows) < len(values):
        others = np.ones(len(values), dtype=bool)
        others[rows] = False
        for i in np.flatnonzero(others):
            out[i] = scalar(values[i])
    if len(rows):
        results, unsure = fast(arr)
        out[rows] = results
        if unsure is not None:
            for i in rows[unsure]:
                out[i] = scalar(values[i])
    return out.tolist()


@functools.cache
def _fold_table() -> dict[int, str]:
    """Latin letters (U+0080-U+024F) whose fold is ASCII, mapped to that fold.

    For text of ASCII and these characters, folding is character by character: none decomposes
    into a leading combining mark (which would attach to the character before it), case folding
    is context-free, and the marks NFKD produces follow a base below U+0530, so all are dropped.
    An apostrophe (``´``) is left out: names and text delete it before folding, not its fold.
    """
    table = {}
    for code in range(0x80, 0x250):
        c = chr(code)
        if c in APOSTROPHES:
            continue
        folded = fold_text(c)
        if folded.isascii() and not unicodedata.combining(unicodedata.normalize("NFKD", c)[0]):
            table[code] = folded
    return table
