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
from xml.sax.saxutils import quoteattr
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


# ------------------------------------------------------------ building exports

def cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.5.3" created="2024-05-01 10:00" -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Hostile</title>
	<link>https://hostile.example</link>
	<description>test</description>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://hostile.example</wp:base_site_url>
	<wp:base_blog_url>https://hostile.example</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{login}</wp:author_login><wp:author_email>author@hostile.example</wp:author_email><wp:author_display_name>{login}</wp:author_display_name></wp:author>
"""


def term_xml(taxonomy: str, slug: str, name: str, term_id: int) -> str:
    return (f"\t<wp:term><wp:term_id>{term_id}</wp:term_id><wp:term_taxonomy>{cdata(taxonomy)}</wp:term_taxonomy>"
            f"<wp:term_slug>{cdata(slug)}</wp:term_slug><wp:term_name>{cdata(name)}</wp:term_name></wp:term>\n")


def comment_xml(c: dict) -> str:
    return (
        "\t\t<wp:comment>"
        f"<wp:comment_id>{c['id']}</wp:comment_id>"
        f"<wp:comment_author>{cdata(c.get('author', 'Reader'))}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(c.get('email', ''))}</wp:comment_author_email>"
        f"<wp:comment_author_url>{cdata(c.get('url', ''))}</wp:comment_author_url>"
        f"<wp:comment_author_IP>{cdata(c.get('ip', ''))}</wp:comment_author_IP>"
        f"<wp:comment_date>{cdata(c.get('date', '2024-05-01 10:00:00'))}</wp:comment_date>"
        f"<wp:comment_date_gmt>{cdata(c.get('date', '2024-05-01 10:00:00'))}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(c.get('content', 'A comment.'))}</wp:comment_content>"
        f"<wp:comment_approved>{cdata(c.get('approved', '1'))}</wp:comment_approved>"
        f"<wp:comment_type>{cdata(c.get('type', 'comment'))}</wp:comment_type>"
        f"<wp:comment_parent>{c.get('parent', 0)}</wp:comment_parent>"
        "<wp:comment_user_id>0</wp:comment_user_id>"
        "</wp:comment>\n"
    )


def item_xml(it: dict) -> str:
    pid = it["id"]
    cats = "".join(
        f'\t\t<category domain={quoteattr(d)} nicename={quoteattr(n)}>{cdata(name)}</category>\n'
        for d, n, name in it.get("terms", ()))
    meta = "".join(
        f"\t\t<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>\n"
        for k, v in it.get("meta", ()))
    att = f"\t\t<wp:attachment_url>{cdata(it['attachment_url'])}</wp:attachment_url>\n" if it.get("attachment_url") else ""
    date = it.get("date", "2024-05-01 10:00:00")
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(it.get('title', f'Post {pid}'))}</title>\n"
        f"\t\t<link>https://hostile.example/?p={pid}</link>\n"
        f"\t\t<dc:creator>{cdata(it.get('creator', 'admin'))}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">https://hostile.example/?p={pid}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(it.get('content', 'Hello.'))}</content:encoded>\n"
        "\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
        f"\t\t<wp:post_id>{pid}</wp:post_id>\n"
        f"\t\t<wp:post_date>{cdata(date)}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{cdata(date)}</wp:post_date_gmt>\n"
        "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
        f"\t\t<wp:post_name>{cdata(it.get('slug', f'post-{pid}'))}</wp:post_name>\n"
        f"\t\t<wp:status>{cdata(it.get('status', 'publish'))}</wp:status>\n"
        f"\t\t<wp:post_parent>{it.get('parent', 0)}</wp:post_parent>\n"
        "\t\t<wp:menu_order>0</wp:menu_order>\n"
        f"\t\t<wp:post_type>{cdata(it.get('type', 'post'))}</wp:post_type>\n"
        "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
        + att + cats + meta + "".join(comment_xml(c) for c in it.get("comments", ())) +
        "\t</item>\n"
    )


def build_wxr(items, terms=(), login: str = "admin") -> str:
    """A WXR 1.2 export holding ``items`` (dicts, see :func:`item_xml`) and ``terms``."""
    return (WXR_HEAD.format(login=cdata(login))
            + "".join(term_xml(*t, term_id=i + 1) for i, t in enumerate(terms))
            + "".join(item_xml(it) for it in items)
            + "</channel>\n</rss>\n")
