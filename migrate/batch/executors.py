"""Where jobs run: a local process pool, or an existing Dask cluster.

An executor takes job specs and yields a :class:`JobResult` for each, in the
order they finish, calling ``on_event`` with progress from the workers. It
never lets one job take the batch down: an exception becomes a failed
result (in :func:`run_job`), and so does a worker process that dies.

Local: ``concurrent.futures.ProcessPoolExecutor`` over a ``forkserver``
context (``spawn`` where there is none), one job per worker process
(``max_tasks_per_child=1``): each job starts from a clean process and gives
its memory back when it ends. When a worker dies (segfault, ``os._exit``,
the OOM killer) the pool breaks and fails every job in flight; the innocent
ones are not to blame, so when more than one was in flight each is re-run
alone in a fresh pool, and only a job that breaks a pool on its own is
recorded as failed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

from migrate.batch import stop
from migrate.batch.jobs import JobResult, JobSpec, crash_result, error_dict, run_job, STATUS_FAILED
from migrate.errors import UsageError

#: on_event(kind, job, *data): ("start", job, total, pid) or ("advance", job, n).
OnEvent = Callable[..., None]

# ------------------------------------------------------------ worker side

_EVENTS = None
_PID_DIR: str | None = None


class _PipeSink:
    """Progress from a worker process to the batch, through a pipe.

    Not a ``multiprocessing.Queue``: its feeder thread writes under a lock
    shared by every worker, and a worker that crashes while holding it (a
    segfault, the OOM killer) leaves the others unable to send, or to exit.
    Each message here is one ``write`` of less than ``PIPE_BUF`` bytes, which
    the kernel keeps whole without a lock; when the pipe is full the message
    is dropped (progress only: how a job ended comes back with its result).
    """

    def start(self, job: str, total: int | None = None) -> None:
        _put(("start", job, total, os.getpid()))

    def advance(self, job: str, n: int = 1) -> None:
        _put(("advance", job, n))


#: a pipe write of at most this many bytes is atomic (POSIX: PIPE_BUF is at least 512)
_ATOMIC_BYTES = 512


def _put(msg: tuple) -> None:
    if _EVENTS is None:
        return
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) + 4 > _ATOMIC_BYTES:  # a very long job name: no progress rather than a torn message
        return
    try:
        _EVENTS.send_bytes(data)
    except (OSError, ValueError):
        pass  # full (non-blocking) or closed: progress is never worth failing a job


def _watch_parent(parent_pid: int, ppid: int) -> None:
    """End this worker soon after the batch process is gone (killed with -9)."""
    while True:
        time.sleep(0.25)
        gone = os.getppid() != ppid
        if not gone:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                gone = True
            except PermissionError:
                pass
        if gone:
            os._exit(70)


def _pid_file(pid_dir: str, job: str) -> str:
    return os.path.join(pid_dir, hashlib.sha256(job.encode("utf-8", "surrogatepass")).hexdigest()[:32])


def _note_pid(job: str) -> None:
    """Record which process runs ``job``, on disk before it starts.

    The progress pipe drops a message when it is full, and a job's start
    message of an earlier attempt may still be the last one read; the file
    is written before the job runs and names the process of its last attempt,
    so a crash can be explained by its exit status.
    """
    if _PID_DIR is None:
        return
    try:
        fd = os.open(_pid_file(_PID_DIR, job), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, str(os.getpid()).encode())
        finally:
            os.close(fd)
    except OSError:
        pass  # the crash message is then less precise, nothing more


def _pid_of(pid_dir: str, job: str) -> int | None:
    try:
        with open(_pid_file(pid_dir, job), "rb") as fh:
            return int(fh.read() or b"-1")
    except (OSError, ValueError):
        return None


def _init_worker(events, parent_pid: int, pid_dir: str | None = None) -> None:
    global _EVENTS, _PID_DIR
    _EVENTS = events
    _PID_DIR = pid_dir
    try:
        os.set_blocking(events.fileno(), False)
    except (OSError, ValueError):
        pass
    # Ctrl-C reaches the whole process group: the batch decides, workers do not.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid, os.getppid()), daemon=True).start()


def _run_local(spec: JobSpec) -> JobResult:
    _note_pid(spec.name)
    return run_job(spec, _PipeSink())


def _mp_context():
    from migrate.parallel import process_context

    ctx = process_context()
    if ctx.get_start_method() == "forkserver":
        # Imported once in the fork server, so each job's process starts warm.
        ctx.set_forkserver_preload(["migrate.batch.preload"])
    return ctx


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "died abruptly"
    if code < 0:
        try:
            return f"was killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


class LocalExecutor:
    """Jobs in separate processes on this machine."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        from migrate.parallel import default_workers

        self.workers = max(1, workers or default_workers())
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self, pid_dir: str):
        ctx = _mp_context()
        reader, writer = ctx.Pipe(duplex=False)
        pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, max_tasks_per_child=1,
            initializer=_init_worker, initargs=(writer, os.getpid(), pid_dir),
        )
        return pool, (reader, writer)

    @staticmethod
    def _drain(events, on_event: OnEvent, pids: dict[str, int]) -> None:
        reader = events[0]
        while True:
            try:
                if not reader.poll(0):
                    return
                msg = pickle.loads(reader.recv_bytes())
            except (OSError, EOFError, pickle.UnpicklingError):
                return
            if msg[0] == "start":
                pids[msg[1]] = msg[3]
            on_event(*msg)

    def run(self, specs: Iterable[JobSpec], on_event: OnEvent) -> Iterator[JobResult]:
        pending = deque(specs)
        suspects: deque[JobSpec] = deque()
        running: dict[Future, tuple[JobSpec, float, bool]] = {}
        pids: dict[str, int] = {}
        pool = events = None
        idle_breaks = 0
        pid_dir = tempfile.mkdtemp(prefix="wpmigrate-pids-")
        try:
            with stop.polled():
                while pending or suspects or running:
                    stop.check()  # a signal asked to stop: here, not inside the pool's locks
                    if pool is None:
                        pool, events = self._new_pool(pid_dir)
                        self._pool = pool
                    pool_broken = False
                    try:
                        if suspects:
                            if not running:  # a suspect runs alone, so a crash names it
                                spec = suspects[0]
                                running[pool.submit(_run_local, spec)] = (spec, time.monotonic(), True)
                                suspects.popleft()
                        else:
                            while pending and len(running) < self.workers:
                                spec = pending[0]
                                running[pool.submit(_run_local, spec)] = (spec, time.monotonic(), False)
                                pending.popleft()
                    except BrokenProcessPool:
                        pool_broken = True  # broke under a running job; that spec stays queued
                    done, _ = wait(list(running), timeout=0 if pool_broken else 0.2, return_when=FIRST_COMPLETED)
                    self._drain(events, on_event, pids)
                    broken: list[tuple[JobSpec, float, bool]] = []
                    for fut in done:
                        entry = running.pop(fut)
                        res = self._result(fut, entry, broken)
                        if res is not None:
                            yield res
                    if not broken and not pool_broken:
                        continue
                    # The pool is broken: every other job in flight fails too, at once.
                    if running:
                        wait(list(running), timeout=30)
                        for fut in list(running):
                            entry = running.pop(fut)
                            res = self._result(fut, entry, broken)
                            if res is not None:
                                yield res
                    self._drain(events, on_event, pids)
                    procs = dict(getattr(pool, "_processes", None) or {})
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = events = self._pool = None
                    if not broken:
                        idle_breaks += 1
                        if idle_breaks >= 3:  # workers die before running anything
                            for spec in [*suspects, *pending]:
                                yield crash_result(spec, "worker processes cannot be started (they die at once)")
                            suspects.clear()
                            pending.clear()
                        continue
                    idle_breaks = 0
                    if len(broken) == 1 or all(solo for _, _, solo in broken):
                        for spec, t0, _solo in broken:
                            # the file names the last process that ran it; the pipe may
                            # still name one of an earlier attempt
                            pid = _pid_of(pid_dir, spec.name) or pids.get(spec.name)
                            proc = procs.get(pid) if pid is not None else None
                            how = _describe_exit(proc.exitcode if proc is not None else None)
                            yield crash_result(spec, f"the worker process running this job {how}",
                                               round(time.monotonic() - t0, 3))
                    else:
                        suspects.extend(spec for spec, _, _ in broken)
                if pool is not None:
                    pool.shutdown(wait=True)
                    pool = None
        finally:
            if pool is not None:  # interrupted, or the consumer stopped early
                self._stop(pool)
            self._pool = None
            shutil.rmtree(pid_dir, ignore_errors=True)

    @staticmethod
    def _result(fut: Future, entry: tuple[JobSpec, float, bool], broken: list) -> JobResult | None:
        spec, t0, _solo = entry
        try:
            return fut.result()
        except BrokenProcessPool:
            broken.append(entry)
            return None
        except Exception as exc:  # e.g. a spec or result that does not pickle
            res = crash_result(spec, "", round(time.monotonic() - t0, 3))
            res.error = error_dict(exc, bug=True)
            return res

    @staticmethod
    def _stop(pool: ProcessPoolExecutor) -> None:
        """Interrupted: end the workers now (their partial output is in temp files only)."""
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for p in procs:
            try:
                p.terminate()
            except Exception:
                pass
        for p in procs:
            try:
                p.join(5)
            except Exception:
                pass
        pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Jobs as tasks on an existing Dask distributed cluster.

    Inputs and outputs must be paths the workers can reach (a shared
    filesystem) or fsspec URLs. Progress is per job, as tasks complete.
    """

    name = "dask"

    def __init__(self, scheduler: str | None, *, client=None, timeout: float = 30.0) -> None:
        if client is None and not scheduler:
            raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT (an existing Dask cluster)")
        self.scheduler = scheduler
        self.client = client
        self.timeout = timeout

    @staticmethod
    def _import():
        try:
            import distributed
        except ImportError as exc:
            raise UsageError(
                "the dask executor needs Dask distributed: install the optional extra with "
                "pip install 'wpmigrate[dask]'") from exc
        return distributed

    def run(self, specs: Iterable[JobSpec], on_event: OnEvent) -> Iterator[JobResult]:
        distributed = self._import()
        own = self.client is None
        if own:
            try:
                client = distributed.Client(self.scheduler, timeout=self.timeout, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from exc
        else:
            client = self.client
        token = uuid.uuid4().hex[:8]
        futures = {}
        try:
            for spec in specs:
                fut = client.submit(run_job, spec, key=f"wpmigrate-{spec.name}-{token}", pure=False, retries=0)
                futures[fut] = spec
            for fut in distributed.as_completed(list(futures), loop=client.loop):
                spec = futures.pop(fut)
                try:
                    res = fut.result()
                except Exception as exc:  # KilledWorker: the task took its worker down
                    res = crash_result(spec, f"the Dask task failed: {type(exc).__name__}: {exc}")
                if res.status != STATUS_FAILED or res.read["items"]:
                    on_event("start", spec.name, None, None)
                    on_event("advance", spec.name, res.written["items"])
                yield res
        finally:
            if futures:
                try:
                    client.cancel(list(futures), force=True)
                except Exception:
                    pass
            if own:
                client.close()


def make_executor(kind: str, *, workers: int | None = None, scheduler: str | None = None):
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "dask":
        ex = DaskExecutor(scheduler)
        ex._import()
        return ex
    raise UsageError(f"unknown executor {kind!r} (known: local, dask)")
