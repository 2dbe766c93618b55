"""WordPress's auto-embeds: a URL alone on its line or in its paragraph."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.transforms.context import TransformContext
from migrate.transforms.embeds import autoembed, provider_of
from migrate.transforms.pipeline import prepare_html, to_markdown

YT = "https://www.youtube.com/watch?v=SQEQr7c0-dw"


def test_a_known_providers_url_on_its_own_line_is_embedded():
    assert autoembed(f"Intro\n{YT}\nafter") == f"Intro\n[embed]{YT}[/embed]\nafter"
    assert autoembed(f"  {YT}  ") == f"  [embed]{YT}[/embed]  "
    assert autoembed(f"see {YT} here") == f"see {YT} here"  # not alone on its line


def test_other_urls_and_media_files():
    assert autoembed("https://example.com/page") == "https://example.com/page"
    assert autoembed("https://e.x/up/a.MP3") == '[audio src="https://e.x/up/a.MP3"][/audio]'
    assert autoembed("https://e.x/up/clip.mp4") == '[video src="https://e.x/up/clip.mp4"][/video]'
    assert autoembed("https://e.x/up/clip.mp4?x=1") == "https://e.x/up/clip.mp4?x=1"


def test_a_url_alone_in_a_paragraph_and_not_inside_a_tag():
    assert autoembed('<p class="x"> https://vimeo.com/123 </p>') == "[embed]https://vimeo.com/123[/embed]"
    tag = f'<img\nsrc="x" alt="\n{YT}\n">'
    assert autoembed(tag) == tag


def test_providers_follow_wordpress():
    assert provider_of("https://youtu.be/abc") == "youtube"
    assert provider_of("https://twitter.com/nacin/status/319508408669708289") == "twitter"
    assert provider_of("https://wordpress.tv/2009/03/16/x/") == "wordpress-tv"
    assert provider_of("https://www.youtube.com/channel/abc") == ""
    assert provider_of("https://example.com/") == ""


_PIECES = st.sampled_from([YT, "https://example.com/a", "https://e.x/a.mp3", "word", " ", "\t", "\r", "\n", "<p>",
                           "</p>", '<p class="c">', '<a href="x"\n>', "<P>", "&amp;", ":", "//"])


@settings(max_examples=400)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_autoembed_only_wraps_urls(text):
    once = autoembed(text)
    assert autoembed(text, quick=False) == once  # the quick look never hides an embed
    unwrapped = re.sub(r'\[embed\](.*?)\[/embed\]|\[audio src="(.*?)"\]\[/audio\]', lambda m: m.group(1) or m.group(2),
                       once)
    # nothing but the shortcodes around the URLs changed (a paragraph's own tags go with it)
    def bare(t: str) -> str:
        return re.sub(r"<p(?: [^>]*)?>\s*|\s*</p>", "", t, flags=re.I)

    assert bare(unwrapped) == bare(text)


def test_classic_and_block_posts_through_the_pipeline():
    ctx = TransformContext()
    html = prepare_html(f"Watch:\n\n{YT}\n\n<pre>\n{YT}\n</pre>", ctx)
    assert html.count('class="wp-block-embed" data-provider="youtube"') == 1
    assert f"<pre>\n{YT}\n</pre>" in html
    block = f"<!-- wp:paragraph -->\n<p>{YT}</p>\n<!-- /wp:paragraph -->"
    assert 'data-provider="youtube"' in prepare_html(block, ctx)
    embed_block = ('<!-- wp:embed {"url":"%s","type":"video","providerNameSlug":"youtube"} -->\n'
                   '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n%s\n</div></figure>\n'
                   "<!-- /wp:embed -->") % (YT, YT)
    assert prepare_html(embed_block, ctx).count("wp-block-embed") == 1
    # WordPress runs [embed] before the auto-embeds: its URL line is embedded once
    for written in (f"[embed]\n{YT}\n[/embed]",
                    f"<!-- wp:shortcode -->\n[embed]\n{YT}\n[/embed]\n<!-- /wp:shortcode -->"):
        html = prepare_html(written, ctx)
        assert re.findall(r'data-url="([^"]*)"', html) == [YT.replace("&", "&amp;")] and "embed]" not in html
    assert to_markdown("https://wordpress.tv/2009/03/16/a-theme/", ctx).strip() == \
        "<https://wordpress.tv/2009/03/16/a-theme/>"
