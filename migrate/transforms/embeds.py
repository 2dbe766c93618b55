"""WordPress's auto-embeds: a URL alone on its line, or alone in a paragraph.

Before wpautop and the shortcodes, ``WP_Embed::autoembed`` turns such a URL
into the provider's player when WordPress knows the provider (its oEmbed
list; Jetpack adds Instagram and Facebook) or the URL is an audio or video
file, and leaves any other URL as it is. Here the URL becomes the
``[embed]``, ``[audio]`` or ``[video]`` shortcode WordPress would have run,
so the shortcode step renders it like a written one (an embed figure the
Markdown step turns into a link or a Hugo shortcode, or a player).
"""

from __future__ import annotations

import html
import re

from migrate.transforms.wpautop import wp_html_split

#: (provider slug, URL pattern) after WordPress's oEmbed providers.
PROVIDERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx, re.I)) for name, rx in (
    ("youtube", r"https?://(?:(?:m|www)\.)?youtube\.com/(?:watch|playlist|shorts/|live/)|https?://youtu\.be/"),
    ("vimeo", r"https?://(?:[\w-]+\.)?vimeo\.com/"),
    ("dailymotion", r"https?://(?:www\.)?dailymotion\.com/|https?://dai\.ly/"),
    ("flickr", r"https?://(?:www\.)?flickr\.com/|https?://flic\.kr/"),
    ("smugmug", r"https?://(?:[\w-]+\.)?smugmug\.com/"),
    ("scribd", r"https?://(?:www\.)?scribd\.com/(?:doc|document)/"),
    ("wordpress-tv", r"https?://wordpress\.tv/"),
    ("crowdsignal", r"https?://(?:[\w-]+\.)?(?:crowdsignal\.net|polldaddy\.com)/|https?://(?:poll|survey)\.fm/"),
    ("twitter", r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,15}/(?:status(?:es)?|likes|lists|timelines)"
                r"|https?://(?:www\.)?(?:twitter|x)\.com/\w{1,15}/?(?:[?#]|$)"),
    ("soundcloud", r"https?://(?:www\.|m\.)?soundcloud\.com/"),
    ("slideshare", r"https?://(?:[\w-]+\.)?slideshare\.net/"),
    ("spotify", r"https?://(?:open|play)\.spotify\.com/"),
    ("imgur", r"https?://(?:[\w-]+\.)?imgur\.com/"),
    ("issuu", r"https?://(?:www\.)?issuu\.com/.+/docs/"),
    ("mixcloud", r"https?://(?:www\.)?mixcloud\.com/"),
    ("ted", r"https?://(?:www\.|embed\.)?ted\.com/talks/"),
    ("animoto", r"https?://(?:[\w-]+\.)?(?:animoto|video214)\.com/play/"),
    ("tumblr", r"https?://[\w-]+\.tumblr\.com/(?:post|[\w-]+/\d)"),
    ("kickstarter", r"https?://(?:www\.)?kickstarter\.com/projects/|https?://kck\.st/"),
    ("cloudup", r"https?://cloudup\.com/"),
    ("reverbnation", r"https?://(?:www\.)?reverbnation\.com/"),
    ("videopress", r"https?://videopress\.com/v/"),
    ("reddit", r"https?://(?:www\.)?reddit\.com/r/[^/]+/comments/"),
    ("speaker-deck", r"https?://(?:www\.)?speakerdeck\.com/"),
    ("screencast", r"https?://(?:www\.)?screencast\.com/"),
    ("amazon", r"https?://(?:[\w-]+\.)?amazon\.(?:com|co\.uk|de|fr|it|es|in|nl|ca|com\.mx|com\.au|co\.jp)/"
               r"|https?://(?:www\.)?a\.co/|https?://amzn\.(?:to|eu|in|asia)/"),
    ("someecards", r"https?://(?:www\.)?someecards\.com/|https?://some\.ly/"),
    ("tiktok", r"https?://(?:www\.)?tiktok\.com/"),
    ("pinterest", r"https?://(?:www\.)?pinterest\.(?:com|[a-z]{2}|co\.uk|com\.au|com\.mx)/"),
    ("wolfram-cloud", r"https?://(?:www\.)?wolframcloud\.com/obj/"),
    ("anghami", r"https?://(?:www\.)?anghami\.com/"),
    ("bluesky", r"https?://bsky\.app/profile/[^/]+/post/"),
    ("pocket-casts", r"https?://pca\.st/"),
    ("canva", r"https?://(?:www\.)?canva\.com/design/"),
    ("instagram", r"https?://(?:www\.)?(?:instagram\.com|instagr\.am)/(?:p|reel|tv)/"),
    ("facebook", r"https?://(?:www\.)?facebook\.com/"),
))

#: WordPress's audio and video embed handlers: a link to such a file becomes a player.
AUDIO_FILE = re.compile(r"https?://.+?\.(?:mp3|ogg|flac|m4a|wav)$", re.I)
VIDEO_FILE = re.compile(r"https?://.+?\.(?:mp4|m4v|webm|ogv|flv)$", re.I)

_OWN_LINE = re.compile(r'^([ \t]*)(https?://[^\s<>"]+)([ \t\r]*)$', re.I | re.M)
_OWN_PARAGRAPH = re.compile(r'<p(?: [^<>]*)?>\s*(https?://[^\s<>"]+)\s*</p>', re.I)
_LINE_BREAK = "<!-- wp-line-break -->"


def provider_of(url: str) -> str:
    """The provider slug of an embeddable URL, or ""."""
    return next((name for name, rx in PROVIDERS if rx.match(url)), "")


def _shortcode(url: str) -> str | None:
    """The shortcode WordPress runs for ``url``, None when it leaves the URL alone."""
    plain = html.unescape(url)
    if AUDIO_FILE.match(plain):
        return f'[audio src="{url}"][/audio]'
    if VIDEO_FILE.match(plain):
        return f'[video src="{url}"][/video]'
    if provider_of(plain):
        return f"[embed]{url}[/embed]"
    return None


_URL_LINE = re.compile(r'https?://[^\s<>"]+\Z', re.I)


def may_embed(text: str) -> bool:
    """Whether ``text`` has a line that is a URL, or a paragraph that is one:
    a look at the line of each "://", far cheaper than the patterns below."""
    if _OWN_PARAGRAPH.search(text) is not None:
        return True
    i = text.find("://")
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        if _URL_LINE.match(text[start:end].strip()):
            return True
        i = text.find("://", end)
    return False


def autoembed(text: str, quick: bool = True) -> str:
    """``WP_Embed::autoembed``: each URL alone on its line or in its paragraph
    that WordPress embeds becomes the shortcode that embeds it.

    ``quick`` skips a text :func:`may_embed` rules out (the tests compare both).
    """
    if "://" not in text or quick and not may_embed(text):
        return text
    protected = False
    if "\n" in text and "<" in text:  # a line break inside a tag does not start a line
        parts = wp_html_split(text)
        protected = any(part.startswith("<") and "\n" in part for part in parts)
        if protected:
            text = "".join(part.replace("\n", _LINE_BREAK) if part.startswith("<") else part for part in parts)

    def own_line(m: re.Match[str]) -> str:
        code = _shortcode(m.group(2))
        return m.group(0) if code is None else m.group(1) + code + m.group(3)

    def own_paragraph(m: re.Match[str]) -> str:
        code = _shortcode(m.group(1))
        return m.group(0) if code is None else code

    text = _OWN_LINE.sub(own_line, text)
    if "<p" in text or "<P" in text:
        text = _OWN_PARAGRAPH.sub(own_paragraph, text)
    return text.replace(_LINE_BREAK, "\n") if protected else text


__all__ = ["AUDIO_FILE", "PROVIDERS", "VIDEO_FILE", "autoembed", "may_embed", "provider_of"]
