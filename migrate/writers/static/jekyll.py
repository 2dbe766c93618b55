"""Jekyll: ``_posts``/``_drafts``, pages, ``redirect_from``, comments in Staticman's layout."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slugify import slugify

from migrate.model import Post, date_text
from migrate.output import OutputTree, safe_component
from migrate.writers.static.core import (
    Entry, Flavour, ItemData, Planner, RunState, make_writer,
)
from migrate.writers.static.frontmatter import Bare, yaml_str, yaml_text

__all__ = ["JekyllFlavour", "write"]


def jekyll_date(d: datetime) -> Bare:
    off = d.strftime("%z") or "+0000"
    return Bare(date_text(d) + " " + off)


def _ms(d: datetime | None) -> int:
    return int(d.timestamp() * 1000) if d is not None else 0


class JekyllFlavour(Flavour):
    name = "jekyll"
    default_front_matter = "yaml"
    front_matters = ("yaml",)
    reserved = frozenset({"tags", "categories", "assets", "wp-content", "index", "feed", "redirects"})
    static_root = ""

    def namespace(self, entry: Entry, parent_segments: tuple[str, ...]) -> str:
        return super().namespace(entry, parent_segments)

    def place(self, e: Entry, planner: Planner) -> None:
        if e.kind == "post":
            if e.draft or e.date is None:
                e.file = f"_drafts/{e.slug}.md"
            else:
                e.file = f"_posts/{date_text(e.date)[:10]}-{e.slug}.md"
        else:
            e.file = "/".join(e.segments) + "/index.md"

    def taxonomy_key(self, tax: str) -> str:
        return safe_component(slugify(tax, separator="_") or "taxonomy", "taxonomy")

    def front_matter_for(self, e: Entry, post: Post, d: ItemData) -> dict[str, Any]:
        fm: dict[str, Any] = {"layout": "post" if e.kind == "post" else "page", "title": d.title}
        if d.date is not None:
            fm["date"] = jekyll_date(d.date)
        if d.modified is not None and d.date is not None and d.modified > d.date:
            fm["last_modified_at"] = jekyll_date(d.modified)
        if d.draft and e.kind != "post":
            fm["published"] = False
        fm["slug"] = e.slug
        if e.url:
            fm["permalink"] = e.url
        if e.aliases:
            fm["redirect_from"] = e.aliases
        if d.categories:
            fm["categories"] = d.categories
        if d.tags:
            fm["tags"] = d.tags
        for tax, names in sorted(d.taxonomies.items()):
            key = self.taxonomy_key(tax)
            if key not in fm:
                fm[key] = names
        if d.summary:
            fm["excerpt"] = d.summary
        if d.image:
            fm["image"] = d.image  # what jekyll-seo-tag and most themes read
        if d.author:
            fm["author"] = d.author
        if d.menu_order and e.kind != "post":
            fm["weight"] = d.menu_order
        if d.sticky:
            fm["sticky"] = True
        if d.has_comments:
            fm["comments_key"] = e.key
        fm["wp_id"] = e.id
        if e.type not in ("post", "page"):
            fm["wp_type"] = e.type
        if post.status != "publish":
            fm["wp_status"] = post.status
        # WordPress text is never a template: {{ … }} and {% … %} stay literal
        fm["render_with_liquid"] = False
        return fm

    #: Liquid stops nested includes at about 50 levels ("Nesting too deep").
    max_depth = 40

    def write_comments(self, out: OutputTree, e: Entry, records: list[dict]) -> None:
        for r in records:
            try:
                stamp = _ms(datetime.fromisoformat(r["date"])) if r["date"] else 0
            except ValueError:
                stamp = 0
            doc = {
                "_id": str(r["id"]),
                "_parent": str(r["parent"]) if r["parent"] else "",
                "type": r["type"],
                "name": r["author"],
                "email": r["email_md5"],
                "url": r["author_url"],
                "date": r["date"],
                "message": r["content"],
            }
            if r["status"] != "approved":
                doc["status"] = r["status"]
            out.write_text(f"_data/comments/{e.key}/entry{max(stamp, 0):013d}-{r['id']}.yml", yaml_text(doc))

    def write_site(self, out: OutputTree, planner: Planner, state: RunState) -> None:
        site = planner.site
        url = (site.home or "").rstrip("/")
        base = ""
        if "://" in url:
            scheme, _, rest = url.partition("://")
            host, slash, path = rest.partition("/")
            url = f"{scheme}://{host}"
            base = ("/" + path).rstrip("/") if slash else ""
        pattern = planner.post_pattern.replace(":slug", ":title")
        lines = [
            "# Written by wpmigrate from a WordPress export.",
            f"title: {yaml_str(site.title)}",
            f"description: {yaml_str(site.description)}",
            f"url: {yaml_str(url)}",
            f"baseurl: {yaml_str(base)}",
        ]
        if site.language:
            lines.append(f"lang: {yaml_str(site.language)}")
        lines += [
            f"permalink: {yaml_str(pattern)}",
            'excerpt_separator: "<!--more-->"',
            "markdown: kramdown",
            "kramdown:",
            "  input: GFM",
            "plugins:",
            "  - jekyll-redirect-from",
            "include:",
            "  - _redirects",
            "exclude:",
            "  - redirects.json",
            "  - redirects.map",
            "  - Gemfile",
            "  - Gemfile.lock",
            "",
        ]
        out.write_text("_config.yml", "\n".join(lines))


write = make_writer(JekyllFlavour)
write.__doc__ = """Jekyll site: _posts, _drafts, pages, redirect_from, Staticman-style comment data.

Flags: ``-comments`` leaves comments out.
"""
