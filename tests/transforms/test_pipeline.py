"""The content pipeline: WordPress's the_content order, links, comments, excerpts."""

from __future__ import annotations

import pytest

pytest.importorskip("migrate.transforms.shortcodes")

from migrate.transforms.context import TransformContext  # noqa: E402
from migrate.transforms.pipeline import (  # noqa: E402
    comment_to_markdown, excerpt_of, make_clickable, prepare_html, rewrite_urls, to_markdown,
)


def ctx(**kw) -> TransformContext:
    return TransformContext(**kw)


def test_classic_post_gets_paragraphs():
    assert prepare_html("one\n\ntwo\nthree", ctx()) == "<p>one</p>\n<p>two<br />\nthree</p>\n"


def test_block_post_is_not_autopd():
    html = prepare_html("<!-- wp:paragraph --><p>a\nb</p><!-- /wp:paragraph -->", ctx())
    assert html == "<p>a\nb</p>"


def test_code_shortcode_protected_from_wpautop_and_kept_language():
    md = to_markdown("Intro\n\n[code lang=\"python\"]\ndef f():\n\n    return [gallery]\n[/code]\n\nEnd", ctx())
    assert "```python\n" in md
    assert "def f():\n\n    return [gallery]" in md
    assert "<p>" not in md


def test_shortcode_text_inside_code_is_not_expanded():
    html = prepare_html("<pre>[gallery ids=1]</pre>\n\n[gallery ids=2]", ctx())
    assert "<pre>[gallery ids=1]</pre>" in html


def test_more_tag_kept_on_its_own_line():
    md = to_markdown("Teaser text\n<!--more-->\nThe rest", ctx())
    assert "\n\n<!--more-->\n\n" in md


def test_internal_links_and_media_rewritten():
    c = ctx(resolve_link=lambda u: "/new/" if u == "https://old.example/2010/09/hello/" else None,
            resolve_media=lambda u: "/media/a.jpg" if "uploads" in u else None)
    html = prepare_html(
        '<a href="https://old.example/2010/09/hello/">x</a> <a href="https://elsewhere/">y</a>\n\n'
        '<img src="https://old.example/wp-content/uploads/a-300x200.jpg" '
        'srcset="https://old.example/wp-content/uploads/a-300x200.jpg 300w, https://x/b.jpg 600w">', c)
    assert 'href="/new/"' in html and 'href="https://elsewhere/"' in html
    assert 'src="/media/a.jpg"' in html
    assert 'srcset="/media/a.jpg 300w, https://x/b.jpg 600w"' in html


def test_rewrite_urls_unescapes_entities_in_attributes():
    seen = []
    rewrite_urls('<a href="/?p=1&amp;x=2">a</a>', ctx(resolve_link=lambda u: seen.append(u)))
    assert seen == ["/?p=1&x=2"]


def test_rewrite_urls_points_background_images_at_the_new_site():
    """WordPress's importer rewrites url(…) in style attributes; so do the converters."""
    media = {"https://old.example/wp-content/uploads/a.jpg": "/media/a.jpg", "/wp-content/uploads/b(1).jpg": "/media/b.jpg"}
    seen: list[str] = []

    def resolve(url: str) -> str | None:
        seen.append(url)
        return media.get(url)

    c = ctx(resolve_media=resolve)
    html = rewrite_urls(
        '<p style="background:url(\'https://old.example/wp-content/uploads/a.jpg\')">x</p>'
        '<div style="background: URL(&quot;https://old.example/wp-content/uploads/a.jpg&quot;), '
        'url(/wp-content/uploads/b\\28 1\\29.jpg) no-repeat">y</div>'
        '<p style="content: \'url(fake)\'; background: url(data:image/png;base64,AAAA)">z</p>'
        "<p style=\"color: red\">w</p>", c)
    assert html == ('<p style="background:url(&quot;/media/a.jpg&quot;)">x</p>'
                    '<div style="background: URL(&quot;/media/a.jpg&quot;), url(&quot;/media/b.jpg&quot;) no-repeat">y</div>'
                    '<p style="content: \'url(fake)\'; background: url(data:image/png;base64,AAAA)">z</p>'
                    '<p style="color: red">w</p>')
    assert "/wp-content/uploads/b(1).jpg" in seen and "data:image/png;base64,AAAA" in seen


def test_comment_gets_links_and_paragraphs():
    md = comment_to_markdown("See http://example.com/a.\nThanks <b>a</b>@b.org", ctx())
    assert "<http://example.com/a>." in md or "[http://example.com/a](http://example.com/a)." in md
    assert "\\\n" in md  # the newline became a hard break (wpautop's <br />)


def test_make_clickable_leaves_existing_links_alone():
    html = '<a href="http://a.b/">http://a.b/</a> and www.c.d'
    out = make_clickable(html)
    assert out.startswith('<a href="http://a.b/">http://a.b/</a> and <a href="http://www.c.d"')


def test_excerpt_of():
    assert excerpt_of("Teaser\n<!--more Read on-->\nRest") == ("Teaser", True)
    assert excerpt_of("No more tag") == ("No more tag", False)
    assert excerpt_of("") == ("", False)


def test_no_block_comment_survives_stray_closer():
    md = to_markdown("text<!-- /wp:paragraph --><!-- wp:paragraph --><p>y</p><!-- /wp:paragraph -->", ctx())
    assert "wp:" not in md and "y" in md
