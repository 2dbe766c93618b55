"""Ghost 5 import JSON (Settings → Import content), with a Disqus side file for comments.

The file is ``{"db":[{"meta":{"exported_on":ms,"version":"5.x"},"data":{…}}]}``
with the tables ``posts``, ``tags``, ``users``, ``posts_tags``,
``posts_authors`` and ``posts_meta`` (``schemas/ghost-import.schema.json``).
Ids are file-local strings: posts keep their WordPress id, tags are
``tag-N``, users ``user-N``.

Mapping (each loss is a finding):

* posts and pages (``type`` ``post``/``page``) with ``html`` from the content
  pipeline (blocks, wpautop, shortcodes as WordPress rendered them). Links to
  other posts of the export become site-relative (``/slug/``, Ghost's default
  routes); media keeps its old absolute URL (Ghost imports HTML, not files).
  Other post types are left out (``ghost-type-skipped``, one finding per type);
* statuses: ``publish`` → ``published``, ``future`` → ``scheduled``,
  ``draft``/``pending`` → ``draft``. ``private`` → ``draft``: a private post was
  visible to the site's editors only, and Ghost's nearest visibility,
  ``members``, would show it to every subscriber (``ghost-private-as-draft``).
  Password-protected posts become drafts too: Ghost has no post passwords
  (``ghost-password-dropped``). ``trash`` is left out (``ghost-trash-skipped``);
* the WordPress post id goes into ``comment_id``, so a theme's comment embed
  can find the old threads (``ghost-{{comment_id}}`` in Ghost's Disqus snippet);
* categories and tags both become tags (Ghost has only tags; a category and a
  tag with the same slug become one tag), categories first;
* authors become users. Ghost requires an e-mail: when the export has none,
  ``<login>@example.invalid`` is written (``ghost-user-email-synthesized``) so
  the import works and the address is obviously not real; change it in Ghost.
  Role: ``Contributor``;
* the featured image from ``_thumbnail_id`` (the attachment's URL), its alt
  text (``_wp_attachment_image_alt``) and caption (the attachment's excerpt)
  in ``posts_meta``;
* the excerpt becomes ``custom_excerpt`` as plain text; Ghost allows 300
  characters: longer ones are cut at a word and end with "…"
  (``ghost-excerpt-truncated``). Titles over 255 characters likewise
  (``ghost-title-truncated``). Yoast SEO title/description go to
  ``meta_title``/``meta_description``; sticky posts are ``featured``;
* comments: Ghost's importer has no comments. One finding,
  ``ghost-no-comments``, counts them, and they are written beside the output
  as ``<output>.comments.disqus.xml`` (Disqus import format, identifier
  ``ghost-<id>``; ``-O comments_identifier=wp`` for the WordPress plugin's).

Streaming: post bodies go to a temporary file as they are converted; only the
small join rows (ids) and the attachments' URLs and captions are held.
"""

from __future__ import annotations

import html as _html
import json
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Mapping

from slugify import slugify

from migrate.errors import Report
from migrate.model import Export, Post, WPDate, date_text
from migrate.output import OutputFile

GHOST_VERSION = "5.0.0"
EXCERPT_MAX = 300
TITLE_MAX = 255
SLUG_MAX = 191

_STATUS = {"publish": "published", "future": "scheduled", "draft": "draft", "pending": "draft",
           "private": "draft"}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_TAG = re.compile(r"<[^>]*>")


def ghost_date(d: WPDate, fallback=None) -> str | None:
    """ISO 8601 UTC with milliseconds, as Ghost writes them; None when unknown."""
    utc = d.utc(fallback)
    return date_text(utc, "T") + ".000Z" if utc is not None else None


def plain_text(html: str) -> str:
    text = _TAG.sub(" ", html or "")
    return re.sub(r"\s+", " ", _html.unescape(text)).strip()


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


class _Attachments:
    """Attachment id → (url, alt, caption), for feature images; and reusable blocks' content."""

    def __init__(self) -> None:
        self.info: dict[int, tuple[str, str, str, str, str]] = {}
        #: wp_block id → its content, what a core/block reference shows
        self.blocks: dict[int, str] = {}

    def add(self, p: Post) -> None:
        url = p.attachment_url or p.guid
        if url:
            self.info[p.id] = (url, p.meta_value("_wp_attachment_image_alt", "") or "", p.excerpt,
                               p.title, p.meta_value("_wp_attached_file", "") or "")

    def lookup(self, attachment_id: int):
        from migrate.transforms.context import AttachmentInfo

        info = self.info.get(attachment_id)
        if info is None:
            return None
        return AttachmentInfo(attachment_id, info[0], title=info[3], caption=info[2], alt=info[1])


def prepare(export: Export, new_url):
    """One pass: a URL map for links (``new_url(identity)``), attachments for images."""
    from migrate.transforms.links import UrlMap

    identities = []
    attachments = _Attachments()
    for p in export.posts():
        identities.append(p.identity())
        if p.type == "attachment":
            attachments.add(p)
        elif p.type == "wp_block":
            attachments.blocks[p.id] = p.content

    return UrlMap(identities, export.site, new_url), attachments


def post_html(p: Post, report: Report, urlmap: Any, refs: _Attachments) -> str:
    """A post's content as the HTML WordPress served, links through ``urlmap``; what
    Ghost imports and the feeds publish (``urlmap`` and ``refs`` from :func:`prepare`)."""
    from migrate.transforms.context import TransformContext
    from migrate.transforms.pipeline import prepare_html

    ctx = TransformContext(report=report, item_id=p.id, item_title=p.title, file=p.source.file,
                           line=p.source.line, resolve_link=urlmap.resolve, attachment=refs.lookup,
                           footnotes=p.meta_value("footnotes") or "", reusable=refs.blocks.get)
    return prepare_html(p.content, ctx)


def _ghost_url(ident) -> str | None:
    if ident.type not in ("post", "page"):
        return None
    return f"/{_slug_of_ident(ident)}/"


def _slug_of_ident(ident) -> str:
    from urllib.parse import unquote

    slug = unquote(ident.slug or "")
    if not slug:
        slug = slugify(ident.title or "", allow_unicode=True) or f"post-{ident.id}"
    return slug[:SLUG_MAX]


def write_ghost(export: Export, output: Path, report: Report, options: Mapping[str, Any]) -> None:
    site = export.site
    urlmap, attachments = prepare(export, _ghost_url)

    users: list[dict] = []
    user_ids: dict[str, str] = {}

    def user_for(login: str) -> str:
        if login in user_ids:
            return user_ids[login]
        a = site.author(login)
        uid = f"user-{len(users) + 1}"
        slug = slugify(login, allow_unicode=True) or uid
        email = (a.email if a else "").strip()
        if not email:
            email = f"{slug}@example.invalid"
            report.emit("ghost-user-email-synthesized", "notice",
                        f"author {login!r} has no e-mail, which Ghost requires; wrote {email}")
        name = (a.name if a else login) or login or "Unknown"
        users.append({"id": uid, "name": name, "slug": slug, "email": email,
                      "roles": ["Contributor"], "status": "active"})
        user_ids[login] = uid
        return uid

    for a in site.authors:
        user_for(a.login)

    tags: list[dict] = []
    tag_ids: dict[str, str] = {}

    def tag_for(name: str, slug: str, description: str = "") -> str:
        from urllib.parse import unquote

        slug = unquote(slug) or slugify(name, allow_unicode=True) or "tag"
        key = slug.lower()
        if key not in tag_ids:
            tid = f"tag-{len(tags) + 1}"
            tags.append({"id": tid, "name": (name or slug)[:191], "slug": slug[:SLUG_MAX],
                         "description": description[:500] or None})
            tag_ids[key] = tid
        return tag_ids[key]

    for t in site.terms:
        if t.taxonomy in ("category", "post_tag"):
            tag_for(t.name, t.slug, t.description)

    posts_tags: list[dict] = []
    posts_authors: list[dict] = []
    posts_meta: list[dict] = []
    skipped_types: dict[str, int] = {}
    counts = {"trash": 0, "comments": 0, "private": 0, "password": 0}
    used_slugs: set[str] = set()
    written_ids: set[int] = set()

    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        first = True
        for p in export.posts():
            if p.type not in ("post", "page"):
                skipped_types[p.type] = skipped_types.get(p.type, 0) + 1
                continue
            if p.status in ("trash", "auto-draft", "inherit"):
                counts["trash"] += 1
                continue
            if p.id in written_ids:  # Ghost's import needs unique ids; WordPress's keeps the first too
                report.emit("item-id-repeated", "warning",
                            f"post id {p.id} is used again by {p.type} {p.title!r}; like WordPress's importer, "
                            "the conversion keeps the first item of that id only",
                            item_id=p.id, item_title=p.title or None, file=p.source.file, line=p.source.line)
                continue
            written_ids.add(p.id)
            counts["comments"] += len(p.comments)
            where = {"item_id": p.id, "item_title": p.title}
            status = _STATUS.get(p.status, "draft")
            if p.status == "private":
                counts["private"] += 1
            if p.password:
                counts["password"] += 1
                status = "draft"
            html = post_html(p, report, urlmap, attachments)
            title = plain_text(p.title) if "<" in p.title or "&" in p.title else p.title
            if len(title) > TITLE_MAX:
                report.emit("ghost-title-truncated", "warning",
                            f"the title has {len(title)} characters; Ghost allows {TITLE_MAX}", **where)
                title = truncate(title, TITLE_MAX)
            slug = _slug_of_ident(p)
            base, n = slug, 2
            while slug.lower() in used_slugs:
                slug = f"{base[:SLUG_MAX - 4]}-{n}"
                n += 1
            used_slugs.add(slug.lower())
            excerpt = plain_text(p.excerpt)
            if len(excerpt) > EXCERPT_MAX:
                report.emit("ghost-excerpt-truncated", "warning",
                            f"the excerpt has {len(excerpt)} characters; Ghost allows {EXCERPT_MAX}, "
                            "so it was cut", **where)
                excerpt = truncate(excerpt, EXCERPT_MAX)
            created = ghost_date(p.dated()) or ghost_date(p.modified) or None
            if created is None:
                report.emit("date-missing", "warning", "the post has no date (no wp:post_date, no pubDate); "
                            "Ghost dates it at the moment of the import", **where)
            updated = ghost_date(p.modified) or created
            pid = str(p.id)
            row = {
                "id": pid,
                "title": title or "(untitled)",
                "slug": slug,
                "html": html,
                "comment_id": pid,
                "feature_image": None,
                "featured": bool(p.sticky),
                "type": p.type,
                "status": status,
                "visibility": "public",
                "created_at": created,
                "updated_at": updated,
                "published_at": created if status in ("published", "scheduled") else None,
                "custom_excerpt": excerpt or None,
                "meta_title": (p.meta_value("_yoast_wpseo_title") or None),
                "meta_description": (p.meta_value("_yoast_wpseo_metadesc") or None),
            }
            meta: dict[str, Any] = {}
            thumb = p.thumbnail_id
            if thumb is not None:
                info = attachments.info.get(thumb)
                if info is None:
                    report.emit("ghost-feature-image-missing", "warning",
                                f"the featured image (attachment {thumb}) is not in the export", **where)
                else:
                    row["feature_image"] = info[0]
                    if info[1]:
                        meta["feature_image_alt"] = info[1][:191]
                    if info[2]:
                        meta["feature_image_caption"] = info[2]
            if meta:
                posts_meta.append({"post_id": pid, **meta})
            order = 0
            for tref in sorted(p.terms, key=lambda t: t.taxonomy != "category"):
                if tref.taxonomy in ("category", "post_tag") or (not tref.taxonomy):
                    posts_tags.append({"post_id": pid, "tag_id": tag_for(tref.name, tref.slug),
                                       "sort_order": order})
                    order += 1
            posts_authors.append({"post_id": pid, "author_id": user_for(p.creator), "sort_order": 0})
            spool.write(("\n" if first else ",\n") + _dumps(row))
            first = False

        for t, n in sorted(skipped_types.items()):
            report.emit("ghost-type-skipped", "notice",
                        f"{n} item(s) of type {t!r} left out: Ghost has posts and pages only")
        if counts["trash"]:
            report.emit("ghost-trash-skipped", "notice", f"{counts['trash']} trashed post(s)/page(s) left out")
        if counts["private"]:
            report.emit("ghost-private-as-draft", "warning",
                        f"{counts['private']} private post(s) imported as drafts (Ghost has no private posts)")
        if counts["password"]:
            report.emit("ghost-password-dropped", "warning",
                        f"{counts['password']} password-protected post(s) imported as drafts "
                        "(Ghost has no post passwords)")

        spool.seek(0)
        with OutputFile(output) as fh:
            meta_head = {"exported_on": int(time.time() * 1000), "version": GHOST_VERSION}
            fh.write('{"db":[{"meta":' + _dumps(meta_head) + ',"data":{"posts":[')
            shutil.copyfileobj(spool, fh)
            fh.write("\n],\n")
            for name, rows in (("tags", tags), ("users", users), ("posts_tags", posts_tags),
                               ("posts_authors", posts_authors), ("posts_meta", posts_meta)):
                fh.write(_dumps(name) + ":" + _dumps(rows) + (",\n" if name != "posts_meta" else "\n"))
            fh.write("}}]}\n")

    if counts["comments"]:
        side = output.with_name(output.name + ".comments.disqus.xml")
        report.emit("ghost-no-comments", "warning",
                    f"Ghost's importer has no comments: {counts['comments']} comment(s) were not "
                    f"imported; they are in {side.name} (Disqus import format)")
        from migrate.writers.disqus import write_disqus

        keep = {"post", "page"}
        side_export = export.with_posts(lambda: (p for p in export.posts()
                                                 if p.type in keep and p.status not in ("trash", "inherit")))
        write_disqus(side_export, side, report,
                     identifier=str(options.get("comments_identifier", "ghost")),
                     pingbacks=str(options.get("pingbacks", "skip")).lower() in ("include", "yes"),
                     which=str(options.get("comments") or "approved"))


def write(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """Ghost 5 import JSON (posts, pages, tags, users); comments to a Disqus side file."""
    write_ghost(export, Path(output), report, options)


write.output_kind = "file"  # type: ignore[attr-defined]
