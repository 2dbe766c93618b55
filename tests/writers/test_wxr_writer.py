"""The WXR writer: the identity on arbitrary models, what WordPress's importer needs, parts, merges."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import migrate
from migrate.errors import Report, UsageError
from migrate.model import (
    Author, Comment, Extra, Post, Site, Source, Term, TermRef, WPDate, in_memory,
)
from migrate.writers.wxr import NAMESPACES, parse_size, write
from tests.conftest import CORPUS, corpus_files
from tests.writers.test_roundtrip import differences, read_any

# ---------------------------------------------------------------- strategies

_ILLEGAL = "".join(chr(c) for c in range(0x20) if c not in (9, 10, 13)) + "\ufffe\uffff"
xml_char = st.characters(blacklist_categories=("Cs",), blacklist_characters=_ILLEGAL)
text = st.one_of(
    st.text(xml_char, max_size=30),
    st.sampled_from(["", " ", "]]>", "a]]>b]]]]>c", "x\r\ny\rz", "&amp; &nbsp; <p>Hi</p>", "\U0001f642 风行 é",
                     "<![CDATA[inner]]>", "  padded  ", "\t\n"]),
)
slug = st.from_regex(r"[a-z0-9][a-z0-9%-]{0,12}", fullmatch=True)
ident = st.integers(min_value=-5, max_value=10**12)
raw_date = st.sampled_from(["", "0000-00-00 00:00:00", "2020-02-29 23:59:59", "1999-01-01 00:00:00", "garbage"])
date = st.builds(WPDate, raw_date, raw_date)
meta = st.lists(st.tuples(text, text), max_size=3).map(tuple)
extra_xml = st.sampled_from([
    "<foo>1</foo>",
    '<x:y xmlns:x="urn:x" a="b&amp;c">t<x:z/></x:y>',
    "<description>not empty</description>",
    "<description/>",
    '<wp:future xmlns:wp="http://wordpress.org/export/1.2/">v</wp:future>',
    '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://e.x/feed/"/>',
    "<plain>a &lt; b</plain>",
])


# The channel's own elements (title, description …) are never unknown there.
channel_xml = st.sampled_from([
    "<foo>1</foo>",
    '<x:y xmlns:x="urn:x" a="b&amp;c">t<x:z/></x:y>',
    "<generator>https://wordpress.org/?v=6.4</generator>",
    '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://e.x/feed/"/>',
])
# Inside a wp: element (author, term, comment) the wp prefix is always in
# scope, so an unknown element read there always declares it.
nested_xml = st.sampled_from([
    '<foo xmlns:wp="http://wordpress.org/export/1.2/">1</foo>',
    '<wp:future xmlns:wp="http://wordpress.org/export/1.2/">v</wp:future>',
    '<x:y xmlns:x="urn:x" xmlns:wp="https://wordpress.org/export/1.2/" a="1"/>',
])


def extras(max_pos: int = 40, xml=extra_xml):
    return st.lists(st.builds(Extra, st.integers(0, max_pos), xml), max_size=3, unique_by=lambda e: e.position) \
        .map(lambda xs: tuple(sorted(xs, key=lambda e: e.position)))


comments = st.builds(
    Comment, id=ident, parent=st.integers(0, 5), type=st.sampled_from(["", "comment", "pingback", "trackback", "note"]),
    approved=st.sampled_from(["1", "0", "spam", "trash", "post-trashed", ""]), author=text, author_email=text,
    author_url=text, author_ip=text, date=date, content=text, user_id=st.integers(0, 99), meta=meta,
    extra=extras(20, nested_xml), source=st.just(Source()),
)


@st.composite
def posts(draw):
    has_sticky = draw(st.booleans())
    has_modified = draw(st.booleans())
    return Post(
        id=draw(ident), type=draw(st.sampled_from(["post", "page", "attachment", "nav_menu_item", "book", ""])),
        status=draw(st.sampled_from(["publish", "draft", "future", "private", "inherit", "trash", "x"])),
        title=draw(text), link=draw(text), guid=draw(text), pub_date=draw(text), creator=draw(text),
        content=draw(text), excerpt=draw(text), date=draw(date),
        modified=draw(date) if has_modified else WPDate(),
        comment_status=draw(text), ping_status=draw(text), slug=draw(text), parent=draw(st.integers(0, 100)),
        menu_order=draw(st.integers(-3, 10)), password=draw(text),
        sticky=draw(st.booleans()) if has_sticky else False,
        attachment_url=draw(text),
        terms=draw(st.lists(st.builds(TermRef, st.sampled_from(["category", "post_tag", "genre", ""]),
                                      st.one_of(st.just(""), slug), text), max_size=3).map(tuple)),
        meta=draw(meta), comments=draw(st.lists(comments, max_size=3).map(tuple)),
        # the reader takes the first empty <description> as WXR's own, so an
        # unknown empty one always has a known one before it: never at 0
        extra=draw(extras().filter(lambda xs: not any(e.xml == "<description/>" and e.position == 0 for e in xs))),
        has_modified=has_modified, has_sticky=has_sticky,
    )


authors = st.builds(
    Author, login=text, id=st.one_of(st.none(), st.integers(0, 99)), email=text, display_name=text,
    first_name=text, last_name=text, extra=extras(10, nested_xml), element=st.sampled_from(["author", "wp_author"]),
)
terms = st.builds(
    Term, taxonomy=st.sampled_from(["category", "post_tag", "nav_menu", "genre", ""]), slug=text, name=text,
    id=st.one_of(st.none(), st.integers(0, 999)), parent=text, description=text, meta=meta, extra=extras(10, nested_xml),
)
sites = st.builds(
    Site, title=text, link=text, description=text, language=text, pub_date=text,
    wxr_version=st.sampled_from(["1.0", "1.1", "1.2"]), base_site_url=text, base_blog_url=text,
    generator=st.from_regex(r"[A-Za-z0-9./ ]{0,20}", fullmatch=True),
    authors=st.lists(authors, min_size=1, max_size=2).map(tuple),
    terms=st.lists(terms, min_size=1, max_size=3).map(tuple), extra=extras(20, channel_xml),
)


def _write_read(site: Site, items: list[Post], tmp: Path):
    report = Report()
    out = tmp / "h.xml"
    write(in_memory(site, items), out, {}, report)
    return in_memory(site, items), migrate.read(out), report, out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(site=sites, items=st.lists(posts(), max_size=3, unique_by=lambda p: p.id))
def test_any_model_round_trips(site, items, tmp_path):
    original, again, report, out = _write_read(site, items, tmp_path)
    assert differences(original, again) == []
    assert "wxr-invalid-char-removed" not in report.counts
    ET.parse(out)  # a second, independent parser (expat) accepts it too


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(site=sites, post=posts(), bad=st.text(st.sampled_from(_ILLEGAL), min_size=1, max_size=3))
def test_illegal_characters_are_removed_and_reported(site, post, bad, tmp_path):
    dirty = Post(**{**{f: getattr(post, f) for f in post.__slots__}, "content": "a" + bad + "b"})  # type: ignore[attr-defined]
    _, again, report, out = _write_read(site, [dirty], tmp_path)
    (back,) = list(again.posts())
    assert back.content == "ab"
    assert report.counts["wxr-invalid-char-removed"] >= 1
    ET.parse(out)


# ---------------------------------------------------------------- what WordPress needs

def _sample(tmp_path: Path) -> Path:
    site = Site(title="T", link="https://e.x", wxr_version="1.2", base_site_url="https://e.x",
                base_blog_url="https://e.x", authors=(Author("ann", 1, "a@e.x"),),
                terms=(Term("category", "news", "News", 3),))
    post = Post(1, content="before ]]> after", title="A & B", creator="ann",
                terms=(TermRef("category", "news", "News"),),
                comments=(Comment(5, content="hi\rthere"),))
    out = tmp_path / "s.xml"
    write(in_memory(site, [post]), out, {}, Report())
    return out


def test_header_is_what_wordpress_core_writes(tmp_path):
    text = _sample(tmp_path).read_text("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert "<!DOCTYPE" not in text
    root = text[text.index("<rss"): text.index("<channel>")]
    for prefix, uri in NAMESPACES:
        assert f'xmlns:{prefix}="{uri}"' in root
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in text
    assert "before ]]]]><![CDATA[> after" in text
    assert "&#13;" in text


def test_item_element_order_is_cores(tmp_path):
    tree = ET.parse(_sample(tmp_path))
    item = tree.getroot().find("channel/item")
    wp = "{http://wordpress.org/export/1.2/}"
    names = [c.tag.replace(wp, "wp:") for c in item]
    expected = ["title", "link", "pubDate", "{http://purl.org/dc/elements/1.1/}creator", "guid", "description",
                "{http://purl.org/rss/1.0/modules/content/}encoded",
                "{http://wordpress.org/export/1.2/excerpt/}encoded", "wp:post_id", "wp:post_date",
                "wp:post_date_gmt", "wp:comment_status", "wp:ping_status", "wp:post_name", "wp:status",
                "wp:post_parent", "wp:menu_order", "wp:post_type", "wp:post_password", "wp:is_sticky",
                "category", "wp:comment"]
    assert names == expected
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.find("category").get("nicename") == "news"


def test_expat_parses_every_corpus_output(tmp_path):
    for i, path in enumerate(corpus_files()):
        out = tmp_path / f"{i}.xml"
        write(read_any(path), out, {}, Report())
        root = ET.parse(out).getroot()
        assert root.tag == "rss"


# ---------------------------------------------------------------- split parts

def test_split_parts_each_import_alone_and_hold_every_item_once(generated_200, tmp_path):
    path, _ = generated_200
    original = migrate.read(path)
    ids = [p.id for p in original.posts()]
    out = tmp_path / "site.xml"
    report = Report()
    write(original, out, {"split_size": "200KB"}, report)
    parts = sorted(tmp_path.glob("site.*.xml"))
    assert len(parts) > 2 and parts[0].name == "site.000.xml"
    seen = []
    for part in parts:
        assert part.stat().st_size <= 200 * 1024 or report.counts.get("wxr-part-oversize")
        ET.parse(part)
        one = migrate.read(part)
        assert one.site.authors == original.site.authors and one.site.terms == original.site.terms
        seen += [p.id for p in one.posts()]
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    merged = migrate.read(parts)
    assert differences(original, merged) == []


@pytest.mark.parametrize("value,expected", [("15MB", 15 * 1024**2), ("500k", 500 * 1024), ("1GiB", 1024**3),
                                            ("65536", 65536)])
def test_parse_size(value, expected):
    assert parse_size(value) == expected


@pytest.mark.parametrize("value", ["lots", "12XB", "10"])
def test_bad_sizes_are_usage_errors(value):
    with pytest.raises(UsageError):
        parse_size(value)


# ---------------------------------------------------------------- merging

MULTIPLE = sorted((CORPUS / "tryghost-mg-wp-xml" / "multiple").glob("*.xml"))


def test_merging_split_files_gives_one_site_with_every_item_once(tmp_path):
    export = migrate.read(MULTIPLE, recover=True)
    out = tmp_path / "merged.xml"
    write(export, out, {}, Report())
    merged = migrate.read(out)
    expected = {}
    for p in MULTIPLE:
        for post in migrate.read(p, recover=True).posts():
            expected.setdefault(post.id, post.title)
    got = [p.id for p in merged.posts()]
    assert sorted(got) == sorted(expected) and len(got) == len(set(got))
    assert len(merged.site.sources) == 1
    assert differences(export, merged) == []


def _site_file(tmp: Path, name: str, home: str, title: str) -> Path:
    site = Site(title=name, link=home, base_site_url=home, base_blog_url=home, wxr_version="1.2",
                authors=(Author(name, 1),))
    posts = [
        Post(1, title=f"{title} parent", guid=f"{home}/?p=1", creator=name,
             comments=(Comment(1, content="top"), Comment(2, parent=1, content="reply"))),
        Post(2, title=f"{title} child", guid=f"{home}/?p=2", parent=1, creator=name, meta=(("_thumbnail_id", "3"),)),
        Post(3, type="attachment", title="img", guid=f"{home}/a.jpg", attachment_url=f"{home}/a.jpg"),
        Post(4, type="nav_menu_item", guid=f"{home}/?p=4",
             meta=(("_menu_item_type", "post_type"), ("_menu_item_object_id", "2"),
                   ("_menu_item_menu_item_parent", "0"))),
    ]
    out = tmp / f"{name}.xml"
    write(in_memory(site, posts), out, {}, Report())
    return out


@pytest.mark.parametrize("remap", ["auto", "yes"])
def test_merging_different_sites_renumbers_and_fixes_references(remap, tmp_path):
    a = _site_file(tmp_path, "one", "https://one.example", "One")
    b = _site_file(tmp_path, "two", "https://two.example", "Two")
    report = Report()
    out = tmp_path / "merged.xml"
    write(migrate.read([a, b], report=report), out, {"remap": remap}, report)
    merged = list(migrate.read(out).posts())
    assert len(merged) == 8 and len({p.id for p in merged}) == 8
    assert report.counts["merge-id-remapped"] == 4
    by_title = {p.title: p for p in merged}
    child, parent = by_title["Two child"], by_title["Two parent"]
    assert child.parent == parent.id != 1
    thumb = next(p for p in merged if p.id == child.thumbnail_id)
    assert thumb.guid == "https://two.example/a.jpg"
    menu = [p for p in merged if p.type == "nav_menu_item" and p.id != 4][0]
    assert menu.meta_value("_menu_item_object_id") == str(child.id)
    assert [(c.id, c.parent) for c in parent.comments][1][1] == parent.comments[0].id != 1


def test_merging_different_sites_without_remap_keeps_the_first(tmp_path):
    a = _site_file(tmp_path, "one", "https://one.example", "One")
    b = _site_file(tmp_path, "two", "https://two.example", "Two")
    report = Report()
    out = tmp_path / "merged.xml"
    write(migrate.read([a, b], report=report), out, {"remap": "no"}, report)
    assert [p.title for p in migrate.read(out).posts()][:2] == ["One parent", "One child"]
    with pytest.raises(UsageError):
        write(migrate.read([a, b]), out, {"remap": "maybe"}, Report())
