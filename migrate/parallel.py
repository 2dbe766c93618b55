"""Order-keeping parallel map over a stream, for CPU-heavy per-item work.

Converting the content of one big export (HTML to Markdown, block
rendering) is CPU-bound Python; threads do not help, processes do. This
spreads items over a process pool in chunks and yields results in input
order, reading ahead only a bounded number of chunks, so memory stays flat
however long the stream is::

    from migrate.parallel import parallel_map
    for markdown in parallel_map(to_markdown, (p.content for p in export.posts()), workers=4):
        ...

``fn`` must be picklable (a module-level function); so must items and
results. ``workers=0`` (or 1 with ``inline_single=True``, the default) runs in
this process with no pool at all, which is also the easy way to debug.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _apply_chunk(fn: Callable[[Any], Any], start: int, chunk: list) -> list:
    out = []
    for i, item in enumerate(chunk):
        try:
            out.append(fn(item))
        except BaseException as exc:
            exc.add_note(f"parallel_map: raised by {getattr(fn, '__qualname__', fn)!s} on item #{start + i}")
            raise
    return out


def process_context():
    """The start method for wpmigrate's worker processes (shared by every pool it makes)."""
    # forkserver: workers start from a clean server process (safe with threads,
    # unlike fork) and far faster than spawn; spawn where there is none.
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def can_start_processes() -> bool:
    """False in a daemonic process (a Dask worker, a ``multiprocessing.Pool`` worker):
    Python refuses it children, so work that would go to other processes stays in this one."""
    return not multiprocessing.current_process().daemon


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_map(
    fn: Callable[[T], R],
    iterable: Iterable[T],
    workers: int | None = None,
    chunk_size: int = 64,
    *,
    max_in_flight: int | None = None,
    executor: ProcessPoolExecutor | None = None,
    inline_single: bool = True,
) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in order, computed in worker processes.

    At most ``max_in_flight`` chunks (default ``2 * workers``) are submitted
    and not yet yielded, so at most ``(max_in_flight + 1) * chunk_size`` items
    are held at once (the submitted chunks and the one being handed out). The first exception raised by ``fn``
    is raised here, with a note naming the item's index and the worker's
    traceback as its cause; pending chunks are cancelled. Closing the
    iterator early cancels the rest too.

    ``executor`` reuses a pool the caller owns (it is not shut down here).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    workers = default_workers() if workers is None else workers
    if workers < 0:
        raise ValueError("workers must be 0 or more")
    if executor is None and (workers == 0 or (workers == 1 and inline_single) or not can_start_processes()):
        yield from _inline(fn, iterable, chunk_size)
        return
    limit = max_in_flight if max_in_flight is not None else 2 * max(workers, 1)
    if limit < 1:
        raise ValueError("max_in_flight must be at least 1")

    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=max(workers, 1), mp_context=process_context())
    source = iter(iterable)
    in_flight: deque[Future] = deque()
    index = 0
    ok = False
    try:
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < limit:
                chunk = list(itertools.islice(source, chunk_size))
                if not chunk:
                    exhausted = True
                    break
                in_flight.append(pool.submit(_apply_chunk, fn, index, chunk))
                index += len(chunk)
            if not in_flight:
                break
            results = in_flight.popleft().result()
            yield from results
        ok = True
    finally:
        for fut in in_flight:
            fut.cancel()
        if own:
            pool.shutdown(wait=ok, cancel_futures=True)


def _inline(fn: Callable[[T], R], iterable: Iterable[T], chunk_size: int) -> Iterator[R]:
    source = iter(iterable)
    index = 0
    while True:
        chunk = list(itertools.islice(source, chunk_size))
        if not chunk:
            return
        yield from _apply_chunk(fn, index, chunk)
        index += len(chunk)
