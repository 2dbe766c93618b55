"""Run one command and print what it cost, as JSON: the benchmark's measuring process.

    python tests/benchmarks/launch.py STDERR_FILE COMMAND [ARG ...]

Prints ``{"wall_s", "user_s", "sys_s", "peak_kb", "status"}``. On Linux a
process's peak resident set (``ru_maxrss``) includes the image of the
process it was started from, up to its ``exec``; this launcher imports
almost nothing, so what it adds (about 14 MB) stays below every figure
measured, where the harness, grown by deleting big outputs, would not.

CPU time is the whole process tree's: the command's, the descendants it
waited for, and (on Linux, where this process is made a child subreaper) the
descendants it left behind, such as a fork server and the worker processes
it started, which are reaped here. ``peak_kb`` is the peak of the largest
single process of the tree. Wall time stops when the command itself exits.
"""

from __future__ import annotations

import json
import os
import sys
import time

#: After the command exits, how long its orphaned descendants may take to exit.
ORPHAN_GRACE_S = 30.0


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux only).

    A worker pool started through a fork server is not a child of the
    command: the fork server is, and it outlives the command by a moment, so
    ``wait4`` on the command alone never sees the workers' CPU time. As a
    subreaper this process inherits the fork server when the command exits,
    reaps it (with the workers it reaped) and so counts the whole tree.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def measure(stderr_path: str, argv: list[str]) -> dict:
    subreaper = become_subreaper()
    err = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_DUP2, err, 2)]
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, wstatus, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(err)
    user, system, peak = ru.ru_utime, ru.ru_stime, ru.ru_maxrss
    if subreaper:  # orphans of the command are now ours: reap them all, counting their time
        deadline = time.monotonic() + ORPHAN_GRACE_S
        while True:
            try:
                found, _, oru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if found == 0:
                if time.monotonic() > deadline:
                    print(f"note: descendants of {argv[2:4]} still running after {ORPHAN_GRACE_S:.0f} s; "
                          "their CPU time is not counted", file=sys.stderr)
                    break
                time.sleep(0.01)
                continue
            user += oru.ru_utime
            system += oru.ru_stime
            peak = max(peak, oru.ru_maxrss)
    return {"wall_s": wall, "user_s": user, "sys_s": system, "peak_kb": peak,
            "status": os.waitstatus_to_exitcode(wstatus)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: launch.py STDERR_FILE COMMAND [ARG ...]", file=sys.stderr)
        return 2
    print(json.dumps(measure(args[0], args[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
