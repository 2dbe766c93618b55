"""WordPress shortcodes: found with WordPress's grammar, expanded to clean HTML.

Parsing follows ``wp-includes/shortcodes.php`` (``get_shortcode_regex``,
``shortcode_parse_atts``, ``do_shortcode_tag``):

* a tag name is followed by neither a word character nor ``-``;
* the opening tag ends at the first ``]``; ``…/]`` makes it self-closing;
* otherwise the content runs to the *first* ``[/name]`` after it (the same
  name cannot nest), or there is no content at all;
* ``[[name …]]`` is an escape and stands for the literal ``[name …]``; a
  lone extra bracket on one side stays in the output around the expansion;
* registered names are tried in registration order, restricted (as in
  ``do_shortcode``) to names that appear verbatim as ``[name`` in the text.

The regular expression WordPress uses is matched here by a scanner with the
same results, because the regex rescans the rest of the post for every
unclosed tag (quadratic on ``[a][a][a]…``): closing-tag positions are indexed
once and looked up by bisection.

Two rules differ on purpose, both to keep text intact for Markdown:

* Nothing inside ``<pre>`` or ``<code>`` is expanded (WordPress would).
* Shortcodes inside HTML tags (``<a href="[url]">``) are kept verbatim, and
  brackets inside tags and comments are never seen as shortcodes (WordPress
  hides them the same way, then expands attribute shortcodes through KSES).

Code shortcodes (SyntaxHighlighter and friends) must be expanded *before*
``wpautop`` (the plugin does the same so no ``<p>``/``<br />`` lands in the
code): call ``expand_shortcodes(text, ctx, only=CODE_TAGS)`` first and the
rest after.  They are matched like the plugin matches them, with the raw
regex, so a ``<`` in the code does not hide the closing tag.
"""

from __future__ import annotations

import bisect
import html
import logging
import re
import threading
import weakref
from dataclasses import dataclass
from typing import Callable, Collection, Iterator, Optional

from migrate.transforms.context import AttachmentInfo, TransformContext
from migrate.transforms.embeds import provider_of
from migrate.transforms.wpautop import wp_html_split

__all__ = [
    "Shortcode",
    "Handler",
    "CODE_TAGS",
    "KNOWN_TAGS",
    "find_shortcodes",
    "expand_shortcodes",
    "parse_atts",
    "register",
    "unregister",
    "registered_tags",
    "is_valid_tag",
]

log = logging.getLogger(__name__)
_A = re.ASCII


@dataclass(frozen=True)
class Shortcode:
    """One shortcode occurrence; ``raw`` is ``text[start:end]``."""

    tag: str
    attrs: dict[str, str]
    positional: tuple[str, ...]
    content: str | None
    raw: str
    start: int
    end: int


Handler = Callable[[Shortcode, TransformContext], Optional[str]]

# ------------------------------------------------------------------ grammar.
#: Characters a shortcode name may not contain (add_shortcode()'s rule).
_NAME = r"[^<>&/\[\]\x00-\x20=]+"
_INVALID_NAME_RE = re.compile(r"[<>&/\[\]\x00-\x20=]")
#: do_shortcode(): which names are present at all ("[name" tokens).
_PRESENT_RE = re.compile(r"\[(" + _NAME + r")")
_ANY_OPEN_RE = re.compile(r"\[(\[?)(" + _NAME + r")(?![\w-])", _A)
_CLOSE_RE = re.compile(r"\[/(" + _NAME + r")\]")
_PRE_CODE_OPEN_RE = re.compile(r"<(pre|code)(?=[\s/>])", re.I | _A)
_MASK = str.maketrans("[]", "\x00\x00")


def is_valid_tag(tag: str) -> bool:
    """WordPress's add_shortcode() test: non-empty, no space or ``& / < > [ ] =``."""
    return tag.strip() != "" and _INVALID_NAME_RE.search(tag) is None


# ---------------------------------------------------------------- attributes.
_ATTS_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)""",
    _A,
)
_UNICODE_SPACES_RE = re.compile("[\u00a0\u200b]+")
_BALANCED_HTML_RE = re.compile(r"^[^<]*+(?:<[^>]*+>[^<]*+)*+$")
_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "v": "\v", "b": "\b", "f": "\f"}
_CSLASH_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)


def _stripcslashes_one(m: re.Match[str]) -> str:
    s = m.group(1)
    if s in _C_ESCAPES:
        return _C_ESCAPES[s]
    if s[0] == "x" and len(s) > 1:
        return chr(int(s[1:], 16))
    if s[0] in "01234567":
        return chr(int(s, 8) & 0xFF)
    return s


def stripcslashes(text: str) -> str:
    """PHP's stripcslashes(): C escapes decoded, other backslashes dropped."""
    return _CSLASH_RE.sub(_stripcslashes_one, text) if "\\" in text else text


def parse_atts(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """``shortcode_parse_atts()``: named attributes (lower-cased) and positional ones.

    Kept from WordPress: ``\\s`` is ASCII only; NBSP/ZWSP count as spaces; a
    value holding an unclosed ``<`` becomes empty; a name PHP's ``empty()``
    rejects (``"0"``) drops the pair; values go through ``stripcslashes``.
    Not kept: PHP turns a numeric name (``123="x"``) into an integer key;
    here it stays a named attribute.
    """
    text = _UNICODE_SPACES_RE.sub(" ", text)
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in _ATTS_RE.finditer(text):
        g = m.groups()
        if g[0] and g[0] != "0":
            named[g[0].lower()] = stripcslashes(g[1])
        elif g[2] and g[2] != "0":
            named[g[2].lower()] = stripcslashes(g[3])
        elif g[4] and g[4] != "0":
            named[g[4].lower()] = stripcslashes(g[5])
        elif g[6]:
            positional.append(stripcslashes(g[6]))
        elif g[7]:
            positional.append(stripcslashes(g[7]))
        elif g[8] is not None:
            positional.append(stripcslashes(g[8]))
    for key, value in named.items():
        if "<" in value and not _BALANCED_HTML_RE.match(value):
            named[key] = ""
    positional = ["" if "<" in v and not _BALANCED_HTML_RE.match(v) else v for v in positional]
    return named, tuple(positional)


# ------------------------------------------------------------------ scanner.
@dataclass(frozen=True)
class _Match:
    shortcode: Shortcode
    #: "[[tag]]": WordPress prints the inner text literally.
    escaped: bool
    #: The whole regex match, extra brackets included.
    outer_start: int
    outer_end: int


class _Text:
    """The text plus the indexes the scanner needs, built once per call."""

    def __init__(self, text: str, hide_html: bool) -> None:
        self.text = text
        self.scan = _mask_html(text) if hide_html else text
        self._closers: dict[str, list[int]] | None = None
        # Last answer of first_close_bracket(): the first "]" at/after _from.
        self._from = -1
        self._bracket = -1

    def first_close_bracket(self, pos: int) -> int:
        """First ``]`` at or after ``pos``, or -1.

        Remembers its last answer, which stays right for any later ``pos``
        up to it: ``[a[a[a…`` without ``]`` costs one search, not one each.
        """
        if self._from < 0 or pos < self._from or (0 <= self._bracket < pos):
            self._from = pos
            self._bracket = self.scan.find("]", pos)
        return self._bracket

    def closing_tag(self, name: str, pos: int) -> int:
        """Start of the first ``[/name]`` at or after ``pos``, or -1."""
        if self._closers is None:
            self._closers = {}
            for m in _CLOSE_RE.finditer(self.scan):
                self._closers.setdefault(m.group(1), []).append(m.start())
        starts = self._closers.get(name)
        if not starts:
            return -1
        i = bisect.bisect_left(starts, pos)
        return starts[i] if i < len(starts) else -1


def _mask_html(text: str) -> str:
    """Hide brackets inside HTML tags, comments and CDATA (same length)."""
    if "<" not in text:
        return text
    parts = wp_html_split(text)
    for i in range(1, len(parts), 2):
        if "[" in parts[i] or "]" in parts[i]:
            parts[i] = parts[i].translate(_MASK)
    return "".join(parts)


def _opening_regex(tags: Collection[str] | None) -> re.Pattern[str]:
    if tags is None:
        return _ANY_OPEN_RE
    key = tuple(tags)
    pattern = _OPEN_CACHE.get(key)
    if pattern is None:
        alternation = "|".join(re.escape(t) for t in key)
        pattern = re.compile(r"\[(\[?)(" + alternation + r")(?![\w-])", _A)
        if len(_OPEN_CACHE) < 256:
            _OPEN_CACHE[key] = pattern
    return pattern


_OPEN_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


_PRE_CODE_CLOSE_RE = {
    "pre": re.compile(r"</pre\s*>", re.I | _A),
    "code": re.compile(r"</code\s*>", re.I | _A),
}


def _pre_code_end(text: str, lo: int, hi: int) -> int:
    """End of the last ``<pre>``/``<code>`` element opened in ``text[lo:hi]``, else -1.

    An element opened there and still open at ``hi`` makes ``hi`` code.
    """
    end = -1
    pos = lo
    while True:
        m = _PRE_CODE_OPEN_RE.search(text, pos, hi)
        if m is None:
            return end
        close = _PRE_CODE_CLOSE_RE[m.group(1).lower()].search(text, m.end())
        end = close.end() if close else len(text)
        if end >= hi:
            return end
        pos = end


def _scan(
    text: str,
    tags: Collection[str] | None,
    *,
    hide_html: bool = True,
    skip_code: bool = False,
) -> Iterator[_Match]:
    """Yield WordPress's non-overlapping matches, left to right."""
    if "[" not in text:
        return
    if tags is not None:
        present = set(_PRESENT_RE.findall(text))
        tags = [t for t in dict.fromkeys(tags) if t in present]
        if not tags:
            return
    t = _Text(text, hide_html)
    scan = t.scan
    opener = _opening_regex(tags)
    pos = 0
    checked = 0  # text before this was searched for <pre>/<code> already
    while True:
        m = opener.search(scan, pos)
        if m is None:
            return
        s = m.start()
        if skip_code:
            code_end = _pre_code_end(text, checked, s)
            checked = s
            if code_end > s:  # inside <pre>/<code>: leave it all alone
                pos = checked = code_end
                continue
        found = _match_at(t, m)
        if found is None:
            pos = s + 1
            continue
        pos = checked = found.outer_end
        yield found


def _match_at(t: _Text, m: re.Match[str]) -> _Match | None:
    """Complete an opening ``[name`` the way get_shortcode_regex() would."""
    scan, text = t.scan, t.text
    s, esc, name = m.start(), m.group(1), m.group(2)
    bracket = t.first_close_bracket(m.end())
    if bracket < 0:
        return None
    self_closing = bracket > m.end() and scan[bracket - 1] == "/"
    attr_text = text[m.end() : bracket - 1 if self_closing else bracket]
    end = bracket + 1
    content: str | None = None
    if not self_closing:
        closing = t.closing_tag(name, end)
        if closing >= 0:
            content = text[end:closing]
            end = closing + len(name) + 3
    trail = end < len(scan) and scan[end] == "]"
    outer_end = end + 1 if trail else end
    escaped = bool(esc) and trail
    start = s + len(esc)
    attrs, positional = parse_atts(attr_text)
    sc = Shortcode(name, attrs, positional, content, text[start:end], start, end)
    return _Match(sc, escaped, s, outer_end)


def find_shortcodes(
    text: str, tags: Collection[str] | None = None, *, hide_html: bool = True
) -> Iterator[Shortcode]:
    """Shortcodes of ``text`` in order, as WordPress would match them.

    ``tags=None`` accepts any name of the shortcode grammar.  Escaped
    ``[[…]]`` forms are literal text, not shortcodes, and are not yielded.
    """
    for found in _scan(text, tags, hide_html=hide_html):
        if not found.escaped:
            yield found.shortcode


# ----------------------------------------------------------------- registry.
_BUILTIN: dict[str, Handler] = {}
_REGISTERED: dict[str, Handler] = {}
_PLUGINS: dict[str, Handler] | None = None


def register(tag: str, handler: Handler) -> None:
    """Register (or replace) the handler of ``tag``; it wins over built-ins."""
    if not is_valid_tag(tag):
        raise ValueError(f"invalid shortcode name {tag!r}: no spaces or & / < > [ ] =")
    _REGISTERED[tag] = handler


def unregister(tag: str) -> None:
    """Forget a handler given with :func:`register` (built-ins stay)."""
    _REGISTERED.pop(tag, None)


def _plugins() -> dict[str, Handler]:
    """Handlers of the ``migrate.shortcodes`` entry-point group, loaded once."""
    global _PLUGINS
    if _PLUGINS is None:
        from importlib.metadata import entry_points

        loaded: dict[str, Handler] = {}
        for ep in entry_points(group="migrate.shortcodes"):
            if not is_valid_tag(ep.name):
                log.warning("ignoring shortcode plugin with invalid name %r", ep.name)
                continue
            try:
                loaded[ep.name] = ep.load()
            except Exception as exc:  # a broken plugin must not stop a migration
                log.warning("cannot load shortcode plugin %s: %s", ep.name, exc)
        _PLUGINS = loaded
    return _PLUGINS


def _handlers() -> dict[str, Handler]:
    return {**_BUILTIN, **_plugins(), **_REGISTERED}


def registered_tags() -> frozenset[str]:
    """Every tag that has a handler (built-in, plugin or registered)."""
    return frozenset(_handlers())


# ---------------------------------------------------------------- expansion.
_reported: dict[int, tuple[weakref.ref, set[tuple[object, str]]]] = {}


def _report_once(ctx: TransformContext, tag: str, message: str) -> None:
    """``shortcode-unknown`` once per tag per item (per context object)."""
    key = id(ctx)
    entry = _reported.get(key)
    if entry is None or entry[0]() is not ctx:
        ref = weakref.ref(ctx, lambda _r, k=key: _reported.pop(k, None))
        entry = (ref, set())
        _reported[key] = entry
    seen = entry[1]
    if (ctx.item_id, tag) in seen:
        return
    seen.add((ctx.item_id, tag))
    ctx.finding("shortcode-unknown", "warning", message)


_MAX_DEPTH = 64
#: Nesting depth of expand_shortcodes() calls (handlers expand their content).
_nesting = threading.local()


def expand_shortcodes(
    text: str,
    ctx: TransformContext,
    only: Collection[str] | None = None,
    *,
    report_unknown: bool | None = None,
) -> str:
    """Replace registered shortcodes by their handlers' HTML.

    ``only`` limits the pass to those tags (e.g. ``CODE_TAGS`` before
    wpautop).  Unknown shortcode-looking names are kept verbatim and, on a
    full pass (``only is None``, unless ``report_unknown`` says otherwise),
    reported once per tag per item.
    """
    if report_unknown is None:
        report_unknown = only is None
    if "[" not in text:
        return text
    handlers = _handlers()
    tags = [t for t in handlers if only is None or t in only]
    code_pass = only is not None and all(t in CODE_TAGS for t in only)
    if report_unknown:
        _report_unknown(text, ctx, set(handlers))
    depth = getattr(_nesting, "depth", 0)
    if depth >= _MAX_DEPTH:
        ctx.finding("shortcode-nesting", "warning",
                    f"shortcodes nested deeper than {_MAX_DEPTH} levels were kept as text")
        return text
    out: list[str] = []
    pos = 0
    _nesting.depth = depth + 1
    try:
        for found in _scan(text, tags, hide_html=not code_pass, skip_code=True):
            sc = found.shortcode
            if found.escaped:
                replacement = text[found.outer_start + 1 : found.outer_end - 1]
            else:
                html_out = _call(handlers[sc.tag], sc, ctx)
                replacement = (
                    text[found.outer_start : sc.start]
                    + (sc.raw if html_out is None else html_out)
                    + text[sc.end : found.outer_end]
                )
            out.append(text[pos : found.outer_start])
            out.append(replacement)
            pos = found.outer_end
    finally:
        _nesting.depth = depth
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _call(handler: Handler, sc: Shortcode, ctx: TransformContext) -> str | None:
    try:
        return handler(sc, ctx)
    except Exception as exc:  # one bad handler must not lose the post
        ctx.finding("shortcode-error", "warning",
                    f"[{sc.tag}] could not be converted ({exc}); kept as text")
        return None


# ------------------------------------------------------ unknown shortcodes.
#: Names that look like shortcodes but are ordinary bracketed words.
_NOT_SHORTCODES = frozenset(
    "sic sic! citation ref note notes edit update updated via source link more "
    "ed eds nb ps pdf video audio photo image pic img x".split()
)
#: Prefixes of well-known plugin/theme shortcodes (reported even when bare).
_PLUGIN_PREFIXES = (
    "wp_", "wp-", "et_pb_", "vc_", "fusion_", "av_", "su_", "rev_slider", "contact-form",
    "contact_form", "gravityform", "wpforms", "ninja_form", "woocommerce", "product",
    "add_to_cart", "mc4wp", "jetpack", "instagram", "twitter", "tweet", "soundcloud",
    "googlemaps", "google_map", "spotify", "slideshare", "scribd", "recipe", "metaslider",
    "smartslider", "pdf-embedder", "pdf_embedder", "ngg", "nggallery", "slideshow",
    "portfolio", "polldaddy", "crowdsignal", "ultimate", "tabs", "tab", "accordion",
    "toggle", "button", "column", "one_half", "one_third", "row", "divider", "dropcap",
    "highlight", "box", "alert", "testimonial", "pricing", "countdown", "map",
    "responsive", "embedyt", "vimeo", "dailymotion", "flickr", "archives", "sitemap",
    "latex", "st_", "ux_", "x_", "cs_", "themify_", "tm_", "bsf-", "elementor",
)
_BARE_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_HAS_ASSIGNMENT_RE = re.compile(r"""^\s*=|[\w-]\s*=\s*["']|[\w-]=[^\s"'=]""", _A)


def _looks_like_shortcode(name: str, opening: str, enclosing: bool) -> bool:
    """Heuristic for ``shortcode-unknown``: report only what is surely a shortcode.

    The name must be ASCII, at least two characters, start with a letter
    (``[1]``, ``[…]``, ``[ ]``, ``[x]`` and non-Latin words are out).  Then
    one of: a closing ``[/name]``, a self-closing ``/]``, ``attr=value``
    attributes (also ``[name=value]``), or, for a bare ``[name]``, a
    well-known plugin prefix that is not a common bracketed word (``[sic]``,
    ``[edit]``).  A bare ``[word]`` or ``[two words]`` (footnote or editorial
    brackets, Markdown link text) is never reported.
    """
    if len(name) < 2 or not _BARE_NAME_RE.match(name):
        return False
    if enclosing or opening.endswith("/") or _HAS_ASSIGNMENT_RE.search(opening):
        return True
    lowered = name.lower()
    if lowered in _NOT_SHORTCODES:
        return False
    return any(lowered.startswith(p) for p in _PLUGIN_PREFIXES)


def _report_unknown(text: str, ctx: TransformContext, known: set[str]) -> None:
    """Report unregistered shortcodes, nested ones included, once per tag.

    One flat pass over every ``[name`` opener (not WordPress's nested
    matching, which would rescan each enclosing shortcode's content): each
    is judged on its own opening tag and on whether a ``[/name]`` follows.
    """
    if "[" not in text:
        return
    t = _Text(text, hide_html=True)
    checked = 0
    pos = 0
    while True:
        m = _ANY_OPEN_RE.search(t.scan, pos)
        if m is None:
            return
        s, esc, name = m.start(), m.group(1), m.group(2)
        pos = m.end()
        code_end = _pre_code_end(text, checked, s)
        checked = s
        if code_end > s:
            pos = checked = code_end
            continue
        bracket = t.first_close_bracket(m.end())
        if bracket < 0:
            return
        if esc and t.scan.startswith("]]", bracket) or name in known:
            continue
        opening = text[m.end() : bracket]
        enclosing = t.closing_tag(name, bracket + 1) >= 0
        if _looks_like_shortcode(name, opening, enclosing):
            _report_once(
                ctx,
                name,
                f"unknown shortcode [{name}] kept as text; register a handler "
                f"(entry point group migrate.shortcodes) to convert it",
            )


# ----------------------------------------------------------------- handlers.
def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def _media_url(ctx: TransformContext, url: str) -> str:
    try:
        return ctx.resolve_media(url) or url
    except Exception:
        return url


def _expand_inner(content: str, ctx: TransformContext) -> str:
    return expand_shortcodes(content, ctx, report_unknown=False)


_CAPTION_SPLIT_RE = re.compile(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.I | re.S)


def _caption(sc: Shortcode, ctx: TransformContext) -> str | None:
    """``[caption]``: WordPress's img_caption_shortcode() as a ``<figure>``.

    Like WordPress: the caption is the ``caption`` attribute, else the text
    after the (linked) image.  Unlike WordPress, a missing ``width`` does not
    drop the caption text.
    """
    content = sc.content or ""
    caption = sc.attrs.get("caption")
    if caption is None:
        m = _CAPTION_SPLIT_RE.search(content)
        if m:
            content, caption = m.group(1), m.group(2).strip(" \t\n\r\0\x0b")
    body = _expand_inner(content, ctx).strip()
    if not caption:
        return body
    align = sc.attrs.get("align") or "alignnone"
    classes = " ".join(["wp-caption", *align.split()])
    return (f'<figure class="{_esc(classes)}">{body}'
            f"<figcaption>{_expand_inner(caption, ctx)}</figcaption></figure>")


def _ids(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


_MEDIA_EXT = {
    "image": re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|svg|tiff?)(?:$|\?)", re.I),
    "audio": re.compile(r"\.(?:mp3|m4a|ogg|oga|wav|flac|aac|opus)(?:$|\?)", re.I),
    "video": re.compile(r"\.(?:mp4|m4v|webm|ogv|mov|wmv|flv)(?:$|\?)", re.I),
}


def _is_kind(info: AttachmentInfo, kind: str) -> bool:
    """Whether an attachment is an image, audio or video, by MIME type or file ending."""
    return info.mime.startswith(kind + "/") if info.mime else bool(_MEDIA_EXT[kind].search(info.url))


def _attachments_for(sc: Shortcode, ctx: TransformContext, kind: str) -> list[AttachmentInfo] | None:
    """The attachments a ``[gallery]`` or ``[playlist]`` shows, as WordPress picks them.

    With ``ids``/``include``: those attachments, each one missing reported.
    Without: the ``kind`` media attached to the post (or to the post named by
    ``id=``), less any ``exclude``, in menu_order then id order. None, with a
    finding, when the export has none attached.
    """
    raw_ids = sc.attrs.get("ids") or sc.attrs.get("include") or ""
    if raw_ids:
        found = []
        for raw in _ids(raw_ids):
            try:
                info = ctx.attachment(int(raw))
            except (TypeError, ValueError):
                info = None
            if info is None:
                ctx.finding("media-missing", "warning", f"{sc.tag} attachment {raw} is not in the export")
            else:
                found.append(info)
        return found
    try:
        owner = int(sc.attrs.get("id") or ctx.item_id or 0)
    except ValueError:
        owner = 0
    excluded = set(_ids(sc.attrs.get("exclude", "")))
    children = [a for a in ctx.attached(owner) if _is_kind(a, kind) and str(a.id) not in excluded] if owner else []
    if not children:
        ctx.finding(f"{sc.tag}-unresolved", "warning",
                    f"[{sc.tag}] without ids shows the post's attached {kind} files, and the export has "
                    "none attached to this post; a placeholder was kept")
        return None
    return children


def _gallery(sc: Shortcode, ctx: TransformContext) -> str | None:
    """``[gallery]``: the images it names, or the post's attached images."""
    items = _attachments_for(sc, ctx, "image")
    if not items:
        attrs = sc.raw[len(sc.tag) + 1 : sc.raw.find("]")].strip()
        return f'<div class="gallery" data-wp-gallery="{_esc(attrs)}"></div>'
    link = (sc.attrs.get("link") or "").lower()
    figures: list[str] = []
    for info in items:
        src = _media_url(ctx, info.url)
        img = f'<img src="{_esc(src)}" alt="{_esc(info.alt)}">'
        if link == "file":
            img = f'<a href="{_esc(src)}">{img}</a>'
        cap = f"<figcaption>{_esc(info.caption)}</figcaption>" if info.caption else ""
        figures.append(f"<figure>{img}{cap}</figure>")
    columns = sc.attrs.get("columns", "3")
    cls = f"wp-block-gallery columns-{columns}" if columns.isdigit() else "wp-block-gallery"
    return f'<figure class="{cls}">' + "".join(figures) + "</figure>"


def _embed_figure(url: str, provider: str = "") -> str:
    """The marker figure the block renderer also emits for embeds."""
    if not provider:
        provider = provider_of(url)
    u = _esc(url)
    return (f'<figure class="wp-block-embed" data-provider="{_esc(provider)}" '
            f'data-url="{u}"><p><a href="{u}">{u}</a></p></figure>')


def _first_url(sc: Shortcode) -> str:
    """URL of ``[tag URL]``, ``[tag=URL]``, ``[tag url=…]`` or ``[tag]URL[/tag]``."""
    for key in ("url", "src"):
        if sc.attrs.get(key, "").startswith(("http://", "https://", "//")):
            return sc.attrs[key]
    for value in sc.positional:
        value = value.lstrip("=")
        if value.startswith(("http://", "https://", "//")):
            return html.unescape(value)
    if sc.content and sc.content.strip():
        return html.unescape(re.sub(r"<[^>]*>", "", sc.content).strip())
    return ""


def _embed(sc: Shortcode, ctx: TransformContext) -> str | None:
    url = _first_url(sc)
    if not url:
        return None
    return _embed_figure(url)


_SIZE_PARAMS_RE = re.compile(r"[&?](?:w|h)=\d+(?=&|$)")


def _provider_handler(provider: str, id_url: Callable[[str], str], id_keys: tuple[str, ...] = ()) -> Handler:
    """``[youtube URL]``, ``[youtube=URL]`` (Jetpack), or an id: bare or in one of ``id_keys``.

    Jetpack's ``&w=…&h=…`` size parameters are not part of the video URL.
    """

    def handler(sc: Shortcode, ctx: TransformContext) -> str | None:
        url = _first_url(sc)
        if not url:
            bare = next((p.lstrip("=") for p in sc.positional if p.lstrip("=")), "")
            bare = bare or next((sc.attrs[k] for k in id_keys if sc.attrs.get(k, "").strip()), "")
            bare = _SIZE_PARAMS_RE.sub("", bare.strip())
            if not bare:
                return None
            url = id_url(bare)
        return _embed_figure(_SIZE_PARAMS_RE.sub("", url), provider)

    return handler


def _spotify_url(uri: str) -> str:
    """``spotify:track:ID`` (the Spotify URI Jetpack takes) -> its open.spotify.com page."""
    parts = uri.split(":")
    if len(parts) >= 3 and parts[0] == "spotify":
        return "https://open.spotify.com/" + "/".join(parts[1:])
    return "https://open.spotify.com/" + uri


#: WordPress.com and Jetpack shortcodes that embed another site's content:
#: tag -> (provider, URL of a bare id, attributes that may hold the id).
_JETPACK_EMBEDS: dict[str, tuple[str, Callable[[str], str], tuple[str, ...]]] = {
    "dailymotion": ("dailymotion", lambda v: f"https://www.dailymotion.com/video/{v}", ("id",)),
    "ted": ("ted", lambda v: f"https://www.ted.com/talks/view/id/{v}", ("id",)),
    "polldaddy": ("crowdsignal", lambda v: f"https://poll.fm/{v}", ("poll",)),
    "crowdsignal": ("crowdsignal", lambda v: f"https://poll.fm/{v}", ("poll",)),
    "spotify": ("spotify", _spotify_url, ("id",)),
    "wpvideo": ("videopress", lambda v: f"https://videopress.com/v/{v}", ()),
    "videopress": ("videopress", lambda v: f"https://videopress.com/v/{v}", ()),
    "gist": ("gist", lambda v: f"https://gist.github.com/{v}", ("id",)),
    "tweet": ("twitter", lambda v: f"https://twitter.com/i/status/{v}", ("tweet",)),
    "instagram": ("instagram", lambda v: f"https://www.instagram.com/p/{v}/", ("id",)),
    "soundcloud": ("soundcloud", lambda v: f"https://api.soundcloud.com/tracks/{v}", ("id",)),
    "googlemaps": ("google-maps", lambda v: v, ()),
    "scribd": ("scribd", lambda v: f"https://www.scribd.com/doc/{v}", ("id",)),
    "slideshare": ("slideshare", lambda v: f"https://www.slideshare.net/slideshow/embed_code/{v.split('&')[0]}",
                   ("id",)),
    "flickr": ("flickr", lambda v: v, ("video", "photo")),
    "mixcloud": ("mixcloud", lambda v: f"https://www.mixcloud.com/{v.strip('/')}/", ()),
    "vimeo": ("vimeo", lambda v: f"https://vimeo.com/{v}", ("id",)),
}


_AUDIO_EXT = ("mp3", "ogg", "oga", "wav", "m4a", "flac", "wma")
_VIDEO_EXT = ("mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov")
_MIME = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "oga": "audio/ogg", "wav": "audio/wav",
         "m4a": "audio/mp4", "flac": "audio/flac", "wma": "audio/x-ms-wma",
         "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg",
         "wmv": "video/x-ms-wmv", "flv": "video/x-flv", "mov": "video/quicktime"}


def _media(kind: str, exts: tuple[str, ...]) -> Handler:
    def handler(sc: Shortcode, ctx: TransformContext) -> str | None:
        sources: list[tuple[str, str]] = []
        if sc.attrs.get("src"):
            ext = sc.attrs["src"].rsplit(".", 1)[-1].split("?")[0].lower()
            sources.append((sc.attrs["src"], _MIME.get(ext, "")))
        for ext in exts:
            if sc.attrs.get(ext):
                sources.append((sc.attrs[ext], _MIME[ext]))
        if not sources:
            url = _first_url(sc)
            if not url:
                return None
            sources.append((url, ""))
        extra = ""
        if kind == "video" and sc.attrs.get("poster"):
            extra = f' poster="{_esc(_media_url(ctx, sc.attrs["poster"]))}"'
        if len(sources) == 1:
            src = _esc(_media_url(ctx, sources[0][0]))
            return f'<{kind} controls src="{src}"{extra}></{kind}>'
        inner = "".join(
            f'<source src="{_esc(_media_url(ctx, u))}"' + (f' type="{t}"' if t else "") + ">"
            for u, t in sources
        )
        return f"<{kind} controls{extra}>{inner}</{kind}>"

    return handler


def _playlist(sc: Shortcode, ctx: TransformContext) -> str | None:
    """``[playlist]``: a list of links to the tracks it names or the post's attached ones."""
    kind = "video" if sc.attrs.get("type", "audio").lower() == "video" else "audio"
    found = _attachments_for(sc, ctx, kind)
    if not found:
        return f'<div class="playlist" data-wp-playlist="{_esc(sc.raw)}"></div>'
    items = [f'<li><a href="{_esc(_media_url(ctx, info.url))}">{_esc(info.title or info.url)}</a></li>'
             for info in found]
    return '<ul class="wp-playlist">' + "".join(items) + "</ul>"


# --------------------------------------------------------------------- code.
#: SyntaxHighlighter Evolved's brush aliases (and a few common extras) ->
#: the language name used in ``class="language-…"``.
_LANG_ALIASES: dict[str, str] = {
    "as3": "actionscript", "actionscript3": "actionscript", "arduino": "arduino",
    "bash": "bash", "shell": "bash", "sh": "bash", "coldfusion": "coldfusion",
    "cf": "coldfusion", "clojure": "clojure", "clj": "clojure", "cpp": "cpp", "c": "c",
    "c-sharp": "csharp", "csharp": "csharp", "css": "css", "delphi": "delphi",
    "pas": "delphi", "pascal": "delphi", "diff": "diff", "patch": "diff", "erl": "erlang",
    "erlang": "erlang", "fsharp": "fsharp", "go": "go", "golang": "go", "groovy": "groovy",
    "haskell": "haskell", "java": "java", "jfx": "javafx", "javafx": "javafx",
    "js": "javascript", "jscript": "javascript", "javascript": "javascript",
    "json": "json", "latex": "latex", "tex": "latex", "matlab": "matlab",
    "matlabkey": "matlab", "objc": "objectivec", "obj-c": "objectivec", "perl": "perl",
    "pl": "perl", "php": "php", "plain": "text", "text": "text", "powershell": "powershell",
    "ps": "powershell", "py": "python", "python": "python", "r": "r", "splus": "r",
    "rails": "ruby", "rb": "ruby", "ror": "ruby", "ruby": "ruby", "sass": "scss",
    "scss": "scss", "scala": "scala", "sql": "sql", "swift": "swift", "tap": "tap",
    "ts": "typescript", "typescript": "typescript", "vb": "vbnet", "vbnet": "vbnet",
    "xml": "xml", "xhtml": "xml", "xslt": "xml", "html": "html", "yaml": "yaml",
    "yml": "yaml",
}
_GENERIC_CODE_TAGS = ("code", "sourcecode", "source")
#: Every tag expanded as code (before wpautop).
CODE_TAGS: frozenset[str] = frozenset((*_GENERIC_CODE_TAGS, *_LANG_ALIASES))
_LANG_OK_RE = re.compile(r"[A-Za-z0-9_+#.-]+\Z")


def _code(sc: Shortcode, ctx: TransformContext) -> str | None:
    """Code shortcodes -> ``<pre><code class="language-…">`` with the code's text.

    The stored code is HTML-encoded or not depending on the editor used;
    decoding once (as the browser did when it showed the post) and escaping
    once keeps the code's text either way.
    """
    if sc.content is None:
        return None
    if sc.tag in _GENERIC_CODE_TAGS:
        lang = (sc.attrs.get("language") or sc.attrs.get("lang") or sc.attrs.get("brush") or "")
        if not lang and sc.positional and _LANG_OK_RE.match(sc.positional[0]):
            lang = sc.positional[0]
        lang = lang.strip().lower()
        lang = _LANG_ALIASES.get(lang, lang)
    else:
        lang = _LANG_ALIASES[sc.tag.lower()] if sc.tag.lower() in _LANG_ALIASES else sc.tag
    code = html.unescape(sc.content)
    code = re.sub(r"\A[ \t]*\r?\n", "", code)
    code = code.rstrip("\r\n")
    cls = f' class="language-{_esc(lang)}"' if lang and _LANG_OK_RE.match(lang) else ""
    return f"<pre><code{cls}>{html.escape(code, quote=False)}</code></pre>"


def _install_builtins() -> None:
    _BUILTIN.update({"caption": _caption, "wp_caption": _caption, "gallery": _gallery,
                     "embed": _embed, "playlist": _playlist,
                     "audio": _media("audio", _AUDIO_EXT),
                     "video": _media("video", _VIDEO_EXT)})
    _BUILTIN["youtube"] = _provider_handler(
        "youtube", lambda v: f"https://www.youtube.com/watch?v={v}")
    for tag, (provider, id_url, keys) in _JETPACK_EMBEDS.items():
        _BUILTIN[tag] = _provider_handler(provider, id_url, keys)
    _BUILTIN["slideshow"] = _gallery  # Jetpack's slideshow: the gallery's images, shown in turn
    for tag in CODE_TAGS:
        _BUILTIN[tag] = _code


_install_builtins()
#: Every tag with a built-in handler.
KNOWN_TAGS: frozenset[str] = frozenset(_BUILTIN)
