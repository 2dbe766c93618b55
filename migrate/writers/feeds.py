"""Atom 1.0 and JSON Feed 1.1: the site's published posts as one feed, comments optional.

Entries are the published posts (``post`` type, status ``publish``, no
password; ``-O post_types=post,page`` for more), with the HTML a visitor saw
(content pipeline) and the excerpt as summary. Entries follow the export's
order (streamed); readers sort by date.

With the flag ``+comments`` (``--to atom+comments``) the approved comments
(``--comments`` chooses otherwise) are written too:

* Atom: one entry per comment, threaded with RFC 4685: ``thr:in-reply-to``
  whose ``ref`` is the parent comment's ``atom:id``, or the post's for a
  top-level comment. A comment's id is ``<permalink>#comment-<ID>``, as
  WordPress's own comment feed uses. Pingbacks and trackbacks carry
  ``<category term="pingback" scheme="…comment-type"/>``; each post carries
  ``thr:total``;
* JSON Feed: an extension ``_comments`` on each item:
  ``[{id, parent, kind, author: {name, url}, date_published, content_html}]``
  (``parent`` is the parent comment's id, null for top level).

A reply whose parent is left out (unapproved, spam) joins its nearest shown
ancestor. Options: ``-O feed_url=…`` (the feed's own address; default
``<home>/feed/atom/`` or ``<home>/feed/json``), ``-O post_types=…``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping
from xml.sax.saxutils import escape, quoteattr

from migrate.errors import Report
from migrate.model import COMMENT_CHOICES, Comment, Export, Post, WPDate
from migrate.output import OutputFile
from migrate.writers.disqus import _ILLEGAL

ATOM_NS = "http://www.w3.org/2005/Atom"
THR_NS = "http://purl.org/syndication/thread/1.0"
COMMENT_TYPE_SCHEME = "http://wordpress.org/export/1.2/comment_type"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def rfc3339(d: WPDate, fallback=None) -> str | None:
    aware = d.aware(fallback)
    if aware is None:
        return None
    return aware.isoformat()


def _x(s: str) -> str:
    return escape(_ILLEGAL.sub("", s))


def _a(s: str) -> str:
    return quoteattr(_ILLEGAL.sub("", s))


class _Feed:
    """What both feeds share: which posts, their HTML, ids and shown comments."""

    def __init__(self, export: Export, options: Mapping[str, Any], report: Report) -> None:
        from migrate.writers.ghost import prepare

        self.export = export
        self.report = report
        self.site = export.site
        self.home = self.site.home.rstrip("/")
        flags = options.get("flags") or {}
        self.with_comments = bool(flags.get("comments"))
        which = str(options.get("comments") or "approved")
        self.keep = COMMENT_CHOICES.get(which, COMMENT_CHOICES["approved"])
        types = options.get("post_types") or "post"
        self.types = {t.strip() for t in str(types).split(",") if t.strip()}
        self.urlmap, self.attachments = prepare(export, lambda ident: ident.link or None)
        self.seen_ids: set[str] = set()
        self.latest: datetime | None = None
        self.skipped_protected = 0
        self.private = 0  # comments left out of the comment entries as private

    def posts(self) -> Iterator[Post]:
        for p in self.export.posts():
            if p.type not in self.types or p.status != "publish":
                continue
            if p.password:
                self.skipped_protected += 1
                continue
            yield p
        if self.skipped_protected:
            self.report.emit("feed-protected-skipped", "notice",
                             f"{self.skipped_protected} password-protected post(s) left out of the feed")
        if self.private:
            self.report.emit("comment-skipped-private", "notice",
                             f"{self.private} private comment(s) left out of the feed: editorial notes, "
                             "order notes and logs, which WordPress shows only in its admin")

    def post_id(self, p: Post) -> str:
        pid = p.guid.strip() if p.guid.strip() and ":" in p.guid else f"{self.home}/?p={p.id}"
        if pid in self.seen_ids:  # guids repeat in the wild; ids never do
            pid = f"{self.home}/?p={p.id}"
            n = 2
            while pid in self.seen_ids:
                pid = f"{self.home}/?p={p.id}&n={n}"
                n += 1
        self.seen_ids.add(pid)
        return pid

    def html(self, p: Post) -> str:
        from migrate.writers.ghost import post_html

        return _ILLEGAL.sub("", post_html(p, self.report, self.urlmap, self.attachments))

    def comment_html(self, c: Comment) -> str:
        from migrate.transforms.pipeline import make_clickable
        from migrate.transforms.wpautop import wpautop

        return _ILLEGAL.sub("", wpautop(make_clickable(c.content)))

    def updated(self, p: Post) -> str | None:
        d = rfc3339(p.modified) if p.modified else None
        d = d or rfc3339(p.dated())
        if d:
            dt = datetime.fromisoformat(d)
            if self.latest is None or dt > self.latest:
                self.latest = dt
        return d

    def comments(self, p: Post) -> list[tuple[Comment, int]]:
        """Shown comments in display order with their effective parent (0 = the post)."""
        from migrate.threads import build_threads, walk

        if not self.with_comments or not p.comments:
            return []
        shown: list[Comment] = []
        hidden: dict[int, int] = {}
        for c in p.comments:
            why = c.hidden_by(self.keep)
            if why is None:
                shown.append(c)
            else:
                hidden[c.id] = c.parent
                self.private += why == "private"
        roots = build_threads(shown, report=self.report, item_id=p.id, item_title=p.title, ancestors=hidden)
        return [(n.comment, n.parent) for n in walk(roots)]


def write_atom(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """Atom 1.0 feed of the published posts; +comments adds RFC 4685 threaded comment entries."""
    feed = _Feed(export, options, report)
    home = feed.home
    feed_url = str(options.get("feed_url") or f"{home}/feed/atom/")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for p in feed.posts():
            pid = feed.post_id(p)
            link = p.link or f"{home}/?p={p.id}"
            updated = feed.updated(p)
            if not updated:  # Atom requires one
                updated = "1970-01-01T00:00:00+00:00"
                report.emit("date-missing", "warning", "the post has no date (no wp:post_date, no pubDate); "
                            f"its entry is dated {updated[:10]}, as Atom needs a date",
                            item_id=p.id, item_title=p.title or None)
            author = feed.site.author(p.creator)
            name = (author.name if author else p.creator) or "unknown"
            shown = feed.comments(p)
            parts = [
                "<entry>",
                f"<id>{_x(pid)}</id>",
                f"<title type=\"html\">{_x(p.title)}</title>",
                f"<link rel=\"alternate\" type=\"text/html\" href={_a(link)}/>",
                f"<updated>{updated}</updated>",
            ]
            published = rfc3339(p.dated())
            if published:
                parts.append(f"<published>{published}</published>")
            parts.append(f"<author><name>{_x(name)}</name></author>")
            for t in p.terms:
                if t.taxonomy in ("category", "post_tag", ""):
                    parts.append(f"<category term={_a(t.slug or t.name)} label={_a(t.name)}/>")
            if p.excerpt.strip():
                parts.append(f"<summary type=\"html\">{_x(p.excerpt)}</summary>")
            parts.append(f"<content type=\"html\">{_x(feed.html(p))}</content>")
            if shown:
                parts.append(f"<thr:total>{len(shown)}</thr:total>")
            parts.append("</entry>\n")
            spool.write("".join(parts))
            cids = {c.id: f"{link}#comment-{c.id}" for c, _ in shown}
            fallback = p.dated().offset
            for c, parent in shown:
                cid = cids[c.id]
                ref, href = (cids[parent], cids[parent]) if parent else (pid, link)
                when = rfc3339(c.date, fallback) or updated
                who = c.author or "Anonymous"
                cparts = [
                    "<entry>",
                    f"<id>{_x(cid)}</id>",
                    "<title>" + _x(f"Comment on {p.title} by {who}") + "</title>",
                    f"<link rel=\"alternate\" type=\"text/html\" href={_a(cid)}/>",
                    f"<updated>{when}</updated>",
                    f"<published>{when}</published>",
                    "<author>",
                    f"<name>{_x(who)}</name>",
                ]
                if c.author_url.strip():
                    cparts.append(f"<uri>{_x(c.author_url.strip())}</uri>")
                cparts.append("</author>")
                if c.kind != "comment":
                    cparts.append(f"<category term={_a(c.kind)} scheme={_a(COMMENT_TYPE_SCHEME)}/>")
                cparts.append(f"<thr:in-reply-to ref={_a(ref)} href={_a(href)} type=\"text/html\"/>")
                cparts.append(f"<content type=\"html\">{_x(feed.comment_html(c))}</content>")
                cparts.append("</entry>\n")
                spool.write("".join(cparts))
        spool.seek(0)
        latest = (feed.latest or datetime.now(timezone.utc)).isoformat()
        with OutputFile(output) as fh:
            fh.write('<?xml version="1.0" encoding="utf-8"?>\n')
            fh.write(f'<feed xmlns="{ATOM_NS}" xmlns:thr="{THR_NS}"')
            if feed.site.language:
                fh.write(f" xml:lang={_a(feed.site.language)}")
            fh.write(">\n")
            fh.write(f"<id>{_x(home + '/' if home else feed_url)}</id>\n")
            fh.write(f"<title type=\"text\">{_x(feed.site.title or home or 'Untitled')}</title>\n")
            if feed.site.description:
                fh.write(f"<subtitle type=\"text\">{_x(feed.site.description)}</subtitle>\n")
            fh.write(f"<updated>{latest}</updated>\n")
            if home:
                fh.write(f"<link rel=\"alternate\" type=\"text/html\" href={_a(home + '/')}/>\n")
            fh.write(f"<link rel=\"self\" type=\"application/atom+xml\" href={_a(feed_url)}/>\n")
            fh.write(f"<author><name>{_x(feed.site.title or 'Unknown')}</name></author>\n")
            fh.write("<generator uri=\"https://pypi.org/project/wpmigrate/\">wpmigrate</generator>\n")
            shutil.copyfileobj(spool, fh)
            fh.write("</feed>\n")


def write_jsonfeed(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """JSON Feed 1.1 of the published posts; +comments adds a _comments extension per item."""
    feed = _Feed(export, options, report)
    home = feed.home
    feed_url = str(options.get("feed_url") or f"{home}/feed/json")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        first = True
        for p in feed.posts():
            link = p.link or f"{home}/?p={p.id}"
            author = feed.site.author(p.creator)
            item: dict[str, Any] = {
                "id": feed.post_id(p),
                "url": link,
                "title": p.title,
                "content_html": feed.html(p),
            }
            if p.excerpt.strip():
                item["summary"] = p.excerpt
            published = rfc3339(p.dated())
            if published:
                item["date_published"] = published
            modified = rfc3339(p.modified) if p.modified else None
            if modified:
                item["date_modified"] = modified
            feed.updated(p)
            item["authors"] = [{"name": (author.name if author else p.creator) or "unknown"}]
            tags = [t.name for t in p.terms if t.taxonomy in ("category", "post_tag", "") and t.name]
            if tags:
                item["tags"] = tags
            thumb = p.thumbnail_id
            if thumb is not None and feed.attachments.lookup(thumb):
                item["image"] = feed.attachments.lookup(thumb).url  # type: ignore[union-attr]
            if feed.with_comments:
                fallback = p.dated().offset
                comments = []
                for c, parent in feed.comments(p):
                    a: dict[str, Any] = {"name": c.author or "Anonymous"}
                    if c.author_url.strip():
                        a["url"] = c.author_url.strip()
                    comments.append({
                        "id": str(c.id),
                        "parent": str(parent) if parent else None,
                        "kind": c.kind,
                        "author": a,
                        "date_published": rfc3339(c.date, fallback),
                        "content_html": feed.comment_html(c),
                    })
                item["_comments"] = comments
            spool.write(("\n" if first else ",\n") + _dumps(item))
            first = False
        spool.seek(0)
        head: dict[str, Any] = {"version": JSONFEED_VERSION, "title": feed.site.title or home or "Untitled"}
        if home:
            head["home_page_url"] = home + "/"
        head["feed_url"] = feed_url
        if feed.site.description:
            head["description"] = feed.site.description
        if feed.site.language:
            head["language"] = feed.site.language
        with OutputFile(output) as fh:
            fh.write(_dumps(head)[:-1] + ',"items":[')
            shutil.copyfileobj(spool, fh)
            fh.write("\n]}\n")


write_atom.output_kind = "file"  # type: ignore[attr-defined]
write_jsonfeed.output_kind = "file"  # type: ignore[attr-defined]
