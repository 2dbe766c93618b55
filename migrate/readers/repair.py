"""Byte-level repairs for exports that are almost XML (``--recover``).

Real exporters write characters XML 1.0 forbids (C0 controls, U+FFFE/U+FFFF)
into CDATA, and old ones wrote raw ``&`` into URLs; other tools' exports hold
HTML's named entities (``&nbsp;``, ``&eacute;``), which XML does not define.
This stream fixes exactly those, line by line, and reports every repair with
its line, so nothing is changed silently. CDATA sections and comments are
tracked across lines: a ``&`` inside CDATA is legal and left alone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.entities import html5 as _HTML5
from typing import BinaryIO

# C0 controls except TAB, LF, CR; and the UTF-8 forms of U+FFFE / U+FFFF.
_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_AMP_OK = re.compile(rb"&(?:([A-Za-z_:][A-Za-z0-9_.:-]*)|#[0-9]+|#x[0-9A-Fa-f]+);")
#: The entities XML itself defines.
_XML_ENTITIES = frozenset((b"amp", b"lt", b"gt", b"quot", b"apos"))
_MARKERS = re.compile(rb"<!\[CDATA\[|\]\]>|<!--|-->|&")


@dataclass
class Repair:
    line: int
    kind: str  # "control-char" | "stray-ampersand" | "html-entity" | "invalid-utf8"
    detail: str


@dataclass
class RepairStream(io.RawIOBase):
    """A readable binary stream yielding repaired bytes of ``inner``."""

    inner: BinaryIO
    utf8: bool = True
    repairs: list[Repair] = field(default_factory=list)
    lines: int = 0
    _buf: bytes = b""
    _mode: str = "text"  # "text" | "cdata" | "comment"
    _eof: bool = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        while len(self._buf) < len(b) and not self._eof:
            line = self.inner.readline()
            if not line:
                self._eof = True
                break
            self.lines += 1
            self._buf += self._fix(line, self.lines)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def _fix(self, line: bytes, lineno: int) -> bytes:
        if _ILLEGAL.search(line):
            count = len(_ILLEGAL.findall(line))
            self.repairs.append(Repair(lineno, "control-char", f"removed {count} character(s) XML 1.0 forbids"))
            line = _ILLEGAL.sub(b"", line)
        if self.utf8:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                self.repairs.append(Repair(lineno, "invalid-utf8", "bytes that are not UTF-8 read as Windows-1252"))
                line = line.decode("utf-8", errors="surrogateescape").encode("utf-8", errors="surrogateescape")
                line = _latin_fallback(line)
        if b"&" in line or self._mode != "text" or b"<!" in line:
            line = self._fix_ampersands(line, lineno)
        return line

    def _fix_ampersands(self, line: bytes, lineno: int) -> bytes:
        out = bytearray()
        pos = 0
        fixed = entities = 0
        for m in _MARKERS.finditer(line):
            tok = m.group()
            if self._mode == "cdata":
                if tok == b"]]>":
                    self._mode = "text"
                continue
            if self._mode == "comment":
                if tok == b"-->":
                    self._mode = "text"
                continue
            if tok == b"<![CDATA[":
                self._mode = "cdata"
            elif tok == b"<!--":
                self._mode = "comment"
            elif tok == b"&":
                ref = _AMP_OK.match(line, m.start())
                name = ref.group(1) if ref is not None else None
                if ref is not None and (name is None or name in _XML_ENTITIES):
                    continue  # a character reference, or one of XML's own entities
                text = _HTML5.get(name.decode("ascii") + ";") if name is not None else None
                if text is not None:  # HTML's entity: the same characters as references
                    out += line[pos:m.start()] + "".join(f"&#{ord(ch)};" for ch in text).encode("ascii")
                    pos = ref.end()
                    entities += 1
                else:
                    out += line[pos:m.start()] + b"&amp;"
                    pos = m.end()
                    fixed += 1
        if not fixed and not entities:
            return line
        out += line[pos:]
        if fixed:
            self.repairs.append(Repair(lineno, "stray-ampersand", f"escaped {fixed} bare '&'"))
        if entities:
            self.repairs.append(Repair(lineno, "html-entity",
                                       f"wrote {entities} HTML entity reference(s) XML does not define "
                                       "as character references"))
        return bytes(out)


def _latin_fallback(line: bytes) -> bytes:
    """Keep valid UTF-8 runs; decode invalid bytes as Windows-1252."""
    out = []
    i = 0
    while i < len(line):
        try:
            out.append(line[i:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            out.append(line[i:i + exc.start].decode("utf-8"))
            bad = line[i + exc.start:i + exc.end]
            out.append(bad.decode("cp1252", errors="replace"))
            i += exc.end
    return "".join(out).encode("utf-8")
