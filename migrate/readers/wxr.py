"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2, WordPress.com) export reader.

Streams with ``lxml.etree.iterparse``: the channel header is read eagerly
(it stops at the first ``<item>``), items lazily, one at a time, each cleared
with its preceding siblings so memory stays flat whatever the file size.

Namespaces are matched by family, not by literal URI: any
``http(s)://wordpress.org/export/N.N/`` is the ``wp`` namespace. Elements the
reader does not know are kept verbatim (:class:`~migrate.model.Extra`) so
a WXR round trip loses nothing.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator

from lxml import etree

from migrate.errors import InputError, Report, UnsafeInputError
from migrate.model import (
    Author, Comment, Export, Extra, Identity, Post, Site, Source, Term, TermRef, WPDate, fast_constructor,
)
from migrate.readers.namespaces import DeclaringStream, undefined_wxr_prefix
from migrate.readers.repair import RepairStream
from migrate.readers.sources import InputSource, sources_for

_WP_NS = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/?$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/?$")
_KNOWN_NS = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_GENERATOR = re.compile(r'generator="([^"]*)"')
#: The versions this reader knows; a newer one is read with a finding.
KNOWN_VERSIONS = ("1.0", "1.1", "1.2")

_tag_keys: dict[str, str | None] = {}


def tag_key(tag: object) -> str | None:
    """``{uri}local`` to ``prefix:local`` for the namespaces WXR uses, else None.

    Non-namespaced RSS elements map to their own name. Cached: a big export
    has millions of elements but a few dozen distinct tags.
    """
    if not isinstance(tag, str):
        return None  # comments, processing instructions
    key = _tag_keys.get(tag, "")
    if key != "":
        return key
    if tag[0] != "{":
        key = tag
    else:
        uri, _, local = tag[1:].partition("}")
        if _WP_NS.match(uri):
            key = "wp:" + local
        elif _EXCERPT_NS.match(uri):
            key = "excerpt:" + local
        elif uri in _KNOWN_NS:
            key = _KNOWN_NS[uri] + ":" + local
        else:
            key = None
    _tag_keys[tag] = key
    return key


def _text(el: etree._Element) -> str:
    return el.text or ""


def _int(el: etree._Element, default: int = 0) -> int:
    t = (el.text or "").strip()
    try:
        return int(t)
    except ValueError:
        return default


def _extra(el: etree._Element, position: int) -> Extra:
    return Extra(position, etree.tostring(el, encoding="unicode", with_tail=False))


@dataclass(frozen=True)
class ReadOptions:
    """How to read. ``recover`` repairs what can be repaired and reports it."""

    recover: bool = False


# ---------------------------------------------------------------- prologue

_PROLOG_LIMIT = 1 << 20


def check_prologue(source: InputSource) -> str:
    """Refuse DOCTYPEs and non-XML before lxml sees the document.

    Returns the declared encoding (lower case, default ``utf-8``). A DOCTYPE
    is refused outright: WXR never has one, and it is the door for entity
    expansion attacks.
    """
    with source.open() as fh:
        head = fh.read(_PROLOG_LIMIT)
    if not head.strip():
        raise InputError("the file is empty", file=source.name, line=1, column=1)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        # UTF-16/32, with or without a byte order mark: the checks below read
        # ASCII-compatible bytes only, so such a file is refused, not parsed.
        raise InputError("UTF-16 and UTF-32 exports are not supported; re-save the file as UTF-8",
                         file=source.name, line=1)
    latin = head.decode("latin-1")
    encoding = "utf-8"
    m = re.match(r"\s*<\?xml[^>]*encoding=[\"']([^\"']+)[\"']", latin)
    if m:
        encoding = m.group(1).lower()
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown character encoding {encoding!r} declared", file=source.name, line=1) from None
    # Scan the prologue as the parser will read it (a UTF-7 or EBCDIC file
    # spells "<!DOCTYPE" with other bytes).
    text = codec.incrementaldecoder(errors="replace").decode(head, final=False)
    pos = 0
    # Skip the declaration, comments, processing instructions and space.
    pat = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)
    while True:
        mm = pat.match(text, pos)
        if not mm or mm.end() == pos:
            break
        pos = mm.end()
    rest = text[pos:pos + 9]
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    if rest.upper().startswith("<!DOCTYPE"):
        raise UnsafeInputError(
            "the export has a DOCTYPE; WXR never does, and DOCTYPEs can expand entities or "
            "load external files, so it is refused",
            file=source.name, line=line, column=column,
        )
    if len(head) >= _PROLOG_LIMIT and (pos >= len(text) - 9 or rest.startswith(("<!--", "<?"))):
        # Whatever follows a megabyte of comments or space is not looked at:
        # refuse rather than let a DOCTYPE through unseen.
        raise UnsafeInputError(
            f"the export has more than {_PROLOG_LIMIT >> 20} MB of comments or space before its "
            "first element; refused", file=source.name, line=line, column=column,
        )
    if not rest.startswith("<") or rest.startswith("<!"):
        raise InputError("not XML: the file does not start with an XML element", file=source.name, line=line)
    return encoding


# ---------------------------------------------------------------- parsing

def _iterparse(stream: BinaryIO, events: tuple[str, ...], tag: str | None = None):
    return etree.iterparse(
        stream,
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_blank_text=False,
        strip_cdata=True,
    )


def clean_message(exc: etree.XMLSyntaxError) -> str:
    """libxml2's message on one line, without the text it quotes."""
    msg = (exc.msg or str(exc)).strip().splitlines()[0] if (exc.msg or str(exc)).strip() else "syntax error"
    return re.sub(r", line \d+, column \d+$", "", msg)[:200]


def syntax_error_at(exc: etree.XMLSyntaxError, log: Iterable = ()) -> tuple[int | None, int | None, str]:
    """(line, column, message) of a parse error; ``log`` is the failing parser's ``error_log``.

    Some errors (an undefined entity, as entities are left unresolved) come
    out as "no element found" at 0:0; the parser's own log then holds the
    real one, with its place. (The error's ``error_log`` is the thread's,
    which also holds what other parsers, of post content, reported meanwhile.)
    """
    line, col = exc.position if exc.position else (exc.lineno, exc.offset)
    msg = clean_message(exc)
    if not line:
        fatal = next((e for e in reversed(list(log)) if e.level_name == "FATAL" and e.line), None)
        if fatal is not None:
            line, col = fatal.line, fatal.column
            msg = re.sub(r"\s+", " ", fatal.message or "").strip()[:200] or msg
    return line, col, msg


#: libxml2's codes of the namespace rules (XML_WAR_NS_URI…, XML_NS_ERR_…): the
#: document is well-formed XML but breaks the rules of XML namespaces.
NAMESPACE_ERRORS = frozenset({99, 100, 106, 200, 201, 202, 203, 204, 205})


class _Pass:
    """One pass over one source: the opened stream, its repairs, its errors."""

    def __init__(self, source: InputSource, options: ReadOptions, encoding: str, declare: bool = False) -> None:
        self.source = source
        self.options = options
        self.raw = source.open()
        self.stream: BinaryIO
        if options.recover:
            self.repaired = RepairStream(self.raw, utf8=encoding in ("utf-8", "utf8"))
            self.stream = self.repaired  # type: ignore[assignment]
        else:
            self.repaired = None
            self.stream = self.raw
        #: The root's missing WXR namespace declarations added (see :mod:`.namespaces`).
        self.declaring: DeclaringStream | None = None
        if declare:
            self.declaring = DeclaringStream(self.stream)
            self.stream = self.declaring  # type: ignore[assignment]

    def close(self) -> None:
        self.raw.close()

    def undeclared(self, log: Iterable) -> tuple[str, int, int] | None:
        """The WXR prefix a failed parse found undeclared, when declaring it can help."""
        if self.declaring is not None:
            return None
        return undefined_wxr_prefix(log)

    def error(self, exc: etree.XMLSyntaxError, log: Iterable = ()) -> InputError:
        line, col, msg = syntax_error_at(exc, log)
        if self.declaring is not None:
            col = self.declaring.original_column(line, col)
        hint = ""
        if exc.code in NAMESPACE_ERRORS:
            hint = " (a namespace error, which --recover does not repair: correct the declaration or the prefix)"
        elif not self.options.recover:
            hint = " (run with --recover to repair control characters, stray '&', HTML entities and truncated files)"
        return InputError(f"not well-formed XML: {msg}{hint}", file=self.source.name, line=line, column=col)


def _refuse_dtd(el: etree._Element, p: _Pass) -> None:
    """Second line of defence behind :func:`check_prologue`: the parser saw a DOCTYPE."""
    docinfo = el.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnsafeInputError(
            "the export has a DOCTYPE; WXR never does, and DOCTYPEs can expand entities or "
            "load external files, so it is refused", file=p.source.name, line=1,
        )


class _Undeclared(Exception):
    """The header uses a WXR prefix its root does not declare: read it again declared."""

    def __init__(self, prefix: str, line: int, column: int) -> None:
        super().__init__(prefix)
        self.where = (prefix, line, column)


def _header_elements(p: _Pass) -> tuple[dict, list[tuple[int, etree._Element]], str, int | None]:
    """Read up to the first ``<item>``: root nsmap, channel children, generator."""
    channel_children: list[tuple[int, etree._Element]] = []
    generator = ""
    root_tag = None
    channel = None
    first_item_line = None
    nsmap: dict = {}
    ctx = _iterparse(p.stream, ("start", "end", "comment"))
    try:
        for event, el in ctx:
            if event == "comment":
                m = _GENERATOR.search(el.text or "")
                if m and not generator:
                    generator = m.group(1)
                continue
            if event == "start":
                if root_tag is None:
                    _refuse_dtd(el, p)
                    root_tag = el.tag
                    nsmap = dict(el.nsmap)
                    if root_tag != "rss":
                        raise InputError(
                            f"not a WXR export: the root element is <{etree.QName(el).localname}>, not <rss>",
                            file=p.source.name, line=el.sourceline,
                        )
                elif el.tag == "channel" and channel is None:
                    channel = el
                    nsmap.update(el.nsmap)
                elif el.tag == "item" and el.getparent() is channel:
                    first_item_line = el.sourceline
                    break
                continue
            if channel is not None and el.getparent() is channel:
                channel_children.append((len(channel_children), el))
    except etree.XMLSyntaxError as exc:
        undeclared = p.undeclared(ctx.error_log)
        if undeclared is not None:
            raise _Undeclared(*undeclared) from None
        if not (p.options.recover and channel is not None):
            raise p.error(exc, ctx.error_log) from None
    # the parser may hold back an error of the header until it reads past where
    # the loop stopped (one among the items is the items' reader's to handle)
    undeclared = p.undeclared(ctx.error_log)
    if undeclared is not None and (first_item_line is None or undeclared[1] < first_item_line):
        raise _Undeclared(*undeclared)
    if channel is None:
        raise InputError("not a WXR export: no <channel> element", file=p.source.name, line=1)
    return nsmap, channel_children, generator, first_item_line


def _wp_version_from_ns(nsmap: dict) -> str:
    for uri in nsmap.values():
        m = _WP_NS.match(uri or "")
        if m:
            return m.group(1)
    return ""


def _author(el: etree._Element, element: str) -> Author:
    fields: dict = {}
    extra = []
    for i, c in enumerate(el):
        k = tag_key(c.tag)
        if k == "wp:author_id":
            fields["id"] = _int(c, 0) if (c.text or "").strip() else None
        elif k == "wp:author_login":
            fields["login"] = _text(c)
        elif k == "wp:author_email":
            fields["email"] = _text(c)
        elif k == "wp:author_display_name":
            fields["display_name"] = _text(c)
        elif k == "wp:author_first_name":
            fields["first_name"] = _text(c)
        elif k == "wp:author_last_name":
            fields["last_name"] = _text(c)
        elif isinstance(c.tag, str):
            extra.append(_extra(c, i))
    fields.setdefault("login", "")
    return Author(extra=tuple(extra), element=element, **fields)


def _meta(el: etree._Element) -> tuple[str, str]:
    key = value = ""
    for c in el:
        k = tag_key(c.tag)
        if k == "wp:meta_key":
            key = _text(c)
        elif k == "wp:meta_value":
            value = _text(c)
    return (key, value)


_TERM_FIELDS = {
    "category": {
        "wp:term_id": "id", "wp:category_nicename": "slug", "wp:category_parent": "parent",
        "wp:cat_name": "name", "wp:category_description": "description",
    },
    "tag": {
        "wp:term_id": "id", "wp:tag_slug": "slug", "wp:tag_name": "name",
        "wp:tag_description": "description",
    },
    "term": {
        "wp:term_id": "id", "wp:term_taxonomy": "taxonomy", "wp:term_slug": "slug",
        "wp:term_parent": "parent", "wp:term_name": "name", "wp:term_description": "description",
    },
}


def _term(el: etree._Element, kind: str) -> Term:
    names = _TERM_FIELDS[kind]
    fields: dict = {"taxonomy": {"category": "category", "tag": "post_tag"}.get(kind, "")}
    meta = []
    extra = []
    for i, c in enumerate(el):
        k = tag_key(c.tag)
        attr = names.get(k or "")
        if attr == "id":
            fields["id"] = _int(c) if (c.text or "").strip() else None
        elif attr:
            fields[attr] = _text(c)
        elif k == "wp:termmeta":
            meta.append(_meta(c))
        elif isinstance(c.tag, str):
            extra.append(_extra(c, i))
    fields.setdefault("slug", "")
    return Term(meta=tuple(meta), extra=tuple(extra), **fields)


@dataclass
class _Header:
    site: Site
    first_item_line: int | None


def read_header(source: InputSource, options: ReadOptions, report: Report) -> _Header:
    """The site of one source, read up to its first ``<item>``."""
    encoding = check_prologue(source)
    declare = False
    while True:
        p = _Pass(source, options, encoding, declare)
        try:
            nsmap, children, generator, first_item_line = _header_elements(p)
            break
        except _Undeclared as undeclared:
            _report_undeclared(report, source.name, undeclared.where)
            declare = True
        finally:
            p.close()
    ns_version = _wp_version_from_ns(nsmap)
    has_wp = bool(ns_version) or any(tag_key(el.tag) and str(tag_key(el.tag)).startswith("wp:") for _, el in children)
    fields: dict = {"generator": generator}
    authors: list[Author] = []
    terms: list[Term] = []
    extra: list[Extra] = []
    for pos, el in children:
        k = tag_key(el.tag)
        if k in ("title", "link", "description", "language"):
            fields[k] = _text(el)
        elif k == "pubDate":
            fields["pub_date"] = _text(el)
        elif k == "wp:wxr_version":
            fields["wxr_version"] = _text(el).strip()
        elif k == "wp:base_site_url":
            fields["base_site_url"] = _text(el)
        elif k == "wp:base_blog_url":
            fields["base_blog_url"] = _text(el)
        elif k == "wp:author":
            authors.append(_author(el, "author"))
        elif k == "wp:wp_author":
            authors.append(_author(el, "wp_author"))
        elif k == "wp:category":
            terms.append(_term(el, "category"))
        elif k == "wp:tag":
            terms.append(_term(el, "tag"))
        elif k == "wp:term":
            terms.append(_term(el, "term"))
        elif isinstance(el.tag, str):
            extra.append(_extra(el, pos))
    if not has_wp:
        raise InputError(
            "not a WXR export: no WordPress export namespace (http://wordpress.org/export/N.N/) "
            "and no <wp:wxr_version>; this looks like a plain RSS feed",
            file=source.name, line=1,
        )
    version = fields.get("wxr_version", "")
    if not version:
        report.emit("wxr-version-missing", "error",
                     "the export has no <wp:wxr_version>; WordPress's importer refuses such a file",
                     file=source.name)
    elif not re.fullmatch(r"\d+\.\d+", version):
        report.emit("wxr-version-invalid", "error",
                    f"<wp:wxr_version> is {version!r}, not a version number like 1.2", file=source.name)
    elif version not in KNOWN_VERSIONS and tuple(map(int, version.split("."))) > (1, 2):
        report.emit("wxr-version-newer", "warning",
                    f"WXR version {version} is newer than 1.2; unknown elements are kept as they are",
                    file=source.name)
    site = Site(
        authors=tuple(authors), terms=tuple(terms), extra=tuple(extra),
        sources=(source.name,), declares_terms=bool(terms), **fields,
    )
    return _Header(site, first_item_line)


# ---------------------------------------------------------------- items

# Field dispatch for items and comments. Keys are ``prefix:local`` names;
# lookups go through a cache keyed by the raw ``{uri}local`` tag, so each
# child costs one dict lookup whatever the namespace URI of the file.
#
# A child's code says where its value goes: ``0 <= code < _INT_BASE`` is the
# index of a text value, ``_INT_BASE <= code`` an integer value at
# ``code - _INT_BASE``; negative codes are the elements read in their own way.
_INT_BASE = 100
_META, _COMMENT, _CATEGORY, _STICKY, _DESCRIPTION = -1, -2, -3, -4, -5

# Comment values, in the order they are passed to the constructor below.
(_C_ID, _C_PARENT, _C_TYPE, _C_APPROVED, _C_AUTHOR, _C_EMAIL, _C_URL, _C_IP,
 _C_LOCAL, _C_GMT, _C_CONTENT, _C_USER) = range(12)
_COMMENT_DEFAULTS = [0, 0, "", "1", "", "", "", "", "", "", "", 0]
_COMMENT_SPEC: dict[str, int] = {
    "wp:comment_id": _INT_BASE + _C_ID, "wp:comment_parent": _INT_BASE + _C_PARENT,
    "wp:comment_user_id": _INT_BASE + _C_USER, "wp:comment_type": _C_TYPE,
    "wp:comment_approved": _C_APPROVED, "wp:comment_author": _C_AUTHOR,
    "wp:comment_author_email": _C_EMAIL, "wp:comment_author_url": _C_URL,
    "wp:comment_author_IP": _C_IP, "wp:comment_date": _C_LOCAL,
    "wp:comment_date_gmt": _C_GMT, "wp:comment_content": _C_CONTENT,
    "wp:commentmeta": _META,
}

# Item values: the dates are None until read (``has_modified`` tells whether
# the file had wp:post_modified), the sticky flag None until read.
(_P_ID, _P_TYPE, _P_STATUS, _P_TITLE, _P_LINK, _P_GUID, _P_PUB, _P_CREATOR, _P_CONTENT, _P_EXCERPT,
 _P_COMMENT_STATUS, _P_PING_STATUS, _P_SLUG, _P_PARENT, _P_MENU_ORDER, _P_PASSWORD, _P_ATTACHMENT_URL,
 _P_D_LOCAL, _P_D_GMT, _P_M_LOCAL, _P_M_GMT, _P_STICKY) = range(22)
_POST_DEFAULTS = [0, "post", "publish", "", "", "", "", "", "", "", "", "", "", 0, 0, "", "",
                  None, None, None, None, None]
_POST_SPEC: dict[str, int] = {
    "title": _P_TITLE, "link": _P_LINK, "guid": _P_GUID,
    "pubDate": _P_PUB, "dc:creator": _P_CREATOR,
    "content:encoded": _P_CONTENT, "excerpt:encoded": _P_EXCERPT,
    "wp:comment_status": _P_COMMENT_STATUS, "wp:ping_status": _P_PING_STATUS,
    "wp:post_name": _P_SLUG, "wp:status": _P_STATUS, "wp:post_type": _P_TYPE,
    "wp:post_password": _P_PASSWORD, "wp:attachment_url": _P_ATTACHMENT_URL,
    "wp:post_date": _P_D_LOCAL, "wp:post_date_gmt": _P_D_GMT,
    "wp:post_modified": _P_M_LOCAL, "wp:post_modified_gmt": _P_M_GMT,
    "wp:post_id": _INT_BASE + _P_ID, "wp:post_parent": _INT_BASE + _P_PARENT,
    "wp:menu_order": _INT_BASE + _P_MENU_ORDER,
    "category": _CATEGORY, "wp:postmeta": _META, "wp:comment": _COMMENT,
    "wp:is_sticky": _STICKY, "description": _DESCRIPTION,
}
_META_SPEC: dict[str, int] = {"wp:meta_key": 0, "wp:meta_value": 1}
_comment_cache: dict[object, int | None] = {}
_post_cache: dict[object, int | None] = {}
_meta_cache: dict[object, int | None] = {}


def _spec(cache: dict, table: dict, tag: object) -> int | None:
    code = cache[tag] = table.get(tag_key(tag) or "")
    return code


def _to_int(text: str | None) -> int:
    try:
        return int(text) if text else 0
    except ValueError:
        try:
            return int(text.strip())  # type: ignore[union-attr]
        except ValueError:
            return 0


_new_comment = fast_constructor(Comment)
_new_post = fast_constructor(Post)
_new_date = fast_constructor(WPDate)
_new_source = fast_constructor(Source)
_new_termref = fast_constructor(TermRef)
_NO_DATE = WPDate()


def _meta_pair(el: etree._Element) -> tuple[str, str]:
    key = value = ""
    cache = _meta_cache
    for c in el:
        tag = c.tag
        try:
            code = cache[tag]
        except KeyError:
            code = _spec(cache, _META_SPEC, tag)
        if code == 0:
            key = c.text or ""
        elif code == 1:
            value = c.text or ""
    return (key, value)


def _comment(el: etree._Element, file: str) -> Comment:
    v = _COMMENT_DEFAULTS[:]
    meta = extra = None
    cache = _comment_cache
    for c in el:
        tag = c.tag
        try:
            code = cache[tag]
        except KeyError:
            code = _spec(cache, _COMMENT_SPEC, tag)
        if code is None:
            if isinstance(tag, str):
                if extra is None:
                    extra = []
                extra.append(_extra(c, el.index(c)))
        elif code >= _INT_BASE:
            t = c.text
            try:
                v[code - _INT_BASE] = int(t) if t else 0
            except ValueError:
                v[code - _INT_BASE] = _to_int(t)
        elif code >= 0:
            v[code] = c.text or ""
        else:
            if meta is None:
                meta = []
            meta.append(_meta_pair(c))
    return _new_comment(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], _new_date(v[8], v[9]), v[10], v[11],
        tuple(meta) if meta else (), tuple(extra) if extra else (), _new_source(file, el.sourceline),
    )


def parse_item(el: etree._Element, file: str) -> Post:
    """One ``<item>`` element to a :class:`Post`."""
    v = _POST_DEFAULTS[:]
    terms = meta = comments = extra = None
    seen_description = False
    cache = _post_cache
    for c in el:
        tag = c.tag
        try:
            code = cache[tag]
        except KeyError:
            code = _spec(cache, _POST_SPEC, tag)
        if code is not None:
            if code >= _INT_BASE:
                t = c.text
                try:
                    v[code - _INT_BASE] = int(t) if t else 0
                except ValueError:
                    v[code - _INT_BASE] = _to_int(t)
                continue
            if code >= 0:
                v[code] = c.text or ""
                continue
            if code == _COMMENT:
                if comments is None:
                    comments = []
                comments.append(_comment(c, file))
                continue
            if code == _META:
                if meta is None:
                    meta = []
                meta.append(_meta_pair(c))
                continue
            if code == _CATEGORY:
                if terms is None:
                    terms = []
                terms.append(_new_termref(c.get("domain", ""), c.get("nicename", ""), c.text or ""))
                continue
            if code == _STICKY:
                v[_P_STICKY] = (c.text or "").strip() == "1"
                continue
            if not seen_description and not c.text and not len(c):
                seen_description = True  # always empty in WXR; the writer puts it back
                continue
        if isinstance(tag, str):
            if extra is None:
                extra = []
            extra.append(_extra(c, el.index(c)))
    d_local, d_gmt, m_local, m_gmt, sticky = v[17], v[18], v[19], v[20], v[21]
    has_modified = m_local is not None or m_gmt is not None
    date = _NO_DATE if d_local is None and d_gmt is None else _new_date(d_local or "", d_gmt or "")
    modified = _new_date(m_local or "", m_gmt or "") if has_modified else _NO_DATE
    return _new_post(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], date, modified,
        v[10], v[11], v[12], v[13], v[14], v[15], sticky is True, v[16],
        tuple(terms) if terms else (), tuple(meta) if meta else (),
        tuple(comments) if comments else (), tuple(extra) if extra else (),
        _new_source(file, el.sourceline), has_modified, sticky is not None,
    )


def _report_repairs(p: _Pass, report: Report) -> None:
    if p.repaired is None:
        return
    for r in p.repaired.repairs:
        code = {"control-char": "xml-invalid-char-repaired",
                "stray-ampersand": "xml-stray-ampersand-repaired",
                "html-entity": "xml-html-entity-repaired",
                "invalid-utf8": "xml-invalid-utf8-repaired"}[r.kind]
        report.emit(code, "warning", f"repaired: {r.detail}", file=p.source.name, line=r.line)


#: (prefix, line, column) -> None: told when a WXR prefix was found undeclared
#: among the items and the file is read again with it declared.
UndeclaredHook = Callable[[str, int, int], None]


def iter_item_elements(
    source: InputSource, options: ReadOptions, report: Report | None,
    on_undeclared: UndeclaredHook | None = None,
) -> Iterator[etree._Element]:
    """Yield each complete ``<item>`` element, clearing it after use.

    With ``recover``, a file cut short ends the stream after the last
    complete item and the cut is reported with its line. A WXR prefix used
    without its namespace declaration (see :mod:`.namespaces`) restarts the
    read with the root's missing declarations added, after the items already
    yielded; one first used inside the items is reported (to ``report`` and
    ``on_undeclared``), one in the header is :func:`read_header`'s to report.
    """
    encoding = check_prologue(source)
    declare = False
    done = 0  # items yielded by earlier reads of this file
    while True:
        p = _Pass(source, options, encoding, declare)
        n = 0
        first_item_line: int | None = None
        open_item_line: int | None = None
        channel: etree._Element | None = None
        first = True
        try:
            ctx = _iterparse(p.stream, ("start", "end"), tag="item")
            try:
                for event, el in ctx:
                    if first:
                        _refuse_dtd(el, p)
                        first = False
                    if event == "start":
                        open_item_line = el.sourceline
                        if first_item_line is None:
                            first_item_line = open_item_line
                        continue
                    open_item_line = None
                    parent = channel = el.getparent()
                    n += 1
                    if n > done:
                        yield el
                    el.clear(keep_tail=False)
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
                if report is not None and channel is not None:
                    _report_trailing(channel, source, report)
            except etree.XMLSyntaxError as exc:
                undeclared = p.undeclared(ctx.error_log)
                if undeclared is not None:
                    if first_item_line is not None and undeclared[1] >= first_item_line:
                        if report is not None:
                            _report_undeclared(report, source.name, undeclared)
                        if on_undeclared is not None:
                            on_undeclared(*undeclared)
                    declare, done = True, max(done, n)
                    continue
                err = p.error(exc, ctx.error_log)
                if not options.recover or not _is_truncation(p, err.line, exc):
                    raise err from None
                if report is not None:
                    where = f"; the item starting at line {open_item_line} is incomplete and was not read" if open_item_line else ""
                    report.emit("xml-truncated", "error",
                                f"the file ends before the export is complete ({clean_message(exc)}){where}",
                                file=source.name, line=err.line, column=err.column)
            if report is not None:
                _report_repairs(p, report)
            return
        finally:
            p.close()


def undeclared_message(prefix: str) -> str:
    return (f"the prefix {prefix}: is used without declaring its namespace (no xmlns:{prefix} on <rss>); "
            "the file is read with WXR's namespaces declared for the prefixes the root lacks, "
            "as WordPress's importer reads it; declare them on <rss>")


def _report_undeclared(report: Report, file: str, undeclared: tuple[str, int, int]) -> None:
    prefix, line, column = undeclared
    report.emit("xml-namespace-undeclared", "warning", undeclared_message(prefix),
                file=file, line=line, column=column)


def _report_trailing(channel: etree._Element, source: InputSource, report: Report) -> None:
    """Channel elements after the items: WordPress never writes them, and the
    site header is read before the items, so they are reported, not taken."""
    trailing = [c for c in channel if isinstance(c.tag, str) and c.tag != "item"]
    if trailing:
        names = sorted({tag_key(c.tag) or etree.QName(c).localname for c in trailing})
        report.emit("channel-after-items", "warning",
                    f"{len(trailing)} channel element(s) after the items were not read "
                    f"({', '.join(names)}); move them before the first <item>",
                    file=source.name, line=trailing[0].sourceline)


def _is_truncation(p: _Pass, line: int | None, exc: etree.XMLSyntaxError) -> bool:
    """An error at the very end of the input (at ``line``) means the file was cut short."""
    line = line or 0
    total = p.repaired.lines if p.repaired is not None else None
    if total is None:
        return False
    return line >= total or "Premature end of data" in (exc.msg or "")


# ---------------------------------------------------------------- export

def stand_in_id(line: int | None, index: int, nth: int = 0) -> int:
    """The id an item (or comment) without one gets: minus its line, in the usual case.

    WordPress's importer gives such an item a new id. Ours must be the same
    whichever part of the file is read first (the halves of a big export
    are read at once, each from the start of a line), unique, and never a
    real id, hence negative: a billion is added per earlier file of a split
    export and ten trillion per earlier id-less element on the same line
    (``nth``; a file written on one line has them all there).
    """
    return -((line or 0) + index * 1_000_000_000 + nth * 10_000_000_000_000) or -1


class _StandIns:
    """Stand-in ids for the items and comments of one file that have none."""

    def __init__(self, index: int, report: Report | None) -> None:
        self.index = index
        self.report = report
        self._last: dict[str, tuple[int, int]] = {}  # kind -> (line, how many on it so far)

    def _next(self, kind: str, line: int | None) -> int:
        last_line, nth = self._last.get(kind, (-1, -1))
        nth = nth + 1 if line == last_line else 0
        self._last[kind] = (line or 0, nth)
        return stand_in_id(line, self.index, nth)

    def item(self, post: Post) -> Post:
        new = self._next("item", post.source.line)
        if self.report is not None:
            self.report.emit("item-id-missing", "warning",
                             f"the item has no usable <wp:post_id>; it is item {new} in this conversion "
                             "(WordPress's importer would give it a new id)",
                             file=post.source.file, line=post.source.line, item_title=post.title or None)
        return dataclasses.replace(post, id=new)

    def comments(self, post: Post) -> Post:
        """Comments without a usable id get stand-ins too: two of them are two comments."""
        comments = []
        for c in post.comments:
            if c.id <= 0:
                new = self._next("comment", c.source.line)
                if self.report is not None:
                    self.report.emit("comment-id-missing", "warning",
                                     f"the comment has no usable <wp:comment_id>; it is comment {new} in this "
                                     "conversion (no other comment can reply to it)", file=c.source.file,
                                     line=c.source.line, item_id=post.id, item_title=post.title or None)
                c = dataclasses.replace(c, id=new)
            comments.append(c)
        return dataclasses.replace(post, comments=tuple(comments))


class WxrExport:
    """The item streams of one or more sources of one site, deduplicated by post id."""

    def __init__(self, sources: list[InputSource], options: ReadOptions, report: Report) -> None:
        self.sources = sources
        self.options = options
        self.report = report
        self._reported_once = False

    def posts(self) -> Iterator[Post]:
        report = self.claim_report()
        # Deduplicate across files only: one file may legitimately repeat an
        # id (validate reports it); split exports repeat items between files.
        seen: dict[int, int] = {}
        for index, source in enumerate(self.sources):
            stand_ins = _StandIns(index, report)
            for el in iter_item_elements(source, self.options, report):
                post = parse_item(el, source.name)
                if post.id <= 0:
                    post = stand_ins.item(post)
                if post.comments and any(c.id <= 0 for c in post.comments):
                    post = stand_ins.comments(post)
                first = seen.setdefault(post.id, index)
                if first != index:
                    if report is not None:
                        report.emit(
                            "item-duplicate", "notice",
                            f"post id {post.id} was already read from {self.sources[first].name}; "
                            "the first one is kept",
                            file=source.name, line=post.source.line, item_id=post.id, item_title=post.title,
                        )
                    continue
                yield post

    def identities(self) -> Iterator[Identity]:
        for post in self.posts():
            yield post.identity()

    def claim_report(self) -> Report | None:
        """The report the first pass over the items emits into (None after that).

        For a caller reading the items its own way (in halves, see
        :mod:`migrate.readers.halves`) that emits the reader's findings once,
        as :meth:`posts` does.
        """
        report = None if self._reported_once else self.report
        self._reported_once = True
        return report


def _merge_sites(sites: list[Site]) -> Site:
    first = sites[0]
    if len(sites) == 1:
        return first
    authors: dict[str, Author] = {}
    terms: dict[tuple[str, str], Term] = {}
    for s in sites:
        for a in s.authors:
            authors.setdefault(a.login, a)
        for t in s.terms:
            terms.setdefault(t.key, t)
    return Site(
        title=first.title, link=first.link, description=first.description,
        language=first.language, pub_date=first.pub_date,
        wxr_version=max((s.wxr_version for s in sites), key=lambda v: tuple(int(x) for x in v.split(".")) if re.fullmatch(r"\d+\.\d+", v) else (0,)),
        base_site_url=first.base_site_url, base_blog_url=first.base_blog_url,
        generator=first.generator, authors=tuple(authors.values()), terms=tuple(terms.values()),
        extra=first.extra, sources=tuple(x for s in sites for x in s.sources),
        declares_terms=any(s.declares_terms for s in sites),
    )


def _complete_site(site: Site, stream: WxrExport) -> Site:
    """Build terms from items' ``<category>`` and authors from ``dc:creator``
    when the export declares none (filtered exports, WXR 1.0)."""
    need_terms = not site.terms
    need_authors = not site.authors
    if not (need_terms or need_authors):
        return site
    terms: dict[tuple[str, str], Term] = {}
    logins: dict[str, None] = {}
    for source in stream.sources:
        for el in iter_item_elements(source, stream.options, None):
            for c in el:
                k = tag_key(c.tag)
                if k == "category" and need_terms:
                    domain = c.get("domain", "")
                    tax = {"tag": "post_tag"}.get(domain, domain) if domain else "category"
                    name = c.text or ""
                    slug = c.get("nicename") or _slug_of(name)
                    if slug:
                        terms.setdefault((tax, slug), Term(tax, slug, name))
                elif k == "dc:creator" and need_authors and (c.text or "").strip():
                    logins.setdefault(c.text or "", None)
    return Site(
        **{f: getattr(site, f) for f in (
            "title", "link", "description", "language", "pub_date", "wxr_version",
            "base_site_url", "base_blog_url", "generator", "extra", "sources")},
        authors=site.authors or tuple(Author(login=x) for x in logins),
        terms=site.terms or tuple(terms.values()),
        declares_terms=site.declares_terms,
    )


def _slug_of(name: str) -> str:
    from slugify import slugify

    return slugify(name, allow_unicode=True)


def read(sources: Iterable[str] | str, options: ReadOptions | None = None, report: Report | None = None) -> Export:
    """WordPress WXR export (.xml, .xml.gz, .zip; several files of one site)."""
    options = options or ReadOptions()
    report = report if report is not None else Report()
    if isinstance(sources, str):
        sources = [sources]
    srcs = sources_for(sources)
    headers = [read_header(s, options, report) for s in srcs]
    stream = WxrExport(srcs, options, report)
    site = _complete_site(_merge_sites([h.site for h in headers]), stream)
    export = Export(site, stream.posts, stream.identities, name=srcs[0].name)
    export.extra_info["report"] = report
    export.extra_info["read_options"] = options
    export.extra_info["stream"] = stream
    return export


def sniff(head: bytes, name: str) -> bool:
    """True when the first bytes look like a WXR export (or an archive of them)."""
    low = name.lower()
    if low.endswith((".zip", ".gz")) or head[:2] == b"\x1f\x8b" or head[:4] == b"PK\x03\x04":
        return True
    text = head.decode("utf-8", errors="replace")
    return "<rss" in text or "wordpress.org/export" in text or text.lstrip("\ufeff \r\n\t").startswith("<?xml")
