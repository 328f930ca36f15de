"""Regenerate the known-answer vectors in this folder (run only when the spec version changes).

Each vector is one JSON file: a secret (hex), a schema, a holder's mapping, a table of records,
a fixed BLIP nonce, and the expected output: every field filter, the CLK and every blocking key as
hex of the stored bytes (docs/spec.md, "Encoded file"), plus the normalised values and token lists
as aids for re-implementers. tests/test_vectors.py checks that linkcore reproduces all of them.

    python tests/vectors/make_vectors.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from linkcore.dataset import SPEC_VERSION
from linkcore.holder.encode import _select_words, encode
from linkcore.holder.keys import Secret
from linkcore.holder.normalize import INVALID, field_text, normaliser_for
from linkcore.holder.tokens import tokens
from linkcore.schema import Mapping, Schema

HERE = Path(__file__).parent
SECRET_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
OTHER_SECRET_HEX = "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"
NONCE_HEX = "6c696e6b636f72652d626c69702d3031"

PEOPLE = [
    {"id": "r1", "first_name": "John", "last_name": "Smith", "dob": "1975-02-11", "sex": "Male",
     "postcode": "SW1A 1AA", "town": "London", "ni": "AB123456C", "ethnicity": "White British",
     "address": "10 Downing St"},
    {"id": "r2", "first_name": "Zoë", "last_name": "O'Brien-Jones", "dob": "1990-12-01",
     "sex": "Female", "postcode": "M1 1AE", "town": "Manchester", "ni": "CD 98 76 54 A",
     "ethnicity": "Irish", "address": "Flat 3, 22 Oxford Rd"},
    {"id": "r3", "first_name": "Jon", "last_name": "Smyth", "dob": "1975-02-12", "sex": "M",
     "postcode": "sw1a1ab", "town": "LONDON", "ni": None, "ethnicity": None,
     "address": "11 Downing Street"},
]


def field(name: str, kind: str, **extra) -> dict:
    return {"name": name, "kind": kind, **extra}


def schema_doc(fields: list[dict], clk=None, blocking=None, version: int = 2) -> dict:
    doc = {"linkcore_schema": version, "fields": fields, "clk": clk}
    if blocking:
        doc["blocking_keys"] = blocking
    return doc


def cases() -> list[tuple[str, str, dict, list[dict], dict | None]]:
    """(name, description, schema document, records, mapping document or None)."""
    out = []
    kinds = [("first_name", "name"), ("dob", "date"), ("postcode", "postcode"), ("sex", "sex"),
             ("ethnicity", "categorical"), ("town", "text"), ("ni", "identifier")]
    for col, kind in kinds:
        out.append((f"kind_{kind}", f"one {kind} field with the kind's defaults",
                    schema_doc([field(col, kind, clk_k=0)]), PEOPLE, None))
    for col, kind in kinds:
        out.append((f"double_{kind}", f"one {kind} field, double hashing with the non-singular fix",
                    schema_doc([field(col, kind, hashing="double", clk_k=0)]), PEOPLE, None))
    q = [("qgram_q1", {"type": "qgram", "q": 1, "padded": True, "positional": False}),
         ("qgram_q3", {"type": "qgram", "q": 3, "padded": True, "positional": False}),
         ("qgram_unpadded", {"type": "qgram", "q": 2, "padded": False, "positional": False}),
         ("qgram_positional", {"type": "qgram", "q": 2, "padded": True, "positional": True}),
         ("exact_name", {"type": "exact"})]
    for name, tok in q:
        out.append((name, f"a name field with tokens {json.dumps(tok)}",
                    schema_doc([field("last_name", "name", tokens=tok, filter_bits=256, k=15,
                                      clk_k=0)]), PEOPLE, None))
    out.append(("date_qgram", "a date tokenised as bigrams of its ISO form",
                schema_doc([field("dob", "date", tokens={"type": "qgram", "q": 2}, clk_k=0)]),
                PEOPLE, None))
    out.append(("postcode_qgram", "a postcode tokenised as bigrams of its canonical form",
                schema_doc([field("postcode", "postcode", tokens={"type": "qgram", "q": 2},
                                  clk_k=0)]), PEOPLE, None))
    out.append(("salt_year", "a surname salted with the year of birth",
                schema_doc([field("last_name", "name", clk_k=0,
                                  salt={"field": "dob", "transform": "year"}),
                            field("dob", "date", clk_k=0)]), PEOPLE, None))
    for step in ("balance", "xor_fold", "rule90"):
        out.append((f"hardening_{step}", f"a first-name filter hardened with {step}",
                    schema_doc([field("first_name", "name", clk_k=0,
                                      hardening=[{"type": step}])]), PEOPLE, None))
    for eps in (2.0, 4.0):
        out.append((f"hardening_blip_eps{int(eps)}", f"BLIP with epsilon {eps} and a fixed nonce",
                    schema_doc([field("first_name", "name", clk_k=0,
                                      hardening=[{"type": "blip", "epsilon": eps}])]),
                    PEOPLE, None))
    out.append(("hardening_chain", "balance, then XOR-fold, then rule 90, then BLIP",
                schema_doc([field("first_name", "name", clk_k=0, hardening=[
                    {"type": "balance"}, {"type": "xor_fold"}, {"type": "rule90"},
                    {"type": "blip", "epsilon": 3.0}])]), PEOPLE, None))
    six = [field("first_name", "name"), field("last_name", "name"), field("dob", "date"),
           field("sex", "sex"), field("postcode", "postcode"), field("town", "text")]
    out.append(("clk_default", "six fields and a 1024-bit CLK with default settings",
                schema_doc(six, clk={"bits": 1024}), PEOPLE, None))
    out.append(("clk_double", "the CLK with double hashing",
                schema_doc(six, clk={"bits": 1024, "hashing": "double"}), PEOPLE, None))
    out.append(("clk_salted_balanced", "the CLK salted with the year of birth, then balanced",
                schema_doc(six, clk={"bits": 512, "salt": {"field": "dob", "transform": "year"},
                                     "hardening": [{"type": "balance"}]}), PEOPLE, None))
    out.append(("blocking_keys", "keyed blocking keys of several kinds",
                schema_doc(six, clk=None, blocking=[
                    {"name": "sdx_yob", "parts": [{"field": "last_name", "transform": "soundex"},
                                                  {"field": "dob", "transform": "year"}]},
                    {"name": "fi_district", "parts": [
                        {"field": "first_name", "transform": "first_char"},
                        {"field": "postcode", "transform": "postcode_district"}]},
                    {"name": "nysiis_month", "parts": [
                        {"field": "first_name", "transform": "nysiis"},
                        {"field": "dob", "transform": "month"}]},
                    {"name": "sector", "parts": [{"field": "postcode",
                                                  "transform": "postcode_sector"}]}]),
                PEOPLE, None))
    missing = [dict(p) for p in PEOPLE]
    missing[0].update(first_name=None, dob="31/02/1975", postcode="NOT A POSTCODE")
    missing[1].update(sex="unknown", last_name="")
    out.append(("missing_and_invalid", "missing and unreadable values are encoded as missing",
                schema_doc(six, clk={"bits": 1024}, blocking=[
                    {"name": "sdx_yob", "parts": [{"field": "last_name", "transform": "soundex"},
                                                  {"field": "dob", "transform": "year"}]}]),
                missing, None))
    agency_b = [
        {"record_id": "b1", "FORENAME": "JOHN", "SURNAME": "SMITH", "DOB": "11/02/1975",
         "GENDER": "M", "POST_CODE": "sw1a1aa", "TOWN": "london"},
        {"record_id": "b2", "FORENAME": "ZOE", "SURNAME": "OBRIEN JONES", "DOB": "01/12/1990",
         "GENDER": "F", "POST_CODE": "M11AE", "TOWN": "MANCHESTER"},
    ]
    mapping_b = {"linkcore_mapping": 1, "id_column": "record_id", "fields": {
        "first_name": {"column": "FORENAME"}, "last_name": {"column": "SURNAME"},
        "dob": {"column": "DOB", "date_format": "%d/%m/%Y"}, "sex": {"column": "GENDER"},
        "postcode": {"column": "POST_CODE"}, "town": {"column": "TOWN"}}}
    out.append(("agency_b_formats", "another agency's formats give the same filters as r1, r2",
                schema_doc(six, clk={"bits": 1024}), agency_b, mapping_b))
    codes = [{"id": "c1", "sex": "1"}, {"id": "c2", "sex": "2"}, {"id": "c3", "sex": "9"},
             {"id": "c4", "sex": "0"}, {"id": "c5", "sex": "Femme"}]
    out.append(("sex_codes", "sex codes, including a holder's own code map",
                schema_doc([field("sex", "sex", clk_k=0)]), codes,
                {"linkcore_mapping": 1, "id_column": "id",
                 "fields": {"sex": {"column": "sex", "values": {"Femme": "f"}}}}))
    addr = [{"id": "a1", "line1": "Flat 3", "line2": "22 Oxford Rd", "town": "Manchester"},
            {"id": "a2", "line1": "22 Oxford Road", "line2": None, "town": "Manchester"}]
    out.append(("address_columns", "an address field fed by two columns",
                schema_doc([field("address", "text", clk_k=0), field("town", "text", clk_k=0)]),
                addr, {"linkcore_mapping": 1, "id_column": "id", "fields": {
                    "address": {"columns": ["line1", "line2"]}, "town": {"column": "town"}}}))
    names = [{"id": "n1", "first_name": "Zoë", "last_name": "Ørsted"},
             {"id": "n2", "first_name": "Dr. José-María", "last_name": "Núñez Jr"},
             {"id": "n3", "first_name": "李", "last_name": "小龍"},
             {"id": "n4", "first_name": "Siobhán", "last_name": "Ó Súilleabháin"}]
    out.append(("names_unicode", "accents, titles, suffixes and non-Latin scripts",
                schema_doc([field("first_name", "name", clk_k=0),
                            field("last_name", "name", clk_k=0)]), names, None))
    out.append(("other_key", "the clk_default schema under a different secret",
                schema_doc(six, clk={"bits": 1024}), PEOPLE, None))
    out.append(("view_by_postcode", "a surname salted with the whole date of birth and, as a "
                "view, with the whole postcode, balanced (what schema suggest proposes)",
                schema_doc([field("last_name", "name", clk_k=0, hardening=[{"type": "balance"}],
                                  salt={"field": "dob", "transform": "value"}),
                            field("dob", "date", clk_k=0), field("postcode", "postcode", clk_k=0),
                            field("last_name_by_postcode", "name", clk_k=0, source="last_name",
                                  hardening=[{"type": "balance"}],
                                  salt={"field": "postcode", "transform": "value"})]),
                PEOPLE, None))
    v_fields = [field("first_name", "name", clk_k=0), field("dob", "date", clk_k=0),
                field("sex", "sex", clk_k=0)]
    out.append(("defaults_v1", "a schema document of format version 1 that omits salt, "
                "hardening and comparison: the first name salted with the year of birth and "
                "XOR-folded, as version 1 defined",
                schema_doc(v_fields, version=1), PEOPLE, None))
    out.append(("defaults_v2", "the same fields in format version 2, sex declared disclosed: the "
                "first name salted with the whole date of birth and balanced",
                schema_doc(v_fields[:2] + [field("sex", "sex", clk_k=0, disclosed=True)]),
                PEOPLE, None))
    out.append(("key_with", "a surname under the first name's keys (key_with): r1's first name "
                "John and a surname John would have the same filter",
                schema_doc([field("first_name", "name", clk_k=0),
                            field("last_name", "name", clk_k=0, key_with="first_name"),
                            field("dob", "date", clk_k=0)]), PEOPLE, None))
    pc_people = PEOPLE + [{"id": "r4", "first_name": "Ann", "last_name": "Smith",
                           "postcode": "SW1A 1AA"}]
    out.append(("value_with_salt", "the postcode salted with the first name's initial, and a "
                "first name view salted with the postcode's value_with_salt (postcode, 0x1F, "
                "that initial: what schema suggest proposes); its blocking key on both. r1 and "
                "r4 share a postcode, not an initial, so none of their columns is equal",
                schema_doc([field("first_name", "name", clk_k=0, hardening=[],
                                  salt={"field": "dob", "transform": "value"}),
                            field("dob", "date", clk_k=0),
                            field("postcode", "postcode", clk_k=0,
                                  salt={"field": "first_name", "transform": "first_char"}),
                            field("first_name_by_postcode", "name", clk_k=0, source="first_name",
                                  hardening=[],
                                  salt={"field": "postcode", "transform": "value_with_salt"})],
                           blocking=[{"name": "postcode-initial", "parts": [
                               {"field": "postcode", "transform": "value"},
                               {"field": "first_name", "transform": "first_char"}]}]),
                pc_people, None))
    out.append(("spread", "names as 8 sub-tokens each (spread, k 4), balanced and salted with the "
                "whole date of birth, the surname under the first name's keys: every name sets "
                "32 positions before they collide, whatever its length",
                schema_doc([field("first_name", "name", clk_k=0, k=4, spread=8,
                                  salt={"field": "dob", "transform": "value"}),
                            field("last_name", "name", clk_k=0, k=4, spread=8,
                                  salt={"field": "dob", "transform": "value"},
                                  key_with="first_name"),
                            field("dob", "date", clk_k=0)]), PEOPLE, None))
    out.append(("pad", "names padded to a multiple of 6 tokens (pad, k 4), balanced and salted "
                "with the whole date of birth, the surname under the first name's keys: a name "
                "of up to 6 distinct bigrams sets 24 positions before they collide, a longer one "
                "a multiple of 24",
                schema_doc([field("first_name", "name", clk_k=0, k=4, pad=6,
                                  salt={"field": "dob", "transform": "value"}),
                            field("last_name", "name", clk_k=0, k=4, pad=6,
                                  salt={"field": "dob", "transform": "value"},
                                  key_with="first_name"),
                            field("dob", "date", clk_k=0)]), PEOPLE, None))
    out.append(("defaults_v3", "a schema document of format version 3 that omits salt, hardening, "
                "tokens, k, pad and comparison: names salted with the whole date of birth, "
                "balanced and padded to 16 tokens of k 6, the NI number as one exact token",
                schema_doc([field("first_name", "name", clk_k=0),
                            field("last_name", "name", clk_k=0),
                            field("dob", "date", clk_k=0), field("ni", "identifier", clk_k=0)],
                           version=3), PEOPLE, None))
    joined_people = PEOPLE + [
        {"id": "r4", "first_name": "John", "last_name": "Smith", "dob": None,
         "postcode": "SW1A 1AA"},
        {"id": "r5", "first_name": "John", "last_name": None, "dob": "1975-02-11",
         "postcode": "SW1A 1AA"}]
    out.append(("joined_view", "first name and surname as one exact token (source [first_name, "
                "last_name]: 'john', 0x1F, 'smith'), XOR-folded, salted with the postcode's "
                "value_with_salt, as schema suggest proposes with one salt family: r1 and r4 "
                "share it though r4 has no date of birth; r5 lacks a surname, so it is missing",
                schema_doc([field("first_name", "name", clk_k=0,
                                  salt={"field": "dob", "transform": "value"}),
                            field("last_name", "name", clk_k=0,
                                  salt={"field": "dob", "transform": "value"}),
                            field("dob", "date", clk_k=0),
                            field("postcode", "postcode", clk_k=0,
                                  salt={"field": "first_name", "transform": "first_char"}),
                            field("full_name_by_postcode", "name", clk_k=0,
                                  source=["first_name", "last_name"], tokens={"type": "exact"},
                                  filter_bits=128, k=30, hardening=[{"type": "xor_fold"}],
                                  comparison={"thresholds": []},
                                  salt={"field": "postcode", "transform": "value_with_salt"})],
                           version=3), joined_people, None))
    out += spec_branches()
    return out


def spec_branches() -> list[tuple[str, str, dict, list[dict], dict | None]]:
    """Vectors for branches of docs/spec.md that an independent implementation could not test.

    An implementation written from the spec alone (2026-12-07) reproduced vectors 1-47, and
    other readings of these branches reproduced them too; each vector below tells them apart.
    """
    out = []
    dates = ["1975-2-3", "1975/02/11 10:30:00", "1975.02.11T10:30Z", "1975-02-11 10:30:00+01:00",
             "11 02 1975", "02/13/1990", "13/02/1990", "11/02/75", "01.12.05", "19750211",
             "11th Feb 1975", "3rd-sept.-1990", "February 11, 1975", "Sept. 3 1990",
             "11 Fbr 1975", "1975-02-30", "1849-12-31", "11-02 1975", "  11/02/1975 9:05  ",
             "\u0661\u0661/\u0660\u0662/\u0661\u0669\u0667\u0665", "11/02/1975 10:30+01:00"]
    out.append(("dates_auto", "dates read with date_format auto: each pattern of spec section 4, "
                "time parts, a month-first swap, two-digit years, a month word that is no month, "
                "impossible dates, mixed separators, Arabic-Indic digits, and a time zone after a "
                "day-first date (which no pattern allows: invalid)",
                schema_doc([field("dob", "date", clk_k=0)]),
                [{"id": f"d{i}", "dob": d} for i, d in enumerate(dates, 1)], None))
    scripts = ["देवनागरी", "مُحَمَّد", "Ελένη", "Алёна", "Nguyễn", "Straße", "ŁÓDŹ",
               "İstanbul", "ﬁona", "ＪＯＨＮ", "Þóra", "Ærø"]
    out.append(("fold_scripts", "folding: marks dropped after Latin, Greek and Cyrillic letters "
                "and kept after Devanagari and Arabic ones, the replacement table, compatibility "
                "forms (a ligature, full-width letters) and case folding",
                schema_doc([field("first_name", "name", clk_k=0),
                            field("town", "text", clk_k=0)]),
                [{"id": f"s{i}", "first_name": v, "town": v}
                 for i, v in enumerate(scripts, 1)], None))
    coded = [{"id": "c1", "ethnicity": "WB", "sex": "Femme"},
             {"id": "c2", "ethnicity": "white  British", "sex": "FEMALE"},
             {"id": "c3", "ethnicity": "oth", "sex": "Non-Binary"},
             {"id": "c4", "ethnicity": "blank", "sex": "N/K"},
             {"id": "c5", "ethnicity": "Irish", "sex": "prefer not to say"}]
    out.append(("code_maps_folded", "a holder's code maps: the mapped value is folded too, so "
                "WB mapped to 'White British' equals another holder's 'white british'; a code "
                "mapped to spaces is missing",
                schema_doc([field("ethnicity", "categorical", clk_k=0),
                            field("sex", "sex", clk_k=0)]), coded,
                {"linkcore_mapping": 1, "id_column": "id", "fields": {
                    "ethnicity": {"column": "ethnicity", "values": {
                        "WB": "White British", "OTH": " OTHER  Mixed ", "Blank": "  "}},
                    "sex": {"column": "sex", "values": {"Femme": " FEMALE "}}}}))
    whole = [{"id": "w1", "name": "Mr John Paul Smith", "address": "10 Downing St"},
             {"id": "w2", "name": "Dr. Mary Jane Ann Jones Jr", "address": "22 Oxford Rd"},
             {"id": "w3", "name": "Smith", "address": "Flat 3"},
             {"id": "w4", "name": "Mr Smith", "address": None}]
    out.append(("words_and_options", "one whole-name column feeding first, middle and last "
                "names (words first, middle, last) and a field of every word with "
                "remove_titles false; an address without expanded abbreviations",
                schema_doc([field("first_name", "name", clk_k=0),
                            field("middle_name", "name", clk_k=0),
                            field("last_name", "name", clk_k=0),
                            field("full_name", "name", clk_k=0,
                                  normalise={"remove_titles": False}),
                            field("address", "text", clk_k=0,
                                  normalise={"expand_abbreviations": False})]), whole,
                {"linkcore_mapping": 1, "id_column": "id", "fields": {
                    "first_name": {"column": "name", "words": "first"},
                    "middle_name": {"column": "name", "words": "middle"},
                    "last_name": {"column": "name", "words": "last"},
                    "full_name": {"column": "name"}, "address": {"column": "address"}}}))
    gaps = [dict(p) for p in PEOPLE]
    gaps[1].update(first_name=None, dob=None)
    out.append(("blip_paths", "BLIP after balancing (the keystream counts the balanced length, "
                "1024), on a field under another's keys (key_with: BLIP keeps its own subkey), "
                "on the CLK, with a record whose value is missing (it consumes its share)",
                schema_doc([field("first_name", "name", clk_k=10, salt=None, hardening=[
                    {"type": "balance"}, {"type": "blip", "epsilon": 3.0}]),
                            field("last_name", "name", clk_k=10, salt=None,
                                  key_with="first_name", hardening=[
                                      {"type": "balance"}, {"type": "blip", "epsilon": 3.0}]),
                            field("dob", "date", clk_k=8)],
                           clk={"bits": 512, "hardening": [{"type": "blip", "epsilon": 2.0}]}),
                gaps, None))
    out.append(("clk_salt_missing", "a CLK salted with the year of birth where one record has "
                "no date of birth (its CLK tokens carry the empty salt), beside a surname salted "
                "the same way, which is missing for that record but still feeds the CLK",
                schema_doc([field("first_name", "name", clk_k=10, salt=None),
                            field("last_name", "name", clk_k=10,
                                  salt={"field": "dob", "transform": "year"}),
                            field("dob", "date", clk_k=8)],
                           clk={"bits": 1024, "salt": {"field": "dob", "transform": "year"}}),
                gaps, None))
    surnames = [{"id": "p1", "last_name": "de la Cruz", "postcode": "GIR 0AA"},
                {"id": "p2", "last_name": "Van der Berg", "postcode": "W1A 0AX"},
                {"id": "p3", "last_name": "O'Brien-Jones", "postcode": "EC1A 1BB"},
                {"id": "p4", "last_name": "Mc Donald", "postcode": "B33 8TH"},
                {"id": "p5", "last_name": "Schwarzenegger", "postcode": "CR2 6XH"},
                {"id": "p6", "last_name": "Knight Wright", "postcode": "DN55 1PT"}]
    out.append(("phonetic_keys", "blocking keys of Soundex, Metaphone and NYSIIS of names of "
                "several words (spaces removed first) and every postcode transform",
                schema_doc([field("last_name", "name", clk_k=0),
                            field("postcode", "postcode", clk_k=0)], blocking=[
                    {"name": "sdx", "parts": [{"field": "last_name", "transform": "soundex"}]},
                    {"name": "mph", "parts": [{"field": "last_name", "transform": "metaphone"}]},
                    {"name": "nys", "parts": [{"field": "last_name", "transform": "nysiis"}]},
                    {"name": "area", "parts": [{"field": "postcode",
                                                "transform": "postcode_area"}]},
                    {"name": "district_sector", "parts": [
                        {"field": "postcode", "transform": "postcode_district"},
                        {"field": "postcode", "transform": "postcode_sector"}]}]),
                surnames, None))
    dated = [{"id": "q1", "first_name": "John", "dob": "1975-02-11", "registered": "2020-01-01",
              "date_of_birth": "1975-02-11"},
             {"id": "q2", "first_name": "John", "dob": "1990-12-01", "registered": "2020-01-01",
              "date_of_birth": "1990-12-01"}]
    out.append(("date_of_birth_choice", "format version 2 with two date fields, one named like "
                "a date of birth: the first name is salted with that one (dob)",
                schema_doc([field("first_name", "name", clk_k=0), field("dob", "date", clk_k=0),
                            field("registered", "date", clk_k=0)]),
                [{k: v for k, v in r.items() if k != "date_of_birth"} for r in dated], None))
    out.append(("two_dates_of_birth", "format version 2 with two date fields both named like a "
                "date of birth: no field is D, so the first name is not salted",
                schema_doc([field("first_name", "name", clk_k=0), field("dob", "date", clk_k=0),
                            field("date_of_birth", "date", clk_k=0)]),
                [{k: v for k, v in r.items() if k != "registered"} for r in dated], None))
    out.append(("only_date", "format version 2 with one date field not named like a date of "
                "birth: it is D, so the first name is salted with it",
                schema_doc([field("first_name", "name", clk_k=0),
                            field("registered", "date", clk_k=0)]),
                [{"id": r["id"], "first_name": r["first_name"], "registered": r["registered"]}
                 for r in dated], None))
    out.append(("unfoldable_default", "format version 2 names of 320 bits (not a multiple of "
                "128): the default hardening is none, not balance",
                schema_doc([field("first_name", "name", clk_k=0, filter_bits=320, salt=None),
                            field("last_name", "name", clk_k=0)]), PEOPLE, None))
    markers = [("m1", "N/A", " null "), ("m2", "NaN", "None"), ("m3", "nan", "#N/A"),
               ("m4", "NaT", "<NA>"), ("m5", "Nan", "NONE"), ("m6", "Nat", "Na"),
               ("m7", "NA", "NAN"), ("m8", "Nil", "n / a")]
    out.append(("missing_markers", "cells that exports and pandas write for a missing value "
                "(N/A, null, None, #N/A, <NA> in any case; nan, NaN, NaT exactly) are missing; "
                "Nan, Nat, Na, NA, NAN, Nil and 'n / a' are values; ids are never markers",
                schema_doc([field("first_name", "name", clk_k=0, salt=None),
                            field("ni_number", "identifier", clk_k=0)]),
                [{"id": i if i != "m7" else "NA", "first_name": a, "ni_number": b}
                 for i, a, b in markers], None))
    serials = [("e1", "27071"), ("e2", " 25569 "), ("e3", "45000.75"), ("e4", "59"), ("e5", "60"),
               ("e6", "61"), ("e7", "1"), ("e8", "0"), ("e9", "73415"), ("e10", "73416"),
               ("e11", "27071.0"), ("e12", "1975-02-11"), ("e13", "-27071"), ("e14", "2.7e4"),
               ("e15", "\u0662\u0667\u0660\u0667\u0661"), ("e16", "")]
    out.append(("excel_dates", "date_format excel: spreadsheet day numbers (1 = 1900-01-01, "
                "60 = Excel's 29 February 1900: invalid, 61 = 1900-03-01), a fraction ignored; "
                "anything but ASCII digits with an optional fraction is invalid",
                schema_doc([field("dob", "date", clk_k=0, salt=None)]),
                [{"id": i, "dob": v} for i, v in serials],
                {"linkcore_mapping": 1, "id_column": "id",
                 "fields": {"dob": {"column": "dob", "date_format": "excel"}}}))
    names = [("a1", "O'Neil", "St Mary's Rd"), ("a2", "O\u00b4Neil", "St Mary\u00b4s Rd"),
             ("a3", "O\u2019Neil", "St Mary\u2019s Rd"), ("a4", "O\uff07Neil", "St Mary\uff07s Rd"),
             ("a5", "O`Neil", "St Mary`s Rd"), ("a6", "O Neil", "St Marys Rd"),
             ("a7", "\u0301Abc", "\u00b4")]
    out.append(("apostrophes", "every apostrophe (' \u2019 \u2018 ` \u00b4) is deleted before and "
                "after folding, so O\u00b4Neil and a full-width apostrophe read as O'Neil; a mark "
                "with no base character before it is kept",
                schema_doc([field("last_name", "name", clk_k=0, salt=None),
                            field("address", "text", clk_k=0)]),
                [{"id": i, "last_name": a, "address": b} for i, a, b in names], None))
    return out


def hex_rows(words: np.ndarray) -> list[str]:
    return [np.ascontiguousarray(r, dtype="<u8").tobytes().hex() for r in words]


def build(name, description, doc, records, mapping_doc) -> dict:
    schema = Schema.from_dict(doc)
    secret_hex = OTHER_SECRET_HEX if name == "other_key" else SECRET_HEX
    secret = Secret(bytes.fromhex(secret_hex))
    df = pd.DataFrame(records)
    mapping = Mapping.from_dict(mapping_doc) if mapping_doc else Mapping.identity(schema)
    ds = encode(df, schema, secret, mapping, blip_nonce=bytes.fromhex(NONCE_HEX))
    expected = []
    for i, rid in enumerate(ds.record_ids):
        rec = {"id": rid, "fields": {}, "normalised": {}, "tokens": {}}
        for j, f in enumerate(schema.fields):
            parts = []
            for part in f.sources or (f.name,):  # a view of several fields joins them
                src = mapping.fields[part]
                raw = [records[i].get(c) for c in src.columns]
                raw_text = " ".join(t for x in raw if x and (t := field_text(x))) or None
                norm = None
                if raw_text is not None:
                    norm = normaliser_for(f.kind, f.normalise_options, src.date_format,
                                          dict(src.values) or None)(raw_text)
                    norm = None if norm is INVALID else norm
                    if src.words != "all":
                        norm = _select_words(norm, src.words)
                parts.append(norm)
            norm = None if None in parts else "\x1f".join(parts)
            rec["normalised"][f.name] = norm
            rec["tokens"][f.name] = sorted(set(tokens(norm, f.tokens))) if norm else None
            rec["fields"][f.name] = (None if ds.missing[i, j]
                                     else hex_rows(ds.fields[f.name][i:i + 1])[0])
        if ds.clk is not None:
            rec["clk"] = hex_rows(ds.clk[i:i + 1])[0]
        rec["blocking_keys"] = {
            k: (None if int(v[i]) == 0 else f"{int(v[i]):016x}")
            for k, v in ds.blocking_keys.items()
        }
        expected.append(rec)
    return {
        "name": name,
        "description": description,
        "spec_version": SPEC_VERSION,
        "secret_hex": secret_hex,
        "key_check_value": secret.key_check_value(),
        "blip_nonce_hex": NONCE_HEX,
        "schema": doc,
        "schema_fingerprint": schema.fingerprint,
        "mapping": mapping.to_dict(),
        "records": records,
        "expected": expected,
    }


def main() -> None:
    for i, case in enumerate(cases(), 1):
        vec = build(*case)
        path = HERE / f"{i:02d}_{case[0]}.json"
        path.write_text(json.dumps(vec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {i} vectors to {HERE}")


if __name__ == "__main__":
    main()
