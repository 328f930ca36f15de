#!/usr/bin/env python3
"""Plaintext baseline for the ho8 generator: Splink 4 (DuckDB), unsupervised.

    python splink_baseline.py DIR [OUT_DIR]

Reads DIR/agency_a.csv (housing register layout), DIR/agency_b.csv (benefits layout) and
DIR/truth.csv; normalises both into one layout as a careful user would; trains u by random
sampling and m by EM on two blocking rules; predicts; resolves one-to-one greedily (highest
probability first); reports precision/recall/F1 at p >= 0.5 and at the best threshold.
"""
import json
import os
import re
import sys
import unicodedata

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

DIR = sys.argv[1]
OUT = sys.argv[2] if len(sys.argv) > 2 else DIR


def clean_name(s):
    if not isinstance(s, str) or not s.strip():
        return None
    s = s.replace("ł", "l").replace("Ł", "L")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.lower().replace("'", "")
    s = re.sub(r"[^a-z]+", " ", s).strip()
    return s or None


def clean_postcode(s):
    if not isinstance(s, str):
        return None
    s = re.sub(r"[^A-Za-z0-9]", "", s).upper()
    if len(s) >= 5:
        return s[:-3] + " " + s[-3:]
    return None  # partial (outward only) or junk: treated as missing for the full postcode


def outward(s):
    if not isinstance(s, str):
        return None
    s = re.sub(r"[^A-Za-z0-9]", "", s).upper()
    if len(s) >= 5:
        return s[:-3]
    return s or None


def load():
    a = pd.read_csv(os.path.join(DIR, "agency_a.csv"), dtype=str, keep_default_na=False)
    b = pd.read_csv(os.path.join(DIR, "agency_b.csv"), dtype=str, keep_default_na=False)
    da = pd.DataFrame({
        "unique_id": a["HousingRef"],
        "first_name": a["Forename"].map(clean_name),
        "middle_name": a["Middle Names"].map(clean_name),
        "surname": a["Surname"].map(clean_name),
        "dob": pd.to_datetime(a["DOB"], format="%d/%m/%Y", errors="coerce").dt.strftime("%Y-%m-%d"),
        "sex": a["Gender"].map({"M": "m", "F": "f"}),
        "postcode": a["Postcode"].map(clean_postcode),
        "postcode_district": a["Postcode"].map(outward),
    })
    db = pd.DataFrame({
        "unique_id": b["PERSON_REF"],
        "first_name": b["FORENAME_1"].map(clean_name),
        "middle_name": b["FORENAME_2"].map(clean_name),
        "surname": b["SURNAME"].map(clean_name),
        "dob": pd.to_datetime(b["BIRTH_DATE"].str.title(), format="%d-%b-%Y", errors="coerce").dt.strftime("%Y-%m-%d"),
        "sex": b["SEX"].map({"Male": "m", "Female": "f"}),
        "postcode": b["PCODE"].map(clean_postcode),
        "postcode_district": b["PCODE"].map(outward),
    })
    for d in (da, db):
        d["dob"] = d["dob"].where(d["dob"].notna(), None)
        # 1900-01-01 is a system default, not a date of birth
        d.loc[d["dob"] == "1900-01-01", "dob"] = None
    return da, db


def greedy(pairs):
    pairs = pairs.sort_values("match_probability", ascending=False, kind="mergesort")
    used_a, used_b, keep = set(), set(), []
    for ia, ib, p in zip(pairs["id_a"], pairs["id_b"], pairs["match_probability"]):
        if ia in used_a or ib in used_b:
            continue
        used_a.add(ia); used_b.add(ib); keep.append((ia, ib, p))
    return pd.DataFrame(keep, columns=["id_a", "id_b", "match_probability"])


def score(m, truth):
    ts = set(zip(truth["id_a"], truth["id_b"]))
    ms = set(zip(m["id_a"], m["id_b"]))
    tp = len(ms & ts)
    p = tp / len(ms) if ms else 1.0
    r = tp / len(ts)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return dict(precision=p, recall=r, f1=f, tp=tp, fp=len(ms) - tp, fn=len(ts) - tp)


def main():
    da, db = load()
    truth = pd.read_csv(os.path.join(DIR, "truth.csv"), dtype=str)
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            block_on("postcode"),
            block_on("first_name", "surname"),
            block_on("surname", "postcode_district"),
            block_on("first_name", "postcode_district", "substr(dob, 1, 4)"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker([da, db], settings, db_api=db_api, input_table_aliases=["a", "b"])
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    pred = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    pred = pred.rename(columns={"unique_id_l": "id_a", "unique_id_r": "id_b"})
    # link_only: left is always a, right b (source_dataset_l tells)
    if "source_dataset_l" in pred:
        swap = pred["source_dataset_l"] != "a"
        pred.loc[swap, ["id_a", "id_b"]] = pred.loc[swap, ["id_b", "id_a"]].values
    pred = pred[["id_a", "id_b", "match_probability"]]
    # pairs completeness of the prediction blocking rules
    cand = linker.inference.predict(threshold_match_probability=0.0).as_pandas_dataframe()
    cs = set(zip(cand["unique_id_l"], cand["unique_id_r"])) | set(zip(cand["unique_id_r"], cand["unique_id_l"]))
    ts = set(zip(truth["id_a"], truth["id_b"]))
    pc = len(cs & ts) / len(ts)
    g = greedy(pred)
    res = {"candidates": len(cand), "pairs_completeness": pc,
           "at_0.5": score(g[g["match_probability"] >= 0.5], truth)}
    best = None
    for t in sorted(set(round(x, 4) for x in g["match_probability"])):
        s = score(g[g["match_probability"] >= t], truth)
        if best is None or s["f1"] > best["f1"]:
            best = dict(s, threshold=t)
    res["best"] = best
    print(json.dumps(res, indent=1))
    os.makedirs(OUT, exist_ok=True)  # OUT_DIR may be new (docs/parameters.md runs it so)
    g.to_csv(os.path.join(OUT, "splink_matches.csv"), index=False)
    with open(os.path.join(OUT, "splink_result.json"), "w") as fh:
        json.dump(res, fh, indent=1)
    linker.visualisations.match_weights_chart().save(os.path.join(OUT, "splink_weights.html"))


if __name__ == "__main__":
    main()
