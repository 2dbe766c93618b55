"""The ``wpmigrate`` command: a thin click layer over the library.

Each subcommand lives in its own module here and exposes ``command``; they
are found by walking this package, so adding a command touches one file.
Library errors become exit codes in one place, :func:`main`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import click

from migrate import __version__
from migrate.errors import MigrateError

#: Exit status for a bug of ours (an exception we did not mean to raise).
EXIT_INTERNAL = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wpmigrate")
def cli() -> None:
    """Get a blog out of WordPress without losing anything."""


def _register() -> None:
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map library errors to messages and exit codes."""
    try:
        cli.main(args=argv, prog_name="wpmigrate", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("wpmigrate: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MigrateError as exc:
        click.echo(f"wpmigrate: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("wpmigrate: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # never a traceback for users, unless asked
        if os.environ.get("WPMIGRATE_DEBUG"):
            raise
        click.echo(
            f"wpmigrate: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in wpmigrate; run again with WPMIGRATE_DEBUG=1 for the details.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    else:
        sys.exit(0)
