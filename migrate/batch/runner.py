"""Run a batch: plan (skip what is done), execute, record, report.

::

    from migrate.batch.manifest import load_manifest
    from migrate.batch.runner import run_batch
    summary = run_batch(load_manifest("sites.yaml"), jobs=4)
    print(summary.table()); raise SystemExit(summary.exit_code)

Resume semantics: see :mod:`migrate.batch.state`. The batch holds a lock on
its output root for the whole run, so removing stale temporary files of
its outputs at start cannot race with another batch.
"""

from __future__ import annotations

import time
from pathlib import Path

from migrate.batch.executors import make_executor
from migrate.batch.jobs import STATUS_DONE, STATUS_SKIPPED, JobResult, JobSpec
from migrate.batch.manifest import Batch
from migrate.batch.stop import BatchInterrupted
from migrate.batch.state import BatchLock, BatchState, RunLog, atomic_write_json, clean_stale_temps
from migrate.batch.summary import BatchSummary
from migrate.progress import NullProgress, Progress

__all__ = ["BatchInterrupted", "run_batch"]


def run_batch(
    batch: Batch,
    *,
    executor: str = "local",
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    report_path: str | Path | None = None,
    executor_obj=None,
) -> BatchSummary:
    """Run every job that is not already done; return the summary.

    Writes ``OUTPUT_ROOT/batch-report.json`` (and ``report_path`` if given)
    at the end, also when interrupted (then with ``"interrupted": true``
    before the exception goes on).
    """
    progress = progress or NullProgress(len(batch.jobs))
    ex = executor_obj or make_executor(executor, workers=jobs, scheduler=scheduler)
    t0 = time.monotonic()
    root = batch.root
    root.mkdir(parents=True, exist_ok=True)
    with BatchLock(root):
        state = BatchState(root)
        log = RunLog(root)
        warnings = list(batch.warnings)
        if state.warning:
            warnings.append(state.warning)
        results: dict[str, JobResult] = {}
        summary = BatchSummary([], executor=ex.name, workers=getattr(ex, "workers", None),
                               source=batch.source, root=str(root), warnings=warnings)
        try:
            removed = clean_stale_temps([*(s.output for s in batch.jobs), str(batch.state_path), str(batch.report_path)])
            log.event("batch-start", jobs=len(batch.jobs), executor=ex.name, force=force,
                      removed_temps=[str(p) for p in removed])
            fps = state.fingerprints(batch.jobs)
            to_run: list[JobSpec] = []
            for spec in batch.jobs:
                if not force and state.is_done(spec, fps[spec.name]):
                    prev = state.previous(spec.name)
                    res = prev or JobResult(name=spec.name, status=STATUS_SKIPPED)
                    res.status = STATUS_SKIPPED
                    results[spec.name] = res
                    log.event("skipped", spec.name)
                    progress.start(spec.name)
                    progress.finish(spec.name, STATUS_SKIPPED)
                else:
                    to_run.append(spec)
            by_name = {s.name: s for s in to_run}

            def on_event(kind: str, job: str, *data) -> None:
                if kind == "start":
                    total, pid = data
                    log.event("start", job, pid=pid, total=total)
                    progress.start(job, total)
                elif kind == "advance":
                    progress.advance(job, data[0])

            stream = ex.run(to_run, on_event)
            try:
                for res in stream:
                    spec = by_name[res.name]
                    results[res.name] = res
                    fp = fps[spec.name] if res.status == STATUS_DONE else None
                    state.record(res, fp)
                    log.event(res.status, res.name, seconds=res.seconds,
                              **({"error": res.error_text} if res.error else {}))
                    progress.finish(res.name, res.status)
            finally:
                stream.close()  # stops the workers now when interrupted
        except KeyboardInterrupt:
            summary.interrupted = True
            log.event("interrupted")
            raise
        finally:
            summary.results = [results[s.name] for s in batch.jobs if s.name in results]
            summary.seconds = time.monotonic() - t0
            data = summary.to_dict()
            try:
                atomic_write_json(batch.report_path, data)
                if report_path:
                    atomic_write_json(Path(report_path), data)
            finally:
                if not summary.interrupted:
                    log.event("batch-end", **{k: v for k, v in summary.totals().items() if k != "findings"})
                log.close()
    return summary
