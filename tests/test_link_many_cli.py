"""``linkcore link A B C``, ``--dedupe``, ``linkcore dedupe``: clusters, person ids, releases."""

from __future__ import annotations

import json
import os
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from keybytes import key_bytes
from test_dedupe import SECRET, agencies

from linkcore.cli import main
from linkcore.holder.keys import Secret
from linkcore.linkage.pseudonyms import (
    ProjectKey,
    release_tables,
    shared_counts,
    with_person_ids,
)

PROJECT = Secret(key_bytes("p"))


def run(*args, env=None):
    return CliRunner().invoke(main, list(map(str, args)), env=env)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("many")
    encoded, truth, _ = agencies()
    for i, ds in enumerate(encoded):
        ds.write(d / f"agency_{i + 1}.linkcore.parquet")
    truth.assign(agency="agency_" + truth["agency"]).to_csv(d / "truth_clusters.csv",
                                                             index=False)
    PROJECT.write(d / "project.key")
    SECRET.write(d / "shared.key")
    other = agencies(secret=Secret(key_bytes("e")))[0]
    other[0].write(d / "other_key.parquet")
    # readable metadata, records that are not: two rows share a record id
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(d / "agency_3.linkcore.parquet")
    ids = table.column(0).to_pylist()
    ids[1] = ids[0]
    table = table.set_column(0, table.schema.field(0), pa.array(ids, table.schema.field(0).type))
    pq.write_table(table.replace_schema_metadata(table.schema.metadata), d / "repeated_id.parquet")
    return d


def inputs(d):
    return [d / f"agency_{i}.linkcore.parquet" for i in (1, 2, 3)]


def test_three_files_dedupe_writes_clusters_releases_and_counts(files, tmp_path):
    out, rel, counts = tmp_path / "clusters.csv", tmp_path / "release", tmp_path / "shared.csv"
    r = run("link", *inputs(files), "--dedupe", "-o", out, "--project-key-file",
            files / "project.key", "--release-dir", rel, "--shared-counts", counts)
    assert r.exit_code == 0, r.output
    assert "within one agency" in r.output and "estimated precision" in r.output
    people = pd.read_csv(out, dtype=str)
    assert list(people.columns) == ["agency", "id", "person"]
    assert set(people["agency"]) == {"agency_1", "agency_2", "agency_3"}
    assert people["person"].str.fullmatch(r"[0-9a-f]{16}").all()
    for name in ("agency_1", "agency_2", "agency_3"):
        release = pd.read_csv(rel / f"release_{name}.csv", dtype=str)
        mine = people[people["agency"] == name]
        assert list(release.columns) == ["id", "person"]
        assert sorted(release["id"]) == sorted(mine["id"])  # only its own records
        assert dict(zip(release["id"], release["person"], strict=True)) == dict(
            zip(mine["id"], mine["person"], strict=True))
    table = pd.read_csv(counts)
    assert list(table.columns) == ["agency_1", "agency_2", "agency_3", "people"]
    assert table["people"].sum() == people["person"].nunique()
    ev = run("evaluate", out, "--truth", files / "truth_clusters.csv", "--json")
    assert ev.exit_code == 0, ev.output
    m = json.loads(ev.output)
    assert m["mode"] == "clusters" and m["pairwise"]["f1"] > 0.95 and m["within"]["tp"] > 0
    assert m["bcubed_f1"] > 0.95 and 0.9 < m["exact_share"] <= 1


def test_dedupe_command_and_agency_names(files, tmp_path):
    out = tmp_path / "one.parquet"
    r = run("dedupe", inputs(files)[0], "-o", out, "--agency-names", "benefits",
            env={"LINKCORE_PROJECT_KEY": PROJECT.to_text()})
    assert r.exit_code == 0, r.output
    people = pd.read_parquet(out)
    assert set(people["agency"]) == {"benefits"}
    assert people["person"].nunique() < len(people)  # duplicates found


def test_three_files_without_dedupe_keep_one_record_per_agency(files, tmp_path):
    out = tmp_path / "c.csv"
    r = run("link", *inputs(files), "-o", out, "--project-key-file", files / "project.key")
    assert r.exit_code == 0, r.output
    people = pd.read_csv(out, dtype=str)
    assert not people.duplicated(["person", "agency"]).any()


def test_mapped_dir_gives_the_same_clusters_for_several_files(files, tmp_path):
    key = ["--project-key-file", files / "project.key", "--quiet"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for mode, extra in (("dedupe", ["--dedupe"]), ("many", [])):
        plain, mapped = tmp_path / f"{mode}.csv", tmp_path / f"{mode}-mapped.csv"
        r = run("link", *inputs(files), *extra, "-o", plain, *key)
        assert r.exit_code == 0, r.output
        r = run("link", *inputs(files), *extra, "-o", mapped, *key, "--mapped-dir", scratch)
        assert r.exit_code == 0, r.output
        assert pd.read_csv(mapped).equals(pd.read_csv(plain))
    r = run("dedupe", *inputs(files), "-o", tmp_path / "d.csv", *key, "--mapped-dir", scratch)
    assert r.exit_code == 0, r.output
    assert pd.read_csv(tmp_path / "d.csv").equals(pd.read_csv(tmp_path / "dedupe.csv"))
    assert not list(scratch.iterdir())
    out = tmp_path / "none.csv"
    r = run("dedupe", *inputs(files), "-o", out, *key, "--mapped-dir", tmp_path / "absent")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "not a directory" in r.output
    assert not out.exists()


def test_two_files_keep_the_matches_output(files, tmp_path):
    out = tmp_path / "m.csv"
    r = run("link", *inputs(files)[:2], "-o", out)
    assert r.exit_code == 0, r.output
    assert list(pd.read_csv(out).columns) == ["id_a", "id_b", "probability", "match_weight"]


@pytest.mark.parametrize("case", ["one file", "same file twice", "other key", "holders key",
                                  "no project key", "pairwise option", "bad clustering",
                                  "names count", "repeated id", "repeated id, dedupe",
                                  "repeated id, dedupe, workers", "agency named people",
                                  "agency name with a colon", "names alike but a no-break space",
                                  "names alike but an accent", "a base64url key as a name"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(files, tmp_path, case):
    a, b, c = inputs(files)
    key = ["--project-key-file", files / "project.key"]
    args = {
        "one file": [a, *key],
        "same file twice": [a, b, a, *key],
        "other key": [a, b, files / "other_key.parquet", *key],
        "holders key": [a, b, c, "--project-key-file", files / "shared.key"],
        "no project key": [a, b, c],
        "pairwise option": [a, b, c, "--one-to-one", "optimal", *key],
        "bad clustering": [a, b, c, "--dedupe", "--clustering", "magic", *key],
        "names count": [a, b, c, "--agency-names", "x,y", *key],
        "repeated id": [a, b, files / "repeated_id.parquet", *key],
        "repeated id, dedupe": [a, b, files / "repeated_id.parquet", "--dedupe", *key],
        "repeated id, dedupe, workers": [a, b, files / "repeated_id.parquet", "--dedupe",
                                         "--workers", "1", *key],
        "agency named people": [a, b, c, "--agency-names", "x,People,z", "--shared-counts",
                                tmp_path / "shared.csv", *key],
        "agency name with a colon": [a, b, c, "--agency-names", "x,y:z,w", *key],
        "names alike but a no-break space": [a, b, c, "--agency-names", "a b,a\u00a0b,c", *key],
        "names alike but an accent": [a, b, c, "--agency-names", "benefits,b\u00e9n\u00e9fits,c",
                                      *key],
        "a base64url key as a name": [
            a, b, c, "--agency-names", "x,y,Qm9vXzEy-aGVsbG8td29ybGQ_MTIzNDU2Nzg5MGFiY2RlZmdo",
            *key],
    }[case]
    out, rel = tmp_path / "out.csv", tmp_path / "rel"
    env = {"LINKCORE_PROJECT_KEY": None} if case == "no project key" else None
    r = run("link", *args, "-o", out, "--release-dir", rel, env=env)
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert not out.exists() and not (rel.exists() and any(rel.iterdir()))
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]
    assert "linkcore-secret" not in r.output


def test_two_files_that_are_one_file_are_refused(files, tmp_path):
    a = inputs(files)[0]
    (tmp_path / "alias.parquet").symlink_to(a)
    for second in (a, tmp_path / "alias.parquet"):
        out = tmp_path / "matches.csv"
        r = run("link", a, second, "-o", out)
        assert r.exit_code == 2, r.output
        lines = [x for x in r.output.splitlines() if x.strip()]
        assert len(lines) == 1 and "same file" in lines[0], r.output
        assert not out.exists()


@pytest.mark.parametrize("extra", [["--partitions", "257"],
                                   ["--partitions", "99999999999999999999999"],
                                   ["--workers", "100000"]])
@pytest.mark.parametrize("clusters", [False, True])
def test_out_of_range_partitions_and_workers_are_refused_before_any_work(files, tmp_path,
                                                                         extra, clusters):
    a, b, _ = inputs(files)
    out = tmp_path / "out.csv"
    more = ["--dedupe", "--project-key-file", files / "project.key"] if clusters else []
    r = run("link", a, b, "-o", out, *more, *extra)
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and ("from 1 to" in lines[0]), r.output
    assert not out.exists()


# --------------------------------------------------------------------------- person ids


def test_person_ids_depend_on_membership_not_on_positions_or_order():
    key = ProjectKey(key_bytes("p"))
    table = pd.DataFrame({"agency": ["a", "b", "a", "c"], "id": ["1", "9", "2", "3"],
                          "cluster": [0, 0, 1, 2]})
    shuffled = table.iloc[[3, 1, 2, 0]].assign(cluster=[70, 5, 11, 5])
    one, two = with_person_ids(table, key), with_person_ids(shuffled, key)
    pd.testing.assert_frame_equal(one, two)
    pid = dict(zip(one["agency"] + one["id"], one["person"], strict=True))
    assert pid["a1"] == pid["b9"] != pid["a2"]
    assert all(re.fullmatch(r"[0-9a-f]{16}", p) for p in pid.values())
    # another project key: unrelated ids
    other = with_person_ids(table, ProjectKey(key_bytes("q")))
    assert not set(other["person"]) & set(one["person"])
    assert "p" * 8 not in repr(key)


def test_project_key_must_not_be_the_holders_key():
    from linkcore.errors import SecretError

    with pytest.raises(SecretError, match="data holders"):
        ProjectKey(key_bytes("d")).refuse_holders_key([SECRET.key_check_value()])
    ProjectKey(key_bytes("p")).refuse_holders_key([SECRET.key_check_value()])


def test_release_tables_and_shared_counts():
    people = pd.DataFrame({"agency": ["a", "a", "b", "c"], "id": ["2", "1", "7", "8"],
                           "person": ["x", "y", "x", "z"]})
    rel = release_tables(people)
    assert list(rel) == ["a", "b", "c"]
    assert rel["a"].to_dict("list") == {"id": ["1", "2"], "person": ["y", "x"]}
    counts = shared_counts(people, ["a", "b", "c"])
    assert counts.to_dict("records") == [
        {"a": 1, "b": 1, "c": 0, "people": 1},
        {"a": 1, "b": 0, "c": 0, "people": 1},
        {"a": 0, "b": 0, "c": 1, "people": 1},
    ]


def test_the_clusters_table_is_never_written_into_the_release_folder(files, tmp_path):
    """Regression (a review): a table of every agency's ids could go to the agencies' folder."""
    rel = tmp_path / "release"
    for option in ("-o", "--shared-counts"):
        out = rel / "table.csv" if option == "-o" else tmp_path / "clusters.csv"
        extra = ["--shared-counts", rel / "shared.csv"] if option == "--shared-counts" else []
        r = run("link", *inputs(files), "--dedupe", "-o", out, "--project-key-file",
                files / "project.key", "--release-dir", rel, *extra)
        assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
        assert f"{option} " in r.output and "inside --release-dir" in r.output
        assert not rel.exists() and not out.exists()


def test_dedupe_writes_its_pairs_for_review(files, tmp_path):
    """helper-68: a dedupe gave clusters only, so its borderline pairs could not be reviewed
    or calibrated from the CLI; --pairs-out writes them, and evaluate scores them against plain
    pairs of the one file in either order."""
    key = ["--project-key-file", files / "project.key", "-q"]
    pairs, clusters = tmp_path / "pairs.csv", tmp_path / "c.csv"
    r = run("dedupe", inputs(files)[0], "-o", clusters, "--pairs-out", pairs,
            "--threshold", "0.2", *key)
    assert r.exit_code == 0, r.output
    got = pd.read_csv(pairs, dtype={"id_a": str, "id_b": str})
    assert list(got.columns) == ["agency_a", "id_a", "agency_b", "id_b", "probability",
                                 "match_weight"]
    assert len(got) and (got["probability"] >= 0.2).all()
    assert (pairs.stat().st_mode & 0o077) == 0  # person-level: the owner's only
    flipped = got.head(3)[["id_b", "id_a"]].set_axis(["id_a", "id_b"], axis=1)
    flipped.to_csv(tmp_path / "truth.csv", index=False)
    r = run("evaluate", pairs, "--truth", tmp_path / "truth.csv")
    assert r.exit_code == 0, r.output
    assert "tp 3  fp" in r.output and "fn 0" in r.output
    release = tmp_path / "release"  # every agency's ids: not a file for one agency's folder
    r = run("dedupe", inputs(files)[0], "-o", tmp_path / "c2.csv", "--pairs-out",
            release / "pairs.csv", "--release-dir", release, *key)
    assert r.exit_code == 2 and "--pairs-out" in r.output and "inside --release-dir" in r.output
    assert not release.exists() or not list(release.iterdir())
    out = tmp_path / "m.csv"
    r = run("link", *inputs(files), "-o", out, "--pairs-out", tmp_path / "p2.csv", *key)
    assert r.exit_code == 2 and "--pairs-out applies to --dedupe" in r.output
    assert not out.exists() and not (tmp_path / "p2.csv").exists()
