"""``linkcore evaluate``: score a matches file against the truth."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click

from .._io import read_table, table_kind, write_table_atomic
from ..errors import InputDataError, ParameterError
from ._common import common_options, force_option, guarded, setup_logging
from .paths import RunOutputs


def _read(path: Path):
    """Read a matches or truth table: a CSV as text, a Parquet file with its own types.

    A Parquet id column of floats then reads as evaluate reads numbers (86971837.0 is the id
    86971837), not as the text "86971837.0", which would match no id.
    """
    return read_table(path, dtype_str=table_kind(path) != "parquet")


def _extract_ids(path: Path, column: str | None) -> list[str]:
    table = read_table(path)
    col = column or table.columns[0]
    if col not in table.columns:
        raise InputDataError(f"{path} has no column {col}")
    return table[col].dropna().astype(str).tolist()


@click.command("evaluate")
@click.argument("matches", type=click.Path(path_type=Path))
@click.option(
    "--truth",
    "truth_path",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV/Parquet of true pairs (id_a, id_b), e.g. from linkcore synth; for clusters "
    "also a table (agency, id, cluster) such as synth's truth_clusters.csv.",
)
@click.option(
    "--threshold",
    type=float,
    default=None,
    help="Count only pairs whose probability is at least this.",
)
@click.option(
    "--extracts",
    nargs=2,
    type=click.Path(path_type=Path),
    default=None,
    metavar="A B",
    help="The two extracts: every id must be one of their record ids.",
)
@click.option(
    "--id-columns",
    nargs=2,
    default=None,
    metavar="COL_A COL_B",
    help="Record-id columns of --extracts (default: each file's first column).",
)
@click.option(
    "--curve",
    "curve_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the precision-recall curve (one row per threshold) to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@force_option
@common_options
@guarded
def evaluate(
    matches: Path,
    truth_path: Path,
    threshold: float | None,
    extracts: tuple[Path, Path] | None,
    id_columns: tuple[str, str] | None,
    curve_path: Path | None,
    as_json: bool,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Score MATCHES (id_a, id_b[, probability]) against --truth: precision, recall, F1.

    With a probability column it also reports the threshold with the best F1. A
    MATCHES table with columns agency (or party), id, person (or cluster), as
    `linkcore link` writes for several files, is scored as a clustering: pairwise
    precision/recall/F1 over all pairs, within one agency and across agencies,
    B-cubed, and the share of people whose records form exactly one cluster;
    --truth is then a truth_clusters.csv (every record, duplicates included) or
    truth pairs. Ids are checked against --extracts when given; otherwise MATCHES
    must share ids with the truth.

    \b
    Example:
      linkcore evaluate matches.csv --truth demo/truth.csv --json
    """  # noqa: D301
    # linkcore.evaluate is both a module and (lazily) a public function of the package, so
    # take the module from the import system rather than from the package's attributes.
    ev = importlib.import_module("linkcore.evaluate")

    setup_logging(verbose)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ParameterError("--threshold must be in [0, 1]")
    if id_columns is not None and not extracts:
        raise ParameterError("--id-columns names the id columns of --extracts; give "
                             "--extracts too, or leave --id-columns out")
    outputs = RunOutputs({"--curve": curve_path}, force=force,
                         inputs={"MATCHES": matches, "--truth": truth_path,
                                 "--extracts": extracts})
    predicted, truth = _read(matches), _read(truth_path)
    if len(truth) == 0 and not ev.is_cluster_table(predicted):
        # recall would be 1 by convention, a figure that means nothing; a clustering against
        # no true pairs still has a precision (every record its own person)
        raise InputDataError(f"truth file {truth_path} holds no rows (a header only); give "
                             "the true pairs or clusters")
    # a clusters table from `linkcore link` (person ids), or any clustering scored against
    # truth clusters, gets every cluster measure; (agency, id, cluster) against truth pairs
    # keeps the earlier cross-agency pairwise figures
    legacy = all(c in predicted.columns for c in ("agency", "id", "cluster"))
    if ev.is_cluster_table(predicted) and (ev.is_cluster_table(truth) or not legacy):
        pairs_only = [name for name, given in (("--threshold", threshold is not None),
                                               ("--extracts", bool(extracts)),
                                               ("--curve", curve_path is not None)) if given]
        if pairs_only:
            verb = "applies" if len(pairs_only) == 1 else "apply"
            raise ParameterError(f"{', '.join(pairs_only)} {verb} to a table of pairs, not to "
                                 f"a clustering such as {matches}; leave them out")
        _clusters_report(ev, predicted, truth, truth_path, as_json, quiet)
        return
    if ev.is_cluster_table(truth) and not legacy and not all(
            c in predicted.columns for c in ev.ID_COLUMNS):
        raise InputDataError(f"{matches} is neither a table of pairs (columns id_a, id_b) nor "
                             "a clustering (columns agency, id, and person or cluster); check "
                             "its header row")
    missing = [c for c in ev.ID_COLUMNS if c not in truth.columns]
    if missing:
        raise InputDataError(f"truth file {truth_path} lacks column(s) {', '.join(missing)}")
    predicted, truth = ev.within_one_agency(predicted, truth)

    # distinct pairs, as the scoring counts them (a pair listed twice is one)
    out: dict[str, object] = {"matches_rows": len(predicted),
                              "truth_pairs": _distinct_pairs(truth)}
    if all(c in predicted.columns for c in ("agency", "id", "cluster")):
        result = ev.evaluate_clusters(predicted, truth)
        out["mode"] = "clusters"
        out.update(result.as_dict())
        best = None
    else:
        ids = None
        if extracts:
            cols = id_columns or (None, None)
            ids = (_extract_ids(extracts[0], cols[0]), _extract_ids(extracts[1], cols[1]))
        ev.check_universe(predicted, truth, *(ids or (None, None)))
        out["mode"] = "pairs"
        out.update(ev.evaluate(predicted, truth, threshold).as_dict())
        best = None
        if "probability" in predicted.columns:
            best = ev.best_threshold(predicted, truth)
            out["best_f1"] = best.as_dict()
            bands = ev.calibration(predicted, truth)
            out["calibration"] = [dict(zip(ev.CALIBRATION_COLUMNS, row, strict=True))
                                  for row in bands.itertuples(index=False)]
            if curve_path is not None:
                with outputs:
                    write_table_atomic(ev.pr_curve(predicted, truth), outputs.path("--curve"))
                    outputs.commit()
        elif curve_path is not None:
            raise InputDataError("--curve needs a probability column in the matches file")

    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    if quiet:
        return
    click.echo(f"matches: {out['matches_rows']} rows   truth: {out['truth_pairs']} pairs")
    label = "" if threshold is None else f" (probability >= {threshold:g})"
    click.echo(
        f"precision {out['precision']:.4f}  recall {out['recall']:.4f}  f1 {out['f1']:.4f}{label}"
    )
    click.echo(f"tp {out['tp']}  fp {out['fp']}  fn {out['fn']}")
    if best is not None and best.threshold is None:
        click.echo("best F1: no threshold to choose (the matches file lists no pairs)")
    elif best is not None:
        import pandas as pd  # loaded already by linkcore.evaluate

        lowest = float(pd.to_numeric(predicted["probability"], errors="coerce").min())
        click.echo(
            f"best F1 {best.f1:.4f} at probability >= {best.threshold:g} "
            f"(precision {best.precision:.4f}, recall {best.recall:.4f}; among the file's "
            f"pairs, the lowest at {lowest:g}: to look below it, link with a lower --threshold)"
        )
    if "calibration" in out:
        _print_calibration(out["calibration"])
    if curve_path is not None:
        click.echo(f"wrote {curve_path}")


#: A band is off when its share of true pairs is further than this from its mean probability
#: (issue 11's calibration target).
CALIBRATION_TOLERANCE = 0.05


def _print_calibration(bands: list[dict]) -> None:
    """Print the calibration table: per band, pairs, mean probability, share true, difference."""
    if not bands:
        return
    click.echo("calibration among the file's pairs (band: pairs, mean probability, share true, "
               "difference, and the spread chance gives a calibrated model 19 times in 20):")
    off = beyond = 0
    for b in bands:
        d = b["difference"]
        flag = ""
        if abs(d) > CALIBRATION_TOLERANCE + 1e-12:  # 1.0 - 0.95 is 0.05 and a hair more
            off += 1
            beyond += abs(d) > b["spread"]
            flag = "  off, beyond chance" if abs(d) > b["spread"] else "  off, within chance"
        click.echo(f"  {b['low']:.1f}-{b['high']:.1f}: {b['pairs']:>9,} pairs  mean "
                   f"{b['mean_probability']:.3f}  true {b['true_share']:.3f}  {d:+.3f} "
                   f"(+/-{b['spread']:.3f}){flag}")
    click.echo(f"{off} of {len(bands)} band(s) off by more than {CALIBRATION_TOLERANCE:g} "
               f"({beyond} beyond chance's spread)")


def _clusters_report(ev, predicted, truth, truth_path: Path, as_json: bool, quiet: bool) -> None:
    """Score a clusters table (agency, id, person) and print every cluster measure."""
    if not ev.is_cluster_table(truth):
        missing = [c for c in ev.ID_COLUMNS if c not in truth.columns]
        if missing:
            raise InputDataError(f"truth file {truth_path} lacks column(s) "
                                 f"{', '.join(missing)} (or agency, id, cluster)")
    m = ev.cluster_metrics(predicted, truth)
    out = {"mode": "clusters", "records": m.records, **m.as_dict()}
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    if quiet:
        return
    click.echo(f"records: {m.records}   true people: {m.people}   predicted clusters: "
               f"{m.predicted_clusters}")
    for label, x in (("all pairs", m.pairwise), ("within agency", m.within),
                     ("across agencies", m.across)):
        # a ratio of no pairs is printed n/a (null in the JSON of a clustering)
        precision = f"{x.precision:.4f}" if x.tp + x.fp else "n/a"
        recall = f"{x.recall:.4f}" if x.tp + x.fn else "n/a"
        f1 = f"{x.f1:.4f}" if x.tp + x.fp and x.tp + x.fn else "n/a"
        click.echo(f"{label:16s} precision {precision}  recall {recall}  f1 {f1}  "
                   f"(tp {x.tp}  fp {x.fp}  fn {x.fn})")
    click.echo(f"B-cubed          precision {m.bcubed_precision:.4f}  recall "
               f"{m.bcubed_recall:.4f}  f1 {m.bcubed_f1:.4f}")
    click.echo(f"people whose records form exactly one cluster: {m.exact_share:.4f}")
    if m.truth_only_agencies:
        click.echo(f"note: the truth holds {len(m.truth_only_agencies)} agency(ies) the clusters "
                   f"do not ({', '.join(m.truth_only_agencies)}): their records count as missed; "
                   "give a truth of the clustered agencies only to score them alone")
    elif m.truth_only_records:
        click.echo(f"note: {m.truth_only_records} record(s) of the truth are not in the clusters "
                   "(withdrawn from a store, or never sent): each counts as a singleton there, "
                   "its true pairs as missed; give a truth of the clustered records only to score "
                   "them alone")
    if m.predicted_only_records:
        click.echo(f"note: {m.predicted_only_records} record(s) of the clusters are not in the "
                   "truth: each counts as a true singleton")


def _distinct_pairs(truth) -> int:
    """Count the truth's distinct pairs, keyed as the scoring keys them."""
    import pandas as pd

    from linkcore import evaluate as ev

    return int(len(pd.unique(ev.pair_keys(truth))))
