"""Shortcuts in the content pipeline give what the general path gives, byte for byte.

Each shortcut skips work for input of a provable shape; these tests feed
generated text with tags, URLs, newlines, entities and brackets through both
the shortcut and the general path, and compare.
"""

from __future__ import annotations

from typing import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from migrate.errors import Report
from migrate.transforms import html_markdown as hm
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
