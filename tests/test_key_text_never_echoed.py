"""A key typed where its file's path or its variable's name belongs is never echoed back.

Nor a key given as a stray argument or to an option that does not exist (click's usage errors
echo arguments): every such mistake is one ``error:`` line, exit 2, nothing written.
"""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner
from keybytes import key_bytes

from linkcore.cli import main
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_schema
from linkcore.synth import generate_population, make_extracts

KEY = Secret(bytes(range(40, 72)))
RAW = bytes(range(40, 72))


def forms() -> list[str]:
    """The key as the key file holds it, and its bare base64 and hex."""
    return [KEY.to_text().strip(), base64.b64encode(RAW).decode(), RAW.hex()]


def leaks(output: str) -> bool:
    return any(f in output for f in forms()) or base64.b64encode(RAW).decode()[:16] in output


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("keytext")
    pop = generate_population(300, seed=5)
    (a, _), _ = make_extracts(pop, agencies=2, seed=5)
    a.to_csv(d / "a.csv", index=False)
    schema, mapping, _ = suggest_schema(a)
    (d / "schema.json").write_text(schema.to_json(), encoding="utf-8")
    (d / "mapping.json").write_text(mapping.to_json(), encoding="utf-8")
    KEY.write(d / "shared.key")
    Secret(key_bytes("p")).write(d / "project.key")
    r = CliRunner().invoke(main, ["encode", str(d / "a.csv"), "--schema", str(d / "schema.json"),
                                  "--mapping", str(d / "mapping.json"), "--key-file",
                                  str(d / "shared.key"), "-o", str(d / "a.parquet"), "-q"])
    assert r.exit_code == 0, r.output
    return d


def one_line_no_key(r) -> None:
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert not leaks(r.output), r.output


@pytest.mark.parametrize("form", range(3))
@pytest.mark.parametrize("how", ["--key-file", "--key-env", "positional", "--key"])
def test_encode_never_echoes_a_key_given_as_a_name(work, tmp_path, how, form):
    text = forms()[form]
    base = ["encode", str(work / "a.csv"), "--schema", str(work / "schema.json"), "--mapping",
            str(work / "mapping.json"), "-o", str(tmp_path / "out.parquet")]
    args = {"--key-file": ["--key-file", text], "--key-env": ["--key-env", text],
            "positional": ["--key-file", str(work / "shared.key"), text],
            "--key": ["--key", text]}[how]
    one_line_no_key(CliRunner().invoke(main, base + args))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["create", "add-month"])
def test_store_never_echoes_a_project_key_given_as_a_file_name(work, tmp_path, command):
    text = forms()[0]
    store = tmp_path / "people.db"
    args = (["store", "create", str(store), "--schema-from", str(work / "a.parquet")]
            if command == "create" else
            ["store", "add-month", str(store), "--month", "2026-01", "--agency", "a",
             str(work / "a.parquet"), "--new-agency", "a"])
    one_line_no_key(CliRunner().invoke(main, args + ["--project-key-file", text]))
    assert list(tmp_path.iterdir()) == []


def test_a_path_that_is_not_a_key_is_still_named(work, tmp_path):
    r = CliRunner().invoke(main, ["encode", str(work / "a.csv"), "--schema",
                                  str(work / "schema.json"), "--key-file",
                                  str(tmp_path / "nowhere.key"), "-o", str(tmp_path / "o.parquet")])
    assert r.exit_code == 2 and "nowhere.key" in r.output


def near_forms() -> list[str]:
    """The key as typed with a slip: base64 without its padding, hex a digit short or split."""
    hexed = RAW.hex()
    return [base64.b64encode(RAW).decode().rstrip("="), hexed[:63],
            f"{hexed[:32]} {hexed[32:]}"]


def leaks_any(output: str) -> bool:
    hexed = RAW.hex()
    return leaks(output) or any(part in output for part in (hexed[:32], hexed[32:]))


@pytest.mark.parametrize("text", forms() + near_forms())
@pytest.mark.parametrize("where", ["input", "--schema", "link input", "--key-file",
                                   "--key-env"])
def test_a_key_typed_as_a_path_or_name_is_never_echoed(work, tmp_path, where, text):
    d = work
    encode = ["encode", d / "a.csv", "--schema", d / "schema.json", "--mapping",
              d / "mapping.json", "--key-file", d / "shared.key", "-o", tmp_path / "o.parquet"]
    args = {
        "input": ["encode", text, *encode[2:]],
        "--schema": [*encode[:3], text, *encode[4:]],
        "link input": ["link", text, d / "a.parquet", "-o", tmp_path / "m.csv"],
        "--key-file": [*encode[:7], text, *encode[8:]],
        "--key-env": [*encode[:6], "--key-env", text, *encode[8:]],
    }[where]
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert not leaks_any(r.output), r.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("text", [forms()[1], forms()[2], near_forms()[0]])
@pytest.mark.parametrize("command", ["encode", "keygen", "store create"])
def test_a_key_typed_as_an_output_name_is_refused(work, tmp_path, monkeypatch, command, text):
    d = work
    monkeypatch.chdir(tmp_path)
    args = {
        "encode": ["encode", d / "a.csv", "--schema", d / "schema.json", "--mapping",
                   d / "mapping.json", "--key-file", d / "shared.key", "-o", text],
        "keygen": ["keygen", "-o", text],
        "store create": ["store", "create", text, "--schema-from", d / "a.parquet",
                         "--project-key-file", d / "project.key"],
    }[command]
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 2, r.output
    assert "looks like a key" in r.output and not leaks_any(r.output), r.output
    assert not list(tmp_path.iterdir())  # nothing named after the key


def test_errors_keep_no_text_in_their_exception_chain(tmp_path):
    """Regression (helper-67): the JSON parser's and the UTF-8 encoder's errors, which hold the
    whole text (a key file or an extract read as a schema; every name of a column), stayed
    reachable as the raised error's __context__, where error reporters record them."""
    from linkcore import encode
    from linkcore.errors import LinkcoreError
    from linkcore.schema import Mapping, Schema

    key_file = tmp_path / "k.key"
    key_file.write_text(KEY.to_text())
    extract = tmp_path / "a.csv"
    extract.write_text("given_name,surname\nZebedeeqx,Quillontrap\n")
    df = generate_population(30, seed=1)[["first_name", "last_name", "date_of_birth"]]
    schema, mapping, _ = suggest_schema(df.assign(ref=[f"R{i}" for i in range(len(df))]))
    df = df.assign(ref=[f"R{i}" for i in range(len(df))])
    df.loc[3, "first_name"] = "Zebedeeqx\udc80"
    for call in (lambda: Schema.load(key_file), lambda: Mapping.load(extract),
                 lambda: encode(df, schema, KEY, mapping)):
        with pytest.raises(LinkcoreError) as info:
            call()
        assert info.value.__context__ is None and info.value.__cause__ is None
