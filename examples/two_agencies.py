"""The whole protocol through the Python API, each party's step as that party would run it.

Three parties, three folders: two agencies (data holders) that each hold a plaintext extract,
and a linkage unit that receives only encoded files. Each function below is one party's step
and reads only what that party holds. Run it:

    python examples/two_agencies.py            # LINKCORE_EXAMPLE_PEOPLE=2000 for a quick run

In real use the agencies run their steps on their own machines and send the encoded files
(never the extracts or the key) to the linkage unit; here the folders stand in for machines.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

import linkcore
from linkcore import Mapping, Schema, Secret

PEOPLE = int(os.environ.get("LINKCORE_EXAMPLE_PEOPLE", "20000"))


# --------------------------------------------------------------------------- set-up (synthetic)
def make_extracts(root: Path) -> None:
    """Stand-in for each agency's own records: two synthetic extracts, and the truth apart."""
    from linkcore.synth import generate_extracts, generate_population

    synth = generate_extracts(generate_population(PEOPLE, seed=1), agencies=2, seed=1)
    synth.extracts[0].to_csv(root / "agency_a" / "extract.csv", index=False)
    synth.extracts[1].to_csv(root / "agency_b" / "extract.csv", index=False)
    synth.truth.to_csv(root / "evaluator" / "truth.csv", index=False)


# --------------------------------------------------------------------------- agency A
def agency_a_prepare(me: Path, shared: Path) -> None:
    """Agency A makes the key (sent to B over a secure channel) and proposes the schema."""
    from linkcore.holder.suggest import suggest_schema

    if not (me / "shared.key").exists():
        Secret.generate().write(me / "shared.key")      # 0600; B gets a copy, the unit never
    extract = pd.read_csv(me / "extract.csv", dtype=str, keep_default_na=False, na_values=[""])
    schema, mapping, reasons = suggest_schema(extract)   # review `reasons` before sharing
    (shared / "schema.json").write_text(schema.to_json())  # public: goes to everyone
    (me / "mapping.json").write_text(mapping.to_json())     # local: how A writes its data
    print(f"A: schema with {len(schema.fields)} fields, fingerprint {schema.fingerprint[:12]}")


def agency_encode(me: Path, shared: Path, outbox: Path, name: str) -> None:
    """An agency encodes its own extract with its own mapping, the agreed schema and the key."""
    from linkcore.holder.suggest import suggest_mapping

    schema = Schema.load(shared / "schema.json")
    extract = pd.read_csv(me / "extract.csv", dtype=str, keep_default_na=False, na_values=[""])
    if not (me / "mapping.json").exists():              # agency B maps its own columns
        mapping, _ = suggest_mapping(extract, schema)
        (me / "mapping.json").write_text(mapping.to_json())
    mapping = Mapping.load(me / "mapping.json")
    secret = Secret.from_file(me / "shared.key")
    encoded = linkcore.encode(extract, schema, secret, mapping)
    encoded.write(outbox / f"{name}.linkcore.parquet")  # no plaintext, no key inside
    print(f"{name}: encoded {len(encoded):,} records, key check value "
          f"{encoded.meta.key_check_value[:12]}")


# --------------------------------------------------------------------------- linkage unit
def linkage_unit(inbox: Path, me: Path) -> None:
    """The linkage unit links the two encoded files it received; it never sees plaintext."""
    from linkcore.report import write_link_report

    result = linkcore.link(inbox / "A.linkcore.parquet", inbox / "B.linkcore.parquet")
    result.write(me / "matches.csv")                    # id_a, id_b, probability, match_weight
    write_link_report(result, me / "report.html")
    q = result.quality
    print(f"linkage unit: {len(result.matches):,} matches; the model estimates precision "
          f"{q['precision']:.3f}, recall {q['recall']:.3f}")


# --------------------------------------------------------------------------- evaluation
def evaluator(matches: Path, truth: Path) -> float:
    """Only possible on synthetic data: score the matches against the truth."""
    m = linkcore.evaluate(pd.read_csv(matches, dtype={"id_a": str, "id_b": str}),
                          pd.read_csv(truth, dtype=str))
    print(f"evaluation: precision {m.precision:.3f}, recall {m.recall:.3f}, F1 {m.f1:.3f}")
    return m.f1


def main(root: Path) -> float:
    """Run every party's step in order; return the F1 against the truth."""
    for d in ("agency_a", "agency_b", "linkage_unit", "shared", "evaluator"):
        (root / d).mkdir(parents=True, exist_ok=True)
    make_extracts(root)
    a, b, unit, shared = (root / d for d in ("agency_a", "agency_b", "linkage_unit", "shared"))
    agency_a_prepare(a, shared)
    (b / "shared.key").write_bytes((a / "shared.key").read_bytes())  # the secure channel
    os.chmod(b / "shared.key", 0o600)
    agency_encode(a, shared, unit, "A")
    agency_encode(b, shared, unit, "B")
    linkage_unit(unit, unit)
    return evaluator(unit / "matches.csv", root / "evaluator" / "truth.csv")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="linkcore-"))
    main(target)
    print(f"files in {target}")
