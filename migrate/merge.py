"""Combining exports: split files of one site, or different sites into one.

The WXR reader reads several files as one export and drops an item whose id
it has already read. That is right for split files of one site (WP-CLI parts,
WordPress.com's ``.000.xml`` …) and is kept as it is. It is wrong for
*different* sites (another home URL), whose ids are independent: there a
repeated id is another post. For those, :func:`combine_sites` reads the sites
one after the other and, for the second site on, renumbers what collides:

``remap=auto`` (default)
    an id already used is renumbered when the item differs (type, GUID,
    slug, title or date); the same item exported twice is kept once;
``remap=yes``
    every colliding id is renumbered, even for identical items;
``remap=no``
    ids are kept; a colliding item is dropped (``item-duplicate``).

Renumbering fixes what points at an id inside that site: ``post_parent``,
``_thumbnail_id``, nav-menu items' ``_menu_item_object_id`` (when it names a
post) and ``_menu_item_menu_item_parent``, and comment ids with their
``comment_parent``. Each renumbered item is a finding ``merge-id-remapped``.
Only ids are held in memory (one small tuple per item), never bodies.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from migrate.errors import Report
from migrate.model import Comment, Export, Post


def _base_stream(export: Export):
    """The WXR reader's stream behind ``export`` (through filters and wrappers)."""
    from migrate.readers.wxr import WxrExport

    stream = export.extra_info.get("stream")
    return stream if isinstance(stream, WxrExport) else None


def _fingerprint(p: Post) -> tuple:
    return (p.type, p.guid, p.slug, p.title, p.date.local)


def combine_sites(export: Export, remap: str, report: Report) -> Export:
    """``export`` unchanged when it is one site, else its sites combined."""
    from migrate.readers.wxr import WxrExport, read_header

    stream = _base_stream(export)
    if stream is None or len(stream.sources) < 2:
        return export
    groups: dict[str, list] = {}
    for src in stream.sources:
        site = read_header(src, stream.options, Report()).site
        key = (site.base_blog_url or site.link or site.base_site_url).rstrip("/").lower()
        groups.setdefault(key, []).append(src)
    if len(groups) < 2:
        return export
    exports = [WxrExport(srcs, stream.options, Report()) for srcs in groups.values()]

    def plan() -> list[tuple[dict[int, int], set[int]]]:
        """Per site: old id → new id, and ids to drop."""
        used: dict[int, tuple] = {}
        top = 0
        per_site = []
        for e in exports:
            for p in e.posts():
                top = max(top, p.id)
        for index, e in enumerate(exports):
            mapping: dict[int, int] = {}
            drop: set[int] = set()
            mine: dict[int, tuple] = {}
            for p in e.posts():
                fp = _fingerprint(p)
                if p.id in mapping or p.id in drop:
                    continue  # a site repeating its own id: decided once, kept as it was
                if p.id in used and index > 0:
                    same = used[p.id] == fp
                    if remap == "no" or (remap == "auto" and same):
                        drop.add(p.id)
                        report.emit("item-duplicate", "notice",
                                    f"post id {p.id} is already used by another site's "
                                    f"{'identical ' if same else ''}item; this one was left out",
                                    item_id=p.id, item_title=p.title)
                        continue
                    top += 1
                    mapping[p.id] = top
                    report.emit("merge-id-remapped", "notice",
                                f"post id {p.id} is used by another site; renumbered {top}",
                                item_id=top, item_title=p.title)
                mine[mapping.get(p.id, p.id)] = fp
            used.update(mine)
            per_site.append((mapping, drop))
        return per_site

    plans: list = []

    def posts() -> Iterator[Post]:
        if not plans:
            plans.extend(plan())
        comment_ids: set[int] = set()
        comment_top = [0]
        for e in exports:
            for p in e.posts():
                for c in p.comments:
                    comment_top[0] = max(comment_top[0], c.id)
        for e, (mapping, drop) in zip(exports, plans):
            site_comments: set[int] = set()
            for p in e.posts():
                if p.id in drop:
                    continue
                yield _renumber(p, mapping, comment_ids, site_comments, comment_top)
            comment_ids |= site_comments

    combined = Export(export.site, posts, None, export.name, dict(export.extra_info))
    filters = export.extra_info.get("filters")
    if filters:
        from migrate.filters import apply_filters

        combined = apply_filters(combined, filters)
    return combined


def _renumber(p: Post, mapping: dict[int, int], taken: set[int], mine: set[int], top: list[int]) -> Post:
    def m(v: int) -> int:
        return mapping.get(v, v)

    def m_str(v: str) -> str:
        try:
            return str(m(int(v)))
        except ValueError:
            return v

    cmap: dict[int, int] = {}
    for c in p.comments:
        if c.id in taken:
            top[0] += 1
            cmap[c.id] = top[0]
        mine.add(cmap.get(c.id, c.id))
    if not mapping and not cmap:
        return p
    is_post_link = p.meta_value("_menu_item_type") == "post_type"
    meta = tuple(
        (k, m_str(v) if k in ("_thumbnail_id", "_menu_item_menu_item_parent")
         or (k == "_menu_item_object_id" and is_post_link) else v)
        for k, v in p.meta
    )
    comments: tuple[Comment, ...] = p.comments
    if cmap:
        comments = tuple(replace(c, id=cmap.get(c.id, c.id), parent=cmap.get(c.parent, c.parent))
                         for c in p.comments)
    return replace(p, id=m(p.id), parent=m(p.parent), meta=meta, comments=comments)
