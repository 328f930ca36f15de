"""The store audit: attacks on everything a copy of the linkage unit's store holds.

A deliberately weak store (names unsalted, Zipf-distributed) must be broken; the clusters must
join a year-salted name's classes across years when a person's records carry two years; the
command runs on a small store of today's suggested schema, carries no value in its output, and
refuses bad input with one line.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from keybytes import key_bytes

from linkcore.audit.equality import class_codes, salt_groups, trivial_partition
from linkcore.audit.reference import plaintext_table
from linkcore.audit.scoring import chance_given, chance_level, score_guesses
from linkcore.audit.store import person_links, read_store, run_store_audit
from linkcore.audit.view_join import view_join_attack
from linkcore.cli import main
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage import store
from linkcore.linkage.pseudonyms import ProjectKey
from linkcore.schema import KeyPart, Mapping, Schema
from linkcore.synth import generate_population, get_profile
from linkcore.synth.extracts import generate_extracts
from linkcore.synth.names import first_names
from linkcore.synth.names import surnames as synth_surnames
from linkcore.synth.register import make_register

KEY = Secret(bytes(range(32)))
ATTACKER = Secret(bytes(range(100, 132)))
PROJECT = ProjectKey(key_bytes("p"))


def zipf_people(n: int, seed: int) -> pd.DataFrame:
    """Synthetic people whose first names (per sex) and surnames follow a Zipf law."""
    pop = generate_population(n, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for sex in ("F", "M"):
        names = first_names(sex).values[:80]
        p = 1.0 / np.arange(1, len(names) + 1) ** 1.2
        m = (pop["sex"] == sex).to_numpy()
        pop.loc[m, "first_name"] = names[rng.choice(len(names), size=int(m.sum()),
                                                    p=p / p.sum())]
    surnames = synth_surnames().values[:150]  # one law for data and register
    p = 1.0 / np.arange(1, len(surnames) + 1)
    pop["last_name"] = surnames[rng.choice(len(surnames), size=len(pop), p=p / p.sum())]
    return pop.rename(columns={"person_id": "id"})[
        ["id", "first_name", "last_name", "sex", "date_of_birth", "postcode", "ni_number"]]


def schema_with(names: dict) -> Schema:
    """Names with the given salt and hardening beside deterministic sex, date, postcode, NI."""
    return Schema.from_dict({
        "linkcore_schema": 1, "clk": None,
        "blocking_keys": [{"name": "dob", "parts": [{"field": "date_of_birth",
                                                     "transform": "value"}]}],
        "fields": [
            {"name": "first_name", "kind": "name", "k": 12, "clk_k": 0, **names},
            {"name": "last_name", "kind": "name", "k": 12, "clk_k": 0, **names},
            {"name": "sex", "kind": "sex", "filter_bits": 64, "k": 20, "clk_k": 0,
             "salt": None, "hardening": []},
            {"name": "date_of_birth", "kind": "date", "k": 8, "clk_k": 0, "salt": None,
             "hardening": [{"type": "xor_fold"}]},
            {"name": "postcode", "kind": "postcode", "k": 8, "clk_k": 0, "salt": None,
             "hardening": [{"type": "xor_fold"}]},
            {"name": "ni_number", "kind": "identifier", "k": 10, "clk_k": 0, "salt": None,
             "hardening": [{"type": "xor_fold"}]}]})


def agencies_of(pop: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """Three agencies, each holding a random 60 % of the people under its own record ids."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in ("a", "b", "c"):
        rows = np.flatnonzero(rng.random(len(pop)) < 0.6)
        frame = pop.iloc[rows].copy()
        frame["id"] = [f"{name}{i}" for i in range(len(frame))]
        frame["_person"] = pop["id"].to_numpy()[rows]
        out[name] = frame.reset_index(drop=True)
    return out


@functools.lru_cache(maxsize=1)
def zipf_populations() -> tuple[pd.DataFrame, pd.DataFrame]:
    return zipf_people(1500, 1), zipf_people(1500, 2)


def test_a_weak_store_is_broken(tmp_path):
    """Unsalted names: the store audit must re-identify far beyond chance and say at risk."""
    data, ref = zipf_populations()
    schema = schema_with({"salt": None, "hardening": []})
    mapping = Mapping.identity(schema)
    agencies = agencies_of(data, 7)
    files = {a: encode(f.drop(columns="_person"), schema, KEY, mapping)
             for a, f in agencies.items()}
    path = tmp_path / "weak.db"
    store.create(path, files["a"], PROJECT)
    store.update(path, "2026-01", files, PROJECT, new_agencies=list(files))
    plaintexts = {a: (f.drop(columns="_person"), mapping) for a, f in agencies.items()}
    result = run_store_audit(path, plaintexts, ref, mapping, attacker_key=ATTACKER)
    assert result.store["records"] == sum(len(f) for f in agencies.values())
    assert result.store["people_in_several_agencies"] > 500
    for attack in ("graph_matching", "cluster_vote"):
        r = result.result("first_name", attack)
        assert r is not None and r.score is not None, attack
        assert r.score.reidentified >= r.score.baseline + 0.10, (attack, r.score)
    verdict = next(v for v in result.verdicts if v.target == "first_name")
    assert verdict.at_risk
    per_agency = result.result("first_name", "graph_matching@agency")
    assert per_agency is not None and per_agency.score.records == r.score.records
    per_person = result.result("first_name", "frequency@persons")
    assert per_person.details["rows_per_person_and_filter"] == result.store["people"]
    # one agency alone is audited without the store's attacks
    one = run_store_audit(path, {"a": plaintexts["a"]}, ref, mapping, attacker_key=ATTACKER,
                          agencies=["a"])
    assert one.records == len(agencies["a"])
    assert one.result("first_name", "cluster_vote") is None


def test_clusters_join_salted_classes_across_salts():
    """Names salted with the postcode area; agency b holds half its people at another address.

    Clustered together (here: by the true person, as a linker that links every moved person
    would), one person's records carry two salts, and the links join the (surname, area)
    classes across areas: the joined classes re-identify far more than the classes alone.
    The store's own linker links few of these moved people (their names cannot be compared
    under different salts), which is why the attack is tested here on the true clusters.
    """
    data, ref = zipf_populations()
    schema = schema_with({"salt": {"field": "postcode", "transform": "postcode_area"},
                          "hardening": [{"type": "xor_fold"}]})
    mapping = Mapping.identity(schema)
    agencies = agencies_of(data, 8)
    b = agencies["b"]
    rng = np.random.default_rng(3)
    moved = rng.random(len(b)) < 0.5
    b.loc[moved, "postcode"] = data["postcode"].to_numpy()[rng.integers(0, len(data),
                                                                         int(moved.sum()))]
    frame = pd.concat(list(agencies.values()), ignore_index=True)
    ds = encode(frame.drop(columns="_person"), schema, KEY, mapping)
    person = pd.factorize(frame["_person"])[0].astype(np.int64)
    filters, missing = ds.fields["last_name"], ds.missing[:, 1]
    groups, _ = salt_groups(schema, ds, KeyPart("postcode", "postcode_area"))
    linked, kept, refuted = person_links(person, [(class_codes(filters, missing), groups)])
    assert kept > 1000 and refuted == 0
    sex, ref_sex = trivial_partition(schema, ds)[1], plaintext_table(ref, schema, mapping)["sex"]
    truth = plaintext_table(frame, schema, mapping)
    reg = plaintext_table(ref, schema, mapping)["last_name"]
    chance = chance_level(truth["last_name"], reg)
    given = chance_given(truth["last_name"], reg, truth["sex"], ref_sex)
    alone = view_join_attack([(filters, missing)], sex, reg, ref_sex)
    joined = view_join_attack([(filters, missing)], sex, reg, ref_sex,
                              extra={"persons": linked})
    s_alone = score_guesses(alone.guesses, alone.confident, truth["last_name"], chance, given)
    s_joined = score_guesses(joined.guesses, joined.confident, truth["last_name"], chance,
                             given)
    assert s_joined.reidentified >= s_joined.baseline + 0.10, s_joined
    assert s_joined.reidentified >= s_alone.reidentified + 0.10, (s_alone, s_joined)
    assert s_joined.confident_precision is not None and s_joined.confident_precision >= 0.5
    assert joined.details["largest_component"] > alone.details["largest_component"]


def test_person_links_refuted_by_the_file():
    """Two records of one person with one salt and different filters are two values."""
    person = np.array([0, 0, 1, 1, 2, 2])
    codes = np.array([0, 1, 2, 3, 4, 4])
    groups = np.array([5, 5, 6, 7, 8, 8])   # person 0: same salt, other filter: refuted
    linked, kept, refuted = person_links(person, [(codes, groups)])
    assert (kept, refuted) == (2, 1)
    assert linked[0] == -1 and linked[1] == -1
    assert linked[2] == linked[3] >= 0 and linked[4] == linked[5] >= 0
    unsalted, kept, refuted = person_links(person, [(codes, None)])
    assert (kept, refuted) == (1, 2)


@functools.lru_cache(maxsize=1)
def small_default(folder: str, one_salt: bool = True) -> dict:
    """A small store of today's suggested schema (synth data, 3 agencies), files on disk.

    ``one_salt=False``: the schema of ``schema suggest --two-salts`` (names' postcode views).
    """
    from pathlib import Path

    root = Path(folder)
    pop = generate_population(400, 5)
    res = generate_extracts(pop, 3, 0.5, get_profile("moderate").with_rates(duplicate=0.08), 5)
    schema = suggest_schema(res.extracts[0], one_salt=one_salt)[0]
    files, args = {}, []
    for i, frame in enumerate(res.extracts):
        name = "abc"[i]
        frame = frame.reset_index(drop=True)
        mapping = suggest_mapping(frame, schema)[0]
        files[name] = encode(frame, schema, KEY, mapping)
        frame.to_csv(root / f"{name}.csv", index=False)
        (root / f"map_{name}.json").write_text(mapping.to_json(), encoding="utf-8")
        args += ["--agency", name, str(root / f"{name}.csv"),
                 "--agency-mapping", name, str(root / f"map_{name}.json")]
    register = make_register(pop, 5)
    register.to_csv(root / "register.csv", index=False)
    (root / "map_register.json").write_text(suggest_mapping(register, schema)[0].to_json(),
                                            encoding="utf-8")
    path = root / "people.db"
    store.create(path, files["a"], PROJECT)
    store.update(path, "2026-01", files, PROJECT, new_agencies=list(files))
    return {"store": str(path), "args": args, "register": str(root / "register.csv"),
            "register_mapping": str(root / "map_register.json"), "extracts": res.extracts}


@pytest.fixture(scope="module")
def default_store(tmp_path_factory):
    return small_default(str(tmp_path_factory.mktemp("storeaudit")))


@pytest.mark.parametrize("one_salt", [True, False], ids=["one-salt", "two-salts"])
def test_cli_audits_a_default_store_without_values(default_store, one_salt, tmp_path):
    d = default_store if one_salt else small_default(str(tmp_path), one_salt=False)
    out = CliRunner().invoke(main, ["audit", "--store", d["store"], *d["args"], "--register",
                                    d["register"], "--reference-mapping",
                                    d["register_mapping"], "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["store"]["records"] == sum(len(e) for e in d["extracts"])
    assert doc["store"]["encodings_kept_per_record"] == 1
    attacks = {(r["target"], r["attack"]) for r in doc["results"]}
    expected = ["frequency@persons", "salt_groups@persons", "cluster_bridge", "cluster_vote",
                "view_join", "salt_groups@agency"]
    if not one_salt:  # the names' postcode views are joined, store-wide and agency by agency
        expected.append("view_join@agency")
    for attack in expected:
        assert ("first_name", attack) in attacks, attack
    join = next(r for r in doc["results"]
                if r["target"] == "first_name" and r["attack"] == "view_join")
    # joined with its full-name view (one salt) or its postcode view (two salts)
    assert join["applicable"]
    bridge = next(r for r in doc["results"]
                  if r["target"] == "first_name" and r["attack"] == "cluster_bridge")
    assert bridge["applicable"] and bridge["score"] is not None
    assert "person_links_kept" in bridge["details"]
    text = out.output.upper()
    values = {str(v).upper() for e in d["extracts"] for c in e.columns[1:4]
              for v in e[c].dropna() if len(str(v)) >= 5}
    assert not [v for v in values if f'"{v}"' in text]


def test_cli_store_bad_input_one_line(default_store, tmp_path):
    d = default_store
    base = ["audit", "--store", d["store"], "--register", d["register"]]
    other = tmp_path / "other_schema.json"
    other.write_text(schema_with({"salt": None, "hardening": []}).to_json(), encoding="utf-8")
    runner = CliRunner()
    cases = [
        base,                                                      # no --agency
        [*base, *d["args"], "--key-file", str(tmp_path / "k")],    # a key is not used
        ["audit", "x.csv", *base[1:], *d["args"]],                 # DATA and --store
        ["audit", "--store", d["register"], "--register", d["register"], *d["args"]],
        [*base, "--agency", "a", d["register"]],                   # ids not in the plaintext
        [*base, *d["args"], "--schema", str(other)],               # not the store's schema
        [*base, *d["args"], "--agency-mapping", "z", d["register_mapping"]],  # no --agency z
    ]
    for args in cases:
        out = runner.invoke(main, args)
        assert out.exit_code == 2, (args, out.output)
        lines = [x for x in out.output.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), out.output


def test_read_store_is_read_only(default_store):
    before = open(default_store["store"], "rb").read()
    held = read_store(default_store["store"])
    assert len(held.dataset) == held.facts["records"]
    assert held.person.max() + 1 == held.facts["people"]
    assert open(default_store["store"], "rb").read() == before
