"""``linkcore demo``: the whole protocol on synthetic data, each party's step as that party runs it.

1. Two agencies' extracts of one synthetic population (each agency writes its data its own way).
2. The data holders' shared secret key, written readable by its owner only.
3. Agency A proposes the linkage schema and its own column mapping from its extract; agency B
   maps its own columns onto that schema (mappings stay local: they differ).
4. Each agency encodes its own extract with its mapping, the shared schema and the key.
5. The linkage unit links the two encoded files, reading nothing else.
6. The analyst scores the matches against the synthetic truth, and an HTML report is written.

Everything lands in one directory. The plaintext extracts, the key and the truth are there only
because this is a demonstration: in a real linkage each stays with its own party.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ._common import common_options, guarded, setup_logging

DEFAULT_PEOPLE = 20_000
MIN_PEOPLE = 100
OVERLAP = 0.5

FILES = {
    "extract_a": "agency_a.csv",
    "extract_b": "agency_b.csv",
    "truth": "truth.csv",
    "key": "shared.key",
    "schema": "schema.json",
    "mapping_a": "mapping_a.json",
    "mapping_b": "mapping_b.json",
    "encoded_a": "a.linkcore.parquet",
    "encoded_b": "b.linkcore.parquet",
    "matches": "matches.csv",
    "report": "report.html",
    "summary": "summary.json",
}


@dataclass
class DemoRun:
    """What the demo did: sizes, figures, time per stage and the files it wrote."""

    out: Path
    people: int
    seed: int
    profile: str
    figures: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        """Path of one of the demo's files (a key of ``FILES``)."""
        return self.out / FILES[name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (written as summary.json)."""
        return {"people": self.people, "seed": self.seed, "profile": self.profile,
                "figures": self.figures,
                "seconds": {k: round(v, 3) for k, v in self.stages.items()},
                "files": {k: str(self.path(k)) for k in FILES}}


def check_options(people: int, seed: int, out: Path, profile: str) -> None:
    """Refuse bad options before anything is generated or written (ParameterError, exit 2)."""
    from ..errors import ParameterError
    from ..synth import get_profile

    if people < MIN_PEOPLE:
        raise ParameterError(f"--people must be at least {MIN_PEOPLE} (got {people})")
    if seed < 0:
        raise ParameterError(f"--seed must be 0 or more (got {seed})")
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} is a file; give a directory for the demo's files")
    get_profile(profile)


def run_demo(people: int = DEFAULT_PEOPLE, seed: int = 0, out: str | Path = "linkcore-demo",
             profile: str = "moderate", *, progress: bool = False,
             on_stage: Callable[[str, str, float], None] | None = None) -> DemoRun:
    """Run the demo end to end and return its figures; ``on_stage(name, detail, seconds)``."""
    import pandas as pd

    from .. import Schema, Secret, encode, evaluate, link
    from .._io import read_table, write_table_atomic, write_text_atomic
    from ..holder.suggest import suggest_mapping, suggest_schema
    from ..report import write_link_report
    from ..synth import generate_extracts, generate_population

    out = Path(out)
    check_options(people, seed, out, profile)
    run = DemoRun(out, people, seed, profile)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from ..errors import OutputError

        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"cannot create the demo folder {out}: {reason} "
                          "(check the path and permissions)") from None
    t0 = time.perf_counter()

    def lap(stage: str, detail: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        run.stages[stage] = now - t0
        t0 = now
        if on_stage is not None:
            on_stage(stage, detail, run.stages[stage])

    # 1. synthetic data: two agencies' extracts (in their own styles) and the truth
    population = generate_population(people, seed)
    synth = generate_extracts(population, 2, OVERLAP, profile, seed)
    extract_a, extract_b = synth.extracts
    write_table_atomic(extract_a, run.path("extract_a"))
    write_table_atomic(extract_b, run.path("extract_b"))
    write_table_atomic(synth.truth, run.path("truth"))
    run.figures.update(records_a=len(extract_a), records_b=len(extract_b),
                       true_pairs=len(synth.truth))
    lap("synthetic data", f"agency A {len(extract_a):,} records, agency B {len(extract_b):,}; "
                          f"{len(synth.truth):,} true pairs")

    # 2. the data holders' shared key
    Secret.generate().write(run.path("key"), overwrite=True)
    lap("key", f"{FILES['key']} (256 bits, readable by its owner only)")

    # 3. agency A proposes the schema and its mapping; agency B maps onto the schema
    table_a = read_table(run.path("extract_a"))
    schema, mapping_a, _ = suggest_schema(table_a)
    write_text_atomic(run.path("schema"), schema.to_json() + "\n")
    write_text_atomic(run.path("mapping_a"), mapping_a.to_json() + "\n")
    table_b = read_table(run.path("extract_b"))
    agreed = Schema.load(run.path("schema"))
    mapping_b, _ = suggest_mapping(table_b, agreed)
    write_text_atomic(run.path("mapping_b"), mapping_b.to_json() + "\n")
    run.figures.update(fields=len(agreed.fields), blocking_keys=len(agreed.blocking_keys),
                       schema_fingerprint=agreed.fingerprint)
    lap("schema", f"{len(agreed.fields)} fields, {len(agreed.blocking_keys)} blocking keys; "
                  "each agency's own column mapping")

    # 4. each holder encodes its own extract: own mapping, shared schema and key
    secret = Secret.from_file(run.path("key"))
    encode(table_a, agreed, secret, mapping_a, progress=progress).write(run.path("encoded_a"))
    lap("encode A", f"{FILES['encoded_a']} (keyed Bloom filters, no plaintext)")
    encode(table_b, agreed, secret, mapping_b, progress=progress).write(run.path("encoded_b"))
    del secret
    lap("encode B", f"{FILES['encoded_b']}")

    # 5. the linkage unit: only the two encoded files
    result = link(run.path("encoded_a"), run.path("encoded_b"), progress=progress,
                  return_candidates=True, seed=seed)
    result.write(run.path("matches"))
    cand = result.candidate_stats
    quality = result.quality
    run.figures.update(candidate_pairs=int(cand["union"]),
                       reduction_ratio=float(cand["reduction_ratio"]),
                       matches=len(result.matches), threshold=result.threshold,
                       estimated_precision=_finite(quality.get("precision")),
                       estimated_recall=_finite(quality.get("recall")),
                       link_seconds={k: round(v, 3) for k, v in result.timings.items()})
    lap("link", f"{int(cand['union']):,} candidate pairs -> {len(result.matches):,} matches")

    # 6. the analyst: score against the truth, write the report
    truth = pd.read_csv(run.path("truth"), dtype=str, keep_default_na=False)
    metrics = evaluate(result.matches, truth)
    completeness = _pairs_completeness(result.candidates, result.matches, truth)
    run.figures.update(precision=metrics.precision, recall=metrics.recall, f1=metrics.f1,
                       tp=metrics.tp, fp=metrics.fp, fn=metrics.fn,
                       pairs_completeness=completeness)
    lap("evaluate", f"precision {metrics.precision:.3f}, recall {metrics.recall:.3f}, "
                    f"F1 {metrics.f1:.3f}")
    context = [("data", f"synthetic: {people:,} people, two agencies, overlap {OVERLAP:g}, "
                        f"'{profile}' errors, seed {seed}"),
               ("schema fingerprint", agreed.fingerprint[:16] + "…")]
    evaluation = {**metrics.as_dict(), "pairs_completeness": completeness}
    write_link_report(result, run.path("report"), truth=truth, evaluation=evaluation,
                      stages={f"demo: {k}": v for k, v in run.stages.items()
                              if k not in ("link", "evaluate")},
                      context=context, seed=seed,
                      title="linkcore demo: two agencies linked without sharing identifiers")
    lap("report", f"{FILES['report']}")
    write_text_atomic(run.path("summary"), json.dumps(run.to_dict(), indent=2) + "\n")
    return run


def _finite(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def _pairs_completeness(candidates, matches, truth) -> float:
    """Share of the true pairs that blocking proposed as candidates.

    Matched true pairs are candidates by definition, so only the missed ones are looked up
    among the candidates (a join of every candidate pair would cost seconds).
    """
    keys = ["id_a", "id_b"]
    true_pairs = truth[keys].astype(str).drop_duplicates()
    if not len(true_pairs):
        return 1.0
    matched = matches[keys].astype(str)
    flagged = true_pairs.merge(matched, on=keys, how="left", indicator=True)
    missed = flagged.loc[flagged["_merge"] == "left_only", keys]
    near = candidates.loc[candidates["id_a"].isin(set(missed["id_a"])), keys].astype(str)
    proposed = len(missed.merge(near, on=keys, how="inner"))
    return (len(true_pairs) - len(missed) + proposed) / len(true_pairs)


def _print_summary(run: DemoRun) -> None:
    f = run.figures
    echo = click.echo
    echo("")
    echo(f"agency A {f['records_a']:,} records, agency B {f['records_b']:,} records; "
         f"{f['true_pairs']:,} true pairs")
    echo(f"candidate pairs  {f['candidate_pairs']:,} (reduction ratio "
         f"{f['reduction_ratio']:.4f}, pairs completeness {f['pairs_completeness']:.4f})")
    echo(f"matches          {f['matches']:,} at match probability >= {f['threshold']:g}")
    echo(f"measured         precision {f['precision']:.4f}  recall {f['recall']:.4f}  "
         f"F1 {f['f1']:.4f}  (against the synthetic truth)")
    est_p, est_r = f.get("estimated_precision"), f.get("estimated_recall")
    echo(f"model estimate   precision {_fmt(est_p)}  recall {_fmt(est_r)}  "
         "(no truth needed; recall among candidates)")
    total = sum(run.stages.values())
    parts = ", ".join(f"{k} {v:.1f}s" for k, v in run.stages.items())
    echo(f"time             {total:.1f} s: {parts}")
    echo(f"report           {run.path('report')}")
    echo(f"all files in     {run.out}/ (summary.json has every figure)")


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4f}"


@click.command("demo")
@click.option("--people", "-n", type=int, default=DEFAULT_PEOPLE, show_default=True,
              help="Size of the synthetic population (two agencies of about two thirds each).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed for the synthetic data and the model's random pairs.")
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), default=Path("linkcore-demo"),
              show_default=True, help="Directory for the demo's files (created if needed).")
@click.option("--profile", default="moderate", show_default=True,
              help="Error profile of both agencies: clean, moderate, heavy or none.")
@common_options
@guarded
def demo(people: int, seed: int, out: Path, profile: str, quiet: bool, verbose: bool) -> None:
    """Run the whole protocol on synthetic data: key, schema, encode, link, evaluate, report.

    Two synthetic agencies each encode their own extract with a shared key; the linkage unit
    links the encoded files; the result is scored against the synthetic truth and an HTML
    report (OUT/report.html) is written. Takes about 20 seconds at the default size.

    \b
    Example:
      linkcore demo
      linkcore demo --people 5000 --seed 7 --out /tmp/demo
    """  # noqa: D301 - click needs the real \b (backspace) to keep the example's lines
    setup_logging(verbose)
    check_options(people, seed, out, profile)

    def show(stage: str, detail: str, seconds: float) -> None:
        if not quiet:
            click.echo(f"{stage:<15} {detail}  [{seconds:.1f} s]")

    if not quiet:
        click.echo(f"linkcore demo: {people:,} people, two agencies, '{profile}' errors, "
                   f"seed {seed} -> {out}/")
    run = run_demo(people, seed, out, profile, progress=not quiet, on_stage=show)
    if not quiet:
        _print_summary(run)
