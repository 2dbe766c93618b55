"""Progress of long runs: one batch of jobs, or one big ``convert``.

The interface is three calls, so anything that does work in steps can report
it and anything that shows it can be swapped in::

    with make_progress(jobs=3) as progress:
        progress.start("blog-a", total=1200)     # total may be None
        progress.advance("blog-a", 100)
        progress.finish("blog-a", "done")         # or "failed", "skipped"

Three displays: a live one on a terminal (overall line and one line per
running job: items done, items/s, time left), plain lines every few seconds
when the output is not a terminal (logs, CI), and none at all (``--quiet``).

The live display uses ``rich``: its ``Live`` redraws a whole block of lines
(one per running job plus the overall line) from a background refresh
thread, which is exactly the shape of a batch. ``tqdm`` is built around one
bar per loop; several concurrent bars need manual ``position`` bookkeeping
and break when jobs start and stop in any order. Without ``rich`` installed
the terminal gets the plain lines instead; nothing else changes.

:func:`track` connects an export's item stream to a progress display; it is
also how ``convert`` reports progress for one long export.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from contextlib import contextmanager
from typing import IO, Iterable, Iterator

from migrate.model import Export

STATUSES = ("done", "failed", "skipped")


@dataclass
class JobProgress:
    name: str
    total: int | None = None
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    status: str = "running"

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    @property
    def rate(self) -> float:
        e = self.elapsed
        return self.done / e if e > 0 else 0.0

    @property
    def remaining(self) -> float | None:
        """Seconds left, when the total is known and there is a rate."""
        if self.total is None or self.status != "running":
            return None
        r = self.rate
        if r <= 0:
            return None
        return max(self.total - self.done, 0) / r


class Progress:
    """Counts jobs and items; subclasses decide what to show. Thread-safe."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs_total = jobs
        self.jobs: dict[str, JobProgress] = {}
        self.finished: dict[str, int] = {s: 0 for s in STATUSES}
        self.t0 = time.monotonic()
        self._lock = threading.Lock()

    # -- the interface -------------------------------------------------------
    def start(self, job: str, total: int | None = None) -> None:
        with self._lock:
            self.jobs[job] = JobProgress(job, total)
        self._changed(job, "start")

    def advance(self, job: str, n: int = 1) -> None:
        with self._lock:
            jp = self.jobs.get(job)
            if jp is None:
                jp = self.jobs[job] = JobProgress(job)
            jp.done += n
        self._changed(job, "advance")

    def finish(self, job: str, status: str = "done") -> None:
        with self._lock:
            jp = self.jobs.get(job)
            if jp is None:
                jp = self.jobs[job] = JobProgress(job)
            if jp.status == "running":
                jp.status = status
                jp.ended = time.monotonic()
                self.finished[status] = self.finished.get(status, 0) + 1
        self._changed(job, "finish")

    def close(self) -> None:
        """Stop any display thread; idempotent."""

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- for displays --------------------------------------------------------
    def _changed(self, job: str, event: str) -> None:
        """Called after each update; displays override."""

    def running(self) -> list[JobProgress]:
        with self._lock:
            return [j for j in self.jobs.values() if j.status == "running"]

    def overall(self) -> dict:
        """Overall counts: jobs by status, items, items/s, time left."""
        with self._lock:
            jobs = list(self.jobs.values())
            finished = dict(self.finished)
        items = sum(j.done for j in jobs)
        elapsed = time.monotonic() - self.t0
        rate = items / elapsed if elapsed > 0 else 0.0
        known = [j.total for j in jobs if j.total is not None]
        mean_total = sum(known) / len(known) if known else None
        remaining_items = 0.0
        eta: float | None = None
        if rate > 0 and mean_total is not None:
            for j in jobs:
                if j.status == "running":
                    remaining_items += max((j.total if j.total is not None else mean_total) - j.done, 0)
            if self.jobs_total is not None:
                remaining_items += max(self.jobs_total - len(jobs), 0) * mean_total
            eta = remaining_items / rate
        return {
            "jobs_total": self.jobs_total, "started": len(jobs), "finished": finished,
            "running": sum(1 for j in jobs if j.status == "running"),
            "items": items, "rate": rate, "elapsed": elapsed, "eta": eta,
        }


class NullProgress(Progress):
    """Counts, shows nothing (``--quiet``, library use)."""


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def _job_line(j: JobProgress) -> str:
    total = f"/{j.total}" if j.total is not None else ""
    return f"{j.name}: {j.done}{total} items, {j.rate:.0f}/s, left {_fmt_time(j.remaining)}"


def _overall_line(o: dict) -> str:
    f = o["finished"]
    jobs = f"{sum(f.values())}/{o['jobs_total']}" if o["jobs_total"] is not None else str(sum(f.values()))
    extra = ", ".join(f"{n} {s}" for s, n in f.items() if n and s != "done")
    return (f"jobs {jobs} finished{' (' + extra + ')' if extra else ''}, {o['running']} running; "
            f"{o['items']} items, {o['rate']:.0f}/s, elapsed {_fmt_time(o['elapsed'])}, "
            f"left {_fmt_time(o['eta'])}")


class LineProgress(Progress):
    """Plain lines for logs: one per finished job, a status block every ``interval`` s."""

    def __init__(self, jobs: int | None = None, stream: IO[str] | None = None, interval: float = 10.0) -> None:
        super().__init__(jobs)
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._last = time.monotonic()
        self._out = threading.Lock()

    def _emit(self, text: str) -> None:
        with self._out:
            try:
                self.stream.write(text + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass

    def _changed(self, job: str, event: str) -> None:
        now = time.monotonic()
        if event == "finish":
            j = self.jobs[job]
            total = f"/{j.total}" if j.total is not None else ""
            self._emit(f"[{j.status}] {j.name}: {j.done}{total} items in {j.elapsed:.1f}s")
        if now - self._last >= self.interval:
            self._last = now
            lines = [_overall_line(self.overall())] + ["  " + _job_line(j) for j in self.running()]
            self._emit("\n".join(lines))

    def close(self) -> None:
        if self.jobs_total is not None or len(self.jobs) > 1:
            self._emit(_overall_line(self.overall()))


class LiveProgress(Progress):
    """A live block on a terminal, redrawn a few times a second (rich)."""

    def __init__(self, jobs: int | None = None, stream: IO[str] | None = None) -> None:
        super().__init__(jobs)
        from rich.console import Console
        from rich.live import Live

        self._console = Console(file=stream if stream is not None else sys.stderr)
        self._live = Live(console=self._console, refresh_per_second=4, transient=False,
                          get_renderable=self._render)
        self._live.start()

    def _render(self):
        from rich.progress_bar import ProgressBar
        from rich.table import Table

        table = Table.grid(padding=(0, 1))
        for j in self.running():
            bar = ProgressBar(total=float(j.total) if j.total else None,
                              completed=float(j.done), width=24)
            table.add_row(bar, _job_line(j))
        table.add_row("", _overall_line(self.overall()))
        return table

    def _changed(self, job: str, event: str) -> None:
        if event == "finish":
            j = self.jobs[job]
            style = {"done": "green", "failed": "red", "skipped": "dim"}.get(j.status, "")
            total = f"/{j.total}" if j.total is not None else ""
            self._live.console.print(
                f"[{style}]{j.status:>7}[/{style}] {j.name}: {j.done}{total} items in {j.elapsed:.1f}s",
                highlight=False, markup=True,
            )

    def close(self) -> None:
        if self._live.is_started:
            self._live.stop()


def make_progress(*, jobs: int | None = None, quiet: bool = False, stream: IO[str] | None = None,
                  interval: float = 10.0) -> Progress:
    """The right display for where output goes: live on a terminal, lines otherwise.

    ``WPMIGRATE_PROGRESS=lines`` (or ``none``) forces a kind.
    """
    forced = os.environ.get("WPMIGRATE_PROGRESS", "").lower()
    if quiet or forced == "none":
        return NullProgress(jobs)
    stream = stream if stream is not None else sys.stderr
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    if is_tty and forced != "lines" and os.environ.get("TERM") != "dumb":
        try:
            return LiveProgress(jobs, stream)
        except ImportError:
            pass
    return LineProgress(jobs, stream, interval)


# ------------------------------------------------------------ item streams

class PassCounter:
    """Counts items and comments in an item stream that may be read several times.

    A writer may make more than one pass (an identity pass, then the real
    one); the count kept is the longest finished-or-running pass, so a
    second pass is not counted twice.
    """

    def __init__(self, progress: Progress | None = None, job: str = "", every: int = 50) -> None:
        self.items = 0
        self.comments = 0
        self.progress = progress
        self.job = job
        self.every = every

    def wrap(self, posts: Iterable) -> Iterator:
        n = c = 0
        pending = 0
        for post in posts:
            n += 1
            c += len(post.comments)
            if n > self.items:
                self.items = n
                self.comments = max(self.comments, c)
                pending += 1
                if self.progress is not None and pending >= self.every:
                    self.progress.advance(self.job, pending)
                    pending = 0
            yield post
        if self.progress is not None and pending:
            self.progress.advance(self.job, pending)
        self.comments = max(self.comments, c)


def count_stream(export: Export, counter: PassCounter) -> Export:
    """``export`` whose ``posts()`` passes go through ``counter``."""
    return Export(export.site, lambda: counter.wrap(export.posts()), export.open_identities,
                  export.name, export.extra_info)


def track(export: Export, progress: Progress, job: str, total: int | None = None) -> Export:
    """``export`` reporting each item it yields to ``progress`` under ``job``.

    Calls ``progress.start(job, total)`` now; the caller calls
    ``progress.finish(job, status)`` when the writer returns or fails.
    """
    progress.start(job, total)
    return count_stream(export, PassCounter(progress, job))


@contextmanager
def tracking(progress: Progress, export: Export, job: str, total: int | None = None) -> Iterator[Export]:
    """``with tracking(progress, export, "site.xml", total) as tracked: write(tracked, …)``

    Starts the job, counts the items the writer takes, and finishes the job
    as ``done`` or, when the block raises, ``failed``. This is the hook a
    single ``convert`` uses.
    """
    tracked = track(export, progress, job, total)
    try:
        yield tracked
    except BaseException:
        progress.finish(job, "failed")
        raise
    progress.finish(job, "done")


_ITEM_TAGS = (b"<item>", b"<item ")


def estimate_items(paths: Iterable[str | os.PathLike]) -> int | None:
    """Count ``<item>`` tags in the raw bytes: a cheap total for time left.

    A byte scan (no parsing) costs a small fraction of a conversion; it is
    exact for ordinary exports and an estimate otherwise (a tag inside
    CDATA would count too). None when the inputs cannot be scanned.
    """
    from migrate.readers.sources import sources_for

    try:
        sources = sources_for(list(paths))
    except Exception:
        return None
    total = 0
    for source in sources:
        try:
            with source.open() as fh:
                head = fh.read(64)
                if head.lstrip().startswith(b"{"):
                    return None  # a JSON dump: no cheap count
                tail = b""
                chunk = head
                while chunk:
                    buf = tail + chunk
                    total += sum(buf.count(t) for t in _ITEM_TAGS)
                    tail = buf[-6:]
                    # tags wholly inside the kept tail were counted already
                    total -= sum(tail.count(t) for t in _ITEM_TAGS)
                    chunk = fh.read(1 << 20)
                total += sum(tail.count(t) for t in _ITEM_TAGS)
        except Exception:
            return None
    return total
