"""Old WordPress URLs to new ones, and upload URLs to media files.

A WordPress site answers the same post at many addresses: its permalink, its
GUID, ``?p=ID``, old slugs kept in ``_wp_old_slug``, http and https, with and
without ``www.`` and a trailing slash, absolute or relative. :class:`UrlMap`
indexes every form once (from identities only, so memory stays small) and
answers :meth:`UrlMap.resolve` in constant time. Uploads come resized
(``name-300x200.jpg``), behind Jetpack's CDN (``i0.wp.com``) or on
``files.wordpress.com``; :meth:`UrlMap.media` finds the original.

:class:`MediaStore` gets the bytes of a media file from a local uploads
folder, or downloads it when asked, and never fails silently.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, MutableMapping, Optional, Protocol
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from migrate.errors import Report
from migrate.model import Identity, Site
from migrate.transforms.context import TransformContext

__all__ = ["UrlMap", "MediaStore", "upload_relpath", "split_url"]

#: Query keys that name an item by id, and the post types they may name.
_ID_QUERIES = {"p": None, "page_id": "page", "attachment_id": "attachment", "preview_id": None}
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated|e\d{10,13})(?=\.[A-Za-z0-9]+$)")
_CDN_HOST = re.compile(r"^i[0-3]\.wp\.com$")
_UPLOADS = "/wp-content/uploads/"
#: What any URL :func:`upload_relpath` accepts contains (``%`` for an encoded path).
_MAY_BE_UPLOAD = re.compile(r"uploads|files\.wordpress\.com|%", re.I)


#: What :func:`split_url` leaves to ``urlsplit``: characters it removes or
#: checks (tabs, line breaks, brackets of IPv6 hosts), or a leading one it strips.
_SPLIT_SLOW = re.compile(r"[\t\n\r\[\]]|^[\x00-\x20]")


def split_url(url: str) -> SplitResult:
    """``urlsplit(url)``, without its general parsing for the common shapes.

    An ASCII ``http(s)://host/...`` URL or a path from the root splits at its
    first ``/``, ``#`` and ``?`` exactly as ``urlsplit`` would; anything else
    (another scheme, non-ASCII, tabs or line breaks it drops, IPv6 hosts it
    validates) goes to ``urlsplit``. A site's URL map splits every old
    address of every item, so this is on the planning's path.
    """
    if url.startswith("http"):
        if url.startswith("https://"):
            scheme, rest = "https", url[8:]
        elif url.startswith("http://"):
            scheme, rest = "http", url[7:]
        else:
            return urlsplit(url)
        if not url.isascii() or _SPLIT_SLOW.search(url) is not None:
            return urlsplit(url)
        end = len(rest)
        for c in "/?#":
            i = rest.find(c, 0, end)
            if i >= 0:
                end = i
        netloc, rest = rest[:end], rest[end:]
    elif url.startswith("/") and not url.startswith("//"):
        if not url.isascii() or _SPLIT_SLOW.search(url) is not None:
            return urlsplit(url)
        scheme = netloc = ""
        rest = url
    else:
        return urlsplit(url)
    path, _, fragment = rest.partition("#")
    path, _, query = path.partition("?")
    return SplitResult(scheme, netloc, path, query, fragment)


def host_key(netloc: str) -> str:
    """A host as a lookup key: no user, port or ``www.``, lower case, and an
    internationalised name in one spelling (``xn--bcher-kva.de`` is ``bücher.de``)."""
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    if "xn--" in host:
        host = ".".join(_unpunycode(label) for label in host.split("."))
    return host[4:] if host.startswith("www.") else host


def _unpunycode(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode").lower()
    except (UnicodeError, ValueError):
        return label


def path_key(path: str) -> str:
    """Path as a lookup key: decoded, no trailing slash, no index.php."""
    p = unquote(path or "/")
    if p.endswith("/index.php"):
        p = p[: -len("index.php")]
    p = p.rstrip("/")
    return p.lower() or "/"


def upload_relpath(url: str) -> Optional[str]:
    """``2010/09/name.jpg`` for any form of an upload URL, else None.

    Recognises ``/wp-content/uploads/…`` on any host (relative too), the
    Jetpack CDN (``i0.wp.com/host/wp-content/uploads/…``) and WordPress.com's
    ``*.files.wordpress.com/YYYY/MM/name``. Query strings (``?w=640``) go.
    The name is left as found (resized or not): see :func:`original_relpath`.
    """
    if not _MAY_BE_UPLOAD.search(url):  # most links of a post are not uploads: no parsing for them
        return None
    try:
        parts = split_url(url.strip())
    except ValueError:
        return None
    host = parts.netloc.lower()
    path = unquote(parts.path)
    if _CDN_HOST.match(host):
        path = "/" + path.lstrip("/").split("/", 1)[-1]
        host = ""
    if host.endswith(".files.wordpress.com") or host == "files.wordpress.com":
        rel = path.lstrip("/")
        if rel.startswith("wp-content/uploads/"):
            rel = rel[len("wp-content/uploads/"):]
    else:
        i = path.find(_UPLOADS)
        if i < 0:
            return None
        rel = path[i + len(_UPLOADS):]
    rel = rel.strip("/")
    if not rel or any(seg in ("", ".", "..") for seg in rel.split("/")):
        return None
    return rel


def original_relpath(rel: str) -> str:
    """The full-size file of a resized variant: ``a-300x200.jpg`` → ``a.jpg``."""
    head, _, name = rel.rpartition("/")
    base = _SIZE_SUFFIX.sub("", name)
    return f"{head}/{base}" if head else base


#: new URLs (and answers of resolve and media) remembered per map; past this a memo starts again
_NEW_CACHE_SIZE = 4096


class TableStore(Protocol):
    """Where a :class:`UrlMap` may keep its tables (see ``writers.static.plan_store``)."""

    def table(self, name: str) -> Any: ...

    def key_set(self, name: str) -> Any: ...


class UrlMap:
    """Every old address of every item, mapped to the address the writer gives it."""

    def __init__(
        self,
        identities: Iterable[Identity],
        site: Site,
        new_url: Callable[[Identity], Optional[str]],
        *,
        tables: Optional["TableStore"] = None,
        by_id: Optional[MutableMapping[int, Identity]] = None,
    ) -> None:
        """``tables`` keeps the map's tables there instead of in dictionaries (a
        static site's plan store); ``by_id`` is a table that already holds
        ``identities`` by id, so they are not stored twice."""
        self.site = site
        self._new_url = new_url
        self._hosts: set[str] = set()
        for u in (site.home, site.base_site_url, site.base_blog_url, site.link):
            if u:
                h = host_key(split_url(u).netloc)
                if h and h not in ("wordpress.com",):
                    self._hosts.add(h)
        self._stored = by_id is not None
        self._by_id: MutableMapping[int, Identity] = by_id if by_id is not None else {}
        self._by_path: MutableMapping[str, int] = tables.table("urlmap_paths") if tables else {}
        #: (old-slug path, id), in the order found
        self._old_paths: MutableMapping[int, tuple[str, int]] = tables.table("urlmap_old_paths") if tables else {}
        self._media: MutableMapping[str, int] = tables.table("urlmap_media") if tables else {}
        self._tables = tables
        self._old_count = 0
        self._new_cache: dict[int, Optional[str]] = {}
        #: answers of resolve() and media(), remembered like new URLs
        self._resolved: dict[str, Optional[str]] = {}
        self._media_found: dict[str, Optional[tuple[Optional[Identity], str]]] = {}
        for ident in identities:
            self.add(ident)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_new_cache"] = {}
        state["_resolved"] = {}
        state["_media_found"] = {}
        return state

    # ------------------------------------------------------------ building
    def add(self, ident: Identity) -> None:
        """Map the old addresses of one more item (an address already mapped keeps its item)."""
        if self._resolved or self._media_found:
            self._resolved.clear()
            self._media_found.clear()
        if not self._stored:
            self._by_id[ident.id] = ident
        for url in (ident.link, ident.guid):
            if upload_relpath(url) is not None:
                continue  # an attachment's GUID is its file, not a page
            key = self._internal_key(url)
            if key is not None and "?" not in key:
                _keep_first(self._by_path, key, ident.id)
        if ident.link:
            for old in ident.old_slugs:
                old_link = _replace_last_segment(ident.link, old)
                key = self._internal_key(old_link)
                if key is not None:
                    _keep_first(self._by_path, key, ident.id)
                    self._old_paths[self._old_count] = (split_url(old_link).path or "/", ident.id)
                    self._old_count += 1
        if ident.attachment_url:
            rel = upload_relpath(ident.attachment_url)
            if rel:
                _keep_first(self._media, rel.lower(), ident.id)

    def _is_internal(self, netloc: str) -> bool:
        return not netloc or host_key(netloc) in self._hosts

    def _internal_parts(self, url: str) -> Optional[SplitResult]:
        """``url`` split, when it is an address on this site."""
        if not url:
            return None
        try:
            parts = split_url(url.strip())
        except ValueError:
            return None
        if parts.scheme not in ("", "http", "https") or not self._is_internal(parts.netloc):
            return None
        return parts

    def _internal_key(self, url: str) -> Optional[str]:
        parts = self._internal_parts(url)
        if parts is None:
            return None
        if parts.query:
            return path_key(parts.path) + "?" + parts.query
        return path_key(parts.path)

    # ------------------------------------------------------------ answers
    def identity(self, url: str) -> Optional[Identity]:
        """The item an old URL names, or None when it names none we know."""
        try:
            parts = split_url(url.strip())
        except ValueError:
            return None
        if parts.scheme not in ("", "http", "https") or not self._is_internal(parts.netloc):
            return None
        if not parts.netloc and not parts.path.startswith("/") and not parts.query:
            return None  # "#top", "page2.html": relative to the page, not the site
        if parts.query:
            for k, v in parse_qsl(parts.query, keep_blank_values=True):
                if k in _ID_QUERIES and v.strip().isdigit():
                    ident = self._by_id.get(int(v))
                    want = _ID_QUERIES[k]
                    if ident is not None and (want is None or ident.type == want):
                        return ident
        found = self._by_path.get(path_key(parts.path))
        return self._by_id.get(found) if found is not None else None

    def new_url_of(self, ident: Identity) -> Optional[str]:
        cache = self._new_cache
        if ident.id in cache:
            return cache[ident.id]
        return _remember(cache, ident.id, self._new_url(ident))

    def resolve(self, url: str) -> Optional[str]:
        """New URL for an old internal URL, keeping its fragment and other query keys."""
        memo = self._resolved
        if url in memo:
            return memo[url]
        return _remember(memo, url, self._resolve(url))

    def _resolve(self, url: str) -> Optional[str]:
        ident = self.identity(url)
        if ident is None:
            return None
        new = self.new_url_of(ident)
        if new is None:
            return None
        parts = split_url(url.strip())
        rest = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if k not in _ID_QUERIES]
        if rest:
            new += ("&" if "?" in new else "?") + urlencode(rest)
        if parts.fragment:
            new += "#" + parts.fragment
        return new

    def media(self, url: str) -> Optional[tuple[Optional[Identity], str]]:
        """(attachment, original relative path) for an upload URL, else None.

        The attachment is None when the file is an upload but no attachment of
        the export points at it (files uploaded by FTP, other sites).
        """
        memo = self._media_found
        if url in memo:
            return memo[url]
        return _remember(memo, url, self._find_media(url))

    def _find_media(self, url: str) -> Optional[tuple[Optional[Identity], str]]:
        rel = upload_relpath(url)
        if rel is None:
            return None
        try:
            netloc = split_url(url.strip()).netloc.lower()
        except ValueError:
            return None
        if netloc and not (
            self._is_internal(netloc) or _CDN_HOST.match(netloc) or netloc.endswith("files.wordpress.com")
        ):
            return None
        orig = original_relpath(rel)
        for candidate in (orig, rel):
            aid = self._media.get(candidate.lower())
            if aid is not None:
                ident = self._by_id[aid]
                return ident, upload_relpath(ident.attachment_url) or candidate
        return None, orig

    def media_path(self, url: str) -> Optional[str]:
        """Relative path (``2010/09/name.jpg``) of the original file of an upload URL."""
        found = self.media(url)
        return found[1] if found else None

    def redirects(self) -> Iterator[tuple[str, str]]:
        """(old path or query URL, new URL) pairs for server redirect rules.

        Permalink paths, ``/?p=ID`` (``page_id``, ``attachment_id`` by type),
        old-slug paths and GUID paths; a pair is left out when the old path is
        already the new one.
        """
        first_time = _first_time(self._tables.key_set("urlmap_redirected") if self._tables else set())
        for ident in self._by_id.values():
            new = self.new_url_of(ident)
            if not new:
                continue
            new_path = split_url(new).path or "/"
            olds: list[str] = []
            for url in (ident.link, ident.guid):
                p = self._internal_parts(url)
                if p is not None and not p.query and upload_relpath(url) is None:
                    olds.append(p.path or "/")
            if ident.id > 0:  # not an item the export gave no id (see readers.wxr.stand_in_id)
                olds.append(f"/?p={ident.id}")
                if ident.type == "page":
                    olds.append(f"/?page_id={ident.id}")
                if ident.type == "attachment":
                    olds.append(f"/?attachment_id={ident.id}")
            for old in olds:
                if "?" not in old and path_key(old) == path_key(new_path):
                    continue
                if first_time(old):
                    yield old, new
        for old, aid in self._old_paths.values():
            new = self.new_url_of(self._by_id[aid])
            if new and first_time(old):
                yield old, new


def _remember(memo: dict, key: Any, value: Any) -> Any:
    """Keep ``value`` under ``key`` in a bounded memo (the map may be as big as the site)."""
    if len(memo) >= _NEW_CACHE_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _first_time(seen: Any) -> Callable[[str], bool]:
    """A test that adds its argument to ``seen`` and says whether it was new."""
    add_new = getattr(seen, "add_new", None)
    if add_new is not None:
        return add_new

    def first(key: str) -> bool:
        if key in seen:
            return False
        seen.add(key)
        return True

    return first


def _keep_first(table: Any, key: Any, value: Any) -> None:
    """``table.setdefault(key, value)``, without reading the value back from a stored table."""
    add_new = getattr(table, "add_new", None)
    if add_new is not None:
        add_new(key, value)
    else:
        table.setdefault(key, value)


def _replace_last_segment(link: str, slug: str) -> str:
    parts = split_url(link)
    segs = parts.path.split("/")
    for i in range(len(segs) - 1, -1, -1):
        if segs[i]:
            segs[i] = slug
            break
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segs), parts.query, ""))


class MediaStore:
    """Bytes of upload files, from a local uploads folder or downloaded on request.

    ``fetch("2010/09/a.jpg", url=...)`` reads ``media_dir/2010/09/a.jpg``;
    when that is missing and ``download`` is on, it downloads ``url`` (three
    tries, 20 s timeout) into ``cache_dir`` first. Whatever cannot be had is
    reported as ``media-missing`` (warning), never raised.
    """

    def __init__(
        self,
        media_dir: Optional[Path | str] = None,
        *,
        download: bool = False,
        cache_dir: Optional[Path | str] = None,
        timeout: float = 20.0,
        retries: int = 3,
        opener: Callable[..., object] = urllib.request.urlopen,
    ) -> None:
        self.media_dir = Path(media_dir) if media_dir else None
        self.download = download
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.timeout = timeout
        self.retries = max(1, retries)
        self._open = opener

    @staticmethod
    def _safe(relpath: str) -> Optional[PurePosixPath]:
        p = PurePosixPath(relpath)
        if p.is_absolute() or any(part in ("..", "") for part in p.parts) or not p.parts:
            return None
        return p

    def fetch(
        self,
        relpath: str,
        url: Optional[str] = None,
        *,
        ctx: Optional[TransformContext] = None,
        report: Optional[Report] = None,
    ) -> Optional[bytes]:
        rel = self._safe(relpath)
        if rel is None:
            self._missing(relpath, "unsafe path", ctx, report)
            return None
        for folder in (self.media_dir, self.cache_dir):
            if folder is not None:
                f = folder.joinpath(*rel.parts)
                try:
                    if f.is_file():
                        return f.read_bytes()
                except OSError:  # e.g. a name longer than the file system allows
                    continue
        if not self.download or not url:
            where = f"in {self.media_dir}" if self.media_dir else "(no media folder given)"
            self._missing(relpath, f"not found {where}", ctx, report)
            return None
        data, error = self._download(url)
        if data is None:
            self._missing(relpath, f"download of {url} failed: {error}", ctx, report)
            return None
        if self.cache_dir is not None:
            dest = self.cache_dir.joinpath(*rel.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(dest.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(dest)
        return data

    def _download(self, url: str) -> tuple[Optional[bytes], str]:
        error = ""
        for attempt in range(self.retries):
            try:
                req = urllib.request.Request(url, headers={"User-Agent": "wpmigrate"})
                with self._open(req, timeout=self.timeout) as resp:  # type: ignore[attr-defined]
                    return resp.read(), ""
            except urllib.error.HTTPError as e:
                error = f"HTTP {e.code}"
                if 400 <= e.code < 500 and e.code != 429:
                    break  # will not get better by asking again
            except (urllib.error.URLError, OSError, ValueError) as e:
                error = str(getattr(e, "reason", e))
            if attempt + 1 < self.retries:
                time.sleep(0.5 * 2 ** attempt)
        return None, error

    @staticmethod
    def _missing(relpath: str, why: str, ctx: Optional[TransformContext], report: Optional[Report]) -> None:
        msg = f"media file {relpath}: {why}"
        if ctx is not None:
            ctx.finding("media-missing", "warning", msg)
        elif report is not None:
            report.emit("media-missing", "warning", msg)
