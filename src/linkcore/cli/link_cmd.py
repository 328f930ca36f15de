"""``linkcore link``: link two encoded files; write matches (id_a, id_b, probability, weight)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from ._common import common_options, force_option, guarded, setup_logging
from .cluster import check_partitions, cluster_options, dask_client
from .paths import RunOutputs


def _load_model(path: Path):
    from ..errors import ModelError
    from ..linkage.model import FellegiSunterModel

    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ModelError(f"cannot read the model file {path} as UTF-8 text") from None
    return FellegiSunterModel.from_json(text)


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return "n/a" if not math.isfinite(x) else f"{x:.4f}"
    return str(x)


def blocking_recall_line(q: dict[str, Any]) -> str:
    """One line: blocking's estimated recall, how it was estimated, and the scored sample's."""
    head = (f"estimated blocking recall {_fmt(q['blocking_recall'])} "
            f"(95% {_fmt(q['blocking_recall_low'])}-{_fmt(q['blocking_recall_high'])}; ")
    sample = (f"{q['blocking_sample_records']:,} sampled records scored against every record, "
              f"{q['blocking_likely_outside']:,} likely matches outside the candidates")
    if q.get("blocking_recall_method") == "capture-recapture":
        passes = len(q.get("blocking_sources", {}))
        return (head + f"capture-recapture over {passes} blocking passes, about "
                f"{q['blocking_missed_matches']:,.0f} matches none of them proposed; the "
                f"scored sample says {_fmt(q['blocking_recall_sampled'])}, blind to matches the "
                f"model cannot score: {sample})")
    if q.get("blocking_recall_method") == "sample-expected":
        return (head + f"{q['blocking_sample_records']:,} sampled records scored against every "
                "record, each pair counted by its probability: about "
                f"{q['blocking_expected_outside']:,.1f} expected matches outside the candidates; "
                f"{q['blocking_likely_outside']:,} likely ones; the blocking passes give no "
                "capture-recapture estimate)")
    if q.get("blocking_recall_method") == "sample":
        return (head + sample + "; matches the model cannot score are not seen, and the "
                "blocking passes give no capture-recapture estimate)")
    return head + sample + ")"


class _Printer:
    """Prints each stage's figures as the pipeline reaches it (nothing with --quiet)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def __call__(self, stage: str, info: dict[str, Any]) -> None:
        if self.quiet:
            return
        echo = click.echo
        if stage == "load":
            echo(f"records: {info['n_a']:,} x {info['n_b']:,}")
        elif stage == "blocking":
            for rule in info.get("rules", []):
                extra = ""
                if rule["rule"] == "lsh" and "bands" in rule:
                    extra = f" ({rule['bands']} bands of {rule['bits_per_band']} bits)"
                if rule.get("joins_covered_by_earlier_rules"):
                    extra = (f" ({rule['joins_covered_by_earlier_rules']} field pair(s) "
                             "skipped: the blocking keys already make their pairs)")
                echo(f"candidate pairs, rule {rule['rule']}{extra}: {rule['pairs']:,}")
            echo(f"candidate pairs (union): {info['union']:,} "
                 f"(reduction ratio {info['reduction_ratio']:.6f})")
        elif stage == "train" and info:
            state = "converged" if info.get("converged") else "did NOT converge"
            echo(f"model: {state} after {info.get('iterations')} iteration(s); "
                 f"prior match probability {info.get('lambda'):.3g}")
        elif stage == "score":
            for group in info.get("salt_groups", []):
                echo(f"scored together: {', '.join(group['salted'])} with their salt "
                     f"{group['salt_field']} (same-salt share of non-matches "
                     f"{group['same_salt_share']:.3g})")
            for corr in info.get("dependence_corrections", []):
                echo(f"dependence correction: {' + '.join(corr['agree'])} agreeing "
                     f"{corr['weight']:+.2f} bits")
        elif stage == "resolve":
            q = info.get("quality", {})
            echo(f"matches: {info['matches']:,}")
            if "blocking_recall" in q:
                echo(blocking_recall_line(q))
                scope = "model-based, blocking recall included"
            else:
                scope = "model-based, among candidates"
            echo(f"estimated precision {_fmt(q.get('precision'))}, recall "
                 f"{_fmt(q.get('recall'))}, F1 {_fmt(q.get('f1'))} ({scope})")


@click.command("link")
@click.argument("file_a", type=click.Path(path_type=Path, dir_okay=True))
@click.argument("file_b", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="Matches file (.csv or .parquet), written atomically.")
@click.option("--threshold", type=str, default="0.5", show_default=True,
              help="Accept pairs whose match probability is at least this (0 to 1).")
@click.option("--one-to-one", "one_to_one", type=str, default="greedy", show_default=True,
              help="greedy, optimal or none (every pair above the threshold).")
@click.option("--model", "model_path", type=click.Path(path_type=Path),
              help="Apply a saved model (JSON) instead of training one.")
@click.option("--model-out", type=click.Path(path_type=Path),
              help="Save the trained model as JSON.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a self-contained offline HTML report (charts, model, examples).")
@click.option("--mapped-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR",
              help="Keep the files' filters and the candidate pairs in memory-mapped scratch "
                   "files in DIR (unnamed, gone when the run ends): for files larger than "
                   "memory, with --partitions. On a cluster DIR must exist on every worker.")
@cluster_options
@force_option
@common_options
@guarded
def link(file_a: Path, file_b: Path, output: Path, threshold: str, one_to_one: str,
         model_path: Path | None, model_out: Path | None, report_path: Path | None,
         mapped_dir: Path | None, partitions: int | None, workers: int | None,
         scheduler: str | None, force: bool, quiet: bool, verbose: bool) -> None:
    """Link two encoded files FILE_A and FILE_B (linkcore Parquet, a folder, or clkhash JSON).

    Prints the candidate pairs per blocking rule, the model's training, the matches and the
    model's own estimates of precision and recall; --report writes an offline HTML report.
    --workers N or --scheduler ADDRESS run the pair stages on dask.distributed (the same
    matches as without, bit for bit).

    \b
    Example:
      linkcore link a.linkcore.parquet b.linkcore.parquet -o matches.csv --report report.html
    """  # noqa: D301
    from ..errors import ParameterError
    from ..linkage.pipeline import link as run_link
    from ..linkage.pipeline import output_format

    setup_logging(verbose)
    try:
        t = float(threshold)
    except ValueError:
        raise ParameterError("--threshold must be a number between 0 and 1") from None
    if not 0.0 <= t <= 1.0:
        raise ParameterError(f"--threshold must be between 0 and 1, got {threshold}")
    modes = ("greedy", "optimal", "none")
    if one_to_one not in modes:
        raise ParameterError(f"--one-to-one must be one of {', '.join(modes)}, "
                             f"not {one_to_one!r}")
    outputs = RunOutputs({"-o": output, "--report": report_path, "--model-out": model_out},
                         inputs={"FILE_A": file_a, "FILE_B": file_b, "--model": model_path},
                         force=force)
    output_format(output)
    model = _load_model(model_path) if model_path is not None else None
    check_partitions(partitions)
    with dask_client(workers, scheduler) as client, outputs:
        result = run_link(file_a, file_b, threshold=t, one_to_one=one_to_one, model=model,
                          progress=not quiet, on_stage=_Printer(quiet),
                          return_candidates=report_path is not None,
                          engine="local" if client is None else "dask", client=client,
                          partitions=partitions, mapped_dir=mapped_dir)
        # Every output is written aside first; they are renamed into place together.
        result.write(outputs.path("-o"))
        if model_out is not None:
            outputs.path("--model-out").write_text(result.model.to_json() + "\n",
                                                   encoding="utf-8")
        if report_path is not None:
            from ..report import write_link_report

            write_link_report(result, outputs.path("--report"))
        outputs.commit()
    if not quiet:
        if report_path is not None:
            click.echo(f"wrote the report to {report_path}")
        click.echo(f"wrote {len(result.matches):,} matches to {output}")
        if model_out is not None:
            click.echo(f"wrote the model to {model_out}")


def report_data(result) -> dict[str, Any]:
    """Return the data a linkage report needs (the hook for ``--report``)."""
    return result.report_data()
