"""``wpmigrate info``: what an export holds."""

from __future__ import annotations

import json

import click

import migrate
from migrate.cli._options import inputs_argument, recover_option
from migrate.stats import format_info


@click.command("info")
@inputs_argument
@recover_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON (stable keys).")
def command(inputs: tuple[str, ...], recover: bool, as_json: bool) -> None:
    """Summarise an export: items, statuses, comments, threads, terms."""
    report = migrate.Report()
    export = migrate.read(inputs, recover=recover, report=report)
    data = migrate.info(export)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(format_info(data, export.site.title, export.site.sources))
    for finding in report:
        click.echo(str(finding), err=True)
