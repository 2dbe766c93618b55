"""Stopping a batch on a signal at a safe point.

An exception raised from a signal handler lands wherever the main thread
happens to be, inside ``concurrent.futures`` too: between taking a future's
lock and giving it back, after which the pool's own thread waits for that
lock for ever and the batch hangs instead of stopping. So while a loop that
looks often (the local executor's, every 0.2 s) is running, the handler only
records the signal and the loop raises :class:`BatchInterrupted` itself;
otherwise the handler raises at once, as before.
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional

__all__ = ["BatchInterrupted", "request", "check", "polled"]


class BatchInterrupted(KeyboardInterrupt):
    """The batch was stopped by a signal; finished jobs are recorded."""

    def __init__(self, signum: int = 2) -> None:
        super().__init__(signum)
        self.signum = signum


_requested: Optional[int] = None
_polling = 0


def request(signum: int) -> None:
    """From a signal handler: stop at the next safe point, or now when nothing polls."""
    global _requested
    if _polling:
        _requested = signum
        return
    raise BatchInterrupted(signum)


def check() -> None:
    """At a safe point: raise :class:`BatchInterrupted` when a stop was requested."""
    global _requested
    if _requested is not None:
        signum, _requested = _requested, None
        raise BatchInterrupted(signum)


@contextlib.contextmanager
def polled() -> Iterator[None]:
    """While inside, a loop calls :func:`check` often enough to stop promptly."""
    global _polling, _requested
    _polling += 1
    try:
        yield
    except BaseException:
        _polling -= 1
        if not _polling:
            _requested = None  # the run ends with its own error; the request was for it
        raise
    _polling -= 1
    if not _polling:  # left normally: a stop asked for on the way out still stops
        check()
