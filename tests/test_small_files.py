"""Small files whose names are compared only under a shared salt: exact copies must link.

Regression (helper-64's API review): two files of names and dates of birth only, one an exact
copy of part of the other, linked 0 of 400 pairs (names salted with the date of birth got the
random pairs' u, which counts the same-day pairs' matches: u 0.90 for a first name agreeing), and
at 3,000 records 48 wrong pairs at probability 1.0 (the one session, finding every record of the
smaller side matched, was discarded). Names and postcode only: 0 of 400 (no session usable).
"""

from __future__ import annotations

import pandas as pd
import pytest
from keybytes import key_bytes

from linkcore import Secret, encode, link
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.dedupe import dedupe
from linkcore.synth import generate_population

SECRET = Secret(key_bytes("small"))


def _people(n: int, seed: int, columns: list[str]) -> pd.DataFrame:
    pop = generate_population(n, seed=seed).drop_duplicates(subset=columns)
    out = pop[columns].copy()
    out.insert(0, "ref", [f"A{i:05d}" for i in range(len(out))])
    return out.reset_index(drop=True)


@pytest.mark.parametrize(("n", "copies", "columns"), [
    (700, 400, ["first_name", "last_name", "date_of_birth"]),
    (3000, 1500, ["first_name", "last_name", "date_of_birth"]),
    (700, 400, ["first_name", "last_name", "postcode"]),
])
def test_exact_copies_link_whatever_the_few_fields_held(n, copies, columns):
    a = _people(n, 11, columns)
    b = a.sample(copies, random_state=1).reset_index(drop=True)
    truth = set(zip(b["ref"], [f"B{i:05d}" for i in range(copies)], strict=True))
    b["ref"] = [f"B{i:05d}" for i in range(copies)]
    schema, mapping_a, _ = suggest_schema(a)
    mapping_b, _ = suggest_mapping(b, schema)
    result = link(encode(a, schema, SECRET, mapping_a), encode(b, schema, SECRET, mapping_b))
    found = set(zip(result.matches["id_a"], result.matches["id_b"], strict=True))
    assert len(found & truth) >= 0.99 * copies
    assert len(found - truth) <= 0.01 * copies
    for name in ("first_name", "last_name"):
        assert result.model.u[name][1] < 0.1, name  # an agreeing name is evidence


def test_exact_duplicates_in_one_small_file_are_found():
    a = _people(700, 12, ["first_name", "last_name", "date_of_birth"])
    twice = a.head(60).copy()
    twice["ref"] = [f"D{i:03d}" for i in range(60)]
    both = pd.concat([a, twice], ignore_index=True)
    schema, mapping, _ = suggest_schema(both)
    clusters = dedupe(encode(both, schema, SECRET, mapping)).clusters
    cluster_of = dict(zip(clusters["id"], clusters["cluster"], strict=True))
    assert all(cluster_of[f"A{i:05d}"] == cluster_of[f"D{i:03d}"] for i in range(60))


def test_a_model_trained_on_another_schema_is_refused():
    """Regression: a model from other encodings (same field names) scored them silently."""
    from linkcore.errors import ModelError
    from linkcore.schema import Schema

    a = _people(700, 13, ["first_name", "last_name", "date_of_birth"])
    b = a.sample(300, random_state=2).reset_index(drop=True)
    b["ref"] = [f"B{i:05d}" for i in range(len(b))]
    schema, mapping_a, _ = suggest_schema(a)
    mapping_b, _ = suggest_mapping(b, schema)
    doc = schema.to_dict()
    doc["fields"][0]["k"] = doc["fields"][0].get("k", 6) + 1  # other positions, same names
    other = Schema.from_dict(doc)
    assert other.fingerprint != schema.fingerprint
    model = link(encode(a, other, SECRET, mapping_a), encode(b, other, SECRET, mapping_b)).model
    ea, eb = encode(a, schema, SECRET, mapping_a), encode(b, schema, SECRET, mapping_b)
    with pytest.raises(ModelError, match="trained on encodings of schema"):
        link(ea, eb, model=model)
    own = link(ea, eb).model
    assert len(link(ea, eb, model=own).matches) == len(link(ea, eb).matches)


def test_a_file_whose_name_cannot_name_an_agency_goes_by_its_position(tmp_path):
    """Regression: dedupe(path) of a file named with over 64 characters raised about an agency
    name the caller never gave."""
    a = _people(300, 14, ["first_name", "last_name", "date_of_birth"])
    schema, mapping, _ = suggest_schema(a)
    path = tmp_path / ("extract_" * 10 + ".parquet")
    encode(a, schema, SECRET, mapping).write(path)
    assert dedupe(path).agencies == ("1",)


def test_a_mistyped_date_of_birth_does_not_hide_a_small_file_pair():
    """Regression (helper-65's extracts): one person per postcode, so the postcode session held
    only true pairs, and its EM started the full-name view's u at the random pairs' u (which
    counts that block's matches): it called the pairs with a mistyped date non-matches, fitted
    u(full name agrees) 0.75 and m(date differs) 0.009, and those pairs were not linked."""
    columns = ["first_name", "last_name", "date_of_birth", "postcode"]
    a = _people(700, 14, columns)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    a["postcode"] = [f"L{1 + i // 200} {i % 10}{letters[i // 10 % 20]}{letters[i // 200]}"
                     for i in range(len(a))]  # one person per postcode
    b = a.sample(400, random_state=3).reset_index(drop=True)
    truth = set(zip(b["ref"], [f"B{i:05d}" for i in range(len(b))], strict=True))
    b["ref"] = [f"B{i:05d}" for i in range(len(b))]
    dates = pd.to_datetime(b["date_of_birth"])
    typo = b.index[:40]  # the day moved by one: a keying error
    b.loc[typo, "date_of_birth"] = (dates[typo] + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    schema, mapping_a, _ = suggest_schema(a)
    assert "full_name_by_postcode" in schema.field_names
    mapping_b, _ = suggest_mapping(b, schema)
    result = link(encode(a, schema, SECRET, mapping_a), encode(b, schema, SECRET, mapping_b))
    found = set(zip(result.matches["id_a"], result.matches["id_b"], strict=True))
    typoed = {(x, y) for x, y in truth if int(y[1:]) < 40}
    assert len(found & typoed) >= 38
    assert len(found - truth) <= 4
    assert result.model.u["full_name_by_postcode"][1] < 0.2


def test_a_file_without_duplicates_gets_next_to_no_pairs():
    """Regression (helper-68's review): in one file of distinct people every pair that shares a
    postcode is two housemates, and every pair that shares a date of birth twins or strangers;
    the sessions' EM split those blocks by household and called the split matches (2,000
    people of linkcore synth, no one twice: 1,818 pairs at p >= 0.5). Such a session is now
    refused, and with none left m is held at the prior and λ fitted over all pairs."""
    pop = generate_population(2000, seed=1)
    df = pop[["first_name", "last_name", "date_of_birth", "postcode"]].copy()
    df.insert(0, "ref", [f"R{i:05d}" for i in range(len(df))])
    schema, mapping, _ = suggest_schema(df)
    result = dedupe(encode(df, schema, SECRET, mapping))
    assert int((result.pairs["probability"] >= 0.5).sum()) <= 10
    sessions = [s for s in result.model.training["sessions"] if s["pairs"]]
    assert sessions and not any(s["used"] for s in sessions)
    assert any(s.get("matches_agree_no_more_on") for s in sessions)
    assert result.model.training["m_prior"]["fields"] == list(result.model.fields)
