"""Atomic, confined output.

Everything a writer produces goes into a fresh temporary folder (or file)
beside the target and is moved into place only when the writer finished. An
interrupted or failed run leaves the previous output untouched and no
half-written folder. Every path is checked: nothing can be written outside
the tree, nothing twice.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
import unicodedata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from migrate.errors import OutputError

try:
    import fcntl
except ImportError:  # Windows: no stale temporaries are removed
    fcntl = None  # type: ignore[assignment]

#: A file every output folder carries, so a later run knows it may replace it.
MARKER = ".wpmigrate"

_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.I)
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_component(name: str, fallback: str = "untitled") -> str:
    """Make one path component safe on every common filesystem.

    Separators, NUL and control characters, ``.``/``..``, trailing dots and
    spaces and Windows' reserved device names are neutralised; the result is
    never empty and at most 150 bytes of UTF-8.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE_CHARS.sub("-", name).strip().strip(".").strip()
    name = re.sub(r"-{2,}", "-", name).strip("-")
    if not name or name in (".", ".."):
        name = fallback
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    encoded = name.encode("utf-8")
    if len(encoded) > 150:
        name = encoded[:150].decode("utf-8", errors="ignore").rstrip("-. ")
    return name


def check_relpath(rel: str) -> PurePosixPath:
    """Validate a writer-chosen relative path; raise if it could escape."""
    if not rel or "\x00" in rel or "\\" in rel:
        raise OutputError(f"refusing unsafe output path {rel!r}")
    p = PurePosixPath(rel)
    if p.is_absolute() or re.match(r"^[A-Za-z]:", rel):
        raise OutputError(f"refusing absolute output path {rel!r}")
    for part in p.parts:
        if part in ("..", ".", "") or _WINDOWS_RESERVED.match(part):
            raise OutputError(f"refusing unsafe output path {rel!r}")
    return p


def _may_replace(target: Path) -> bool:
    if not target.exists():
        return True
    if target.is_dir() and not target.is_symlink():
        return (target / MARKER).exists() or not any(target.iterdir())
    return False


class OutputTree:
    """A folder written atomically: use as a context manager.

    ``with OutputTree(path) as out: out.write_text("a/b.md", text)``; on a
    clean exit the folder replaces ``path``, on an exception it is removed.
    """

    def __init__(self, target: str | os.PathLike, *, force: bool = False) -> None:
        if os.fspath(target) == "-":
            raise OutputError("this format writes a folder, not a stream; give -o FOLDER")
        self.target = Path(target).absolute()
        self.force = force
        #: every path written, as 8-byte digests of its case-folded form: a
        #: bounded few dozen bytes a path however long, for exports of any size
        self._written: set[int] = set()
        #: folders already made inside the temporary tree (digests too)
        self._made: set[int] = set()
        self.tmp: Path | None = None
        self._lock: int | None = None
        self._scratch: list[Path] = []

    def __enter__(self) -> "OutputTree":
        if not self.force and not _may_replace(self.target):
            raise OutputError(
                "refusing to replace a folder that wpmigrate did not write "
                f"(no {MARKER} file in it); choose an empty or new folder",
                file=str(self.target),
            )
        if self.target.exists() and not self.target.is_dir():
            raise OutputError("the output path exists and is not a folder", file=str(self.target))
        parent = self.target.parent
        _check_parent(self.target)
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=parent))
            self._lock = _lock(os.open(self.tmp, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))
        except OSError as exc:
            raise _os_error(exc, parent) from exc
        _remove_stale_temps(self.target, self.tmp)
        self.write_text(MARKER, "This folder was written by wpmigrate; a new run may replace it.\n")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
            if _is_write_error(exc):  # from a file a writer streamed into
                raise _os_error(exc, self.target) from exc

    def path(self, rel: str) -> Path:
        """The absolute temporary path for ``rel``, checked and registered once."""
        assert self.tmp is not None, "use OutputTree as a context manager"
        p = self.register(rel)
        full = self.tmp.joinpath(*p.parts)
        parts = p.parts[:-1]
        if parts:
            folder = _digest("/".join(parts))
            if folder not in self._made:
                try:
                    full.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise _os_error(exc, self._shown(full.parent)) from exc
                self._made.add(folder)
        return full

    def register(self, rel: str) -> PurePosixPath:
        """Claim ``rel`` (checked) without writing it: for files a :class:`StagedFiles` wrote."""
        p = check_relpath(rel)
        key = _digest(str(p).casefold())
        if key in self._written:
            raise OutputError(f"two things were to be written to {rel!r}")
        self._written.add(key)
        return p

    def staged(self) -> "StagedFiles":
        """A picklable writer into this tree's staging folder, for worker processes.

        What it writes must be claimed here with :meth:`register` afterwards,
        so that a path written twice is still refused.
        """
        assert self.tmp is not None, "use OutputTree as a context manager"
        return StagedFiles(self.tmp, self.target)

    def scratch(self, name: str) -> Path:
        """A working file inside the staging folder that is not part of the output.

        Removed before the folder is moved into place (and with it on abort),
        so it sits on the output's file system, not in a RAM-backed ``/tmp``.
        """
        assert self.tmp is not None, "use OutputTree as a context manager"
        path = self.tmp / f".scratch-{safe_component(name)}"
        self._scratch.append(path)
        return path

    def _shown(self, full: Path) -> Path:
        """``full`` (inside the temporary folder) as the path it will have in the output."""
        assert self.tmp is not None
        try:
            return self.target / full.relative_to(self.tmp)
        except ValueError:
            return full

    def exists(self, rel: str) -> bool:
        return _digest(str(check_relpath(rel)).casefold()) in self._written

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        full = self.path(rel)
        try:
            with open(full, "xb") as fh:
                fh.write(data)
        except OSError as exc:
            raise _os_error(exc, self._shown(full)) from exc

    def open(self, rel: str, mode: str = "w", **kw: Any) -> IO:
        """Open a new file for streaming writes (``w``/``wb`` only)."""
        if mode not in ("w", "wb"):
            raise ValueError("output files are opened for writing only")
        full = self.path(rel)
        try:
            if mode == "w":
                return open(full, "x", encoding=kw.pop("encoding", "utf-8"), newline=kw.pop("newline", "\n"), **kw)
            return open(full, "xb")
        except OSError as exc:
            raise _os_error(exc, self._shown(full)) from exc

    def commit(self) -> None:
        assert self.tmp is not None
        for path in self._scratch:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                self.abort()
                raise _os_error(exc, self.target) from exc
        old: Path | None = None
        try:
            if self.target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
                os.rmdir(old)
                os.rename(self.target, old)
            os.rename(self.tmp, self.target)
        except OSError as exc:
            if old is not None and old.exists() and not self.target.exists():
                os.rename(old, self.target)
            self.abort()
            raise _os_error(exc, self.target) from exc
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self.tmp = None
        self._unlock()

    def abort(self) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


class StagedFiles:
    """Writes files into an :class:`OutputTree`'s staging folder from any process.

    Paths are checked as the tree checks them and a file is never replaced;
    the tree claims the paths afterwards (:meth:`OutputTree.register`), so a
    path two writers chose is still refused, whoever wrote first.
    """

    def __init__(self, tmp: Path, target: Path) -> None:
        self.tmp = tmp
        self.target = target
        self._made: set[str] = set()

    def __getstate__(self) -> dict:
        return {"tmp": self.tmp, "target": self.target, "_made": set()}

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        p = check_relpath(rel)
        full = self.tmp.joinpath(*p.parts)
        folder = "/".join(p.parts[:-1])
        if folder and folder not in self._made:
            if not self.tmp.is_dir():  # the run was abandoned: never rebuild its folder
                raise OutputError("the output folder being written was removed", file=str(self.target))
            try:
                full.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _os_error(exc, self.target / folder) from exc
            self._made.add(folder)
        try:
            with open(full, "xb") as fh:
                fh.write(data)
        except FileExistsError:
            raise OutputError(f"two things were to be written to {rel!r}") from None
        except OSError as exc:
            raise _os_error(exc, self.target / str(p)) from exc


class OutputFile:
    """One file written atomically: ``with OutputFile(p) as fh: fh.write(...)``."""

    def __init__(self, target: str | os.PathLike, *, binary: bool = False) -> None:
        #: ``-`` means standard output, as for most command-line tools.
        self.stdout = os.fspath(target) == "-"
        self.target = Path(target).absolute()
        self.binary = binary
        self._fh: IO | None = None
        self._tmp: str | None = None
        self._scratch: list[tuple[int, str]] = []

    def __enter__(self) -> IO:
        if self.stdout:
            import sys

            return sys.stdout.buffer if self.binary else sys.stdout
        if self.target.is_dir():
            raise OutputError("the output path is a folder; give a file name", file=str(self.target))
        _check_parent(self.target)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.target.name}.tmp-", dir=self.target.parent)
            _lock(fd)  # released when the file is closed
            self._fh = os.fdopen(fd, "wb") if self.binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise _os_error(exc, self.target) from exc
        _remove_stale_temps(self.target, Path(self._tmp))
        return self._fh

    def scratch(self) -> Path | None:
        """A working file beside the output (its file system), removed when the output is done.

        Named and locked as the output's own temporary, so a killed run's is
        cleaned up like the rest; None when writing to standard output.
        """
        if self.stdout:
            return None
        try:
            fd, path = tempfile.mkstemp(prefix=f".{self.target.name}.tmp-", dir=self.target.parent)
            _lock(fd)
        except OSError as exc:
            raise _os_error(exc, self.target) from exc
        self._scratch.append((fd, path))
        return Path(path)

    def _drop_scratch(self) -> None:
        for fd, path in self._scratch:
            try:
                os.unlink(path)
            except OSError:
                pass
            os.close(fd)
        self._scratch = []

    def __exit__(self, exc_type, exc, tb) -> None:
        self._drop_scratch()
        if self.stdout:
            import sys

            (sys.stdout.buffer if self.binary else sys.stdout).flush()
            return
        assert self._fh is not None and self._tmp is not None
        try:
            self._fh.close()
        except OSError as close_exc:
            if exc_type is None:
                os.unlink(self._tmp)
                raise _os_error(close_exc, self.target) from close_exc
        if exc_type is None:
            try:
                os.chmod(self._tmp, 0o644)
                os.replace(self._tmp, self.target)
            except OSError as err:
                os.unlink(self._tmp)
                raise _os_error(err, self.target) from err
        else:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            if _is_write_error(exc):
                raise _os_error(exc, self.target) from exc


def _digest(key: str) -> int:
    """A path as a 64-bit number (collisions are out of reach at any real export size)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def _check_parent(target: Path) -> None:
    """Refuse, naming it, a file where the output's folder (or one above it) should be."""
    for p in target.parents:
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                raise OutputError(f"cannot write {target} inside it: it is a file, not a folder", file=str(p))
            return


def _lock(fd: int) -> int:
    """Hold an exclusive lock on a temporary output while it is being written."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


#: A temporary sibling younger than this may be a concurrent run's, not yet locked.
_STALE_AFTER = 1.0


def _remove_stale_temps(target: Path, mine: Path) -> None:
    """Remove what killed runs writing ``target`` left beside it.

    Only siblings named exactly as this target's temporaries
    (``.NAME.tmp-XXXXXXXX``), regular files or real folders (holding our
    marker, or empty), not locked by a live run and older than a second.
    """
    if fcntl is None:
        return
    rx = re.compile(rf"^\.{re.escape(target.name)}\.tmp-[a-z0-9_]{{8}}$")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    now = time.time()
    for e in entries:
        if not rx.match(e.name) or e.name == mine.name:
            continue
        try:
            st = e.stat(follow_symlinks=False)
            is_dir = stat.S_ISDIR(st.st_mode)
            if not (is_dir or stat.S_ISREG(st.st_mode)) or now - st.st_mtime < _STALE_AFTER:
                continue
            if is_dir and not (os.path.isfile(os.path.join(e.path, MARKER)) or not os.listdir(e.path)):
                continue
            fd = os.open(e.path, os.O_RDONLY | os.O_NOFOLLOW | (getattr(os, "O_DIRECTORY", 0) if is_dir else 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if is_dir:
                shutil.rmtree(e.path)
            else:
                os.unlink(e.path)
        except OSError:
            pass  # a live run holds it, or it went away
        finally:
            os.close(fd)


#: errors only a write gives: raised inside a writer, they are about the output.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


def _is_write_error(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS


def _os_error(exc: OSError, where: Path) -> OutputError:
    reason = {
        errno.ENOSPC: "no space left on the device",
        errno.EACCES: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.EDQUOT: "disk quota exceeded",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot write: {reason}", file=str(where))
