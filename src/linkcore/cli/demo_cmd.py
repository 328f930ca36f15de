"""``linkcore demo``: the whole protocol on synthetic data, each party's step as that party runs it.

1. Two agencies' extracts of one synthetic population (each agency writes its data its own way).
2. The data holders' shared secret key, written readable by its owner only.
3. Agency A proposes the linkage schema and its own column mapping from its extract; agency B
   maps its own columns onto that schema (mappings stay local: they differ).
4. Each agency encodes its own extract with its mapping, the shared schema and the key.
5. The linkage unit links the two encoded files, reading nothing else.
6. The analyst scores the matches against the synthetic truth, and an HTML report is written.

Everything lands in one directory (by default a new one under the system's temporary folder, so
a run never writes into the current checkout). The plaintext extracts, the key and the truth are
there only because this is a demonstration: in a real linkage each stays with its own party.

The demo's key is derived from the seed (HKDF of a fixed public label), so one seed gives the same
figures on every run. It is a DEMO KEY: anyone can recompute it, and its file says so. Real keys
come from ``linkcore keygen``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._common import common_options, guarded, setup_logging

if TYPE_CHECKING:
    from .paths import RunOutputs

DEFAULT_PEOPLE = 20_000
MIN_PEOPLE = 100
#: Most people the demo links: it holds both agencies' plaintext, encodings and candidate pairs
#: in memory (a larger run is `synth`, `encode` and `link`, docs/scale.md).
MAX_PEOPLE = 1_000_000
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

#: Public input of the demo key's derivation: the demo key is no secret, by construction.
DEMO_KEY_LABEL = b"linkcore demo key: derived from a public seed, NOT A SECRET"


def demo_secret(seed: int):
    """Derive the demo's key from ``seed`` (HKDF of a public label): a seed reproduces a run.

    Anyone can recompute it: it protects nothing and is for the demo only.
    """
    from ..holder.keys import Secret, derive_key

    return Secret(derive_key(DEMO_KEY_LABEL, f"linkcore/demo/key/seed/{seed}"))


def demo_key_text(seed: int) -> str:
    """Return the demo key file's text: a comment marking it demo-only, then the key line."""
    return (f"# DEMO KEY derived from the public seed {seed} by `linkcore demo`: anyone can "
            "recompute it. Never use it for real data; make a real key with `linkcore keygen`.\n"
            + demo_secret(seed).to_text())


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

    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ParameterError(f"--people must be from {MIN_PEOPLE} to {MAX_PEOPLE:,} (got "
                             f"{people})")
    if not 0 <= seed < 2**63:
        raise ParameterError("--seed must be 0 or more and less than 2^63")
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} is a file; give a directory for the demo's files")
    get_profile(profile)


def default_out() -> Path:
    """Make a new, empty folder for one demo run under the system's temporary folder."""
    return Path(tempfile.mkdtemp(prefix="linkcore-demo-"))


def run_demo(people: int = DEFAULT_PEOPLE, seed: int = 0, out: str | Path | None = None,
             profile: str = "moderate", *, force: bool = False, progress: bool = False,
             on_stage: Callable[[str, str, float], None] | None = None) -> DemoRun:
    """Run the demo end to end and return its figures; ``on_stage(name, detail, seconds)``.

    ``out`` defaults to a new folder under the system's temporary folder. The demo's files
    already in ``out`` are replaced only with ``force``; every file appears together at the end.
    """
    run, outputs = plan_demo(people, seed, out, profile, force=force)
    return execute_demo(run, outputs, progress=progress, on_stage=on_stage)


def plan_demo(people: int, seed: int, out: str | Path | None, profile: str, *,
              force: bool = False) -> tuple[DemoRun, RunOutputs]:
    """Check the options and every output path; nothing is generated or written yet."""
    from .paths import RunOutputs

    if out is None:
        check_options(people, seed, Path("."), profile)
        out = default_out()
    out = Path(out)
    check_options(people, seed, out, profile)
    outputs = RunOutputs({name: out / file for name, file in FILES.items()}, force=force,
                         demo_keys=True)
    return DemoRun(out, people, seed, profile), outputs


def execute_demo(run: DemoRun, outputs: RunOutputs, *, progress: bool = False,
                 on_stage: Callable[[str, str, float], None] | None = None) -> DemoRun:
    """Run every stage with its files staged; put them all in place at the end."""
    with outputs:
        _run_stages(run, outputs.path, progress, on_stage)
        outputs.commit()
    return run


def _run_stages(run: DemoRun, at: Callable[[str], Path], progress: bool,
                on_stage: Callable[[str, str, float], None] | None) -> None:
    """Each party's step in turn, every file written to ``at(name)`` (staged, not yet in place)."""
    import pandas as pd

    from .. import Schema, encode, evaluate, link
    from .._io import read_table, write_table_atomic, write_text_atomic
    from ..holder.suggest import suggest_mapping, suggest_schema
    from ..report import write_link_report
    from ..synth import generate_extracts, generate_population

    people, seed, profile = run.people, run.seed, run.profile
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
    write_table_atomic(extract_a, at("extract_a"))
    write_table_atomic(extract_b, at("extract_b"))
    write_table_atomic(synth.truth, at("truth"))
    run.figures.update(records_a=len(extract_a), records_b=len(extract_b),
                       true_pairs=len(synth.truth))
    lap("synthetic data", f"agency A {len(extract_a):,} records, agency B {len(extract_b):,}; "
                          f"{len(synth.truth):,} true pairs")

    # 2. the data holders' shared key: a DEMO key derived from the seed, so runs reproduce
    fd = os.open(at("key"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(demo_key_text(seed))
    lap("key", f"{FILES['key']} (DEMO key derived from seed {seed}: reproducible, not secret)")

    # 3. agency A proposes the schema and its mapping; agency B maps onto the schema
    table_a = read_table(at("extract_a"))
    schema, mapping_a, _ = suggest_schema(table_a)
    write_text_atomic(at("schema"), schema.to_json() + "\n")
    write_text_atomic(at("mapping_a"), mapping_a.to_json() + "\n")
    table_b = read_table(at("extract_b"))
    agreed = Schema.load(at("schema"))
    mapping_b, _ = suggest_mapping(table_b, agreed)
    write_text_atomic(at("mapping_b"), mapping_b.to_json() + "\n")
    run.figures.update(fields=len(agreed.fields), blocking_keys=len(agreed.blocking_keys),
                       schema_fingerprint=agreed.fingerprint)
    lap("schema", f"{len(agreed.fields)} fields, {len(agreed.blocking_keys)} blocking keys; "
                  "each agency's own column mapping")

    # 4. each holder encodes its own extract: own mapping, shared schema and key
    secret = demo_secret(seed)
    encode(table_a, agreed, secret, mapping_a, progress=progress).write(at("encoded_a"))
    lap("encode A", f"{FILES['encoded_a']} (keyed Bloom filters, no plaintext)")
    encode(table_b, agreed, secret, mapping_b, progress=progress).write(at("encoded_b"))
    del secret
    lap("encode B", f"{FILES['encoded_b']}")

    # 5. the linkage unit: only the two encoded files
    result = link(at("encoded_a"), at("encoded_b"), progress=progress,
                  return_candidates=True, seed=seed)
    result.write(at("matches"))
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
    truth = pd.read_csv(at("truth"), dtype=str, keep_default_na=False)
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
    write_link_report(result, at("report"), truth=truth, evaluation=evaluation,
                      stages={f"demo: {k}": v for k, v in run.stages.items()
                              if k not in ("link", "evaluate")},
                      context=context, seed=seed,
                      title="linkcore demo: two agencies linked without sharing identifiers")
    lap("report", f"{FILES['report']}")
    write_text_atomic(at("summary"), json.dumps(run.to_dict(), indent=2) + "\n")


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
         "(no truth needed; recall includes blocking's estimated recall)")
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
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), default=None,
              help="Directory for the demo's files (created if needed). Default: a new folder "
                   "under the system's temporary folder.")
@click.option("--profile", default="moderate", show_default=True,
              help="Error profile of both agencies: clean, moderate, heavy or none.")
@click.option("--force", is_flag=True, help="Replace the demo's files already in --out.")
@common_options
@guarded
def demo(people: int, seed: int, out: Path | None, profile: str, force: bool, quiet: bool,
         verbose: bool) -> None:
    """Run the whole protocol on synthetic data: key, schema, encode, link, evaluate, report.

    Two synthetic agencies each encode their own extract with a shared key; the linkage unit
    links the encoded files; the result is scored against the synthetic truth and an HTML
    report (OUT/report.html) is written. Takes about 20 seconds at the default size. The key
    is a DEMO key derived from --seed (never secret), so one seed reproduces every figure.

    \b
    Example:
      linkcore demo
      linkcore demo --people 5000 --seed 7 --out /tmp/demo
    """  # noqa: D301 - click needs the real \b (backspace) to keep the example's lines
    setup_logging(verbose)
    run, outputs = plan_demo(people, seed, out, profile, force=force)

    def show(stage: str, detail: str, seconds: float) -> None:
        if not quiet:
            click.echo(f"{stage:<15} {detail}  [{seconds:.1f} s]")

    if not quiet:
        click.echo(f"linkcore demo: {people:,} people, two agencies, '{profile}' errors, "
                   f"seed {seed} -> {run.out}/")
    try:
        execute_demo(run, outputs, progress=not quiet, on_stage=show)
    except BaseException:
        if out is None:  # the fresh default folder: leave nothing behind
            with contextlib.suppress(OSError):
                run.out.rmdir()
        raise
    if not quiet:
        _print_summary(run)
