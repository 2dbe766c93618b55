"""HTML to Markdown: expected Markdown written from CommonMark/GFM, checked by rendering."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from migrate.errors import Report

from migrate.transforms.context import TransformContext
from migrate.transforms.html_markdown import html_to_markdown
from migrate.transforms.text import visible_text

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def conv(html: str, ctx: TransformContext | None = None, **kw) -> str:
    return html_to_markdown(html, ctx or TransformContext(), **kw)


def same_text(html: str, md: str) -> bool:
    return visible_text(html) == visible_text(MD.render(md))


def test_empty():
    assert conv("") == "" and conv("  \n") == ""


def test_paragraphs_and_inline():
    md = conv("<p>a <strong>b</strong> <em>c</em> <del>d</del></p><p>e</p>")
    assert md == "a **b** *c* ~~d~~\n\ne\n"


def test_fenced_code_keeps_language_and_text():
    md = conv('<pre><code class="language-python">if a &lt; b:\n    print("&amp;")</code></pre>')
    assert md == '```python\nif a < b:\n    print("&")\n```\n'


def test_fence_longer_than_backticks_in_code():
    md = conv("<pre><code>a ``` b</code></pre>")
    assert md.startswith("````") and "a ``` b" in md


def test_markup_inside_pre_becomes_text():
    md = conv('<pre><code><a href="#">linked</a> and <em>x</em></code></pre>')
    assert md == "```\nlinked and x\n```\n"


def test_simple_table_is_gfm():
    md = conv("<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>")
    assert MD.render(md).count("<td>") == 2 and "| A" in md


def test_table_with_colspan_is_raw_html_block():
    ctx = TransformContext()
    html = '<p>x</p><table><tr><td colspan="2">wide</td></tr></table><p>y</p>'
    md = conv(html, ctx)
    assert md == 'x\n\n<table><tr><td colspan="2">wide</td></tr></table>\n\ny\n'
    assert ctx.report.counts == {"html-passthrough": 1}
    assert "table" in next(iter(ctx.report)).message


def test_nested_lists():
    md = conv("<ul><li>one<ul><li>two<ol><li>three</li></ol></li></ul></li><li>four</li></ul>")
    html = MD.render(md)
    assert html.count("<ul>") == 2 and html.count("<ol>") == 1
    assert same_text("<ul><li>one<ul><li>two<ol><li>three</li></ol></li></ul></li><li>four</li></ul>", md)


def test_image_alt_and_title():
    md = conv('<p><img src="a.jpg" alt="Alt" title="T"></p>')
    assert md == '![Alt](a.jpg "T")\n'


def test_br_is_hard_break():
    md = conv("<p>one<br>two</p>")
    assert MD.render(md) == "<p>one<br />\ntwo</p>\n"


def test_entities_and_non_ascii_exact():
    html = "<p>caf&eacute; &amp; &lt;tag&gt; “q” — 中文 😀 a&nbsp;b</p>"
    md = conv(html)
    assert "café" in md and "中文 😀" in md and "a\u00a0b" in md
    assert MD.render(md).strip() == "<p>café &amp; &lt;tag&gt; “q” — 中文 😀 a\u00a0b</p>"


def test_markdown_characters_in_text_are_escaped():
    html = "<p>*not em* _x_ [link] `tick` a_b_c</p><p>1. not a list</p><p># not a heading</p>"
    md = conv(html)
    rendered = MD.render(md)
    assert "<em>" not in rendered and "<ol>" not in rendered and "<h1>" not in rendered
    assert same_text(html, md)


def test_emphasis_that_cannot_flank_stays_html():
    html = "<p><strong>Name:</strong>Text</p>"
    md = conv(html)
    assert "<strong>" in MD.render(md) and same_text(html, md)


def test_iframe_video_audio_are_raw_blocks_with_findings():
    ctx = TransformContext()
    html = ('<p>before</p><iframe src="https://e.x/v"></iframe>'
            '<video controls src="v.mp4"></video><p>after</p>')
    md = conv(html, ctx)
    assert '\n\n<iframe src="https://e.x/v"></iframe>\n\n' in md
    assert '\n\n<video controls src="v.mp4"></video>\n\n' in md
    assert ctx.report.counts == {"html-passthrough": 2}


def test_figure_with_caption_is_raw_without_caption_unwrapped():
    md = conv('<figure><img src="a.jpg" alt="A"><figcaption>Cap</figcaption></figure>')
    assert md == '<figure><img src="a.jpg" alt="A"><figcaption>Cap</figcaption></figure>\n'
    assert conv('<figure><img src="a.jpg" alt="A"></figure>') == "![A](a.jpg)\n"


def test_raw_block_with_blank_line_stays_one_block():
    html = "<figure><pre>a\n\nb</pre><figcaption>c</figcaption></figure>"
    md = conv(html)
    assert "\n\n" not in md.strip()
    assert same_text(html, md)


def test_more_and_nextpage_on_their_own_lines():
    md = conv("<p>intro<br>\n<!--more--><br>\nrest</p><!--nextpage--><p>two</p>")
    assert md == "intro\n\n<!--more-->\n\nrest\n\n<!--nextpage-->\n\ntwo\n"


def test_other_comments_dropped():
    assert conv("<p>a<!-- secret -->b</p>") == "ab\n"


def test_sup_footnote_reference_kept_inline():
    html = '<p>Text<sup><a href="#fn1">1</a></sup></p>'
    md = conv(html)
    assert '<sup><a href="#fn1">1</a></sup>' in md and same_text(html, md)


def test_embed_marker_default_and_hook():
    fig = ('<figure class="wp-block-embed" data-provider="youtube" data-url="https://youtu.be/abc">'
           '<p><a href="https://youtu.be/abc">https://youtu.be/abc</a></p><figcaption>Cap</figcaption></figure>')
    assert conv(fig) == "<https://youtu.be/abc>\n\nCap\n"
    hooked = conv(fig, embed=lambda p, u, c: "{{< youtube abc >}}" if p == "youtube" else None)
    assert hooked == "{{< youtube abc >}}\n\nCap\n"  # the hook's form, and the caption still


def test_a_background_image_keeps_its_element_as_html():
    ctx = TransformContext()
    html = ('<p style="background-image: url(\'/bg.jpg\')">Over <em>the</em> picture</p>'
            '<p style="color: red">Red</p><div style="background:URL( /x.png )">Block</div>')
    md = conv(html, ctx)
    assert md == ('<p style="background-image: url(\'/bg.jpg\')">Over <em>the</em> picture</p>\n\nRed\n\n'
                  '<div style="background:URL( /x.png )">Block</div>\n')
    assert sorted(f.message for f in ctx.report) == [
        '<div style="…url(…)…"> has no Markdown form; kept as raw HTML (1x)',
        '<p style="…url(…)…"> has no Markdown form; kept as raw HTML (1x)']


def test_passthrough_inside_list_item_is_indented():
    html = "<ul><li><p>x</p><iframe src='v'></iframe></li></ul>"
    md = conv(html)
    rendered = MD.render(md)
    assert "<iframe" in rendered and rendered.count("<li>") == 1


def test_empty_emphasis_dropped_and_empty_link_kept():
    assert conv("<p><strong> </strong>The</p>") == "The\n"
    md = conv('<p>DOM<a title="DOM" href="/x"></a>.</p>')
    assert same_text('<p>DOM<a title="DOM" href="/x"></a>.</p>', md)


@pytest.mark.parametrize("html,want", [
    ("<p><strong>\x0c</strong></p>", ""),
    ("<p>a\x0cb</p>", "ab"),
    ("x\x00y", "xy"),
    ("<p><em>\x01</em> z</p>", "z"),
])
def test_control_characters_are_removed_and_counted_never_a_crash(html, want):
    ctx = TransformContext(report=Report())
    assert html_to_markdown(html, ctx).strip() == want
    assert ctx.report.counts["control-characters-removed"] == 1


@pytest.mark.parametrize("html", ["<html><!-- c -->", "<html><body><!-- c --><p>x</p>"])
def test_fragments_lxml_cannot_take_convert_without_the_tree(html):
    assert html_to_markdown(html, TransformContext()).strip() in ("", "x")
