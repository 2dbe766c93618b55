"""Shortcuts in the content pipeline give what the general path gives, byte for byte.

Each shortcut skips work for input of a provable shape; these tests feed
generated text with tags, URLs, newlines, entities and brackets through both
the shortcut and the general path, and compare.
"""

from __future__ import annotations

import re
from typing import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from migrate.errors import Report
from migrate.transforms import html_markdown as hm
from migrate.transforms import pipeline
from migrate.transforms import wpautop
from migrate.transforms.context import TransformContext


def _ctx() -> TransformContext:
    return TransformContext(report=Report())


def _findings(ctx: TransformContext) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in ctx.report]


_COMMON_WORDS = [
    "word", "Zürich", "四川", "🙂", " ", "  ", "\n", ".", ",", "!", "?", ":", "(", ")", "[", "]", "*", "_",
    "`", "#", "-", "x", "A", "é", "&amp;", "& ", "]]>", "\u00a0",
]
_RARE_WORDS = [
    "\n\n", "\t", "+", "1.", "~", ">", "\\", "|", "&", "&nbsp;", "&#65;", "&#8217;", "&copy", "&amp",
    "&bogus;", "\u2028", "http://example.org/a?b=c", "www.example.org", "a@b.org", "\ue000", "\r", "\x0c",
]
_WORDS = st.one_of(st.sampled_from(_COMMON_WORDS), st.sampled_from(_COMMON_WORDS), st.sampled_from(_RARE_WORDS))
_TEXT = st.lists(_WORDS, max_size=8).map("".join)
_HREF = st.sampled_from([
    "http://example.org/", "https://blog.example.org/2009/05/09/post-1645/", "/x?a=1;b=2#frag",
    "mailto:a@b.org", "http://example.org/café", "http://x.org/a b", "", "#", "http://x.org/%41(b)",
    "http://x.org/&amp;", "javascript:alert(1)", "http://x.org/$[1]{2}|^`\\",
])
_INLINE_TAG = st.sampled_from(["strong", "em", "b", "i", "del", "s", "strike"])
_OTHER = st.sampled_from([
    "<code>c</code>", "<span>s</span>", "<img src=\"http://x.org/i.png\" alt=\"\">", "<!-- c -->",
    "<sup>1</sup>", "</p>", "<p>", "<a href=\"x\"></a>", "<strong></strong>", "<em> </em>",
    "<STRONG>u</STRONG>", "<div>d</div>", "<pre>p</pre>", "<", "<a href='x'>y</a>", "<strong>a<em>b</em></strong>",
])


_CLEAN_WORDS = st.sampled_from(["word", "Zürich", "四川", "A", "é", " ", "🙂"] * 4
                               + [w for w in _COMMON_WORDS if "&" not in w] + ["\u2028", ">", "+", "~"])
_CLEAN_TEXT = st.lists(_CLEAN_WORDS, min_size=1, max_size=6).map("".join)
_CLEAN_HREF = st.sampled_from(["http://example.org/", "/x?a=1;b=2#frag", "mailto:a@b.org", "#"])


@st.composite
def _inline(draw: st.DrawFn, clean: bool) -> str:
    """A piece of a paragraph; ``clean`` ones are mostly of the shape the shortcut takes."""
    text = _CLEAN_TEXT if clean else st.one_of(_CLEAN_TEXT, _TEXT)
    kinds = ["text"] * 4 + ["br", "emph", "emph", "link", "link"] + ([] if clean else ["other"])
    kind = draw(st.sampled_from(kinds))
    if kind == "text":
        return draw(text if clean else _TEXT)
    if kind == "br":
        return draw(st.sampled_from(["<br />", "<br>", "<br/>", "<br />\n"]))
    if kind == "emph":
        tag = draw(_INLINE_TAG)
        return f"<{tag}>{draw(text)}</{tag}>"
    if kind == "link":
        rel = draw(st.sampled_from(["", ' rel="nofollow"', ' rel="nofollow ugc"', " title=\"t\""]))
        href = draw(st.one_of(_CLEAN_HREF, _HREF) if clean else _HREF)
        return f'<a href="{href}"{rel}>{draw(text)}</a>'
    return draw(_OTHER)


def _html(clean: bool) -> st.SearchStrategy[str]:
    paragraph = st.lists(_inline(clean), max_size=8).map("".join)
    separator = st.sampled_from(["\n", "\n\n"]) if clean else _SEPARATOR
    paragraphs = st.lists(st.tuples(paragraph, separator), min_size=1, max_size=4).map(
        lambda ps: "".join(f"<p>{p}</p>{sep}" for p, sep in ps))
    if clean:
        return paragraphs
    return st.one_of(paragraphs, st.tuples(separator, paragraph).map(lambda t: f"{t[0]}<p>{t[1]}"), paragraph)


_SEPARATOR = st.sampled_from(["\n", "\n", "\n\n", "", " ", "x", "\u00a0"])
_INLINE_HTML = st.one_of(_html(True), _html(False))


def _outcome(convert: Callable[[str, TransformContext], str], html: str) -> tuple[str, list]:
    """The Markdown and findings, or the error (the general path rejects some control characters)."""
    ctx = _ctx()
    try:
        return convert(html, ctx), _findings(ctx)
    except ValueError as e:
        return f"ValueError: {e}", []


def _both(html: str) -> tuple[tuple[str, list], tuple[str, list]]:
    fast = _outcome(lambda h, ctx: hm._markdown(h, ctx, None, False), html)
    tree = _outcome(lambda h, ctx: hm._markdown(h, ctx, None, True), html)
    return fast, tree


@settings(max_examples=1500, deadline=None)
@given(_INLINE_HTML)
@example("<p>see <a href=\"https://blog.example.org/a/\">this post</a>.</p>\n")
@example("<p>with <strong>City return</strong> and <em>Ticket city</em>.</p>\n")
@example("<p>a<strong>.b</strong></p>")  # opener after a letter
@example("<p><strong>b.</strong>a</p>")  # closer before a letter
@example("<p>&#65;<strong>.b</strong></p>")  # the letter is a character reference
@example("<p><strong>b.</strong>&#65;</p>")
@example("<p>&amp<strong>.b</strong></p>")
@example("<p><a href=\"x\"> </a></p>")
@example("<p><a href=\"x\">\u00a0</a></p>")
@example("<p><strong>\u00a0</strong></p>")
@example("<p>a</p>x<p>b</p>")
@example("<p>a<p>b</p></p>")
@example("<p>a <strong>b</strong>")
def test_inline_only_html_skips_the_tree_without_changing_the_markdown(html: str) -> None:
    if not html.strip() or not hm._inline_only(html):
        return
    fast, tree = _both(html)
    assert fast == tree


def test_inline_only_is_taken_for_the_usual_comment_shape() -> None:
    """What make_clickable and wpautop make of a comment skips the tree (or the shortcut is dead)."""
    paragraphs = "".join(f"<p>{w} <a href=\"http://x.org/\" rel=\"nofollow\">link</a> <strong>b</strong>"
                         f" and <em>c</em>.<br />\nmore</p>\n" for w in ("a", "b"))
    assert hm._inline_only(paragraphs)
    assert not hm._inline_only(paragraphs + "<p><code>x</code></p>")
    assert not hm._inline_only(paragraphs.replace(">link<", "> <"))
    assert not hm._inline_only(paragraphs.replace("<strong>b</strong>", "<strong>b</strong>x<strong>.</strong>y"))
    assert not hm._inline_only(paragraphs.replace("http://x.org/", "http://x.org/caf\u00e9"))


# ------------------------------------------------------------ wpautop
# Text as wpautop sees it: paragraphs, block and inline tags, tags broken by
# newlines, comments, stray brackets, whitespace of every kind PCRE's \s has.
_AUTOP_PIECES = st.sampled_from([
    "<p>", "</p>", "<P>", "<div>", "</div>", "<div class=\"x\">", "<pre>", "</pre>", "<br>", "<br />",
    "<br/>", "<li>", "</li>", "<ul>", "</ul>", "<blockquote>", "</blockquote>", "<p><blockquote>",
    "<BLOCKQUOTE cite=\"x\">", "<script>", "</script>", "<svg>", "</svg>", "<!-- c -->", "<!--", "-->",
    "<![CDATA[x]]>", "[gallery]", "\n", "\n\n", "\n \n", " ", "\t", "\x0b", "\x0c", "\r\n", "\r",
    "\u00a0", "word", "Zürich", "<", ">", "<hr>", "<hr />", "<option>", "</option>", "<figcaption>",
    "</figcaption>", "<figure>", "</figure>", "<source>", "<object>", "</object>", "<param>", "&nbsp;",
    "&amp;", "<a href=\"http://x.org/\">", "</a>", "<strong>", "</strong>", "<em>", "</em>", "<a\nhref=\"x\">",
    "<img\nsrc=\"x\">", "<p\n>", "<table>", "</td>", "<h2>", "</h2>", "<address>", "</form>", "</p >",
    "<pre wp-pre-tag-0></pre>", " <!-- wpnl --> ", "<WPPreserveNewline />", "<p><li>", "<br />\n",
])
_AUTOP_TEXT = st.one_of(
    st.lists(_AUTOP_PIECES, max_size=40).map("".join),
    st.text(alphabet=st.sampled_from("<>/pbr \n\t\r!-a"), max_size=60),
)
_PLAIN_TEXT = st.one_of(
    st.lists(st.sampled_from(["word", "Zürich", " ", "  ", "\t", "\n", "\n\n", "\n \n", "\n\t\n",
                              "\x0b", "\x0c", "\u00a0", "\u2028", ">", "&", "&nbsp;", "[b]", "\0"]),
             max_size=40).map("".join),
    st.text(alphabet=st.characters(blacklist_characters="<\r"), max_size=80),
)


@settings(max_examples=1000, deadline=None)
@given(_PLAIN_TEXT, st.booleans())
@example("a  \n  \n  b \n c\n", True)
@example(" \nfoo \n \n", True)
@example("a\x0b\n\x0cb", False)
def test_plain_autop_is_the_general_path_for_text_without_markup(text: str, br: bool) -> None:
    assert "<" not in text and "\r" not in text
    text += "\n"
    assert wpautop._plain_autop(text, br) == wpautop._autop(text, br)


_INLINE_AUTOP_TEXT = st.lists(st.one_of(
    st.sampled_from(["word", "Zürich", " ", "\t", "\n", "\n\n", "\n \n", "\x0b", "\x0c", "\u00a0", ">",
                     "&amp;", "[b]", "\0", ".", "  \n"]),
    st.sampled_from(["<a href=\"http://x.org/\" rel=\"nofollow\">", "</a>", "<strong>", "</strong>", "<em>",
                     "</em>", "<b>", "</b>", "<i>", "</i>", "<del>", "<s>", "<strike>", "<code>", "</code>",
                     "<span class=\"x\">", "</span>", "<img src=\"x\" />", "<sup>", "<sub>", "<u>", "<q>",
                     "<abbr title=\"t\">", "<cite>", "<ins>", "<kbd>", "<mark>", "<small>", "<a/>", "<a\thref=x>"]),
    st.sampled_from(["<address>", "<area>", "<aside>", "<summary>", "<section>", "<ul>", "<col>", "<dl>",
                     "<details>", "<br>", "<br />", "<pre>", "</pre>", "<p>", "</p>", "<div>", "<a\nhref=x>",
                     "<strong", "<", "<!-- c -->", "<script>", "<svg>", "<option>", "<hr>", "<em <b>", "\r"]),
), max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_INLINE_AUTOP_TEXT, st.booleans())
@example("a <a href=\"x\">b</a>\n\nc <strong>d</strong>\ne", True)
@example("<em>a</em>\n</p>", True)
@example(" <b> \n\n <i>\n", True)
def test_plain_autop_is_the_general_path_for_text_with_inline_tags_only(text: str, br: bool) -> None:
    if "\r" in text or wpautop._NOT_INLINE_TAG.search(text) is not None:
        return
    if text.strip(" \t\n\r\0\x0b") == "":
        return
    text += "\n"
    assert wpautop._plain_autop(text, br) == wpautop._autop(text, br)
    assert wpautop.wpautop(text[:-1], br) == wpautop._autop(text, br)


def test_inline_tag_check_refuses_block_names_and_broken_tags() -> None:
    for tag in ("<address>", "<area>", "<summary>", "<ul>", "<br>", "<pre>", "<p>", "<a\nhref=x>",
                "<strong", "<!-- c -->", "<script>", "<svg>", "<option>", "<hr>", "<em <b>", "<details>"):
        assert wpautop._NOT_INLINE_TAG.search(f"a {tag} b") is not None, tag
    assert wpautop._NOT_INLINE_TAG.search('a <a href="x">b</a> <strong>c</strong> <img src="y" />') is None


def _regex_sub_tag(text: str, head: str, tail: str) -> str:
    """The rule as WordPress writes it, a quadratic regex."""
    return re.sub("(" + head + r"[^>]*>)" + tail, r"\1", text, flags=re.ASCII)


_BLOCK_HEAD_SRC = r"</?" + wpautop._ALLBLOCKS


@settings(max_examples=1500, deadline=None)
@given(_AUTOP_TEXT)
@example("<div></p></p>")
@example("<p <div x></p>")
@example("<div><br /> <br />\n<br />")
@example("<x <p></p>")
def test_block_tail_drops_match_the_regex(text: str) -> None:
    for gt_re, tail_re, tail_src in (
        (wpautop._GT_BEFORE_P_END, wpautop._P_END_TAIL, r"\s*</p>"),
        (wpautop._GT_BEFORE_BR, wpautop._BR_TAIL, r"\s*<br />"),
    ):
        expected = _regex_sub_tag(text, _BLOCK_HEAD_SRC, tail_src)
        assert wpautop._drop_after_block_tag(text, gt_re, tail_re) == expected
        assert wpautop._sub_tag(text, wpautop._BLOCK_HEAD, tail_re) == expected


@settings(max_examples=1500, deadline=None)
@given(_AUTOP_TEXT)
@example("<a\nb>")
@example("<!-- a > \n b -->")
@example("<a <b \n>")
@example("<![CDATA[ > \n ]]>")
def test_newlines_in_tags_shortcut_matches_the_split(text: str) -> None:
    parts = wpautop.wp_html_split(text)
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace("\n", " <!-- wpnl --> ")
    assert wpautop._replace_newlines_in_tags(text) == "".join(parts)


@settings(max_examples=1000, deadline=None)
@given(_AUTOP_TEXT)
@example("<p><div><pre><hr/><table\n><ul/>")
def test_block_open_insertion_matches_the_regex(text: str) -> None:
    expected = re.sub(r"(<" + wpautop._ALLBLOCKS + r"[\s/>])", "\n\n\\1", text, flags=re.ASCII)
    assert wpautop._BLOCK_OPEN_AT.sub("\n\n", text) == expected


@settings(max_examples=1000, deadline=None)
@given(_AUTOP_TEXT, st.booleans())
def test_wpautop_general_path_matches_the_unguarded_rules(text: str, br: bool) -> None:
    """The guards in front of rules (``"<br" in text`` …) only skip rules that cannot match."""
    if text.strip(" \t\n\r\0\x0b") == "":
        return
    text += "\n"
    assert wpautop._autop(text, br) == _autop_unguarded(text, br)


def _autop_unguarded(text: str, br: bool) -> str:
    """wpautop's rules in WordPress's order, every one applied, each as a plain regex."""
    w = wpautop
    pres: list[str] = []
    if "<pre" in text:
        text, pres = w._protect_pre(text)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.A)
    text = re.sub(r"(<" + w._ALLBLOCKS + r"[\s/>])", "\n\n\\1", text, flags=re.A)
    text = re.sub(r"(</" + w._ALLBLOCKS + r">)", "\\1\n\n", text, flags=re.A)
    text = re.sub(r"(<hr\s*?/?>)", "\\1\n\n", text, flags=re.A)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = w.wp_html_split(text)
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace("\n", " <!-- wpnl --> ")
    text = "".join(parts)
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text, flags=re.A)
        text = re.sub(r"</option>\s*", "</option>", text, flags=re.A)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", "\\1", text, flags=re.A)
        text = re.sub(r"\s*</object>", "</object>", text, flags=re.A)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", "\\1", text, flags=re.A)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", "\\1", text, flags=re.A)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", "\\1", text, flags=re.A)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", "\\1", text, flags=re.A)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", "\\1", text, flags=re.A)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text, flags=re.A)
    text = re.sub(r"\n\n+", "\n\n", text, flags=re.A)
    paragraphs = [p for p in re.split(r"\n\s*\n", text, flags=re.A) if p != ""]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text, flags=re.A)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", "<p>\\1</p></\\2>", text, flags=re.A)
    text = re.sub(r"<p>\s*(</?" + w._ALLBLOCKS + r"[^>]*>)\s*</p>", "\\1", text, flags=re.A)
    text = re.sub(r"<p>(<li.+?)</p>", "\\1", text, flags=re.A)
    text = re.sub(r"<p><blockquote([^>]*)>", "<blockquote\\1><p>", text, flags=re.A | re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + w._ALLBLOCKS + r"[^>]*>)", "\\1", text, flags=re.A)
    text = re.sub(r"(</?" + w._ALLBLOCKS + r"[^>]*>)\s*</p>", "\\1", text, flags=re.A)
    if br:
        text = re.sub(r"<(script|style|svg).*?</\1>",
                      lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text, flags=re.A | re.S)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text, flags=re.A)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(r"(</?" + w._ALLBLOCKS + r"[^>]*>)\s*<br />", "\\1", text, flags=re.A)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", "\\1", text, flags=re.A)
    text = re.sub(r"\n</p>$", "</p>", text, flags=re.A)
    if pres:
        text = w._restore_pre(text, pres)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


# ------------------------------------------------------------ make_clickable
def _make_clickable_every_part(text: str) -> str:
    """make_clickable with both substitutions run on every text part."""
    if "://" not in text and "www." not in text and "@" not in text:
        return text
    out: list[str] = []
    skip = 0
    for part in wpautop.wp_html_split(text):
        if part.startswith("<"):
            m = re.match(r"<(/?)(a|pre|code|script|style)\b", part, re.I)
            if m:
                skip = max(0, skip - 1) if m.group(1) else skip + 1
            out.append(part)
        elif skip or not part:
            out.append(part)
        else:
            part = pipeline._URL_IN_TEXT.sub(lambda m: pipeline._link(m.group(1)), part)
            part = pipeline._EMAIL_IN_TEXT.sub(
                lambda m: f'<a href="mailto:{m.group(1)}">{m.group(1)}</a>', part)
            out.append(part)
    return "".join(out)


_CLICKABLE_TEXT = st.lists(st.sampled_from([
    "word", " ", "\n", "http://example.org/a?b=c&d", "HTTPS://X.ORG/(a)", "ftp://f.org/x.", "www.example.org",
    "WWW.Example.org", "Www.x.co,", "a@b.org", "first.last+tag@sub.example.co.uk", "@", "://", "www.", "x.",
    "<a href=\"http://x.org/\">", "</a>", "<pre>", "</pre>", "<code>", "</code>", "<A HREF=x>", "</A>",
    "<script>", "</script>", "<strong>", "</strong>", "<", ">", "<!-- http://x.org/ -->", "(", ")", "\"", "'",
    "http://user@example.org/", "mailto:a@b.org", "www.x", "=", "/", ".", "-", "Zürich", "四川",
]), max_size=20).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_CLICKABLE_TEXT)
@example("see WWW.Example.org or http://x.org/ and a@b.org")
@example("Www.x.org only")
@example("WWW.x.org a@b.org")
@example("<a href=\"x\">www.x.org</a> www.y.org")
def test_make_clickable_skips_only_substitutions_that_cannot_match(text: str) -> None:
    assert pipeline.make_clickable(text) == _make_clickable_every_part(text)


# ------------------------------------------------------------ the lxml pass
_FRAGMENT = st.lists(st.one_of(_AUTOP_PIECES, _WORDS, st.sampled_from([
    "<figure><img src=\"x\"><figcaption>c</figcaption></figure>", "<table><tr><td colspan=2>x</td></tr></table>",
    "<iframe src=\"x\"></iframe>", "<sup>1</sup>", "<a href=\"x\"></a>", "<pre><code>a<b>b</b></code></pre>",
    "<!--more-->", "<?php x ?>", "</div>", "<div id=\"a\">", "<html>", "<body>", "<caption>c</caption>",
    "text & <", "\r", "\r\n", "\u00a0", "<em></em>", "<strong>.a</strong>b",
])), max_size=25).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_FRAGMENT, st.booleans())
@example("\u00a0lead <b>x</b>", False)
@example("a\rb <p>c\r</p>", True)
@example("</div><p>x</p>", True)
def test_inner_html_in_one_serialization_matches_the_one_per_child(html: str, prepared: bool) -> None:
    html = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", html)  # lxml refuses them as text
    try:
        root = hm.parse_fragment(html)
    except AssertionError:  # lxml asserts one <body> for text starting "<html": not this test's concern
        return
    if root is None:
        return
    if prepared:
        hm._prepare(root, hm._Passthrough(html), None)
    assert hm._inner_html(root) == hm._inner_html_by_child(root)
