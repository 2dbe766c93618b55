"""Ghost import JSON: valid against schemas/ghost-import.schema.json, and what it maps."""

from __future__ import annotations

import json

import jsonschema
import pytest

from migrate.errors import Report
from migrate.model import Author, Comment, Post, Site, Term, TermRef, WPDate, in_memory
from migrate.writers.ghost import write
from tests.conftest import CORPUS, ROOT, corpus_files
from tests.writers.test_roundtrip import read_any

SCHEMA = json.loads((ROOT / "schemas" / "ghost-import.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_schema_is_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_output_validates(path, tmp_path):
    export = read_any(path)
    out = tmp_path / "ghost.json"
    report = Report()
    write(export, out, {}, report)
    doc = json.loads(out.read_text("utf-8"))
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, errors[0].message
    data = doc["db"][0]["data"]
    posts = {p["id"] for p in data["posts"]}
    assert len(posts) == len(data["posts"]), "a post id twice: Ghost's import refuses it"
    assert {r["post_id"] for r in data["posts_tags"]} <= posts
    assert {r["tag_id"] for r in data["posts_tags"]} <= {t["id"] for t in data["tags"]}
    assert {r["author_id"] for r in data["posts_authors"]} <= {u["id"] for u in data["users"]}
    assert {r["post_id"] for r in data["posts_authors"]} == posts
    kept = {}  # the first item of each id, as the writer keeps
    for p in export.posts():
        if p.type in ("post", "page") and p.status not in ("trash", "inherit", "auto-draft"):
            kept.setdefault(p.id, p)
    n_comments = sum(len(p.comments) for p in kept.values())
    side = out.with_name(out.name + ".comments.disqus.xml")
    if n_comments:
        assert report.counts["ghost-no-comments"] == 1
        assert str(n_comments) in next(f.message for f in report if f.code == "ghost-no-comments")
        assert side.exists()
    else:
        assert "ghost-no-comments" not in report.counts and not side.exists()


def _site() -> Site:
    return Site(title="S", link="https://old.example", base_blog_url="https://old.example", wxr_version="1.2",
                authors=(Author("ann", 1, "", "Ann"),),
                terms=(Term("category", "news", "News"), Term("post_tag", "news", "news tag"),
                       Term("post_tag", "misc", "Misc")))


def test_mapping(tmp_path):
    long_excerpt = "word " * 100
    posts = [
        Post(10, title="Hello", slug="hello", creator="ann", status="publish",
             content='See <a href="https://old.example/second/">the next</a>.\n\nSecond paragraph.',
             link="https://old.example/hello/", excerpt=long_excerpt,
             date=WPDate("2020-01-02 10:00:00", "2020-01-02 09:00:00"),
             terms=(TermRef("category", "news", "News"), TermRef("post_tag", "misc", "Misc")),
             meta=(("_thumbnail_id", "30"),), sticky=True,
             comments=(Comment(1, content="nice post"),)),
        Post(11, title="Second", slug="second", creator="ann", status="private", link="https://old.example/second/"),
        Post(12, type="page", title="Later", slug="later", creator="ann", status="future"),
        Post(13, title="Locked", slug="locked", creator="ann", password="pw"),
        Post(30, type="attachment", title="img", attachment_url="https://old.example/wp-content/uploads/a.jpg",
             excerpt="A caption", meta=(("_wp_attachment_image_alt", "Alt text"),)),
        Post(31, type="nav_menu_item"),
    ]
    out = tmp_path / "g.json"
    report = Report()
    write(in_memory(_site(), posts), out, {}, report)
    doc = json.loads(out.read_text("utf-8"))
    assert not list(VALIDATOR.iter_errors(doc))
    assert isinstance(doc["db"][0]["meta"]["exported_on"], int)
    data = doc["db"][0]["data"]
    by_id = {p["id"]: p for p in data["posts"]}
    assert set(by_id) == {"10", "11", "12", "13"}
    hello = by_id["10"]
    assert hello["status"] == "published" and hello["comment_id"] == "10" and hello["featured"] is True
    assert '<a href="/second/">' in hello["html"] and "<p>" in hello["html"]
    assert hello["feature_image"] == "https://old.example/wp-content/uploads/a.jpg"
    assert len(hello["custom_excerpt"]) <= 300
    assert hello["published_at"] == "2020-01-02T09:00:00.000Z"
    assert by_id["11"]["status"] == "draft" and by_id["12"]["status"] == "scheduled"
    assert by_id["12"]["type"] == "page" and by_id["13"]["status"] == "draft"
    assert data["posts_meta"] == [{"post_id": "10", "feature_image_alt": "Alt text",
                                   "feature_image_caption": "A caption"}]
    # a category and a tag with one slug are one Ghost tag
    assert sorted(t["slug"] for t in data["tags"]) == ["misc", "news"]
    assert [r["tag_id"] for r in data["posts_tags"] if r["post_id"] == "10"] == ["tag-1", "tag-2"]
    assert data["users"][0]["email"] == "ann@example.invalid"
    for code in ("ghost-excerpt-truncated", "ghost-private-as-draft", "ghost-password-dropped",
                 "ghost-type-skipped", "ghost-user-email-synthesized", "ghost-no-comments"):
        assert code in report.counts, code
    assert (tmp_path / "g.json.comments.disqus.xml").exists()


def test_dates_at_the_edge_of_the_calendar_do_not_stop_the_export():
    from datetime import timedelta

    from migrate.writers.ghost import ghost_date

    assert ghost_date(WPDate("0001-01-01 00:00:00", ""), timedelta(hours=1)) == "0001-01-01T00:00:00.000Z"
    assert ghost_date(WPDate("2012-05-01 10:00:00", ""), timedelta(hours=1)) == "2012-05-01T09:00:00.000Z"


def test_a_post_with_only_a_pub_date_is_dated_by_it_in_ghost_disqus_and_feeds(tmp_path):
    """Exports from other tools: the RSS pubDate is the post's only date."""
    import feedparser

    import migrate

    post = Post(3, title="Only pubDate", slug="only", status="publish", pub_date="Wed, 04 Mar 2009 09:03:00 -0800",
                comments=(Comment(1, author="Ann", content="Hello there, a long enough comment.",
                                  date=WPDate("2009-03-05 10:00:00", "2009-03-05 18:00:00")),))
    export = in_memory(_site(), [post])
    migrate.write(export, "ghost", tmp_path / "g.json")
    ghost = json.loads((tmp_path / "g.json").read_text())["db"][0]["data"]["posts"][0]
    assert ghost["published_at"] == ghost["created_at"] == "2009-03-04T17:03:00.000Z"
    migrate.write(export, "disqus", tmp_path / "d.xml")
    assert "<wp:post_date_gmt>2009-03-04 17:03:00</wp:post_date_gmt>" in (tmp_path / "d.xml").read_text()
    migrate.write(export, "atom", tmp_path / "a.xml")
    entry, = feedparser.parse(str(tmp_path / "a.xml")).entries
    assert entry.published == "2009-03-04T09:03:00-08:00"


def test_block_footnotes_reach_ghost_and_the_feeds(tmp_path):
    import feedparser

    import migrate

    post = Post(4, title="Noted", slug="noted", status="publish", date=WPDate("2024-01-02 10:00:00", "2024-01-02 09:00:00"),
                content='<!-- wp:paragraph --><p>Text<sup data-fn="n1" class="fn"><a href="#n1" id="n1-link">1</a>'
                        '</sup></p><!-- /wp:paragraph --><!-- wp:footnotes /-->',
                meta=(("footnotes", '[{"id":"n1","content":"The note"}]'),))
    export = in_memory(_site(), [post])
    migrate.write(export, "ghost", tmp_path / "g.json")
    ghost = json.loads((tmp_path / "g.json").read_text())["db"][0]["data"]["posts"][0]
    assert "The note" in ghost["html"] and 'id="n1"' in ghost["html"]
    migrate.write(export, "atom", tmp_path / "a.xml")
    assert "The note" in feedparser.parse(str(tmp_path / "a.xml")).entries[0].content[0].value


def test_a_post_without_any_date_is_reported_by_ghost_and_atom(tmp_path):
    import migrate

    export = in_memory(_site(), [Post(5, title="Undated", slug="undated", status="publish")])
    ghost = migrate.write(export, "ghost", tmp_path / "g.json", report=Report())
    assert ghost.counts.get("date-missing") == 1
    atom = migrate.write(export, "atom", tmp_path / "a.xml", report=Report())
    assert atom.counts.get("date-missing") == 1
    assert "<updated>1970-01-01T00:00:00+00:00</updated>" in (tmp_path / "a.xml").read_text()
