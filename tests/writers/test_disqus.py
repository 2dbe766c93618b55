"""Disqus import XML: every required field (TARGETS.md §5), threading, exclusions, file size."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree

import migrate
from migrate.errors import Report
from migrate.model import Comment, Post, Site, WPDate, in_memory
from migrate.writers.disqus import write, write_disqus
from tests.conftest import CORPUS, corpus_files
from tests.writers.test_roundtrip import read_any

WP = "{http://wordpress.org/export/1.0/}"
DSQ = "{http://www.disqus.com/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
ITEM_FIELDS = ["title", "link", CONTENT + "encoded", DSQ + "thread_identifier", WP + "post_date_gmt",
               WP + "comment_status"]
COMMENT_FIELDS = [WP + f for f in ("comment_id", "comment_author", "comment_author_email", "comment_author_url",
                                   "comment_author_IP", "comment_date_gmt", "comment_content",
                                   "comment_approved", "comment_parent")]


def check_file(path: Path) -> list[etree._Element]:
    root = etree.parse(str(path)).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.nsmap["wp"] == "http://wordpress.org/export/1.0/" and root.nsmap["dsq"] == "http://www.disqus.com/"
    items = root.findall("channel/item")
    for item in items:
        for f in ITEM_FIELDS:
            assert len(item.findall(f)) == 1, f
        assert item.findtext("link").startswith("http")
        assert item.findtext(WP + "comment_status") in ("open", "closed")
        ids = set()
        for c in item.findall(WP + "comment"):
            assert [e.tag for e in c] == COMMENT_FIELDS
            assert len(c.findtext(WP + "comment_content").strip()) >= 3
            assert c.findtext(WP + "comment_approved") in ("0", "1")
            gmt = c.findtext(WP + "comment_date_gmt")
            assert gmt == "" or len(gmt) == 19
            ids.add(c.findtext(WP + "comment_id"))
        for c in item.findall(WP + "comment"):
            parent = c.findtext(WP + "comment_parent")
            assert parent == "0" or parent in ids
    return items


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_output_has_every_required_field(path, tmp_path):
    export = read_any(path)
    out = tmp_path / "d.xml"
    write(export, out, {"pingbacks": "include", "comments": "all"}, Report())
    items = check_file(out)
    with_comments = [p for p in export.posts()
                     if any(len(c.content.strip()) >= 3 for c in p.comments)]
    assert len(items) == len(with_comments)


def _export():
    site = Site(title="S", link="https://e.x", base_blog_url="https://e.x", wxr_version="1.2")
    comments = (
        Comment(1, content="top comment", date=WPDate("2020-01-01 12:00:00", "2020-01-01 10:00:00")),
        Comment(2, parent=1, content="ok", date=WPDate("2020-01-01 12:05:00", "")),
        Comment(3, parent=2, content="reply to the short one"),
        Comment(4, type="pingback", content="linked from elsewhere"),
        Comment(5, approved="spam", content="buy things"),
        Comment(6, parent=5, content="reply to spam"),
    )
    post = Post(7, title="P", link="https://e.x/p/", comment_status="open", comments=comments,
                date=WPDate("2020-01-01 11:00:00", "2020-01-01 09:00:00"))
    return in_memory(site, [post, Post(8, title="none")])


def test_threading_exclusions_and_identifier(tmp_path):
    out = tmp_path / "d.xml"
    report = Report()
    write(_export(), out, {}, report)
    (item,) = check_file(out)
    assert item.findtext(DSQ + "thread_identifier") == "7 https://e.x/?p=7"
    got = {c.findtext(WP + "comment_id"): c.findtext(WP + "comment_parent") for c in item.findall(WP + "comment")}
    # 2 is too short: 3 climbs to 1; 4 is a pingback; 5 is spam: 6 becomes top level
    assert got == {"1": "0", "3": "1", "6": "0"}
    dates = {c.findtext(WP + "comment_id"): c.findtext(WP + "comment_date_gmt") for c in item.findall(WP + "comment")}
    assert dates["1"] == "2020-01-01 10:00:00"
    assert report.counts["disqus-message-too-short"] == 1
    assert report.counts["disqus-pingback-skipped"] == 1
    assert report.counts["disqus-comment-excluded"] == 1


def test_private_comments_are_left_out(tmp_path):
    export = _export()
    post = next(p for p in export.posts() if p.id == 7)
    notes = (Comment(20, type="note", author="Editor", content="check the dates here"),
             Comment(21, parent=20, author="R", content="a reply filed under the note"))
    export = in_memory(export.site, [dataclasses.replace(post, comments=post.comments + notes)])
    out = tmp_path / "d.xml"
    report = Report()
    write(export, out, {}, report)
    (item,) = check_file(out)
    got = {c.findtext(WP + "comment_id"): c.findtext(WP + "comment_parent") for c in item.findall(WP + "comment")}
    assert "20" not in got and got["21"] == "0"
    assert report.counts["comment-skipped-private"] == 1


@pytest.mark.parametrize("mode,expected", [("id", "7"), ("url", "https://e.x/p/"), ("ghost", "ghost-7")])
def test_identifier_modes(mode, expected, tmp_path):
    out = tmp_path / "d.xml"
    write(_export(), out, {"identifier": mode, "pingbacks": "include"}, Report())
    (item,) = check_file(out)
    assert item.findtext(DSQ + "thread_identifier") == expected
    assert "4" in {c.findtext(WP + "comment_id") for c in item.findall(WP + "comment")}


def test_files_are_split_under_the_limit(generated_200, tmp_path):
    path, _ = generated_200
    export = migrate.read(path)
    out = tmp_path / "d.xml"
    files = write_disqus(export, out, Report(), max_size=100_000, which="all", pingbacks=True)
    assert len(files) > 1 and files[0] == out and files[1].name == "d.001.xml"
    total = 0
    for f in files:
        assert f.stat().st_size <= 100_000 + 50_000
        total += sum(len(i.findall(WP + "comment")) for i in check_file(f))
    expected = sum(1 for p in export.posts() for c in p.comments if len(c.content.strip()) >= 3)
    assert total == expected


def test_dates_at_the_edge_of_the_calendar_do_not_stop_the_export():
    from datetime import timedelta

    from migrate.writers.disqus import gmt_string

    assert gmt_string(WPDate("9999-12-31 23:30:00", ""), timedelta(hours=-1)) == "9999-12-31 23:30:00"
    assert gmt_string(WPDate("2012-05-01 10:00:00", ""), timedelta(hours=-1)) == "2012-05-01 11:00:00"
