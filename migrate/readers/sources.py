"""Where export bytes come from: plain files, gzip, and zip archives.

A user hands us paths; one path can hold several exports (a zip of WP-CLI's
split files). Each export becomes an :class:`InputSource` that can be opened
again for every pass, so readers can stream twice without a temporary copy.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterable

from migrate.errors import InputError

#: The largest uncompressed zip member we will read (a guard against bombs).
MAX_MEMBER_BYTES = 8 * 1024**3
#: How far a member's uncompressed size may exceed its compressed size.
MAX_RATIO = 1000


@dataclass(frozen=True)
class InputSource:
    """One export document: a display name and a way to open its bytes."""

    name: str
    opener: Callable[[], BinaryIO]
    size: int | None = None

    def open(self) -> BinaryIO:
        try:
            return self.opener()
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror or exc}", file=self.name) from exc


def _open_gzip(path: Path) -> BinaryIO:
    return gzip.open(path, "rb")  # type: ignore[return-value]


class _GzipChecked(io.RawIOBase):
    """Turn gzip's own errors into InputError naming the file."""

    def __init__(self, inner: BinaryIO, name: str) -> None:
        self._inner = inner
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(b))
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise InputError(f"corrupt compressed data: {exc}", file=self._name) from exc
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def _member_is_export(name: str) -> bool:
    low = name.lower()
    base = PurePosixPath(low).name
    return (low.endswith(".xml") or low.endswith(".xml.gz")) and not base.startswith(".") and "__macosx" not in low


def _zip_sources(path: Path) -> list[InputSource]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not a readable zip archive: {exc}", file=str(path)) from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and _member_is_export(i.filename)]
    if not infos:
        raise InputError("the zip archive holds no .xml export", file=str(path))
    out = []
    for info in sorted(infos, key=lambda i: i.filename):
        if info.file_size > MAX_MEMBER_BYTES or (
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO
        ):
            raise InputError(
                f"zip member {info.filename!r} expands to {info.file_size} bytes; refused as a zip bomb",
                file=str(path),
            )
        display = f"{path}!{info.filename}"

        def opener(member: str = info.filename, display: str = display) -> BinaryIO:
            zf = zipfile.ZipFile(path)
            raw = zf.open(member)
            if member.lower().endswith(".gz"):
                raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
            return io.BufferedReader(_GzipChecked(raw, display))  # type: ignore[arg-type]

        out.append(InputSource(display, opener, info.file_size))
    return out


def _natural_key(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in __import__("re").split(r"(\d+)", name))


def sources_for(paths: Iterable[str | os.PathLike]) -> list[InputSource]:
    """Expand user-given paths (files, .gz, .zip, folders) into export sources.

    Folders contribute their ``.xml``, ``.xml.gz`` and ``.zip`` files in natural
    order, so ``site.000.xml`` comes before ``site.001.xml``.
    """
    out: list[InputSource] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.is_file() and (
                    _member_is_export(p.name) or p.name.lower().endswith(".zip"))),
                key=lambda p: _natural_key(str(p)),
            )
            if not found:
                raise InputError("the folder holds no export (.xml, .xml.gz or .zip)", file=str(path))
            out.extend(sources_for(found))
            continue
        if not path.exists():
            raise InputError("no such file", file=str(path))
        if not path.is_file():
            raise InputError("not a regular file", file=str(path))
        low = path.name.lower()
        if low.endswith(".zip") or _looks_like_zip(path):
            out.extend(_zip_sources(path))
        elif low.endswith(".gz") or _looks_like_gzip(path):
            out.append(InputSource(
                str(path),
                lambda p=path: io.BufferedReader(_GzipChecked(_open_gzip(p), str(p))),  # type: ignore[arg-type]
                None,
            ))
        else:
            out.append(InputSource(str(path), lambda p=path: open(p, "rb"), path.stat().st_size))
    return out


def _magic(path: Path, n: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc


def _looks_like_zip(path: Path) -> bool:
    return _magic(path, 4) == b"PK\x03\x04"


def _looks_like_gzip(path: Path) -> bool:
    return _magic(path, 2) == b"\x1f\x8b"
