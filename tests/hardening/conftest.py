"""Helpers for the hostile-input tests: hostile exports are built here, in code."""

from __future__ import annotations

import gzip
import io
import os
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "last-train-home.xml"


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def split_seed() -> tuple[bytes, bytes]:
    """The seed export as (prologue up to ``<rss``, the document from ``<rss``)."""
    data = seed_bytes()
    i = data.index(b"<rss")
    return data[:i], data[i:]


def cli(*args: str, cwd: Path | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """``python -m migrate ARGS`` in a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WPMIGRATE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "migrate", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env, **kw)


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(data)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


class ConnectionRecorder:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.02)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            try:
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nNETWORK-CANARY")
            except OSError:
                pass
            conn.close()

    def url(self, path: str = "x") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


class FifoCanary:
    """A named pipe whose opening for reading is detected.

    A writer thread blocks in ``open()`` until someone opens the pipe to read
    it, so the thread ending is proof of a read attempt, from Python or from
    C (libxml2) alike. A reader gets the secret, so it would show in output.
    """

    SECRET = "FIFO-CANARY-7f3c2b"

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # blocks until a reader comes
        try:
            os.write(fd, self.SECRET.encode())
        except OSError:
            pass
        os.close(fd)

    def was_opened(self) -> bool:
        self._thread.join(0.02)
        return not self._thread.is_alive()

    def close(self) -> None:
        if self._thread.is_alive():
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self._thread.join(2)
            os.close(fd)


@pytest.fixture
def recorder():
    r = ConnectionRecorder()
    yield r
    r.close()


@pytest.fixture
def fifo_canary(tmp_path):
    c = FifoCanary(tmp_path / "canary-secret")
    yield c
    c.close()


@pytest.fixture
def file_canary(tmp_path) -> Path:
    p = tmp_path / "canary.txt"
    p.write_text("FILE-CANARY-19d4e8")
    return p


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
