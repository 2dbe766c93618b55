"""One job of a batch: what to do (:class:`JobSpec`), doing it (:func:`run_job`),
and what came of it (:class:`JobResult`).

``run_job`` runs in a worker process (local pool or Dask worker). It never
raises: every failure, ours or the input's, becomes a failed result with
its message, so one job cannot take the others down. Specs and results are
plain data (picklable, JSON-able).
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

STATUS_DONE = "done"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"

#: Findings kept in full per code in a job's loss report (counts stay exact).
KEEP_PER_CODE = 20


@dataclass(frozen=True)
class JobSpec:
    """A job, resolved: absolute paths, merged options."""

    name: str
    files: tuple[str, ...]
    to: str
    output: str
    options: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    recover: bool = False
    #: the inputs as written in the manifest (for the report).
    inputs: tuple[str, ...] = ()
    #: problems found while resolving inputs (missing file, empty glob): the job fails with them.
    input_errors: tuple[str, ...] = ()
    #: where the job is declared, for messages ("manifest.yaml:12").
    origin: str = ""
    #: "file" or "folder": what the writer produces.
    output_kind: str = "folder"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class JobResult:
    name: str
    status: str
    inputs: list[str] = field(default_factory=list)
    output: str = ""
    read: dict = field(default_factory=lambda: {"items": 0, "comments": 0})
    written: dict = field(default_factory=lambda: {"items": 0, "comments": 0})
    findings: dict = field(default_factory=dict)
    loss_report: dict | None = None
    seconds: float = 0.0
    error: dict | None = None
    worker: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "JobResult":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def error_text(self) -> str:
        return (self.error or {}).get("text", "")


class Sink(Protocol):
    """Where a running job reports progress (a queue to the parent, or nothing)."""

    def start(self, job: str, total: int | None = None) -> None: ...
    def advance(self, job: str, n: int = 1) -> None: ...


class NullSink:
    def start(self, job: str, total: int | None = None) -> None:
        pass

    def advance(self, job: str, n: int = 1) -> None:
        pass


def error_dict(exc: BaseException, *, bug: bool) -> dict:
    from migrate.errors import MigrateError

    out: dict[str, Any] = {
        "type": type(exc).__name__,
        "message": getattr(exc, "message", None) or str(exc),
        "file": getattr(exc, "file", None),
        "line": getattr(exc, "line", None),
        "column": getattr(exc, "column", None),
        "text": str(exc) if isinstance(exc, MigrateError) else f"{type(exc).__name__}: {exc}",
        "bug": bug,
    }
    if bug:
        out["traceback"] = "".join(traceback.format_exception(exc))[-4000:]
        out["text"] = f"internal error: {out['text']} (a bug in wpmigrate or a plugin)"
    return out


def crash_result(spec: JobSpec, message: str, seconds: float = 0.0) -> JobResult:
    """A job whose worker process died under it."""
    return JobResult(
        name=spec.name, status=STATUS_FAILED, inputs=list(spec.files), output=spec.output,
        seconds=seconds, error={"type": "WorkerDied", "message": message, "file": None, "line": None,
                                "column": None, "text": message, "bug": False},
    )


def _worker_id() -> str:
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def _is_url(path: str) -> bool:
    import re

    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]+://", path))


class _Staging:
    """fsspec URLs: inputs copied to a local temporary folder, the output
    written there and uploaded when the writer has finished."""

    def __init__(self, spec: JobSpec) -> None:
        self.spec = spec
        self.tmp: str | None = None
        self.files = list(spec.files)
        self.output = spec.output

    def __enter__(self) -> "_Staging":
        import shutil
        import tempfile

        if not (any(_is_url(f) for f in self.spec.files) or _is_url(self.spec.output)):
            return self
        import fsspec

        self.tmp = tempfile.mkdtemp(prefix="wpmigrate-stage-")
        for i, f in enumerate(self.spec.files):
            if _is_url(f):
                local = os.path.join(self.tmp, f"in-{i}-{os.path.basename(f.rstrip('/')) or 'export'}")
                with fsspec.open(f, "rb") as src, open(local, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                self.files[i] = local
        if _is_url(self.spec.output):
            self.output = os.path.join(self.tmp, "out", os.path.basename(self.spec.output.rstrip("/")) or "output")
        return self

    def upload(self) -> None:
        if self.output == self.spec.output:
            return
        import fsspec

        import posixpath

        fs, remote = fsspec.core.url_to_fs(self.spec.output)
        parent = posixpath.dirname(remote.rstrip("/"))
        if parent:
            fs.makedirs(parent, exist_ok=True)
        fs.put(self.output, remote, recursive=os.path.isdir(self.output))

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)


def run_job(spec: JobSpec, sink: Sink | None = None) -> JobResult:
    """Read the job's inputs and write them; never raises (but may be killed)."""
    import migrate
    from migrate.errors import InputError, MigrateError, Report
    from migrate.progress import PassCounter, count_stream, estimate_items

    sink = sink or NullSink()
    t0 = time.monotonic()
    report = Report(keep=KEEP_PER_CODE)
    read = PassCounter()
    written = PassCounter(sink, spec.name)  # type: ignore[arg-type]
    result = JobResult(name=spec.name, status=STATUS_FAILED, inputs=list(spec.files),
                       output=spec.output, worker=_worker_id())
    try:
        if spec.input_errors:
            raise InputError("; ".join(spec.input_errors), file=spec.origin or None)
        with _Staging(spec) as stage:
            sink.start(spec.name, estimate_items(stage.files))
            export = migrate.read(stage.files, recover=spec.recover, report=report)
            export = count_stream(export, read)
            if spec.filters:
                from migrate.filters import apply_filters

                export = apply_filters(export, spec.filters)
            export = count_stream(export, written)
            migrate.write(export, spec.to, stage.output, spec.options, report)
            stage.upload()
        result.status = STATUS_DONE
    except MigrateError as exc:
        result.error = error_dict(exc, bug=False)
    except OSError as exc:  # staging to or from a remote store
        result.error = error_dict(exc, bug=False)
    except MemoryError as exc:
        result.error = error_dict(exc, bug=False)
        result.error["text"] = "out of memory"
    except Exception as exc:  # a bug must fail this job only
        result.error = error_dict(exc, bug=True)
    result.seconds = round(time.monotonic() - t0, 3)
    result.read = {"items": read.items, "comments": read.comments}
    # a failed writer's output was discarded (atomic): nothing was written
    result.written = ({"items": written.items, "comments": written.comments}
                      if result.status == STATUS_DONE else {"items": 0, "comments": 0})
    result.findings = {code: {"severity": report.severity_of(code), "count": n}
                       for code, n in report.counts.items()}
    loss = report.to_dict()
    loss.pop("per_item", None)
    result.loss_report = loss
    return result
