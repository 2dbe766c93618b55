"""WordPress eXtended RSS 1.2, for WordPress's importer (lossless round trip).

The inverse of :mod:`migrate.readers.wxr`: reading what this writer wrote
gives back the same model, field for field, unknown elements included. What
makes that hold:

* every field the reader takes is written, in the order WordPress core's
  exporter uses; text goes into CDATA split on ``]]>`` as core does
  (``]]]]><![CDATA[>``), and a carriage return, which an XML parser would turn
  into a line feed, is written as ``&#13;`` between sections;
* every :class:`~migrate.model.Extra` goes back at its position among its
  parent's element children. Where the known elements cannot fill the places
  before it (the source had XML comments there, or repeated an element), an
  empty XML comment (items, comments, authors, terms) or a repeated
  ``<language>`` (channel, whose reader counts elements only) fills the gap;
* an unknown element was stored with every namespace declaration in scope
  where it was read (that is how lxml serialises a subtree), so the root here
  declares a core prefix only when every unknown element declares it too;
  otherwise the elements that need that prefix declare it themselves
  (finding ``wxr-namespace-local``). Real exports declare all five on the
  root, so this only happens with hand-made or generated models;
* characters XML 1.0 does not allow are removed and counted
  (``wxr-invalid-char-removed``): nothing else is changed.

Streaming: items are serialised one at a time into a temporary file while the
namespace decision is made; the header is written last and the items are
copied behind it. With ``-O split_size=15MB`` the output is WP-CLI style parts
(``name.000.xml``, ``name.001.xml`` …), each a complete export with the
header, authors and terms repeated, so each imports on its own.

Options (``-O key=value``): ``split_size`` (bytes, or with KB/MB/GB),
``remap`` (``auto``, ``yes``, ``no``: ids of different sites combined into one
file, see :mod:`migrate.merge`).
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Mapping

from lxml import etree

from migrate.errors import Report, UsageError
from migrate.model import Author, Comment, Export, Extra, Post, Site, Term
from migrate.output import OutputFile

WXR_VERSION = "1.2"
WP_NS = "http://wordpress.org/export/1.2/"
#: The prefixes WordPress core declares on ``<rss>``, in its order.
NAMESPACES: tuple[tuple[str, str], ...] = (
    ("excerpt", WP_NS + "excerpt/"),
    ("content", "http://purl.org/rss/1.0/modules/content/"),
    ("wfw", "http://wellformedweb.org/CommentAPI/"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("wp", WP_NS),
)
_NS_URI = dict(NAMESPACES)
#: Placeholders written after a core-prefixed start tag's name; replaced by
#: "" or by a local declaration once the root's declarations are known.
_MARK = {"excerpt": "\x00e", "content": "\x00c", "wfw": "\x00f", "dc": "\x00d", "wp": "\x00w"}
_MARK_RE = re.compile("\x00[ecfdw]")
_MARK_PREFIX = {v[1]: k for k, v in _MARK.items()}

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XMLNS = re.compile(r"""\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(?:"[^"]*"|'[^']*')""")

#: Item filler: an empty comment is a child for lxml but no element.
_FILL = "<!---->"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)


def parse_size(value: Any) -> int:
    """``15MB``, ``500k``, ``1GiB``, ``123456`` → bytes (1 KB = 1024 bytes, as WP-CLI)."""
    if isinstance(value, int):
        n = value
    else:
        m = _SIZE.match(str(value))
        if not m:
            raise UsageError(f"split_size: {value!r} is not a size like 15MB, 500KB or 1048576")
        unit = (m.group(2) or "b").lower()[0]
        n = int(float(m.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])
    if n < 4096:
        raise UsageError(f"split_size: {value!r} is too small; give at least 4KB")
    return n


# ---------------------------------------------------------------- serialiser

class Serializer:
    """Turns model records into WXR text, collecting namespace needs and losses."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.removed = 0
        #: core prefixes some unknown element does not declare itself.
        self.undeclared: set[str] = set()
        #: core prefixes some unknown element needs declared around it.
        self.required: set[str] = set()
        self.extras_seen = 0

    # -- text

    def clean(self, s: str) -> str:
        if _ILLEGAL.search(s):
            new = _ILLEGAL.sub("", s)
            self.removed += len(s) - len(new)
            return new
        return s

    def esc(self, s: str) -> str:
        s = self.clean(s)
        return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", "&#13;"))

    def attr(self, s: str) -> str:
        return (self.esc(s).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;"))

    def cdata(self, s: str) -> str:
        s = self.clean(s)
        if not s:
            return "<![CDATA[]]>"
        parts = s.split("\r")
        return "&#13;".join(
            "<![CDATA[" + p.replace("]]>", "]]]]><![CDATA[>") + "]]>" if p else "" for p in parts
        )

    @staticmethod
    def open(tag: str, attrs: str = "") -> str:
        prefix, sep, _ = tag.partition(":")
        mark = _MARK.get(prefix, "") if sep else ""
        return f"<{tag}{mark}{attrs}>"

    def el(self, tag: str, inner: str, attrs: str = "") -> str:
        return f"{self.open(tag, attrs)}{inner}</{tag}>"

    def text(self, tag: str, value: str) -> str:
        return self.el(tag, self.esc(value))

    def cd(self, tag: str, value: str) -> str:
        return self.el(tag, self.cdata(value))

    # -- unknown elements

    def extra(self, e: Extra, where: dict) -> str | None:
        xml = e.xml
        try:
            etree.fromstring(xml.encode("utf-8"))
            standalone = True
        except (etree.XMLSyntaxError, ValueError):
            standalone = False
            wrapper = "<r " + " ".join(f'xmlns:{p}="{u}"' for p, u in NAMESPACES) + ">"
            try:
                etree.fromstring((wrapper + xml + "</r>").encode("utf-8"))
            except (etree.XMLSyntaxError, ValueError):
                self.report.emit("wxr-extra-invalid", "error",
                                 f"an unknown element kept from the source is not well-formed XML "
                                 f"and was left out: {xml[:80]!r}", **where)
                return None
        head = xml.split(">", 1)[0]
        declared = set(_XMLNS.findall(head))
        self.extras_seen += 1
        for p, _ in NAMESPACES:
            if p not in declared:
                self.undeclared.add(p)
                if not standalone and re.search(rf"</?{p}:|\s{p}:[\w.-]+\s*=", xml):
                    self.required.add(p)
        return xml

    def children(self, known: list[str], extras: Iterable[Extra], filler: str, where: dict) -> list[str]:
        """Known elements with each unknown one at its recorded position."""
        out: list[str] = []
        k = 0
        for e in sorted(extras, key=lambda x: x.position):
            xml = self.extra(e, where)
            if xml is None:
                continue
            while len(out) < e.position:
                if k < len(known):
                    out.append(known[k])
                    k += 1
                else:
                    out.append(filler)
            out.append(xml)
        out.extend(known[k:])
        return out

    # -- records

    def meta(self, tag: str, key: str, value: str) -> str:
        return self.el(tag, self.cd("wp:meta_key", key) + self.cd("wp:meta_value", value))

    def author(self, a: Author) -> str:
        known = []
        if a.id is not None:
            known.append(self.text("wp:author_id", str(a.id)))
        known += [
            self.cd("wp:author_login", a.login),
            self.cd("wp:author_email", a.email),
            self.cd("wp:author_display_name", a.display_name),
            self.cd("wp:author_first_name", a.first_name),
            self.cd("wp:author_last_name", a.last_name),
        ]
        tag = "wp:wp_author" if a.element == "wp_author" else "wp:author"
        return self.el(tag, "".join(self.children(known, a.extra, _FILL, {})))

    def term(self, t: Term) -> str:
        known = []
        if t.id is not None:
            known.append(self.text("wp:term_id", str(t.id)))
        if t.taxonomy == "category":
            tag = "wp:category"
            known += [self.cd("wp:category_nicename", t.slug), self.cd("wp:category_parent", t.parent)]
            if t.name:
                known.append(self.cd("wp:cat_name", t.name))
            if t.description:
                known.append(self.cd("wp:category_description", t.description))
        elif t.taxonomy == "post_tag" and not t.parent:
            tag = "wp:tag"
            known.append(self.cd("wp:tag_slug", t.slug))
            if t.name:
                known.append(self.cd("wp:tag_name", t.name))
            if t.description:
                known.append(self.cd("wp:tag_description", t.description))
        else:
            tag = "wp:term"
            known += [self.cd("wp:term_taxonomy", t.taxonomy), self.cd("wp:term_slug", t.slug)]
            if t.parent or t.taxonomy != "nav_menu":
                known.append(self.cd("wp:term_parent", t.parent))
            if t.name:
                known.append(self.cd("wp:term_name", t.name))
            if t.description:
                known.append(self.cd("wp:term_description", t.description))
        known += [self.meta("wp:termmeta", k, v) for k, v in t.meta]
        return self.el(tag, "".join(self.children(known, t.extra, _FILL, {})))

    def comment(self, c: Comment, where: dict) -> str:
        known = [
            self.text("wp:comment_id", str(max(c.id, 0))),  # a stand-in id (negative) was none
            self.cd("wp:comment_author", c.author),
            self.cd("wp:comment_author_email", c.author_email),
            self.text("wp:comment_author_url", c.author_url),
            self.cd("wp:comment_author_IP", c.author_ip),
            self.cd("wp:comment_date", c.date.local),
            self.cd("wp:comment_date_gmt", c.date.gmt),
            self.cd("wp:comment_content", c.content),
            self.cd("wp:comment_approved", c.approved),
            self.cd("wp:comment_type", c.type),
            self.text("wp:comment_parent", str(c.parent)),
            self.text("wp:comment_user_id", str(c.user_id)),
        ]
        known += [self.meta("wp:commentmeta", k, v) for k, v in c.meta]
        body = "\n\t\t\t".join(self.children(known, c.extra, _FILL, where))
        return f"{self.open('wp:comment')}\n\t\t\t{body}\n\t\t</wp:comment>"

    def item(self, p: Post) -> str:
        where = {"item_id": p.id, "item_title": p.title}
        self.removed = 0
        description = "<description></description>"
        known = [
            self.cd("title", p.title),
            self.text("link", p.link),
            self.text("pubDate", p.pub_date),
            self.cd("dc:creator", p.creator),
            self.el("guid", self.esc(p.guid), ' isPermaLink="false"'),
            description,
            self.cd("content:encoded", p.content),
            self.cd("excerpt:encoded", p.excerpt),
            self.text("wp:post_id", str(max(p.id, 0))),  # a stand-in id (negative) was none
            self.cd("wp:post_date", p.date.local),
            self.cd("wp:post_date_gmt", p.date.gmt),
        ]
        if p.has_modified:
            known += [self.cd("wp:post_modified", p.modified.local),
                      self.cd("wp:post_modified_gmt", p.modified.gmt)]
        known += [
            self.cd("wp:comment_status", p.comment_status),
            self.cd("wp:ping_status", p.ping_status),
            self.cd("wp:post_name", p.slug),
            self.cd("wp:status", p.status),
            self.text("wp:post_parent", str(p.parent)),
            self.text("wp:menu_order", str(p.menu_order)),
            self.cd("wp:post_type", p.type),
            self.cd("wp:post_password", p.password),
        ]
        if p.has_sticky or p.sticky:
            known.append(self.text("wp:is_sticky", "1" if p.sticky else "0"))
        if p.attachment_url:
            known.append(self.cd("wp:attachment_url", p.attachment_url))
        for t in p.terms:
            attrs = ""
            if t.taxonomy:
                attrs += f' domain="{self.attr(t.taxonomy)}"'
            if t.slug:
                attrs += f' nicename="{self.attr(t.slug)}"'
            known.append(self.el("category", self.cdata(t.name), attrs))
        known += [self.meta("wp:postmeta", k, v) for k, v in p.meta]
        known += [self.comment(c, where) for c in p.comments]
        # The reader takes the first empty <description> as WXR's own; when an
        # unknown element is an empty description too, ours must come first.
        if any(_is_empty_description(e.xml) for e in p.extra):
            known.remove(description)
            known.insert(0, description)
        body = "\n\t\t".join(self.children(known, p.extra, _FILL, where))
        if self.removed:
            self.report.emit("wxr-invalid-char-removed", "warning",
                             f"{self.removed} character(s) not allowed in XML 1.0 were removed",
                             **where)
            self.removed = 0
        return f"\t<item>\n\t\t{body}\n\t</item>\n"

    def channel_head(self, site: Site) -> str:
        self.removed = 0
        known = [
            self.text("title", site.title),
            self.text("link", site.link),
            self.text("description", site.description),
            self.text("pubDate", site.pub_date),
            self.text("language", site.language),
            self.text("wp:wxr_version", site.wxr_version or WXR_VERSION),
            self.text("wp:base_site_url", site.base_site_url),
            self.text("wp:base_blog_url", site.base_blog_url),
        ]
        known += [self.author(a) for a in site.authors]
        if site.declares_terms:
            known += [self.term(t) for t in site.terms]
        filler = self.text("language", site.language)
        body = "\n\t".join(self.children(known, site.extra, filler, {}))
        if self.removed:
            self.report.emit("wxr-invalid-char-removed", "warning",
                             f"{self.removed} character(s) not allowed in XML 1.0 were removed "
                             "from the site header (title, authors, terms)")
            self.removed = 0
        return f"<channel>\n\t{body}\n"

    # -- namespaces

    def root_prefixes(self) -> set[str]:
        """Core prefixes to declare on ``<rss>`` (see the module docstring)."""
        if not self.extras_seen:
            return set(_NS_URI)
        return (set(_NS_URI) - self.undeclared) | self.required


def _is_empty_description(xml: str) -> bool:
    if not xml.startswith("<description"):
        return False
    try:
        el = etree.fromstring(xml.encode("utf-8"))
    except (etree.XMLSyntaxError, ValueError):
        return False
    return el.tag == "description" and not el.text and not len(el)


def _generator_comment(site: Site, report: Report) -> str:
    gen = _ILLEGAL.sub("", site.generator).replace('"', "'")
    while "--" in gen:
        gen = gen.replace("--", "- -")
    if gen.endswith("-"):
        gen += " "
    if gen != site.generator:
        report.emit("wxr-generator-changed", "notice",
                    f"the generator {site.generator!r} cannot be written in an XML comment as it is; "
                    f"written as {gen!r}")
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    return f'<!-- generator="{gen}" created="{created}" -->\n'


_PREAMBLE = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file, an export of a site that WordPress can import. -->
<!-- It holds posts, pages, comments, custom fields, terms, navigation menus and custom posts. -->
<!-- To import it into a WordPress site follow these steps: -->
<!-- 1. Log in to that site as an administrator. -->
<!-- 2. Go to Tools: Import in the WordPress admin panel. -->
<!-- 3. Install the "WordPress" importer from the list. -->
<!-- 4. Activate and run the importer. -->
<!-- 5. Upload this file using the form provided on that page. -->
<!-- 6. You will first be asked to map the authors in this export file to users -->
<!--    on the site. For each author, you may choose to map to an -->
<!--    existing user on the site or to create a new user. -->
<!-- 7. WordPress will then import each of the posts, pages, comments, categories, etc. -->
<!--    contained in this file into your site. -->

"""


def _rss_open(prefixes: set[str]) -> str:
    decl = "".join(f'\n\txmlns:{p}="{u}"' for p, u in NAMESPACES if p in prefixes)
    return f'<rss version="2.0"{decl}\n>\n\n'


def _unmark(text: str, prefixes: set[str]) -> str:
    if "\x00" not in text:
        return text
    return _MARK_RE.sub(
        lambda m: "" if _MARK_PREFIX[m.group(0)[1]] in prefixes
        else f' xmlns:{_MARK_PREFIX[m.group(0)[1]]}="{_NS_URI[_MARK_PREFIX[m.group(0)[1]]]}"',
        text,
    )


_FOOTER = "</channel>\n</rss>\n"


# ---------------------------------------------------------------- writing

def _part_paths(output: Path, n: int) -> list[Path]:
    suffix = output.suffix if output.suffix else ".xml"
    stem = output.name[: -len(output.suffix)] if output.suffix else output.name
    return [output.with_name(f"{stem}.{i:03d}{suffix}") for i in range(n)]


def _spool() -> IO[str]:
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")


def write_export(export: Export, output: Path, report: Report, split_size: int | None = None) -> list[Path]:
    """Write ``export`` as WXR; return the files written (one, or the parts)."""
    ser = Serializer(report)
    head_body = ser.channel_head(export.site)
    # A generous estimate of the fixed part of each file, for the split budget.
    fixed = len(_PREAMBLE) + 200 + len(_rss_open(set(_NS_URI))) + len(head_body.encode("utf-8")) \
        + head_body.count("\x00") * 60 + len(_FOOTER)
    parts: list[IO[str]] = []
    sizes: list[int] = []
    try:
        current = _spool()
        parts.append(current)
        sizes.append(0)
        items = 0
        for post in export.posts():
            text = ser.item(post)
            size = len(text.encode("utf-8")) + text.count("\x00") * 60
            if split_size and sizes[-1] and fixed + sizes[-1] + size > split_size:
                current = _spool()
                parts.append(current)
                sizes.append(0)
            if split_size and fixed + size > split_size:
                report.emit("wxr-part-oversize", "warning",
                            f"item {post.id} alone is larger than split_size; its part is larger",
                            item_id=post.id, item_title=post.title)
            current.write(text)
            sizes[-1] += size
            items += 1
        prefixes = ser.root_prefixes()
        missing = set(_NS_URI) - prefixes - {"wfw"}
        if missing:
            report.emit("wxr-namespace-local", "notice",
                        "unknown elements kept from the source do not declare the prefixes "
                        f"{', '.join(sorted(missing))}; to keep them exactly, those prefixes are "
                        "declared on the elements that use them instead of on <rss>")
        header = _PREAMBLE + _generator_comment(export.site, report) + _rss_open(prefixes) \
            + _unmark(head_body, prefixes)
        targets = _part_paths(output, len(parts)) if split_size else [output]
        for target, spool in zip(targets, parts):
            spool.seek(0)
            with OutputFile(target) as fh:
                fh.write(header)
                for line in spool:
                    fh.write(_unmark(line, prefixes))
                fh.write(_FOOTER)
        return targets
    finally:
        for spool in parts:
            spool.close()


def write(export: Export, output: Path, options: Mapping[str, Any], report: Report) -> None:
    """WordPress WXR 1.2 for WordPress's importer; lossless round trip, merges, split parts."""
    split = options.get("split_size")
    split_size = parse_size(split) if split not in (None, "", "0", 0) else None
    remap = str(options.get("remap", "auto")).lower()
    if remap in ("true", "1", "on"):
        remap = "yes"
    if remap in ("false", "0", "off"):
        remap = "no"
    if remap not in ("auto", "yes", "no"):
        raise UsageError(f"remap: {options.get('remap')!r} must be auto, yes or no")
    from migrate.merge import combine_sites

    export = combine_sites(export, remap, report)
    write_export(export, Path(output), report, split_size)


write.output_kind = "file"  # type: ignore[attr-defined]
