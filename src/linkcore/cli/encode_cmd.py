"""``linkcore encode``: a data holder turns its table into an encoded file for the linkage unit."""

from __future__ import annotations

import os
import time

import click

from .._io import parquet_table_rows, read_table, read_table_head, table_kind
from ..errors import InputDataError, OutputError
from ..holder.encode import encode_with_report
from ..holder.keys import KeySource, load_secret
from ..schema import Mapping, Schema
from ._common import common_options, force_option, guarded, holder_options, setup_logging
from .cluster import MAX_ENCODE_PARTITIONS, check_partitions, cluster_options, dask_client
from .paths import RunOutputs

#: Parts written when --workers or --scheduler is given without --partitions: at least this
#: many, and enough that none holds more than about PART_RECORDS records (a worker's memory).
DEFAULT_DASK_PARTITIONS = 4
PART_RECORDS = 250_000


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@holder_options
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Encoded file to write (.parquet); with --partitions, a new folder.")
@click.option("--strict", is_flag=True,
              help="Fail if any value cannot be read, instead of encoding it as missing.")
@cluster_options(work="the parts", scheduler_note="workers need the key file (or variable) "
                 "and must write beside the output",
                 partitions_help="Encode in P row ranges and write a partitioned dataset: a "
                                 "folder of P Parquet parts and a manifest (default: one file; "
                                 "with --workers or --scheduler, 4 parts or more, of at most "
                                 "about 250,000 records each).")
@click.option("--processes", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Encode a one-file output in N row ranges on N processes of this machine; "
                   "the same bytes (default 1). Pays off on large tables with costly schemas.")
@force_option
@common_options
@guarded
def encode(input_path: str, schema_path: str, mapping_path: str | None, key_file: str | None,
           key_env: str | None, output: str, strict: bool, partitions: int | None,
           workers: int | None, scheduler: str | None, processes: int | None, force: bool,
           quiet: bool, verbose: bool) -> None:
    """Encode a CSV or Parquet table into keyed Bloom filters (no plaintext leaves).

    Values that cannot be read (an impossible date, a string that is not a postcode) are encoded
    as missing and summarised by field with row numbers, never values; --strict makes them an
    error. The key is read from --key-file or an environment variable, never from the command
    line. --partitions P encodes P row ranges as separate tasks (--workers N or --scheduler
    ADDRESS run them on dask.distributed) and writes a folder that `linkcore link` reads; its
    records are those of the one-file output, bit for bit. In parts, INPUT is read by the tasks,
    each its own rows (this process reads only its ids; a CSV it cannot cut at record ends, here
    whole).

    \b
    Example:
      linkcore encode agency_a.csv --schema schema.json --mapping mapping_a.json \\
          --key-file shared.key -o agency_a.linkcore.parquet
      linkcore encode agency_a.csv --schema schema.json --mapping mapping_a.json \\
          --key-file shared.key -o agency_a.linkcore --partitions 8 --workers 2
    """  # noqa: D301
    setup_logging(verbose)
    on_dask = workers is not None or scheduler is not None
    check_partitions(partitions, MAX_ENCODE_PARTITIONS)
    partitioned = partitions is not None or on_dask
    if partitioned and processes is not None:
        raise click.UsageError("--processes applies to a one-file output; with --partitions, "
                               "--workers or --scheduler the parts are the tasks")
    if partitioned and os.path.lexists(output):
        raise OutputError(f"-o {output} already exists; a partitioned dataset is never "
                          "replaced (not even with --force): remove it or choose another name")
    outputs = RunOutputs({"-o": output}, force=force, key=key_file,
                         inputs={"INPUT": input_path, "--schema": schema_path,
                                 "--mapping": mapping_path})
    if not partitioned and not str(output).lower().endswith(".parquet"):
        raise click.UsageError(f"-o {output} must name a .parquet file (an encoded file is "
                               "Parquet, and `linkcore link` reads it by that suffix); with "
                               "--partitions, a new folder")
    schema = Schema.load(schema_path)
    mapping = Mapping.load(mapping_path) if mapping_path else None
    secret = load_secret(key_file, key_env)
    started = time.perf_counter()
    # in parts, the tasks read the table, each its own rows; in one process, read here whole
    df = read_table_head(input_path) if partitioned else read_table(input_path)
    if len(df) == 0:
        raise InputDataError(f"input file has a header but no records: {input_path}")
    if partitioned:
        from ..holder.encode_parts import CsvTable, ParquetTable, encode_partitioned

        if partitions is None:
            partitions = _default_partitions(input_path)
        source = KeySource(None if key_file is None else os.path.abspath(key_file), key_env)
        with dask_client(workers, scheduler) as client, outputs:
            table = (ParquetTable if table_kind(input_path) == "parquet" else CsvTable)(
                input_path)
            manifest, report = encode_partitioned(
                table, schema, secret if client is None else source, outputs.path("-o"), mapping,
                partitions=partitions, engine="local" if client is None else "dask",
                client=client, strict=strict, progress=not quiet)
            _refuse_nothing_to_link(report.missing_counts, manifest.record_count, input_path)
            outputs.commit()
        records, kcv = manifest.record_count, manifest.key_check_value
        where = f"{output} ({len(manifest.parts)} parts)"
    else:
        with outputs:
            dataset, report = encode_with_report(df, schema, secret, mapping, strict=strict,
                                                 progress=not quiet,
                                                 processes=processes or 1)
            _refuse_nothing_to_link(report.missing_counts, len(dataset), input_path)
            dataset.write(outputs.path("-o"))
            outputs.commit()
        records, kcv, where = len(dataset), dataset.meta.key_check_value, output
    elapsed = time.perf_counter() - started
    if not quiet:
        click.echo(f"encoded {records:,} records ({len(schema.fields)} fields"
                   f"{' + CLK' if schema.clk else ''}) in {elapsed:.1f} s -> {where}")
        click.echo(f"schema fingerprint {schema.fingerprint[:16]}…, "
                   f"key check value {kcv}")
        for name, count in report.missing_counts.items():
            unsalted = report.unsalted_counts.get(name, 0)
            if count:
                why = f" ({unsalted:,} of them have a value but no salt)" if unsalted else ""
                click.echo(f"  {name}: {count:,} missing{why}")
        for line in report.summary_lines():
            click.echo(f"  warning: {line}")


def _refuse_nothing_to_link(missing: dict[str, int], records: int, input_path: str) -> None:
    """Refuse a table none of whose records has a value the schema can read (nothing to link)."""
    if records and missing and all(count >= records for count in missing.values()):
        raise InputDataError(
            f"no record of {input_path} has a value the schema can read in any field (every "
            "field is missing or unreadable): check --mapping, which names the columns that "
            "hold each field")


def _default_partitions(input_path: str) -> int:
    """Parts for a cluster run: 4, or more so that none holds more than about PART_RECORDS."""
    from .._csv_ranges import estimated_rows

    rows = parquet_table_rows(input_path) if table_kind(input_path) == "parquet" else \
        estimated_rows(input_path)
    return max(DEFAULT_DASK_PARTITIONS, -(-rows // PART_RECORDS))
