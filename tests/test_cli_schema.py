"""``linkcore schema``: suggest, validate, fingerprint; exit codes, one-line errors, no partials."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from faker import Faker

from linkcore.cli import main
from linkcore.schema import Mapping, Schema

N = 300


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, Path]:
    """The same people as agency A (ISO dates, Male/Female) and B (UK dates, M/F) write them."""
    fake = Faker("en_GB")
    fake.seed_instance(99)
    rng = np.random.default_rng(5)
    males = rng.random(N) < 0.5
    first = [fake.first_name_male() if m else fake.first_name_female() for m in males]
    last = [fake.last_name() for _ in range(N)]
    dobs = [fake.date_of_birth(minimum_age=1, maximum_age=95) for _ in range(N)]
    street = [f"{rng.integers(1, 200)} {fake.street_name()}" for _ in range(N)]
    town = [fake.city() for _ in range(N)]
    pcs = [fake.postcode() for _ in range(N)]
    ni = [f"{a}{b}{n:06d}{c}" for a, b, n, c in zip(
        rng.choice(list("ABCEGHJ"), N), rng.choice(list("ABCEGHJ"), N),
        rng.integers(0, 10**6, N), rng.choice(list("ABCD"), N), strict=True)]
    a = pd.DataFrame({
        "rec_id": [f"R{i:06d}" for i in range(N)], "given_name": first, "surname": last,
        "sex": np.where(males, "Male", "Female"), "dob": [d.isoformat() for d in dobs],
        "address": street, "town": town, "postcode": pcs, "ni_number": ni,
    })
    b = pd.DataFrame({
        "record_id": [str(90_000 + i) for i in range(N)],
        "FORENAME": [f.upper() for f in first], "SURNAME": [s.upper() for s in last],
        "GENDER": np.where(males, "M", "F"), "DOB": [d.strftime("%d/%m/%Y") for d in dobs],
        "ADDRESS_LINE_1": [s.upper() for s in street], "TOWN": [t.upper() for t in town],
        "POST_CODE": [p.replace(" ", "").lower() for p in pcs], "NINO": ni,
    })
    d = tmp_path_factory.mktemp("tables")
    a.to_csv(d / "a.csv", index=False)
    b.to_csv(d / "b.csv", index=False)
    b.to_parquet(d / "b.parquet", index=False)
    return {"a": d / "a.csv", "b": d / "b.csv", "b_parquet": d / "b.parquet",
            "frame_a": a, "frame_b": b}  # type: ignore[dict-item]


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def files_in(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


def assert_one_line_error(result) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output


def assert_no_values(text: str, df: pd.DataFrame) -> None:
    names = set(map(str, df.columns))
    words = set(re.findall(r"[\w'-]+", text))
    for col in df.columns:
        for v in set(df[col].astype(str)):
            if len(v) >= 4 and v not in names and (" " in v or v in words):
                assert not re.search(r"(?<![\w'-])" + re.escape(v) + r"(?![\w'-])", text), col


# --------------------------------------------------------------------------------------
# suggest
# --------------------------------------------------------------------------------------
def test_suggest_writes_schema_and_mapping_and_explains(tables, tmp_path):
    s, m = tmp_path / "schema.json", tmp_path / "mapping.json"
    result = run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    assert result.exit_code == 0, result.output
    schema = Schema.load(s)
    mapping = Mapping.load(m)
    mapping.check_schema(schema)
    assert mapping.id_column == "rec_id"
    assert mapping.fields["date_of_birth"].date_format == "%Y-%m-%d"
    out = result.stdout
    assert re.search(r"dob -> date_of_birth \(date, format %Y-%m-%d: 100% of 300 sampled values "
                     r"parse\)", out)
    assert "postcode -> postcode (postcode," in out
    assert schema.fingerprint[:16] in out
    assert files_in(tmp_path) == {"schema.json", "mapping.json"}
    for text in (out, s.read_text(), m.read_text()):
        assert_no_values(text, tables["frame_a"])


def test_suggest_onto_an_agreed_schema_then_validate(tables, tmp_path):
    s, m_a, m_b = tmp_path / "s.json", tmp_path / "ma.json", tmp_path / "mb.json"
    assert run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m_a).exit_code == 0
    before = s.read_text()
    result = run("schema", "suggest", tables["b"], "--schema", s, "-o", m_b)
    assert result.exit_code == 0, result.output
    assert s.read_text() == before
    mapping = Mapping.load(m_b)
    assert mapping.id_column == "record_id"
    assert mapping.fields["date_of_birth"].date_format == "%d/%m/%Y"
    assert mapping.fields["postcode"].columns == ("POST_CODE",)
    assert_no_values(result.stdout + m_b.read_text(), tables["frame_b"])
    ok = run("schema", "validate", s, "--mapping", m_b, "--data", tables["b"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("OK: ")
    assert Schema.load(s).fingerprint in ok.stdout
    # The same for a Parquet copy of B.
    m_pq = tmp_path / "mpq.json"
    assert run("schema", "suggest", tables["b_parquet"], "--schema", s, "-o", m_pq).exit_code == 0
    assert Mapping.load(m_pq).to_dict() == mapping.to_dict()


def test_fingerprint(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    result = run("schema", "fingerprint", s)
    assert result.exit_code == 0
    assert result.stdout.strip() == Schema.load(s).fingerprint
    # Key order and whitespace do not change it.
    doc = json.loads(s.read_text())
    s2 = tmp_path / "s2.json"
    s2.write_text(json.dumps(dict(reversed(list(doc.items()))), separators=(",", ":")))
    assert run("schema", "fingerprint", s2).stdout == result.stdout


@pytest.mark.parametrize("args", [
    ["schema", "--help"], ["schema", "suggest", "--help"], ["schema", "validate", "--help"],
    ["schema", "fingerprint", "--help"],
])
def test_help_has_an_example(args):
    result = run(*args)
    assert result.exit_code == 0
    assert "Example" in result.stdout and "linkcore schema" in result.stdout


# --------------------------------------------------------------------------------------
# Bad input: exit 2, one line, nothing written
# --------------------------------------------------------------------------------------
def _bad_files(d: Path, frame_a: pd.DataFrame) -> dict[str, Path]:
    (d / "empty.csv").write_bytes(b"")
    (d / "latin1.csv").write_bytes("id,surname\n1,M\xfcller\n".encode("latin-1"))
    (d / "header.csv").write_text("rec_id,surname,dob\n")
    pd.concat([frame_a.drop(columns=["rec_id", "ni_number"])] * 2).to_csv(d / "noid.csv",
                                                                          index=False)
    pd.DataFrame({"id": range(20), "colour": ["red", "blue"] * 10}).to_csv(d / "nouse.csv",
                                                                            index=False)
    return {name: d / f"{name}.csv" for name in ("empty", "latin1", "header", "noid", "nouse")}


@pytest.mark.parametrize(("case", "message"), [
    ("missing", "not found"), ("empty", "empty"), ("latin1", "not UTF-8"),
    ("header", "no rows"), ("noid", "no column can be the record id"),
    ("nouse", "looks like a linkage field"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tables, tmp_path, case, message):
    inputs = tmp_path / "in"
    inputs.mkdir()
    paths = _bad_files(inputs, tables["frame_a"])
    data = paths.get(case, inputs / "missing.csv")
    out = tmp_path / "out"
    out.mkdir()
    result = run("schema", "suggest", data, "-o", out / "s.json", "--mapping-out", out / "m.json")
    assert_one_line_error(result)
    assert message in result.stderr
    assert files_in(out) == set()
    assert_no_values(result.stderr, tables["frame_a"])


def test_mapping_onto_a_schema_with_bad_input_writes_nothing(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    out = tmp_path / "out"
    out.mkdir()
    nouse = tmp_path / "nouse.csv"
    pd.DataFrame({"id": range(20), "colour": ["red", "blue"] * 10}).to_csv(nouse, index=False)
    result = run("schema", "suggest", nouse, "--schema", s, "-o", out / "mb.json")
    assert_one_line_error(result)
    bad_schema = tmp_path / "bad.json"
    bad_schema.write_text('{"linkcore_schema": 1, "fields": [{"name": "x", "kind": "nope"}]}')
    result = run("schema", "suggest", tables["b"], "--schema", bad_schema, "-o", out / "mb.json")
    assert_one_line_error(result)
    assert "unknown kind" in result.stderr
    assert files_in(out) == set()


def test_existing_outputs_need_force(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    s.write_text("keep me")
    result = run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    assert_one_line_error(result)
    assert "--force" in result.stderr
    assert s.read_text() == "keep me" and not m.exists()
    result = run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m, "--force")
    assert result.exit_code == 0
    Schema.load(s)


@pytest.mark.parametrize("extra", [
    [],                                     # no --mapping-out and no --schema
    ["--mapping-out", "{s}"],               # the same file twice
    ["--mapping-out", "{data}"],            # overwrite the input
    ["--mapping-out", "{m}", "--sample-size", "5"],
])
def test_bad_options_exit_2(tables, tmp_path, extra):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    extra = [e.format(s=s, m=m, data=tables["a"]) for e in extra]
    result = run("schema", "suggest", tables["a"], "-o", s, *extra)
    assert_one_line_error(result)
    assert not s.exists() and not m.exists()


def test_mapping_out_with_schema_is_refused(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    result = run("schema", "suggest", tables["b"], "--schema", s, "-o", tmp_path / "x.json",
                 "--mapping-out", tmp_path / "y.json")
    assert_one_line_error(result)
    assert not (tmp_path / "x.json").exists()


# --------------------------------------------------------------------------------------
# validate and fingerprint problems
# --------------------------------------------------------------------------------------
def test_validate_lists_every_schema_problem(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"linkcore_schema": 1, "fields": [
        {"name": "a", "kind": "name", "filter_bits": 100},
        {"name": "b", "kind": "name", "tokens": {"type": "qgram", "q": 0}}]}))
    result = run("schema", "validate", bad)
    assert result.exit_code == 2
    problems = [ln for ln in result.stderr.splitlines() if ln.startswith("problem: ")]
    assert len(problems) == 2
    assert "multiple of 64" in problems[0] and "q must be" in problems[1]
    assert result.stderr.strip().splitlines()[-1] == "error: 2 problems found"
    assert result.stdout == ""


def test_validate_finds_a_mapping_that_does_not_fit_the_data(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    # A's mapping against B's file: none of A's columns are there.
    result = run("schema", "validate", s, "--mapping", m, "--data", tables["b"])
    assert result.exit_code == 2
    assert "has no column" in result.stderr
    # A's columns with B's date format: the mapping's date format is wrong.
    wrong = tables["frame_a"].copy()
    wrong["dob"] = tables["frame_b"]["DOB"]
    data = tmp_path / "wrong.csv"
    wrong.to_csv(data, index=False)
    result = run("schema", "validate", s, "--mapping", m, "--data", data)
    assert result.exit_code == 2
    assert "field 'date_of_birth'" in result.stderr and "date_format '%Y-%m-%d'" in result.stderr
    assert_no_values(result.stderr, wrong)
    # A duplicated id.
    dup = tables["frame_a"].copy()
    dup.loc[1, "rec_id"] = dup.loc[0, "rec_id"]
    dup.to_csv(data, index=False)
    result = run("schema", "validate", s, "--mapping", m, "--data", data)
    assert result.exit_code == 2
    assert "1 repeated" in result.stderr


def test_validate_refuses_a_table_with_no_records_as_encode_does(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    header_only = tmp_path / "header.csv"
    tables["frame_a"].head(0).to_csv(header_only, index=False)
    result = run("schema", "validate", s, "--mapping", m, "--data", header_only)
    assert_one_line_error(result)
    assert "header but no records" in result.stderr


def test_validate_mapping_that_does_not_fit_the_schema(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    doc = json.loads(m.read_text())
    doc["fields"].pop("last_name")
    m.write_text(json.dumps(doc))
    result = run("schema", "validate", s, "--mapping", m)
    assert result.exit_code == 2
    assert "'last_name' has no source" in result.stderr


@pytest.mark.parametrize("content", [None, b"", b"\xff\xfe", b"[1, 2]"])
def test_validate_unreadable_schema_is_one_line(tmp_path, content):
    path = tmp_path / "s.json"
    if content is not None:
        path.write_bytes(content)
    assert_one_line_error(run("schema", "validate", path))


def test_validate_data_needs_a_mapping(tables, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    run("schema", "suggest", tables["a"], "-o", s, "--mapping-out", m)
    assert_one_line_error(run("schema", "validate", s, "--data", tables["a"]))


@pytest.mark.parametrize("content", [
    None, b"", b"{not json", b"\xff\xfe", b'{"linkcore_schema": 9}',
])
def test_fingerprint_bad_schema_exits_2(tmp_path, content):
    path = tmp_path / "s.json"
    if content is not None:
        path.write_bytes(content)
    assert_one_line_error(run("schema", "fingerprint", path))


# --------------------------------------------------------------------------------------
# merge: one schema for several holders from each one's proposal
# --------------------------------------------------------------------------------------
def test_merge_keeps_the_fields_two_holders_hold_and_designs_afresh(tables, tmp_path):
    from linkcore.holder.suggest import merge_suggestions, suggest_schema

    frame_a = tables["frame_a"]
    with_nhs = frame_a.assign(nhs_number=[f"{943_476_0000 + k}" for k in range(N)])
    no_ni = frame_a.drop(columns=["ni_number"])
    whole = frame_a.drop(columns=["given_name", "surname"]).assign(
        name=frame_a["given_name"] + " " + frame_a["surname"])
    proposals = [suggest_schema(df)[0] for df in (with_nhs, no_ni, whole)]
    assert "nhs_number" in proposals[0].field_names
    assert "full_name" in proposals[2].field_names
    merged, reasons = merge_suggestions(proposals)
    # the NHS number is held by one proposal only, but an identifier is kept (it tells that
    # holder's duplicates apart); the NI number is held by two; the whole name of the third
    # counts as a first name and a surname, so it is not a field of its own
    assert "full_name" not in merged.field_names
    assert "ni_number" in merged.field_names and "nhs_number" in merged.field_names
    assert "nhs_number: held by proposal(s) 1 of 3: kept (an identifier" in "\n".join(reasons)
    # the same design as a single holder's suggestion with exactly those fields
    single = suggest_schema(with_nhs)[0]
    assert [f.to_dict() for f in merged.fields] == [f.to_dict() for f in single.fields]
    assert merged.blocking_keys == single.blocking_keys
    assert any("full_name of proposal 3 counted" in r for r in reasons)
    # a holder whose table has a whole name maps onto the merged schema's name fields
    from linkcore.holder.suggest import suggest_mapping

    mapping, _ = suggest_mapping(whole, merged)
    assert mapping.fields["last_name"].words == "last"
    # at least one holder: min_holders above the count asks for all of them
    alone, _ = merge_suggestions(proposals, min_holders=5)
    assert "date_of_birth" in alone.field_names
    assert {"ni_number", "nhs_number"} <= set(alone.field_names)  # identifiers: any holder


def test_merge_leaves_out_the_sex_of_proposals_that_hold_it(tables, monkeypatch):
    from linkcore.holder import suggest

    frame_a = tables["frame_a"]
    with monkeypatch.context() as mp:
        mp.setattr(suggest, "SEX_FIELD", True)
        older = [suggest.suggest_schema(frame_a)[0] for _ in range(2)]
    assert "sex" in older[0].field_names
    merged, reasons = suggest.merge_suggestions(older)
    assert "sex" not in merged.field_names
    assert "sex: held by proposal(s) 1, 2 of 2: left out (the suggested design leaves sex " \
        "out)" in reasons
    assert [f.to_dict() for f in merged.fields] == \
        [f.to_dict() for f in suggest.suggest_schema(frame_a)[0].fields]


def test_salt_families_shape_a_new_schema_only(tables, tmp_path):
    """One salt family by default (and with --one-salt); --two-salts adds the postcode views."""
    data = tables["a"]
    docs = {}
    for flag in ((), ("--one-salt",), ("--two-salts",)):
        out = run("schema", "suggest", data, "-o", tmp_path / "s.json", "--mapping-out",
                  tmp_path / "m.json", "--force", *flag)
        assert out.exit_code == 0, out.output
        docs[flag] = json.loads((tmp_path / "s.json").read_text())
    assert docs[()] == docs[("--one-salt",)]
    assert [f["name"] for f in docs[()]["fields"] if f["name"].endswith("_by_postcode")] == \
        ["full_name_by_postcode"]  # first name and surname as one token, not the names' views
    assert len([f for f in docs[("--two-salts",)]["fields"]
                if f["name"].endswith("_by_postcode")]) >= 2
    for flag in ("--one-salt", "--two-salts"):
        assert_one_line_error(run("schema", "suggest", data, "--schema", tmp_path / "s.json",
                                  "-o", tmp_path / "m2.json", flag))
        assert not (tmp_path / "m2.json").exists()
    assert run("schema", "suggest", tables["b"], "-o", tmp_path / "b.json", "--mapping-out",
               tmp_path / "mb.json").exit_code == 0
    for flag, two in (((), False), (("--two-salts",), True)):
        out = run("schema", "merge", tmp_path / "s.json", tmp_path / "b.json", "-o",
                  tmp_path / "merged.json", "--force", *flag)
        assert out.exit_code == 0, out.output
        doc = json.loads((tmp_path / "merged.json").read_text())
        views = [f["name"] for f in doc["fields"] if f["name"].endswith("_by_postcode")]
        assert (views != ["full_name_by_postcode"]) == two


def test_cli_merge_writes_one_schema_and_refuses_bad_input(tables, tmp_path):
    a = tmp_path / "a.json"
    b = tmp_path / "b.json"
    assert run("schema", "suggest", tables["a"], "-o", a, "--mapping-out",
               tmp_path / "ma.json", "-q").exit_code == 0
    assert run("schema", "suggest", tables["b"], "-o", b, "--mapping-out",
               tmp_path / "mb.json", "-q").exit_code == 0
    out = tmp_path / "schema.json"
    result = run("schema", "merge", a, b, "-o", out)
    assert result.exit_code == 0, result.output
    assert "ni_number: held by proposal(s) 1, 2 of 2: kept" in result.output
    assert Schema.load(out).fields == Schema.load(a).fields
    before = files_in(tmp_path)
    assert_one_line_error(run("schema", "merge", a, tmp_path / "missing.json", "-o",
                              tmp_path / "s2.json"))
    assert_one_line_error(run("schema", "merge", a, b, "-o", tmp_path / "s3.json",
                              "--min-holders", "0"))
    assert_one_line_error(run("schema", "merge", a, b, "-o", a))  # never over an input
    assert_one_line_error(run("schema", "merge", a, a, "-o", tmp_path / "s4.json"))
    # --whole-postcode shapes a new schema: refused where the agreed one is only mapped onto
    assert_one_line_error(run("schema", "suggest", tables["a"], "--schema", out, "-o",
                              tmp_path / "m.json", "--whole-postcode"))
    assert files_in(tmp_path) == before
    whole = tmp_path / "whole.json"
    assert run("schema", "merge", a, b, "-o", whole, "--whole-postcode", "-q").exit_code == 0
    keys = [k.name for k in Schema.load(whole).blocking_keys]
    assert "postcode.value" in keys and "postcode.value-first_name.first_char" not in keys
    assert Schema.load(whole).field("postcode").salt is None


def test_merge_uses_the_kind_most_proposals_give(tables):
    from linkcore.holder.suggest import merge_suggestions, suggest_schema

    normal = suggest_schema(tables["frame_a"])[0]
    doc = normal.to_dict()
    doc["fields"] = [f for f in doc["fields"] if f.get("source") != "postcode"]
    for f in doc["fields"]:
        if f["name"] == "postcode":
            f.clear()
            f.update(name="postcode", kind="identifier")
        elif f["salt"] and f["salt"]["transform"] == "value_with_salt":
            f["salt"]["transform"] = "value"  # the postcode has no salt of its own now
    doc["blocking_keys"] = [k for k in doc["blocking_keys"] if k["parts"][0]["field"] !=
                            "postcode"]
    odd = Schema.from_dict(doc)
    merged, reasons = merge_suggestions([odd, normal, normal])
    assert merged.field("postcode").kind == "postcode"
    assert "postcode.value-first_name.first_char" in [b.name for b in merged.blocking_keys]
    assert any(r.startswith("postcode: proposals give it as identifier, postcode; using "
                            "postcode") for r in reasons)


def test_a_whole_name_fills_only_the_names_a_table_lacks_and_not_surname_first(tables):
    from linkcore.holder.suggest import suggest_mapping, suggest_schema

    a = tables["frame_a"]
    schema = suggest_schema(a)[0]
    with_first = a.drop(columns=["surname"]).assign(
        name=a["given_name"] + " " + a["surname"])
    mapping, _ = suggest_mapping(with_first, schema)
    assert mapping.fields["first_name"].columns == ("given_name",)
    assert (mapping.fields["last_name"].columns, mapping.fields["last_name"].words) == (
        ("name",), "last")
    surname_first = a.drop(columns=["given_name", "surname"]).assign(
        name=a["surname"].str.upper() + ", " + a["given_name"])
    mapping, reasons = suggest_mapping(surname_first, schema)
    assert mapping.fields["first_name"].columns == () == mapping.fields["last_name"].columns
    assert any(r.startswith("name: not used (a whole name, but 100%") for r in reasons)


def test_validate_notes_fields_the_mapping_does_not_hold(tmp_path):
    """Regression (helper-65): a field left unmapped passed `schema validate --data` as OK."""
    runner = CliRunner()
    assert runner.invoke(main, ["synth", "-n", "300", "-o", str(tmp_path), "-q"]).exit_code == 0
    data = tmp_path / "agency_1.csv"
    r = runner.invoke(main, ["schema", "suggest", str(data), "-o", str(tmp_path / "s.json"),
                             "--mapping-out", str(tmp_path / "m.json")])
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "m.json").read_text())
    doc["fields"]["first_name"] = {"column": None}
    (tmp_path / "m.json").write_text(json.dumps(doc))
    r = runner.invoke(main, ["schema", "validate", str(tmp_path / "s.json"), "--mapping",
                             str(tmp_path / "m.json"), "--data", str(data)])
    assert r.exit_code == 0, r.output
    assert "note: field(s) first_name not held (mapped to null)" in r.stderr


def test_keygen_check_prints_a_received_key_files_check_value(tmp_path):
    """Regression (helper-65): a receiving holder had no command to print its copy's KCV."""
    runner = CliRunner()
    key = tmp_path / "shared.key"
    made = runner.invoke(main, ["keygen", "-o", str(key)])
    assert made.exit_code == 0, made.output
    kcv = made.output.strip().rsplit(" ", 1)[-1]
    checked = runner.invoke(main, ["keygen", "--check", str(key)])
    assert checked.exit_code == 0 and f"key check value {kcv}" in checked.output
    for args in (["keygen"], ["keygen", "--check", str(key), "-o", str(tmp_path / "x.key")],
                 ["keygen", "--check", str(key), "--force"]):
        r = runner.invoke(main, args)
        assert r.exit_code == 2 and r.output.startswith("error: "), r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.key"]
