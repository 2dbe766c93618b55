"""Hugo: page bundles (or flat files with ``+flat``), ``hugo.toml``, data files for comments."""

from __future__ import annotations

import re
from typing import Any, Optional
from urllib.parse import parse_qsl

from slugify import slugify

from migrate.model import Post
from migrate.output import OutputTree, safe_component
from migrate.transforms.links import split_url
from migrate.writers.static import frontmatter
from migrate.writers.static.core import (
    comments_json, Entry, Flavour, ItemData, Planner, RunState, escape_body_start, hugo_escape, make_writer,
)

__all__ = ["HugoFlavour", "write"]


_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                            "www.youtube-nocookie.com"})
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATH = re.compile(r"/(?:embed|shorts|live|v)/([A-Za-z0-9_-]{11})/?")
#: Query keys of a video URL that say nothing about what is shown (sharing and tracking).
_IDLE_KEYS = frozenset({"feature", "si", "ab_channel", "app", "pp"})
_VIMEO_PATH = re.compile(r"/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d+)/?")


def youtube_id(url: str) -> Optional[str]:
    """The video id of a YouTube URL that names one video and nothing more.

    A start time, a playlist or another setting that Hugo's ``youtube``
    shortcode cannot take answers None, so the URL is kept as it is.
    """
    try:
        parts = split_url(url.strip())
    except ValueError:
        return None
    host = parts.netloc.lower()
    keys = parse_qsl(parts.query, keep_blank_values=True)
    if parts.scheme not in ("http", "https") or parts.fragment:
        return None
    if host in ("youtu.be", "www.youtu.be"):
        vid, rest = parts.path[1:].rstrip("/"), keys
    elif host in _YOUTUBE_HOSTS:
        m = _YOUTUBE_PATH.fullmatch(parts.path)
        if m is not None:
            vid, rest = m.group(1), keys
        elif parts.path in ("/watch", "/watch/"):
            vids = [v for k, v in keys if k == "v"]
            vid, rest = (vids[0] if len(vids) == 1 else ""), [(k, v) for k, v in keys if k != "v"]
        else:
            return None
    else:
        return None
    if not _YOUTUBE_ID.fullmatch(vid) or any(k not in _IDLE_KEYS for k, _ in rest):
        return None
    return vid


def vimeo_id(url: str) -> Optional[str]:
    """The id of a public Vimeo video URL (one without the hash of an unlisted one)."""
    try:
        parts = split_url(url.strip())
    except ValueError:
        return None
    host = parts.netloc.lower()
    if parts.scheme not in ("http", "https") or parts.fragment or host not in (
            "vimeo.com", "www.vimeo.com", "player.vimeo.com"):
        return None
    if any(k not in _IDLE_KEYS for k, _ in parse_qsl(parts.query, keep_blank_values=True)):
        return None
    m = _VIMEO_PATH.fullmatch(parts.path)
    return m.group(1) if m else None


def _toml_str(s: str) -> str:
    return frontmatter.toml_text({"x": s})[4:-1]


class HugoFlavour(Flavour):
    name = "hugo"
    default_front_matter = "yaml"
    reserved = frozenset({"posts", "tags", "categories", "page", "static", "data", "layouts"})
    static_root = "static/"

    def __init__(self, options):
        super().__init__(options)
        self.flat = bool(self.flags.get("flat"))

    def place(self, e: Entry, planner: Planner) -> None:
        if e.kind == "post":
            base = f"content/posts/{e.slug}"
        else:
            base = "content/" + "/".join(e.segments)
        if e.has_children:
            e.file = f"{base}/_index.md"
        elif self.flat:
            e.file = f"{base}.md"
        else:
            e.file = f"{base}/index.md"
            e.bundle_dir = base

    def embed(self, provider: str, url: str) -> Optional[str]:
        """YouTube and Vimeo videos as Hugo's built-in shortcodes (players, not links)."""
        vid = youtube_id(url)
        if vid is not None:
            return "{{< youtube " + vid + " >}}"
        vid = vimeo_id(url)
        if vid is not None:
            return "{{< vimeo " + vid + " >}}"
        return None

    def taxonomy_key(self, tax: str) -> str:
        key = safe_component(slugify(tax, separator="_", allow_unicode=False) or "taxonomy", "taxonomy")
        if key in ("tag", "tags", "category", "categories", "params"):
            key = "wp_" + key
        return key

    def front_matter_for(self, e: Entry, post: Post, d: ItemData) -> dict[str, Any]:
        fm: dict[str, Any] = {"title": d.title}
        if d.date is not None:
            fm["date"] = d.date
        if d.modified is not None and d.date is not None and d.modified > d.date:
            fm["lastmod"] = d.modified
        fm["draft"] = d.draft
        fm["slug"] = e.slug
        if e.aliases:
            fm["aliases"] = e.aliases
        if d.categories:
            fm["categories"] = d.categories
        if d.tags:
            fm["tags"] = d.tags
        for tax, names in sorted(d.taxonomies.items()):
            fm[self.taxonomy_key(tax)] = names
        if d.summary:
            fm["summary"] = d.summary
        if d.image:
            fm["images"] = [d.image]  # what Hugo's own Open Graph and Twitter templates read
        if d.menu_order and e.kind != "post":
            fm["weight"] = d.menu_order
        params: dict[str, Any] = {}
        if d.author:
            params["author"] = d.author
        if d.has_comments:
            params["comments_key"] = e.key
        if d.sticky:
            params["sticky"] = True
        params["wp_id"] = e.id
        if e.type not in ("post", "page"):
            params["wp_type"] = e.type
        if post.status != "publish":
            params["wp_status"] = post.status
        fm["params"] = dict(sorted(params.items()))
        return fm

    def body(self, markdown: str) -> str:
        return escape_body_start(hugo_escape(markdown))

    def write_comments(self, out: OutputTree, e: Entry, records: list[dict]) -> None:
        out.write_text(f"data/comments/{e.key}.json", comments_json(e.id, records))

    def write_site(self, out: OutputTree, planner: Planner, state: RunState) -> None:
        site = planner.site
        base = (site.home or "").strip()
        if base and not base.endswith("/"):
            base += "/"
        lines = [
            "# Written by wpmigrate from a WordPress export.",
            f"baseURL = {_toml_str(base or '/')}",
            f"title = {_toml_str(site.title)}",
        ]
        if site.language:
            lines.append(f"languageCode = {_toml_str(site.language)}")
        lines += ["", "[params]", f"  description = {_toml_str(site.description)}", ""]
        lines += ["[permalinks]", f"  posts = {_toml_str(planner.post_pattern)}"]
        for t, pat in sorted(planner.type_patterns.items()):
            lines.append(f"  {_toml_str(planner.type_section(t))} = {_toml_str(pat)}")
        lines += ["", "[taxonomies]", '  category = "categories"', '  tag = "tags"']
        for tax in sorted(state.taxonomies_used):
            key = self.taxonomy_key(tax)
            lines.append(f"  {key} = {_toml_str(key)}")
        lines += ["", "[markup.goldmark.renderer]", "  unsafe = true", ""]
        out.write_text("hugo.toml", "\n".join(lines))


write = make_writer(HugoFlavour)
write.__doc__ = """Hugo site: page bundles, hugo.toml, comment threads as data files, redirects.

Flags: ``+flat`` writes ``content/posts/<slug>.md`` instead of bundles;
``-comments`` leaves comments out.
"""
