"""Plaintext Splink (DuckDB) baseline on one pair of agency extracts, scored against a truth file.

Standalone: needs only splink (v4; v5's registration API is also handled), duckdb, pandas and
numpy -- it does not import linkcore, so it runs in its own venv:

    python3 -m venv /work/venvs/splink && . /work/venvs/splink/bin/activate
    pip install "splink>=4,<5" pandas numpy
    python benchmarks/splink_baseline.py --a A.csv --b B.csv --truth truth.csv \
        [--map-a MAP] [--map-b MAP] [--with-id] [--max-pairs 1e7] [--json-out FILE]

truth.csv has columns id_a,id_b (record ids of A and B).

Normalisation
-------------
Each file is read as text and turned into the common columns
    first_name, middle_name, last_name, date_of_birth (ISO), sex (M/F), postcode ("AB1 2CD")
(and national_id with --with-id). MAP is a small JSON object, given inline or as a file path:

    {"id": "client_ref",                     # record-id column (default "id")
     "columns": {"first_name": "forename",   # common column -> column in this file;
                 "middle_name": "middle_names",  # unmapped columns are taken by their common
                 "last_name": "surname",         # name if present, else left empty
                 "date_of_birth": "dob"},
     "date_format": "%d/%m/%Y",              # strptime format of the date column (default ISO;
                                             # "mixed": each value's own, day first)
     "split_first_name": true,               # "MARY JANE" -> first "mary", middle "jane"
                                             # (the rest is appended to any middle name)
     "sex_codes": {"1": "M", "2": "F"},      # a file's own sex codes (before the M/F rule)
     "dates_in_past": true}                  # a date read after today is 100 years earlier
                                             # (two-digit years of dates of birth: 03/07/60)

Fixed cleaning for every file: names lower case, trimmed, single spaces, '.' and ',' dropped;
sex -> M/F from its first letter (M/Male/F/Female, any case), else empty; postcode upper case,
spaces removed, then one space before the last three characters; national_id upper case without
spaces; unparseable dates and empty strings -> NULL.

Model (Splink's recommended setup for UK person data)
-----------------------------------------------------
link_only. Comparisons: first_name and last_name each
    exact (term-frequency adjusted) / Damerau-Levenshtein <= 1 / Jaro-Winkler >= 0.9 /
    Jaro-Winkler >= 0.8 / else;
date_of_birth exact / Levenshtein <= 1 / Levenshtein <= 2 / else (on the ISO string);
postcode exact / sector / district / area / else (cl.PostcodeComparison);
sex exact; with --with-id also national_id exact.
Blocking (union): dob; last+first name; postcode+last name; postcode+first name.
Training: u by random sampling (--max-pairs, default 1e7, seed 1); lambda from deterministic
rules (first+last name+dob; postcode+dob) at recall 0.7; m by EM on two blocking rules:
first+last name (learns dob, postcode, sex[, id]) then dob (learns names, postcode, sex[, id]).
Prediction: every blocked pair (no probability threshold).

Reported
--------
* pairs completeness: share of true pairs among all predicted (= blocked) pairs;
* precision / recall / F1 at match_probability >= 0.5 with greedy one-to-one resolution (pairs
  sorted by match weight descending -- the same order as probability, without float
  saturation at 1.0 -- a pair is taken if neither record is used yet), and the best F1 over
  thresholds (every distinct predicted probability; pairs with equal probability go in or out
  together); the same two without one-to-one (every pair at or above the threshold);
* calibration over all predicted pairs: per probability band of 0.1, count, mean probability
  and share of true pairs;
* the recall ceiling of any one-to-one output (maximum matching of the truth pairs; < 1 when
  the truth is not one-to-one, i.e. a person appears twice in one extract);
* wall time (total, and of the Splink part alone).
A human-readable summary is printed, then one line "JSON: {...}".
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd

COMMON = ["first_name", "middle_name", "last_name", "date_of_birth", "sex", "postcode"]


# --- normalisation -------------------------------------------------------------------------


def load_map(spec: str | None) -> dict:
    if not spec:
        return {}
    if os.path.exists(spec):
        with open(spec) as f:
            return json.load(f)
    return json.loads(spec)


def _text(s: pd.Series) -> pd.Series:
    s = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    return s.replace({"": None, "nan": None, "None": None})


def _name(s: pd.Series) -> pd.Series:
    s = _text(s).str.lower().str.replace(r"[.,]", "", regex=True)
    s = s.str.replace(r"\s+", " ", regex=True).str.strip()
    return s.replace({"": None})


def _postcode(s: pd.Series) -> pd.Series:
    s = _text(s).str.upper().str.replace(r"\s+", "", regex=True)
    s = s.where(s.str.len() < 5, s.str[:-3] + " " + s.str[-3:])
    return s.replace({"": None})


def _sex(s: pd.Series) -> pd.Series:
    first = _text(s).str.upper().str[:1]
    return first.where(first.isin(["M", "F"]), None)


def _date(s: pd.Series, fmt: str, in_past: bool = False) -> pd.Series:
    # "mixed": each value's own format (pandas infers it per value, day first when ambiguous)
    d = (pd.to_datetime(_text(s), format="mixed", dayfirst=True, errors="coerce")
         if fmt == "mixed" else pd.to_datetime(_text(s), format=fmt, errors="coerce"))
    if in_past:  # a two-digit year read into the future belongs to the century before
        d = d.where(d <= pd.Timestamp.today(), d - pd.DateOffset(years=100))
    return d.dt.strftime("%Y-%m-%d").where(d.notna(), None)


def normalise(raw: pd.DataFrame, spec: dict, with_id: bool) -> pd.DataFrame:
    cols = dict(spec.get("columns", {}))
    wanted = COMMON + (["national_id"] if with_id else [])
    src = {c: cols.get(c, c) for c in wanted}
    idcol = spec.get("id", "id")
    if idcol not in raw.columns:
        sys.exit(f"id column {idcol!r} not in {list(raw.columns)}")

    def col(c: str) -> pd.Series:
        if src[c] in raw.columns:
            return raw[src[c]]
        if c in cols:  # explicitly mapped but missing: a mistake worth stopping for
            sys.exit(f"column {src[c]!r} (for {c}) not in {list(raw.columns)}")
        return pd.Series([None] * len(raw), index=raw.index, dtype=object)

    out = pd.DataFrame({"unique_id": _text(raw[idcol])})
    out["first_name"] = _name(col("first_name"))
    out["middle_name"] = _name(col("middle_name"))
    if spec.get("split_first_name"):
        parts = out["first_name"].str.split(" ", n=1)
        rest = parts.str[1]
        out["first_name"] = parts.str[0]
        mid = out["middle_name"]
        out["middle_name"] = np.where(
            rest.notna(), np.where(mid.notna(), mid.fillna("") + " " + rest.fillna(""), rest), mid
        )
    out["last_name"] = _name(col("last_name"))
    out["date_of_birth"] = _date(col("date_of_birth"), spec.get("date_format", "%Y-%m-%d"),
                                 bool(spec.get("dates_in_past", False)))
    out["sex"] = _sex(_text(col("sex")).replace(spec.get("sex_codes", {})))
    out["postcode"] = _postcode(col("postcode"))
    if with_id:
        nid = _text(col("national_id")).str.upper().str.replace(r"\s+", "", regex=True)
        out["national_id"] = nid.replace({"": None})
    for c in out.columns:  # plain object columns with None for NULL, whatever pandas' defaults
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


# --- Splink --------------------------------------------------------------------------------


def run_splink(a: pd.DataFrame, b: pd.DataFrame, with_id: bool, max_pairs: float):
    import duckdb
    import splink
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    def name(c: str):
        return cl.CustomComparison(
            output_column_name=c,
            comparison_levels=[
                cll.NullLevel(c),
                cll.ExactMatchLevel(c, term_frequency_adjustments=True),
                cll.DamerauLevenshteinLevel(c, 1),
                cll.JaroWinklerLevel(c, 0.9),
                cll.JaroWinklerLevel(c, 0.8),
                cll.ElseLevel(),
            ],
        )

    comparisons = [
        name("first_name"),
        name("last_name"),
        cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.PostcodeComparison("postcode"),
        cl.ExactMatch("sex"),
    ]
    if with_id:
        comparisons.append(cl.ExactMatch("national_id"))
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("last_name", "first_name"),
            block_on("postcode", "last_name"),
            block_on("postcode", "first_name"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if os.environ.get("SPLINK_DUCKDB_MEMORY"):  # e.g. 10GB: spill to disk beyond it
        con.execute(f"SET memory_limit = '{os.environ['SPLINK_DUCKDB_MEMORY']}'")
    db = DuckDBAPI(connection=con)
    if hasattr(db, "register"):  # Splink 5: register the frames, then build the linker
        tables = [db.register(a, dataset_display_name="a"), db.register(b, dataset_display_name="b")]
        linker = Linker(tables, settings, log_level=logging.ERROR)
    else:  # Splink 4
        linker = Linker(
            [a, b], settings, db, set_up_basic_logging=False, input_table_aliases=["a", "b"]
        )
    t = {}
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    t["u"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth"), block_on("postcode", "date_of_birth")],
        recall=0.7,
    )
    t["lambda"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    t["em"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    pred = linker.inference.predict().as_pandas_dataframe()
    t["predict"] = time.perf_counter() - t1
    t["splink_total"] = time.perf_counter() - t0
    left_is_a = pred["source_dataset_l"].astype(str) == "a"
    pairs = pd.DataFrame(
        {
            "id_a": np.where(left_is_a, pred["unique_id_l"], pred["unique_id_r"]).astype(str),
            "id_b": np.where(left_is_a, pred["unique_id_r"], pred["unique_id_l"]).astype(str),
            "p": pred["match_probability"].to_numpy(dtype=float),
            "w": pred["match_weight"].to_numpy(dtype=float),
        }
    )
    lam = linker._settings_obj._probability_two_random_records_match
    versions = {"splink": splink.__version__, "duckdb": duckdb.__version__}
    return pairs, t, float(lam), versions


# --- scoring -------------------------------------------------------------------------------


def curve(pairs: pd.DataFrame, n_true: int, one_to_one: bool) -> pd.DataFrame:
    """Precision/recall/F1 at every distinct probability threshold (pairs sorted by weight)."""
    df = pairs.sort_values(["w", "p"], ascending=False, kind="mergesort").reset_index(drop=True)
    if one_to_one:
        used_a, used_b, keep = set(), set(), np.zeros(len(df), dtype=bool)
        for i, (x, y) in enumerate(zip(df["id_a"].to_numpy(), df["id_b"].to_numpy())):
            if x not in used_a and y not in used_b:
                used_a.add(x)
                used_b.add(y)
                keep[i] = True
        df = df[keep].reset_index(drop=True)
    # thresholds: the distinct probabilities; a threshold t takes every pair with p >= t
    df = df.sort_values("p", ascending=False, kind="mergesort").reset_index(drop=True)
    tp = df["true"].to_numpy().cumsum()
    n = np.arange(1, len(df) + 1)
    last = df["p"].to_numpy()
    ends = np.r_[np.nonzero(last[1:] != last[:-1])[0], len(df) - 1] if len(df) else np.array([], int)
    tp, n, thr = tp[ends], n[ends], last[ends]
    prec = tp / n
    rec = tp / n_true
    f1 = np.where(tp > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-300), 0.0)
    return pd.DataFrame({"threshold": thr, "pairs": n, "tp": tp, "precision": prec, "recall": rec, "f1": f1})


def max_one_to_one(truth: pd.DataFrame) -> int:
    """Size of a maximum one-to-one matching of the true pairs (augmenting paths).

    The truth need not be one-to-one (a person may appear twice in one extract), so this is the
    most true pairs any one-to-one output can hold: recall under 1-1 is capped at it / n_true.
    """
    adj: dict[str, list[str]] = {}
    for x, y in zip(truth["id_a"], truth["id_b"]):
        adj.setdefault(x, []).append(y)
    match_b: dict[str, str] = {}

    def augment(x: str, seen: set) -> bool:
        for y in adj[x]:
            if y not in seen:
                seen.add(y)
                if y not in match_b or augment(match_b[y], seen):
                    match_b[y] = x
                    return True
        return False

    return sum(augment(x, set()) for x in adj)


def at(c: pd.DataFrame, t: float, n_true: int) -> dict:
    sel = c[c["threshold"] >= t]
    if sel.empty:
        return {"threshold": t, "pairs": 0, "tp": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    r = sel.iloc[-1]
    return {"threshold": t, **{k: _num(r[k]) for k in ["pairs", "tp", "precision", "recall", "f1"]}}


def best(c: pd.DataFrame) -> dict:
    r = c.iloc[int(c["f1"].to_numpy().argmax())]
    return {k: _num(r[k]) for k in ["threshold", "pairs", "tp", "precision", "recall", "f1"]}


def _num(x):
    x = float(x)
    return int(x) if x.is_integer() and abs(x) > 1 else x


def calibration(pairs: pd.DataFrame) -> list[dict]:
    band = np.minimum((pairs["p"].to_numpy() * 10).astype(int), 9)
    rows = []
    for k in range(10):
        m = band == k
        rows.append(
            {
                "band": f"{k / 10:.1f}-{(k + 1) / 10:.1f}",
                "count": int(m.sum()),
                "mean_p": float(pairs["p"].to_numpy()[m].mean()) if m.any() else None,
                "share_true": float(pairs["true"].to_numpy()[m].mean()) if m.any() else None,
            }
        )
    return rows


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="agency A CSV")
    ap.add_argument("--b", required=True, help="agency B CSV")
    ap.add_argument("--truth", required=True, help="CSV with columns id_a,id_b")
    ap.add_argument("--map-a", help="normalisation map for A: inline JSON or a JSON file")
    ap.add_argument("--map-b", help="normalisation map for B: inline JSON or a JSON file")
    ap.add_argument("--with-id", action="store_true", help="add an exact national_id comparison")
    ap.add_argument("--max-pairs", type=float, default=1e7, help="u sampling pairs (default 1e7)")
    ap.add_argument("--label", default="", help="label printed with the results")
    ap.add_argument("--json-out", help="also write the JSON result to this file")
    args = ap.parse_args()

    t_start = time.perf_counter()
    raw_a = pd.read_csv(args.a, dtype=str, keep_default_na=False)
    raw_b = pd.read_csv(args.b, dtype=str, keep_default_na=False)
    a = normalise(raw_a, load_map(args.map_a), args.with_id)
    b = normalise(raw_b, load_map(args.map_b), args.with_id)
    truth = pd.read_csv(args.truth, dtype=str)[["id_a", "id_b"]].drop_duplicates()
    n_true = len(truth)
    ceiling = max_one_to_one(truth)
    missing = (~truth["id_a"].isin(a["unique_id"])).sum() + (~truth["id_b"].isin(b["unique_id"])).sum()

    pairs, t, lam, versions = run_splink(a, b, args.with_id, args.max_pairs)
    key = set(zip(truth["id_a"], truth["id_b"]))
    pairs["true"] = [(x, y) in key for x, y in zip(pairs["id_a"], pairs["id_b"])]
    wall = time.perf_counter() - t_start

    c11 = curve(pairs, n_true, one_to_one=True)
    call = curve(pairs, n_true, one_to_one=False)
    res = {
        "label": args.label,
        "a": args.a,
        "b": args.b,
        "records_a": len(a),
        "records_b": len(b),
        "true_pairs": n_true,
        "truth_ids_missing_from_files": int(missing),
        "truth_max_one_to_one": ceiling,
        "one_to_one_recall_ceiling": ceiling / n_true,
        "with_national_id": args.with_id,
        "max_pairs_u": args.max_pairs,
        "null_share_a": {c: round(float(a[c].isna().mean()), 4) for c in a.columns[1:]},
        "null_share_b": {c: round(float(b[c].isna().mean()), 4) for c in b.columns[1:]},
        "lambda": lam,
        "predicted_pairs": len(pairs),
        "true_pairs_blocked": int(pairs["true"].sum()),
        "pairs_completeness": float(pairs["true"].sum() / n_true),
        "one_to_one_at_0.5": at(c11, 0.5, n_true),
        "one_to_one_best": best(c11),
        "all_pairs_at_0.5": at(call, 0.5, n_true),
        "all_pairs_best": best(call),
        "calibration": calibration(pairs),
        "seconds": {"wall_total": round(wall, 2), **{k: round(v, 2) for k, v in t.items()}},
        **versions,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }

    def line(name: str, r: dict) -> str:
        return (
            f"  {name:<34} p>={r['threshold']:<8.4g} P {r['precision']:.4f}  R {r['recall']:.4f}  "
            f"F1 {r['f1']:.4f}  ({r['pairs']:,} pairs, {r['tp']:,} true)"
        )

    print(f"== Splink {versions['splink']} / DuckDB {versions['duckdb']}  {args.label}")
    print(f"  A {args.a}: {len(a):,} records   B {args.b}: {len(b):,} records   true pairs {n_true:,}"
          + (f"  ({missing} truth ids not in files)" if missing else ""))
    print(f"  truth is not one-to-one: a 1-1 output can hold at most {ceiling:,} of them "
          f"(recall ceiling {ceiling / n_true:.4f})" if ceiling < n_true else "  truth is one-to-one")
    print(f"  national id compared: {args.with_id}   lambda {lam:.3g}")
    print(f"  blocking: {len(pairs):,} predicted pairs, {res['true_pairs_blocked']:,} true -> "
          f"pairs completeness {res['pairs_completeness']:.4f}")
    print(line("greedy 1-1, p>=0.5", res["one_to_one_at_0.5"]))
    print(line("greedy 1-1, best threshold", res["one_to_one_best"]))
    print(line("all pairs (no 1-1), p>=0.5", res["all_pairs_at_0.5"]))
    print(line("all pairs (no 1-1), best threshold", res["all_pairs_best"]))
    print("  calibration (all predicted pairs):  band      count    mean p  share true")
    for r in res["calibration"]:
        mp = "-" if r["mean_p"] is None else f"{r['mean_p']:.4f}"
        st = "-" if r["share_true"] is None else f"{r['share_true']:.4f}"
        print(f"  {'':<36}{r['band']:<8}{r['count']:>9,}  {mp:>8}  {st:>10}")
    s = res["seconds"]
    print(f"  time: wall {s['wall_total']:.1f} s (Splink {s['splink_total']:.1f} s: u {s['u']:.1f}, "
          f"lambda {s['lambda']:.1f}, EM {s['em']:.1f}, predict {s['predict']:.1f})")
    js = json.dumps(res)
    print("JSON: " + js)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(js + "\n")


if __name__ == "__main__":
    main()
