"""Options shared by several commands, as decorators."""

from __future__ import annotations

import click

inputs_argument = click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str),
)

recover_option = click.option(
    "--recover", is_flag=True,
    help="Repair what can be repaired (control characters, stray '&', a truncated end) and report each repair.",
)
