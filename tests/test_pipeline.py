import base64
import functools
import json

import numpy as np
import pandas as pd
import pytest
from keybytes import key_bytes

from linkcore.dataset import EncodedDataset
from linkcore.errors import IncompatibleDatasetsError, ModelError, ParameterError
from linkcore.evaluate import evaluate
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.model import FellegiSunterModel
from linkcore.linkage.pipeline import MATCH_COLUMNS, link, link_many
from linkcore.schema import Schema
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(key_bytes("k"))


def year_salted(schema: Schema) -> Schema:
    """The earlier design: names salted with the year of birth, no views, a CLK."""
    doc = schema.to_dict()
    doc["linkcore_schema"] = 1  # omitted keys take format version 1's defaults (a CLK)
    doc["fields"] = [f for f in doc["fields"] if "source" not in f]
    for f in doc["fields"]:
        f.pop("disclosed", None)
        f.pop("key_with", None)
        if f["kind"] == "postcode":  # postcode parts, unsalted, as version 1 defaulted
            for key in ("tokens", "filter_bits", "k", "comparison", "salt"):
                f.pop(key)
        if f["kind"] == "name":
            f["salt"] = {"field": "date_of_birth", "transform": "year"}
            f.pop("hardening"), f.pop("comparison")
    doc.pop("clk")
    doc["blocking_keys"] = [k for k in doc["blocking_keys"]
                            if k["parts"][0]["field"] != "postcode"]
    return Schema.from_dict(doc)


@functools.lru_cache(maxsize=4)
def synthetic(people: int = 1200, seed: int = 5, agencies: int = 2, year_salt: bool = False,
              two_salts: bool = False):
    """Encoded extracts of a small synthetic population, and the truth.

    ``year_salt``: the earlier design (names salted with the year of birth) instead of what
    ``schema suggest`` proposes, for tests of the salt mixture; ``two_salts``: the suggestion
    with the names' postcode views (``schema suggest --two-salts``).
    """
    pop = generate_population(people, seed=seed)
    extracts, truth = make_extracts(pop, agencies=agencies, seed=seed)
    schema, mapping, _ = suggest_schema(extracts[0], one_salt=not two_salts)
    if year_salt:
        schema = year_salted(schema)
    encoded = [encode(extracts[0], schema, SECRET, mapping)]
    for df in extracts[1:]:
        encoded.append(encode(df, schema, SECRET, suggest_mapping(df, schema)[0]))
    return encoded, truth, schema, extracts


def encoded_pair():
    """The earlier design (a CLK, names salted with the year of birth): the pipeline tests use
    its CLK for LSH blocking and CLK comparisons; tests/test_salt_gate.py covers the default."""
    (a, b), truth, _, _ = synthetic(year_salt=True)
    return a, b, truth


def test_end_to_end_quality_all_pairs():
    a, b, truth = encoded_pair()
    result = link(a, b)
    assert list(result.matches.columns) == list(MATCH_COLUMNS)
    assert result.candidate_stats["rules"][0]["rule"] == "all_pairs"
    metrics = evaluate(result.matches, truth)
    assert metrics.f1 > 0.85, metrics
    q = result.quality
    assert 0.0 <= q["precision"] <= 1.0 and 0.0 <= q["recall"] <= 1.0
    assert result.matches["probability"].between(0.5, 1.0).all()
    assert set(result.timings) >= {"load", "blocking", "compare", "train", "score", "resolve"}


def test_end_to_end_quality_with_blocking():
    a, b, truth = encoded_pair()
    result = link(a, b, blocking=["keys", "lsh"])
    rules = [r["rule"] for r in result.candidate_stats["rules"]]
    assert rules == ["keys", "lsh"]
    assert result.candidate_stats["union"] < len(a) * len(b)
    assert evaluate(result.matches, truth).f1 > 0.85
    sessions = result.model.training["sessions"]
    assert any(s["used"] for s in sessions)


@pytest.mark.parametrize("mode", ["greedy", "optimal"])
def test_one_to_one_names_each_id_at_most_once(mode):
    a, b, _ = encoded_pair()
    result = link(a, b, one_to_one=mode, threshold=0.05)
    assert not result.matches["id_a"].duplicated().any()
    assert not result.matches["id_b"].duplicated().any()
    many = link(a, b, one_to_one="none", threshold=0.05)
    assert len(many.matches) >= len(result.matches)


def test_empty_and_one_record_inputs():
    a, b, _ = encoded_pair()
    empty = a.subset(np.zeros(0, dtype=np.intp))
    for x, y in ((empty, b), (a, empty), (empty, empty)):
        r = link(x, y)
        assert len(r.matches) == 0 and list(r.matches.columns) == list(MATCH_COLUMNS)
    one_a, one_b = a.subset([0]), b.subset([0])
    r = link(one_a, one_b)
    assert len(r.matches) <= 1
    r = link(one_a, b)
    assert len(r.matches) <= 1


def test_incompatible_datasets_refused():
    a, b, _ = encoded_pair()
    (_, ea2), _, schema, extracts = synthetic(year_salt=True)
    other_key = encode(extracts[1].head(50), schema, Secret(key_bytes("z")),
                       suggest_mapping(extracts[1], schema)[0])
    with pytest.raises(IncompatibleDatasetsError, match="secret key"):
        link(a, other_key)
    doc = schema.to_dict()
    doc["description"] = "another schema"
    other = Schema.from_dict(doc)
    other_schema = encode(extracts[1].head(50), other, SECRET,
                          suggest_mapping(extracts[1], other)[0])
    with pytest.raises(IncompatibleDatasetsError, match="different schemas"):
        link(a, other_schema)


def test_bad_options():
    a, b, _ = encoded_pair()
    with pytest.raises(ParameterError):
        link(a, b, threshold=1.5)
    with pytest.raises(ParameterError, match="not True or False"):
        link(a, b, threshold=True)
    with pytest.raises(ParameterError):
        link(a, b, one_to_one="best")
    with pytest.raises(ParameterError):
        link(a, b, engine="spark")


def to_clkhash_json(ds: EncodedDataset, path):
    raw = ds.clk.astype("<u8").view(np.uint8)
    msb_first = np.packbits(np.unpackbits(raw, axis=1, bitorder="little"), axis=1,
                            bitorder="big")
    clks = [base64.b64encode(row.tobytes()).decode() for row in msb_first]
    path.write_text(json.dumps({"clks": clks}))


def test_clkhash_clk_file_links(tmp_path):
    a, b, truth = encoded_pair()
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    to_clkhash_json(a, pa)
    to_clkhash_json(b, pb)
    result = link(pa, pb)
    assert result.model.fields == ["clk"]
    # clkhash ids are row numbers: map back to the encoded ids to score
    mapped = pd.DataFrame({
        "id_a": a.record_ids[result.matches["id_a"].astype(int)],
        "id_b": b.record_ids[result.matches["id_b"].astype(int)],
    })
    metrics = evaluate(mapped, truth)
    # a CLK alone is a weak signal on 800 records (F1 0.85 at 14,000 x 14,000)
    assert metrics.tp > 50 and metrics.precision > 0.9, metrics
    with pytest.raises(IncompatibleDatasetsError):
        link(pa, b)


def test_dask_engine_equals_local():
    pytest.importorskip("dask.distributed")
    a, b, _ = encoded_pair()
    local = link(a, b, blocking=["keys", "lsh"], return_candidates=True)
    dist = link(a, b, blocking=["keys", "lsh"], engine="dask", partitions=3,
                return_candidates=True)
    pd.testing.assert_frame_equal(local.matches, dist.matches)
    pd.testing.assert_frame_equal(local.candidates, dist.candidates)


def test_explain_write_and_model_round_trip(tmp_path):
    a, b, _ = encoded_pair()
    result = link(a, b)
    top = result.matches.iloc[0]
    why = result.explain(top["id_a"], top["id_b"])
    assert why["matched"] and why["candidate"]
    assert why["probability"] == pytest.approx(top["probability"])
    assert [f["field"] for f in why["fields"]] == result.model.fields
    with pytest.raises(ParameterError):
        result.explain("no such id", top["id_b"])
    result.to_csv(tmp_path / "m.csv")
    result.to_parquet(tmp_path / "m.parquet")
    back = pd.read_csv(tmp_path / "m.csv", dtype={"id_a": str, "id_b": str})
    assert back[["id_a", "id_b"]].equals(result.matches[["id_a", "id_b"]].astype(str))
    assert len(pd.read_parquet(tmp_path / "m.parquet")) == len(result.matches)
    with pytest.raises(ParameterError):
        result.to_csv(tmp_path / "m.txt")
    model = FellegiSunterModel.from_json(result.model.to_json())
    again = link(a, b, model=model)
    pd.testing.assert_frame_equal(again.matches, result.matches)
    assert result.candidates is None  # no similarity table unless asked
    data = result.report_data()
    json.dumps(data, allow_nan=False)
    assert "ids" not in json.dumps(data)


def test_model_for_other_fields_refused():
    a, b, _ = encoded_pair()
    from linkcore.linkage.levels import FieldComparison

    model = FellegiSunterModel([FieldComparison("shoe_size", (0.9,))])
    with pytest.raises(ModelError, match="shoe_size"):
        link(a, b, model=model)


def test_link_many_clusters_three_parties():
    encoded, truth, _, _ = synthetic(people=900, seed=7, agencies=3)
    result = link_many(encoded)
    cl = result.clusters
    assert len(cl) == sum(len(d) for d in encoded)
    # at most one record per party in a cluster
    assert not cl.duplicated(["cluster", "party"]).any()
    assert set(result.links) == {(0, 1), (0, 2), (1, 2)}
    from linkcore.evaluate import evaluate_clusters

    pred = cl.assign(agency=cl["party"] + 1)[["agency", "id", "cluster"]]
    assert evaluate_clusters(pred, truth).f1 > 0.8
    # with names: the (agency, id, cluster) table link_and_dedupe gives and with_person_ids takes
    named = link_many(encoded, names=["1", "2", "3"]).clusters
    assert list(named.columns) == ["agency", "id", "cluster"]
    pd.testing.assert_frame_equal(named, pred.astype({"agency": str}))  # pandas' text dtype
    from linkcore.linkage.pseudonyms import ProjectKey, with_person_ids

    assert len(with_person_ids(named, ProjectKey(key_bytes("k")))) == len(cl)
    with pytest.raises(ParameterError, match="agency name"):
        link_many(encoded, names=["a", "b"])


def _partition(labels):
    """The sets of positions sharing a label (what a clustering means, whatever its numbers)."""
    return {frozenset(g) for g in pd.Series(range(len(labels))).groupby(list(labels)).groups
            .values()}


@pytest.mark.parametrize("one_per_party", [True, False])
def test_link_many_clusters_per_component_are_those_of_all_links_at_once(one_per_party):
    """Clustered component by component (on the engine's workers): the clusters of every link
    taken together, the one-record-per-party greedy union's tie-breaks (by party, then record
    id) included."""
    from linkcore.linkage import resolve

    encoded, _, _, _ = synthetic(people=900, seed=11, agencies=3)
    result = link_many(encoded, one_per_party=one_per_party)
    offsets = np.cumsum([0] + [len(d) for d in encoded])
    party = np.repeat(np.arange(len(encoded)), [len(d) for d in encoded])
    rank = resolve.id_ranks(np.concatenate([d.record_ids for d in encoded]),
                            np.char.zfill(party.astype(str), 6).astype(object))
    row_of_rank = np.argsort(rank)
    edges = []
    for (i, j), res in result.links.items():
        ra = pd.Index(encoded[i].record_ids).get_indexer(res.matches["id_a"])
        rb = pd.Index(encoded[j].record_ids).get_indexer(res.matches["id_b"])
        edges.append((np.full(ra.size, i), rank[offsets[i] + ra], np.full(rb.size, j),
                      rank[offsets[j] + rb], res.matches["probability"].to_numpy()))
    pl, l_, pr, r_, p = (np.concatenate(c) for c in zip(*edges, strict=True))
    whole = (resolve.clusters_one_per_party(pl, l_, pr, r_, p) if one_per_party
             else resolve.clusters(pl, l_, pr, r_))
    expected = np.arange(len(result.clusters)) + 10**6  # records in no link: alone
    expected[row_of_rank[whole.record]] = whole.cluster
    assert _partition(result.clusters["cluster"]) == _partition(expected)
    assert result.clusters["cluster"].iloc[0] == 0  # numbered in record order


def test_field_agreement_blocking_and_blocking_quality():
    a, b, truth = encoded_pair()
    result = link(a, b, blocking=["keys", "agree"], return_candidates=True)
    assert [r["rule"] for r in result.candidate_stats["rules"]] == ["keys", "agree"]
    from linkcore.evaluate import blocking_quality

    expected = blocking_quality(result.candidates[["id_a", "id_b"]], truth=truth, n_a=len(a),
                                n_b=len(b))
    got = result.blocking_quality(truth)
    assert got == expected
    assert got.pairs_completeness > 0.95
    assert evaluate(result.matches, truth).f1 > 0.85


def unhardened(schema: Schema) -> Schema:
    """The schema with no salt and no hardening on any field (equal values, equal filters)."""
    doc = schema.to_dict()
    for f in doc["fields"]:
        f["salt"] = None
        f["hardening"] = []
    if doc.get("clk"):
        doc["clk"]["hardening"] = []
        doc["clk"]["salt"] = None
    return Schema.from_dict(doc)


def test_dependence_correction_only_lowers_weights_and_is_explained():
    # 3,000 people: enough postcodes for the postcode to be a specific field; no salt or
    # hardening, so that household members' surname filters are equal
    _, truth, schema, (df_a, df_b) = synthetic(3000, 5, year_salt=True)
    schema = unhardened(schema)
    a = encode(df_a, schema, SECRET, suggest_mapping(df_a, schema)[0])
    b = encode(df_b, schema, SECRET, suggest_mapping(df_b, schema)[0])
    plain = link(a, b, dependence_correction=False, return_candidates=True)
    fixed = link(a, b, return_candidates=True)
    dep = fixed.dependence
    assert dep is not None and dep.corrections
    assert all(c < 0 for c in dep.corrections.values())
    sets = [tuple(c["agree"]) for c in dep.to_dict()["corrections"]]
    assert ("last_name", "postcode") in sets  # a household's surname and postcode
    # the same candidates and model; weights only go down, by the table
    assert np.array_equal(plain.candidates["id_a"], fixed.candidates["id_a"])
    diff = fixed.candidates["match_weight"].to_numpy() - plain.candidates["match_weight"].to_numpy()
    assert (diff <= 1e-9).all() and (diff < 0).any()
    assert evaluate(fixed.matches, truth).f1 >= evaluate(plain.matches, truth).f1 - 0.005
    # explain gives the corrected probability of a matched pair
    top = fixed.matches.iloc[0]
    row = fixed.candidates[(fixed.candidates["id_a"] == top["id_a"])
                           & (fixed.candidates["id_b"] == top["id_b"])].iloc[0]
    info = fixed.explain(top["id_a"], top["id_b"])
    assert info["probability"] == pytest.approx(row["probability"], abs=1e-9)
    hit = fixed.candidates[diff < 0].iloc[0]
    info = fixed.explain(hit["id_a"], hit["id_b"])
    assert info["dependence_correction"] < 0
    assert info["probability"] == pytest.approx(hit["probability"], abs=1e-9)
