"""``linkcore store``: a linked population kept between runs (create, add-month, release, history).

The store (linkage/store.py) is one SQLite file; every command that changes it runs as one
transaction, so an interrupted run leaves the previous month. The project key comes from a
file or an environment variable, never from the command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ._common import common_options, force_option, guarded, setup_logging
from .paths import RunOutputs, check_release_dir, same_file, store_sidecars

_STORE = click.argument("store_path", metavar="STORE",
                        type=click.Path(path_type=Path, dir_okay=False))


def _key_options(func: Any) -> Any:
    func = click.option("--project-key-env", default=None, metavar="VAR",
                        help="Read the project key from this environment variable "
                             "(default LINKCORE_PROJECT_KEY).")(func)
    func = click.option("--project-key-file", type=click.Path(path_type=Path, dir_okay=False),
                        help="The linkage unit's own key for person ids (from `linkcore "
                             "keygen`). Default: LINKCORE_PROJECT_KEY.")(func)
    return func


@click.group("store")
def store() -> None:
    """Keep a linked population between runs: create, add-month, release, history, info.

    \b
    Example:
      linkcore store create people.db --schema-from a.parquet --project-key-file project.key
      linkcore store add-month people.db --month 2026-01 --agency a a.parquet \\
          --new-agency a --project-key-file project.key
      linkcore store release people.db --release-dir release/
    """  # noqa: D301


@store.command("create")
@_STORE
@click.option("--schema-from", "schema_from", required=True, type=click.Path(path_type=Path),
              help="An encoded file (or partitioned folder) of the agencies' schema and key "
                   "(its records are not stored).")
@click.option("--threshold", type=str, default="0.5", show_default=True,
              help="Accept pairs whose match probability is at least this (0 to 1).")
@click.option("--clustering", type=str, default="checked", show_default=True,
              help="checked, components or one-per-agency (as `linkcore dedupe`).")
@click.option("--links", type=str, default="kept", show_default=True,
              help="When a record comes back with other values under its id: kept (its links "
                   "stay while both records are present) or rescored (its pairs are scored "
                   "again from the new values alone; a month then equals a full re-link).")
@_key_options
@common_options
@guarded
def create(store_path: Path, schema_from: Path, threshold: str, clustering: str, links: str,
           project_key_file: Path | None, project_key_env: str | None, quiet: bool,
           verbose: bool) -> None:
    """Create an empty store for files of one schema and key.

    \b
    Example:
      linkcore store create people.db --schema-from a.parquet --project-key-file project.key
    """  # noqa: D301
    from ..dataset import read_any
    from ..linkage import store as st
    from ..linkage.pseudonyms import ProjectKey
    from .link_many_cmd import _threshold

    setup_logging(verbose)
    t = _threshold(threshold)
    key = ProjectKey.load(project_key_file, project_key_env)
    st.create(store_path, read_any(schema_from), key, threshold=t, clustering=clustering,
              links=links)
    if not quiet:
        click.echo(f"created {store_path} (format version {st.FORMAT_VERSION}, threshold "
                   f"{t:g}, clustering {clustering}, links {links})")


@store.command("add-month")
@_STORE
@click.option("--month", required=True, help="The month of these extracts, YYYY-MM; later than "
              "the store's last month.")
@click.option("--agency", "agency_files", nargs=2, multiple=True, required=True,
              metavar="NAME FILE", type=(str, click.Path(path_type=Path)),
              help="An agency's full current extract (an encoded file, or the folder of "
                   "`encode --partitions`); repeat per agency. An agency without a file this "
                   "month keeps its records.")
@click.option("--new-agency", "new_agencies", multiple=True, metavar="NAME",
              help="An agency that joins the store this month (repeat per agency).")
@click.option("--allow-large-change", is_flag=True,
              help="Apply a file that withdraws or changes more than half of the records the "
                   "store holds for its agency (refused otherwise: nearly always a wrong or "
                   "cut-off file).")
@_key_options
@common_options
@guarded
def add_month(store_path: Path, month: str, agency_files: tuple[tuple[str, Path], ...],
              new_agencies: tuple[str, ...], allow_large_change: bool,
              project_key_file: Path | None, project_key_env: str | None, quiet: bool,
              verbose: bool) -> None:
    """Add one month's extracts: new records added, changed ones updated, absent ones withdrawn.

    Only new and changed records are linked (against everything stored); person ids stay
    with their people; merges and splits go into the history. One transaction: an
    interrupted run leaves the store as it was.

    \b
    Example:
      linkcore store add-month people.db --month 2026-02 --agency a a_feb.parquet \\
          --agency d d_feb.parquet --new-agency d --project-key-file project.key
    """  # noqa: D301
    from ..dataset import read_any
    from ..errors import ParameterError
    from ..linkage import store as st
    from ..linkage.pseudonyms import ProjectKey

    setup_logging(verbose)
    names = [a for a, _ in agency_files]
    if len(set(names)) != len(names):
        raise ParameterError("an agency is given twice with --agency; give one file per agency")
    for _, f in agency_files:
        if store_path.exists() and same_file(f, store_path):
            raise ParameterError("an --agency file is the store itself; give the encoded file")
    for i, (a, f) in enumerate(agency_files):
        for b, g in agency_files[i + 1:]:
            if same_file(f, g):
                raise ParameterError(f"agencies {a} and {b} are given the same file; give each "
                                     "agency its own extract")
    key = ProjectKey.load(project_key_file, project_key_env)
    files = {a: read_any(f) for a, f in agency_files}
    report = st.update(store_path, month, files, key, new_agencies=new_agencies,
                       allow_large_change=allow_large_change)
    if quiet:
        return
    for a in names:
        click.echo(f"{a}: {report.added[a]:,} added, {report.changed[a]:,} changed, "
                   f"{report.withdrawn[a]:,} withdrawn")
    how = "first month: every pair linked" if report.full_link else \
        "new and changed records linked against the population"
    click.echo(f"{month}: {how}; {report.pairs_scored:,} pairs scored, {report.links_added:,} "
               f"links added, {report.links_removed:,} removed; {report.records_reclustered:,} "
               "records reclustered")
    click.echo(f"people: {report.people:,} ({report.new_people:,} new, {report.merges:,} "
               f"merges, {report.splits:,} splits, {report.ended:,} ended, "
               f"{report.reregistered:,} re-registered); records {report.records:,}")
    if verbose:  # where the month's time went, for a linkage unit that measures its cost
        click.echo("steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in report.timings.items()))


@store.command("release")
@_STORE
@click.option("--release-dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Write release_<agency>.csv per agency: its own record ids and their "
                   "person ids, nothing about other agencies.")
@click.option("--shared-counts", "shared_counts_path",
              type=click.Path(path_type=Path, dir_okay=False),
              help="Write the number of people per combination of agencies (counts only), "
                   ".csv or .parquet.")
@click.option("--clusters", "clusters_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write every record's (agency, id, person) here (.csv or .parquet), "
                   "for the linkage unit itself (`linkcore evaluate` reads it); never send it "
                   "to an agency.")
@force_option
@common_options
@guarded
def release(store_path: Path, release_dir: Path, shared_counts_path: Path | None,
            clusters_path: Path | None, force: bool, quiet: bool, verbose: bool) -> None:
    """Write each agency's release file (and shared counts) from the store's current month.

    \b
    Example:
      linkcore store release people.db --release-dir release/ --shared-counts shared.csv
    """  # noqa: D301
    from .._io import write_table_atomic
    from ..linkage import store as st
    from ..linkage.pipeline import output_format
    from ..linkage.pseudonyms import release_tables, shared_counts

    setup_logging(verbose)
    agencies = st.info(store_path)["agencies"]
    if not agencies:
        from ..errors import ParameterError

        raise ParameterError("the store holds no month yet, so there is nothing to release; "
                             "add one with `linkcore store add-month`")
    people = st.people(store_path)
    check_release_dir(release_dir, agencies, {"--shared-counts": shared_counts_path,
                                              "--clusters": clusters_path})
    outputs_map: dict[str, Path | None] = {"--shared-counts": shared_counts_path,
                                           "--clusters": clusters_path}
    for name in agencies:
        outputs_map[f"--release-dir ({name})"] = release_dir / f"release_{name}.csv"
    # person-level files: readable by their owner only, as link and dedupe write theirs
    outputs = RunOutputs(outputs_map, inputs={"STORE": store_path,
                                              "STORE journal": store_sidecars(store_path)},
                         force=force)
    for table_path in (shared_counts_path, clusters_path):
        if table_path is not None:
            output_format(table_path)  # after the paths' checks: a key named here says so
    with outputs:
        tables = release_tables(people)
        for name in agencies:
            table = tables.get(name, people.iloc[:0][["id", "person"]])
            table.to_csv(outputs.path(f"--release-dir ({name})"), index=False)
        if shared_counts_path is not None:
            write_table_atomic(shared_counts(people, agencies), outputs.path("--shared-counts"))
        if clusters_path is not None:
            write_table_atomic(people, outputs.path("--clusters"))
        outputs.commit()
    if not quiet:
        click.echo(f"wrote {len(agencies)} release file(s) to {release_dir} "
                   f"({', '.join(f'release_{n}.csv' for n in agencies)})")


@store.command("history")
@_STORE
@common_options
@guarded
def history(store_path: Path, quiet: bool, verbose: bool) -> None:
    """Print merges, splits and ends of person ids as CSV: month, event, person, other, probability.

    --quiet changes nothing here: the table is the output.

    \b
    Example:
      linkcore store history people.db > history.csv
    """  # noqa: D301
    from ..linkage import store as st

    setup_logging(verbose)

    table = st.history(store_path)
    click.echo(table.to_csv(index=False), nl=False)


@store.command("info")
@_STORE
@common_options
@guarded
def info(store_path: Path, quiet: bool, verbose: bool) -> None:
    """Print the store's public facts (format, agencies, last month, counts) as JSON.

    --quiet changes nothing here: the JSON is the output.

    \b
    Example:
      linkcore store info people.db
    """  # noqa: D301
    from ..linkage import store as st

    setup_logging(verbose)

    facts = st.info(store_path)
    facts["months"] = st.months(store_path).to_dict(orient="records")
    click.echo(json.dumps(facts, indent=2))
