"""``wpmigrate batch``: many exports at once, in parallel, resumable."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from migrate.cli._options import parse_params
from migrate.errors import UsageError


def _on_signal(signum, frame):  # noqa: ARG001
    from migrate.batch import stop

    stop.request(signum)


@click.command("batch")
@click.argument("source", type=click.Path(exists=True, path_type=str))
@click.option("--to", "to", help="Output format for a folder of exports (or for manifest jobs that name none).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=str),
              help="Output root: one output per job inside, plus the state file and batch-report.json. "
                   "Required for a folder; for a manifest it overrides output_root.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Jobs run at once (local executor). Default: the number of cores.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run jobs in local processes or on a Dask cluster.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="The Dask scheduler to submit to (--executor dask).")
@click.option("--recover", is_flag=True, help="Repair what can be repaired in every input (a folder of exports).")
@click.option("-O", "params", multiple=True, metavar="KEY=VALUE", help="A writer option for every job (a folder of exports).")
@click.option("--force", is_flag=True, help="Redo every job, even those finished with unchanged inputs.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=str),
              help="Also write the JSON batch report here (it is always written to OUT/batch-report.json).")
@click.option("--dry-run", is_flag=True, help="Check the manifest and list the jobs; run nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress; print only the summary line and failures.")
def command(source: str, to: str | None, output: str | None, jobs: int | None, executor: str,
            scheduler: str | None, recover: bool, params: tuple[str, ...], force: bool,
            report_path: str | None, dry_run: bool, quiet: bool) -> None:
    """Convert many exports: a MANIFEST.yaml of jobs, or a folder with one job per export.

    \b
      wpmigrate batch sites.yaml --jobs 4
      wpmigrate batch exports/ --to hugo -o sites/
      wpmigrate batch sites.yaml --executor dask --scheduler tcp://10.0.0.5:8786

    A re-run skips jobs already done whose inputs and options did not
    change. Exit status: 0 when every job is done or skipped, 1 when any
    failed, 2 for a bad manifest or usage. See docs/batch.md.
    """
    from migrate.batch.manifest import discover, load_manifest
    from migrate.batch.runner import BatchInterrupted, run_batch
    from migrate.progress import make_progress

    if Path(source).is_dir():
        if not to or not output:
            raise UsageError("a folder of exports needs --to FORMAT and -o OUTPUT_ROOT")
        batch = discover(source, to, output, options=parse_params(params), recover=recover)
    else:
        if params or recover:
            raise UsageError("-O and --recover are for a folder of exports; put options in the manifest")
        batch = load_manifest(source, output_root=output, default_to=to)

    if dry_run:
        for spec in batch.jobs:
            problems = f"  (will fail: {'; '.join(spec.input_errors)})" if spec.input_errors else ""
            click.echo(f"{spec.name}: {len(spec.files)} file(s) -> {spec.to} {spec.output}{problems}")
        click.echo(f"{len(batch.jobs)} jobs; state in {batch.state_path}", err=True)
        return

    old = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    for s in old:
        signal.signal(s, _on_signal)
    progress = make_progress(jobs=len(batch.jobs), quiet=quiet)
    try:
        summary = run_batch(batch, executor=executor, jobs=jobs, scheduler=scheduler, force=force,
                            progress=progress, report_path=report_path)
    except BatchInterrupted as exc:
        progress.close()
        click.echo(f"wpmigrate: batch interrupted; finished jobs are recorded in {batch.state_path}; "
                   "run the same command again to resume", err=True)
        sys.exit(128 + exc.signum)
    except KeyboardInterrupt:
        progress.close()
        click.echo(f"wpmigrate: batch interrupted; finished jobs are recorded in {batch.state_path}; "
                   "run the same command again to resume", err=True)
        sys.exit(130)
    finally:
        progress.close()
        for s, h in old.items():
            signal.signal(s, h)
    for w in summary.warnings:
        click.echo(f"wpmigrate: warning: {w}", err=True)
    if quiet:
        lines = summary.table().split("\n")
        tail = lines[lines.index("") + 1:] if "" in lines else lines
        click.echo("\n".join(tail), err=True)
    else:
        click.echo(summary.table(), err=True)
        click.echo(f"Report: {batch.report_path}", err=True)
    if summary.exit_code:
        sys.exit(summary.exit_code)
