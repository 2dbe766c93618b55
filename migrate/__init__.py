"""wpmigrate: get a blog out of WordPress without losing anything.

The library API; the ``wpmigrate`` command is a thin layer over it::

    import migrate
    export = migrate.read(["site.xml"])            # Site now, items lazily
    print(migrate.info(export)["comments"])
    report = migrate.convert(["site.xml"], "hugo", "site/")
    for finding in report: print(finding)

Data flows one way: reader → model → transforms → writer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from migrate.errors import (
    ConfigError, Finding, InputError, MigrateError, OutputError, Report, UnsafeInputError, UsageError,
)
from migrate.model import (
    Author, Comment, Export, Extra, Identity, Post, Site, Source, Term, TermRef, WPDate,
)

__version__ = "0.1.0"

PathLike = str | os.PathLike


def _paths(paths: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    out = [os.fspath(p) for p in paths]
    if not out:
        raise UsageError("no input given")
    return out


def read(
    paths: PathLike | Iterable[PathLike],
    *,
    format: str | None = None,
    recover: bool = False,
    report: Report | None = None,
) -> Export:
    """Read one site from one or more files (WXR, or a wpmigrate JSON dump).

    The site header is read now; items stream each time ``export.posts()`` is
    called. ``recover`` repairs what can be repaired and reports each repair.
    """
    from migrate import registry
    from migrate.readers.wxr import ReadOptions

    files = _paths(paths)
    name = format or registry.detect_reader(files[0])
    reader = registry.reader(name)
    return reader(files, ReadOptions(recover=recover), report if report is not None else Report())


def report_of(export: Export) -> Report:
    """The report a reader records its findings in."""
    rep = export.extra_info.get("report")
    if rep is None:
        rep = export.extra_info["report"] = Report()
    return rep


def write(
    export: Export,
    to: str,
    output: PathLike,
    options: Mapping[str, Any] | None = None,
    report: Report | None = None,
) -> Report:
    """Write ``export`` with the writer ``to`` (``hugo``, ``json``, ``hugo+flat`` …)."""
    from migrate import registry

    name, flags = registry.parse_format(to)
    writer = registry.writer(name)
    opts: dict[str, Any] = {"flags": flags, **(options or {})}
    rep = report if report is not None else report_of(export)
    writer(export, Path(output), opts, rep)
    return rep


def convert(
    inputs: PathLike | Iterable[PathLike],
    to: str,
    output: PathLike,
    options: Mapping[str, Any] | None = None,
    *,
    recover: bool = False,
    filters: Mapping[str, Any] | None = None,
    report: Report | None = None,
    progress: Any = None,
) -> Report:
    """Read ``inputs`` and write them as ``to`` into ``output``; return the loss report.

    ``progress`` (a :class:`migrate.progress.Progress`) is told of every item
    the writer takes, for a live display of a long conversion.
    """
    rep = report if report is not None else Report()
    export = read(inputs, recover=recover, report=rep)
    if filters:
        from migrate.filters import apply_filters

        export = apply_filters(export, filters)
    if progress is None:
        return write(export, to, output, options, rep)
    from migrate.progress import estimate_items, tracking

    files = _paths(inputs)
    with tracking(progress, export, Path(files[0]).name, estimate_items(files)) as tracked:
        return write(tracked, to, output, options, rep)


def info(export_or_paths: Export | PathLike | Iterable[PathLike], *, recover: bool = False) -> dict:
    """Counts of an export: the keys of ``wpmigrate info --json``."""
    from migrate.stats import info as _info

    export = export_or_paths if isinstance(export_or_paths, Export) else read(export_or_paths, recover=recover)
    return _info(export)


__all__ = [
    "Author", "Comment", "ConfigError", "Export", "Extra", "Finding", "Identity", "InputError",
    "MigrateError", "OutputError", "Post", "Report", "Site", "Source", "Term", "TermRef",
    "UnsafeInputError", "UsageError", "WPDate", "convert", "info", "read", "report_of", "write",
]
