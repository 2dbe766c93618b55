"""Options shared by several commands, as decorators."""

from __future__ import annotations

import click

from migrate.errors import UsageError

inputs_argument = click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str),
)

recover_option = click.option(
    "--recover", is_flag=True,
    help="Repair what can be repaired (control characters, stray '&', HTML entities, a truncated end) and report each repair.",
)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``-O KEY=VALUE`` pairs as a dict of writer options."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"-O takes KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out
