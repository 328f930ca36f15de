"""The ``linkcore`` command line: a lazy click group, one module per command.

Commands load only when invoked, so ``linkcore --help`` stays fast. Every command runs
through :func:`linkcore.cli._common.run_guarded`, which maps bad input to exit status 2
with one line on stderr, and bugs to exit status 1, never printing a traceback that might
carry an identifier.
"""

from __future__ import annotations

import importlib
import re

import click

# runs of characters a key's text is made of, long enough to hold a key (see _keyfile.shown)
_KEY_LIKE = re.compile(r"[A-Za-z0-9+/=_:-]{22,}")

# command name -> "module:attribute" (modules under linkcore.cli)
COMMANDS: dict[str, str] = {
    "keygen": "keygen:keygen",
    "schema": "schema_cmd:schema",
    "encode": "encode_cmd:encode",
    "link": "link_many_cmd:link",
    "dedupe": "link_many_cmd:dedupe",
    "store": "store_cmd:store",
    "evaluate": "evaluate_cmd:evaluate",
    "synth": "synth_cmd:synth",
    "audit": "audit_cmd:audit",
    "demo": "demo_cmd:demo",
}


class _UsageLine(click.ClickException):
    """A usage error (an unknown option, a missing argument) shown as one line, exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        """Print the one line on stderr."""
        click.echo(f"error: {self.format_message()}", err=True)


class LazyGroup(click.Group):
    """A click group that imports each command's module only when that command is used."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        """Run the command; a usage error is one ``error:`` line with where to find help."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
            group = exc.ctx.command if exc.ctx is not None else None
            if isinstance(group, click.Group) and "\n" in exc.format_message():
                # a group given no command: click's message is the whole help text
                names = ", ".join(group.list_commands(exc.ctx))
                raise _UsageLine(f"`{where}` needs a command: {names} (see `{where} --help`)"
                                 ) from None
            raise _UsageLine(f"{_scrubbed(exc.format_message())} (see `{where} --help`)"
                             ) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the commands whose modules are present."""
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Import a command's module on first use."""
        return self._load(name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(f"linkcore.cli.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"linkcore.cli.{module_name}":
                return None  # command not built yet
            raise
        return getattr(module, attr)


def _scrubbed(message: str) -> str:
    """Drop from a usage error's message any argument that looks like a key (click echoes them)."""
    from linkcore._keyfile import shown
    from linkcore.errors import HIDDEN, scrub

    def hide(m: re.Match[str]) -> str:
        return m.group(0) if shown(m.group(0)) == m.group(0) else HIDDEN

    return scrub(_KEY_LIKE.sub(hide, message))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="linkcore")
def main() -> None:
    """linkcore: privacy-preserving record linkage with keyed Bloom filters.

    \b
    Data holders:   keygen, schema suggest, encode, audit
    Linkage unit:   link, dedupe, store
    Measurement:    synth, evaluate, demo

    Example: linkcore demo
    """  # noqa: D301


def entry() -> None:
    """Run ``main`` as the ``linkcore`` console script; once it has finished, signals wait.

    A command's outputs are committed before it returns; Ctrl-C or SIGTERM during the
    interpreter's shutdown after that used to end the process with status 130 and no line,
    though the run had succeeded. From the exit on, both are ignored (not in tests, which call
    ``main`` and keep their own handlers).
    """
    import signal

    try:
        main()
    except SystemExit:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise
