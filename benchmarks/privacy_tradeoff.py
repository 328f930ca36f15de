"""Privacy against linkage quality: every audit attack and the linkage F1, per hardening.

A synthetic population (default 40,000 people, seed 42) is split in two halves with the same
geography: the first half gives two agency extracts (moderate errors, overlap 0.5), the second
half is the attacker's public register (a different sample from the same distribution). The
schema is the one ``linkcore schema suggest`` proposes for agency A; each configuration changes
only its hardening (field filters; the CLK and the keyed blocking keys are left as suggested).
For every configuration the script

* encodes A and B with one fresh key and links them with ``linkcore.link`` at its defaults
  (unsupervised; F1 of the one-to-one matches against the truth);
* runs ``linkcore.audit.run_audit`` on A with the register as reference (every attack, the
  double-hashing one forced on PRF fields to show it finds nothing), and records each attack's
  worst re-identification rate over the identifying fields (every field except the two-valued
  sex): the target (field, CLK or blocking key) where it beats chance by the most, its rate and
  that target's chance level; the sex field separately.

Prints a Markdown table and writes it, with the date and machine, to docs/parameters_tradeoff.md.

Usage:
    python benchmarks/privacy_tradeoff.py [--people 40000] [--seed 42] [--configs a,b,...]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from linkcore.audit.run import ATTACKS, run_audit
from linkcore.evaluate import evaluate
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link
from linkcore.schema import Mapping, Schema
from linkcore.synth import generate_population, make_extracts

sys.path.insert(0, str(Path(__file__).parent))

MARKER = "<!-- end of the measured table; text below is kept when the benchmark re-runs -->"
SALT = {"field": "date_of_birth", "transform": "year"}
SALTED_KINDS = {"name"}  # salt the name fields only: their values repeat, unlike NI numbers
REFERENCE_COLUMNS = {
    "first_name": {"column": "first_name"}, "middle_name": {"column": "middle_name"},
    "last_name": {"column": "last_name"}, "sex": {"column": "sex"},
    "date_of_birth": {"column": "date_of_birth"},
    "address": {"columns": ["house_number", "street"]}, "town": {"column": "town"},
    "postcode": {"column": "postcode"}, "ni_number": {"column": "ni_number"},
}


@dataclass(frozen=True)
class Config:
    name: str
    hardening: tuple[dict, ...] = ()
    salt: bool = False
    hashing: str = "prf"


def blip(eps: float) -> dict:
    return {"type": "blip", "epsilon": eps}


CONFIGS = [
    Config("none"),
    Config("double hashing (no hardening)", hashing="double"),
    Config("salt names (year of birth)", salt=True),
    Config("balance", ({"type": "balance"},)),
    Config("xor_fold", ({"type": "xor_fold"},)),
    Config("rule90", ({"type": "rule90"},)),
    Config("blip eps=3", (blip(3),)),
    Config("blip eps=4", (blip(4),)),
    Config("blip eps=5", (blip(5),)),
    Config("salt names + xor_fold", ({"type": "xor_fold"},), salt=True),
    Config("salt names + rule90", ({"type": "rule90"},), salt=True),
    Config("salt names + blip eps=5", (blip(5),), salt=True),
    Config("xor_fold + blip eps=5", ({"type": "xor_fold"}, blip(5))),
]


def apply(schema: Schema, cfg: Config) -> Schema:
    doc = schema.to_dict()
    for f in doc["fields"]:
        f["hashing"] = cfg.hashing
        # xor_fold halves the filter: a 64-bit field (sex) cannot be folded and keeps the rest
        f["hardening"] = [dict(h) for h in cfg.hardening
                          if h["type"] != "xor_fold" or f["filter_bits"] % 128 == 0]
        # spelled out, so that kind defaults (salt, hardening) never leak into a configuration
        f["salt"] = dict(SALT) if cfg.salt and f["kind"] in SALTED_KINDS else None
    return Schema.from_dict(doc)


def run_config(cfg, base, map_a, map_b, a, b, truth, ref, ref_map):
    schema = apply(base, cfg)
    secret = Secret.generate()
    t0 = time.perf_counter()
    ea, eb = encode(a, schema, secret, map_a), encode(b, schema, secret, map_b)
    f1 = evaluate(link(ea, eb).matches, truth).f1
    t_link = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = run_audit(a, schema, map_a, secret, ref, ref_map, force_double_hashing=True)
    t_audit = time.perf_counter() - t0
    row = {"config": cfg.name, "f1": f1, "seconds": t_link + t_audit}
    for attack in ATTACKS:
        best = None  # the target where this attack beats chance by the most
        for r in res.results:
            if r.attack != attack or r.score is None or r.target == "sex":
                continue
            if best is None or _excess(r) > _excess(best):
                best = r
        row[attack] = (best.score.reidentified, best.score.chance, best.target) if best else None
    sex = res.result("sex", "frequency")
    row["sex"] = (sex.score.reidentified, sex.score.chance) if sex and sex.score else None
    others = [r for r in res.results if r.score is not None and r.target != "sex"]
    row["worst_excess"] = max((r.score.reidentified - r.score.chance for r in others), default=0.0)
    return row


def _excess(r) -> float:
    return r.score.reidentified - r.score.chance


def pct(x: float) -> str:
    return f"{100 * x:.1f}%" if x >= 0.001 or x == 0 else f"{100 * x:.2f}%"


def table(rows: list[dict], base_f1: float) -> str:
    head = ("| configuration | F1 | ΔF1 | " + " | ".join(ATTACKS.values())
            + " | sex (2 values) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        cells = [r["config"], f"{r['f1']:.4f}", f"{r['f1'] - base_f1:+.4f}"]
        for attack in ATTACKS:
            v = r[attack]
            cells.append("-" if v is None else f"{pct(v[0])} (chance {pct(v[1])}, {v[2]})")
        s = r["sex"]
        cells.append("-" if s is None else f"{pct(s[0])} (chance {pct(s[1])})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=40_000,
                        help="people generated; half make the agency pair, half the register")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--configs", default="", help="comma-separated configuration names")
    parser.add_argument("--out", default=str(Path(__file__).parent.parent / "docs"
                                             / "parameters_tradeoff.md"))
    args = parser.parse_args()
    machine = (f"{platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()} "
               f"python {platform.python_version()} numpy {np.__version__}; load average "
               f"{os.getloadavg()[0]:.1f}").replace("  ", " ")
    today = time.strftime("%Y-%m-%d")
    print(f"machine: {machine}; {today}", flush=True)

    everyone = generate_population(args.people, args.seed)
    half = args.people // 2
    pop, ref = everyone.iloc[:half].reset_index(drop=True), everyone.iloc[half:]
    ref = ref.reset_index(drop=True)
    (a, b), truth = make_extracts(pop, agencies=2, overlap=0.5, profile="moderate",
                                  seed=args.seed)

    base, map_a, _ = suggest_schema(a)
    map_b, _ = suggest_mapping(b, base)
    ref_map = Mapping.from_dict({"linkcore_mapping": 1, "id_column": "person_id", "fields": {
        f: REFERENCE_COLUMNS.get(f, {"column": None}) for f in base.field_names}})
    print(f"agency pair from {half:,} people: {len(a):,} x {len(b):,} records, "
          f"{len(truth):,} true pairs; register of {len(ref):,} other people; fields "
          f"{', '.join(base.field_names)}", flush=True)

    wanted = {c for c in args.configs.split(",") if c}
    rows = []
    for cfg in CONFIGS:
        if wanted and cfg.name not in wanted:
            continue
        row = run_config(cfg, base, map_a, map_b, a, b, truth, ref, ref_map)
        rows.append(row)
        worst = max((row[k][0] for k in ATTACKS if row[k]), default=0.0)
        print(f"{cfg.name:<32} F1 {row['f1']:.4f}  worst attack {pct(worst)}  "
              f"({row['seconds']:.0f} s)", flush=True)
    base_f1 = next((r["f1"] for r in rows if r["config"] == "none"), rows[0]["f1"])
    text = table(rows, base_f1)
    print()
    print(text)
    header = (f"# Hardening trade-off: attack success against linkage F1\n\n"
              f"Measured {today} with `python benchmarks/privacy_tradeoff.py "
              f"--people {args.people} --seed {args.seed}` on {machine}.\n\n"
              f"Agency pair: {len(a):,} x {len(b):,} records (moderate errors, overlap 0.5), "
              f"{len(truth):,} true pairs; attacker's register: {len(ref):,} other people of the "
              f"same synthetic population. Schema: `linkcore schema suggest` on agency A (fields "
              f"{', '.join(base.field_names)}); only the field hardening changes. Each attack "
              f"cell: the share of records it re-identified (top-1) on the target where it beats "
              f"chance by the most (any field but sex, the CLK or a blocking key), that "
              f"target's chance level, and the target. F1: one-to-one matches of "
              f"`linkcore.link` at its defaults against the truth; ΔF1 against no hardening.\n\n")
    out = Path(args.out)
    kept = ""  # the hand-written reading of the table below the marker survives a re-run
    if out.exists() and MARKER in out.read_text(encoding="utf-8"):
        kept = out.read_text(encoding="utf-8").split(MARKER, 1)[1]
    out.write_text(header + text + "\n\n" + MARKER + kept, encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    pd.options.mode.copy_on_write = True
    main()
