"""Plaintext linkage baselines: recordlinkage (ECM) and Splink (DuckDB, EM), FEBRL4 and synthetic.

These are the quality ceilings that linkcore's encoded (privacy-preserving) linkage is
measured against: what a user would get from the usual open tools on the *plaintext*.
Each tool runs only when it is installed; otherwise the script says so and skips it.

Usage:
    python benchmarks/baselines.py [--dataset febrl4|synthetic|all] [--people 50000]
                                   [--profile moderate] [--seed 42] [--tools recordlinkage,splink]

Both tools get the same light cleaning (lower case, one date format, postcodes in one
shape) and compare the same fields: first name, surname, date of birth, postcode and the
national identifier (FEBRL's soc_sec_id, the synthetic NI number). Street and town are left
out of the comparisons on purpose: they say again what the postcode says, and both tools
assume fields are independent given match status, so three address fields count one piece of
evidence three times and every member of a household becomes a "match" (measured: Splink's
F1 at p >= 0.5 on a 20,000-person moderate pair: 0.67 with them, 0.97 without). Blocking is
the union of: same date of birth, same first name and surname, same identifier, same postcode
and first initial (postcode alone floods the candidates with households and neighbours, and
recordlinkage's ECM then learns "same postcode" as its match class: on the 50,000-person
moderate pair, ECM's F1 at p >= 0.5 is 0.44 with postcode alone and 0.87 with this blocking).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import time
import warnings

import numpy as np
import pandas as pd

from linkcore.evaluate import best_threshold, blocking_quality, evaluate

FIELDS = ["first_name", "surname", "dob", "postcode", "street", "town", "ssn"]
# Candidate pairs: the union of these blocks. Postcode alone would make ECM fail: same-postcode
# pairs (households, neighbours) then outnumber everything else and EM takes them for a class.
BLOCKS = [["dob"], ["first_name", "surname"], ["ssn"], ["postcode", "initial"]]


# --- cleaning ------------------------------------------------------------------------------


def _lower(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().replace("", pd.NA)


def _uk_postcode(s: pd.Series) -> pd.Series:
    s = s.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
    return s.where(s.str.len() < 5, s.str[:-3] + " " + s.str[-3:])


def _iso_date(s: pd.Series, fmt: str) -> pd.Series:
    d = pd.to_datetime(s, format=fmt, errors="coerce")
    return d.dt.strftime("%Y-%m-%d").astype("string")


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    df = df.assign(initial=df["first_name"].str[:1])
    df = df[["unique_id", *FIELDS, "initial"]].copy()
    for c in [*FIELDS, "initial"]:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def clean_febrl(df: pd.DataFrame) -> pd.DataFrame:
    """FEBRL columns -> the common fields."""
    out = pd.DataFrame({"unique_id": df["rec_id"].astype(str)})
    out["first_name"] = _lower(df["given_name"])
    out["surname"] = _lower(df["surname"])
    out["dob"] = _iso_date(df["date_of_birth"], "%Y%m%d")
    out["postcode"] = _lower(df["postcode"])
    out["street"] = _lower(df["street_number"].fillna("") + " " + df["address_1"].fillna(""))
    out["town"] = _lower(df["suburb"])
    out["ssn"] = _lower(df["soc_sec_id"])
    return _finish(out)


def clean_agency_1(df: pd.DataFrame) -> pd.DataFrame:
    """Synthetic agency 1 (rec_id, given_name, surname, dob ISO, ...) -> the common fields."""
    out = pd.DataFrame({"unique_id": df["rec_id"].astype(str)})
    out["first_name"] = _lower(df["given_name"])
    out["surname"] = _lower(df["surname"])
    out["dob"] = _iso_date(df["dob"], "%Y-%m-%d")
    out["postcode"] = _uk_postcode(df["postcode"])
    out["street"] = _lower(df["address"])
    out["town"] = _lower(df["town"])
    out["ssn"] = _lower(df["ni_number"].astype("string").str.replace(" ", ""))
    return _finish(out)


def clean_agency_2(df: pd.DataFrame) -> pd.DataFrame:
    """Synthetic agency 2 (record_id, FORENAME, SURNAME, DOB dd/mm/yyyy, ...) -> common fields."""
    out = pd.DataFrame({"unique_id": df["record_id"].astype(str)})
    out["first_name"] = _lower(df["FORENAME"].astype("string").str.split(" ").str[0])
    out["surname"] = _lower(df["SURNAME"])
    out["dob"] = _iso_date(df["DOB"], "%d/%m/%Y")
    out["postcode"] = _uk_postcode(df["POST_CODE"])
    out["street"] = _lower(df["ADDRESS_LINE_1"])
    out["town"] = _lower(df["TOWN"])
    out["ssn"] = _lower(df["NINO"].astype("string").str.replace(" ", ""))
    return _finish(out)


def load_dataset(name: str, people: int, profile: str, seed: int):
    """Return (label, cleaned A, cleaned B, truth, uk_postcodes)."""
    if name == "febrl4":
        from linkcore.datasets import load_febrl4

        a, b, truth = load_febrl4()
        return "FEBRL4 (5,000 x 5,000)", clean_febrl(a), clean_febrl(b), truth, False
    from linkcore.synth import generate_population, make_extracts

    pop = generate_population(people, seed)
    (a, b), truth = make_extracts(pop, agencies=2, overlap=0.5, profile=profile, seed=seed)
    label = f"synthetic ({people:,} people, overlap 0.5, {profile}: {len(a):,} x {len(b):,})"
    return label, clean_agency_1(a), clean_agency_2(b), truth, True


# --- reporting -----------------------------------------------------------------------------


def report(
    tool: str, matches: pd.DataFrame, truth: pd.DataFrame, seconds: float, threshold: float = 0.5
) -> None:
    at = evaluate(matches, truth, threshold=threshold)
    best = best_threshold(matches, truth)
    print(
        f"  {tool:<28} p>={threshold:<4} precision {at.precision:.4f}  recall {at.recall:.4f}  "
        f"F1 {at.f1:.4f}   time {seconds:.1f} s"
    )
    print(
        f"  {'':<28} best p>={best.threshold:.3g}: precision {best.precision:.4f}  "
        f"recall {best.recall:.4f}  F1 {best.f1:.4f}"
    )


# --- recordlinkage -------------------------------------------------------------------------


def run_recordlinkage(a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame) -> None:
    try:
        import recordlinkage as rl
    except ImportError:
        print("  recordlinkage: not installed, skipped (pip install recordlinkage)")
        return
    t0 = time.perf_counter()
    A, B = a.set_index("unique_id"), b.set_index("unique_id")
    indexer = rl.Index()
    for cols in BLOCKS:
        indexer.block(cols)
    cands = indexer.index(A, B)
    comp = rl.Compare()
    comp.string(
        "first_name", "first_name", method="jarowinkler", threshold=0.88, label="first_name"
    )
    comp.string("surname", "surname", method="jarowinkler", threshold=0.88, label="surname")
    comp.exact("dob", "dob", label="dob")
    comp.exact("postcode", "postcode", label="postcode")
    comp.string("ssn", "ssn", method="levenshtein", threshold=0.85, label="ssn")
    features = comp.compute(cands, A, B)
    ecm = rl.ECMClassifier(binarize=None)
    ecm.fit(features)
    prob = ecm.prob(features)
    seconds = time.perf_counter() - t0
    matches = pd.DataFrame(
        {
            "id_a": cands.get_level_values(0).astype(str),
            "id_b": cands.get_level_values(1).astype(str),
            "probability": np.clip(prob.to_numpy(dtype=float), 0.0, 1.0),
        }
    )
    q = blocking_quality(matches, truth=truth, n_a=len(a), n_b=len(b))
    print(
        f"  blocking: {q.candidates:,} candidate pairs, pairs completeness "
        f"{q.pairs_completeness:.4f}, reduction ratio {q.reduction_ratio:.6f}"
    )
    report("recordlinkage ECM", matches, truth, seconds)


# --- Splink --------------------------------------------------------------------------------


def run_splink(a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame, uk: bool) -> None:
    try:
        import duckdb
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    except ImportError:
        print("  splink: not installed, skipped (pip install splink)")
        return
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    db = DuckDBAPI(connection=con)
    sa = db.register(a, dataset_display_name="a")
    sb = db.register(b, dataset_display_name="b")
    postcode = (
        cl.PostcodeComparison("postcode") if uk else cl.LevenshteinAtThresholds("postcode", 1)
    )
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            postcode,
            cl.LevenshteinAtThresholds("ssn", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in BLOCKS],
    )
    linker = Linker([sa, sb], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    # EM on pairs with the same names (learns date, postcode and id), then on pairs with the
    # same date of birth (learns the names). A surname block would teach EM "same household".
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"), record_sample_proportion=1.0
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), record_sample_proportion=1.0
    )
    pred = linker.inference.predict(threshold_match_probability=0.001).as_pandas_dataframe()
    seconds = time.perf_counter() - t0
    left_is_a = pred["source_dataset_l"].astype(str) == "a"
    matches = pd.DataFrame(
        {
            "id_a": np.where(left_is_a, pred["unique_id_l"], pred["unique_id_r"]).astype(str),
            "id_b": np.where(left_is_a, pred["unique_id_r"], pred["unique_id_l"]).astype(str),
            "probability": pred["match_probability"].to_numpy(dtype=float).clip(0.0, 1.0),
        }
    )
    report("Splink (DuckDB, EM)", matches, truth, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=["febrl4", "synthetic", "all"], default="all")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--profile", default="moderate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tools", default="recordlinkage,splink")
    args = parser.parse_args()
    tools = set(args.tools.split(","))
    print(
        f"machine: {platform.machine()} cpus={os.cpu_count()} "
        f"python {platform.python_version()}; {time.strftime('%Y-%m-%d')}"
    )
    names = ["febrl4", "synthetic"] if args.dataset == "all" else [args.dataset]
    for name in names:
        label, a, b, truth, uk = load_dataset(name, args.people, args.profile, args.seed)
        print(f"{label}: {len(truth):,} true pairs")
        if "recordlinkage" in tools:
            run_recordlinkage(a, b, truth)
        if "splink" in tools:
            run_splink(a, b, truth, uk)


if __name__ == "__main__":
    main()
