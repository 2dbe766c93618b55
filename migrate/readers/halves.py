"""A big export read as two documents, one per processor core.

Reading an export is parsing and Python work per element, both linear in
the items; a machine with two cores can do half of each in another process
(``validate`` and the static-site writers' first pass do). Each half is a
document of its own, built from the file's bytes without copying it:

* the first half is the file up to an ``<item>`` near the middle, closed by
  ``</channel></rss>``;
* the second half is the file's header (everything before the first
  ``<item>``), as many newlines as the first half's items held (so every
  element keeps its line number), then the file from that same ``<item>`` on.

Neither is trusted blindly: the first half parses only if the cut stands
between two items at the channel's level (a cut inside an item, a comment or
a CDATA section leaves something open at ``</channel>``), and the header is
parsed alone, closed the same way, to prove it ends at the channel's level
too. When either fails the caller reads the rest of the file in one piece.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator, Optional

from migrate.readers.sources import InputSource

if TYPE_CHECKING:
    from migrate.model import Export, Post

#: A file at least this big is read in halves (below it a fork costs more than it saves).
SPLIT_MIN_BYTES = 8 << 20
#: How far into the file the first ``<item>`` is looked for.
_HEAD_LIMIT = 16 << 20
_CHUNK = 1 << 20
_ITEM = re.compile(rb"<item[\s>]")
#: An item opening its own line, as exporters write them: the preferred cut.
_ITEM_LINE = re.compile(rb"\n[ \t]*(<item[\s>])")
CLOSE = b"</channel></rss>\n"
_NEWLINES = b"\n" * _CHUNK
_TO_THE_END = 1 << 62


def plain_file(source: InputSource) -> bool:
    """Whether ``source`` opens as a file on disk (seekable bytes, not a decompressed stream)."""
    return file_path(source) is not None


def file_path(source: InputSource) -> str | None:
    """The path of the file ``source`` opens, when it is a plain file on disk (another process can open it)."""
    try:
        fh = source.open()
    except Exception:
        return None
    try:
        if isinstance(fh, io.BufferedReader) and isinstance(fh.raw, io.FileIO) and isinstance(fh.raw.name, str):
            return fh.raw.name
        return None
    finally:
        fh.close()


def find_cuts(source: InputSource) -> tuple[int, int] | None:
    """(end of the header, start of the second half), or None when the file has no such places."""
    size = source.size or 0
    with source.open() as fh:
        head = b""
        first = -1
        while len(head) < _HEAD_LIMIT:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            head += chunk
            m = _ITEM.search(head)
            if m:
                first = m.start()
                break
        if first < 0:
            return None
        fh.seek(max(first + 1, size // 2))
        data = fh.read(_CHUNK)
        m = _ITEM_LINE.search(data)
        if m is None:
            return None
        cut = max(first + 1, size // 2) + m.start(1)
    if not first < cut < size:
        return None
    return first, cut


class Spliced(io.RawIOBase):
    """Bytes of ``parts`` in order: (start, end) ranges of a file, or literal bytes."""

    def __init__(self, opener: Callable[[], BinaryIO], parts: list[tuple[int, int] | bytes]) -> None:
        super().__init__()
        self._fh = opener()
        self._parts = list(parts)
        self._i = 0
        self._pos: int | None = None  # position inside the current range
        self._lit = 0  # position inside the current literal

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()

    def readinto(self, b) -> int:  # type: ignore[override]
        want = len(b)
        while self._i < len(self._parts):
            part = self._parts[self._i]
            if isinstance(part, bytes):
                data = part[self._lit:self._lit + want]
                self._lit += len(data)
                if data:
                    b[:len(data)] = data
                    return len(data)
            else:
                start, end = part
                if self._pos is None:
                    self._pos = start
                    self._fh.seek(start)
                data = self._fh.read(min(want, end - self._pos))
                self._pos += len(data)
                if data:
                    b[:len(data)] = data
                    return len(data)
            self._i += 1
            self._pos = None
            self._lit = 0
        return 0


def spliced_source(source: InputSource, parts: list[tuple[int, int] | bytes]) -> InputSource:
    return InputSource(source.name, lambda: io.BufferedReader(Spliced(source.opener, parts), _CHUNK), None)


def first_half(source: InputSource, cut: int) -> InputSource:
    return spliced_source(source, [(0, cut), CLOSE])


def header_alone(source: InputSource, header_end: int) -> InputSource:
    return spliced_source(source, [(0, header_end), CLOSE])


def second_half(source: InputSource, header_end: int, cut: int) -> InputSource:
    """The header, newlines for the first half's lines, then the file from ``cut`` on."""
    newlines = 0
    with source.open() as fh:
        fh.seek(header_end)
        left = cut - header_end
        while left > 0:
            data = fh.read(min(_CHUNK, left))
            if not data:
                break
            newlines += data.count(b"\n")
            left -= len(data)
    parts: list[tuple[int, int] | bytes] = [(0, header_end)]
    parts.extend([_NEWLINES] * (newlines // _CHUNK))
    parts.append(_NEWLINES[:newlines % _CHUNK])
    parts.append((cut, _TO_THE_END))
    return spliced_source(source, parts)


# ------------------------------------------------------------ two processes

#: The reader's finding for a WXR prefix used without its declaration.
UNDECLARED = "xml-namespace-undeclared"

#: What a half's work returned when the half could not be read (a cut not
#: between items, an error in the file): the caller reads in one piece.
FAILED = object()


def worth_halving(export: "Export", min_bytes: int) -> bool:
    """Whether :func:`read_in_halves` would try: one plain file of ``min_bytes`` or more, read as it is,
    and a process that may start others (so a caller prepares its working files only then)."""
    return _one_big_file(export, min_bytes) is not None


def _one_big_file(export: "Export", min_bytes: int) -> Optional[tuple[InputSource, str]]:
    """The export's one source and the path of its file, when it may be read in halves."""
    from migrate.parallel import can_start_processes
    from migrate.readers.wxr import WxrExport

    if not can_start_processes():
        return None
    stream = export.extra_info.get("stream")
    if (not isinstance(stream, WxrExport) or export.open_posts != stream.posts
            or len(stream.sources) != 1 or stream.options.recover):
        return None
    source = stream.sources[0]
    path = file_path(source) if (source.size or 0) >= min_bytes else None
    return (source, path) if path is not None else None


def read_in_halves(export: "Export", min_bytes: int,
                   first: Callable[[Iterator["Post"]], Any],
                   second: Callable[..., Any], second_args: tuple = ()) -> Optional[tuple[Any, Any]]:
    """``(first(posts of the first half), second(posts of the second half, *second_args))``.

    ``second`` runs in another process at the same time (a module-level
    function: it is pickled), ``first`` here. The reader's findings of both
    halves are emitted in file order, once, as one pass over the items
    would. None, with nothing emitted, when no process can be started here
    (a daemonic process), when the export is not one plain file
    read as it is (filters, several files, ``--recover``), is smaller than
    ``min_bytes``, has no cut, or a half fails to read (``first`` may also
    return :data:`FAILED`, ``second`` raise :class:`InputError`): the caller
    then reads it in one piece, which reports any error in the file exactly
    as always. What the halves wrote meanwhile is the caller's to discard.
    """
    from migrate.errors import InputError, Report
    from migrate.parallel import process_context
    from migrate.readers.wxr import ReadOptions, WxrExport

    big = _one_big_file(export, min_bytes)
    cuts = find_cuts(big[0]) if big is not None else None
    if big is None or cuts is None:
        return None
    source, path = big
    header_end, cut = cuts
    found = Report(keep=1 << 62)
    with ProcessPoolExecutor(max_workers=1, mp_context=process_context()) as pool:
        job = pool.submit(_second_half, second, second_args, path, source.name, source.size, header_end, cut)
        try:
            mine = first(WxrExport([first_half(source, cut)], ReadOptions(), found).posts())
        except InputError:
            mine = FAILED
        theirs = job.result() if mine is not FAILED else None
    if mine is FAILED or theirs is None:
        return None
    value, findings = theirs
    report = export.extra_info["stream"].claim_report()
    if report is not None:
        report.extend(found)
        if any(f.code == UNDECLARED for f in found):
            # both halves start reading undeclared; one read reports it once (the first)
            findings = [f for f in findings if f.code != UNDECLARED]
        report.extend(findings)
    return mine, value


def _second_half(second: Callable[..., Any], args: tuple, path: str, name: str, size: Optional[int],
                 header_end: int, cut: int) -> Optional[tuple[Any, list]]:
    """In the other process: ``second`` over the second half; its result and the reader's findings."""
    from migrate.errors import InputError, Report
    from migrate.readers.wxr import ReadOptions, WxrExport, iter_item_elements

    source = InputSource(name, lambda: open(path, "rb"), size)
    found = Report(keep=1 << 62)
    try:
        for _ in iter_item_elements(header_alone(source, header_end), ReadOptions(), None):
            return None  # the header holds an item: the first cut is not where the items start
        value = second(WxrExport([second_half(source, header_end, cut)], ReadOptions(), found).posts(), *args)
    except InputError:
        return None
    return value, list(found)


__all__ = ["CLOSE", "FAILED", "SPLIT_MIN_BYTES", "Spliced", "file_path", "find_cuts", "first_half", "header_alone",
           "plain_file", "read_in_halves", "second_half", "spliced_source", "worth_halving"]
