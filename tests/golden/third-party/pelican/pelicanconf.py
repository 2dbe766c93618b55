"""Pelican settings written by wpmigrate from a WordPress export.

Build with:  pelican content -s pelicanconf.py -o output
The theme in theme/ is minimal on purpose: it extends Pelican's "simple"
theme and adds the comment threads (templates/comments.html). To use
another theme, set THEME and copy comments.html into it; call it from its
article.html and page.html with {% include "comments.html" %}.
"""

import json
import logging
from pathlib import Path

SITENAME = "Union Hall News"
SITEURL = ""
SITE_DESCRIPTION = ""
DEFAULT_LANG = "en"
TIMEZONE = "UTC"
PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["wp-content", "extra/_redirects"]
EXTRA_PATH_METADATA = {"extra/_redirects": {"path": "_redirects"}}
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
THEME = "theme"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
SLUGIFY_SOURCE = "basename"
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

_COMMENTS = Path(__file__).resolve().parent / "comments"


def wp_comments(key):
    """The comment thread of a post: {"comments": [top-level, with "children"], "pings": [...]}."""
    empty = {"comments": [], "pings": []}
    if not key:
        return empty
    try:
        records = json.loads((_COMMENTS / (str(key) + ".json")).read_text(encoding="utf-8"))["comments"]
    except (OSError, ValueError, KeyError):
        return empty
    nodes = {}
    roots, pings = [], []
    for r in records:  # parents come before their replies
        if r.get("type") in ("pingback", "trackback"):
            pings.append(r)
            continue
        node = dict(r, children=[])
        nodes[r["id"]] = node
        parent = nodes.get(r.get("parent"))
        (parent["children"] if parent else roots).append(node)
    return {"comments": roots, "pings": pings, "count": len(nodes)}


JINJA_FILTERS = {"wp_comments": wp_comments}

# WordPress posts often carry images with an empty alt text (decorative, or
# never filled in). Pelican warns about each; the text is kept as it was.
LOG_FILTER = [(logging.WARN, "Empty alt attribute for image %s in %s")]
