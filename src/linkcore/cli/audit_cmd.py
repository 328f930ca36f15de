"""``linkcore audit``: what an encoded file, or a copy of the linkage unit's store, gives away."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .._io import read_table
from ..errors import InputDataError, ParameterError
from ..holder.keys import load_secret
from ..schema import Mapping, Schema
from ._common import common_options, force_option, guarded, key_options, setup_logging
from .paths import RunOutputs, store_sidecars


@click.command()
@click.argument("data_path", metavar="DATA", required=False, type=click.Path(dir_okay=False))
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False),
              help="The shared linkage schema (JSON); needed with DATA (with --store the "
                   "store's own schema is used, and this one must equal it).")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False),
              help="DATA's column mapping (JSON); with --store, the mapping of every agency "
                   "without --agency-mapping. Default: columns named like the fields, ids in "
                   "column 'id'.")
@key_options
@click.option("--store", "store_path", type=click.Path(dir_okay=False),
              help="Audit a linkage unit's store (`linkcore store`) instead of DATA: every "
                   "agency's encoded records and the store's clusters, as whoever copies it "
                   "holds them.")
@click.option("--agency", "agency_files", nargs=2, multiple=True, metavar="NAME FILE",
              type=(str, click.Path(dir_okay=False)),
              help="With --store: an agency's plaintext extract of the store's last month, to "
                   "score the attacks against (repeat per agency; agencies without one are "
                   "attacked, not scored).")
@click.option("--agency-mapping", "agency_mappings", nargs=2, multiple=True,
              metavar="NAME FILE", type=(str, click.Path(dir_okay=False)),
              help="With --store: the column mapping of an agency's extract.")
@click.option("--reference", "--register", "reference_path", required=True,
              type=click.Path(dir_okay=False),
              help="A public plaintext population (CSV/Parquet) an attacker could hold.")
@click.option("--reference-mapping", "reference_mapping_path", type=click.Path(dir_okay=False),
              help="Column mapping for the reference (default: DATA's mapping).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Also write a self-contained HTML report here.")
@click.option("--fail-on-risk", is_flag=True,
              help="Exit with status 3 when a field is at risk (for scripts and CI).")
@force_option
@common_options
@guarded
def audit(data_path: str | None, schema_path: str | None, mapping_path: str | None,
          key_file: str | None, key_env: str | None, store_path: str | None,
          agency_files: tuple[tuple[str, str], ...],
          agency_mappings: tuple[tuple[str, str], ...], reference_path: str,
          reference_mapping_path: str | None, as_json: bool, report_path: str | None,
          fail_on_risk: bool, force: bool, quiet: bool, verbose: bool) -> None:
    """Attack DATA's encoding as published attacks do; report what they re-identify.

    DATA is encoded exactly as `linkcore encode` would send it, then attacked with only what
    an attacker holds: the encoded file, the public schema and a plaintext reference population
    (--reference). Frequency alignment, bit-pattern mining, similarity-graph matching, (for
    double hashing) the double-hashing pattern attack, and the whole-file attacks -- rebuilt
    salt groups, the cross-view bridge through the CLK, cluster-and-denoise, balancing undone
    from the file, overlaps of records that share a salt, the published attacks inside what
    those rebuild, and a combined (first name, surname, year of birth)
    measure -- are scored against DATA's own values. A field is at risk when any attack beats
    max(chance, chance given what the file reveals trivially, such as sex) by one point,
    or when its structure is one a red-team session broke and the audit does not attack
    (tokens decodable from the file; a value under two salts): AT RISK (structure).
    The output holds rates and counts, never a value. Exit status 2 on bad input; with
    --fail-on-risk, 3 when a field is at risk.

    With --store instead of DATA, the audit attacks what a copy of the store holds: every
    agency's current encoded records together, and the store's person clusters (one row per
    person, classes joined across salts through a person's records, one record's guess given
    to all of the person's records). No key is needed: the store holds the encodings. Each
    --agency gives an agency's plaintext of the stored records, by record id, for the scores.

    \b
    Example:
      linkcore audit agency_a.csv --schema schema.json --mapping mapping_a.json \\
          --key-file shared.key --reference register.csv --report audit.html
      linkcore audit --store people.db --agency a a.csv --agency-mapping a mapping_a.json \\
          --agency b b.csv --agency-mapping b mapping_b.json --register register.csv \\
          --reference-mapping mapping_register.json
    """  # noqa: D301 - click needs the \b (no-rewrap) marker as a real backspace
    from ..audit.report import render_html
    from ..audit.run import run_audit

    setup_logging(verbose)
    if store_path is not None:
        if data_path is not None:
            raise ParameterError("give DATA or --store, not both")
        if key_file is not None or key_env is not None:
            raise ParameterError("--store needs no key: the store holds the encodings (leave "
                                 "out --key-file and --key-env)")
        _audit_store(store_path, schema_path, mapping_path, agency_files, agency_mappings,
                     reference_path, reference_mapping_path, as_json, report_path,
                     fail_on_risk, force, quiet)
        return
    if agency_files or agency_mappings:
        raise ParameterError("--agency and --agency-mapping go with --store")
    if data_path is None:
        raise ParameterError("give DATA (a plaintext file to encode and audit) or --store")
    if schema_path is None:
        raise ParameterError("give the shared schema with --schema")
    outputs = RunOutputs({"--report": report_path}, key=key_file, force=force,
                         inputs={"DATA": data_path, "--schema": schema_path,
                                 "--mapping": mapping_path, "--reference": reference_path,
                                 "--reference-mapping": reference_mapping_path})
    schema = Schema.load(schema_path)
    mapping = Mapping.load(mapping_path) if mapping_path else Mapping.identity(schema)
    reference_mapping = Mapping.load(reference_mapping_path) if reference_mapping_path else None
    secret = load_secret(key_file, key_env)
    if not Path(reference_path).is_file():
        raise InputDataError(f"reference file not found: {reference_path}")
    started = time.perf_counter()
    data = read_table(data_path)
    if len(data) == 0:
        raise InputDataError(f"input file has a header but no records: {data_path}; "
                             "there is nothing to audit")
    reference = read_table(reference_path)
    if len(reference) == 0:
        raise InputDataError(f"reference file has a header but no records: {reference_path}; "
                             "an audit needs a reference population")
    with outputs:
        result = run_audit(data, schema, mapping, secret, reference, reference_mapping)
        if report_path:
            outputs.path("--report").write_text(render_html(result), encoding="utf-8")
        outputs.commit()
    _print_result(result, "records", started, as_json, quiet, report_path, fail_on_risk)


def _read_nonempty(path: str, what: str):  # noqa: ANN202 - a DataFrame
    if not Path(path).is_file():
        raise InputDataError(f"{what} file not found: {path}")
    table = read_table(path)
    if len(table) == 0:
        raise InputDataError(f"{what} file has a header but no records: {path}")
    return table


def _audit_store(store_path: str, schema_path: str | None, mapping_path: str | None,
                 agency_files: tuple[tuple[str, str], ...],
                 agency_mappings: tuple[tuple[str, str], ...], reference_path: str,
                 reference_mapping_path: str | None, as_json: bool, report_path: str | None,
                 fail_on_risk: bool, force: bool, quiet: bool) -> None:
    """``linkcore audit --store``: attack a copy of the store, score against the plaintexts."""
    from ..audit.report import render_html
    from ..audit.store import read_store, run_store_audit

    if not agency_files:
        raise ParameterError("give at least one agency's plaintext with --agency NAME FILE, to "
                             "score the attacks against")
    names = [a for a, _ in agency_files]
    if len(set(names)) != len(names):
        raise ParameterError("an agency is given twice with --agency")
    mapped = [a for a, _ in agency_mappings]
    if len(set(mapped)) != len(mapped):
        raise ParameterError("an agency is given twice with --agency-mapping")
    stray = [a for a in mapped if a not in names]
    if stray:
        raise ParameterError(f"--agency-mapping {stray[0]} has no --agency {stray[0]}")
    outputs = RunOutputs({"--report": report_path}, force=force,
                         inputs={"--store": store_path,
                                 "--store journal": store_sidecars(store_path),
                                 "--schema": schema_path,
                                 "--mapping": mapping_path, "--reference": reference_path,
                                 "--reference-mapping": reference_mapping_path,
                                 "--agency": [f for _, f in agency_files],
                                 "--agency-mapping": [f for _, f in agency_mappings]})
    schema = read_store(store_path).schema
    if schema_path is not None and Schema.load(schema_path).fingerprint != schema.fingerprint:
        raise ParameterError("--schema is not the store's schema (fingerprints differ); leave "
                             "it out to use the store's")
    default = Mapping.load(mapping_path) if mapping_path else Mapping.identity(schema)
    own = {a: Mapping.load(f) for a, f in agency_mappings}
    started = time.perf_counter()
    plaintexts = {a: (_read_nonempty(f, f"agency {a}'s"), own.get(a, default))
                  for a, f in agency_files}
    reference = _read_nonempty(reference_path, "reference")
    reference_mapping = Mapping.load(reference_mapping_path) if reference_mapping_path \
        else default
    with outputs:
        result = run_store_audit(store_path, plaintexts, reference, reference_mapping)
        if report_path:
            outputs.path("--report").write_text(render_html(result), encoding="utf-8")
        outputs.commit()
    _print_result(result, "stored records", started, as_json, quiet, report_path, fail_on_risk)


def _print_result(result, what: str, started: float, as_json: bool, quiet: bool,  # noqa: ANN001
                  report_path: str | None, fail_on_risk: bool) -> None:
    """Print the audit (JSON or a summary) and exit 3 if asked to when a field is at risk."""
    if as_json:
        click.echo(result.to_json(), nl=False)
    elif not quiet:
        click.echo(f"audited {result.records:,} {what} against a reference of "
                   f"{result.reference_records:,} in {time.perf_counter() - started:.1f} s")
        for line in result.summary_lines():
            click.echo(line)
        if report_path:
            click.echo(f"report -> {report_path}")
    if fail_on_risk and result.at_risk:
        raise click.exceptions.Exit(3)
