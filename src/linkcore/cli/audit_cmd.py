"""``linkcore audit``: a data holder's own check, before sending, of what its file gives away."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .._io import read_table
from ..errors import InputDataError
from ..holder.keys import load_secret
from ..schema import Mapping, Schema
from ._common import common_options, force_option, guarded, holder_options, setup_logging
from .paths import RunOutputs


@click.command()
@click.argument("data_path", metavar="DATA", type=click.Path(dir_okay=False))
@holder_options
@click.option("--reference", "reference_path", required=True, type=click.Path(dir_okay=False),
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
def audit(data_path: str, schema_path: str, mapping_path: str | None, key_file: str | None,
          key_env: str | None, reference_path: str, reference_mapping_path: str | None,
          as_json: bool, report_path: str | None, fail_on_risk: bool, force: bool, quiet: bool,
          verbose: bool) -> None:
    """Attack DATA's encoding as published attacks do; report what they re-identify.

    DATA is encoded exactly as `linkcore encode` would send it, then attacked with only what
    an attacker holds: the encoded file, the public schema and a plaintext reference population
    (--reference). Frequency alignment, bit-pattern mining, similarity-graph matching, (for
    double hashing) the double-hashing pattern attack, and the whole-file attacks -- rebuilt
    salt groups, the cross-view bridge through the CLK, cluster-and-denoise, the published
    attacks inside what those rebuild, and a combined (first name, surname, year of birth)
    measure -- are scored against DATA's own values. A field is at risk when any attack beats
    max(chance, chance given what the file reveals trivially, such as sex) by one point.
    The output holds rates and counts, never a value. Exit status 2 on bad input; with
    --fail-on-risk, 3 when a field is at risk.

    \b
    Example:
      linkcore audit agency_a.csv --schema schema.json --mapping mapping_a.json \\
          --key-file shared.key --reference register.csv --report audit.html
    """  # noqa: D301 - click needs the \b (no-rewrap) marker as a real backspace
    from ..audit.report import render_html
    from ..audit.run import run_audit

    setup_logging(verbose)
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
    if as_json:
        click.echo(result.to_json(), nl=False)
    elif not quiet:
        click.echo(f"audited {result.records:,} records against a reference of "
                   f"{result.reference_records:,} in {time.perf_counter() - started:.1f} s")
        for line in result.summary_lines():
            click.echo(line)
        if report_path:
            click.echo(f"report -> {report_path}")
    if fail_on_risk and result.at_risk:
        raise click.exceptions.Exit(3)
