"""Hypothesis strategies for the neutral model."""

from __future__ import annotations

from hypothesis import strategies as st

from migrate.model import Author, Comment, Extra, Post, Site, Source, Term, TermRef, WPDate

# Text as WordPress stores it: any Unicode XML 1.0 allows, CDATA terminators,
# entities, markup. (XML-illegal characters are a separate, reported case.)
_xml_char = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14"
                         "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff\r",
)
text = st.one_of(
    st.text(_xml_char, max_size=40),
    st.sampled_from(["", "]]>", "a ]]> b ]]]]>", "&amp; &nbsp;", "<p>Hi</p>", "\u2019\U0001f642\u98ce\u884c", "[caption]x[/caption]"]),
)
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
ident = st.integers(min_value=1, max_value=10**9)
date = st.one_of(
    st.just(WPDate()),
    st.builds(lambda d, g: WPDate(d, g),
              st.dates().map(lambda d: f"{d:%Y-%m-%d} 10:00:00"),
              st.sampled_from(["", "0000-00-00 00:00:00", "2020-02-02 02:02:02"])),
)
meta = st.lists(st.tuples(text, text), max_size=3).map(tuple)
extra = st.lists(
    st.builds(Extra, st.integers(0, 40), st.sampled_from(["<foo>1</foo>", '<x:y xmlns:x="urn:x" a="b">t</x:y>'])),
    max_size=2,
).map(tuple)

comments = st.builds(
    Comment, id=ident, parent=st.integers(0, 5), type=st.sampled_from(["", "comment", "pingback", "trackback", "note"]),
    approved=st.sampled_from(["1", "0", "spam", "trash", "post-trashed"]), author=text, author_email=text,
    author_url=text, author_ip=text, date=date, content=text, user_id=st.integers(0, 99), meta=meta, extra=extra,
    source=st.just(Source()),
)

posts = st.builds(
    Post, id=ident, type=st.sampled_from(["post", "page", "attachment", "nav_menu_item", "book"]),
    status=st.sampled_from(["publish", "draft", "future", "private", "pending", "inherit", "trash"]),
    title=text, link=text, guid=text, pub_date=text, creator=slug, content=text, excerpt=text, date=date,
    modified=date, comment_status=st.sampled_from(["open", "closed"]), ping_status=st.sampled_from(["open", "closed"]),
    slug=text, parent=st.integers(0, 100), menu_order=st.integers(0, 10), password=text, sticky=st.booleans(),
    attachment_url=text,
    terms=st.lists(st.builds(TermRef, st.sampled_from(["category", "post_tag", "genre"]), slug, text), max_size=3).map(tuple),
    meta=meta, comments=st.lists(comments, max_size=4).map(tuple), extra=extra, source=st.just(Source()),
    has_modified=st.booleans(), has_sticky=st.booleans(),
)

sites = st.builds(
    Site, title=text, link=text, description=text, language=st.sampled_from(["en-US", "zh-CN", ""]),
    pub_date=text, wxr_version=st.sampled_from(["1.0", "1.1", "1.2"]), base_site_url=text, base_blog_url=text,
    generator=text,
    authors=st.lists(st.builds(Author, login=slug, id=st.one_of(st.none(), ident), email=text, display_name=text,
                               first_name=text, last_name=text, extra=extra,
                               element=st.sampled_from(["author", "wp_author"])), max_size=3,
                     unique_by=lambda a: a.login).map(tuple),
    terms=st.lists(st.builds(Term, st.sampled_from(["category", "post_tag", "genre"]), slug, text,
                             st.one_of(st.none(), ident), st.just(""), text, meta, extra), max_size=4,
                   unique_by=lambda t: (t.taxonomy, t.slug)).map(tuple),
    extra=extra, sources=st.just(()), declares_terms=st.booleans(),
)
