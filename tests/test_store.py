"""The linked population store: monthly updates, stable ids, history, crash safety, bad input."""

from __future__ import annotations

import functools
import hashlib
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from keybytes import key_bytes

from linkcore.cli import main
from linkcore.errors import DatasetError, ParameterError, StoreError
from linkcore.evaluate import cluster_metrics
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import store
from linkcore.linkage.digests import row_digests, row_digests_reference
from linkcore.linkage.pseudonyms import ProjectKey
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts

SECRET = Secret(key_bytes("s"))
PROJECT = key_bytes("p")
NAMES = ["a", "b", "c"]
KEEP = {"sex", "dob", "gender", "birth_date", "sex_code"}


@functools.lru_cache(maxsize=1)
def plaintext():
    """Three agencies' extracts (with duplicates, each in its own layout) and their truth."""
    pop = generate_population(400, 5)
    res = generate_extracts(pop, 3, 0.5, get_profile("moderate").with_rates(duplicate=0.08), 5)
    return [e.reset_index(drop=True) for e in res.extracts], res.keys, None


@functools.lru_cache(maxsize=1)
def schema():
    extracts, _, _ = plaintext()
    return suggest_schema(extracts[0])[0]


def encoded(frame: pd.DataFrame, secret: Secret = SECRET):
    s = schema()
    return encode(frame, s, secret, suggest_mapping(frame, s)[0])


def person_rows(agency: int) -> pd.DataFrame:
    """Agency's rows with the person each belongs to, in row order."""
    extracts, keys, _ = plaintext()
    k = keys[agency].set_index("record_id")["person_id"]
    frame = extracts[agency]
    return frame.assign(_person=k.loc[frame.iloc[:, 0].astype(str)].to_numpy())


@functools.lru_cache(maxsize=1)
def months():
    """Three months of plaintext extracts per agency, and the rows chosen for merge and split.

    Month 1: a's held-back rows absent; b's merge row carries an outsider's values (so it is a
    person of its own) while its split row is true. Month 2: the same files (no real change).
    Month 3: a's held-back rows arrive and some are withdrawn; b's merge row gets its true
    values (it joins its person: a merge) and its split row an outsider's (a split).
    """
    a, b, c = (person_rows(i) for i in range(3))
    # b's rows whose person also has a row in c: candidates for a merge and a split
    shared = b[b["_person"].isin(set(c["_person"])) & ~b["_person"].duplicated(keep=False)]
    merge_row, split_row = shared.index[0], shared.index[1]

    def with_outsider(frame, row, k):
        """The row with its names, address and NI number scrambled: somebody nobody else holds."""
        frame = frame.copy()
        for col in frame.columns[1:-1]:
            value = frame.loc[row, col]
            if col.lower() not in KEEP and isinstance(value, str) and len(value) > 1:
                frame.loc[row, col] = "Q" * k + value[::-1] + "X"
        return frame

    held = a.index[-20:]
    b1 = with_outsider(b, merge_row, 0)
    b3 = with_outsider(b, split_row, 1)
    gone = a.index[:10]
    m1 = {"a": a.drop(held), "b": b1, "c": c}
    m3 = {"a": a.drop(gone), "b": b3, "c": c}
    strip = {k: v.drop(columns="_person") for k, v in m1.items()}
    strip3 = {k: v.drop(columns="_person") for k, v in m3.items()}
    enc1 = {k: encoded(v) for k, v in strip.items()}
    enc3 = {k: encoded(v) for k, v in strip3.items()}
    ids_a, ids_b = a.iloc[:, 0].astype(str), b.iloc[:, 0].astype(str)
    return enc1, enc3, ids_b.loc[merge_row], ids_b.loc[split_row], set(ids_a.loc[gone]), \
        set(ids_a.loc[held])


def truth_of(files) -> pd.DataFrame:
    """True clusters of the given month's files (outsider rows are their own people)."""
    _, keys, _ = plaintext()
    rows = []
    for name, ds in files.items():
        k = keys[NAMES.index(name)].set_index("record_id")["person_id"]
        for rid in ds.record_ids:
            rows.append((name, rid, int(k.loc[rid])))
    t = pd.DataFrame(rows, columns=["agency", "id", "person"])
    return t.assign(cluster=pd.factorize(t["person"])[0])[["agency", "id", "cluster"]]


def partition(table: pd.DataFrame, col: str) -> set[frozenset]:
    return {frozenset(zip(g["agency"], g["id"], strict=True))
            for _, g in table.groupby(col)}


@pytest.fixture(scope="module")
def key():
    return ProjectKey(PROJECT)


def three_months(path, key, links):
    """A store after three months, with a snapshot of each month's people and history."""
    enc1, enc3, *_ = months()
    store.create(path, enc1["a"], key, links=links)
    snaps, reports = [], []
    for month, files in (("2026-01", enc1), ("2026-02", enc1), ("2026-03", enc3)):
        if month == "2026-03":
            blobs = dict(((a, i), b) for a, i, b in sqlite3.connect(path).execute(
                "SELECT agency, id, data FROM records JOIN encodings USING (rec)").fetchall())
        new = [a for a in files if a not in store.info(path)["agencies"]]
        reports.append(store.update(path, month, files, key, new_agencies=new))
        snaps.append((store.people(path), store.history(path), store.relink(path)))
    gone_ids = months()[4]
    removed = [blobs[("a", i)] for i in gone_ids] + [blobs[("b", i)] for i in months()[2:4]]
    return path, snaps, reports, removed


@pytest.fixture(scope="module")
def three(tmp_path_factory, key):
    """Three months in a store that scores a changed record's pairs again (so b's split row,
    now an outsider's values, leaves its person)."""
    return three_months(tmp_path_factory.mktemp("store") / "people.db", key, "rescored")


@pytest.fixture(scope="module")
def three_kept(tmp_path_factory, key):
    """The same three months in a store that keeps a changed record's links (the default)."""
    return three_months(tmp_path_factory.mktemp("kept") / "people.db", key, "kept")


def dump(path) -> dict:
    """The store's whole content, table by table (to compare states)."""
    conn = sqlite3.connect(path)
    try:
        tables = [t for t, in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))
                for t in tables}
    finally:
        conn.close()


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# --------------------------------------------------------------------------- months


def test_three_months_counts_and_quality(three):
    path, snaps, reports, removed = three
    enc1, enc3, _, _, gone, held = months()
    r1, r2, r3 = reports
    assert r1.full_link and not r2.full_link and not r3.full_link
    assert r1.added == {k: len(v) for k, v in enc1.items()}
    assert r2.added == r2.changed == r2.withdrawn == {"a": 0, "b": 0, "c": 0}
    assert r2.pairs_scored == 0 and r2.records_reclustered == 0
    assert r3.added["a"] == len(held) and r3.withdrawn["a"] == len(gone)
    assert r3.changed == {"a": 0, "b": 2, "c": 0}
    # withdrawn and replaced encodings are gone from the file, not left in its free pages
    # (an encoding identical to one another agency still holds stays, in that record)
    held_now = {b for b, in sqlite3.connect(path).execute("SELECT data FROM encodings")}
    removed = [b for b in removed if b not in held_now]
    content = path.read_bytes()
    assert len(removed) >= 6 and not any(b in content for b in removed)
    # a month links only what changed: far fewer pairs than the first month
    assert 0 < r3.pairs_scored < r1.pairs_scored / 3
    for r, (people, _, _) in zip(reports, snaps, strict=True):
        assert r.records == len(people) and r.people == people["person"].nunique()
    people = snaps[2][0]
    assert len(people) == sum(len(d) for d in enc3.values())
    assert people["person"].str.fullmatch(r"[0-9a-f]{16}").all()
    m = cluster_metrics(people.rename(columns={"person": "cluster"}), truth_of(enc3))
    assert m.pairwise.f1 > 0.95 and m.within.tp > 0


@pytest.mark.parametrize("fixture", ["three", "three_kept"])
def test_monthly_updates_equal_a_full_relink(fixture, request):
    # same model, same candidate rules (all pairs at this size): the clusters are identical
    # (with links kept, the re-link clusters its pairs with the stored links)
    _, snaps, _, _ = request.getfixturevalue(fixture)
    for people, _, relinked in snaps:
        assert partition(people, "person") == partition(relinked, "cluster")


def test_kept_links_hold_a_record_that_comes_back_with_other_values(three, three_kept,
                                                                    tmp_path):
    # b's split row comes back in month 3 with an outsider's values: rescored, it leaves its
    # person; kept (the default), the links its earlier values made stay, and so does its id
    _, _, merge_id, split_id, _, _ = months()
    _, snaps, reports, _ = three_kept
    p2, p3 = (s[0].set_index(["agency", "id"])["person"] for s in snaps[1:])
    assert p3.loc[("b", split_id)] == p2.loc[("b", split_id)]
    assert p3[p3 == p2.loc[("b", split_id)]].size == p2[p2 == p2.loc[("b", split_id)]].size
    hist = snaps[2][1]
    assert (hist["event"] == "split").sum() == 0 and (hist["event"] == "merge").sum() == 1
    # b's merge row, which had no link, still joins its person by its new values
    assert p3.loc[("b", merge_id)] != p2.loc[("b", merge_id)]
    assert reports[2].links_removed < three[2][2].links_removed
    # the store says which policy it follows; stores made before the choice rescore
    assert store.info(three_kept[0])["link_policy"] == "kept"
    assert store.info(three[0])["link_policy"] == "rescored"
    old = tmp_path / "old.db"
    shutil.copyfile(three_kept[0], old)
    with sqlite3.connect(old) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'links'")
    assert store.info(old)["link_policy"] == "rescored"


def test_ids_stable_without_change_and_history_records_merge_and_split(three):
    path, snaps, _, _ = three
    _, _, merge_id, split_id, gone, _ = months()
    p1, p2, p3 = (s[0].set_index(["agency", "id"])["person"] for s in snaps)
    assert p1.equals(p2)  # a month with no change: every id kept
    assert len(snaps[1][1]) == 0
    hist = snaps[2][1]
    merges, splits = hist[hist["event"] == "merge"], hist[hist["event"] == "split"]
    # b's merge row, an outsider last month, now joins its person, whose id survives
    merged_into = p3.loc[("b", merge_id)]
    row = merges[merges["other"] == p2.loc[("b", merge_id)]]
    assert len(row) == 1 and row["person"].iloc[0] == merged_into
    assert row["probability"].iloc[0] >= 0.5
    # b's split row leaves its person: a new id, recorded as split from the old one
    row = splits[splits["other"] == p3.loc[("b", split_id)]]
    assert len(row) == 1 and row["person"].iloc[0] == p2.loc[("b", split_id)]
    assert p3.loc[("b", split_id)] not in set(p2)
    # people whose records did not change and were not touched keep their ids
    same = p2.index.intersection(p3.index)
    moved = (p2.loc[same] != p3.loc[same]).sum()
    assert moved <= 2  # only the split row (and the merged row) changed id
    assert set(hist["event"]) <= {"merge", "split", "end"}
    # an id is never issued twice: history's new ids were not in any earlier month
    assert not set(splits["other"]) & set(p1) & set(p2)


def test_release_and_history_cli(three, tmp_path):
    path, snaps, _, _ = three
    r = CliRunner().invoke(main, ["store", "release", str(path), "--release-dir",
                                  str(tmp_path / "rel"), "--shared-counts",
                                  str(tmp_path / "shared.csv"), "--clusters",
                                  str(tmp_path / "clusters.csv")])
    assert r.exit_code == 0, r.output
    people = snaps[2][0]
    clusters = pd.read_csv(tmp_path / "clusters.csv", dtype=str)
    pd.testing.assert_frame_equal(clusters, people.astype(str))
    shared = pd.read_csv(tmp_path / "shared.csv")
    assert list(shared.columns) == [*NAMES, "people"]
    assert shared["people"].sum() == people["person"].nunique()
    for name in NAMES:
        rel = pd.read_csv(tmp_path / "rel" / f"release_{name}.csv", dtype=str)
        assert list(rel.columns) == ["id", "person"]
        own = people[people["agency"] == name]
        assert sorted(rel["id"]) == sorted(own["id"])
    r = CliRunner().invoke(main, ["store", "history", str(path)])
    assert r.exit_code == 0 and r.output.startswith("month,event,person,other,probability")
    assert "2026-03,merge," in r.output and "2026-03,split," in r.output
    r = CliRunner().invoke(main, ["store", "info", str(path)])
    assert r.exit_code == 0 and '"last_month": "2026-03"' in r.output
    for command in ("history", "info"):  # the options every command has
        quiet = CliRunner().invoke(main, ["store", command, str(path), "--verbose", "-q"])
        plain = CliRunner().invoke(main, ["store", command, str(path)])
        assert quiet.exit_code == 0 and quiet.stdout == plain.stdout


# --------------------------------------------------------------------------- CLI and bad input


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    """A store made by the CLI with one month, and the month's files."""
    enc1, *_ = months()
    d = tmp_path_factory.mktemp("cli")
    for name, ds in enc1.items():
        ds.write(d / f"{name}.parquet")
    encoded(plaintext()[0][0], Secret(key_bytes("o"))).write(d / "other_key.parquet")
    Secret(PROJECT).write(d / "project.key")
    s = d / "people.db"
    r = run("store", "create", s, "--schema-from", d / "a.parquet", "--project-key-file",
            d / "project.key")
    assert r.exit_code == 0, r.output
    r = run("store", "add-month", s, "--month", "2026-01", "--agency", "a", d / "a.parquet",
            "--agency", "b", d / "b.parquet", "--new-agency", "a", "--new-agency", "b",
            "--project-key-file", d / "project.key")
    assert r.exit_code == 0, r.output
    assert "first month" in r.output
    return d, s


def run(*args, env=None):
    return CliRunner().invoke(main, list(map(str, args)), env=env)


def test_cli_bad_input_one_line_exit_2_store_unchanged(cli_store, tmp_path):
    d, s = cli_store
    key = ["--project-key-file", d / "project.key"]
    before = digest(s)
    cases = {
        "another key": ["--agency", "a", d / "other_key.parquet"],
        "unknown agency": ["--agency", "c", d / "c.parquet"],
        "already in the store": ["--agency", "a", d / "a.parquet", "--new-agency", "a"],
        "given twice": ["--agency", "a", d / "a.parquet", "--agency", "a", d / "b.parquet"],
        "one file, two agencies": ["--agency", "a", d / "a.parquet", "--agency", "b",
                                   d / "a.parquet"],
    }
    for what, args in cases.items():
        r = run("store", "add-month", s, "--month", "2026-02", *args, *key)
        assert r.exit_code == 2, (what, r.output)
        assert r.output.count("\n") == 1 and r.output.startswith("error: "), r.output
        assert digest(s) == before, what
    r = run("store", "add-month", s, "--month", "2026-01", "--agency", "a", d / "a.parquet", *key)
    assert r.exit_code == 2 and "already holds month 2026-01" in r.output
    r = run("store", "add-month", s, "--month", "2026-13", "--agency", "a", d / "a.parquet", *key)
    assert r.exit_code == 2 and "YYYY-MM" in r.output
    Secret(key_bytes("q")).write(tmp_path / "other.key")
    r = run("store", "add-month", s, "--month", "2026-02", "--agency", "a", d / "a.parquet",
            "--project-key-file", tmp_path / "other.key")
    assert r.exit_code == 2 and "not the project key" in r.output
    assert digest(s) == before
    r = run("store", "create", tmp_path / "new.db", "--schema-from", d / "a.parquet",
            "--links", "sometimes", *key)
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "kept, rescored" in r.output
    assert not (tmp_path / "new.db").exists()
    # a record id twice in one agency's file: the file itself is refused
    ds = months()[0]["a"]
    twice = ds.subset(list(range(len(ds))))
    twice.record_ids[1] = twice.record_ids[0]
    with pytest.raises(DatasetError, match="not unique"):
        store.update(s, "2026-02", {"a": twice}, ProjectKey(PROJECT))
    with pytest.raises(ParameterError, match="at least one"):
        store.update(s, "2026-02", {}, ProjectKey(PROJECT))
    # a copy of one agency's file given as another's
    shutil.copy(d / "a.parquet", tmp_path / "copy.parquet")
    r = run("store", "add-month", s, "--month", "2026-02", "--agency", "a", d / "a.parquet",
            "--agency", "b", tmp_path / "copy.parquet", *key)
    assert r.exit_code == 2 and "were given the same file" in r.output, r.output
    assert digest(s) == before


def test_a_file_that_changes_most_of_an_agency_is_refused_unless_asked_for(cli_store, tmp_path):
    """Regression (a review): another agency's file, or ids sorted apart from their rows, was
    applied, and under ``kept`` its false links outlived the corrected file."""
    d, s = cli_store
    key = ["--project-key-file", d / "project.key"]
    before = digest(s)
    # b's file sent as a's: every one of a's records would be withdrawn
    r = run("store", "add-month", s, "--month", "2026-02", "--agency", "a", d / "b.parquet", *key)
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert r.output.startswith("error: agency a's file would withdraw") and \
        "--allow-large-change" in r.output
    assert digest(s) == before
    # a's ids in another order than its rows: most records would change
    ds = months()[0]["a"]
    moved = ds.subset(list(range(len(ds))))
    moved.record_ids[:] = moved.record_ids[::-1]
    with pytest.raises(StoreError, match=r"would withdraw 0 and change \d+ of the 194 records"):
        store.update(s, "2026-02", {"a": moved}, ProjectKey(PROJECT))
    assert digest(s) == before
    copy = tmp_path / "copy.db"
    shutil.copy(s, copy)
    r = run("store", "add-month", copy, "--month", "2026-02", "--agency", "a", d / "b.parquet",
            "--allow-large-change", *key)
    assert r.exit_code == 0, r.output
    assert "194 withdrawn" in r.output


def test_an_agency_named_like_a_stored_one_but_for_capitals_is_refused(cli_store):
    """Regression (a review): release_A.csv and release_a.csv are one file on many systems."""
    d, s = cli_store
    before = digest(s)
    for name in ("A", "B"):
        r = run("store", "add-month", s, "--month", "2026-02", "--agency", name,
                d / "a.parquet", "--new-agency", name, "--project-key-file", d / "project.key")
        assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
        assert "only in capitals or accents" in r.output
    assert digest(s) == before


def test_person_ids_do_not_depend_on_the_order_the_first_files_were_given(cli_store, tmp_path):
    """Regression (a review): the first month's ids followed the --agency options' order."""
    d, _ = cli_store
    key = ["--project-key-file", d / "project.key"]
    got = []
    for k, order in enumerate((("a", "b"), ("b", "a"))):
        s = tmp_path / f"s{k}.db"
        r = run("store", "create", s, "--schema-from", d / "a.parquet", *key)
        assert r.exit_code == 0, r.output
        args = [x for a in order for x in ("--agency", a, d / f"{a}.parquet")]
        r = run("store", "add-month", s, "--month", "2026-01", *args, "--new-agency", "a",
                "--new-agency", "b", *key)
        assert r.exit_code == 0, r.output
        got.append(store.people(s).sort_values(["agency", "id"]).reset_index(drop=True))
    pd.testing.assert_frame_equal(got[0], got[1])


def test_release_files_are_private_and_never_replace_a_key(cli_store, tmp_path):
    """Person-level files are mode 0600; a key file named as an output is refused, --force too."""
    d, s = cli_store
    key = tmp_path / "copy_of_project.key"
    shutil.copy(d / "project.key", key)
    before = key.read_bytes()
    r = run("store", "release", s, "--release-dir", tmp_path / "rel", "--shared-counts", key,
            "--force")
    assert r.exit_code == 2 and r.output.startswith("error: ") and "is a key file" in r.output
    assert r.output.count("\n") == 1
    assert key.read_bytes() == before and not (tmp_path / "rel").exists()
    r = run("store", "release", s, "--release-dir", tmp_path / "rel", "--shared-counts",
            tmp_path / "shared.csv", "--clusters", tmp_path / "clusters.csv")
    assert r.exit_code == 0, r.output
    written = [tmp_path / "shared.csv", tmp_path / "clusters.csv",
               *sorted((tmp_path / "rel").iterdir())]
    assert len(written) == 4
    for f in written:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    # keygen alone replaces a key, and only with --force
    assert run("keygen", "-o", key, "--force", "-q").exit_code == 0
    assert key.read_bytes() != before


def _copy_with_version(store_path, copy, version: int):
    """Copy a store and stamp the copy with another format version."""
    copy.write_bytes(store_path.read_bytes())
    conn = sqlite3.connect(copy)
    conn.execute(f"PRAGMA user_version={version}")
    conn.close()
    return copy


def test_store_of_another_version_or_not_a_store(cli_store, tmp_path):
    d, s = cli_store
    copy = _copy_with_version(s, tmp_path / "copy.db", 7)
    before = digest(copy)
    r = run("store", "add-month", copy, "--month", "2026-02", "--agency", "a", d / "a.parquet",
            "--project-key-file", d / "project.key")
    assert r.exit_code == 2 and "format version 7" in r.output and r.output.count("\n") == 1
    assert digest(copy) == before
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    r = run("store", "history", junk)
    assert r.exit_code == 2 and "not a linkcore store" in r.output
    r = run("store", "create", s, "--schema-from", d / "a.parquet", "--project-key-file",
            d / "project.key")
    assert r.exit_code == 2 and "already exists" in r.output


def test_store_that_another_run_is_writing(cli_store):
    d, s = cli_store
    before = dump(s)
    other = sqlite3.connect(s, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        r = run("store", "add-month", s, "--month", "2026-02", "--agency", "a",
                d / "a.parquet", "--project-key-file", d / "project.key")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.exit_code == 2 and "another run is writing" in r.output
    assert r.output.count("\n") == 1
    assert dump(s) == before


def test_a_damaged_store_is_one_line_and_left_as_it_was(cli_store, tmp_path):
    d, s = cli_store
    month = ["--month", "2026-02", "--agency", "a", d / "a.parquet", "--agency", "b",
             d / "b.parquet", "--project-key-file", d / "project.key"]
    damage = {"meta dropped": "DROP TABLE meta",
              "version stamps disagree": "UPDATE meta SET value = '3' WHERE key = "
                                         "'format_version'",
              "columns overwritten": "UPDATE columns SET numbers = randomblob(length(numbers))",
              "schema fact gone": "DELETE FROM meta WHERE key = 'schema'",
              "threshold unreadable": "UPDATE meta SET value = 'abc' WHERE key = 'threshold'",
              "threshold out of range": "UPDATE meta SET value = '7' WHERE key = 'threshold'",
              "clustering unknown": "UPDATE meta SET value = 'foo' WHERE key = 'clustering'",
              "rules not JSON": "UPDATE meta SET value = '{' WHERE key = 'blocking'",
              "next record not a number": "UPDATE meta SET value = 'x' WHERE key = 'next_rec'",
              "salt fact gone": "DELETE FROM meta WHERE key = 'salt'",
              "dependence fact gone": "DELETE FROM meta WHERE key = 'dependence'",
              "model gone": "DELETE FROM meta WHERE key = 'model'",
              "rules gone": "DELETE FROM meta WHERE key = 'blocking'",
              "rules not rules": "UPDATE meta SET value = '[1]' WHERE key = 'blocking'"}
    for what, sql in damage.items():
        copy = tmp_path / f"{what.replace(' ', '_')}.db"
        copy.write_bytes(s.read_bytes())
        conn = sqlite3.connect(copy)
        conn.execute(sql)
        conn.commit()
        conn.close()
        before = copy.read_bytes()
        commands = [["add-month", copy, *month]]
        if what != "columns overwritten":
            commands += [["info", copy], ["release", copy, "--release-dir", tmp_path / "rel"],
                         ["history", copy]]
        for args in commands:
            r = run("store", *args)
            assert r.exit_code == 2, (what, args[0], r.output)
            assert r.output.count("\n") == 1 and r.output.startswith("error: "), r.output
            assert "damaged" in r.output and "internal error" not in r.output
            assert copy.read_bytes() == before
        assert not (tmp_path / "rel").exists()


def test_readers_of_a_store_being_written_say_so(cli_store):
    from linkcore.audit.store import read_store

    _, s = cli_store
    other = sqlite3.connect(s, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="another run is writing"):
            store.info(s)
        with pytest.raises(StoreError, match="another run is writing"):
            read_store(s)  # the audit of a store
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_month_kept_from_committing_by_a_reader_says_so(cli_store, tmp_path, monkeypatch):
    """Regression: an SQLite shell holding a read made the commit fail at once, blamed on
    "another run" writing. The commit now waits for readers; past the wait it names them."""
    import shutil

    d, s = cli_store
    copy = tmp_path / "copy.db"
    shutil.copy(s, copy)
    before = copy.read_bytes()
    monkeypatch.setattr(store, "READERS_WAIT_S", 0.05)
    reader = sqlite3.connect(copy, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM records").fetchone()
    try:
        files = {n: months()[0][n] for n in ("a", "b")}
        with pytest.raises(StoreError, match="another program is reading the store") as err:
            store.update(copy, "2026-02", files, ProjectKey(PROJECT))
        assert "another run" not in str(err.value)
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert copy.read_bytes() == before
    store.update(copy, "2026-02", files, ProjectKey(PROJECT))  # with the reader gone
    assert store.info(copy)["last_month"] == "2026-02"


def test_store_create_makes_its_folder_and_a_month_may_empty_an_agency(cli_store, tmp_path):
    d, _ = cli_store
    s = tmp_path / "new" / "folder" / "people.db"
    key = ["--project-key-file", d / "project.key"]
    r = run("store", "create", s, "--schema-from", d / "a.parquet", *key)
    assert r.exit_code == 0, r.output
    r = run("store", "add-month", s, "--month", "2026-01", "--agency", "a", d / "a.parquet",
            "--new-agency", "a", *key)
    assert r.exit_code == 0, r.output
    empty = months()[0]["a"].subset(slice(0, 0))
    # withdrawing every record is a large change: refused unless asked for
    with pytest.raises(StoreError, match="would withdraw 194 and change 0 of the 194 records"):
        store.update(s, "2026-02", {"a": empty}, ProjectKey(PROJECT))
    assert store.info(s)["records"] == len(months()[0]["a"])
    report = store.update(s, "2026-02", {"a": empty}, ProjectKey(PROJECT),
                          allow_large_change=True)
    assert report.withdrawn == {"a": len(months()[0]["a"])} and report.records == 0
    assert store.info(s)["records"] == 0


# --------------------------------------------------------------------------- crash safety

_CHILD = textwrap.dedent("""
    import hashlib, sys, time
    from pathlib import Path
    from linkcore.dataset import EncodedDataset
    from linkcore.linkage import store
    from linkcore.linkage.pseudonyms import ProjectKey

    path, marker, *files = sys.argv[1:]

    def stop_inside(conn):
        # every write of the month is done; the COMMIT is not
        assert conn.in_transaction
        Path(marker).write_text("inside")
        time.sleep(3600)

    write = store._write

    def write_through(conn, *args):
        # a page cache of 2 pages: the month's writes spill into the file before the COMMIT,
        # so the kill leaves a half-written file and a hot journal, not just lost memory
        conn.execute("PRAGMA cache_size=2")
        write(conn, *args)

    store._write = write_through
    store._commit = stop_inside
    data = {Path(f).stem: EncodedDataset.read(f) for f in files}
    key = ProjectKey(hashlib.shake_256(b"p").digest(32))  # key_bytes("p"), as the test's
    store.update(path, "2026-02", data, key, new_agencies=["c"])
""")


def test_update_killed_inside_its_transaction_leaves_the_previous_month(cli_store, tmp_path):
    d, s = cli_store
    work = tmp_path / "people.db"
    work.write_bytes(s.read_bytes())
    before, people_before = dump(work), store.people(work)
    before_digest = digest(work)
    marker = tmp_path / "inside"
    # the second month changes a lot: c joins, a loses rows
    enc3 = months()[1]
    enc3["a"].write(tmp_path / "a.parquet")
    files = [tmp_path / "a.parquet", d / "b.parquet", d / "c.parquet"]
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(work), str(marker),
                              *map(str, files)])
    try:
        while not marker.exists():  # waits for the child to be inside the transaction
            assert child.poll() is None, "the child ended before its transaction"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    # the kill left the file changed part-way, with the journal of the previous pages
    assert digest(work) != before_digest
    assert (tmp_path / "people.db-journal").stat().st_size > 0
    # the store opens and holds the previous month exactly
    assert store.info(work)["last_month"] == "2026-01"
    pd.testing.assert_frame_equal(store.people(work), people_before)
    assert dump(work) == before
    conn = sqlite3.connect(work)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # and the month can be applied after all
    data = {"a": enc3["a"], "b": months()[0]["b"], "c": months()[0]["c"]}
    report = store.update(work, "2026-02", data, ProjectKey(PROJECT), new_agencies=["c"])
    assert report.added["c"] == len(data["c"]) and store.info(work)["last_month"] == "2026-02"


def test_monthly_updates_with_blocking_equal_a_full_relink(tmp_path, key, monkeypatch):
    # the same months with keyed blocking and field agreement instead of all pairs: the
    # update joins the month's records against the stored join keys, the re-link plans the
    # kept rules over the whole population's encodings
    monkeypatch.setattr(store, "ALL_PAIRS_LIMIT", 10_000)
    enc1, enc3, *_ = months()
    path = tmp_path / "people.db"
    store.create(path, enc1["a"], key)
    for month, files in (("2026-01", enc1), ("2026-02", enc1), ("2026-03", enc3)):
        new = [a for a in files if a not in store.info(path)["agencies"]]
        report = store.update(path, month, files, key, new_agencies=new)
        if month == "2026-03":
            n, delta = report.records, sum(report.added.values()) + sum(report.changed.values())
            assert 0 < report.pairs_scored < delta * n // 10  # blocked, not all pairs
        people, relinked = store.people(path), store.relink(path)
        assert partition(people, "person") == partition(relinked, "cluster")


def _second_month_without_c(tmp_path, key, monkeypatch, all_pairs_limit, links="kept"):
    """Store two months where agency c sends no file in the second; return path, report, month 1."""
    if all_pairs_limit is not None:
        monkeypatch.setattr(store, "ALL_PAIRS_LIMIT", all_pairs_limit)
    enc1, enc3, *_ = months()
    path = tmp_path / "people.db"
    store.create(path, enc1["a"], key, links=links)
    store.update(path, "2026-01", enc1, key, new_agencies=list(enc1))
    return path, store.update(path, "2026-02", {k: v for k, v in enc3.items() if k != "c"}, key), \
        enc1


@pytest.mark.parametrize("all_pairs_limit", [None, 10_000])
def test_an_agency_without_a_file_keeps_its_records_and_the_month_equals_a_relink(
        tmp_path, key, monkeypatch, all_pairs_limit):
    # c sends no file in the second month: its records stay, and the pairs that touch them are
    # scored from the store's encodings (the other agencies' from the month's files)
    path, report, enc1 = _second_month_without_c(tmp_path, key, monkeypatch, all_pairs_limit)
    assert "c" not in report.added and report.pairs_scored > 0
    people, relinked = store.people(path), store.relink(path)
    assert sorted(people.loc[people["agency"] == "c", "id"]) == sorted(enc1["c"].record_ids)
    assert partition(people, "person") == partition(relinked, "cluster")


def test_a_record_registered_again_under_a_new_id_keeps_its_person(three, tmp_path, key):
    # agency c withdraws one record and sends the same encoding under a new record id
    path, snaps, _, _ = three
    work = tmp_path / "people.db"
    work.write_bytes(path.read_bytes())
    enc3 = months()[1]
    people = snaps[2][0]
    sizes = people.groupby("person")["id"].transform("size")
    row = people[(people["agency"] == "c") & (sizes >= 3)].iloc[0]
    c = enc3["c"].subset(list(range(len(enc3["c"]))))
    at = int(np.flatnonzero(c.record_ids == row["id"])[0])
    c.record_ids[at] = "re-registered-1"
    report = store.update(work, "2026-04", {"c": c}, key)
    assert report.added == {"c": 1} and report.withdrawn == {"c": 1}
    assert report.reregistered == 0  # the person's other records carry its id
    after = store.people(work).set_index(["agency", "id"])["person"]
    assert after.loc[("c", "re-registered-1")] == row["person"]
    assert len(store.history(work).query("month == '2026-04'")) == 0
    before = people.set_index(["agency", "id"])["person"].drop(("c", row["id"]))
    assert after.drop(("c", "re-registered-1")).equals(before)


def test_a_record_registered_again_takes_over_the_links_of_the_one_it_succeeds(three_kept,
                                                                               tmp_path, key):
    # links kept: the new record that best matches a withdrawn one gets that record's links to
    # the records still present (probability: the smaller of the match and the link), stored
    # as this month's links, and the month still equals a re-link with the stored links
    path, snaps, _, _ = three_kept
    work = tmp_path / "people.db"
    work.write_bytes(path.read_bytes())
    people = snaps[2][0]
    sizes = people.groupby("person")["id"].transform("size")
    row = people[(people["agency"] == "c") & (sizes >= 3)].iloc[0]
    enc3 = months()[1]
    c = enc3["c"].subset(list(range(len(enc3["c"]))))
    c.record_ids[int(np.flatnonzero(c.record_ids == row["id"])[0])] = "again-1"

    def links_of(agency, rid):
        conn = sqlite3.connect(work)
        rec = dict(conn.execute("SELECT id, rec FROM records WHERE agency = ?", (agency,)))
        ids = {r: (a, i) for r, a, i in conn.execute("SELECT rec, agency, id FROM records")}
        stored, names = store._read_links(conn)
        conn.close()
        mine = (stored["a"] == rec[rid]) | (stored["b"] == rec[rid])
        return {ids[int(b if a == rec[rid] else a)]: (float(p), names[m]) for a, b, p, m in
                zip(stored["a"][mine], stored["b"][mine], stored["p"][mine], stored["m"][mine],
                    strict=True)}

    before = links_of("c", row["id"])
    report = store.update(work, "2026-04", {"c": c}, key)
    assert report.added == {"c": 1} and report.withdrawn == {"c": 1}
    after = links_of("c", "again-1")
    assert before and set(after) == set(before)
    assert all(after[k] == (before[k][0], "2026-04") for k in before)
    moved = store.people(work).set_index(["agency", "id"])["person"]
    assert moved.loc[("c", "again-1")] == row["person"]
    assert partition(store.people(work), "person") == partition(store.relink(work), "cluster")


def test_successor_links_pass_a_withdrawn_records_links_to_present_partners():
    # stored links (keys 1-2, 3-1, 3-4); key 1 withdrawn (row -1) and succeeded by row 9 at
    # p 0.8; key 4 withdrawn without a successor: 9 takes 1's links to 2 and 3, not to 4
    link_a, link_b = np.array([1, 3, 3]), np.array([2, 1, 4])
    link_p = np.array([0.95, 0.7, 0.9])
    row = {1: -1, 2: 5, 3: 6, 4: -1}
    ra, rb = np.array([row[k] for k in link_a]), np.array([row[k] for k in link_b])
    left, right, prob = store._successor_links(link_a, link_b, link_p, ra, rb, np.array([9]),
                                               np.array([1]), np.array([0.8]))
    got = sorted(zip(left.tolist(), right.tolist(), prob.tolist(), strict=True))
    assert got == [(5, 9, 0.8), (6, 9, 0.7)]
    empty = store._successor_links(link_a, link_b, link_p, ra, rb, np.zeros(0, np.int64),
                                   np.zeros(0, np.int64), np.zeros(0))
    assert all(x.size == 0 for x in empty)


def test_a_person_of_one_record_registered_again_keeps_its_id(three, tmp_path, key):
    # the person's only record is withdrawn and sent under a new id: without a record left to
    # carry the id, the new record takes it from the withdrawn one it matches
    path, snaps, _, _ = three
    work = tmp_path / "people.db"
    work.write_bytes(path.read_bytes())
    enc3 = months()[1]
    people = snaps[2][0]
    sizes = people.groupby("person")["id"].transform("size")
    rows = people[(people["agency"] == "c") & (sizes == 1)].iloc[:3]
    c = enc3["c"].subset(list(range(len(enc3["c"]))))
    for k, rid in enumerate(rows["id"]):
        c.record_ids[int(np.flatnonzero(c.record_ids == rid)[0])] = f"again-{k}"
    report = store.update(work, "2026-04", {"c": c}, key)
    assert report.added == {"c": 3} and report.withdrawn == {"c": 3}
    assert report.reregistered == 3 and report.new_people == 0 and report.ended == 0
    after = store.people(work).set_index(["agency", "id"])["person"]
    assert [after.loc[("c", f"again-{k}")] for k in range(3)] == rows["person"].tolist()
    assert len(store.history(work).query("month == '2026-04'")) == 0
    assert partition(store.people(work), "person") == partition(store.relink(work), "cluster")


def test_delta_pairs_are_the_full_runs_pairs_that_touch_the_delta():
    # the stored-key join against the planned full self-join, with blocks small enough that
    # some are left out as oversized (judged on the whole population, not on the delta)
    from linkcore.linkage import incremental
    from linkcore.linkage.blocking import FieldAgreement, KeyedBlocking
    from linkcore.linkage.dedupe import pool, within_candidates

    pooled, _ = pool(list(months()[0].values()))
    kept = incremental.freeze(pooled)
    assert {type(r) for r in kept} == {KeyedBlocking, FieldAgreement}
    for limit in (None, 4):
        rules = kept if limit is None else [type(r)(**{**r.__dict__, "max_block_pairs": limit})
                                            for r in kept]
        keys, specs = incremental.join_keys(pooled, rules)
        left, right, stats = within_candidates(pooled, rules)
        if limit is not None:
            assert any("oversized_blocks_skipped" in r for r in stats["rules"])
        rng = np.random.default_rng(1)
        delta = np.sort(rng.choice(len(pooled), 40, replace=False))
        got_l, got_r = incremental.delta_pairs(keys, specs, delta)
        touch = np.isin(left, delta) | np.isin(right, delta)
        assert set(zip(got_l.tolist(), got_r.tolist(), strict=True)) == \
            set(zip(left[touch].tolist(), right[touch].tolist(), strict=True))
        assert len(got_l) > 0 and (got_l < got_r).all()
    # the kept rules survive their JSON text
    assert incremental.rules_from_json(incremental.rules_to_json(kept)) == kept


@pytest.mark.parametrize("limit", [None, 4, 30])
def test_delta_pairs_leave_out_joins_the_keys_make_and_lose_no_pair(monkeypatch, limit):
    """A field-agreement join whose column implies a key joined already adds nothing."""
    from linkcore.linkage import incremental

    pooled = pool_of(months()[0])
    kept = incremental.freeze(pooled)
    rules = kept if limit is None else [type(r)(**{**r.__dict__, "max_block_pairs": limit})
                                        for r in kept]
    keys, specs = incremental.join_keys(pooled, rules)
    joins = []
    real_join = incremental.join_rows
    monkeypatch.setattr(incremental, "join_rows",
                        lambda *a, **k: joins.append(1) or real_join(*a, **k))
    rng = np.random.default_rng(3)
    for size in (1, 40, 300):
        delta = np.sort(rng.choice(len(pooled), size, replace=False))
        joins.clear()
        got = incremental.delta_pairs(keys, specs, delta)
        n_skipping = len(joins)
        with monkeypatch.context() as m:  # the reference: every join run
            m.setattr(incremental, "_implies_rows", lambda *a: False)
            joins.clear()
            want = incremental.delta_pairs(keys, specs, delta)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
        if limit is None:
            assert n_skipping < len(joins)
        # and between two sets of rows (new records against withdrawn ones), no block limit
        other = np.sort(rng.choice(len(pooled), size, replace=False))
        got = incremental.pairs_between(keys[delta], keys[other], specs)
        assert size == 1 or got[0].size
        with monkeypatch.context() as m:
            m.setattr(incremental, "_implies_rows", lambda *a: False)
            want = incremental.pairs_between(keys[delta], keys[other], specs)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def pool_of(files):
    from linkcore.linkage.dedupe import pool

    return pool(list(files.values()))[0]


def _assign(old, links, old_links, first_month=None, changed=()):
    """Run the id assignment on rows 0..n-1, one record per agency, clusters as components.

    ``changed``: the rows that are new or changed this month.
    """
    n = len(old)
    persons = sorted({p for p in old if p})
    code = np.array([persons.index(p) if p else -1 for p in old], dtype=np.int64)
    delta = np.zeros(n, bool)
    delta[list(changed)] = True
    pop = store._Population([str(i) for i in range(n)],
                            np.array([str(i) for i in range(n)], dtype=object),
                            np.arange(n, dtype=np.int64),
                            np.array([f"r{i}" for i in range(n)], dtype=object), delta)

    def arrays(pairs):
        return (np.array([a for a, _, _ in pairs], np.int64),
                np.array([b for _, b, _ in pairs], np.int64),
                np.array([p for _, _, p in pairs], float))

    left, right, prob = arrays(links)
    return store._assign(pop, np.arange(n, dtype=np.int64), left, right, prob, arrays(old_links),
                         code, persons, first_month or dict.fromkeys(persons, "2026-01"),
                         "components", "2026-02", ProjectKey(PROJECT))


def test_id_assignment_merge_split_move_and_new():
    # P = rows 0, 1, 2 and Q = rows 3, 4; row 2 now links to Q's records, not to P's
    assigned, events, status, minted = _assign(
        ["P", "P", "P", "Q", "Q"], [(0, 1, 0.9), (2, 3, 0.95), (3, 4, 0.9)],
        [(0, 1, 0.9), (1, 2, 0.8), (3, 4, 0.9)])
    assert [assigned[r] for r in range(5)] == ["P", "P", "Q", "Q", "Q"]
    assert events == [("split", "P", "Q", 0.8)] and status == [] and minted == []
    # P = rows 0, 1 and Q = row 2 join: P held more records and survives; Q is merged into it
    assigned, events, status, minted = _assign(
        ["P", "P", "Q"], [(0, 1, 0.9), (1, 2, 0.7)], [(0, 1, 0.9)])
    assert set(assigned.values()) == {"P"}
    assert events == [("merge", "P", "Q", 0.7)] and status == [("merged", "P", "Q")]
    # equal holdings: the older id survives, whatever the ids' order
    assigned, events, _, _ = _assign(["A", "Z"], [(0, 1, 0.9)], [],
                                     {"A": "2026-01", "Z": "2025-12"})
    assert set(assigned.values()) == {"Z"} and events[0][:3] == ("merge", "Z", "A")
    # P's two records part: the one with the smaller row keeps P, the other gets a new id
    assigned, events, _, minted = _assign(["P", "P", None], [], [(0, 1, 0.6)])
    assert assigned[0] == "P" and assigned[1] == minted[0] and assigned[2] == minted[1]
    assert events == [("split", "P", minted[0], 0.6)]
    assert all(len(m) == 16 for m in minted) and len(set(minted)) == 2


def test_a_split_leaves_the_id_with_the_records_that_did_not_change():
    """Regression: a tie went to the smaller row, so an unchanged record could lose its id
    to the record that changed and left it."""
    # P's rows 0 and 1 part because row 0 changed: row 1, unchanged, keeps P
    assigned, events, _, minted = _assign(["P", "P"], [], [(0, 1, 0.6)], changed=[0])
    assert assigned[1] == "P" and assigned[0] == minted[0]
    assert events == [("split", "P", minted[0], 0.6)]
    # row 0 changed and joined Q: P stays with row 1, and row 0 is a split to Q
    assigned, events, _, minted = _assign(["P", "P", "Q"], [(0, 2, 0.9)], [(0, 1, 0.6)],
                                          changed=[0])
    assert [assigned[r] for r in range(3)] == ["Q", "P", "Q"] and minted == []
    assert events == [("split", "P", "Q", 0.6)]
    # more records still win over steadiness: three rows, one changed, stay together as P
    assigned, _, _, minted = _assign(["P", "P", "P", None], [(0, 1, 0.9), (1, 2, 0.9)],
                                     [(0, 1, 0.9), (1, 2, 0.9)], changed=[0, 3])
    assert [assigned[r] for r in range(3)] == ["P", "P", "P"] and len(minted) == 1


# --------------------------------------------------------------------------- digests, format


def _rows_bytes(ds) -> list[bytes]:
    """Each record's encoding as the store's BLOB."""
    from linkcore.linkage.store import _Codec

    meta = {"spec_version": str(ds.meta.spec_version),
            "schema_fingerprint": ds.meta.schema_fingerprint,
            "key_check_value": ds.meta.key_check_value, "schema": ds.meta.schema_json}
    return _Codec(meta).encode(ds)


def test_digest_kernel_equals_its_reference_and_tells_records_apart():
    ds = months()[0]["a"]
    got = row_digests(ds)
    assert got.dtype == np.uint64 and got.shape == (len(ds), 2)
    np.testing.assert_array_equal(got, row_digests_reference(ds))
    # equal digests exactly for equal encodings (the synthetic files hold a few identical ones)
    blobs = _rows_bytes(ds)
    by_digest = {tuple(d): b for d, b in zip(got.tolist(), blobs, strict=True)}
    assert len(by_digest) == len(set(blobs))
    assert all(by_digest[tuple(d)] == b for d, b in zip(got.tolist(), blobs, strict=True))


def test_a_change_anywhere_in_an_encoding_changes_its_digest():
    ds = months()[0]["a"].subset(list(range(40)))
    base = row_digests(ds)
    rng = np.random.default_rng(4)
    variants = []
    for f in ds.fields:  # one bit of one word of each field, at both ends of the word
        for bit in (0, 63):
            c = ds.subset(list(range(len(ds))))
            w = int(rng.integers(c.fields[f].shape[1]))
            c.fields[f][7, w] ^= np.uint64(1) << np.uint64(bit)
            variants.append(c)
    c = ds.subset(list(range(len(ds))))
    c.missing[7, 0] = ~c.missing[7, 0]
    variants.append(c)
    for k in ds.blocking_keys:
        c = ds.subset(list(range(len(ds))))
        c.blocking_keys[k][7] ^= np.uint64(1) << np.uint64(40)
        variants.append(c)
    for c in variants:
        d = row_digests(c)
        assert (d[7] != base[7]).any()
        np.testing.assert_array_equal(np.delete(d, 7, axis=0), np.delete(base, 7, axis=0))


def test_a_store_of_format_3_is_refused_in_one_line_and_left_unchanged(cli_store, tmp_path):
    d, s = cli_store
    copy = _copy_with_version(s, tmp_path / "old.db", 3)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    for args in (["add-month", copy, "--month", "2026-02", "--agency", "a", d / "a.parquet",
                  "--project-key-file", d / "project.key"], ["history", copy]):
        r = CliRunner().invoke(main, ["store", *map(str, args)])
        assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
        assert r.output.startswith("error: ") and "format version 3" in r.output
        assert f"reads version {store.FORMAT_VERSION}" in r.output
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("links", ["rescored", "kept"])
@pytest.mark.parametrize("all_pairs_limit", [None, 10_000])
def test_stored_links_are_the_kept_models_scores_of_the_stored_encodings(
        tmp_path, key, monkeypatch, all_pairs_limit, links):
    # each month's pairs are compared where the records are (the month's files, and the store
    # for an agency without a file): every stored link, with its probability to the last bit,
    # is what the kept model gives the full candidate set planned over the stored encodings;
    # with links kept, plus month 1's links of the records that came back changed
    from linkcore.linkage import incremental
    from linkcore.linkage.dedupe import within_candidates

    path, report, enc1 = _second_month_without_c(tmp_path, key, monkeypatch, all_pairs_limit,
                                                 links)
    conn = sqlite3.connect(path)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    rows = conn.execute("SELECT rec, id, data FROM records JOIN encodings USING (rec) "
                        "ORDER BY rec").fetchall()
    stored, names = store._read_links(conn)
    conn.close()
    stored_links = {(min(a, b), max(a, b)): p for a, b, p in zip(
        stored["a"].tolist(), stored["b"].tolist(), stored["p"].tolist(), strict=True)}
    assert len(stored_links) == stored.size and set(names) == {"2026-01", "2026-02"}
    # each link keeps the month it was found in: this month's are the ones it added
    assert int((stored["m"] == names.index("2026-02")).sum()) == report.links_added > 0
    codec = store._Codec(meta)
    pooled = codec.decode([r[1] for r in rows], [r[2] for r in rows])
    rules = incremental.active_rules(len(rows), incremental.rules_from_json(meta["blocking"]),
                                     store.ALL_PAIRS_LIMIT)
    left, right, _ = within_candidates(pooled, rules)
    prob = store._score(pooled, left, right, store._load_model(meta))
    rec = np.array([r[0] for r in rows])
    ok = prob >= float(meta["threshold"])
    expected = {(int(min(a, b)), int(max(a, b))): float(p) for a, b, p in
                zip(rec[left[ok]], rec[right[ok]], prob[ok], strict=True)}
    assert len(expected) > 50
    if links == "rescored":
        assert stored_links == expected
        return
    changed = {r for r, i in zip(rec.tolist(), [r[1] for r in rows], strict=True)
               if i in months()[2:4]}
    month_1 = {(min(a, b), max(a, b)) for a, b, m in zip(
        stored["a"].tolist(), stored["b"].tolist(), stored["m"].tolist(), strict=True)
        if names[m] == "2026-01"}
    extra = set(stored_links) - set(expected)
    assert extra and all(k in month_1 and set(k) & changed for k in extra)
    assert all(stored_links[k] == p for k, p in expected.items() if k not in month_1)


@pytest.mark.parametrize("links", ["kept", "rescored"])
def test_an_agency_that_renames_every_record_keeps_every_person_and_no_event(tmp_path, links):
    """Regression (a review): ids that lost their leading zeros re-registered every record, and
    a record whose own person still held records took an orphaned person from a lesser match,
    so history showed a split that moved nothing (and had no probability)."""
    key = ["--project-key-file", tmp_path / "project.key"]
    Secret(key_bytes("rename")).write(tmp_path / "shared.key")
    Secret(PROJECT).write(tmp_path / "project.key")
    r = run("synth", "--people", 400, "--agencies", 3, "--rate", "duplicate=0.05", "--seed", 4,
            "-o", tmp_path / "jan", "-q")
    assert r.exit_code == 0, r.output
    jan = tmp_path / "jan"
    frame = pd.read_csv(jan / "agency_2.csv", dtype=str, keep_default_na=False)
    frame["record_id"] = [f"{i:06d}" for i in range(1, len(frame) + 1)]
    frame.to_csv(tmp_path / "padded.csv", index=False)
    frame["record_id"] = frame["record_id"].str.lstrip("0")
    frame.to_csv(tmp_path / "plain.csv", index=False)
    run("schema", "suggest", jan / "agency_1.csv", "-o", tmp_path / "schema.json",
        "--mapping-out", tmp_path / "m1.json", "-q")
    run("schema", "suggest", tmp_path / "padded.csv", "--schema", tmp_path / "schema.json",
        "-o", tmp_path / "m2.json", "-q")
    for src, mapping, out in ((jan / "agency_1.csv", "m1.json", "a1.parquet"),
                              (tmp_path / "padded.csv", "m2.json", "padded.parquet"),
                              (tmp_path / "plain.csv", "m2.json", "plain.parquet")):
        r = run("encode", src, "--schema", tmp_path / "schema.json", "--mapping",
                tmp_path / mapping, "--key-file", tmp_path / "shared.key", "-o", tmp_path / out,
                "-q")
        assert r.exit_code == 0, r.output
    s = tmp_path / "z.db"
    run("store", "create", s, "--schema-from", tmp_path / "a1.parquet", "--links", links, *key,
        "-q")
    r = run("store", "add-month", s, "--month", "2026-01", "--agency", "a", tmp_path / "a1.parquet",
            "--agency", "b", tmp_path / "padded.parquet", "--new-agency", "a", "--new-agency", "b",
            *key, "-q")
    assert r.exit_code == 0, r.output
    before = store.people(s)
    r = run("store", "add-month", s, "--month", "2026-02", "--agency", "b",
            tmp_path / "plain.parquet", "--allow-large-change", *key)
    assert r.exit_code == 0, r.output
    after = store.people(s)
    before["id"] = before["id"].where(before["agency"] != "b", before["id"].str.lstrip("0"))
    joined = before.merge(after, on=["agency", "id"], suffixes=("_before", "_after"))
    assert len(joined) == len(before) == len(after)
    assert (joined["person_before"] == joined["person_after"]).all()
    assert store.history(s).empty


def test_release_refuses_a_table_of_everyone_or_stale_files_in_the_release_folder(cli_store,
                                                                                  tmp_path):
    """Regression (a review): --clusters could be written into the folder sent to agencies, and
    --force left an earlier run's release file of an agency the store does not name."""
    d, s = cli_store
    rel = tmp_path / "rel"
    r = run("store", "release", s, "--release-dir", rel, "--clusters", rel / "clusters.csv")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "inside --release-dir" in r.output
    assert not rel.exists()
    rel.mkdir()
    (rel / "release_gone.csv").write_text("id,person\n")
    r = run("store", "release", s, "--release-dir", rel, "--force")
    assert r.exit_code == 2 and "agencies not released now" in r.output, r.output
    assert sorted(p.name for p in rel.iterdir()) == ["release_gone.csv"]
    (rel / "release_gone.csv").unlink()
    r = run("store", "release", s, "--release-dir", rel)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in rel.iterdir()) == ["release_a.csv", "release_b.csv"]


def test_a_partitioned_folder_is_read_as_its_one_file_encoding(tmp_path):
    """Regression (a review): `encode --partitions` folders, which `link` reads, were refused."""
    key = ["--project-key-file", tmp_path / "project.key"]
    Secret(key_bytes("parts")).write(tmp_path / "shared.key")
    Secret(PROJECT).write(tmp_path / "project.key")
    assert run("synth", "--people", 300, "--seed", 2, "-o", tmp_path / "d", "-q").exit_code == 0
    d = tmp_path / "d"
    run("schema", "suggest", d / "agency_1.csv", "-o", tmp_path / "s.json", "--mapping-out",
        tmp_path / "m1.json", "-q")
    run("schema", "suggest", d / "agency_2.csv", "--schema", tmp_path / "s.json", "-o",
        tmp_path / "m2.json", "-q")
    enc = ["--schema", tmp_path / "s.json", "--key-file", tmp_path / "shared.key", "-q"]
    for out, extra in (("a1", ["--partitions", 2]), ("a1.parquet", [])):
        r = run("encode", d / "agency_1.csv", "--mapping", tmp_path / "m1.json", *enc, "-o",
                tmp_path / out, *extra)
        assert r.exit_code == 0, r.output
    r = run("encode", d / "agency_2.csv", "--mapping", tmp_path / "m2.json", *enc, "-o",
            tmp_path / "a2.parquet")
    assert r.exit_code == 0, r.output
    people = []
    for name, first in (("parts.db", "a1"), ("file.db", "a1.parquet")):
        s = tmp_path / name
        assert run("store", "create", s, "--schema-from", tmp_path / first, *key,
                   "-q").exit_code == 0
        r = run("store", "add-month", s, "--month", "2026-01", "--agency", "a", tmp_path / first,
                "--agency", "b", tmp_path / "a2.parquet", "--new-agency", "a", "--new-agency",
                "b", *key, "-q")
        assert r.exit_code == 0, r.output
        people.append(store.people(s).sort_values(["agency", "id"]).reset_index(drop=True))
    pd.testing.assert_frame_equal(people[0], people[1])
    before = digest(tmp_path / "parts.db")
    (tmp_path / "empty").mkdir()
    r = run("store", "add-month", tmp_path / "parts.db", "--month", "2026-02", "--agency", "a",
            tmp_path / "empty", *key)
    assert r.exit_code == 2 and "without manifest.json" in r.output, r.output
    assert digest(tmp_path / "parts.db") == before


def test_verbose_add_month_says_where_the_time_went(cli_store, tmp_path):
    d, s = cli_store
    copy = tmp_path / "copy.db"
    shutil.copy(s, copy)
    r = run("store", "add-month", copy, "--month", "2026-02", "--agency", "a", d / "a.parquet",
            "--project-key-file", d / "project.key", "--verbose")
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if x.startswith("steps (s): "))
    assert [part.split()[0] for part in line[len("steps (s): "):].split(", ")] == \
        ["read", "diff", "link", "cluster", "write", "total"]


def test_an_empty_file_is_not_taken_for_a_store(tmp_path):
    empty = tmp_path / "people.db"
    empty.write_bytes(b"")
    r = run("store", "info", empty)
    assert r.exit_code == 2 and "is an empty file, not a linkcore store" in r.output
    assert empty.read_bytes() == b""
