"""The linkage schema and the column mapping: validation, canonical form, fingerprint."""

from __future__ import annotations

import copy
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST_SETTINGS, record_schema_doc

from linkcore.errors import MappingError, SchemaError
from linkcore.schema import KIND_DEFAULTS, SCHEMA_VERSION, Mapping, Schema


def doc_with(field: dict | None = None, **top) -> dict:
    """A one-field schema document; ``field`` overrides the field, ``top`` the top level."""
    f = {"name": "surname", "kind": "name"}
    f.update(field or {})
    doc = {"linkcore_schema": 1, "fields": [f]}
    doc.update(top)
    return doc


def schema_error(doc) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        Schema.from_dict(doc)
    return info.value


# --------------------------------------------------------------------------------------
# Valid documents
# --------------------------------------------------------------------------------------
def test_minimal_schema_fills_kind_defaults():
    s = Schema.from_dict(doc_with())
    f = s.field("surname")
    d = KIND_DEFAULTS["name"]
    assert (f.filter_bits, f.k, f.clk_k) == (d["filter_bits"], d["k"], d["clk_k"])
    assert f.tokens.to_dict() == d["tokens"]
    assert f.hashing == "prf"
    assert s.clk is not None and s.clk.bits == 1024


def test_every_kind_is_accepted_with_its_defaults():
    kinds = list(KIND_DEFAULTS)
    doc = {"linkcore_schema": 1, "fields": [{"name": f"f_{k}", "kind": k} for k in kinds]}
    s = Schema.from_dict(doc)
    assert [f.kind for f in s.fields] == kinds


def test_round_trip_through_json(person_schema):
    again = Schema.from_json(person_schema.to_json())
    assert again == person_schema
    assert again.fingerprint == person_schema.fingerprint
    assert Schema.from_json(person_schema.canonical_json()) == person_schema


def test_stored_bits_follow_hardening():
    s = Schema.from_dict(doc_with({"filter_bits": 256, "hardening": [
        {"type": "balance"}, {"type": "xor_fold"}, {"type": "xor_fold"}]}))
    assert s.stored_bits("surname") == 256 * 2 // 2 // 2


def test_load_reads_a_file(tmp_path, person_schema):
    p = tmp_path / "s.json"
    p.write_text(person_schema.to_json(), encoding="utf-8")
    assert Schema.load(p) == person_schema


# --------------------------------------------------------------------------------------
# Every validation error names the field (or key) and what is wrong
# --------------------------------------------------------------------------------------
BAD_FIELDS = [
    ({"kind": "shoe_size"}, ["surname", "kind", "shoe_size"]),
    ({"kind": None}, ["surname", "kind"]),
    ({"tokens": {"type": "qgram", "q": 0}}, ["surname", "q must be an integer >= 1"]),
    ({"tokens": {"type": "qgram", "q": -3}}, ["surname", "q must be"]),
    ({"tokens": {"type": "qgram", "q": 1.5}}, ["surname", "q must be"]),
    ({"tokens": {"type": "qgram", "q": 9}}, ["surname", "q must be at most 8"]),
    ({"tokens": {"type": "qgram", "padded": "yes"}}, ["surname", "padded"]),
    ({"tokens": {"type": "soundex"}}, ["surname", "unknown token type"]),
    ({"tokens": {"type": "date_parts"}}, ["surname", "does not suit kind 'name'"]),
    ({"tokens": {"type": "exact", "q": 2}}, ["surname", "unknown tokens key 'q'"]),
    ({"tokens": "qgram"}, ["surname", "'tokens' must be an object"]),
    ({"filter_bits": 100}, ["surname", "filter_bits", "multiple of 64"]),
    ({"filter_bits": 0}, ["surname", "filter_bits"]),
    ({"filter_bits": -64}, ["surname", "filter_bits"]),
    ({"filter_bits": 512.0}, ["surname", "filter_bits"]),
    ({"filter_bits": 65536 + 64}, ["surname", "filter_bits must be at most"]),
    ({"k": 0}, ["surname", "k (hash positions per token)", ">= 1"]),
    ({"k": -1}, ["surname", "k (hash"]),
    ({"k": True}, ["surname", "k (hash"]),
    ({"k": 257}, ["surname", "k must be at most"]),
    ({"clk_k": -1}, ["surname", "clk_k"]),
    ({"hashing": "md5"}, ["surname", "hashing", "md5"]),
    ({"colour": "red"}, ["surname", "unknown key 'colour'"]),
    ({"comparison": {"thresholds": [0.5, 0.9]}}, ["surname", "strictly decreasing"]),
    ({"comparison": {"thresholds": [0.9, 0.9]}}, ["surname", "strictly decreasing"]),
    ({"comparison": {"thresholds": [1.0]}}, ["surname", "strictly between 0 and 1"]),
    ({"comparison": {"thresholds": [0]}}, ["surname", "strictly between 0 and 1"]),
    ({"comparison": {"thresholds": ["0.9"]}}, ["surname", "thresholds"]),
    ({"comparison": {"thresholds": 0.9}}, ["surname", "thresholds"]),
    ({"comparison": {"levels": [0.9]}}, ["surname", "'comparison' must be an object"]),
    ({"hardening": [{"type": "shuffle"}]}, ["surname", "hardening[0]", "unknown hardening"]),
    ({"hardening": "balance"}, ["surname", "'hardening' must be a list"]),
    ({"hardening": [{"type": "blip"}]}, ["surname", "hardening[0]", "epsilon"]),
    ({"hardening": [{"type": "blip", "epsilon": 0}]}, ["surname", "epsilon"]),
    ({"hardening": [{"type": "blip", "epsilon": -1}]}, ["surname", "epsilon"]),
    ({"hardening": [{"type": "blip", "epsilon": 25}]}, ["surname", "epsilon"]),
    ({"hardening": [{"type": "blip", "epsilon": float("nan")}]}, ["surname", "epsilon"]),
    ({"hardening": [{"type": "balance", "epsilon": 2}]}, ["surname", "unknown key 'epsilon'"]),
    ({"hardening": [{"type": "rule90"}, {"type": "rule90"}]}, ["surname", "listed twice"]),
    ({"filter_bits": 64, "hardening": [{"type": "xor_fold"}]},
     ["surname", "xor_fold", "multiple of 128"]),
    ({"filter_bits": 128, "hardening": [{"type": "xor_fold"}, {"type": "xor_fold"}]},
     ["surname", "hardening[1]", "multiple of 128"]),
    ({"normalise": {"shout": True}}, ["surname", "unknown normalise option 'shout'"]),
    ({"normalise": {"remove_titles": "yes"}}, ["surname", "remove_titles", "true or false"]),
    ({"normalise": []}, ["surname", "'normalise' must be an object"]),
    ({"salt": {"field": "nowhere"}}, ["surname", "unknown field 'nowhere'"]),
    ({"salt": {"field": "surname"}}, ["surname", "its own whole value"]),
    ({"salt": {"field": "surname", "transform": "rot13"}}, ["surname", "unknown transform"]),
    ({"name": "sur name"}, ["fields[0]", "letters, digits"]),
]


@pytest.mark.parametrize("override, expected", BAD_FIELDS,
                         ids=[json.dumps(o)[:40] for o, _ in BAD_FIELDS])
def test_bad_field_is_rejected_with_its_name_and_problem(override, expected):
    err = schema_error(doc_with(override))
    text = str(err)
    for part in expected:
        assert part in text, (part, text)
    assert err.exit_code == 2


def test_unknown_top_level_key():
    text = str(schema_error(doc_with(colour="red")))
    assert '"colour"' in text and "unknown key" in text


def test_missing_and_empty_fields():
    assert '"fields"' in str(schema_error({"linkcore_schema": 1}))
    assert '"fields"' in str(schema_error({"linkcore_schema": 1, "fields": []}))
    assert "fields[0]" in str(schema_error({"linkcore_schema": 1, "fields": ["x"]}))
    assert "fields[0]" in str(schema_error({"linkcore_schema": 1, "fields": [{"kind": "name"}]}))


def test_duplicate_field_names():
    doc = {"linkcore_schema": 1, "fields": [{"name": "a", "kind": "name"},
                                            {"name": "a", "kind": "date"}]}
    text = str(schema_error(doc))
    assert "'a'" in text and "duplicate field name" in text


def test_version_checks():
    newer = str(schema_error(doc_with(linkcore_schema=SCHEMA_VERSION + 1)))
    assert "newer" in newer and str(SCHEMA_VERSION + 1) in newer and "upgrade" in newer
    assert "linkcore_schema" in str(schema_error({"fields": []}))
    assert "linkcore_schema" in str(schema_error(doc_with(linkcore_schema="1")))
    assert "linkcore_schema" in str(schema_error(doc_with(linkcore_schema=0)))
    assert "linkcore_schema" in str(schema_error(doc_with(linkcore_schema=True)))
    assert "JSON object" in str(schema_error([1, 2]))


@pytest.mark.parametrize("transform, kind", [
    ("soundex", "date"), ("year", "name"), ("postcode_area", "name"), ("month", "postcode"),
    ("nysiis", "sex"), ("day", "text"),
])
def test_salt_transform_on_wrong_kind(transform, kind):
    doc = {"linkcore_schema": 1, "fields": [
        {"name": "target", "kind": "name", "salt": {"field": "source", "transform": transform}},
        {"name": "source", "kind": kind},
    ]}
    text = str(schema_error(doc))
    assert "'target' salt" in text and transform in text and "'source'" in text and kind in text


def _value_with_salt_doc(**changes) -> dict:
    """The first name salted by the postcode's value_with_salt, the postcode by the initial."""
    doc = {"linkcore_schema": 2, "fields": [
        {"name": "fn", "kind": "name",
         "salt": {"field": "pc", "transform": "value_with_salt"}},
        {"name": "pc", "kind": "postcode", "salt": {"field": "sn", "transform": "first_char"}},
        {"name": "sn", "kind": "name", "salt": None}]}
    for name, salt in changes.items():
        next(f for f in doc["fields"] if f["name"] == name)["salt"] = salt
    return doc


def test_value_with_salt_names_a_salted_field_in_a_field_salt_only():
    schema = Schema.from_dict(_value_with_salt_doc())
    assert schema.field("fn").salt.transform == "value_with_salt"
    unsalted = str(schema_error(_value_with_salt_doc(pc=None)))
    assert "'fn' salt" in unsalted and "needs field 'pc' to have a salt" in unsalted
    chained = str(schema_error(_value_with_salt_doc(
        pc={"field": "sn", "transform": "value_with_salt"},
        sn={"field": "fn", "transform": "first_char"})))
    assert "whose own salt is 'value_with_salt'" in chained
    own = str(schema_error(_value_with_salt_doc(fn={"field": "fn",
                                                    "transform": "value_with_salt"})))
    assert "own whole value" in own
    key = _value_with_salt_doc()
    key["blocking_keys"] = [{"name": "k", "parts": [{"field": "pc",
                                                     "transform": "value_with_salt"}]}]
    assert "applies only to a field's salt" in str(schema_error(key))
    clk = _value_with_salt_doc()
    clk["clk"] = {"salt": {"field": "pc", "transform": "value_with_salt"}}
    assert "applies only to a field's salt" in str(schema_error(clk))


def test_blocking_key_transform_on_wrong_kind_and_shape():
    base = {"linkcore_schema": 1, "fields": [{"name": "dob", "kind": "date"},
                                             {"name": "sn", "kind": "name"}]}
    bad = dict(base, blocking_keys=[{"name": "b1", "parts": [{"field": "sn",
                                                              "transform": "year"}]}])
    text = str(schema_error(bad))
    assert "blocking key 'b1'" in text and "'year'" in text and "'sn'" in text
    cases = [
        ([{"name": "b1", "parts": []}], "blocking_keys[0]"),
        ([{"name": "b 1", "parts": [{"field": "sn"}]}], "blocking_keys[0]"),
        ([{"name": "b1", "parts": [{"field": "zz"}]}], "unknown field 'zz'"),
        ([{"name": "b1", "parts": [{"field": "sn"}], "extra": 1}], "unknown key 'extra'"),
        ([{"name": "b1", "parts": [{"field": "sn"}]}, {"name": "b1", "parts": [{"field": "sn"}]}],
         "duplicate blocking key name"),
        ("b1", '"blocking_keys"'),
    ]
    for blocking, expected in cases:
        assert expected in str(schema_error(dict(base, blocking_keys=blocking))), blocking


def test_clk_problems():
    cases = [
        ({"bits": 100}, "bits must be a positive multiple of 64"),
        ({"bits": 1024, "hashing": "sha1"}, "unknown hashing"),
        ({"bits": 1024, "colour": 1}, "unknown key 'colour'"),
        ({"bits": 64, "hardening": [{"type": "xor_fold"}]}, "multiple of 128"),
        ({"salt": {"field": "surname", "transform": "year"}}, '"clk" salt'),
        ([1024], '"clk"'),
    ]
    for clk, expected in cases:
        text = str(schema_error(doc_with(clk=clk)))
        assert '"clk"' in text and expected in text, (clk, text)
    text = str(schema_error(doc_with({"clk_k": 0})))
    assert "no field contributes to the CLK" in text
    # ...but clk null with clk_k 0 everywhere is fine
    assert Schema.from_dict(doc_with({"clk_k": 0}, clk=None)).clk is None


def test_every_problem_is_listed_at_once():
    doc = {"linkcore_schema": 1, "colour": 1, "fields": [
        {"name": "a", "kind": "name", "k": 0, "filter_bits": 100},
        {"name": "b", "kind": "nope"},
        {"name": "c", "kind": "date", "tokens": {"type": "qgram", "q": 0}},
    ]}
    err = schema_error(doc)
    assert len(err.problems) == 5
    text = str(err)
    for part in ("'a'", "'b'", "'c'", '"colour"', "5 problems"):
        assert part in text


def test_json_errors_give_position_not_content(tmp_path):
    with pytest.raises(SchemaError, match="line 1, column"):
        Schema.from_json('{"linkcore_schema": 1, "fields": [SECRETVALUE')
    try:
        Schema.from_json('{"linkcore_schema": 1, "fields": [SECRETVALUE')
    except SchemaError as exc:
        assert "SECRETVALUE" not in str(exc)
    with pytest.raises(SchemaError, match="not found"):
        Schema.load(tmp_path / "absent.json")
    (tmp_path / "empty.json").write_text("  \n")
    with pytest.raises(SchemaError, match="empty"):
        Schema.load(tmp_path / "empty.json")
    (tmp_path / "latin1.json").write_bytes(b'{"description": "Jos\xe9"}')
    with pytest.raises(SchemaError, match="not UTF-8"):
        Schema.load(tmp_path / "latin1.json")


# --------------------------------------------------------------------------------------
# Canonical form and fingerprint
# --------------------------------------------------------------------------------------
def _shuffle_keys(obj, rnd: random.Random):
    """The same JSON value with every object's keys in a random order."""
    if isinstance(obj, dict):
        items = list(obj.items())
        rnd.shuffle(items)
        return {k: _shuffle_keys(v, rnd) for k, v in items}
    if isinstance(obj, list):
        return [_shuffle_keys(v, rnd) for v in obj]
    return obj


@FAST_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), indent=st.one_of(st.none(), st.integers(0, 8)),
       sep=st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")]),
       ensure_ascii=st.booleans())
def test_fingerprint_ignores_key_order_and_whitespace(seed, indent, sep, ensure_ascii):
    doc = record_schema_doc(last_name={"salt": {"field": "dob", "transform": "year"},
                                       "hardening": [{"type": "balance"}]})
    doc["description"] = "Zoë's schema"
    reference = Schema.from_dict(doc).fingerprint
    text = json.dumps(_shuffle_keys(doc, random.Random(seed)), indent=indent, separators=sep,
                      ensure_ascii=ensure_ascii)
    assert Schema.from_json("\n  " + text + "\n\n").fingerprint == reference


def test_explicit_defaults_do_not_change_the_fingerprint():
    implicit = Schema.from_dict(doc_with())
    explicit = Schema.from_dict(json.loads(implicit.to_json()))
    assert explicit.fingerprint == implicit.fingerprint
    spelled = doc_with({"k": 12, "filter_bits": 512, "hashing": "prf", "clk_k": 10,
                        "tokens": {"type": "qgram", "q": 2, "padded": True, "positional": False},
                        "normalise": {"remove_titles": True},
                        "hardening": [{"type": "xor_fold"}], "salt": None,
                        "comparison": {"thresholds": [0.8, 0.62, 0.45]}},
                       clk={"bits": 1024, "hashing": "prf", "hardening": []}, blocking_keys=[])
    assert Schema.from_dict(spelled).fingerprint == implicit.fingerprint


def test_fingerprint_is_sha256_of_canonical_json(person_schema):
    import hashlib

    canonical = person_schema.canonical_json()
    assert " " not in canonical.replace("Zoë", "")  # no whitespace between tokens
    assert json.loads(canonical) == person_schema.to_dict()
    assert person_schema.fingerprint == hashlib.sha256(canonical.encode()).hexdigest()


# Each mutation changes one encoding setting; the fingerprint must change with it.
MUTATIONS = {
    "q": lambda d: d["fields"][0].update(tokens={"type": "qgram", "q": 3}),
    "padded": lambda d: d["fields"][0].update(tokens={"type": "qgram", "padded": False}),
    "positional": lambda d: d["fields"][0].update(tokens={"type": "qgram", "positional": True}),
    "token type": lambda d: d["fields"][0].update(tokens={"type": "exact"}),
    "filter_bits": lambda d: d["fields"][0].update(filter_bits=1024),
    "k": lambda d: d["fields"][0].update(k=41),
    "clk_k": lambda d: d["fields"][0].update(clk_k=11),
    "hashing": lambda d: d["fields"][0].update(hashing="double"),
    "salt": lambda d: d["fields"][0].update(salt=None),  # the default salts with year(dob)
    "salt transform": lambda d: d["fields"][0].update(salt={"field": "dob", "transform": "month"}),
    "hardening": lambda d: d["fields"][0].update(hardening=[{"type": "rule90"}]),
    "blip epsilon": lambda d: d["fields"][0].update(hardening=[{"type": "blip", "epsilon": 3}]),
    "hardening order": lambda d: d["fields"][0].update(
        hardening=[{"type": "rule90"}, {"type": "balance"}]),
    "thresholds": lambda d: d["fields"][0].update(comparison={"thresholds": [0.95]}),
    "normalise": lambda d: d["fields"][0].update(normalise={"remove_titles": False}),
    "kind": lambda d: d["fields"][0].update(kind="text", normalise={}),
    "field name": lambda d: d["fields"][0].update(name="given_name"),
    "field order": lambda d: d["fields"].reverse(),
    "clk bits": lambda d: d["clk"].update(bits=2048),
    "clk hashing": lambda d: d["clk"].update(hashing="double"),
    "clk hardening": lambda d: d["clk"].update(hardening=[{"type": "balance"}]),
    "no clk": lambda d: d.update(clk=None),
    "blocking": lambda d: d["blocking_keys"].pop(),
    "blocking transform": lambda d: d["blocking_keys"][0]["parts"][0].update(transform="nysiis"),
}


def test_fingerprint_changes_when_any_setting_changes():
    base_doc = record_schema_doc()
    base = Schema.from_dict(base_doc).fingerprint
    seen = {base}
    for label, mutate in MUTATIONS.items():
        doc = copy.deepcopy(base_doc)
        mutate(doc)
        fp = Schema.from_dict(doc).fingerprint
        assert fp != base, label
        seen.add(fp)
    assert len(seen) == len(MUTATIONS) + 1


# --------------------------------------------------------------------------------------
# Mapping
# --------------------------------------------------------------------------------------
def mapping_doc(**fields) -> dict:
    return {"linkcore_mapping": 1, "id_column": "ref", "fields": fields}


def test_mapping_is_not_part_of_the_fingerprint(person_schema):
    m = Mapping.from_dict(mapping_doc(first_name={"column": "FORENAME"},
                                      last_name={"column": "SURNAME"},
                                      dob={"column": "DOB", "date_format": "%d/%m/%Y"},
                                      sex={"column": "GENDER", "values": {"1": "m"}},
                                      postcode={"column": None}))
    m.check_schema(person_schema)
    assert "FORENAME" not in person_schema.canonical_json()
    assert Mapping.from_json(m.to_json()) == m


def test_mapping_that_misses_a_field_or_adds_one(person_schema):
    m = Mapping.from_dict(mapping_doc(first_name={"column": "fn"}, last_name={"column": "ln"},
                                      dob={"column": "d"}, sex={"column": "s"},
                                      shoe_size={"column": "x"}))
    with pytest.raises(MappingError) as info:
        m.check_schema(person_schema)
    text = str(info.value)
    assert "'postcode' has no source" in text
    assert "'shoe_size'" in text and "not a field of the schema" in text


def test_date_format_on_a_non_date_field(person_schema):
    fields = {f: {"column": f} for f in person_schema.field_names}
    fields["last_name"]["date_format"] = "%d/%m/%Y"
    fields["first_name"]["values"] = {"j": "john"}
    with pytest.raises(MappingError) as info:
        Mapping.from_dict(mapping_doc(**fields)).check_schema(person_schema)
    text = str(info.value)
    assert "'last_name': date_format given for a name field" in text
    assert "'first_name': 'values' applies only to sex/categorical" in text


def test_missing_column_names_every_absent_column(person_schema):
    m = Mapping.identity(person_schema, id_column="ref")
    with pytest.raises(MappingError) as info:
        m.check_columns(["ref", "first_name", "dob", "sex"])
    text = str(info.value)
    assert "'last_name'" in text and "'postcode'" in text and "'dob'" not in text
    with pytest.raises(MappingError, match="'ref'"):
        m.check_columns(["first_name", "last_name", "dob", "sex", "postcode"])


BAD_MAPPINGS = [
    ([1], "JSON object"),
    ({"id_column": "id", "fields": {"a": {"column": "a"}}}, "linkcore_mapping"),
    (mapping_doc(a={"column": "a"}) | {"linkcore_mapping": 2}, "newer"),
    (mapping_doc(a={"column": "a"}) | {"linkcore_mapping": "1"}, "linkcore_mapping"),
    (mapping_doc(a={"column": "a"}) | {"extra": 1}, "unknown key 'extra'"),
    (mapping_doc(a={"column": "a"}) | {"id_column": ""}, "id_column"),
    (mapping_doc(), "'fields'"),
    (mapping_doc(a="a"), "field 'a': must be an object"),
    (mapping_doc(a={"column": "a", "columns": ["a"]}), "field 'a': give 'column' or 'columns'"),
    (mapping_doc(a={"columns": []}), "field 'a': 'columns' must be a non-empty list"),
    (mapping_doc(a={"column": 3}), "field 'a': 'column' must be a column name or null"),
    (mapping_doc(a={}), "field 'a': needs 'column'"),
    (mapping_doc(a={"column": "a", "colour": 1}), "field 'a': unknown key(s) 'colour'"),
    (mapping_doc(a={"column": "a", "date_format": "dd/mm/yyyy"}), "has no % directives"),
    (mapping_doc(a={"column": "a", "date_format": "%Q-%Z"}), "directive strptime does not know"),
    (mapping_doc(a={"column": "a", "date_format": 5}), "'date_format' must be"),
    (mapping_doc(a={"column": "a", "values": {"1": 1}}), "'values' must map strings"),
]


@pytest.mark.parametrize("doc, expected", BAD_MAPPINGS, ids=[e for _, e in BAD_MAPPINGS])
def test_bad_mapping_documents(doc, expected):
    with pytest.raises(MappingError) as info:
        Mapping.from_dict(doc)
    assert expected in str(info.value)


def test_mapping_json_and_file_errors(tmp_path):
    with pytest.raises(MappingError, match="line 1"):
        Mapping.from_json("{nope")
    with pytest.raises(MappingError, match="not found"):
        Mapping.load(tmp_path / "absent.json")
