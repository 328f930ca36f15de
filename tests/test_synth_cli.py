import json

import pandas as pd
import pytest
from click.testing import CliRunner

from linkcore.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_synth_writes_extracts_and_truth(tmp_path):
    out = tmp_path / "data"
    res = run(
        "synth",
        "--people",
        1500,
        "--agencies",
        2,
        "--overlap",
        0.5,
        "--profile",
        "moderate",
        "--seed",
        7,
        "-o",
        out,
    )
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["agency_1.csv", "agency_2.csv", "manifest.json", "register.csv", "truth.csv",
                     "truth_clusters.csv"]
    for name in ("agency_1.csv", "agency_2.csv", "truth.csv", "register.csv"):
        assert f"wrote {out / name}" in res.output
    a = pd.read_csv(out / "agency_1.csv", dtype=str)
    b = pd.read_csv(out / "agency_2.csv", dtype=str)
    truth = pd.read_csv(out / "truth.csv", dtype=str)
    assert list(truth.columns) == ["id_a", "id_b"]
    assert truth["id_a"].isin(a["rec_id"]).all() and truth["id_b"].isin(b["record_id"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"]["agency_2.csv"]["id_column"] == "record_id"
    assert manifest["truth"]["pairs"] == len(truth)
    assert manifest["register"]["records"] == len(pd.read_csv(out / "register.csv"))
    # every record once, with its person; the truth's pairs are pairs of one cluster
    clusters = pd.read_csv(out / "truth_clusters.csv", dtype=str)
    assert list(clusters.columns) == ["agency", "id", "cluster"]
    assert len(clusters) == len(a) + len(b) == manifest["truth_clusters"]["records"]
    label = dict(zip(clusters["agency"] + "/" + clusters["id"], clusters["cluster"], strict=True))
    assert all(label["agency_1/" + x] == label["agency_2/" + y]
               for x, y in zip(truth["id_a"], truth["id_b"], strict=True))
    # same seed, same bytes
    out2 = tmp_path / "again"
    run("synth", "--people", 1500, "--seed", 7, "-o", out2)
    for name in ("agency_1.csv", "agency_2.csv", "truth.csv", "register.csv"):
        assert (out / name).read_bytes() == (out2 / name).read_bytes()


def test_register_is_half_the_adults_with_true_values_and_no_ni_number():
    from linkcore.synth import generate_extracts, generate_population, make_register
    from linkcore.synth.register import REGISTER_COLUMNS

    people = generate_population(3000, 5)
    register = make_register(people, 5)
    assert tuple(register.columns) == REGISTER_COLUMNS and "ni_number" not in register
    assert list(register["register_id"]) == list(range(1, len(register) + 1))
    adults = people[people["date_of_birth"] <= "2007-01-01"]
    assert register["date_of_birth"].max() <= "2007-01-01"
    assert 0.45 * len(adults) < len(register) < 0.55 * len(adults)
    # every entry is one adult of the population, with the population's own values
    columns = [c for c in REGISTER_COLUMNS if c != "register_id"]
    merged = register.merge(adults, on=columns, how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    # its own random stream: the extracts of a seed do not change because it exists
    before = generate_extracts(people, 2, 0.5, "moderate", 5).extracts[0]
    make_register(people, 5)
    assert generate_extracts(people, 2, 0.5, "moderate", 5).extracts[0].equals(before)


def test_register_maps_onto_a_suggested_schema_for_the_audit(tmp_path):
    out = tmp_path / "data"
    assert run("synth", "--people", 1200, "--seed", 3, "-o", out, "-q").exit_code == 0
    from linkcore.holder.suggest import suggest_mapping, suggest_schema

    schema, _, _ = suggest_schema(pd.read_csv(out / "agency_1.csv", dtype=str))
    mapping, _ = suggest_mapping(pd.read_csv(out / "register.csv", dtype=str), schema)
    assert mapping.id_column == "register_id"
    held = {name for name, source in mapping.sources if source.columns}
    assert {"first_name", "last_name", "date_of_birth", "postcode"} <= held
    assert "ni_number" not in held


def test_synth_three_agencies_profiles_and_rates(tmp_path):
    res = run(
        "synth",
        "--people",
        900,
        "--agencies",
        3,
        "--profile",
        "clean,moderate,heavy",
        "--rate",
        "typo=0.2",
        "-o",
        tmp_path,
        "-q",
    )
    assert res.exit_code == 0, res.output
    assert res.output == ""
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    assert list(truth.columns) == ["agency_a", "id_a", "agency_b", "id_b"]
    clusters = pd.read_csv(tmp_path / "truth_clusters.csv", dtype=str)
    named = set(truth["agency_a"]) | set(truth["agency_b"])
    assert named == set(clusters["agency"]) == {"agency_1", "agency_2", "agency_3"}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["files"]["agency_3.csv"]["rates"]["typo"] == 0.2


@pytest.mark.parametrize(
    "args",
    [
        ["--overlap", "1.5"],
        ["--overlap", "-0.1"],
        ["--people", "-5"],
        ["--agencies", "1"],
        ["--profile", "bogus"],
        ["--profile", "clean,heavy,moderate"],
        ["--rate", "typo=2"],
        ["--rate", "nosuch=0.1"],
        ["--rate", "typo"],
    ],
)
def test_synth_bad_input_exits_2_and_writes_nothing(tmp_path, args):
    out = tmp_path / "out"
    res = run("synth", "--people", 200, *args, "-o", out)
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_synth_output_that_is_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    res = run("synth", "--people", 10, "-o", target)
    assert res.exit_code == 2
    assert target.read_text() == "x"
