"""Clean HTML to CommonMark/GFM Markdown, never losing what has no Markdown form.

The conversion itself is done by ``html-to-markdown`` (a Rust library; see
docs/content-pipeline.md for why). Around it, an lxml pass decides what
Markdown cannot say: such elements (iframes, audio/video, figures with a
caption, tables with spans or block content, forms, scripts ...) are swapped
for placeholder paragraphs before the conversion and put back afterwards as
raw HTML blocks on their own lines, with blank lines around, so every
CommonMark renderer passes them through. Each kind is reported once per item
as ``html-passthrough``.

Nesting deeper than :data:`MAX_DEPTH` elements is flattened before the
conversion (the deepest wrappers are unwrapped, their text and inline content
kept) and reported as ``html-nesting-flattened``: libxml2's HTML parser stops
at 2,048 nested elements (255 without ``huge_tree``) and html-to-markdown drops
lists nested about 1,000 deep, each silently.

Embeds made by the block renderer (``<figure class="wp-block-embed"
data-provider=… data-url=…>``) go through an ``embed`` hook so a writer can
emit its own form (a Hugo ``{{< youtube >}}``); by default they become the
URL as an autolink in its own paragraph, which is how WordPress itself stores
an oEmbed. Either way the caption follows as a paragraph.
"""

from __future__ import annotations

import re
import secrets
from html import escape as _escape
from html.parser import HTMLParser
from typing import Callable, Optional

import html_to_markdown as _h2m
import lxml.html
from lxml import etree

from migrate.transforms.context import TransformContext

__all__ = ["html_to_markdown", "EmbedHook", "PASSTHROUGH_TAGS"]

#: (provider slug, url, caption as plain text) -> Markdown, or None for the default.
EmbedHook = Callable[[str, str, str], Optional[str]]

#: Elements with no Markdown form, always kept as raw HTML.
PASSTHROUGH_TAGS = frozenset(
    "iframe video audio object embed canvas svg math form input select textarea button "
    "script style noscript details dialog map picture".split()
)
#: Inline elements Markdown has no syntax for, kept as inline HTML.
_INLINE_KEEP = frozenset("sup sub q mark kbd ins u abbr small".split())
_IN_CODE = frozenset({"pre", "code"})
_INLINE_FORMAT = frozenset("strong b em i del s strike".split())
_TABLE_BLOCKS = frozenset("table ul ol pre blockquote div h1 h2 h3 h4 h5 h6 figure dl hr".split())
_RAW_BLANK = re.compile(r"\n[ \t]*(?=\n)")

#: Elements nested deeper than this are unwrapped (text and inline content kept).
MAX_DEPTH = 200
#: Unwrapping starts at this depth, so short inline subtrees below it (a link
#: around an image) stay whole.
_FLATTEN_FROM = MAX_DEPTH - 20
#: A parsed tree this deep may have been cut by libxml2 (2,048 with huge_tree):
#: the source is then capped before parsing.
_PARSER_DEPTH = 1900
#: Elements whose unwrapping must leave a word break behind.
_BLOCK = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul caption".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: A start tag that closes an open element of these names at the top (HTML's implied end tags).
_CLOSES = {"li": ("li",), "p": ("p",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "tr": ("tr",),
           "td": ("td", "th"), "th": ("td", "th"), "option": ("option",)}
_PARSER = lxml.html.HTMLParser(huge_tree=True)

_OPTIONS = _h2m.ConversionOptions(
    heading_style="atx",
    bullets="-",
    strong_em_symbol="*",
    escape_asterisks=True,
    escape_underscores=True,
    escape_misc=True,
    newline_style="backslash",
    code_block_style="backticks",
    autolinks=True,
    extract_metadata=False,
    hidden_content="all",
    include_blockquote_citations=False,
    expand_abbreviations=False,
)


def _make_converter() -> Callable[[str], str]:
    """The converter with its options translated once, not on every call.

    ``html_to_markdown.convert`` rebuilds the native options object from the
    Python one on each call (half a millisecond, as long as converting a
    typical post); the translation is reused when the package exposes it.
    """
    try:
        from html_to_markdown import api as _api

        native = _api._to_rust_conversion_options(_OPTIONS)
        rust_convert = _api._rust.convert
        rust_convert(html="<p>x</p>", options=native, visitor=None)
    except Exception:  # another release of the package: the public call
        return lambda html: _h2m.convert(html, _OPTIONS).content
    return lambda html: rust_convert(html=html, options=native, visitor=None).content


_convert = _make_converter()


class _Passthrough:
    """Placeholders and what they stand for, for one conversion."""

    def __init__(self, html: str) -> None:
        nonce = secrets.token_hex(4)
        while nonce in html:
            nonce = secrets.token_hex(4)
        self.prefix = f"WPMRAW{nonce}X"
        self.blocks: dict[str, str] = {}
        self.inline: dict[str, str] = {}
        self.kinds: dict[str, int] = {}

    def token(self, raw: str, block: bool, kind: Optional[str]) -> str:
        key = f"{self.prefix}{len(self.blocks) + len(self.inline)}Y"
        (self.blocks if block else self.inline)[key] = raw
        if kind:
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return key


def _serialize(el: etree._Element) -> str:
    raw = lxml.html.tostring(el, encoding="unicode", with_tail=False, method="html")
    # a blank line would end a CommonMark HTML block early: hide it in an entity
    return _RAW_BLANK.sub("\n&#10;", raw).strip()


def _replace(el: etree._Element, new: etree._Element) -> None:
    new.tail = el.tail
    el.getparent().replace(el, new)


def _placeholder(tag: str, text: str) -> etree._Element:
    p = etree.Element(tag)
    p.text = text
    return p


def _is_block_context(el: etree._Element, root: etree._Element) -> bool:
    """Can ``el`` stand as a block of its own (not inside running text)?"""
    parent = el.getparent()
    if parent is None:
        return False
    if parent.tag in ("p", "span", "a", "strong", "em", "b", "i", "h1", "h2", "h3", "h4", "h5", "h6"):
        return False
    if (parent.text or "").strip() or (el.tail or "").strip():
        return False
    return True


def _complex_table(table: etree._Element) -> bool:
    if table.find(".//caption") is not None:
        return True
    for cell in table.iter("td", "th"):
        if cell.get("colspan", "1").strip() not in ("", "1") or cell.get("rowspan", "1").strip() not in ("", "1"):
            return True
        for sub in cell.iter():
            if sub is not cell and sub.tag in _TABLE_BLOCKS:
                return True
        if len(cell.findall("p")) > 1:
            return True
    return False


def _hoist(el: etree._Element) -> None:
    """Move a block element out of the ``<p>`` holding it, splitting the paragraph.

    An HTML parser closes ``<p>`` at a ``<figure>``/``<table>`` start tag, and
    in Markdown such a tag at a line start ends the paragraph anyway; doing
    it here keeps the text before and after as paragraphs of their own.
    """
    p = el.getparent()
    if p is None or p.tag != "p" or p.getparent() is None:
        return
    rest = etree.Element("p")
    rest.text = el.tail
    el.tail = None
    for sib in list(el.itersiblings()):
        rest.append(sib)
    rest.tail = p.tail
    p.tail = None
    p.remove(el)
    while len(p) and p[-1].tag == "br" and not (p[-1].tail or "").strip():
        p.remove(p[-1])
    if len(rest) and rest[0].tag == "br" and not (rest.text or "").strip():
        rest.text = rest[0].tail
        rest.remove(rest[0])
    p.addnext(el)
    if (rest.text or "").strip() or len(rest):
        el.addnext(rest)
    else:
        el.tail = rest.tail
    if not (p.text or "").strip() and not len(p):
        _drop_keep_tail(p)


def _split_more(comment: etree._Element, root: etree._Element, keep: _Passthrough) -> None:
    """``<!--more-->``/``<!--nextpage-->`` as a line of its own."""
    text = "<!--more-->" if comment.text.strip().startswith("more") else "<!--nextpage-->"
    marker = _placeholder("p", keep.token(text, True, None))
    _replace(comment, marker)
    _hoist(marker)
    if marker.getparent() is not root and not _is_block_context(marker, root):
        keep.inline[marker.text] = keep.blocks.pop(marker.text)  # inside running text
        marker.tag = "span"


#: Raw elements that end a Markdown paragraph when they start a line.
_HOIST = frozenset("figure table form details dialog iframe script style textarea".split())


def _styled_image(el: etree._Element) -> bool:
    """Whether ``el``'s style shows an image (``url(…)``), which Markdown would drop."""
    style = el.get("style")
    return style is not None and "url(" in style.lower().replace(" ", "")


def _prepare(root: etree._Element, keep: _Passthrough, embed: Optional[EmbedHook]) -> None:
    """Swap everything Markdown cannot hold for placeholders."""
    for pre in list(root.iter("pre")):
        _flatten_pre(pre)
    todo: list[etree._Element] = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            todo.append(el)
            continue
        if tag == "caption" and next(el.iterancestors("table"), None) is None:
            el.tag = "p"  # a stray [caption] leftover: its text is a paragraph
        elif tag == "a" and not len(el) and not (el.text or "").strip():
            todo.append(el)
        if (tag in PASSTHROUGH_TAGS or tag in ("figure", "table") or tag in _INLINE_FORMAT
                or tag in _INLINE_KEEP or _styled_image(el)):
            todo.append(el)
    gone: set[etree._Element] = set()
    for el in todo:
        if gone and any(a in gone for a in el.iterancestors()):
            continue
        tag = el.tag
        if not isinstance(tag, str):
            if tag is etree.Comment and el.getparent() is not None:
                body = (el.text or "").strip()
                if body.startswith("more") or body == "nextpage":
                    _split_more(el, root, keep)
                else:
                    _drop_keep_tail(el)
            continue
        if next(el.iterancestors(*_IN_CODE), None) is not None:
            continue
        if _styled_image(el):
            # a background image in the style: the element is kept whole, as HTML
            block = _is_block_context(el, root)
            tok = keep.token(_serialize(el), block, f'{tag} style="…url(…)…"')
            _replace(el, _placeholder("p" if block else "span", tok))
            gone.add(el)
            continue
        if tag in _INLINE_FORMAT:
            if not (el.text_content() or "").strip():
                el.drop_tag()  # emphasis of nothing (or of an image only) says nothing
            elif not _flanks(el):
                _replace(el, _placeholder("span", keep.token(_serialize(el), False, None)))
                gone.add(el)
            continue
        if tag in _INLINE_KEEP or tag == "a":
            _replace(el, _placeholder("span", keep.token(_serialize(el), False, None)))
            gone.add(el)
            continue
        if tag == "figure":
            if el.get("data-url") is not None and "wp-block-embed" in (el.get("class") or ""):
                _embed(el, keep, embed)
                gone.add(el)
                continue
            if el.find(".//figcaption") is None:
                el.drop_tag()
                continue
        elif tag == "table" and not _complex_table(el):
            continue
        if tag in _HOIST:
            _hoist(el)
        block = _is_block_context(el, root)
        tok = keep.token(_serialize(el), block, tag)
        _replace(el, _placeholder("p" if block else "span", tok))
        gone.add(el)


def _flatten_pre(pre: etree._Element) -> None:
    """A fenced block holds text only: drop markup inside ``<pre>``, keep its text."""
    target = pre
    if len(pre) == 1 and pre[0].tag == "code" and not (pre.text or "").strip() \
            and not (pre[0].tail or "").strip():
        target = pre[0]
    if not len(target):
        return
    # itertext keeps document order including tails; br become newlines
    text = "".join(
        "\n" if isinstance(t, etree._Element) else t
        for t in _pre_text(target)
    )
    for child in list(target):
        target.remove(child)
    target.text = text


def _pre_text(el: etree._Element):
    """Text and ``<br>`` of an element, in order, without recursion."""
    stack: list[tuple[etree._Element, bool]] = [(el, True)]
    while stack:
        node, entering = stack.pop()
        if entering:
            if node is not el and node.tag == "br":
                yield node
            elif isinstance(node.tag, str) and node.text:
                yield node.text
            stack.append((node, False))
            if isinstance(node.tag, str):
                stack.extend((c, True) for c in reversed(list(node)))
        elif node is not el and node.tail:
            yield node.tail


def _last_char(el: etree._Element) -> str:
    """The last character an element's Markdown ends with (roughly)."""
    if len(el):
        last = el[-1]
        if (last.tail or "").strip():
            return last.tail.rstrip()[-1]
        return ")" if last.tag in ("a", "img") else _last_char(last) if len(last) < 50 else ")"
    text = (el.text or "").rstrip()
    return text[-1] if text else ""


def _first_char(el: etree._Element) -> str:
    text = (el.text or "").lstrip()
    if text:
        return text[0]
    if len(el):
        return "[" if el[0].tag in ("a", "img") else "*"
    return ""


def _flanks(el: etree._Element) -> bool:
    """Can ``**…**``/``*…*`` open and close here under CommonMark's flanking rules?

    A closer preceded by punctuation must be followed by space or punctuation,
    an opener followed by punctuation must be preceded by one; otherwise the
    asterisks print literally (``**Name:**Text``).
    """
    last = _last_char(el)
    tail = el.tail or ""
    after = tail[:1]
    if last and not last.isalnum() and not last.isspace() and after and after.isalnum():
        return False
    first = _first_char(el)
    prev = el.getprevious()
    before_text = (prev.tail if prev is not None else el.getparent().text) or ""
    before = before_text[-1:]
    if first and not first.isalnum() and not first.isspace() and before and before.isalnum():
        return False
    return True


def _drop_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _embed(fig: etree._Element, keep: _Passthrough, hook: Optional[EmbedHook]) -> None:
    url = fig.get("data-url") or ""
    provider = fig.get("data-provider") or ""
    cap_el = fig.find(".//figcaption")
    caption = " ".join(cap_el.itertext()).strip() if cap_el is not None else ""
    custom = hook(provider, url, caption) if hook is not None else None
    if custom is not None:
        link = _placeholder("p", keep.token(custom, True, None))
    else:
        link = etree.Element("p")
        a = etree.SubElement(link, "a", href=url)
        a.text = url
    _replace(fig, link)
    if cap_el is not None and caption:
        cap = etree.Element("p")
        cap.text = cap_el.text
        for child in list(cap_el):
            cap.append(child)
        cap.tail = link.tail
        link.tail = None
        link.addnext(cap)


def _restore(md: str, keep: _Passthrough) -> str:
    if not keep.blocks and not keep.inline:
        return md
    out: list[str] = []
    prefix = keep.prefix
    for line in md.split("\n"):
        if prefix not in line:
            out.append(line)
            continue
        stripped = line.strip()
        if stripped.lstrip(">-*+0123456789. ") in keep.blocks:
            key = stripped.lstrip(">-*+0123456789. ")
            lead = line[: line.index(key)]
            cont = re.sub(r"[^>\s]", " ", lead)
            raw = keep.blocks[key].split("\n")
            if out and out[-1].strip(" >"):
                out.append(cont.rstrip())
            out.append(lead + raw[0])
            out.extend(cont + r if r else cont.rstrip() for r in raw[1:])
            out.append(cont.rstrip())
            continue
        for key, raw in {**keep.blocks, **keep.inline}.items():
            if key in line:
                line = line.replace(key, raw.replace("\n", " "))
        out.append(line)
    return "\n".join(out)


_BLANKS = re.compile(r"\n{3,}")

#: What only the lxml pass can handle: any element :func:`_prepare` acts on,
#: comments and other markup declarations, and HTML that may be too deeply
#: nested. Without any of these the HTML goes to the converter as it is.
_NEEDS_TREE = re.compile(
    r"<\s*(?:[!?]|/?\s*(?:" + "|".join(sorted(
        PASSTHROUGH_TAGS | _INLINE_KEEP | _INLINE_FORMAT | {"pre", "caption", "figure", "table", "a"},
        key=lambda t: (-len(t), t))) + r")(?![\w-]))",
    re.I,
)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: A ``style`` attribute with a ``url(…)``: a background image Markdown cannot hold.
_STYLE_URL = re.compile(r"""\sstyle\s*=\s*(?:"[^"]*?|'[^']*?)\burl\s*\(""", re.I)


def html_to_markdown(html: str, ctx: TransformContext, *, embed: Optional[EmbedHook] = None) -> str:
    """Convert clean HTML to CommonMark/GFM, raw HTML where Markdown has no form."""
    if not html or not html.strip():
        return ""
    if _CONTROL.search(html) is not None:
        # invisible, forbidden in HTML and XML, and refused by lxml inside elements
        n = len(_CONTROL.findall(html))
        html = _CONTROL.sub("", html)
        ctx.finding("control-characters-removed", "notice",
                    f"{n} control character(s) (U+0000-U+001F other than tab and line breaks) were removed")
    tree = html.count("<") > _FLATTEN_FROM or (
        _NEEDS_TREE.search(html) is not None and not _inline_only(html)) or (
        "style" in html and _STYLE_URL.search(html) is not None)
    return _markdown(html, ctx, embed, tree)


def _markdown(html: str, ctx: TransformContext, embed: Optional[EmbedHook], tree: bool) -> str:
    """The conversion, through the lxml pass when ``tree`` (the general path) or not.

    Both give the same Markdown for what :func:`html_to_markdown` sends
    without the tree; the tests compare them.
    """
    keep: Optional[_Passthrough] = None
    if tree:
        root = parse_fragment(html, ctx)
        if root is not None:
            keep = _Passthrough(html)
            _prepare(root, keep, embed)
            html = _inner_html(root)
    nbsp = "\ue000" if "\ue000" not in html else None
    if nbsp:
        html = html.replace("\u00a0", nbsp).replace("&nbsp;", nbsp)
    md = _convert(html)
    if nbsp:
        md = md.replace(nbsp, "\u00a0")
    if keep is not None:
        md = _restore(md, keep)
        for kind, n in sorted(keep.kinds.items()):
            ctx.finding("html-passthrough", "notice",
                        f"<{kind}> has no Markdown form; kept as raw HTML ({n}x)")
    if "\n\n\n" in md:
        md = _BLANKS.sub("\n\n", md)
    return md.strip() + "\n"


# ------------------------------------------------------------ inline-only HTML
# Comments after make_clickable and wpautop are paragraphs of text with links
# and emphasis. The lxml pass leaves such HTML as it was (it only acts on empty
# links, empty emphasis and emphasis CommonMark would not see as such), so it
# is skipped when the HTML is provably of that shape.

#: A URL libxml2 serializes unchanged (it percent-encodes spaces and non-ASCII).
_URI = r"[A-Za-z0-9\-_.!~*'()@/:=?;#%,+]*"
_INLINE_TOKEN = re.compile(
    r"<(?:(p)>|(/p)>|(br) ?/?>"
    r"|(strong|em|b|i|del|s|strike)>([^<&]*)</\4>"
    r"|a href=\"" + _URI + r"\"(?: rel=\"[\w -]*\")?>([^<&]*)</a>)"
)
#: Characters the lxml parse may change or drop (and so the conversion's input).
_PARSE_SENSITIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: A text ending in what may be a character reference: its last character is unknown.
_ENDS_IN_REF = re.compile(r"&[#0-9A-Za-z]*;?")


def _inline_only(html: str) -> bool:
    """Is ``html`` paragraphs of text, ``<br>``, links and emphasis that the lxml
    pass would leave exactly as they are?

    Paragraphs must not nest and nothing but blank space may sit between them;
    a link must have text; emphasis must hold text only, not be blank and pass
    :func:`_flanks`, judged on the neighbouring characters. Anything else
    (entities next to emphasis, markup inside it, other tags) answers False.
    """
    if _PARSE_SENSITIVE.search(html) is not None:
        return False
    n = len(html)
    in_p = False
    pos = 0  # end of the last token
    while True:
        lt = html.find("<", pos)
        between = html[pos:] if lt < 0 else html[pos:lt]
        if not in_p and between.strip(" \t\n"):
            return False
        if lt < 0:
            return not in_p
        m = _INLINE_TOKEN.match(html, lt)
        if m is None:
            return False
        if m.group(1):
            if in_p:
                return False
            in_p = True
        elif m.group(2):
            if not in_p:
                return False
            in_p = False
        elif not in_p:
            return False
        elif m.group(4):
            text = m.group(5)
            if not text.strip():
                return False
            end = m.end()
            last = text.rstrip()[-1]
            if not last.isalnum() and not last.isspace() and end < n:
                after = html[end]
                if after == "&" or after.isalnum():
                    return False
            first = text.lstrip()[0]
            if not first.isalnum() and not first.isspace() and lt > pos:
                before = html[lt - 1]
                amp = html.rfind("&", pos, lt)
                if amp >= 0 and _ENDS_IN_REF.fullmatch(html, amp, lt) is not None:
                    return False
                if before.isalnum():
                    return False
        elif m.group(6) is not None and not m.group(6).strip():
            return False
        pos = m.end()


def _inner_html(root: etree._Element) -> str:
    """The fragment's HTML: the wrapper ``<div>`` serialized, less its own tags.

    One serialization instead of one per child; the wrapper has no
    attributes, so its tags are exactly ``<div>`` and ``</div>``.
    """
    if root.tag == "div" and not root.attrib:
        whole = lxml.html.tostring(root, encoding="unicode", method="html")
        if whole.startswith("<div>") and whole.endswith("</div>"):
            return whole[5:-6]
    return _inner_html_by_child(root)


def _inner_html_by_child(root: etree._Element) -> str:
    parts = [lxml.html.tostring(c, encoding="unicode", method="html") for c in root]
    return _escape(root.text or "", quote=False) + "".join(parts)


# ------------------------------------------------------------ deep nesting

def parse_fragment(html: str, ctx: Optional[TransformContext] = None) -> Optional[etree._Element]:
    """The fragment as a tree no deeper than :data:`MAX_DEPTH`, all its text kept.

    libxml2 stops at 2,048 nested elements and drops the rest; deeper
    wrappers are removed first, reported through ``ctx`` when one is given.
    None when the fragment cannot be parsed at all.
    """
    capped = 0
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=_PARSER)
        if html.count("<") > _PARSER_DEPTH and _max_depth(root) >= _PARSER_DEPTH:
            # libxml2 may have dropped what was deeper: cap the source and parse again
            capper = _DepthCapper(MAX_DEPTH)
            capper.feed(html)
            capper.close()
            capped = capper.dropped
            root = lxml.html.fragment_fromstring("".join(capper.out), create_parent="div", parser=_PARSER)
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on some fragments ("<html><!-- c -->")
        return None
    deepest, unwrapped = 0, 0
    if html.count("<") > _FLATTEN_FROM:
        deepest = _max_depth(root)
        if deepest > MAX_DEPTH:
            unwrapped = _flatten(root)
    if (capped or unwrapped) and ctx is not None:
        ctx.finding("html-nesting-flattened", "notice",
                    f"HTML nested {'more than ' + str(_PARSER_DEPTH) if capped else deepest} elements deep: "
                    f"{capped + unwrapped} wrappers beyond depth {_FLATTEN_FROM} were removed, "
                    "their text and inline content kept")
    return root


def _max_depth(root: etree._Element) -> int:
    depth = deepest = 0
    for event, _el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def _flatten(root: etree._Element) -> int:
    """Unwrap the elements that would end deeper than :data:`MAX_DEPTH`; how many.

    An element at depth :data:`_FLATTEN_FROM` or more is unwrapped when its
    subtree would reach beyond :data:`MAX_DEPTH`; an unwrapped element adds no
    depth, so what is below it moves up, and a subtree that fits is kept whole.
    Linear time: one pass for heights, one to decide, one to rebuild each
    flattened region.
    """
    height: dict[etree._Element, int] = {}
    for _event, el in etree.iterwalk(root, events=("end",)):
        h = 0
        for child in el:
            ch = height.get(child, 0)
            if ch > h:
                h = ch
        height[el] = h + 1
    unwrap: set[etree._Element] = set()
    tops: list[etree._Element] = []
    stack: list[tuple[etree._Element, int, bool]] = [(root, 1, False)]
    while stack:
        el, depth, inside = stack.pop()
        if depth + height[el] - 1 <= MAX_DEPTH:
            continue  # fits whole
        if depth >= _FLATTEN_FROM:
            unwrap.add(el)
            if not inside:
                tops.append(el)
            stack.extend((c, depth, True) for c in el if isinstance(c.tag, str))
        else:
            stack.extend((c, depth + 1, False) for c in el if isinstance(c.tag, str))
    for top in tops:
        _unwrap_region(top, unwrap)
    return len(unwrap)


def _unwrap_region(top: etree._Element, unwrap: set) -> None:
    """Replace ``top`` and the unwrapped elements below it by their content, in order."""
    pieces: list = []  # strings and kept elements (tails detached), in document order
    stack: list[tuple[etree._Element, bool]] = [(top, True)]
    while stack:
        el, entering = stack.pop()
        block = el.tag in _BLOCK
        if entering:
            if block:
                pieces.append(" ")
            pieces.append(el.text or "")
            stack.append((el, False))
            for child in reversed(list(el)):
                if child in unwrap:
                    stack.append((child, True))
                else:
                    stack.append((child, None))  # type: ignore[arg-type]
        elif entering is None:
            tail, el.tail = el.tail, None
            pieces.append(el)
            pieces.append(tail or "")
        else:
            if block:
                pieces.append(" ")
            if el is not top:
                pieces.append(el.tail or "")
    # rebuild ``top`` as its leading text and the kept elements, then drop its tag
    old = list(top)
    kept_ids = set()
    text: list[str] = []
    last: Optional[etree._Element] = None
    lead = ""
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece)
            continue
        joined = "".join(text)
        text = []
        if last is None:
            lead = joined
        else:
            last.tail = joined or None
        top.append(piece)
        kept_ids.add(id(piece))
        last = piece
    joined = "".join(text)
    if last is None:
        lead = joined
    else:
        last.tail = joined or None
    for child in old:
        if id(child) not in kept_ids:
            top.remove(child)
    top.text = lead or None
    top.drop_tag()


class _DepthCapper(HTMLParser):
    """Re-emit HTML without the start and end tags nested deeper than ``limit``.

    Only for sources nested deeper than libxml2 parses: the open elements are
    tracked with HTML's common implied end tags (``li``, ``p``, ``td`` …); a
    dropped block element leaves a space so words stay apart.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, emitted)
        self.open: dict[str, int] = {}
        self.kept = 0
        self.dropped = 0

    def _pop(self) -> tuple[str, bool]:
        tag, emitted = self.stack.pop()
        self.open[tag] -= 1
        if emitted:
            self.kept -= 1
        return tag, emitted

    def handle_starttag(self, tag: str, attrs) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in _VOID:
            self.out.append(raw)
            return
        closes = _CLOSES.get(tag)
        if closes and self.stack and self.stack[-1][0] in closes:
            _t, emitted = self._pop()
            if not emitted and _t in _BLOCK:
                self.out.append(" ")
        emit = self.kept < self.limit or tag in self.CDATA_CONTENT_ELEMENTS  # their text is raw
        self.stack.append((tag, emit))
        self.open[tag] = self.open.get(tag, 0) + 1
        if emit:
            self.kept += 1
            self.out.append(raw)
        else:
            self.dropped += 1
            if tag in _BLOCK:
                self.out.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open.get(tag):
            return  # a stray end tag: the HTML parser ignores it too
        while self.stack:
            t, emitted = self._pop()
            if emitted:
                self.out.append(f"</{t}>")
            elif t in _BLOCK:
                self.out.append(" ")
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.cdata_elem else _escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
