"""A byte stream that notes characters XML 1.0 forbids and bytes that are not UTF-8.

The validator reads an export through this stream when the parser stopped
on the raw bytes (a UTF-8 file it reads to the end has nothing to report
here, and any other file is always read through it). It looks at whole
chunks at once (a regular expression and one decode per megabyte, so it costs
almost nothing on a clean file) and only on a problem finds each affected
line and column. Problems are neutralised in the bytes handed on (a control
character becomes a space, an invalid byte U+FFFD) so the parser can go on
and the rest of the file is still validated: each one is reported, none is
silently accepted.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from typing import BinaryIO

# C0 controls except TAB, LF, CR; and the UTF-8 forms of U+FFFE / U+FFFF.
_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_ILLEGAL_LATIN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_C0 = bytes(b for b in range(32) if b not in (9, 10, 13))
CHUNK = 1 << 20
#: How far past a chunk we read to finish its last line before cutting it.
_LINE_EXTRA = 1 << 20
#: Problems kept per file; more are only counted.
MAX_PROBLEMS = 10_000
_REPLACEMENT = "\ufffd".encode("utf-8")


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # "control-char" | "invalid-utf8"
    line: int
    column: int
    detail: str


def _utf8_cut(data: bytes) -> int:
    """Where to cut ``data`` so no UTF-8 sequence is split (its length if none is)."""
    i = len(data) - 1
    stop = max(-1, len(data) - 5)
    while i > stop:
        b = data[i]
        if b < 0x80:
            return len(data)
        if b >= 0xC0:  # a lead byte: is its sequence complete?
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return len(data) if len(data) - i >= need else i
        i -= 1
    return len(data)


class ScanStream(io.RawIOBase):
    """Readable bytes of ``inner``, scanned and neutralised, with problems noted."""

    def __init__(self, inner: BinaryIO, *, utf8: bool = True) -> None:
        super().__init__()
        self.inner = inner
        self.utf8 = utf8
        self.problems: list[Problem] = []
        self.dropped = 0
        self.lines_done = 0
        self._buf = b""
        self._pos = 0
        self._pending = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()

    # ------------------------------------------------------------ reading
    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        if size is None or size < 0:
            parts = []
            while True:
                chunk = self.read(CHUNK)
                if not chunk:
                    return b"".join(parts)
                parts.append(chunk)
        while self._pos >= len(self._buf):
            if self._eof:
                return b""
            self._fill()
        out = self._buf[self._pos:self._pos + size]
        self._pos += len(out)
        return out

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def _fill(self) -> None:
        data = self._pending + self.inner.read(CHUNK)
        self._pending = b""
        if not data:
            self._eof = True
            self._buf, self._pos = b"", 0
            return
        if not data.endswith(b"\n"):
            more = self.inner.readline(_LINE_EXTRA)
            data += more
            if more and not data.endswith(b"\n"):
                cut = _utf8_cut(data) if self.utf8 else len(data)
                data, self._pending = data[:cut], data[cut:]
        data = self._check(data)
        self.lines_done += data.count(b"\n")
        self._buf, self._pos = data, 0

    # ------------------------------------------------------------ checking
    def _where(self, data: bytes, pos: int) -> tuple[int, int]:
        start = data.rfind(b"\n", 0, pos) + 1
        line = self.lines_done + data.count(b"\n", 0, pos) + 1
        column = len(data[start:pos].decode("utf-8" if self.utf8 else "latin-1", "replace")) + 1
        return line, column

    def _note(self, kind: str, line: int, column: int, detail: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(kind, line, column, detail))
        else:
            self.dropped += 1

    def _check(self, data: bytes) -> bytes:
        illegal = _ILLEGAL if self.utf8 else _ILLEGAL_LATIN
        suspect = len(data.translate(None, _C0)) != len(data) or (
            self.utf8 and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data))
        if suspect:
            last_line = -1
            for m in illegal.finditer(data):
                line, column = self._where(data, m.start())
                if line == last_line:
                    continue
                last_line = line
                eol = data.find(b"\n", m.start())
                segment = data[m.start():eol if eol >= 0 else len(data)]
                n = len(illegal.findall(segment))
                ch = m.group()
                name = f"U+{ord(ch.decode('utf-8')):04X}" if len(ch) > 1 else f"U+{ch[0]:04X}"
                more = f" ({n} on this line)" if n > 1 else ""
                self._note("control-char", line, column, f"character {name}{more}")
            data = illegal.sub(lambda m: b" " * len(m.group()), data)
        if self.utf8:
            data = self._check_utf8(data)
        return data

    def _check_utf8(self, data: bytes) -> bytes:
        try:
            codecs.utf_8_decode(data, "strict", True)
            return data
        except UnicodeDecodeError:
            pass
        view = memoryview(data)
        out: list[bytes] = []
        pos = 0
        last_line = -1
        while pos < len(data):
            try:
                codecs.utf_8_decode(view[pos:], "strict", True)
                break
            except UnicodeDecodeError as exc:
                bad, end = pos + exc.start, pos + exc.end
                line, column = self._where(data, bad)
                if line != last_line:
                    last_line = line
                    self._note("invalid-utf8", line, column,
                               f"byte 0x{data[bad]:02X} is not UTF-8 (the file is probably Latin-1 or Windows-1252)")
                out.append(data[pos:bad])
                out.append(_REPLACEMENT)
                pos = end
        out.append(data[pos:])
        return b"".join(out)
