"""Writers that misbehave on purpose, registered like a third-party plugin
(see the .dist-info beside this file), to test batch isolation."""

import ctypes
import os
import time


def crash(export, output, options, report):
    """Ends its process abruptly, as a segfault or the OOM killer would."""
    for _ in export.posts():
        pass
    os._exit(13)


def segv(export, output, options, report):
    """Dereferences a null pointer."""
    ctypes.string_at(0)


def boom(export, output, options, report):
    """A bug: an exception the library did not mean to raise."""
    raise RuntimeError("boom")


def slow(export, output, options, report):
    """Sleeps, then writes a tiny file: keeps a worker busy."""
    from migrate.output import OutputFile

    time.sleep(float(options.get("seconds", 2)))
    with OutputFile(output) as fh:
        fh.write("slow\n")


for _fn in (crash, segv, boom, slow):
    _fn.output_kind = "file"
