"""A linked population month after month on held-out data: benchmarks/heldout4's extracts.

The same measurements as benchmarks/monthly.py (the store's update beside a full re-link of the
same month, pairwise F1 against the truth, id stability, and with ``--splink`` plaintext
Splink's ``link_and_dedupe`` on the same month), on monthly extracts that a generator written
without reading linkcore's code made (benchmarks/heldout4/README.md): four agencies in their own
layouts, a population that changes every month, within-agency duplicates and re-registrations.

As a linkage project would: each agency proposes a schema from its first extract and the
proposals are merged (``schema merge``; ``--schema-from agency_1``: agency 1's proposal alone),
and ``schema suggest`` proposes each agency's mapping onto it from its first extract; where a
suggested column differs from the layout the generator documents (manifest.json), the
documented column is used and the difference printed. Every month's files are encoded under
one random key before the first update, so encoding is not timed. Re-registrations
(``events.csv``) give the "re-registered kept id" column.

    python benchmarks/heldout4/generator.py --seed S --out DIR
    python benchmarks/monthly_heldout.py DIR [--months 12] [--schema-from merged]
        [--whole-postcode] [--dob-parts none|unsalted|year] [--splink] [--links kept|rescored]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import design_frontier  # noqa: E402
from monthly import SPLINK_PYTHON, Month, report_months  # noqa: E402

from linkcore.dataset import EncodedDataset  # noqa: E402
from linkcore.holder.encode import encode  # noqa: E402
from linkcore.holder.keys import Secret  # noqa: E402
from linkcore.holder.suggest import (  # noqa: E402
    merge_suggestions,
    suggest_mapping,
    suggest_schema,
)
from linkcore.linkage import store  # noqa: E402
from linkcore.schema import Mapping, Schema  # noqa: E402

ROLES = ("first_name", "middle_name", "last_name", "sex", "date_of_birth", "postcode",
         "ni_number")


def read_extract(folder: Path, agency: str) -> pd.DataFrame:
    """One agency's extract as text, empty cells as empty strings."""
    return pd.read_csv(folder / f"{agency}.csv", dtype=str, keep_default_na=False)


def documented_mapping(suggested: Mapping, layout: dict, agency: str) -> Mapping:
    """The suggested mapping with each field's column, date format and sex codes as documented."""
    doc = suggested.to_dict()
    doc["id_column"] = layout["id_column"]
    roles = layout["columns"]
    for field in list(doc["fields"]):
        role = roles.get(field)
        if not isinstance(role, str):
            continue
        src = dict(doc["fields"][field])
        if src.get("column") != role:
            print(f"# {agency}: {field} suggested from {src.get('column')!r}, documented "
                  f"{role!r}: using {role!r}")
            src = {"column": role}
        if field == "date_of_birth" and isinstance(roles.get("date_format"), str):
            src["date_format"] = roles["date_format"]
        if field == "sex" and isinstance(roles.get("sex_coding"), dict):
            codes = {str(k): str(v).strip().lower()[:1] for k, v in roles["sex_coding"].items()}
            src["values"] = {k: v for k, v in codes.items() if v in ("m", "f")}
        doc["fields"][field] = src
    for role in ROLES:
        if isinstance(roles.get(role), str) and role not in doc["fields"]:
            print(f"# {agency}: documented {role} column {roles[role]!r} has no field in the "
                  "suggested schema")
    return Mapping.from_dict(doc)


def held_out_months(root: Path, manifest: dict, n_months: int, schema_from: str = "merged",
                    whole_postcode: bool = False, dob_parts: str = "none",
                    one_salt: bool = True) -> tuple[list[str], Iterator[Month]]:
    """The agencies' names and each month's encoded files, plaintext, truth and re-registrations."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("month_"))
    folders = folders[:n_months]
    layouts = manifest["agencies"]
    names = [f"agency_{k + 1}" for k in range(len(layouts))]
    first = {n: read_extract(folders[0], n) for n in names}
    if schema_from == "merged":
        schema: Schema = merge_suggestions([suggest_schema(first[n])[0] for n in names],
                                           whole_postcode=whole_postcode,
                                           one_salt=one_salt)[0]
    else:
        schema = suggest_schema(first[names[0]], whole_postcode=whole_postcode,
                                one_salt=one_salt)[0]
    if dob_parts != "none":  # the date of birth by parts, as suggested until 2026-12-04 23:30
        schema = design_frontier.dob_parts(schema, year_salt=dob_parts == "year")
    origin = "merged from every agency's proposal" if schema_from == "merged" else \
        f"suggested from {names[0]}"
    print(f"# schema {origin}: {', '.join(schema.field_names)}; blocking keys "
          f"{', '.join(b.name for b in schema.blocking_keys)}")
    mappings = {n: documented_mapping(suggest_mapping(first[n], schema)[0], lay, n)
                for n, lay in zip(names, layouts, strict=True)}
    events = pd.read_csv(root / "events.csv", dtype=str, keep_default_na=False)
    secret = Secret(os.urandom(32))
    t0 = time.perf_counter()
    encoded: list[tuple[str, dict[str, EncodedDataset], dict[str, pd.DataFrame]]] = []
    for folder in folders:
        plain = {n: read_extract(folder, n) for n in names if (folder / f"{n}.csv").exists()}
        files = {n: encode(frame, schema, secret, mappings[n]) for n, frame in plain.items()}
        encoded.append((folder.name, files, plain))
    print(f"# encoded {len(folders)} months in {time.perf_counter() - t0:.1f} s")

    def agency_name(value: str) -> str:
        return value if value.startswith("agency_") else f"agency_{value}"

    def gen() -> Iterator[Month]:
        for k, (folder_name, files, plain) in enumerate(encoded):
            truth = pd.read_csv(root / folder_name / "truth_records.csv", dtype=str)
            truth = pd.DataFrame({"agency": truth["agency"].map(agency_name),
                                  "id": truth["id"], "cluster": truth["person_id"]})
            number = int(folder_name.split("_")[1])
            ev = events[(events["event"] == "reregistered")
                         & (pd.to_numeric(events["month"], errors="coerce") == number)]
            again = [(agency_name(a), o, n) for a, o, n in
                     zip(ev["agency"], ev["old_id"], ev["new_id"], strict=True)]
            month = f"{2026 + k // 12}-{k % 12 + 1:02d}"
            yield Month(month, files, plain, truth, again)

    return names, gen()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path, help="benchmarks/heldout4/generator.py's --out")
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--schema-from", choices=("merged", "agency_1"), default="merged",
                    help="merged: every agency's proposal merged (`linkcore schema merge`); "
                         "agency_1: agency 1's proposal alone")
    ap.add_argument("--whole-postcode", action="store_true",
                    help="the schema as `schema suggest --whole-postcode` makes it (the postcode "
                         "and its views and key on the whole postcode)")
    ap.add_argument("--dob-parts", choices=("none", "unsalted", "year"), default="none",
                    help="the date of birth by parts (year, month, day, digits), unsalted or "
                         "salted with its own year, as suggested until 2026-12-04 23:30 (the "
                         "suggestion holds it as one exact token)")
    ap.add_argument("--two-salts", action="store_true",
                    help="the schema as `schema merge --two-salts` makes it (the names' postcode "
                         "views too; the suggestion until 2026-12-06 evening)")
    ap.add_argument("--splink", action="store_true",
                    help=f"also run plaintext Splink each month (needs {SPLINK_PYTHON})")
    ap.add_argument("--links", choices=store.LINK_POLICIES, default="kept",
                    help="the store's policy for a record that comes back with other values")
    args = ap.parse_args()
    manifest_path = args.folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    splink = args.splink and SPLINK_PYTHON.exists()
    if args.splink and not splink:
        print(f"# {SPLINK_PYTHON} not found: Splink left out", file=sys.stderr)
    print(f"# monthly_heldout.py on {platform.node()} ({os.cpu_count()} CPUs), load "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}, data {args.folder}")
    names, months = held_out_months(args.folder, manifest, args.months, args.schema_from,
                                    args.whole_postcode, args.dob_parts,
                                    one_salt=not args.two_salts)
    report_months(months, names, splink, ("--manifest", str(manifest_path.resolve())),
                  links=args.links)


if __name__ == "__main__":
    main()
