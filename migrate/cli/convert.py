"""``wpmigrate convert``: one export (one or more files of one site) to one format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

import migrate
from migrate.cli._options import inputs_argument, parse_params, recover_option
from migrate.errors import Report
from migrate.output import OutputFile
from migrate.progress import make_progress


def print_loss_report(report: Report, *, quiet: bool = False) -> None:
    """The end-of-run summary: what could not be carried over, by code."""
    if not len(report):
        if not quiet:
            click.echo("Nothing was lost: no findings.", err=True)
        return
    click.echo(f"Findings: {len(report)} ({', '.join(f'{report.count(s)} {s}' for s in ('error', 'warning', 'notice'))})", err=True)
    for code, n in report.counts.items():
        click.echo(f"  {n:>7}  {code} ({report.severity_of(code)})", err=True)
    if not quiet:
        shown = 0
        for finding in report:
            if finding.severity == "notice":
                continue
            click.echo(f"  {finding}", err=True)
            shown += 1
            if shown >= 20:
                click.echo("  … (use --report FILE for every finding)", err=True)
                break


@click.command("convert")
@inputs_argument
@click.option("--to", "to", required=True, help="Output format, with optional flags: hugo, jekyll+flat, json, jsonl, wxr …")
@click.option("-o", "--output", required=True, type=click.Path(path_type=str), help="Output folder (sites) or file (dumps).")
@recover_option
@click.option("--media-dir", type=click.Path(exists=True, file_okay=False, path_type=str), help="A local copy of wp-content/uploads to take media from.")
@click.option("--download-media", is_flag=True, help="Download media that is not in --media-dir (with retries and a cache).")
@click.option("--comments", type=click.Choice(["approved", "pending", "none", "all"]), default="approved", show_default=True, help="Which comments to carry over; 'all' includes spam and trash.")
@click.option("--front-matter", type=click.Choice(["yaml", "toml", "json"]), default=None, help="Front-matter format for static sites.")
@click.option("--post-type", "post_types", multiple=True, help="Keep only these post types (repeatable).")
@click.option("--status", "statuses", multiple=True, help="Keep only items with these statuses (repeatable).")
@click.option("--since", help="Keep items dated on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Keep items dated on or before this date (YYYY-MM-DD).")
@click.option("--author", "authors", multiple=True, help="Keep only items by these author logins (repeatable).")
@click.option("--no-comments", is_flag=True, help="Drop every comment.")
@click.option("--approved-only", is_flag=True, help="Drop comments that are not approved.")
@click.option("--anonymize", is_flag=True, help="Replace commenters' e-mails by a stable hash and remove IPs.")
@click.option("--split-size", metavar="SIZE", help="Write WP-CLI style parts of at most SIZE (e.g. 15MB) that each import on their own (wxr, disqus).")
@click.option("-O", "params", multiple=True, metavar="KEY=VALUE", help="A writer-specific option (repeatable).")
@click.option("--force", is_flag=True, help="Replace an output folder even if wpmigrate did not write it.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=str), help="Write the loss report as JSON to this file.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary counts.")
def command(inputs: tuple[str, ...], to: str, output: str, recover: bool, media_dir: str | None,
            download_media: bool, comments: str, front_matter: str | None, post_types: tuple[str, ...],
            statuses: tuple[str, ...], since: str | None, until: str | None, authors: tuple[str, ...],
            no_comments: bool, approved_only: bool, anonymize: bool, split_size: str | None,
            params: tuple[str, ...], force: bool,
            report_path: str | None, quiet: bool) -> None:
    """Convert an export (one site, one or more files) to another format."""
    options: dict[str, Any] = {
        "media_dir": media_dir, "download_media": download_media, "comments": comments,
        "force": force, **parse_params(params),
    }
    if front_matter:
        options["front_matter"] = front_matter
    if split_size:
        options["split_size"] = split_size
    filters = {k: v for k, v in {
        "post_types": post_types, "statuses": statuses, "since": since, "until": until,
        "authors": authors, "no_comments": no_comments, "approved_only": approved_only,
        "anonymize": anonymize,
    }.items() if v}
    with make_progress(quiet=quiet) as progress:
        report = migrate.convert(inputs, to, output, options, recover=recover, filters=filters,
                                 progress=None if quiet else progress)
    if report_path:
        with OutputFile(report_path) as fh:
            json.dump(report.to_dict(), fh, indent=2, ensure_ascii=False)
    print_loss_report(report, quiet=quiet)
    if not quiet:
        for path in _written(Path(output)):
            click.echo(f"Wrote {path}", err=True)


def _written(output: Path) -> list[Path]:
    """The output, or the numbered parts a split wrote in its place."""
    if str(output) == "-":
        return []
    if output.exists():
        return [output]
    return sorted(output.parent.glob(f"{output.stem}.[0-9][0-9][0-9]{output.suffix}"))
