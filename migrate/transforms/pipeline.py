"""Post and comment content, from what WordPress stores to clean HTML and Markdown.

The one entry point writers use. The order follows WordPress's own
``the_content`` filters, so the output shows what a visitor saw:

* block posts (``has_blocks``): blocks are parsed and rendered, wpautop is
  *not* run (``do_blocks`` switches it off for such content), then
  shortcodes are expanded over the whole text (``do_shortcode``, priority 11);
* classic posts: code-family shortcodes are expanded first so wpautop leaves
  their bodies alone (inside ``<pre>``), then ``wpautop``,
  ``shortcode_unautop`` and the remaining shortcodes.

Then internal links and upload URLs are rewritten through the context.
Shortcode text inside ``<pre>``/``<code>`` is never expanded: it is sample
code, not a shortcode.
"""

from __future__ import annotations

import html as _html
import re
from typing import Callable, Optional

from migrate.transforms.blocks import parse_blocks, render_blocks, strip_block_delimiters
from migrate.transforms.context import TransformContext
from migrate.transforms.embeds import autoembed, may_embed
from migrate.transforms.html_markdown import EmbedHook, html_to_markdown
from migrate.transforms.shortcodes import CODE_TAGS, KNOWN_TAGS, expand_shortcodes
from migrate.transforms.wpautop import has_blocks, shortcode_unautop, wp_html_split, wpautop

__all__ = [
    "prepare_html", "to_markdown", "comment_html", "comment_to_markdown", "excerpt_of",
    "rewrite_urls", "make_clickable",
]


# ------------------------------------------------------------ code regions

def _outside_code(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the text outside ``<pre>…</pre>`` and ``<code>…</code>``.

    A plain scan with ``find``: an unclosed ``<pre`` protects the rest of the
    text (as a browser would show it) and nothing is scanned twice.
    """
    low = text.lower()
    out: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        a = _next_open(low, pos)
        if a is None:
            out.append(fn(text[pos:]))
            break
        start, tag = a
        out.append(fn(text[pos:start]))
        end = low.find(f"</{tag}>", start)
        if end < 0:
            out.append(text[start:])
            break
        end += len(tag) + 3
        out.append(text[start:end])
        pos = end
    return "".join(out)


def _next_open(low: str, pos: int) -> Optional[tuple[int, str]]:
    best: Optional[tuple[int, str]] = None
    for tag in ("pre", "code"):
        i = low.find("<" + tag, pos)
        while i >= 0 and i + len(tag) + 1 < len(low) and low[i + len(tag) + 1] not in " \t\r\n>/":
            i = low.find("<" + tag, i + 1)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, tag)
    return best


# ------------------------------------------------------------ URL rewriting

_URL_TAG = re.compile(r"<(?:a|img|source|video|audio|link)\b[^>]*>", re.I)
_URL_ATTR = re.compile(r"""(\s(?:href|src|srcset|poster)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)


def _resolve_one(url: str, attr: str, ctx: TransformContext) -> Optional[str]:
    if attr == "href":
        return ctx.resolve_media(url) or ctx.resolve_link(url)
    return ctx.resolve_media(url)


def _rewrite_value(attr: str, value: str, ctx: TransformContext) -> Optional[str]:
    raw = _html.unescape(value)
    if attr == "srcset":
        changed = False
        parts = []
        for cand in raw.split(","):
            bits = cand.strip().split(None, 1)
            if not bits:
                continue
            new = ctx.resolve_media(bits[0])
            if new:
                changed = True
                bits[0] = new
            parts.append(" ".join(bits))
        return ", ".join(parts) if changed else None
    return _resolve_one(raw.strip(), attr, ctx)


_STYLE_ATTR = re.compile(r"""(\sstyle\s*=\s*)("[^"]*"|'[^']*')""", re.I)
#: ``url(…)`` in CSS, quoted or not. The repetitions are possessive: an escape
#: such as ``\12`` reads more than one way, and a ``url(`` that never closes
#: must fail at once, not try every reading.
_CSS_URL = re.compile(r"""(url\(\s*)(?:"((?:\\.|[^"\\])*+)"|'((?:\\.|[^'\\])*+)'"""
                      r"""|((?:\\[0-9A-Fa-f]{1,6}+\s?|\\.|[^"'()\s\\])*+))(\s*\))""", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6})\s?|\\(.)")


def _css_unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return m.group(2)

    return _CSS_ESCAPE.sub(one, text) if "\\" in text else text


def _rewrite_style(value: str, ctx: TransformContext) -> Optional[str]:
    """A ``style`` attribute's ``url(…)`` values pointed at the new site's media."""
    changed = False

    def one(m: re.Match[str]) -> str:
        nonlocal changed
        url = next((g for g in m.group(2, 3, 4) if g is not None), "")
        new = ctx.resolve_media(_css_unescape(url).strip()) if url.strip() else None
        if not new:
            return m.group(0)
        changed = True
        return f'{m.group(1)}"{new.replace(chr(34), "%22")}"{m.group(5)}'

    out = _CSS_URL.sub(one, value)
    return out if changed else None


def _rewrite_styles(html: str, ctx: TransformContext) -> str:
    def attr_sub(m: re.Match[str]) -> str:
        raw = _html.unescape(m.group(2)[1:-1])
        if "url(" not in raw.lower():
            return m.group(0)
        new = _rewrite_style(raw, ctx)
        return m.group(0) if new is None else f'{m.group(1)}"{_html.escape(new, quote=True)}"'

    return _STYLE_ATTR.sub(attr_sub, html)


def rewrite_urls(html: str, ctx: TransformContext) -> str:
    """Point ``href``/``src``/``srcset`` of links, images and media, and the
    ``url(…)`` of ``style`` attributes (background images), at the new site."""
    if "=" not in html:
        return html
    if "url(" in html or "URL(" in html or "Url(" in html:
        html = _rewrite_styles(html, ctx)

    def attr_sub(m: re.Match[str]) -> str:
        name = m.group(1).strip().rstrip("=").strip().lower()
        quoted = m.group(2)
        value = quoted[1:-1] if quoted[:1] in "\"'" else quoted
        new = _rewrite_value(name, value, ctx)
        if new is None:
            return m.group(0)
        return f'{m.group(1)}"{_html.escape(new, quote=True)}"'

    def tag_sub(m: re.Match[str]) -> str:
        return _URL_ATTR.sub(attr_sub, m.group(0))

    return _URL_TAG.sub(tag_sub, html)


# ------------------------------------------------------------ content

def _expand(text: str, ctx: TransformContext, only: Optional[frozenset[str] | set[str]] = None) -> str:
    if "[" not in text:
        return text
    return _outside_code(text, lambda part: expand_shortcodes(part, ctx, only) if "[" in part else part)


def _shortcode_block(ctx: TransformContext) -> Callable[[str], str]:
    # WordPress's core/shortcode render callback is wpautop(); do_shortcode follows
    return lambda text: wpautop(text)


#: Shortcodes WordPress runs before the auto-embeds (``WP_Embed::run_shortcode``),
#: so a URL line inside ``[embed]…[/embed]`` is that shortcode's, not a second embed.
_FIRST = frozenset({"embed"})


def _autoembed(html: str) -> str:
    """WordPress's auto-embeds, outside code."""
    return _outside_code(html, autoembed) if may_embed(html) else html


def prepare_html(content: str, ctx: TransformContext) -> str:
    """Raw ``post_content`` to the clean HTML a visitor would have been served."""
    if not content:
        return ""
    if has_blocks(content):
        # embed blocks are rendered already; a URL alone in a paragraph block is left
        html = render_blocks(parse_blocks(content), ctx, shortcode=_shortcode_block(ctx))
        html = _expand(_autoembed(_expand(html, ctx, _FIRST)), ctx)
    else:
        html = _expand(content, ctx, CODE_TAGS | _FIRST)
        html = _autoembed(html)
        html = wpautop(html)
        html = shortcode_unautop(html, KNOWN_TAGS)
        html = _expand(html, ctx)
        html = strip_block_delimiters(html)
    return rewrite_urls(html, ctx)


def to_markdown(content: str, ctx: TransformContext, *, embed: Optional[EmbedHook] = None) -> str:
    """Raw ``post_content`` to CommonMark/GFM (raw HTML where Markdown has no form)."""
    return html_to_markdown(prepare_html(content, ctx), ctx, embed=embed)


# ------------------------------------------------------------ comments

_URL_IN_TEXT = re.compile(
    r"(?<![\w/.=@-])((?:https?|ftp)://[^\s<>\"']+|www\.[A-Za-z0-9-]+\.[^\s<>\"']+)", re.I
)
_EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])([\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_TRAILING = ".,;:!?)]}'\""


def _link(url: str) -> str:
    tail = ""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    href = url if "://" in url else "http://" + url
    return f'<a href="{_html.escape(href)}" rel="nofollow">{url}</a>{tail}'


_SKIP_TAG = re.compile(r"<(/?)(a|pre|code|script|style)\b", re.I)
#: Every URL _URL_IN_TEXT can match holds "://" or (in any case) "www.".
_WWW = re.compile(r"www\.", re.I)


def _link_url(m: re.Match[str]) -> str:
    return _link(m.group(1))


def _link_email(m: re.Match[str]) -> str:
    return f'<a href="mailto:{m.group(1)}">{m.group(1)}</a>'


def _clickable_text(part: str) -> str:
    """Links for the URLs, then the e-mail addresses, of text outside tags.

    Each substitution runs only where its pattern's literal ("://" or "www.",
    "@") occurs.
    """
    if "://" in part or _WWW.search(part) is not None:
        part = _URL_IN_TEXT.sub(_link_url, part)
    if "@" in part:
        part = _EMAIL_IN_TEXT.sub(_link_email, part)
    return part


def make_clickable(text: str) -> str:
    """Bare URLs and e-mail addresses in text become links (``make_clickable``).

    Text already inside ``<a>``, ``<pre>``, ``<code>`` or a tag is left alone.
    """
    if "://" not in text and "www." not in text and "@" not in text:
        return text
    if "<" not in text:
        return _clickable_text(text)  # one text part, outside any element
    out: list[str] = []
    skip = 0
    for part in wp_html_split(text):
        if part.startswith("<"):
            m = _SKIP_TAG.match(part)
            if m:
                skip = max(0, skip - 1) if m.group(1) else skip + 1
            out.append(part)
        elif skip or not part:
            out.append(part)
        else:
            out.append(_clickable_text(part))
    return "".join(out)


def comment_to_markdown(content: str, ctx: TransformContext) -> str:
    """Comment text as WordPress shows it (``make_clickable``, ``wpautop``) in Markdown.

    ``wptexturize`` and ``convert_smilies`` are left out on purpose: they
    change characters (curly quotes, images for ``:-)``) rather than structure.
    """
    if not content:
        return ""
    return html_to_markdown(comment_html(content, ctx), ctx)


def comment_html(content: str, ctx: TransformContext) -> str:
    """Comment text as the HTML WordPress shows (``make_clickable``, ``wpautop``, URLs rewritten).

    What :func:`comment_to_markdown` converts; a writer that wants both forms
    computes this once and converts it with ``html_to_markdown``.
    """
    if not content:
        return ""
    return rewrite_urls(wpautop(make_clickable(content)), ctx)


# ------------------------------------------------------------ excerpts

_MORE = re.compile(r"<!--more(.*?)?-->", re.S)


def excerpt_of(post_content: str) -> tuple[str, bool]:
    """(text before ``<!--more-->``, whether the post has one), as ``get_extended``."""
    m = _MORE.search(post_content or "")
    if m is None:
        return post_content or "", False
    return post_content[: m.start()].rstrip(), True
