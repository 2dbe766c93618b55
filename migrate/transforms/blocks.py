"""Gutenberg block markup: parse it the way WordPress does, render it to HTML.

The parser is a port of WordPress's default block parser
(``WP_Block_Parser`` / ``@wordpress/block-serialization-default-parser``):
the same delimiter grammar, the same recovery from stray closers (the rest of
the document becomes freeform HTML) and from missing closers (open blocks are
closed implicitly and nested, as the JavaScript parser does since Gutenberg
24.1, so no text is repeated). It uses an explicit stack, so depth costs
nothing, and a tokenizer that never rescans text, so time is linear.

The renderer turns a block tree into plain HTML that the Markdown step can
read: static blocks keep the HTML WordPress saved for them, wrappers that only
carry layout are unwrapped, embeds become a marker figure, dynamic blocks
(rendered by PHP on each page view) are dropped with a finding.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from migrate.transforms.context import TransformContext

__all__ = [
    "Block", "parse_blocks", "serialize_blocks", "render_blocks", "strip_block_delimiters",
    "DYNAMIC_BLOCKS", "HANDLED_BLOCKS",
]


@dataclass
class Block:
    """One parsed block; ``name`` is None for freeform HTML between blocks.

    ``inner_content`` interleaves HTML strings with ``None`` placeholders, one
    per inner block, in document order (WordPress's ``innerContent``).
    """

    name: Optional[str]
    attrs: dict = field(default_factory=dict)
    inner_blocks: list["Block"] = field(default_factory=list)
    inner_html: str = ""
    inner_content: list[Optional[str]] = field(default_factory=list)


# ---------------------------------------------------------------- tokenizer

# Everything of a delimiter up to the optional attributes, anchored at "<!--".
# Each part is a simple class run, so a failed match costs only the run it read.
_HEAD = re.compile(r"<!--\s+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)\s+")
_TAIL = re.compile(r"(/)?-->")
_ATTRS_END = re.compile(r"\}\s+(/)?-->")
_ANY_DELIMITER = re.compile(r"<!--(\s+/?wp:)")

_OPENER, _CLOSER, _VOID = 1, 2, 3


@dataclass(slots=True)
class _Token:
    kind: int
    name: str
    attrs: dict
    start: int
    length: int


class _Tokenizer:
    """Finds block delimiters left to right, as WordPress's one big regex does.

    The attribute JSON runs from ``{`` to the first ``}`` followed by
    whitespace and ``-->`` (or ``/-->``). That end is searched once and cached
    while later searches start before it, so a document full of broken
    openers stays linear instead of rescanning to the end for each one.
    """

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self._attrs_end: Optional[re.Match] = None
        self._attrs_from = -1
        self._attrs_none = False

    def _find_attrs_end(self, pos: int) -> Optional[re.Match]:
        if self._attrs_none:
            return None
        m = self._attrs_end
        if m is not None and self._attrs_from <= pos <= m.start():
            return m
        m = _ATTRS_END.search(self.doc, pos)
        self._attrs_end, self._attrs_from = m, pos
        if m is None:
            self._attrs_none = True
        return m

    def next(self, pos: int) -> Optional[_Token]:
        doc = self.doc
        while True:
            start = doc.find("<!--", pos)
            if start < 0:
                return None
            head = _HEAD.match(doc, start)
            if head is None:
                pos = start + 4
                continue
            is_closer = head.group(1) is not None
            name = (head.group(2) or "core/") + head.group(3)
            at = head.end()
            attrs: dict = {}
            if doc.startswith("{", at):
                end = self._find_attrs_end(at + 1)
                if end is None:
                    pos = start + 4
                    continue
                attrs = _decode_attrs(doc[at:end.start() + 1])
                is_void = end.group(1) is not None
                stop = end.end()
            else:
                tail = _TAIL.match(doc, at)
                if tail is None:
                    pos = start + 4
                    continue
                is_void = tail.group(1) is not None
                stop = tail.end()
            length = stop - start
            if is_void:
                return _Token(_VOID, name, attrs, start, length)
            if is_closer:
                return _Token(_CLOSER, name, {}, start, length)
            return _Token(_OPENER, name, attrs, start, length)


def _decode_attrs(text: str) -> dict:
    """JSON attributes; invalid (or absurdly deep) JSON reads as no attributes."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


# ------------------------------------------------------------------- parser

@dataclass(slots=True)
class _Frame:
    block: Block
    token_start: int
    token_length: int
    prev_offset: int
    leading_html_start: Optional[int]


def _freeform(text: str) -> Block:
    return Block(None, {}, [], text, [text])


def _append_html(block: Block, text: str) -> None:
    if text:
        block.inner_html += text
        block.inner_content.append(text)


def parse_blocks(text: str) -> list[Block]:
    """Parse post content into blocks exactly as WordPress's ``parse_blocks()``."""
    doc = text or ""
    tokens = _Tokenizer(doc)
    output: list[Block] = []
    stack: list[_Frame] = []
    offset = 0

    def add_inner(block: Block, token_start: int, token_length: int, last: Optional[int] = None) -> None:
        parent = stack[-1]
        parent.block.inner_blocks.append(block)
        _append_html(parent.block, doc[parent.prev_offset:token_start])
        parent.block.inner_content.append(None)
        parent.prev_offset = last if last else token_start + token_length

    def add_from_stack(end: Optional[int] = None) -> None:
        top = stack.pop()
        _append_html(top.block, doc[top.prev_offset:end] if end is not None else doc[top.prev_offset:])
        if top.leading_html_start is not None:
            output.append(_freeform(doc[top.leading_html_start:top.token_start]))
        output.append(top.block)

    def add_freeform_rest() -> None:
        if offset < len(doc):
            output.append(_freeform(doc[offset:]))

    while True:
        tok = tokens.next(offset)
        if tok is None:
            if not stack:
                add_freeform_rest()
            elif len(stack) == 1:
                add_from_stack()
            else:
                _close_all(doc, stack, output)
            return output
        leading = offset if tok.start > offset else None
        if tok.kind == _VOID:
            block = Block(tok.name, tok.attrs, [], "", [])
            if not stack:
                if leading is not None:
                    output.append(_freeform(doc[leading:tok.start]))
                output.append(block)
            else:
                add_inner(block, tok.start, tok.length)
            offset = tok.start + tok.length
        elif tok.kind == _OPENER:
            stack.append(_Frame(Block(tok.name, tok.attrs, [], "", []), tok.start, tok.length,
                                tok.start + tok.length, leading))
            offset = tok.start + tok.length
        else:  # closer: WordPress does not check that the names match
            if not stack:
                add_freeform_rest()
                return output
            end = tok.start + tok.length
            if len(stack) == 1:
                add_from_stack(tok.start)
            else:
                top = stack.pop()
                _append_html(top.block, doc[top.prev_offset:tok.start])
                top.prev_offset = end
                add_inner(top.block, top.token_start, top.token_length, end)
            offset = end


def _close_all(doc: str, stack: list[_Frame], output: list[Block]) -> None:
    """Missing closers at the end: nest every open block in its parent."""
    closed: Optional[Block] = None
    until: Optional[int] = None
    leading: Optional[int] = None
    top_start = 0
    while stack:
        top = stack.pop()
        top.block.inner_html += doc[top.prev_offset:until]
        top.block.inner_content.append(doc[top.prev_offset:until])
        if closed is not None:
            top.block.inner_content.append(None)
            top.block.inner_blocks.append(closed)
        until, leading, top_start = top.token_start, top.leading_html_start, top.token_start
        closed = top.block
    if leading is not None and top_start > leading:
        output.append(_freeform(doc[leading:top_start]))
    if closed is not None:
        output.append(closed)


def serialize_blocks(blocks: Iterable[Block]) -> str:
    """Block tree back to markup (``serialize_blocks()``); iterative."""
    out: list[str] = []
    # work items: a Block to open, or a str to emit as is
    work: list[object] = list(reversed(list(blocks)))
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        assert isinstance(item, Block)
        if item.name is None:
            out.append(item.inner_html)
            continue
        name = item.name[5:] if item.name.startswith("core/") else item.name
        attrs = ""
        if item.attrs:
            attrs = json.dumps(item.attrs, ensure_ascii=False, separators=(",", ":"))
            # as serialize_block_attributes(): keep "--" and "<" ">" out of comments
            attrs = (attrs.replace("--", "\\u002d\\u002d").replace("<", "\\u003c")
                     .replace(">", "\\u003e").replace("&", "\\u0026")) + " "
        if not item.inner_content:
            out.append(f"<!-- wp:{name} {attrs}/-->")
            continue
        out.append(f"<!-- wp:{name} {attrs}-->")
        todo: list[object] = []
        inner = iter(item.inner_blocks)
        for chunk in item.inner_content:
            todo.append(chunk if chunk is not None else next(inner))
        todo.append(f"<!-- /wp:{name} -->")
        work.extend(reversed(todo))
    return "".join(out)


def strip_block_delimiters(text: str) -> str:
    """Remove any block delimiter comment left in HTML (stray or unparsed)."""
    if "wp:" not in text:
        return text
    out: list[str] = []
    tokens = _Tokenizer(text)
    pos = 0
    while True:
        tok = tokens.next(pos)
        if tok is None:
            break
        out.append(text[pos:tok.start])
        pos = tok.start + tok.length
    out.append(text[pos:])
    rest = "".join(out)
    if not _ANY_DELIMITER.search(rest):
        return rest
    # a delimiter WordPress's grammar rejects (bad JSON end) is still not content;
    # an unterminated one is text, shown as text rather than opening a comment
    return _ANY_DELIMITER.sub(r"&lt;!--\1", _LOOSE_DELIMITER.sub("", rest))


_LOOSE_DELIMITER = re.compile(r"<!--\s+/?wp:[^>]{0,2000}?-->")


# ----------------------------------------------------------------- renderer

#: Blocks rendered by PHP at view time: their saved markup is not the content.
DYNAMIC_BLOCKS = frozenset(
    "core/" + n for n in (
        "latest-posts latest-comments archives categories search calendar rss tag-cloud "
        "page-list page-list-item navigation navigation-link navigation-submenu home-link "
        "social-link loginout query query-loop query-title query-pagination "
        "query-pagination-next query-pagination-previous query-pagination-numbers "
        "query-no-results post-template post-title post-content post-date post-excerpt "
        "post-featured-image post-author post-author-name post-author-biography "
        "post-terms post-navigation-link post-comments post-comments-form "
        "post-comments-count post-comments-link comments comments-title comment-template "
        "comments-pagination comments-pagination-next comments-pagination-previous "
        "comments-pagination-numbers comment-author-name comment-content comment-date "
        "comment-edit-link comment-reply-link comment-author-avatar site-logo site-title "
        "site-tagline template-part pattern legacy-widget widget-group "
        "avatar read-more term-description"
    ).split()
)

_Renderer = Callable[[Block, list[str], TransformContext], str]


def _join(block: Block, children: list[str]) -> str:
    """The saved HTML with each inner block's rendering in its place."""
    if not block.inner_blocks:
        return block.inner_html
    parts: list[str] = []
    it = iter(children)
    for chunk in block.inner_content:
        parts.append(chunk if chunk is not None else next(it, ""))
    return "".join(parts)


_TAG = re.compile(r"<[^>]*>")
_WS = re.compile(r"\s+")


def _is_markup_only(text: str) -> bool:
    """True when a chunk carries only tags and whitespace (a wrapper)."""
    return not html.unescape(_TAG.sub("", text)).strip()


def _unwrap(block: Block, children: list[str], ctx: TransformContext) -> str:
    """Layout containers: keep the inner blocks, drop the wrapper divs."""
    if not block.inner_blocks:
        return _DIV.sub("", block.inner_html)
    if all(c is None or _is_markup_only(c) for c in block.inner_content):
        return "\n\n".join(children)
    return _DIV.sub("", _join(block, children))


_DIV = re.compile(r"</?div\b[^>]*>", re.I)
_CLASS_ATTR = re.compile(r"""\bclass\s*=\s*("[^"]*"|'[^']*')""", re.I)
_LANG_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([A-Za-z0-9_+#.-]+)")
_CODE_BODY = re.compile(r"<code\b[^>]*>(.*)</code>", re.I | re.S)
_PRE_BODY = re.compile(r"<pre\b[^>]*>(.*)</pre>", re.I | re.S)


def code_language(attrs: dict, saved_html: str) -> str:
    """Language of a code block: the ``language`` attribute, else a class."""
    lang = attrs.get("language") or attrs.get("lang") or ""
    if isinstance(lang, str) and lang.strip():
        return lang.strip()
    for m in _CLASS_ATTR.finditer(saved_html[:2000]):
        found = _LANG_CLASS.search(m.group(1).strip("\"'"))
        if found:
            return found.group(1)
    cls = attrs.get("className")
    if isinstance(cls, str):
        found = _LANG_CLASS.search(cls)
        if found:
            return found.group(1)
    return ""


def _render_code(block: Block, children: list[str], ctx: TransformContext) -> str:
    saved = _join(block, children)
    m = _CODE_BODY.search(saved) or _PRE_BODY.search(saved)
    body = m.group(1) if m else saved
    lang = code_language(block.attrs, saved)
    cls = f' class="language-{html.escape(lang)}"' if lang else ""
    return f"<pre><code{cls}>{body}</code></pre>"


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)
_LINK_OPEN = re.compile(r"<a\b[^>]*>", re.I)
_FIGURE_TAG = re.compile(r"</?figure\b[^>]*>", re.I)


def _render_image(block: Block, children: list[str], ctx: TransformContext) -> str:
    saved = _join(block, children)
    img = _IMG.search(saved)
    if img is None:
        url = block.attrs.get("url")
        if not isinstance(url, str) or not url:
            return ""
        alt = block.attrs.get("alt") or ""
        tag = f'<img src="{html.escape(url)}" alt="{html.escape(str(alt))}">'
    else:
        tag = img.group(0)
    link = _LINK_OPEN.search(saved)
    if link is not None and link.start() < (img.start() if img else len(saved)):
        tag = f"{link.group(0)}{tag}</a>"
    cap = _FIGCAPTION.search(saved)
    if cap and cap.group(1).strip():
        return f"<figure>{tag}<figcaption>{cap.group(1)}</figcaption></figure>"
    return f"<p>{tag}</p>"


def _render_gallery(block: Block, children: list[str], ctx: TransformContext) -> str:
    if block.inner_blocks:
        parts = list(children)
        cap = _FIGCAPTION.findall(block.inner_content[-1] or "") if block.inner_content else []
    else:
        saved = block.inner_html
        items = re.findall(r"<li\b[^>]*>(.*?)</li>", saved, re.I | re.S)
        parts = []
        for item in items:
            inner = Block("core/image", {}, [], item, [item])
            parts.append(_render_image(inner, [], ctx))
        if not parts:
            for aid in block.attrs.get("ids") or ():
                try:
                    info = ctx.attachment(int(aid))
                except (TypeError, ValueError):
                    info = None
                if info is None:
                    ctx.finding("media-missing", "warning",
                                f"gallery attachment {aid} is not in the export")
                    continue
                tag = f'<img src="{html.escape(info.url)}" alt="{html.escape(info.alt)}">'
                parts.append(f"<figure>{tag}<figcaption>{html.escape(info.caption)}</figcaption></figure>"
                             if info.caption else f"<p>{tag}</p>")
        cap = _FIGCAPTION.findall(re.sub(r"<ul\b.*</ul>", "", saved, flags=re.I | re.S))
    out = "\n\n".join(p for p in parts if p)
    if cap and cap[-1].strip():
        out += f"\n\n<p>{cap[-1]}</p>"
    return out


#: Old block names of embeds (core-embed/youtube) and provider slugs.
_URL_IN_HTML = re.compile(r"""https?://[^\s"'<>]+""")


def _render_embed(block: Block, children: list[str], ctx: TransformContext) -> str:
    name = block.name or ""
    provider = block.attrs.get("providerNameSlug") or ""
    if not provider and name.startswith("core-embed/"):
        provider = name.split("/", 1)[1]
    url = block.attrs.get("url") or ""
    saved = _join(block, children)
    if not url:
        m = _URL_IN_HTML.search(_TAG.sub(" ", saved))
        url = m.group(0) if m else ""
    if not url:
        return ""
    cap = _FIGCAPTION.search(saved)
    caption = f"<figcaption>{cap.group(1)}</figcaption>" if cap and cap.group(1).strip() else ""
    u = html.escape(str(url))
    p = html.escape(str(provider).lower())
    return (f'<figure class="wp-block-embed" data-provider="{p}" data-url="{u}">'
            f'<p><a href="{u}">{u}</a></p>{caption}</figure>')


def _render_media(block: Block, children: list[str], ctx: TransformContext) -> str:
    """Video and audio: keep the saved figure (there is no Markdown form)."""
    saved = _join(block, children).strip()
    if saved:
        return saved
    src = block.attrs.get("src") or ""
    if not src:
        return ""
    tag = "video" if block.name == "core/video" else "audio"
    return f'<{tag} controls src="{html.escape(str(src))}"></{tag}>'


_ANCHOR = re.compile(r"<a\b[^>]*>.*?</a>", re.I | re.S)


def _render_file(block: Block, children: list[str], ctx: TransformContext) -> str:
    saved = _join(block, children)
    links = [a for a in _ANCHOR.findall(saved) if "wp-block-file__button" not in a]
    if not links:
        href = block.attrs.get("href")
        if not href:
            return ""
        links = [f'<a href="{html.escape(str(href))}">{html.escape(str(href))}</a>']
    return "<p>" + " ".join(links) + "</p>"


def _render_button(block: Block, children: list[str], ctx: TransformContext) -> str:
    saved = _join(block, children)
    links = _ANCHOR.findall(saved)
    if links:
        return "<p>" + " ".join(links) + "</p>"
    text = _DIV.sub("", saved).strip()
    return f"<p>{text}</p>" if text else ""


def _render_cover(block: Block, children: list[str], ctx: TransformContext) -> str:
    parts: list[str] = []
    url = block.attrs.get("url")
    saved = _join(block, children)
    if isinstance(url, str) and url:
        if block.attrs.get("backgroundType") == "video":
            parts.append(f'<video controls src="{html.escape(url)}"></video>')
        else:
            alt = html.escape(str(block.attrs.get("alt") or ""))
            parts.append(f'<p><img src="{html.escape(url)}" alt="{alt}"></p>')
    if block.inner_blocks:
        parts.extend(children)
    else:  # covers saved before WordPress 5.3 hold their text directly
        body = _IMG.sub("", _DIV.sub("", saved))
        body = re.sub(r"</?span\b[^>]*>", "", body, flags=re.I)
        body = re.sub(r"<video\b.*?</video>", "", body, flags=re.I | re.S)
        if body.strip():
            parts.append(body.strip())
    return "\n\n".join(p for p in parts if p)


def _render_media_text(block: Block, children: list[str], ctx: TransformContext) -> str:
    saved = block.inner_content[0] if block.inner_content else block.inner_html
    parts: list[str] = []
    img = _IMG.search(saved or "")
    if img:
        parts.append(f"<p>{img.group(0)}</p>")
    else:
        url = block.attrs.get("mediaUrl")
        if isinstance(url, str) and url:
            if block.attrs.get("mediaType") == "video":
                parts.append(f'<video controls src="{html.escape(url)}"></video>')
            else:
                parts.append(f'<p><img src="{html.escape(url)}" alt=""></p>')
    parts.extend(children)
    return "\n\n".join(p for p in parts if p)


def _render_more(block: Block, children: list[str], ctx: TransformContext) -> str:
    return "<!--more-->"


def _render_nextpage(block: Block, children: list[str], ctx: TransformContext) -> str:
    return "<!--nextpage-->"


def _render_nothing(block: Block, children: list[str], ctx: TransformContext) -> str:
    return ""


def _render_separator(block: Block, children: list[str], ctx: TransformContext) -> str:
    return "<hr>"


def _render_saved(block: Block, children: list[str], ctx: TransformContext) -> str:
    return _join(block, children)


def _render_pullquote(block: Block, children: list[str], ctx: TransformContext) -> str:
    return _FIGURE_TAG.sub("", _join(block, children))


def _render_missing(block: Block, children: list[str], ctx: TransformContext) -> str:
    original = block.attrs.get("originalContent")
    return original if isinstance(original, str) else _join(block, children)


#: Reusable blocks inside reusable blocks, at most this deep (WordPress stops at a repeat only).
MAX_REUSABLE_DEPTH = 16


def _render_reusable(block: Block, ctx: TransformContext, shortcode: Optional[Callable[[str], str]],
                     freeform: Optional[Callable[[str], str]], inside: frozenset[int]) -> str:
    """A reusable block (synced pattern): the content of the ``wp_block`` item it names.

    WordPress renders it at view time (``render_block_core_block``), so its
    saved markup is empty; the content is another item of the export. A
    block that holds itself, directly or not, is shown once, as WordPress
    does.
    """
    ref = block.attrs.get("ref")
    try:
        ref_id = int(ref)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        ref_id = 0
    content = ctx.reusable(ref_id) if ref_id > 0 else None
    if content is None:
        ctx.finding("block-reusable-missing", "warning",
                    f"reusable block {ref!r} is not in the export (export all content to have it); "
                    "what it showed is lost")
        return ""
    if ref_id in inside:
        ctx.finding("block-reusable-loop", "warning", f"reusable block {ref_id} contains itself; it is shown once")
        return ""
    if len(inside) >= MAX_REUSABLE_DEPTH:
        ctx.finding("block-reusable-loop", "warning",
                    f"reusable blocks are nested more than {MAX_REUSABLE_DEPTH} deep; block {ref_id} was left out")
        return ""
    return render_blocks(parse_blocks(content), ctx, shortcode=shortcode, freeform=freeform,
                         _inside=inside | {ref_id})


def _render_footnotes(block: Block, children: list[str], ctx: TransformContext) -> str:
    """The footnotes list, from the post's ``footnotes`` meta (WordPress 6.3+).

    The block saves nothing: WordPress renders it from that JSON
    (``render_block_core_footnotes``), numbered in order, each with a link
    back to its reference. Each note's anchor is an empty ``<a id>`` rather
    than the ``<li id>`` WordPress writes, so Markdown, which has no ids on
    list items, keeps it.
    """
    try:
        notes = json.loads(ctx.footnotes) if ctx.footnotes else []
    except ValueError:
        notes = None
    if not isinstance(notes, list) or not all(isinstance(n, dict) for n in notes):
        ctx.finding("footnotes-unreadable", "warning",
                    "the post's footnotes meta is not the JSON list WordPress writes; its footnotes are lost")
        return ""
    items = []
    for n, note in enumerate(notes, 1):
        fid = html.escape(str(note.get("id", "")), quote=True)
        items.append(f'<li><a id="{fid}"></a>{note.get("content", "")} '
                     f'<a href="#{fid}-link" aria-label="Jump to footnote reference {n}">\u21a9\ufe0e</a></li>')
    return f'<ol class="wp-block-footnotes">{"".join(items)}</ol>' if items else ""


#: Core blocks this renderer knows; anything else keeps its saved HTML and is reported.
_RENDERERS: dict[str, _Renderer] = {
    **{f"core/{n}": _render_saved for n in (
        "paragraph heading list list-item quote preformatted verse table html freeform "
        "details text-columns subhead social-links footnotes-legacy"
    ).split()},
    "core/pullquote": _render_pullquote,
    "core/code": _render_code,
    "core/image": _render_image,
    "core/gallery": _render_gallery,
    "core/embed": _render_embed,
    "core/video": _render_media,
    "core/audio": _render_media,
    "core/file": _render_file,
    "core/separator": _render_separator,
    "core/spacer": _render_nothing,
    "core/more": _render_more,
    "core/nextpage": _render_nextpage,
    "core/buttons": _unwrap,
    "core/button": _render_button,
    "core/columns": _unwrap,
    "core/column": _unwrap,
    "core/group": _unwrap,
    "core/row": _unwrap,
    "core/stack": _unwrap,
    "core/cover": _render_cover,
    "core/media-text": _render_media_text,
    "core/missing": _render_missing,
    "core/footnotes": _render_footnotes,
}

HANDLED_BLOCKS = frozenset(_RENDERERS)


def _renderer_for(name: str) -> Optional[_Renderer]:
    r = _RENDERERS.get(name)
    if r is None and name.startswith("core-embed/"):
        return _render_embed
    return r


def render_blocks(
    blocks: list[Block],
    ctx: TransformContext,
    *,
    shortcode: Optional[Callable[[str], str]] = None,
    freeform: Optional[Callable[[str], str]] = None,
    _inside: frozenset[int] = frozenset(),
) -> str:
    """Render a block tree to HTML, children first, with an explicit stack.

    ``shortcode`` renders a ``core/shortcode`` block's text (the pipeline
    passes wpautop + shortcode expansion, as WordPress's render callback
    does); ``freeform`` is applied to HTML outside any block (identity by
    default: WordPress does not autop freeform content of a block post).
    Findings: ``block-unhandled`` once per unknown name, ``block-dynamic``
    once per dynamic name; ``block-reusable-missing``/``-loop`` and
    ``footnotes-unreadable`` from the blocks that show other data.
    """
    reported: set[tuple[str, str]] = set()

    def report(code: str, name: str, message: str) -> None:
        if (code, name) not in reported:
            reported.add((code, name))
            ctx.finding(code, "warning" if code == "block-unhandled" else "notice", message)

    out: list[str] = []
    # (block, its children's renderings once they are queued, where it renders to)
    stack: list[tuple[Block, Optional[list[str]], list[str]]] = [
        (b, None, out) for b in reversed(blocks)
    ]
    while stack:
        block, children, sink = stack.pop()
        if children is None and block.inner_blocks:
            mine: list[str] = []
            stack.append((block, mine, sink))
            stack.extend((c, None, mine) for c in reversed(block.inner_blocks))
            continue
        sink.append(_render_one(block, children or [], ctx, report, shortcode, freeform, _inside))
    return strip_block_delimiters("\n\n".join(r for r in out if r.strip()))


def _render_one(
    block: Block,
    children: list[str],
    ctx: TransformContext,
    report: Callable[[str, str, str], None],
    shortcode: Optional[Callable[[str], str]],
    freeform: Optional[Callable[[str], str]],
    inside: frozenset[int] = frozenset(),
) -> str:
    name = block.name
    if name is None or name == "core/freeform":
        text = _join(block, children)
        return freeform(text) if freeform is not None else text
    if name == "core/shortcode":
        text = _join(block, children)
        return shortcode(text) if shortcode is not None else text
    if name == "core/block":
        return _render_reusable(block, ctx, shortcode, freeform, inside)
    if name in DYNAMIC_BLOCKS:
        report("block-dynamic", name,
               f"dynamic block {name} is rendered by WordPress at view time; dropped")
        return ""
    renderer = _renderer_for(name)
    if renderer is None:
        report("block-unhandled", name, f"block {name} has no mapping; its saved HTML is kept")
        return _join(block, children)
    return renderer(block, children, ctx)
