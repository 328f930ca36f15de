"""Normalisers bring two agencies' ways of writing one value to one canonical value."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keybytes import key_bytes
from strategies import (
    DATE_FORMATS,
    ENCODER_SETTINGS,
    FAST_SETTINGS,
    SPECIAL_NAMES,
    accented,
    any_name,
    birth_dates,
    name_variants,
    write_date,
    written_dates,
    written_postcodes,
    written_sex,
)

from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.normalize import (
    INVALID,
    fold_text,
    make_date_parser,
    normalise_categorical,
    normalise_identifier,
    normalise_name,
    normalise_postcode,
    normalise_sex,
    normalise_text,
    normaliser_for,
    parse_date_auto,
)
from linkcore.schema import Mapping, Schema

# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------
EXAMPLES = [
    ("John Smith", "john smith"),
    ("  JOHN   SMITH ", "john smith"),
    ("Mr John Smith", "john smith"),
    ("MR. JOHN SMITH JR.", "john smith"),
    ("Dr Mary-Jane O'Brien", "mary jane obrien"),
    ("O’Neill", "oneill"),
    ("José Müller", "jose muller"),
    ("Zoë", "zoe"),
    ("Søren Ærø", "soren aero"),
    ("Łukasz", "lukasz"),
    ("Straße", "strasse"),
    ("Nguyễn", "nguyen"),
    ("Иван", "иван"),
    ("ИВАН", "иван"),
    ("山田", "山田"),
    ("Mr", "mr"),            # a lone title is kept: it is the whole value
    ("Smith2", "smith"),
]


@pytest.mark.parametrize("raw, expected", EXAMPLES)
def test_name_examples(raw, expected):
    assert normalise_name(raw) == expected


def test_empty_or_punctuation_only_names_are_missing():
    for raw in ("", "   ", "---", "'", "\t"):
        assert normalise_name(raw) is None


def test_a_number_in_a_name_column_is_invalid():
    for raw in ("123", "12345.0", " 007 ", "#1"):
        assert normalise_name(raw) is INVALID
    assert normalise_name("Ann 2") == "ann"  # a name with a number in it is still a name


def test_titles_kept_when_asked():
    assert normalise_name("Mr John Smith", remove_titles=False) == "mr john smith"
    assert normaliser_for("name", {"remove_titles": False})("Dr Who") == "dr who"


@FAST_SETTINGS
@given(name_variants())
def test_two_agency_forms_of_a_name_agree(pair):
    a, b = pair
    assert normalise_name(a) == normalise_name(b)


@FAST_SETTINGS
@given(accented())
def test_accents_are_stripped(pair):
    plain, accent = pair
    assert normalise_name(accent) == normalise_name(plain) == plain
    # precomposed and decomposed Unicode forms agree
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert normalise_name(unicodedata.normalize(form, accent)) == plain


# Polytonic Greek (U+1F00-U+1FFF) is left out: Unicode upper-cases iota subscript to a
# separate capital iota ("ᾀ".upper() == "ἈΙ"), so the two spellings genuinely differ.
_no_polytonic = any_name.filter(lambda s: not any(0x1F00 <= ord(c) <= 0x1FFF for c in s))


@FAST_SETTINGS
@given(_no_polytonic)
def test_name_normalisation_is_case_blind_and_idempotent(name):
    n = normalise_name(name)
    assert normalise_name(name.upper()) == normalise_name(name.lower()) == n
    if n is not None:
        assert normalise_name(n) == n
        assert n == n.strip() and "  " not in n
        assert n == fold_text(n)


@pytest.mark.parametrize("name", SPECIAL_NAMES)
def test_special_names_are_not_lost(name):
    n = normalise_name(name)
    assert n is not None
    assert normalise_name(name.upper()) == n
    latin = all(unicodedata.name(c, "").startswith("LATIN") or not c.isalpha() for c in name)
    assert n.isascii() == latin  # Latin names fold to ASCII; other scripts are kept


@pytest.mark.parametrize("a, b", [("राहुल", "रोहिल"), ("प्रिया", "परया"),
                                  ("முருகன்", "மரகன"), ("ਗੁਰਪ੍ਰੀਤ", "ਗਰਪਰਤ")])
def test_indic_names_keep_their_vowel_signs(a, b):
    # Regression: vowel signs and viramas were dropped or turned into spaces, so राहुल (Rahul)
    # and रोहिल (Rohil) both normalised to "र ह ल".
    assert " " not in normalise_name(a)
    assert normalise_name(a) != normalise_name(b)


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------
@FAST_SETTINGS
@given(written_dates())
def test_any_common_date_format_parses_to_iso(triple):
    iso, text, _fmt = triple
    assert parse_date_auto(text) == iso


@FAST_SETTINGS
@given(birth_dates, st.sampled_from(DATE_FORMATS))
def test_explicit_date_format_parses_to_iso(d, fmt):
    assert make_date_parser(fmt)(write_date(d, fmt)) == d.isoformat()


@FAST_SETTINGS
@given(st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31)), st.sampled_from(["", ".0", ".75"]))
def test_excel_day_numbers_read_as_the_spreadsheet_shows_them(d, fraction):
    serial = (d - dt.date(1899, 12, 30)).days  # Excel's count from 1900-03-01 on
    assert make_date_parser("excel")(f" {serial}{fraction} ") == d.isoformat()


@pytest.mark.parametrize(("text", "iso"), [
    ("1", "1900-01-01"), ("59", "1900-02-28"), ("61", "1900-03-01"), ("27071", "1974-02-11"),
    ("", None)])
def test_excel_day_numbers_before_its_phantom_leap_day(text, iso):
    assert make_date_parser("excel")(text) == iso


@pytest.mark.parametrize("text", ["0", "60", "73416", "-27071", "2.7e4", "27,071", "1974-02-11",
                                  "\u0662\u0667\u0660\u0667\u0661", "123456"])
def test_what_is_not_an_excel_day_number_is_invalid(text):
    assert make_date_parser("excel")(text) is INVALID


@FAST_SETTINGS
@given(birth_dates)
def test_uk_day_first_and_unpadded_forms(d):
    iso = d.isoformat()
    assert parse_date_auto(f"{d.day}/{d.month}/{d.year}") == iso
    assert parse_date_auto(f"{d.day:02d}/{d.month:02d}/{d.year}") == iso
    assert parse_date_auto(f"{d.year}-{d.month}-{d.day}") == iso


def test_the_issue_example_dates_agree():
    assert parse_date_auto("1975-02-11") == parse_date_auto("11/02/1975") == "1975-02-11"
    assert make_date_parser("%d/%m/%Y")("11/02/1975") == "1975-02-11"
    assert parse_date_auto("02/28/1975") == "1975-02-28"  # only reading that is a date
    assert parse_date_auto("11th February 1975") == "1975-02-11"
    assert parse_date_auto("11 FEB 1975") == "1975-02-11"


@pytest.mark.parametrize("raw", ["1975-02-11T00:00:00", "1975-02-11T10:30:00Z",
                                 "1975-02-11t10:30:00.123+01:00", "1975-02-11 10:30",
                                 "11/02/1975 10:30", "11/02/1975T10:30:00",
                                 "11/02/1975 00:00:00.000"])
def test_dates_with_a_time_part(raw):
    # Regression: the time separator "T" (and "Z") was matched after case folding, so every
    # ISO datetime written with "T" was rejected as invalid.
    assert parse_date_auto(raw) == "1975-02-11"


def test_two_digit_years_are_in_the_past():
    this_year = dt.date.today().year % 100
    assert parse_date_auto("11/02/75") == ("2075-02-11" if 75 <= this_year else "1975-02-11")
    assert parse_date_auto(f"01/01/{this_year:02d}") == f"20{this_year:02d}-01-01"
    nxt = (this_year + 1) % 100
    if nxt:
        assert parse_date_auto(f"01/01/{nxt:02d}") == f"19{nxt:02d}-01-01"
    assert make_date_parser("%d/%m/%y")("11/02/75") == parse_date_auto("11/02/75")


@pytest.mark.parametrize("raw", ["31/02/1975", "1975-13-01", "00/01/1975", "tomorrow",
                                 "11/02/1492", "11/02/2300", "1975", "32/13/1975", "99999999",
                                 "11 Smarch 1975"])
def test_impossible_dates_are_invalid(raw):
    assert parse_date_auto(raw) is INVALID


def test_explicit_format_mismatch_is_invalid_and_empty_is_missing():
    parse = make_date_parser("%d/%m/%Y")
    assert parse("1975-02-11") is INVALID
    assert parse("  ") is None
    assert parse_date_auto("") is None
    assert make_date_parser("auto") is parse_date_auto


# --------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------
@FAST_SETTINGS
@given(written_postcodes())
def test_postcode_spacing_and_case_do_not_matter(pair):
    canonical, text = pair
    assert normalise_postcode(text) == canonical
    assert normalise_postcode(canonical) == canonical


def test_postcode_examples():
    assert normalise_postcode("SW1A 1AA") == normalise_postcode("sw1a1aa") == "SW1A 1AA"
    assert normalise_postcode("gir0aa") == "GIR 0AA"
    assert normalise_postcode("M1 1AE") == "M1 1AE"
    assert normalise_postcode("SW1A IAA") == "SW1A 1AA"  # letter I where a digit must be
    assert normalise_postcode("") is None
    for bad in ("nonsense", "12345", "SW1A", "SW1A 1AAA", "1W1A 1AA", "S"):
        assert normalise_postcode(bad) is INVALID, bad


# --------------------------------------------------------------------------------------
# Sex and categorical codes
# --------------------------------------------------------------------------------------
@FAST_SETTINGS
@given(written_sex(), written_sex())
def test_sex_codes(a, b):
    (code_a, text_a), (code_b, text_b) = a, b
    assert normalise_sex(text_a) == code_a
    assert (normalise_sex(text_a) == normalise_sex(text_b)) == (code_a == code_b)


def test_sex_unknown_is_missing_and_rubbish_invalid():
    assert normalise_sex("Male") == normalise_sex("M") == "m"
    for unknown in ("U", "unknown", "Not Known", "0", "", "  "):
        assert normalise_sex(unknown) is None
    assert normalise_sex("banana") is INVALID
    # a holder's own code map
    parse = normaliser_for("sex", codes={"Bloke": "m", "Lass": "f"})
    assert parse("BLOKE") == "m" and parse("lass") == "f" and parse("F") == "f"


def test_categorical_identifier_and_text():
    assert normalise_categorical("  White   British ") == "white british"
    assert normaliser_for("categorical", codes={"WB": "white british"})("wb") == "white british"
    # the map's value is folded too: another holder's text "White British" gives the same value
    mapped = normaliser_for("categorical", codes={"WB": "White  British", "N/A": "  "})
    assert mapped("wb") == normalise_categorical("White British") == "white british"
    assert mapped("n/a") is None
    assert normalise_identifier("ab 12 34 56 c") == "AB123456C"
    assert normalise_identifier("AB-123456-C") == "AB123456C"
    assert normalise_text("12 High St.") == "12 high street"
    assert normalise_text("12 High St.", expand_abbreviations=False) == "12 high st"
    assert normalise_text(" , ") is None
    with pytest.raises(ValueError):
        normaliser_for("shoe_size")


# --------------------------------------------------------------------------------------
# End to end: two agencies, different columns and formats, one encoding
# --------------------------------------------------------------------------------------
SCHEMA = Schema.from_dict({"linkcore_schema": 1, "fields": [
    {"name": "given", "kind": "name"},
    {"name": "family", "kind": "name"},
    {"name": "dob", "kind": "date"},
    {"name": "sex", "kind": "sex"},
    {"name": "pc", "kind": "postcode"},
]})
MAP_A = Mapping.identity(SCHEMA)
MAP_B = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "REF", "fields": {
    "given": {"column": "FORENAME"}, "family": {"column": "SURNAME"},
    "dob": {"column": "BIRTH", "date_format": "%d/%m/%Y"},
    "sex": {"column": "GENDER"}, "pc": {"column": "POST_CODE"}}})


@ENCODER_SETTINGS
@given(st.lists(st.tuples(name_variants(), name_variants(), birth_dates, written_sex(),
                          written_postcodes()), min_size=1, max_size=8))
def test_two_agencies_encode_the_same_people_identically(people):
    secret = Secret(key_bytes("\x07"))
    a_rows, b_rows = [], []
    for i, ((ga, gb), (fa, fb), d, (sex, sex_text), (pc, pc_text)) in enumerate(people):
        a_rows.append({"id": f"a{i}", "given": ga, "family": fa, "dob": d.isoformat(),
                       "sex": {"m": "Male", "f": "Female"}[sex], "pc": pc})
        b_rows.append({"REF": f"b{i}", "FORENAME": gb, "SURNAME": fb.upper(),
                       "BIRTH": d.strftime("%d/%m/%Y"), "GENDER": sex_text, "POST_CODE": pc_text})
    enc_a = encode(pd.DataFrame(a_rows), SCHEMA, secret, MAP_A)
    enc_b = encode(pd.DataFrame(b_rows), SCHEMA, secret, MAP_B)
    assert enc_a.meta.schema_fingerprint == enc_b.meta.schema_fingerprint
    for name in SCHEMA.field_names:
        np.testing.assert_array_equal(enc_a.fields[name], enc_b.fields[name], err_msg=name)
    np.testing.assert_array_equal(enc_a.clk, enc_b.clk)
    assert not enc_a.missing.any() and not enc_b.missing.any()


def test_nhs_pseudo_postcodes_are_missing():
    """ZZ99 3VZ (no fixed abode) and the other ZZ99 codes say where a person is not: missing."""
    from linkcore.holder.normalize import INVALID, normalise_postcode

    for value in ("ZZ99 3VZ", "zz993wz", "ZZ99 3V2", "zz99 3cz"):
        assert normalise_postcode(value) is None
    assert normalise_postcode("ZZ993V") is INVALID  # too short: unreadable, as any other
    assert normalise_postcode("ZZ9 9ZZ") == "ZZ9 9ZZ"  # another outward code: a postcode
