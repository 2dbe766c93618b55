"""The streaming validator behind ``wpmigrate validate``.

One pass per file over the reader's own element stream
(:func:`migrate.readers.wxr.iter_item_elements`), so line numbers are those of
the elements inside items (``el.sourceline``) and memory stays flat: content
is checked where it is read and dropped; only identities are kept, in compact
arrays (per item: id, type, status, parent, file, line, a short title; per
comment: id, item, parent, line). Reference rules run at the end, over the
whole site, so a parent defined after its child still counts.

A file the parser stops on is read again through
:class:`~migrate.validate.scan.ScanStream`, which reports control characters
and invalid UTF-8 with their line and column and neutralises them so the rest
of the file is still checked (a file the parser reads to the end has none:
see :meth:`SiteValidator._items`). A file that is not well-formed gives one
finding at the parser's line and column; the other files are still validated.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import tempfile
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree

from migrate.errors import Finding, InputError, Severity, UnsafeInputError
from migrate.model import KNOWN_APPROVAL, KNOWN_STATUSES, ZERO_DATE, parse_wp_date
from migrate.readers.namespaces import DeclaringStream, undefined_wxr_prefix
from migrate.readers.sources import InputSource, sources_for
from migrate.readers.wxr import (
    KNOWN_VERSIONS, ReadOptions, check_prologue, iter_item_elements, syntax_error_at, tag_key, undeclared_message,
)
from migrate.transforms.links import host_key, path_key
from migrate.readers import halves
from migrate.validate.config import Config
from migrate.validate.rules import RULES
from migrate.validate.scan import ScanStream

#: Post types without a public URL: their slugs are not checked.
NO_URL_TYPES = frozenset({
    "nav_menu_item", "attachment", "revision", "wp_global_styles", "wp_navigation", "wp_template",
    "wp_template_part", "custom_css", "customize_changeset", "oembed_cache", "user_request",
    "wp_font_family", "wp_font_face", "wp_block",
})
#: Built-in taxonomies core's exporter never declares (items still use them).
NEVER_DECLARED_TAXONOMIES = frozenset({"post_format", "wp_theme", "wp_template_part_area", "link_category"})
#: Unpublished statuses whose GMT date is legitimately zero.
TITLE_KEEP = 80

_WP_NS = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/?$")
_INT = re.compile(r"^\s*\+?(\d+)\s*$")
# Mojibake: a UTF-8 sequence read as Latin-1 / Windows-1252 and encoded again.
_CONT = "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d" \
        "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}")
#: A cheap first look (one character class pair) before the full pattern.
_MOJIBAKE_PRE = re.compile(f"[\u00c2-\u00f4][{_CONT}]")
#: Every name shortcode-unknown can report, as it follows its "[": a reported
#: name is all of this class and is the whole run of shortcode-name characters
#: after the bracket, so it is the whole run of this class there too. Content
#: whose runs are all known names cannot have a finding.
_SC_CANDIDATE = re.compile(r"\[([A-Za-z][A-Za-z0-9_-]+)")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HREF_ANY_CASE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_FILE_EXT = re.compile(r"\.([a-z0-9]{1,5})$")
_PAGE_EXTS = frozenset({"html", "htm", "php"})
_NOT_ITEM_PREFIXES = (
    "/wp-content/", "/wp-includes/", "/wp-admin", "/wp-json", "/wp-login", "/xmlrpc.php", "/feed",
    "/comments/feed", "/category/", "/tag/", "/author/", "/page/", "/search/", "/files/",
)
_DATE_ARCHIVE = re.compile(r"^(/\d+)+$")
#: URLs whose _link_kind is kept (then the memo starts again): memory stays flat.
_LINK_KINDS_KEPT = 4096
_ITEM_FIELDS = frozenset({
    "wp:post_id", "title", "link", "guid", "dc:creator", "wp:post_type", "wp:status", "wp:post_name",
    "wp:post_parent", "content:encoded", "excerpt:encoded", "wp:attachment_url", "wp:post_date",
    "wp:post_date_gmt", "wp:post_modified", "wp:post_modified_gmt",
})
_POST_DATE_KEYS = ("wp:post_date", "wp:post_date_gmt", "wp:post_modified", "wp:post_modified_gmt")
#: Comment fields the checks read, by position in SiteValidator._comment; 7 is comment meta.
_COMMENT_CODE = {
    "wp:comment_id": 0, "wp:comment_parent": 1, "wp:comment_approved": 2, "wp:comment_date": 3,
    "wp:comment_date_gmt": 4, "wp:comment_content": 5, "wp:comment_author": 6, "wp:commentmeta": 7,
}
#: Raw lxml tag to its _COMMENT_CODE (None: not read).
_COMMENT_CODES: dict = {}
_COMMENT_FIELDS = frozenset({
    "wp:comment_id", "wp:comment_parent", "wp:comment_approved", "wp:comment_date", "wp:comment_date_gmt",
    "wp:comment_content", "wp:comment_author",
})


def _parse_date(value: str) -> datetime | None | bool:
    """A datetime; None when absent or zero; False when present but invalid."""
    v = value.strip()
    if not v or v == ZERO_DATE:
        return None
    found = parse_wp_date(v)
    return found if found is not None else False


def _has_date(text: str | None) -> bool:
    """Whether a date element holds a date (an invalid one counts): WordPress's
    importer treats an empty or zero date as none and uses the time of the import."""
    return (text or "").strip() not in ("", ZERO_DATE)


def _short(title: str) -> str:
    t = " ".join(title.split())
    return t if len(t) <= TITLE_KEEP else t[:TITLE_KEEP - 1] + "…"


def _fmt_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return f"{sign}{m // 60:02d}:{m % 60:02d}"



# ------------------------------------------------------------------ results

@dataclass
class FileSummary:
    name: str
    items: int = 0
    comments: int = 0
    parsed: bool = True


@dataclass
class Results:
    """Findings of a run: bounded in memory, with exact counts.

    A finding repeated on the same (file, code, line) is kept ``per_line``
    times; each code keeps ``per_code`` findings in full. Counts stay exact.
    """

    config: Config = field(default_factory=Config)
    per_line: int = 3
    per_code: int = 1000
    findings: list[Finding] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (code, severity) -> n
    repeated: Counter = field(default_factory=Counter)  # code -> not kept: same line
    beyond: Counter = field(default_factory=Counter)  # code -> not kept: per-code limit
    files: list[FileSummary] = field(default_factory=list)
    #: inputs that could not be opened or read at all (exit status 2).
    fatal: list[str] = field(default_factory=list)
    _kept: Counter = field(default_factory=Counter)
    _lines: Counter = field(default_factory=Counter)

    def emit(self, code: str, message: str, *, file: str | None = None, line: int | None = None,
             column: int | None = None, item_id: int | None = None, item_title: str | None = None) -> None:
        level = self.config.levels_for(file or "")[code] if file else RULES[code].severity
        if level is None:
            return
        self.counts[(code, level)] += 1
        if line is not None:
            key = hash((file, code, line))  # the count is all that is kept
            self._lines[key] += 1
            if self._lines[key] > self.per_line:
                self.repeated[code] += 1
                return
        if self._kept[code] >= self.per_code:
            self.beyond[code] += 1
            return
        self._kept[code] += 1
        self.findings.append(Finding(code, level, message, file, line, column, item_id,
                                     item_title if item_title is not None else None))

    def count(self, severity: Severity | None = None) -> int:
        return sum(n for (c, s), n in self.counts.items() if severity is None or s == severity)

    def by_code(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (code, sev), n in sorted(self.counts.items()):
            out.setdefault(code, {})[sev] = n
        return out

    def sorted_findings(self) -> list[Finding]:
        order = {f.name: i for i, f in enumerate(self.files)}
        return sorted(self.findings, key=lambda f: (order.get(f.file or "", 1 << 30), f.file or "",
                                                    f.line or 0, f.column or 0, f.code))

    def exit_code(self, *, strict: bool = False, max_warnings: int | None = None) -> int:
        if self.fatal:
            return 2
        if self.count("error"):
            return 1
        warnings = self.count("warning")
        if strict and warnings:
            return 1
        if max_warnings is not None and warnings > max_warnings:
            return 1
        return 0


# --------------------------------------------------------------------- site

@dataclass
class _Header:
    ok: bool
    utf8: bool = True
    authors: set[str] = field(default_factory=set)
    #: (taxonomy, slug, parent, line) in file order
    terms: list[tuple[str, str, str, int]] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)
    blog_path: str = ""


#: What the items of a file add to a SiteValidator: what a forked half hands back.
_ITEM_STATE = (
    "ids", "parents", "lines", "fidx", "types", "titles", "id_index", "slugs", "t_idx", "t_line", "t_val",
    "t_text", "c_ids", "c_item", "c_parent", "c_line", "c_index", "d_off", "d_line", "d_first", "d_big",
    "known_paths", "known_slugs", "l_key", "l_idx", "l_line", "l_url", "id_links", "reported_terms",
)
#: Findings a forked half may hand back; with more the half is read again in one piece.
_MAX_HALF_EMITS = 20_000


class _TooMany(Exception):
    """A forked half found more than _MAX_HALF_EMITS findings."""


class _Recorder:
    """Stands for Results in a forked half: the findings' arguments, in order, to be emitted by the parent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict]] = []

    def emit(self, code: str, message: str, **kw) -> None:
        if len(self.calls) >= _MAX_HALF_EMITS:
            raise _TooMany
        self.calls.append((code, message, kw))


class _Stop(Exception):
    """The current file cannot be read further (the finding is already emitted)."""


class SiteValidator:
    """Validates the files of one site: identities collected, references checked at the end."""

    def __init__(self, results: Results, *, known_shortcodes: frozenset[str] = frozenset(),
                 parser_first: bool = True, prefilter: bool = True, halves: bool = True) -> None:
        self.r = results
        #: Check a big file's second half in a forked process (see :meth:`_items_in_halves`).
        self.halves = halves
        #: Parse a UTF-8 file's raw bytes first, through the scanner only when the
        #: parser stops (see :meth:`_items`); False always reads through the scanner.
        self.parser_first = parser_first
        #: Skip a content check when a cheap look proves it cannot find anything;
        #: False runs every check in full (the tests compare both).
        self.prefilter = prefilter
        self.files: list[str] = []
        #: files whose items use a WXR prefix undeclared (reported once each)
        self.undeclared_in: set[str] = set()
        self._reset_item_state()
        # header
        self.authors: set[str] = set()
        self.declares_authors = False
        self.terms: set[tuple[str, str]] = set()
        self.taxonomies: set[str] = set()
        self.hosts: set[str] = set()
        self.blog_path = ""
        self.incomplete = False
        self.known_shortcodes = known_shortcodes
        self._shortcodes = _load_shortcodes()
        #: Names never reported: the converters' and the configuration's.
        self._sc_quiet = (self._shortcodes[1] | known_shortcodes) if self._shortcodes else frozenset()

    def _reset_item_state(self) -> None:
        """Empty every record items and comments add (the header's stay)."""
        # items
        # ids are 4 bytes each until one does not fit (_wide makes them 8)
        self.ids = array("i")
        self.parents = array("i")
        self.lines = array("i")
        self.fidx = array("H")
        self.types: list[str] = []
        self.titles = _Texts()
        self.id_index = _IdIndex()
        #: hash((type, parent, slug)) of published items -> the first item's index
        self.slugs: dict[int, int] = {}
        # _thumbnail_id values: item index, line, the id (-1: the text is in t_text)
        self.t_idx = array("i")
        self.t_line = array("i")
        self.t_val = array("q")
        self.t_text: dict[int, str] = {}
        # comments
        self.c_ids = array("i")
        self.c_item = array("i")
        self.c_parent = array("i")
        self.c_line = array("i")
        self.c_index = _IdIndex()
        # dates: offset minutes and line of each local/GMT pair; d_first is
        # the first pair of each item (pairs come in item order); an offset
        # too big for the array is kept in d_big by its position
        self.d_off = array("i")
        self.d_line = array("i")
        self.d_first = array("i")
        self.d_big: dict[int, int] = {}
        # links: hashes of the paths and slugs items have; each internal link
        # found (hash of its path key, item index, line, URL) in order
        self.known_paths = array("q")
        self.known_slugs = array("q")
        self.l_key = array("q")
        self.l_idx = array("i")
        self.l_line = array("i")
        self.l_url = _Texts()
        #: path hashes in l_key: later links to a path are never reported
        self.l_seen: set[int] = set()
        #: _link_kind of recent URLs (a site links to its own posts again and again)
        self._link_kinds: dict[str, tuple[bool, int] | bool] = {}
        self.id_links: dict[int, tuple[int, int, str]] = {}
        self.reported_terms: set[tuple[str, str]] = set()

    # ---------------------------------------------------------------- run
    def validate(self, sources: list[InputSource]) -> None:
        headers: list[tuple[InputSource, _Header, FileSummary]] = []
        all_terms: list[tuple[str, str, str, int, str]] = []
        for source in sources:
            summary = FileSummary(source.name)
            self.r.files.append(summary)
            header = self._header(source)
            summary.parsed = header.ok
            if not header.ok:
                self.incomplete = True
            headers.append((source, header, summary))
            self.authors |= header.authors
            self.declares_authors = self.declares_authors or bool(header.authors)
            for tax, slug, parent, line in header.terms:
                self.terms.add((tax, slug))
                self.taxonomies.add(tax)
                all_terms.append((tax, slug, parent, line, source.name))
            self.hosts |= header.hosts
            self.blog_path = self.blog_path or header.blog_path
        self._check_term_parents(all_terms)
        for source, header, summary in headers:
            if header.ok:
                self._items(source, header, summary)
        self._finish()

    # ------------------------------------------------------------- header
    def _open_scanned(self, source: InputSource, utf8: bool) -> tuple[InputSource, list[ScanStream]]:
        made: list[ScanStream] = []

        def opener() -> ScanStream:
            s = ScanStream(source.open(), utf8=utf8)
            made.append(s)
            return s

        return InputSource(source.name, opener, source.size), made

    def _header(self, source: InputSource) -> _Header:
        name = source.name
        emit = self.r.emit
        try:
            encoding = check_prologue(source)
        except UnsafeInputError as exc:
            emit("xml-doctype", exc.message, file=name, line=exc.line, column=exc.column)
            return _Header(False)
        except InputError as exc:
            if exc.message.startswith("cannot open") or exc.message.startswith("corrupt compressed"):
                raise
            emit("not-wxr", exc.message, file=name, line=exc.line, column=exc.column)
            return _Header(False)
        utf8 = encoding in ("utf-8", "utf8")
        found = self._parse_header(source, utf8, declare=False)
        if isinstance(found, tuple):  # a WXR prefix without its declaration: read as WordPress does
            prefix, line, column = found
            emit("xml-namespace-undeclared", undeclared_message(prefix), file=name, line=line, column=column)
            self.undeclared_in.add(name)
            found = self._parse_header(source, utf8, declare=True)
            assert not isinstance(found, tuple)
        return found

    def _parse_header(self, source: InputSource, utf8: bool, declare: bool) -> "_Header | tuple[str, int, int]":
        """The header's records, or where a WXR prefix is used undeclared (only when not ``declare``)."""
        name = source.name
        emit = self.r.emit
        h = _Header(True, utf8)
        wrapped, _ = self._open_scanned(source, utf8)
        stream: BinaryIO = wrapped.open()
        declaring = DeclaringStream(stream) if declare else None
        if declaring is not None:
            stream = declaring
        version: tuple[str, int] | None = None
        root = channel = None
        nsmap: dict = {}
        has_wp = False
        channel_line = 1
        first_item_line: int | None = None
        try:
            ctx = etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                                  load_dtd=False, huge_tree=True, remove_blank_text=False)
            for event, el in ctx:
                if event == "start":
                    if root is None:
                        root = el
                        nsmap = dict(el.nsmap)
                        if el.tag != "rss":
                            local = etree.QName(el).localname if isinstance(el.tag, str) else el.tag
                            emit("not-wxr", f"the root element is <{local}>, not <rss>: this is not a WordPress export",
                                 file=name, line=el.sourceline)
                            return _Header(False)
                    elif channel is None and el.tag == "channel" and el.getparent() is root:
                        channel = el
                        channel_line = el.sourceline or 1
                        nsmap.update(el.nsmap)
                    elif el.tag == "item" and channel is not None and el.getparent() is channel:
                        first_item_line = el.sourceline
                        break
                    continue
                if channel is None or el.getparent() is not channel:
                    continue
                k = tag_key(el.tag)
                if not k:
                    continue
                if k.startswith("wp:"):
                    has_wp = True
                if k == "wp:wxr_version":
                    version = ((el.text or "").strip(), el.sourceline)
                elif k in ("wp:author", "wp:wp_author"):
                    for c in el:
                        if tag_key(c.tag) == "wp:author_login" and (c.text or "").strip():
                            h.authors.add(c.text or "")
                elif k in ("wp:category", "wp:tag", "wp:term"):
                    h.terms.append(_term(el, k))
                elif k in ("link", "wp:base_blog_url", "wp:base_site_url"):
                    url = (el.text or "").strip()
                    parts = urlsplit(url)
                    host = host_key(parts.netloc)
                    if host and host != "wordpress.com":
                        h.hosts.add(host)
                        if k != "wp:base_site_url" and not h.blog_path:
                            h.blog_path = parts.path.rstrip("/")
                el.clear(keep_tail=True)
        except etree.XMLSyntaxError as exc:
            undeclared = None if declare else undefined_wxr_prefix(ctx.error_log)
            if undeclared is not None:
                return undeclared
            line, column, msg = syntax_error_at(exc, ctx.error_log)
            if declaring is not None:
                column = declaring.original_column(line, column)
            self._not_well_formed(name, msg, line, column)
            return _Header(False)
        finally:
            stream.close()
        # the parser may hold back an error of the header until it reads past where
        # the loop stopped (one among the items is the items' reader's to handle)
        undeclared = None if declare else undefined_wxr_prefix(ctx.error_log)
        if undeclared is not None and (first_item_line is None or undeclared[1] < first_item_line):
            return undeclared
        if channel is None:
            emit("not-wxr", "no <channel> element inside <rss>: this is not a WordPress export",
                 file=name, line=root.sourceline if root is not None else 1)
            return _Header(False)
        if not has_wp and not any(_WP_NS.match(u or "") for u in nsmap.values()):
            emit("not-wxr", "no WordPress export namespace (http://wordpress.org/export/1.2/) and no "
                 "<wp:wxr_version>: this looks like a plain RSS feed, not a WordPress export",
                 file=name, line=channel_line)
            return _Header(False)
        if version is None:
            emit("wxr-version-missing", "the export has no <wp:wxr_version>; WordPress's importer refuses it: "
                 "add <wp:wxr_version>1.2</wp:wxr_version> to <channel>", file=name, line=channel_line)
        elif not re.fullmatch(r"\d+\.\d+", version[0]):
            emit("wxr-version-invalid", f"<wp:wxr_version> is {version[0]!r}, not a version number like 1.2; "
                 "WordPress's importer refuses the file", file=name, line=version[1])
        elif version[0] not in KNOWN_VERSIONS and tuple(map(int, version[0].split("."))) > (1, 2):
            emit("wxr-version-newer", f"WXR version {version[0]} is newer than 1.2, the newest WordPress writes; "
                 "check the file came from WordPress", file=name, line=version[1])
        return h

    def _undeclared(self, name: str):
        """What the items' reader calls when it meets a WXR prefix used undeclared.

        The reader then declares every prefix the root lacks, so a file has one
        such finding, however often its items are read again.
        """
        def found(prefix: str, line: int, column: int) -> None:
            if name not in self.undeclared_in:
                self.undeclared_in.add(name)
                self.r.emit("xml-namespace-undeclared", undeclared_message(prefix),
                            file=name, line=line, column=column)
        return found

    def _not_well_formed(self, name: str, msg: str, line: int | None, column: int | None) -> None:
        msg = re.sub(r",? line \d+, column \d+$", "", msg).strip()
        msg = re.sub(r" \(run with --recover[^)]*\)$", "", msg)
        msg = re.sub(r"^not well-formed XML: ", "", msg)
        hint = ""
        if "EntityRef" in msg or "xmlParseEntityRef" in msg:
            hint = "; a raw '&' must be written '&amp;' (or the value wrapped in CDATA)"
        elif "Premature end of data" in msg or "EndTag" in msg and "end of" in msg:
            hint = "; the file seems cut short: export it again"
        self.r.emit("xml-not-well-formed",
                    f"not well-formed XML: {msg}{hint}; the rest of the file was not checked",
                    file=name, line=line, column=column)
        self.incomplete = True

    def _check_term_parents(self, terms: list[tuple[str, str, str, int, str]]) -> None:
        declared = {(t[0], t[1]) for t in terms}
        seen: set[tuple[str, str]] = set()
        for tax, slug, parent, line, file in terms:
            if parent and (tax, parent) not in seen:
                where = ("is declared after it, so the importer creates this term at the top level"
                         if (tax, parent) in declared else "is not declared in the export")
                self.r.emit("term-parent-missing",
                            f"{tax} '{slug}' has the parent '{parent}', which {where}",
                            file=file, line=line)
            seen.add((tax, slug))

    # -------------------------------------------------------------- items
    def _items(self, source: InputSource, header: _Header, summary: FileSummary) -> None:
        name = source.name
        fi = len(self.files)
        self.files.append(name)
        done = 0  # items of this file checked so far: the first ones, in file order
        if header.utf8 and self.parser_first:
            # libxml2 rejects every byte the scanner flags (a control character,
            # U+FFFE/U+FFFF, bytes that are not UTF-8), wherever it stands: a file
            # it reads to the end has nothing for the scanner to report, and the
            # scanner would hand it on unchanged. So the raw bytes are parsed
            # first; only a file the parser stops on is read again through the
            # scanner, skipping the items already checked (their bytes precede
            # the first problem, so both reads give them identically).
            if self.halves:
                done, finished = self._items_in_halves(source, fi, summary)
                if finished:
                    return
            n = 0
            try:
                for el in iter_item_elements(source, ReadOptions(), None, self._undeclared(name)):
                    n += 1
                    if n > done:
                        self._item(el, fi, name, summary)
                return
            except InputError as exc:
                if exc.message.startswith(("cannot open", "corrupt compressed")):
                    raise
                done = max(done, n)
        wrapped, scanners = self._open_scanned(source, header.utf8)
        try:
            for el in iter_item_elements(wrapped, ReadOptions(), None, self._undeclared(name)):
                if done:
                    done -= 1
                    continue
                self._item(el, fi, name, summary)
        except InputError as exc:
            if exc.message.startswith(("cannot open", "corrupt compressed")):
                raise
            self._not_well_formed(name, exc.message, exc.line, exc.column)
            summary.parsed = False
        if scanners:
            sc = scanners[-1]
            for p in sc.problems:
                code = "xml-control-char" if p.kind == "control-char" else "encoding-invalid-utf8"
                msg = (f"{p.detail}: XML 1.0 forbids it and strict parsers reject the file; remove it"
                       if code == "xml-control-char" else
                       f"{p.detail}; re-save the file as UTF-8")
                self.r.emit(code, msg, file=name, line=p.line, column=p.column)

    # ------------------------------------------------------------- halves
    def _items_in_halves(self, source: InputSource, fi: int, summary: FileSummary) -> tuple[int, bool]:
        """Check a big file's first half here and its second half in a forked process.

        Returns how many items were checked, and whether that was all of them.
        The child checks its items on empty records (the header's stay) and
        hands back its records and findings; they are added to this side's as
        if read in order, which gives the same result unless an identity of
        the second half repeats one of the first (an id, a slug, a comment id,
        a term reported once): then, as when any part fails, the caller reads
        the second half again here, after the items already checked.
        """
        if not hasattr(os, "fork") or (source.size or 0) < halves.SPLIT_MIN_BYTES or not halves.plain_file(source):
            return 0, False
        cuts = halves.find_cuts(source)
        if cuts is None:
            return 0, False
        header_end, cut = cuts
        out = tempfile.TemporaryFile()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            status = 1
            try:
                status = self._second_half(source, header_end, cut, fi, out)
            finally:
                os._exit(status)
        n = 0
        try:
            try:
                for el in iter_item_elements(halves.first_half(source, cut), ReadOptions(), None,
                                             self._undeclared(source.name)):
                    n += 1
                    self._item(el, fi, source.name, summary)
            except InputError as exc:
                if exc.message.startswith(("cannot open", "corrupt compressed")):
                    raise
                return n, False
            _, status = os.waitpid(pid, 0)
            pid = 0
            if status != 0:
                return n, False
            out.seek(0)
            part = pickle.load(out)
            if not self._merge(part, summary):
                return n, False
            return n + part["items"], True
        finally:
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            out.close()

    def _second_half(self, source: InputSource, header_end: int, cut: int, fi: int, out: BinaryIO) -> int:
        """In the child: check the second half's items and write their records to ``out``; the exit status."""
        for _ in iter_item_elements(halves.header_alone(source, header_end), ReadOptions(), None):
            return 1  # the header holds an item: the first cut is not where items start
        self.r = _Recorder()  # type: ignore[assignment]
        self._reset_item_state()
        summary = FileSummary(source.name)
        try:
            for el in iter_item_elements(halves.second_half(source, header_end, cut), ReadOptions(), None,
                                         self._undeclared(source.name)):
                self._item(el, fi, source.name, summary)
        except (InputError, _TooMany):
            return 1
        state = {k: getattr(self, k) for k in _ITEM_STATE}
        state.update(items=summary.items, comments=summary.comments, emits=self.r.calls)  # type: ignore[attr-defined]
        pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        return 0

    def _merge(self, part: dict, summary: FileSummary) -> bool:
        """Add the child's records after this side's; False (nothing added) when an identity repeats."""
        ids = [k for k, v in enumerate(part["id_index"].table) if v] + list(part["id_index"].other)
        cids = [k for k, v in enumerate(part["c_index"].table) if v] + list(part["c_index"].other)
        if (any(k in self.id_index for k in ids) or any(k in self.c_index for k in cids)
                or not self.slugs.keys().isdisjoint(part["slugs"])
                or not self.reported_terms.isdisjoint(part["reported_terms"])):
            return False
        for code, message, kw in part.pop("emits"):
            if code == "xml-namespace-undeclared" and kw.get("file") in self.undeclared_in:
                continue  # the first half found it first: one read reports it once
            self.r.emit(code, message, **kw)
        # each record is dropped once added, so the two copies never coexist whole
        n_items, n_comments, n_dates, n_thumbs = len(self.ids), len(self.c_ids), len(self.d_off), len(self.t_val)
        for name in ("ids", "parents", "c_ids", "c_parent"):
            if part[name].itemsize > getattr(self, name).itemsize:
                self._wide(name)
            getattr(self, name).extend(array(getattr(self, name).typecode, part.pop(name)))
        for name in ("lines", "fidx", "t_line", "t_val", "c_line", "d_off", "d_line", "known_paths", "known_slugs"):
            getattr(self, name).extend(part.pop(name))
        self.types.extend(_intern(t) for t in part.pop("types"))
        self.titles.extend(part.pop("titles"))
        index = part.pop("id_index")
        for k in ids:
            self.id_index.first(k, index.get(k) + n_items)
        index = part.pop("c_index")
        for k in cids:
            self.c_index.first(k, index.get(k) + n_comments)
        del index, ids, cids
        self.slugs.update((k, v + n_items) for k, v in part.pop("slugs").items())
        self.t_idx.extend(i + n_items for i in part["t_idx"])
        self.t_text.update((k + n_thumbs, v) for k, v in part["t_text"].items())
        self.c_item.extend(i + n_items for i in part["c_item"])
        self.d_first.extend(i + n_dates for i in part["d_first"])
        self.d_big.update((k + n_dates, v) for k, v in part["d_big"].items())
        urls = part["l_url"]
        for j, h in enumerate(part["l_key"]):
            if h not in self.l_seen:
                self.l_seen.add(h)
                self.l_key.append(h)
                self.l_idx.append(part["l_idx"][j] + n_items)
                self.l_line.append(part["l_line"][j])
                self.l_url.append(urls[j])
        for pid, (idx, line, url) in part["id_links"].items():
            self.id_links.setdefault(pid, (idx + n_items, line, url))
        self.reported_terms |= part["reported_terms"]
        summary.items += part["items"]
        summary.comments += part["comments"]
        return True

    def _item(self, el: etree._Element, fi: int, fname: str, summary: FileSummary) -> None:
        emit = self.r.emit
        line = el.sourceline
        keys = _KEYS
        vals: dict[str, etree._Element] = {}
        cats: list[tuple[str, str, int]] = []
        metas: list[tuple[str, str, int]] = []
        comments = []
        for c in el:
            tag = c.tag
            try:
                k = keys[tag]
            except KeyError:
                k = keys[tag] = tag_key(tag)
            if k is None:
                continue
            if k in _ITEM_FIELDS:
                vals.setdefault(k, c)
            elif k == "category":
                cats.append((c.get("domain", ""), c.get("nicename", ""), c.sourceline))
            elif k == "wp:postmeta":
                key = value = ""
                vline = c.sourceline
                for m in c:
                    mk = tag_key(m.tag)
                    if mk == "wp:meta_key":
                        key = m.text or ""
                    elif mk == "wp:meta_value":
                        value = m.text or ""
                        vline = m.sourceline
                metas.append((key, value, vline))
            elif k == "wp:comment":
                comments.append(c)
        get = vals.get
        e = get("wp:post_id")
        pid_text, pid_line = (e.text or "", e.sourceline) if e is not None else (None, line)
        e = get("title")
        title = (e.text or "") if e is not None else ""
        e = get("link")
        link = (e.text or "").strip() if e is not None else ""
        e = get("guid")
        guid = (e.text or "").strip() if e is not None else ""
        e = get("dc:creator")
        creator, creator_line = ((e.text or "").strip(), e.sourceline) if e is not None else (None, line)
        e = get("wp:post_type")
        ptype = ((e.text or "").strip() or "post") if e is not None else "post"
        e = get("wp:status")
        status, status_line = ((e.text or "").strip(), e.sourceline) if e is not None else ("publish", line)
        e = get("wp:post_name")
        slug = (e.text or "").strip() if e is not None else ""
        e = get("wp:post_parent")
        parent_text = (e.text or "") if e is not None else "0"
        e = get("content:encoded")
        content, content_line = (e.text or "", e.sourceline) if e is not None else (None, line)
        e = get("excerpt:encoded")
        excerpt, excerpt_line = (e.text or "", e.sourceline) if e is not None else (None, line)
        e = get("wp:attachment_url")
        att_url, att_line = ((e.text or "").strip(), e.sourceline) if e is not None else (None, line)
        dates = [(k, e.text or "", e.sourceline) for k in _POST_DATE_KEYS if (e := get(k)) is not None]
        summary.items += 1
        stitle = _short(title)
        m = _INT.match(pid_text or "")
        pid: int | None = int(m.group(1)) if m else None
        if pid is None or not 0 < pid < _I64:
            what = "no <wp:post_id>" if pid_text is None else f"the post id {pid_text.strip()!r}, not a positive integer"
            emit("post-id-invalid", f"the item has {what}; the importer gives it a new id and nothing can "
                 "refer to it", file=fname,
                 line=pid_line, item_title=stitle)
            pid = None
        pm = _INT.match(parent_text)
        parent = int(pm.group(1)) if pm else 0
        if not -_I64 <= parent < _I64:
            emit("post-id-invalid", f"the post parent {parent_text.strip()!r} is out of range; "
                 "the importer cannot attach the item to it", file=fname, line=line, item_title=stitle)
            parent = 0
        idx = len(self.ids)
        ids, parents = self.ids, self.parents
        if ids.itemsize < 8 and not (-_I32 <= (pid or 0) < _I32 and -_I32 <= parent < _I32):
            ids, parents = self._wide("ids", "parents")
        ids.append(pid if pid is not None else 0)
        parents.append(parent)
        self.d_first.append(len(self.d_off))
        self.lines.append(line or 0)
        self.fidx.append(fi)
        self.types.append(_intern(ptype))
        self.titles.append(stitle)
        if pid is not None:
            first = self.id_index.first(pid, idx)
            if first is None:
                pass
            elif self.fidx[first] == fi:
                emit("post-id-duplicate",
                     f"post id {pid} is already used by the item at line {self.lines[first]} "
                     f"({self.types[first]} '{self.titles[first]}'); WordPress's importer skips this "
                     f"{ptype} as already existing, so it is lost: give it an unused id",
                     file=fname, line=pid_line, item_id=pid, item_title=stitle)
            else:
                emit("item-duplicate",
                     f"post id {pid} was already read from {self.files[self.fidx[first]]}; the first one is kept",
                     file=fname, line=pid_line, item_id=pid, item_title=stitle)
        where = {"file": fname, "item_id": pid, "item_title": stitle}
        # values
        if status not in KNOWN_STATUSES:
            emit("status-unknown", f"status {status!r} is not one WordPress core knows "
                 f"({', '.join(KNOWN_STATUSES)}); a plugin's custom status is read as unpublished",
                 line=status_line, **where)
        if status == "publish" and ptype not in NO_URL_TYPES:
            if not slug:
                emit("slug-empty", f"this published {ptype} has an empty <wp:post_name>; WordPress makes one "
                     "from the title on import, so the URL changes: set the slug", line=line, **where)
            else:
                first = self.slugs.setdefault(hash((ptype, parent, slug)), idx)
                if first != idx:
                    emit("slug-duplicate", f"slug '{slug}' is already used by the published {ptype} "
                         f"{self.ids[first]} at line {self.lines[first]}; WordPress renames this one on "
                         "import (its URL changes)", line=line, **where)
        if slug:
            self.known_slugs.append(hash(unquote(slug).lower()))
        self._dates(dates, idx, where)
        if not any(k in ("wp:post_date", "wp:post_date_gmt") and _has_date(t) for k, t, _ in dates):
            emit("date-missing", "the item has no <wp:post_date> or <wp:post_date_gmt> with a date; the importer "
                 "dates it at the moment of the import (converters use its <pubDate> when it has one)",
                 line=line, **where)
        if creator is not None and self.declares_authors and creator not in self.authors:
            msg = ("dc:creator is empty" if not creator else f"dc:creator '{creator}' is not a declared author")
            same = [a for a in self.authors if a.lower() == creator.lower()] if creator else []
            if same:
                msg += f" (the declared login '{same[0]}' differs in case, and the importer compares exactly)"
            emit("creator-unknown", f"{msg}; the importer assigns the item to the user who runs the import",
                 line=creator_line, **where)
        for domain, nicename, cline in cats:
            if not domain or not nicename:
                continue
            tax = "post_tag" if domain == "tag" else domain
            if tax in NEVER_DECLARED_TAXONOMIES or tax not in self.taxonomies:
                continue
            tkey = (tax, nicename)
            if tkey in self.terms or (tax, unquote(nicename)) in self.terms or tkey in self.reported_terms:
                continue
            self.reported_terms.add(tkey)
            emit("term-undeclared", f"{tax} '{nicename}' is used here but not declared in the export's "
                 "header; only its name can be imported (reported once per term)", line=cline, **where)
        for key, value, vline in metas:
            if key == "_thumbnail_id":
                self._thumbnail(value, idx, vline)
            elif key == "_wp_old_slug" and value:
                self.known_slugs.append(hash(unquote(value).lower()))
            elif len(value) > 3 and value[1] == ":":
                self._serialized(key, value, vline, where, "postmeta")
        if ptype == "attachment":
            self._attachment_url(att_url, att_line, where)
        for text, tline in ((title, line), (content, content_line), (excerpt, excerpt_line)):
            if text and not text.isascii():
                self._mojibake(text, tline, where)
        if link:
            self._known_url(link)
        if guid and ptype != "attachment":
            self._known_url(guid)
        if content:
            if "wp:" in content:
                self._blocks(content, content_line, where)
            if "[" in content and self._shortcodes is not None and (
                    not self.prefilter or not self._sc_quiet.issuperset(_SC_CANDIDATE.findall(content))):
                self._shortcode_check(content, content_line, where)
            if self.hosts and ("href" in content or "HREF" in content):
                self._links(content, content_line, idx)
        for c in comments:
            self._comment(c, idx, where)
        summary.comments += len(comments)

    # -------------------------------------------------------- value checks
    def _dates(self, dates: list[tuple[str, str, int]], idx: int, where: dict) -> None:
        """Each date must parse; each local/GMT pair gives one offset sample (dates come in pairs' order)."""
        prev_key = ""
        prev: datetime | None | bool = None
        for key, text, line in dates:
            value = _parse_date(text)
            if value is False:
                self.r.emit("date-invalid", f"<{key}> is {text.strip()!r}, not a date 'YYYY-MM-DD HH:MM:SS'",
                            line=line, **where)
            elif value is not None and key.endswith("_gmt") and prev_key == key[:-4] \
                    and isinstance(prev, datetime):
                off = round((prev - value).total_seconds() / 60)
                if not -_I32 < off < _I32:
                    self.d_big[len(self.d_off)] = off
                    off = -_I32
                self.d_off.append(off)
                self.d_line.append(line or 0)
            prev_key, prev = key, value

    def _date_pair(self, key: str, local: str, local_line: int, gmt: str, gmt_line: int, idx: int,
                   where: dict) -> None:
        """:meth:`_dates` of a local date and its GMT twin, both present."""
        a = _parse_date(local)
        if a is False:
            self.r.emit("date-invalid", f"<{key}> is {local.strip()!r}, not a date 'YYYY-MM-DD HH:MM:SS'",
                        line=local_line, **where)
        b = _parse_date(gmt)
        if b is False:
            self.r.emit("date-invalid", f"<{key}_gmt> is {gmt.strip()!r}, not a date 'YYYY-MM-DD HH:MM:SS'",
                        line=gmt_line, **where)
        elif b is not None and a is not None and a is not False:
            off = round((a - b).total_seconds() / 60)
            if not -_I32 < off < _I32:
                self.d_big[len(self.d_off)] = off
                off = -_I32
            self.d_off.append(off)
            self.d_line.append(gmt_line or 0)

    def _serialized(self, key: str, value: str, line: int, where: dict, what: str) -> None:
        if len(value) < 4 or value[1] != ":" or value[0] not in "abdiOsSCNE":
            return
        from migrate.phpserial import PhpSerialError, is_serialized, loads

        if not is_serialized(value):
            return
        try:
            loads(value)
        except PhpSerialError as exc:
            try:
                loads(value, repair=True)
                detail = ("its string lengths are wrong (the database was re-encoded after it was "
                          "written); WordPress reads it as a plain string and loses the data")
            except PhpSerialError:
                detail = f"it does not decode ({exc}); WordPress reads it as a plain string"
            self.r.emit("meta-serialized-invalid", f"{what} '{key}' looks like PHP serialize() output but {detail}",
                        line=line, **where)

    def _attachment_url(self, url: str | None, line: int, where: dict) -> None:
        if url is None:
            self.r.emit("attachment-url-invalid", "the attachment has no <wp:attachment_url>; the importer "
                        "cannot fetch its file", line=line, **where)
            return
        ok = False
        if url and not any(ch.isspace() for ch in url):
            parts = urlsplit(url)
            ok = (parts.scheme in ("http", "https") and bool(parts.netloc)) or (
                not parts.scheme and url.startswith("/") and not url.startswith("//"))
        if not ok:
            self.r.emit("attachment-url-invalid", f"wp:attachment_url {url!r} is not an http(s) URL; the "
                        "importer cannot fetch the file", line=line, **where)

    def _mojibake(self, text: str, line: int, where: dict) -> None:
        pre = _MOJIBAKE_PRE.search(text)
        if pre is None:
            return
        m = _MOJIBAKE.search(text, pre.start())
        if m is None:
            return
        n = len(_MOJIBAKE.findall(text))
        sample = text[max(0, m.start() - 10):m.end() + 10].replace("\n", " ")
        try:
            fixed = m.group().encode("cp1252").decode("utf-8")
        except (UnicodeError, ValueError):
            try:
                fixed = m.group().encode("latin-1").decode("utf-8")
            except (UnicodeError, ValueError):
                fixed = "?"
        more = f" ({n} such sequences in this field)" if n > 1 else ""
        self.r.emit("encoding-mojibake", f"'{m.group()}' looks like '{fixed}' encoded twice (…{sample}…){more}; "
                    "the database or the export re-encoded UTF-8 as Latin-1",
                    line=line + text.count("\n", 0, m.start()), **where)

    # ----------------------------------------------------------- content
    def _blocks(self, content: str, line: int, where: dict) -> None:
        stack: list[tuple[str, int]] = []
        problems: list[tuple[int, str]] = []
        for closer, name, start in _block_delimiters(content):
            if not closer:
                stack.append((name, start))
            elif not stack:
                problems.append((start, f"closing <!-- /wp:{_bn(name)} --> without an opener"))
            else:
                top_name, top_start = stack.pop()
                if top_name != name:
                    problems.append((start, f"<!-- /wp:{_bn(name)} --> closes <!-- wp:{_bn(top_name)} -->"
                                            f" opened {content.count(chr(10), top_start, start)} line(s) above"))
        for name, start in stack:
            problems.append((start, f"<!-- wp:{_bn(name)} --> is never closed"))
        if problems:
            problems.sort()
            start, msg = problems[0]
            more = f" ({len(problems) - 1} more block delimiter problem(s) in this item)" if len(problems) > 1 else ""
            self.r.emit("block-unbalanced", f"{msg}{more}; the block editor will show it as invalid",
                        line=line + content.count("\n", 0, start), **where)

    def _shortcode_check(self, content: str, line: int, where: dict) -> None:
        find, known = self._shortcodes  # type: ignore[misc]
        seen: set[str] = set()
        for sc in find(content):
            tag = sc.tag
            if tag in known or tag in self.known_shortcodes or tag in seen:
                continue
            surely = sc.content is not None or bool(sc.attrs) or sc.raw[:sc.raw.find("]")].endswith("/")
            if not surely or not re.match(r"[A-Za-z][A-Za-z0-9_-]+$", tag):
                continue
            seen.add(tag)
            self.r.emit("shortcode-unknown", f"unknown shortcode [{tag}] stays as literal text after a migration; "
                        "add it to validate.known-shortcodes if your converter handles it",
                        line=line + content.count("\n", 0, sc.start), **where)

    def _known_url(self, url: str) -> None:
        if "?" in url:
            return
        rest = url.split("#", 1)[0]
        if "://" in rest:
            rest = rest.split("://", 1)[1]
            slash = rest.find("/")
            rest = rest[slash:] if slash >= 0 else "/"
        self.known_paths.append(hash(path_key(rest)))

    def _links(self, content: str, line: int, idx: int) -> None:
        rx = _HREF if "href" in content and "HREF" not in content and "Href" not in content else _HREF_ANY_CASE
        kinds = self._link_kinds
        counted = 0  # content.count("\n", 0, counted) is line - first line
        for m in rx.finditer(content):
            url = (m.group(1) if m.group(1) is not None else m.group(2) or "").strip()
            if not url or url.startswith("#"):
                continue
            kind = kinds.get(url)
            if kind is None:
                kind = self._link_kind(url)
                if len(kinds) >= _LINK_KINDS_KEPT:
                    kinds.clear()
                kinds[url] = kind
            if kind is False:
                continue
            start = m.start()
            line += content.count("\n", counted, start)
            counted = start
            if kind[0]:
                self.id_links.setdefault(kind[1], (idx, line, url))
                continue
            h = kind[1]
            if h in self.l_seen:
                continue  # only the first link to a path is ever reported
            self.l_seen.add(h)
            self.l_key.append(h)
            self.l_idx.append(idx)
            self.l_line.append(line)
            self.l_url.append(url)

    def _link_kind(self, url: str) -> tuple[bool, int] | bool:
        """What a link is: False (not to an item of this site), (True, post id) or (False, path hash).

        Depends on the URL and the site's hosts and blog path only, which are
        set before the first item is read, so it is kept per URL.
        """
        if url[0] != "/" and not any(h in url.lower() for h in self.hosts):
            return False
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme and parts.scheme not in ("http", "https"):
            return False
        if parts.netloc:
            if host_key(parts.netloc) not in self.hosts:
                return False
        elif not parts.path.startswith("/") or url.startswith("//"):
            return False
        if parts.query:
            q = parse_qs(parts.query)
            for k in ("p", "page_id", "attachment_id"):
                if k in q and q[k][0].isdigit():
                    return (True, int(q[k][0]))
            return False
        path = unquote(parts.path)
        if self.blog_path and not path.startswith(self.blog_path):
            return False
        rel = path[len(self.blog_path):] if self.blog_path else path
        low = rel.lower()
        if low in ("", "/") or low.startswith(_NOT_ITEM_PREFIXES) or "/feed" in low:
            return False
        ext = _FILE_EXT.search(low.rstrip("/"))
        if ext and ext.group(1) not in _PAGE_EXTS:
            return False
        if _DATE_ARCHIVE.match(low.rstrip("/")):
            return False
        return (False, hash(path_key(parts.path)))

    # ------------------------------------------------------------ comments
    def _comment(self, c: etree._Element, idx: int, where: dict) -> None:
        emit = self.r.emit
        codes = _COMMENT_CODES
        # id, parent, approved, date, date_gmt, content, author: the first element of each
        els: list = [None, None, None, None, None, None, None]
        for ch in c:
            tag = ch.tag
            try:
                code = codes[tag]
            except KeyError:
                code = codes[tag] = _COMMENT_CODE.get(tag_key(tag))  # type: ignore[arg-type]
            if code is None:
                continue
            if code < 7:
                if els[code] is None:
                    els[code] = ch
                continue
            key = value = ""
            vline = ch.sourceline
            for m in ch:
                mk = tag_key(m.tag)
                if mk == "wp:meta_key":
                    key = m.text or ""
                elif mk == "wp:meta_value":
                    value = m.text or ""
                    vline = m.sourceline
            if len(value) > 3 and value[1] == ":":
                self._serialized(key, value, vline, where, "commentmeta")
        e_id, e_parent, e_approved, e_date, e_gmt, e_content, e_author = els
        for e in (e_content, e_author):
            if e is not None:
                t = e.text
                if t and not t.isascii():
                    self._mojibake(t, e.sourceline, where)
        cline = c.sourceline
        cid_text, cid_line = (e_id.text or "", e_id.sourceline) if e_id is not None else (None, cline)
        parent, parent_line = 0, cline
        if e_parent is not None:
            t = e_parent.text or ""
            if t.isdecimal():
                parent = int(t)
            else:
                pm = _INT.match(t)
                parent = int(pm.group(1)) if pm else 0
            parent_line = e_parent.sourceline
        approved, approved_line = ((e_approved.text or "").strip(), e_approved.sourceline) \
            if e_approved is not None else (None, cline)
        if not (e_date is not None and _has_date(e_date.text) or e_gmt is not None and _has_date(e_gmt.text)):
            emit("date-missing", "the comment has no <wp:comment_date> or <wp:comment_date_gmt> with a date; "
                 "the importer dates it at the moment of the import", line=cline, **where)
        if e_date is not None and e_gmt is not None:
            self._date_pair("wp:comment_date", e_date.text or "", e_date.sourceline,
                            e_gmt.text or "", e_gmt.sourceline, idx, where)
        elif e_date is not None or e_gmt is not None:
            e, k = (e_date, "wp:comment_date") if e_date is not None else (e_gmt, "wp:comment_date_gmt")
            self._dates([(k, e.text or "", e.sourceline)], idx, where)
        if approved is not None and approved not in KNOWN_APPROVAL:
            emit("comment-approval-unknown", f"comment_approved {approved!r} is not one of "
                 f"{', '.join(KNOWN_APPROVAL)}; converters cannot tell whether the comment is public",
                 line=approved_line, **where)
        if cid_text and cid_text.isdecimal():
            cid = int(cid_text)
        else:
            m = _INT.match(cid_text or "")
            cid = int(m.group(1)) if m else 0
        if not 0 < cid < _I64 or not 0 <= parent < _I64:
            if cid_text is None:
                what = "the comment has no <wp:comment_id>"
            else:
                bad = cid_text if not 0 < cid < _I64 else f"parent {parent}"
                what = f"the comment id {str(bad).strip()!r} is not a positive integer a database can hold"
            emit("comment-id-invalid", f"{what}; the comment cannot be threaded", line=cid_line or parent_line,
                 **where)
            return
        ci = len(self.c_ids)
        first = self.c_index.first(cid, ci)
        if first is not None:
            emit("comment-id-duplicate", f"comment id {cid} is already used by the comment at line "
                 f"{self.c_line[first]} (item {self.ids[self.c_item[first]]}); replies to it become ambiguous",
                 line=cid_line, **where)
        c_ids, c_parent = self.c_ids, self.c_parent
        if c_ids.itemsize < 8 and not (-_I32 <= cid < _I32 and -_I32 <= parent < _I32):
            c_ids, c_parent = self._wide("c_ids", "c_parent")
        c_ids.append(cid)
        self.c_item.append(idx)
        c_parent.append(parent)
        self.c_line.append(parent_line or 0)

    # ----------------------------------------------------------- the end
    def _where(self, idx: int) -> dict:
        pid = self.ids[idx]
        return {"file": self.files[self.fidx[idx]], "item_id": pid or None, "item_title": self.titles[idx]}

    def _wide(self, *names: str) -> list[array]:
        """Make these id arrays 8 bytes an entry: an id does not fit in 4."""
        for name in names:
            setattr(self, name, array("q", getattr(self, name)))
        return [getattr(self, name) for name in names]

    def _thumbnail(self, value: str, idx: int, line: int) -> None:
        """Keep a _thumbnail_id for the end: as an int when it is one, else its text."""
        v = value.strip()
        if not v:
            return
        m = _INT.match(v)
        if m:
            tid = int(m.group(1))
            if tid <= 0:
                return
            if tid < _I64:
                self.t_val.append(tid)
            else:
                self.t_text[len(self.t_val)] = v
                self.t_val.append(-1)
        else:
            self.t_text[len(self.t_val)] = v
            self.t_val.append(-1)
        self.t_idx.append(idx)
        self.t_line.append(line or 0)

    def _finish(self) -> None:
        self._check_post_parents()
        self._check_comment_parents()
        self._check_thumbnails()
        self._check_offsets()
        self._check_links()

    def _check_post_parents(self) -> None:
        emit = self.r.emit
        n = len(self.ids)
        parent_idx = array("l", [-1]) * n
        for i in range(n):
            p = self.parents[i]
            if not p:
                continue
            j = self.id_index.get(p)
            if j is None:
                if self.incomplete:
                    continue
                if self.types[i] == "attachment":
                    emit("attachment-parent-missing", f"the attachment's parent item {p} is not in the export; "
                         "it is imported unattached", line=self.lines[i], **self._where(i))
                else:
                    emit("post-parent-missing", f"the parent item {p} is not in the export; the importer makes "
                         f"this {self.types[i]} top level, so its URL changes", line=self.lines[i], **self._where(i))
            else:
                parent_idx[i] = j
        for cycle in _cycles(parent_idx):
            i = min(cycle, key=lambda x: self.lines[x])
            ids = " → ".join(str(self.ids[x]) for x in _ordered_cycle(cycle, parent_idx, i))
            emit("post-parent-cycle", f"the items' parents form a loop ({ids}); WordPress breaks it on import "
                 "and the URLs change: fix one wp:post_parent", line=self.lines[i], **self._where(i))

    def _check_comment_parents(self) -> None:
        emit = self.r.emit
        n = len(self.c_ids)
        parent_idx = array("l", [-1]) * n
        for ci in range(n):
            p = self.c_parent[ci]
            if not p:
                continue
            j = self.c_index.get(p)
            item = self.c_item[ci]
            cid = self.c_ids[ci]
            if j is None:
                if not self.incomplete:
                    emit("comment-parent-missing", f"comment {cid} replies to comment {p}, which is not in the "
                         "export; the importer keeps the dangling id and the reply loses its thread",
                         line=self.c_line[ci], **self._where(item))
            elif self.c_item[j] != item:
                other = self.c_item[j]
                emit("comment-parent-other-post", f"comment {cid} replies to comment {p}, which is on another "
                     f"item ({self.ids[other]} '{self.titles[other]}'); threads cannot cross items",
                     line=self.c_line[ci], **self._where(item))
            else:
                parent_idx[ci] = j
        for cycle in _cycles(parent_idx):
            ci = min(cycle, key=lambda x: self.c_line[x])
            ids = " → ".join(str(self.c_ids[x]) for x in _ordered_cycle(cycle, parent_idx, ci))
            emit("comment-parent-cycle", f"the comments' parents form a loop ({ids}); no tool can order this "
                 "thread: fix one wp:comment_parent", line=self.c_line[ci], **self._where(self.c_item[ci]))

    def _check_thumbnails(self) -> None:
        for k, tid in enumerate(self.t_val):
            idx, line = self.t_idx[k], self.t_line[k]
            if tid < 0:
                v = self.t_text[k]
                m = _INT.match(v)
                if not m:
                    self.r.emit("thumbnail-missing", f"_thumbnail_id {v!r} is not a post id; the featured image is lost",
                                line=line, **self._where(idx))
                    continue
                tid = int(m.group(1))
            j = self.id_index.get(tid)
            if j is None:
                if not self.incomplete:
                    self.r.emit("thumbnail-missing", f"_thumbnail_id {tid} is not in the export; the featured "
                                "image is lost", line=line, **self._where(idx))
            elif self.types[j] != "attachment":
                self.r.emit("thumbnail-not-attachment", f"_thumbnail_id {tid} is a {self.types[j]} "
                            f"('{self.titles[j]}'), not an attachment; WordPress shows no featured image",
                            line=line, **self._where(idx))

    def _check_offsets(self) -> None:
        if not self.d_off:
            return
        big = self.d_big
        offsets = (big[k] if k in big else o for k, o in enumerate(self.d_off)) if big else self.d_off
        counts = Counter(offsets)
        usual, _ = counts.most_common(1)[0]
        # Daylight saving: a site in a zone with DST has two offsets an hour apart.
        allowed = {usual, usual - 60, usual + 60}
        first = self.d_first
        for k, (off, line) in enumerate(zip(self.d_off, self.d_line)):
            if off == -_I32 and k in big:
                off = big[k]
            if off in allowed:
                continue
            idx = bisect_right(first, k) - 1  # the item whose pairs start last at or before k
            self.r.emit("date-offset-mismatch",
                        f"the local and GMT dates differ by {_fmt_offset(off)}, but the site's usual offset is "
                        f"{_fmt_offset(usual)} (±1 h for daylight saving); one of the two dates is wrong "
                        "(or the site's timezone changed)", line=line, **self._where(idx))

    def _check_links(self) -> None:
        if self.incomplete:
            return
        for pid, (idx, line, url) in self.id_links.items():
            if pid not in self.id_index:
                self.r.emit("link-internal-missing", f"link {url} points at item {pid}, which is not in the "
                            "export; it will break after a migration", line=line, **self._where(idx))
        known_paths = array("q", sorted(self.known_paths))
        known_slugs = array("q", sorted(self.known_slugs))
        for n, h in enumerate(self.l_key):  # the first link to each path
            if _has(known_paths, h):
                continue
            idx, line, url = self.l_idx[n], self.l_line[n], self.l_url[n]
            key = _link_key(url)
            segs = [s for s in key.split("/") if s]
            if segs and segs[-1].isdigit() and len(segs) > 1:
                segs = segs[:-1]  # a paged post: /slug/2/
            if segs and (_has(known_slugs, hash(segs[-1])) or _has(known_slugs, hash(_FILE_EXT.sub("", segs[-1])))):
                continue
            self.r.emit("link-internal-missing", f"link {url} points at this site but at no item of the "
                        "export; it will break after a migration", line=line, **self._where(idx))


def _bn(name: str) -> str:
    return name[5:] if name.startswith("core/") else name


_I32 = 1 << 31
_I64 = 1 << 63


def _has(sorted_hashes: array, h: int) -> bool:
    i = bisect_left(sorted_hashes, h)
    return i < len(sorted_hashes) and sorted_hashes[i] == h


def _link_key(url: str) -> str:
    """The path key :meth:`SiteValidator._links` kept of ``url``."""
    return path_key(urlsplit(url).path)


class _IdIndex:
    """Post or comment id -> index of its first record.

    Ids are usually dense (WordPress's auto-increment): they index an array
    of 4 bytes each; ids far beyond the count recorded go to a dict.
    """

    __slots__ = ("table", "other", "n")

    def __init__(self) -> None:
        self.table = array("i")  # index + 1; 0: not recorded
        self.other: dict[int, int] = {}
        self.n = 0

    def get(self, key: int) -> int | None:
        table = self.table
        if 0 <= key < len(table):
            v = table[key]
            return v - 1 if v else None
        return self.other.get(key)

    def __contains__(self, key: int) -> bool:
        return self.get(key) is not None

    def first(self, key: int, idx: int) -> int | None:
        """The index first recorded for ``key``; None when this is the first (``idx`` is recorded)."""
        table = self.table
        if not 0 <= key < len(table):
            if key < 0 or key >= 16 * (self.n + 4096):
                first = self.other.setdefault(key, idx)
                if first != idx:
                    return first
                self.n += 1
                return None
            size = max(key + 1, 2 * len(table))
            table.frombytes(bytes(table.itemsize * (size - len(table))))
            for k in [k for k in self.other if 0 <= k < size]:
                table[k] = self.other.pop(k) + 1
        v = table[key]
        if v:
            return v - 1
        table[key] = idx + 1
        self.n += 1
        return None


class _Texts:
    """Strings kept compactly: UTF-8 in one buffer, read back by position."""

    __slots__ = ("data", "ends")

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("q")

    def append(self, text: str) -> None:
        self.data += text.encode("utf-8", "surrogatepass")
        self.ends.append(len(self.data))

    def extend(self, other: "_Texts") -> None:
        base = len(self.data)
        self.data += other.data
        self.ends.extend(e + base for e in other.ends)

    def __getitem__(self, i: int) -> str:
        start = self.ends[i - 1] if i else 0
        return self.data[start:self.ends[i]].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self.ends)


_interned: dict[str, str] = {}
#: Raw lxml tag to the reader's ``prefix:local`` key, for the hot loops.
_KEYS: dict = {}


def _intern(s: str) -> str:
    return _interned.setdefault(s, s)


def _term(el: etree._Element, kind: str) -> tuple[str, str, str, int]:
    tax = {"wp:category": "category", "wp:tag": "post_tag"}.get(kind, "")
    slug = parent = ""
    for c in el:
        k = tag_key(c.tag)
        if k in ("wp:category_nicename", "wp:tag_slug", "wp:term_slug"):
            slug = (c.text or "").strip()
        elif k in ("wp:category_parent", "wp:term_parent"):
            parent = (c.text or "").strip()
        elif k == "wp:term_taxonomy":
            tax = (c.text or "").strip()
    return (tax, slug, parent, el.sourceline or 0)


def _cycles(parent_idx: array) -> Iterator[list[int]]:
    """Each cycle of a parent-pointer forest once (iterative, linear)."""
    n = len(parent_idx)
    state = bytearray(n)  # 0 new, 1 on the current path, 2 done
    for start in range(n):
        if state[start]:
            continue
        path = []
        i = start
        while i >= 0 and state[i] == 0:
            state[i] = 1
            path.append(i)
            i = parent_idx[i]
        if i >= 0 and state[i] == 1:
            yield path[path.index(i):]
        for x in path:
            state[x] = 2


def _ordered_cycle(cycle: list[int], parent_idx: array, start: int) -> list[int]:
    out = [start]
    i = parent_idx[start]
    while i != start and len(out) <= len(cycle):
        out.append(i)
        i = parent_idx[i]
    out.append(start)
    return out


_grammar_cache: list = []


def _block_grammar():
    """The block parser's own delimiter expressions (the grammar of parse_blocks)."""
    if not _grammar_cache:
        try:
            from migrate.transforms import blocks

            _grammar_cache.append((blocks._HEAD, blocks._TAIL, blocks._ATTRS_END))
        except (ImportError, AttributeError):  # pragma: no cover - the parser changed
            _grammar_cache.append(None)
    return _grammar_cache[0]


def _block_delimiters(doc: str) -> Iterator[tuple[bool, str, int]]:
    """(is closer, name, start) of each opener and closer, as the block parser's tokenizer finds them.

    The same walk as ``migrate.transforms.blocks._Tokenizer.next`` (void
    delimiters are stepped over, not yielded) without decoding the attribute
    JSON: the balance check needs names and positions only, and the decoding
    was most of its cost. The attributes' end is searched once and reused
    while later searches start before it, as there, so time stays linear.
    """
    grammar = _block_grammar()
    if grammar is None:  # pragma: no cover - the parser changed
        return
    head_rx, tail_rx, attrs_end_rx = grammar
    find = doc.find
    pos = 0
    attrs_end: re.Match | None = None
    attrs_from = -1
    attrs_none = False
    while True:
        start = find("<!--", pos)
        if start < 0:
            return
        head = head_rx.match(doc, start)
        if head is None:
            pos = start + 4
            continue
        at = head.end()
        if doc.startswith("{", at):
            if attrs_none:
                pos = start + 4
                continue
            end = attrs_end
            if end is None or not attrs_from <= at + 1 <= end.start():
                end = attrs_end_rx.search(doc, at + 1)
                attrs_end, attrs_from = end, at + 1
                if end is None:
                    attrs_none = True
                    pos = start + 4
                    continue
        else:
            end = tail_rx.match(doc, at)
            if end is None:
                pos = start + 4
                continue
        pos = end.end()
        if end.group(1) is None:  # not void
            yield head.group(1) is not None, (head.group(2) or "core/") + head.group(3), start


def _load_shortcodes():
    try:
        from migrate.transforms import shortcodes
    except ImportError:  # pragma: no cover - the shortcode module is not installed
        return None
    known = set(shortcodes.KNOWN_TAGS)
    try:
        known |= set(shortcodes.registered_tags())
    except Exception:  # pragma: no cover - plugin entry points that fail to load
        pass
    return shortcodes.find_shortcodes, frozenset(known)


# ------------------------------------------------------------------ API

def validate(paths: list[str], config: Config | None = None, *, one_site: bool = False,
             per_line: int = 3, per_code: int = 1000) -> Results:
    """Validate exports; each path's files are one site with ``one_site``, else each file is one."""
    cfg = config or Config()
    results = Results(cfg, per_line=per_line, per_code=per_code)
    groups: list[list[InputSource]] = []
    for path in paths:
        try:
            sources = sources_for([path])
        except InputError as exc:
            results.fatal.append(str(exc))
            continue
        if one_site:
            if not groups:
                groups.append([])
            groups[0].extend(sources)
        else:
            groups.extend([s] for s in sources)
    for group in groups:
        site = SiteValidator(results, known_shortcodes=cfg.known_shortcodes)
        try:
            site.validate(group)
        except InputError as exc:
            results.fatal.append(str(exc))
    return results


__all__ = ["FileSummary", "Results", "SiteValidator", "validate"]
