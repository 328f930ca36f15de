"""``linkcore synth``: write a synthetic population's agency extracts and their truth."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ParameterError
from ._common import common_options, force_option, guarded, setup_logging
from .paths import RunOutputs

#: Fewest people ``synth`` makes: fewer leave an agency's extract empty, which no command reads.
MIN_PEOPLE = 10
#: Most people ``synth`` makes in one run: it holds the population in memory (1.4 GB at 10^6,
#: 2026-12-07), so 10^7 fits this kind of machine; benchmarks/link_large.py makes larger
#: populations in chunks through the API.
MAX_PEOPLE = 10_000_000
#: Most agencies: every pair of extracts is compared for the truth (100 agencies of 100 people
#: took 7 s, 1,000 more than a minute).
MAX_AGENCIES = 50


def _refuse_foreign_manifest(path: Path) -> None:
    """Refuse a folder whose manifest.json synth did not write (a partitioned dataset's)."""
    if not path.is_file():
        return
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        doc = None
    if not isinstance(doc, dict) or doc.get("generator") != "linkcore synth":
        raise ParameterError(f"{path.parent} holds a manifest.json that linkcore synth did not "
                             "write (a partitioned dataset?); synth never replaces it (not even "
                             "with --force): choose another folder")


def _parse_rates(items: tuple[str, ...]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            rates[name.strip()] = float(value)
        except ValueError:
            raise ParameterError("--rate takes NAME=VALUE, e.g. --rate typo=0.05") from None
    return rates


@click.command("synth")
@click.option(
    "--people", "-n", type=int, default=10_000, show_default=True, help="Size of the population."
)
@click.option(
    "--agencies", type=int, default=2, show_default=True, help="Number of agency extracts."
)
@click.option(
    "--overlap",
    type=float,
    default=0.5,
    show_default=True,
    help="Share of each agency's people who are also in every other agency, in [0, 1].",
)
@click.option(
    "--profile",
    default="moderate",
    show_default=True,
    help="Error profile: clean, moderate, heavy or none; or one per agency, "
    "comma-separated (clean,heavy).",
)
@click.option(
    "--rate",
    "rates",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override one rate of the profile(s), e.g. --rate typo=0.05 (repeatable).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(path_type=Path),
    required=True,
    help="Directory to write agency_1.csv, agency_2.csv, ..., truth.csv, register.csv into.",
)
@force_option
@common_options
@guarded
def synth(
    people: int,
    agencies: int,
    overlap: float,
    profile: str,
    rates: tuple[str, ...],
    seed: int,
    output: Path,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Generate a population, agency extracts with errors, and the truth pairs.

    Example: linkcore synth --people 50000 --profile moderate --seed 1 -o data/

    truth.csv lists the pairs of record ids that are the same person; it is
    written apart from the extracts, never as one of their columns.
    truth_clusters.csv lists every record (agency, id) with its true cluster,
    duplicates within an agency included (for evaluating clusters). register.csv
    is a plaintext public register of the same population (half its adults, true
    values, no NI number): the reference for `linkcore audit --reference`.
    """
    from ..synth import (
        generate_extracts,
        generate_population,
        get_profile,
        id_column,
        make_register,
    )
    from ..synth.extracts import agency_sizes, truth_clusters

    setup_logging(verbose)
    # Check everything before generating or writing anything.
    if people < MIN_PEOPLE:
        raise ParameterError(f"--people must be at least {MIN_PEOPLE} (every extract needs "
                             f"records; got {people})")
    if people > MAX_PEOPLE:
        raise ParameterError(f"--people must be at most {MAX_PEOPLE:,} (the population is held "
                             "in memory: about 1.4 GB a million people)")
    if not 0 <= seed < 2**63:
        raise ParameterError("--seed must be 0 or more and less than 2^63")
    if not 2 <= agencies <= MAX_AGENCIES:
        raise ParameterError(f"--agencies must be from 2 to {MAX_AGENCIES}")
    if not 0.0 <= overlap <= 1.0:
        raise ParameterError("--overlap must be in [0, 1]")
    names = [p.strip() for p in profile.split(",")]
    if len(names) not in (1, agencies):
        raise ParameterError(f"--profile lists {len(names)} profiles for {agencies} agencies")
    override = _parse_rates(rates)
    profiles = [get_profile(name).with_rates(**override) for name in names]
    if output.exists() and not output.is_dir():
        raise ParameterError("--output must be a directory, not a file")
    _refuse_foreign_manifest(output / "manifest.json")
    names_out = [f"agency_{i + 1}.csv" for i in range(agencies)] + [
        "truth.csv", "truth_clusters.csv", "register.csv", "manifest.json"]
    outputs = RunOutputs({name: output / name for name in names_out}, force=force)

    population = generate_population(people, seed)
    result = generate_extracts(
        population, agencies, overlap, profiles if len(profiles) > 1 else profiles[0], seed
    )
    register = make_register(population, seed)
    clusters = truth_clusters(result.keys)
    m, shared = agency_sizes(people, agencies, overlap)
    manifest = {
        "generator": "linkcore synth",
        "people": people,
        "agencies": agencies,
        "overlap": overlap,
        "seed": seed,
        "people_per_agency": m,
        "people_in_every_agency": shared,
        "files": {
            f"agency_{i + 1}.csv": {
                "id_column": id_column(i + 1),
                "records": len(result.extracts[i]),
                "profile": names[i if len(names) > 1 else 0],
                "rates": profiles[i if len(profiles) > 1 else 0].as_dict(),
            }
            for i in range(agencies)
        },
        "truth": {
            "file": "truth.csv",
            "pairs": len(result.truth),
            "columns": list(result.truth.columns),
        },
        "truth_clusters": {
            "file": "truth_clusters.csv",
            "records": len(clusters),
            "people": int(clusters["cluster"].nunique()),
            "columns": list(clusters.columns),
        },
        "register": {
            "file": "register.csv",
            "id_column": "register_id",
            "records": len(register),
            "columns": list(register.columns),
        },
    }
    tables = [(f"agency_{i + 1}.csv", df) for i, df in enumerate(result.extracts)]
    truth = result.truth
    if "agency_a" in truth.columns:  # agencies named as the files and truth_clusters.csv name them
        truth = truth.assign(agency_a="agency_" + truth["agency_a"].astype(str),
                             agency_b="agency_" + truth["agency_b"].astype(str))
    tables.append(("truth.csv", truth))
    tables.append(("truth_clusters.csv", clusters))
    tables.append(("register.csv", register))
    # All files appear together: each is written aside and renamed only when every one is.
    with outputs:
        for name, df in tables:
            df.to_csv(outputs.path(name), index=False)
        outputs.path("manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                                 encoding="utf-8")
        outputs.commit()
    if not quiet:
        for name, df in tables:
            click.echo(f"wrote {output / name}: {len(df)} rows")
        click.echo(f"wrote {output / 'manifest.json'}: parameters and id columns")
