"""``linkcore keygen``: write a fresh 256-bit secret, readable only by its owner."""

from __future__ import annotations

import click

from ..errors import ParameterError
from ..holder.keys import Secret
from ._common import common_options, guarded, setup_logging
from .paths import RunOutputs


@click.command()
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
              help="Key file to create (mode 0600).")
@click.option("--check", "check", type=click.Path(dir_okay=False), metavar="KEY_FILE",
              help="Print the key check value of a key file received from another holder "
                   "(nothing is written), to compare before encoding.")
@click.option("--force", is_flag=True, help="Overwrite an existing key file.")
@common_options
@guarded
def keygen(output: str | None, check: str | None, force: bool, quiet: bool,
           verbose: bool) -> None:
    """Create a fresh secret key: the data holders' encoding key, or a project key.

    The key is 256 bits from the operating system's random generator, written as
    `linkcore-secret-v1:<base64>` with permissions 0600. Share an encoding key only between
    data holders, over a secure channel; the linkage unit never holds it. The linkage unit makes
    a separate key of its own for person ids (`linkcore link --project-key-file`). The printed
    key check value is safe to publish; `--check KEY_FILE` prints it for a key received.

    \b
    Examples:
      linkcore keygen -o shared.key
      linkcore keygen --check shared.key
    """  # noqa: D301
    setup_logging(verbose)
    if (output is None) == (check is None):
        raise ParameterError("give -o FILE to make a key, or --check KEY_FILE to print a key "
                             "file's check value (one of the two)")
    if check is not None:
        if force:
            raise ParameterError("--force belongs with -o; --check writes nothing")
        secret = Secret.from_file(check)  # the checks encode makes: private, readable, a key
        click.echo(f"key check value {secret.key_check_value()} ({check}); compare it with "
                   "the one the key's maker printed")
        return
    with RunOutputs({"-o": output}, force=force, replaces_keys=True) as outputs:
        secret = Secret.generate()
        secret.write(outputs.path("-o"))
        outputs.commit()
    if not quiet:
        click.echo(f"wrote a 256-bit key to {output} (mode 0600); "
                   f"key check value {secret.key_check_value()}")
