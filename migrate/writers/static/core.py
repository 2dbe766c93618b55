"""The static-site writer core every generator flavour shares.

A run reads the export once and works in two passes:

1. **Plan** (``export.posts()``, streamed once): the identities of the items
   decide which are written, their slugs (unique per namespace, suffixes by
   id order so the result does not depend on file order), paths, new URLs,
   comment keys and media places; the URL map (old address → new) is built
   from the same identities. The plan is kept in an SQLite file in the
   staging folder (:mod:`.plan_store`), so memory does not grow with the
   site. The items to write are pickled into a spool file beside it as they
   pass, so the export is never parsed twice.
2. **Write** (the spool, frame by frame): each item's body through the
   content pipeline, its front matter, its comment data, in worker
   processes that read their frames from the spool and write their files
   into the staging folder themselves; attachments are copied by the
   writing process in file order. Nothing holds more than a frame of items.

Then the site-level files: configuration, the layouts shipped with the
site, and the redirect files (Netlify ``_redirects``, an nginx map and
``redirects.json``).

A flavour (:class:`Flavour`) says where things go and how they are spelled
for one generator; see ``hugo.py``, ``jekyll.py``, ``pelican.py``. Adding a
generator means a new subclass, not a copy of this module.
"""

from __future__ import annotations

import bisect
import errno
from array import array
import hashlib
import html
import itertools
import json
import os
import pickle
import re
import secrets
import sqlite3
import struct
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Optional
from urllib.parse import quote, unquote, urlsplit

from slugify import slugify

from migrate.errors import OutputError, Report, UsageError
from migrate.model import COMMENT_CHOICES, Comment, Export, Identity, Post, Site
from migrate.output import OutputTree, StagedFiles, safe_component
from migrate.parallel import process_context
from migrate.parallel import can_start_processes, default_workers, parallel_map
from migrate.readers import halves
from migrate.threads import build_threads, comment_sort_key, walk
from migrate.transforms.context import AttachmentInfo, TransformContext
from migrate.transforms.links import MediaStore, UrlMap, split_url, upload_relpath
from migrate.transforms.html_markdown import html_to_markdown
from migrate.transforms.pipeline import comment_html, to_markdown
from migrate.transforms.text import visible_text
from migrate.writers.static import frontmatter
from migrate.writers.static.plan_store import PlanStore, Table

__all__ = ["Flavour", "Entry", "Planner", "StaticWriter", "make_writer", "hugo_escape", "email_hash",
           "comments_json"]

#: Post types plugins keep private (WordPress registers them not public):
#: form submissions, orders, payments and logs hold visitors' names, e-mails
#: and addresses; the rest is configuration. Exports carry them all.
PRIVATE_TYPES = frozenset({
    # Jetpack and WordPress.com: contact form responses, payments, custom CSS
    "feedback", "jp_pay_order", "jp_pay_product", "jetpack_migration", "safecss",
    # WooCommerce and Action Scheduler
    "shop_order", "shop_order_refund", "shop_order_placehold", "shop_coupon", "shop_webhook",
    "product_variation", "scheduled-action",
    # form plugins: forms and their submissions
    "wpcf7_contact_form", "flamingo_contact", "flamingo_inbound", "flamingo_outbound",
    "wpforms", "wpforms_log", "nf_sub", "mc4wp-form",
    # Easy Digital Downloads
    "edd_payment", "edd_log", "edd_discount",
    # field and page builders' definitions and libraries
    "acf-field-group", "acf-field", "acf-post-type", "acf-taxonomy", "acf-ui-options-page",
    "elementor_library", "et_pb_layout", "fl-builder-template", "vc_grid_item",
    # author profiles, mail logs, plugin logs
    "guest-author", "postman_sent_mail", "wp_log", "amp_validated_url", "bp-email",
})
#: Post types that are never pages of the site (media, menus, editor internals, plugins' private data).
SKIP_TYPES = frozenset({
    "attachment", "nav_menu_item", "revision", "custom_css", "customize_changeset",
    "oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part",
    "wp_global_styles", "wp_navigation", "wp_font_family", "wp_font_face",
}) | PRIVATE_TYPES
#: Statuses written (drafts among them, marked as such).
WRITE_STATUSES = frozenset({"publish", "future", "draft", "pending", "private"})
#: Taxonomies that are WordPress plumbing, not the author's classification.
INTERNAL_TAXONOMIES = frozenset({
    "nav_menu", "link_category", "post_format", "wp_theme", "wp_template_part_area",
    "wp_pattern_category",
})
PING_KINDS = frozenset({"pingback", "trackback"})
#: file extensions a generator would read as content: never put media with them in a bundle.
CONTENT_EXTS = frozenset({".md", ".markdown", ".mdown", ".html", ".htm", ".org", ".adoc", ".rst",
                          ".pandoc", ".pdc", ".ad", ".asciidoc", ".xml", ".json", ".yaml", ".yml",
                          ".toml", ".txt"})



def is_page_of_site(type_: str, status: str) -> bool:
    """Whether an item becomes a page of the site (the plan's rule, for streaming it)."""
    return type_ not in SKIP_TYPES and status in WRITE_STATUSES


def email_hash(email: str) -> str:
    """Gravatar's hash: MD5 of the trimmed, lowercased address ('' for none)."""
    e = (email or "").strip().lower()
    return hashlib.md5(e.encode("utf-8")).hexdigest() if e else ""


_HUGO_SC = re.compile(r"\{\{([<%])(.*?)([>%])\}\}", re.S)


def hugo_escape(body: str) -> str:
    """Make WordPress text that looks like a Hugo shortcode print literally."""
    if "{{<" not in body and "{{%" not in body:
        return body

    def sub(m: re.Match[str]) -> str:
        inner = m.group(2)
        if inner.startswith("/*") and inner.endswith("*/"):
            return m.group(0)  # already an escaped shortcode
        if "*/" in inner or m.group(1) != m.group(3).replace(">", "<"):
            return "{{" + ("&lt;" if m.group(1) == "<" else "&#37;") + inner + m.group(3) + "}}"
        return "{{" + m.group(1) + "/*" + inner + "*/" + m.group(3) + "}}"

    body = _HUGO_SC.sub(sub, body)
    # an opener left without its closer
    return re.sub(r"\{\{([<%])(?!/\*)", lambda m: "{{" + ("&lt;" if m.group(1) == "<" else "&#37;"), body)


def comments_json(post_id: int, records: list[dict]) -> str:
    """A comment-thread data file: ``{"comments": [...], "post_id": N}``, one comment a line.

    Each comment goes through the C JSON encoder (``indent`` would force the
    pure-Python one, the dearest part of writing a thread).
    """
    dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    if not records:
        return f'{{"comments": [], "post_id": {post_id}}}\n'
    return ('{"comments": [\n' + ",\n".join(dumps(r) for r in records)
            + f'\n], "post_id": {post_id}}}\n')


class RedirectsJson:
    """``redirects.json`` written pair by pair, byte for byte what
    ``json.dumps({"redirects": [...]}, ensure_ascii=False, indent=2) + "\\n"`` gives."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.first = True
        fh.write(b'{\n  "redirects": [')

    def add(self, old: str, new: str) -> None:
        self.fh.write(("" if self.first else ",").encode() + (
            '\n    {\n      "from": ' + json.dumps(old, ensure_ascii=False) + ',\n      "to": '
            + json.dumps(new, ensure_ascii=False) + ',\n      "status": 301\n    }').encode())
        self.first = False

    def close(self) -> None:
        self.fh.write(b"]\n}\n" if self.first else b"\n  ]\n}\n")


def escape_body_start(body: str) -> str:
    """A body that starts like a front-matter delimiter would be read as one."""
    if body.startswith(("---", "+++")):
        return "\\" + body
    if body.startswith("{") and not body.startswith("{{"):
        return "\\" + body
    return body


def _url_path(url: str) -> str:
    """The percent-encoded form of a site-relative path."""
    return quote(url, safe="/%:@!$&'()*+,;=-._~")


# ---------------------------------------------------------------- the plan


@dataclass(slots=True)
class Entry:
    """One item the site will hold, as planned before any content is read."""

    id: int
    type: str
    status: str
    #: "post", "page" or "custom" (another post type)
    kind: str
    slug: str
    #: URL path segments below the site root for pages and custom types
    segments: tuple[str, ...]
    title: str
    date: Optional[datetime]
    #: new site-relative URL (unquoted, with trailing slash); None for drafts
    url: Optional[str] = None
    #: the comment-data key, unique over the whole site
    key: str = ""
    has_children: bool = False
    #: where the generator will put it: the flavour fills these in
    file: str = ""
    bundle_dir: Optional[str] = None
    aliases: list[str] = field(default_factory=list)
    draft: bool = False
    password: bool = False

    def __reduce__(self) -> tuple:
        # the plan store pickles entries over and over: the fields as a tuple,
        # the date as text (an aware datetime pickles several times slower)
        return (_entry_from_fields, (
            self.id, self.type, self.status, self.kind, self.slug, self.segments, self.title,
            self.date.isoformat() if self.date is not None else None, self.url, self.key,
            self.has_children, self.file, self.bundle_dir, self.aliases, self.draft, self.password))


def _entry_from_fields(id: int, type: str, status: str, kind: str, slug: str, segments: tuple[str, ...],
                       title: str, date: Optional[str], *rest: Any) -> Entry:
    return Entry(id, type, status, kind, slug, segments, title,
                 datetime.fromisoformat(date) if date is not None else None, *rest)


@dataclass
class MediaPlace:
    dest: str  # path in the output tree
    url: str  # site-relative URL


def _unsafe_upload(url: str) -> bool:
    """An uploads URL whose path climbs (``uploads/2024/../../secret.jpg``): never a file to take."""
    try:
        path = unquote(urlsplit(url.strip()).path)
    except ValueError:
        return False
    i = path.find("/wp-content/uploads/")
    if i < 0:
        return False
    return any(seg in (".", "..") for seg in path[i + len("/wp-content/uploads/"):].split("/"))


def _tokens_of(path: str, slug: str, date: Optional[datetime]) -> Optional[str]:
    """``/2011/03/07/hello/`` with slug ``hello`` → ``/:year/:month/:day/:slug/``."""
    if not path.startswith("/") or not slug:
        return None
    segs = path.strip("/").split("/")
    slug_l = slug.lower()
    want = []
    if date is not None:
        want = [(":year", f"{date.year:04d}"), (":month", f"{date.month:02d}"), (":day", f"{date.day:02d}")]
    out = []
    found_slug = False
    di = 0
    for seg in segs:
        s = unquote(seg).lower()
        if not found_slug and s == slug_l:
            out.append(":slug")
            found_slug = True
            continue
        matched = False
        while di < len(want) and not found_slug:
            tok, val = want[di]
            di += 1
            if seg == val:
                out.append(tok)
                matched = True
                break
        if not matched:
            if any(ch in seg for ch in ":%?#") or re.fullmatch(r"\d+", seg):
                return None
            out.append(seg)
    if not found_slug or out[-1] != ":slug":
        return None
    return "/" + "/".join(out) + ("/" if path.endswith("/") else "")


#: The date an item of a dated kind gets when the export gives it none (reported).
NO_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)


def fill_pattern(pattern: str, slug: str, date: Optional[datetime]) -> str:
    def tok(m: re.Match[str]) -> str:
        t = m.group(0)
        if t == ":slug":
            return slug
        d = date or NO_DATE
        return {":year": f"{d.year:04d}", ":month": f"{d.month:02d}", ":day": f"{d.day:02d}"}[t]

    return re.sub(r":(?:year|month|day|slug)", tok, pattern)


class Flavour:
    """What differs between generators. Subclasses override the hooks."""

    name = "static"
    #: front matter format when the user does not choose
    default_front_matter = "yaml"
    front_matters = ("yaml", "toml", "json")
    #: top-level names pages may not take (sections, taxonomies, shipped pages)
    reserved: frozenset[str] = frozenset()
    #: folder under the output root whose content is copied to the site root
    static_root = "static/"
    #: post URL pattern when the WordPress one cannot be inferred
    default_post_pattern = "/:year/:month/:slug/"
    #: deepest reply level the shipped templates can nest (None: no limit);
    #: deeper replies are shown at this level under their nearest ancestor
    max_depth: Optional[int] = None

    report: Optional[Report] = None

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = options
        flags = options.get("flags") or {}
        self.flags = flags
        fmt = options.get("front_matter") or self.default_front_matter
        self.front_matter = fmt

    def __getstate__(self) -> dict:
        # worker processes get the flavour without the run's report
        state = dict(self.__dict__)
        state.pop("report", None)
        state["options"] = {k: v for k, v in self.options.items() if k != "progress"}
        return state

    # ---- layout
    def namespace(self, entry: Entry, parent_segments: tuple[str, ...]) -> str:
        if entry.kind == "post":
            return "posts"
        if entry.kind == "custom":
            return "type:" + Planner.type_section(entry.type)  # types that share a folder share slugs
        return "page:" + "/".join(parent_segments)

    def reserved_in(self, namespace: str, sections: Iterable[str]) -> set[str]:
        """Names a slug may not take in ``namespace`` (top-level pages meet sections here)."""
        if namespace == "page:":
            return set(self.reserved) | set(sections)
        return set()

    def place(self, entry: Entry, planner: "Planner") -> None:
        """Set ``entry.file`` (and ``bundle_dir`` when media may go beside it)."""
        raise NotImplementedError

    def media_place(self, rel: str, owner: Optional[Entry], taken: set[str]) -> MediaPlace:
        """Where an upload (``2010/09/a.jpg``) goes: beside its post, or the shared uploads folder."""
        if owner is not None and owner.bundle_dir and owner.url and not owner.draft:
            name = safe_component(PurePosixPath(rel).name, "file")
            if PurePosixPath(name).suffix.lower() not in CONTENT_EXTS and name.lower() != "index.md":
                stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
                n = 1
                cand = name
                while f"{owner.bundle_dir}/{cand}".casefold() in taken:
                    n += 1
                    cand = f"{stem}-{n}{suffix}"
                dest = f"{owner.bundle_dir}/{cand}"
                taken.add(dest.casefold())
                return MediaPlace(dest, owner.url + cand)
        parts = [safe_component(p, "file") for p in rel.split("/") if p]
        sub = "/".join(parts)
        return MediaPlace(f"{self.static_root}wp-content/uploads/{sub}", f"/wp-content/uploads/{sub}")

    # ---- rendering
    def front_matter_for(self, entry: Entry, post: Post, data: "ItemData") -> dict[str, Any]:
        raise NotImplementedError

    def document(self, fm: dict[str, Any], body: str) -> str:
        return frontmatter.render(fm, self.front_matter) + "\n" + body

    def embed(self, provider: str, url: str) -> Optional[str]:
        """The generator's own markup for an embedded video or post (a Hugo
        shortcode), or None for the default: the URL in a paragraph of its own."""
        return None

    def write_comments(self, out: OutputTree, entry: Entry, records: list[dict]) -> None:
        raise NotImplementedError

    def write_site(self, out: OutputTree, planner: "Planner", state: "RunState") -> None:
        raise NotImplementedError

    def redirect_files(self) -> dict[str, str]:
        """kind (netlify, nginx, json) → path in the output tree."""
        return {"netlify": self.static_root + "_redirects", "nginx": "redirects.map", "json": "redirects.json"}

    def layouts(self) -> Iterator[tuple[str, bytes]]:
        """The minimal templates shipped with the site: (relative path, bytes)."""
        root = resources.files("migrate.writers.static") / "templates" / self.name
        stack = [(root, "")]
        found: list[tuple[str, bytes]] = []
        while stack:
            node, prefix = stack.pop()
            for child in node.iterdir():
                rel = prefix + child.name
                if child.is_dir():
                    stack.append((child, rel + "/"))
                elif not child.name.startswith("."):
                    found.append((rel, child.read_bytes()))
        return iter(sorted(found))

    def body(self, markdown: str) -> str:
        return escape_body_start(markdown)


@dataclass
class ItemData:
    """What the core worked out for one item, for the flavour's front matter."""

    title: str
    date: Optional[datetime]
    modified: Optional[datetime]
    draft: bool
    summary: str
    author: str
    taxonomies: dict[str, list[str]]  # WordPress taxonomy → term names
    categories: list[str]
    tags: list[str]
    has_comments: bool
    sticky: bool
    menu_order: int
    #: the featured image (``_thumbnail_id``): its URL on the new site, or its old one
    image: str = ""


@dataclass
class RunState:
    report: Report
    taxonomies_used: set[str] = field(default_factory=set)
    posts_written: int = 0


class _PatternVotes:
    """Which permalink pattern a post type's published items follow, by majority."""

    def __init__(self, site: Site) -> None:
        self.home_path = urlsplit(site.home or "").path.rstrip("/")
        self.votes: dict[str, Counter] = {}
        self.totals: Counter = Counter()

    def add(self, ident: Identity, date: Optional[datetime]) -> None:
        link = ident.link
        if not link:
            return
        try:
            parts = split_url(link)
        except ValueError:
            return
        self.totals[ident.type] += 1
        if parts.query:
            return
        path = parts.path
        if self.home_path and path.startswith(self.home_path + "/"):
            path = path[len(self.home_path):]
        pat = _tokens_of(path, unquote(ident.slug or ""), date)
        if pat:
            self.votes.setdefault(ident.type, Counter())[pat] += 1

    def chosen(self, default_post_pattern: str) -> tuple[str, dict[str, str]]:
        """(the post pattern, other type → pattern) for types where half or more agree."""
        chosen: dict[str, str] = {}
        for t, c in self.votes.items():
            pat, n = c.most_common(1)[0]
            if n * 2 >= self.totals[t]:
                chosen[t] = pat
        return chosen.pop("post", None) or default_post_pattern, chosen


class Planner:
    """Pass one: slugs, paths, URLs, comment keys, media places, URL map.

    The plan lives in a :class:`PlanStore` (an SQLite file in the staging
    folder when the writer runs), not in dictionaries: its tables read like
    ``dict`` s, but an entry read from one is a copy, so each change is
    written back. Only what is small per run (patterns, sections, the
    parents of pages) is held in memory.
    """

    def __init__(self, export: Export, flavour: Flavour, options: Mapping[str, Any], report: Report,
                 identities: Optional[Iterable[Identity]] = None, store: Optional[PlanStore] = None) -> None:
        self.site: Site = export.site
        self.flavour = flavour
        self.report = report
        self.plan = store if store is not None else PlanStore()
        #: id → identity, first copy of each id, in file order
        self.identities: Table = self.plan.table("identities")
        self.entries: Table = self.plan.table("entries")
        self.media_dir = Path(options["media_dir"]) if options.get("media_dir") else None
        self.download = bool(options.get("download_media"))
        self.store = MediaStore(self.media_dir, download=self.download,
                                cache_dir=(Path(options["media_cache"]) if options.get("media_cache") else None))
        self.media: Table = self.plan.table("media")  # lowercased upload relpath → place
        self._media_taken = self.plan.key_set("media_taken")
        self.attachments: Table = self.plan.table("attachments")  # attachment id → upload relpath
        #: post id → its attachments' ids, in gallery order (WordPress's: menu_order, then id)
        self.children: Table = self.plan.table("children")
        self.urlmap = UrlMap((), self.site, self._new_url, tables=self.plan, by_id=self.identities)
        # each step walks the tables once; the order of the steps is the order of dependence
        attachment_ids = self._take_identities(export.identities() if identities is None else identities)
        self.skipped: Counter = Counter()
        votes = _PatternVotes(self.site)
        custom_types = self._plan_entries(votes)
        self.post_pattern, self.type_patterns = votes.chosen(self.flavour.default_post_pattern)
        self.sections = sorted({self.type_section(t) for t in custom_types})
        by_url = self.plan.table("entry_by_url")  # new URL path → entry id
        live = self.plan.key_set("live_urls")  # new URLs, casefolded
        self._assign_slugs(by_url, live)
        self._plan_media(attachment_ids)
        del attachment_ids
        self._plan_aliases(by_url, live)
        self.plan.freeze()

    def _take_identities(self, identities: Iterable[Identity]) -> array:
        """Store the first copy of each item, feed the URL map, find the usual UTC offset.

        Returns the attachments' ids in file order (eight bytes each).
        """
        offsets: Counter = Counter()
        attachment_ids = array("q")
        for ident in identities:
            if not self.identities.add_new(ident.id, ident):
                if not is_page_of_site(ident.type, ident.status) and ident.type != "attachment":
                    continue  # neither a page nor a file (a menu item): nothing is lost here
                self.report.emit("item-id-repeated", "warning",
                                 f"post id {ident.id} is used again by {ident.type} {ident.title!r}; like "
                                 "WordPress's importer, the conversion keeps the first item of that id only",
                                 item_id=ident.id, item_title=html.unescape(ident.title or "") or None)
                continue
            off = ident.date.offset
            if off is not None:
                offsets[off] += 1
            self.urlmap.add(ident)
            if ident.type == "attachment":
                attachment_ids.append(ident.id)
        self.fallback_offset: Optional[timedelta] = offsets.most_common(1)[0][0] if offsets else None
        return attachment_ids

    def _plan_media(self, attachment_ids: Iterable[int]) -> None:
        """Attachments: their files, where those go, and each post's gallery order."""
        kids: dict[int, list[tuple[int, int]]] = {}
        for aid in attachment_ids:
            i = self.identities[aid]
            if i.parent:
                kids.setdefault(i.parent, []).append((i.menu_order, i.id))
                if len(kids) >= 4096:
                    self._flush_children(kids)
            if i.attachment_url:
                rel = upload_relpath(i.attachment_url)
                if not rel and _unsafe_upload(i.attachment_url):
                    self.report.emit("media-unsafe-path", "warning",
                                     f"attachment {i.id}: its file {i.attachment_url} climbs out of the uploads "
                                     "folder; it was neither copied nor linked",
                                     item_id=i.id, item_title=html.unescape(i.title or "") or None)
                if rel:
                    self.attachments[i.id] = rel
                    if self.media_available(rel):
                        owner = self.entries.get(i.parent)
                        self.media.add_new(rel.lower(), self.flavour.media_place(rel, owner, self._media_taken))
        self._flush_children(kids)
        for pid, pairs in self.children.items():
            self.children[pid] = tuple(aid for _, aid in pairs)

    def _flush_children(self, kids: dict[int, list[tuple[int, int]]]) -> None:
        """Fold gathered (menu_order, id) pairs into the table, kept sorted."""
        for pid, found in kids.items():
            old = self.children.get(pid, ())
            merged = sorted([*old, *found]) if old else sorted(found)
            self.children[pid] = tuple(merged)
        kids.clear()

    def __getstate__(self) -> dict:
        # a worker process gets the plan (its store by path), not the run's report
        state = dict(self.__dict__)
        state["report"] = None
        state["flavour"] = None
        return state

    # ------------------------------------------------------------ entries
    def _plan_entries(self, votes: "_PatternVotes") -> set[str]:
        """An entry for each item the site will have (votes cast for permalink
        patterns on the way); returns the custom post types among them."""
        custom: set[str] = set()
        for i in self.identities.values():
            if not is_page_of_site(i.type, i.status):  # the rule pass one spools by
                if i.type not in SKIP_TYPES:
                    self.skipped[f"status {i.status or '(none)'}"] += 1
                elif i.type != "attachment":
                    self.skipped[f"type {i.type}"] += 1
                continue
            kind = "post" if i.type == "post" else "page" if i.type == "page" else "custom"
            if kind == "custom":
                custom.add(i.type)
            date = i.date.aware(self.fallback_offset)
            if kind != "page" and i.status == "publish":
                votes.add(i, date)
            if date is None and kind != "page":
                # a dated archive needs one: the generator would file it under year 1 (Hugo)
                # or leave it unpublished (Jekyll), and its URL would not be the planned one
                date = NO_DATE
                self.report.emit("date-missing", "warning",
                                 "the item has no date (no wp:post_date, no pubDate); it was dated "
                                 f"{NO_DATE.date().isoformat()} to have a place in the archive and a URL",
                                 item_id=i.id, item_title=html.unescape(i.title or "") or None)
            draft = i.status in ("draft", "pending", "private")
            # the slug starts as its base; _assign_slugs makes it unique
            self.entries[i.id] = Entry(
                id=i.id, type=i.type, status=i.status, kind=kind, slug=self.base_slug(i), segments=(),
                title=self._plain_title(i), date=date, draft=draft,
            )
        for what, n in sorted(self.skipped.items()):
            self.report.emit("item-skipped", "notice",
                             f"{n} item(s) with {what} are not pages of a static site and were not written")
        return custom

    def _plain_title(self, ident: Identity) -> str:
        """The title as the text a reader saw: generators print titles as text, so
        markup WordPress showed (``Title <em>With</em> Markup``) would be seen as tags."""
        title = html.unescape(ident.title or "")
        if "<" not in (ident.title or ""):
            return title
        plain = visible_text(ident.title)
        if plain != title:
            self.report.emit("title-markup-removed", "notice",
                             "the title's HTML was removed, its words kept: generators show titles as "
                             "plain text", item_id=ident.id, item_title=plain or None)
        return plain

    def base_slug(self, ident: Identity) -> str:
        raw = unquote(ident.slug or "")
        s = slugify(raw, allow_unicode=True) if raw else ""
        if not s and ident.title:
            s = slugify(html.unescape(ident.title), allow_unicode=True, max_length=80, word_boundary=True)
        s = s.lstrip("_.-")
        s = safe_component(s, "") if s else ""
        if not s or s in (".", ".."):
            s = f"{ident.type if ident.type not in ('post', 'page') else 'post'}-{ident.id}"
        return s

    @staticmethod
    def type_section(post_type: str) -> str:
        return safe_component(slugify(post_type, allow_unicode=True) or "type", "type")

    def _page_parents(self) -> dict[int, int]:
        """Page id → its parent page's id, for the pages that have one (in plan order)."""
        parent_of: dict[int, int] = {}
        for e in self.entries.values():
            if e.kind != "page":
                continue
            p = self.entries.get(self.identities[e.id].parent)
            if p is not None and p.kind == "page":
                parent_of[e.id] = p.id
        return parent_of

    def _assign_slugs(self, by_url: Table, live: Any) -> None:
        """Unique slugs per namespace (suffixes by id order); then each entry is
        placed, given its URL and its comment-data key (:meth:`_finish`).

        Posts are finished as they get their slug; the others once every
        level of pages has its segments.
        """
        parent_of = self._page_parents()
        # loops in page parents: cut each at its smallest id
        state: dict[int, int] = {}
        for start in list(parent_of):
            path: list[int] = []
            cur: Optional[int] = start
            while cur is not None and cur not in state:
                state[cur] = 1
                path.append(cur)
                cur = parent_of.get(cur)
            if cur is not None and state.get(cur) == 1:
                victim = min(path[path.index(cur):])
                del parent_of[victim]
                self.report.emit("page-parent-loop", "warning",
                                 f"page parents form a loop; page {victim} was put at the top level",
                                 item_id=victim)
            for n in path:
                state[n] = 2
        del state
        # depth below the top level, for pages with a parent (every other entry is at 0)
        depth: dict[int, int] = {}
        for eid in parent_of:
            chain: list[int] = []
            cur = eid
            while cur is not None and cur not in depth:
                chain.append(cur)
                cur = parent_of.get(cur)
            base = depth[cur] if cur is not None else -1
            for n in reversed(chain):
                base += 1
                depth[n] = base
        for pid in dict.fromkeys(parent_of.values()):
            p = self.entries[pid]
            p.has_children = True
            self.entries[pid] = p
        taken = self.plan.key_set("slugs_taken")  # namespace, unit separator, casefolded slug
        keys = self.plan.key_set("keys_taken")
        others = array("q")  # ids of the entries that are not posts, finished last
        opened: set[str] = set()
        top_pages = self.flavour.namespace(Entry(0, "page", "", "page", "", (), "", None), ())
        for level in sorted(set(depth.values()) | {0}):
            # a namespace's members take their slugs in id order; namespaces are independent
            first_seen: dict[str, int] = {}
            collided: list[tuple[str, int, str, str]] = []
            if level == 0:
                rows: Iterable[tuple[int, Entry]] = (
                    (seq, e) for seq, e in self.entries.values_with_order(by_key=True)
                    if not depth.get(e.id))
            else:
                # plan order of this level's pages (parent_of follows it), for the report
                order = {eid: n for n, eid in enumerate(eid for eid in parent_of if depth[eid] == level)}
                rows = ((order[eid], self.entries[eid]) for eid in sorted(order))
            for seq, e in rows:
                pid = parent_of.get(e.id)
                psegs = self.entries[pid].segments if pid is not None else ()
                ns = self.flavour.namespace(e, psegs)
                if e.kind == "post" and self.post_pattern.startswith("/:slug"):
                    ns = top_pages
                if ns not in first_seen or seq < first_seen[ns]:
                    first_seen[ns] = seq
                if ns not in opened:
                    opened.add(ns)
                    for x in self.flavour.reserved_in(ns, self.sections):
                        taken.add(f"{ns}\x1f{x.casefold()}")
                base = e.slug
                slug = base
                n = 1
                while not taken.add_new(f"{ns}\x1f{slug.casefold()}"):
                    n += 1
                    slug = f"{base}-{n}"
                if slug != base:
                    collided.append((ns, e.id, base, slug))
                e.slug = slug
                if e.kind == "page":
                    e.segments = psegs + (slug,)
                elif e.kind == "custom":
                    e.segments = (self.type_section(e.type), slug)
                else:
                    e.segments = (slug,)
                if e.kind == "post":
                    self._finish(e, keys, by_url, live)
                else:
                    others.append(e.id)
                self.entries[e.id] = e
            # reported in plan order of the namespaces, each by id
            collided.sort(key=lambda c: (first_seen[c[0]], c[1]))
            for _, eid, base, slug in collided:
                self.report.emit("slug-collision", "warning",
                                 f"slug {base!r} is already used by another item; this one became {slug!r}",
                                 item_id=eid, item_title=self.entries[eid].title)
        for eid in sorted(others):
            e = self.entries[eid]
            self._finish(e, keys, by_url, live)
            self.entries[eid] = e

    def _finish(self, e: Entry, keys: Any, by_url: Table, live: Any) -> None:
        """Place ``e`` (the flavour's file), give it its URL and a comment-data key
        unique over the site; posts come first, then the rest, each by id."""
        self.flavour.place(e, self)
        if e.url is None and not e.draft:
            e.url = self.url_of(e)
        elif e.draft:
            e.url = None
        base = e.slug if e.kind == "post" else "-".join(e.segments)
        key = base
        if not keys.add_new(key.casefold()):
            key = f"{base}-{e.id}"
            keys.add(key.casefold())
        e.key = key
        if e.url:
            by_url[_url_path(e.url)] = e.id
            live.add(e.url.casefold())

    def pattern_for(self, e: Entry) -> str:
        if e.kind == "post":
            return self.post_pattern
        return self.type_patterns.get(e.type) or f"/{e.segments[0]}/:slug/"

    def url_of(self, e: Entry) -> str:
        if e.kind == "page":
            return "/" + "/".join(e.segments) + "/"
        return fill_pattern(self.pattern_for(e), e.slug, e.date)

    # ------------------------------------------------------------ URLs
    def _new_url(self, ident: Identity) -> Optional[str]:
        e = self.entries.get(ident.id)
        if e is not None:
            return _url_path(e.url) if e.url else None
        if ident.type == "attachment":
            rel = self.attachments.get(ident.id)
            place = self.media.get(rel.lower()) if rel else None
            return _url_path(place.url) if place else None
        return None

    def _plan_aliases(self, by_url: Table, live: Any) -> None:
        #: (old address, new URL) for the redirect files, read back sorted
        self.redirect_pairs = self.plan.pairs("redirects")
        for old, new in self.urlmap.redirects():
            self.redirect_pairs.append((old, new))
            if "?" in old or "#" in old:
                continue
            eid = by_url.get(new)
            if eid is None:
                continue
            path = unquote(old)
            if not path.startswith("/") or path.casefold() in live or path in ("/", ""):
                continue
            if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
                path += "/"
            if path.casefold() in live:
                continue
            e = self.entries[eid]
            if path in e.aliases:
                continue
            bisect.insort(e.aliases, path)
            self.entries[eid] = e

    def media_available(self, rel: str) -> bool:
        if self.download:
            return True
        if self.media_dir is None:
            return False
        p = PurePosixPath(rel)
        if p.is_absolute() or ".." in p.parts:
            return False
        try:
            return self.media_dir.joinpath(*p.parts).is_file()
        except OSError:  # e.g. a name longer than the file system allows
            return False

    def attachment_info(self, aid: int) -> Optional[AttachmentInfo]:
        ident = self.identities.get(aid)
        if ident is None or ident.type != "attachment":
            return None
        rel = self.attachments.get(aid)
        place = self.media.get(rel.lower()) if rel else None
        url = _url_path(place.url) if place else ident.attachment_url
        return AttachmentInfo(id=aid, url=url, title=html.unescape(ident.title or ""))

    def reusable_block(self, block_id: int) -> Optional[str]:
        """The content of a reusable block (a ``wp_block`` item), which posts show by reference."""
        ident = self.identities.get(block_id)
        return ident.block_content if ident is not None and ident.type == "wp_block" else None

    def attached_info(self, post_id: int) -> list[AttachmentInfo]:
        """The media attached to a post, in gallery order (menu_order, then id)."""
        found = (self.attachment_info(aid) for aid in self.children.get(post_id, ()))
        return [a for a in found if a is not None]


# ---------------------------------------------------------------- pass two


#: up to this many secrets in a post, testing each against a text is cheaper than an index
_SECRETS_DIRECT = 64
#: the index files each secret under one of its n-grams: a secret in a text brings all of them
_SECRET_GRAM = 4


def _grams(text: str) -> set[str]:
    return {text[i:i + _SECRET_GRAM] for i in range(len(text) - _SECRET_GRAM + 1)}


class _Secrets:
    """The commenters' e-mail addresses and IPs of one post, found in any case in one pass.

    ``sub`` lower-cases the text once and looks for the secrets in it; only
    a text that holds one (rare) goes through a regular expression. A post
    with many commenters indexes its secrets by a rare n-gram of each, so
    that a text costs its length, not its length times the number of
    commenters (a thread of thousands would otherwise be quadratic).
    """

    __slots__ = ("items", "lowered", "index", "short")

    def __init__(self, comments: Iterable[Comment]) -> None:
        self.items = sorted({s for c in comments for s in (c.author_email.strip(), c.author_ip.strip()) if s},
                            key=len, reverse=True)
        self.lowered = [s.lower() for s in self.items]
        self.index: Optional[dict[str, list[int]]] = None
        self.short: list[int] = []  # secrets too short for the index, tested one by one
        if len(self.items) > _SECRETS_DIRECT:
            # each secret is filed under its rarest n-gram among all the secrets'
            # ("user1@x.org" and "user2@x.org" share "user" but not "r1@x")
            grams = [_grams(lo) for lo in self.lowered]
            counts = Counter(g for gs in grams for g in gs)
            self.index = {}
            for n, gs in enumerate(grams):
                if not gs:
                    self.short.append(n)
                else:
                    self.index.setdefault(min(gs, key=lambda g: (counts[g], g)), []).append(n)

    def found(self, low: str) -> list[str]:
        """The secrets in ``low`` (a lower-cased text), longest first."""
        if self.index is None:
            return [s for s, lo in zip(self.items, self.lowered) if lo in low]
        candidates = set(self.short)
        for gram in _grams(low) & self.index.keys():
            candidates.update(self.index[gram])
        return [self.items[n] for n in sorted(candidates) if self.lowered[n] in low]

    def sub(self, text: str) -> tuple[str, bool]:
        found = self.found(text.lower())
        if not found:
            return text, False
        pattern = re.compile("|".join(re.escape(s) for s in found), re.I)
        return pattern.sub("[removed]", text), True


#: Below this many planned items a run converts in this process unless ``jobs`` is given:
#: starting worker processes would cost more than it saves.
PARALLEL_FROM = 300
#: Items sent to a worker at a time.
CHUNK_SIZE = 24


def _requested_jobs(options: Mapping[str, Any]) -> Optional[int]:
    """The ``jobs`` option as a number of processes, None when not given."""
    raw = options.get("jobs")
    if raw is None or raw == "":
        return None
    try:
        n = int(raw)
    except (TypeError, ValueError):
        raise UsageError(f"jobs must be a whole number of processes, not {raw!r}") from None
    if n < 1:
        raise UsageError(f"jobs must be at least 1, not {n}")
    return n


def _jobs(options: Mapping[str, Any], planned: int, download: bool, report: Optional[Report] = None) -> int:
    """How many processes convert content (1: this one, no pool)."""
    n = _requested_jobs(options)
    if not can_start_processes():
        if n is not None and n > 1 and report is not None:
            report.emit("jobs-in-one-process", "notice",
                        f"jobs={n} asked for worker processes, but this is a daemonic process (a Dask or "
                        "pool worker) and may not start any: the content is converted in this one")
        return 1
    if n is None:
        if download or planned < PARALLEL_FROM:
            return 1
        return max(1, default_workers())
    # downloads decide a media URL by whether the file could be had: done here, in order
    return 1 if download else n


class StaticWriter:
    def __init__(self, flavour_cls: type[Flavour]) -> None:
        self.flavour_cls = flavour_cls

    def __call__(self, export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
        flavour = self.flavour_cls(options)
        flavour.report = report
        if flavour.front_matter not in flavour.front_matters:
            raise UsageError(
                f"{flavour.name} reads front matter as {', '.join(flavour.front_matters)} only, "
                f"not {flavour.front_matter}")
        flags = options.get("flags") or {}
        choice = options.get("comments") or "approved"
        if flags.get("comments") is False:
            choice = "none"
        if choice not in COMMENT_CHOICES:
            raise UsageError(f"comments must be one of {', '.join(COMMENT_CHOICES)}, not {choice!r}")
        with OutputTree(output, force=bool(options.get("force"))) as out:
            plan = PlanStore(out.scratch("plan.sqlite"))
            try:
                run = self._write(export, out, plan, flavour, options, report, choice)
            except sqlite3.Error as exc:
                raise _plan_error(exc, output) from exc
            finally:
                plan.close()
        run.summary()

    @staticmethod
    def _write(export: Export, out: OutputTree, plan: PlanStore, flavour: Flavour, options: Mapping[str, Any],
               report: Report, choice: str) -> "_Run":
        # pass one reads every item once: identities for the plan, and the
        # items to convert pickled into a spool, so pass two parses nothing
        halved = (_pass_one_in_halves(export, out)
                  if _may_halve(options) and halves.worth_halving(export, HALVES_FROM) else None)
        if halved is not None:
            spool, idents = halved
            planner = Planner(export, flavour, options, report, identities=idents, store=plan)
        else:
            spool = _Spool(out.scratch("items"))
            try:
                planner = Planner(export, flavour, options, report, identities=spool.fill(export.posts()),
                                  store=plan)
            finally:
                spool.done_writing()
        jobs = _jobs(options, len(planner.entries), planner.download, report)
        state = RunState(report)
        run = _Run(export, flavour, planner, state, COMMENT_CHOICES[choice], choice, jobs)
        run.redirects(out)  # from the plan alone
        run.items(out, spool)
        flavour.write_site(out, planner, state)
        for rel, data in flavour.layouts():
            if not out.exists(rel):
                out.write_bytes(rel, data)
        return run


def _plan_error(exc: sqlite3.Error, output: Path) -> Exception:
    """What a failure of the plan store means to the user: almost always a full disk."""
    if "full" in str(exc).lower():
        # raised inside the output tree, which reports it as the output's "no space left"
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return OutputError(f"cannot keep the conversion's working plan beside the output: {exc}", file=str(output))


class _Spool:
    """Pass one's items on disk, in frames, for pass two to convert without parsing again.

    A frame is a small header, what the writing process handles itself
    (attachments to copy, comments of items that are not written), then a
    blob of up to :data:`CHUNK_SIZE` pickled posts that a worker process
    reads by offset. Only one frame is in memory at a time.
    """

    _LEN = struct.Struct("<Q")
    #: header entries gathered before a frame is written even without posts
    MAX_EXTRAS = 4096

    def __init__(self, path: Path) -> None:
        #: the spool's files, read in this order (a part per half when read in halves)
        self.parts = [path]
        self._fh: Optional[IO[bytes]] = open(path, "xb")
        self._posts: list[Post] = []
        self._extras: list[tuple] = []

    def fill(self, posts: Iterable[Post]) -> Iterator[Identity]:
        """Spool ``posts`` (the first of each id only) while yielding their identities (all)."""
        seen: set[int] = set()
        for post in posts:
            yield post.identity()  # a repeated id too: the planner reports it
            if post.id in seen:  # the same id again in one file: the first one is written, as WordPress does
                continue
            seen.add(post.id)
            if is_page_of_site(post.type, post.status):
                self._posts.append(post)
                if len(self._posts) >= CHUNK_SIZE:
                    self._flush()
                continue
            if post.type == "attachment":
                self._extras.append(("attachment", post.id, post.attachment_url))
            if post.comments:
                self._extras.append(("comments", len(post.comments)))
            if len(self._extras) >= self.MAX_EXTRAS:
                self._flush()
        self._flush()

    def _flush(self) -> None:
        if not self._posts and not self._extras:
            return
        assert self._fh is not None
        blob = pickle.dumps(self._posts, protocol=pickle.HIGHEST_PROTOCOL) if self._posts else b""
        head = pickle.dumps((self._extras, len(blob)), protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.write(self._LEN.pack(len(head)))
        self._fh.write(head)
        self._fh.write(blob)
        self._posts = []
        self._extras = []

    def done_writing(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def frames(self) -> Iterator[tuple[list[tuple], Optional[tuple[str, int, int]]]]:
        """(header entries, where the frame's posts are: path, offset, length — or None)."""
        for part in self.parts:
            with open(part, "rb") as fh:
                while True:
                    raw = fh.read(self._LEN.size)
                    if not raw:
                        break
                    (size,) = self._LEN.unpack(raw)
                    extras, blob_len = pickle.loads(fh.read(size))
                    where = (str(part), fh.tell(), blob_len) if blob_len else None
                    fh.seek(blob_len, os.SEEK_CUR)
                    yield extras, where

    def discard(self) -> None:
        self.done_writing()
        for part in self.parts:
            try:
                os.unlink(part)
            except FileNotFoundError:
                pass


#: An export file at least this big has pass one read in halves, one in another process.
HALVES_FROM = 32 << 20


def _may_halve(options: Mapping[str, Any]) -> bool:
    """Pass one may use a second process: not asked to keep to one, nothing to download in order."""
    jobs = _requested_jobs(options)
    if options.get("download_media") or not can_start_processes():
        return False
    return jobs > 1 if jobs is not None else default_workers() > 1


def _pass_one_in_halves(export: Export, out: OutputTree) -> Optional[tuple[_Spool, Iterator[Identity]]]:
    """Pass one over one big export file, its second half spooled by another process meanwhile.

    The result is what the serial pass gives: the spool and the identities
    (streamed from working files) in file order (see
    :func:`migrate.readers.halves.read_in_halves` for the reader's findings
    and when it declines). None when the halves cannot be used or an id is
    in both (the first copy would win over a spooled second): the caller
    then reads in one piece.
    """
    spool = _Spool(out.scratch("items-1"))
    second = out.scratch("items-2")
    idents = [out.scratch("identities-1"), out.scratch("identities-2")]

    def first(posts: Iterator[Post]) -> set[int]:
        try:
            return _write_identities(spool.fill(posts), idents[0])
        finally:
            spool.done_writing()

    got = halves.read_in_halves(export, HALVES_FROM, first, _spool_posts, (str(second), str(idents[1])))
    spool.parts.append(second)
    if got is None or not got[0].isdisjoint(got[1]):
        spool.discard()
        for path in idents:
            path.unlink(missing_ok=True)
        return None
    return spool, itertools.chain.from_iterable(_read_identities(p) for p in idents)


def _spool_posts(posts: Iterator[Post], spool_path: str, idents_path: str) -> set[int]:
    """In the other process: spool the second half's items and write their identities; their ids."""
    spool = _Spool(Path(spool_path))
    try:
        return _write_identities(spool.fill(posts), Path(idents_path))
    finally:
        spool.done_writing()


def _write_identities(idents: Iterable[Identity], path: Path) -> set[int]:
    """Pickle ``idents`` to ``path`` in batches; the ids written."""
    ids: set[int] = set()
    with open(path, "xb") as fh:
        for batch in iter(lambda: list(itertools.islice(idents, 512)), []):
            ids.update(i.id for i in batch)
            pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return ids


def _read_identities(path: Path) -> Iterator[Identity]:
    with open(path, "rb") as fh:
        while True:
            try:
                batch = pickle.load(fh)
            except EOFError:
                break
            yield from batch
    path.unlink()


def _read_posts(where: tuple[str, int, int]) -> list[Post]:
    path, offset, length = where
    with open(path, "rb") as fh:
        fh.seek(offset)
        return pickle.loads(fh.read(length))


class _Collect:
    """Stands in for the output tree while an item is converted: the files, as bytes, in order."""

    __slots__ = ("files",)

    def __init__(self) -> None:
        self.files: list[tuple[str, bytes]] = []

    def write_text(self, rel: str, text: str) -> None:
        self.files.append((rel, text.encode("utf-8")))

    def write_bytes(self, rel: str, data: bytes) -> None:
        self.files.append((rel, data))


@dataclass(slots=True)
class _Done:
    """One converted item, as a worker hands it back."""

    id: int
    title: str
    file: str
    line: Optional[int]
    #: files to write (converted in this process)
    files: list[tuple[str, bytes]]
    #: files a worker already wrote into the staging folder, to claim
    written: list[str]
    findings: list
    #: media the content points at, for this process to copy or report:
    #: ("copy", rel, place, url), ("missing", rel, url), ("not-copied", key)
    media: list[tuple]
    comment_skips: dict[str, int]
    taxonomies: tuple[str, ...]


_WORKER: Optional["_Converter"] = None
_WORKER_FILES: Optional[StagedFiles] = None


def dump_plan(conv: "_Converter", fh: IO[bytes]) -> None:
    """Write the converter for worker processes: its plan goes by the path of its store."""
    pickle.dump(conv, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load_plan(fh: IO[bytes]) -> "_Converter":
    return pickle.load(fh)


def _init_worker(plan_file: str, files: StagedFiles) -> None:
    global _WORKER, _WORKER_FILES
    with open(plan_file, "rb") as fh:
        _WORKER = load_plan(fh)
    _WORKER_FILES = files


def _convert_frame_in_worker(frame: tuple[list[tuple], Optional[tuple[str, int, int]]]) -> tuple[list[tuple], list["_Done"]]:
    """Convert one spool frame's posts and write their files; the header goes back as it came."""
    assert _WORKER is not None and _WORKER_FILES is not None, "worker not initialised"
    extras, where = frame
    if where is None:
        return extras, []
    return extras, [_WORKER.convert(post, _WORKER_FILES) for post in _read_posts(where)]


class _Converter:
    """Pass two's work on one item: a post in, the bytes of its files and its findings out.

    It reads the plan and changes nothing outside the item, so it runs the
    same in this process (``jobs=1``) and in worker processes, each of which
    opens the plan store read-only when it starts. Media it meets are handed
    back as events for the writing process to copy, in order.
    """

    def __init__(self, flavour: Flavour, planner: "Planner", keep: Optional[frozenset[str]]) -> None:
        self.flavour = flavour
        self.planner = planner
        self.keep = keep
        #: in this process with downloads on: copy a medium now, True when it could be had
        self.live: Optional[Callable[[str, "MediaPlace", str, TransformContext], bool]] = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["live"] = None
        return state

    def convert(self, post: Post, files: Optional[StagedFiles] = None) -> _Done:
        """Convert one item; with ``files``, write its files there and list them instead."""
        report = Report(keep=1 << 62)
        media: list[tuple] = []
        skips: Counter = Counter()
        taxonomies: set[str] = set()
        out = _Collect()
        saved = self.flavour.report
        self.flavour.report = report
        try:
            entry = self.planner.entries[post.id]
            self._item(out, entry, post, report, media, skips, taxonomies)
        finally:
            self.flavour.report = saved
        written: list[str] = []
        if files is not None:
            for rel, data in out.files:
                files.write_bytes(rel, data)
                written.append(rel)
            out.files = []
        return _Done(post.id, post.title, post.source.file, post.source.line, out.files, written,
                     list(report), media, dict(skips), tuple(sorted(taxonomies)))

    # ------------------------------------------------------------ media
    def _resolve_media(self, ctx_box: list, media: list[tuple]) -> Callable[[str], Optional[str]]:
        planner = self.planner

        def resolve(url: str) -> Optional[str]:
            found = planner.urlmap.media(url)
            if found is None:
                return None
            ident, rel = found
            key = rel.lower()
            if planner.media_dir is None and not planner.download:
                media.append(("not-copied", key))
                return None
            place = planner.media.get(key)
            if place is None:
                if not planner.media_available(rel):
                    media.append(("missing", rel, url))
                    return None
                # no attachment owns it: the shared uploads folder (no name there is taken)
                place = self.flavour.media_place(rel, None, set())
            if self.live is not None:
                return _url_path(place.url) if self.live(rel, place, url, ctx_box[0]) else None
            media.append(("copy", rel, place, url))
            return _url_path(place.url)

        return resolve

    def _context(self, post: Post, report: Report, media: list[tuple]) -> TransformContext:
        box: list = []
        ctx = TransformContext(
            report=report, item_id=post.id, item_title=post.title or None,
            file=post.source.file or None, line=post.source.line,
            resolve_link=self.planner.urlmap.resolve,
            resolve_media=self._resolve_media(box, media),
            attachment=self.planner.attachment_info,
            attached=self.planner.attached_info,
            footnotes=post.meta_value("footnotes") or "",
            reusable=self.planner.reusable_block,
        )
        box.append(ctx)
        return ctx

    # ------------------------------------------------------------ items
    def _item(self, out: _Collect, entry: Entry, post: Post, report: Report, media: list[tuple],
              skips: Counter, taxonomies: set[str]) -> None:
        planner = self.planner
        ctx = self._context(post, report, media)
        draft = entry.draft
        if post.password:
            draft = True
            ctx.finding("password-protected", "warning",
                        "the post is password-protected; a static site cannot ask for the password, "
                        "so it was written as a draft")
        embeds = _Embeds(self.flavour, post.content or "")
        body = to_markdown(post.content or "", ctx, embed=embeds.hook)
        summary = ""
        if (post.excerpt or "").strip():
            summary = visible_text(post.excerpt)
        terms: dict[str, list[str]] = {}
        for t in post.terms:
            tax = t.taxonomy or "category"
            tax = {"tag": "post_tag"}.get(tax, tax)  # WXR 1.0's domain="tag"
            if tax in INTERNAL_TAXONOMIES:
                continue
            name = html.unescape(t.name or t.slug).strip()
            if name and name not in terms.setdefault(tax, []):
                terms[tax].append(name)
        for tax in terms:
            if tax not in ("category", "post_tag"):
                taxonomies.add(tax)
        author = ""
        if post.creator:
            a = planner.site.author(post.creator)
            author = a.name if a else post.creator
        records = self._comments(post, ctx, report, skips)
        image = self._featured_image(post, ctx)
        data = ItemData(
            title=entry.title,
            date=entry.date,
            modified=post.modified.aware(planner.fallback_offset) if post.modified else None,
            draft=draft,
            summary=summary,
            author=author,
            taxonomies={k: v for k, v in terms.items() if k not in ("category", "post_tag")},
            categories=[n for n in terms.get("category", []) if n != "Uncategorized" or len(terms.get("category", [])) > 1],
            tags=terms.get("post_tag", []),
            has_comments=bool(records),
            sticky=post.sticky,
            menu_order=post.menu_order,
            image=image,
        )
        fm = self.flavour.front_matter_for(entry, post, data)
        text = self.flavour.document(fm, embeds.put_back(self.flavour.body(body)))
        out.write_text(entry.file, text)
        if records:
            self._cap_depth(entry, records, report)
            self.flavour.write_comments(out, entry, records)  # type: ignore[arg-type]

    def _featured_image(self, post: Post, ctx: TransformContext) -> str:
        """The URL of the post's featured image, copied like an image of its content."""
        thumb = post.thumbnail_id
        if not thumb:
            return ""
        ident = self.planner.identities.get(thumb)
        if ident is None or ident.type != "attachment" or not ident.attachment_url:
            ctx.finding("featured-image-missing", "warning",
                        f"the featured image (_thumbnail_id {thumb}) is not an attachment of the export; "
                        "the page has none")
            return ""
        return ctx.resolve_media(ident.attachment_url) or ident.attachment_url

    # ------------------------------------------------------------ comments
    def _comments(self, post: Post, ctx: TransformContext, report: Report, skips: Counter) -> list[dict]:
        if not post.comments:
            return []
        keep = self.keep
        shown: list[Comment] = []
        hidden: dict[int, int] = {}
        for c in post.comments:
            why = c.hidden_by(keep)
            if why is None:
                shown.append(c)
            else:
                hidden[c.id] = c.parent
                skips[why] += 1
        if not shown:
            return []
        thread = [c for c in shown if c.kind not in PING_KINDS]
        pings = [c for c in shown if c.kind in PING_KINDS]
        for p in pings:
            hidden[p.id] = p.parent
        roots = build_threads(thread, report=report, item_id=post.id, item_title=post.title or None,
                              ancestors=hidden)
        secrets = _Secrets(post.comments) if post.comments else None
        records: list[dict] = []
        for node in walk(roots):
            records.append(self._record(node.comment, node.parent, node.depth, ctx, secrets))
        for p in sorted(pings, key=comment_sort_key):
            records.append(self._record(p, 0, 0, ctx, secrets))
        return records

    def _cap_depth(self, entry: Entry, records: list[dict], report: Report) -> None:
        cap = self.flavour.max_depth
        if cap is None:
            return
        line: list[int] = []  # ids of the current reply chain, by depth
        flattened = 0
        for r in records:
            if r["type"] in PING_KINDS:
                continue
            depth = r["depth"]
            del line[depth:]
            line.append(r["id"])
            if depth > cap:
                r["parent"] = line[cap - 1]
                r["depth"] = cap
                flattened += 1
        if flattened:
            report.emit("comment-depth-flattened", "notice",
                             f"{flattened} repl(ies) nested deeper than {cap} levels are shown at level {cap} "
                             f"under their nearest ancestor there: {self.flavour.name}'s templates cannot nest deeper",
                             item_id=entry.id, item_title=entry.title)

    def _redact(self, text: str, secrets: Optional[_Secrets], ctx: TransformContext) -> str:
        if secrets is None or not text or not secrets.items:
            return text
        text, hit = secrets.sub(text)
        if hit:
            ctx.finding("comment-personal-data-removed", "notice",
                        "a comment quoted a commenter's e-mail address or IP; it was replaced by [removed]")
        return text

    def _record(self, c: Comment, parent: int, depth: int, ctx: TransformContext,
                secrets: Optional[_Secrets]) -> dict:
        content = self._redact(c.content or "", secrets, ctx)
        html_text = comment_html(content, ctx)
        md = html_to_markdown(html_text, ctx) if content else ""
        url = (c.author_url or "").strip()
        if not re.match(r"^https?://", url, re.I):
            url = ""
        url = self._redact(url, secrets, ctx)
        date = c.date.aware(self.planner.fallback_offset)
        return {
            "id": c.id,
            "parent": parent,
            "depth": depth,
            "type": c.kind,
            "status": c.status,
            "author": html.unescape(self._redact(c.author or "", secrets, ctx)),
            "author_url": url,
            "email_md5": email_hash(c.author_email),
            "date": date.isoformat() if date else "",
            "content": md,
            "content_html": html_text.strip(),
        }



class _Embeds:
    """Embeds in the flavour's own markup, kept out of the body's escaping.

    The flavour's markup (``{{< youtube … >}}``) is exactly what the body's
    escaping turns into literal text when a post's own words hold it, so
    the conversion gets a token and the markup replaces it once the body
    is escaped.
    """

    __slots__ = ("flavour", "marks", "prefix")

    def __init__(self, flavour: Flavour, content: str) -> None:
        self.flavour = flavour
        self.marks: list[str] = []
        nonce = secrets.token_hex(4)
        while nonce in content:
            nonce = secrets.token_hex(4)
        self.prefix = f"WPMEMBED{nonce}N"

    def hook(self, provider: str, url: str, caption: str) -> Optional[str]:
        own = self.flavour.embed(provider, url)
        if own is None:
            return None
        self.marks.append(own)
        return f"{self.prefix}{len(self.marks) - 1}X"

    def put_back(self, body: str) -> str:
        for n, own in enumerate(self.marks):
            body = body.replace(f"{self.prefix}{n}X", own)
        return body


class _Run:
    """Pass two in the writing process: stream the items, convert them (here or in
    workers), write the results in input order, copy media, gather findings."""

    def __init__(self, export: Export, flavour: Flavour, planner: Planner, state: RunState,
                 keep: Optional[frozenset[str]], choice: str, jobs: int = 1) -> None:
        self.export = export
        self.flavour = flavour
        self.planner = planner
        self.state = state
        self.report = state.report
        self.keep = keep
        self.choice = choice
        self.jobs = jobs
        self.converter = _Converter(flavour, planner, keep)
        self.comment_skips: Counter = Counter()
        self.media_done: set[str] = set()
        self.media_missing: set[str] = set()
        self.media_not_copied: set[str] = set()

    # ------------------------------------------------------------ media
    def _copy_media(self, out: OutputTree, rel: str, place: MediaPlace, url: Optional[str],
                    ctx: Optional[TransformContext]) -> bool:
        key = rel.lower()
        if key in self.media_done:
            return True
        if key in self.media_missing:
            return False
        data = self.planner.store.fetch(rel, url, ctx=ctx, report=self.report)
        if data is None:
            self.media_missing.add(key)
            return False
        out.write_bytes(place.dest, data)
        self.media_done.add(key)
        return True

    def _attachment(self, out: OutputTree, aid: int, attachment_url: str) -> None:
        rel = self.planner.attachments.get(aid)
        if not rel:
            return
        if self.planner.media_dir is None and not self.planner.download:
            self.media_not_copied.add(rel.lower())
            return
        place = self.planner.media.get(rel.lower())
        if place is None:
            if rel.lower() not in self.media_missing:
                self.media_missing.add(rel.lower())
                self.planner.store.fetch(rel, attachment_url, report=self.report)
            return
        self._copy_media(out, rel, place, attachment_url, None)

    # ------------------------------------------------------------ items
    def _extras(self, out: OutputTree, extras: list[tuple]) -> None:
        """What a spool frame's header asks of this process: media of attachments, skipped comments."""
        for ev in extras:
            if ev[0] == "attachment":
                self._attachment(out, ev[1], ev[2])
            else:
                self.comment_skips["item not written"] += ev[1]

    def items(self, out: OutputTree, spool: "_Spool") -> None:
        conv = self.converter
        if self.jobs <= 1:
            if self.planner.download:
                conv.live = lambda rel, place, url, ctx: self._copy_media(out, rel, place, url, ctx)
            try:
                for extras, where in spool.frames():
                    self._extras(out, extras)
                    if where is not None:
                        for post in _read_posts(where):
                            self._apply(out, conv.convert(post))
            finally:
                conv.live = None
            return
        # each worker gets the converter once, through a file, and opens the
        # plan store read-only by its path. Workers read their posts from the
        # spool and write their files themselves; this process only claims
        # the paths and copies media.
        plan_file = out.scratch("converter")
        with open(plan_file, "xb") as fh:
            dump_plan(conv, fh)
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=process_context(),
                                   initializer=_init_worker, initargs=(str(plan_file), out.staged()))
        try:
            for extras, dones in parallel_map(_convert_frame_in_worker, spool.frames(), workers=self.jobs,
                                              chunk_size=1, executor=pool):
                self._extras(out, extras)
                for done in dones:
                    self._apply(out, done)
        finally:
            # running frames finish before the staging folder may be removed
            pool.shutdown(wait=True, cancel_futures=True)

    def _apply(self, out: OutputTree, done: _Done) -> None:
        """Write one converted item and fold in what its conversion found."""
        self.report.extend(done.findings)
        ctx: Optional[TransformContext] = None
        for ev in done.media:
            kind = ev[0]
            if kind == "copy":
                _, rel, place, url = ev
                if ctx is None:
                    ctx = self._item_context(done)
                self._copy_media(out, rel, place, url, ctx)
            elif kind == "missing":
                _, rel, url = ev
                key = rel.lower()
                if key not in self.media_missing:
                    self.media_missing.add(key)
                    if ctx is None:
                        ctx = self._item_context(done)
                    self.planner.store.fetch(rel, url, ctx=ctx, report=self.report)  # reports it
            else:
                self.media_not_copied.add(ev[1])
        for rel in done.written:
            out.register(rel)
        for rel, data in done.files:
            out.write_bytes(rel, data)
        self.comment_skips.update(done.comment_skips)
        self.state.taxonomies_used.update(done.taxonomies)
        self.state.posts_written += 1

    def _item_context(self, done: _Done) -> TransformContext:
        return TransformContext(report=self.report, item_id=done.id, item_title=done.title or None,
                                file=done.file or None, line=done.line)

    # ------------------------------------------------------------ site files
    def redirects(self, out: OutputTree) -> None:
        """The redirect files, streamed from the plan's sorted pairs."""
        files = self.flavour.redirect_files()
        with out.open(files["netlify"], "wb") as netlify, out.open(files["nginx"], "wb") as nginx, \
                out.open(files["json"], "wb") as as_json:
            netlify.write(b"# Old WordPress addresses to the new ones (Netlify / Cloudflare Pages format).\n")
            nginx.write(
                b"# Old WordPress addresses to the new ones, as an nginx map on $request_uri.\n"
                b"# In the http block:  map $request_uri $wp_redirect { include /path/to/redirects.map; }\n"
                b"# In the server block: if ($wp_redirect) { return 301 $wp_redirect; }\n")
            listed = RedirectsJson(as_json)
            for old, new in self.planner.redirect_pairs.sorted():
                listed.add(old, new)
                if any(ch.isspace() for ch in old + new):
                    continue
                if "?" in old:
                    path, _, query = old.partition("?")
                    qs = " ".join(q for q in query.split("&") if q)
                    netlify.write(f"{path or '/'} {qs} {new} 301!\n".encode())
                else:
                    netlify.write(f"{old} {new} 301!\n".encode())
                if "$" not in old + new and '"' not in old + new and "\\" not in old + new:
                    nginx.write(f'"{old}" "{new}";\n'.encode())
            listed.close()

    def summary(self) -> None:
        rep = self.report
        codes = {"spam": "comment-skipped-spam", "trash": "comment-skipped-trash",
                 "post-trashed": "comment-skipped-trash", "pending": "comment-skipped-pending",
                 "item not written": "comment-skipped-item", "private": "comment-skipped-private"}
        merged: Counter = Counter()
        for why, n in self.comment_skips.items():
            merged[codes.get(why, "comment-skipped-other")] += n
        for code, n in sorted(merged.items()):
            what = code.removeprefix("comment-skipped-")
            if what == "private":
                rep.emit(code, "notice", f"{n} private comment(s) were not carried over: "
                         "editorial notes, order notes and logs, which WordPress shows only in its admin")
                continue
            rep.emit(code, "notice",
                     f"{n} {what} comment(s) were not carried over (comments option: {self.choice}"
                     + ("; use --comments all to keep spam and trash" if what in ("spam", "trash") else "")
                     + ")")
        if self.media_not_copied:
            rep.emit("media-not-copied", "notice",
                     f"{len(self.media_not_copied)} media file(s) keep their old URLs: no --media-dir was given")


def make_writer(flavour_cls: type[Flavour]) -> Callable[[Export, Path, Mapping[str, Any], Report], None]:
    w = StaticWriter(flavour_cls)

    def write(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
        w(export, output, options, report)

    return write
