"""Atom (parsed back by feedparser and lxml) and JSON Feed 1.1 (validated against the spec's shape)."""

from __future__ import annotations

import dataclasses

import json

import feedparser
import jsonschema
import pytest
from lxml import etree

from migrate.errors import Report
from migrate.model import Comment, Post, Site, WPDate, in_memory
from migrate.writers.feeds import write_atom, write_jsonfeed
from tests.conftest import CORPUS, corpus_files
from tests.writers.test_roundtrip import read_any

ATOM = "{http://www.w3.org/2005/Atom}"
THR = "{http://purl.org/syndication/thread/1.0}"

# JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written from the spec.
_author = {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"},
                                            "avatar": {"type": "string"}},
           "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}]}
JSONFEED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"}, "feed_url": {"type": "string"},
        "description": {"type": "string"}, "user_comment": {"type": "string"},
        "next_url": {"type": "string"}, "icon": {"type": "string"}, "favicon": {"type": "string"},
        "authors": {"type": "array", "items": _author}, "language": {"type": "string"},
        "expired": {"type": "boolean"}, "hubs": {"type": "array"},
        "items": {"type": "array", "items": {
            "type": "object",
            "required": ["id"],
            "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
            "properties": {
                "id": {"type": "string"}, "url": {"type": "string"}, "external_url": {"type": "string"},
                "title": {"type": "string"}, "content_html": {"type": "string"},
                "content_text": {"type": "string"}, "summary": {"type": "string"},
                "image": {"type": "string"}, "banner_image": {"type": "string"},
                "date_published": {"type": "string", "format": "date-time"},
                "date_modified": {"type": "string", "format": "date-time"},
                "authors": {"type": "array", "items": _author},
                "tags": {"type": "array", "items": {"type": "string"}}, "language": {"type": "string"},
                "attachments": {"type": "array"},
            },
            "patternProperties": {"^_": {}},
            "additionalProperties": False,
        }},
    },
    "patternProperties": {"^_": {}},
    "additionalProperties": False,
}
VALIDATOR = jsonschema.Draft202012Validator(JSONFEED_SCHEMA, format_checker=jsonschema.FormatChecker())


def _export():
    site = Site(title="S", link="https://e.x", base_blog_url="https://e.x", wxr_version="1.2", language="en")
    comments = (
        Comment(1, author="A", content="first", date=WPDate("2020-01-01 12:00:00", "2020-01-01 10:00:00")),
        Comment(2, parent=1, author="B", author_url="https://b.x", content="reply"),
        Comment(3, parent=2, author="C", content="deeper"),
        Comment(4, type="pingback", author="Other", content="linked"),
        Comment(5, approved="0", content="pending"),
        Comment(6, parent=5, author="D", content="reply to pending"),
    )
    return in_memory(site, [
        Post(7, title="P & Q", link="https://e.x/p/", guid="https://e.x/?p=7", content="Hello\n\nworld",
             comments=comments, date=WPDate("2020-01-01 11:00:00", "2020-01-01 09:00:00")),
        Post(8, title="Draft", status="draft"),
        Post(9, title="Page", type="page"),
    ])


def test_atom_threads_comments(tmp_path):
    out = tmp_path / "f.atom"
    write_atom(_export(), out, {"flags": {"comments": True}}, Report())
    parsed = feedparser.parse(str(out))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "S"
    ids = [e.id for e in parsed.entries]
    assert ids[0] == "https://e.x/?p=7" and len(ids) == 1 + 5
    reply_to = {e.id: e["thr_in-reply-to"]["ref"] for e in parsed.entries if "thr_in-reply-to" in e}
    c = "https://e.x/p/#comment-"
    assert reply_to == {c + "1": "https://e.x/?p=7", c + "2": c + "1", c + "3": c + "2",
                        c + "4": "https://e.x/?p=7", c + "6": "https://e.x/?p=7"}
    # lxml as well: every ref names an entry of the feed, pingbacks are marked
    root = etree.parse(str(out)).getroot()
    entry_ids = {e.findtext(ATOM + "id") for e in root.iter(ATOM + "entry")}
    for e in root.iter(ATOM + "entry"):
        for r in e.findall(THR + "in-reply-to"):
            assert r.get("ref") in entry_ids
    marked = [e.findtext(ATOM + "id") for e in root.iter(ATOM + "entry")
              if any(cat.get("term") == "pingback" for cat in e.findall(ATOM + "category"))]
    assert marked == [c + "4"]


def test_private_comments_stay_out_of_the_feeds(tmp_path):
    export = _export()
    post = next(p for p in export.posts() if p.id == 7)
    note = Comment(20, parent=1, type="note", author="Editor", content="editorial: fix this")
    export = in_memory(export.site, [dataclasses.replace(post, comments=post.comments + (note,))])
    for write_feed, name in ((write_atom, "f.atom"), (write_jsonfeed, "f.json")):
        report = Report()
        write_feed(export, tmp_path / name, {"flags": {"comments": True}}, report)
        text = (tmp_path / name).read_text()
        assert "first" in text and "editorial: fix this" not in text and "comment-20" not in text
        assert report.counts["comment-skipped-private"] == 1


def test_atom_without_the_flag_has_posts_only(tmp_path):
    out = tmp_path / "f.atom"
    write_atom(_export(), out, {}, Report())
    parsed = feedparser.parse(str(out))
    assert [e.id for e in parsed.entries] == ["https://e.x/?p=7"]
    assert "<p>Hello</p>" in parsed.entries[0].content[0].value


def test_jsonfeed_comments_extension(tmp_path):
    out = tmp_path / "f.json"
    write_jsonfeed(_export(), out, {"flags": {"comments": True}}, Report())
    doc = json.loads(out.read_text("utf-8"))
    assert not list(VALIDATOR.iter_errors(doc))
    (item,) = doc["items"]
    got = {c["id"]: (c["parent"], c["kind"]) for c in item["_comments"]}
    assert got == {"1": (None, "comment"), "2": ("1", "comment"), "3": ("2", "comment"),
                   "4": (None, "pingback"), "6": (None, "comment")}
    by_id = {c["id"]: c for c in item["_comments"]}
    assert by_id["2"]["author"] == {"name": "B", "url": "https://b.x"}
    assert by_id["1"]["date_published"] == "2020-01-01T12:00:00+02:00"
    order = [c["id"] for c in item["_comments"]]
    assert order.index("1") < order.index("2") < order.index("3")


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_feeds_parse_and_validate(path, tmp_path):
    export = read_any(path)
    atom = tmp_path / "f.atom"
    write_atom(export, atom, {"flags": {"comments": True}, "comments": "all"}, Report())
    parsed = feedparser.parse(str(atom))
    assert not parsed.bozo, parsed.get("bozo_exception")
    root = etree.parse(str(atom)).getroot()
    entry_ids = [e.findtext(ATOM + "id") for e in root.iter(ATOM + "entry")]
    assert len(entry_ids) == len(set(entry_ids))
    for e in root.iter(ATOM + "entry"):
        for r in e.findall(THR + "in-reply-to"):
            assert r.get("ref") in set(entry_ids)
    jf = tmp_path / "f.json"
    write_jsonfeed(export, jf, {"flags": {"comments": True}}, Report())
    doc = json.loads(jf.read_text("utf-8"))
    errors = list(VALIDATOR.iter_errors(doc))
    assert not errors, errors[0].message
    for item in doc["items"]:
        ids = {c["id"] for c in item["_comments"]}
        assert all(c["parent"] is None or c["parent"] in ids for c in item["_comments"])
