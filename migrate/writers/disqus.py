"""Disqus comment import: the WXR subset Disqus reads (``dsq:thread_identifier``).

One ``<item>`` (a Disqus thread) per post that has comments to carry over;
every field Disqus requires is written, empty when the export has no value
(Disqus rejects a comment with a field missing). What Disqus cannot take is
left out and counted:

* pingbacks and trackbacks (Disqus has no such type): finding
  ``disqus-pingback-skipped``, unless ``-O pingbacks=include`` (they are then
  ordinary comments whose author is the linking site);
* comments shorter than 3 characters (Disqus's minimum): finding
  ``disqus-message-too-short``. Padding would put words in someone's mouth;
* comments the ``--comments`` choice leaves out (spam, trash; pending unless
  asked): finding ``disqus-comment-excluded``.

A reply whose parent was left out is attached to the nearest ancestor that is
kept (top level when none is), so the thread keeps its shape.

Dates are GMT (``comment_date_gmt``; computed from the local date and the
post's UTC offset when the export has no GMT date). The thread identifier is
what the new site's embed code sends as ``disqus_identifier``:

``-O identifier=wp`` (default)
    ``"<ID> <home>/?p=<ID>"``, what the WordPress Disqus plugin sent, so a
    site that used the plugin finds its threads again;
``identifier=id``
    the post id; ``identifier=url``: the post's permalink;
``identifier=ghost``
    ``ghost-<ID>``, what Ghost's Disqus snippet sends
    (``ghost-{{comment_id}}``, and the Ghost writer stores the WordPress id in
    ``comment_id``).

Files stay under 50 MB (Disqus's limit; ``-O max_size=…`` to change it):
``name.xml``, then ``name.001.xml``, ``name.002.xml`` …, each complete.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping

from migrate.errors import Report, UsageError
from migrate.model import COMMENT_CHOICES, Comment, Export, Post, date_text
from migrate.output import OutputFile
from migrate.threads import effective_parents

DSQ_NS = "http://www.disqus.com/"
MAX_SIZE = 50 * 1000 * 1000 - 64 * 1024
MIN_MESSAGE = 3
IDENTIFIERS = ("wp", "id", "url", "ghost")

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dsq="http://www.disqus.com/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.0/"
>
<channel>
"""
_FOOT = "</channel>\n</rss>\n"


def _esc(s: str) -> str:
    s = _ILLEGAL.sub("", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cdata(s: str) -> str:
    s = _ILLEGAL.sub("", s).replace("\r\n", "\n").replace("\r", "\n")
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def gmt_string(date, fallback: timedelta | None = None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in GMT, or "" when the date is unknown."""
    if date.gmt_dt is not None:
        return date_text(date.gmt_dt)
    utc = date.utc(fallback)
    return date_text(utc) if utc is not None else ""


def thread_identifier(post: Post, home: str, mode: str) -> str:
    if mode == "id":
        return str(post.id)
    if mode == "url":
        return post.link or f"{home}/?p={post.id}"
    if mode == "ghost":
        return f"ghost-{post.id}"
    return f"{post.id} {home}/?p={post.id}"




def select_comments(post: Post, *, pingbacks: bool, which: str, report: Report) -> list[tuple[Comment, int]]:
    """The comments to carry over with their effective parent ids."""
    keep = COMMENT_CHOICES[which]
    kept: list[Comment] = []
    skipped_ping = skipped_status = short = private = 0
    where = {"item_id": post.id, "item_title": post.title}
    for c in post.comments:
        why = c.hidden_by(keep)
        if why == "private":
            private += 1
        elif why is not None:
            skipped_status += 1
        elif c.kind in ("pingback", "trackback") and not pingbacks:
            skipped_ping += 1
        elif len(c.content.strip()) < MIN_MESSAGE:
            short += 1
            report.emit("disqus-message-too-short", "warning",
                        f"comment {c.id} has fewer than {MIN_MESSAGE} characters, which Disqus "
                        "refuses; it was left out", **where)
        else:
            kept.append(c)
    if private:
        report.emit("comment-skipped-private", "notice",
                    f"{private} private comment(s) left out: editorial notes, order notes and logs, "
                    "which WordPress shows only in its admin", **where)
    if skipped_ping:
        report.emit("disqus-pingback-skipped", "notice",
                    f"{skipped_ping} pingback(s)/trackback(s) left out: Disqus has no such type "
                    "(-O pingbacks=include keeps them as comments)", **where)
    if skipped_status:
        report.emit("disqus-comment-excluded", "notice",
                    f"{skipped_status} comment(s) left out by --comments={which} "
                    "(spam, trash or pending)", **where)
    ids = {c.id for c in kept}
    parents, _, _ = effective_parents(ids, {c.id: c.parent for c in kept},
                                      {c.id: c.parent for c in post.comments if c.id not in ids})
    seen: set[int] = set()
    out = []
    for c in kept:
        if c.id in seen:
            continue
        seen.add(c.id)
        out.append((c, parents.get(c.id, 0)))
    return out


def _comment_xml(c: Comment, parent: int, fallback: timedelta | None) -> str:
    approved = "1" if c.approved == "1" else "0"
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{c.id}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{_cdata(c.author)}</wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>{_esc(c.author_email)}</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{_esc(c.author_url)}</wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{_esc(c.author_ip)}</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date_gmt>{gmt_string(c.date, fallback)}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{_cdata(c.content)}</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{approved}</wp:comment_approved>\n"
        f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
        "\t\t</wp:comment>\n"
    )


def _numbered(output: Path, i: int) -> Path:
    if i == 0:
        return output
    suffix = output.suffix or ".xml"
    stem = output.name[: -len(output.suffix)] if output.suffix else output.name
    return output.with_name(f"{stem}.{i:03d}{suffix}")


def write_disqus(
    export: Export,
    output: Path,
    report: Report,
    *,
    identifier: str = "wp",
    pingbacks: bool = False,
    which: str = "approved",
    max_size: int = MAX_SIZE,
) -> list[Path]:
    """Write the Disqus import file(s); return the paths written."""
    if identifier not in IDENTIFIERS:
        raise UsageError(f"identifier: {identifier!r} must be one of {', '.join(IDENTIFIERS)}")
    if which not in COMMENT_CHOICES:
        raise UsageError(f"comments: {which!r} must be one of {', '.join(COMMENT_CHOICES)}")
    home = export.site.home.rstrip("/")
    written: list[Path] = []
    files = 0
    ctx: OutputFile | None = None
    fh = None
    size = 0
    threads = 0
    try:
        for post in export.posts():
            if not post.comments:
                continue
            chosen = select_comments(post, pingbacks=pingbacks, which=which, report=report)
            if not chosen:
                continue
            fallback = post.dated().offset
            link = post.link or f"{home}/?p={post.id}"
            parts = [
                "\t<item>\n",
                f"\t\t<title>{_cdata(post.title)}</title>\n",
                f"\t\t<link>{_esc(link)}</link>\n",
                f"\t\t<content:encoded>{_cdata(post.content)}</content:encoded>\n",
                f"\t\t<dsq:thread_identifier>{_esc(thread_identifier(post, home, identifier))}</dsq:thread_identifier>\n",
                f"\t\t<wp:post_date_gmt>{gmt_string(post.dated())}</wp:post_date_gmt>\n",
                f"\t\t<wp:comment_status>{_esc(post.comment_status or 'open')}</wp:comment_status>\n",
            ]
            parts += [_comment_xml(c, parent, fallback) for c, parent in chosen]
            parts.append("\t</item>\n")
            text = "".join(parts)
            n = len(text.encode("utf-8"))
            if fh is not None and size + n > max_size:
                fh.write(_FOOT)
                ctx.__exit__(None, None, None)  # type: ignore[union-attr]
                fh = None
            if fh is None:
                target = _numbered(output, files)
                files += 1
                ctx = OutputFile(target)
                fh = ctx.__enter__()
                fh.write(_HEAD)
                size = len(_HEAD) + len(_FOOT)
                written.append(target)
            if size + n > max_size:
                report.emit("disqus-thread-oversize", "warning",
                            f"the thread of post {post.id} alone is larger than the file size limit",
                            item_id=post.id, item_title=post.title)
            fh.write(text)
            size += n
            threads += 1
        if fh is None:
            ctx = OutputFile(output)
            fh = ctx.__enter__()
            fh.write(_HEAD)
            written.append(output)
            report.emit("disqus-no-comments", "notice", "no comment to carry over: the file has no thread")
        fh.write(_FOOT)
        ctx.__exit__(None, None, None)  # type: ignore[union-attr]
        fh = None
    except BaseException as exc:
        if fh is not None and ctx is not None:
            ctx.__exit__(type(exc), exc, None)
        raise
    return written


def write(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """Disqus import XML (WXR subset): one thread per post, threaded comments, files under 50 MB."""
    ping = str(options.get("pingbacks", "skip")).lower()
    if ping not in ("include", "skip", "yes", "no"):
        raise UsageError(f"pingbacks: {ping!r} must be include or skip")
    max_size = options.get("max_size")
    if max_size:
        from migrate.writers.wxr import parse_size

        max_size = parse_size(max_size)
    write_disqus(
        export, Path(output), report,
        identifier=str(options.get("identifier", "wp")).lower(),
        pingbacks=ping in ("include", "yes"),
        which=str(options.get("comments") or "approved"),
        max_size=max_size or MAX_SIZE,
    )


write.output_kind = "file"  # type: ignore[attr-defined]
