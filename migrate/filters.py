"""Item and comment filters every writer can use (``wpmigrate convert --since …``).

:func:`apply_filters` wraps ``export.posts()`` in generators: nothing is read
ahead and nothing is held, so a filtered 200 MB export streams like an
unfiltered one. The keys (all optional, as the CLI passes them):

``post_types``, ``statuses``
    keep items whose ``wp:post_type`` / ``wp:status`` is one of these
    (repeatable, or comma-separated).
``since``, ``until``
    ``YYYY-MM-DD``, inclusive, compared with the item's *local* date
    (``wp:post_date``, the date the site showed). An item without a usable
    local date falls back to its GMT date; one with neither is left out and
    counted (``filter-undated-skipped``).
``authors``
    keep items whose ``dc:creator`` login is one of these. The site's author
    list keeps only these authors.
``no_comments``
    drop every comment.
``approved_only``
    keep approved comments only (``comment_approved`` = ``1``). A reply whose
    parent is dropped is attached to the nearest kept ancestor (top level
    when there is none), so the thread keeps its shape.
``anonymize``
    for people who commented, not for the site's own authors:

    * ``comment_author_email`` becomes ``sha256(lowercased e-mail)[:16]@anonymized.invalid``:
      stable, so one commenter keeps one identity (Disqus and gravatars group
      by it), and ``.invalid`` can never be delivered;
    * ``comment_author_IP`` becomes empty;
    * comment meta that holds what the commenter's browser sent is dropped:
      Akismet's ``akismet_as_submitted`` (IP, user agent, e-mail, referrer),
      any key naming an IP, e-mail, user agent or referrer, and any value
      containing the commenter's e-mail or IP. ``akismet_history`` (what the
      moderators did) and ``akismet_result`` stay.

    The site's authors (``wp:author``) keep their e-mails: they are the
    site's own accounts, WordPress's importer and Ghost map users by them,
    and they are not third parties. Names and URLs stay: WordPress shows them
    publicly next to each comment. The hash is unsalted: it hides an address
    from a reader of the file, not from someone who already has a list of
    candidate addresses.

Bad values raise :class:`~migrate.errors.UsageError` before anything is read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Iterable, Iterator, Mapping

from migrate.errors import Report, UsageError
from migrate.model import Comment, Export, Post

KNOWN_KEYS = frozenset({
    "post_types", "statuses", "since", "until", "authors", "no_comments", "approved_only", "anonymize",
})

ANON_DOMAIN = "anonymized.invalid"
_PERSONAL_META = re.compile(r"(^|_)(ip|ip_?address|remote_addr|e-?mail|user_?agent|referr?er)($|_)", re.I)
_DROPPED_META = frozenset({"akismet_as_submitted"})


def _values(key: str, value: Any) -> frozenset[str]:
    if isinstance(value, str):
        items: Iterable[str] = [value]
    elif isinstance(value, Iterable):
        items = value
    else:
        raise UsageError(f"filter {key}: expected a list of names, got {value!r}")
    out = set()
    for v in items:
        for part in str(v).split(","):
            part = part.strip()
            if part:
                out.add(part)
    if not out:
        raise UsageError(f"filter {key}: no value given")
    return frozenset(out)


def _date(key: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise UsageError(f"--{key}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2019-03-31")
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise UsageError(f"--{key}: {value!r} is not a real date") from None


def anonymized_email(email: str) -> str:
    """The stable stand-in for a commenter's e-mail ("" stays "")."""
    email = email.strip().lower()
    if not email:
        return ""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:16] + "@" + ANON_DOMAIN


def anonymize_comment(c: Comment) -> Comment:
    """A comment without its author's e-mail, IP and browser-sent meta (see module doc)."""
    secrets = [s for s in (c.author_email.strip(), c.author_ip.strip()) if len(s) >= 3]
    meta = tuple(
        (k, v) for k, v in c.meta
        if k not in _DROPPED_META and not _PERSONAL_META.search(k)
        and not any(s.lower() in v.lower() for s in secrets)
    )
    return replace(c, author_email=anonymized_email(c.author_email), author_ip="", meta=meta)


def approved_comments(comments: tuple[Comment, ...]) -> tuple[Comment, ...]:
    """Approved comments only, replies re-attached to their nearest kept ancestor."""
    parent_of = {c.id: c.parent for c in comments}
    kept = {c.id for c in comments if c.is_approved}
    out = []
    for c in comments:
        if c.id not in kept:
            continue
        parent, seen = c.parent, set()
        while parent and parent not in kept and parent in parent_of and parent not in seen:
            seen.add(parent)
            parent = parent_of[parent]
        if parent and parent not in kept:
            parent = 0
        out.append(c if parent == c.parent else replace(c, parent=parent))
    return tuple(out)


def _local_day(post: Post) -> date | None:
    dt = post.date.local_dt
    if dt is None:
        g = post.date.gmt_dt
        return g.date() if g else None
    return dt.date()


def apply_filters(export: Export, filters: Mapping[str, Any] | None) -> Export:
    """``export`` with its items (and comments) filtered; see the module doc for keys."""
    if not filters:
        return export
    unknown = set(filters) - KNOWN_KEYS
    if unknown:
        raise UsageError(f"unknown filter(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(KNOWN_KEYS))})")
    f = {k: v for k, v in filters.items() if v not in (None, False, (), [], "")}
    if not f:
        return export
    types = _values("post_types", f["post_types"]) if "post_types" in f else None
    statuses = _values("statuses", f["statuses"]) if "statuses" in f else None
    authors = _values("authors", f["authors"]) if "authors" in f else None
    since = _date("since", f["since"]) if "since" in f else None
    until = _date("until", f["until"]) if "until" in f else None
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}: no item could match")
    no_comments = bool(f.get("no_comments"))
    approved_only = bool(f.get("approved_only"))
    anonymize = bool(f.get("anonymize"))
    site = export.site
    if authors is not None:
        known = {a.login for a in site.authors}
        missing = sorted(authors - known)
        if missing and known:
            raise UsageError(
                f"--author: no author with login {', '.join(map(repr, missing))} in this export "
                f"(authors: {', '.join(sorted(known))})"
            )
        site = replace(site, authors=tuple(a for a in site.authors if a.login in authors))
    report = export.extra_info.get("report")
    if report is None:
        report = export.extra_info["report"] = Report()

    def posts() -> Iterator[Post]:
        undated = 0
        for post in export.posts():
            if types is not None and post.type not in types:
                continue
            if statuses is not None and post.status not in statuses:
                continue
            if authors is not None and post.creator not in authors:
                continue
            if since is not None or until is not None:
                day = _local_day(post)
                if day is None:
                    undated += 1
                    continue
                if (since and day < since) or (until and day > until):
                    continue
            if post.comments and (no_comments or approved_only or anonymize):
                comments = () if no_comments else post.comments
                if approved_only:
                    comments = approved_comments(comments)
                if anonymize:
                    comments = tuple(anonymize_comment(c) for c in comments)
                post = replace(post, comments=comments)
            yield post
        if undated:
            report.emit("filter-undated-skipped", "notice",
                        f"{undated} item(s) have no date and were left out by --since/--until")

    out = export.with_posts(posts).with_site(site) if site is not export.site else export.with_posts(posts)
    out.extra_info["filters"] = dict(f)
    return out
