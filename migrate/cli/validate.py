"""``wpmigrate validate``: check exports in CI, with file and line in every finding.

Exit status: 0 no error; 1 errors (or warnings with ``--strict``, or more
warnings than ``--max-warnings``), a file that is not well-formed included;
2 a usage error, an invalid configuration, or an input that cannot be opened.
"""

from __future__ import annotations

import sys

import click

from migrate.errors import MigrateError
from migrate.output import OutputFile
from migrate.validate.config import resolve_config
from migrate.validate.engine import validate
from migrate.validate.reports import FORMATS, RENDERERS, render_text, use_color
from migrate.validate.rules import RULES


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"wpmigrate: error: {message}", err=True)
    sys.exit(code)


def _list_rules() -> None:
    width = max(map(len, RULES))
    for r in RULES.values():
        click.echo(f"{r.code:<{width}}  {r.severity:<7}  {r.category:<10}  {r.summary}")


@click.command("validate")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the report to this file instead of standard output.")
@click.option("--strict", is_flag=True, default=None, help="Warnings fail the run too (exit 1).")
@click.option("--max-warnings", type=click.IntRange(min=0), default=None, metavar="N",
              help="Fail (exit 1) when there are more than N warnings.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="Configuration file (default: the nearest .wpmigrate.yaml up to the git root).")
@click.option("--no-config", is_flag=True, help="Ignore .wpmigrate.yaml; use the rules' defaults.")
@click.option("--one-site", is_flag=True, default=None,
              help="The inputs are the files of one split export: references are resolved across them.")
@click.option("--max-per-line", type=click.IntRange(min=1), default=3, show_default=True,
              help="Findings of one rule kept per line (the rest are counted in the summary).")
@click.option("--max-per-rule", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Findings kept per rule (the rest are counted in the summary).")
@click.option("--list-rules", is_flag=True, help="List the rules (code, severity, category, explanation) and exit.")
def command(inputs: tuple[str, ...], fmt: str, output: str | None, strict: bool | None,
            max_warnings: int | None, config_path: str | None, no_config: bool, one_site: bool | None,
            max_per_line: int, max_per_rule: int, list_rules: bool) -> None:
    """Check WordPress exports for defects: exit 1 on errors, with file:line for each finding."""
    if list_rules:
        _list_rules()
        return
    if not inputs:
        _fail("give one or more exports to validate (files, folders, .xml.gz or .zip)")
    try:
        config = resolve_config(config_path, use_default=not no_config)
    except MigrateError as exc:
        _fail(str(exc))
    if strict is None:
        strict = bool(config.strict)
    if max_warnings is None:
        max_warnings = config.max_warnings
    if one_site is None:
        one_site = bool(config.one_site)
    results = validate(list(inputs), config, one_site=one_site, per_line=max_per_line, per_code=max_per_rule)
    code = results.exit_code(strict=strict, max_warnings=max_warnings)
    if fmt == "text":
        report = render_text(results, color=use_color(output) is not False)
    elif fmt == "json":
        report = RENDERERS["json"](results, exit_code=code)
    else:
        report = RENDERERS[fmt](results)
    if output:
        try:
            with OutputFile(output) as fh:
                fh.write(report)
        except (OSError, MigrateError) as exc:
            _fail(f"cannot write the report: {exc}")
    else:
        click.echo(report, nl=False, color=use_color(output))
    if max_warnings is not None and code == 1 and not results.count("error") and not strict:
        click.echo(f"wpmigrate: {results.count('warning')} warnings, more than --max-warnings {max_warnings}",
                   err=True)
    for msg in results.fatal:
        click.echo(f"wpmigrate: error: cannot read {msg}", err=True)
    if code:
        sys.exit(code)
