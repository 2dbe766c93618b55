"""Filters: streaming, usable with every writer, clear errors for bad values."""

from __future__ import annotations

import json

import pytest

import migrate
from migrate.errors import Report, UsageError
from migrate.filters import anonymized_email, apply_filters
from migrate.model import Author, Comment, Post, Site, WPDate, in_memory
from tests.conftest import CORPUS

PELICAN = CORPUS / "pelican" / "wordpressexport.xml"


def _export():
    site = Site(title="S", authors=(Author("ann"), Author("bob")), wxr_version="1.2")
    comments = (
        Comment(1, author_email="Carol@Example.org", author_ip="10.0.0.1", content="a",
                meta=(("akismet_as_submitted", "a:1:{s:2:\"ip\";s:8:\"10.0.0.1\";}"), ("akismet_result", "false"),
                      ("commenter_ip", "x"), ("note", "from 10.0.0.1"))),
        Comment(2, parent=1, approved="0", content="b"),
        Comment(3, parent=2, author_email="carol@example.org", content="c"),
        Comment(4, approved="spam", content="d"),
    )
    return in_memory(site, [
        Post(1, creator="ann", date=WPDate("2020-01-01 23:30:00", "2020-01-02 04:30:00"), comments=comments),
        Post(2, type="page", creator="bob", status="draft", date=WPDate("2021-06-01 10:00:00", "")),
        Post(3, creator="bob", status="publish"),
    ])


def ids(export):
    return [p.id for p in export.posts()]


def test_no_filters_is_the_same_export():
    e = _export()
    assert apply_filters(e, {}) is e and apply_filters(e, None) is e


def test_types_statuses_authors():
    e = _export()
    assert ids(apply_filters(e, {"post_types": ("page",)})) == [2]
    assert ids(apply_filters(e, {"post_types": "post,page", "statuses": ("publish",)})) == [1, 3]
    f = apply_filters(e, {"authors": ("bob",)})
    assert ids(f) == [2, 3] and [a.login for a in f.site.authors] == ["bob"]


def test_dates_compare_the_local_day_and_skip_undated():
    e = _export()
    report = Report()
    e.extra_info["report"] = report
    # local 2020-01-01 although GMT is already 2020-01-02
    assert ids(apply_filters(e, {"until": "2020-01-01"})) == [1]
    assert ids(apply_filters(e, {"since": "2020-01-02"})) == [2]
    assert report.counts["filter-undated-skipped"] == 2


@pytest.mark.parametrize("filters", [
    {"since": "2020-13-01"}, {"until": "yesterday"}, {"since": "2021-01-01", "until": "2020-01-01"},
    {"authors": ("nobody",)}, {"post_types": ("",)}, {"colour": "red"},
])
def test_bad_values_are_usage_errors(filters):
    with pytest.raises(UsageError):
        apply_filters(_export(), filters)


def test_comment_filters():
    e = _export()
    (p, *_), = [list(apply_filters(e, {"no_comments": True}).posts())]
    assert p.comments == ()
    first = next(apply_filters(e, {"approved_only": True}).posts())
    # 2 (pending) is left out: its reply 3 moves up to 1
    assert [(c.id, c.parent) for c in first.comments] == [(1, 0), (3, 1)]


def test_anonymize():
    first = next(apply_filters(_export(), {"anonymize": True}).posts())
    c1, c2, c3, c4 = first.comments
    assert c1.author_email == c3.author_email == anonymized_email("carol@example.org")
    assert c1.author_email.endswith("@anonymized.invalid") and len(c1.author_email.split("@")[0]) == 16
    assert c2.author_email == "" and all(c.author_ip == "" for c in first.comments)
    assert c1.meta == (("akismet_result", "false"),)
    # the site's authors keep theirs
    assert "carol" not in json.dumps([c.author_email for c in first.comments])


def test_filters_are_streaming_and_repeatable():
    calls = []
    base = _export()

    def opener():
        calls.append(1)
        return base.posts()

    e = base.with_posts(opener)
    f = apply_filters(e, {"post_types": ("post",)})
    assert calls == []
    assert ids(f) == ids(f) == [1, 3] and len(calls) == 2


@pytest.mark.parametrize("to", ["wxr", "json", "ghost", "disqus", "atom", "jsonfeed"])
def test_filters_work_with_every_writer(to, tmp_path):
    out = tmp_path / "out"
    report = migrate.convert([PELICAN], to, out, {}, filters={"post_types": ("post",), "anonymize": True,
                                                             "since": "2012-01-01"})
    assert out.exists()
    text = out.read_text("utf-8").lower()
    source = migrate.read(PELICAN)
    staff = {a.email.lower() for a in source.site.authors}  # the site's own users keep theirs
    secrets = {s.lower() for p in source.posts() for c in p.comments
               for s in (c.author_email, c.author_ip) if s} - staff
    assert secrets and not [s for s in secrets if s in text]
    assert isinstance(report, Report)


def test_filtered_wxr_round_trip_has_only_the_kept_items(tmp_path):
    out = tmp_path / "f.xml"
    migrate.convert([PELICAN], "wxr", out, {}, filters={"post_types": ("page",), "no_comments": True})
    back = migrate.read(out)
    info = migrate.info(back)
    assert info["post_types"] == {"page": 2} and info["comments"] == 0
