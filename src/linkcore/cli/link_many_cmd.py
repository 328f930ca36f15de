"""``linkcore link A B C ...`` and ``linkcore dedupe A [B ...]``: clusters with keyed person ids.

Two files without the options below run ``link_cmd.link`` unchanged (matches id_a, id_b,
probability, match_weight). Three or more files, or ``--dedupe``, write a clusters table
(agency, id, person) whose person ids are keyed pseudonyms (linkage/pseudonyms.py) under the
linkage unit's project key, and optionally one release file per agency and shared counts.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from ._common import common_options, force_option, guarded, setup_logging
from .cluster import check_partitions, cluster_options, dask_client
from .link_cmd import _fmt, blocking_recall_line
from .link_cmd import _Printer as _PairPrinter
from .link_cmd import link as _pairwise
from .paths import RunOutputs, check_release_dir, same_content, same_file

#: The pairwise command's options that also apply to several files.
_SHARED = {"output", "threshold", "force", "quiet", "verbose", "partitions", "workers",
           "scheduler", "mapped_dir"}
_CLUSTERINGS = ("checked", "components", "one-per-agency")


def _many_options(func: Any) -> Any:
    """Options of the several-files mode (clusters, names, person ids, release files)."""
    opts = [
        click.option("--project-key-env", default=None, metavar="VAR",
                     help="Read the project key from this environment variable "
                          "(default LINKCORE_PROJECT_KEY)."),
        click.option("--project-key-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="The linkage unit's own key for person ids (from `linkcore keygen`; "
                          "never the data holders' key). Default: LINKCORE_PROJECT_KEY."),
        click.option("--shared-counts", "shared_counts_path",
                     type=click.Path(path_type=Path, dir_okay=False),
                     help="Write the number of people per combination of agencies "
                          "(counts only) to this .csv or .parquet file."),
        click.option("--release-dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Write release_<agency>.csv per agency: its own record ids and "
                          "their person ids, nothing about other agencies."),
        click.option("--clustering", type=str, default="checked", show_default=True,
                     help="With --dedupe: checked (two records of one agency join only by "
                          "their own accepted pair), components, or one-per-agency."),
        click.option("--pairs-out", "pairs_out", type=click.Path(path_type=Path, dir_okay=False),
                     help="With --dedupe: also write the accepted pairs (agency_a, id_a, agency_b, "
                          "id_b, probability, match_weight), .csv or .parquet; with a lower "
                          "--threshold, the pairs below it too (for review and calibration)."),
        click.option("--agency-names", type=str, default=None, metavar="A,B,...",
                     help="Comma-separated agency names, one per file (default: each "
                          "file's name stem)."),
    ]
    for opt in opts:
        func = opt(func)
    return func


def _pairwise_params() -> list[click.Parameter]:
    return [p for p in _pairwise.params if not isinstance(p, click.Argument)]


def _link_params() -> list[click.Parameter]:
    """Return the pairwise options, with -o described for both modes."""
    out: list[click.Parameter] = []
    for p in _pairwise_params():
        if p.name == "output":
            p = click.Option(["--output", "-o"], required=True, type=click.Path(path_type=Path),
                             help="Matches (two files) or clusters (agency, id, person): "
                                  ".csv or .parquet, written atomically.")
        out.append(p)
    return out


@guarded
def _link(files: tuple[Path, ...], dedupe: bool, agency_names: str | None, clustering: str,
          release_dir: Path | None, shared_counts_path: Path | None,
          project_key_file: Path | None, project_key_env: str | None, pairs_out: Path | None,
          **kwargs: Any) -> None:
    """Dispatch: two plain files to the pairwise command, anything else to the clusters mode."""
    from ..errors import ParameterError

    many = (dedupe or agency_names is not None or release_dir is not None
            or shared_counts_path is not None or project_key_file is not None
            or project_key_env is not None or clustering != "checked" or pairs_out is not None)
    if len(files) == 2 and not many:
        if same_file(files[0], files[1]):
            raise ParameterError(f"files 1 and 2 are the same file ({files[1]}); to find "
                                 "duplicates within one file, use `linkcore dedupe FILE`")
        if same_content(files[0], files[1]):
            raise ParameterError(f"files 1 and 2 hold the same bytes ({files[1]} is a copy of "
                                 f"{files[0]}); to find duplicates within one file, use "
                                 "`linkcore dedupe FILE`")
        _pairwise.callback(file_a=files[0], file_b=files[1], **kwargs)
        return
    if len(files) < 2 and not dedupe:
        raise ParameterError(
            f"link needs at least two encoded files (got {len(files)}); to find duplicates "
            "within one file, use `linkcore dedupe FILE` or `linkcore link --dedupe FILE`")
    defaults = {p.name: p.default for p in _pairwise_params()}
    for name, value in kwargs.items():
        if name not in _SHARED and value not in (None, False) and value != defaults.get(name):
            opt = next(p.opts[-1] for p in _pairwise_params() if p.name == name)
            raise ParameterError(f"{opt} applies to linking two files only, not to clusters "
                                 f"of {len(files)} file(s) or --dedupe")
    run_clusters(files, dedupe=dedupe, agency_names=agency_names, clustering=clustering,
                 release_dir=release_dir, shared_counts_path=shared_counts_path,
                 project_key_file=project_key_file, project_key_env=project_key_env,
                 output=kwargs["output"], threshold=kwargs["threshold"], force=kwargs["force"],
                 quiet=kwargs["quiet"], verbose=kwargs["verbose"],
                 partitions=kwargs["partitions"], workers=kwargs["workers"],
                 scheduler=kwargs["scheduler"], mapped_dir=kwargs["mapped_dir"],
                 pairs_out=pairs_out)


_LINK_HELP = """Link encoded files: two give matches; three or more, or --dedupe, give clusters.

FILES are linkcore Parquet files, partitioned dataset folders (encode --partitions) or
clkhash CLK JSON files, encoded with one schema and key.
With two files (and none of the clusters options) the output is the matches table
(id_a, id_b, probability, match_weight), as always. With three or more files every
pair of files is linked and the links grouped into clusters with at most one record
per agency; with --dedupe the records of all files are pooled and every pair of
distinct records, within a file or across files, is scored by one model (duplicates
within an agency end in one cluster). Clusters are written to -o as (agency, id,
person): person is a keyed pseudonym under the linkage unit's project key.

\b
Example:
  linkcore link a.parquet b.parquet c.parquet --dedupe -o clusters.csv \\
      --project-key-file project.key --release-dir release/
"""


link = click.Command(
    "link",
    callback=_link,
    params=[
        click.Argument(["files"], nargs=-1, required=True,
                       type=click.Path(path_type=Path, dir_okay=True)),
        *_link_params(),
        click.Option(["--dedupe"], is_flag=True,
                     help="Also find duplicates within each file (link-and-dedupe)."),
        # the same options as `dedupe`: click's decorators collect them on the function
        *_many_options(lambda: None).__click_params__[::-1],
    ],
    help=_LINK_HELP,
    short_help="Link encoded files (matches for two, clusters for more).",
)


@click.command("dedupe")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="Clusters file (agency, id, person), .csv or .parquet, written atomically.")
@click.option("--threshold", type=str, default="0.5", show_default=True,
              help="Accept pairs whose match probability is at least this (0 to 1).")
@_many_options
@cluster_options(partitions_help="Row ranges of the pooled records (P (P + 1) / 2 cells of "
                                 "work); default 1 locally, on dask one more than the workers "
                                 "(at least 3).")
@click.option("--mapped-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR",
              help="Keep the pooled filters and the candidate pairs in memory-mapped scratch "
                   "files in DIR (unnamed, gone when the run ends): for pools larger than "
                   "memory, with --partitions. On a cluster DIR must exist on every worker.")
@force_option
@common_options
@guarded
def dedupe(files: tuple[Path, ...], output: Path, threshold: str, agency_names: str | None,
           clustering: str, release_dir: Path | None, shared_counts_path: Path | None,
           project_key_file: Path | None, project_key_env: str | None, pairs_out: Path | None,
           partitions: int | None, workers: int | None, scheduler: str | None,
           mapped_dir: Path | None, force: bool, quiet: bool, verbose: bool) -> None:
    """Find the records of one or more encoded files that are the same person.

    The same as `linkcore link --dedupe FILES`: every pair of distinct records, within
    a file or across files, is scored by one unsupervised model, and the accepted pairs
    are grouped into clusters (agency, id, person). --workers N or --scheduler ADDRESS
    run the pair stages on dask.distributed (the same clusters as without).

    \b
    Example:
      linkcore dedupe a.parquet -o clusters.csv --project-key-file project.key
    """  # noqa: D301
    run_clusters(files, dedupe=True, agency_names=agency_names, clustering=clustering,
                 release_dir=release_dir, shared_counts_path=shared_counts_path,
                 project_key_file=project_key_file, project_key_env=project_key_env,
                 output=output, threshold=threshold, force=force, quiet=quiet, verbose=verbose,
                 partitions=partitions, workers=workers, scheduler=scheduler,
                 mapped_dir=mapped_dir, pairs_out=pairs_out)


# --------------------------------------------------------------------------- the run


def _threshold(text: str) -> float:
    from ..errors import ParameterError

    try:
        t = float(text)
    except ValueError:
        raise ParameterError("--threshold must be a number between 0 and 1") from None
    if not 0.0 <= t <= 1.0 or math.isnan(t):
        raise ParameterError(f"--threshold must be between 0 and 1, got {text}")
    return t


def run_clusters(files: tuple[Path, ...], *, dedupe: bool, agency_names: str | None,
                 clustering: str, release_dir: Path | None, shared_counts_path: Path | None,
                 project_key_file: Path | None, project_key_env: str | None, output: Path,
                 threshold: str, force: bool, quiet: bool, verbose: bool,
                 partitions: int | None = None, workers: int | None = None,
                 scheduler: str | None = None, mapped_dir: Path | None = None,
                 pairs_out: Path | None = None) -> None:
    """Link or link-and-dedupe FILES; write clusters with person ids, releases, counts.

    ``partitions``/``workers``/``scheduler``: where the pair stages run (cli/cluster.py);
    ``mapped_dir``: where filters are kept in memory-mapped scratch files (linkcore/mapped.py).
    """
    from .._io import write_table_atomic
    from ..dataset import check_compatible, read_any, read_head
    from ..errors import ParameterError
    from ..linkage.dedupe import agency_names as _names
    from ..linkage.pipeline import output_format
    from ..linkage.pseudonyms import ProjectKey, release_tables, shared_counts, with_person_ids
    from ..mapped import check_mapped_dir

    setup_logging(verbose)
    t = _threshold(threshold)
    check_partitions(partitions)
    if mapped_dir is not None:
        check_mapped_dir(mapped_dir, files)
    if clustering not in _CLUSTERINGS:
        raise ParameterError(f"--clustering must be one of {', '.join(_CLUSTERINGS)}, "
                             f"not {clustering!r}")
    if clustering != "checked" and not dedupe:
        raise ParameterError("--clustering applies to --dedupe; without it each cluster holds "
                             "at most one record per agency")
    if pairs_out is not None and not dedupe:
        raise ParameterError("--pairs-out applies to --dedupe (or `linkcore dedupe`); two files "
                             "linked without it write their pairs as the matches")
    for i in range(len(files)):
        for j in range(i + 1, len(files)):
            if same_file(files[i], files[j]):
                raise ParameterError(f"files {i + 1} and {j + 1} are the same file ({files[j]}); "
                                     "give each agency's file once")
            if same_content(files[i], files[j]):
                raise ParameterError(f"files {i + 1} and {j + 1} hold the same bytes "
                                     f"({files[j]} is a copy of {files[i]}); give each "
                                     "agency's own file once")
    given = None if agency_names is None else [n.strip() for n in agency_names.split(",")]
    names = _names(list(files), given)
    output_format(output)
    if shared_counts_path is not None:
        output_format(shared_counts_path)
    if pairs_out is not None:
        output_format(pairs_out)
    outputs_map: dict[str, Path | None] = {"-o": output, "--shared-counts": shared_counts_path,
                                           "--pairs-out": pairs_out}
    if release_dir is not None:
        check_release_dir(release_dir, names, {"-o": output,
                                               "--shared-counts": shared_counts_path,
                                               "--pairs-out": pairs_out})
        for name in names:
            outputs_map[f"--release-dir ({name})"] = release_dir / f"release_{name}.csv"
    outputs = RunOutputs(outputs_map, inputs={"FILES": list(files)}, key=project_key_file,
                         force=force, key_option="--project-key-file")
    key = ProjectKey.load(project_key_file, project_key_env)

    # the checks read each file's metadata only; the records are read where they are pooled
    # (one file at a time for --dedupe, so the files and the pool are never all held at once)
    heads = [read_head(f)[0] for f in files]
    for i in range(1, len(heads)):
        check_compatible(heads[0], heads[i], (f"file 1 ({files[0].name})",
                                              f"file {i + 1} ({files[i].name})"))
    key.refuse_holders_key([d.meta.key_check_value for d in heads])
    del heads
    echo = (lambda *_: None) if quiet else click.echo
    with dask_client(workers, scheduler) as client, outputs:
        where = {"engine": "local" if client is None else "dask", "client": client,
                 "partitions": partitions, "progress": not quiet, "mapped_dir": mapped_dir}
        if dedupe:
            result = _run_dedupe(list(files), names, t, clustering, quiet, echo, where)
            clusters = result.clusters
            if pairs_out is not None:
                write_table_atomic(result.pairs, outputs.path("--pairs-out"))
        else:
            clusters = _run_link_many([read_any(f, mapped_dir=mapped_dir) for f in files],
                                      names, t, echo, where)
        people = with_person_ids(clusters, key)
        write_table_atomic(people, outputs.path("-o"))
        releases = release_tables(people)
        if release_dir is not None:
            for name in names:
                table = releases.get(name)
                if table is None:
                    table = people.iloc[:0][["id", "person"]]
                table.to_csv(outputs.path(f"--release-dir ({name})"), index=False)
        counts = None
        if shared_counts_path is not None:
            counts = shared_counts(people, names)
            write_table_atomic(counts, outputs.path("--shared-counts"))
        outputs.commit()
    n_people = int(people["person"].nunique()) if len(people) else 0
    echo(f"wrote {len(people):,} records of {n_people:,} people to {output}")
    if release_dir is not None:
        echo(f"wrote {len(names)} release file(s) to {release_dir} "
             f"({', '.join(f'release_{n}.csv' for n in names)})")
    if counts is not None:
        echo(f"wrote {len(counts)} combination(s) of agencies to {shared_counts_path}")
    if pairs_out is not None:
        echo(f"wrote {len(result.pairs):,} pair(s) at p >= {t:g} to {pairs_out}")


def _run_dedupe(datasets: list, names: list[str], t: float, clustering: str, quiet: bool,
                echo: Any, where: dict[str, Any]):
    from ..linkage.dedupe import link_and_dedupe

    pair_printer = _PairPrinter(quiet)

    def on_stage(stage: str, info: dict[str, Any]) -> None:
        if stage == "load":
            echo("records: " + ", ".join(f"{a} {n:,}" for a, n in info["agencies"].items()))
        elif stage == "blocking":
            for rule in info.get("rules", []):
                echo(f"candidate pairs, rule {rule['rule']}: {rule['pairs']:,}")
            echo(f"candidate pairs (union, each pair of distinct records once): "
                 f"{info['union']:,} (reduction ratio {info['reduction_ratio']:.6f})")
        elif stage in ("train", "score"):
            pair_printer(stage, info)

    result = link_and_dedupe(datasets, names=names, threshold=t, clustering=clustering,
                             on_stage=on_stage, **where)
    summary = result.summary()
    q = result.quality
    echo(f"pairs at p >= {t:g}: {summary['pairs']:,} ({summary['pairs_within_agency']:,} "
         "within one agency)")
    if "blocking_recall" in q:
        echo(blocking_recall_line(q))
    echo(f"estimated precision {_fmt(q.get('precision'))}, recall {_fmt(q.get('recall'))}, "
         f"F1 {_fmt(q.get('f1'))} (model-based, pairs at the threshold, each pair of "
         "records counted once)")
    echo(f"clusters ({clustering}): {summary['clusters']:,}")
    if result.twin_like is not None and result.twin_like.pairs:
        echo(result.twin_like.message())
    return result


def _run_link_many(datasets: list, names: list[str], t: float, echo: Any,
                   where: dict[str, Any]):
    from ..linkage.pipeline import link_many

    echo("records: " + ", ".join(f"{a} {len(d):,}" for a, d in zip(names, datasets,
                                                                    strict=True)))
    result = link_many(datasets, threshold=t, one_per_party=True, names=names, **where)
    for (i, j), res in result.links.items():
        q = res.quality
        echo(f"{names[i]} x {names[j]}: {len(res.matches):,} links at p >= {t:g}; "
             f"estimated precision {_fmt(q.get('precision'))}, recall "
             f"{_fmt(q.get('recall'))}")
    echo(f"clusters (at most one record per agency): {result.n_clusters:,}")
    return result.clusters
