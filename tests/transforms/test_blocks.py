"""Block parser (WordPress's grammar and recovery rules) and block renderer."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.transforms.blocks import (
    Block, DYNAMIC_BLOCKS, parse_blocks, render_blocks, serialize_blocks,
    strip_block_delimiters,
)
from migrate.transforms.context import AttachmentInfo, TransformContext


def names(blocks):
    return [b.name for b in blocks]


# ----------------------------------------------------------------- grammar

def test_plain_html_is_one_freeform_block():
    [b] = parse_blocks("<p>Hello</p>")
    assert b.name is None and b.inner_html == "<p>Hello</p>" and b.inner_content == ["<p>Hello</p>"]


def test_empty_document_has_no_blocks():
    assert parse_blocks("") == []


def test_block_with_attrs_and_default_namespace():
    [b] = parse_blocks('<!-- wp:heading {"level":3} --><h3>T</h3><!-- /wp:heading -->')
    assert b.name == "core/heading"
    assert b.attrs == {"level": 3}
    assert b.inner_html == "<h3>T</h3>"


def test_namespaced_void_block():
    [b] = parse_blocks('<!-- wp:jetpack/slideshow {"ids":[1,2]} /-->')
    assert b.name == "jetpack/slideshow" and b.attrs == {"ids": [1, 2]}
    assert b.inner_html == "" and b.inner_content == []


def test_nesting_and_inner_content_placeholders():
    doc = ('<!-- wp:columns --><div>'
           '<!-- wp:column --><div><!-- wp:paragraph --><p>a</p><!-- /wp:paragraph --></div><!-- /wp:column -->'
           '</div><!-- /wp:columns -->')
    [cols] = parse_blocks(doc)
    assert cols.inner_content == ["<div>", None, "</div>"]
    assert cols.inner_html == "<div></div>"
    [col] = cols.inner_blocks
    assert col.inner_blocks[0].inner_html == "<p>a</p>"


def test_freeform_between_blocks():
    doc = "A<!-- wp:separator /-->B<!-- wp:more /-->C"
    assert names(parse_blocks(doc)) == [None, "core/separator", None, "core/more", None]


def test_stray_closer_turns_rest_into_freeform():
    # WordPress gives up at a closer with nothing open: the rest is freeform
    doc = "x<!-- /wp:paragraph --><!-- wp:paragraph --><p>y</p><!-- /wp:paragraph -->"
    [b] = parse_blocks(doc)
    assert b.name is None and b.inner_html == doc


def test_closer_name_is_not_checked():
    [b] = parse_blocks("<!-- wp:quote -->q<!-- /wp:paragraph -->")
    assert b.name == "core/quote" and b.inner_html == "q"


def test_missing_closer_at_top_level_is_implicit():
    [b] = parse_blocks("<!-- wp:paragraph --><p>open")
    assert b.name == "core/paragraph" and b.inner_html == "<p>open"


def test_missing_closers_nest_without_repeating_text():
    blocks = parse_blocks("lead<!-- wp:group --><div><!-- wp:paragraph --><p>x</p>")
    assert names(blocks) == [None, "core/group"]
    group = blocks[1]
    assert group.inner_content == ["<div>", None]
    assert group.inner_blocks[0].inner_html == "<p>x</p>"


def test_invalid_json_attrs_read_as_empty():
    [b] = parse_blocks('<!-- wp:image {"id": } --><img src="a"><!-- /wp:image -->')
    assert b.name == "core/image" and b.attrs == {}


def test_attrs_may_contain_closing_comment_text():
    [b] = parse_blocks('<!-- wp:x {"a":"--> }"} /-->')
    assert b.attrs == {"a": "--> }"}


def test_not_a_delimiter_without_whitespace():
    [b] = parse_blocks("<!--wp:paragraph--><p>x</p>")
    assert b.name is None


def test_uppercase_name_is_not_a_block():
    assert parse_blocks("<!-- wp:Para /-->")[0].name is None


def test_10000_deep_nesting():
    depth = 10_000
    doc = "<!-- wp:group -->" * depth + "x" + "<!-- /wp:group -->" * depth
    blocks = parse_blocks(doc)
    d, b = 1, blocks[0]
    while b.inner_blocks:
        b = b.inner_blocks[0]
        d += 1
    assert d == depth and b.inner_html == "x"
    assert serialize_blocks(blocks) == doc
    assert render_blocks(blocks, TransformContext()) == "x"


def test_broken_openers_stay_linear():
    doc = '<!-- wp:a {"x":1 ' * 50_000
    t = time.perf_counter()
    [b] = parse_blocks(doc)
    assert b.name is None
    assert time.perf_counter() - t < 2.0


# ------------------------------------------------------------ properties

_names = st.sampled_from(["paragraph", "group", "jetpack/slideshow", "core/quote", "a1/b-c_d"])
_html = st.text(alphabet=st.sampled_from(list("ab <>/p-!{}\n")), max_size=12).filter(
    lambda s: "<!--" not in s and "-->" not in s
)
_attrs = st.one_of(st.just({}), st.dictionaries(st.sampled_from(["a", "b"]), st.integers() | st.text(max_size=5), max_size=2))


@st.composite
def block_trees(draw, depth=0):
    name = draw(_names)
    full = name if "/" in name else "core/" + name
    attrs = draw(_attrs)
    if depth > 3 or draw(st.booleans()):
        if draw(st.booleans()):
            return Block(full, attrs, [], "", [])
        text = draw(_html.filter(bool))
        return Block(full, attrs, [], text, [text])
    kids = draw(st.lists(block_trees(depth=depth + 1), min_size=1, max_size=3))
    content: list = []
    html = ""
    for k in kids:
        t = draw(_html)
        if t:
            content.append(t)
            html += t
        content.append(None)
    tail = draw(_html.filter(bool))
    content.append(tail)
    html += tail
    return Block(full, attrs, kids, html, content)


@given(st.lists(block_trees(), min_size=1, max_size=3))
@settings(max_examples=200, deadline=None)
def test_serialize_parse_round_trip(tree):
    doc = serialize_blocks(tree)
    again = parse_blocks(doc)
    assert serialize_blocks(again) == doc
    assert [b for b in again if b.name is not None] == tree


@given(st.text(alphabet=st.sampled_from(list("<!-/wp:ab {}\"1 >\n")), max_size=200))
@settings(max_examples=300, deadline=None)
def test_parser_never_crashes_and_render_leaves_no_delimiter(doc):
    blocks = parse_blocks(doc)
    out = render_blocks(blocks, TransformContext())
    assert "<!-- wp:" not in out and "<!-- /wp:" not in out


# ----------------------------------------------------------------- render

def render(doc: str, ctx: TransformContext | None = None) -> str:
    return render_blocks(parse_blocks(doc), ctx or TransformContext())


def codes(ctx: TransformContext) -> dict[str, int]:
    return ctx.report.counts


def test_static_blocks_keep_saved_html():
    doc = ('<!-- wp:paragraph --><p>Hi <em>there</em></p><!-- /wp:paragraph -->'
           '<!-- wp:heading --><h2>T</h2><!-- /wp:heading -->')
    assert render(doc) == "<p>Hi <em>there</em></p>\n\n<h2>T</h2>"


def test_nested_list_with_list_items():
    doc = ('<!-- wp:list --><ul><!-- wp:list-item --><li>a<!-- wp:list --><ul>'
           '<!-- wp:list-item --><li>b</li><!-- /wp:list-item --></ul><!-- /wp:list --></li>'
           '<!-- /wp:list-item --></ul><!-- /wp:list -->')
    assert render(doc) == "<ul><li>a<ul><li>b</li></ul></li></ul>"


def test_code_language_from_attr_and_class():
    a = render('<!-- wp:code {"language":"python"} --><pre class="wp-block-code"><code>x = 1</code></pre><!-- /wp:code -->')
    assert a == '<pre><code class="language-python">x = 1</code></pre>'
    b = render('<!-- wp:code --><pre class="wp-block-code lang-php"><code>&lt;?php</code></pre><!-- /wp:code -->')
    assert b == '<pre><code class="language-php">&lt;?php</code></pre>'
    c = render('<!-- wp:code --><pre class="wp-block-code"><code>plain</code></pre><!-- /wp:code -->')
    assert c == "<pre><code>plain</code></pre>"


def test_image_without_and_with_caption_and_link():
    plain = render('<!-- wp:image {"id":5} --><figure class="wp-block-image"><img src="a.jpg" alt="A"/></figure><!-- /wp:image -->')
    assert plain == '<p><img src="a.jpg" alt="A"/></p>'
    cap = render('<!-- wp:image --><figure class="wp-block-image aligncenter"><a href="big.jpg"><img src="a.jpg" alt=""/></a>'
                 '<figcaption>Cap</figcaption></figure><!-- /wp:image -->')
    assert cap == '<figure><a href="big.jpg"><img src="a.jpg" alt=""/></a><figcaption>Cap</figcaption></figure>'


def test_gallery_from_inner_images_and_from_ids():
    inner = render('<!-- wp:gallery --><figure class="wp-block-gallery">'
                   '<!-- wp:image --><figure class="wp-block-image"><img src="1.jpg" alt="one"/></figure><!-- /wp:image -->'
                   '</figure><!-- /wp:gallery -->')
    assert inner == '<p><img src="1.jpg" alt="one"/></p>'
    ctx = TransformContext(attachment=lambda i: AttachmentInfo(i, f"/u/{i}.jpg", alt=f"a{i}") if i == 7 else None)
    by_ids = render('<!-- wp:gallery {"ids":[7,8]} /-->', ctx)
    assert by_ids == '<p><img src="/u/7.jpg" alt="a7"></p>'
    assert codes(ctx) == {"media-missing": 1}


def test_embed_marker_new_and_legacy_names():
    new = render('<!-- wp:embed {"url":"https://youtu.be/abc","providerNameSlug":"youtube"} -->'
                 '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\nhttps://youtu.be/abc\n</div></figure><!-- /wp:embed -->')
    assert 'data-provider="youtube"' in new and 'data-url="https://youtu.be/abc"' in new
    assert '<a href="https://youtu.be/abc">https://youtu.be/abc</a>' in new
    old = render('<!-- wp:core-embed/vimeo {"url":"https://vimeo.com/1"} --><figure><div>\nhttps://vimeo.com/1\n</div></figure><!-- /wp:core-embed/vimeo -->')
    assert 'data-provider="vimeo"' in old and 'data-url="https://vimeo.com/1"' in old


def test_separator_spacer_more_nextpage():
    doc = ('<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->'
           '<!-- wp:spacer --><div style="height:100px" class="wp-block-spacer"></div><!-- /wp:spacer -->'
           '<!-- wp:more --><!--more--><!-- /wp:more --><!-- wp:nextpage --><!--nextpage--><!-- /wp:nextpage -->')
    assert render(doc) == "<hr>\n\n<!--more-->\n\n<!--nextpage-->"


def test_buttons_become_links():
    doc = ('<!-- wp:buttons --><div class="wp-block-buttons"><!-- wp:button --><div class="wp-block-button">'
           '<a class="wp-block-button__link" href="/go">Go</a></div><!-- /wp:button --></div><!-- /wp:buttons -->')
    assert render(doc) == '<p><a class="wp-block-button__link" href="/go">Go</a></p>'


def test_columns_group_unwrap_to_their_content():
    doc = ('<!-- wp:group --><div class="wp-block-group"><!-- wp:paragraph --><p>a</p><!-- /wp:paragraph -->'
           '<!-- wp:paragraph --><p>b</p><!-- /wp:paragraph --></div><!-- /wp:group -->')
    assert render(doc) == "<p>a</p>\n\n<p>b</p>"


def test_cover_keeps_background_and_text():
    doc = ('<!-- wp:cover {"url":"bg.jpg"} --><div class="wp-block-cover"><img class="wp-block-cover__image-background" src="bg.jpg"/>'
           '<div class="wp-block-cover__inner-container"><!-- wp:paragraph --><p>Over</p><!-- /wp:paragraph --></div></div><!-- /wp:cover -->')
    assert render(doc) == '<p><img src="bg.jpg" alt=""></p>\n\n<p>Over</p>'


def test_media_text_keeps_media_and_text():
    doc = ('<!-- wp:media-text --><div class="wp-block-media-text"><figure class="wp-block-media-text__media"><img src="m.jpg" alt="M"/></figure>'
           '<div class="wp-block-media-text__content"><!-- wp:paragraph --><p>Side</p><!-- /wp:paragraph --></div></div><!-- /wp:media-text -->')
    assert render(doc) == '<p><img src="m.jpg" alt="M"/></p>\n\n<p>Side</p>'


def test_file_block_keeps_the_link_not_the_button():
    doc = ('<!-- wp:file --><div class="wp-block-file"><a href="f.pdf">Report</a>'
           '<a href="f.pdf" class="wp-block-file__button" download>Download</a></div><!-- /wp:file -->')
    assert render(doc) == '<p><a href="f.pdf">Report</a></p>'


def test_html_block_is_raw_and_video_audio_kept():
    assert render("<!-- wp:html --><div id=x><b>raw</b></div><!-- /wp:html -->") == "<div id=x><b>raw</b></div>"
    v = render('<!-- wp:video --><figure class="wp-block-video"><video controls src="v.mp4"></video></figure><!-- /wp:video -->')
    assert "<video controls src=\"v.mp4\"></video>" in v


def test_shortcode_block_goes_to_the_callback():
    out = render_blocks(parse_blocks("<!-- wp:shortcode -->[gallery ids=1]<!-- /wp:shortcode -->"),
                        TransformContext(), shortcode=lambda t: f"<expanded>{t}</expanded>")
    assert out == "<expanded>[gallery ids=1]</expanded>"


def test_dynamic_blocks_dropped_with_notice():
    ctx = TransformContext()
    out = render('<!-- wp:latest-posts /--><!-- wp:archives /--><!-- wp:archives /--><!-- wp:paragraph --><p>k</p><!-- /wp:paragraph -->', ctx)
    assert out == "<p>k</p>"
    assert codes(ctx) == {"block-dynamic": 2}
    assert all(f.severity == "notice" for f in ctx.report)
    assert "core/search" in DYNAMIC_BLOCKS


def test_unknown_block_keeps_html_and_warns_once_per_name():
    ctx = TransformContext(item_id=3)
    out = render('<!-- wp:acme/box --><div>one</div><!-- /wp:acme/box --><!-- wp:acme/box --><div>two</div><!-- /wp:acme/box -->', ctx)
    assert out == "<div>one</div>\n\n<div>two</div>"
    [f] = list(ctx.report)
    assert f.code == "block-unhandled" and f.severity == "warning" and f.item_id == 3


def test_freeform_inside_block_post_is_not_autopd():
    out = render("line one\nline two<!-- wp:paragraph --><p>p</p><!-- /wp:paragraph -->")
    assert out == "line one\nline two\n\n<p>p</p>"


def test_strip_block_delimiters():
    assert strip_block_delimiters('a<!-- wp:x {"a":1} -->b<!-- /wp:x -->c<!-- wp:y /-->') == "abc"


FOOTNOTED = ('<!-- wp:paragraph --><p>Text<sup data-fn="n1" class="fn"><a href="#n1" id="n1-link">1</a></sup></p>'
             '<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->')


def test_footnotes_block_shows_the_notes_kept_in_post_meta():
    """WordPress 6.3+ keeps footnote texts in the post's footnotes meta, not in the content."""
    ctx = TransformContext(footnotes='[{"id":"n1","content":"A <em>note</em>"},{"id":"n\\"2","content":"Two"}]')
    out = render(FOOTNOTED, ctx)
    assert ('<ol class="wp-block-footnotes"><li><a id="n1"></a>A <em>note</em> '
            '<a href="#n1-link" aria-label="Jump to footnote reference 1">\u21a9\ufe0e</a></li>') in out
    assert '<a id="n&quot;2"></a>Two' in out and not list(ctx.report)


def test_footnotes_block_without_readable_meta_is_reported():
    ctx = TransformContext(footnotes="{not json")
    assert "wp-block-footnotes" not in render(FOOTNOTED, ctx)
    assert codes(ctx) == {"footnotes-unreadable": 1}
    quiet = TransformContext()  # no meta at all: WordPress shows no list either
    assert "wp-block-footnotes" not in render(FOOTNOTED, quiet) and not list(quiet.report)


def test_reusable_block_shows_the_content_of_the_item_it_names():
    blocks = {5: '<!-- wp:paragraph --><p>Join <strong>us</strong></p><!-- /wp:paragraph -->'
                 '<!-- wp:block {"ref":6} /-->',
              6: '<!-- wp:paragraph --><p>Inner</p><!-- /wp:paragraph --><!-- wp:block {"ref":5} /-->'}
    ctx = TransformContext(reusable=blocks.get)
    out = render('<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph --><!-- wp:block {"ref":5} /-->'
                 '<!-- wp:block {"ref":404} /--><!-- wp:block {"ref":"x"} /-->', ctx)
    assert out == "<p>a</p>\n\n<p>Join <strong>us</strong></p>\n\n<p>Inner</p>"
    # 6 shows 5 again: shown once; 404 and "x" name nothing in the export
    assert codes(ctx) == {"block-reusable-loop": 1, "block-reusable-missing": 2}
    assert "core/block" not in DYNAMIC_BLOCKS


def test_reusable_blocks_nested_deeper_than_the_limit_stop_there():
    from migrate.transforms.blocks import MAX_REUSABLE_DEPTH

    chain = {n: f'<!-- wp:paragraph --><p>{n}</p><!-- /wp:paragraph --><!-- wp:block {{"ref":{n + 1}}} /-->'
             for n in range(1, 100)}
    ctx = TransformContext(reusable=chain.get)
    out = render('<!-- wp:block {"ref":1} /-->', ctx)
    assert out.count("<p>") == MAX_REUSABLE_DEPTH and codes(ctx) == {"block-reusable-loop": 1}
