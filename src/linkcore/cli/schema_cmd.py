"""``linkcore schema``: suggest a schema and mapping from a table, validate, fingerprint."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from .._io import read_table
from ..errors import InputDataError, LinkcoreError, ParameterError, SchemaError
from ..schema import Mapping, Schema
from ._common import EXIT_BAD_INPUT, common_options, force_option, guarded, setup_logging
from .paths import RunOutputs

# Above this share of sampled values that do not normalise, `validate` calls the mapping wrong
# (a date format or column mix-up); above NOTE_SHARE it prints a note.
PROBLEM_SHARE = 0.5
NOTE_SHARE = 0.05
VALIDATE_SAMPLE = 2000


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def schema() -> None:
    """Suggest, check and fingerprint a linkage schema and a holder's column mapping.

    \b
    Examples:
      linkcore schema suggest extract.csv -o schema.json --mapping-out mapping.json
      linkcore schema suggest extract.csv --schema shared.json -o mapping.json
      linkcore schema validate schema.json --mapping mapping.json --data extract.csv
      linkcore schema fingerprint schema.json
    """  # noqa: D301


WHOLE_POSTCODE_HELP = ("Key the postcode, its blocking key and the names' postcode views on the "
                       "whole postcode, not the postcode with the first name's initial: more "
                       "true pairs found (people whose first name differs or is missing), but "
                       "the size of a large address's class can name it (docs/parameters.md).")


SALTS_HELP = ("--one-salt (the default): salt each name with one field only (the date of birth "
              "where there is one), so that the names' salt groups cannot be chained. "
              "--two-salts: also encode each name salted with the postcode and its initial "
              "(views `<name>_by_postcode`), which finds more people whose date of birth is "
              "missing or wrong, at a measured cost in privacy: the two families of salt groups "
              "can be chained, and `linkcore audit` marks the names AT RISK "
              "(docs/parameters.md, 'One salt family').")


#: A column name with this many digits in a row is a value (a record id, an NI or NHS number,
#: a telephone number), not a name: the file has no header row.
HEADER_DIGITS = re.compile(r"[0-9]{5}")


def _shape(text: str) -> str:
    """Return a value's shape: runs of capitals, small letters and digits as A, a and 9."""
    return re.sub(r"[0-9]+", "9", re.sub(r"[a-z]+", "a", re.sub(r"[A-Z]+", "A", text)))


def _shaped_like_its_values(name: str, column: Any) -> bool:
    """Whether a column name holding a digit has the shape of most of the column's values.

    ``ID-4471`` over ids ``ID-0001``, ``ID-0002``... is a record's id, not a name; names with a
    digit (``address_line_1``) are not shaped like their values.
    """
    if not any(c.isdigit() for c in name):
        return False
    values = [str(v) for v in column.dropna().head(200) if str(v).strip()]
    shape = _shape(name)
    return bool(values) and sum(_shape(v) == shape for v in values) * 2 > len(values)


def _refuse_headerless(df: Any, path: str) -> None:
    """Refuse a table whose column names read as values: its header row is a record.

    A date, a postcode, or five digits in a row where a column's name should be. Without a
    header row the first record's values would be column names, printed in the summary and
    written into the mapping.
    """
    from ..holder.normalize import INVALID, normalise_postcode, parse_date_auto

    for name in df.columns:
        text = str(name)
        if HEADER_DIGITS.search(text) or _shaped_like_its_values(text, df[name]) or any(
                read(text) not in (None, INVALID) for read in (parse_date_auto,
                                                              normalise_postcode)):
            raise InputDataError(f"the first row of {path} looks like a record, not column "
                                 "names (a date, a postcode, a number or an id where a "
                                 "column's name should be); give the file a header row")


@schema.command("suggest")
@click.argument("data", type=click.Path(dir_okay=True))
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Schema file to write (or, with --schema, the mapping file).")
@click.option("--mapping-out", type=click.Path(),
              help="Mapping file to write beside the suggested schema.")
@click.option("--schema", "shared_schema", type=click.Path(),
              help="An agreed schema: suggest only this holder's mapping onto it.")
@click.option("--sample-size", type=int, default=2000, show_default=True,
              help="Non-empty values sampled per column to judge its contents.")
@click.option("--whole-postcode", is_flag=True, help=WHOLE_POSTCODE_HELP)
@click.option("--one-salt/--two-salts", "one_salt", default=None, help=SALTS_HELP)
@force_option
@common_options
@guarded
def suggest(data: str, output: str, mapping_out: str | None, shared_schema: str | None,
            sample_size: int, whole_postcode: bool, one_salt: bool | None, force: bool,
            quiet: bool,
            verbose: bool) -> None:
    """Propose a schema and this holder's column mapping from DATA (CSV or Parquet).

    Each column's role comes from its name and its contents (dates and their format, UK
    postcodes, sex codes, NI numbers, unique ids). Review both files before sharing the schema:
    the schema goes to every party, the mapping stays with you. The summary names columns, kinds
    and shares, never a value from the data.

    \b
    Examples:
      linkcore schema suggest extract.csv -o schema.json --mapping-out mapping.json
      linkcore schema suggest extract.csv --schema shared.json -o mapping.json
    """  # noqa: D301
    setup_logging(verbose)
    from ..holder.suggest import suggest_mapping, suggest_schema

    if sample_size < 100:
        raise ParameterError(f"--sample-size must be at least 100 (got {sample_size})")
    if shared_schema is not None:
        if mapping_out is not None:
            raise ParameterError("with --schema, -o is the mapping file; drop --mapping-out")
        salts = {True: "--one-salt", False: "--two-salts", None: None}[one_salt]
        for flag, given in (("--whole-postcode", whole_postcode), (salts, one_salt is not None)):
            if given:
                raise ParameterError(f"{flag} shapes a new schema; with --schema the agreed "
                                     "one is kept, so drop it")
        outputs = RunOutputs({"-o": output}, force=force,
                             inputs={"DATA": data, "--schema": shared_schema})
        agreed = Schema.load(shared_schema)
        df = read_table(data)
        _refuse_headerless(df, data)
        mapping, reasons = suggest_mapping(df, agreed, sample_size=sample_size)
        _write_all(outputs, {"-o": mapping.to_json()})
        if not quiet:
            _echo_summary(reasons)
            click.echo(f"wrote the mapping to {output} for schema {agreed.fingerprint[:16]}…; "
                       "review it, then encode with it")
        return
    if mapping_out is None:
        raise ParameterError("give --mapping-out MAPPING.json for the suggested mapping "
                             "(or --schema SHARED.json to map onto an agreed schema)")
    outputs = RunOutputs({"-o": output, "--mapping-out": mapping_out}, force=force,
                         inputs={"DATA": data})
    df = read_table(data)
    _refuse_headerless(df, data)
    suggested, mapping, reasons = suggest_schema(df, sample_size=sample_size,
                                                 whole_postcode=whole_postcode,
                                                 one_salt=one_salt is not False)
    _write_all(outputs, {"-o": suggested.to_json(), "--mapping-out": mapping.to_json()})
    if not quiet:
        _echo_summary(reasons)
        click.echo(f"wrote the schema to {output} (fingerprint {suggested.fingerprint[:16]}…) "
                   f"and the mapping to {mapping_out}; review both before sharing the schema")


@schema.command("merge")
@click.argument("proposals", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The schema file to write for every holder.")
@click.option("--min-holders", type=int, default=2, show_default=True,
              help="Keep a field when at least this many proposals hold it (all of them when "
                   "there are fewer proposals); an identifier is kept when any holds it.")
@click.option("--whole-postcode", is_flag=True, help=WHOLE_POSTCODE_HELP)
@click.option("--one-salt/--two-salts", "one_salt", default=None, help=SALTS_HELP)
@force_option
@common_options
@guarded
def merge(proposals: tuple[str, ...], output: str, min_holders: int, whole_postcode: bool,
          one_salt: bool | None, force: bool, quiet: bool, verbose: bool) -> None:
    """Make one schema for several holders from the schemas each suggested from its own extract.

    A field is kept when at least --min-holders of the PROPOSALS hold it (a field one agency
    alone holds links it to nobody), an identifier (NHS or NI number) when any proposal holds it
    (it tells that agency's duplicates from twins and namesakes); the design is then made afresh
    for the fields kept. Only
    schema files are read: no holder shows another its data. Each holder then maps its extract
    onto the result with `schema suggest DATA --schema SCHEMA`.

    \b
    Example:
      linkcore schema merge health.json council.json schools.json housing.json -o schema.json
    """  # noqa: D301
    setup_logging(verbose)
    from ..holder.suggest import merge_suggestions

    if min_holders < 1:
        raise ParameterError(f"--min-holders must be at least 1 (got {min_holders})")
    seen = [Path(p).resolve() for p in proposals]
    if len(set(seen)) < len(seen):
        raise ParameterError("a proposal is given twice; give each holder's proposal once")
    inputs = {f"PROPOSAL {k + 1}": p for k, p in enumerate(proposals)}
    outputs = RunOutputs({"-o": output}, force=force, inputs=inputs)
    merged, reasons = merge_suggestions([Schema.load(p) for p in proposals], min_holders,
                                        whole_postcode=whole_postcode,
                                        one_salt=one_salt is not False)
    _write_all(outputs, {"-o": merged.to_json()})
    if not quiet:
        _echo_summary(reasons)
        click.echo(f"wrote the schema to {output} (fingerprint {merged.fingerprint[:16]}…); "
                   "each holder maps onto it with `linkcore schema suggest DATA --schema "
                   f"{output}`")


def _write_all(outputs: RunOutputs, texts: dict[str, str]) -> None:
    """Write every file or none: staged aside, renamed into place together."""
    with outputs:
        for label, text in texts.items():
            outputs.path(label).write_text(text, encoding="utf-8")
        outputs.commit()


def _echo_summary(reasons: list[str]) -> None:
    for line in reasons:
        click.echo(f"  {line}")


@schema.command("validate")
@click.argument("schema_file", metavar="SCHEMA", type=click.Path())
@click.option("--mapping", "mapping_file", type=click.Path(),
              help="A holder's mapping to check against the schema.")
@click.option("--data", "data_file", type=click.Path(),
              help="The holder's table (CSV or Parquet) to check against the mapping.")
@common_options
@guarded
def validate(schema_file: str, mapping_file: str | None, data_file: str | None,
             quiet: bool, verbose: bool) -> None:
    """Check a schema, and optionally a mapping and the data it maps; print OK or every problem.

    With --data, also checks that the id column is unique and that sampled values of each date,
    postcode and sex field normalise with the mapping's formats. Exit status 2 on any problem.

    \b
    Examples:
      linkcore schema validate schema.json
      linkcore schema validate schema.json --mapping mapping.json --data extract.csv
    """  # noqa: D301
    setup_logging(verbose)
    if data_file is not None and mapping_file is None:
        raise ParameterError("--data needs --mapping (the mapping says which columns to check)")
    problems: list[str] = []
    notes: list[str] = []
    loaded: Schema | None = None
    mapping: Mapping | None = None
    try:
        loaded = Schema.load(schema_file)
    except SchemaError as exc:
        problems += [f"schema: {p}" for p in exc.problems]
    if mapping_file is not None:
        try:
            mapping = Mapping.load(mapping_file)
            if loaded is not None:
                mapping.check_schema(loaded)
        except LinkcoreError as exc:
            problems.append(str(exc))
    if data_file is not None and mapping is not None:
        try:
            df = read_table(data_file)
            mapping.check_columns(df.columns)
        except LinkcoreError as exc:
            problems.append(str(exc))
        else:
            if len(df) == 0:  # as encode refuses it
                problems.append(f"the data file has a header but no records: {data_file}")
            else:
                _check_data(df, loaded, mapping, problems, notes)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if len(problems) == 1:
        click.echo(f"error: {problems[0]}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if problems:
        for p in problems:
            click.echo(f"problem: {p}", err=True)
        click.echo(f"error: {len(problems)} problems found", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if loaded is None:  # pragma: no cover - a schema that failed to load is a problem above
        return
    parts = [f"OK: schema {schema_file} is valid ({len(loaded.fields)} fields, "
             f"{len(loaded.blocking_keys)} blocking keys, fingerprint {loaded.fingerprint})"]
    if mapping is not None:
        parts.append(f"the mapping fits it (id column {mapping.id_column!r})")
    if data_file is not None:
        parts.append(f"the data has every mapped column ({len(df):,} rows)")
    if not quiet:
        click.echo("; ".join(parts))


def _check_data(df, schema_: Schema | None, mapping: Mapping, problems: list[str],
                notes: list[str]) -> None:
    """Check the id column and how many sampled values of each checkable field fail to normalise."""
    from ..holder.normalize import INVALID, field_text, normaliser_for, read_date_cell
    from ..holder.suggest import present_cells

    ids = df[mapping.id_column]
    empty = int(ids.isna().sum())
    repeated = int(ids.dropna().duplicated().sum())
    if empty or repeated:
        problems.append(f"id column {mapping.id_column!r} must be unique and non-empty "
                        f"({empty:,} empty, {repeated:,} repeated values)")
    if schema_ is None:
        return
    unheld = [name for name, src in mapping.sources
              if not src.columns and name in schema_.field_names]
    if unheld:  # legitimate when the holder lacks them, but a column left unmapped looks alike
        notes.append(f"field(s) {', '.join(unheld)} not held (mapped to null): encoded as missing "
                     "in every record, so no record of yours can agree on them with another "
                     "holder's; if a column holds one, map it")
    for name, src in mapping.sources:
        if name not in schema_.field_names:
            continue
        spec = schema_.field(name)
        if spec.kind not in ("date", "postcode", "sex") or not src.columns:
            continue
        norm = normaliser_for(spec.kind, spec.normalise_options, src.date_format,
                              dict(src.values) or None)
        for col in src.columns:
            values = present_cells(df[col])[:VALIDATE_SAMPLE]
            if not values:
                notes.append(f"field {name!r}: column {col!r} is empty")
                continue
            read = ((lambda v, n=norm: read_date_cell(v, n)) if spec.kind == "date"
                    else (lambda v, n=norm: n(field_text(v))))
            bad = sum(read(v) is INVALID for v in values) / len(values)
            what = (f"field {name!r}: {bad:.0%} of {len(values):,} values in column {col!r} are "
                    f"not valid {spec.kind} values"
                    + (f" with date_format {src.date_format!r}" if spec.kind == "date" else ""))
            if bad > PROBLEM_SHARE:
                problems.append(what + " (wrong column or format?)")
            elif bad > NOTE_SHARE:
                notes.append(what + " (they will be encoded as missing)")


@schema.command("fingerprint")
@click.argument("schema_file", metavar="SCHEMA", type=click.Path())
@common_options
@guarded
def fingerprint(schema_file: str, quiet: bool, verbose: bool) -> None:
    """Print the schema's fingerprint (SHA-256 of its canonical form).

    Every party should see the same fingerprint before encoding: it proves that all of them
    use the same schema, whatever its key order or whitespace.

    \b
    Example:
      linkcore schema fingerprint schema.json
    """  # noqa: D301
    setup_logging(verbose)
    click.echo(Schema.load(schema_file).fingerprint)


__all__ = ["schema"]
