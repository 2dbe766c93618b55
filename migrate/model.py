"""The neutral model every reader produces and every writer consumes.

Frozen dataclasses with slots, tuples instead of lists: a value read from an
export is never changed on the way through, so a writer can trust it and a
round trip can compare it field for field. Nothing here is format-specific
beyond WordPress's own vocabulary (post types, statuses, comment approval
values), which every target has to map from anyway.

Content stays raw (HTML, block comments, shortcodes as stored by WordPress);
turning it into Markdown is a transform a writer asks for.
"""

from __future__ import annotations

import email.utils
import re
from functools import lru_cache
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from operator import attrgetter
from typing import Any, Callable, Iterator, Optional

#: Ordered (key, value) pairs: WordPress repeats meta keys.
Meta = tuple[tuple[str, str], ...]

ZERO_DATE = "0000-00-00 00:00:00"
_WP_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z")
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*$")

#: comment_type values that all mean an ordinary comment.
_PLAIN_COMMENT_TYPES = frozenset({"", "comment"})
#: Comment types WordPress never shows on the site, only in the admin:
#: editorial notes on blocks (WordPress 6.9), WooCommerce's order notes and
#: webhook logs, Action Scheduler's logs. Exports carry them; publishing
#: writers leave them out, whatever their approval.
PRIVATE_COMMENT_TYPES = frozenset({"note", "order_note", "webhook_delivery", "action_log"})
#: The comment_approved values each ``--comments`` choice of a publishing
#: writer keeps (None: every value, spam and trash included).
COMMENT_CHOICES: dict[str, frozenset[str] | None] = {
    "approved": frozenset({"1"}),
    "pending": frozenset({"1", "0"}),
    "none": frozenset(),
    "all": None,
}

#: comment_approved values WordPress itself writes.
KNOWN_APPROVAL = ("1", "0", "spam", "trash", "post-trashed")

#: post statuses WordPress core knows.
KNOWN_STATUSES = (
    "publish", "draft", "pending", "private", "future", "inherit", "trash", "auto-draft",
)


def decode_meta_value(value: str) -> object:
    """A meta value as PHP would read it: serialized PHP decoded, else the string.

    The decoder never executes anything and refuses absurd lengths and depths
    (:mod:`migrate.phpserial`); a value that looks serialized but does not
    decode raises :class:`migrate.phpserial.PhpSerialError`. The raw string
    stays in the model either way.
    """
    from migrate import phpserial

    return phpserial.loads(value) if phpserial.is_serialized(value) else value


def parse_wp_date(value: str | None) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` to a naive datetime; zero or garbage is None."""
    if not value:
        return None
    if _WP_SHAPE.match(value):
        # the shape WordPress writes, ASCII digits only: the C parser reads it
        # several times faster and agrees with the pattern below on it.  Outside
        # this shape it accepts more (offsets such as "10-00:00", week dates),
        # so everything else goes through the pattern.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    m = _DATE_RE.match(value)
    if not m:
        return None
    try:
        dt = datetime(*(int(g) for g in m.groups()))
    except ValueError:
        return None
    return dt


def date_text(d: datetime, sep: str = " ") -> str:
    """``YYYY-MM-DD HH:MM:SS``, four-digit year included: glibc's ``%Y`` writes year 12 as "12"."""
    return d.isoformat(sep, "seconds")[:19]


def pub_date_as_wp(pub: str) -> "WPDate | None":
    """An RSS ``pubDate`` (``Wed, 04 Mar 2009 09:03:00 +0100``) as a WordPress date pair.

    An ISO date is taken too. A zone of ``-0000`` (unknown), or none, gives
    the local time only. None when the text is no date.
    """
    try:
        dt = email.utils.parsedate_to_datetime(pub.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        try:  # some exporters write an ISO date there ("2009-03-04")
            dt = datetime.fromisoformat(pub.strip())
        except ValueError:
            return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        return WPDate(date_text(dt), "")
    try:
        gmt = date_text(dt.astimezone(timezone.utc))
    except OverflowError:  # at the edge of the calendar
        gmt = ""
    return WPDate(date_text(dt.replace(tzinfo=None)), gmt)


def _utc_offset(local: datetime | None, gmt: datetime | None) -> timedelta | None:
    if local is None or gmt is None:
        return None
    seconds = round((local - gmt).total_seconds() / 60) * 60
    if abs(seconds) > 18 * 3600:  # not a real offset: the dates disagree
        return None
    return timedelta(seconds=seconds)


@lru_cache(maxsize=256)
def _zone(offset: timedelta) -> timezone:
    return timezone(offset)


@dataclass(frozen=True, slots=True)
class WPDate:
    """A WordPress date pair as written: local wall-clock time and its GMT twin.

    The raw strings are kept so a round trip writes back exactly what was read;
    the properties derive datetimes. An absent value is ``""``; the zero date
    ``0000-00-00 00:00:00`` is kept raw but reads as absent.
    """

    local: str = ""
    gmt: str = ""

    @property
    def local_dt(self) -> datetime | None:
        return parse_wp_date(self.local)

    @property
    def gmt_dt(self) -> datetime | None:
        dt = parse_wp_date(self.gmt)
        return dt.replace(tzinfo=timezone.utc) if dt else None

    @property
    def offset(self) -> timedelta | None:
        """The site's UTC offset at that moment, when both dates are present."""
        return _utc_offset(parse_wp_date(self.local), parse_wp_date(self.gmt))

    def aware(self, fallback: timedelta | None = None) -> datetime | None:
        """An aware datetime in the site's local offset.

        Uses the offset implied by the two dates; without a GMT date, the
        ``fallback`` offset (the site's usual one), else UTC.
        """
        local = parse_wp_date(self.local)
        if local is not None:
            off = _utc_offset(local, parse_wp_date(self.gmt))
            return local.replace(tzinfo=_zone(off if off is not None else fallback or timedelta(0)))
        gmt = self.gmt_dt
        if gmt is not None and fallback:
            try:
                return gmt.astimezone(_zone(fallback))
            except OverflowError:  # the first or last hours of year 1 or 9999
                return gmt
        return gmt

    def utc(self, fallback: timedelta | None = None) -> datetime | None:
        """The moment in UTC, from :meth:`aware`.

        At the very edge of the calendar, where the shift to UTC would leave
        year 1 or 9999, the local time is kept and labelled UTC rather than
        failing the conversion on one absurd date.
        """
        aware = self.aware(fallback)
        if aware is None:
            return None
        try:
            return aware.astimezone(timezone.utc)
        except OverflowError:
            return aware.replace(tzinfo=timezone.utc)

    def __bool__(self) -> bool:
        return self.local_dt is not None or self.gmt_dt is not None


@dataclass(frozen=True, slots=True)
class Extra:
    """An element the reader does not know, kept verbatim.

    ``position`` is its index among its parent's element children, so a WXR
    writer can put it back where it was; ``xml`` is its serialisation.
    """

    position: int
    xml: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was read from, for findings."""

    file: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Author:
    login: str
    id: int | None = None
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    extra: tuple[Extra, ...] = ()
    #: "author" or "wp_author" (WordPress.com's legacy element name).
    element: str = "author"

    @property
    def name(self) -> str:
        return self.display_name or self.login


@dataclass(frozen=True, slots=True)
class Term:
    """A term of any taxonomy. ``parent`` is the parent's slug, as WXR stores it."""

    taxonomy: str
    slug: str
    name: str = ""
    id: int | None = None
    parent: str = ""
    description: str = ""
    meta: Meta = ()
    extra: tuple[Extra, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.taxonomy, self.slug)


@dataclass(frozen=True, slots=True)
class TermRef:
    """A term attached to an item: ``<category domain=… nicename=…>name</category>``.

    ``taxonomy`` and ``slug`` are empty for the bare ``<category>`` of WXR 1.0.
    """

    taxonomy: str
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    parent: int = 0
    #: comment_type exactly as written ("" and "comment" both mean a comment).
    type: str = ""
    #: comment_approved exactly as written: "1", "0", "spam", "trash", "post-trashed".
    approved: str = "1"
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: WPDate = WPDate()
    content: str = ""
    user_id: int = 0
    meta: Meta = ()
    extra: tuple[Extra, ...] = ()
    source: Source = Source()

    @property
    def kind(self) -> str:
        """``comment``, ``pingback``, ``trackback`` or the plugin's own type."""
        return "comment" if self.type in _PLAIN_COMMENT_TYPES else self.type

    def hidden_by(self, keep: frozenset[str] | None) -> str | None:
        """Why a publishing writer keeping ``keep`` (a :data:`COMMENT_CHOICES`
        value) leaves this comment out: ``"private"``, its status, or None when shown."""
        if self.type in PRIVATE_COMMENT_TYPES:
            return "private"
        if keep is not None and self.approved not in keep:
            return self.status
        return None

    @property
    def is_approved(self) -> bool:
        return self.approved == "1"

    @property
    def status(self) -> str:
        """A readable approval status: approved, pending, spam, trash, post-trashed."""
        return {"1": "approved", "0": "pending"}.get(self.approved, self.approved)


@dataclass(frozen=True, slots=True)
class Post:
    """Any WordPress post row: post, page, attachment, nav_menu_item, custom types."""

    id: int
    type: str = "post"
    status: str = "publish"
    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    #: dc:creator, the author's login.
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: WPDate = WPDate()
    modified: WPDate = WPDate()
    comment_status: str = ""
    ping_status: str = ""
    #: wp:post_name exactly as stored (non-ASCII slugs are percent-encoded).
    slug: str = ""
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    terms: tuple[TermRef, ...] = ()
    meta: Meta = ()
    comments: tuple[Comment, ...] = ()
    extra: tuple[Extra, ...] = ()
    source: Source = Source()
    #: wp:post_modified present in the file (WP 5.7+), for an exact round trip.
    has_modified: bool = False
    #: wp:is_sticky present in the file.
    has_sticky: bool = True

    def meta_values(self, key: str) -> list[str]:
        return [v for k, v in self.meta if k == key]

    def dated(self) -> WPDate:
        """The item's date, or, when it has none, its RSS ``pubDate`` as one.

        WordPress always writes ``wp:post_date``; exports made by other tools
        may give only ``pubDate`` (RFC 822), which is then the only date the
        item has. The raw :attr:`date` stays as read, for a faithful round trip.
        """
        d = self.date
        if not self.pub_date or parse_wp_date(d.local) is not None or parse_wp_date(d.gmt) is not None:
            return d  # a date of its own (what aware() reads), or nothing to fall back on
        return pub_date_as_wp(self.pub_date) or self.date

    def meta_value(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.meta:
            if k == key:
                return v
        return default

    def terms_of(self, taxonomy: str) -> list[TermRef]:
        return [t for t in self.terms if t.taxonomy == taxonomy]

    def meta_decoded(self, key: str, default: object = None) -> object:
        """The first value of ``key``, PHP-unserialized when it is serialized."""
        raw = self.meta_value(key)
        return default if raw is None else decode_meta_value(raw)

    @property
    def decoded_slug(self) -> str:
        from urllib.parse import unquote

        return unquote(self.slug)

    @property
    def thumbnail_id(self) -> int | None:
        v = self.meta_value("_thumbnail_id")
        try:
            return int(v) if v else None
        except ValueError:
            return None

    def identity(self) -> "Identity":
        return Identity(
            id=self.id,
            type=self.type,
            status=self.status,
            slug=self.slug,
            title=self.title,
            link=self.link,
            guid=self.guid,
            parent=self.parent,
            date=self.dated(),
            attachment_url=self.attachment_url,
            old_slugs=tuple(self.meta_values("_wp_old_slug")),
            line=self.source.line,
            menu_order=self.menu_order,
            block_content=self.content if self.type == "wp_block" else "",
        )


@dataclass(frozen=True, slots=True)
class Identity:
    """What a first pass keeps of an item: enough for URL maps and references."""

    id: int
    type: str
    status: str
    slug: str
    title: str
    link: str
    guid: str
    parent: int
    date: WPDate
    attachment_url: str = ""
    old_slugs: tuple[str, ...] = ()
    line: int | None = None
    #: WordPress orders a post's attachments (a gallery without ids) by this, then by id.
    menu_order: int = 0
    #: A reusable block's (``wp_block``) content, which other posts show; empty for other items.
    block_content: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    pub_date: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    generator: str = ""
    authors: tuple[Author, ...] = ()
    terms: tuple[Term, ...] = ()
    extra: tuple[Extra, ...] = ()
    #: the files this site was read from, in order.
    sources: tuple[str, ...] = ()
    #: the export declared its terms (False when they were built from items).
    declares_terms: bool = True

    def author(self, login: str) -> Author | None:
        for a in self.authors:
            if a.login == login:
                return a
        return None

    def terms_of(self, taxonomy: str) -> list[Term]:
        return [t for t in self.terms if t.taxonomy == taxonomy]

    @property
    def taxonomies(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.terms:
            seen.setdefault(t.taxonomy, None)
        return list(seen)

    @property
    def home(self) -> str:
        return self.base_blog_url or self.link or self.base_site_url


@dataclass
class Export:
    """A site read eagerly and its items read lazily.

    ``posts()`` starts a fresh pass over the source each time it is called, so
    a writer can make a cheap identity pass first and stream the second.
    Memory stays flat: nothing holds all items at once.
    """

    site: Site
    open_posts: Callable[[], Iterator[Post]]
    open_identities: Optional[Callable[[], Iterator[Identity]]] = None
    #: findings the reader made while reading the site header.
    name: str = ""
    extra_info: dict = field(default_factory=dict)

    def posts(self) -> Iterator[Post]:
        return self.open_posts()

    def identities(self) -> Iterator[Identity]:
        if self.open_identities is not None:
            return self.open_identities()
        return (p.identity() for p in self.open_posts())

    def with_posts(self, open_posts: Callable[[], Iterator[Post]]) -> "Export":
        """The same site with another item stream (filters, transforms)."""
        return Export(self.site, open_posts, None, self.name, dict(self.extra_info))

    def with_site(self, site: Site) -> "Export":
        return Export(site, self.open_posts, self.open_identities, self.name, dict(self.extra_info))


def fast_constructor(cls: type) -> Callable:
    """A function building ``cls`` from all its fields, positionally.

    The same object as ``cls(*values)`` (a frozen dataclass's ``__init__``
    sets each field with ``object.__setattr__``, and so does this), without
    the call's argument handling: readers build a million of these.
    """
    names = [f.name for f in fields(cls)]
    args = ", ".join(names)
    body = "".join(f"    _set(o, {n!r}, {n})\n" for n in names)
    ns: dict = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    exec(f"def make({args}):\n    o = _new(_cls)\n{body}    return o\n", ns)
    return ns["make"]


_BUILDERS: dict[type, Callable] = {}


def _rebuild(cls: type, values: tuple) -> Any:
    return _BUILDERS[cls](*values)


def _pickle_by_fields(*classes: type) -> None:
    """Pickle these records as (class, field values), rebuilt by :func:`fast_constructor`.

    The default for slotted dataclasses asks ``dataclasses.fields`` for every
    instance on the way out and sets fields one call at a time on the way
    in; items travel through pickle between the passes of a conversion and
    to worker processes, so this is on the path of every post and comment.
    """
    for cls in classes:
        names = [f.name for f in fields(cls)]
        _BUILDERS[cls] = fast_constructor(cls)
        get = attrgetter(*names) if len(names) > 1 else (lambda o, _n=names[0]: (getattr(o, _n),))

        def reduce(self: Any, _get: Callable = get, _cls: type = cls) -> tuple:
            return _rebuild, (_cls, _get(self))

        cls.__reduce__ = reduce  # type: ignore[method-assign]


_pickle_by_fields(WPDate, Extra, Source, Author, Term, TermRef, Comment, Post, Identity)


def in_memory(site: Site, posts: list[Post] | tuple[Post, ...]) -> Export:
    """An export over items already in memory (tests, small merges)."""
    items = tuple(posts)
    return Export(site, lambda: iter(items))


__all__ = [
    "Author", "COMMENT_CHOICES", "Comment", "Export", "Extra", "Identity", "KNOWN_APPROVAL", "PRIVATE_COMMENT_TYPES",
    "KNOWN_STATUSES", "Meta", "Post", "Site", "Source", "Term", "TermRef",
    "WPDate", "ZERO_DATE", "decode_meta_value", "in_memory", "parse_wp_date", "replace",
]
