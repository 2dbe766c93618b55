"""The namespace declarations some exports leave out, put back on the root.

WordPress's importer reads ``wp:``, ``content:``, ``excerpt:``, ``dc:`` and
``wfw:`` elements by their literal prefixes when its XML parsers cannot
(its expat and regex parsers ignore namespace URIs), so an export whose
``<rss>`` forgets ``xmlns:wp`` still imports. Exports written by hand or by
other tools do forget them; an XML parser stops at the first such element.
:class:`DeclaringStream` adds the declarations the root lacks, so the reader
reads the file as WordPress does; the reader only uses it after the parser
has named a missing WXR prefix, and reports that it did.
"""

from __future__ import annotations

import io
import re
from typing import BinaryIO, Iterable

#: The prefixes WXR uses and the namespace each stands for when undeclared.
STANDARD: dict[str, str] = {
    "wp": "http://wordpress.org/export/1.2/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}

#: How far into the file the root element's start tag is looked for.
HEAD_LIMIT = (1 << 20) + (64 << 10)
_CHUNK = 64 << 10

# What may precede the root: a byte order mark, the XML declaration,
# comments, processing instructions and space.
_PROLOGUE = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_START_TAG = re.compile(rb"<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>")
_XMLNS = re.compile(rb"\sxmlns:([^\s=/>]+)\s*=")
_UNDEFINED = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")


def undefined_wxr_prefix(log: Iterable) -> tuple[str, int, int] | None:
    """(prefix, line, column) of the first "prefix is not defined" error in a
    parser's ``error_log`` whose prefix is one of :data:`STANDARD`, else None."""
    for entry in log:
        if entry.type_name != "NS_ERR_UNDEFINED_NAMESPACE":
            continue
        m = _UNDEFINED.search(entry.message or "")
        if m and m.group(1) in STANDARD:
            return m.group(1), entry.line, entry.column
        return None
    return None


def missing_declarations(head: bytes) -> tuple[int, int, list[str]] | None:
    """Where the root's start tag ends its name, and the :data:`STANDARD`
    prefixes it does not declare: (offset, line, prefixes), or None when the
    root's start tag is not in ``head``."""
    pos = _PROLOGUE.match(head).end()
    m = _START_TAG.match(head, pos)
    if m is None:
        return None
    declared = {d.decode("ascii", "replace") for d in _XMLNS.findall(m.group(2))}
    missing = [p for p in STANDARD if p not in declared]
    return m.end(1), head.count(b"\n", 0, m.end(1)) + 1, missing


class DeclaringStream(io.RawIOBase):
    """``inner``'s bytes with the root element declaring every WXR prefix it does not.

    ``line`` and ``column`` say where the declarations went (1-based column
    of the first added byte) and ``added`` how many bytes they take, so an
    error later on that line can be placed in the original file.
    """

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self._inner = inner
        self._head: bytes | None = None
        self.prefixes: list[str] = []
        self.line = 0
        self.column = 0
        self.added = 0

    def readable(self) -> bool:
        return True

    def _prepare(self) -> bytes:
        head = b""
        found = None
        while len(head) < HEAD_LIMIT:
            chunk = self._inner.read(_CHUNK)
            if not chunk:
                break
            head += chunk
            found = missing_declarations(head)
            if found is not None:
                break
        if found is None or not found[2]:
            return head
        offset, self.line, self.prefixes = found
        extra = b"".join(b' xmlns:%s="%s"' % (p.encode(), STANDARD[p].encode()) for p in self.prefixes)
        self.column = offset - (head.rfind(b"\n", 0, offset) + 1) + 1
        self.added = len(extra)
        return head[:offset] + extra + head[offset:]

    def readinto(self, b) -> int:  # type: ignore[override]
        if self._head is None:
            self._head = self._prepare()
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._inner.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def original_column(self, line: int | None, column: int | None) -> int | None:
        """The column in the original file of ``column`` on ``line`` of this stream."""
        if column is not None and self.added and line == self.line and column > self.column:
            return max(self.column, column - self.added)
        return column

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


__all__ = ["DeclaringStream", "HEAD_LIMIT", "STANDARD", "missing_declarations", "undefined_wxr_prefix"]
