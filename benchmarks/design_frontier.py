"""Linkage quality of encoding designs on one agency pair: the linkage half of the frontier.

For a folder holding two agency extracts and ``truth.csv`` (id_a, id_b), e.g. one written by
``linkcore synth`` or by the held-out generator (benchmarks/heldout/generator.py), the script lets
``schema suggest`` propose the schema from agency A and each agency's mapping, derives each design
from it, encodes both agencies under one fresh key, links them with ``linkcore.link`` at its
defaults (unsupervised) and prints, per design: pairs completeness of the blocking (and its
estimate without labels: the chosen estimate, its 95 % interval and method, and the scored
sample's figure), precision/recall/F1 of the one-to-one matches at p >= 0.5, F1 of every
pair at p >= 0.5, and the model's own estimates. The privacy half of the frontier is
``linkcore audit`` on agency A under the same design (docs/parameters.md gives the commands).

Designs:
    suggested   what ``schema suggest`` proposes (format version 2; since 2026-12-06 evening one
                salt family): names salted with the whole date of birth alone; balanced name
                filters; the postcode compared whole, salted with the first name's initial,
                and again salted with the date of birth; the date of birth one exact token; no
                sex; no CLK
    two-salts   ``schema suggest --two-salts`` (the suggestion until 2026-12-06 evening): the
                names also, as views, salted with the postcode and the first name's initial.
                Every design below is derived from this one
    pc-whole    the suggestion before 2026-12-04: the postcode unsalted, the names' views
                salted with it alone, its blocking key the postcode alone (the designs below
                start from this one)
    dob-unsalted the suggested design with the date of birth's filter as parts (year, month,
                day, digits), unsalted (the suggestion before 2026-12-04 22:00)
    dob-year    the date's parts salted with its own year (the suggestion of 2026-12-04 22:00
                to 23:30); the suggested design holds the date as one exact token
    dob-view-pc the suggested design plus a view of the date of birth by parts salted with the
                postcode and its initial (a mistyped date compared only within an address)
    pc-parts    the suggested design with the postcode as parts (similar within a sector)
    pc-district pc-parts with the postcode filter salted by its own district
    pc-sector   pc-parts with the postcode filter salted by its own sector
    no-key-with the suggested design with the surname under its own keys (no crossed comparison
                of swapped names)
    no-sex      the suggested design without the sex field
    sex-by-dob  the suggested design with sex salted by the whole date of birth
    year-clk    the earlier default: names salted with the year of birth, XOR-folded, a CLK
    year-no-clk the suggested design with names salted by the year of birth, no views

With ``--register FILE`` (a plaintext register of other people, with an id column: the
attacker's reference), each design is also attacked: ``linkcore.audit.run_audit`` on agency A
under the same key, and the script prints, per field, the worst attack's re-identified share
against the verdict's baseline max(chance, chance given what the file reveals trivially).

With ``--blockings auto,unrefined,refine-4,refine-near,refine-4-near`` each design is linked once
per blocking on the same encodings: the defaults, keyed blocking keys joined whole (never
refined), keys refined above 4 pairs per record instead of 16, and the same two refined by near
names (Dice at the 99th percentile) instead of identical ones (linkage/blocking.py,
KeyedBlocking).

Usage:
    python benchmarks/design_frontier.py DIR [--a agency_1.csv --b agency_2.csv]
        [--designs suggested,year-clk] [--blockings auto] [--register FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from linkcore import Secret, encode, evaluate
from linkcore._io import read_table
from linkcore.audit.run import run_audit
from linkcore.evaluate import calibration
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.blocking import REFINE_ABOVE, FieldAgreement, KeyedBlocking
from linkcore.linkage.pipeline import link
from linkcore.schema import Mapping, Schema


def pc_whole(schema: Schema) -> Schema:
    """The suggestion before 2026-12-04: the postcode unsalted, its views and key on it alone."""
    doc = schema.to_dict()
    for f in doc["fields"]:
        if f["name"] == "postcode":
            f["salt"] = None
        if f["salt"] and f["salt"]["transform"] == "value_with_salt":
            f["salt"]["transform"] = "value"
    for k in doc["blocking_keys"]:
        if k["parts"][0]["field"] == "postcode":
            k["parts"] = k["parts"][:1]
            k["name"] = "postcode.value"
    return Schema.from_dict(doc)


def year_clk(schema: Schema) -> Schema:
    """The earlier default: names salted with the year of birth, no views, a CLK."""
    doc = pc_whole(schema).to_dict()
    doc["linkcore_schema"] = 1  # omitted keys take format version 1's defaults (a CLK)
    doc["fields"] = [f for f in doc["fields"] if "source" not in f]
    for f in doc["fields"]:
        f.pop("disclosed", None)
        f.pop("key_with", None)
        if f["kind"] == "postcode":  # postcode parts, as version 1 defaulted
            for key in ("tokens", "filter_bits", "k", "comparison"):
                f.pop(key)
        if f["kind"] == "name":
            f["salt"] = {"field": "date_of_birth", "transform": "year"}
            f.pop("hardening")
            f.pop("comparison")
    doc.pop("clk")
    doc["blocking_keys"] = [k for k in doc["blocking_keys"] if k["name"] != "postcode.value"]
    return Schema.from_dict(doc)


POSTCODE_PARTS = {"tokens": {"type": "postcode_parts"}, "filter_bits": 512, "k": 8,
                  "comparison": {"thresholds": [0.75, 0.55]}}


def year_names(schema: Schema) -> Schema:
    """The suggested design with names salted by the year of birth instead (no views, no CLK)."""
    doc = pc_whole(schema).to_dict()
    doc["fields"] = [f for f in doc["fields"] if "source" not in f]
    for f in doc["fields"]:
        if f["kind"] == "name":
            f["salt"] = {"field": "date_of_birth", "transform": "year"}
    return Schema.from_dict(doc)


def variant(schema: Schema, *, postcode_parts: bool = False, postcode_salt: str | None = None,
            sex: bool = True, sex_salt: bool = False) -> Schema:
    """The suggested schema with its postcode as parts (area, district, sector, unit, bigrams:
    comparable by similarity), that salted by a coarser part of itself, without sex, or with sex
    salted by the whole date of birth (all from the whole postcode, pc_whole)."""
    doc = pc_whole(schema).to_dict()
    if not sex:
        doc["fields"] = [f for f in doc["fields"] if f["kind"] != "sex"]
    for f in doc["fields"]:
        if (postcode_parts or postcode_salt) and f["name"] == "postcode":
            f.update(POSTCODE_PARTS)
        if postcode_salt and f["name"] == "postcode":
            f["salt"] = {"field": "postcode", "transform": postcode_salt}
        if sex_salt and f["kind"] == "sex":
            f["salt"] = {"field": "date_of_birth", "transform": "value"}
            f.pop("disclosed", None)
    return Schema.from_dict(doc)


DATE_PARTS = {"tokens": {"type": "date_parts"}, "filter_bits": 512, "k": 8,
              "comparison": {"thresholds": [0.75, 0.55]}}


def dob_parts(schema: Schema, *, year_salt: bool) -> Schema:
    """The suggested schema with the date of birth's filter as parts (year, month, day, digits:
    comparable by similarity), unsalted or salted with its own year (the suggestion of
    2026-12-04 22:00 to 23:30)."""
    doc = schema.to_dict()
    for f in doc["fields"]:
        if f["kind"] == "date" and "source" not in f:
            f.update(DATE_PARTS)
            f["salt"] = {"field": f["name"], "transform": "year"} if year_salt else None
    return Schema.from_dict(doc)


def dob_by_postcode(schema: Schema) -> Schema:
    """The suggested schema plus a view of the date of birth by parts, salted with the postcode
    (and its initial): a mistyped date compared by similarity only within an address."""
    doc = schema.to_dict()
    date = next((f for f in doc["fields"] if f["kind"] == "date" and "source" not in f), None)
    pc = next((f for f in doc["fields"] if f["kind"] == "postcode" and "source" not in f), None)
    if date is not None and pc is not None and pc.get("salt"):
        doc["fields"].append({**date, **DATE_PARTS, "name": f"{date['name']}_by_postcode",
                              "source": date["name"],
                              "salt": {"field": pc["name"], "transform": "value_with_salt"}})
    return Schema.from_dict(doc)


def without_key_with(schema: Schema) -> Schema:
    """The suggested schema with every field under its own keys: no surname compared with a
    first name (swapped names), and no first-against-surname overlap for an attacker to read."""
    doc = schema.to_dict()
    for f in doc["fields"]:
        f.pop("key_with", None)
    return Schema.from_dict(doc)


def fewer_channels(schema: Schema, *, sex: bool = False, postcode_by_dob: bool = False,
                   middle_by_postcode: bool = True) -> Schema:
    """The suggested schema with fewer per-pair channels inside a salt group: every field under
    its own keys, and without sex (equal or not between same-date records), the postcode's
    date-of-birth view (equal or not between same-date records whose initials differ) or the
    middle name's postcode view (its overlaps between the records of an address)."""
    doc = without_key_with(schema).to_dict()
    doc["fields"] = [f for f in doc["fields"]
                     if (sex or f["kind"] != "sex")
                     and (postcode_by_dob or f["name"] != "postcode_by_date_of_birth")
                     and (middle_by_postcode or f["name"] != "middle_name_by_postcode")]
    return Schema.from_dict(doc)


def one_family(schema: Schema, keep: str) -> Schema:
    """The suggested schema with its names under one salt family only: ``"dob"`` keeps the names
    salted with the date of birth (no ``_by_postcode`` views), ``"postcode"`` keeps the views
    (as the names themselves) and drops the date-salted names."""
    doc = schema.to_dict()
    if keep == "dob":
        doc["fields"] = [f for f in doc["fields"] if not f["name"].endswith("_by_postcode")]
    else:
        views = {f["source"]: f for f in doc["fields"] if f["name"].endswith("_by_postcode")}
        doc["fields"] = [{**views[f["name"]], "name": f["name"]} | {"source": None}
                         if f["name"] in views else f
                         for f in doc["fields"] if not f["name"].endswith("_by_postcode")]
        for f in doc["fields"]:
            if f.get("source") is None:
                f.pop("source", None)
    return Schema.from_dict(doc)


DESIGNS = {
    "suggested": lambda s: s,  # replaced in main() by the suggestion itself
    "two-salts": lambda s: s,
    "dob-unsalted": lambda s: dob_parts(s, year_salt=False),
    "dob-year": lambda s: dob_parts(s, year_salt=True),
    "dob-view-pc": dob_by_postcode,
    "pc-whole": pc_whole,
    "pc-parts": lambda s: variant(s, postcode_parts=True),
    "pc-district": lambda s: variant(s, postcode_salt="postcode_district"),
    "pc-sector": lambda s: variant(s, postcode_salt="postcode_sector"),
    "no-sex": lambda s: variant(s, sex=False),
    "sex-by-dob": lambda s: variant(s, sex_salt=True),
    "no-key-with": without_key_with,
    "no-kw-no-sex": lambda s: fewer_channels(s, postcode_by_dob=True),
    "no-kw-no-pcdob": lambda s: fewer_channels(s, sex=True),
    "no-kw-no-sex-no-pcdob": fewer_channels,
    "names-by-dob-only": lambda s: one_family(s, "dob"),
    "names-by-postcode-only": lambda s: one_family(s, "postcode"),
    "no-kw-no-middle-pc": lambda s: fewer_channels(s, sex=True, postcode_by_dob=True,
                                                   middle_by_postcode=False),
    "no-kw-no-sex-no-middle-pc": lambda s: fewer_channels(s, postcode_by_dob=True,
                                                          middle_by_postcode=False),
    "year-clk": year_clk,
    "year-no-clk": lambda s: year_names(s),
}


def fitted(mapping: Mapping, schema: Schema) -> Mapping:
    """The mapping without the fields a design leaves out."""
    doc = mapping.to_dict()
    doc["fields"] = {k: v for k, v in doc["fields"].items() if k in schema.field_names}
    return Mapping.from_dict(doc)


def one_to_one_ceiling(truth: pd.DataFrame) -> int:
    """Most true pairs any one-to-one output can hold (duplicates within an agency cap it)."""
    a = pd.factorize(truth["id_a"])[0]
    b = pd.factorize(truth["id_b"])[0]
    m = csr_matrix((np.ones(len(truth)), (a, b)))
    return int((maximum_bipartite_matching(m, perm_type="column") >= 0).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--a", default=None, help="agency A's file (default: the first agency_*)")
    parser.add_argument("--b", default=None, help="agency B's file (default: the second)")
    parser.add_argument("--designs", default=",".join(DESIGNS))
    parser.add_argument("--blockings", default="auto",
                        help="comma-separated: auto (the default rules), unrefined (keyed "
                             "blocking keys joined whole, never refined), refine-4 (keys refined "
                             "above 4 pairs per record instead of 16; any number), refine-near "
                             "and refine-4-near (refined by near names instead of identical "
                             "ones)")
    parser.add_argument("--calibration", action="store_true",
                        help="print, per band of 0.1 of probability, the share of true pairs")
    parser.add_argument("--register", type=Path, default=None,
                        help="plaintext register (with an id column) to audit each design against")
    args = parser.parse_args()
    for name in args.blockings.split(","):
        blocking_rules(name)  # an unknown name fails here, before anything is encoded
    register = read_table(args.register) if args.register else None
    files = sorted(p.name for p in args.folder.glob("agency_*.csv"))
    name_a, name_b = args.a or files[0], args.b or files[1]
    df_a, df_b = read_table(args.folder / name_a), read_table(args.folder / name_b)
    truth = pd.read_csv(args.folder / "truth.csv", dtype=str)
    base, map_a, _ = suggest_schema(df_a, one_salt=False)
    suggested = suggest_schema(df_a)[0]
    map_b, _ = suggest_mapping(df_b, base)
    print(f"{args.folder}: {len(df_a):,} x {len(df_b):,} records, {len(truth):,} true pairs "
          f"(one-to-one ceiling {one_to_one_ceiling(truth):,}); {time.strftime('%Y-%m-%d %H:%M')}"
          f", load average {os.getloadavg()[0]:.1f}")
    secret = Secret.generate()
    for design in args.designs.split(","):
        schema = suggested if design == "suggested" else DESIGNS[design](base)
        m_a, m_b = (fitted(m, schema) for m in (map_a, map_b))
        ea, eb = encode(df_a, schema, secret, m_a), encode(df_b, schema, secret, m_b)
        for blocking_name in args.blockings.split(","):
            report(design, blocking_name, ea, eb, truth, args.calibration)
        if register is not None:
            print_audit(df_a, schema, m_a, secret, register)


BLOCKINGS = {"auto": lambda: "auto",
             "unrefined": lambda: [KeyedBlocking(refine_above=None), FieldAgreement()]}


def blocking_rules(name: str):
    """The rules of ``auto``, ``unrefined``, ``refine-near`` or ``refine-X[-near]`` (X: pairs
    per record above which keys are refined; ``-near``: by near names, not identical ones)."""
    if name in BLOCKINGS:
        return BLOCKINGS[name]()
    near = name.endswith("-near")
    above = name.removesuffix("-near").removeprefix("refine")
    try:
        above = float(above.removeprefix("-")) if above else REFINE_ABOVE
        if not name.startswith("refine") or not above > 0:
            raise ValueError
    except ValueError:
        print(f"error: unknown blocking {name!r} (auto, unrefined, refine[-X][-near])",
              file=sys.stderr)
        raise SystemExit(2) from None
    return [KeyedBlocking(refine_above=above, refine_identical=not near),
            FieldAgreement(refine_above=above)]


def report(design: str, blocking_name: str, ea, eb, truth: pd.DataFrame,
           calibration: bool) -> None:
    """Link one design's encodings with one blocking and print its figures against the truth."""
    blocking = blocking_rules(blocking_name)
    t0 = time.perf_counter()
    result = link(ea, eb, return_candidates=True, blocking=blocking)
    seconds = time.perf_counter() - t0
    completeness = result.blocking_quality(truth).pairs_completeness
    greedy = evaluate(result.matches, truth)
    every = evaluate(link(ea, eb, one_to_one="none", model=result.model,
                          blocking=blocking).matches, truth)
    q = result.quality
    nan = float("nan")
    print(f"{design:<10} {blocking_name}: {len(result.candidates):,} candidates, "
          f"pairs completeness {completeness:.4f} (estimated "
          f"{q.get('blocking_recall', nan):.4f}, 95% {q.get('blocking_recall_low', nan):.4f}"
          f"-{q.get('blocking_recall_high', nan):.4f}, {q.get('blocking_recall_method')}; "
          f"sampled {q.get('blocking_recall_sampled', nan):.4f}) | one-to-one p>=0.5: P "
          f"{greedy.precision:.4f} R {greedy.recall:.4f} F1 {greedy.f1:.4f} | every pair "
          f"p>=0.5: F1 {every.f1:.4f} | estimated P {q['precision']:.4f} R {q['recall']:.4f}"
          f" | link {seconds:.0f} s", flush=True)
    if calibration:
        print_calibration(result.candidates, truth)


def print_calibration(candidates: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Per band of 0.1: candidate pairs, mean probability, share true, chance's spread (2 SD)."""
    cells = [f"{r.low:.1f}-{r.high:.1f}: n {r.pairs:,} mean {r.mean_probability:.3f} true "
             f"{r.true_share:.3f} (+/-{r.spread:.3f})"
             for r in calibration(candidates, truth).itertuples(index=False)]
    print("    calibration | " + " | ".join(cells), flush=True)


def print_audit(df_a: pd.DataFrame, schema: Schema, mapping: Mapping, secret: Secret,
                register: pd.DataFrame) -> None:
    """Attack agency A's encoding with every audit attack; one line per field."""
    reg_map, _ = suggest_mapping(register, schema)
    t0 = time.perf_counter()
    result = run_audit(df_a, schema, mapping, secret, register, reg_map)
    for v in result.verdicts:
        if v.attack is None:
            continue
        status = "AT RISK" if v.at_risk else "disclosed" if v.disclosed else "ok"
        print(f"    {v.target:<28} {v.reidentified:6.1%} by {v.attack:<18} (baseline "
              f"{v.chance:5.1%}) {status}")
    print(f"    audit {time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
