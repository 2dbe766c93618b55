"""Shortcodes: WordPress's own cases (tests/phpunit/tests/shortcode.php), the
built-in handlers, unknown-shortcode findings and property tests."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.transforms import shortcodes as S
from migrate.transforms.context import AttachmentInfo, TransformContext
from migrate.transforms.shortcodes import (
    CODE_TAGS,
    KNOWN_TAGS,
    Shortcode,
    expand_shortcodes,
    find_shortcodes,
    parse_atts,
    register,
    registered_tags,
    unregister,
)
from migrate.transforms.wpautop import wpautop

TEST_TAGS = ("test-shortcode-tag", "footag", "bartag", "baztag", "dumptag",
             "hyphen", "hyphen-foo", "hyphen-foo-bar", "url", "img")


class Recorder:
    """Remembers what the last test-shortcode-tag call received (like the PHP test)."""

    def __init__(self) -> None:
        self.calls: list[Shortcode] = []

    def __call__(self, sc: Shortcode, ctx: TransformContext) -> str:
        self.calls.append(sc)
        return ""

    @property
    def last(self) -> Shortcode:
        return self.calls[-1]


def _dump(sc: Shortcode, ctx: TransformContext) -> str:
    lines = [f"{i} = {v}" for i, v in enumerate(sc.positional)]
    lines[:0] = [f"{k} = {v}" for k, v in sc.attrs.items()]
    return "".join(line + "\n" for line in lines)


@pytest.fixture
def rec() -> Iterator[Recorder]:
    r = Recorder()
    register("test-shortcode-tag", r)
    register("footag", lambda sc, ctx: f"foo = {sc.attrs.get('foo', '')}")
    register("bartag", lambda sc, ctx: f"foo = {sc.attrs.get('foo', 'no foo')}")
    register("baztag", lambda sc, ctx: "content = " + expand_shortcodes(sc.content or "", ctx))
    register("dumptag", _dump)
    for name in ("hyphen", "hyphen-foo", "hyphen-foo-bar"):
        register(name, lambda sc, ctx, n=name: "_shortcode_" + n.replace("-", "_"))
    register("url", lambda sc, ctx: "http://www.wordpress.org/")
    yield r
    for tag in TEST_TAGS:
        unregister(tag)


def do(text: str, ctx: TransformContext | None = None) -> str:
    return expand_shortcodes(text, ctx or TransformContext(), report_unknown=False)


# ----------------------------------------------------------- shortcode.php.
def test_noatts(rec: Recorder) -> None:
    do("[test-shortcode-tag /]")
    assert rec.last.attrs == {} and rec.last.positional == ()
    assert rec.last.tag == "test-shortcode-tag"


def test_one_att(rec: Recorder) -> None:
    do('[test-shortcode-tag foo="asdf" /]')
    assert rec.last.attrs == {"foo": "asdf"}


def test_not_a_tag(rec: Recorder) -> None:
    assert do("[not-a-shortcode-tag]") == "[not-a-shortcode-tag]"


@pytest.mark.parametrize("text", ["[dumptag-notreal]", "[dumptag_notreal]", "[dumptagnotreal]"])
def test_tag_prefix_is_not_tag(rec: Recorder, text: str) -> None:  # ticket 17657
    assert do(text) == text


def test_tag_hyphen(rec: Recorder) -> None:  # ticket 17657
    assert do("[hyphen]") == "_shortcode_hyphen"
    assert do("[hyphen-foo]") == "_shortcode_hyphen_foo"
    assert do("[hyphen-foo-bar]") == "_shortcode_hyphen_foo_bar"
    assert do("[hyphen-baz]") == "[hyphen-baz]"
    assert do("[hyphen-foo-bar-baz]") == "[hyphen-foo-bar-baz]"


def test_attr_hyphen(rec: Recorder) -> None:  # ticket 9405
    do('[test-shortcode-tag foo="foo" foo-bar="foo-bar" foo-bar-="foo-bar-" -foo-bar="-foo-bar" '
       '-foo-bar-="-foo-bar-" foo-bar-baz="foo-bar-baz" -foo-bar-baz="-foo-bar-baz" '
       'foo--bar="foo--bar" /]')
    assert rec.last.attrs == {k: k for k in (
        "foo", "foo-bar", "foo-bar-", "-foo-bar", "-foo-bar-", "foo-bar-baz",
        "-foo-bar-baz", "foo--bar")}


def test_two_atts(rec: Recorder) -> None:
    do('[test-shortcode-tag foo="asdf" bar="bing" /]')
    assert rec.last.attrs == {"foo": "asdf", "bar": "bing"}


def test_enclosing(rec: Recorder) -> None:
    do("[test-shortcode-tag]content[/test-shortcode-tag]")
    assert rec.last.attrs == {} and rec.last.content == "content"
    do('[test-shortcode-tag foo="bar" baz="bing"]content[/test-shortcode-tag]')
    assert rec.last.attrs == {"foo": "bar", "baz": "bing"} and rec.last.content == "content"


def test_unclosed(rec: Recorder) -> None:
    assert do("[test-shortcode-tag]") == ""
    assert rec.last.content is None


@pytest.mark.parametrize(
    ("text", "positional", "named"),
    [
        ("[test-shortcode-tag 123]", ("123",), {}),
        ("[test-shortcode-tag http://www.youtube.com/watch?v=eBGIQ7ZuuiU]",
         ("http://www.youtube.com/watch?v=eBGIQ7ZuuiU",), {}),
        ('[test-shortcode-tag "something in quotes" "something else"]',
         ("something in quotes", "something else"), {}),
        ('[test-shortcode-tag 123 https://wordpress.org/ 0 "foo" bar]',
         ("123", "https://wordpress.org/", "0", "foo", "bar"), {}),
        ('[test-shortcode-tag 123 url=https://wordpress.org/ foo bar="baz"]',
         ("123", "foo"), {"url": "https://wordpress.org/", "bar": "baz"}),
        ("[test-shortcode-tag a=\"foo\" b='bar' c=baz foo 'bar' \"baz\" ]test empty atts"
         "[/test-shortcode-tag]", ("foo", "bar", "baz"), {"a": "foo", "b": "bar", "c": "baz"}),
        ("[test-shortcode-tag 'something in quotes' 'something else']",
         ("something in quotes", "something else"), {}),
        ("[test-shortcode-tag 'something in quotes' \"something else\" 123 foo bar='baz' "
         "example=\"test\" ]", ("something in quotes", "something else", "123", "foo"),
         {"bar": "baz", "example": "test"}),
    ],
)
def test_positional_atts(rec: Recorder, text: str, positional: tuple, named: dict) -> None:
    assert do(text) == ""
    assert rec.last.positional == positional and rec.last.attrs == named


def test_footag(rec: Recorder) -> None:
    assert do("[footag]") == "foo = "
    assert do('[footag foo="xyz"]') == "foo = xyz"


def test_nested_tags(rec: Recorder) -> None:
    out = do('[baztag][dumptag abc="foo" def=123 https://wordpress.org/][/baztag]')
    assert out == "content = abc = foo\ndef = 123\n0 = https://wordpress.org\n"


def test_tag_escaped(rec: Recorder) -> None:  # ticket 6518
    assert do('[[footag]] [[bartag foo="bar"]]') == '[footag] [bartag foo="bar"]'
    assert do('[[footag /]] [[bartag foo="bar" /]]') == '[footag /] [bartag foo="bar" /]'
    assert do('[[baztag foo="bar"]the content[/baztag]]') == '[baztag foo="bar"]the content[/baztag]'
    assert do('[[[footag]]] [[[bartag foo="bar"]]]') == '[[footag]] [[bartag foo="bar"]]'


def test_tag_not_escaped(rec: Recorder) -> None:
    assert do('[[footag] [bartag foo="bar"]]') == "[foo =  foo = bar]"
    assert do('[[footag /] [bartag foo="bar" /]]') == "[foo =  foo = bar]"
    assert do('[[baztag foo="bar"]the content[/baztag]') == "[content = the content"
    assert do("[[not-a-tag]]") == "[[not-a-tag]]"
    assert do('[[[footag] [bartag foo="bar"]]]') == "[[foo =  foo = bar]]"


def test_mixed_tags(rec: Recorder) -> None:
    given_ = ('So this is a post with [footag foo="some stuff"] and a bunch of tags.\n\n'
              "[bartag]\n\n[baztag]\nHere's some content\non more than one line\n[/baztag]\n\n"
              '[bartag foo=1] [baztag] [footag foo="2"] [baztag]\n\n[baztag]\nmore content\n[/baztag]\n\n')
    expected = ("So this is a post with foo = some stuff and a bunch of tags.\n\nfoo = no foo\n\n"
                "content =\nHere's some content\non more than one line\n\n\n"
                "foo = 1 content =  foo = 2 content =\ncontent =\nmore content\n\n")
    assert do(given_).split() == expected.split()


@pytest.mark.parametrize("space", ["\u00a0", "\u200b"])
def test_utf8_whitespace(rec: Recorder, space: str) -> None:  # ticket 6562
    do(f'[test-shortcode-tag foo="bar" {space}baz="123"]')
    assert rec.last.attrs == {"foo": "bar", "baz": "123"}


def test_unnamed_attribute(rec: Recorder) -> None:  # ticket 34939
    # The final "/" before "]" is read as self-closing, as in WordPress.
    assert do("[dumptag=https://wordpress.org/]") == "0 = =https://wordpress.org\n"


@pytest.mark.parametrize(
    ("given_", "expected"),
    [  # data_escaping: brackets inside HTML comments and tags are not shortcodes
        ("<!--[if lt IE 7]>", "<!--[if lt IE 7]>"),
        ('1 <a noise="[test-shortcode-tag]"> 2', '1 <a noise="[test-shortcode-tag]"> 2'),
        ("<div [[gallery]]>", "<div [[gallery]]>"),
        ('<div style="selector:url([[gallery]])">', '<div style="selector:url([[gallery]])">'),
        ("[url]", "http://www.wordpress.org/"),
    ],
)
def test_escaping(rec: Recorder, given_: str, expected: str) -> None:
    assert do(given_) == expected


def test_shortcodes_in_attributes_are_kept(rec: Recorder) -> None:
    # WordPress would expand these through KSES; we keep tags byte for byte.
    assert do('<a href="[url]">x</a>') == '<a href="[url]">x</a>'


@pytest.mark.parametrize(
    ("text", "named", "positional"),
    [  # data_shortcode_parse_atts (ticket 47863), as WordPress 6.1 answers them
        ("", {}, ()),
        ("\t", {}, ()),
        ('""', {}, ()),
        ("''", {}, ()),
        ('title="unittest" link="https://unit.test/"',
         {"title": "unittest", "link": "https://unit.test/"}, ()),
        ("[unittest]", {}, ("[unittest]",)),
        ("[unittest link https://unit.test/ /]", {}, ("[unittest", "link", "https://unit.test/", "/]")),
        ("foo=bar=baz", {"foo": "bar=baz"}, ()),
        ("a='it\\'s'", {}, ("a='it's'",)),
        ('a="<b"', {"a": ""}, ()),
        ('a="<b>x</b>"', {"a": "<b>x</b>"}, ()),
        ('x="a\\tb"', {"x": "a\tb"}, ()),
        ('0="zero" A="up"', {"a": "up"}, ()),
    ],
)
def test_parse_atts(text: str, named: dict, positional: tuple) -> None:
    assert parse_atts(text) == (named, positional)


@pytest.mark.parametrize("bad", ["<html>", "[shortcode]", "bad/", "/bad", "bad space", "&amp;", ""])
def test_registration_bad(bad: str) -> None:
    with pytest.raises(ValueError):
        register(bad, lambda sc, ctx: "")
    assert bad not in registered_tags()


@pytest.mark.parametrize("good", ["good!", "plain", "unreserved!#$%()*+,-.;?@^_{|}~chars"])
def test_registration_good(good: str) -> None:
    register(good, lambda sc, ctx: "X")
    try:
        assert good in registered_tags()
        assert do(f"[{good}]") == "X"
    finally:
        unregister(good)


def test_registered_order_and_presence() -> None:
    """do_shortcode only tries names present as "[name", in registration order."""
    register("good", lambda sc, ctx: "G")
    register("good!", lambda sc, ctx: "G!")
    try:
        assert do("[good!]") == "G!"
        # Both present: "good" is tried first and "!" may follow a name.
        assert do("[good] [good!]") == "G G"
    finally:
        unregister("good")
        unregister("good!")


# ----------------------------------------------------------------- finder.
def test_find_shortcodes_any_name() -> None:
    found = list(find_shortcodes('a [foo x="1"]in[/foo] [bar/] [[esc]] [1]'))
    assert [(s.tag, s.content) for s in found] == [("foo", "in"), ("bar", None), ("1", None)]
    assert found[0].raw == '[foo x="1"]in[/foo]' and found[0].attrs == {"x": "1"}
    assert found[1].raw == "[bar/]"


def test_find_shortcodes_registered_only() -> None:
    assert [s.tag for s in find_shortcodes("[a] [b] [c]", ["b"])] == ["b"]


def test_same_tag_does_not_nest() -> None:
    (outer, *_rest) = find_shortcodes("[a][a]x[/a][/a]", ["a"])
    assert outer.content == "[a]x" and outer.raw == "[a][a]x[/a]"


# --------------------------------------------------------------- handlers.
def _ctx(attachments: dict[int, AttachmentInfo] | None = None) -> TransformContext:
    atts = attachments or {}
    return TransformContext(item_id=7, attachment=atts.get)


def codes(ctx: TransformContext) -> list[str]:
    return [f.code for f in ctx.report]


def test_caption_new_syntax() -> None:
    text = ('[caption id="attachment_6" align="alignright" width="300"]<a href="http://x/a.jpg">'
            '<img src="http://x/a-300.jpg" alt="" /></a> Caption <em>text</em>[/caption]')
    assert expand_shortcodes(text, _ctx()) == (
        '<figure class="wp-caption alignright"><a href="http://x/a.jpg"><img src="http://x/a-300.jpg" '
        'alt="" /></a><figcaption>Caption <em>text</em></figcaption></figure>')


def test_caption_old_syntax_and_wp_caption() -> None:
    text = '[wp_caption caption="Old style" width="2"]<img src="a.jpg" />[/wp_caption]'
    assert expand_shortcodes(text, _ctx()) == (
        '<figure class="wp-caption alignnone"><img src="a.jpg" /><figcaption>Old style'
        "</figcaption></figure>")


def test_caption_without_caption_is_its_content() -> None:
    assert expand_shortcodes('[caption width="3"]<img src="a.jpg" />[/caption]', _ctx()) == '<img src="a.jpg" />'


def test_gallery_with_ids() -> None:
    ctx = _ctx({1: AttachmentInfo(1, "http://x/1.jpg", alt="one", caption="First"),
                2: AttachmentInfo(2, "http://x/2.jpg", alt="two")})
    out = expand_shortcodes('[gallery ids="1,2,3" columns="2" link="file"]', ctx)
    assert out == ('<figure class="wp-block-gallery columns-2">'
                   '<figure><a href="http://x/1.jpg"><img src="http://x/1.jpg" alt="one"></a>'
                   "<figcaption>First</figcaption></figure>"
                   '<figure><a href="http://x/2.jpg"><img src="http://x/2.jpg" alt="two"></a></figure>'
                   "</figure>")
    assert codes(ctx) == ["media-missing"]


def test_jetpack_slideshow_is_the_gallery() -> None:
    ctx = _ctx({1: AttachmentInfo(1, "http://x/1.jpg", alt="one")})
    assert expand_shortcodes('[slideshow ids="1"]', ctx) == expand_shortcodes('[gallery ids="1"]', ctx)
    assert 'src="http://x/1.jpg"' in expand_shortcodes('[slideshow ids="1"]', ctx)


def test_gallery_uses_resolve_media() -> None:
    ctx = _ctx({5: AttachmentInfo(5, "http://old/5.jpg")})
    ctx.resolve_media = lambda url: "/media/5.jpg"
    assert 'src="/media/5.jpg"' in expand_shortcodes("[gallery include=5]", ctx)


def test_gallery_without_ids() -> None:
    ctx = _ctx()
    out = expand_shortcodes('[gallery columns="4"]', ctx)
    assert out == '<div class="gallery" data-wp-gallery="columns=&quot;4&quot;"></div>'
    assert codes(ctx) == ["gallery-unresolved"]


def test_playlist_without_ids_lists_the_posts_attached_tracks() -> None:
    ctx = _ctx()
    ctx.item_id = 9
    ctx.attached = lambda post_id: [AttachmentInfo(11, "http://x/a.jpg"), AttachmentInfo(12, "http://x/t.mp3", title="Track"),
                                    AttachmentInfo(13, "http://x/v.mp4", title="Clip")] if post_id == 9 else []
    assert expand_shortcodes("[playlist]", ctx) == '<ul class="wp-playlist"><li><a href="http://x/t.mp3">Track</a></li></ul>'
    assert expand_shortcodes('[playlist type="video"]', ctx) == (
        '<ul class="wp-playlist"><li><a href="http://x/v.mp4">Clip</a></li></ul>')
    assert codes(ctx) == []


def test_gallery_without_ids_shows_the_posts_attached_images() -> None:
    children = {
        9: [AttachmentInfo(11, "http://x/b.png", alt="b"), AttachmentInfo(12, "http://x/c.pdf"),
            AttachmentInfo(13, "http://x/d.jpg", alt="d"), AttachmentInfo(14, "http://x/e.jpg")],
        4: [AttachmentInfo(40, "http://x/other.jpg")],
    }
    ctx = _ctx()
    ctx.item_id = 9
    ctx.attached = lambda post_id: children.get(post_id, [])
    out = expand_shortcodes('[gallery exclude="14"]', ctx)
    assert out == ('<figure class="wp-block-gallery columns-3">'
                   '<figure><img src="http://x/b.png" alt="b"></figure>'
                   '<figure><img src="http://x/d.jpg" alt="d"></figure></figure>')
    assert 'src="http://x/other.jpg"' in expand_shortcodes('[gallery id="4"]', ctx)
    assert codes(ctx) == []


def _embed(url: str, provider: str) -> str:
    return (f'<figure class="wp-block-embed" data-provider="{provider}" data-url="{url}">'
            f'<p><a href="{url}">{url}</a></p></figure>')


@pytest.mark.parametrize(
    ("text", "url", "provider"),
    [
        ('[embed width="500"]https://www.youtube.com/watch?v=abc[/embed]',
         "https://www.youtube.com/watch?v=abc", "youtube"),
        ("[embed]https://example.com/post[/embed]", "https://example.com/post", ""),
        ("[youtube https://www.youtube.com/watch?v=abc]", "https://www.youtube.com/watch?v=abc", "youtube"),
        ("[youtube=http://www.youtube.com/watch?v=abc&amp;w=320&amp;h=240]",
         "http://www.youtube.com/watch?v=abc", "youtube"),
        ("[youtube abc123]", "https://www.youtube.com/watch?v=abc123", "youtube"),
        ("[vimeo 12345]", "https://vimeo.com/12345", "vimeo"),
        ("[vimeo https://vimeo.com/12345]", "https://vimeo.com/12345", "vimeo"),
        # WordPress.com and Jetpack
        ("[vimeo id=12345 w=400]", "https://vimeo.com/12345", "vimeo"),
        ("[gist user/abc123]", "https://gist.github.com/user/abc123", "gist"),
        ("[gist https://gist.github.com/user/abc123]", "https://gist.github.com/user/abc123", "gist"),
        ("[tweet 123456]", "https://twitter.com/i/status/123456", "twitter"),
        ("[tweet https://twitter.com/u/status/1]", "https://twitter.com/u/status/1", "twitter"),
        ("[polldaddy poll=9541291]", "https://poll.fm/9541291", "crowdsignal"),
        ("[dailymotion id=x8oma9]", "https://www.dailymotion.com/video/x8oma9", "dailymotion"),
        ("[ted id=981 lang=en]", "https://www.ted.com/talks/view/id/981", "ted"),
        ('[spotify id="spotify:track:4bz7uB4edifWKJXSDxwHcs" width="300"]',
         "https://open.spotify.com/track/4bz7uB4edifWKJXSDxwHcs", "spotify"),
        ("[wpvideo bd2G0c0g w=640]", "https://videopress.com/v/bd2G0c0g", "videopress"),
        ('[soundcloud url="https://api.soundcloud.com/tracks/1" params="" iframe="true" /]',
         "https://api.soundcloud.com/tracks/1", "soundcloud"),
        ("[googlemaps https://maps.google.com/maps?q=x&amp;w=425&amp;h=350]", "https://maps.google.com/maps?q=x",
         "google-maps"),
        ("[slideshare id=5342235&amp;doc=camp-1010&amp;w=425]",
         "https://www.slideshare.net/slideshow/embed_code/5342235", "slideshare"),
    ],
)
def test_embeds(text: str, url: str, provider: str) -> None:
    assert expand_shortcodes(text, _ctx()) == _embed(url, provider)


def test_audio_and_video() -> None:
    ctx = _ctx()
    assert expand_shortcodes('[audio mp3="http://x/a.mp3"][/audio]', ctx) == (
        '<audio controls src="http://x/a.mp3"></audio>')
    assert expand_shortcodes('[audio src="http://x/a.ogg" wav="http://x/a.wav"]', ctx) == (
        '<audio controls><source src="http://x/a.ogg" type="audio/ogg">'
        '<source src="http://x/a.wav" type="audio/wav"></audio>')
    assert expand_shortcodes('[video mp4="http://x/v.mp4" poster="http://x/p.jpg"]', ctx) == (
        '<video controls src="http://x/v.mp4" poster="http://x/p.jpg"></video>')


def test_playlist() -> None:
    ctx = _ctx({3: AttachmentInfo(3, "http://x/s.mp3", title="Song")})
    assert expand_shortcodes('[playlist ids="3,4"]', ctx) == (
        '<ul class="wp-playlist"><li><a href="http://x/s.mp3">Song</a></li></ul>')
    assert codes(ctx) == ["media-missing"]
    ctx = _ctx()
    expand_shortcodes("[playlist]", ctx)
    assert codes(ctx) == ["playlist-unresolved"]


# ------------------------------------------------------------------- code.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[code language="python"]\nif a < b:\n    print("&lt;b&gt;")\n[/code]',
         '<pre><code class="language-python">if a &lt; b:\n    print("&lt;b&gt;")</code></pre>'),
        ("[sourcecode lang=js]var a = b &amp;&amp; c;[/sourcecode]",
         '<pre><code class="language-javascript">var a = b &amp;&amp; c;</code></pre>'),
        ("[php]<?php echo 1; ?>[/php]", '<pre><code class="language-php">&lt;?php echo 1; ?&gt;</code></pre>'),
        ("[py]x = 1[/py]", '<pre><code class="language-python">x = 1</code></pre>'),
        ("[source]plain[/source]", "<pre><code>plain</code></pre>"),
    ],
)
def test_code_shortcodes(text: str, expected: str) -> None:
    assert expand_shortcodes(text, _ctx(), only=CODE_TAGS) == expected


def test_code_before_wpautop_keeps_lines() -> None:
    text = "Intro\n\n[python]\ndef f():\n\n    return 1\n[/python]\n\nEnd"
    html = wpautop(expand_shortcodes(text, _ctx(), only=CODE_TAGS))
    assert '<pre><code class="language-python">def f():\n\n    return 1</code></pre>' in html
    assert "<br />" not in html


def test_code_pass_leaves_other_shortcodes() -> None:
    ctx = _ctx()
    text = '[caption caption="c" width="1"]<img src="a" />[/caption][c]int x;[/c]'
    out = expand_shortcodes(text, ctx, only=CODE_TAGS)
    assert out.startswith('[caption caption="c" width="1"]')
    assert out.endswith('<pre><code class="language-c">int x;</code></pre>')
    assert codes(ctx) == []


@pytest.mark.parametrize(
    "text",
    ["<pre>[code]x[/code] [gallery ids=1]</pre>", "<code>[caption]a[/caption]</code>",
     "<PRE class='x'>[foo bar=1]</PRE>", "<code>[php]echo 1;[/php]"],
)
def test_pre_and_code_are_never_changed(text: str) -> None:
    ctx = _ctx()
    assert expand_shortcodes(text, ctx) == text
    assert expand_shortcodes(text, ctx, only=CODE_TAGS) == text
    assert codes(ctx) == []


def test_known_and_code_tags() -> None:
    assert {"caption", "wp_caption", "gallery", "embed", "youtube", "vimeo", "audio", "video",
            "playlist", "code", "sourcecode", "source"} <= KNOWN_TAGS
    assert {"python", "php", "js", "javascript", "css", "html", "xml", "bash", "shell", "sql",
            "ruby", "java", "c", "cpp", "csharp", "go", "perl", "text", "plain", "diff",
            "yaml", "json"} <= CODE_TAGS <= KNOWN_TAGS
    assert KNOWN_TAGS <= registered_tags()


def test_handler_none_keeps_verbatim_and_errors_are_reported() -> None:
    register("keepme", lambda sc, ctx: None)
    register("boom", lambda sc, ctx: 1 / 0)
    try:
        ctx = _ctx()
        assert expand_shortcodes("[keepme a=1] [boom x=1]y[/boom]", ctx) == "[keepme a=1] [boom x=1]y[/boom]"
        assert codes(ctx) == ["shortcode-error"]
    finally:
        unregister("keepme")
        unregister("boom")


def test_entry_point_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    class EP:
        def __init__(self, name: str, fn) -> None:
            self.name, self._fn = name, fn

        def load(self):
            return self._fn

    def fake_entry_points(group: str):
        assert group == "migrate.shortcodes"
        return [EP("plugged", lambda sc, ctx: "<b>P</b>"), EP("bad name", lambda sc, ctx: "")]

    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    monkeypatch.setattr(S, "_PLUGINS", None)
    assert "plugged" in registered_tags() and "bad name" not in registered_tags()
    assert expand_shortcodes("[plugged]", _ctx()) == "<b>P</b>"
    monkeypatch.setattr(S, "_PLUGINS", None)


# ------------------------------------------------------ unknown shortcodes.
@pytest.mark.parametrize(
    "text",
    ["see [1] and [2]", "[sic]", "[citation needed]", "[…]", "[...]", "[ ] todo [x] done",
     "a [link](http://x)", "[edit: typo]", "[[escaped attr=1]]", "[Überschrift]", "[i=0]",
     "<!--[if IE]><![endif]-->", '<a title="[foo bar=1]">'],
)
def test_not_reported(text: str) -> None:
    ctx = _ctx()
    assert expand_shortcodes(text, ctx) == text
    assert codes(ctx) == []


@pytest.mark.parametrize(
    ("text", "tag"),
    [('[foo bar="1"]', "foo"), ("[note]careful[/note]", "note"), ("[contact-form-7 id=12]", "contact-form-7"),
     ('[wpforms id="3"]', "wpforms"), ("[et_pb_section]", "et_pb_section"), ("[spacer /]", "spacer"),
     ("[mymaps=http://maps]", "mymaps"),
     ('[caption width="1"]<img src="a" /> [inner k=v][/caption]', "inner")],
)
def test_reported(text: str, tag: str) -> None:
    ctx = _ctx()
    expand_shortcodes(text, ctx)
    found = list(ctx.report)
    assert [f.code for f in found] == ["shortcode-unknown"]
    assert f"[{tag}]" in found[0].message and found[0].severity == "warning"
    assert found[0].item_id == 7


def test_reported_once_per_tag_per_item() -> None:
    ctx = _ctx()
    expand_shortcodes('[foo a=1] [foo b=2] [bar c="3"]', ctx)
    expand_shortcodes("[foo a=1]", ctx)
    assert sorted(f.message.split()[2] for f in ctx.report) == ["[bar]", "[foo]"]
    other = _ctx()
    expand_shortcodes("[foo a=1]", other)
    assert codes(other) == ["shortcode-unknown"]


def test_code_pass_does_not_report() -> None:
    ctx = _ctx()
    expand_shortcodes("[foo a=1]", ctx, only=CODE_TAGS)
    assert codes(ctx) == []


# ------------------------------------------------------- property tests.
_SC_PIECES = st.sampled_from([
    "[a]", "[/a]", "[b x=1]", "[/b]", "[a/]", "[[a]]", "[[", "]]", "[", "]", "/", "=", '"', "'",
    "<p>", "</p>", "<code>", "</code>", "<!--", "-->", "text", " ", "\n", "[1]", "[foo bar=2]",
    "[/foo]", "[caption]", "[/caption]", "<img src=x>", "[code]", "[/code]", "\u00a0",
])
_SC_TEXT = st.one_of(st.text(max_size=200), st.lists(_SC_PIECES, max_size=40).map("".join))


def _reassemble(text: str, tags) -> str:
    out, pos = [], 0
    for sc in find_shortcodes(text, tags):
        assert text[sc.start:sc.end] == sc.raw
        assert sc.start >= pos
        out.append(text[pos:sc.start])
        out.append(sc.raw)
        pos = sc.end
    out.append(text[pos:])
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(_SC_TEXT)
def test_parser_never_loses_text(text: str) -> None:
    assert _reassemble(text, None) == text
    assert _reassemble(text, ["a", "b", "caption"]) == text


@settings(max_examples=300, deadline=None)
@given(_SC_TEXT)
def test_expansion_never_crashes(text: str) -> None:
    ctx = _ctx()
    out = expand_shortcodes(text, ctx, only=CODE_TAGS)
    assert isinstance(expand_shortcodes(out, ctx), str)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="[]"), max_size=200))
def test_text_without_brackets_is_untouched(text: str) -> None:
    assert expand_shortcodes(text, _ctx()) == text


@pytest.mark.parametrize(
    "hostile",
    ["[a]" * 10_000, "[a]" * 10_000 + "[/a]" * 10_000, "[a" * 30_000, "[" * 100_000,
     "[[a]]" * 20_000, "[a x=" * 20_000 + "]", "[caption]" * 10_000 + "[/caption]",
     "".join(f"[t{i}]" for i in range(5_000)) + "".join(f"[/t{i}]" for i in reversed(range(5_000))),
     "<code>" + "[a]" * 10_000, "<p [a]" * 20_000],
    ids=lambda s: repr(s[:10]),
)
def test_bounded_time_on_pathological_input(hostile: str) -> None:
    register("a", lambda sc, ctx: "<i>" + expand_shortcodes(sc.content or "", ctx) + "</i>")
    try:
        start = time.perf_counter()
        list(find_shortcodes(hostile))
        expand_shortcodes(hostile, _ctx())
        expand_shortcodes(hostile, _ctx(), only=CODE_TAGS)
        assert time.perf_counter() - start < 5.0
    finally:
        unregister("a")


def test_deep_distinct_nesting_has_no_recursion_error() -> None:
    """Handlers that expand their content recurse; depth is capped, not fatal."""
    n = 300
    for i in range(n):
        register(f"n{i}", lambda sc, ctx: expand_shortcodes(sc.content or "", ctx))
    try:
        text = "".join(f"[n{i}]" for i in range(n)) + "x" + "".join(f"[/n{i}]" for i in reversed(range(n)))
        ctx = _ctx()
        out = expand_shortcodes(text, ctx)
        assert "x" in out
        assert "shortcode-nesting" in codes(ctx)
    finally:
        for i in range(n):
            unregister(f"n{i}")
