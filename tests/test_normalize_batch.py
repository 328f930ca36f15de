"""The batch normaliser gives exactly what the scalar normalisers give, value for value."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import SPECIAL_NAMES, any_name, write_date, written_dates, written_postcodes

from linkcore.holder import normalize_batch
from linkcore.holder.normalize import (
    _MONTHS,
    ADDRESS_ABBREVIATIONS,
    INVALID,
    NAME_SUFFIXES,
    NAME_TITLES,
    SEX_CODES,
    normaliser_for,
)
from linkcore.holder.normalize_batch import normalise_many

PROPERTY = settings(max_examples=150, deadline=None)


@pytest.fixture(autouse=True, scope="module")
def _always_vectorised():
    """Send even short lists through the vectorised path (it is what these tests check)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(normalize_batch, "MIN_BATCH", 0)
        yield


def scalar_list(kind, values, options=None, date_format=None, codes=None):
    normalise = normaliser_for(kind, options, date_format, codes)
    return [normalise(v) for v in values]


def assert_same(kind, values, options=None, date_format=None, codes=None):
    expected = scalar_list(kind, values, options, date_format, codes)
    got = normalise_many(kind, values, options, date_format, codes)
    assert len(got) == len(values)
    for value, e, g in zip(values, expected, got, strict=True):
        assert g == e and type(g) is type(e), (kind, date_format, value, e, g)


# --------------------------------------------------------------------------------------
# Strategies: adversarial ASCII text around the rules' edges, plus some non-ASCII values
# --------------------------------------------------------------------------------------
any_ascii = st.text(st.characters(max_codepoint=127), max_size=20)
# ASCII with Latin-1 and Latin Extended-A/B (folded to ASCII by the fast path where it can be).
any_latin = st.text(st.characters(max_codepoint=0x24F), max_size=20)
LATIN_LETTERS = "éÉèüÜñÑçÇøØæÆœŒłŁđĐðÐþÞıßĳǆǅ²¹µŀŉſ´¨\u00a0ªºÀÿĀžƀɏ"
latin_words = st.text(st.sampled_from(string.ascii_letters + LATIN_LETTERS + " '-.´"),
                      min_size=1, max_size=12)
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
SEPARATORS = ("", " ", "  ", ".", ". ", ",", "-", "'", "`", "_", "/", "\t", "\x1c", "0", "3",
              " - ", "''", "’", "\u00a0")
RULE_WORDS = sorted(NAME_TITLES | NAME_SUFFIXES | set(ADDRESS_ABBREVIATIONS)
                    | set(ADDRESS_ABBREVIATIONS.values()))
plain_words = st.sampled_from(RULE_WORDS + ["john", "smith", "o'brien", "mary-jane", "st.",
                                            "a", "x", "12", "3b", "ii", "iv", "v"])


@st.composite
def cased(draw, text: str) -> str:
    style = draw(st.sampled_from(["lower", "upper", "title", "mixed"]))
    if style == "upper":
        return text.upper()
    if style == "title":
        return text.title()
    if style == "mixed":
        return "".join(c.upper() if draw(st.booleans()) else c for c in text)
    return text


@st.composite
def wordy(draw) -> str:
    """Words (titles, suffixes, abbreviations, names) joined by odd separators, in any case."""
    words = draw(st.lists(plain_words | st.text(string.ascii_letters + string.digits,
                                                min_size=1, max_size=6), max_size=6))
    out = draw(st.sampled_from(["", " ", "\t", "."]))
    for w in words:
        out += draw(cased(w)) + draw(st.sampled_from(SEPARATORS))
    return out


text_values = st.one_of(
    wordy(), any_ascii, any_latin, latin_words, any_name, st.sampled_from(SPECIAL_NAMES),
    st.sampled_from(["", " ", "\t\n", "\x1f", "'", "mr", "Mr Jr", "dr dr", "St St", "\x00",
                     "a\x00b"]),
)


@given(st.lists(text_values, min_size=1, max_size=40), st.booleans())
@PROPERTY
def test_names(values, remove_titles):
    assert_same("name", values, {"remove_titles": remove_titles})


@given(st.lists(text_values, min_size=1, max_size=40), st.booleans())
@PROPERTY
def test_texts(values, expand):
    assert_same("text", values, {"expand_abbreviations": expand})


@given(st.lists(text_values, min_size=1, max_size=40))
@PROPERTY
def test_identifiers(values):
    assert_same("identifier", values)


# --------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------
CONFUSABLE = "OILSZ0125B8AEGNRSUW9"


@st.composite
def rough_postcodes(draw) -> str:
    """Near-postcodes: confusable characters, wrong lengths, spaces and punctuation anywhere."""
    chars = draw(st.lists(st.sampled_from(CONFUSABLE + string.ascii_letters + string.digits),
                          max_size=9))
    out = ""
    for c in chars:
        out += c + draw(st.sampled_from(["", "", "", " ", "-", "."]))
    return out


postcode_values = st.one_of(
    written_postcodes().map(lambda t: t[1]), rough_postcodes(), any_ascii, any_latin, latin_words,
    st.sampled_from(["GIR0AA", "gir 0aa", "GIR  0AA", "GIR0A", "", "  ", "SW1A 1AA", "sw1a1aa",
                     "M1 1AE", "Ç1 1AA", "ＳＷ1Ａ 1ＡＡ", "sŵ1a 1aa", "ZZ99 3VZ", "zz993wz",
                     "ZZ99 3V2", "ZZ993V", "ZZ9 9ZZ"]),
)


@given(st.lists(postcode_values, min_size=1, max_size=40))
@PROPERTY
def test_postcodes(values):
    assert_same("postcode", values)


# --------------------------------------------------------------------------------------
# Sex and categorical codes (with and without a holder's code map)
# --------------------------------------------------------------------------------------
code_values = st.one_of(
    st.sampled_from(sorted(k for k in SEX_CODES)).flatmap(cased),
    st.sampled_from(["  Male ", "NOT\tKNOWN", "not  known", "Non Binary", "n/k", "Femme", "H",
                     "männlich", "", " ", "\x1c", "x\x1fy", "Mâle", "FÉMALE", "ǹ/k"]),
    any_ascii,
    any_latin,
)
code_maps = st.one_of(st.none(), st.dictionaries(
    st.sampled_from(["H", "Femme", "homme", "  NK ", "1", "weird"]),
    st.sampled_from(["m", "f", "x", "Male", " ", "unknown", "zz"]), max_size=4))


@given(st.lists(code_values, min_size=1, max_size=40), code_maps)
@PROPERTY
def test_sex(values, codes):
    assert_same("sex", values, codes=codes)


@given(st.lists(code_values, min_size=1, max_size=40), code_maps)
@PROPERTY
def test_categorical(values, codes):
    assert_same("categorical", values, codes=codes)


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------
@st.composite
def digit_dates(draw) -> str:
    """Numbers and separators in date-like shapes, valid or not (31/02, 00, two-digit years)."""
    widths = draw(st.sampled_from([(4, 2, 2), (2, 2, 4), (1, 1, 4), (2, 2, 2), (1, 2, 2),
                                   (4, 1, 1), (2, 1, 4), (3, 2, 2), (2, 2, 3)]))
    parts = []
    for w in widths:
        top = 10 ** w - 1
        n = draw(st.one_of(st.integers(0, top), st.sampled_from([0, 1, 2, 12, 13, 28, 29, 30, 31,
                                                                 32, 99]).filter(
            lambda x, t=top: x <= t)))
        parts.append(str(n).zfill(w) if draw(st.booleans()) else str(n))
    seps = draw(st.lists(st.sampled_from(["-", "/", ".", " ", "", "  ", ",", "t"]), min_size=2,
                         max_size=2))
    text = parts[0] + seps[0] + parts[1] + seps[1] + parts[2]
    if draw(st.integers(0, 4)) == 0:
        text += draw(st.sampled_from(["T10:30", " 10:30:00", "t1:02:03.5z", " 10:30+01:00",
                                      "T10:30:00-0500", "x", " ", "\n", ":"]))
    return draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))


@st.composite
def worded_dates(draw) -> str:
    """'11th Feb. 1975', 'February 11, 1975', 'Smarch 3 2001' and near misses."""
    month = draw(st.sampled_from(sorted(_MONTHS) + ["smarch", "febr", "ju", "sep."]).flatmap(
        cased))
    day = str(draw(st.integers(0, 40)))
    if draw(st.booleans()):
        day += draw(st.sampled_from(["st", "nd", "rd", "th", "TH", "xx"]))
    year = str(draw(st.one_of(st.integers(0, 99), st.integers(1800, 2200))))
    sep1, sep2 = draw(st.sampled_from([" ", "-", ". ", "/", ", ", "  "])), \
        draw(st.sampled_from([" ", "-", ", ", ".", ",", " , "]))
    if draw(st.booleans()):
        return f"{day}{sep1}{month}{sep2}{year}"
    return f"{month}{sep1}{day}{sep2}{year}"


# Digits and separators in any order, 6-12 long: the fixed 8- and 10-character shapes and their
# near misses ("1975 02 11", "11/02/197:", "197502 1").
date_shaped = st.text(st.sampled_from("0123456789" * 4 + "-/. :tz,"), min_size=6, max_size=12)
date_values = st.one_of(
    written_dates().map(lambda t: t[1]), digit_dates(), worded_dates(), any_ascii, any_latin,
    date_shaped, date_shaped,
    st.sampled_from(["", " ", "31/02/1975", "29/02/2000", "29/02/1900", "29/02/00", "29-02-24",
                     "1975-02-11", "١٩٧٥-٠٢-١١", "11 février 1975", "19751311", "1975111",
                     "18491231", "21010101", "00000101", "11 Fébruary 1975", "²³/⁰²/1975",
                     "11\u00a0Feb 1975", "1ˢᵗ May 1990", "Mäy 3, 2001", "3 ſep 1999", "19²50211",
                     "²0/02/1975", "1975-0²-11", "²⁰/02/1975", "1975 02 11",
                     "11/02/197:", "1975020:", "11 02 75", "11.02.1975", "1975/02/11"]),
)


@given(st.lists(date_values, min_size=1, max_size=40))
@PROPERTY
def test_dates_auto(values):
    assert_same("date", values, date_format="auto")


FORMATS = ("%Y%m%d", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%y",
           "%y%m%d", "%Y/%m/%d", "%d %m %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S", "%d%m%Y", "%Y%d%m",
           "%d|%m|%Y", "%Y.%m.%d.")


@st.composite
def formatted_dates(draw) -> tuple[str, list[str]]:
    fmt = draw(st.sampled_from(FORMATS))
    written = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(2200, 12, 31)).map(
        lambda d: write_date(d, fmt))
    values = draw(st.lists(st.one_of(written, written.map(lambda s: f" {s}\t"), date_values),
                           min_size=1, max_size=40))
    return fmt, values


@given(formatted_dates())
@PROPERTY
def test_dates_with_format(case):
    fmt, values = case
    assert_same("date", values, date_format=fmt)


# --------------------------------------------------------------------------------------
# Examples and plumbing
# --------------------------------------------------------------------------------------
def test_examples():
    assert normalise_many("name", ["Mr John Smith Jr", "Dr", "Mr Jr", "MRS. O'BRIEN-JONES"]) == \
        ["john smith", "dr", "jr", "obrien jones"]
    assert normalise_many("text", ["12 High St.", "Flt 3, Park Rd", "st st"]) == \
        ["12 high street", "flat 3 park road", "street street"]
    assert normalise_many("postcode", ["sw1a1aa", "SW1A 1AA", "nonsense", "", "gir0aa"]) == \
        ["SW1A 1AA", "SW1A 1AA", INVALID, None, "GIR 0AA"]
    assert normalise_many("date", ["19750211", "1975-02-11", "31/02/1975"], date_format="%Y%m%d") \
        == ["1975-02-11", INVALID, INVALID]
    assert normalise_many("date", ["11/02/1975", "02/28/1975", "11 Feb 1975", "31/02/1975"]) == \
        ["1975-02-11", "1975-02-28", "1975-02-11", INVALID]


@pytest.mark.parametrize("kind", ["name", "text", "identifier", "postcode", "sex", "categorical",
                                  "date"])
def test_large_batches_match(kind):
    """Several thousand values, mostly ASCII with some accented, in one call."""
    base = ["John Smith", "Zoë Ærø", "12 High St", "SW1A 1AA", "Male", "1975-02-11",
            "11/2/75", "mr", "Dr Mary-Jane O'Brien Jr", "  ", "N/K", "GIR0AA"]
    values = [f"{v}{i % 7 or ''}" if i % 3 else v for i in range(3000) for v in base[i % 12:][:1]]
    assert_same(kind, values)


def test_short_lists_use_the_scalar_path():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(normalize_batch, "MIN_BATCH", 10)
        assert normalise_many("name", ["Mr John"]) == ["john"]


def test_unusual_strings_fall_back():
    values = ["a\x00b", "\x00", "\ud800x", "smith"]
    assert normalise_many("name", values) == scalar_list("name", values)
    assert normalise_many("name", []) == []


def test_unknown_kind():
    with pytest.raises(ValueError):
        normalise_many("shoe size", ["9"])


def test_fixed_layout():
    layout = normalize_batch._fixed_layout
    assert layout("%d/%m/%Y") == ["%d", "/", "%m", "/", "%Y"]
    assert layout("%Y%m%d") == ["%Y", "%m", "%d"]
    for fmt in ("%d %m %Y", "%d %b %Y", "%Y-%m", "%d/%m/%Y/%Y", "%Y%y%m%d", "%%Y%m%d", "%Y%m%dT",
                "%d/%m/%Y%"):
        assert layout(fmt) is None, fmt


def test_chunks_give_the_same_answer():
    values = [f"Dr {c}{i}  O'Neil-{c} jr" for i in range(40) for c in "aé"]
    whole = normalise_many("name", values)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(normalize_batch, "CHUNK", 7)
        assert normalise_many("name", values) == whole == scalar_list("name", values)


@pytest.mark.parametrize("fmt", ["%Y%m%d", "%d/%m/%Y", "%Y-%m-%d", "auto"])
def test_folding_only_where_the_scalar_code_folds(fmt):
    """An explicit format is matched without folding: '²' is not the digit 2 there."""
    values = ["19²50211", "²0/02/1975", "1975-0²-11", "19750211", "20/02/1975", "1975-02-11",
              "11 Fébruary 1975", "ＳＷ1", "Zoë"]
    assert_same("date", values, date_format=fmt)


def test_fixed_shape_dates_and_near_misses():
    """The 8- and 10-character shapes read without regular expressions, and strings one
    character away from them, which the regular expressions must decide."""
    values = ["1975-02-11", "1975/02/11", "1975.02.11", "1975 02 11", "1975-02 11", "11/02/1975",
              "11 02 1975", "11-02.1975", "02/28/1975", "28/02/1975", "13/13/1975", "11/02/197:",
              "11/0:/1975", "1:/02/1975", "19750211", "1975020:", "197502 1", "1975021 ",
              "11/02/75", "11 02 75", "02/28/75", "11/02/7:", "11:02:75", "1975-13-01",
              "1975-02-30", "29/02/00", "29.02.01", "0000-01-01", "00/00/0000", "99999999",
              "2100-12-31", "2101-01-01", "1849-12-31", "1850-01-01"]
    assert_same("date", values, date_format="auto")
    assert_same("date", values * 10, date_format="auto")


def test_an_acute_accent_as_apostrophe_reads_alike_in_batches():
    """Regression: the batch path folded ´ to a space before the apostrophes were deleted."""
    values = ["0´0", "O´Neil", "St Mary´s Rd"] * 100
    assert_same("text", values, {"expand_abbreviations": True})
    assert_same("name", values, {"remove_titles": True})
