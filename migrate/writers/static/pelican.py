"""Pelican: Markdown with a metadata header, ``pelicanconf.py``, a minimal theme that threads comments."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from migrate.model import Post
from migrate.output import OutputTree
from migrate.writers.static.core import (
    comments_json, Entry, Flavour, ItemData, Planner, RunState, make_writer,
)

__all__ = ["PelicanFlavour", "write"]


def _one_line(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def pelican_date(d: datetime) -> str:
    return d.isoformat(" ", "seconds")


def _list(names: list[str]) -> str:
    names = [_one_line(n) for n in names if _one_line(n)]
    sep = "; " if any("," in n for n in names) else ", "
    return sep.join(n.replace(";", ",") if sep == "; " else n for n in names)


def _py(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


_PATTERN_TOKENS = {":year": "{date:%Y}", ":month": "{date:%m}", ":day": "{date:%d}", ":slug": "{slug}"}


class PelicanFlavour(Flavour):
    name = "pelican"
    front_matters = ("yaml", "toml", "json")  # ignored: Pelican has its own header
    reserved = frozenset({"tag", "tags", "category", "categories", "author", "authors", "archives",
                          "drafts", "theme", "wp-content", "feeds", "index", "pages", "extra"})
    static_root = "content/"
    #: Jinja's recursive loop uses Python recursion: keep well below its limit.
    max_depth = 100

    def namespace(self, entry: Entry, parent_segments: tuple[str, ...]) -> str:
        # Pelican treats items of one kind with the same slug as translations:
        # every page (custom types too) needs a slug of its own
        return "articles" if entry.kind == "post" else "page:"

    def place(self, e: Entry, planner: Planner) -> None:
        if e.kind == "post":
            e.file = f"content/posts/{e.slug}.md"
        else:
            e.file = "content/pages/" + "/".join(e.segments) + ".md"
            if e.has_children:
                e.file = "content/pages/" + "/".join(e.segments) + "/index.md"

    def front_matter_for(self, e: Entry, post: Post, d: ItemData) -> dict[str, Any]:
        fm: dict[str, Any] = {"Title": _one_line(d.title) or e.slug}
        date = d.date  # a post always has one (the plan dates an undated one, and says so)
        if date is not None:
            fm["Date"] = pelican_date(date)
        if d.modified is not None and date is not None and d.modified > date:
            fm["Modified"] = pelican_date(d.modified)
        if e.kind == "post" and d.categories:
            fm["Category"] = _one_line(d.categories[0])
        tags = list(d.tags)
        if e.kind == "post" and len(d.categories) > 1 and self.report is not None:
            self.report.emit("category-extra", "notice",
                             "Pelican keeps one category per article; the others were kept as tags",
                             item_id=e.id, item_title=e.title)
            tags += [c for c in d.categories[1:] if c not in tags]
        if tags:
            fm["Tags"] = _list(tags)
        fm["Slug"] = e.slug
        if e.kind != "post":
            fm["Url"] = "/".join(e.segments) + "/"
            fm["Save_as"] = "/".join(e.segments) + "/index.html"
        if d.draft or e.status == "future":
            fm["Status"] = "draft"
        elif e.kind == "custom":
            fm["Status"] = "hidden"
        else:
            fm["Status"] = "published"
        if d.author:
            fm["Authors"] = _list([d.author])
        if d.summary:
            fm["Summary"] = _one_line(d.summary)
        if d.image:
            fm["Image"] = _one_line(d.image)
        for tax, names in sorted(d.taxonomies.items()):
            key = re.sub(r"[^A-Za-z0-9_]", "_", tax).capitalize()
            fm.setdefault(key, _list(names))
        if d.has_comments:
            fm["Comments_key"] = e.key
        fm["Wp_id"] = str(e.id)
        if e.type not in ("post", "page"):
            fm["Wp_type"] = e.type
        if e.aliases:
            fm["Wp_old_urls"] = " ".join(e.aliases)
        return fm

    def document(self, fm: dict[str, Any], body: str) -> str:
        head = "".join(f"{k}: {v}\n" for k, v in fm.items())
        return head + "\n" + body

    def body(self, markdown: str) -> str:
        # the header ends at the first blank line: a body must not continue it
        return markdown.lstrip("\n")

    def write_comments(self, out: OutputTree, e: Entry, records: list[dict]) -> None:
        out.write_text(f"comments/{e.key}.json", comments_json(e.id, records))

    def redirect_files(self) -> dict[str, str]:
        return {"netlify": "content/extra/_redirects", "nginx": "redirects.map", "json": "redirects.json"}

    def write_site(self, out: OutputTree, planner: Planner, state: RunState) -> None:
        site = planner.site
        pattern = planner.post_pattern.lstrip("/")
        for tok, rep in _PATTERN_TOKENS.items():
            pattern = pattern.replace(tok, rep)
        save_as = pattern + ("index.html" if pattern.endswith("/") else ".html")
        text = f'''"""Pelican settings written by wpmigrate from a WordPress export.

Build with:  pelican content -s pelicanconf.py -o output
The theme in theme/ is minimal on purpose: it extends Pelican's "simple"
theme and adds the comment threads (templates/comments.html). To use
another theme, set THEME and copy comments.html into it; call it from its
article.html and page.html with {{% include "comments.html" %}}.
"""

import json
import logging
from pathlib import Path

SITENAME = {_py(site.title)}
SITEURL = ""
SITE_DESCRIPTION = {_py(site.description)}
DEFAULT_LANG = {_py((site.language or "en").split("-")[0])}
TIMEZONE = "UTC"
PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["wp-content", "extra/_redirects"]
EXTRA_PATH_METADATA = {{"extra/_redirects": {{"path": "_redirects"}}}}
ARTICLE_URL = {_py(pattern)}
ARTICLE_SAVE_AS = {_py(save_as)}
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
THEME = "theme"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
SLUGIFY_SOURCE = "basename"
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.extra": {{}},
        "markdown.extensions.meta": {{}},
    }},
    "output_format": "html5",
}}

_COMMENTS = Path(__file__).resolve().parent / "comments"


def wp_comments(key):
    """The comment thread of a post: {{"comments": [top-level, with "children"], "pings": [...]}}."""
    empty = {{"comments": [], "pings": []}}
    if not key:
        return empty
    try:
        records = json.loads((_COMMENTS / (str(key) + ".json")).read_text(encoding="utf-8"))["comments"]
    except (OSError, ValueError, KeyError):
        return empty
    nodes = {{}}
    roots, pings = [], []
    for r in records:  # parents come before their replies
        if r.get("type") in ("pingback", "trackback"):
            pings.append(r)
            continue
        node = dict(r, children=[])
        nodes[r["id"]] = node
        parent = nodes.get(r.get("parent"))
        (parent["children"] if parent else roots).append(node)
    return {{"comments": roots, "pings": pings, "count": len(nodes)}}


JINJA_FILTERS = {{"wp_comments": wp_comments}}

# WordPress posts often carry images with an empty alt text (decorative, or
# never filled in). Pelican warns about each; the text is kept as it was.
LOG_FILTER = [(logging.WARN, "Empty alt attribute for image %s in %s")]
'''
        out.write_text("pelicanconf.py", text)


write = make_writer(PelicanFlavour)
write.__doc__ = """Pelican site: Markdown with metadata, pelicanconf.py, a minimal theme with comment threads.

Flags: ``-comments`` leaves comments out.
"""
