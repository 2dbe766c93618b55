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


_WORDS = st.sampled_from([
    "word", "Zürich", "四川", "🙂", " ", "  ", "\n", "\n\n", "\t", ".", ",", "!", "?", ":", "(", ")",
    "[", "]", "*", "_", "`", "#", "-", "+", "1.", "~", ">", "]]>", "\\", "|", "&amp;", "&", "& ",
    "&nbsp;", "\u00a0", "&#65;", "&#8217;", "&copy", "&amp", "&bogus;", "x", "A", "é", "\u2028",
    "http://example.org/a?b=c", "www.example.org", "a@b.org", "\ue000", "\r", "\x0c",
])
_TEXT = st.lists(_WORDS, max_size=8).map("".join)
_HREF = st.sampled_from([
    "http://example.org/", "https://blog.example.org/2009/05/09/post-1645/", "/x?a=1;b=2#frag",
    "mailto:a@b.org", "http://example.org/café", "http://x.org/a b", "", "#", "http://x.org/%41(b)",
    "http://x.org/&amp;", "javascript:alert(1)",
])
_INLINE_TAG = st.sampled_from(["strong", "em", "b", "i", "del", "s", "strike"])


@st.composite
def _inline(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["text", "text", "br", "emph", "link", "other"]))
    if kind == "text":
        return draw(_TEXT)
    if kind == "br":
        return draw(st.sampled_from(["<br />", "<br>", "<br/>", "<br />\n"]))
    if kind == "emph":
        tag = draw(_INLINE_TAG)
        inner = draw(st.one_of(_TEXT, st.builds(lambda a: f"<a href=\"http://x.org/\">{a}</a>", _TEXT)))
        return f"<{tag}>{inner}</{tag}>"
    if kind == "link":
        rel = draw(st.sampled_from(["", ' rel="nofollow"', ' rel="nofollow ugc"', " title=\"t\""]))
        return f'<a href="{draw(_HREF)}"{rel}>{draw(_TEXT)}</a>'
    return draw(st.sampled_from([
        "<code>c</code>", "<span>s</span>", "<img src=\"http://x.org/i.png\" alt=\"\">", "<!-- c -->",
        "<sup>1</sup>", "</p>", "<p>", "<a href=\"x\"></a>", "<strong></strong>", "<em> </em>",
        "<STRONG>u</STRONG>", "<div>d</div>", "<pre>p</pre>", "<",
    ]))


_PARAGRAPH = st.lists(_inline(), max_size=8).map("".join)
_INLINE_HTML = st.one_of(
    st.lists(st.tuples(_PARAGRAPH, st.sampled_from(["\n", "\n\n", "", " ", "x"])), min_size=1, max_size=4)
    .map(lambda ps: "".join(f"<p>{p}</p>{sep}" for p, sep in ps)),
    _PARAGRAPH,
)


def _outcome(convert: Callable[[str, TransformContext], str], html: str) -> tuple[str, list]:
    """The Markdown and findings, or the error (the general path rejects some control characters)."""
    ctx = _ctx()
    try:
        return convert(html, ctx), _findings(ctx)
    except ValueError as e:
        return f"ValueError: {e}", []


def _both(html: str) -> tuple[tuple[str, list], tuple[str, list]]:
    fast = _outcome(hm.html_to_markdown, html)
    tree = _outcome(lambda h, ctx: hm._markdown(h, ctx, None, True) if h.strip() else "", html)
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
