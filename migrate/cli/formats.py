"""``wpmigrate formats``: the readers and writers installed."""

from __future__ import annotations

import click

from migrate import registry


@click.command("formats")
def command() -> None:
    """List readers and writers, one line each."""
    for title, group in (("Readers", registry.READERS), ("Writers", registry.WRITERS)):
        click.echo(f"{title}:")
        for name, plugin in registry.plugins(group).items():
            try:
                desc = plugin.description()
            except Exception as exc:  # a broken plugin is shown, not fatal
                desc = f"(unavailable: {exc})"
            click.echo(f"  {name:<10} {desc}")
