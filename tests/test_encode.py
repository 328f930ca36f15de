"""The encoder: determinism, keyed behaviour, similarity, salting, missing and invalid values, and
no plaintext or key material in an encoded file."""

from __future__ import annotations

import base64
import json
import logging

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keybytes import key_bytes
from strategies import (
    ENCODER_SETTINGS,
    SPECIAL_NAMES,
    keys_32,
    record_lists,
    record_schema_doc,
)

import linkcore
from linkcore.dataset import EncodedDataset
from linkcore.errors import InputDataError, InvalidValueError, MappingError
from linkcore.holder.encode import encode, encode_with_report
from linkcore.holder.key_parts import apply_transform
from linkcore.holder.keys import Secret
from linkcore.holder.normalize import INVALID, normaliser_for
from linkcore.holder.tokens import tokens
from linkcore.schema import Mapping, Schema


def popcount(a: np.ndarray) -> int:
    return int(np.unpackbits(np.ascontiguousarray(a).view(np.uint8)).sum())  # numpy 1.26 too


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * popcount(a & b) / (popcount(a) + popcount(b))


def frame(rows: list[dict], prefix: str = "#") -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df.insert(0, "id", [f"{prefix}{i:04d}" for i in range(len(rows))])
    return df


def one_field(kind: str = "name", **extra) -> Schema:
    return Schema.from_dict({"linkcore_schema": 1,
                             "fields": [{"name": "v", "kind": kind, **extra}]})


def encode_values(values, schema=None, secret=None, **kw) -> EncodedDataset:
    schema = schema or one_field()
    df = pd.DataFrame({"id": [str(i) for i in range(len(values))], "v": values})
    return encode(df, schema, secret or Secret(key_bytes("\x11")), **kw)


def by_id(ds: EncodedDataset) -> dict[str, tuple]:
    """Everything a record's encoding holds, keyed by its id."""
    out = {}
    for i, rid in enumerate(ds.record_ids):
        out[rid] = (
            tuple(ds.fields[f][i].tobytes() for f in ds.field_names),
            ds.missing[i].tobytes(),
            None if ds.clk is None else ds.clk[i].tobytes(),
            tuple(int(ds.blocking_keys[b][i]) for b in ds.blocking_keys),
        )
    return out


# --------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------
@ENCODER_SETTINGS
@given(record_lists(min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_encoding_is_deterministic_and_independent_of_other_rows(rows, rnd):
    schema = Schema.from_dict(record_schema_doc(
        last_name={"salt": {"field": "dob", "transform": "year"}},
        postcode={"hashing": "double", "hardening": [{"type": "balance"}]}))
    secret = Secret(key_bytes("\x42"))
    df = frame(rows)
    first = by_id(encode(df, schema, secret))
    assert by_id(encode(df, schema, Secret(key_bytes("\x42")))) == first
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = by_id(encode(df.iloc[order].reset_index(drop=True), schema, secret))
    assert shuffled == first
    single = by_id(encode(df.iloc[[order[0]]].reset_index(drop=True), schema, secret))
    rid = df["id"].iloc[order[0]]
    assert single[rid] == first[rid]


def test_same_value_in_two_records_gives_the_same_filter(secret, person_schema):
    df = frame([{"first_name": "Ann", "last_name": "Lee", "dob": "1990-01-01", "sex": "F",
                 "postcode": "M1 1AE"}] * 2)
    ds = encode(df, person_schema, secret)
    for f in ds.field_names:
        assert np.array_equal(ds.fields[f][0], ds.fields[f][1])
    assert np.array_equal(ds.clk[0], ds.clk[1])
    for b in ds.blocking_keys.values():
        assert b[0] == b[1] != 0


def test_filter_is_the_or_of_its_token_positions(secret):
    """The field filter of a value is exactly the union of its tokens' PRF positions."""
    from linkcore.holder.positions import prf_positions, rows_from_positions, token_message

    schema = one_field(k=7, filter_bits=128, hardening=[])  # the raw filter, before hardening
    ds = encode_values(["jonathan"], schema, secret)
    toks = tokens("jonathan", schema.field("v").tokens)
    pos = prf_positions(secret.field_key("v", "bloom"), [token_message(t, None) for t in toks],
                        7, 128)
    expected = np.bitwise_or.reduce(rows_from_positions(pos, 2), axis=0)
    assert np.array_equal(ds.fields["v"][0], expected)


# --------------------------------------------------------------------------------------
# Keyed: a different key gives unrelated filters
# --------------------------------------------------------------------------------------
NAMES = ["catherine", "jonathan", "elizabeth", "muhammad", "oliver", "amelia", "harrison",
         "isabella", "theodore", "charlotte", "alexander", "penelope", "sebastian", "victoria",
         "benjamin", "scarlett", "christopher", "gabriella", "nathaniel", "josephine"]


def test_a_different_key_gives_filters_at_chance_level():
    a = encode_values(NAMES, secret=Secret(key_bytes("\x01")))
    b = encode_values(NAMES, secret=Secret(key_bytes("\x02")))
    assert a.meta.key_check_value != b.meta.key_check_value
    cross, chance = [], []
    for i in range(len(NAMES)):
        fa, fb = a.fields["v"][i], b.fields["v"][i]
        bits = fa.size * 64  # stored length (the default XOR-fold halves the 512 bits)
        pa, pb = popcount(fa) / bits, popcount(fb) / bits
        cross.append(dice(fa, fb))
        chance.append(2 * pa * pb / (pa + pb))  # expected Dice of independent filters
        assert dice(fa, fa) == 1.0
    cross, chance = np.array(cross), np.array(chance)
    assert abs(cross.mean() - chance.mean()) < 0.04
    assert np.all(np.abs(cross - chance) < 0.2)
    assert cross.max() < 0.8  # clearly below the same-key Dice of 1
    assert not np.array_equal(a.clk, b.clk)


def test_a_different_key_changes_blocking_keys(person_schema, people):
    a = encode(people, person_schema, Secret(key_bytes("\x01")))
    b = encode(people, person_schema, Secret(key_bytes("\x02")))
    for name in a.blocking_keys:
        present = a.blocking_keys[name] != 0
        assert np.all(present == (b.blocking_keys[name] != 0))
        assert np.all(a.blocking_keys[name][present] != b.blocking_keys[name][present])


# --------------------------------------------------------------------------------------
# Similarity: a typo keeps a high Dice; an unrelated name is at chance level
# --------------------------------------------------------------------------------------
TYPOS = [("catherine", "catherina"), ("jonathan", "jonathon"), ("elizabeth", "elisabeth"),
         ("christopher", "christophr"), ("alexander", "alexandre"), ("muhammad", "muhammed"),
         ("smith", "smyth"), ("williams", "wiliams")]


@pytest.mark.parametrize("hashing", ["prf", "double"])
@pytest.mark.parametrize("hardened", [True, False], ids=["default-hardening", "unhardened"])
def test_one_typo_keeps_a_high_dice_and_unrelated_names_are_low(hashing, hardened, secret):
    values = [v for pair in TYPOS for v in pair] + ["bob", "zoe", "ng", "quigley"]
    extra = {} if hardened else {"hardening": [], "k": 40}
    ds = encode_values(values, one_field(hashing=hashing, **extra), secret)
    f = {v: ds.fields["v"][i] for i, v in enumerate(values)}
    typo = [dice(f[a], f[b]) for a, b in TYPOS]
    unrelated = [dice(f["catherine"], f[x]) for x in ("bob", "zoe", "ng", "quigley")]
    unrelated += [dice(f["jonathan"], f["williams"]), dice(f["smith"], f["elizabeth"])]
    # XOR-folding mixes two halves, so the default (folded) filter's typo Dice is lower
    high, low = (0.55, 0.5) if hardened else (0.7, 0.55)
    assert min(typo) > high, typo
    assert max(unrelated) < low, unrelated
    assert min(typo) - max(unrelated) > 0.1


def test_date_and_postcode_similarity(secret):
    dates = encode_values(["1975-02-11", "1975-02-12", "1975-11-02", "2003-08-27"],
                          one_field("date"), secret).fields["v"]
    assert dice(dates[0], dates[1]) > 0.65  # one digit
    assert dice(dates[0], dates[2]) > 0.45  # day/month swapped
    assert dice(dates[0], dates[3]) < dice(dates[0], dates[2]) - 0.1
    pcs = encode_values(["SW1A 1AA", "SW1A 1AB", "M1 1AE"], one_field("postcode"),
                        secret).fields["v"]
    assert dice(pcs[0], pcs[1]) > 0.65 > 0.4 > dice(pcs[0], pcs[2])


# --------------------------------------------------------------------------------------
# "John Smith" and "Smith John" do not collide across fields
# --------------------------------------------------------------------------------------
def test_swapped_first_and_last_names_do_not_collide(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "first_name", "kind": "name"}, {"name": "last_name", "kind": "name"}]})
    df = frame([{"first_name": "John", "last_name": "Smith"},
                {"first_name": "Smith", "last_name": "John"}])
    ds = encode(df, schema, secret)
    fn, ln = ds.fields["first_name"], ds.fields["last_name"]
    # the same value in two fields is hashed under two field keys
    assert not np.array_equal(fn[0], ln[1]) and not np.array_equal(ln[0], fn[1])
    assert dice(fn[0], ln[1]) < 0.6 and dice(ln[0], fn[1]) < 0.6
    # the two records' CLKs differ clearly although they hold the same words
    assert not np.array_equal(ds.clk[0], ds.clk[1])
    assert dice(ds.clk[0], ds.clk[1]) < 0.75
    # and a record compared with itself field by field is of course identical
    again = encode(df.iloc[[0]], schema, secret)
    assert np.array_equal(again.clk[0], ds.clk[0])


# --------------------------------------------------------------------------------------
# Salting
# --------------------------------------------------------------------------------------
def test_names_are_salted_with_the_year_of_birth_by_default(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name"}, {"name": "date_of_birth", "kind": "date"},
        {"name": "visit", "kind": "date"}]})
    assert schema.field("sn").salt.field == "date_of_birth"
    assert schema.field("sn").salt.transform == "year"
    assert [h.type for h in schema.field("sn").hardening] == ["xor_fold"]
    df = frame([{"sn": "smith", "date_of_birth": "1975-02-11", "visit": None},
                {"sn": "smith", "date_of_birth": "1980-02-11", "visit": None}])
    sn = encode(df, schema, secret).fields["sn"]
    assert not np.array_equal(sn[0], sn[1])
    no_dob = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name"}, {"name": "a", "kind": "date"},
        {"name": "b", "kind": "date"}]})
    assert no_dob.field("sn").salt is None  # two dates, neither a date of birth: no guess


def test_salt_separates_equal_values_with_different_salts(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name", "salt": {"field": "dob", "transform": "year"}},
        {"name": "dob", "kind": "date"}],
        "clk": {"bits": 1024, "salt": {"field": "dob", "transform": "year"}}})
    df = frame([
        {"sn": "smith", "dob": "1975-02-11"},
        {"sn": "smith", "dob": "1975-09-30"},   # same year: same salt
        {"sn": "smith", "dob": "1980-02-11"},   # different year
        {"sn": "smith", "dob": None},           # missing salt
        {"sn": "SMITH", "dob": "11/2/1975"},    # other forms, same normalised values
    ])
    ds = encode(df, schema, secret)
    sn = ds.fields["sn"]
    assert np.array_equal(sn[0], sn[1]) and np.array_equal(sn[0], sn[4])
    assert not np.array_equal(sn[0], sn[2]) and not np.array_equal(sn[0], sn[3])
    assert dice(sn[0], sn[2]) < 0.75
    assert ds.missing[3, 0], "a salted field whose salt is missing is missing (no evidence)"
    assert np.array_equal(ds.clk[0], ds.clk[4])
    assert not np.array_equal(ds.clk[0], ds.clk[2])
    unsalted = encode(df, Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "sn", "kind": "name", "salt": None}, {"name": "dob", "kind": "date"}]}), secret)
    assert not np.array_equal(unsalted.fields["sn"][0], sn[0])


# --------------------------------------------------------------------------------------
# Missing values
# --------------------------------------------------------------------------------------
def test_missing_is_a_mask_bit_and_an_all_zero_row(secret, person_schema, tmp_path):
    df = frame([
        {"first_name": "Ann", "last_name": None, "dob": "", "sex": "unknown", "postcode": "  "},
        {"first_name": "---", "last_name": "Lee", "dob": "1990-01-01", "sex": "F",
         "postcode": "M1 1AE"},
        {"first_name": None, "last_name": None, "dob": None, "sex": None, "postcode": None},
    ])
    ds, report = encode_with_report(df, person_schema, secret)
    # row 1's first name is salted with the year of its (missing) date of birth: missing too
    assert ds.missing.tolist() == [[True, True, True, True, True],
                                   [True, False, False, False, False],
                                   [True, True, True, True, True]]
    for j, f in enumerate(ds.field_names):
        assert not ds.fields[f][ds.missing[:, j]].any()
        assert ds.fields[f][~ds.missing[:, j]].any(axis=1).all()
    assert not ds.clk[2].any()
    assert all(v[2] == 0 for v in ds.blocking_keys.values())
    assert report.missing_counts == {"first_name": 3, "last_name": 2, "dob": 2, "sex": 2,
                                     "postcode": 2}
    assert report.unsalted_counts == {"first_name": 1, "last_name": 0}  # row 1: no salt
    assert not any(len(r) for r in report.invalid_rows.values())
    path = tmp_path / "m.parquet"
    ds.write(path)
    table = pq.read_table(path)
    assert table.column("field:first_name").null_count == 3
    back = EncodedDataset.read(path)
    assert np.array_equal(back.missing, ds.missing)


def test_a_field_the_holder_does_not_have_is_missing_everywhere(secret, person_schema, people):
    fields = {f: {"column": f} for f in person_schema.field_names}
    fields["postcode"] = {"column": None}
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id", "fields": fields})
    ds = encode(people.drop(columns=["postcode"]), person_schema, secret, mapping)
    j = person_schema.field_names.index("postcode")
    assert ds.missing[:, j].all() and not ds.fields["postcode"].any()
    assert (ds.blocking_keys["district"] == 0).all()


def test_multiple_columns_are_joined(secret):
    schema = one_field()
    mapping = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id",
                                 "fields": {"v": {"columns": ["first", "middle"]}}})
    df = pd.DataFrame({"id": ["1", "2", "3"], "first": ["mary", "mary", None],
                       "middle": ["jane", None, None]})
    ds = encode(df, schema, secret, mapping)
    ref = encode_values(["mary jane", "mary"], schema, secret).fields["v"]
    assert np.array_equal(ds.fields["v"][:2], ref)
    assert ds.missing[:, 0].tolist() == [False, False, True]


# --------------------------------------------------------------------------------------
# Invalid values: counted with row numbers, never echoed; strict raises
# --------------------------------------------------------------------------------------
BAD_DOB = "31/02/1975"
BAD_PC = "QQ-NOT-A-POSTCODE"


def _bad_frame() -> pd.DataFrame:
    return frame([
        {"first_name": "Ann", "last_name": "Lee", "dob": "1990-01-01", "sex": "F",
         "postcode": "M1 1AE"},
        {"first_name": "Bob", "last_name": "Ray", "dob": BAD_DOB, "sex": "M",
         "postcode": BAD_PC},
        {"first_name": "Cy", "last_name": "Tan", "dob": BAD_DOB, "sex": "Banana",
         "postcode": "SW1A 1AA"},
    ])


def test_invalid_values_are_missing_and_counted_by_row(secret, person_schema, caplog):
    with caplog.at_level(logging.WARNING, logger="linkcore"):
        ds, report = encode_with_report(_bad_frame(), person_schema, secret)
    assert report.invalid_counts == {"first_name": 0, "last_name": 0, "dob": 2, "sex": 1,
                                     "postcode": 1}
    assert report.invalid_rows["dob"].tolist() == [2, 3]
    assert report.invalid_rows["sex"].tolist() == [3]
    assert report.invalid_rows["postcode"].tolist() == [2]
    j = person_schema.field_names.index("dob")
    assert ds.missing[:, j].tolist() == [False, True, True]
    lines = report.summary_lines()
    assert len(lines) == 3 and any("dob: 2 value(s)" in x and "rows 2, 3" in x for x in lines)
    text = "\n".join(lines) + caplog.text
    assert "dob" in caplog.text
    for value in (BAD_DOB, BAD_PC, "Banana", "banana", "1975"):
        assert value not in text


def test_strict_raises_with_rows_not_values(secret, person_schema):
    with pytest.raises(InvalidValueError) as info:
        encode(_bad_frame(), person_schema, secret, strict=True)
    text = str(info.value)
    assert "dob" in text and "postcode" in text and "sex" in text and "rows 2, 3" in text
    for value in (BAD_DOB, BAD_PC, "Banana", "banana"):
        assert value not in text
    assert info.value.exit_code == 2
    # strict with clean data is fine
    encode(_bad_frame().iloc[[0]], person_schema, secret, strict=True)


def test_many_invalid_rows_are_summarised(secret):
    ds, report = encode_with_report(pd.DataFrame({
        "id": [str(i) for i in range(30)], "v": ["not a date"] * 30}), one_field("date"), secret)
    line = report.summary_lines()[0]
    assert "30 value(s)" in line and "and 20 more" in line and "not a date" not in line


# --------------------------------------------------------------------------------------
# Bad input to encode()
# --------------------------------------------------------------------------------------
def test_record_id_problems_name_rows_not_ids(secret):
    schema = one_field()
    with pytest.raises(InputDataError) as info:
        encode(pd.DataFrame({"id": ["SECRET-ID", "SECRET-ID", "x"], "v": ["a", "b", "c"]}),
               schema, secret)
    assert "rows 1, 2" in str(info.value) and "SECRET-ID" not in str(info.value)
    with pytest.raises(InputDataError, match="no id"):
        encode(pd.DataFrame({"id": ["a", None], "v": ["a", "b"]}), schema, secret)


def test_mapping_problems_are_mapping_errors(secret, person_schema, people):
    with pytest.raises(MappingError, match="'postcode'"):
        encode(people.drop(columns=["postcode"]), person_schema, secret)
    bad = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "id",
                             "fields": {"first_name": {"column": "first_name"}}})
    with pytest.raises(MappingError, match="has no source"):
        encode(people, person_schema, secret, bad)
    with pytest.raises(TypeError):
        encode(people, person_schema.to_dict(), secret)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        encode(people, person_schema, b"\x00" * 32)  # type: ignore[arg-type]


def test_empty_table_encodes_to_an_empty_dataset(secret, person_schema, people):
    ds = encode(people.iloc[:0], person_schema, secret)
    assert len(ds) == 0 and ds.clk.shape == (0, 16)


def test_numeric_columns_from_the_python_api(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [{"name": "sex", "kind": "sex"}]})
    df = pd.DataFrame({"id": [1, 2, 3], "sex": [1, 2, 1]})
    ds = encode(df, schema, secret)
    assert list(ds.record_ids) == ["1", "2", "3"]
    assert np.array_equal(ds.fields["sex"][0], ds.fields["sex"][2])
    ref = encode(pd.DataFrame({"id": ["a"], "sex": ["Male"]}), schema, secret)
    assert np.array_equal(ds.fields["sex"][0], ref.fields["sex"][0])


# --------------------------------------------------------------------------------------
# Blocking keys
# --------------------------------------------------------------------------------------
def test_blocking_keys_match_the_documented_hmac(secret, person_schema):
    import hmac

    df = frame([{"first_name": "Ann", "last_name": "Lee", "dob": "1990-01-01", "sex": "F",
                 "postcode": "M1 1AE"},
                {"first_name": "Ann", "last_name": "Leah", "dob": "1990-05-05", "sex": "F",
                 "postcode": "M1 2AE"},
                {"first_name": "Ann", "last_name": "Lee", "dob": None, "sex": "F",
                 "postcode": None}])
    ds = encode(df, person_schema, secret)
    key = secret.derive("linkcore/v1/blocking/sdx_yob")
    msg = "\x1f".join([apply_transform("soundex", "lee"), "1990"]).encode()
    expected = int.from_bytes(hmac.digest(key, msg, "sha256")[:8], "little") or 1
    assert int(ds.blocking_keys["sdx_yob"][0]) == expected
    # Lee ~ Leah (both L000), born 1990
    assert ds.blocking_keys["sdx_yob"][0] == ds.blocking_keys["sdx_yob"][1]
    assert ds.blocking_keys["sdx_yob"][2] == 0  # a part is missing
    assert ds.blocking_keys["district"][0] == ds.blocking_keys["district"][1]
    assert ds.blocking_keys["district"][2] == 0


# --------------------------------------------------------------------------------------
# No plaintext and no key material in an encoded file
# --------------------------------------------------------------------------------------
PURPOSES = ("bloom", "clk", "bloom/h1", "bloom/h2", "clk/h1", "clk/h2", "balance", "blip")


def key_material(secret_bytes: bytes, schema: Schema) -> list[bytes]:
    """The key and every subkey linkcore derives from it, in every text form."""
    s = Secret(secret_bytes)
    raw = [secret_bytes]
    raw += [s.field_key(f, p) for f in schema.field_names for p in PURPOSES]
    raw += [s.derive(f"linkcore/v1/clk/{p}") for p in ("balance", "blip")]
    raw += [s.derive(f"linkcore/v1/blocking/{b.name}") for b in schema.blocking_keys]
    raw += [s.derive("linkcore/v1/kcv")]
    forms = []
    for k in raw:
        forms += [k, k.hex().encode(), k.hex().upper().encode(), base64.b64encode(k),
                  base64.b64encode(k).rstrip(b"="), base64.urlsafe_b64encode(k).rstrip(b"="),
                  k[:16], k[-16:]]
    forms.append(s.to_text().strip().encode())
    return forms


def plaintexts(df: pd.DataFrame, schema: Schema) -> set[str]:
    """Every raw value, normalised value, token and blocking-key part of ``df`` (>= 3 chars)."""
    out: set[str] = set()
    for spec in schema.fields:
        norm = normaliser_for(spec.kind, spec.normalise_options)
        for raw in df[spec.name].dropna():
            out.add(raw.strip())
            value = norm(raw)
            if value is None or value is INVALID:
                continue
            out.add(value)
            out.update(tokens(value, spec.tokens))
            for transform in ("soundex", "metaphone", "nysiis", "year", "postcode_district"):
                try:
                    t = apply_transform(transform, value)
                except Exception:  # noqa: BLE001 - transform not for this kind
                    continue
                if t:
                    out.add(t)
    return {p for p in out if len(p) >= 3}


LEAK_SCHEMAS = {
    "plain": record_schema_doc(
        first_name={"tokens": {"type": "qgram", "q": 2, "positional": True}},
        last_name={"tokens": {"type": "qgram", "q": 3}}),
    "hardened": record_schema_doc(
        first_name={"hardening": [{"type": "balance"}, {"type": "xor_fold"}]},
        last_name={"salt": {"field": "dob", "transform": "year"}, "hashing": "double",
                   "tokens": {"type": "qgram", "q": 3, "padded": False}},
        postcode={"hardening": [{"type": "blip", "epsilon": 3.0}, {"type": "rule90"}]},
        sex={"tokens": {"type": "exact"}}),
}


@pytest.mark.parametrize("variant", sorted(LEAK_SCHEMAS))
@settings(ENCODER_SETTINGS, derandomize=True)
@given(rows=record_lists(min_size=1, max_size=10), key=keys_32)
def test_no_plaintext_or_key_material_in_the_encoded_file(variant, rows, key, tmp_path_factory):
    schema = Schema.from_dict(LEAK_SCHEMAS[variant])
    df = frame(rows, prefix="#")
    ds = encode(df, schema, Secret(key))
    path = tmp_path_factory.mktemp("leak") / "out.parquet"
    ds.write(path)
    blob = path.read_bytes()

    # 1. key material: nowhere in the file, in any form
    for form in key_material(key, schema):
        assert form not in blob

    # 2. the file's text parts hold exactly the public metadata, the column names and the ids
    pf = pq.ParquetFile(path)
    assert set(pf.metadata.metadata) == {b"linkcore"}
    meta = json.loads(pf.metadata.metadata[b"linkcore"])
    assert meta == {
        "spec_version": 2, "schema_fingerprint": schema.fingerprint,
        "key_check_value": Secret(key).key_check_value(),
        "linkcore_version": linkcore.__version__, "record_count": len(df),
        "schema": json.loads(schema.canonical_json()), "source": "linkcore"}
    assert pf.schema_arrow.names == (
        ["record_id"] + [f"field:{f}" for f in schema.field_names] + ["clk"]
        + [f"block:{b.name}" for b in schema.blocking_keys])
    assert list(pq.read_table(path).column("record_id").to_pylist()) == list(df["id"])

    # 3. no value, token or blocking-key part anywhere in the bytes. Only strings of 6 bytes or
    # more are searched: a shorter one may turn up by chance in random filter bytes, and the
    # text parts, where a short leak would sit, are checked exactly above.
    public = schema.canonical_json() + json.dumps(meta) + (pf.metadata.created_by or "")
    for p in plaintexts(df, schema):
        if len(p.encode()) >= 6 and p not in public:
            assert p.encode() not in blob, "plaintext in the file's bytes"


def test_key_check_value_is_the_only_key_derived_metadata(person_schema, people, tmp_path):
    a, b = Secret(key_bytes("\x01")), Secret(key_bytes("\x02"))
    metas = []
    for s, name in ((a, "a"), (b, "b")):
        path = tmp_path / f"{name}.parquet"
        encode(people, person_schema, s).write(path)
        meta = json.loads(pq.ParquetFile(path).metadata.metadata[b"linkcore"])
        assert meta["key_check_value"] == s.key_check_value()
        assert path.read_bytes().count(s.key_check_value().encode()) == 1
        metas.append(meta)
    assert metas[0].pop("key_check_value") != metas[1].pop("key_check_value")
    assert metas[0] == metas[1]


def test_dataset_repr_shows_no_values(secret, person_schema, people):
    ds = encode(people, person_schema, secret)
    text = repr(ds)
    for value in ("John", "john", "Smith", "smith", "SW1A", "1975"):
        assert value not in text


@pytest.mark.parametrize("name", SPECIAL_NAMES[:12])
def test_non_latin_and_accented_names_encode(secret, name):
    ds = encode_values([name, name.upper()], secret=secret)
    assert not ds.missing.any()
    assert np.array_equal(ds.fields["v"][0], ds.fields["v"][1])


# --------------------------------------------------------------------------------------
# The CLK
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("hashing", ["prf", "double"])
def test_clk_is_the_union_of_the_fields_contributions(secret, hashing):
    schema = Schema.from_dict({"linkcore_schema": 1, "fields": [
        {"name": "fn", "kind": "name"}, {"name": "dob", "kind": "date"},
        {"name": "sex", "kind": "sex", "clk_k": 0}],
        "clk": {"bits": 1024, "hashing": hashing}})
    df = pd.DataFrame({"id": ["both", "fn", "dob", "other-sex"],
                       "fn": ["ann", "ann", None, "ann"],
                       "dob": ["1990-01-01", None, "1990-01-01", "1990-01-01"],
                       "sex": ["f", None, None, "m"]})
    clk = encode(df, schema, secret).clk
    assert np.array_equal(clk[0], clk[1] | clk[2])
    assert clk[1].any() and clk[2].any() and not np.array_equal(clk[1], clk[2])
    assert np.array_equal(clk[0], clk[3]), "a field with clk_k 0 does not enter the CLK"


def test_no_clk_when_the_schema_has_none(secret):
    schema = Schema.from_dict({"linkcore_schema": 1, "clk": None,
                               "fields": [{"name": "fn", "kind": "name"}]})
    ds = encode(pd.DataFrame({"id": ["1"], "fn": ["ann"]}), schema, secret)
    assert ds.clk is None


def test_a_value_with_salt_view_is_equal_exactly_where_its_salt_field_is():
    """Views salted with the postcode's value_with_salt: equal filters where the postcode's
    (salted with the initial) are; a missing initial leaves the postcode and views missing."""
    from linkcore.holder.key_parts import salt_values

    doc = {"linkcore_schema": 2, "clk": None, "fields": [
        {"name": "first_name", "kind": "name", "salt": None},
        {"name": "postcode", "kind": "postcode",
         "salt": {"field": "first_name", "transform": "first_char"}},
        {"name": "last_name", "kind": "name", "salt": None},
        {"name": "last_name_by_postcode", "kind": "name", "source": "last_name",
         "salt": {"field": "postcode", "transform": "value_with_salt"}}]}
    schema = Schema.from_dict(doc)
    df = pd.DataFrame({"id": ["1", "2", "3", "4"], "first_name": ["Ann", "Alan", "Bob", None],
                       "postcode": ["SW1A 1AA"] * 4, "last_name": ["Lee"] * 4})
    ds = encode(df, schema, Secret(key_bytes("\x11")), Mapping.identity(schema))
    view, pc = ds.fields["last_name_by_postcode"], ds.fields["postcode"]
    assert (view[0] == view[1]).all() and (pc[0] == pc[1]).all()        # one initial
    assert not (view[0] == view[2]).all() and not (pc[0] == pc[2]).all()  # another initial
    assert ds.missing[3].tolist() == [True, True, False, True]
    values = {"first_name": ["ann", "alan", "bob", None], "postcode": ["SW1A 1AA"] * 4}
    assert salt_values(schema, schema.field("last_name_by_postcode").salt, values) == [
        "SW1A 1AA\x1fa", "SW1A 1AA\x1fa", "SW1A 1AA\x1fb", None]
