"""Missing text cells: None, NaN and pd.NA all mean missing, under pandas 2 and pandas 3.

pandas 3 stores text in its ``str`` dtype, whose missing value is NaN (a float); pandas 2 kept
object columns holding None; a CSV read gives NaN under both, and a pandas ``string`` column
holds pd.NA. Whichever way a table arrives, the generator, the suggester and the encoder must
treat the cell as missing (a mask bit, no tokens) and never as the text "nan", "None" or "<NA>".
Each test builds every representation explicitly, so it means the same under both versions.
"""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ENCODER_SETTINGS, ascii_name

from linkcore._io import read_table
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.schema import Mapping, Schema
from linkcore.synth import corruption as C
from linkcore.synth import generate_extracts, generate_population

NA_TEXTS = {"nan", "NaN", "None", "<NA>", "NaT"}
POP_TEXT_COLUMNS = ("first_name", "middle_name", "last_name", "sex", "date_of_birth", "street",
                    "town", "postcode", "ni_number")


def _kinds() -> dict[str, object]:
    """Ways a text column can hold missing cells: name -> (missing value, Series dtype)."""
    kinds: dict[str, object] = {
        "object-none": (None, object),
        "object-nan": (np.nan, object),
        "object-pd.NA": (pd.NA, object),
        "string": (pd.NA, pd.StringDtype()),
        "inferred": (None, None),  # pandas' own choice: object under 2, str (NaN) under 3
    }
    try:  # pandas 3's default text dtype; pandas >= 2.3 can build it too
        kinds["str-nan"] = (np.nan, pd.StringDtype(na_value=np.nan))
    except TypeError:  # pragma: no cover - pandas < 2.3
        pass
    return kinds


KINDS = _kinds()


def as_kind(values: list[str | None], kind: str) -> pd.Series:
    """The values as a Series of ``kind``, with each None replaced by that kind's missing value."""
    na, dtype = KINDS[kind]
    cells = np.empty(len(values), dtype=object)
    cells[:] = [na if v is None else v for v in values]
    return pd.Series(cells, dtype=dtype)


def frame_as(df: pd.DataFrame, kind: str, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every text column of ``df`` (object, missing as None) rebuilt as ``kind``."""
    out = {}
    for col in df.columns:
        if col in keep or df[col].dtype != object:
            out[col] = df[col]
        else:
            out[col] = as_kind([None if pd.isna(v) else v for v in df[col]], kind)
    return pd.DataFrame(out)


def assert_missing_is_none(df: pd.DataFrame) -> None:
    """Every text cell is a str (never one of NA_TEXTS) or None."""
    for col in df.columns:
        if df[col].dtype != object:
            continue
        for v in df[col]:
            assert v is None or (isinstance(v, str) and v not in NA_TEXTS), col


# --------------------------------------------------------------------------------------
# Synthetic generator: corruption helpers
# --------------------------------------------------------------------------------------
optional_names = st.lists(st.none() | ascii_name | st.sampled_from(["William", "ELIZABETH"]),
                          max_size=12)
CORRUPTIONS = {
    "typo": C.keyboard_typo,
    "ocr": C.ocr_error,
    "phonetic": C.phonetic_error,
    "nickname": C.nickname,
}


@settings(max_examples=60, deadline=None)
@given(values=optional_names, kind=st.sampled_from(sorted(KINDS)),
       which=st.sampled_from(sorted(CORRUPTIONS)), seed=st.integers(0, 2**16))
def test_corruptions_leave_missing_names_missing(values, kind, which, seed):
    fn = CORRUPTIONS[which]
    given_cells = as_kind(values, kind).to_numpy(dtype=object)
    out = fn(given_cells, np.random.default_rng(seed))
    expected = fn(np.array(values, dtype=object), np.random.default_rng(seed))
    assert out.dtype == object and out.tolist() == expected.tolist()
    for v, o in zip(values, out, strict=True):
        assert (o is None) if v is None else isinstance(o, str) and o not in NA_TEXTS
    assert not C.has_nickname(given_cells)[[v is None for v in values]].any()


iso_dates = st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.none() | iso_dates, max_size=12), kind=st.sampled_from(sorted(KINDS)),
       seed=st.integers(0, 2**16))
def test_date_corruptions_leave_missing_dates_missing(values, kind, seed):
    given_cells = as_kind(values, kind).to_numpy(dtype=object)
    missing = np.array([v is None for v in values], dtype=bool)
    assert not C.can_transpose_dob(given_cells)[missing].any()
    for out in (C.dob_transpose(given_cells),
                C.dob_digit_off(given_cells, np.random.default_rng(seed))):
        assert [o is None for o in out] == missing.tolist()
        assert all(isinstance(o, str) and len(o) == 10 for o in out[~missing])


# --------------------------------------------------------------------------------------
# Synthetic generator: population, extracts and the written CSV
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return generate_population(600, seed=11)


def test_population_text_columns_are_object_with_none(population):
    for col in POP_TEXT_COLUMNS:
        assert population[col].dtype == object, col
    assert population["ni_number"].isna().any() and population["middle_name"].isna().any()
    assert_missing_is_none(population)


def _csv_round_trip(df: pd.DataFrame) -> pd.DataFrame:
    """What an analyst gets back from a CSV: NaN for missing (object or str dtype)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    buf.seek(0)
    return pd.read_csv(buf, dtype={c: str for c in POP_TEXT_COLUMNS})


@pytest.mark.parametrize("source", ["csv", *sorted(KINDS)])
def test_extracts_are_the_same_whatever_holds_the_populations_missing_cells(population, source):
    if source == "csv":
        given_pop = _csv_round_trip(population)
    else:
        given_pop = frame_as(population, source)
    base = generate_extracts(population, 2, 0.5, "heavy", seed=4)
    got = generate_extracts(given_pop, 2, 0.5, "heavy", seed=4)
    for a, b in zip(base.extracts, got.extracts, strict=True):
        pd.testing.assert_frame_equal(a, b)
        assert_missing_is_none(b)
        assert b.isna().any().any()  # the heavy profile leaves some cells missing
    for a, b in zip(base.log, got.log, strict=True):
        pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(base.truth, got.truth)


# sha256 of agency_1.csv and agency_2.csv for generate_population(300, seed=2) and
# generate_extracts(..., 2, 0.5, "heavy", seed=2): the same bytes under pandas 2 and pandas 3.
# If the generator is changed on purpose, write the new digests here.
EXTRACT_DIGESTS = (
    "0ff027dea7093d6ded3c6c34cd02c2e4568079350582d2dcf15b8db2ab5ed16c",
    "810b710625a79b5c517a797be9d9ee8305ea5246db44bbc629b3648c3d6d68ac",
)


def test_written_extracts_are_the_same_bytes_under_every_pandas():
    result = generate_extracts(generate_population(300, seed=2), 2, 0.5, "heavy", seed=2)
    for df, digest in zip(result.extracts, EXTRACT_DIGESTS, strict=True):
        text = df.to_csv(index=False, lineterminator="\n")
        cells = [c for line in text.splitlines()[1:] for c in line.split(",")]
        assert not NA_TEXTS & set(cells)
        assert "" in cells  # missing cells are written empty
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest


# --------------------------------------------------------------------------------------
# Library: suggest, encode, read_table
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def extracts(population) -> list[pd.DataFrame]:
    return generate_extracts(population, 2, 0.5, "heavy", seed=9).extracts


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("agency", [0, 1])
def test_suggestions_do_not_depend_on_how_missing_is_held(extracts, kind, agency):
    df = extracts[agency]
    schema, mapping, reasons = suggest_schema(df)
    got = suggest_schema(frame_as(df, kind))
    assert got == (schema, mapping, reasons)
    other = frame_as(extracts[1 - agency], kind)
    assert suggest_mapping(other, schema) == suggest_mapping(extracts[1 - agency], schema)


SECRET = Secret(bytes(range(40, 72)))
NONCE = b"\x07" * 16


def _encoded(df: pd.DataFrame, schema: Schema, mapping: Mapping):
    ds = encode(df, schema, SECRET, mapping, blip_nonce=NONCE)
    return ds.missing, {name: ds.fields[name] for name in ds.fields}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_encoding_of_a_synthetic_extract_does_not_depend_on_how_missing_is_held(extracts, kind):
    df = extracts[1]  # FORENAME holds first and middle name: a multi-word, split field
    schema, mapping, _ = suggest_schema(df)
    missing, fields = _encoded(df, schema, mapping)
    missing2, fields2 = _encoded(frame_as(df, kind), schema, mapping)
    assert np.array_equal(missing, missing2)
    for name in fields:
        assert np.array_equal(fields[name], fields2[name]), name
    assert missing.any()


@ENCODER_SETTINGS
@given(rows=st.lists(st.tuples(st.none() | ascii_name, st.none() | ascii_name), min_size=1,
                     max_size=8),
       kind=st.sampled_from(sorted(KINDS)))
def test_missing_cells_are_mask_bits_in_one_and_two_column_fields(rows, kind):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "first_name", "kind": "name"}, {"name": "whole_name", "kind": "text"}]})
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": {
        "first_name": {"columns": ["first"]}, "whole_name": {"columns": ["first", "last"]}}})
    firsts = [f for f, _ in rows]
    lasts = [s for _, s in rows]
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(rows))],
                       "first": as_kind(firsts, kind), "last": as_kind(lasts, kind)})
    missing, fields = _encoded(df, schema, mapping)
    gone = [_absent(f) for f in firsts]
    assert missing[:, 0].tolist() == gone
    assert missing[:, 1].tolist() == [g and _absent(s) for g, s in zip(gone, lasts, strict=True)]
    assert not fields["first_name"][missing[:, 0]].any()
    # text written for a missing value ("nan", "None": what astype(str) makes) is missing too
    # (spec section 3), so it encodes exactly as the missing cell does
    typed = pd.DataFrame({"id": df["id"], "first": [f or "nan" for f in firsts],
                          "last": [s or "None" for s in lasts]})
    t_missing, t_fields = _encoded(typed, schema, mapping)
    assert np.array_equal(t_missing, missing)
    for name in fields:
        assert np.array_equal(fields[name], t_fields[name])


def _absent(cell: str | None) -> bool:
    """A missing cell: None, or text written for a missing value (spec section 3)."""
    if cell is None:
        return True
    text = cell.strip()
    return text in ("nan", "NaN", "NaT") or text.lower() in ("null", "none", "n/a", "#n/a", "<na>")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_read_table_gives_missing_cells_not_their_text(tmp_path, suffix):
    df = pd.DataFrame({"id": ["a", "b", "c"],
                       "name": as_kind(["Ann", None, "Bo"], "string"),
                       "n": [1.0, np.nan, 3.0]})
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)
    back = read_table(path)
    assert back["name"].isna().tolist() == [False, True, False]
    assert back["n"].isna().tolist() == [False, True, False]
    for col in back.columns:
        assert not NA_TEXTS & {v for v in back[col] if isinstance(v, str)}, col
