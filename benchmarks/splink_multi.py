"""Plaintext Splink link_and_dedupe on a ``linkcore synth`` folder of several agencies.

The reference for benchmarks/multi_agency.py. Standalone like splink_baseline.py (whose
normalisation and model it reuses): it does not import linkcore, so it runs in the Splink venv:

    linkcore synth --people 20000 --agencies 4 --rate duplicate=0.05 --seed 11 -o DIR
    /work/venvs/splink4/bin/python benchmarks/splink_multi.py DIR [--out clusters.csv]
    linkcore evaluate clusters.csv --truth DIR/truth_clusters.csv

Each agency_N.csv is normalised by its synth style (1: rec_id/given_name/..., 2: FORENAME/DOB
dd/mm/yyyy/..., 3: id/birth_date yyyymmdd/sex_code 1/2/...; agency 4 reuses style 1), or with
``--manifest`` by the column roles a held-out generator documents (benchmarks/heldout4), into
first, middle and last name, date of birth, sex, postcode and national id. Splink's link_and_dedupe
runs over all files with splink_baseline.py's comparisons (names exact with term frequencies /
Damerau-Levenshtein 1 / Jaro-Winkler 0.9 / 0.8, date Levenshtein 1 / 2, postcode levels, sex,
national id), blocking rules and training (u from random pairs, λ from deterministic rules at
recall 0.7, EM on a first+last name block, then a date-of-birth block).

Printed: pairwise precision/recall/F1 of the predicted pairs at p >= 0.5 and at the best
threshold (chosen with the truth: a ceiling), every pair of records of one true person counted
once (within one agency and across agencies alike); time. ``--out`` writes Splink's clusters at
p >= 0.5 (connected components, its ``cluster_pairwise_predictions_at_threshold``) as
``agency, id, cluster`` for ``linkcore evaluate``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splink_baseline import normalise  # noqa: E402

STYLE_MAPS = {
    1: {"id": "rec_id", "columns": {"first_name": "given_name", "middle_name": "middle_name",
                                    "last_name": "surname", "date_of_birth": "dob",
                                    "sex": "sex", "postcode": "postcode",
                                    "national_id": "ni_number"}},
    2: {"id": "record_id", "columns": {"first_name": "FORENAME", "last_name": "SURNAME",
                                       "date_of_birth": "DOB", "sex": "GENDER",
                                       "postcode": "POST_CODE", "national_id": "NINO"},
        "date_format": "%d/%m/%Y", "split_first_name": True},
    3: {"id": "id", "columns": {"first_name": "first_name", "middle_name": "middle_initial",
                                "last_name": "last_name", "date_of_birth": "birth_date",
                                "sex": "sex_code", "postcode": "postcode", "national_id": "ni"},
        "date_format": "%Y%m%d"},
}


ROLES = {"first_name": "first_name", "middle_name": "middle_name", "last_name": "last_name",
         "date_of_birth": "date_of_birth", "sex": "sex", "postcode": "postcode",
         "ni_number": "national_id"}


def manifest_spec(raw: pd.DataFrame, agency: dict) -> tuple[pd.DataFrame, dict]:
    """An agency's frame and normalise() spec from a held-out manifest's documented roles.

    ``agency``: {"id_column": ..., "columns": {role: column, "date_format": ..., "sex_coding":
    {code: "male" / "female" / ...}}}, as benchmarks/heldout4 writes it. A name written whole
    (``full_name``) is split into its first word, its last word and what lies between.
    """
    roles = dict(agency["columns"])
    cols = {ours: roles[role] for role, ours in ROLES.items() if isinstance(roles.get(role), str)}
    raw = raw.copy()
    if "full_name" in roles and "first_name" not in cols:
        words = raw[roles["full_name"]].fillna("").str.strip().str.split(r"\s+")
        raw["_first"] = words.str[0]
        raw["_last"] = words.apply(lambda w: w[-1] if len(w) > 1 else "")
        raw["_middle"] = words.apply(lambda w: " ".join(w[1:-1]))
        cols["first_name"] = "_first"
        if "last_name" in cols:  # a forename column holding "first middle"
            raw["_middle"] = words.apply(lambda w: " ".join(w[1:]))
        cols.setdefault("last_name", "_last")
        cols.setdefault("middle_name", "_middle")
    coding = roles.get("sex_coding")
    if isinstance(coding, dict) and "sex" in cols:
        to_mf = {str(k): str(v).strip().upper()[:1] for k, v in coding.items()}
        raw[cols["sex"]] = raw[cols["sex"]].map(lambda v: to_mf.get(str(v).strip(), v))
    spec = {"id": agency["id_column"], "columns": cols}
    if isinstance(roles.get("date_format"), str):
        spec["date_format"] = roles["date_format"]
    return raw, spec


def load(folder: str, manifest: dict | None = None) -> tuple[list[pd.DataFrame], list[str]]:
    frames, names = [], []
    k = 1
    while os.path.exists(os.path.join(folder, f"agency_{k}.csv")):
        raw = pd.read_csv(os.path.join(folder, f"agency_{k}.csv"), dtype=str,
                          keep_default_na=False)
        if manifest is not None:
            raw, spec = manifest_spec(raw, manifest["agencies"][k - 1])
            frames.append(normalise(raw, spec, with_id=True))
        else:
            style = (k - 1) % 3 + 1
            if style == 3:
                raw = raw.assign(sex_code=raw["sex_code"].map({"1": "M", "2": "F"}))
            frames.append(normalise(raw, STYLE_MAPS[style], with_id=True))
        names.append(f"agency_{k}")
        k += 1
    return frames, names


def run(frames: list[pd.DataFrame], names: list[str], max_pairs: float):
    import duckdb
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    def name(c: str):
        return cl.CustomComparison(output_column_name=c, comparison_levels=[
            cll.NullLevel(c), cll.ExactMatchLevel(c, term_frequency_adjustments=True),
            cll.DamerauLevenshteinLevel(c, 1), cll.JaroWinklerLevel(c, 0.9),
            cll.JaroWinklerLevel(c, 0.8), cll.ElseLevel()])

    settings = SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=[name("first_name"), name("last_name"),
                     cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
                     cl.PostcodeComparison("postcode"), cl.ExactMatch("sex"),
                     cl.ExactMatch("national_id")],
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"), block_on("last_name", "first_name"),
            block_on("postcode", "last_name"), block_on("postcode", "first_name")],
        retain_intermediate_calculation_columns=False,
    )
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    db = DuckDBAPI(connection=con)
    linker = Linker(frames, settings, db, set_up_basic_logging=False,
                    input_table_aliases=names)
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth"),
         block_on("postcode", "date_of_birth")], recall=0.7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))
    pred = linker.inference.predict()
    pairs = pred.as_pandas_dataframe()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=0.5).as_pandas_dataframe()
    return pairs, clusters, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", help="a linkcore synth output folder (agency_N.csv, "
                                   "truth_clusters.csv)")
    ap.add_argument("--out", help="write Splink's clusters at p >= 0.5 (agency, id, cluster)")
    ap.add_argument("--max-pairs", type=float, default=1e7)
    ap.add_argument("--manifest", help="a held-out generator's manifest.json (benchmarks/"
                                       "heldout4): each agency's columns by role")
    args = ap.parse_args()
    manifest = None
    if args.manifest:
        with open(args.manifest) as f:
            manifest = json.load(f)
    frames, names = load(args.folder, manifest)
    truth = pd.read_csv(os.path.join(args.folder, "truth_clusters.csv"), dtype=str)
    person = dict(zip(truth["agency"] + "/" + truth["id"], truth["cluster"], strict=True))
    sizes = truth.groupby("cluster").size().to_numpy()
    n_true = int((sizes * (sizes - 1) // 2).sum())
    pairs, clusters, seconds = run(frames, names, args.max_pairs)
    pa = (pairs["source_dataset_l"] + "/" + pairs["unique_id_l"]).map(person)
    pb = (pairs["source_dataset_r"] + "/" + pairs["unique_id_r"]).map(person)
    pairs = pairs.assign(true=(pa == pb).to_numpy(),
                         within=(pairs["source_dataset_l"] == pairs["source_dataset_r"]))
    order = pairs.sort_values("match_probability", ascending=False)
    tp = np.cumsum(order["true"].to_numpy())
    n = np.arange(1, len(order) + 1)
    f1 = 2 * tp / (n + n_true)
    prob = order["match_probability"].to_numpy()
    ends = np.r_[np.nonzero(prob[1:] != prob[:-1])[0], len(prob) - 1]  # ties go in together
    best = int(ends[np.argmax(f1[ends])])
    at = pairs[pairs["match_probability"] >= 0.5]
    tp5 = int(at["true"].sum())
    p5, r5 = tp5 / max(len(at), 1), tp5 / n_true
    print(f"Splink link_and_dedupe, {len(names)} files, {sum(len(f) for f in frames):,} records, "
          f"{n_true:,} true pairs; {len(pairs):,} blocked pairs; {seconds:.1f} s")
    print(f"  pairs at p >= 0.5: {len(at):,} ({int(at['within'].sum()):,} within one agency); "
          f"P {p5:.4f} R {r5:.4f} F1 {2 * p5 * r5 / (p5 + r5):.4f}")
    print(f"  best threshold (chosen with the truth) p >= "
          f"{order['match_probability'].iloc[best]:.3g}: F1 {f1[best]:.4f}")
    if args.out:
        source = clusters["source_dataset"].astype(str)
        pd.DataFrame({"agency": source, "id": clusters["unique_id"].astype(str),
                      "cluster": clusters["cluster_id"].astype(str)}).to_csv(args.out,
                                                                              index=False)
        print(f"  wrote {len(clusters):,} records' clusters to {args.out}")


if __name__ == "__main__":
    main()
