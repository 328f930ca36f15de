"""``linkcore encode``: a data holder turns its table into an encoded file for the linkage unit."""

from __future__ import annotations

import time

import click

from .._io import read_table
from ..errors import InputDataError
from ..holder.encode import encode_with_report
from ..holder.keys import load_secret
from ..schema import Mapping, Schema
from ._common import common_options, force_option, guarded, holder_options, setup_logging
from .paths import RunOutputs


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@holder_options
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Encoded file to write (.parquet).")
@click.option("--strict", is_flag=True,
              help="Fail if any value cannot be read, instead of encoding it as missing.")
@force_option
@common_options
@guarded
def encode(input_path: str, schema_path: str, mapping_path: str | None, key_file: str | None,
           key_env: str | None, output: str, strict: bool, force: bool, quiet: bool,
           verbose: bool) -> None:
    """Encode a CSV or Parquet table into keyed Bloom filters (no plaintext leaves).

    Values that cannot be read (an impossible date, a string that is not a postcode) are encoded
    as missing and summarised by field with row numbers, never values; --strict makes them an
    error. The key is read from --key-file or an environment variable, never from the command
    line.

    \b
    Example:
      linkcore encode agency_a.csv --schema schema.json --mapping mapping_a.json \\
          --key-file shared.key -o agency_a.linkcore.parquet
    """  # noqa: D301
    setup_logging(verbose)
    outputs = RunOutputs({"-o": output}, force=force, key=key_file,
                         inputs={"INPUT": input_path, "--schema": schema_path,
                                 "--mapping": mapping_path})
    schema = Schema.load(schema_path)
    mapping = Mapping.load(mapping_path) if mapping_path else None
    secret = load_secret(key_file, key_env)
    started = time.perf_counter()
    df = read_table(input_path)
    if len(df) == 0:
        raise InputDataError(f"input file has a header but no records: {input_path}")
    with outputs:
        dataset, report = encode_with_report(df, schema, secret, mapping, strict=strict,
                                             progress=not quiet)
        dataset.write(outputs.path("-o"))
        outputs.commit()
    elapsed = time.perf_counter() - started
    if not quiet:
        click.echo(f"encoded {len(dataset):,} records ({len(schema.fields)} fields"
                   f"{' + CLK' if schema.clk else ''}) in {elapsed:.1f} s -> {output}")
        click.echo(f"schema fingerprint {schema.fingerprint[:16]}…, "
                   f"key check value {dataset.meta.key_check_value}")
        for name, count in report.missing_counts.items():
            if count:
                click.echo(f"  {name}: {count:,} missing")
        for line in report.summary_lines():
            click.echo(f"  warning: {line}")
