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
from collections.abc import Iterator, MutableMapping

import click

from migrate import __version__
from migrate.errors import MigrateError

#: Exit status for a bug of ours (an exception we did not mean to raise).
EXIT_INTERNAL = 3


class _LazyCommands(MutableMapping):
    """The commands of this package by name, each module imported on first use.

    The names are those of the modules (``info.py`` is ``wpmigrate info``),
    listed without importing them, so ``wpmigrate convert`` does not import
    what ``validate`` needs. A module without a ``command`` is no command.
    """

    def __init__(self, package_path: list[str]) -> None:
        self._path = package_path
        self._loaded: dict[str, click.Command] = {}
        self._names: list[str] | None = None  # modules not imported yet

    def _modules(self) -> list[str]:
        if self._names is None:
            self._names = [m.name for m in pkgutil.iter_modules(self._path) if not m.name.startswith("_")]
        return self._names

    def _load(self, name: str) -> click.Command | None:
        command = self._loaded.get(name)
        if command is not None or name not in self._modules():
            return command
        self._names.remove(name)  # type: ignore[union-attr]
        module = importlib.import_module(f"{__name__}.{name}")
        command = getattr(module, "command", None)
        if not isinstance(command, click.Command):
            return None
        self._loaded[name] = command
        return command

    def names(self) -> list[str]:
        """Every command name, sorted; imports nothing."""
        return sorted({*self._loaded, *self._modules()})

    def __getitem__(self, name: str) -> click.Command:
        command = self._load(name) if isinstance(name, str) else None
        if command is None:
            raise KeyError(name)
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self[name]  # noqa: B018 - a KeyError for a name that is no command
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        for name in list(self._modules()):
            self._load(name)
        return iter(dict(self._loaded))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Group(click.Group):
    """A group whose commands are imported when used (or when help lists them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        if isinstance(self.commands, _LazyCommands):
            return self.commands.names()
        return super().list_commands(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wpmigrate")
def cli() -> None:
    """Get a blog out of WordPress without losing anything."""


cli.commands = _LazyCommands(__path__)


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
